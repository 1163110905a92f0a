# Mend the links of one call or caller graph (SVG) that point at a .c
# file's documentation page Doxygen did not make; run by
# scripts/fix_graph_links.sh, which explains why such links exist.
#
# Variables: anchors, a file of "page anchor" lines, one per member anchor
# of the documentation pages; names, a file of "name page#anchor" lines,
# one per function a header page documents. The SVG is the input; the
# mended SVG goes to stdout.
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
}
