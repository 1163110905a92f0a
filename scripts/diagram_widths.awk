# The pictures of the docs site wider than a window: run by
# scripts/check_diagrams.sh on lines "page.html:<tag>", one for each
# <iframe>, <img> or <object> tag of a page (Doxygen puts a diagram's SVG
# in an iframe the size of the picture).
#
# A picture's width is the one its tag gives in pixels; a tag without one
# takes the width its SVG file declares (in points, 4/3 px each, as
# Graphviz writes it); an SVG that declares none, or a width in percent,
# scales to the page and always fits. Prints "page: picture is N px wide"
# for each picture wider than limit (px), once per page and picture.
#
# Variables: site, the site's folder; limit, the window's width in px.

# The value of attribute name in tag, "" if it has none.
function attribute(tag, name) {
	if (!match(tag, "[ \t]" name "=\"[^\"]*\""))
		return ""
	tag = substr(tag, RSTART + length(name) + 3, RLENGTH - length(name) - 4)
	return tag
}

# The width in px that SVG file declares on its root element, 0 if none.
function svg_width(file,    line, text, width) {
	text = ""
	while ((getline line < file) > 0) {
		text = text " " line
		if (text ~ /<svg[^>]*>/)
			break
	}
	close(file)
	if (!match(text, /<svg[^>]*>/))
		return 0
	width = attribute(substr(text, RSTART, RLENGTH), "width")
	if (width ~ /^[0-9.]+pt$/)
		return int(width * 4 / 3 + 0.5)
	if (width ~ /^[0-9.]+(px)?$/)
		return int(width + 0.5)
	return 0
}

{
	colon = index($0, ":")
	page = substr($0, 1, colon - 1)
	sub(/.*\//, "", page)
	tag = substr($0, colon + 1)
	picture = attribute(tag, "src")
	if (picture == "")
		picture = attribute(tag, "data")
	if (picture == "" || picture ~ /^[A-Za-z]+:/ || (page, picture) in seen)
		next
	seen[page, picture] = 1
	width = attribute(tag, "width")
	if (width == "" && picture ~ /\.svg$/)
		width = svg_width(site "/" picture)
	if (width ~ /^[0-9]+$/ && width + 0 > limit + 0)
		print page ": " picture " is " width " px wide"
}
