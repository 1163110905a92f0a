/*
 * The web view: a third architecture over the same core, MVC in the shape
 * the web made common. The request handler is the controller: it turns a
 * form's fields into a command line and hands it to the shared parser and
 * todo_app_change(), then picks the answer. The page builder is the view:
 * it reads the model through the filter and order when it draws, and the
 * page it sends holds no logic (no script at all). What differs from the
 * terminal is the transport: the model cannot push to the browser, so the
 * browser asks again, and the ETag made from the model's version lets it
 * ask cheaply. The view state lives in the URL, not in a view object.
 *
 * The HTTP caching chapter's server serves fixed resources put in advance;
 * this view needs a page built per request and POST bodies, so it drives
 * libmicrohttpd itself and takes the chapter's header grammar
 * (dp_http_etag(), dp_http_etag_list_matches()) for its validators.
 */
#define _GNU_SOURCE /* ppoll() */

#include "web.h"

#include "adapter/adapter.h"
#include "filters.h"
#include "http_cache/http_cache.h"

#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/** The most fields a form may carry; more is a bad request. */
#define FORM_FIELDS_MAX 8

/** The longest notice: a message of the core after "error: ". A
 * redirect never carries a longer one, so a longer one is refused. */
#define NOTICE_MAX (TODO_MESSAGE_MAX + 8)

/** Room for a request log line's path. */
#define LOG_PATH_MAX 40

struct todo_web {
	struct todo_app *app;
	struct MHD_Daemon *daemon;
	/* Guards the app and the counters: the server's thread answers,
	 * todo_web_stats() may read from any thread. */
	pthread_mutex_t lock;
	struct todo_web_stats stats;
	struct dp_stream *log;
	size_t body_max;
	uint16_t port;
	char port_text[8]; /* the port in decimal, for the Host check */
};

/* What the list page shows besides the list: the view state, carried in
 * the query string so that every page is a plain URL. */
struct view {
	const struct todo_filter *filter;
	const struct todo_order *order;
	const char *notice; /* "" for none */
	unsigned long page; /* 1 for the first #TODO_WEB_PAGE_ROWS rows */
};

/* A POST being received: its body so far. */
struct upload {
	char *body;
	size_t size;
	bool too_large;
};

/* One POST route: the verb it sends and the fields it needs. */
enum { NEED_ID = 1, NEED_TITLE = 2, NEED_LINE = 4 };
struct route {
	const char *path;
	const char *verb; /* NULL: the "line" field is the whole command */
	unsigned fields;
};

static const struct route routes[] = {
	{"/add", "add", NEED_TITLE},
	{"/toggle", "toggle", NEED_ID},
	{"/edit", "edit", NEED_ID | NEED_TITLE},
	{"/delete", "delete", NEED_ID},
	{"/toggle-all", "toggle-all", 0},
	{"/clear-completed", "clear-completed", 0},
	{"/undo", "undo", 0},
	{"/redo", "redo", 0},
	{"/save", "save", 0},
	{"/load", "load", 0},
	{"/command", NULL, NEED_LINE},
	{NULL, NULL, 0},
};

static const char *const filter_names[] = {"all", "active", "completed"};
static const char *const order_names[] = {"id", "title", "status"};

static const struct route *route_find(const char *path)
{
	for (const struct route *r = routes; r->path != NULL; r++)
		if (strcmp(r->path, path) == 0)
			return r;
	return NULL;
}

/* ---- a page being built ------------------------------------------------- */

/* A page under construction, in the adapter chapter's memory stream. The
 * first failure sets `failed` and every later append does nothing, so
 * building code needs no checks until the end. */
struct page {
	const struct dp_allocator *alloc;
	struct dp_stream *text; /* made by the first append */
	bool failed;
};

static void page_put(struct page *page, const char *text, size_t size)
{
	if (page->failed || size == 0)
		return;
	if (page->text == NULL)
		page->text = dp_memory_stream_create(page->alloc);
	if (page->text == NULL ||
	    dp_stream_write(page->text, text, size) != DP_OK)
		page->failed = true;
}

/* What was built; NULL and 0 for an empty page. */
static const char *page_bytes(const struct page *page, size_t *size)
{
	*size = 0;
	return page->text == NULL
	               ? NULL
	               : (const char *)dp_memory_stream_data(page->text, size);
}

static void page_free(struct page *page)
{
	dp_stream_close(page->text);
	page->text = NULL;
}

static void page_text(struct page *page, const char *text)
{
	page_put(page, text, strlen(text));
}

static void page_number(struct page *page, unsigned long number)
{
	char digits[24];
	int n = snprintf(digits, sizeof(digits), "%lu", number);
	page_put(page, digits, (size_t)n);
}

/* Text into HTML, in content and in quoted attributes alike: the five
 * characters that can end a text or an attribute become references. */
static void page_html(struct page *page, const char *text)
{
	const char *start = text;
	for (; *text != '\0'; text++) {
		const char *ref = NULL;
		switch (*text) {
		case '&':
			ref = "&amp;";
			break;
		case '<':
			ref = "&lt;";
			break;
		case '>':
			ref = "&gt;";
			break;
		case '"':
			ref = "&quot;";
			break;
		case '\'':
			ref = "&#39;";
			break;
		default:
			continue;
		}
		page_put(page, start, (size_t)(text - start));
		page_text(page, ref);
		start = text + 1;
	}
	page_put(page, start, (size_t)(text - start));
}

/* Text into a query string: every byte but the unreserved ones encoded. */
static void page_url(struct page *page, const char *text)
{
	static const char hex[] = "0123456789ABCDEF";
	for (; *text != '\0'; text++) {
		unsigned char c = (unsigned char)*text;
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || strchr("-._~", c) != NULL) {
			page_put(page, text, 1);
		} else {
			char code[3] = {'%', hex[c >> 4], hex[c & 15]};
			page_put(page, code, 3);
		}
	}
}

/* ---- forms ------------------------------------------------------------- */

struct form {
	size_t count;
	const char *name[FORM_FIELDS_MAX];
	const char *value[FORM_FIELDS_MAX];
};

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decode one application/x-www-form-urlencoded component in place. A bad
 * escape or an encoded NUL (which would cut the text short) is refused. */
static int form_decode(char *text)
{
	char *out = text;
	for (const char *in = text; *in != '\0'; in++) {
		if (*in == '+') {
			*out++ = ' ';
		} else if (*in == '%') {
			int high = hex_digit(in[1]);
			int low = high < 0 ? -1 : hex_digit(in[2]);
			if (low < 0 || (high == 0 && low == 0))
				return DP_EINVAL;
			*out++ = (char)(high * 16 + low);
			in += 2;
		} else {
			*out++ = *in;
		}
	}
	*out = '\0';
	return DP_OK;
}

/* Split and decode a body in place; the form points into it. */
static int form_parse(char *body, struct form *form)
{
	form->count = 0;
	for (char *pair = body; pair != NULL && *pair != '\0';) {
		char *next = strchr(pair, '&');
		if (next != NULL)
			*next++ = '\0';
		char *value = strchr(pair, '=');
		if (value != NULL)
			*value++ = '\0';
		if (form->count == FORM_FIELDS_MAX ||
		    form_decode(pair) != DP_OK ||
		    (value != NULL && form_decode(value) != DP_OK))
			return DP_EINVAL;
		form->name[form->count] = pair;
		form->value[form->count++] = value != NULL ? value : "";
		pair = next;
	}
	return DP_OK;
}

static const char *form_get(const struct form *form, const char *name)
{
	for (size_t i = 0; i < form->count; i++)
		if (strcmp(form->name[i], name) == 0)
			return form->value[i];
	return NULL;
}

/* ---- the list page --------------------------------------------------- */

static void page_view_query(struct page *page, const struct view *view)
{
	page_text(page, "/?filter=");
	page_text(page, view->filter->name);
	page_text(page, "&amp;sort=");
	page_text(page, view->order->name);
	if (view->page > 1) {
		page_text(page, "&amp;page=");
		page_number(page, view->page);
	}
}

/* A page number as a query or form gives it: digits, from 1 to a
 * billion; anything else is not a page. */
static bool parse_page(const char *text, unsigned long *page)
{
	unsigned long value = 0;

	if (text == NULL || *text == '\0')
		return false;
	for (const char *p = text; *p != '\0'; p++) {
		if (*p < '0' || *p > '9' || value > 100000000UL)
			return false;
		value = value * 10 + (unsigned long)(*p - '0');
	}
	if (value == 0 || value > 1000000000UL)
		return false;
	*page = value;
	return true;
}

/* A form of one button that posts to `action`, carrying the view state
 * (and the item's id when `id` is not 0) so the redirect keeps it. */
static void page_form_open(struct page *page, const struct view *view,
                           const char *action, unsigned id)
{
	page_text(page, "<form method=\"post\" action=\"");
	page_text(page, action);
	page_text(page, "\" id=\"");
	page_text(page, action + 1);
	if (id != 0) {
		page_text(page, "-");
		page_number(page, id);
		page_text(page,
		          "\"><input type=\"hidden\" name=\"id\" value=\"");
		page_number(page, id);
	}
	page_text(page, "\"><input type=\"hidden\" name=\"filter\" value=\"");
	page_text(page, view->filter->name);
	page_text(page, "\"><input type=\"hidden\" name=\"sort\" value=\"");
	page_text(page, view->order->name);
	if (view->page > 1) {
		page_text(page, "\"><input type=\"hidden\" name=\"page\" "
		                "value=\"");
		page_number(page, view->page);
	}
	page_text(page, "\">");
}

static void page_button(struct page *page, const struct view *view,
                        const char *action, const char *label)
{
	page_form_open(page, view, action, 0);
	page_text(page, "<button type=\"submit\">");
	page_text(page, label);
	page_text(page, "</button></form>\n");
}

static void page_item(struct page *page, const struct view *view,
                      const struct todo_item *item)
{
	page_text(page, item->done ? "<li class=\"done\" id=\"item-"
	                           : "<li class=\"active\" id=\"item-");
	page_number(page, item->id);
	page_text(page, "\">");
	page_form_open(page, view, "/toggle", item->id);
	page_text(page, item->done ? "<button type=\"submit\">[x]</button>"
	                           : "<button type=\"submit\">[ ]</button>");
	page_text(page, "</form> <span class=\"id\">");
	page_number(page, item->id);
	page_text(page, "</span> <span class=\"title\">");
	page_html(page, item->title);
	page_text(page, "</span> ");
	page_form_open(page, view, "/edit", item->id);
	page_text(page, "<input name=\"title\" aria-label=\"new title\" "
	                "maxlength=\"" TODO_STRING(TODO_TITLE_MAX) "\" "
	                                                           "value=\"");
	page_html(page, item->title);
	page_text(page, "\"><button type=\"submit\">edit</button></form> ");
	page_form_open(page, view, "/delete", item->id);
	page_text(page,
	          "<button type=\"submit\">delete</button></form></li>\n");
}

static void page_head(struct page *page, const struct view *view)
{
	page_text(page, "<!DOCTYPE html>\n<html lang=\"en\"><head>"
	                "<meta charset=\"utf-8\"><title>to-do list</title>\n"
	                "<style>form{display:inline}li.done .title"
	                "{text-decoration:line-through}</style></head>\n"
	                "<body><h1>to-do list</h1>\n<p id=\"notice\">");
	page_html(page, view->notice);
	page_text(page, "</p>\n<p>show:");
	for (size_t i = 0; i < 3; i++) {
		struct view link = *view;
		link.filter = todo_filter_find(filter_names[i]);
		page_text(page, " <a id=\"filter-");
		page_text(page, filter_names[i]);
		page_text(page, "\" href=\"");
		page_view_query(page, &link);
		page_text(page, "\">");
		page_text(page, filter_names[i]);
		page_text(page, "</a>");
	}
	page_text(page, " · sort by:");
	for (size_t i = 0; i < 3; i++) {
		struct view link = *view;
		link.order = todo_order_find(order_names[i]);
		page_text(page, " <a href=\"");
		page_view_query(page, &link);
		page_text(page, "\">");
		page_text(page, order_names[i]);
		page_text(page, "</a>");
	}
	page_text(page, "</p>\n");
	page_form_open(page, view, "/add", 0);
	page_text(page, "<input name=\"title\" aria-label=\"title\" "
	                "maxlength=\"" TODO_STRING(
				TODO_TITLE_MAX) "\" "
	                                        "required><button "
	                                        "type=\"submit\">add</button>"
	                                        "</form>\n");
}

/* "rows 51 to 100 of 120", and links to the pages either side. */
static void page_pager(struct page *page, const struct view *view, size_t first,
                       size_t end, size_t shown)
{
	page_text(page, "<p id=\"pages\">rows ");
	page_number(page, first + 1);
	page_text(page, " to ");
	page_number(page, end);
	page_text(page, " of ");
	page_number(page, shown);
	struct view link = *view;
	if (view->page > 1) {
		link.page = view->page - 1;
		page_text(page, " · <a id=\"previous\" href=\"");
		page_view_query(page, &link);
		page_text(page, "\">previous</a>");
	}
	if (end < shown) {
		link.page = view->page + 1;
		page_text(page, " · <a id=\"next\" href=\"");
		page_view_query(page, &link);
		page_text(page, "\">next</a>");
	}
	page_text(page, "</p>\n");
}

static void page_buttons(struct page *page, const struct view *view)
{
	page_button(page, view, "/toggle-all", "toggle all");
	page_button(page, view, "/clear-completed", "clear completed");
	page_button(page, view, "/undo", "undo");
	page_button(page, view, "/redo", "redo");
	page_button(page, view, "/save", "save");
	page_button(page, view, "/load", "load");
}

/* The rows the filter keeps in the view's order, one page of them: the
 * selection is O(n log n), the page itself O(#TODO_WEB_PAGE_ROWS). A page
 * past the end shows the last one. */
static void page_list(struct page *page, struct todo_app *app,
                      struct view *view)
{
	size_t count = todo_model_count(app->model);
	const struct todo_item **items =
		dp_realloc_array(app->alloc, NULL, count, sizeof(*items));
	if (items == NULL) {
		page->failed = true;
		return;
	}
	size_t shown = todo_select(app->model, view->filter, view->order, items,
	                           count);
	size_t pages = shown == 0 ? 1 : (shown - 1) / TODO_WEB_PAGE_ROWS + 1;
	if (view->page > pages)
		view->page = pages;
	size_t first = (view->page - 1) * TODO_WEB_PAGE_ROWS;
	size_t end = first + TODO_WEB_PAGE_ROWS < shown
	                     ? first + TODO_WEB_PAGE_ROWS
	                     : shown;
	page_head(page, view);
	page_text(page, "<ul id=\"items\">\n");
	for (size_t i = first; i < end; i++)
		page_item(page, view, items[i]);
	dp_free(app->alloc, items);
	page_text(page, "</ul>\n");
	if (pages > 1)
		page_pager(page, view, first, end, shown);
	page_text(page, "<p id=\"count\">");
	page_number(page, todo_model_active_count(app->model));
	page_text(page, " left of ");
	page_number(page, count);
	page_text(page, todo_app_unsaved(app) ? " (unsaved)</p>\n" : "</p>\n");
	page_buttons(page, view);
	page_text(page, "</body></html>\n");
}

/* A short page for an error: the status line and the reason, escaped. */
static void page_error(struct page *page, unsigned status, const char *reason)
{
	page_text(page, "<!DOCTYPE html>\n<html lang=\"en\"><head>"
	                "<meta charset=\"utf-8\"><title>error</title></head>"
	                "<body><h1>");
	page_number(page, status);
	page_text(page, "</h1><p id=\"error\">");
	page_html(page, reason);
	page_text(page, "</p><p><a href=\"/\">back to the list</a></p>"
	                "</body></html>\n");
}

/* ---- answers ------------------------------------------------------------ */

/* What a request is answered with; the headers that are not NULL are
 * sent. */
struct answer {
	unsigned status;
	struct page page;
	const char *etag;
	const char *location;
	const char *allow;
	bool has_body;
};

static void count_answer(struct todo_web *web, const char *method,
                         const char *url, const struct answer *answer,
                         size_t bytes)
{
	struct todo_web_stats *s = &web->stats;
	s->requests++;
	s->pages += answer->status == MHD_HTTP_OK;
	s->not_modified += answer->status == MHD_HTTP_NOT_MODIFIED;
	s->redirects += answer->status == MHD_HTTP_SEE_OTHER;
	s->client_errors += answer->status >= 400 && answer->status < 500;
	s->bytes_sent += bytes;
	if (web->log != NULL) {
		char line[80 + LOG_PATH_MAX];
		snprintf(line, sizeof(line), "%s %.*s %u %zu\n", method,
		         LOG_PATH_MAX, url, answer->status, bytes);
		dp_stream_write_string(web->log, line);
		dp_stream_flush(web->log);
	}
}

static bool add_header(struct MHD_Response *response, const char *name,
                       const char *value)
{
	return value == NULL ||
	       MHD_add_response_header(response, name, value) == MHD_YES;
}

static enum MHD_Result send_answer(struct todo_web *web,
                                   struct MHD_Connection *connection,
                                   const char *method, const char *url,
                                   struct answer *answer)
{
	if (answer->page.failed) { /* out of memory: close the connection */
		page_free(&answer->page);
		return MHD_NO;
	}
	size_t bytes = 0;
	const char *body = page_bytes(&answer->page, &bytes);
	struct MHD_Response *response = MHD_create_response_from_buffer(
		bytes, (void *)body, MHD_RESPMEM_MUST_COPY);
	page_free(&answer->page);
	if (response == NULL)
		return MHD_NO;
	bool cacheable = answer->etag != NULL;
	if (!add_header(response, MHD_HTTP_HEADER_ETAG, answer->etag) ||
	    !add_header(response, MHD_HTTP_HEADER_CACHE_CONTROL,
	                cacheable ? "no-cache" : "no-store") ||
	    !add_header(response, MHD_HTTP_HEADER_LOCATION, answer->location) ||
	    !add_header(response, MHD_HTTP_HEADER_ALLOW, answer->allow) ||
	    !add_header(response, MHD_HTTP_HEADER_CONTENT_TYPE,
	                answer->has_body ? "text/html; charset=utf-8" : NULL) ||
	    !add_header(response, "X-Content-Type-Options", "nosniff")) {
		MHD_destroy_response(response);
		return MHD_NO;
	}
	count_answer(web, method, url, answer, bytes);
	enum MHD_Result queued =
		MHD_queue_response(connection, answer->status, response);
	MHD_destroy_response(response);
	return queued;
}

static enum MHD_Result send_error(struct todo_web *web,
                                  struct MHD_Connection *connection,
                                  const char *method, const char *url,
                                  unsigned status, const char *reason)
{
	struct answer answer = {.status = status, .has_body = true};
	answer.page.alloc = web->app->alloc;
	page_error(&answer.page, status, reason);
	if (status == MHD_HTTP_METHOD_NOT_ALLOWED)
		answer.allow = strcmp(url, "/") == 0 ? "GET, HEAD" : "POST";
	return send_answer(web, connection, method, url, &answer);
}

/* ---- GET / ------------------------------------------------------------- */

static int view_from_query(struct MHD_Connection *connection, struct view *view,
                           char *error, size_t size)
{
	const char *filter = MHD_lookup_connection_value(
		connection, MHD_GET_ARGUMENT_KIND, "filter");
	const char *order = MHD_lookup_connection_value(
		connection, MHD_GET_ARGUMENT_KIND, "sort");
	const char *notice = MHD_lookup_connection_value(
		connection, MHD_GET_ARGUMENT_KIND, "notice");
	const char *page = MHD_lookup_connection_value(
		connection, MHD_GET_ARGUMENT_KIND, "page");

	view->filter = todo_filter_find(filter != NULL ? filter : "all");
	view->order = todo_order_find(order != NULL ? order : "id");
	view->notice = notice != NULL ? notice : "";
	if (view->filter == NULL || view->order == NULL) {
		snprintf(error, size, "unknown %s '%.40s'",
		         view->filter == NULL ? "filter" : "order",
		         view->filter == NULL ? filter : order);
		return DP_EINVAL;
	}
	if (strlen(view->notice) >= NOTICE_MAX) {
		snprintf(error, size, "notice too long");
		return DP_EINVAL;
	}
	view->page = 1;
	if (page != NULL && !parse_page(page, &view->page)) {
		snprintf(error, size, "'%.40s' is not a page number", page);
		return DP_EINVAL;
	}
	return DP_OK;
}

/* The page's validator: everything the page shows that can change. The
 * model's version moves with every change to the list, the saved version
 * with every save and load; the rest is the view state. Hashing them with
 * the chapter's dp_http_etag() gives a strong tag without building the
 * page, so a 304 costs no rendering at all. */
static void list_etag(const struct todo_web *web, const struct view *view,
                      char etag[DP_HTTP_ETAG_SIZE])
{
	char key[NOTICE_MAX + 96];
	int n = snprintf(key, sizeof(key), "%lu %lu %s %s %lu %s",
	                 todo_model_version(web->app->model),
	                 web->app->saved_version, view->filter->name,
	                 view->order->name, view->page, view->notice);
	dp_http_etag(key, (size_t)n < sizeof(key) ? (size_t)n : sizeof(key) - 1,
	             etag, DP_HTTP_ETAG_SIZE);
}

static enum MHD_Result get_list(struct todo_web *web,
                                struct MHD_Connection *connection,
                                const char *method, const char *url)
{
	struct view view;
	char error[TODO_MESSAGE_MAX];
	if (view_from_query(connection, &view, error, sizeof(error)) != DP_OK)
		return send_error(web, connection, method, url,
		                  MHD_HTTP_BAD_REQUEST, error);
	char etag[DP_HTTP_ETAG_SIZE];
	list_etag(web, &view, etag);
	struct answer answer = {.status = MHD_HTTP_OK, .etag = etag};
	answer.page.alloc = web->app->alloc;
	const char *inm = MHD_lookup_connection_value(
		connection, MHD_HEADER_KIND, MHD_HTTP_HEADER_IF_NONE_MATCH);
	if (inm != NULL && dp_http_etag_list_matches(inm, etag)) {
		answer.status = MHD_HTTP_NOT_MODIFIED;
	} else {
		answer.has_body = true;
		page_list(&answer.page, web->app, &view);
	}
	return send_answer(web, connection, method, url, &answer);
}

/* ---- POST: a form into one command line --------------------------------- */

static void view_from_form(const struct form *form, struct view *view)
{
	const char *filter = form_get(form, "filter");
	const char *order = form_get(form, "sort");
	view->filter = todo_filter_find(filter != NULL ? filter : "all");
	if (view->filter == NULL)
		view->filter = todo_filter_find("all");
	view->order = todo_order_find(order != NULL ? order : "id");
	if (view->order == NULL)
		view->order = todo_order_find("id");
	view->notice = "";
	if (!parse_page(form_get(form, "page"), &view->page))
		view->page = 1;
}

static int form_field(const struct form *form, const char *name,
                      const char **value, char *error, size_t size)
{
	*value = form_get(form, name);
	if (*value == NULL) {
		snprintf(error, size, "the form needs a field '%s'", name);
		return DP_EINVAL;
	}
	if (strpbrk(*value, "\r\n") != NULL) {
		snprintf(error, size, "the field '%s' holds a line break",
		         name);
		return DP_EINVAL;
	}
	return DP_OK;
}

/* The command line a route's form stands for, as it would be typed. */
static int build_line(const struct route *route, const struct form *form,
                      char line[TODO_LINE_MAX + 1], char *error, size_t size)
{
	const char *id = "", *title = "", *text = "";
	if (((route->fields & NEED_ID) &&
	     form_field(form, "id", &id, error, size) != DP_OK) ||
	    ((route->fields & NEED_TITLE) &&
	     form_field(form, "title", &title, error, size) != DP_OK) ||
	    ((route->fields & NEED_LINE) &&
	     form_field(form, "line", &text, error, size) != DP_OK))
		return DP_EINVAL;
	if ((route->fields & NEED_ID) &&
	    (*id == '\0' || strspn(id, "0123456789") != strlen(id))) {
		snprintf(error, size, "the field 'id' must be a number");
		return DP_EINVAL;
	}
	const char *force = form_get(form, "force");
	int n = snprintf(
		line, TODO_LINE_MAX + 1, "%s%s%s%s%s%s",
		route->verb != NULL ? route->verb : text,
		force != NULL && strcmp(force, "1") == 0 ? " --force" : "",
		*id != '\0' ? " " : "", id, *title != '\0' ? " " : "", title);
	if (n < 0 || n > TODO_LINE_MAX) {
		snprintf(error, size, "%s", TODO_BAD_LINE_MESSAGE);
		return DP_EINVAL;
	}
	return DP_OK;
}

/* 303 to the list page in the view state the form carried. */
static enum MHD_Result redirect(struct todo_web *web,
                                struct MHD_Connection *connection,
                                const char *url, const struct view *view)
{
	struct page location = {.alloc = web->app->alloc};
	page_text(&location, "/?filter=");
	page_text(&location, view->filter->name);
	page_text(&location, "&sort=");
	page_text(&location, view->order->name);
	if (view->page > 1) {
		page_text(&location, "&page=");
		page_number(&location, view->page);
	}
	if (*view->notice != '\0') {
		page_text(&location, "&notice=");
		page_url(&location, view->notice);
	}
	page_put(&location, "", 1);
	size_t size = 0;
	if (location.failed) {
		page_free(&location);
		return MHD_NO;
	}
	struct answer answer = {.status = MHD_HTTP_SEE_OTHER,
	                        .location = page_bytes(&location, &size)};
	answer.page.alloc = web->app->alloc;
	enum MHD_Result result =
		send_answer(web, connection, "POST", url, &answer);
	page_free(&location);
	return result;
}

/* A page of another site can make the browser post here, so naming files
 * is left to the command line that started the server. */
static unsigned refuse_files(char *message, size_t size)
{
	snprintf(message, size,
	         "the web view reads and writes only the "
	         "list's own file");
	return MHD_HTTP_FORBIDDEN;
}

/* Carry out one parsed line. Returns the status for a refusal, or 0 when
 * the answer is a redirect with `view` (and its notice) updated. */
static unsigned run_request(struct todo_web *web,
                            const struct todo_request *request,
                            struct view *view, char *message, size_t size)
{
	switch (request->verb) {
	case TODO_NOTHING:
	case TODO_LIST:
		return 0;
	case TODO_FILTER:
		view->filter = todo_filter_find(request->text);
		return 0;
	case TODO_SORT:
		view->order = todo_order_find(request->text);
		return 0;
	case TODO_HELP:
	case TODO_QUIT:
		snprintf(message, size,
		         "'help' and 'quit' are for the "
		         "terminal");
		return MHD_HTTP_BAD_REQUEST;
	case TODO_SAVE:
	case TODO_LOAD:
		if (request->text == NULL)
			break;
		return refuse_files(message, size);
	case TODO_IMPORT:
	case TODO_EXPORT:
		return refuse_files(message, size);
	default:
		break;
	}
	char result[TODO_MESSAGE_MAX];
	int rc = todo_app_change(web->app, request, result, sizeof(result));
	web->stats.commands++;
	if (rc != DP_OK)
		snprintf(message, size, "error: %s", result);
	else
		snprintf(message, size, "%s", result);
	view->notice = message;
	return 0;
}

static enum MHD_Result post_command(struct todo_web *web,
                                    struct MHD_Connection *connection,
                                    const char *url, struct upload *upload)
{
	const struct route *route = route_find(url);
	struct form form;
	char line[TODO_LINE_MAX + 1];
	char message[NOTICE_MAX];
	struct todo_request request;
	struct view view;
	unsigned status = MHD_HTTP_BAD_REQUEST;

	upload->body[upload->size] = '\0';
	if (form_parse(upload->body, &form) != DP_OK) {
		snprintf(message, sizeof(message),
		         "the form is not valid "
		         "form encoding");
		goto refuse;
	}
	view_from_form(&form, &view);
	if (build_line(route, &form, line, message, sizeof(message)) != DP_OK ||
	    todo_parse(line, &request, message, sizeof(message)) != DP_OK)
		goto refuse;
	status = run_request(web, &request, &view, message, sizeof(message));
	if (status == 0)
		return redirect(web, connection, url, &view);
refuse:
	return send_error(web, connection, "POST", url, status, message);
}

/* ---- the request handler ------------------------------------------------ */

/* Whether `host` is "127.0.0.1:PORT" or "localhost:PORT" with our port,
 * after `prefix` (which must be there too). */
static bool is_our_host(const struct todo_web *web, const char *host,
                        const char *prefix)
{
	size_t skip = strlen(prefix);
	if (host == NULL || strncmp(host, prefix, skip) != 0)
		return false;
	host += skip;
	size_t name = strncmp(host, "127.0.0.1:", 10) == 0   ? 10
	              : strncmp(host, "localhost:", 10) == 0 ? 10
	                                                     : 0;
	return name > 0 && strcmp(host + name, web->port_text) == 0;
}

/* Refuse a request another site's page makes the browser send (a form
 * posted cross-site, or a name of the attacker's rebound to 127.0.0.1):
 * the Host must be ours, and an Origin, when sent, must be ours too. */
static bool from_our_pages(const struct todo_web *web,
                           struct MHD_Connection *connection)
{
	const char *host = MHD_lookup_connection_value(
		connection, MHD_HEADER_KIND, MHD_HTTP_HEADER_HOST);
	const char *origin = MHD_lookup_connection_value(
		connection, MHD_HEADER_KIND, MHD_HTTP_HEADER_ORIGIN);
	return is_our_host(web, host, "") &&
	       (origin == NULL || is_our_host(web, origin, "http://"));
}

/* The first call, with the headers: answer everything but an accepted
 * POST right away; for that, start an upload. */
static enum MHD_Result begin(struct todo_web *web,
                             struct MHD_Connection *connection, const char *url,
                             const char *method, void **request_state)
{
	bool is_get = strcmp(method, MHD_HTTP_METHOD_GET) == 0 ||
	              strcmp(method, MHD_HTTP_METHOD_HEAD) == 0;
	bool is_post = strcmp(method, MHD_HTTP_METHOD_POST) == 0;
	bool is_list = strcmp(url, "/") == 0;
	if (!is_list && route_find(url) == NULL)
		return send_error(web, connection, method, url,
		                  MHD_HTTP_NOT_FOUND, "no such page");
	if (is_list ? !is_get : !is_post)
		return send_error(web, connection, method, url,
		                  MHD_HTTP_METHOD_NOT_ALLOWED,
		                  "method not allowed");
	if (!from_our_pages(web, connection))
		return send_error(web, connection, method, url,
		                  MHD_HTTP_FORBIDDEN,
		                  "request from another site refused");
	if (is_list)
		return get_list(web, connection, method, url);
	const char *length = MHD_lookup_connection_value(
		connection, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
	if (length != NULL && strtoull(length, NULL, 10) > web->body_max)
		return send_error(web, connection, method, url,
		                  MHD_HTTP_CONTENT_TOO_LARGE,
		                  "request body over " TODO_STRING(
					  TODO_WEB_BODY_MAX) " bytes");
	struct upload *upload = dp_alloc(web->app->alloc, sizeof(*upload));
	char *body = dp_alloc(web->app->alloc, web->body_max + 1);
	if (upload == NULL || body == NULL) {
		dp_free(web->app->alloc, upload);
		dp_free(web->app->alloc, body);
		return MHD_NO;
	}
	*upload = (struct upload){.body = body};
	*request_state = upload;
	return MHD_YES;
}

/* A body without a Content-Length (chunked) is read up to the limit and
 * the rest discarded, then refused. */
static void receive(struct todo_web *web, struct upload *upload,
                    const char *data, size_t size)
{
	web->stats.bytes_read += size;
	if (upload->too_large || size > web->body_max - upload->size) {
		upload->too_large = true;
		return;
	}
	memcpy(upload->body + upload->size, data, size);
	upload->size += size;
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *connection,
                              const char *url, const char *method,
                              const char *version, const char *upload_data,
                              size_t *upload_data_size, void **request_state)
{
	struct todo_web *web = cls;
	struct upload *upload = *request_state;
	enum MHD_Result result = MHD_YES;
	(void)version;

	pthread_mutex_lock(&web->lock);
	if (upload == NULL) {
		result = begin(web, connection, url, method, request_state);
	} else if (*upload_data_size > 0) {
		receive(web, upload, upload_data, *upload_data_size);
		*upload_data_size = 0;
	} else if (upload->too_large) {
		result = send_error(web, connection, method, url,
		                    MHD_HTTP_CONTENT_TOO_LARGE,
		                    "request body over " TODO_STRING(
					    TODO_WEB_BODY_MAX) " bytes");
	} else {
		result = post_command(web, connection, url, upload);
	}
	pthread_mutex_unlock(&web->lock);
	return result;
}

static void completed(void *cls, struct MHD_Connection *connection,
                      void **request_state,
                      enum MHD_RequestTerminationCode code)
{
	struct todo_web *web = cls;
	struct upload *upload = *request_state;
	(void)connection;
	(void)code;
	if (upload != NULL) {
		dp_free(web->app->alloc, upload->body);
		dp_free(web->app->alloc, upload);
		*request_state = NULL;
	}
}

/* ---- lifecycle ---------------------------------------------------------- */

static struct MHD_Daemon *start_daemon(struct todo_web *web, uint16_t port)
{
	struct sockaddr_in address = {.sin_family = AF_INET,
	                              .sin_port = htons(port)};
	address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	/* One internal thread polls every connection, so a slow client
	 * holds a slot, never the thread; the timeout frees the slot. */
	return MHD_start_daemon(
		MHD_USE_POLL_INTERNAL_THREAD, port, NULL, NULL, handle, web,
		MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&address,
		MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)TODO_WEB_TIMEOUT,
		MHD_OPTION_CONNECTION_LIMIT, (unsigned)TODO_WEB_CONNECTIONS,
		MHD_OPTION_NOTIFY_COMPLETED, completed, web, MHD_OPTION_END);
}

todo_web *todo_web_create(struct todo_app *app,
                          const struct todo_web_options *options)
{
	struct todo_web_options defaults = {0};
	if (app == NULL)
		return NULL;
	if (options == NULL)
		options = &defaults;
	todo_web *web = dp_alloc(app->alloc, sizeof(*web));
	if (web == NULL)
		return NULL;
	*web = (struct todo_web){
		.app = app,
		.log = options->log,
		.body_max = options->body_max > 0 ? options->body_max
	                                          : TODO_WEB_BODY_MAX,
	};
	if (pthread_mutex_init(&web->lock, NULL) != 0)
		goto fail_free_web;
	/* Locked until the port is known: a request that comes first
	 * waits, rather than compare its Host with an empty one. */
	pthread_mutex_lock(&web->lock);
	web->daemon = start_daemon(web, options->port);
	const union MHD_DaemonInfo *info =
		web->daemon == NULL
			? NULL
			: MHD_get_daemon_info(web->daemon,
	                                      MHD_DAEMON_INFO_BIND_PORT);
	if (info == NULL || info->port == 0)
		goto fail_stop_daemon;
	web->port = info->port;
	snprintf(web->port_text, sizeof(web->port_text), "%u", web->port);
	pthread_mutex_unlock(&web->lock);
	return web;

fail_stop_daemon:
	pthread_mutex_unlock(&web->lock);
	if (web->daemon != NULL)
		MHD_stop_daemon(web->daemon);
	pthread_mutex_destroy(&web->lock);
fail_free_web:
	dp_free(app->alloc, web);
	return NULL;
}

void todo_web_destroy(todo_web *web)
{
	if (web == NULL)
		return;
	MHD_stop_daemon(web->daemon);
	pthread_mutex_destroy(&web->lock);
	dp_free(web->app->alloc, web);
}

uint16_t todo_web_port(const todo_web *web)
{
	return web != NULL ? web->port : 0;
}

int todo_web_stats(todo_web *web, struct todo_web_stats *stats)
{
	if (web == NULL || stats == NULL)
		return DP_EINVAL;
	pthread_mutex_lock(&web->lock);
	*stats = web->stats;
	pthread_mutex_unlock(&web->lock);
	return DP_OK;
}

/* ---- todo --arch web ------------------------------------------------------ */

/* Set by the handler of SIGINT and SIGTERM. A signal handler can reach
 * nothing else, so this one flag is the process's, not the server's. */
static volatile sig_atomic_t stop_requested;

static void on_stop_signal(int signal_number)
{
	(void)signal_number;
	stop_requested = 1;
}

/* Read the input to its end, or until a stop signal. The signals are
 * blocked except inside ppoll(), which unblocks them atomically: one
 * that comes between the flag's test and the wait is not lost. */
static int wait_for_end(int fd, const sigset_t *wait_mask)
{
	char buffer[512];
	struct pollfd input = {.fd = fd, .events = POLLIN};
	while (!stop_requested) {
		if (ppoll(&input, 1, NULL, wait_mask) < 0) {
			if (errno == EINTR)
				continue;
			return DP_EIO;
		}
		ssize_t got = read(fd, buffer, sizeof(buffer));
		if (got == 0)
			return DP_OK;
		if (got < 0 && errno != EINTR && errno != EAGAIN)
			return DP_EIO;
	}
	return DP_OK;
}

int todo_web_run(struct todo_app *app, const struct todo_web_options *options,
                 struct dp_stream *out, int input_fd)
{
	if (app == NULL || out == NULL)
		return DP_EINVAL;
	sigset_t stop_signals, old_mask, wait_mask;
	sigemptyset(&stop_signals);
	sigaddset(&stop_signals, SIGINT);
	sigaddset(&stop_signals, SIGTERM);
	/* Blocked before the server's thread starts, which inherits the
	 * mask: the signals then come to this thread only. */
	pthread_sigmask(SIG_BLOCK, &stop_signals, &old_mask);
	struct sigaction action = {.sa_handler = on_stop_signal}, old_int,
			 old_term;
	sigemptyset(&action.sa_mask);
	sigaction(SIGINT, &action, &old_int);
	sigaction(SIGTERM, &action, &old_term);
	stop_requested = 0;
	wait_mask = old_mask;
	sigdelset(&wait_mask, SIGINT);
	sigdelset(&wait_mask, SIGTERM);

	int rc = DP_EIO;
	todo_web *web = todo_web_create(app, options);
	if (web != NULL) {
		char line[64];
		snprintf(line, sizeof(line), "serving http://127.0.0.1:%u/\n",
		         todo_web_port(web));
		rc = dp_stream_write_string(out, line);
		if (rc == DP_OK)
			rc = dp_stream_flush(out);
		if (rc == DP_OK)
			rc = wait_for_end(input_fd, &wait_mask);
		todo_web_destroy(web);
	}
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	pthread_sigmask(SIG_SETMASK, &old_mask, NULL);
	return rc;
}
