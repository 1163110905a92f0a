/*
 * A blocklist of user ids that changes its data structure as it grows.
 *
 * The code that checks requests calls dp_set_contains() and nothing else;
 * which algorithm answers is decided in one place, strategy_for(), the way
 * Redis keeps a small set of integers as a compact sorted array and turns
 * it into a hash table once it passes set-max-intset-entries.
 */
#include "strategy/strategy.h"

#include <stdio.h>

/* The policy: scan while tiny, hash once large (figures from the bench,
 * where a scan wins at 16 keys and a hash table from 256). */
static const struct dp_set_ops *strategy_for(size_t size)
{
	return size <= 16 ? &dp_set_linear : &dp_set_hash;
}

static int block(dp_set *blocklist, const int64_t *ids, size_t count)
{
	size_t added;
	int rc = dp_set_add_many(blocklist, ids, count, &added);
	if (rc != DP_OK)
		return rc;
	printf("blocked %zu new ids: %zu in all\n", added,
	       dp_set_size(blocklist));

	const struct dp_set_ops *now = dp_set_strategy(blocklist);
	const struct dp_set_ops *wanted = strategy_for(dp_set_size(blocklist));
	if (wanted != now) {
		rc = dp_set_change_strategy(blocklist, wanted);
		if (rc != DP_OK)
			return rc;
		printf("  policy: %zu ids, strategy %s -> %s\n",
		       dp_set_size(blocklist), now->name, wanted->name);
	}
	return DP_OK;
}

static void check_requests(const dp_set *blocklist)
{
	const int64_t requests[] = {7, 1042, 31337};

	for (size_t i = 0; i < DP_ARRAY_SIZE(requests); i++)
		printf("  request from user %lld: %s\n", (long long)requests[i],
		       dp_set_contains(blocklist, requests[i]) ? "blocked"
		                                               : "allowed");
}

int main(void)
{
	struct dp_counting_allocator memory;
	dp_counting_allocator_init(&memory, NULL);
	dp_set *blocklist = dp_set_create(strategy_for(0), &memory.base);
	if (blocklist == NULL) {
		fprintf(stderr, "example: %s\n", dp_strerror(DP_ENOMEM));
		return 1;
	}

	const int64_t first[] = {7, 13, 666, 31337, 7};
	int rc = block(blocklist, first, DP_ARRAY_SIZE(first));
	if (rc == DP_OK)
		check_requests(blocklist);

	int64_t spammers[100];
	for (size_t i = 0; i < DP_ARRAY_SIZE(spammers); i++)
		spammers[i] = 1000 + (int64_t)i;
	if (rc == DP_OK)
		rc = block(blocklist, spammers, DP_ARRAY_SIZE(spammers));
	if (rc == DP_OK)
		check_requests(blocklist);

	/* The other side of the trade: the same ids under each strategy. */
	printf("memory for the same %zu ids:\n", dp_set_size(blocklist));
	const struct dp_set_ops *const all[] = {&dp_set_linear, &dp_set_sorted,
	                                        &dp_set_hash};
	for (size_t i = 0; rc == DP_OK && i < DP_ARRAY_SIZE(all); i++) {
		rc = dp_set_change_strategy(blocklist, all[i]);
		printf("  %-6s %6zu bytes\n", all[i]->name, memory.live_bytes);
	}

	/* Errors are values, named by dp_error_name() and dp_strerror(). */
	int again = dp_set_add(blocklist, 7);
	printf("block user 7 again: %s (%s)\n", dp_error_name(again),
	       dp_strerror(again));
	int absent = dp_set_remove(blocklist, 99999);
	printf("unblock user 99999: %s (%s)\n", dp_error_name(absent),
	       dp_strerror(absent));

	dp_set_destroy(blocklist);
	printf("after destroy: %zu bytes live\n", memory.live_bytes);
	if (rc != DP_OK) {
		fprintf(stderr, "example: %s\n", dp_strerror(rc));
		return 1;
	}
	return 0;
}
