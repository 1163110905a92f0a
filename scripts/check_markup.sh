#!/bin/sh
# Check that Doxygen understood every page's Markdown.
#
#   scripts/check_markup.sh SITE-DIR        (make docs runs it on docs/html)
#
# When Doxygen 1.9.4 cannot parse a construct (a link whose text runs over
# two lines, a code span in a page title), it gives up on the rest of the
# block without a warning and prints what it had made of it so far as
# text: escaped HTML tags (&lt;tt&gt;, &lt;strong&gt;) and its own section
# commands (@section autotoc_md...). The page still builds and every link
# still works, so only a look at the page would tell; this looks for those
# leftovers. Prints each page with a sample and a count; exits 1 if any.
set -eu

[ "$#" -eq 1 ] && [ -d "$1" ] || {
	echo "usage: $0 SITE-DIRECTORY" >&2
	exit 2
}
cd "$1"

leftovers='&lt;(tt|strong|em|code)&gt;|@section autotoc_md|@subsection autotoc_md'
pages=$(find . -maxdepth 1 -name '*.html' ! -name '*_source.html' |
	xargs grep -lE "$leftovers" | sed 's|^\./||' | sort || true)

count=0
for page in $pages; do
	sample=$(grep -oE ".{0,30}($leftovers).{0,30}" "$page" | head -n 1)
	echo "$page: Markdown left unparsed: $sample"
	count=$((count + 1))
done
if [ "$count" -ne 0 ]; then
	echo "check_markup: $count page(s) with unparsed Markdown"
	exit 1
fi
echo "check_markup: every page parsed"
