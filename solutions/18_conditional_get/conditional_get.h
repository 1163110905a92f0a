/**
 * @file conditional_get.h
 * @brief Exercise 18: the server's side of a conditional GET. Given a
 *        resource (its body, a strong ETag computed from that body, its
 *        Last-Modified and its Cache-Control) and a request's
 *        If-None-Match and If-Modified-Since, decide between 200 with the
 *        body and 304 Not Modified with none, as RFC 9110 section 13 says.
 *
 * Ownership: nothing here allocates. A resource borrows its body and its
 * Cache-Control text, and a response borrows from the resource: both stay
 * valid only while what they point to does. Thread-safety: every function
 * touches only its arguments; ex_conditional_get() may run on several
 * threads at once over one resource, provided nobody changes the resource
 * meanwhile (ex_resource_set() needs the caller's lock).
 */
#ifndef EX_CONDITIONAL_GET_H
#define EX_CONDITIONAL_GET_H

#include "common/dp_common.h"

#include <stddef.h>
#include <time.h>

/** @brief Room for an entity tag and its NUL: a tag is at most 39
 *         characters, quotes included (a 64-bit hash in hex takes 18). */
#define EX_ETAG_SIZE 40

/** @brief The 200 OK status. */
#define EX_HTTP_OK 200u

/** @brief The 304 Not Modified status. */
#define EX_HTTP_NOT_MODIFIED 304u

/**
 * @brief A resource as the server holds it. Fill it with
 *        ex_resource_set(), never field by field: its tag must be the one
 *        of its body.
 */
struct ex_resource {
	/** The body, borrowed; NULL only when #size is 0. */
	const void *body;
	/** Its size in bytes. */
	size_t size;
	/** Seconds since the epoch; 0 means unknown: no Last-Modified is
	 *  sent and If-Modified-Since is ignored. */
	time_t last_modified;
	/** The Cache-Control value sent with it, borrowed, such as
	 *  "max-age=60" or "no-store"; NULL sends none. */
	const char *cache_control;
	/** The strong entity tag of #body, as ex_etag() writes it. */
	char etag[EX_ETAG_SIZE];
};

/**
 * @brief What the server sends back, every pointer borrowed from the
 *        resource. NULL and 0 mean "not sent".
 */
struct ex_response {
	/** #EX_HTTP_OK or #EX_HTTP_NOT_MODIFIED. */
	unsigned status;
	/** The body to send: the resource's on a 200, NULL on a 304. */
	const void *body;
	/** The body bytes to send: the resource's size on a 200, 0 on a 304. */
	size_t size;
	/** The ETag header: the resource's tag; NULL for `no-store`. */
	const char *etag;
	/** The Last-Modified header: the resource's on a 200 (0 when it has
	 *  none, and for `no-store`); 0 on a 304, which carries the ETag
	 *  instead (RFC 9110 section 15.4.5). */
	time_t last_modified;
	/** The Cache-Control header: the resource's, on a 200 and on a 304
	 *  (so that a cache can refresh its copy with it). */
	const char *cache_control;
};

/**
 * @brief Write the strong entity tag of a body: a quoted hash of its
 *        bytes, such as `"a3f0c2d9e8b71654"`.
 *
 * The tag depends on the bytes and on nothing else: equal bodies give
 * equal tags wherever they are stored, and any change of the bytes (one
 * bit, two bytes swapped, the same size with other text) gives another
 * tag. A 64-bit FNV-1a hash, as the chapter uses, is enough.
 * @param[in]  body     The bytes; may be NULL only when `size` is 0.
 * @param[in]  size     Their number.
 * @param[out] out      Receives the tag: a double quote, printable
 *                      characters other than the double quote, a double
 *                      quote and a NUL, #EX_ETAG_SIZE bytes at most. No
 *                      `W/`: the tag is strong.
 * @param[in]  out_size The room in `out`.
 * @return #DP_OK; #DP_EINVAL when `out` is NULL, or `body` is NULL with a
 *         non-zero size; #DP_ERANGE when `out_size` is below
 *         #EX_ETAG_SIZE. On an error `out` is untouched.
 */
int ex_etag(const void *body, size_t size, char *out, size_t out_size);

/**
 * @brief Give a resource its (new) content: every field, and the tag of
 *        the new body, computed now. A body that changed gets a new tag;
 *        the same bytes again get the same tag back.
 * @param[out] resource      The resource to fill.
 * @param[in]  body          The body, borrowed; NULL only when `size` is 0.
 * @param[in]  size          Its size in bytes.
 * @param[in]  last_modified Seconds since the epoch, or 0 for unknown.
 * @param[in]  cache_control The Cache-Control value, borrowed, or NULL.
 * @return #DP_OK; #DP_EINVAL when `resource` is NULL or `body` is NULL
 *         with a non-zero size, and then `resource` is untouched.
 */
int ex_resource_set(struct ex_resource *resource, const void *body, size_t size,
                    time_t last_modified, const char *cache_control);

/**
 * @brief Answer a GET of a resource, given the request's conditional
 *        headers.
 *
 * The rules, in order (RFC 9110 section 13.2.2):
 * 1. A resource whose Cache-Control has the `no-store` directive (names
 *    compared without case, in a comma-separated list) is answered 200
 *    with its body and no validator at all, whatever the request says:
 *    no cache may keep it, so none can revalidate it. (`no-cache` is not
 *    `no-store`: it asks for revalidation every time, which is a 304.)
 * 2. When If-None-Match is present, it alone decides: the answer is 304
 *    when the header is `*`, or when one entity tag in its
 *    comma-separated list matches the resource's tag by the weak
 *    comparison (a `W/` prefix is ignored; the quoted strings must be
 *    equal). Items that are not quoted tags are skipped. If-Modified-Since
 *    is then ignored, matching or not.
 * 3. Else, when If-Modified-Since is present, is an HTTP date
 *    (IMF-fixdate, "Sun, 06 Nov 1994 08:49:37 GMT") and the resource has
 *    a Last-Modified, the answer is 304 when Last-Modified is at or
 *    before that date. A date that does not parse is ignored.
 * 4. Else 200.
 *
 * A 200 carries the body and the validators; a 304 carries no body, the
 * ETag and the Cache-Control, and no Last-Modified.
 * @param[in]  resource          The resource, filled by ex_resource_set().
 * @param[in]  if_none_match     The If-None-Match value; NULL when absent.
 * @param[in]  if_modified_since The If-Modified-Since value; NULL when
 *                               absent.
 * @param[out] out               Receives the response, which borrows from
 *                               `resource`.
 * @return #DP_OK; #DP_EINVAL when `resource` or `out` is NULL, or the
 *         resource's body is NULL with a non-zero size, and then `out` is
 *         untouched.
 */
int ex_conditional_get(const struct ex_resource *resource,
                       const char *if_none_match, const char *if_modified_since,
                       struct ex_response *out);

#endif /* EX_CONDITIONAL_GET_H */
