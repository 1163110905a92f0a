/*
 * Exercise 02, Factory: your answer goes here. Read README.md first, then
 * factory.h, which says what each function must do. Every function below
 * compiles and returns a placeholder; replace each TODO.
 */
#include "factory.h"

/* TODO: decide what a registry holds: the entries (pointers to the
 * caller's, not copies), how many there are, how many fit, and the
 * allocator everything comes from. */
struct ex_registry {
	int todo;
};

ex_registry *ex_registry_create(const struct dp_allocator *alloc)
{
	/* TODO: resolve NULL to dp_allocator_default(), allocate an empty
	 * registry with dp_alloc() and remember the allocator. */
	(void)alloc;
	return NULL;
}

void ex_registry_destroy(ex_registry *registry)
{
	/* TODO: free what the registry allocated, through its allocator;
	 * NULL does nothing. */
	(void)registry;
}

int ex_registry_add(ex_registry *registry, const struct ex_entry *entry)
{
	/* TODO: validate (DP_EINVAL), refuse a taken name (DP_EEXIST), grow
	 * the array with dp_realloc_array() when it is full (DP_ENOMEM,
	 * changing nothing, when that fails), then append. */
	(void)registry;
	(void)entry;
	return DP_ENOTSUP;
}

size_t ex_registry_count(const ex_registry *registry)
{
	/* TODO: the number of entries; 0 for NULL. */
	(void)registry;
	return 0;
}

int ex_registry_make(const ex_registry *registry, const char *name,
                     const void *config, const struct dp_allocator *alloc,
                     void **product)
{
	/* TODO: validate, find the entry by name (DP_ENOENT if none), then
	 * call its constructor and return its code; write *product only on
	 * success. */
	(void)registry;
	(void)name;
	(void)config;
	(void)alloc;
	(void)product;
	return DP_ENOTSUP;
}
