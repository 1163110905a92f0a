/*
 * Several worker processes compute the same expensive results: how many
 * steps each start value takes to reach 1 in the Collatz sequence. With a
 * cache in each process, every worker computes everything once; with the
 * cache in Redis, the first worker's results serve the others. Then the
 * server dies, comes back, and the results never change.
 */
#define _XOPEN_SOURCE 700 /* fork */

#include "cache/cache.h"
#include "cache/redis_server.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

enum { N = 1000 };

static int64_t collatz_steps(dp_cache_memo *memo, void *ctx, int64_t start)
{
	(void)memo, (void)ctx;
	int64_t steps = 0;
	for (int64_t n = start; n != 1; steps++)
		n = n % 2 == 0 ? n / 2 : 3 * n + 1;
	return steps;
}

static dp_cache *redis_cache(const char *socket_path)
{
	struct dp_cache_redis_config config = {
		.unix_path = socket_path,
		.prefix = "example:",
		.command_timeout_ms = 1000,
	};
	return dp_cache_redis_create(&config);
}

/* One worker's pass over 1..N-1; prints what it computed and reused. */
static void work(const char *who, dp_cache *cache)
{
	dp_cache_memo *memo = dp_cache_memo_create(
		cache, "collatz", collatz_steps, NULL, DP_CACHE_NO_TTL, NULL);
	int64_t best = 1;
	int64_t best_steps = 0;
	for (int64_t start = 1; start < N; start++) {
		int64_t steps = dp_cache_memo_call(memo, start);
		if (steps > best_steps) {
			best = start;
			best_steps = steps;
		}
	}
	struct dp_cache_memo_stats stats;
	dp_cache_memo_stats(memo, &stats);
	printf("%-9s %s: computed %3llu, from the cache %3llu, errors %3llu; "
	       "longest: %lld (%lld steps)\n",
	       who, dp_cache_name(cache), (unsigned long long)stats.calls,
	       (unsigned long long)stats.hits, (unsigned long long)stats.errors,
	       (long long)best, (long long)best_steps);
	dp_cache_memo_destroy(memo);
}

/* Run a worker in a process of its own, as a real deployment would. */
static void worker_process(const char *who, const char *socket_path)
{
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		dp_cache *cache = redis_cache(socket_path);
		work(who, cache);
		dp_cache_destroy(cache);
		fflush(stdout);
		_exit(0);
	}
	waitpid(pid, NULL, 0);
}

int main(void)
{
	struct dp_redis_server server;
	if (dp_redis_server_start(&server, 0) != DP_OK) {
		fprintf(stderr, "example: cannot start redis-server "
		                "(Debian package redis-server)\n");
		return EXIT_FAILURE;
	}

	puts("Two workers, each with a cache of its own in its process:");
	for (int i = 1; i <= 2; i++) {
		struct dp_cache_lru_config config = {.maxsize = N};
		dp_cache *local = dp_cache_lru_create(&config);
		work(i == 1 ? "worker 1" : "worker 2", local);
		dp_cache_destroy(local);
	}

	puts("\nThe cache moved into Redis, shared by every process:");
	worker_process("worker 1", server.socket_path);
	worker_process("worker 2", server.socket_path);

	puts("\nA small local LRU in front of Redis, passed over twice:");
	struct dp_cache_lru_config front = {.maxsize = N};
	dp_cache *back = redis_cache(server.socket_path);
	dp_cache *tiered = dp_cache_tiered_create(dp_cache_lru_create(&front),
	                                          back, DP_CACHE_NO_TTL, NULL);
	work("worker 3", tiered);
	work("worker 3", tiered);
	struct dp_cache_info info;
	struct dp_cache_info back_info;
	dp_cache_info(tiered, &info);
	dp_cache_info(back, &back_info);
	printf("worker 3's hits: %llu from Redis, %llu from the local LRU\n",
	       (unsigned long long)back_info.hits,
	       (unsigned long long)(info.hits - back_info.hits));

	puts("\nRedis killed: every call fails soft, every result is right:");
	dp_cache *redis = redis_cache(server.socket_path);
	dp_redis_server_kill(&server);
	work("worker 4", redis);

	puts("\nRedis restarted, empty: one pass computes, the next hits:");
	dp_redis_server_restart(&server);
	work("worker 4", redis);
	work("worker 4", redis);

	dp_cache_info(redis, &info);
	printf("worker 4's cache: %llu connects, %llu errors, %llu hits, "
	       "%llu misses\n",
	       (unsigned long long)info.connects,
	       (unsigned long long)info.errors, (unsigned long long)info.hits,
	       (unsigned long long)info.misses);

	dp_cache_destroy(redis);
	dp_cache_destroy(tiered);
	dp_redis_server_stop(&server);
	return EXIT_SUCCESS;
}
