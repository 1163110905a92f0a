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
# The work is in check_links.awk: it reads the list of files in the
# site, then every page once, collecting the anchors each page defines and
# the links it makes, and checks the links at the end.
set -eu

[ "$#" -eq 1 ] && [ -d "$1" ] || {
	echo "usage: $0 SITE-DIRECTORY" >&2
	exit 2
}
here=$(cd "$(dirname "$0")" && pwd)
cd "$1"

find . -type f | sed 's|^\./||' |
	awk -f "$here/normalize_path.awk" -f "$here/check_links.awk"
