/*
 * What a cache hit costs, by where the cache lives: in the process (the
 * LRU back-end), in Redis over a Unix socket, in Redis over TCP on
 * 127.0.0.1, and behind a local LRU (the two-level cache, whose repeats
 * never leave the process). Then what pipelining saves: 10 000 keys read
 * with one round trip each (10 000 times a single hit, measured above),
 * against one pipelined round trip for all.
 *
 * The limit of a network cache is the round trip; its worth is that every
 * process shares what any of them computed. The figures are ratios within
 * this one run, on one machine: a real network adds its own latency.
 * Run with `make bench`. With DP_BENCH_CSV set, the first table also goes
 * to cache_hit.csv there and the second to cache_pipeline.csv, the ratios
 * as columns.
 */
#include "cache/cache.h"
#include "cache/redis_server.h"
#include "common/dp_bench.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { N = 10000, KEY_SIZE = 8, VALUE_SIZE = 8 };

struct fixture {
	dp_cache *cache;
	char keys[N][KEY_SIZE];
	struct dp_cache_item items[N];
	unsigned char buffers[N][VALUE_SIZE];
};

/* Keys "k0000000".."k0009999", all stored with an 8-byte value. */
static void fill(struct fixture *fixture)
{
	for (size_t i = 0; i < N; i++) {
		char text[KEY_SIZE + 1];
		snprintf(text, sizeof(text), "k%07zu", i);
		memcpy(fixture->keys[i], text, KEY_SIZE);
		uint64_t value = i * 2654435761u;
		fixture->items[i] = (struct dp_cache_item){
			.key = fixture->keys[i],
			.key_size = KEY_SIZE,
			.value = &fixture->buffers[i],
			.size = VALUE_SIZE,
		};
		memcpy(fixture->buffers[i], &value, VALUE_SIZE);
	}
	if (dp_cache_set_many(fixture->cache, fixture->items, N, 0) != DP_OK) {
		fprintf(stderr, "bench: could not fill the cache\n");
		exit(EXIT_FAILURE);
	}
	for (size_t i = 0; i < N; i++) {
		fixture->items[i].buffer = fixture->buffers[i];
		fixture->items[i].capacity = VALUE_SIZE;
	}
}

/* One get per iteration, cycling through the keys; all hits. */
static void run_get(void *ctx, size_t iterations)
{
	struct fixture *fixture = ctx;
	uint64_t sum = 0;

	for (size_t i = 0; i < iterations; i++) {
		unsigned char value[VALUE_SIZE];
		size_t size = 0;
		if (dp_cache_get(fixture->cache, fixture->keys[i % N], KEY_SIZE,
		                 value, sizeof(value), &size) == DP_OK)
			sum += value[0] + size;
	}
	dp_bench_keep(sum);
}

/* One iteration: every key in one pipelined round trip. */
static void run_batch_pipelined(void *ctx, size_t iterations)
{
	struct fixture *fixture = ctx;
	uint64_t hits = 0;

	for (size_t i = 0; i < iterations; i++) {
		dp_cache_get_many(fixture->cache, fixture->items, N);
		hits += fixture->items[i % N].status == DP_OK;
	}
	dp_bench_keep(hits);
}

static dp_cache *redis_cache(const char *unix_path, int port)
{
	struct dp_cache_redis_config config = {
		.unix_path = unix_path,
		.host = unix_path == NULL ? "127.0.0.1" : NULL,
		.port = port,
		.prefix = "bench:",
		.command_timeout_ms = 5000,
	};
	dp_cache *cache = dp_cache_redis_create(&config);
	struct dp_cache_info info;
	dp_cache_info(cache, &info);
	if (cache == NULL || info.connects != 1) {
		fprintf(stderr, "bench: cannot connect to redis-server\n");
		exit(EXIT_FAILURE);
	}
	return cache;
}

static void report(const char *what, double ns, double base)
{
	printf("  %-44s %12.0f ns %10.1fx\n", what, ns, ns / base);
}

/* Both tables to CSV (nothing when DP_BENCH_CSV is unset): the hits, each
 * against the local LRU and against the Unix socket; the batches, in ms,
 * per key and one by one against pipelined. */
static int write_csv(const double *ns)
{
	static const char *const hits[] = {"local", "tiered", "unix", "tcp"};
	static const char *const batches[] = {
		"unix_one_by_one", "unix_pipelined", "tcp_one_by_one",
		"tcp_pipelined"};
	dp_bench_csv *csv = NULL;
	int rc = dp_bench_csv_open(&csv, "cache_hit",
	                           "where,ns_per_hit,vs_local,vs_unix");
	for (size_t i = 0; rc == DP_OK && i < 4; i++) {
		double row[] = {ns[i], ns[i] / ns[0], ns[i] / ns[2]};
		dp_bench_csv_row(csv, hits[i], row, DP_ARRAY_SIZE(row));
	}
	int close_rc = dp_bench_csv_close(csv);
	rc = rc != DP_OK ? rc : close_rc;
	csv = NULL;
	if (rc == DP_OK)
		rc = dp_bench_csv_open(&csv, "cache_pipeline",
		                       "batch,ms,ns_per_key,vs_pipelined");
	for (size_t i = 0; rc == DP_OK && i < 4; i++) {
		const double *b = &ns[4 + i];
		double pipelined = ns[4 + (i | 1)];
		double row[] = {*b / 1e6, *b / N, *b / pipelined};
		dp_bench_csv_row(csv, batches[i], row, DP_ARRAY_SIZE(row));
	}
	close_rc = dp_bench_csv_close(csv);
	return rc != DP_OK ? rc : close_rc;
}

int main(void)
{
	static struct fixture lru, unix_socket, tcp, tiered;
	struct dp_redis_server server;
	int port = 0;

	if (dp_redis_server_free_port(&port) != DP_OK ||
	    dp_redis_server_start(&server, port) != DP_OK) {
		fprintf(stderr, "bench: cannot start redis-server "
		                "(Debian package redis-server)\n");
		return EXIT_FAILURE;
	}
	struct dp_cache_lru_config lru_config = {.maxsize = N};
	lru.cache = dp_cache_lru_create(&lru_config);
	unix_socket.cache = redis_cache(server.socket_path, 0);
	tcp.cache = redis_cache(NULL, port);
	tiered.cache = dp_cache_tiered_create(
		dp_cache_lru_create(&lru_config),
		redis_cache(server.socket_path, 0), DP_CACHE_NO_TTL, NULL);
	fill(&lru);
	fill(&unix_socket);
	fill(&tcp);
	fill(&tiered);

	/* Every measurement is taken three times, interleaved with the
	 * others so that a burst of load on the shared machine falls on all
	 * of them alike, and the best is kept. */
	struct measurement {
		dp_bench_fn *fn;
		struct fixture *fixture;
		double ns;
	} m[] = {
		{run_get, &lru, 0},
		{run_get, &tiered, 0},
		{run_get, &unix_socket, 0},
		{run_get, &tcp, 0},
		{NULL, &unix_socket, 0}, /* one by one: N times row 2 */
		{run_batch_pipelined, &unix_socket, 0},
		{NULL, &tcp, 0}, /* one by one: N times row 3 */
		{run_batch_pipelined, &tcp, 0},
	};
	/* CI only checks that the bench runs: one pass is enough there. */
	int passes = getenv("DP_BENCH_QUICK") != NULL ? 1 : 3;
	for (int pass = 0; pass < passes; pass++) {
		for (size_t i = 0; i < sizeof(m) / sizeof(m[0]); i++) {
			if (m[i].fn == NULL)
				continue;
			double ns = dp_bench_ns_per_op(m[i].fn, m[i].fixture);
			if (pass == 0 || ns < m[i].ns)
				m[i].ns = ns;
		}
	}

	/* Reading N keys one by one is N single gets, the rows above (the
	 * same loop, cycling over the same keys): timing it again would only
	 * repeat them, 10 000 round trips a call. */
	m[4].ns = m[2].ns * N;
	m[6].ns = m[3].ns * N;

	printf("One cache hit (8-byte key and value), by where the cache "
	       "lives:\n");
	double local = m[0].ns;
	report("local LRU (in the process)", local, local);
	report("two-level: local LRU in front of Redis", m[1].ns, local);
	report("Redis over the Unix socket", m[2].ns, local);
	report("Redis over TCP, 127.0.0.1", m[3].ns, local);
	printf("  TCP against the Unix socket: %.2fx\n", m[3].ns / m[2].ns);

	printf("\n%d keys read from Redis, one round trip each against one "
	       "pipelined batch:\n",
	       N);
	report("Unix socket, one by one", m[4].ns, m[5].ns);
	report("Unix socket, pipelined", m[5].ns, m[5].ns);
	report("TCP 127.0.0.1, one by one", m[6].ns, m[7].ns);
	report("TCP 127.0.0.1, pipelined", m[7].ns, m[7].ns);
	printf("  per key: %.0f ns one by one, %.0f ns pipelined (Unix); "
	       "%.0f ns, %.0f ns (TCP)\n",
	       m[4].ns / N, m[5].ns / N, m[6].ns / N, m[7].ns / N);

	double ns[DP_ARRAY_SIZE(m)];
	for (size_t i = 0; i < DP_ARRAY_SIZE(m); i++)
		ns[i] = m[i].ns;
	int rc = write_csv(ns);

	dp_cache_destroy(lru.cache);
	dp_cache_destroy(unix_socket.cache);
	dp_cache_destroy(tcp.cache);
	dp_cache_destroy(tiered.cache);
	dp_redis_server_stop(&server);
	if (rc != DP_OK) {
		fprintf(stderr, "bench: %s\n", dp_strerror(rc));
		return EXIT_FAILURE;
	}
	return EXIT_SUCCESS;
}
