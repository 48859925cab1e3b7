/* libcurl_floor: the floor for bench/pipeline. The HTTP exchanges of one S3 image invocation
 * and nothing else: Runtime API GET /next, S3 HEAD, Rekognition DetectLabels POST, SNS
 * Publish POST, Runtime API POST .../response, each on a keep-alive libcurl easy handle (one
 * per host, as the function holds them), against the same emulators. No signing, no JSON,
 * no decisions: it replays request bytes the function sent (bench/pipeline captures them at
 * the emulators and writes them to a folder), so what it costs is libcurl and the kernel.
 * The emulators accept a replayed signature for the 15 minutes SigV4 allows, and do not
 * look for replays; bench/pipeline captures afresh before each run.
 *
 * Usage: bench_libcurl_floor DIR   (AWS_LAMBDA_RUNTIME_API names the Runtime API)
 * DIR holds s3.http, rekognition.http, sns.http ("METHOD URL" line, header lines, an empty
 * line, the body) and response.json (the function's answer, posted back for every invoke).
 * AWS_CA_BUNDLE, when set, is the CA file for HTTPS emulators.
 * Exits when /next answers anything but 200; 1 when an AWS exchange did not answer 2xx. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

#define FILE_MAX (1024 * 1024)
#define ANSWER_MAX (8 * 1024 * 1024)
#define ID_MAX 128

/* One captured request, ready to perform again as it is. */
struct replay {
    CURL *curl;
    struct curl_slist *headers;
    char *text; /* the file; url, header lines and body point into it */
    const char *body;
    size_t body_len;
};

/* Where answers go: kept, so that the transfer is whole, then dropped. */
struct sink {
    char *data;
    size_t len;
};

struct runtime {
    CURL *curl;
    struct curl_slist *post_headers;
    char next_url[512];
    char post_url[512 + ID_MAX + 16]; /* + "/response" */
    size_t post_prefix;               /* bytes of post_url before the request id */
    char request_id[ID_MAX];
    const char *answer;
    size_t answer_len;
};

static size_t on_body(char *data, size_t size, size_t n, void *userp)
{
    struct sink *s = userp;
    size_t len = size * n;
    if (len > ANSWER_MAX - s->len)
        return 0;
    memcpy(s->data + s->len, data, len);
    s->len += len;
    return len;
}

static size_t on_next_header(char *data, size_t size, size_t n, void *userp)
{
    static const char name[] = "Lambda-Runtime-Aws-Request-Id:";
    struct runtime *rt = userp;
    size_t len = size * n, nlen = sizeof(name) - 1;
    if (len > nlen && strncasecmp(data, name, nlen) == 0) {
        const char *v = data + nlen, *end = data + len;
        while (v < end && *v == ' ')
            v++;
        while (end > v && (end[-1] == '\r' || end[-1] == '\n'))
            end--;
        size_t vlen = (size_t)(end - v);
        if (vlen < ID_MAX) {
            memcpy(rt->request_id, v, vlen);
            rt->request_id[vlen] = '\0';
        }
    }
    return len;
}

static char *read_file(const char *dir, const char *name, size_t *len)
{
    char path[4096];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    FILE *f = fopen(path, "rb");
    char *text = f ? malloc(FILE_MAX + 1) : NULL;
    *len = text ? fread(text, 1, FILE_MAX, f) : 0;
    if (f)
        fclose(f);
    if (text)
        text[*len] = '\0';
    else
        fprintf(stderr, "libcurl_floor: cannot read %s\n", path);
    return text;
}

static void common_options(CURL *k, struct sink *sink)
{
    const char *ca = getenv("AWS_CA_BUNDLE");
    curl_easy_setopt(k, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_1_1);
    curl_easy_setopt(k, CURLOPT_TCP_NODELAY, 1L);
    curl_easy_setopt(k, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(k, CURLOPT_NOPROXY, "*");
    curl_easy_setopt(k, CURLOPT_PATH_AS_IS, 1L);
    curl_easy_setopt(k, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(k, CURLOPT_WRITEDATA, sink);
    if (ca && *ca)
        curl_easy_setopt(k, CURLOPT_CAINFO, ca);
}

/* Parses a captured request and sets every option once; Host and Content-Length are
 * curl's to write, and it must add no header of its own (Expect, Accept, Content-Type). */
static int replay_load(struct replay *r, const char *dir, const char *name, struct sink *sink)
{
    size_t len;
    memset(r, 0, sizeof(*r));
    if (!(r->text = read_file(dir, name, &len)))
        return -1;
    char *line = r->text, *blank = strstr(r->text, "\n\n");
    if (!blank)
        return -1;
    *blank = '\0';
    r->body = blank + 2;
    r->body_len = len - (size_t)(r->body - r->text);
    char *eol = strchr(line, '\n'), *sp = strchr(line, ' ');
    if (!eol || !sp || sp > eol)
        return -1;
    *eol = *sp = '\0';
    const char *method = line, *url = sp + 1;
    static const char *const curl_own[] = {"Expect:", "Accept:", "Content-Type:"};
    for (size_t i = 0; i < 3; i++)
        r->headers = curl_slist_append(r->headers, curl_own[i]);
    for (line = eol + 1; line && *line; line = eol ? eol + 1 : NULL) {
        if ((eol = strchr(line, '\n')))
            *eol = '\0';
        if (strncasecmp(line, "Host:", 5) != 0 && strncasecmp(line, "Content-Length:", 15) != 0)
            r->headers = curl_slist_append(r->headers, line);
    }
    if (!(r->curl = curl_easy_init()))
        return -1;
    common_options(r->curl, sink);
    curl_easy_setopt(r->curl, CURLOPT_URL, url);
    curl_easy_setopt(r->curl, CURLOPT_HTTPHEADER, r->headers);
    if (strcmp(method, "HEAD") == 0) {
        curl_easy_setopt(r->curl, CURLOPT_NOBODY, 1L);
    } else if (strcmp(method, "POST") == 0) {
        curl_easy_setopt(r->curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)r->body_len);
        curl_easy_setopt(r->curl, CURLOPT_POSTFIELDS, r->body);
    } else if (strcmp(method, "GET") != 0) {
        curl_easy_setopt(r->curl, CURLOPT_CUSTOMREQUEST, method);
    }
    return 0;
}

static int replay_perform(struct replay *r, struct sink *sink)
{
    long status = 0;
    sink->len = 0;
    if (curl_easy_perform(r->curl) != CURLE_OK)
        return -1;
    curl_easy_getinfo(r->curl, CURLINFO_RESPONSE_CODE, &status);
    return status >= 200 && status <= 299 ? 0 : -1;
}

static void replay_cleanup(struct replay *r)
{
    if (r->curl)
        curl_easy_cleanup(r->curl);
    curl_slist_free_all(r->headers);
    free(r->text);
}

static int runtime_init(struct runtime *rt, const char *api, struct sink *sink)
{
    if (!api || !(rt->curl = curl_easy_init()))
        return -1;
    snprintf(rt->next_url, sizeof(rt->next_url), "http://%s/2018-06-01/runtime/invocation/next",
             api);
    int n = snprintf(rt->post_url, sizeof(rt->post_url), "http://%s/2018-06-01/runtime/invocation/",
                     api);
    if (n < 0 || (size_t)n >= sizeof(rt->next_url))
        return -1;
    rt->post_prefix = (size_t)n;
    rt->post_headers = curl_slist_append(NULL, "Expect:");
    rt->post_headers = curl_slist_append(rt->post_headers, "Content-Type: application/json");
    common_options(rt->curl, sink);
    curl_easy_setopt(rt->curl, CURLOPT_HEADERFUNCTION, on_next_header);
    curl_easy_setopt(rt->curl, CURLOPT_HEADERDATA, rt);
    return 0;
}

static long runtime_next(struct runtime *rt, struct sink *sink)
{
    long status = 0;
    sink->len = 0;
    rt->request_id[0] = '\0';
    curl_easy_setopt(rt->curl, CURLOPT_URL, rt->next_url);
    curl_easy_setopt(rt->curl, CURLOPT_HTTPGET, 1L);
    curl_easy_setopt(rt->curl, CURLOPT_HTTPHEADER, NULL);
    if (curl_easy_perform(rt->curl) != CURLE_OK)
        return -1;
    curl_easy_getinfo(rt->curl, CURLINFO_RESPONSE_CODE, &status);
    return rt->request_id[0] ? status : -1;
}

static long runtime_respond(struct runtime *rt, struct sink *sink)
{
    static const char tail[] = "/response";
    size_t id_len = strlen(rt->request_id);
    char *p = rt->post_url + rt->post_prefix;
    memcpy(p, rt->request_id, id_len);
    memcpy(p + id_len, tail, sizeof(tail));
    long status = 0;
    sink->len = 0;
    curl_easy_setopt(rt->curl, CURLOPT_URL, rt->post_url);
    curl_easy_setopt(rt->curl, CURLOPT_POST, 1L);
    curl_easy_setopt(rt->curl, CURLOPT_POSTFIELDS, rt->answer);
    curl_easy_setopt(rt->curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)rt->answer_len);
    curl_easy_setopt(rt->curl, CURLOPT_HTTPHEADER, rt->post_headers);
    if (curl_easy_perform(rt->curl) != CURLE_OK)
        return -1;
    curl_easy_getinfo(rt->curl, CURLINFO_RESPONSE_CODE, &status);
    return status;
}

int main(int argc, char **argv)
{
    static const char *const files[] = {"s3.http", "rekognition.http", "sns.http"};
    struct replay calls[3];
    struct runtime rt = {0};
    struct sink sink = {malloc(ANSWER_MAX), 0};
    int rc = 1;
    char *answer = NULL;
    if (argc != 2 || !sink.data) {
        fputs("usage: bench_libcurl_floor DIR\n", stderr);
        return 2;
    }
    curl_global_init(CURL_GLOBAL_DEFAULT);
    memset(calls, 0, sizeof(calls));
    for (size_t i = 0; i < 3; i++)
        if (replay_load(&calls[i], argv[1], files[i], &sink) != 0)
            goto cleanup;
    if (!(answer = read_file(argv[1], "response.json", &rt.answer_len)) ||
        runtime_init(&rt, getenv("AWS_LAMBDA_RUNTIME_API"), &sink) != 0)
        goto cleanup;
    rt.answer = answer;
    while (runtime_next(&rt, &sink) == 200) {
        for (size_t i = 0; i < 3; i++) {
            if (replay_perform(&calls[i], &sink) != 0) {
                fprintf(stderr, "libcurl_floor: %s was not answered 2xx\n", files[i]);
                goto cleanup;
            }
        }
        if (runtime_respond(&rt, &sink) != 202)
            goto cleanup;
    }
    rc = 0;
cleanup:
    for (size_t i = 0; i < 3; i++)
        replay_cleanup(&calls[i]);
    if (rt.curl)
        curl_easy_cleanup(rt.curl);
    curl_slist_free_all(rt.post_headers);
    free(answer);
    free(sink.data);
    curl_global_cleanup();
    return rc;
}
