# Batching: ns to write one 16-byte record to a file, for each way of
# writing it. The scale is logarithmic: one system call per record costs
# tens of times what any buffered way does.
load "docs/charts/style.gpi"
data = bench . "/batch_write.csv"

set title "Writing 16-byte records to a file"
set ylabel "ns per record (log scale)"
set logscale y
set yrange [1:5000]
set xrange [-0.6:3.6]
set style fill solid 0.9 noborder
plot data using 0:2:(0.6) with boxes linetype 1, \
     data using 0:2:(sprintf("%.1f", $2)) with labels offset 0,0.7, \
     data using 0:(NaN):xtic(1)
