/*
 * The shared main of every exercise's test binary. It runs ONE graded test
 * per process and says what happened; it decides nothing. The verdict is
 * the runner's (run.c), a program that never contains a student's code.
 *
 *   test_name --list         print the table of graded tests, run nothing
 *   test_name --run NAME     run one test and report it
 *
 * The runner starts `--run` with two pipes: fd 3 carries a token to this
 * process, fd 4 carries reports back (GRADE_CHANNEL=1 says they are there).
 * The protocol, one line per message on fd 4:
 *
 *   ready                    main() has started: constructors are behind
 *   pass TOKEN               the test's body returned; TOKEN read from fd 3
 *   fail FILE LINE MESSAGE   a Check assertion failed (tab-separated)
 *
 * The token is read from fd 3 only after the body has returned, so code
 * under test never has it in memory; a process that exits in any other
 * way (exit(), a signal, a status of its own choosing) cannot produce a
 * pass. A failure report needs no token: forging a failure only costs the
 * forger. Without GRADE_CHANNEL, as under gdb, the result goes to stdout.
 *
 * The test runs with Check's fork mode off because the runner's process is
 * the isolation: each test already has a process, a timeout and limits of
 * its own, and a second fork would only hide the test from gdb.
 */
#define _POSIX_C_SOURCE 200809L

#include "grade.h"
#include "grade_channel.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { MAX_TOKEN = 64 };

/* The test being run, set before Check calls the trampoline. */
static const struct grade_test *running;
static bool have_channel;
static bool body_returned;

/* Write all of `text` to `fd`; a report that cannot be written is the
 * same as no report, which the runner already treats as a failure. */
static void put_all(int fd, const char *text, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, text, len);
		if (n <= 0)
			return;
		text += n;
		len -= (size_t)n;
	}
}

static void report(const char *line)
{
	if (have_channel)
		put_all(GRADE_REPORT_FD, line, strlen(line));
	else
		fputs(line, stdout);
}

/* Read the token the runner sent: one line of at most MAX_TOKEN bytes. */
static void read_token(char *token, size_t size)
{
	size_t len = 0;

	while (len + 1 < size) {
		ssize_t n = read(GRADE_TOKEN_FD, token + len, 1);
		if (n <= 0 || token[len] == '\n')
			break;
		len++;
	}
	token[len] = '\0';
}

/* The body every TCase runs: the test, then the proof that it returned. */
static void run_graded(int unused)
{
	char token[MAX_TOKEN + 2];
	char line[MAX_TOKEN + 8];

	(void)unused;
	running->test->fn(0);
	body_returned = true;
	if (!have_channel)
		return;
	read_token(token, sizeof(token));
	snprintf(line, sizeof(line), "pass %s\n", token);
	report(line);
}

/* One field of a report line: tabs and newlines become spaces (the
 * runner cleans everything else, since it trusts none of it). */
static void report_field(const char *text)
{
	char chunk[256];
	size_t len = 0;

	for (; text != NULL && *text != '\0'; text++) {
		chunk[len++] = *text == '\t' || *text == '\n' ? ' ' : *text;
		if (len == sizeof(chunk) - 1) {
			chunk[len] = '\0';
			report(chunk);
			len = 0;
		}
	}
	chunk[len] = '\0';
	report(chunk);
}

static void report_failure(TestResult *result)
{
	char line[32];

	report("fail\t");
	report_field(tr_lfile(result));
	snprintf(line, sizeof(line), "\t%d\t", tr_lno(result));
	report(line);
	report_field(tr_msg(result));
	report("\n");
}

/* The table is the test author's promise: check it before anything. */
static bool table_valid(const struct grade_test *tests, size_t count)
{
	bool valid = count > 0;

	if (count == 0)
		fprintf(stderr, "grade: the table of tests is empty\n");
	for (size_t i = 0; valid && i < count; i++) {
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
		} else if (t->hint == NULL || t->hint[0] == '\0' ||
		           strpbrk(t->hint, "\t\n") != NULL) {
			fprintf(stderr,
			        "grade: %s: the hint must be one line\n",
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

/* The table, one test per line: name, points, hint (tab-separated). */
static void list(const struct grade_test *tests, size_t count)
{
	for (size_t i = 0; i < count; i++)
		printf("%s\t%d\t%s\n", tests[i].name, tests[i].points,
		       tests[i].hint);
}

static const struct grade_test *find(const struct grade_test *tests,
                                     size_t count, const char *name)
{
	for (size_t i = 0; i < count; i++) {
		if (strcmp(tests[i].name, name) == 0)
			return &tests[i];
	}
	return NULL;
}

/* Run one test through Check, in this process, and report it. */
static int run_one(const char *exercise, const struct grade_test *test)
{
	TTest wrapped = *test->test;
	Suite *suite = suite_create(exercise);
	TCase *tcase = tcase_create(test->name);

	wrapped.fn = run_graded;
	tcase_add_test(tcase, &wrapped);
	suite_add_tcase(suite, tcase);
	SRunner *runner = srunner_create(suite);
	srunner_set_fork_status(runner, CK_NOFORK);
	running = test;
	srunner_run_all(runner, CK_SILENT);

	int status = 0;
	TestResult **results = srunner_results(runner);
	if (srunner_ntests_run(runner) == 1 &&
	    tr_rtype(results[0]) != CK_PASS) {
		report_failure(results[0]);
		status = 1;
	} else if (!body_returned) {
		status = 1;
	} else if (!have_channel) {
		report("PASS\n");
	}
	free(results);
	srunner_free(runner);
	return status;
}

int grade_main(const char *exercise, const struct grade_test *tests,
               size_t count, int argc, char **argv)
{
	/* Unbuffered: what a test prints before it crashes is kept. */
	setvbuf(stdout, NULL, _IONBF, 0);

	if (!table_valid(tests, count))
		return 2;
	if (argc == 2 && strcmp(argv[1], "--list") == 0) {
		list(tests, count);
		return 0;
	}
	if (argc != 3 || strcmp(argv[1], "--run") != 0) {
		fprintf(stderr, "usage: %s --list | --run TEST\n", argv[0]);
		return 2;
	}
	const struct grade_test *test = find(tests, count, argv[2]);
	if (test == NULL) {
		fprintf(stderr, "grade: %s has no test named %s\n", exercise,
		        argv[2]);
		return 2;
	}
	const char *channel = getenv("GRADE_CHANNEL");
	have_channel = channel != NULL && strcmp(channel, "1") == 0;
	report("ready\n");
	return run_one(exercise, test);
}
