/**
 * @file adapter.h
 * @brief Adapter: make existing interfaces (a POSIX file descriptor, a stdio
 *        `FILE *`, a memory buffer, a third-party transport) fit the
 *        library's one stream interface, dp_stream.h.
 *
 * Each adapter is a struct that embeds `struct dp_stream` first and fills a
 * `static const struct dp_stream_ops` with functions that translate: sizes,
 * error conventions, short writes, ownership. Code written against
 * `struct dp_stream` then works with all of them unchanged.
 *
 * Ownership: each `create` allocates the adapter from the given allocator
 * (NULL = malloc/free); dp_stream_close() frees it, and closes the
 * underlying descriptor or `FILE *` only when told to own it. Stats structs
 * belong to the caller. Thread-safety: none; one thread per stream.
 */
#ifndef DP_ADAPTER_H
#define DP_ADAPTER_H

#include "adapter/third_party.h"
#include "common/dp_common.h"
#include "common/dp_stream.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/**
 * @brief System calls made by a file descriptor stream, and what they moved.
 *
 * Owned by the caller, who zeroes it and passes it to dp_fd_stream_create();
 * the stream adds to it and never frees it, so it can be read after the
 * stream is closed. Failed calls are counted too: they cost a system call
 * all the same. Later chapters count system calls with it.
 */
struct dp_fd_stats {
	uint64_t read_calls;    /**< Calls of read(2). */
	uint64_t write_calls;   /**< Calls of write(2). */
	uint64_t close_calls;   /**< Calls of close(2). */
	uint64_t bytes_read;    /**< Bytes read(2) returned. */
	uint64_t bytes_written; /**< Bytes write(2) accepted. */
};

/**
 * @brief A stream over a POSIX file descriptor: every write and read is one
 *        or more real write(2) and read(2) calls.
 *
 * Nothing is buffered (that is the Decorator chapter's job), so the stream
 * has no flush operation. A write loops until every byte is accepted,
 * carrying on after a short write and retrying after `EINTR`; any other
 * failure, or a write(2) that accepts nothing, is #DP_EIO.
 * @param[in] fd       An open descriptor (not checked: a closed one gives
 *                     #DP_EIO at the first read or write).
 * @param[in] owns_fd  Whether dp_stream_close() closes `fd`.
 * @param[in] stats    Where to count system calls; NULL to not count. It
 *                     must outlive the stream.
 * @param[in] alloc    The allocator for the adapter, or NULL.
 * @return The stream, closed with dp_stream_close(); NULL when `fd` is
 *         negative or memory runs out (then `fd` is left open).
 */
struct dp_stream *dp_fd_stream_create(int fd, bool owns_fd,
                                      struct dp_fd_stats *stats,
                                      const struct dp_allocator *alloc);

/**
 * @brief A stream over a stdio `FILE *`, with stdio's own buffering.
 *
 * Reads use fread(3), writes fwrite(3), flush fflush(3); an error or end of
 * file reported by stdio becomes #DP_EIO or the end of the input.
 * @param[in] file       An open stream.
 * @param[in] owns_file  Whether dp_stream_close() calls fclose(3) on it
 *                       (else it only flushes it).
 * @param[in] alloc      The allocator for the adapter, or NULL.
 * @return The stream, closed with dp_stream_close(); NULL when `file` is
 *         NULL or memory runs out.
 */
struct dp_stream *dp_file_stream_create(FILE *file, bool owns_file,
                                        const struct dp_allocator *alloc);

/**
 * @brief A stream over a growable memory buffer: writes append, reads
 *        consume from the front, in order.
 *
 * The buffer grows by doubling, through the allocator. A write that cannot
 * grow it returns #DP_ENOMEM and leaves the buffer as it was.
 * @param[in] alloc The allocator for the adapter and its buffer, or NULL.
 *                  It must outlive the stream.
 * @return The stream, empty, closed with dp_stream_close(); NULL when
 *         memory runs out.
 */
struct dp_stream *dp_memory_stream_create(const struct dp_allocator *alloc);

/**
 * @brief The bytes a memory stream holds that have not been read yet.
 * @param[in]  stream A stream made by dp_memory_stream_create().
 * @param[out] len    Receives the number of bytes; 0 on error. May be NULL.
 * @return A pointer to them, valid until the next write, clear or close;
 *         NULL when the stream is empty, NULL, or not a memory stream.
 */
const unsigned char *dp_memory_stream_data(const struct dp_stream *stream,
                                           size_t *len);

/**
 * @brief Forget the contents of a memory stream, keeping its buffer for
 *        reuse (no allocation, no free).
 * @param[in,out] stream A stream made by dp_memory_stream_create().
 * @return #DP_OK, or #DP_EINVAL when `stream` is NULL or not a memory stream.
 */
int dp_memory_stream_clear(struct dp_stream *stream);

/**
 * @brief A stream over a third-party transport (third_party.h): the worked
 *        example of adapting an interface whose shape differs from ours.
 *
 * It bridges `size_t` to `int` lengths (a write larger than `INT_MAX` is
 * sent in pieces), `ssize_t` and `errno` to #DP_OK and #DP_EIO, short sends
 * to "all or nothing", and a struct of callbacks sharing one `void *handle`
 * to our ops table. A transport without `recv` gives a write-only stream.
 * @param[in] transport The transport, copied; its handle must outlive the
 *                      stream. dp_stream_close() calls its `shutdown`, if
 *                      any.
 * @param[in] alloc     The allocator for the adapter, or NULL.
 * @return The stream, closed with dp_stream_close(); NULL when `transport`
 *         or its `send` is NULL, or memory runs out.
 */
struct dp_stream *
dp_transport_stream_create(const struct tp_transport *transport,
                           const struct dp_allocator *alloc);

/**
 * @brief The other direction: a send callback of the third-party shape
 *        that writes into one of our streams.
 *
 * Give it to third-party code as `send` with a `struct dp_stream *` as the
 * handle, and that code writes to any of our streams. It takes every byte
 * or fails.
 * @param[in] handle The `struct dp_stream *` to write to.
 * @param[in] data   The bytes.
 * @param[in] len    How many.
 * @return `len`, or -1 with `errno` = EINVAL (a NULL handle, NULL data or a
 *         negative length) or EIO (the stream failed).
 */
ssize_t dp_stream_as_tp_send(void *handle, const char *data, int len);

#endif /* DP_ADAPTER_H */
