/*
 * What vectorizing is worth: each kernel, each variant, on an array that
 * fits in the L1 cache and on one of 80 MB that does not fit in any cache,
 * in ns per element and GB/s, beside the machine's read bandwidth (glibc's
 * memchr scanning a buffer of the same size) and, when python3 is found,
 * the course's pure-Python loop and sum() on the same numbers.
 *
 * `make bench` builds this three times, at -O0, -O2 and -O3 -march=native;
 * DP_VECTORIZE_OPT names the level. Figures are ratios within one run.
 * With DP_BENCH_CSV set, the sum's table (and memchr's read bandwidth)
 * also goes there, to one file per build named for its flags:
 * vectorize_sum_O0.csv, vectorize_sum_O2.csv and
 * vectorize_sum_O3_march_native.csv.
 */
/* popen() and pclose() are POSIX, not C11. */
#define _POSIX_C_SOURCE 200809L

#include "common/dp_bench.h"
#include "vectorize/vectorize.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

enum kernel { SUM, DOT, AXPY, SUM_I64, N_KERNELS };
static const char *const KERNEL_NAMES[N_KERNELS] = {"sum", "dot", "axpy",
                                                    "sum_i64"};
/* Bytes moved per element: axpy reads x and y and writes y. */
static const double KERNEL_BYTES[N_KERNELS] = {8, 16, 24, 8};

struct run {
	const struct dp_vec_ops *ops;
	enum kernel kernel;
	const double *x;
	double *y;
	const int64_t *ix;
	const unsigned char *bytes;
	size_t n;
};

static void keep_double(double value)
{
	uint64_t bits;
	memcpy(&bits, &value, sizeof(bits));
	dp_bench_keep(bits);
}

static void run_kernel(void *ctx, size_t iterations)
{
	const struct run *r = ctx;
	double result = 0.0, acc = 0.0;
	int64_t iresult = 0;

	for (size_t i = 0; i < iterations; i++) {
		switch (r->kernel) {
		case SUM:
			dp_vec_sum(r->ops, r->x, r->n, &result);
			break;
		case DOT:
			dp_vec_dot(r->ops, r->x, r->y, r->n, &result);
			break;
		case AXPY:
			/* Alternating signs keep y bounded however long the
			 * calibration runs. */
			dp_vec_axpy(r->ops, i % 2 ? -0.5 : 0.5, r->x, r->y,
			            r->n);
			result = r->y[i % r->n];
			break;
		default:
			dp_vec_sum_i64(r->ops, r->ix, r->n, &iresult);
			result = (double)iresult;
			break;
		}
		acc += result;
	}
	keep_double(acc);
}

/* The yardstick: glibc's memchr is hand-written SIMD that only reads, and
 * the buffer holds no zero byte, so it reads every byte. The call to
 * dp_bench_keep() in the loop is what stops the compiler from calling
 * memchr once and multiplying: for all it knows, that call could have
 * changed the buffer. */
static void run_memchr(void *ctx, size_t iterations)
{
	const struct run *r = ctx;

	for (size_t i = 0; i < iterations; i++)
		dp_bench_keep((uint64_t)(uintptr_t)memchr(r->bytes, 0, r->n));
}

/* ns per element of the plain loop and of the best variant, per size. */
struct summary {
	double plain[N_SIZES];
	double best[N_SIZES];
	size_t best_variant[N_SIZES];
};

static void kernel_table(struct run *r, enum kernel kernel,
                         const double read_gbs[N_SIZES],
                         struct summary *summary, dp_bench_csv *csv)
{
	double ns[N_VARIANTS][N_SIZES];

	r->kernel = kernel;
	for (size_t v = 0; v < N_VARIANTS; v++) {
		r->ops = VARIANTS[v];
		for (size_t s = 0; s < N_SIZES; s++) {
			r->n = SIZES[s];
			ns[v][s] = dp_bench_ns_per_op(run_kernel, r) /
			           (double)SIZES[s];
		}
	}

	printf("%s, %.0f bytes per element (memchr reads %.1f GB/s in L1, "
	       "%.1f GB/s from RAM)\n",
	       KERNEL_NAMES[kernel], KERNEL_BYTES[kernel], read_gbs[0],
	       read_gbs[1]);
	printf("%-9s %21s   %21s\n", "", "L1 (8 KB per array)",
	       "RAM (80 MB per array)");
	printf("%-9s %7s %6s %6s   %7s %6s %6s\n", "variant", "ns/elem", "GB/s",
	       "xplain", "ns/elem", "GB/s", "xplain");
	for (size_t s = 0; s < N_SIZES; s++) {
		summary->plain[s] = ns[0][s];
		summary->best[s] = ns[0][s];
		summary->best_variant[s] = 0;
	}
	for (size_t v = 0; v < N_VARIANTS; v++) {
		printf("%-9s", VARIANTS[v]->name);
		for (size_t s = 0; s < N_SIZES; s++) {
			printf(" %7.3f %6.1f %5.1fx%s", ns[v][s],
			       KERNEL_BYTES[kernel] / ns[v][s],
			       ns[0][s] / ns[v][s], s == 0 ? "  " : "");
			if (ns[v][s] < summary->best[s]) {
				summary->best[s] = ns[v][s];
				summary->best_variant[s] = v;
			}
		}
		printf("\n");
		dp_bench_csv_row(csv, VARIANTS[v]->name,
		                 (double[]){ns[v][0], ns[v][1],
		                            KERNEL_BYTES[kernel] / ns[v][0],
		                            KERNEL_BYTES[kernel] / ns[v][1]},
		                 4);
	}
	printf("\n");
}

/* The same numbers in C and in Python, from a formula both evaluate
 * exactly: multiples of 1/1024 below 1000, whose sums of up to 10^7 terms
 * are exact in a double, so every order of adding gives the same sum. */
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
	"out = []\n"
	"for n, reps in ((int(sys.argv[1]), 1000), (int(sys.argv[2]), 1)):\n"
	"    a = array(\"d\", (((i * 2654435761) %% 1000003) / 1024.0\n"
	"                    for i in range(n)))\n"
	"    loop, s = best(fast_sum, a, reps)\n"
	"    builtin, s = best(sum, a, reps)\n"
	"    out += [loop, builtin]\n"
	"print(*out, s)\n"
	"' %d %d 2>/dev/null";

/* The CSV file of this build: "vectorize_sum_" and the flags, each run of
 * characters other than letters and digits turned into one '_'. */
static void csv_name(char *name, size_t size)
{
	size_t length = (size_t)snprintf(name, size, "vectorize_sum");

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

static void python_table(const struct summary *sum_summary, double c_sum)
{
	char command[sizeof(PYTHON) + 64];
	double ns[4], py_sum;

	snprintf(command, sizeof(command), PYTHON, SMALL, BIG);
	fflush(stdout);
	FILE *python = popen(command, "r");
	int got = python == NULL ? 0
	                         : fscanf(python, "%lf %lf %lf %lf %lf", &ns[0],
	                                  &ns[1], &ns[2], &ns[3], &py_sum);
	if (python != NULL)
		pclose(python);
	if (got != 5) {
		printf("python3 not found or failed: no Python figures\n");
		return;
	}
	printf("Python on the same numbers (array('d'); %s sum: C %.1f, "
	       "Python %.1f)\n",
	       c_sum == py_sum ? "same" : "DIFFERENT", c_sum, py_sum);
	printf("%-22s %7s %9s   %7s %9s\n", "", "L1", "", "80 MB", "");
	printf("%-22s %7s %9s   %7s %9s\n", "", "ns/elem", "best C is",
	       "ns/elem", "best C is");
	static const char *const names[2] = {"pure-Python loop", "sum()"};
	for (size_t k = 0; k < 2; k++)
		printf("%-22s %7.1f %8.0fx   %7.1f %8.0fx\n", names[k], ns[k],
		       ns[k] / sum_summary->best[0], ns[2 + k],
		       ns[2 + k] / sum_summary->best[1]);
	printf("\nTarget: best C sum at least 20x Python's sum(): %s "
	       "(%.0fx in L1, %.0fx at 80 MB)\n",
	       ns[1] / sum_summary->best[0] >= 20 &&
	                       ns[3] / sum_summary->best[1] >= 20
	               ? "met"
	               : "NOT met",
	       ns[1] / sum_summary->best[0], ns[3] / sum_summary->best[1]);
}

int main(void)
{
	double *x = malloc(BIG * sizeof(*x));
	double *y = malloc(BIG * sizeof(*y));
	int64_t *ix = malloc(BIG * sizeof(*ix));
	unsigned char *bytes = malloc(BIG * sizeof(double));
	if (x == NULL || y == NULL || ix == NULL || bytes == NULL) {
		fprintf(stderr, "bench_vectorize: out of memory\n");
		return EXIT_FAILURE;
	}
	for (size_t i = 0; i < BIG; i++) {
		x[i] = course_value(i);
		y[i] = (double)((i * 40503u) % 65521u) / 1024.0;
		ix[i] = (int64_t)(((uint64_t)i * 2654435761u) % 1000003u);
	}
	/* Written, so that the pages are really there: untouched pages of a
	 * fresh allocation all map one shared zero page and read as if from
	 * cache. */
	memset(bytes, 0x5a, BIG * sizeof(double));

	struct run r = {.x = x, .y = y, .ix = ix, .bytes = bytes};
	double read_gbs[N_SIZES];
	for (size_t s = 0; s < N_SIZES; s++) {
		r.n = SIZES[s] * sizeof(double);
		read_gbs[s] = (double)r.n / dp_bench_ns_per_op(run_memchr, &r);
	}

	printf("Kernels compiled with %s; ns per element, GB/s = bytes per "
	       "element / ns\n\n",
	       DP_VECTORIZE_OPT);
	char name[64];
	csv_name(name, sizeof(name));
	dp_bench_csv *csv = NULL;
	int rc = dp_bench_csv_open(&csv, name,
	                           "variant,l1_ns_per_elem,ram_ns_per_elem,"
	                           "l1_gb_per_s,ram_gb_per_s");
	if (rc != DP_OK) {
		fprintf(stderr, "bench_vectorize: %s\n", dp_strerror(rc));
		return EXIT_FAILURE;
	}
	struct summary summaries[N_KERNELS];
	for (int k = 0; k < N_KERNELS; k++)
		kernel_table(&r, (enum kernel)k, read_gbs, &summaries[k],
		             k == SUM ? csv : NULL);
	/* memchr reads 8 bytes in the time given, as sum does per element. */
	dp_bench_csv_row(csv, "memchr",
	                 (double[]){8 / read_gbs[0], 8 / read_gbs[1],
	                            read_gbs[0], read_gbs[1]},
	                 4);
	rc = dp_bench_csv_close(csv);

	const struct summary *s = &summaries[SUM];
	printf("Targets for sum, best variant over plain: %.1fx at 80 MB "
	       "(%s, target 3x: %s), %.1fx in L1 (%s, target 8x: %s)\n",
	       s->plain[1] / s->best[1], VARIANTS[s->best_variant[1]]->name,
	       s->plain[1] / s->best[1] >= 3 ? "met" : "NOT met",
	       s->plain[0] / s->best[0], VARIANTS[s->best_variant[0]]->name,
	       s->plain[0] / s->best[0] >= 8 ? "met" : "NOT met");
	/* From RAM no variant can beat the read bandwidth, so the ratio to
	 * plain cannot exceed what memchr reaches over what plain reaches. */
	printf("Best sum at 80 MB: %.1f GB/s, %.0f%% of memchr's read "
	       "bandwidth; that bandwidth allows at most %.1fx over plain\n\n",
	       8 / s->best[1], 100 * (8 / s->best[1]) / read_gbs[1],
	       read_gbs[1] / (8 / s->plain[1]));

	double c_sum = 0.0;
	dp_vec_sum(&dp_vec_plain, x, BIG, &c_sum);
	python_table(s, c_sum);

	free(bytes);
	free(ix);
	free(y);
	free(x);
	if (rc != DP_OK) {
		fprintf(stderr, "bench_vectorize: %s\n", dp_strerror(rc));
		return EXIT_FAILURE;
	}
	return EXIT_SUCCESS;
}
