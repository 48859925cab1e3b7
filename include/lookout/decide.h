/*
 * decide.h: which labels of a frame the user cares about (prefix dec_).
 *
 * Configuration comes from two variables (read by settings.h, parsed here):
 *   ALERT_LABELS    comma-separated "Name[:minConfidence]" items, default "Person".
 *                   Whitespace around names, colons and numbers is ignored; names compare
 *                   case-insensitively (ASCII); thresholds are decimal numbers 0..100
 *                   ("90", "87.5"). Unset or blank means the default.
 *   MIN_CONFIDENCE  the threshold of names given without one, 0..100, default 80.
 *                   Unset or blank means the default.
 *
 * A Rekognition label matches a wanted name when the name equals the label's Name, one of
 * its Aliases or one of its Parents (case-insensitively, so "Animal" covers "Dog"), and the
 * label's confidence is at least that wanted name's threshold. A label that matches several
 * wanted names matches when any of their thresholds is met.
 *
 * Pure: no environment, no network, no clock.
 */
#ifndef LOOKOUT_DECIDE_H
#define LOOKOUT_DECIDE_H

#include <stddef.h>

#include "lookout/error.h"
#include "lookout/rekognition.h"

#define DEC_DEFAULT_LABELS "Person"
#define DEC_DEFAULT_MIN_CONFIDENCE 80.0
#define DEC_MAX_WANTED 64      /* items in ALERT_LABELS */
#define DEC_MAX_NAME_BYTES 100 /* one name in ALERT_LABELS */

struct dec_wanted {
    char name[DEC_MAX_NAME_BYTES + 1]; /* as configured, trimmed */
    double min_confidence;             /* its own threshold, or MIN_CONFIDENCE */
};

/* Caller storage, no heap: nothing to clean up. */
struct dec_config {
    size_t count; /* 1..DEC_MAX_WANTED after a successful parse */
    struct dec_wanted wanted[DEC_MAX_WANTED];
    double default_min_confidence;
};

/* Parses the two values (NULL or blank = default). LK_CONFIG on a bad value, with a message
 * that names the variable and the bad item, e.g.
 *   "ALERT_LABELS: item 2 ("Dog:abc"): confidence must be a number 0..100"
 *   "ALERT_LABELS: item 3 is empty"
 *   "ALERT_LABELS: item 4 ("person"): duplicate of item 1"
 *   "MIN_CONFIDENCE: "high" is not a number 0..100"
 * Names may hold any printable UTF-8 but no control characters, ',' or ':'. */
int dec_config_parse(const char *alert_labels, const char *min_confidence, struct dec_config *out,
                     struct lk_error *err);

/* The lowest threshold of any wanted name: the MinConfidence to ask Rekognition for, so
 * that it drops nothing the decision could want. */
double dec_config_min_threshold(const struct dec_config *cfg);

/* What matched in one frame. Borrows from the rek_result and the dec_config given to
 * dec_match: both must outlive it. */
struct dec_result {
    size_t label_count;
    const struct rek_label **labels; /* owned array of borrowed labels: the matched ones, by
                                        decreasing confidence (ties: response order) */
    size_t name_count;
    const char *names[DEC_MAX_WANTED]; /* wanted names that matched, as configured, in
                                          ALERT_LABELS order, each once */
    double max_confidence;             /* highest confidence of a matched label; 0 when none */
};

/* Matches every label of labels against cfg. out is caller storage, freed with
 * dec_result_cleanup (also after a failure). A frame with no match is LK_OK with
 * label_count 0. Fails only with LK_NOMEM. */
int dec_match(const struct dec_config *cfg, const struct rek_result *labels, struct dec_result *out,
              struct lk_error *err);
void dec_result_cleanup(struct dec_result *r);

/* 1 when wanted is the label's Name, one of its Aliases or one of its Parents (the match
 * rule above, confidence aside); dec_label_is: its Name or an Alias only. */
int dec_label_covers(const struct rek_label *label, const char *wanted);
int dec_label_is(const struct rek_label *label, const char *wanted);

/* ASCII case-insensitive equality of two NUL-terminated strings. */
int dec_name_eq(const char *a, const char *b);

#endif
