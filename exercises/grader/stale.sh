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
