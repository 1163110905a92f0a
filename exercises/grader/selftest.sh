#!/bin/sh
# The grader's own tests, one group per call:
#
#   selftest.sh solutions [RESULT]  every reference answer scores 100%, and
#                                   the manifest is what the tests say
#   selftest.sh stubs [RESULT]      the pristine stubs (from the manifest's
#                                   checksums, found in the tree or in git)
#                                   compile and score 0 by assertion
#   selftest.sh fixtures [RESULT]   broken answers and cheats get the
#                                   expected status and points, the other
#                                   exercises are still graded, and the
#                                   reports stay valid
#   selftest.sh class [RESULT]      grade-class over ten submissions
#
# GRADE_MODE (plain, memcheck, valgrind, tsan) and CC pass on to grade.sh;
# under memcheck the fixtures group runs only the leak. With RESULT, a
# group that passed is not run again while nothing it reads changed (see
# verdict_key in stale.sh); GRADE_REUSE=0 runs it, and rebuilds. Each
# failed check prints a line; the last line is "N passed, N failed", and
# RESULT, when given, gets "<passed> <failed>" for scripts/summary.sh.
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
kind=${1:?usage: selftest.sh solutions|stubs|fixtures|class [RESULT]}
result=${2:-}
mode=${GRADE_MODE:-plain}
tag=$(basename "${CC:-cc}")
work=$root/build/exercises/$kind-$mode-$tag
manifest=$here/manifest.tsv
label="grader: $kind ($mode)"
. "$here/stale.sh"
# A group that passed keeps its verdict beside RESULT (RESULT.key): when
# nothing it reads changed (verdict_key in stale.sh), the next run writes
# the same RESULT and stops there. GRADE_REUSE=0 runs everything.
[ -z "$result" ] || mkdir -p "$(dirname "$result")"
if [ "$kind" != class ] && [ -n "$result" ]; then
	key=$(verdict_key "$root" "$kind" "$mode")
	reuse_verdict "$result" "$key" "$label" && exit 0
	rm -f "$result.key"
fi
# The builds are kept from one run to the next and reused when nothing
# they were built from changed (GRADE_REUSE in build.sh); every other
# file of the last run goes, so that no verdict of it can be read again.
# The class group starts from nothing.
if [ "$kind" = class ]; then
	rm -rf "$work"
else
	export GRADE_REUSE="${GRADE_REUSE:-1}"
	[ -d "$work" ] && find "$work" -mindepth 1 -maxdepth 1 ! -name 'build*' \
		! -name tools ! -name make ! -name stubs ! -name 'src-*' \
		-exec rm -rf {} +
fi
mkdir -p "$work"
passed=0 failed=0 skipped=""

check() { # check WHAT EXPECTED ACTUAL
	if [ "$2" = "$3" ]; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
		echo "      grader $kind ($mode): $1: expected '$2', got '$3'"
	fi
}

# Put NEW where OLD is unless both hold the same (a file or a tree): an
# unchanged copy keeps its times, and with them the builds made from it.
settle() { # settle NEW OLD
	if diff -r -q "$1" "$2" >/dev/null 2>&1; then
		rm -rf "$1"
	else
		rm -rf "$2" && mv "$1" "$2"
	fi
}

exercises=$(awk -F'\t' '$1 == "exercise" { print $2 }' "$manifest")

# grade NAME SRC EXERCISE...: run the grader, keep its brief listing.
grade() {
	name=$1 src=$2
	shift 2
	mkdir -p "$work/$name/report"
	started=$(date +%s)
	GRADE_SRC=$src GRADE_BUILD=${GRADE_BUILD:-$work/build} \
		GRADE_REPORT=$work/$name/report \
		"$here/grade.sh" --brief "$@" >"$work/$name.brief" \
		2>"$work/$name.err"
	echo $? >"$work/$name.rc"
	echo $(($(date +%s) - started)) >"$work/$name.seconds"
}

field() { # field RUN EXERCISE [TEST] COLUMN: a column of the listing
	if [ $# -eq 3 ]; then
		awk -F'\t' -v e="$2" -v c="$3" \
			'$1 == "exercise" && $2 == e { print $c }' "$work/$1.brief"
	else
		awk -F'\t' -v e="$2" -v t="$3" -v c="$4" \
			'$1 == "test" && $2 == e && $3 == t { print $c }' \
			"$work/$1.brief"
	fi
}

. "$here/selftest_checks.sh"

case $kind in
solutions) check_solutions ;;
stubs) check_stubs ;;
fixtures) check_fixtures ;;
class) check_class ;;
*) echo "selftest.sh: unknown group '$kind'" >&2; exit 2 ;;
esac

if [ -n "$result" ]; then
	# As scripts/run_suite.sh reports a suite, for the top-level summary.
	echo "$passed $failed" >"$result"
	[ "$kind" = class ] || record_verdict "$result" "$key" "$passed" \
		"$failed" "$skipped"
	if [ "$failed" -eq 0 ]; then
		printf 'PASS  %-44s %d checks%s\n' "$label" \
			"$passed" "${skipped:+ ($skipped)}"
	else
		printf 'FAIL  %-44s %d passed, %d failed\n' \
			"$label" "$passed" "$failed"
		echo "      build and reports: $work"
	fi
else
	echo "$passed passed, $failed failed${skipped:+ ($skipped)}"
fi
[ "$failed" -eq 0 ]
