# Sourced by selftest.sh: the checks of each group. Uses selftest.sh's
# check, grade and field, and its variables here root work mode manifest
# exercises.

have_solutions() {
	[ -d "$root/solutions" ] && return 0
	skipped="no solutions/ here, as in a student's template"
	return 1
}

# The reports must be valid for their formats, whatever the code printed.
validate() { # validate RUN
	dir=$work/$1/report
	for f in results.json classroom.json gradescope.json; do
		check "$1: $f parses" ok "$(python3 -m json.tool "$dir/$f" \
			>/dev/null 2>&1 && echo ok)"
	done
	check "$1: classroom.json is under 64 KiB in base64" yes \
		"$([ "$(base64 -w0 "$dir/classroom.json" | wc -c)" -lt 65536 ] &&
			echo yes)"
	check "$1: results.json has the flat classroom form" ok \
		"$(python3 -c 'import json,sys
r = json.load(open(sys.argv[1]))
assert r["version"] == 1 and r["status"] in ("pass", "fail")
assert isinstance(r["max_score"], int) and r["tests"]
for t in r["tests"]:
    assert set(("name", "status", "score", "message")) <= set(t)
print("ok")' "$dir/classroom.json" 2>/dev/null)"
	check "$1: gradescope.json has Gradescope's form" ok \
		"$(python3 -c 'import json,sys
r = json.load(open(sys.argv[1]))
assert isinstance(r["score"], int) and r["tests"]
for t in r["tests"]:
    assert t["status"] in ("passed", "failed") and t["visibility"]
    assert t["score"] <= t["max_score"] and "output" in t
print("ok")' "$dir/gradescope.json" 2>/dev/null)"
	check "$1: junit.xml is valid against grader/junit.xsd" ok \
		"$(xmllint --noout --schema "$here/junit.xsd" "$dir/junit.xml" \
			>/dev/null 2>&1 && echo ok)"
	check "$1: results.tap parses (prove)" ok "$(cd "$dir" &&
		prove --exec cat results.tap 2>&1 | grep -q 'Parse errors' ||
		echo ok)"
}

# The manifest as manifest.sh makes it from the tests and solutions of
# this tree, made again only when one of the files it was made from
# changed (MANIFEST_DEPS); a failed run leaves none to compare.
fresh_manifest() {
	dir=$work/build-manifest
	stale "$dir/manifest.tsv" "$dir/manifest.d" || return 0
	mkdir -p "$dir" && rm -f "$dir/manifest.tsv" && touch "$dir/started"
	MANIFEST_DEPS=$dir/manifest.d "$here/manifest.sh" >"$dir/manifest.new" \
		2>"$work/manifest.err" &&
		seal "$dir/manifest.tsv" "$dir/manifest.d" &&
		touch -r "$dir/started" "$dir/manifest.new" &&
		mv "$dir/manifest.new" "$dir/manifest.tsv"
}

check_solutions() {
	have_solutions || return 0
	fresh_manifest
	check "grader/manifest.tsv is what the tests and solutions say" same \
		"$(cmp -s "$work/build-manifest/manifest.tsv" "$manifest" &&
			echo same)"
	"$here/transcripts.sh" >"$work/transcripts.h"
	check "20_presenter/transcripts.h is what mvc_demo/spec/ holds" same \
		"$(cmp -s "$work/transcripts.h" \
			"$root/exercises/20_presenter/transcripts.h" && echo same)"
	# shellcheck disable=SC2086
	grade all "$root/solutions" $exercises
	for ex in $exercises; do
		check "$ex status" PASS "$(field all "$ex" 3)"
		check "$ex scores its maximum" "$(field all "$ex" 5)" \
			"$(field all "$ex" 4)"
	done
	check "exit status" 0 "$(cat "$work/all.rc")"
	validate all
	[ "$mode" = plain ] || return 0
	GRADE_BUILD=$work/make GRADE_REPORT=$work/make-report \
		make -s -C "$root/exercises" test SRC=solutions \
		>"$work/make.out" 2>&1
	check "make test SRC=solutions exits 0" 0 $?
	DP_BENCH_QUICK=1 make -s -C "$root/exercises" bench \
		EX=09_vectorize SRC=solutions >"$work/bench.out" 2>&1
	check "make bench EX=09_vectorize SRC=solutions exits 0" 0 $?
}

# The pristine stub of EXERCISE, by the manifest's checksum: the file in
# exercises/ when it is untouched, or else the newest version in git that
# matches. Prints its path; fails when there is none.
pristine_stub() { # pristine_stub EXERCISE OUT
	path=exercises/$1/${1#[0-9][0-9]_}.c
	want=$(awk -F'\t' -v e="$1" '$1 == "exercise" && $2 == e { print $4 }' \
		"$manifest")
	[ "$(sha256sum <"$root/$path" | cut -d' ' -f1)" = "$want" ] &&
		cp "$root/$path" "$2" && return 0
	for rev in $(git -C "$root" log --format=%H -- "$path" 2>/dev/null); do
		git -C "$root" show "$rev:$path" >"$2" 2>/dev/null || continue
		[ "$(sha256sum <"$2" | cut -d' ' -f1)" = "$want" ] && return 0
	done
	return 1
}

check_stubs() {
	stubs="" missing=""
	for ex in $exercises; do
		mkdir -p "$work/stubs/$ex"
		# Made beside the folder, not in it: a new entry would change
		# the folder's time, which a build depends on.
		stub=$work/stubs/$ex/${ex#[0-9][0-9]_}.c
		if pristine_stub "$ex" "$work/stub.new"; then
			settle "$work/stub.new" "$stub"
			stubs="$stubs $ex"
		else
			rm -f "$work/stub.new" "$stub"
			missing="$missing $ex"
		fi
	done
	[ -n "$missing" ] && skipped="no pristine stub found for:$missing"
	[ -n "$stubs" ] || return 0
	# shellcheck disable=SC2086
	grade all "$work/stubs" $stubs
	for ex in $stubs; do
		name=${ex#[0-9][0-9]_}
		check "$ex scores 0" 0 "$(field all "$ex" 4)"
		check "$ex: every test fails by assertion" "" \
			"$(awk -F'\t' -v e="$ex" '$1 == "test" && $2 == e &&
				$4 != "FAIL" { print $3 ": " $4 }' "$work/all.brief")"
		check "$ex stub has a TODO" yes \
			"$(grep -q TODO "$work/stubs/$ex/$name.c" && echo yes)"
		[ -d "$root/solutions" ] && check "$ex header is the solution's" \
			same "$(cmp -s "$root/exercises/$ex/$name.h" \
				"$root/solutions/$ex/$name.h" && echo same)"
	done
	check "exit status" 1 "$(cat "$work/all.rc")"
	validate all
	[ "$mode" = plain ] || return 0
	# The students' entry point as they run it: whatever their progress,
	# it reports, and names a next step until everything passes.
	GRADE_BUILD=$work/make GRADE_REPORT=$work/make-report \
		make -s -C "$root/exercises" test >"$work/make.out" 2>&1
	check "make test prints its verdict line" yes "$(grep -qE \
		'^[0-9]+ passed, [0-9]+ failed$' "$work/make.out" && echo yes)"
	GRADE_SRC=solutions GRADE_BUILD=$work/build GRADE_REPORT=$work/none \
		"$here/grade.sh" -t no_such_test 01_strategy >/dev/null 2>&1
	check "a selection of no test is refused" 2 $?
	GRADE_BUILD=$work/build GRADE_REPORT=$work/none \
		"$here/grade.sh" no_such_exercise >/dev/null 2>&1
	check "an unknown exercise is refused" 2 $?
}

. "$here/selftest_fixtures.sh"
