/**
 * @file dp_common.h
 * @brief What every module shares: error codes, the injectable allocator,
 *        dp_container_of and a monotonic clock.
 *
 * Ownership: nothing here owns memory except what an allocator hands out,
 * which its caller frees through the same allocator. Thread-safety: the
 * default allocator and the clock are safe from any thread; a counting or
 * failing allocator is a plain struct with no lock, so share one between
 * threads only behind your own lock.
 */
#ifndef DP_COMMON_H
#define DP_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/**
 * @brief The library's one error convention.
 *
 * A command returns `int`: #DP_OK (zero) on success, or one of these
 * negative codes. dp_strerror() and dp_error_name() turn any of them into
 * text. Constructors and lookups return a pointer or NULL instead, and
 * predicates (`is_`, `has_`, `contains`) return `bool`.
 */
enum dp_error {
	/** Success. */
	DP_OK = 0,
	/** An argument is invalid: NULL where an object is required, or
	 * outside its domain. */
	DP_EINVAL = -1,
	/** The allocator returned NULL; the operation had no effect. */
	DP_ENOMEM = -2,
	/** The item looked for is not there. */
	DP_ENOENT = -3,
	/** The item is there already. */
	DP_EEXIST = -4,
	/** The object is in use and cannot do this now. */
	DP_EBUSY = -5,
	/** A number, index or size is out of range. */
	DP_ERANGE = -6,
	/** An input/output operation failed. */
	DP_EIO = -7,
	/** The object does not offer this operation (an optional slot of
	 * its ops table is empty), e.g. reading a write-only stream. */
	DP_ENOTSUP = -8,
	/** The operation was cancelled before it ran, e.g. a queued task
	 * dropped by a cancelling shutdown. */
	DP_ECANCELED = -9,
	/** The most negative code: move it when a code is added below. */
	DP_ERROR_MIN = DP_ECANCELED
};

/**
 * @brief Describe an error code in words.
 * @param[in] code #DP_OK or a negative #dp_error code.
 * @return A static string such as "invalid argument"; "unknown error" for
 *         a value that is not a code. Never NULL.
 */
const char *dp_strerror(int code);

/**
 * @brief Name an error code as it is spelled in C.
 * @param[in] code #DP_OK or a negative #dp_error code.
 * @return A static string such as "DP_EINVAL"; "DP_UNKNOWN" for a value
 *         that is not a code. Never NULL.
 */
const char *dp_error_name(int code);

/**
 * @brief Recover a pointer to a struct from a pointer to one of its members.
 *
 * This is how the library does inheritance by embedding: an object embeds a
 * base (an ops pointer, a list node) and the code that receives the base
 * gets the whole object back. `ptr` must really point at `member` inside a
 * `type`; nothing checks it.
 */
#define dp_container_of(ptr, type, member) \
	((type *)(void *)((char *)(ptr)-offsetof(type, member)))

/** @brief The number of elements of an array (not of a pointer). */
#define DP_ARRAY_SIZE(array) (sizeof(array) / sizeof((array)[0]))

/**
 * @brief An injectable allocator: one realloc-style function and a context.
 *
 * Every module that allocates takes an optional `const struct
 * dp_allocator *`; NULL means dp_allocator_default(). Modules store it
 * as given and only dp_alloc(), dp_free() and their kin turn NULL into
 * the default, so no other code calls #reallocate. Tests pass a
 * counting allocator to prove that nothing leaks and a failing one to
 * drive every out-of-memory path; the object pool can stand in for both.
 * The shape is Lua's `lua_Alloc`.
 */
struct dp_allocator {
	/**
	 * Required. Allocate, resize or free, depending on the arguments:
	 * - `ptr` NULL, `size` > 0: allocate `size` bytes;
	 * - `ptr` set, `size` > 0: resize the block, which may move; on
	 *   failure return NULL and leave the block as it was;
	 * - `size` 0: free `ptr` (which may be NULL) and return NULL.
	 *
	 * Memory is aligned for any object type. `ctx` is #ctx, unchanged.
	 */
	void *(*reallocate)(void *ctx, void *ptr, size_t size);
	void *ctx; /**< Handed to #reallocate unchanged. */
};

/**
 * @brief The default allocator: malloc, realloc and free.
 * @return A pointer to a static allocator; never NULL.
 */
const struct dp_allocator *dp_allocator_default(void);

/**
 * @brief Allocate `size` bytes from `alloc`.
 * @param[in] alloc The allocator, or NULL for dp_allocator_default().
 * @param[in] size  Bytes wanted; 0 is treated as 1, so a successful call
 *                  always returns a distinct pointer.
 * @return The block, to be freed with dp_free() on the same allocator, or
 *         NULL when memory runs out.
 */
void *dp_alloc(const struct dp_allocator *alloc, size_t size);

/**
 * @brief Allocate an array of `count` elements of `size` bytes.
 * @param[in] alloc The allocator, or NULL for the default.
 * @param[in] count Number of elements.
 * @param[in] size  Size of one element.
 * @return The block, or NULL when memory runs out or `count * size`
 *         overflows `size_t` (then the allocator is not called).
 */
void *dp_alloc_array(const struct dp_allocator *alloc, size_t count,
                     size_t size);

/**
 * @brief Resize an array allocated from `alloc` to `count` elements.
 * @param[in] alloc The allocator that allocated `ptr`, or NULL for the default.
 * @param[in] ptr   The block, or NULL to allocate a new one.
 * @param[in] count New number of elements; 0 is treated as 1.
 * @param[in] size  Size of one element.
 * @return The block, which may have moved, or NULL when memory runs out or
 *         the size overflows; then `ptr` is untouched and still owned by
 *         the caller.
 */
void *dp_realloc_array(const struct dp_allocator *alloc, void *ptr,
                       size_t count, size_t size);

/**
 * @brief Copy a NUL-terminated string into a block from `alloc`.
 *
 * The one way the library copies a string it keeps, in place of
 * strlen(), dp_alloc() and memcpy() written out at each site.
 * @param[in] alloc The allocator, or NULL for the default.
 * @param[in] text  The string to copy; NULL gives NULL without a call to
 *                  the allocator.
 * @return The copy, owned by the caller and freed with dp_free() on the
 *         same allocator, or NULL when `text` is NULL or memory runs out.
 */
char *dp_strdup(const struct dp_allocator *alloc, const char *text);

/**
 * @brief Free a block allocated from `alloc`.
 * @param[in] alloc The allocator that allocated `ptr`, or NULL for the default.
 * @param[in] ptr   The block; NULL is a no-op.
 */
void dp_free(const struct dp_allocator *alloc, void *ptr);

/**
 * @brief An allocator that counts what passes through it to its parent.
 *
 * A Decorator over another allocator. The caller owns the struct (usually
 * on the stack), sets it up with dp_counting_allocator_init() and passes
 * `&counter.base` wherever an allocator is taken. It reads the counters
 * directly: they are exact, because each block carries its size in a
 * small header that the counts leave out.
 */
struct dp_counting_allocator {
	/** Pass `&base` to the code under test. */
	struct dp_allocator base;
	/** Where the memory really comes from, as given: NULL means the
	 * default. */
	const struct dp_allocator *parent;
	size_t allocations;   /**< Blocks allocated (resizes not included). */
	size_t reallocations; /**< Blocks resized. */
	size_t frees;         /**< Blocks freed. */
	size_t failures;      /**< Requests the parent refused. */
	size_t live_blocks;   /**< Blocks allocated and not yet freed. */
	size_t live_bytes;    /**< Bytes in live blocks, as requested. */
	size_t peak_bytes;    /**< The highest #live_bytes has been. */
};

/**
 * @brief Set up a counting allocator with every counter at zero.
 * @param[out] counter The allocator to set up; must not be NULL.
 * @param[in]  parent  Where memory comes from, or NULL for the default.
 * @return #DP_OK, or #DP_EINVAL when `counter` is NULL.
 */
int dp_counting_allocator_init(struct dp_counting_allocator *counter,
                               const struct dp_allocator *parent);

/**
 * @brief An allocator that refuses exactly one request: the Nth.
 *
 * A Decorator over another allocator, for tests: run an operation with
 * `fail_at` = 1, 2, 3, ... until it succeeds without the failure being
 * reached, and each out-of-memory path has been taken once. Requests to
 * allocate or resize are counted; frees are never refused or counted.
 */
struct dp_failing_allocator {
	/** Pass `&base` to the code under test. */
	struct dp_allocator base;
	/** Serves every other request, as given: NULL means the default. */
	const struct dp_allocator *parent;
	size_t fail_at;  /**< The 1-based request to refuse; 0 refuses none. */
	size_t requests; /**< Allocate and resize requests seen so far. */
	bool failed;     /**< Whether the request #fail_at has been refused. */
};

/**
 * @brief Set up a failing allocator.
 * @param[out] failing The allocator to set up; must not be NULL.
 * @param[in]  fail_at The 1-based number of the request to refuse; 0 for none.
 * @param[in]  parent  Serves the other requests; NULL for the default.
 * @return #DP_OK, or #DP_EINVAL when `failing` is NULL.
 */
int dp_failing_allocator_init(struct dp_failing_allocator *failing,
                              size_t fail_at,
                              const struct dp_allocator *parent);

/**
 * @brief The next number of a small, deterministic random generator.
 *
 * SplitMix64 (Steele, Lea and Flood, 2014): the same seed gives the same
 * sequence on every machine, so a test or a benchmark that uses random
 * data can be replayed exactly. Fast and well mixed; not for security.
 * @param[in,out] state The generator's state: any seed to start with.
 * @return The next 64 random bits; 0 when `state` is NULL.
 */
uint64_t dp_random_next(uint64_t *state);

/**
 * @brief Mix every bit of `x` into every bit of the result.
 *
 * The finaliser of SplitMix64, and the library's one 64-bit mixer: hash
 * tables pass integer keys through it before taking the low bits, so
 * consecutive ids do not fill runs of neighbouring slots, and
 * dp_random_next() passes its counter through it. A bijection: distinct
 * inputs give distinct outputs. Inline, because it sits on hot lookups.
 * @param[in] x Any value.
 * @return The mixed value; never fails.
 */
static inline uint64_t dp_mix64(uint64_t x)
{
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9u;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebu;
	return x ^ (x >> 31);
}

/**
 * @brief The time on a monotonic clock, in nanoseconds.
 *
 * Only differences between two readings mean anything; the clock never
 * goes back, whatever happens to the wall clock. For benchmarks, never for
 * pass/fail tests.
 * @return Nanoseconds since an arbitrary fixed point.
 */
uint64_t dp_now_ns(void);

#endif /* DP_COMMON_H */
