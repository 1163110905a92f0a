/*
 * Exercise 11, the answer: records are appended to one growable buffer,
 * and the whole buffer goes to the sink in one call. The buffer is only
 * emptied after the sink has said yes, which is all it takes to lose no
 * record when it says no.
 */
#include "batch_writer.h"

#include <string.h>

struct ex_batch_writer {
	const struct ex_batch_sink_ops *sink;
	void *sink_ctx;
	size_t batch_records;
	const struct dp_allocator *alloc;
	char *buffer;    /* The pending records, back to back. */
	size_t used;     /* Bytes of pending records in `buffer`. */
	size_t capacity; /* Bytes allocated for `buffer`. */
	size_t pending;  /* Records in `buffer`. */
};

enum { INITIAL_CAPACITY = 256 };

ex_batch_writer *ex_batch_create(const struct ex_batch_config *config)
{
	if (config == NULL || config->sink == NULL ||
	    config->sink->write == NULL || config->batch_records == 0)
		return NULL;

	ex_batch_writer *writer = dp_alloc(config->alloc, sizeof(*writer));

	if (writer == NULL)
		return NULL;
	/* The buffer is allocated at the first write, so a writer that
	 * never writes costs one small block. */
	*writer = (struct ex_batch_writer){
		.sink = config->sink,
		.sink_ctx = config->sink_ctx,
		.batch_records = config->batch_records,
		.alloc = config->alloc,
	};
	return writer;
}

void ex_batch_destroy(ex_batch_writer *writer)
{
	if (writer == NULL)
		return;
	dp_free(writer->alloc, writer->buffer);
	dp_free(writer->alloc, writer);
}

static int reserve(ex_batch_writer *writer, size_t extra)
{
	if (extra > SIZE_MAX - writer->used)
		return DP_ENOMEM;

	size_t needed = writer->used + extra;
	size_t capacity =
		writer->capacity != 0 ? writer->capacity : INITIAL_CAPACITY;

	if (needed <= writer->capacity)
		return DP_OK;
	while (capacity < needed)
		capacity = capacity <= SIZE_MAX / 2 ? capacity * 2 : needed;

	char *buffer =
		dp_realloc_array(writer->alloc, writer->buffer, capacity, 1);

	if (buffer == NULL)
		return DP_ENOMEM;
	writer->buffer = buffer;
	writer->capacity = capacity;
	return DP_OK;
}

int ex_batch_flush(ex_batch_writer *writer)
{
	if (writer == NULL)
		return DP_EINVAL;
	/* Only bytes are sent, so a batch of empty records costs no call. */
	if (writer->used == 0) {
		writer->pending = 0;
		return DP_OK;
	}

	int rc = writer->sink->write(writer->sink_ctx, writer->buffer,
	                             writer->used);

	if (rc != DP_OK)
		return rc;
	writer->used = 0;
	writer->pending = 0;
	return DP_OK;
}

int ex_batch_write(ex_batch_writer *writer, const void *record, size_t len)
{
	if (writer == NULL || (record == NULL && len > 0))
		return DP_EINVAL;

	if (len > 0) {
		int rc = reserve(writer, len);
		if (rc != DP_OK)
			return rc;
		memcpy(writer->buffer + writer->used, record, len);
		writer->used += len;
	}
	writer->pending++;
	/* ">=" rather than "==": after a failed flush the batch has more
	 * than batch_records records, and each later write retries it. */
	if (writer->pending >= writer->batch_records)
		return ex_batch_flush(writer);
	return DP_OK;
}

size_t ex_batch_pending(const ex_batch_writer *writer)
{
	return writer != NULL ? writer->pending : 0;
}
