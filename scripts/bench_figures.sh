#!/bin/sh
# The figure registry's tool: every figure a README quotes from a bench is
# a cell of the recorded run (docs/bench/*.csv), registered in
# docs/bench/figures/*.tsv (the format is in CONTRIBUTING.md).
#
#   scripts/bench_figures.sh [-C ROOT] check
#       every registered figure, as written, equals its recorded cell
#       formatted; no bench runs (part of `make lint`)
#   scripts/bench_figures.sh [-C ROOT] drift [--confirm REPORT] RUN...
#       every figure whose fresh value, the median of its cell over the
#       folders RUN... of fresh CSV files (`make bench-check`), lies
#       outside the recorded band: from the lowest to the highest value of
#       the recorded runs (docs/bench/runs/*/), widened on each side by the
#       figure's tolerance, a percentage of its recorded value; a CSV file
#       missing from the fresh runs is a bench that was not rerun, and is
#       skipped. With --confirm, only the figures that a first round's
#       report (the output of drift) lists are judged again
#   scripts/bench_figures.sh [-C ROOT] spread SET...
#       how far apart sets of runs taken at different times put each
#       figure: each SET is a folder of run folders (a build/bench-check/
#       of one `make bench-check`, or docs/bench/runs/); every figure whose
#       set medians lie further apart than its tolerance is listed, with
#       the tolerance that would cover the gap (see CONTRIBUTING.md)
#   scripts/bench_figures.sh [-C ROOT] update
#       rewrite every registered figure from the recorded cells, in place
#   scripts/bench_figures.sh combine OUT RUN...
#       for each CSV file of the first RUN folder, write to the folder OUT
#       the one run of it that lies closest to the median of all of them
#       (scripts/bench_runs.awk)
#   scripts/bench_figures.sh [-C ROOT] record RUN...
#       make the runs the recorded run (`make bench-record`): each CSV
#       file of the runs replaces its copies in docs/bench/runs/1/ to
#       runs/N/ (the files of benches not rerun stay as they were), and
#       the run of it closest to the median becomes docs/bench/FILE
#
# ROOT is the repository root (this script's parent by default). Exits 1
# on any problem, or when drift finds a figure that moved; 2 on misuse.
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
if [ "${1:-}" = -C ]; then
	[ "$#" -ge 2 ] || { echo "bench_figures.sh: -C needs a folder" >&2; exit 2; }
	root=$2
	shift 2
fi
usage="usage: bench_figures.sh [-C ROOT] check | drift [--confirm REPORT] RUN... | spread SET... | update | combine OUT RUN... | record RUN..."
misuse() {
	echo "bench_figures.sh: $1" >&2
	exit 2
}

# lines DIR...: each existing folder on a line of its own, for awk.
lines() {
	for dir in "$@"; do
		[ -d "$dir" ] || misuse "no folder $dir"
		printf '%s\n' "$dir"
	done
}

# combine OUT RUN...: the closest run of each CSV file into OUT.
combine() {
	out=$1
	shift
	[ "$#" -ge 1 ] || { echo "$usage" >&2; exit 2; }
	lines "$@" >/dev/null
	mkdir -p "$out" || exit 1
	status=0
	for first in "$1"/*.csv; do
		[ -e "$first" ] || misuse "no CSV file in $1"
		name=$(basename "$first")
		for run in "$@"; do
			[ -f "$run/$name" ] || {
				echo "bench-runs: $run has no $name" >&2
				status=1
				continue 2
			}
		done
		# The runs' copies of this file, in the order the runs were given.
		for run in "$@"; do printf '%s\n' "$run/$name"; done |
			tr '\n' '\0' | xargs -0 awk -v OUT="$out/$name" \
			-f "$here/bench_runs.awk" || status=1
	done
	exit $status
}

# record RUN...: the runs into docs/bench/runs/N/, the closest into docs/bench/.
record() {
	[ "$#" -ge 1 ] || { echo "$usage" >&2; exit 2; }
	lines "$@" >/dev/null
	for first in "$1"/*.csv; do
		[ -e "$first" ] || misuse "no CSV file in $1"
		rm -f "$root"/docs/bench/runs/*/"$(basename "$first")"
	done
	n=0
	for run in "$@"; do
		n=$((n + 1))
		mkdir -p "$root/docs/bench/runs/$n" &&
			cp "$run"/*.csv "$root/docs/bench/runs/$n/" || exit 1
	done
	combine "$root/docs/bench" "$@"
}

verb=${1:-}
fresh=
confirm=
sets=
case "$verb" in
check | update) [ "$#" -eq 1 ] || { echo "$usage" >&2; exit 2; } ;;
drift)
	shift
	if [ "${1:-}" = --confirm ]; then
		[ "$#" -ge 2 ] && [ -f "$2" ] || misuse "--confirm needs a report"
		confirm=$2
		shift 2
	fi
	[ "$#" -ge 1 ] || { echo "$usage" >&2; exit 2; }
	fresh=$(lines "$@") || exit 2 ;;
spread)
	shift
	[ "$#" -ge 2 ] || { echo "$usage" >&2; exit 2; }
	for set in "$@"; do
		n=0
		for run in "$set"/*/; do
			[ -d "$run" ] || continue
			fresh="$fresh${run%/}
"
			n=$((n + 1))
		done
		[ "$n" -gt 0 ] || misuse "no run folder in $set"
		sets="$sets $n"
	done ;;
combine)
	shift
	[ "$#" -ge 2 ] || { echo "$usage" >&2; exit 2; }
	combine "$@" ;;
record)
	shift
	record "$@" ;;
*) echo "$usage" >&2; exit 2 ;;
esac

recorded=
for run in "$root"/docs/bench/runs/*/; do
	[ -d "$run" ] && recorded="$recorded${run%/}
"
done

set -- "$root"/docs/bench/figures/*.tsv
if [ ! -e "$1" ]; then
	echo "bench-figures: no registry (docs/bench/figures/*.tsv): nothing to do"
	exit 0
fi
exec awk -v VERB="$verb" -v ROOT="$root" -v FRESH="$fresh" \
	-v RECORDED_RUNS="$recorded" -v CONFIRM="$confirm" -v SETS="$sets" -f "$here/bench_figures.awk" "$@"
