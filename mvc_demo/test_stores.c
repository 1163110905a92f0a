/*
 * Tests of the stores: each format's round trip and each kind of bad
 * file, reading files, atomic saving (a failed save leaves the old file
 * intact), the factory, and the logging, timing and caching decorators.
 */
#define _XOPEN_SOURCE 700 /* S_ISSOCK */

#include "adapter/adapter.h"
#include "common/dp_temp.h"
#include "common/dp_test.h"
#include "store.h"

#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

static const struct todo_format *const FORMATS[] = {
	&todo_format_native,
	&todo_format_csv,
	&todo_format_todotxt,
};

/* A fresh directory per test; Check forks, so each test has its own. */
static char dir[256];

static void make_dir(void)
{
	ck_assert_int_eq(dp_temp_dir_make(dir, sizeof(dir), "todo-test"),
	                 DP_OK);
}

static void remove_dir(void)
{
	ck_assert_int_eq(dp_temp_dir_remove(dir), DP_OK);
}

static int count_entries(void)
{
	DIR *d = opendir(dir);
	int count = 0;
	struct dirent *entry;

	while ((entry = readdir(d)) != NULL)
		count += entry->d_name[0] != '.' || entry->d_name[1] != '\0';
	closedir(d);
	return count - 1; /* ".." */
}

/* Hidden files in the directory: what saves leave, if anything. */
static int count_hidden(void)
{
	DIR *d = opendir(dir);
	int count = 0;
	struct dirent *entry;

	while ((entry = readdir(d)) != NULL)
		count += entry->d_name[0] == '.' &&
		         strcmp(entry->d_name, ".") != 0 &&
		         strcmp(entry->d_name, "..") != 0;
	closedir(d);
	return count;
}

static void write_file(const char *path, const char *text)
{
	FILE *file = fopen(path, "w");

	ck_assert_ptr_nonnull(file);
	fputs(text, file);
	fclose(file);
}

static void fill(struct todo_list *list)
{
	todo_list_init(list, NULL);
	ck_assert_int_eq(todo_list_append(list, false, "Buy milk, eggs", 14),
	                 DP_OK);
	ck_assert_int_eq(todo_list_append(list, true, "Read \"Dune\"", 11),
	                 DP_OK);
	ck_assert_int_eq(
		todo_list_append(list, false, "(A) Call Mom @phone", 19),
		DP_OK);
	ck_assert_int_eq(todo_list_append(list, true, "x marks the spot", 16),
	                 DP_OK);
}

static void assert_same(const struct todo_list *a, const struct todo_list *b)
{
	ck_assert_uint_eq(a->count, b->count);
	for (size_t i = 0; i < a->count; i++) {
		ck_assert_int_eq(a->items[i].done, b->items[i].done);
		ck_assert_str_eq(a->items[i].title, b->items[i].title);
	}
}

/* Write a list with a format into memory, as bytes. */
static char *to_bytes(const struct todo_format *format,
                      const struct todo_list *list, size_t *len)
{
	struct dp_stream *memory = dp_memory_stream_create(NULL);

	ck_assert_int_eq(format->write(list, memory), DP_OK);
	const unsigned char *data = dp_memory_stream_data(memory, len);
	char *copy = malloc(*len + 1);
	memcpy(copy, data, *len);
	copy[*len] = '\0';
	dp_stream_close(memory);
	return copy;
}

static int parse(const struct todo_format *format, const char *text,
                 struct todo_status *status)
{
	struct todo_list list;

	todo_list_init(&list, NULL);
	int rc = format->parse(text, strlen(text), &list, status);
	if (rc != DP_OK)
		ck_assert_uint_eq(list.count, 0);
	todo_list_deinit(&list);
	return rc;
}

/* ---- formats ------------------------------------------------------------ */

START_TEST(test_each_format_round_trips_in_memory)
{
	struct todo_list list, back;
	struct todo_status status = {NULL, 0};
	size_t len;

	fill(&list);
	char *bytes = to_bytes(FORMATS[_i], &list, &len);
	todo_list_init(&back, NULL);
	ck_assert_int_eq(FORMATS[_i]->parse(bytes, len, &back, &status), DP_OK);
	assert_same(&list, &back);
	free(bytes);
	todo_list_deinit(&back);
	todo_list_deinit(&list);
}
END_TEST

/* The scale: 100,000 items of ordinary titles fit the load
 * limit in every format, and a parse allocates once per title plus the
 * array's O(log n) doublings: linear, never a copy of the whole per line. */
START_TEST(test_a_list_of_100000_items_fits_and_parses_in_one_pass)
{
	enum { N = 100000 };
	struct dp_counting_allocator counter;
	struct todo_list list, back;
	struct todo_status status = {NULL, 0};
	char title[32];
	size_t len;

	todo_list_init(&list, NULL);
	for (unsigned i = 0; i < N; i++) {
		int n = snprintf(title, sizeof(title), "buy milk %05u", i);
		ck_assert_int_eq(
			todo_list_append(&list, i % 3 == 0, title, (size_t)n),
			DP_OK);
	}
	char *bytes = to_bytes(FORMATS[_i], &list, &len);
	ck_assert_uint_gt(len, 1024 * 1024); /* the old limit was too small */
	ck_assert_uint_le(len, TODO_FILE_MAX);
	dp_counting_allocator_init(&counter, NULL);
	todo_list_init(&back, &counter.base);
	ck_assert_int_eq(FORMATS[_i]->parse(bytes, len, &back, &status), DP_OK);
	ck_assert_uint_le(counter.allocations, N + 64);
	ck_assert_uint_le(counter.reallocations, 64);
	size_t again_len;
	char *again = to_bytes(FORMATS[_i], &back, &again_len);
	ck_assert_uint_eq(again_len, len);
	ck_assert(memcmp(again, bytes, len) == 0);
	free(again);
	free(bytes);
	todo_list_deinit(&back);
	todo_list_deinit(&list);
}
END_TEST

START_TEST(test_formats_write_what_their_readers_expect)
{
	struct todo_list list;
	size_t len;

	fill(&list);
	char *native = to_bytes(&todo_format_native, &list, &len);
	ck_assert_str_eq(native, "todo-list 1\n[ ] Buy milk, eggs\n"
	                         "[x] Read \"Dune\"\n[ ] (A) Call Mom @phone\n"
	                         "[x] x marks the spot\nend 4\n");
	char *csv = to_bytes(&todo_format_csv, &list, &len);
	ck_assert_str_eq(csv, "done,title\n0,\"Buy milk, eggs\"\n"
	                      "1,\"Read \"\"Dune\"\"\"\n0,(A) Call Mom @phone\n"
	                      "1,x marks the spot\n");
	char *txt = to_bytes(&todo_format_todotxt, &list, &len);
	ck_assert_str_eq(txt, "Buy milk, eggs\nx Read \"Dune\"\n"
	                      "(A) Call Mom @phone\nx x marks the spot\n");
	free(native);
	free(csv);
	free(txt);
	todo_list_deinit(&list);
}
END_TEST

START_TEST(test_native_names_each_bad_file)
{
	const struct todo_format *f = &todo_format_native;
	struct todo_status status;

	ck_assert_int_eq(parse(f, "", &status), DP_EINVAL);
	ck_assert_str_eq(status.reason, "wrong format: the file is empty");
	ck_assert_int_eq(parse(f, "done,title\n", &status), DP_EINVAL);
	ck_assert_str_eq(status.reason, "wrong format: not a native list");
	ck_assert_int_eq(parse(f, "todo-list 1\n[ ] a\n", &status), DP_EINVAL);
	ck_assert_str_eq(status.reason, "truncated: no end line");
	ck_assert_int_eq(parse(f, "todo-list 1\n[ ] a", &status), DP_EINVAL);
	ck_assert_str_eq(status.reason, "truncated: the last line is cut");
	ck_assert_uint_eq(status.line, 2);
	ck_assert_int_eq(parse(f, "todo-list 1\n[?] a\nend 1\n", &status),
	                 DP_EINVAL);
	ck_assert_str_eq(status.reason, "corrupt: not an item line");
	ck_assert_int_eq(parse(f, "todo-list 1\n[ ] a\nend 2\n", &status),
	                 DP_EINVAL);
	ck_assert_str_eq(status.reason, "corrupt: the count does not match");
	ck_assert_int_eq(parse(f, "todo-list 1\nend 0\nx\n", &status),
	                 DP_EINVAL);
	ck_assert_str_eq(status.reason, "corrupt: data after the end line");
	ck_assert_int_eq(parse(f, "todo-list 1\n[ ] a\tb\nend 1\n", &status),
	                 DP_EINVAL);
	ck_assert_str_eq(status.reason, "corrupt: invalid title");
	ck_assert_int_eq(parse(f, "todo-list 1\nend 0\n", &status), DP_OK);
}
END_TEST

START_TEST(test_csv_names_each_bad_file)
{
	const struct todo_format *f = &todo_format_csv;
	struct todo_status status;

	ck_assert_int_eq(parse(f, "Buy milk\n", &status), DP_EINVAL);
	ck_assert_str_eq(status.reason, "wrong format: no done,title header");
	ck_assert_int_eq(parse(f, "done,title\n2,a\n", &status), DP_EINVAL);
	ck_assert_str_eq(status.reason, "corrupt: a row must start 0, or 1,");
	ck_assert_uint_eq(status.line, 2);
	ck_assert_int_eq(parse(f, "done,title\n0,\"a\n", &status), DP_EINVAL);
	ck_assert_str_eq(status.reason,
	                 "truncated: a quoted title is not closed");
	ck_assert_int_eq(parse(f, "done,title\n0,\"a\"b\n", &status),
	                 DP_EINVAL);
	ck_assert_str_eq(status.reason, "corrupt: text after a quoted title");
	ck_assert_int_eq(parse(f, "done,title\n0,a\"b\n", &status), DP_EINVAL);
	ck_assert_int_eq(parse(f, "done,title\n0,\n", &status), DP_EINVAL);
	ck_assert_str_eq(status.reason, "corrupt: invalid title");
	/* CRLF line ends and a missing last line end are fine. */
	ck_assert_int_eq(parse(f, "done,title\r\n1,a\r\n0,b", &status), DP_OK);
}
END_TEST

START_TEST(test_todotxt_reads_the_real_format)
{
	const char *text = "(A) Call Mom @phone +family\n"
			   "x 2026-11-20 Pay the rent\n\n"
			   "xylophone lessons\r\n";
	struct todo_list list;
	struct todo_status status;

	todo_list_init(&list, NULL);
	ck_assert_int_eq(
		todo_format_todotxt.parse(text, strlen(text), &list, &status),
		DP_OK);
	ck_assert_uint_eq(list.count, 3);
	ck_assert(!list.items[0].done);
	ck_assert_str_eq(list.items[0].title, "(A) Call Mom @phone +family");
	ck_assert(list.items[1].done);
	ck_assert_str_eq(list.items[1].title, "2026-11-20 Pay the rent");
	ck_assert(!list.items[2].done);
	ck_assert_str_eq(list.items[2].title, "xylophone lessons");
	todo_list_deinit(&list);
	ck_assert_int_eq(parse(&todo_format_todotxt, "ok\n\x01\x02\n", &status),
	                 DP_EINVAL);
	ck_assert_str_eq(status.reason, "wrong format: not a text file");
	ck_assert_uint_eq(status.line, 2);
	ck_assert_int_eq(parse(&todo_format_todotxt, "x \n", &status),
	                 DP_EINVAL);
	ck_assert_str_eq(status.reason, "corrupt: a task with no text");
}
END_TEST

START_TEST(test_a_title_too_long_is_refused_by_every_format)
{
	static const char *const prefix[] = {"todo-list 1\n[ ] ",
	                                     "done,title\n0,", ""};
	char text[400];
	struct todo_status status;

	snprintf(text, sizeof(text), "%s", prefix[_i]);
	size_t len = strlen(text);
	memset(text + len, 'a', TODO_TITLE_MAX + 1);
	snprintf(text + len + TODO_TITLE_MAX + 1, 20, "\nend 1\n");
	if (_i != 0)
		text[len + TODO_TITLE_MAX + 2] = '\0';
	ck_assert_int_eq(parse(FORMATS[_i], text, &status), DP_ERANGE);
	ck_assert_str_eq(status.reason, "title too long");
}
END_TEST

/* ---- files -------------------------------------------------------------- */

START_TEST(test_file_read_reports_missing_directory_and_too_large)
{
	char path[512];
	char *data = NULL;
	size_t len = 0;

	make_dir();
	snprintf(path, sizeof(path), "%s/missing", dir);
	ck_assert_int_eq(todo_file_read(path, NULL, &data, &len), DP_ENOENT);
	ck_assert_int_eq(todo_file_read(dir, NULL, &data, &len), DP_EIO);
	snprintf(path, sizeof(path), "%s/big", dir);
	FILE *file = fopen(path, "w");
	ck_assert_int_eq(fseek(file, TODO_FILE_MAX + 1, SEEK_SET), 0);
	fputc('x', file);
	fclose(file);
	ck_assert_int_eq(todo_file_read(path, NULL, &data, &len), DP_ERANGE);
	ck_assert_ptr_null(data);
	remove_dir();
}
END_TEST

START_TEST(test_each_store_round_trips_through_a_file)
{
	void *product = NULL;
	dp_factory *stores = dp_factory_create(todo_store_entries(), NULL);
	struct todo_list list, back;
	char path[512];

	make_dir();
	snprintf(path, sizeof(path), "%s/%s", dir, FORMATS[_i]->default_file);
	ck_assert_int_eq(dp_factory_make(stores, FORMATS[_i]->name, NULL, NULL,
	                                 &product),
	                 DP_OK);
	ck_assert_ptr_eq(todo_format_find(FORMATS[_i]->name), FORMATS[_i]);
	fill(&list);
	ck_assert_int_eq(todo_store_save(product, path, &list, NULL), DP_OK);
	todo_list_init(&back, NULL);
	ck_assert_int_eq(todo_store_load(product, path, &back, NULL), DP_OK);
	assert_same(&list, &back);
	ck_assert_int_eq(count_entries(), 1); /* no temporary left */
	todo_list_deinit(&back);
	todo_list_deinit(&list);
	todo_store_destroy(product);
	dp_factory_destroy(stores);
	remove_dir();
}
END_TEST

static int write_half_then_fail(void *ctx, struct dp_stream *out)
{
	(void)ctx;
	ck_assert_int_eq(dp_stream_write_string(out, "todo-list 1\n[ ] Hal"),
	                 DP_OK);
	ck_assert_int_eq(dp_stream_flush(out), DP_OK);
	return DP_EIO;
}

START_TEST(test_a_failed_save_leaves_the_old_file_intact)
{
	char path[512];
	char *data = NULL;
	size_t len = 0;

	make_dir();
	snprintf(path, sizeof(path), "%s/todo.list", dir);
	write_file(path, "todo-list 1\n[ ] Old\nend 1\n");
	ck_assert_int_eq(
		todo_atomic_save(path, write_half_then_fail, NULL, NULL, NULL),
		DP_EIO);
	ck_assert_int_eq(todo_file_read(path, NULL, &data, &len), DP_OK);
	ck_assert_uint_eq(len, strlen("todo-list 1\n[ ] Old\nend 1\n"));
	ck_assert_int_eq(memcmp(data, "todo-list 1\n[ ] Old\nend 1\n", len), 0);
	ck_assert_int_eq(count_entries(), 1); /* the temporary is gone */
	free(data);
	remove_dir();
}
END_TEST

START_TEST(test_save_into_a_missing_or_bad_directory_says_why)
{
	struct todo_store *store =
		todo_file_store_create(&todo_format_csv, NULL);
	struct todo_list list;
	struct todo_status status;
	char path[512];

	make_dir();
	fill(&list);
	snprintf(path, sizeof(path), "%s/nowhere/todo.csv", dir);
	ck_assert_int_eq(todo_store_save(store, path, &list, &status), DP_EIO);
	ck_assert_str_eq(status.reason, "no such directory");
	snprintf(path, sizeof(path), "%s/file", dir);
	write_file(path, "x");
	snprintf(path, sizeof(path), "%s/file/todo.csv", dir);
	ck_assert_int_eq(todo_store_save(store, path, &list, &status), DP_EIO);
	ck_assert_str_eq(status.reason,
	                 "a part of the path is not a directory");
	ck_assert_int_eq(
		todo_atomic_save(NULL, write_half_then_fail, NULL, NULL, NULL),
		DP_EINVAL);
	ck_assert_int_eq(todo_store_save(NULL, path, &list, NULL), DP_EINVAL);
	ck_assert_int_eq(todo_store_load(store, NULL, &list, NULL), DP_EINVAL);
	todo_list_deinit(&list);
	todo_store_destroy(store);
	todo_store_destroy(NULL);
	ck_assert_ptr_null(todo_file_store_create(NULL, NULL));
	remove_dir();
}
END_TEST

/* A FIFO is refused at once: opening one for reading would wait for a
 * writer that never comes (the test's time limit would end it). */
START_TEST(test_load_refuses_a_fifo_without_waiting)
{
	struct todo_store *store =
		todo_file_store_create(&todo_format_native, NULL);
	struct todo_list list;
	struct todo_status status;
	char path[512];

	make_dir();
	snprintf(path, sizeof(path), "%s/todo.list", dir);
	ck_assert_int_eq(mkfifo(path, 0600), 0);
	todo_list_init(&list, NULL);
	ck_assert_int_eq(todo_store_load(store, path, &list, &status), DP_EIO);
	ck_assert_str_eq(status.reason, "not a readable file");
	ck_assert_uint_eq(list.count, 0);
	todo_list_deinit(&list);
	todo_store_destroy(store);
	remove_dir();
}
END_TEST

static void make_socket(const char *path)
{
	struct sockaddr_un address = {.sun_family = AF_UNIX};
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	ck_assert_int_ge(fd, 0);
	ck_assert_uint_lt(strlen(path), sizeof(address.sun_path));
	strcpy(address.sun_path, path);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&address, sizeof(address)),
	                 0);
	close(fd);
}

/* A save replaces a regular file, and nothing else: a FIFO, a socket or
 * a directory at the path is refused, with what it is, and stays. */
START_TEST(test_save_refuses_what_is_not_a_regular_file)
{
	struct todo_store *store =
		todo_file_store_create(&todo_format_native, NULL);
	static const char *const kinds[] = {"a FIFO", "a socket",
	                                    "a directory"};
	struct todo_list list;
	struct todo_status status;
	struct stat info;
	char path[512], reason[64];

	make_dir();
	fill(&list);
	snprintf(path, sizeof(path), "%s/todo.list", dir);
	for (int k = 0; k < 3; k++) {
		if (k == 0)
			ck_assert_int_eq(mkfifo(path, 0600), 0);
		else if (k == 1)
			make_socket(path);
		else
			ck_assert_int_eq(mkdir(path, 0700), 0);
		mode_t before = lstat(path, &info) == 0 ? info.st_mode : 0;
		ck_assert_int_eq(todo_store_save(store, path, &list, &status),
		                 DP_EIO);
		snprintf(reason, sizeof(reason), "not a regular file: %s",
		         kinds[k]);
		ck_assert_str_eq(status.reason, reason);
		ck_assert_int_eq(lstat(path, &info), 0);
		ck_assert_msg(info.st_mode == before, "%s was replaced",
		              kinds[k]);
		ck_assert_int_eq(count_entries(), 1); /* no temporary left */
		ck_assert_int_eq(k == 2 ? rmdir(path) : unlink(path), 0);
	}
	todo_list_deinit(&list);
	todo_store_destroy(store);
	remove_dir();
}
END_TEST

/* A save through a symbolic link replaces the file it points to; the
 * link stays a link. A link to nothing is refused. */
START_TEST(test_save_through_a_link_replaces_its_target)
{
	struct todo_store *store =
		todo_file_store_create(&todo_format_native, NULL);
	struct todo_list list, back;
	struct todo_status status;
	struct stat info;
	char target[512], link[512];

	make_dir();
	fill(&list);
	snprintf(target, sizeof(target), "%s/real.list", dir);
	snprintf(link, sizeof(link), "%s/todo.list", dir);
	write_file(target, "todo-list 1\n[ ] Old\nend 1\n");
	ck_assert_int_eq(chmod(target, 0640), 0);
	ck_assert_int_eq(symlink("real.list", link), 0);
	ck_assert_int_eq(todo_store_save(store, link, &list, &status), DP_OK);
	ck_assert_int_eq(lstat(link, &info), 0);
	ck_assert_msg(S_ISLNK(info.st_mode), "the link was replaced by a file");
	ck_assert_int_eq(stat(target, &info), 0);
	ck_assert_msg((info.st_mode & 07777) == 0640,
	              "the target's permissions became %o",
	              (unsigned)(info.st_mode & 07777));
	todo_list_init(&back, NULL);
	ck_assert_int_eq(todo_store_load(store, target, &back, NULL), DP_OK);
	assert_same(&list, &back);
	ck_assert_int_eq(count_entries(), 2); /* no temporary left */
	ck_assert_int_eq(unlink(target), 0);
	ck_assert_int_eq(todo_store_save(store, link, &list, &status), DP_EIO);
	ck_assert_str_eq(status.reason, "a symbolic link to nothing");
	ck_assert_int_eq(count_entries(), 1);
	todo_list_deinit(&back);
	todo_list_deinit(&list);
	todo_store_destroy(store);
	remove_dir();
}
END_TEST

static int write_too_much(void *ctx, struct dp_stream *out)
{
	static const char line[64] = "[ ] a title that fills the file......\n";
	(void)ctx;
	for (size_t written = 0; written <= TODO_FILE_MAX;
	     written += sizeof(line))
		ck_assert_int_eq(dp_stream_write(out, line, sizeof(line)),
		                 DP_OK);
	return DP_OK;
}

/* What a save writes, a load must read: a list over the limit is
 * refused before it replaces anything. */
START_TEST(test_a_save_over_the_load_limit_replaces_nothing)
{
	struct todo_status status;
	char path[512];
	char *data = NULL;
	size_t len = 0;

	make_dir();
	snprintf(path, sizeof(path), "%s/todo.list", dir);
	write_file(path, "todo-list 1\n[ ] Old\nend 1\n");
	ck_assert_int_eq(
		todo_atomic_save(path, write_too_much, NULL, NULL, &status),
		DP_ERANGE);
	ck_assert_str_eq(status.reason, TODO_FILE_MAX_REASON);
	ck_assert_int_eq(todo_file_read(path, NULL, &data, &len), DP_OK);
	ck_assert_uint_eq(len, strlen("todo-list 1\n[ ] Old\nend 1\n"));
	ck_assert_int_eq(count_entries(), 1); /* no temporary left */
	free(data);
	remove_dir();
}
END_TEST

START_TEST(test_a_bad_file_leaves_the_list_empty_and_says_where)
{
	struct todo_store *store =
		todo_file_store_create(&todo_format_native, NULL);
	struct todo_list list;
	struct todo_status status;
	char path[512];

	make_dir();
	snprintf(path, sizeof(path), "%s/bad.list", dir);
	write_file(path, "todo-list 1\n[ ] Fine\n[?] Not fine\nend 2\n");
	todo_list_init(&list, NULL);
	ck_assert_int_eq(todo_store_load(store, path, &list, &status),
	                 DP_EINVAL);
	ck_assert_uint_eq(list.count, 0);
	ck_assert_uint_eq(status.line, 3);
	snprintf(path, sizeof(path), "%s/missing.list", dir);
	ck_assert_int_eq(todo_store_load(store, path, &list, &status),
	                 DP_ENOENT);
	ck_assert_str_eq(status.reason, "no such file");
	todo_store_destroy(store);
	remove_dir();
}
END_TEST

/* ---- the temporary file never outlives its process ----------------------- */

static const char OLD_LIST[] = "todo-list 1\n[ ] Old\nend 1\n";
static const char NEW_LIST[] = "todo-list 1\n[ ] New\nend 1\n";

static int write_new(void *ctx, struct dp_stream *out)
{
	(void)ctx;
	return dp_stream_write_string(out, NEW_LIST);
}

static void assert_file(const char *path, const char *expected)
{
	char *data = NULL;
	size_t len = 0;

	ck_assert_int_eq(todo_file_read(path, NULL, &data, &len), DP_OK);
	ck_assert_uint_eq(len, strlen(expected));
	ck_assert_int_eq(memcmp(data, expected, len), 0);
	free(data);
}

struct failing_step {
	enum todo_save_step at;
	unsigned seen; /* which steps the hook saw, one bit each */
	char temporary[512];
};

static int fail_at(void *ctx, enum todo_save_step step, const char *temporary)
{
	struct failing_step *fail = ctx;

	fail->seen |= 1u << step;
	snprintf(fail->temporary, sizeof(fail->temporary), "%s", temporary);
	ck_assert_int_eq(access(temporary, F_OK), 0); /* it exists */
	return step == fail->at ? DP_EIO : DP_OK;
}

/* A failure before the write, the sync or the rename removes the
 * temporary file and leaves the old file as it was. */
START_TEST(test_a_save_failing_at_each_step_leaves_no_temporary)
{
	struct failing_step fail = {.at = (enum todo_save_step)_i};
	struct todo_save_hook hook = {fail_at, &fail};
	struct todo_status status;
	char path[512], prefix[600];

	make_dir();
	snprintf(path, sizeof(path), "%s/todo.list", dir);
	write_file(path, OLD_LIST);
	ck_assert_int_eq(todo_atomic_save_hooked(path, write_new, NULL, NULL,
	                                         &hook, &status),
	                 DP_EIO);
	ck_assert_uint_eq(fail.seen, (1u << (_i + 1)) - 1);
	ck_assert_str_eq(status.reason, "cannot write it");
	assert_file(path, OLD_LIST);
	ck_assert_int_eq(count_hidden(), 0);
	ck_assert_int_eq(count_entries(), 1);
	/* Named after the file and the process that made it. */
	snprintf(prefix, sizeof(prefix), "%s/.todo.list.%ld.", dir,
	         (long)getpid());
	ck_assert_uint_eq(strlen(fail.temporary), strlen(prefix) + 6);
	ck_assert_int_eq(strncmp(fail.temporary, prefix, strlen(prefix)), 0);
	remove_dir();
}
END_TEST

/* The hook that lets a test stop a save in the middle: it tells the
 * test the temporary file is written, then waits for a byte. */
struct pause {
	int ready; /* written to when the save is paused */
	int go;    /* read from to go on; never written: wait forever */
};

static int pause_before_sync(void *ctx, enum todo_save_step step,
                             const char *temporary)
{
	const struct pause *pause = ctx;
	char byte = 'r';

	(void)temporary;
	if (step != TODO_SAVE_SYNC)
		return DP_OK;
	if (write(pause->ready, &byte, 1) != 1 || read(pause->go, &byte, 1) < 0)
		return DP_EIO;
	return DP_OK;
}

/* In a child: save NEW_LIST to `path`, pausing before the sync. */
static pid_t start_paused_save(const char *path, int *ready, int *go)
{
	int to_test[2], to_child[2];

	ck_assert_int_eq(pipe(to_test), 0);
	ck_assert_int_eq(pipe(to_child), 0);
	pid_t child = fork();
	ck_assert_int_ge(child, 0);
	if (child == 0) {
		struct pause pause = {to_test[1], to_child[0]};
		struct todo_save_hook hook = {pause_before_sync, &pause};
		close(to_test[0]);
		close(to_child[1]);
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		signal(SIGHUP, SIG_DFL);
		_exit(todo_atomic_save_hooked(path, write_new, NULL, NULL,
		                              &hook, NULL) == DP_OK
		              ? 0
		              : 1);
	}
	close(to_test[1]);
	close(to_child[0]);
	char byte;
	ck_assert_int_eq(read(to_test[0], &byte, 1), 1); /* it is paused */
	*ready = to_test[0];
	*go = to_child[1];
	return child;
}

/* SIGINT, SIGTERM or SIGHUP during a save ends the process after it:
 * the new file is in place and no temporary file is left. No timing:
 * the signal is sent while the save is paused, and is pending. */
START_TEST(test_a_signal_during_a_save_takes_effect_after_it)
{
	static const int signals[] = {SIGINT, SIGTERM, SIGHUP};
	char path[512];
	int ready, go, wstatus;

	make_dir();
	snprintf(path, sizeof(path), "%s/todo.list", dir);
	write_file(path, OLD_LIST);
	pid_t child = start_paused_save(path, &ready, &go);
	ck_assert_int_eq(count_hidden(), 1); /* the temporary file */
	ck_assert_int_eq(kill(child, signals[_i]), 0);
	ck_assert_int_eq(write(go, "g", 1), 1);
	ck_assert_int_eq(waitpid(child, &wstatus, 0), child);
	ck_assert(WIFSIGNALED(wstatus));
	ck_assert_int_eq(WTERMSIG(wstatus), signals[_i]);
	assert_file(path, NEW_LIST);
	ck_assert_int_eq(count_hidden(), 0);
	close(ready);
	close(go);
	remove_dir();
}
END_TEST

/* SIGKILL cannot wait: the killed save's file stays, and the next save
 * of the path removes it, since its process is gone. */
START_TEST(test_a_save_removes_what_a_killed_save_left)
{
	struct todo_store *store =
		todo_file_store_create(&todo_format_native, NULL);
	struct todo_stale_files found;
	struct todo_list list;
	char path[512];
	int ready, go, wstatus;

	make_dir();
	snprintf(path, sizeof(path), "%s/todo.list", dir);
	write_file(path, OLD_LIST);
	pid_t child = start_paused_save(path, &ready, &go);
	ck_assert_int_eq(kill(child, SIGKILL), 0);
	ck_assert_int_eq(waitpid(child, &wstatus, 0), child);
	ck_assert(WIFSIGNALED(wstatus) && WTERMSIG(wstatus) == SIGKILL);
	ck_assert_int_eq(count_hidden(), 1); /* stranded */
	assert_file(path, OLD_LIST);
	ck_assert_int_eq(todo_save_remove_stale(path, NULL, &found), DP_OK);
	ck_assert_uint_eq(found.removed, 1);
	ck_assert_uint_eq(found.failed, 0);
	fill(&list);
	ck_assert_int_eq(todo_store_save(store, path, &list, NULL), DP_OK);
	ck_assert_int_eq(count_hidden(), 0);
	ck_assert_int_eq(count_entries(), 1);
	todo_list_deinit(&list);
	todo_store_destroy(store);
	close(ready);
	close(go);
	remove_dir();
}
END_TEST

/* A process id that is surely free: a child that has exited, waited. */
static long dead_pid(void)
{
	pid_t child = fork();

	ck_assert_int_ge(child, 0);
	if (child == 0)
		_exit(0);
	ck_assert_int_eq(waitpid(child, NULL, 0), child);
	return (long)child;
}

static void make_hidden(const char *name)
{
	char path[600];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	write_file(path, "left over");
}

static void unlink_hidden(const char *name)
{
	char path[600];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	ck_assert_int_eq(unlink(path), 0);
}

static bool exists_in_dir(const char *name)
{
	char path[600];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return access(path, F_OK) == 0;
}

/* Only regular files named exactly .NAME.PID.XXXXXX whose process is
 * gone are removed: never a live process's, nor anything else. */
START_TEST(test_only_files_of_dead_saves_are_removed)
{
	char names[8][128], path[512], link[512];
	long dead = dead_pid();
	struct todo_stale_files found;

	make_dir();
	snprintf(names[0], 128, ".todo.list.%ld.AbC123", dead);
	snprintf(names[1], 128, ".todo.list.%ld.XyZ789", (long)getpid());
	snprintf(names[2], 128, ".todo.list.%ld.XyZ789", (long)getppid());
	snprintf(names[3], 128, ".todo.list.%ld.AbC12", dead);
	snprintf(names[4], 128, ".todo.list.%ld.AbC1234", dead);
	snprintf(names[5], 128, ".todo.lists.%ld.AbC123", dead);
	snprintf(names[6], 128, ".todo.list.0%ld.AbC123", dead);
	snprintf(names[7], 128, ".todo.list.%ld.DiR123", dead);
	for (int i = 0; i < 7; i++)
		make_hidden(names[i]);
	snprintf(path, sizeof(path), "%s/%s", dir, names[7]);
	ck_assert_int_eq(mkdir(path, 0700), 0);
	/* Through a link: the files are next to its target. */
	snprintf(link, sizeof(link), "%s/link.list", dir);
	ck_assert_int_eq(symlink("todo.list", link), 0);
	snprintf(path, sizeof(path), "%s/todo.list", dir);
	write_file(path, OLD_LIST);
	ck_assert_int_eq(todo_save_remove_stale(link, NULL, &found), DP_OK);
	ck_assert_uint_eq(found.removed, 1);
	ck_assert_uint_eq(found.failed, 0);
	ck_assert(!exists_in_dir(names[0]));
	for (int i = 1; i < 8; i++)
		ck_assert_msg(exists_in_dir(names[i]), "%s was removed",
		              names[i]);
	ck_assert_int_eq(todo_save_remove_stale(link, NULL, &found), DP_OK);
	ck_assert_uint_eq(found.removed, 0);
	ck_assert_int_eq(todo_save_remove_stale(NULL, NULL, &found), DP_EINVAL);
	ck_assert_int_eq(todo_save_remove_stale(link, NULL, NULL), DP_EINVAL);
	ck_assert_int_eq(unlink(path), 0);
	snprintf(path, sizeof(path), "%s/%s", dir, names[7]);
	ck_assert_int_eq(rmdir(path), 0);
	for (int i = 1; i < 7; i++)
		unlink_hidden(names[i]);
	ck_assert_int_eq(unlink(link), 0);
	remove_dir();
}
END_TEST

/* A file that cannot be removed (its directory is read-only) is
 * counted, not hidden. Root may write anyway: then it is removed. */
START_TEST(test_a_stale_file_that_cannot_be_removed_is_reported)
{
	char name[128], path[512];
	struct todo_stale_files found;

	make_dir();
	snprintf(name, sizeof(name), ".todo.list.%ld.AbC123", dead_pid());
	make_hidden(name);
	snprintf(path, sizeof(path), "%s/todo.list", dir);
	ck_assert_int_eq(chmod(dir, 0500), 0);
	ck_assert_int_eq(todo_save_remove_stale(path, NULL, &found), DP_OK);
	ck_assert_int_eq(chmod(dir, 0700), 0);
	if (geteuid() == 0) {
		ck_assert_uint_eq(found.removed, 1);
	} else {
		ck_assert_uint_eq(found.failed, 1);
		ck_assert_uint_eq(found.removed, 0);
		unlink_hidden(name);
	}
	remove_dir();
}
END_TEST

/* What a file was: a new inode, another size or another time is a
 * change; no file is equal to no file. */
START_TEST(test_file_ids_tell_a_changed_file)
{
	struct todo_file_id before, after;
	char path[512];

	make_dir();
	snprintf(path, sizeof(path), "%s/todo.list", dir);
	ck_assert_int_eq(todo_file_id_get(path, &before), DP_OK);
	ck_assert(!before.exists);
	ck_assert_int_eq(todo_file_id_get(path, &after), DP_OK);
	ck_assert(todo_file_id_equal(&before, &after));
	write_file(path, OLD_LIST);
	ck_assert_int_eq(todo_file_id_get(path, &after), DP_OK);
	ck_assert(after.exists);
	ck_assert(!todo_file_id_equal(&before, &after));
	ck_assert_int_eq(todo_file_id_get(path, &before), DP_OK);
	ck_assert(todo_file_id_equal(&before, &after));
	ck_assert_int_eq(todo_atomic_save(path, write_new, NULL, NULL, NULL),
	                 DP_OK);
	ck_assert_int_eq(todo_file_id_get(path, &after), DP_OK);
	ck_assert(!todo_file_id_equal(&before, &after)); /* a new inode */
	before = after;
	after.nanoseconds ^= 1;
	ck_assert(!todo_file_id_equal(&before, &after));
	after = before;
	after.size++;
	ck_assert(!todo_file_id_equal(&before, &after));
	ck_assert(!todo_file_id_equal(&before, NULL));
	ck_assert_int_eq(todo_file_id_get(NULL, &after), DP_EINVAL);
	ck_assert_int_eq(todo_file_id_get(path, NULL), DP_EINVAL);
	remove_dir();
}
END_TEST

/* ---- decorators --------------------------------------------------------- */

/* A clock that moves 1000 ns each time it is read. */
static uint64_t ticking_now(void *ctx)
{
	uint64_t *now = ctx;

	return *now += 1000;
}

static const struct dp_clock_ops ticking_ops = {.name = "ticking",
                                                .now_ns = ticking_now};

START_TEST(test_decorators_log_time_and_cache)
{
	struct todo_store_timing timing = {0};
	struct todo_store_cache_stats cache = {0};
	uint64_t now = 0;
	struct dp_clock clock = {&ticking_ops, &now};
	struct dp_stream *log = dp_memory_stream_create(NULL);
	struct todo_store *store =
		todo_file_store_create(&todo_format_native, NULL);
	store = todo_caching_store_create(store, &cache, NULL);
	store = todo_timing_store_create(store, &clock, &timing, NULL);
	store = todo_logging_store_create(store, log, NULL);
	ck_assert_ptr_nonnull(store);
	struct todo_list list, back;
	char path[512];

	make_dir();
	snprintf(path, sizeof(path), "%s/todo.list", dir);
	fill(&list);
	ck_assert_int_eq(todo_store_save(store, path, &list, NULL), DP_OK);
	todo_list_init(&back, NULL);
	ck_assert_int_eq(todo_store_load(store, path, &back, NULL), DP_OK);
	assert_same(&list, &back);
	ck_assert_uint_eq(cache.hits, 1); /* saved, so known */
	ck_assert_uint_eq(cache.misses, 0);
	/* Another writer changes the file: the cache must not answer. */
	write_file(path, "todo-list 1\n[ ] Changed behind our back\nend 1\n");
	todo_list_deinit(&back);
	ck_assert_int_eq(todo_store_load(store, path, &back, NULL), DP_OK);
	ck_assert_uint_eq(back.count, 1);
	ck_assert_uint_eq(cache.misses, 1);
	ck_assert_uint_eq(timing.saves, 1);
	ck_assert_uint_eq(timing.loads, 2);
	ck_assert_uint_eq(timing.total_ns, 3000);
	ck_assert_uint_eq(timing.last_ns, 1000);
	todo_list_deinit(&back);
	snprintf(path, sizeof(path), "%s/missing.list", dir);
	ck_assert_int_eq(todo_store_load(store, path, &back, NULL), DP_ENOENT);

	size_t len = 0;
	const unsigned char *text = dp_memory_stream_data(log, &len);
	char expected[2048];
	snprintf(expected, sizeof(expected),
	         "store: save '%s/todo.list': 4 items\n"
	         "store: load '%s/todo.list': 4 items\n"
	         "store: load '%s/todo.list': 1 item\n"
	         "store: load '%s/missing.list': DP_ENOENT (no such file)\n",
	         dir, dir, dir, dir);
	ck_assert_uint_eq(len, strlen(expected));
	ck_assert_int_eq(memcmp(text, expected, len), 0);
	todo_list_deinit(&list);
	todo_store_destroy(store);
	dp_stream_close(log);
	remove_dir();
}
END_TEST

START_TEST(test_decorators_refuse_null_and_leave_the_store_to_the_caller)
{
	struct todo_store *store =
		todo_file_store_create(&todo_format_csv, NULL);
	struct todo_store_timing timing;
	struct todo_store_cache_stats cache;

	ck_assert_ptr_null(todo_logging_store_create(store, NULL, NULL));
	ck_assert_ptr_null(todo_logging_store_create(NULL, NULL, NULL));
	ck_assert_ptr_null(todo_timing_store_create(store, NULL, NULL, NULL));
	ck_assert_ptr_null(todo_timing_store_create(NULL, NULL, &timing, NULL));
	ck_assert_ptr_null(todo_caching_store_create(store, NULL, NULL));
	ck_assert_ptr_null(todo_caching_store_create(NULL, &cache, NULL));
	todo_store_destroy(store);
}
END_TEST

/* ---- out of memory ------------------------------------------------------ */

START_TEST(test_loading_and_saving_fail_cleanly_at_every_allocation)
{
	struct todo_list list;
	char path[512];

	make_dir();
	snprintf(path, sizeof(path), "%s/%s", dir, FORMATS[_i]->default_file);
	fill(&list);
	for (size_t n = 1;; n++) {
		struct dp_counting_allocator counter;
		struct dp_failing_allocator failing;
		struct todo_store_cache_stats cache = {0};
		dp_counting_allocator_init(&counter, NULL);
		dp_failing_allocator_init(&failing, n, &counter.base);
		struct todo_store *file =
			todo_file_store_create(FORMATS[_i], &failing.base);
		struct todo_store *store =
			file ? todo_caching_store_create(file, &cache,
		                                         &failing.base)
			     : NULL;
		if (store == NULL)
			todo_store_destroy(file);
		struct todo_list back;
		todo_list_init(&back, &failing.base);
		int rc = store ? todo_store_save(store, path, &list, NULL)
		               : DP_ENOMEM;
		if (rc == DP_OK)
			rc = todo_store_load(store, path, &back, NULL);
		if (rc == DP_OK) {
			todo_list_deinit(&back);
			/* A second load may come from the cache. */
			rc = todo_store_load(store, path, &back, NULL);
		}
		/* The cache gives up quietly when it cannot copy a list (a
		 * cache that fails is only a slower store), so a failure
		 * there still answers DP_OK, with the right records. */
		if (rc != DP_OK)
			ck_assert(failing.failed && rc == DP_ENOMEM);
		else
			assert_same(&list, &back);
		todo_list_deinit(&back);
		todo_store_destroy(store);
		ck_assert_uint_eq(counter.live_blocks, 0);
		ck_assert_int_eq(count_hidden(), 0); /* no temporary left */
		if (!failing.failed)
			break;
	}
	todo_list_deinit(&list);
	remove_dir();
}
END_TEST

int main(void)
{
	Suite *suite = suite_create("mvc_demo stores");
	TCase *tc = dp_test_case(suite, "formats");

	tcase_add_loop_test(tc, test_each_format_round_trips_in_memory, 0, 3);
	tcase_add_loop_test(
		tc, test_a_list_of_100000_items_fits_and_parses_in_one_pass, 0,
		3);
	tcase_add_test(tc, test_formats_write_what_their_readers_expect);
	tcase_add_test(tc, test_native_names_each_bad_file);
	tcase_add_test(tc, test_csv_names_each_bad_file);
	tcase_add_test(tc, test_todotxt_reads_the_real_format);
	tcase_add_loop_test(
		tc, test_a_title_too_long_is_refused_by_every_format, 0, 3);
	tc = dp_test_case(suite, "files");
	tcase_add_test(tc,
	               test_file_read_reports_missing_directory_and_too_large);
	tcase_add_loop_test(tc, test_each_store_round_trips_through_a_file, 0,
	                    3);
	tcase_add_test(tc, test_a_failed_save_leaves_the_old_file_intact);
	tcase_add_test(tc, test_save_into_a_missing_or_bad_directory_says_why);
	tcase_add_test(tc, test_load_refuses_a_fifo_without_waiting);
	tcase_add_test(tc, test_save_refuses_what_is_not_a_regular_file);
	tcase_add_test(tc, test_save_through_a_link_replaces_its_target);
	tcase_add_test(tc, test_a_save_over_the_load_limit_replaces_nothing);
	tcase_add_test(tc,
	               test_a_bad_file_leaves_the_list_empty_and_says_where);
	tc = dp_test_case(suite, "temporary files");
	tcase_add_loop_test(
		tc, test_a_save_failing_at_each_step_leaves_no_temporary,
		TODO_SAVE_WRITE, TODO_SAVE_RENAME + 1);
	tcase_add_loop_test(
		tc, test_a_signal_during_a_save_takes_effect_after_it, 0, 3);
	tcase_add_test(tc, test_a_save_removes_what_a_killed_save_left);
	tcase_add_test(tc, test_only_files_of_dead_saves_are_removed);
	tcase_add_test(tc,
	               test_a_stale_file_that_cannot_be_removed_is_reported);
	tcase_add_test(tc, test_file_ids_tell_a_changed_file);
	tc = dp_test_case(suite, "decorators");
	tcase_add_test(tc, test_decorators_log_time_and_cache);
	tcase_add_test(
		tc,
		test_decorators_refuse_null_and_leave_the_store_to_the_caller);
	tc = dp_test_case(suite, "out of memory");
	tcase_add_loop_test(
		tc, test_loading_and_saving_fail_cleanly_at_every_allocation, 0,
		3);
	return dp_test_run(suite);
}
