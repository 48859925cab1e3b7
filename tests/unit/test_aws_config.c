/* Unit tests for configuration from the environment and request preparation (aws.h:
 * aws_config_from_env, aws_wire_prepare, aws_wire_presign). Signatures themselves are
 * checked in test_sigv4.c and against botocore in tests/aws. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <errno.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "lookout/aws.h"

static const char *const ALL_VARS[] = {
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_REGION",
    "AWS_DEFAULT_REGION",
    "AWS_ENDPOINT_URL",
    "AWS_ENDPOINT_URL_S3",
    "AWS_ENDPOINT_URL_REKOGNITION",
    "AWS_ENDPOINT_URL_SNS",
    "AWS_ENDPOINT_URL_KINESIS_VIDEO",
    "AWS_ENDPOINT_URL_KINESIS_VIDEO_ARCHIVED_MEDIA",
    "AWS_ENDPOINT_URL_DYNAMODB",
    "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS",
    "AWS_MAX_ATTEMPTS",
    "SSL_CERT_FILE",
    "SSL_CERT_DIR",
};

#define SECRET "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
#define TOKEN "FQoGZXIvYXdzEXAMPLETOKEN+/="

static int clean_env(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof ALL_VARS / sizeof ALL_VARS[0]; i++)
        unsetenv(ALL_VARS[i]);
    setenv("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE", 1);
    setenv("AWS_SECRET_ACCESS_KEY", SECRET, 1);
    setenv("AWS_SESSION_TOKEN", TOKEN, 1);
    setenv("AWS_REGION", "eu-west-1", 1);
    return 0;
}

static void expect_config_error(const char *needle)
{
    struct aws_config cfg;
    struct lk_error err;
    err_clear(&err);
    assert_int_equal(aws_config_from_env(&cfg, &err), LK_CONFIG);
    assert_non_null(strstr(err.message, needle));
    assert_null(strstr(err.message, SECRET));
    assert_null(strstr(err.message, TOKEN));
    assert_null(cfg.access_key_id);
    assert_null(cfg.region);
}

static void reads_the_lambda_environment(void **state)
{
    (void)state;
    struct aws_config cfg;
    struct lk_error err;
    assert_int_equal(aws_config_from_env(&cfg, &err), LK_OK);
    assert_string_equal(cfg.access_key_id, "AKIAIOSFODNN7EXAMPLE");
    assert_string_equal(cfg.secret_access_key, SECRET);
    assert_string_equal(cfg.session_token, TOKEN);
    assert_string_equal(cfg.region, "eu-west-1");
    assert_int_equal(cfg.max_attempts, 3);
    for (int i = 0; i < AWS_SVC_COUNT; i++)
        assert_null(cfg.endpoint_url[i]);
    aws_config_cleanup(&cfg);
}

static void missing_values_name_the_variable(void **state)
{
    (void)state;
    unsetenv("AWS_ACCESS_KEY_ID");
    expect_config_error("AWS_ACCESS_KEY_ID");
    clean_env(NULL);
    setenv("AWS_SECRET_ACCESS_KEY", "", 1);
    expect_config_error("AWS_SECRET_ACCESS_KEY");
    clean_env(NULL);
    unsetenv("AWS_REGION");
    expect_config_error("AWS_DEFAULT_REGION");
    setenv("AWS_REGION", "eu-west-1.evil.com", 1);
    expect_config_error("AWS_REGION");
}

static void session_token_is_optional(void **state)
{
    (void)state;
    unsetenv("AWS_SESSION_TOKEN");
    struct aws_config cfg;
    assert_int_equal(aws_config_from_env(&cfg, NULL), LK_OK);
    assert_null(cfg.session_token);
    aws_config_cleanup(&cfg);
}

static void region_falls_back_to_default_region(void **state)
{
    (void)state;
    struct aws_config cfg;
    unsetenv("AWS_REGION");
    setenv("AWS_DEFAULT_REGION", "ap-south-1", 1);
    assert_int_equal(aws_config_from_env(&cfg, NULL), LK_OK);
    assert_string_equal(cfg.region, "ap-south-1");
    aws_config_cleanup(&cfg);
    setenv("AWS_REGION", "us-west-2", 1);
    assert_int_equal(aws_config_from_env(&cfg, NULL), LK_OK);
    assert_string_equal(cfg.region, "us-west-2");
    aws_config_cleanup(&cfg);
}

static void endpoint_overrides_take_precedence(void **state)
{
    (void)state;
    struct aws_config cfg;
    setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:4566/", 1);
    setenv("AWS_ENDPOINT_URL_S3", "http://127.0.0.1:9000", 1);
    setenv("AWS_ENDPOINT_URL_KINESIS_VIDEO_ARCHIVED_MEDIA", "https://media.local", 1);
    assert_int_equal(aws_config_from_env(&cfg, NULL), LK_OK);
    assert_string_equal(cfg.endpoint_url[AWS_SVC_S3], "http://127.0.0.1:9000");
    assert_string_equal(cfg.endpoint_url[AWS_SVC_SNS], "http://127.0.0.1:4566");
    assert_string_equal(cfg.endpoint_url[AWS_SVC_KINESIS_VIDEO], "http://127.0.0.1:4566");
    assert_string_equal(cfg.endpoint_url[AWS_SVC_KINESIS_VIDEO_ARCHIVED_MEDIA],
                        "https://media.local");
    /* Which came from the service's own variable: only those replace a discovered endpoint. */
    assert_true(cfg.endpoint_own[AWS_SVC_S3]);
    assert_true(cfg.endpoint_own[AWS_SVC_KINESIS_VIDEO_ARCHIVED_MEDIA]);
    assert_false(cfg.endpoint_own[AWS_SVC_SNS]);
    assert_false(cfg.endpoint_own[AWS_SVC_KINESIS_VIDEO]);
    /* The custom-resource answer goes to the URL CloudFormation gives, never an override. */
    assert_null(cfg.endpoint_url[AWS_SVC_CLOUDFORMATION_RESPONSE]);
    aws_config_cleanup(&cfg);

    setenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true", 1);
    assert_int_equal(aws_config_from_env(&cfg, NULL), LK_OK);
    for (int i = 0; i < AWS_SVC_COUNT; i++)
        assert_null(cfg.endpoint_url[i]);
    aws_config_cleanup(&cfg);

    unsetenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS");
    setenv("AWS_ENDPOINT_URL_SNS", "ftp://x", 1);
    expect_config_error("AWS_ENDPOINT_URL_SNS");
}

static void max_attempts_is_checked(void **state)
{
    (void)state;
    static const char *const bad[] = {"0", "21", "-1", "3x", "", " ", "99999999999999999999"};
    struct aws_config cfg;
    setenv("AWS_MAX_ATTEMPTS", "20", 1);
    assert_int_equal(aws_config_from_env(&cfg, NULL), LK_OK);
    assert_int_equal(cfg.max_attempts, 20);
    aws_config_cleanup(&cfg);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        setenv("AWS_MAX_ATTEMPTS", bad[i], 1);
        if (bad[i][0] == '\0') { /* empty = not set: the default */
            assert_int_equal(aws_config_from_env(&cfg, NULL), LK_OK);
            assert_int_equal(cfg.max_attempts, 3);
            aws_config_cleanup(&cfg);
        } else {
            expect_config_error("AWS_MAX_ATTEMPTS");
        }
    }
}

static void ca_bundle_prefers_ssl_cert_file(void **state)
{
    (void)state;
    struct aws_config cfg;
    char path[] = "/tmp/lookout-ca-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    setenv("SSL_CERT_FILE", path, 1);
    assert_int_equal(aws_config_from_env(&cfg, NULL), LK_OK);
    assert_string_equal(cfg.ca_file, path);
    aws_config_cleanup(&cfg);
    unlink(path);
    /* A bundle that does not exist is passed over for the usual paths. */
    assert_int_equal(aws_config_from_env(&cfg, NULL), LK_OK);
    assert_true(cfg.ca_file == NULL || strcmp(cfg.ca_file, path) != 0);
    aws_config_cleanup(&cfg);
}

/* The trust roots a configuration read now would use; asserts exactly one is set. */
struct roots {
    char file[PATH_MAX];
    char dir[PATH_MAX];
};

static struct roots read_roots(void)
{
    struct aws_config cfg;
    struct roots r = {{0}, {0}};
    assert_int_equal(aws_config_from_env(&cfg, NULL), LK_OK);
    assert_false(cfg.ca_file && cfg.ca_path);
    if (cfg.ca_file)
        snprintf(r.file, sizeof r.file, "%s", cfg.ca_file);
    if (cfg.ca_path)
        snprintf(r.dir, sizeof r.dir, "%s", cfg.ca_path);
    aws_config_cleanup(&cfg);
    return r;
}

/* <directory of this test executable>/ca-certs, where the artifact ships its roots. */
static void certs_beside_exe(char *out, size_t size)
{
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    assert_true(n > 0);
    exe[n] = '\0';
    *strrchr(exe, '/') = '\0';
    assert_true((size_t)snprintf(out, size, "%s/ca-certs", exe) < size);
}

static void ca_file_beats_every_directory(void **state)
{
    (void)state;
    char file[] = "/tmp/lookout-ca-XXXXXX";
    char dir[] = "/tmp/lookout-cadir-XXXXXX";
    int fd = mkstemp(file);
    assert_true(fd >= 0);
    close(fd);
    assert_non_null(mkdtemp(dir));
    setenv("SSL_CERT_FILE", file, 1);
    setenv("SSL_CERT_DIR", dir, 1);
    struct roots r = read_roots();
    assert_string_equal(r.file, file);
    assert_string_equal(r.dir, "");
    /* Without a readable SSL_CERT_FILE, SSL_CERT_DIR is next. */
    unlink(file);
    r = read_roots();
    assert_string_equal(r.file, "");
    assert_string_equal(r.dir, dir);
    rmdir(dir);
}

static void ssl_cert_dir_must_be_a_directory(void **state)
{
    (void)state;
    char file[] = "/tmp/lookout-ca-XXXXXX";
    int fd = mkstemp(file);
    assert_true(fd >= 0);
    close(fd);
    setenv("SSL_CERT_DIR", file, 1);
    struct roots r = read_roots();
    assert_true(strcmp(r.dir, file) != 0);
    /* A file is a file: SSL_CERT_FILE naming a directory is passed over too. */
    unsetenv("SSL_CERT_DIR");
    setenv("SSL_CERT_FILE", "/tmp", 1);
    r = read_roots();
    assert_true(strcmp(r.file, "/tmp") != 0);
    unlink(file);
}

static void shipped_directory_beats_system_bundles(void **state)
{
    (void)state;
    char certs[PATH_MAX];
    certs_beside_exe(certs, sizeof certs);
    int made = mkdir(certs, 0755) == 0;
    assert_true(made || errno == EEXIST);
    struct roots r = read_roots();
    assert_string_equal(r.dir, certs);
    assert_string_equal(r.file, "");
    /* An explicit SSL_CERT_DIR still comes first. */
    char dir[] = "/tmp/lookout-cadir-XXXXXX";
    assert_non_null(mkdtemp(dir));
    setenv("SSL_CERT_DIR", dir, 1);
    r = read_roots();
    assert_string_equal(r.dir, dir);
    rmdir(dir);
    if (made)
        rmdir(certs);
}

static void system_bundles_come_last(void **state)
{
    (void)state;
    char certs[PATH_MAX];
    certs_beside_exe(certs, sizeof certs);
    if (access(certs, F_OK) == 0)
        skip(); /* ca-certs/ left beside this executable: it would win */
    const char *bundles[] = {"/etc/pki/tls/certs/ca-bundle.crt",
                             "/etc/ssl/certs/ca-certificates.crt"};
    const char *expect = "";
    for (size_t i = 0; i < 2 && !*expect; i++) {
        if (access(bundles[i], R_OK) == 0)
            expect = bundles[i];
    }
    struct roots r = read_roots();
    assert_string_equal(r.dir, "");
    if (*expect)
        assert_string_equal(r.file, expect);
}

/* ---- aws_wire_prepare ---- */

static struct aws_config config(void)
{
    static char akid[] = "AKIDEXAMPLE", secret[] = SECRET, token[] = TOKEN;
    static char region[16];
    snprintf(region, sizeof region, "%s", "eu-west-1");
    return (struct aws_config){.access_key_id = akid,
                               .secret_access_key = secret,
                               .session_token = token,
                               .region = region,
                               .max_attempts = 3};
}

static char *prepare_url(struct aws_config *cfg, enum aws_service svc,
                         const struct aws_request *req)
{
    struct aws_wire_request w;
    struct lk_error err;
    assert_int_equal(aws_wire_prepare(cfg, svc, req, 1700000000, NULL, &w, &err), LK_OK);
    char *url = w.url;
    w.url = NULL;
    aws_wire_cleanup(&w);
    return url;
}

static void expect_url(struct aws_config *cfg, enum aws_service svc, const struct aws_request *req,
                       const char *want)
{
    char *url = prepare_url(cfg, svc, req);
    assert_string_equal(url, want);
    free(url);
}

static void public_endpoints(void **state)
{
    (void)state;
    struct aws_config cfg = config();
    struct aws_request req = {.method = "POST", .path = "/"};
    expect_url(&cfg, AWS_SVC_REKOGNITION, &req, "https://rekognition.eu-west-1.amazonaws.com/");
    expect_url(&cfg, AWS_SVC_SNS, &req, "https://sns.eu-west-1.amazonaws.com/");
    expect_url(&cfg, AWS_SVC_DYNAMODB, &req, "https://dynamodb.eu-west-1.amazonaws.com/");
    req.path = "/getDataEndpoint";
    expect_url(&cfg, AWS_SVC_KINESIS_VIDEO, &req,
               "https://kinesisvideo.eu-west-1.amazonaws.com/getDataEndpoint");
    snprintf(cfg.region, 16, "%s", "cn-north-1");
    expect_url(&cfg, AWS_SVC_KINESIS_VIDEO, &req,
               "https://kinesisvideo.cn-north-1.amazonaws.com.cn/getDataEndpoint");
    req = (struct aws_request){.method = "GET", .bucket = "my-bucket", .path = "/k.jpg"};
    expect_url(&cfg, AWS_SVC_S3, &req, "https://my-bucket.s3.cn-north-1.amazonaws.com.cn/k.jpg");
}

static void s3_addressing_style(void **state)
{
    (void)state;
    struct aws_config cfg = config();
    struct aws_request req = {.method = "GET", .bucket = "cams", .path = "/a/b.jpg"};
    expect_url(&cfg, AWS_SVC_S3, &req, "https://cams.s3.eu-west-1.amazonaws.com/a/b.jpg");
    req.bucket = "my.dotted.bucket";
    expect_url(&cfg, AWS_SVC_S3, &req,
               "https://s3.eu-west-1.amazonaws.com/my.dotted.bucket/a/b.jpg");
    req.bucket = "cams";
    char custom[] = "http://127.0.0.1:9000/";
    cfg.endpoint_url[AWS_SVC_S3] = custom;
    expect_url(&cfg, AWS_SVC_S3, &req, "http://127.0.0.1:9000/cams/a/b.jpg");
}

static void hostile_bucket_and_key_are_encoded(void **state)
{
    (void)state;
    struct aws_config cfg = config();
    /* Not DNS-compatible: path style, the bucket encoded as one segment. */
    struct aws_request req = {
        .method = "GET", .bucket = "Evil/../x?y#z@h", .path = "/a b/../c?d=e#f+g%h\xe1\x88\xb4"};
    expect_url(&cfg, AWS_SVC_S3, &req,
               "https://s3.eu-west-1.amazonaws.com/Evil%2F..%2Fx%3Fy%23z%40h"
               "/a%20b/../c%3Fd%3De%23f%2Bg%25h%E1%88%B4");
    /* A key is never normalised: "a//b" stays. */
    req = (struct aws_request){.method = "GET", .bucket = "cams", .path = "/a//b/./c"};
    expect_url(&cfg, AWS_SVC_S3, &req, "https://cams.s3.eu-west-1.amazonaws.com/a//b/./c");
}

static void query_is_encoded_in_order(void **state)
{
    (void)state;
    struct aws_config cfg = config();
    const struct aws_query_param q[] = {{"b", "x y"}, {"a/b", "1+1=2&"}, {"e", ""}};
    struct aws_request req = {.method = "GET", .path = "/", .query = q, .query_count = 3};
    expect_url(&cfg, AWS_SVC_SNS, &req,
               "https://sns.eu-west-1.amazonaws.com/?b=x%20y&a%2Fb=1%2B1%3D2%26&e=");
}

static const char *header(const struct aws_wire_request *w, const char *name)
{
    size_t n = strlen(name);
    for (size_t i = 0; i < w->header_count; i++)
        if (strncmp(w->headers[i], name, n) == 0 && w->headers[i][n] == ':')
            return w->headers[i] + n + 2;
    return NULL;
}

static void headers_sent_and_signed(void **state)
{
    (void)state;
    struct aws_config cfg = config();
    const struct aws_header h[] = {{"Content-Type", "application/x-amz-json-1.1"},
                                   {"X-Amz-Target", "RekognitionService.DetectLabels"}};
    struct aws_request req = {.method = "POST",
                              .path = "/",
                              .headers = h,
                              .header_count = 2,
                              .body = "{}",
                              .body_len = 2};
    struct aws_wire_request w;
    assert_int_equal(aws_wire_prepare(&cfg, AWS_SVC_REKOGNITION, &req, 1700000000, NULL, &w, NULL),
                     LK_OK);
    assert_string_equal(header(&w, "Host"), "rekognition.eu-west-1.amazonaws.com");
    assert_string_equal(header(&w, "Content-Type"), "application/x-amz-json-1.1");
    assert_string_equal(header(&w, "X-Amz-Date"), "20231114T221320Z");
    assert_string_equal(header(&w, "X-Amz-Security-Token"), TOKEN);
    assert_null(header(&w, "x-amz-content-sha256")); /* S3 only */
    const char *auth = header(&w, "Authorization");
    assert_non_null(strstr(auth, "Credential=AKIDEXAMPLE/20231114/eu-west-1/rekognition/"
                                 "aws4_request, SignedHeaders=content-type;host;x-amz-date;"
                                 "x-amz-security-token;x-amz-target, Signature="));
    aws_wire_cleanup(&w);

    /* S3 signs the body hash; a custom port stays in Host, a default one does not. */
    char ep[] = "http://localhost:4566";
    cfg.endpoint_url[AWS_SVC_S3] = ep;
    req = (struct aws_request){
        .method = "PUT", .bucket = "b", .path = "/k", .body = "abc", .body_len = 3};
    assert_int_equal(aws_wire_prepare(&cfg, AWS_SVC_S3, &req, 1700000000, NULL, &w, NULL), LK_OK);
    assert_string_equal(header(&w, "Host"), "localhost:4566");
    assert_string_equal(header(&w, "x-amz-content-sha256"),
                        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    aws_wire_cleanup(&w);
    req.base_url = "https://Example.COM:443";
    assert_int_equal(aws_wire_prepare(&cfg, AWS_SVC_S3, &req, 1700000000, NULL, &w, NULL), LK_OK);
    assert_string_equal(header(&w, "Host"), "example.com");
    assert_string_equal(w.url, "https://Example.COM:443/b/k");
    aws_wire_cleanup(&w);
}

static void rejects_header_injection(void **state)
{
    (void)state;
    struct aws_config cfg = config();
    const struct aws_header crlf[] = {{"X-A", "v\r\nAuthorization: x"}};
    const struct aws_header reserved[] = {{"authorization", "x"}};
    const struct aws_header bad_name[] = {{"X A", "v"}};
    const struct aws_header *cases[] = {crlf, reserved, bad_name};
    struct aws_wire_request w;
    struct lk_error err;
    for (size_t i = 0; i < 3; i++) {
        struct aws_request req = {
            .method = "GET", .path = "/", .headers = cases[i], .header_count = 1};
        assert_int_equal(aws_wire_prepare(&cfg, AWS_SVC_SNS, &req, 1700000000, NULL, &w, &err),
                         LK_INVALID_ARG);
        assert_null(w.url);
    }
}

static void presign_s3_with_token(void **state)
{
    (void)state;
    struct aws_config cfg = config();
    struct aws_request req = {.method = "GET", .bucket = "cams", .path = "/a b.jpg"};
    char *url = NULL;
    assert_int_equal(aws_wire_presign(&cfg, AWS_SVC_S3, &req, 999999, 1700000000, NULL, &url, NULL),
                     LK_OK);
    assert_non_null(strstr(url, "https://cams.s3.eu-west-1.amazonaws.com/a%20b.jpg?"
                                "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE"
                                "%2F20231114%2Feu-west-1%2Fs3%2Faws4_request&X-Amz-Date="
                                "20231114T221320Z&X-Amz-SignedHeaders=host&X-Amz-Expires=604800"
                                "&X-Amz-Security-Token=FQoGZXIvYXdzEXAMPLETOKEN%2B%2F%3D"
                                "&X-Amz-Signature="));
    free(url);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(reads_the_lambda_environment, clean_env),
        cmocka_unit_test_setup(missing_values_name_the_variable, clean_env),
        cmocka_unit_test_setup(session_token_is_optional, clean_env),
        cmocka_unit_test_setup(region_falls_back_to_default_region, clean_env),
        cmocka_unit_test_setup(endpoint_overrides_take_precedence, clean_env),
        cmocka_unit_test_setup(max_attempts_is_checked, clean_env),
        cmocka_unit_test_setup(ca_bundle_prefers_ssl_cert_file, clean_env),
        cmocka_unit_test_setup(ca_file_beats_every_directory, clean_env),
        cmocka_unit_test_setup(ssl_cert_dir_must_be_a_directory, clean_env),
        cmocka_unit_test_setup(shipped_directory_beats_system_bundles, clean_env),
        cmocka_unit_test_setup(system_bundles_come_last, clean_env),
        cmocka_unit_test(public_endpoints),
        cmocka_unit_test(s3_addressing_style),
        cmocka_unit_test(hostile_bucket_and_key_are_encoded),
        cmocka_unit_test(query_is_encoded_in_order),
        cmocka_unit_test(headers_sent_and_signed),
        cmocka_unit_test(rejects_header_injection),
        cmocka_unit_test(presign_s3_with_token),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
