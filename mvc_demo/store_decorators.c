/*
 * Three decorators over the store interface. Each embeds the base first,
 * holds the store it wraps, forwards both calls and adds one behaviour, so
 * they stack in any order: the application builds
 * logging(timing(caching(file))) when DP_LOG_LEVEL is "debug".
 */
#define _POSIX_C_SOURCE 200809L

#include "store.h"

#include <string.h>

/* ---- logging ------------------------------------------------------------ */

struct logging_store {
	struct todo_store base; /* Base. Must be first. */
	struct todo_store *inner;
	struct dp_stream *log;
	const struct dp_allocator *alloc;
};

static struct logging_store *as_logging(struct todo_store *store)
{
	return dp_container_of(store, struct logging_store, base);
}

static void log_call(struct logging_store *self, const char *verb,
                     const char *path, int rc, size_t items,
                     const struct todo_status *status)
{
	/* A log that cannot be written must not turn a good save bad. */
	if (rc == DP_OK)
		(void)dp_stream_printf(self->log,
		                       "store: %s '%s': %zu item%s\n", verb,
		                       path, items, items == 1 ? "" : "s");
	else
		(void)dp_stream_printf(self->log, "store: %s '%s': %s (%s)\n",
		                       verb, path, dp_error_name(rc),
		                       status->reason ? status->reason : "");
	(void)dp_stream_flush(self->log);
}

static int logging_load(struct todo_store *store, const char *path,
                        struct todo_list *out, struct todo_status *status)
{
	struct logging_store *self = as_logging(store);
	int rc = todo_store_load(self->inner, path, out, status);

	log_call(self, "load", path, rc, out->count, status);
	return rc;
}

static int logging_save(struct todo_store *store, const char *path,
                        const struct todo_list *list,
                        struct todo_status *status)
{
	struct logging_store *self = as_logging(store);
	int rc = todo_store_save(self->inner, path, list, status);

	log_call(self, "save", path, rc, list->count, status);
	return rc;
}

static void logging_destroy(struct todo_store *store)
{
	struct logging_store *self = as_logging(store);

	todo_store_destroy(self->inner);
	dp_free(self->alloc, self);
}

static const struct todo_store_ops logging_ops = {
	.name = "logging",
	.load = logging_load,
	.save = logging_save,
	.destroy = logging_destroy,
};

struct todo_store *todo_logging_store_create(struct todo_store *inner,
                                             struct dp_stream *log,
                                             const struct dp_allocator *alloc)
{
	if (inner == NULL || log == NULL)
		return NULL;
	struct logging_store *self = dp_alloc(alloc, sizeof(*self));
	if (self == NULL)
		return NULL;
	*self = (struct logging_store){{&logging_ops}, inner, log, alloc};
	return &self->base;
}

/* ---- timing ------------------------------------------------------------- */

struct timing_store {
	struct todo_store base; /* Base. Must be first. */
	struct todo_store *inner;
	const struct dp_clock *clock;
	struct todo_store_timing *stats;
	const struct dp_allocator *alloc;
};

static struct timing_store *as_timing(struct todo_store *store)
{
	return dp_container_of(store, struct timing_store, base);
}

static void account(struct timing_store *self, uint64_t start)
{
	uint64_t elapsed = dp_clock_now_ns(self->clock) - start;

	self->stats->last_ns = elapsed;
	self->stats->total_ns += elapsed;
}

static int timing_load(struct todo_store *store, const char *path,
                       struct todo_list *out, struct todo_status *status)
{
	struct timing_store *self = as_timing(store);
	uint64_t start = dp_clock_now_ns(self->clock);
	int rc = todo_store_load(self->inner, path, out, status);

	self->stats->loads++;
	account(self, start);
	return rc;
}

static int timing_save(struct todo_store *store, const char *path,
                       const struct todo_list *list, struct todo_status *status)
{
	struct timing_store *self = as_timing(store);
	uint64_t start = dp_clock_now_ns(self->clock);
	int rc = todo_store_save(self->inner, path, list, status);

	self->stats->saves++;
	account(self, start);
	return rc;
}

static void timing_destroy(struct todo_store *store)
{
	struct timing_store *self = as_timing(store);

	todo_store_destroy(self->inner);
	dp_free(self->alloc, self);
}

static const struct todo_store_ops timing_ops = {
	.name = "timing",
	.load = timing_load,
	.save = timing_save,
	.destroy = timing_destroy,
};

struct todo_store *todo_timing_store_create(struct todo_store *inner,
                                            const struct dp_clock *clock,
                                            struct todo_store_timing *stats,
                                            const struct dp_allocator *alloc)
{
	if (inner == NULL || stats == NULL)
		return NULL;
	struct timing_store *self = dp_alloc(alloc, sizeof(*self));
	if (self == NULL)
		return NULL;
	*self = (struct timing_store){
		{&timing_ops}, inner, clock, stats, alloc};
	return &self->base;
}

/* ---- caching ------------------------------------------------------------ */

struct caching_store {
	struct todo_store base; /* Base. Must be first. */
	struct todo_store *inner;
	struct todo_store_cache_stats *stats;
	const struct dp_allocator *alloc;
	/* The one entry: a path, its file's identity, its records. */
	char *path;
	struct todo_file_id identity;
	struct todo_list records;
};

static struct caching_store *as_caching(struct todo_store *store)
{
	return dp_container_of(store, struct caching_store, base);
}

static int copy_list(struct todo_list *to, const struct todo_list *from)
{
	for (size_t i = 0; i < from->count; i++) {
		int rc = todo_list_append(to, from->items[i].done,
		                          from->items[i].title,
		                          strlen(from->items[i].title));
		if (rc != DP_OK) {
			todo_list_deinit(to);
			return rc;
		}
	}
	return DP_OK;
}

static void forget(struct caching_store *self)
{
	dp_free(self->alloc, self->path);
	self->path = NULL;
	todo_list_deinit(&self->records);
}

/* The file is what the cache saw if it has the same size, inode and
 * modification time (todo_file_id_equal()); anything else sends the load
 * to the file. */
static bool unchanged(const struct caching_store *self, const char *path)
{
	struct todo_file_id now;

	return self->path != NULL && strcmp(self->path, path) == 0 &&
	       todo_file_id_get(path, &now) == DP_OK && now.exists &&
	       todo_file_id_equal(&now, &self->identity);
}

/* Remember a list for a path; a failure only means no cache. */
static void remember(struct caching_store *self, const char *path,
                     const struct todo_list *list)
{
	forget(self);
	if (todo_file_id_get(path, &self->identity) != DP_OK ||
	    !self->identity.exists)
		return;
	self->path = dp_strdup(self->alloc, path);
	if (self->path == NULL)
		return;
	if (copy_list(&self->records, list) != DP_OK)
		forget(self);
}

static int caching_load(struct todo_store *store, const char *path,
                        struct todo_list *out, struct todo_status *status)
{
	struct caching_store *self = as_caching(store);

	if (unchanged(self, path)) {
		int rc = copy_list(out, &self->records);
		if (rc == DP_OK) {
			self->stats->hits++;
			return DP_OK;
		}
	}
	self->stats->misses++;
	int rc = todo_store_load(self->inner, path, out, status);
	if (rc == DP_OK)
		remember(self, path, out);
	return rc;
}

static int caching_save(struct todo_store *store, const char *path,
                        const struct todo_list *list,
                        struct todo_status *status)
{
	struct caching_store *self = as_caching(store);
	int rc = todo_store_save(self->inner, path, list, status);

	if (rc == DP_OK)
		remember(self, path, list);
	return rc;
}

static void caching_destroy(struct todo_store *store)
{
	struct caching_store *self = as_caching(store);

	forget(self);
	todo_store_destroy(self->inner);
	dp_free(self->alloc, self);
}

static const struct todo_store_ops caching_ops = {
	.name = "caching",
	.load = caching_load,
	.save = caching_save,
	.destroy = caching_destroy,
};

struct todo_store *
todo_caching_store_create(struct todo_store *inner,
                          struct todo_store_cache_stats *stats,
                          const struct dp_allocator *alloc)
{
	if (inner == NULL || stats == NULL)
		return NULL;
	struct caching_store *self = dp_alloc(alloc, sizeof(*self));
	if (self == NULL)
		return NULL;
	*self = (struct caching_store){
		.base = {&caching_ops},
		.inner = inner,
		.stats = stats,
		.alloc = alloc,
	};
	todo_list_init(&self->records, alloc);
	return &self->base;
}
