#!/bin/sh
# Doxygen input filter for Markdown pages (see FILTER_PATTERNS in
# docs/Doxyfile). A pattern README shows its diagram to GitHub readers as a
# link on a line of its own:
#
#     [The structure of the pattern](strategy.dot)
#
# For the docs site, that line becomes "\dotfile <folder>/<file> "caption"",
# a path below DOTFILE_DIRS (patterns/), which Doxygen renders with
# Graphviz. Links to a header, [text](name.h), become references to its
# page in the API reference. Everything else passes through unchanged.
dir=$(basename "$(dirname "$1")")
sed -E \
	-e "s|^\[([^]]+)\]\(([A-Za-z0-9_.-]+\.dot)\)[[:space:]]*$|\\\\dotfile $dir/\2 \"\1\"|" \
	-e "s|\]\(([./A-Za-z0-9_-]*/)?([A-Za-z0-9_]+\.h)\)|](@ref \2)|g" \
	"$1"
