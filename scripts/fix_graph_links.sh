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
		awk -v anchors="$anchors" -v names="$names" '
		BEGIN {
			while ((getline line < anchors) > 0) {
				split(line, f, " ")
				page[f[2]] = f[1]
			}
			while ((getline line < names) > 0) {
				split(line, f, " ")
				by_name[f[1]] = f[2]
			}
		}
		{ lines[NR] = $0 }
		END {
			for (i = 1; i <= NR; i++) {
				if (!match(lines[i], /href="[^"#]*_8c\.html#a[0-9a-f]+"/)) {
					print lines[i]
					continue
				}
				link = substr(lines[i], RSTART + 6, RLENGTH - 7)
				file = link
				sub(/#.*/, "", file)
				id = link
				sub(/.*#/, "", id)
				if ((getline probe < file) >= 0) {
					close(file)
					print lines[i]
					continue
				}
				to = ""
				if (id in page)
					to = page[id] "#" id
				for (j = i + 1; to == "" && j <= NR && j < i + 5; j++)
					if (match(lines[j], />[A-Za-z0-9_]+<\/text>/)) {
						name = substr(lines[j], RSTART + 1, RLENGTH - 8)
						if (name in by_name)
							to = by_name[name]
					}
				if (to != "")
					sub(/href="[^"#]*_8c\.html#a[0-9a-f]+"/, "href=\"" to "\"", lines[i])
				print lines[i]
			}
		}' "$svg" >"$anchors.svg"
		cmp -s "$anchors.svg" "$svg" || cp "$anchors.svg" "$svg"
	done
