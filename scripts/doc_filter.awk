# Doxygen input filter for Markdown pages, run by scripts/doc_filter.sh
# (FILTER_PATTERNS in docs/Doxyfile) with normalize_path.awk before it.
#
# A README is written for two readers: someone browsing the repository on a
# Git forge, where [strategy.c](strategy.c) opens the file next to it, and
# someone reading the docs site, where that file is not a page. This filter
# keeps the README as it is and, for the site only, makes each local link
# go where a reader of the site would want it to:
#
#   [caption](x.dot) alone on a line   the diagram itself, rendered by
#                                      Graphviz (\dotfile), with an anchor
#   [x.dot](x.dot) inside a sentence   that rendered diagram on this page
#   [x.h](x.h), a header of the API    its page in the API reference
#   [x.c](x.c), a source of the API    its page in the source browser,
#                                      where every call is a link
#   [example.c](example.c),            a section added at the end of the
#   [example.out](example.out)         page that shows the example in full
#                                      and its expected output, so the page
#                                      has both whether or not it links them
#   [folder/](folder/)                 the folder's README page, or, for a
#                                      folder without one, a page that
#                                      shows the files in it
#   any other file (a test, a bench,   a page of its own, a subpage of this
#   a script, an exercise, a spec)     one: highlighted and cross-referenced
#                                      if it is C, verbatim otherwise
#   [x.md](x.md), a page of the site   that page (@ref)
#   a URL, an image                    unchanged (Doxygen handles them)
#   [text](solutions/...), a link      its text alone, no link, on the
#   into the reference answers         students' site; on the instructors'
#                                      (DOCS_SOLUTIONS set, `make docs
#                                      SOLUTIONS=1`) like any other file
#
# Links to files that do not exist are left alone, so the link checker
# (scripts/check_links.sh) reports them. Links inside code, fenced or
# between backticks, are never touched. The added pages and sections are
# listed at the end of the page under "Files on this site". Files are
# found through EXAMPLE_PATH, by their path from the top of the repository.
# A chapter's page (one the main page lists in its page "chapters") ends
# with links to the chapters before and after it (course_links()).
#
# Variables: root, the top of the repository (Doxygen's working
# directory); path, the page's path from there. The page is the input;
# the filtered page goes to stdout.
function mangle(s) {
	gsub(/[^A-Za-z0-9]/, "_", s)
	return s
}

function quote(s) {
	gsub(/\047/, "\047\\\047\047", s)
	return "\047" s "\047"
}

# "d" (directory), "f" (regular file) or "" (missing), cached.
function kind(p) {
	if (!(p in kinds)) {
		if (system("test -d " quote(p == "" ? "." : p)) == 0)
			kinds[p] = "d"
		else if (system("test -f " quote(p)) == 0)
			kinds[p] = "f"
		else
			kinds[p] = ""
	}
	return kinds[p]
}

function basename(p) {
	sub(/.*\//, "", p)
	return p
}

# A source of the API: what docs/Doxyfile reads (INPUT, EXCLUDE_PATTERNS).
function in_api(p,    b) {
	if (p !~ /^(patterns|mvc_demo)\//)
		return 0
	b = basename(p)
	return b !~ /^(test_|bench_|fuzz_)/ && b != "example.c"
}

# The page name of the README of folder p ("" is the top).
function readme_page(p) {
	return p == "" ? "md_README" : "md_" mangle(p) "_README"
}

# The name of the page Doxygen makes of Markdown file p: the label of its
# first heading if it has one, else md_ and its path; "" if p is not read
# (INPUT in docs/Doxyfile). Doxygen could follow [..](x.md) itself, but it
# tries the path from its working directory first, and so can pick a file
# outside the repository; a @ref cannot.
function page_name(p,    line, name) {
	if (p !~ /^(docs|patterns|mvc_demo|exercises)\// && \
	    p != "README.md" && p != "CONTRIBUTING.md")
		return ""
	if (p == "docs/mainpage.md")
		return "index"
	name = "md_" mangle(p)
	sub(/_md$/, "", name)
	while ((getline line < p) > 0)
		if (line ~ /^#/) {
			if (match(line, /\{#[A-Za-z0-9_]+\}[ \t]*$/)) {
				name = substr(line, RSTART + 2)
				sub(/\}.*/, "", name)
			}
			break
		}
	close(p)
	return name
}

# A page of its own for file or folder p, a subpage of this one.
function own_page(p, what,    name) {
	name = tag "__" mangle(p)
	if (!(name in listed)) {
		listed[name] = 1
		nlisted++
		list_name[nlisted] = name
		list_path[nlisted] = p
		list_what[nlisted] = what
	}
	return "@ref " name
}

# Where the link target t of this page should go on the site; t itself
# when the filter leaves it alone.
function rewrite(t,    p, fragment, at, k, b) {
	if (t == "" || t ~ /^[#@]/ || t ~ /^[A-Za-z][A-Za-z0-9+.-]*:/)
		return t
	fragment = ""
	if ((at = index(t, "#")) > 0) {
		fragment = substr(t, at)
		t = substr(t, 1, at - 1)
	}
	p = normalize((dir == "" ? "" : dir "/") t)
	if (p ~ /^\.\.(\/|$)/)
		return t fragment
	k = kind(p)
	if (k == "")
		return t fragment
	if (k == "d") {
		if (kind((p == "" ? "" : p "/") "README.md") == "f")
			return "@ref " readme_page(p)
		return own_page(p, "folder")
	}
	b = basename(p)
	if (b ~ /\.md$/)
		return fragment == "" && page_name(p) != "" ? "@ref " page_name(p) \
		    : t fragment
	if (b ~ /\.dot$/) {
		dot_linked[p] = 1
		return "@ref " tag "_" mangle(p)
	}
	if (in_api(p) && b ~ /\.h$/)
		return "@ref " b
	if (in_api(p) && b ~ /\.c$/) {
		gsub(/_/, "__", b)
		gsub(/\./, "_8", b)
		return b "_source.html"
	}
	if (show_example && (p == example_c || p == example_out))
		return "@ref " tag "_" mangle(b)
	return own_page(p, "file")
}

# Is link target t a file or folder of the reference answers?
function is_answer(t,    at) {
	if (t ~ /^[#@]/ || t ~ /^[A-Za-z][A-Za-z0-9+.-]*:/)
		return 0
	if ((at = index(t, "#")) > 0)
		t = substr(t, 1, at - 1)
	return normalize((dir == "" ? "" : dir "/") t) ~ /^solutions(\/|$)/
}

# On the site for students, every link [text](target) of line s that
# leads into solutions/ becomes its text, whether the folder is there or
# not (the copy students receive has none). This runs before the code spans are told
# apart: a path in backticks names an answer all the same.
function unlink_answers(s,    out, whole, text, t, before) {
	if (show_answers)
		return s
	out = ""
	while (match(s, /\[[^]\[]*\]\([^() \t]*\)/)) {
		whole = substr(s, RSTART, RLENGTH)
		before = substr(s, 1, RSTART - 1)
		s = substr(s, RSTART + RLENGTH)
		text = whole
		sub(/\]\(.*$/, "", text)
		text = substr(text, 2)
		t = whole
		sub(/^.*\]\(/, "", t)
		sub(/\)$/, "", t)
		if (is_answer(t) && before !~ /!$/)
			out = out before text
		else
			out = out before whole
	}
	return out s
}

# Rewrite every link [text](target) in s, a stretch of text outside code.
# Images, ![alt](file), are left to Doxygen.
function links(s,    out, t, rest) {
	out = ""
	while (match(s, /\]\([^() \t]*\)/)) {
		t = substr(s, RSTART + 2, RLENGTH - 3)
		rest = substr(s, RSTART + RLENGTH)
		out = out substr(s, 1, RSTART + 1)
		if (is_image(out))
			out = out t ")"
		else if (is_history(t))
			out = as_subpage(out, page_name(dir "/" t))
		else
			out = out rewrite(t) ")"
		s = rest
	}
	return out s
}

# A chapter's experiment history, patterns/<chapter>/HISTORY.md, is a
# page of that chapter: the README's first link to it is a \subpage, so
# the sidebar shows it under the chapter, not at the top level.
function is_history(t) {
	if (t != "HISTORY.md" || path != dir "/README.md" || \
	    dir !~ /^patterns\/[A-Za-z0-9_]+$/ || kind(dir "/" t) != "f" || \
	    history_linked++)
		return 0
	return 1
}

# The text before "](", "...[caption](", as "...\subpage NAME "caption"".
function as_subpage(before, name,    caption) {
	sub(/\]\($/, "", before)
	match(before, /\[[^]\[]*$/)
	caption = substr(before, RSTART + 1)
	gsub(/"/, "", caption)
	return substr(before, 1, RSTART - 1) "\\subpage " name " \"" caption "\""
}

# Does the text before "](" open its link with "!["?
function is_image(before) {
	sub(/\]\($/, "", before)
	if (!match(before, /\[[^]\[]*$/))
		return 0
	return RSTART > 1 && substr(before, RSTART - 1, 1) == "!"
}

# Lines outside fences: rewrite the text between inline code spans. A
# span can go on over the next lines of its paragraph: in_code says
# whether this line starts inside one.
function line_links(s,    out, n, i, part) {
	if (s ~ /^[ \t]*$/)
		in_code = 0
	n = split(s, part, "`")
	out = ""
	for (i = 1; i <= n; i++) {
		if (i > 1) {
			out = out "`"
			in_code = !in_code
		}
		out = out (in_code ? part[i] : links(part[i]))
	}
	return out
}

# The name \\include needs for p. Doxygen compares the end of the path
# given with the path of each file of that name, after STRIP_FROM_INC_PATH
# took "patterns/" off the front: only the full path is never ambiguous
# ("strategy/test_strategy.c" would also match "exercises/01_strategy/").
function where(p) {
	return root "/" p
}

# How to show file p: C is highlighted and linked to the API reference.
function show(p) {
	if (p ~ /\.[ch]$/)
		print "\\include{lineno} " where(p)
	else if (system("test -s " quote(p)) != 0)
		print "(empty)"
	else if (system("grep -qI . " quote(p)) != 0)
		print "(binary, not shown)"
	else
		print "\\verbinclude " where(p)
}

# The files of folder p and of its subfolders, one level down.
function show_folder(p, depth,    cmd, entry, q, n, i, entries) {
	cmd = "ls -1 " quote(p)
	n = 0
	while ((cmd | getline entry) > 0)
		entries[++n] = entry
	close(cmd)
	for (i = 1; i <= n; i++) {
		q = p "/" entries[i]
		if (kind(q) == "f") {
			print ""
			print "### " q
			print ""
			show(q)
		} else if (kind(q) == "d" && depth < 1) {
			show_folder(q, depth + 1)
		}
	}
}

BEGIN {
	dir = path
	if (!sub(/\/[^\/]*$/, "", dir))
		dir = ""
	tag = "md_" mangle(path)
	sub(/_md$/, "", tag)
	example_c = (dir == "" ? "" : dir "/") "example.c"
	example_out = (dir == "" ? "" : dir "/") "example.out"
	# Only the folder's README shows its example (not a HISTORY.md beside it).
	show_example = path ~ /(^|\/)README\.md$/ && kind(example_c) == "f" && \
	    kind(example_out) == "f"
	show_answers = ENVIRON["DOCS_SOLUTIONS"] != ""
}

/^[ \t]*(```|~~~)/ { fenced = !fenced; print; next }
fenced { print; next }

# A diagram alone on its line: render it.
/^\[[^]]+\]\([A-Za-z0-9_.\/-]+\.dot\)[ \t]*$/ {
	caption = $0
	sub(/^\[/, "", caption)
	sub(/\]\(.*/, "", caption)
	file = $0
	sub(/^[^(]*\(/, "", file)
	sub(/\).*/, "", file)
	p = normalize((dir == "" ? "" : dir "/") file)
	if (kind(p) == "f") {
		dot_shown[p] = 1
		print "\\anchor " tag "_" mangle(p)
		print "\\dotfile " p " \"" caption "\""
		next
	}
}

# Doxygen 1.9.4 shows a code span in a heading as "<tt>" in the page
# list, the window title and the table of contents, so headings lose
# their backticks.
/^#+[ \t]/ { gsub(/`/, "") }

# The name of the page: the label of its first heading, if it has one.
self == "" && /^#/ {
	self = tag
	if (match($0, /\{#[A-Za-z0-9_]+\}[ \t]*$/)) {
		self = substr($0, RSTART + 2)
		sub(/\}.*/, "", self)
	}
	# A label that is the name Doxygen gives the page anyway (a chapter's
	# HISTORY.md) would be defined twice: the page keeps the name alone.
	if (self == tag)
		sub(/[ \t]*\{#[A-Za-z0-9_]+\}[ \t]*$/, "")
}

# Bold that opens on a code span, "**`const` table**", shows its asterisks
# in Doxygen 1.9.4; the same words in <b> render as on a forge.
function bold_code(s,    inner) {
	while (match(s, /\*\*`[^*]*\*\*/)) {
		inner = substr(s, RSTART + 2, RLENGTH - 4)
		s = substr(s, 1, RSTART - 1) "<b>" inner "</b>" \
		    substr(s, RSTART + RLENGTH)
	}
	return s
}

{ print line_links(bold_code(unlink_answers($0))) }

# A chapter's page ends with links to the chapters before and after it,
# in the order of the main page's list of chapters (course_order.awk).
function course_links(    n, i, chapter, nav) {
	n = course_chapters("docs/mainpage.md", chapter)
	for (i = 1; i <= n && chapter[i] != self; i++)
		;
	if (i > n)
		return
	nav = "@ref chapters \"All chapters\""
	if (i > 1)
		nav = "Previous: @ref " chapter[i - 1] " · " nav
	if (i < n)
		nav = nav " · Next: @ref " chapter[i + 1]
	print ""
	print "<hr>"
	print ""
	print "<b>Chapter " i " of " n ".</b> " nav
}

END {
	if (self == "")
		self = tag
	for (p in dot_linked)
		if (!(p in dot_shown))
			missing_dots = missing_dots " " p
	if (missing_dots != "") {
		print ""
		print "## Diagrams {#" tag "_diagrams}"
		n = split(missing_dots, dots, " ")
		for (i = 1; i <= n; i++) {
			print ""
			print "\\anchor " tag "_" mangle(dots[i])
			print "\\dotfile " dots[i] " \"" dots[i] "\""
		}
	}
	if (show_example) {
		print ""
		print "## The example in full {#" tag "_example}"
		print ""
		print "\\anchor " tag "_example_c"
		print "The example, `" example_c "`, in full. `make test` runs it"
		print "and compares what it prints with `" example_out "`."
		print ""
		print "\\include{lineno} " where(example_c)
		print ""
		print "\\anchor " tag "_example_out"
		print "Its expected output, `" example_out "`:"
		print ""
		print "\\verbinclude " where(example_out)
	}
	if (nlisted > 0) {
		print ""
		print "## Files on this site {#" tag "_files}"
		print ""
		print "The other files this page links to, each on a page:"
		print ""
		for (i = 1; i <= nlisted; i++)
			print "- \\subpage " list_name[i] " \"" list_path[i] \
			    (list_what[i] == "folder" ? "/" : "") "\""
	}
	course_links()
	for (i = 1; i <= nlisted; i++) {
		p = list_path[i]
		print ""
		print "\\page " list_name[i] " " p (list_what[i] == "folder" ? "/" : "")
		print ""
		if (list_what[i] == "folder") {
			print "The files in `" p "/`, linked from @ref " self "."
			show_folder(p, 0)
		} else {
			print "`" p "`, linked from @ref " self "."
			print ""
			show(p)
		}
	}
}
