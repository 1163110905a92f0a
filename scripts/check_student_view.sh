#!/bin/sh
# The course as a student receives and works on it, checked end to end:
#
#   1. `make student-template` writes a tree without solutions/ whose
#      grader works: `cd exercises && make test` grades the stubs 0/N,
#      and the grader's self-tests pass (what needs solutions/ says it
#      skipped);
#   2. the student solves every exercise and commits: `make test` in
#      exercises/ passes, and the self-test that proves "the stubs score 0"
#      still passes, on the pristine stubs it finds in git, never on the
#      student's work;
#   3. grading twice leaves one set of reports, and a report tool that
#      was replaced is rebuilt.
#
# Run by .ci/run; prints one line per check and exits non-zero on any
# failure.
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failed=0

check() { # check WHAT EXPECTED ACTUAL
	if [ "$2" = "$3" ]; then
		echo "PASS  $1"
	else
		echo "FAIL  $1: expected '$2', got '$3'"
		failed=$((failed + 1))
	fi
}

make -s -C "$root" student-template DIR="$work/course" >/dev/null ||
	{ echo "FAIL  make student-template"; exit 1; }
cd "$work/course" || exit 1
check "the template has no solutions/" no \
	"$([ -e solutions ] && echo yes || echo no)"

make -s -C exercises test >"$work/stubs.out" 2>&1
check "make test on the template fails (nothing is done yet)" yes \
	"$([ $? -ne 0 ] && echo yes)"
count=$(awk -F'\t' '$1 == "exercise"' exercises/grader/manifest.tsv | wc -l)
max=$(awk -F'\t' '$1 == "test" { s += $4 } END { print s }' \
	exercises/grader/manifest.tsv)
check "make test on the template: 0 points" yes "$(grep -q \
	"^Progress: 0/$count exercises complete, 0/$max points" \
	"$work/stubs.out" && echo yes)"
for group in solutions stubs fixtures; do
	exercises/grader/selftest.sh "$group" >"$work/$group.out" 2>&1
	check "template: grader self-test $group passes" 0 $?
done
check "template: the solutions group says it skipped" yes \
	"$(grep -q 'no solutions/ here' "$work/solutions.out" && echo yes)"

# The student's finished work, committed.
for dir in "$root"/solutions/[0-9][0-9]_*/; do
	ex=$(basename "$dir")
	cp "$dir/${ex#[0-9][0-9]_}.c" "exercises/$ex/"
done
git -c user.name=Student -c user.email=student@example.invalid \
	commit -qam "My answers" || exit 1
make -s -C exercises test >"$work/done.out" 2>&1
check "a student who solved everything: make test exits 0" 0 $?
exercises/grader/selftest.sh stubs >"$work/stubs-after.out" 2>&1
check "...and the stubs self-test still passes (pristine from git)" 0 $?

make -s -C exercises grade >/dev/null 2>&1
make -s -C exercises grade >/dev/null 2>&1
check "two grades leave one set of five reports" 5 \
	"$(ls exercises/build/report | wc -l)"
printf '#!/bin/sh\necho forged\n' >exercises/build/plain-exercises/grade-report
make -s -C exercises test EX=01_strategy >"$work/again.out" 2>&1
check "a replaced report tool is rebuilt" yes \
	"$(grep -q '17/17  pts  PASS' "$work/again.out" && echo yes)"

echo "student view: $failed failed"
[ "$failed" -eq 0 ]
