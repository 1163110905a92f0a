/*
 * The stream decorators. Each one is the shape of SQLite's vfstrace.c: a
 * struct that embeds struct dp_stream first and holds the stream it wraps,
 * and an ops table whose every function does its one extra thing and then
 * calls the same operation on the wrapped stream through the public
 * dispatchers, so any stream, decorated or not, can sit underneath.
 *
 * Close always closes the wrapped stream and frees the decorator, even
 * after an error, and reports the first error met: a stream that cannot be
 * closed would leak everything below it.
 */
#include "decorator/decorator.h"

#include <string.h>

/* The first error of two, or DP_OK. */
static int first_error(int a, int b)
{
	return a != DP_OK ? a : b;
}

/* ---- buffering ----------------------------------------------------------- */

struct buffered_stream {
	struct dp_stream base; /* Base. Must be first. */
	struct dp_stream *inner;
	unsigned char *buffer;
	size_t used, capacity;
	const struct dp_allocator *alloc;
};

static struct buffered_stream *buffered_of(struct dp_stream *stream)
{
	return dp_container_of(stream, struct buffered_stream, base);
}

/*
 * Write out what the buffer holds, in one call. The buffer is emptied even
 * when the write fails: keeping the bytes would write a prefix twice on
 * the next attempt, and the caller has been told of the loss by the error.
 */
static int drain(struct buffered_stream *self)
{
	if (self->used == 0)
		return DP_OK;
	int rc = dp_stream_write(self->inner, self->buffer, self->used);
	self->used = 0;
	return rc;
}

static int buffered_write(struct dp_stream *stream, const void *buf, size_t len)
{
	struct buffered_stream *self = buffered_of(stream);

	if (len <= self->capacity - self->used) {
		memcpy(self->buffer + self->used, buf, len);
		self->used += len;
		return DP_OK;
	}
	int rc = drain(self);
	if (rc != DP_OK)
		return rc;
	if (len >= self->capacity)
		return dp_stream_write(self->inner, buf, len);
	memcpy(self->buffer, buf, len);
	self->used = len;
	return DP_OK;
}

static int buffered_read(struct dp_stream *stream, void *buf, size_t len,
                         size_t *got)
{
	struct buffered_stream *self = buffered_of(stream);
	int rc = drain(self);

	if (rc != DP_OK)
		return rc;
	return dp_stream_read(self->inner, buf, len, got);
}

static int buffered_flush(struct dp_stream *stream)
{
	struct buffered_stream *self = buffered_of(stream);
	int rc = drain(self);

	return first_error(rc, dp_stream_flush(self->inner));
}

static int buffered_close(struct dp_stream *stream)
{
	struct buffered_stream *self = buffered_of(stream);
	int rc = drain(self);

	rc = first_error(rc, dp_stream_close(self->inner));
	dp_free(self->alloc, self->buffer);
	dp_free(self->alloc, self);
	return rc;
}

static const struct dp_stream_ops buffered_ops = {
	.name = "buffered",
	.read = buffered_read,
	.write = buffered_write,
	.flush = buffered_flush,
	.close = buffered_close,
};

struct dp_stream *dp_buffered_stream_create(struct dp_stream *inner,
                                            size_t capacity,
                                            const struct dp_allocator *alloc)
{
	if (inner == NULL || capacity == 0)
		return NULL;
	struct buffered_stream *self = dp_alloc(alloc, sizeof(*self));
	if (self == NULL)
		return NULL;
	self->buffer = dp_alloc(alloc, capacity);
	if (self->buffer == NULL)
		goto fail_free_self;
	dp_stream_init(&self->base, &buffered_ops);
	self->inner = inner;
	self->used = 0;
	self->capacity = capacity;
	self->alloc = alloc;
	return &self->base;

fail_free_self:
	dp_free(alloc, self);
	return NULL;
}

/* ---- counting ------------------------------------------------------------ */

struct counting_stream {
	struct dp_stream base; /* Base. Must be first. */
	struct dp_stream *inner;
	struct dp_stream_stats *stats;
	const struct dp_allocator *alloc;
};

static struct counting_stream *counting_of(struct dp_stream *stream)
{
	return dp_container_of(stream, struct counting_stream, base);
}

static int counted(struct counting_stream *self, int rc)
{
	if (rc != DP_OK)
		self->stats->errors++;
	return rc;
}

static int counting_read(struct dp_stream *stream, void *buf, size_t len,
                         size_t *got)
{
	struct counting_stream *self = counting_of(stream);
	int rc = dp_stream_read(self->inner, buf, len, got);

	self->stats->reads++;
	self->stats->bytes_read += *got;
	return counted(self, rc);
}

static int counting_write(struct dp_stream *stream, const void *buf, size_t len)
{
	struct counting_stream *self = counting_of(stream);
	int rc = dp_stream_write(self->inner, buf, len);

	self->stats->writes++;
	if (rc == DP_OK)
		self->stats->bytes_written += len;
	return counted(self, rc);
}

static int counting_flush(struct dp_stream *stream)
{
	struct counting_stream *self = counting_of(stream);

	self->stats->flushes++;
	return counted(self, dp_stream_flush(self->inner));
}

static int counting_close(struct dp_stream *stream)
{
	struct counting_stream *self = counting_of(stream);
	struct dp_stream_stats *stats = self->stats;
	int rc = dp_stream_close(self->inner);

	dp_free(self->alloc, self);
	stats->closes++;
	if (rc != DP_OK)
		stats->errors++;
	return rc;
}

static const struct dp_stream_ops counting_ops = {
	.name = "counting",
	.read = counting_read,
	.write = counting_write,
	.flush = counting_flush,
	.close = counting_close,
};

struct dp_stream *dp_counting_stream_create(struct dp_stream *inner,
                                            struct dp_stream_stats *stats,
                                            const struct dp_allocator *alloc)
{
	if (inner == NULL || stats == NULL)
		return NULL;
	struct counting_stream *self = dp_alloc(alloc, sizeof(*self));
	if (self == NULL)
		return NULL;
	dp_stream_init(&self->base, &counting_ops);
	self->inner = inner;
	self->stats = stats;
	self->alloc = alloc;
	return &self->base;
}
