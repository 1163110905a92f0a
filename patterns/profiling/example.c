/*
 * Where does a request handler spend its time? A profiler wraps each of
 * its functions, and the handler calls them through the wrappers. The
 * functions simulate their work by moving a manual clock (a database
 * query "takes" 3 ms), so the report below is the same on every machine:
 * swap in the real clock (NULL) and the same code profiles real work.
 *
 * Then the course's two functions: slow_function under the real clock
 * (its call count is printed, its times are not: they vary), and my_func
 * under a memory trace, with the exact bytes of every line.
 */
#include "adapter/adapter.h"
#include "profiling/profiling.h"

#include <stdio.h>

enum { MS = 1000000, US = 1000 };

struct app {
	struct dp_manual_clock clock;
	dp_profiled_fn *parse, *query, *render, *section, *format_row;
};

static void work(struct app *app, uint64_t ns)
{
	dp_manual_clock_advance(&app->clock, ns);
}

static int64_t parse_request(void *ctx, int64_t id)
{
	work(ctx, 200 * US);
	return id;
}

static int64_t query_db(void *ctx, int64_t id)
{
	work(ctx, 3 * MS);
	return id % 7 + 3; /* rows found */
}

static int64_t format_row(void *ctx, int64_t row)
{
	work(ctx, 50 * US);
	return row;
}

/* Sections nest: a page of depth 3 renders 3 levels, each calling itself. */
static int64_t render_section(void *ctx, int64_t depth)
{
	struct app *app = ctx;

	work(app, 100 * US);
	return depth > 1 ? dp_profiled_fn_call(app->section, depth - 1) : 0;
}

static int64_t render_page(void *ctx, int64_t rows)
{
	struct app *app = ctx;

	work(app, 500 * US);
	for (int64_t row = 0; row < rows; row++)
		dp_profiled_fn_call(app->format_row, row);
	return dp_profiled_fn_call(app->section, 3);
}

static int64_t handle_request(void *ctx, int64_t id)
{
	struct app *app = ctx;

	dp_profiled_fn_call(app->parse, id);
	int64_t rows = dp_profiled_fn_call(app->query, id);
	return dp_profiled_fn_call(app->render, rows);
}

static int profile_requests(struct dp_stream *out)
{
	struct app app;
	dp_manual_clock_init(&app.clock, 0);
	dp_profiler *profiler = dp_profiler_create(&app.clock.base, NULL);
	if (profiler == NULL)
		return DP_ENOMEM;
	dp_profiled_fn *handle = dp_profiler_wrap(profiler, handle_request,
	                                          &app, "handle_request");
	app.parse = dp_profiler_wrap(profiler, parse_request, &app,
	                             "parse_request");
	app.query = dp_profiler_wrap(profiler, query_db, &app, "query_db");
	app.render =
		dp_profiler_wrap(profiler, render_page, &app, "render_page");
	app.section = dp_profiler_wrap(profiler, render_section, &app,
	                               "render_section");
	app.format_row =
		dp_profiler_wrap(profiler, format_row, &app, "format_row");
	int rc = DP_ENOMEM;
	if (handle == NULL || app.parse == NULL || app.query == NULL ||
	    app.render == NULL || app.section == NULL || app.format_row == NULL)
		goto done;

	for (int64_t id = 1; id <= 4; id++)
		dp_profiled_fn_call(handle, id);

	dp_stream_write_string(out, "== cProfile.run('handle_request()'), "
	                            "sorted by cumulative time ==\n");
	rc = dp_profiler_print(profiler, DP_PROFILE_BY_CUMULATIVE, out);
	if (rc == DP_OK) {
		dp_stream_write_string(out, "\n== the same, sorted by own "
		                            "time: the hot spot ==\n");
		rc = dp_profiler_print(profiler, DP_PROFILE_BY_OWN, out);
	}
done:
	dp_profiler_destroy(profiler);
	return rc;
}

static int profile_slow_function(struct dp_stream *out)
{
	dp_profiler *profiler = dp_profiler_create(NULL, NULL);
	dp_profiled_fn *slow = dp_profiler_wrap(
		profiler, dp_profiling_slow_function, NULL, "slow_function");
	if (slow == NULL) {
		dp_profiler_destroy(profiler);
		return DP_ENOMEM;
	}
	int64_t total = 0;
	for (int i = 0; i < 100; i++)
		total = dp_profiled_fn_call(slow, 10000);
	struct dp_profile_stats stats;
	dp_profiled_fn_stats(slow, &stats);
	char line[160];
	snprintf(line, sizeof(line),
	         "\n== slow_function() on the real clock ==\n"
	         "slow_function(10000) = %lld, %llu calls "
	         "(times vary from run to run: see make profile)\n",
	         (long long)total, (unsigned long long)stats.calls);
	dp_profiler_destroy(profiler);
	return dp_stream_write_string(out, line);
}

static int trace_my_func(struct dp_stream *out)
{
	struct dp_counting_allocator counter;
	struct dp_memory_line lines[4];
	struct dp_memory_trace trace;

	dp_counting_allocator_init(&counter, NULL);
	dp_memory_trace_init(&trace, &counter, lines, DP_ARRAY_SIZE(lines));
	int rc = dp_profiling_my_func(&counter.base, &trace);
	if (rc != DP_OK)
		return rc;
	dp_stream_write_string(out, "\n== @profile def my_func(), through "
	                            "the counting allocator ==\n");
	rc = dp_memory_trace_print(&trace, out);
	char line[160];
	snprintf(line, sizeof(line),
	         "peak %zu bytes; after my_func returns: %zu bytes live in "
	         "%zu blocks\n",
	         counter.peak_bytes, counter.live_bytes, counter.live_blocks);
	return rc != DP_OK ? rc : dp_stream_write_string(out, line);
}

int main(void)
{
	struct dp_stream *out = dp_file_stream_create(stdout, false, NULL);
	if (out == NULL)
		return 1;
	int rc = profile_requests(out);
	if (rc == DP_OK)
		rc = profile_slow_function(out);
	if (rc == DP_OK)
		rc = trace_my_func(out);
	int closed = dp_stream_close(out);
	if (rc != DP_OK || closed != DP_OK) {
		fprintf(stderr, "example: %s\n",
		        dp_strerror(rc != DP_OK ? rc : closed));
		return 1;
	}
	return 0;
}
