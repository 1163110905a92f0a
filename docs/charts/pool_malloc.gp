# Object pool: ns per acquire + release of a 64-byte object, for four
# access patterns, against malloc/free, with the pool paying for two
# counters, the pool behind a mutex, and the two limits beside it: a bare
# intrusive free list and a bare stack of addresses (the pool's own
# design), with no checks.
load "docs/charts/style.gpi"
data = bench . "/pool_malloc.csv"

set title "Acquire + release of a 64-byte object"
set ylabel "ns per acquire + release"
set yrange [0:*]
set xrange [-0.6:3.6]
set style fill solid 0.9 noborder
set key top left
w = 0.14
plot data using ($0 - 2.5*w):2:(w) with boxes linetype 1 \
          title "malloc + free", \
     data using ($0 - 1.5*w):3:(w) with boxes linetype 2 title "pool", \
     data using ($0 - 0.5*w):4:(w) with boxes linetype 6 \
          title "pool + two counters", \
     data using ($0 + 0.5*w):5:(w) with boxes linetype 3 \
          title "pool + mutex", \
     data using ($0 + 1.5*w):7:(w) with boxes linetype 4 \
          title "bare intrusive list (limit)", \
     data using ($0 + 2.5*w):8:(w) with boxes linetype 5 \
          title "bare stack of addresses (limit)", \
     data using 0:(NaN):xtic(1)
