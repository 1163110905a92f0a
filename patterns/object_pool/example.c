/*
 * A request handler that keeps up to 50 requests in flight and handles
 * 10 000 of them: first with one malloc and one free per request, then
 * with an object pool, counting what reaches the allocator each time.
 * Then the same pool in debug mode catches three classic bugs.
 */
#include "object_pool/object_pool.h"

#include <stdio.h>
#include <string.h>

enum { REQUESTS = 10000, IN_FLIGHT = 50 };

struct request {
	uint64_t id;
	uint32_t client;
	uint32_t status;
	char path[80];
};

/* Where a request's memory comes from: malloc-style, or the pool. */
struct source {
	const struct dp_allocator *alloc;
	dp_pool *pool;
};

static struct request *new_request(const struct source *source)
{
	void *object = NULL;

	if (source->pool == NULL)
		return dp_alloc(source->alloc, sizeof(struct request));
	if (dp_pool_acquire(source->pool, &object) != DP_OK)
		return NULL;
	return object;
}

static void end_request(const struct source *source, struct request *request)
{
	if (source->pool == NULL)
		dp_free(source->alloc, request);
	else
		dp_pool_release(source->pool, request);
}

/* A window of requests in flight: each arrival completes the oldest. */
static int serve(const struct source *source, uint64_t *checksum)
{
	struct request *window[IN_FLIGHT] = {NULL};

	for (uint64_t id = 0; id < REQUESTS + IN_FLIGHT; id++) {
		struct request **slot = &window[id % IN_FLIGHT];
		if (*slot != NULL) {
			*checksum += (*slot)->id * (*slot)->status;
			end_request(source, *slot);
			*slot = NULL;
		}
		if (id >= REQUESTS)
			continue;
		struct request *request = new_request(source);
		if (request == NULL)
			return DP_ENOMEM;
		*request = (struct request){
			.id = id, .client = (uint32_t)(id % 7), .status = 200};
		strcpy(request->path, "/index.html");
		*slot = request;
	}
	return DP_OK;
}

static int compare(void)
{
	struct dp_counting_allocator counter;
	uint64_t checksum = 0;
	int rc;

	printf("%d requests of %zu bytes, at most %d in flight\n", REQUESTS,
	       sizeof(struct request), IN_FLIGHT);

	dp_counting_allocator_init(&counter, NULL);
	struct source heap = {.alloc = &counter.base};
	rc = serve(&heap, &checksum);
	if (rc != DP_OK)
		return rc;
	printf("  malloc per request: %zu allocations, %zu frees\n",
	       counter.allocations, counter.frees);

	dp_counting_allocator_init(&counter, NULL);
	struct dp_pool_config config = {
		.object_size = sizeof(struct request),
		.chunk_objects = 32,
	};
	struct source pooled = {0};
	pooled.pool = dp_pool_create(&config, &counter.base);
	if (pooled.pool == NULL)
		return DP_ENOMEM;
	rc = serve(&pooled, &checksum);
	if (rc == DP_OK) {
		struct dp_pool_stats stats;
		dp_pool_get_stats(pooled.pool, &stats);
		printf("  object pool:        %zu allocations (the pool, its "
		       "free list and %zu chunks of 32)\n",
		       counter.allocations, stats.chunks);
		printf("  pool stats: live %zu, peak %zu, capacity %zu\n",
		       stats.live, stats.peak, stats.capacity);
	}
	dp_pool_destroy(pooled.pool);
	printf("  after destroy: %zu blocks live\n", counter.live_blocks);
	printf("  same work done both ways: %s\n",
	       checksum == 2 * 200 * ((uint64_t)REQUESTS * (REQUESTS - 1) / 2)
	               ? "yes"
	               : "no");
	return rc;
}

static int catch_bugs(void)
{
	struct dp_pool_config config = {
		.object_size = sizeof(struct request),
		.chunk_objects = 32,
		.debug = true,
	};
	void *a = NULL, *b = NULL, *c = NULL;
	int rc;

	dp_pool *pool = dp_pool_create(&config, NULL);
	if (pool == NULL)
		return DP_ENOMEM;
	printf("debug mode:\n");
	if ((rc = dp_pool_acquire(pool, &a)) != DP_OK ||
	    (rc = dp_pool_acquire(pool, &b)) != DP_OK)
		goto destroy_pool;

	dp_pool_release(pool, a);
	rc = dp_pool_release(pool, a);
	printf("  release a request twice: %s (%s)\n", dp_error_name(rc),
	       dp_strerror(rc));

	struct request *request = b;
	rc = dp_pool_release(pool, request->path);
	printf("  release a pointer to a request's path: %s (%s)\n",
	       dp_error_name(rc), dp_strerror(rc));

	/* The bug: a stale pointer still writes to a released request. */
	dp_pool_release(pool, b);
	request->status = 500;
	if ((rc = dp_pool_acquire(pool, &c)) != DP_OK)
		goto destroy_pool;
	struct dp_pool_stats stats;
	dp_pool_get_stats(pool, &stats);
	printf("  write after release: found on the next acquire\n");
	printf("    %llu damaged request set aside for good; handed out "
	       "instead: %s\n",
	       (unsigned long long)stats.damaged,
	       c == a ? "the request released before it" : "another one");
	printf("  refused releases: %llu\n",
	       (unsigned long long)stats.rejected_releases);
	rc = DP_OK;
destroy_pool:
	dp_pool_destroy(pool);
	return rc;
}

int main(void)
{
	int rc = compare();
	if (rc == DP_OK)
		rc = catch_bugs();
	if (rc != DP_OK) {
		fprintf(stderr, "example: %s\n", dp_strerror(rc));
		return 1;
	}
	return 0;
}
