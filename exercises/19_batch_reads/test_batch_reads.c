/*
 * The graded tests of exercise 19. Run them with
 * `make test EX=19_batch_reads`.
 *
 * grade-link: -lsqlite3
 *
 * Each test builds its own database in memory, on a connection of its
 * own, and counts the statements SQLite runs on it with
 * sqlite3_trace_v2() and SQLITE_TRACE_STMT: one event each time a
 * statement starts to run, so a prepared statement reset and run again
 * counts again. The answer never sees the counter, and the test checks
 * after each load that the connection still counts. The expected totals
 * are worked out in C from the rows the test inserted, not with SQL.
 */
#include "batch_reads.h"
#include "grade.h"
#include "grade_assert.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the database -------------------------------------------------------- */

enum { NAME_SIZE = 32, MAX_ORDERS = 3 };

/* One user as the test inserted it, and what the answer must report. */
struct user {
	int64_t id;
	char name[NAME_SIZE];
	int64_t orders;
	int64_t total_cents;
};

struct database {
	sqlite3 *db;
	uint64_t statements; /* Counted by the trace, from the end of setup. */
	struct user *users;  /* By id ascending. */
	size_t count;
};

static int count_statement(unsigned type, void *ctx, void *stmt, void *sql)
{
	(void)type;
	(void)stmt;
	(void)sql;
	(*(uint64_t *)ctx)++;
	return 0;
}

static void exec_sql(sqlite3 *db, const char *sql)
{
	char *message = NULL;
	int rc = sqlite3_exec(db, sql, NULL, NULL, &message);

	ck_assert_msg(rc == SQLITE_OK, "the test's own SQL failed: %s (%s)",
	              message != NULL ? message : "?", sql);
	sqlite3_free(message);
}

static sqlite3_stmt *prepare(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *stmt = NULL;

	ck_assert_msg(sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) == SQLITE_OK,
	              "the test's own SQL failed: %s", sqlite3_errmsg(db));
	return stmt;
}

static void run_insert(sqlite3_stmt *stmt)
{
	ck_assert_msg(sqlite3_step(stmt) == SQLITE_DONE,
	              "the test could not insert a row");
	sqlite3_reset(stmt);
}

/*
 * `count` users with ids that are not consecutive (id 7, 10, 13...), each
 * with 0 to MAX_ORDERS orders (every fourth user has none). The orders
 * are inserted in a shuffled order of users, so reading them in insertion
 * order would not group them by user. Amounts are random but replayable.
 */
static void insert_users(struct database *data, size_t count)
{
	uint64_t seed = count;
	sqlite3_stmt *user = prepare(data->db, "INSERT INTO users (id, name) "
	                                       "VALUES (?1, ?2)");
	sqlite3_stmt *order =
		prepare(data->db, "INSERT INTO orders (user_id, "
	                          "amount_cents) VALUES (?1, ?2)");

	exec_sql(data->db, "BEGIN");
	for (size_t i = 0; i < count; i++) {
		struct user *u = &data->users[i];
		u->id = 7 + 3 * (int64_t)i;
		snprintf(u->name, sizeof(u->name), "user-%lld",
		         (long long)u->id);
		sqlite3_bind_int64(user, 1, u->id);
		sqlite3_bind_text(user, 2, u->name, -1, SQLITE_STATIC);
		run_insert(user);
	}
	for (size_t round = 0; round < MAX_ORDERS; round++) {
		for (size_t k = 0; k < count; k++) {
			/* A permutation of the users: 7919 is prime. */
			struct user *u =
				&data->users[(k * 7919 + round) % count];
			if ((size_t)u->orders >= (size_t)(u - data->users) % 4)
				continue;
			int64_t amount =
				1 + (int64_t)(dp_random_next(&seed) % 100000);
			sqlite3_bind_int64(order, 1, u->id);
			sqlite3_bind_int64(order, 2, amount);
			run_insert(order);
			u->orders++;
			u->total_cents += amount;
		}
	}
	exec_sql(data->db, "COMMIT");
	sqlite3_finalize(user);
	sqlite3_finalize(order);
}

/* A database in memory with `count` users and their orders; the counter
 * starts at 0 once it is built. `with_orders` false leaves the orders
 * table out, to make SQLite fail. */
static void open_database(struct database *data, size_t count, bool with_orders)
{
	*data = (struct database){.count = count};
	ck_assert_msg(sqlite3_open(":memory:", &data->db) == SQLITE_OK,
	              "the test could not open a database in memory");
	data->users = calloc(count + 1, sizeof(*data->users));
	ck_assert_ptr_nonnull(data->users);
	exec_sql(data->db, "CREATE TABLE users (id INTEGER PRIMARY KEY, "
	                   "name TEXT NOT NULL)");
	if (with_orders) {
		exec_sql(data->db,
		         "CREATE TABLE orders (id INTEGER PRIMARY KEY, "
		         "user_id INTEGER NOT NULL REFERENCES users (id), "
		         "amount_cents INTEGER NOT NULL)");
		exec_sql(data->db, "CREATE INDEX orders_by_user ON orders "
		                   "(user_id)");
		insert_users(data, count);
	} else {
		exec_sql(data->db, "INSERT INTO users (id, name) VALUES (1, "
		                   "'lonely')");
	}
	sqlite3_trace_v2(data->db, SQLITE_TRACE_STMT, count_statement,
	                 &data->statements);
}

static void close_database(struct database *data)
{
	sqlite3_close(data->db);
	free(data->users);
}

/* An error struct full of junk, terminated, to see what the answer writes. */
static void poison(struct ex_sql_error *error)
{
	memset(error, 'x', sizeof(*error));
	error->message[EX_SQL_MESSAGE_SIZE - 1] = '\0';
}

/* ---- what the answer reports --------------------------------------------- */

struct report {
	struct user *users; /* What on_user was given, in order. */
	size_t count;
	size_t capacity;
	size_t stop_after; /* Return STOP_CODE from this call on; 0: never. */
};

enum { STOP_CODE = 42 };

static int collect(void *ctx, const struct ex_user_total *total)
{
	struct report *report = ctx;

	if (report->count == report->capacity) {
		size_t capacity = report->capacity ? 2 * report->capacity : 16;
		struct user *users =
			realloc(report->users, capacity * sizeof(*users));
		if (users == NULL)
			return DP_ENOMEM;
		report->users = users;
		report->capacity = capacity;
	}
	struct user *u = &report->users[report->count++];
	*u = (struct user){.id = total->user_id,
	                   .orders = total->orders,
	                   .total_cents = total->total_cents};
	snprintf(u->name, sizeof(u->name), "%s",
	         total->name != NULL ? total->name : "(NULL)");
	if (report->stop_after != 0 && report->count >= report->stop_after)
		return STOP_CODE;
	return DP_OK;
}

/* Compare what was reported with what the test inserted. */
static void assert_reported(const struct database *data,
                            const struct report *report)
{
	for (size_t i = 0; i < report->count && i < data->count; i++) {
		const struct user *want = &data->users[i];
		const struct user *got = &report->users[i];
		ck_assert_msg(got->id == want->id,
		              "report %zu should be user %lld (users by id "
		              "ascending, every user once, those without "
		              "orders too), got user %lld",
		              i, (long long)want->id, (long long)got->id);
		ck_assert_msg(strcmp(got->name, want->name) == 0,
		              "user %lld should be named \"%s\", got \"%s\"",
		              (long long)want->id, want->name, got->name);
		ck_assert_msg(got->orders == want->orders &&
		                      got->total_cents == want->total_cents,
		              "user %lld has %lld orders totalling %lld cents; "
		              "reported %lld orders, %lld cents",
		              (long long)want->id, (long long)want->orders,
		              (long long)want->total_cents,
		              (long long)got->orders,
		              (long long)got->total_cents);
	}
	ck_assert_msg(report->count == data->count,
	              "expected %zu users reported, got %zu", data->count,
	              report->count);
}

/* Load into `report` and check that nothing was left open and that the
 * connection still counts statements. Returns the statements the load
 * ran. */
static uint64_t load(struct database *data, struct report *report,
                     struct ex_sql_error *error, int expected)
{
	data->statements = 0;
	grade_assert_code(ex_load_user_totals(data->db, collect, report, error),
	                  expected);
	uint64_t ran = data->statements;
	ck_assert_msg(sqlite3_next_stmt(data->db, NULL) == NULL,
	              "a statement is still open after ex_load_user_totals "
	              "returned: finalize every statement you prepared, on "
	              "every path");
	exec_sql(data->db, "SELECT 1");
	ck_assert_msg(data->statements == ran + 1,
	              "the test's connection no longer counts statements");
	return ran;
}

/* ---- correctness --------------------------------------------------------- */

START_TEST(test_reports_every_user_with_their_totals)
{
	struct database data;
	struct report report = {0};
	struct ex_sql_error error;

	open_database(&data, 10, true);
	poison(&error);
	load(&data, &report, &error, DP_OK);
	assert_reported(&data, &report);
	ck_assert_msg(error.code == SQLITE_OK && error.message[0] == '\0',
	              "after a successful load the error should say nothing "
	              "failed: code %d, message \"%s\"",
	              error.code, error.message);
	free(report.users);
	close_database(&data);
}
END_TEST

START_TEST(test_users_without_orders_are_reported_with_zeros)
{
	struct database data;
	struct report report = {0};

	/* Users 7, 19 and 31 (every fourth) have no orders. */
	open_database(&data, 12, true);
	load(&data, &report, NULL, DP_OK);
	for (size_t i = 0; i < report.count; i++) {
		const struct user *got = &report.users[i];
		ck_assert_msg(
			(got->id - 7) / 3 % 4 != 0 ||
				(got->orders == 0 && got->total_cents == 0),
			"user %lld has no orders: expected 0 orders and 0 "
			"cents, got %lld orders and %lld cents",
			(long long)got->id, (long long)got->orders,
			(long long)got->total_cents);
	}
	assert_reported(&data, &report);
	free(report.users);
	close_database(&data);

	/* No users at all: nothing reported, and no error. */
	report = (struct report){0};
	open_database(&data, 0, true);
	load(&data, &report, NULL, DP_OK);
	ck_assert_msg(report.count == 0,
	              "with no users nothing should be reported, got %zu",
	              report.count);
	close_database(&data);
	free(report.users);
}
END_TEST

/* ---- the lesson: a constant number of statements ------------------------- */

/* Load `n` users, check the rows, and fail unless at most 2 statements
 * ran; the message names the shape the count shows. */
static void assert_constant_statements(size_t n)
{
	struct database data;
	struct report report = {0};

	open_database(&data, n, true);
	uint64_t ran = load(&data, &report, NULL, DP_OK);
	ck_assert_msg(ran != n + 1,
	              "%llu statements for %zu users: one for the users and "
	              "one more per user, the N+1 query. Ask for every "
	              "user's totals in one query (a LEFT JOIN with GROUP BY)",
	              (unsigned long long)ran, n);
	ck_assert_msg(ran <= 2,
	              "%llu statements for %zu users, where at most 2 are "
	              "allowed whatever the number of users: the statements "
	              "grow with the users (batches of k users cost n/k + 1; "
	              "one query costs 1 at every size)",
	              (unsigned long long)ran, n);
	ck_assert_msg(ran >= 1, "no statement ran, yet users were reported");
	assert_reported(&data, &report);
	free(report.users);
	close_database(&data);
}

START_TEST(test_ten_users_take_at_most_two_statements)
{
	assert_constant_statements(10);
}
END_TEST

START_TEST(test_a_thousand_users_take_at_most_two_statements)
{
	assert_constant_statements(1000);
}
END_TEST

/* ---- stopping, errors, and what is left open ----------------------------- */

START_TEST(test_the_callback_can_stop_the_load)
{
	struct database data;
	struct report report = {.stop_after = 3};
	struct ex_sql_error error;

	open_database(&data, 10, true);
	poison(&error);
	load(&data, &report, &error, STOP_CODE);
	ck_assert_msg(report.count == 3,
	              "on_user returned %d on its 3rd call, so it should have "
	              "been called 3 times, got %zu",
	              STOP_CODE, report.count);
	ck_assert_msg(error.code == SQLITE_OK,
	              "a stop asked by on_user is not SQLite's failure: the "
	              "error's code should be SQLITE_OK, got %d",
	              error.code);
	free(report.users);
	close_database(&data);
}
END_TEST

START_TEST(test_sqlite_errors_reach_the_caller_with_their_message)
{
	struct database data;
	struct report report = {0};
	struct ex_sql_error error;

	/* No orders table: the statement cannot even be prepared. */
	open_database(&data, 0, false);
	poison(&error);
	load(&data, &report, &error, DP_EIO);
	ck_assert_msg((error.code & 0xff) == SQLITE_ERROR &&
	                      strstr(error.message, "no such table") != NULL,
	              "without an orders table SQLite says \"no such table: "
	              "orders\" (code %d); the error got code %d and \"%s\"",
	              SQLITE_ERROR, error.code, error.message);
	load(&data, &report, NULL, DP_EIO);
	close_database(&data);

	/* Two orders of INT64_MAX cents: sum() overflows while it steps. */
	open_database(&data, 4, true);
	exec_sql(data.db, "INSERT INTO orders (user_id, amount_cents) VALUES "
	                  "(10, 9223372036854775807), "
	                  "(10, 9223372036854775807)");
	poison(&error);
	load(&data, &report, &error, DP_EIO);
	ck_assert_msg(strstr(error.message, "integer overflow") != NULL,
	              "a total beyond int64_t makes SQLite's sum() fail with "
	              "\"integer overflow\"; the error says \"%s\" (code %d)",
	              error.message, error.code);
	free(report.users);
	close_database(&data);
}
END_TEST

START_TEST(test_invalid_arguments_are_refused)
{
	struct database data;
	struct report report = {0};
	struct ex_sql_error error;

	open_database(&data, 3, true);
	poison(&error);
	grade_assert_code(ex_load_user_totals(NULL, collect, &report, &error),
	                  DP_EINVAL);
	ck_assert_msg(error.code == SQLITE_OK && error.message[0] == '\0',
	              "a refused call is no SQLite failure: the error should "
	              "be cleared (code SQLITE_OK, message \"\")");
	grade_assert_code(ex_load_user_totals(data.db, NULL, &report, &error),
	                  DP_EINVAL);
	ck_assert_msg(report.count == 0 && data.statements == 0,
	              "a refused call must not run anything: %zu users "
	              "reported, %llu statements run",
	              report.count, (unsigned long long)data.statements);
	free(report.users);
	close_database(&data);
}
END_TEST

/* The graded tests, in the order students should tackle them. */
static const struct grade_test TESTS[] = {
	{"test_reports_every_user_with_their_totals",
         test_reports_every_user_with_their_totals, 2,
         "README step 1: the N+1 loop given there is correct; make it "
         "work first. Users by id ascending, each with the count and sum "
         "of their orders."},
	{"test_users_without_orders_are_reported_with_zeros",
         test_users_without_orders_are_reported_with_zeros, 2,
         "An inner JOIN drops the users without orders: keep them with a "
         "LEFT JOIN. And count(*) counts the user's own row: count a "
         "column of orders instead."},
	{"test_ten_users_take_at_most_two_statements",
         test_ten_users_take_at_most_two_statements, 5,
         "README step 2: a query per user is the N+1 query, n + 1 "
         "statements. One query can join the users to their orders and "
         "let SQLite add them up per user (GROUP BY)."},
	{"test_a_thousand_users_take_at_most_two_statements",
         test_a_thousand_users_take_at_most_two_statements, 5,
         "The count must not grow with the users: not one query per "
         "user (N+1), nor one per batch of users. One JOIN, or one "
         "IN (...) list of every user, runs the same at every size."},
	{"test_the_callback_can_stop_the_load",
         test_the_callback_can_stop_the_load, 2,
         "When on_user returns anything but DP_OK, stop stepping, "
         "finalize, and return what it returned."},
	{"test_sqlite_errors_reach_the_caller_with_their_message",
         test_sqlite_errors_reach_the_caller_with_their_message, 3,
         "README step 3: prepare and step can both fail. Copy "
         "sqlite3_extended_errcode() and sqlite3_errmsg() into the error "
         "before you finalize, then return DP_EIO (DP_ENOMEM for "
         "SQLITE_NOMEM)."},
	{"test_invalid_arguments_are_refused",
         test_invalid_arguments_are_refused, 1,
         "Clear the error first, then check db and on_user before "
         "touching SQLite."},
};

int main(int argc, char **argv)
{
	return grade_main("19_batch_reads", TESTS, DP_ARRAY_SIZE(TESTS), argc,
	                  argv);
}
