#include "lookout/dynamodb.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lookout/json.h"

static int bad(struct lk_error *err, const char *member, const char *name, const char *why)
{
    return err_set(err, LK_AWS_BAD_RESPONSE, "DynamoDB response: %s.%.64s: %s", member, name, why);
}

static int number_ok(const char *s)
{
    char *end;
    errno = 0;
    strtod(s, &end);
    return *s && errno == 0 && *end == '\0';
}

/* One AttributeValue: exactly one type key; S and N kept, other types skipped. */
static int read_attr(const cJSON *v, const char *member, struct ddb_item *out,
                     struct lk_error *err)
{
    if (!cJSON_IsObject(v) || !v->child || v->child->next)
        return bad(err, member, v->string, "not an AttributeValue with one type");
    const cJSON *t = v->child;
    int is_s = strcmp(t->string, "S") == 0, is_n = strcmp(t->string, "N") == 0;
    if (!is_s && !is_n)
        return LK_OK;
    if (!cJSON_IsString(t) || strlen(t->valuestring) > DDB_MAX_VALUE_BYTES)
        return bad(err, member, v->string, "value is not a string of at most 64 KiB");
    if (is_n && !number_ok(t->valuestring))
        return bad(err, member, v->string, "N is not a number");
    if (strlen(v->string) > DDB_MAX_NAME_BYTES)
        return LK_OK; /* never one of ours */
    if (out->count == DDB_MAX_ATTRIBUTES)
        return bad(err, member, v->string, "too many attributes");
    struct ddb_attr *a = &out->attrs[out->count];
    a->value = strdup(t->valuestring);
    if (!a->value)
        return err_set(err, LK_NOMEM, "out of memory");
    snprintf(a->name, sizeof(a->name), "%s", v->string);
    a->type = is_s ? 'S' : 'N';
    out->count++;
    return LK_OK;
}

int ddb_parse_item(const char *text, size_t len, const char *member, struct ddb_item *out,
                   struct lk_error *err)
{
    memset(out, 0, sizeof(*out));
    cJSON *doc = json_parse(text, len);
    int rc = LK_OK;
    if (!cJSON_IsObject(doc)) {
        rc = err_set(err, LK_AWS_BAD_RESPONSE, "DynamoDB response: not a JSON object");
        goto cleanup;
    }
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(doc, member);
    if (!item || cJSON_IsNull(item))
        goto cleanup;
    if (!cJSON_IsObject(item)) {
        rc = err_set(err, LK_AWS_BAD_RESPONSE, "DynamoDB response: %s: not an object", member);
        goto cleanup;
    }
    out->present = 1;
    for (const cJSON *v = item->child; rc == LK_OK && v; v = v->next)
        rc = read_attr(v, member, out, err);
cleanup:
    cJSON_Delete(doc);
    if (rc != LK_OK)
        ddb_item_cleanup(out);
    return rc;
}

void ddb_item_cleanup(struct ddb_item *item)
{
    for (size_t i = 0; i < item->count; i++)
        free(item->attrs[i].value);
    memset(item, 0, sizeof(*item));
}

static const struct ddb_attr *find(const struct ddb_item *item, const char *name, char type)
{
    for (size_t i = 0; i < item->count; i++)
        if (item->attrs[i].type == type && strcmp(item->attrs[i].name, name) == 0)
            return &item->attrs[i];
    return NULL;
}

const char *ddb_item_s(const struct ddb_item *item, const char *name)
{
    const struct ddb_attr *a = find(item, name, 'S');
    return a ? a->value : NULL;
}

int ddb_item_n(const struct ddb_item *item, const char *name, long long *out)
{
    const struct ddb_attr *a = find(item, name, 'N');
    if (!a)
        return -1;
    char *end;
    errno = 0;
    long long n = strtoll(a->value, &end, 10);
    if (errno != 0 || *end != '\0')
        return -1;
    *out = n;
    return 0;
}

cJSON *ddb_attr_s(const char *s)
{
    cJSON *o = cJSON_CreateObject();
    if (o && !cJSON_AddStringToObject(o, "S", s)) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

cJSON *ddb_attr_n(long long n)
{
    char text[24];
    snprintf(text, sizeof(text), "%lld", n);
    cJSON *o = cJSON_CreateObject();
    if (o && !cJSON_AddStringToObject(o, "N", text)) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

struct answer {
    const char *member;
    struct ddb_item *out;
};

/* A 2xx must be a JSON object; what the caller asked for is read from it. */
static int accept_answer(const struct aws_response *resp, void *state, struct lk_error *err)
{
    struct answer *a = state;
    struct ddb_item scratch;
    struct ddb_item *into = a->out ? a->out : &scratch;
    if (a->out)
        ddb_item_cleanup(a->out);
    int rc = ddb_parse_item(resp->body.data ? resp->body.data : "", resp->body.len,
                            a->member ? a->member : "Attributes", into, err);
    if (!a->out && rc == LK_OK)
        ddb_item_cleanup(&scratch);
    return rc;
}

/* The item a failed condition saw, when the request asked for it (ALL_OLD). */
static void condition_item(const struct aws_response *resp, struct ddb_item *out)
{
    struct lk_error ignored = {0};
    if (out && ddb_parse_item(resp->body.data ? resp->body.data : "", resp->body.len, "Item", out,
                              &ignored) != LK_OK)
        memset(out, 0, sizeof(*out));
}

int ddb_call(struct aws_client *ddb, const char *op, const cJSON *request, const char *member,
             int64_t deadline_ms, struct ddb_item *out, struct lk_error *err)
{
    if (out)
        memset(out, 0, sizeof(*out));
    char *body = cJSON_PrintUnformatted(request);
    if (!body)
        return err_set(err, LK_NOMEM, "DynamoDB %s: out of memory", op);
    char target[64];
    snprintf(target, sizeof(target), DDB_TARGET_PREFIX "%s", op);
    const struct aws_header headers[] = {{"Content-Type", DDB_CONTENT_TYPE},
                                         {"X-Amz-Target", target}};
    struct answer answer = {member, out};
    struct aws_request req = {
        .operation = op,
        .method = "POST",
        .path = "/",
        .headers = headers,
        .header_count = 2,
        .body = body,
        .body_len = strlen(body),
        .max_response_bytes = DDB_MAX_RESPONSE_BYTES,
        .accept = accept_answer,
        .accept_state = &answer,
    };
    struct aws_response resp;
    aws_response_init(&resp);
    int rc = aws_client_send(ddb, &req, deadline_ms, &resp, err);
    if (rc != LK_OK && strcmp(err->aws_code, "ConditionalCheckFailedException") == 0) {
        rc = err->code = LK_AWS_CONDITION_FAILED;
        condition_item(&resp, out);
    }
    aws_response_cleanup(&resp);
    free(body);
    return rc;
}
