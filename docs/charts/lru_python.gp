# LRU cache: a memoized call in C (dp_memo_int64) against CPython's
# functools.lru_cache, hit and miss, in ns per call; each bar is labelled
# with its figure.
load "docs/charts/style.gpi"
data = bench . "/lru_python.csv"

set title "A memoized call: C against CPython, 1024 int keys, maxsize 1024"
set ylabel "ns per call"
set yrange [0:*]
set xrange [-0.6:1.6]
set style fill solid 0.9 noborder
set key top left
plot data using ($0 - 0.2):2:(0.4) with boxes title "C, dp_memo_int64", \
     data using ($0 + 0.2):3:(0.4) with boxes \
          title "CPython, functools.lru_cache", \
     data using ($0 - 0.2):2:(sprintf("%.1f", $2)) with labels offset 0,0.7, \
     data using ($0 + 0.2):3:(sprintf("%.1f", $3)) with labels offset 0,0.7, \
     data using 0:(NaN):xtic(1)
