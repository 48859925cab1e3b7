/* raw_loop: the floor for bench/runtime. The least a Runtime API loop can do: one
 * keep-alive TCP connection, hand-written HTTP/1.1, GET /next, POST a fixed small JSON
 * response, repeat; exit when the API answers anything but 200/202 or goes away. No libcurl,
 * no JSON parsing, no logging. Not for production: it trusts the API's framing. */
#define _GNU_SOURCE /* memmem */
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#define IO_MAX (8 * 1024 * 1024)
#define ANSWER "{\"route\":\"s3-test\",\"action\":\"none\"}"

struct conn {
    int fd;
    char *buf;
    size_t len; /* bytes buffered */
};

static int dial(const char *api)
{
    char host[256];
    const char *colon = strrchr(api, ':');
    if (!colon || (size_t)(colon - api) >= sizeof(host))
        return -1;
    memcpy(host, api, (size_t)(colon - api));
    host[colon - api] = '\0';
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM}, *res;
    if (getaddrinfo(host, colon + 1, &hints, &res) != 0)
        return -1;
    int fd = socket(res->ai_family, res->ai_socktype, 0);
    if (fd >= 0 && connect(fd, res->ai_addr, res->ai_addrlen) != 0) {
        close(fd);
        fd = -1;
    }
    freeaddrinfo(res);
    int one = 1;
    if (fd >= 0)
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    return fd;
}

static int send_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
        if (w <= 0)
            return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

static int fill(struct conn *c)
{
    if (c->len >= IO_MAX)
        return -1;
    ssize_t r = recv(c->fd, c->buf + c->len, IO_MAX - c->len, 0);
    if (r <= 0)
        return -1;
    c->len += (size_t)r;
    return 0;
}

/* Reads one response; copies the request id header (when asked) and returns the status,
 * or -1. The body is consumed and dropped. */
static int read_response(struct conn *c, char *request_id, size_t id_cap)
{
    char *end;
    while (!(end = memmem(c->buf, c->len, "\r\n\r\n", 4))) {
        if (fill(c) != 0)
            return -1;
    }
    size_t head_len = (size_t)(end - c->buf) + 4;
    *end = '\0';
    int status = (int)strtol(c->buf + 9, NULL, 10); /* "HTTP/1.1 200" */
    size_t body_len = 0;
    for (char *line = strstr(c->buf, "\r\n"); line; line = strstr(line + 2, "\r\n")) {
        if (strncasecmp(line + 2, "Content-Length:", 15) == 0)
            body_len = strtoul(line + 17, NULL, 10);
        if (request_id && strncasecmp(line + 2, "Lambda-Runtime-Aws-Request-Id: ", 31) == 0) {
            char *v = line + 33;
            size_t n = strcspn(v, "\r");
            if (n >= id_cap)
                return -1;
            memcpy(request_id, v, n);
            request_id[n] = '\0';
        }
    }
    while (c->len < head_len + body_len) {
        if (fill(c) != 0)
            return -1;
    }
    memmove(c->buf, c->buf + head_len + body_len, c->len - head_len - body_len);
    c->len -= head_len + body_len;
    return status;
}

int main(void)
{
    const char *api = getenv("AWS_LAMBDA_RUNTIME_API");
    struct conn c = {.fd = api ? dial(api) : -1, .buf = malloc(IO_MAX), .len = 0};
    if (c.fd < 0 || !c.buf) {
        fputs("raw_loop: cannot reach AWS_LAMBDA_RUNTIME_API\n", stderr);
        return 1;
    }
    char request_id[128], req[512];
    for (;;) {
        const char get[] = "GET /2018-06-01/runtime/invocation/next HTTP/1.1\r\nHost: api\r\n\r\n";
        if (send_all(c.fd, get, sizeof(get) - 1) != 0)
            break;
        request_id[0] = '\0';
        if (read_response(&c, request_id, sizeof(request_id)) != 200 || !request_id[0])
            break;
        int n = snprintf(req, sizeof(req),
                         "POST /2018-06-01/runtime/invocation/%s/response HTTP/1.1\r\nHost: api\r\n"
                         "Content-Type: application/json\r\nContent-Length: %zu\r\n\r\n%s",
                         request_id, sizeof(ANSWER) - 1, ANSWER);
        if (send_all(c.fd, req, (size_t)n) != 0 || read_response(&c, NULL, 0) != 202)
            break;
    }
    close(c.fd);
    free(c.buf);
    return 1;
}
