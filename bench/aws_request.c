/* bench_aws_request URL [N]: the cost of one signed AWS request (aws_client_send: prepare,
 * sign, send, receive, classify) against a local HTTP server, beside an unsigned GET of the
 * same URL on a curl handle with the same settings. Prints `name value unit` lines:
 * the medians over N requests each (default 2000, after a warm-up) and their ratio. The
 * server should answer 200 to any GET with keep-alive (bench/aws starts one). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>

#include "lookout/aws.h"
#include "lookout/clock.h"

#define WARMUP 100

static int64_t mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

static double median_us(int64_t *ns, int n)
{
    qsort(ns, (size_t)n, sizeof *ns, cmp_i64);
    return (double)ns[n / 2] / 1000.0;
}

static size_t discard(char *p, size_t size, size_t n, void *u)
{
    (void)p;
    (void)u;
    return size * n;
}

/* The options src/aws/client.c sets, for a fair baseline. */
static CURL *plain_handle(const char *url, struct curl_slist *headers)
{
    CURL *k = curl_easy_init();
    if (!k)
        return NULL;
    curl_easy_setopt(k, CURLOPT_URL, url);
    curl_easy_setopt(k, CURLOPT_NOPROXY, "127.0.0.1,localhost,::1");
    curl_easy_setopt(k, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_1_1);
    curl_easy_setopt(k, CURLOPT_TCP_NODELAY, 1L);
    curl_easy_setopt(k, CURLOPT_TCP_KEEPALIVE, 1L);
    curl_easy_setopt(k, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(k, CURLOPT_TIMEOUT_MS, 10000L);
    curl_easy_setopt(k, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(k, CURLOPT_WRITEFUNCTION, discard);
    curl_easy_setopt(k, CURLOPT_HEADERFUNCTION, discard);
    return k;
}

static int run_unsigned(const char *url, int n, int64_t *ns)
{
    struct curl_slist *h = curl_slist_append(NULL, "Expect:");
    CURL *k = plain_handle(url, h);
    int rc = k && h ? 0 : -1;
    for (int i = -WARMUP; rc == 0 && i < n; i++) {
        int64_t t0 = mono_ns();
        long status = 0;
        if (curl_easy_perform(k) != CURLE_OK ||
            curl_easy_getinfo(k, CURLINFO_RESPONSE_CODE, &status) != CURLE_OK || status != 200)
            rc = -1;
        if (i >= 0)
            ns[i] = mono_ns() - t0;
    }
    if (k)
        curl_easy_cleanup(k);
    curl_slist_free_all(h);
    return rc;
}

static int run_signed(const char *url, int n, int64_t *ns)
{
    char akid[] = "AKIDEXAMPLE", secret[] = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    char token[] = "IQoJb3JpZ2luX2VjEXAMPLETOKEN", region[] = "us-east-1";
    struct aws_config cfg = {.access_key_id = akid,
                             .secret_access_key = secret,
                             .session_token = token,
                             .region = region,
                             .max_attempts = 1};
    struct aws_client *client = NULL;
    struct lk_error err;
    char *base = strdup(url);
    cfg.endpoint_url[AWS_SVC_S3] = base;
    int rc = base && aws_client_new(&cfg, AWS_SVC_S3, &client, &err) == LK_OK ? 0 : -1;
    struct aws_request req = {.method = "GET", .bucket = "bench", .path = "/frame.jpg"};
    for (int i = -WARMUP; rc == 0 && i < n; i++) {
        struct aws_response resp;
        aws_response_init(&resp);
        int64_t t0 = mono_ns();
        if (aws_client_send(client, &req, clock_now_ms() + 10000, &resp, &err) != LK_OK) {
            fprintf(stderr, "bench_aws_request: %s\n", err.message);
            rc = -1;
        }
        if (i >= 0)
            ns[i] = mono_ns() - t0;
        aws_response_cleanup(&resp);
    }
    aws_client_free(client);
    free(base);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: bench_aws_request URL [N]\n");
        return 2;
    }
    int n = argc > 2 ? (int)strtol(argv[2], NULL, 10) : 2000;
    if (n < 1 || n > 1000000)
        n = 2000;
    int64_t *plain = calloc((size_t)n, sizeof *plain);
    int64_t *signed_ns = calloc((size_t)n, sizeof *signed_ns);
    int rc = 1;
    curl_global_init(CURL_GLOBAL_DEFAULT);
    if (plain && signed_ns && run_unsigned(argv[1], n, plain) == 0 &&
        run_signed(argv[1], n, signed_ns) == 0) {
        double u = median_us(plain, n), s = median_us(signed_ns, n);
        printf("unsigned_request_median %.1f us\n", u);
        printf("signed_request_median %.1f us\n", s);
        printf("signed_over_unsigned %.2f x\n", s / u);
        printf("requests_each %d count\n", n);
        rc = 0;
    } else {
        fprintf(stderr, "bench_aws_request: a request failed (is the server at %s up?)\n", argv[1]);
    }
    curl_global_cleanup();
    free(plain);
    free(signed_ns);
    return rc;
}
