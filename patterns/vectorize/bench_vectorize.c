/*
 * What vectorizing is worth: each kernel, each variant, on an array that
 * fits in the L1 cache and on one of 80 MB that does not fit in any cache,
 * in ns per element and GB/s, and, when python3 is found, the course's
 * pure-Python loop and sum() on the same numbers.
 *
 * The sum is also measured against its limit, dp_vec_limit_sum(), the
 * fastest sum the chapter knows how to write, compiled at -O3
 * -march=native in every build: in L1 the best loop the compiler emits
 * for this CPU, from RAM the read bandwidth of one core. The limit and
 * the variants are timed the same way on the same arrays, taking turns,
 * the best turn of each kept, so each variant is a percentage of a limit
 * measured beside it.
 *
 * `make bench` builds this three times, at -O0, -O2 and -O3 -march=native;
 * DP_VECTORIZE_OPT names the level. Figures are ratios within one run.
 * With DP_BENCH_CSV set, the sum's table and the Python table also go
 * there, to files named for the build's flags: vectorize_sum_O2.csv and
 * vectorize_python_O2.csv, and likewise _O0 and _O3_march_native.
 */
/* popen(), pclose() and clock_gettime() are POSIX, not C11. */
#define _POSIX_C_SOURCE 200809L

#include "common/dp_bench.h"
#include "vectorize/vectorize.h"

#include <ctype.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#ifndef DP_VECTORIZE_OPT
#define DP_VECTORIZE_OPT "-O2"
#endif

static const struct dp_vec_ops *const VARIANTS[] = {
	&dp_vec_plain,
	&dp_vec_unrolled,
	&dp_vec_simd,
	&dp_vec_vector,
};
enum { N_VARIANTS = DP_ARRAY_SIZE(VARIANTS) };

/* 8 KB per array, so that even axpy's two arrays sit in a 32 KB L1; and
 * 80 MB, far beyond any cache of the machine. */
enum { SMALL = 1024, BIG = 10 * 1000 * 1000, N_SIZES = 2 };
static const size_t SIZES[N_SIZES] = {SMALL, BIG};

/* The sum's table, the limit's rows included, is timed in turns: each
 * row times CALLS[s] calls in turn, TURNS times, and keeps its best turn,
 * so that a burst of load cannot make a variant look faster than the
 * limit, or the limit slower than a variant. A turn lasts microseconds
 * to milliseconds: 1000 calls on 8 KB, one call on 80 MB. */
enum { TURNS = 40 };
static const size_t CALLS[N_SIZES] = {1000, 1};

enum kernel { SUM, DOT, AXPY, SUM_I64, N_KERNELS };
static const char *const KERNEL_NAMES[N_KERNELS] = {"sum", "dot", "axpy",
                                                    "sum_i64"};
/* Bytes moved per element: axpy reads x and y and writes y. */
static const double KERNEL_BYTES[N_KERNELS] = {8, 16, 24, 8};

/* The sum's table has two more rows than the variants: the limit's two
 * widths, 4 and 8 lanes. The limit at each size is the faster of them. */
enum { LIMIT4 = N_VARIANTS, LIMIT8, N_ROWS };
static const char *const LIMIT_NAMES[2] = {"limit4", "limit8"};

struct run {
	const struct dp_vec_ops *ops; /* NULL: the limit */
	size_t lanes;                 /* the limit's width */
	enum kernel kernel;
	const double *x;
	double *y;
	const int64_t *ix;
	size_t n;
};

static void keep_double(double value)
{
	uint64_t bits;
	memcpy(&bits, &value, sizeof(bits));
	dp_bench_keep(bits);
}

/* One call of the kernel; the limit is a sum called exactly like the
 * variants' sums, through a function that checks its arguments. */
static double call_kernel(const struct run *r, size_t i)
{
	double result = 0.0;
	int64_t iresult = 0;

	if (r->ops == NULL) {
		dp_vec_limit_sum(r->x, r->n, r->lanes, &result);
		return result;
	}
	switch (r->kernel) {
	case SUM:
		dp_vec_sum(r->ops, r->x, r->n, &result);
		return result;
	case DOT:
		dp_vec_dot(r->ops, r->x, r->y, r->n, &result);
		return result;
	case AXPY:
		/* Alternating signs keep y bounded however long the
		 * calibration runs. */
		dp_vec_axpy(r->ops, i % 2 ? -0.5 : 0.5, r->x, r->y, r->n);
		return r->y[i % r->n];
	default:
		dp_vec_sum_i64(r->ops, r->ix, r->n, &iresult);
		return (double)iresult;
	}
}

static void run_kernel(void *ctx, size_t iterations)
{
	const struct run *r = ctx;
	double acc = 0.0;

	for (size_t i = 0; i < iterations; i++)
		acc += call_kernel(r, i);
	keep_double(acc);
}

static void select_row(struct run *r, size_t row)
{
	r->ops = row < N_VARIANTS ? VARIANTS[row] : NULL;
	r->lanes = row == LIMIT8 ? 8 : 4;
}

/* How many calls on 80 MB the other kernels keep the best of: each lasts
 * milliseconds, longer than a repetition of dp_bench_measure(). */
enum { RAM_REPETITIONS = 3 };

/* ns per element of each row at one size, timed by the harness: the
 * other kernels, which have no limit to be compared with. In L1,
 * calibrated rounds of the wall clock, the best of five kept; from RAM,
 * the best of RAM_REPETITIONS calls. */
static void measure_rounds(struct run *r, size_t rows, size_t s,
                           double ns[N_ROWS][N_SIZES])
{
	r->n = SIZES[s];
	for (size_t row = 0; row < rows; row++) {
		select_row(r, row);
		struct dp_bench_spread spread;
		if (s == 0)
			spread.min = dp_bench_ns_per_op(run_kernel, r);
		else
			dp_bench_measure(run_kernel, r, RAM_REPETITIONS,
			                 &spread);
		ns[row][s] = spread.min / (double)SIZES[s];
	}
}

/* The time this thread has run, in ns: unlike the wall clock, it stops
 * while another program has the core. */
static uint64_t thread_cpu_ns(void)
{
	struct timespec now;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
	return (uint64_t)now.tv_sec * 1000000000u + (uint64_t)now.tv_nsec;
}

/* The sum and its limit: the rows take turns, CALLS[s] calls each, so
 * that every row sees the same moments of a shared machine (another
 * program's memory traffic slows whichever row runs beside it), and each
 * keeps its fastest turn. A turn is timed by the thread's CPU time, so
 * that being descheduled in the middle of one does not count. Calibrated
 * rounds of the wall clock, one row after the other, let a variant read
 * 124% of the limit on a busy machine. */
static void measure_turns(struct run *r, size_t rows, size_t s,
                          double ns[N_ROWS][N_SIZES])
{
	r->n = SIZES[s];
	for (size_t turn = 0; turn < TURNS; turn++) {
		for (size_t row = 0; row < rows; row++) {
			select_row(r, row);
			double acc = 0.0;
			uint64_t start = thread_cpu_ns();
			for (size_t call = 0; call < CALLS[s]; call++)
				acc += call_kernel(r, call);
			double t = (double)(thread_cpu_ns() - start) /
			           (double)(CALLS[s] * SIZES[s]);
			keep_double(acc);
			ns[row][s] = fmin(ns[row][s], t);
		}
	}
}

/* ns per element of each row (the variants, then for the sum the limit's
 * two widths) at each size. */
static void measure(struct run *r, size_t rows, bool with_limit,
                    double ns[N_ROWS][N_SIZES])
{
	for (size_t s = 0; s < N_SIZES; s++) {
		for (size_t row = 0; row < rows; row++)
			ns[row][s] = INFINITY;
		if (with_limit)
			measure_turns(r, rows, s, ns);
		else
			measure_rounds(r, rows, s, ns);
	}
}

/* ns per element of the plain loop and of the best variant, per size. */
struct summary {
	double plain[N_SIZES];
	double best[N_SIZES];
	double limit[N_SIZES]; /* the sum only; 0 for the other kernels */
	size_t best_variant[N_SIZES];
};

static void summarise(double ns[N_ROWS][N_SIZES], bool has_limit,
                      struct summary *summary)
{
	for (size_t s = 0; s < N_SIZES; s++) {
		summary->plain[s] = ns[0][s];
		summary->best[s] = ns[0][s];
		summary->best_variant[s] = 0;
		summary->limit[s] =
			has_limit ? fmin(ns[LIMIT4][s], ns[LIMIT8][s]) : 0.0;
		for (size_t v = 1; v < N_VARIANTS; v++) {
			if (ns[v][s] < summary->best[s]) {
				summary->best[s] = ns[v][s];
				summary->best_variant[s] = v;
			}
		}
	}
}

/* One row: ns per element, GB/s, speed-up over plain, and, for the sum,
 * the percentage of the limit's speed. */
static void print_row(const char *name, const double ns[N_SIZES],
                      const struct summary *summary, double bytes)
{
	printf("%-9s", name);
	for (size_t s = 0; s < N_SIZES; s++) {
		printf(" %7.3f %6.1f %5.1fx", ns[s], bytes / ns[s],
		       summary->plain[s] / ns[s]);
		if (summary->limit[s] > 0)
			printf(" %5.0f%%", 100 * summary->limit[s] / ns[s]);
		printf("%s", s == 0 ? "  " : "\n");
	}
}

/* A row printed and written to the CSV file: ns per element, GB/s, the
 * speed-up over plain and the percentage of the limit, at each size. */
static void table_row(dp_bench_csv *csv, const char *name,
                      const double ns[N_SIZES], const struct summary *summary,
                      double bytes)
{
	double values[4 * N_SIZES];

	print_row(name, ns, summary, bytes);
	for (size_t s = 0; s < N_SIZES; s++) {
		values[s] = ns[s];
		values[2 + s] = bytes / ns[s];
		values[4 + s] = summary->plain[s] / ns[s];
		values[6 + s] = summary->limit[s] > 0
		                        ? 100 * summary->limit[s] / ns[s]
		                        : 0.0;
	}
	dp_bench_csv_row(csv, name, values, 4 * N_SIZES);
}

static void kernel_table(struct run *r, enum kernel kernel,
                         struct summary *summary, dp_bench_csv *csv)
{
	double ns[N_ROWS][N_SIZES];
	bool has_limit = kernel == SUM;
	size_t rows = has_limit ? N_ROWS : N_VARIANTS;

	r->kernel = kernel;
	measure(r, rows, has_limit, ns);
	summarise(ns, has_limit, summary);

	printf("%s, %.0f bytes per element%s\n", KERNEL_NAMES[kernel],
	       KERNEL_BYTES[kernel],
	       has_limit ? "; % of the limit's speed; best of 40 turns "
	                   "of CPU time"
	                 : "");
	const char *pct = has_limit ? " %limit" : "";
	printf("%-9s %21s%s   %21s\n", "", "L1 (8 KB per array)",
	       has_limit ? "       " : "", "RAM (80 MB per array)");
	printf("%-9s %7s %6s %6s%s   %7s %6s %6s%s\n", "variant", "ns/elem",
	       "GB/s", "xplain", pct, "ns/elem", "GB/s", "xplain", pct);
	for (size_t row = 0; row < rows; row++) {
		const char *name = row < N_VARIANTS
		                           ? VARIANTS[row]->name
		                           : LIMIT_NAMES[row - N_VARIANTS];
		table_row(csv, name, ns[row], summary, KERNEL_BYTES[kernel]);
	}
	if (has_limit)
		table_row(csv, "limit", summary->limit, summary,
		          KERNEL_BYTES[kernel]);
	printf("\n");
}

/* The same numbers in C and in Python, from a formula both evaluate
 * exactly: multiples of 1/1024 below 1000, whose sums of up to 10^7 terms
 * are exact in a double, so every order of adding gives the same sum. The
 * formula repeats every 1000003 elements, so Python computes one period
 * and repeats it, rather than evaluating it 10^7 times. */
static double course_value(size_t i)
{
	return (double)(((uint64_t)i * 2654435761u) % 1000003u) / 1024.0;
}

/* The course's fast_sum, without @jit: the pure-Python loop, and the
 * built-in sum(), over an array('d') of the same numbers. Prints ns per
 * element for the loop and sum() in L1-sized and 80 MB arrays, then the
 * 80 MB sum as a check. */
static const char PYTHON[] =
	"exec python3 -c '\n"
	"import sys, time\n"
	"from array import array\n"
	"def fast_sum(arr):\n"
	"    total = 0\n"
	"    for x in arr:\n"
	"        total += x\n"
	"    return total\n"
	"def best(f, arr, reps):\n"
	"    b = None\n"
	"    for _ in range(3):\n"
	"        t = time.perf_counter()\n"
	"        for _ in range(reps):\n"
	"            r = f(arr)\n"
	"        e = (time.perf_counter() - t) / reps / len(arr) * 1e9\n"
	"        b = e if b is None or e < b else b\n"
	"    return b, r\n"
	"P = 1000003\n"
	"base = array(\"d\", (((i * 2654435761) %% P) / 1024.0\n"
	"                     for i in range(min(int(sys.argv[2]), P))))\n"
	"out = []\n"
	"for n, reps in ((int(sys.argv[1]), 1000), (int(sys.argv[2]), 1)):\n"
	"    a = (base * (n // len(base) + 1))[:n]\n"
	"    loop, s = best(fast_sum, a, reps)\n"
	"    builtin, s = best(sum, a, reps)\n"
	"    out += [loop, builtin]\n"
	"print(*out, s)\n"
	"' %d %d 2>/dev/null";

/* The CSV file of a table of this build: the table's name, then the
 * flags, each run of characters other than letters and digits turned into
 * one '_': "vectorize_sum" at -O2 writes vectorize_sum_O2. */
static void csv_name(char *name, size_t size, const char *table)
{
	size_t length = (size_t)snprintf(name, size, "%s", table);

	for (const char *c = DP_VECTORIZE_OPT; *c != '\0'; c++) {
		bool alnum = isalnum((unsigned char)*c);
		if (length + 2 >= size)
			break;
		if (alnum)
			name[length++] = *c;
		else if (name[length - 1] != '_')
			name[length++] = '_';
	}
	name[length] = '\0';
}

static dp_bench_csv *csv_open(const char *table, const char *header)
{
	char name[64];
	dp_bench_csv *csv = NULL;

	csv_name(name, sizeof(name), table);
	int rc = dp_bench_csv_open(&csv, name, header);
	if (rc != DP_OK) {
		fprintf(stderr, "bench_vectorize: %s: %s\n", name,
		        dp_strerror(rc));
		exit(EXIT_FAILURE);
	}
	return csv;
}

static void csv_close(dp_bench_csv *csv)
{
	int rc = dp_bench_csv_close(csv);
	if (rc != DP_OK) {
		fprintf(stderr, "bench_vectorize: %s\n", dp_strerror(rc));
		exit(EXIT_FAILURE);
	}
}

/* Python's ns per element (the loop and sum(), in L1 and at 80 MB) and
 * the sum they computed; false when python3 is missing or failed. */
static bool run_python(double ns[4], double *sum)
{
	char command[sizeof(PYTHON) + 64];

	snprintf(command, sizeof(command), PYTHON, SMALL, BIG);
	fflush(stdout);
	FILE *python = popen(command, "r");
	if (python == NULL)
		return false;
	int got = fscanf(python, "%lf %lf %lf %lf %lf", &ns[0], &ns[1], &ns[2],
	                 &ns[3], sum);
	pclose(python);
	return got == 5;
}

static void python_table(const struct summary *sum_summary, double c_sum)
{
	double ns[4], py_sum;

	if (!run_python(ns, &py_sum)) {
		printf("python3 not found or failed: no Python figures\n");
		return;
	}
	printf("Python on the same numbers (array('d'); %s sum: C %.1f, "
	       "Python %.1f)\n",
	       c_sum == py_sum ? "same" : "DIFFERENT", c_sum, py_sum);
	printf("%-22s %7s %9s   %7s %9s\n", "", "L1", "", "80 MB", "");
	printf("%-22s %7s %9s   %7s %9s\n", "", "ns/elem", "best C is",
	       "ns/elem", "best C is");
	dp_bench_csv *csv = csv_open("vectorize_python_",
	                             "python,l1_ns_per_elem,ram_ns_per_elem,"
	                             "l1_best_c_x,ram_best_c_x");
	static const char *const names[2] = {"pure-Python loop", "sum()"};
	static const char *const labels[2] = {"loop", "sum"};
	for (size_t k = 0; k < 2; k++) {
		double l1_x = ns[k] / sum_summary->best[0];
		double ram_x = ns[2 + k] / sum_summary->best[1];
		printf("%-22s %7.1f %8.0fx   %7.1f %8.0fx\n", names[k], ns[k],
		       l1_x, ns[2 + k], ram_x);
		dp_bench_csv_row(csv, labels[k],
		                 (double[]){ns[k], ns[2 + k], l1_x, ram_x}, 4);
	}
	csv_close(csv);
	printf("\nTarget: best C sum at least 20x Python's sum(): %s "
	       "(%.0fx in L1, %.0fx at 80 MB)\n",
	       ns[1] / sum_summary->best[0] >= 20 &&
	                       ns[3] / sum_summary->best[1] >= 20
	               ? "met"
	               : "NOT met",
	       ns[1] / sum_summary->best[0], ns[3] / sum_summary->best[1]);
}

/* The goals of the sum, against its limit. From RAM no loop reads faster
 * than one core can, so the best variant should come close to the limit;
 * in L1 the limit is the best the compiler emits for this CPU, and the
 * percentage says how much of it each build's best variant leaves. */
static void sum_goals(const struct summary *s)
{
	double ram_pct = 100 * s->limit[1] / s->best[1];
	double l1_pct = 100 * s->limit[0] / s->best[0];

	printf("Goal from RAM: best sum at least 90%% of one core's read "
	       "bandwidth (the limit, %.1f GB/s): %s, %s at %.0f%%\n",
	       8 / s->limit[1], ram_pct >= 90 ? "met" : "NOT met",
	       VARIANTS[s->best_variant[1]]->name, ram_pct);
	printf("In L1: best sum %.0f%% of the best loop for this CPU "
	       "(%.1f GB/s): %s, %.1fx plain\n\n",
	       l1_pct, 8 / s->limit[0], VARIANTS[s->best_variant[0]]->name,
	       s->plain[0] / s->best[0]);
}

int main(void)
{
	double *x = malloc(BIG * sizeof(*x));
	double *y = malloc(BIG * sizeof(*y));
	int64_t *ix = malloc(BIG * sizeof(*ix));
	if (x == NULL || y == NULL || ix == NULL) {
		fprintf(stderr, "bench_vectorize: out of memory\n");
		return EXIT_FAILURE;
	}
	/* Every page written, so that the timed loops read real memory:
	 * untouched pages of a fresh allocation all map one shared zero
	 * page, which reads as if from cache. */
	for (size_t i = 0; i < BIG; i++) {
		x[i] = course_value(i);
		y[i] = (double)((i * 40503u) % 65521u) / 1024.0;
		ix[i] = (int64_t)(((uint64_t)i * 2654435761u) % 1000003u);
	}

	printf("Kernels compiled with %s, the limit with -O3 -march=native; "
	       "ns per element, GB/s = bytes per element / ns\n\n",
	       DP_VECTORIZE_OPT);
	struct run r = {.x = x, .y = y, .ix = ix};
	dp_bench_csv *csv =
		csv_open("vectorize_sum_",
	                 "variant,l1_ns_per_elem,ram_ns_per_elem,l1_gb_per_s,"
	                 "ram_gb_per_s,l1_x_plain,ram_x_plain,l1_pct_of_limit,"
	                 "ram_pct_of_limit");
	struct summary summaries[N_KERNELS];
	for (int k = 0; k < N_KERNELS; k++)
		kernel_table(&r, (enum kernel)k, &summaries[k],
		             k == SUM ? csv : NULL);
	csv_close(csv);
	sum_goals(&summaries[SUM]);

	double c_sum = 0.0;
	dp_vec_sum(&dp_vec_plain, x, BIG, &c_sum);
	python_table(&summaries[SUM], c_sum);

	free(ix);
	free(y);
	free(x);
	return EXIT_SUCCESS;
}
