/**
 * @file singleton.h
 * @brief Exercise 03, Singleton: an explicit settings object first, then a
 *        process-wide default that is built lazily, exactly once however
 *        many threads race for it, and that tests can replace.
 *
 * Ownership: the caller owns every struct dp_settings it initialises; the
 * default instance belongs to this module and is never freed (it holds no
 * memory). Thread-safety: an initialised settings object is read-only;
 * dp_settings_default(), dp_settings_set_default() and
 * dp_settings_default_builds() may be called from any thread at any time.
 */
#ifndef DP_EX_SINGLETON_H
#define DP_EX_SINGLETON_H

#include "common/dp_common.h"

#include <stddef.h>

/** @brief How much an application logs, from least to most. */
enum dp_level {
	DP_LEVEL_ERROR = 0, /**< "error": failures only. */
	DP_LEVEL_WARN = 1,  /**< "warn": and things that look wrong. */
	DP_LEVEL_INFO = 2, /**< "info": and one line per event (the default). */
	DP_LEVEL_DEBUG = 3 /**< "debug": everything. */
};

/** @brief The capacity when DP_CAPACITY is not set. */
#define DP_SETTINGS_DEFAULT_CAPACITY 64

/** @brief The largest DP_CAPACITY accepted. */
#define DP_SETTINGS_MAX_CAPACITY 1000000

/**
 * @brief Where settings come from: the value of a variable by name.
 * @param[in] ctx  The context given with the function, unchanged.
 * @param[in] name "DP_LEVEL" or "DP_CAPACITY".
 * @return The value, or NULL when the variable is not set. The string must
 *         stay valid until dp_settings_init() returns.
 */
typedef const char *dp_settings_lookup_fn(void *ctx, const char *name);

/**
 * @brief An application's settings.
 *
 * Public because the caller allocates it (on the stack, in its own struct)
 * and reads the fields directly. Set it up with dp_settings_init(); it holds
 * no memory, so there is nothing to free.
 */
struct dp_settings {
	/** DP_LEVEL: "error", "warn", "info" or "debug"; default "info". */
	enum dp_level level;
	/** DP_CAPACITY: a decimal number (digits only) from 1 to
	 * #DP_SETTINGS_MAX_CAPACITY; default #DP_SETTINGS_DEFAULT_CAPACITY. */
	size_t capacity;
};

/**
 * @brief Set up settings from a lookup function: the explicit instance.
 *
 * A variable that is not set takes its default; a variable that is set must
 * be valid, or the whole call fails. Uses no global state: it works whether
 * or not the default instance exists.
 * @param[out] settings The settings to set up; unchanged on failure.
 * @param[in]  lookup   Where values come from; NULL means the process
 *                      environment (getenv).
 * @param[in]  ctx      Handed to `lookup` unchanged.
 * @return #DP_OK; #DP_EINVAL when `settings` is NULL, DP_LEVEL is not one of
 *         the four names, or DP_CAPACITY is empty or holds anything but
 *         digits; #DP_ERANGE when DP_CAPACITY is 0 or above
 *         #DP_SETTINGS_MAX_CAPACITY.
 */
int dp_settings_init(struct dp_settings *settings,
                     dp_settings_lookup_fn *lookup, void *ctx);

/**
 * @brief The process-wide settings: the substitute installed with
 *        dp_settings_set_default() if there is one, else the instance built
 *        from the environment.
 *
 * The environment instance is built on the first call that needs it, with
 * dp_settings_init(instance, NULL, NULL), exactly once however many threads
 * call at the same moment; every caller gets the same pointer. If the
 * environment is invalid the failure is final: the environment is read only
 * once, so every later call returns NULL too.
 * @return The settings, valid until the process exits (a substitute: for as
 *         long as its owner keeps it); NULL when the environment was invalid
 *         and no substitute is installed.
 */
const struct dp_settings *dp_settings_default(void);

/**
 * @brief Install a substitute as the default, or remove it: the hook that
 *        lets tests replace the singleton.
 *
 * Installing builds nothing; removing falls back to the environment
 * instance. The caller owns the substitute and keeps it valid while it is
 * installed.
 * @param[in] substitute The settings to hand out, or NULL to go back to the
 *                       environment instance.
 * @return The substitute installed before, or NULL when there was none:
 *         pass it back to restore the previous state.
 */
const struct dp_settings *
dp_settings_set_default(const struct dp_settings *substitute);

/**
 * @brief How many times the environment instance has been built.
 *
 * For tests: calling it builds nothing.
 * @return 0 before the first dp_settings_default() that needed the
 *         environment instance, 1 after it, never more.
 */
unsigned dp_settings_default_builds(void);

#endif /* DP_EX_SINGLETON_H */
