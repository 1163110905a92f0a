#!/bin/sh
# Run the course's two functions under the standard profilers and print the
# part of each report a student should read. `make profile` builds the two
# programs and runs this from the top of the repository:
#
#   patterns/profiling/profile.sh DIR
#
# DIR holds profile_gprof (built with -pg) and profile_plain (built with -g,
# no -march=native: valgrind cannot run AVX-512 code). Every output file
# goes to DIR.
set -eu

dir=$1
src=patterns/profiling/course.c

section() {
	printf '\n==== %s ====\n\n' "$1"
}

section "gprof: the flat profile (cProfile's table)"
# gprof writes gmon.out in the current directory, so run it inside DIR.
(cd "$dir" && ./profile_gprof slow 50000)
(cd "$dir" && gprof -b -p ./profile_gprof gmon.out) | sed '/^$/d' | head -8

section "gprof: the call graph (who called whom, pstats.print_callers)"
(cd "$dir" && gprof -b -q ./profile_gprof gmon.out) |
	sed -n '/^index/,/^Index by/p' | sed '/^Index by/d;/^$/d' | head -14

section "callgrind_annotate: instructions per source line (line_profiler)"
valgrind -q --tool=callgrind --callgrind-out-file="$dir/callgrind.out" \
	"$dir/profile_plain" slow 100
callgrind_annotate --auto=no --threshold=95 "$dir/callgrind.out" |
	sed -n '/PROGRAM TOTALS/p;/file:function/,/^$/p' | grep -v -- '^---' |
	sed '/^$/d;s/ \[.*\]$//'
echo
callgrind_annotate --auto=no "$dir/callgrind.out" "$src" |
	sed -n '/dp_profiling_slow_function(void/,/  }$/p'

section "massif + ms_print: the heap over time (memory_profiler)"
valgrind -q --tool=massif --massif-out-file="$dir/massif.out" \
	"$dir/profile_plain" memory
ms_print --x=60 --y=8 "$dir/massif.out" | sed -n '/^ *MB$/,/^ *0  /p'
echo
# The snapshot table up to the peak, and the peak's allocation tree.
ms_print "$dir/massif.out" | sed -n '/^  n /,$p' | grep -v -- '^---' |
	sed 's/ *$//' | head -17
