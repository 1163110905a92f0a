/*
 * Exercise 19: every user with their order totals, in a constant number
 * of statements. Read README.md first, then batch_reads.h, which is the
 * contract. README.md step 1 gives the N+1 version to start from.
 */
#include "batch_reads.h"

int ex_load_user_totals(sqlite3 *db, ex_user_total_fn *on_user, void *ctx,
                        struct ex_sql_error *error)
{
	/* TODO step 1: clear the error, check db and on_user, and report
	 * every user with the count and sum of their orders (README's N+1
	 * loop does this, one query per user).
	 * TODO step 2: ask SQLite for every user's totals in one statement,
	 * so that the statements do not grow with the users.
	 * TODO step 3: when prepare or step fails, copy SQLite's code and
	 * message into the error before finalizing; return DP_EIO (DP_ENOMEM
	 * for SQLITE_NOMEM). Finalize every statement on every path. */
	(void)db;
	(void)on_user;
	(void)ctx;
	(void)error;
	return DP_ENOTSUP;
}
