/**
 * @file strategy.h
 * @brief Exercise 01, Strategy: a checkout whose pricing rule is a table of
 *        function pointers chosen, and changed, at run time.
 *
 * Ownership: a checkout is caller-allocated and owns nothing; it keeps
 * pointers to the caller's ops table and context, which must outlive it.
 * Thread-safety: none; one checkout belongs to one thread at a time.
 */
#ifndef EX_STRATEGY_H
#define EX_STRATEGY_H

#include "common/dp_common.h"

#include <stddef.h>
#include <stdint.h>

/**
 * @brief The strategy interface: how a line of the cart is priced.
 *
 * Fill a table with designated initialisers; the checkout checks it once,
 * when it is installed, so it never tests a slot again.
 */
struct ex_pricing_ops {
	/** Required. A short name for people: "regular", "bulk". */
	const char *name;

	/**
	 * Required. The price of `quantity` units of `unit_cents` each.
	 * @param[in] ctx        The context given with the table, unchanged.
	 * @param[in] unit_cents The price of one unit, in cents.
	 * @param[in] quantity   How many units.
	 * @return The price of the line, in cents.
	 */
	int64_t (*price)(void *ctx, int64_t unit_cents, unsigned quantity);
};

/** @brief The context of #ex_pricing_bulk: a discount from a quantity on. */
struct ex_bulk_rule {
	unsigned threshold;   /**< Lines of at least this many units ... */
	unsigned percent_off; /**< ... cost this much less, 0 to 100. */
};

/**
 * @brief Regular pricing: unit price times quantity. Its context is unused
 *        (pass NULL).
 */
extern const struct ex_pricing_ops ex_pricing_regular;

/**
 * @brief Bulk pricing: its context is a `struct ex_bulk_rule *`. A
 *        line of at least `threshold` units costs `percent_off` percent
 *        less, rounded down to a whole cent; smaller lines cost the
 *        regular price.
 */
extern const struct ex_pricing_ops ex_pricing_bulk;

/** @brief One line of a cart. */
struct ex_item {
	int64_t unit_cents; /**< The price of one unit, in cents. */
	unsigned quantity;  /**< How many units. */
};

/**
 * @brief The context of the pattern: a checkout that prices carts with
 *        its current strategy. Public so that callers can allocate it;
 *        touch it only through the functions below.
 */
struct ex_checkout {
	const struct ex_pricing_ops *ops; /**< The strategy in use. */
	void *ctx;                        /**< Handed to every call of `ops`. */
};

/**
 * @brief Set up a checkout with a strategy.
 * @param[out] checkout The checkout to set up.
 * @param[in]  ops      The strategy; every slot is required.
 * @param[in]  ctx      Its context, handed back unchanged; may be NULL.
 * @return #DP_OK; #DP_EINVAL when `checkout` or `ops` is NULL or a slot of
 *         `ops` is NULL, and then `checkout` is not written.
 */
int ex_checkout_init(struct ex_checkout *checkout,
                     const struct ex_pricing_ops *ops, void *ctx);

/**
 * @brief Change the strategy: the next total uses the new one.
 * @param[in,out] checkout The checkout.
 * @param[in]     ops      The new strategy; every slot is required.
 * @param[in]     ctx      Its context; may be NULL.
 * @return #DP_OK; #DP_EINVAL when an argument is invalid as for
 *         ex_checkout_init(), and then the old strategy stays.
 */
int ex_checkout_set_strategy(struct ex_checkout *checkout,
                             const struct ex_pricing_ops *ops, void *ctx);

/**
 * @brief The name of the strategy in use.
 * @param[in] checkout The checkout.
 * @return Its ops table's name; NULL when `checkout` is NULL.
 */
const char *ex_checkout_strategy_name(const struct ex_checkout *checkout);

/**
 * @brief Price a cart: the sum of the strategy's price for every line.
 * @param[in]  checkout The checkout.
 * @param[in]  items    The lines; may be NULL only when `count` is 0.
 * @param[in]  count    The number of lines.
 * @param[out] total    Receives the sum, in cents.
 * @return #DP_OK; #DP_EINVAL when `checkout` or `total` is NULL, or
 *         `items` is NULL with a non-zero `count`, and then `*total` is
 *         not written.
 */
int ex_checkout_total(const struct ex_checkout *checkout,
                      const struct ex_item *items, size_t count,
                      int64_t *total);

#endif /* EX_STRATEGY_H */
