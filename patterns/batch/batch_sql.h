/**
 * @file batch_sql.h
 * @brief Batch processing for a database: SQLite inserts one autocommitted
 *        statement at a time versus one transaction with one prepared
 *        statement, and a lookup before and after an index.
 *
 * Every function works on a connection the caller opened with dp_sql_open()
 * and closes with sqlite3_close(); none keeps a pointer after it returns.
 * SQLite allocates with its own allocator. Thread-safety: one connection,
 * one thread.
 */
#ifndef DP_BATCH_SQL_H
#define DP_BATCH_SQL_H

#include "common/dp_common.h"

#include <sqlite3.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/** @brief One row of the `events` table; its id is assigned in order. */
struct dp_event {
	int64_t user_id;     /**< Who did it: the column the lookup uses. */
	const char *payload; /**< What happened: NUL-terminated text. */
};

/** @brief How dp_sql_insert_events() sends its rows. */
enum dp_sql_insert_mode {
	/** Each row its own statement, prepared, run and committed. */
	DP_SQL_AUTOCOMMIT_EACH,
	/** One transaction, but each row still prepared anew. */
	DP_SQL_TRANSACTION_EACH,
	/** One transaction and one prepared statement, reset per row. */
	DP_SQL_TRANSACTION_PREPARED,
};

/**
 * @brief Open (or create) a database file and make sure the `events` table
 *        exists: `events(id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL,
 *        payload TEXT NOT NULL)`.
 * @param[in]  path    The file.
 * @param[in]  durable true sets `PRAGMA synchronous = FULL` (each commit
 *                     waits for the disk, SQLite's default), false sets
 *                     `OFF` (commits reach the operating system only).
 * @param[out] db      Receives the connection, to close with
 *                     sqlite3_close(); NULL on error.
 * @return #DP_OK; #DP_EINVAL when `path` or `db` is NULL; #DP_ENOMEM when
 *         SQLite runs out of memory; #DP_EIO when the file cannot be opened
 *         or set up.
 */
int dp_sql_open(const char *path, bool durable, sqlite3 **db);

/**
 * @brief Insert rows into `events`, in order, the way `mode` says.
 *
 * In a transaction a failure rolls every row of the call back; one
 * statement at a time, the rows before the failing one stay.
 * @param[in,out] db     The connection.
 * @param[in]     events The rows; may be NULL when `n` is 0.
 * @param[in]     n      How many.
 * @param[in]     mode   How to send them.
 * @return #DP_OK; #DP_EINVAL when `db` is NULL, `events` is NULL with a
 *         non-zero `n`, or `mode` is unknown; #DP_ENOMEM when SQLite runs
 *         out of memory; #DP_EIO when SQLite refuses a row (a NULL
 *         payload breaks NOT NULL) or the file fails.
 */
int dp_sql_insert_events(sqlite3 *db, const struct dp_event *events, size_t n,
                         enum dp_sql_insert_mode mode);

/**
 * @brief The lookup: how many events a user has, and their payload bytes.
 *
 * It reads the payload, so an index on `user_id` alone finds the rows but
 * does not cover the query: the plan is "SEARCH ... USING INDEX".
 * @param[in,out] db      The connection.
 * @param[in]     user_id The user.
 * @param[out]    rows    Receives the number of events.
 * @param[out]    bytes   Receives the total payload length.
 * @return #DP_OK; #DP_EINVAL when a pointer is NULL; #DP_ENOMEM or
 *         #DP_EIO when SQLite fails.
 */
int dp_sql_user_activity(sqlite3 *db, int64_t user_id, int64_t *rows,
                         int64_t *bytes);

/**
 * @brief Create the index `events_by_user` on `events(user_id)`, if absent.
 * @param[in,out] db The connection.
 * @return #DP_OK; #DP_EINVAL when `db` is NULL; #DP_ENOMEM or #DP_EIO when
 *         SQLite fails.
 */
int dp_sql_add_user_index(sqlite3 *db);

/**
 * @brief The lookup's SQL text, as dp_sql_user_activity() runs it.
 * @return A static string. Never NULL.
 */
const char *dp_sql_user_activity_query(void);

/**
 * @brief How SQLite will run a statement: `EXPLAIN QUERY PLAN`, one line
 *        per step ("SCAN events", "SEARCH events USING INDEX ...").
 * @param[in,out] db   The connection.
 * @param[in]     sql  One statement.
 * @param[out]    plan Receives the lines, each ending in '\n',
 *                     NUL-terminated; an empty string on error.
 * @param[in]     size The room in `plan`, NUL included.
 * @return #DP_OK; #DP_EINVAL when a pointer is NULL or `size` is 0;
 *         #DP_ERANGE when the plan does not fit; #DP_ENOMEM or #DP_EIO when
 *         SQLite fails (a syntax error is #DP_EIO).
 */
int dp_sql_query_plan(sqlite3 *db, const char *sql, char *plan, size_t size);

#endif /* DP_BATCH_SQL_H */
