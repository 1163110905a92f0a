/*
 * Exercise 19, the answer: one statement. The LEFT JOIN keeps the users
 * without orders (an inner JOIN would drop them), count(o.id) counts only
 * the orders that exist (count(*) would count the user's own row as one),
 * and GROUP BY lets SQLite add up the orders where they are, so one row
 * per user crosses into C. SQLite walks the users by their primary key, so
 * the result comes out in id order without a sort of its own.
 */
#include "batch_reads.h"

#include <stdio.h>

static const char TOTALS_SQL[] =
	"SELECT u.id, u.name, count(o.id), coalesce(sum(o.amount_cents), 0) "
	"FROM users AS u LEFT JOIN orders AS o ON o.user_id = u.id "
	"GROUP BY u.id ORDER BY u.id";

static int from_sqlite(int rc)
{
	return rc == SQLITE_NOMEM ? DP_ENOMEM : DP_EIO;
}

static void clear_error(struct ex_sql_error *error)
{
	if (error != NULL)
		*error = (struct ex_sql_error){.code = SQLITE_OK};
}

/* The message lives in the connection until its next call: copy it now. */
static void keep_error(sqlite3 *db, struct ex_sql_error *error)
{
	if (error == NULL)
		return;
	error->code = sqlite3_extended_errcode(db);
	snprintf(error->message, sizeof(error->message), "%s",
	         sqlite3_errmsg(db));
}

int ex_load_user_totals(sqlite3 *db, ex_user_total_fn *on_user, void *ctx,
                        struct ex_sql_error *error)
{
	clear_error(error);
	if (db == NULL || on_user == NULL)
		return DP_EINVAL;

	sqlite3_stmt *stmt = NULL;
	int rc = sqlite3_prepare_v2(db, TOTALS_SQL, -1, &stmt, NULL);
	if (rc != SQLITE_OK) {
		keep_error(db, error);
		return from_sqlite(rc); /* stmt is NULL: nothing to finalize */
	}

	int result = DP_OK;
	int step;
	while ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
		const struct ex_user_total total = {
			.user_id = sqlite3_column_int64(stmt, 0),
			.name = (const char *)sqlite3_column_text(stmt, 1),
			.orders = sqlite3_column_int64(stmt, 2),
			.total_cents = sqlite3_column_int64(stmt, 3),
		};
		result = on_user(ctx, &total);
		if (result != DP_OK)
			break;
	}
	if (result == DP_OK && step != SQLITE_DONE) {
		/* Now: the next call on the connection may replace the
		 * message. */
		keep_error(db, error);
		result = from_sqlite(step);
	}
	sqlite3_finalize(stmt);
	return result;
}
