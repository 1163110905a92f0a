# ---- the figure registry: `make bench-check`, `make bench-record` ---------
# Every figure a README or docs/*.md page quotes from a bench is a cell of
# a CSV file of one recorded run, docs/bench/*.csv, registered in
# docs/bench/figures/*.tsv and checked by scripts/bench_figures.sh (the
# registry's format is in CONTRIBUTING.md). `make lint` checks that every
# figure is written as recorded.
#
# Both targets run the benches BENCH_RUNS times (3 unless given), one whole
# `make bench` after the other, because a shared machine's speed changes
# from minute to minute. `make bench-record` keeps every run in
# docs/bench/runs/1/... and, of each table, the run closest to the median
# in docs/bench/ (a table comes whole from one run, so its ratios agree
# with its times); it records the machine and its load and rewrites the
# figures. `make bench-check` reruns them into build/bench-check/1/... and
# lists every figure whose median over its runs lies outside the recorded
# runs' range widened by its tolerance; when the first round finds one, a
# second round of as many runs follows, minutes later, and each figure the
# first round reported is judged again on the median of all the runs (a
# slow spell of a shared machine passes; a change in the code stays).
# Both take P=... as `make bench`
# does; bench-record with P appends its run to docs/bench/README.txt
# instead of rewriting it. `make bench-charts` is bench-record's former
# name. The tool's own test is a suite of `make test` (P=bench_figures runs
# it alone).
FIGURES_TOOL  := scripts/bench_figures.sh
FIGURES_LOAD   = $$(cut -d' ' -f1-3 /proc/loadavg)
BENCH_RUNS    ?= 3

# bench-runs DIR,FIRST,LAST: every bench once into each of DIR/FIRST/ to
# DIR/LAST/, one whole run after the other.
define bench-runs
for run in $$(seq $(2) $(3)); do \
    echo "== run $$run of $(3) into $(1)/$$run/"; \
    mkdir -p $(1)/$$run && \
    DP_BENCH_CSV=$(1)/$$run $(MAKE) --no-print-directory MODE=bench \
        run-benches || exit 1; \
done
endef

ifneq ($(if $(P),$(filter bench_figures,$(P)),all),)
RESULT_FILES += $(RESULTS)/scripts/test_bench_figures.check
endif

.PHONY: bench-check bench-record bench-charts lint-figures

bench-check: ## Rerun the benches (P=..., BENCH_RUNS=3) and list every README figure that moved beyond its tolerance from the recorded runs.
	@scripts/deps.sh test $(CC_DEPS)
	@rm -rf build/bench-check
	@$(call bench-runs,build/bench-check,1,$(BENCH_RUNS))
	@$(FIGURES_TOOL) check
	@if $(FIGURES_TOOL) drift build/bench-check/*/ \
	        >build/bench-check/first-round.txt; then \
	     cat build/bench-check/first-round.txt; \
	 else \
	     tail -n 1 build/bench-check/first-round.txt; \
	     echo "bench-check: $(BENCH_RUNS) more runs, to tell a slow spell of" \
	          "the machine from a change (the first round's report:" \
	          "build/bench-check/first-round.txt)"; \
	     $(call bench-runs,build/bench-check,$$(($(BENCH_RUNS) + 1)),$$((2 * $(BENCH_RUNS)))); \
	     $(FIGURES_TOOL) drift --confirm build/bench-check/first-round.txt \
	         build/bench-check/*/; \
	 fi

bench-record: ## Rerun the benches (P=..., BENCH_RUNS=3) into docs/bench/, record the machine and load, rewrite every registered figure, redraw the charts.
	@scripts/deps.sh test docs $(CC_DEPS)
	@mkdir -p build && echo "$(FIGURES_LOAD)" > build/.bench-record-load
	@rm -rf build/bench-record
	@$(call bench-runs,build/bench-record,1,$(BENCH_RUNS))
	@$(if $(P),,rm -rf docs/bench/runs &&) \
	 $(FIGURES_TOOL) record build/bench-record/*/
	@{ if [ -z "$(P)" ]; then \
	       echo "The CSV files beside this one come from \`make bench-record\`,"; \
	       echo "which rewrites them and this file. It ran every bench"; \
	       echo "$(BENCH_RUNS) times, one whole run after the other; each run is"; \
	       echo "kept in runs/N/, and each file here is the run of it closest to"; \
	       echo "the median. Every figure registered in figures/*.tsv is a cell"; \
	       echo "of these files."; \
	   else \
	       cat docs/bench/README.txt; echo; \
	       echo "Except the CSV files of $(P), rewritten by:"; \
	   fi; \
	   echo; \
	   echo "command:  make bench-record$(if $(P), P=\"$(P)\")$(if \
	       $(filter-out 3,$(BENCH_RUNS)), BENCH_RUNS=$(BENCH_RUNS))"; \
	   echo "runs:     $(BENCH_RUNS)"; \
	   echo "date:     $$(date -u '+%Y-%m-%d %H:%M UTC')"; \
	   echo "nproc:    $$(nproc)"; \
	   echo "cpu:      $$(sed -n 's/^model name[[:space:]]*: //p' \
	                     /proc/cpuinfo | head -n 1)"; \
	   echo "compiler: $$($(CC) --version | head -n 1)"; \
	   echo "load:     $$(cat build/.bench-record-load) before," \
	        "$(FIGURES_LOAD) after (load average over 1, 5 and 15 minutes)"; \
	 } > build/.bench-record-readme && \
	 mv build/.bench-record-readme docs/bench/README.txt
	@$(FIGURES_TOOL) update
	@$(MAKE) --no-print-directory charts
	@echo "bench-record: docs/bench/ rewritten, figures updated; charts in build/charts/"

bench-charts: bench-record ## The former name of bench-record.

lint-figures:
	@$(FIGURES_TOOL) check

lint: lint-figures

$(RESULTS)/scripts/test_bench_figures.check: FORCE
	@scripts/test_bench_figures.sh $@
