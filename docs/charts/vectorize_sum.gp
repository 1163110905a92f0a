# Vectorization: the sum of an array of doubles in GB/s, per variant of
# the loop and per build (-O0, -O2, -O3 -march=native), in L1 (left) and
# from RAM (right). The dashed line is the bench's limit, measured in the
# -O2 run: the best sum in L1 and one core's read bandwidth from RAM.
width = 900
load "docs/charts/style.gpi"
O0 = bench . "/vectorize_sum_O0.csv"
O2 = bench . "/vectorize_sum_O2.csv"
O3 = bench . "/vectorize_sum_O3_march_native.csv"

# Rows 0-3 are the variants, rows 4 and 5 the limit's two widths, row 6
# the limit: the faster of the two at each size.
stats O2 every ::6::6 using 4 nooutput
l1_limit = STATS_max
stats O2 every ::6::6 using 5 nooutput
ram_limit = STATS_max

set multiplot title "Sum of doubles, GB/s (8 bytes per element read)"
set style fill solid 0.9 noborder
set yrange [0:*]
set xrange [-0.6:3.6]
w = 0.25
limit_style = "with lines dashtype 2 linecolor rgb '#999999'"

set size 0.5, 0.82
set origin 0, 0.1
set title "in L1: 8 KB"
set ylabel "GB/s"
plot O0 every ::0::3 using ($0 - w):4:(w) with boxes, \
     O2 every ::0::3 using 0:4:(w) with boxes, \
     O3 every ::0::3 using ($0 + w):4:(w) with boxes, \
     l1_limit @limit_style, \
     O2 every ::0::3 using 0:(NaN):xtic(1)

set origin 0.5, 0.1
set title "from RAM: 80 MB"
unset ylabel
plot O0 every ::0::3 using ($0 - w):5:(w) with boxes, \
     O2 every ::0::3 using 0:5:(w) with boxes, \
     O3 every ::0::3 using ($0 + w):5:(w) with boxes, \
     ram_limit @limit_style, \
     O2 every ::0::3 using 0:(NaN):xtic(1)

# One legend for both panels, below them: an empty plot over the whole
# canvas that draws only its key.
set size 1, 1
set origin 0, 0
unset title
unset border
unset tics
unset grid
set yrange [0:1]
set key at screen 0.5, screen 0.02 center bottom horizontal
plot -1 with boxes title "-O0", -1 with boxes title "-O2", \
     -1 with boxes title "-O3 -march=native", \
     -1 @limit_style title "limit (best sum; read bandwidth)"
unset multiplot
