/*
 * The database half of the chapter. Each function maps SQLite's result
 * codes to the library's: SQLITE_NOMEM is DP_ENOMEM, every other failure
 * DP_EIO, because to the caller they all mean "the database refused".
 */
#include "batch/batch_sql.h"

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

int dp_sql_open(const char *path, bool durable, sqlite3 **db)
{
	if (db == NULL)
		return DP_EINVAL;
	*db = NULL;
	if (path == NULL)
		return DP_EINVAL;

	sqlite3 *conn = NULL;
	int rc = from_sqlite(sqlite3_open(path, &conn));
	if (rc != DP_OK)
		goto fail_close;
	rc = exec(conn, durable ? "PRAGMA synchronous = FULL"
	                        : "PRAGMA synchronous = OFF");
	if (rc != DP_OK)
		goto fail_close;
	rc = exec(conn, "CREATE TABLE IF NOT EXISTS events ("
	                "id INTEGER PRIMARY KEY, "
	                "user_id INTEGER NOT NULL, "
	                "payload TEXT NOT NULL)");
	if (rc != DP_OK)
		goto fail_close;
	*db = conn;
	return DP_OK;

fail_close:
	/* sqlite3_open() hands back a connection even when it fails, and
	 * sqlite3_close(NULL) is a no-op, so one label serves every step. */
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

int dp_sql_insert_events(sqlite3 *db, const struct dp_event *events, size_t n,
                         enum dp_sql_insert_mode mode)
{
	if (db == NULL || (events == NULL && n > 0))
		return DP_EINVAL;

	switch (mode) {
	case DP_SQL_AUTOCOMMIT_EACH:
		return insert_each(db, events, n);
	case DP_SQL_TRANSACTION_EACH:
	case DP_SQL_TRANSACTION_PREPARED:
		break;
	default:
		return DP_EINVAL;
	}

	int rc = exec(db, "BEGIN");
	if (rc != DP_OK)
		return rc;
	rc = mode == DP_SQL_TRANSACTION_EACH ? insert_each(db, events, n)
	                                     : insert_prepared(db, events, n);
	if (rc == DP_OK)
		rc = exec(db, "COMMIT");
	if (rc != DP_OK)
		/* A failed COMMIT leaves the transaction open; ROLLBACK ends
		 * it in every case and its own failure adds nothing. */
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	return rc;
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
	if (rc != DP_OK)
		return rc;
	sqlite3_bind_int64(stmt, 1, user_id);
	int step = sqlite3_step(stmt);
	if (step == SQLITE_ROW) {
		*rows = sqlite3_column_int64(stmt, 0);
		*bytes = sqlite3_column_int64(stmt, 1);
	}
	rc = step == SQLITE_ROW ? DP_OK : from_sqlite(step);
	sqlite3_finalize(stmt);
	return rc;
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
	int step;
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
