/*
 * Exercise 18, the reference answer: the server's side of a conditional
 * GET. The tag is a 64-bit FNV-1a hash of the body, so it changes with the
 * content and with nothing else; the decision is RFC 9110's order,
 * If-None-Match first and If-Modified-Since only without it.
 */
#define _DEFAULT_SOURCE     /* timegm */
#define _XOPEN_SOURCE   700 /* strptime */

#include "conditional_get.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

int ex_etag(const void *body, size_t size, char *out, size_t out_size)
{
	if (out == NULL || (body == NULL && size != 0))
		return DP_EINVAL;
	if (out_size < EX_ETAG_SIZE)
		return DP_ERANGE;
	/* FNV-1a: every byte moves every later bit, so a flipped bit, two
	 * swapped bytes or new text of the same length all change the hash,
	 * which a sum, a length or a modification time would not. */
	const unsigned char *bytes = body;
	uint64_t hash = UINT64_C(14695981039346656037);
	for (size_t i = 0; i < size; i++) {
		hash ^= bytes[i];
		hash *= UINT64_C(1099511628211);
	}
	snprintf(out, out_size, "\"%016" PRIx64 "\"", hash);
	return DP_OK;
}

int ex_resource_set(struct ex_resource *resource, const void *body, size_t size,
                    time_t last_modified, const char *cache_control)
{
	if (resource == NULL || (body == NULL && size != 0))
		return DP_EINVAL;
	/* The tag is computed on every change, never kept from before: a
	 * validator that outlives its content serves stale data for ever. */
	ex_etag(body, size, resource->etag, sizeof(resource->etag));
	resource->body = body;
	resource->size = size;
	resource->last_modified = last_modified;
	resource->cache_control = cache_control;
	return DP_OK;
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t';
}

/* Whether a comma-separated Cache-Control value holds `no-store` as a
 * directive of its own (not as the start of a longer name). */
static bool has_no_store(const char *value)
{
	static const char NAME[] = "no-store";
	const size_t length = sizeof(NAME) - 1;
	const char *p = value;

	while (p != NULL && *p != '\0') {
		while (is_space(*p) || *p == ',')
			p++;
		size_t size = strcspn(p, ",= \t");
		if (size == length && strncasecmp(p, NAME, length) == 0)
			return true;
		p = strchr(p, ',');
	}
	return false;
}

/* The weak comparison of If-None-Match, item by item: `*` matches any
 * tag, `W/` is dropped, and the quoted strings must be equal. One pass,
 * no copy, so a long hostile list costs its length and nothing else. */
static bool etag_list_matches(const char *header, const char *etag)
{
	size_t etag_size = strlen(etag);
	const char *p = header;

	while (*p != '\0') {
		while (is_space(*p) || *p == ',')
			p++;
		if (*p == '*')
			return true;
		if (strncmp(p, "W/", 2) == 0)
			p += 2;
		if (*p == '"') {
			const char *close = strchr(p + 1, '"');
			if (close == NULL)
				return false;
			size_t size = (size_t)(close - p) + 1;
			if (size == etag_size && memcmp(p, etag, size) == 0)
				return true;
			p = close + 1;
		}
		/* The rest of the item, malformed or read, up to a comma. */
		while (*p != '\0' && *p != ',')
			p++;
	}
	return false;
}

/* If-Modified-Since: true when the resource has not changed since the
 * date. A date that is not a whole IMF-fixdate is ignored (false). */
static bool unmodified_since(time_t last_modified, const char *date)
{
	struct tm tm = {0};
	const char *end = strptime(date, "%a, %d %b %Y %H:%M:%S GMT", &tm);
	if (last_modified == 0 || end == NULL || *end != '\0')
		return false;
	return last_modified <= timegm(&tm);
}

int ex_conditional_get(const struct ex_resource *resource,
                       const char *if_none_match, const char *if_modified_since,
                       struct ex_response *out)
{
	if (resource == NULL || out == NULL ||
	    (resource->body == NULL && resource->size != 0))
		return DP_EINVAL;
	*out = (struct ex_response){.status = EX_HTTP_OK,
	                            .body = resource->body,
	                            .size = resource->size,
	                            .cache_control = resource->cache_control};
	if (has_no_store(resource->cache_control))
		return DP_OK;
	out->etag = resource->etag;
	/* RFC 9110 13.2.2: If-None-Match decides whenever it is present, and
	 * If-Modified-Since counts only without it, because a tag is exact
	 * and a date has a one-second grain. */
	bool not_modified = false;
	if (if_none_match != NULL)
		not_modified = etag_list_matches(if_none_match, resource->etag);
	else if (if_modified_since != NULL)
		not_modified = unmodified_since(resource->last_modified,
		                                if_modified_since);
	if (!not_modified) {
		out->last_modified = resource->last_modified;
		return DP_OK;
	}
	out->status = EX_HTTP_NOT_MODIFIED;
	out->body = NULL;
	out->size = 0;
	return DP_OK;
}
