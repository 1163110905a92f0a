/*
 * Tests of the batched writer and of the database half.
 *
 * The writer's tests write to real temporary files through the fd stream
 * (adapter.h), whose counter of write(2) calls is the measure of batching,
 * and compare the files byte for byte. One fault cannot be caused on a real
 * file on demand: a sink that refuses, and later accepts. A small test
 * stream, switch_sink, plays it, forwarding to a real file otherwise.
 */
#define _POSIX_C_SOURCE 200809L /* open's flags */

#include "adapter/adapter.h"
#include "batch/batch.h"
#include "batch/batch_sql.h"
#include "common/dp_temp.h"
#include "common/dp_test.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { RECORD = 16 };

/* ---- fixtures ----------------------------------------------------------- */

/* A fresh directory for one file, removed with whatever else appeared
 * in it (SQLite's journal, for one) by temp_remove(). */
struct temp {
	char dir[256];
	char path[512];
};

static struct temp temp_make(const char *name)
{
	struct temp temp;

	ck_assert_int_eq(
		dp_temp_dir_make(temp.dir, sizeof(temp.dir), "dp_batch"),
		DP_OK);
	snprintf(temp.path, sizeof(temp.path), "%s/%s", temp.dir, name);
	return temp;
}

static void temp_remove(struct temp *temp)
{
	ck_assert_int_eq(dp_temp_dir_remove(temp->dir), DP_OK);
}

static int temp_open(const struct temp *temp)
{
	int fd = open(temp->path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	ck_assert_int_ge(fd, 0);
	return fd;
}

/* The whole file, in a malloc'd block the caller frees. */
static unsigned char *read_all(const char *path, size_t *len)
{
	FILE *file = fopen(path, "rb");
	ck_assert_ptr_nonnull(file);
	unsigned char *data = malloc(1 << 20);
	ck_assert_ptr_nonnull(data);
	*len = fread(data, 1, 1 << 20, file);
	fclose(file);
	return data;
}

/* Record i: 16 bytes, "r0000000000042\n", so every one differs. */
static void make_record(size_t i, char record[RECORD + 1])
{
	snprintf(record, RECORD + 1, "r%013llu\n",
	         (unsigned long long)i % 10000000000000ull);
}

/* The file made by records first..first+n-1, in order. */
static void expect_records(const char *path, size_t first, size_t n)
{
	size_t len;
	unsigned char *data = read_all(path, &len);
	ck_assert_uint_eq(len, n * RECORD);
	for (size_t i = 0; i < n; i++) {
		char record[RECORD + 1];
		make_record(first + i, record);
		ck_assert_msg(memcmp(data + i * RECORD, record, RECORD) == 0,
		              "record %zu differs", i);
	}
	free(data);
}

static int append_records(dp_batch_writer *writer, size_t first, size_t n)
{
	for (size_t i = first; i < first + n; i++) {
		char record[RECORD + 1];
		make_record(i, record);
		int rc = dp_batch_writer_append(writer, record, RECORD);
		if (rc != DP_OK)
			return rc;
	}
	return DP_OK;
}

/*
 * A sink that fails when told to: while `fail_writes` is set its write
 * passes `accept_on_failure` bytes to the real file, then reports DP_EIO,
 * as a write(2) that takes a prefix and then meets a full disk would. The
 * switches and counters live in the test's `struct fault`, so the test can
 * flip them and read them after the sink is closed. Tests hold it through
 * a pointer, as the sink does: the switches change behind the writer's
 * back, and a pointer says so to the reader (and to cppcheck).
 */
struct fault {
	bool fail_writes;
	bool fail_flush;
	size_t accept_on_failure;
	uint64_t accepted; /* Bytes the file took: the writer's sink_bytes. */
	uint64_t failures;
};

struct switch_sink {
	struct dp_stream base; /* Base. Must be first. */
	struct dp_stream *inner;
	struct fault *fault;
};

static int switch_write(struct dp_stream *stream, const void *buf, size_t len)
{
	struct fault *fault =
		dp_container_of(stream, struct switch_sink, base)->fault;
	struct dp_stream *inner =
		dp_container_of(stream, struct switch_sink, base)->inner;

	if (!fault->fail_writes) {
		int rc = dp_stream_write(inner, buf, len);
		if (rc == DP_OK)
			fault->accepted += len;
		return rc;
	}
	size_t n =
		fault->accept_on_failure < len ? fault->accept_on_failure : len;
	if (dp_stream_write(inner, buf, n) == DP_OK)
		fault->accepted += n;
	fault->failures++;
	return DP_EIO;
}

static int switch_flush(struct dp_stream *stream)
{
	struct switch_sink *sink =
		dp_container_of(stream, struct switch_sink, base);

	return sink->fault->fail_flush ? DP_EIO : dp_stream_flush(sink->inner);
}

static int switch_close(struct dp_stream *stream)
{
	struct switch_sink *sink =
		dp_container_of(stream, struct switch_sink, base);
	int rc = dp_stream_close(sink->inner);

	free(sink);
	return rc;
}

static const struct dp_stream_ops switch_ops = {
	.name = "switch",
	.write = switch_write,
	.flush = switch_flush,
	.close = switch_close,
};

/* A switch sink over a new file in `temp`, switched by `fault`; `stats`
 * and `alloc` go to the fd stream below it. */
static struct dp_stream *switch_create(const struct temp *temp,
                                       struct fault *fault,
                                       struct dp_fd_stats *stats,
                                       const struct dp_allocator *alloc)
{
	struct switch_sink *sink = malloc(sizeof(*sink));
	ck_assert_ptr_nonnull(sink);
	*sink = (struct switch_sink){
		.inner = dp_fd_stream_create(temp_open(temp), true, stats,
	                                     alloc),
		.fault = fault,
	};
	ck_assert_ptr_nonnull(sink->inner);
	ck_assert_int_eq(dp_stream_init(&sink->base, &switch_ops), DP_OK);
	return &sink->base;
}

/* ---- batching: real write(2) calls on a real file ----------------------- */

static const struct {
	size_t records;
	size_t batch;
} SHAPES[] = {
	{1000, 100}, {1001, 100}, {1, 100}, {100, 1}, {999, 7}, {4096, 4096},
};

START_TEST(test_full_batches_cost_one_write_each)
{
	size_t records = SHAPES[_i].records, batch = SHAPES[_i].batch;
	struct temp temp = temp_make("log");
	struct dp_fd_stats stats = {0};
	struct dp_stream *file =
		dp_fd_stream_create(temp_open(&temp), true, &stats, NULL);
	const struct dp_batch_config config = {
		.max_records = batch,
		.max_bytes = batch * RECORD,
	};
	dp_batch_writer *writer = dp_batch_writer_create(file, &config, NULL);
	ck_assert_ptr_nonnull(writer);

	ck_assert_int_eq(append_records(writer, 0, records), DP_OK);
	ck_assert_uint_eq(stats.write_calls, records / batch);
	ck_assert_int_eq(dp_batch_writer_close(writer), DP_OK);

	ck_assert_uint_eq(stats.write_calls, (records + batch - 1) / batch);
	ck_assert_uint_eq(stats.bytes_written, records * RECORD);
	ck_assert_uint_eq(stats.close_calls, 1);
	expect_records(temp.path, 0, records);
	temp_remove(&temp);
}
END_TEST

START_TEST(test_close_writes_what_is_pending)
{
	struct temp temp = temp_make("log");
	struct dp_fd_stats stats = {0};
	struct dp_stream *file =
		dp_fd_stream_create(temp_open(&temp), true, &stats, NULL);
	const struct dp_batch_config config = {.max_records = 64,
	                                       .max_bytes = 4096};
	dp_batch_writer *writer = dp_batch_writer_create(file, &config, NULL);

	ck_assert_int_eq(append_records(writer, 0, 5), DP_OK);
	ck_assert_uint_eq(stats.write_calls, 0);
	ck_assert_uint_eq(dp_batch_writer_pending_records(writer), 5);
	ck_assert_uint_eq(dp_batch_writer_pending_bytes(writer), 5 * RECORD);
	ck_assert_int_eq(dp_batch_writer_close(writer), DP_OK);
	ck_assert_uint_eq(stats.write_calls, 1);
	expect_records(temp.path, 0, 5);
	temp_remove(&temp);
}
END_TEST

START_TEST(test_flush_writes_on_demand_and_nothing_when_empty)
{
	struct temp temp = temp_make("log");
	struct dp_fd_stats stats = {0};
	struct dp_stream *file =
		dp_fd_stream_create(temp_open(&temp), true, &stats, NULL);
	const struct dp_batch_config config = {.max_records = 64,
	                                       .max_bytes = 4096};
	dp_batch_writer *writer = dp_batch_writer_create(file, &config, NULL);

	ck_assert_int_eq(dp_batch_writer_flush(writer), DP_OK);
	ck_assert_uint_eq(stats.write_calls, 0);
	ck_assert_int_eq(append_records(writer, 0, 3), DP_OK);
	ck_assert_int_eq(dp_batch_writer_flush(writer), DP_OK);
	ck_assert_uint_eq(stats.write_calls, 1);
	ck_assert_uint_eq(dp_batch_writer_pending_records(writer), 0);
	expect_records(temp.path, 0, 3);
	ck_assert_int_eq(dp_batch_writer_flush(writer), DP_OK);
	ck_assert_int_eq(dp_batch_writer_close(writer), DP_OK);
	ck_assert_uint_eq(stats.write_calls, 1);
	temp_remove(&temp);
}
END_TEST

START_TEST(test_byte_limit_writes_before_the_record_limit)
{
	struct temp temp = temp_make("log");
	struct dp_fd_stats stats = {0};
	struct dp_stream *file =
		dp_fd_stream_create(temp_open(&temp), true, &stats, NULL);
	/* 4 records fill 64 bytes long before 1000 records are reached. */
	const struct dp_batch_config config = {.max_records = 1000,
	                                       .max_bytes = 4 * RECORD};
	dp_batch_writer *writer = dp_batch_writer_create(file, &config, NULL);

	ck_assert_int_eq(append_records(writer, 0, 3), DP_OK);
	ck_assert_uint_eq(stats.write_calls, 0);
	ck_assert_int_eq(append_records(writer, 3, 1), DP_OK);
	ck_assert_uint_eq(stats.write_calls, 1);
	ck_assert_uint_eq(stats.bytes_written, 4 * RECORD);
	ck_assert_int_eq(append_records(writer, 4, 36), DP_OK);
	ck_assert_uint_eq(stats.write_calls, 10);
	ck_assert_int_eq(dp_batch_writer_close(writer), DP_OK);
	ck_assert_uint_eq(stats.write_calls, 10);
	expect_records(temp.path, 0, 40);
	temp_remove(&temp);
}
END_TEST

START_TEST(test_a_record_that_does_not_fit_sends_the_batch_first)
{
	struct temp temp = temp_make("log");
	struct dp_fd_stats stats = {0};
	struct dp_stream *file =
		dp_fd_stream_create(temp_open(&temp), true, &stats, NULL);
	const struct dp_batch_config config = {.max_records = 100,
	                                       .max_bytes = 10};
	dp_batch_writer *writer = dp_batch_writer_create(file, &config, NULL);

	ck_assert_int_eq(dp_batch_writer_append(writer, "abcd", 4), DP_OK);
	ck_assert_int_eq(dp_batch_writer_append(writer, "efg", 3), DP_OK);
	ck_assert_uint_eq(stats.write_calls, 0);
	/* 7 + 5 > 10: "abcdefg" goes first, "hijkl" starts the next. */
	ck_assert_int_eq(dp_batch_writer_append(writer, "hijkl", 5), DP_OK);
	ck_assert_uint_eq(stats.write_calls, 1);
	ck_assert_uint_eq(stats.bytes_written, 7);
	ck_assert_uint_eq(dp_batch_writer_pending_records(writer), 1);
	/* A record of exactly max_bytes is accepted and sent at once. */
	ck_assert_int_eq(dp_batch_writer_append(writer, "0123456789", 10),
	                 DP_OK);
	ck_assert_uint_eq(stats.write_calls, 3);
	ck_assert_int_eq(dp_batch_writer_close(writer), DP_OK);

	size_t len;
	unsigned char *data = read_all(temp.path, &len);
	ck_assert_uint_eq(len, 22);
	ck_assert_mem_eq(data, "abcdefghijkl0123456789", 22);
	free(data);
	temp_remove(&temp);
}
END_TEST

START_TEST(test_stats_count_records_batches_and_bytes)
{
	struct temp temp = temp_make("log");
	struct dp_stream *file =
		dp_fd_stream_create(temp_open(&temp), true, NULL, NULL);
	const struct dp_batch_config config = {.max_records = 10,
	                                       .max_bytes = 4096};
	dp_batch_writer *writer = dp_batch_writer_create(file, &config, NULL);
	struct dp_batch_stats stats;

	ck_assert_int_eq(append_records(writer, 0, 25), DP_OK);
	ck_assert_int_eq(dp_batch_writer_stats(writer, &stats), DP_OK);
	ck_assert_uint_eq(stats.records_in, 25);
	ck_assert_uint_eq(stats.records_out, 20);
	ck_assert_uint_eq(stats.bytes_out, 20 * RECORD);
	ck_assert_uint_eq(stats.batches, 2);
	ck_assert_uint_eq(stats.failed_batches, 0);
	ck_assert_int_eq(dp_batch_writer_flush(writer), DP_OK);
	ck_assert_int_eq(dp_batch_writer_stats(writer, &stats), DP_OK);
	ck_assert_uint_eq(stats.records_out, 25);
	ck_assert_uint_eq(stats.batches, 3);
	ck_assert_int_eq(dp_batch_writer_close(writer), DP_OK);
	temp_remove(&temp);
}
END_TEST

/* ---- failures: nothing taken is lost ------------------------------------ */

START_TEST(test_a_refused_batch_is_kept_and_retried_by_flush)
{
	struct temp temp = temp_make("log");
	struct dp_fd_stats stats = {0};
	struct fault faults = {0}, *fault = &faults;
	struct dp_stream *sink = switch_create(&temp, fault, &stats, NULL);
	const struct dp_batch_config config = {.max_records = 4,
	                                       .max_bytes = 4096};
	dp_batch_writer *writer = dp_batch_writer_create(sink, &config, NULL);

	ck_assert_int_eq(append_records(writer, 0, 4), DP_OK);
	fault->fail_writes = true;
	ck_assert_int_eq(append_records(writer, 4, 3), DP_OK);
	/* The 4th record is taken, and its batch refused. */
	ck_assert_int_eq(append_records(writer, 7, 1), DP_EIO);
	ck_assert_uint_eq(dp_batch_writer_pending_records(writer), 4);
	ck_assert_int_eq(dp_batch_writer_flush(writer), DP_EIO);
	ck_assert_uint_eq(dp_batch_writer_pending_records(writer), 4);
	ck_assert_uint_eq(fault->failures, 2);

	fault->fail_writes = false;
	ck_assert_int_eq(dp_batch_writer_flush(writer), DP_OK);
	ck_assert_uint_eq(dp_batch_writer_pending_records(writer), 0);
	ck_assert_int_eq(append_records(writer, 8, 2), DP_OK);
	ck_assert_int_eq(dp_batch_writer_close(writer), DP_OK);
	ck_assert_uint_eq(stats.write_calls, 3);
	expect_records(temp.path, 0, 10);
	temp_remove(&temp);
}
END_TEST

START_TEST(test_append_is_refused_with_ebusy_while_a_refused_batch_is_full)
{
	struct temp temp = temp_make("log");
	struct fault faults = {0}, *fault = &faults;
	struct dp_stream *sink = switch_create(&temp, fault, NULL, NULL);
	const struct dp_batch_config config = {.max_records = 2,
	                                       .max_bytes = 4096};
	dp_batch_writer *writer = dp_batch_writer_create(sink, &config, NULL);
	struct dp_batch_stats stats;

	fault->fail_writes = true;
	ck_assert_int_eq(append_records(writer, 0, 1), DP_OK);
	ck_assert_int_eq(append_records(writer, 1, 1), DP_EIO);
	/* Full and unwritable: record 2 is refused, and retried by us. */
	ck_assert_int_eq(append_records(writer, 2, 1), DP_EBUSY);
	ck_assert_int_eq(dp_batch_writer_stats(writer, &stats), DP_OK);
	ck_assert_uint_eq(stats.records_in, 2);
	ck_assert_uint_eq(stats.failed_batches, 2);
	ck_assert_uint_eq(dp_batch_writer_pending_records(writer), 2);

	fault->fail_writes = false;
	ck_assert_int_eq(append_records(writer, 2, 1), DP_OK);
	ck_assert_uint_eq(dp_batch_writer_pending_records(writer), 1);
	ck_assert_int_eq(dp_batch_writer_close(writer), DP_OK);
	expect_records(temp.path, 0, 3);
	temp_remove(&temp);
}
END_TEST

START_TEST(test_a_partial_write_with_a_byte_counter_resumes_exactly)
{
	struct temp temp = temp_make("log");
	struct fault faults = {0}, *fault = &faults;
	struct dp_stream *sink = switch_create(&temp, fault, NULL, NULL);
	const struct dp_batch_config config = {
		.max_records = 4,
		.max_bytes = 4096,
		.sink_bytes = &fault->accepted,
	};
	dp_batch_writer *writer = dp_batch_writer_create(sink, &config, NULL);
	struct dp_batch_stats stats;

	/* 20 bytes get through: record 0 and 4 bytes of record 1. */
	fault->fail_writes = true;
	fault->accept_on_failure = 20;
	ck_assert_int_eq(append_records(writer, 0, 3), DP_OK);
	ck_assert_int_eq(append_records(writer, 3, 1), DP_EIO);
	ck_assert_uint_eq(dp_batch_writer_pending_records(writer), 3);
	ck_assert_uint_eq(dp_batch_writer_pending_bytes(writer),
	                  4 * RECORD - 20);
	ck_assert_int_eq(dp_batch_writer_stats(writer, &stats), DP_OK);
	ck_assert_uint_eq(stats.records_out, 1);
	ck_assert_uint_eq(stats.bytes_out, 20);

	fault->fail_writes = false;
	ck_assert_int_eq(dp_batch_writer_close(writer), DP_OK);
	ck_assert_uint_eq(fault->accepted, 4 * RECORD);
	expect_records(temp.path, 0, 4);
	temp_remove(&temp);
}
END_TEST

START_TEST(test_a_partial_write_without_a_counter_repeats_a_prefix)
{
	struct temp temp = temp_make("log");
	struct fault faults = {0}, *fault = &faults;
	struct dp_stream *sink = switch_create(&temp, fault, NULL, NULL);
	const struct dp_batch_config config = {.max_records = 4,
	                                       .max_bytes = 4096};
	dp_batch_writer *writer = dp_batch_writer_create(sink, &config, NULL);

	fault->fail_writes = true;
	fault->accept_on_failure = 20;
	ck_assert_int_eq(append_records(writer, 0, 3), DP_OK);
	ck_assert_int_eq(append_records(writer, 3, 1), DP_EIO);
	ck_assert_uint_eq(dp_batch_writer_pending_records(writer), 4);
	fault->fail_writes = false;
	ck_assert_int_eq(dp_batch_writer_close(writer), DP_OK);

	/* At least once: the 20-byte prefix, then the whole batch. */
	size_t len;
	unsigned char *data = read_all(temp.path, &len);
	ck_assert_uint_eq(len, 20 + 4 * RECORD);
	char batch[4 * RECORD + 1];
	for (size_t i = 0; i < 4; i++)
		make_record(i, batch + i * RECORD);
	ck_assert_mem_eq(data, batch, 20);
	ck_assert_mem_eq(data + 20, batch, 4 * RECORD);
	free(data);
	temp_remove(&temp);
}
END_TEST

START_TEST(test_a_real_write_error_is_eio_and_keeps_the_records)
{
	struct temp temp = temp_make("log");
	close(temp_open(&temp));
	/* A read-only descriptor: write(2) itself fails with EBADF. */
	int fd = open(temp.path, O_RDONLY);
	ck_assert_int_ge(fd, 0);
	struct dp_fd_stats stats = {0};
	struct dp_stream *file = dp_fd_stream_create(fd, true, &stats, NULL);
	const struct dp_batch_config config = {
		.max_records = 3,
		.max_bytes = 4096,
		.sink_bytes = &stats.bytes_written,
	};
	dp_batch_writer *writer = dp_batch_writer_create(file, &config, NULL);

	ck_assert_int_eq(append_records(writer, 0, 2), DP_OK);
	ck_assert_int_eq(append_records(writer, 2, 1), DP_EIO);
	ck_assert_uint_eq(stats.write_calls, 1);
	ck_assert_uint_eq(stats.bytes_written, 0);
	ck_assert_uint_eq(dp_batch_writer_pending_records(writer), 3);
	ck_assert_int_eq(dp_batch_writer_flush(writer), DP_EIO);
	ck_assert_uint_eq(stats.write_calls, 2);
	ck_assert_int_eq(dp_batch_writer_close(writer), DP_EIO);
	ck_assert_uint_eq(stats.close_calls, 1);
	temp_remove(&temp);
}
END_TEST

START_TEST(test_a_failing_sink_flush_is_reported_after_the_write)
{
	struct temp temp = temp_make("log");
	struct fault faults = {0}, *fault = &faults;
	struct dp_stream *sink = switch_create(&temp, fault, NULL, NULL);
	const struct dp_batch_config config = {.max_records = 8,
	                                       .max_bytes = 4096};
	dp_batch_writer *writer = dp_batch_writer_create(sink, &config, NULL);

	fault->fail_flush = true;
	ck_assert_int_eq(append_records(writer, 0, 2), DP_OK);
	ck_assert_int_eq(dp_batch_writer_flush(writer), DP_EIO);
	/* The bytes reached the sink; only its own flush failed. */
	ck_assert_uint_eq(dp_batch_writer_pending_records(writer), 0);
	ck_assert_uint_eq(fault->accepted, 2 * RECORD);
	fault->fail_flush = false;
	ck_assert_int_eq(dp_batch_writer_close(writer), DP_OK);
	expect_records(temp.path, 0, 2);
	temp_remove(&temp);
}
END_TEST

START_TEST(test_close_reports_a_failed_final_flush_and_frees_everything)
{
	struct dp_counting_allocator counter;
	dp_counting_allocator_init(&counter, NULL);
	struct temp temp = temp_make("log");
	struct fault faults = {0}, *fault = &faults;
	struct dp_stream *sink =
		switch_create(&temp, fault, NULL, &counter.base);
	const struct dp_batch_config config = {.max_records = 8,
	                                       .max_bytes = 4096};
	dp_batch_writer *writer =
		dp_batch_writer_create(sink, &config, &counter.base);

	ck_assert_int_eq(append_records(writer, 0, 3), DP_OK);
	fault->fail_writes = true;
	ck_assert_int_eq(dp_batch_writer_close(writer), DP_EIO);
	ck_assert_uint_eq(fault->failures, 1);
	ck_assert_uint_eq(counter.live_blocks, 0);
	ck_assert_uint_eq(counter.allocations, 4);
	temp_remove(&temp);
}
END_TEST

/* ---- errors ------------------------------------------------------------- */

START_TEST(test_create_rejects_a_missing_sink_config_or_limit)
{
	struct dp_stream *memory = dp_memory_stream_create(NULL);
	const struct dp_batch_config good = {.max_records = 1, .max_bytes = 1};
	const struct dp_batch_config no_records = {.max_bytes = 1};
	const struct dp_batch_config no_bytes = {.max_records = 1};

	ck_assert_ptr_null(dp_batch_writer_create(NULL, &good, NULL));
	ck_assert_ptr_null(dp_batch_writer_create(memory, NULL, NULL));
	ck_assert_ptr_null(dp_batch_writer_create(memory, &no_records, NULL));
	ck_assert_ptr_null(dp_batch_writer_create(memory, &no_bytes, NULL));
	/* The sink is still the caller's, and still works. */
	ck_assert_int_eq(dp_stream_write(memory, "x", 1), DP_OK);
	ck_assert_int_eq(dp_stream_close(memory), DP_OK);
}
END_TEST

START_TEST(test_append_rejects_bad_records_and_takes_nothing)
{
	const struct dp_batch_config config = {.max_records = 4,
	                                       .max_bytes = 8};
	dp_batch_writer *writer = dp_batch_writer_create(
		dp_memory_stream_create(NULL), &config, NULL);

	ck_assert_int_eq(dp_batch_writer_append(NULL, "abc", 3), DP_EINVAL);
	ck_assert_int_eq(dp_batch_writer_append(writer, NULL, 3), DP_EINVAL);
	ck_assert_int_eq(dp_batch_writer_append(writer, "abc", 0), DP_EINVAL);
	ck_assert_int_eq(dp_batch_writer_append(writer, "123456789", 9),
	                 DP_ERANGE);
	ck_assert_uint_eq(dp_batch_writer_pending_records(writer), 0);
	ck_assert_uint_eq(dp_batch_writer_pending_bytes(writer), 0);
	ck_assert_int_eq(dp_batch_writer_close(writer), DP_OK);
}
END_TEST

START_TEST(test_a_null_writer_is_rejected_or_ignored_by_every_function)
{
	struct dp_batch_stats stats;
	const struct dp_batch_config config = {.max_records = 4,
	                                       .max_bytes = 8};
	dp_batch_writer *writer = dp_batch_writer_create(
		dp_memory_stream_create(NULL), &config, NULL);

	ck_assert_int_eq(dp_batch_writer_flush(NULL), DP_EINVAL);
	ck_assert_int_eq(dp_batch_writer_close(NULL), DP_OK);
	ck_assert_uint_eq(dp_batch_writer_pending_records(NULL), 0);
	ck_assert_uint_eq(dp_batch_writer_pending_bytes(NULL), 0);
	ck_assert_int_eq(dp_batch_writer_stats(NULL, &stats), DP_EINVAL);
	ck_assert_int_eq(dp_batch_writer_stats(writer, NULL), DP_EINVAL);
	ck_assert_int_eq(dp_batch_writer_close(writer), DP_OK);
}
END_TEST

/* ---- out of memory ------------------------------------------------------ */

START_TEST(test_create_fails_cleanly_at_every_allocation)
{
	const struct dp_batch_config config = {.max_records = 4,
	                                       .max_bytes = 64};

	for (size_t n = 1;; n++) {
		struct dp_counting_allocator counter;
		struct dp_failing_allocator failing;
		dp_counting_allocator_init(&counter, NULL);
		dp_failing_allocator_init(&failing, n, &counter.base);
		struct dp_stream *memory = dp_memory_stream_create(NULL);

		dp_batch_writer *writer =
			dp_batch_writer_create(memory, &config, &failing.base);
		if (failing.failed) {
			ck_assert_ptr_null(writer);
			ck_assert_uint_eq(counter.live_blocks, 0);
			ck_assert_int_eq(dp_stream_close(memory), DP_OK);
			continue;
		}
		ck_assert_ptr_nonnull(writer);
		ck_assert_int_eq(dp_batch_writer_close(writer), DP_OK);
		ck_assert_uint_eq(counter.live_blocks, 0);
		ck_assert_uint_eq(n, 4);
		break;
	}
}
END_TEST

/*
 * The sink's own DP_ENOMEM: a memory stream that cannot grow refuses a
 * batch like a full disk. Whichever of its allocations fails, the batch
 * stays pending, the next flush delivers it, and every byte arrives once.
 */
START_TEST(test_a_sink_out_of_memory_loses_no_record)
{
	const struct dp_batch_config config = {.max_records = 8,
	                                       .max_bytes = 4096};

	for (size_t n = 1;; n++) {
		struct dp_counting_allocator counter;
		struct dp_failing_allocator failing;
		dp_counting_allocator_init(&counter, NULL);
		dp_failing_allocator_init(&failing, 0, &counter.base);
		struct dp_stream *memory =
			dp_memory_stream_create(&failing.base);
		dp_batch_writer *writer =
			dp_batch_writer_create(memory, &config, NULL);
		ck_assert_ptr_nonnull(writer);
		failing.fail_at = failing.requests + n;

		int rc = DP_OK;
		for (size_t batch = 0; batch < 5 && rc == DP_OK; batch++)
			rc = append_records(writer, batch * 8, 8);
		if (failing.failed) {
			ck_assert_int_eq(rc, DP_ENOMEM);
			ck_assert_uint_eq(
				dp_batch_writer_pending_records(writer), 8);
			ck_assert_int_eq(dp_batch_writer_flush(writer), DP_OK);
			size_t have = dp_batch_writer_pending_records(writer);
			ck_assert_uint_eq(have, 0);
		} else {
			ck_assert_int_eq(rc, DP_OK);
		}

		size_t len;
		const unsigned char *data = dp_memory_stream_data(memory, &len);
		ck_assert_uint_eq(len % RECORD, 0);
		for (size_t i = 0; i < len / RECORD; i++) {
			char record[RECORD + 1];
			make_record(i, record);
			ck_assert_mem_eq(data + i * RECORD, record, RECORD);
		}
		ck_assert_int_eq(dp_batch_writer_close(writer), DP_OK);
		ck_assert_uint_eq(counter.live_blocks, 0);
		if (!failing.failed)
			break;
	}
}
END_TEST

/* ---- the database ------------------------------------------------------- */

/* 2000 rows show all that 10 000 would (each mode stores them alike, an
 * index finds each user's four) at a fifth of the cost, which counts
 * under valgrind: the autocommitted mode prepares and commits each row. */
enum { ROWS = 2000, USERS = 500 };

static struct dp_event *make_events(void)
{
	static const char *const words[] = {"login", "view", "search",
	                                    "purchase", "logout"};
	struct dp_event *events = calloc(ROWS, sizeof(*events));
	ck_assert_ptr_nonnull(events);
	for (size_t i = 0; i < ROWS; i++) {
		events[i].user_id = (int64_t)((i * 7919) % USERS);
		events[i].payload = words[i % DP_ARRAY_SIZE(words)];
	}
	return events;
}

static int64_t count_rows(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *stmt = NULL;
	ck_assert_int_eq(sqlite3_prepare_v2(db, sql, -1, &stmt, NULL),
	                 SQLITE_OK);
	ck_assert_int_eq(sqlite3_step(stmt), SQLITE_ROW);
	int64_t n = sqlite3_column_int64(stmt, 0);
	sqlite3_finalize(stmt);
	return n;
}

static const enum dp_sql_insert_mode MODES[] = {
	DP_SQL_AUTOCOMMIT_EACH,
	DP_SQL_TRANSACTION_EACH,
	DP_SQL_TRANSACTION_PREPARED,
};

/*
 * The table holds exactly `events`, in order, with ids 1, 2, 3... Rows are
 * compared without an assertion each, because every passing Check
 * assertion costs a message to the parent process.
 */
static void expect_table(sqlite3 *db, const struct dp_event *events)
{
	sqlite3_stmt *stmt = NULL;
	ck_assert_int_eq(sqlite3_prepare_v2(db,
	                                    "SELECT id, user_id, payload "
	                                    "FROM events ORDER BY id",
	                                    -1, &stmt, NULL),
	                 SQLITE_OK);
	size_t row = 0;
	while (sqlite3_step(stmt) == SQLITE_ROW) {
		const char *payload =
			(const char *)sqlite3_column_text(stmt, 2);
		if (row >= ROWS ||
		    sqlite3_column_int64(stmt, 0) != (int64_t)row + 1 ||
		    sqlite3_column_int64(stmt, 1) != events[row].user_id ||
		    payload == NULL ||
		    strcmp(payload, events[row].payload) != 0)
			break;
		row++;
	}
	sqlite3_finalize(stmt);
	ck_assert_msg(row == ROWS, "row %zu differs or is missing", row + 1);
	ck_assert_int_eq(count_rows(db, "SELECT count(*) FROM events"), ROWS);
}

/*
 * The fast way and the slow way store the very same table: each mode's
 * table is compared, row by row, with the rows given, so any two are
 * identical. Tests assert contents, not speed, so the commits here neither
 * wait for the disk nor keep their journal in a file: the 2000
 * autocommits stay quick under valgrind.
 */
START_TEST(test_every_insert_mode_gives_the_same_table)
{
	struct dp_event *events = make_events();
	struct temp temp = temp_make("events.db");
	sqlite3 *db = NULL;

	ck_assert_int_eq(dp_sql_open(temp.path, false, &db, NULL), DP_OK);
	ck_assert_int_eq(sqlite3_exec(db, "PRAGMA journal_mode = MEMORY", NULL,
	                              NULL, NULL),
	                 SQLITE_OK);
	ck_assert_int_eq(
		dp_sql_insert_events(db, events, ROWS, MODES[_i], NULL), DP_OK);
	expect_table(db, events);
	sqlite3_close(db);
	temp_remove(&temp);
	free(events);
}
END_TEST

START_TEST(test_a_failed_transaction_inserts_nothing)
{
	const struct dp_event events[] = {
		{.user_id = 1, .payload = "ok"},
		{.user_id = 2, .payload = "ok"},
		{.user_id = 3, .payload = NULL}, /* breaks NOT NULL */
		{.user_id = 4, .payload = "never"},
	};
	struct temp temp = temp_make("events.db");
	sqlite3 *db = NULL;
	ck_assert_int_eq(dp_sql_open(temp.path, false, &db, NULL), DP_OK);

	struct dp_sql_error error;
	ck_assert_int_eq(dp_sql_insert_events(db, events, 4, MODES[_i], &error),
	                 DP_EIO);
	/* In every mode SQLite's reason reaches the caller. */
	ck_assert_int_eq(error.code, SQLITE_CONSTRAINT_NOTNULL);
	ck_assert_str_eq(error.message,
	                 "NOT NULL constraint failed: events.payload");
	/* One statement at a time keeps the rows before the bad one; a
	 * transaction keeps none: all or nothing. */
	int64_t expected = MODES[_i] == DP_SQL_AUTOCOMMIT_EACH ? 2 : 0;
	ck_assert_int_eq(count_rows(db, "SELECT count(*) FROM events"),
	                 expected);
	/* The connection is usable: no transaction was left open. */
	ck_assert_int_eq(dp_sql_insert_events(db, events, 2, MODES[_i], NULL),
	                 DP_OK);
	ck_assert(sqlite3_get_autocommit(db));
	sqlite3_close(db);
	temp_remove(&temp);
}
END_TEST

START_TEST(test_an_index_turns_the_scan_into_a_search)
{
	struct dp_event *events = make_events();
	struct temp temp = temp_make("events.db");
	sqlite3 *db = NULL;
	ck_assert_int_eq(dp_sql_open(temp.path, false, &db, NULL), DP_OK);
	ck_assert_int_eq(dp_sql_insert_events(db, events, ROWS,
	                                      DP_SQL_TRANSACTION_PREPARED,
	                                      NULL),
	                 DP_OK);
	char plan[512];
	int64_t rows_before, bytes_before, rows_after, bytes_after;

	ck_assert_int_eq(dp_sql_query_plan(db, dp_sql_user_activity_query(),
	                                   plan, sizeof(plan)),
	                 DP_OK);
	ck_assert_ptr_nonnull(strstr(plan, "SCAN events"));
	ck_assert_ptr_null(strstr(plan, "SEARCH"));
	ck_assert_int_eq(
		dp_sql_user_activity(db, 42, &rows_before, &bytes_before),
		DP_OK);

	ck_assert_int_eq(dp_sql_add_user_index(db), DP_OK);
	ck_assert_int_eq(dp_sql_query_plan(db, dp_sql_user_activity_query(),
	                                   plan, sizeof(plan)),
	                 DP_OK);
	ck_assert_ptr_null(strstr(plan, "SCAN"));
	ck_assert_ptr_nonnull(
		strstr(plan, "SEARCH events USING INDEX events_by_user"));
	ck_assert_int_eq(
		dp_sql_user_activity(db, 42, &rows_after, &bytes_after), DP_OK);

	/* 7919 is prime to 500, so each user has ROWS / USERS events. */
	ck_assert_int_eq(rows_before, ROWS / USERS);
	ck_assert_int_eq(rows_after, rows_before);
	ck_assert_int_eq(bytes_after, bytes_before);
	ck_assert_int_eq(
		dp_sql_user_activity(db, USERS + 1, &rows_after, &bytes_after),
		DP_OK);
	ck_assert_int_eq(rows_after, 0);
	ck_assert_int_eq(bytes_after, 0);
	sqlite3_close(db);
	temp_remove(&temp);
	free(events);
}
END_TEST

START_TEST(test_sql_functions_reject_bad_arguments)
{
	struct temp temp = temp_make("events.db");
	sqlite3 *db = NULL;
	char plan[64];
	int64_t rows, bytes;
	const struct dp_event event = {.user_id = 1, .payload = "x"};

	ck_assert_int_eq(dp_sql_open(NULL, false, &db, NULL), DP_EINVAL);
	ck_assert_ptr_null(db);
	ck_assert_int_eq(dp_sql_open(temp.path, false, NULL, NULL), DP_EINVAL);
	/* A directory is not a database file. */
	ck_assert_int_eq(dp_sql_open(temp.dir, false, &db, NULL), DP_EIO);
	ck_assert_ptr_null(db);
	ck_assert_int_eq(dp_sql_open(temp.path, true, &db, NULL), DP_OK);

	ck_assert_int_eq(dp_sql_insert_events(NULL, &event, 1,
	                                      DP_SQL_AUTOCOMMIT_EACH, NULL),
	                 DP_EINVAL);
	ck_assert_int_eq(
		dp_sql_insert_events(db, NULL, 1, DP_SQL_AUTOCOMMIT_EACH, NULL),
		DP_EINVAL);
	ck_assert_int_eq(dp_sql_insert_events(db, &event, 1,
	                                      (enum dp_sql_insert_mode)99,
	                                      NULL),
	                 DP_EINVAL);
	ck_assert_int_eq(dp_sql_insert_events(db, NULL, 0,
	                                      DP_SQL_TRANSACTION_PREPARED,
	                                      NULL),
	                 DP_OK);
	ck_assert_int_eq(dp_sql_user_activity(NULL, 1, &rows, &bytes),
	                 DP_EINVAL);
	ck_assert_int_eq(dp_sql_user_activity(db, 1, NULL, &bytes), DP_EINVAL);
	ck_assert_int_eq(dp_sql_user_activity(db, 1, &rows, NULL), DP_EINVAL);
	ck_assert_int_eq(dp_sql_add_user_index(NULL), DP_EINVAL);

	ck_assert_int_eq(dp_sql_query_plan(NULL, "SELECT 1", plan, 64),
	                 DP_EINVAL);
	ck_assert_int_eq(dp_sql_query_plan(db, NULL, plan, 64), DP_EINVAL);
	ck_assert_int_eq(dp_sql_query_plan(db, "SELECT 1", NULL, 64),
	                 DP_EINVAL);
	ck_assert_int_eq(dp_sql_query_plan(db, "SELECT 1", plan, 0), DP_EINVAL);
	ck_assert_int_eq(
		dp_sql_query_plan(db, "SELEKT nothing FROM nowhere", plan, 64),
		DP_EIO);
	ck_assert_str_eq(plan, "");
	ck_assert_int_eq(
		dp_sql_query_plan(db, dp_sql_user_activity_query(), plan, 4),
		DP_ERANGE);
	ck_assert_str_eq(plan, "");
	sqlite3_close(db);
	temp_remove(&temp);
}
END_TEST

/* The SQL functions on a table that is not there: SQLite's own errors. */
START_TEST(test_sql_errors_from_sqlite_are_eio)
{
	struct temp temp = temp_make("events.db");
	sqlite3 *db = NULL;
	int64_t rows = 7, bytes = 7;
	const struct dp_event event = {.user_id = 1, .payload = "x"};

	ck_assert_int_eq(dp_sql_open(temp.path, false, &db, NULL), DP_OK);
	ck_assert_int_eq(
		sqlite3_exec(db, "DROP TABLE events", NULL, NULL, NULL),
		SQLITE_OK);
	for (size_t m = 0; m < DP_ARRAY_SIZE(MODES); m++)
		ck_assert_int_eq(
			dp_sql_insert_events(db, &event, 1, MODES[m], NULL),
			DP_EIO);
	ck_assert_int_eq(dp_sql_user_activity(db, 1, &rows, &bytes), DP_EIO);
	ck_assert_int_eq(rows, 0);
	ck_assert_int_eq(bytes, 0);
	ck_assert_int_eq(dp_sql_add_user_index(db), DP_EIO);
	ck_assert(sqlite3_get_autocommit(db));
	sqlite3_close(db);
	temp_remove(&temp);
}
END_TEST

/* ---- reads: the N+1 query, the JOIN, IN batches ---------------------------- */

/*
 * The reads' data: READ_USERS users with ids 1, 2, ...; READ_EVENTS events
 * spread over them, except that the users whose id is a multiple of 11
 * have none (a LEFT JOIN must still report them), and their events go to
 * users that do not exist (orphans no loader may report).
 */
enum { READ_USERS = 120, READ_EVENTS = 600 };

static int64_t read_event_user(size_t i)
{
	int64_t user = 1 + (int64_t)((i * 7) % READ_USERS);
	return user % 11 == 0 ? 200 + (int64_t)(i % 5) : user;
}

static sqlite3 *open_read_data(struct temp *temp)
{
	static const char *const words[] = {"login", "view", "search"};
	static char names[READ_USERS][32];
	struct dp_user users[READ_USERS];
	struct dp_event events[READ_EVENTS];
	sqlite3 *db = NULL;

	for (size_t i = 0; i < READ_USERS; i++) {
		snprintf(names[i], sizeof(names[i]), "user %zu", i + 1);
		users[i] = (struct dp_user){.id = (int64_t)i + 1,
		                            .name = names[i]};
	}
	for (size_t i = 0; i < READ_EVENTS; i++)
		events[i] = (struct dp_event){
			.user_id = read_event_user(i),
			.payload = words[i % DP_ARRAY_SIZE(words)]};
	*temp = temp_make("reads.db");
	ck_assert_int_eq(dp_sql_open(temp->path, false, &db, NULL), DP_OK);
	ck_assert_int_eq(dp_sql_insert_users(db, users, READ_USERS, NULL),
	                 DP_OK);
	ck_assert_int_eq(dp_sql_insert_events(db, events, READ_EVENTS,
	                                      DP_SQL_TRANSACTION_PREPARED,
	                                      NULL),
	                 DP_OK);
	ck_assert_int_eq(dp_sql_add_user_index(db), DP_OK);
	return db;
}

struct read_row {
	int64_t user_id;
	int64_t event_id;
	char name[32];
	char payload[16];
};

struct collector {
	struct read_row rows[READ_EVENTS + READ_USERS];
	size_t count;
	size_t stop_after; /* 0: never stop */
};

static int collect(void *ctx, const struct dp_sql_user_row *row)
{
	struct collector *collector = ctx;
	if (collector->count == DP_ARRAY_SIZE(collector->rows))
		return DP_ERANGE;
	struct read_row *kept = &collector->rows[collector->count++];
	kept->user_id = row->user_id;
	kept->event_id = row->event_id;
	snprintf(kept->name, sizeof(kept->name), "%s",
	         row->name != NULL ? row->name : "(null)");
	snprintf(kept->payload, sizeof(kept->payload), "%s",
	         row->payload != NULL ? row->payload : "(none)");
	if (collector->stop_after != 0 &&
	    collector->count == collector->stop_after)
		return DP_ECANCELED;
	return DP_OK;
}

/* The rows the first n users must give, worked out without SQL. */
static void expected_reads(size_t n, struct collector *expected)
{
	expected->count = 0;
	for (int64_t user = 1; user <= (int64_t)n && user <= READ_USERS;
	     user++) {
		char name[32];
		snprintf(name, sizeof(name), "user %lld", (long long)user);
		bool any = false;
		for (size_t i = 0; i < READ_EVENTS; i++) {
			if (read_event_user(i) != user)
				continue;
			static const char *const words[] = {"login", "view",
			                                    "search"};
			struct read_row *row =
				&expected->rows[expected->count++];
			*row = (struct read_row){.user_id = user,
			                         .event_id = (int64_t)i + 1};
			snprintf(row->name, sizeof(row->name), "%s", name);
			snprintf(row->payload, sizeof(row->payload), "%s",
			         words[i % 3]);
			any = true;
		}
		if (!any) {
			struct read_row *row =
				&expected->rows[expected->count++];
			*row = (struct read_row){.user_id = user};
			snprintf(row->name, sizeof(row->name), "%s", name);
			snprintf(row->payload, sizeof(row->payload), "(none)");
		}
	}
}

static const struct dp_sql_loader_ops *const LOADERS[] = {
	&dp_sql_loader_each,
	&dp_sql_loader_join,
	&dp_sql_loader_in,
};

/* How many users, how many per IN list; the statement counts follow. */
static const struct {
	size_t n;
	size_t batch;
} LOADS[] = {
	{100, 30}, {100, 100}, {100, 1},  {0, 30},
	{1, 30},   {11, 5},    {500, 50}, {READ_USERS, DP_SQL_MAX_BATCH},
};

/* Every loader gives exactly the rows worked out without SQL, in order:
 * so any two give the same rows. Users with no event come as one row with
 * event 0; orphan events never come. */
START_TEST(test_every_loader_reports_the_same_rows)
{
	struct temp temp;
	sqlite3 *db = open_read_data(&temp);
	static struct collector got, expected;

	for (size_t l = 0; l < DP_ARRAY_SIZE(LOADS); l++) {
		expected_reads(LOADS[l].n, &expected);
		got = (struct collector){.count = 0};
		ck_assert_int_eq(dp_sql_load_users(db, LOADERS[_i], LOADS[l].n,
		                                   LOADS[l].batch, collect,
		                                   &got),
		                 DP_OK);
		ck_assert_uint_eq(got.count, expected.count);
		for (size_t r = 0; r < got.count; r++)
			ck_assert_msg(
				got.rows[r].user_id ==
						expected.rows[r].user_id &&
					got.rows[r].event_id ==
						expected.rows[r].event_id &&
					strcmp(got.rows[r].name,
			                       expected.rows[r].name) == 0 &&
					strcmp(got.rows[r].payload,
			                       expected.rows[r].payload) == 0,
				"%s, n=%zu: row %zu differs", LOADERS[_i]->name,
				LOADS[l].n, r);
	}
	sqlite3_close(db);
	temp_remove(&temp);
}
END_TEST

/*
 * The lesson, as counts of the statements SQLite ran: N+1 runs one per
 * user plus one for the users, the JOIN one, IN batches one per batch plus
 * one. n counts the users that exist: asking for 500 of 120 loads 120.
 */
START_TEST(test_each_loader_runs_the_statements_its_shape_says)
{
	struct temp temp;
	sqlite3 *db = open_read_data(&temp);
	static struct collector got;
	uint64_t statements = 0;

	ck_assert_int_eq(dp_sql_count_statements(db, &statements), DP_OK);
	for (size_t l = 0; l < DP_ARRAY_SIZE(LOADS); l++) {
		size_t users =
			LOADS[l].n < READ_USERS ? LOADS[l].n : READ_USERS;
		size_t batch = LOADS[l].batch;
		uint64_t expected[] = {
			users + 1,
			1,
			(users + batch - 1) / batch + 1,
		};
		for (size_t i = 0; i < DP_ARRAY_SIZE(LOADERS); i++) {
			got = (struct collector){.count = 0};
			statements = 0;
			ck_assert_int_eq(dp_sql_load_users(db, LOADERS[i],
			                                   LOADS[l].n, batch,
			                                   collect, &got),
			                 DP_OK);
			ck_assert_msg(statements == expected[i],
			              "%s, n=%zu, batch=%zu: %llu statements, "
			              "expected %llu",
			              LOADERS[i]->name, LOADS[l].n, batch,
			              (unsigned long long)statements,
			              (unsigned long long)expected[i]);
		}
	}
	/* Counting stops: nothing more is counted. */
	ck_assert_int_eq(dp_sql_count_statements(db, NULL), DP_OK);
	statements = 0;
	ck_assert_int_eq(dp_sql_load_users(db, &dp_sql_loader_each, 10, 1,
	                                   collect, &got),
	                 DP_OK);
	ck_assert_uint_eq(statements, 0);
	sqlite3_close(db);
	temp_remove(&temp);
}
END_TEST

START_TEST(test_a_loader_stops_when_the_callback_says_so)
{
	struct temp temp;
	sqlite3 *db = open_read_data(&temp);
	static struct collector got;

	/* Row 7 is inside the first IN batch of 5 users, and row 40 in a
	 * later one. */
	static const size_t stops[] = {1, 7, 40};
	for (size_t s = 0; s < DP_ARRAY_SIZE(stops); s++) {
		got = (struct collector){.stop_after = stops[s]};
		ck_assert_int_eq(dp_sql_load_users(db, LOADERS[_i], 100, 5,
		                                   collect, &got),
		                 DP_ECANCELED);
		ck_assert_uint_eq(got.count, stops[s]);
	}
	/* The connection is still usable afterwards. */
	got = (struct collector){.count = 0};
	ck_assert_int_eq(
		dp_sql_load_users(db, LOADERS[_i], 3, 5, collect, &got), DP_OK);
	ck_assert_uint_gt(got.count, 0);
	sqlite3_close(db);
	temp_remove(&temp);
}
END_TEST

static int never_called(void *ctx, const struct dp_sql_user_row *row)
{
	(void)row;
	(*(int *)ctx)++;
	return DP_OK;
}

START_TEST(test_load_users_rejects_bad_arguments)
{
	struct temp temp;
	sqlite3 *db = open_read_data(&temp);
	const struct dp_sql_loader_ops empty = {.name = "empty"};
	int calls = 0;

	ck_assert_int_eq(dp_sql_load_users(NULL, &dp_sql_loader_join, 1, 1,
	                                   never_called, &calls),
	                 DP_EINVAL);
	ck_assert_int_eq(
		dp_sql_load_users(db, NULL, 1, 1, never_called, &calls),
		DP_EINVAL);
	ck_assert_int_eq(
		dp_sql_load_users(db, &empty, 1, 1, never_called, &calls),
		DP_EINVAL);
	ck_assert_int_eq(
		dp_sql_load_users(db, &dp_sql_loader_join, 1, 1, NULL, &calls),
		DP_EINVAL);
	ck_assert_int_eq(dp_sql_load_users(db, &dp_sql_loader_in, 1, 0,
	                                   never_called, &calls),
	                 DP_EINVAL);
	ck_assert_int_eq(dp_sql_load_users(db, &dp_sql_loader_in, 1,
	                                   DP_SQL_MAX_BATCH + 1, never_called,
	                                   &calls),
	                 DP_EINVAL);
	ck_assert_int_eq(dp_sql_load_users(db, &dp_sql_loader_each, SIZE_MAX, 1,
	                                   never_called, &calls),
	                 DP_EINVAL);
	ck_assert_int_eq(calls, 0);
	ck_assert_int_eq(dp_sql_count_statements(NULL, NULL), DP_EINVAL);
	ck_assert_int_eq(dp_sql_insert_users(NULL, NULL, 0, NULL), DP_EINVAL);
	ck_assert_int_eq(dp_sql_insert_users(db, NULL, 1, NULL), DP_EINVAL);
	sqlite3_close(db);
	temp_remove(&temp);
}
END_TEST

/* Without the tables, every loader fails with SQLite's reason at hand. */
START_TEST(test_a_loader_without_its_tables_is_eio_with_sqlites_reason)
{
	struct temp temp;
	sqlite3 *db = open_read_data(&temp);
	int calls = 0;

	ck_assert_int_eq(
		sqlite3_exec(db, "DROP TABLE events", NULL, NULL, NULL),
		SQLITE_OK);
	ck_assert_int_eq(
		dp_sql_load_users(db, LOADERS[_i], 10, 5, never_called, &calls),
		DP_EIO);
	ck_assert_str_eq(sqlite3_errmsg(db), "no such table: events");
	ck_assert_int_eq(calls, 0);
	ck_assert_int_eq(sqlite3_exec(db, "DROP TABLE users", NULL, NULL, NULL),
	                 SQLITE_OK);
	ck_assert_int_eq(
		dp_sql_load_users(db, LOADERS[_i], 10, 5, never_called, &calls),
		DP_EIO);
	ck_assert_str_eq(sqlite3_errmsg(db), "no such table: users");
	sqlite3_close(db);
	temp_remove(&temp);
}
END_TEST

/* A repeated id rolls every user of the call back. */
START_TEST(test_insert_users_is_all_or_nothing)
{
	const struct dp_user users[] = {
		{.id = 1, .name = "ada"},
		{.id = 2, .name = "grace"},
		{.id = 1, .name = "again"},
	};
	struct temp temp = temp_make("users.db");
	sqlite3 *db = NULL;

	struct dp_sql_error error;

	ck_assert_int_eq(dp_sql_open(temp.path, false, &db, NULL), DP_OK);
	ck_assert_int_eq(dp_sql_insert_users(db, users, 3, &error), DP_EIO);
	/* SQLite's reason survives the rollback. */
	ck_assert_int_eq(error.code, SQLITE_CONSTRAINT_PRIMARYKEY);
	ck_assert_str_eq(error.message, "UNIQUE constraint failed: users.id");
	ck_assert_int_eq(count_rows(db, "SELECT count(*) FROM users"), 0);
	ck_assert(sqlite3_get_autocommit(db));
	ck_assert_int_eq(dp_sql_insert_users(db, users, 2, &error), DP_OK);
	ck_assert_int_eq(error.code, SQLITE_OK);
	ck_assert_str_eq(error.message, "");
	ck_assert_int_eq(count_rows(db, "SELECT count(*) FROM users"), 2);
	sqlite3_close(db);
	temp_remove(&temp);
}
END_TEST

/*
 * A prepared lookup gives the one-shot lookup's answers, is prepared once
 * (SQLite's own counters: no re-prepare, one run per lookup) and sends one
 * statement per lookup.
 */
START_TEST(test_a_prepared_lookup_is_prepared_once_and_agrees)
{
	struct temp temp;
	sqlite3 *db = open_read_data(&temp);
	sqlite3_stmt *stmt = NULL;
	uint64_t statements = 0;

	ck_assert_int_eq(dp_sql_user_activity_prepare(db, &stmt), DP_OK);
	ck_assert_int_eq(dp_sql_count_statements(db, &statements), DP_OK);
	for (int64_t user = 0; user < READ_USERS + 5; user++) {
		int64_t rows = -1, bytes = -1, rows1 = -2, bytes1 = -2;
		ck_assert_int_eq(
			dp_sql_user_activity_run(stmt, user, &rows, &bytes),
			DP_OK);
		ck_assert_int_eq(
			dp_sql_user_activity(db, user, &rows1, &bytes1), DP_OK);
		ck_assert_int_eq(rows, rows1);
		ck_assert_int_eq(bytes, bytes1);
	}
	ck_assert_uint_eq(statements, 2 * (READ_USERS + 5));
	ck_assert_int_eq(sqlite3_stmt_status(stmt, SQLITE_STMTSTATUS_RUN, 0),
	                 READ_USERS + 5);
	ck_assert_int_eq(
		sqlite3_stmt_status(stmt, SQLITE_STMTSTATUS_REPREPARE, 0), 0);
	sqlite3_finalize(stmt);

	int64_t rows = 7, bytes = 7;
	ck_assert_int_eq(dp_sql_user_activity_prepare(NULL, &stmt), DP_EINVAL);
	ck_assert_ptr_null(stmt);
	ck_assert_int_eq(dp_sql_user_activity_prepare(db, NULL), DP_EINVAL);
	ck_assert_int_eq(dp_sql_user_activity_run(NULL, 1, &rows, &bytes),
	                 DP_EINVAL);
	ck_assert_int_eq(rows, 0);
	ck_assert_int_eq(bytes, 0);
	ck_assert_int_eq(
		sqlite3_exec(db, "DROP TABLE events", NULL, NULL, NULL),
		SQLITE_OK);
	ck_assert_int_eq(dp_sql_user_activity_prepare(db, &stmt), DP_EIO);
	ck_assert_ptr_null(stmt);
	sqlite3_close(db);
	temp_remove(&temp);
}
END_TEST

/* The plans of the three loaders' child lookups use the index. */
START_TEST(test_the_loaders_queries_search_the_index)
{
	struct temp temp;
	sqlite3 *db = open_read_data(&temp);
	char plan[512];

	ck_assert_int_eq(dp_sql_query_plan(db,
	                                   "SELECT id, payload FROM events "
	                                   "WHERE user_id = 1 ORDER BY id",
	                                   plan, sizeof(plan)),
	                 DP_OK);
	ck_assert_ptr_nonnull(
		strstr(plan, "SEARCH events USING INDEX events_by_user"));
	ck_assert_ptr_null(strstr(plan, "SCAN events"));
	sqlite3_close(db);
	temp_remove(&temp);
}
END_TEST

/* ---- SQLite's own message reaches the caller ------------------------------ */

/* The whole file, compared byte for byte with `expected`. */
static void expect_file(const char *path, const char *expected, size_t len)
{
	size_t got_len;
	unsigned char *got = read_all(path, &got_len);
	ck_assert_uint_eq(got_len, len);
	ck_assert_int_eq(memcmp(got, expected, len), 0);
	free(got);
}

START_TEST(test_a_corrupt_file_is_refused_with_sqlites_message_and_kept)
{
	struct temp temp = temp_make("corrupt.db");
	char junk[4096];
	for (size_t i = 0; i < sizeof(junk); i++)
		junk[i] = (char)('a' + i % 26);
	FILE *file = fopen(temp.path, "wb");
	ck_assert_ptr_nonnull(file);
	ck_assert_uint_eq(fwrite(junk, 1, sizeof(junk), file), sizeof(junk));
	ck_assert_int_eq(fclose(file), 0);

	sqlite3 *db = (sqlite3 *)&db;
	struct dp_sql_error error;
	ck_assert_int_eq(dp_sql_open(temp.path, false, &db, &error), DP_EIO);
	ck_assert_ptr_null(db);
	ck_assert_int_eq(error.code, SQLITE_NOTADB);
	ck_assert_str_eq(error.message, "file is not a database");
	/* Bad input loses nothing: the file is as it was. */
	expect_file(temp.path, junk, sizeof(junk));
	/* Without an error out-parameter: the same code. */
	ck_assert_int_eq(dp_sql_open(temp.path, false, &db, NULL), DP_EIO);
	temp_remove(&temp);
}
END_TEST

/* A real database of several pages: 200 users, 2000 events. */
static void write_real_database(const char *path)
{
	enum { REAL_USERS = 200, REAL_EVENTS = 2000 };
	static struct dp_user users[REAL_USERS];
	static struct dp_event events[REAL_EVENTS];
	static char names[REAL_USERS][24];
	sqlite3 *db = NULL;

	for (int i = 0; i < REAL_USERS; i++) {
		snprintf(names[i], sizeof(names[i]), "user %d", i);
		users[i] = (struct dp_user){.id = i, .name = names[i]};
	}
	for (int i = 0; i < REAL_EVENTS; i++)
		events[i] = (struct dp_event){
			.user_id = i % REAL_USERS,
			.payload = "an event long enough to fill pages"};
	ck_assert_int_eq(dp_sql_open(path, false, &db, NULL), DP_OK);
	ck_assert_int_eq(dp_sql_insert_users(db, users, REAL_USERS, NULL),
	                 DP_OK);
	ck_assert_int_eq(dp_sql_insert_events(db, events, REAL_EVENTS,
	                                      DP_SQL_TRANSACTION_PREPARED,
	                                      NULL),
	                 DP_OK);
	ck_assert_int_eq(sqlite3_close(db), SQLITE_OK);
}

/* Overwrite `size` bytes at `offset` with letters, as a bad disk might. */
static void scribble(const char *path, off_t offset, size_t size)
{
	char junk[4096];
	ck_assert_uint_le(size, sizeof(junk));
	for (size_t i = 0; i < size; i++)
		junk[i] = (char)('a' + i % 26);
	int fd = open(path, O_WRONLY);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(pwrite(fd, junk, size, offset), (ssize_t)size);
	ck_assert_int_eq(close(fd), 0);
}

START_TEST(test_a_truncated_database_is_refused_with_sqlites_message_and_kept)
{
	struct temp temp = temp_make("truncated.db");
	write_real_database(temp.path);
	size_t size;
	unsigned char *whole = read_all(temp.path, &size);
	ck_assert_uint_gt(size, 8 * 4096);
	/* Its header still promises every page; half of them are gone. */
	ck_assert_int_eq(truncate(temp.path, (off_t)(size / 2)), 0);

	sqlite3 *db = (sqlite3 *)&db;
	struct dp_sql_error error;
	ck_assert_int_eq(dp_sql_open(temp.path, false, &db, &error), DP_EIO);
	ck_assert_ptr_null(db);
	ck_assert_int_eq(error.code & 0xff, SQLITE_CORRUPT);
	ck_assert_str_eq(error.message, "database disk image is malformed");
	expect_file(temp.path, (const char *)whole, size / 2);
	free(whole);
	temp_remove(&temp);
}
END_TEST

START_TEST(test_a_corrupt_page_fails_each_read_with_sqlites_message)
{
	struct temp temp = temp_make("scribbled.db");
	write_real_database(temp.path);
	/* Page 1 (the header and the schema) is whole, so the open works;
	 * the pages after it, where the tables' rows live, are not. */
	for (off_t page = 1; page < 8; page++)
		scribble(temp.path, page * 4096, 4096);

	sqlite3 *db = NULL;
	struct dp_sql_error error;
	ck_assert_int_eq(dp_sql_open(temp.path, false, &db, &error), DP_OK);
	int64_t rows = -1;
	int64_t bytes = -1;
	ck_assert_int_eq(dp_sql_user_activity(db, 7, &rows, &bytes), DP_EIO);
	ck_assert_int_eq(sqlite3_errcode(db), SQLITE_CORRUPT);
	ck_assert_str_eq(sqlite3_errmsg(db),
	                 "database disk image is malformed");
	int calls = 0;
	ck_assert_int_eq(dp_sql_load_users(db, &dp_sql_loader_join, 10, 1,
	                                   never_called, &calls),
	                 DP_EIO);
	ck_assert_int_eq(calls, 0);
	ck_assert_str_eq(sqlite3_errmsg(db),
	                 "database disk image is malformed");
	struct dp_event event = {.user_id = 1, .payload = "x"};
	ck_assert_int_eq(dp_sql_insert_events(db, &event, 1,
	                                      DP_SQL_TRANSACTION_PREPARED,
	                                      &error),
	                 DP_EIO);
	ck_assert_int_eq(error.code & 0xff, SQLITE_CORRUPT);
	ck_assert_str_eq(error.message, "database disk image is malformed");
	sqlite3_close(db);
	temp_remove(&temp);
}
END_TEST

START_TEST(test_a_directory_is_refused_with_sqlites_message_and_kept)
{
	struct temp temp = temp_make("unused");
	sqlite3 *db = NULL;
	struct dp_sql_error error;

	ck_assert_int_eq(dp_sql_open(temp.dir, true, &db, &error), DP_EIO);
	ck_assert_ptr_null(db);
	ck_assert_int_eq(error.code & 0xff, SQLITE_CANTOPEN);
	ck_assert_str_eq(error.message, "unable to open database file");
	/* Nothing was created in the directory: no journal, no file. */
	ck_assert_int_eq(access(temp.path, F_OK), -1);
	struct temp probe = temp;
	snprintf(probe.path, sizeof(probe.path), "%s-journal", temp.dir);
	ck_assert_int_eq(access(probe.path, F_OK), -1);
	temp_remove(&temp);
}
END_TEST

START_TEST(test_a_good_open_leaves_the_error_empty)
{
	struct temp temp = temp_make("events.db");
	sqlite3 *db = NULL;
	struct dp_sql_error error = {.code = 99, .message = "stale"};

	ck_assert_int_eq(dp_sql_open(temp.path, false, &db, &error), DP_OK);
	ck_assert_int_eq(error.code, SQLITE_OK);
	ck_assert_str_eq(error.message, "");
	sqlite3_close(db);
	error.code = 99;
	ck_assert_int_eq(dp_sql_open(NULL, false, &db, &error), DP_EINVAL);
	ck_assert_int_eq(error.code, SQLITE_OK);
	temp_remove(&temp);
}
END_TEST

static Suite *batch_suite(void)
{
	Suite *suite = suite_create("batch");

	TCase *tc = dp_test_case(suite, "batching");
	tcase_add_loop_test(tc, test_full_batches_cost_one_write_each, 0,
	                    DP_ARRAY_SIZE(SHAPES));
	tcase_add_test(tc, test_close_writes_what_is_pending);
	tcase_add_test(tc, test_flush_writes_on_demand_and_nothing_when_empty);
	tcase_add_test(tc, test_byte_limit_writes_before_the_record_limit);
	tcase_add_test(tc,
	               test_a_record_that_does_not_fit_sends_the_batch_first);
	tcase_add_test(tc, test_stats_count_records_batches_and_bytes);

	tc = dp_test_case(suite, "failures");
	tcase_add_test(tc, test_a_refused_batch_is_kept_and_retried_by_flush);
	tcase_add_test(
		tc,
		test_append_is_refused_with_ebusy_while_a_refused_batch_is_full);
	tcase_add_test(
		tc, test_a_partial_write_with_a_byte_counter_resumes_exactly);
	tcase_add_test(tc,
	               test_a_partial_write_without_a_counter_repeats_a_prefix);
	tcase_add_test(tc,
	               test_a_real_write_error_is_eio_and_keeps_the_records);
	tcase_add_test(tc,
	               test_a_failing_sink_flush_is_reported_after_the_write);
	tcase_add_test(
		tc,
		test_close_reports_a_failed_final_flush_and_frees_everything);

	tc = dp_test_case(suite, "errors");
	tcase_add_test(tc, test_create_rejects_a_missing_sink_config_or_limit);
	tcase_add_test(tc, test_append_rejects_bad_records_and_takes_nothing);
	tcase_add_test(
		tc,
		test_a_null_writer_is_rejected_or_ignored_by_every_function);

	tc = dp_test_case(suite, "out of memory");
	tcase_add_test(tc, test_create_fails_cleanly_at_every_allocation);
	tcase_add_test(tc, test_a_sink_out_of_memory_loses_no_record);

	tc = dp_test_case(suite, "database");
	tcase_add_loop_test(tc, test_every_insert_mode_gives_the_same_table, 0,
	                    DP_ARRAY_SIZE(MODES));
	tcase_add_loop_test(tc, test_a_failed_transaction_inserts_nothing, 0,
	                    DP_ARRAY_SIZE(MODES));
	tcase_add_test(tc, test_an_index_turns_the_scan_into_a_search);
	tcase_add_test(tc, test_sql_functions_reject_bad_arguments);
	tcase_add_test(tc, test_sql_errors_from_sqlite_are_eio);
	tcase_add_test(tc, test_insert_users_is_all_or_nothing);
	tcase_add_test(tc, test_a_prepared_lookup_is_prepared_once_and_agrees);

	tc = dp_test_case(suite, "reads");
	tcase_add_loop_test(tc, test_every_loader_reports_the_same_rows, 0,
	                    DP_ARRAY_SIZE(LOADERS));
	tcase_add_test(tc, test_each_loader_runs_the_statements_its_shape_says);
	tcase_add_loop_test(tc, test_a_loader_stops_when_the_callback_says_so,
	                    0, DP_ARRAY_SIZE(LOADERS));
	tcase_add_test(tc, test_load_users_rejects_bad_arguments);
	tcase_add_loop_test(
		tc, test_a_loader_without_its_tables_is_eio_with_sqlites_reason,
		0, DP_ARRAY_SIZE(LOADERS));
	tcase_add_test(tc, test_the_loaders_queries_search_the_index);

	tc = dp_test_case(suite, "error messages");
	tcase_add_test(
		tc,
		test_a_corrupt_file_is_refused_with_sqlites_message_and_kept);
	tcase_add_test(
		tc,
		test_a_truncated_database_is_refused_with_sqlites_message_and_kept);
	tcase_add_test(
		tc, test_a_corrupt_page_fails_each_read_with_sqlites_message);
	tcase_add_test(
		tc, test_a_directory_is_refused_with_sqlites_message_and_kept);
	tcase_add_test(tc, test_a_good_open_leaves_the_error_empty);

	return suite;
}

int main(void)
{
	return dp_test_run(batch_suite());
}
