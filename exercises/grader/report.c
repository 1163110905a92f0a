/*
 * The grader's report tool: reads the manifest (what each exercise is
 * worth) and what grade.sh left in each exercise's build folder, prints
 * the student's summary, and with -o writes results.json, classroom.json,
 * gradescope.json, junit.xml and results.tap.
 *
 *   report -m MANIFEST [-M MODE] [-v] [-t TEST] [-o DIR]
 *          [--next | --hints | --brief] EXDIR...
 *
 * The points, names and hints come from the manifest only, so the maximum
 * is the same for every submission: an exercise that is missing, does not
 * compile or was rejected scores 0 of its points. Each EXDIR may hold
 * result.txt (the runner's verdicts), output.txt (what the tests printed),
 * compile.log, and one of missing, compile.failed, rejected or error.
 *
 * Nothing read from an EXDIR is trusted: every string is made valid UTF-8
 * without control characters or noncharacters, bidirectional controls are
 * shown as <U+XXXX>, and each format escapes what it must. The exit status
 * is 0 only when every selected test passed.
 */
#define _POSIX_C_SOURCE 200809L /* getline */

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { MAX_OUTPUT = 4000, MAX_LOG = 4000, MAX_FIELD = 1000 };

/* Every status a test or an exercise can have, and how each reads. */
enum status {
	ST_PASS,
	ST_FAIL,
	ST_CRASH,
	ST_TIMEOUT,
	ST_EXIT,
	ST_MEMORY,
	ST_ERROR,
	ST_NOTRUN,
	ST_COMPILE,
	ST_REJECTED,
	ST_MISSING,
	ST_COUNT
};

static const char *const STATUS_NAMES[ST_COUNT] = {
	[ST_PASS] = "PASS",       [ST_FAIL] = "FAIL",
	[ST_CRASH] = "CRASH",     [ST_TIMEOUT] = "TIMEOUT",
	[ST_EXIT] = "EXIT",       [ST_MEMORY] = "MEMORY",
	[ST_ERROR] = "ERROR",     [ST_NOTRUN] = "NOTRUN",
	[ST_COMPILE] = "COMPILE", [ST_REJECTED] = "REJECTED",
	[ST_MISSING] = "MISSING",
};

struct test {
	char *name;
	int max_score;
	char *hint;
	enum status status;
	int code; /* the signal of a CRASH, the status of an EXIT */
	int score;
	char *file;
	int line;
	char *message;
	long milliseconds;
};

struct exercise {
	char *name;
	enum status status; /* PASS, or the first failing test's */
	int code;
	char *message; /* the first failure, or why nothing ran */
	char *output;  /* what the tests printed, capped */
	char *log;     /* the compiler's output, capped */
	struct test *tests;
	int ntests;
	int score;
	int max_score;
};

static const char *mode = "plain";

/* ---- memory and files ---------------------------------------------------- */

static void *xmalloc(size_t size)
{
	void *p = malloc(size ? size : 1);

	if (p == NULL) {
		fputs("report: out of memory\n", stderr);
		exit(2);
	}
	return p;
}

static void *xrealloc(void *p, size_t size)
{
	void *q = realloc(p, size);

	if (q == NULL) {
		fputs("report: out of memory\n", stderr);
		exit(2);
	}
	return q;
}

static char *xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;

	return memcpy(xmalloc(n), s, n);
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

/* ---- making untrusted text safe ------------------------------------------ */

/* Decode the UTF-8 sequence at s (at most `left` bytes): its length, or 0
 * when it is not valid (overlong forms and surrogates included). */
static size_t utf8_decode(const unsigned char *s, size_t left, unsigned *code)
{
	size_t need;
	unsigned min;

	if (s[0] < 0x80) {
		*code = s[0];
		return 1;
	}
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		need = 2, min = 0x80, *code = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		need = 3, min = 0x800, *code = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		need = 4, min = 0x10000, *code = s[0] & 0x07;
	else
		return 0;
	if (need > left)
		return 0;
	for (size_t i = 1; i < need; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		*code = (*code << 6) | (s[i] & 0x3f);
	}
	if (*code < min || *code > 0x10ffff ||
	    (*code >= 0xd800 && *code <= 0xdfff))
		return 0;
	return need;
}

/* Characters that reorder the text around them (bidirectional controls):
 * shown as <U+XXXX> so a message cannot disguise itself. */
static bool is_bidi_control(unsigned code)
{
	return code == 0x061c || code == 0x200e || code == 0x200f ||
	       (code >= 0x202a && code <= 0x202e) ||
	       (code >= 0x2066 && code <= 0x2069);
}

/* What one decoded character becomes: 0 to keep it, else the
 * replacement, written to `with`. */
static int replacement(unsigned code, size_t n, bool lines, char *with)
{
	if (n == 0 || (code >= 0xfdd0 && code <= 0xfdef) ||
	    (code & 0xfffe) == 0xfffe)
		return sprintf(with, "?");
	if (code == '\n' || code == '\t')
		return lines ? 0 : sprintf(with, " ");
	if (code < 0x20 || (code >= 0x7f && code <= 0x9f))
		return sprintf(with, " ");
	if (is_bidi_control(code))
		return sprintf(with, "<U+%04X>", code);
	return 0;
}

/* A copy of at most `cap` bytes of text[0..len) that every format can
 * hold: invalid bytes and noncharacters become '?', control characters a
 * space (newlines and tabs kept when `lines`), bidi controls <U+XXXX>. */
static char *clean(const char *text, size_t len, size_t cap, bool lines)
{
	char *out = xmalloc(cap + 4);
	size_t o = 0;

	for (size_t i = 0; i < len && text[i] != '\0';) {
		const unsigned char *s = (const unsigned char *)text + i;
		unsigned code = 0;
		size_t n = utf8_decode(s, len - i, &code);
		char with[16];
		int w = replacement(code, n, lines, with);
		size_t take = w ? (size_t)w : n;
		if (o + take > cap) {
			memcpy(out + o, "...", 3);
			o += 3;
			break;
		}
		memcpy(out + o, w ? with : (const char *)s, take);
		o += take;
		i += n ? n : 1;
	}
	out[o] = '\0';
	return out;
}

static char *clean_line(const char *text)
{
	return clean(text, strlen(text), MAX_FIELD, false);
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
	char *text = clean(raw, n, cap, true);
	free(raw);
	return text;
}

/* The first line of a file, cleaned, without its newline. */
static char *read_line(const char *dir, const char *file)
{
	char *text = read_capped(dir, file, MAX_FIELD);

	text[strcspn(text, "\n")] = '\0';
	return text;
}

/* ---- reading the manifest and the verdicts -------------------------------- */

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

static enum status status_named(const char *name)
{
	for (int s = 0; s < ST_COUNT; s++) {
		if (strcmp(name, STATUS_NAMES[s]) == 0)
			return (enum status)s;
	}
	return ST_ERROR;
}

/* The exercise's tests, in order, from the manifest; every one starts as
 * not run, worth its points. Return false when the manifest has none. */
static bool read_table(const char *manifest, struct exercise *ex)
{
	FILE *f = fopen(manifest, "r");
	char *line = NULL;
	size_t size = 0;

	if (f == NULL)
		return false;
	while (getline(&line, &size, f) > 0) {
		char *fields[5];
		if (split(line, fields, 5) != 5 || strcmp(fields[0], "test") ||
		    strcmp(fields[1], ex->name))
			continue;
		ex->tests =
			xrealloc(ex->tests,
		                 sizeof(*ex->tests) * (size_t)(ex->ntests + 1));
		struct test *t = &ex->tests[ex->ntests++];
		*t = (struct test){.name = xstrdup(fields[2]),
		                   .max_score = atoi(fields[3]),
		                   .hint = xstrdup(fields[4]),
		                   .status = ST_NOTRUN,
		                   .file = xstrdup(""),
		                   .message = xstrdup("")};
		ex->max_score += t->max_score;
	}
	free(line);
	fclose(f);
	return ex->ntests > 0;
}

static struct test *find_test(struct exercise *ex, const char *name)
{
	for (int i = 0; i < ex->ntests; i++) {
		if (strcmp(ex->tests[i].name, name) == 0)
			return &ex->tests[i];
	}
	return NULL;
}

/* One verdict line of the runner's result file. */
static void read_verdict(struct exercise *ex, char **fields)
{
	struct test *t = find_test(ex, fields[1]);

	if (t == NULL)
		return; /* not a graded test: it earns nothing */
	t->status = status_named(fields[2]);
	t->code = atoi(fields[3]);
	free(t->file);
	t->file = clean_line(fields[4]);
	t->line = atoi(fields[5]);
	free(t->message);
	t->message = clean_line(fields[6]);
	t->milliseconds = atol(fields[7]);
	t->score = t->status == ST_PASS ? t->max_score : 0;
}

/* Read the runner's verdicts. Return true when the file was complete,
 * ending in "end". */
static bool read_results(const char *dir, struct exercise *ex)
{
	char *path = path_in(dir, "result.txt");
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t size = 0;
	bool complete = false;

	free(path);
	if (f == NULL)
		return false;
	while (getline(&line, &size, f) > 0) {
		char *fields[8];
		int n = split(line, fields, 8);
		if (n == 1 && strcmp(fields[0], "end") == 0)
			complete = true;
		else if (n == 8 && strcmp(fields[0], "test") == 0)
			read_verdict(ex, fields);
	}
	free(line);
	fclose(f);
	return complete;
}

/* Why no test of the exercise ran, from the marker grade.sh left; every
 * test then shares the exercise's status, and the message is said once. */
static bool read_stopped(const char *dir, struct exercise *ex)
{
	static const struct {
		const char *file;
		enum status status;
	} markers[] = {{"missing", ST_MISSING},
	               {"rejected", ST_REJECTED},
	               {"error", ST_ERROR},
	               {"compile.failed", ST_COMPILE}};

	for (size_t m = 0; m < sizeof(markers) / sizeof(markers[0]); m++) {
		if (!exists(dir, markers[m].file))
			continue;
		ex->status = markers[m].status;
		ex->message = ex->status == ST_COMPILE
		                      ? NULL
		                      : read_line(dir, markers[m].file);
		for (int i = 0; i < ex->ntests; i++)
			ex->tests[i].status = ex->status;
		return true;
	}
	return false;
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
	return clean(start, strcspn(start, "\n"), 300, false);
}

/* The exercise reads as its first failing test, preferring one that ran
 * to one left out by TEST=. */
static void summarise(struct exercise *ex)
{
	for (int pass = 0; pass < 2 && ex->status == ST_PASS; pass++) {
		for (int i = 0; i < ex->ntests; i++) {
			const struct test *t = &ex->tests[i];
			if (t->status == ST_PASS ||
			    (pass == 0 && t->status == ST_NOTRUN))
				continue;
			ex->status = t->status;
			ex->code = t->code;
			ex->message = xstrdup(t->message);
			break;
		}
	}
	for (int i = 0; i < ex->ntests; i++)
		ex->score += ex->tests[i].score;
}

static void load(struct exercise *ex, const char *dir, const char *manifest)
{
	const char *slash = strrchr(dir, '/');

	memset(ex, 0, sizeof(*ex));
	ex->name = xstrdup(slash && slash[1] ? slash + 1 : dir);
	ex->output = read_capped(dir, "output.txt", MAX_OUTPUT);
	ex->log = read_capped(dir, "compile.log", MAX_LOG);
	ex->status = ST_PASS;
	if (!read_table(manifest, ex)) {
		ex->status = ST_ERROR;
		ex->message = xstrdup("the manifest has no test for it");
	} else if (read_stopped(dir, ex)) {
		if (ex->status == ST_COMPILE)
			ex->message = first_error(ex->log);
	} else if (!read_results(dir, ex)) {
		ex->status = ST_ERROR;
		ex->message = xstrdup("the runner stopped before reporting");
	}
	summarise(ex);
	if (ex->message == NULL)
		ex->message = xstrdup("");
}

/* ---- what the student reads ---------------------------------------------- */

/* Statuses where no test ran: the exercise's message says it once. */
static bool stopped(enum status s)
{
	return s == ST_COMPILE || s == ST_REJECTED || s == ST_MISSING ||
	       s == ST_ERROR;
}

static const char *status_text(enum status s, int code, char *buf, size_t size)
{
	static const char *const text[ST_COUNT] = {
		[ST_MEMORY] = "MEMORY ERROR",
		[ST_NOTRUN] = "NOT RUN",
		[ST_COMPILE] = "COMPILE ERROR",
	};

	if (s == ST_CRASH)
		snprintf(buf, size, "CRASH signal %d", code);
	else if (s == ST_EXIT)
		snprintf(buf, size, "EXIT %d", code);
	else
		snprintf(buf, size, "%s", text[s] ? text[s] : STATUS_NAMES[s]);
	return buf;
}

/* What a student should do after reading the message, by status; NULL
 * when the message and the hint say it all. */
static const char *explain(const char *exercise, const struct test *t,
                           char *buf, size_t size)
{
	if (t->status == ST_CRASH)
		snprintf(buf, size,
		         "the test crashed. First run make memcheck EX=%s "
		         "TEST=%s: it names the line of a heap overflow or a "
		         "use after free (signal 6 is often heap corruption). "
		         "Then make debug EX=%s TEST=%s, type run, then bt",
		         exercise, t->name, exercise, t->name);
	else if (t->status == ST_TIMEOUT)
		snprintf(buf, size,
		         "the test did not finish in time: look for "
		         "a loop that never ends, or a lock never "
		         "released");
	else if (t->status == ST_EXIT)
		snprintf(buf, size,
		         "the test process ended before the test "
		         "finished: does your code call exit()?");
	else if (t->status == ST_MEMORY && strcmp(mode, "tsan") == 0)
		snprintf(buf, size,
		         "a data race: make tsan EX=%s TEST=%s shows "
		         "the two accesses",
		         exercise, t->name);
	else if (t->status == ST_MEMORY)
		snprintf(buf, size,
		         "a memory error or leak: make memcheck "
		         "EX=%s TEST=%s shows the sanitizer's report",
		         exercise, t->name);
	else
		return NULL;
	return buf;
}

static void print_test(const struct exercise *ex, const struct test *t)
{
	char buf[64], why[512];

	printf("  %-14s %d/%d  %s\n",
	       status_text(t->status, t->code, buf, sizeof(buf)), t->score,
	       t->max_score, t->name);
	if (t->status == ST_PASS || stopped(t->status))
		return;
	if (t->line > 0)
		printf("      %s:%d: %s\n", t->file, t->line, t->message);
	else if (t->message[0] != '\0')
		printf("      %s\n", t->message);
	if (explain(ex->name, t, why, sizeof(why)) != NULL)
		printf("      (%s)\n", why);
	printf("      hint: %s\n", t->hint);
}

/* The one-line summary's tail: why nothing ran, or the first failing test
 * with why and a hint. */
static void print_first_failure(const struct exercise *ex)
{
	char why[512];

	if (stopped(ex->status)) {
		printf(" %s\n", ex->message);
		return;
	}
	for (int i = 0; i < ex->ntests; i++) {
		const struct test *t = &ex->tests[i];
		if (t->status == ST_PASS)
			continue;
		printf(" %s: %s\n", t->name, t->message);
		if (explain(ex->name, t, why, sizeof(why)) != NULL)
			printf("%36s(%s)\n", "", why);
		printf("%36shint: %s\n", "", t->hint);
		return;
	}
	printf("\n");
}

/* Whether the tests printed anything besides the runner's "--- name ---"
 * line before each test. */
static bool printed_something(const char *output)
{
	for (const char *line = output; *line != '\0';) {
		size_t len = strcspn(line, "\n");
		if (len > 0 && strncmp(line, "--- ", 4) != 0)
			return true;
		line += len + (line[len] == '\n');
	}
	return false;
}

static void print_exercise(const struct exercise *ex, bool verbose,
                           const char *only)
{
	char buf[64];

	printf("%-20s %3d/%-3d pts  %s", ex->name, ex->score, ex->max_score,
	       status_text(ex->status, ex->code, buf, sizeof(buf)));
	if (ex->status == ST_PASS) {
		printf("\n");
	} else {
		printf("%*s", 14 - (int)strlen(buf), "");
		if (verbose && !stopped(ex->status))
			printf("\n");
		else
			print_first_failure(ex);
	}
	if (!verbose)
		return;
	if (ex->status == ST_COMPILE)
		printf("%s\n", ex->log);
	for (int i = 0; i < ex->ntests; i++) {
		if (only == NULL || strcmp(only, ex->tests[i].name) == 0)
			print_test(ex, &ex->tests[i]);
	}
	if (printed_something(ex->output) && ex->status != ST_PASS)
		printf("  output of the run (first %d bytes):\n%s\n",
		       MAX_OUTPUT, ex->output);
}

static void print_summary(const struct exercise *exs, int n, bool verbose,
                          const char *only)
{
	int done = 0, score = 0, max = 0, passed = 0, failed = 0;

	for (int e = 0; e < n; e++) {
		const struct exercise *ex = &exs[e];
		print_exercise(ex, verbose, only);
		for (int i = 0; i < ex->ntests; i++) {
			if (only != NULL && strcmp(only, ex->tests[i].name))
				continue;
			passed += ex->tests[i].status == ST_PASS;
			failed += ex->tests[i].status != ST_PASS;
		}
		done += ex->status == ST_PASS;
		score += ex->score;
		max += ex->max_score;
	}
	printf("Progress: %d/%d exercises complete, %d/%d points (%d%%)", done,
	       n, score, max, max ? score * 100 / max : 0);
	for (int e = 0; e < n && !verbose; e++) {
		if (exs[e].status != ST_PASS) {
			printf(". Next: make test EX=%s", exs[e].name);
			break;
		}
	}
	printf("\n%d passed, %d failed\n", passed, failed);
}

static void print_next(const struct exercise *exs, int n)
{
	for (int e = 0; e < n; e++) {
		const struct exercise *ex = &exs[e];
		if (ex->status == ST_PASS)
			continue;
		printf("Next: %s (%d/%d points). Read exercises/%s/README.md, "
		       "then run: make test EX=%s\n",
		       ex->name, ex->score, ex->max_score, ex->name, ex->name);
		if (stopped(ex->status)) {
			printf("  Nothing ran: %s\n", ex->message);
			return;
		}
		for (int i = 0; i < ex->ntests; i++) {
			if (ex->tests[i].status != ST_PASS) {
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
static void print_brief(const struct exercise *exs, int n)
{
	char buf[64];

	for (int e = 0; e < n; e++) {
		const struct exercise *ex = &exs[e];
		printf("exercise\t%s\t%s\t%d\t%d\n", ex->name,
		       status_text(ex->status, ex->code, buf, sizeof(buf)),
		       ex->score, ex->max_score);
		for (int i = 0; i < ex->ntests; i++) {
			const struct test *t = &ex->tests[i];
			printf("test\t%s\t%s\t%s\t%d\t%d\n", ex->name, t->name,
			       status_text(t->status, t->code, buf,
			                   sizeof(buf)),
			       t->score, t->max_score);
		}
	}
}

/* Every test's hint, with its points and current status. */
static void print_hints(const struct exercise *exs, int n)
{
	char buf[64];

	for (int e = 0; e < n; e++) {
		printf("%s (exercises/%s/README.md):\n", exs[e].name,
		       exs[e].name);
		for (int i = 0; i < exs[e].ntests; i++) {
			const struct test *t = &exs[e].tests[i];
			printf("  %-14s %s (%d pts)\n      hint: %s\n",
			       status_text(t->status, t->code, buf,
			                   sizeof(buf)),
			       t->name, t->max_score, t->hint);
		}
	}
}

/* ---- the reports --------------------------------------------------------- */

/* A test's message for a report: why nothing ran or its own message, then
 * what to do, then (with `hint`) the hint. The caller frees it. */
static char *report_message(const struct exercise *ex, const struct test *t,
                            bool hint)
{
	char why[512];
	const char *message = stopped(t->status) ? ex->message : t->message;
	const char *extra = t->status == ST_PASS
	                            ? NULL
	                            : explain(ex->name, t, why, sizeof(why));
	char *text =
		xmalloc(strlen(message) + sizeof(why) + strlen(t->hint) + 16);

	text[0] = '\0';
	if (t->status == ST_PASS)
		return text;
	strcat(text, message);
	if (extra != NULL)
		sprintf(text + strlen(text), "%s(%s)", *text ? " " : "", extra);
	if (hint)
		sprintf(text + strlen(text), "%shint: %s", *text ? " " : "",
		        t->hint);
	return text;
}

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

static const char *json_status(enum status s)
{
	return s == ST_PASS ? "pass" : s == ST_FAIL ? "fail" : "error";
}

static void totals(const struct exercise *exs, int n, int *score, int *max,
                   bool *all)
{
	*score = *max = 0;
	*all = n > 0;
	for (int e = 0; e < n; e++) {
		*score += exs[e].score;
		*max += exs[e].max_score;
		*all = *all && exs[e].status == ST_PASS;
	}
}

/* How much of each message the flat list keeps. */
struct caps {
	size_t first;      /* the first failing test of an exercise */
	size_t rest;       /* every other one */
	bool hint_in_code; /* the hint in test_code, which the Classroom
	                      reporter prints under a failed test's name */
	bool compact;      /* without filename, line_no and duration, which
	                      the Classroom reporter does not read, and with
	                      the hint of the first failing test only */
};

static void json_flat_test(FILE *f, const struct exercise *ex,
                           const struct test *t, size_t cap,
                           const struct caps *caps, bool first)
{
	bool hint_in_code = caps->hint_in_code && (first || !caps->compact);
	char *full = report_message(ex, t, !hint_in_code);
	char *message = clean(full, strlen(full), cap, false);
	char *hint = xstrdup("");

	if (t->status != ST_PASS && hint_in_code) {
		free(hint);
		hint = xmalloc(strlen(t->hint) + 8);
		sprintf(hint, "hint: %s", t->hint);
	}
	char *code = clean(hint, strlen(hint), cap, false);

	fprintf(f,
	        "    {\"name\": \"%s/%s\", \"status\": \"%s\", \"score\": %d, "
	        "\"max_score\": %d, \"message\": ",
	        ex->name, t->name, json_status(t->status), t->score,
	        t->max_score);
	json_string(f, message);
	fputs(", \"test_code\": ", f);
	json_string(f, code);
	if (!caps->compact) {
		fputs(", \"filename\": ", f);
		json_string(f, t->file);
		fprintf(f, ", \"line_no\": %d, \"duration\": %.3f", t->line,
		        t->milliseconds / 1000.0);
	}
	fputc('}', f);
	free(code);
	free(hint);
	free(message);
	free(full);
}

/* The flat list of tests that GitHub Classroom's reporter reads. */
static void json_flat_tests(FILE *f, const struct exercise *exs, int n,
                            const struct caps *caps)
{
	const char *sep = "\n";

	for (int e = 0; e < n; e++) {
		bool first = true;
		for (int i = 0; i < exs[e].ntests; i++) {
			const struct test *t = &exs[e].tests[i];
			fputs(sep, f);
			json_flat_test(f, &exs[e], t,
			               first ? caps->first : caps->rest, caps,
			               first);
			first = first && t->status == ST_PASS;
			sep = ",\n";
		}
	}
}

static void json_exercise(FILE *f, const struct exercise *ex)
{
	char buf[64];

	fprintf(f,
	        "{\"name\": \"%s\", \"status\": \"%s\", \"score\": %d, "
	        "\"max_score\": %d, \"message\": ",
	        ex->name, status_text(ex->status, ex->code, buf, sizeof(buf)),
	        ex->score, ex->max_score);
	json_string(f, ex->message);
	fputs(", \"compile_log\": ", f);
	json_string(f, ex->log);
	fputs(", \"output\": ", f);
	json_string(f, ex->output);
	fputs(", \"tests\": [", f);
	for (int i = 0; i < ex->ntests; i++) {
		const struct test *t = &ex->tests[i];
		fprintf(f,
		        "%s\n      {\"name\": \"%s\", \"status\": \"%s\", "
		        "\"score\": %d, \"max_score\": %d, \"message\": ",
		        i ? "," : "", t->name,
		        status_text(t->status, t->code, buf, sizeof(buf)),
		        t->score, t->max_score);
		json_string(f, t->message);
		fputs(", \"hint\": ", f);
		json_string(f, t->hint);
		fputs(", \"filename\": ", f);
		json_string(f, t->file);
		fprintf(f, ", \"line_no\": %d, \"duration\": %.3f}", t->line,
		        t->milliseconds / 1000.0);
	}
	fputs(ex->ntests ? "\n    ]}" : "]}", f);
}

/* results.json: the flat form first (what classroom reporters read),
 * then every exercise in full, with its compiler log and output. */
static void write_json(FILE *f, const struct exercise *exs, int n)
{
	int score, max;
	bool all;

	totals(exs, n, &score, &max, &all);
	fprintf(f,
	        "{\n  \"version\": 1,\n  \"status\": \"%s\",\n  \"score\": "
	        "%d,\n  \"max_score\": %d,\n  \"tests\": [",
	        all ? "pass" : "fail", score, max);
	json_flat_tests(f, exs, n,
	                &(struct caps){MAX_FIELD, MAX_FIELD, false, false});
	fputs("\n  ],\n  \"exercises\": [", f);
	for (int e = 0; e < n; e++) {
		fputs(e ? ",\n    " : "\n    ", f);
		json_exercise(f, &exs[e]);
	}
	fputs("\n  ]\n}\n", f);
}

/* classroom.json: the flat form alone, its size bounded whatever the
 * tests printed: no output, no file, line or duration, each message and
 * hint cut. What the names, statuses and scores take is counted exactly;
 * of what is left of a budget that keeps the file under 48 KiB (so under
 * 64 KiB in base64), the first failing test of each exercise (the one to
 * fix first) gets up to 400 bytes for its message and for its hint, and
 * half of it at most; the other failures share the rest, for their
 * messages alone. */
enum { CLASSROOM_BUDGET = 46000, FIRST_CAP = 400, LEAST_CAP = 24 };

/* The bytes of a test's entry with an empty message and hint. */
static long flat_fixed_bytes(const struct exercise *ex, const struct test *t)
{
	return snprintf(NULL, 0,
	                "    {\"name\": \"%s/%s\", \"status\": \"%s\", "
	                "\"score\": %d, \"max_score\": %d, \"message\": \"\", "
	                "\"test_code\": \"\"},\n",
	                ex->name, t->name, json_status(t->status), t->score,
	                t->max_score);
}

static long clamp_cap(long cap)
{
	return cap > FIRST_CAP ? FIRST_CAP : cap < LEAST_CAP ? LEAST_CAP : cap;
}

static struct caps classroom_caps(const struct exercise *exs, int n)
{
	long fixed = 0, firsts = 0, rest = 0;

	for (int e = 0; e < n; e++) {
		bool first = true;
		for (int i = 0; i < exs[e].ntests; i++) {
			bool failed = exs[e].tests[i].status != ST_PASS;
			fixed += flat_fixed_bytes(&exs[e], &exs[e].tests[i]);
			firsts += failed && first;
			rest += failed && !first;
			first = first && !failed;
		}
	}
	/* A first failure has two fields (message and hint), the others
	 * one. */
	long left = CLASSROOM_BUDGET - fixed;
	long first = clamp_cap(firsts ? left / (4 * firsts) : FIRST_CAP);
	left -= firsts * 2 * first;
	long others = clamp_cap(rest ? left / rest : FIRST_CAP);
	return (struct caps){(size_t)first, (size_t)others, true, true};
}

static void write_classroom(FILE *f, const struct exercise *exs, int n)
{
	int score, max;
	bool all;

	totals(exs, n, &score, &max, &all);
	fprintf(f,
	        "{\"version\": 1, \"status\": \"%s\", \"max_score\": %d, "
	        "\"tests\": [",
	        all ? "pass" : "fail", max);
	struct caps caps = classroom_caps(exs, n);
	json_flat_tests(f, exs, n, &caps);
	fputs("\n]}\n", f);
}

/* gradescope.json: Gradescope's results format. Each test's output holds
 * the message, what to do, and the hint. */
static void write_gradescope(FILE *f, const struct exercise *exs, int n)
{
	int score, max;
	bool all;
	char summary[200];

	totals(exs, n, &score, &max, &all);
	snprintf(summary, sizeof(summary),
	         "%d/%d points. Each failing test says what it checked and "
	         "gives a hint; run make test EX=<exercise> to see more.",
	         score, max);
	fprintf(f, "{\"score\": %d, \"output\": ", score);
	json_string(f, summary);
	fputs(", \"stdout_visibility\": \"visible\", \"tests\": [", f);
	const char *sep = "\n";
	for (int e = 0; e < n; e++) {
		for (int i = 0; i < exs[e].ntests; i++) {
			const struct test *t = &exs[e].tests[i];
			char *message = report_message(&exs[e], t, true);
			fprintf(f,
			        "%s  {\"name\": \"%s: %s\", \"number\": "
			        "\"%d.%d\", "
			        "\"score\": %d, \"max_score\": %d, "
			        "\"status\": \"%s\", \"output\": ",
			        sep, exs[e].name, t->name, e + 1, i + 1,
			        t->score, t->max_score,
			        t->status == ST_PASS ? "passed" : "failed");
			json_string(f, message);
			fputs(", \"visibility\": \"visible\"}", f);
			sep = ",\n";
			free(message);
		}
	}
	fputs("\n]}\n", f);
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

static void junit_case(FILE *f, const struct exercise *ex, const struct test *t)
{
	char buf[64];
	const char *tag = t->status == ST_FAIL ? "failure" : "error";

	fprintf(f, "    <testcase classname=\"%s\" name=\"%s\" time=\"%.3f\"",
	        ex->name, t->name, t->milliseconds / 1000.0);
	if (t->status == ST_PASS) {
		fputs("/>\n", f);
		return;
	}
	char *message = report_message(ex, t, true);
	fprintf(f, ">\n      <%s type=\"%s\" message=\"", tag,
	        status_text(t->status, t->code, buf, sizeof(buf)));
	xml_string(f, message);
	fputs("\">", f);
	if (t->line > 0) {
		xml_string(f, t->file);
		fprintf(f, ":%d: ", t->line);
	}
	xml_string(f, message);
	fprintf(f, "</%s>\n    </testcase>\n", tag);
	free(message);
}

static void write_junit(FILE *f, const struct exercise *exs, int n)
{
	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	      "<testsuites name=\"exercises\">\n",
	      f);
	for (int e = 0; e < n; e++) {
		const struct exercise *ex = &exs[e];
		int failures = 0, errors = 0;
		long ms = 0;
		for (int i = 0; i < ex->ntests; i++) {
			enum status s = ex->tests[i].status;
			failures += s == ST_FAIL;
			errors += s != ST_PASS && s != ST_FAIL;
			ms += ex->tests[i].milliseconds;
		}
		fprintf(f,
		        "  <testsuite name=\"%s\" tests=\"%d\" failures=\"%d\" "
		        "errors=\"%d\" time=\"%.3f\">\n",
		        ex->name, ex->ntests, failures, errors, ms / 1000.0);
		for (int i = 0; i < ex->ntests; i++)
			junit_case(f, ex, &ex->tests[i]);
		fputs("    <system-out>", f);
		xml_string(f, ex->output);
		fputs("</system-out>\n    <system-err>", f);
		xml_string(f, ex->log);
		fputs("</system-err>\n  </testsuite>\n", f);
	}
	fputs("</testsuites>\n", f);
}

/* TAP 13 with a YAML block per failure: the message in single quotes
 * (a quote doubled), on one line. */
static void write_tap(FILE *f, const struct exercise *exs, int n)
{
	int total = 0, k = 0;
	char buf[64];

	for (int e = 0; e < n; e++)
		total += exs[e].ntests;
	fprintf(f, "TAP version 13\n1..%d\n", total);
	for (int e = 0; e < n; e++) {
		for (int i = 0; i < exs[e].ntests; i++) {
			const struct test *t = &exs[e].tests[i];
			fprintf(f, "%sok %d - %s: %s\n",
			        t->status == ST_PASS ? "" : "not ", ++k,
			        exs[e].name, t->name);
			if (t->status == ST_PASS)
				continue;
			char *message = report_message(&exs[e], t, true);
			fprintf(f,
			        "  ---\n  status: '%s'\n  score: %d\n  "
			        "max_score: "
			        "%d\n  message: '",
			        status_text(t->status, t->code, buf,
			                    sizeof(buf)),
			        t->score, t->max_score);
			for (const char *s = message; *s; s++) {
				if (*s == '\'')
					fputc('\'', f);
				fputc(*s == '\n' || *s == '\t' ? ' ' : *s, f);
			}
			fputs("'\n  ...\n", f);
			free(message);
		}
	}
}

static bool write_file(const char *dir, const char *file,
                       void (*write)(FILE *, const struct exercise *, int),
                       const struct exercise *exs, int n)
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

static bool write_reports(const char *dir, const struct exercise *exs, int n)
{
	return write_file(dir, "results.json", write_json, exs, n) &&
	       write_file(dir, "classroom.json", write_classroom, exs, n) &&
	       write_file(dir, "gradescope.json", write_gradescope, exs, n) &&
	       write_file(dir, "junit.xml", write_junit, exs, n) &&
	       write_file(dir, "results.tap", write_tap, exs, n);
}

/* ---- the command --------------------------------------------------------- */

struct command {
	bool verbose, next, hints, brief;
	const char *only, *outdir, *manifest;
	int first; /* argv index of the first EXDIR */
};

static bool parse(int argc, char **argv, struct command *c)
{
	int i = 1;

	*c = (struct command){0};
	for (; i < argc && argv[i][0] == '-'; i++) {
		const char *a = argv[i];
		bool has_value = i + 1 < argc;
		if (strcmp(a, "-v") == 0)
			c->verbose = true;
		else if (strcmp(a, "--next") == 0)
			c->next = true;
		else if (strcmp(a, "--hints") == 0)
			c->hints = true;
		else if (strcmp(a, "--brief") == 0)
			c->brief = true;
		else if (strcmp(a, "-t") == 0 && has_value)
			c->only = argv[++i];
		else if (strcmp(a, "-o") == 0 && has_value)
			c->outdir = argv[++i];
		else if (strcmp(a, "-m") == 0 && has_value)
			c->manifest = argv[++i];
		else if (strcmp(a, "-M") == 0 && has_value)
			mode = argv[++i];
		else
			return false;
	}
	c->first = i;
	return c->manifest != NULL;
}

/* Every selected test passed (and something was selected: Check's own
 * CK_RUN_CASE passes a run that selects nothing). */
static bool all_passed(const struct exercise *exs, int n, const char *only)
{
	int selected = 0;
	bool all = n > 0;

	for (int e = 0; e < n; e++) {
		for (int t = 0; t < exs[e].ntests; t++) {
			if (only != NULL && strcmp(only, exs[e].tests[t].name))
				continue;
			selected++;
			all = all && exs[e].tests[t].status == ST_PASS;
		}
		all = all && (only != NULL || exs[e].status == ST_PASS);
	}
	return all && selected > 0;
}

int main(int argc, char **argv)
{
	struct command c;

	if (!parse(argc, argv, &c)) {
		fputs("usage: report -m MANIFEST [-M MODE] [-v] [-t TEST] "
		      "[-o DIR] [--next|--hints|--brief] EXDIR...\n",
		      stderr);
		return 2;
	}
	int n = argc - c.first;
	struct exercise *exs = xmalloc(sizeof(*exs) * (size_t)(n ? n : 1));
	for (int e = 0; e < n; e++)
		load(&exs[e], argv[c.first + e], c.manifest);

	bool ok = c.outdir == NULL || write_reports(c.outdir, exs, n);
	if (c.brief)
		print_brief(exs, n);
	else if (c.next)
		print_next(exs, n);
	else if (c.hints)
		print_hints(exs, n);
	else
		print_summary(exs, n, c.verbose, c.only);
	return ok && all_passed(exs, n, c.only) ? 0 : 1;
}
