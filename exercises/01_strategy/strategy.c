/*
 * Exercise 01, Strategy: your answer goes here. Read README.md first, then
 * strategy.h, which says what each function must do. Every function below
 * compiles and returns a placeholder; replace each TODO.
 */
#include "strategy.h"

static int64_t regular_price(void *ctx, int64_t unit_cents, unsigned quantity)
{
	/* TODO: the unit price times the quantity; the context is unused. */
	(void)ctx;
	(void)unit_cents;
	(void)quantity;
	return 0;
}

static int64_t bulk_price(void *ctx, int64_t unit_cents, unsigned quantity)
{
	/* TODO: ctx is a struct ex_bulk_rule *. From the threshold on,
	 * take percent_off percent off the regular price, rounding down. */
	(void)ctx;
	(void)unit_cents;
	(void)quantity;
	return 0;
}

/* TODO: fill in the name of each table ("regular", "bulk"). */
const struct ex_pricing_ops ex_pricing_regular = {
	.name = NULL,
	.price = regular_price,
};

const struct ex_pricing_ops ex_pricing_bulk = {
	.name = NULL,
	.price = bulk_price,
};

int ex_checkout_init(struct ex_checkout *checkout,
                     const struct ex_pricing_ops *ops, void *ctx)
{
	/* TODO: refuse a NULL checkout, a NULL table or a table with an empty
	 * slot with DP_EINVAL; otherwise remember the table and context. */
	(void)checkout;
	(void)ops;
	(void)ctx;
	return DP_ENOTSUP;
}

int ex_checkout_set_strategy(struct ex_checkout *checkout,
                             const struct ex_pricing_ops *ops, void *ctx)
{
	/* TODO: the same checks as init; a refused table changes nothing. */
	(void)checkout;
	(void)ops;
	(void)ctx;
	return DP_ENOTSUP;
}

const char *ex_checkout_strategy_name(const struct ex_checkout *checkout)
{
	/* TODO: the name of the table in use. */
	(void)checkout;
	return NULL;
}

int ex_checkout_total(const struct ex_checkout *checkout,
                      const struct ex_item *items, size_t count, int64_t *total)
{
	/* TODO: check the arguments, then add up the strategy's price of
	 * every line, calling it through the table with the context. */
	(void)checkout;
	(void)items;
	(void)count;
	(void)total;
	return DP_ENOTSUP;
}
