/*
 * Tests of the common module: error names, the three allocators,
 * dp_container_of, the clock, the bench harness and its CSV output.
 */
#define _XOPEN_SOURCE 700 /* setenv, symlink */

#include "common/dp_bench.h"
#include "common/dp_common.h"
#include "common/dp_temp.h"
#include "common/dp_test.h"

#include <dirent.h>
#include <signal.h>
#include <stdalign.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- error codes ------------------------------------------------------ */

START_TEST(test_every_error_code_has_a_name_and_a_message)
{
	for (int code = DP_OK; code >= DP_ERROR_MIN; code--) {
		ck_assert_msg(strcmp(dp_error_name(code), "DP_UNKNOWN") != 0,
		              "code %d has no name", code);
		ck_assert_msg(strcmp(dp_strerror(code), "unknown error") != 0,
		              "code %d has no message", code);
	}
}
END_TEST

START_TEST(test_error_names_and_messages_are_distinct)
{
	for (int a = DP_OK; a >= DP_ERROR_MIN; a--) {
		for (int b = a - 1; b >= DP_ERROR_MIN; b--) {
			ck_assert_str_ne(dp_error_name(a), dp_error_name(b));
			ck_assert_str_ne(dp_strerror(a), dp_strerror(b));
		}
	}
}
END_TEST

START_TEST(test_error_names_are_spelled_as_in_c)
{
	ck_assert_str_eq(dp_error_name(DP_OK), "DP_OK");
	ck_assert_str_eq(dp_error_name(DP_EINVAL), "DP_EINVAL");
	ck_assert_str_eq(dp_error_name(DP_ENOMEM), "DP_ENOMEM");
	ck_assert_str_eq(dp_error_name(DP_ENOENT), "DP_ENOENT");
	ck_assert_str_eq(dp_error_name(DP_EEXIST), "DP_EEXIST");
	ck_assert_str_eq(dp_error_name(DP_EBUSY), "DP_EBUSY");
	ck_assert_str_eq(dp_error_name(DP_ERANGE), "DP_ERANGE");
	ck_assert_str_eq(dp_error_name(DP_EIO), "DP_EIO");
	ck_assert_str_eq(dp_error_name(DP_ENOTSUP), "DP_ENOTSUP");
	ck_assert_str_eq(dp_error_name(DP_ECANCELED), "DP_ECANCELED");
	ck_assert_str_eq(dp_strerror(DP_ENOMEM), "out of memory");
}
END_TEST

START_TEST(test_values_that_are_not_codes_are_unknown)
{
	ck_assert_str_eq(dp_error_name(DP_ERROR_MIN - 1), "DP_UNKNOWN");
	ck_assert_str_eq(dp_error_name(1), "DP_UNKNOWN");
	ck_assert_str_eq(dp_strerror(DP_ERROR_MIN - 1), "unknown error");
	ck_assert_str_eq(dp_strerror(42), "unknown error");
}
END_TEST

/* ---- the default allocator and the helpers ----------------------------- */

START_TEST(test_default_allocator_allocates_resizes_and_frees)
{
	char *block = dp_alloc(NULL, 8);
	ck_assert_ptr_nonnull(block);
	memcpy(block, "1234567", 8);
	block = dp_realloc_array(dp_allocator_default(), block, 1000, 1);
	ck_assert_ptr_nonnull(block);
	ck_assert_str_eq(block, "1234567");
	dp_free(NULL, block);
}
END_TEST

START_TEST(test_alloc_of_zero_bytes_gives_a_distinct_block)
{
	struct dp_counting_allocator counter;
	dp_counting_allocator_init(&counter, NULL);

	void *a = dp_alloc(&counter.base, 0);
	void *b = dp_alloc(&counter.base, 0);
	ck_assert_ptr_nonnull(a);
	ck_assert_ptr_nonnull(b);
	ck_assert_ptr_ne(a, b);
	ck_assert_uint_eq(counter.live_bytes, 2);
	dp_free(&counter.base, a);
	dp_free(&counter.base, b);
	ck_assert_uint_eq(counter.live_blocks, 0);
}
END_TEST

START_TEST(test_alloc_array_refuses_an_overflowing_size)
{
	struct dp_counting_allocator counter;
	dp_counting_allocator_init(&counter, NULL);

	ck_assert_ptr_null(dp_alloc_array(&counter.base, SIZE_MAX / 2, 3));
	void *block = dp_alloc(&counter.base, 16);
	ck_assert_ptr_null(
		dp_realloc_array(&counter.base, block, SIZE_MAX / 8 + 1, 8));
	/* The allocator was never asked, and the block is still there. */
	ck_assert_uint_eq(counter.allocations, 1);
	ck_assert_uint_eq(counter.failures, 0);
	ck_assert_uint_eq(counter.live_bytes, 16);
	dp_free(&counter.base, block);
}
END_TEST

START_TEST(test_free_of_null_does_nothing)
{
	struct dp_counting_allocator counter;
	dp_counting_allocator_init(&counter, NULL);

	dp_free(&counter.base, NULL);
	dp_free(NULL, NULL);
	ck_assert_uint_eq(counter.frees, 0);
}
END_TEST

START_TEST(test_strdup_copies_into_one_block_from_the_allocator)
{
	struct dp_counting_allocator counter;
	dp_counting_allocator_init(&counter, NULL);
	const char text[] = "hello";

	char *copy = dp_strdup(&counter.base, text);
	ck_assert_ptr_nonnull(copy);
	ck_assert_ptr_ne(copy, text);
	ck_assert_str_eq(copy, "hello");
	ck_assert_uint_eq(counter.allocations, 1);
	ck_assert_uint_eq(counter.live_bytes, sizeof(text));
	dp_free(&counter.base, copy);
	ck_assert_uint_eq(counter.live_blocks, 0);

	copy = dp_strdup(&counter.base, "");
	ck_assert_ptr_nonnull(copy);
	ck_assert_str_eq(copy, "");
	dp_free(&counter.base, copy);
}
END_TEST

START_TEST(test_strdup_of_null_gives_null_and_allocates_nothing)
{
	struct dp_counting_allocator counter;
	dp_counting_allocator_init(&counter, NULL);

	ck_assert_ptr_null(dp_strdup(&counter.base, NULL));
	ck_assert_uint_eq(counter.allocations, 0);
}
END_TEST

START_TEST(test_strdup_gives_null_when_memory_runs_out)
{
	struct dp_failing_allocator failing;
	dp_failing_allocator_init(&failing, 1, NULL);

	ck_assert_ptr_null(dp_strdup(&failing.base, "text"));
}
END_TEST

/* ---- the counting allocator -------------------------------------------- */

START_TEST(test_counting_allocator_figures_are_exact)
{
	struct dp_counting_allocator counter;
	dp_counting_allocator_init(&counter, NULL);

	void *a = dp_alloc(&counter.base, 100);
	void *b = dp_alloc(&counter.base, 50);
	ck_assert_uint_eq(counter.live_bytes, 150);
	a = dp_realloc_array(&counter.base, a, 300, 1);
	ck_assert_uint_eq(counter.live_bytes, 350);
	dp_free(&counter.base, b);
	a = dp_realloc_array(&counter.base, a, 10, 1);

	ck_assert_uint_eq(counter.allocations, 2);
	ck_assert_uint_eq(counter.reallocations, 2);
	ck_assert_uint_eq(counter.frees, 1);
	ck_assert_uint_eq(counter.failures, 0);
	ck_assert_uint_eq(counter.live_blocks, 1);
	ck_assert_uint_eq(counter.live_bytes, 10);
	ck_assert_uint_eq(counter.peak_bytes, 350);

	dp_free(&counter.base, a);
	ck_assert_uint_eq(counter.live_blocks, 0);
	ck_assert_uint_eq(counter.live_bytes, 0);
	ck_assert_uint_eq(counter.peak_bytes, 350);
}
END_TEST

START_TEST(test_counting_allocator_keeps_blocks_aligned_for_any_type)
{
	struct dp_counting_allocator counter;
	dp_counting_allocator_init(&counter, NULL);

	for (size_t size = 1; size <= 64; size++) {
		void *block = dp_alloc(&counter.base, size);
		ck_assert_uint_eq((uintptr_t)block % alignof(max_align_t), 0);
		dp_free(&counter.base, block);
	}
}
END_TEST

START_TEST(test_counting_allocator_counts_a_refused_resize)
{
	struct dp_failing_allocator failing;
	struct dp_counting_allocator counter;
	dp_failing_allocator_init(&failing, 2, NULL);
	dp_counting_allocator_init(&counter, &failing.base);

	char *block = dp_alloc(&counter.base, 4);
	memcpy(block, "abc", 4);
	ck_assert_ptr_null(dp_realloc_array(&counter.base, block, 4096, 1));
	/* A refused resize leaves the block, and the figures, as they were. */
	ck_assert_str_eq(block, "abc");
	ck_assert_uint_eq(counter.failures, 1);
	ck_assert_uint_eq(counter.reallocations, 0);
	ck_assert_uint_eq(counter.live_bytes, 4);
	dp_free(&counter.base, block);
}
END_TEST

START_TEST(test_counting_allocator_init_rejects_null)
{
	ck_assert_int_eq(dp_counting_allocator_init(NULL, NULL), DP_EINVAL);
}
END_TEST

/* ---- the failing allocator --------------------------------------------- */

START_TEST(test_failing_allocator_fails_exactly_the_nth_request)
{
	struct dp_failing_allocator failing;
	void *blocks[5];
	dp_failing_allocator_init(&failing, 3, NULL);

	for (int i = 0; i < 5; i++)
		blocks[i] = dp_alloc(&failing.base, 8);
	ck_assert_ptr_nonnull(blocks[0]);
	ck_assert_ptr_nonnull(blocks[1]);
	ck_assert_ptr_null(blocks[2]);
	ck_assert_ptr_nonnull(blocks[3]);
	ck_assert_ptr_nonnull(blocks[4]);
	ck_assert(failing.failed);
	ck_assert_uint_eq(failing.requests, 5);
	for (int i = 0; i < 5; i++)
		dp_free(&failing.base, blocks[i]);
}
END_TEST

START_TEST(test_failing_allocator_counts_resizes_but_not_frees)
{
	struct dp_failing_allocator failing;
	dp_failing_allocator_init(&failing, 3, NULL);

	void *block = dp_alloc(&failing.base, 8);           /* request 1 */
	dp_free(&failing.base, dp_alloc(&failing.base, 8)); /* request 2 */
	ck_assert(!failing.failed);
	ck_assert_ptr_null(dp_realloc_array(&failing.base, block, 64, 1));
	ck_assert(failing.failed);
	ck_assert_uint_eq(failing.requests, 3);
	dp_free(&failing.base, block);
	ck_assert_uint_eq(failing.requests, 3);
}
END_TEST

START_TEST(test_failing_allocator_at_zero_never_fails)
{
	struct dp_failing_allocator failing;
	dp_failing_allocator_init(&failing, 0, NULL);

	for (int i = 0; i < 100; i++) {
		void *block = dp_alloc(&failing.base, 8);
		ck_assert_ptr_nonnull(block);
		dp_free(&failing.base, block);
	}
	ck_assert(!failing.failed);
}
END_TEST

START_TEST(test_failing_allocator_init_rejects_null)
{
	ck_assert_int_eq(dp_failing_allocator_init(NULL, 1, NULL), DP_EINVAL);
}
END_TEST

/* ---- container_of, the clock, the bench harness ----------------------- */

struct node {
	int value;
};

struct widget {
	char name[12];
	struct node node;
};

START_TEST(test_container_of_recovers_the_enclosing_struct)
{
	struct widget widget = {.name = "gear", .node = {.value = 7}};
	struct node *node = &widget.node;

	struct widget *back = dp_container_of(node, struct widget, node);
	ck_assert_ptr_eq(back, &widget);
	ck_assert_str_eq(back->name, "gear");
	ck_assert_int_eq(back->node.value, 7);
	ck_assert_uint_eq(DP_ARRAY_SIZE(widget.name), 12);
}
END_TEST

START_TEST(test_clock_never_goes_back)
{
	uint64_t previous = dp_now_ns();
	for (int i = 0; i < 10000; i++) {
		uint64_t now = dp_now_ns();
		ck_assert_uint_ge(now, previous);
		previous = now;
	}
}
END_TEST

START_TEST(test_random_generator_gives_the_splitmix64_sequence)
{
	/* The published first outputs of SplitMix64 seeded with 0. */
	uint64_t state = 0;
	ck_assert_uint_eq(dp_random_next(&state), 0xe220a8397b1dcdafu);
	ck_assert_uint_eq(dp_random_next(&state), 0x6e789e6aa1b965f4u);
	ck_assert_uint_eq(dp_random_next(&state), 0x06c45d188009454fu);
	ck_assert_uint_eq(dp_random_next(NULL), 0);
}
END_TEST

START_TEST(test_mixer_is_the_splitmix64_finaliser_of_the_generator)
{
	/* The generator is the mixer applied to a counter stepped by the
	 * golden ratio, so the two agree on every state. */
	uint64_t state = 12345;
	uint64_t expected = dp_mix64(12345 + 0x9e3779b97f4a7c15u);
	ck_assert_uint_eq(dp_random_next(&state), expected);
	ck_assert_uint_eq(dp_mix64(0), 0);
	ck_assert_uint_eq(dp_mix64(1), 0x5692161d100b05e5u);
	ck_assert_uint_eq(dp_mix64(2), 0xdbd238973a2b148au);
}
END_TEST

/* ---- temporary directories ----------------------------------------------- */

static bool is_directory(const char *path)
{
	struct stat status;

	return lstat(path, &status) == 0 && S_ISDIR(status.st_mode);
}

static void write_file(const char *path)
{
	FILE *file = fopen(path, "w");
	ck_assert_ptr_nonnull(file);
	fputs("data\n", file);
	fclose(file);
}

START_TEST(test_temp_dir_is_made_and_removed_with_its_contents)
{
	char dir[256], path[512], outside[256];

	ck_assert_int_eq(dp_temp_dir_make(dir, sizeof(dir), "dp_common"),
	                 DP_OK);
	ck_assert(is_directory(dir));
	ck_assert_ptr_nonnull(strstr(dir, "/dp_common_"));

	/* A file, a subdirectory with a file, and a link to a directory
	 * outside, which must be removed, not followed. */
	ck_assert_int_eq(dp_temp_dir_make(outside, sizeof(outside), "dp_out"),
	                 DP_OK);
	snprintf(path, sizeof(path), "%s/kept", outside);
	write_file(path);
	snprintf(path, sizeof(path), "%s/a", dir);
	write_file(path);
	snprintf(path, sizeof(path), "%s/sub", dir);
	ck_assert_int_eq(mkdir(path, 0700), 0);
	snprintf(path, sizeof(path), "%s/sub/b", dir);
	write_file(path);
	snprintf(path, sizeof(path), "%s/link", dir);
	ck_assert_int_eq(symlink(outside, path), 0);

	ck_assert_int_eq(dp_temp_dir_remove(dir), DP_OK);
	ck_assert(!is_directory(dir));
	snprintf(path, sizeof(path), "%s/kept", outside);
	ck_assert_int_eq(access(path, F_OK), 0);
	ck_assert_int_eq(dp_temp_dir_remove(outside), DP_OK);
}
END_TEST

START_TEST(test_temp_dir_rejects_bad_arguments)
{
	char dir[256] = "x";
	char tiny[8] = "x";

	ck_assert_int_eq(dp_temp_dir_make(NULL, 10, "p"), DP_EINVAL);
	ck_assert_int_eq(dp_temp_dir_make(dir, sizeof(dir), NULL), DP_EINVAL);
	ck_assert_int_eq(dp_temp_dir_make(dir, sizeof(dir), ""), DP_EINVAL);
	ck_assert_int_eq(dp_temp_dir_make(dir, sizeof(dir), "a/b"), DP_EINVAL);
	ck_assert_str_eq(dir, "");
	ck_assert_int_eq(dp_temp_dir_make(tiny, sizeof(tiny), "dp_common"),
	                 DP_ERANGE);
	ck_assert_str_eq(tiny, "");
	ck_assert_int_eq(dp_temp_dir_remove(NULL), DP_EINVAL);
	ck_assert_int_eq(dp_temp_dir_remove(""), DP_EINVAL);
}
END_TEST

START_TEST(test_temp_dir_remove_of_a_missing_directory_is_eio)
{
	char dir[256];

	ck_assert_int_eq(dp_temp_dir_make(dir, sizeof(dir), "dp_common"),
	                 DP_OK);
	ck_assert_int_eq(dp_temp_dir_remove(dir), DP_OK);
	ck_assert_int_eq(dp_temp_dir_remove(dir), DP_EIO);
}
END_TEST

static void count_iterations(void *ctx, size_t iterations)
{
	size_t *total = ctx;

	*total += iterations;
}

START_TEST(test_bench_harness_runs_the_work_and_rejects_null)
{
	size_t total = 0;

	setenv("DP_BENCH_QUICK", "1", 1);
	ck_assert(dp_bench_ns_per_op(count_iterations, &total) >= 0);
	ck_assert_uint_gt(total, 5);
	ck_assert(dp_bench_ns_per_op(NULL, NULL) == 0);
}
END_TEST

START_TEST(test_bench_measure_reports_an_ordered_spread)
{
	size_t total = 0;
	struct dp_bench_spread spread;

	setenv("DP_BENCH_QUICK", "1", 1);
	ck_assert_int_eq(dp_bench_measure(count_iterations, &total, 5, &spread),
	                 DP_OK);
	ck_assert_uint_gt(total, 5);
	ck_assert(0 <= spread.min && spread.min <= spread.median &&
	          spread.median <= spread.max);
	ck_assert_int_eq(dp_bench_cycle_ns(&spread), DP_OK);
	ck_assert(0 < spread.min && spread.min <= spread.max);
	ck_assert_uint_eq(dp_bench_opaque(42), 42);
}
END_TEST

START_TEST(test_bench_measure_rejects_bad_arguments_without_calling)
{
	size_t total = 0;
	struct dp_bench_spread spread;

	ck_assert_int_eq(dp_bench_measure(NULL, NULL, 5, &spread), DP_EINVAL);
	ck_assert_int_eq(dp_bench_measure(count_iterations, &total, 5, NULL),
	                 DP_EINVAL);
	ck_assert_int_eq(dp_bench_measure(count_iterations, &total, 0, &spread),
	                 DP_EINVAL);
	ck_assert_int_eq(
		dp_bench_measure(count_iterations, &total, 1001, &spread),
		DP_EINVAL);
	ck_assert_uint_eq(total, 0);
	ck_assert_int_eq(dp_bench_cycle_ns(NULL), DP_EINVAL);
}
END_TEST

START_TEST(test_bench_spread_combine_keeps_the_extremes_and_middle_median)
{
	const struct dp_bench_spread turns[] = {
		{.min = 2, .median = 5, .max = 9},
		{.min = 1, .median = 7, .max = 3},
		{.min = 3, .median = 4, .max = 4},
	};
	struct dp_bench_spread combined;

	ck_assert_int_eq(dp_bench_spread_combine(turns, 3, &combined), DP_OK);
	ck_assert(combined.min == 1 && combined.median == 5 &&
	          combined.max == 9);
	ck_assert_int_eq(dp_bench_spread_combine(NULL, 3, &combined),
	                 DP_EINVAL);
	ck_assert_int_eq(dp_bench_spread_combine(turns, 3, NULL), DP_EINVAL);
	ck_assert_int_eq(dp_bench_spread_combine(turns, 0, &combined),
	                 DP_EINVAL);
	ck_assert_int_eq(dp_bench_spread_combine(turns, 1001, &combined),
	                 DP_EINVAL);
}
END_TEST

/* ---- CSV output of the benches ------------------------------------------- */

/* The whole content of a small file, as a string in `buffer`. */
static const char *read_file(const char *path, char *buffer, size_t size)
{
	FILE *file = fopen(path, "r");
	ck_assert_ptr_nonnull(file);
	size_t length = fread(buffer, 1, size - 1, file);
	buffer[length] = '\0';
	fclose(file);
	return buffer;
}

static size_t directory_entries(const char *path)
{
	DIR *dir = opendir(path);
	size_t entries = 0;

	ck_assert_ptr_nonnull(dir);
	for (const struct dirent *entry; (entry = readdir(dir)) != NULL;)
		entries += strcmp(entry->d_name, ".") != 0 &&
		           strcmp(entry->d_name, "..") != 0;
	closedir(dir);
	return entries;
}

START_TEST(test_bench_csv_writes_the_header_then_the_rows)
{
	char dir[256], path[300], content[256];
	dp_bench_csv *csv = NULL;

	ck_assert_int_eq(dp_temp_dir_make(dir, sizeof(dir), "dp_common"),
	                 DP_OK);
	setenv("DP_BENCH_CSV", dir, 1);
	ck_assert_int_eq(dp_bench_csv_open(&csv, "lookup-O2_x", "n,a,b"),
	                 DP_OK);
	ck_assert_ptr_nonnull(csv);
	ck_assert_int_eq(dp_bench_csv_row(csv, "16", (double[]){1.5, 2}, 2),
	                 DP_OK);
	ck_assert_int_eq(dp_bench_csv_row(csv, "random order",
	                                  (double[]){0.125, 1234567}, 2),
	                 DP_OK);
	ck_assert_int_eq(dp_bench_csv_close(csv), DP_OK);

	snprintf(path, sizeof(path), "%s/lookup-O2_x.csv", dir);
	ck_assert_str_eq(read_file(path, content, sizeof(content)),
	                 "n,a,b\n16,1.5,2\nrandom order,0.125,1.23457e+06\n");
	ck_assert_int_eq(dp_temp_dir_remove(dir), DP_OK);
}
END_TEST

START_TEST(test_bench_csv_replaces_an_existing_file)
{
	char dir[256], path[300], content[256];
	dp_bench_csv *csv = NULL;

	ck_assert_int_eq(dp_temp_dir_make(dir, sizeof(dir), "dp_common"),
	                 DP_OK);
	snprintf(path, sizeof(path), "%s/t.csv", dir);
	write_file(path);
	setenv("DP_BENCH_CSV", dir, 1);
	ck_assert_int_eq(dp_bench_csv_open(&csv, "t", "x,y"), DP_OK);
	ck_assert_int_eq(dp_bench_csv_close(csv), DP_OK);
	ck_assert_str_eq(read_file(path, content, sizeof(content)), "x,y\n");
	ck_assert_int_eq(dp_temp_dir_remove(dir), DP_OK);
}
END_TEST

START_TEST(test_bench_csv_writes_nothing_when_the_variable_is_unset)
{
	char dir[256], saved[4096];
	dp_bench_csv *csv = (dp_bench_csv *)&csv;

	/* The file would go to the current directory if anywhere: run
	 * there, in a directory of our own. */
	ck_assert_int_eq(dp_temp_dir_make(dir, sizeof(dir), "dp_common"),
	                 DP_OK);
	ck_assert_ptr_nonnull(getcwd(saved, sizeof(saved)));
	ck_assert_int_eq(chdir(dir), 0);
	unsetenv("DP_BENCH_CSV");
	ck_assert_int_eq(dp_bench_csv_open(&csv, "t", "x,y"), DP_OK);
	ck_assert_ptr_null(csv);
	ck_assert_int_eq(dp_bench_csv_row(csv, "1", (double[]){2}, 1), DP_OK);
	ck_assert_int_eq(dp_bench_csv_close(csv), DP_OK);

	setenv("DP_BENCH_CSV", "", 1);
	csv = (dp_bench_csv *)&csv;
	ck_assert_int_eq(dp_bench_csv_open(&csv, "t", "x,y"), DP_OK);
	ck_assert_ptr_null(csv);
	ck_assert_uint_eq(directory_entries("."), 0);
	ck_assert_int_eq(chdir(saved), 0);
	ck_assert_int_eq(dp_temp_dir_remove(dir), DP_OK);
}
END_TEST

START_TEST(test_bench_csv_rejects_bad_arguments)
{
	static const char *const bad_names[] = {"", "a/b", "a.b", "a b"};
	static const char *const bad_headers[] = {
		"", "n", "n,", ",a", "n,,a", "n,\"a\"", "n,a\n", "n,a\r"};
	static const char *const bad_labels[] = {"", "a,b", "\"a\"", "a\n"};
	const double values[] = {1};
	char dir[256];
	dp_bench_csv *csv = (dp_bench_csv *)&csv;

	ck_assert_int_eq(dp_temp_dir_make(dir, sizeof(dir), "dp_common"),
	                 DP_OK);
	/* The same answers whether or not a file would be written. */
	for (int set = 0; set < 2; set++) {
		if (set)
			setenv("DP_BENCH_CSV", dir, 1);
		else
			unsetenv("DP_BENCH_CSV");
		ck_assert_int_eq(dp_bench_csv_open(NULL, "t", "x,y"),
		                 DP_EINVAL);
		ck_assert_int_eq(dp_bench_csv_open(&csv, NULL, "x,y"),
		                 DP_EINVAL);
		ck_assert_ptr_null(csv);
		ck_assert_int_eq(dp_bench_csv_open(&csv, "t", NULL), DP_EINVAL);
		for (size_t i = 0; i < DP_ARRAY_SIZE(bad_names); i++)
			ck_assert_int_eq(
				dp_bench_csv_open(&csv, bad_names[i], "x,y"),
				DP_EINVAL);
		for (size_t i = 0; i < DP_ARRAY_SIZE(bad_headers); i++)
			ck_assert_int_eq(
				dp_bench_csv_open(&csv, "t", bad_headers[i]),
				DP_EINVAL);
		ck_assert_uint_eq(directory_entries(dir), 0);

		ck_assert_int_eq(dp_bench_csv_open(&csv, "t", "x,y"), DP_OK);
		ck_assert_int_eq(dp_bench_csv_row(csv, NULL, values, 1),
		                 DP_EINVAL);
		ck_assert_int_eq(dp_bench_csv_row(csv, "1", NULL, 1),
		                 DP_EINVAL);
		for (size_t i = 0; i < DP_ARRAY_SIZE(bad_labels); i++)
			ck_assert_int_eq(
				dp_bench_csv_row(csv, bad_labels[i], values, 1),
				DP_EINVAL);
		ck_assert_int_eq(dp_bench_csv_close(csv),
		                 set ? DP_EINVAL : DP_OK);
	}

	/* The count is checked against the header of an open file. */
	ck_assert_int_eq(dp_bench_csv_open(&csv, "t", "x,y"), DP_OK);
	ck_assert_int_eq(dp_bench_csv_row(csv, "1", (double[]){1, 2}, 2),
	                 DP_EINVAL);
	ck_assert_int_eq(dp_bench_csv_row(csv, "1", values, 1), DP_OK);
	ck_assert_int_eq(dp_bench_csv_close(csv), DP_EINVAL);
	ck_assert_int_eq(dp_temp_dir_remove(dir), DP_OK);
}
END_TEST

START_TEST(test_bench_csv_open_in_a_missing_directory_is_eio)
{
	char dir[256], missing[300];
	dp_bench_csv *csv = (dp_bench_csv *)&csv;

	ck_assert_int_eq(dp_temp_dir_make(dir, sizeof(dir), "dp_common"),
	                 DP_OK);
	snprintf(missing, sizeof(missing), "%s/missing", dir);
	setenv("DP_BENCH_CSV", missing, 1);
	ck_assert_int_eq(dp_bench_csv_open(&csv, "t", "x,y"), DP_EIO);
	ck_assert_ptr_null(csv);
	ck_assert_int_eq(dp_temp_dir_remove(dir), DP_OK);
}
END_TEST

START_TEST(test_bench_csv_close_reports_a_write_error)
{
	char dir[256];
	dp_bench_csv *csv = NULL;
	struct rlimit saved, none = {0, 0};

	ck_assert_int_eq(dp_temp_dir_make(dir, sizeof(dir), "dp_common"),
	                 DP_OK);
	setenv("DP_BENCH_CSV", dir, 1);
	ck_assert_int_eq(dp_bench_csv_open(&csv, "t", "x,y"), DP_OK);
	/* A file size limit of zero: the buffered rows cannot reach the
	 * file, and write(2) fails with EFBIG instead of raising SIGXFSZ. */
	ck_assert_int_eq(getrlimit(RLIMIT_FSIZE, &saved), 0);
	none.rlim_max = saved.rlim_max;
	signal(SIGXFSZ, SIG_IGN);
	ck_assert_int_eq(setrlimit(RLIMIT_FSIZE, &none), 0);
	ck_assert_int_eq(dp_bench_csv_row(csv, "1", (double[]){2}, 1), DP_OK);
	ck_assert_int_eq(dp_bench_csv_close(csv), DP_EIO);
	ck_assert_int_eq(setrlimit(RLIMIT_FSIZE, &saved), 0);
	signal(SIGXFSZ, SIG_DFL);
	ck_assert_int_eq(dp_temp_dir_remove(dir), DP_OK);
}
END_TEST

static Suite *common_suite(void)
{
	Suite *suite = suite_create("common");
	TCase *tc;

	tc = dp_test_case(suite, "errors");
	tcase_add_test(tc, test_every_error_code_has_a_name_and_a_message);
	tcase_add_test(tc, test_error_names_and_messages_are_distinct);
	tcase_add_test(tc, test_error_names_are_spelled_as_in_c);
	tcase_add_test(tc, test_values_that_are_not_codes_are_unknown);

	tc = dp_test_case(suite, "allocator");
	tcase_add_test(tc, test_default_allocator_allocates_resizes_and_frees);
	tcase_add_test(tc, test_alloc_of_zero_bytes_gives_a_distinct_block);
	tcase_add_test(tc, test_alloc_array_refuses_an_overflowing_size);
	tcase_add_test(tc, test_free_of_null_does_nothing);
	tcase_add_test(tc,
	               test_strdup_copies_into_one_block_from_the_allocator);
	tcase_add_test(tc,
	               test_strdup_of_null_gives_null_and_allocates_nothing);
	tcase_add_test(tc, test_strdup_gives_null_when_memory_runs_out);

	tc = dp_test_case(suite, "counting");
	tcase_add_test(tc, test_counting_allocator_figures_are_exact);
	tcase_add_test(
		tc, test_counting_allocator_keeps_blocks_aligned_for_any_type);
	tcase_add_test(tc, test_counting_allocator_counts_a_refused_resize);
	tcase_add_test(tc, test_counting_allocator_init_rejects_null);

	tc = dp_test_case(suite, "failing");
	tcase_add_test(tc,
	               test_failing_allocator_fails_exactly_the_nth_request);
	tcase_add_test(tc, test_failing_allocator_counts_resizes_but_not_frees);
	tcase_add_test(tc, test_failing_allocator_at_zero_never_fails);
	tcase_add_test(tc, test_failing_allocator_init_rejects_null);

	tc = dp_test_case(suite, "utilities");
	tcase_add_test(tc, test_container_of_recovers_the_enclosing_struct);
	tcase_add_test(tc, test_clock_never_goes_back);
	tcase_add_test(tc, test_bench_harness_runs_the_work_and_rejects_null);
	tcase_add_test(tc, test_bench_measure_reports_an_ordered_spread);
	tcase_add_test(
		tc, test_bench_measure_rejects_bad_arguments_without_calling);
	tcase_add_test(
		tc,
		test_bench_spread_combine_keeps_the_extremes_and_middle_median);
	tcase_add_test(tc, test_random_generator_gives_the_splitmix64_sequence);
	tcase_add_test(tc,
	               test_mixer_is_the_splitmix64_finaliser_of_the_generator);

	tc = dp_test_case(suite, "temporary directories");
	tcase_add_test(tc, test_temp_dir_is_made_and_removed_with_its_contents);
	tcase_add_test(tc, test_temp_dir_rejects_bad_arguments);
	tcase_add_test(tc, test_temp_dir_remove_of_a_missing_directory_is_eio);

	tc = dp_test_case(suite, "bench CSV");
	tcase_add_test(tc, test_bench_csv_writes_the_header_then_the_rows);
	tcase_add_test(tc, test_bench_csv_replaces_an_existing_file);
	tcase_add_test(
		tc, test_bench_csv_writes_nothing_when_the_variable_is_unset);
	tcase_add_test(tc, test_bench_csv_rejects_bad_arguments);
	tcase_add_test(tc, test_bench_csv_open_in_a_missing_directory_is_eio);
	tcase_add_test(tc, test_bench_csv_close_reports_a_write_error);

	return suite;
}

int main(void)
{
	return dp_test_run(common_suite());
}
