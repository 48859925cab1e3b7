/*
 * snapshot_make: draws one annotated snapshot (snapshot.h) for the pixel tests.
 *
 * stdin: {"image": "in.jpg|in.png", "out": "out.jpg", "maxWidth": 1280, "quality": 80,
 *         "boxes": [{"left":0.1,"top":0.2,"width":0.3,"height":0.4,"tag":"Person 97%",
 *                    "label":"Person"}],
 *         "zones": [{"name":"porch","points":[[0.1,0.5],[0.9,0.5],[0.9,0.9]]}],
 *         "lines": ["front-door 2026-11-24 08:00:00 UTC"]}
 * stdout, exit 0: {"width":W,"height":H,"frameHeight":h,"thickness":t,"zoneWidth":z,
 *                  "fontScale":s,"colors":{"Person":[r,g,b]},"zoneColor":[r,g,b],
 *                  "planar":true when drawn on YCbCr planes (img_snapshot_planar)}
 * exit 2: {"error":{"status":"LK_...","message":"..."}}
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lookout/json.h"
#include "lookout/snapshot.h"

#include "tool_output.h"

#define MAX_ITEMS 64

static double num(const cJSON *o, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
    return cJSON_IsNumber(v) ? v->valuedouble : 0;
}

static int read_file(const char *path, struct lk_buf *out)
{
    FILE *f = path ? fopen(path, "rb") : NULL;
    if (!f)
        return -1;
    int rc = buf_append_file(out, f);
    fclose(f);
    return rc == LK_OK ? 0 : -1;
}

static cJSON *color_json(struct img_color c)
{
    cJSON *a = cJSON_CreateArray();
    cJSON_AddItemToArray(a, cJSON_CreateNumber(c.r));
    cJSON_AddItemToArray(a, cJSON_CreateNumber(c.g));
    cJSON_AddItemToArray(a, cJSON_CreateNumber(c.b));
    return a;
}

struct spec_store {
    struct img_snapshot_box boxes[MAX_ITEMS];
    struct img_snapshot_zone zones[MAX_ITEMS];
    double points[MAX_ITEMS][32][2];
    const char *lines[MAX_ITEMS];
};

static void fill_spec(const cJSON *in, struct spec_store *st, struct img_snapshot_spec *spec,
                      cJSON *colors)
{
    const cJSON *item;
    spec->max_width = (unsigned)num(in, "maxWidth");
    spec->quality = cJSON_GetObjectItem(in, "quality") ? (int)num(in, "quality") : 80;
    /* The pixel budget of a 1024 MB function, or the one asked for ("budgetBytes"). */
    spec->budget_bytes = cJSON_GetObjectItem(in, "budgetBytes") ? (size_t)num(in, "budgetBytes")
                                                                 : (size_t)128 * 1024 * 1024;
    cJSON_ArrayForEach(item, json_get_array(in, "boxes"))
    {
        if (spec->box_count == MAX_ITEMS)
            break;
        const char *label = json_get_string(item, "label");
        struct img_color c = img_snapshot_color(label ? label : "");
        st->boxes[spec->box_count++] = (struct img_snapshot_box){
            num(item, "left"), num(item, "top"), num(item, "width"), num(item, "height"),
            json_get_string(item, "tag"), c};
        if (label && !cJSON_GetObjectItemCaseSensitive(colors, label))
            cJSON_AddItemToObject(colors, label, color_json(c));
    }
    cJSON_ArrayForEach(item, json_get_array(in, "zones"))
    {
        if (spec->zone_count == MAX_ITEMS)
            break;
        size_t z = spec->zone_count++, k = 0;
        const cJSON *pt;
        cJSON_ArrayForEach(pt, json_get_array(item, "points"))
        {
            if (k == 32)
                break;
            st->points[z][k][0] = cJSON_GetArrayItem(pt, 0)->valuedouble;
            st->points[z][k][1] = cJSON_GetArrayItem(pt, 1)->valuedouble;
            k++;
        }
        st->zones[z] = (struct img_snapshot_zone){st->points[z], k, json_get_string(item, "name")};
    }
    cJSON_ArrayForEach(item, json_get_array(in, "lines"))
    {
        if (spec->line_count < MAX_ITEMS && cJSON_IsString(item))
            st->lines[spec->line_count++] = item->valuestring;
    }
    spec->boxes = st->boxes;
    spec->zones = st->zones;
    spec->lines = st->lines;
}

static int run(const cJSON *in, cJSON *out, struct lk_error *err)
{
    struct spec_store *st = calloc(1, sizeof(*st));
    struct img_snapshot_spec spec = {0};
    struct lk_buf image, jpeg;
    unsigned w = 0, h = 0;
    buf_init(&image, (size_t)256 << 20);
    buf_init(&jpeg, (size_t)256 << 20);
    cJSON *colors = cJSON_AddObjectToObject(out, "colors");
    int rc = st ? LK_OK : LK_NOMEM;
    if (rc == LK_OK && read_file(json_get_string(in, "image"), &image) != 0)
        rc = err_set(err, LK_INVALID_ARG, "cannot read the image");
    if (rc == LK_OK) {
        fill_spec(in, st, &spec, colors);
        rc = img_snapshot_make(image.data, image.len, &spec, &jpeg, &w, &h, err);
    }
    FILE *f = rc == LK_OK ? fopen(json_get_string(in, "out"), "wb") : NULL;
    if (rc == LK_OK && (!f || fwrite(jpeg.data, 1, jpeg.len, f) != jpeg.len))
        rc = err_set(err, LK_INVALID_ARG, "cannot write the snapshot");
    if (f)
        fclose(f);
    if (rc == LK_OK) {
        struct img_snapshot_style s = img_snapshot_style_for(w);
        cJSON_AddNumberToObject(out, "width", w);
        cJSON_AddNumberToObject(out, "height", h);
        cJSON_AddNumberToObject(out, "frameHeight",
                                h - img_snapshot_strip_height(w, spec.line_count));
        cJSON_AddNumberToObject(out, "thickness", s.thickness);
        cJSON_AddNumberToObject(out, "zoneWidth", s.zone_width);
        cJSON_AddNumberToObject(out, "fontScale", s.font_scale);
        cJSON_AddNumberToObject(out, "bytes", (double)jpeg.len);
        cJSON_AddBoolToObject(out, "planar",
                              img_snapshot_planar(image.data, image.len, spec.max_width));
        cJSON_AddItemToObject(out, "zoneColor", color_json(IMG_SNAPSHOT_ZONE_COLOR));
    }
    free(st);
    buf_cleanup(&image);
    buf_cleanup(&jpeg);
    return rc;
}

int main(void)
{
    struct lk_buf input;
    struct lk_error err;
    err_clear(&err);
    buf_init(&input, (size_t)1 << 20);
    if (buf_append_file(&input, stdin) != LK_OK)
        return 3;
    cJSON *in = json_parse(input.data ? input.data : "", input.len);
    cJSON *out = cJSON_CreateObject();
    int rc = in ? run(in, out, &err) : err_set(&err, LK_INVALID_ARG, "stdin is not JSON");
    if (rc != LK_OK) {
        cJSON_Delete(out);
        out = tool_error_tree(rc, &err);
    }
    tool_print_line(out);
    cJSON_Delete(in);
    buf_cleanup(&input);
    return rc == LK_OK ? 0 : 2;
}
