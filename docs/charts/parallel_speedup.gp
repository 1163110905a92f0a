# Parallel: speedup of a parallel sum over the serial loop against the
# number of threads, for a compute-bound and a memory-bound kernel, with
# the ideal (speedup = threads) dashed.
load "docs/charts/style.gpi"
data = bench . "/parallel_speedup.csv"

stats data using 1 nooutput
threads = STATS_max

set title "Parallel sum: speedup over the serial loop"
set xlabel "threads in the pool"
set ylabel "speedup (serial time / parallel time)"
set xrange [0.5:threads + 0.5]
set yrange [0:threads + 0.5]
set xtics 1
set key top left
plot x with lines dashtype 2 linecolor rgb "#999999" \
          title "ideal: speedup = threads", \
     data using 1:2 with linespoints title "compute-bound (mixing)", \
     data using 1:3 with linespoints title "memory-bound (sum of 32 MB)"
