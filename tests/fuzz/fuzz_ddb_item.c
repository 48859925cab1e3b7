/* libFuzzer target: items read from DynamoDB answers (PutItem/UpdateItem Attributes, GetItem
 * Item, the Item of a ConditionalCheckFailedException), outside bytes every one. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "lookout/dynamodb.h"
#include "lookout/state.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct ddb_item item;
    struct lk_error err;
    const char *members[] = {"Item", "Attributes"};
    for (size_t m = 0; m < 2; m++) {
        if (ddb_parse_item((const char *)data, size, members[m], &item, &err) != LK_OK) {
            if (item.count != 0)
                __builtin_trap();
            continue;
        }
        for (size_t i = 0; i < item.count; i++) {
            long long n;
            if (item.attrs[i].type != 'S' && item.attrs[i].type != 'N')
                __builtin_trap();
            (void)ddb_item_n(&item, item.attrs[i].name, &n);
            struct pl_seen seen;
            pl_state_parse_seen(item.attrs[i].value, &seen); /* the "boxes" attribute */
            if (seen.count > PL_SEEN_MAX)
                __builtin_trap();
        }
        ddb_item_cleanup(&item);
    }
    return 0;
}
