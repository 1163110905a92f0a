/*
 * Tests of the stream dispatchers: argument checks, the meaning of each
 * optional slot, and that a valid call reaches the implementation exactly
 * once with its arguments unchanged.
 *
 * The stream under test is a recorder defined here, on the stack: it
 * counts its calls and answers with a chosen code, so each dispatcher rule
 * can be seen from the implementation's side.
 */
#include "common/dp_stream.h"
#include "common/dp_test.h"

#include <string.h>

struct recorder {
	struct dp_stream base; /* Base. Must be first. */
	int reads, writes, flushes, closes;
	size_t last_len;
	int answer;      /* returned by every operation */
	size_t give;     /* bytes a read reports */
	char data[32];   /* what writes delivered */
	size_t data_len; /* how much of data is used */
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
	rec->last_len = len;
	memset(buf, 'r', rec->give < len ? rec->give : len);
	/* A misbehaving implementation that writes *got and fails: the
	 * dispatcher must still report 0. */
	*got = rec->give;
	return rec->answer;
}

static int rec_write(struct dp_stream *stream, const void *buf, size_t len)
{
	struct recorder *rec = recorder_of(stream);

	rec->writes++;
	rec->last_len = len;
	if (rec->data_len + len <= sizeof(rec->data)) {
		memcpy(rec->data + rec->data_len, buf, len);
		rec->data_len += len;
	}
	return rec->answer;
}

static int rec_flush(struct dp_stream *stream)
{
	recorder_of(stream)->flushes++;
	return recorder_of(stream)->answer;
}

static int rec_close(struct dp_stream *stream)
{
	/* The recorder lives on the test's stack: nothing to free. */
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

static const struct dp_stream_ops write_only_ops = {
	.name = "write-only",
	.write = rec_write,
	.close = rec_close,
};

static const struct dp_stream_ops read_only_ops = {
	.name = "read-only",
	.read = rec_read,
	.close = rec_close,
};

static void recorder_init(struct recorder *rec, const struct dp_stream_ops *ops)
{
	memset(rec, 0, sizeof(*rec));
	ck_assert_int_eq(dp_stream_init(&rec->base, ops), DP_OK);
}

START_TEST(test_init_accepts_a_complete_table)
{
	struct recorder rec;

	recorder_init(&rec, &rec_ops);
	ck_assert_ptr_eq(rec.base.ops, &rec_ops);
	ck_assert_str_eq(dp_stream_name(&rec.base), "recorder");
}
END_TEST

START_TEST(test_init_rejects_null_arguments_and_missing_required_slots)
{
	struct dp_stream stream = {.ops = &rec_ops};
	struct dp_stream_ops no_name = rec_ops;
	struct dp_stream_ops no_close = rec_ops;

	no_name.name = NULL;
	no_close.close = NULL;
	ck_assert_int_eq(dp_stream_init(NULL, &rec_ops), DP_EINVAL);
	ck_assert_int_eq(dp_stream_init(&stream, NULL), DP_EINVAL);
	ck_assert_int_eq(dp_stream_init(&stream, &no_name), DP_EINVAL);
	ck_assert_int_eq(dp_stream_init(&stream, &no_close), DP_EINVAL);
	/* A refused table leaves the stream as it was. */
	ck_assert_ptr_eq(stream.ops, &rec_ops);
}
END_TEST

START_TEST(test_write_reaches_the_implementation_once_with_its_bytes)
{
	struct recorder rec;

	recorder_init(&rec, &rec_ops);
	ck_assert_int_eq(dp_stream_write(&rec.base, "hello", 5), DP_OK);
	ck_assert_int_eq(rec.writes, 1);
	ck_assert_uint_eq(rec.last_len, 5);
	ck_assert_uint_eq(rec.data_len, 5);
	ck_assert_mem_eq(rec.data, "hello", 5);
}
END_TEST

START_TEST(test_write_string_writes_without_the_nul)
{
	struct recorder rec;

	recorder_init(&rec, &rec_ops);
	ck_assert_int_eq(dp_stream_write_string(&rec.base, "abc"), DP_OK);
	ck_assert_uint_eq(rec.data_len, 3);
	ck_assert_mem_eq(rec.data, "abc", 3);
	ck_assert_int_eq(dp_stream_write_string(&rec.base, NULL), DP_EINVAL);
	ck_assert_int_eq(dp_stream_write_string(NULL, "x"), DP_EINVAL);
	ck_assert_int_eq(rec.writes, 1);
}
END_TEST

START_TEST(test_write_rejects_null_arguments_without_calling)
{
	struct recorder rec;

	recorder_init(&rec, &rec_ops);
	ck_assert_int_eq(dp_stream_write(NULL, "x", 1), DP_EINVAL);
	ck_assert_int_eq(dp_stream_write(&rec.base, NULL, 1), DP_EINVAL);
	ck_assert_int_eq(rec.writes, 0);
}
END_TEST

START_TEST(test_zero_length_calls_never_reach_the_implementation)
{
	struct recorder rec;
	size_t got = 99;

	recorder_init(&rec, &rec_ops);
	ck_assert_int_eq(dp_stream_write(&rec.base, NULL, 0), DP_OK);
	ck_assert_int_eq(dp_stream_read(&rec.base, NULL, 0, &got), DP_OK);
	ck_assert_uint_eq(got, 0);
	ck_assert_int_eq(rec.writes, 0);
	ck_assert_int_eq(rec.reads, 0);
}
END_TEST

START_TEST(test_read_reports_what_the_implementation_read)
{
	struct recorder rec;
	char buf[8] = {0};
	size_t got = 0;

	recorder_init(&rec, &rec_ops);
	rec.give = 3;
	ck_assert_int_eq(dp_stream_read(&rec.base, buf, sizeof(buf), &got),
	                 DP_OK);
	ck_assert_uint_eq(got, 3);
	ck_assert_uint_eq(rec.last_len, sizeof(buf));
	ck_assert_mem_eq(buf, "rrr", 3);
	ck_assert_int_eq(rec.reads, 1);
}
END_TEST

START_TEST(test_read_rejects_null_arguments_and_zeroes_got)
{
	struct recorder rec;
	char buf[4];
	size_t got = 99;

	recorder_init(&rec, &rec_ops);
	ck_assert_int_eq(dp_stream_read(&rec.base, buf, sizeof(buf), NULL),
	                 DP_EINVAL);
	ck_assert_int_eq(dp_stream_read(NULL, buf, sizeof(buf), &got),
	                 DP_EINVAL);
	ck_assert_uint_eq(got, 0);
	got = 99;
	ck_assert_int_eq(dp_stream_read(&rec.base, NULL, 4, &got), DP_EINVAL);
	ck_assert_uint_eq(got, 0);
	ck_assert_int_eq(rec.reads, 0);
}
END_TEST

START_TEST(test_a_failed_read_reports_zero_bytes)
{
	struct recorder rec;
	char buf[4];
	size_t got = 99;

	recorder_init(&rec, &rec_ops);
	rec.give = 2;
	rec.answer = DP_EIO;
	ck_assert_int_eq(dp_stream_read(&rec.base, buf, sizeof(buf), &got),
	                 DP_EIO);
	ck_assert_uint_eq(got, 0);
}
END_TEST

START_TEST(test_errors_from_the_implementation_pass_through_unchanged)
{
	struct recorder rec;

	/* Iteration _i picks the code the implementation answers with. */
	const int codes[] = {DP_EIO, DP_ENOMEM, DP_ERANGE};
	int code = codes[_i];

	recorder_init(&rec, &rec_ops);
	rec.answer = code;
	ck_assert_int_eq(dp_stream_write(&rec.base, "x", 1), code);
	ck_assert_int_eq(dp_stream_flush(&rec.base), code);
	ck_assert_int_eq(dp_stream_close(&rec.base), code);
	ck_assert_int_eq(rec.writes, 1);
	ck_assert_int_eq(rec.closes, 1);
}
END_TEST

START_TEST(test_a_write_only_stream_refuses_reads)
{
	struct recorder rec;
	char buf[4];
	size_t got = 99;

	recorder_init(&rec, &write_only_ops);
	ck_assert_int_eq(dp_stream_read(&rec.base, buf, sizeof(buf), &got),
	                 DP_ENOTSUP);
	ck_assert_uint_eq(got, 0);
	ck_assert_int_eq(dp_stream_write(&rec.base, "ok", 2), DP_OK);
	ck_assert_int_eq(rec.writes, 1);
}
END_TEST

START_TEST(test_a_read_only_stream_refuses_writes)
{
	struct recorder rec;

	recorder_init(&rec, &read_only_ops);
	ck_assert_int_eq(dp_stream_write(&rec.base, "x", 1), DP_ENOTSUP);
	ck_assert_int_eq(rec.writes, 0);
}
END_TEST

START_TEST(test_flush_without_a_flush_slot_succeeds_at_once)
{
	struct recorder rec;

	recorder_init(&rec, &write_only_ops);
	ck_assert_int_eq(dp_stream_flush(&rec.base), DP_OK);
	ck_assert_int_eq(rec.flushes, 0);
	ck_assert_int_eq(dp_stream_flush(NULL), DP_EINVAL);
}
END_TEST

START_TEST(test_flush_and_close_reach_the_implementation)
{
	struct recorder rec;

	recorder_init(&rec, &rec_ops);
	ck_assert_int_eq(dp_stream_flush(&rec.base), DP_OK);
	ck_assert_int_eq(dp_stream_close(&rec.base), DP_OK);
	ck_assert_int_eq(rec.flushes, 1);
	ck_assert_int_eq(rec.closes, 1);
}
END_TEST

START_TEST(test_close_null_is_a_no_op_and_name_null_is_a_string)
{
	ck_assert_int_eq(dp_stream_close(NULL), DP_OK);
	ck_assert_str_eq(dp_stream_name(NULL), "(null)");
}
END_TEST

START_TEST(test_printf_writes_the_formatted_text_in_one_write)
{
	struct recorder rec;

	recorder_init(&rec, &rec_ops);
	ck_assert_int_eq(dp_stream_printf(&rec.base, "%d items %s", 42, "left"),
	                 DP_OK);
	ck_assert_int_eq(rec.writes, 1);
	ck_assert_uint_eq(rec.data_len, strlen("42 items left"));
	ck_assert_int_eq(memcmp(rec.data, "42 items left", rec.data_len), 0);
}
END_TEST

START_TEST(test_printf_fits_exactly_at_its_limit)
{
	struct recorder rec;

	recorder_init(&rec, &rec_ops);
	ck_assert_int_eq(
		dp_stream_printf(&rec.base, "%*s", DP_STREAM_PRINTF_MAX, "x"),
		DP_OK);
	ck_assert_int_eq(rec.writes, 1);
	ck_assert_uint_eq(rec.last_len, DP_STREAM_PRINTF_MAX);
}
END_TEST

START_TEST(test_printf_over_its_limit_is_erange_and_writes_nothing)
{
	struct recorder rec;

	recorder_init(&rec, &rec_ops);
	ck_assert_int_eq(dp_stream_printf(&rec.base, "%*s",
	                                  DP_STREAM_PRINTF_MAX + 1, "x"),
	                 DP_ERANGE);
	ck_assert_int_eq(rec.writes, 0);
}
END_TEST

START_TEST(test_printf_passes_the_streams_error_on)
{
	struct recorder rec;

	recorder_init(&rec, &rec_ops);
	rec.answer = DP_EIO;
	ck_assert_int_eq(dp_stream_printf(&rec.base, "%s", "text"), DP_EIO);
	ck_assert_int_eq(rec.writes, 1);
}
END_TEST

START_TEST(test_printf_rejects_null_arguments)
{
	struct recorder rec;

	recorder_init(&rec, &rec_ops);
	ck_assert_int_eq(dp_stream_printf(NULL, "%s", "text"), DP_EINVAL);
	ck_assert_int_eq(dp_stream_printf(&rec.base, NULL), DP_EINVAL);
	ck_assert_int_eq(rec.writes, 0);
}
END_TEST

static Suite *stream_suite(void)
{
	Suite *suite = suite_create("stream");
	TCase *tc;

	tc = dp_test_case(suite, "init");
	tcase_add_test(tc, test_init_accepts_a_complete_table);
	tcase_add_test(
		tc,
		test_init_rejects_null_arguments_and_missing_required_slots);

	tc = dp_test_case(suite, "dispatch");
	tcase_add_test(
		tc, test_write_reaches_the_implementation_once_with_its_bytes);
	tcase_add_test(tc, test_write_string_writes_without_the_nul);
	tcase_add_test(tc, test_write_rejects_null_arguments_without_calling);
	tcase_add_test(tc,
	               test_zero_length_calls_never_reach_the_implementation);
	tcase_add_test(tc, test_read_reports_what_the_implementation_read);
	tcase_add_test(tc, test_read_rejects_null_arguments_and_zeroes_got);
	tcase_add_test(tc, test_a_failed_read_reports_zero_bytes);
	tcase_add_loop_test(
		tc, test_errors_from_the_implementation_pass_through_unchanged,
		0, 3);

	tc = dp_test_case(suite, "optional slots");
	tcase_add_test(tc, test_a_write_only_stream_refuses_reads);
	tcase_add_test(tc, test_a_read_only_stream_refuses_writes);
	tcase_add_test(tc, test_flush_without_a_flush_slot_succeeds_at_once);
	tcase_add_test(tc, test_flush_and_close_reach_the_implementation);
	tcase_add_test(tc,
	               test_close_null_is_a_no_op_and_name_null_is_a_string);

	tc = dp_test_case(suite, "printf");
	tcase_add_test(tc, test_printf_writes_the_formatted_text_in_one_write);
	tcase_add_test(tc, test_printf_fits_exactly_at_its_limit);
	tcase_add_test(tc,
	               test_printf_over_its_limit_is_erange_and_writes_nothing);
	tcase_add_test(tc, test_printf_passes_the_streams_error_on);
	tcase_add_test(tc, test_printf_rejects_null_arguments);
	return suite;
}

int main(void)
{
	return dp_test_run(stream_suite());
}
