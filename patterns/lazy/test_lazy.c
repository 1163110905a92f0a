/*
 * Tests of the lazy pipeline and its eager twin: both give the same
 * results; a lazy pipeline pulls no more than `take` needs and closes every
 * stage; its peak memory stays constant as the input grows while the eager
 * one grows linearly; every error path returns its documented code, and
 * every allocation failure leaks nothing.
 */
#include "adapter/adapter.h"
#include "common/dp_temp.h"
#include "common/dp_test.h"
#include "lazy/lazy.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* ---- helpers -------------------------------------------------------------- */

/* A generator written by a caller: the numbers 0, 1, ..., limit - 1 as
 * text, counting how often it is pulled and closed. */
struct numbers {
	size_t next_value;
	size_t limit;
	size_t pulls;
	size_t closes;
	char text[24];
};

static int numbers_next(void *ctx, struct dp_item *item)
{
	struct numbers *self = ctx;

	self->pulls++;
	if (self->next_value == self->limit)
		return DP_ENOENT;
	int len = snprintf(self->text, sizeof(self->text), "%zu",
	                   self->next_value++);
	item->data = self->text;
	item->len = (size_t)len;
	return DP_OK;
}

static void numbers_close(void *ctx)
{
	struct numbers *self = ctx;

	self->closes++;
}

static const struct dp_iter_ops numbers_ops = {
	.name = "numbers",
	.next = numbers_next,
	.close = numbers_close,
};

static size_t item_value(const struct dp_item *item)
{
	size_t value = 0;
	for (size_t i = 0; i < item->len; i++)
		value = value * 10 + (size_t)(item->data[i] - '0');
	return value;
}

static bool is_even(void *ctx, const struct dp_item *item)
{
	(void)ctx;
	return item_value(item) % 2 == 0;
}

/* Prefixes every item with "n=", in storage the context owns. */
struct prefix {
	char text[64];
	size_t calls;
};

static int add_prefix(void *ctx, const struct dp_item *in, struct dp_item *out)
{
	struct prefix *self = ctx;

	self->calls++;
	int len = snprintf(self->text, sizeof(self->text), "n=%.*s",
	                   (int)in->len, in->data);
	out->data = self->text;
	out->len = (size_t)len;
	return DP_OK;
}

static int refuse_seven(void *ctx, const struct dp_item *in,
                        struct dp_item *out)
{
	(void)ctx;
	if (item_value(in) == 7)
		return DP_ERANGE;
	*out = *in;
	return DP_OK;
}

static bool item_is(const struct dp_item *item, const char *text)
{
	return item->len == strlen(text) &&
	       memcmp(item->data, text, item->len) == 0;
}

/* A memory stream holding `text`, from `alloc`. */
static struct dp_stream *memory_with(const char *text,
                                     const struct dp_allocator *alloc)
{
	struct dp_stream *stream = dp_memory_stream_create(alloc);
	ck_assert_ptr_nonnull(stream);
	ck_assert_int_eq(dp_stream_write_string(stream, text), DP_OK);
	return stream;
}

/* A real file of `count` lines, "0" to "count - 1", in `dir`. */
static void write_numbers_file(const char *path, size_t count)
{
	FILE *file = fopen(path, "w");
	ck_assert_ptr_nonnull(file);
	for (size_t i = 0; i < count; i++)
		fprintf(file, "%zu\n", i);
	ck_assert_int_eq(fclose(file), 0);
}

static struct dp_stream *open_file(const char *path,
                                   const struct dp_allocator *alloc)
{
	int fd = open(path, O_RDONLY);
	ck_assert_int_ge(fd, 0);
	struct dp_stream *stream = dp_fd_stream_create(fd, true, NULL, alloc);
	ck_assert_ptr_nonnull(stream);
	return stream;
}

/* ---- the line source ------------------------------------------------------ */

START_TEST(test_lines_splits_on_newlines_across_chunks)
{
	struct dp_lines_stats stats = {0};
	/* A chunk of 4 bytes puts line ends at every position in a read,
	 * and a 23-byte line makes the buffer double twice. */
	dp_iter *it = dp_iter_lines(
		memory_with("ab\n\ncdef\nthis line is longer\nlast", NULL),
		true, 4, &stats, NULL);
	const char *expected[] = {"ab", "", "cdef", "this line is longer",
	                          "last"};
	struct dp_item item;

	ck_assert_str_eq(dp_iter_name(it), "lines");
	for (size_t i = 0; i < DP_ARRAY_SIZE(expected); i++) {
		ck_assert_int_eq(dp_iter_next(it, &item), DP_OK);
		ck_assert_msg(item_is(&item, expected[i]), "line %zu is %.*s",
		              i, (int)item.len, item.data);
	}
	ck_assert_int_eq(dp_iter_next(it, &item), DP_ENOENT);
	ck_assert_ptr_null(item.data);
	ck_assert_uint_eq(stats.lines, 5);
	ck_assert_uint_eq(stats.bytes_read, 33);
	dp_iter_close(it);
}
END_TEST

START_TEST(test_lines_of_an_empty_stream_gives_no_item)
{
	struct dp_lines_stats stats = {0};
	dp_iter *it = dp_iter_lines(dp_memory_stream_create(NULL), true, 0,
	                            &stats, NULL);
	struct dp_item item;

	ck_assert_int_eq(dp_iter_next(it, &item), DP_ENOENT);
	ck_assert_uint_eq(stats.lines, 0);
	ck_assert_uint_eq(stats.reads, 1);
	dp_iter_close(it);
}
END_TEST

START_TEST(test_lines_reads_a_real_file_in_chunks)
{
	char dir[256];
	char path[300];
	struct dp_fd_stats fd_stats = {0};
	struct dp_lines_stats stats = {0};

	ck_assert_int_eq(dp_temp_dir_make(dir, sizeof(dir), "dp_lazy"), DP_OK);
	snprintf(path, sizeof(path), "%s/numbers.txt", dir);
	write_numbers_file(path, 10000); /* 48 890 bytes */
	int fd = open(path, O_RDONLY);
	ck_assert_int_ge(fd, 0);
	dp_iter *it =
		dp_iter_lines(dp_fd_stream_create(fd, true, &fd_stats, NULL),
	                      true, 4096, &stats, NULL);
	struct dp_item item;
	size_t expected = 0;
	while (dp_iter_next(it, &item) == DP_OK)
		ck_assert_uint_eq(item_value(&item), expected++);
	dp_iter_close(it);

	ck_assert_uint_eq(expected, 10000);
	ck_assert_uint_eq(stats.lines, 10000);
	ck_assert_uint_eq(stats.bytes_read, 48890);
	/* 12 full reads of at least 4 000 bytes and the one that finds the
	 * end: never a read per line. */
	ck_assert_uint_le(stats.reads, 14);
	ck_assert_uint_eq(fd_stats.read_calls, stats.reads);
	ck_assert_uint_eq(fd_stats.close_calls, 1);
	ck_assert_int_eq(dp_temp_dir_remove(dir), DP_OK);
}
END_TEST

/* A stream whose reads always fail. */
struct broken_stream {
	struct dp_stream base; /* Base. Must be first. */
};

static int broken_read(struct dp_stream *stream, void *buf, size_t len,
                       size_t *got)
{
	(void)stream;
	(void)buf;
	(void)len;
	(void)got;
	return DP_EIO;
}

static int broken_close(struct dp_stream *stream)
{
	(void)stream;
	return DP_OK;
}

static const struct dp_stream_ops broken_ops = {
	.name = "broken",
	.read = broken_read,
	.close = broken_close,
};

START_TEST(test_lines_reports_a_failing_stream_as_eio)
{
	struct broken_stream broken;
	ck_assert_int_eq(dp_stream_init(&broken.base, &broken_ops), DP_OK);
	dp_iter *it = dp_iter_lines(&broken.base, false, 0, NULL, NULL);
	struct dp_item item;

	ck_assert_int_eq(dp_iter_next(it, &item), DP_EIO);
	/* Finished after an error: not pulled again. */
	ck_assert_int_eq(dp_iter_next(it, &item), DP_ENOENT);
	dp_iter_close(it);
	ck_assert_ptr_null(dp_iter_lines(NULL, true, 0, NULL, NULL));
}
END_TEST

/* ---- the interface and its adapters ---------------------------------------- */

START_TEST(test_create_rejects_incomplete_tables_and_next_checks_arguments)
{
	static const struct dp_iter_ops no_next = {.name = "no next"};
	static const struct dp_iter_ops no_name = {.next = numbers_next};
	struct numbers numbers = {.limit = 1};
	struct dp_item item;

	ck_assert_ptr_null(dp_iter_create(NULL, &numbers, NULL));
	ck_assert_ptr_null(dp_iter_create(&no_next, &numbers, NULL));
	ck_assert_ptr_null(dp_iter_create(&no_name, &numbers, NULL));
	ck_assert_uint_eq(numbers.closes, 0);

	dp_iter *it = dp_iter_create(&numbers_ops, &numbers, NULL);
	ck_assert_int_eq(dp_iter_next(NULL, &item), DP_EINVAL);
	ck_assert_int_eq(dp_iter_next(it, NULL), DP_EINVAL);
	ck_assert_uint_eq(numbers.pulls, 0);
	ck_assert_str_eq(dp_iter_name(it), "numbers");
	ck_assert_str_eq(dp_iter_name(NULL), "(null)");
	dp_iter_close(it);
	dp_iter_close(NULL);
	ck_assert_uint_eq(numbers.closes, 1);
}
END_TEST

START_TEST(test_an_exhausted_iterator_is_not_pulled_again)
{
	struct numbers numbers = {.limit = 2};
	dp_iter *it = dp_iter_create(&numbers_ops, &numbers, NULL);
	struct dp_item item;

	ck_assert_int_eq(dp_iter_next(it, &item), DP_OK);
	ck_assert_int_eq(dp_iter_next(it, &item), DP_OK);
	ck_assert_int_eq(dp_iter_next(it, &item), DP_ENOENT);
	ck_assert_int_eq(dp_iter_next(it, &item), DP_ENOENT);
	ck_assert_int_eq(dp_iter_next(it, &item), DP_ENOENT);
	ck_assert_uint_eq(numbers.pulls, 3);
	dp_iter_close(it);
}
END_TEST

START_TEST(test_map_applies_its_function_to_every_item)
{
	struct numbers numbers = {.limit = 3};
	struct prefix prefix = {.calls = 0};
	dp_iter *it = dp_iter_map(dp_iter_create(&numbers_ops, &numbers, NULL),
	                          add_prefix, &prefix, NULL);
	struct dp_item item;

	ck_assert_str_eq(dp_iter_name(it), "map");
	ck_assert_int_eq(dp_iter_next(it, &item), DP_OK);
	ck_assert(item_is(&item, "n=0"));
	ck_assert_int_eq(dp_iter_next(it, &item), DP_OK);
	ck_assert(item_is(&item, "n=1"));
	ck_assert_int_eq(dp_iter_next(it, &item), DP_OK);
	ck_assert(item_is(&item, "n=2"));
	ck_assert_int_eq(dp_iter_next(it, &item), DP_ENOENT);
	ck_assert_uint_eq(prefix.calls, 3);
	dp_iter_close(it);
}
END_TEST

START_TEST(test_filter_hands_out_only_the_items_that_pass)
{
	struct numbers numbers = {.limit = 7};
	dp_iter *it =
		dp_iter_filter(dp_iter_create(&numbers_ops, &numbers, NULL),
	                       is_even, NULL, NULL);
	struct dp_item item;
	size_t expected = 0;

	while (dp_iter_next(it, &item) == DP_OK) {
		ck_assert_uint_eq(item_value(&item), expected);
		expected += 2;
	}
	ck_assert_uint_eq(expected, 8); /* 0, 2, 4, 6 */
	ck_assert_uint_eq(numbers.pulls, 8);
	dp_iter_close(it);
}
END_TEST

START_TEST(test_a_map_error_stops_the_pipeline)
{
	struct numbers numbers = {.limit = 100};
	dp_iter *it = dp_iter_map(dp_iter_create(&numbers_ops, &numbers, NULL),
	                          refuse_seven, NULL, NULL);
	struct dp_item item;
	size_t seen = 0;
	int rc;

	while ((rc = dp_iter_next(it, &item)) == DP_OK)
		seen++;
	ck_assert_int_eq(rc, DP_ERANGE);
	ck_assert_uint_eq(seen, 7);
	ck_assert_int_eq(dp_iter_next(it, &item), DP_ENOENT);
	ck_assert_uint_eq(numbers.pulls, 8);
	dp_iter_close(it);
	ck_assert_uint_eq(numbers.closes, 1);
}
END_TEST

START_TEST(test_take_stops_pulling_as_soon_as_it_is_satisfied)
{
	struct numbers numbers = {.limit = 1000000};
	dp_iter *it = dp_iter_take(
		dp_iter_filter(dp_iter_create(&numbers_ops, &numbers, NULL),
	                       is_even, NULL, NULL),
		5, NULL);
	struct dp_item item;
	size_t taken = 0;

	while (dp_iter_next(it, &item) == DP_OK)
		taken++;
	ck_assert_uint_eq(taken, 5);
	/* 0, 2, 4, 6, 8 need nine numbers, and nothing more is pulled. */
	ck_assert_uint_eq(numbers.pulls, 9);
	dp_iter_close(it);
}
END_TEST

START_TEST(test_take_reads_only_the_lines_it_needs_from_a_file)
{
	char dir[256];
	char path[300];
	struct dp_lines_stats stats = {0};

	ck_assert_int_eq(dp_temp_dir_make(dir, sizeof(dir), "dp_lazy"), DP_OK);
	snprintf(path, sizeof(path), "%s/numbers.txt", dir);
	write_numbers_file(path, 100000);
	dp_iter *it = dp_iter_take(
		dp_iter_lines(open_file(path, NULL), true, 1024, &stats, NULL),
		3, NULL);
	struct dp_item item;
	while (dp_iter_next(it, &item) == DP_OK)
		;
	dp_iter_close(it);

	ck_assert_uint_eq(stats.lines, 3);
	ck_assert_uint_eq(stats.reads, 1);
	ck_assert_uint_eq(stats.bytes_read, 1024);
	ck_assert_int_eq(dp_temp_dir_remove(dir), DP_OK);
}
END_TEST

START_TEST(test_take_closes_its_upstream_when_satisfied)
{
	struct numbers numbers = {.limit = 10};
	dp_iter *it = dp_iter_take(dp_iter_create(&numbers_ops, &numbers, NULL),
	                           2, NULL);
	struct dp_item item;

	ck_assert_int_eq(dp_iter_next(it, &item), DP_OK);
	ck_assert_int_eq(dp_iter_next(it, &item), DP_OK);
	ck_assert_uint_eq(numbers.closes, 0);
	ck_assert_int_eq(dp_iter_next(it, &item), DP_ENOENT);
	ck_assert_uint_eq(numbers.closes, 1);
	dp_iter_close(it);
	ck_assert_uint_eq(numbers.closes, 1);
	ck_assert_uint_eq(numbers.pulls, 2);
}
END_TEST

START_TEST(test_take_zero_hands_out_nothing)
{
	struct numbers numbers = {.limit = 10};
	dp_iter *it = dp_iter_take(dp_iter_create(&numbers_ops, &numbers, NULL),
	                           0, NULL);
	struct dp_item item;

	ck_assert_int_eq(dp_iter_next(it, &item), DP_ENOENT);
	ck_assert_uint_eq(numbers.pulls, 0);
	dp_iter_close(it);
	ck_assert_uint_eq(numbers.closes, 1);
}
END_TEST

START_TEST(test_closing_the_last_stage_closes_every_stage)
{
	struct dp_counting_allocator counter;
	dp_counting_allocator_init(&counter, NULL);
	struct numbers numbers = {.limit = 100};
	struct prefix prefix = {.calls = 0};
	dp_iter *it = dp_iter_take(
		dp_iter_map(
			dp_iter_filter(dp_iter_create(&numbers_ops, &numbers,
	                                              &counter.base),
	                               is_even, NULL, &counter.base),
			add_prefix, &prefix, &counter.base),
		50, &counter.base);
	struct dp_item item;

	ck_assert_str_eq(dp_iter_name(it), "take");
	/* Closed half-way, long before the source runs out. */
	ck_assert_int_eq(dp_iter_next(it, &item), DP_OK);
	ck_assert_int_eq(dp_iter_next(it, &item), DP_OK);
	ck_assert(item_is(&item, "n=2"));
	ck_assert_uint_gt(counter.live_blocks, 0);
	dp_iter_close(it);
	ck_assert_uint_eq(numbers.closes, 1);
	ck_assert_uint_eq(counter.live_blocks, 0);
}
END_TEST

START_TEST(test_adapters_close_their_upstream_when_they_fail)
{
	struct numbers numbers = {.limit = 1};

	ck_assert_ptr_null(
		dp_iter_map(dp_iter_create(&numbers_ops, &numbers, NULL), NULL,
	                    NULL, NULL));
	ck_assert_uint_eq(numbers.closes, 1);
	ck_assert_ptr_null(
		dp_iter_filter(dp_iter_create(&numbers_ops, &numbers, NULL),
	                       NULL, NULL, NULL));
	ck_assert_uint_eq(numbers.closes, 2);
	/* A missing upstream gives a missing stage, so nesting is safe. */
	ck_assert_ptr_null(dp_iter_map(NULL, add_prefix, NULL, NULL));
	ck_assert_ptr_null(dp_iter_filter(NULL, is_even, NULL, NULL));
	ck_assert_ptr_null(dp_iter_take(NULL, 3, NULL));
}
END_TEST

/* ---- the eager version ------------------------------------------------------ */

START_TEST(test_list_keeps_copies_and_checks_its_arguments)
{
	dp_list *list = dp_list_create(NULL);
	char text[] = "abc";
	struct dp_item item = {text, 3};
	struct dp_item empty = {NULL, 0};
	struct dp_item bad = {NULL, 2};

	ck_assert_int_eq(dp_list_append(list, &item), DP_OK);
	ck_assert_int_eq(dp_list_append(list, &empty), DP_OK);
	text[0] = 'X'; /* the list holds its own copy */
	ck_assert_uint_eq(dp_list_size(list), 2);
	ck_assert_int_eq(dp_list_get(list, 0, &item), DP_OK);
	ck_assert(item_is(&item, "abc"));
	ck_assert_str_eq(text, "Xbc");
	ck_assert_int_eq(dp_list_get(list, 1, &item), DP_OK);
	ck_assert_uint_eq(item.len, 0);

	ck_assert_int_eq(dp_list_get(list, 2, &item), DP_ERANGE);
	ck_assert_int_eq(dp_list_get(NULL, 0, &item), DP_EINVAL);
	ck_assert_int_eq(dp_list_get(list, 0, NULL), DP_EINVAL);
	ck_assert_int_eq(dp_list_append(list, &bad), DP_EINVAL);
	ck_assert_int_eq(dp_list_append(list, NULL), DP_EINVAL);
	ck_assert_int_eq(dp_list_append(NULL, &item), DP_EINVAL);
	ck_assert_uint_eq(dp_list_size(list), 2);
	ck_assert_uint_eq(dp_list_size(NULL), 0);
	dp_list_destroy(list);
	dp_list_destroy(NULL);
}
END_TEST

START_TEST(test_list_stages_reject_bad_arguments)
{
	dp_list *in = dp_list_create(NULL);
	dp_list *out = dp_list_create(NULL);
	struct numbers numbers = {.limit = 3};
	dp_iter *it = dp_iter_create(&numbers_ops, &numbers, NULL);

	ck_assert_int_eq(dp_list_collect(NULL, it), DP_EINVAL);
	ck_assert_int_eq(dp_list_collect(in, NULL), DP_EINVAL);
	ck_assert_uint_eq(numbers.pulls, 0);
	ck_assert_int_eq(dp_list_map(NULL, add_prefix, NULL, out), DP_EINVAL);
	ck_assert_int_eq(dp_list_map(in, NULL, NULL, out), DP_EINVAL);
	ck_assert_int_eq(dp_list_map(in, add_prefix, NULL, in), DP_EINVAL);
	ck_assert_int_eq(dp_list_filter(in, NULL, NULL, out), DP_EINVAL);
	ck_assert_int_eq(dp_list_filter(in, is_even, NULL, NULL), DP_EINVAL);
	ck_assert_int_eq(dp_list_filter(in, is_even, NULL, in), DP_EINVAL);
	ck_assert_int_eq(dp_list_take(NULL, 1, out), DP_EINVAL);
	ck_assert_int_eq(dp_list_take(in, 1, in), DP_EINVAL);

	/* A map error is returned and stops the stage. */
	numbers.limit = 20;
	ck_assert_int_eq(dp_list_collect(in, it), DP_OK);
	ck_assert_int_eq(dp_list_map(in, refuse_seven, NULL, out), DP_ERANGE);
	ck_assert_uint_eq(dp_list_size(out), 7);
	dp_iter_close(it);
	dp_list_destroy(in);
	dp_list_destroy(out);
}
END_TEST

/* The pipeline under test, both ways: even numbers, prefixed, the first
 * `limit` of them. */
static dp_list *run_eager(struct dp_stream *stream, size_t limit,
                          const struct dp_allocator *alloc)
{
	struct prefix prefix = {.calls = 0};
	dp_iter *lines = dp_iter_lines(stream, true, 1024, NULL, alloc);
	dp_list *all = dp_list_create(alloc);
	dp_list *even = dp_list_create(alloc);
	dp_list *prefixed = dp_list_create(alloc);
	dp_list *first = dp_list_create(alloc);

	ck_assert_int_eq(dp_list_collect(all, lines), DP_OK);
	dp_iter_close(lines);
	ck_assert_int_eq(dp_list_filter(all, is_even, NULL, even), DP_OK);
	dp_list_destroy(all);
	ck_assert_int_eq(dp_list_map(even, add_prefix, &prefix, prefixed),
	                 DP_OK);
	dp_list_destroy(even);
	ck_assert_int_eq(dp_list_take(prefixed, limit, first), DP_OK);
	dp_list_destroy(prefixed);
	return first;
}

static dp_list *run_lazy(struct dp_stream *stream, size_t limit,
                         const struct dp_allocator *alloc)
{
	struct prefix prefix = {.calls = 0};
	dp_iter *it = dp_iter_take(
		dp_iter_map(dp_iter_filter(dp_iter_lines(stream, true, 1024,
	                                                 NULL, alloc),
	                                   is_even, NULL, alloc),
	                    add_prefix, &prefix, alloc),
		limit, alloc);
	dp_list *first = dp_list_create(NULL);

	ck_assert_int_eq(dp_list_collect(first, it), DP_OK);
	dp_iter_close(it);
	return first;
}

START_TEST(test_lazy_and_eager_pipelines_give_the_same_items)
{
	static const size_t limits[] = {0, 1, 10, 5000, 100000};
	char dir[256];
	char path[300];

	ck_assert_int_eq(dp_temp_dir_make(dir, sizeof(dir), "dp_lazy"), DP_OK);
	snprintf(path, sizeof(path), "%s/numbers.txt", dir);
	write_numbers_file(path, 10000);
	for (size_t l = 0; l < DP_ARRAY_SIZE(limits); l++) {
		dp_list *eager =
			run_eager(open_file(path, NULL), limits[l], NULL);
		dp_list *lazy =
			run_lazy(open_file(path, NULL), limits[l], NULL);
		size_t expected = limits[l] < 5000 ? limits[l] : 5000;
		ck_assert_uint_eq(dp_list_size(eager), expected);
		ck_assert_uint_eq(dp_list_size(lazy), expected);
		for (size_t i = 0; i < expected; i++) {
			struct dp_item a;
			struct dp_item b;
			char text[32];
			dp_list_get(eager, i, &a);
			dp_list_get(lazy, i, &b);
			snprintf(text, sizeof(text), "n=%zu", 2 * i);
			ck_assert(item_is(&a, text));
			ck_assert(item_is(&b, text));
		}
		dp_list_destroy(eager);
		dp_list_destroy(lazy);
	}
	ck_assert_int_eq(dp_temp_dir_remove(dir), DP_OK);
}
END_TEST

START_TEST(test_lazy_peak_memory_is_constant_and_eager_grows_linearly)
{
	/* Every line of these files is 7 bytes and its '\n', so only the
	 * number of lines differs. */
	static const size_t sizes[] = {1000, 10000, 100000};
	size_t lazy_peak[DP_ARRAY_SIZE(sizes)];
	size_t eager_peak[DP_ARRAY_SIZE(sizes)];
	char dir[256];
	char path[300];

	ck_assert_int_eq(dp_temp_dir_make(dir, sizeof(dir), "dp_lazy"), DP_OK);
	snprintf(path, sizeof(path), "%s/lines.txt", dir);
	for (size_t s = 0; s < DP_ARRAY_SIZE(sizes); s++) {
		FILE *file = fopen(path, "w");
		ck_assert_ptr_nonnull(file);
		for (size_t i = 0; i < sizes[s]; i++)
			fprintf(file, "%07zu\n", i);
		ck_assert_int_eq(fclose(file), 0);

		/* Everything passes the filter and take asks for every
		 * line, so both pipelines go through the whole file. */
		struct dp_counting_allocator counter;
		dp_counting_allocator_init(&counter, NULL);
		dp_list *lazy = run_lazy(open_file(path, &counter.base),
		                         sizes[s], &counter.base);
		lazy_peak[s] = counter.peak_bytes;
		ck_assert_uint_eq(counter.live_blocks, 0);
		dp_counting_allocator_init(&counter, NULL);
		dp_list *eager = run_eager(open_file(path, &counter.base),
		                           sizes[s], &counter.base);
		dp_list_destroy(eager);
		eager_peak[s] = counter.peak_bytes;
		ck_assert_uint_eq(counter.live_blocks, 0);
		ck_assert_uint_eq(dp_list_size(lazy), sizes[s] / 2);
		dp_list_destroy(lazy);
	}
	for (size_t s = 1; s < DP_ARRAY_SIZE(sizes); s++) {
		/* Constant: to the byte. */
		ck_assert_uint_eq(lazy_peak[s], lazy_peak[0]);
		/* Linear: at least the bytes of every line, and ten times
		 * the input gives between 5 and 20 times the peak (the
		 * doubling arrays land anywhere in their range). */
		ck_assert_uint_ge(eager_peak[s], sizes[s] * 7);
		ck_assert_uint_ge(eager_peak[s], 5 * eager_peak[s - 1]);
		ck_assert_uint_le(eager_peak[s], 20 * eager_peak[s - 1]);
	}
	ck_assert_uint_lt(lazy_peak[0], 2048);
	ck_assert_int_eq(dp_temp_dir_remove(dir), DP_OK);
}
END_TEST

/* ---- allocation failures ----------------------------------------------------- */

/*
 * Each sweep fails the 1st, 2nd, 3rd... allocation of one operation until
 * the operation succeeds without reaching the failure, so every DP_ENOMEM
 * path is taken once. The counting allocator underneath proves that none
 * of them leaks.
 */

START_TEST(test_building_a_pipeline_fails_cleanly_at_every_allocation)
{
	for (size_t n = 1;; n++) {
		struct dp_counting_allocator counter;
		struct dp_failing_allocator failing;
		dp_counting_allocator_init(&counter, NULL);
		dp_failing_allocator_init(&failing, 0, &counter.base);
		struct dp_stream *stream = memory_with("1\n2\n3\n4\n", NULL);
		failing.fail_at = n;
		dp_iter *it = dp_iter_take(
			dp_iter_map(dp_iter_filter(
					    dp_iter_lines(stream, true, 0, NULL,
		                                          &failing.base),
					    is_even, NULL, &failing.base),
		                    add_prefix, &(struct prefix){.calls = 0},
		                    &failing.base),
			1, &failing.base);
		if (!failing.failed) {
			struct dp_item item;
			ck_assert_ptr_nonnull(it);
			ck_assert_int_eq(dp_iter_next(it, &item), DP_OK);
			dp_iter_close(it);
			ck_assert_uint_eq(counter.live_blocks, 0);
			break;
		}
		/* The stream was closed on the way out: nothing leaks. */
		ck_assert_ptr_null(it);
		ck_assert_uint_eq(counter.live_blocks, 0);
	}
}
END_TEST

START_TEST(test_a_line_too_long_for_memory_gives_enomem_and_leaks_nothing)
{
	for (size_t n = 1;; n++) {
		struct dp_counting_allocator counter;
		struct dp_failing_allocator failing;
		dp_counting_allocator_init(&counter, NULL);
		dp_failing_allocator_init(&failing, 0, &counter.base);
		/* 40 bytes with no '\n' in chunks of 8: the buffer doubles
		 * three times. */
		dp_iter *it = dp_iter_lines(
			memory_with("0123456789012345678901234567890123456789",
		                    NULL),
			true, 8, NULL, &failing.base);
		ck_assert_ptr_nonnull(it);
		failing.fail_at = failing.requests + n;
		struct dp_item item;
		int rc = dp_iter_next(it, &item);
		if (!failing.failed) {
			ck_assert_int_eq(rc, DP_OK);
			ck_assert_uint_eq(item.len, 40);
			dp_iter_close(it);
			ck_assert_uint_eq(counter.live_blocks, 0);
			break;
		}
		ck_assert_int_eq(rc, DP_ENOMEM);
		ck_assert_int_eq(dp_iter_next(it, &item), DP_ENOENT);
		dp_iter_close(it);
		ck_assert_uint_eq(counter.live_blocks, 0);
	}
}
END_TEST

START_TEST(test_eager_stages_fail_cleanly_at_every_allocation)
{
	for (size_t n = 1;; n++) {
		struct dp_counting_allocator counter;
		struct dp_failing_allocator failing;
		dp_counting_allocator_init(&counter, NULL);
		/* Failing from the start covers dp_list_create() too. */
		dp_failing_allocator_init(&failing, n, &counter.base);
		struct numbers numbers = {.limit = 200};
		dp_iter *source = dp_iter_create(&numbers_ops, &numbers, NULL);
		dp_list *all = dp_list_create(&failing.base);
		dp_list *even = dp_list_create(&failing.base);
		dp_list *mapped = dp_list_create(&failing.base);
		dp_list *first = dp_list_create(&failing.base);
		int rc = DP_ENOMEM;
		if (all != NULL && even != NULL && mapped != NULL &&
		    first != NULL) {
			rc = dp_list_collect(all, source);
			if (rc == DP_OK)
				rc = dp_list_filter(all, is_even, NULL, even);
			if (rc == DP_OK)
				rc = dp_list_map(even, add_prefix,
				                 &(struct prefix){.calls = 0},
				                 mapped);
			if (rc == DP_OK)
				rc = dp_list_take(mapped, 70, first);
		}
		if (!failing.failed) {
			ck_assert_int_eq(rc, DP_OK);
			ck_assert_uint_eq(dp_list_size(first), 70);
		} else {
			ck_assert_int_eq(rc, DP_ENOMEM);
		}
		dp_iter_close(source);
		dp_list_destroy(all);
		dp_list_destroy(even);
		dp_list_destroy(mapped);
		dp_list_destroy(first);
		ck_assert_uint_eq(counter.live_blocks, 0);
		if (!failing.failed) {
			/* Four lists and the growth of each: many more
			 * allocations than this were failed one by one. */
			ck_assert_uint_gt(n, 8);
			break;
		}
	}
}
END_TEST

START_TEST(test_a_failed_append_leaves_the_list_unchanged)
{
	struct dp_counting_allocator counter;
	struct dp_failing_allocator failing;
	dp_counting_allocator_init(&counter, NULL);
	/* Request 1 is the list, 2 and 3 the first 64 spans and 64 bytes;
	 * six items of 10 bytes fit, and the 7th needs request 4. */
	dp_failing_allocator_init(&failing, 4, &counter.base);
	dp_list *list = dp_list_create(&failing.base);
	struct dp_item item = {"0123456789", 10};

	for (size_t i = 0; i < 6; i++)
		ck_assert_int_eq(dp_list_append(list, &item), DP_OK);
	ck_assert(!failing.failed);
	ck_assert_int_eq(dp_list_append(list, &item), DP_ENOMEM);
	ck_assert(failing.failed);
	ck_assert_uint_eq(dp_list_size(list), 6);
	ck_assert_int_eq(dp_list_append(list, &item), DP_OK);
	ck_assert_uint_eq(dp_list_size(list), 7);
	for (size_t i = 0; i < 7; i++) {
		struct dp_item got;
		ck_assert_int_eq(dp_list_get(list, i, &got), DP_OK);
		ck_assert(item_is(&got, "0123456789"));
	}
	dp_list_destroy(list);
	ck_assert_uint_eq(counter.live_blocks, 0);
}
END_TEST

static Suite *lazy_suite(void)
{
	Suite *suite = suite_create("lazy");
	TCase *tc;

	tc = dp_test_case(suite, "lines");
	tcase_add_test(tc, test_lines_splits_on_newlines_across_chunks);
	tcase_add_test(tc, test_lines_of_an_empty_stream_gives_no_item);
	tcase_add_test(tc, test_lines_reads_a_real_file_in_chunks);
	tcase_add_test(tc, test_lines_reports_a_failing_stream_as_eio);

	tc = dp_test_case(suite, "iterators");
	tcase_add_test(
		tc,
		test_create_rejects_incomplete_tables_and_next_checks_arguments);
	tcase_add_test(tc, test_an_exhausted_iterator_is_not_pulled_again);
	tcase_add_test(tc, test_map_applies_its_function_to_every_item);
	tcase_add_test(tc, test_filter_hands_out_only_the_items_that_pass);
	tcase_add_test(tc, test_a_map_error_stops_the_pipeline);
	tcase_add_test(tc, test_take_stops_pulling_as_soon_as_it_is_satisfied);
	tcase_add_test(tc, test_take_reads_only_the_lines_it_needs_from_a_file);
	tcase_add_test(tc, test_take_closes_its_upstream_when_satisfied);
	tcase_add_test(tc, test_take_zero_hands_out_nothing);
	tcase_add_test(tc, test_closing_the_last_stage_closes_every_stage);
	tcase_add_test(tc, test_adapters_close_their_upstream_when_they_fail);

	tc = dp_test_case(suite, "eager");
	tcase_add_test(tc, test_list_keeps_copies_and_checks_its_arguments);
	tcase_add_test(tc, test_list_stages_reject_bad_arguments);
	tcase_add_test(tc, test_lazy_and_eager_pipelines_give_the_same_items);
	tcase_add_test(
		tc, test_lazy_peak_memory_is_constant_and_eager_grows_linearly);

	tc = dp_test_case(suite, "allocation failures");
	tcase_add_test(
		tc, test_building_a_pipeline_fails_cleanly_at_every_allocation);
	tcase_add_test(
		tc,
		test_a_line_too_long_for_memory_gives_enomem_and_leaks_nothing);
	tcase_add_test(tc, test_eager_stages_fail_cleanly_at_every_allocation);
	tcase_add_test(tc, test_a_failed_append_leaves_the_list_unchanged);
	return suite;
}

int main(void)
{
	return dp_test_run(lazy_suite());
}
