/**
 * @file http_cache.h
 * @brief HTTP caching headers from both ends: a server (on libmicrohttpd)
 *        that sends Cache-Control, a strong ETag and Last-Modified and
 *        answers conditional requests with 304, and a private client cache
 *        (libcurl in front, an LRU from lru_cache.h behind) that serves
 *        fresh entries without a request and revalidates stale ones.
 *
 * Ownership: each object is created and destroyed by the library, from the
 * allocator its configuration names. Thread-safety: a server answers from
 * its own thread and may be changed with dp_http_server_put() from another
 * (it locks); a client is not thread-safe: serialise every call on one.
 */
#ifndef DP_HTTP_CACHE_H
#define DP_HTTP_CACHE_H

#include "common/dp_common.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

/** @brief Bytes an ETag needs: two quotes, 16 hex digits and a NUL. */
#define DP_HTTP_ETAG_SIZE 19

/** @brief Bytes an HTTP date needs: "Sun, 06 Nov 1994 08:49:37 GMT" and a
 *         NUL. */
#define DP_HTTP_DATE_SIZE 30

/* ---- the header grammar, shared by the server and the client ---------- */

/**
 * @brief A strong entity tag for a body: the library's FNV-1a hash (the one
 *        behind #dp_lru_bytes_key) as a quoted string of 16 hex digits.
 *
 * Equal bodies give equal tags, so a resource that changes gets a new tag
 * and one that is rewritten unchanged keeps its tag.
 * @param[in]  body Its bytes; may be NULL only when `size` is 0.
 * @param[in]  size Their number.
 * @param[out] out  Receives the tag, such as `"5d2b1c0e9a8f7d61"`.
 * @param[in]  out_size The room in `out`: at least #DP_HTTP_ETAG_SIZE.
 * @return #DP_OK; #DP_EINVAL when `out` is NULL or `body` is NULL with a
 *         non-zero size; #DP_ERANGE when `out_size` is too small.
 */
int dp_http_etag(const void *body, size_t size, char *out, size_t out_size);

/**
 * @brief Whether an If-None-Match value matches a tag, with the weak
 *        comparison RFC 9110 prescribes for it (`W/` is ignored).
 *
 * `*` matches any tag. A list is scanned once, left to right, in time
 * linear in its length; items that are not quoted strings are skipped.
 * @param[in] header The field's value, such as `"a", W/"b"`.
 * @param[in] etag   The current tag, quoted.
 * @return true when one item matches; false when none does or an argument
 *         is NULL.
 */
bool dp_http_etag_list_matches(const char *header, const char *etag);

/**
 * @brief Write a time as an HTTP date (IMF-fixdate, always GMT).
 * @param[in]  when     Seconds since the epoch.
 * @param[out] out      Receives the date.
 * @param[in]  out_size The room in `out`: at least #DP_HTTP_DATE_SIZE.
 * @return #DP_OK; #DP_EINVAL when `out` is NULL; #DP_ERANGE when
 *         `out_size` is too small or the year has not four digits.
 */
int dp_http_date_format(time_t when, char *out, size_t out_size);

/**
 * @brief Read an HTTP date in the IMF-fixdate form.
 *
 * The two obsolete forms (RFC 850, asctime) are not accepted: a date that
 * does not parse makes If-Modified-Since ignored, as the RFC requires.
 * @param[in]  text The date, such as "Sun, 06 Nov 1994 08:49:37 GMT".
 * @param[out] when Receives seconds since the epoch.
 * @return #DP_OK; #DP_EINVAL when an argument is NULL or `text` is not a
 *         valid date (then `when` is untouched).
 */
int dp_http_date_parse(const char *text, time_t *when);

/**
 * @brief The Cache-Control directives this library acts on.
 */
struct dp_http_cache_control {
	bool no_store;        /**< `no-store`: never store the response. */
	bool no_cache;        /**< `no-cache`: store, but revalidate always. */
	bool is_private;      /**< `private`: a shared cache must not store. */
	bool is_public;       /**< `public`: any cache may store. */
	bool must_revalidate; /**< `must-revalidate`. */
	/** `max-age` in seconds; -1 when absent or malformed. */
	int64_t max_age;
};

/**
 * @brief Parse a Cache-Control value: comma-separated directives, names
 *        compared without case, unknown ones ignored.
 * @param[in]  value The field's value; NULL is an empty field.
 * @param[out] out   Receives the directives.
 * @return #DP_OK, or #DP_EINVAL when `out` is NULL.
 */
int dp_http_cache_control_parse(const char *value,
                                struct dp_http_cache_control *out);

/* ---- the server ---------------------------------------------------------- */

/**
 * @brief One resource to serve, given to dp_http_server_put(), which copies
 *        every field; fill it by field name.
 */
struct dp_http_resource {
	/** Required. The path, starting with '/', e.g. "/app.css". */
	const char *path;
	/** The body; may be NULL only when #size is 0. */
	const void *body;
	/** Its size in bytes. */
	size_t size;
	/** Optional: NULL means "application/octet-stream". */
	const char *content_type;
	/** Optional: NULL sends no Cache-Control, e.g. "max-age=60". */
	const char *cache_control;
	/** 0 sends no Last-Modified; else seconds since the epoch. */
	time_t last_modified;
	/** Optional: NULL means one body for everyone. Else the name of the
	 *  request header the body depends on, sent back in `Vary`. */
	const char *vary;
	/** Optional, with #vary: the value of that header this body is for;
	 *  NULL is the default body, served when no variant matches. */
	const char *variant;
};

/**
 * @brief One request as the server answered it, told to the request log.
 *        Every pointer is valid during the call only; absent headers are
 *        NULL.
 */
struct dp_http_request_record {
	const char *method;            /**< "GET", "HEAD", ... */
	const char *path;              /**< The path asked for. */
	const char *if_none_match;     /**< The If-None-Match value. */
	const char *if_modified_since; /**< The If-Modified-Since value. */
	unsigned status;               /**< The status sent: 200, 304, ... */
	size_t body_bytes;             /**< Body bytes sent with it. */
};

/**
 * @brief Told about every request the server answers, from the server's
 *        thread, with its lock held: it must be quick and must not call
 *        the server.
 * @param[in] ctx    #dp_http_server_config.log_ctx, unchanged.
 * @param[in] record The request and its answer.
 */
typedef void
dp_http_request_log_fn(void *ctx, const struct dp_http_request_record *record);

/** @brief How to start a server; zero fields are the defaults. */
struct dp_http_server_config {
	/** 0 lets the kernel pick a free port (read it with
	 *  dp_http_server_port()); else the port on 127.0.0.1. */
	uint16_t port;
	/** Optional: NULL means no request log. */
	dp_http_request_log_fn *on_request;
	/** Handed to #on_request unchanged. */
	void *log_ctx;
	/** Optional: NULL means malloc/free. Must outlive the server. */
	const struct dp_allocator *alloc;
};

/**
 * @brief What the server has answered since it started. The 4xx that
 *        libmicrohttpd sends by itself (a request line or header too long,
 *        a malformed header) never reach the server's code and are not
 *        counted here.
 */
struct dp_http_server_stats {
	uint64_t requests;      /**< Requests answered by the server's code. */
	uint64_t responses_200; /**< 200 OK. */
	uint64_t responses_304; /**< 304 Not Modified. */
	uint64_t responses_4xx; /**< 404 and 405. */
	uint64_t body_bytes;    /**< Body bytes sent, over all answers. */
};

/** @brief An HTTP/1.1 server on 127.0.0.1 (opaque). */
typedef struct dp_http_server dp_http_server;

/**
 * @brief Start a server on 127.0.0.1 with no resource, answering from one
 *        thread of its own (libmicrohttpd's internal poll thread).
 * @param[in] config The configuration, read during the call; NULL means
 *                   every default.
 * @return The running server, stopped and freed by
 *         dp_http_server_destroy(); NULL when memory runs out or the port
 *         cannot be bound.
 */
dp_http_server *
dp_http_server_create(const struct dp_http_server_config *config);

/**
 * @brief Stop the server (waiting for its thread) and free it and every
 *        resource it holds.
 * @param[in] server The server; NULL is a no-op.
 */
void dp_http_server_destroy(dp_http_server *server);

/**
 * @brief The port the server listens on.
 * @param[in] server The server.
 * @return The port, or 0 when `server` is NULL.
 */
uint16_t dp_http_server_port(const dp_http_server *server);

/**
 * @brief Add a resource, or replace the one with the same path and
 *        variant. Its ETag is computed from the body, so a changed body
 *        gets a new one. Requests being answered see the old or the new
 *        resource, never a mix.
 * @param[in,out] server   The server.
 * @param[in]     resource The resource; every field is copied.
 * @return #DP_OK; #DP_EINVAL when an argument is NULL, the path does not
 *         start with '/', the body is NULL with a non-zero size, `variant`
 *         is set without `vary`, or a string holds a CR or LF (which would
 *         split the response's headers); #DP_ENOMEM with the server
 *         unchanged.
 */
int dp_http_server_put(dp_http_server *server,
                       const struct dp_http_resource *resource);

/**
 * @brief Read the server's counters.
 * @param[in]  server The server.
 * @param[out] stats  Receives them.
 * @return #DP_OK, or #DP_EINVAL when an argument is NULL.
 */
int dp_http_server_stats(dp_http_server *server,
                         struct dp_http_server_stats *stats);

/* ---- the client cache ---------------------------------------------------- */

/**
 * @brief A clock in whole seconds, injectable so that tests and examples
 *        can let time pass without waiting.
 * @param[in] ctx #dp_http_client_config.clock_ctx, unchanged.
 * @return Seconds since any fixed point; must never go back.
 */
typedef int64_t dp_http_clock_fn(void *ctx);

/** @brief How to create a client; zero fields are the defaults. */
struct dp_http_client_config {
	/** The most responses kept, least recently used evicted first; 0
	 *  means 64. */
	size_t max_entries;
	/** Optional: NULL means the monotonic clock. */
	dp_http_clock_fn *clock;
	/** Handed to #clock unchanged. */
	void *clock_ctx;
	/** Optional: NULL means malloc/free. Must outlive the client. */
	const struct dp_allocator *alloc;
};

/** @brief Where a response given by dp_http_client_get() came from. */
enum dp_http_source {
	/** A full response from the server (no entry, or a changed one). */
	DP_HTTP_FROM_NETWORK,
	/** A fresh cached entry: no request was sent. */
	DP_HTTP_FROM_CACHE,
	/** A stale or no-cache entry that the server confirmed with 304. */
	DP_HTTP_REVALIDATED
};

/** @brief A response as dp_http_client_get() gives it. */
struct dp_http_response {
	/** The status: 200 for a cache hit or a revalidated entry. */
	long status;
	/** The body, owned by the client: valid until the next call on the
	 *  client. */
	const unsigned char *body;
	/** Its size in bytes. */
	size_t size;
	/** Where it came from. */
	enum dp_http_source source;
};

/** @brief What a client has done since it was created. */
struct dp_http_client_stats {
	uint64_t requests;       /**< Requests sent to a server. */
	uint64_t fresh_hits;     /**< Answers from a fresh entry, no request. */
	uint64_t revalidated;    /**< Entries confirmed by a 304. */
	uint64_t stored;         /**< Responses stored (or replaced). */
	uint64_t bytes_sent;     /**< Request bytes, headers included. */
	uint64_t bytes_received; /**< Response bytes, headers and body. */
};

/** @brief A private HTTP cache in front of libcurl (opaque). */
typedef struct dp_http_client dp_http_client;

/**
 * @brief Create a client with an empty cache. It keeps one connection
 *        open between requests to the same server.
 * @param[in] config The configuration, read during the call; NULL means
 *                   every default.
 * @return The client, freed with dp_http_client_destroy(); NULL when
 *         memory runs out or libcurl cannot start.
 */
dp_http_client *
dp_http_client_create(const struct dp_http_client_config *config);

/**
 * @brief Free the client, its cache and its connection.
 * @param[in] client The client; NULL is a no-op.
 */
void dp_http_client_destroy(dp_http_client *client);

/**
 * @brief GET a URL through the cache.
 *
 * A fresh entry (within its max-age, without no-cache) is returned with no
 * request. A stale or no-cache entry is revalidated with If-None-Match and
 * If-Modified-Since; a 304 refreshes it and returns it. A 200 replaces it,
 * and is stored when it may be: not `no-store`, not `Vary: *`, and with a
 * max-age or a validator. Entries are keyed by URL, one per URL; an entry
 * whose `Vary` headers differ from this request's is not used.
 * @param[in,out] client  The client.
 * @param[in]     url     An absolute http:// URL.
 * @param[in]     headers Optional: NULL, or request header lines such as
 *                        "Accept-Language: fr", ending with NULL.
 * @param[out]    out     Receives the response; its body is the client's.
 * @return #DP_OK (for any status the server sent); #DP_EINVAL when
 *         `client`, `url` or `out` is NULL; #DP_EIO when the request
 *         failed (no connection, a malformed response); #DP_ENOMEM when
 *         memory runs out. On an error `out` is untouched.
 */
int dp_http_client_get(dp_http_client *client, const char *url,
                       const char *const *headers,
                       struct dp_http_response *out);

/**
 * @brief Read the client's counters.
 * @param[in]  client The client.
 * @param[out] stats  Receives them.
 * @return #DP_OK, or #DP_EINVAL when an argument is NULL.
 */
int dp_http_client_stats(const dp_http_client *client,
                         struct dp_http_client_stats *stats);

#endif /* DP_HTTP_CACHE_H */
