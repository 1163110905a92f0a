# Check that the main page's list of chapters (its page "chapters", which
# makes the site's tree and the previous and next links) follows its
# course tables: every chapter page the tables link to, in the order of
# its first link, and no other. Run by `make docs` on docs/mainpage.md,
# with course_order.awk before it. Prints each difference; exits 1 if any.

# A table row of the main page, before its other pages begin.
!in_pages && /^[\\@]page[ \t]/ { in_pages = 1 }
!in_pages && /^\|/ {
	line = $0
	while (match(line, /@ref[ \t]+md_(patterns_[A-Za-z0-9_]+|mvc_demo)_README/)) {
		name = substr(line, RSTART, RLENGTH)
		sub(/^@ref[ \t]+/, "", name)
		line = substr(line, RSTART + RLENGTH)
		if (!(name in seen)) {
			seen[name] = 1
			table[++ntable] = name
		}
	}
}

END {
	nlist = course_chapters(FILENAME, list)
	bad = 0
	for (i = 1; i <= (ntable > nlist ? ntable : nlist); i++)
		if (table[i] != list[i]) {
			printf "%s: chapter %d is %s in the course tables but %s " \
			    "in the list of chapters (\\page chapters)\n", FILENAME, i,
			    table[i] == "" ? "missing" : table[i],
			    list[i] == "" ? "missing" : list[i]
			bad = 1
		}
	if (ntable == 0) {
		print FILENAME ": no chapter found in the course tables"
		bad = 1
	}
	exit bad
}
