/*
 * Exercise 07: Decorator. Read README.md first, then decorator.h, which is
 * the contract: each decorator must do what its comment there says.
 */
#include "decorator.h"

#include <stdint.h>
#include <string.h>

/* TODO: define struct counting_channel (the base first, the wrapped
 * channel, the counts, the allocator) and its four operations. Each one
 * forwards to the wrapped channel through the dispatchers
 * (dp_channel_read, dp_channel_write, ...), counts the call, counts bytes
 * when it succeeded, counts an error when it failed, and returns exactly
 * what the wrapped channel returned. close also frees the decorator. Then
 * fill a static const struct dp_channel_ops named "counting" with ALL
 * four operations. */

struct dp_channel *dp_counting_channel_create(struct dp_channel *inner,
                                              struct dp_channel_counts *counts,
                                              const struct dp_allocator *alloc)
{
	/* TODO: refuse a NULL inner or counts; allocate with dp_alloc(alloc,
	 * ...); fill in the fields and return &counting->base. */
	(void)inner;
	(void)counts;
	(void)alloc;
	return NULL;
}

/* TODO: define struct buffered_channel (the base first, the wrapped
 * channel, the allocator, the capacity, how much is used, the buffer) and
 * its four operations, following decorator.h: write copies into the buffer
 * when the write fits, else writes the buffer below in one call first and
 * then copies the write, or sends it straight below when it is at least
 * `capacity` bytes; read, flush and close write the buffer below first.
 * Then fill a static const struct dp_channel_ops named "buffered". */

struct dp_channel *dp_buffered_channel_create(struct dp_channel *inner,
                                              size_t capacity,
                                              const struct dp_allocator *alloc)
{
	/* TODO: refuse a NULL inner or a zero capacity; allocate the
	 * decorator and its buffer; return &buffered->base. */
	(void)inner;
	(void)capacity;
	(void)alloc;
	return NULL;
}
