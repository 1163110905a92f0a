/*
 * Exercise 18: the server's side of a conditional GET. Read README.md
 * first, then conditional_get.h, which is the contract: every function
 * below must do what its comment there says.
 */
/* For If-Modified-Since: timegm needs the first, strptime the second. */
#define _DEFAULT_SOURCE
#define _XOPEN_SOURCE 700

#include "conditional_get.h"

int ex_etag(const void *body, size_t size, char *out, size_t out_size)
{
	/* TODO: check the arguments (DP_EINVAL, then DP_ERANGE); hash every
	 * byte of the body (64-bit FNV-1a is enough) and write the hash as a
	 * quoted string of hex digits. README step 1. */
	(void)body;
	(void)size;
	(void)out;
	(void)out_size;
	return DP_ENOTSUP;
}

int ex_resource_set(struct ex_resource *resource, const void *body, size_t size,
                    time_t last_modified, const char *cache_control)
{
	/* TODO: check the arguments; set every field, and the tag of THIS
	 * body, computed now. README step 2. */
	(void)resource;
	(void)body;
	(void)size;
	(void)last_modified;
	(void)cache_control;
	return DP_ENOTSUP;
}

int ex_conditional_get(const struct ex_resource *resource,
                       const char *if_none_match, const char *if_modified_since,
                       struct ex_response *out)
{
	/* TODO: check the arguments; answer 200 with the body and the
	 * validators (step 3); 304 with no body when If-None-Match matches
	 * the tag: one tag, a list, W/ tags, `*` (steps 4 and 5); else, and
	 * only without If-None-Match, when If-Modified-Since is a date at or
	 * after Last-Modified (step 6); never for no-store (step 7). */
	(void)resource;
	(void)if_none_match;
	(void)if_modified_since;
	(void)out;
	return DP_ENOTSUP;
}
