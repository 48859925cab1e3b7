/* Configuration from the environment: credentials, region, endpoint overrides, retry
 * attempts and the TLS trust roots (aws.h). Messages name variables, never their values. */
#include "lookout/aws.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lookout/buf.h"

#define MAX_ATTEMPTS_DEFAULT 3
#define MAX_ATTEMPTS_LIMIT 20

struct svc_names {
    const char *signing;
    const char *env_id;
    const char *display;
};

static const struct svc_names SERVICES[AWS_SVC_COUNT] = {
#define AWS_SERVICE_ROW(id, signing, env, display) [AWS_SVC_##id] = {signing, env, display},
    AWS_SERVICE_MAP(AWS_SERVICE_ROW)
#undef AWS_SERVICE_ROW
};

const char *aws_service_signing_name(enum aws_service svc)
{
    return (unsigned)svc < AWS_SVC_COUNT ? SERVICES[svc].signing : "";
}

const char *aws_service_env_id(enum aws_service svc)
{
    return (unsigned)svc < AWS_SVC_COUNT ? SERVICES[svc].env_id : "";
}

const char *aws_service_display_name(enum aws_service svc)
{
    return (unsigned)svc < AWS_SVC_COUNT ? SERVICES[svc].display : "";
}

/* A set, non-empty variable, or NULL. */
static const char *env(const char *name)
{
    const char *v = getenv(name);
    return (v && *v) ? v : NULL;
}

static int dup_into(char **dst, const char *src)
{
    *dst = strdup(src);
    return *dst ? LK_OK : LK_NOMEM;
}

static int required(char **dst, const char *name, struct lk_error *err)
{
    const char *v = env(name);
    if (!v)
        return err_set(err, LK_CONFIG, "%s is not set", name);
    if (dup_into(dst, v) != LK_OK)
        return err_set(err, LK_NOMEM, "out of memory reading %s", name);
    return LK_OK;
}

/* Region names go into host names: letters, digits and '-' only. */
static int region_valid(const char *r)
{
    size_t n = strlen(r);
    if (n == 0 || n > 64)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = r[i];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'))
            return 0;
    }
    return 1;
}

static int read_region(struct aws_config *cfg, struct lk_error *err)
{
    const char *name = "AWS_REGION";
    const char *v = env(name);
    if (!v) {
        name = "AWS_DEFAULT_REGION";
        v = env(name);
    }
    if (!v)
        return err_set(err, LK_CONFIG, "neither AWS_REGION nor AWS_DEFAULT_REGION is set");
    if (!region_valid(v))
        return err_set(err, LK_CONFIG, "%s is not a valid region name", name);
    if (dup_into(&cfg->region, v) != LK_OK)
        return err_set(err, LK_NOMEM, "out of memory reading %s", name);
    return LK_OK;
}

/* An endpoint must be an absolute http(s) URL without query, fragment, user info or
 * control characters; the trailing '/' is dropped so paths can be appended. */
static int endpoint_valid(const char *u)
{
    size_t skip;
    if (strncmp(u, "https://", 8) == 0)
        skip = 8;
    else if (strncmp(u, "http://", 7) == 0)
        skip = 7;
    else
        return 0;
    if (u[skip] == '\0' || u[skip] == '/')
        return 0;
    for (const char *p = u; *p; p++) {
        unsigned char c = (unsigned char)*p;
        if (c <= 0x20 || c >= 0x7f || c == '?' || c == '#' || c == '@' || c == '\\')
            return 0;
    }
    return 1;
}

static int read_endpoints(struct aws_config *cfg, struct lk_error *err)
{
    const char *ignore = env("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS");
    if (ignore && strcmp(ignore, "true") == 0)
        return LK_OK;
    for (int svc = 0; svc < AWS_SVC_COUNT; svc++) {
        if (!*SERVICES[svc].env_id)
            continue;
        char name[96];
        snprintf(name, sizeof name, "AWS_ENDPOINT_URL_%s", SERVICES[svc].env_id);
        const char *v = env(name);
        cfg->endpoint_own[svc] = v != NULL;
        if (!v) {
            v = env("AWS_ENDPOINT_URL");
            snprintf(name, sizeof name, "AWS_ENDPOINT_URL");
        }
        if (!v)
            continue;
        if (!endpoint_valid(v))
            return err_set(err, LK_CONFIG, "%s is not an http(s) URL", name);
        if (dup_into(&cfg->endpoint_url[svc], v) != LK_OK)
            return err_set(err, LK_NOMEM, "out of memory reading %s", name);
        size_t n = strlen(cfg->endpoint_url[svc]);
        while (n > 0 && cfg->endpoint_url[svc][n - 1] == '/')
            cfg->endpoint_url[svc][--n] = '\0';
    }
    return LK_OK;
}

static int read_max_attempts(struct aws_config *cfg, struct lk_error *err)
{
    const char *v = env("AWS_MAX_ATTEMPTS");
    cfg->max_attempts = MAX_ATTEMPTS_DEFAULT;
    if (!v)
        return LK_OK;
    char *end = NULL;
    errno = 0;
    long n = strtol(v, &end, 10);
    if (errno || end == v || *end != '\0' || n < 1 || n > MAX_ATTEMPTS_LIMIT)
        return err_set(err, LK_CONFIG, "AWS_MAX_ATTEMPTS must be an integer from 1 to %d",
                       MAX_ATTEMPTS_LIMIT);
    cfg->max_attempts = (int)n;
    return LK_OK;
}

/* path + "/" + name into out, or "" when path is empty or the result does not fit. */
static void join(char *out, size_t out_size, const char *path, const char *name)
{
    out[0] = '\0';
    if (!*path)
        return;
    int w = snprintf(out, out_size, "%s/%s", path, name);
    if (w < 0 || (size_t)w >= out_size)
        out[0] = '\0';
}

/* Directory of the running executable, or "" when unknown (no /proc in the root). */
static void exe_dir(char *out, size_t out_size)
{
    out[0] = '\0';
    ssize_t n = readlink("/proc/self/exe", out, out_size - 1);
    if (n <= 0)
        return;
    out[n] = '\0';
    char *slash = strrchr(out, '/');
    if (!slash)
        out[0] = '\0';
    else
        *slash = '\0';
}

static int readable_file(const char *p)
{
    struct stat st;
    return p && *p && stat(p, &st) == 0 && S_ISREG(st.st_mode) && access(p, R_OK) == 0;
}

static int searchable_dir(const char *p)
{
    struct stat st;
    return p && *p && stat(p, &st) == 0 && S_ISDIR(st.st_mode) && access(p, R_OK | X_OK) == 0;
}

/* The first of: SSL_CERT_FILE, SSL_CERT_DIR, ca-certs/ beside the executable, the system
 * bundles, ca-bundle.crt beside the executable. A hashed directory comes before the bundles
 * because OpenSSL reads from it only the roots a handshake asks for, where a bundle is
 * parsed whole before the first handshake (docs/packaging.md). */
static int read_trust_roots(struct aws_config *cfg)
{
    char dir[PATH_MAX];
    char certs[PATH_MAX + 16];
    char bundle[PATH_MAX + 16];
    exe_dir(dir, sizeof dir);
    join(certs, sizeof certs, dir, "ca-certs");
    join(bundle, sizeof bundle, dir, "ca-bundle.crt");
    if (readable_file(env("SSL_CERT_FILE")))
        return dup_into(&cfg->ca_file, env("SSL_CERT_FILE"));
    if (searchable_dir(env("SSL_CERT_DIR")))
        return dup_into(&cfg->ca_path, env("SSL_CERT_DIR"));
    if (searchable_dir(certs))
        return dup_into(&cfg->ca_path, certs);
    const char *bundles[] = {
        "/etc/pki/tls/certs/ca-bundle.crt",   /* Amazon Linux, the Lambda images */
        "/etc/ssl/certs/ca-certificates.crt", /* Debian */
        bundle,
    };
    for (size_t i = 0; i < sizeof bundles / sizeof bundles[0]; i++) {
        if (readable_file(bundles[i]))
            return dup_into(&cfg->ca_file, bundles[i]);
    }
    return LK_OK; /* both NULL: curl's built-in default */
}

int aws_config_from_env(struct aws_config *cfg, struct lk_error *err)
{
    memset(cfg, 0, sizeof *cfg);
    int rc;
    if ((rc = required(&cfg->access_key_id, "AWS_ACCESS_KEY_ID", err)) != LK_OK)
        goto cleanup;
    if ((rc = required(&cfg->secret_access_key, "AWS_SECRET_ACCESS_KEY", err)) != LK_OK)
        goto cleanup;
    if (env("AWS_SESSION_TOKEN") &&
        (rc = required(&cfg->session_token, "AWS_SESSION_TOKEN", err)) != LK_OK)
        goto cleanup;
    if ((rc = read_region(cfg, err)) != LK_OK)
        goto cleanup;
    if ((rc = read_endpoints(cfg, err)) != LK_OK)
        goto cleanup;
    if ((rc = read_max_attempts(cfg, err)) != LK_OK)
        goto cleanup;
    if ((rc = read_trust_roots(cfg)) != LK_OK) {
        err_set(err, rc, "out of memory reading the CA roots path");
        goto cleanup;
    }
cleanup:
    if (rc != LK_OK)
        aws_config_cleanup(cfg);
    return rc;
}

static void free_secret(char *s)
{
    if (s) {
        /* Not OPENSSL_cleanse: keep this file free of OpenSSL; a volatile loop suffices. */
        for (volatile char *p = s; *p; p++)
            *p = '\0';
        free(s);
    }
}

void aws_config_cleanup(struct aws_config *cfg)
{
    free(cfg->access_key_id);
    free_secret(cfg->secret_access_key);
    free_secret(cfg->session_token);
    free(cfg->region);
    for (int i = 0; i < AWS_SVC_COUNT; i++)
        free(cfg->endpoint_url[i]);
    free(cfg->ca_file);
    free(cfg->ca_path);
    memset(cfg, 0, sizeof *cfg);
}
