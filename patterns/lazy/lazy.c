/*
 * The iterator, its dispatcher, and the lazy stages built on it: a line
 * source over a dp_stream, map, filter and take. Every stage is made with
 * dp_iter_create() like a caller's own generator would be, so the library
 * uses no private door into the interface.
 */
#include "lazy/lazy.h"

#include <string.h>

struct dp_iter {
	const struct dp_iter_ops *ops;
	void *ctx;
	const struct dp_allocator *alloc;
	/* Set by the first answer that is not DP_OK: from then on the
	 * dispatcher answers DP_ENOENT itself, so no stage has to remember
	 * that it ended, and none is pulled after an error. */
	bool finished;
};

dp_iter *dp_iter_create(const struct dp_iter_ops *ops, void *ctx,
                        const struct dp_allocator *alloc)
{
	if (ops == NULL || ops->name == NULL || ops->next == NULL)
		return NULL;
	dp_iter *it = dp_alloc(alloc, sizeof(*it));
	if (it == NULL)
		return NULL;
	it->ops = ops;
	it->ctx = ctx;
	it->alloc = alloc;
	it->finished = false;
	return it;
}

int dp_iter_next(dp_iter *it, struct dp_item *item)
{
	if (it == NULL || item == NULL)
		return DP_EINVAL;
	item->data = NULL;
	item->len = 0;
	if (it->finished)
		return DP_ENOENT;
	int rc = it->ops->next(it->ctx, item);
	if (rc != DP_OK) {
		it->finished = true;
		item->data = NULL;
		item->len = 0;
	}
	return rc;
}

void dp_iter_close(dp_iter *it)
{
	if (it == NULL)
		return;
	if (it->ops->close != NULL)
		it->ops->close(it->ctx);
	dp_free(it->alloc, it);
}

const char *dp_iter_name(const dp_iter *it)
{
	return it != NULL ? it->ops->name : "(null)";
}

/* ---- the line source ----------------------------------------------------- */

/*
 * The bytes not handed out yet lie in buffer[start, end). A line is handed
 * out as a pointer into the buffer, which is why it is only valid until the
 * next pull: the pull moves the remainder to the front before reading more.
 */
struct lines {
	struct dp_stream *stream;
	bool owns_stream;
	bool at_end; /* the stream has answered 0 bytes */
	char *buffer;
	size_t capacity;
	size_t start;
	size_t end;
	struct dp_lines_stats *stats;
	struct dp_lines_stats own_stats;
	const struct dp_allocator *alloc;
};

/* Make room after `end` for another read: first by moving the unread bytes
 * to the front, and only when a line fills the whole buffer by doubling. */
static int lines_make_room(struct lines *self)
{
	if (self->start > 0) {
		memmove(self->buffer, self->buffer + self->start,
		        self->end - self->start);
		self->end -= self->start;
		self->start = 0;
	}
	if (self->end < self->capacity)
		return DP_OK;
	if (self->capacity > SIZE_MAX / 2)
		return DP_ENOMEM;
	char *bigger = dp_realloc_array(self->alloc, self->buffer,
	                                self->capacity * 2, 1);
	if (bigger == NULL)
		return DP_ENOMEM;
	self->buffer = bigger;
	self->capacity *= 2;
	return DP_OK;
}

static int lines_next(void *ctx, struct dp_item *item)
{
	struct lines *self = ctx;

	for (;;) {
		char *first = self->buffer + self->start;
		size_t pending = self->end - self->start;
		char *newline =
			pending > 0 ? memchr(first, '\n', pending) : NULL;
		if (newline != NULL) {
			item->data = first;
			item->len = (size_t)(newline - first);
			self->start += item->len + 1;
			self->stats->lines++;
			return DP_OK;
		}
		if (self->at_end) {
			if (pending == 0)
				return DP_ENOENT;
			item->data = first;
			item->len = pending;
			self->start = self->end;
			self->stats->lines++;
			return DP_OK;
		}
		int rc = lines_make_room(self);
		if (rc != DP_OK)
			return rc;
		size_t got = 0;
		self->stats->reads++;
		rc = dp_stream_read(self->stream, self->buffer + self->end,
		                    self->capacity - self->end, &got);
		if (rc != DP_OK)
			return rc;
		self->stats->bytes_read += got;
		self->end += got;
		self->at_end = got == 0;
	}
}

static void lines_close(void *ctx)
{
	struct lines *self = ctx;

	if (self->owns_stream)
		dp_stream_close(self->stream);
	dp_free(self->alloc, self->buffer);
	dp_free(self->alloc, self);
}

static const struct dp_iter_ops lines_ops = {
	.name = "lines",
	.next = lines_next,
	.close = lines_close,
};

dp_iter *dp_iter_lines(struct dp_stream *stream, bool owns_stream, size_t chunk,
                       struct dp_lines_stats *stats,
                       const struct dp_allocator *alloc)
{
	if (stream == NULL)
		return NULL;
	struct lines *self = dp_alloc(alloc, sizeof(*self));
	if (self == NULL)
		goto fail_close_stream;
	self->capacity = chunk > 0 ? chunk : DP_LINES_CHUNK;
	self->buffer = dp_alloc(alloc, self->capacity);
	if (self->buffer == NULL)
		goto fail_free_self;
	self->stream = stream;
	self->owns_stream = owns_stream;
	self->at_end = false;
	self->start = self->end = 0;
	self->own_stats = (struct dp_lines_stats){0};
	self->stats = stats != NULL ? stats : &self->own_stats;
	self->alloc = alloc;

	dp_iter *it = dp_iter_create(&lines_ops, self, alloc);
	if (it == NULL)
		goto fail_free_buffer;
	return it;

fail_free_buffer:
	dp_free(alloc, self->buffer);
fail_free_self:
	dp_free(alloc, self);
fail_close_stream:
	if (owns_stream)
		dp_stream_close(stream);
	return NULL;
}

/* ---- map, filter, take --------------------------------------------------- */

/*
 * The three adapters share one context: the stage they pull from, and what
 * each one needs of the rest. Owning `upstream` is the whole of close
 * propagation: closing a stage closes its upstream, which closes its own,
 * down to the source.
 */
struct stage {
	dp_iter *upstream; /* NULL once take has closed it early */
	dp_map_fn *map;
	dp_filter_fn *filter;
	void *fn_ctx;
	size_t remaining; /* take: items still to hand out */
	const struct dp_allocator *alloc;
};

static int map_next(void *ctx, struct dp_item *item)
{
	struct stage *self = ctx;
	struct dp_item in;

	int rc = dp_iter_next(self->upstream, &in);
	if (rc != DP_OK)
		return rc;
	return self->map(self->fn_ctx, &in, item);
}

static int filter_next(void *ctx, struct dp_item *item)
{
	struct stage *self = ctx;
	int rc;

	while ((rc = dp_iter_next(self->upstream, item)) == DP_OK) {
		if (self->filter(self->fn_ctx, item))
			return DP_OK;
	}
	return rc;
}

static int take_next(void *ctx, struct dp_item *item)
{
	struct stage *self = ctx;

	if (self->remaining == 0) {
		/* Satisfied: release the stages below now, so a file is
		 * closed when the last item is used, not when the caller
		 * gets round to closing the pipeline. */
		dp_iter_close(self->upstream);
		self->upstream = NULL;
		return DP_ENOENT;
	}
	int rc = dp_iter_next(self->upstream, item);
	if (rc == DP_OK)
		self->remaining--;
	return rc;
}

static void stage_close(void *ctx)
{
	struct stage *self = ctx;

	dp_iter_close(self->upstream);
	dp_free(self->alloc, self);
}

static const struct dp_iter_ops map_ops = {
	.name = "map",
	.next = map_next,
	.close = stage_close,
};

static const struct dp_iter_ops filter_ops = {
	.name = "filter",
	.next = filter_next,
	.close = stage_close,
};

static const struct dp_iter_ops take_ops = {
	.name = "take",
	.next = take_next,
	.close = stage_close,
};

/* Wraps `upstream` in a new stage, or closes it: the adapters take their
 * upstream over even when they fail, so that nested calls never leak. */
static dp_iter *stage_create(const struct dp_iter_ops *ops, dp_iter *upstream,
                             const struct stage *settings,
                             const struct dp_allocator *alloc)
{
	if (upstream == NULL)
		return NULL;
	struct stage *self = dp_alloc(alloc, sizeof(*self));
	if (self == NULL)
		goto fail_close_upstream;
	*self = *settings;
	self->upstream = upstream;
	self->alloc = alloc;

	dp_iter *it = dp_iter_create(ops, self, alloc);
	if (it == NULL)
		goto fail_free_self;
	return it;

fail_free_self:
	dp_free(alloc, self);
fail_close_upstream:
	dp_iter_close(upstream);
	return NULL;
}

dp_iter *dp_iter_map(dp_iter *upstream, dp_map_fn *fn, void *ctx,
                     const struct dp_allocator *alloc)
{
	if (fn == NULL) {
		dp_iter_close(upstream);
		return NULL;
	}
	const struct stage settings = {.map = fn, .fn_ctx = ctx};
	return stage_create(&map_ops, upstream, &settings, alloc);
}

dp_iter *dp_iter_filter(dp_iter *upstream, dp_filter_fn *fn, void *ctx,
                        const struct dp_allocator *alloc)
{
	if (fn == NULL) {
		dp_iter_close(upstream);
		return NULL;
	}
	const struct stage settings = {.filter = fn, .fn_ctx = ctx};
	return stage_create(&filter_ops, upstream, &settings, alloc);
}

dp_iter *dp_iter_take(dp_iter *upstream, size_t count,
                      const struct dp_allocator *alloc)
{
	const struct stage settings = {.remaining = count};
	return stage_create(&take_ops, upstream, &settings, alloc);
}
