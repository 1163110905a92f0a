/*
 * What it costs to make a product by name rather than by a direct call.
 *
 * For registries of 4, 16 and 64 names, each measurement makes one product
 * per iteration, cycling through every name so that lookups land at every
 * position of the list:
 *   - direct call: the constructor called by name in the source, the limit;
 *   - cached entry: the name looked up once, then the constructor called
 *     through the entry's pointer, as a program does after reading options;
 *   - make, built-in: dp_factory_make() over a const table of n entries;
 *   - make, registered: the same n entries registered at run time.
 * The constructor does almost nothing, so the figures are the price of the
 * lookup itself; a last line times a malloc and free for scale.
 *
 * Run with `make bench`; figures are ratios within this one run. With
 * DP_BENCH_CSV set, the table also goes to factory_make.csv there (one row
 * per registry size, the ratios as columns, and the lookup's cost per
 * name compared: the time over a direct call divided by the (n + 1) / 2
 * names a lookup compares on average), and the malloc line to
 * factory_scale.csv.
 */
#include "common/dp_bench.h"
#include "factory/factory.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

enum { MAX_ENTRIES = 64, ROUNDS = 3 };

/* The product is the config itself: no allocation, nothing to free. */
__attribute__((noinline)) static int
make_trivial(void **product, const void *config,
             const struct dp_allocator *alloc)
{
	(void)alloc;
	*product = (void *)(uintptr_t)config;
	return DP_OK;
}

struct make_bench {
	const dp_factory *factory;
	const struct dp_factory_entry *entry;
	/* Names as a program would hold them after parsing: its own
	 * copies, not the table's pointers. */
	char (*names)[16];
	size_t count; /* a power of two */
};

static void run_direct(void *ctx, size_t iterations)
{
	const struct make_bench *bench = ctx;
	const struct dp_allocator *alloc = dp_allocator_default();
	uint64_t sum = 0;

	for (size_t i = 0; i < iterations; i++) {
		void *product;
		make_trivial(&product, bench->names[i & (bench->count - 1)],
		             alloc);
		sum += (uintptr_t)product;
	}
	dp_bench_keep(sum);
}

static void run_cached(void *ctx, size_t iterations)
{
	const struct make_bench *bench = ctx;
	const struct dp_allocator *alloc = dp_allocator_default();
	uint64_t sum = 0;

	for (size_t i = 0; i < iterations; i++) {
		void *product;
		bench->entry->create(
			&product, bench->names[i & (bench->count - 1)], alloc);
		sum += (uintptr_t)product;
	}
	dp_bench_keep(sum);
}

static void run_make(void *ctx, size_t iterations)
{
	const struct make_bench *bench = ctx;
	uint64_t sum = 0;

	for (size_t i = 0; i < iterations; i++) {
		const char *name = bench->names[i & (bench->count - 1)];
		void *product = NULL;
		dp_factory_make(bench->factory, name, name, NULL, &product);
		sum += (uintptr_t)product;
	}
	dp_bench_keep(sum);
}

static void run_malloc(void *ctx, size_t iterations)
{
	uint64_t sum = 0;

	(void)ctx;
	for (size_t i = 0; i < iterations; i++) {
		char *block = malloc(32);
		if (block != NULL)
			block[0] = (char)i;
		sum += (uintptr_t)block;
		free(block);
	}
	dp_bench_keep(sum);
}

/* One line of the table, also written as a row of factory_make.csv. */
static void report(dp_bench_csv *csv, size_t count, const double ns[4])
{
	double row[] = {
		ns[0],
		ns[1],
		ns[2],
		ns[3],
		ns[1] / ns[0],
		ns[2] / ns[0],
		ns[3] / ns[0],
		ns[3] / ns[2],
		(ns[2] - ns[0]) / ((double)(count + 1) / 2),
	};
	char label[24];

	printf("%7zu %8.2f %8.2f %8.2f %10.2f   %5.2fx %5.2fx %5.2fx %5.2fx\n",
	       count, row[0], row[1], row[2], row[3], row[4], row[5], row[6],
	       row[7]);
	fflush(stdout);
	snprintf(label, sizeof(label), "%zu", count);
	dp_bench_csv_row(csv, label, row, DP_ARRAY_SIZE(row));
}

static int measure(dp_bench_csv *csv, size_t count, char (*names)[16],
                   const struct dp_factory_entry *table)
{
	/* The same entries twice: as a table ending in its sentinel, and
	 * registered one by one into a registry with no built-ins. */
	struct dp_factory_entry builtins[MAX_ENTRIES + 1];
	for (size_t i = 0; i < count; i++)
		builtins[i] = table[i];
	builtins[count] = (struct dp_factory_entry){NULL, NULL, NULL};

	dp_factory *with_table = dp_factory_create(builtins, NULL);
	dp_factory *with_registrations = dp_factory_create(NULL, NULL);
	int rc = with_table != NULL && with_registrations != NULL ? DP_OK
	                                                          : DP_ENOMEM;
	for (size_t i = 0; rc == DP_OK && i < count; i++)
		rc = dp_factory_register(with_registrations, &table[i]);
	if (rc != DP_OK)
		goto done;

	struct make_bench bench = {
		.factory = with_table,
		.entry = dp_factory_find(with_table, names[0]),
		.names = names,
		.count = count,
	};
	/* The four ways side by side, three times over, keeping the best
	 * of each: a burst of other work on a shared machine then spoils
	 * one round of one way, not the comparison. */
	double ns[4] = {INFINITY, INFINITY, INFINITY, INFINITY};
	for (int round = 0; round < ROUNDS; round++) {
		bench.factory = with_table;
		ns[0] = fmin(ns[0], dp_bench_ns_per_op(run_direct, &bench));
		ns[1] = fmin(ns[1], dp_bench_ns_per_op(run_cached, &bench));
		ns[2] = fmin(ns[2], dp_bench_ns_per_op(run_make, &bench));
		bench.factory = with_registrations;
		ns[3] = fmin(ns[3], dp_bench_ns_per_op(run_make, &bench));
	}
	report(csv, count, ns);
done:
	dp_factory_destroy(with_registrations);
	dp_factory_destroy(with_table);
	return rc;
}

int main(void)
{
	/* Names of one shape, "codec-00" to "codec-63", so that strcmp
	 * has a common prefix to get through, as with real families of
	 * names ("sha256", "sha512"). */
	static char names[MAX_ENTRIES][16];
	static struct dp_factory_entry table[MAX_ENTRIES];
	static char queries[MAX_ENTRIES][16];
	for (size_t i = 0; i < MAX_ENTRIES; i++) {
		snprintf(names[i], sizeof(names[i]), "codec-%02zu", i);
		snprintf(queries[i], sizeof(queries[i]), "codec-%02zu", i);
		table[i] =
			(struct dp_factory_entry){names[i], make_trivial, NULL};
	}

	dp_bench_csv *csv = NULL;
	int rc = dp_bench_csv_open(
		&csv, "factory_make",
		"entries,direct,cached,table,registered,cached_vs_direct,"
		"table_vs_direct,registered_vs_direct,registered_vs_table,"
		"ns_per_name");
	printf("Making a product by name, ns per product (ratios vs direct;\n"
	       "last, registered vs table)\n");
	printf("%7s %8s %8s %8s %10s   %6s %6s %6s %6s\n", "entries", "direct",
	       "cached", "table", "registered", "cached", "table", "reg.",
	       "r./t.");
	static const size_t counts[] = {4, 16, 64};
	for (size_t c = 0; rc == DP_OK && c < DP_ARRAY_SIZE(counts); c++)
		rc = measure(csv, counts[c], queries, table);
	int close_rc = dp_bench_csv_close(csv);
	rc = rc != DP_OK ? rc : close_rc;

	double malloc_ns = dp_bench_ns_per_op(run_malloc, NULL);
	printf("for scale: malloc(32) + free: %.2f ns\n", malloc_ns);
	csv = NULL;
	if (rc == DP_OK)
		rc = dp_bench_csv_open(&csv, "factory_scale", "what,ns");
	dp_bench_csv_row(csv, "malloc_free", &malloc_ns, 1);
	close_rc = dp_bench_csv_close(csv);
	rc = rc != DP_OK ? rc : close_rc;
	if (rc != DP_OK) {
		fprintf(stderr, "bench_factory: %s\n", dp_strerror(rc));
		return 1;
	}
	return 0;
}
