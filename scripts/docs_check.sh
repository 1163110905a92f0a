#!/bin/sh
# Render pages of the docs site in a headless Chromium and screenshot them.
#
#   scripts/docs_check.sh SITE-DIR OUT-DIR PAGE...   (make docs-check)
#
# Each PAGE (a file name in SITE-DIR) is opened from disk and saved as
# OUT-DIR/<page>.png, with Chromium's log beside it as OUT-DIR/<page>.log.
# A page fails if Chromium fails, if it logs a console message (an
# uncaught JavaScript error is one), if it asked for a file that does not
# exist (a missing stylesheet, script, picture or frame), or if the
# screenshot is missing or empty. Chromium runs with a fresh, empty
# profile that is removed afterwards. Exits 1 if any page failed.
set -eu

[ "$#" -ge 3 ] && [ -d "$1" ] || {
	echo "usage: $0 SITE-DIRECTORY OUTPUT-DIRECTORY PAGE..." >&2
	exit 2
}
site=$(cd "$1" && pwd)
out=$2
shift 2
mkdir -p "$out"
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
failed=0

for page in "$@"; do
	png=$out/${page%.html}.png
	log=$out/${page%.html}.log
	rm -f "$png"
	# The logging flags make Chromium name every file it loads
	# (file_url_loader_factory) and every console message (CONSOLE).
	timeout 120 chromium --headless --no-sandbox --disable-gpu \
	    --disable-background-networking --disable-component-update \
	    --disable-sync --no-first-run --user-data-dir="$profile" \
	    --enable-logging=stderr --v=0 --vmodule=file_url_loader_factory=1 \
	    --window-size=1280,2400 --screenshot="$png" \
	    "file://$site/$page" >"$log" 2>&1 || echo "$page: chromium failed" \
	    >>"$out/problems"
	grep 'CONSOLE' "$log" | sed "s|^|$page: |" >>"$out/problems" || true
	sed -n 's|.*FileURLLoader::Start: file://||p' "$log" >"$out/loaded"
	[ -s "$out/loaded" ] ||
		echo "$page: Chromium logged no file it loaded" >>"$out/problems"
	sed 's/[?#].*//' "$out/loaded" | while read -r file; do
		[ -e "$file" ] || echo "$page: missing resource $file"
	done >>"$out/problems"
	[ -s "$png" ] || echo "$page: no screenshot" >>"$out/problems"
	if [ -s "$out/problems" ]; then
		cat "$out/problems"
		failed=$((failed + 1))
	else
		echo "docs-check: $page rendered: $png"
	fi
	rm -f "$out/problems" "$out/loaded"
done

[ "$failed" -eq 0 ] || {
	echo "docs-check: $failed page(s) failed; see the logs in $out/"
	exit 1
}
