/*
 * Exercise 14: a lazy pipeline. Read README.md first, then fill in each
 * TODO. Every function below compiles and returns a value that makes the
 * tests fail; replace the bodies one by one.
 */
#include "pipeline.h"

/* TODO: step 1, define struct ex_iter: the ops table, its context, the
 * allocator it came from, and whether it has finished. */

ex_iter *ex_iter_create(const struct ex_iter_ops *ops, void *ctx,
                        const struct dp_allocator *alloc)
{
	/* TODO: step 1, check ops and ops->next, allocate the iterator from
	 * `alloc` and keep ops and ctx. */
	(void)ops;
	(void)ctx;
	(void)alloc;
	return NULL;
}

int ex_iter_next(ex_iter *it, int64_t *value)
{
	/* TODO: step 1, check the arguments; call ops->next unless the
	 * iterator has finished; remember any answer but DP_OK. */
	(void)it;
	(void)value;
	return DP_ENOTSUP;
}

void ex_iter_close(ex_iter *it)
{
	/* TODO: step 1, call ops->close (if any) with the context, then free
	 * the iterator. NULL is a no-op. */
	(void)it;
}

ex_iter *ex_iter_map(ex_iter *upstream, ex_map_fn *fn, void *ctx,
                     const struct dp_allocator *alloc)
{
	/* TODO: step 2, a stage is an iterator made with ex_iter_create from
	 * an ops table of yours and a context that holds the upstream, fn
	 * and ctx. Its next pulls ONE value and maps it; its close closes
	 * the upstream and frees the context. On any failure, close
	 * upstream before returning NULL. */
	(void)upstream;
	(void)fn;
	(void)ctx;
	(void)alloc;
	return NULL;
}

ex_iter *ex_iter_filter(ex_iter *upstream, ex_keep_fn *keep, void *ctx,
                        const struct dp_allocator *alloc)
{
	/* TODO: step 2, pull until keep() says yes; hand that value out. */
	(void)upstream;
	(void)keep;
	(void)ctx;
	(void)alloc;
	return NULL;
}

ex_iter *ex_iter_window_sum(ex_iter *upstream, size_t width,
                            const struct dp_allocator *alloc)
{
	/* TODO: step 3, keep only the last `width` values (a ring) and
	 * their running sum. */
	(void)upstream;
	(void)width;
	(void)alloc;
	return NULL;
}

ex_iter *ex_iter_take(ex_iter *upstream, size_t count,
                      const struct dp_allocator *alloc)
{
	/* TODO: step 4, hand out at most `count` values without pulling
	 * more, and close the upstream as soon as you answer anything but
	 * DP_OK. */
	(void)upstream;
	(void)count;
	(void)alloc;
	return NULL;
}
