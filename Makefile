# The one entry point. `make help` lists the targets.
#
# This file is the core: the build modes, the patterns' library, suites,
# examples and benches, and the targets that run them. Each other part of
# the repository has its own fragment, mk/<part>.mk, included below in one
# place; the order of the fragments does not matter.
#
# Adding a part means adding one fragment, mk/<part>.mk, and no edit here:
# - define its own variables with a prefix of its own (DEMO_, DOCS_, ...);
# - add to the core's lists only with `+=`, never `:=` or `=`:
#     RESULT_FILES   verdict files `make test`, memcheck, valgrind and tsan
#                    run and summarise (a rule in the fragment writes them)
#     TEST_PROGRAMS  programs `make all` (build-tests) builds
#     BENCHES        programs `make bench` runs, one at a time
#     ALL_C          C files lint checks (cppcheck, function length) and
#                    whose dependency files (.d) are read
#     SOURCES        C files and headers lint and format keep formatted
#   These lists are recursive: they expand only when a recipe or the rules
#   at the end of this file read them, once every fragment has added to them;
# - give each public target a `## description` on its rule line, so that
#   `make help` lists it, and declare it .PHONY in the fragment;
# - read the core's variables freely (O, MODE, P, LIB, LIBS, HEADERS, ...):
#   they are set before any fragment is read.
#
# Every pattern folder under patterns/ is found by the wildcards below: its
# <name>.c (and any other .c that is not a test, example, bench or program)
# goes into build/libdp.a, test_*.c becomes a Check suite, example.c an
# example whose output is compared with example.out, bench_*.c a benchmark,
# and *_main.c a program with its own main() that a target of its own
# builds (`make profile`, `make browser-check`). Adding a pattern needs no
# edit here; a pattern that needs flags of its own gets a fragment
# (mk/vectorize.mk).
#
# Build modes keep their products apart, so switching never mixes objects:
#   MODE=debug  build/         the default: tests, examples, the library
#   MODE=asan   build/asan/    AddressSanitizer + UndefinedBehaviorSanitizer
#   MODE=tsan   build/tsan/    ThreadSanitizer
#   MODE=bench  build/bench/   optimised, for timings

.DEFAULT_GOAL := all
SHELL := /bin/sh

MODE ?= debug
CC ?= cc

WARNINGS := -Wall -Wextra -Wpedantic -Werror -Wshadow -Wstrict-prototypes \
            -Wmissing-prototypes
SANITIZE_ASAN := -fsanitize=address,undefined -fno-sanitize-recover=all \
                 -fno-omit-frame-pointer
SANITIZE_TSAN := -fsanitize=thread

ifeq ($(MODE),debug)
O := build
OPT := -O1
else ifeq ($(MODE),asan)
O := build/asan
OPT := -O1
MODE_FLAGS := $(SANITIZE_ASAN)
else ifeq ($(MODE),tsan)
O := build/tsan
OPT := -O1
MODE_FLAGS := $(SANITIZE_TSAN)
else ifeq ($(MODE),bench)
O := build/bench
OPT := -O2
else
$(error MODE must be debug, asan, tsan or bench, not '$(MODE)')
endif

# CFLAGS and LDFLAGS stay free for the user (`make CFLAGS=-O0`).
ALL_CFLAGS = -std=c11 $(WARNINGS) -g $(OPT) -pthread $(MODE_FLAGS) \
             -Ipatterns -MMD -MP $(CFLAGS)
ALL_LDFLAGS = -pthread $(MODE_FLAGS) $(LDFLAGS)
# Programs built outside the build modes, against the debug library
# (`make profile`, `make browser-check`, `make web-check`).
PROF_CFLAGS = -std=c11 $(WARNINGS) -g -O1 -pthread -Ipatterns $(CFLAGS)
# Libraries every program that links libdp.a needs: SQLite (the batch
# chapter's database half), hiredis (the Redis cache), libmicrohttpd and
# libcurl (the HTTP cache's server and client). Recursive, like
# CHECK_LIBS: pkg-config runs when a recipe does, after scripts/deps.sh
# has installed them.
LIBS = -lm $(shell pkg-config --libs sqlite3 hiredis libmicrohttpd libcurl)

# Evaluated when a recipe runs, after scripts/deps.sh has installed Check.
CHECK_LIBS = $(shell pkg-config --libs check)

PATTERN_C    := $(wildcard patterns/*/*.c)
TEST_SRCS    := $(wildcard patterns/*/test_*.c)
BENCH_SRCS   := $(wildcard patterns/*/bench_*.c)
EXAMPLE_SRCS := $(wildcard patterns/*/example.c)
MAIN_SRCS    := $(wildcard patterns/*/*_main.c)
LIB_SRCS     := $(filter-out $(TEST_SRCS) $(BENCH_SRCS) $(EXAMPLE_SRCS) \
                             $(MAIN_SRCS),$(PATTERN_C))
HEADERS      := $(wildcard patterns/*/*.h)

# `SKIP_REDIS=1` is the one way to run without redis-server: the cache
# suite then reports its Redis tests as skipped, and the example and bench,
# which cannot run without a server, are left out.
ifeq ($(SKIP_REDIS),1)
BENCH_SRCS   := $(filter-out patterns/cache/%,$(BENCH_SRCS))
EXAMPLE_SRCS := $(filter-out patterns/cache/%,$(EXAMPLE_SRCS))
endif

# `make test P=strategy` (or P="strategy observer") runs only the suites,
# examples and benches of those folders; the library is always whole. A
# fragment reads P for its own part (P=demo).
ifneq ($(P),)
ONLY := $(foreach p,$(P),patterns/$(p)/%)
TEST_SRCS    := $(filter $(ONLY),$(TEST_SRCS))
BENCH_SRCS   := $(filter $(ONLY),$(BENCH_SRCS))
EXAMPLE_SRCS := $(filter $(ONLY),$(EXAMPLE_SRCS))
endif

LIB             := $(O)/libdp.a
LIB_OBJS        := $(LIB_SRCS:%.c=$(O)/%.o)
TESTS           := $(TEST_SRCS:%.c=$(O)/%)
EXAMPLES        := $(EXAMPLE_SRCS:%.c=$(O)/%)
PATTERN_BENCHES := $(BENCH_SRCS:%.c=$(O)/%)

# Where a test run writes its verdicts: one file per suite or example.
RUN ?= plain
RESULTS := $(O)/results-$(RUN)

# The lists the fragments add to (see the top of this file).
RESULT_FILES  = $(TESTS:$(O)/%=$(RESULTS)/%.check) \
                $(EXAMPLES:$(O)/%=$(RESULTS)/%.example)
TEST_PROGRAMS = $(TESTS)
BENCHES       = $(PATTERN_BENCHES)
ALL_C         = $(PATTERN_C)
SOURCES       = $(HEADERS) $(PATTERN_C)

VALGRIND := valgrind -q --leak-check=full --errors-for-leak-kinds=definite \
            --error-exitcode=86

# `CC=clang make test` must find clang even on a fresh machine.
CC_DEPS := $(if $(findstring clang,$(CC)),clang)

# `make V=1` shows every command in full.
ifeq ($(V),1)
Q :=
else
Q := @
endif

# ---- the parts: one fragment each ------------------------------------------
include $(sort $(wildcard mk/*.mk))

# ---- the core's targets ----------------------------------------------------
.PHONY: all help deps test memcheck valgrind tsan examples bench lint format \
        clean build-tests run-tests run-examples run-benches FORCE

help: ## List the targets.
	@echo "Targets (CC=clang works with each; P=<pattern> narrows test,"
	@echo "memcheck, valgrind, tsan, examples and bench to one folder):"
	@grep -hE '^[a-z-]+:.*## ' Makefile $(sort $(wildcard mk/*.mk)) | \
	    sed -E 's/^([a-z-]+):.*## (.*)/  make \1|\2/' | \
	    awk -F"|" '{ printf "%-24s %s\n", $$1, $$2 }'

all: ## Build the library, every test suite and every example.
	@scripts/deps.sh test $(CC_DEPS)
	@$(MAKE) --no-print-directory $(LIB) build-tests $(EXAMPLES)

deps: ## Install every Debian package any target needs.
	@scripts/deps.sh

# The suites, the examples and the grader's self-test groups are
# independent targets, so `make test` runs them side by side: on every
# core unless the command line gives -j itself (the Redis, SQLite and
# HTTP suites take ports the kernel picks and files in folders of their
# own, so they do not collide). --output-sync prints each one's report
# whole, as it ends; the summary comes last.
TEST_JOBS = $(if $(findstring -j,$(MAKEFLAGS)),,-j$(shell nproc 2>/dev/null || echo 1))

test: ## Run every Check suite and example; ends with "N passed, N failed".
	@scripts/deps.sh test $(CC_DEPS)
	@$(MAKE) --no-print-directory $(TEST_JOBS) --output-sync=target \
	    MODE=debug run-tests

# Check stops a test after DP_TEST_TIMEOUT seconds (common/dp_test.h). The
# slow modes multiply that by CK_TIMEOUT_MULTIPLIER, so that a loaded
# machine never fails a test: ASan costs about 2x, ThreadSanitizer 5-15x,
# valgrind 20-50x, and two busy neighbours on two cores double it again.
# Each test's seconds are in the results' .times files. A multiplier in
# the environment takes precedence; so does DP_SUITE_TIMEOUT, the seconds
# a whole suite may take (600 by default), raised for valgrind.
TIMEOUT_SCALE_ASAN     := $(or $(CK_TIMEOUT_MULTIPLIER),3)
TIMEOUT_SCALE_TSAN     := $(or $(CK_TIMEOUT_MULTIPLIER),10)
TIMEOUT_SCALE_VALGRIND := $(or $(CK_TIMEOUT_MULTIPLIER),20)
SUITE_TIMEOUT_VALGRIND := $(or $(DP_SUITE_TIMEOUT),1800)

memcheck: ## The same suites under AddressSanitizer + UBSan.
	@scripts/deps.sh test $(CC_DEPS)
	@ASAN_OPTIONS=exitcode=86 UBSAN_OPTIONS=print_stacktrace=1 \
	    CK_TIMEOUT_MULTIPLIER=$(TIMEOUT_SCALE_ASAN) \
	    $(MAKE) --no-print-directory MODE=asan run-tests

valgrind: ## The same suites under valgrind (definite leaks fail).
	@scripts/deps.sh test valgrind $(CC_DEPS)
	@DP_RUNNER="$(VALGRIND)" CK_TIMEOUT_MULTIPLIER=$(TIMEOUT_SCALE_VALGRIND) \
	    DP_SUITE_TIMEOUT=$(SUITE_TIMEOUT_VALGRIND) \
	    $(MAKE) --no-print-directory MODE=debug RUN=valgrind run-tests

tsan: ## The same suites under ThreadSanitizer.
	@scripts/deps.sh test $(CC_DEPS)
	@CK_TIMEOUT_MULTIPLIER=$(TIMEOUT_SCALE_TSAN) \
	    $(MAKE) --no-print-directory MODE=tsan run-tests

examples: ## Build and run every pattern example, showing its output.
	@scripts/deps.sh test $(CC_DEPS)
	@$(MAKE) --no-print-directory MODE=debug run-examples

bench: ## Build optimised and run every benchmark, one at a time.
	@scripts/deps.sh test $(CC_DEPS)
	@$(MAKE) --no-print-directory MODE=bench run-benches

# The house rule that no function is over 60 lines holds for everything
# but tests, benches, examples and fuzz targets: the library, the demo,
# the grader, and the exercises' stubs and reference answers. The grader's
# sources are listed by mk/grader.mk.
LENGTH_C = $(foreach f,$(ALL_C) $(GRADER_C) \
             $(wildcard exercises/[0-9][0-9]_*/*.c solutions/*/*.c),$(if \
             $(filter test_% bench_% example% fuzz_%,$(notdir $(f))),,$(f)))

# The allocator is resolved in one place: dp_alloc() and its kin turn a
# NULL allocator into the default, so no library or demo file outside
# patterns/common/ calls dp_allocator_default().
DEFAULT_ALLOC_C = $(filter-out patterns/common/% exercises/% solutions/%,$(LENGTH_C))

lint: ## clang-format, cppcheck, and no function over 60 lines, over every source.
	@scripts/deps.sh lint
	@clang-format --dry-run --Werror $(SOURCES)
	@cppcheck --quiet --error-exitcode=1 --std=c11 --inline-suppr \
	    --enable=warning,style,performance,portability \
	    -Ipatterns -D__GNUC__ $(ALL_C)
	@clang-format --dry-run --Werror $(GRADER_SOURCES)
	@cppcheck --quiet --error-exitcode=1 --std=c11 --inline-suppr \
	    --enable=warning,style,performance,portability \
	    -Ipatterns -Iexercises/grader -D__GNUC__ $(GRADER_C)
	@awk -v MAX=60 -f scripts/function_length.awk $(LENGTH_C)
	@! grep -n 'dp_allocator_default *(' $(DEFAULT_ALLOC_C) || \
	    { echo "lint: pass the allocator on as given (NULL too)"; exit 1; }
	@echo "lint: clean"

format: ## Rewrite every source with clang-format.
	@scripts/deps.sh lint
	@clang-format -i $(SOURCES)

clean: ## Remove build/ and nothing else.
	rm -rf build

# ---- internal targets, run by the ones above -------------------------------
# After the include: their prerequisites are the fragments' additions too.

build-tests: $(TEST_PROGRAMS)

run-tests: $(RESULT_FILES)
	@scripts/summary.sh $(RESULT_FILES)

run-examples: $(EXAMPLES)
	@for e in $(EXAMPLES); do \
	    echo "==> $$e"; $$e </dev/null || exit 1; echo; \
	done

run-benches: $(BENCHES)
	@for b in $(BENCHES); do \
	    echo "==> $$b"; $$b </dev/null || exit 1; echo; \
	done

$(RESULTS)/%.check: $(O)/% FORCE
	@scripts/run_suite.sh $< $@

$(RESULTS)/%.example: $(O)/% FORCE
	@scripts/run_example.sh $< $*.out $@

# A changed compiler or flag set rebuilds everything: the stamp's content
# changes, and every object depends on it.
$(O)/.flags: FORCE
	@mkdir -p $(@D)
	@echo '$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS)' | cmp -s - $@ || \
	    echo '$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS)' > $@

$(O)/%.o: %.c $(O)/.flags
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(ALL_CFLAGS) -c $< -o $@

$(LIB): $(LIB_OBJS)
	@rm -f $@
	@$(if $(Q),echo "  AR      $@")
	$(Q)$(AR) rcs $@ $^

$(TESTS): $(O)/%: $(O)/%.o $(LIB)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $< $(LIB) $(CHECK_LIBS) $(LIBS)

$(EXAMPLES) $(PATTERN_BENCHES): $(O)/%: $(O)/%.o $(LIB)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $< $(LIB) $(LIBS)

FORCE:

# The compiler's dependency files, for every C file of every part: last,
# so that each fragment's additions to ALL_C are in.
-include $(ALL_C:%.c=$(O)/%.d)
