/* bench_sign: SigV4 signing throughput. Prints one "name value unit" line per metric, the
 * median of several rounds:
 *   sign_headers_cached     a Rekognition-sized POST, header signing, signing key cached
 *   sign_headers_uncached   the same, deriving the signing key every time
 *   wire_prepare_s3_get     aws_wire_prepare of an S3 GET (URL, headers, signature)
 *   presign_s3_get          aws_wire_presign of an S3 GET
 * Usage: bench_sign [seconds per round, default 0.3] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lookout/aws.h"
#include "lookout/sigv4.h"

#define ROUNDS 7

static double round_seconds = 0.3;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

typedef int (*op_fn)(void *ctx);

/* Operations per second: the median of ROUNDS rounds of about round_seconds each. */
static double measure(op_fn op, void *ctx)
{
    double rates[ROUNDS];
    for (int r = 0; r < ROUNDS; r++) {
        long n = 0;
        double start = now_s(), elapsed;
        do {
            for (int i = 0; i < 64; i++, n++)
                if (op(ctx) != LK_OK) {
                    fprintf(stderr, "bench_sign: operation failed\n");
                    exit(1);
                }
            elapsed = now_s() - start;
        } while (elapsed < round_seconds);
        rates[r] = (double)n / elapsed;
    }
    qsort(rates, ROUNDS, sizeof rates[0], cmp_double);
    return rates[ROUNDS / 2];
}

struct sign_ctx {
    struct sig_request req;
    struct sig_options opt;
    struct sig_result res;
};

static int op_sign(void *p)
{
    struct sign_ctx *c = p;
    return sig_sign_headers(&c->req, &c->opt, &c->res, NULL);
}

struct wire_ctx {
    struct aws_config cfg;
    struct aws_request req;
};

static int op_wire(void *p)
{
    struct wire_ctx *c = p;
    struct aws_wire_request w;
    int rc = aws_wire_prepare(&c->cfg, AWS_SVC_S3, &c->req, 1700000000, NULL, &w, NULL);
    aws_wire_cleanup(&w);
    return rc;
}

static int op_presign(void *p)
{
    struct wire_ctx *c = p;
    char *url = NULL;
    int rc = aws_wire_presign(&c->cfg, AWS_SVC_S3, &c->req, 3600, 1700000000, NULL, &url, NULL);
    free(url);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc > 1) {
        char *end;
        double v = strtod(argv[1], &end);
        if (*end != '\0' || !(v > 0 && v <= 60)) {
            fprintf(stderr, "usage: bench_sign [seconds per round, 0..60]\n");
            return 2;
        }
        round_seconds = v;
    }
    static char akid[] = "AKIDEXAMPLE", secret[] = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    static char token[] = "IQoJb3JpZ2luX2VjEXAMPLETOKENIQoJb3JpZ2luX2VjEXAMPLETOKEN";
    static char region[] = "eu-west-1";
    static const char body[] = "{\"Image\":{\"Bytes\":\"/9j/4AAQSkZJRgABAQAAAQABAAD\"},"
                               "\"MaxLabels\":20,\"MinConfidence\":70}";
    const struct sig_header hdrs[] = {
        {"Host", "rekognition.eu-west-1.amazonaws.com"},
        {"Content-Type", "application/x-amz-json-1.1"},
        {"X-Amz-Target", "RekognitionService.DetectLabels"},
    };
    struct sig_key_cache cache;
    struct sign_ctx s = {
        .req = {.method = "POST",
                .path = "/",
                .headers = hdrs,
                .header_count = 3,
                .body = body,
                .body_len = sizeof body - 1},
        .opt = {.creds = {akid, secret, token},
                .region = region,
                .service = "rekognition",
                .now = 1700000000,
                .normalize_path = 1,
                .double_encode = 1,
                .cache = &cache},
    };
    sig_key_cache_init(&cache);
    sig_result_init(&s.res);
    printf("sign_headers_cached %.0f signatures/s\n", measure(op_sign, &s));
    s.opt.cache = NULL;
    printf("sign_headers_uncached %.0f signatures/s\n", measure(op_sign, &s));
    sig_result_cleanup(&s.res);
    sig_key_cache_cleanup(&cache);

    struct wire_ctx w = {
        .cfg = {.access_key_id = akid,
                .secret_access_key = secret,
                .session_token = token,
                .region = region,
                .max_attempts = 3},
        .req = {.method = "GET",
                .bucket = "camera-frames",
                .path = "/111122223333_front-door_1700000000000_3f2a.jpg"},
    };
    printf("wire_prepare_s3_get %.0f requests/s\n", measure(op_wire, &w));
    printf("presign_s3_get %.0f urls/s\n", measure(op_presign, &w));
    return 0;
}
