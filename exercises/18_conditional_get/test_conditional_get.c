/*
 * The graded tests of exercise 18. Most call ex_conditional_get() directly
 * with one request's headers; the tests named test_server_* put it behind
 * a real HTTP server (libmicrohttpd, on 127.0.0.1, on a port the kernel
 * picks) and ask with a real client (libcurl), counting statuses and body
 * bytes on both sides of the wire. Run them with
 * `make test EX=18_conditional_get`.
 *
 * grade-link: -lmicrohttpd -lcurl
 */
#define _DEFAULT_SOURCE /* gmtime_r */

#include "conditional_get.h"
#include "grade.h"
#include "grade_assert.h"

#include <curl/curl.h>
#include <microhttpd.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

static const char TEAL[] = "body { color: teal }";
static const char NAVY[] = "body { color: navy }"; /* The same size. */
enum { CSS_SIZE = sizeof(TEAL) - 1 };

/* Last-Modified of the tests' resources, and dates around it. */
static const time_t MODIFIED = 1700000000;
static const char MODIFIED_TEXT[] = "Tue, 14 Nov 2023 22:13:20 GMT";
static const char SECOND_BEFORE[] = "Tue, 14 Nov 2023 22:13:19 GMT";
static const char DAY_AFTER[] = "Wed, 15 Nov 2023 22:13:20 GMT";

/* A tag for the tests that fill a resource by hand, so that they do not
 * depend on the answer's ex_etag(). */
static const char TAG[] = "\"5d2b1c0e9a8f7d61\"";

static struct ex_resource by_hand(const char *cache_control,
                                  time_t last_modified)
{
	struct ex_resource resource = {.body = TEAL,
	                               .size = CSS_SIZE,
	                               .last_modified = last_modified,
	                               .cache_control = cache_control};
	memcpy(resource.etag, TAG, sizeof(TAG));
	return resource;
}

/* Ask, and fail with the headers sent unless the call succeeded. */
static struct ex_response ask(const struct ex_resource *resource,
                              const char *inm, const char *ims)
{
	struct ex_response out;
	memset(&out, 0xA5, sizeof(out)); /* Not a valid answer by chance. */
	int rc = ex_conditional_get(resource, inm, ims, &out);
	char text[GRADE_CODE_TEXT_SIZE];
	ck_assert_msg(
		rc == DP_OK,
		"ex_conditional_get(If-None-Match: %s, If-Modified-Since: "
		"%s) returned %s, expected DP_OK",
		inm ? inm : "(none)", ims ? ims : "(none)",
		grade_code_text(text, rc));
	return out;
}

/* The resource's policy, for messages. */
static const char *policy(const struct ex_resource *resource)
{
	return resource->cache_control ? resource->cache_control : "(none)";
}

/* Fail unless `out` is a 200 with the whole body. */
static void expect_200(const struct ex_resource *resource,
                       const struct ex_response *out, const char *inm,
                       const char *ims)
{
	ck_assert_msg(
		out->status == EX_HTTP_OK && out->body == TEAL &&
			out->size == CSS_SIZE,
		"Cache-Control: %s; If-None-Match: %s, If-Modified-Since: "
		"%s: expected 200 with the %d-byte body, got status %u "
		"with %zu bytes%s",
		policy(resource), inm ? inm : "(none)", ims ? ims : "(none)",
		CSS_SIZE, out->status, out->size,
		out->body == TEAL ? "" : " (not the resource's body)");
}

/* Fail unless `out` is a 304 with no body. */
static void expect_304(const struct ex_resource *resource,
                       const struct ex_response *out, const char *inm,
                       const char *ims)
{
	ck_assert_msg(
		out->status == EX_HTTP_NOT_MODIFIED,
		"Cache-Control: %s; If-None-Match: %s, If-Modified-Since: "
		"%s: expected 304 Not Modified, got status %u",
		policy(resource), inm ? inm : "(none)", ims ? ims : "(none)",
		out->status);
	ck_assert_msg(out->body == NULL && out->size == 0,
	              "a 304 has no body: expected NULL and 0 bytes, got %zu "
	              "bytes%s",
	              out->size,
	              out->body == NULL ? "" : " and a body pointer");
}

/* ---- a server around the answer, and a client --------------------------- */

/* What the server handed to libmicrohttpd, as the answer decided it. */
struct site {
	struct MHD_Daemon *daemon;
	uint16_t port;
	pthread_mutex_t lock; /* Guards the resource and the counts. */
	struct ex_resource resource;
	int requests;
	int responses_200;
	int responses_304;
	int responses_other; /* An error code or another status: a 500. */
	size_t body_bytes;   /* Body bytes the answers said to send. */
};

static void add_header(struct MHD_Response *response, const char *name,
                       const char *value)
{
	if (value != NULL)
		MHD_add_response_header(response, name, value);
}

/* The response libmicrohttpd sends for one decision, or NULL for a 500. */
static struct MHD_Response *
build(struct site *site, struct MHD_Connection *connection, unsigned *status)
{
	const char *inm = MHD_lookup_connection_value(
		connection, MHD_HEADER_KIND, MHD_HTTP_HEADER_IF_NONE_MATCH);
	const char *ims = MHD_lookup_connection_value(
		connection, MHD_HEADER_KIND, MHD_HTTP_HEADER_IF_MODIFIED_SINCE);
	struct ex_response out = {0};
	int rc = ex_conditional_get(&site->resource, inm, ims, &out);
	if (rc != DP_OK ||
	    (out.status != EX_HTTP_OK && out.status != EX_HTTP_NOT_MODIFIED) ||
	    (out.body == NULL && out.size != 0) || out.size > 1024) {
		site->responses_other++;
		return NULL;
	}
	/* Whatever the answer says is handed over, a body with a 304
	 * included. libmicrohttpd drops a 304's body by itself, so the
	 * client never sees that mistake: the counts below, of what the
	 * answer decided, are what catch it. */
	struct MHD_Response *response = MHD_create_response_from_buffer(
		out.size, (void *)out.body, MHD_RESPMEM_MUST_COPY);
	if (response == NULL)
		return NULL;
	add_header(response, MHD_HTTP_HEADER_ETAG, out.etag);
	add_header(response, MHD_HTTP_HEADER_CACHE_CONTROL, out.cache_control);
	struct tm tm;
	char date[64];
	if (out.last_modified != 0 && gmtime_r(&out.last_modified, &tm) &&
	    strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S GMT", &tm))
		add_header(response, MHD_HTTP_HEADER_LAST_MODIFIED, date);
	*status = out.status;
	site->responses_200 += out.status == EX_HTTP_OK;
	site->responses_304 += out.status == EX_HTTP_NOT_MODIFIED;
	site->body_bytes += out.size;
	return response;
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *connection,
                              const char *url, const char *method,
                              const char *version, const char *upload_data,
                              size_t *upload_data_size, void **request_state)
{
	struct site *site = cls;
	(void)url;
	(void)method;
	(void)version;
	(void)upload_data;
	(void)upload_data_size;
	(void)request_state;

	unsigned status = MHD_HTTP_INTERNAL_SERVER_ERROR;
	pthread_mutex_lock(&site->lock);
	site->requests++;
	struct MHD_Response *response = build(site, connection, &status);
	pthread_mutex_unlock(&site->lock);
	if (response == NULL)
		response = MHD_create_response_from_buffer(
			0, NULL, MHD_RESPMEM_PERSISTENT);
	if (response == NULL)
		return MHD_NO;
	enum MHD_Result queued =
		MHD_queue_response(connection, status, response);
	MHD_destroy_response(response);
	return queued;
}

/* Start a server with one resource, set by the answer's
 * ex_resource_set(). */
static void site_start(struct site *site, const char *cache_control)
{
	*site = (struct site){0};
	grade_assert_code(ex_resource_set(&site->resource, TEAL, CSS_SIZE,
	                                  MODIFIED, cache_control),
	                  DP_OK);
	ck_assert_int_eq(pthread_mutex_init(&site->lock, NULL), 0);
	struct sockaddr_in address = {.sin_family = AF_INET};
	address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	site->daemon =
		MHD_start_daemon(MHD_USE_POLL_INTERNAL_THREAD, 0, NULL, NULL,
	                         handle, site, MHD_OPTION_SOCK_ADDR,
	                         (struct sockaddr *)&address, MHD_OPTION_END);
	ck_assert_msg(site->daemon != NULL,
	              "the test's server did not start on 127.0.0.1 (is the "
	              "loopback interface up?)");
	const union MHD_DaemonInfo *info =
		MHD_get_daemon_info(site->daemon, MHD_DAEMON_INFO_BIND_PORT);
	ck_assert(info != NULL && info->port != 0);
	site->port = info->port;
}

static void site_stop(struct site *site)
{
	MHD_stop_daemon(site->daemon);
	pthread_mutex_destroy(&site->lock);
}

/* Change the resource while the server runs, through the answer's
 * ex_resource_set(). */
static void site_change(struct site *site, const char *body)
{
	pthread_mutex_lock(&site->lock);
	int rc = ex_resource_set(&site->resource, body, CSS_SIZE, MODIFIED,
	                         site->resource.cache_control);
	pthread_mutex_unlock(&site->lock);
	grade_assert_code(rc, DP_OK);
}

/* One answer as the client received it. */
struct reply {
	long status;
	size_t body_bytes; /* Counted by the client, from the wire. */
	char body[64];
	char etag[EX_ETAG_SIZE + 8];
	char last_modified[64];
};

static size_t on_body(char *data, size_t size, size_t count, void *ctx)
{
	struct reply *reply = ctx;
	size_t n = size * count;
	size_t room = sizeof(reply->body) - 1 - strlen(reply->body);
	strncat(reply->body, data, n < room ? n : room);
	reply->body_bytes += n;
	return n;
}

/* Copy a header's value, without its CRLF, when the line is that header. */
static void keep_header(const char *line, size_t size, const char *name,
                        char *out, size_t out_size)
{
	size_t length = strlen(name);
	if (size <= length + 1 || strncasecmp(line, name, length) != 0 ||
	    line[length] != ':')
		return;
	line += length + 1;
	size -= length + 1;
	while (size > 0 && *line == ' ') {
		line++;
		size--;
	}
	while (size > 0 && (line[size - 1] == '\r' || line[size - 1] == '\n'))
		size--;
	snprintf(out, out_size, "%.*s", (int)size, line);
}

static size_t on_header(char *line, size_t size, size_t count, void *ctx)
{
	struct reply *reply = ctx;
	size_t n = size * count;
	keep_header(line, n, "ETag", reply->etag, sizeof(reply->etag));
	keep_header(line, n, "Last-Modified", reply->last_modified,
	            sizeof(reply->last_modified));
	return n;
}

/* GET /app.css with the conditional headers given (NULL: not sent), on
 * a handle that keeps its connection open between requests. */
static struct reply fetch(CURL *curl, const struct site *site, const char *inm,
                          const char *ims)
{
	struct reply reply = {0};
	char url[64];
	snprintf(url, sizeof(url), "http://127.0.0.1:%u/app.css",
	         (unsigned)site->port);
	struct curl_slist *headers = NULL;
	if (inm != NULL) {
		char inm_line[256]; /* curl_slist_append() copies it. */
		snprintf(inm_line, sizeof(inm_line), "If-None-Match: %s", inm);
		headers = curl_slist_append(headers, inm_line);
	}
	if (ims != NULL) {
		char ims_line[128];
		snprintf(ims_line, sizeof(ims_line), "If-Modified-Since: %s",
		         ims);
		headers = curl_slist_append(headers, ims_line);
	}
	curl_easy_setopt(curl, CURLOPT_URL, url);
	curl_easy_setopt(curl, CURLOPT_NOPROXY, "*");
	curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
	curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(curl, CURLOPT_WRITEDATA, &reply);
	curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(curl, CURLOPT_HEADERDATA, &reply);
	/* A safety net so that a lost answer fails the test with a message
	 * instead of its time limit; nothing graded depends on it. */
	curl_easy_setopt(curl, CURLOPT_TIMEOUT, 4L);
	CURLcode rc = curl_easy_perform(curl);
	curl_slist_free_all(headers);
	ck_assert_msg(rc == CURLE_OK, "the GET failed: %s",
	              curl_easy_strerror(rc));
	curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &reply.status);
	return reply;
}

static CURL *client_start(void)
{
	ck_assert_int_eq(curl_global_init(CURL_GLOBAL_DEFAULT), CURLE_OK);
	CURL *curl = curl_easy_init();
	ck_assert_ptr_nonnull(curl);
	return curl;
}

static void client_stop(CURL *curl)
{
	curl_easy_cleanup(curl);
	curl_global_cleanup();
}

/* Fail unless the client got `status` with `bytes` body bytes. */
static void expect_reply(const struct reply *reply, long status, size_t bytes,
                         const char *what)
{
	ck_assert_msg(reply->status == status && reply->body_bytes == bytes,
	              "%s: expected %ld with %zu body bytes on the wire, got "
	              "%ld with %zu",
	              what, status, bytes, reply->status, reply->body_bytes);
}

/* Fail unless the server's answers were these, in number and bytes. */
static void expect_counts(struct site *site, int ok, int not_modified,
                          size_t bytes)
{
	pthread_mutex_lock(&site->lock);
	struct site seen = {.responses_200 = site->responses_200,
	                    .responses_304 = site->responses_304,
	                    .responses_other = site->responses_other,
	                    .body_bytes = site->body_bytes};
	pthread_mutex_unlock(&site->lock);
	ck_assert_msg(
		seen.responses_200 == ok &&
			seen.responses_304 == not_modified &&
			seen.responses_other == 0 && seen.body_bytes == bytes,
		"the server's answers: expected %d x 200, %d x 304 and "
		"%zu body bytes, got %d x 200, %d x 304, %d errors and "
		"%zu body bytes",
		ok, not_modified, bytes, seen.responses_200, seen.responses_304,
		seen.responses_other, seen.body_bytes);
}

/* ---- step 1: the tag ------------------------------------------------------ */

/* Fail unless `tag` is a well-formed strong tag. */
static void expect_strong_tag(const char *tag)
{
	size_t length = strnlen(tag, EX_ETAG_SIZE);
	ck_assert_msg(length >= 3 && length < EX_ETAG_SIZE && tag[0] == '"' &&
	                      tag[length - 1] == '"' &&
	                      strcspn(tag + 1, "\"") == length - 2,
	              "a strong tag is a quoted string such as "
	              "\"a3f0c2d9e8b71654\" (quotes included, no W/), got "
	              "[%.*s]",
	              (int)length, tag);
	for (size_t i = 0; i < length; i++)
		ck_assert_msg(tag[i] > ' ' && tag[i] < 127,
		              "a tag is printable, without spaces: byte %zu of "
		              "[%s] is %d",
		              i, tag, tag[i]);
}

START_TEST(test_etag_is_a_quoted_hash_of_the_bytes)
{
	char a[EX_ETAG_SIZE], b[EX_ETAG_SIZE];
	char copy[sizeof(TEAL)];
	memcpy(copy, TEAL, sizeof(TEAL));
	grade_assert_code(ex_etag(TEAL, CSS_SIZE, a, sizeof(a)), DP_OK);
	expect_strong_tag(a);
	grade_assert_code(ex_etag(copy, CSS_SIZE, b, sizeof(b)), DP_OK);
	ck_assert_msg(strcmp(a, b) == 0,
	              "equal bytes at two addresses must give one tag: got %s "
	              "and %s",
	              a, b);
	/* Pairs of bodies a weak tag confuses: same size, swapped bytes, one
	 * bit, and a trailing zero byte. */
	static const struct {
		const char *one;
		size_t one_size;
		const char *other;
		size_t other_size;
		const char *why;
	} pairs[] = {
		{TEAL, CSS_SIZE, NAVY, CSS_SIZE, "other text of the same size"},
		{"ab", 2, "ba", 2, "two bytes swapped"},
		{"a", 1, "c", 1, "one bit flipped"},
		{"x", 1, "x", 2, "one more byte (a zero)"},
		{"", 0, "", 1, "one zero byte"},
	};
	for (size_t i = 0; i < DP_ARRAY_SIZE(pairs); i++) {
		grade_assert_code(
			ex_etag(pairs[i].one, pairs[i].one_size, a, sizeof(a)),
			DP_OK);
		grade_assert_code(ex_etag(pairs[i].other, pairs[i].other_size,
		                          b, sizeof(b)),
		                  DP_OK);
		expect_strong_tag(b);
		ck_assert_msg(
			strcmp(a, b) != 0,
			"bodies that differ by %s got the same tag %s: a "
			"cache would keep the old one for ever. Hash every "
			"byte, in order",
			pairs[i].why, a);
	}
	grade_assert_code(ex_etag(NULL, 0, a, sizeof(a)), DP_OK);
	expect_strong_tag(a);
}
END_TEST

START_TEST(test_etag_rejects_bad_arguments)
{
	char out[EX_ETAG_SIZE] = "untouched";
	grade_assert_code(ex_etag(TEAL, CSS_SIZE, NULL, EX_ETAG_SIZE),
	                  DP_EINVAL);
	grade_assert_code(ex_etag(NULL, 1, out, sizeof(out)), DP_EINVAL);
	grade_assert_code(ex_etag(TEAL, CSS_SIZE, out, EX_ETAG_SIZE - 1),
	                  DP_ERANGE);
	ck_assert_msg(strcmp(out, "untouched") == 0,
	              "on an error `out` is untouched, got [%s]", out);
}
END_TEST

/* ---- step 2: a resource that changes -------------------------------------- */

START_TEST(test_resource_set_gives_a_changed_body_a_new_tag)
{
	struct ex_resource resource = {0};
	char teal[EX_ETAG_SIZE], navy[EX_ETAG_SIZE];
	grade_assert_code(ex_etag(TEAL, CSS_SIZE, teal, sizeof(teal)), DP_OK);
	grade_assert_code(ex_etag(NAVY, CSS_SIZE, navy, sizeof(navy)), DP_OK);

	grade_assert_code(ex_resource_set(&resource, TEAL, CSS_SIZE, MODIFIED,
	                                  "max-age=60"),
	                  DP_OK);
	ck_assert_msg(resource.body == TEAL && resource.size == CSS_SIZE &&
	                      resource.last_modified == MODIFIED &&
	                      resource.cache_control != NULL &&
	                      strcmp(resource.cache_control, "max-age=60") == 0,
	              "ex_resource_set() sets body, size, last_modified and "
	              "cache_control as given");
	ck_assert_msg(strcmp(resource.etag, teal) == 0,
	              "the resource's tag is ex_etag() of its body: expected "
	              "%s, got [%.*s]",
	              teal, EX_ETAG_SIZE, resource.etag);
	grade_assert_code(ex_resource_set(&resource, NAVY, CSS_SIZE, MODIFIED,
	                                  "max-age=60"),
	                  DP_OK);
	ck_assert_msg(strcmp(resource.etag, navy) == 0,
	              "the content changed (same size, same second): expected "
	              "the new tag %s, got [%.*s], the old one is %s",
	              navy, EX_ETAG_SIZE, resource.etag, teal);
	grade_assert_code(
		ex_resource_set(&resource, TEAL, CSS_SIZE, MODIFIED, NULL),
		DP_OK);
	ck_assert_msg(strcmp(resource.etag, teal) == 0 &&
	                      resource.cache_control == NULL,
	              "the first body again gets its first tag back (%s), got "
	              "[%.*s]",
	              teal, EX_ETAG_SIZE, resource.etag);

	grade_assert_code(ex_resource_set(NULL, TEAL, CSS_SIZE, 0, NULL),
	                  DP_EINVAL);
	grade_assert_code(ex_resource_set(&resource, NULL, 1, 0, NULL),
	                  DP_EINVAL);
	ck_assert_msg(resource.body == TEAL && strcmp(resource.etag, teal) == 0,
	              "a refused ex_resource_set() leaves the resource as it "
	              "was");
}
END_TEST

/* ---- step 3: the plain 200 ------------------------------------------------ */

START_TEST(test_get_without_conditions_is_200_with_body_and_validators)
{
	struct ex_resource resource = by_hand("max-age=60", MODIFIED);
	struct ex_response out = ask(&resource, NULL, NULL);
	expect_200(&resource, &out, NULL, NULL);
	ck_assert_msg(out.etag != NULL && strcmp(out.etag, TAG) == 0,
	              "a 200 carries the resource's ETag %s", TAG);
	ck_assert_msg(out.last_modified == MODIFIED,
	              "a 200 carries the resource's Last-Modified: expected "
	              "%lld, got %lld",
	              (long long)MODIFIED, (long long)out.last_modified);
	ck_assert_msg(out.cache_control != NULL &&
	                      strcmp(out.cache_control, "max-age=60") == 0,
	              "a 200 carries the resource's Cache-Control");

	resource = by_hand(NULL, 0);
	out = ask(&resource, NULL, NULL);
	expect_200(&resource, &out, NULL, NULL);
	ck_assert_msg(out.last_modified == 0 && out.cache_control == NULL,
	              "a resource without Last-Modified or Cache-Control "
	              "sends neither (0 and NULL)");
}
END_TEST

/* ---- step 4: If-None-Match with one tag ----------------------------------- */

START_TEST(test_matching_tag_is_304_without_a_body)
{
	struct ex_resource resource = by_hand("no-cache", MODIFIED);
	struct ex_response out = ask(&resource, TAG, NULL);
	expect_304(&resource, &out, TAG, NULL);
	ck_assert_msg(out.etag != NULL && strcmp(out.etag, TAG) == 0 &&
	                      out.cache_control != NULL &&
	                      strcmp(out.cache_control, "no-cache") == 0,
	              "a 304 repeats the ETag and the Cache-Control, so that "
	              "the cache can refresh its copy");
	ck_assert_msg(out.last_modified == 0,
	              "a 304 with an ETag leaves Last-Modified out (0), got "
	              "%lld",
	              (long long)out.last_modified);

	const char *other = "\"0000000000000000\"";
	out = ask(&resource, other, NULL);
	expect_200(&resource, &out, other, NULL);
}
END_TEST

START_TEST(test_server_revalidation_is_a_304_with_no_body_bytes)
{
	struct site site;
	site_start(&site, "no-cache");
	CURL *curl = client_start();

	struct reply first = fetch(curl, &site, NULL, NULL);
	expect_reply(&first, 200, CSS_SIZE, "the first GET");
	ck_assert_msg(strcmp(first.body, TEAL) == 0 &&
	                      strcmp(first.etag, site.resource.etag) == 0,
	              "the first GET: expected the body and ETag %s, got [%s] "
	              "and ETag [%s]",
	              site.resource.etag, first.body, first.etag);
	struct reply again = fetch(curl, &site, first.etag, NULL);
	expect_reply(&again, 304, 0, "the GET with If-None-Match: its ETag");
	ck_assert_msg(strcmp(again.etag, first.etag) == 0,
	              "the 304 repeats the ETag %s, got [%s]", first.etag,
	              again.etag);
	expect_counts(&site, 1, 1, CSS_SIZE);

	client_stop(curl);
	site_stop(&site);
}
END_TEST

START_TEST(test_server_sends_a_changed_body_with_a_new_etag)
{
	struct site site;
	site_start(&site, "no-cache");
	CURL *curl = client_start();

	struct reply first = fetch(curl, &site, NULL, NULL);
	expect_reply(&first, 200, CSS_SIZE, "the first GET");
	site_change(&site, NAVY); /* Same size, same Last-Modified. */
	struct reply changed = fetch(curl, &site, first.etag, NULL);
	expect_reply(&changed, 200, CSS_SIZE,
	             "the content changed; GET with the old ETag");
	ck_assert_msg(strcmp(changed.body, NAVY) == 0,
	              "expected the new body [%s], got [%s]", NAVY,
	              changed.body);
	ck_assert_msg(changed.etag[0] != '\0' &&
	                      strcmp(changed.etag, first.etag) != 0,
	              "the new body needs a new ETag, got [%s] again",
	              changed.etag);
	struct reply again = fetch(curl, &site, changed.etag, NULL);
	expect_reply(&again, 304, 0, "GET with the new ETag");
	expect_counts(&site, 2, 1, 2 * CSS_SIZE);

	client_stop(curl);
	site_stop(&site);
}
END_TEST

/* ---- step 5: lists, weak tags and `*` ------------------------------------- */

START_TEST(test_if_none_match_list_is_scanned_item_by_item)
{
	struct ex_resource resource = by_hand("max-age=60", MODIFIED);
	static const char *const matching[] = {
		"\"aaaa\", \"5d2b1c0e9a8f7d61\"",
		"\"5d2b1c0e9a8f7d61\", \"bbbb\"",
		"\"aaaa\",\"5d2b1c0e9a8f7d61\",\"bbbb\"",
		"\"aaaa\" ,\t\"5d2b1c0e9a8f7d61\"",
		"junk, \"5d2b1c0e9a8f7d61\"",
	};
	for (size_t i = 0; i < DP_ARRAY_SIZE(matching); i++) {
		struct ex_response out = ask(&resource, matching[i], NULL);
		expect_304(&resource, &out, matching[i], NULL);
	}
	static const char *const others[] = {
		"\"aaaa\", \"bbbb\"",
		"\"5d2b1c0e9a8f7d6\"",   /* A prefix of the tag. */
		"\"5d2b1c0e9a8f7d610\"", /* The tag and one more digit. */
		"5d2b1c0e9a8f7d61",      /* Not quoted: not a tag. */
		"\"5d2b1c0e9a8f7d61",    /* No closing quote. */
		"",
	};
	for (size_t i = 0; i < DP_ARRAY_SIZE(others); i++) {
		struct ex_response out = ask(&resource, others[i], NULL);
		expect_200(&resource, &out, others[i], NULL);
	}
}
END_TEST

START_TEST(test_weak_tags_and_star_match)
{
	struct ex_resource resource = by_hand("max-age=60", MODIFIED);
	static const char *const matching[] = {
		"W/\"5d2b1c0e9a8f7d61\"",
		"\"aaaa\", W/\"5d2b1c0e9a8f7d61\"",
		"W/\"aaaa\", W/\"5d2b1c0e9a8f7d61\"",
		"*",
	};
	for (size_t i = 0; i < DP_ARRAY_SIZE(matching); i++) {
		struct ex_response out = ask(&resource, matching[i], NULL);
		expect_304(&resource, &out, matching[i], NULL);
	}
	static const char *const others[] = {
		"W/\"aaaa\"",
		"W/\"5d2b1c0e9a8f7d6\"",
		"\"W/5d2b1c0e9a8f7d61\"",
	};
	for (size_t i = 0; i < DP_ARRAY_SIZE(others); i++) {
		struct ex_response out = ask(&resource, others[i], NULL);
		expect_200(&resource, &out, others[i], NULL);
	}
}
END_TEST

START_TEST(test_server_matches_lists_weak_tags_and_star)
{
	struct site site;
	site_start(&site, "no-cache");
	CURL *curl = client_start();

	struct reply first = fetch(curl, &site, NULL, NULL);
	expect_reply(&first, 200, CSS_SIZE, "the first GET");
	char list[256];
	snprintf(list, sizeof(list), "\"x\", W/%s, \"y\"", first.etag);
	struct reply weak = fetch(curl, &site, list, NULL);
	expect_reply(&weak, 304, 0, "If-None-Match: a list with W/ its tag");
	struct reply others = fetch(curl, &site, "\"x\", \"y\"", NULL);
	expect_reply(&others, 200, CSS_SIZE, "If-None-Match: \"x\", \"y\"");
	struct reply star = fetch(curl, &site, "*", NULL);
	expect_reply(&star, 304, 0, "If-None-Match: *");
	expect_counts(&site, 2, 2, 2 * CSS_SIZE);

	client_stop(curl);
	site_stop(&site);
}
END_TEST

/* ---- step 6: If-Modified-Since, and who decides ---------------------------- */

START_TEST(test_if_modified_since_compares_with_last_modified)
{
	struct ex_resource resource = by_hand("max-age=0", MODIFIED);
	struct ex_response out = ask(&resource, NULL, MODIFIED_TEXT);
	expect_304(&resource, &out, NULL, MODIFIED_TEXT);
	out = ask(&resource, NULL, DAY_AFTER);
	expect_304(&resource, &out, NULL, DAY_AFTER);
	out = ask(&resource, NULL, SECOND_BEFORE);
	expect_200(&resource, &out, NULL, SECOND_BEFORE);
}
END_TEST

START_TEST(test_unusable_dates_are_ignored)
{
	struct ex_resource resource = by_hand("max-age=0", MODIFIED);
	static const char *const bad[] = {
		"yesterday",
		"",
		"Tue, 14 Nov 2023 22:13:20",         /* No zone. */
		"Tue, 14 Nov 2023 22:13:20 GMT and", /* Trailing text. */
		"Wed, 15 Xyz 2023 22:13:20 GMT",
	};
	for (size_t i = 0; i < DP_ARRAY_SIZE(bad); i++) {
		struct ex_response out = ask(&resource, NULL, bad[i]);
		expect_200(&resource, &out, NULL, bad[i]);
	}
	resource = by_hand("max-age=0", 0); /* No Last-Modified. */
	struct ex_response out = ask(&resource, NULL, DAY_AFTER);
	ck_assert_msg(out.status == EX_HTTP_OK,
	              "a resource without Last-Modified cannot be "
	              "unmodified since a date: expected 200, got %u",
	              out.status);
}
END_TEST

START_TEST(test_if_none_match_takes_precedence_over_if_modified_since)
{
	struct ex_resource resource = by_hand("max-age=60", MODIFIED);
	const char *stale = "\"0000000000000000\"";
	struct ex_response out = ask(&resource, stale, DAY_AFTER);
	expect_200(&resource, &out, stale, DAY_AFTER);
	out = ask(&resource, TAG, SECOND_BEFORE);
	expect_304(&resource, &out, TAG, SECOND_BEFORE);
	out = ask(&resource, "\"a\", \"b\"", MODIFIED_TEXT);
	expect_200(&resource, &out, "\"a\", \"b\"", MODIFIED_TEXT);
}
END_TEST

START_TEST(test_server_if_none_match_wins_over_the_date)
{
	struct site site;
	site_start(&site, "no-cache");
	CURL *curl = client_start();

	struct reply first = fetch(curl, &site, NULL, NULL);
	expect_reply(&first, 200, CSS_SIZE, "the first GET");
	ck_assert_msg(strcmp(first.last_modified, MODIFIED_TEXT) == 0,
	              "the 200 carries Last-Modified: %s, got [%s]",
	              MODIFIED_TEXT, first.last_modified);
	struct reply dated = fetch(curl, &site, NULL, first.last_modified);
	expect_reply(&dated, 304, 0, "If-Modified-Since: its Last-Modified");
	site_change(&site, NAVY); /* Same second: the date cannot see it. */
	struct reply both = fetch(curl, &site, first.etag, first.last_modified);
	expect_reply(&both, 200, CSS_SIZE,
	             "the content changed within the second; the old ETag "
	             "and Last-Modified");
	ck_assert_msg(strcmp(both.body, NAVY) == 0,
	              "expected the new body [%s], got [%s]", NAVY, both.body);
	expect_counts(&site, 2, 1, 2 * CSS_SIZE);

	client_stop(curl);
	site_stop(&site);
}
END_TEST

/* ---- step 7: no-store ----------------------------------------------------- */

START_TEST(test_no_store_is_never_a_304_and_has_no_validators)
{
	static const char *const policies[] = {"no-store", "private, no-store",
	                                       "No-Store",
	                                       "no-store, max-age=0"};
	for (size_t i = 0; i < DP_ARRAY_SIZE(policies); i++) {
		struct ex_resource resource = by_hand(policies[i], MODIFIED);
		struct ex_response out = ask(&resource, TAG, NULL);
		ck_assert_msg(out.status == EX_HTTP_OK && out.size == CSS_SIZE,
		              "Cache-Control: %s, If-None-Match: its tag: "
		              "expected 200 with the body (nobody may keep it, "
		              "so nobody can revalidate it), got %u with %zu "
		              "bytes",
		              policies[i], out.status, out.size);
		ck_assert_msg(out.etag == NULL && out.last_modified == 0,
		              "Cache-Control: %s: a response nobody may store "
		              "carries no validator (ETag NULL, Last-Modified "
		              "0)",
		              policies[i]);
		out = ask(&resource, "*", DAY_AFTER);
		ck_assert_msg(out.status == EX_HTTP_OK,
		              "Cache-Control: %s, If-None-Match: *: expected "
		              "200, got %u",
		              policies[i], out.status);
	}
	static const char *const storable[] = {"no-cache", "max-age=0",
	                                       "private"};
	for (size_t i = 0; i < DP_ARRAY_SIZE(storable); i++) {
		struct ex_resource resource = by_hand(storable[i], MODIFIED);
		struct ex_response out = ask(&resource, TAG, NULL);
		ck_assert_msg(out.status == EX_HTTP_NOT_MODIFIED,
		              "Cache-Control: %s is not no-store: a matching "
		              "tag is a 304, got %u",
		              storable[i], out.status);
	}
}
END_TEST

START_TEST(test_server_never_revalidates_no_store)
{
	struct site site;
	site_start(&site, "no-store");
	CURL *curl = client_start();

	struct reply first = fetch(curl, &site, NULL, NULL);
	expect_reply(&first, 200, CSS_SIZE, "the first GET");
	ck_assert_msg(first.etag[0] == '\0' && first.last_modified[0] == '\0',
	              "a no-store response carries no ETag and no "
	              "Last-Modified, got [%s] and [%s]",
	              first.etag, first.last_modified);
	struct reply star = fetch(curl, &site, "*", NULL);
	expect_reply(&star, 200, CSS_SIZE, "no-store, If-None-Match: *");
	struct reply dated = fetch(curl, &site, NULL, DAY_AFTER);
	expect_reply(&dated, 200, CSS_SIZE,
	             "no-store, If-Modified-Since: a later date");
	expect_counts(&site, 3, 0, 3 * CSS_SIZE);

	client_stop(curl);
	site_stop(&site);
}
END_TEST

/* ---- the arguments --------------------------------------------------------- */

START_TEST(test_conditional_get_rejects_bad_arguments)
{
	struct ex_resource resource = by_hand(NULL, MODIFIED);
	struct ex_response out = {.status = 42};
	grade_assert_code(ex_conditional_get(NULL, NULL, NULL, &out),
	                  DP_EINVAL);
	grade_assert_code(ex_conditional_get(&resource, NULL, NULL, NULL),
	                  DP_EINVAL);
	resource.body = NULL;
	grade_assert_code(ex_conditional_get(&resource, NULL, NULL, &out),
	                  DP_EINVAL);
	ck_assert_msg(out.status == 42,
	              "on an error `out` is untouched, got status %u",
	              out.status);
}
END_TEST

/* The graded tests, in the order students should tackle them. */
static const struct grade_test TESTS[] = {
	{"test_etag_is_a_quoted_hash_of_the_bytes",
         test_etag_is_a_quoted_hash_of_the_bytes, 3,
         "Hash every byte of the body, in order, into 64 bits (FNV-1a: "
         "xor the byte in, then multiply by the prime), and print the hash "
         "as hex between double quotes. README step 1."},
	{"test_etag_rejects_bad_arguments", test_etag_rejects_bad_arguments, 1,
         "Check `out` and `body` first (DP_EINVAL), then the room "
         "(DP_ERANGE), before writing anything."},
	{"test_resource_set_gives_a_changed_body_a_new_tag",
         test_resource_set_gives_a_changed_body_a_new_tag, 2,
         "The tag belongs to the body given NOW: compute it on every call, "
         "never keep the one from before. README step 2."},
	{"test_get_without_conditions_is_200_with_body_and_validators",
         test_get_without_conditions_is_200_with_body_and_validators, 2,
         "Without conditional headers the answer is 200 with everything "
         "the resource has: body, size, tag, date, policy. README step 3."},
	{"test_matching_tag_is_304_without_a_body",
         test_matching_tag_is_304_without_a_body, 3,
         "A 304 tells the client to use its copy: no body (NULL, 0), but "
         "the ETag and Cache-Control it refreshes the copy with. no-cache "
         "asks for exactly this answer. README step 4."},
	{"test_server_revalidation_is_a_304_with_no_body_bytes",
         test_server_revalidation_is_a_304_with_no_body_bytes, 4,
         "The server sends what your answer says: a 304 must say 0 body "
         "bytes, and the 200 must carry the ETag the client echoes."},
	{"test_server_sends_a_changed_body_with_a_new_etag",
         test_server_sends_a_changed_body_with_a_new_etag, 4,
         "After ex_resource_set() with a new body of the same size, the "
         "old tag must no longer match: does your tag depend on every "
         "byte, and is it recomputed?"},
	{"test_if_none_match_list_is_scanned_item_by_item",
         test_if_none_match_list_is_scanned_item_by_item, 3,
         "If-None-Match is a comma-separated LIST of quoted tags: compare "
         "each item, whole quotes to whole quotes, not the whole header. "
         "README step 5."},
	{"test_weak_tags_and_star_match", test_weak_tags_and_star_match, 3,
         "If-None-Match uses the weak comparison: drop a W/ in front of an "
         "item before comparing it; `*` matches any tag. README step 5."},
	{"test_server_matches_lists_weak_tags_and_star",
         test_server_matches_lists_weak_tags_and_star, 3,
         "Browsers and proxies send lists and W/ tags: the same rules as "
         "the direct tests, over the wire."},
	{"test_if_modified_since_compares_with_last_modified",
         test_if_modified_since_compares_with_last_modified, 3,
         "Parse the date (strptime with \"%a, %d %b %Y %H:%M:%S GMT\", "
         "then timegm); unmodified means Last-Modified <= that date, the "
         "same second included. README step 6."},
	{"test_unusable_dates_are_ignored", test_unusable_dates_are_ignored, 2,
         "A date that does not parse to its very end, or a resource "
         "without Last-Modified, means the header is ignored: 200."},
	{"test_if_none_match_takes_precedence_over_if_modified_since",
         test_if_none_match_takes_precedence_over_if_modified_since, 3,
         "When If-None-Match is present it alone decides; look at "
         "If-Modified-Since only when it is absent (RFC 9110 13.2.2). "
         "README step 6."},
	{"test_server_if_none_match_wins_over_the_date",
         test_server_if_none_match_wins_over_the_date, 3,
         "A change within the same second keeps Last-Modified; only the "
         "tag sees it. Check If-None-Match first."},
	{"test_no_store_is_never_a_304_and_has_no_validators",
         test_no_store_is_never_a_304_and_has_no_validators, 3,
         "Look for the no-store directive in the comma-separated "
         "Cache-Control, without case; no-cache and private are not "
         "no-store. README step 7."},
	{"test_server_never_revalidates_no_store",
         test_server_never_revalidates_no_store, 3,
         "For no-store every answer is a full 200 with no ETag and no "
         "Last-Modified, whatever the request asks."},
	{"test_conditional_get_rejects_bad_arguments",
         test_conditional_get_rejects_bad_arguments, 1,
         "Check resource, out and the body/size pair before writing "
         "anything to out."},
};

int main(int argc, char **argv)
{
	return grade_main("18_conditional_get", TESTS, DP_ARRAY_SIZE(TESTS),
	                  argc, argv);
}
