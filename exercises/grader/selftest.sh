#!/bin/sh
# The grader's own tests, one group per call:
#
#   selftest.sh solutions [RESULT]   every reference answer scores 100%
#   selftest.sh stubs [RESULT]       every untouched stub compiles, scores
#                                    0, and fails every test by assertion
#                                    (no crash, no timeout: no free points)
#   selftest.sh fixtures [RESULT]    deliberately broken answers are graded
#                                    to the expected status and points, and
#                                    the other exercises are still graded
#
# GRADE_MODE (plain, memcheck, valgrind) and CC are passed on to grade.sh;
# under memcheck the fixtures group runs only the leak. Each check prints a
# FAIL line when it fails; the last line is "N passed, N failed", and
# RESULT, when given, gets "<passed> <failed>" for scripts/summary.sh.
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
kind=${1:?usage: selftest.sh solutions|stubs|fixtures [RESULT]}
result=${2:-}
mode=${GRADE_MODE:-plain}
tag=$(basename "${CC:-cc}")
work=$root/build/exercises/$kind-$mode-$tag
rm -rf "$work"
mkdir -p "$work"
passed=0
failed=0

check() { # check WHAT EXPECTED ACTUAL
	if [ "$2" = "$3" ]; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
		echo "      grader $kind ($mode): $1: expected '$2', got '$3'"
	fi
}

exercises=$(cd "$root/exercises" && ls -d [0-9][0-9]_*/ 2>/dev/null | tr -d /)

# grade NAME SRC EXERCISE...: run the grader, keep its brief listing.
grade() {
	name=$1 src=$2
	shift 2
	mkdir -p "$work/$name/report"
	GRADE_SRC=$src GRADE_BUILD=$work/build GRADE_REPORT=$work/$name/report \
		"$here/grade.sh" --brief "$@" >"$work/$name.brief" \
		2>"$work/$name.err"
	echo $? >"$work/$name.rc"
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

# The reports must parse, whatever the graded code printed.
validate() { # validate RUN
	command -v python3 >/dev/null 2>&1 || return 0
	check "$1: results.json parses" ok "$(python3 -m json.tool \
		"$work/$1/report/results.json" >/dev/null 2>&1 && echo ok)"
	check "$1: junit.xml is well-formed" ok "$(python3 -c \
		'import xml.dom.minidom,sys; xml.dom.minidom.parse(sys.argv[1])' \
		"$work/$1/report/junit.xml" 2>/dev/null && echo ok)"
	check "$1: results.json has the flat classroom form" ok \
		"$(python3 -c 'import json,sys
r = json.load(open(sys.argv[1]))
assert r["version"] == 1 and r["status"] in ("pass", "fail")
assert isinstance(r["max_score"], int) and r["tests"]
for t in r["tests"]:
    assert set(("name", "status", "score", "message")) <= set(t)
print("ok")' "$work/$1/report/results.json" 2>/dev/null)"
}

# A copy of the solutions with one exercise's answer replaced by a
# fixture; the reference answer sits beside it for the fixture to include.
tree() { # tree NAME EXERCISE FIXTURE
	dir=$work/src-$1
	mkdir -p "$dir"
	cp -R "$root/solutions/01_strategy" "$root/solutions/02_factory" "$dir/"
	name=${2#[0-9][0-9]_}
	cp "$dir/$2/$name.c" "$dir/$2/${name}_reference.c"
	cp "$here/fixtures/$3.c" "$dir/$2/$name.c"
	echo "$dir"
}

# fixture NAME EXERCISE STATUS SCORE: grade the fixture with the other
# pilot exercise beside it; assert the status, the points and that the
# other one still scores in full.
fixture() {
	name=$1 ex=$2
	other=01_strategy
	[ "$ex" = 01_strategy ] && other=02_factory
	grade "$name" "$(tree "$name" "$ex" "$name")" "$ex" "$other"
	check "$name: $ex status" "$3" "$(field "$name" "$ex" 3)"
	check "$name: $ex points" "$4" "$(field "$name" "$ex" 4)"
	check "$name: $other is still graded" \
		"PASS $(field "$name" "$other" 5)" \
		"$(field "$name" "$other" 3) $(field "$name" "$other" 4)"
	check "$name: exit status" 1 "$(cat "$work/$name.rc")"
	validate "$name"
}

case $kind in
solutions)
	grade all solutions $exercises
	for ex in $exercises; do
		check "$ex status" PASS "$(field all "$ex" 3)"
		check "$ex scores its maximum" "$(field all "$ex" 5)" \
			"$(field all "$ex" 4)"
		check "$ex has graded tests" yes \
			"$([ "$(field all "$ex" 5)" -gt 0 ] 2>/dev/null && echo yes)"
	done
	check "exit status" 0 "$(cat "$work/all.rc")"
	validate all
	# The students' entry point, as they run it.
	if [ "$mode" = plain ]; then
		GRADE_BUILD=$work/make GRADE_REPORT=$work/make-report \
			make -s -C "$root/exercises" test SRC=solutions \
			>"$work/make.out" 2>&1
		check "make test SRC=solutions exits 0" 0 $?
		check "make test SRC=solutions: nothing fails" 0 \
			"$(tail -n 1 "$work/make.out" | sed -n 's/.*passed, \([0-9]*\) failed$/\1/p')"
		# The ungraded benchmark builds and runs on the answers.
		DP_BENCH_QUICK=1 make -s -C "$root/exercises" bench \
			EX=09_vectorize SRC=solutions >"$work/bench.out" 2>&1
		check "make bench EX=09_vectorize SRC=solutions exits 0" 0 $?
	fi
	;;
stubs)
	grade all exercises $exercises
	for ex in $exercises; do
		check "$ex scores 0" 0 "$(field all "$ex" 4)"
		others=$(awk -F'\t' -v e="$ex" \
			'$1 == "test" && $2 == e && $4 != "FAIL" { print $3 ": " $4 }' \
			"$work/all.brief")
		check "$ex: every test fails by assertion" "" "$others"
		check "$ex has graded tests" yes "$(awk -F'\t' -v e="$ex" \
			'$1 == "test" && $2 == e { n++ } END { print (n > 0 ? "yes" : "no") }' \
			"$work/all.brief")"
		check "$ex stub has a TODO" yes "$(grep -q TODO \
			"$root/exercises/$ex/${ex#[0-9][0-9]_}.c" && echo yes)"
		check "$ex header is the solution's" same "$(cmp -s \
			"$root/exercises/$ex/${ex#[0-9][0-9]_}.h" \
			"$root/solutions/$ex/${ex#[0-9][0-9]_}.h" && echo same)"
	done
	check "exit status" 1 "$(cat "$work/all.rc")"
	validate all
	# Failing tests end their processes early; nothing the grader itself
	# allocated may then be reported as a leak to the student.
	if [ "$mode" = memcheck ]; then
		check "memcheck: the grader itself leaks nothing" "" \
			"$(grep -rl LeakSanitizer "$work/build" 2>/dev/null)"
	fi
	# The students' entry point, as they run it on a fresh clone.
	if [ "$mode" = plain ]; then
		GRADE_BUILD=$work/make GRADE_REPORT=$work/make-report \
			make -s -C "$root/exercises" test >"$work/make.out" 2>&1
		check "make test on the stubs exits non-zero" yes \
			"$([ $? -ne 0 ] && echo yes)"
		check "make test on the stubs names the next step" yes \
			"$(grep -q '^Progress: 0/.*Next: make test EX=' \
				"$work/make.out" && echo yes)"
		check "make test on the stubs: nothing passes" 0 \
			"$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$work/make.out" |
				cut -d' ' -f1)"
	fi
	# The empty-selection pitfall: Check passes a run that selects no
	# test; the grader must not.
	GRADE_SRC=solutions GRADE_BUILD=$work/build GRADE_REPORT=$work/none \
		"$here/grade.sh" --brief -t no_such_test 01_strategy \
		>"$work/none.brief" 2>&1
	check "a selection of no test fails" "1 0" \
		"$? $(field none 01_strategy 4)"
	;;
fixtures)
	if [ "$mode" = memcheck ] || [ "$mode" = valgrind ]; then
		fixture leak 02_factory "MEMORY ERROR" 8
	else
		fixture crash 01_strategy "CRASH signal 11" 6
		fixture abort 01_strategy "CRASH signal 6" 6
		GRADE_TIMEOUT=1 fixture loop 01_strategy TIMEOUT 12
		fixture exit0 01_strategy "EXIT 0" 12
		fixture flood 01_strategy FAIL 12
		fixture compile_error 01_strategy "COMPILE ERROR" 0
		check "compile_error: max points still known" 17 \
			"$(field compile_error 01_strategy 5)"
		check "compile_error: the first error is shown" yes \
			"$(grep -q "DP_OKAY" "$work/compile_error/report/results.json" && echo yes)"
		# Plain mode cannot see a leak that bypasses the allocator.
		grade leak "$(tree leak 02_factory leak)" 02_factory 01_strategy
		check "leak (plain mode): graded PASS" "PASS 18" \
			"$(field leak 02_factory 3) $(field leak 02_factory 4)"
	fi
	;;
*)
	echo "selftest.sh: unknown group '$kind'" >&2
	exit 2
	;;
esac

if [ -n "$result" ]; then
	# As scripts/run_suite.sh reports a suite, for the top-level summary.
	mkdir -p "$(dirname "$result")"
	echo "$passed $failed" >"$result"
	if [ "$failed" -eq 0 ]; then
		printf 'PASS  %-44s %d checks\n' "grader: $kind ($mode)" "$passed"
	else
		printf 'FAIL  %-44s %d passed, %d failed\n' \
			"grader: $kind ($mode)" "$passed" "$failed"
		echo "      build and reports: $work"
	fi
else
	echo "$passed passed, $failed failed"
fi
[ "$failed" -eq 0 ]
