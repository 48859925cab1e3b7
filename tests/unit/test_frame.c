/* Unit tests for the frame plan of src/pipeline/frame.c: how each frame's pixels are read and
 * what Rekognition is given, for every combination of origin, motion gating and a picture
 * needed for the alert. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "lookout/frame.h"

static void expect(enum pl_origin origin, int motion, int picture, enum pl_pixels pixels,
                   enum pl_labels_from labels, int gated)
{
    struct pl_plan p = pl_frame_plan(origin, motion, picture);
    assert_int_equal(p.pixels, pixels);
    assert_int_equal(p.labels_from, labels);
    assert_int_equal(p.motion_gated, gated);
}

static void s3_object_without_gating_or_picture_is_never_read(void **state)
{
    (void)state;
    expect(PL_ORIGIN_S3, 0, 0, PL_PIXELS_NONE, PL_LABELS_FROM_S3_OBJECT, 0);
}

static void s3_object_needing_a_picture_is_read_only_on_alert(void **state)
{
    (void)state;
    /* A picture for the alert does not change how Rekognition is called. */
    expect(PL_ORIGIN_S3, 0, 1, PL_PIXELS_READ_ON_ALERT, PL_LABELS_FROM_S3_OBJECT, 0);
}

static void s3_object_with_gating_is_read_first(void **state)
{
    (void)state;
    expect(PL_ORIGIN_S3, 1, 0, PL_PIXELS_READ_FIRST, PL_LABELS_FROM_BYTES, 1);
    expect(PL_ORIGIN_S3, 1, 1, PL_PIXELS_READ_FIRST, PL_LABELS_FROM_BYTES, 1);
}

static void kvs_frame_has_its_pixels_in_hand(void **state)
{
    (void)state;
    expect(PL_ORIGIN_KVS, 0, 0, PL_PIXELS_IN_HAND, PL_LABELS_FROM_BYTES, 0);
    expect(PL_ORIGIN_KVS, 0, 1, PL_PIXELS_IN_HAND, PL_LABELS_FROM_BYTES, 0);
    expect(PL_ORIGIN_KVS, 1, 0, PL_PIXELS_IN_HAND, PL_LABELS_FROM_BYTES, 1);
    expect(PL_ORIGIN_KVS, 1, 1, PL_PIXELS_IN_HAND, PL_LABELS_FROM_BYTES, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(s3_object_without_gating_or_picture_is_never_read),
        cmocka_unit_test(s3_object_needing_a_picture_is_read_only_on_alert),
        cmocka_unit_test(s3_object_with_gating_is_read_first),
        cmocka_unit_test(kvs_frame_has_its_pixels_in_hand),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
