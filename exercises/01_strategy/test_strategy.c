/*
 * Exercise 01, Strategy: the graded tests. A checkout must price through
 * whichever table it holds, hand the table its context unchanged, check a
 * table once when it is installed, and let the strategy change at run time.
 */
#include "grade.h"
#include "grade_assert.h"
#include "strategy.h"

#include <string.h>

/* A strategy of the test's own, which records how it is called: the
 * checkout must work with any table, not only the two it ships with. */
struct spy {
	int calls;
	void *last_ctx;
};

static int64_t spy_price(void *ctx, int64_t unit_cents, unsigned quantity)
{
	struct spy *spy = ctx;

	spy->calls++;
	spy->last_ctx = ctx;
	return unit_cents + quantity;
}

static const struct ex_pricing_ops SPY = {.name = "spy", .price = spy_price};

static const struct ex_item CART[] = {{250, 4}, {100, 10}, {999, 1}};
enum { CART_LINES = sizeof(CART) / sizeof(CART[0]) };

START_TEST(test_regular_price_is_unit_times_quantity)
{
	ck_assert_msg(ex_pricing_regular.price != NULL,
	              "ex_pricing_regular has no price function");
	int64_t price = ex_pricing_regular.price(NULL, 250, 4);
	ck_assert_msg(price == 1000,
	              "4 units at 250 cents should cost 1000, not %lld",
	              (long long)price);
	ck_assert_int_eq(ex_pricing_regular.price(NULL, 250, 0), 0);
}
END_TEST

START_TEST(test_bulk_price_takes_the_discount_from_the_threshold)
{
	struct ex_bulk_rule rule = {.threshold = 10, .percent_off = 15};

	ck_assert_msg(ex_pricing_bulk.price != NULL,
	              "ex_pricing_bulk has no price function");
	int64_t below = ex_pricing_bulk.price(&rule, 100, 9);
	ck_assert_msg(below == 900,
	              "9 units (below the threshold of 10) at 100 should "
	              "cost the regular 900, not %lld",
	              (long long)below);
	int64_t at = ex_pricing_bulk.price(&rule, 100, 10);
	ck_assert_msg(at == 850,
	              "10 units at 100 with 15%% off should cost 850, not %lld",
	              (long long)at);
	int64_t rounded = ex_pricing_bulk.price(&rule, 33, 10);
	ck_assert_msg(rounded == 280,
	              "330 with 15%% off is 280.5, rounded down to 280, not "
	              "%lld",
	              (long long)rounded);
}
END_TEST

START_TEST(test_tables_are_named)
{
	ck_assert_pstr_eq(ex_pricing_regular.name, "regular");
	ck_assert_pstr_eq(ex_pricing_bulk.name, "bulk");
}
END_TEST

START_TEST(test_init_refuses_an_incomplete_table)
{
	struct ex_checkout checkout = {.ops = &SPY, .ctx = NULL};
	const struct ex_pricing_ops no_price = {.name = "broken"};
	const struct ex_pricing_ops no_name = {.price = spy_price};

	grade_assert_code(ex_checkout_init(&checkout, NULL, NULL), DP_EINVAL);
	grade_assert_code(ex_checkout_init(&checkout, &no_price, NULL),
	                  DP_EINVAL);
	grade_assert_code(ex_checkout_init(&checkout, &no_name, NULL),
	                  DP_EINVAL);
	grade_assert_code(ex_checkout_init(NULL, &SPY, NULL), DP_EINVAL);
	ck_assert_msg(checkout.ops == &SPY,
	              "a refused init must not write the checkout");
}
END_TEST

START_TEST(test_total_prices_every_line_through_the_strategy)
{
	struct spy spy = {0};
	struct ex_checkout checkout;
	int64_t total = -1;

	grade_assert_code(ex_checkout_init(&checkout, &SPY, &spy), DP_OK);
	grade_assert_code(
		ex_checkout_total(&checkout, CART, CART_LINES, &total), DP_OK);
	ck_assert_msg(spy.calls == CART_LINES,
	              "a cart of %d lines should call the strategy's price "
	              "%d times, it called it %d times",
	              CART_LINES, CART_LINES, spy.calls);
	ck_assert_msg(spy.last_ctx == &spy,
	              "the strategy must get back the context given to init");
	ck_assert_msg(total == 254 + 110 + 1000,
	              "the total should be the sum of the strategy's prices, "
	              "1364, not %lld",
	              (long long)total);
}
END_TEST

START_TEST(test_total_of_an_empty_cart_is_zero)
{
	struct ex_checkout checkout;
	int64_t total = -1;

	grade_assert_code(
		ex_checkout_init(&checkout, &ex_pricing_regular, NULL), DP_OK);
	grade_assert_code(ex_checkout_total(&checkout, NULL, 0, &total), DP_OK);
	ck_assert_int_eq(total, 0);
}
END_TEST

START_TEST(test_strategy_changes_at_run_time)
{
	struct ex_bulk_rule rule = {.threshold = 10, .percent_off = 50};
	struct ex_checkout checkout;
	int64_t regular = -1;
	int64_t bulk = -1;

	grade_assert_code(
		ex_checkout_init(&checkout, &ex_pricing_regular, NULL), DP_OK);
	grade_assert_code(
		ex_checkout_total(&checkout, CART, CART_LINES, &regular),
		DP_OK);
	ck_assert_int_eq(regular, 1000 + 1000 + 999);
	grade_assert_code(
		ex_checkout_set_strategy(&checkout, &ex_pricing_bulk, &rule),
		DP_OK);
	ck_assert_pstr_eq(ex_checkout_strategy_name(&checkout), "bulk");
	grade_assert_code(ex_checkout_total(&checkout, CART, CART_LINES, &bulk),
	                  DP_OK);
	ck_assert_msg(bulk == 1000 + 500 + 999,
	              "after the change to bulk (50%% off from 10 units), the "
	              "cart should cost 2499, not %lld",
	              (long long)bulk);
}
END_TEST

START_TEST(test_a_refused_change_keeps_the_old_strategy)
{
	const struct ex_pricing_ops no_price = {.name = "broken"};
	struct ex_checkout checkout;
	int64_t total = -1;

	grade_assert_code(
		ex_checkout_init(&checkout, &ex_pricing_regular, NULL), DP_OK);
	grade_assert_code(ex_checkout_set_strategy(&checkout, &no_price, NULL),
	                  DP_EINVAL);
	grade_assert_code(ex_checkout_set_strategy(&checkout, NULL, NULL),
	                  DP_EINVAL);
	grade_assert_code(
		ex_checkout_set_strategy(NULL, &ex_pricing_bulk, NULL),
		DP_EINVAL);
	ck_assert_pstr_eq(ex_checkout_strategy_name(&checkout), "regular");
	grade_assert_code(ex_checkout_total(&checkout, CART, 1, &total), DP_OK);
	ck_assert_int_eq(total, 1000);
}
END_TEST

START_TEST(test_total_rejects_invalid_arguments)
{
	struct ex_checkout checkout;
	int64_t total = 42;

	grade_assert_code(
		ex_checkout_init(&checkout, &ex_pricing_regular, NULL), DP_OK);
	grade_assert_code(ex_checkout_total(NULL, CART, 1, &total), DP_EINVAL);
	grade_assert_code(ex_checkout_total(&checkout, CART, 1, NULL),
	                  DP_EINVAL);
	grade_assert_code(ex_checkout_total(&checkout, NULL, 1, &total),
	                  DP_EINVAL);
	ck_assert_msg(total == 42, "a refused call must not write the total");
	ck_assert_ptr_null(ex_checkout_strategy_name(NULL));
}
END_TEST

/* The graded tests, in the order students should tackle them. */
static const struct grade_test TESTS[] = {
	{"test_regular_price_is_unit_times_quantity",
         test_regular_price_is_unit_times_quantity, 1,
         "Start with regular_price() in strategy.c: multiply, and mind the "
         "types (int64_t times unsigned)."},
	{"test_bulk_price_takes_the_discount_from_the_threshold",
         test_bulk_price_takes_the_discount_from_the_threshold, 2,
         "bulk_price() gets its rule through ctx: convert the pointer, compare "
         "the quantity with the threshold, and do the percentage in integers "
         "so that it rounds down."},
	{"test_tables_are_named", test_tables_are_named, 1,
         "Each ops table needs its .name; see the comments on "
         "ex_pricing_regular and ex_pricing_bulk in strategy.h."},
	{"test_init_refuses_an_incomplete_table",
         test_init_refuses_an_incomplete_table, 2,
         "Check the table once, in ex_checkout_init(): NULL table or any NULL "
         "slot is DP_EINVAL, and check everything before you write anything."},
	{"test_total_prices_every_line_through_the_strategy",
         test_total_prices_every_line_through_the_strategy, 3,
         "ex_checkout_total() must call checkout->ops->price once per line "
         "with checkout->ctx, never a strategy by name: that is the pattern."},
	{"test_total_of_an_empty_cart_is_zero",
         test_total_of_an_empty_cart_is_zero, 1,
         "An empty cart (NULL, 0) is valid: the sum of nothing is 0."},
	{"test_strategy_changes_at_run_time", test_strategy_changes_at_run_time,
         3,
         "ex_checkout_set_strategy() swaps the table and its context; the "
         "next total must use the new ones."},
	{"test_a_refused_change_keeps_the_old_strategy",
         test_a_refused_change_keeps_the_old_strategy, 2,
         "Validate the new table before touching the checkout; reuse the "
         "checks of ex_checkout_init()."},
	{"test_total_rejects_invalid_arguments",
         test_total_rejects_invalid_arguments, 2,
         "Return DP_EINVAL for a NULL checkout, a NULL total, or NULL items "
         "with a non-zero count, before writing anything. "
         "ex_checkout_strategy_name(NULL) is NULL."},
};

int main(int argc, char **argv)
{
	return grade_main("01_strategy", TESTS,
	                  sizeof(TESTS) / sizeof(TESTS[0]), argc, argv);
}
