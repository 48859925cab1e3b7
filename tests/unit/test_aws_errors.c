/* Unit tests for src/aws/errors.c: the three error wire forms, classification, redaction. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "lookout/aws_errors.h"
#include "lookout/aws_redact.h"
#include "lookout/error.h"

static void parse(long status, const char *type, const char *body, struct aws_error_info *out)
{
    aws_error_parse(status, type, body, body ? strlen(body) : 0, out);
}

static void json_type_with_namespace(void **state)
{
    (void)state;
    struct aws_error_info e;
    parse(400, NULL,
          "{\"__type\":\"com.amazonaws.rekognition#InvalidImageFormatException\","
          "\"Message\":\"Request has invalid image format\"}",
          &e);
    assert_string_equal(e.code, "InvalidImageFormatException");
    assert_string_equal(e.message, "Request has invalid image format");
    parse(400, NULL, "  {\"code\":\"InvalidArgumentException\",\"message\":\"m\"}", &e);
    assert_string_equal(e.code, "InvalidArgumentException");
    assert_string_equal(e.message, "m");
}

static void header_code_wins(void **state)
{
    (void)state;
    struct aws_error_info e;
    parse(404, "ResourceNotFoundException:http://internal.amazon.com/coral/com.amazon.kinesis/",
          "{\"__type\":\"Other\",\"message\":\"stream not found\"}", &e);
    assert_string_equal(e.code, "ResourceNotFoundException");
    assert_string_equal(e.message, "stream not found");
}

static void query_xml(void **state)
{
    (void)state;
    struct aws_error_info e;
    parse(400, NULL,
          "<ErrorResponse xmlns=\"http://sns.amazonaws.com/doc/2010-03-31/\">\n"
          "  <Error><Type>Sender</Type><Code>InvalidParameter</Code>\n"
          "    <Message>Invalid parameter: &lt;Subject&gt; &amp; caf&#233; &#x41;</Message>\n"
          "  </Error>\n  <RequestId>d74b8436-ae13</RequestId>\n</ErrorResponse>",
          &e);
    assert_string_equal(e.code, "InvalidParameter");
    assert_string_equal(e.message, "Invalid parameter: <Subject> & caf\xc3\xa9 A");
    assert_string_equal(e.request_id, "d74b8436-ae13");
}

static void s3_xml(void **state)
{
    (void)state;
    struct aws_error_info e;
    parse(404, NULL,
          "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!-- note --><Error><Code>NoSuchKey</Code>"
          "<Message>The specified key does not exist.</Message><Key>a/b.jpg</Key>"
          "<RequestId>4442587FB7D0A2F9</RequestId><HostId>h</HostId></Error>",
          &e);
    assert_string_equal(e.code, "NoSuchKey");
    assert_string_equal(e.message, "The specified key does not exist.");
    assert_string_equal(e.request_id, "4442587FB7D0A2F9");
    parse(403, NULL, "<s3:Error xmlns:s3=\"x\"><s3:Code>AccessDenied</s3:Code></s3:Error>", &e);
    assert_string_equal(e.code, "AccessDenied");
    parse(500, NULL, "<Error><Code><![CDATA[InternalError]]></Code></Error>", &e);
    assert_string_equal(e.code, "InternalError");
}

static void only_the_error_fields_are_read(void **state)
{
    (void)state;
    struct aws_error_info e;
    /* A Code outside Error, and an error document under another root, are not errors. */
    parse(400, NULL, "<Error><Detail><Code>Inner</Code></Detail><Code>Outer</Code></Error>", &e);
    assert_string_equal(e.code, "Outer");
    parse(404, NULL, "<html><Error><Code>Fake</Code></Error></html>", &e);
    assert_string_equal(e.code, "NotFound");
    assert_string_equal(e.message, "");
}

static void empty_and_garbage_bodies(void **state)
{
    (void)state;
    struct aws_error_info e;
    parse(404, NULL, NULL, &e);
    assert_string_equal(e.code, "NotFound");
    assert_string_equal(e.message, "");
    parse(403, NULL, "", &e);
    assert_string_equal(e.code, "Forbidden");
    parse(418, NULL, "\x01\x02garbage", &e);
    assert_string_equal(e.code, "Http418");
    parse(503, NULL, "{not json", &e);
    assert_string_equal(e.code, "ServiceUnavailable");
    parse(500, NULL, "[1,2]", &e);
    assert_string_equal(e.code, "InternalServerError");
    parse(400, NULL, "<Error><Code>Trunc", &e);
    assert_string_equal(e.code, "Trunc");
}

static void fields_are_clean_and_bounded(void **state)
{
    (void)state;
    struct aws_error_info e;
    char body[2048];
    int n = snprintf(body, sizeof body, "{\"__type\":\"X\",\"message\":\"a\\nb\\tc");
    /* A long message of 2-byte characters: the cut must not split one. */
    for (int i = 0; i < 300; i++)
        n += snprintf(body + n, sizeof body - (size_t)n, "\xc3\xa9");
    snprintf(body + n, sizeof body - (size_t)n, "\"}");
    parse(400, NULL, body, &e);
    assert_memory_equal(e.message, "a b c", 5);
    size_t len = strlen(e.message);
    assert_true(len < sizeof e.message);
    assert_int_equal((len - 5) % 2, 0);
}

static void retry_kinds(void **state)
{
    (void)state;
    assert_int_equal(aws_error_retry_kind(400, "ThrottlingException"), AWS_RETRY_THROTTLING);
    assert_int_equal(aws_error_retry_kind(503, "SlowDown"), AWS_RETRY_THROTTLING);
    assert_int_equal(aws_error_retry_kind(400, "ClientLimitExceededException"),
                     AWS_RETRY_THROTTLING);
    assert_int_equal(aws_error_retry_kind(400, "KMSThrottling"), AWS_RETRY_THROTTLING);
    assert_int_equal(aws_error_retry_kind(429, "Throttled"), AWS_RETRY_THROTTLING);
    assert_int_equal(aws_error_retry_kind(429, "TooManyRequests"), AWS_RETRY_THROTTLING);
    assert_int_equal(aws_error_retry_kind(400, "RequestTimeout"), AWS_RETRY_TRANSIENT);
    assert_int_equal(aws_error_retry_kind(500, "InternalError"), AWS_RETRY_TRANSIENT);
    assert_int_equal(aws_error_retry_kind(502, "BadGateway"), AWS_RETRY_TRANSIENT);
    assert_int_equal(aws_error_retry_kind(504, "GatewayTimeout"), AWS_RETRY_TRANSIENT);
    assert_int_equal(aws_error_retry_kind(501, "NotImplemented"), AWS_RETRY_NONE);
    assert_int_equal(aws_error_retry_kind(400, "ValidationException"), AWS_RETRY_NONE);
    assert_int_equal(aws_error_retry_kind(403, "AccessDenied"), AWS_RETRY_NONE);
    assert_false(aws_error_is_throttling("throttling"));
    assert_false(aws_error_is_throttling(NULL));
}

static void statuses(void **state)
{
    (void)state;
    static const struct {
        long http;
        const char *code;
        int want;
    } cases[] = {
        {400, "Throttling", LK_AWS_THROTTLED},
        {503, "SlowDown", LK_AWS_THROTTLED},
        {429, "Whatever", LK_AWS_THROTTLED},
        {403, "SignatureDoesNotMatch", LK_AWS_AUTH},
        {400, "ExpiredToken", LK_AWS_AUTH},
        {400, "ExpiredTokenException", LK_AWS_AUTH},
        {400, "UnrecognizedClientException", LK_AWS_AUTH},
        {403, "RequestTimeTooSkewed", LK_AWS_AUTH},
        {403, "InvalidClientTokenId", LK_AWS_AUTH},
        {401, "Unauthorized", LK_AWS_AUTH},
        {403, "AccessDenied", LK_AWS_ACCESS_DENIED},
        {400, "AccessDeniedException", LK_AWS_ACCESS_DENIED},
        {400, "KMSAccessDenied", LK_AWS_ACCESS_DENIED},
        {403, "AuthorizationError", LK_AWS_ACCESS_DENIED},
        {401, "NotAuthorizedException", LK_AWS_ACCESS_DENIED},
        {403, "Forbidden", LK_AWS_ACCESS_DENIED},
        {404, "NoSuchKey", LK_AWS_NOT_FOUND},
        {404, "NotFound", LK_AWS_NOT_FOUND},
        {400, "ResourceNotFoundException", LK_AWS_NOT_FOUND},
        {404, "Http404", LK_AWS_NOT_FOUND},
        {500, "InternalError", LK_AWS_SERVER},
        {400, "RequestTimeout", LK_AWS_SERVER},
        {400, "InvalidParameterException", LK_AWS_INVALID_REQUEST},
        {301, "PermanentRedirect", LK_AWS_INVALID_REQUEST},
        {101, "Http101", LK_AWS_BAD_RESPONSE},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int got = aws_error_status(cases[i].http, cases[i].code);
        if (got != cases[i].want)
            fail_msg("%ld %s: got %s", cases[i].http, cases[i].code, err_name(got));
    }
}

static void check_header(const char *in, const char *want)
{
    struct lk_buf b;
    buf_init(&b, 4096);
    assert_int_equal(aws_redact_header(in, strlen(in), &b), LK_OK);
    assert_string_equal(buf_cstr(&b), want);
    buf_cleanup(&b);
}

static void redacts_headers(void **state)
{
    (void)state;
    check_header("Authorization: AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/s3/"
                 "aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73e",
                 "Authorization: AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/s3/"
                 "aws4_request, SignedHeaders=host;x-amz-date, Signature=<redacted>");
    check_header("authorization: Basic dXNlcjpwYXNz", "authorization: <redacted>");
    check_header("Authorization: AWS4", "Authorization: <redacted>");
    check_header("Authorization:", "Authorization:<redacted>");
    check_header("X-Amz-Security-Token: FQoGZXIvYXdzE+/x==", "X-Amz-Security-Token: <redacted>");
    check_header("x-amz-security-token:abc", "x-amz-security-token:<redacted>");
    check_header("Host: s3.amazonaws.com", "Host: s3.amazonaws.com");
    check_header("no colon here", "no colon here");
}

static void redacts_urls(void **state)
{
    (void)state;
    const char *in = "https://b.s3.amazonaws.com/k?versionId=1&X-Amz-Credential=AKID%2Fx"
                     "&X-Amz-Security-Token=To%2Bk&x-amz-signature=abcd";
    struct lk_buf b;
    buf_init(&b, 4096);
    assert_int_equal(aws_redact_url(in, strlen(in), &b), LK_OK);
    assert_string_equal(buf_cstr(&b),
                        "https://b.s3.amazonaws.com/k?versionId=1&X-Amz-Credential=AKID%2Fx"
                        "&X-Amz-Security-Token=<redacted>&x-amz-signature=<redacted>");
    buf_cleanup(&b);
}

static void scrubs_secrets(void **state)
{
    (void)state;
    char text[] = "a wJalr/K7+EXAMPLE b wJalr%2FK7%2BEXAMPLE c";
    aws_scrub(text, "wJalr/K7+EXAMPLE");
    assert_string_equal(text, "a **************** b ******************** c");
    char keep[] = "short abc";
    aws_scrub(keep, "abc");
    assert_string_equal(keep, "short abc");
    aws_scrub(keep, NULL);
}

/* A message cut mid-token, or quoting a piece of it, keeps no fragment of 16+ bytes. */
static void scrubs_fragments_of_a_secret(void **state)
{
    (void)state;
    const char *token = "IQoJb3JpZ2luX2VjEHoaCXVzLWVhc3QtMSJHMEUCIQDexampletoken0123456789";
    char cut[128], middle[128], short_part[64];
    snprintf(cut, sizeof cut, "token %.40s", token);
    snprintf(middle, sizeof middle, "x %.20s y", token + 10);
    snprintf(short_part, sizeof short_part, "x %.10s y", token + 10);
    aws_scrub(cut, token);
    aws_scrub(middle, token);
    aws_scrub(short_part, token);
    assert_string_equal(cut, "token ****************************************");
    assert_string_equal(middle, "x ******************** y");
    assert_string_equal(short_part, "x luX2VjEHoa y"); /* under 16 bytes: too common to hide */
    char body[] = "{\"message\":\"bad IQoJb3JpZ2luX2VjEHoaCXVzLWVh\0IQoJb3JpZ2luX2VjEHoaCXVz\"}";
    aws_scrub_bytes(body, sizeof body - 1, token);
    assert_null(strstr(body, "IQoJb3JpZ2lu"));
    assert_null(strstr(body + strlen(body) + 1, "IQoJb3JpZ2lu")); /* past the NUL too */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(json_type_with_namespace),
        cmocka_unit_test(header_code_wins),
        cmocka_unit_test(query_xml),
        cmocka_unit_test(s3_xml),
        cmocka_unit_test(only_the_error_fields_are_read),
        cmocka_unit_test(empty_and_garbage_bodies),
        cmocka_unit_test(fields_are_clean_and_bounded),
        cmocka_unit_test(retry_kinds),
        cmocka_unit_test(statuses),
        cmocka_unit_test(redacts_headers),
        cmocka_unit_test(redacts_urls),
        cmocka_unit_test(scrubs_secrets),
        cmocka_unit_test(scrubs_fragments_of_a_secret),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
