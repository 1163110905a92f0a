# ---- the figure registry: `make bench-check`, `make bench-record` ---------
# Every figure a README or docs/*.md page quotes from a bench is a cell of
# a CSV file of one recorded run, docs/bench/*.csv, registered in
# docs/bench/figures/*.tsv and checked by scripts/bench_figures.sh (the
# registry's format is in CONTRIBUTING.md). `make lint` checks that every
# figure is written as recorded. `make bench-check` reruns the benches into
# build/bench-check/csv/ and lists every figure that moved beyond its
# tolerance; `make bench-record` reruns them into docs/bench/, records the
# machine, and rewrites the figures. Both take P=... as `make bench` does;
# bench-record with P appends its run to docs/bench/README.txt instead of
# rewriting it. `make bench-charts` is bench-record's former name. The
# tool's own test is a suite of `make test` (P=bench_figures runs it alone).
FIGURES_TOOL  := scripts/bench_figures.sh
FIGURES_FRESH := build/bench-check/csv
FIGURES_LOAD   = $$(cut -d' ' -f1-3 /proc/loadavg)

ifneq ($(if $(P),$(filter bench_figures,$(P)),all),)
RESULT_FILES += $(RESULTS)/scripts/test_bench_figures.check
endif

.PHONY: bench-check bench-record bench-charts lint-figures

bench-check: ## Rerun the benches (P=...) and list every README figure that moved beyond its tolerance from the recorded run.
	@scripts/deps.sh test $(CC_DEPS)
	@rm -rf $(FIGURES_FRESH) && mkdir -p $(FIGURES_FRESH)
	@DP_BENCH_CSV=$(FIGURES_FRESH) $(MAKE) --no-print-directory MODE=bench \
	    run-benches
	@$(FIGURES_TOOL) check
	@$(FIGURES_TOOL) drift $(FIGURES_FRESH)

bench-record: ## Rerun the benches (P=...) into docs/bench/, record the machine and load, rewrite every registered figure, redraw the charts.
	@scripts/deps.sh test docs $(CC_DEPS)
	@mkdir -p build && echo "$(FIGURES_LOAD)" > build/.bench-record-load
	@DP_BENCH_CSV=docs/bench $(MAKE) --no-print-directory MODE=bench \
	    run-benches
	@{ if [ -z "$(P)" ]; then \
	       echo "The CSV files beside this one come from one run of"; \
	       echo "\`make bench-record\`, which rewrites them and this file;"; \
	       echo "every figure registered in figures/*.tsv is a cell of them."; \
	   else \
	       cat docs/bench/README.txt; echo; \
	       echo "Except the CSV files of $(P), rewritten by:"; \
	   fi; \
	   echo; \
	   echo "command:  make bench-record$(if $(P), P=\"$(P)\")"; \
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
