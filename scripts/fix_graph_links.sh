#!/bin/sh
# Point the nodes of Doxygen's call graphs at pages that exist.
#
#   scripts/fix_graph_links.sh SITE-DIR        (make docs runs it)
#
# A function declared and documented in a header but defined in a .c file
# is drawn in call and caller graphs (SVG) with a link to the .c file's
# documentation page, "x_8c.html#a<hash>". Doxygen 1.9.4 makes that page
# only for a .c file that has a @file comment of its own, and ours have
# none: the sources explain why in plain comments, the headers are the
# contract. The function's documentation is on its header's page under the
# same anchor, so each such link is pointed there instead; where the
# definition differs from the declaration (another parameter name) the
# anchors differ too, and the function is found on its header page by
# name. A link mended neither way is left for scripts/check_links.sh.
set -eu

[ "$#" -eq 1 ] && [ -d "$1" ] || {
	echo "usage: $0 SITE-DIRECTORY" >&2
	exit 2
}
here=$(cd "$(dirname "$0")" && pwd)
cd "$1"

# Two lists from the documentation pages (not the source listings):
# "page anchor" for every member anchor, and "name page#anchor" for every
# function a header page documents.
anchors=$(mktemp)
names=$(mktemp)
trap 'rm -f "$anchors" "$names" "$anchors.svg"' EXIT
find . -maxdepth 1 -name '*.html' ! -name '*_source.html' |
	xargs grep -o 'id="a[0-9a-f]\{32\}"' |
	sed 's|^\./||; s|:id="| |; s|"$||' >"$anchors"
find . -maxdepth 1 -name '*_8h.html' | xargs grep -ho \
	'href="[a-z0-9_]*_8h\.html#a[0-9a-f]\{32\}">[A-Za-z0-9_]*</a>' |
	sed 's|^href="\([^"]*\)">\(.*\)</a>$|\2 \1|' | sort -u >"$names"

# Each node is an <a xlink:href=...> whose <text> names the function; a
# link is mended by its anchor, or else by that name.
find . -maxdepth 1 -name '*.svg' | xargs grep -l 'href="[^"#]*_8c\.html#' |
	while read -r svg; do
		awk -v anchors="$anchors" -v names="$names" \
		    -f "$here/fix_graph_links.awk" "$svg" >"$anchors.svg"
		cmp -s "$anchors.svg" "$svg" || cp "$anchors.svg" "$svg"
	done
