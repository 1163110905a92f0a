#!/bin/sh
# Build the Gradescope autograder: exercises/build/gradescope/autograder.zip
# (or $GRADESCOPE_ZIP), to upload on the assignment's "Configure
# Autograder" page. It holds, at its root, setup.sh and run_autograder,
# and in source/ the repository's committed files (HEAD) without
# solutions/. Gradescope unpacks it into /autograder/source, so the course
# tree ends up in /autograder/source/source.
#
#   exercises/gradescope/pack.sh     (from any directory)
#   make -C exercises gradescope     (the same)
#
# Only committed files go in: commit first, or the zip grades the last
# commit. setup.sh and run_autograder are taken from that commit too.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
root=$(git -C "$here" rev-parse --show-toplevel)
out=${GRADESCOPE_ZIP:-$root/exercises/build/gradescope/autograder.zip}
rev=$(git -C "$root" rev-parse --short HEAD)

if [ -n "$(git -C "$root" status --porcelain --untracked-files=no)" ]; then
	echo "pack.sh: uncommitted changes are not in the zip; it holds commit $rev" >&2
fi

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
for f in setup.sh run_autograder; do
	git -C "$root" show "HEAD:exercises/gradescope/$f" >"$stage/$f" || {
		echo "pack.sh: exercises/gradescope/$f is not committed" >&2
		exit 1
	}
	chmod 755 "$stage/$f"
done

mkdir -p "$(dirname "$out")"
rm -f "$out.tmp"
# --add-file puts a file under the last --prefix given before it (the
# root here); everything from HEAD goes under source/.
git -C "$root" archive --format=zip -o "$out.tmp" \
	--add-file="$stage/setup.sh" --add-file="$stage/run_autograder" \
	--prefix=source/ HEAD -- . ':(exclude)solutions'
mv "$out.tmp" "$out"
echo "pack.sh: $out (commit $rev, without solutions/)"
