/**
 * @file batch_writer.h
 * @brief Exercise 11: a batched writer. Records are copied into a buffer
 *        and handed to a sink `batch_records` at a time, so n records cost
 *        ceil(n / batch_records) sink writes (system calls) instead of n;
 *        when the sink fails, no record is lost: they wait and are retried.
 *
 * Ownership: the writer copies each record into its own buffer, allocated
 * from the allocator of its config; it does not own the sink.
 * Thread-safety: none; one writer per thread or your own lock.
 */
#ifndef EX_BATCH_WRITER_H
#define EX_BATCH_WRITER_H

#include "common/dp_common.h"

#include <stddef.h>

/**
 * @brief Where batches go: a file, a socket, a database. One call of
 *        #write is one expensive operation (a system call, a round trip).
 */
struct ex_batch_sink_ops {
	/**
	 * Required. Write `len` bytes, all of them or none.
	 * @param[in] ctx #ex_batch_config.sink_ctx, unchanged.
	 * @param[in] buf The bytes; never NULL.
	 * @param[in] len How many; never 0.
	 * @return #DP_OK when every byte was written; a negative code (such
	 *         as #DP_EIO) when none was, so that the writer can retry the
	 *         same bytes later without duplicating any.
	 */
	int (*write)(void *ctx, const void *buf, size_t len);
};

/** @brief What ex_batch_create() needs, filled by field name. */
struct ex_batch_config {
	/** Required. The sink; must outlive the writer. */
	const struct ex_batch_sink_ops *sink;
	/** Handed to the sink's write unchanged. */
	void *sink_ctx;
	/** Required, > 0. Records per batch: the writer calls the sink when
	 * this many are pending, and not before (unless flushed). */
	size_t batch_records;
	/** Optional: NULL means malloc/free. Must outlive the writer. */
	const struct dp_allocator *alloc;
};

/** @brief A batched writer (opaque); see the file comment. */
typedef struct ex_batch_writer ex_batch_writer;

/**
 * @brief Create a writer with nothing pending.
 * @param[in] config The configuration; read during the call only.
 * @return The writer, freed with ex_batch_destroy(); NULL when `config` or
 *         its sink or the sink's write is NULL, `batch_records` is 0, or
 *         memory runs out.
 */
ex_batch_writer *ex_batch_create(const struct ex_batch_config *config);

/**
 * @brief Free the writer. Pending records are dropped, not written: call
 *        ex_batch_flush() first and check what it returns.
 * @param[in] writer The writer; NULL is a no-op.
 */
void ex_batch_destroy(ex_batch_writer *writer);

/**
 * @brief Append one record; when `batch_records` are pending, write them
 *        all in one sink call.
 *
 * The record is copied, so the caller may reuse its buffer at once.
 * @param[in,out] writer The writer.
 * @param[in]     record The bytes; may be NULL only when `len` is 0.
 * @param[in]     len    How many bytes (0 is a valid, empty record).
 * @return #DP_OK; #DP_EINVAL when `writer` is NULL or `record` is NULL with
 *         `len` > 0; #DP_ENOMEM when the record could not be copied (it is
 *         not stored: the caller still has it); or the sink's error when
 *         the batch could not be written. In that last case the record IS
 *         stored, with every other pending one: they are retried, whole
 *         and in order, at the next write or flush.
 */
int ex_batch_write(ex_batch_writer *writer, const void *record, size_t len);

/**
 * @brief Write every pending record in one sink call, now.
 *
 * The sink is called only with bytes to write (its `len` is never 0):
 * when nothing is pending, or only records of length 0, it is not called
 * at all, and those empty records count as written.
 * @param[in,out] writer The writer.
 * @return #DP_OK (also when there were no bytes to send); #DP_EINVAL when
 *         `writer` is NULL; or the sink's error, with every record still
 *         pending.
 */
int ex_batch_flush(ex_batch_writer *writer);

/**
 * @brief How many records wait to be written.
 * @param[in] writer The writer; NULL has none.
 * @return The number of records appended and not yet written.
 */
size_t ex_batch_pending(const ex_batch_writer *writer);

#endif /* EX_BATCH_WRITER_H */
