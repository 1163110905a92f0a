# Batching (reads): the first 1,000 users and their events loaded from
# SQLite in C as the N+1 query, as N+1 with the users fetched first (what
# an ORM's loop does), as IN lists of 100 through one prepared statement
# and as one JOIN; then the N+1 loop and the JOIN in Python's sqlite3
# module on the same file. The scale is logarithmic; the number over each
# bar is the statements SQLite ran, counted by its trace hook.
load "docs/charts/style.gpi"
data = bench . "/batch_reads.csv"

set title "SQLite: 1,000 users and their events, by query shape"
set ylabel "ms per load (log scale)"
set logscale y
set yrange [0.1:1000]
set xrange [-0.6:5.6]
set xtics rotate by -20
set style fill solid 0.9 noborder
plot data using 0:2:(0.6) with boxes linetype 1, \
     data using 0:2:($3 == 1 ? "1 statement" : sprintf("%.0f statements", $3)) \
          with labels offset 0,0.7, \
     data using 0:(NaN):xtic(1)
