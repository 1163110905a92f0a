/*
 * The grader's report tool: reads what grade.sh left in each exercise's
 * build folder and prints the student's summary, and with -o writes
 * results.json, junit.xml and results.tap.
 *
 *   report [-v] [-t TEST] [-o DIR] [--next | --hints | --brief] EXDIR...
 *
 * Each EXDIR holds, for one exercise: tests.txt (the table, from the test
 * binary's --list), result.txt (written by grade_main() after the run),
 * compile.log and compile.failed when the build failed, output.txt (what
 * the run printed, capped by grade.sh) and status (its exit status).
 *
 * Nothing read here is trusted: every string is made valid UTF-8 without
 * control characters before it is printed, and escaped for each format,
 * so student output cannot break a report. An expected test without a
 * result scores 0. The exit status is 0 only when every expected test of
 * every exercise passed.
 */
#define _POSIX_C_SOURCE 200809L /* getline */

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { MAX_OUTPUT = 4000, MAX_LOG = 4000, MAX_TESTS = 64 };

struct test {
	char *name;
	char *status; /* PASS FAIL CRASH TIMEOUT EXIT MEMORY ERROR NOTRUN */
	int code;
	int score;
	int max_score;
	char *file;
	int line;
	char *message;
	char *hint;
};

struct exercise {
	char *name;
	const char *status; /* as a test's, or COMPILE ERROR */
	int code;
	char *message; /* the first failure, or the compiler's first error */
	char *output;  /* what the run printed, capped */
	char *log;     /* the compiler's output, capped */
	struct test tests[MAX_TESTS];
	int ntests;
	int score;
	int max_score;
	int passed;
};

static void *xmalloc(size_t size)
{
	void *p = malloc(size ? size : 1);

	if (p == NULL) {
		fputs("report: out of memory\n", stderr);
		exit(2);
	}
	return p;
}

static char *xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;

	return memcpy(xmalloc(n), s, n);
}

/* The length of the valid UTF-8 sequence at s, or 0. */
static size_t utf8_length(const unsigned char *s)
{
	size_t need;
	unsigned min;
	unsigned code;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		need = 2, min = 0x80, code = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		need = 3, min = 0x800, code = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		need = 4, min = 0x10000, code = s[0] & 0x07;
	else
		return 0;
	for (size_t i = 1; i < need; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		code = (code << 6) | (s[i] & 0x3f);
	}
	if (code < min || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff))
		return 0;
	return need;
}

/* A copy of at most `cap` bytes of `text` that is valid UTF-8 with no
 * control character but tabs and newlines (which every format can hold,
 * escaped): invalid bytes become '?', other controls a space. */
static char *clean(const char *text, size_t len, size_t cap)
{
	char *out = xmalloc(cap + 4);
	size_t o = 0;
	size_t i = 0;

	while (i < len && text[i] != '\0') {
		const unsigned char *s = (const unsigned char *)text + i;
		size_t n = len - i >= 4 ? utf8_length(s) : 0;
		if (n == 0 && len - i < 4) {
			/* Near the end: only check what is really there. */
			unsigned char tail[5] = {0};
			memcpy(tail, s, len - i);
			n = utf8_length(tail);
		}
		if (o + (n ? n : 1) > cap) {
			memcpy(out + o, "...", 3);
			o += 3;
			break;
		}
		if (n == 0) {
			out[o++] = '?';
			i++;
		} else if (n == 1 && s[0] != '\n' && s[0] != '\t' &&
		           (s[0] < 0x20 || s[0] == 0x7f)) {
			out[o++] = ' ';
			i++;
		} else {
			memcpy(out + o, s, n);
			o += n;
			i += n;
		}
	}
	out[o] = '\0';
	return out;
}

static char *path_in(const char *dir, const char *file)
{
	char *path = xmalloc(strlen(dir) + strlen(file) + 2);

	sprintf(path, "%s/%s", dir, file);
	return path;
}

static bool exists(const char *dir, const char *file)
{
	char *path = path_in(dir, file);
	FILE *f = fopen(path, "r");

	free(path);
	if (f != NULL)
		fclose(f);
	return f != NULL;
}

/* The first `cap` bytes of a file, cleaned; "" when it cannot be read. */
static char *read_capped(const char *dir, const char *file, size_t cap)
{
	char *path = path_in(dir, file);
	FILE *f = fopen(path, "rb");
	char *raw = xmalloc(cap + 1);
	size_t n = 0;

	free(path);
	if (f != NULL) {
		n = fread(raw, 1, cap, f);
		fclose(f);
	}
	raw[n] = '\0';
	char *text = clean(raw, n, cap);
	free(raw);
	return text;
}

/* Split a line at tabs in place; return the number of fields. */
static int split(char *line, char **fields, int max)
{
	int n = 0;

	line[strcspn(line, "\r\n")] = '\0';
	while (n < max) {
		fields[n++] = line;
		char *tab = strchr(line, '\t');
		if (tab == NULL)
			break;
		*tab = '\0';
		line = tab + 1;
	}
	return n;
}

/*
 * Read a result file (or a --list table) into `ex`. Return true when it
 * was complete, ending in "end": a run that died while writing it must
 * not count as a result.
 */
static bool read_results(const char *dir, const char *file, struct exercise *ex)
{
	char *path = path_in(dir, file);
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t size = 0;
	bool complete = false;

	free(path);
	if (f == NULL)
		return false;
	ex->ntests = 0;
	while (getline(&line, &size, f) > 0) {
		char *fields[10];
		char *text = clean(line, strlen(line), 4000);
		int n = split(text, fields, 10);
		if (n == 1 && strcmp(fields[0], "end") == 0) {
			complete = true;
		} else if (n == 10 && strcmp(fields[0], "test") == 0 &&
		           ex->ntests < MAX_TESTS) {
			struct test *t = &ex->tests[ex->ntests++];
			t->name = xstrdup(fields[1]);
			t->status = xstrdup(fields[2]);
			t->code = atoi(fields[3]);
			t->score = atoi(fields[4]);
			t->max_score = atoi(fields[5]);
			t->file = xstrdup(fields[6]);
			t->line = atoi(fields[7]);
			t->message = xstrdup(fields[8]);
			t->hint = xstrdup(fields[9]);
		}
		free(text);
	}
	free(line);
	fclose(f);
	return complete;
}

/* The compiler's first error, for the one-line summary. */
static char *first_error(const char *log)
{
	const char *at = strstr(log, ": error");
	const char *start = log;

	if (at == NULL)
		at = strstr(log, "error:");
	if (at != NULL) {
		start = at;
		while (start > log && start[-1] != '\n')
			start--;
	}
	size_t len = strcspn(start, "\n");
	return clean(start, len, 300);
}

static bool is_pass(const char *status)
{
	return strcmp(status, "PASS") == 0;
}

static void load(struct exercise *ex, const char *dir)
{
	const char *slash = strrchr(dir, '/');

	memset(ex, 0, sizeof(*ex));
	ex->name = xstrdup(slash && slash[1] ? slash + 1 : dir);
	ex->output = read_capped(dir, "output.txt", MAX_OUTPUT);
	ex->log = read_capped(dir, "compile.log", MAX_LOG);

	bool have_result = !exists(dir, "compile.failed") &&
	                   read_results(dir, "result.txt", ex);
	bool have_table = have_result || read_results(dir, "tests.txt", ex);
	if (exists(dir, "compile.failed")) {
		ex->status = "COMPILE ERROR";
		ex->message = first_error(ex->log);
	} else if (have_result) {
		ex->status = "PASS";
	} else {
		/* No complete result: the binary died outside any test, or
		 * the outer timeout stopped it. Every expected test fails. */
		char *status = read_capped(dir, "status", 20);
		int rc = atoi(status);
		free(status);
		ex->status = rc == 124 || rc == 137 ? "TIMEOUT" : "ERROR";
		ex->message = xmalloc(200);
		snprintf(ex->message, 200,
		         have_table ? "the test program stopped before "
		                      "reporting (exit status %d)"
		                    : "the test program could not run "
		                      "(exit status %d)",
		         rc);
	}
	for (int i = 0; i < ex->ntests; i++) {
		struct test *t = &ex->tests[i];
		if (!have_result) {
			/* Compile error or no result: 0 for every test. */
			free(t->status);
			t->status = xstrdup(strcmp(ex->status, "COMPILE ERROR")
			                            ? "NOTRUN"
			                            : "COMPILE");
			t->score = 0;
			free(t->message);
			t->message = xstrdup(ex->message);
		}
		if (strcmp(t->status, "PASS") != 0)
			t->score = 0;
		ex->score += t->score;
		ex->max_score += t->max_score;
		if (strcmp(t->status, "PASS") == 0)
			ex->passed++;
	}
	/* The exercise reads as its first failing test, preferring one that
	 * ran to one left out by TEST=. */
	for (int pass = 0; pass < 2 && is_pass(ex->status); pass++) {
		for (int i = 0; i < ex->ntests; i++) {
			struct test *t = &ex->tests[i];
			if (is_pass(t->status) ||
			    (pass == 0 && strcmp(t->status, "NOTRUN") == 0))
				continue;
			ex->status = t->status;
			ex->code = t->code;
			ex->message = xstrdup(t->message);
			break;
		}
	}
	if (ex->ntests == 0 && strcmp(ex->status, "PASS") == 0) {
		ex->status = "ERROR";
		ex->message = xstrdup("no graded test was found");
	}
	if (ex->message == NULL)
		ex->message = xstrdup("");
}

/* How a status reads in the summary. */
static const char *status_text(const char *status, int code, char *buf,
                               size_t size)
{
	if (strcmp(status, "CRASH") == 0)
		snprintf(buf, size, "CRASH signal %d", code);
	else if (strcmp(status, "EXIT") == 0)
		snprintf(buf, size, "EXIT %d", code);
	else if (strcmp(status, "MEMORY") == 0)
		snprintf(buf, size, "MEMORY ERROR");
	else if (strcmp(status, "NOTRUN") == 0)
		snprintf(buf, size, "NOT RUN");
	else if (strcmp(status, "COMPILE") == 0)
		snprintf(buf, size, "COMPILE ERROR");
	else
		snprintf(buf, size, "%s", status);
	return buf;
}

/* What a student should read after the message, by status; NULL when
 * the message says it all. */
static const char *explain(const char *exercise, const struct test *t,
                           char *buf, size_t size)
{
	if (strcmp(t->status, "CRASH") == 0)
		snprintf(buf, size,
		         "the test crashed: make debug EX=%s TEST=%s runs it "
		         "under gdb, which stops where it happens",
		         exercise, t->name);
	else if (strcmp(t->status, "TIMEOUT") == 0)
		snprintf(buf, size,
		         "the test did not finish in time: look "
		         "for a loop that never ends");
	else if (strcmp(t->status, "EXIT") == 0)
		snprintf(buf, size,
		         "the test process exited before the test "
		         "finished: does your code call exit()?");
	else if (strcmp(t->status, "MEMORY") == 0)
		snprintf(buf, size,
		         "a memory error or leak: make memcheck EX=%s "
		         "TEST=%s shows the sanitizer's report",
		         exercise, t->name);
	else
		return NULL;
	return buf;
}

static const char *test_json_status(const char *status)
{
	if (strcmp(status, "PASS") == 0)
		return "pass";
	if (strcmp(status, "FAIL") == 0)
		return "fail";
	return "error";
}

/* ---- the student's summary --------------------------------------------- */

static void print_test(const struct exercise *ex, const struct test *t,
                       bool details)
{
	char buf[64];

	printf("  %-14s %d/%d  %s\n",
	       status_text(t->status, t->code, buf, sizeof(buf)), t->score,
	       t->max_score, t->name);
	if (!details || is_pass(t->status))
		return;
	if (t->message[0] != '\0')
		printf("      %s:%d: %s\n", t->file, t->line, t->message);
	char why[512];
	if (explain(ex->name, t, why, sizeof(why)) != NULL)
		printf("      (%s)\n", why);
	printf("      hint: %s\n", t->hint);
}

/* The one-line summary's tail: the first failing test, with why and a
 * hint; or, when no test ran, what went wrong. */
static void print_first_failure(const struct exercise *ex)
{
	if (ex->message[0] != '\0' &&
	    (ex->ntests == 0 || strcmp(ex->tests[0].status, "NOTRUN") == 0)) {
		printf(" %s\n", ex->message);
		return;
	}
	for (int i = 0; i < ex->ntests; i++) {
		const struct test *t = &ex->tests[i];
		if (is_pass(t->status))
			continue;
		printf(" %s: %s\n", t->name, t->message);
		char why[512];
		if (explain(ex->name, t, why, sizeof(why)) != NULL)
			printf("%36s(%s)\n", "", why);
		printf("%36shint: %s\n", "", t->hint);
		return;
	}
	printf("\n");
}

static void print_summary(struct exercise *exs, int n, bool verbose,
                          const char *only)
{
	int done = 0, score = 0, max = 0, passed = 0, failed = 0;
	char buf[64];

	for (int e = 0; e < n; e++) {
		struct exercise *ex = &exs[e];
		printf("%-20s %3d/%-3d pts  %s", ex->name, ex->score,
		       ex->max_score,
		       status_text(ex->status, ex->code, buf, sizeof(buf)));
		if (!is_pass(ex->status))
			printf("%*s", 14 - (int)strlen(buf), "");
		if (strcmp(ex->status, "COMPILE ERROR") == 0) {
			printf(" %s\n", ex->message);
		} else if (!is_pass(ex->status) && !verbose) {
			print_first_failure(ex);
		} else {
			printf("\n");
		}
		if (verbose) {
			if (strcmp(ex->status, "COMPILE ERROR") == 0)
				printf("%s\n", ex->log);
			for (int i = 0; i < ex->ntests; i++) {
				if (only == NULL ||
				    strcmp(only, ex->tests[i].name) == 0)
					print_test(ex, &ex->tests[i], true);
			}
			if (ex->output[0] != '\0' && !is_pass(ex->status))
				printf("  output of the run (first %d bytes):\n"
				       "%s\n",
				       MAX_OUTPUT, ex->output);
		}
		for (int i = 0; i < ex->ntests; i++) {
			if (only != NULL && strcmp(only, ex->tests[i].name))
				continue;
			if (is_pass(ex->tests[i].status))
				passed++;
			else
				failed++;
		}
		done += is_pass(ex->status);
		score += ex->score;
		max += ex->max_score;
	}
	printf("Progress: %d/%d exercises complete, %d/%d points (%d%%)", done,
	       n, score, max, max ? score * 100 / max : 0);
	for (int e = 0; e < n && !verbose; e++) {
		if (!is_pass(exs[e].status)) {
			printf(". Next: make test EX=%s", exs[e].name);
			break;
		}
	}
	printf("\n");
	printf("%d passed, %d failed\n", passed, failed);
}

static void print_next(struct exercise *exs, int n)
{
	for (int e = 0; e < n; e++) {
		struct exercise *ex = &exs[e];
		if (is_pass(ex->status))
			continue;
		printf("Next: %s (%d/%d points). Read "
		       "exercises/%s/README.md, then run: make test EX=%s\n",
		       ex->name, ex->score, ex->max_score, ex->name, ex->name);
		if (strcmp(ex->status, "COMPILE ERROR") == 0) {
			printf("  It does not compile: %s\n", ex->message);
			return;
		}
		for (int i = 0; i < ex->ntests; i++) {
			if (!is_pass(ex->tests[i].status)) {
				printf("  First failing test: %s\n  hint: %s\n",
				       ex->tests[i].name, ex->tests[i].hint);
				return;
			}
		}
		return;
	}
	printf("All %d exercises are complete.\n", n);
}

/* For scripts (the grader's self-tests): tab-separated, one line per
 * exercise and per test. */
static void print_brief(struct exercise *exs, int n)
{
	char buf[64];

	for (int e = 0; e < n; e++) {
		struct exercise *ex = &exs[e];
		printf("exercise\t%s\t%s\t%d\t%d\n", ex->name,
		       status_text(ex->status, ex->code, buf, sizeof(buf)),
		       ex->score, ex->max_score);
		for (int i = 0; i < ex->ntests; i++) {
			struct test *t = &ex->tests[i];
			printf("test\t%s\t%s\t%s\t%d\t%d\n", ex->name, t->name,
			       status_text(t->status, t->code, buf,
			                   sizeof(buf)),
			       t->score, t->max_score);
		}
	}
}

static void print_hints(struct exercise *exs, int n)
{
	char buf[64];

	for (int e = 0; e < n; e++) {
		printf("%s (exercises/%s/README.md):\n", exs[e].name,
		       exs[e].name);
		for (int i = 0; i < exs[e].ntests; i++) {
			struct test *t = &exs[e].tests[i];
			printf("  %-14s %s (%d pts)\n      hint: %s\n",
			       status_text(t->status, t->code, buf,
			                   sizeof(buf)),
			       t->name, t->max_score, t->hint);
		}
	}
}

/* ---- the reports ------------------------------------------------------- */

static void json_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", f);
		else if (c < 0x20 || c == 0x7f)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

static void write_json(FILE *f, struct exercise *exs, int n)
{
	int score = 0, max = 0;
	bool all = n > 0;
	char buf[64];

	for (int e = 0; e < n; e++) {
		score += exs[e].score;
		max += exs[e].max_score;
		all = all && is_pass(exs[e].status);
	}
	/* The flat form first: what classroom autograding reporters read. */
	fprintf(f, "{\n  \"version\": 1,\n  \"status\": \"%s\",\n",
	        all ? "pass" : "fail");
	fprintf(f, "  \"score\": %d,\n  \"max_score\": %d,\n  \"tests\": [",
	        score, max);
	const char *sep = "\n";
	for (int e = 0; e < n; e++) {
		for (int i = 0; i < exs[e].ntests; i++) {
			struct test *t = &exs[e].tests[i];
			char *name = xmalloc(strlen(exs[e].name) +
			                     strlen(t->name) + 2);
			sprintf(name, "%s/%s", exs[e].name, t->name);
			fprintf(f, "%s    {\"name\": ", sep);
			json_string(f, name);
			fprintf(f,
			        ", \"status\": \"%s\", \"score\": %d, "
			        "\"max_score\": %d, \"message\": ",
			        test_json_status(t->status), t->score,
			        t->max_score);
			json_string(f, t->message);
			fputs(", \"filename\": ", f);
			json_string(f, t->file);
			fprintf(f, ", \"line_no\": %d, \"test_code\": \"\"}",
			        t->line);
			sep = ",\n";
			free(name);
		}
	}
	fputs("\n  ],\n  \"exercises\": [", f);
	sep = "\n";
	for (int e = 0; e < n; e++) {
		struct exercise *ex = &exs[e];
		fprintf(f, "%s    {\"name\": ", sep);
		json_string(f, ex->name);
		fputs(", \"status\": ", f);
		json_string(
			f, status_text(ex->status, ex->code, buf, sizeof(buf)));
		fprintf(f, ", \"score\": %d, \"max_score\": %d, \"message\": ",
		        ex->score, ex->max_score);
		json_string(f, ex->message);
		fputs(", \"compile_log\": ", f);
		json_string(f, ex->log);
		fputs(", \"output\": ", f);
		json_string(f, ex->output);
		fputs(", \"tests\": [", f);
		for (int i = 0; i < ex->ntests; i++) {
			struct test *t = &ex->tests[i];
			fputs(i ? ",\n      {\"name\": "
			        : "\n      {\"name\": ",
			      f);
			json_string(f, t->name);
			fputs(", \"status\": ", f);
			json_string(f, status_text(t->status, t->code, buf,
			                           sizeof(buf)));
			fprintf(f,
			        ", \"score\": %d, \"max_score\": %d, "
			        "\"message\": ",
			        t->score, t->max_score);
			json_string(f, t->message);
			fputs(", \"hint\": ", f);
			json_string(f, t->hint);
			fputs(", \"filename\": ", f);
			json_string(f, t->file);
			fprintf(f, ", \"line_no\": %d}", t->line);
		}
		fputs(ex->ntests ? "\n    ]}" : "]}", f);
		sep = ",\n";
	}
	fputs("\n  ]\n}\n", f);
}

static void xml_string(FILE *f, const char *s)
{
	for (; *s != '\0'; s++) {
		switch (*s) {
		case '&':
			fputs("&amp;", f);
			break;
		case '<':
			fputs("&lt;", f);
			break;
		case '>':
			fputs("&gt;", f);
			break;
		case '"':
			fputs("&quot;", f);
			break;
		case '\'':
			fputs("&apos;", f);
			break;
		default:
			fputc(*s, f);
		}
	}
}

static void write_junit(FILE *f, struct exercise *exs, int n)
{
	int tests = 0, failures = 0, errors = 0;
	char buf[64];

	for (int e = 0; e < n; e++) {
		for (int i = 0; i < exs[e].ntests; i++) {
			const char *s = exs[e].tests[i].status;
			tests++;
			failures += strcmp(s, "FAIL") == 0;
			errors += !is_pass(s) && strcmp(s, "FAIL") != 0;
		}
	}
	fprintf(f,
	        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	        "<testsuites name=\"exercises\" tests=\"%d\" "
	        "failures=\"%d\" errors=\"%d\">\n",
	        tests, failures, errors);
	for (int e = 0; e < n; e++) {
		struct exercise *ex = &exs[e];
		int fl = 0, er = 0;
		for (int i = 0; i < ex->ntests; i++) {
			const char *s = ex->tests[i].status;
			fl += strcmp(s, "FAIL") == 0;
			er += !is_pass(s) && strcmp(s, "FAIL") != 0;
		}
		fputs("  <testsuite name=\"", f);
		xml_string(f, ex->name);
		fprintf(f, "\" tests=\"%d\" failures=\"%d\" errors=\"%d\">\n",
		        ex->ntests, fl, er);
		for (int i = 0; i < ex->ntests; i++) {
			struct test *t = &ex->tests[i];
			fputs("    <testcase classname=\"", f);
			xml_string(f, ex->name);
			fputs("\" name=\"", f);
			xml_string(f, t->name);
			fputs("\"", f);
			if (is_pass(t->status)) {
				fputs("/>\n", f);
				continue;
			}
			fprintf(f, ">\n      <%s type=\"",
			        strcmp(t->status, "FAIL") ? "error"
			                                  : "failure");
			xml_string(f, status_text(t->status, t->code, buf,
			                          sizeof(buf)));
			fputs("\" message=\"", f);
			xml_string(f, t->message);
			fputs("\">", f);
			xml_string(f, t->file);
			fprintf(f, ":%d: ", t->line);
			xml_string(f, t->message);
			fputs("\nhint: ", f);
			xml_string(f, t->hint);
			fprintf(f, "</%s>\n    </testcase>\n",
			        strcmp(t->status, "FAIL") ? "error"
			                                  : "failure");
		}
		fputs("    <system-out>", f);
		xml_string(f, ex->output);
		fputs("</system-out>\n    <system-err>", f);
		xml_string(f, ex->log);
		fputs("</system-err>\n  </testsuite>\n", f);
	}
	fputs("</testsuites>\n", f);
}

/* TAP: the description must not hold a '#' (a directive) or a newline. */
static void tap_text(FILE *f, const char *s)
{
	for (; *s != '\0'; s++)
		fputc(*s == '#' || *s == '\n' ? ' ' : *s, f);
}

static void write_tap(FILE *f, struct exercise *exs, int n)
{
	int total = 0, k = 0;
	char buf[64];

	for (int e = 0; e < n; e++)
		total += exs[e].ntests;
	fprintf(f, "TAP version 13\n1..%d\n", total);
	for (int e = 0; e < n; e++) {
		for (int i = 0; i < exs[e].ntests; i++) {
			struct test *t = &exs[e].tests[i];
			fprintf(f, "%sok %d - %s: ",
			        is_pass(t->status) ? "" : "not ", ++k,
			        exs[e].name);
			tap_text(f, t->name);
			fputc('\n', f);
			if (is_pass(t->status))
				continue;
			fputs("  ---\n  status: '", f);
			fputs(status_text(t->status, t->code, buf, sizeof(buf)),
			      f);
			fprintf(f,
			        "'\n  score: %d\n  max_score: %d\n"
			        "  message: '",
			        t->score, t->max_score);
			for (const char *s = t->message; *s; s++) {
				if (*s == '\'')
					fputc('\'', f);
				fputc(*s == '\n' ? ' ' : *s, f);
			}
			fputs("'\n  ...\n", f);
		}
	}
}

static bool write_file(const char *dir, const char *file,
                       void (*write)(FILE *, struct exercise *, int),
                       struct exercise *exs, int n)
{
	char *path = path_in(dir, file);
	FILE *f = fopen(path, "w");
	bool ok = f != NULL;

	if (ok) {
		write(f, exs, n);
		ok = fclose(f) == 0;
	}
	if (!ok)
		perror(path);
	free(path);
	return ok;
}

int main(int argc, char **argv)
{
	bool verbose = false, next = false, hints = false, brief = false;
	const char *only = NULL;
	const char *outdir = NULL;
	int i = 1;

	for (; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "-v") == 0)
			verbose = true;
		else if (strcmp(argv[i], "--next") == 0)
			next = true;
		else if (strcmp(argv[i], "--hints") == 0)
			hints = true;
		else if (strcmp(argv[i], "--brief") == 0)
			brief = true;
		else if (strcmp(argv[i], "-t") == 0 && i + 1 < argc)
			only = argv[++i];
		else if (strcmp(argv[i], "-o") == 0 && i + 1 < argc)
			outdir = argv[++i];
		else {
			fprintf(stderr, "report: unknown option %s\n", argv[i]);
			return 2;
		}
	}
	int n = argc - i;
	struct exercise *exs = xmalloc(sizeof(*exs) * (size_t)(n ? n : 1));
	for (int e = 0; e < n; e++)
		load(&exs[e], argv[i + e]);

	bool ok = true;
	if (outdir != NULL) {
		ok = write_file(outdir, "results.json", write_json, exs, n) &&
		     write_file(outdir, "junit.xml", write_junit, exs, n) &&
		     write_file(outdir, "results.tap", write_tap, exs, n);
	}
	if (brief)
		print_brief(exs, n);
	else if (next)
		print_next(exs, n);
	else if (hints)
		print_hints(exs, n);
	else
		print_summary(exs, n, verbose, only);

	/* Nothing selected is a failure, not a pass: the pitfall of Check's
	 * own CK_RUN_CASE. */
	bool all = ok && n > 0;
	int selected = 0;
	for (int e = 0; e < n; e++) {
		for (int t = 0; t < exs[e].ntests; t++) {
			if (only != NULL && strcmp(only, exs[e].tests[t].name))
				continue;
			selected++;
			all = all && is_pass(exs[e].tests[t].status);
		}
		all = all && exs[e].ntests > 0 &&
		      (only != NULL || is_pass(exs[e].status));
	}
	return all && selected > 0 ? 0 : 1;
}
