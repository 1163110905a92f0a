# Print every function longer than MAX lines, counting its body from the
# "{" that opens it at the start of a line to the "}" that closes it.
# House style puts both braces of a function, and only those, in column 0.
/^\{/ { start = FNR; name = previous; next }
/^\}/ && start {
	lines = FNR - start - 1
	if (lines > MAX) {
		sub(/\(.*/, "", name)
		n = split(name, words, /[ *]+/)
		printf "%s:%d: %s is %d lines (at most %d)\n", FILENAME, start, words[n], lines, MAX
		found = 1
	}
	start = 0
	next
}
!start && /^[A-Za-z_].*\(/ { previous = $0 }
END { exit found }
