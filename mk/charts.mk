# ---- the bench results as charts: `make charts` ----------------------------
# docs/charts/<name>.gp draws build/charts/<name>.svg with gnuplot from the
# CSV files in docs/bench/, those of one reference run, committed, so that
# `make docs` draws the charts without running a benchmark. A chart's CSV
# files are listed below: a missing one fails the build, and so does any
# message from gnuplot. `make bench-record` (mk/bench_figures.mk) reruns
# the benches that write them, records the machine and the date in
# docs/bench/README.txt, and redraws.
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

.PHONY: charts

build/charts/%.svg: docs/charts/%.gp docs/charts/style.gpi
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CHART   $@")
	$(Q)gnuplot -e "bench='docs/bench'; out='$@'" $< 2>$@.log; \
	    status=$$?; \
	    if [ $$status -ne 0 ] || [ -s $@.log ]; then \
	        cat $@.log >&2; rm -f $@; exit 1; \
	    fi

charts: $(CHARTS)

