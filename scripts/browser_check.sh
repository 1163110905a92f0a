#!/bin/sh
# A real browser against the HTTP cache chapter's server.
#
#   scripts/browser_check.sh SERVER-PROGRAM OUT-DIR     (make browser-check)
#
# Starts the server (patterns/http_cache/browser_main.c), which serves a
# page with Cache-Control: no-cache that links a stylesheet with max-age=3600,
# and loads the page twice in headless Chromium with one fresh profile, so
# that the second load finds the first one's disk cache. Passes when the
# server's request log (OUT-DIR/requests.log) shows exactly this: the page
# fetched with 200, the stylesheet fetched once, and the second load of the
# page sent If-None-Match and got a 304 with no body. Chromium's own output
# is kept in OUT-DIR/chromium-<n>.log.
set -eu

[ "$#" -eq 2 ] && [ -x "$1" ] || {
	echo "usage: $0 SERVER-PROGRAM OUTPUT-DIRECTORY" >&2
	exit 2
}
server=$1
out=$2
mkdir -p "$out"
work=$(mktemp -d)
log=$out/requests.log
pid=
cleanup() {
	exec 3>&- 2>/dev/null || true
	[ -z "$pid" ] || wait "$pid" 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT

# The server serves until its standard input closes: a FIFO held open on
# fd 3 keeps it alive, and closing fd 3 stops it.
mkfifo "$work/stdin"
"$server" <"$work/stdin" >"$log" &
pid=$!
exec 3>"$work/stdin"

port=
for _ in $(seq 1 100); do
	port=$(sed -n 's/^port //p' "$log")
	[ -n "$port" ] && break
	sleep 0.05
done
[ -n "$port" ] || { echo "browser-check: the server did not start" >&2; exit 1; }

for load in 1 2; do
	timeout 120 chromium --headless --no-sandbox --disable-gpu \
	    --no-first-run --disable-background-networking \
	    --disable-component-update --disable-sync \
	    --user-data-dir="$work/profile" \
	    --dump-dom "http://127.0.0.1:$port/" >"$out/chromium-$load.log" 2>&1 || {
		echo "browser-check: chromium failed on load $load; see $out/chromium-$load.log" >&2
		exit 1
	}
done
exec 3>&-
wait "$pid"
pid=

echo "browser-check: the server's request log:"
sed 's/^/  /' "$log"
page_200=$(grep -c '^GET / if-none-match=- 200 ' "$log" || true)
page_304=$(grep -c '^GET / if-none-match="[0-9a-f]*" 304 0$' "$log" || true)
css=$(grep -c '^GET /app.css ' "$log" || true)
if [ "$page_200" -eq 1 ] && [ "$page_304" -eq 1 ] && [ "$css" -eq 1 ]; then
	echo "browser-check: second load revalidated the page (304, no body) and did not ask for the fresh stylesheet"
else
	echo "browser-check: FAILED: expected one 200 and one 304 for /, one request for /app.css;" \
	     "got $page_200, $page_304 and $css" >&2
	exit 1
fi
