/*
 * Exercise 08, the answer: a function decorator that counts and times,
 * plus the one piece of bookkeeping that makes a profiler useful, self
 * time. Each running profiled call owns a "children" counter on its C
 * stack frame; the profiler points at the innermost one, and a call that
 * returns adds its elapsed time to its caller's counter. Self time is then
 * elapsed minus children, exactly cProfile's tottime.
 */
#include "profiler.h"

#include <stdalign.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

static uint64_t real_now(void *clock_ctx)
{
	(void)clock_ctx;
	return dp_now_ns();
}

int ex_profiler_init(struct ex_profiler *profiler, ex_prof_clock_fn *now,
                     void *clock_ctx)
{
	if (profiler == NULL)
		return DP_EINVAL;
	*profiler = (struct ex_profiler){
		.now = now != NULL ? now : real_now,
		.clock_ctx = clock_ctx,
	};
	return DP_OK;
}

int ex_profiler_wrap(struct ex_profiler *profiler, struct ex_profiled *profiled,
                     const char *name, ex_prof_fn *fn, void *ctx)
{
	if (profiler == NULL || profiled == NULL || name == NULL || fn == NULL)
		return DP_EINVAL;
	if (ex_profiler_find(profiler, name) != NULL)
		return DP_EEXIST;
	if (profiler->count == EX_PROFILER_MAX)
		return DP_ERANGE;
	*profiled = (struct ex_profiled){
		.profiler = profiler,
		.fn = fn,
		.ctx = ctx,
		.name = name,
	};
	profiler->functions[profiler->count++] = profiled;
	return DP_OK;
}

int64_t ex_profiled_call(void *profiled, int64_t arg)
{
	struct ex_profiled *self = profiled;

	if (self == NULL)
		return 0;

	struct ex_profiler *profiler = self->profiler;
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

const struct ex_profiled *ex_profiler_find(const struct ex_profiler *profiler,
                                           const char *name)
{
	if (profiler == NULL || name == NULL)
		return NULL;
	for (size_t i = 0; i < profiler->count; i++)
		if (strcmp(profiler->functions[i]->name, name) == 0)
			return profiler->functions[i];
	return NULL;
}

const struct ex_profiled *
ex_profiler_hottest(const struct ex_profiler *profiler)
{
	if (profiler == NULL)
		return NULL;

	const struct ex_profiled *hottest = NULL;

	for (size_t i = 0; i < profiler->count; i++) {
		const struct ex_profiled *f = profiler->functions[i];
		if (f->calls == 0)
			continue;
		if (hottest == NULL || f->self_ns > hottest->self_ns)
			hottest = f;
	}
	return hottest;
}

/* ---- memory_profiler: the memory tracker --------------------------------- */

/*
 * Each block carries its requested size in a header just before it, so a
 * free or a resize knows how many bytes leave: the allocator interface
 * does not pass the old size. The alignment keeps the caller's part
 * aligned for any type, as the parent's block is.
 */
struct mem_header {
	alignas(max_align_t) size_t size;
};

static void *tracked_reallocate(void *ctx, void *ptr, size_t size)
{
	struct ex_mem_tracker *tracker = ctx;
	const struct dp_allocator *parent = tracker->parent;
	struct mem_header *block = NULL;
	size_t old_size = 0;

	if (ptr != NULL) {
		block = (struct mem_header *)ptr - 1;
		old_size = block->size;
	}
	if (size == 0) {
		if (block != NULL) {
			parent->reallocate(parent->ctx, block, 0);
			tracker->frees++;
			tracker->current_bytes -= old_size;
		}
		return NULL;
	}
	if (size > SIZE_MAX - sizeof(*block))
		return NULL;
	struct mem_header *grown =
		parent->reallocate(parent->ctx, block, sizeof(*block) + size);
	if (grown == NULL)
		return NULL; /* The old block, if any, is untouched. */
	grown->size = size;
	if (block == NULL)
		tracker->allocations++;
	/* A resize moves the figure by the difference; growing one is an
	 * allocation as far as the peak is concerned. */
	tracker->current_bytes = tracker->current_bytes - old_size + size;
	if (tracker->current_bytes > tracker->peak_bytes)
		tracker->peak_bytes = tracker->current_bytes;
	return grown + 1;
}

int ex_mem_tracker_init(struct ex_mem_tracker *tracker,
                        const struct dp_allocator *parent)
{
	if (tracker == NULL)
		return DP_EINVAL;
	*tracker = (struct ex_mem_tracker){
		.base = {.reallocate = tracked_reallocate, .ctx = tracker},
		.parent = parent != NULL ? parent : dp_allocator_default(),
	};
	return DP_OK;
}

int ex_mem_tracker_mark(struct ex_mem_tracker *tracker,
                        struct ex_mem_line *line)
{
	if (tracker == NULL || line == NULL)
		return DP_EINVAL;
	*line = (struct ex_mem_line){
		.current_bytes = tracker->current_bytes,
		.increment = (int64_t)tracker->current_bytes -
	                     (int64_t)tracker->marked_bytes,
		.peak_bytes = tracker->peak_bytes,
	};
	tracker->marked_bytes = tracker->current_bytes;
	return DP_OK;
}
