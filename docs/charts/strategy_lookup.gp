# Strategy: ns per lookup against the size of the set, one line per
# strategy. Both axes are logarithmic: the sizes span five decades.
load "docs/charts/style.gpi"
data = bench . "/strategy_lookup.csv"

set title "One lookup in a set of n int64 keys (half hits, half misses)"
set xlabel "n, keys in the set (log scale)"
set ylabel "ns per lookup (log scale)"
set logscale xy
set format xy "%.0s%c"
set xrange [10:1.6e6]
set key top left
plot data using 1:2 with linespoints title "linear (scan an array)", \
     data using 1:3 with linespoints title "sorted (binary search)", \
     data using 1:4 with linespoints title "hash (open addressing)"
