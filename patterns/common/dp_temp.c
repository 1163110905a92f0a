/*
 * Temporary directories: mkdtemp to make one, a depth-first nftw walk to
 * remove one, so that files are gone before the directories holding them.
 */
#define _XOPEN_SOURCE 700 /* mkdtemp, nftw */

#include "common/dp_temp.h"

#include "common/dp_common.h"

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int dp_temp_dir_make(char *path, size_t size, const char *prefix)
{
	if (path == NULL || prefix == NULL || prefix[0] == '\0' ||
	    strchr(prefix, '/') != NULL) {
		if (path != NULL && size > 0)
			path[0] = '\0';
		return DP_EINVAL;
	}
	const char *base = getenv("TMPDIR");
	if (base == NULL || base[0] == '\0')
		base = "/tmp";

	int length = snprintf(path, size, "%s/%s_XXXXXX", base, prefix);
	if (length < 0 || (size_t)length >= size) {
		if (size > 0)
			path[0] = '\0';
		return DP_ERANGE;
	}
	if (mkdtemp(path) == NULL) {
		path[0] = '\0';
		return DP_EIO;
	}
	return DP_OK;
}

static int remove_entry(const char *path, const struct stat *status, int type,
                        struct FTW *position)
{
	(void)status;
	(void)type;
	(void)position;
	return remove(path);
}

int dp_temp_dir_remove(const char *path)
{
	if (path == NULL || path[0] == '\0')
		return DP_EINVAL;
	/* FTW_DEPTH visits a directory after its contents; FTW_PHYS removes
	 * a link instead of following it out of the tree. */
	if (nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS) != 0)
		return DP_EIO;
	return DP_OK;
}
