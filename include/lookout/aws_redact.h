/*
 * aws_redact.h: what of a request or a reply may be logged, and how secrets are kept out of
 * messages. Internal to src/aws/ (the HTTP client, its tests and the fuzz target).
 *
 * Pure: no I/O, no global state. Inputs may be outside bytes of any length and content.
 */
#ifndef LOOKOUT_AWS_REDACT_H
#define LOOKOUT_AWS_REDACT_H

#include <stddef.h>

#include "lookout/buf.h"

/*
 * For TRACE logs. A header line "Name: value" is copied to out with:
 *   Authorization: the Signature=... value replaced by "<redacted>" (Credential and
 *     SignedHeaders kept: they help and hold no secret); any other scheme fully redacted;
 *   X-Amz-Security-Token, Cookie, X-Amz-Server-Side-Encryption-Customer-Key and
 *   X-Amz-Copy-Source-Server-Side-Encryption-Customer-Key: the value replaced.
 * A URL is copied with the values of its X-Amz-Signature and X-Amz-Security-Token query
 * parameters (a presigned URL's secrets) replaced by "<redacted>".
 * Returns LK_OK or a buf_* error (out may then hold part of the text: discard it).
 */
int aws_redact_header(const char *line, size_t len, struct lk_buf *out);
int aws_redact_url(const char *url, size_t len, struct lk_buf *out);

/* Overwrites with '*' every run of text that is a fragment of secret (or of its URL-encoded
 * form) of at least AWS_SCRUB_FRAGMENT_MIN bytes, and every whole occurrence of a shorter
 * secret; a secret under 8 bytes is not looked for. text is NUL-terminated and modified in
 * place. A last line of defence for messages that came from outside, which may echo a cut
 * or split part of a token. O(len x secret length): meant for error messages. */
#define AWS_SCRUB_FRAGMENT_MIN 16
void aws_scrub(char *text, const char *secret);
/* The same over len bytes (NULs included), for a reply body before it is parsed and cut. */
void aws_scrub_bytes(char *text, size_t len, const char *secret);

#endif
