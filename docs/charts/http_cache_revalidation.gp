# HTTP caching: us per request for a 100 KiB resource over loopback, as a
# full 200, as a 304 after revalidation and as a fresh hit from the client
# cache (C, libcurl), with CPython's http.client doing the 200 and the 304
# against the same server. Logarithmic: a fresh hit sends nothing and
# costs about a thousandth of either. Each C bar is labelled with its
# bytes on the wire per request too.
width = 820
load "docs/charts/style.gpi"
data = bench . "/http_cache_revalidation.csv"

label(i) = i == 0 ? "200\n(no-store)" : \
           i == 1 ? "304\n(no-cache)" : \
           i == 2 ? "fresh hit\n(max-age)" : \
           i == 3 ? "200\nPython" : "304\nPython"

set title "A 100 KiB resource over loopback, 1 000 requests"
set ylabel "us per request (log scale)"
set logscale y
set yrange [0.01:1e5]
set xrange [-0.6:4.6]
set bmargin 4
set style fill solid 0.9 noborder
set key top left
plot data using 0:($0 < 3 ? $2 : NaN):(0.6) with boxes linetype 1 \
          title "C, libcurl (labels: us, and bytes on the wire, per request)", \
     data using 0:($0 < 3 ? NaN : $2):(0.6) with boxes linetype 2 \
          title "CPython, http.client", \
     data using 0:2:($0 < 3 ? sprintf("%.3g us\n%.0f B", $2, $3) \
                            : sprintf("%.3g us", $2)) \
          with labels offset 0,1.8, \
     data using 0:(NaN):xtic(label($0))
