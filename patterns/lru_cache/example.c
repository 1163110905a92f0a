/*
 * Memoization with an LRU cache, the course's lru_cache section in C.
 *
 * First the course's own example, fib, wrapped by a memo: the call counts
 * show the work the cache avoids, and the statistics print as Python's
 * cache_info() prints them. Then a small cache of rendered pages keyed by
 * path, where the eviction callback shows which page the LRU rule drops.
 */
#include "lru_cache/lru_cache.h"

#include <stdio.h>

static void print_info(const char *label, const struct dp_lru_info *info)
{
	printf("%sCacheInfo(hits=%llu, misses=%llu, maxsize=", label,
	       (unsigned long long)info->hits,
	       (unsigned long long)info->misses);
	if (info->maxsize == DP_LRU_UNBOUNDED)
		printf("None");
	else
		printf("%zu", info->maxsize);
	printf(", currsize=%zu)\n", info->currsize);
}

/* ---- fib, with and without the cache -------------------------------------- */

static int64_t naive_fib(int64_t n, size_t *calls)
{
	(*calls)++;
	if (n < 2)
		return n;
	return naive_fib(n - 1, calls) + naive_fib(n - 2, calls);
}

/* The recursion goes through the memo it is given, as Python's fib goes
 * through the name `fib`, which the decorator rebound to the wrapper. */
static int64_t fib(dp_memo *memo, void *ctx, int64_t n)
{
	size_t *calls = ctx;
	(*calls)++;
	if (n < 2)
		return n;
	return dp_memo_int64(memo, n - 1) + dp_memo_int64(memo, n - 2);
}

static int memoized_fib(const struct dp_allocator *alloc)
{
	size_t naive_calls = 0;
	int64_t slow = naive_fib(30, &naive_calls);
	printf("fib(30) = %lld without a cache: %zu calls\n", (long long)slow,
	       naive_calls);

	size_t calls = 0;
	dp_memo *memo = dp_memo_create_int64(fib, &calls, 128, alloc);
	if (memo == NULL)
		return DP_ENOMEM;
	struct dp_lru_info info;
	int64_t fast = dp_memo_int64(memo, 30);
	printf("fib(30) = %lld through the cache: %zu calls\n", (long long)fast,
	       calls);
	dp_memo_info(memo, &info);
	print_info("  ", &info);
	fast = dp_memo_int64(memo, 90);
	printf("fib(90) = %lld: %zu calls in all\n", (long long)fast, calls);
	dp_memo_info(memo, &info);
	print_info("  ", &info);
	int rc = dp_memo_error(memo);
	dp_memo_destroy(memo);
	return rc;
}

/* ---- a page cache with evictions ------------------------------------------ */

static void log_eviction(void *ctx, const void *key, const void *value)
{
	(void)ctx;
	(void)value;
	printf("    evicted %s\n", (const char *)key);
}

static bool print_key(void *ctx, const void *key, const void *value)
{
	(void)ctx;
	(void)value;
	printf(" %s", (const char *)key);
	return true;
}

/* Stands in for the expensive work a cache saves: templates, queries. */
static const char *render(const char *path)
{
	return path[1] == 'i' ? "<h1>Home</h1>" : "<p>page</p>";
}

static int page_cache(const struct dp_allocator *alloc)
{
	dp_lru *pages = dp_lru_create(&(struct dp_lru_config){
		.keys = &dp_lru_string_key,
		.maxsize = 3,
		.on_evict = log_eviction,
		.alloc = alloc,
	});
	if (pages == NULL)
		return DP_ENOMEM;
	static const char *const requests[] = {
		"/index.html", "/about.html", "/blog.html",  "/index.html",
		"/shop.html",  "/about.html", "/index.html",
	};

	printf("a page cache of 3 entries:\n");
	int rc = DP_OK;
	for (size_t i = 0; rc == DP_OK && i < DP_ARRAY_SIZE(requests); i++) {
		void *page;
		if (dp_lru_get(pages, requests[i], &page) == DP_OK) {
			printf("  GET %-12s hit\n", requests[i]);
			continue;
		}
		printf("  GET %-12s miss, rendered\n", requests[i]);
		rc = dp_lru_put(pages, requests[i], render(requests[i]));
	}
	printf("  most recent first:");
	dp_lru_for_each(pages, print_key, NULL);
	printf("\n");
	struct dp_lru_info info;
	dp_lru_info(pages, &info);
	print_info("  ", &info);
	dp_lru_clear(pages);
	dp_lru_info(pages, &info);
	print_info("  after clear: ", &info);
	dp_lru_destroy(pages);
	return rc;
}

int main(void)
{
	struct dp_counting_allocator memory;
	dp_counting_allocator_init(&memory, NULL);

	int rc = memoized_fib(&memory.base);
	if (rc == DP_OK)
		rc = page_cache(&memory.base);
	printf("after destroy: %zu bytes live\n", memory.live_bytes);
	if (rc != DP_OK) {
		fprintf(stderr, "example: %s\n", dp_strerror(rc));
		return 1;
	}
	return 0;
}
