/**
 * @file grade.h
 * @brief The grader's side of an exercise's test file: a table of graded
 *        tests, each with its points and a hint, and one shared main.
 *
 * A test file defines its tests with Check's START_TEST, lists them in a
 * `static const struct grade_test TESTS[]` in the order students should
 * tackle them, and calls grade_main() from main(). The test program runs
 * one test per process when the runner (run.c) asks it to, and only
 * reports what happened: the runner, which never contains the student's
 * code, decides the verdict, and the points come from grader/manifest.tsv,
 * which `make manifest` builds from these tables.
 */
#ifndef GRADE_H
#define GRADE_H

#include <check.h>
#include <stddef.h>

/*
 * Check's START_TEST(x) makes `x` a `static const TTest *` variable, which
 * C does not accept in the initialiser of a static table such as TESTS[]
 * ("initializer element is not constant"). This START_TEST makes `x` an
 * array of one TTest instead: it decays to the same `const TTest *`, and
 * its address is a constant. Everything else is Check's macro unchanged.
 */
#undef START_TEST
/** @brief Begin a test; `name` becomes a `const TTest[1]`. */
#define START_TEST(name)                                                       \
	static void name##_fn(int _i CK_ATTRIBUTE_UNUSED);                     \
	static const TTest name[1] = {{#name, name##_fn, __FILE__, __LINE__}}; \
	static void name##_fn(int _i CK_ATTRIBUTE_UNUSED)

/** @brief One graded test. */
struct grade_test {
	/** The test function's name, exactly as written in START_TEST. */
	const char *name;
	/** The test itself: `START_TEST(x)` makes `x` a `const TTest[1]`,
	 *  which decays to this pointer. */
	const TTest *test;
	/** Points it is worth, 1 to 5. */
	int points;
	/** What to look at when it fails; never empty, never the answer. */
	const char *hint;
};

/**
 * @brief List the graded tests (`--list`) or run one (`--run NAME`).
 * @param[in] exercise The exercise's folder name, e.g. "04_observer".
 * @param[in] tests    The table of graded tests.
 * @param[in] count    The number of entries in `tests`.
 * @param[in] argc     main()'s argc.
 * @param[in] argv     main()'s argv.
 * @return The process exit status: 0 when the test passed or the table
 *         was listed, 1 when the test failed, 2 for a bad table or usage.
 */
int grade_main(const char *exercise, const struct grade_test *tests,
               size_t count, int argc, char **argv);

#endif /* GRADE_H */
