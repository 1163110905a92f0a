/*
 * Calibrated, best-of-N timing for the benchmarks, and their CSV output.
 */
#include "common/dp_bench.h"

#include "common/dp_common.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { ROUNDS = 5 };

/* Written, never read: a volatile store is work the compiler must do. */
static volatile uint64_t sink;

void dp_bench_keep(uint64_t value)
{
	sink = value;
}

/* The iterations that make one call of `fn` last at least `target_ns`. */
static size_t calibrate(dp_bench_fn *fn, void *ctx, uint64_t target_ns)
{
	size_t iterations = 1;

	for (;;) {
		uint64_t start = dp_now_ns();
		fn(ctx, iterations);
		if (dp_now_ns() - start >= target_ns ||
		    iterations > SIZE_MAX / 2)
			return iterations;
		iterations *= 2;
	}
}

double dp_bench_ns_per_op(dp_bench_fn *fn, void *ctx)
{
	if (fn == NULL)
		return 0;
	const uint64_t round_ns = getenv("DP_BENCH_QUICK") ? 1000000 : 10000000;

	/* Calibrate: grow the round until the clock's resolution and the
	 * call overhead no longer matter. */
	size_t iterations = calibrate(fn, ctx, round_ns);

	/* Other processes only ever make a round slower, so the fastest
	 * round is the best estimate of the work itself. */
	double best = 0;
	for (int round = 0; round < ROUNDS; round++) {
		uint64_t start = dp_now_ns();
		fn(ctx, iterations);
		double per_op =
			(double)(dp_now_ns() - start) / (double)iterations;
		if (round == 0 || per_op < best)
			best = per_op;
	}
	return best;
}

/* ---- repetitions and their spread --------------------------------------- */

enum { MAX_REPETITIONS = 1000, CHAIN = 8 };

static int compare_doubles(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

int dp_bench_measure(dp_bench_fn *fn, void *ctx, size_t repetitions,
                     struct dp_bench_spread *spread)
{
	if (fn == NULL || spread == NULL || repetitions == 0 ||
	    repetitions > MAX_REPETITIONS)
		return DP_EINVAL;
	const uint64_t target_ns = getenv("DP_BENCH_QUICK") ? 100000 : 1000000;
	size_t iterations = calibrate(fn, ctx, target_ns);
	double per_op[MAX_REPETITIONS];

	for (size_t r = 0; r < repetitions; r++) {
		uint64_t start = dp_now_ns();
		fn(ctx, iterations);
		per_op[r] = (double)(dp_now_ns() - start) / (double)iterations;
	}
	qsort(per_op, repetitions, sizeof(per_op[0]), compare_doubles);
	spread->min = per_op[0];
	spread->median = per_op[repetitions / 2];
	spread->max = per_op[repetitions - 1];
	return DP_OK;
}

int dp_bench_spread_combine(const struct dp_bench_spread *turns, size_t count,
                            struct dp_bench_spread *combined)
{
	if (turns == NULL || combined == NULL || count == 0 ||
	    count > MAX_REPETITIONS)
		return DP_EINVAL;
	double medians[MAX_REPETITIONS];
	struct dp_bench_spread result = turns[0];

	for (size_t t = 0; t < count; t++) {
		if (turns[t].min < result.min)
			result.min = turns[t].min;
		if (turns[t].max > result.max)
			result.max = turns[t].max;
		medians[t] = turns[t].median;
	}
	qsort(medians, count, sizeof(medians[0]), compare_doubles);
	result.median = medians[count / 2];
	*combined = result;
	return DP_OK;
}

/* CHAIN additions per iteration, each needing the one before, written
 * out so that no inner loop's branch competes with them; the loop's own
 * counter runs beside the chain, not in it. */
static void add_chain(void *ctx, size_t iterations)
{
	uint64_t x = 0;

	(void)ctx;
	for (size_t i = 0; i < iterations; i++) {
		x = dp_bench_opaque(x + 1);
		x = dp_bench_opaque(x + 1);
		x = dp_bench_opaque(x + 1);
		x = dp_bench_opaque(x + 1);
		x = dp_bench_opaque(x + 1);
		x = dp_bench_opaque(x + 1);
		x = dp_bench_opaque(x + 1);
		x = dp_bench_opaque(x + 1);
	}
	dp_bench_keep(x);
}

int dp_bench_cycle_ns(struct dp_bench_spread *spread)
{
	if (spread == NULL)
		return DP_EINVAL;
	int rc = dp_bench_measure(add_chain, NULL, 21, spread);
	spread->min /= CHAIN;
	spread->median /= CHAIN;
	spread->max /= CHAIN;
	return rc;
}

/* ---- CSV output ----------------------------------------------------------- */

struct dp_bench_csv {
	FILE *file;
	size_t columns; /* In the header, label included. */
	int error;      /* The first failed row's code; DP_OK if none. */
};

/* Fields are never quoted (gnuplot and a reader's eye both prefer it), so
 * a field must not contain what quoting would be needed for. */
static bool is_field(const char *text, size_t length)
{
	return length > 0 && memchr(text, '"', length) == NULL &&
	       memchr(text, '\n', length) == NULL &&
	       memchr(text, '\r', length) == NULL;
}

/* Names become file names: nothing that could leave the directory or need
 * quoting in a shell or a Makefile. */
static bool is_name(const char *name)
{
	if (*name == '\0')
		return false;
	for (const char *c = name; *c != '\0'; c++)
		if (!(('a' <= *c && *c <= 'z') || ('A' <= *c && *c <= 'Z') ||
		      ('0' <= *c && *c <= '9') || *c == '_' || *c == '-'))
			return false;
	return true;
}

/* The number of columns of a valid header, or 0 when it is not one. */
static size_t header_columns(const char *header)
{
	size_t columns = 0;

	for (const char *field = header;; columns++) {
		size_t length = strcspn(field, ",");
		if (!is_field(field, length))
			return 0;
		if (field[length] == '\0')
			break;
		field += length + 1;
	}
	return columns + 1 >= 2 ? columns + 1 : 0;
}

int dp_bench_csv_open(dp_bench_csv **csv, const char *name, const char *header)
{
	if (csv == NULL)
		return DP_EINVAL;
	*csv = NULL;
	if (name == NULL || header == NULL || !is_name(name))
		return DP_EINVAL;
	size_t columns = header_columns(header);
	if (columns == 0)
		return DP_EINVAL;
	const char *dir = getenv("DP_BENCH_CSV");
	if (dir == NULL || *dir == '\0')
		return DP_OK;

	int rc = DP_ENOMEM;
	size_t size = strlen(dir) + strlen(name) + sizeof("/.csv");
	char *path = dp_alloc(NULL, size);
	dp_bench_csv *opened = dp_alloc(NULL, sizeof(*opened));
	if (path == NULL || opened == NULL)
		goto fail_free;
	snprintf(path, size, "%s/%s.csv", dir, name);
	rc = DP_EIO;
	opened->file = fopen(path, "w");
	if (opened->file == NULL)
		goto fail_free;
	if (fprintf(opened->file, "%s\n", header) < 0)
		goto fail_remove;
	opened->columns = columns;
	opened->error = DP_OK;
	dp_free(NULL, path);
	*csv = opened;
	return DP_OK;

fail_remove:
	fclose(opened->file);
	remove(path);
fail_free:
	dp_free(NULL, opened);
	dp_free(NULL, path);
	return rc;
}

int dp_bench_csv_row(dp_bench_csv *csv, const char *label, const double *values,
                     size_t count)
{
	int rc = DP_OK;

	if (label == NULL || values == NULL ||
	    !is_field(label, strlen(label)) || strchr(label, ',') != NULL)
		rc = DP_EINVAL;
	if (csv == NULL)
		return rc;
	if (rc == DP_OK && count + 1 != csv->columns)
		rc = DP_EINVAL;
	if (rc == DP_OK) {
		bool written = fputs(label, csv->file) >= 0;
		for (size_t i = 0; i < count; i++)
			written = written &&
			          fprintf(csv->file, ",%.6g", values[i]) >= 0;
		if (!written || fputc('\n', csv->file) == EOF)
			rc = DP_EIO;
	}
	if (csv->error == DP_OK)
		csv->error = rc;
	return rc;
}

int dp_bench_csv_close(dp_bench_csv *csv)
{
	if (csv == NULL)
		return DP_OK;
	int rc = csv->error;
	/* A write error may surface only when fclose() flushes the buffer;
	 * the stream is closed whatever happened before. */
	bool failed = ferror(csv->file) != 0;
	failed = fclose(csv->file) != 0 || failed;
	if (failed && rc == DP_OK)
		rc = DP_EIO;
	dp_free(NULL, csv);
	return rc;
}
