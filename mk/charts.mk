# ---- the bench results as charts: `make charts`, `make bench-charts` ------
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

.PHONY: charts bench-charts

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
