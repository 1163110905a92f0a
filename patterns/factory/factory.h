/**
 * @file factory.h
 * @brief Factory: a registry that turns a name ("hash", "json", "csv") into
 *        a constructor, from a const table of built-ins plus entries
 *        registered at run time.
 *
 * Ownership: a registry owns only its list of run-time registrations; it
 * keeps pointers to the caller's entries (never copies), so every entry and
 * its strings must outlive the registry or their registration. Products
 * belong to the caller, who frees them with the product type's own destroy.
 * Thread-safety: none inside; lookups may run in parallel, but only while
 * nothing registers or unregisters.
 */
#ifndef DP_FACTORY_H
#define DP_FACTORY_H

#include "common/dp_common.h"

#include <stddef.h>

/**
 * @brief One kind of product: its name, its constructor, a line of help.
 *
 * Built-ins come as a `const` array ending in a sentinel whose #name is
 * NULL, the way Lua's `luaL_Reg` tables end in `{NULL, NULL}`:
 *
 * @code
 * static const struct dp_factory_entry SET_KINDS[] = {
 *         {"linear", make_linear, "unsorted array, scanned"},
 *         {"hash", make_hash, "open addressing, O(1) lookups"},
 *         {NULL, NULL, NULL},
 * };
 * @endcode
 *
 * Every entry of one registry makes the same type of product, so the
 * caller knows how to destroy whatever it gets back.
 */
struct dp_factory_entry {
	/**
	 * Required: the name looked up, compared byte for byte (so
	 * case-sensitive), never empty. NULL only in the sentinel.
	 */
	const char *name;

	/**
	 * Required. Make one product.
	 * @param[out] product Receives the product on #DP_OK; on error it
	 *                     must be left alone.
	 * @param[in]  config  The constructor's context: whatever the caller
	 *                     passed to dp_factory_make(), unchanged; may be
	 *                     NULL if the constructor allows it.
	 * @param[in]  alloc   Where the product's memory comes from, as
	 *                     the caller gave it: NULL means malloc/free,
	 *                     which dp_alloc() and dp_free() resolve. The
	 *                     product keeps it to free itself.
	 * @return #DP_OK, or a negative code of the constructor's choosing
	 *         (#DP_ENOMEM, #DP_EINVAL for a bad config, ...), having freed
	 *         everything it allocated.
	 */
	int (*create)(void **product, const void *config,
	              const struct dp_allocator *alloc);

	/** Optional: NULL means no help text. One line for `--help`. */
	const char *description;
};

/** @brief A registry of named constructors (opaque); see the file comment. */
typedef struct dp_factory dp_factory;

/**
 * @brief Create a registry that knows the entries of a built-in table.
 *
 * The table is checked once, here: every entry before the sentinel needs a
 * non-empty name and a constructor, and no name may appear twice.
 * @param[in] builtins The table, ending in an entry whose name is NULL; it
 *                     is kept, not copied, and must outlive the registry.
 *                     NULL means no built-ins.
 * @param[in] alloc    The allocator for the registry's own memory, or NULL
 *                     for malloc/free. It must outlive the registry.
 * @return The registry, freed with dp_factory_destroy(); NULL when the
 *         table is invalid or memory runs out.
 */
dp_factory *dp_factory_create(const struct dp_factory_entry *builtins,
                              const struct dp_allocator *alloc);

/**
 * @brief Free a registry. Entries and products are the caller's and stay.
 * @param[in] factory The registry; NULL is a no-op.
 */
void dp_factory_destroy(dp_factory *factory);

/**
 * @brief Add an entry at run time, after every name known so far.
 *
 * A name already known is refused, built-in or registered: a plugin cannot
 * silently replace "hash" under a caller that asked for the built-in one.
 * @param[in,out] factory The registry.
 * @param[in]     entry   The entry; kept, not copied, until
 *                        dp_factory_unregister() or dp_factory_destroy().
 * @return #DP_OK; #DP_EINVAL when `factory` or `entry` is NULL, or the
 *         entry's name is NULL or empty, or its constructor is NULL;
 *         #DP_EEXIST when the name is taken; #DP_ENOMEM when memory runs
 *         out. On any error the registry is unchanged.
 */
int dp_factory_register(dp_factory *factory,
                        const struct dp_factory_entry *entry);

/**
 * @brief Remove an entry registered at run time. Never allocates.
 *
 * The entry is identified by its address, as SQLite's
 * `sqlite3_vfs_unregister()` and the kernel's `unregister_filesystem()`
 * do. Later registrations keep their order.
 * @param[in,out] factory The registry.
 * @param[in]     entry   The entry given to dp_factory_register().
 * @return #DP_OK; #DP_EINVAL when `factory` or `entry` is NULL; #DP_ENOENT
 *         when `entry` is not a run-time registration of this registry
 *         (a built-in never is: the table is constant).
 */
int dp_factory_unregister(dp_factory *factory,
                          const struct dp_factory_entry *entry);

/**
 * @brief Look a name up: built-ins first, then run-time registrations.
 * @param[in] factory The registry; NULL knows no names.
 * @param[in] name    The name; NULL and "" are never found.
 * @return The entry, valid while it stays registered; NULL when the name
 *         is unknown or invalid.
 */
const struct dp_factory_entry *dp_factory_find(const dp_factory *factory,
                                               const char *name);

/**
 * @brief Make a product by name: look the constructor up and call it.
 *
 * Beware that a constructor may return #DP_ENOENT for its own reasons (a
 * store whose file is missing); to tell that apart from an unknown name,
 * call dp_factory_find() first.
 * @param[in]  factory The registry.
 * @param[in]  name    The kind of product wanted.
 * @param[in]  config  Handed to the constructor unchanged; may be NULL.
 * @param[in]  alloc   The allocator for the product, or NULL for
 *                     malloc/free; it must outlive the product.
 * @param[out] product Receives the product, which the caller frees with
 *                     the product type's own destroy. Untouched on error.
 * @return #DP_OK; #DP_EINVAL when `factory` or `product` is NULL or `name`
 *         is NULL or empty; #DP_ENOENT when no entry has that name, and
 *         then no constructor is called; otherwise the constructor's own
 *         code, unchanged (#DP_ENOMEM, #DP_EINVAL, ...).
 */
int dp_factory_make(const dp_factory *factory, const char *name,
                    const void *config, const struct dp_allocator *alloc,
                    void **product);

/**
 * @brief The number of names known: built-ins plus registrations.
 * @param[in] factory The registry; NULL counts 0.
 * @return The number of entries that dp_factory_entry_at() can return.
 */
size_t dp_factory_count(const dp_factory *factory);

/**
 * @brief Walk the names, for a `--help` listing.
 *
 * Built-ins come first in table order, then run-time registrations in the
 * order they were registered. Registering or unregistering renumbers.
 * @param[in] factory The registry.
 * @param[in] index   From 0 to dp_factory_count() - 1.
 * @return The entry; NULL when `factory` is NULL or `index` is out of
 *         range.
 */
const struct dp_factory_entry *dp_factory_entry_at(const dp_factory *factory,
                                                   size_t index);

#endif /* DP_FACTORY_H */
