/*
 * date.c: civil date arithmetic (Howard Hinnant's days_from_civil and
 * civil_from_days algorithms), by hand because gmtime is banned and
 * strptime depends on the locale.
 * SPDX-License-Identifier: MIT
 */
#include "date.h"

long date_from_civil(int y, int m, int d)
{
	long era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

void date_to_civil(long days, int *y, int *m, int *d)
{
	long z = days + 719468, era, doe, yoe, doy, mp;

	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

static int dig(char c)
{
	return c >= '0' && c <= '9';
}

long date_parse(const char *p, size_t len)
{
	static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int y, m, d, dim, i;

	if (len < 10 || p[4] != '-' || p[7] != '-')
		return DATE_INVALID;
	for (i = 0; i < 10; i++)
		if (i != 4 && i != 7 && !dig(p[i]))
			return DATE_INVALID;
	y = (p[0] - '0') * 1000 + (p[1] - '0') * 100 + (p[2] - '0') * 10 + (p[3] - '0');
	m = (p[5] - '0') * 10 + (p[6] - '0');
	d = (p[8] - '0') * 10 + (p[9] - '0');
	if (y < 1900 || y > 2100 || m < 1 || m > 12 || d < 1)
		return DATE_INVALID;
	dim = mdays[m - 1] + (m == 2 && (y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)));
	if (d > dim)
		return DATE_INVALID;
	return date_from_civil(y, m, d);
}

void date_format(long days, char out[11])
{
	int y, m, d;

	date_to_civil(days, &y, &m, &d);
	out[0] = (char)('0' + y / 1000 % 10);
	out[1] = (char)('0' + y / 100 % 10);
	out[2] = (char)('0' + y / 10 % 10);
	out[3] = (char)('0' + y % 10);
	out[4] = '-';
	out[5] = (char)('0' + m / 10);
	out[6] = (char)('0' + m % 10);
	out[7] = '-';
	out[8] = (char)('0' + d / 10);
	out[9] = (char)('0' + d % 10);
	out[10] = '\0';
}

int32_t date_parse_time(const char *s, size_t len)
{
	size_t i;

	if (len < 19 || (s[10] != 'T' && s[10] != ' ') || s[13] != ':' || s[16] != ':')
		return -1;
	for (i = 11; i < 19; i++)
		if (i != 13 && i != 16 && (s[i] < '0' || s[i] > '9'))
			return -1;
	return (int32_t)(((s[11] - '0') * 10 + (s[12] - '0')) * 3600 + ((s[14] - '0') * 10 + (s[15] - '0')) * 60 +
			 (s[17] - '0') * 10 + (s[18] - '0'));
}
