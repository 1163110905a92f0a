#!/bin/sh
# Check every local link of a generated HTML site.
#
#   scripts/check_links.sh DIR        (make docs runs it on docs/html)
#
# In every .html and .svg file under DIR (the SVGs are the diagrams and
# call graphs, whose nodes are links), each href, src or data attribute
# that names a local target (no scheme such as https: or mailto:) must name
# a file that exists, and a "#fragment" must name an id or a name attribute
# in that file. Each broken link is printed as "page: target"; the last line
# gives the count. Exits 1 if any link is broken, 2 on a usage error.
# doxygen.svg, the logo Doxygen copies into every site, is not read: its
# one dangling internal reference is no link and no concern of ours.
#
# One awk process does the work: it reads the list of files in the site,
# then every page once, collecting the anchors each page defines and the
# links it makes, and checks the links at the end.
set -eu

[ "$#" -eq 1 ] && [ -d "$1" ] || {
	echo "usage: $0 SITE-DIRECTORY" >&2
	exit 2
}
here=$(cd "$(dirname "$0")" && pwd)
cd "$1"

list=$(mktemp)
trap 'rm -f "$list"' EXIT
find . -type f | sed 's|^\./||' | LC_ALL=C sort >"$list"

awk "$(cat "$here/normalize_path.awk")"'
# Every attribute NAME="value" on a line of FILE, for the names in the
# pattern, is handed to record(FILE, KIND, value).
function scan(file, line, pattern, kind,    rest, value) {
	rest = line
	while (match(rest, pattern)) {
		value = substr(rest, RSTART, RLENGTH)
		rest = substr(rest, RSTART + RLENGTH)
		sub(/^[^"]*"/, "", value)
		sub(/"$/, "", value)
		record(file, kind, value)
	}
}

function record(file, kind, value) {
	if (kind == "anchor") {
		anchor[file "#" value] = 1
		return
	}
	# A scheme ("https:", "mailto:", "javascript:") or "//host" is not
	# local; neither is an empty attribute.
	if (value == "" || value ~ /^[A-Za-z][A-Za-z0-9+.-]*:/ || value ~ /^\/\//)
		return
	nlinks++
	page[nlinks] = file
	target[nlinks] = value
}

{ exists[$0] = 1 }

END {
	for (file in exists) {
		if (file !~ /\.(html|svg)$/ || file == "doxygen.svg")
			continue
		while ((getline line < file) > 0) {
			scan(file, line, "[ :](href|src|data)=\"[^\"]*\"", "link")
			scan(file, line, "[ ](id|name)=\"[^\"]*\"", "anchor")
		}
		close(file)
	}
	broken = 0
	for (i = 1; i <= nlinks; i++) {
		link = target[i]
		path = link
		fragment = ""
		if ((hash = index(link, "#")) > 0) {
			path = substr(link, 1, hash - 1)
			fragment = substr(link, hash + 1)
		}
		sub(/\?.*/, "", path)
		dir = page[i]
		if (!sub(/\/[^\/]*$/, "", dir))
			dir = ""
		file = path == "" ? page[i] : normalize((dir == "" ? "" : dir "/") path)
		ok = file in exists
		if (ok && fragment != "" && !((file "#" fragment) in anchor))
			ok = 0
		if (!ok) {
			printf "%s: %s\n", page[i], link
			broken++
		}
	}
	printf "check_links: %d broken local link%s in %d links\n", \
	    broken, broken == 1 ? "" : "s", nlinks
	exit broken > 0
}
' "$list"
