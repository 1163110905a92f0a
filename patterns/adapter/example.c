/*
 * One latency report, written once against struct dp_stream, sent to four
 * destinations that have nothing in common but an adapter: stdout (a stdio
 * FILE *), a memory buffer, a file descriptor whose system calls are
 * counted, and a third-party transport that moves 16 bytes per call.
 *
 * The counts it prints set up the Decorator chapter: through the fd
 * adapter, every write of the report is one write(2) system call.
 */
#define _POSIX_C_SOURCE 200809L /* fileno, lseek, pipe */

#include "adapter/adapter.h"

#include <stdio.h>
#include <unistd.h>

struct sample {
	const char *endpoint;
	int p50_us, p99_us;
};

static const struct sample samples[] = {
	{"/login", 310, 1290},
	{"/search", 820, 4100},
	{"/cart", 150, 610},
	{"/checkout", 1200, 9800},
};

/* The code being reused: it knows streams, not files or buffers. */
static int write_report(struct dp_stream *out)
{
	int rc = dp_stream_write_string(out, "endpoint,p50_us,p99_us\n");

	for (size_t i = 0; rc == DP_OK && i < DP_ARRAY_SIZE(samples); i++) {
		char line[64];
		snprintf(line, sizeof(line), "%s,%d,%d\n", samples[i].endpoint,
		         samples[i].p50_us, samples[i].p99_us);
		rc = dp_stream_write_string(out, line);
	}
	return rc;
}

/* Pretend legacy code that only knows the third-party interface. */
static void legacy_log(const struct tp_transport *out, const char *message)
{
	int len = 0;

	while (message[len] != '\0')
		len++;
	out->send(out->handle, message, len);
}

static int to_stdout(void)
{
	struct dp_stream *console = dp_file_stream_create(stdout, false, NULL);
	if (console == NULL)
		return DP_ENOMEM;
	printf("stdio FILE * (stdout):\n");
	int rc = write_report(console);
	/* Not owned: closing flushes stdout and leaves it open. */
	int close_rc = dp_stream_close(console);
	return rc != DP_OK ? rc : close_rc;
}

static int to_memory(void)
{
	struct dp_stream *mem = dp_memory_stream_create(NULL);
	if (mem == NULL)
		return DP_ENOMEM;
	int rc = write_report(mem);
	size_t len;
	dp_memory_stream_data(mem, &len);
	printf("memory: %zu bytes held, readable back\n", len);

	/* The other direction: legacy code writes into our stream through
	 * a callback of its own shape. */
	struct tp_transport theirs = {.handle = mem,
	                              .send = dp_stream_as_tp_send};
	legacy_log(&theirs, "legacy: report sent\n");
	dp_memory_stream_data(mem, &len);
	printf("memory: %zu bytes after the legacy code wrote to it\n", len);
	dp_stream_close(mem);
	return rc;
}

static int to_descriptor(void)
{
	FILE *tmp = tmpfile();
	if (tmp == NULL)
		return DP_EIO;
	struct dp_fd_stats stats = {0};
	struct dp_stream *out =
		dp_fd_stream_create(fileno(tmp), false, &stats, NULL);
	int rc = out != NULL ? write_report(out) : DP_ENOMEM;
	printf("fd: 5 writes -> %llu write(2) calls, %llu bytes\n",
	       (unsigned long long)stats.write_calls,
	       (unsigned long long)stats.bytes_written);

	/* Read it back in 32-byte pieces: short reads, then the end. */
	char piece[32];
	size_t got = 1, total = 0;
	lseek(fileno(tmp), 0, SEEK_SET);
	while (rc == DP_OK && got > 0) {
		rc = dp_stream_read(out, piece, sizeof(piece), &got);
		total += got;
	}
	printf("fd: read back %zu bytes in %llu read(2) calls\n", total,
	       (unsigned long long)stats.read_calls);
	dp_stream_close(out);
	fclose(tmp);
	return rc;
}

static int to_transport(void)
{
	char storage[256];
	struct tp_loopback loop;
	tp_loopback_init(&loop, storage, sizeof(storage), 16);
	struct tp_transport transport = tp_loopback_transport(&loop);

	struct dp_stream *out = dp_transport_stream_create(&transport, NULL);
	if (out == NULL)
		return DP_ENOMEM;
	int rc = write_report(out);
	printf("transport: %d bytes in %ld sends of at most %d bytes\n",
	       loop.length, loop.sends, loop.max_chunk);
	dp_stream_close(out);
	return rc;
}

static void show_errors(void)
{
	int fds[2];
	if (pipe(fds) != 0)
		return;
	close(fds[0]);
	close(fds[1]);
	struct dp_stream *dead = dp_fd_stream_create(fds[1], false, NULL, NULL);
	int rc = dp_stream_write_string(dead, "lost");
	printf("write to a closed descriptor: %s (%s)\n", dp_error_name(rc),
	       dp_strerror(rc));
	dp_stream_close(dead);
}

int main(void)
{
	int rc = to_stdout();
	if (rc == DP_OK)
		rc = to_memory();
	if (rc == DP_OK)
		rc = to_descriptor();
	if (rc == DP_OK)
		rc = to_transport();
	show_errors();
	if (rc != DP_OK) {
		fprintf(stderr, "example: %s\n", dp_strerror(rc));
		return 1;
	}
	return 0;
}
