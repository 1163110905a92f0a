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
actual=$result.stdout
log=$result.log

timeout -k 5 "${DP_SUITE_TIMEOUT:-600}" ${DP_RUNNER:-} "$bin" </dev/null >"$actual" 2>"$log"
rc=$?

name=${bin#build/}
if [ ! -f "$expected" ]; then
	why="no expected output: $expected is missing"
elif [ "$rc" -ne 0 ]; then
	why="exit status $rc"
elif ! diff -u "$expected" "$actual" >"$result.diff"; then
	why="output differs from $expected"
else
	echo "1 0" >"$result"
	printf 'PASS  %-44s output matches\n' "$name"
	exit 0
fi

echo "0 1" >"$result"
printf 'FAIL  %-44s %s\n' "$name" "$why"
[ -s "$result.diff" ] && head -n 40 "$result.diff" | sed 's/^/      /'
[ -s "$log" ] && head -n 20 "$log" | sed 's/^/      /'
exit 0
