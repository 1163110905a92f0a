/*
 * Solution of exercise 06: the acme adapter. Every difference between the
 * two interfaces is translated in exactly one place: sizes in acme_write,
 * errors in from_errno, optional functions where they are called.
 */
#include "adapter.h"

#include <errno.h>
#include <limits.h>

struct acme_sink {
	struct ex_sink base; /* Base. Must be first. */
	/* A copy, so the caller's struct may change or go away. */
	struct acme_output output;
	const struct dp_allocator *alloc;
};

static struct acme_sink *to_acme(struct ex_sink *sink)
{
	return dp_container_of(sink, struct acme_sink, base);
}

/* acme reports failure as -1 and errno; we report a negative code. */
static int from_errno(int error)
{
	return error == ENOMEM ? DP_ENOMEM : DP_EIO;
}

static int acme_write(struct ex_sink *sink, const void *buf, size_t len)
{
	struct acme_sink *acme = to_acme(sink);
	const char *data = buf;

	while (len > 0) {
		/* acme counts in int, we in size_t: send at most INT_MAX. */
		int piece = len > INT_MAX ? INT_MAX : (int)len;
		int taken = acme->output.put(acme->output.handle, data, piece);

		if (taken < 0)
			return from_errno(errno);
		/* No progress, or a count we did not ask for: give up rather
		 * than loop forever or step outside the buffer. */
		if (taken == 0 || taken > piece)
			return DP_EIO;
		data += taken;
		len -= (size_t)taken;
	}
	return DP_OK;
}

static int acme_flush(struct ex_sink *sink)
{
	struct acme_sink *acme = to_acme(sink);

	if (acme->output.sync == NULL)
		return DP_OK;
	if (acme->output.sync(acme->output.handle) != 0)
		return from_errno(errno);
	return DP_OK;
}

static int acme_close(struct ex_sink *sink)
{
	struct acme_sink *acme = to_acme(sink);
	int rc = acme_flush(sink);

	/* Finish even when the sync failed: the output must end either way,
	 * and the first error is the one reported. */
	if (acme->output.finish != NULL &&
	    acme->output.finish(acme->output.handle) != 0 && rc == DP_OK)
		rc = from_errno(errno);
	dp_free(acme->alloc, acme);
	return rc;
}

static const struct ex_sink_ops acme_ops = {
	.name = "acme",
	.write = acme_write,
	.flush = acme_flush,
	.close = acme_close,
};

struct ex_sink *ex_acme_sink_create(const struct acme_output *output,
                                    const struct dp_allocator *alloc)
{
	if (output == NULL || output->put == NULL)
		return NULL;
	struct acme_sink *acme = dp_alloc(alloc, sizeof(*acme));
	if (acme == NULL)
		return NULL;
	*acme = (struct acme_sink){
		.base = {.ops = &acme_ops},
		.output = *output,
		.alloc = alloc,
	};
	return &acme->base;
}
