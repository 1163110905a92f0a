# Parallel: threads against processes at 2 workers, the same Command tasks
# through dp_thread_pool and dp_process_pool, next to Python's
# multiprocessing.Pool(2): us to start a pool, per empty task and per MiB
# of result. Logarithmic: the three differ by up to three decades. The
# CSV's speedup rows are not drawn (see the benchmarks page).
width = 820
load "docs/charts/style.gpi"
data = bench . "/parallel_processes.csv"

set title "Threads against processes, 2 workers"
set ylabel "us (log scale)"
set logscale y
set yrange [0.05:1e7]
set ytics ("0.1" 0.1, "1" 1, "10" 10, "100" 100, "1 000" 1e3, \
           "10 000" 1e4, "100 000" 1e5, "1 000 000" 1e6)
set xrange [-0.6:2.6]
set style fill solid 0.9 noborder
set key top right
w = 0.25
figure(v) = v >= 100 ? sprintf("%.0f", v) : sprintf("%.3g", v)
plot data every ::0::2 using ($0 - w):2:(w) with boxes linetype 1 \
          title "threads (dp_thread_pool)", \
     data every ::0::2 using 0:3:(w) with boxes linetype 2 \
          title "processes (dp_process_pool)", \
     data every ::0::2 using ($0 + w):4:(w) with boxes linetype 3 \
          title "Python multiprocessing.Pool", \
     data every ::0::2 using ($0 - w):2:(figure($2)) \
          with labels offset 0,0.7, \
     data every ::0::2 using 0:3:(figure($3)) \
          with labels offset 0,0.7, \
     data every ::0::2 using ($0 + w):4:(figure($4)) \
          with labels offset 0,0.7, \
     data every ::0::2 using 0:(NaN):xtic(1)
