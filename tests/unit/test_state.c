/* Unit tests for the pure parts of src/pipeline/state.c: reading a seen item's boxes and
 * merging the boxes of two invocations that saved the same list at once. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "lookout/state.h"

static struct pl_seen list(size_t n, const struct rek_box *boxes, const long long *ms)
{
    struct pl_seen s = {.count = n};
    for (size_t i = 0; i < n; i++) {
        s.boxes[i] = boxes[i];
        s.seen_ms[i] = ms[i];
    }
    return s;
}

static void parses_boxes_and_stops_at_a_malformed_entry(void **state)
{
    (void)state;
    struct pl_seen s;
    pl_state_parse_seen("0.1,0.2,0.3,0.4,1000;0.5,0.5,0.1,0.1,2000", &s);
    assert_int_equal(s.count, 2);
    assert_float_equal(s.boxes[1].left, 0.5, 0);
    assert_int_equal(s.seen_ms[1], 2000);
    pl_state_parse_seen("0.1,0.2,0.3,0.4,1000;x;0.5,0.5,0.1,0.1,2000", &s);
    assert_int_equal(s.count, 1);
    pl_state_parse_seen("0.1,0.2,3,0.4,1000", &s); /* a width past the frame twice over */
    assert_int_equal(s.count, 0);
    pl_state_parse_seen(NULL, &s);
    assert_int_equal(s.count, 0);
}

/* Two invocations each added a different car to the same list: both cars stay. */
static void merge_keeps_the_boxes_of_both_writers(void **state)
{
    (void)state;
    const struct rek_box parked = {0.1, 0.5, 0.3, 0.3}, theirs_new = {0.6, 0.5, 0.3, 0.3},
                         mine_new = {0.35, 0.1, 0.2, 0.2};
    struct pl_seen theirs = list(2, (struct rek_box[]){parked, theirs_new}, (long long[]){10, 20});
    theirs.version = 5;
    struct pl_seen mine =
        list(2, (struct rek_box[]){{0.11, 0.5, 0.3, 0.3}, mine_new}, (long long[]){30, 30});
    pl_state_seen_merge(&theirs, &mine);
    assert_int_equal(theirs.version, 5);
    assert_int_equal(theirs.count, 3);
    assert_float_equal(theirs.boxes[0].left, 0.1, 0); /* the parked car, seen again at 30 */
    assert_int_equal(theirs.seen_ms[0], 30);
    assert_int_equal(theirs.seen_ms[1], 20);
    assert_float_equal(theirs.boxes[2].left, 0.35, 0);
    /* Merging the same list again changes nothing. */
    struct pl_seen again = theirs;
    pl_state_seen_merge(&again, &theirs);
    assert_memory_equal(&again, &theirs, sizeof(again));
}

static void merge_never_moves_a_time_back(void **state)
{
    (void)state;
    const struct rek_box car = {0.1, 0.5, 0.3, 0.3};
    struct pl_seen theirs = list(1, &car, (long long[]){50});
    struct pl_seen mine = list(1, &car, (long long[]){40});
    pl_state_seen_merge(&theirs, &mine);
    assert_int_equal(theirs.count, 1);
    assert_int_equal(theirs.seen_ms[0], 50);
}

static void merge_into_a_full_list_replaces_the_oldest(void **state)
{
    (void)state;
    struct pl_seen full = {.count = PL_SEEN_MAX};
    for (size_t i = 0; i < PL_SEEN_MAX; i++) {
        full.boxes[i] = (struct rek_box){0.1 * (double)i, 0, 0.05, 0.05};
        full.seen_ms[i] = i == 3 ? 5 : 100 + (long long)i;
    }
    const struct rek_box fresh = {0.5, 0.8, 0.1, 0.1};
    struct pl_seen mine = list(1, &fresh, (long long[]){200});
    pl_state_seen_merge(&full, &mine);
    assert_int_equal(full.count, PL_SEEN_MAX);
    assert_float_equal(full.boxes[3].top, 0.8, 0);
    assert_int_equal(full.seen_ms[3], 200);
    /* A box older than every one in the list is not worth a place. */
    const struct rek_box stale = {0.5, 0.0, 0.1, 0.9};
    struct pl_seen old = list(1, &stale, (long long[]){1});
    struct pl_seen before = full;
    pl_state_seen_merge(&full, &old);
    assert_memory_equal(&before, &full, sizeof(full));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(parses_boxes_and_stops_at_a_malformed_entry),
        cmocka_unit_test(merge_keeps_the_boxes_of_both_writers),
        cmocka_unit_test(merge_never_moves_a_time_back),
        cmocka_unit_test(merge_into_a_full_list_replaces_the_oldest),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
