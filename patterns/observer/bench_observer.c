/*
 * What delivering an event costs per observer.
 *
 * Every observer does the same tiny work, adding the event to its own
 * counter, reached four ways:
 * - direct: a loop of direct calls over an array of counters, the limit;
 * - array: a vector of {function pointer, context} pairs, the usual
 *   non-intrusive Observer;
 * - list: dp_subject_notify() over nodes embedded in the counters, the
 *   counters side by side in memory, subscribed in memory order;
 * - list, shuffled: the same, subscribed in random order, so each step of
 *   the walk jumps to an unpredictable address.
 * The cost is the time of one notification divided by the number of
 * observers, for 1, 8, 64 and 512 observers, and its ratio to direct.
 *
 * Run with `make bench`; figures are ratios within this one run.
 */
#include "common/dp_bench.h"
#include "observer/observer.h"

#include <stdio.h>
#include <stdlib.h>

struct counter {
	struct dp_observer node;
	uint64_t total;
};

__attribute__((noinline)) static void counter_add(struct counter *counter,
                                                  int event)
{
	counter->total += (uint64_t)event;
}

static int counter_notify(struct dp_observer *self, int event, void *data)
{
	struct counter *counter = dp_container_of(self, struct counter, node);

	(void)data;
	counter->total += (uint64_t)event;
	return DP_NOTIFY_CONTINUE;
}

/* The non-intrusive Observer: what a vector of callbacks holds. */
struct callback {
	int (*call)(void *ctx, int event, void *data);
	void *ctx;
};

static int counter_call(void *ctx, int event, void *data)
{
	struct counter *counter = ctx;

	(void)data;
	counter->total += (uint64_t)event;
	return DP_NOTIFY_CONTINUE;
}

struct bench {
	size_t count;
	int event;
	struct counter *counters;
	const struct callback *callbacks;
	struct dp_subject *subject;
};

/* Each loop copies what it reads into locals first: a call could change
 * memory, so the compiler would otherwise reload them at every call. */
static void run_direct(void *ctx, size_t iterations)
{
	const struct bench *bench = ctx;
	struct counter *counters = bench->counters;
	size_t count = bench->count;
	int event = bench->event;

	for (size_t i = 0; i < iterations; i++)
		for (size_t k = 0; k < count; k++)
			counter_add(&counters[k], event);
	dp_bench_keep(counters[0].total);
}

static void run_array(void *ctx, size_t iterations)
{
	const struct bench *bench = ctx;
	const struct callback *callbacks = bench->callbacks;
	size_t count = bench->count;
	int event = bench->event;

	for (size_t i = 0; i < iterations; i++)
		for (size_t k = 0; k < count; k++) {
			const struct callback *callback = &callbacks[k];
			if (callback->call(callback->ctx, event, NULL) ==
			    DP_NOTIFY_STOP)
				break;
		}
	dp_bench_keep(bench->counters[0].total);
}

static void run_list(void *ctx, size_t iterations)
{
	const struct bench *bench = ctx;
	struct dp_subject *subject = bench->subject;
	int event = bench->event;
	uint64_t called = 0;

	for (size_t i = 0; i < iterations; i++)
		called += (uint64_t)dp_subject_notify(subject, event, NULL);
	dp_bench_keep(called);
}

enum { COLUMNS = 4, MAX_OBSERVERS = 65536 };

/* Memory for the largest run, reused by every smaller one. */
struct storage {
	struct counter counters[MAX_OBSERVERS];
	struct counter scattered[MAX_OBSERVERS];
	struct callback callbacks[MAX_OBSERVERS];
	size_t order[MAX_OBSERVERS];
};

static int measure(struct storage *storage, size_t count, double ns[COLUMNS])
{
	struct dp_subject in_order, shuffled;
	uint64_t seed = count;
	int rc = DP_OK;

	dp_subject_init(&in_order);
	dp_subject_init(&shuffled);
	for (size_t k = 0; k < count; k++) {
		struct counter *counter = &storage->counters[k];
		storage->callbacks[k] =
			(struct callback){counter_call, counter};
		dp_observer_init(&counter->node, counter_notify, 0);
		if (rc == DP_OK)
			rc = dp_subject_subscribe(&in_order, &counter->node);
		storage->order[k] = k;
	}
	/* Fisher-Yates: the shuffled list visits its counters in a random
	 * permutation of their memory order. */
	for (size_t k = count; k > 1; k--) {
		size_t j = dp_random_next(&seed) % k;
		size_t swap = storage->order[k - 1];
		storage->order[k - 1] = storage->order[j];
		storage->order[j] = swap;
	}
	for (size_t k = 0; k < count; k++) {
		struct counter *counter =
			&storage->scattered[storage->order[k]];
		dp_observer_init(&counter->node, counter_notify, 0);
		if (rc == DP_OK)
			rc = dp_subject_subscribe(&shuffled, &counter->node);
	}

	if (rc == DP_OK) {
		struct bench bench = {
			.count = count,
			.event = 1,
			.counters = storage->counters,
			.callbacks = storage->callbacks,
		};
		struct dp_subject *lists[COLUMNS] = {NULL, NULL, &in_order,
		                                     &shuffled};
		dp_bench_fn *const runs[COLUMNS] = {run_direct, run_array,
		                                    run_list, run_list};
		/* The columns take turns, three times, and each keeps its
		 * best: a burst of load from other processes then spoils one
		 * turn of one column, not a whole column. */
		for (size_t c = 0; c < COLUMNS; c++)
			ns[c] = -1;
		for (int turn = 0; turn < 3; turn++)
			for (size_t c = 0; c < COLUMNS; c++) {
				bench.subject = lists[c];
				double t = dp_bench_ns_per_op(runs[c], &bench) /
				           (double)count;
				if (ns[c] < 0 || t < ns[c])
					ns[c] = t;
			}
	}
	dp_subject_deinit(&in_order);
	dp_subject_deinit(&shuffled);
	return rc;
}

int main(void)
{
	static const size_t counts[] = {1, 8, 64, 512, 4096, MAX_OBSERVERS};
	static const char *const names[COLUMNS] = {"direct", "array", "list",
	                                           "list, shuffled"};
	struct storage *storage = calloc(1, sizeof(*storage));
	if (storage == NULL) {
		fprintf(stderr, "bench_observer: %s\n", dp_strerror(DP_ENOMEM));
		return EXIT_FAILURE;
	}

	printf("Observer bench (%s, compiled by %s)\n\n", "make bench",
	       __VERSION__);
	printf("ns per observer called, one event to every observer "
	       "(ratio to direct)\n");
	printf("%9s", "observers");
	for (size_t c = 0; c < COLUMNS; c++)
		printf(" %16s", names[c]);
	printf("\n");
	for (size_t i = 0; i < DP_ARRAY_SIZE(counts); i++) {
		double ns[COLUMNS];
		int rc = measure(storage, counts[i], ns);
		if (rc != DP_OK) {
			fprintf(stderr, "bench_observer: %s\n",
			        dp_strerror(rc));
			free(storage);
			return EXIT_FAILURE;
		}
		printf("%9zu", counts[i]);
		for (size_t c = 0; c < COLUMNS; c++)
			printf(" %7.2f (%5.2fx)", ns[c], ns[c] / ns[0]);
		printf("\n");
		fflush(stdout);
	}
	free(storage);
	return EXIT_SUCCESS;
}
