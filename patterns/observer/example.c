/*
 * A price feed and the parts of a trading screen that watch it.
 *
 * The feed is the subject and knows its observers only by their nodes.
 * Each observer embeds a struct dp_observer and gets itself back with
 * dp_container_of:
 * - a guard (priority 100) vetoes a tick that moves a price by more than
 *   20%: it marks the tick rejected and stops the delivery, so nothing
 *   downstream ever sees the bad price;
 * - a memoised portfolio value (priority 50) is only marked stale by a
 *   change and recomputed when next read, however many ticks came between;
 * - a ticker (priority 0) shows each accepted tick;
 * - an alert (priority 0, subscribed after the ticker, so called after it)
 *   reports the next two ticks of one symbol, then unsubscribes itself.
 * A reload of every price is one FEED_RELOADED event, not one per price:
 * the batched notification that keeps observers' work per change, not per
 * item.
 */
#include "observer/observer.h"

#include <stdio.h>
#include <stdlib.h>

/* ---- the subject -------------------------------------------------------- */

enum feed_event { FEED_TICK = 1, FEED_RELOADED = 2 };

enum { SYMBOLS = 3 };

/* The payload of FEED_TICK. Observers are told before the price changes,
 * so the guard can veto it; the others only record that it will. */
struct tick {
	const char *symbol;
	long old_cents;
	long new_cents;
	bool rejected; /* set by an observer that vetoes the tick */
};

/* The payload of FEED_RELOADED. */
struct reload {
	size_t count;
};

struct feed {
	struct dp_subject changes;
	const char *symbols[SYMBOLS];
	long cents[SYMBOLS];
};

static void print_cents(long cents)
{
	printf("%ld.%02ld", cents / 100, cents % 100);
}

static void feed_tick(struct feed *feed, size_t index, long cents)
{
	struct tick tick = {
		.symbol = feed->symbols[index],
		.old_cents = feed->cents[index],
		.new_cents = cents,
	};

	printf("tick %s ", tick.symbol);
	print_cents(tick.old_cents);
	printf(" -> ");
	print_cents(tick.new_cents);
	printf("\n");
	int called = dp_subject_notify(&feed->changes, FEED_TICK, &tick);
	if (!tick.rejected)
		feed->cents[index] = cents;
	printf("  observers called: %d\n", called);
}

static void feed_reload(struct feed *feed, const long *cents)
{
	struct reload reload = {.count = SYMBOLS};

	for (size_t i = 0; i < SYMBOLS; i++)
		feed->cents[i] = cents[i];
	printf("reload %zu prices\n", reload.count);
	int called = dp_subject_notify(&feed->changes, FEED_RELOADED, &reload);
	printf("  observers called: %d\n", called);
}

/* ---- the observers -------------------------------------------------------- */

struct guard {
	struct dp_observer observer;
	int vetoes;
};

static int guard_notify(struct dp_observer *self, int event, void *data)
{
	struct guard *guard = dp_container_of(self, struct guard, observer);

	if (event != FEED_TICK) {
		printf("  guard      reload from a trusted source, ok\n");
		return DP_NOTIFY_CONTINUE;
	}
	struct tick *tick = data;
	long move = labs(tick->new_cents - tick->old_cents);
	if (move * 5 > tick->old_cents) {
		tick->rejected = true;
		guard->vetoes++;
		printf("  guard      rejected: more than 20%%, delivery "
		       "stopped\n");
		return DP_NOTIFY_STOP;
	}
	printf("  guard      ok\n");
	return DP_NOTIFY_CONTINUE;
}

struct portfolio {
	struct dp_observer observer;
	const struct feed *feed;
	long shares[SYMBOLS];
	long value_cents; /* valid when !stale */
	bool stale;
	int changes;
	int recomputations;
};

static int portfolio_notify(struct dp_observer *self, int event, void *data)
{
	struct portfolio *portfolio =
		dp_container_of(self, struct portfolio, observer);

	(void)event;
	(void)data;
	portfolio->changes++;
	if (!portfolio->stale)
		printf("  portfolio  cached value is stale\n");
	else
		printf("  portfolio  already stale, nothing to do\n");
	portfolio->stale = true;
	return DP_NOTIFY_CONTINUE;
}

static long portfolio_value(struct portfolio *portfolio)
{
	if (portfolio->stale) {
		portfolio->value_cents = 0;
		for (size_t i = 0; i < SYMBOLS; i++)
			portfolio->value_cents += portfolio->shares[i] *
			                          portfolio->feed->cents[i];
		portfolio->stale = false;
		portfolio->recomputations++;
	}
	return portfolio->value_cents;
}

static void show_portfolio(struct portfolio *portfolio)
{
	int before = portfolio->recomputations;
	long value = portfolio_value(portfolio);

	printf("portfolio value ");
	print_cents(value);
	printf(" (%s)\n", portfolio->recomputations > before ? "recomputed"
	                                                     : "from cache");
}

struct ticker {
	struct dp_observer observer;
	int shown;
};

static int ticker_notify(struct dp_observer *self, int event, void *data)
{
	struct ticker *ticker = dp_container_of(self, struct ticker, observer);

	ticker->shown++;
	if (event == FEED_RELOADED) {
		const struct reload *reload = data;
		printf("  ticker     redraw all %zu prices at once\n",
		       reload->count);
		return DP_NOTIFY_CONTINUE;
	}
	const struct tick *tick = data;
	printf("  ticker     %s ", tick->symbol);
	print_cents(tick->new_cents);
	printf(" (%+.1f%%)\n",
	       100.0 * (double)(tick->new_cents - tick->old_cents) /
	               (double)tick->old_cents);
	return DP_NOTIFY_CONTINUE;
}

struct alert {
	struct dp_observer observer;
	struct dp_subject *feed_changes;
	const char *symbol;
	int remaining;
};

static int alert_notify(struct dp_observer *self, int event, void *data)
{
	struct alert *alert = dp_container_of(self, struct alert, observer);

	if (event != FEED_TICK)
		return DP_NOTIFY_CONTINUE;
	const struct tick *tick = data;
	if (tick->symbol != alert->symbol)
		return DP_NOTIFY_CONTINUE;
	alert->remaining--;
	printf("  alert      %s moved, %d more to report\n", tick->symbol,
	       alert->remaining);
	/* Safe from inside the callback: the feed's delivery has already
	 * moved past this node. */
	if (alert->remaining == 0) {
		dp_subject_unsubscribe(alert->feed_changes, &alert->observer);
		printf("  alert      done, unsubscribed itself\n");
	}
	return DP_NOTIFY_CONTINUE;
}

int main(void)
{
	struct feed feed = {
		.symbols = {"ACME", "GLOBX", "INITECH"},
		.cents = {1000, 5000, 250},
	};
	struct guard guard = {.vetoes = 0};
	struct portfolio portfolio = {
		.feed = &feed,
		.shares = {10, 5, 40},
		.stale = true,
	};
	struct ticker ticker = {.shown = 0};
	struct alert alert = {
		.feed_changes = &feed.changes,
		.symbol = feed.symbols[0],
		.remaining = 2,
	};

	/* Subscribed in an order unlike the delivery order on purpose: the
	 * priorities decide, then the order of subscription among equals. */
	dp_subject_init(&feed.changes);
	dp_observer_init(&ticker.observer, ticker_notify, 0);
	dp_observer_init(&alert.observer, alert_notify, 0);
	dp_observer_init(&portfolio.observer, portfolio_notify, 50);
	dp_observer_init(&guard.observer, guard_notify, 100);
	struct dp_observer *const all[] = {&ticker.observer, &alert.observer,
	                                   &portfolio.observer,
	                                   &guard.observer};
	for (size_t i = 0; i < DP_ARRAY_SIZE(all); i++) {
		int rc = dp_subject_subscribe(&feed.changes, all[i]);
		if (rc != DP_OK) {
			fprintf(stderr, "example: %s\n", dp_strerror(rc));
			return EXIT_FAILURE;
		}
	}
	printf("subscribed: ticker 0, alert 0, portfolio 50, guard 100\n");
	int again = dp_subject_subscribe(&feed.changes, &ticker.observer);
	printf("subscribe the ticker again: %s\n", dp_error_name(again));

	show_portfolio(&portfolio);
	feed_tick(&feed, 0, 1020);
	feed_tick(&feed, 2, 260);
	show_portfolio(&portfolio);
	show_portfolio(&portfolio);
	feed_tick(&feed, 1, 9000);
	show_portfolio(&portfolio);
	feed_tick(&feed, 0, 1010);
	feed_tick(&feed, 0, 1030);
	const long reloaded[SYMBOLS] = {1040, 5100, 255};
	feed_reload(&feed, reloaded);
	show_portfolio(&portfolio);

	printf("portfolio: %d changes, %d recomputations\n", portfolio.changes,
	       portfolio.recomputations);
	printf("guard: %d veto; ticker: %d updates shown\n", guard.vetoes,
	       ticker.shown);
	int absent = dp_subject_unsubscribe(&feed.changes, &alert.observer);
	printf("unsubscribe the alert again: %s\n", dp_error_name(absent));
	dp_subject_deinit(&feed.changes);
	printf("after deinit: %zu observers, ticker subscribed: %s\n",
	       dp_subject_count(&feed.changes),
	       dp_subject_has(&feed.changes, &ticker.observer) ? "yes" : "no");
	return EXIT_SUCCESS;
}
