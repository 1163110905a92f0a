/**
 * @file factory.h
 * @brief Exercise 02, Factory: a registry that turns a name into a
 *        constructor, so code can make an object whose kind it learns at
 *        run time.
 *
 * Ownership: a registry owns only its array of entry pointers, allocated
 * from the allocator given to ex_registry_create(); it keeps pointers to
 * the caller's entries, which must outlive it. Products belong to the
 * caller. Thread-safety: none inside a registry.
 */
#ifndef EX_FACTORY_H
#define EX_FACTORY_H

#include "common/dp_common.h"

#include <stddef.h>

/** @brief One kind of product: its name and its constructor. */
struct ex_entry {
	/** Required: the name looked up, byte for byte; never empty. */
	const char *name;

	/**
	 * Required. Make one product.
	 * @param[out] product Receives the product on #DP_OK only.
	 * @param[in]  config  Whatever the caller gave ex_registry_make().
	 * @param[in]  alloc   Where the product's memory comes from; never
	 *                     NULL.
	 * @return #DP_OK, or a negative code of the constructor's choosing.
	 */
	int (*create)(void **product, const void *config,
	              const struct dp_allocator *alloc);
};

/** @brief A registry of named constructors (opaque). */
typedef struct ex_registry ex_registry;

/**
 * @brief Create an empty registry.
 * @param[in] alloc The allocator for the registry's memory, or NULL for
 *                  malloc/free. It must outlive the registry.
 * @return The registry, freed with ex_registry_destroy(); NULL when memory
 *         runs out.
 */
ex_registry *ex_registry_create(const struct dp_allocator *alloc);

/**
 * @brief Free a registry and its own memory; entries stay the caller's.
 * @param[in] registry The registry; NULL is a no-op.
 */
void ex_registry_destroy(ex_registry *registry);

/**
 * @brief Add an entry, after the ones already there. Any number of
 *        entries may be added: the registry grows as needed.
 * @param[in,out] registry The registry.
 * @param[in]     entry    The entry; kept, not copied.
 * @return #DP_OK; #DP_EINVAL when `registry` or `entry` is NULL, or its
 *         name is NULL or empty, or its constructor is NULL; #DP_EEXIST
 *         when the name is taken; #DP_ENOMEM when memory runs out. On any
 *         error the registry is unchanged.
 */
int ex_registry_add(ex_registry *registry, const struct ex_entry *entry);

/**
 * @brief The number of entries.
 * @param[in] registry The registry; NULL counts 0.
 * @return The number of entries added.
 */
size_t ex_registry_count(const ex_registry *registry);

/**
 * @brief Make a product by name: find the entry, call its constructor.
 * @param[in]  registry The registry.
 * @param[in]  name     The kind of product wanted.
 * @param[in]  config   Handed to the constructor unchanged; may be NULL.
 * @param[in]  alloc    Handed to the constructor; NULL means
 *                      dp_allocator_default().
 * @param[out] product  Receives the product; untouched on any error.
 * @return #DP_OK; #DP_EINVAL when `registry`, `name` or `product` is NULL;
 *         #DP_ENOENT when no entry has that name, and then no constructor
 *         is called; otherwise the constructor's own code, unchanged.
 */
int ex_registry_make(const ex_registry *registry, const char *name,
                     const void *config, const struct dp_allocator *alloc,
                     void **product);

#endif /* EX_FACTORY_H */
