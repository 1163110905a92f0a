# Sourced by build.sh and selftest.sh: when a product must be made again.
# A product's dependency list is in the compiler's -MD format ("target:
# file file \"), and seal records the contents of what it names in
# PRODUCT.sum once the product is made.

deps_of() { # deps_of DEPFILE...: the files named, one word each
	sed -e 's/^[^:]*://' -e 's/\\$//' "$@" 2>/dev/null
}

# One checksum of the contents of the regular files listed (a folder
# counts by its time alone).
contents_of() { # contents_of FILE...
	find "$@" -prune -type f -exec cat {} + 2>&1 | sha256sum
}

# Is PRODUCT missing, or older than a file it was made from (make's test:
# `touch` remakes it), or was one of them changed to other contents
# under an older time (a copy that kept its time, a restored backup)? A
# file that no longer exists counts as changed.
stale() { # stale PRODUCT DEPFILE...
	product=$1
	shift
	[ -e "$product" ] && [ -f "$product.sum" ] || return 0
	deps=$(deps_of "$@") || return 0
	[ -n "$deps" ] || return 0
	# shellcheck disable=SC2086
	[ -n "$(find $deps -prune -newer "$product" 2>&1 | head -n 1)" ] ||
		[ "$(contents_of $deps)" != "$(cat "$product.sum")" ]
}

seal() { # seal PRODUCT DEPFILE...
	product=$1
	shift
	# shellcheck disable=SC2046
	contents_of $(deps_of "$@") >"$product.sum"
}

# ---- a self-test group's verdict, reused when nothing it reads changed ----
# The key is one checksum of the contents and names of every file the
# group reads under ROOT (exercises/, solutions/, patterns/, the one
# script it calls, mk/grader.mk; build folders left out), with the
# compiler's --version, CC, the group, and every GRADE_* setting but
# GRADE_REUSE. A file's time plays no part: `touch` reuses, a byte rerun.
verdict_key() { # verdict_key ROOT GROUP MODE
	(
		cd "$1" || exit 1
		echo "group=$2 mode=$3 cc=${CC:-cc}"
		"${CC:-cc}" --version 2>&1
		env | grep '^GRADE_' | grep -v '^GRADE_REUSE=' | LC_ALL=C sort
		find exercises solutions patterns scripts/deps.sh mk/grader.mk \
			-name build -prune -o -type f -exec sha256sum {} + 2>&1 |
			LC_ALL=C sort -k 2
	) | sha256sum | cut -d ' ' -f 1
}

# KEEP (RESULT.key) holds the key, the date, the counts and the skipped
# note of the last run, written only when it passed. Reuse it when its
# key is KEY: write RESULT as that run did and print its summary line.
reuse_verdict() { # reuse_verdict RESULT KEY LABEL
	[ "${GRADE_REUSE:-1}" != 0 ] && [ -f "$1.key" ] || return 1
	{ read -r key && read -r date && read -r p f && read -r note; } \
		<"$1.key" || return 1
	[ "$key" = "$2" ] && [ "$f" = 0 ] && [ "$p" -gt 0 ] || return 1
	echo "$p 0" >"$1"
	printf 'PASS  %-44s %d checks%s, reused: %s\n' "$3" "$p" \
		"${note:+ ($note)}" "the verdict of $date, as nothing it reads changed"
}

record_verdict() { # record_verdict RESULT KEY PASSED FAILED NOTE
	rm -f "$1.key"
	[ "$4" -eq 0 ] && [ "$3" -gt 0 ] || return 0
	printf '%s\n%s\n%s 0\n%s\n' "$2" "$(date -u '+%Y-%m-%d %H:%M UTC')" \
		"$3" "$5" >"$1.key"
}
