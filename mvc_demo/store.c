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

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
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

/* "dir/list.csv" -> "dir/.list.csv.PID.XXXXXX": the same directory, so
 * the rename cannot cross file systems; hidden, so a leftover is out of
 * the way; and named after its process, so that a later save can tell
 * the leftover of a killed process from the file of a live one. */
static char *temporary_name(const char *path, const struct dp_allocator *alloc)
{
	const char *slash = strrchr(path, '/');
	size_t dir_len = slash ? (size_t)(slash - path) + 1 : 0;
	size_t size = strlen(path) + sizeof("..-9223372036854775808.XXXXXX");
	char *name = dp_alloc(alloc, size);

	if (name != NULL)
		snprintf(name, size, "%.*s.%s.%ld.XXXXXX", (int)dir_len, path,
		         path + dir_len, (long)getpid());
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

/* A system call failed: say why, from errno, and answer #DP_EIO. */
static int system_failure(struct todo_status *status)
{
	set_status(status, system_reason(errno), 0);
	return DP_EIO;
}

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

/* One save's arguments, handed down together. */
struct save_call {
	int (*write)(void *ctx, struct dp_stream *out);
	void *ctx;
	const struct dp_allocator *alloc;
	const struct todo_save_hook *hook; /* NULL for none */
};

/* The test's seam: it may fail a step, or wait in it. */
static int step(const struct save_call *call, enum todo_save_step at,
                const char *temporary)
{
	if (call->hook == NULL || call->hook->before == NULL)
		return DP_OK;
	return call->hook->before(call->hook->ctx, at, temporary);
}

/* Write the temporary file through a buffered stream, and check its
 * size: the writer's error, a stream's, or #DP_ERANGE. */
static int write_temporary(int fd, const struct save_call *call,
                           struct todo_status *status)
{
	struct dp_stream *file =
		dp_fd_stream_create(fd, false, NULL, call->alloc);
	if (file == NULL)
		return DP_ENOMEM;
	struct dp_stream *out =
		dp_buffered_stream_create(file, 4096, call->alloc);
	if (out == NULL) {
		dp_stream_close(file);
		return DP_ENOMEM;
	}
	int rc = call->write(call->ctx, out);
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
	return system_failure(status);
}

/* From a created temporary file to its rename; closes `fd`. The bytes
 * must be on disk before the name points at them, or a crash could leave
 * a complete name over an empty file. */
static int fill_and_rename(int fd, const char *temp, const char *path,
                           const struct save_call *call,
                           struct todo_status *status)
{
	int rc = keep_permissions(fd, path, status);

	if (rc == DP_OK)
		rc = step(call, TODO_SAVE_WRITE, temp);
	if (rc == DP_OK)
		rc = write_temporary(fd, call, status);
	if (rc == DP_OK)
		rc = step(call, TODO_SAVE_SYNC, temp);
	if (rc == DP_OK && fsync(fd) != 0)
		rc = system_failure(status);
	if (close(fd) != 0 && rc == DP_OK)
		rc = system_failure(status);
	if (rc == DP_OK)
		rc = step(call, TODO_SAVE_RENAME, temp);
	if (rc == DP_OK && rename(temp, path) != 0)
		rc = system_failure(status);
	return rc;
}

/* The signals that ask a process to end. They are held while the
 * temporary file exists, so that Ctrl-C, a kill or a closed terminal in
 * the middle of a save take effect once it is renamed or removed, and
 * never strand it. sigprocmask() blocks them in the calling thread: a
 * program with other threads must block them there too. */
static void hold_ending_signals(sigset_t *before)
{
	sigset_t ending;

	sigemptyset(&ending);
	sigaddset(&ending, SIGINT);
	sigaddset(&ending, SIGTERM);
	sigaddset(&ending, SIGHUP);
	sigaddset(&ending, SIGQUIT);
	sigprocmask(SIG_BLOCK, &ending, before);
}

/* The atomic save proper, of a regular file or a new one: every way out
 * after mkstemp() either renames the temporary file or removes it. */
static int replace_file(const char *path, const struct save_call *call,
                        struct todo_status *status)
{
	char *temp = temporary_name(path, call->alloc);
	if (temp == NULL)
		return DP_ENOMEM;
	sigset_t before;
	hold_ending_signals(&before);
	int rc;
	int fd = mkstemp(temp);
	if (fd < 0)
		rc = system_failure(status);
	else
		rc = fill_and_rename(fd, temp, path, call, status);
	if (rc != DP_OK && fd >= 0)
		unlink(temp);
	sigprocmask(SIG_SETMASK, &before, NULL);
	dp_free(call->alloc, temp);
	return rc;
}

int todo_atomic_save_hooked(const char *path,
                            int (*write)(void *ctx, struct dp_stream *out),
                            void *ctx, const struct dp_allocator *alloc,
                            const struct todo_save_hook *hook,
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
	struct save_call call = {write, ctx, alloc, hook};
	rc = replace_file(target ? target : path, &call, status);
	free(target);
	return rc;
}

int todo_atomic_save(const char *path,
                     int (*write)(void *ctx, struct dp_stream *out), void *ctx,
                     const struct dp_allocator *alloc,
                     struct todo_status *status)
{
	return todo_atomic_save_hooked(path, write, ctx, alloc, NULL, status);
}

/* ---- what a killed save left behind ---------------------------------- */

static bool is_letter_or_digit(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	       (c >= 'A' && c <= 'Z');
}

/* Whether `name` is exactly ".BASE.PID.XXXXXX", the temporary file of a
 * save of BASE by process PID (mkstemp() fills the X's with letters and
 * digits); sets *pid. */
static bool temporary_of(const char *name, const char *base, long *pid)
{
	size_t len = strlen(base);

	if (name[0] != '.' || strncmp(name + 1, base, len) != 0 ||
	    name[len + 1] != '.' || name[len + 2] == '0')
		return false;
	const char *p = name + len + 2;
	long value = 0;
	int digits = 0;
	for (; *p >= '0' && *p <= '9' && digits < 10; p++, digits++)
		value = value * 10 + (*p - '0');
	if (digits == 0 || *p != '.' || value > INT_MAX)
		return false;
	for (int i = 1; i <= 6; i++)
		if (!is_letter_or_digit(p[i]))
			return false;
	*pid = value;
	return p[7] == '\0';
}

/* Remove, in `dir`, the temporary files of saves of `base` whose process
 * is gone. Only regular files; never a live process's, nor one whose
 * process this one may not signal (another user's, alive). */
static void remove_stale_in(DIR *dir, const char *base,
                            struct todo_stale_files *found)
{
	struct dirent *entry;
	struct stat info;
	long pid;

	while ((entry = readdir(dir)) != NULL) {
		if (!temporary_of(entry->d_name, base, &pid) ||
		    pid == (long)getpid())
			continue;
		if (fstatat(dirfd(dir), entry->d_name, &info,
		            AT_SYMLINK_NOFOLLOW) != 0 ||
		    !S_ISREG(info.st_mode))
			continue;
		if (kill((pid_t)pid, 0) == 0 || errno != ESRCH)
			continue;
		if (unlinkat(dirfd(dir), entry->d_name, 0) == 0)
			found->removed++;
		else
			found->failed++;
	}
}

int todo_save_remove_stale(const char *path, const struct dp_allocator *alloc,
                           struct todo_stale_files *found)
{
	if (path == NULL || found == NULL)
		return DP_EINVAL;
	*found = (struct todo_stale_files){0, 0};
	/* The temporary files are made next to the file a save replaces,
	 * which is a symbolic link's target. */
	struct stat info;
	char *target = lstat(path, &info) == 0 && S_ISLNK(info.st_mode)
	                       ? realpath(path, NULL)
	                       : NULL;
	const char *file = target ? target : path;
	const char *slash = strrchr(file, '/');
	/* "a/b" is in "a", "/b" in "/", "b" in ".". */
	const char *dir_name = slash ? file : ".";
	size_t dir_len = !slash          ? 1
	                 : slash == file ? 1
	                                 : (size_t)(slash - file);
	char *dir = dp_alloc(alloc, dir_len + 1);
	if (dir == NULL) {
		free(target);
		return DP_ENOMEM;
	}
	memcpy(dir, dir_name, dir_len);
	dir[dir_len] = '\0';
	DIR *stream = opendir(dir);
	/* A directory that cannot be read holds nothing to remove; the
	 * save that follows says what is wrong with it. */
	if (stream != NULL) {
		remove_stale_in(stream, slash ? slash + 1 : file, found);
		closedir(stream);
	}
	dp_free(alloc, dir);
	free(target);
	return DP_OK;
}

/* ---- what a file was -------------------------------------------------- */

int todo_file_id_get(const char *path, struct todo_file_id *id)
{
	struct stat info;

	if (path == NULL || id == NULL)
		return DP_EINVAL;
	*id = (struct todo_file_id){.exists = false};
	if (stat(path, &info) != 0)
		return errno == ENOENT || errno == ENOTDIR ? DP_OK : DP_EIO;
	*id = (struct todo_file_id){
		.exists = true,
		.device = (uint64_t)info.st_dev,
		.inode = (uint64_t)info.st_ino,
		.size = (int64_t)info.st_size,
		.seconds = (int64_t)info.st_mtim.tv_sec,
		.nanoseconds = (long)info.st_mtim.tv_nsec,
	};
	return DP_OK;
}

bool todo_file_id_equal(const struct todo_file_id *a,
                        const struct todo_file_id *b)
{
	if (a == NULL || b == NULL || a->exists != b->exists)
		return false;
	return !a->exists || (a->device == b->device && a->inode == b->inode &&
	                      a->size == b->size && a->seconds == b->seconds &&
	                      a->nanoseconds == b->nanoseconds);
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
