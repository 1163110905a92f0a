/*
 * Solution of exercise 07: two decorators. Each fills every slot of the
 * ops table and forwards through the dispatchers, so whatever the wrapped
 * channel can or cannot do shows through unchanged.
 */
#include "decorator.h"

#include <stdint.h>
#include <string.h>

/* ---- the counting decorator --------------------------------------------- */

struct counting_channel {
	struct dp_channel base; /* Base. Must be first. */
	struct dp_channel *inner;
	struct dp_channel_counts *counts;
	const struct dp_allocator *alloc;
};

static struct counting_channel *to_counting(struct dp_channel *channel)
{
	return dp_container_of(channel, struct counting_channel, base);
}

/* Every operation ends here, so the error count has one definition. */
static int counted(struct counting_channel *counting, int rc)
{
	if (rc != DP_OK)
		counting->counts->errors++;
	return rc;
}

static int counting_read(struct dp_channel *channel, void *buf, size_t len,
                         size_t *got)
{
	struct counting_channel *counting = to_counting(channel);
	int rc = dp_channel_read(counting->inner, buf, len, got);

	counting->counts->reads++;
	if (rc == DP_OK)
		counting->counts->bytes_read += *got;
	return counted(counting, rc);
}

static int counting_write(struct dp_channel *channel, const void *buf,
                          size_t len)
{
	struct counting_channel *counting = to_counting(channel);
	int rc = dp_channel_write(counting->inner, buf, len);

	counting->counts->writes++;
	if (rc == DP_OK)
		counting->counts->bytes_written += len;
	return counted(counting, rc);
}

static int counting_flush(struct dp_channel *channel)
{
	struct counting_channel *counting = to_counting(channel);

	counting->counts->flushes++;
	return counted(counting, dp_channel_flush(counting->inner));
}

static int counting_close(struct dp_channel *channel)
{
	struct counting_channel *counting = to_counting(channel);
	int rc = dp_channel_close(counting->inner);

	counting->counts->closes++;
	rc = counted(counting, rc);
	dp_free(counting->alloc, counting);
	return rc;
}

static const struct dp_channel_ops counting_ops = {
	.name = "counting",
	.read = counting_read,
	.write = counting_write,
	.flush = counting_flush,
	.close = counting_close,
};

struct dp_channel *dp_counting_channel_create(struct dp_channel *inner,
                                              struct dp_channel_counts *counts,
                                              const struct dp_allocator *alloc)
{
	if (inner == NULL || counts == NULL)
		return NULL;
	struct counting_channel *counting = dp_alloc(alloc, sizeof(*counting));
	if (counting == NULL)
		return NULL;
	*counting = (struct counting_channel){
		.base = {.ops = &counting_ops},
		.inner = inner,
		.counts = counts,
		.alloc = alloc,
	};
	return &counting->base;
}

/* ---- the buffering decorator -------------------------------------------- */

/*
 * The buffer follows the struct in the same block (a flexible array
 * member): one allocation, one free, and no failure path in between.
 */
struct buffered_channel {
	struct dp_channel base; /* Base. Must be first. */
	struct dp_channel *inner;
	const struct dp_allocator *alloc;
	size_t capacity;
	size_t used;
	unsigned char buffer[];
};

static struct buffered_channel *to_buffered(struct dp_channel *channel)
{
	return dp_container_of(channel, struct buffered_channel, base);
}

/* Write what the buffer holds below, in one call. On failure the bytes
 * stay, so a later flush or close can try again. */
static int push(struct buffered_channel *buffered)
{
	if (buffered->used == 0)
		return DP_OK;
	int rc = dp_channel_write(buffered->inner, buffered->buffer,
	                          buffered->used);
	if (rc == DP_OK)
		buffered->used = 0;
	return rc;
}

static int buffered_read(struct dp_channel *channel, void *buf, size_t len,
                         size_t *got)
{
	struct buffered_channel *buffered = to_buffered(channel);
	int rc = push(buffered);

	if (rc != DP_OK)
		return rc;
	return dp_channel_read(buffered->inner, buf, len, got);
}

static int buffered_write(struct dp_channel *channel, const void *buf,
                          size_t len)
{
	struct buffered_channel *buffered = to_buffered(channel);

	if (len > buffered->capacity - buffered->used) {
		int rc = push(buffered);
		if (rc != DP_OK)
			return rc;
		/* Copying a write as large as the buffer would only add a
		 * copy: it would be written below whole anyway. */
		if (len >= buffered->capacity)
			return dp_channel_write(buffered->inner, buf, len);
	}
	memcpy(buffered->buffer + buffered->used, buf, len);
	buffered->used += len;
	return DP_OK;
}

static int buffered_flush(struct dp_channel *channel)
{
	struct buffered_channel *buffered = to_buffered(channel);
	int rc = push(buffered);

	if (rc != DP_OK)
		return rc;
	return dp_channel_flush(buffered->inner);
}

static int buffered_close(struct dp_channel *channel)
{
	struct buffered_channel *buffered = to_buffered(channel);
	int rc = push(buffered);
	/* Close below even when the push failed: we own it either way. */
	int close_rc = dp_channel_close(buffered->inner);

	if (rc == DP_OK)
		rc = close_rc;
	dp_free(buffered->alloc, buffered);
	return rc;
}

static const struct dp_channel_ops buffered_ops = {
	.name = "buffered",
	.read = buffered_read,
	.write = buffered_write,
	.flush = buffered_flush,
	.close = buffered_close,
};

struct dp_channel *dp_buffered_channel_create(struct dp_channel *inner,
                                              size_t capacity,
                                              const struct dp_allocator *alloc)
{
	if (inner == NULL || capacity == 0 ||
	    capacity > SIZE_MAX - sizeof(struct buffered_channel))
		return NULL;
	struct buffered_channel *buffered =
		dp_alloc(alloc, sizeof(*buffered) + capacity);
	if (buffered == NULL)
		return NULL;
	buffered->base.ops = &buffered_ops;
	buffered->inner = inner;
	buffered->alloc = alloc;
	buffered->capacity = capacity;
	buffered->used = 0;
	return &buffered->base;
}
