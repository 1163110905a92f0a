#!/bin/sh
# Add up the verdicts written by run_suite.sh and run_example.sh.
#
#   scripts/summary.sh RESULT...
#
# Prints one line, "N passed, N failed", and exits non-zero on any failure,
# on a verdict that is missing, or when there was nothing to run.
set -u
passed=0
failed=0
for result in "$@"; do
	if [ -r "$result" ] && read -r p f <"$result"; then
		passed=$((passed + p))
		failed=$((failed + f))
	else
		echo "FAIL  ${result#build/}: no verdict was written"
		failed=$((failed + 1))
	fi
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
