/*
 * A `--set=NAME` option that chooses a blocklist's data structure by name.
 *
 * The program never names a strategy in its code: the option's value is
 * looked up in a registry whose built-ins are the three sets of the
 * Strategy chapter, and one more kind, "auto", is registered at run time
 * the way a plugin would add itself. Unknown names and duplicate
 * registrations come back as error codes, and `--help` is a walk over the
 * registry.
 */
#include "factory/factory.h"
#include "strategy/strategy.h"

#include <stdio.h>
#include <string.h>

/* The config every set constructor takes: the ids to start with. */
struct set_config {
	const int64_t *ids;
	size_t count;
};

/* The one constructor behind every entry: they differ only in strategy. */
static int make_set(const struct dp_set_ops *ops, void **product,
                    const struct set_config *config,
                    const struct dp_allocator *alloc)
{
	dp_set *set = dp_set_create(ops, alloc);
	if (set == NULL)
		return DP_ENOMEM;
	int rc = dp_set_add_many(set, config->ids, config->count, NULL);
	if (rc != DP_OK) {
		dp_set_destroy(set);
		return rc;
	}
	*product = set;
	return DP_OK;
}

static int make_linear(void **product, const void *config,
                       const struct dp_allocator *alloc)
{
	return make_set(&dp_set_linear, product, config, alloc);
}

static int make_sorted(void **product, const void *config,
                       const struct dp_allocator *alloc)
{
	return make_set(&dp_set_sorted, product, config, alloc);
}

static int make_hash(void **product, const void *config,
                     const struct dp_allocator *alloc)
{
	return make_set(&dp_set_hash, product, config, alloc);
}

static const struct dp_factory_entry SET_KINDS[] = {
	{"linear", make_linear, "unsorted array, scanned: fastest below ~16"},
	{"sorted", make_sorted, "sorted array, binary search: small, ordered"},
	{"hash", make_hash, "open addressing: O(1) lookups at any size"},
	{NULL, NULL, NULL},
};

/* Registered at run time: the policy of the Strategy chapter's example,
 * a scan while tiny and a hash table beyond. */
static int make_auto(void **product, const void *config,
                     const struct dp_allocator *alloc)
{
	const struct set_config *ids = config;

	return make_set(ids->count <= 16 ? &dp_set_linear : &dp_set_hash,
	                product, config, alloc);
}

static const struct dp_factory_entry AUTO_KIND = {
	"auto", make_auto, "linear up to 16 ids, hash beyond"};

/* A second "hash", as a careless plugin might bring. */
static const struct dp_factory_entry OTHER_HASH = {"hash", make_linear,
                                                   "a plugin's own hash"};

static void print_help(const dp_factory *kinds)
{
	printf("usage: blocklist --set=KIND, where KIND is one of:\n");
	for (size_t i = 0; i < dp_factory_count(kinds); i++) {
		const struct dp_factory_entry *kind =
			dp_factory_entry_at(kinds, i);
		printf("  %-7s %s\n", kind->name, kind->description);
	}
}

static void report(const char *what, int rc)
{
	printf("%s: %s (%s)\n", what, dp_error_name(rc), dp_strerror(rc));
}

/* What one run of the program does with its `--set=` argument. */
static int run(const dp_factory *kinds, const char *argument,
               const struct set_config *config)
{
	struct dp_counting_allocator memory;
	dp_counting_allocator_init(&memory, NULL);
	const char *name = argument + strlen("--set=");

	void *product;
	int rc = dp_factory_make(kinds, name, config, &memory.base, &product);
	if (rc == DP_ENOENT) {
		printf("%s: unknown kind \"%s\"; try --help\n", argument, name);
		return DP_OK;
	}
	if (rc != DP_OK)
		return rc;

	dp_set *blocklist = product;
	printf("%s: %zu ids in a %s set, %zu bytes; user 1042 %s\n", argument,
	       dp_set_size(blocklist), dp_set_strategy(blocklist)->name,
	       memory.live_bytes,
	       dp_set_contains(blocklist, 1042) ? "blocked" : "allowed");
	dp_set_destroy(blocklist);
	return DP_OK;
}

int main(void)
{
	dp_factory *kinds = dp_factory_create(SET_KINDS, NULL);
	if (kinds == NULL) {
		fprintf(stderr, "example: %s\n", dp_strerror(DP_ENOMEM));
		return 1;
	}

	report("register auto", dp_factory_register(kinds, &AUTO_KIND));
	report("register auto again", dp_factory_register(kinds, &AUTO_KIND));
	report("register another hash",
	       dp_factory_register(kinds, &OTHER_HASH));
	print_help(kinds);

	int64_t ids[40];
	for (size_t i = 0; i < DP_ARRAY_SIZE(ids); i++)
		ids[i] = 1000 + 7 * (int64_t)i;
	const struct set_config few = {ids, 10};
	const struct set_config many = {ids, DP_ARRAY_SIZE(ids)};

	const char *const arguments[] = {"--set=linear", "--set=sorted",
	                                 "--set=hash",   "--set=auto",
	                                 "--set=btree",  "--set=Hash"};
	int rc = DP_OK;
	for (size_t i = 0; rc == DP_OK && i < DP_ARRAY_SIZE(arguments); i++)
		rc = run(kinds, arguments[i], &many);
	if (rc == DP_OK)
		rc = run(kinds, "--set=auto", &few);

	report("unregister auto", dp_factory_unregister(kinds, &AUTO_KIND));
	if (rc == DP_OK)
		rc = run(kinds, "--set=auto", &few);
	printf("%zu kinds left\n", dp_factory_count(kinds));

	dp_factory_destroy(kinds);
	if (rc != DP_OK) {
		fprintf(stderr, "example: %s\n", dp_strerror(rc));
		return 1;
	}
	return 0;
}
