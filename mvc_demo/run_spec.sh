#!/bin/sh
# Run one spec script through one architecture and compare the transcript.
#
#   mvc_demo/run_spec.sh BINARY SPEC ARCH RESULT
#
# The script runs in a fresh directory holding a copy of spec/files/, so
# saves and loads never touch the repository. A line "# args: ..." in the
# script adds options (--view table). The transcript is standard output
# followed by "[exit N]"; it must equal SPEC with .txt replaced by .out,
# for every architecture. RESULT gets "1 0" or "0 1", as run_example.sh
# writes. DP_RUNNER, when set, prefixes the command (valgrind).
set -u
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
spec=$(cd "$(dirname "$2")" && pwd)/$(basename "$2")
arch=$3
result=$4
expected=${spec%.txt}.out
mkdir -p "$(dirname "$result")"
rm -f "$result"
actual=$result.stdout
log=$result.log
touch "$actual" && actual=$(cd "$(dirname "$actual")" && pwd)/$(basename "$actual")
log=$(dirname "$actual")/$(basename "$log")

args=$(sed -n 's/^# args: //p' "$spec" | head -n 1)
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
[ -d "$(dirname "$spec")/files" ] && cp -R "$(dirname "$spec")/files/." "$dir/"

# The settings a user may have exported must not change the transcript.
(cd "$dir" && env -u DP_DATA_DIR -u DP_LOG_LEVEL -u DP_CACHE_CAPACITY \
	timeout -k 5 "${DP_SUITE_TIMEOUT:-600}" ${DP_RUNNER:-} \
	"$bin" --arch "$arch" $args --script "$spec" >"$actual" 2>"$log" </dev/null)
echo "[exit $?]" >>"$actual"

name="mvc_demo/spec/$(basename "$spec" .txt) ($arch)"
if [ ! -f "$expected" ]; then
	why="no expected transcript: $expected is missing"
elif ! diff -u "$expected" "$actual" >"$result.diff"; then
	why="transcript differs from $(basename "$expected")"
else
	echo "1 0" >"$result"
	printf 'PASS  %-44s transcript matches\n' "$name"
	exit 0
fi
echo "0 1" >"$result"
printf 'FAIL  %-44s %s\n' "$name" "$why"
[ -s "$result.diff" ] && head -n 40 "$result.diff" | sed 's/^/      /'
[ -s "$log" ] && head -n 20 "$log" | sed 's/^/      /'
exit 0
