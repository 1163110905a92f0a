/*
 * Exercise 01, the reference answer. The checkout is the context of the
 * Strategy pattern: it validates a table once, when it is installed, and
 * then forwards every line to it without testing a slot again.
 */
#include "strategy.h"

static int64_t regular_price(void *ctx, int64_t unit_cents, unsigned quantity)
{
	(void)ctx;
	return unit_cents * (int64_t)quantity;
}

static int64_t bulk_price(void *ctx, int64_t unit_cents, unsigned quantity)
{
	const struct ex_bulk_rule *rule = ctx;
	int64_t full = unit_cents * (int64_t)quantity;

	if (rule == NULL || quantity < rule->threshold)
		return full;
	/* Integer arithmetic rounds toward zero: down, for a price. */
	return full * (100 - (int64_t)rule->percent_off) / 100;
}

const struct ex_pricing_ops ex_pricing_regular = {
	.name = "regular",
	.price = regular_price,
};

const struct ex_pricing_ops ex_pricing_bulk = {
	.name = "bulk",
	.price = bulk_price,
};

static bool ops_complete(const struct ex_pricing_ops *ops)
{
	return ops != NULL && ops->name != NULL && ops->price != NULL;
}

int ex_checkout_init(struct ex_checkout *checkout,
                     const struct ex_pricing_ops *ops, void *ctx)
{
	if (checkout == NULL || !ops_complete(ops))
		return DP_EINVAL;
	checkout->ops = ops;
	checkout->ctx = ctx;
	return DP_OK;
}

int ex_checkout_set_strategy(struct ex_checkout *checkout,
                             const struct ex_pricing_ops *ops, void *ctx)
{
	/* The same checks as init, before anything is written: a refused
	 * table leaves the old strategy in place. */
	return ex_checkout_init(checkout, ops, ctx);
}

const char *ex_checkout_strategy_name(const struct ex_checkout *checkout)
{
	return checkout == NULL ? NULL : checkout->ops->name;
}

int ex_checkout_total(const struct ex_checkout *checkout,
                      const struct ex_item *items, size_t count, int64_t *total)
{
	if (checkout == NULL || total == NULL || (items == NULL && count > 0))
		return DP_EINVAL;
	int64_t sum = 0;
	for (size_t i = 0; i < count; i++)
		sum += checkout->ops->price(checkout->ctx, items[i].unit_cents,
		                            items[i].quantity);
	*total = sum;
	return DP_OK;
}
