# Sourced by grade-class.sh (and by each of its parallel jobs): take a
# student's files, grade them sandboxed, and write the gradebook. Uses
# here root manifest submissions out work exercises count.

# The student's NN_name/name.c, wherever a submission keeps it: in
# exercises/ (a clone) or at the top (a folder laid out like exercises/).
# Only a regular file of at most 1 MiB is taken; a symlink never is.
collect() { # collect STUDENT SRC FLAGS_FILE
	for ex in $exercises; do
		name=${ex#[0-9][0-9]_}
		for place in "$submissions/$1/exercises/$ex" "$submissions/$1/$ex"; do
			file=$place/$name.c
			[ -e "$file" ] || [ -L "$file" ] || continue
			# Every part of the path must be the student's own: a
			# symlinked exercises/ or NN_name/ could point anywhere.
			if [ -L "$file" ] || ! inside "$file" "$submissions/$1"; then
				echo "symlink:$ex" >>"$3"
				break
			fi
			[ -f "$file" ] || continue
			if [ "$(wc -c <"$file")" -gt 1048576 ]; then
				echo "too-large:$ex" >>"$3"
				break
			fi
			mkdir -p "$2/$ex" && cp "$file" "$2/$ex/$name.c"
			header_changed "$place/$name.h" "$ex" && echo "header:$ex" >>"$3"
			break
		done
	done
}

inside() { # inside FILE FOLDER: FILE's real path is under FOLDER's
	real=$(realpath -e -- "$1" 2>/dev/null) || return 1
	case $real in "$(realpath -e -- "$2")"/*) return 0 ;; esac
	return 1
}

header_changed() { # header_changed HEADER EXERCISE
	[ -f "$1" ] && [ ! -L "$1" ] && inside "$1" "$submissions/$student" ||
		return 1
	[ "$(sha256sum <"$1" | cut -d' ' -f1)" != "$(awk -F'\t' -v e="$2" \
		'$1 == "exercise" && $2 == e { print $3 }' "$manifest")" ]
}

grade_student() { # grade_student STUDENT (GRADE_SLOT set by xargs)
	student=$1 slot=${GRADE_SLOT:-0}
	dir=$work/students/$slot-$(printf '%s' "$student" | sha256sum | cut -c1-16)
	uid=$((60000 + slot))
	rm -rf "$dir" && mkdir -p "$dir/src" "$out/$student" || return 1
	: >"$dir/flags"
	collect "$student" "$dir/src" "$dir/flags"
	chmod -R a+rX "$dir"
	# shellcheck disable=SC2086
	GRADE_SANDBOX=$slot GRADE_SRC=$dir/src GRADE_BUILD=$dir/build \
		GRADE_REPORT=$out/$student GRADE_JAIL_OWNER=$uid:$uid \
		GRADE_JAIL="unshare --net --ipc -- setpriv --reuid=$uid \
--regid=$uid --clear-groups --no-new-privs --" \
		"$here/grade.sh" --brief $exercises >"$dir/brief" 2>"$dir/err"
	cp "$dir/brief" "$out/$student/brief.tsv"
	cp "$dir/flags" "$out/$student/flags.txt"
	mkdir -p "$work/done" && : >"$work/done/$slot-$$"
	done_count=$(find "$work/done" -type f | wc -l)
	printf 'graded %d/%d: %s %s\n' "$done_count" "$count" "$student" \
		"$(awk -F'\t' '$1 == "exercise" { s += $4; m += $5 }
			END { print s "/" m }' "$dir/brief")"
}

csv_field() { # a CSV field, quoted when it must be
	case $1 in
	*[\",]* | *"
"*) printf '"%s"' "$(printf '%s' "$1" | sed 's/"/""/g')" ;;
	*) printf '%s' "$1" ;;
	esac
}

# The gradebook of this run's students, read from the file that lists
# them (one per line), so an OUT used before keeps no stale row.
write_gradebook() { # write_gradebook STUDENTS_FILE
	printf 'student,total,max'
	for ex in $exercises; do printf ',%s' "$ex"; done
	printf ',flags\n'
	while IFS= read -r student; do
		report=$out/$student/brief.tsv
		[ -f "$report" ] || continue
		flags=$( (cat "$(dirname "$report")/flags.txt"
			awk -F'\t' '$1 == "exercise" && $3 == "REJECTED" {
				print "rejected:" $2 }' "$report") | sort -u |
			tr '\n' ' ' | sed 's/ $//')
		csv_field "$student"
		awk -F'\t' -v list="$exercises" '$1 == "exercise" {
				score[$2] = $4; s += $4; m += $5 }
			END {
				printf ",%d,%d", s, m
				n = split(list, ex, /[ \n]+/)
				for (i = 1; i <= n; i++)
					if (ex[i] != "") printf ",%d", score[ex[i]]
			}' "$report"
		printf ','
		csv_field "$flags"
		printf '\n'
	done <"$1"
}
