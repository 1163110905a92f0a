/**
 * @file batch_sql.h
 * @brief Batch processing for a database: SQLite inserts one autocommitted
 *        statement at a time versus one transaction with one prepared
 *        statement; reads as one query per parent row (N+1), one JOIN or
 *        batches of `IN (...)`; a lookup before and after an index.
 *
 * Every function works on a connection the caller opened with dp_sql_open()
 * and closes with sqlite3_close(); none keeps a pointer after it returns
 * but two: dp_sql_count_statements() leaves its counter with SQLite until
 * counting stops, and a prepared lookup is the caller's to finalize.
 * SQLite allocates with its own allocator. After a function here fails
 * with #DP_EIO on an open connection, sqlite3_errmsg() on it gives
 * SQLite's own account, except after the inserts: their ROLLBACK, which
 * succeeds, clears it, so they (and dp_sql_open(), whose connection is
 * gone) hand it back in a #dp_sql_error. Thread-safety: one connection,
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

/** @brief One row of the `users` table: the parent of its events. */
struct dp_user {
	int64_t id;       /**< The key that `events.user_id` refers to. */
	const char *name; /**< NUL-terminated text. */
};

/** @brief Room for SQLite's message in a #dp_sql_error, NUL included. */
enum { DP_SQL_MESSAGE_SIZE = 256 };

/**
 * @brief SQLite's own account of a failure, kept after the connection that
 *        failed is gone. Caller-allocated; holds no pointer.
 */
struct dp_sql_error {
	/** SQLite's extended result code (SQLITE_NOTADB, SQLITE_CANTOPEN...);
	 *  SQLITE_OK when nothing failed. */
	int code;
	/** sqlite3_errmsg()'s text, cut to fit; "" when nothing failed. */
	char message[DP_SQL_MESSAGE_SIZE];
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
 * @brief Open (or create) a database file and make sure its two tables
 *        exist: `users(id INTEGER PRIMARY KEY, name TEXT NOT NULL)` and
 *        `events(id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL,
 *        payload TEXT NOT NULL)`.
 *
 * A file that is not a database, or a path that names a directory, fails
 * with #DP_EIO and is left as it was: nothing is written to it.
 * @param[in]  path    The file.
 * @param[in]  durable true sets `PRAGMA synchronous = FULL` (each commit
 *                     waits for the disk, SQLite's default), false sets
 *                     `OFF` (commits reach the operating system only).
 * @param[out] db      Receives the connection, to close with
 *                     sqlite3_close(); NULL on error.
 * @param[out] error   Optional: NULL means not wanted. Receives SQLite's
 *                     code and message when SQLite refuses ("file is not a
 *                     database", "database disk image is malformed",
 *                     "unable to open database file"); code
 *                     SQLITE_OK and "" on success or on #DP_EINVAL.
 * @return #DP_OK; #DP_EINVAL when `path` or `db` is NULL; #DP_ENOMEM when
 *         SQLite runs out of memory; #DP_EIO when the file cannot be opened
 *         or set up.
 */
int dp_sql_open(const char *path, bool durable, sqlite3 **db,
                struct dp_sql_error *error);

/**
 * @brief Insert rows into `users`, in one transaction with one prepared
 *        statement; a failure rolls them all back.
 * @param[in,out] db    The connection.
 * @param[in]     users The rows; may be NULL when `n` is 0.
 * @param[in]     n     How many.
 * @param[out]    error Receives SQLite's code and message when SQLite
 *                      fails (kept from before the rollback), SQLITE_OK
 *                      and "" otherwise; may be NULL.
 * @return #DP_OK; #DP_EINVAL when `db` is NULL or `users` is NULL with a
 *         non-zero `n`; #DP_ENOMEM when SQLite runs out of memory;
 *         #DP_EIO when SQLite refuses a row (a repeated id, a NULL name).
 */
int dp_sql_insert_users(sqlite3 *db, const struct dp_user *users, size_t n,
                        struct dp_sql_error *error);

/**
 * @brief Insert rows into `events`, in order, the way `mode` says.
 *
 * In a transaction a failure rolls every row of the call back; one
 * statement at a time, the rows before the failing one stay.
 * @param[in,out] db     The connection.
 * @param[in]     events The rows; may be NULL when `n` is 0.
 * @param[in]     n      How many.
 * @param[in]     mode   How to send them.
 * @param[out]    error  As for dp_sql_insert_users(); may be NULL.
 * @return #DP_OK; #DP_EINVAL when `db` is NULL, `events` is NULL with a
 *         non-zero `n`, or `mode` is unknown; #DP_ENOMEM when SQLite runs
 *         out of memory; #DP_EIO when SQLite refuses a row (a NULL
 *         payload breaks NOT NULL) or the file fails.
 */
int dp_sql_insert_events(sqlite3 *db, const struct dp_event *events, size_t n,
                         enum dp_sql_insert_mode mode,
                         struct dp_sql_error *error);

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
 * @brief Prepare the lookup once, to run it many times with
 *        dp_sql_user_activity_run(): the read side of "prepare once".
 * @param[in,out] db   The connection; it must outlive the statement.
 * @param[out]    stmt Receives the statement, which the caller finalizes
 *                     with sqlite3_finalize() before closing `db`; NULL on
 *                     error.
 * @return #DP_OK; #DP_EINVAL when a pointer is NULL; #DP_ENOMEM or
 *         #DP_EIO when SQLite fails (no `events` table is #DP_EIO).
 */
int dp_sql_user_activity_prepare(sqlite3 *db, sqlite3_stmt **stmt);

/**
 * @brief Run a lookup prepared by dp_sql_user_activity_prepare(): bind,
 *        step, reset. Same answer as dp_sql_user_activity().
 * @param[in,out] stmt    The prepared lookup; left reset, ready to reuse.
 * @param[in]     user_id The user.
 * @param[out]    rows    Receives the number of events; 0 on error.
 * @param[out]    bytes   Receives the total payload length; 0 on error.
 * @return #DP_OK; #DP_EINVAL when a pointer is NULL; #DP_ENOMEM or
 *         #DP_EIO when SQLite fails.
 */
int dp_sql_user_activity_run(sqlite3_stmt *stmt, int64_t user_id, int64_t *rows,
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

/**
 * @brief Count the statements SQLite runs on a connection from now on,
 *        through sqlite3_trace_v2() and `SQLITE_TRACE_STMT`: one per run of
 *        a statement, so a prepared statement reset and run again counts
 *        again. Counts are what the read strategies are compared by.
 *
 * Replaces any trace callback the connection had.
 * @param[in,out] db      The connection.
 * @param[in,out] counter Incremented once per statement run; must outlive
 *                        the counting. NULL stops counting.
 * @return #DP_OK; #DP_EINVAL when `db` is NULL.
 */
int dp_sql_count_statements(sqlite3 *db, uint64_t *counter);

/* ---- reading parents and their children: the N+1 query ------------------ */

/**
 * @brief One row a loader reports: a user and one of its events, or a user
 *        that has none.
 *
 * The strings belong to SQLite and are valid only during the callback.
 */
struct dp_sql_user_row {
	int64_t user_id;     /**< The user, from `users.id`. */
	const char *name;    /**< The user's name. */
	int64_t event_id;    /**< The event, from `events.id`; 0: no event. */
	const char *payload; /**< The event's payload; NULL: no event. */
};

/**
 * @brief What a loader calls for each row, in order: by user id, then by
 *        event id.
 * @param[in] ctx The context given to dp_sql_load_users(), unchanged.
 * @param[in] row The row; valid only during the call.
 * @return #DP_OK to go on; any other value stops the load, which returns
 *         it.
 */
typedef int dp_sql_row_fn(void *ctx, const struct dp_sql_user_row *row);

/**
 * @brief A way to load the first `n` users, by id, with their events: a
 *        Strategy. Fill one with a designated initialiser and pass it to
 *        dp_sql_load_users(), which checks the arguments once.
 */
struct dp_sql_loader_ops {
	/** Required: a short name for reports, such as "join". */
	const char *name;
	/**
	 * Required: report every row of the first `n` users to `on_row`, in
	 * the order #dp_sql_row_fn states, and nothing else.
	 * @param db     The connection, not NULL.
	 * @param n      How many users, at most INT64_MAX.
	 * @param batch  Users per `IN (...)` list, 1 to `DP_SQL_MAX_BATCH`; a
	 *               loader that does not batch ignores it.
	 * @param on_row The callback, not NULL.
	 * @param ctx    Handed to `on_row` unchanged.
	 * @return #DP_OK, what `on_row` returned to stop, #DP_ENOMEM or
	 *         #DP_EIO.
	 */
	int (*load)(sqlite3 *db, size_t n, size_t batch, dp_sql_row_fn *on_row,
	            void *ctx);
};

/** @brief The largest `batch` dp_sql_load_users() accepts. */
enum { DP_SQL_MAX_BATCH = 500 };

/**
 * @brief The N+1 query: one SELECT for the users, then one SELECT of
 *        events per user (prepared once, reset per user): n + 1
 *        statements.
 *
 * The users statement stays open while the per-user statements run, so
 * all of them share one read transaction; a loop that fetches every user
 * first and then queries starts a transaction per query, which costs
 * more than the query (the bench shows both).
 */
extern const struct dp_sql_loader_ops dp_sql_loader_each;

/** @brief One LEFT JOIN of the users with their events: 1 statement. */
extern const struct dp_sql_loader_ops dp_sql_loader_join;

/**
 * @brief One SELECT for the users, then one SELECT of events per `batch`
 *        users, `WHERE user_id IN (?, ?, ...)`, through one prepared
 *        statement reused for every batch: ceil(n / batch) + 1 statements.
 */
extern const struct dp_sql_loader_ops dp_sql_loader_in;

/**
 * @brief Load the first `n` users, by id, and their events, the way
 *        `loader` does; every loader reports the same rows in the same
 *        order.
 *
 * Rows go to `on_row` as they are read, so a failure part-way may follow
 * some rows; the database is only read.
 * @param[in,out] db     The connection.
 * @param[in]     loader The strategy: #dp_sql_loader_each,
 *                       #dp_sql_loader_join, #dp_sql_loader_in or your
 *                       own.
 * @param[in]     n      How many users; fewer rows come when the table
 *                       has fewer.
 * @param[in]     batch  Users per `IN (...)` list, 1 to `DP_SQL_MAX_BATCH`,
 *                       checked whatever the loader.
 * @param[in]     on_row Called once per row.
 * @param[in]     ctx    Handed to `on_row` unchanged.
 * @return #DP_OK; #DP_EINVAL when `db`, `loader`, its `load` or `on_row`
 *         is NULL, `n` exceeds INT64_MAX or `batch` is out of range (then
 *         `on_row` is never called); whatever `on_row` returned to stop;
 *         #DP_ENOMEM or #DP_EIO when SQLite fails (no `users` table is
 *         #DP_EIO).
 */
int dp_sql_load_users(sqlite3 *db, const struct dp_sql_loader_ops *loader,
                      size_t n, size_t batch, dp_sql_row_fn *on_row, void *ctx);

#endif /* DP_BATCH_SQL_H */
