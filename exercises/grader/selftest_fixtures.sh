# Sourced by selftest_checks.sh: broken answers and cheats, each graded
# beside a correct answer to another exercise.

# A copy of the solutions of the two pilot exercises with one answer
# replaced by FIXTURE, the reference answer beside it for the fixture to
# include (these are graded with the inspection off: the runner alone).
tree() { # tree NAME EXERCISE FIXTURE
	dir=$work/src-$1
	mkdir -p "$dir"
	cp -R "$root/solutions/01_strategy" "$root/solutions/02_factory" "$dir/"
	name=${2#[0-9][0-9]_}
	cp "$dir/$2/$name.c" "$dir/$2/${name}_reference.c"
	cp "$here/fixtures/$3.c" "$dir/$2/$name.c"
	echo "$dir"
}

# The same, with the cheat appended to the complete reference answer: it
# would score every point if the grader did not catch it.
cheat_tree() { # cheat_tree NAME EXERCISE FIXTURE
	dir=$work/src-$1
	mkdir -p "$dir"
	cp -R "$root/solutions/01_strategy" "$root/solutions/02_factory" "$dir/"
	name=${2#[0-9][0-9]_}
	cat "$here/fixtures/$3.c" >>"$dir/$2/$name.c"
	echo "$dir"
}

# fixture NAME EXERCISE STATUS SCORE SRC: grade SRC's EXERCISE beside the
# other pilot; assert the status, the points, that the maximum did not
# move, and that the other one is still graded in full.
fixture() {
	name=$1 ex=$2 other=01_strategy
	[ "$ex" = 01_strategy ] && other=02_factory
	grade "$name" "$5" "$ex" "$other"
	check "$name: $ex status" "$3" "$(field "$name" "$ex" 3)"
	check "$name: $ex points" "$4" "$(field "$name" "$ex" 4)"
	check "$name: $ex maximum" \
		"$(awk -F'\t' -v e="$ex" '$1 == "test" && $2 == e { s += $4 }
			END { print s }' "$manifest")" "$(field "$name" "$ex" 5)"
	check "$name: $other is still graded" \
		"PASS $(field "$name" "$other" 5)" \
		"$(field "$name" "$other" 3) $(field "$name" "$other" 4)"
	rc=1
	[ "$3" = PASS ] && rc=0
	check "$name: exit status" $rc "$(cat "$work/$name.rc")"
	validate "$name"
}

runner_fixture() { # runner_fixture NAME EXERCISE STATUS SCORE
	GRADE_INSPECT=0 fixture "$1" "$2" "$3" "$4" "$(tree "$1" "$2" "$1")"
}

cheat_fixture() { # cheat_fixture NAME: appended to 01_strategy's answer
	fixture "$1" 01_strategy REJECTED 0 "$(cheat_tree "$1" 01_strategy "$1")"
	check "$1: the reason is given" yes "$(grep -q "$2" \
		"$work/$1/report/results.json" && echo yes)"
}

check_runner_fixtures() {
	runner_fixture crash 01_strategy "CRASH signal 11" 6
	runner_fixture abort 01_strategy "CRASH signal 6" 6
	GRADE_TIMEOUT=1 runner_fixture loop 01_strategy TIMEOUT 12
	runner_fixture exit0 01_strategy "EXIT 0" 12
	runner_fixture exit93 01_strategy "EXIT 93" 6
	runner_fixture forge 01_strategy PASS 17
	runner_fixture kill_runner 01_strategy ERROR 0
	GRADE_TIMEOUT=2 runner_fixture hang 01_strategy TIMEOUT 0
	# One time limit, not one per test: the tests after it never start.
	check "hang: the other tests are not run" "NOT RUN" \
		"$(field hang 01_strategy test_tables_are_named 4)"
	runner_fixture daemon 01_strategy PASS 17
	check "daemon: nothing left running" "" \
		"$(pgrep -f "$work/build/01_strategy/test" 2>/dev/null)"
	runner_fixture flood 01_strategy FAIL 12
}

check_cheats() {
	cheat_fixture cheat_exit "calls exit()"
	cheat_fixture cheat_define "defines _exit"
	cheat_fixture cheat_constructor "constructor"
	cheat_fixture cheat_syscall "system-call"
	cheat_fixture cheat_daemon "calls fork()"
	# #include of the solution, as a student's file would write it.
	dir=$(cheat_tree include 01_strategy cheat_exit)
	printf '#include "%s"\n' "$root/solutions/01_strategy/strategy.c" \
		>"$dir/01_strategy/strategy.c"
	fixture include 01_strategy REJECTED 0 "$dir"
	# One #define in the header is enough to change what a test checks.
	dir=$(cheat_tree header 01_strategy cheat_exit)
	cp "$root/solutions/01_strategy/strategy.c" "$dir/01_strategy/"
	echo '#define ck_assert_msg(...) ((void)0)' >>"$dir/01_strategy/strategy.h"
	fixture header 01_strategy REJECTED 0 "$dir"
	# A missing exercise still counts its points in the maximum.
	dir=$(cheat_tree missing 01_strategy cheat_exit)
	rm -rf "$dir/01_strategy"
	fixture missing 01_strategy MISSING 0 "$dir"
	GRADE_INSPECT=0 fixture compile_error 01_strategy "COMPILE ERROR" 0 \
		"$(tree compile_error 01_strategy compile_error)"
	check "compile_error: the first error is shown" yes \
		"$(grep -q "DP_OKAY" "$work/compile_error/report/results.json" &&
			echo yes)"
}

# The grader's own parts cannot be swapped for a run's benefit.
check_tools() {
	GRADE_BUILD=$work/tools grade tools "$root/solutions" 01_strategy
	printf '#!/bin/sh\necho "exercise\t01_strategy\tPASS\t17\t17"\n' \
		>"$work/tools/grade-report"
	dir=$(cheat_tree tools2 01_strategy cheat_exit)
	GRADE_BUILD=$work/tools grade tools2 "$dir" 01_strategy
	check "a replaced report tool is rebuilt" "REJECTED 0" \
		"$(field tools2 01_strategy 3) $(field tools2 01_strategy 4)"
	trusted=$work/trusted
	cp -R "$root/exercises" "$trusted"
	rm -rf "$trusted/build" "$trusted/01_strategy/test_strategy.c"
	GRADE_TRUSTED=$trusted grade notest "$root/solutions" 01_strategy
	check "a missing test file is an error" "ERROR 0 1" \
		"$(field notest 01_strategy 3) $(field notest 01_strategy 4) \
$(cat "$work/notest.rc")"
}

check_fixtures() {
	have_solutions || return 0
	if [ "$mode" != plain ]; then
		GRADE_INSPECT=0 fixture leak 02_factory "MEMORY ERROR" 8 \
			"$(tree leak 02_factory leak)"
		return 0
	fi
	check_runner_fixtures
	check_cheats
	check_tools
	# Plain mode cannot see a leak that bypasses the allocator.
	GRADE_INSPECT=0 grade leak "$(tree leak 02_factory leak)" 02_factory \
		01_strategy
	check "leak (plain mode): graded PASS" "PASS 18" \
		"$(field leak 02_factory 3) $(field leak 02_factory 4)"
}

check_class() {
	have_solutions || return 0
	. "$here/selftest_class.sh"
	class_checks
}
