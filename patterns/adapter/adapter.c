/*
 * Adapters over the operating system: a POSIX file descriptor and a stdio
 * FILE *. Each embeds struct dp_stream first and translates: errno into
 * DP_EIO, short writes into a loop, ownership of the descriptor into a
 * flag. The dispatchers in dp_stream.c have already checked the arguments.
 */
#define _POSIX_C_SOURCE 200809L /* read, write, close */

#include "adapter/adapter.h"

#include <errno.h>
#include <unistd.h>

/* ---- file descriptor --------------------------------------------------- */

struct fd_stream {
	struct dp_stream base; /* Base. Must be first. */
	int fd;
	bool owns_fd;
	struct dp_fd_stats *stats; /* the caller's, or a private one */
	struct dp_fd_stats own_stats;
	const struct dp_allocator *alloc;
};

static struct fd_stream *fd_stream_of(struct dp_stream *stream)
{
	return dp_container_of(stream, struct fd_stream, base);
}

static int fd_read(struct dp_stream *stream, void *buf, size_t len, size_t *got)
{
	struct fd_stream *self = fd_stream_of(stream);
	ssize_t n;

	do {
		self->stats->read_calls++;
		n = read(self->fd, buf, len);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return DP_EIO;
	self->stats->bytes_read += (uint64_t)n;
	*got = (size_t)n;
	return DP_OK;
}

/* write(2) may take fewer bytes than asked (a pipe, a socket, a signal, a
 * full disk); our contract is all or nothing, so keep going until done. */
static int fd_write(struct dp_stream *stream, const void *buf, size_t len)
{
	struct fd_stream *self = fd_stream_of(stream);
	const char *next = buf;

	while (len > 0) {
		self->stats->write_calls++;
		ssize_t n = write(self->fd, next, len);
		if (n < 0 && errno == EINTR)
			continue;
		/* Zero bytes accepted would loop forever: treat it as the
		 * failure it is. */
		if (n <= 0)
			return DP_EIO;
		self->stats->bytes_written += (uint64_t)n;
		next += n;
		len -= (size_t)n;
	}
	return DP_OK;
}

static int fd_close(struct dp_stream *stream)
{
	struct fd_stream *self = fd_stream_of(stream);
	int rc = DP_OK;

	if (self->owns_fd) {
		self->stats->close_calls++;
		/* Not retried on EINTR: on Linux the descriptor is released
		 * whatever close(2) returns, and a retry could close a
		 * descriptor another thread has just been given. */
		if (close(self->fd) != 0)
			rc = DP_EIO;
	}
	dp_free(self->alloc, self);
	return rc;
}

/* No flush: nothing is ever held back. */
static const struct dp_stream_ops fd_ops = {
	.name = "fd",
	.read = fd_read,
	.write = fd_write,
	.close = fd_close,
};

struct dp_stream *dp_fd_stream_create(int fd, bool owns_fd,
                                      struct dp_fd_stats *stats,
                                      const struct dp_allocator *alloc)
{
	if (fd < 0)
		return NULL;
	struct fd_stream *self = dp_alloc(alloc, sizeof(*self));
	if (self == NULL)
		return NULL;
	dp_stream_init(&self->base, &fd_ops);
	self->fd = fd;
	self->owns_fd = owns_fd;
	self->own_stats = (struct dp_fd_stats){0};
	/* Counting into a private struct when the caller wants none keeps
	 * the hot path free of a NULL test. */
	self->stats = stats != NULL ? stats : &self->own_stats;
	self->alloc = alloc;
	return &self->base;
}

/* ---- stdio FILE * ------------------------------------------------------ */

struct file_stream {
	struct dp_stream base; /* Base. Must be first. */
	FILE *file;
	bool owns_file;
	const struct dp_allocator *alloc;
};

static struct file_stream *file_stream_of(struct dp_stream *stream)
{
	return dp_container_of(stream, struct file_stream, base);
}

static int file_read(struct dp_stream *stream, void *buf, size_t len,
                     size_t *got)
{
	FILE *file = file_stream_of(stream)->file;
	size_t n = fread(buf, 1, len, file);

	/* A short count is the end of the file or an error; only ferror()
	 * tells which. */
	if (n < len && ferror(file))
		return DP_EIO;
	*got = n;
	return DP_OK;
}

static int file_write(struct dp_stream *stream, const void *buf, size_t len)
{
	FILE *file = file_stream_of(stream)->file;

	return fwrite(buf, 1, len, file) == len ? DP_OK : DP_EIO;
}

static int file_flush(struct dp_stream *stream)
{
	return fflush(file_stream_of(stream)->file) == 0 ? DP_OK : DP_EIO;
}

static int file_close(struct dp_stream *stream)
{
	struct file_stream *self = file_stream_of(stream);
	int rc;

	if (self->owns_file)
		rc = fclose(self->file);
	else
		rc = fflush(self->file);
	dp_free(self->alloc, self);
	return rc == 0 ? DP_OK : DP_EIO;
}

static const struct dp_stream_ops file_ops = {
	.name = "file",
	.read = file_read,
	.write = file_write,
	.flush = file_flush,
	.close = file_close,
};

struct dp_stream *dp_file_stream_create(FILE *file, bool owns_file,
                                        const struct dp_allocator *alloc)
{
	if (file == NULL)
		return NULL;
	struct file_stream *self = dp_alloc(alloc, sizeof(*self));
	if (self == NULL)
		return NULL;
	dp_stream_init(&self->base, &file_ops);
	self->file = file;
	self->owns_file = owns_file;
	self->alloc = alloc;
	return &self->base;
}
