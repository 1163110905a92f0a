/*
 * The function decorator: the same idea as the stream decorators, applied
 * to one function pointer. dp_timed_fn_call has the wrapped function's
 * shape, so the wrapper can go wherever the function went.
 */
#include "decorator/decorator.h"

static uint64_t default_now(void *clock_ctx)
{
	(void)clock_ctx;
	return dp_now_ns();
}

int dp_timed_fn_init(struct dp_timed_fn *timed, dp_int64_fn *fn, void *ctx,
                     const char *name, uint64_t (*now)(void *clock_ctx),
                     void *clock_ctx)
{
	if (timed == NULL || fn == NULL)
		return DP_EINVAL;
	*timed = (struct dp_timed_fn){
		.fn = fn,
		.ctx = ctx,
		.name = name,
		.now = now != NULL ? now : default_now,
		.clock_ctx = clock_ctx,
		.min_ns = UINT64_MAX,
	};
	return DP_OK;
}

int64_t dp_timed_fn_call(void *timed, int64_t arg)
{
	struct dp_timed_fn *self = timed;

	if (self == NULL)
		return 0;
	uint64_t start = self->now(self->clock_ctx);
	int64_t result = self->fn(self->ctx, arg);
	uint64_t elapsed = self->now(self->clock_ctx) - start;

	/* Counted after the call returns, so a recursive function that
	 * calls its own wrapper counts every level and its time includes
	 * the levels below, as a profiler's inclusive time does. */
	self->calls++;
	self->total_ns += elapsed;
	if (elapsed < self->min_ns)
		self->min_ns = elapsed;
	if (elapsed > self->max_ns)
		self->max_ns = elapsed;
	return result;
}

double dp_timed_fn_mean_ns(const struct dp_timed_fn *timed)
{
	if (timed == NULL || timed->calls == 0)
		return 0;
	return (double)timed->total_ns / (double)timed->calls;
}
