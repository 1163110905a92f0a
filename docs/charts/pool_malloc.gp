# Object pool: ns per acquire + release of a 64-byte object, for four
# access patterns, against malloc/free, with the pool behind a mutex and
# the two limits beside it: a bare intrusive free list and a bare stack of
# addresses (the pool's own design), both kept in registers.
load "docs/charts/style.gpi"
data = bench . "/pool_malloc.csv"

set title "Acquire + release of a 64-byte object"
set ylabel "ns per acquire + release"
set yrange [0:*]
set xrange [-0.6:3.6]
set style fill solid 0.9 noborder
set key top left
w = 0.16
plot data using ($0 - 2*w):2:(w) with boxes title "malloc + free", \
     data using ($0 - w):3:(w) with boxes title "pool", \
     data using ($0):4:(w) with boxes title "pool + mutex", \
     data using ($0 + w):6:(w) with boxes linetype 4 \
          title "bare intrusive list (limit)", \
     data using ($0 + 2*w):7:(w) with boxes linetype 5 \
          title "bare stack of addresses (limit)", \
     data using 0:(NaN):xtic(1)
