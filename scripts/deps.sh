#!/bin/sh
# Install the Debian packages a make target needs, and only those missing.
#
#   scripts/deps.sh GROUP...      e.g. scripts/deps.sh test docs
#   scripts/deps.sh               every group
#
# Quiet when nothing is missing. As root it uses apt-get; otherwise sudo -n
# when that works without a password; otherwise it prints the exact command
# to run and exits 1. The package lists are refreshed once, and only when a
# package is not known to apt.
set -eu

packages_for() {
	case "$1" in
	test)
		# SKIP_REDIS=1 is the only way to do without redis-server; the
		# Redis suites then say that they were skipped. libmicrohttpd
		# and libcurl are the HTTP cache chapter's server and client.
		if [ "${SKIP_REDIS:-}" = 1 ]; then
			echo "deps.sh: SKIP_REDIS=1: redis-server is not required; the Redis suites are skipped" >&2
			echo "check pkg-config libsqlite3-dev libhiredis-dev libmicrohttpd-dev libcurl4-openssl-dev"
		else
			echo "check pkg-config libsqlite3-dev libhiredis-dev libmicrohttpd-dev libcurl4-openssl-dev redis-server"
		fi ;;
	clang)    echo "clang" ;;
	valgrind) echo "valgrind" ;;
	profile)  echo "binutils valgrind" ;;
	docs)     echo "doxygen graphviz gnuplot-nox" ;;
	lint)     echo "clang-format cppcheck" ;;
	fuzz)     echo "clang libclang-rt-dev" ;;
	debug)    echo "gdb" ;;
	chromium) echo "chromium" ;;
	*)        echo "deps.sh: unknown group '$1'" >&2; exit 2 ;;
	esac
}

all_groups="test clang valgrind profile docs lint fuzz debug chromium"
[ "$#" -gt 0 ] || set -- $all_groups

wanted=""
for group in "$@"; do
	wanted="$wanted $(packages_for "$group")"
done

missing=""
for pkg in $wanted; do
	case " $missing " in *" $pkg "*) continue ;; esac
	status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
	[ "$status" = "install ok installed" ] || missing="$missing $pkg"
done
missing=${missing# }
[ -n "$missing" ] || exit 0

if ! command -v apt-get >/dev/null 2>&1; then
	echo "deps.sh: missing packages: $missing" >&2
	echo "deps.sh: this is not a Debian/Ubuntu system; install their equivalents by hand." >&2
	exit 1
fi

if [ "$(id -u)" -eq 0 ]; then
	as_root=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
	as_root="sudo -n"
else
	echo "deps.sh: missing Debian packages: $missing" >&2
	echo "deps.sh: run this, then try again:" >&2
	echo "    sudo apt-get update && sudo apt-get install -y $missing" >&2
	exit 1
fi

echo "deps.sh: installing $missing"
export DEBIAN_FRONTEND=noninteractive

# A package apt has never heard of means the lists are missing or stale
# (a fresh container has none): refresh them once, not on every run.
for pkg in $missing; do
	if ! apt-cache show "$pkg" >/dev/null 2>&1; then
		$as_root apt-get update -q >/dev/null 2>&1 || true
		break
	fi
done

# apt's chatter goes to a log that is shown only when something fails.
log=$(mktemp)
trap 'rm -f "$log"' EXIT
$as_root apt-get install -y -q --no-install-recommends $missing >"$log" 2>&1 || {
	cat "$log" >&2
	echo "deps.sh: apt-get install failed for: $missing" >&2
	exit 1
}
