/*
 * The shared main of every exercise's test binary: one Check TCase per
 * graded test, run in fork mode with a timeout, each result classified and
 * written to a result file that the report tool (report.c) turns into the
 * student's summary, results.json, junit.xml and TAP.
 *
 *   test_name              run every test, print Check's report
 *   test_name --list       print the table of graded tests, run nothing
 *
 * Environment: GRADE_RESULT names the result file (none when unset);
 * GRADE_TIMEOUT sets the per-test timeout in seconds (default 5), which
 * CK_TIMEOUT_MULTIPLIER scales under valgrind; CK_RUN_CASE=<test> runs one
 * test; CK_FORK=no runs the tests in this process, for gdb.
 *
 * Nothing here trusts the code under test. Fork mode is never switched off
 * in code. A test that calls exit(0) must not pass, and Check would pass it
 * (an exit status equal to the expected one is a pass), so each test runs
 * through run_graded(), which exits with GRADE_COMPLETED only after the
 * test's body has returned, and the test is registered as an exit test
 * expecting that status. Any other exit is an early exit: 86 is the
 * sanitizers' and valgrind's status (the Makefile sets it), a memory error.
 */
#include "grade.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The exit status of a test process whose body returned normally. Any
 * value other than 0 and 1 (Check's own failure status) would do. */
enum { GRADE_COMPLETED = 93 };

/* The exit status that the memory checkers are told to use. */
enum { GRADE_MEMORY_ERROR = 86 };

enum { DEFAULT_TIMEOUT = 5 };

/* Caps on what goes into the result file: student code can put anything
 * in a message (a string compared with ck_assert_str_eq, for one). */
enum { MAX_MESSAGE = 1000, MAX_HINT = 1000, MAX_NAME = 200 };

/* The table being run. Set once before any test runs and only read after,
 * so forked children see it as it was at fork time. */
static const struct grade_test *graded_tests;
static bool graded_in_fork;

/* The trampoline every TCase runs: `index` is the loop index, the test's
 * row in the table. */
static void run_graded(int index)
{
	graded_tests[index].test->fn(0);
	if (graded_in_fork)
		exit(GRADE_COMPLETED);
}

/* How many bytes the UTF-8 sequence at `s` takes, or 0 when it is not
 * valid (overlong forms and surrogates included). */
static size_t utf8_length(const unsigned char *s)
{
	size_t need;
	unsigned min;
	unsigned code;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		need = 2, min = 0x80, code = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		need = 3, min = 0x800, code = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		need = 4, min = 0x10000, code = s[0] & 0x07;
	} else {
		return 0;
	}
	for (size_t i = 1; i < need; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		code = (code << 6) | (s[i] & 0x3f);
	}
	if (code < min || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff))
		return 0;
	return need;
}

/*
 * Write `text` as one field of the result file: at most `cap` bytes, valid
 * UTF-8, no control character (so no tab or newline, the file's
 * separators). Whatever the code under test put in a message, the report
 * tool can read it and every format can hold it.
 */
static void put_field(FILE *out, const char *text, size_t cap)
{
	const unsigned char *s = (const unsigned char *)(text ? text : "");
	size_t written = 0;

	while (*s != '\0') {
		size_t n = utf8_length(s);
		if (written + (n ? n : 1) > cap) {
			fputs("...", out);
			return;
		}
		if (n == 0) {
			fputc('?', out);
			s++;
			written++;
		} else if (n == 1 && (s[0] < 0x20 || s[0] == 0x7f)) {
			fputc(' ', out);
			s++;
			written++;
		} else {
			fwrite(s, 1, n, out);
			s += n;
			written += n;
		}
	}
}

/* What happened to one test, from Check's result. */
struct outcome {
	const char
		*status; /* PASS FAIL CRASH TIMEOUT EXIT MEMORY ERROR NOTRUN */
	int code;        /* the signal or exit status; 0 otherwise */
	const char *message;
	const char *file;
	int line;
};

static struct outcome classify(TestResult *result)
{
	struct outcome o = {
		.status = "ERROR",
		.message = tr_msg(result),
		.file = tr_lfile(result),
		.line = tr_lno(result),
	};
	const char *msg = o.message ? o.message : "";
	const char *at;

	switch (tr_rtype(result)) {
	case CK_PASS:
		o.status = "PASS";
		break;
	case CK_FAILURE:
		o.status = "FAIL";
		break;
	default:
		if ((at = strstr(msg, "Received signal ")) != NULL) {
			o.status = "CRASH";
			o.code = atoi(at + strlen("Received signal "));
		} else if (strstr(msg, "Test timeout expired") != NULL) {
			o.status = "TIMEOUT";
		} else if ((at = strstr(msg,
		                        "Early exit with return value ")) !=
		           NULL) {
			o.code = atoi(at +
			              strlen("Early exit with return value "));
			o.status = o.code == GRADE_MEMORY_ERROR ? "MEMORY"
			                                        : "EXIT";
		}
		break;
	}
	return o;
}

static void put_test(FILE *out, const struct grade_test *test,
                     const struct outcome *o)
{
	bool passed = strcmp(o->status, "PASS") == 0;

	fputs("test\t", out);
	put_field(out, test->name, MAX_NAME);
	fprintf(out, "\t%s\t%d\t%d\t%d\t", o->status, o->code,
	        passed ? test->points : 0, test->points);
	put_field(out, o->file, MAX_NAME);
	fprintf(out, "\t%d\t", o->line);
	put_field(out, o->message, MAX_MESSAGE);
	fputc('\t', out);
	put_field(out, test->hint, MAX_HINT);
	fputc('\n', out);
}

/* The table is the test author's promise: check it before running. */
static bool table_valid(const struct grade_test *tests, size_t count)
{
	bool valid = count > 0;

	if (count == 0)
		fprintf(stderr, "grade: the table of tests is empty\n");
	for (size_t i = 0; i < count; i++) {
		const struct grade_test *t = &tests[i];
		if (t->name == NULL || t->test == NULL ||
		    strcmp(t->name, t->test->name) != 0) {
			fprintf(stderr,
			        "grade: row %zu: the name must be the "
			        "test function's name\n",
			        i + 1);
			valid = false;
		} else if (t->points < 1 || t->points > 5) {
			fprintf(stderr, "grade: %s: points must be 1 to 5\n",
			        t->name);
			valid = false;
		} else if (t->hint == NULL || t->hint[0] == '\0') {
			fprintf(stderr, "grade: %s: the hint is empty\n",
			        t->name);
			valid = false;
		}
		for (size_t j = 0; valid && j < i; j++) {
			if (strcmp(tests[j].name, t->name) == 0) {
				fprintf(stderr, "grade: %s: listed twice\n",
				        t->name);
				valid = false;
			}
		}
	}
	return valid;
}

static int timeout_seconds(void)
{
	const char *env = getenv("GRADE_TIMEOUT");
	int seconds = env ? atoi(env) : 0;

	return seconds > 0 ? seconds : DEFAULT_TIMEOUT;
}

/* `wrapped` has room for `count` tests: Check keeps pointers into it until
 * srunner_free(), so the caller frees it after that. */
static Suite *make_suite(const char *exercise, const struct grade_test *tests,
                         size_t count, TTest *wrapped)
{
	Suite *suite = suite_create(exercise);
	int timeout = timeout_seconds();

	for (size_t i = 0; i < count; i++) {
		/* A copy of the test's TTest with the trampoline as its body. */
		wrapped[i] = *tests[i].test;
		wrapped[i].fn = run_graded;
		TCase *tcase = tcase_create(tests[i].name);
		tcase_set_timeout(tcase, timeout);
		tcase_add_loop_exit_test(tcase, &wrapped[i], GRADE_COMPLETED,
		                         (int)i, (int)i + 1);
		suite_add_tcase(suite, tcase);
	}
	return suite;
}

/* Write every expected test's outcome: a test Check has no result for
 * (deselected, or lost) is NOTRUN and scores 0. */
static void write_results(FILE *out, const char *exercise,
                          const struct grade_test *tests, size_t count,
                          SRunner *runner)
{
	TestResult **results = runner ? srunner_results(runner) : NULL;
	int nresults = runner ? srunner_ntests_run(runner) : 0;

	fputs("grade\t1\nexercise\t", out);
	put_field(out, exercise, MAX_NAME);
	fputc('\n', out);
	for (size_t i = 0; i < count; i++) {
		struct outcome o = {.status = "NOTRUN"};
		for (int r = 0; r < nresults; r++) {
			const char *name = tr_tcname(results[r]);
			if (name != NULL && strcmp(name, tests[i].name) == 0) {
				o = classify(results[r]);
				break;
			}
		}
		put_test(out, &tests[i], &o);
	}
	fputs("end\n", out);
	free(results);
}

int grade_main(const char *exercise, const struct grade_test *tests,
               size_t count, int argc, char **argv)
{
	/* Unbuffered first: a failing test ends its process with _exit(),
	 * which would throw away whatever the student printed. */
	setvbuf(stdout, NULL, _IONBF, 0);

	if (!table_valid(tests, count))
		return 2;
	if (argc > 1 && strcmp(argv[1], "--list") == 0) {
		write_results(stdout, exercise, tests, count, NULL);
		return 0;
	}

	graded_tests = tests;
	TTest *wrapped = calloc(count, sizeof(*wrapped));
	if (wrapped == NULL) {
		fprintf(stderr, "grade: out of memory\n");
		return 2;
	}
	Suite *suite = make_suite(exercise, tests, count, wrapped);
	SRunner *runner = srunner_create(suite);
	graded_in_fork = srunner_fork_status(runner) != CK_NOFORK;
	srunner_run_all(runner, CK_ENV);

	int status = 0;
	TestResult **results = srunner_results(runner);
	int nresults = srunner_ntests_run(runner);
	if ((size_t)nresults != count)
		status = 1;
	for (int r = 0; r < nresults; r++) {
		if (tr_rtype(results[r]) != CK_PASS)
			status = 1;
	}
	free(results);

	const char *path = getenv("GRADE_RESULT");
	if (path != NULL && path[0] != '\0') {
		FILE *out = fopen(path, "w");
		if (out == NULL) {
			perror(path);
			status = 2;
		} else {
			write_results(out, exercise, tests, count, runner);
			if (fclose(out) != 0) {
				perror(path);
				status = 2;
			}
		}
	}
	srunner_free(runner);
	free(wrapped);
	return status;
}
