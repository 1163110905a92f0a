/*
 * The registry of the Factory pattern: two lists searched in order, a
 * constant table that the registry only points at, and a growable array of
 * pointers to entries registered at run time.
 *
 * Both lists are searched linearly with strcmp. Registries hold a handful
 * of names (SQLite's VFS list and the kernel's file system list are linked
 * lists searched the same way), and a program looks a name up once, when it
 * reads its options, not per operation: the bench measures what that costs.
 */
#include "factory/factory.h"

#include <string.h>

/* The first growth of the run-time list; small, because most programs
 * register a few entries or none. */
enum { FIRST_CAPACITY = 4 };

struct dp_factory {
	/* The caller's constant table, and how many entries precede its
	 * sentinel, counted once so that iteration is O(1) per step. */
	const struct dp_factory_entry *builtins;
	size_t builtin_count;
	/* Run-time registrations in the order they came; NULL until the
	 * first one, so a registry of built-ins costs one allocation. */
	const struct dp_factory_entry **registered;
	size_t registered_count;
	size_t registered_capacity;
	/* Never NULL: resolved at creation. */
	const struct dp_allocator *alloc;
};

static bool name_valid(const char *name)
{
	return name != NULL && name[0] != '\0';
}

static bool entry_valid(const struct dp_factory_entry *entry)
{
	return entry != NULL && name_valid(entry->name) &&
	       entry->create != NULL;
}

static const struct dp_factory_entry *
find_builtin(const struct dp_factory_entry *builtins, size_t count,
             const char *name)
{
	for (size_t i = 0; i < count; i++) {
		if (strcmp(builtins[i].name, name) == 0)
			return &builtins[i];
	}
	return NULL;
}

/* Count the entries before the sentinel, refusing the table if any is
 * invalid or repeats an earlier name: checking here, once, is what lets
 * every lookup trust the table. */
static bool count_builtins(const struct dp_factory_entry *builtins,
                           size_t *count)
{
	size_t n = 0;

	if (builtins != NULL) {
		for (; builtins[n].name != NULL; n++) {
			if (!entry_valid(&builtins[n]) ||
			    find_builtin(builtins, n, builtins[n].name) != NULL)
				return false;
		}
	}
	*count = n;
	return true;
}

dp_factory *dp_factory_create(const struct dp_factory_entry *builtins,
                              const struct dp_allocator *alloc)
{
	size_t builtin_count;

	if (!count_builtins(builtins, &builtin_count))
		return NULL;

	dp_factory *factory = dp_alloc(alloc, sizeof(*factory));
	if (factory == NULL)
		return NULL;
	*factory = (struct dp_factory){
		.builtins = builtins,
		.builtin_count = builtin_count,
		.alloc = alloc,
	};
	return factory;
}

void dp_factory_destroy(dp_factory *factory)
{
	if (factory == NULL)
		return;
	dp_free(factory->alloc, factory->registered);
	dp_free(factory->alloc, factory);
}

/* The index of `name` among run-time registrations, or the count. */
static size_t registered_index(const dp_factory *factory, const char *name)
{
	size_t i = 0;

	while (i < factory->registered_count &&
	       strcmp(factory->registered[i]->name, name) != 0)
		i++;
	return i;
}

const struct dp_factory_entry *dp_factory_find(const dp_factory *factory,
                                               const char *name)
{
	if (factory == NULL || !name_valid(name))
		return NULL;
	const struct dp_factory_entry *entry =
		find_builtin(factory->builtins, factory->builtin_count, name);
	if (entry != NULL)
		return entry;
	size_t i = registered_index(factory, name);
	return i < factory->registered_count ? factory->registered[i] : NULL;
}

int dp_factory_register(dp_factory *factory,
                        const struct dp_factory_entry *entry)
{
	if (factory == NULL || !entry_valid(entry))
		return DP_EINVAL;
	if (dp_factory_find(factory, entry->name) != NULL)
		return DP_EEXIST;

	if (factory->registered_count == factory->registered_capacity) {
		size_t capacity = factory->registered_capacity == 0
		                          ? FIRST_CAPACITY
		                          : factory->registered_capacity * 2;
		/* On failure the old array is untouched and still ours, so
		 * the registry is exactly as it was. */
		const struct dp_factory_entry **grown =
			dp_realloc_array(factory->alloc, factory->registered,
		                         capacity, sizeof(*grown));
		if (grown == NULL)
			return DP_ENOMEM;
		factory->registered = grown;
		factory->registered_capacity = capacity;
	}
	factory->registered[factory->registered_count++] = entry;
	return DP_OK;
}

int dp_factory_unregister(dp_factory *factory,
                          const struct dp_factory_entry *entry)
{
	if (factory == NULL || entry == NULL)
		return DP_EINVAL;
	size_t i = 0;
	while (i < factory->registered_count && factory->registered[i] != entry)
		i++;
	if (i == factory->registered_count)
		return DP_ENOENT;
	/* Shift rather than swap in the last entry: `--help` listings keep
	 * the order in which things were registered. */
	memmove(&factory->registered[i], &factory->registered[i + 1],
	        (factory->registered_count - i - 1) *
	                sizeof(factory->registered[0]));
	factory->registered_count--;
	return DP_OK;
}

int dp_factory_make(const dp_factory *factory, const char *name,
                    const void *config, const struct dp_allocator *alloc,
                    void **product)
{
	if (factory == NULL || !name_valid(name) || product == NULL)
		return DP_EINVAL;
	const struct dp_factory_entry *entry = dp_factory_find(factory, name);
	if (entry == NULL)
		return DP_ENOENT;

	/* Through a local, so that `*product` stays untouched on error even
	 * if a constructor writes its out-parameter before it fails. */
	void *made = NULL;
	int rc = entry->create(&made, config, alloc);
	if (rc == DP_OK)
		*product = made;
	return rc;
}

size_t dp_factory_count(const dp_factory *factory)
{
	if (factory == NULL)
		return 0;
	return factory->builtin_count + factory->registered_count;
}

const struct dp_factory_entry *dp_factory_entry_at(const dp_factory *factory,
                                                   size_t index)
{
	if (factory == NULL)
		return NULL;
	if (index < factory->builtin_count)
		return &factory->builtins[index];
	index -= factory->builtin_count;
	if (index < factory->registered_count)
		return factory->registered[index];
	return NULL;
}
