/**
 * @file batch_reads.h
 * @brief Exercise 19, optimizing database queries: load every user with
 *        the number and the total of their orders in a constant number of
 *        SQLite statements, however many users there are, instead of one
 *        query per user (the N+1 query).
 *
 * The database is the caller's: an open connection whose tables are
 * `users(id INTEGER PRIMARY KEY, name TEXT NOT NULL)` and
 * `orders(id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL, amount_cents
 * INTEGER NOT NULL)`. ex_load_user_totals() only reads it, and keeps no
 * statement and no pointer after it returns. Thread-safety: one
 * connection, one thread, as SQLite's own rule for a connection.
 */
#ifndef DP_EX_BATCH_READS_H
#define DP_EX_BATCH_READS_H

#include "common/dp_common.h"

#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

/** @brief One user and their orders, as ex_load_user_totals() reports it. */
struct ex_user_total {
	int64_t user_id;  /**< `users.id`. */
	const char *name; /**< `users.name`; valid only during the callback. */
	int64_t orders;   /**< How many orders the user has; 0 for none. */
	int64_t total_cents; /**< The sum of their `amount_cents`; 0 for none. */
};

/**
 * @brief What ex_load_user_totals() calls once per user, by id ascending.
 * @param[in] ctx   The context given to ex_load_user_totals(), unchanged.
 * @param[in] total The user; valid only during the call.
 * @return #DP_OK to go on; any other value stops the load, which returns
 *         it.
 */
typedef int ex_user_total_fn(void *ctx, const struct ex_user_total *total);

/** @brief Room for SQLite's message in an #ex_sql_error, NUL included. */
enum { EX_SQL_MESSAGE_SIZE = 256 };

/** @brief SQLite's own account of a failure. Caller-allocated. */
struct ex_sql_error {
	/** sqlite3_extended_errcode() of the connection after the failure;
	 *  SQLITE_OK when nothing failed. */
	int code;
	/** sqlite3_errmsg()'s text, cut to fit; "" when nothing failed. */
	char message[EX_SQL_MESSAGE_SIZE];
};

/**
 * @brief Report every user of `users`, by id ascending, with the number
 *        and the sum of their orders, running at most 2 statements
 *        whatever the number of users.
 *
 * A user without orders is reported too, with 0 orders and a total of 0.
 * The sums are SQLite's `sum()`: a total beyond `int64_t` makes SQLite
 * fail with "integer overflow", which is #DP_EIO. Users are reported as
 * they are read, so a failure part-way may follow some reports. Every
 * statement prepared is finalized before the function returns, whatever
 * it returns; the database is only read.
 * @param[in,out] db      An open connection holding the two tables.
 * @param[in]     on_user Called once per user; required.
 * @param[in]     ctx     Handed to `on_user` unchanged; may be NULL.
 * @param[out]    error   Optional: NULL means not wanted. Receives
 *                        SQLite's code and message when SQLite fails ("no
 *                        such table: orders", "integer overflow"); code
 *                        SQLITE_OK and "" otherwise.
 * @return #DP_OK; #DP_EINVAL when `db` or `on_user` is NULL (then
 *         `on_user` is never called); the value `on_user` returned to
 *         stop; #DP_ENOMEM when SQLite runs out of memory; #DP_EIO when
 *         SQLite fails otherwise (a missing table, an overflowing sum).
 */
int ex_load_user_totals(sqlite3 *db, ex_user_total_fn *on_user, void *ctx,
                        struct ex_sql_error *error);

#endif /* DP_EX_BATCH_READS_H */
