#!/bin/sh
# Regrade a class in a sandbox: the grades that count.
#
#   grade-class.sh SUBMISSIONS OUT
#
# Every folder of SUBMISSIONS is one student: a clone of the repository,
# or a folder laid out like exercises/. Only the files a student may
# change, NN_name/name.c, are copied into this trusted tree (its headers,
# tests and grader); anything else in a submission is never read. A
# changed header is reported in the flags and not used.
#
# Untrusted code is compiled as an unprivileged user with no network, and
# each test runs in new PID, network, mount, IPC and UTS namespaces as an
# unprivileged user (one per parallel slot), with limits on CPU time,
# memory, processes and file size, and this tree, the submissions, OUT,
# home folders and the build tools hidden (see run.c). That needs root:
# without it, or without namespaces, this stops rather than grade unsafely.
#
# Writes OUT/gradebook.csv (student,total,max,<NN_name>...,flags) and each
# student's reports under OUT/<student>/.
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
manifest=$here/manifest.tsv
submissions=${1:?usage: grade-class.sh SUBMISSIONS OUT}
out=${2:?usage: grade-class.sh SUBMISSIONS OUT}

fail() {
	echo "grade-class: $*" >&2
	exit 2
}

[ "$(id -u)" = 0 ] || fail "needs root, to make namespaces and switch to" \
	"an unprivileged user (try: sudo make grade-class ...); not grading"
unshare --pid --net --mount --ipc --uts --fork true 2>/dev/null ||
	fail "this machine cannot make namespaces here; not grading"
[ -d "$submissions" ] || fail "no folder $submissions"
submissions=$(cd "$submissions" && pwd -P)
mkdir -p "$out" || exit 2
out=$(cd "$out" && pwd -P)
case $out/ in "$submissions"/*) fail "OUT must not be inside SUBMISSIONS" ;; esac

exercises=$(awk -F'\t' '$1 == "exercise" { print $2 }' "$manifest")
work=$root/exercises/build/class
rm -rf "$work" && mkdir -p "$work/tools" || exit 2
chmod 755 "$work"
GRADE_BUILD=$work/tools GRADE_TOOLS=$work/tools "$here/grade.sh" --tools ||
	fail "cannot build the grader"

# What the sandbox hides: everything a test has no business reading. A
# path inside one already hidden is gone, so only the outermost are kept,
# shortest first.
hide=""
for path in $(for p in "$root" "$submissions" "$out" /root /home /srv /opt \
	/mnt /media /var /usr/local /usr/bin /usr/sbin /usr/libexec \
	/usr/lib/gcc; do
	[ -d "$p" ] && printf '%d %s\n' "${#p}" "$(cd "$p" && pwd -P)"
done | sort -n | cut -d' ' -f2-); do
	case ":$hide:" in *":$path:"*) continue ;; esac
	outer=no
	old_ifs=$IFS IFS=:
	for kept in $hide; do
		case $path/ in "$kept"/*) outer=yes ;; esac
	done
	IFS=$old_ifs
	[ "$outer" = yes ] || hide="$hide${hide:+:}$path"
done
# What the sandbox shows again inside a hidden folder: redis-server, which
# 17_cache_aside's tests start on a Unix socket of their private /tmp.
keep=""
redis=$(command -v redis-server 2>/dev/null) && keep=$redis
export GRADE_HIDE=$hide GRADE_KEEP=$keep GRADE_TOOLS=$work/tools \
	CC=${CC:-cc}

. "$here/grade-class-collect.sh"

students=$(cd "$submissions" && for s in *; do
	[ -d "$s" ] && [ ! -L "$s" ] && printf '%s\n' "$s"; done)
[ -n "$students" ] || fail "no student folder in $submissions"
count=$(printf '%s\n' "$students" | wc -l)
slots=$(nproc 2>/dev/null || echo 2)
echo "grade-class: $count submissions, $slots at a time"
export here root manifest submissions out work exercises count
printf '%s\n' "$students" | tr '\n' '\0' |
	xargs -0 -P "$slots" --process-slot-var=GRADE_SLOT -I{} \
		sh -c '. "$here/grade-class-collect.sh"; grade_student "$1"' _ {}
printf '%s\n' "$students" >"$work/students.txt"
write_gradebook "$work/students.txt" >"$out/gradebook.csv"
echo "grade-class: $out/gradebook.csv"
