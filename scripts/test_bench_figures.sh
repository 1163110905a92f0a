#!/bin/sh
# The test of scripts/bench_figures.sh, on a fixture: a tiny README, its
# registry and its recorded CSV file in a temporary folder.
#
#   scripts/test_bench_figures.sh RESULT
#
# RESULT gets "<passed> <failed>", the form scripts/summary.sh adds up
# (`make test` runs it); the output of each failed check goes to RESULT.log.
set -u
result=$1
tool=$(cd "$(dirname "$0")" && pwd)/bench_figures.sh
mkdir -p "$(dirname "$result")"
log=$result.log
: >"$log"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
passed=0
failed=0

# The fixture: three figures of one table (one grouped by thousands, one
# ratio with a tolerance of its own) and one in prose.
fixture() {
	rm -rf "$work/root" "$work/fresh"
	mkdir -p "$work/root/docs/bench/figures" "$work/root/ch" "$work/fresh"
	cat >"$work/root/ch/README.md" <<-'EOF'
		# A chapter

		| method | cost | ratio |
		| --- | --- | --- |
		| `write(2)` | 703.7 ns | 57x |
		| `fwrite` | 12.3 ns | 1x |
		| C: N+1 | 216 853 ns | 3x |

		Writing through `fwrite` is about 57 times cheaper, 2 MB or 1 MB.
	EOF
	cat >"$work/root/docs/bench/ch_write.csv" <<-'EOF'
		method,ns_per_record,ratio
		write(2) per record,703.67,57.4
		fwrite,12.2531,1
		C: N+1,216853,3.2
	EOF
	{
		echo "# The fixture's figures."
		printf 'ch/README.md\t| `write(2)` | {} ns | {*}x |\tch_write.csv:write(2) per record:ns_per_record\t%%.1f\t-\n'
		printf 'ch/README.md\t| `write(2)` | {*} ns | {}x |\tch_write.csv:write(2) per record:ratio\t%%.0f\t10\n'
		printf "ch/README.md\t| C: N+1 | {} ns | {*}x |\tch_write.csv:C: N+1:ns_per_record\t'%%.0f\t-\n"
		printf 'ch/README.md\tWriting through `fwrite` is about {} times cheaper, {*} MB or {*} MB.\tch_write.csv:write(2) per record:ratio\t%%.0f\t-\n'
	} >"$work/root/docs/bench/figures/ch.tsv"
}

# run VERB...: the tool on the fixture; its exit status in $status, its
# standard output and error in $out.
run() {
	out=$("$tool" -C "$work/root" "$@" 2>&1)
	status=$?
}

# csv FILE NS [RATIO [FWRITE_RATIO]]: the fixture's ch_write.csv as a run
# wrote it, with `write(2)` at NS ns and the ratios given (57.4 and 1
# unless given), into FILE (its folder made).
csv() {
	mkdir -p "$(dirname "$1")"
	printf 'method,ns_per_record,ratio\nwrite(2) per record,%s,%s\nfwrite,12.2531,%s\nC: N+1,216853,3.2\n' \
		"$2" "${3:-57.4}" "${4:-1}" >"$1"
}

# expect NAME STATUS [TEXT...]: the last run exited with STATUS and printed
# each TEXT (a fixed string).
expect() {
	name=$1 want=$2
	shift 2
	why=
	[ "$status" = "$want" ] || why="exit status $status, expected $want"
	for text in "$@"; do
		case $out in *"$text"*) ;; *) why="${why:+$why; }no '$text' in the output" ;; esac
	done
	if [ -z "$why" ]; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
		{ echo "FAIL $name: $why"; echo "$out"; echo; } >>"$log"
	fi
}

# expect_not NAME TEXT: the last run did not print TEXT.
expect_not() {
	case $out in
	*"$2"*)
		failed=$((failed + 1))
		{ echo "FAIL $1: '$2' in the output"; echo "$out"; echo; } >>"$log" ;;
	*) passed=$((passed + 1)) ;;
	esac
}

# (a) The fixture as written passes.
fixture
run check
expect "check passes on the fixture" 0 "4 figures checked, 0 problems"

# (b) A figure edited by hand is reported with its README and registry
# lines, both values printed; so is a grouped figure regrouped.
sed -i 's/| 57x |/| 58x |/' "$work/root/ch/README.md"
run check
expect "an edited figure is reported" 1 "ch.tsv:3: ch/README.md:5:" \
	"written 58 but the recorded run gives 57"
fixture
sed -i 's/216 853/216853/' "$work/root/ch/README.md"
run check
expect "a figure without its grouping is reported" 1 \
	"ch.tsv:4: ch/README.md:7:" "written 216853 but the recorded run gives 216 853"
fixture
sed -i 's/| 12.3 ns |/| 12.30 ns |/' "$work/root/ch/README.md"
printf 'ch/README.md\t| `fwrite` | {} ns | {*}x |\tch_write.csv:fwrite:ns_per_record\t%%.1f\t-\n' \
	>>"$work/root/docs/bench/figures/ch.tsv"
run check
expect "a figure written with another precision is reported" 1 \
	"ch.tsv:6: ch/README.md:6:" "written 12.30 but the recorded run gives 12.3"

# (c) A fresh CSV within tolerance reports nothing: 703.67 to 800 is
# +14% (25% allowed), 57.4 to 62 is +8% (10% allowed).
fixture
cat >"$work/fresh/ch_write.csv" <<-'EOF'
	method,ns_per_record,ratio
	write(2) per record,800,62
	fwrite,12.2531,1
	C: N+1,216853,3.2
EOF
run drift "$work/fresh"
expect "drift within tolerance reports nothing" 0 "0 beyond tolerance"
expect_not "drift within tolerance names no line" "ch/README.md:"
# Beyond it: +30% against 25%, and the ratio's own 10% (+12%), but not the
# prose figure with the same cell and the default 25%.
sed -i 's/^write(2) per record,800,62$/write(2) per record,915,64.3/' \
	"$work/fresh/ch_write.csv"
run drift "$work/fresh"
expect "drift beyond tolerance is reported" 1 "2 beyond tolerance" \
	"ch/README.md:5: 703.7 recorded, 915.0 fresh (+30%, tolerance 25%)" \
	"ch/README.md:5: 57 recorded, 64 fresh (+12%, tolerance 10%)"
expect_not "drift keeps to each figure's tolerance" "ch/README.md:9:"
# A fall counts as much as a rise.
sed -i 's/^C: N+1,216853,3.2$/C: N+1,100000,3.2/' "$work/fresh/ch_write.csv"
run drift "$work/fresh"
expect "a figure that fell is reported" 1 "ch/README.md:7: 216 853 recorded, 100 000 fresh (-54%"
# A bench not rerun (no fresh CSV) is skipped and counted.
rm "$work/fresh/ch_write.csv"
run drift "$work/fresh"
expect "a bench not rerun is skipped" 0 "4 not rerun"

# (d) update rewrites old figures, only the figure, then check passes and
# a second update changes nothing.
fixture
sed -i 's/| 703.7 ns | 57x |/| 9.9 ns | 57x |/; s/216 853/1 234/; s/about 57 times/about 3 times/' \
	"$work/root/ch/README.md"
run update
expect "update rewrites the figures" 0 "1 files rewritten"
run check
expect "check passes after update" 0 "0 problems"
out=$(cat "$work/root/ch/README.md")
status=0
expect "update changes only the figure" 0 "| \`write(2)\` | 703.7 ns | 57x |" \
	"| C: N+1 | 216 853 ns | 3x |" \
	"about 57 times cheaper, 2 MB or 1 MB."
cp "$work/root/ch/README.md" "$work/before"
run update
expect "update is idempotent" 0 "0 files rewritten"
if cmp -s "$work/before" "$work/root/ch/README.md"; then
	passed=$((passed + 1))
else
	failed=$((failed + 1))
	echo "FAIL a second update changed the README" >>"$log"
fi

# (e) Each broken registry line is reported with its line.
fixture
{
	printf 'ch/README.md\t| {} |\tch_write.csv:fwrite:ratio\t%%.0f\t-\n'
	printf 'ch/README.md\tNo such line {}\tch_write.csv:fwrite:ratio\t%%.0f\t-\n'
	printf 'ch/README.md\t| `fwrite` | {} ns | {*}x |\tch_write.csv:fread:ratio\t%%.1f\t-\n'
	printf 'ch/README.md\t| `fwrite` | {} ns | {*}x |\tch_write.csv:fwrite:ns\t%%.1f\t-\n'
	printf 'ch/README.md\t| `fwrite` | {} ns | {*}x |\tch_read.csv:fwrite:ratio\t%%.1f\t-\n'
	printf 'ch/README.md\t| `fwrite` | {} ns | {*}x |\tch_write.csv:fwrite:ratio\n'
	printf 'ch/README.md\t| `fwrite` | {*} ns | {*}x |\tch_write.csv:fwrite:ratio\t%%.0f\t-\n'
	printf 'ch/README.md\t| `fwrite` | {} ns | {*}x |\tch_write.csv:fwrite:ratio\t%%d\t-\n'
	printf 'ch/README.md\t| `fwrite` | {} ns | {*}x |\tch_write.csv:fwrite:ratio\t%%.1f\t10%%\n'
	printf 'ch/README.md\t| `write(2)` | {*} ns | {}x |\tch_write.csv:write(2) per record:ratio\t%%.0f\t-\n'
} >"$work/root/docs/bench/figures/more.tsv"
printf '| 1 |\n| 2 |\n' >>"$work/root/ch/README.md"
run check
expect "broken registry lines are reported" 1 \
	"more.tsv:1: the pattern matches 2 lines (10, 11) of ch/README.md" \
	"more.tsv:2: the pattern matches no line of ch/README.md" \
	"more.tsv:3: ch/README.md:6: CSV recorded ch_write.csv has no row 'fread'" \
	"more.tsv:4: ch/README.md:6: CSV recorded ch_write.csv has no column 'ns'" \
	"more.tsv:5: ch/README.md:6: unknown CSV file ch_read.csv" \
	"more.tsv:6: expected 5 TAB-separated fields, found 3" \
	"more.tsv:7: the pattern has 0 '{}' where it needs one" \
	"more.tsv:8: format '%d' is not a printf conversion" \
	"more.tsv:9: tolerance '10%' is not a percentage, abs:N or -" \
	"more.tsv:10: ch/README.md:5: this figure is registered already, by docs/bench/figures/ch.tsv:3" \
	"14 figures checked, 10 problems"
# update refuses to write anything while the registry has a problem.
sed -i 's/| 703.7 ns |/| 9.9 ns |/' "$work/root/ch/README.md"
cp "$work/root/ch/README.md" "$work/before"
run update
expect "update reports a broken registry" 1 "10 problems"
if cmp -s "$work/before" "$work/root/ch/README.md"; then
	passed=$((passed + 1))
else
	failed=$((failed + 1))
	echo "FAIL update rewrote a README although the registry is broken" >>"$log"
fi

# (f) Several runs. A fresh figure is the median of its runs: one slow
# run of three does not move it, two do, and the report says so.
fixture
# fresh_write RUN NS: fresh run RUN, with `write(2)` at NS ns.
fresh_write() { csv "$work/fresh/$1/ch_write.csv" "$2"; }
fresh_write 1 915; fresh_write 2 800; fresh_write 3 810
run drift "$work/fresh/1" "$work/fresh/2" "$work/fresh/3"
expect "one slow run of three is no drift" 0 "0 beyond tolerance"
fresh_write 2 920
run drift "$work/fresh/1" "$work/fresh/2" "$work/fresh/3"
expect "two slow runs of three are drift" 1 "1 beyond tolerance" \
	"ch/README.md:5: 703.7 recorded, 915.0 fresh (median of 3) (+30%"
# A run that did not write the file leaves the median to the others.
rm "$work/fresh/2/ch_write.csv"
run drift "$work/fresh/1" "$work/fresh/2" "$work/fresh/3"
expect "the median is of the runs that wrote the file" 0 "0 beyond tolerance"

# A second round judges again only what the first reported: both
# `write(2)` figures moved in the first round (+30%, the ratio +12%); the
# report kept lists only the first, so the second round, where both still
# moved, reports the first alone and counts the rest as held.
fixture
csv "$work/fresh/ch_write.csv" 915 64.3
run drift "$work/fresh"
expect "the first round reports two" 1 "2 beyond tolerance"
echo "$out" | grep 'ch.tsv:2,' >"$work/first-round.txt"
run drift --confirm "$work/first-round.txt" "$work/fresh"
expect "the second round judges only the first round's" 1 \
	"1 beyond tolerance, 0 not rerun, 3 held in the first round" \
	"703.7 recorded, 915.0 fresh"
expect_not "a figure the first round did not report is held" "57 recorded"
run drift --confirm "$work/no-such-report" "$work/fresh"
expect "--confirm needs a report" 2 "--confirm needs a report"

# The recorded runs widen the band: recorded 703.67 from runs of 640 to
# 760, so 25% of 703.67 (175.9) above 760 is 935.9 and below 640 is 464.1.
# recorded_write RUN NS: the recorded run RUN, with `write(2)` at NS ns.
recorded_write() { csv "$work/root/docs/bench/runs/$1/ch_write.csv" "$2"; }
recorded_write 1 640; recorded_write 2 703.67; recorded_write 3 760
fresh_write 1 930
run drift "$work/fresh/1"
expect "within the recorded runs' band is no drift" 0 "0 beyond tolerance"
fresh_write 1 940
run drift "$work/fresh/1"
expect "beyond the recorded runs' band is drift" 1 \
	"703.7 recorded (runs 640.0 to 760.0), 940.0 fresh (+34%, tolerance 25%)"
fresh_write 1 470
run drift "$work/fresh/1"
expect "within the band below is no drift" 0 "0 beyond tolerance"
fresh_write 1 460
run drift "$work/fresh/1"
expect "below the band is drift" 1 "460.0 fresh (-35%, tolerance 25%)"

# An absolute tolerance, for a figure near zero: the `fwrite` ratio of 1,
# allowed 0.5 either way, holds at 1.4 and moves at 1.6.
fixture
printf 'ch/README.md\t| `fwrite` | {*} ns | {}x |\tch_write.csv:fwrite:ratio\t%%.0f\tabs:0.5\n' \
	>>"$work/root/docs/bench/figures/ch.tsv"
csv "$work/fresh/ch_write.csv" 703.67 57.4 1.4
run drift "$work/fresh"
expect "within an absolute tolerance is no drift" 0 "0 beyond tolerance"
sed -i 's/^fwrite,12.2531,1.4$/fwrite,12.2531,1.6/' "$work/fresh/ch_write.csv"
run drift "$work/fresh"
expect "beyond an absolute tolerance is drift" 1 "1 beyond tolerance" \
	"ch/README.md:6: 1 recorded, 2 fresh (+60%, tolerance 0.5 either way)"

# (g) combine keeps, of each file, the whole run closest to the median:
# run 3 (ns 650 and ratio 8.5, against medians 650 and 8: 0 + 0.0625) is
# nearer than run 1 (600 and 8: 0.077 + 0) or run 2 (700 and 7: 0.2).
mkdir -p "$work/runs/1" "$work/runs/2" "$work/runs/3"
printf 'row,ns,ratio\na,600,8\n' >"$work/runs/1/t.csv"
printf 'row,ns,ratio\na,700,7\n' >"$work/runs/2/t.csv"
printf 'row,ns,ratio\na,650,8.5\n' >"$work/runs/3/t.csv"
run combine "$work/out" "$work/runs/1" "$work/runs/2" "$work/runs/3"
expect "combine succeeds" 0
if cmp -s "$work/runs/3/t.csv" "$work/out/t.csv"; then
	passed=$((passed + 1))
else
	failed=$((failed + 1))
	{ echo "FAIL combine did not keep run 3 whole:"; cat "$work/out/t.csv"; } >>"$log"
fi
# Runs that disagree on their rows, columns or files are refused.
printf 'row,ns,ratio\nb,650,9\n' >"$work/runs/3/t.csv"
run combine "$work/out" "$work/runs/1" "$work/runs/2" "$work/runs/3"
expect "combine refuses another row" 1 "line 2 is row 'b' where"
printf 'row,ns\na,650\n' >"$work/runs/3/t.csv"
run combine "$work/out" "$work/runs/1" "$work/runs/2" "$work/runs/3"
expect "combine refuses other columns" 1 "its columns differ from those of"
rm "$work/runs/3/t.csv"
run combine "$work/out" "$work/runs/1" "$work/runs/2" "$work/runs/3"
expect "combine refuses a missing file" 1 "has no t.csv"

# (h) record: each run into docs/bench/runs/N/, the closest into
# docs/bench/; a file of a bench not rerun keeps its recorded runs.
fixture
mkdir -p "$work/root/docs/bench/runs/1" "$work/root/docs/bench/runs/2"
echo 'old,1' >"$work/root/docs/bench/runs/1/other.csv"
echo 'old,1' >"$work/root/docs/bench/runs/2/ch_write.csv"
for r in 1 2 3; do csv "$work/new/$r/ch_write.csv" "$((600 + 50 * r))"; done
run record "$work/new/1" "$work/new/2" "$work/new/3"
expect "record succeeds" 0
# (status: 0, or what went wrong; out: none, as expect() wants both.)
status=0 out=
for r in 1 2 3; do
	cmp -s "$work/new/$r/ch_write.csv" "$work/root/docs/bench/runs/$r/ch_write.csv" ||
		status="run $r not kept"
done
cmp -s "$work/new/2/ch_write.csv" "$work/root/docs/bench/ch_write.csv" ||
	status="the median run 2 is not the recorded one"
[ -f "$work/root/docs/bench/runs/1/other.csv" ] ||
	status="the runs of a file not rerun are gone"
expect "record keeps the runs and the median" 0

# (i) spread: the medians of two sets of runs put `write(2)` at 703.67
# and 915 ns, a gap of 30% against a tolerance of 25%: listed, with 50 as
# the tolerance that covers it; the ratio, the same in both, is not.
fixture
for r in 1 2 3; do
	csv "$work/sets/s1/$r/ch_write.csv" "$((700 + r))"
	csv "$work/sets/s2/$r/ch_write.csv" "$((914 + r))"
done
run spread "$work/sets/s1" "$work/sets/s2"
expect "spread lists a figure the sets put apart" 0 \
	"ch/README.md:5: set medians 702.0, 916.0: a gap of 30% (tolerance 25%; 50 would cover it)" \
	"4 figures over 2 sets of runs, 1 spread beyond tolerance"
expect_not "spread leaves a figure the sets agree on" "57, 57"
run spread "$work/sets/s1"
expect "spread needs two sets" 2 "usage"

echo "$passed $failed" >"$result"
if [ "$failed" -eq 0 ]; then
	printf 'PASS  %-44s %d checks\n' "scripts/test_bench_figures.sh" "$passed"
else
	printf 'FAIL  %-44s %d passed, %d failed\n' "scripts/test_bench_figures.sh" \
		"$passed" "$failed"
	sed 's/^/      /' "$log" | head -n 40
fi
exit 0
