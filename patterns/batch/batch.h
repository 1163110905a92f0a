/**
 * @file batch.h
 * @brief Batch processing for I/O: a writer that gathers records and hands
 *        them to a stream (dp_stream.h) a batch at a time.
 *
 * Ownership: dp_batch_writer_create() takes the sink stream on success and
 * dp_batch_writer_close() closes it. Records are copied in, so the caller
 * keeps its own. Thread-safety: none; one writer is used by one thread.
 */
#ifndef DP_BATCH_H
#define DP_BATCH_H

#include "common/dp_common.h"
#include "common/dp_stream.h"

#include <stddef.h>
#include <stdint.h>

/** @brief A batched writer (opaque): records in, whole batches out. */
typedef struct dp_batch_writer dp_batch_writer;

/**
 * @brief When a batch is written, and how partial writes are repaired.
 *
 * Filled by the caller, copied by dp_batch_writer_create().
 */
struct dp_batch_config {
	/**
	 * The most records in one batch, at least 1: the record that makes
	 * the count reach it sends the batch to the sink.
	 */
	size_t max_records;
	/**
	 * The most bytes in one batch, at least 1, and the size of the
	 * writer's buffer: a record that makes the batch reach it exactly
	 * sends the batch, and a record that would overflow it sends the
	 * pending batch first. No record may be longer.
	 */
	size_t max_bytes;
	/**
	 * Optional: NULL means "at least once". A counter of the bytes the
	 * sink has accepted, such as `&stats.bytes_written` of the fd stream
	 * (adapter.h), which counts the prefix of a write that failed half
	 * way. With it the writer drops exactly the bytes that reached the
	 * sink before a failure and retries from the first byte that did not:
	 * every byte arrives exactly once, in order. Without it a failed batch
	 * is retried whole, so a prefix of it may arrive twice: no record is
	 * lost, but one may be duplicated, the first copy possibly torn.
	 */
	const uint64_t *sink_bytes;
};

/** @brief What a writer has done, for tests and dashboards. */
struct dp_batch_stats {
	uint64_t records_in;  /**< Records taken by dp_batch_writer_append(). */
	uint64_t records_out; /**< Records whose last byte reached the sink. */
	uint64_t bytes_out;   /**< Bytes that reached the sink, once each. */
	uint64_t batches;     /**< Successful writes to the sink. */
	uint64_t failed_batches; /**< Writes to the sink that failed. */
};

/**
 * @brief Create a batched writer over a sink stream.
 * @param[in] sink   The stream to write batches to; the writer owns it on
 *                   success and closes it in dp_batch_writer_close().
 * @param[in] config When to write; copied. `sink_bytes`, if set, must
 *                   outlive the writer.
 * @param[in] alloc  The allocator for the writer and its buffers, or NULL.
 * @return The writer, with nothing pending; NULL when `sink` or `config` is
 *         NULL, a limit is 0, or memory runs out (then the caller still
 *         owns `sink`).
 */
dp_batch_writer *dp_batch_writer_create(struct dp_stream *sink,
                                        const struct dp_batch_config *config,
                                        const struct dp_allocator *alloc);

/**
 * @brief Take one record; write the batch when it is full.
 *
 * The return code says whether the record was taken. Codes that come from
 * the sink (#DP_EIO and whatever else its write returns) mean it WAS taken:
 * it completed a batch the sink refused, and the whole unwritten part of
 * that batch stays pending for the next flush. Codes from the writer itself
 * (#DP_EINVAL, #DP_ERANGE, #DP_EBUSY) mean it was NOT taken; the caller
 * still has it and may append it again.
 * @param[in,out] writer The writer.
 * @param[in]     record The record's bytes, copied.
 * @param[in]     len    Its length, from 1 to `max_bytes`.
 * @return #DP_OK when taken (and its batch written, if it completed one);
 *         the sink's error when taken but its batch was not written;
 *         #DP_EINVAL when `writer` or `record` is NULL or `len` is 0;
 *         #DP_ERANGE when `len` exceeds `max_bytes`; #DP_EBUSY when there
 *         is no room for it because pending records could not be written
 *         (dp_batch_writer_flush() returns the sink's error).
 */
int dp_batch_writer_append(dp_batch_writer *writer, const void *record,
                           size_t len);

/**
 * @brief Write every pending record now, then flush the sink.
 *
 * On failure nothing taken is lost: what did not reach the sink stays
 * pending and the next flush retries it (see dp_batch_config::sink_bytes
 * for what "did not reach" means).
 * @param[in,out] writer The writer.
 * @return #DP_OK (at once, with no write, when nothing is pending);
 *         #DP_EINVAL when `writer` is NULL; the sink's error (#DP_EIO...)
 *         when its write or flush fails.
 */
int dp_batch_writer_flush(dp_batch_writer *writer);

/**
 * @brief Flush, close the sink and free the writer.
 *
 * Like fclose(3), it makes one attempt: records still pending when it fails
 * are lost. A caller that must lose nothing calls dp_batch_writer_flush()
 * until it returns #DP_OK, then closes.
 * @param[in] writer The writer; NULL is a no-op. Invalid afterwards,
 *                   whatever the result.
 * @return #DP_OK; the first error of the final flush or of closing the sink.
 */
int dp_batch_writer_close(dp_batch_writer *writer);

/**
 * @brief How many records have bytes that have not reached the sink yet.
 * @param[in] writer The writer.
 * @return The count; 0 when `writer` is NULL.
 */
size_t dp_batch_writer_pending_records(const dp_batch_writer *writer);

/**
 * @brief How many bytes have not reached the sink yet.
 * @param[in] writer The writer.
 * @return The count; 0 when `writer` is NULL.
 */
size_t dp_batch_writer_pending_bytes(const dp_batch_writer *writer);

/**
 * @brief Copy out what the writer has done so far.
 * @param[in]  writer The writer.
 * @param[out] stats  Receives the counters.
 * @return #DP_OK; #DP_EINVAL when `writer` or `stats` is NULL.
 */
int dp_batch_writer_stats(const dp_batch_writer *writer,
                          struct dp_batch_stats *stats);

#endif /* DP_BATCH_H */
