/**
 * @file dp_stream.h
 * @brief The library's byte stream: one small interface that files, memory
 *        buffers, buffering and counting layers all implement.
 *
 * Modelled on SQLite's `sqlite3_file`: a public base struct with one field,
 * the ops pointer, that each implementation embeds first in its own struct.
 * Ownership: a stream belongs to whoever created it until dp_stream_close(),
 * which flushes it, releases what it holds and frees it. Thread-safety:
 * none; one stream is used by one thread at a time.
 */
#ifndef DP_STREAM_H
#define DP_STREAM_H

#include "common/dp_common.h"

#include <stddef.h>

struct dp_stream;

/**
 * @brief What a stream can do: a `const` table shared by every stream of
 *        one kind.
 *
 * Each operation receives the stream itself, which is its context: an
 * implementation embeds `struct dp_stream` as the first field of its own
 * struct and gets that struct back with dp_container_of(). The stream
 * pointer plays the role that `void *ctx` plays in other tables, exactly as
 * `sqlite3_file *` does for `sqlite3_io_methods`. The dispatchers below
 * check every argument, so an operation may trust its own.
 */
struct dp_stream_ops {
	/** Required. A short name for people: "fd", "memory", "buffered". */
	const char *name;

	/**
	 * Optional: NULL means the stream is write-only, and dp_stream_read()
	 * answers #DP_ENOTSUP. Read up to `len` bytes (`len` > 0) into `buf`.
	 * Fewer bytes than asked is not an error; zero bytes means the end of
	 * the input.
	 * @return #DP_OK with `*got` set; #DP_EIO (or another code) with
	 *         `*got` left at 0.
	 */
	int (*read)(struct dp_stream *stream, void *buf, size_t len,
	            size_t *got);

	/**
	 * Optional: NULL means the stream is read-only, and dp_stream_write()
	 * answers #DP_ENOTSUP. Write all `len` bytes (`len` > 0) of `buf`, or
	 * fail. A layer that receives a short write from below keeps writing
	 * the rest; it never returns one.
	 * @return #DP_OK; #DP_EIO when the destination refused the bytes;
	 *         #DP_ENOMEM when a stream that stores bytes could not grow.
	 */
	int (*write)(struct dp_stream *stream, const void *buf, size_t len);

	/**
	 * Optional: NULL means there is never anything to flush, and
	 * dp_stream_flush() answers #DP_OK. Push every byte the stream holds
	 * to the layer below, then flush that layer.
	 * @return #DP_OK or the first error met.
	 */
	int (*flush)(struct dp_stream *stream);

	/**
	 * Required. Flush, release everything the stream holds (including the
	 * stream it wraps, if any) and free the stream itself, even when the
	 * flush fails.
	 * @return #DP_OK or the first error met; the stream is gone either way.
	 */
	int (*close)(struct dp_stream *stream);
};

/**
 * @brief The base of every stream. Public because implementations embed it.
 *
 * @code
 * struct my_stream {
 *         struct dp_stream base; // Base. Must be first.
 *         int fd;
 * };
 * @endcode
 *
 * The base being first lets a `struct dp_stream *` and a `struct my_stream
 * *` point at the same address, as in C's own `struct sockaddr`; the
 * library recovers the outer struct with dp_container_of(), which does not
 * depend on it.
 */
struct dp_stream {
	/** The operations; set once by dp_stream_init(), never NULL after. */
	const struct dp_stream_ops *ops;
};

/**
 * @brief Set up the base of a new stream: the one place a table is checked.
 * @param[out] stream The base, inside the implementation's own struct.
 * @param[in]  ops    The table; it must outlive the stream, so it is
 *                    normally `static const`. Its `name` and `close` slots
 *                    are required.
 * @return #DP_OK; #DP_EINVAL when `stream` or `ops` is NULL or a required
 *         slot is empty, with `stream` untouched.
 */
int dp_stream_init(struct dp_stream *stream, const struct dp_stream_ops *ops);

/**
 * @brief Read up to `len` bytes.
 * @param[in,out] stream The stream.
 * @param[out]    buf    Room for `len` bytes; may be NULL when `len` is 0.
 * @param[in]     len    The most bytes wanted; 0 reads nothing and does not
 *                       call the stream.
 * @param[out]    got    Receives the number of bytes read: 0 at the end of
 *                       the input (or when `len` is 0), and 0 on any error.
 * @return #DP_OK; #DP_EINVAL when `stream` or `got` is NULL, or `buf` is
 *         NULL with a non-zero `len`; #DP_ENOTSUP when the stream is
 *         write-only; #DP_EIO when the source fails.
 */
int dp_stream_read(struct dp_stream *stream, void *buf, size_t len,
                   size_t *got);

/**
 * @brief Write all of `buf`, or fail.
 *
 * On failure a prefix of `buf`, possibly empty, may already have reached
 * the destination; the streams that count bytes (the fd adapter's stats,
 * the counting decorator) say how much.
 * @param[in,out] stream The stream.
 * @param[in]     buf    The bytes; may be NULL when `len` is 0.
 * @param[in]     len    How many; 0 writes nothing and does not call the
 *                       stream.
 * @return #DP_OK; #DP_EINVAL when `stream` is NULL, or `buf` is NULL with
 *         a non-zero `len`; #DP_ENOTSUP when the stream is read-only;
 *         #DP_EIO when the destination fails; #DP_ENOMEM when a memory
 *         stream cannot grow.
 */
int dp_stream_write(struct dp_stream *stream, const void *buf, size_t len);

/**
 * @brief Write a NUL-terminated string, without its NUL.
 * @param[in,out] stream The stream.
 * @param[in]     text   The string.
 * @return As dp_stream_write(); #DP_EINVAL also when `text` is NULL.
 */
int dp_stream_write_string(struct dp_stream *stream, const char *text);

/** @brief The longest text one dp_stream_printf() call writes, in bytes. */
#define DP_STREAM_PRINTF_MAX 1023

/**
 * @brief Format like printf and write the result, all of it or nothing.
 *
 * The text is formatted into a buffer on the stack first, so a format
 * that fails or a text that is too long writes no byte at all.
 * @param[in,out] stream The stream.
 * @param[in]     format A printf format.
 * @return #DP_OK; #DP_EINVAL when `stream` or `format` is NULL or the
 *         format fails; #DP_ERANGE when the text would be longer than
 *         #DP_STREAM_PRINTF_MAX bytes (nothing is written); otherwise as
 *         dp_stream_write().
 */
int dp_stream_printf(struct dp_stream *stream, const char *format, ...)
	__attribute__((format(printf, 2, 3)));

/**
 * @brief Push what the stream holds down to its destination.
 *
 * This reaches the operating system (a write(2)), not the disk: no stream
 * here calls fsync(2).
 * @param[in,out] stream The stream.
 * @return #DP_OK (at once when the stream has no flush operation);
 *         #DP_EINVAL when `stream` is NULL; #DP_EIO when the destination
 *         fails.
 */
int dp_stream_flush(struct dp_stream *stream);

/**
 * @brief Flush, release and free a stream, and every stream it wraps.
 * @param[in] stream The stream; NULL is a no-op. It is invalid afterwards,
 *                   whatever the result.
 * @return #DP_OK; #DP_EIO when the final flush or the release failed (the
 *         stream is freed all the same).
 */
int dp_stream_close(struct dp_stream *stream);

/**
 * @brief The name of the stream's kind, from its ops table.
 * @param[in] stream The stream.
 * @return Its `name`, or "(null)" when `stream` is NULL. Never NULL.
 */
const char *dp_stream_name(const struct dp_stream *stream);

#endif /* DP_STREAM_H */
