# Batching (reads): one user's 20 events looked up in tables of 10^3 to
# 10^6 rows, without an index (a scan), with an index on user_id, and with
# the index through a statement prepared once. Both axes are logarithmic:
# the scan grows with the table, the indexed lookup stays flat.
load "docs/charts/style.gpi"
data = bench . "/batch_index_growth.csv"

set title "SQLite: one user's 20 events, by table size"
set xlabel "rows in the table (log scale)"
set ylabel "us per lookup (log scale)"
set logscale xy
set format x "%.0s%c"
set xrange [500:2e6]
set key top left
plot data using 1:2 with linespoints title "no index (SCAN)", \
     data using 1:3 with linespoints title "index on user_id (SEARCH)", \
     data using 1:4 with linespoints \
          title "index, statement prepared once"
