/*
 * The client half: a private cache (RFC 9111) in front of one libcurl easy
 * handle, which keeps its connection open between requests.
 *
 * The entries live in the LRU chapter's dp_lru, keyed by URL (string keys,
 * copied) with values that are our own entries, freed by the value ops
 * when the LRU evicts, replaces or drops them. That is the whole storage
 * policy: a bounded number of responses, the least recently used out
 * first. What the cache adds is the HTTP policy: when an entry may be
 * stored, when it is fresh, and how a stale one is revalidated.
 */
#define _DEFAULT_SOURCE /* strncasecmp */

#include "http_cache/http_cache.h"

#include "lru_cache/lru_cache.h"

#include <curl/curl.h>

#include <stdio.h>
#include <string.h>
#include <strings.h>

enum { DEFAULT_ENTRIES = 64, HEADER_MAX = 512 };

/* A stored response. The body and the strings are one block each from the
 * client's allocator. */
struct entry {
	unsigned char *body;
	size_t size;
	int64_t stored_at;     /* When it was last confirmed, by clock. */
	int64_t max_age;       /* -1: none, so always stale. */
	bool no_cache;         /* Revalidate on every use. */
	char *vary_key;        /* The request's values of Vary's names. */
	char vary[HEADER_MAX]; /* The response's Vary: "" for none. */
	char etag[HEADER_MAX]; /* "" when the server sent none. */
	char last_modified[HEADER_MAX];
};

/* The caching headers of the response being received. A value longer than
 * HEADER_MAX marks the response as not storable rather than keeping a
 * truncated validator that would never match. */
struct received {
	char etag[HEADER_MAX];
	char last_modified[HEADER_MAX];
	char cache_control[HEADER_MAX];
	char vary[HEADER_MAX];
	bool has_cache_control;
	bool too_long;
	unsigned char *body;
	size_t size;
	size_t capacity;
};

struct dp_http_client {
	CURL *curl;
	dp_lru *entries;
	dp_http_clock_fn *clock;
	void *clock_ctx;
	struct received received;
	struct dp_http_client_stats stats;
	bool out_of_memory; /* Set by the body callback. */
	const struct dp_allocator *alloc;
};

static void entry_free(void *ctx, void *value, const struct dp_allocator *alloc)
{
	struct entry *e = value;
	(void)ctx;
	dp_free(alloc, e->body);
	dp_free(alloc, e->vary_key);
	dp_free(alloc, e);
}

static const struct dp_lru_value_ops entry_ops = {.free = entry_free};

static int64_t monotonic_seconds(void *ctx)
{
	(void)ctx;
	return (int64_t)(dp_now_ns() / 1000000000u);
}

static size_t on_body(char *data, size_t size, size_t count, void *ctx)
{
	dp_http_client *client = ctx;
	struct received *r = &client->received;
	size_t bytes = size * count;
	if (r->size + bytes > r->capacity) {
		size_t capacity = r->capacity ? r->capacity : 4096;
		while (capacity < r->size + bytes)
			capacity *= 2;
		unsigned char *grown =
			dp_realloc_array(client->alloc, r->body, capacity, 1);
		if (grown == NULL) {
			client->out_of_memory = true;
			return 0; /* libcurl stops with CURLE_WRITE_ERROR. */
		}
		r->body = grown;
		r->capacity = capacity;
	}
	memcpy(r->body + r->size, data, bytes);
	r->size += bytes;
	return bytes;
}

/* Copy a header's value, trimmed, into `out`; false when it is too long. */
static bool keep_value(const char *value, size_t size, char *out)
{
	while (size > 0 && (*value == ' ' || *value == '\t')) {
		value++;
		size--;
	}
	while (size > 0 &&
	       (value[size - 1] == '\r' || value[size - 1] == '\n' ||
	        value[size - 1] == ' ' || value[size - 1] == '\t'))
		size--;
	if (size >= HEADER_MAX)
		return false;
	memcpy(out, value, size);
	out[size] = '\0';
	return true;
}

static size_t on_header(char *line, size_t size, size_t count, void *ctx)
{
	struct received *r = ctx;
	size_t bytes = size * count;
	static const struct {
		const char *name;
		size_t offset;
	} WANTED[] = {
		{"etag:", offsetof(struct received, etag)},
		{"last-modified:", offsetof(struct received, last_modified)},
		{"cache-control:", offsetof(struct received, cache_control)},
		{"vary:", offsetof(struct received, vary)},
	};
	/* A status line starts a response: anything kept from an earlier
	 * one (a 100 Continue) is dropped. */
	if (bytes >= 5 && strncmp(line, "HTTP/", 5) == 0) {
		r->etag[0] = r->last_modified[0] = '\0';
		r->cache_control[0] = r->vary[0] = '\0';
		r->has_cache_control = r->too_long = false;
		return bytes;
	}
	for (size_t i = 0; i < DP_ARRAY_SIZE(WANTED); i++) {
		size_t n = strlen(WANTED[i].name);
		if (bytes < n || strncasecmp(line, WANTED[i].name, n) != 0)
			continue;
		char *out = (char *)r + WANTED[i].offset;
		if (!keep_value(line + n, bytes - n, out))
			r->too_long = true;
		if (WANTED[i].offset ==
		    offsetof(struct received, cache_control))
			r->has_cache_control = true;
	}
	return bytes;
}

dp_http_client *
dp_http_client_create(const struct dp_http_client_config *config)
{
	struct dp_http_client_config defaults = {0};
	if (config == NULL)
		config = &defaults;
	const struct dp_allocator *alloc = config->alloc;

	dp_http_client *client = dp_alloc(alloc, sizeof(*client));
	if (client == NULL)
		return NULL;
	*client = (struct dp_http_client){
		.clock = config->clock ? config->clock : monotonic_seconds,
		.clock_ctx = config->clock_ctx,
		.alloc = alloc};
	struct dp_lru_config lru = {
		.keys = &dp_lru_string_key,
		.values = &entry_ops,
		.maxsize = config->max_entries ? config->max_entries
	                                       : DEFAULT_ENTRIES,
		.alloc = alloc,
	};
	client->entries = dp_lru_create(&lru);
	if (client->entries == NULL)
		goto fail_free_client;
	/* Reference-counted and thread-safe since libcurl 7.84; paired with
	 * curl_global_cleanup() in destroy. */
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		goto fail_destroy_entries;
	client->curl = curl_easy_init();
	if (client->curl == NULL)
		goto fail_global_cleanup;
	CURL *c = client->curl;
	if (curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L) != CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body) != CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_WRITEDATA, client) != CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header) !=
	            CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_HEADERDATA, &client->received) !=
	            CURLE_OK)
		goto fail_cleanup_curl;
	return client;

fail_cleanup_curl:
	curl_easy_cleanup(client->curl);
fail_global_cleanup:
	curl_global_cleanup();
fail_destroy_entries:
	dp_lru_destroy(client->entries);
fail_free_client:
	dp_free(alloc, client);
	return NULL;
}

void dp_http_client_destroy(dp_http_client *client)
{
	if (client == NULL)
		return;
	curl_easy_cleanup(client->curl);
	curl_global_cleanup();
	dp_lru_destroy(client->entries);
	dp_free(client->alloc, client->received.body);
	dp_free(client->alloc, client);
}

/* The value of a request header in `headers`, or "" when absent. */
static const char *request_value(const char *const *headers, const char *name,
                                 size_t name_size, size_t *size)
{
	for (size_t i = 0; headers != NULL && headers[i] != NULL; i++) {
		const char *line = headers[i];
		if (strncasecmp(line, name, name_size) != 0 ||
		    line[name_size] != ':')
			continue;
		const char *value = line + name_size + 1;
		while (*value == ' ' || *value == '\t')
			value++;
		*size = strlen(value);
		return value;
	}
	*size = 0;
	return "";
}

/* What identifies this request among the variants Vary names: each named
 * header's value, one per line. Two requests with the same key may share
 * a response. NULL when memory runs out. */
static char *vary_key(const struct dp_allocator *alloc, const char *vary,
                      const char *const *headers)
{
	size_t total = 1;
	for (int pass = 0; pass < 2; pass++) {
		char *key = NULL;
		if (pass == 1) {
			key = dp_alloc(alloc, total);
			if (key == NULL)
				return NULL;
		}
		size_t used = 0;
		const char *p = vary;
		while (*p != '\0') {
			while (*p == ' ' || *p == '\t' || *p == ',')
				p++;
			const char *name = p;
			while (*p != '\0' && *p != ',' && *p != ' ' &&
			       *p != '\t')
				p++;
			size_t name_size = (size_t)(p - name), size;
			if (name_size == 0)
				continue;
			const char *value =
				request_value(headers, name, name_size, &size);
			if (pass == 1) {
				memcpy(key + used, value, size);
				key[used + size] = '\n';
			}
			used += size + 1;
		}
		if (pass == 0) {
			total = used + 1;
		} else {
			key[used] = '\0';
			return key;
		}
	}
	return NULL;
}

/* RFC 9111 section 3: what this private cache may store. */
static bool storable(const struct received *r,
                     const struct dp_http_cache_control *cc)
{
	if (r->too_long || cc->no_store || strcmp(r->vary, "*") == 0)
		return false;
	bool has_validator = r->etag[0] != '\0' || r->last_modified[0] != '\0';
	return cc->max_age > 0 || has_validator;
}

static bool is_fresh(const dp_http_client *client, const struct entry *e)
{
	return !e->no_cache && e->max_age > 0 &&
	       client->clock(client->clock_ctx) - e->stored_at < e->max_age;
}

/* Store the response just received under `url`; returns the entry, or
 * NULL when memory runs out (the response is then just not cached). */
static struct entry *store(dp_http_client *client, const char *url,
                           const char *const *headers,
                           const struct dp_http_cache_control *cc)
{
	const struct received *r = &client->received;
	struct entry *e = dp_alloc(client->alloc, sizeof(*e));
	if (e == NULL)
		return NULL;
	*e = (struct entry){.size = r->size,
	                    .stored_at = client->clock(client->clock_ctx),
	                    .max_age = cc->max_age,
	                    .no_cache = cc->no_cache};
	memcpy(e->etag, r->etag, sizeof(e->etag));
	memcpy(e->last_modified, r->last_modified, sizeof(e->last_modified));
	memcpy(e->vary, r->vary, sizeof(e->vary));
	e->body = dp_alloc(client->alloc, r->size);
	e->vary_key = vary_key(client->alloc, r->vary, headers);
	if (e->body == NULL || e->vary_key == NULL)
		goto fail_free_entry;
	if (r->size != 0)
		memcpy(e->body, r->body, r->size);
	if (dp_lru_put(client->entries, url, e) != DP_OK)
		goto fail_free_entry;
	client->stats.stored++;
	return e;

fail_free_entry:
	entry_free(NULL, e, client->alloc);
	return NULL;
}

/* The entry for `url` when this request may use it; a variant for other
 * header values is not. */
static struct entry *lookup(dp_http_client *client, const char *url,
                            const char *const *headers, bool *out_of_memory)
{
	void *value;
	*out_of_memory = false;
	if (dp_lru_get(client->entries, url, &value) != DP_OK)
		return NULL;
	struct entry *e = value;
	if (e->vary[0] == '\0')
		return e;
	/* One entry per URL: a request for another variant does not use
	 * it, and the response it gets replaces it. */
	char *key = vary_key(client->alloc, e->vary, headers);
	if (key == NULL) {
		*out_of_memory = true;
		return NULL;
	}
	bool same = strcmp(key, e->vary_key) == 0;
	dp_free(client->alloc, key);
	return same ? e : NULL;
}

/* Append "Name: value" to a header list; false when memory runs out. */
static bool append(struct curl_slist **list, const char *line)
{
	struct curl_slist *grown = curl_slist_append(*list, line);
	if (grown == NULL)
		return false;
	*list = grown;
	return true;
}

/* The request's headers: the caller's, then the stored entry's
 * validators, which make the request conditional. */
static int request_headers(const struct entry *e, const char *const *headers,
                           struct curl_slist **list)
{
	char line[HEADER_MAX + 32];

	for (size_t i = 0; headers != NULL && headers[i] != NULL; i++)
		if (!append(list, headers[i]))
			return DP_ENOMEM;
	if (e != NULL && e->etag[0] != '\0') {
		snprintf(line, sizeof(line), "If-None-Match: %s", e->etag);
		if (!append(list, line))
			return DP_ENOMEM;
	}
	if (e != NULL && e->last_modified[0] != '\0') {
		snprintf(line, sizeof(line), "If-Modified-Since: %s",
		         e->last_modified);
		if (!append(list, line))
			return DP_ENOMEM;
	}
	return DP_OK;
}

/* One request through libcurl; the answer lands in client->received and
 * its status in *status. Counts the request and its bytes. */
static int perform(dp_http_client *client, const char *url,
                   struct curl_slist *list, long *status)
{
	CURL *c = client->curl;
	curl_off_t header_bytes = 0, request_bytes = 0;

	client->received.size = 0;
	client->out_of_memory = false;
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, list);
	CURLcode result = curl_easy_perform(c);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, NULL);
	if (result != CURLE_OK)
		return client->out_of_memory ? DP_ENOMEM : DP_EIO;
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, status);
	curl_easy_getinfo(c, CURLINFO_HEADER_SIZE, &header_bytes);
	curl_easy_getinfo(c, CURLINFO_REQUEST_SIZE, &request_bytes);
	client->stats.requests++;
	client->stats.bytes_sent += (uint64_t)request_bytes;
	client->stats.bytes_received +=
		(uint64_t)header_bytes + client->received.size;
	return DP_OK;
}

/* A 304 for a stored entry: RFC 9111 section 4.3.4, the 304's headers
 * update the stored ones, and the stored body is the answer. */
static void refresh(dp_http_client *client, struct entry *e,
                    const struct dp_http_cache_control *cc,
                    struct dp_http_response *out)
{
	const struct received *r = &client->received;

	e->stored_at = client->clock(client->clock_ctx);
	if (r->has_cache_control) {
		e->max_age = cc->max_age;
		e->no_cache = cc->no_cache;
	}
	if (r->etag[0] != '\0' && !r->too_long)
		memcpy(e->etag, r->etag, sizeof(e->etag));
	client->stats.revalidated++;
	*out = (struct dp_http_response){.status = 200,
	                                 .body = e->body,
	                                 .size = e->size,
	                                 .source = DP_HTTP_REVALIDATED};
}

/* A full answer from the network: kept when it may be stored, and any
 * older entry dropped when it may not. */
static void keep(dp_http_client *client, const char *url,
                 const char *const *headers, long status,
                 const struct dp_http_cache_control *cc,
                 struct dp_http_response *out)
{
	struct received *r = &client->received;

	*out = (struct dp_http_response){.status = status,
	                                 .body = r->body,
	                                 .size = r->size,
	                                 .source = DP_HTTP_FROM_NETWORK};
	if (status != 200)
		return;
	struct entry *stored = NULL;
	if (storable(r, cc))
		stored = store(client, url, headers, cc);
	else
		dp_lru_remove(client->entries, url);
	if (stored != NULL)
		out->body = stored->body;
}

int dp_http_client_get(dp_http_client *client, const char *url,
                       const char *const *headers, struct dp_http_response *out)
{
	if (client == NULL || url == NULL || out == NULL)
		return DP_EINVAL;
	bool out_of_memory;
	struct entry *e = lookup(client, url, headers, &out_of_memory);
	if (out_of_memory)
		return DP_ENOMEM;
	if (e != NULL && is_fresh(client, e)) {
		client->stats.fresh_hits++;
		*out = (struct dp_http_response){.status = 200,
		                                 .body = e->body,
		                                 .size = e->size,
		                                 .source = DP_HTTP_FROM_CACHE};
		return DP_OK;
	}
	struct curl_slist *list = NULL;
	long status = 0;
	int rc = request_headers(e, headers, &list);
	if (rc == DP_OK)
		rc = perform(client, url, list, &status);
	curl_slist_free_all(list);
	if (rc != DP_OK)
		return rc;
	struct dp_http_cache_control cc;
	dp_http_cache_control_parse(client->received.cache_control, &cc);
	if (status == 304 && e != NULL)
		refresh(client, e, &cc, out);
	else
		keep(client, url, headers, status, &cc, out);
	return DP_OK;
}

int dp_http_client_stats(const dp_http_client *client,
                         struct dp_http_client_stats *stats)
{
	if (client == NULL || stats == NULL)
		return DP_EINVAL;
	*stats = client->stats;
	return DP_OK;
}
