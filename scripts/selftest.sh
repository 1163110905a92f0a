#!/bin/sh
# Tests of the test runner itself: run_suite.sh, run_example.sh (with
# compare_output.sh) and summary.sh must count every way a suite can
# fail, so that "N passed, N failed" can be trusted. Fake suites are small shell scripts that print
# what Check would print. Also checks the docs site checkers on a tiny
# site, and that `make help` lists the targets.
#
#   scripts/selftest.sh        (run by .ci/run; prints "N passed, N failed")
set -u
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
passed=0
failed=0

check() { # check NAME EXPECTED ACTUAL
	if [ "$2" = "$3" ]; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
		echo "FAIL  selftest: $1: expected '$2', got '$3'"
	fi
}

fake() { # fake NAME EXIT-STATUS LINE...
	name=$1 status=$2
	shift 2
	{
		echo '#!/bin/sh'
		for line in "$@"; do echo "echo '$line'"; done
		echo "exit $status"
	} >"$work/$name"
	chmod +x "$work/$name"
}

verdict() { # verdict NAME -> "<passed> <failed>"
	"$here/run_suite.sh" "$work/$1" "$work/$1.result" >/dev/null
	cat "$work/$1.result"
}

fake pass 0 '100%: Checks: 5, Failures: 0, Errors: 0'
check "all checks pass" "5 0" "$(verdict pass)"

fake some_fail 1 't.c:3:F:x:t_a:0: Assertion failed' \
	'60%: Checks: 5, Failures: 1, Errors: 1'
check "failures and errors count" "3 2" "$(verdict some_fail)"

fake empty 0 '100%: Checks: 0, Failures: 0, Errors: 0'
check "a suite that runs no test fails" "0 1" "$(verdict empty)"

fake dies 139 'started'
check "a suite that dies before its summary fails" "0 1" "$(verdict dies)"

fake late_error 86 '100%: Checks: 4, Failures: 0, Errors: 0'
check "non-zero exit after passing checks fails" "4 1" "$(verdict late_error)"

check "a missing binary fails" "0 1" "$(verdict no_such_binary)"

# Examples: output compared with the expected file.
fake example 0 'hello'
echo hello >"$work/good.out"
echo goodbye >"$work/bad.out"
"$here/run_example.sh" "$work/example" "$work/good.out" "$work/ex1" >/dev/null
check "matching example output passes" "1 0" "$(cat "$work/ex1")"
"$here/run_example.sh" "$work/example" "$work/bad.out" "$work/ex2" >/dev/null
check "differing example output fails" "0 1" "$(cat "$work/ex2")"
"$here/run_example.sh" "$work/example" "$work/none.out" "$work/ex3" >/dev/null
check "an example without expected output fails" "0 1" "$(cat "$work/ex3")"
fake crashing_example 134 'hello'
"$here/run_example.sh" "$work/crashing_example" "$work/good.out" "$work/ex4" >/dev/null
check "an example that prints the right output and crashes fails" "0 1" \
	"$(cat "$work/ex4")"

# The summary adds up, and fails on a failure, a missing verdict or nothing.
"$here/summary.sh" "$work/pass.result" "$work/ex1" >/dev/null
check "summary of passes exits 0" 0 $?
"$here/summary.sh" "$work/pass.result" "$work/ex2" >/dev/null
check "summary with a failure exits 1" 1 $?
"$here/summary.sh" "$work/pass.result" "$work/missing" >/dev/null
check "summary with a missing verdict exits 1" 1 $?
"$here/summary.sh" >/dev/null
check "summary of nothing exits 1" 1 $?
check "summary line adds suites up" "9 passed, 1 failed" \
	"$("$here/summary.sh" "$work/pass.result" "$work/late_error.result" | tail -n 1)"

# The docs checkers, on a tiny site: one good link (to a page and one of
# its ids), one link to a missing page, one fragment that names no id.
site=$work/site
mkdir -p "$site/sub"
cat >"$site/index.html" <<'EOF'
<a href="sub/page.html#here">good</a> <a href="https://example.org/x">web</a>
<img src="missing.png"> <a href="sub/page.html#nowhere">bad fragment</a>
EOF
echo '<h1 id="here">Here</h1><a href="../index.html">up</a>' >"$site/sub/page.html"
out=$("$here/check_links.sh" "$site")
check "check_links fails on broken links" 1 $?
check "check_links names each broken link" \
	"index.html: missing.png|index.html: sub/page.html#nowhere|check_links: 2 broken local links in 4 links" \
	"$(echo "$out" | tr '\n' '|' | sed 's/|$//')"
echo '<a href="sub/page.html#here">good</a>' >"$site/index.html"
"$here/check_links.sh" "$site" >/dev/null
check "check_links passes a site whose links all work" 0 $?

# A pattern README with a diagram: its page must show it, rendered.
mkdir -p "$work/src/patterns/p"
echo 'digraph { a -> b }' >"$work/src/patterns/p/p.dot"
echo '# P' >"$work/src/patterns/p/README.md"
echo '<iframe src="dot_p.svg"></iframe>' >"$site/md_patterns_p_README.html"
echo '<svg></svg>' >"$site/dot_p.svg"
"$here/check_diagrams.sh" "$site" "$work/src" >/dev/null
check "check_diagrams passes a shown diagram" 0 $?
: >"$site/dot_p.svg"
"$here/check_diagrams.sh" "$site" "$work/src" >/dev/null
check "check_diagrams fails on an empty picture" 1 $?
echo '<p>no picture</p>' >"$site/md_patterns_p_README.html"
"$here/check_diagrams.sh" "$site" "$work/src" >/dev/null
check "check_diagrams fails on a page without its diagram" 1 $?
echo '<iframe src="dot_p.svg" width="1281"></iframe>' \
	>"$site/md_patterns_p_README.html"
echo '<svg></svg>' >"$site/dot_p.svg"
out=$("$here/check_diagrams.sh" "$site" "$work/src")
check "check_diagrams fails on a diagram wider than 1280 px" 1 $?
check "check_diagrams names the wide diagram and its width" \
	"md_patterns_p_README.html: dot_p.svg is 1281 px wide; a window is 1280 px" \
	"$(echo "$out" | grep 'px wide')"
DOCS_WIDE_DIAGRAMS="dot_q.svg dot_p.svg" \
	"$here/check_diagrams.sh" "$site" "$work/src" >/dev/null
check "check_diagrams lets DOCS_WIDE_DIAGRAMS through" 0 $?
echo '<svg width="961pt" height="10pt"></svg>' >"$site/dot_p.svg"
echo '<img src="dot_p.svg">' >"$site/md_patterns_p_README.html"
out=$("$here/check_diagrams.sh" "$site" "$work/src")
check "check_diagrams reads an SVG's own width in points" \
	"md_patterns_p_README.html: dot_p.svg is 1281 px wide; a window is 1280 px" \
	"$(echo "$out" | grep 'px wide')"
echo '<svg width="960pt" height="10pt"></svg>' >"$site/dot_p.svg"
"$here/check_diagrams.sh" "$site" "$work/src" >/dev/null
check "check_diagrams passes a diagram 1280 px wide" 0 $?

# The main page's list of chapters must follow its course tables.
order() { # order MAIN-PAGE: the check's exit status
	awk -f "$here/course_order.awk" -f "$here/check_course_order.awk" \
	    "$1" >/dev/null
	echo $?
}
printf '%s\n' '| a | @ref md_patterns_b_README "B" |' \
	'| a | @ref md_patterns_a_README "A" @ref md_patterns_b_README |' \
	'\page chapters Chapters' '1. \subpage md_patterns_b_README' \
	'2. \subpage md_patterns_a_README' '\page other Other' \
	'- \subpage md_patterns_c_README' >"$work/main.md"
check "check_course_order passes chapters in table order" 0 \
	"$(order "$work/main.md")"
sed 's/1. \\subpage md_patterns_b/1. \\subpage md_patterns_x/' \
	"$work/main.md" >"$work/main2.md"
check "check_course_order fails on a chapter out of order" 1 \
	"$(order "$work/main2.md")"
grep -v '2\. ' "$work/main.md" >"$work/main3.md"
check "check_course_order fails on a missing chapter" 1 \
	"$(order "$work/main3.md")"

# Markdown that Doxygen gave up on shows as escaped tags or raw commands.
markup="$work/markup"
mkdir -p "$markup"
echo '<h1>Title: <code>x</code></h1>' >"$markup/good.html"
"$here/check_markup.sh" "$markup" >/dev/null
check "check_markup passes a parsed page" 0 $?
echo '<h1>Title: &lt;tt&gt;x&lt;/tt&gt;</h1>' >"$markup/title.html"
echo '<p>@section autotoc_md1 In the wild</p>' >"$markup/section.html"
out=$("$here/check_markup.sh" "$markup")
check "check_markup fails on unparsed Markdown" 1 $?
check "check_markup names each page" "section.html title.html" \
	"$(echo "$out" | grep -o '^[a-z]*\.html' | tr '\n' ' ' | sed 's/ $//')"

# `make help`: one "make <target>  <what>" line per target, no file names.
help=$(make -s -C "$here/.." help)
check "make help lists make test" yes \
	"$(echo "$help" | grep -qE '^  make test +Run' && echo yes || echo no)"
check "make help shows no file names" no \
	"$(echo "$help" | grep -q 'Makefile:' && echo yes || echo no)"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
