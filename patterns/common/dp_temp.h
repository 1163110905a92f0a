/**
 * @file dp_temp.h
 * @brief Temporary directories for tests, examples and benchmarks that
 *        work with real files: made under `$TMPDIR` (or /tmp), removed
 *        with everything in them.
 *
 * Ownership: the caller owns the path buffer and removes the directory.
 * Thread-safety: safe from any thread (mkdtemp picks a unique name).
 */
#ifndef DP_TEMP_H
#define DP_TEMP_H

#include <stddef.h>

/**
 * @brief Make a new, empty, private directory.
 * @param[out] path   Receives the directory's path.
 * @param[in]  size   The size of `path` in bytes.
 * @param[in]  prefix The start of the directory's name, e.g. "dp_adapter";
 *                    a unique suffix is added. Must not contain '/'.
 * @return #DP_OK; #DP_EINVAL when `path` or `prefix` is NULL or `prefix`
 *         is empty or contains '/'; #DP_ERANGE when `size` cannot hold
 *         the path; #DP_EIO when the directory cannot be made. On error
 *         `path` holds an empty string (when `size` > 0).
 */
int dp_temp_dir_make(char *path, size_t size, const char *prefix);

/**
 * @brief Remove a directory and everything below it.
 *
 * Symbolic links are removed, never followed.
 * @param[in] path The directory.
 * @return #DP_OK; #DP_EINVAL when `path` is NULL or empty; #DP_EIO when
 *         something could not be removed (what could be is gone).
 */
int dp_temp_dir_remove(const char *path);

#endif /* DP_TEMP_H */
