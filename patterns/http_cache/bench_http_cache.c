/*
 * What HTTP caching saves, measured on loopback in one run: a 100 KiB
 * resource fetched as a full 200 every time (no-store), revalidated with a
 * 304 every time (no-cache), and served fresh from the client cache
 * (max-age). Each row gives the time and the bytes on the wire for one
 * request (a mean over the run) and for the whole run of requests, and the
 * bytes the server sent as bodies.
 *
 * Loopback is the best case for the network: no latency, no bandwidth
 * limit. On a real link the 200 pays for 100 KiB at the link's speed and
 * every request pays a round trip, so the ratios here are the smallest
 * the pattern will ever show.
 *
 * Python: when python3 is installed, `http.client` does the same
 * conditional GET (If-None-Match, answered 304) and the same full GET
 * against the same server, timed by itself in the same run.
 *
 * DP_BENCH_QUICK=1 makes 50 requests per row instead of 1,000. With
 * DP_BENCH_CSV set, every figure of the table and the ratios the README
 * quotes, and Python's us per request against libcurl's (its bytes not
 * measured: nan), also go to http_cache_revalidation.csv there.
 */
#define _DEFAULT_SOURCE

#include "common/dp_bench.h"
#include "http_cache/http_cache.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { BODY_SIZE = 100 * 1024 };

struct row {
	const char *name;
	const char *path;
	const char *cache_control;
	enum dp_http_source expected;
	double ns_per_request;
	double wire_bytes_per_request;
	uint64_t server_body_bytes;
	uint64_t requests_sent;
};

static int run_row(dp_http_server *server, struct row *row, int count)
{
	dp_http_client *client = dp_http_client_create(NULL);
	if (client == NULL)
		return DP_ENOMEM;
	char url[96];
	snprintf(url, sizeof(url), "http://127.0.0.1:%u%s",
	         (unsigned)dp_http_server_port(server), row->path);
	struct dp_http_response response;
	/* The first request fills the cache and opens the connection; it
	 * is not part of the figures. */
	int rc = dp_http_client_get(client, url, NULL, &response);
	struct dp_http_client_stats before, after;
	struct dp_http_server_stats server_before, server_after;
	dp_http_client_stats(client, &before);
	dp_http_server_stats(server, &server_before);
	uint64_t start = dp_now_ns();
	for (int i = 0; i < count && rc == DP_OK; i++) {
		rc = dp_http_client_get(client, url, NULL, &response);
		if (rc == DP_OK && (response.source != row->expected ||
		                    response.size != BODY_SIZE))
			rc = DP_EIO;
	}
	uint64_t elapsed = dp_now_ns() - start;
	dp_http_client_stats(client, &after);
	dp_http_server_stats(server, &server_after);
	dp_http_client_destroy(client);
	if (rc != DP_OK)
		return rc;
	uint64_t wire = (after.bytes_sent - before.bytes_sent) +
	                (after.bytes_received - before.bytes_received);
	row->ns_per_request = (double)elapsed / count;
	row->wire_bytes_per_request = (double)wire / count;
	row->server_body_bytes =
		server_after.body_bytes - server_before.body_bytes;
	row->requests_sent = after.requests - before.requests;
	return DP_OK;
}

/* The same requests from CPython's http.client on one kept-alive
 * connection: a full GET of the no-store resource, and a conditional GET
 * of the no-cache one. Prints ns per request for each. */
static const char python_script[] =
	"import http.client, sys, time\n"
	"port, etag, n = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])\n"
	"c = http.client.HTTPConnection(\"127.0.0.1\", port)\n"
	"def run(path, headers, status):\n"
	"    c.request(\"GET\", path, headers=headers); "
	"c.getresponse().read()\n"
	"    t = time.perf_counter()\n"
	"    for _ in range(n):\n"
	"        c.request(\"GET\", path, headers=headers)\n"
	"        r = c.getresponse(); r.read()\n"
	"        assert r.status == status\n"
	"    return (time.perf_counter() - t) / n * 1e9\n"
	"full = run(\"/store-nothing\", {}, 200)\n"
	"cond = run(\"/revalidate\", {\"If-None-Match\": etag}, 304)\n"
	"print(full, cond)\n";

static bool run_python(uint16_t port, const char *etag, int count,
                       double *full_ns, double *conditional_ns)
{
	if (system("command -v python3 >/dev/null 2>&1") != 0) {
		printf("python3 not found: the CPython rows are skipped.\n");
		return false;
	}
	char command[sizeof(python_script) + 128];
	/* The ETag is quoted hex: safe inside single quotes. */
	snprintf(command, sizeof(command), "python3 -c '%s' %u '%s' %d",
	         python_script, (unsigned)port, etag, count);
	FILE *pipe = popen(command, "r");
	if (pipe == NULL)
		return false;
	int read = fscanf(pipe, "%lf %lf", full_ns, conditional_ns);
	int status = pclose(pipe);
	if (read != 2 || status != 0) {
		printf("python3 did not give its figures: skipped.\n");
		return false;
	}
	return true;
}

int main(void)
{
	int count = getenv("DP_BENCH_QUICK") != NULL ? 50 : 1000;
	unsigned char *body = malloc(BODY_SIZE);
	dp_http_server *server = dp_http_server_create(NULL);
	if (body == NULL || server == NULL) {
		fprintf(stderr, "could not start the server\n");
		free(body);
		dp_http_server_destroy(server);
		return 1;
	}
	uint64_t seed = 15;
	for (size_t i = 0; i < BODY_SIZE; i += 8) {
		uint64_t word = dp_random_next(&seed);
		memcpy(body + i, &word, 8);
	}
	struct row rows[] = {
		{"plain 200 (no-store)", "/store-nothing", "no-store",
	         DP_HTTP_FROM_NETWORK, 0, 0, 0, 0},
		{"revalidated 304 (no-cache)", "/revalidate", "no-cache",
	         DP_HTTP_REVALIDATED, 0, 0, 0, 0},
		{"fresh hit (max-age=3600)", "/fresh", "max-age=3600",
	         DP_HTTP_FROM_CACHE, 0, 0, 0, 0},
	};
	int rc = DP_OK;
	for (size_t i = 0; i < DP_ARRAY_SIZE(rows) && rc == DP_OK; i++) {
		struct dp_http_resource resource = {
			.path = rows[i].path,
			.body = body,
			.size = BODY_SIZE,
			.cache_control = rows[i].cache_control,
			.last_modified = 1700000000};
		rc = dp_http_server_put(server, &resource);
	}
	for (size_t i = 0; i < DP_ARRAY_SIZE(rows) && rc == DP_OK; i++)
		rc = run_row(server, &rows[i], count);
	if (rc != DP_OK) {
		fprintf(stderr, "bench failed: %s\n", dp_strerror(rc));
		goto done;
	}

	printf("A 100 KiB resource over loopback, %d requests per row, one "
	       "kept-alive connection (libcurl):\n\n",
	       count);
	printf("%-28s %12s %12s | %14s %14s %14s %8s\n", "", "us/request",
	       "wire B/req", "total ms", "wire bytes", "server body B",
	       "requests");
	for (size_t i = 0; i < DP_ARRAY_SIZE(rows); i++) {
		const struct row *r = &rows[i];
		printf("%-28s %12.2f %12.0f | %14.2f %14.0f %14llu %8llu\n",
		       r->name, r->ns_per_request / 1e3,
		       r->wire_bytes_per_request,
		       r->ns_per_request * count / 1e6,
		       r->wire_bytes_per_request * count,
		       (unsigned long long)r->server_body_bytes,
		       (unsigned long long)r->requests_sent);
	}
	printf("\n200 / 304: %.1fx the time, %.0fx the bytes on the wire\n",
	       rows[0].ns_per_request / rows[1].ns_per_request,
	       rows[0].wire_bytes_per_request / rows[1].wire_bytes_per_request);
	printf("304 / fresh hit: %.0fx the time (a hit sends nothing)\n",
	       rows[1].ns_per_request / rows[2].ns_per_request);
	printf("200 / fresh hit: %.0fx the time\n",
	       rows[0].ns_per_request / rows[2].ns_per_request);

	/* Every figure of the table, and the ratios the README quotes: how
	 * many times faster than the 200 and the 304 each row is, how many
	 * times fewer bytes than the 200 it sends (inf for none), and for
	 * Python, its time against libcurl's for the same request. */
	dp_bench_csv *csv = NULL;
	rc = dp_bench_csv_open(&csv, "http_cache_revalidation",
	                       "case,us_per_request,wire_bytes_per_request,"
	                       "total_ms,wire_bytes_total,server_body_bytes,"
	                       "faster_than_200,faster_than_304,"
	                       "fewer_bytes_than_200,vs_libcurl");
	for (size_t i = 0; i < DP_ARRAY_SIZE(rows); i++) {
		const struct row *r = &rows[i];
		dp_bench_csv_row(
			csv, r->name,
			(double[]){r->ns_per_request / 1e3,
		                   r->wire_bytes_per_request,
		                   r->ns_per_request * count / 1e6,
		                   r->wire_bytes_per_request * count,
		                   (double)r->server_body_bytes,
		                   rows[0].ns_per_request / r->ns_per_request,
		                   rows[1].ns_per_request / r->ns_per_request,
		                   rows[0].wire_bytes_per_request /
		                           r->wire_bytes_per_request,
		                   NAN},
			9);
	}

	char etag[DP_HTTP_ETAG_SIZE];
	dp_http_etag(body, BODY_SIZE, etag, sizeof(etag));
	double python_full, python_conditional;
	if (run_python(dp_http_server_port(server), etag, count, &python_full,
	               &python_conditional)) {
		dp_bench_csv_row(
			csv, "Python http.client 200",
			(double[]){python_full / 1e3, NAN, NAN, NAN, NAN, NAN,
		                   NAN, NAN,
		                   python_full / rows[0].ns_per_request},
			9);
		dp_bench_csv_row(
			csv, "Python http.client 304",
			(double[]){python_conditional / 1e3, NAN, NAN, NAN, NAN,
		                   NAN, NAN, NAN,
		                   python_conditional / rows[1].ns_per_request},
			9);
		printf("\nCPython http.client, same server, same run "
		       "(us/request):\n");
		printf("  full GET 200        %10.2f  (C/libcurl %.2f: "
		       "Python %.1fx)\n",
		       python_full / 1e3, rows[0].ns_per_request / 1e3,
		       python_full / rows[0].ns_per_request);
		printf("  conditional GET 304 %10.2f  (C/libcurl %.2f: "
		       "Python %.1fx)\n",
		       python_conditional / 1e3, rows[1].ns_per_request / 1e3,
		       python_conditional / rows[1].ns_per_request);
	}
	int csv_rc = dp_bench_csv_close(csv);
	if (rc == DP_OK)
		rc = csv_rc;
	if (rc != DP_OK)
		fprintf(stderr, "bench failed: %s\n", dp_strerror(rc));
done:
	dp_http_server_destroy(server);
	free(body);
	return rc == DP_OK ? 0 : 1;
}
