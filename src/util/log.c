#include "lookout/log.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/time.h>
#include <time.h>

#include "lookout/buf.h"
#include "lookout/json.h"
#include "lookout/text.h"

#define LOG_LINE_MAX (64 * 1024)

static const char *const LEVEL_NAMES[] = {"TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"};

/* Process-wide logger state; see log.h for why it is global. */
static struct {
    enum log_format format;
    enum log_level level;
    FILE *stream;
    char request_id[128];
    char trace_id[256];
} g_log = {LOG_FORMAT_TEXT, LOG_LEVEL_INFO, NULL, "", ""};

int log_level_parse(const char *s, enum log_level *out)
{
    for (int i = 0; s && i <= LOG_LEVEL_FATAL; i++) {
        if (strcasecmp(s, LEVEL_NAMES[i]) == 0) {
            *out = (enum log_level)i;
            return 0;
        }
    }
    return -1;
}

const char *log_level_name(enum log_level level)
{
    return level <= LOG_LEVEL_FATAL ? LEVEL_NAMES[level] : "INFO";
}

void log_configure(enum log_format format, enum log_level level)
{
    g_log.format = format;
    g_log.level = level;
}

void log_configure_from_env(void)
{
    const char *fmt = getenv("AWS_LAMBDA_LOG_FORMAT");
    const char *lvl = getenv("AWS_LAMBDA_LOG_LEVEL");
    enum log_level level = LOG_LEVEL_INFO;
    int bad_format = fmt && *fmt && strcasecmp(fmt, "JSON") != 0 && strcasecmp(fmt, "Text") != 0;
    int bad_level = lvl && *lvl && log_level_parse(lvl, &level) != 0;
    log_configure(fmt && strcasecmp(fmt, "JSON") == 0 ? LOG_FORMAT_JSON : LOG_FORMAT_TEXT,
                  bad_level ? LOG_LEVEL_INFO : level);
    if (bad_format)
        LOG_WARN("AWS_LAMBDA_LOG_FORMAT=%s is not Text or JSON; using Text", fmt);
    if (bad_level)
        LOG_WARN("AWS_LAMBDA_LOG_LEVEL=%s is not TRACE..FATAL; using INFO", lvl);
}

void log_set_context(const char *request_id, const char *trace_id)
{
    text_copy(g_log.request_id, sizeof(g_log.request_id), request_id ? request_id : "");
    text_copy(g_log.trace_id, sizeof(g_log.trace_id), trace_id ? trace_id : "");
}

void log_set_stream(FILE *stream)
{
    g_log.stream = stream;
}

int log_enabled(enum log_level level)
{
    return level >= g_log.level;
}

static void format_timestamp(char *out, size_t cap)
{
    struct timeval tv;
    struct tm tm;
    gettimeofday(&tv, NULL);
    time_t secs = tv.tv_sec;
    gmtime_r(&secs, &tm);
    snprintf(out, cap, "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ", tm.tm_year + 1900, tm.tm_mon + 1,
             tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (long)(tv.tv_usec / 1000));
}

static void append_json_field(struct lk_buf *b, const char *name, const char *value)
{
    buf_appendf(b, ",\"%s\":", name);
    json_append_string(b, value, strlen(value));
}

static void build_json_line(struct lk_buf *b, const char *ts, enum log_level level,
                            const char *msg, size_t msg_len)
{
    buf_append_str(b, "{\"timestamp\":");
    json_append_string(b, ts, strlen(ts));
    append_json_field(b, "level", LEVEL_NAMES[level]);
    buf_append_str(b, ",\"message\":");
    json_append_string(b, msg, msg_len);
    if (g_log.request_id[0])
        append_json_field(b, "requestId", g_log.request_id);
    if (g_log.trace_id[0])
        append_json_field(b, "xray_trace_id", g_log.trace_id);
    buf_append_byte(b, '}');
}

/* Text lines keep the Lambda convention "timestamp requestId LEVEL message" on one line:
 * embedded newlines would split a record in CloudWatch, so they are shown as \n. */
static void build_text_line(struct lk_buf *b, const char *ts, enum log_level level,
                            const char *msg, size_t msg_len)
{
    buf_appendf(b, "%s %s %s ", ts, g_log.request_id[0] ? g_log.request_id : "-",
                LEVEL_NAMES[level]);
    for (size_t i = 0; i < msg_len; i++) {
        char c = msg[i];
        if (c == '\n')
            buf_append_str(b, "\\n");
        else if (c == '\r')
            buf_append_str(b, "\\r");
        else
            buf_append_byte(b, c);
    }
}

void log_write(enum log_level level, const char *fmt, ...)
{
    if (!log_enabled(level))
        return;
    struct lk_buf msg, line;
    buf_init(&msg, LOG_LINE_MAX);
    buf_init(&line, LOG_LINE_MAX * 6 + 1024);
    va_list ap;
    va_start(ap, fmt);
    if (buf_vappendf(&msg, fmt, ap) != 0)
        buf_append_str(&msg, "(log message too long)");
    va_end(ap);
    char ts[96];
    format_timestamp(ts, sizeof(ts));
    if (g_log.format == LOG_FORMAT_JSON)
        build_json_line(&line, ts, level, buf_cstr(&msg), msg.len);
    else
        build_text_line(&line, ts, level, buf_cstr(&msg), msg.len);
    buf_append_byte(&line, '\n');
    FILE *out = g_log.stream ? g_log.stream : stderr;
    fwrite(line.data, 1, line.len, out);
    fflush(out);
    buf_cleanup(&msg);
    buf_cleanup(&line);
}
