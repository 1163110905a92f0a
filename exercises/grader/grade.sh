#!/bin/sh
# Build and run the graded exercises, then report.
#
#   grade.sh [-v] [-t TEST] [--next|--hints] EXERCISE...
#
# Environment (the Makefile sets them):
#   GRADE_SRC     the folder holding NN_name/name.c: exercises (the
#                 default), solutions, or any copy of either
#   GRADE_BUILD   where products go (default exercises/build/<mode>-<src>)
#   GRADE_REPORT  where results.json, junit.xml and results.tap go
#                 (default exercises/build/report)
#   GRADE_MODE    plain (default), memcheck (ASan + UBSan) or valgrind
#   CC            the compiler (default cc)
#
# Each exercise is built on its own, so a compile error costs only that
# exercise; each runs with stdin from /dev/null, its output capped, and an
# outer timeout as a backstop behind Check's per-test timeouts. The exit
# status is the report's: 0 only when every graded test passed.
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
cd "$root" || exit 2

report_args=""
while [ $# -gt 0 ]; do
	case $1 in
	-v | --next | --hints | --brief) report_args="$report_args $1" ;;
	-t) report_args="$report_args -t $2"; export CK_RUN_CASE="$2"; shift ;;
	--) shift; break ;;
	-*) echo "grade.sh: unknown option $1" >&2; exit 2 ;;
	*) break ;;
	esac
	shift
done

src=${GRADE_SRC:-exercises}
case $src in /*) ;; *) src=$root/$src ;; esac
mode=${GRADE_MODE:-plain}
cc=${CC:-cc}
build=${GRADE_BUILD:-$root/exercises/build/$mode-$(basename "$src")}
reports=${GRADE_REPORT:-$root/exercises/build/report}

cflags="-std=c11 -g -O1 -Wall -Wextra -Wpedantic -Werror -Wshadow \
-Wstrict-prototypes -Wmissing-prototypes -pthread"
runner=""
case $mode in
plain) ;;
memcheck)
	cflags="$cflags -fsanitize=address,undefined -fno-sanitize-recover=all \
-fno-omit-frame-pointer"
	export ASAN_OPTIONS=exitcode=86 LSAN_OPTIONS=exitcode=86
	export UBSAN_OPTIONS=exitcode=86:print_stacktrace=1
	;;
valgrind)
	runner="valgrind -q --leak-check=full --errors-for-leak-kinds=definite \
--error-exitcode=86"
	export CK_TIMEOUT_MULTIPLIER=${CK_TIMEOUT_MULTIPLIER:-10}
	;;
*) echo "grade.sh: GRADE_MODE must be plain, memcheck or valgrind" >&2; exit 2 ;;
esac
check_flags=$(pkg-config --cflags --libs check) || exit 2

mkdir -p "$build/common" "$reports" || exit 2

# The report tool and the shared objects, built once per build folder and
# again only when their source, the compiler or the flags change.
stamp="$cc $cflags"
if [ "$(cat "$build/common/flags" 2>/dev/null)" != "$stamp" ] ||
	[ "$here/grade.c" -nt "$build/common/grade.o" ] ||
	[ "$here/report.c" -nt "$build/grade-report" ]; then
	rm -f "$build/common/flags"
	$cc -std=c11 -O1 -Wall -Wextra -Werror -o "$build/grade-report" \
		"$here/report.c" || exit 2
	# shellcheck disable=SC2086
	$cc $cflags -I"$here" -I"$root/patterns" -c "$here/grade.c" \
		-o "$build/common/grade.o" || exit 2
	# shellcheck disable=SC2086
	$cc $cflags -I"$root/patterns" -c "$root/patterns/common/dp_common.c" \
		-o "$build/common/dp_common.o" || exit 2
	echo "$stamp" >"$build/common/flags"
fi

compile() { # compile OUT INCLUDE SOURCE
	# shellcheck disable=SC2086
	timeout 60 $cc $cflags -I"$2" -I"$here" -I"$root/patterns" \
		-c "$3" -o "$1"
}

dirs=""
for ex in "$@"; do
	ex=${ex%/}
	ex=${ex##*/}
	name=${ex#[0-9][0-9]_}
	if [ ! -f "exercises/$ex/test_$name.c" ]; then
		echo "grade.sh: no exercise $ex (exercises/$ex/test_$name.c)" >&2
		exit 2
	fi
	out=$build/$ex
	rm -rf "$out"
	mkdir -p "$out"
	dirs="$dirs $out"
	test_c=exercises/$ex/test_$name.c
	code_c=$src/$ex/$name.c

	{
		compile "$out/test.o" "$src/$ex" "$test_c" &&
			compile "$out/code.o" "$src/$ex" "$code_c" &&
			# shellcheck disable=SC2086
			$cc $cflags -o "$out/test" "$out/test.o" "$out/code.o" \
				"$build/common/grade.o" "$build/common/dp_common.o" \
				$check_flags -lm
	} >"$out/compile.log" 2>&1
	if [ ! -x "$out/test" ]; then
		touch "$out/compile.failed"
		# The table of tests, for the points at stake: link the test
		# file alone (it is never run past --list), against the
		# solution's header if the student's does not compile.
		if [ -f "$out/test.o" ] ||
			compile "$out/test.o" "$root/solutions/$ex" "$test_c" \
				>/dev/null 2>&1; then
			# shellcheck disable=SC2086
			$cc -pthread -no-pie -o "$out/lister" "$out/test.o" \
				"$build/common/grade.o" "$build/common/dp_common.o" \
				-Wl,--unresolved-symbols=ignore-all $cflags \
				$check_flags -lm >/dev/null 2>&1 &&
				"$out/lister" --list >"$out/tests.txt" 2>/dev/null
		fi
		echo "  $ex: COMPILE ERROR (see $out/compile.log)" >&2
		continue
	fi
	"$out/test" --list >"$out/tests.txt" 2>/dev/null

	# The run: output capped at 64 KiB, the rest read and dropped so a
	# flood never blocks the tests; the exit status kept for the report.
	(
		cd "$out" || exit 2
		GRADE_RESULT=$out/result.txt timeout -k 5 \
			"${GRADE_SUITE_TIMEOUT:-300}" $runner ./test \
			</dev/null 2>&1
		echo $? >"$out/status"
	) | {
		head -c 65536 >"$out/output.txt"
		cat >/dev/null
	}
done

# shellcheck disable=SC2086
"$build/grade-report" $report_args -o "$reports" $dirs
