# ---- the to-do demo (mvc_demo/) -------------------------------------------
# One application over one model, built as MVC and as MVP. Its sources are
# not part of libdp.a (the core's wildcards see only patterns/): they link
# against it. Its Check suites, and every spec script run through both
# architectures, add their verdicts to the result files of `make test`,
# `memcheck`, `valgrind` and `tsan`; `P=demo` runs only them. `make bench`
# runs its bench with the patterns' ones; `make bench P=demo` runs only it.

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

# Whole runs and P=demo include the demo; P=<pattern> leaves it out.
DEMO_SELECTED := $(if $(P),$(filter demo $(DEMO_DIR),$(P)),all)

ifneq ($(DEMO_SELECTED),)
DEMO_RESULTS := $(DEMO_TESTS:$(O)/%=$(RESULTS)/%.check) \
                $(foreach a,$(DEMO_ARCHS),$(DEMO_SPECS:%.txt=$(RESULTS)/%.$(a).spec))
ifeq ($(MODE),bench)
BENCHES += $(DEMO_BENCHES)
endif
endif

RESULT_FILES  += $(DEMO_RESULTS)
TEST_PROGRAMS += $(DEMO_TESTS) $(DEMO_BIN) $(DEMO_BENCHES)
# lint and format cover the demo too.
SOURCES       += $(DEMO_HEADERS) $(DEMO_ALL)
ALL_C         += $(DEMO_ALL)

.PHONY: demo fuzz web-check

demo: ## Build and run the to-do app (ARCH=mvp for MVP, ARCH=web for the browser; DEMO_ARGS=...).
	@scripts/deps.sh test $(CC_DEPS)
	@$(MAKE) --no-print-directory MODE=debug $(DEMO_BIN)
	@$(DEMO_BIN) --arch $(ARCH) $(DEMO_ARGS)

$(DEMO_BIN): $(O)/$(DEMO_DIR)/main.o $(DEMO_OBJS) $(LIB)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIBS)

$(DEMO_TESTS): $(O)/%: $(O)/%.o $(DEMO_OBJS) $(LIB)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $< $(DEMO_OBJS) $(LIB) $(CHECK_LIBS) $(LIBS)

$(DEMO_BENCHES): $(O)/%: $(O)/%.o $(DEMO_OBJS) $(LIB)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $< $(DEMO_OBJS) $(LIB) $(LIBS)

# test_session runs the program itself on a pseudo-terminal.
$(RESULTS)/$(DEMO_DIR)/test_session.check: $(DEMO_BIN)

# build/.../spec/<name>.<arch>.spec: one script through one architecture.
$(RESULTS)/$(DEMO_DIR)/spec/%.spec: $(DEMO_BIN) FORCE
	@$(DEMO_DIR)/run_spec.sh $(DEMO_BIN) $(DEMO_DIR)/spec/$(basename $*).txt \
	    $(patsubst .%,%,$(suffix $*)) $@

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
