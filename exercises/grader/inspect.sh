#!/bin/sh
# Inspect the object file built from a student's name.c before it is
# linked into a test program, and reject what no answer needs:
#
#   inspect.sh OBJECT DEPFILE EXERCISE MANIFEST LIBRARY_OBJECT HEADER...
#
# OBJECT is name.o; DEPFILE the compiler's -MD list of what name.c
# included; MANIFEST exercises/grader/manifest.tsv (the names EXERCISE may
# define and call); LIBRARY_OBJECT the library objects linked beside it,
# separated by spaces (patterns/common's, and the chapter sources of the
# manifest's "link" line: their functions may be called); HEADER... the
# headers name.c may include besides the system's, patterns/common/ and
# the folders of the linked chapter sources.
#
# Rejected: a constructor or destructor (code that would run before or
# after the tests), an ifunc resolver (likewise), a raw system-call
# instruction, a global definition the exercise's header does not declare
# (a C library or Check function, main, _exit, waitpid...), a call outside
# the allowed list (exit, fork, kill, write, open...), and an #include of
# any other file (a solution). Prints the reason and exits 1; exits 0 with
# nothing printed when the object is accepted.
set -u
obj=$1 dep=$2 ex=$3 manifest=$4 library=$5
shift 5

reject() {
	echo "$*"
	exit 1
}

. "$(dirname "$0")/allowed.sh"

field() { # field KIND: the manifest's names of that kind for EXERCISE
	awk -F'\t' -v k="$1" -v e="$ex" '$1 == k && $2 == e { print $3 }' \
		"$manifest" | tr ' ' '\n'
}

in_list() { # in_list NAME LIST
	case " $(echo $2) " in *" $1 "*) return 0 ;; esac
	return 1
}

sections=$(readelf -SW "$obj" 2>/dev/null) || reject "not an object file"
for s in .init_array .fini_array .preinit_array .ctors .dtors; do
	case $sections in
	*" $s"*) reject "has a constructor or destructor ($s): code that" \
		"would run outside the tests" ;;
	esac
done

defined=$(field define)
# shellcheck disable=SC2086
called="$common_calls $(field call) $(nm -P -g --defined-only $library |
	awk 'NF > 1 && $1 !~ /:$/ { print $1 }') $defined"
# The first symbol that breaks a rule, as "kind name", in one pass.
verdict=$(nm -P "$obj" 2>/dev/null | awk -v defined="$defined" \
	-v called="$called" '
	BEGIN {
		n = split(defined, d, /[ \n]+/); for (i = 1; i <= n; i++) def[d[i]] = 1
		n = split(called, c, /[ \n]+/); for (i = 1; i <= n; i++) call[c[i]] = 1
	}
	$2 == "i" { print "ifunc " $1; exit }
	$2 ~ /^[Uwv]$/ {
		if ($1 ~ /^__(asan|ubsan|sanitizer|tsan|gcov|llvm|atomic)_/) next
		if (!($1 in call)) { print "call " $1; exit }
		next
	}
	$2 ~ /^[A-Z]$/ && !($1 in def) { print "define " $1; exit }')
case $verdict in
ifunc\ *) reject "defines ${verdict#ifunc } as an ifunc: code that would" \
	"run before the tests" ;;
call\ *) reject "calls ${verdict#call }(), which this exercise does not" \
	"need: the grader allows only the functions a solution uses" ;;
define\ *) reject "defines ${verdict#define }, which $ex's header does not" \
	"declare (make a helper static)" ;;
esac

if objdump -d --no-show-raw-insn "$obj" 2>/dev/null |
	grep -qE '[[:space:]](syscall|sysenter|int[[:space:]]+\$0x80)([[:space:]]|$)'; then
	reject "contains a raw system-call instruction"
fi

# Every file the compiler read for name.c (the first is name.c itself),
# resolved in one call.
patterns=$(cd "$(dirname "$0")/../../patterns" && pwd -P)
chapters="$patterns/common"
for word in $(field link); do
	case $word in
	*.c) chapters="$chapters $(realpath -m "$patterns/$(dirname "$word")")" ;;
	esac
done
allowed=$(realpath -e "$@" 2>/dev/null | tr '\n' ' ')
# The compiled file itself is the first .c of the list (clang's
# sanitizers put their ignore list before it).
included=$(sed -e 's/^[^:]*://' -e 's/\\$//' "$dep" | tr ' ' '\n' |
	sed '/^$/d' | awk '!seen && /\.c$/ { seen = 1; next } { print }')
[ -z "$included" ] && exit 0
# shellcheck disable=SC2086
for real in $(realpath -m -- $included); do
	case $real in
	/usr/include/* | /usr/lib/gcc/* | /usr/lib/llvm-*/*) continue ;;
	esac
	case $real in
	*.h) in_list "$(dirname "$real")" "$chapters" && continue ;;
	esac
	in_list "$real" "$allowed" ||
		reject "includes $real, a file its exercise does not provide"
done
exit 0
