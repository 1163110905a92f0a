/*
 * Error names, the three allocators and the clock.
 */
#define _POSIX_C_SOURCE 200809L /* clock_gettime */

#include "common/dp_common.h"

#include <stdalign.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

const char *dp_strerror(int code)
{
	switch (code) {
	case DP_OK:
		return "success";
	case DP_EINVAL:
		return "invalid argument";
	case DP_ENOMEM:
		return "out of memory";
	case DP_ENOENT:
		return "not found";
	case DP_EEXIST:
		return "already exists";
	case DP_EBUSY:
		return "busy";
	case DP_ERANGE:
		return "out of range";
	case DP_EIO:
		return "input/output error";
	case DP_ENOTSUP:
		return "operation not supported";
	case DP_ECANCELED:
		return "operation cancelled";
	}
	return "unknown error";
}

const char *dp_error_name(int code)
{
	switch (code) {
	case DP_OK:
		return "DP_OK";
	case DP_EINVAL:
		return "DP_EINVAL";
	case DP_ENOMEM:
		return "DP_ENOMEM";
	case DP_ENOENT:
		return "DP_ENOENT";
	case DP_EEXIST:
		return "DP_EEXIST";
	case DP_EBUSY:
		return "DP_EBUSY";
	case DP_ERANGE:
		return "DP_ERANGE";
	case DP_EIO:
		return "DP_EIO";
	case DP_ENOTSUP:
		return "DP_ENOTSUP";
	case DP_ECANCELED:
		return "DP_ECANCELED";
	}
	return "DP_UNKNOWN";
}

/* ---- the default allocator ------------------------------------------- */

static void *default_reallocate(void *ctx, void *ptr, size_t size)
{
	(void)ctx;
	if (size == 0) {
		free(ptr);
		return NULL;
	}
	return realloc(ptr, size);
}

static const struct dp_allocator default_allocator = {
	.reallocate = default_reallocate,
	.ctx = NULL,
};

const struct dp_allocator *dp_allocator_default(void)
{
	return &default_allocator;
}

/* The one place that turns "NULL allocator" into the default, so callers
 * never test for it themselves. */
static const struct dp_allocator *resolve(const struct dp_allocator *alloc)
{
	return alloc ? alloc : &default_allocator;
}

void *dp_alloc(const struct dp_allocator *alloc, size_t size)
{
	alloc = resolve(alloc);
	return alloc->reallocate(alloc->ctx, NULL, size ? size : 1);
}

void *dp_alloc_array(const struct dp_allocator *alloc, size_t count,
                     size_t size)
{
	return dp_realloc_array(alloc, NULL, count, size);
}

void *dp_realloc_array(const struct dp_allocator *alloc, void *ptr,
                       size_t count, size_t size)
{
	if (count == 0 || size == 0)
		count = size = 1;
	if (count > SIZE_MAX / size)
		return NULL;
	alloc = resolve(alloc);
	return alloc->reallocate(alloc->ctx, ptr, count * size);
}

char *dp_strdup(const struct dp_allocator *alloc, const char *text)
{
	if (text == NULL)
		return NULL;
	size_t size = strlen(text) + 1;
	char *copy = dp_alloc(alloc, size);
	if (copy != NULL)
		memcpy(copy, text, size);
	return copy;
}

void dp_free(const struct dp_allocator *alloc, void *ptr)
{
	if (ptr == NULL)
		return;
	alloc = resolve(alloc);
	alloc->reallocate(alloc->ctx, ptr, 0);
}

/* ---- the counting allocator ------------------------------------------ */

/*
 * Each block is preceded by a header that remembers its size, so a free
 * knows how many bytes leave. The alignment keeps the user's part aligned
 * for any type, as malloc's own blocks are.
 */
struct block_header {
	alignas(max_align_t) size_t size;
};

static void *counting_reallocate(void *ctx, void *ptr, size_t size)
{
	struct dp_counting_allocator *counter = ctx;
	const struct dp_allocator *parent = counter->parent;
	struct block_header *block = NULL;
	size_t old_size = 0;

	if (ptr != NULL) {
		block = (struct block_header *)ptr - 1;
		old_size = block->size;
	}

	if (size == 0) {
		if (block != NULL) {
			dp_free(parent, block);
			counter->frees++;
			counter->live_blocks--;
			counter->live_bytes -= old_size;
		}
		return NULL;
	}

	if (size > SIZE_MAX - sizeof(*block)) {
		counter->failures++;
		return NULL;
	}
	struct block_header *grown =
		dp_realloc_array(parent, block, 1, sizeof(*block) + size);
	if (grown == NULL) {
		counter->failures++;
		return NULL;
	}
	grown->size = size;

	if (block == NULL) {
		counter->allocations++;
		counter->live_blocks++;
	} else {
		counter->reallocations++;
	}
	counter->live_bytes = counter->live_bytes - old_size + size;
	if (counter->live_bytes > counter->peak_bytes)
		counter->peak_bytes = counter->live_bytes;
	return grown + 1;
}

int dp_counting_allocator_init(struct dp_counting_allocator *counter,
                               const struct dp_allocator *parent)
{
	if (counter == NULL)
		return DP_EINVAL;
	*counter = (struct dp_counting_allocator){
		.base = {.reallocate = counting_reallocate, .ctx = counter},
		.parent = parent,
	};
	return DP_OK;
}

/* ---- the failing allocator ------------------------------------------- */

static void *failing_reallocate(void *ctx, void *ptr, size_t size)
{
	struct dp_failing_allocator *failing = ctx;
	const struct dp_allocator *parent = failing->parent;

	if (size != 0) {
		failing->requests++;
		if (failing->requests == failing->fail_at) {
			failing->failed = true;
			return NULL;
		}
	}
	if (size == 0) {
		dp_free(parent, ptr);
		return NULL;
	}
	return dp_realloc_array(parent, ptr, 1, size);
}

int dp_failing_allocator_init(struct dp_failing_allocator *failing,
                              size_t fail_at, const struct dp_allocator *parent)
{
	if (failing == NULL)
		return DP_EINVAL;
	*failing = (struct dp_failing_allocator){
		.base = {.reallocate = failing_reallocate, .ctx = failing},
		.parent = parent,
		.fail_at = fail_at,
	};
	return DP_OK;
}

/* ---- the random generator ---------------------------------------------- */

uint64_t dp_random_next(uint64_t *state)
{
	if (state == NULL)
		return 0;
	return dp_mix64(*state += 0x9e3779b97f4a7c15u);
}

/* ---- the clock -------------------------------------------------------- */

uint64_t dp_now_ns(void)
{
	struct timespec now;

	/* CLOCK_MONOTONIC cannot fail with a valid pointer on Linux. */
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (uint64_t)now.tv_sec * 1000000000u + (uint64_t)now.tv_nsec;
}
