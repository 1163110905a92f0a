/*
 * Exercise 06: Adapter. Read README.md first, then adapter.h, which is the
 * contract: ex_acme_sink_create() must return a sink whose operations do
 * what the comment there says.
 */
#include "adapter.h"

#include <errno.h>
#include <limits.h>

/* TODO: define struct acme_sink: a struct ex_sink base first, a COPY of the
 * struct acme_output, and the allocator. */

/* TODO: write the three operations, each recovering the acme_sink with
 * dp_container_of:
 * - write: loop on put() until every byte is taken (at most INT_MAX per
 *   call); -1 becomes DP_ENOMEM when errno is ENOMEM, else DP_EIO; a put
 *   that takes 0 bytes is DP_EIO at once;
 * - flush: call sync() when there is one;
 * - close: sync, then finish (even if sync failed), then dp_free; return
 *   the first error.
 * Then put them in a static const struct ex_sink_ops named "acme". */

struct ex_sink *ex_acme_sink_create(const struct acme_output *output,
                                    const struct dp_allocator *alloc)
{
	/* TODO: refuse a NULL output or put; allocate the adapter with
	 * dp_alloc(alloc, ...); fill it in and return &adapter->base. */
	(void)output;
	(void)alloc;
	return NULL;
}
