#!/bin/sh
# A real browser against the to-do demo's web view.
#
#   scripts/web_check.sh TODO-PROGRAM PAGE-SERVER TEST-PAGE OUT-DIR
#                                                        (make web-check)
#
# Starts `TODO-PROGRAM --arch web` with an empty data directory, and
# PAGE-SERVER (mvc_demo/web_check_main.c) serving TEST-PAGE
# (mvc_demo/web_check.html) on a port of its own, then opens the test page
# in headless Chromium. The test page is the check's, not the app's (whose
# pages hold no script): it loads the app's list in an iframe and, step by
# step, fills and submits its forms and follows its links the way a user
# would, waiting for each page to load before the next step, and writes
# what it saw into its own DOM, which --dump-dom prints. The steps: add
# two items (one title holds markup), toggle the first, show the active
# ones, undo, save. Passes when every step saw what it should, the
# server's request log (OUT-DIR/requests.log) shows each form posted once
# and answered with a 303 and no error, and the server stops cleanly with
# nothing unsaved. Then a screenshot of the list is kept as
# OUT-DIR/list.png. The app's frame is on another origin than the test
# page, which only --disable-web-security lets a script read: the flag is
# for this throw-away profile only. No verdict depends on time: each step
# waits for a load event, and the timeouts only stop a hung browser.
set -eu

[ "$#" -eq 4 ] && [ -x "$1" ] && [ -x "$2" ] && [ -r "$3" ] || {
	echo "usage: $0 TODO-PROGRAM PAGE-SERVER TEST-PAGE OUTPUT-DIRECTORY" >&2
	exit 2
}
todo=$1
server=$2
page=$3
out=$4
mkdir -p "$out"
out=$(cd "$out" && pwd)
work=$(mktemp -d)
log=$out/requests.log
pid=
page_pid=
cleanup() {
	exec 3>&- 2>/dev/null || true
	[ -z "$pid" ] || wait "$pid" 2>/dev/null || true
	[ -z "$page_pid" ] || wait "$page_pid" 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT

# The server serves until its standard input closes: a FIFO held open on
# fd 3 keeps it alive, and closing fd 3 stops it.
mkfifo "$work/stdin"
mkdir "$work/data"
DP_DATA_DIR="$work/data" "$todo" --arch web <"$work/stdin" \
	>"$out/address.txt" 2>"$log" &
pid=$!
exec 3>"$work/stdin"

url=
for _ in $(seq 1 100); do
	url=$(sed -n 's/^serving //p' "$out/address.txt")
	[ -n "$url" ] && break
	sleep 0.05
done
[ -n "$url" ] || { echo "web-check: the server did not start" >&2; exit 1; }

# The test page, served on a port of its own by the check's server.
# (Not holding fd 3 itself, or its input would never end.)
"$server" "$page" <"$work/stdin" >"$out/page-server.txt" 3>&- &
page_pid=$!
page_port=
for _ in $(seq 1 100); do
	page_port=$(sed -n 's/^port //p' "$out/page-server.txt")
	[ -n "$page_port" ] && break
	sleep 0.05
done
[ -n "$page_port" ] || { echo "web-check: the test page's server did not start" >&2; exit 1; }

timeout 120 chromium --headless --no-sandbox --disable-gpu \
    --no-first-run --disable-background-networking \
    --disable-component-update --disable-sync \
    --disable-web-security --disable-site-isolation-trials \
    --user-data-dir="$work/profile" \
    --virtual-time-budget=30000 \
    --dump-dom "http://127.0.0.1:$page_port/#$url" >"$out/drive.dom" \
    2>"$out/chromium-drive.log" 3>&- || {
	echo "web-check: chromium failed; see $out/chromium-drive.log" >&2
	exit 1
}
timeout 120 chromium --headless --no-sandbox --disable-gpu \
    --no-first-run --disable-background-networking \
    --disable-component-update --disable-sync \
    --user-data-dir="$work/profile-shot" --window-size=800,600 \
    --screenshot="$out/list.png" "${url}?filter=all" \
    >"$out/chromium-shot.log" 2>&1 3>&- || {
	echo "web-check: chromium's screenshot failed; see $out/chromium-shot.log" >&2
	exit 1
}
exec 3>&-
status=0
wait "$pid" || status=$?
pid=
wait "$page_pid" || true
page_pid=

echo "web-check: what the browser saw:"
awk '/<pre id="log">/ { on = 1 } on { print } on && /<\/pre>/ { exit }' \
    "$out/drive.dom" |
	sed -e 's/<[^>]*>//g' -e 's/&lt;/</g' -e 's/&gt;/>/g' -e 's/&amp;/\&/g' \
	    -e '/^$/d' -e 's/^/  /'
echo "web-check: the server's request log:"
sed 's/^/  /' "$log"
count() { grep -c "^$1\$" "$log" || true; }
adds=$(count 'POST /add 303 0')
toggles=$(count 'POST /toggle 303 0')
undos=$(count 'POST /undo 303 0')
saves=$(count 'POST /save 303 0')
# The browser asks for /favicon.ico by itself; a 404 there is expected.
errors=$(grep -v '^GET /favicon.ico ' "$log" |
	grep -c '^[A-Z]* [^ ]* [45][0-9][0-9] ' || true)
if grep -q 'web-check: PASS' "$out/drive.dom" && [ "$adds" -eq 2 ] &&
    [ "$toggles" -eq 1 ] && [ "$undos" -eq 1 ] && [ "$saves" -eq 1 ] &&
    [ "$errors" -eq 0 ] && [ "$status" -eq 0 ] && [ -s "$out/list.png" ]; then
	echo "web-check: the browser added, toggled, filtered, undid and saved through the forms; screenshot in $out/list.png"
else
	echo "web-check: FAILED: browser verdict above; posts answered 303:" \
	     "add $adds (want 2), toggle $toggles (1), undo $undos (1)," \
	     "save $saves (1); 4xx/5xx $errors (0); server exit $status (0)" >&2
	exit 1
fi
