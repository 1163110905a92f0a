/*
 * What a decorator costs, and what the buffering decorator is worth.
 *
 * Table 1: the price of the pattern. Writes of 16 bytes into a memory
 * stream under 0, 1, 2 and 4 pass-through layers, each of which only
 * forwards the call: the cost of one more indirect call per layer.
 *
 * Table 2: the point of the pattern. 25 000 records of 32 bytes written
 * to a real temporary file through the fd adapter: unbuffered (one
 * write(2) per record), under a buffering decorator of 4 KiB and of 64 KiB,
 * and the limit, all records in one write. Time per record and write(2)
 * calls, side by side. The file is removed at the end. Both tables time
 * their rows side by side three times over and keep the best of each.
 * 25 000 records (800 KB) still make hundreds of 4 KiB writes and a
 * dozen of 64 KiB; the unbuffered row, a system call a record, is most of
 * the run's time, so the count is what keeps it a couple of seconds.
 *
 * Run with `make bench`; figures are ratios within this one run. With
 * DP_BENCH_CSV set, table 1 also goes to decorator_layers.csv there and
 * table 2 to decorator_buffering.csv, ratios as columns; and the two
 * figures the Adapter chapter quotes (a write into the memory adapter,
 * table 1's bare stream; a write(2) per record through the fd adapter,
 * table 2's first row) to adapter_write.csv, with their ratio.
 */
#define _POSIX_C_SOURCE 200809L /* lseek */

#include "adapter/adapter.h"
#include "common/dp_bench.h"
#include "common/dp_temp.h"
#include "decorator/decorator.h"

#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- table 1: a layer that only forwards --------------------------------- */

/* The skeleton every decorator starts from, as in SQLite's vfstrace.c:
 * embed the base, hold the inner stream, forward each operation. */
struct pass_through {
	struct dp_stream base; /* Base. Must be first. */
	struct dp_stream *inner;
};

static struct dp_stream *inner_of(struct dp_stream *stream)
{
	return dp_container_of(stream, struct pass_through, base)->inner;
}

static int pass_read(struct dp_stream *stream, void *buf, size_t len,
                     size_t *got)
{
	return dp_stream_read(inner_of(stream), buf, len, got);
}

static int pass_write(struct dp_stream *stream, const void *buf, size_t len)
{
	return dp_stream_write(inner_of(stream), buf, len);
}

static int pass_flush(struct dp_stream *stream)
{
	return dp_stream_flush(inner_of(stream));
}

static int pass_close(struct dp_stream *stream)
{
	struct pass_through *self =
		dp_container_of(stream, struct pass_through, base);
	int rc = dp_stream_close(self->inner);

	free(self);
	return rc;
}

static const struct dp_stream_ops pass_ops = {
	.name = "pass-through",
	.read = pass_read,
	.write = pass_write,
	.flush = pass_flush,
	.close = pass_close,
};

static struct dp_stream *pass_through_create(struct dp_stream *inner)
{
	struct pass_through *self = malloc(sizeof(*self));

	if (self == NULL)
		return NULL;
	dp_stream_init(&self->base, &pass_ops);
	self->inner = inner;
	return &self->base;
}

enum { LAYER_ROUNDS = 3 };

struct layer_bench {
	struct dp_stream *top;
	struct dp_stream *memory; /* the bottom, cleared now and then */
};

static void run_layered_writes(void *ctx, size_t iterations)
{
	const struct layer_bench *bench = ctx;
	static const char record[16] = "0123456789abcde\n";
	uint64_t failures = 0;

	for (size_t i = 0; i < iterations; i++) {
		/* Clearing keeps the buffer small and warm in cache; it
		 * costs the same at every depth. */
		if ((i & 4095) == 0)
			dp_memory_stream_clear(bench->memory);
		failures += dp_stream_write(bench->top, record,
		                            sizeof(record)) != DP_OK;
	}
	dp_bench_keep(failures);
}

/* Writes one row of a table to `csv`, labelled by a number. */
static void csv_row_numbered(dp_bench_csv *csv, long number,
                             const double *values, size_t count)
{
	char label[24];

	snprintf(label, sizeof(label), "%ld", number);
	dp_bench_csv_row(csv, label, values, count);
}

/* A memory stream under `depth` pass-through layers, or NULL. */
static struct dp_stream *layered(int depth, struct dp_stream **memory)
{
	struct dp_stream *top = dp_memory_stream_create(NULL);

	*memory = top;
	for (int l = 0; top != NULL && l < depth; l++) {
		struct dp_stream *next = pass_through_create(top);
		if (next == NULL)
			dp_stream_close(top);
		top = next;
	}
	return top;
}

/* Table 1; `*base_ns_out` receives the bare memory stream's ns per write.
 * The depths are timed side by side, LAYER_ROUNDS times over, keeping the
 * best of each: a layer costs a nanosecond or two, less than a burst of
 * other work on a shared machine would add to one measurement. */
static int layer_table(double *base_ns_out)
{
	static const int depths[] = {0, 1, 2, 4};
	struct layer_bench benches[DP_ARRAY_SIZE(depths)] = {{0}};
	double ns[DP_ARRAY_SIZE(depths)];
	int rc = DP_OK;

	for (size_t d = 0; d < DP_ARRAY_SIZE(depths); d++) {
		ns[d] = INFINITY;
		benches[d].top = layered(depths[d], &benches[d].memory);
		if (benches[d].top == NULL)
			rc = DP_ENOMEM;
	}
	for (int round = 0; rc == DP_OK && round < LAYER_ROUNDS; round++)
		for (size_t d = 0; d < DP_ARRAY_SIZE(depths); d++)
			ns[d] = fmin(ns[d],
			             dp_bench_ns_per_op(run_layered_writes,
			                                &benches[d]));
	for (size_t d = 0; d < DP_ARRAY_SIZE(depths); d++)
		dp_stream_close(benches[d].top);
	if (rc != DP_OK)
		return rc;

	dp_bench_csv *csv = NULL;
	rc = dp_bench_csv_open(&csv, "decorator_layers",
	                       "layers,ns_per_write,vs_0,ns_per_layer");
	printf("Cost per decorator layer: one 16-byte write into a memory "
	       "stream\n");
	printf("%-8s %10s %10s %14s\n", "layers", "ns/write", "vs 0",
	       "ns per layer");
	for (size_t d = 0; d < DP_ARRAY_SIZE(depths); d++) {
		double row[] = {ns[d], ns[d] / ns[0],
		                d > 0 ? (ns[d] - ns[0]) / depths[d] : NAN};
		printf("%-8d %10.2f %9.2fx", depths[d], row[0], row[1]);
		if (d > 0)
			printf(" %14.2f\n", row[2]);
		else
			printf(" %14s\n", "-");
		csv_row_numbered(csv, depths[d], row, DP_ARRAY_SIZE(row));
	}
	fflush(stdout);
	*base_ns_out = ns[0];
	int close_rc = dp_bench_csv_close(csv);
	return rc != DP_OK ? rc : close_rc;
}

/* ---- table 2: buffering in front of a real file ------------------------- */

enum { RECORDS = 25000, RECORD_SIZE = 32, FILE_ROUNDS = 3 };

struct file_bench {
	int fd;
	struct dp_stream *top; /* what the records are written to */
	const char *records;   /* RECORDS * RECORD_SIZE bytes */
	bool one_write;        /* the limit: everything at once */
	int rc;
};

/* One iteration writes all the records from the start of the file, so the
 * file stays the same size whatever the number of iterations. */
static void run_file_batches(void *ctx, size_t iterations)
{
	struct file_bench *bench = ctx;

	for (size_t it = 0; it < iterations && bench->rc == DP_OK; it++) {
		if (lseek(bench->fd, 0, SEEK_SET) != 0) {
			bench->rc = DP_EIO;
			break;
		}
		if (bench->one_write) {
			bench->rc =
				dp_stream_write(bench->top, bench->records,
			                        (size_t)RECORDS * RECORD_SIZE);
			continue;
		}
		for (size_t r = 0; r < RECORDS && bench->rc == DP_OK; r++)
			bench->rc = dp_stream_write(
				bench->top, bench->records + r * RECORD_SIZE,
				RECORD_SIZE);
		if (bench->rc == DP_OK)
			bench->rc = dp_stream_flush(bench->top);
	}
	dp_bench_keep((uint64_t)bench->rc);
}

/* Table 2 to decorator_buffering.csv, once every row is measured, so
 * that each row can say how far it is from the limit, the last. */
static int file_csv(const char *const *labels, const double *ns,
                    const uint64_t *calls, size_t count)
{
	dp_bench_csv *csv = NULL;
	int rc = dp_bench_csv_open(&csv, "decorator_buffering",
	                           "stack,write_calls,ns_per_record,speedup,"
	                           "calls_cut,vs_limit");
	for (size_t i = 0; rc == DP_OK && i < count; i++) {
		double row[] = {(double)calls[i], ns[i], ns[0] / ns[i],
		                (double)calls[0] / (double)calls[i],
		                ns[i] / ns[count - 1]};
		dp_bench_csv_row(csv, labels[i], row, DP_ARRAY_SIZE(row));
	}
	int close_rc = dp_bench_csv_close(csv);
	return rc != DP_OK ? rc : close_rc;
}

/* The Adapter chapter's two figures, to adapter_write.csv. */
static int adapter_csv(double memory_ns, double fd_ns)
{
	dp_bench_csv *csv = NULL;
	int rc = dp_bench_csv_open(&csv, "adapter_write",
	                           "adapter,ns_per_write,vs_memory");
	double memory[] = {memory_ns, 1.0};
	double fd[] = {fd_ns, fd_ns / memory_ns};
	dp_bench_csv_row(csv, "memory", memory, DP_ARRAY_SIZE(memory));
	dp_bench_csv_row(csv, "fd", fd, DP_ARRAY_SIZE(fd));
	int close_rc = dp_bench_csv_close(csv);
	return rc != DP_OK ? rc : close_rc;
}

/* One row of table 2: a stack over `fd` (under a buffer of `buffer` bytes
 * unless 0), the write(2) calls of one batch in `*calls`, and `*ns`
 * lowered to this measurement's ns per record if it is less. */
static int file_row(int fd, const char *records, size_t buffer, bool one_write,
                    uint64_t *calls, double *ns)
{
	struct dp_fd_stats stats = {0};
	struct dp_stream *top = dp_fd_stream_create(fd, false, &stats, NULL);
	if (top != NULL && buffer > 0) {
		struct dp_stream *buffered =
			dp_buffered_stream_create(top, buffer, NULL);
		if (buffered == NULL)
			dp_stream_close(top);
		top = buffered;
	}
	if (top == NULL)
		return DP_ENOMEM;
	struct file_bench bench = {fd, top, records, one_write, DP_OK};
	/* Count the system calls of exactly one batch... */
	run_file_batches(&bench, 1);
	*calls = stats.write_calls;
	/* ...then time as many batches as the harness wants. */
	*ns = fmin(*ns, dp_bench_ns_per_op(run_file_batches, &bench) / RECORDS);
	int rc = bench.rc;
	int close_rc = dp_stream_close(top);
	return rc != DP_OK ? rc : close_rc;
}

/* Table 2; `*unbuffered_ns` receives its first row's ns per record. */
static int file_table(double *unbuffered_out)
{
	static const struct {
		const char *name;
		const char *label;
		size_t buffer; /* 0: unbuffered */
		bool one_write;
	} rows[] = {
		{"unbuffered (one write per record)", "unbuffered", 0, false},
		{"buffered, 4 KiB", "buffered_4k", 4096, false},
		{"buffered, 64 KiB", "buffered_64k", 65536, false},
		{"the limit: one write of everything", "one_write", 0, true},
	};
	const char *labels[DP_ARRAY_SIZE(rows)];
	double all_ns[DP_ARRAY_SIZE(rows)];
	uint64_t all_calls[DP_ARRAY_SIZE(rows)];
	char dir[PATH_MAX], path[PATH_MAX + 16];
	if (dp_temp_dir_make(dir, sizeof(dir), "dp_bench_decorator") != DP_OK)
		return DP_EIO;
	snprintf(path, sizeof(path), "%s/records", dir);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	char *records = malloc((size_t)RECORDS * RECORD_SIZE + 1);
	int rc = fd >= 0 && records != NULL ? DP_OK : DP_EIO;
	for (size_t r = 0; rc == DP_OK && r < RECORDS; r++)
		snprintf(records + r * RECORD_SIZE, RECORD_SIZE + 1,
		         "record %08zu payload 0123456\n", r);

	printf("\nBuffering in front of a real file: %d records of %d bytes "
	       "through the fd adapter\n",
	       RECORDS, RECORD_SIZE);
	printf("%-36s %12s %12s %10s\n", "stack", "write(2)", "ns/record",
	       "speed-up");
	/* The rows side by side, FILE_ROUNDS times over, the best of each
	 * kept, as in table 1. */
	for (size_t i = 0; i < DP_ARRAY_SIZE(rows); i++) {
		labels[i] = rows[i].label;
		all_ns[i] = INFINITY;
	}
	for (int round = 0; rc == DP_OK && round < FILE_ROUNDS; round++)
		for (size_t i = 0; rc == DP_OK && i < DP_ARRAY_SIZE(rows); i++)
			rc = file_row(fd, records, rows[i].buffer,
			              rows[i].one_write, &all_calls[i],
			              &all_ns[i]);
	for (size_t i = 0; rc == DP_OK && i < DP_ARRAY_SIZE(rows); i++)
		printf("%-36s %12llu %12.1f %9.1fx\n", rows[i].name,
		       (unsigned long long)all_calls[i], all_ns[i],
		       all_ns[0] / all_ns[i]);
	fflush(stdout);
	double unbuffered_ns = all_ns[0];

	free(records);
	if (fd >= 0)
		close(fd);
	dp_temp_dir_remove(dir);
	if (rc == DP_OK)
		rc = file_csv(labels, all_ns, all_calls, DP_ARRAY_SIZE(rows));
	*unbuffered_out = unbuffered_ns;
	return rc;
}

int main(void)
{
	printf("Decorator bench (%s, compiled by %s)\n\n", "make bench",
	       __VERSION__);
	double memory_ns = 0, fd_ns = 0;
	int rc = layer_table(&memory_ns);
	if (rc == DP_OK)
		rc = file_table(&fd_ns);
	if (rc == DP_OK)
		rc = adapter_csv(memory_ns, fd_ns);
	if (rc != DP_OK) {
		fprintf(stderr, "bench_decorator: %s\n", dp_strerror(rc));
		return EXIT_FAILURE;
	}
	return EXIT_SUCCESS;
}
