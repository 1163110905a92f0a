/*
 * The server half: libmicrohttpd parses HTTP/1.1 and owns the sockets; our
 * code decides, per request, between 200, 304, 404 and 405 and writes the
 * caching headers.
 *
 * libmicrohttpd runs one thread of its own (its internal poll thread), so
 * the resources are read there and written by dp_http_server_put() on the
 * caller's thread: one mutex guards them and the counters. A request copies
 * the body it sends while holding the lock, so a put never frees a body
 * that is being sent, and a reader sees the old resource or the new one.
 */
#define _DEFAULT_SOURCE

#include "http_cache/http_cache.h"

#include <microhttpd.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

/* One stored resource; every string and the body are the server's copies,
 * from its allocator. */
struct resource {
	char *path;
	char *content_type;
	char *cache_control; /* NULL: none sent. */
	char *vary;          /* NULL: one body for everyone. */
	char *variant;       /* NULL: the default body. */
	unsigned char *body;
	size_t size;
	time_t last_modified; /* 0: none sent. */
	char etag[DP_HTTP_ETAG_SIZE];
	char last_modified_text[DP_HTTP_DATE_SIZE];
};

struct dp_http_server {
	struct MHD_Daemon *daemon;
	uint16_t port;
	pthread_mutex_t lock; /* Guards everything below. */
	struct resource **resources;
	size_t count;
	size_t capacity;
	struct dp_http_server_stats stats;
	dp_http_request_log_fn *on_request;
	void *log_ctx;
	const struct dp_allocator *alloc;
};

static const char NOT_FOUND[] = "not found\n";
static const char NOT_ALLOWED[] = "method not allowed\n";

static bool same_string(const char *a, const char *b)
{
	return (a == NULL && b == NULL) ||
	       (a != NULL && b != NULL && strcmp(a, b) == 0);
}

/* The resource for a path and the request's value of its Vary header: the
 * exact variant, else the default one. Called with the lock held. */
static const struct resource *find(const dp_http_server *server,
                                   const char *path,
                                   struct MHD_Connection *connection)
{
	const struct resource *fallback = NULL;
	for (size_t i = 0; i < server->count; i++) {
		const struct resource *r = server->resources[i];
		if (strcmp(r->path, path) != 0)
			continue;
		if (r->variant == NULL) {
			fallback = r;
			continue;
		}
		const char *value = MHD_lookup_connection_value(
			connection, MHD_HEADER_KIND, r->vary);
		if (value != NULL && strcasecmp(value, r->variant) == 0)
			return r;
	}
	return fallback;
}

/* RFC 9110 section 13.2.2: If-None-Match decides when present; only
 * without it does If-Modified-Since count, and a date that does not parse
 * is ignored. */
static bool not_modified(const struct resource *r, const char *if_none_match,
                         const char *if_modified_since)
{
	if (if_none_match != NULL)
		return dp_http_etag_list_matches(if_none_match, r->etag);
	time_t since;
	return if_modified_since != NULL && r->last_modified != 0 &&
	       dp_http_date_parse(if_modified_since, &since) == DP_OK &&
	       r->last_modified <= since;
}

static bool add_header(struct MHD_Response *response, const char *name,
                       const char *value)
{
	return value == NULL ||
	       MHD_add_response_header(response, name, value) == MHD_YES;
}

/* The caching headers of a 200 or a 304. A 304 repeats ETag,
 * Cache-Control and Vary so that the client can update its entry, and
 * leaves Last-Modified out when an ETag is there (RFC 9110 15.4.5). */
static bool add_caching_headers(struct MHD_Response *response,
                                const struct resource *r, bool is_304)
{
	bool with_date = r->last_modified != 0 && !is_304;
	return add_header(response, MHD_HTTP_HEADER_ETAG, r->etag) &&
	       add_header(response, MHD_HTTP_HEADER_CACHE_CONTROL,
	                  r->cache_control) &&
	       add_header(response, MHD_HTTP_HEADER_VARY, r->vary) &&
	       add_header(response, MHD_HTTP_HEADER_LAST_MODIFIED,
	                  with_date ? r->last_modified_text : NULL) &&
	       (is_304 || add_header(response, MHD_HTTP_HEADER_CONTENT_TYPE,
	                             r->content_type));
}

/* Build the answer with the lock held: the body is copied into the
 * response, so nothing of the resource is read after unlocking. */
static struct MHD_Response *answer(dp_http_server *server,
                                   struct MHD_Connection *connection,
                                   const char *method, const char *path,
                                   unsigned *status, size_t *body_bytes)
{
	bool is_head = strcmp(method, MHD_HTTP_METHOD_HEAD) == 0;
	struct MHD_Response *response;

	if (!is_head && strcmp(method, MHD_HTTP_METHOD_GET) != 0) {
		*status = MHD_HTTP_METHOD_NOT_ALLOWED;
		*body_bytes = sizeof(NOT_ALLOWED) - 1;
		response = MHD_create_response_from_buffer(
			*body_bytes, (void *)NOT_ALLOWED,
			MHD_RESPMEM_PERSISTENT);
		if (response != NULL &&
		    !add_header(response, MHD_HTTP_HEADER_ALLOW, "GET, HEAD")) {
			MHD_destroy_response(response);
			response = NULL;
		}
		return response;
	}
	const struct resource *r = find(server, path, connection);
	if (r == NULL) {
		*status = MHD_HTTP_NOT_FOUND;
		*body_bytes = is_head ? 0 : sizeof(NOT_FOUND) - 1;
		return MHD_create_response_from_buffer(sizeof(NOT_FOUND) - 1,
		                                       (void *)NOT_FOUND,
		                                       MHD_RESPMEM_PERSISTENT);
	}
	const char *inm = MHD_lookup_connection_value(
		connection, MHD_HEADER_KIND, MHD_HTTP_HEADER_IF_NONE_MATCH);
	const char *ims = MHD_lookup_connection_value(
		connection, MHD_HEADER_KIND, MHD_HTTP_HEADER_IF_MODIFIED_SINCE);
	bool is_304 = not_modified(r, inm, ims);
	if (is_304) {
		*status = MHD_HTTP_NOT_MODIFIED;
		*body_bytes = 0;
		response = MHD_create_response_from_buffer(
			0, NULL, MHD_RESPMEM_PERSISTENT);
	} else {
		*status = MHD_HTTP_OK;
		*body_bytes = is_head ? 0 : r->size;
		response = MHD_create_response_from_buffer(
			r->size, r->body, MHD_RESPMEM_MUST_COPY);
	}
	if (response != NULL && !add_caching_headers(response, r, is_304)) {
		MHD_destroy_response(response);
		response = NULL;
	}
	return response;
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *connection,
                              const char *url, const char *method,
                              const char *version, const char *upload_data,
                              size_t *upload_data_size, void **request_state)
{
	dp_http_server *server = cls;
	(void)version;
	(void)upload_data;
	(void)upload_data_size;
	(void)request_state;

	/* Answered on the first call, with the headers: no method we serve
	 * has a body, and libmicrohttpd discards one that comes anyway. */
	unsigned status = 0;
	size_t body_bytes = 0;
	pthread_mutex_lock(&server->lock);
	struct MHD_Response *response =
		answer(server, connection, method, url, &status, &body_bytes);
	if (response != NULL) {
		struct dp_http_server_stats *s = &server->stats;
		s->requests++;
		s->responses_200 += status == MHD_HTTP_OK;
		s->responses_304 += status == MHD_HTTP_NOT_MODIFIED;
		s->responses_4xx += status >= 400 && status < 500;
		s->body_bytes += body_bytes;
		if (server->on_request != NULL) {
			struct dp_http_request_record record = {
				.method = method,
				.path = url,
				.if_none_match = MHD_lookup_connection_value(
					connection, MHD_HEADER_KIND,
					MHD_HTTP_HEADER_IF_NONE_MATCH),
				.if_modified_since = MHD_lookup_connection_value(
					connection, MHD_HEADER_KIND,
					MHD_HTTP_HEADER_IF_MODIFIED_SINCE),
				.status = status,
				.body_bytes = body_bytes,
			};
			server->on_request(server->log_ctx, &record);
		}
	}
	pthread_mutex_unlock(&server->lock);
	if (response == NULL)
		return MHD_NO; /* Out of memory: libmicrohttpd closes. */
	enum MHD_Result queued =
		MHD_queue_response(connection, status, response);
	MHD_destroy_response(response);
	return queued;
}

dp_http_server *
dp_http_server_create(const struct dp_http_server_config *config)
{
	struct dp_http_server_config defaults = {0};
	if (config == NULL)
		config = &defaults;
	const struct dp_allocator *alloc = config->alloc;

	dp_http_server *server = dp_alloc(alloc, sizeof(*server));
	if (server == NULL)
		return NULL;
	*server = (struct dp_http_server){.on_request = config->on_request,
	                                  .log_ctx = config->log_ctx,
	                                  .alloc = alloc};
	if (pthread_mutex_init(&server->lock, NULL) != 0)
		goto fail_free_server;

	struct sockaddr_in address = {.sin_family = AF_INET,
	                              .sin_port = htons(config->port)};
	address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	/* One internal thread polling every connection: the simplest mode
	 * that valgrind and ThreadSanitizer can follow, and plenty for a
	 * test server. No error log: a malformed request is the client's
	 * problem, answered with a 4xx, not a line on our stderr. */
	server->daemon = MHD_start_daemon(
		MHD_USE_POLL_INTERNAL_THREAD, config->port, NULL, NULL, handle,
		server, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&address,
		MHD_OPTION_END);
	if (server->daemon == NULL)
		goto fail_destroy_lock;
	const union MHD_DaemonInfo *info =
		MHD_get_daemon_info(server->daemon, MHD_DAEMON_INFO_BIND_PORT);
	if (info == NULL || info->port == 0)
		goto fail_stop_daemon;
	server->port = info->port;
	return server;

fail_stop_daemon:
	MHD_stop_daemon(server->daemon);
fail_destroy_lock:
	pthread_mutex_destroy(&server->lock);
fail_free_server:
	dp_free(alloc, server);
	return NULL;
}

static void resource_free(const struct dp_allocator *alloc, struct resource *r)
{
	if (r == NULL)
		return;
	dp_free(alloc, r->path);
	dp_free(alloc, r->content_type);
	dp_free(alloc, r->cache_control);
	dp_free(alloc, r->vary);
	dp_free(alloc, r->variant);
	dp_free(alloc, r->body);
	dp_free(alloc, r);
}

void dp_http_server_destroy(dp_http_server *server)
{
	if (server == NULL)
		return;
	/* Stopping joins the server's thread: no request runs after it. */
	MHD_stop_daemon(server->daemon);
	for (size_t i = 0; i < server->count; i++)
		resource_free(server->alloc, server->resources[i]);
	dp_free(server->alloc, server->resources);
	pthread_mutex_destroy(&server->lock);
	dp_free(server->alloc, server);
}

uint16_t dp_http_server_port(const dp_http_server *server)
{
	return server != NULL ? server->port : 0;
}

/* A header value with CR or LF would let a resource write headers of its
 * own into every response: refused. */
static bool safe_header_value(const char *value)
{
	return value == NULL || strpbrk(value, "\r\n") == NULL;
}

/* A copy of an optional string; true when `text` was NULL or copied. */
static bool copy_string(const struct dp_allocator *alloc, const char *text,
                        char **out)
{
	*out = dp_strdup(alloc, text);
	return text == NULL || *out != NULL;
}

static struct resource *resource_copy(const struct dp_allocator *alloc,
                                      const struct dp_http_resource *in)
{
	struct resource *r = dp_alloc(alloc, sizeof(*r));
	if (r == NULL)
		return NULL;
	*r = (struct resource){.size = in->size,
	                       .last_modified = in->last_modified};
	const char *type = in->content_type != NULL
	                           ? in->content_type
	                           : "application/octet-stream";
	r->body = dp_alloc(alloc, in->size);
	if (r->body == NULL || !copy_string(alloc, in->path, &r->path) ||
	    !copy_string(alloc, type, &r->content_type) ||
	    !copy_string(alloc, in->cache_control, &r->cache_control) ||
	    !copy_string(alloc, in->vary, &r->vary) ||
	    !copy_string(alloc, in->variant, &r->variant)) {
		resource_free(alloc, r);
		return NULL;
	}
	if (in->size != 0)
		memcpy(r->body, in->body, in->size);
	dp_http_etag(r->body, r->size, r->etag, sizeof(r->etag));
	if (r->last_modified != 0 &&
	    dp_http_date_format(r->last_modified, r->last_modified_text,
	                        sizeof(r->last_modified_text)) != DP_OK)
		r->last_modified = 0;
	return r;
}

int dp_http_server_put(dp_http_server *server,
                       const struct dp_http_resource *resource)
{
	if (server == NULL || resource == NULL || resource->path == NULL ||
	    resource->path[0] != '/' ||
	    (resource->body == NULL && resource->size != 0) ||
	    (resource->variant != NULL && resource->vary == NULL) ||
	    !safe_header_value(resource->content_type) ||
	    !safe_header_value(resource->cache_control) ||
	    !safe_header_value(resource->vary))
		return DP_EINVAL;

	/* Everything is allocated before the lock is taken and before
	 * anything changes: a failure leaves the server as it was. */
	struct resource *fresh = resource_copy(server->alloc, resource);
	if (fresh == NULL)
		return DP_ENOMEM;

	int rc = DP_OK;
	struct resource *old = NULL;
	pthread_mutex_lock(&server->lock);
	size_t i = 0;
	while (i < server->count &&
	       !(strcmp(server->resources[i]->path, fresh->path) == 0 &&
	         same_string(server->resources[i]->variant, fresh->variant)))
		i++;
	if (i < server->count) {
		old = server->resources[i];
		server->resources[i] = fresh;
	} else if (server->count == server->capacity) {
		size_t capacity = server->capacity ? 2 * server->capacity : 8;
		struct resource **grown =
			dp_realloc_array(server->alloc, server->resources,
		                         capacity, sizeof(*grown));
		if (grown == NULL) {
			old = fresh;
			rc = DP_ENOMEM;
		} else {
			server->resources = grown;
			server->capacity = capacity;
			server->resources[server->count++] = fresh;
		}
	} else {
		server->resources[server->count++] = fresh;
	}
	pthread_mutex_unlock(&server->lock);
	resource_free(server->alloc, old);
	return rc;
}

int dp_http_server_stats(dp_http_server *server,
                         struct dp_http_server_stats *stats)
{
	if (server == NULL || stats == NULL)
		return DP_EINVAL;
	pthread_mutex_lock(&server->lock);
	*stats = server->stats;
	pthread_mutex_unlock(&server->lock);
	return DP_OK;
}
