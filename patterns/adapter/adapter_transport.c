/*
 * The worked example: adapting a third-party interface whose shape differs
 * from ours (third_party.h), in both directions.
 *
 * Theirs: int lengths, ssize_t results with -1 and errno, short sends, one
 * void *handle shared by a struct of callbacks. Ours: size_t lengths,
 * DP_OK or a negative code, all-or-nothing writes, an ops table. Every
 * difference is bridged in one function here, and nowhere else.
 */
#define _POSIX_C_SOURCE 200809L /* ssize_t */

#include "adapter/adapter.h"

#include <errno.h>
#include <limits.h>

/* ---- their transport as our stream ------------------------------------- */

struct transport_stream {
	struct dp_stream base; /* Base. Must be first. */
	struct tp_transport transport;
	const struct dp_allocator *alloc;
};

static struct transport_stream *transport_stream_of(struct dp_stream *stream)
{
	return dp_container_of(stream, struct transport_stream, base);
}

/* Their lengths are int: never hand them more than INT_MAX at once. */
static int clamp_to_int(size_t len)
{
	return len > INT_MAX ? INT_MAX : (int)len;
}

static int transport_read(struct dp_stream *stream, void *buf, size_t len,
                          size_t *got)
{
	struct tp_transport *t = &transport_stream_of(stream)->transport;

	/* A transport without recv is send-only; the table cannot say so
	 * per instance, so the operation does. */
	if (t->recv == NULL)
		return DP_ENOTSUP;
	ssize_t n = t->recv(t->handle, buf, clamp_to_int(len));
	if (n < 0)
		return DP_EIO;
	*got = (size_t)n;
	return DP_OK;
}

static int transport_write(struct dp_stream *stream, const void *buf,
                           size_t len)
{
	struct tp_transport *t = &transport_stream_of(stream)->transport;
	const char *next = buf;

	while (len > 0) {
		ssize_t n = t->send(t->handle, next, clamp_to_int(len));
		if (n <= 0)
			return DP_EIO;
		next += n;
		len -= (size_t)n;
	}
	return DP_OK;
}

static int transport_close(struct dp_stream *stream)
{
	struct transport_stream *self = transport_stream_of(stream);
	int rc = DP_OK;

	if (self->transport.shutdown != NULL &&
	    self->transport.shutdown(self->transport.handle) != 0)
		rc = DP_EIO;
	dp_free(self->alloc, self);
	return rc;
}

static const struct dp_stream_ops transport_ops = {
	.name = "transport",
	.read = transport_read,
	.write = transport_write,
	.close = transport_close,
};

struct dp_stream *
dp_transport_stream_create(const struct tp_transport *transport,
                           const struct dp_allocator *alloc)
{
	if (transport == NULL || transport->send == NULL)
		return NULL;
	struct transport_stream *self = dp_alloc(alloc, sizeof(*self));
	if (self == NULL)
		return NULL;
	dp_stream_init(&self->base, &transport_ops);
	self->transport = *transport;
	self->alloc = alloc;
	return &self->base;
}

/* ---- our stream as their send callback ---------------------------------- */

ssize_t dp_stream_as_tp_send(void *handle, const char *data, int len)
{
	if (handle == NULL || data == NULL || len < 0) {
		errno = EINVAL;
		return -1;
	}
	if (dp_stream_write(handle, data, (size_t)len) != DP_OK) {
		errno = EIO;
		return -1;
	}
	return len;
}
