/*
 * The Redis back-end: an Adapter from hiredis's API (a connection, printf-
 * like commands, reply objects) to the cache interface.
 *
 * The adapter's one rule is that the server's trouble stays inside it: a
 * refused connection, a timeout or an error reply becomes DP_EIO for the
 * caller (a miss, a failed set) and one more error in info.
 *
 * A connection that fails (a timeout, a reset, an end of file) is closed
 * at once without reading another byte: hiredis leaves a context unusable
 * after an I/O error, and a reply read late would be taken for the next
 * command's. Losing a connection counts as a failed attempt, exactly like
 * a refused one, and both open the retry interval: calls fail fast until
 * it has passed, then one call connects again. This matters for a hung
 * server: the kernel still accepts connections for a stopped process, so
 * without it every call would connect, wait out its timeout, and leave
 * one more connection queued at the server.
 *
 * What a failed set means follows from the sockets, not from a choice:
 * a command already written is in the server's hands, and closing our end
 * does not take it back. The contract in cache.h says so.
 *
 * hiredis writes with write(), and a write to a server that has died
 * raises SIGPIPE, whose default action ends the process. A library must
 * not change the process's signal dispositions behind its caller's back,
 * so each call blocks SIGPIPE in its own thread while it talks to the
 * server and discards a SIGPIPE that it caused: the write then fails
 * with EPIPE, which is one more counted error.
 */
#define _XOPEN_SOURCE 700 /* suseconds_t, sigtimedwait */

#include "cache/cache.h"

#include <hiredis/hiredis.h>

#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <string.h>

struct redis_backend {
	redisContext *redis; /* NULL while disconnected. */
	char *unix_path;     /* Or host and port. */
	char *host;
	int port;
	char *prefix;
	size_t prefix_size;
	char *match; /* The prefix as a SCAN pattern: escaped, then "*". */
	struct timeval connect_timeout;
	struct timeval command_timeout;
	uint64_t retry_interval_ns;
	/* When a connection last failed or was lost; 0: nothing to wait
	 * out. Read on #clock. */
	uint64_t last_failure_ns;
	dp_cache_clock_fn *clock;
	void *clock_ctx;
	const struct dp_allocator *alloc;
	struct dp_cache_info counts;
};

static struct timeval to_timeval(uint32_t ms)
{
	if (ms == 0)
		ms = DP_CACHE_REDIS_TIMEOUT_MS;
	struct timeval tv = {.tv_sec = ms / 1000,
	                     .tv_usec = (suseconds_t)(ms % 1000) * 1000};
	return tv;
}

/* SIGPIPE blocked in this thread for the length of one call. */
struct pipe_guard {
	sigset_t old_mask;
	bool was_pending; /* Raised before the call: not ours to discard. */
};

/* Fills `pipe_only` with SIGPIPE alone; says whether one is pending. */
static bool pipe_pending(sigset_t *pipe_only)
{
	sigset_t pending;

	sigemptyset(pipe_only);
	sigaddset(pipe_only, SIGPIPE);
	sigemptyset(&pending);
	sigpending(&pending);
	return sigismember(&pending, SIGPIPE) == 1;
}

static void pipe_guard_begin(struct pipe_guard *guard)
{
	sigset_t pipe_only;

	guard->was_pending = pipe_pending(&pipe_only);
	pthread_sigmask(SIG_BLOCK, &pipe_only, &guard->old_mask);
}

static void pipe_guard_end(const struct pipe_guard *guard)
{
	sigset_t pipe_only;

	if (pipe_pending(&pipe_only) && !guard->was_pending) {
		const struct timespec now = {0, 0};
		sigtimedwait(&pipe_only, NULL, &now);
	}
	pthread_sigmask(SIG_SETMASK, &guard->old_mask, NULL);
}

static uint64_t default_clock(void *ctx)
{
	(void)ctx;
	return dp_now_ns();
}

static void disconnect(struct redis_backend *backend)
{
	redisFree(backend->redis);
	backend->redis = NULL;
}

/* A failed call: count it, and drop a connection hiredis has given up,
 * which opens the retry interval as a refused connection does. */
static int fail(struct redis_backend *backend)
{
	backend->counts.errors++;
	if (backend->redis != NULL && backend->redis->err != 0) {
		disconnect(backend);
		backend->last_failure_ns = backend->clock(backend->clock_ctx);
	}
	return DP_EIO;
}

static bool connect_now(struct redis_backend *backend)
{
	redisContext *redis;

	if (backend->unix_path != NULL)
		redis = redisConnectUnixWithTimeout(backend->unix_path,
		                                    backend->connect_timeout);
	else
		redis = redisConnectWithTimeout(backend->host, backend->port,
		                                backend->connect_timeout);
	if (redis == NULL || redis->err != 0 ||
	    redisSetTimeout(redis, backend->command_timeout) != REDIS_OK) {
		redisFree(redis);
		backend->last_failure_ns = backend->clock(backend->clock_ctx);
		return false;
	}
	backend->redis = redis;
	backend->last_failure_ns = 0;
	backend->counts.connects++;
	return true;
}

/* Whether there is a connection to use, making one if it is time to. */
static bool connected(struct redis_backend *backend)
{
	if (backend->redis != NULL)
		return true;
	if (backend->last_failure_ns != 0 &&
	    backend->clock(backend->clock_ctx) - backend->last_failure_ns <
	            backend->retry_interval_ns)
		return false;
	return connect_now(backend);
}

/* Send one command and read its reply; NULL means the call failed and
 * has been counted. The caller frees a reply with freeReplyObject(). */
static redisReply *command(struct redis_backend *backend, const char *format,
                           ...)
{
	if (!connected(backend)) {
		fail(backend);
		return NULL;
	}
	va_list args;
	va_start(args, format);
	redisReply *reply = redisvCommand(backend->redis, format, args);
	va_end(args);
	if (reply == NULL) {
		fail(backend);
		return NULL;
	}
	if (reply->type == REDIS_REPLY_ERROR) {
		freeReplyObject(reply);
		fail(backend);
		return NULL;
	}
	return reply;
}

/* Copy a GET reply out, as the get slot promises. */
static int take_value(struct redis_backend *backend, const redisReply *reply,
                      void *buffer, size_t capacity, size_t *size)
{
	if (reply->type == REDIS_REPLY_NIL) {
		backend->counts.misses++;
		return DP_ENOENT;
	}
	if (reply->type != REDIS_REPLY_STRING) {
		backend->counts.misses++;
		backend->counts.errors++;
		return DP_EIO;
	}
	backend->counts.hits++;
	*size = (size_t)reply->len;
	if (*size > capacity)
		return DP_ERANGE;
	if (*size > 0)
		memcpy(buffer, reply->str, *size);
	return DP_OK;
}

static int redis_get_unguarded(void *ctx, const void *key, size_t key_size,
                               void *buffer, size_t capacity, size_t *size)
{
	struct redis_backend *backend = ctx;
	redisReply *reply = command(backend, "GET %b%b", backend->prefix,
	                            backend->prefix_size, key, key_size);
	if (reply == NULL) {
		backend->counts.misses++;
		return DP_EIO;
	}
	int rc = take_value(backend, reply, buffer, capacity, size);
	freeReplyObject(reply);
	return rc;
}

/* The SET command for one value: hiredis joins adjacent %b in one word,
 * so the prefix is never copied into a key buffer of ours. */
static int append_set(struct redis_backend *backend, const void *key,
                      size_t key_size, const void *value, size_t size,
                      uint64_t ttl_ms)
{
	if (ttl_ms == DP_CACHE_NO_TTL)
		return redisAppendCommand(backend->redis, "SET %b%b %b",
		                          backend->prefix, backend->prefix_size,
		                          key, key_size, value, size);
	return redisAppendCommand(backend->redis, "SET %b%b %b PX %llu",
	                          backend->prefix, backend->prefix_size, key,
	                          key_size, value, size,
	                          (unsigned long long)ttl_ms);
}

static int redis_set_unguarded(void *ctx, const void *key, size_t key_size,
                               const void *value, size_t size, uint64_t ttl_ms)
{
	struct redis_backend *backend = ctx;
	redisReply *reply = NULL;

	if (!connected(backend))
		return fail(backend);
	if (append_set(backend, key, key_size, value, size, ttl_ms) !=
	            REDIS_OK ||
	    redisGetReply(backend->redis, (void **)&reply) != REDIS_OK)
		return fail(backend);
	bool stored = reply->type == REDIS_REPLY_STATUS;
	freeReplyObject(reply);
	if (!stored)
		return fail(backend);
	backend->counts.sets++;
	return DP_OK;
}

static int redis_remove_unguarded(void *ctx, const void *key, size_t key_size)
{
	struct redis_backend *backend = ctx;
	redisReply *reply = command(backend, "DEL %b%b", backend->prefix,
	                            backend->prefix_size, key, key_size);
	if (reply == NULL)
		return DP_EIO;
	int rc = reply->type == REDIS_REPLY_INTEGER && reply->integer > 0
	                 ? DP_OK
	                 : DP_ENOENT;
	freeReplyObject(reply);
	return rc;
}

/* Read the replies of `count` pipelined commands; false when the
 * connection broke (it is then dropped and counted once). */
static bool read_replies(struct redis_backend *backend, size_t count)
{
	for (size_t i = 0; i < count; i++) {
		redisReply *reply = NULL;
		if (redisGetReply(backend->redis, (void **)&reply) !=
		    REDIS_OK) {
			fail(backend);
			return false;
		}
		freeReplyObject(reply);
	}
	return true;
}

/* SCAN walks the namespace in steps, without blocking the server as KEYS
 * would; each step's keys are unlinked in one pipelined round trip. */
static int redis_clear_unguarded(void *ctx)
{
	struct redis_backend *backend = ctx;
	char cursor[32] = "0";

	do {
		redisReply *reply =
			command(backend, "SCAN %s MATCH %s COUNT 1000", cursor,
		                backend->match);
		if (reply == NULL)
			return DP_EIO;
		if (reply->type != REDIS_REPLY_ARRAY || reply->elements != 2 ||
		    reply->element[0]->type != REDIS_REPLY_STRING ||
		    reply->element[0]->len >= (int)sizeof(cursor) ||
		    reply->element[1]->type != REDIS_REPLY_ARRAY) {
			freeReplyObject(reply);
			return fail(backend);
		}
		memcpy(cursor, reply->element[0]->str,
		       (size_t)reply->element[0]->len + 1);
		const redisReply *keys = reply->element[1];
		for (size_t i = 0; i < keys->elements; i++)
			redisAppendCommand(backend->redis, "UNLINK %b",
			                   keys->element[i]->str,
			                   (size_t)keys->element[i]->len);
		size_t sent = keys->elements;
		freeReplyObject(reply);
		if (!read_replies(backend, sent))
			return DP_EIO;
	} while (strcmp(cursor, "0") != 0);
	return DP_OK;
}

static void redis_info(void *ctx, struct dp_cache_info *info)
{
	const struct redis_backend *backend = ctx;

	*info = backend->counts;
}

/* Mark every item from `from` on as failed, as a miss would be counted. */
static void fail_items(struct redis_backend *backend,
                       struct dp_cache_item *items, size_t from, size_t count,
                       bool are_gets)
{
	for (size_t i = from; i < count; i++) {
		items[i].status = DP_EIO;
		if (are_gets)
			backend->counts.misses++;
	}
}

/* Whether a pipeline may start; when it may not, every item is failed. */
static bool pipeline_start(struct redis_backend *backend,
                           struct dp_cache_item *items, size_t count,
                           bool are_gets)
{
	if (connected(backend))
		return true;
	fail(backend);
	fail_items(backend, items, 0, count, are_gets);
	return false;
}

/* The reply to item `i` of a pipeline, or NULL when the link failed; then
 * item `i` and every later one is failed. */
static redisReply *pipeline_reply(struct redis_backend *backend,
                                  struct dp_cache_item *items, size_t i,
                                  size_t count, bool are_gets)
{
	redisReply *reply = NULL;

	if (redisGetReply(backend->redis, (void **)&reply) == REDIS_OK)
		return reply;
	fail(backend);
	fail_items(backend, items, i, count, are_gets);
	return NULL;
}

/* Pipelining: every command is written first, then every reply read, so
 * the whole batch costs one round trip instead of one per key. */
static void redis_get_many_unguarded(void *ctx, struct dp_cache_item *items,
                                     size_t count)
{
	struct redis_backend *backend = ctx;

	if (!pipeline_start(backend, items, count, true))
		return;
	for (size_t i = 0; i < count; i++)
		redisAppendCommand(backend->redis, "GET %b%b", backend->prefix,
		                   backend->prefix_size, items[i].key,
		                   items[i].key_size);
	for (size_t i = 0; i < count; i++) {
		redisReply *reply =
			pipeline_reply(backend, items, i, count, true);
		if (reply == NULL)
			return;
		items[i].status = take_value(backend, reply, items[i].buffer,
		                             items[i].capacity, &items[i].size);
		freeReplyObject(reply);
	}
}

static void redis_set_many_unguarded(void *ctx, struct dp_cache_item *items,
                                     size_t count, uint64_t ttl_ms)
{
	struct redis_backend *backend = ctx;

	if (!pipeline_start(backend, items, count, false))
		return;
	for (size_t i = 0; i < count; i++)
		append_set(backend, items[i].key, items[i].key_size,
		           items[i].value, items[i].size, ttl_ms);
	for (size_t i = 0; i < count; i++) {
		redisReply *reply =
			pipeline_reply(backend, items, i, count, false);
		if (reply == NULL)
			return;
		if (reply->type == REDIS_REPLY_STATUS) {
			items[i].status = DP_OK;
			backend->counts.sets++;
		} else {
			items[i].status = DP_EIO;
			backend->counts.errors++;
		}
		freeReplyObject(reply);
	}
}

static void free_backend(struct redis_backend *backend)
{
	dp_free(backend->alloc, backend->unix_path);
	dp_free(backend->alloc, backend->host);
	dp_free(backend->alloc, backend->prefix);
	dp_free(backend->alloc, backend->match);
	dp_free(backend->alloc, backend);
}

static void redis_destroy(void *ctx)
{
	struct redis_backend *backend = ctx;

	disconnect(backend);
	free_backend(backend);
}

/* The slots: each call runs inside one SIGPIPE guard. */
static int redis_get(void *ctx, const void *key, size_t key_size, void *buffer,
                     size_t capacity, size_t *size)
{
	struct pipe_guard guard;
	pipe_guard_begin(&guard);
	int rc =
		redis_get_unguarded(ctx, key, key_size, buffer, capacity, size);
	pipe_guard_end(&guard);
	return rc;
}

static int redis_set(void *ctx, const void *key, size_t key_size,
                     const void *value, size_t size, uint64_t ttl_ms)
{
	struct pipe_guard guard;
	pipe_guard_begin(&guard);
	int rc = redis_set_unguarded(ctx, key, key_size, value, size, ttl_ms);
	pipe_guard_end(&guard);
	return rc;
}

static int redis_remove(void *ctx, const void *key, size_t key_size)
{
	struct pipe_guard guard;
	pipe_guard_begin(&guard);
	int rc = redis_remove_unguarded(ctx, key, key_size);
	pipe_guard_end(&guard);
	return rc;
}

static int redis_clear(void *ctx)
{
	struct pipe_guard guard;
	pipe_guard_begin(&guard);
	int rc = redis_clear_unguarded(ctx);
	pipe_guard_end(&guard);
	return rc;
}

static void redis_get_many(void *ctx, struct dp_cache_item *items, size_t count)
{
	struct pipe_guard guard;
	pipe_guard_begin(&guard);
	redis_get_many_unguarded(ctx, items, count);
	pipe_guard_end(&guard);
}

static void redis_set_many(void *ctx, struct dp_cache_item *items, size_t count,
                           uint64_t ttl_ms)
{
	struct pipe_guard guard;
	pipe_guard_begin(&guard);
	redis_set_many_unguarded(ctx, items, count, ttl_ms);
	pipe_guard_end(&guard);
}

static const struct dp_cache_ops redis_ops = {
	.name = "redis",
	.get = redis_get,
	.set = redis_set,
	.remove = redis_remove,
	.clear = redis_clear,
	.info = redis_info,
	.get_many = redis_get_many,
	.set_many = redis_set_many,
	.destroy = redis_destroy,
};

/* A copy of a string, or NULL for NULL; `*ok` turns false when memory
 * runs out, so that a NULL result is never ambiguous. */
static char *copy_string(const struct dp_allocator *alloc, const char *text,
                         bool *ok)
{
	char *copy = dp_strdup(alloc, text);
	if (text != NULL && copy == NULL)
		*ok = false;
	return copy;
}

/* The prefix as a glob pattern: SCAN MATCH would otherwise read its own
 * meaning into a prefix holding '*', '?', '[', ']' or '\\'. */
static char *match_pattern(const struct dp_allocator *alloc, const char *prefix,
                           size_t prefix_size)
{
	char *match = dp_alloc(alloc, 2 * prefix_size + 2);
	if (match == NULL)
		return NULL;
	size_t at = 0;
	for (size_t i = 0; i < prefix_size; i++) {
		if (strchr("*?[]\\", prefix[i]) != NULL)
			match[at++] = '\\';
		match[at++] = prefix[i];
	}
	match[at++] = '*';
	match[at] = '\0';
	return match;
}

dp_cache *dp_cache_redis_create(const struct dp_cache_redis_config *config)
{
	if (config == NULL ||
	    (config->unix_path == NULL) == (config->host == NULL))
		return NULL;
	if (config->host != NULL && (config->port < 1 || config->port > 65535))
		return NULL;

	const struct dp_allocator *alloc = config->alloc;
	struct redis_backend *backend = dp_alloc(alloc, sizeof(*backend));
	if (backend == NULL)
		return NULL;
	memset(backend, 0, sizeof(*backend));
	backend->alloc = alloc;
	backend->port = config->port;
	backend->connect_timeout = to_timeval(config->connect_timeout_ms);
	backend->command_timeout = to_timeval(config->command_timeout_ms);
	backend->retry_interval_ns =
		(uint64_t)config->retry_interval_ms * 1000000u;
	backend->clock = config->clock != NULL ? config->clock : default_clock;
	backend->clock_ctx = config->clock_ctx;

	bool ok = true;
	const char *prefix = config->prefix != NULL ? config->prefix : "";
	backend->unix_path = copy_string(alloc, config->unix_path, &ok);
	backend->host = copy_string(alloc, config->host, &ok);
	backend->prefix = copy_string(alloc, prefix, &ok);
	if (!ok)
		goto fail_free_backend;
	backend->prefix_size = strlen(prefix);
	backend->match = match_pattern(alloc, prefix, backend->prefix_size);
	if (backend->match == NULL)
		goto fail_free_backend;

	dp_cache *cache = dp_cache_create(&redis_ops, backend, alloc);
	if (cache == NULL)
		goto fail_free_backend;
	/* A server that is down now is a failure of later calls, not of
	 * creation: the cache must work the moment the server is back. */
	if (!connect_now(backend))
		backend->counts.errors++;
	return cache;

fail_free_backend:
	free_backend(backend);
	return NULL;
}
