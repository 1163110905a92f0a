/*
 * What a decorator costs, and what the buffering decorator is worth.
 *
 * Table 1: the price of the pattern. Writes of 16 bytes into a memory
 * stream under 0, 1, 2 and 4 pass-through layers, each of which only
 * forwards the call: the cost of one more indirect call per layer.
 *
 * Table 2: the point of the pattern. 100 000 records of 32 bytes written
 * to a real temporary file through the fd adapter: unbuffered (one
 * write(2) per record), under a buffering decorator of 4 KiB and of 64 KiB,
 * and the limit, all records in one write. Time per record and write(2)
 * calls, side by side. The file is removed at the end.
 *
 * Run with `make bench`; figures are ratios within this one run.
 */
#define _POSIX_C_SOURCE 200809L /* lseek */

#include "adapter/adapter.h"
#include "common/dp_bench.h"
#include "common/dp_temp.h"
#include "decorator/decorator.h"

#include <fcntl.h>
#include <limits.h>
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

static int layer_table(void)
{
	static const int depths[] = {0, 1, 2, 4};
	double base_ns = 0;

	printf("Cost per decorator layer: one 16-byte write into a memory "
	       "stream\n");
	printf("%-8s %10s %10s %14s\n", "layers", "ns/write", "vs 0",
	       "ns per layer");
	for (size_t d = 0; d < DP_ARRAY_SIZE(depths); d++) {
		struct dp_stream *memory = dp_memory_stream_create(NULL);
		struct dp_stream *top = memory;
		for (int l = 0; top != NULL && l < depths[d]; l++)
			top = pass_through_create(top);
		if (top == NULL)
			return DP_ENOMEM;
		struct layer_bench bench = {top, memory};
		double ns = dp_bench_ns_per_op(run_layered_writes, &bench);
		if (d == 0)
			base_ns = ns;
		printf("%-8d %10.2f %9.2fx", depths[d], ns, ns / base_ns);
		if (depths[d] > 0)
			printf(" %14.2f\n", (ns - base_ns) / depths[d]);
		else
			printf(" %14s\n", "-");
		fflush(stdout);
		dp_stream_close(top);
	}
	return DP_OK;
}

/* ---- table 2: buffering in front of a real file ------------------------- */

enum { RECORDS = 100000, RECORD_SIZE = 32 };

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

static int file_table(void)
{
	static const struct {
		const char *name;
		size_t buffer; /* 0: unbuffered */
		bool one_write;
	} rows[] = {
		{"unbuffered (one write per record)", 0, false},
		{"buffered, 4 KiB", 4096, false},
		{"buffered, 64 KiB", 65536, false},
		{"the limit: one write of everything", 0, true},
	};
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
	double unbuffered_ns = 0;
	for (size_t i = 0; rc == DP_OK && i < DP_ARRAY_SIZE(rows); i++) {
		struct dp_fd_stats stats = {0};
		struct dp_stream *top =
			dp_fd_stream_create(fd, false, &stats, NULL);
		if (top != NULL && rows[i].buffer > 0)
			top = dp_buffered_stream_create(top, rows[i].buffer,
			                                NULL);
		if (top == NULL) {
			rc = DP_ENOMEM;
			break;
		}
		struct file_bench bench = {fd, top, records, rows[i].one_write,
		                           DP_OK};
		/* Count the system calls of exactly one batch... */
		run_file_batches(&bench, 1);
		uint64_t calls = stats.write_calls;
		/* ...then time as many batches as the harness wants. */
		double ns =
			dp_bench_ns_per_op(run_file_batches, &bench) / RECORDS;
		if (i == 0)
			unbuffered_ns = ns;
		printf("%-36s %12llu %12.1f %9.1fx\n", rows[i].name,
		       (unsigned long long)calls, ns, unbuffered_ns / ns);
		fflush(stdout);
		rc = bench.rc;
		int close_rc = dp_stream_close(top);
		if (rc == DP_OK)
			rc = close_rc;
	}

	free(records);
	if (fd >= 0)
		close(fd);
	dp_temp_dir_remove(dir);
	return rc;
}

int main(void)
{
	printf("Decorator bench (%s, compiled by %s)\n\n", "make bench",
	       __VERSION__);
	int rc = layer_table();
	if (rc == DP_OK)
		rc = file_table();
	if (rc != DP_OK) {
		fprintf(stderr, "bench_decorator: %s\n", dp_strerror(rc));
		return EXIT_FAILURE;
	}
	return EXIT_SUCCESS;
}
