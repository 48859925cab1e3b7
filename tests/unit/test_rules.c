/* Unit tests for src/pipeline/rules.c: ZONES parsing, where a box stands, which zones hold
 * it, box area and the overlap of two boxes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "lookout/rules.h"

static struct rules_zone square(double x0, double y0, double x1, double y1)
{
    struct rules_zone z = {.point_count = 4};
    z.points[0] = (struct rules_point){x0, y0};
    z.points[1] = (struct rules_point){x1, y0};
    z.points[2] = (struct rules_point){x1, y1};
    z.points[3] = (struct rules_point){x0, y1};
    return z;
}

static int inside(const struct rules_zone *z, double x, double y)
{
    return rules_inside(z, (struct rules_point){x, y});
}

static void parses_zones_with_and_without_labels(void **state)
{
    (void)state;
    static const char text[] =
        "[{\"name\":\"porch\",\"polygon\":[[0,0.5],[1,0.5],[1,1],[0,1]],\"labels\":[\"Person\"]},"
        " {\"name\":\"drive\",\"polygon\":[[0,0],[0.5,0],[0.25,0.4]]}]";
    struct rules_zones z;
    struct lk_error e = {0};
    assert_int_equal(rules_zones_parse(text, strlen(text), &z, &e), LK_OK);
    assert_int_equal(z.count, 2);
    assert_string_equal(z.zones[0].name, "porch");
    assert_int_equal(z.zones[0].point_count, 4);
    assert_float_equal(z.zones[0].points[1].x, 1, 0);
    assert_float_equal(z.zones[0].points[1].y, 0.5, 0);
    assert_int_equal(z.zones[0].label_count, 1);
    assert_string_equal(z.zones[0].labels[0], "Person");
    assert_int_equal(z.zones[1].point_count, 3);
    assert_int_equal(z.zones[1].label_count, 0);
    /* The length given is what is read, not up to a NUL. */
    assert_int_equal(rules_zones_parse(text, 10, &z, &e), LK_CONFIG);
    assert_int_equal(z.count, 0);
}

/* Appends to out (cap bytes) n items made by item(i), comma-separated. */
static void join(char *out, size_t cap, int n, void (*item)(int i, char *o, size_t c))
{
    size_t len = strlen(out);
    for (int i = 0; i < n && len + 2 < cap; i++) {
        if (i)
            out[len++] = ',';
        item(i, out + len, cap - len);
        len += strlen(out + len);
    }
    out[len] = '\0';
}

static void zone_item(int i, char *o, size_t c)
{
    snprintf(o, c, "{\"name\":\"z%d\",\"polygon\":[[0,0],[1,0],[1,1]]}", i);
}

static void point_item(int i, char *o, size_t c)
{
    snprintf(o, c, "[0.%d,0.5]", i % 10);
}

static void label_item(int i, char *o, size_t c)
{
    snprintf(o, c, "\"L%d\"", i);
}

/* ZONES with n zones, one zone of n points, of n labels, or named by n bytes. */
struct sized {
    char zones[2048], points[512], labels[512], name[256];
};

static void sized_docs(int extra, struct sized *d)
{
    char list[400] = "", name[RULES_MAX_ZONE_NAME + 2];
    snprintf(d->zones, sizeof(d->zones), "[");
    join(d->zones, sizeof(d->zones) - 1, RULES_MAX_ZONES + extra, zone_item);
    snprintf(d->zones + strlen(d->zones), 2, "]");
    join(list, sizeof(list), RULES_MAX_POINTS + extra, point_item);
    snprintf(d->points, sizeof(d->points), "[{\"name\":\"a\",\"polygon\":[%s]}]", list);
    list[0] = '\0';
    join(list, sizeof(list), RULES_MAX_ZONE_LABELS + extra, label_item);
    snprintf(d->labels, sizeof(d->labels),
             "[{\"name\":\"a\",\"polygon\":[[0,0],[1,0],[1,1]],\"labels\":[%s]}]", list);
    memset(name, 'n', RULES_MAX_ZONE_NAME + extra);
    name[RULES_MAX_ZONE_NAME + extra] = '\0';
    snprintf(d->name, sizeof(d->name), "[{\"name\":\"%s\",\"polygon\":[[0,0],[1,0],[1,1]]}]",
             name);
}

static int parse(const char *text, struct rules_zones *z, struct lk_error *e)
{
    return rules_zones_parse(text, strlen(text), z, e);
}

static void accepts_every_limit(void **state)
{
    (void)state;
    struct sized d;
    struct rules_zones z;
    struct lk_error e = {0};
    sized_docs(0, &d);
    assert_int_equal(parse(d.zones, &z, &e), LK_OK);
    assert_int_equal(z.count, RULES_MAX_ZONES);
    assert_int_equal(parse(d.points, &z, &e), LK_OK);
    assert_int_equal(z.zones[0].point_count, RULES_MAX_POINTS);
    assert_int_equal(parse(d.labels, &z, &e), LK_OK);
    assert_int_equal(z.zones[0].label_count, RULES_MAX_ZONE_LABELS);
    assert_int_equal(parse(d.name, &z, &e), LK_OK);
    assert_int_equal(strlen(z.zones[0].name), RULES_MAX_ZONE_NAME);
}

/* Each malformed shape: the message names ZONES, the place and the fault. */
static void every_malformed_shape_names_the_place_and_the_fault(void **state)
{
    (void)state;
    struct sized d;
    sized_docs(1, &d);
#define TRI "\"polygon\":[[0,0],[1,0],[1,1]]"
    const char *const cases[][2] = {
        {"porch", "ZONES must be a JSON array of 1 to 16 zones"},
        {"{\"name\":\"a\"," TRI "}", "ZONES must be a JSON array of 1 to 16 zones"},
        {"[]", "ZONES must be a JSON array of 1 to 16 zones"},
        {"[{\"name\":\"a\"," TRI "", "ZONES must be a JSON array of 1 to 16 zones"},
        {d.zones, "ZONES must be a JSON array of 1 to 16 zones"},
        {"[\"porch\"]", "ZONES[0].name: must be a name"},
        {"[{" TRI "}]", "ZONES[0].name: must be a name"},
        {"[{\"name\":\"\"," TRI "}]", "ZONES[0].name: must be a name"},
        {"[{\"name\":7," TRI "}]", "ZONES[0].name: must be a name"},
        {"[{\"name\":\"a\\nb\"," TRI "}]", "ZONES[0].name: must be a name"},
        {d.name, "ZONES[0].name: must be a name of 1 to 64"},
        {"[{\"name\":\"a\"," TRI "},{\"name\":\"a\"," TRI "}]",
         "ZONES[1].name: repeats the name of an earlier zone"},
        {"[{\"name\":\"a\"}]", "ZONES[0].polygon: must be an array of 3 to 32"},
        {"[{\"name\":\"a\",\"polygon\":[[0,0],[1,1]]}]", "ZONES[0].polygon: must be an array"},
        {"[{\"name\":\"a\",\"polygon\":{\"x\":0}}]", "ZONES[0].polygon: must be an array"},
        {d.points, "ZONES[0].polygon: must be an array of 3 to 32"},
        {"[{\"name\":\"a\",\"polygon\":[[0,0],[1,0],[1,1.5]]}]",
         "ZONES[0].polygon[2]: x and y must be numbers from 0 to 1"},
        {"[{\"name\":\"a\",\"polygon\":[[0,0],[-0.1,0],[1,1]]}]", "ZONES[0].polygon[1]: x and y"},
        {"[{\"name\":\"a\",\"polygon\":[[0,0],[1,0,0],[1,1]]}]", "ZONES[0].polygon[1]: x and y"},
        {"[{\"name\":\"a\",\"polygon\":[[0,\"0\"],[1,0],[1,1]]}]", "ZONES[0].polygon[0]: x and y"},
        {"[{\"name\":\"a\",\"polygon\":[0,[1,0],[1,1]]}]", "ZONES[0].polygon[0]: x and y"},
        {"[{\"name\":\"a\"," TRI "},{\"name\":\"b\",\"polygon\":[[0,0],[1,0],[1]]}]",
         "ZONES[1].polygon[2]: x and y"},
        {"[{\"name\":\"a\"," TRI ",\"labels\":\"Person\"}]",
         "ZONES[0].labels: must be an array of 1 to 16 names"},
        {"[{\"name\":\"a\"," TRI ",\"labels\":[]}]", "ZONES[0].labels: must be an array"},
        {d.labels, "ZONES[0].labels: must be an array of 1 to 16 names"},
        {"[{\"name\":\"a\"," TRI ",\"labels\":[3]}]", "ZONES[0].labels: each must be a name"},
        {"[{\"name\":\"a\"," TRI ",\"labels\":[\"\"]}]", "ZONES[0].labels: each must be a name"},
    };
#undef TRI
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct rules_zones z;
        struct lk_error e = {0};
        int rc = parse(cases[i][0], &z, &e);
        if (rc != LK_CONFIG || strncmp(e.message, cases[i][1], strlen(cases[i][1])) != 0)
            fail_msg("case %zu (%s): rc %d, message \"%s\"", i, cases[i][0], rc, e.message);
        assert_int_equal(z.count, 0);
    }
}

static void foot_is_the_bottom_centre(void **state)
{
    (void)state;
    struct rek_box b = {.left = 0.2, .top = 0.3, .width = 0.4, .height = 0.5};
    struct rules_point p = rules_foot(&b);
    assert_float_equal(p.x, 0.4, 1e-12);
    assert_float_equal(p.y, 0.8, 1e-12);
}

static void inside_a_square_a_triangle_and_a_concave_shape(void **state)
{
    (void)state;
    struct rules_zone sq = square(0.2, 0.2, 0.6, 0.6);
    assert_true(inside(&sq, 0.4, 0.4));
    assert_false(inside(&sq, 0.1, 0.4));
    assert_false(inside(&sq, 0.7, 0.4));
    assert_false(inside(&sq, 0.4, 0.7));
    assert_false(inside(&sq, 0.4, 0.1));
    struct rules_zone tri = {.point_count = 3,
                             .points = {{0.1, 0.9}, {0.9, 0.9}, {0.5, 0.1}}};
    assert_true(inside(&tri, 0.5, 0.5));
    assert_false(inside(&tri, 0.2, 0.3)); /* beside the apex, inside its bounding box */
    /* A U: two arms joined at the bottom; the notch between the arms is outside. */
    struct rules_zone u = {.point_count = 8,
                           .points = {{0.1, 0.1}, {0.3, 0.1}, {0.3, 0.7}, {0.7, 0.7},
                                      {0.7, 0.1}, {0.9, 0.1}, {0.9, 0.9}, {0.1, 0.9}}};
    assert_true(inside(&u, 0.2, 0.3));
    assert_true(inside(&u, 0.8, 0.3));
    assert_true(inside(&u, 0.5, 0.8));
    assert_false(inside(&u, 0.5, 0.3)); /* in the notch: the ray crosses two edges */
}

/* A ray through a vertex crosses the boundary once, not twice. */
static void ray_through_a_vertex_counts_once(void **state)
{
    (void)state;
    struct rules_zone diamond = {.point_count = 4,
                                 .points = {{0.5, 0.1}, {0.9, 0.5}, {0.5, 0.9}, {0.1, 0.5}}};
    assert_true(inside(&diamond, 0.3, 0.5));
    assert_true(inside(&diamond, 0.5, 0.5));
    assert_false(inside(&diamond, 0.05, 0.5));
    assert_false(inside(&diamond, 0.95, 0.5));
    assert_false(inside(&diamond, 0.2, 0.2));
}

/* A point on the edge two tiles share is in exactly one of them, so a box standing on the
 * line between two zones is never lost and never in both. */
static void shared_edges_belong_to_one_tile(void **state)
{
    (void)state;
    struct rules_zone left = square(0, 0, 0.5, 1), right = square(0.5, 0, 1, 1);
    struct rules_zone top = square(0, 0, 1, 0.5), bottom = square(0, 0.5, 1, 1);
    for (int i = 1; i < 10; i++) {
        double t = i / 10.0;
        assert_int_equal(inside(&left, 0.5, t) + inside(&right, 0.5, t), 1);
        assert_int_equal(inside(&top, t, 0.5) + inside(&bottom, t, 0.5), 1);
    }
}

static void zones_of_uses_the_foot_and_the_labels(void **state)
{
    (void)state;
    struct rules_zones z = {.count = 2};
    z.zones[0] = square(0, 0.5, 1, 1); /* lower half: people only */
    z.zones[0].label_count = 1;
    snprintf(z.zones[0].labels[0], sizeof(z.zones[0].labels[0]), "%s", "person");
    z.zones[1] = square(0, 0.7, 0.5, 1); /* lower left: anything */
    /* Its top is in the upper half, its foot (0.3, 0.8) in both zones. */
    struct rek_box tall = {.left = 0.2, .top = 0.1, .width = 0.2, .height = 0.7};
    assert_int_equal(rules_zones_of(&z, &tall, "Person"), 3u);
    assert_int_equal(rules_zones_of(&z, &tall, "Vehicle"), 2u);
    /* Mostly in the lower half, but standing at y 0.45. */
    struct rek_box high = {.left = 0.2, .top = 0.05, .width = 0.2, .height = 0.4};
    assert_int_equal(rules_zones_of(&z, &high, "Person"), 0u);
    struct rek_box right = {.left = 0.6, .top = 0.5, .width = 0.2, .height = 0.3};
    assert_int_equal(rules_zones_of(&z, &right, "Person"), 1u);
    assert_int_equal(rules_zones_of(&z, &right, "Vehicle"), 0u);
}

static void area_is_the_part_inside_the_frame(void **state)
{
    (void)state;
    struct rek_box b = {.left = 0.1, .top = 0.2, .width = 0.3, .height = 0.5};
    assert_float_equal(rules_area(&b), 0.15, 1e-12);
    b = (struct rek_box){.left = -0.1, .top = 0.9, .width = 0.3, .height = 0.3};
    assert_float_equal(rules_area(&b), 0.2 * 0.1, 1e-12);
    b = (struct rek_box){.left = 1.1, .top = 0.2, .width = 0.3, .height = 0.5};
    assert_float_equal(rules_area(&b), 0, 0);
    b = (struct rek_box){.left = 0, .top = 0, .width = 1, .height = 1};
    assert_float_equal(rules_area(&b), 1, 0);
    b = (struct rek_box){.left = 0.5, .top = 0.5, .width = 0, .height = 0.3};
    assert_float_equal(rules_area(&b), 0, 0);
}

static void iou_known_values(void **state)
{
    (void)state;
    struct rek_box a = {0, 0, 0.2, 0.2}, half = {0, 0.1, 0.2, 0.2}, inner = {0, 0, 0.1, 0.1},
                   far = {0.5, 0.5, 0.2, 0.2}, touching = {0.2, 0, 0.2, 0.2}, empty = {0};
    assert_float_equal(rules_iou(&a, &a), 1, 1e-12);
    assert_float_equal(rules_iou(&a, &half), 1.0 / 3, 1e-12);
    assert_float_equal(rules_iou(&half, &a), 1.0 / 3, 1e-12);
    assert_float_equal(rules_iou(&a, &inner), 0.25, 1e-12);
    assert_float_equal(rules_iou(&a, &far), 0, 0);
    assert_float_equal(rules_iou(&a, &touching), 0, 1e-12);
    assert_float_equal(rules_iou(&empty, &empty), 0, 0);
    assert_float_equal(rules_iou(&a, &empty), 0, 0);
}

/* The stationary threshold: a parked car shifted by 5% of its width by the detector's jitter
 * is the same car; one that moved a third of its width is not. */
static void stationary_threshold_separates_jitter_from_movement(void **state)
{
    (void)state;
    struct rek_box car = {0.3, 0.5, 0.4, 0.3}, jitter = {0.32, 0.5, 0.4, 0.3},
                   moved = {0.43, 0.5, 0.4, 0.3};
    assert_float_equal(rules_iou(&car, &jitter), 0.38 / 0.42, 1e-9);
    assert_true(rules_iou(&car, &jitter) >= RULES_STATIONARY_IOU);
    assert_true(rules_iou(&car, &moved) < RULES_STATIONARY_IOU);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(parses_zones_with_and_without_labels),
        cmocka_unit_test(every_malformed_shape_names_the_place_and_the_fault),
        cmocka_unit_test(accepts_every_limit),
        cmocka_unit_test(foot_is_the_bottom_centre),
        cmocka_unit_test(inside_a_square_a_triangle_and_a_concave_shape),
        cmocka_unit_test(ray_through_a_vertex_counts_once),
        cmocka_unit_test(shared_edges_belong_to_one_tile),
        cmocka_unit_test(zones_of_uses_the_foot_and_the_labels),
        cmocka_unit_test(area_is_the_part_inside_the_frame),
        cmocka_unit_test(iou_known_values),
        cmocka_unit_test(stationary_threshold_separates_jitter_from_movement),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
