#!/bin/sh
# Check that a students' site shows no reference answer.
#
#   scripts/check_no_solutions.sh SITE-DIR [SOURCE-DIR]
#
# `make docs` runs it on docs/html and the top of the repository; `make
# docs SOLUTIONS=1`, the instructors' site, does not. It looks for the
# answers in three ways, so that no one rendering of them slips past:
#
# - names: no file of the site has "solutions" in its path (the page the
#   docs filter makes of a linked file is named after it), and no site
#   file names a file of an answer ("solutions/01_strategy/strategy.c").
# - links: no href, src or data attribute leads into solutions/.
# - text: no line of an answer appears on any page. A line counts only if
#   no other committed file holds it (the stub, a pattern, the tests), so
#   it is the answer's own: a function body, its comments. Pages are
#   compared as text, with their tags and whitespace taken out and HTML's
#   entities read, because a source listing wraps every token in a span.
#
# Without SOURCE-DIR/solutions/ (a student's copy of the repository) the
# names and links are still checked. Prints each finding and a count;
# exits 1 if there is any, 2 on a usage error.
set -eu

[ "$#" -ge 1 ] && [ "$#" -le 2 ] && [ -d "$1" ] || {
	echo "usage: $0 SITE-DIRECTORY [SOURCE-DIRECTORY]" >&2
	exit 2
}
site=$(cd "$1" && pwd)
cd "${2:-.}"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

(cd "$site" && find . -type f | sed 's|^\./||' | LC_ALL=C sort) \
	>"$work/files"

count=0
report() {
	# $1: what was found; stdin: one finding a line.
	n=0
	while IFS= read -r line; do
		[ "$n" -lt 10 ] && echo "$line"
		n=$((n + 1))
	done
	[ "$n" -gt 10 ] && echo "... and $((n - 10)) more"
	[ "$n" -gt 0 ] && echo "check_no_solutions: $n $1" >&2
	count=$((count + n))
}

# Names.
grep -i 'solutions' "$work/files" | sed 's/$/: a page named after solutions\//' \
	>"$work/found" || true
report "site files named after solutions/" <"$work/found"

(cd "$site" && xargs grep -IonE \
	'solutions/[0-9][0-9]_[A-Za-z0-9_]+/[A-Za-z0-9_.]+' <"$work/files") \
	>"$work/found" || true
report "places that name a file of an answer" <"$work/found"

# Links. Doxygen's own pages link with href only; its search index and
# SVGs use the same attribute names.
(cd "$site" && xargs grep -IoniE \
	'(href|src|data)="[^"]*solutions[^"]*"' <"$work/files") \
	>"$work/found" || true
report "links into solutions/" <"$work/found"

# Text. The lines of the answers, whitespace taken out, that are long
# enough to say something and that no other committed file holds. A page
# line that is one of them counts; so does one that holds a long one (40
# characters or more) anywhere, as a quotation in prose would.
if [ -d solutions ]; then
	if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
		git ls-files -z -- . ':!solutions' | xargs -0 grep -IhsE '.' \
			>"$work/others" || true
	else
		find . -type f ! -path './solutions/*' ! -path './.git/*' \
			! -path './build/*' ! -path './docs/html/*' \
			-exec grep -IhsE '.' {} + >"$work/others" || true
	fi
	find solutions -type f -exec grep -Ihs '.' {} + >"$work/answers" || true
	awk '
	function squeeze(s) { gsub(/[ \t\r]+/, "", s); return s }
	FNR == NR { other[squeeze($0)] = 1; next }
	{
		s = squeeze($0)
		if (length(s) >= 12 && !(s in other) && !(s in seen)) {
			seen[s] = 1
			print s
		}
	}' "$work/others" "$work/answers" >"$work/lines"
	# A long one is looked for inside page lines too, unless another file
	# holds it inside one of its own (a comment wrapped elsewhere).
	awk -v long=40 'length($0) >= long' "$work/lines" >"$work/long"
	if [ -s "$work/long" ]; then
		tr -d ' \t\r' <"$work/others" |
			grep -aoF -f "$work/long" | LC_ALL=C sort -u >"$work/shared" ||
			true
		awk 'FNR == NR { shared[$0] = 1; next } !($0 in shared)' \
			"$work/shared" "$work/long" >"$work/long.own"
		mv "$work/long.own" "$work/long"
	fi

	# Every line of every page as text, "page<TAB>text": the line numbers
	# of a listing, the tags, the whitespace and the entities taken out.
	(cd "$site" && xargs awk '
	{
		s = $0
		gsub(/<span class="lineno">[^<]*<\/span>/, "", s)
		gsub(/<[^>]*>/, "", s)
		gsub(/[ \t\r]+|&nbsp;|&#160;/, "", s)
		gsub(/&lt;/, "<", s)
		gsub(/&gt;/, ">", s)
		gsub(/&quot;/, "\"", s)
		gsub(/&#39;|&apos;/, "\047", s)
		gsub(/&amp;/, "\\&", s)
		if (s != "")
			print FILENAME "\t" s
	}' <"$work/files") >"$work/pages"

	{
		awk -F '\t' 'FNR == NR { answer[$0] = 1; next }
			($2 in answer)' "$work/lines" "$work/pages"
		[ -s "$work/long" ] && grep -aF -f "$work/long" "$work/pages"
	} | LC_ALL=C sort -u | sed 's/\t/: a line of an answer: /' \
		>"$work/found" || true
	report "lines of an answer on the site" <"$work/found"
	echo "check_no_solutions: looked for $(wc -l <"$work/lines")" \
		"lines of the answers in $(wc -l <"$work/files") files"
fi

if [ "$count" -gt 0 ]; then
	echo "check_no_solutions: $count findings: this site shows the" \
		"reference answers" >&2
	exit 1
fi
echo "check_no_solutions: no reference answer on the site"
