/*
 * Tests of the decorators: each forwards every operation, adds exactly its
 * one behaviour, stacks with the others in any order (and the order shows
 * where it should), owns what it wraps, and fails cleanly. The buffering
 * lesson is checked by counting system calls on a real file, never by
 * timing.
 */
#define _XOPEN_SOURCE 700 /* pipe */

#include "adapter/adapter.h"
#include "common/dp_temp.h"
#include "common/dp_test.h"
#include "decorator/decorator.h"

#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* ---- a stream that records what reaches it ----------------------------- */

/* Lives on the test's stack; closing it only counts. */
struct recorder {
	struct dp_stream base; /* Base. Must be first. */
	int reads, writes, flushes, closes;
	int answer; /* returned by every operation */
};

static struct recorder *recorder_of(struct dp_stream *stream)
{
	return dp_container_of(stream, struct recorder, base);
}

static int rec_read(struct dp_stream *stream, void *buf, size_t len,
                    size_t *got)
{
	struct recorder *rec = recorder_of(stream);

	rec->reads++;
	memset(buf, 'r', len);
	*got = len;
	return rec->answer;
}

static int rec_write(struct dp_stream *stream, const void *buf, size_t len)
{
	(void)buf;
	(void)len;
	recorder_of(stream)->writes++;
	return recorder_of(stream)->answer;
}

static int rec_flush(struct dp_stream *stream)
{
	recorder_of(stream)->flushes++;
	return recorder_of(stream)->answer;
}

static int rec_close(struct dp_stream *stream)
{
	recorder_of(stream)->closes++;
	return recorder_of(stream)->answer;
}

static const struct dp_stream_ops rec_ops = {
	.name = "recorder",
	.read = rec_read,
	.write = rec_write,
	.flush = rec_flush,
	.close = rec_close,
};

static void recorder_init(struct recorder *rec, int answer)
{
	memset(rec, 0, sizeof(*rec));
	dp_stream_init(&rec->base, &rec_ops);
	rec->answer = answer;
}

/* ---- helpers ------------------------------------------------------------- */

/* The decorators under the loop tests, by iteration number. */
enum kind { BUFFERED, COUNTING, TRANSFORM, NUMBERING, N_KINDS };

static struct dp_stream *decorate(enum kind kind, struct dp_stream *inner,
                                  struct dp_stream_stats *stats,
                                  const struct dp_allocator *alloc)
{
	struct dp_byte_map upper;

	dp_byte_map_upper(&upper);
	switch (kind) {
	case BUFFERED:
		return dp_buffered_stream_create(inner, 8, alloc);
	case COUNTING:
		return dp_counting_stream_create(inner, stats, alloc);
	case TRANSFORM:
		return dp_transform_stream_create(inner, &upper, alloc);
	case NUMBERING:
	case N_KINDS:
		break;
	}
	return dp_numbering_stream_create(inner, alloc);
}

/* The text a memory stream holds, as a string in `out`. */
static const char *text_of(const struct dp_stream *mem, char *out, size_t cap)
{
	size_t len;
	const unsigned char *data = dp_memory_stream_data(mem, &len);

	ck_assert_uint_lt(len, cap);
	if (len > 0)
		memcpy(out, data, len);
	out[len] = '\0';
	return out;
}

/*
 * The one test with a real file works under a directory made before its
 * test case and removed after, in the runner's process (an unchecked
 * fixture), so a failing test leaves nothing behind either.
 */
static char temp_root[PATH_MAX];

static void temp_root_make(void)
{
	if (dp_temp_dir_make(temp_root, sizeof(temp_root), "dp_decorator") !=
	    DP_OK)
		temp_root[0] = '\0';
}

static void temp_root_remove(void)
{
	if (temp_root[0] != '\0')
		dp_temp_dir_remove(temp_root);
}

/* A map that hides digits, as a log scrubber hides card numbers. */
static void redact_digits(struct dp_byte_map *map)
{
	for (size_t b = 0; b < DP_ARRAY_SIZE(map->table); b++)
		map->table[b] = b >= '0' && b <= '9' ? '#' : (unsigned char)b;
}

/* ---- every decorator is a faithful shim ---------------------------------- */

START_TEST(test_every_decorator_forwards_every_operation)
{
	struct recorder rec;
	struct dp_stream_stats stats = {0};
	char buf[4];
	size_t got;

	recorder_init(&rec, DP_OK);
	struct dp_stream *top = decorate(_i, &rec.base, &stats, NULL);
	ck_assert_ptr_nonnull(top);

	ck_assert_int_eq(dp_stream_write(top, "x", 1), DP_OK);
	ck_assert_int_eq(dp_stream_flush(top), DP_OK);
	/* The buffer reaches the recorder at the latest on flush. */
	ck_assert_int_eq(rec.writes, _i == NUMBERING ? 2 : 1);
	ck_assert_int_eq(rec.flushes, 1);
	int rc = dp_stream_read(top, buf, sizeof(buf), &got);
	if (_i == NUMBERING) {
		ck_assert_int_eq(rc, DP_ENOTSUP); /* documented write-only */
		ck_assert_int_eq(rec.reads, 0);
	} else {
		ck_assert_int_eq(rc, DP_OK);
		ck_assert_uint_eq(got, sizeof(buf));
		ck_assert_int_eq(rec.reads, 1);
	}
	ck_assert_int_eq(dp_stream_close(top), DP_OK);
	ck_assert_int_eq(rec.closes, 1);
}
END_TEST

START_TEST(test_every_decorator_passes_errors_up_unchanged)
{
	struct recorder rec;
	struct dp_stream_stats stats = {0};

	recorder_init(&rec, DP_EIO);
	struct dp_stream *top = decorate(_i, &rec.base, &stats, NULL);
	int rc = dp_stream_write(top, "x", 1);
	/* The buffer holds the byte: its error shows at the flush. */
	ck_assert_int_eq(rc, _i == BUFFERED ? DP_OK : DP_EIO);
	ck_assert_int_eq(dp_stream_flush(top), DP_EIO);
	ck_assert_int_eq(dp_stream_close(top), DP_EIO);
	ck_assert_int_eq(rec.closes, 1);
}
END_TEST

START_TEST(test_closing_the_top_frees_the_whole_stack)
{
	struct dp_counting_allocator counter;
	struct dp_stream_stats stats = {0};
	struct dp_byte_map rot13;

	dp_counting_allocator_init(&counter, NULL);
	dp_byte_map_rot13(&rot13);
	struct dp_stream *s = dp_memory_stream_create(&counter.base);
	s = dp_buffered_stream_create(s, 64, &counter.base);
	s = dp_counting_stream_create(s, &stats, &counter.base);
	s = dp_transform_stream_create(s, &rot13, &counter.base);
	s = dp_numbering_stream_create(s, &counter.base);
	ck_assert_ptr_nonnull(s);
	ck_assert_int_eq(dp_stream_write_string(s, "stacked\n"), DP_OK);
	/* Five structs and the buffer; the memory stream has no data block
	 * yet, since the bytes still wait in the buffer. */
	ck_assert_uint_eq(counter.live_blocks, 6);
	ck_assert_int_eq(dp_stream_close(s), DP_OK);
	ck_assert_uint_eq(counter.live_blocks, 0);
	ck_assert_uint_eq(stats.closes, 1);
}
END_TEST

/* ---- buffering ------------------------------------------------------------ */

START_TEST(test_buffering_turns_many_small_writes_into_few_large_ones)
{
	struct dp_stream_stats below = {0};
	struct dp_stream *mem = dp_memory_stream_create(NULL);
	struct dp_stream *counted =
		dp_counting_stream_create(mem, &below, NULL);
	struct dp_stream *top = dp_buffered_stream_create(counted, 4096, NULL);
	char record[32];

	for (int i = 0; i < 10000; i++) {
		snprintf(record, sizeof(record), "record %08d\n", i);
		ck_assert_int_eq(dp_stream_write(top, record, 16), DP_OK);
	}
	ck_assert_int_eq(dp_stream_flush(top), DP_OK);
	/* 160 000 bytes: 39 full buffers of 4 096, then 256 bytes. */
	ck_assert_uint_eq(below.writes, 40);
	ck_assert_uint_eq(below.bytes_written, 160000);
	size_t len;
	const unsigned char *data = dp_memory_stream_data(mem, &len);
	ck_assert_uint_eq(len, 160000);
	ck_assert_mem_eq(data + 16 * 9999, "record 00009999\n", 16);
	dp_stream_close(top);
}
END_TEST

START_TEST(test_buffering_cuts_the_write_calls_on_a_real_file)
{
	/* The lesson of the chapter, counted in system calls: 10 000
	 * records of 16 bytes through the fd adapter, without and with a
	 * 4 KiB buffer. */
	char path[PATH_MAX + 16];
	ck_assert_str_ne(temp_root, "");
	snprintf(path, sizeof(path), "%s/log", temp_root);

	uint64_t calls[2];
	for (int buffered = 0; buffered < 2; buffered++) {
		struct dp_fd_stats stats = {0};
		int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		struct dp_stream *out =
			dp_fd_stream_create(fd, true, &stats, NULL);
		if (buffered)
			out = dp_buffered_stream_create(out, 4096, NULL);
		for (int i = 0; i < 10000; i++)
			ck_assert_int_eq(
				dp_stream_write(out, "0123456789abcde\n", 16),
				DP_OK);
		ck_assert_int_eq(dp_stream_close(out), DP_OK);
		ck_assert_uint_eq(stats.bytes_written, 160000);
		calls[buffered] = stats.write_calls;
	}
	ck_assert_uint_eq(calls[0], 10000);
	ck_assert_uint_eq(calls[1], 40);
	ck_assert_int_eq(unlink(path), 0);
}
END_TEST

START_TEST(test_buffering_lets_a_large_write_bypass_the_buffer)
{
	struct dp_stream_stats below = {0};
	struct dp_stream *mem = dp_memory_stream_create(NULL);
	struct dp_stream *top = dp_buffered_stream_create(
		dp_counting_stream_create(mem, &below, NULL), 64, NULL);
	char big[100];

	memset(big, 'b', sizeof(big));
	ck_assert_int_eq(dp_stream_write(top, "ab", 2), DP_OK);
	ck_assert_uint_eq(below.writes, 0);
	ck_assert_int_eq(dp_stream_write(top, big, sizeof(big)), DP_OK);
	/* What was buffered goes first, then the large write, unsplit. */
	ck_assert_uint_eq(below.writes, 2);
	ck_assert_uint_eq(below.bytes_written, 102);
	size_t len;
	ck_assert_mem_eq(dp_memory_stream_data(mem, &len), "abbb", 4);
	dp_stream_close(top);
}
END_TEST

START_TEST(test_buffering_writes_out_before_reading_and_on_close)
{
	struct dp_stream_stats below = {0};
	struct dp_stream *mem = dp_memory_stream_create(NULL);
	struct dp_stream *top = dp_buffered_stream_create(
		dp_counting_stream_create(mem, &below, NULL), 64, NULL);
	char back[8];
	size_t got;

	ck_assert_int_eq(dp_stream_write_string(top, "abc"), DP_OK);
	ck_assert_int_eq(dp_stream_read(top, back, sizeof(back), &got), DP_OK);
	ck_assert_uint_eq(got, 3);
	ck_assert_mem_eq(back, "abc", 3);
	ck_assert_int_eq(dp_stream_write_string(top, "tail"), DP_OK);
	ck_assert_uint_eq(below.writes, 1);
	ck_assert_int_eq(dp_stream_close(top), DP_OK);
	ck_assert_uint_eq(below.writes, 2);
	ck_assert_uint_eq(below.bytes_written, 7);
}
END_TEST

START_TEST(test_buffering_reports_a_failure_below_when_it_writes_out)
{
	struct dp_counting_allocator counter;
	int fds[2];

	dp_counting_allocator_init(&counter, NULL);
	ck_assert_int_eq(pipe(fds), 0);
	close(fds[0]);
	close(fds[1]);
	struct dp_stream *top = dp_buffered_stream_create(
		dp_fd_stream_create(fds[1], false, NULL, &counter.base), 16,
		&counter.base);
	ck_assert_int_eq(dp_stream_write(top, "held", 4), DP_OK);
	ck_assert_int_eq(dp_stream_flush(top), DP_EIO);
	ck_assert_int_eq(dp_stream_write(top, "again", 5), DP_OK);
	/* Close still frees both layers when its last write fails. */
	ck_assert_int_eq(dp_stream_close(top), DP_EIO);
	ck_assert_uint_eq(counter.live_blocks, 0);
}
END_TEST

/* ---- counting -------------------------------------------------------------- */

START_TEST(test_counting_counts_calls_and_bytes_of_every_operation)
{
	struct dp_stream_stats stats = {0};
	struct dp_stream *mem = dp_memory_stream_create(NULL);
	struct dp_stream *top = dp_counting_stream_create(mem, &stats, NULL);
	char back[8];
	size_t got;

	dp_stream_write_string(top, "12345");
	dp_stream_write_string(top, "678");
	dp_stream_flush(top);
	dp_stream_read(top, back, 4, &got);
	dp_stream_read(top, back, 8, &got);
	dp_stream_read(top, back, 8, &got);
	ck_assert_int_eq(dp_stream_close(top), DP_OK);
	ck_assert_uint_eq(stats.writes, 2);
	ck_assert_uint_eq(stats.bytes_written, 8);
	ck_assert_uint_eq(stats.flushes, 1);
	ck_assert_uint_eq(stats.reads, 3);
	ck_assert_uint_eq(stats.bytes_read, 8);
	ck_assert_uint_eq(stats.closes, 1);
	ck_assert_uint_eq(stats.errors, 0);
}
END_TEST

START_TEST(test_counting_counts_errors_and_no_bytes_for_them)
{
	struct recorder rec;
	struct dp_stream_stats stats = {0};
	char back[4];
	size_t got;

	recorder_init(&rec, DP_EIO);
	struct dp_stream *top =
		dp_counting_stream_create(&rec.base, &stats, NULL);
	ck_assert_int_eq(dp_stream_write(top, "abc", 3), DP_EIO);
	ck_assert_int_eq(dp_stream_read(top, back, 4, &got), DP_EIO);
	ck_assert_int_eq(dp_stream_close(top), DP_EIO);
	ck_assert_uint_eq(stats.bytes_written, 0);
	ck_assert_uint_eq(stats.bytes_read, 0);
	ck_assert_uint_eq(stats.errors, 3);
}
END_TEST

/* ---- order matters ---------------------------------------------------------- */

START_TEST(test_counting_above_or_below_the_buffer_counts_different_things)
{
	struct dp_stream_stats above = {0}, below = {0};
	struct dp_stream *mem = dp_memory_stream_create(NULL);
	struct dp_stream *s = dp_counting_stream_create(mem, &below, NULL);
	s = dp_buffered_stream_create(s, 1024, NULL);
	s = dp_counting_stream_create(s, &above, NULL);

	for (int i = 0; i < 100; i++)
		ck_assert_int_eq(dp_stream_write(s, "ten bytes\n", 10), DP_OK);
	ck_assert_int_eq(dp_stream_close(s), DP_OK);
	/* What the program asked for, and what really happened. */
	ck_assert_uint_eq(above.writes, 100);
	ck_assert_uint_eq(below.writes, 1);
	ck_assert_uint_eq(above.bytes_written, below.bytes_written);
}
END_TEST

START_TEST(test_a_transform_above_or_below_line_numbers_gives_other_text)
{
	struct dp_byte_map redact;
	char text[64];

	redact_digits(&redact);
	/* Redaction above numbering: the card number is hidden, the line
	 * numbers added below it survive. */
	struct dp_stream *mem = dp_memory_stream_create(NULL);
	struct dp_stream *s = dp_transform_stream_create(
		dp_numbering_stream_create(mem, NULL), &redact, NULL);
	dp_stream_write_string(s, "card 4242\nok\n");
	ck_assert_str_eq(text_of(mem, text, sizeof(text)),
	                 "1: card ####\n2: ok\n");
	dp_stream_close(s);

	/* Redaction below numbering: it hides the line numbers too. */
	mem = dp_memory_stream_create(NULL);
	s = dp_numbering_stream_create(
		dp_transform_stream_create(mem, &redact, NULL), NULL);
	dp_stream_write_string(s, "card 4242\nok\n");
	ck_assert_str_eq(text_of(mem, text, sizeof(text)),
	                 "#: card ####\n#: ok\n");
	dp_stream_close(s);
}
END_TEST

/* ---- transforming ----------------------------------------------------------- */

START_TEST(test_transform_maps_on_the_way_down_and_on_the_way_up)
{
	struct dp_byte_map rot13;
	struct dp_stream *mem = dp_memory_stream_create(NULL);
	char text[16], back[16];
	const char original[] = "Hello, World";
	size_t got;

	dp_byte_map_rot13(&rot13);
	struct dp_stream *s = dp_transform_stream_create(mem, &rot13, NULL);
	ck_assert_int_eq(dp_stream_write_string(s, original), DP_OK);
	ck_assert_str_eq(original, "Hello, World"); /* caller's bytes intact */
	ck_assert_str_eq(text_of(mem, text, sizeof(text)), "Uryyb, Jbeyq");
	/* ROT13 is its own inverse: reading back through it restores. */
	ck_assert_int_eq(dp_stream_read(s, back, sizeof(back), &got), DP_OK);
	ck_assert_uint_eq(got, 12);
	ck_assert_mem_eq(back, "Hello, World", 12);
	dp_stream_close(s);
}
END_TEST

START_TEST(test_transform_passes_a_large_write_down_in_chunks)
{
	struct dp_stream_stats below = {0};
	struct dp_byte_map upper;
	char big[3000];

	dp_byte_map_upper(&upper);
	memset(big, 'q', sizeof(big));
	struct dp_stream *mem = dp_memory_stream_create(NULL);
	struct dp_stream *s = dp_transform_stream_create(
		dp_counting_stream_create(mem, &below, NULL), &upper, NULL);
	ck_assert_int_eq(dp_stream_write(s, big, sizeof(big)), DP_OK);
	/* 1 024 + 1 024 + 952. */
	ck_assert_uint_eq(below.writes, 3);
	size_t len;
	const unsigned char *data = dp_memory_stream_data(mem, &len);
	ck_assert_uint_eq(len, sizeof(big));
	ck_assert_int_eq(data[0], 'Q');
	ck_assert_int_eq(data[sizeof(big) - 1], 'Q');
	dp_stream_close(s);
}
END_TEST

START_TEST(test_byte_maps_do_what_they_say_and_reject_null)
{
	struct dp_byte_map map;

	ck_assert_int_eq(dp_byte_map_upper(&map), DP_OK);
	ck_assert_int_eq(map.table['a'], 'A');
	ck_assert_int_eq(map.table['z'], 'Z');
	ck_assert_int_eq(map.table['A'], 'A');
	ck_assert_int_eq(map.table['1'], '1');
	ck_assert_int_eq(map.table[0xe9], 0xe9);
	ck_assert_int_eq(dp_byte_map_rot13(&map), DP_OK);
	for (int b = 0; b < 256; b++)
		ck_assert_int_eq(map.table[map.table[b]], b);
	ck_assert_int_eq(map.table['n'], 'a');
	ck_assert_int_eq(dp_byte_map_xor(&map, 0x5a), DP_OK);
	for (int b = 0; b < 256; b++)
		ck_assert_int_eq(map.table[map.table[b]], b);
	ck_assert_int_eq(map.table[0], 0x5a);
	ck_assert_int_eq(dp_byte_map_upper(NULL), DP_EINVAL);
	ck_assert_int_eq(dp_byte_map_rot13(NULL), DP_EINVAL);
	ck_assert_int_eq(dp_byte_map_xor(NULL, 1), DP_EINVAL);
}
END_TEST

/* ---- line numbers ------------------------------------------------------------ */

START_TEST(test_numbering_numbers_lines_split_over_several_writes)
{
	struct dp_stream *mem = dp_memory_stream_create(NULL);
	struct dp_stream *s = dp_numbering_stream_create(mem, NULL);
	char text[64];

	dp_stream_write_string(s, "ab");
	dp_stream_write_string(s, "c\nd");
	dp_stream_write_string(s, "e\n");
	/* No number for a line that has not started. */
	ck_assert_str_eq(text_of(mem, text, sizeof(text)), "1: abc\n2: de\n");
	dp_stream_write_string(s, "\n\nf");
	ck_assert_str_eq(text_of(mem, text, sizeof(text)),
	                 "1: abc\n2: de\n3: \n4: \n5: f");
	dp_stream_close(s);
}
END_TEST

/* ---- construction ------------------------------------------------------------- */

START_TEST(test_create_rejects_missing_arguments)
{
	struct dp_stream_stats stats;
	struct dp_byte_map map;
	struct recorder rec;

	recorder_init(&rec, DP_OK);
	dp_byte_map_upper(&map);
	ck_assert_ptr_null(dp_buffered_stream_create(NULL, 16, NULL));
	ck_assert_ptr_null(dp_buffered_stream_create(&rec.base, 0, NULL));
	ck_assert_ptr_null(dp_counting_stream_create(NULL, &stats, NULL));
	ck_assert_ptr_null(dp_counting_stream_create(&rec.base, NULL, NULL));
	ck_assert_ptr_null(dp_transform_stream_create(NULL, &map, NULL));
	ck_assert_ptr_null(dp_transform_stream_create(&rec.base, NULL, NULL));
	ck_assert_ptr_null(dp_numbering_stream_create(NULL, NULL));
	ck_assert_int_eq(rec.closes, 0);
}
END_TEST

START_TEST(test_every_create_fails_cleanly_at_every_allocation)
{
	for (size_t n = 1;; n++) {
		struct dp_counting_allocator counter;
		struct dp_failing_allocator failing;
		struct dp_stream_stats stats = {0};
		struct recorder rec;
		dp_counting_allocator_init(&counter, NULL);
		dp_failing_allocator_init(&failing, n, &counter.base);
		recorder_init(&rec, DP_OK);

		struct dp_stream *s =
			decorate(_i, &rec.base, &stats, &failing.base);
		if (!failing.failed) {
			ck_assert_ptr_nonnull(s);
			dp_stream_close(s);
			ck_assert_uint_eq(counter.live_blocks, 0);
			break;
		}
		ck_assert_ptr_null(s);
		ck_assert_uint_eq(counter.live_blocks, 0);
		/* The caller still owns the inner stream, untouched. */
		ck_assert_int_eq(rec.closes, 0);
		ck_assert_uint_lt(n, 10);
	}
}
END_TEST

/* ---- the function decorator ------------------------------------------------------ */

/* A fake clock that the wrapped function moves forward by `arg` ns. */
struct fake_clock {
	uint64_t now;
};

static uint64_t fake_now(void *clock_ctx)
{
	return ((struct fake_clock *)clock_ctx)->now;
}

static int64_t sleepless_work(void *ctx, int64_t arg)
{
	((struct fake_clock *)ctx)->now += (uint64_t)arg;
	return arg * 2;
}

START_TEST(test_timed_fn_counts_and_times_every_call)
{
	struct fake_clock clock = {1000};
	struct dp_timed_fn timed;

	ck_assert_int_eq(dp_timed_fn_init(&timed, sleepless_work, &clock,
	                                  "work", fake_now, &clock),
	                 DP_OK);
	ck_assert_uint_eq(timed.min_ns, UINT64_MAX);
	ck_assert_int_eq(dp_timed_fn_call(&timed, 30), 60);
	ck_assert_int_eq(dp_timed_fn_call(&timed, 10), 20);
	ck_assert_int_eq(dp_timed_fn_call(&timed, 20), 40);
	ck_assert_uint_eq(timed.calls, 3);
	ck_assert_uint_eq(timed.total_ns, 60);
	ck_assert_uint_eq(timed.min_ns, 10);
	ck_assert_uint_eq(timed.max_ns, 30);
	ck_assert_double_eq(dp_timed_fn_mean_ns(&timed), 20.0);
	ck_assert_str_eq(timed.name, "work");
}
END_TEST

/* Code that takes a function and knows nothing of timing. */
static int64_t apply_to_each(dp_int64_fn *fn, void *ctx, int64_t from,
                             int64_t to)
{
	int64_t sum = 0;

	for (int64_t x = from; x <= to; x++)
		sum += fn(ctx, x);
	return sum;
}

START_TEST(test_timed_fns_stand_in_for_the_function_and_stack)
{
	struct fake_clock clock = {0};
	struct dp_timed_fn inner, outer;

	dp_timed_fn_init(&inner, sleepless_work, &clock, "inner", fake_now,
	                 &clock);
	dp_timed_fn_init(&outer, dp_timed_fn_call, &inner, "outer", fake_now,
	                 &clock);
	int64_t plain = apply_to_each(sleepless_work, &clock, 1, 4);
	int64_t wrapped = apply_to_each(dp_timed_fn_call, &outer, 1, 4);
	ck_assert_int_eq(wrapped, plain);
	ck_assert_uint_eq(outer.calls, 4);
	ck_assert_uint_eq(inner.calls, 4);
	ck_assert_uint_eq(inner.total_ns, 10);
	ck_assert_uint_eq(outer.total_ns, 10);
}
END_TEST

START_TEST(test_timed_fn_uses_the_real_clock_by_default)
{
	struct fake_clock unused = {0};
	struct dp_timed_fn timed;

	ck_assert_int_eq(dp_timed_fn_init(&timed, sleepless_work, &unused, NULL,
	                                  NULL, NULL),
	                 DP_OK);
	ck_assert_int_eq(dp_timed_fn_call(&timed, 5), 10);
	ck_assert_uint_eq(timed.calls, 1);
	/* Times are not asserted: only that one call was recorded. */
	ck_assert_uint_eq(timed.min_ns, timed.max_ns);
	ck_assert_uint_eq(timed.total_ns, timed.max_ns);
}
END_TEST

START_TEST(test_timed_fn_rejects_null_and_reports_no_calls_as_zero)
{
	struct dp_timed_fn timed;

	ck_assert_int_eq(
		dp_timed_fn_init(NULL, sleepless_work, NULL, NULL, NULL, NULL),
		DP_EINVAL);
	ck_assert_int_eq(dp_timed_fn_init(&timed, NULL, NULL, NULL, NULL, NULL),
	                 DP_EINVAL);
	ck_assert_int_eq(dp_timed_fn_call(NULL, 7), 0);
	ck_assert_double_eq(dp_timed_fn_mean_ns(NULL), 0.0);
	dp_timed_fn_init(&timed, sleepless_work, NULL, NULL, NULL, NULL);
	ck_assert_double_eq(dp_timed_fn_mean_ns(&timed), 0.0);
}
END_TEST

static Suite *decorator_suite(void)
{
	Suite *suite = suite_create("decorator");
	TCase *tc;

	tc = dp_test_case(suite, "forwarding");
	tcase_add_loop_test(tc, test_every_decorator_forwards_every_operation,
	                    0, N_KINDS);
	tcase_add_loop_test(tc, test_every_decorator_passes_errors_up_unchanged,
	                    0, N_KINDS);
	tcase_add_test(tc, test_closing_the_top_frees_the_whole_stack);

	tc = dp_test_case(suite, "buffering");
	tcase_add_unchecked_fixture(tc, temp_root_make, temp_root_remove);
	tcase_add_test(
		tc, test_buffering_turns_many_small_writes_into_few_large_ones);
	tcase_add_test(tc, test_buffering_cuts_the_write_calls_on_a_real_file);
	tcase_add_test(tc, test_buffering_lets_a_large_write_bypass_the_buffer);
	tcase_add_test(tc,
	               test_buffering_writes_out_before_reading_and_on_close);
	tcase_add_test(
		tc, test_buffering_reports_a_failure_below_when_it_writes_out);

	tc = dp_test_case(suite, "counting");
	tcase_add_test(tc,
	               test_counting_counts_calls_and_bytes_of_every_operation);
	tcase_add_test(tc, test_counting_counts_errors_and_no_bytes_for_them);

	tc = dp_test_case(suite, "order");
	tcase_add_test(
		tc,
		test_counting_above_or_below_the_buffer_counts_different_things);
	tcase_add_test(
		tc,
		test_a_transform_above_or_below_line_numbers_gives_other_text);

	tc = dp_test_case(suite, "transform");
	tcase_add_test(tc,
	               test_transform_maps_on_the_way_down_and_on_the_way_up);
	tcase_add_test(tc, test_transform_passes_a_large_write_down_in_chunks);
	tcase_add_test(tc, test_byte_maps_do_what_they_say_and_reject_null);
	tcase_add_test(tc,
	               test_numbering_numbers_lines_split_over_several_writes);

	tc = dp_test_case(suite, "construction");
	tcase_add_test(tc, test_create_rejects_missing_arguments);
	tcase_add_loop_test(tc,
	                    test_every_create_fails_cleanly_at_every_allocation,
	                    0, N_KINDS);

	tc = dp_test_case(suite, "function");
	tcase_add_test(tc, test_timed_fn_counts_and_times_every_call);
	tcase_add_test(tc, test_timed_fns_stand_in_for_the_function_and_stack);
	tcase_add_test(tc, test_timed_fn_uses_the_real_clock_by_default);
	tcase_add_test(tc,
	               test_timed_fn_rejects_null_and_reports_no_calls_as_zero);
	return suite;
}

int main(void)
{
	return dp_test_run(decorator_suite());
}
