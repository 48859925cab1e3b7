/*
 * log.h: one line per record on stderr, as Lambda's advanced logging controls expect.
 *
 * AWS_LAMBDA_LOG_FORMAT selects Text (default) or JSON; AWS_LAMBDA_LOG_LEVEL selects the
 * lowest level written (TRACE..FATAL, default INFO). A JSON line is one object:
 *   {"timestamp":"2026-11-24T08:00:00.123Z","level":"INFO","message":"...",
 *    "requestId":"...","xray_trace_id":"..."}
 * (requestId and xray_trace_id only while an invocation is in flight).
 *
 * The logger is process state set by main (log_configure_from_env) and by the runtime loop
 * (log_set_context per invoke): logging has to work from any depth without threading a
 * handle through every call, and the process is single-threaded.
 *
 * Never pass credentials, session tokens or Authorization values to these functions; event
 * payloads only at DEBUG or below.
 */
#ifndef LOOKOUT_LOG_H
#define LOOKOUT_LOG_H

#include <stdio.h>

enum log_level {
    LOG_LEVEL_TRACE,
    LOG_LEVEL_DEBUG,
    LOG_LEVEL_INFO,
    LOG_LEVEL_WARN,
    LOG_LEVEL_ERROR,
    LOG_LEVEL_FATAL
};

enum log_format { LOG_FORMAT_TEXT, LOG_FORMAT_JSON };

/* Reads AWS_LAMBDA_LOG_FORMAT and AWS_LAMBDA_LOG_LEVEL. Unknown values fall back to the
 * defaults and are reported by a WARN line, not an error. */
void log_configure_from_env(void);
void log_configure(enum log_format format, enum log_level level);
/* Parses "TRACE".."FATAL" (any case). Returns 0 and sets *out, or -1. */
int log_level_parse(const char *s, enum log_level *out);
const char *log_level_name(enum log_level level);

/* Sets the invocation context added to each line; NULL or "" clears a field. The strings
 * are copied. */
void log_set_context(const char *request_id, const char *trace_id);

/* Where lines go (stderr by default). For tests. */
void log_set_stream(FILE *stream);

int log_enabled(enum log_level level);
void log_write(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define LOG_TRACE(...) log_write(LOG_LEVEL_TRACE, __VA_ARGS__)
#define LOG_DEBUG(...) log_write(LOG_LEVEL_DEBUG, __VA_ARGS__)
#define LOG_INFO(...) log_write(LOG_LEVEL_INFO, __VA_ARGS__)
#define LOG_WARN(...) log_write(LOG_LEVEL_WARN, __VA_ARGS__)
#define LOG_ERROR(...) log_write(LOG_LEVEL_ERROR, __VA_ARGS__)
#define LOG_FATAL(...) log_write(LOG_LEVEL_FATAL, __VA_ARGS__)

#endif
