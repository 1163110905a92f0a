# The recorded run from several runs of the benches: given the same CSV
# file of each run, write the one run of it that lies closest to the
# median of all of them. Run by scripts/bench_figures.sh (combine), which
# passes the runs' copies of one file as the input files and sets:
#
#   OUT   the file to write
#
# A whole table comes from one run, so its cells still agree with each
# other (a ratio column is its own row's ratio). The run chosen is the one
# whose numbers are nearest each cell's median: the sum, over the numeric
# cells, of |value - median| / |median| is smallest (the first run on a
# tie). Each run must have the same columns and the same row labels in the
# same order; the exit status is 1, with a message, when they do not.

BEGIN {
	FS = ","
	runs = 0
	failed = 0
}

FNR == 1 {
	runs++
	RUN_FILE[runs] = FILENAME
	if (runs > 1 && $0 != LINE[1, 1])
		fail("its columns differ from those of " RUN_FILE[1])
}

{
	LINE[runs, FNR] = $0
	LINES[runs] = FNR
	if (runs > 1 && FNR > 1 && $1 != label_of(1, FNR))
		fail("line " FNR " is row '" $1 "' where " RUN_FILE[1] \
		    " has '" label_of(1, FNR) "'")
	for (c = 2; c <= NF; c++)
		CELL[runs, FNR, c] = $c
	COLUMNS[FNR] = NF
}

END {
	if (runs == 0)
		fail("no run was given")
	for (r = 2; r <= runs && !failed; r++)
		if (LINES[r] != LINES[1])
			fail(RUN_FILE[r] " has " LINES[r] " lines where " \
			    RUN_FILE[1] " has " LINES[1])
	if (failed)
		exit 1
	best = closest_run()
	printf "" > OUT
	for (l = 1; l <= LINES[best]; l++)
		print LINE[best, l] > OUT
	close(OUT)
}

function fail(message) {
	print "bench-runs: " FILENAME ": " message > "/dev/stderr"
	failed = 1
}

function label_of(run, line,    cells) {
	split(LINE[run, line], cells, ",")
	return cells[1]
}

function is_number(text) {
	return text ~ /^-?[0-9]*\.?[0-9]+([eE][-+]?[0-9]+)?$/
}

# The run whose numbers lie nearest the cells' medians.
function closest_run(    r, l, c, median, distance, best, best_distance) {
	for (r = 1; r <= runs; r++)
		DISTANCE[r] = 0
	for (l = 2; l <= LINES[1]; l++)
		for (c = 2; c <= COLUMNS[l]; c++) {
			if (!cell_median(l, c))
				continue
			median = MEDIAN
			for (r = 1; r <= runs; r++)
				DISTANCE[r] += relative(CELL[r, l, c] + 0, median)
		}
	best = 1
	best_distance = DISTANCE[1]
	for (r = 2; r <= runs; r++)
		if (DISTANCE[r] < best_distance) {
			best = r
			best_distance = DISTANCE[r]
		}
	return best
}

# The median of cell (l, c) over the runs, left in MEDIAN (the lower of the
# two middle values for an even count); 0 when a run's cell is no number.
function cell_median(l, c,    r, i, n, v, sorted) {
	n = 0
	for (r = 1; r <= runs; r++) {
		if (!is_number(CELL[r, l, c]))
			return 0
		v = CELL[r, l, c] + 0
		for (i = n; i > 0 && sorted[i] > v; i--)
			sorted[i + 1] = sorted[i]
		sorted[i + 1] = v
		n++
	}
	MEDIAN = sorted[int((n + 1) / 2)]
	return 1
}

function relative(value, median,    d) {
	d = value - median
	if (d < 0)
		d = -d
	if (median == 0)
		return d > 0 ? 1 : 0
	return d / (median < 0 ? -median : median)
}
