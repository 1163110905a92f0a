#!/bin/sh
# Print the grader's manifest: what every exercise is worth and what its
# answer may define and call, built from the test files and the reference
# answers, never from a student's code.
#
#   manifest.sh [SOLUTIONS]      (default: the repository's solutions/)
#
# `make -C exercises manifest` writes it to exercises/grader/manifest.tsv,
# which is committed: the grader reads the points, names and hints of the
# tests from it, so the maximum of an exercise is the same whatever a
# checkout holds, and the self-test proves it equal to the test files.
# Lines (tab-separated):
#
#   exercise NN_name HEADER_SHA256 STUB_SHA256
#   test     NN_name TEST POINTS HINT        (in the order students see)
#   define   NN_name NAMES                   (what name.c may define)
#   call     NN_name NAMES                   (what it may call, beyond the
#                                             list every answer may use)
#   link     NN_name SOURCES LIBRARIES       (the test file's "grade-link:"
#                                             line: chapter sources under
#                                             patterns/ and -l libraries
#                                             linked into the test program)
#
# MANIFEST_DEPS, when set, names a file that gets what the manifest was
# made from, in the compiler's dependency format (every source and header
# compiled, the stubs, the folders and this script), so that the
# grader's self-test makes it again only when one of them changed.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
solutions=${1:-$root/solutions}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cc=${CC:-cc}
cflags="-std=c11 -O1 -pthread -MD"
check_cflags=$(pkg-config --cflags check)
check_libs=$(pkg-config --libs check)

# Functions an answer may reasonably call that the reference does not.
extra_calls() {
	case $1 in
	03_singleton) echo "pthread_mutex_lock pthread_mutex_unlock" \
		"pthread_mutex_init pthread_mutex_destroy" ;;
	08_profiler) echo "dp_alloc dp_free" ;;
	18_conditional_get) echo "sscanf strcasecmp strcasestr strtok_r" \
		"gmtime_r strftime" ;;
	19_batch_reads) echo "sqlite3_bind_int64 sqlite3_bind_int" \
		"sqlite3_bind_parameter_count sqlite3_reset" \
		"sqlite3_clear_bindings sqlite3_column_int sqlite3_column_type" \
		"sqlite3_column_count sqlite3_column_bytes sqlite3_errcode" \
		"sqlite3_errstr sqlite3_prepare_v3 sqlite3_exec sqlite3_free" \
		"sqlite3_mprintf sqlite3_snprintf sqlite3_str_new" \
		"sqlite3_str_appendf sqlite3_str_appendall sqlite3_str_finish" \
		"sqlite3_str_errcode" ;;
	esac
}

. "$here/allowed.sh"

# The words of a test file's "grade-link:" lines, on one line: the
# chapter sources (relative to patterns/) and libraries its test program
# needs.
links() { # links TEST_FILE
	sed -n 's/^.*grade-link:[[:space:]]*//p' "$1" | tr '\n' ' ' |
		sed 's/ *$//'
}

# Compile an exercise's chapter sources; print the objects and libraries
# to link, in the order given.
link_objects() { # link_objects EXERCISE WORD...
	ex=$1
	shift
	for word; do
		case $word in
		-l*) printf '%s ' "$word" ;;
		*) obj=$work/$ex-$(echo "$word" | tr '/.' '__').o
			$cc $cflags -I"$root/patterns" -c "$root/patterns/$word" \
				-o "$obj" && printf '%s ' "$obj" ;;
		esac
	done
}

names() { # names NM-OPTIONS OBJECT: sorted symbol names, one line
	# shellcheck disable=SC2086
	nm -P $1 "$2" | awk '{ print $1 }' | sort -u | tr '\n' ' ' |
		sed 's/ $//'
}

echo "# The grader's manifest, written by \`make -C exercises manifest\`"
echo "# (grader/manifest.sh) from the test files and solutions/. Do not edit."
$cc $cflags -I"$root/patterns" -c "$root/patterns/common/dp_common.c" \
	-o "$work/dp_common.o"
# shellcheck disable=SC2086
$cc $cflags $check_cflags -I"$here" -I"$root/patterns" -c "$here/grade.c" \
	-o "$work/grade.o"
for dir in "$root"/exercises/[0-9][0-9]_*/; do
	ex=$(basename "$dir")
	name=${ex#[0-9][0-9]_}
	inc="-I$solutions/$ex -I$here -I$root/patterns -I$root"
	# shellcheck disable=SC2086
	$cc $cflags $inc -c "$solutions/$ex/$name.c" -o "$work/$ex.o"
	# shellcheck disable=SC2086
	$cc $cflags $check_cflags $inc -c "$dir/test_$name.c" \
		-o "$work/$ex-test.o"
	link=$(links "$dir/test_$name.c")
	# shellcheck disable=SC2086
	linked=$(link_objects "$ex" $link)
	# shellcheck disable=SC2086
	$cc $cflags -o "$work/$ex-test" "$work/$ex-test.o" "$work/$ex.o" \
		$linked "$work/grade.o" "$work/dp_common.o" $check_libs -lm
	printf 'exercise\t%s\t%s\t%s\n' "$ex" \
		"$(sha256sum <"$dir/$name.h" | cut -d' ' -f1)" \
		"$(sha256sum <"$dir/$name.c" | cut -d' ' -f1)"
	"$work/$ex-test" --list | sed "s/^/test\t$ex\t/"
	printf 'define\t%s\t%s\n' "$ex" "$(names '-g --defined-only' "$work/$ex.o")"
	printf 'call\t%s\t%s\n' "$ex" "$(echo $(names -u "$work/$ex.o" |
		tr ' ' '\n' | grep -vxF -e "$(echo $common_calls | tr ' ' '\n')") \
		$(extra_calls "$ex"))"
	printf 'link\t%s\t%s\n' "$ex" "$link"
done
if [ -n "${MANIFEST_DEPS:-}" ]; then
	{
		cat "$work"/*.d
		echo "inputs: $0 $here/allowed.sh $root/exercises" \
			"$root"/exercises/[0-9][0-9]_*/ \
			"$root"/exercises/[0-9][0-9]_*/*.[ch] "$solutions"/*/
	} >"$MANIFEST_DEPS"
fi
