# Sourced by selftest_checks.sh: broken answers and cheats, each graded
# beside a correct answer to another exercise.

# A copy of the solutions of the two pilot exercises with one answer
# replaced by FIXTURE, the reference answer beside it for the fixture to
# include (these are graded with the inspection off: the runner alone).
tree() { # tree NAME EXERCISE FIXTURE
	dir=$work/new-$1
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
	dir=$work/new-$1
	mkdir -p "$dir"
	cp -R "$root/solutions/01_strategy" "$root/solutions/02_factory" "$dir/"
	name=${2#[0-9][0-9]_}
	cat "$here/fixtures/$3.c" >>"$dir/$2/$name.c"
	echo "$dir"
}

# The fixtures are graded first, all of them, as many at a time as there
# are processors, each in a build folder of its own; the checks follow.
# plan NAME EXERCISE SRC [VAR=VALUE...]: queue a grade of SRC's EXERCISE
# beside the other pilot exercise. A tree made by tree or cheat_tree
# replaces the last run's only if it differs (settle).
plan() {
	name=$1 ex=$2 src=$3 other=01_strategy
	shift 3
	if [ "$src" = "$work/new-$name" ]; then
		settle "$src" "$work/src-$name"
		src=$work/src-$name
	fi
	[ "$ex" = 01_strategy ] && other=02_factory
	mkdir -p "$work/jobs" "$work/$name/report"
	{
		printf 'cd %s || exit 2\n' "$root"
		printf 'started=$(date +%%s)\n'
		printf 'env GRADE_SRC=%s GRADE_BUILD=%s GRADE_TOOLS=%s ' "$src" \
			"$work/build-$name" "$work/tools"
		printf 'GRADE_REPORT=%s %s ' "$work/$name/report" "$*"
		printf '%s --brief %s %s >%s 2>%s\n' "$here/grade.sh" "$ex" \
			"$other" "$work/$name.brief" "$work/$name.err"
		printf 'echo $? >%s\n' "$work/$name.rc"
		printf 'echo $(($(date +%%s) - started)) >%s\n' \
			"$work/$name.seconds"
	} >"$work/jobs/$name.sh"
}

run_planned() {
	GRADE_BUILD=$work/tools GRADE_TOOLS=$work/tools "$here/grade.sh" \
		--tools || return 1
	find "$work/jobs" -name '*.sh' -print0 |
		xargs -0 -n 1 -P "$(nproc 2>/dev/null || echo 2)" sh
	rm -rf "$work/jobs"
}

# verify NAME EXERCISE STATUS SCORE: assert the status, the points, that
# the maximum did not move, and that the other one is graded in full.
verify() {
	name=$1 ex=$2 other=01_strategy
	[ "$ex" = 01_strategy ] && other=02_factory
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

# The runner alone (inspection off): the fixture includes the reference.
RUNNER_FIXTURES="crash 01_strategy|CRASH signal 11|6
abort 01_strategy|CRASH signal 6|6
loop 01_strategy|TIMEOUT|12
exit0 01_strategy|EXIT 0|12
exit93 01_strategy|EXIT 93|6
forge 01_strategy|PASS|17
kill_runner 01_strategy|ERROR|0
hang 01_strategy|TIMEOUT|0
daemon 01_strategy|PASS|17
flood 01_strategy|FAIL|12
flood_big 01_strategy|CRASH signal 25|12"

# Cheats appended to a complete answer, and what the inspection says.
CHEATS="cheat_exit|calls exit()
cheat_define|defines _exit
cheat_constructor|constructor
cheat_syscall|system-call
cheat_daemon|calls fork()"

plan_fixtures() {
	printf '%s\n' "$RUNNER_FIXTURES" | while IFS='|' read -r what _ _; do
		# shellcheck disable=SC2086
		set -- $what
		timeout=
		case $1 in loop | hang) timeout=GRADE_TIMEOUT=1 ;; esac
		plan "$1" "$2" "$(tree "$1" "$2" "$1")" GRADE_INSPECT=0 $timeout
	done
	printf '%s\n' "$CHEATS" | while IFS='|' read -r name _; do
		plan "$name" 01_strategy "$(cheat_tree "$name" 01_strategy "$name")"
	done
	# #include of the solution, as a student's file would write it.
	dir=$(cheat_tree include 01_strategy cheat_exit)
	printf '#include "%s"\n' "$root/solutions/01_strategy/strategy.c" \
		>"$dir/01_strategy/strategy.c"
	plan include 01_strategy "$dir"
	# One #define in the header is enough to change what a test checks.
	dir=$(cheat_tree header 01_strategy cheat_exit)
	cp "$root/solutions/01_strategy/strategy.c" "$dir/01_strategy/"
	echo '#define ck_assert_msg(...) ((void)0)' >>"$dir/01_strategy/strategy.h"
	plan header 01_strategy "$dir"
	# A missing exercise still counts its points in the maximum.
	dir=$(cheat_tree missing 01_strategy cheat_exit)
	rm -rf "$dir/01_strategy"
	plan missing 01_strategy "$dir"
	plan compile_error 01_strategy \
		"$(tree compile_error 01_strategy compile_error)" GRADE_INSPECT=0
	# Plain mode cannot see a leak that bypasses the allocator.
	plan leak 02_factory "$(tree leak 02_factory leak)" GRADE_INSPECT=0
}

verify_fixtures() {
	# Redirected, not piped: a pipe would run the checks in a subshell,
	# whose counts are lost.
	while IFS='|' read -r what status score; do
		# shellcheck disable=SC2086
		set -- $what
		verify "$1" "$2" "$status" "$score"
	done <<EOF
$RUNNER_FIXTURES
EOF
	# One time limit, not one per test: the tests after it never start.
	check "hang: the other tests are not run" "NOT RUN" \
		"$(field hang 01_strategy test_tables_are_named 4)"
	check "daemon: nothing left running" "" \
		"$(pgrep -f "$work/build-daemon/01_strategy/test" 2>/dev/null)"
	# The daemon lives ten minutes unless the runner kills it: a grade
	# that waited for it would take that long, so five minutes is a bound
	# that only a hang can reach.
	check "daemon: the runner does not wait for it" yes \
		"$([ "$(cat "$work/daemon.seconds")" -lt 300 ] && echo yes)"
	while IFS='|' read -r cheat reason; do
		verify "$cheat" 01_strategy REJECTED 0
		check "$cheat: the reason is given" yes "$(grep -qF "$reason" \
			"$work/$cheat/report/results.json" && echo yes)"
	done <<EOF
$CHEATS
EOF
	verify include 01_strategy REJECTED 0
	verify header 01_strategy REJECTED 0
	verify missing 01_strategy MISSING 0
	verify compile_error 01_strategy "COMPILE ERROR" 0
	check "compile_error: the first error is shown" yes \
		"$(grep -q "DP_OKAY" "$work/compile_error/report/results.json" &&
			echo yes)"
	check "leak (plain mode): graded PASS" "PASS 18" \
		"$(field leak 02_factory 3) $(field leak 02_factory 4)"
}

# The grader's own parts cannot be swapped for a run's benefit.
check_tools() {
	GRADE_BUILD=$work/tooltest grade tools "$root/solutions" 01_strategy
	printf '#!/bin/sh\necho "exercise\t01_strategy\tPASS\t17\t17"\n' \
		>"$work/tooltest/grade-report"
	dir=$(cheat_tree tools2 01_strategy cheat_exit)
	GRADE_BUILD=$work/tooltest grade tools2 "$dir" 01_strategy
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
		plan leak 02_factory "$(tree leak 02_factory leak)" GRADE_INSPECT=0
		run_planned
		verify leak 02_factory "MEMORY ERROR" 8
		return 0
	fi
	plan_fixtures
	run_planned
	verify_fixtures
	check_tools
}

check_class() {
	have_solutions || return 0
	. "$here/selftest_class.sh"
	class_checks
}
