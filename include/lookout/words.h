/*
 * words.h: an alert in words for people (prefix words_): a few lines for e-mail, one line
 * for SMS, and the SNS per-protocol Message that carries both to NOTIFY_TOPIC_ARN.
 *
 * Machines keep alert.h's JSON and its four attributes on ALERT_TOPIC_ARN: SNS delivers
 * message attributes only with the plain (String) message structure, so the per-protocol
 * form goes to a topic of its own (docs/alert.md).
 *
 * Pure: no network, no clock, no environment. Inputs are borrowed; a is alert_build's output
 * for in.
 */
#ifndef LOOKOUT_WORDS_H
#define LOOKOUT_WORDS_H

#include <stddef.h>

#include "lookout/alert.h"
#include "lookout/buf.h"
#include "lookout/error.h"

#define WORDS_SMS_MAX 140       /* one SMS: ASCII characters */
#define WORDS_SNOOZE_MINUTES 30 /* the snooze the e-mail offers */
#define WORDS_EMAIL_LABELS 10   /* labels listed before "and N more" */

/* The e-mail body (UTF-8, invalid input replaced, no control characters but newlines):
 *   the Subject line, then What (labels and confidences, boxes counted), Where (stream,
 *   zones), When (UTC), the snapshot link and its expiry (or the frame's link, or a line
 *   saying there is no picture), and how to snooze the camera: the direct invocation
 *   {"lookout":{"snooze":{"stream":"<name>","minutes":30}}}, then the alert id.
 * Appended to out. LK_NOMEM / LK_TOO_LARGE from out. */
int words_email(const struct alert_input *in, const struct alert *a, struct lk_buf *out);

/* One line of printable ASCII, at most WORDS_SMS_MAX characters: the Subject, the time
 * (hh:mm UTC) and the highest confidence, then the snapshot link (else the frame's) when it
 * fits, else "(picture by e-mail)"; the words are cut with "..." to make room. Presigned S3
 * links carry a signature and usually a session token, so they rarely fit one SMS. */
void words_sms(const struct alert_input *in, const struct alert *a, char out[WORDS_SMS_MAX + 1]);

/* The Message for MessageStructure=json: {"default": e-mail, "email": e-mail, "sms": SMS},
 * as a heap string (free()) in *out with its length. LK_NOMEM. */
int words_notification(const struct alert_input *in, const struct alert *a, char **out,
                       size_t *len, struct lk_error *err);

#endif
