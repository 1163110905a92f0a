#!/bin/sh
# Run one spec script through one architecture and compare the transcript.
#
#   mvc_demo/run_spec.sh BINARY SPEC ARCH RESULT
#
# The script runs in a fresh directory holding a copy of spec/files/, so
# saves and loads never touch the repository. A line "# args: ..." in the
# script adds options (--view table). The transcript is standard output
# followed by "[exit N]"; it must equal SPEC with .txt replaced by .out,
# for every architecture; scripts/compare_output.sh judges it and writes
# RESULT. DP_RUNNER, when set, prefixes the command (valgrind).
set -u
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
spec=$(cd "$(dirname "$2")" && pwd)/$(basename "$2")
arch=$3
result=$4
expected=${spec%.txt}.out
mkdir -p "$(dirname "$result")"
rm -f "$result"
touch "$result.stdout"
result=$(cd "$(dirname "$result")" && pwd)/$(basename "$result")
here=$(cd "$(dirname "$0")" && pwd)

args=$(sed -n 's/^# args: //p' "$spec" | head -n 1)
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
[ -d "$(dirname "$spec")/files" ] && cp -R "$(dirname "$spec")/files/." "$dir/"

# The settings a user may have exported must not change the transcript.
(cd "$dir" && env -u DP_DATA_DIR -u DP_LOG_LEVEL -u DP_CACHE_CAPACITY \
	timeout -k 5 "${DP_SUITE_TIMEOUT:-600}" ${DP_RUNNER:-} \
	"$bin" --arch "$arch" $args --script "$spec" >"$result.stdout" 2>"$result.log" </dev/null)
echo "[exit $?]" >>"$result.stdout"

"$here/../scripts/compare_output.sh" \
	"mvc_demo/spec/$(basename "$spec" .txt) ($arch)" transcript \
	"$expected" "$result"
