/*
 * The test page's server of the web view's browser check (`make
 * web-check`): it serves one file, the test page that drives the app in an
 * iframe, at "/" on 127.0.0.1 with the HTTP caching chapter's server, until
 * standard input closes. It prints "port N" first, for
 * scripts/web_check.sh to read. The page must come over HTTP, not from a
 * file: URL, for the browser to let its script into the app's frame. The
 * app never serves it: the app's own pages stay free of script.
 */
#include "http_cache/http_cache.h"

#include <stdio.h>
#include <stdlib.h>

/* The whole file, or NULL; the test page is a few kilobytes. */
static char *read_file(const char *path, size_t *size)
{
	FILE *file = fopen(path, "rb");
	char *text = malloc(64 * 1024);
	if (file == NULL || text == NULL) {
		if (file != NULL)
			fclose(file);
		free(text);
		return NULL;
	}
	*size = fread(text, 1, 64 * 1024, file);
	bool whole = feof(file) && !ferror(file);
	fclose(file);
	if (!whole) {
		free(text);
		return NULL;
	}
	return text;
}

int main(int argc, char **argv)
{
	size_t size = 0;
	char *page = argc == 2 ? read_file(argv[1], &size) : NULL;
	if (page == NULL) {
		fprintf(stderr, "usage: web_check_server PAGE.html (a readable "
		                "file under 64 KiB)\n");
		return 2;
	}
	dp_http_server *server = dp_http_server_create(NULL);
	struct dp_http_resource resource = {
		.path = "/",
		.body = page,
		.size = size,
		.content_type = "text/html; charset=utf-8",
		.cache_control = "no-store",
	};
	int rc =
		server != NULL ? dp_http_server_put(server, &resource) : DP_EIO;
	if (rc == DP_OK) {
		printf("port %u\n", (unsigned)dp_http_server_port(server));
		fflush(stdout);
		while (getchar() != EOF)
			;
	} else {
		fprintf(stderr, "web_check_server: cannot serve: %s\n",
		        dp_strerror(rc));
	}
	dp_http_server_destroy(server);
	free(page);
	return rc == DP_OK ? 0 : 1;
}
