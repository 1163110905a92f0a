/*
 * Exercise 14, the answer: a generator is an ops table and a context, and
 * a stage is a generator whose context owns the iterator it pulls from.
 * Each pull travels down the chain to the source and one value travels
 * back up, so a stage keeps only what its own job needs: nothing for map
 * and filter, the last `width` values for the window. That is why the
 * peak memory is the same for a thousand values and for a million.
 */
#include "pipeline.h"

struct ex_iter {
	const struct ex_iter_ops *ops;
	void *ctx;
	const struct dp_allocator *alloc;
	/* Set after any answer but DP_OK: Python's exhausted generator
	 * keeps raising StopIteration without running again. */
	bool finished;
};

ex_iter *ex_iter_create(const struct ex_iter_ops *ops, void *ctx,
                        const struct dp_allocator *alloc)
{
	if (ops == NULL || ops->next == NULL)
		return NULL;
	ex_iter *it = dp_alloc(alloc, sizeof(*it));
	if (it == NULL)
		return NULL;
	*it = (struct ex_iter){.ops = ops, .ctx = ctx, .alloc = alloc};
	return it;
}

int ex_iter_next(ex_iter *it, int64_t *value)
{
	if (it == NULL || value == NULL)
		return DP_EINVAL;
	if (it->finished)
		return DP_ENOENT;
	int rc = it->ops->next(it->ctx, value);
	if (rc != DP_OK)
		it->finished = true;
	return rc;
}

void ex_iter_close(ex_iter *it)
{
	if (it == NULL)
		return;
	if (it->ops->close != NULL)
		it->ops->close(it->ctx);
	dp_free(it->alloc, it);
}

/* ---- the stages ----------------------------------------------------------- */

/*
 * Every stage has the same state: its upstream, its function (map or
 * filter) with its context, and what the window and take need. One struct
 * keeps construction, closing and the failure path in one place.
 */
struct stage {
	ex_iter *upstream;
	const struct dp_allocator *alloc;
	ex_map_fn *map;
	ex_keep_fn *keep;
	void *fn_ctx;
	int64_t *window; /* The last `width` values, a ring. */
	size_t width;    /* Also take's remaining count. */
	size_t filled;   /* Values in the ring so far (up to width). */
	size_t oldest;   /* The ring's slot of the oldest value. */
	int64_t sum;     /* The sum of the values in the ring. */
};

static void stage_close(void *ctx)
{
	struct stage *stage = ctx;

	ex_iter_close(stage->upstream);
	dp_free(stage->alloc, stage->window);
	dp_free(stage->alloc, stage);
}

/* Wrap `stage` (allocated by the caller, upstream set) into an iterator;
 * on failure close everything, upstream included, as the header says. */
static ex_iter *stage_wrap(const struct ex_iter_ops *ops, struct stage *stage)
{
	ex_iter *it = ex_iter_create(ops, stage, stage->alloc);

	if (it == NULL)
		stage_close(stage);
	return it;
}

static struct stage *stage_new(ex_iter *upstream,
                               const struct dp_allocator *alloc)
{
	struct stage *stage = dp_alloc(alloc, sizeof(*stage));

	if (stage == NULL) {
		ex_iter_close(upstream);
		return NULL;
	}
	*stage = (struct stage){.upstream = upstream, .alloc = alloc};
	return stage;
}

static int map_next(void *ctx, int64_t *value)
{
	struct stage *stage = ctx;
	int64_t in;
	int rc = ex_iter_next(stage->upstream, &in);

	if (rc != DP_OK)
		return rc;
	return stage->map(stage->fn_ctx, in, value);
}

static const struct ex_iter_ops map_ops = {.next = map_next,
                                           .close = stage_close};

ex_iter *ex_iter_map(ex_iter *upstream, ex_map_fn *fn, void *ctx,
                     const struct dp_allocator *alloc)
{
	if (upstream == NULL || fn == NULL) {
		ex_iter_close(upstream);
		return NULL;
	}
	struct stage *stage = stage_new(upstream, alloc);
	if (stage == NULL)
		return NULL;
	stage->map = fn;
	stage->fn_ctx = ctx;
	return stage_wrap(&map_ops, stage);
}

static int filter_next(void *ctx, int64_t *value)
{
	struct stage *stage = ctx;
	int64_t in;
	int rc;

	while ((rc = ex_iter_next(stage->upstream, &in)) == DP_OK) {
		if (stage->keep(stage->fn_ctx, in)) {
			*value = in;
			return DP_OK;
		}
	}
	return rc;
}

static const struct ex_iter_ops filter_ops = {.next = filter_next,
                                              .close = stage_close};

ex_iter *ex_iter_filter(ex_iter *upstream, ex_keep_fn *keep, void *ctx,
                        const struct dp_allocator *alloc)
{
	if (upstream == NULL || keep == NULL) {
		ex_iter_close(upstream);
		return NULL;
	}
	struct stage *stage = stage_new(upstream, alloc);
	if (stage == NULL)
		return NULL;
	stage->keep = keep;
	stage->fn_ctx = ctx;
	return stage_wrap(&filter_ops, stage);
}

/*
 * The window keeps a running sum: each new value is added and the value
 * it replaces in the ring subtracted, so a pull costs one value of work
 * and the ring is the only memory, whatever the number of values.
 */
static int window_next(void *ctx, int64_t *value)
{
	struct stage *stage = ctx;
	int64_t in;

	while (stage->filled < stage->width) {
		int rc = ex_iter_next(stage->upstream, &in);
		if (rc != DP_OK)
			return rc;
		stage->window[stage->filled++] = in;
		stage->sum += in;
		if (stage->filled == stage->width) {
			*value = stage->sum;
			return DP_OK;
		}
	}
	int rc = ex_iter_next(stage->upstream, &in);
	if (rc != DP_OK)
		return rc;
	stage->sum -= stage->window[stage->oldest];
	stage->sum += in;
	stage->window[stage->oldest] = in;
	stage->oldest = (stage->oldest + 1) % stage->width;
	*value = stage->sum;
	return DP_OK;
}

static const struct ex_iter_ops window_ops = {.next = window_next,
                                              .close = stage_close};

ex_iter *ex_iter_window_sum(ex_iter *upstream, size_t width,
                            const struct dp_allocator *alloc)
{
	if (upstream == NULL || width == 0) {
		ex_iter_close(upstream);
		return NULL;
	}
	struct stage *stage = stage_new(upstream, alloc);
	if (stage == NULL)
		return NULL;
	stage->width = width;
	stage->window = dp_alloc_array(alloc, width, sizeof(*stage->window));
	if (stage->window == NULL) {
		stage_close(stage);
		return NULL;
	}
	return stage_wrap(&window_ops, stage);
}

/*
 * Take counts down in `width` and closes its upstream the moment it
 * answers anything but DP_OK: the consumer has what it wanted, so the
 * source (a file, a socket) is released now, not when the pipeline is.
 */
static int take_next(void *ctx, int64_t *value)
{
	struct stage *stage = ctx;
	int rc = DP_ENOENT;

	if (stage->width > 0)
		rc = ex_iter_next(stage->upstream, value);
	if (rc == DP_OK) {
		stage->width--;
		return DP_OK;
	}
	ex_iter_close(stage->upstream);
	stage->upstream = NULL;
	return rc;
}

static const struct ex_iter_ops take_ops = {.next = take_next,
                                            .close = stage_close};

ex_iter *ex_iter_take(ex_iter *upstream, size_t count,
                      const struct dp_allocator *alloc)
{
	if (upstream == NULL)
		return NULL;
	struct stage *stage = stage_new(upstream, alloc);
	if (stage == NULL)
		return NULL;
	stage->width = count;
	return stage_wrap(&take_ops, stage);
}
