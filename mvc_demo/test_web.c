/*
 * Tests of the web view, driven over HTTP with libcurl (and a raw socket
 * where a client must misbehave): the forms and their redirects, the
 * shared history, the ETag and its 304, escaping, the limits, and spec
 * scripts run line by line as POSTs against the terminal's result. Every
 * assertion counts (statuses, bytes, items, requests); none times.
 */
#define _POSIX_C_SOURCE 200809L

#include "adapter/adapter.h"
#include "app.h"
#include "common/dp_temp.h"
#include "common/dp_test.h"
#include "mvc.h"
#include "web.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

/* ---- fixture: an app in a temporary data directory, and its server ------ */

struct fixture {
	char dir[256];
	struct dp_counting_allocator counter;
	struct todo_app app;
	todo_web *web;
	char base[64]; /* "http://127.0.0.1:PORT" */
};

static void start(struct fixture *f, const struct todo_web_options *options)
{
	char error[TODO_MESSAGE_MAX];
	ck_assert_int_eq(dp_temp_dir_make(f->dir, sizeof(f->dir), "todo-web"),
	                 DP_OK);
	/* Each test runs in its own process, before anything has read the
	 * configuration, so the default one sees this directory. */
	setenv("DP_DATA_DIR", f->dir, 1);
	dp_counting_allocator_init(&f->counter, NULL);
	struct todo_app_options app_options = {.store = "native",
	                                       .alloc = &f->counter.base};
	ck_assert_int_eq(
		todo_app_init(&f->app, &app_options, error, sizeof(error)),
		DP_OK);
	f->web = todo_web_create(&f->app, options);
	ck_assert_ptr_nonnull(f->web);
	snprintf(f->base, sizeof(f->base), "http://127.0.0.1:%u",
	         todo_web_port(f->web));
}

/* Stop the server: the app is the test's again. */
static void stop(struct fixture *f)
{
	todo_web_destroy(f->web);
	f->web = NULL;
}

static void finish(struct fixture *f)
{
	stop(f);
	todo_app_deinit(&f->app);
	ck_assert_uint_eq(f->counter.live_blocks, 0);
	ck_assert_int_eq(dp_temp_dir_remove(f->dir), DP_OK);
}

/* ---- an HTTP client ----------------------------------------------------- */

struct reply {
	long status;
	char body[64 * 1024];
	size_t size;
	char etag[64];
	char location[512];
	char allow[64];
};

static size_t on_body(char *data, size_t size, size_t count, void *ctx)
{
	struct reply *reply = ctx;
	size_t n = size * count;
	size_t room = sizeof(reply->body) - 1 - reply->size;
	memcpy(reply->body + reply->size, data, n < room ? n : room);
	reply->size += n < room ? n : room;
	reply->body[reply->size] = '\0';
	return n;
}

static void copy_header(const char *line, size_t n, const char *name, char *out,
                        size_t size)
{
	size_t len = strlen(name);
	if (n <= len || strncasecmp(line, name, len) != 0)
		return;
	n -= len;
	while (n > 0 &&
	       (line[len + n - 1] == '\r' || line[len + n - 1] == '\n'))
		n--;
	snprintf(out, size, "%.*s", (int)n, line + len);
}

static size_t on_header(char *line, size_t size, size_t count, void *ctx)
{
	struct reply *reply = ctx;
	size_t n = size * count;
	copy_header(line, n, "ETag: ", reply->etag, sizeof(reply->etag));
	copy_header(line, n, "Location: ", reply->location,
	            sizeof(reply->location));
	copy_header(line, n, "Allow: ", reply->allow, sizeof(reply->allow));
	return n;
}

/* One request: a GET when `form` is NULL, else a POST of it. `header` is
 * one extra request header line, or NULL. */
static long request(const struct fixture *f, const char *method,
                    const char *path, const char *form, const char *header,
                    struct reply *reply)
{
	char url[600];
	snprintf(url, sizeof(url), "%s%s", f->base, path);
	memset(reply, 0, sizeof(*reply));
	CURL *curl = curl_easy_init();
	ck_assert_ptr_nonnull(curl);
	struct curl_slist *headers = NULL;
	if (header != NULL)
		headers = curl_slist_append(headers, header);
	curl_easy_setopt(curl, CURLOPT_URL, url);
	curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
	curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(curl, CURLOPT_WRITEDATA, reply);
	curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(curl, CURLOPT_HEADERDATA, reply);
	if (form != NULL)
		curl_easy_setopt(curl, CURLOPT_POSTFIELDS, form);
	if (method != NULL)
		curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method);
	ck_assert_int_eq(curl_easy_perform(curl), CURLE_OK);
	curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &reply->status);
	curl_slist_free_all(headers);
	curl_easy_cleanup(curl);
	return reply->status;
}

static long get(const struct fixture *f, const char *path, struct reply *r)
{
	return request(f, NULL, path, NULL, NULL, r);
}

static long post(const struct fixture *f, const char *path, const char *form,
                 struct reply *r)
{
	return request(f, NULL, path, form, NULL, r);
}

static struct todo_web_stats stats_of(const struct fixture *f)
{
	struct todo_web_stats stats;
	ck_assert_int_eq(todo_web_stats(f->web, &stats), DP_OK);
	return stats;
}

/* Every item as "id:done:title;", to compare lists in one assertion. */
static void describe(const struct todo_app *app, char *out, size_t size)
{
	size_t used = 0;
	out[0] = '\0';
	for (size_t i = 0; i < todo_model_count(app->model); i++) {
		const struct todo_item *item = todo_model_at(app->model, i);
		int n = snprintf(out + used, size - used, "%u:%d:%s;", item->id,
		                 item->done, item->title);
		ck_assert(n > 0 && (size_t)n < size - used);
		used += (size_t)n;
	}
}

/* ---- the forms ------------------------------------------------------- */

START_TEST(test_web_forms_add_toggle_edit_delete_then_redirect)
{
	struct fixture f;
	struct reply r;
	char items[1024];
	start(&f, NULL);

	ck_assert_int_eq(post(&f, "/add", "title=Buy+milk&filter=all", &r),
	                 303);
	ck_assert_str_eq(r.location, "/?filter=all&sort=id");
	ck_assert_uint_eq(r.size, 0);
	ck_assert_int_eq(post(&f, "/add", "title=Walk%20the%20dog", &r), 303);
	ck_assert_int_eq(post(&f, "/toggle", "id=1&filter=active", &r), 303);
	ck_assert_str_eq(r.location, "/?filter=active&sort=id");
	ck_assert_int_eq(post(&f, "/edit", "id=2&title=Walk+the+cat", &r), 303);
	ck_assert_int_eq(post(&f, "/add", "title=Call+Mom", &r), 303);
	ck_assert_int_eq(post(&f, "/delete", "id=3", &r), 303);
	/* A command the list refuses still redirects, with the reason. */
	ck_assert_int_eq(post(&f, "/delete", "id=9", &r), 303);
	ck_assert_str_eq(
		r.location,
		"/?filter=all&sort=id&notice=error%3A%20no%20item%209");
	ck_assert_int_eq(get(&f, "/?notice=error%3A%20no%20item%209", &r), 200);
	ck_assert_ptr_nonnull(
		strstr(r.body, "<p id=\"notice\">error: no item 9</p>"));
	struct todo_web_stats stats = stats_of(&f);
	ck_assert_uint_eq(stats.redirects, 7);
	ck_assert_uint_eq(stats.commands, 7);
	ck_assert_uint_eq(stats.pages, 1);
	stop(&f);
	describe(&f.app, items, sizeof(items));
	ck_assert_str_eq(items, "1:1:Buy milk;2:0:Walk the cat;");
	finish(&f);
}
END_TEST

START_TEST(test_web_undo_and_redo_share_one_history_across_verbs)
{
	struct fixture f;
	struct reply r;
	char items[1024];
	start(&f, NULL);

	post(&f, "/add", "title=a", &r);
	post(&f, "/add", "title=b", &r);
	post(&f, "/toggle-all", "", &r);
	post(&f, "/clear-completed", "", &r);
	ck_assert_int_eq(get(&f, "/", &r), 200);
	ck_assert_ptr_nonnull(strstr(r.body, "<p id=\"count\">0 left of 0"));
	ck_assert_int_eq(post(&f, "/undo", "", &r), 303); /* clear */
	ck_assert_int_eq(post(&f, "/undo", "", &r), 303); /* toggle-all */
	/* The terminal's language reaches the same history. */
	ck_assert_int_eq(post(&f, "/command", "line=undo", &r), 303);
	ck_assert_int_eq(post(&f, "/redo", "", &r), 303);
	ck_assert_int_eq(get(&f, "/", &r), 200);
	ck_assert_ptr_nonnull(strstr(r.body, "<p id=\"count\">2 left of 2"));
	stop(&f);
	describe(&f.app, items, sizeof(items));
	ck_assert_str_eq(items, "1:0:a;2:0:b;");
	finish(&f);
}
END_TEST

START_TEST(test_web_filter_shows_only_the_items_it_keeps)
{
	struct fixture f;
	struct reply r;
	start(&f, NULL);

	post(&f, "/add", "title=open+one", &r);
	post(&f, "/add", "title=done+one", &r);
	post(&f, "/toggle", "id=2", &r);
	ck_assert_int_eq(get(&f, "/?filter=active", &r), 200);
	ck_assert_ptr_nonnull(strstr(r.body, "open one"));
	ck_assert_ptr_null(strstr(r.body, "done one"));
	ck_assert_int_eq(get(&f, "/?filter=completed&sort=title", &r), 200);
	ck_assert_ptr_null(strstr(r.body, "open one"));
	ck_assert_ptr_nonnull(strstr(r.body, "done one"));
	/* The forms carry the view, so a change keeps the filter. */
	ck_assert_ptr_nonnull(strstr(r.body,
	                             "<input type=\"hidden\" name=\"filter\" "
	                             "value=\"completed\">"));
	ck_assert_int_eq(post(&f, "/command", "line=filter+active", &r), 303);
	ck_assert_str_eq(r.location, "/?filter=active&sort=id");
	ck_assert_int_eq(get(&f, "/?filter=everything", &r), 400);
	ck_assert_ptr_nonnull(strstr(r.body, "unknown filter"));
	/* The longest notice a redirect carries, "error: " and a whole
	 * message, is shown; a longer one is refused. */
	char path[TODO_MESSAGE_MAX + 32];
	int n = snprintf(path, sizeof(path), "/?notice=");
	memset(path + n, 'a', TODO_MESSAGE_MAX + 7);
	path[n + TODO_MESSAGE_MAX + 7] = '\0';
	ck_assert_int_eq(get(&f, path, &r), 200);
	strcat(path, "a");
	ck_assert_int_eq(get(&f, path, &r), 400);
	finish(&f);
}
END_TEST

/* How often `needle` occurs in `text`. */
static size_t occurrences(const char *text, const char *needle)
{
	size_t n = 0;
	for (const char *p = strstr(text, needle); p != NULL;
	     p = strstr(p + 1, needle))
		n++;
	return n;
}

/* A long list is served a page at a time: a page holds at most
 * TODO_WEB_PAGE_ROWS rows whatever the list's length, with links either
 * side; a change keeps the page it was made on. */
START_TEST(test_web_pages_a_long_list)
{
	enum { ITEMS = 2 * TODO_WEB_PAGE_ROWS + 20 };
	struct fixture f;
	struct reply r;
	char message[TODO_MESSAGE_MAX];
	start(&f, NULL);

	for (int i = 1; i <= ITEMS; i++) {
		char title[32];
		snprintf(title, sizeof(title), "item %d", i);
		struct todo_request add = {.verb = TODO_ADD, .text = title};
		ck_assert_int_eq(
			todo_app_change(&f.app, &add, message, sizeof(message)),
			DP_OK);
	}
	ck_assert_int_eq(get(&f, "/", &r), 200);
	ck_assert_uint_eq(occurrences(r.body, "<li "), TODO_WEB_PAGE_ROWS);
	ck_assert_ptr_nonnull(strstr(r.body, "rows 1 to 50 of 120"));
	ck_assert_ptr_nonnull(strstr(r.body, "href=\"/?filter=all&amp;sort=id"
	                                     "&amp;page=2\">next</a>"));
	ck_assert_ptr_null(strstr(r.body, "id=\"previous\""));
	ck_assert_int_eq(get(&f, "/?page=3", &r), 200);
	ck_assert_uint_eq(occurrences(r.body, "<li "), 20);
	ck_assert_ptr_nonnull(strstr(r.body, "rows 101 to 120 of 120"));
	ck_assert_ptr_null(strstr(r.body, "id=\"next\""));
	ck_assert_ptr_nonnull(strstr(r.body, "id=\"item-120\""));
	/* Past the end is the last page; a page that is no number, 400. */
	ck_assert_int_eq(get(&f, "/?page=9", &r), 200);
	ck_assert_ptr_nonnull(strstr(r.body, "rows 101 to 120 of 120"));
	ck_assert_int_eq(get(&f, "/?page=0", &r), 400);
	ck_assert_int_eq(get(&f, "/?page=2x", &r), 400);
	/* The forms carry the page, and the redirect keeps it. */
	ck_assert_int_eq(get(&f, "/?page=2", &r), 200);
	ck_assert_ptr_nonnull(strstr(r.body, "name=\"page\" value=\"2\""));
	ck_assert_int_eq(post(&f, "/toggle", "id=60&page=2", &r), 303);
	ck_assert_str_eq(r.location, "/?filter=all&sort=id&page=2");
	finish(&f);
}
END_TEST

START_TEST(test_web_save_writes_only_the_lists_own_file)
{
	struct fixture f;
	struct reply r;
	char path[512];
	start(&f, NULL);

	post(&f, "/add", "title=keep+me", &r);
	ck_assert(todo_app_unsaved(&f.app));
	ck_assert_int_eq(get(&f, "/", &r), 200);
	ck_assert_ptr_nonnull(strstr(r.body, "(unsaved)"));
	ck_assert_int_eq(post(&f, "/save", "", &r), 303);
	ck_assert_ptr_nonnull(strstr(r.location, "&notice=saved%201%20item"));
	snprintf(path, sizeof(path), "%s/todo.list", f.dir);
	ck_assert_int_eq(access(path, F_OK), 0);
	ck_assert_int_eq(get(&f, "/", &r), 200);
	ck_assert_ptr_null(strstr(r.body, "(unsaved)"));
	/* Files named over the web are refused, and none is made. */
	ck_assert_int_eq(post(&f, "/command", "line=save+other.list", &r), 403);
	ck_assert_int_eq(post(&f, "/command", "line=export+csv+x.csv", &r),
	                 403);
	snprintf(path, sizeof(path), "%s/other.list", f.dir);
	ck_assert_int_eq(access(path, F_OK), -1);
	ck_assert_int_eq(post(&f, "/command", "line=load", &r), 303);
	stop(&f);
	ck_assert(!todo_app_unsaved(&f.app));
	unlink(path);
	snprintf(path, sizeof(path), "%s/todo.list", f.dir);
	unlink(path);
	finish(&f);
}
END_TEST

/* ---- the ETag --------------------------------------------------------- */

START_TEST(test_web_matching_etag_answers_304_without_a_body)
{
	struct fixture f;
	struct reply r;
	char etag[64], header[128];
	start(&f, NULL);

	post(&f, "/add", "title=a", &r);
	ck_assert_int_eq(get(&f, "/", &r), 200);
	ck_assert_uint_gt(r.size, 0);
	ck_assert_uint_gt(strlen(r.etag), 2);
	snprintf(etag, sizeof(etag), "%s", r.etag);
	snprintf(header, sizeof(header), "If-None-Match: %s", etag);
	ck_assert_int_eq(request(&f, NULL, "/", NULL, header, &r), 304);
	ck_assert_uint_eq(r.size, 0);
	ck_assert_str_eq(r.etag, etag);
	/* The view state is part of the tag. */
	ck_assert_int_eq(request(&f, NULL, "/?filter=active", NULL, header, &r),
	                 200);
	ck_assert_str_ne(r.etag, etag);
	/* Any change makes a new tag, and the old one gets the page. */
	post(&f, "/toggle", "id=1", &r);
	ck_assert_int_eq(request(&f, NULL, "/", NULL, header, &r), 200);
	ck_assert_uint_gt(r.size, 0);
	ck_assert_str_ne(r.etag, etag);
	struct todo_web_stats stats = stats_of(&f);
	ck_assert_uint_eq(stats.not_modified, 1);
	ck_assert_uint_eq(stats.pages, 3);
	finish(&f);
}
END_TEST

START_TEST(test_web_undo_back_to_a_seen_list_changes_the_etag)
{
	struct fixture f;
	struct reply r;
	char etag[64];
	start(&f, NULL);

	get(&f, "/", &r);
	snprintf(etag, sizeof(etag), "%s", r.etag);
	post(&f, "/add", "title=a", &r);
	post(&f, "/undo", "", &r);
	get(&f, "/", &r);
	/* The version only grows: the same items under a new version are a
	 * new tag, which costs one page and never serves a stale one. */
	ck_assert_str_ne(r.etag, etag);
	finish(&f);
}
END_TEST

/* ---- escaping ----------------------------------------------------------- */

START_TEST(test_web_escapes_every_title)
{
	struct fixture f;
	struct reply r;
	start(&f, NULL);

	ck_assert_int_eq(post(&f, "/add",
	                      "title=%3Cscript%3Ealert(1)%3C%2Fscript%3E", &r),
	                 303);
	ck_assert_int_eq(post(&f, "/add", "title=a+%22b%22+%26+%27c%27", &r),
	                 303);
	ck_assert_int_eq(get(&f, "/", &r), 200);
	ck_assert_ptr_null(strstr(r.body, "<script"));
	ck_assert_ptr_null(strstr(r.body, "alert(1)</"));
	ck_assert_ptr_nonnull(strstr(
		r.body, "<span class=\"title\">&lt;script&gt;alert(1)&lt;/"
			"script&gt;</span>"));
	ck_assert_ptr_nonnull(
		strstr(r.body, "value=\"a &quot;b&quot; &amp; &#39;c&#39;\""));
	/* A notice is text from the URL: escaped too. */
	ck_assert_int_eq(get(&f, "/?notice=%3Cb%3E", &r), 200);
	ck_assert_ptr_nonnull(strstr(r.body, "<p id=\"notice\">&lt;b&gt;</p>"));
	finish(&f);
}
END_TEST

/* ---- the limits ------------------------------------------------------- */

/* Connect to the server with a plain socket, for clients curl will not
 * imitate. */
static int connect_raw(const struct fixture *f)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	ck_assert_int_ge(fd, 0);
	struct sockaddr_in address = {.sin_family = AF_INET,
	                              .sin_port = htons(todo_web_port(f->web))};
	address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(
		connect(fd, (struct sockaddr *)&address, sizeof(address)), 0);
	return fd;
}

static void send_text(int fd, const char *text)
{
	ck_assert_int_eq(send(fd, text, strlen(text), MSG_NOSIGNAL),
	                 (ssize_t)strlen(text));
}

START_TEST(test_web_refuses_a_large_body_before_reading_it)
{
	struct fixture f;
	struct reply r;
	char head[256], answer[512];
	start(&f, NULL);

	int fd = connect_raw(&f);
	snprintf(head, sizeof(head),
	         "POST /add HTTP/1.1\r\nHost: 127.0.0.1:%u\r\n"
	         "Content-Type: application/x-www-form-urlencoded\r\n"
	         "Content-Length: 100000000\r\n\r\ntitle=aaaa",
	         todo_web_port(f.web));
	send_text(fd, head);
	ssize_t got = recv(fd, answer, sizeof(answer) - 1, 0);
	ck_assert_int_gt(got, 12);
	answer[got] = '\0';
	ck_assert_ptr_nonnull(strstr(answer, "HTTP/1.1 413 "));
	close(fd);
	ck_assert_uint_eq(stats_of(&f).bytes_read, 0);

	/* Without a length (chunked), it is read up to the limit only. */
	static char big[TODO_WEB_BODY_MAX + 100];
	memset(big, 'a', sizeof(big) - 1);
	memcpy(big, "title=", 6);
	ck_assert_int_eq(request(&f, NULL, "/add", big,
	                         "Transfer-Encoding: chunked", &r),
	                 413);
	/* One byte over the limit is refused; the limit itself is read. */
	big[TODO_WEB_BODY_MAX + 1] = '\0';
	ck_assert_int_eq(post(&f, "/add", big, &r), 413);
	big[TODO_WEB_BODY_MAX] = '\0';
	ck_assert_int_eq(post(&f, "/add", big, &r), 400); /* line too long */
	ck_assert_ptr_nonnull(strstr(r.body, "line too long"));
	ck_assert_uint_eq(stats_of(&f).commands, 0);
	ck_assert_uint_eq(todo_model_count(f.app.model), 0);
	finish(&f);
}
END_TEST

START_TEST(test_web_unknown_paths_404_and_wrong_methods_405)
{
	struct fixture f;
	struct reply r;
	start(&f, NULL);

	ck_assert_int_eq(get(&f, "/nothing/here", &r), 404);
	ck_assert_int_eq(post(&f, "/nothing", "a=b", &r), 404);
	ck_assert_int_eq(get(&f, "/add", &r), 405);
	ck_assert_str_eq(r.allow, "POST");
	ck_assert_int_eq(post(&f, "/", "title=a", &r), 405);
	ck_assert_str_eq(r.allow, "GET, HEAD");
	ck_assert_int_eq(request(&f, "DELETE", "/", NULL, NULL, &r), 405);
	ck_assert_uint_eq(stats_of(&f).client_errors, 5);
	ck_assert_uint_eq(todo_model_count(f.app.model), 0);
	finish(&f);
}
END_TEST

/* The parser's own message for a line, HTML-escaped as the page shows
 * it (quotes become &#39;). */
static void parser_message(const char *text, char *out, size_t size)
{
	char line[TODO_LINE_MAX + 1], message[TODO_MESSAGE_MAX];
	struct todo_request req;
	snprintf(line, sizeof(line), "%s", text);
	ck_assert_int_eq(todo_parse(line, &req, message, sizeof(message)),
	                 DP_EINVAL);
	size_t used = 0;
	for (const char *c = message; *c != '\0' && used + 6 < size; c++) {
		if (*c == '\'') {
			memcpy(out + used, "&#39;", 5);
			used += 5;
		} else {
			out[used++] = *c;
		}
	}
	out[used] = '\0';
	ck_assert_ptr_null(strpbrk(message, "&<>\""));
}

START_TEST(test_web_bad_form_input_answers_400_with_the_parsers_message)
{
	struct fixture f;
	struct reply r;
	char expected[TODO_MESSAGE_MAX * 2];
	start(&f, NULL);

	ck_assert_int_eq(post(&f, "/command", "line=frobnicate+7", &r), 400);
	parser_message("frobnicate 7", expected, sizeof(expected));
	ck_assert_ptr_nonnull(strstr(r.body, expected));
	ck_assert_int_eq(post(&f, "/add", "title=", &r), 400);
	parser_message("add", expected, sizeof(expected));
	ck_assert_ptr_nonnull(strstr(r.body, expected));
	ck_assert_int_eq(post(&f, "/toggle", "id=one", &r), 400);
	ck_assert_ptr_nonnull(strstr(r.body, "must be a number"));
	ck_assert_int_eq(post(&f, "/toggle", "", &r), 400);
	ck_assert_ptr_nonnull(strstr(r.body, "needs a field &#39;id&#39;"));
	ck_assert_int_eq(post(&f, "/add", "title=a%0Aadd+b", &r), 400);
	ck_assert_int_eq(post(&f, "/add", "title=a%00b", &r), 400);
	ck_assert_int_eq(post(&f, "/add", "title=%zz", &r), 400);
	ck_assert_int_eq(post(&f, "/command", "line=help", &r), 400);
	ck_assert_int_eq(post(&f, "/command", "line=quit", &r), 400);
	ck_assert_uint_eq(stats_of(&f).commands, 0);
	ck_assert_uint_eq(todo_model_count(f.app.model), 0);
	finish(&f);
}
END_TEST

START_TEST(test_web_refuses_requests_from_other_sites)
{
	struct fixture f;
	struct reply r;
	start(&f, NULL);

	ck_assert_int_eq(request(&f, NULL, "/add", "title=a",
	                         "Origin: http://attacker.example", &r),
	                 403);
	ck_assert_int_eq(
		request(&f, NULL, "/", NULL, "Host: attacker.example", &r),
		403);
	char origin[96];
	snprintf(origin, sizeof(origin), "Origin: %s", f.base);
	ck_assert_int_eq(request(&f, NULL, "/add", "title=a", origin, &r), 303);
	ck_assert_uint_eq(todo_model_count(f.app.model), 1);
	/* localhost is us too; the same name with another port is not. */
	char host[96];
	snprintf(host, sizeof(host), "Host: localhost:%u",
	         todo_web_port(f.web));
	ck_assert_int_eq(request(&f, NULL, "/", NULL, host, &r), 200);
	snprintf(origin, sizeof(origin), "Origin: http://127.0.0.1:%u",
	         todo_web_port(f.web) + 1u);
	ck_assert_int_eq(request(&f, NULL, "/add", "title=b", origin, &r), 403);
	ck_assert_uint_eq(todo_model_count(f.app.model), 1);
	finish(&f);
}
END_TEST

START_TEST(test_web_serves_others_while_clients_send_half_a_request)
{
	struct fixture f;
	struct reply r;
	int idle[8];
	char half_body[256];
	start(&f, NULL);

	/* Half the clients stop inside their headers, half inside a body
	 * they announced. */
	snprintf(half_body, sizeof(half_body),
	         "POST /add HTTP/1.1\r\nHost: 127.0.0.1:%u\r\n"
	         "Content-Length: 20\r\n\r\ntitle=",
	         todo_web_port(f.web));
	for (size_t i = 0; i < 8; i++) {
		idle[i] = connect_raw(&f);
		send_text(idle[i], i % 2 == 0 ? "GET / HTTP/1.1\r\nHost: 12"
		                              : half_body);
	}
	ck_assert_int_eq(post(&f, "/add", "title=served", &r), 303);
	ck_assert_int_eq(get(&f, "/", &r), 200);
	ck_assert_ptr_nonnull(strstr(r.body, "served"));
	for (size_t i = 0; i < 8; i++)
		close(idle[i]);
	/* The half requests were never answered: only ours were. */
	ck_assert_uint_eq(stats_of(&f).requests, 2);
	finish(&f);
}
END_TEST

/* ---- the spec scripts, through the terminal and through the web ---------- */

/* The terminal's run: the MVC controller reading the script, in the same
 * data directory (the scripts chosen name no file). */
static void run_in_terminal(const char *script, char *items, size_t size)
{
	char error[TODO_MESSAGE_MAX];
	struct todo_app app;
	struct todo_mvc_view view;
	struct todo_app_options options = {.store = "native"};

	ck_assert_int_eq(todo_app_init(&app, &options, error, sizeof(error)),
	                 DP_OK);
	struct dp_stream *out = dp_memory_stream_create(NULL);
	ck_assert_int_eq(todo_mvc_view_init(&view, &app, "plain", out, false),
	                 DP_OK);
	FILE *in = fopen(script, "r");
	ck_assert_ptr_nonnull(in);
	struct todo_controller controller;
	struct todo_input input = {.in = in, .out = out};
	ck_assert_int_eq(todo_controller_init(&controller, &app, &view, false),
	                 DP_OK);
	ck_assert_int_eq(todo_controller_run(&controller, &input), DP_OK);
	fclose(in);
	todo_mvc_view_deinit(&view);
	dp_stream_close(out);
	describe(&app, items, size);
	todo_app_deinit(&app);
}

static void run_on_the_web(struct fixture *f, const char *script)
{
	char line[TODO_LINE_MAX + 2];
	char *form = malloc(3 * sizeof(line) + 8);
	struct reply r;
	FILE *in = fopen(script, "r");
	ck_assert_ptr_nonnull(in);
	ck_assert_ptr_nonnull(form);
	while (fgets(line, sizeof(line), in) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		CURL *curl = curl_easy_init();
		char *encoded = curl_easy_escape(curl, line, 0);
		snprintf(form, 3 * sizeof(line) + 8, "line=%s", encoded);
		curl_free(encoded);
		curl_easy_cleanup(curl);
		long status = post(f, "/command", form, &r);
		ck_assert(status == 303 || status == 400);
	}
	fclose(in);
	free(form);
}

static const char *const web_specs[] = {
	"add_toggle", "clear_completed", "edit_delete", "filters",
	"toggle_all", "undo_redo",       "view_json",
};

START_TEST(test_web_runs_the_spec_scripts_to_the_terminals_list)
{
	const char *name = web_specs[_i];
	char script[256], terminal[8192], web[8192];
	struct fixture f;
	snprintf(script, sizeof(script), "mvc_demo/spec/%s.txt", name);

	start(&f, NULL);
	run_on_the_web(&f, script);
	stop(&f);
	describe(&f.app, web, sizeof(web));
	run_in_terminal(script, terminal, sizeof(terminal));
	ck_assert_msg(strcmp(terminal, web) == 0, "%s: terminal %s, web %s",
	              name, terminal, web);
	ck_assert_uint_gt(strlen(web), 0);
	finish(&f);
}
END_TEST

/* ---- the API -------------------------------------------------------- */

/* A request that may fail: the status, or -1 when the server closed the
 * connection without an answer (what it does when memory runs out). */
static long attempt(const struct fixture *f, const char *path, const char *form)
{
	char url[600];
	snprintf(url, sizeof(url), "%s%s", f->base, path);
	struct reply *reply = calloc(1, sizeof(*reply));
	CURL *curl = curl_easy_init();
	ck_assert_ptr_nonnull(curl);
	ck_assert_ptr_nonnull(reply);
	curl_easy_setopt(curl, CURLOPT_URL, url);
	curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(curl, CURLOPT_WRITEDATA, reply);
	if (form != NULL)
		curl_easy_setopt(curl, CURLOPT_POSTFIELDS, form);
	long status = -1;
	if (curl_easy_perform(curl) == CURLE_OK)
		curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_cleanup(curl);
	free(reply);
	return status;
}

START_TEST(test_web_survives_every_allocation_failing)
{
	struct dp_counting_allocator counter;
	struct dp_failing_allocator failing;
	char error[TODO_MESSAGE_MAX], dir[256];
	ck_assert_int_eq(dp_temp_dir_make(dir, sizeof(dir), "todo-web"), DP_OK);
	setenv("DP_DATA_DIR", dir, 1);
	dp_counting_allocator_init(&counter, NULL);
	dp_failing_allocator_init(&failing, 0, &counter.base);
	struct todo_app app;
	struct todo_app_options options = {.store = "native",
	                                   .alloc = &failing.base};
	ck_assert_int_eq(todo_app_init(&app, &options, error, sizeof(error)),
	                 DP_OK);
	size_t baseline = counter.live_blocks;
	unsigned failed = 0;

	/* The k-th allocation from here fails, for every k that is reached:
	 * creating the server, receiving a form, building a redirect and a
	 * page. Each fails cleanly (no server, or a closed connection) and
	 * leaks nothing. */
	for (size_t k = 1; k < 40; k++) {
		/* Set up again: the app holds &failing.base, which stays. */
		dp_failing_allocator_init(&failing, k, &counter.base);
		struct fixture f = {.web = todo_web_create(&app, NULL)};
		if (f.web != NULL) {
			snprintf(f.base, sizeof(f.base), "http://127.0.0.1:%u",
			         todo_web_port(f.web));
			/* A view change: the list holds no new block. */
			long added =
				attempt(&f, "/command", "line=filter+active");
			long page = attempt(&f, "/", NULL);
			ck_assert(added == 303 || added == -1);
			ck_assert(page == 200 || page == -1);
			todo_web_destroy(f.web);
		}
		failed += failing.failed;
		ck_assert_uint_eq(counter.live_blocks, baseline);
	}
	ck_assert_uint_gt(failed, 5); /* the loop reached every step */
	ck_assert(!failing.failed);   /* and ran past the last one */
	todo_app_deinit(&app);
	ck_assert_uint_eq(counter.live_blocks, 0);
	ck_assert_int_eq(dp_temp_dir_remove(dir), DP_OK);
}
END_TEST

START_TEST(test_web_validates_its_arguments)
{
	struct todo_web_stats stats;
	struct fixture f;
	start(&f, NULL);

	ck_assert_ptr_null(todo_web_create(NULL, NULL));
	ck_assert_int_eq(todo_web_stats(NULL, &stats), DP_EINVAL);
	ck_assert_int_eq(todo_web_stats(f.web, NULL), DP_EINVAL);
	ck_assert_uint_eq(todo_web_port(NULL), 0);
	todo_web_destroy(NULL);
	ck_assert_int_eq(todo_web_run(NULL, NULL, NULL, 0), DP_EINVAL);
	/* A port that is taken cannot be served twice. */
	struct todo_web_options taken = {.port = todo_web_port(f.web)};
	ck_assert_ptr_null(todo_web_create(&f.app, &taken));
	finish(&f);
}
END_TEST

START_TEST(test_web_logs_one_line_per_answer)
{
	struct fixture f;
	struct reply r;
	struct dp_stream *log = dp_memory_stream_create(NULL);
	struct todo_web_options options = {.log = log};
	start(&f, &options);

	post(&f, "/add", "title=a", &r);
	get(&f, "/", &r);
	size_t page = r.size;
	get(&f, "/missing", &r);
	stop(&f);
	size_t size;
	const unsigned char *text = dp_memory_stream_data(log, &size);
	char expected[128];
	snprintf(expected, sizeof(expected),
	         "POST /add 303 0\nGET / 200 %zu\nGET /missing 404 %zu\n", page,
	         r.size);
	ck_assert_ptr_nonnull(text);
	ck_assert_uint_eq(size, strlen(expected));
	ck_assert_int_eq(memcmp(text, expected, size), 0);
	dp_stream_close(log);
	finish(&f);
}
END_TEST

/* todo_web_run() in a thread of its own would not see the signals; so
 * the test thread runs it, and a helper waits for the address line, then
 * stops it with SIGTERM. */
struct stopper {
	int read_fd;
	pthread_t target;
	char line[64];
};

static void *stop_when_serving(void *arg)
{
	struct stopper *s = arg;
	ssize_t got = read(s->read_fd, s->line, sizeof(s->line) - 1);
	s->line[got > 0 ? got : 0] = '\0';
	pthread_kill(s->target, SIGTERM);
	return NULL;
}

START_TEST(test_web_run_prints_the_address_and_stops_on_sigterm)
{
	struct fixture f;
	int address[2], input[2];
	start(&f, NULL);
	stop(&f);

	ck_assert_int_eq(pipe(address), 0);
	ck_assert_int_eq(pipe(input), 0); /* kept open: only the signal stops */
	struct stopper s = {.read_fd = address[0], .target = pthread_self()};
	pthread_t helper;
	ck_assert_int_eq(pthread_create(&helper, NULL, stop_when_serving, &s),
	                 0);
	struct dp_stream *out =
		dp_file_stream_create(fdopen(address[1], "w"), true, NULL);
	ck_assert_int_eq(todo_web_run(&f.app, NULL, out, input[0]), DP_OK);
	pthread_join(helper, NULL);
	ck_assert_int_eq(strncmp(s.line, "serving http://127.0.0.1:", 25), 0);
	ck_assert_int_eq(s.line[strlen(s.line) - 1], '\n');
	dp_stream_close(out);
	close(address[0]);
	close(input[0]);
	close(input[1]);
	/* And without a signal, the end of the input stops it. */
	ck_assert_int_eq(pipe(input), 0);
	close(input[1]);
	out = dp_memory_stream_create(NULL);
	ck_assert_int_eq(todo_web_run(&f.app, NULL, out, input[0]), DP_OK);
	close(input[0]);
	dp_stream_close(out);
	finish(&f);
}
END_TEST

int main(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
	Suite *suite = suite_create("mvc_demo web");
	TCase *tc = dp_test_case(suite, "forms");
	tcase_add_test(tc, test_web_forms_add_toggle_edit_delete_then_redirect);
	tcase_add_test(tc,
	               test_web_undo_and_redo_share_one_history_across_verbs);
	tcase_add_test(tc, test_web_filter_shows_only_the_items_it_keeps);
	tcase_add_test(tc, test_web_pages_a_long_list);
	tcase_add_test(tc, test_web_save_writes_only_the_lists_own_file);
	tc = dp_test_case(suite, "etag");
	tcase_add_test(tc, test_web_matching_etag_answers_304_without_a_body);
	tcase_add_test(tc, test_web_undo_back_to_a_seen_list_changes_the_etag);
	tc = dp_test_case(suite, "safety");
	tcase_add_test(tc, test_web_escapes_every_title);
	tcase_add_test(tc, test_web_refuses_a_large_body_before_reading_it);
	tcase_add_test(tc, test_web_unknown_paths_404_and_wrong_methods_405);
	tcase_add_test(
		tc,
		test_web_bad_form_input_answers_400_with_the_parsers_message);
	tcase_add_test(tc, test_web_refuses_requests_from_other_sites);
	tcase_add_test(
		tc, test_web_serves_others_while_clients_send_half_a_request);
	tc = dp_test_case(suite, "spec");
	tcase_add_loop_test(
		tc, test_web_runs_the_spec_scripts_to_the_terminals_list, 0,
		(int)(sizeof(web_specs) / sizeof(web_specs[0])));
	tc = dp_test_case(suite, "api");
	tcase_add_test(tc, test_web_validates_its_arguments);
	tcase_add_test(tc, test_web_survives_every_allocation_failing);
	tcase_add_test(tc, test_web_logs_one_line_per_answer);
	tcase_add_test(tc,
	               test_web_run_prints_the_address_and_stops_on_sigterm);
	int status = dp_test_run(suite);
	curl_global_cleanup();
	return status;
}
