/*
 * What delivering an event costs per observer, and what subscribing costs.
 *
 * Table 1: every observer does the same tiny work, adding the event to its
 * own counter, reached four ways:
 * - direct: a loop of direct calls over an array of counters, the limit;
 * - array: a vector of {function pointer, context} pairs, the usual
 *   non-intrusive Observer;
 * - list: dp_subject_notify() over nodes embedded in the counters, the
 *   counters side by side in memory, visited in memory order;
 * - list, shuffled: the same, visited in random order, so each step of
 *   the walk jumps to an unpredictable address.
 * The cost is the time of one notification divided by the number of
 * observers, in ns and in cycles, with its ratio to direct and the spread
 * of the repetitions.
 *
 * Table 2: subscribing n observers of one priority, each placed after its
 * equals by a walk of the chain (O(n) each), against observers that each
 * go first (O(1) each), for n doubling: the ratio per doubling shows the
 * growth.
 *
 * Run with `make bench`; figures are ratios within this one run.
 */
#include "common/dp_bench.h"
#include "observer/observer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

enum {
	COLUMNS = 4,
	MAX_OBSERVERS = 65536,
	REPETITIONS = 15,
	TURNS = 3,
	SUBSCRIBE_MIN = 512,
	SUBSCRIBE_MAX = 8192,
};

/* Memory for the largest run, reused by every smaller one. */
struct storage {
	struct counter counters[MAX_OBSERVERS];
	struct counter scattered[MAX_OBSERVERS];
	struct callback callbacks[MAX_OBSERVERS];
	size_t order[MAX_OBSERVERS];
};

/*
 * Subscribe `count` counters so that the walk visits counters[order[0]]
 * first, then counters[order[1]], and so on. Each goes in with a priority
 * above all before it, so it goes first, in O(1): subscribing 65 536 this
 * way costs nothing, where equal priorities cost a walk each (table 2).
 */
static int subscribe_in_order(struct dp_subject *subject,
                              struct counter *counters, const size_t *order,
                              size_t count)
{
	int rc = DP_OK;

	for (size_t k = count; k-- > 0 && rc == DP_OK;) {
		struct counter *counter = &counters[order[k]];
		dp_observer_init(&counter->node, counter_notify,
		                 (int)(count - k));
		rc = dp_subject_subscribe(subject, &counter->node);
	}
	return rc;
}

/* The identity permutation, shuffled by Fisher-Yates unless `seed` is 0. */
static void permutation(size_t *order, size_t count, uint64_t seed)
{
	for (size_t k = 0; k < count; k++)
		order[k] = k;
	for (size_t k = count; seed != 0 && k > 1; k--) {
		size_t j = dp_random_next(&seed) % k;
		size_t swap = order[k - 1];
		order[k - 1] = order[j];
		order[j] = swap;
	}
}

static int measure(struct storage *storage, size_t count,
                   struct dp_bench_spread ns[COLUMNS])
{
	struct dp_subject in_order, shuffled;

	dp_subject_init(&in_order);
	dp_subject_init(&shuffled);
	permutation(storage->order, count, 0);
	int rc = subscribe_in_order(&in_order, storage->counters,
	                            storage->order, count);
	for (size_t k = 0; k < count; k++)
		storage->callbacks[k] =
			(struct callback){counter_call, &storage->counters[k]};
	permutation(storage->order, count, count);
	if (rc == DP_OK)
		rc = subscribe_in_order(&shuffled, storage->scattered,
		                        storage->order, count);

	struct bench bench = {
		.count = count,
		.event = 1,
		.counters = storage->counters,
		.callbacks = storage->callbacks,
	};
	struct dp_subject *lists[COLUMNS] = {NULL, NULL, &in_order, &shuffled};
	dp_bench_fn *const runs[COLUMNS] = {run_direct, run_array, run_list,
	                                    run_list};
	/* The columns take turns, so that a burst of work from another
	 * process, or on a core this one shares, spoils one turn of one
	 * column rather than a whole column. */
	struct dp_bench_spread turns[COLUMNS][TURNS];
	for (int turn = 0; turn < TURNS && rc == DP_OK; turn++)
		for (size_t c = 0; c < COLUMNS && rc == DP_OK; c++) {
			bench.subject = lists[c];
			rc = dp_bench_measure(runs[c], &bench, REPETITIONS,
			                      &turns[c][turn]);
		}
	for (size_t c = 0; c < COLUMNS && rc == DP_OK; c++) {
		rc = dp_bench_spread_combine(turns[c], TURNS, &ns[c]);
		ns[c].min /= (double)count;
		ns[c].median /= (double)count;
		ns[c].max /= (double)count;
	}
	dp_subject_deinit(&in_order);
	dp_subject_deinit(&shuffled);
	return rc;
}

static const char *const way_names[COLUMNS] = {"direct", "array", "list",
                                               "list, shuffled"};

/* One line per way, and one CSV row per count: the minimum of each way,
 * each ratio to direct, the list in cycles, then every median and max. */
static void print_count(size_t count, const struct dp_bench_spread ns[COLUMNS],
                        double cycle, dp_bench_csv *csv)
{
	double values[4 * COLUMNS + 2];

	for (size_t c = 0; c < COLUMNS; c++) {
		printf("%9zu  %-15s %7.2f %7.2f %8.2fx  %7.2f %7.2f\n", count,
		       way_names[c], ns[c].min, ns[c].min / cycle,
		       ns[c].min / ns[0].min, ns[c].median, ns[c].max);
		values[c] = ns[c].min;
		values[COLUMNS + c] = ns[c].min / ns[0].min;
		values[2 * COLUMNS + c] = ns[c].median;
		values[3 * COLUMNS + c] = ns[c].max;
	}
	/* The ratio of direct to itself is the place for the list's cycles. */
	values[COLUMNS] = ns[2].min / cycle;
	values[4 * COLUMNS] = ns[0].min / cycle;
	values[4 * COLUMNS + 1] = cycle;
	fflush(stdout);
	char label[24];
	snprintf(label, sizeof(label), "%zu", count);
	dp_bench_csv_row(csv, label, values, DP_ARRAY_SIZE(values));
}

/* The chapter's goal: one notification to one observer within 2 ns. */
static const double NOTIFY_GOAL_NS = 2.0;

static int goal_line(const struct dp_bench_spread one[COLUMNS], double cycle)
{
	dp_bench_csv *csv = NULL;
	int rc = dp_bench_csv_open(&csv, "observer_goal",
	                           "case,ns,cycles,vs_direct");
	double list[] = {one[2].min, one[2].min / cycle,
	                 one[2].min / one[0].min};
	double goal[] = {NOTIFY_GOAL_NS, NOTIFY_GOAL_NS / cycle,
	                 NOTIFY_GOAL_NS / one[0].min};

	printf("Goal: one observer notified within %.1f ns (%.1f cycles at "
	       "this clock): %.2f ns, %.1f cycles, %s\n",
	       goal[0], goal[1], list[0], list[1],
	       list[0] <= goal[0] ? "met" : "missed");
	dp_bench_csv_row(csv, "one_observer", list, DP_ARRAY_SIZE(list));
	dp_bench_csv_row(csv, "goal", goal, DP_ARRAY_SIZE(goal));
	int closed = dp_bench_csv_close(csv);
	return rc != DP_OK ? rc : closed;
}

static int notify_table(struct storage *storage, double cycle)
{
	static const size_t counts[] = {1, 8, 64, 512, 4096, MAX_OBSERVERS};
	struct dp_bench_spread one[COLUMNS] = {{0, 0, 0}};
	dp_bench_csv *csv = NULL;
	int rc = dp_bench_csv_open(
		&csv, "observer_notify",
		"observers,direct,array,list,shuffled,list_cycles,"
		"array_vs_direct,list_vs_direct,shuffled_vs_direct,"
		"direct_median,array_median,list_median,shuffled_median,"
		"direct_max,array_max,list_max,shuffled_max,direct_cycles,"
		"cycle_ns");

	printf("ns per observer called, one event to every observer: the "
	       "fastest of %d\nrepetitions in ns and cycles, its ratio to "
	       "direct, then the median and max in ns\n",
	       TURNS * REPETITIONS);
	printf("%9s  %-15s %7s %7s %9s  %7s %7s\n", "observers", "way", "ns",
	       "cycles", "vs direct", "median", "max");
	for (size_t i = 0; i < DP_ARRAY_SIZE(counts) && rc == DP_OK; i++) {
		struct dp_bench_spread ns[COLUMNS];
		rc = measure(storage, counts[i], ns);
		if (rc == DP_OK)
			print_count(counts[i], ns, cycle, csv);
		if (rc == DP_OK && i == 0)
			memcpy(one, ns, sizeof(one));
	}
	int closed = dp_bench_csv_close(csv);
	if (rc == DP_OK)
		rc = closed;
	return rc != DP_OK ? rc : goal_line(one, cycle);
}

/* ---- table 2: subscribing ------------------------------------------------- */

/* The time to subscribe counters[0..count), each after its equals or each
 * first, per subscription; the fastest of five turns. */
static double subscribe_ns(struct counter *counters, size_t count, bool first,
                           int *rc)
{
	double best = 0;

	for (int turn = 0; turn < 5 && *rc == DP_OK; turn++) {
		struct dp_subject subject;
		dp_subject_init(&subject);
		uint64_t start = dp_now_ns();
		for (size_t k = 0; k < count && *rc == DP_OK; k++) {
			dp_observer_init(&counters[k].node, counter_notify,
			                 first ? (int)k : 0);
			*rc = dp_subject_subscribe(&subject, &counters[k].node);
		}
		double ns = (double)(dp_now_ns() - start) / (double)count;
		dp_subject_deinit(&subject);
		if (turn == 0 || ns < best)
			best = ns;
	}
	return best;
}

static int subscribe_table(struct storage *storage)
{
	dp_bench_csv *csv = NULL;
	int rc = dp_bench_csv_open(&csv, "observer_subscribe",
	                           "observers,after_equals,vs_half,first,"
	                           "first_vs_half,vs_smallest");

	printf("\nns per subscription, n observers subscribed one by one: "
	       "after their equals\n(a walk of the chain) or each first "
	       "(O(1)); the ratio to n/2 per doubling\n");
	printf("%9s %13s %9s %10s %9s\n", "observers", "after equals", "vs n/2",
	       "each first", "vs n/2");
	double half[2] = {0, 0}, smallest = 0;
	for (size_t n = SUBSCRIBE_MIN; n <= SUBSCRIBE_MAX && rc == DP_OK;
	     n *= 2) {
		double ns[2] = {subscribe_ns(storage->counters, n, false, &rc),
		                subscribe_ns(storage->counters, n, true, &rc)};
		if (smallest == 0)
			smallest = ns[0];
		double values[] = {ns[0], half[0] > 0 ? ns[0] / half[0] : 0,
		                   ns[1], half[1] > 0 ? ns[1] / half[1] : 0,
		                   ns[0] / smallest};
		if (half[0] > 0)
			printf("%9zu %13.2f %8.2fx %10.2f %8.2fx\n", n,
			       values[0], values[1], values[2], values[3]);
		else
			printf("%9zu %13.2f %9s %10.2f %9s\n", n, values[0],
			       "-", values[2], "-");
		fflush(stdout);
		char label[24];
		snprintf(label, sizeof(label), "%zu", n);
		dp_bench_csv_row(csv, label, values, DP_ARRAY_SIZE(values));
		half[0] = ns[0];
		half[1] = ns[1];
	}
	int closed = dp_bench_csv_close(csv);
	return rc != DP_OK ? rc : closed;
}

int main(void)
{
	struct storage *storage = calloc(1, sizeof(*storage));
	struct dp_bench_spread cycle;
	int rc = storage == NULL ? DP_ENOMEM : dp_bench_cycle_ns(&cycle);

	printf("Observer bench (%s, compiled by %s)\n\n", "make bench",
	       __VERSION__);
	if (rc == DP_OK) {
		printf("one cycle (a dependent add): %.3f ns, median %.3f, "
		       "max %.3f\n\n",
		       cycle.min, cycle.median, cycle.max);
		rc = notify_table(storage, cycle.min);
	}
	if (rc == DP_OK)
		rc = subscribe_table(storage);
	free(storage);
	if (rc != DP_OK) {
		fprintf(stderr, "bench_observer: %s\n", dp_strerror(rc));
		return EXIT_FAILURE;
	}
	return EXIT_SUCCESS;
}
