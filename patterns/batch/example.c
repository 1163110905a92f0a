/*
 * An audit log and its database, written the batched way.
 *
 * A service records every user action twice: as a line in an append-only
 * log file, and as a row in SQLite for queries. Both are written in
 * batches, and the program counts what that saves: write(2) calls for the
 * file, transactions for the database, table scans for the lookup, and
 * the statements it takes to read users back with their actions.
 */
#define _POSIX_C_SOURCE 200809L /* open's flags */

#include "adapter/adapter.h"
#include "batch/batch.h"
#include "batch/batch_sql.h"
#include "common/dp_temp.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { ACTIONS = 1000, USERS = 50 };

static const char *const VERBS[] = {"login", "view", "search", "purchase",
                                    "logout"};

static struct dp_event action(size_t i)
{
	return (struct dp_event){
		.user_id = (int64_t)((i * 37) % USERS),
		.payload = VERBS[i % DP_ARRAY_SIZE(VERBS)],
	};
}

/* Write every action as one log line to `path`, batched or not, and say
 * how many write(2) calls it took. */
static int write_log(const char *path, bool batched)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0)
		return DP_EIO;
	struct dp_fd_stats stats = {0};
	struct dp_stream *file = dp_fd_stream_create(fd, true, &stats, NULL);
	if (file == NULL) {
		close(fd);
		return DP_ENOMEM;
	}
	const struct dp_batch_config config = {
		.max_records = 100,
		.max_bytes = 4096,
		.sink_bytes = &stats.bytes_written,
	};
	dp_batch_writer *writer = NULL;
	if (batched) {
		writer = dp_batch_writer_create(file, &config, NULL);
		if (writer == NULL) {
			dp_stream_close(file);
			return DP_ENOMEM;
		}
	}

	int rc = DP_OK;
	for (size_t i = 0; i < ACTIONS && rc == DP_OK; i++) {
		struct dp_event event = action(i);
		char line[64];
		int len = snprintf(line, sizeof(line), "%04zu user %02d %s\n",
		                   i, (int)event.user_id, event.payload);
		rc = batched ? dp_batch_writer_append(writer, line, (size_t)len)
		             : dp_stream_write(file, line, (size_t)len);
	}
	int close_rc =
		batched ? dp_batch_writer_close(writer) : dp_stream_close(file);
	if (rc == DP_OK)
		rc = close_rc;
	printf("  %-28s %4llu write(2) calls, %llu bytes\n",
	       batched ? "batches of 100 or 4 KiB:" : "one write per line:",
	       (unsigned long long)stats.write_calls,
	       (unsigned long long)stats.bytes_written);
	return rc;
}

/* What a loader reported: rows, and a checksum of their order. */
struct tally {
	uint64_t rows;
	uint64_t checksum;
};

static int tally_row(void *ctx, const struct dp_sql_user_row *row)
{
	struct tally *tally = ctx;
	tally->rows++;
	tally->checksum = tally->checksum * 31 + (uint64_t)row->user_id * 1000 +
	                  (uint64_t)row->event_id;
	return DP_OK;
}

/* The first READ users and their actions, three ways, with the
 * statements SQLite ran for each. */
static int read_back(sqlite3 *db)
{
	enum { READ = 10, BATCH = 4 };
	static const struct dp_sql_loader_ops *const loaders[] = {
		&dp_sql_loader_each, &dp_sql_loader_join, &dp_sql_loader_in};
	static char names[USERS][16];
	struct dp_user users[USERS];
	for (size_t i = 0; i < USERS; i++) {
		snprintf(names[i], sizeof(names[i]), "user %02zu", i);
		users[i] = (struct dp_user){.id = (int64_t)i, .name = names[i]};
	}
	int rc = dp_sql_insert_users(db, users, USERS, NULL);

	printf("Reading %d users and their actions back:\n", READ);
	struct tally first = {0};
	for (size_t l = 0; rc == DP_OK && l < DP_ARRAY_SIZE(loaders); l++) {
		struct tally tally = {0};
		uint64_t statements = 0;
		rc = dp_sql_count_statements(db, &statements);
		if (rc == DP_OK)
			rc = dp_sql_load_users(db, loaders[l], READ, BATCH,
			                       tally_row, &tally);
		dp_sql_count_statements(db, NULL);
		if (l == 0)
			first = tally;
		if (rc == DP_OK)
			printf("  %-22s %2llu statement%s, %llu rows%s\n",
			       loaders[l] == &dp_sql_loader_in
			               ? "IN batches of 4:"
			       : loaders[l] == &dp_sql_loader_join
			               ? "one JOIN:"
			               : "N+1 (one per user):",
			       (unsigned long long)statements,
			       statements == 1 ? "" : "s",
			       (unsigned long long)tally.rows,
			       l > 0 && tally.rows == first.rows &&
			                       tally.checksum == first.checksum
			               ? ", the same rows"
			               : "");
	}

	sqlite3_stmt *lookup = NULL;
	if (rc == DP_OK)
		rc = dp_sql_user_activity_prepare(db, &lookup);
	int64_t all = 0, rows = 0, bytes = 0;
	for (int64_t user = 0; rc == DP_OK && user < USERS; user++) {
		rc = dp_sql_user_activity_run(lookup, user, &rows, &bytes);
		all += rows;
	}
	if (rc == DP_OK)
		printf("  %d lookups through 1 prepared statement: "
		       "%lld actions in all\n",
		       USERS, (long long)all);
	sqlite3_finalize(lookup);
	return rc;
}

static int fill_database(const char *path)
{
	struct dp_event *events = malloc(ACTIONS * sizeof(*events));
	if (events == NULL)
		return DP_ENOMEM;
	for (size_t i = 0; i < ACTIONS; i++)
		events[i] = action(i);

	sqlite3 *db = NULL;
	int rc = dp_sql_open(path, true, &db, NULL);
	if (rc == DP_OK)
		rc = dp_sql_insert_events(db, events, ACTIONS,
		                          DP_SQL_TRANSACTION_PREPARED, NULL);
	free(events);
	if (rc != DP_OK) {
		sqlite3_close(db);
		return rc;
	}
	printf("  %d rows in 1 transaction with 1 prepared statement\n",
	       ACTIONS);

	char plan[256];
	int64_t rows = 0, bytes = 0;
	const char *query = dp_sql_user_activity_query();
	for (int indexed = 0; indexed < 2 && rc == DP_OK; indexed++) {
		if (indexed)
			rc = dp_sql_add_user_index(db);
		if (rc == DP_OK)
			rc = dp_sql_query_plan(db, query, plan, sizeof(plan));
		if (rc == DP_OK)
			rc = dp_sql_user_activity(db, 7, &rows, &bytes);
		if (rc == DP_OK)
			printf("  %s index: %s    user 7: %lld actions, "
			       "%lld bytes\n",
			       indexed ? "with" : "without", plan,
			       (long long)rows, (long long)bytes);
	}
	if (rc == DP_OK)
		rc = read_back(db);
	sqlite3_close(db);
	return rc;
}

/* A mistake: the log file handed over as the database. Nothing is
 * written to it, and SQLite's reason comes back with the code. */
static void open_the_wrong_file(const char *path)
{
	sqlite3 *db = NULL;
	struct dp_sql_error error;
	int rc = dp_sql_open(path, false, &db, &error);
	printf("Opening the log file as a database:\n  %s: %s (SQLite: "
	       "%s)\n",
	       dp_error_name(rc), dp_strerror(rc), error.message);
	sqlite3_close(db);
}

int main(void)
{
	char dir[256], log[512], db[512];

	int rc = dp_temp_dir_make(dir, sizeof(dir), "dp_batch_example");
	if (rc != DP_OK) {
		fprintf(stderr, "example: %s\n", dp_strerror(rc));
		return EXIT_FAILURE;
	}
	snprintf(log, sizeof(log), "%s/audit.log", dir);
	snprintf(db, sizeof(db), "%s/audit.db", dir);

	printf("Audit log, %d actions:\n", ACTIONS);
	rc = write_log(log, false);
	if (rc == DP_OK)
		rc = write_log(log, true);
	printf("Audit database:\n");
	if (rc == DP_OK)
		rc = fill_database(db);
	if (rc == DP_OK)
		open_the_wrong_file(log);

	dp_temp_dir_remove(dir);
	if (rc != DP_OK) {
		fprintf(stderr, "example: %s\n", dp_strerror(rc));
		return EXIT_FAILURE;
	}
	return EXIT_SUCCESS;
}
