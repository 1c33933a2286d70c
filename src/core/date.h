/*
 * date.h: civil dates as day numbers (days since 1970-01-01, proleptic
 * Gregorian), with no time zone or locale involved.
 * SPDX-License-Identifier: MIT
 */
#ifndef PASOS_DATE_H
#define PASOS_DATE_H

#include <stddef.h>
#include <stdint.h>

#define DATE_INVALID INT32_MIN

/** Day number of y-m-d (no validation). */
long date_from_civil(int y, int m, int d);
/** Year, month and day of a day number. */
void date_to_civil(long days, int *y, int *m, int *d);
/** Day number of "YYYY-MM-DD" (first 10 bytes of p), or DATE_INVALID. Years 1900-2100. */
long date_parse(const char *p, size_t len);
/** Seconds into the day of "YYYY-MM-DDTHH:MM:SS" (T or a space; first 19 bytes), or -1 without a time. */
int32_t date_parse_time(const char *p, size_t len);
/** Write "YYYY-MM-DD" and a NUL into out[11]. */
void date_format(long days, char out[11]);

#endif
