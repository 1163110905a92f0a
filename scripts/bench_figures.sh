#!/bin/sh
# The figure registry's tool: every figure a README quotes from a bench is
# a cell of the recorded run (docs/bench/*.csv), registered in
# docs/bench/figures/*.tsv (the format is in CONTRIBUTING.md).
#
#   scripts/bench_figures.sh [-C ROOT] check
#       every registered figure, as written, equals its recorded cell
#       formatted; no bench runs (part of `make lint`)
#   scripts/bench_figures.sh [-C ROOT] drift DIR
#       every figure whose fresh cell, in DIR/*.csv, moved beyond its
#       tolerance from the recorded one (`make bench-check`); a CSV file
#       missing from DIR is a bench that was not rerun, and is skipped
#   scripts/bench_figures.sh [-C ROOT] update
#       rewrite every registered figure from the recorded cells, in place
#
# ROOT is the repository root (this script's parent by default). Exits 1
# on any problem, or when drift finds a figure that moved; 2 on misuse.
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
if [ "${1:-}" = -C ]; then
	[ "$#" -ge 2 ] || { echo "bench_figures.sh: -C needs a folder" >&2; exit 2; }
	root=$2
	shift 2
fi
usage="usage: bench_figures.sh [-C ROOT] check | drift DIR | update"
verb=${1:-}
fresh=
case "$verb" in
check | update) [ "$#" -eq 1 ] || { echo "$usage" >&2; exit 2; } ;;
drift)
	[ "$#" -eq 2 ] || { echo "$usage" >&2; exit 2; }
	fresh=$2
	[ -d "$fresh" ] || { echo "bench_figures.sh: no folder $fresh" >&2; exit 2; } ;;
*) echo "$usage" >&2; exit 2 ;;
esac

set -- "$root"/docs/bench/figures/*.tsv
if [ ! -e "$1" ]; then
	echo "bench-figures: no registry (docs/bench/figures/*.tsv): nothing to do"
	exit 0
fi
exec awk -v VERB="$verb" -v ROOT="$root" -v FRESH="$fresh" \
	-f "$(dirname "$0")/bench_figures.awk" "$@"
