/*
 * store_key.h: the S3 keys of everything the function writes into its own bucket (alert
 * snapshots, time-lapse files). One scheme, so that none of them can start the function again.
 *
 * The images bucket notifies the function of objects whose keys end in ".jpg" or ".png" (the
 * suffixes KVS Images writes; template.yaml, Events). S3 matches a notification filter on one
 * prefix and one suffix, case-sensitively, so a key of ours must end in a suffix those filters
 * do not match: JPEG as ".jpeg", animated PNG as ".apng", AVI as ".avi". The check of
 * SNAPSHOT_PREFIX in pl_detect (is_own_snapshot) stays as a second guard.
 * tests/integration/test_store_keys.py reads the template's filters and the keys written.
 */
#ifndef LOOKOUT_STORE_KEY_H
#define LOOKOUT_STORE_KEY_H

#include <stddef.h>

#include "lookout/error.h"

enum pl_store_format { PL_STORE_JPEG, PL_STORE_APNG, PL_STORE_AVI };

/* ".jpeg", ".apng" or ".avi". */
const char *pl_store_suffix(enum pl_store_format f);

/* Writes prefix + the printf-formatted name + the format's suffix into out (cap bytes, NUL
 * included; the caller owns out). LK_INVALID_ARG when it does not fit: a cut key would lose
 * its suffix. */
int pl_store_key(char *out, size_t cap, const char *prefix, enum pl_store_format f,
                 struct lk_error *err, const char *name_fmt, ...)
    __attribute__((format(printf, 6, 7)));

#endif
