/**
 * @file dp_test.h
 * @brief What every Check suite of the library shares: test cases with a
 *        timeout, and a main that runs a suite in fork mode.
 *
 * Fork mode is Check's default and is never switched off here, so a crash
 * or a hang fails one test and the rest still run; `CK_FORK=no` in the
 * environment turns it off for a debugger or valgrind.
 */
#ifndef DP_TEST_H
#define DP_TEST_H

#include <check.h>
#include <stdlib.h>

/**
 * @brief Seconds a test may run before Check stops it. `make memcheck`,
 *        `make tsan` and `make valgrind` multiply it by Check's
 *        `CK_TIMEOUT_MULTIPLIER`; a test should use a small part of it
 *        even there, on a busy machine.
 */
#define DP_TEST_TIMEOUT 10

/**
 * @brief Add a new test case, with the library's timeout, to a suite.
 * @param[in] suite The suite that will own the test case.
 * @param[in] name  The test case's name, shown in Check's reports.
 * @return The test case, owned by `suite`.
 */
static inline TCase *dp_test_case(Suite *suite, const char *name)
{
	TCase *tcase = tcase_create(name);

	tcase_set_timeout(tcase, DP_TEST_TIMEOUT);
	suite_add_tcase(suite, tcase);
	return tcase;
}

/**
 * @brief Run every test of a suite and report as Check does.
 *
 * Verbosity follows `CK_VERBOSITY` (normal by default: failures and the
 * summary line). The suite is freed.
 * @param[in] suite The suite to run; it is consumed.
 * @return `EXIT_SUCCESS` when every test passed, else `EXIT_FAILURE`.
 */
static inline int dp_test_run(Suite *suite)
{
	SRunner *runner = srunner_create(suite);

	srunner_run_all(runner, CK_ENV);
	int failed = srunner_ntests_failed(runner);
	srunner_free(runner);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

#endif /* DP_TEST_H */
