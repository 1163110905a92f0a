/*
 * An access log, written one record at a time to a file. Through the fd
 * adapter alone every record is a write(2) system call; one buffering
 * decorator in between, and the same code makes a handful. Counting
 * decorators above and below the buffer show both sides, and a redacting,
 * line-numbering stack prints a few records to the console.
 *
 * A function decorator counts the calls of a helper without touching the
 * code that calls it. Times are measured but not printed: they vary from
 * run to run, and this output is compared with example.out.
 */
#define _POSIX_C_SOURCE 200809L /* fileno */

#include "adapter/adapter.h"
#include "decorator/decorator.h"

#include <stdio.h>

enum { RECORDS = 2000, RECORD_SIZE = 32 };

/* Bucket a latency by its power of two: the helper we will time. */
static int64_t latency_bucket(void *ctx, int64_t micros)
{
	int64_t bucket = 0;

	(void)ctx;
	while (micros > 1) {
		micros /= 2;
		bucket++;
	}
	return bucket;
}

/* The code being decorated knows a stream and a function, nothing else. */
static int write_log(struct dp_stream *out, dp_int64_fn *bucket, void *ctx)
{
	for (int i = 0; i < RECORDS; i++) {
		char record[RECORD_SIZE + 1];
		int64_t micros = 100 + (i * 7919) % 5000;
		int n = snprintf(record, sizeof(record),
		                 "GET /api/item/%05d %4lld us b%02lld\n", i,
		                 (long long)micros,
		                 (long long)bucket(ctx, micros));
		if (n != RECORD_SIZE)
			return DP_ERANGE;
		int rc = dp_stream_write(out, record, RECORD_SIZE);
		if (rc != DP_OK)
			return rc;
	}
	return DP_OK;
}

/* A decorator's create leaves the stream it was given with the caller when
 * it fails: close it then, so a chain under construction never leaks. */
static struct dp_stream *or_close(struct dp_stream *inner,
                                  struct dp_stream *outer)
{
	if (outer == NULL)
		dp_stream_close(inner);
	return outer;
}

static int log_to_file(size_t buffer_size)
{
	FILE *tmp = tmpfile();
	if (tmp == NULL)
		return DP_EIO;
	struct dp_fd_stats syscalls = {0};
	struct dp_stream_stats above = {0}, below = {0};

	/* Built from the bottom up: file, count, buffer, count. */
	struct dp_stream *out =
		dp_fd_stream_create(fileno(tmp), false, &syscalls, NULL);
	out = or_close(out, dp_counting_stream_create(out, &below, NULL));
	if (buffer_size > 0)
		out = or_close(
			out, dp_buffered_stream_create(out, buffer_size, NULL));
	out = or_close(out, dp_counting_stream_create(out, &above, NULL));
	if (out == NULL) {
		fclose(tmp);
		return DP_ENOMEM;
	}

	int rc = write_log(out, latency_bucket, NULL);
	int close_rc = dp_stream_close(out);
	fclose(tmp);
	if (buffer_size == 0)
		printf("unbuffered:\n");
	else
		printf("buffered, %zu-byte buffer:\n", buffer_size);
	printf("  writes asked: %llu, reaching the fd adapter: %llu,"
	       " write(2) calls: %llu\n",
	       (unsigned long long)above.writes,
	       (unsigned long long)below.writes,
	       (unsigned long long)syscalls.write_calls);
	return rc != DP_OK ? rc : close_rc;
}

static int log_to_console(void)
{
	static const char *const lines[] = {
		"charge card 4242424242424242: ok\n",
		"charge card 5555555555554444: declined\n",
		"refund order 1042: ok\n",
	};
	struct dp_byte_map redact;
	for (size_t b = 0; b < DP_ARRAY_SIZE(redact.table); b++)
		redact.table[b] = b >= '0' && b <= '9' ? '#' : (unsigned char)b;

	/* Redaction above the line numbers, so the numbers survive. */
	struct dp_stream *out = dp_file_stream_create(stdout, false, NULL);
	out = or_close(out, dp_numbering_stream_create(out, NULL));
	out = or_close(out, dp_transform_stream_create(out, &redact, NULL));
	if (out == NULL)
		return DP_ENOMEM;
	printf("console, redacted then numbered:\n");
	int rc = DP_OK;
	for (size_t i = 0; rc == DP_OK && i < DP_ARRAY_SIZE(lines); i++)
		rc = dp_stream_write_string(out, lines[i]);
	int close_rc = dp_stream_close(out);
	return rc != DP_OK ? rc : close_rc;
}

static int time_the_helper(void)
{
	struct dp_timed_fn timed;
	int rc = dp_timed_fn_init(&timed, latency_bucket, NULL,
	                          "latency_bucket", NULL, NULL);
	if (rc != DP_OK)
		return rc;

	struct dp_stream *sink = dp_memory_stream_create(NULL);
	if (sink == NULL)
		return DP_ENOMEM;
	/* The same write_log, handed the decorated function instead. */
	rc = write_log(sink, dp_timed_fn_call, &timed);
	dp_stream_close(sink);
	printf("function decorator: %s called %llu times, timed on each call\n",
	       timed.name, (unsigned long long)timed.calls);
	return rc;
}

int main(void)
{
	printf("access log: %d records of %d bytes to a file\n", RECORDS,
	       RECORD_SIZE);
	int rc = log_to_file(0);
	if (rc == DP_OK)
		rc = log_to_file(4096);
	if (rc == DP_OK)
		rc = log_to_file(65536);
	if (rc == DP_OK)
		rc = log_to_console();
	if (rc == DP_OK)
		rc = time_the_helper();
	if (rc != DP_OK) {
		fprintf(stderr, "example: %s\n", dp_strerror(rc));
		return 1;
	}
	return 0;
}
