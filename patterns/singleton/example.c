/*
 * A request timer that flags slow requests, configured the two ways this
 * chapter teaches.
 *
 * First an explicit configuration, built from a table the way a config
 * file would give it, and refused when a setting is bad. Then the process
 * default, read from the environment on first use, once, however many
 * threads ask. Last, the reason the default is replaceable: the timer
 * reaches for dp_config_default(), and swapping in a configuration with a
 * manual clock makes its timings exact, so this program's output is the
 * same on every machine.
 */
#define _POSIX_C_SOURCE 200809L

#include "singleton/singleton.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- a source of settings: name/value pairs, as a config file gives --- */

struct setting {
	const char *name;
	const char *value;
};

struct settings {
	struct dp_config_source base;
	const struct setting *pairs;
	size_t count;
};

static const char *settings_lookup(void *ctx, const char *name)
{
	const struct settings *settings = ctx;

	for (size_t i = 0; i < settings->count; i++)
		if (strcmp(settings->pairs[i].name, name) == 0)
			return settings->pairs[i].value;
	return NULL;
}

static void settings_init(struct settings *settings,
                          const struct setting *pairs, size_t count)
{
	settings->base.lookup = settings_lookup;
	settings->base.ctx = settings;
	settings->pairs = pairs;
	settings->count = count;
}

static void print_config(const char *title, const struct dp_config *config)
{
	printf("%s: log=%s cache=%zu dir=%s clock=%s\n", title,
	       dp_config_log_level_name(config->log_level),
	       config->cache_capacity, config->data_dir,
	       config->clock->ops->name);
}

/* ---- the application code: it only ever asks for the default ---------- */

enum { SLOW_MS = 100 };

/* Time one request and log it as the default configuration says. */
static void timed_request(const char *path, void (*work)(void *ctx), void *ctx)
{
	const struct dp_config *config = dp_config_default(NULL);
	if (config == NULL)
		return;
	uint64_t start = dp_clock_now_ns(config->clock);

	work(ctx);
	uint64_t ms = (dp_clock_now_ns(config->clock) - start) / 1000000;
	if (ms >= SLOW_MS && config->log_level >= DP_LOG_WARN)
		printf("  warn: %s took %llu ms (slow: >= %d ms)\n", path,
		       (unsigned long long)ms, SLOW_MS);
	else if (config->log_level >= DP_LOG_INFO)
		printf("  info: %s took %llu ms\n", path,
		       (unsigned long long)ms);
}

/* ---- what the example substitutes for real work ------------------------- */

struct simulated_work {
	struct dp_manual_clock *clock;
	uint64_t cost_ms;
};

/* With the manual clock installed, doing the work is moving time on. */
static void simulate(void *ctx)
{
	const struct simulated_work *work = ctx;

	dp_manual_clock_advance(work->clock, work->cost_ms * 1000000);
}

static void *ask_for_the_default(void *arg)
{
	const struct dp_config **seen = arg;

	*seen = dp_config_default(NULL);
	return NULL;
}

/* Eight threads ask for the default at once; count the answers. */
static int race_for_the_default(void)
{
	enum { THREADS = 8 };
	pthread_t threads[THREADS];
	const struct dp_config *seen[THREADS];
	size_t started = 0;
	bool same = true;

	while (started < THREADS &&
	       pthread_create(&threads[started], NULL, ask_for_the_default,
	                      &seen[started]) == 0)
		started++;
	for (size_t i = 0; i < started; i++)
		pthread_join(threads[i], NULL);
	if (started < THREADS)
		return DP_ENOMEM;
	for (size_t i = 1; i < THREADS; i++)
		same = same && seen[i] == seen[0];
	printf("%d threads asked: same pointer for all: %s, %u "
	       "initialisation\n",
	       THREADS, same ? "yes" : "no",
	       dp_config_default_initialisations());
	return DP_OK;
}

int main(void)
{
	/* 1. The explicit instance: the caller owns it and passes it on. */
	static const struct setting file[] = {
		{"DP_LOG_LEVEL", "debug"},
		{"DP_CACHE_CAPACITY", "4096"},
		{"DP_DATA_DIR", "/var/lib/todo"},
	};
	struct settings settings;
	struct dp_config explicit_config;
	settings_init(&settings, file, DP_ARRAY_SIZE(file));
	int rc = dp_config_init(&explicit_config, &settings.base, NULL, NULL);
	if (rc != DP_OK) {
		fprintf(stderr, "example: %s\n", dp_strerror(rc));
		return 1;
	}
	print_config("explicit", &explicit_config);
	dp_config_deinit(&explicit_config);

	printf("bad settings are refused:\n");
	static const struct setting bad[] = {
		{"DP_CACHE_CAPACITY", "0"},
		{"DP_CACHE_CAPACITY", "12k"},
		{"DP_LOG_LEVEL", "loud"},
		{"DP_DATA_DIR", ""},
	};
	for (size_t i = 0; i < DP_ARRAY_SIZE(bad); i++) {
		settings_init(&settings, &bad[i], 1);
		rc = dp_config_init(&explicit_config, &settings.base, NULL,
		                    NULL);
		printf("  %s=\"%s\": %s (%s)\n", bad[i].name, bad[i].value,
		       dp_error_name(rc), dp_strerror(rc));
		if (rc == DP_OK)
			dp_config_deinit(&explicit_config);
	}

	/* 2. The default: built from the environment on first use. The
	 * variables are set here so that the output does not depend on the
	 * environment this program was started in. */
	setenv("DP_LOG_LEVEL", "info", 1);
	setenv("DP_CACHE_CAPACITY", "1024", 1);
	setenv("DP_DATA_DIR", "/var/cache/todo", 1);
	printf("before first use: %u initialisations\n",
	       dp_config_default_initialisations());
	if (race_for_the_default() != DP_OK)
		return 1;
	int status;
	const struct dp_config *env_config = dp_config_default(&status);
	if (env_config == NULL) {
		fprintf(stderr, "example: %s\n", dp_strerror(status));
		return 1;
	}
	print_config("default", env_config);

	/* 3. The test double: a config with a manual clock, installed as the
	 * default for as long as the timings must be exact. */
	struct dp_manual_clock clock;
	struct dp_config fake;
	dp_manual_clock_init(&clock, 0);
	rc = dp_config_init(&fake, NULL, &clock.base, NULL);
	if (rc != DP_OK) {
		fprintf(stderr, "example: %s\n", dp_strerror(rc));
		return 1;
	}
	const struct dp_config *previous = dp_config_set_default(&fake);
	print_config("substitute", dp_config_default(NULL));

	static const struct {
		const char *path;
		uint64_t cost_ms;
	} requests[] = {{"GET /todos", 3}, {"POST /todos", 250}, {"GET /", 40}};
	for (size_t i = 0; i < DP_ARRAY_SIZE(requests); i++) {
		struct simulated_work work = {&clock, requests[i].cost_ms};
		timed_request(requests[i].path, simulate, &work);
	}

	dp_config_set_default(previous);
	dp_config_deinit(&fake);
	print_config("restored", dp_config_default(NULL));
	printf("after all that: %u initialisation\n",
	       dp_config_default_initialisations());
	return 0;
}
