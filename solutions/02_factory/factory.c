/*
 * Exercise 02, the reference answer: a growable array of pointers to the
 * caller's entries, searched linearly. A registry holds a handful of names
 * and is searched once per product made, so a hash table would buy
 * nothing here.
 */
#include "factory.h"

#include <string.h>

enum { FIRST_CAPACITY = 4 };

struct ex_registry {
	const struct ex_entry **entries;
	size_t count;
	size_t capacity;
	/* Never NULL: resolved at creation. */
	const struct dp_allocator *alloc;
};

ex_registry *ex_registry_create(const struct dp_allocator *alloc)
{
	if (alloc == NULL)
		alloc = dp_allocator_default();
	ex_registry *registry = dp_alloc(alloc, sizeof(*registry));
	if (registry == NULL)
		return NULL;
	*registry = (struct ex_registry){.alloc = alloc};
	return registry;
}

void ex_registry_destroy(ex_registry *registry)
{
	if (registry == NULL)
		return;
	dp_free(registry->alloc, registry->entries);
	dp_free(registry->alloc, registry);
}

static const struct ex_entry *find(const ex_registry *registry,
                                   const char *name)
{
	for (size_t i = 0; i < registry->count; i++) {
		if (strcmp(registry->entries[i]->name, name) == 0)
			return registry->entries[i];
	}
	return NULL;
}

int ex_registry_add(ex_registry *registry, const struct ex_entry *entry)
{
	if (registry == NULL || entry == NULL || entry->name == NULL ||
	    entry->name[0] == '\0' || entry->create == NULL)
		return DP_EINVAL;
	if (find(registry, entry->name) != NULL)
		return DP_EEXIST;
	if (registry->count == registry->capacity) {
		size_t capacity = registry->capacity == 0
		                          ? FIRST_CAPACITY
		                          : registry->capacity * 2;
		/* On failure the old array is untouched and still ours. */
		const struct ex_entry **grown =
			dp_realloc_array(registry->alloc, registry->entries,
		                         capacity, sizeof(*grown));
		if (grown == NULL)
			return DP_ENOMEM;
		registry->entries = grown;
		registry->capacity = capacity;
	}
	registry->entries[registry->count++] = entry;
	return DP_OK;
}

size_t ex_registry_count(const ex_registry *registry)
{
	return registry == NULL ? 0 : registry->count;
}

int ex_registry_make(const ex_registry *registry, const char *name,
                     const void *config, const struct dp_allocator *alloc,
                     void **product)
{
	if (registry == NULL || name == NULL || product == NULL)
		return DP_EINVAL;
	const struct ex_entry *entry = find(registry, name);
	if (entry == NULL)
		return DP_ENOENT;
	if (alloc == NULL)
		alloc = dp_allocator_default();
	/* Through a local, so that *product stays untouched even if a
	 * constructor writes its out-parameter before it fails. */
	void *made = NULL;
	int rc = entry->create(&made, config, alloc);
	if (rc == DP_OK)
		*product = made;
	return rc;
}
