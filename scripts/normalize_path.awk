# normalize(path): resolve "a/b/../c/./d" to "a/c/d" ("" for the top).
# A path that leaves its starting folder keeps its leading ".." and so
# never names a file inside it. Shared by the docs scripts, which prepend
# this file to their own awk programs.
function normalize(path,    n, i, part, parts, depth, out) {
	n = split(path, part, "/")
	depth = 0
	for (i = 1; i <= n; i++) {
		if (part[i] == "" || part[i] == ".")
			continue
		if (part[i] == ".." && depth > 0 && parts[depth] != "..")
			depth--
		else
			parts[++depth] = part[i]
	}
	out = ""
	for (i = 1; i <= depth; i++)
		out = out (i > 1 ? "/" : "") parts[i]
	return out
}
