# The one entry point. `make help` lists the targets.
#
# Every pattern folder under patterns/ is found by the wildcards below: its
# <name>.c (and any other .c that is not a test, example, bench or program)
# goes into build/libdp.a, test_*.c becomes a Check suite, example.c an
# example whose output is compared with example.out, bench_*.c a benchmark,
# and *_main.c a program with its own main() that a target of its own
# builds (`make profile`, `make browser-check`). Adding a pattern needs no edit here.
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
# Libraries every program that links libdp.a needs: SQLite (the batch
# chapter's database half), hiredis (the Redis cache), libmicrohttpd and
# libcurl (the HTTP cache's server and client). Recursive, like
# CHECK_LIBS: pkg-config runs when a recipe does, after scripts/deps.sh
# has installed them.
LIBS = -lm $(shell pkg-config --libs sqlite3 hiredis libmicrohttpd libcurl)

# Evaluated when a recipe runs, after scripts/deps.sh has installed Check.
CHECK_LIBS = $(shell pkg-config --libs check)

ALL_C        := $(wildcard patterns/*/*.c)
TEST_SRCS    := $(wildcard patterns/*/test_*.c)
BENCH_SRCS   := $(wildcard patterns/*/bench_*.c)
EXAMPLE_SRCS := $(wildcard patterns/*/example.c)
MAIN_SRCS    := $(wildcard patterns/*/*_main.c)
LIB_SRCS     := $(filter-out $(TEST_SRCS) $(BENCH_SRCS) $(EXAMPLE_SRCS) \
                             $(MAIN_SRCS),$(ALL_C))

# `SKIP_REDIS=1` is the one way to run without redis-server: the cache
# suite then reports its Redis tests as skipped, and the example and bench,
# which cannot run without a server, are left out.
ifeq ($(SKIP_REDIS),1)
BENCH_SRCS   := $(filter-out patterns/cache/%,$(BENCH_SRCS))
EXAMPLE_SRCS := $(filter-out patterns/cache/%,$(EXAMPLE_SRCS))
endif

# `make test P=strategy` (or P="strategy observer") runs only the suites,
# examples and benches of those folders; the library is always whole.
ifneq ($(P),)
ONLY := $(foreach p,$(P),patterns/$(p)/%)
TEST_SRCS    := $(filter $(ONLY),$(TEST_SRCS))
BENCH_SRCS   := $(filter $(ONLY),$(BENCH_SRCS))
EXAMPLE_SRCS := $(filter $(ONLY),$(EXAMPLE_SRCS))
endif

LIB      := $(O)/libdp.a
LIB_OBJS := $(LIB_SRCS:%.c=$(O)/%.o)
TESTS    := $(TEST_SRCS:%.c=$(O)/%)
EXAMPLES := $(EXAMPLE_SRCS:%.c=$(O)/%)
BENCHES  := $(BENCH_SRCS:%.c=$(O)/%)

# Where a test run writes its verdicts: one file per suite or example.
RUN ?= plain
RESULTS := $(O)/results-$(RUN)
RESULT_FILES := $(TESTS:$(O)/%=$(RESULTS)/%.check) \
                $(EXAMPLES:$(O)/%=$(RESULTS)/%.example)

# ---- the graded exercises: exercises/ and solutions/ ---------------------
# The grader's own checks are suites of the summary, run by
# exercises/grader/selftest.sh: the solutions score 100%, the untouched
# stubs score 0 with every test failing by assertion, and deliberately
# broken answers (exercises/grader/fixtures/) get the expected status and
# points. memcheck grades the solutions, the stubs (the grader must not
# leak when tests fail) and the leak fixture under ASan + UBSan, valgrind
# the solutions under valgrind, tsan the solutions under ThreadSanitizer.
# The pristine stubs are found by the manifest's checksums, in the tree or
# in git, so a student's work in progress never turns this red; a tree
# without solutions/ (a student's template) skips what needs them and says
# so. `make grader-class` (root) regrades eleven submissions through
# grade-class's sandbox. `P=...` leaves them out.
GRADER_GROUPS :=
ifeq ($(P),)
ifeq ($(MODE)-$(RUN),debug-plain)
GRADER_GROUPS := solutions stubs fixtures
GRADER_MODE := plain
else ifeq ($(MODE),asan)
GRADER_GROUPS := solutions stubs fixtures
GRADER_MODE := memcheck
else ifeq ($(RUN),valgrind)
GRADER_GROUPS := solutions
GRADER_MODE := valgrind
else ifeq ($(MODE),tsan)
GRADER_GROUPS := solutions
GRADER_MODE := tsan
endif
endif
RESULT_FILES += $(GRADER_GROUPS:%=$(RESULTS)/exercises/%.grade)

# `make lint` formats every grader, exercise and solution source, and runs
# cppcheck over all but the stubs, which are incomplete by design.
GRADER_C := $(wildcard exercises/grader/*.c exercises/[0-9][0-9]_*/test_*.c \
                       solutions/[0-9][0-9]_*/*.c)
GRADER_SOURCES := $(GRADER_C) $(wildcard exercises/grader/*.h \
                  exercises/grader/fixtures/*.c exercises/[0-9][0-9]_*/*.[ch] \
                  solutions/[0-9][0-9]_*/*.h)

$(RESULTS)/exercises/%.grade: FORCE
	@GRADE_MODE=$(GRADER_MODE) CC="$(CC)" exercises/grader/selftest.sh $* $@ \
	    || true

grader-class: ## The class regrade's own test: eleven submissions, sandboxed (root).
	@scripts/deps.sh test
	@exercises/grader/selftest.sh class
# ---- end of the graded exercises -------------------------------------------

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

HEADERS := $(wildcard patterns/*/*.h)
SOURCES := $(HEADERS) $(ALL_C)

.PHONY: all help deps test memcheck valgrind tsan examples bench profile \
        docs docs-check lint format clean build-tests run-tests run-examples \
        run-benches FORCE bench-charts charts student-template grader-class \
        browser-check

help: ## List the targets.
	@echo "Targets (CC=clang works with each; P=<pattern> narrows test,"
	@echo "memcheck, valgrind, tsan, examples and bench to one folder):"
	@grep -hE '^[a-z-]+:.*## ' Makefile | \
	    sed -E 's/^([a-z-]+):.*## (.*)/  make \1|\2/' | \
	    awk -F"|" '{ printf "%-24s %s\n", $$1, $$2 }'

all: ## Build the library, every test suite and every example.
	@scripts/deps.sh test $(CC_DEPS)
	@$(MAKE) --no-print-directory $(LIB) build-tests $(EXAMPLES)

deps: ## Install every Debian package any target needs.
	@scripts/deps.sh

test: ## Run every Check suite and example; ends with "N passed, N failed".
	@scripts/deps.sh test $(CC_DEPS)
	@$(MAKE) --no-print-directory MODE=debug run-tests

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

# The profiled program is built twice, outside the build modes: with -pg
# for gprof, and with -g alone for valgrind, which cannot run AVX-512 code
# (so never -march=native here). The library comes from the debug build.
PROF := build/profile
PROF_SRCS := patterns/profiling/profile_main.c patterns/profiling/course.c
PROF_CFLAGS = -std=c11 $(WARNINGS) -g -O1 -pthread -Ipatterns $(CFLAGS)

profile: ## Run the course's functions under gprof, callgrind and massif.
	@scripts/deps.sh test profile $(CC_DEPS)
	@$(MAKE) --no-print-directory MODE=debug build/libdp.a
	@mkdir -p $(PROF)
	$(Q)$(CC) $(PROF_CFLAGS) -pg -o $(PROF)/profile_gprof $(PROF_SRCS) \
	    build/libdp.a $(LIBS)
	$(Q)$(CC) $(PROF_CFLAGS) -o $(PROF)/profile_plain $(PROF_SRCS) \
	    build/libdp.a $(LIBS)
	@patterns/profiling/profile.sh $(PROF)

# Two sites from one source. `make docs` is the students': no reference
# answer is on it, and scripts/check_no_solutions.sh fails the build if
# one is. `make docs SOLUTIONS=1` is the instructors', with the answers in
# solutions/ shown where the pages link to them. DOCS_SOLUTIONS tells
# docs/Doxyfile and the docs filter which one they are building.
ifeq ($(SOLUTIONS),1)
DOCS_SOLUTIONS := solutions
DOCS_AUDIENCE  := instructors
else ifeq ($(filter-out 0,$(SOLUTIONS)),)
DOCS_SOLUTIONS :=
DOCS_AUDIENCE  := students
else
$(error SOLUTIONS must be 1 (the instructors' site), 0 or unset, not '$(SOLUTIONS)')
endif

# Pictures allowed to be wider than a 1,280 px window: reported by `make
# docs` but not failing it. None today; name a picture (dot_NAME.svg) here
# only while it is being redrawn.
DOCS_WIDE_DIAGRAMS :=

docs: ## The students' site in docs/html/ (SOLUTIONS=1: the instructors'); fails on a warning, a broken link, a lost or too wide diagram, chapters out of course order, unparsed Markdown or an answer shown.
	@scripts/deps.sh docs
	@if [ -n "$(DOCS_SOLUTIONS)" ] && [ ! -d solutions ]; then \
	    echo "docs: SOLUTIONS=1 needs the reference answers in solutions/," \
	         "which this copy does not have" >&2; exit 2; fi
	@$(MAKE) --no-print-directory charts
	@# From empty, so that no page of an earlier build can satisfy a link.
	@rm -rf docs/html
	@awk -f scripts/course_order.awk -f scripts/check_course_order.awk \
	    docs/mainpage.md
	@DOCS_SOLUTIONS="$(DOCS_SOLUTIONS)" doxygen docs/Doxyfile
	@scripts/fix_graph_links.sh docs/html
	@scripts/check_links.sh docs/html
	@DOCS_WIDE_DIAGRAMS="$(DOCS_WIDE_DIAGRAMS)" \
	    scripts/check_diagrams.sh docs/html
	@scripts/check_markup.sh docs/html
	@$(if $(DOCS_SOLUTIONS),,scripts/check_no_solutions.sh docs/html .)
	@echo "docs: the $(DOCS_AUDIENCE)' site; open docs/html/index.html"

# ---- the bench results as charts ------------------------------------------
# docs/charts/<name>.gp draws build/charts/<name>.svg with gnuplot from the
# CSV files in docs/bench/, those of one reference run, committed, so that
# `make docs` draws the charts without running a benchmark. A chart's CSV
# files are listed below: a missing one fails the build, and so does any
# message from gnuplot. `make bench-charts` reruns the benches that write
# them (DP_BENCH_CSV names the folder), records the machine and the date in
# docs/bench/README.txt, and redraws.
CHART_BENCHES := strategy lru_cache object_pool batch vectorize parallel \
                 http_cache
CHARTS := $(patsubst docs/charts/%.gp,build/charts/%.svg,\
                     $(wildcard docs/charts/*.gp))

build/charts/strategy_lookup.svg: docs/bench/strategy_lookup.csv
build/charts/lru_python.svg: docs/bench/lru_python.csv
build/charts/pool_malloc.svg: docs/bench/pool_malloc.csv
build/charts/batch_write.svg: docs/bench/batch_write.csv
build/charts/vectorize_sum.svg: docs/bench/vectorize_sum_O0.csv \
                                docs/bench/vectorize_sum_O2.csv \
                                docs/bench/vectorize_sum_O3_march_native.csv
build/charts/parallel_speedup.svg: docs/bench/parallel_speedup.csv
build/charts/parallel_processes.svg: docs/bench/parallel_processes.csv
build/charts/batch_index_growth.svg: docs/bench/batch_index_growth.csv
build/charts/batch_reads.svg: docs/bench/batch_reads.csv
build/charts/http_cache_revalidation.svg: \
    docs/bench/http_cache_revalidation.csv

build/charts/%.svg: docs/charts/%.gp docs/charts/style.gpi
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CHART   $@")
	$(Q)gnuplot -e "bench='docs/bench'; out='$@'" $< 2>$@.log; \
	    status=$$?; \
	    if [ $$status -ne 0 ] || [ -s $@.log ]; then \
	        cat $@.log >&2; rm -f $@; exit 1; \
	    fi

charts: $(CHARTS)

bench-charts: ## Rerun the charted benches into docs/bench/ and redraw.
	@scripts/deps.sh test docs $(CC_DEPS)
	@DP_BENCH_CSV=docs/bench $(MAKE) --no-print-directory MODE=bench \
	    P="$(CHART_BENCHES)" run-benches
	@{ echo "The CSV files beside this one come from one run of"; \
	   echo "\`make bench-charts\`, which rewrites them and this file."; \
	   echo; \
	   echo "command:  make bench-charts"; \
	   echo "date:     $$(date -u '+%Y-%m-%d %H:%M UTC')"; \
	   echo "nproc:    $$(nproc)"; \
	   echo "cpu:      $$(sed -n 's/^model name[[:space:]]*: //p' \
	                     /proc/cpuinfo | head -n 1)"; \
	   echo "compiler: $$($(CC) --version | head -n 1)"; \
	   echo "load:     $$(cut -d' ' -f1-3 /proc/loadavg)" \
	        "(load average over 1, 5 and 15 minutes, at the end)"; \
	 } > docs/bench/README.txt
	@$(MAKE) --no-print-directory charts
	@echo "bench-charts: docs/bench/*.csv rewritten; charts in build/charts/"
# ---- end of the bench results as charts ----------------------------------

# The main page and two chapter pages, opened in a headless Chromium at
# 1,280 px: the sidebar in course order, with each chapter's diagram
# beside it (Command's was 2,151 px wide before it was laid out again).
DOCS_CHECK_PAGES := index.html md_patterns_strategy_README.html \
                    md_patterns_command_README.html

docs-check: docs ## Render pages in headless Chromium (screenshots in build/docs-check/), then browser-check.
	@scripts/deps.sh chromium
	@scripts/docs_check.sh docs/html build/docs-check $(DOCS_CHECK_PAGES)
	@$(MAKE) --no-print-directory browser-check

# The HTTP cache chapter against a real browser: headless Chromium loads
# a page from patterns/http_cache/browser_main.c twice, and the server's
# request log must show a 304 for the page and one request for its
# fresh stylesheet. Run by `make docs-check` (and so by CI), not by `make
# test`: Chromium is a large package that the tests do not otherwise need.
BROWSER_SERVER := build/http_cache/browser_server

browser-check: ## Headless Chromium loads a page from the HTTP cache server twice; its log must show a 304.
	@scripts/deps.sh test chromium $(CC_DEPS)
	@$(MAKE) --no-print-directory MODE=debug build/libdp.a
	@mkdir -p $(dir $(BROWSER_SERVER))
	$(Q)$(CC) $(PROF_CFLAGS) -o $(BROWSER_SERVER) \
	    patterns/http_cache/browser_main.c build/libdp.a $(LIBS)
	@scripts/browser_check.sh $(BROWSER_SERVER) build/browser-check

# The tree students receive: the last commit without solutions/, as a
# fresh repository of one commit. DIR must be new or empty.
student-template: ## Write the students' copy into DIR=path: the last commit without solutions/.
	@scripts/student_template.sh "$(DIR)"

# The house rule that no function is over 60 lines holds for everything
# but tests, benches, examples and fuzz targets: the library, the demo,
# the grader, and the exercises' stubs and reference answers.
LENGTH_C = $(foreach f,$(ALL_C) $(GRADER_C) \
             $(wildcard exercises/[0-9][0-9]_*/*.c solutions/*/*.c),$(if \
             $(filter test_% bench_% example% fuzz_%,$(notdir $(f))),,$(f)))

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
	@echo "lint: clean"

format: ## Rewrite every source with clang-format.
	@scripts/deps.sh lint
	@clang-format -i $(SOURCES)

clean: ## Remove build/ and nothing else.
	rm -rf build

# ---- internal targets, run by the ones above -----------------------------

build-tests: $(TESTS)

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

$(EXAMPLES) $(BENCHES): $(O)/%: $(O)/%.o $(LIB)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $< $(LIB) $(LIBS)

# ---- patterns/vectorize: its own flags and bench builds -------------------
# Its kernels use `#pragma omp simd`, which needs -fopenmp-simd in every
# mode (without it the pragma is ignored and -Werror rejects it). `private`
# keeps the flag off the shared .flags stamp these objects depend on.
$(O)/patterns/vectorize/%.o: private ALL_CFLAGS += -fopenmp-simd

# Its bench also runs at -O0 and at -O3 -march=native: the kernels and the
# bench are compiled again from the same sources with those flags and
# DP_VECTORIZE_OPT naming the level; the rest of the library is the -O2
# one. Only these two binaries ever see -march=native: valgrind, which runs
# the tests, cannot execute AVX-512 code.
VEC_BENCH_SRCS := patterns/vectorize/bench_vectorize.c \
                  patterns/vectorize/vectorize.c \
                  patterns/vectorize/vectorize_kernels.c
VEC_BENCH_CFLAGS = -std=c11 $(WARNINGS) -g -pthread -fopenmp-simd \
                   -Ipatterns $(CFLAGS)
VEC_BENCHES := $(O)/patterns/vectorize/bench_vectorize-O0 \
               $(O)/patterns/vectorize/bench_vectorize-O3-native
ifeq ($(MODE),bench)
ifneq ($(filter patterns/vectorize/%,$(BENCH_SRCS)),)
BENCHES += $(VEC_BENCHES)
run-benches: $(VEC_BENCHES)
endif
endif

$(O)/patterns/vectorize/bench_vectorize-O0: $(VEC_BENCH_SRCS) $(LIB) \
                                            $(HEADERS)
	@$(if $(Q),echo "  CC LD   $@")
	$(Q)$(CC) $(VEC_BENCH_CFLAGS) -O0 -DDP_VECTORIZE_OPT='"-O0"' \
	    $(ALL_LDFLAGS) -o $@ $(VEC_BENCH_SRCS) $(LIB) $(LIBS)

$(O)/patterns/vectorize/bench_vectorize-O3-native: $(VEC_BENCH_SRCS) \
                                                   $(LIB) $(HEADERS)
	@$(if $(Q),echo "  CC LD   $@")
	$(Q)$(CC) $(VEC_BENCH_CFLAGS) -O3 -march=native \
	    -DDP_VECTORIZE_OPT='"-O3 -march=native"' \
	    $(ALL_LDFLAGS) -o $@ $(VEC_BENCH_SRCS) $(LIB) $(LIBS)
# ---- end of patterns/vectorize ---------------------------------------------

FORCE:

-include $(ALL_C:%.c=$(O)/%.d)

# ---- the to-do demo (mvc_demo/) -------------------------------------------
# One application over one model, built as MVC and as MVP. Its sources are
# not part of libdp.a (the wildcards above see only patterns/): they link
# against it. Its Check suites, and every spec script run through both
# architectures, add their verdicts to the result files of `make test`,
# `memcheck`, `valgrind` and `tsan`; `P=demo` runs only them.

DEMO_DIR        := mvc_demo
DEMO_ALL        := $(wildcard $(DEMO_DIR)/*.c)
DEMO_HEADERS    := $(wildcard $(DEMO_DIR)/*.h)
DEMO_TEST_SRCS  := $(wildcard $(DEMO_DIR)/test_*.c)
DEMO_FUZZ_SRCS  := $(wildcard $(DEMO_DIR)/fuzz_*.c)
DEMO_MAIN_SRCS  := $(wildcard $(DEMO_DIR)/*_main.c)
DEMO_BENCH_SRCS := $(wildcard $(DEMO_DIR)/bench_*.c)
DEMO_SRCS       := $(filter-out $(DEMO_TEST_SRCS) $(DEMO_FUZZ_SRCS) \
                   $(DEMO_MAIN_SRCS) $(DEMO_BENCH_SRCS) \
                   $(DEMO_DIR)/main.c,$(DEMO_ALL))
DEMO_OBJS       := $(DEMO_SRCS:%.c=$(O)/%.o)
DEMO_BIN        := $(O)/$(DEMO_DIR)/todo
DEMO_TESTS      := $(DEMO_TEST_SRCS:%.c=$(O)/%)
DEMO_BENCHES    := $(DEMO_BENCH_SRCS:%.c=$(O)/%)
DEMO_SPECS      := $(wildcard $(DEMO_DIR)/spec/*.txt)
DEMO_ARCHS      := mvc mvp
ARCH ?= mvc

ifneq ($(if $(P),$(filter demo $(DEMO_DIR),$(P)),all),)
DEMO_RESULTS := $(DEMO_TESTS:$(O)/%=$(RESULTS)/%.check) \
                $(foreach a,$(DEMO_ARCHS),$(DEMO_SPECS:%.txt=$(RESULTS)/%.$(a).spec))
endif
RESULT_FILES += $(DEMO_RESULTS)

# `make bench` runs the demo's bench after the patterns' ones; `make bench
# P=demo` runs only it.
ifneq ($(if $(P),$(filter demo $(DEMO_DIR),$(P)),all),)
ifeq ($(MODE),bench)
BENCHES += $(DEMO_BENCHES)
run-benches: $(DEMO_BENCHES)
endif
endif

# lint and format cover the demo too (their recipes read these lists).
SOURCES += $(DEMO_HEADERS) $(DEMO_ALL)
ALL_C   += $(DEMO_ALL)

.PHONY: demo fuzz web-check

demo: ## Build and run the to-do app (ARCH=mvp for MVP, ARCH=web for the browser; DEMO_ARGS=...).
	@scripts/deps.sh test $(CC_DEPS)
	@$(MAKE) --no-print-directory MODE=debug $(DEMO_BIN)
	@$(DEMO_BIN) --arch $(ARCH) $(DEMO_ARGS)

build-tests: $(DEMO_TESTS) $(DEMO_BIN) $(DEMO_BENCHES)
run-tests: $(DEMO_RESULTS)

$(DEMO_BIN): $(O)/$(DEMO_DIR)/main.o $(DEMO_OBJS) $(LIB)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIBS)

$(DEMO_TESTS): $(O)/%: $(O)/%.o $(DEMO_OBJS) $(LIB)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $< $(DEMO_OBJS) $(LIB) $(CHECK_LIBS) $(LIBS)

# test_session runs the program itself on a pseudo-terminal.
$(RESULTS)/$(DEMO_DIR)/test_session.check: $(DEMO_BIN)

# The web view in a real browser: headless Chromium drives the app's forms
# from a test page served by mvc_demo/web_check_main.c (add, toggle,
# filter, undo, save) and keeps a screenshot. Like browser-check, run by
# CI and not by `make test`: Chromium is a large package.
WEB_CHECK_SERVER := build/web-check/web_check_server

web-check: ## Headless Chromium adds, toggles, filters, undoes and saves through the web view's forms; screenshot in build/web-check/.
	@scripts/deps.sh test chromium $(CC_DEPS)
	@$(MAKE) --no-print-directory MODE=debug $(DEMO_BIN) build/libdp.a
	@mkdir -p $(dir $(WEB_CHECK_SERVER))
	$(Q)$(CC) $(PROF_CFLAGS) -o $(WEB_CHECK_SERVER) \
	    $(DEMO_DIR)/web_check_main.c build/libdp.a $(LIBS)
	@scripts/web_check.sh $(DEMO_BIN) $(WEB_CHECK_SERVER) \
	    $(DEMO_DIR)/web_check.html build/web-check

$(DEMO_BENCHES): $(O)/%: $(O)/%.o $(DEMO_OBJS) $(LIB)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $< $(DEMO_OBJS) $(LIB) $(LIBS)

# build/.../spec/<name>.<arch>.spec: one script through one architecture.
$(RESULTS)/$(DEMO_DIR)/spec/%.spec: $(DEMO_BIN) FORCE
	@$(DEMO_DIR)/run_spec.sh $(DEMO_BIN) $(DEMO_DIR)/spec/$(basename $*).txt \
	    $(patsubst .%,%,$(suffix $*)) $@

# make fuzz: clang's libFuzzer on the command language and on each store's
# parser, FUZZ_SECONDS each; any crash, leak or sanitizer report fails.
# The spec scripts and store fixtures seed the corpora.
FUZZ_SECONDS ?= 30
FUZZ_CC      ?= clang
FUZZ_FLAGS   := -std=c11 $(WARNINGS) -g -O1 -pthread -Ipatterns \
                -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
FUZZERS      := $(DEMO_FUZZ_SRCS:$(DEMO_DIR)/%.c=build/fuzz/%)

fuzz: ## Fuzz the demo's parser and store loaders (FUZZ_SECONDS each).
	@scripts/deps.sh fuzz
	@$(MAKE) --no-print-directory $(FUZZERS)
	@for f in $(FUZZERS); do \
	    corpus=build/fuzz/corpus/$${f##*/}; mkdir -p $$corpus; \
	    cp $(DEMO_SPECS) $(DEMO_DIR)/spec/files/* $$corpus/ 2>/dev/null; \
	    echo "==> $$f ($(FUZZ_SECONDS) s)"; \
	    $$f -max_total_time=$(FUZZ_SECONDS) -max_len=4096 \
	        -artifact_prefix=build/fuzz/ $$corpus >build/fuzz/$${f##*/}.log 2>&1 \
	        || { tail -n 40 build/fuzz/$${f##*/}.log; exit 1; }; \
	    tail -n 1 build/fuzz/$${f##*/}.log; \
	done
	@echo "fuzz: no crash"

build/fuzz/%: $(DEMO_DIR)/%.c $(DEMO_SRCS) $(LIB_SRCS) $(DEMO_HEADERS) $(HEADERS)
	@mkdir -p $(@D)
	@echo "  FUZZ    $@"
	$(Q)$(FUZZ_CC) $(FUZZ_FLAGS) -o $@ $< $(DEMO_SRCS) $(LIB_SRCS) $(LIBS)

-include $(DEMO_ALL:%.c=$(O)/%.d)
# ---- end of the to-do demo -------------------------------------------------
