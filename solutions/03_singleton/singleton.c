/*
 * Solution of exercise 03: the explicit instance, then a default built under
 * pthread_once and replaceable through an atomic pointer.
 */
#define _POSIX_C_SOURCE 200809L

#include "singleton.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

static const char *const level_names[] = {
	[DP_LEVEL_ERROR] = "error",
	[DP_LEVEL_WARN] = "warn",
	[DP_LEVEL_INFO] = "info",
	[DP_LEVEL_DEBUG] = "debug",
};

static int parse_level(const char *text, enum dp_level *level)
{
	for (size_t i = 0; i < DP_ARRAY_SIZE(level_names); i++) {
		if (strcmp(text, level_names[i]) == 0) {
			*level = (enum dp_level)i;
			return DP_OK;
		}
	}
	return DP_EINVAL;
}

/*
 * Digits only, checked by hand: strtoul would accept a sign, leading spaces
 * and "0x", none of which a setting should mean. Stopping as soon as the
 * value passes the maximum keeps the arithmetic far from overflow.
 */
static int parse_capacity(const char *text, size_t *capacity)
{
	size_t value = 0;

	if (*text == '\0')
		return DP_EINVAL;
	for (const char *c = text; *c != '\0'; c++) {
		if (*c < '0' || *c > '9')
			return DP_EINVAL;
		if (value <= DP_SETTINGS_MAX_CAPACITY)
			value = value * 10 + (size_t)(*c - '0');
	}
	if (value == 0 || value > DP_SETTINGS_MAX_CAPACITY)
		return DP_ERANGE;
	*capacity = value;
	return DP_OK;
}

static const char *lookup_environment(void *ctx, const char *name)
{
	(void)ctx;
	return getenv(name);
}

int dp_settings_init(struct dp_settings *settings,
                     dp_settings_lookup_fn *lookup, void *ctx)
{
	if (settings == NULL)
		return DP_EINVAL;
	if (lookup == NULL)
		lookup = lookup_environment;

	/* Build into a local so that a failure leaves *settings untouched. */
	struct dp_settings parsed = {
		.level = DP_LEVEL_INFO,
		.capacity = DP_SETTINGS_DEFAULT_CAPACITY,
	};
	const char *text = lookup(ctx, "DP_LEVEL");
	if (text != NULL) {
		int rc = parse_level(text, &parsed.level);
		if (rc != DP_OK)
			return rc;
	}
	text = lookup(ctx, "DP_CAPACITY");
	if (text != NULL) {
		int rc = parse_capacity(text, &parsed.capacity);
		if (rc != DP_OK)
			return rc;
	}
	*settings = parsed;
	return DP_OK;
}

/*
 * The default instance. pthread_once runs build_default exactly once and
 * makes everything it wrote visible to every thread that returns from
 * pthread_once, so the fields below need no lock or atomics of their own.
 * A plain "if (!built) build()" would let two racing threads both build.
 */
static pthread_once_t default_once = PTHREAD_ONCE_INIT;
static struct dp_settings default_instance;
static int default_status;
static atomic_uint default_builds;

/* The test hook. Atomic because any thread may install or read it. */
static _Atomic(const struct dp_settings *) default_substitute;

static void build_default(void)
{
	atomic_fetch_add(&default_builds, 1);
	default_status = dp_settings_init(&default_instance, NULL, NULL);
}

const struct dp_settings *dp_settings_default(void)
{
	const struct dp_settings *substitute = atomic_load(&default_substitute);

	if (substitute != NULL)
		return substitute;
	pthread_once(&default_once, build_default);
	return default_status == DP_OK ? &default_instance : NULL;
}

const struct dp_settings *
dp_settings_set_default(const struct dp_settings *substitute)
{
	return atomic_exchange(&default_substitute, substitute);
}

unsigned dp_settings_default_builds(void)
{
	return atomic_load(&default_builds);
}
