#!/bin/sh
# Build, inspect and run the graded exercises, then report.
#
#   grade.sh [-v] [-t TEST] [--next|--hints|--brief] EXERCISE...
#   grade.sh --tools          build the grader's own tools, then stop
#
# Environment (the Makefiles set them):
#   GRADE_SRC      the folder holding NN_name/name.c: exercises (the
#                  default), solutions, or any copy of either
#   GRADE_TRUSTED  the folder holding each NN_name/name.h and test_name.c
#                  (default: the repository's exercises/); the header must
#                  be the one the manifest names, byte for byte
#   GRADE_BUILD    where products go (default exercises/build/<mode>-<src>)
#   GRADE_TOOLS    where the grader's own tools are (default GRADE_BUILD)
#   GRADE_REPORT   where the reports go (default exercises/build/report)
#   GRADE_MODE     plain (default), memcheck (ASan + UBSan), valgrind or
#                  tsan (ThreadSanitizer)
#   GRADE_TIMEOUT  seconds per test (default 5; valgrind multiplies by 10)
#   GRADE_SANDBOX  a slot number: run each test sandboxed (grade-class)
#   GRADE_HIDE     colon-separated paths the sandbox hides
#   GRADE_KEEP     colon-separated programs it shows again inside them
#   GRADE_JAIL     a command prefix for compiling untrusted code, and
#   GRADE_JAIL_OWNER the user:group it runs as (grade-class sets both)
#   CC             the compiler (default cc)
#
# The points, names and hints of the tests come from grader/manifest.tsv;
# the verdicts from grade-run (run.c), which never contains the student's
# code. Each exercise is built on its own, so a compile error costs only
# that exercise. The exit status is the report's: 0 only when every graded
# test passed; 2 for a usage error.
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
manifest=$here/manifest.tsv
cd "$root" || exit 2

report_args="" only="" tools_only=""
while [ $# -gt 0 ]; do
	case $1 in
	--tools) tools_only=yes ;;
	-v | --next | --hints | --brief) report_args="$report_args $1" ;;
	-t) only=$2; report_args="$report_args -t $2"; shift ;;
	--) shift; break ;;
	-*) echo "grade.sh: unknown option $1" >&2; exit 2 ;;
	*) break ;;
	esac
	shift
done

known=$(awk -F'\t' '$1 == "exercise" { print $2 }' "$manifest")
for ex in "$@"; do
	ex=${ex%/}
	if ! printf '%s\n' "$known" | grep -qxF -- "${ex##*/}"; then
		echo "grade.sh: no exercise '$ex'; the exercises are:" >&2
		printf '  %s\n' $known >&2
		exit 2
	fi
done
if [ -n "$only" ]; then
	tests=$(for ex in "$@"; do awk -F'\t' -v e="${ex##*/}" \
		'$1 == "test" && $2 == e { print $3 }' "$manifest"; done)
	if ! printf '%s\n' "$tests" | grep -qxF -- "$only"; then
		echo "grade.sh: no test '$only' in $*; its tests are:" >&2
		printf '  %s\n' $tests >&2
		exit 2
	fi
fi

src=${GRADE_SRC:-exercises}
case $src in /*) ;; *) src=$root/$src ;; esac
trusted=${GRADE_TRUSTED:-$root/exercises}
mode=${GRADE_MODE:-plain}
cc=${CC:-cc}
build=${GRADE_BUILD:-$root/exercises/build/$mode-$(basename "$src")}
tools=${GRADE_TOOLS:-$build}
reports=${GRADE_REPORT:-$root/exercises/build/report}
timeout=${GRADE_TIMEOUT:-5}
jail=${GRADE_JAIL:-}

cflags="-std=c11 -g -O1 -Wall -Wextra -Wpedantic -Werror -Wshadow \
-Wstrict-prototypes -Wmissing-prototypes -pthread"
plain_cflags=$cflags runner="" memory=1024
case $mode in
plain) ;;
memcheck)
	cflags="$cflags -fsanitize=address,undefined -fno-sanitize-recover=all \
-fno-omit-frame-pointer"
	export ASAN_OPTIONS=exitcode=86 LSAN_OPTIONS=exitcode=86
	export UBSAN_OPTIONS=exitcode=86:print_stacktrace=1
	memory=0
	;;
valgrind)
	runner="valgrind -q --leak-check=full --errors-for-leak-kinds=definite \
--error-exitcode=86"
	timeout=$((timeout * 10)) memory=0
	;;
tsan)
	cflags="$cflags -fsanitize=thread"
	export TSAN_OPTIONS=exitcode=86:halt_on_error=1
	memory=0
	;;
*) echo "grade.sh: GRADE_MODE must be plain, memcheck, valgrind or tsan" >&2
	exit 2 ;;
esac
check_flags=$(pkg-config --cflags --libs check) || exit 2

. "$here/build.sh"
mkdir -p "$tools/common" || exit 2
build_tools || exit 2
[ -n "$tools_only" ] && exit 0

# Old reports go first: a run that fails must not leave the last one's.
mkdir -p "$build" "$reports" || exit 2
rm -f "$reports"/results.json "$reports"/classroom.json \
	"$reports"/gradescope.json "$reports"/junit.xml "$reports"/results.tap

dirs=""
for ex in "$@"; do
	ex=${ex%/}
	ex=${ex##*/}
	out=$build/$ex
	dirs="$dirs $out"
	build_exercise "$ex" "$out" || continue
	awk -F'\t' -v e="$ex" -v t="$only" '$1 == "test" && $2 == e &&
		(t == "" || $3 == t) { print $3 }' "$manifest" >"$out/tests.txt"
	# shellcheck disable=SC2086
	"$tools/grade-run" -t "$timeout" -m "$memory" \
		${GRADE_SANDBOX:+-s "$GRADE_SANDBOX"} $hide_args \
		-o "$out/result.txt" -O "$out/output.txt" -l "$out/tests.txt" \
		-- $runner "$out/test"
done

# shellcheck disable=SC2086
"$tools/grade-report" $report_args -M "$mode" -m "$manifest" \
	-o "$reports" $dirs
