/*
 * Exercise 11: a batched writer. Read README.md first, then fill in each
 * TODO. Every function below compiles and returns a value that makes the
 * tests fail; replace the bodies one by one.
 */
#include "batch_writer.h"

#include <string.h>

/* TODO: the writer keeps a copy of the config's fields, a growable buffer
 * of pending bytes (its size and capacity) and the number of pending
 * records. */
struct ex_batch_writer {
	const struct dp_allocator *alloc;
};

ex_batch_writer *ex_batch_create(const struct ex_batch_config *config)
{
	/* TODO: check the config (sink, its write, batch_records > 0),
	 * allocate the writer with dp_alloc() and copy the config in. */
	(void)config;
	return NULL;
}

void ex_batch_destroy(ex_batch_writer *writer)
{
	/* TODO: free the buffer and the writer. NULL is a no-op. */
	(void)writer;
}

int ex_batch_flush(ex_batch_writer *writer)
{
	/* TODO: if bytes are pending, hand them ALL to the sink in one
	 * write; only when it returns DP_OK, empty the buffer. On failure
	 * return its code and keep every record. */
	(void)writer;
	return DP_ENOTSUP;
}

int ex_batch_write(ex_batch_writer *writer, const void *record, size_t len)
{
	/* TODO: grow the buffer if needed (dp_realloc_array; on failure
	 * return DP_ENOMEM with nothing changed), copy the record in, count
	 * it, and flush when batch_records or more are pending. */
	(void)writer;
	(void)record;
	(void)len;
	return DP_ENOTSUP;
}

size_t ex_batch_pending(const ex_batch_writer *writer)
{
	/* TODO: the number of records waiting. */
	(void)writer;
	return 0;
}
