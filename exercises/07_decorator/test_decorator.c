/*
 * The graded tests of exercise 07. At the bottom of every stack is a
 * recording channel that keeps what it is given, counts each call and the
 * size of each write, and can be read back. Run them with
 * `make test EX=07_decorator`.
 */
#include "decorator.h"
#include "grade.h"
#include "grade_assert.h"

#include <stdlib.h>
#include <string.h>

enum { RECORD_CAPACITY = 4096, RECORD_SIZES = 64 };

/* What a recording channel saw. Owned by the test, so it can be read after
 * the channel is closed. */
struct record {
	unsigned char data[RECORD_CAPACITY];
	size_t length;
	size_t read_from;
	int reads;
	int writes;
	int flushes;
	int closes;
	size_t sizes[RECORD_SIZES]; /* The size of each write, in order. */
	int fail_writes;            /* Non-zero: writes fail with DP_EIO. */
	int fail_flushes;           /* Non-zero: flushes fail with DP_EIO. */
};

struct record_channel {
	struct dp_channel base; /* Base. Must be first. */
	struct record *record;
};

static struct record *record_of(struct dp_channel *channel)
{
	return dp_container_of(channel, struct record_channel, base)->record;
}

static int record_read(struct dp_channel *channel, void *buf, size_t len,
                       size_t *got)
{
	struct record *record = record_of(channel);
	size_t left = record->length - record->read_from;
	size_t n = len < left ? len : left;

	record->reads++;
	memcpy(buf, record->data + record->read_from, n);
	record->read_from += n;
	*got = n;
	return DP_OK;
}

static int record_write(struct dp_channel *channel, const void *buf, size_t len)
{
	struct record *record = record_of(channel);

	if (record->writes < RECORD_SIZES)
		record->sizes[record->writes] = len;
	record->writes++;
	if (record->fail_writes)
		return DP_EIO;
	if (len > RECORD_CAPACITY - record->length)
		return DP_ENOMEM;
	memcpy(record->data + record->length, buf, len);
	record->length += len;
	return DP_OK;
}

static int record_flush(struct dp_channel *channel)
{
	struct record *record = record_of(channel);

	record->flushes++;
	return record->fail_flushes ? DP_EIO : DP_OK;
}

static int record_close(struct dp_channel *channel)
{
	struct record_channel *self =
		dp_container_of(channel, struct record_channel, base);

	self->record->closes++;
	free(self);
	return DP_OK;
}

static const struct dp_channel_ops record_ops = {
	.name = "record",
	.read = record_read,
	.write = record_write,
	.flush = record_flush,
	.close = record_close,
};

static struct dp_channel *record_create(struct record *record)
{
	struct record_channel *channel = calloc(1, sizeof(*channel));

	ck_assert_msg(channel != NULL, "out of memory in the test itself");
	*channel = (struct record_channel){.base = {.ops = &record_ops},
	                                   .record = record};
	return &channel->base;
}

/* Wrap `inner`, or fail the test after closing `inner`, which is still
 * ours when create fails. */
static struct dp_channel *counting_or_fail(struct dp_channel *inner,
                                           struct dp_channel_counts *counts)
{
	struct dp_channel *counting =
		dp_counting_channel_create(inner, counts, NULL);
	if (counting == NULL)
		dp_channel_close(inner);
	ck_assert_msg(counting != NULL && counting->ops != NULL,
	              "dp_counting_channel_create returned NULL, or a channel "
	              "without an ops table");
	return counting;
}

static struct dp_channel *buffered_or_fail(struct dp_channel *inner,
                                           size_t capacity)
{
	struct dp_channel *buffered =
		dp_buffered_channel_create(inner, capacity, NULL);
	if (buffered == NULL)
		dp_channel_close(inner);
	ck_assert_msg(buffered != NULL && buffered->ops != NULL,
	              "dp_buffered_channel_create(inner, %zu, NULL) returned "
	              "NULL, or a channel without an ops table",
	              capacity);
	return buffered;
}

START_TEST(test_counting_forwards_every_operation)
{
	struct record record = {0};
	struct dp_channel_counts counts = {0};
	struct dp_channel *top =
		counting_or_fail(record_create(&record), &counts);
	unsigned char buf[8] = {0};
	size_t got = 0;

	ck_assert_msg(top->ops->read != NULL && top->ops->flush != NULL,
	              "a decorator must fill every slot of its ops table: "
	              "read %s and flush %s, and an empty slot cannot reach "
	              "the channel below",
	              top->ops->read ? "is set" : "is EMPTY",
	              top->ops->flush ? "is set" : "is EMPTY");
	grade_assert_code(dp_channel_write(top, "abc", 3), DP_OK);
	ck_assert_msg(record.writes == 1 && record.length == 3,
	              "write should reach the channel below once with 3 bytes: "
	              "got %d writes, %zu bytes",
	              record.writes, record.length);
	grade_assert_code(dp_channel_read(top, buf, sizeof(buf), &got), DP_OK);
	ck_assert_msg(record.reads == 1 && got == 3 &&
	                      memcmp(buf, "abc", 3) == 0,
	              "read should reach the channel below once and bring "
	              "back \"abc\": got %d reads, %zu bytes",
	              record.reads, got);
	grade_assert_code(dp_channel_flush(top), DP_OK);
	ck_assert_msg(record.flushes == 1,
	              "flush should reach the channel below once: got %d "
	              "flushes",
	              record.flushes);
	grade_assert_code(dp_channel_close(top), DP_OK);
	ck_assert_msg(record.closes == 1,
	              "close should close the channel below once: got %d "
	              "closes",
	              record.closes);
}
END_TEST

START_TEST(test_counting_counts_calls_and_bytes)
{
	struct record record = {0};
	struct dp_channel_counts counts = {0};
	struct dp_channel *top =
		counting_or_fail(record_create(&record), &counts);
	unsigned char buf[4];
	size_t got = 0;

	dp_channel_write(top, "ab", 2);
	dp_channel_write(top, "cde", 3);
	dp_channel_write(top, "fghij", 5);
	dp_channel_read(top, buf, 4, &got);
	dp_channel_read(top, buf, 2, &got);
	dp_channel_flush(top);
	ck_assert_msg(counts.writes == 3 && counts.bytes_written == 10,
	              "expected 3 writes of 10 bytes in all, counted %llu "
	              "writes of %llu bytes",
	              (unsigned long long)counts.writes,
	              (unsigned long long)counts.bytes_written);
	ck_assert_msg(counts.reads == 2 && counts.bytes_read == 6,
	              "expected 2 reads returning 6 bytes in all, counted %llu "
	              "reads of %llu bytes",
	              (unsigned long long)counts.reads,
	              (unsigned long long)counts.bytes_read);
	ck_assert_msg(counts.flushes == 1 && counts.closes == 0 &&
	                      counts.errors == 0,
	              "expected 1 flush, 0 closes, 0 errors; counted %llu, "
	              "%llu, %llu",
	              (unsigned long long)counts.flushes,
	              (unsigned long long)counts.closes,
	              (unsigned long long)counts.errors);
	dp_channel_close(top);
	ck_assert_msg(counts.closes == 1,
	              "closing should count 1 close, counted %llu",
	              (unsigned long long)counts.closes);
}
END_TEST

START_TEST(test_counting_passes_errors_through)
{
	struct record record = {.fail_writes = 1, .fail_flushes = 1};
	struct dp_channel_counts counts = {0};
	struct dp_channel *top =
		counting_or_fail(record_create(&record), &counts);

	/* The channel below fails both with DP_EIO; the decorator returns
	 * the same code. */
	grade_assert_code(dp_channel_write(top, "abc", 3), DP_EIO);
	grade_assert_code(dp_channel_flush(top), DP_EIO);
	ck_assert_msg(counts.writes == 1 && counts.bytes_written == 0 &&
	                      counts.errors == 2,
	              "a failed write counts as a write and an error but moves "
	              "no bytes: expected writes 1, bytes 0, errors 2, got "
	              "%llu, %llu, %llu",
	              (unsigned long long)counts.writes,
	              (unsigned long long)counts.bytes_written,
	              (unsigned long long)counts.errors);
	dp_channel_close(top);
}
END_TEST

START_TEST(test_buffering_gathers_small_writes)
{
	struct record record = {0};
	struct dp_channel *top = buffered_or_fail(record_create(&record), 16);

	for (int i = 0; i < 100; i++)
		grade_assert_code(dp_channel_write(top, "abcd", 4), DP_OK);
	ck_assert_msg(record.writes == 24,
	              "100 writes of 4 bytes through a 16-byte buffer: the "
	              "buffer should have gone down 24 times before the flush, "
	              "it went %d times",
	              record.writes);
	grade_assert_code(dp_channel_flush(top), DP_OK);
	ck_assert_msg(record.writes == 25,
	              "with the flush that makes ceil(400 / 16) = 25 writes "
	              "below instead of 100, got %d",
	              record.writes);
	ck_assert_msg(record.length == 400,
	              "every byte should arrive: expected 400, got %zu",
	              record.length);
	for (size_t i = 0; i < record.length; i++)
		ck_assert_msg(record.data[i] == "abcd"[i % 4],
		              "byte %zu arrived out of order", i);
	dp_channel_close(top);
}
END_TEST

START_TEST(test_buffering_flushes_on_flush_and_close)
{
	struct record record = {0};
	struct dp_channel *top = buffered_or_fail(record_create(&record), 64);

	grade_assert_code(dp_channel_write(top, "hello", 5), DP_OK);
	ck_assert_msg(record.writes == 0,
	              "a small write should stay in the buffer: %d writes "
	              "reached the channel below",
	              record.writes);
	grade_assert_code(dp_channel_flush(top), DP_OK);
	ck_assert_msg(record.writes == 1 && record.flushes == 1,
	              "flush should write the buffer below once and then flush "
	              "the channel below: got %d writes and %d flushes",
	              record.writes, record.flushes);
	grade_assert_code(dp_channel_write(top, "abc", 3), DP_OK);
	grade_assert_code(dp_channel_close(top), DP_OK);
	ck_assert_msg(record.closes == 1,
	              "close should close the channel below once, got %d "
	              "closes",
	              record.closes);
	ck_assert_msg(record.length == 8 &&
	                      memcmp(record.data, "helloabc", 8) == 0,
	              "close must write out what is still buffered: expected "
	              "\"helloabc\", the channel below got \"%.*s\"",
	              (int)record.length, (const char *)record.data);
}
END_TEST

START_TEST(test_buffering_sends_large_writes_straight_down)
{
	struct record record = {0};
	struct dp_channel *top = buffered_or_fail(record_create(&record), 8);
	const char *big = "0123456789ABCDEFGHIJ";

	grade_assert_code(dp_channel_write(top, "abc", 3), DP_OK);
	grade_assert_code(dp_channel_write(top, big, 20), DP_OK);
	ck_assert_msg(record.writes == 2 && record.sizes[0] == 3 &&
	                      record.sizes[1] == 20,
	              "a 20-byte write through an 8-byte buffer holding 3 "
	              "bytes: expected 2 writes below, of 3 then 20 bytes; got "
	              "%d writes, the first two of %zu and %zu bytes",
	              record.writes, record.sizes[0], record.sizes[1]);
	ck_assert_msg(record.length == 23 &&
	                      memcmp(record.data, "abc", 3) == 0 &&
	                      memcmp(record.data + 3, big, 20) == 0,
	              "the bytes below should be \"abc\" then the 20 bytes, "
	              "in order");
	dp_channel_close(top);
}
END_TEST

START_TEST(test_buffering_read_sees_buffered_bytes)
{
	struct record record = {0};
	struct dp_channel *top = buffered_or_fail(record_create(&record), 64);
	char buf[16] = {0};
	size_t got = 0;

	grade_assert_code(dp_channel_write(top, "hello", 5), DP_OK);
	grade_assert_code(dp_channel_read(top, buf, sizeof(buf), &got), DP_OK);
	ck_assert_msg(got == 5 && memcmp(buf, "hello", 5) == 0,
	              "reading back should see the buffered \"hello\": got "
	              "%zu bytes \"%.*s\"",
	              got, (int)got, buf);
	ck_assert_msg(record.writes == 1 && record.reads == 1,
	              "read should write the buffer below, then read from "
	              "below: got %d writes and %d reads",
	              record.writes, record.reads);
	dp_channel_close(top);
}
END_TEST

START_TEST(test_stacking_order_changes_what_is_counted)
{
	struct record above_record = {0}, below_record = {0};
	struct dp_channel_counts above = {0}, below = {0};

	/* counting(buffered(record)): counts what the program asks for. */
	struct dp_channel *first = counting_or_fail(
		buffered_or_fail(record_create(&above_record), 16), &above);
	/* buffered(counting(record)): counts what reaches the record. */
	struct dp_channel *second = buffered_or_fail(
		counting_or_fail(record_create(&below_record), &below), 16);

	for (int i = 0; i < 100; i++) {
		grade_assert_code(dp_channel_write(first, "abcd", 4), DP_OK);
		grade_assert_code(dp_channel_write(second, "abcd", 4), DP_OK);
	}
	grade_assert_code(dp_channel_flush(first), DP_OK);
	grade_assert_code(dp_channel_flush(second), DP_OK);
	ck_assert_msg(above.writes == 100,
	              "counting ABOVE the buffer sees every write the program "
	              "makes: expected 100, counted %llu",
	              (unsigned long long)above.writes);
	ck_assert_msg(
		below.writes == 25,
		"counting BELOW the buffer sees only the buffer's writes: "
		"expected 25, counted %llu",
		(unsigned long long)below.writes);
	ck_assert_msg(above.bytes_written == 400 && below.bytes_written == 400,
	              "both stacks move the same 400 bytes, counted %llu and "
	              "%llu",
	              (unsigned long long)above.bytes_written,
	              (unsigned long long)below.bytes_written);
	ck_assert_msg(above.flushes == 1 && below.flushes == 1,
	              "a flush goes through the whole stack: each counter "
	              "should see 1, saw %llu and %llu",
	              (unsigned long long)above.flushes,
	              (unsigned long long)below.flushes);
	dp_channel_close(first);
	dp_channel_close(second);
}
END_TEST

START_TEST(test_closing_the_top_frees_the_whole_stack)
{
	struct record record = {0};
	struct dp_channel_counts counts = {0};
	struct dp_counting_allocator counter;

	dp_counting_allocator_init(&counter, NULL);
	struct dp_channel *inner = record_create(&record);
	struct dp_channel *buffered =
		dp_buffered_channel_create(inner, 32, &counter.base);
	if (buffered == NULL)
		dp_channel_close(inner);
	ck_assert_msg(buffered != NULL, "dp_buffered_channel_create returned "
	                                "NULL");
	struct dp_channel *top =
		dp_counting_channel_create(buffered, &counts, &counter.base);
	if (top == NULL)
		dp_channel_close(buffered);
	ck_assert_msg(top != NULL, "dp_counting_channel_create returned NULL");
	ck_assert_msg(counter.allocations >= 2,
	              "both decorators should allocate through the allocator "
	              "given: expected at least 2 allocations, saw %zu",
	              counter.allocations);
	grade_assert_code(dp_channel_write(top, "xyz", 3), DP_OK);
	grade_assert_code(dp_channel_close(top), DP_OK);
	ck_assert_msg(record.closes == 1 && record.length == 3,
	              "closing the top should close the bottom once after "
	              "writing out the buffer: %d closes, %zu bytes",
	              record.closes, record.length);
	ck_assert_msg(counter.live_blocks == 0,
	              "closing the top should free every decorator and buffer: "
	              "%zu blocks still allocated",
	              counter.live_blocks);
}
END_TEST

START_TEST(test_failed_create_leaves_inner_with_caller)
{
	struct record record = {0};
	struct dp_channel_counts counts = {0};
	struct dp_failing_allocator failing;
	struct dp_channel *inner = record_create(&record);

	struct dp_channel *ok = dp_buffered_channel_create(inner, 8, NULL);
	if (ok == NULL)
		dp_channel_close(inner);
	ck_assert_msg(ok != NULL, "dp_buffered_channel_create returned NULL");
	dp_channel_close(ok);

	inner = record_create(&record);
	ck_assert_msg(dp_buffered_channel_create(inner, 0, NULL) == NULL,
	              "a buffer of capacity 0 makes no sense: create should "
	              "return NULL");
	ck_assert_msg(dp_buffered_channel_create(NULL, 8, NULL) == NULL &&
	                      dp_counting_channel_create(NULL, &counts, NULL) ==
	                              NULL &&
	                      dp_counting_channel_create(inner, NULL, NULL) ==
	                              NULL,
	              "creating a decorator over NULL, or counting into NULL, "
	              "should return NULL");
	dp_failing_allocator_init(&failing, 1, NULL);
	ck_assert_msg(dp_buffered_channel_create(inner, 8, &failing.base) ==
	                      NULL,
	              "when the allocator fails, create should return NULL");
	dp_failing_allocator_init(&failing, 1, NULL);
	ck_assert_msg(dp_counting_channel_create(inner, &counts,
	                                         &failing.base) == NULL,
	              "when the allocator fails, create should return NULL");
	ck_assert_msg(record.closes == 1,
	              "a create that fails must not close the channel it was "
	              "given: the caller still owns it (closes: %d, expected "
	              "the 1 from earlier)",
	              record.closes);
	grade_assert_code(dp_channel_write(inner, "still mine", 10), DP_OK);
	dp_channel_close(inner);
}
END_TEST

/* The graded tests, in the order students should tackle them. */
static const struct grade_test TESTS[] = {
	{"test_counting_forwards_every_operation",
         test_counting_forwards_every_operation, 4,
         "Fill ALL FOUR slots of the counting ops table, each calling "
         "the matching dispatcher on the wrapped channel; close also "
         "frees the decorator. README step 1."},
	{"test_counting_counts_calls_and_bytes",
         test_counting_counts_calls_and_bytes, 2,
         "Count every call, and add bytes only when the call below "
         "returned DP_OK (for reads, the bytes it says it got)."},
	{"test_counting_passes_errors_through",
         test_counting_passes_errors_through, 1,
         "Return exactly the code the wrapped channel returned, and "
         "count an error whenever it is not DP_OK."},
	{"test_buffering_gathers_small_writes",
         test_buffering_gathers_small_writes, 4,
         "Copy a write into the buffer when it fits in the room left; "
         "when it does not, write the whole buffer below in ONE call "
         "first. README step 2."},
	{"test_buffering_flushes_on_flush_and_close",
         test_buffering_flushes_on_flush_and_close, 2,
         "flush and close must both write out what is buffered before "
         "forwarding (flush) or closing below (close)."},
	{"test_buffering_sends_large_writes_straight_down",
         test_buffering_sends_large_writes_straight_down, 2,
         "After writing out the buffer, a write of capacity bytes or "
         "more cannot be copied: send it below as it is."},
	{"test_buffering_read_sees_buffered_bytes",
         test_buffering_read_sees_buffered_bytes, 2,
         "A read through the buffer must first write the buffer below, "
         "or it would miss bytes already written."},
	{"test_stacking_order_changes_what_is_counted",
         test_stacking_order_changes_what_is_counted, 3,
         "If the two stacks count the same, one decorator is not "
         "forwarding through the dispatchers. README step 3."},
	{"test_closing_the_top_frees_the_whole_stack",
         test_closing_the_top_frees_the_whole_stack, 2,
         "Allocate with dp_alloc(alloc, ...) and free with dp_free on "
         "the same allocator; each close closes the channel below."},
	{"test_failed_create_leaves_inner_with_caller",
         test_failed_create_leaves_inner_with_caller, 1,
         "Check the arguments and the allocation before anything "
         "else, and never close `inner` on a failure path."},
};

int main(int argc, char **argv)
{
	return grade_main("07_decorator", TESTS, DP_ARRAY_SIZE(TESTS), argc,
	                  argv);
}
