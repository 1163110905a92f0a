# The figure registry: every number a README quotes from a bench, checked
# against the recorded run. Run by scripts/bench_figures.sh, which sets:
#
#   VERB   check | drift | update
#   ROOT   the repository root: READMEs and docs/bench/*.csv are under it
#   FRESH  for drift: the folders of the fresh runs' CSV files, one a line
#   RECORDED_RUNS  the folders of the recorded runs (docs/bench/runs/*),
#          one a line; none for a record of a single run
#   CONFIRM  for drift: a first round's report, or empty; when given, only
#          the figures it reports are judged again (the others held)
#   SETS   for spread: how many of the FRESH folders each set of runs has,
#          separated by spaces, in order
#
# The input is the registry, docs/bench/figures/*.tsv: five TAB-separated
# fields a line (README, pattern, CSVFILE:ROW:COLUMN, format, tolerance),
# `#` starting a comment. The tolerance is a percentage of the recorded
# value, `-` for the default, or `abs:N` for N in the figure's own unit
# (for a figure that can be near zero: a margin, a difference). A pattern
# is the literal text of one line of the README with `{}` where the figure
# stands and `{*}` for any other number.
# Problems are printed as "registry:line: README:line: message"; the exit
# status is 1 when there was any (or, for drift, any figure moved beyond
# its tolerance).

BEGIN {
	FS = "\t"
	DEFAULT_TOLERANCE = 25
	problems = 0
	figures = 0
	moved = 0
	not_rerun = 0
	changed_files = ""
	fresh_runs = split_lines(FRESH, FRESH_RUN)
	recorded_runs = split_lines(RECORDED_RUNS, RECORDED_RUN)
	held = 0
	spread_beyond = 0
	sets = split(SETS, SET_SIZE, " ")
	if (CONFIRM != "")
		read_first_round(CONFIRM)
}

# The registry lines a first round of drift reported, into FIRST_ROUND[].
function read_first_round(report,    line, status) {
	while ((status = (getline line < report)) > 0)
		if (match(line, /\[docs\/bench\/figures\/[^,]*,/))
			FIRST_ROUND[substr(line, RSTART + 1, RLENGTH - 2)] = 1
	close(report)
	if (status < 0) {
		print "bench-figures: cannot read " report > "/dev/stderr"
		exit 2
	}
}

/^#/ || /^[ \t]*$/ { next }

{
	where = FILENAME ":" FNR
	sub(/^.*\/docs\/bench\/figures\//, "docs/bench/figures/", where)
	figures++
	figure(where)
}

END {
	if (VERB == "update" && problems == 0)
		write_changed()
	else if (VERB == "update")
		print "bench-figures: nothing rewritten until every problem " \
		    "is fixed" > "/dev/stderr"
	summary()
	exit (problems > 0 || moved > 0) ? 1 : 0
}

# The non-empty lines of `text` into list[1..n]; returns n.
function split_lines(text, list,    all, i, n, count) {
	count = split(text, all, "\n")
	n = 0
	for (i = 1; i <= count; i++)
		if (all[i] != "")
			list[++n] = all[i]
	return n
}

function problem(where, message) {
	print where ": " message > "/dev/stderr"
	problems++
}

function summary() {
	if (VERB == "check")
		printf "bench-figures: %d figures checked, %d problems\n", \
		    figures, problems
	else if (VERB == "spread")
		printf "bench-figures: %d figures over %d sets of runs, %d " \
		    "spread beyond tolerance, %d not rerun, %d problems\n", \
		    figures, sets, spread_beyond, not_rerun, problems
	else if (VERB == "drift")
		printf "bench-figures: %d figures, %d beyond tolerance, " \
		    "%d not rerun, %s%d problems\n", \
		    figures, moved, not_rerun, \
		    (CONFIRM != "" ? held " held in the first round, " : ""), \
		    problems
	else
		printf "bench-figures: %d figures, %d files rewritten, " \
		    "%d problems\n", figures, rewritten, problems
}

# One registry line: validate its fields, find its README line and its
# figure there, then do what the verb asks.
function figure(where,    readme, pattern, source, format, tolerance,
                          at, line, recorded, text, n) {
	if (NF != 5) {
		problem(where, "expected 5 TAB-separated fields, found " NF)
		return
	}
	readme = $1; pattern = $2; source = $3; format = $4; tolerance = $5
	if (!valid_format(format)) {
		problem(where, "format '" format "' is not a printf conversion " \
		    "of a double such as %.1f or '%.0f")
		return
	}
	if (tolerance == "-")
		tolerance = DEFAULT_TOLERANCE
	else if (tolerance !~ /^(abs:)?[0-9]+(\.[0-9]+)?$/) {
		problem(where, "tolerance '" tolerance "' is not a percentage, " \
		    "abs:N or -")
		return
	}
	n = split(pattern, parts, /\{\}/)
	if (n != 2) {
		problem(where, "the pattern has " (n - 1) " '{}' where it needs one")
		return
	}
	if (!load_readme(readme)) {
		problem(where, "README " readme " cannot be read")
		return
	}
	at = find_line(where, readme, pattern)
	if (at == 0)
		return
	line = readme ":" at
	where = where ": " line
	if (!cell(where, ROOT "/docs/bench", source, "recorded"))
		return
	recorded = CELL
	if (registered_twice(where, readme, at))
		return
	text = formatted(format, recorded)
	if (VERB == "check") {
		if (FIGURE_TEXT != text)
			problem(where, "the figure is written " FIGURE_TEXT \
			    " but the recorded run gives " text " (" source \
			    " = " CELL_TEXT ", " format ")")
	} else if (VERB == "update") {
		update(readme, at, text)
	} else if (VERB == "drift") {
		drift(where, line, source, format, tolerance, recorded)
	} else if (VERB == "spread") {
		spread(where, line, source, format, tolerance)
	}
}

# Whether another registry line already registers the figure found by
# find_line() (a problem: the two could give it different values).
function registered_twice(where, readme, at,    key) {
	key = readme SUBSEP at SUBSEP FIGURE_START
	if (key in REGISTERED) {
		problem(where, "this figure is registered already, by " \
		    REGISTERED[key])
		return 1
	}
	REGISTERED[key] = registry_line(where)
	return 0
}

function valid_format(format) {
	return format ~ /^'?%[-+ #0]*[0-9]*(\.[0-9]+)?[feEgG]$/
}

# Read a README into README_LINE[file, 1..n] once; 0 when it cannot be read.
function load_readme(readme,    path, line, n, status) {
	if (readme in README_LINES)
		return README_LINES[readme] >= 0
	path = ROOT "/" readme
	n = 0
	while ((status = (getline line < path)) > 0)
		README_LINE[readme, ++n] = line
	close(path)
	README_LINES[readme] = (status < 0) ? -1 : n
	return status >= 0
}

# The number of the one line of `readme` that `pattern` matches, with the
# figure's place in it left in FIGURE_START, FIGURE_LENGTH and FIGURE_TEXT;
# 0 (and a problem) when no line or more than one matches.
function find_line(where, readme, pattern,    i, n, found, list, start, len,
                                              at) {
	n = split_pattern(pattern)
	found = 0
	for (i = 1; i <= README_LINES[readme]; i++) {
		if (match_piece(README_LINE[readme, i], 1, 1, n)) {
			found++
			list = list (found > 1 ? ", " : "") i
			if (found == 1) {
				at = i; start = MATCH_START; len = MATCH_LENGTH
			}
		}
	}
	if (found != 1) {
		problem(where, "the pattern matches " (found ? found " lines (" \
		    list ")" : "no line") " of " readme ": " pattern)
		return 0
	}
	FIGURE_START = start
	FIGURE_LENGTH = len
	FIGURE_TEXT = substr(README_LINE[readme, at], start, len)
	return at
}

# Cut a pattern into PIECE[1..n]: literal text, or FIGURE for `{}`, or
# NUMBER for `{*}`.
function split_pattern(pattern,    n, rest, a, b) {
	n = 0
	rest = pattern
	while (rest != "") {
		a = index(rest, "{}")
		b = index(rest, "{*}")
		if (a == 0 && b == 0) {
			PIECE[++n] = rest
			break
		}
		if (a && (b == 0 || a < b)) {
			if (a > 1)
				PIECE[++n] = substr(rest, 1, a - 1)
			PIECE[++n] = "\001FIGURE"
			rest = substr(rest, a + 2)
		} else {
			if (b > 1)
				PIECE[++n] = substr(rest, 1, b - 1)
			PIECE[++n] = "\001NUMBER"
			rest = substr(rest, b + 3)
		}
	}
	return n
}

# Whether line[pos..] matches PIECE[k..n] to its end. A number is tried
# longest first, then shorter, so that `{*} 100` still finds its literal.
# Leaves the figure's place in MATCH_START and MATCH_LENGTH.
function match_piece(line, pos, k, n,    piece, len, rest) {
	if (k > n)
		return pos == length(line) + 1
	piece = PIECE[k]
	rest = substr(line, pos)
	if (piece != "\001FIGURE" && piece != "\001NUMBER") {
		if (substr(rest, 1, length(piece)) != piece)
			return 0
		return match_piece(line, pos + length(piece), k + 1, n)
	}
	if (!match(rest, /^-?[0-9]+( [0-9][0-9][0-9])*(\.[0-9]+)?/))
		return 0
	for (len = RLENGTH; len > 0; len--) {
		if (!is_number(substr(rest, 1, len)))
			continue
		if (match_piece(line, pos + len, k + 1, n)) {
			if (piece == "\001FIGURE") {
				MATCH_START = pos
				MATCH_LENGTH = len
			}
			return 1
		}
	}
	return 0
}

function is_number(text) {
	return text ~ /^-?[0-9]+( [0-9][0-9][0-9])*(\.[0-9]+)?$/
}

# The cell CSVFILE:ROW:COLUMN of the CSV files in `dir`, left in CELL; the
# row label may hold a colon, the file name and the column may not. 0 (and
# a problem) when the file, row or column is unknown or the cell is not a
# number; -1 for a file of a fresh or recorded run that was not written
# (the bench was not run then).
function cell(where, dir, source, which,    file, row, column, first, last,
                                             key) {
	first = index(source, ":")
	last = match(source, /:[^:]*$/)
	if (first == 0 || first == last) {
		problem(where, "source '" source "' is not CSVFILE:ROW:COLUMN")
		return 0
	}
	file = substr(source, 1, first - 1)
	row = substr(source, first + 1, last - first - 1)
	column = substr(source, last + 1)
	key = dir "/" file
	if (!load_csv(key)) {
		if (which != "recorded")
			return -1
		problem(where, "unknown CSV file " file " (no " \
		    substr(key, length(ROOT) + 2) ")")
		return 0
	}
	if (!((key, "row", row) in CSV)) {
		problem(where, "CSV " which " " file " has no row '" row "'")
		return 0
	}
	if (!((key, "column", column) in CSV)) {
		problem(where, "CSV " which " " file " has no column '" column "'")
		return 0
	}
	CELL = CSV[key, CSV[key, "row", row], CSV[key, "column", column]]
	CELL_TEXT = CELL
	if (CELL !~ /^-?[0-9]*\.?[0-9]+([eE][-+]?[0-9]+)?$/) {
		problem(where, "CSV " which " " file ": the cell '" row "', '" \
		    column "' is '" CELL "', not a number")
		return 0
	}
	CELL += 0
	return 1
}

# Read a CSV file into CSV[path, r, c], with its row labels and column names
# indexed; 0 when it cannot be read.
function load_csv(path,    line, r, c, n, cells, status) {
	if ((path, "loaded") in CSV)
		return CSV[path, "loaded"]
	r = 0
	while ((status = (getline line < path)) > 0) {
		n = split(line, cells, ",")
		r++
		for (c = 1; c <= n; c++) {
			CSV[path, r, c] = cells[c]
			if (r == 1)
				CSV[path, "column", cells[c]] = c
		}
		if (r > 1)
			CSV[path, "row", cells[1]] = r
	}
	close(path)
	CSV[path, "loaded"] = (status == 0 && r > 0)
	return CSV[path, "loaded"]
}

# The value as the README writes it: the printf conversion, and with a
# leading ' its integer digits grouped by threes with a space (216 853).
function formatted(format, value,    grouped, text, sign, int_part, rest, i) {
	grouped = (substr(format, 1, 1) == "'")
	if (grouped)
		format = substr(format, 2)
	text = sprintf(format, value)
	if (!grouped)
		return text
	sign = ""
	if (substr(text, 1, 1) == "-") {
		sign = "-"
		text = substr(text, 2)
	}
	match(text, /^[0-9]+/)
	int_part = substr(text, 1, RLENGTH)
	rest = substr(text, RLENGTH + 1)
	for (i = length(int_part) - 3; i > 0; i -= 3)
		int_part = substr(int_part, 1, i) " " substr(int_part, i + 1)
	return sign int_part rest
}

# Replace the figure found by find_line() with `text`, in memory.
function update(readme, at, text,    line) {
	line = README_LINE[readme, at]
	if (substr(line, FIGURE_START, FIGURE_LENGTH) == text)
		return
	README_LINE[readme, at] = substr(line, 1, FIGURE_START - 1) text \
	    substr(line, FIGURE_START + FIGURE_LENGTH)
	if (index(changed_files, SUBSEP readme SUBSEP) == 0)
		changed_files = changed_files SUBSEP readme SUBSEP
}

# Rewrite each README whose figures changed, line for line.
function write_changed(    list, n, i, readme, path, k) {
	n = split(changed_files, list, SUBSEP)
	for (i = 1; i <= n; i++) {
		readme = list[i]
		if (readme == "")
			continue
		path = ROOT "/" readme
		printf "" > path
		for (k = 1; k <= README_LINES[readme]; k++)
			print README_LINE[readme, k] > path
		close(path)
		rewritten++
		print "bench-figures: rewrote the figures of " readme
	}
}

# Compare the fresh value with the recorded band: the fresh value is the
# median of the figure's cell over the fresh runs; the band runs from the
# lowest to the highest value of the recorded runs, widened on each side by
# the tolerance: `tolerance` percent of the recorded value, or N in the
# figure's unit for abs:N. A figure outside it moved.
function drift(where, line, source, format, tolerance, recorded,    got,
                                                  fresh, slack, percent) {
	if (CONFIRM != "" && !(registry_line(where) in FIRST_ROUND)) {
		held++
		return
	}
	got = fresh_median(where, source)
	if (got < 0) {
		not_rerun++
		return
	}
	if (got == 0)
		return
	fresh = MEDIAN
	if (!recorded_band(where, source, recorded))
		return
	slack = slack_of(tolerance, recorded)
	if (fresh >= BAND_LOW - slack && fresh <= BAND_HIGH + slack)
		return
	moved++
	if (recorded == 0)
		percent = (fresh > 0) ? 1e9 : -1e9
	else
		percent = 100 * (fresh - recorded) / (recorded < 0 ? -recorded : recorded)
	printf "%s: %s recorded%s, %s fresh%s (%+.0f%%, tolerance %s) " \
	    "[%s, %s]\n", line, formatted(format, recorded), \
	    band_text(format), formatted(format, fresh), \
	    (fresh_runs > 1 ? " (median of " fresh_runs ")" : ""), percent, \
	    tolerance_text(tolerance), registry_line(where), source
}

# How far from `value` the tolerance allows: a percentage of it, or N for
# abs:N.
function slack_of(tolerance, value) {
	if (tolerance ~ /^abs:/)
		return substr(tolerance, 5) + 0
	return tolerance / 100 * (value < 0 ? -value : value)
}

# The median of the figure's cell over the fresh runs, left in MEDIAN (the
# lower of the two middle values for an even count); -1 when no fresh run
# wrote its file (the bench was not rerun), 0 on a problem.
function fresh_median(where, source) {
	return runs_median(where, source, 1, fresh_runs)
}

# The median of the cell over the fresh runs first..last, as fresh_median().
function runs_median(where, source, first, last,    r, got, n, values) {
	n = 0
	for (r = first; r <= last; r++) {
		got = cell(where, FRESH_RUN[r], source, "fresh")
		if (got == 0)
			return 0
		if (got > 0)
			values[++n] = CELL
	}
	if (n == 0)
		return -1
	MEDIAN = lower_median(values, n)
	return 1
}

# The lowest and highest value of the figure's cell over the recorded runs
# that wrote its file (and the recorded value itself), left in BAND_LOW
# and BAND_HIGH; 0 on a problem.
function recorded_band(where, source, recorded,    r, got) {
	BAND_LOW = BAND_HIGH = recorded
	for (r = 1; r <= recorded_runs; r++) {
		got = cell(where, RECORDED_RUN[r], source, "recorded run")
		if (got == 0)
			return 0
		if (got < 0)
			continue
		if (CELL < BAND_LOW)
			BAND_LOW = CELL
		if (CELL > BAND_HIGH)
			BAND_HIGH = CELL
	}
	return 1
}

# The registry line of `where` ("docs/bench/figures/FILE.tsv:N: ...").
function registry_line(where) {
	return substr(where, 1, index(where, ": ") - 1)
}

function tolerance_text(tolerance) {
	if (tolerance ~ /^abs:/)
		return substr(tolerance, 5) " either way"
	return tolerance "%"
}

function band_text(format) {
	if (BAND_LOW == BAND_HIGH)
		return ""
	return " (runs " formatted(format, BAND_LOW) " to " \
	    formatted(format, BAND_HIGH) ")"
}

# How far apart the sets of runs put a figure: the median of each set,
# then the gap between the lowest and the highest of them. Drift compares
# one set (the fresh runs) with another (the recorded ones), so a
# tolerance narrower than this gap reports a figure that only the
# machine moved. Prints each figure whose gap is wider than its tolerance,
# with the tolerance that would cover it (a percentage, rounded up to a
# multiple of 25).
function spread(where, line, source, format, tolerance,    k, first, got, n,
                                              low, high, middle, list,
                                              gap, slack, percent) {
	n = 0
	list = ""
	first = 1
	for (k = 1; k <= sets; k++) {
		got = runs_median(where, source, first, first + SET_SIZE[k] - 1)
		first += SET_SIZE[k]
		if (got == 0)
			return
		if (got < 0)
			continue
		SET_MEDIAN[++n] = MEDIAN
		list = list (n > 1 ? ", " : "") formatted(format, MEDIAN)
		if (n == 1 || MEDIAN < low)
			low = MEDIAN
		if (n == 1 || MEDIAN > high)
			high = MEDIAN
	}
	if (n < 2) {
		not_rerun++
		return
	}
	middle = lower_median(SET_MEDIAN, n)
	gap = high - low
	slack = slack_of(tolerance, middle)
	if (gap <= slack)
		return
	spread_beyond++
	percent = (middle == 0) ? 1e9 : 100 * gap / (middle < 0 ? -middle : middle)
	printf "%s: set medians %s: a gap of %.0f%% (tolerance %s; %d would " \
	    "cover it) [%s, %s]\n", line, list, percent, \
	    tolerance_text(tolerance), 25 * int((percent + 24.999) / 25), \
	    registry_line(where), source
}

# The lower median of list[1..n] (sorts a copy).
function lower_median(list, n,    i, j, v, sorted) {
	for (i = 1; i <= n; i++) {
		v = list[i]
		for (j = i - 1; j > 0 && sorted[j] > v; j--)
			sorted[j + 1] = sorted[j]
		sorted[j + 1] = v
	}
	return sorted[int((n + 1) / 2)]
}
