/*
 * The demo at scale: load, save, filter, sort and edit lists of 10^3,
 * 10^4 and 10^5 items, in both architectures, and the growth exponent
 * between sizes, log(t2 / t1) / log(n2 / n1): 1 for linear work, about
 * 1.1 for n log n at these sizes, 2 for quadratic.
 *
 * Each operation goes the way the real program takes it: a command line
 * handed to the MVC controller or to the MVP presenter, parsed, carried
 * out by the shared core, and drawn by the view (MVC) or formatted by the
 * presenter and shown by the passive view (MVP), into /dev/null, where
 * the program would write to the terminal. So a figure is the whole data
 * path, redraw included.
 *
 * load   `load FILE` of a native file of n items into a fresh session:
 *        read, parse, replace the list (a command), redraw.
 * save   `save --force FILE`: format, write, fsync, rename.
 * filter `filter active` from `filter all`: select and redraw.
 * sort   `sort title` from `sort id`: select, sort and redraw.
 * edit   k lines cycling through add, toggle, edit, delete and undo, on
 *        random items; the time per line. While every change redraws the
 *        whole list, k shrinks as n grows (k * n stays at most 10^7) so
 *        the run stays short.
 *
 * Each figure is the best of several rounds, each round a fresh session
 * (a load must start from an empty list, so dp_bench_ns_per_op()'s
 * repeated calls on one state would not measure it); the clock is the
 * library's dp_now_ns(). DP_BENCH_QUICK=1 runs one round. Run with
 * `make bench P=demo`. With DP_BENCH_CSV set, each architecture's table
 * is also written as CSV: demo_mvc.csv and demo_mvp.csv (a row per n,
 * times in the units the docs write them) and demo_mvc_growth.csv and
 * demo_mvp_growth.csv (a row per step, labelled by its smaller n).
 */
#include "adapter/adapter.h"
#include "common/dp_bench.h"
#include "common/dp_temp.h"
#include "mvc.h"
#include "mvp.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { SIZES = 3, OPS = 5, EDITS = 1000 };

static const size_t SIZE[SIZES] = {1000, 10000, 100000};
static const char *const OP_NAME[OPS] = {"load", "save", "filter", "sort",
                                         "edit"};
enum { LOAD, SAVE, FILTER, SORT, EDIT };

/* The best time of each operation at each size, in seconds. */
struct figures {
	double best[SIZES][OPS];
};

/* The targets: growth at most 1.15 from 10^4 to 10^5 items for
 * load, save, filter and sort; load and save of 10^5 items under 0.5 s. */
#define TARGET_EXPONENT 1.15
#define TARGET_SECONDS  0.5

/* One session of either architecture: the core, and the MVC view with
 * its controller or the MVP presenter with its passive view. */
struct session {
	bool mvp;
	struct todo_app app;
	struct todo_mvc_view view;
	struct todo_controller controller;
	struct todo_passive_view passive;
	struct todo_presenter presenter;
	struct dp_stream *out;
};

static void die(const char *what, int rc)
{
	fprintf(stderr, "bench_demo: %s: %s\n", what, dp_strerror(rc));
	exit(1);
}

static void session_open(struct session *s, bool mvp)
{
	char error[TODO_MESSAGE_MAX];
	const struct todo_app_options options = {.store = "native"};
	FILE *null = fopen("/dev/null", "w");

	*s = (struct session){.mvp = mvp};
	s->out = null ? dp_file_stream_create(null, true, NULL) : NULL;
	if (s->out == NULL)
		die("/dev/null", DP_EIO);
	int rc = todo_app_init(&s->app, &options, error, sizeof(error));
	if (rc != DP_OK)
		die(error, rc);
	if (mvp) {
		s->passive = (struct todo_passive_view){.out = s->out};
		rc = todo_presenter_init(&s->presenter, &s->app, "plain", false,
		                         &todo_passive_view_ops, &s->passive);
	} else {
		rc = todo_mvc_view_init(&s->view, &s->app, "plain", s->out,
		                        false);
		if (rc == DP_OK)
			rc = todo_controller_init(&s->controller, &s->app,
			                          &s->view, false);
	}
	if (rc != DP_OK)
		die("view", rc);
}

static void session_close(struct session *s)
{
	if (s->mvp)
		todo_presenter_deinit(&s->presenter);
	else
		todo_mvc_view_deinit(&s->view);
	todo_app_deinit(&s->app);
	dp_stream_close(s->out);
}

/* One line of input, as the program's input loop hands it over. */
static void session_line(struct session *s, const char *text)
{
	char line[TODO_LINE_MAX + 1];

	snprintf(line, sizeof(line), "%s", text);
	if (s->mvp)
		todo_presenter_on_line(&s->presenter, line);
	else
		todo_controller_handle(&s->controller, line);
}

static double timed_line(struct session *s, const char *text)
{
	uint64_t start = dp_now_ns();

	session_line(s, text);
	return (double)(dp_now_ns() - start) / 1e9;
}

/* Titles of realistic length, in an order unrelated to their ids, so
 * that sorting by title has work to do; every third item done. */
static void make_title(char *title, size_t size, uint64_t *random)
{
	static const char *const WHAT[] = {
		"buy milk",         "call the plumber",   "write the report",
		"water the plants", "book train tickets", "pay the rent",
	};
	uint64_t r = dp_random_next(random);

	snprintf(title, size, "%s %05u", WHAT[r % DP_ARRAY_SIZE(WHAT)],
	         (unsigned)(r >> 32) % 100000);
}

/* Write the file of n items once, through the core's own save. */
static void write_list(const char *path, size_t n)
{
	struct session s;
	uint64_t random = 17;
	char title[64];

	session_open(&s, false);
	todo_mvc_view_deinit(&s.view); /* nobody draws the setup */
	for (size_t i = 0; i < n; i++) {
		make_title(title, sizeof(title), &random);
		int rc = todo_model_insert(s.app.model, i, 0, title, i % 3 == 0,
		                           NULL);
		if (rc != DP_OK)
			die("setup", rc);
	}
	const struct todo_request save = {
		.verb = TODO_SAVE, .text = path, .force = true};
	char message[TODO_MESSAGE_MAX];
	int rc = todo_app_change(&s.app, &save, message, sizeof(message));
	if (rc != DP_OK)
		die(message, rc);
	todo_app_deinit(&s.app);
	dp_stream_close(s.out);
}

/* k edits on random items among the n loaded, whose ids are 1 to n: each
 * cycle deletes an item and undoes that, so they all stay. */
static double time_edits(struct session *s, size_t n, size_t k)
{
	uint64_t random = 42;
	char line[128];
	uint64_t start = dp_now_ns();

	for (size_t i = 0; i < k; i++) {
		unsigned id = (unsigned)(dp_random_next(&random) % n) + 1;
		switch (i % 5) {
		case 0:
			snprintf(line, sizeof(line), "add buy milk %05zu", i);
			break;
		case 1:
			snprintf(line, sizeof(line), "toggle %u", id);
			break;
		case 2:
			snprintf(line, sizeof(line), "edit %u call mom %zu", id,
			         i);
			break;
		case 3:
			snprintf(line, sizeof(line), "delete %u", id);
			break;
		default:
			snprintf(line, sizeof(line), "undo");
			break;
		}
		session_line(s, line);
	}
	return (double)(dp_now_ns() - start) / 1e9 / (double)k;
}

/* One round for one size: a fresh session, each operation once. */
static void round_once(bool mvp, const char *dir, size_t n, double seconds[OPS])
{
	struct session s;
	char line[TODO_LINE_MAX + 1];

	session_open(&s, mvp);
	snprintf(line, sizeof(line), "load %s/list%zu", dir, n);
	seconds[LOAD] = timed_line(&s, line);
	if (todo_model_count(s.app.model) != n)
		die("load", DP_EIO);
	seconds[FILTER] = timed_line(&s, "filter active");
	session_line(&s, "filter all");
	seconds[SORT] = timed_line(&s, "sort title");
	session_line(&s, "sort id");
	snprintf(line, sizeof(line), "save --force %s/saved%zu", dir, n);
	seconds[SAVE] = timed_line(&s, line);
	seconds[EDIT] = time_edits(&s, n, EDITS);
	session_close(&s);
}

static void print_time(double seconds)
{
	if (seconds >= 1)
		printf(" %8.2f s ", seconds);
	else if (seconds >= 1e-3)
		printf(" %8.2f ms", seconds * 1e3);
	else
		printf(" %8.2f us", seconds * 1e6);
}

static double exponent(const struct figures *f, size_t i, int op)
{
	return log(f->best[i + 1][op] / f->best[i][op]) /
	       log((double)SIZE[i + 1] / (double)SIZE[i]);
}

static bool print_targets(const struct figures *f)
{
	bool met = true;

	for (int op = LOAD; op <= SORT; op++) {
		double e = exponent(f, SIZES - 2, op);
		bool ok = e <= TARGET_EXPONENT;
		printf("target: %-6s growth 10^4 -> 10^5 at most %.2f: %.2f "
		       "%s\n",
		       OP_NAME[op], TARGET_EXPONENT, e, ok ? "met" : "missed");
		met = met && ok;
	}
	for (int op = LOAD; op <= SAVE; op++) {
		double t = f->best[SIZES - 1][op];
		bool ok = t < TARGET_SECONDS;
		printf("target: %-6s of 10^5 items under %.1f s: %.3f s %s\n",
		       OP_NAME[op], TARGET_SECONDS, t, ok ? "met" : "missed");
		met = met && ok;
	}
	return met;
}

static void print_table(const char *title, const struct figures *f)
{
	printf("%s\n%8s", title, "n");
	for (int op = 0; op < OPS; op++)
		printf(" %11s", OP_NAME[op]);
	printf("   k edits\n");
	for (size_t i = 0; i < SIZES; i++) {
		printf("%8zu", SIZE[i]);
		for (int op = 0; op < OPS; op++)
			print_time(f->best[i][op]);
		printf(" %8d\n", EDITS);
	}
	for (size_t i = 0; i + 1 < SIZES; i++) {
		printf("growth %zu -> %zu:", SIZE[i], SIZE[i + 1]);
		for (int op = 0; op < OPS; op++)
			printf(" %11.2f", exponent(f, i, op));
		printf("\n");
	}
}

/* The table as CSV (nothing unless DP_BENCH_CSV is set). */
static void write_csv(bool mvp, const struct figures *f)
{
	static const double UNIT[OPS] = {1e3, 1e3, 1e6, 1e3, 1e6};
	dp_bench_csv *times = NULL;
	dp_bench_csv *growth = NULL;
	char label[32];
	double row[OPS];

	int rc = dp_bench_csv_open(
		&times, mvp ? "demo_mvp" : "demo_mvc",
		"n,load_ms,save_ms,filter_us,sort_ms,edit_us");
	if (rc == DP_OK)
		rc = dp_bench_csv_open(
			&growth, mvp ? "demo_mvp_growth" : "demo_mvc_growth",
			"from_n,load,save,filter,sort,edit");
	for (size_t i = 0; rc == DP_OK && i < SIZES; i++) {
		for (int op = 0; op < OPS; op++)
			row[op] = f->best[i][op] * UNIT[op];
		snprintf(label, sizeof(label), "%zu", SIZE[i]);
		rc = dp_bench_csv_row(times, label, row, OPS);
		for (int op = 0; rc == DP_OK && i + 1 < SIZES && op < OPS; op++)
			row[op] = exponent(f, i, op);
		if (rc == DP_OK && i + 1 < SIZES)
			rc = dp_bench_csv_row(growth, label, row, OPS);
	}
	int closed = dp_bench_csv_close(times);
	int closed_growth = dp_bench_csv_close(growth);
	if (rc == DP_OK)
		rc = closed != DP_OK ? closed : closed_growth;
	if (rc != DP_OK)
		die("CSV", rc);
}

static bool run_architecture(bool mvp, const char *dir, int rounds)
{
	struct figures f = {{{0}}};
	double(*best)[OPS] = f.best;

	for (size_t i = 0; i < SIZES; i++) {
		for (int round = 0; round < rounds; round++) {
			double seconds[OPS];
			round_once(mvp, dir, SIZE[i], seconds);
			for (int op = 0; op < OPS; op++)
				if (round == 0 || seconds[op] < best[i][op])
					best[i][op] = seconds[op];
		}
	}
	print_table(mvp ? "MVP: presenter formats, passive view prints "
	                  "(plain view, into /dev/null)"
	                : "MVC: the view pulls from the model and draws "
	                  "(plain view, into /dev/null)",
	            &f);
	write_csv(mvp, &f);
	bool met = print_targets(&f);
	printf("\n");
	return met;
}

int main(void)
{
	char dir[256];
	int rounds = getenv("DP_BENCH_QUICK") ? 1 : 3;

	int rc = dp_temp_dir_make(dir, sizeof(dir), "dp_bench_demo");
	if (rc != DP_OK)
		die("temporary directory", rc);
	for (size_t i = 0; i < SIZES; i++) {
		char path[300];
		snprintf(path, sizeof(path), "%s/list%zu", dir, SIZE[i]);
		write_list(path, SIZE[i]);
	}
	printf("The to-do demo at scale: best of %d round%s; times per "
	       "operation, edit per line\n\n",
	       rounds, rounds == 1 ? "" : "s");
	bool met = run_architecture(false, dir, rounds);
	met = run_architecture(true, dir, rounds) && met;
	printf("targets: %s\n", met ? "all met" : "some missed");
	dp_temp_dir_remove(dir);
	return 0;
}
