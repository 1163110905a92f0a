#!/bin/sh
# Doxygen input filter for Markdown pages (FILTER_PATTERNS in docs/Doxyfile):
# the work is in doc_filter.awk. Doxygen runs this from the top of the
# repository with the page's path, usually absolute, as the only argument,
# and reads the page from stdout. Shell is needed only for what awk cannot
# know: the working directory, and where the awk programs are.
set -eu

root=$(pwd)
path=${1#"$root"/}
case $path in
/*)
	echo "doc_filter.sh: $1 is not below $root" >&2
	exit 1
	;;
esac
here=$(dirname "$0")
exec awk -v root="$root" -v path="$path" -f "$here/normalize_path.awk" \
    -f "$here/course_order.awk" -f "$here/doc_filter.awk" "$1"
