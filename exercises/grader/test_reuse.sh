#!/bin/sh
# The test of the self-test's verdict reuse (verdict_key, reuse_verdict
# and record_verdict in stale.sh), on a tiny tree in a temporary folder.
#
#   exercises/grader/test_reuse.sh RESULT
#
# RESULT gets "<passed> <failed>" for scripts/summary.sh (`make test`
# runs it); each failed check is printed.
set -u
result=$1
here=$(cd "$(dirname "$0")" && pwd)
. "$here/stale.sh"
mkdir -p "$(dirname "$result")"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
passed=0 failed=0 log=""

check() { # check WHAT EXPECTED ACTUAL
	if [ "$2" = "$3" ]; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
		log="$log      $1: expected '$2', got '$3'
"
	fi
}

same() { # same A B: "same" or "differs"
	if [ "$1" = "$2" ]; then echo same; else echo differs; fi
}

root=$work/root
mkdir -p "$root/exercises/grader/fixtures" "$root/solutions/01_a" \
	"$root/patterns/common" "$root/scripts" "$root/mk" \
	"$root/exercises/build"
echo 'int leak(void);' >"$root/exercises/grader/fixtures/leak.c"
echo 'int a(void) { return 1; }' >"$root/solutions/01_a/a.c"
echo '#define DP_OK 0' >"$root/patterns/common/dp_common.h"
echo 'exit 0' >"$root/scripts/deps.sh"
echo 'GRADER_GROUPS :=' >"$root/mk/grader.mk"
key=$(verdict_key "$root" fixtures plain)
check "the key is a checksum" 64 "${#key}"
check "the same tree, the same key" same \
	"$(same "$key" "$(verdict_key "$root" fixtures plain)")"

# A new time, the same contents: reused.
touch -d '2001-01-01' "$root/solutions/01_a/a.c"
check "touch keeps the key" same \
	"$(same "$key" "$(verdict_key "$root" fixtures plain)")"
# A build folder's products are not inputs.
echo x >"$root/exercises/build/out.o"
check "build/ is not read" same \
	"$(same "$key" "$(verdict_key "$root" fixtures plain)")"

# One byte of a fixture changed under its old time and size: rerun.
before=$(verdict_key "$root" fixtures plain)
f=$root/exercises/grader/fixtures/leak.c
cp -p "$f" "$work/leak.c"
sed 's/leak/lEak/' "$work/leak.c" >"$f"
touch -r "$work/leak.c" "$f"
check "a fixture's byte changes the key" differs \
	"$(same "$before" "$(verdict_key "$root" fixtures plain)")"
cp -p "$work/leak.c" "$f"
check "the fixture restored, the key again" same \
	"$(same "$key" "$(verdict_key "$root" fixtures plain)")"
# A library header, the same way.
before=$(verdict_key "$root" fixtures plain)
h=$root/patterns/common/dp_common.h
cp -p "$h" "$work/h" && echo '#define DP_OK 1' >"$h" && touch -r "$work/h" "$h"
check "a library header changes the key" differs \
	"$(same "$before" "$(verdict_key "$root" fixtures plain)")"
cp -p "$work/h" "$h"
# A file renamed with its contents: a different tree.
mv "$root/solutions/01_a/a.c" "$root/solutions/01_a/b.c"
check "a renamed file changes the key" differs \
	"$(same "$key" "$(verdict_key "$root" fixtures plain)")"
mv "$root/solutions/01_a/b.c" "$root/solutions/01_a/a.c"
check "another group, mode or compiler changes the key" \
	"differs differs differs" \
	"$(same "$key" "$(verdict_key "$root" stubs plain)") $(same "$key" \
		"$(verdict_key "$root" fixtures memcheck)") $(same "$key" \
		"$(CC=$work/no-cc verdict_key "$root" fixtures plain)")"
check "a GRADE_ setting changes the key" differs "$(same "$key" \
	"$(GRADE_INSPECT=0 verdict_key "$root" fixtures plain)")"

# Reuse: a passed run's verdict comes back; a failed one never.
r=$work/results/fixtures.grade
mkdir -p "$work/results"
echo "12 0" >"$r"
record_verdict "$r" "$key" 12 0 ""
rm -f "$r"
line=$(reuse_verdict "$r" "$key" "grader: fixtures (plain)")
check "unchanged: reused" "0 12 0" "$? $(cat "$r" 2>/dev/null)"
case $line in
*"reused: the verdict of "*"nothing it reads changed") x=said ;;
*) x=$line ;;
esac
check "the reuse says so" said "$x"
rm -f "$r"
reuse_verdict "$r" "x$key" label >/dev/null
check "another key: rerun" "1 missing" \
	"$? $([ -f "$r" ] && echo written || echo missing)"
GRADE_REUSE=0 reuse_verdict "$r" "$key" label >/dev/null
check "GRADE_REUSE=0: rerun" 1 "$?"
record_verdict "$r" "$key" 11 1 ""
reuse_verdict "$r" "$key" label >/dev/null
check "a failed run: rerun" "1 no key" \
	"$? $([ -f "$r.key" ] && echo key || echo no key)"
record_verdict "$r" "$key" 0 0 ""
reuse_verdict "$r" "$key" label >/dev/null
check "a run with no check: rerun" 1 "$?"

echo "$passed $failed" >"$result"
if [ "$failed" -eq 0 ]; then
	printf 'PASS  %-44s %d checks\n' "grader: verdict reuse" "$passed"
else
	printf 'FAIL  %-44s %d passed, %d failed\n' "grader: verdict reuse" \
		"$passed" "$failed"
	printf '%s' "$log"
fi
exit 0
