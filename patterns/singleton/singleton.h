/**
 * @file singleton.h
 * @brief Singleton, done the honest way: an explicit configuration object
 *        first, then a lazily built process-wide default that tests can
 *        replace.
 *
 * A `struct dp_config` holds the application's settings (read from named
 * variables, DP_LOG_LEVEL, DP_CACHE_CAPACITY and DP_DATA_DIR) and its clock.
 * The caller owns each instance (dp_config_init() / dp_config_deinit()) and
 * passes it to every call. dp_config_default() adds one shared instance,
 * built from the environment on first use under `pthread_once` and never
 * freed; dp_config_set_default() swaps in a substitute for tests.
 *
 * Thread-safety: an initialised config is read-only, so any number of
 * threads may read it. dp_config_default() and dp_config_set_default() may
 * be called from any thread at any time.
 */
#ifndef DP_SINGLETON_H
#define DP_SINGLETON_H

#include "common/dp_common.h"

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

/* ---- the clock: an interface, the system clock and a manual clock ------ */

/**
 * @brief The clock interface: one operation that reads the time.
 *
 * Fill a table with designated initialisers; dp_config_init() and
 * dp_manual_clock_init() refuse a table with a required slot left NULL.
 */
struct dp_clock_ops {
	/** Required. A short name for people: "monotonic", "manual". */
	const char *name;

	/**
	 * Required. The time in nanoseconds on a clock that never goes back.
	 * Only differences between two readings mean anything.
	 * @param[in] ctx The clock's #dp_clock::ctx, unchanged.
	 */
	uint64_t (*now_ns)(void *ctx);
};

/**
 * @brief A clock: an ops table and the context its operation receives.
 *
 * Public so that a clock can be a constant (#dp_clock_monotonic) or be
 * embedded in a caller's struct (#dp_manual_clock).
 */
struct dp_clock {
	const struct dp_clock_ops *ops; /**< Required: the operations. */
	void *ctx;                      /**< Handed to each operation. */
};

/**
 * @brief The system's monotonic clock (`CLOCK_MONOTONIC`). A constant:
 *        safe from any thread, nothing to set up or free.
 */
extern const struct dp_clock dp_clock_monotonic;

/**
 * @brief Read a clock.
 * @param[in] clock The clock; NULL means #dp_clock_monotonic.
 * @return Nanoseconds since the clock's arbitrary fixed point.
 */
uint64_t dp_clock_now_ns(const struct dp_clock *clock);

/**
 * @brief A clock that moves only when told to: the test double.
 *
 * The caller owns the struct (usually on the stack), sets it up with
 * dp_manual_clock_init() and passes `&clock.base` wherever a clock is
 * taken. Reading and advancing are atomic, so one thread may advance it
 * while others read it.
 */
struct dp_manual_clock {
	/** Pass `&base` to the code under test. */
	struct dp_clock base;
	/** The time it shows, in nanoseconds; change it with
	 * dp_manual_clock_advance(). */
	atomic_uint_least64_t now_ns;
};

/**
 * @brief Set up a manual clock that shows `start_ns`.
 * @param[out] clock    The clock to set up.
 * @param[in]  start_ns The time it shows until it is advanced.
 * @return #DP_OK, or #DP_EINVAL when `clock` is NULL.
 */
int dp_manual_clock_init(struct dp_manual_clock *clock, uint64_t start_ns);

/**
 * @brief Move a manual clock forward.
 * @param[in,out] clock    The clock.
 * @param[in]     delta_ns Nanoseconds to add; 0 is allowed.
 * @return #DP_OK; #DP_EINVAL when `clock` is NULL; #DP_ERANGE when the
 *         time would pass `UINT64_MAX`, with the clock unchanged.
 */
int dp_manual_clock_advance(struct dp_manual_clock *clock, uint64_t delta_ns);

/* ---- the configuration: the explicit instance -------------------------- */

/** @brief How much the application logs, from least to most. */
enum dp_log_level {
	DP_LOG_ERROR = 0, /**< "error": failures only. */
	DP_LOG_WARN = 1,  /**< "warn": and things that look wrong. */
	DP_LOG_INFO = 2,  /**< "info": and one line per event (the default). */
	DP_LOG_DEBUG = 3  /**< "debug": everything. */
};

/** @brief DP_CACHE_CAPACITY when the variable is not set. */
#define DP_CONFIG_DEFAULT_CACHE_CAPACITY 256

/** @brief The largest DP_CACHE_CAPACITY accepted. */
#define DP_CONFIG_MAX_CACHE_CAPACITY 1048576

/** @brief DP_DATA_DIR must be shorter than this many bytes. */
#define DP_CONFIG_MAX_PATH 4096

/**
 * @brief Where settings come from: a lookup by variable name.
 *
 * NULL wherever a source is taken means the process environment
 * (`getenv`). Tests and examples pass a table instead, so they never touch
 * the environment.
 */
struct dp_config_source {
	/**
	 * Required. The value of a variable, or NULL when it is not set. The
	 * string must stay valid until dp_config_init() returns.
	 * @param[in] ctx  #ctx, unchanged.
	 * @param[in] name "DP_LOG_LEVEL", "DP_CACHE_CAPACITY" or "DP_DATA_DIR".
	 */
	const char *(*lookup)(void *ctx, const char *name);
	void *ctx; /**< Handed to #lookup unchanged. */
};

/**
 * @brief The application's settings and clock.
 *
 * Public because the caller allocates it (on the stack, in a struct of its
 * own) and reads the fields directly; set it up with dp_config_init(), free
 * it with dp_config_deinit(), and treat the fields as read-only between.
 */
struct dp_config {
	/** DP_LOG_LEVEL: "error", "warn", "info" or "debug"; default "info". */
	enum dp_log_level log_level;
	/** DP_CACHE_CAPACITY: entries, a decimal number from 1 to
	 * #DP_CONFIG_MAX_CACHE_CAPACITY; default
	 * #DP_CONFIG_DEFAULT_CACHE_CAPACITY. */
	size_t cache_capacity;
	/** DP_DATA_DIR: a non-empty path shorter than #DP_CONFIG_MAX_PATH;
	 * default ".". A copy owned by the config. */
	char *data_dir;
	/** The clock every timestamp comes from; never NULL. Not a variable:
	 * it is given to dp_config_init(). */
	const struct dp_clock *clock;
	/** The allocator #data_dir came from, as given to dp_config_init():
	 * NULL means malloc/free. */
	const struct dp_allocator *alloc;
};

/**
 * @brief Set up a configuration from a source of settings.
 *
 * A variable that is not set takes its default; a variable that is set
 * must be valid, or the whole call fails. No default instance is used or
 * created: this works whether or not dp_config_default() was ever called.
 * @param[out] config The configuration to set up; on failure it holds
 *                    nothing to free.
 * @param[in]  source Where settings come from; NULL for the environment,
 *                    read with `getenv`, so no thread may change the
 *                    environment (`setenv`, `putenv`) during the call.
 * @param[in]  clock  The clock, which must outlive the config; NULL for
 *                    #dp_clock_monotonic.
 * @param[in]  alloc  The allocator for the config's memory, which must
 *                    outlive it; NULL for malloc/free.
 * @return #DP_OK; #DP_EINVAL when `config` is NULL, `source` or `clock`
 *         has a required slot left NULL, DP_LOG_LEVEL is not one of the
 *         four names, DP_CACHE_CAPACITY is not a plain decimal number
 *         (digits only, no sign or spaces), or DP_DATA_DIR is empty;
 *         #DP_ERANGE when DP_CACHE_CAPACITY is 0 or above
 *         #DP_CONFIG_MAX_CACHE_CAPACITY, or DP_DATA_DIR is
 *         #DP_CONFIG_MAX_PATH bytes or longer; #DP_ENOMEM when memory runs
 *         out.
 */
int dp_config_init(struct dp_config *config,
                   const struct dp_config_source *source,
                   const struct dp_clock *clock,
                   const struct dp_allocator *alloc);

/**
 * @brief Free what a configuration holds. The struct itself stays the
 *        caller's.
 * @param[in,out] config The configuration; NULL is a no-op. It must not be
 *                       installed with dp_config_set_default() any more.
 */
void dp_config_deinit(struct dp_config *config);

/**
 * @brief The name of a log level, as DP_LOG_LEVEL spells it.
 * @param[in] level A log level.
 * @return "error", "warn", "info" or "debug"; "unknown" for any other
 *         value. Never NULL.
 */
const char *dp_config_log_level_name(enum dp_log_level level);

/* ---- the default instance: the singleton -------------------------------- */

/**
 * @brief The process-wide configuration: the substitute installed by
 *        dp_config_set_default() if there is one, else the one built from
 *        the environment.
 *
 * The environment instance is built on the first call that needs it,
 * exactly once however many threads race (`pthread_once`), with
 * dp_config_init(config, NULL, NULL, NULL). If that fails, the failure is
 * final: every later call reports the same code, because the environment
 * is read only once. That first call reads the environment, so no thread
 * may change it (`setenv`, `putenv`) while the default may be being built.
 *
 * Teardown: none. The environment instance is never freed, so a pointer
 * from this function stays valid until the process exits (or, for a
 * substitute, for as long as its owner keeps it). The operating system
 * reclaims its memory at exit; leak checkers report it as still reachable.
 * @param[out] status Receives #DP_OK or the error code of the one
 *                    initialisation (#DP_EINVAL, #DP_ERANGE, #DP_ENOMEM,
 *                    as for dp_config_init()); may be NULL.
 * @return The configuration, or NULL when the environment was invalid and
 *         no substitute is installed.
 */
const struct dp_config *dp_config_default(int *status);

/**
 * @brief Install a substitute as the default, or remove it.
 *
 * Meant for tests and for start-up code: whoever calls it owns the
 * substitute and must keep it initialised until it is replaced and no
 * thread still uses a pointer obtained while it was installed. Installing
 * does not build the environment instance; removing falls back to it.
 * @param[in] config The substitute, or NULL to go back to the environment
 *                   instance.
 * @return The substitute installed before, or NULL when there was none:
 *         pass it back to restore the previous state.
 */
const struct dp_config *dp_config_set_default(const struct dp_config *config);

/**
 * @brief How many times the environment instance has been built: 0 before
 *        the first dp_config_default() that needed it, 1 after, never more.
 *
 * For tests and diagnostics; calling it builds nothing.
 * @return 0 or 1.
 */
unsigned dp_config_default_initialisations(void);

#endif /* DP_SINGLETON_H */
