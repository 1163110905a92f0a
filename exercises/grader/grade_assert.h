/**
 * @file grade_assert.h
 * @brief The one assertion a test file uses on a `DP_…` return code: its
 *        failure message names the codes, so a student reads
 *        "returned DP_ENOTSUP (-8), expected DP_EINVAL (-1)", not "-8".
 *
 * Include it after `grade.h` in a test file that checks error codes.
 * Nothing here allocates or keeps state; it is safe wherever Check is.
 */
#ifndef GRADE_ASSERT_H
#define GRADE_ASSERT_H

#include "common/dp_common.h"
#include "grade.h"

#include <stdio.h>
#include <string.h>

/** @brief Room for the text of any `int` as grade_code_text() writes it. */
#define GRADE_CODE_TEXT_SIZE 48

/**
 * @brief Write a return code the way a student should read it.
 *
 * A code of the library's convention reads as its name and value,
 * "DP_EINVAL (-1)" or "DP_OK (0)". A positive value is no error code, so
 * it reads as the plain number, "3"; a negative value that is not a code
 * says so, "-42 (not a DP_ code)".
 * @param[out] text Receives the text, always terminated.
 * @param[in]  code The value to describe.
 * @return `text`, for use as a printf argument.
 */
static inline const char *grade_code_text(char text[GRADE_CODE_TEXT_SIZE],
                                          int code)
{
	const char *name = dp_error_name(code);

	if (strcmp(name, "DP_UNKNOWN") != 0)
		snprintf(text, GRADE_CODE_TEXT_SIZE, "%s (%d)", name, code);
	else if (code > 0)
		snprintf(text, GRADE_CODE_TEXT_SIZE, "%d", code);
	else
		snprintf(text, GRADE_CODE_TEXT_SIZE, "%d (not a DP_ code)",
		         code);
	return text;
}

/**
 * @brief The verb for an expression in a message: a call "returned" its
 *        code, a variable "is" it.
 * @param[in] expression The expression's text, as the macro spells it.
 * @return "returned" when `expression` ends in `)`, else "is".
 */
static inline const char *grade__code_verb(const char *expression)
{
	size_t length = strlen(expression);

	return length > 0 && expression[length - 1] == ')' ? "returned" : "is";
}

/**
 * @brief Fail the test unless `actual` equals the code `expected`.
 *
 * On failure the message names the call and both codes:
 * `ex_checkout_init(NULL, &SPY, NULL) returned DP_ENOTSUP (-8), expected
 * DP_EINVAL (-1)`. Pass the call itself as `actual`, not a variable that
 * holds its result, so that the message says which call it was; where
 * only a variable will do (a code a callback stored), the message reads
 * `probe.rc is DP_OK (0), expected DP_EBUSY (-5)`. Each
 * argument is evaluated exactly once; the file and line reported are the
 * caller's. A macro, not a function, for that reason only.
 * @param actual   An `int` expression, usually the call under test.
 * @param expected The `int` code it must return, e.g. #DP_EINVAL.
 */
#define grade_assert_code(actual, expected)                                 \
	do {                                                                \
		const int grade__actual = (actual);                         \
		const int grade__expected = (expected);                     \
		char grade__actual_text[GRADE_CODE_TEXT_SIZE];              \
		char grade__expected_text[GRADE_CODE_TEXT_SIZE];            \
		ck_assert_msg(                                              \
			grade__actual == grade__expected,                   \
			"%s %s %s, expected %s", #actual,                   \
			grade__code_verb(#actual),                          \
			grade_code_text(grade__actual_text, grade__actual), \
			grade_code_text(grade__expected_text,               \
		                        grade__expected));                  \
	} while (0)

#endif /* GRADE_ASSERT_H */
