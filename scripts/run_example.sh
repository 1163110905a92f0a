#!/bin/sh
# Run one example and compare its standard output with the committed one.
#
#   scripts/run_example.sh BINARY EXPECTED RESULT
#
# RESULT gets "1 0" (passed) or "0 1" (failed); a mismatch shows the diff.
# The README of each pattern quotes its example.out, so this keeps the
# README true. DP_RUNNER, when set, prefixes the command (valgrind).
set -u
bin=$1
expected=$2
result=$3
mkdir -p "$(dirname "$result")"
rm -f "$result"

timeout -k 5 "${DP_SUITE_TIMEOUT:-600}" ${DP_RUNNER:-} "$bin" </dev/null \
	>"$result.stdout" 2>"$result.log"
rc=$?

failure=
[ "$rc" -ne 0 ] && failure="exit status $rc"
exec "$(dirname "$0")/compare_output.sh" "${bin#build/}" output \
	"$expected" "$result" "$failure"
