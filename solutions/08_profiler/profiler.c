/*
 * Exercise 08, the answer: a function decorator that counts and times,
 * plus the one piece of bookkeeping that makes a profiler useful, self
 * time. Each running profiled call owns a "children" counter on its C
 * stack frame; the profiler points at the innermost one, and a call that
 * returns adds its elapsed time to its caller's counter. Self time is then
 * elapsed minus children, exactly cProfile's tottime.
 */
#include "profiler.h"

#include <string.h>

static uint64_t real_now(void *clock_ctx)
{
	(void)clock_ctx;
	return dp_now_ns();
}

int dp_profiler_init(struct dp_profiler *profiler, dp_prof_clock_fn *now,
                     void *clock_ctx)
{
	if (profiler == NULL)
		return DP_EINVAL;
	*profiler = (struct dp_profiler){
		.now = now != NULL ? now : real_now,
		.clock_ctx = clock_ctx,
	};
	return DP_OK;
}

int dp_profiler_wrap(struct dp_profiler *profiler, struct dp_profiled *profiled,
                     const char *name, dp_prof_fn *fn, void *ctx)
{
	if (profiler == NULL || profiled == NULL || name == NULL || fn == NULL)
		return DP_EINVAL;
	if (dp_profiler_find(profiler, name) != NULL)
		return DP_EEXIST;
	if (profiler->count == DP_PROFILER_MAX)
		return DP_ERANGE;
	*profiled = (struct dp_profiled){
		.profiler = profiler,
		.fn = fn,
		.ctx = ctx,
		.name = name,
	};
	profiler->functions[profiler->count++] = profiled;
	return DP_OK;
}

int64_t dp_profiled_call(void *profiled, int64_t arg)
{
	struct dp_profiled *self = profiled;

	if (self == NULL)
		return 0;

	struct dp_profiler *profiler = self->profiler;
	uint64_t children = 0;
	uint64_t *caller = profiler->children_ns;

	profiler->children_ns = &children;
	self->active++;
	uint64_t start = profiler->now(profiler->clock_ctx);
	int64_t result = self->fn(self->ctx, arg);
	uint64_t elapsed = profiler->now(profiler->clock_ctx) - start;
	self->active--;
	profiler->children_ns = caller;

	if (caller != NULL)
		*caller += elapsed;
	self->calls++;
	self->self_ns += elapsed - children;
	/* An inner recursive call's time is already inside the outermost
	 * call's: adding it again would count it once per level. */
	if (self->active == 0)
		self->cumulative_ns += elapsed;
	return result;
}

const struct dp_profiled *dp_profiler_find(const struct dp_profiler *profiler,
                                           const char *name)
{
	if (profiler == NULL || name == NULL)
		return NULL;
	for (size_t i = 0; i < profiler->count; i++)
		if (strcmp(profiler->functions[i]->name, name) == 0)
			return profiler->functions[i];
	return NULL;
}

const struct dp_profiled *
dp_profiler_hottest(const struct dp_profiler *profiler)
{
	if (profiler == NULL)
		return NULL;

	const struct dp_profiled *hottest = NULL;

	for (size_t i = 0; i < profiler->count; i++) {
		const struct dp_profiled *f = profiler->functions[i];
		if (f->calls == 0)
			continue;
		if (hottest == NULL || f->self_ns > hottest->self_ns)
			hottest = f;
	}
	return hottest;
}
