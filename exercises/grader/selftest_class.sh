# Sourced by selftest_fixtures.sh: grade-class over eleven submissions of
# every kind, and the sandbox seen from inside. Needs root.

# submission STUDENT LAYOUT: a student folder from the solutions, as a
# clone (LAYOUT=clone: exercises/NN_name/) or flat (NN_name/).
submission() {
	if [ "$2" = clone ]; then
		mkdir -p "$subs/$1/exercises"
		cp -R "$root"/solutions/[0-9][0-9]_* "$subs/$1/exercises/"
		echo "$subs/$1/exercises"
	else
		mkdir -p "$subs/$1"
		cp -R "$root"/solutions/[0-9][0-9]_* "$subs/$1/"
		echo "$subs/$1"
	fi
}

make_class() {
	subs=$work/submissions
	submission alice flat >/dev/null
	mkdir -p "$subs/bob"
	for ex in $exercises; do
		mkdir -p "$subs/bob/$ex"
		pristine_stub "$ex" "$subs/bob/$ex/${ex#[0-9][0-9]_}.c" ||
			cp "$root/exercises/$ex/${ex#[0-9][0-9]_}.c" "$subs/bob/$ex/"
	done
	d=$(submission carol clone)
	cat "$here/fixtures/cheat_exit.c" >>"$d/01_strategy/strategy.c"
	echo '#define ck_assert_msg(...) ((void)0)' >>"$d/02_factory/factory.h"
	mkdir -p "$subs/dave"
	d=$(submission erin flat)
	ln -sf "$root/solutions/01_strategy/strategy.c" "$d/01_strategy/strategy.c"
	d=$(submission frank clone)
	cat "$here/fixtures/cheat_daemon.c" >>"$d/01_strategy/strategy.c"
	d=$(submission grace flat)
	cat "$here/fixtures/cheat_constructor.c" >>"$d/04_observer/observer.c"
	d=$(submission heidi flat)
	echo 'this is not C' >>"$d/03_singleton/singleton.c"
	d=$(submission ivan flat)
	head -c 2000000 /dev/zero >"$d/05_command/command.c"
	submission 'judy "j", jr' clone >/dev/null
	mkdir -p "$subs/zed"
	ln -s "$root/solutions" "$subs/zed/exercises"
}

# row STUDENT: the student's gradebook row, without the name.
row() {
	python3 -c 'import csv,sys
for r in csv.DictReader(open(sys.argv[1])):
    if r["student"] == sys.argv[2]:
        print(r["total"], r["max"], r["flags"])' \
		"$work/out/gradebook.csv" "$1"
}

# points [EXERCISE]: the manifest's points, of one exercise or of all.
points() {
	awk -F'\t' -v e="${1:-}" '$1 == "test" && (e == "" || $2 == e) {
		sum += $4 } END { print sum + 0 }' "$manifest"
}

# without EXERCISE: the maximum less that exercise's points.
without() {
	echo $(($(points) - $(points "$1")))
}

class_checks() {
	if [ "$(id -u)" != 0 ]; then
		skipped="grade-class needs root"
		return 0
	fi
	make_class
	CC=${CC:-cc} "$here/grade-class.sh" "$work/submissions" "$work/out" \
		>"$work/class.out" 2>&1
	check "grade-class exits 0" 0 $?
	check "one row per student" 11 \
		"$(($(wc -l <"$work/out/gradebook.csv") - 1))"
	max=$(points)
	check "the maximum is the same in every row" "$max" \
		"$(python3 -c 'import csv,sys
print(*{r["max"] for r in csv.DictReader(open(sys.argv[1]))})' \
			"$work/out/gradebook.csv")"
	check "alice: every point" "$max $max " "$(row alice)"
	check "bob: the stubs score 0" "0 $max " "$(row bob)"
	check "carol: cheat rejected, header flagged and not used" \
		"$(without 01_strategy) $max header:02_factory rejected:01_strategy" \
		"$(row carol)"
	check "dave: an empty folder scores 0" "0 $max " "$(row dave)"
	check "erin: a symlink is never followed" \
		"$(without 01_strategy) $max symlink:01_strategy" "$(row erin)"
	check "frank: the daemon is rejected" \
		"$(without 01_strategy) $max rejected:01_strategy" "$(row frank)"
	check "grace: the constructor is rejected" \
		"$(without 04_observer) $max rejected:04_observer" "$(row grace)"
	check "heidi: a compile error costs one exercise" \
		"$(without 03_singleton) $max " "$(row heidi)"
	check "ivan: a file over 1 MiB is not taken" \
		"$(without 05_command) $max too-large:05_command" "$(row ivan)"
	check "judy: a name that needs quoting" "$max $max " \
		"$(row 'judy "j", jr')"
	check "zed: a symlinked folder is never followed" \
		"0 $max $(printf 'symlink:%s ' $exercises | sed 's/ $//')" \
		"$(row zed)"
	check "each student's reports" yes "$([ -f "$work/out/carol/junit.xml" ] &&
		[ -f "$work/out/carol/gradescope.json" ] && echo yes)"
	sandbox_checks
}

# The sandbox from inside: the probe, with the inspection off.
sandbox_checks() {
	subs=$work/probe-submissions
	d=$(submission mallory flat)
	cat "$here/fixtures/probe.c" >>"$d/01_strategy/strategy.c"
	GRADE_INSPECT=0 CC=${CC:-cc} "$here/grade-class.sh" "$subs" \
		"$work/probe-out" >"$work/probe.out" 2>&1
	probe=$(python3 -c 'import json,sys,re
r = json.load(open(sys.argv[1]))
out = [e["output"] for e in r["exercises"] if e["name"] == "01_strategy"][0]
print(re.search(r"probe: [^\n]*", out).group(0))' \
		"$work/probe-out/mallory/results.json" 2>/dev/null)
	for want in "uid=600" "pid=2 " "netdev=3 " "gcc=hidden" "tree=hidden" \
		"home=unset"; do
		check "sandbox: $want" yes "$(case $probe in *"$want"*) echo yes ;; esac)"
	done
	forks=$(echo "$probe" | sed -n 's/.*forks=\([0-9]*\).*/\1/p')
	check "sandbox: fork stops at the process limit" yes \
		"$([ "${forks:-999}" -lt 64 ] && echo yes)"
}
