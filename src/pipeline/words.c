/* An alert in words for people: e-mail, SMS and the per-protocol SNS Message (words.h). */
#include "lookout/words.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lookout/json.h"
#include "lookout/utf8.h"

/* Appends s made valid UTF-8 on one line (control characters become spaces). */
static int add_clean(struct lk_buf *b, const char *s)
{
    size_t start = b->len;
    int rc = utf8_sanitize(b, s, strlen(s));
    for (size_t i = start; rc == LK_OK && i < b->len; i++)
        if ((unsigned char)b->data[i] < 0x20 || b->data[i] == 0x7F)
            b->data[i] = ' ';
    return rc;
}

/* "2026-11-24 08:00:12 UTC" from the RFC 3339 form. */
static void human_time(long long ms, char out[32])
{
    char t[25];
    if (alert_format_time(ms, t) != 0) {
        snprintf(out, 32, "unknown time");
        return;
    }
    snprintf(out, 32, "%.10s %.8s UTC", t, t + 11);
}

static int add_what(struct lk_buf *b, const struct dec_result *m)
{
    size_t shown = m->label_count < WORDS_EMAIL_LABELS ? m->label_count : WORDS_EMAIL_LABELS;
    int rc = buf_append_str(b, "What:  ");
    for (size_t i = 0; rc == LK_OK && i < shown; i++) {
        const struct rek_label *l = m->labels[i];
        rc = buf_append_str(b, i ? ", " : "");
        if (rc == LK_OK)
            rc = add_clean(b, l->name);
        if (rc == LK_OK)
            rc = buf_appendf(b, " %.1f%%", l->confidence);
        if (rc == LK_OK && l->instance_count > 0)
            rc = buf_appendf(b, " (%zu %s)", l->instance_count,
                             l->instance_count == 1 ? "box" : "boxes");
    }
    if (rc == LK_OK && shown < m->label_count)
        rc = buf_appendf(b, " and %zu more", m->label_count - shown);
    return rc == LK_OK ? buf_append_str(b, "\n") : rc;
}

static int add_where(struct lk_buf *b, const struct alert_input *in)
{
    int rc = buf_append_str(b, "Where: camera ");
    if (rc == LK_OK)
        rc = add_clean(b, in->stream_name);
    for (size_t i = 0; rc == LK_OK && i < in->zone_count; i++) {
        rc = buf_append_str(b, i ? ", " : ", in zone ");
        if (rc == LK_OK)
            rc = add_clean(b, in->zones[i]);
    }
    return rc == LK_OK ? buf_append_str(b, "\n") : rc;
}

static int add_link(struct lk_buf *b, const struct alert_input *in)
{
    char until[32];
    if (in->snapshot) {
        human_time(in->snapshot->url_expires_ms, until);
        return buf_appendf(b, "Picture: %s\n  (the link works until %s)\n", in->snapshot->url,
                           until);
    }
    if (in->image_url) {
        human_time(in->image_url_expires_ms, until);
        return buf_appendf(b, "Frame: %s\n  (the link works until %s)\n", in->image_url, until);
    }
    return buf_append_str(b, "No picture was stored with this alert.\n");
}

static int add_snooze(struct lk_buf *b, const struct alert_input *in)
{
    int rc = buf_appendf(b, "\nTo snooze this camera for %d minutes, invoke the function with:\n"
                            "  {\"lookout\":{\"snooze\":{\"stream\":",
                         WORDS_SNOOZE_MINUTES);
    struct lk_buf name;
    buf_init(&name, BUF_DEFAULT_MAX);
    if (rc == LK_OK)
        rc = utf8_sanitize(&name, in->stream_name, strlen(in->stream_name));
    if (rc == LK_OK)
        rc = json_append_string(b, name.data ? name.data : "", name.len);
    buf_cleanup(&name);
    if (rc == LK_OK)
        rc = buf_appendf(b, ",\"minutes\":%d}}}\n", WORDS_SNOOZE_MINUTES);
    return rc;
}

int words_email(const struct alert_input *in, const struct alert *a, struct lk_buf *out)
{
    char when[32];
    human_time(in->frame_ms, when);
    int rc = buf_appendf(out, "%s.\n\n", a->subject);
    if (rc == LK_OK)
        rc = add_what(out, in->match);
    if (rc == LK_OK)
        rc = add_where(out, in);
    if (rc == LK_OK)
        rc = buf_appendf(out, "When:  %s\nConfidence: %.1f%% at most\n", when,
                         in->match->max_confidence);
    if (rc == LK_OK && in->suppressed > 0)
        rc = buf_appendf(out, "Held back since the last alert: %lld\n", in->suppressed);
    if (rc == LK_OK)
        rc = buf_append_str(out, "\n");
    if (rc == LK_OK)
        rc = add_link(out, in);
    if (rc == LK_OK)
        rc = add_snooze(out, in);
    if (rc == LK_OK)
        rc = buf_appendf(out, "\nAlert %s\n", a->id);
    return rc;
}

void words_sms(const struct alert_input *in, const struct alert *a, char out[WORDS_SMS_MAX + 1])
{
    char t[25] = "", words[WORDS_SMS_MAX + 1];
    const char *link = in->snapshot ? in->snapshot->url : in->image_url;
    const char *tail = "(picture by e-mail)";
    if (alert_format_time(in->frame_ms, t) != 0)
        memcpy(t, "0000-00-00T??:??", 17);
    snprintf(words, sizeof(words), "%s at %.5s UTC, %.0f%%", a->subject, t + 11,
             in->match->max_confidence);
    if (link && strlen(link) + 1 < WORDS_SMS_MAX - 20) /* 20: the least of the words kept */
        tail = link;
    size_t room = WORDS_SMS_MAX - 1 - strlen(tail);
    if (strlen(words) > room)
        memcpy(words + room - 3, "...", 4);
    size_t n = strlen(words), k = strlen(tail); /* n + 1 + k <= WORDS_SMS_MAX by now */
    memcpy(out, words, n);
    out[n] = ' ';
    memcpy(out + n + 1, tail, k + 1);
}

int words_notification(const struct alert_input *in, const struct alert *a, char **out,
                       size_t *len, struct lk_error *err)
{
    struct lk_buf email;
    char sms[WORDS_SMS_MAX + 1];
    cJSON *msg = cJSON_CreateObject();
    *out = NULL;
    buf_init(&email, BUF_DEFAULT_MAX);
    int rc = msg ? words_email(in, a, &email) : LK_NOMEM;
    words_sms(in, a, sms);
    if (rc == LK_OK && (!cJSON_AddStringToObject(msg, "default", buf_cstr(&email)) ||
                        !cJSON_AddStringToObject(msg, "email", buf_cstr(&email)) ||
                        !cJSON_AddStringToObject(msg, "sms", sms)))
        rc = LK_NOMEM;
    if (rc == LK_OK && !(*out = cJSON_PrintUnformatted(msg)))
        rc = LK_NOMEM;
    if (rc == LK_OK)
        *len = strlen(*out);
    else
        rc = err_set(err, rc, "alert words: out of memory");
    cJSON_Delete(msg);
    buf_cleanup(&email);
    return rc;
}
