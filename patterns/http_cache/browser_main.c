/*
 * The server of the browser check (`make browser-check`): a page that
 * must be revalidated (no-cache) and a stylesheet that stays fresh for an
 * hour, served on 127.0.0.1 until standard input closes. It prints the
 * port first, then one line per request it answers, flushed at once, for
 * scripts/browser_check.sh to read:
 *
 *   port 41234
 *   GET / if-none-match="..." 304 0
 */
#include "http_cache/http_cache.h"

#include <stdio.h>
#include <string.h>

static const char PAGE[] =
	"<!DOCTYPE html>\n<html><head><title>http_cache</title>\n"
	"<link rel=\"stylesheet\" href=\"/app.css\"></head>\n"
	"<body><p>Served with Cache-Control: no-cache.</p></body></html>\n";
static const char CSS[] = "p { color: teal }\n";

static void log_request(void *ctx, const struct dp_http_request_record *r)
{
	(void)ctx;
	printf("%s %s if-none-match=%s %u %zu\n", r->method, r->path,
	       r->if_none_match ? r->if_none_match : "-", r->status,
	       r->body_bytes);
	fflush(stdout);
}

int main(void)
{
	struct dp_http_server_config config = {.on_request = log_request};
	dp_http_server *server = dp_http_server_create(&config);
	if (server == NULL) {
		fprintf(stderr, "browser_main: could not start the server\n");
		return 1;
	}
	struct dp_http_resource page = {.path = "/",
	                                .body = PAGE,
	                                .size = sizeof(PAGE) - 1,
	                                .content_type =
	                                        "text/html; charset=utf-8",
	                                .cache_control = "no-cache",
	                                .last_modified = 1700000000};
	struct dp_http_resource css = {.path = "/app.css",
	                               .body = CSS,
	                               .size = sizeof(CSS) - 1,
	                               .content_type = "text/css",
	                               .cache_control = "max-age=3600",
	                               .last_modified = 1700000000};
	int rc = dp_http_server_put(server, &page);
	if (rc == DP_OK)
		rc = dp_http_server_put(server, &css);
	if (rc == DP_OK) {
		printf("port %u\n", (unsigned)dp_http_server_port(server));
		fflush(stdout);
		/* Serve until the script closes our standard input. */
		while (getchar() != EOF)
			;
	}
	dp_http_server_destroy(server);
	return rc == DP_OK ? 0 : 1;
}
