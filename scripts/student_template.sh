#!/bin/sh
# Write the tree students receive: this repository without its answers.
#
#   scripts/student_template.sh DIR     (make student-template DIR=... runs it)
#
# The files are those of the last commit (git archive HEAD), so a build
# product, an untracked file or an edit not yet committed never reaches
# students; everything but solutions/ is kept, the exercises and their
# grader, points table included. DIR becomes a fresh Git repository with
# one commit, "Initial template", by a neutral author, which students
# (or a classroom tool) can push as the starting point of their own.
#
# DIR must not exist, or be an empty folder: nothing already there is
# overwritten. Exits 2 on a usage error (no DIR, a DIR that is a file or
# is not empty, not run from a Git checkout) and 1 if a step fails, in
# which case what it wrote into DIR is removed.
set -eu

usage() {
	echo "usage: make student-template DIR=path, or $0 DIR;" \
		"DIR must not exist yet, or be empty" >&2
	exit 2
}

[ "$#" -eq 1 ] && [ -n "$1" ] || usage
dir=$1

top=$(cd "$(dirname "$0")/.." && git rev-parse --show-toplevel 2>/dev/null) || {
	echo "student_template: $(dirname "$0")/.. is not a Git checkout" >&2
	exit 2
}
git -C "$top" rev-parse --verify --quiet HEAD >/dev/null || {
	echo "student_template: the repository has no commit yet" >&2
	exit 2
}

if [ -e "$dir" ] || [ -L "$dir" ]; then
	[ -d "$dir" ] || {
		echo "student_template: $dir exists and is not a folder" >&2
		exit 2
	}
	[ -z "$(ls -A "$dir")" ] || {
		echo "student_template: $dir is not empty; give a new or empty" \
			"folder" >&2
		exit 2
	}
else
	mkdir -p "$dir"
fi
dir=$(cd "$dir" && pwd)

# From here on DIR was empty or new: whatever is in it is ours to remove.
cleanup() {
	status=$?
	if [ "$status" -ne 0 ]; then
		find "$dir" -mindepth 1 -delete 2>/dev/null || true
		echo "student_template: failed; $dir left empty" >&2
	fi
}
trap cleanup EXIT

git -C "$top" archive --format=tar HEAD -- . ':(exclude)solutions' |
	tar -x -C "$dir"
[ ! -e "$dir/solutions" ] || {
	echo "student_template: solutions/ reached $dir" >&2
	exit 1
}

git -C "$dir" init -q -b main
git -C "$dir" add -A
git -C "$dir" -c user.name="Course template" \
	-c user.email=template@example.invalid -c commit.gpgsign=false \
	commit -q -m "Initial template"

if [ -n "$(git -C "$top" status --porcelain --untracked-files=no)" ]; then
	echo "student_template: note: edits not yet committed are not in" \
		"the template" >&2
fi
echo "student_template: $dir, $(git -C "$dir" ls-files | wc -l) files" \
	"from $(git -C "$top" rev-parse --short HEAD), without solutions/"
