/*
 * PRETEND THIRD-PARTY CODE: the loopback of the "tp" transport library.
 *
 * Written to look like code from another project, so that the adapter has
 * a real mismatch to bridge: it takes `int` lengths, answers with `ssize_t`
 * and errno, and moves at most max_chunk bytes per call, as a socket does.
 */
#include "adapter/third_party.h"

#include <errno.h>
#include <string.h>

int tp_loopback_init(struct tp_loopback *loop, char *storage, int capacity,
                     int max_chunk)
{
	if (loop == NULL || storage == NULL || capacity <= 0 ||
	    max_chunk <= 0) {
		errno = EINVAL;
		return -1;
	}
	memset(loop, 0, sizeof(*loop));
	loop->storage = storage;
	loop->capacity = capacity;
	loop->max_chunk = max_chunk;
	return 0;
}

static int smallest(int a, int b)
{
	return a < b ? a : b;
}

static ssize_t loopback_send(void *handle, const char *data, int len)
{
	struct tp_loopback *loop = handle;

	loop->sends++;
	if (loop->is_down) {
		errno = EPIPE;
		return -1;
	}
	if (len < 0) {
		errno = EINVAL;
		return -1;
	}
	if (loop->length == loop->capacity) {
		errno = ENOSPC;
		return -1;
	}
	int n = smallest(smallest(len, loop->max_chunk),
	                 loop->capacity - loop->length);
	for (int i = 0; i < n; i++) {
		int at = (loop->start + loop->length + i) % loop->capacity;
		loop->storage[at] = data[i];
	}
	loop->length += n;
	return n;
}

static ssize_t loopback_recv(void *handle, char *data, int len)
{
	struct tp_loopback *loop = handle;

	loop->receives++;
	if (len < 0) {
		errno = EINVAL;
		return -1;
	}
	int n = smallest(smallest(len, loop->max_chunk), loop->length);
	for (int i = 0; i < n; i++)
		data[i] = loop->storage[(loop->start + i) % loop->capacity];
	loop->start = (loop->start + n) % loop->capacity;
	loop->length -= n;
	return n;
}

static int loopback_shutdown(void *handle)
{
	struct tp_loopback *loop = handle;

	loop->is_down = 1;
	return 0;
}

struct tp_transport tp_loopback_transport(struct tp_loopback *loop)
{
	struct tp_transport transport = {
		.handle = loop,
		.send = loopback_send,
		.recv = loopback_recv,
		.shutdown = loopback_shutdown,
	};
	return transport;
}
