/* Unit tests for src/pipeline/decide.c: ALERT_LABELS / MIN_CONFIDENCE parsing and matching. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lookout/decide.h"
#include "lookout/rekognition.h"

static void defaults_when_unset_or_blank(void **state)
{
    (void)state;
    struct dec_config c;
    struct lk_error e;
    const char *blanks[] = {NULL, "", "  \t "};
    for (size_t i = 0; i < 3; i++) {
        assert_int_equal(dec_config_parse(blanks[i], blanks[i], &c, &e), LK_OK);
        assert_int_equal(c.count, 1);
        assert_string_equal(c.wanted[0].name, "Person");
        assert_float_equal(c.wanted[0].min_confidence, 80, 0);
        assert_float_equal(c.default_min_confidence, 80, 0);
    }
}

static void parses_items_thresholds_and_whitespace(void **state)
{
    (void)state;
    struct dec_config c;
    struct lk_error e;
    assert_int_equal(dec_config_parse(" Person : 90 ,Dog,\tDelivery Truck:55.5 , Car:0,Cat:100",
                                      " 70.25 ", &c, &e),
                     LK_OK);
    assert_int_equal(c.count, 5);
    assert_string_equal(c.wanted[0].name, "Person");
    assert_float_equal(c.wanted[0].min_confidence, 90, 0);
    assert_string_equal(c.wanted[1].name, "Dog");
    assert_float_equal(c.wanted[1].min_confidence, 70.25, 0);
    assert_string_equal(c.wanted[2].name, "Delivery Truck");
    assert_float_equal(c.wanted[2].min_confidence, 55.5, 0);
    assert_float_equal(c.wanted[3].min_confidence, 0, 0);
    assert_float_equal(c.wanted[4].min_confidence, 100, 0);
    assert_float_equal(dec_config_min_threshold(&c), 0, 0);
    assert_int_equal(dec_config_parse("Person:90,Dog:75", NULL, &c, &e), LK_OK);
    assert_float_equal(dec_config_min_threshold(&c), 75, 0);
}

struct bad_config {
    const char *labels;
    const char *min;
    const char *message;
};

static void rejects_bad_config_naming_the_item(void **state)
{
    (void)state;
    static const struct bad_config cases[] = {
        {"Person,,Dog", NULL, "ALERT_LABELS: item 2 is empty"},
        {"Person,", NULL, "ALERT_LABELS: item 2 is empty"},
        {"Person, Dog:abc", NULL,
         "ALERT_LABELS: item 2 (\"Dog:abc\"): confidence must be a number 0..100"},
        {"Dog:", NULL, "ALERT_LABELS: item 1 (\"Dog:\"): confidence must be a number 0..100"},
        {"Dog:100.1", NULL, "item 1 (\"Dog:100.1\"): confidence must be a number 0..100"},
        {"Dog:-1", NULL, "item 1 (\"Dog:-1\"): confidence"},
        {"Dog:1e2", NULL, "item 1 (\"Dog:1e2\"): confidence"},
        {"Dog:nan", NULL, "item 1 (\"Dog:nan\"): confidence"},
        {"Dog:1.2.3", NULL, "item 1 (\"Dog:1.2.3\"): confidence"},
        {"Dog:50:60", NULL, "item 1 (\"Dog:50:60\"): confidence"},
        {":50", NULL, "ALERT_LABELS: item 1 (\":50\"): empty name"},
        {"Person,Dog,person:50", NULL, "ALERT_LABELS: item 3 (\"person:50\"): duplicate of item 1"},
        {"Do\x01g", NULL, "item 1 (\"Do\x01g\"): name has control characters or invalid UTF-8"},
        {"Caf\xc3", NULL, "name has control characters or invalid UTF-8"},
        {"Person", "high", "MIN_CONFIDENCE: \"high\" is not a number 0..100"},
        {"Person", "101", "MIN_CONFIDENCE: \"101\" is not a number 0..100"},
        {"Person", "80%", "MIN_CONFIDENCE: \"80%\""},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct dec_config c;
        struct lk_error e;
        assert_int_equal(dec_config_parse(cases[i].labels, cases[i].min, &c, &e), LK_CONFIG);
        if (!strstr(e.message, cases[i].message))
            fail_msg("case %zu: \"%s\" lacks \"%s\"", i, e.message, cases[i].message);
        assert_int_equal(c.count, 0);
    }
}

static void rejects_long_names_and_too_many_items(void **state)
{
    (void)state;
    struct dec_config c;
    struct lk_error e;
    char name[DEC_MAX_NAME_BYTES + 2];
    memset(name, 'x', sizeof(name) - 1);
    name[sizeof(name) - 1] = '\0';
    assert_int_equal(dec_config_parse(name, NULL, &c, &e), LK_CONFIG);
    assert_non_null(strstr(e.message, "name longer than 100 bytes"));
    assert_non_null(strstr(e.message, "...\")")); /* the item is shown shortened */
    name[DEC_MAX_NAME_BYTES] = '\0';
    assert_int_equal(dec_config_parse(name, NULL, &c, &e), LK_OK);

    char list[2048] = "";
    size_t n = 0;
    for (int i = 0; i <= DEC_MAX_WANTED; i++)
        n += (size_t)snprintf(list + n, sizeof(list) - n, "%sL%d", i ? "," : "", i);
    assert_int_equal(dec_config_parse(list, NULL, &c, &e), LK_CONFIG);
    assert_non_null(strstr(e.message, "item 65 (\"L64\"): more than 64 items"));
    *strrchr(list, ',') = '\0';
    assert_int_equal(dec_config_parse(list, NULL, &c, &e), LK_OK);
    assert_int_equal(c.count, DEC_MAX_WANTED);
}

/* Labels built by hand: name, confidence, parents, aliases. */
static char *dup(const char *s)
{
    char *p = strdup(s);
    assert_non_null(p);
    return p;
}

static void set_names(struct rek_names *n, const char *const *items)
{
    size_t count = 0;
    while (items && items[count])
        count++;
    n->count = count;
    n->items = count ? calloc(count, sizeof(char *)) : NULL;
    for (size_t i = 0; i < count; i++)
        n->items[i] = dup(items[i]);
}

static void add_label(struct rek_result *r, const char *name, double conf,
                      const char *const *parents, const char *const *aliases)
{
    r->labels = realloc(r->labels, (r->label_count + 1) * sizeof(*r->labels));
    assert_non_null(r->labels);
    struct rek_label *l = &r->labels[r->label_count++];
    memset(l, 0, sizeof(*l));
    l->name = dup(name);
    l->confidence = conf;
    set_names(&l->parents, parents);
    set_names(&l->aliases, aliases);
}

static const char *const DOG_PARENTS[] = {"Animal", "Canine", "Mammal", "Pet", NULL};
static const char *const CAR_PARENTS[] = {"Transportation", "Vehicle", NULL};
static const char *const PERSON_ALIASES[] = {"Human", NULL};

static void scene(struct rek_result *r)
{
    memset(r, 0, sizeof(*r));
    add_label(r, "Dog", 88, DOG_PARENTS, NULL);
    add_label(r, "Person", 97.5, NULL, PERSON_ALIASES);
    add_label(r, "Animal", 88, NULL, NULL);
    add_label(r, "Car", 70, CAR_PARENTS, NULL);
    add_label(r, "Tree", 99, NULL, NULL);
}

static void match(const char *labels, const char *min, const struct rek_result *r,
                  struct dec_config *c, struct dec_result *out)
{
    struct lk_error e;
    assert_int_equal(dec_config_parse(labels, min, c, &e), LK_OK);
    assert_int_equal(dec_match(c, r, out, &e), LK_OK);
}

static void matches_by_name_case_insensitively(void **state)
{
    (void)state;
    struct rek_result r;
    struct dec_config c;
    struct dec_result m;
    scene(&r);
    match("person", NULL, &r, &c, &m);
    assert_int_equal(m.label_count, 1);
    assert_string_equal(m.labels[0]->name, "Person");
    assert_int_equal(m.name_count, 1);
    assert_string_equal(m.names[0], "person"); /* as configured */
    assert_float_equal(m.max_confidence, 97.5, 0);
    dec_result_cleanup(&m);
    assert_null(m.labels);
    rek_result_cleanup(&r);
}

static void parent_covers_child_and_alias_covers_label(void **state)
{
    (void)state;
    struct rek_result r;
    struct dec_config c;
    struct dec_result m;
    scene(&r);
    match("ANIMAL", NULL, &r, &c, &m);
    assert_int_equal(m.label_count, 2); /* Dog (parent Animal) and Animal itself */
    assert_string_equal(m.labels[0]->name, "Dog");
    assert_string_equal(m.labels[1]->name, "Animal");
    dec_result_cleanup(&m);

    match("human", NULL, &r, &c, &m);
    assert_int_equal(m.label_count, 1);
    assert_string_equal(m.labels[0]->name, "Person");
    dec_result_cleanup(&m);

    match("Vehicle:60", NULL, &r, &c, &m);
    assert_int_equal(m.label_count, 1);
    assert_string_equal(m.labels[0]->name, "Car");
    dec_result_cleanup(&m);

    /* A parent of a label does not make its children match the other way round. */
    match("Dog", NULL, &r, &c, &m);
    assert_int_equal(m.label_count, 1);
    assert_string_equal(m.labels[0]->name, "Dog");
    dec_result_cleanup(&m);
    rek_result_cleanup(&r);
}

static void thresholds_apply_per_name(void **state)
{
    (void)state;
    struct rek_result r;
    struct dec_config c;
    struct dec_result m;
    scene(&r);
    match("Car", NULL, &r, &c, &m); /* 70 < default 80 */
    assert_int_equal(m.label_count, 0);
    assert_int_equal(m.name_count, 0);
    assert_float_equal(m.max_confidence, 0, 0);
    dec_result_cleanup(&m);
    match("Car", "70", &r, &c, &m); /* equal to the threshold matches */
    assert_int_equal(m.label_count, 1);
    dec_result_cleanup(&m);
    match("Car:70.01", "10", &r, &c, &m);
    assert_int_equal(m.label_count, 0);
    dec_result_cleanup(&m);
    match("Person:98,Dog:85", NULL, &r, &c, &m); /* Person 97.5 misses its own 98 */
    assert_int_equal(m.label_count, 1);
    assert_string_equal(m.labels[0]->name, "Dog");
    assert_int_equal(m.name_count, 1);
    assert_string_equal(m.names[0], "Dog");
    dec_result_cleanup(&m);
    /* Dog at 88 fails Dog:95 but passes through its parent Animal:50. */
    match("Dog:95,Animal:50", NULL, &r, &c, &m);
    assert_int_equal(m.label_count, 2);
    assert_int_equal(m.name_count, 1);
    assert_string_equal(m.names[0], "Animal");
    dec_result_cleanup(&m);
    rek_result_cleanup(&r);
}

static void orders_labels_and_names_stably(void **state)
{
    (void)state;
    struct rek_result r;
    struct dec_config c;
    struct dec_result m;
    scene(&r);
    match("Tree,Vehicle,Human,Animal", "50", &r, &c, &m);
    assert_int_equal(m.label_count, 5);
    const char *order[] = {"Tree", "Person", "Dog", "Animal", "Car"}; /* Dog before Animal:
                                                                        equal, response order */
    for (size_t i = 0; i < 5; i++)
        assert_string_equal(m.labels[i]->name, order[i]);
    assert_int_equal(m.name_count, 4);
    const char *names[] = {"Tree", "Vehicle", "Human", "Animal"}; /* ALERT_LABELS order */
    for (size_t i = 0; i < 4; i++)
        assert_string_equal(m.names[i], names[i]);
    assert_float_equal(m.max_confidence, 99, 0);
    dec_result_cleanup(&m);
    rek_result_cleanup(&r);
}

static void empty_result_matches_nothing(void **state)
{
    (void)state;
    struct rek_result r = {0};
    struct dec_config c;
    struct dec_result m;
    match("Person", NULL, &r, &c, &m);
    assert_int_equal(m.label_count, 0);
    assert_null(m.labels);
    dec_result_cleanup(&m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(defaults_when_unset_or_blank),
        cmocka_unit_test(parses_items_thresholds_and_whitespace),
        cmocka_unit_test(rejects_bad_config_naming_the_item),
        cmocka_unit_test(rejects_long_names_and_too_many_items),
        cmocka_unit_test(matches_by_name_case_insensitively),
        cmocka_unit_test(parent_covers_child_and_alias_covers_label),
        cmocka_unit_test(thresholds_apply_per_name),
        cmocka_unit_test(orders_labels_and_names_stably),
        cmocka_unit_test(empty_result_matches_nothing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
