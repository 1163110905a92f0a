/*
 * The memory adapter: a growable byte buffer behind the stream interface,
 * so tests, benches and in-memory stores can stand in for a file.
 *
 * Unread bytes are data[start, end). Writes append at end; reads advance
 * start. Once everything has been read both go back to 0, so a stream used
 * as a queue (write, read, write, read) reuses its buffer instead of
 * growing without end.
 */
#include "adapter/adapter.h"

#include <string.h>

struct memory_stream {
	struct dp_stream base; /* Base. Must be first. */
	unsigned char *data;
	size_t start, end, capacity;
	const struct dp_allocator *alloc;
};

static struct memory_stream *memory_stream_of(struct dp_stream *stream)
{
	return dp_container_of(stream, struct memory_stream, base);
}

static int memory_read(struct dp_stream *stream, void *buf, size_t len,
                       size_t *got)
{
	struct memory_stream *self = memory_stream_of(stream);
	size_t n = self->end - self->start;

	if (n > len)
		n = len;
	if (n > 0)
		memcpy(buf, self->data + self->start, n);
	self->start += n;
	if (self->start == self->end)
		self->start = self->end = 0;
	*got = n;
	return DP_OK;
}

static int memory_write(struct dp_stream *stream, const void *buf, size_t len)
{
	struct memory_stream *self = memory_stream_of(stream);

	if (len > SIZE_MAX - self->end)
		return DP_ENOMEM;
	if (self->end + len > self->capacity) {
		size_t capacity = self->capacity > 0 ? self->capacity : 64;
		while (capacity < self->end + len)
			capacity = capacity > SIZE_MAX / 2 ? self->end + len
			                                   : capacity * 2;
		unsigned char *data =
			dp_realloc_array(self->alloc, self->data, capacity, 1);
		/* dp_realloc_array leaves the old block alone on failure, so
		 * the stream still holds everything written before. */
		if (data == NULL)
			return DP_ENOMEM;
		self->data = data;
		self->capacity = capacity;
	}
	memcpy(self->data + self->end, buf, len);
	self->end += len;
	return DP_OK;
}

static int memory_close(struct dp_stream *stream)
{
	struct memory_stream *self = memory_stream_of(stream);

	dp_free(self->alloc, self->data);
	dp_free(self->alloc, self);
	return DP_OK;
}

/* No flush: the bytes are already where they are going. */
static const struct dp_stream_ops memory_ops = {
	.name = "memory",
	.read = memory_read,
	.write = memory_write,
	.close = memory_close,
};

struct dp_stream *dp_memory_stream_create(const struct dp_allocator *alloc)
{
	struct memory_stream *self = dp_alloc(alloc, sizeof(*self));
	if (self == NULL)
		return NULL;
	dp_stream_init(&self->base, &memory_ops);
	/* The buffer is allocated by the first write, so an empty stream
	 * costs one allocation. */
	self->data = NULL;
	self->start = self->end = self->capacity = 0;
	self->alloc = alloc;
	return &self->base;
}

/* The ops pointer doubles as a type tag: only memory streams carry it. */
static struct memory_stream *as_memory_stream(const struct dp_stream *stream)
{
	if (stream == NULL || stream->ops != &memory_ops)
		return NULL;
	return memory_stream_of((struct dp_stream *)stream);
}

const unsigned char *dp_memory_stream_data(const struct dp_stream *stream,
                                           size_t *len)
{
	const struct memory_stream *self = as_memory_stream(stream);
	size_t n = self != NULL ? self->end - self->start : 0;

	if (len != NULL)
		*len = n;
	return n > 0 ? self->data + self->start : NULL;
}

int dp_memory_stream_clear(struct dp_stream *stream)
{
	struct memory_stream *self = as_memory_stream(stream);

	if (self == NULL)
		return DP_EINVAL;
	self->start = self->end = 0;
	return DP_OK;
}
