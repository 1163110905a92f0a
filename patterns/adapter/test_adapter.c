/*
 * Tests of the adapters: each one turns its foreign interface into a
 * stream that behaves as dp_stream.h promises. Files are real, in a fresh
 * temporary directory per test that the test removes; system calls are
 * counted through struct dp_fd_stats, never timed.
 */
#define _XOPEN_SOURCE 700 /* mkdtemp, pipe, fcntl, fdopen */

#include "adapter/adapter.h"
#include "common/dp_temp.h"
#include "common/dp_test.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* ---- helpers --------------------------------------------------------------- */

/*
 * Temporary files live under one directory per test case, made before its
 * tests run and removed after, in the runner's process (an unchecked
 * fixture): a test that fails half way, and so never reaches its own
 * cleanup, still leaves nothing behind.
 */
static char temp_root[PATH_MAX];

static void temp_root_make(void)
{
	if (dp_temp_dir_make(temp_root, sizeof(temp_root), "dp_adapter") !=
	    DP_OK)
		temp_root[0] = '\0';
}

static void temp_root_remove(void)
{
	if (temp_root[0] != '\0')
		dp_temp_dir_remove(temp_root);
}

/* A directory of its own for one test, holding one file. */
struct temp {
	char dir[PATH_MAX + 16];
	char path[PATH_MAX + 32];
};

static struct temp temp_make(void)
{
	struct temp temp;

	ck_assert_str_ne(temp_root, "");
	snprintf(temp.dir, sizeof(temp.dir), "%s/test_XXXXXX", temp_root);
	ck_assert_ptr_nonnull(mkdtemp(temp.dir));
	snprintf(temp.path, sizeof(temp.path), "%s/data", temp.dir);
	return temp;
}

/* The test's own cleanup, asserted: a test that passes leaves nothing for
 * the fixture to remove. */
static void temp_remove(struct temp *temp)
{
	unlink(temp->path);
	ck_assert_int_eq(rmdir(temp->dir), 0);
}

/* Read a whole small file with plain stdio, independently of the code
 * under test. */
static size_t slurp(const char *path, char *out, size_t cap)
{
	FILE *file = fopen(path, "rb");

	ck_assert_ptr_nonnull(file);
	size_t n = fread(out, 1, cap, file);
	fclose(file);
	return n;
}

/* Read a stream to its end into `out`, in pieces of `piece` bytes. */
static size_t drain_stream(struct dp_stream *stream, char *out, size_t cap,
                           size_t piece)
{
	size_t total = 0, got;

	do {
		size_t want = cap - total < piece ? cap - total : piece;
		ck_assert_int_eq(
			dp_stream_read(stream, out + total, want, &got), DP_OK);
		total += got;
	} while (got > 0 && total < cap);
	return total;
}

/* ---- file descriptor ------------------------------------------------------- */

START_TEST(test_fd_stream_makes_one_write_call_per_write)
{
	struct temp temp = temp_make();
	struct dp_fd_stats stats = {0};
	char back[64];

	int fd = open(temp.path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	struct dp_stream *out = dp_fd_stream_create(fd, true, &stats, NULL);
	ck_assert_ptr_nonnull(out);
	ck_assert_str_eq(dp_stream_name(out), "fd");
	ck_assert_int_eq(dp_stream_write_string(out, "alpha "), DP_OK);
	ck_assert_int_eq(dp_stream_write_string(out, "beta "), DP_OK);
	ck_assert_int_eq(dp_stream_write_string(out, "gamma"), DP_OK);
	ck_assert_int_eq(dp_stream_close(out), DP_OK);

	ck_assert_uint_eq(stats.write_calls, 3);
	ck_assert_uint_eq(stats.bytes_written, 16);
	ck_assert_uint_eq(stats.close_calls, 1);
	ck_assert_uint_eq(slurp(temp.path, back, sizeof(back)), 16);
	ck_assert_mem_eq(back, "alpha beta gamma", 16);
	temp_remove(&temp);
}
END_TEST

START_TEST(test_fd_stream_reads_a_file_back_and_then_reports_the_end)
{
	struct temp temp = temp_make();
	struct dp_fd_stats stats = {0};
	char back[64];

	FILE *file = fopen(temp.path, "wb");
	fputs("0123456789abcdefghij", file);
	fclose(file);

	struct dp_stream *in = dp_fd_stream_create(open(temp.path, O_RDONLY),
	                                           true, &stats, NULL);
	ck_assert_uint_eq(drain_stream(in, back, sizeof(back), 7), 20);
	ck_assert_mem_eq(back, "0123456789abcdefghij", 20);
	/* 7 + 7 + 6, then the read that returns 0: four read(2) calls. */
	ck_assert_uint_eq(stats.read_calls, 4);
	ck_assert_uint_eq(stats.bytes_read, 20);
	size_t got = 99;
	ck_assert_int_eq(dp_stream_read(in, back, sizeof(back), &got), DP_OK);
	ck_assert_uint_eq(got, 0);
	ck_assert_int_eq(dp_stream_close(in), DP_OK);
	temp_remove(&temp);
}
END_TEST

START_TEST(test_fd_stream_on_a_closed_descriptor_fails_with_eio)
{
	int fds[2];
	struct dp_fd_stats stats = {0};
	char buf[4];
	size_t got = 99;

	ck_assert_int_eq(pipe(fds), 0);
	close(fds[0]);
	close(fds[1]);
	struct dp_stream *in = dp_fd_stream_create(fds[0], false, &stats, NULL);
	struct dp_stream *out =
		dp_fd_stream_create(fds[1], false, &stats, NULL);
	ck_assert_int_eq(dp_stream_read(in, buf, sizeof(buf), &got), DP_EIO);
	ck_assert_uint_eq(got, 0);
	ck_assert_int_eq(dp_stream_write(out, "x", 1), DP_EIO);
	/* A failed system call is still a system call. */
	ck_assert_uint_eq(stats.read_calls, 1);
	ck_assert_uint_eq(stats.write_calls, 1);
	ck_assert_uint_eq(stats.bytes_written, 0);
	ck_assert_int_eq(dp_stream_close(in), DP_OK);
	ck_assert_int_eq(dp_stream_close(out), DP_OK);
}
END_TEST

START_TEST(test_fd_stream_reports_eio_after_a_short_write_it_could_not_finish)
{
	/* A non-blocking pipe takes what fits (a short write), then refuses
	 * the rest with EAGAIN: the adapter tries again, then gives up. */
	enum { LEN = 1 << 20 };
	int fds[2];
	struct dp_fd_stats stats = {0};
	char *big = calloc(LEN, 1);

	ck_assert_int_eq(pipe(fds), 0);
	ck_assert_int_eq(fcntl(fds[1], F_SETFL, O_NONBLOCK), 0);
	struct dp_stream *out = dp_fd_stream_create(fds[1], true, &stats, NULL);
	ck_assert_int_eq(dp_stream_write(out, big, LEN), DP_EIO);
	ck_assert_uint_eq(stats.write_calls, 2);
	ck_assert_uint_gt(stats.bytes_written, 0);
	ck_assert_uint_lt(stats.bytes_written, LEN);
	ck_assert_int_eq(dp_stream_close(out), DP_OK);
	close(fds[0]);
	free(big);
}
END_TEST

START_TEST(test_fd_stream_closes_the_descriptor_only_when_it_owns_it)
{
	int fds[2];
	struct dp_fd_stats stats = {0};

	ck_assert_int_eq(pipe(fds), 0);
	ck_assert_int_eq(dp_stream_close(dp_fd_stream_create(fds[0], false,
	                                                     &stats, NULL)),
	                 DP_OK);
	ck_assert_int_ne(fcntl(fds[0], F_GETFD), -1);
	ck_assert_uint_eq(stats.close_calls, 0);
	ck_assert_int_eq(dp_stream_close(dp_fd_stream_create(fds[1], true,
	                                                     &stats, NULL)),
	                 DP_OK);
	ck_assert_int_eq(fcntl(fds[1], F_GETFD), -1);
	ck_assert_int_eq(errno, EBADF);
	ck_assert_uint_eq(stats.close_calls, 1);
	close(fds[0]);
}
END_TEST

START_TEST(test_fd_stream_close_of_a_bad_owned_descriptor_is_eio_and_frees)
{
	int fds[2];
	struct dp_counting_allocator counter;

	dp_counting_allocator_init(&counter, NULL);
	ck_assert_int_eq(pipe(fds), 0);
	close(fds[0]);
	close(fds[1]);
	struct dp_stream *in =
		dp_fd_stream_create(fds[0], true, NULL, &counter.base);
	ck_assert_uint_eq(counter.live_blocks, 1);
	ck_assert_int_eq(dp_stream_close(in), DP_EIO);
	ck_assert_uint_eq(counter.live_blocks, 0);
}
END_TEST

START_TEST(test_fd_stream_has_nothing_to_flush_and_rejects_bad_descriptors)
{
	int fds[2];

	ck_assert_ptr_null(dp_fd_stream_create(-1, false, NULL, NULL));
	ck_assert_int_eq(pipe(fds), 0);
	struct dp_stream *out = dp_fd_stream_create(fds[1], true, NULL, NULL);
	ck_assert(out->ops->flush == NULL);
	ck_assert_int_eq(dp_stream_flush(out), DP_OK);
	ck_assert_int_eq(dp_stream_close(out), DP_OK);
	close(fds[0]);
}
END_TEST

/* ---- stdio ----------------------------------------------------------------- */

START_TEST(test_file_stream_round_trips_through_a_real_file)
{
	struct temp temp = temp_make();
	char back[64];

	struct dp_stream *out =
		dp_file_stream_create(fopen(temp.path, "wb"), true, NULL);
	ck_assert_int_eq(dp_stream_write_string(out, "line one\n"), DP_OK);
	ck_assert_int_eq(dp_stream_write_string(out, "line two\n"), DP_OK);
	ck_assert_int_eq(dp_stream_close(out), DP_OK);

	struct dp_stream *in =
		dp_file_stream_create(fopen(temp.path, "rb"), true, NULL);
	ck_assert_uint_eq(drain_stream(in, back, sizeof(back), 5), 18);
	ck_assert_mem_eq(back, "line one\nline two\n", 18);
	ck_assert_int_eq(dp_stream_close(in), DP_OK);
	temp_remove(&temp);
}
END_TEST

START_TEST(test_file_stream_flush_hands_the_bytes_to_the_system)
{
	struct temp temp = temp_make();
	char back[16];

	struct dp_stream *out =
		dp_file_stream_create(fopen(temp.path, "wb"), true, NULL);
	ck_assert_int_eq(dp_stream_write_string(out, "held"), DP_OK);
	/* stdio buffers: nothing in the file yet. */
	ck_assert_uint_eq(slurp(temp.path, back, sizeof(back)), 0);
	ck_assert_int_eq(dp_stream_flush(out), DP_OK);
	ck_assert_uint_eq(slurp(temp.path, back, sizeof(back)), 4);
	ck_assert_int_eq(dp_stream_close(out), DP_OK);
	temp_remove(&temp);
}
END_TEST

START_TEST(test_file_stream_write_to_a_read_only_file_fails_with_eio)
{
	struct temp temp = temp_make();
	char buf[4];
	size_t got = 99;

	fclose(fopen(temp.path, "wb"));
	FILE *file = fopen(temp.path, "rb");
	struct dp_stream *in = dp_file_stream_create(file, false, NULL);
	ck_assert_int_eq(dp_stream_write(in, "x", 1), DP_EIO);
	ck_assert_int_eq(dp_stream_read(in, buf, sizeof(buf), &got), DP_EIO);
	ck_assert_uint_eq(got, 0);
	ck_assert_int_eq(dp_stream_close(in), DP_OK);
	/* Not owned: the FILE is still open and still ours to close. */
	ck_assert_int_eq(fclose(file), 0);
	temp_remove(&temp);
}
END_TEST

/* ---- memory ---------------------------------------------------------------- */

START_TEST(test_memory_stream_reads_back_what_was_written_in_order)
{
	struct dp_stream *mem = dp_memory_stream_create(NULL);
	char back[16];
	size_t len;

	ck_assert_ptr_null(dp_memory_stream_data(mem, &len));
	ck_assert_uint_eq(len, 0);
	ck_assert_int_eq(dp_stream_write_string(mem, "abc"), DP_OK);
	ck_assert_int_eq(dp_stream_write_string(mem, "defg"), DP_OK);
	ck_assert_mem_eq(dp_memory_stream_data(mem, &len), "abcdefg", 7);
	ck_assert_uint_eq(len, 7);
	ck_assert_uint_eq(drain_stream(mem, back, 2, 2), 2);
	ck_assert_mem_eq(dp_memory_stream_data(mem, &len), "cdefg", 5);
	ck_assert_uint_eq(drain_stream(mem, back, sizeof(back), 4), 5);
	ck_assert_mem_eq(back, "cdefg", 5);
	ck_assert_ptr_null(dp_memory_stream_data(mem, &len));
	ck_assert_int_eq(dp_stream_close(mem), DP_OK);
}
END_TEST

START_TEST(test_memory_stream_grows_and_frees_everything)
{
	struct dp_counting_allocator counter;
	dp_counting_allocator_init(&counter, NULL);
	struct dp_stream *mem = dp_memory_stream_create(&counter.base);
	size_t len;

	for (int i = 0; i < 1000; i++)
		ck_assert_int_eq(dp_stream_write(mem, "0123456789", 10), DP_OK);
	const unsigned char *data = dp_memory_stream_data(mem, &len);
	ck_assert_uint_eq(len, 10000);
	ck_assert_mem_eq(data + 9990, "0123456789", 10);
	/* Doubling from 64 bytes: 8 resizes reach 16 384. */
	ck_assert_uint_eq(counter.reallocations, 8);
	ck_assert_int_eq(dp_stream_close(mem), DP_OK);
	ck_assert_uint_eq(counter.live_blocks, 0);
}
END_TEST

START_TEST(test_memory_stream_clear_and_reading_everything_reuse_the_buffer)
{
	struct dp_counting_allocator counter;
	dp_counting_allocator_init(&counter, NULL);
	struct dp_stream *mem = dp_memory_stream_create(&counter.base);
	char back[8];
	size_t len;

	ck_assert_int_eq(dp_stream_write(mem, "first", 5), DP_OK);
	size_t allocations = counter.allocations;
	ck_assert_int_eq(dp_memory_stream_clear(mem), DP_OK);
	ck_assert_ptr_null(dp_memory_stream_data(mem, &len));
	for (int i = 0; i < 100; i++) {
		ck_assert_int_eq(dp_stream_write(mem, "queue", 5), DP_OK);
		ck_assert_uint_eq(drain_stream(mem, back, sizeof(back), 8), 5);
	}
	ck_assert_uint_eq(counter.allocations, allocations);
	ck_assert_uint_eq(counter.reallocations, 0);
	ck_assert_int_eq(dp_stream_close(mem), DP_OK);
	ck_assert_uint_eq(counter.live_blocks, 0);
}
END_TEST

START_TEST(test_memory_stream_functions_refuse_other_streams)
{
	struct dp_stream *fd = dp_fd_stream_create(0, false, NULL, NULL);
	size_t len = 99;

	ck_assert_ptr_null(dp_memory_stream_data(fd, &len));
	ck_assert_uint_eq(len, 0);
	ck_assert_ptr_null(dp_memory_stream_data(NULL, NULL));
	ck_assert_int_eq(dp_memory_stream_clear(fd), DP_EINVAL);
	ck_assert_int_eq(dp_memory_stream_clear(NULL), DP_EINVAL);
	dp_stream_close(fd);
}
END_TEST

START_TEST(test_memory_stream_write_fails_cleanly_at_every_allocation)
{
	for (size_t n = 1;; n++) {
		struct dp_counting_allocator counter;
		struct dp_failing_allocator failing;
		dp_counting_allocator_init(&counter, NULL);
		dp_failing_allocator_init(&failing, 0, &counter.base);
		struct dp_stream *mem = dp_memory_stream_create(&failing.base);
		ck_assert_int_eq(dp_stream_write(mem, "keep", 4), DP_OK);

		/* 300 bytes need the buffer to grow from 64 through 128 and
		 * 256 to 512: a resize the sweep fails. */
		char big[300];
		memset(big, 'b', sizeof(big));
		failing.fail_at = failing.requests + n;
		int rc = dp_stream_write(mem, big, sizeof(big));
		size_t len;
		const unsigned char *data = dp_memory_stream_data(mem, &len);
		if (failing.failed) {
			ck_assert_int_eq(rc, DP_ENOMEM);
			ck_assert_uint_eq(len, 4);
			ck_assert_mem_eq(data, "keep", 4);
		} else {
			ck_assert_int_eq(rc, DP_OK);
			ck_assert_uint_eq(len, 304);
		}
		dp_stream_close(mem);
		ck_assert_uint_eq(counter.live_blocks, 0);
		if (!failing.failed)
			break;
		ck_assert_uint_lt(n, 10);
	}
}
END_TEST

/* Every constructor, failing its one allocation: NULL, nothing leaked,
 * and nothing it was given is closed. Iteration _i picks the adapter. */
START_TEST(test_every_create_fails_cleanly_when_memory_runs_out)
{
	struct dp_counting_allocator counter;
	struct dp_failing_allocator failing;
	struct tp_loopback loop;
	char storage[8];
	int fds[2];

	dp_counting_allocator_init(&counter, NULL);
	dp_failing_allocator_init(&failing, 1, &counter.base);
	ck_assert_int_eq(pipe(fds), 0);
	FILE *file = fdopen(fds[0], "r");
	tp_loopback_init(&loop, storage, sizeof(storage), 4);
	struct tp_transport transport = tp_loopback_transport(&loop);

	struct dp_stream *stream = NULL;
	switch (_i) {
	case 0:
		stream = dp_fd_stream_create(fds[1], true, NULL, &failing.base);
		break;
	case 1:
		stream = dp_file_stream_create(file, true, &failing.base);
		break;
	case 2:
		stream = dp_memory_stream_create(&failing.base);
		break;
	case 3:
		stream = dp_transport_stream_create(&transport, &failing.base);
		break;
	}
	ck_assert_ptr_null(stream);
	ck_assert(failing.failed);
	ck_assert_uint_eq(counter.live_blocks, 0);
	ck_assert_int_ne(fcntl(fds[1], F_GETFD), -1);
	ck_assert_int_eq(loop.is_down, 0);
	ck_assert_int_eq(fclose(file), 0);
	close(fds[1]);
}
END_TEST

/* ---- the third-party transport ------------------------------------------------ */

START_TEST(test_transport_stream_sends_everything_despite_short_sends)
{
	struct tp_loopback loop;
	char storage[64];
	char back[64];

	tp_loopback_init(&loop, storage, sizeof(storage), 5);
	struct tp_transport transport = tp_loopback_transport(&loop);
	struct dp_stream *stream = dp_transport_stream_create(&transport, NULL);
	ck_assert_int_eq(
		dp_stream_write_string(stream, "twenty-three bytes long"),
		DP_OK);
	/* 5 + 5 + 5 + 5 + 3: five sends for one write. */
	ck_assert_int_eq(loop.sends, 5);
	ck_assert_int_eq(loop.length, 23);
	ck_assert_uint_eq(drain_stream(stream, back, sizeof(back), 64), 23);
	ck_assert_mem_eq(back, "twenty-three bytes long", 23);
	/* Five receives of 5, 5, 5, 5, 3 bytes, and one that finds none. */
	ck_assert_int_eq(loop.receives, 6);
	ck_assert_int_eq(dp_stream_close(stream), DP_OK);
}
END_TEST

START_TEST(test_transport_stream_turns_their_failure_into_eio)
{
	struct tp_loopback loop;
	char storage[8];

	tp_loopback_init(&loop, storage, sizeof(storage), 4);
	struct tp_transport transport = tp_loopback_transport(&loop);
	struct dp_stream *stream = dp_transport_stream_create(&transport, NULL);
	/* 8 bytes fit; the ninth finds the loopback full (ENOSPC). */
	ck_assert_int_eq(dp_stream_write(stream, "0123456789", 10), DP_EIO);
	ck_assert_int_eq(loop.length, 8);
	ck_assert_int_eq(loop.sends, 3);
	ck_assert_int_eq(dp_stream_close(stream), DP_OK);
}
END_TEST

START_TEST(test_transport_stream_close_shuts_the_transport_down)
{
	struct tp_loopback loop;
	char storage[8];

	tp_loopback_init(&loop, storage, sizeof(storage), 4);
	struct tp_transport transport = tp_loopback_transport(&loop);
	ck_assert_int_eq(
		dp_stream_close(dp_transport_stream_create(&transport, NULL)),
		DP_OK);
	ck_assert_int_eq(loop.is_down, 1);
	/* After shutdown a new adapter over it can only fail. */
	struct dp_stream *stream = dp_transport_stream_create(&transport, NULL);
	ck_assert_int_eq(dp_stream_write(stream, "x", 1), DP_EIO);
	dp_stream_close(stream);
}
END_TEST

START_TEST(test_transport_without_recv_is_write_only_and_send_is_required)
{
	struct tp_loopback loop;
	char storage[8], buf[4];
	size_t got = 99;

	tp_loopback_init(&loop, storage, sizeof(storage), 4);
	struct tp_transport transport = tp_loopback_transport(&loop);
	transport.recv = NULL;
	transport.shutdown = NULL;
	struct dp_stream *stream = dp_transport_stream_create(&transport, NULL);
	ck_assert_int_eq(dp_stream_write(stream, "ab", 2), DP_OK);
	ck_assert_int_eq(dp_stream_read(stream, buf, sizeof(buf), &got),
	                 DP_ENOTSUP);
	ck_assert_uint_eq(got, 0);
	ck_assert_int_eq(dp_stream_close(stream), DP_OK);
	ck_assert_int_eq(loop.is_down, 0);

	transport.send = NULL;
	ck_assert_ptr_null(dp_transport_stream_create(&transport, NULL));
	ck_assert_ptr_null(dp_transport_stream_create(NULL, NULL));
}
END_TEST

START_TEST(test_our_stream_serves_as_their_send_callback)
{
	struct dp_stream *mem = dp_memory_stream_create(NULL);
	struct tp_transport theirs = {.handle = mem,
	                              .send = dp_stream_as_tp_send};
	size_t len;

	/* Their code calls their interface; our memory stream answers. */
	ck_assert_int_eq(theirs.send(theirs.handle, "hello", 5), 5);
	ck_assert_int_eq(theirs.send(theirs.handle, "", 0), 0);
	ck_assert_mem_eq(dp_memory_stream_data(mem, &len), "hello", 5);
	ck_assert_uint_eq(len, 5);
	errno = 0;
	ck_assert_int_eq(theirs.send(theirs.handle, "x", -1), -1);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_int_eq(dp_stream_as_tp_send(NULL, "x", 1), -1);
	ck_assert_int_eq(dp_stream_as_tp_send(mem, NULL, 1), -1);
	dp_stream_close(mem);
}
END_TEST

START_TEST(test_their_send_callback_reports_our_failure_as_eio)
{
	struct dp_failing_allocator failing;
	dp_failing_allocator_init(&failing, 2, NULL);
	struct dp_stream *mem = dp_memory_stream_create(&failing.base);

	errno = 0;
	ck_assert_int_eq(dp_stream_as_tp_send(mem, "abc", 3), -1);
	ck_assert_int_eq(errno, EIO);
	dp_stream_close(mem);
}
END_TEST

/* ---- one interface --------------------------------------------------------------- */

/* The same code, written once against struct dp_stream, run over every
 * adapter (iteration _i) and read back through the same adapter kind. */
START_TEST(test_the_same_code_runs_over_every_adapter)
{
	struct temp temp = temp_make();
	static const char *const lines[] = {"id,ms\n", "1,12\n", "2,7\n",
	                                    "3,40\n"};
	struct tp_loopback loop;
	char storage[64], back[64];
	struct dp_stream *out = NULL, *in = NULL;

	tp_loopback_init(&loop, storage, sizeof(storage), 3);
	struct tp_transport transport = tp_loopback_transport(&loop);
	switch (_i) {
	case 0:
		out = dp_fd_stream_create(
			open(temp.path, O_WRONLY | O_CREAT, 0600), true, NULL,
			NULL);
		break;
	case 1:
		out = dp_file_stream_create(fopen(temp.path, "wb"), true, NULL);
		break;
	case 2:
		out = in = dp_memory_stream_create(NULL);
		break;
	case 3:
		out = in = dp_transport_stream_create(&transport, NULL);
		break;
	}
	for (size_t i = 0; i < DP_ARRAY_SIZE(lines); i++)
		ck_assert_int_eq(dp_stream_write_string(out, lines[i]), DP_OK);
	ck_assert_int_eq(dp_stream_flush(out), DP_OK);
	if (in == NULL) {
		ck_assert_int_eq(dp_stream_close(out), DP_OK);
		in = _i == 0 ? dp_fd_stream_create(open(temp.path, O_RDONLY),
		                                   true, NULL, NULL)
		             : dp_file_stream_create(fopen(temp.path, "rb"),
		                                     true, NULL);
	}
	ck_assert_uint_eq(drain_stream(in, back, sizeof(back), 4), 20);
	ck_assert_mem_eq(back, "id,ms\n1,12\n2,7\n3,40\n", 20);
	ck_assert_int_eq(dp_stream_close(in), DP_OK);
	temp_remove(&temp);
}
END_TEST

static Suite *adapter_suite(void)
{
	Suite *suite = suite_create("adapter");
	TCase *tc;

	tc = dp_test_case(suite, "fd");
	tcase_add_unchecked_fixture(tc, temp_root_make, temp_root_remove);
	tcase_add_test(tc, test_fd_stream_makes_one_write_call_per_write);
	tcase_add_test(
		tc, test_fd_stream_reads_a_file_back_and_then_reports_the_end);
	tcase_add_test(tc,
	               test_fd_stream_on_a_closed_descriptor_fails_with_eio);
	tcase_add_test(
		tc,
		test_fd_stream_reports_eio_after_a_short_write_it_could_not_finish);
	tcase_add_test(
		tc, test_fd_stream_closes_the_descriptor_only_when_it_owns_it);
	tcase_add_test(
		tc,
		test_fd_stream_close_of_a_bad_owned_descriptor_is_eio_and_frees);
	tcase_add_test(
		tc,
		test_fd_stream_has_nothing_to_flush_and_rejects_bad_descriptors);

	tc = dp_test_case(suite, "stdio");
	tcase_add_unchecked_fixture(tc, temp_root_make, temp_root_remove);
	tcase_add_test(tc, test_file_stream_round_trips_through_a_real_file);
	tcase_add_test(tc,
	               test_file_stream_flush_hands_the_bytes_to_the_system);
	tcase_add_test(
		tc, test_file_stream_write_to_a_read_only_file_fails_with_eio);

	tc = dp_test_case(suite, "memory");
	tcase_add_test(tc,
	               test_memory_stream_reads_back_what_was_written_in_order);
	tcase_add_test(tc, test_memory_stream_grows_and_frees_everything);
	tcase_add_test(
		tc,
		test_memory_stream_clear_and_reading_everything_reuse_the_buffer);
	tcase_add_test(tc, test_memory_stream_functions_refuse_other_streams);
	tcase_add_test(
		tc, test_memory_stream_write_fails_cleanly_at_every_allocation);
	tcase_add_loop_test(
		tc, test_every_create_fails_cleanly_when_memory_runs_out, 0, 4);

	tc = dp_test_case(suite, "third party");
	tcase_add_test(
		tc, test_transport_stream_sends_everything_despite_short_sends);
	tcase_add_test(tc, test_transport_stream_turns_their_failure_into_eio);
	tcase_add_test(tc,
	               test_transport_stream_close_shuts_the_transport_down);
	tcase_add_test(
		tc,
		test_transport_without_recv_is_write_only_and_send_is_required);
	tcase_add_test(tc, test_our_stream_serves_as_their_send_callback);
	tcase_add_test(tc, test_their_send_callback_reports_our_failure_as_eio);

	tc = dp_test_case(suite, "one interface");
	tcase_add_unchecked_fixture(tc, temp_root_make, temp_root_remove);
	tcase_add_loop_test(tc, test_the_same_code_runs_over_every_adapter, 0,
	                    4);
	return suite;
}

int main(void)
{
	return dp_test_run(adapter_suite());
}
