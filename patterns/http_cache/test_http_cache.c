/*
 * Tests of the HTTP cache chapter. Every test starts its own server on a
 * port the kernel picks and stops it, and asserts counts, never times:
 * requests and body bytes at the server, requests and hits at the client.
 * The client's clock is a variable the tests move. Requests the client
 * library would never send (a 1 MiB request line, a header without a
 * colon) go through a raw socket.
 */
#define _DEFAULT_SOURCE

#include "common/dp_test.h"
#include "http_cache/http_cache.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static const char CSS[] = "body { color: teal }";
static const time_t MODIFIED = 1700000000; /* Tue, 14 Nov 2023 22:13:20 GMT */

static dp_http_server *start(const char *cache_control)
{
	dp_http_server *server = dp_http_server_create(NULL);
	ck_assert_ptr_nonnull(server);
	struct dp_http_resource css = {.path = "/app.css",
	                               .body = CSS,
	                               .size = sizeof(CSS) - 1,
	                               .content_type = "text/css",
	                               .cache_control = cache_control,
	                               .last_modified = MODIFIED};
	ck_assert_int_eq(dp_http_server_put(server, &css), DP_OK);
	return server;
}

static struct dp_http_server_stats stats_of(dp_http_server *server)
{
	struct dp_http_server_stats stats;
	ck_assert_int_eq(dp_http_server_stats(server, &stats), DP_OK);
	return stats;
}

/* ---- a raw socket ------------------------------------------------------ */

/* Send `size` bytes and read the answer until the server closes (or 5 s
 * pass). Sending and reading are interleaved, so a server that answers
 * before it has read everything is heard. Returns the status, 0 if none. */
static int raw_exchange(uint16_t port, const char *request, size_t size,
                        char *reply, size_t reply_size)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	ck_assert_int_ge(fd, 0);
	struct sockaddr_in address = {.sin_family = AF_INET,
	                              .sin_port = htons(port)};
	address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(
		connect(fd, (struct sockaddr *)&address, sizeof(address)), 0);
	size_t sent = 0, got = 0;
	for (;;) {
		struct pollfd p = {.fd = fd,
		                   .events = POLLIN |
		                             (sent < size ? POLLOUT : 0)};
		if (poll(&p, 1, 5000) <= 0)
			break;
		if (p.revents & POLLIN || p.revents & (POLLHUP | POLLERR)) {
			ssize_t n =
				recv(fd, reply + got, reply_size - 1 - got, 0);
			if (n <= 0)
				break;
			got += (size_t)n;
			if (got == reply_size - 1)
				break;
			continue;
		}
		ssize_t n = send(fd, request + sent, size - sent, MSG_NOSIGNAL);
		if (n <= 0)
			sent = size; /* Refused: listen for the answer. */
		else
			sent += (size_t)n;
	}
	close(fd);
	reply[got] = '\0';
	int status = 0;
	sscanf(reply, "HTTP/1.%*d %d", &status);
	return status;
}

static int raw_get(uint16_t port, const char *extra, char *reply,
                   size_t reply_size)
{
	char request[4096];
	int n = snprintf(request, sizeof(request),
	                 "GET /app.css HTTP/1.1\r\nHost: 127.0.0.1\r\n"
	                 "Connection: close\r\n%s\r\n",
	                 extra);
	return raw_exchange(port, request, (size_t)n, reply, reply_size);
}

/* The body of a raw reply: what follows the blank line. */
static const char *body_of(const char *reply)
{
	const char *blank = strstr(reply, "\r\n\r\n");
	return blank != NULL ? blank + 4 : "";
}

/* ---- the header grammar ------------------------------------------------ */

START_TEST(test_etag_is_a_quoted_hash_that_changes_with_the_content)
{
	char a[DP_HTTP_ETAG_SIZE], b[DP_HTTP_ETAG_SIZE], c[DP_HTTP_ETAG_SIZE];
	ck_assert_int_eq(dp_http_etag(CSS, sizeof(CSS) - 1, a, sizeof(a)),
	                 DP_OK);
	ck_assert_int_eq(dp_http_etag(CSS, sizeof(CSS) - 1, b, sizeof(b)),
	                 DP_OK);
	ck_assert_int_eq(dp_http_etag("body { color: navy }", 20, c, sizeof(c)),
	                 DP_OK);
	ck_assert_uint_eq(strlen(a), 18);
	ck_assert(a[0] == '"' && a[17] == '"');
	ck_assert_uint_eq(strspn(a + 1, "0123456789abcdef"), 16);
	ck_assert_str_eq(a, b);
	ck_assert_str_ne(a, c);
	/* The empty body has the FNV-1a offset basis as its hash. */
	ck_assert_int_eq(dp_http_etag(NULL, 0, a, sizeof(a)), DP_OK);
	ck_assert_str_eq(a, "\"cbf29ce484222325\"");
}
END_TEST

START_TEST(test_etag_rejects_bad_arguments)
{
	char out[DP_HTTP_ETAG_SIZE];
	ck_assert_int_eq(dp_http_etag("x", 1, NULL, 19), DP_EINVAL);
	ck_assert_int_eq(dp_http_etag(NULL, 1, out, sizeof(out)), DP_EINVAL);
	ck_assert_int_eq(dp_http_etag("x", 1, out, sizeof(out) - 1), DP_ERANGE);
}
END_TEST

START_TEST(test_if_none_match_matches_lists_weak_tags_and_star)
{
	const char *tag = "\"abc\"";
	ck_assert(dp_http_etag_list_matches("\"abc\"", tag));
	ck_assert(dp_http_etag_list_matches("\"x\", \"abc\"", tag));
	ck_assert(dp_http_etag_list_matches("\"x\",W/\"abc\"", tag));
	ck_assert(dp_http_etag_list_matches(" * ", tag));
	ck_assert(!dp_http_etag_list_matches("\"abcd\"", tag));
	ck_assert(!dp_http_etag_list_matches("abc", tag));
	ck_assert(!dp_http_etag_list_matches("\"ab", tag));
	ck_assert(!dp_http_etag_list_matches("", tag));
	ck_assert(dp_http_etag_list_matches("junk, \"abc\"", tag));
	ck_assert(!dp_http_etag_list_matches(NULL, tag));
	ck_assert(!dp_http_etag_list_matches("*", NULL));
}
END_TEST

START_TEST(test_if_none_match_list_of_10000_tags_is_scanned_to_the_end)
{
	enum { TAGS = 10000, TAG = 21 }; /* "0123456789abcdef0", */
	char *list = malloc((size_t)TAGS * TAG + 32);
	ck_assert_ptr_nonnull(list);
	size_t used = 0;
	for (int i = 0; i < TAGS; i++)
		used += (size_t)sprintf(list + used, "\"%016x\", ", i);
	strcpy(list + used, "\"last\"");
	ck_assert(dp_http_etag_list_matches(list, "\"last\""));
	ck_assert(dp_http_etag_list_matches(list, "\"0000000000002710\"") ==
	          false);
	ck_assert(dp_http_etag_list_matches(list, "\"000000000000270f\""));
	free(list);
}
END_TEST

START_TEST(test_http_dates_round_trip_and_malformed_ones_are_rejected)
{
	char text[DP_HTTP_DATE_SIZE];
	ck_assert_int_eq(dp_http_date_format(784111777, text, sizeof(text)),
	                 DP_OK);
	ck_assert_str_eq(text, "Sun, 06 Nov 1994 08:49:37 GMT");
	time_t when = 0;
	ck_assert_int_eq(dp_http_date_parse(text, &when), DP_OK);
	ck_assert_int_eq(when, 784111777);
	const char *bad[] = {
		"Sunday, 06-Nov-94 08:49:37 GMT", /* RFC 850 */
		"Sun Nov  6 08:49:37 1994",       /* asctime */
		"Sun, 31 Feb 1994 08:49:37 GMT",
		"Sun, 06 Nov 1994 08:49:37",
		"Sun, 06 Nov 1994 08:49:37 GMTx",
		"Sun, 6 Nov 1994 08:49:37 GMT",
		"Sun, 06 Xyz 1994 08:49:37 GMT",
		"",
	};
	for (size_t i = 0; i < DP_ARRAY_SIZE(bad); i++) {
		when = 42;
		ck_assert_int_eq(dp_http_date_parse(bad[i], &when), DP_EINVAL);
		ck_assert_int_eq(when, 42);
	}
	ck_assert_int_eq(dp_http_date_parse(NULL, &when), DP_EINVAL);
	ck_assert_int_eq(dp_http_date_parse(text, NULL), DP_EINVAL);
	ck_assert_int_eq(dp_http_date_format(0, NULL, 30), DP_EINVAL);
	ck_assert_int_eq(dp_http_date_format(0, text, 29), DP_ERANGE);
}
END_TEST

START_TEST(test_cache_control_directives_are_parsed)
{
	struct dp_http_cache_control cc;
	ck_assert_int_eq(
		dp_http_cache_control_parse(
			"Public, MAX-AGE=\"60\", must-revalidate", &cc),
		DP_OK);
	ck_assert(cc.is_public && cc.must_revalidate);
	ck_assert(!cc.no_store && !cc.no_cache && !cc.is_private);
	ck_assert_int_eq(cc.max_age, 60);
	dp_http_cache_control_parse("private, no-store,no-cache=\"Set-Cookie\"",
	                            &cc);
	ck_assert(cc.is_private && cc.no_store && cc.no_cache);
	ck_assert_int_eq(cc.max_age, -1);
	dp_http_cache_control_parse("max-age=abc, x-unknown=1", &cc);
	ck_assert_int_eq(cc.max_age, -1);
	dp_http_cache_control_parse("max-age=99999999999999999999", &cc);
	ck_assert_int_eq(cc.max_age, INT64_C(2147483648));
	dp_http_cache_control_parse(NULL, &cc);
	ck_assert(!cc.no_store && cc.max_age == -1);
	ck_assert_int_eq(dp_http_cache_control_parse("x", NULL), DP_EINVAL);
}
END_TEST

/* ---- the server -------------------------------------------------------- */

START_TEST(test_server_listens_on_a_port_the_kernel_picked)
{
	dp_http_server *server = start("max-age=60");
	ck_assert_uint_ne(dp_http_server_port(server), 0);
	ck_assert_uint_eq(dp_http_server_port(NULL), 0);
	dp_http_server_destroy(server);
	dp_http_server_destroy(NULL);
}
END_TEST

START_TEST(test_a_200_carries_etag_cache_control_and_last_modified)
{
	dp_http_server *server = start("public, max-age=60");
	char reply[4096], etag[DP_HTTP_ETAG_SIZE], line[64];
	dp_http_etag(CSS, sizeof(CSS) - 1, etag, sizeof(etag));
	snprintf(line, sizeof(line), "ETag: %s\r\n", etag);

	ck_assert_int_eq(
		raw_get(dp_http_server_port(server), "", reply, sizeof(reply)),
		200);
	ck_assert_ptr_nonnull(strstr(reply, line));
	ck_assert_ptr_nonnull(
		strstr(reply, "Cache-Control: public, max-age=60\r\n"));
	ck_assert_ptr_nonnull(strstr(
		reply, "Last-Modified: Tue, 14 Nov 2023 22:13:20 GMT\r\n"));
	ck_assert_ptr_nonnull(strstr(reply, "Content-Type: text/css\r\n"));
	ck_assert_str_eq(body_of(reply), CSS);
	struct dp_http_server_stats s = stats_of(server);
	ck_assert_uint_eq(s.requests, 1);
	ck_assert_uint_eq(s.responses_200, 1);
	ck_assert_uint_eq(s.body_bytes, sizeof(CSS) - 1);
	dp_http_server_destroy(server);
}
END_TEST

START_TEST(test_matching_if_none_match_gets_304_and_no_body)
{
	dp_http_server *server = start("no-cache");
	uint16_t port = dp_http_server_port(server);
	char reply[4096], etag[DP_HTTP_ETAG_SIZE], header[128];
	dp_http_etag(CSS, sizeof(CSS) - 1, etag, sizeof(etag));
	const char *forms[] = {"%s", "\"nope\", W/%s", "*"};
	for (size_t i = 0; i < DP_ARRAY_SIZE(forms); i++) {
		char value[64];
		snprintf(value, sizeof(value), forms[i], etag);
		snprintf(header, sizeof(header), "If-None-Match: %s\r\n",
		         value);
		ck_assert_int_eq(raw_get(port, header, reply, sizeof(reply)),
		                 304);
		ck_assert_str_eq(body_of(reply), "");
		ck_assert_ptr_nonnull(strstr(reply, etag));
		ck_assert_ptr_nonnull(
			strstr(reply, "Cache-Control: no-cache\r\n"));
	}
	ck_assert_int_eq(raw_get(port, "If-None-Match: \"other\"\r\n", reply,
	                         sizeof(reply)),
	                 200);
	struct dp_http_server_stats s = stats_of(server);
	ck_assert_uint_eq(s.requests, 4);
	ck_assert_uint_eq(s.responses_304, 3);
	ck_assert_uint_eq(s.responses_200, 1);
	ck_assert_uint_eq(s.body_bytes, sizeof(CSS) - 1);
	dp_http_server_destroy(server);
}
END_TEST

START_TEST(test_if_modified_since_gets_304_unless_modified_after_it)
{
	dp_http_server *server = start(NULL);
	uint16_t port = dp_http_server_port(server);
	char reply[4096];
	ck_assert_int_eq(
		raw_get(port,
	                "If-Modified-Since: Tue, 14 Nov 2023 22:13:20 GMT\r\n",
	                reply, sizeof(reply)),
		304);
	ck_assert_int_eq(
		raw_get(port,
	                "If-Modified-Since: Wed, 15 Nov 2023 00:00:00 GMT\r\n",
	                reply, sizeof(reply)),
		304);
	ck_assert_int_eq(
		raw_get(port,
	                "If-Modified-Since: Tue, 14 Nov 2023 22:13:19 GMT\r\n",
	                reply, sizeof(reply)),
		200);
	/* A date that does not parse is ignored. */
	ck_assert_int_eq(raw_get(port, "If-Modified-Since: yesterday\r\n",
	                         reply, sizeof(reply)),
	                 200);
	/* If-None-Match decides when both are there. */
	ck_assert_int_eq(
		raw_get(port,
	                "If-None-Match: \"other\"\r\n"
	                "If-Modified-Since: Wed, 15 Nov 2023 00:00:00 GMT\r\n",
	                reply, sizeof(reply)),
		200);
	struct dp_http_server_stats s = stats_of(server);
	ck_assert_uint_eq(s.responses_304, 2);
	ck_assert_uint_eq(s.responses_200, 3);
	ck_assert_uint_eq(s.body_bytes, 3 * (sizeof(CSS) - 1));
	dp_http_server_destroy(server);
}
END_TEST

START_TEST(test_a_changed_resource_gets_a_new_etag_and_old_tags_get_200)
{
	dp_http_server *server = start("max-age=60");
	uint16_t port = dp_http_server_port(server);
	char reply[4096], old[DP_HTTP_ETAG_SIZE], fresh[DP_HTTP_ETAG_SIZE];
	char header[64];
	dp_http_etag(CSS, sizeof(CSS) - 1, old, sizeof(old));
	static const char NAVY[] = "body { color: navy }";
	dp_http_etag(NAVY, sizeof(NAVY) - 1, fresh, sizeof(fresh));
	struct dp_http_resource css = {.path = "/app.css",
	                               .body = NAVY,
	                               .size = sizeof(NAVY) - 1,
	                               .cache_control = "max-age=60"};
	ck_assert_int_eq(dp_http_server_put(server, &css), DP_OK);

	snprintf(header, sizeof(header), "If-None-Match: %s\r\n", old);
	ck_assert_int_eq(raw_get(port, header, reply, sizeof(reply)), 200);
	ck_assert_ptr_nonnull(strstr(reply, fresh));
	ck_assert_str_eq(body_of(reply), NAVY);
	snprintf(header, sizeof(header), "If-None-Match: %s\r\n", fresh);
	ck_assert_int_eq(raw_get(port, header, reply, sizeof(reply)), 304);
	dp_http_server_destroy(server);
}
END_TEST

START_TEST(test_vary_picks_the_variant_and_is_sent_back)
{
	dp_http_server *server = dp_http_server_create(NULL);
	struct dp_http_resource hello = {.path = "/greeting",
	                                 .body = "hello",
	                                 .size = 5,
	                                 .vary = "Accept-Language"};
	struct dp_http_resource bonjour = hello;
	bonjour.body = "bonjour";
	bonjour.size = 7;
	bonjour.variant = "fr";
	ck_assert_int_eq(dp_http_server_put(server, &hello), DP_OK);
	ck_assert_int_eq(dp_http_server_put(server, &bonjour), DP_OK);
	char request[] = "GET /greeting HTTP/1.1\r\nHost: x\r\n"
			 "Connection: close\r\nAccept-Language: fr\r\n\r\n";
	char reply[4096];
	uint16_t port = dp_http_server_port(server);
	ck_assert_int_eq(raw_exchange(port, request, strlen(request), reply,
	                              sizeof(reply)),
	                 200);
	ck_assert_str_eq(body_of(reply), "bonjour");
	ck_assert_ptr_nonnull(strstr(reply, "Vary: Accept-Language\r\n"));
	memcpy(strstr(request, "fr"), "de", 2);
	ck_assert_int_eq(raw_exchange(port, request, strlen(request), reply,
	                              sizeof(reply)),
	                 200);
	ck_assert_str_eq(body_of(reply), "hello");
	dp_http_server_destroy(server);
}
END_TEST

START_TEST(test_unknown_path_gets_404_and_post_gets_405)
{
	dp_http_server *server = start("max-age=60");
	uint16_t port = dp_http_server_port(server);
	char reply[4096];
	const char missing[] = "GET /nothing HTTP/1.1\r\nHost: x\r\n"
			       "Connection: close\r\n\r\n";
	const char post[] = "POST /app.css HTTP/1.1\r\nHost: x\r\n"
			    "Connection: close\r\nContent-Length: 0\r\n\r\n";
	ck_assert_int_eq(raw_exchange(port, missing, strlen(missing), reply,
	                              sizeof(reply)),
	                 404);
	ck_assert_int_eq(
		raw_exchange(port, post, strlen(post), reply, sizeof(reply)),
		405);
	ck_assert_ptr_nonnull(strstr(reply, "Allow: GET, HEAD\r\n"));
	ck_assert_uint_eq(stats_of(server).responses_4xx, 2);
	dp_http_server_destroy(server);
}
END_TEST

/* After a bad request, the server must still answer a good one. */
static void assert_still_serving(dp_http_server *server)
{
	char reply[4096];
	ck_assert_int_eq(
		raw_get(dp_http_server_port(server), "", reply, sizeof(reply)),
		200);
	ck_assert_str_eq(body_of(reply), CSS);
}

START_TEST(test_a_request_line_of_1_mib_gets_414)
{
	dp_http_server *server = start("max-age=60");
	size_t size = (size_t)1 << 20;
	char *request = malloc(size + 64);
	ck_assert_ptr_nonnull(request);
	memcpy(request, "GET /", 5);
	memset(request + 5, 'a', size);
	int n = sprintf(request + 5 + size, " HTTP/1.1\r\nHost: x\r\n\r\n");
	char reply[4096];
	int status = raw_exchange(dp_http_server_port(server), request,
	                          5 + size + (size_t)n, reply, sizeof(reply));
	free(request);
	ck_assert_int_eq(status, 414);
	assert_still_serving(server);
	ck_assert_uint_eq(stats_of(server).requests, 1);
	dp_http_server_destroy(server);
}
END_TEST

START_TEST(test_a_header_without_a_colon_gets_400)
{
	dp_http_server *server = start("max-age=60");
	const char request[] = "GET /app.css HTTP/1.1\r\nHost: x\r\n"
			       "NoColonHere\r\n\r\n";
	char reply[4096];
	ck_assert_int_eq(raw_exchange(dp_http_server_port(server), request,
	                              strlen(request), reply, sizeof(reply)),
	                 400);
	assert_still_serving(server);
	ck_assert_uint_eq(stats_of(server).requests, 1);
	dp_http_server_destroy(server);
}
END_TEST

START_TEST(test_an_if_none_match_of_10000_tags_gets_431)
{
	dp_http_server *server = start("max-age=60");
	enum { TAGS = 10000 };
	char *request = malloc((size_t)TAGS * 21 + 256);
	ck_assert_ptr_nonnull(request);
	size_t used = (size_t)sprintf(request, "GET /app.css HTTP/1.1\r\n"
	                                       "Host: x\r\nIf-None-Match: ");
	for (int i = 0; i < TAGS; i++)
		used += (size_t)sprintf(request + used, "\"%016x\", ", i);
	used += (size_t)sprintf(request + used, "*\r\n\r\n");
	char reply[4096];
	int status = raw_exchange(dp_http_server_port(server), request, used,
	                          reply, sizeof(reply));
	free(request);
	ck_assert_int_eq(status, 431);
	assert_still_serving(server);
	dp_http_server_destroy(server);
}
END_TEST

START_TEST(test_put_rejects_bad_resources)
{
	dp_http_server *server = dp_http_server_create(NULL);
	struct dp_http_resource good = {.path = "/x", .body = "x", .size = 1};
	struct dp_http_resource bad[6];
	for (size_t i = 0; i < DP_ARRAY_SIZE(bad); i++)
		bad[i] = good;
	bad[0].path = NULL;
	bad[1].path = "x";
	bad[2].body = NULL;
	bad[3].variant = "fr";
	bad[4].cache_control = "max-age=1\r\nSet-Cookie: a=b";
	bad[5].vary = "A\nB";
	for (size_t i = 0; i < DP_ARRAY_SIZE(bad); i++)
		ck_assert_int_eq(dp_http_server_put(server, &bad[i]),
		                 DP_EINVAL);
	ck_assert_int_eq(dp_http_server_put(NULL, &good), DP_EINVAL);
	ck_assert_int_eq(dp_http_server_put(server, NULL), DP_EINVAL);
	struct dp_http_server_stats s;
	ck_assert_int_eq(dp_http_server_stats(NULL, &s), DP_EINVAL);
	ck_assert_int_eq(dp_http_server_stats(server, NULL), DP_EINVAL);
	dp_http_server_destroy(server);
}
END_TEST

START_TEST(test_server_put_fails_cleanly_at_every_allocation)
{
	for (size_t n = 1;; n++) {
		struct dp_counting_allocator counter;
		struct dp_failing_allocator failing;
		dp_counting_allocator_init(&counter, NULL);
		dp_failing_allocator_init(&failing, n, &counter.base);
		struct dp_http_server_config config = {.alloc = &failing.base};
		dp_http_server *server = dp_http_server_create(&config);
		if (server == NULL) {
			ck_assert(failing.failed);
			ck_assert_uint_eq(counter.live_blocks, 0);
			continue;
		}
		struct dp_http_resource r = {.path = "/x",
		                             .body = "x",
		                             .size = 1,
		                             .cache_control = "no-cache",
		                             .vary = "Accept",
		                             .variant = "text/plain"};
		int rc = dp_http_server_put(server, &r);
		dp_http_server_destroy(server);
		ck_assert_uint_eq(counter.live_blocks, 0);
		if (!failing.failed) {
			ck_assert_int_eq(rc, DP_OK);
			break;
		}
		ck_assert_int_eq(rc, DP_ENOMEM);
	}
}
END_TEST

/* ---- the client cache -------------------------------------------------- */

struct fixture {
	dp_http_server *server;
	dp_http_client *client;
	int64_t clock;
	char url[64];
	struct dp_counting_allocator counter;
};

static int64_t fake_clock(void *ctx)
{
	return *(const int64_t *)ctx;
}

static void setup(struct fixture *f, const char *cache_control)
{
	memset(f, 0, sizeof(*f));
	dp_counting_allocator_init(&f->counter, NULL);
	f->server = start(cache_control);
	struct dp_http_client_config config = {.clock = fake_clock,
	                                       .clock_ctx = &f->clock,
	                                       .alloc = &f->counter.base};
	f->client = dp_http_client_create(&config);
	ck_assert_ptr_nonnull(f->client);
	snprintf(f->url, sizeof(f->url), "http://127.0.0.1:%u/app.css",
	         (unsigned)dp_http_server_port(f->server));
}

static void teardown(struct fixture *f)
{
	dp_http_client_destroy(f->client);
	dp_http_server_destroy(f->server);
	ck_assert_uint_eq(f->counter.live_blocks, 0);
}

static enum dp_http_source fetch(struct fixture *f, const char *url,
                                 const char *header)
{
	const char *headers[] = {header, NULL};
	struct dp_http_response r;
	ck_assert_int_eq(
		dp_http_client_get(f->client, url ? url : f->url, headers, &r),
		DP_OK);
	ck_assert_int_eq(r.status, 200);
	return r.source;
}

START_TEST(test_a_fresh_entry_is_served_without_a_request)
{
	struct fixture f;
	setup(&f, "max-age=60");
	ck_assert_int_eq(fetch(&f, NULL, NULL), DP_HTTP_FROM_NETWORK);
	f.clock = 59;
	for (int i = 0; i < 10; i++)
		ck_assert_int_eq(fetch(&f, NULL, NULL), DP_HTTP_FROM_CACHE);
	struct dp_http_server_stats s = stats_of(f.server);
	ck_assert_uint_eq(s.requests, 1);
	ck_assert_uint_eq(s.body_bytes, sizeof(CSS) - 1);
	struct dp_http_client_stats c;
	ck_assert_int_eq(dp_http_client_stats(f.client, &c), DP_OK);
	ck_assert_uint_eq(c.fresh_hits, 10);
	ck_assert_uint_eq(c.requests, 1);
	teardown(&f);
}
END_TEST

START_TEST(test_a_stale_entry_is_revalidated_and_a_304_refreshes_it)
{
	struct fixture f;
	setup(&f, "max-age=60");
	fetch(&f, NULL, NULL);
	f.clock = 60;
	ck_assert_int_eq(fetch(&f, NULL, NULL), DP_HTTP_REVALIDATED);
	/* Refreshed at 60: fresh again until 120. */
	f.clock = 119;
	ck_assert_int_eq(fetch(&f, NULL, NULL), DP_HTTP_FROM_CACHE);
	struct dp_http_server_stats s = stats_of(f.server);
	ck_assert_uint_eq(s.requests, 2);
	ck_assert_uint_eq(s.responses_304, 1);
	ck_assert_uint_eq(s.body_bytes, sizeof(CSS) - 1);
	teardown(&f);
}
END_TEST

/* The request log keeps the validators of the last request. */
struct last_request {
	char if_none_match[64];
	char if_modified_since[64];
	unsigned status;
};

static void remember(void *ctx, const struct dp_http_request_record *record)
{
	struct last_request *last = ctx;
	snprintf(last->if_none_match, sizeof(last->if_none_match), "%s",
	         record->if_none_match ? record->if_none_match : "");
	snprintf(last->if_modified_since, sizeof(last->if_modified_since), "%s",
	         record->if_modified_since ? record->if_modified_since : "");
	last->status = record->status;
}

START_TEST(test_revalidation_sends_the_stored_validators)
{
	struct last_request last = {0};
	struct dp_http_server_config config = {.on_request = remember,
	                                       .log_ctx = &last};
	dp_http_server *server = dp_http_server_create(&config);
	struct dp_http_resource css = {.path = "/app.css",
	                               .body = CSS,
	                               .size = sizeof(CSS) - 1,
	                               .cache_control = "max-age=1",
	                               .last_modified = MODIFIED};
	ck_assert_int_eq(dp_http_server_put(server, &css), DP_OK);
	int64_t clock = 0;
	struct dp_http_client_config client_config = {.clock = fake_clock,
	                                              .clock_ctx = &clock};
	dp_http_client *client = dp_http_client_create(&client_config);
	char url[64], etag[DP_HTTP_ETAG_SIZE];
	snprintf(url, sizeof(url), "http://127.0.0.1:%u/app.css",
	         (unsigned)dp_http_server_port(server));
	dp_http_etag(CSS, sizeof(CSS) - 1, etag, sizeof(etag));
	struct dp_http_response r;

	ck_assert_int_eq(dp_http_client_get(client, url, NULL, &r), DP_OK);
	ck_assert_str_eq(last.if_none_match, "");
	ck_assert_str_eq(last.if_modified_since, "");
	clock = 5;
	ck_assert_int_eq(dp_http_client_get(client, url, NULL, &r), DP_OK);
	ck_assert_str_eq(last.if_none_match, etag);
	ck_assert_str_eq(last.if_modified_since,
	                 "Tue, 14 Nov 2023 22:13:20 GMT");
	ck_assert_uint_eq(last.status, 304);
	dp_http_client_destroy(client);
	dp_http_server_destroy(server);
}
END_TEST

START_TEST(test_no_store_is_never_cached)
{
	struct fixture f;
	setup(&f, "private, no-store, max-age=60");
	for (int i = 0; i < 3; i++)
		ck_assert_int_eq(fetch(&f, NULL, NULL), DP_HTTP_FROM_NETWORK);
	struct dp_http_server_stats s = stats_of(f.server);
	ck_assert_uint_eq(s.requests, 3);
	ck_assert_uint_eq(s.responses_200, 3);
	ck_assert_uint_eq(s.body_bytes, 3 * (sizeof(CSS) - 1));
	struct dp_http_client_stats c;
	dp_http_client_stats(f.client, &c);
	ck_assert_uint_eq(c.stored, 0);
	teardown(&f);
}
END_TEST

START_TEST(test_no_cache_is_revalidated_every_time)
{
	struct fixture f;
	setup(&f, "no-cache, max-age=600");
	ck_assert_int_eq(fetch(&f, NULL, NULL), DP_HTTP_FROM_NETWORK);
	for (int i = 0; i < 4; i++)
		ck_assert_int_eq(fetch(&f, NULL, NULL), DP_HTTP_REVALIDATED);
	struct dp_http_server_stats s = stats_of(f.server);
	ck_assert_uint_eq(s.requests, 5);
	ck_assert_uint_eq(s.responses_304, 4);
	ck_assert_uint_eq(s.body_bytes, sizeof(CSS) - 1);
	teardown(&f);
}
END_TEST

START_TEST(test_a_changed_resource_replaces_the_stale_entry)
{
	struct fixture f;
	setup(&f, "max-age=60");
	fetch(&f, NULL, NULL);
	static const char NAVY[] = "body { color: navy }";
	struct dp_http_resource css = {.path = "/app.css",
	                               .body = NAVY,
	                               .size = sizeof(NAVY) - 1,
	                               .cache_control = "max-age=60"};
	ck_assert_int_eq(dp_http_server_put(f.server, &css), DP_OK);
	/* Still fresh: the client keeps the old body, as HTTP allows. */
	ck_assert_int_eq(fetch(&f, NULL, NULL), DP_HTTP_FROM_CACHE);
	f.clock = 61;
	const char *headers[] = {NULL};
	struct dp_http_response r;
	ck_assert_int_eq(dp_http_client_get(f.client, f.url, headers, &r),
	                 DP_OK);
	ck_assert_int_eq(r.source, DP_HTTP_FROM_NETWORK);
	ck_assert_uint_eq(r.size, sizeof(NAVY) - 1);
	ck_assert_int_eq(memcmp(r.body, NAVY, r.size), 0);
	ck_assert_int_eq(fetch(&f, NULL, NULL), DP_HTTP_FROM_CACHE);
	ck_assert_uint_eq(stats_of(f.server).requests, 2);
	teardown(&f);
}
END_TEST

START_TEST(test_an_entry_for_another_variant_is_not_used)
{
	struct fixture f;
	setup(&f, "max-age=60");
	struct dp_http_resource hello = {.path = "/greeting",
	                                 .body = "hello",
	                                 .size = 5,
	                                 .cache_control = "max-age=60",
	                                 .vary = "Accept-Language"};
	struct dp_http_resource bonjour = hello;
	bonjour.body = "bonjour";
	bonjour.size = 7;
	bonjour.variant = "fr";
	ck_assert_int_eq(dp_http_server_put(f.server, &hello), DP_OK);
	ck_assert_int_eq(dp_http_server_put(f.server, &bonjour), DP_OK);
	char url[64];
	snprintf(url, sizeof(url), "http://127.0.0.1:%u/greeting",
	         (unsigned)dp_http_server_port(f.server));
	ck_assert_int_eq(fetch(&f, url, "Accept-Language: fr"),
	                 DP_HTTP_FROM_NETWORK);
	ck_assert_int_eq(fetch(&f, url, "accept-language:fr"),
	                 DP_HTTP_FROM_CACHE);
	ck_assert_int_eq(fetch(&f, url, "Accept-Language: en"),
	                 DP_HTTP_FROM_NETWORK);
	ck_assert_int_eq(fetch(&f, url, NULL), DP_HTTP_FROM_NETWORK);
	ck_assert_uint_eq(stats_of(f.server).requests, 3);
	ck_assert_uint_eq(stats_of(f.server).body_bytes, 7 + 5 + 5);
	teardown(&f);
}
END_TEST

START_TEST(test_the_least_recently_used_entry_is_evicted)
{
	struct fixture f;
	setup(&f, "max-age=60");
	dp_http_client_destroy(f.client);
	struct dp_http_client_config config = {.max_entries = 1,
	                                       .clock = fake_clock,
	                                       .clock_ctx = &f.clock,
	                                       .alloc = &f.counter.base};
	f.client = dp_http_client_create(&config);
	struct dp_http_resource js = {.path = "/app.js",
	                              .body = "run()",
	                              .size = 5,
	                              .cache_control = "max-age=60"};
	ck_assert_int_eq(dp_http_server_put(f.server, &js), DP_OK);
	char url[64];
	snprintf(url, sizeof(url), "http://127.0.0.1:%u/app.js",
	         (unsigned)dp_http_server_port(f.server));
	fetch(&f, NULL, NULL);
	fetch(&f, url, NULL);
	ck_assert_int_eq(fetch(&f, NULL, NULL), DP_HTTP_FROM_NETWORK);
	ck_assert_uint_eq(stats_of(f.server).requests, 3);
	teardown(&f);
}
END_TEST

START_TEST(test_client_errors_are_reported)
{
	struct fixture f;
	setup(&f, "max-age=60");
	struct dp_http_response r = {.status = -7};
	ck_assert_int_eq(dp_http_client_get(NULL, f.url, NULL, &r), DP_EINVAL);
	ck_assert_int_eq(dp_http_client_get(f.client, NULL, NULL, &r),
	                 DP_EINVAL);
	ck_assert_int_eq(dp_http_client_get(f.client, f.url, NULL, NULL),
	                 DP_EINVAL);
	struct dp_http_client_stats c;
	ck_assert_int_eq(dp_http_client_stats(NULL, &c), DP_EINVAL);
	ck_assert_int_eq(dp_http_client_stats(f.client, NULL), DP_EINVAL);
	/* Port 1 on loopback: nothing listens there, the connection is
	 * refused. */
	ck_assert_int_eq(
		dp_http_client_get(f.client, "http://127.0.0.1:1/", NULL, &r),
		DP_EIO);
	ck_assert_int_eq(r.status, -7);
	/* A 404 is passed on and not cached. */
	char url[64];
	snprintf(url, sizeof(url), "http://127.0.0.1:%u/missing",
	         (unsigned)dp_http_server_port(f.server));
	ck_assert_int_eq(dp_http_client_get(f.client, url, NULL, &r), DP_OK);
	ck_assert_int_eq(r.status, 404);
	ck_assert_int_eq(dp_http_client_get(f.client, url, NULL, &r), DP_OK);
	ck_assert_uint_eq(stats_of(f.server).responses_4xx, 2);
	dp_http_client_destroy(NULL);
	teardown(&f);
}
END_TEST

START_TEST(test_client_fails_cleanly_at_every_allocation)
{
	dp_http_server *server = start("max-age=60");
	char url[64];
	snprintf(url, sizeof(url), "http://127.0.0.1:%u/app.css",
	         (unsigned)dp_http_server_port(server));
	for (size_t n = 1;; n++) {
		struct dp_counting_allocator counter;
		struct dp_failing_allocator failing;
		dp_counting_allocator_init(&counter, NULL);
		dp_failing_allocator_init(&failing, n, &counter.base);
		struct dp_http_client_config config = {.alloc = &failing.base};
		dp_http_client *client = dp_http_client_create(&config);
		if (client == NULL) {
			ck_assert(failing.failed);
			ck_assert_uint_eq(counter.live_blocks, 0);
			continue;
		}
		struct dp_http_response r;
		int first = dp_http_client_get(client, url, NULL, &r);
		int second = dp_http_client_get(client, url, NULL, &r);
		dp_http_client_destroy(client);
		ck_assert_uint_eq(counter.live_blocks, 0);
		if (!failing.failed) {
			ck_assert_int_eq(first, DP_OK);
			ck_assert_int_eq(second, DP_OK);
			ck_assert_int_eq(r.source, DP_HTTP_FROM_CACHE);
			break;
		}
		/* A response that could not be stored is still returned. */
		ck_assert(first == DP_OK || first == DP_ENOMEM);
	}
	dp_http_server_destroy(server);
}
END_TEST

static Suite *http_cache_suite(void)
{
	Suite *suite = suite_create("http_cache");
	TCase *tc = dp_test_case(suite, "headers");
	tcase_add_test(
		tc, test_etag_is_a_quoted_hash_that_changes_with_the_content);
	tcase_add_test(tc, test_etag_rejects_bad_arguments);
	tcase_add_test(tc, test_if_none_match_matches_lists_weak_tags_and_star);
	tcase_add_test(
		tc,
		test_if_none_match_list_of_10000_tags_is_scanned_to_the_end);
	tcase_add_test(
		tc, test_http_dates_round_trip_and_malformed_ones_are_rejected);
	tcase_add_test(tc, test_cache_control_directives_are_parsed);

	tc = dp_test_case(suite, "server");
	tcase_add_test(tc, test_server_listens_on_a_port_the_kernel_picked);
	tcase_add_test(tc,
	               test_a_200_carries_etag_cache_control_and_last_modified);
	tcase_add_test(tc, test_matching_if_none_match_gets_304_and_no_body);
	tcase_add_test(
		tc, test_if_modified_since_gets_304_unless_modified_after_it);
	tcase_add_test(
		tc,
		test_a_changed_resource_gets_a_new_etag_and_old_tags_get_200);
	tcase_add_test(tc, test_vary_picks_the_variant_and_is_sent_back);
	tcase_add_test(tc, test_unknown_path_gets_404_and_post_gets_405);
	tcase_add_test(tc, test_put_rejects_bad_resources);
	tcase_add_test(tc, test_server_put_fails_cleanly_at_every_allocation);

	tc = dp_test_case(suite, "bad requests");
	tcase_add_test(tc, test_a_request_line_of_1_mib_gets_414);
	tcase_add_test(tc, test_a_header_without_a_colon_gets_400);
	tcase_add_test(tc, test_an_if_none_match_of_10000_tags_gets_431);

	tc = dp_test_case(suite, "client");
	tcase_add_test(tc, test_a_fresh_entry_is_served_without_a_request);
	tcase_add_test(
		tc, test_a_stale_entry_is_revalidated_and_a_304_refreshes_it);
	tcase_add_test(tc, test_revalidation_sends_the_stored_validators);
	tcase_add_test(tc, test_no_store_is_never_cached);
	tcase_add_test(tc, test_no_cache_is_revalidated_every_time);
	tcase_add_test(tc, test_a_changed_resource_replaces_the_stale_entry);
	tcase_add_test(tc, test_an_entry_for_another_variant_is_not_used);
	tcase_add_test(tc, test_the_least_recently_used_entry_is_evicted);
	tcase_add_test(tc, test_client_errors_are_reported);
	tcase_add_test(tc, test_client_fails_cleanly_at_every_allocation);
	return suite;
}

int main(void)
{
	return dp_test_run(http_cache_suite());
}
