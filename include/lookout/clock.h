/*
 * clock.h: wall-clock time in Unix epoch milliseconds, and the last instant a timestamp may
 * name. Deadlines from Lambda, AWS timestamps and frame times are all epoch milliseconds on
 * the wall clock, so one reading serves them all.
 */
#ifndef LOOKOUT_CLOCK_H
#define LOOKOUT_CLOCK_H

#include <stdint.h>

/* 9999-12-31T23:59:59.999Z: the last time RFC 3339 can write, and the bound on every epoch
 * millisecond value read from outside. */
#define CLOCK_MAX_EPOCH_MS 253402300799999LL

/* CLOCK_REALTIME in Unix epoch milliseconds. */
int64_t clock_now_ms(void);

#endif
