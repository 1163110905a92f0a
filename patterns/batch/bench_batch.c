/*
 * What batching is worth, measured.
 *
 * Table 1: 16-byte records to a real file. One write(2) per record (the
 * naive program), stdio's fwrite(3) and fwrite_unlocked(3) with a 64 KiB
 * buffer passed by hand (the limit: a library that has been tuned for
 * decades), and the batched writer with 64 KiB batches. Each timed round
 * ends with a flush, so every byte reaches the kernel inside the timing.
 *
 * Table 2: SQLite. 10 000 rows inserted one autocommitted statement at a
 * time, in one transaction, and in one transaction with one prepared
 * statement, each into a fresh database file; then a lookup by user with
 * and without an index.
 *
 * Run with `make bench`; figures are ratios within this one run. With
 * DP_BENCH_CSV set, table 1 also goes to batch_write.csv there.
 */
#define _DEFAULT_SOURCE /* fwrite_unlocked, ftruncate */

#include "adapter/adapter.h"
#include "batch/batch.h"
#include "batch/batch_sql.h"
#include "common/dp_bench.h"
#include "common/dp_temp.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { RECORD = 16, BUFFER = 64 * 1024 };

/* ---- table 1: records to a file ------------------------------------------ */

struct file_bench {
	int fd;
	FILE *file;
	dp_batch_writer *writer;
	char records[256][RECORD];
};

/* Each round starts from an empty file, so the file never grows beyond
 * what one round writes. */
static void rewind_fd(int fd)
{
	if (ftruncate(fd, 0) != 0 || lseek(fd, 0, SEEK_SET) != 0)
		perror("bench_batch: truncate");
}

static void run_write_each(void *ctx, size_t iterations)
{
	struct file_bench *bench = ctx;
	uint64_t failures = 0;

	rewind_fd(bench->fd);
	for (size_t i = 0; i < iterations; i++)
		failures += write(bench->fd, bench->records[i & 255], RECORD) !=
		            RECORD;
	dp_bench_keep(failures);
}

static void run_fwrite(void *ctx, size_t iterations)
{
	struct file_bench *bench = ctx;
	uint64_t written = 0;

	fflush(bench->file);
	rewind_fd(bench->fd);
	rewind(bench->file);
	for (size_t i = 0; i < iterations; i++)
		written +=
			fwrite(bench->records[i & 255], RECORD, 1, bench->file);
	fflush(bench->file);
	dp_bench_keep(written);
}

static void run_fwrite_unlocked(void *ctx, size_t iterations)
{
	struct file_bench *bench = ctx;
	uint64_t written = 0;

	fflush(bench->file);
	rewind_fd(bench->fd);
	rewind(bench->file);
	for (size_t i = 0; i < iterations; i++)
		written += fwrite_unlocked(bench->records[i & 255], RECORD, 1,
		                           bench->file);
	fflush(bench->file);
	dp_bench_keep(written);
}

static void run_batched(void *ctx, size_t iterations)
{
	struct file_bench *bench = ctx;
	uint64_t failures = 0;

	rewind_fd(bench->fd);
	for (size_t i = 0; i < iterations; i++)
		failures += dp_batch_writer_append(bench->writer,
		                                   bench->records[i & 255],
		                                   RECORD) != DP_OK;
	failures += dp_batch_writer_flush(bench->writer) != DP_OK;
	dp_bench_keep(failures);
}

static int file_table(const char *dir)
{
	static struct file_bench bench;
	static char buffer[BUFFER];
	char path[512];

	snprintf(path, sizeof(path), "%s/records", dir);
	bench.fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (bench.fd < 0)
		return DP_EIO;
	for (size_t i = 0; i < 256; i++)
		snprintf(bench.records[i], RECORD, "record %7zu", i);

	printf("16-byte records to a file, ns per record\n");
	double each = dp_bench_ns_per_op(run_write_each, &bench);
	printf("  %-32s %9.1f\n", "write(2) per record", each);

	bench.file = fdopen(dup(bench.fd), "w");
	if (bench.file == NULL)
		return DP_EIO;
	/* glibc ignores the size when the buffer is NULL: pass both. */
	setvbuf(bench.file, buffer, _IOFBF, sizeof(buffer));
	double fw = dp_bench_ns_per_op(run_fwrite, &bench);
	printf("  %-32s %9.1f\n", "fwrite, 64 KiB buffer", fw);
	double fwu = dp_bench_ns_per_op(run_fwrite_unlocked, &bench);
	printf("  %-32s %9.1f\n", "fwrite_unlocked, 64 KiB buffer", fwu);
	fclose(bench.file);

	struct dp_fd_stats stats = {0};
	struct dp_stream *sink =
		dp_fd_stream_create(bench.fd, true, &stats, NULL);
	const struct dp_batch_config config = {
		.max_records = BUFFER / RECORD,
		.max_bytes = BUFFER,
		.sink_bytes = &stats.bytes_written,
	};
	bench.writer = dp_batch_writer_create(sink, &config, NULL);
	if (bench.writer == NULL)
		return DP_ENOMEM;
	double batched = dp_bench_ns_per_op(run_batched, &bench);
	printf("  %-32s %9.1f\n", "batched writer, 64 KiB batches", batched);
	struct dp_batch_stats counts;
	dp_batch_writer_stats(bench.writer, &counts);
	int rc = dp_batch_writer_close(bench.writer);
	unlink(path);

	printf("  write(2) per record / batched writer:   %6.1fx "
	       "(target: at least 50x)\n",
	       each / batched);
	printf("  batched writer / fwrite_unlocked:       %6.2fx "
	       "(target: at most 1.1x)\n",
	       batched / fwu);
	printf("  batched writer / fwrite:                %6.2fx\n",
	       batched / fw);
	printf("  records per write(2) in the batched run: %.0f\n\n",
	       (double)counts.records_out / (double)stats.write_calls);

	dp_bench_csv *csv = NULL;
	int csv_rc =
		dp_bench_csv_open(&csv, "batch_write", "method,ns_per_record");
	if (csv_rc == DP_OK) {
		dp_bench_csv_row(csv, "write(2) per record", &each, 1);
		dp_bench_csv_row(csv, "fwrite", &fw, 1);
		dp_bench_csv_row(csv, "fwrite_unlocked", &fwu, 1);
		dp_bench_csv_row(csv, "batched writer", &batched, 1);
		csv_rc = dp_bench_csv_close(csv);
	}
	return rc != DP_OK ? rc : csv_rc;
}

/* ---- table 2: SQLite ---------------------------------------------------- */

enum { ROWS = 10000, USERS = 500 };

static struct dp_event events[ROWS];

/* Seconds to insert ROWS rows into a fresh database: the best of `runs`. */
static double insert_seconds(const char *dir, bool durable,
                             enum dp_sql_insert_mode mode, int runs)
{
	double best = 0;
	char path[512];

	snprintf(path, sizeof(path), "%s/events.db", dir);
	for (int run = 0; run < runs; run++) {
		sqlite3 *db = NULL;
		unlink(path);
		if (dp_sql_open(path, durable, &db, NULL) != DP_OK)
			return -1;
		uint64_t start = dp_now_ns();
		int rc = dp_sql_insert_events(db, events, ROWS, mode);
		double seconds = (double)(dp_now_ns() - start) / 1e9;
		sqlite3_close(db);
		if (rc != DP_OK)
			return -1;
		if (run == 0 || seconds < best)
			best = seconds;
	}
	unlink(path);
	return best;
}

struct lookup_bench {
	sqlite3 *db;
};

static void run_lookups(void *ctx, size_t iterations)
{
	const struct lookup_bench *bench = ctx;
	int64_t total = 0;

	for (size_t i = 0; i < iterations; i++) {
		int64_t rows = 0, bytes = 0;
		dp_sql_user_activity(bench->db, (int64_t)(i % USERS), &rows,
		                     &bytes);
		total += rows;
	}
	dp_bench_keep((uint64_t)total);
}

static int sql_table(const char *dir)
{
	static const char *const words[] = {"login", "view", "search",
	                                    "purchase", "logout"};
	static const struct {
		const char *name;
		bool durable;
		enum dp_sql_insert_mode mode;
		int runs;
	} cases[] = {
		{"autocommit each, synchronous=FULL", true,
	         DP_SQL_AUTOCOMMIT_EACH, 1},
		{"autocommit each, synchronous=OFF", false,
	         DP_SQL_AUTOCOMMIT_EACH, 3},
		{"1 transaction, prepare each, FULL", true,
	         DP_SQL_TRANSACTION_EACH, 3},
		{"1 transaction + prepared, FULL", true,
	         DP_SQL_TRANSACTION_PREPARED, 3},
	};
	double seconds[DP_ARRAY_SIZE(cases)];

	for (size_t i = 0; i < ROWS; i++) {
		events[i].user_id = (int64_t)((i * 7919) % USERS);
		events[i].payload = words[i % DP_ARRAY_SIZE(words)];
	}
	printf("SQLite: insert %d rows into a fresh file\n", ROWS);
	printf("  %-36s %10s %12s\n", "", "total ms", "us per row");
	for (size_t c = 0; c < DP_ARRAY_SIZE(cases); c++) {
		seconds[c] = insert_seconds(dir, cases[c].durable,
		                            cases[c].mode, cases[c].runs);
		if (seconds[c] < 0)
			return DP_EIO;
		printf("  %-36s %10.1f %12.2f\n", cases[c].name,
		       seconds[c] * 1e3, seconds[c] * 1e6 / ROWS);
	}
	printf("  autocommit FULL / transaction + prepared: %8.0fx\n",
	       seconds[0] / seconds[3]);
	printf("  autocommit OFF / transaction + prepared:  %8.1fx\n",
	       seconds[1] / seconds[3]);
	printf("  prepare each / prepared once (both 1 tx): %8.2fx\n\n",
	       seconds[2] / seconds[3]);

	char path[512];
	snprintf(path, sizeof(path), "%s/lookup.db", dir);
	struct lookup_bench bench;
	if (dp_sql_open(path, false, &bench.db, NULL) != DP_OK)
		return DP_EIO;
	int rc = dp_sql_insert_events(bench.db, events, ROWS,
	                              DP_SQL_TRANSACTION_PREPARED);
	if (rc == DP_OK) {
		printf("SQLite: one user's activity among %d rows, us per "
		       "lookup\n",
		       ROWS);
		double scan = dp_bench_ns_per_op(run_lookups, &bench);
		printf("  %-36s %10.2f\n", "no index (SCAN)", scan / 1e3);
		rc = dp_sql_add_user_index(bench.db);
		double search = dp_bench_ns_per_op(run_lookups, &bench);
		printf("  %-36s %10.2f\n", "index on user_id (SEARCH)",
		       search / 1e3);
		printf("  without / with index:                   %8.1fx\n",
		       scan / search);
	}
	sqlite3_close(bench.db);
	unlink(path);
	return rc;
}

int main(void)
{
	char dir[256];

	int rc = dp_temp_dir_make(dir, sizeof(dir), "dp_bench_batch");
	if (rc == DP_OK)
		rc = file_table(dir);
	if (rc == DP_OK)
		rc = sql_table(dir);
	if (dir[0] != '\0')
		dp_temp_dir_remove(dir);
	if (rc != DP_OK) {
		fprintf(stderr, "bench_batch: %s\n", dp_strerror(rc));
		return EXIT_FAILURE;
	}
	return EXIT_SUCCESS;
}
