#!/bin/sh
# Run one Check suite and record its verdict.
#
#   scripts/run_suite.sh BINARY RESULT
#
# RESULT gets one line, "<passed> <failed>", counted from Check's own
# summary ("NN%: Checks: N, Failures: F, Errors: E"); the full output goes
# to RESULT.log. A suite that dies before its summary, runs no test at all,
# or exits non-zero with every check passed (a sanitizer or valgrind report
# outside any test) counts as one failure, so nothing can pass by silence.
# DP_RUNNER, when set, prefixes the command (valgrind).
#
# RESULT.times lists each test's seconds, slowest first, from Check's XML
# log (RESULT.xml): how close each test comes to its timeout, which the
# Makefile scales for the slow modes (CK_TIMEOUT_MULTIPLIER).
set -u
bin=$1
result=$2
log=$result.log
mkdir -p "$(dirname "$result")"
rm -f "$result" "$result.xml" "$result.times"

# stdin from /dev/null: a test that reads it must not wait for a keyboard.
# The outer timeout is a backstop; Check's per-test timeouts come first.
CK_XML_LOG_FILE_NAME=$result.xml \
	timeout -k 5 "${DP_SUITE_TIMEOUT:-600}" ${DP_RUNNER:-} "$bin" </dev/null >"$log" 2>&1
rc=$?
if [ -f "$result.xml" ]; then
	sed -n -E 's#.*<(id|iteration|duration)>(.*)</.*#\1 \2#p' "$result.xml" |
		awk '$1 == "id" { id = $2 } $1 == "iteration" { it = $2 }
		     $1 == "duration" && id != "" {
			     printf "%s %s%s\n", $2, id, (it > 0 ? "#" it : ""); id = ""
		     }' |
		sort -rn >"$result.times"
fi

summary=$(grep -E '^[0-9]+%: Checks: [0-9]+, Failures: [0-9]+, Errors: [0-9]+' "$log" | tail -n 1)
if [ -n "$summary" ]; then
	set -- $(echo "$summary" | sed -E 's/.*Checks: ([0-9]+), Failures: ([0-9]+), Errors: ([0-9]+).*/\1 \2 \3/')
	checks=$1 failed=$(($2 + $3))
	passed=$((checks - failed))
	why=""
	if [ "$checks" -eq 0 ]; then
		failed=1 why="no test ran"
	elif [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; then
		failed=1 why="exit status $rc after all checks passed"
	fi
else
	passed=0 failed=1
	case $rc in
	124 | 137) why="timed out" ;;
	*) why="died before its summary (exit status $rc)" ;;
	esac
fi

echo "$passed $failed" >"$result"
name=${bin#build/}
if [ "$failed" -eq 0 ]; then
	printf 'PASS  %-44s %d checks\n' "$name" "$passed"
else
	printf 'FAIL  %-44s %d passed, %d failed%s\n' "$name" "$passed" "$failed" "${why:+ ($why)}"
	# The failing checks, then anything a sanitizer or valgrind said.
	grep -E ':[FE]:' "$log" | sed 's/^/      /' | head -n 20
	grep -E '^(==[0-9]+==|SUMMARY:|.*runtime error:)' "$log" | sed 's/^/      /' | head -n 20
	echo "      full log: $log"
fi
exit 0
