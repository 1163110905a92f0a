/*
 * The database half of the chapter. Each function maps SQLite's result
 * codes to the library's: SQLITE_NOMEM is DP_ENOMEM, every other failure
 * DP_EIO, because to the caller they all mean "the database refused".
 */
#include "batch/batch_sql.h"

#include <stdio.h>
#include <string.h>

static const char INSERT_SQL[] =
	"INSERT INTO events (user_id, payload) VALUES (?1, ?2)";
static const char ACTIVITY_SQL[] =
	"SELECT count(*), coalesce(sum(length(payload)), 0) FROM events "
	"WHERE user_id = ?1";

static int from_sqlite(int rc)
{
	switch (rc) {
	case SQLITE_OK:
	case SQLITE_DONE:
	case SQLITE_ROW:
		return DP_OK;
	case SQLITE_NOMEM:
		return DP_ENOMEM;
	default:
		return DP_EIO;
	}
}

static int exec(sqlite3 *db, const char *sql)
{
	return from_sqlite(sqlite3_exec(db, sql, NULL, NULL, NULL));
}

/* The message lives in the connection, so it is copied out before the
 * connection is closed: that is the only moment it can be. */
static void keep_error(sqlite3 *db, struct dp_sql_error *error)
{
	if (error == NULL)
		return;
	error->code = db != NULL ? sqlite3_extended_errcode(db) : SQLITE_NOMEM;
	const char *message =
		db != NULL ? sqlite3_errmsg(db) : sqlite3_errstr(SQLITE_NOMEM);
	snprintf(error->message, sizeof(error->message), "%s", message);
}

static void clear_error(struct dp_sql_error *error)
{
	if (error != NULL)
		*error = (struct dp_sql_error){.code = SQLITE_OK};
}

int dp_sql_open(const char *path, bool durable, sqlite3 **db,
                struct dp_sql_error *error)
{
	clear_error(error);
	if (db == NULL)
		return DP_EINVAL;
	*db = NULL;
	if (path == NULL)
		return DP_EINVAL;

	sqlite3 *conn = NULL;
	int rc = from_sqlite(sqlite3_open(path, &conn));
	if (rc != DP_OK)
		goto fail_close;
	/* Extended codes carry what detail SQLite has (SQLITE_IOERR_READ,
	 * not just SQLITE_IOERR) into the caller's dp_sql_error. */
	sqlite3_extended_result_codes(conn, 1);
	rc = exec(conn, durable ? "PRAGMA synchronous = FULL"
	                        : "PRAGMA synchronous = OFF");
	if (rc != DP_OK)
		goto fail_close;
	/* The first statement that reads the file: a file that is not a
	 * database fails here, before anything is written to it, because
	 * SQLite reads the header before it plans any change. */
	rc = exec(conn, "CREATE TABLE IF NOT EXISTS users ("
	                "id INTEGER PRIMARY KEY, "
	                "name TEXT NOT NULL);"
	                "CREATE TABLE IF NOT EXISTS events ("
	                "id INTEGER PRIMARY KEY, "
	                "user_id INTEGER NOT NULL, "
	                "payload TEXT NOT NULL)");
	if (rc != DP_OK)
		goto fail_close;
	*db = conn;
	return DP_OK;

fail_close:
	/* sqlite3_open() hands back a connection even when it fails (NULL
	 * only when it has no memory for one), and sqlite3_close(NULL) is a
	 * no-op, so one label serves every step. */
	keep_error(conn, error);
	sqlite3_close(conn);
	return rc;
}

static int insert_one(sqlite3_stmt *stmt, const struct dp_event *event)
{
	sqlite3_bind_int64(stmt, 1, event->user_id);
	sqlite3_bind_text(stmt, 2, event->payload, -1, SQLITE_STATIC);
	int rc = from_sqlite(sqlite3_step(stmt));
	/* reset() makes the statement reusable whatever step() answered. */
	sqlite3_reset(stmt);
	return rc;
}

/* The naive shape: what a loop around "INSERT ..." does by default. */
static int insert_each(sqlite3 *db, const struct dp_event *events, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		sqlite3_stmt *stmt = NULL;
		int rc = from_sqlite(
			sqlite3_prepare_v2(db, INSERT_SQL, -1, &stmt, NULL));
		if (rc == DP_OK)
			rc = insert_one(stmt, &events[i]);
		sqlite3_finalize(stmt);
		if (rc != DP_OK)
			return rc;
	}
	return DP_OK;
}

static int insert_prepared(sqlite3 *db, const struct dp_event *events, size_t n)
{
	sqlite3_stmt *stmt = NULL;
	int rc = from_sqlite(
		sqlite3_prepare_v2(db, INSERT_SQL, -1, &stmt, NULL));
	for (size_t i = 0; rc == DP_OK && i < n; i++)
		rc = insert_one(stmt, &events[i]);
	sqlite3_finalize(stmt);
	return rc;
}

/* End a transaction: COMMIT when everything went in, else ROLLBACK,
 * keeping SQLite's message first, because the ROLLBACK succeeds and a
 * successful statement clears it. A failed COMMIT leaves the transaction
 * open; the ROLLBACK ends it in every case and its own failure adds
 * nothing. */
static int end_transaction(sqlite3 *db, int rc, struct dp_sql_error *error)
{
	if (rc == DP_OK)
		rc = exec(db, "COMMIT");
	if (rc != DP_OK) {
		keep_error(db, error);
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	}
	return rc;
}

int dp_sql_insert_events(sqlite3 *db, const struct dp_event *events, size_t n,
                         enum dp_sql_insert_mode mode,
                         struct dp_sql_error *error)
{
	clear_error(error);
	if (db == NULL || (events == NULL && n > 0))
		return DP_EINVAL;

	int rc = DP_OK;
	switch (mode) {
	case DP_SQL_AUTOCOMMIT_EACH:
		rc = insert_each(db, events, n);
		if (rc != DP_OK)
			keep_error(db, error);
		return rc;
	case DP_SQL_TRANSACTION_EACH:
	case DP_SQL_TRANSACTION_PREPARED:
		break;
	default:
		return DP_EINVAL;
	}

	rc = exec(db, "BEGIN");
	if (rc != DP_OK) {
		keep_error(db, error);
		return rc;
	}
	rc = mode == DP_SQL_TRANSACTION_EACH ? insert_each(db, events, n)
	                                     : insert_prepared(db, events, n);
	return end_transaction(db, rc, error);
}

int dp_sql_insert_users(sqlite3 *db, const struct dp_user *users, size_t n,
                        struct dp_sql_error *error)
{
	clear_error(error);
	if (db == NULL || (users == NULL && n > 0))
		return DP_EINVAL;

	int rc = exec(db, "BEGIN");
	if (rc != DP_OK) {
		keep_error(db, error);
		return rc;
	}
	sqlite3_stmt *stmt = NULL;
	rc = from_sqlite(sqlite3_prepare_v2(
		db, "INSERT INTO users (id, name) VALUES (?1, ?2)", -1, &stmt,
		NULL));
	for (size_t i = 0; rc == DP_OK && i < n; i++) {
		sqlite3_bind_int64(stmt, 1, users[i].id);
		sqlite3_bind_text(stmt, 2, users[i].name, -1, SQLITE_STATIC);
		rc = from_sqlite(sqlite3_step(stmt));
		sqlite3_reset(stmt);
	}
	/* finalize() would hand the step's failure back again, and it
	 * leaves the connection's message as it was. */
	sqlite3_finalize(stmt);
	return end_transaction(db, rc, error);
}

/* The shared half of both lookups: the statement is bound, run and left
 * reset, so the one-shot lookup can finalize it and the prepared one can
 * run it again. */
static int activity_run(sqlite3_stmt *stmt, int64_t user_id, int64_t *rows,
                        int64_t *bytes)
{
	*rows = 0;
	*bytes = 0;
	sqlite3_bind_int64(stmt, 1, user_id);
	int step = sqlite3_step(stmt);
	if (step == SQLITE_ROW) {
		*rows = sqlite3_column_int64(stmt, 0);
		*bytes = sqlite3_column_int64(stmt, 1);
	}
	sqlite3_reset(stmt);
	return step == SQLITE_ROW ? DP_OK : from_sqlite(step);
}

int dp_sql_user_activity(sqlite3 *db, int64_t user_id, int64_t *rows,
                         int64_t *bytes)
{
	if (db == NULL || rows == NULL || bytes == NULL)
		return DP_EINVAL;
	*rows = 0;
	*bytes = 0;

	sqlite3_stmt *stmt = NULL;
	int rc = from_sqlite(
		sqlite3_prepare_v2(db, ACTIVITY_SQL, -1, &stmt, NULL));
	if (rc == DP_OK)
		rc = activity_run(stmt, user_id, rows, bytes);
	sqlite3_finalize(stmt);
	return rc;
}

int dp_sql_user_activity_prepare(sqlite3 *db, sqlite3_stmt **stmt)
{
	if (stmt == NULL)
		return DP_EINVAL;
	*stmt = NULL;
	if (db == NULL)
		return DP_EINVAL;
	/* SQLITE_PREPARE_PERSISTENT tells SQLite the statement will be kept
	 * and reused, so it allocates it outside its short-lived lookaside. */
	return from_sqlite(sqlite3_prepare_v3(
		db, ACTIVITY_SQL, -1, SQLITE_PREPARE_PERSISTENT, stmt, NULL));
}

int dp_sql_user_activity_run(sqlite3_stmt *stmt, int64_t user_id, int64_t *rows,
                             int64_t *bytes)
{
	if (rows != NULL)
		*rows = 0;
	if (bytes != NULL)
		*bytes = 0;
	if (stmt == NULL || rows == NULL || bytes == NULL)
		return DP_EINVAL;
	return activity_run(stmt, user_id, rows, bytes);
}

int dp_sql_add_user_index(sqlite3 *db)
{
	if (db == NULL)
		return DP_EINVAL;
	return exec(db, "CREATE INDEX IF NOT EXISTS events_by_user "
	                "ON events (user_id)");
}

const char *dp_sql_user_activity_query(void)
{
	return ACTIVITY_SQL;
}

int dp_sql_query_plan(sqlite3 *db, const char *sql, char *plan, size_t size)
{
	if (db == NULL || sql == NULL || plan == NULL || size == 0)
		return DP_EINVAL;
	plan[0] = '\0';

	char *text = sqlite3_mprintf("EXPLAIN QUERY PLAN %s", sql);
	if (text == NULL)
		return DP_ENOMEM;
	sqlite3_stmt *stmt = NULL;
	int rc = from_sqlite(sqlite3_prepare_v2(db, text, -1, &stmt, NULL));
	sqlite3_free(text);
	if (rc != DP_OK)
		return rc;

	size_t used = 0;
	int step = SQLITE_DONE;
	/* Column 3 of EXPLAIN QUERY PLAN is the step's description. */
	while ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
		const unsigned char *detail = sqlite3_column_text(stmt, 3);
		size_t len = detail != NULL ? strlen((const char *)detail) : 0;
		if (len + 2 > size - used) {
			rc = DP_ERANGE;
			break;
		}
		memcpy(plan + used, detail, len);
		used += len;
		plan[used++] = '\n';
		plan[used] = '\0';
	}
	if (rc == DP_OK && step != SQLITE_DONE)
		rc = from_sqlite(step);
	sqlite3_finalize(stmt);
	if (rc != DP_OK)
		plan[0] = '\0';
	return rc;
}

static int count_statement(unsigned type, void *ctx, void *stmt, void *sql)
{
	(void)type;
	(void)stmt;
	(void)sql;
	(*(uint64_t *)ctx)++;
	return 0;
}

int dp_sql_count_statements(sqlite3 *db, uint64_t *counter)
{
	if (db == NULL)
		return DP_EINVAL;
	/* SQLITE_TRACE_STMT fires once each time a statement starts to run:
	 * at the first step after a prepare or a reset. A statement stepped
	 * through many rows counts once; one reset and run again counts
	 * again. That is exactly "how many queries did this send". */
	if (counter == NULL)
		return from_sqlite(sqlite3_trace_v2(db, 0, NULL, NULL));
	return from_sqlite(sqlite3_trace_v2(db, SQLITE_TRACE_STMT,
	                                    count_statement, counter));
}

/* ---- the N+1 query and its two cures ------------------------------------- */

static const char USERS_SQL[] = "SELECT id, name FROM users ORDER BY id "
				"LIMIT ?1";
static const char EVENTS_OF_USER_SQL[] =
	"SELECT id, payload FROM events WHERE user_id = ?1 ORDER BY id";
/*
 * The users are chosen by a subquery in the WHERE clause, not joined from
 * a subquery in FROM: in FROM, SQLite runs the subquery as a co-routine,
 * loses its order and sorts the whole result in a temporary B-tree, and
 * that JOIN was slower than the N+1 loop in the bench. Here the plan is
 * two index searches per user and no sort ("SEARCH u USING INTEGER
 * PRIMARY KEY", "SEARCH e USING INDEX events_by_user").
 */
static const char JOIN_SQL[] =
	"SELECT u.id, u.name, e.id, e.payload "
	"FROM users AS u LEFT JOIN events AS e ON e.user_id = u.id "
	"WHERE u.id IN (SELECT id FROM users ORDER BY id LIMIT ?1) "
	"ORDER BY u.id, e.id";

/* A user with no events is one row with no event, as a LEFT JOIN gives. */
static int report_alone(int64_t user_id, const char *name,
                        dp_sql_row_fn *on_row, void *ctx)
{
	const struct dp_sql_user_row row = {.user_id = user_id, .name = name};
	return on_row(ctx, &row);
}

static int users_prepare(sqlite3 *db, size_t n, sqlite3_stmt **users)
{
	int rc =
		from_sqlite(sqlite3_prepare_v2(db, USERS_SQL, -1, users, NULL));
	if (rc == DP_OK)
		sqlite3_bind_int64(*users, 1, (int64_t)n);
	return rc;
}

/*
 * The N+1 query, written the way an ORM's lazy loading runs it. The
 * per-user statement is prepared once and reset, as Python's sqlite3
 * module and most ORMs do with their statement cache, so what is left to
 * measure is the cost of running n + 1 statements instead of one.
 */
static int load_each(sqlite3 *db, size_t n, size_t batch, dp_sql_row_fn *on_row,
                     void *ctx)
{
	(void)batch;
	sqlite3_stmt *users = NULL;
	sqlite3_stmt *events = NULL;
	int rc = users_prepare(db, n, &users);
	if (rc != DP_OK)
		goto out_finalize;
	rc = from_sqlite(
		sqlite3_prepare_v2(db, EVENTS_OF_USER_SQL, -1, &events, NULL));
	if (rc != DP_OK)
		goto out_finalize;

	int step = SQLITE_DONE;
	while (rc == DP_OK && (step = sqlite3_step(users)) == SQLITE_ROW) {
		struct dp_sql_user_row row = {
			.user_id = sqlite3_column_int64(users, 0),
			.name = (const char *)sqlite3_column_text(users, 1),
		};
		bool any = false;
		int child = SQLITE_DONE;
		sqlite3_bind_int64(events, 1, row.user_id);
		while (rc == DP_OK &&
		       (child = sqlite3_step(events)) == SQLITE_ROW) {
			row.event_id = sqlite3_column_int64(events, 0);
			row.payload =
				(const char *)sqlite3_column_text(events, 1);
			rc = on_row(ctx, &row);
			any = true;
		}
		if (rc == DP_OK && child != SQLITE_DONE)
			rc = from_sqlite(child);
		sqlite3_reset(events);
		if (rc == DP_OK && !any)
			rc = report_alone(row.user_id, row.name, on_row, ctx);
	}
	if (rc == DP_OK && step != SQLITE_DONE)
		rc = from_sqlite(step);

out_finalize:
	sqlite3_finalize(events);
	sqlite3_finalize(users);
	return rc;
}

static int load_join(sqlite3 *db, size_t n, size_t batch, dp_sql_row_fn *on_row,
                     void *ctx)
{
	(void)batch;
	sqlite3_stmt *stmt = NULL;
	int rc = from_sqlite(sqlite3_prepare_v2(db, JOIN_SQL, -1, &stmt, NULL));
	if (rc != DP_OK)
		return rc;
	sqlite3_bind_int64(stmt, 1, (int64_t)n);

	int step = SQLITE_DONE;
	while (rc == DP_OK && (step = sqlite3_step(stmt)) == SQLITE_ROW) {
		/* A LEFT JOIN row with no event has NULL event columns. */
		const struct dp_sql_user_row row = {
			.user_id = sqlite3_column_int64(stmt, 0),
			.name = (const char *)sqlite3_column_text(stmt, 1),
			.event_id = sqlite3_column_int64(stmt, 2),
			.payload = (const char *)sqlite3_column_text(stmt, 3),
		};
		rc = on_row(ctx, &row);
	}
	if (rc == DP_OK && step != SQLITE_DONE)
		rc = from_sqlite(step);
	sqlite3_finalize(stmt);
	return rc;
}

/* "... WHERE user_id IN (?1, ?2, ..., ?batch) ORDER BY user_id, id". */
static int in_prepare(sqlite3 *db, size_t batch, sqlite3_stmt **stmt)
{
	sqlite3_str *sql = sqlite3_str_new(db);
	sqlite3_str_appendall(sql, "SELECT user_id, id, payload FROM events "
	                           "WHERE user_id IN (?");
	for (size_t i = 1; i < batch; i++)
		sqlite3_str_appendall(sql, ", ?");
	sqlite3_str_appendall(sql, ") ORDER BY user_id, id");
	int rc = from_sqlite(sqlite3_str_errcode(sql));
	char *text = sqlite3_str_finish(sql);
	if (rc == DP_OK)
		rc = from_sqlite(sqlite3_prepare_v3(
			db, text, -1, SQLITE_PREPARE_PERSISTENT, stmt, NULL));
	sqlite3_free(text);
	return rc;
}

/* The users of one batch: ids in order, names copied, because the users
 * statement moves on (and frees its row) before their events arrive. */
struct in_batch {
	int64_t ids[DP_SQL_MAX_BATCH];
	char *names[DP_SQL_MAX_BATCH];
	size_t count;
};

static void in_batch_clear(struct in_batch *users)
{
	for (size_t i = 0; i < users->count; i++)
		sqlite3_free(users->names[i]);
	users->count = 0;
}

/*
 * One run of the IN statement for the users gathered, then a merge: the
 * events come sorted by user, the users are sorted by id, so one pass
 * pairs them and finds the users with no event. A short last batch
 * repeats its last id in the unused slots: IN ignores repeats, and the
 * one prepared statement serves every batch.
 */
static int in_flush(sqlite3_stmt *stmt, struct in_batch *users, size_t batch,
                    dp_sql_row_fn *on_row, void *ctx)
{
	for (size_t i = 0; i < batch; i++)
		sqlite3_bind_int64(
			stmt, (int)i + 1,
			users->ids[i < users->count ? i : users->count - 1]);

	int rc = DP_OK;
	size_t user = 0;
	bool any = false;
	int step = SQLITE_DONE;
	while (rc == DP_OK && (step = sqlite3_step(stmt)) == SQLITE_ROW) {
		int64_t user_id = sqlite3_column_int64(stmt, 0);
		while (rc == DP_OK && user < users->count &&
		       users->ids[user] != user_id) {
			if (!any)
				rc = report_alone(users->ids[user],
				                  users->names[user], on_row,
				                  ctx);
			user++;
			any = false;
		}
		if (rc == DP_OK && user == users->count)
			rc = DP_EIO; /* an event of no user asked: impossible */
		if (rc != DP_OK)
			break;
		const struct dp_sql_user_row row = {
			.user_id = user_id,
			.name = users->names[user],
			.event_id = sqlite3_column_int64(stmt, 1),
			.payload = (const char *)sqlite3_column_text(stmt, 2),
		};
		rc = on_row(ctx, &row);
		any = true;
	}
	if (rc == DP_OK && step != SQLITE_DONE)
		rc = from_sqlite(step);
	for (; rc == DP_OK && user < users->count; user++, any = false)
		if (!any)
			rc = report_alone(users->ids[user], users->names[user],
			                  on_row, ctx);
	sqlite3_reset(stmt);
	in_batch_clear(users);
	return rc;
}

static int load_in(sqlite3 *db, size_t n, size_t batch, dp_sql_row_fn *on_row,
                   void *ctx)
{
	/* About 6 KiB: on the stack of one call, not in a global. */
	struct in_batch users = {.count = 0};
	sqlite3_stmt *list = NULL;
	sqlite3_stmt *events = NULL;
	int rc = users_prepare(db, n, &list);
	if (rc != DP_OK)
		goto out_finalize;
	rc = in_prepare(db, batch, &events);
	if (rc != DP_OK)
		goto out_finalize;

	int step = SQLITE_DONE;
	while (rc == DP_OK && (step = sqlite3_step(list)) == SQLITE_ROW) {
		size_t i = users.count;
		users.ids[i] = sqlite3_column_int64(list, 0);
		users.names[i] =
			sqlite3_mprintf("%s", sqlite3_column_text(list, 1));
		if (users.names[i] == NULL) {
			rc = DP_ENOMEM;
			break;
		}
		users.count++;
		if (users.count == batch)
			rc = in_flush(events, &users, batch, on_row, ctx);
	}
	if (rc == DP_OK && step != SQLITE_DONE)
		rc = from_sqlite(step);
	if (rc == DP_OK && users.count > 0)
		rc = in_flush(events, &users, batch, on_row, ctx);
	in_batch_clear(&users);

out_finalize:
	sqlite3_finalize(events);
	sqlite3_finalize(list);
	return rc;
}

const struct dp_sql_loader_ops dp_sql_loader_each = {
	.name = "N+1",
	.load = load_each,
};

const struct dp_sql_loader_ops dp_sql_loader_join = {
	.name = "join",
	.load = load_join,
};

const struct dp_sql_loader_ops dp_sql_loader_in = {
	.name = "IN batches",
	.load = load_in,
};

int dp_sql_load_users(sqlite3 *db, const struct dp_sql_loader_ops *loader,
                      size_t n, size_t batch, dp_sql_row_fn *on_row, void *ctx)
{
	/* The one place the arguments and the table are checked, so no
	 * loader has to. */
	if (db == NULL || loader == NULL || loader->load == NULL ||
	    on_row == NULL || n > (uint64_t)INT64_MAX || batch == 0 ||
	    batch > DP_SQL_MAX_BATCH)
		return DP_EINVAL;
	return loader->load(db, n, batch, on_row, ctx);
}
