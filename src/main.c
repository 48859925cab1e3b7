/* The bootstrap Lambda executes: picks Lambda mode (the Runtime API loop) or local mode
 * (`--event FILE`, one event, no Lambda), and nothing else. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lookout/clock.h"
#include "lookout/log.h"
#include "lookout/pipeline.h"
#include "lookout/runtime.h"
#include "lookout/timelapse.h"

#define EXIT_USAGE 2
#define LOCAL_TIMEOUT_DEFAULT_S 60
#define LOCAL_TIMEOUT_MAX_S 86400

/* Every environment variable the program reads; --help prints this table and README.md
 * mirrors it. */
static const char *const ENV_VARS[][2] = {
    {"AWS_LAMBDA_RUNTIME_API", "host:port of the Runtime API (set by Lambda; default none)"},
    {"AWS_LAMBDA_LOG_FORMAT", "Text or JSON: one JSON object per log line (default Text)"},
    {"AWS_LAMBDA_LOG_LEVEL", "TRACE, DEBUG, INFO, WARN, ERROR or FATAL (default INFO)"},
    {"_X_AMZN_TRACE_ID", "X-Ray trace header, set per invoke by the runtime (default none)"},
    {"ALERT_TOPIC_ARN", "SNS topic ARN alerts are published to (required: no default)"},
    {"ALERT_LABELS", "comma-separated Name[:minConfidence] that alert (default Person)"},
    {"MIN_CONFIDENCE", "lowest label confidence kept, 0..100 (default 80)"},
    {"MAX_LABELS", "most labels asked of Rekognition per frame, 1..1000 (default 50)"},
    {"PRESIGN_TTL_S", "life of the image link in an alert, s, 1..21600 (default 3600)"},
    {"SNAPSHOT_BUCKET", "S3 bucket for annotated snapshots and KVS frames (default none)"},
    {"SNAPSHOT_PREFIX", "key prefix of what the function stores (default alerts/)"},
    {"SNAPSHOT_MAX_WIDTH", "width of the annotated snapshot at most, px (default 1280)"},
    {"NOTIFY_TOPIC_ARN", "SNS topic for people: e-mail and SMS words (default none)"},
    {"KVS_WINDOW_MS", "a notified fragment's frames: [start, start + window ms] (default 3000)"},
    {"KVS_SAMPLING_MS", "GetImages sampling interval, ms, 200..20000 (default 1000)"},
    {"KVS_MAX_FRAMES", "most frames (Rekognition calls) per fragment or range (default 3)"},
    {"MOTION_MIN_CHANGE", "0..1: skip frames that changed less than this (default 0: off)"},
    {"TIMELAPSE_MAX_FRAMES", "most frames of a time-lapse invocation (default 600)"},
    {"STATE_TABLE", "DynamoDB table of idempotency, cooldown, stationary, snooze (default none)"},
    {"COOLDOWN_S", "seconds between alerts of one stream and label (default 60, 0 = off)"},
    {"STATIONARY_S", "seconds an unmoved object stays quiet (default 3600, 0 = off)"},
    {"ZONES", "JSON polygons (fractions) objects must stand in to alert (default none)"},
    {"MIN_BOX_AREA", "0..1: boxes smaller than this fraction are ignored (default 0: off)"},
    {"IDEMPOTENCY_TTL_S", "seconds a done frame is remembered (default 86400)"},
    {"AWS_ACCESS_KEY_ID", "credentials, set by Lambda (required: no default)"},
    {"AWS_SECRET_ACCESS_KEY", "credentials, never logged (required: no default)"},
    {"AWS_SESSION_TOKEN", "credentials, never logged (default none)"},
    {"AWS_REGION", "region of the AWS calls, set by Lambda (default AWS_DEFAULT_REGION)"},
    {"AWS_DEFAULT_REGION", "region when AWS_REGION is unset (default none: one is required)"},
    {"AWS_ENDPOINT_URL_<SERVICE>", "endpoint of one service: S3, REKOGNITION, SNS, KINESIS_VIDEO,"},
    {"", "KINESIS_VIDEO_ARCHIVED_MEDIA, DYNAMODB (default AWS_ENDPOINT_URL)"},
    {"AWS_ENDPOINT_URL", "endpoint of every service (default the public endpoints)"},
    {"AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true: ignore both (default false)"},
    {"AWS_MAX_ATTEMPTS", "attempts per AWS call, the first included, 1..20 (default 3)"},
    {"AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "MB, set by Lambda; an eighth bounds a frame's pixels"},
    {"", "(default 1024)"},
    {"SSL_CERT_FILE", "CA bundle (PEM) for HTTPS (default none: the search below)"},
    {"SSL_CERT_DIR", "CA directory (OpenSSL hashed names) (default none: the search below)"},
    {"LOOKOUT_LOCAL_TIMEOUT_S", "--event only: the invoke's time budget, s (default 60)"},
};

static void print_help(FILE *out)
{
    fputs("usage: bootstrap [--event FILE | --help]\n"
          "       bootstrap timelapse --stream NAME|ARN --start T --end T ... -o FILE\n\n"
          "Without arguments, runs as an AWS Lambda custom runtime: takes events from the\n"
          "Runtime API at AWS_LAMBDA_RUNTIME_API until Lambda stops it.\n\n"
          "  --event FILE  run one event (a JSON file, or - for stdin) through the handler\n"
          "                outside Lambda; print the response JSON on stdout and exit 0, or\n"
          "                print the Lambda error JSON and exit 1\n"
          "  --help        print this help\n"
          "  timelapse     write a time-lapse of a stream (bootstrap timelapse --help)\n\n"
          "Logs go to stderr. Environment variables:\n",
          out);
    for (size_t i = 0; i < sizeof(ENV_VARS) / sizeof(ENV_VARS[0]); i++) {
        if (strlen(ENV_VARS[i][0]) > 27)
            fprintf(out, "  %s\n", ENV_VARS[i][0]);
        fprintf(out, "  %-27s %s\n", strlen(ENV_VARS[i][0]) > 27 ? "" : ENV_VARS[i][0],
                ENV_VARS[i][1]);
    }
    fputs(
        "\nHTTPS trust roots, the first that exists: SSL_CERT_FILE, SSL_CERT_DIR, ca-certs/\n"
        "beside bootstrap, /etc/pki/tls/certs/ca-bundle.crt, /etc/ssl/certs/ca-certificates.crt,\n"
        "ca-bundle.crt beside bootstrap.\n",
        out);
}

static int adapt_handler(void *ctx, const struct rt_invocation *inv, struct lk_view event,
                         struct lk_buf *response, struct lk_error *err)
{
    struct pl_call call = {.deadline_ms = inv->deadline_ms, .request_id = inv->request_id};
    return pl_app_handle(ctx, &call, event, response, err);
}

/* ---- local mode ---- */

static int read_event(const char *path, struct lk_buf *event, struct lk_error *err)
{
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    if (!f)
        return err_set(err, LK_IO, "cannot open %s", path);
    int rc = buf_append_file(event, f);
    if (rc == LK_IO)
        err_set(err, rc, "cannot read %s", path);
    else if (rc != LK_OK)
        err_set(err, rc, "%s: event larger than %zu bytes", path, event->max);
    if (f != stdin)
        fclose(f);
    return rc;
}

static int64_t local_deadline_ms(void)
{
    int64_t budget_s = LOCAL_TIMEOUT_DEFAULT_S;
    const char *v = getenv("LOOKOUT_LOCAL_TIMEOUT_S");
    if (v && *v) {
        char *end;
        long long s = strtoll(v, &end, 10);
        if (*end == '\0' && s > 0 && s <= LOCAL_TIMEOUT_MAX_S)
            budget_s = s;
        else
            LOG_WARN("LOOKOUT_LOCAL_TIMEOUT_S=%s is not 1..%d seconds; using %d", v,
                     LOCAL_TIMEOUT_MAX_S, LOCAL_TIMEOUT_DEFAULT_S);
    }
    return clock_now_ms() + budget_s * 1000;
}

/* A request id for the log lines of a local run: 32 hex digits of clock and pid, enough to
 * tell runs apart. */
static void local_request_id(char *out, size_t cap)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    snprintf(out, cap, "local-%08lx-%08lx-%06lx", (unsigned long)ts.tv_sec,
             (unsigned long)ts.tv_nsec, (unsigned long)getpid());
}

static int print_buf(const struct lk_buf *b)
{
    fwrite(b->data ? b->data : "", 1, b->len, stdout);
    fputc('\n', stdout);
    return fflush(stdout) == 0 ? 0 : 1;
}

static int run_local(const char *path)
{
    struct pl_app *app = NULL;
    struct lk_buf event, response;
    buf_init(&event, RT_PAYLOAD_MAX_BYTES);
    buf_init(&response, RT_PAYLOAD_MAX_BYTES);
    char request_id[64];
    local_request_id(request_id, sizeof(request_id));
    struct pl_call call = {.deadline_ms = local_deadline_ms(), .request_id = request_id};
    struct lk_error err;
    err_clear(&err);
    int rc = pl_app_new(&app, &err);
    if (rc == LK_OK)
        rc = read_event(path, &event, &err);
    if (rc == LK_OK) {
        log_set_context(request_id, getenv("_X_AMZN_TRACE_ID"));
        rc = pl_app_handle(app, &call, buf_view(&event), &response, &err);
        log_set_context(NULL, NULL);
    }
    int status = 0;
    if (rc == LK_OK) {
        status = print_buf(&response);
    } else {
        LOG_ERROR("%s: %s", err_lambda_type(rc), err.message);
        buf_reset(&response);
        rt_error_body(&response, &err);
        print_buf(&response);
        status = 1;
    }
    pl_app_free(app);
    buf_cleanup(&event);
    buf_cleanup(&response);
    return status;
}

/* ---- Lambda mode ---- */

static int run_lambda(void)
{
    const char *api = getenv("AWS_LAMBDA_RUNTIME_API");
    if (!api || !*api) {
        fputs("bootstrap: AWS_LAMBDA_RUNTIME_API is not set: this program runs inside AWS "
              "Lambda. To run one event locally: bootstrap --event FILE (see --help)\n",
              stderr);
        return 1;
    }
    struct rt_client *client = NULL;
    struct pl_app *app = NULL;
    struct lk_error err;
    err_clear(&err);
    int status = 1;
    if (rt_client_new(&client, api, &err) != LK_OK) {
        LOG_FATAL("cannot start the Runtime API client: %s", err.message);
        goto cleanup;
    }
    if (pl_app_new(&app, &err) != LK_OK) {
        LOG_FATAL("init failed: %s: %s", err_lambda_type(err.code), err.message);
        struct lk_error post_err;
        if (rt_post_init_error(client, &err, &post_err) != LK_OK)
            LOG_ERROR("%s", post_err.message);
        goto cleanup;
    }
    int rc = rt_run(client, adapt_handler, app, &err);
    if (rc == LK_RUNTIME_API && err.http_status >= 500)
        LOG_INFO("the Runtime API asked the runtime to exit: %s", err.message);
    else
        LOG_FATAL("runtime loop ended: %s", err.message);
cleanup:
    pl_app_free(app);
    rt_client_free(client);
    return status;
}

int main(int argc, char **argv)
{
    log_configure_from_env();
    if (argc == 1)
        return run_lambda();
    if (argc == 2 && strcmp(argv[1], "--help") == 0) {
        print_help(stdout);
        return 0;
    }
    if (argc >= 2 && strcmp(argv[1], "timelapse") == 0)
        return pl_timelapse_main(argc - 1, argv + 1);
    if (argc == 3 && strcmp(argv[1], "--event") == 0)
        return run_local(argv[2]);
    fputs("bootstrap: unknown arguments\n", stderr);
    print_help(stderr);
    return EXIT_USAGE;
}
