/*
 * The header grammar both ends share: entity tags, HTTP dates and
 * Cache-Control. Each parser reads its input once, left to right, and
 * never allocates, so a hostile header costs time linear in its length
 * and nothing else.
 */
#define _DEFAULT_SOURCE /* timegm, gmtime_r */

#include "http_cache/http_cache.h"

#include "lru_cache/lru_cache.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

int dp_http_etag(const void *body, size_t size, char *out, size_t out_size)
{
	if (out == NULL || (body == NULL && size != 0))
		return DP_EINVAL;
	if (out_size < DP_HTTP_ETAG_SIZE)
		return DP_ERANGE;
	/* The LRU chapter's byte-string hash: the library hashes bytes one
	 * way. A 64-bit FNV-1a is no defence against a forger, but an ETag
	 * only has to change when the content changes. */
	struct dp_lru_bytes bytes = {.data = body, .size = size};
	uint64_t hash = dp_lru_bytes_key.hash(NULL, &bytes);
	snprintf(out, out_size, "\"%016" PRIx64 "\"", hash);
	return DP_OK;
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t';
}

bool dp_http_etag_list_matches(const char *header, const char *etag)
{
	if (header == NULL || etag == NULL)
		return false;
	/* The tag compared is what lies between the quotes; W/ is dropped,
	 * which is the weak comparison If-None-Match uses. */
	const char *want = etag;
	if (strncmp(want, "W/", 2) == 0)
		want += 2;
	size_t want_size = strlen(want);

	const char *p = header;
	while (*p != '\0') {
		while (is_space(*p) || *p == ',')
			p++;
		if (*p == '\0')
			break;
		if (*p == '*')
			return true;
		if (strncmp(p, "W/", 2) == 0)
			p += 2;
		if (*p == '"') {
			const char *close = strchr(p + 1, '"');
			if (close == NULL)
				return false;
			size_t size = (size_t)(close - p) + 1;
			if (size == want_size && memcmp(p, want, size) == 0)
				return true;
			p = close + 1;
		}
		/* Skip the rest of a malformed item, up to the next comma. */
		while (*p != '\0' && *p != ',')
			p++;
	}
	return false;
}

static const char DAYS[7][4] = {"Sun", "Mon", "Tue", "Wed",
                                "Thu", "Fri", "Sat"};
static const char MONTHS[12][4] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

int dp_http_date_format(time_t when, char *out, size_t out_size)
{
	if (out == NULL)
		return DP_EINVAL;
	struct tm tm;
	/* strftime's %a and %b follow the locale; HTTP dates are always
	 * English, so the names come from our own tables. */
	if (out_size < DP_HTTP_DATE_SIZE || gmtime_r(&when, &tm) == NULL ||
	    tm.tm_year + 1900 < 0 || tm.tm_year + 1900 > 9999)
		return DP_ERANGE;
	snprintf(out, out_size, "%s, %02d %s %04d %02d:%02d:%02d GMT",
	         DAYS[tm.tm_wday], tm.tm_mday, MONTHS[tm.tm_mon],
	         tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
	return DP_OK;
}

/* Read exactly `digits` decimal digits. */
static bool read_number(const char **p, int digits, int *value)
{
	int n = 0;
	for (int i = 0; i < digits; i++) {
		char c = (*p)[i];
		if (c < '0' || c > '9')
			return false;
		n = n * 10 + (c - '0');
	}
	*p += digits;
	*value = n;
	return true;
}

static bool read_literal(const char **p, const char *literal)
{
	size_t size = strlen(literal);
	if (strncmp(*p, literal, size) != 0)
		return false;
	*p += size;
	return true;
}

int dp_http_date_parse(const char *text, time_t *when)
{
	if (text == NULL || when == NULL)
		return DP_EINVAL;
	/* "Sun, 06 Nov 1994 08:49:37 GMT", position by position: sscanf
	 * would accept spaces and signs the grammar forbids. */
	const char *p = text;
	int day = -1, month = -1, year, mday, hour, minute, second;
	for (int i = 0; i < 7 && day < 0; i++)
		if (strncmp(p, DAYS[i], 3) == 0)
			day = i;
	if (day < 0)
		return DP_EINVAL;
	p += 3;
	if (!read_literal(&p, ", ") || !read_number(&p, 2, &mday) ||
	    !read_literal(&p, " "))
		return DP_EINVAL;
	for (int i = 0; i < 12 && month < 0; i++)
		if (strncmp(p, MONTHS[i], 3) == 0)
			month = i;
	if (month < 0)
		return DP_EINVAL;
	p += 3;
	if (!read_literal(&p, " ") || !read_number(&p, 4, &year) ||
	    !read_literal(&p, " ") || !read_number(&p, 2, &hour) ||
	    !read_literal(&p, ":") || !read_number(&p, 2, &minute) ||
	    !read_literal(&p, ":") || !read_number(&p, 2, &second) ||
	    !read_literal(&p, " GMT") || *p != '\0')
		return DP_EINVAL;
	if (mday < 1 || mday > 31 || hour > 23 || minute > 59 || second > 60)
		return DP_EINVAL;
	struct tm tm = {.tm_year = year - 1900,
	                .tm_mon = month,
	                .tm_mday = mday,
	                .tm_hour = hour,
	                .tm_min = minute,
	                .tm_sec = second};
	time_t result = timegm(&tm);
	/* timegm normalises 31 Feb into March: a date that moved was not a
	 * date. */
	if (tm.tm_mday != mday || tm.tm_mon != month)
		return DP_EINVAL;
	*when = result;
	return DP_OK;
}

/* Whether the directive at p, `size` bytes, is `name`, without case. */
static bool is_directive(const char *p, size_t size, const char *name)
{
	return strlen(name) == size && strncasecmp(p, name, size) == 0;
}

/* max-age's value: digits, optionally quoted; -1 when malformed. Values
 * past 2^31 are capped there, as RFC 9111 section 1.2.2 allows. */
static int64_t parse_seconds(const char *p, size_t size)
{
	if (size >= 2 && p[0] == '"' && p[size - 1] == '"') {
		p++;
		size -= 2;
	}
	if (size == 0)
		return -1;
	int64_t value = 0;
	for (size_t i = 0; i < size; i++) {
		if (p[i] < '0' || p[i] > '9')
			return -1;
		if (value < INT64_C(2147483648))
			value = value * 10 + (p[i] - '0');
	}
	return value < INT64_C(2147483648) ? value : INT64_C(2147483648);
}

int dp_http_cache_control_parse(const char *value,
                                struct dp_http_cache_control *out)
{
	if (out == NULL)
		return DP_EINVAL;
	*out = (struct dp_http_cache_control){.max_age = -1};
	if (value == NULL)
		return DP_OK;
	const char *p = value;
	while (*p != '\0') {
		while (is_space(*p) || *p == ',')
			p++;
		const char *name = p;
		while (*p != '\0' && *p != ',' && *p != '=' && !is_space(*p))
			p++;
		size_t name_size = (size_t)(p - name);
		const char *argument = NULL;
		size_t argument_size = 0;
		if (*p == '=') {
			argument = ++p;
			if (*p == '"') {
				const char *close = strchr(p + 1, '"');
				p = close != NULL ? close + 1 : p + strlen(p);
			} else {
				while (*p != '\0' && *p != ',' && !is_space(*p))
					p++;
			}
			argument_size = (size_t)(p - argument);
		}
		while (*p != '\0' && *p != ',')
			p++;
		if (is_directive(name, name_size, "no-store"))
			out->no_store = true;
		else if (is_directive(name, name_size, "no-cache"))
			out->no_cache = true;
		else if (is_directive(name, name_size, "private"))
			out->is_private = true;
		else if (is_directive(name, name_size, "public"))
			out->is_public = true;
		else if (is_directive(name, name_size, "must-revalidate"))
			out->must_revalidate = true;
		else if (is_directive(name, name_size, "max-age"))
			out->max_age =
				argument != NULL
					? parse_seconds(argument, argument_size)
					: -1;
	}
	return DP_OK;
}
