/*
 * Exercise 11: the graded tests of the batched writer. System calls are
 * counted, never timed: an fd sink over a temporary file counts its
 * write(2) calls, and a memory sink fails on demand to prove that no
 * record is lost.
 */
#define _POSIX_C_SOURCE 200809L /* mkstemp, pread */

#include "batch_writer.h"
#include "grade.h"
#include "grade_assert.h"

#include "common/dp_common.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- an fd sink that counts write(2) ------------------------------------ */

struct fd_sink {
	int fd;
	size_t write_calls; /* Real write(2) calls, failed ones included. */
};

static int fd_sink_write(void *ctx, const void *buf, size_t len)
{
	struct fd_sink *sink = ctx;
	const char *bytes = buf;

	/* Bounded: a sink that made no progress in 1000 calls gives up. */
	for (int tries = 0; len > 0 && tries < 1000; tries++) {
		sink->write_calls++;
		ssize_t wrote = write(sink->fd, bytes, len);
		if (wrote < 0 && errno == EINTR)
			continue;
		if (wrote <= 0)
			return DP_EIO;
		bytes += wrote;
		len -= (size_t)wrote;
	}
	return len == 0 ? DP_OK : DP_EIO;
}

static const struct ex_batch_sink_ops fd_sink_ops = {.write = fd_sink_write};

/* A temporary file, removed at once: it lives until its fd is closed. */
static void fd_sink_open(struct fd_sink *sink)
{
	char path[] = "/tmp/ex11_batch_XXXXXX";

	sink->fd = mkstemp(path);
	ck_assert_msg(sink->fd >= 0, "cannot create a temporary file");
	unlink(path);
	sink->write_calls = 0;
}

/* Read the whole file back into `buf`; return its size. */
static size_t fd_sink_contents(const struct fd_sink *sink, char *buf,
                               size_t size)
{
	size_t got = 0;

	while (got < size) {
		ssize_t n = pread(sink->fd, buf + got, size - got, (off_t)got);
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	return got;
}

/* ---- a memory sink that fails on demand --------------------------------- */

struct memory_sink {
	char data[1 << 16];
	size_t size;
	size_t calls;       /* Every call, failed or not. */
	size_t empty_calls; /* Calls with len 0, which the contract forbids. */
	size_t failures; /* Fail this many calls from now on, then succeed. */
};

static int memory_sink_write(void *ctx, const void *buf, size_t len)
{
	struct memory_sink *sink = ctx;

	sink->calls++;
	if (len == 0)
		sink->empty_calls++;
	if (sink->failures > 0) {
		sink->failures--;
		return DP_EIO;
	}
	if (len > sizeof(sink->data) - sink->size)
		return DP_EIO;
	memcpy(sink->data + sink->size, buf, len);
	sink->size += len;
	return DP_OK;
}

static const struct ex_batch_sink_ops memory_sink_ops = {
	.write = memory_sink_write};

/* The i-th test record: "record 0007\n", 12 bytes. */
static size_t make_record(char *buf, size_t i)
{
	return (size_t)snprintf(buf, 16, "record %04zu\n", i % 10000);
}

/* Write records first..first+count-1; return the last code. */
static int write_records(ex_batch_writer *writer, size_t first, size_t count)
{
	int rc = DP_OK;

	for (size_t i = first; i < first + count; i++) {
		char record[16];
		size_t len = make_record(record, i);
		rc = ex_batch_write(writer, record, len);
	}
	return rc;
}

/* Check that `data` holds exactly records 0..count-1, in order, once. */
static void assert_records(const char *data, size_t size, size_t count)
{
	size_t offset = 0;

	for (size_t i = 0; i < count; i++) {
		char record[16];
		size_t len = make_record(record, i);
		ck_assert_msg(offset + len <= size &&
		                      memcmp(data + offset, record, len) == 0,
		              "record %zu is missing or out of place: the sink "
		              "must receive every record once, in order",
		              i);
		offset += len;
	}
	ck_assert_msg(offset == size,
	              "the sink received %zu bytes, %zu more than the %zu "
	              "records: some were written twice",
	              size, size - offset, count);
}

static ex_batch_writer *fd_writer(struct fd_sink *sink, size_t batch)
{
	struct ex_batch_config config = {
		.sink = &fd_sink_ops,
		.sink_ctx = sink,
		.batch_records = batch,
	};

	return ex_batch_create(&config);
}

static ex_batch_writer *memory_writer(struct memory_sink *sink, size_t batch)
{
	struct ex_batch_config config = {
		.sink = &memory_sink_ops,
		.sink_ctx = sink,
		.batch_records = batch,
	};

	return ex_batch_create(&config);
}

/* ---- the tests ----------------------------------------------------------- */

START_TEST(test_records_below_a_batch_make_no_write_call)
{
	struct fd_sink sink;

	fd_sink_open(&sink);
	ex_batch_writer *writer = fd_writer(&sink, 4);
	ck_assert_ptr_nonnull(writer);
	grade_assert_code(write_records(writer, 0, 3), DP_OK);
	ck_assert_msg(sink.write_calls == 0,
	              "3 records with a batch of 4 should wait in memory, but "
	              "write(2) was called %zu times",
	              sink.write_calls);
	ck_assert_msg(ex_batch_pending(writer) == 3,
	              "3 records should be pending, %zu are",
	              ex_batch_pending(writer));
	ex_batch_destroy(writer);
	close(sink.fd);
}
END_TEST

START_TEST(test_a_full_batch_is_one_write_call)
{
	struct fd_sink sink;
	char data[256];

	fd_sink_open(&sink);
	ex_batch_writer *writer = fd_writer(&sink, 4);
	ck_assert_ptr_nonnull(writer);
	grade_assert_code(write_records(writer, 0, 4), DP_OK);
	ck_assert_msg(sink.write_calls == 1,
	              "the 4th record of a batch of 4 should send all 4 in ONE "
	              "write(2) call; there were %zu",
	              sink.write_calls);
	ck_assert_uint_eq(ex_batch_pending(writer), 0);
	assert_records(data, fd_sink_contents(&sink, data, sizeof(data)), 4);
	ex_batch_destroy(writer);
	close(sink.fd);
}
END_TEST

START_TEST(test_n_records_make_ceil_n_over_batch_write_calls)
{
	static const struct {
		size_t records, batch;
	} cases[] = {{1000, 64}, {1000, 1}, {10, 10}, {7, 3}, {1, 100}};
	static char data[16 * 1000];

	for (size_t c = 0; c < DP_ARRAY_SIZE(cases); c++) {
		size_t n = cases[c].records, batch = cases[c].batch;
		size_t expected = (n + batch - 1) / batch;
		struct fd_sink sink;

		fd_sink_open(&sink);
		ex_batch_writer *writer = fd_writer(&sink, batch);
		ck_assert_ptr_nonnull(writer);
		grade_assert_code(write_records(writer, 0, n), DP_OK);
		grade_assert_code(ex_batch_flush(writer), DP_OK);
		ck_assert_msg(sink.write_calls == expected,
		              "%zu records in batches of %zu, then a flush, "
		              "should make ceil(%zu/%zu) = %zu write(2) calls; "
		              "there were %zu",
		              n, batch, n, batch, expected, sink.write_calls);
		assert_records(data,
		               fd_sink_contents(&sink, data, sizeof(data)), n);
		ex_batch_destroy(writer);
		close(sink.fd);
	}
}
END_TEST

START_TEST(test_flush_writes_a_partial_batch_and_nothing_when_empty)
{
	struct memory_sink *sink = calloc(1, sizeof(*sink));

	ck_assert_ptr_nonnull(sink);
	ex_batch_writer *writer = memory_writer(sink, 8);
	ck_assert_ptr_nonnull(writer);
	grade_assert_code(ex_batch_flush(writer), DP_OK);
	ck_assert_msg(sink->calls == 0,
	              "flushing with nothing pending must not call the sink "
	              "(a system call for nothing); it was called %zu times",
	              sink->calls);
	grade_assert_code(write_records(writer, 0, 3), DP_OK);
	grade_assert_code(ex_batch_flush(writer), DP_OK);
	ck_assert_msg(sink->calls == 1,
	              "a flush should send the 3 pending records in one call; "
	              "the sink was called %zu times",
	              sink->calls);
	grade_assert_code(ex_batch_flush(writer), DP_OK);
	ck_assert_msg(sink->calls == 1,
	              "a second flush has nothing to send and must not call "
	              "the sink");
	assert_records(sink->data, sink->size, 3);
	ex_batch_destroy(writer);
	free(sink);
}
END_TEST

START_TEST(test_the_sink_never_gets_zero_bytes)
{
	struct memory_sink *sink = calloc(1, sizeof(*sink));

	ck_assert_ptr_nonnull(sink);
	ex_batch_writer *writer = memory_writer(sink, 3);
	ck_assert_ptr_nonnull(writer);
	/* A full batch of empty records: nothing to send. */
	for (int i = 0; i < 3; i++)
		grade_assert_code(ex_batch_write(writer, NULL, 0), DP_OK);
	ck_assert_msg(sink->empty_calls == 0,
	              "a batch of 3 empty records holds no byte: the sink must "
	              "not be called with len 0 (it was, %zu times)",
	              sink->empty_calls);
	ck_assert_msg(ex_batch_pending(writer) == 0,
	              "3 empty records in a batch of 3 count as written; %zu "
	              "are still pending",
	              ex_batch_pending(writer));
	/* Two empty records, then a flush: nothing to send either. */
	grade_assert_code(ex_batch_write(writer, "", 0), DP_OK);
	grade_assert_code(ex_batch_write(writer, NULL, 0), DP_OK);
	grade_assert_code(ex_batch_flush(writer), DP_OK);
	ck_assert_msg(sink->empty_calls == 0,
	              "a flush of 2 empty records called the sink with len 0");
	ck_assert_msg(ex_batch_pending(writer) == 0,
	              "after the flush of 2 empty records %zu are pending",
	              ex_batch_pending(writer));
	/* Empty records around a real one: one call, with its 3 bytes. */
	grade_assert_code(ex_batch_write(writer, NULL, 0), DP_OK);
	grade_assert_code(ex_batch_write(writer, "abc", 3), DP_OK);
	grade_assert_code(ex_batch_write(writer, NULL, 0), DP_OK);
	grade_assert_code(ex_batch_flush(writer), DP_OK);
	ck_assert_msg(sink->calls == 1 && sink->size == 3 &&
	                      memcmp(sink->data, "abc", 3) == 0,
	              "the sink should have been called once, with \"abc\"; "
	              "it was called %zu times (%zu with len 0) and got %zu "
	              "bytes",
	              sink->calls, sink->empty_calls, sink->size);
	ex_batch_destroy(writer);
	free(sink);
}
END_TEST

START_TEST(test_records_of_any_length_arrive_intact)
{
	struct memory_sink *sink = calloc(1, sizeof(*sink));
	static const size_t lengths[] = {0, 1, 5000, 13, 0, 700, 4096, 2};
	char record[5000];
	size_t total = 0;

	ck_assert_ptr_nonnull(sink);
	ex_batch_writer *writer = memory_writer(sink, 3);
	ck_assert_ptr_nonnull(writer);
	for (size_t r = 0; r < DP_ARRAY_SIZE(lengths); r++) {
		memset(record, (int)('A' + r), lengths[r]);
		grade_assert_code(ex_batch_write(writer, record, lengths[r]),
		                  DP_OK);
		/* The caller may reuse its buffer at once. */
		memset(record, '?', sizeof(record));
		total += lengths[r];
	}
	grade_assert_code(ex_batch_flush(writer), DP_OK);
	ck_assert_msg(sink->size == total,
	              "the sink received %zu bytes; the records hold %zu",
	              sink->size, total);
	size_t offset = 0;
	for (size_t r = 0; r < DP_ARRAY_SIZE(lengths); r++)
		for (size_t b = 0; b < lengths[r]; b++, offset++)
			ck_assert_msg(
				sink->data[offset] == (char)('A' + r),
				"byte %zu of record %zu (length %zu) is "
				"wrong: copy each record into the buffer, "
				"growing it as needed",
				b, r, lengths[r]);
	ex_batch_destroy(writer);
	free(sink);
}
END_TEST

START_TEST(test_a_failed_write_keeps_every_record)
{
	struct memory_sink *sink = calloc(1, sizeof(*sink));

	ck_assert_ptr_nonnull(sink);
	ex_batch_writer *writer = memory_writer(sink, 4);
	ck_assert_ptr_nonnull(writer);
	sink->failures = 1000;
	grade_assert_code(write_records(writer, 0, 3), DP_OK);
	/* The write that fills the batch reports the sink's failure. */
	grade_assert_code(write_records(writer, 3, 1), DP_EIO);
	ck_assert_msg(ex_batch_pending(writer) == 4,
	              "after the sink failed, all 4 records must still be "
	              "pending; %zu are",
	              ex_batch_pending(writer));
	grade_assert_code(ex_batch_flush(writer), DP_EIO);
	ck_assert_msg(ex_batch_pending(writer) == 4,
	              "a flush into a failing sink must keep the 4 records; "
	              "%zu are pending",
	              ex_batch_pending(writer));
	ex_batch_destroy(writer);
	free(sink);
}
END_TEST

START_TEST(test_records_are_retried_once_the_sink_recovers)
{
	struct memory_sink *sink = calloc(1, sizeof(*sink));

	ck_assert_ptr_nonnull(sink);
	ex_batch_writer *writer = memory_writer(sink, 4);
	ck_assert_ptr_nonnull(writer);
	/* The first two sink calls fail: records 0-3 and 0-4 are refused,
	 * then 0-5 go through at the 6th record. */
	sink->failures = 2;
	grade_assert_code(write_records(writer, 0, 4), DP_EIO);
	grade_assert_code(write_records(writer, 4, 1), DP_EIO);
	grade_assert_code(write_records(writer, 5, 1), DP_OK);
	ck_assert_msg(ex_batch_pending(writer) == 0,
	              "once the sink accepts, every pending record is written; "
	              "%zu are still pending",
	              ex_batch_pending(writer));
	grade_assert_code(write_records(writer, 6, 4), DP_OK);
	grade_assert_code(write_records(writer, 10, 2), DP_OK);
	grade_assert_code(ex_batch_flush(writer), DP_OK);
	assert_records(sink->data, sink->size, 12);
	ex_batch_destroy(writer);
	free(sink);
}
END_TEST

START_TEST(test_create_checks_its_config)
{
	struct memory_sink *sink = calloc(1, sizeof(*sink));
	static const struct ex_batch_sink_ops no_write = {.write = NULL};

	ck_assert_ptr_nonnull(sink);
	ex_batch_writer *writer = memory_writer(sink, 1);
	ck_assert_msg(writer != NULL, "a valid config must give a writer");
	ex_batch_destroy(writer);
	ck_assert_msg(ex_batch_create(NULL) == NULL,
	              "a NULL config must be refused");
	ck_assert_msg(memory_writer(sink, 0) == NULL,
	              "batch_records 0 must be refused");
	struct ex_batch_config config = {.batch_records = 4};
	ck_assert_msg(ex_batch_create(&config) == NULL,
	              "a config without a sink must be refused");
	config.sink = &no_write;
	ck_assert_msg(ex_batch_create(&config) == NULL,
	              "a sink without a write must be refused");
	grade_assert_code(ex_batch_write(NULL, "x", 1), DP_EINVAL);
	grade_assert_code(ex_batch_flush(NULL), DP_EINVAL);
	free(sink);
}
END_TEST

START_TEST(test_out_of_memory_keeps_the_record_with_the_caller)
{
	struct dp_counting_allocator counter;
	struct memory_sink *sink = calloc(1, sizeof(*sink));

	ck_assert_ptr_nonnull(sink);
	grade_assert_code(dp_counting_allocator_init(&counter, NULL), DP_OK);
	for (size_t fail_at = 1; fail_at <= 6; fail_at++) {
		struct dp_failing_allocator failing;
		grade_assert_code(dp_failing_allocator_init(&failing, fail_at,
		                                            &counter.base),
		                  DP_OK);
		struct ex_batch_config config = {
			.sink = &memory_sink_ops,
			.sink_ctx = sink,
			.batch_records = 1000,
			.alloc = &failing.base,
		};
		ex_batch_writer *writer = ex_batch_create(&config);
		if (writer == NULL) {
			ck_assert_msg(failing.failed,
			              "create failed with memory to spare");
			continue;
		}
		size_t stored = 0;
		for (size_t i = 0; i < 200; i++) {
			char record[16];
			size_t len = make_record(record, stored);
			int write_rc = ex_batch_write(writer, record, len);
			/* DP_ENOMEM is the one failure allowed here. */
			if (write_rc != DP_ENOMEM)
				grade_assert_code(write_rc, DP_OK);
			if (write_rc == DP_OK)
				stored++;
			ck_assert_msg(
				ex_batch_pending(writer) == stored,
				"a write that returned DP_ENOMEM must not "
				"store the record: %zu pending, %zu stored",
				ex_batch_pending(writer), stored);
		}
		sink->size = 0;
		grade_assert_code(ex_batch_flush(writer), DP_OK);
		assert_records(sink->data, sink->size, stored);
		ex_batch_destroy(writer);
	}
	ck_assert_msg(counter.live_blocks == 0,
	              "%zu blocks leaked: ex_batch_destroy must free the "
	              "buffer and the writer",
	              counter.live_blocks);
	free(sink);
}
END_TEST

/* The graded tests, in the order students should tackle them. */
static const struct grade_test TESTS[] = {
	{"test_records_below_a_batch_make_no_write_call",
         test_records_below_a_batch_make_no_write_call, 2,
         "Start with ex_batch_create and ex_batch_write: copy each record into "
         "a buffer and count it; do not call the sink yet. README steps 1-2."},
	{"test_a_full_batch_is_one_write_call",
         test_a_full_batch_is_one_write_call, 3,
         "When batch_records records are pending, hand the whole buffer to the "
         "sink in a single write. README step 3."},
	{"test_n_records_make_ceil_n_over_batch_write_calls",
         test_n_records_make_ceil_n_over_batch_write_calls, 5,
         "Count the sink calls for n records: one per full batch plus one for "
         "the rest at the flush. Empty the buffer after each successful "
         "write."},
	{"test_flush_writes_a_partial_batch_and_nothing_when_empty",
         test_flush_writes_a_partial_batch_and_nothing_when_empty, 2,
         "ex_batch_flush writes what is pending, whatever its size, and skips "
         "the sink when there is nothing to send."},
	{"test_the_sink_never_gets_zero_bytes",
         test_the_sink_never_gets_zero_bytes, 2,
         "The sink's len is never 0: decide whether to call it from the bytes "
         "pending, not the records. Pending records of length 0 carry nothing "
         "to send; they count as written without a call."},
	{"test_records_of_any_length_arrive_intact",
         test_records_of_any_length_arrive_intact, 3,
         "Grow the buffer (dp_realloc_array) before copying a record that does "
         "not fit; records of length 0 are valid."},
	{"test_a_failed_write_keeps_every_record",
         test_a_failed_write_keeps_every_record, 4,
         "Empty the buffer only after the sink returned DP_OK; on an error, "
         "return the code and keep everything. README step 4."},
	{"test_records_are_retried_once_the_sink_recovers",
         test_records_are_retried_once_the_sink_recovers, 4,
         "After a failure more than batch_records records are pending: the "
         "next write must try again, sending all of them at once."},
	{"test_create_checks_its_config", test_create_checks_its_config, 1,
         "Check every required field of the config before allocating; NULL "
         "writers get DP_EINVAL."},
	{"test_out_of_memory_keeps_the_record_with_the_caller",
         test_out_of_memory_keeps_the_record_with_the_caller, 2,
         "If the buffer cannot grow, return DP_ENOMEM before counting the "
         "record; allocate and free only through the config's allocator."},
};

int main(int argc, char **argv)
{
	return grade_main("11_batch_writer", TESTS, DP_ARRAY_SIZE(TESTS), argc,
	                  argv);
}
