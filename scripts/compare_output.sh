#!/bin/sh
# Judge one captured run against its expected output, and record it.
#
#   scripts/compare_output.sh NAME WHAT EXPECTED RESULT [FAILURE]
#
# The run's standard output is in RESULT.stdout and its standard error in
# RESULT.log. WHAT names the output in the verdict ("output",
# "transcript"). FAILURE, when given and not empty, fails the run whatever
# its output says (an exit status, for instance). RESULT gets "1 0"
# (passed) or "0 1" (failed), the form scripts/summary.sh adds up; a
# failure shows the diff and the start of standard error. Shared by
# scripts/run_example.sh and mvc_demo/run_spec.sh.
set -u
name=$1
what=$2
expected=$3
result=$4
failure=${5:-}
rm -f "$result.diff"

if [ ! -f "$expected" ]; then
	why="no expected $what: $expected is missing"
elif [ -n "$failure" ]; then
	why=$failure
elif ! diff -u "$expected" "$result.stdout" >"$result.diff"; then
	why="$what differs from $(basename "$expected")"
else
	echo "1 0" >"$result"
	printf 'PASS  %-44s %s matches\n' "$name" "$what"
	exit 0
fi

echo "0 1" >"$result"
printf 'FAIL  %-44s %s\n' "$name" "$why"
[ -s "$result.diff" ] && head -n 40 "$result.diff" | sed 's/^/      /'
[ -s "$result.log" ] && head -n 20 "$result.log" | sed 's/^/      /'
exit 0
