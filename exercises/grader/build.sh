# Sourced by grade.sh: build the grader's own tools, and one exercise.
# Uses grade.sh's variables: here root manifest src trusted tools cc
# cflags check_flags jail mode.
#
# build_exercise leaves in its folder either a linked `test` or exactly one
# of these files, which the report reads as the exercise's status:
#   missing        no name.c to grade
#   compile.failed name.c (or the link) failed; compile.log says why
#   rejected       the inspection refused the object (or a changed header)
#   error          the grader's own side is broken (a missing test file)

hide_args=""
if [ -n "${GRADE_HIDE:-}" ]; then
	old_ifs=$IFS IFS=:
	for path in $GRADE_HIDE; do
		hide_args="$hide_args -H $path"
	done
	for path in ${GRADE_KEEP:-}; do
		hide_args="$hide_args -K $path"
	done
	IFS=$old_ifs
fi

. "$here/stale.sh"

sum() { sha256sum "$@" 2>/dev/null | cut -d' ' -f1; }

# The runner, the report tool and the objects every test links: rebuilt
# when the compiler, the flags or a source changed, and whenever a tool is
# not the file that was built (a replaced tool does not survive).
build_tools() {
	stamp="$cc $cflags $(cat "$here/run.c" "$here/report.c" \
		"$here/grade.c" "$here"/grade*.h "$root/patterns/common/dp_common.c" |
		sum)"
	if [ "$(cat "$tools/common/stamp" 2>/dev/null)" = "$stamp" ] &&
		[ "$(cat "$tools/common/tools.sum" 2>/dev/null)" = \
			"$(sum "$tools/grade-run" "$tools/grade-report" \
				"$tools/common/grade.o" "$tools/common/dp_common.o")" ]; then
		return 0
	fi
	rm -f "$tools/common/stamp"
	warn="-std=c11 -O1 -Wall -Wextra -Wpedantic -Werror -Wshadow \
-Wstrict-prototypes -Wmissing-prototypes"
	# shellcheck disable=SC2086
	$cc $warn -o "$tools/grade-run" "$here/run.c" &&
		$cc $warn -o "$tools/grade-report" "$here/report.c" &&
		$cc $cflags -I"$here" -I"$root/patterns" -c "$here/grade.c" \
			-o "$tools/common/grade.o" &&
		$cc $cflags -I"$root/patterns" -c \
			"$root/patterns/common/dp_common.c" \
			-o "$tools/common/dp_common.o" || return 1
	sum "$tools/grade-run" "$tools/grade-report" "$tools/common/grade.o" \
		"$tools/common/dp_common.o" >"$tools/common/tools.sum"
	echo "$stamp" >"$tools/common/stamp"
}

manifest_field_of() { # manifest_field_of KIND EXERCISE: the third column
	awk -F'\t' -v k="$1" -v e="$2" '$1 == k && $2 == e { print $3 }' \
		"$manifest"
}

manifest_field() { # manifest_field EXERCISE COLUMN
	awk -F'\t' -v e="$1" -v c="$2" '$1 == "exercise" && $2 == e { print $c }' \
		"$manifest"
}

# A header is the manifest's, byte for byte, or the exercise is refused:
# one #define in it could change what a test checks.
header_ok() { # header_ok EXERCISE HEADER OUT
	[ ! -e "$2" ] && [ "$2" != "$trusted/$1/${1#[0-9][0-9]_}.h" ] &&
		return 0
	[ "$(sum "$2")" = "$(manifest_field "$1" 3)" ] && return 0
	echo "${2#"$root"/} differs from the original; the grader uses" \
		"only the original (restore it, in exercises/: git checkout --" \
		"$1/${1#[0-9][0-9]_}.h)" >"$3/rejected"
	return 1
}

# GRADE_REUSE=1 (the grader's self-test sets it) keeps an exercise's
# build when nothing it was built from changed, as make decides: the
# folder's stamp, "built", must be newer than every file of its
# dependency list, deps.d, which is the compiler's own lists (name.c, the
# test file, the linked chapter sources and every header each included)
# plus the grader's tools, scripts and manifest. The stamp also holds the
# compiler, the flags, the folders and the outcome; any difference
# rebuilds. The previous run's verdicts are deleted either way.
build_exercise() { # build_exercise EXERCISE OUT
	key="$cc $cflags|$src|$trusted|$tools|$mode|${GRADE_INSPECT:-1}|$jail"
	if [ "${GRADE_REUSE:-0}" = 1 ] && [ -f "$2/built" ] &&
		[ "$(sed -n 1p "$2/built")" = "$key" ] &&
		! stale "$2/built" "$2/deps.d"; then
		rm -f "$2/result.txt" "$2/output.txt" "$2/tests.txt"
		return "$(sed -n 2p "$2/built")"
	fi
	build_exercise_now "$@"
	set -- "$1" "$2" $?
	# Built from what the new stamp names, so that a file changed while
	# the build ran is newer than the stamp.
	[ "${GRADE_REUSE:-0}" = 1 ] && [ -f "$2/code.d" ] &&
		record_build "$1" "$2" "$3"
	return "$3"
}

record_build() { # record_build EXERCISE OUT STATUS
	name=${1#[0-9][0-9]_}
	{
		cat "$2/code.d" "$2/test.d" $link_deps
		echo "inputs: $src/$1 $src/$1/$name.c $trusted/$1" \
			"$trusted/$1"/*.h "$trusted/$1/test_$name.c" "$here"/*.sh \
			"$manifest" "$tools/grade-run" "$tools/grade-report" \
			"$tools/common/grade.o" "$tools/common/dp_common.o"
	} >"$2/deps.d" 2>/dev/null
	printf '%s\n%s\n' "$key" "$3" >"$2/built.new"
	seal "$2/built.new" "$2/deps.d" && mv "$2/built.new.sum" "$2/built.sum" &&
		touch -r "$2/started" "$2/built.new" && mv "$2/built.new" "$2/built"
}

build_exercise_now() { # build_exercise_now EXERCISE OUT
	ex=$1 out=$2 name=${1#[0-9][0-9]_}
	link_objects="" link_deps=""
	rm -rf "$out" && mkdir -p "$out" && touch "$out/started" || return 1
	[ -n "${GRADE_JAIL_OWNER:-}" ] && chown "$GRADE_JAIL_OWNER" "$out"
	test_c=$trusted/$ex/test_$name.c
	code_c=$src/$ex/$name.c
	if [ ! -f "$test_c" ]; then
		echo "the test file ${test_c#"$root"/} is missing" >"$out/error"
		return 1
	fi
	header_ok "$ex" "$trusted/$ex/$name.h" "$out" || return 1
	header_ok "$ex" "$src/$ex/$name.h" "$out" || return 1
	if [ ! -f "$code_c" ] || [ -L "$code_c" ]; then
		echo "there is no file $ex/$name.c to grade" >"$out/missing"
		return 1
	fi
	inc="-I$trusted/$ex -I$here -I$root/patterns -I$root"
	compile_test "$ex" "$out" || return 1
	compile_links "$ex" "$out" || return 1
	# shellcheck disable=SC2086
	{
		timeout 60 $jail $cc $cflags $inc -MD -MF "$out/code.d" \
			-c "$code_c" -o "$out/code.o" &&
			inspect_code "$ex" "$out" &&
			$cc $cflags -o "$out/test" "$out/test.o" "$out/code.o" \
				$link_objects "$tools/common/grade.o" \
				"$tools/common/dp_common.o" $link_libs \
				$check_flags -lm
	} >"$out/compile.log" 2>&1
	# Paths as a student reads them, from the repository's root.
	sed -i "s|$root/||g" "$out/compile.log"
	[ -f "$out/rejected" ] && sed -i "s|$root/||g" "$out/rejected"
	[ -f "$out/rejected" ] && return 1
	[ -x "$out/test" ] && optinfo_report "$ex" "$out" && return 0
	touch "$out/compile.failed"
	return 1
}

# The test file's object depends only on the test file, the headers of
# its exercise folder (the trusted one), the grader's, the compiler and
# the flags, never on the student's code: it is compiled once
# and kept under a name made of their checksum.
compile_test() { # compile_test EXERCISE OUT
	test_key=$(cat "$test_c" "$trusted/$1"/*.h "$here"/grade*.h |
		sum)-$(echo "$cc $cflags $trusted" | sum)
	cached=$tools/common/test-$1-$test_key.o
	if stale "$cached" "$cached.d"; then
		# shellcheck disable=SC2086
		if ! timeout 60 $cc $cflags $inc -ffile-prefix-map="$trusted/=" \
			-MD -MF "$cached.d.$$" -c "$test_c" -o "$cached.$$" \
			>"$2/test.log" 2>&1; then
			echo "the test file does not compile: see $2/test.log" \
				>"$2/error"
			return 1
		fi
		mv "$cached.d.$$" "$cached.d" && seal "$cached" "$cached.d" &&
			mv "$cached.$$" "$cached"
	fi
	cp "$cached" "$2/test.o" && cp "$cached.d" "$2/test.d"
}

# The chapter sources and libraries of the manifest's "link" line (from
# the test file's "grade-link:"), trusted code linked beside the answer.
# Each source is compiled once per compiler and flags, like the test file;
# sets link_objects and link_libs.
compile_links() { # compile_links EXERCISE OUT
	link_objects="" link_libs="" link_deps=""
	for word in $(manifest_field_of link "$1"); do
		case $word in
		-l*) link_libs="$link_libs $word" ;;
		*) source=$root/patterns/$word
			link_key=$(sum "$source" "$(dirname "$source")"/*.h \
				"$root"/patterns/common/*.h | sum)-$(echo "$cc $cflags" | sum)
			object=$tools/common/link-$(echo "$word" | tr '/.' '__')-$link_key.o
			if stale "$object" "$object.d"; then
				# shellcheck disable=SC2086
				timeout 60 $cc $cflags -I"$root/patterns" -MD \
					-MF "$object.d.$$" -c "$source" -o "$object.$$" \
					>"$2/test.log" 2>&1 &&
					mv "$object.d.$$" "$object.d" &&
					seal "$object" "$object.d" &&
					mv "$object.$$" "$object" || {
					echo "the chapter source patterns/$word does not" \
						"compile: see $2/test.log" >"$2/error"
					return 1
				}
			fi
			link_objects="$link_objects $object"
			link_deps="$link_deps $object.d" ;;
		esac
	done
}

# The inspection reads a plain build of name.c: the sanitizers add
# constructors and calls of their own to every object they instrument.
inspect_code() { # inspect_code EXERCISE OUT
	[ "${GRADE_INSPECT:-1}" = 0 ] && return 0
	object=$2/code.o
	if [ "$mode" != plain ]; then
		object=$2/code-plain.o
		# shellcheck disable=SC2086
		timeout 60 $jail $cc $plain_cflags $inc -c "$code_c" \
			-o "$object" || return 1
	fi
	"$here/inspect.sh" "$object" "$2/code.d" "$1" "$manifest" \
		"$tools/common/dp_common.o$link_objects" "$trusted/$1/${1#[0-9][0-9]_}.h" \
		"$src/$1/${1#[0-9][0-9]_}.h" >"$2/rejected" && {
		rm -f "$2/rejected"
		return 0
	}
	return 1
}

# The compiler's own optimization report, for a test file whose top
# comment asks for it with a line ` * grade-optinfo: FLAGS` (say -O3):
# name.c is compiled once more, with the plain flags and FLAGS, and what
# the vectorizer did goes to optinfo.txt, one remark a line,
#   FUNCTION <tab> LINE:COL <tab> KIND <tab> MESSAGE
# KIND is vectorized, in-order (gcc's "vectorized" fold-left reduction:
# vector loads, the additions still one at a time and in order) or
# missed. FUNCTION is where the compiler did it, so a loop in a static
# helper counts for the function it was inlined into, whatever the
# layout of the source. The report is also appended to the test program,
# followed by a line "grade-optinfo SIZE": a sandboxed test can read its
# own executable (/proc/self/exe) but not the folder it came from.
optinfo_report() { # optinfo_report EXERCISE OUT
	flags=$(sed -n '1,/\*\//s/^ \* grade-optinfo://p' "$test_c" | head -n 1)
	[ -n "$flags" ] || return 0
	if $cc --version 2>/dev/null | grep -qi clang; then
		raw=$2/optinfo.yaml
		report_flags="-fsave-optimization-record -foptimization-record-file=$raw
-foptimization-record-passes=loop-vectorize|slp-vectorizer"
	else
		raw=$2/optinfo.vect report_flags="-fdump-tree-vect-details=$raw"
	fi
	# shellcheck disable=SC2086
	timeout 60 $jail $cc $plain_cflags -Wno-error $flags $report_flags \
		$inc -c "$code_c" -o "$2/optinfo.o" >"$2/optinfo.log" 2>&1 &&
		touch "$raw" && # gcc writes no dump for a file without loops
		awk -F': ' '
		# gcc: ";; Function NAME (...)", "Analyzing loop at FILE:LINE",
		# then "FILE:L:C: KIND: TEXT". A clone (NAME.part.0,
		# NAME.constprop.0) counts for NAME. The misses of a loop that
		# was vectorized in the end (other vector sizes tried) are noise.
		/^;; Function / { split($0, w, " "); fn = w[3]; loop = ""
			sub(/\..*/, "", fn); next }
		/^Analyzing loop at / { loop = $0; sub(/.*:/, "", loop) }
		match($0, /:[0-9]+:[0-9]+: (optimized|missed|note): /) {
			at = substr($0, RSTART + 1, RLENGTH - 1)
			sub(/: .*/, "", at)
			text = substr($0, RSTART + RLENGTH)
			sub(/^ +/, "", text)
			key = fn "\t" at
			if (index($0, ": optimized: ") && text ~ /vectorized/) {
				vec[++nvec] = key "\t" text
				split(at, p, ":")
				done[fn "\t" p[1]] = 1
			} else if (text ~ /in-order \(fold-left\) reduction/)
				inorder[key] = 1
			else if (index($0, ": missed: ") && text ~ /not vectorized/ &&
				!seen[key "\t" text]++) {
				missed[++nmissed] = key "\tmissed\t" text
				in_loop[nmissed] = fn "\t" loop
			}
		}
		# clang: YAML records, "--- !Passed" to "...".
		/^--- !/ { kind = $0 ~ /!Passed/ ? "vectorized" : "missed"
			fn = line = col = pass = text = "" }
		/^Pass: / { pass = $2; sub(/^ +/, "", pass) }
		/^Function: / { fn = $2; sub(/^ +/, "", fn); sub(/\..*/, "", fn) }
		/Line: [0-9]/ { line = $0; sub(/.*Line: /, "", line); sub(/[^0-9].*/, "", line) }
		/Column: [0-9]/ { col = $0; sub(/.*Column: /, "", col); sub(/[^0-9].*/, "", col) }
		/^  - [A-Za-z]+: / { v = $0; sub(/^  - [A-Za-z]+: +/, "", v)
			if (v ~ /^'\''.*'\''$/) {
				v = substr(v, 2, length(v) - 2); gsub(/'\'\''/, "'\''", v)
			}
			text = text v }
		/^\.\.\.$/ && kind != "" && !(kind == "missed" && pass ~ /slp/) {
			entry = fn "\t" line ":" col "\t" kind "\t" text
			if (!seen[entry]++) print entry
			kind = ""
		}
		END {
			for (i = 1; i <= nvec; i++) {
				split(vec[i], f, "\t")
				print f[1] "\t" f[2] "\t" \
					(inorder[f[1] "\t" f[2]] ? "in-order" : "vectorized") \
					"\t" f[3]
			}
			for (i = 1; i <= nmissed; i++)
				if (!(in_loop[i] in done))
					print missed[i]
		}' "$raw" >"$2/optinfo.txt" ||
		echo "(no report: see optinfo.log)" >"$2/optinfo.txt"
	{ cat "$2/optinfo.txt" && echo "grade-optinfo $(wc -c <"$2/optinfo.txt")"; } \
		>>"$2/test"
}
