/*
 * What laziness costs and saves, from 10^3 to 10^6 lines of a real file.
 *
 * The pipeline: lines "id,value" -> filter (value >= 500, about half) ->
 * map (the value field) -> the total length of what comes out. Eager runs
 * it with a list per stage; lazy pulls one line at a time.
 *
 * Table 1, a full pass: time per line and peak bytes (counted by the
 * counting allocator the pipelines allocate from) for each, and CPython's
 * generator pipeline (`for line in f`, filter, map) on the same file.
 * Table 2, an early stop: the first 10 results only. The lazy pipeline
 * reads one chunk whatever the size; the eager one reads everything first,
 * so its cost is table 1's.
 *
 * Up to 10^5 lines the harness calibrates and keeps the best of 5 rounds;
 * at 10^6 one pass is long enough to time, so it is timed once, which
 * keeps the whole run to a few seconds. 10^6 lines (an eager peak of
 * tens of MB) are already past the last cache level; 10^7 added nothing
 * to the lesson but ten seconds. DP_BENCH_QUICK=1 stops at
 * 10^5. Run with `make bench`; the figures are ratios within one run.
 * With DP_BENCH_CSV set, table 1 also goes to lazy_full.csv there and
 * table 2 to lazy_early.csv, one row per number of lines, the ratios as
 * columns; a CPython figure not measured is written as nan. The peaks go
 * in KiB there: the CSV keeps six significant digits, too few for bytes.
 */
#define _POSIX_C_SOURCE 200809L /* open, popen, pclose */

#include "adapter/adapter.h"
#include "common/dp_bench.h"
#include "common/dp_temp.h"
#include "lazy/lazy.h"

#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { THRESHOLD = 500, EARLY = 10, CALIBRATED_UP_TO = 100000 };

/* The field after the comma. */
static struct dp_item value_field(const struct dp_item *line)
{
	const char *comma = memchr(line->data, ',', line->len);
	if (comma == NULL)
		return (struct dp_item){line->data + line->len, 0};
	size_t skip = (size_t)(comma + 1 - line->data);
	return (struct dp_item){comma + 1, line->len - skip};
}

static bool value_is_large(void *ctx, const struct dp_item *line)
{
	struct dp_item value = value_field(line);
	unsigned number = 0;

	(void)ctx;
	for (size_t i = 0; i < value.len; i++)
		number = number * 10 + (unsigned)(value.data[i] - '0');
	return number >= THRESHOLD;
}

static int to_value(void *ctx, const struct dp_item *line, struct dp_item *out)
{
	(void)ctx;
	*out = value_field(line);
	return DP_OK;
}

struct run {
	const char *path;
	size_t limit; /* results wanted: SIZE_MAX for all */
	const struct dp_allocator *alloc;
	uint64_t lines_read;
	int rc;
};

static struct dp_stream *open_path(const char *path,
                                   const struct dp_allocator *alloc)
{
	int fd = open(path, O_RDONLY);
	return fd < 0 ? NULL : dp_fd_stream_create(fd, true, NULL, alloc);
}

static uint64_t run_lazy(struct run *run)
{
	struct dp_lines_stats stats = {0};
	dp_iter *it = dp_iter_take(
		dp_iter_map(
			dp_iter_filter(
				dp_iter_lines(open_path(run->path, run->alloc),
	                                      true, 0, &stats, run->alloc),
				value_is_large, NULL, run->alloc),
			to_value, NULL, run->alloc),
		run->limit, run->alloc);
	struct dp_item item;
	uint64_t total = 0;
	int rc = DP_ENOMEM;

	if (it != NULL) {
		while ((rc = dp_iter_next(it, &item)) == DP_OK)
			total += item.len;
		if (rc == DP_ENOENT)
			rc = DP_OK;
	}
	dp_iter_close(it);
	run->lines_read = stats.lines;
	run->rc = rc;
	return total;
}

static uint64_t run_eager(struct run *run)
{
	struct dp_lines_stats stats = {0};
	dp_iter *lines = dp_iter_lines(open_path(run->path, run->alloc), true,
	                               0, &stats, run->alloc);
	dp_list *all = dp_list_create(run->alloc);
	dp_list *large = dp_list_create(run->alloc);
	dp_list *values = dp_list_create(run->alloc);
	dp_list *first = dp_list_create(run->alloc);
	uint64_t total = 0;
	int rc = DP_ENOMEM;

	if (lines != NULL && all != NULL && large != NULL && values != NULL &&
	    first != NULL) {
		rc = dp_list_collect(all, lines);
		if (rc == DP_OK)
			rc = dp_list_filter(all, value_is_large, NULL, large);
		if (rc == DP_OK)
			rc = dp_list_map(large, to_value, NULL, values);
		if (rc == DP_OK)
			rc = dp_list_take(values, run->limit, first);
		for (size_t i = 0; rc == DP_OK && i < dp_list_size(first);
		     i++) {
			struct dp_item item;
			dp_list_get(first, i, &item);
			total += item.len;
		}
	}
	dp_iter_close(lines);
	dp_list_destroy(all);
	dp_list_destroy(large);
	dp_list_destroy(values);
	dp_list_destroy(first);
	run->lines_read = stats.lines;
	run->rc = rc;
	return total;
}

static void bench_lazy(void *ctx, size_t iterations)
{
	uint64_t total = 0;
	for (size_t i = 0; i < iterations; i++)
		total += run_lazy(ctx);
	dp_bench_keep(total);
}

static void bench_eager(void *ctx, size_t iterations)
{
	uint64_t total = 0;
	for (size_t i = 0; i < iterations; i++)
		total += run_eager(ctx);
	dp_bench_keep(total);
}

/* Nanoseconds for one run: calibrated for small inputs, a single timed
 * pass for large ones, where one pass already lasts tens of ms. */
static double time_run(dp_bench_fn *fn, struct run *run, size_t n)
{
	if (n <= CALIBRATED_UP_TO)
		return dp_bench_ns_per_op(fn, run);
	uint64_t start = dp_now_ns();
	fn(run, 1);
	return (double)(dp_now_ns() - start);
}

/* Writes `value` in decimal before `end`; returns where it starts. */
static char *decimal(char *end, uint64_t value)
{
	do {
		*--end = (char)('0' + value % 10);
		value /= 10;
	} while (value > 0);
	return end;
}

/* Lines "id,value", formatted by hand: fprintf would take longer than the
 * pipelines it feeds. */
static int write_input(const char *path, size_t n)
{
	FILE *file = fopen(path, "w");
	uint64_t seed = 42;
	char line[48];

	if (file == NULL)
		return DP_EIO;
	for (size_t i = 0; i < n; i++) {
		char *end = line + sizeof(line);
		char *start = end;
		*--start = '\n';
		start = decimal(start, dp_random_next(&seed) % 1000);
		*--start = ',';
		start = decimal(start, i);
		fwrite(start, 1, (size_t)(end - start), file);
	}
	return fclose(file) == 0 ? DP_OK : DP_EIO;
}

/* ---- CPython ---------------------------------------------------------------- */

/* The same pipeline as Python programmers write it, full and stopped
 * early; argv gives the file and the number of timed repeats. It prints
 * ns for one full pass and for the early stop. */
static const char python_script[] =
	"import itertools, sys, time\n"
	"path, repeats = sys.argv[1], int(sys.argv[2])\n"
	"def large(line):\n"
	"    return int(line.split(\",\", 1)[1]) >= 500\n"
	"def value(line):\n"
	"    return line.split(\",\", 1)[1]\n"
	"def full():\n"
	"    with open(path) as f:\n"
	"        lines = (line.rstrip(\"\\n\") for line in f)\n"
	"        return sum(map(len, map(value, filter(large, lines))))\n"
	"def early():\n"
	"    with open(path) as f:\n"
	"        lines = (line.rstrip(\"\\n\") for line in f)\n"
	"        it = map(value, filter(large, lines))\n"
	"        return sum(map(len, itertools.islice(it, 10)))\n"
	"def best(fn, n):\n"
	"    times = []\n"
	"    for _ in range(n):\n"
	"        start = time.perf_counter_ns()\n"
	"        fn()\n"
	"        times.append(time.perf_counter_ns() - start)\n"
	"    return min(times)\n"
	"print(best(full, repeats), best(early, 5))\n";

static bool python_present(void)
{
	if (system("command -v python3 >/dev/null 2>&1") != 0) {
		printf("python3 not found: the CPython column is skipped.\n\n");
		return false;
	}
	return true;
}

/* ns for a full pass and for the early stop; false when python3 fails. */
static bool run_python(const char *path, size_t n, double *full, double *early)
{
	char command[sizeof(python_script) + 600];
	int len = snprintf(command, sizeof(command), "python3 -c '%s' '%s' %d",
	                   python_script, path, n <= CALIBRATED_UP_TO ? 5 : 1);
	if (len < 0 || (size_t)len >= sizeof(command))
		return false;
	FILE *pipe = popen(command, "r");
	if (pipe == NULL)
		return false;
	int read = fscanf(pipe, "%lf %lf", full, early);
	int status = pclose(pipe);
	return read == 2 && status == 0;
}

/* ---- the report --------------------------------------------------------------- */

struct row {
	size_t n;
	double eager_ns;
	double lazy_ns;
	double python_ns; /* < 0: not measured */
	size_t eager_peak;
	size_t lazy_peak;
	double lazy_early_ns;
	double python_early_ns;
	uint64_t lazy_early_lines;
};

static int measure(const char *dir, size_t n, bool python, struct row *row)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/input_%zu.csv", dir, n);
	int rc = write_input(path, n);
	if (rc != DP_OK)
		return rc;

	/* Timed through a counting allocator: each pipeline allocates a
	 * few dozen blocks at most, whatever n, so counting costs nothing
	 * measurable, and every run of one pipeline reaches the same peak. */
	struct dp_counting_allocator counter;
	struct run run = {
		.path = path, .limit = SIZE_MAX, .alloc = &counter.base};
	row->n = n;
	dp_counting_allocator_init(&counter, NULL);
	row->eager_ns = time_run(bench_eager, &run, n);
	row->eager_peak = counter.peak_bytes;
	rc = run.rc;
	dp_counting_allocator_init(&counter, NULL);
	row->lazy_ns = time_run(bench_lazy, &run, n);
	row->lazy_peak = counter.peak_bytes;
	if (rc == DP_OK)
		rc = run.rc;
	run.limit = EARLY;
	row->lazy_early_ns = dp_bench_ns_per_op(bench_lazy, &run);
	row->lazy_early_lines = run.lines_read;
	if (rc == DP_OK)
		rc = run.rc;
	row->python_ns = row->python_early_ns = -1;
	if (python &&
	    !run_python(path, n, &row->python_ns, &row->python_early_ns)) {
		printf("python3 failed on %zu lines: its column is left "
		       "empty.\n",
		       n);
		row->python_ns = row->python_early_ns = -1;
	}
	remove(path);
	return rc;
}

/* Table 1's row for lazy_full.csv: ns per line, peaks, and ratios. */
static void full_csv(dp_bench_csv *csv, const struct row *row)
{
	double n = (double)row->n;
	double python = row->python_ns < 0 ? NAN : row->python_ns / n;
	double values[] = {
		row->eager_ns / n,
		row->lazy_ns / n,
		python,
		row->eager_ns / row->lazy_ns,
		python / (row->lazy_ns / n),
		(double)row->eager_peak / 1024,
		(double)row->lazy_peak / 1024,
		(double)row->eager_peak / (double)row->lazy_peak,
		(double)row->eager_peak / n,
	};
	char label[24];

	snprintf(label, sizeof(label), "%zu", row->n);
	dp_bench_csv_row(csv, label, values, DP_ARRAY_SIZE(values));
}

/* Table 2's row for lazy_early.csv: us per pipeline, and ratios. */
static void early_csv(dp_bench_csv *csv, const struct row *row)
{
	double python =
		row->python_early_ns < 0 ? NAN : row->python_early_ns / 1e3;
	double values[] = {
		row->eager_ns / 1e3,
		row->lazy_early_ns / 1e3,
		python,
		(double)row->lazy_early_lines,
		row->eager_ns / row->lazy_early_ns,
	};
	char label[24];

	snprintf(label, sizeof(label), "%zu", row->n);
	dp_bench_csv_row(csv, label, values, DP_ARRAY_SIZE(values));
}

/* Both tables to CSV (nothing when DP_BENCH_CSV is unset). */
static int write_csv(const struct row *rows, size_t count)
{
	dp_bench_csv *csv = NULL;
	int rc = dp_bench_csv_open(
		&csv, "lazy_full",
		"lines,eager_ns,lazy_ns,python_ns,eager_vs_lazy,python_vs_lazy,"
		"eager_peak_kib,lazy_peak_kib,peak_ratio,eager_peak_per_line");
	for (size_t s = 0; rc == DP_OK && s < count; s++)
		full_csv(csv, &rows[s]);
	int close_rc = dp_bench_csv_close(csv);
	rc = rc != DP_OK ? rc : close_rc;
	if (rc != DP_OK)
		return rc;
	csv = NULL;
	rc = dp_bench_csv_open(&csv, "lazy_early",
	                       "lines,eager_us,lazy_us,python_us,lazy_lines,"
	                       "eager_vs_lazy");
	for (size_t s = 0; rc == DP_OK && s < count; s++)
		early_csv(csv, &rows[s]);
	close_rc = dp_bench_csv_close(csv);
	return rc != DP_OK ? rc : close_rc;
}

static void print_python(double ns, double divisor)
{
	if (ns < 0)
		printf(" %9s", "-");
	else
		printf(" %9.1f", ns / divisor);
}

int main(void)
{
	static const size_t sizes[] = {1000, 10000, 100000, 1000000};
	size_t count = DP_ARRAY_SIZE(sizes);
	struct row rows[DP_ARRAY_SIZE(sizes)];
	char dir[256];

	if (getenv("DP_BENCH_QUICK") != NULL)
		count = 3;
	printf("Lazy bench (%s, compiled by %s)\n\n", "make bench",
	       __VERSION__);
	if (dp_temp_dir_make(dir, sizeof(dir), "dp_lazy_bench") != DP_OK) {
		fprintf(stderr, "bench_lazy: %s\n", dp_strerror(DP_EIO));
		return EXIT_FAILURE;
	}
	bool python = python_present();

	printf("Full pass: ns per line, and peak bytes held\n");
	printf("%9s %9s %9s %9s %10s %12s %10s %11s\n", "lines", "eager",
	       "lazy", "python", "eager/lazy", "eager peak", "lazy peak",
	       "peak ratio");
	for (size_t s = 0; s < count; s++) {
		struct row *row = &rows[s];
		int rc = measure(dir, sizes[s], python, row);
		if (rc != DP_OK) {
			fprintf(stderr, "bench_lazy: %s\n", dp_strerror(rc));
			dp_temp_dir_remove(dir);
			return EXIT_FAILURE;
		}
		double n = (double)row->n;
		printf("%9zu %9.1f %9.1f", row->n, row->eager_ns / n,
		       row->lazy_ns / n);
		print_python(row->python_ns, n);
		printf(" %9.2fx %12zu %10zu %10.0fx\n",
		       row->eager_ns / row->lazy_ns, row->eager_peak,
		       row->lazy_peak,
		       (double)row->eager_peak / (double)row->lazy_peak);
		fflush(stdout);
	}
	dp_temp_dir_remove(dir);

	printf("\nEarly stop, the first %d results: us per pipeline "
	       "(eager's is a full pass)\n",
	       EARLY);
	printf("%9s %12s %12s %12s %11s\n", "lines", "eager", "lazy", "python",
	       "lazy reads");
	for (size_t s = 0; s < count; s++) {
		const struct row *row = &rows[s];
		printf("%9zu %12.1f %12.1f", row->n, row->eager_ns / 1e3,
		       row->lazy_early_ns / 1e3);
		if (row->python_early_ns < 0)
			printf(" %12s", "-");
		else
			printf(" %12.1f", row->python_early_ns / 1e3);
		printf(" %5llu lines\n",
		       (unsigned long long)row->lazy_early_lines);
	}
	int rc = write_csv(rows, count);
	if (rc != DP_OK) {
		fprintf(stderr, "bench_lazy: %s\n", dp_strerror(rc));
		return EXIT_FAILURE;
	}
	return EXIT_SUCCESS;
}
