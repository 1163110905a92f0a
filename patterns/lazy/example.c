/*
 * Find the first three slow requests in a large access log, lazily and
 * eagerly, and compare what each had to read and hold.
 *
 * The lazy pipeline is lines -> filter (slow) -> map (the path) -> take 3:
 * it reads the file a chunk at a time and stops as soon as it has three.
 * The eager one materializes every stage: all the lines, then all the slow
 * ones, then all their paths, and only then keeps three.
 */
#define _POSIX_C_SOURCE 200809L /* open */

#include "adapter/adapter.h"
#include "common/dp_temp.h"
#include "lazy/lazy.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { REQUESTS = 200000, SLOW_MS = 990, WANTED = 3 };

/* The `index`th space-separated field of a line such as
 * "000042 GET /item/17 200 133ms"; empty when there is none. */
static struct dp_item field(const struct dp_item *line, size_t index)
{
	const char *p = line->data;
	const char *end = line->data + line->len;

	for (; index > 0 && p < end; p++)
		if (*p == ' ')
			index--;
	const char *start = p;
	while (p < end && *p != ' ')
		p++;
	return (struct dp_item){start, (size_t)(p - start)};
}

static bool is_slow(void *ctx, const struct dp_item *line)
{
	struct dp_item ms = field(line, 4);
	unsigned value = 0;

	(void)ctx;
	for (size_t i = 0; i < ms.len && ms.data[i] != 'm'; i++)
		value = value * 10 + (unsigned)(ms.data[i] - '0');
	return value >= SLOW_MS;
}

/* Zero-copy: the path points into the line, which stays valid until the
 * map pulls again, exactly as long as the map's own item must. */
static int path_of(void *ctx, const struct dp_item *line, struct dp_item *out)
{
	(void)ctx;
	*out = field(line, 2);
	return DP_OK;
}

static int write_log(const char *path)
{
	FILE *file = fopen(path, "w");
	uint64_t seed = 7;

	if (file == NULL)
		return DP_EIO;
	for (size_t i = 0; i < REQUESTS; i++) {
		uint64_t r = dp_random_next(&seed);
		fprintf(file, "%06zu GET /item/%u 200 %ums\n", i,
		        (unsigned)(r % 5000), (unsigned)(r >> 32) % 1000);
	}
	return fclose(file) == 0 ? DP_OK : DP_EIO;
}

static struct dp_stream *open_log(const char *path, struct dp_fd_stats *stats,
                                  const struct dp_allocator *alloc)
{
	int fd = open(path, O_RDONLY);
	return fd < 0 ? NULL : dp_fd_stream_create(fd, true, stats, alloc);
}

static void print_items(const dp_list *list)
{
	for (size_t i = 0; i < dp_list_size(list); i++) {
		struct dp_item item;
		dp_list_get(list, i, &item);
		printf("  %.*s\n", (int)item.len, item.data);
	}
}

static int run_lazy(const char *path, dp_list *found)
{
	struct dp_counting_allocator counter;
	struct dp_fd_stats fd_stats = {0};
	struct dp_lines_stats stats = {0};
	struct dp_item item;

	dp_counting_allocator_init(&counter, NULL);
	const struct dp_allocator *alloc = &counter.base;
	dp_iter *it = dp_iter_take(
		dp_iter_map(
			dp_iter_filter(
				dp_iter_lines(open_log(path, &fd_stats, alloc),
	                                      true, 0, &stats, alloc),
				is_slow, NULL, alloc),
			path_of, NULL, alloc),
		WANTED, alloc);
	if (it == NULL)
		return DP_ENOMEM;
	int rc;
	while ((rc = dp_iter_next(it, &item)) == DP_OK) {
		/* The item is the pipeline's until the next pull: keep a
		 * copy of what must outlive it. */
		if (dp_list_append(found, &item) != DP_OK)
			break;
	}
	printf("lazy: the first %d requests of %d ms or more\n", WANTED,
	       SLOW_MS);
	print_items(found);
	printf("  lines read: %llu of %d, read calls: %llu\n",
	       (unsigned long long)stats.lines, REQUESTS,
	       (unsigned long long)fd_stats.read_calls);
	printf("  file closed by take, before the pipeline: %s\n",
	       fd_stats.close_calls == 1 ? "yes" : "no");
	dp_iter_close(it);
	printf("  peak memory: %zu bytes, %zu live after close\n",
	       counter.peak_bytes, counter.live_bytes);
	return rc == DP_ENOENT ? DP_OK : rc;
}

static int run_eager(const char *path, const dp_list *expected)
{
	struct dp_counting_allocator counter;
	struct dp_lines_stats stats = {0};

	dp_counting_allocator_init(&counter, NULL);
	const struct dp_allocator *alloc = &counter.base;
	dp_iter *lines = dp_iter_lines(open_log(path, NULL, alloc), true, 0,
	                               &stats, alloc);
	dp_list *all = dp_list_create(alloc);
	dp_list *slow = dp_list_create(alloc);
	dp_list *paths = dp_list_create(alloc);
	dp_list *first = dp_list_create(alloc);
	int rc = DP_ENOMEM;
	if (lines == NULL || all == NULL || slow == NULL || paths == NULL ||
	    first == NULL)
		goto done;
	rc = dp_list_collect(all, lines);
	if (rc == DP_OK)
		rc = dp_list_filter(all, is_slow, NULL, slow);
	if (rc == DP_OK)
		rc = dp_list_map(slow, path_of, NULL, paths);
	if (rc == DP_OK)
		rc = dp_list_take(paths, WANTED, first);
	if (rc != DP_OK)
		goto done;

	bool same = dp_list_size(first) == dp_list_size(expected);
	for (size_t i = 0; same && i < dp_list_size(first); i++) {
		struct dp_item a;
		struct dp_item b;
		dp_list_get(first, i, &a);
		dp_list_get(expected, i, &b);
		same = a.len == b.len && memcmp(a.data, b.data, a.len) == 0;
	}
	printf("eager: lists of %zu lines, %zu slow, %zu paths, %zu kept\n",
	       dp_list_size(all), dp_list_size(slow), dp_list_size(paths),
	       dp_list_size(first));
	printf("  same requests as lazy: %s\n", same ? "yes" : "no");
	printf("  lines read: %llu of %d\n", (unsigned long long)stats.lines,
	       REQUESTS);
done:
	dp_iter_close(lines);
	dp_list_destroy(all);
	dp_list_destroy(slow);
	dp_list_destroy(paths);
	dp_list_destroy(first);
	if (rc == DP_OK)
		printf("  peak memory: %zu bytes, %zu live after destroy\n",
		       counter.peak_bytes, counter.live_bytes);
	return rc;
}

int main(void)
{
	char dir[256];
	char path[300];

	if (dp_temp_dir_make(dir, sizeof(dir), "dp_lazy_example") != DP_OK)
		return EXIT_FAILURE;
	snprintf(path, sizeof(path), "%s/access.log", dir);
	dp_list *found = dp_list_create(NULL);
	int rc = found != NULL ? write_log(path) : DP_ENOMEM;
	if (rc == DP_OK)
		rc = run_lazy(path, found);
	if (rc == DP_OK)
		rc = run_eager(path, found);
	dp_list_destroy(found);
	dp_temp_dir_remove(dir);
	if (rc != DP_OK) {
		fprintf(stderr, "example: %s\n", dp_strerror(rc));
		return EXIT_FAILURE;
	}
	return EXIT_SUCCESS;
}
