# Check the local links of a generated HTML site, for scripts/check_links.sh
# (with normalize_path.awk before it). The input is the list of the site's
# files, one path a line, relative to the site's folder, which must be the
# working directory. Prints each broken link as "page: target", then the
# count; exits 1 if any link is broken.

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
