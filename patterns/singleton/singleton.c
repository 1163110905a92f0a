/*
 * Singleton: the explicit configuration first, the default instance
 * second, built on it and adding only three things: lazy construction
 * under pthread_once, a substitute slot for tests, and a counter that
 * proves the construction ran once.
 *
 * The default instance is deliberately never torn down. Freeing it at
 * exit (atexit, a destructor) would race with threads still running and
 * with other libraries' exit handlers, and would turn every pointer ever
 * handed out into a dangling one; leaving it to the operating system
 * costs nothing.
 */
#define _POSIX_C_SOURCE 200809L

#include "singleton/singleton.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* ---- clocks -------------------------------------------------------------- */

static uint64_t monotonic_now_ns(void *ctx)
{
	(void)ctx;
	return dp_now_ns();
}

static const struct dp_clock_ops monotonic_ops = {
	.name = "monotonic",
	.now_ns = monotonic_now_ns,
};

const struct dp_clock dp_clock_monotonic = {
	.ops = &monotonic_ops,
	.ctx = NULL,
};

uint64_t dp_clock_now_ns(const struct dp_clock *clock)
{
	if (clock == NULL)
		clock = &dp_clock_monotonic;
	return clock->ops->now_ns(clock->ctx);
}

static uint64_t manual_now_ns(void *ctx)
{
	const struct dp_manual_clock *clock = ctx;

	/* Relaxed is enough: the clock publishes only its own value. */
	return atomic_load_explicit(&clock->now_ns, memory_order_relaxed);
}

static const struct dp_clock_ops manual_ops = {
	.name = "manual",
	.now_ns = manual_now_ns,
};

int dp_manual_clock_init(struct dp_manual_clock *clock, uint64_t start_ns)
{
	if (clock == NULL)
		return DP_EINVAL;
	clock->base.ops = &manual_ops;
	clock->base.ctx = clock;
	atomic_init(&clock->now_ns, start_ns);
	return DP_OK;
}

int dp_manual_clock_advance(struct dp_manual_clock *clock, uint64_t delta_ns)
{
	if (clock == NULL)
		return DP_EINVAL;
	/* A compare-and-swap loop, not fetch_add, so that an overflow is
	 * refused instead of wrapping a clock that must never go back. */
	uint64_t now =
		atomic_load_explicit(&clock->now_ns, memory_order_relaxed);
	do {
		if (delta_ns > UINT64_MAX - now)
			return DP_ERANGE;
	} while (!atomic_compare_exchange_weak_explicit(
		&clock->now_ns, &now, now + delta_ns, memory_order_relaxed,
		memory_order_relaxed));
	return DP_OK;
}

/* ---- the explicit configuration ----------------------------------------- */

static const char *const LOG_LEVEL_NAMES[] = {
	[DP_LOG_ERROR] = "error",
	[DP_LOG_WARN] = "warn",
	[DP_LOG_INFO] = "info",
	[DP_LOG_DEBUG] = "debug",
};

const char *dp_config_log_level_name(enum dp_log_level level)
{
	if ((unsigned)level >= DP_ARRAY_SIZE(LOG_LEVEL_NAMES))
		return "unknown";
	return LOG_LEVEL_NAMES[level];
}

static const char *environment_lookup(void *ctx, const char *name)
{
	(void)ctx;
	return getenv(name);
}

static const struct dp_config_source environment = {
	.lookup = environment_lookup,
	.ctx = NULL,
};

static int parse_log_level(const char *text, enum dp_log_level *level)
{
	for (size_t i = 0; i < DP_ARRAY_SIZE(LOG_LEVEL_NAMES); i++) {
		if (strcmp(text, LOG_LEVEL_NAMES[i]) == 0) {
			*level = (enum dp_log_level)i;
			return DP_OK;
		}
	}
	return DP_EINVAL;
}

/* strtoul accepts spaces, signs and "0x"; a setting should mean exactly
 * what it says, so the digits are read by hand. */
static int parse_capacity(const char *text, size_t *capacity)
{
	size_t value = 0;

	if (*text == '\0')
		return DP_EINVAL;
	for (const char *c = text; *c != '\0'; c++) {
		if (*c < '0' || *c > '9')
			return DP_EINVAL;
	}
	for (const char *c = text; *c != '\0'; c++) {
		/* Once past the maximum the answer is known; stopping there
		 * also keeps the arithmetic from overflowing. */
		value = value * 10 + (size_t)(*c - '0');
		if (value > DP_CONFIG_MAX_CACHE_CAPACITY)
			return DP_ERANGE;
	}
	if (value == 0)
		return DP_ERANGE;
	*capacity = value;
	return DP_OK;
}

static int check_data_dir(const char *text)
{
	if (*text == '\0')
		return DP_EINVAL;
	if (strnlen(text, DP_CONFIG_MAX_PATH) == DP_CONFIG_MAX_PATH)
		return DP_ERANGE;
	return DP_OK;
}

int dp_config_init(struct dp_config *config,
                   const struct dp_config_source *source,
                   const struct dp_clock *clock,
                   const struct dp_allocator *alloc)
{
	if (config == NULL)
		return DP_EINVAL;
	if (source == NULL)
		source = &environment;
	if (clock == NULL)
		clock = &dp_clock_monotonic;
	if (source->lookup == NULL || clock->ops == NULL ||
	    clock->ops->name == NULL || clock->ops->now_ns == NULL)
		return DP_EINVAL;

	/* Every setting is checked before anything is allocated, so a bad
	 * value never has to undo an allocation. */
	enum dp_log_level level = DP_LOG_INFO;
	size_t capacity = DP_CONFIG_DEFAULT_CACHE_CAPACITY;
	const char *data_dir = ".";
	const char *text;
	int rc;

	text = source->lookup(source->ctx, "DP_LOG_LEVEL");
	if (text != NULL && (rc = parse_log_level(text, &level)) != DP_OK)
		return rc;
	text = source->lookup(source->ctx, "DP_CACHE_CAPACITY");
	if (text != NULL && (rc = parse_capacity(text, &capacity)) != DP_OK)
		return rc;
	text = source->lookup(source->ctx, "DP_DATA_DIR");
	if (text != NULL) {
		rc = check_data_dir(text);
		if (rc != DP_OK)
			return rc;
		data_dir = text;
	}

	char *copy = dp_strdup(alloc, data_dir);
	if (copy == NULL)
		return DP_ENOMEM;

	config->log_level = level;
	config->cache_capacity = capacity;
	config->data_dir = copy;
	config->clock = clock;
	config->alloc = alloc;
	return DP_OK;
}

void dp_config_deinit(struct dp_config *config)
{
	if (config == NULL)
		return;
	dp_free(config->alloc, config->data_dir);
	config->data_dir = NULL;
}

/* ---- the default instance ------------------------------------------------ */

/*
 * The environment instance and its status are written once, inside
 * pthread_once, and only read after pthread_once has returned: POSIX makes
 * those writes visible to every thread that returns from pthread_once, so
 * they need no atomics of their own.
 */
static pthread_once_t environment_once = PTHREAD_ONCE_INIT;
static struct dp_config environment_config;
static int environment_status;
static atomic_uint environment_initialisations;

/* The substitute, read on every call: release on install and acquire on
 * read make the substitute's fields visible along with the pointer. */
static _Atomic(const struct dp_config *) substitute;

static void build_environment_config(void)
{
	atomic_fetch_add_explicit(&environment_initialisations, 1,
	                          memory_order_relaxed);
	environment_status =
		dp_config_init(&environment_config, NULL, NULL, NULL);
}

const struct dp_config *dp_config_default(int *status)
{
	const struct dp_config *config =
		atomic_load_explicit(&substitute, memory_order_acquire);

	if (config == NULL) {
		pthread_once(&environment_once, build_environment_config);
		if (environment_status == DP_OK)
			config = &environment_config;
	}
	if (status != NULL)
		*status = config != NULL ? DP_OK : environment_status;
	return config;
}

const struct dp_config *dp_config_set_default(const struct dp_config *config)
{
	return atomic_exchange_explicit(&substitute, config,
	                                memory_order_acq_rel);
}

unsigned dp_config_default_initialisations(void)
{
	return atomic_load_explicit(&environment_initialisations,
	                            memory_order_relaxed);
}
