/*
 * What a lazily initialised default costs once it exists, and what the
 * initialisation it saves costs.
 *
 * Each row reads one setting, cache_capacity, through a different way of
 * reaching the configuration: a pointer the caller was handed (the
 * explicit instance, the limit), a plain global pointer (fast, but not a
 * safe way to initialise lazily), an atomic acquire load (the fast path of
 * double-checked initialisation), pthread_once in front of a static, and
 * the library's dp_config_default(), which adds the substitute check.
 * The last row is the one-time work the laziness defers: building a
 * configuration from the environment and freeing it.
 *
 * atomic_signal_fence() after each read is a compiler barrier and emits
 * no instruction: it stops the compiler from hoisting the read out of the
 * loop, so every iteration really reaches the configuration again.
 *
 * Run with `make bench`; figures are ratios within this one run. With
 * DP_BENCH_CSV set, the table also goes to singleton_access.csv there,
 * one row per access (the label in parentheses), the ratio a column.
 */
#define _POSIX_C_SOURCE 200809L

#include "common/dp_bench.h"
#include "singleton/singleton.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

/* The instance every row reads; built once in main(). */
static struct dp_config instance;

/* Row 2: a plain global. Reading it is safe only because main() wrote it
 * before any thread could exist. */
static const struct dp_config *plain_global;

/* Row 3: double-checked initialisation; its fast path is one acquire
 * load. The slow path never runs here (main() fills the pointer first),
 * but it is written out so that the fast path is the real one. */
static _Atomic(const struct dp_config *) checked_global;
static pthread_mutex_t checked_lock = PTHREAD_MUTEX_INITIALIZER;

static const struct dp_config *checked_get(void)
{
	const struct dp_config *config =
		atomic_load_explicit(&checked_global, memory_order_acquire);

	if (config != NULL)
		return config;
	pthread_mutex_lock(&checked_lock);
	config = atomic_load_explicit(&checked_global, memory_order_relaxed);
	if (config == NULL) {
		config = &instance;
		atomic_store_explicit(&checked_global, config,
		                      memory_order_release);
	}
	pthread_mutex_unlock(&checked_lock);
	return config;
}

/* Row 4: pthread_once in front of a static, without a substitute. */
static pthread_once_t once = PTHREAD_ONCE_INIT;
static const struct dp_config *once_global;

static void once_init(void)
{
	once_global = &instance;
}

static const struct dp_config *once_get(void)
{
	pthread_once(&once, once_init);
	return once_global;
}

static void run_explicit(void *ctx, size_t iterations)
{
	const struct dp_config *config = ctx;
	uint64_t sum = 0;

	for (size_t i = 0; i < iterations; i++) {
		sum += config->cache_capacity;
		atomic_signal_fence(memory_order_seq_cst);
	}
	dp_bench_keep(sum);
}

static void run_plain_global(void *ctx, size_t iterations)
{
	uint64_t sum = 0;

	(void)ctx;
	for (size_t i = 0; i < iterations; i++) {
		sum += plain_global->cache_capacity;
		atomic_signal_fence(memory_order_seq_cst);
	}
	dp_bench_keep(sum);
}

static void run_acquire(void *ctx, size_t iterations)
{
	uint64_t sum = 0;

	(void)ctx;
	for (size_t i = 0; i < iterations; i++) {
		sum += checked_get()->cache_capacity;
		atomic_signal_fence(memory_order_seq_cst);
	}
	dp_bench_keep(sum);
}

static void run_once(void *ctx, size_t iterations)
{
	uint64_t sum = 0;

	(void)ctx;
	for (size_t i = 0; i < iterations; i++) {
		sum += once_get()->cache_capacity;
		atomic_signal_fence(memory_order_seq_cst);
	}
	dp_bench_keep(sum);
}

static void run_default(void *ctx, size_t iterations)
{
	uint64_t sum = 0;

	(void)ctx;
	for (size_t i = 0; i < iterations; i++) {
		sum += dp_config_default(NULL)->cache_capacity;
		atomic_signal_fence(memory_order_seq_cst);
	}
	dp_bench_keep(sum);
}

static void run_init(void *ctx, size_t iterations)
{
	uint64_t sum = 0;

	(void)ctx;
	for (size_t i = 0; i < iterations; i++) {
		struct dp_config config;
		if (dp_config_init(&config, NULL, NULL, NULL) != DP_OK)
			return;
		sum += config.cache_capacity;
		dp_config_deinit(&config);
	}
	dp_bench_keep(sum);
}

int main(void)
{
	static const struct {
		const char *what;
		const char *label;
		dp_bench_fn *run;
	} rows[] = {
		{"explicit pointer, passed in", "explicit", run_explicit},
		{"plain global pointer", "plain_global", run_plain_global},
		{"atomic acquire load (double-checked)", "acquire",
	         run_acquire},
		{"pthread_once + static", "once", run_once},
		{"dp_config_default()", "default", run_default},
		{"dp_config_init + deinit (the first use)", "init", run_init},
	};

	/* The environment is fixed so that every run does the same work. */
	setenv("DP_LOG_LEVEL", "info", 1);
	setenv("DP_CACHE_CAPACITY", "1024", 1);
	setenv("DP_DATA_DIR", "/var/cache/todo", 1);
	int rc = dp_config_init(&instance, NULL, NULL, NULL);
	const struct dp_config *library_default = dp_config_default(NULL);
	if (rc != DP_OK || library_default == NULL) {
		fprintf(stderr, "bench_singleton: %s\n", dp_strerror(rc));
		return EXIT_FAILURE;
	}
	plain_global = &instance;
	checked_get();
	once_get();

	dp_bench_csv *csv = NULL;
	int csv_rc = dp_bench_csv_open(&csv, "singleton_access",
	                               "access,ns_per_read,vs_explicit");
	if (csv_rc != DP_OK) {
		fprintf(stderr, "bench_singleton: %s\n", dp_strerror(csv_rc));
		dp_config_deinit(&instance);
		return EXIT_FAILURE;
	}

	printf("Singleton bench (%s, compiled by %s)\n\n", "make bench",
	       __VERSION__);
	printf("Reaching the configuration and reading one setting\n");
	printf("%-42s %9s %11s\n", "access", "ns/read", "vs explicit");
	double limit = 0;
	for (size_t r = 0; r < DP_ARRAY_SIZE(rows); r++) {
		double ns = dp_bench_ns_per_op(rows[r].run, &instance);
		if (r == 0)
			limit = ns;
		double row[2] = {ns, ns / limit};
		printf("%-42s %9.2f %10.1fx\n", rows[r].what, ns, row[1]);
		fflush(stdout);
		dp_bench_csv_row(csv, rows[r].label, row, DP_ARRAY_SIZE(row));
	}
	dp_config_deinit(&instance);
	csv_rc = dp_bench_csv_close(csv);
	if (csv_rc != DP_OK) {
		fprintf(stderr, "bench_singleton: %s\n", dp_strerror(csv_rc));
		return EXIT_FAILURE;
	}
	return EXIT_SUCCESS;
}
