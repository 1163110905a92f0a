/*
 * The store dispatchers, the file store that adapts a format to files
 * through the library's streams, reading a whole file, and the atomic
 * save. Everything that touches the file system is here, so the formats
 * stay pure functions of bytes and the fuzzers can call them directly.
 */
#define _XOPEN_SOURCE 700 /* realpath, S_ISSOCK */

#include "store.h"

#include "adapter/adapter.h"
#include "decorator/decorator.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void set_status(struct todo_status *status, const char *reason,
                       size_t line)
{
	if (status != NULL)
		*status = (struct todo_status){reason, line};
}

int todo_store_load(struct todo_store *store, const char *path,
                    struct todo_list *out, struct todo_status *status)
{
	struct todo_status ignored;

	if (store == NULL || path == NULL || out == NULL)
		return DP_EINVAL;
	if (status == NULL)
		status = &ignored;
	set_status(status, NULL, 0);
	return store->ops->load(store, path, out, status);
}

int todo_store_save(struct todo_store *store, const char *path,
                    const struct todo_list *list, struct todo_status *status)
{
	struct todo_status ignored;

	if (store == NULL || path == NULL || list == NULL)
		return DP_EINVAL;
	if (status == NULL)
		status = &ignored;
	set_status(status, NULL, 0);
	return store->ops->save(store, path, list, status);
}

void todo_store_destroy(struct todo_store *store)
{
	if (store != NULL)
		store->ops->destroy(store);
}

int todo_file_read(const char *path, const struct dp_allocator *alloc,
                   char **data, size_t *len)
{
	/* Non-blocking, so that opening a FIFO returns at once (to be
	 * refused as not a regular file) instead of waiting for a writer;
	 * on a regular file it changes nothing. */
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);

	if (fd < 0)
		return errno == ENOENT || errno == ENOTDIR ? DP_ENOENT : DP_EIO;
	int rc = DP_EIO;
	struct stat info;
	if (fstat(fd, &info) != 0 || !S_ISREG(info.st_mode))
		goto fail_close_fd;
	rc = DP_ERANGE;
	if (info.st_size > TODO_FILE_MAX)
		goto fail_close_fd;
	rc = DP_ENOMEM;
	/* One byte more than allowed, to notice a file that grew. */
	char *bytes = dp_alloc(alloc, TODO_FILE_MAX + 1);
	if (bytes == NULL)
		goto fail_close_fd;
	struct dp_stream *in = dp_fd_stream_create(fd, true, NULL, alloc);
	if (in == NULL)
		goto fail_free_bytes;
	size_t total = 0;
	for (;;) {
		size_t got = 0;
		rc = dp_stream_read(in, bytes + total,
		                    TODO_FILE_MAX + 1 - total, &got);
		if (rc != DP_OK || got == 0)
			break;
		total += got;
		if (total > TODO_FILE_MAX) {
			rc = DP_ERANGE;
			break;
		}
	}
	dp_stream_close(in);
	if (rc != DP_OK) {
		dp_free(alloc, bytes);
		return rc;
	}
	*data = bytes;
	*len = total;
	return DP_OK;

fail_free_bytes:
	dp_free(alloc, bytes);
fail_close_fd:
	close(fd);
	return rc;
}

/* "dir/list.csv" -> "dir/.list.csv.XXXXXX": the same directory, so the
 * rename cannot cross file systems, and hidden, so a crash's leftover is
 * out of the way. */
static char *temporary_name(const char *path, const struct dp_allocator *alloc)
{
	const char *slash = strrchr(path, '/');
	size_t dir_len = slash ? (size_t)(slash - path) + 1 : 0;
	size_t size = strlen(path) + sizeof(".XXXXXX") + 1;
	char *name = dp_alloc(alloc, size);

	if (name != NULL)
		snprintf(name, size, "%.*s.%s.XXXXXX", (int)dir_len, path,
		         path + dir_len);
	return name;
}

/* The phrase for a failed system call, read before anything else can
 * change errno. */
static const char *system_reason(int error)
{
	switch (error) {
	case ENOENT:
		return "no such directory";
	case ENOTDIR:
		return "a part of the path is not a directory";
	case EACCES:
	case EPERM:
	case EROFS:
		return "permission denied";
	case ENOSPC:
	case EDQUOT:
		return "the disk is full";
	case EISDIR:
		return "it is a directory";
	default:
		return "cannot write it";
	}
}

static int replace_file(const char *path,
                        int (*write)(void *ctx, struct dp_stream *out),
                        void *ctx, const struct dp_allocator *alloc,
                        struct todo_status *status);

/* What stands at `path` when it is not a regular file, in words. */
static const char *kind_of(mode_t mode)
{
	return S_ISDIR(mode)    ? "not a regular file: a directory"
	       : S_ISFIFO(mode) ? "not a regular file: a FIFO"
	       : S_ISSOCK(mode) ? "not a regular file: a socket"
	       : S_ISCHR(mode) || S_ISBLK(mode) ? "not a regular file: a device"
	                                        : "not a regular file";
}

/* The file a save replaces: `path` itself, or what the symbolic link at
 * `path` points to (the link stays a link). Something other than a
 * regular file is refused, and left as it is. Sets *target to a copy
 * from malloc(), or to NULL for `path` itself. */
static int save_target(const char *path, char **target,
                       struct todo_status *status)
{
	struct stat info;

	*target = NULL;
	if (lstat(path, &info) != 0)
		return DP_OK; /* a new file; creating it says what is wrong */
	if (S_ISLNK(info.st_mode)) {
		*target = realpath(path, NULL);
		if (*target == NULL) {
			set_status(status, "a symbolic link to nothing", 0);
			return DP_EIO;
		}
		if (stat(*target, &info) != 0)
			return DP_OK;
	}
	if (S_ISREG(info.st_mode))
		return DP_OK;
	set_status(status, kind_of(info.st_mode), 0);
	free(*target);
	*target = NULL;
	return DP_EIO;
}

/* The limit a load accepts, checked before the save replaces anything:
 * what a save writes, a later load must be able to read. */
static int check_size(int fd, struct todo_status *status)
{
	struct stat info;

	if (fstat(fd, &info) != 0)
		return DP_EIO;
	if (info.st_size <= TODO_FILE_MAX)
		return DP_OK;
	set_status(status, TODO_FILE_MAX_REASON, 0);
	return DP_ERANGE;
}

int todo_atomic_save(const char *path,
                     int (*write)(void *ctx, struct dp_stream *out), void *ctx,
                     const struct dp_allocator *alloc,
                     struct todo_status *status)
{
	struct todo_status ignored;

	if (status == NULL)
		status = &ignored;
	set_status(status, "cannot write it", 0);
	if (path == NULL || write == NULL)
		return DP_EINVAL;
	char *target = NULL;
	int rc = save_target(path, &target, status);
	if (rc != DP_OK)
		return rc;
	rc = replace_file(target ? target : path, write, ctx, alloc, status);
	free(target);
	return rc;
}

/* The atomic save proper, of a regular file or a new one. */
/* Write the temporary file through a buffered stream, and check its
 * size: the writer's error, a stream's, or #DP_ERANGE. */
static int write_temporary(int fd,
                           int (*write)(void *ctx, struct dp_stream *out),
                           void *ctx, const struct dp_allocator *alloc,
                           struct todo_status *status)
{
	struct dp_stream *file = dp_fd_stream_create(fd, false, NULL, alloc);
	if (file == NULL)
		return DP_ENOMEM;
	struct dp_stream *out = dp_buffered_stream_create(file, 4096, alloc);
	if (out == NULL) {
		dp_stream_close(file);
		return DP_ENOMEM;
	}
	int rc = write(ctx, out);
	if (rc == DP_OK)
		rc = dp_stream_flush(out);
	int close_rc = dp_stream_close(out);
	if (rc == DP_OK)
		rc = close_rc;
	if (rc == DP_OK)
		rc = check_size(fd, status);
	return rc;
}

/* mkstemp() makes the file private (0600); the file it replaces keeps
 * its permissions. */
static int keep_permissions(int fd, const char *path,
                            struct todo_status *status)
{
	struct stat old;

	if (stat(path, &old) != 0 || fchmod(fd, old.st_mode & 07777) == 0)
		return DP_OK;
	set_status(status, system_reason(errno), 0);
	return DP_EIO;
}

static int replace_file(const char *path,
                        int (*write)(void *ctx, struct dp_stream *out),
                        void *ctx, const struct dp_allocator *alloc,
                        struct todo_status *status)
{
	char *temp = temporary_name(path, alloc);
	if (temp == NULL)
		return DP_ENOMEM;
	int rc = DP_EIO;
	int fd = mkstemp(temp);
	if (fd < 0) {
		set_status(status, system_reason(errno), 0);
		goto fail_free_temp;
	}
	rc = keep_permissions(fd, path, status);
	if (rc == DP_OK)
		rc = write_temporary(fd, write, ctx, alloc, status);
	if (rc != DP_OK)
		goto fail_remove_temp;
	/* The bytes must be on disk before the name points at them, or a
	 * crash could leave a complete name over an empty file. */
	if (fsync(fd) != 0 || close(fd) != 0) {
		set_status(status, system_reason(errno), 0);
		fd = -1;
		rc = DP_EIO;
		goto fail_remove_temp;
	}
	fd = -1;
	if (rename(temp, path) != 0) {
		set_status(status, system_reason(errno), 0);
		rc = DP_EIO;
		goto fail_remove_temp;
	}
	dp_free(alloc, temp);
	return DP_OK;

fail_remove_temp:
	if (fd >= 0)
		close(fd);
	unlink(temp);
fail_free_temp:
	dp_free(alloc, temp);
	return rc;
}

/* ---- the file store: a format adapted to files ----------------------- */

struct file_store {
	struct todo_store base; /* Base. Must be first. */
	const struct todo_format *format;
	const struct dp_allocator *alloc;
};

static int file_load(struct todo_store *store, const char *path,
                     struct todo_list *out, struct todo_status *status)
{
	struct file_store *self =
		dp_container_of(store, struct file_store, base);
	char *data = NULL;
	size_t len = 0;
	int rc = todo_file_read(path, self->alloc, &data, &len);

	if (rc != DP_OK) {
		set_status(status,
		           rc == DP_ENOENT   ? "no such file"
		           : rc == DP_ERANGE ? "file too large"
		           : rc == DP_ENOMEM ? "out of memory"
		                             : "not a readable file",
		           0);
		return rc;
	}
	rc = self->format->parse(data, len, out, status);
	dp_free(self->alloc, data);
	return rc;
}

struct write_job {
	const struct todo_format *format;
	const struct todo_list *list;
};

static int write_job(void *ctx, struct dp_stream *out)
{
	const struct write_job *job = ctx;

	return job->format->write(job->list, out);
}

static int file_save(struct todo_store *store, const char *path,
                     const struct todo_list *list, struct todo_status *status)
{
	struct file_store *self =
		dp_container_of(store, struct file_store, base);
	struct write_job job = {self->format, list};
	int rc = todo_atomic_save(path, write_job, &job, self->alloc, status);

	if (rc == DP_ENOMEM)
		set_status(status, "out of memory", 0);
	return rc;
}

static void file_destroy(struct todo_store *store)
{
	struct file_store *self =
		dp_container_of(store, struct file_store, base);

	dp_free(self->alloc, self);
}

static const struct todo_store_ops file_store_ops = {
	.name = "file",
	.load = file_load,
	.save = file_save,
	.destroy = file_destroy,
};

struct todo_store *todo_file_store_create(const struct todo_format *format,
                                          const struct dp_allocator *alloc)
{
	if (format == NULL)
		return NULL;
	struct file_store *self = dp_alloc(alloc, sizeof(*self));
	if (self == NULL)
		return NULL;
	*self = (struct file_store){{&file_store_ops}, format, alloc};
	return &self->base;
}

static const struct todo_format *const FORMATS[] = {
	&todo_format_native,
	&todo_format_csv,
	&todo_format_todotxt,
};

const struct todo_format *todo_format_find(const char *name)
{
	for (size_t i = 0; name != NULL && i < DP_ARRAY_SIZE(FORMATS); i++)
		if (strcmp(FORMATS[i]->name, name) == 0)
			return FORMATS[i];
	return NULL;
}

static int make_store(const struct todo_format *format, void **product,
                      const struct dp_allocator *alloc)
{
	struct todo_store *store = todo_file_store_create(format, alloc);

	if (store == NULL)
		return DP_ENOMEM;
	*product = store;
	return DP_OK;
}

static int make_native(void **product, const void *config,
                       const struct dp_allocator *alloc)
{
	(void)config;
	return make_store(&todo_format_native, product, alloc);
}

static int make_csv(void **product, const void *config,
                    const struct dp_allocator *alloc)
{
	(void)config;
	return make_store(&todo_format_csv, product, alloc);
}

static int make_todotxt(void **product, const void *config,
                        const struct dp_allocator *alloc)
{
	(void)config;
	return make_store(&todo_format_todotxt, product, alloc);
}

static const struct dp_factory_entry STORES[] = {
	{"native", make_native, "this program's own format"},
	{"csv", make_csv, "comma-separated values, RFC 4180"},
	{"todotxt", make_todotxt, "the todo.txt format"},
	{NULL, NULL, NULL},
};

const struct dp_factory_entry *todo_store_entries(void)
{
	return STORES;
}
