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
 * Table 3: reads. The first N users and their events loaded three ways:
 * the N+1 query, one JOIN, and IN lists of 100 through one prepared
 * statement, with the statements each ran (counted by SQLite's trace
 * hook); then, when python3 is found, Python's sqlite3 module doing the
 * N+1 and the JOIN on the same file, in the same run.
 *
 * Table 4: the lookup at 10^3 to 10^6 rows (10^3 to 10^4 with
 * DP_BENCH_QUICK set), each user having 20 events at every size: without
 * the index, with it, and with it through a statement prepared once; then
 * with the index for users that do not exist (a miss), prepared each time
 * and once; and both prepared once with every lookup of a timed batch in
 * one transaction ("+tx"), which shows what each statement outside a
 * transaction pays to start one. The query plans are printed.
 *
 * Run with `make bench`; figures are ratios within this one run. With
 * DP_BENCH_CSV set, every table goes to a CSV file there, with the ratios
 * the README quotes as columns of their own: table 1 to batch_write.csv,
 * table 2 to batch_insert.csv and batch_index.csv, table 3 to
 * batch_reads.csv and table 4 to batch_index_growth.csv.
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

	/* Each writer's cost, how many times cheaper than write(2) per
	 * record it is, and its cost against fwrite_unlocked's. */
	dp_bench_csv *csv = NULL;
	int csv_rc = dp_bench_csv_open(
		&csv, "batch_write",
		"method,ns_per_record,vs_write_each,vs_fwrite_unlocked");
	const char *const labels[] = {"write(2) per record", "fwrite",
	                              "fwrite_unlocked", "batched writer"};
	const double ns[] = {each, fw, fwu, batched};
	for (size_t i = 0; csv_rc == DP_OK && i < DP_ARRAY_SIZE(ns); i++)
		csv_rc = dp_bench_csv_row(
			csv, labels[i],
			(double[]){ns[i], each / ns[i], ns[i] / fwu}, 3);
	int close_rc = dp_bench_csv_close(csv);
	csv_rc = csv_rc != DP_OK ? csv_rc : close_rc;
	return rc != DP_OK ? rc : csv_rc;
}

/* ---- table 2: SQLite ---------------------------------------------------- */

/* The durable autocommit waits for the disk once per row (milliseconds):
 * it inserts FULL_ROWS rows, and its total is scaled to ROWS. */
enum { ROWS = 10000, USERS = 500, FULL_ROWS = 200 };

static struct dp_event events[ROWS];

/* Seconds to insert the first `count` rows into a fresh database: the
 * best of `runs`. */
static double insert_seconds(const char *dir, bool durable,
                             enum dp_sql_insert_mode mode, size_t count,
                             int runs)
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
		int rc = dp_sql_insert_events(db, events, count, mode, NULL);
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

/* Table 2's lookup to batch_index.csv: one row, the lookup among ROWS
 * rows without and with the index, and the index's speed-up. */
static int index_csv(double scan_ns, double search_ns)
{
	dp_bench_csv *csv = NULL;
	int rc = dp_bench_csv_open(&csv, "batch_index",
	                           "rows,us_no_index,us_with_index,speedup");
	char label[24];
	snprintf(label, sizeof(label), "%d", ROWS);
	if (rc == DP_OK)
		rc = dp_bench_csv_row(csv, label,
		                      (double[]){scan_ns / 1e3, search_ns / 1e3,
		                                 scan_ns / search_ns},
		                      3);
	int close_rc = dp_bench_csv_close(csv);
	return rc != DP_OK ? rc : close_rc;
}

static int sql_table(const char *dir)
{
	static const char *const words[] = {"login", "view", "search",
	                                    "purchase", "logout"};
	static const struct {
		const char *name;
		bool durable;
		enum dp_sql_insert_mode mode;
		size_t rows;
		int runs;
	} cases[] = {
		{"autocommit each, synchronous=FULL", true,
	         DP_SQL_AUTOCOMMIT_EACH, FULL_ROWS, 1},
		{"autocommit each, synchronous=OFF", false,
	         DP_SQL_AUTOCOMMIT_EACH, ROWS, 3},
		{"1 transaction, prepare each, FULL", true,
	         DP_SQL_TRANSACTION_EACH, ROWS, 3},
		{"1 transaction + prepared, FULL", true,
	         DP_SQL_TRANSACTION_PREPARED, ROWS, 3},
	};
	double seconds[DP_ARRAY_SIZE(cases)];

	for (size_t i = 0; i < ROWS; i++) {
		events[i].user_id = (int64_t)((i * 7919) % USERS);
		events[i].payload = words[i % DP_ARRAY_SIZE(words)];
	}
	printf("SQLite: insert %d rows into a fresh file (FULL autocommit: "
	       "%d rows, total scaled)\n",
	       ROWS, FULL_ROWS);
	printf("  %-36s %10s %12s\n", "", "total ms", "us per row");
	for (size_t c = 0; c < DP_ARRAY_SIZE(cases); c++) {
		seconds[c] =
			insert_seconds(dir, cases[c].durable, cases[c].mode,
		                       cases[c].rows, cases[c].runs);
		if (seconds[c] < 0)
			return DP_EIO;
		seconds[c] *= (double)ROWS / (double)cases[c].rows;
		printf("  %-36s %10.1f %12.2f\n", cases[c].name,
		       seconds[c] * 1e3, seconds[c] * 1e6 / ROWS);
	}
	printf("  autocommit FULL / transaction + prepared: %8.0fx\n",
	       seconds[0] / seconds[3]);
	printf("  autocommit OFF / transaction + prepared:  %8.1fx\n",
	       seconds[1] / seconds[3]);
	printf("  prepare each / prepared once (both 1 tx): %8.2fx\n\n",
	       seconds[2] / seconds[3]);
	/* Each way's total and per-row cost, and how many times the one
	 * transaction with one prepared statement is faster. */
	static const char *const labels[] = {
		"autocommit FULL", "autocommit OFF", "transaction prepare each",
		"transaction prepared once"};
	dp_bench_csv *csv = NULL;
	int csv_rc = dp_bench_csv_open(
		&csv, "batch_insert",
		"how,total_ms,us_per_row,vs_transaction_prepared");
	for (size_t c = 0; csv_rc == DP_OK && c < DP_ARRAY_SIZE(cases); c++)
		csv_rc = dp_bench_csv_row(csv, labels[c],
		                          (double[]){seconds[c] * 1e3,
		                                     seconds[c] * 1e6 / ROWS,
		                                     seconds[c] / seconds[3]},
		                          3);
	int close_rc = dp_bench_csv_close(csv);
	if (csv_rc != DP_OK || close_rc != DP_OK)
		return csv_rc != DP_OK ? csv_rc : close_rc;

	char path[512];
	snprintf(path, sizeof(path), "%s/lookup.db", dir);
	struct lookup_bench bench;
	if (dp_sql_open(path, false, &bench.db, NULL) != DP_OK)
		return DP_EIO;
	int rc = dp_sql_insert_events(bench.db, events, ROWS,
	                              DP_SQL_TRANSACTION_PREPARED, NULL);
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
		if (rc == DP_OK)
			rc = index_csv(scan, search);
	}
	sqlite3_close(bench.db);
	unlink(path);
	return rc;
}

/* ---- table 3: reads, the N+1 query ------------------------------------- */

enum { EVENTS_PER_USER = 10, IN_BATCH = 100 };

struct load_bench {
	sqlite3 *db;
	const struct dp_sql_loader_ops *loader;
	size_t n;
	uint64_t rows;
};

static int count_row(void *ctx, const struct dp_sql_user_row *row)
{
	struct load_bench *bench = ctx;
	bench->rows += (uint64_t)row->event_id;
	return DP_OK;
}

static void run_loads(void *ctx, size_t iterations)
{
	struct load_bench *bench = ctx;
	for (size_t i = 0; i < iterations; i++)
		if (dp_sql_load_users(bench->db, bench->loader, bench->n,
		                      IN_BATCH, count_row, bench) != DP_OK)
			bench->rows = 0;
	dp_bench_keep(bench->rows);
}

static int count_one(void *ctx, const struct dp_sql_user_row *row)
{
	(void)row;
	(*(uint64_t *)ctx)++;
	return DP_OK;
}

/* Rows a load reports, and statements it runs, counted once, untimed. */
static int load_counts(struct load_bench *bench, uint64_t *rows,
                       uint64_t *statements)
{
	uint64_t counted = 0;
	*statements = 0;
	int rc = dp_sql_count_statements(bench->db, statements);
	if (rc == DP_OK)
		rc = dp_sql_load_users(bench->db, bench->loader, bench->n,
		                       IN_BATCH, count_one, &counted);
	dp_sql_count_statements(bench->db, NULL);
	*rows = counted;
	return rc;
}

/*
 * The same work in CPython's sqlite3 module, on the same file: the N+1
 * loop (the module caches the prepared statement, as the C loader reuses
 * it) and the JOIN, each building the rows as tuples, best of `reps`.
 * It prints ns per load for each and the rows each gave.
 */
static const char python_reads[] =
	"import sqlite3, sys, time\n"
	"db = sqlite3.connect(sys.argv[1])\n"
	"n, reps = int(sys.argv[2]), int(sys.argv[3])\n"
	"USERS = \"SELECT id, name FROM users ORDER BY id LIMIT ?\"\n"
	"EVENTS = \"SELECT id, payload FROM events WHERE user_id = ? \" \\\n"
	"    \"ORDER BY id\"\n"
	"JOIN = \"SELECT u.id, u.name, e.id, e.payload FROM users AS u \" \\\n"
	"    \"LEFT JOIN events AS e ON e.user_id = u.id \" \\\n"
	"    \"WHERE u.id IN (SELECT id FROM users \" \\\n"
	"    \"ORDER BY id LIMIT ?) ORDER BY u.id, e.id\"\n"
	"def each():\n"
	"    rows = []\n"
	"    for uid, name in db.execute(USERS, (n,)).fetchall():\n"
	"        events = db.execute(EVENTS, (uid,)).fetchall()\n"
	"        rows.extend((uid, name, e, p) for e, p in events)\n"
	"        if not events:\n"
	"            rows.append((uid, name, 0, None))\n"
	"    return rows\n"
	"def join():\n"
	"    return [(u, m, e or 0, p) for u, m, e, p in db.execute(JOIN, "
	"(n,))]\n"
	"def best(fn):\n"
	"    times = []\n"
	"    for _ in range(reps):\n"
	"        start = time.perf_counter_ns()\n"
	"        rows = fn()\n"
	"        times.append(time.perf_counter_ns() - start)\n"
	"    return min(times), rows\n"
	"a, ra = best(each)\n"
	"b, rb = best(join)\n"
	"count = [0]\n"
	"def traced(fn):\n"
	"    count[0] = 0\n"
	"    db.set_trace_callback(lambda sql: count.__setitem__(0, count[0] + "
	"1))\n"
	"    fn()\n"
	"    db.set_trace_callback(None)\n"
	"    return count[0]\n"
	"print(a, b, len(ra), len(rb), int(ra == rb), traced(each), "
	"traced(join))\n";

/* ns per load for the N+1 and the JOIN; false when python3 is missing or
 * fails, having said so. */
static bool python_loads(const char *path, size_t n, double *each, double *join,
                         unsigned long *rows, unsigned long statements[2])
{
	if (system("command -v python3 >/dev/null 2>&1") != 0) {
		printf("  python3 not found: the CPython lines are skipped.\n");
		return false;
	}
	char command[sizeof(python_reads) + 600];
	int len = snprintf(command, sizeof(command),
	                   "python3 -c '%s' '%s' %zu %d", python_reads, path, n,
	                   5);
	if (len < 0 || (size_t)len >= sizeof(command))
		return false;
	FILE *pipe = popen(command, "r");
	if (pipe == NULL) {
		printf("  python3 could not be started: skipped.\n");
		return false;
	}
	unsigned long join_rows = 0;
	int same = 0;
	int read = fscanf(pipe, "%lf %lf %lu %lu %d %lu %lu", each, join, rows,
	                  &join_rows, &same, &statements[0], &statements[1]);
	int status = pclose(pipe);
	if (read != 7 || status != 0 || !same || join_rows != *rows) {
		printf("  python3 did not give its figures: skipped.\n");
		return false;
	}
	return true;
}

enum { MOST_USERS = 10000 };

/*
 * The N+1 loop as an ORM, or Python's fetchall(), runs it: every user
 * first, the users statement finished, then one query per user. Each of
 * those queries then starts a read transaction of its own (a lock, a read
 * of the file's header, an unlock); dp_sql_loader_each keeps the users
 * statement open, so all its queries share one. A loader of the bench's
 * own, through the chapter's ops table.
 */
static int load_fetch_first(sqlite3 *db, size_t n, size_t batch,
                            dp_sql_row_fn *on_row, void *ctx)
{
	static int64_t ids[MOST_USERS];
	static char names[MOST_USERS][16];
	sqlite3_stmt *users = NULL;
	sqlite3_stmt *children = NULL;
	size_t count = 0;
	(void)batch;

	int rc = sqlite3_prepare_v2(db,
	                            "SELECT id, name FROM users ORDER BY id "
	                            "LIMIT ?1",
	                            -1, &users, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v2(db,
		                        "SELECT id, payload FROM events WHERE "
		                        "user_id = ?1 ORDER BY id",
		                        -1, &children, NULL);
	if (rc == SQLITE_OK) {
		sqlite3_bind_int64(users, 1, (int64_t)n);
		while (count < MOST_USERS &&
		       sqlite3_step(users) == SQLITE_ROW) {
			ids[count] = sqlite3_column_int64(users, 0);
			snprintf(names[count], sizeof(names[count]), "%s",
			         (const char *)sqlite3_column_text(users, 1));
			count++;
		}
		sqlite3_reset(users);
	}
	int result = rc == SQLITE_OK ? DP_OK : DP_EIO;
	for (size_t u = 0; result == DP_OK && u < count; u++) {
		struct dp_sql_user_row row = {.user_id = ids[u],
		                              .name = names[u]};
		bool any = false;
		sqlite3_bind_int64(children, 1, ids[u]);
		while (result == DP_OK &&
		       sqlite3_step(children) == SQLITE_ROW) {
			row.event_id = sqlite3_column_int64(children, 0);
			row.payload =
				(const char *)sqlite3_column_text(children, 1);
			result = on_row(ctx, &row);
			any = true;
		}
		sqlite3_reset(children);
		if (result == DP_OK && !any) {
			row.event_id = 0;
			row.payload = NULL;
			result = on_row(ctx, &row);
		}
	}
	sqlite3_finalize(children);
	sqlite3_finalize(users);
	return result;
}

static const struct dp_sql_loader_ops loader_fetch_first = {
	.name = "N+1, users fetched first",
	.load = load_fetch_first,
};

/* Table 3 to batch_reads.csv (with DP_BENCH_CSV set): one row per way of
 * loading, in the order of `loaders` in reads_table(), with its ms per
 * load and the statements it ran; `py` is NULL when python3 gave no
 * figures. */
static int reads_csv(const double *ns, const uint64_t *statements, size_t count,
                     const double *py, const unsigned long *py_statements)
{
	static const char *const labels[] = {"C: N+1", "C: JOIN",
	                                     "C: IN lists of 100",
	                                     "C: N+1 users fetched first"};
	dp_bench_csv *csv = NULL;
	int rc = dp_bench_csv_open(&csv, "batch_reads",
	                           "method,ms_per_load,statements,vs_join,"
	                           "vs_c_same_loop");
	/* vs_join: against the JOIN of the same language (ns[1] is C's);
	 * vs_c_same_loop: Python against the same loop in C (the N+1 with
	 * the users fetched first, ns[3], and the JOIN), 1 for C. */
	for (size_t l = 0; rc == DP_OK && l < count && l < 4; l++) {
		const double row[] = {ns[l] / 1e6, (double)statements[l],
		                      ns[l] / ns[1], 1};
		rc = dp_bench_csv_row(csv, labels[l], row, 4);
	}
	for (int p = 0; rc == DP_OK && py != NULL && p < 2; p++) {
		const double row[] = {py[p] / 1e6, (double)py_statements[p],
		                      py[p] / py[1],
		                      py[p] / ns[p == 0 ? 3 : 1]};
		rc = dp_bench_csv_row(
			csv, p == 0 ? "Python: N+1" : "Python: JOIN", row, 4);
	}
	int close_rc = dp_bench_csv_close(csv);
	return rc != DP_OK ? rc : close_rc;
}

static int reads_table(const char *dir, bool quick)
{
	const int rounds = quick ? 2 : 5;
	static const char *const words[] = {"login", "view", "search",
	                                    "purchase", "logout"};
	const size_t users = quick ? 2000 : 10000;
	const size_t n = quick ? 200 : 1000;
	const size_t total = users * EVENTS_PER_USER;
	static char names[MOST_USERS][16];
	static struct dp_user people[MOST_USERS];
	struct dp_event *rows = calloc(total, sizeof(*rows));
	if (rows == NULL)
		return DP_ENOMEM;
	for (size_t i = 0; i < users; i++) {
		snprintf(names[i], sizeof(names[i]), "user %zu", i + 1);
		people[i] = (struct dp_user){.id = (int64_t)i + 1,
		                             .name = names[i]};
	}
	/* Events of one user are spread through the table, as they are
	 * when they arrive over time: 7919 is prime to `users`. */
	for (size_t i = 0; i < total; i++)
		rows[i] = (struct dp_event){
			.user_id = (int64_t)((i * 7919) % users) + 1,
			.payload = words[i % DP_ARRAY_SIZE(words)]};

	char path[512];
	snprintf(path, sizeof(path), "%s/reads.db", dir);
	struct load_bench bench = {.n = n};
	int rc = dp_sql_open(path, false, &bench.db, NULL);
	if (rc == DP_OK)
		rc = dp_sql_insert_users(bench.db, people, users, NULL);
	if (rc == DP_OK)
		rc = dp_sql_insert_events(bench.db, rows, total,
		                          DP_SQL_TRANSACTION_PREPARED, NULL);
	if (rc == DP_OK)
		rc = dp_sql_add_user_index(bench.db);
	free(rows);

	static const struct dp_sql_loader_ops *const loaders[] = {
		&dp_sql_loader_each, &dp_sql_loader_join, &dp_sql_loader_in,
		&loader_fetch_first};
	double ns[DP_ARRAY_SIZE(loaders)] = {0};
	uint64_t loaded[DP_ARRAY_SIZE(loaders)] = {0};
	uint64_t statements[DP_ARRAY_SIZE(loaders)] = {0};
	struct load_bench each[DP_ARRAY_SIZE(loaders)];
	for (size_t l = 0; rc == DP_OK && l < DP_ARRAY_SIZE(loaders); l++) {
		each[l] = bench;
		each[l].loader = loaders[l];
		rc = load_counts(&each[l], &loaded[l], &statements[l]);
	}
	/* Rounds interleave the loaders, and each keeps its best: on a
	 * shared machine the load changes from second to second, and
	 * measuring one loader after the other would compare the load. */
	for (int round = 0; rc == DP_OK && round < rounds; round++)
		for (size_t l = 0; l < DP_ARRAY_SIZE(loaders); l++) {
			double t = dp_bench_ns_per_op(run_loads, &each[l]);
			if (round == 0 || t < ns[l])
				ns[l] = t;
		}
	if (rc == DP_OK) {
		printf("SQLite reads: %zu users and their events (%d each, "
		       "among %zu users), index on user_id\n",
		       n, EVENTS_PER_USER, users);
		printf("  %-36s %10s %12s %6s\n", "", "ms per load",
		       "statements", "rows");
	}
	for (size_t l = 0; rc == DP_OK && l < DP_ARRAY_SIZE(loaders); l++) {
		char label[64];
		snprintf(label, sizeof(label), "C, %s%s", loaders[l]->name,
		         loaders[l] == &dp_sql_loader_in ? " of 100" : "");
		printf("  %-36s %10.3f %12llu %6llu\n", label, ns[l] / 1e6,
		       (unsigned long long)statements[l],
		       (unsigned long long)loaded[l]);
	}
	sqlite3_close(bench.db);
	if (rc == DP_OK) {
		printf("  N+1 / JOIN:                             %8.2fx\n",
		       ns[0] / ns[1]);
		printf("  N+1 / IN batches:                       %8.2fx\n",
		       ns[0] / ns[2]);
		printf("  N+1 users fetched first / JOIN:         %8.2fx\n",
		       ns[3] / ns[1]);
		double py[2] = {0, 0};
		unsigned long py_rows = 0, py_statements[2] = {0, 0};
		bool python = python_loads(path, n, &py[0], &py[1], &py_rows,
		                           py_statements);
		rc = reads_csv(ns, statements, DP_ARRAY_SIZE(loaders),
		               python ? py : NULL, py_statements);
		if (python) {
			printf("  %-36s %10.3f %12lu %6lu\n",
			       "Python sqlite3, N+1", py[0] / 1e6,
			       py_statements[0], py_rows);
			printf("  %-36s %10.3f %12lu %6lu\n",
			       "Python sqlite3, JOIN", py[1] / 1e6,
			       py_statements[1], py_rows);
			printf("  Python N+1 / Python JOIN:               "
			       "%8.2fx\n",
			       py[0] / py[1]);
			printf("  Python N+1 / C N+1 users fetched first: "
			       "%8.2fx\n",
			       py[0] / ns[3]);
			printf("  Python JOIN / C JOIN:                   "
			       "%8.2fx\n",
			       py[1] / ns[1]);
		}
		printf("\n");
	}
	unlink(path);
	return rc;
}

/* ---- table 4: the index across table sizes --------------------------------- */

enum { EVENTS_PER_LOOKUP = 20 };

struct size_bench {
	sqlite3 *db;
	sqlite3_stmt *stmt; /* NULL: prepare each time */
	int64_t users;
	int64_t first;        /* 0: users that exist; `users`: none that does */
	bool one_transaction; /* every lookup of a batch in one BEGIN */
};

static void run_sized_lookups(void *ctx, size_t iterations)
{
	const struct size_bench *bench = ctx;
	int64_t total = 0;

	if (bench->one_transaction)
		sqlite3_exec(bench->db, "BEGIN", NULL, NULL, NULL);
	for (size_t i = 0; i < iterations; i++) {
		int64_t rows = 0, bytes = 0;
		int64_t user = bench->first +
		               (int64_t)((i * 7919) % (size_t)bench->users);
		if (bench->stmt != NULL)
			dp_sql_user_activity_run(bench->stmt, user, &rows,
			                         &bytes);
		else
			dp_sql_user_activity(bench->db, user, &rows, &bytes);
		total += rows;
	}
	if (bench->one_transaction)
		sqlite3_exec(bench->db, "COMMIT", NULL, NULL, NULL);
	dp_bench_keep((uint64_t)total);
}

/* The best of `rounds` measurements. */
static double best_lookup(struct size_bench *bench, int rounds)
{
	double best = 0;
	for (int round = 0; round < rounds; round++) {
		double t = dp_bench_ns_per_op(run_sized_lookups, bench);
		if (round == 0 || t < best)
			best = t;
	}
	return best;
}

static int print_plan(sqlite3 *db, const char *label)
{
	char plan[256];
	int rc = dp_sql_query_plan(db, dp_sql_user_activity_query(), plan,
	                           sizeof(plan));
	if (rc == DP_OK)
		printf("  plan %-8s %s", label, plan);
	return rc;
}

static int sizes_table(const char *dir, bool quick)
{
	static const char *const words[] = {"login", "view", "search",
	                                    "purchase", "logout"};
	const size_t largest = quick ? 10000 : 1000000;
	const int rounds = quick ? 1 : 2;
	struct dp_event *rows = calloc(largest, sizeof(*rows));
	if (rows == NULL)
		return DP_ENOMEM;

	printf("SQLite: one user's activity (%d events) by table size, us "
	       "per lookup\n",
	       EVENTS_PER_LOOKUP);
	printf("  %9s %10s %9s %9s %9s %9s %9s %9s %9s\n", "rows", "no index",
	       "index", "idx+prep", "prep+tx", "scan/idx", "miss", "miss+prep",
	       "miss+tx");
	dp_bench_csv *csv = NULL;
	int rc = dp_bench_csv_open(&csv, "batch_index_growth",
	                           "rows,us_no_index,us_with_index,"
	                           "us_with_index_prepared_once,"
	                           "us_prepared_one_transaction,scan_vs_index,"
	                           "us_miss,us_miss_prepared,"
	                           "us_miss_one_transaction");
	double previous_scan = 0, previous_search = 0;
	char path[512];
	snprintf(path, sizeof(path), "%s/sizes.db", dir);
	for (size_t size = 1000; rc == DP_OK && size <= largest; size *= 10) {
		struct size_bench bench = {
			.users = (int64_t)(size / EVENTS_PER_LOOKUP)};
		for (size_t i = 0; i < size; i++)
			rows[i] = (struct dp_event){
				.user_id = (int64_t)((i * 7919) %
			                             (size_t)bench.users),
				.payload = words[i % DP_ARRAY_SIZE(words)]};
		unlink(path);
		rc = dp_sql_open(path, false, &bench.db, NULL);
		if (rc == DP_OK)
			rc = dp_sql_insert_events(bench.db, rows, size,
			                          DP_SQL_TRANSACTION_PREPARED,
			                          NULL);
		if (rc == DP_OK && size == 1000)
			rc = print_plan(bench.db, "before:");
		double scan = 0, search = 0, prepared = 0;
		if (rc == DP_OK) {
			scan = best_lookup(&bench, rounds);
			rc = dp_sql_add_user_index(bench.db);
		}
		if (rc == DP_OK && size == 1000)
			rc = print_plan(bench.db, "after:");
		sqlite3_stmt *stmt = NULL;
		if (rc == DP_OK)
			rc = dp_sql_user_activity_prepare(bench.db, &stmt);
		/* Interleaved, as in table 3: prepared each time, then
		 * prepared once, in turns, each keeping its best. Then the
		 * same for users that do not exist: the search finds nothing
		 * at once, so what is left is the statement's own cost. */
		double miss = 0, miss_prepared = 0, in_tx = 0, miss_tx = 0;
		for (int round = 0; rc == DP_OK && round < rounds; round++) {
			bench.first = 0;
			bench.stmt = NULL;
			double t = best_lookup(&bench, 1);
			search = round == 0 || t < search ? t : search;
			bench.stmt = stmt;
			t = best_lookup(&bench, 1);
			prepared = round == 0 || t < prepared ? t : prepared;
			bench.first = bench.users;
			bench.stmt = NULL;
			t = best_lookup(&bench, 1);
			miss = round == 0 || t < miss ? t : miss;
			bench.stmt = stmt;
			t = best_lookup(&bench, 1);
			miss_prepared = round == 0 || t < miss_prepared
			                        ? t
			                        : miss_prepared;
			bench.one_transaction = true;
			t = best_lookup(&bench, 1);
			miss_tx = round == 0 || t < miss_tx ? t : miss_tx;
			bench.first = 0;
			t = best_lookup(&bench, 1);
			in_tx = round == 0 || t < in_tx ? t : in_tx;
			bench.one_transaction = false;
		}
		bench.stmt = stmt;
		sqlite3_finalize(bench.stmt);
		sqlite3_close(bench.db);
		if (rc != DP_OK)
			break;
		printf("  %9zu %10.2f %9.2f %9.2f %9.2f %8.1fx %9.2f %9.2f "
		       "%9.2f\n",
		       size, scan / 1e3, search / 1e3, prepared / 1e3,
		       in_tx / 1e3, scan / search, miss / 1e3,
		       miss_prepared / 1e3, miss_tx / 1e3);
		char label[24];
		snprintf(label, sizeof(label), "%zu", size);
		dp_bench_csv_row(csv, label,
		                 (double[]){scan / 1e3, search / 1e3,
		                            prepared / 1e3, in_tx / 1e3,
		                            scan / search, miss / 1e3,
		                            miss_prepared / 1e3, miss_tx / 1e3},
		                 8);
		if (previous_scan > 0)
			printf("  %9s x10 rows: scan %.1fx slower, index "
			       "%.2fx\n",
			       "", scan / previous_scan,
			       search / previous_search);
		previous_scan = scan;
		previous_search = search;
	}
	unlink(path);
	free(rows);
	int csv_rc = dp_bench_csv_close(csv);
	return rc != DP_OK ? rc : csv_rc;
}

int main(void)
{
	char dir[256];

	int rc = dp_temp_dir_make(dir, sizeof(dir), "dp_bench_batch");
	if (rc == DP_OK)
		rc = file_table(dir);
	if (rc == DP_OK)
		rc = sql_table(dir);
	bool quick = getenv("DP_BENCH_QUICK") != NULL;
	if (rc == DP_OK)
		rc = reads_table(dir, quick);
	if (rc == DP_OK)
		rc = sizes_table(dir, quick);
	if (dir[0] != '\0')
		dp_temp_dir_remove(dir);
	if (rc != DP_OK) {
		fprintf(stderr, "bench_batch: %s\n", dp_strerror(rc));
		return EXIT_FAILURE;
	}
	return EXIT_SUCCESS;
}
