/**
 * @file store.h
 * @brief Where lists are kept: a store interface (load, save), file
 *        stores that adapt three formats to the library's stream
 *        interface (Adapter), stores made by name (Factory), and stores
 *        wrapped in logging, timing and caching (Decorator).
 *
 * A format turns records into bytes written to a dp_stream, and bytes
 * back into records. A file store reads a whole file (at most
 * #TODO_FILE_MAX bytes) and saves atomically: a temporary file in the same
 * directory, written through a buffered stream over a file descriptor,
 * flushed, synced and renamed over the old one, so a failure at any point
 * leaves the old file as it was, and the temporary file never outlives
 * the save that made it (see todo_atomic_save()). Ownership: stores are
 * created by their `create` functions and freed with todo_store_destroy(),
 * which also frees the store a decorator wraps. Thread-safety: none; a
 * save changes the signal mask of the calling process while it runs.
 */
#ifndef TODO_STORE_H
#define TODO_STORE_H

#include "common/dp_stream.h"
#include "factory/factory.h"
#include "list.h"
#include "parser.h"
#include "singleton/singleton.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/** @brief The largest file a store reads, in bytes (16 MiB: 100,000
 *         items of ordinary titles take about 2 MiB, the longest titles
 *         about 20 MiB); a save that would write more is refused, so
 *         that what is saved can be loaded. A plain number, so that
 *         TODO_STRING() can name it. */
#define TODO_FILE_MAX 16777216

/** @brief Why such a save is refused; names #TODO_FILE_MAX's value. */
#define TODO_FILE_MAX_REASON                                           \
	"the list is over the " TODO_STRING(TODO_FILE_MAX) " bytes a " \
							   "load accepts"

/** @brief Why a load or save failed, in words, for a one-line message. */
struct todo_status {
	/** A static phrase ("truncated: no end line"), or NULL. */
	const char *reason;
	/** The line of the file it concerns, from 1; 0 for none. */
	size_t line;
};

/** @brief A file format: bytes to records and back. */
struct todo_format {
	/** Required. "native", "csv" or "todotxt". */
	const char *name;
	/** Required. The usual file name, for a default path. */
	const char *default_file;
	/**
	 * Required. Parse a whole file.
	 * @param[in]  data   The bytes (not NUL-terminated).
	 * @param[in]  len    How many.
	 * @param[out] out    An empty list to fill; left empty on error.
	 * @param[out] status Receives the reason of a failure.
	 * @return #DP_OK; #DP_EINVAL for a file that is corrupt, truncated
	 *         or in another format; #DP_ERANGE for a title that is too
	 *         long; #DP_ENOMEM.
	 */
	int (*parse)(const char *data, size_t len, struct todo_list *out,
	             struct todo_status *status);
	/**
	 * Required. Write every record.
	 * @param[in]  list The records.
	 * @param[out] out  The stream.
	 * @return #DP_OK or the stream's error.
	 */
	int (*write)(const struct todo_list *list, struct dp_stream *out);
};

/** @brief The application's own format: a header, "[x] title" lines and
 *         an end line with the count, so truncation is detected. */
extern const struct todo_format todo_format_native;
/** @brief CSV (RFC 4180): a "done,title" header, quoted fields. */
extern const struct todo_format todo_format_csv;
/** @brief todo.txt: one task per line, "x " before a completed one. */
extern const struct todo_format todo_format_todotxt;

struct todo_store;

/** @brief What a store does. */
struct todo_store_ops {
	/** Required. A name for messages and logs. */
	const char *name;
	/**
	 * Required. Read the list kept at `path`.
	 * @param[in,out] store  The store.
	 * @param[in]     path   The file.
	 * @param[out]    out    An empty list to fill; left empty on error.
	 * @param[out]    status Receives the reason of a failure.
	 * @return #DP_OK; #DP_ENOENT for a missing file; #DP_EIO when it
	 *         cannot be read; #DP_ERANGE when it is too large; the
	 *         format's parse errors.
	 */
	int (*load)(struct todo_store *store, const char *path,
	            struct todo_list *out, struct todo_status *status);
	/**
	 * Required. Replace the list kept at `path`, atomically.
	 * @param[in,out] store  The store.
	 * @param[in]     path   The file.
	 * @param[in]     list   The records.
	 * @param[out]    status Receives the reason of a failure.
	 * @return #DP_OK; #DP_EIO when it cannot be written (the old file
	 *         is intact); #DP_ENOMEM.
	 */
	int (*save)(struct todo_store *store, const char *path,
	            const struct todo_list *list, struct todo_status *status);
	/** Required. Free the store (and any store it wraps). */
	void (*destroy)(struct todo_store *store);
};

/** @brief The base of every store; embed it first. */
struct todo_store {
	const struct todo_store_ops *ops; /**< The store's kind. */
};

/**
 * @brief Load through a store.
 * @param[in,out] store  The store.
 * @param[in]     path   The file.
 * @param[out]    out    An empty list.
 * @param[out]    status The reason of a failure; may be NULL.
 * @return #DP_EINVAL when an argument is NULL; otherwise as the store's
 *         load.
 */
int todo_store_load(struct todo_store *store, const char *path,
                    struct todo_list *out, struct todo_status *status);

/**
 * @brief Save through a store.
 * @param[in,out] store  The store.
 * @param[in]     path   The file.
 * @param[in]     list   The records.
 * @param[out]    status The reason of a failure; may be NULL.
 * @return #DP_EINVAL when an argument is NULL; otherwise as the store's
 *         save.
 */
int todo_store_save(struct todo_store *store, const char *path,
                    const struct todo_list *list, struct todo_status *status);

/**
 * @brief Free a store.
 * @param[in] store The store; NULL is a no-op.
 */
void todo_store_destroy(struct todo_store *store);

/**
 * @brief A store that keeps lists in files of one format.
 * @param[in] format The format; static.
 * @param[in] alloc  The allocator, or NULL.
 * @return The store; NULL when `format` is NULL or memory runs out.
 */
struct todo_store *todo_file_store_create(const struct todo_format *format,
                                          const struct dp_allocator *alloc);

/**
 * @brief Find a format by name.
 * @param[in] name "native", "csv" or "todotxt"; NULL is never found.
 * @return The format, static; NULL for an unknown name.
 */
const struct todo_format *todo_format_find(const char *name);

/**
 * @brief The stores' built-in factory table: "native", "csv", "todotxt",
 *        each a file store (the constructor's config is unused).
 * @return The table, ending in a NULL-named sentinel.
 */
const struct dp_factory_entry *todo_store_entries(void);

/**
 * @brief Read a whole file into memory.
 * @param[in]  path  The file.
 * @param[in]  alloc The allocator for the bytes, or NULL.
 * @param[out] data  Receives the bytes, freed with dp_free().
 * @param[out] len   Receives how many.
 * @return #DP_OK; #DP_ENOENT when it does not exist; #DP_EIO when it
 *         cannot be read (no permission) or is not a regular file (a
 *         directory; a FIFO, refused at once, never waited on); #DP_ERANGE
 *         when it is larger than #TODO_FILE_MAX; #DP_ENOMEM.
 */
int todo_file_read(const char *path, const struct dp_allocator *alloc,
                   char **data, size_t *len);

/**
 * @brief Replace a file atomically with what a writer writes.
 *
 * The writer writes to a stream over a temporary file created next to
 * `path`, named `.NAME.PID.XXXXXX` after the file and the saving process;
 * only if it and the flush, sync and close all succeed, and the file is
 * at most #TODO_FILE_MAX bytes, is the temporary renamed over `path`.
 * Otherwise it is removed and `path` is as it was. A symbolic link at
 * `path` is followed: its target is replaced, the link stays. Anything at
 * `path` (or at the link's target) that is not a regular file, a
 * directory, a FIFO, a socket or a device, is refused and left untouched.
 *
 * The temporary file never outlives the process that made it. Every error
 * path removes it. SIGINT, SIGTERM, SIGHUP and SIGQUIT are blocked from
 * its creation to its rename or removal (sigprocmask(): a program with
 * threads must block them in its other threads too), so a Ctrl-C or a
 * kill during a save takes effect after it, on a complete file or on the
 * old one. SIGKILL cannot
 * be blocked: what a killed save leaves, a later todo_save_remove_stale()
 * on the same path removes, since its name says its process is gone.
 * @param[in]  path   The file.
 * @param[in]  write  The writer; `ctx` is handed to it unchanged.
 * @param[in]  ctx    Its context.
 * @param[in]  alloc  The allocator for the streams, or NULL.
 * @param[out] status Receives why it failed ("no such directory",
 *                    "permission denied", "the disk is full", "not a
 *                    regular file: a FIFO", #TODO_FILE_MAX_REASON); may
 *                    be NULL.
 * @return #DP_OK; #DP_EINVAL when `path` or `write` is NULL; #DP_EIO when
 *         the file cannot be created, written or renamed, or is not a
 *         regular file; #DP_ERANGE when it would be over #TODO_FILE_MAX;
 *         #DP_ENOMEM; or the writer's error.
 */
int todo_atomic_save(const char *path,
                     int (*write)(void *ctx, struct dp_stream *out), void *ctx,
                     const struct dp_allocator *alloc,
                     struct todo_status *status);

/** @brief The steps of an atomic save that a hook is called before. */
enum todo_save_step {
	TODO_SAVE_WRITE,  /**< The temporary file exists, still empty. */
	TODO_SAVE_SYNC,   /**< It is written and flushed, not yet synced. */
	TODO_SAVE_RENAME, /**< It is synced and closed, not yet renamed. */
};

/** @brief A seam into an atomic save, for tests: fail a step as if its
 *         system call had failed, or wait in it (to kill the process
 *         there). */
struct todo_save_hook {
	/**
	 * Optional: NULL means every step goes ahead.
	 * @param[in] ctx       The hook's context, unchanged.
	 * @param[in] step      The step about to run.
	 * @param[in] temporary The temporary file's path.
	 * @return #DP_OK to go ahead; any other code fails the save with it
	 *         (the temporary file is removed).
	 */
	int (*before)(void *ctx, enum todo_save_step step,
	              const char *temporary);
	void *ctx; /**< Handed to `before`. */
};

/**
 * @brief todo_atomic_save() with a hook called before each step.
 * @param[in]  path   The file.
 * @param[in]  write  The writer.
 * @param[in]  ctx    Its context.
 * @param[in]  alloc  The allocator, or NULL.
 * @param[in]  hook   The hook; NULL is todo_atomic_save().
 * @param[out] status Receives why it failed; may be NULL.
 * @return As todo_atomic_save(), or the code a hook returned.
 */
int todo_atomic_save_hooked(const char *path,
                            int (*write)(void *ctx, struct dp_stream *out),
                            void *ctx, const struct dp_allocator *alloc,
                            const struct todo_save_hook *hook,
                            struct todo_status *status);

/** @brief What todo_save_remove_stale() found. Owned by the caller. */
struct todo_stale_files {
	size_t removed; /**< Temporary files of dead processes, removed. */
	size_t failed;  /**< Such files that could not be removed. */
};

/**
 * @brief Remove the temporary files that killed saves of `path` left.
 *
 * Looks in the directory where a save of `path` makes its temporary
 * files (that of a symbolic link's target) for regular files named
 * exactly `.NAME.PID.XXXXXX`, and removes those whose process is gone
 * (kill(PID, 0) fails with ESRCH). A live process's file is never
 * touched, nor this process's, nor anything else. A process id reused
 * since only keeps a file longer. On a directory shared between machines
 * the process ids mean nothing: do not share one while saving from both.
 * @param[in]  path  The file a save is about to replace.
 * @param[in]  alloc The allocator, or NULL.
 * @param[out] found Receives how many were removed, and how many could
 *                   not be.
 * @return #DP_OK (also when the directory cannot be read: the save that
 *         follows says why); #DP_EINVAL when an argument is NULL;
 *         #DP_ENOMEM.
 */
int todo_save_remove_stale(const char *path, const struct dp_allocator *alloc,
                           struct todo_stale_files *found);

/** @brief What a file was: enough to notice that another program (or
 *         another instance) replaced or changed it. An atomic save always
 *         makes a new inode; an edit in place changes the size or the
 *         modification time (kept to the nanosecond). */
struct todo_file_id {
	bool exists;      /**< false: there was no file (all else 0). */
	uint64_t device;  /**< st_dev. */
	uint64_t inode;   /**< st_ino. */
	int64_t size;     /**< st_size. */
	int64_t seconds;  /**< st_mtim.tv_sec. */
	long nanoseconds; /**< st_mtim.tv_nsec. */
};

/**
 * @brief What the file at `path` is now (a symbolic link is followed).
 * @param[in]  path The file.
 * @param[out] id   Receives it; `exists` is false when there is none.
 * @return #DP_OK (also for no file); #DP_EINVAL when an argument is NULL;
 *         #DP_EIO when it cannot be examined (no permission).
 */
int todo_file_id_get(const char *path, struct todo_file_id *id);

/**
 * @brief Whether two looks at a file saw the same file, unchanged.
 * @param[in] a One look.
 * @param[in] b The other.
 * @return true when both saw no file, or the same device, inode, size and
 *         modification time; false otherwise, or when either is NULL.
 */
bool todo_file_id_equal(const struct todo_file_id *a,
                        const struct todo_file_id *b);

/** @brief What a timing decorator measured. Owned by the caller. */
struct todo_store_timing {
	uint64_t loads;    /**< Loads made. */
	uint64_t saves;    /**< Saves made. */
	uint64_t total_ns; /**< Time spent in both, on the config's clock. */
	uint64_t last_ns;  /**< The time of the last call. */
};

/**
 * @brief Decorate a store with logging: one line per call on `log`.
 * @param[in] inner The store; owned by the decorator on success.
 * @param[in] log   Where to write; must outlive the decorator.
 * @param[in] alloc The allocator, or NULL.
 * @return The decorated store; NULL when an argument is NULL or memory
 *         runs out (then the caller still owns `inner`).
 */
struct todo_store *todo_logging_store_create(struct todo_store *inner,
                                             struct dp_stream *log,
                                             const struct dp_allocator *alloc);

/**
 * @brief Decorate a store with timing on a clock.
 * @param[in]  inner The store; owned by the decorator on success.
 * @param[in]  clock The clock (the configuration's); NULL for the
 *                   monotonic one.
 * @param[out] stats Where to add the figures; must outlive the decorator.
 * @param[in]  alloc The allocator, or NULL.
 * @return The decorated store; NULL when `inner` or `stats` is NULL or
 *         memory runs out (then the caller still owns `inner`).
 */
struct todo_store *todo_timing_store_create(struct todo_store *inner,
                                            const struct dp_clock *clock,
                                            struct todo_store_timing *stats,
                                            const struct dp_allocator *alloc);

/** @brief What a caching decorator counted. Owned by the caller. */
struct todo_store_cache_stats {
	uint64_t hits;   /**< Loads answered from the cache. */
	uint64_t misses; /**< Loads passed to the store below. */
};

/**
 * @brief Decorate a store with a one-entry cache: a load of the path last
 *        loaded or saved, whose file has not changed since (same size and
 *        modification time), is answered from memory.
 * @param[in]  inner The store; owned by the decorator on success.
 * @param[out] stats Where to count; must outlive the decorator.
 * @param[in]  alloc The allocator, or NULL.
 * @return The decorated store; NULL when `inner` or `stats` is NULL or
 *         memory runs out (then the caller still owns `inner`).
 */
struct todo_store *
todo_caching_store_create(struct todo_store *inner,
                          struct todo_store_cache_stats *stats,
                          const struct dp_allocator *alloc);

#endif /* TODO_STORE_H */
