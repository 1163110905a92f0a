/*
 * The batched writer: one buffer of max_bytes bytes, plus the end offset of
 * every record in it, so that a partial write can be mapped back to whole
 * records.
 *
 * Invariant: buffer[0, used) holds exactly the bytes taken and not yet
 * accepted by the sink, and ends[0, count) the offsets within it where the
 * pending records end; ends[count - 1] == used.
 */
#include "batch/batch.h"

#include <string.h>

struct dp_batch_writer {
	struct dp_stream *sink;
	struct dp_batch_config config;
	const struct dp_allocator *alloc;
	unsigned char *buffer;
	size_t *ends;
	size_t used;
	size_t count;
	struct dp_batch_stats stats;
};

dp_batch_writer *dp_batch_writer_create(struct dp_stream *sink,
                                        const struct dp_batch_config *config,
                                        const struct dp_allocator *alloc)
{
	if (sink == NULL || config == NULL || config->max_records == 0 ||
	    config->max_bytes == 0)
		return NULL;

	dp_batch_writer *writer = dp_alloc(alloc, sizeof(*writer));
	if (writer == NULL)
		return NULL;
	*writer = (struct dp_batch_writer){
		.sink = sink,
		.config = *config,
		.alloc = alloc,
	};
	writer->buffer = dp_alloc(alloc, config->max_bytes);
	if (writer->buffer == NULL)
		goto fail_free_writer;
	writer->ends =
		dp_alloc_array(alloc, config->max_records, sizeof(size_t));
	if (writer->ends == NULL)
		goto fail_free_buffer;
	return writer;

fail_free_buffer:
	dp_free(alloc, writer->buffer);
fail_free_writer:
	dp_free(alloc, writer);
	return NULL;
}

/*
 * Forget the first `accepted` pending bytes: the sink has them. Records
 * whose last byte is among them are done; a record cut in two keeps only
 * its unsent tail, which is what makes the retry exact.
 */
static void drop_accepted(dp_batch_writer *writer, size_t accepted)
{
	size_t done = 0;

	while (done < writer->count && writer->ends[done] <= accepted)
		done++;
	for (size_t i = done; i < writer->count; i++)
		writer->ends[i - done] = writer->ends[i] - accepted;
	memmove(writer->buffer, writer->buffer + accepted,
	        writer->used - accepted);
	writer->used -= accepted;
	writer->count -= done;
	writer->stats.records_out += done;
	writer->stats.bytes_out += accepted;
}

/* One write of everything pending: the whole point of the pattern. */
static int write_pending(dp_batch_writer *writer)
{
	if (writer->used == 0)
		return DP_OK;

	const uint64_t *counter = writer->config.sink_bytes;
	uint64_t before = counter != NULL ? *counter : 0;
	int rc = dp_stream_write(writer->sink, writer->buffer, writer->used);
	if (rc == DP_OK) {
		drop_accepted(writer, writer->used);
		writer->stats.batches++;
		return DP_OK;
	}

	writer->stats.failed_batches++;
	/* Without a counter nothing is known to have arrived, so nothing is
	 * dropped: a retry may duplicate a prefix, but cannot lose a byte.
	 * The clamp guards against a counter that also counts other writes. */
	if (counter != NULL) {
		uint64_t accepted = *counter - before;
		drop_accepted(writer, accepted < writer->used ? (size_t)accepted
		                                              : writer->used);
	}
	return rc;
}

int dp_batch_writer_append(dp_batch_writer *writer, const void *record,
                           size_t len)
{
	if (writer == NULL || record == NULL || len == 0)
		return DP_EINVAL;
	if (len > writer->config.max_bytes)
		return DP_ERANGE;

	/* A full record count is only left behind by a failed write; a lack
	 * of bytes also happens when records differ in length. Either way the
	 * record is refused rather than taken half-way. */
	if (writer->count == writer->config.max_records ||
	    len > writer->config.max_bytes - writer->used) {
		if (write_pending(writer) != DP_OK)
			return DP_EBUSY;
	}

	memcpy(writer->buffer + writer->used, record, len);
	writer->used += len;
	writer->ends[writer->count++] = writer->used;
	writer->stats.records_in++;

	if (writer->count == writer->config.max_records ||
	    writer->used == writer->config.max_bytes)
		return write_pending(writer);
	return DP_OK;
}

int dp_batch_writer_flush(dp_batch_writer *writer)
{
	if (writer == NULL)
		return DP_EINVAL;
	if (writer->used == 0)
		return DP_OK;

	int rc = write_pending(writer);
	if (rc != DP_OK)
		return rc;
	return dp_stream_flush(writer->sink);
}

int dp_batch_writer_close(dp_batch_writer *writer)
{
	if (writer == NULL)
		return DP_OK;

	int rc = dp_batch_writer_flush(writer);
	int close_rc = dp_stream_close(writer->sink);
	const struct dp_allocator *alloc = writer->alloc;
	dp_free(alloc, writer->ends);
	dp_free(alloc, writer->buffer);
	dp_free(alloc, writer);
	return rc != DP_OK ? rc : close_rc;
}

size_t dp_batch_writer_pending_records(const dp_batch_writer *writer)
{
	return writer != NULL ? writer->count : 0;
}

size_t dp_batch_writer_pending_bytes(const dp_batch_writer *writer)
{
	return writer != NULL ? writer->used : 0;
}

int dp_batch_writer_stats(const dp_batch_writer *writer,
                          struct dp_batch_stats *stats)
{
	if (writer == NULL || stats == NULL)
		return DP_EINVAL;
	*stats = writer->stats;
	return DP_OK;
}
