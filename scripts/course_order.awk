# The chapters in course order, as the main page lists them: its page
# "chapters" (\page chapters in docs/mainpage.md) names each with
# \subpage, in order. Shared by doc_filter.awk (the previous and next
# links of a chapter's page) and check_course_order.awk.

# Set chapter[1..n] to the pages that file's page "chapters" lists, in
# order; return n.
function course_chapters(file, chapter,    line, n, listing, name) {
	n = 0
	listing = 0
	while ((getline line < file) > 0) {
		if (line ~ /^[\\@]page[ \t]/)
			listing = line ~ /^[\\@]page[ \t]+chapters([ \t]|$)/
		else if (listing && match(line, /[\\@]subpage[ \t]+[A-Za-z0-9_]+/)) {
			name = substr(line, RSTART, RLENGTH)
			sub(/^[\\@]subpage[ \t]+/, "", name)
			chapter[++n] = name
		}
	}
	close(file)
	return n
}
