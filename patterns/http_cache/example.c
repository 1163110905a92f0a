/*
 * A small site and a browser-like client, both in this process: the
 * server sends caching headers, the client's cache obeys them, and the
 * server's counters show which requests reached it and how many body
 * bytes it sent. The client's clock is a variable, so that "a minute
 * later" takes no time and the output is the same on every run.
 */
#include "http_cache/http_cache.h"

#include <stdio.h>
#include <string.h>

static int64_t now_seconds(void *ctx)
{
	return *(const int64_t *)ctx;
}

static const char *const SOURCES[] = {
	[DP_HTTP_FROM_NETWORK] = "network",
	[DP_HTTP_FROM_CACHE] = "cache, no request",
	[DP_HTTP_REVALIDATED] = "cache, revalidated by a 304",
};

static int get(dp_http_client *client, dp_http_server *server, const char *path,
               const char *header)
{
	char url[128];
	snprintf(url, sizeof(url), "http://127.0.0.1:%u%s",
	         (unsigned)dp_http_server_port(server), path);
	const char *headers[] = {header, NULL};
	struct dp_http_response response;
	int rc = dp_http_client_get(client, url, headers, &response);
	if (rc != DP_OK) {
		printf("GET %s: %s\n", path, dp_strerror(rc));
		return rc;
	}
	struct dp_http_server_stats stats;
	dp_http_server_stats(server, &stats);
	char what[64];
	snprintf(what, sizeof(what), "%s%s%s", path, header ? " " : "",
	         header ? header : "");
	printf("GET %-32s %ld  %-27s %-22.*s server: %llu requests, %llu "
	       "body bytes\n",
	       what, response.status, SOURCES[response.source],
	       (int)response.size, (const char *)response.body,
	       (unsigned long long)stats.requests,
	       (unsigned long long)stats.body_bytes);
	return DP_OK;
}

static int put(dp_http_server *server, const char *path, const char *body,
               const char *cache_control, const char *variant)
{
	struct dp_http_resource resource = {
		.path = path,
		.body = body,
		.size = strlen(body),
		.content_type = "text/plain",
		.cache_control = cache_control,
		.last_modified = 1700000000, /* 14 Nov 2023 22:13:20 GMT */
		.vary = strcmp(path, "/greeting") == 0 ? "Accept-Language"
	                                               : NULL,
		.variant = variant,
	};
	return dp_http_server_put(server, &resource);
}

int main(void)
{
	int64_t clock = 0;
	dp_http_server *server = dp_http_server_create(NULL);
	struct dp_http_client_config config = {.clock = now_seconds,
	                                       .clock_ctx = &clock};
	dp_http_client *client = dp_http_client_create(&config);
	if (server == NULL || client == NULL) {
		fprintf(stderr, "could not start the server or the client\n");
		dp_http_client_destroy(client);
		dp_http_server_destroy(server);
		return 1;
	}
	int rc = put(server, "/app.css", "body { color: teal }",
	             "public, max-age=60", NULL);
	rc = rc ? rc
	        : put(server, "/news", "rates unchanged", "no-cache", NULL);
	rc = rc ? rc
	        : put(server, "/account", "balance 42", "private, no-store",
	              NULL);
	rc = rc ? rc : put(server, "/greeting", "hello", "max-age=60", NULL);
	rc = rc ? rc : put(server, "/greeting", "bonjour", "max-age=60", "fr");
	if (rc != DP_OK)
		goto done;

	puts("-- max-age=60: fresh for a minute, then revalidated");
	get(client, server, "/app.css", NULL);
	get(client, server, "/app.css", NULL);
	clock += 61;
	puts("   (61 s later)");
	get(client, server, "/app.css", NULL);
	put(server, "/app.css", "body { color: navy }", "public, max-age=60",
	    NULL);
	clock += 61;
	puts("   (the file changes; 61 s later)");
	get(client, server, "/app.css", NULL);

	puts("-- no-cache: stored, but asked about every time");
	get(client, server, "/news", NULL);
	get(client, server, "/news", NULL);

	puts("-- no-store: never stored");
	get(client, server, "/account", NULL);
	get(client, server, "/account", NULL);

	puts("-- Vary: Accept-Language: one entry per URL, for one language");
	get(client, server, "/greeting", "Accept-Language: fr");
	get(client, server, "/greeting", "Accept-Language: fr");
	get(client, server, "/greeting", "Accept-Language: en");

	char etag[DP_HTTP_ETAG_SIZE];
	dp_http_etag("body { color: navy }", 20, etag, sizeof(etag));
	printf("ETag of the new /app.css: %s\n", etag);
	struct dp_http_client_stats c;
	dp_http_client_stats(client, &c);
	printf("client: %llu requests sent, %llu fresh hits, %llu "
	       "revalidated, %llu stored\n",
	       (unsigned long long)c.requests, (unsigned long long)c.fresh_hits,
	       (unsigned long long)c.revalidated, (unsigned long long)c.stored);
	struct dp_http_server_stats s;
	dp_http_server_stats(server, &s);
	printf("server: %llu requests: %llu x 200, %llu x 304\n",
	       (unsigned long long)s.requests,
	       (unsigned long long)s.responses_200,
	       (unsigned long long)s.responses_304);
done:
	dp_http_client_destroy(client);
	dp_http_server_destroy(server);
	return rc == DP_OK ? 0 : 1;
}
