/*
 * What turning an edit into a command costs, and what batching saves.
 *
 * Table 1: one edit of a spreadsheet cell, done by a direct call, then as
 * a command executed through its ops table, then also recorded in a
 * bounded history, then allocated per edit as a real editor would; and
 * the cost of undo and redo. Ratios are to the direct call.
 *
 * Table 2: the same edits applied one by one with a recalculation of the
 * sheet after each, against edits queued and applied in batches with one
 * recalculation per batch: the course's batch processing, with commands.
 *
 * Run with `make bench`; figures are ratios within this one run.
 */
#include "command/command.h"
#include "common/dp_bench.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

/* ---- the receiver and its command ----------------------------------------- */

enum { CELLS = 1024, HISTORY = 256, POOL = HISTORY + 1 };

struct sheet {
	int64_t cells[CELLS];
};

/* The direct edit; out of line, as a command's execute is. */
__attribute__((noinline)) static void cell_set(struct sheet *sheet,
                                               size_t index, int64_t value)
{
	sheet->cells[index] = value;
}

/* What a redraw or a recalculation costs: a pass over the whole sheet. */
__attribute__((noinline)) static int64_t recalculate(const struct sheet *sheet)
{
	int64_t total = 0;

	for (size_t i = 0; i < CELLS; i++)
		total += sheet->cells[i];
	return total;
}

struct cell_edit {
	struct dp_command base; /* Base. Must be first. */
	struct sheet *sheet;
	size_t index;
	int64_t value;
	int64_t old; /* Saved by execute for undo. */
};

static int cell_execute(struct dp_command *command)
{
	struct cell_edit *edit =
		dp_container_of(command, struct cell_edit, base);

	edit->old = edit->sheet->cells[edit->index];
	edit->sheet->cells[edit->index] = edit->value;
	return DP_OK;
}

static int cell_undo(struct dp_command *command)
{
	struct cell_edit *edit =
		dp_container_of(command, struct cell_edit, base);

	edit->sheet->cells[edit->index] = edit->old;
	return DP_OK;
}

static void cell_destroy(struct dp_command *command)
{
	free(dp_container_of(command, struct cell_edit, base));
}

/* Commands from a pool the bench owns: nothing frees them. */
static const struct dp_command_ops pooled_ops = {
	.name = "set cell",
	.execute = cell_execute,
	.undo = cell_undo,
};

/* Commands allocated per edit, freed when the history drops them. */
static const struct dp_command_ops allocated_ops = {
	.name = "set cell",
	.execute = cell_execute,
	.undo = cell_undo,
	.destroy = cell_destroy,
};

struct bench {
	struct sheet sheet;
	struct cell_edit pool[POOL];
	size_t next; /* Next pool entry; persists across repetitions. */
	dp_command_history *history;
	dp_command_queue *queue;
	size_t batch; /* Edits per batch, table 2. */
	bool undoing; /* Direction of the undo/redo walk. */
};

/* The next pooled command, set up for edit number `i`. It is never in the
 * history: the history keeps the HISTORY previous ones of POOL. The
 * cursor is the caller's local, so no iteration waits for the store and
 * reload of the one before, and it wraps by a compare, not a division:
 * the bench's own bookkeeping must cost less than what it measures. */
static struct dp_command *next_pooled(struct bench *bench, size_t *next,
                                      size_t i)
{
	struct cell_edit *edit = &bench->pool[*next];

	*next = *next + 1 == POOL ? 0 : *next + 1;
	edit->index = i % CELLS;
	edit->value = (int64_t)i;
	return &edit->base;
}

static struct dp_command *new_allocated(struct bench *bench, size_t i)
{
	struct cell_edit *edit = malloc(sizeof(*edit));

	if (edit == NULL)
		abort(); /* A bench cannot report a partial figure. */
	edit->base.ops = &allocated_ops;
	edit->sheet = &bench->sheet;
	edit->index = i % CELLS;
	edit->value = (int64_t)i;
	return &edit->base;
}

/* ---- table 1: one edit ------------------------------------------------------ */

/* Many short repetitions, the fastest kept: see dp_bench_measure(). Table
 * 1 takes them in turns; table 2's ratios are large enough without. */
enum { REPETITIONS = 14, TURNS = 3, BATCH_REPETITIONS = 41 };

/* The loop of run_direct() without its call: the index and the value are
 * computed and then dropped, at no cost, by dp_bench_opaque(). */
static void run_empty(void *ctx, size_t iterations)
{
	(void)ctx;
	for (size_t i = 0; i < iterations; i++)
		dp_bench_opaque((i % CELLS) ^ i);
}

static void run_direct(void *ctx, size_t iterations)
{
	struct bench *bench = ctx;

	for (size_t i = 0; i < iterations; i++)
		cell_set(&bench->sheet, i % CELLS, (int64_t)i);
	dp_bench_keep((uint64_t)bench->sheet.cells[0]);
}

static void run_execute(void *ctx, size_t iterations)
{
	struct bench *bench = ctx;
	size_t next = bench->next;

	for (size_t i = 0; i < iterations; i++)
		dp_command_execute(next_pooled(bench, &next, i));
	bench->next = next;
	dp_bench_keep((uint64_t)bench->sheet.cells[0]);
}

static void run_recorded(void *ctx, size_t iterations)
{
	struct bench *bench = ctx;
	size_t next = bench->next;

	for (size_t i = 0; i < iterations; i++)
		dp_command_history_execute(bench->history,
		                           next_pooled(bench, &next, i));
	bench->next = next;
	dp_bench_keep((uint64_t)bench->sheet.cells[0]);
}

static void run_allocated(void *ctx, size_t iterations)
{
	struct bench *bench = ctx;

	for (size_t i = 0; i < iterations; i++)
		dp_command_history_execute(bench->history,
		                           new_allocated(bench, i));
	dp_bench_keep((uint64_t)bench->sheet.cells[0]);
}

/* Walk the full history down by undo and back up by redo: every
 * iteration is one undo or one redo. */
static void run_undo_redo(void *ctx, size_t iterations)
{
	struct bench *bench = ctx;

	for (size_t i = 0; i < iterations; i++) {
		if (bench->undoing &&
		    dp_command_history_undo(bench->history) != DP_OK) {
			bench->undoing = false;
		}
		if (!bench->undoing &&
		    dp_command_history_redo(bench->history) != DP_OK) {
			bench->undoing = true;
			dp_command_history_undo(bench->history);
		}
	}
	dp_bench_keep((uint64_t)bench->sheet.cells[0]);
}

/* Each row starts from a full history of its own kind of command, so it
 * measures the steady state: every recorded command drops the oldest. */
static int refill_history(struct bench *bench, bool allocated)
{
	dp_command_history_destroy(bench->history);
	bench->history = dp_command_history_create(HISTORY, NULL);
	if (bench->history == NULL)
		return DP_ENOMEM;
	size_t next = bench->next;
	for (size_t i = 0; i < HISTORY; i++)
		dp_command_history_execute(
			bench->history, allocated
						? new_allocated(bench, i)
						: next_pooled(bench, &next, i));
	bench->next = next;
	bench->undoing = true;
	return DP_OK;
}

struct edit_row {
	const char *label; /* The CSV's row label. */
	const char *name;  /* What the printed table says. */
	dp_bench_fn *run;  /* NULL: one cycle, from dp_bench_cycle_ns(). */
	bool allocated;
};

static const struct edit_row edit_rows[] = {
	{"cycle", "one dependent add: a cycle", NULL, false},
	{"loop", "the loop alone, empty body", run_empty, false},
	{"direct", "direct call cell_set()", run_direct, false},
	{"execute", "command, execute through ops", run_execute, false},
	{"recorded", "command, execute + record in history", run_recorded,
         false},
	{"allocated", "command, malloc + execute + record", run_allocated,
         true},
	{"undo_redo", "undo or redo through the history", run_undo_redo, false},
};

enum { ROW_CYCLE, ROW_DIRECT = 2 };

/* The chapter's goal: a command executed through its table costs at most
 * this many times a direct call. */
static const double DISPATCH_GOAL = 1.6;

static int measure_edit(struct bench *bench, const struct edit_row *row,
                        struct dp_bench_spread *spread)
{
	if (row->run == NULL)
		return dp_bench_cycle_ns(spread);
	int rc = refill_history(bench, row->allocated);
	if (rc == DP_OK)
		rc = dp_bench_measure(row->run, bench, REPETITIONS, spread);
	return rc;
}

static void print_edit(const struct edit_row *row,
                       const struct dp_bench_spread *spread, double cycle,
                       double direct, dp_bench_csv *csv)
{
	double ns = spread->min;
	double values[] = {ns,
	                   ns / cycle,
	                   ns / direct,
	                   (ns - direct) / cycle,
	                   spread->median,
	                   spread->max,
	                   (DISPATCH_GOAL * direct - ns) / cycle};

	printf("%-37s %6.2f %6.2f", row->name, values[0], values[1]);
	if (row->run == run_empty || row->run == NULL)
		printf(" %8s %7s", "-", "-"); /* Not an edit. */
	else
		printf(" %7.2fx %7.2f", values[2], values[3]);
	printf("  %5.2f %6.2f\n", values[4], values[5]);
	dp_bench_csv_row(csv, row->label, values, DP_ARRAY_SIZE(values));
}

/* Every row is measured before any is printed, so that each can be
 * stated against the cycle and the direct call of the same run. */
static int edit_table(struct bench *bench, dp_bench_csv *csv)
{
	enum { ROWS = DP_ARRAY_SIZE(edit_rows) };
	struct dp_bench_spread turns[ROWS][TURNS], spread[ROWS];

	/* The rows take turns, so that a burst of load from another process
	 * spoils one turn of one row, not a whole row. */
	for (int turn = 0; turn < TURNS; turn++)
		for (size_t r = 0; r < ROWS; r++) {
			int rc = measure_edit(bench, &edit_rows[r],
			                      &turns[r][turn]);
			if (rc != DP_OK)
				return rc;
		}
	for (size_t r = 0; r < ROWS; r++)
		dp_bench_spread_combine(turns[r], TURNS, &spread[r]);
	printf("One edit of a cell (history of %d): the fastest of %d "
	       "repetitions,\nin ns and in cycles, then the median and the "
	       "slowest repetition in ns\n",
	       HISTORY, TURNS * REPETITIONS);
	printf("%-37s %6s %6s %8s %7s  %5s %6s\n", "edit", "ns", "cycles",
	       "vs direct", "+cycles", "median", "max");
	double cycle = spread[ROW_CYCLE].min, direct = spread[ROW_DIRECT].min;
	for (size_t r = 0; r < DP_ARRAY_SIZE(edit_rows); r++)
		print_edit(&edit_rows[r], &spread[r], cycle, direct, csv);
	double execute = spread[ROW_DIRECT + 1].min;
	printf("Goal: execute within %.1fx of a direct call: %.2fx, %s by "
	       "%.2f cycles\n",
	       DISPATCH_GOAL, execute / direct,
	       execute <= DISPATCH_GOAL * direct ? "met" : "missed",
	       fabs(DISPATCH_GOAL * direct - execute) / cycle);
	return DP_OK;
}

/* ---- table 2: one by one against batches ------------------------------------ */

static void run_one_by_one(void *ctx, size_t iterations)
{
	struct bench *bench = ctx;
	int64_t total = 0;

	for (size_t i = 0; i < iterations; i++) {
		dp_command_history_execute(bench->history,
		                           new_allocated(bench, i));
		total += recalculate(&bench->sheet);
	}
	dp_bench_keep((uint64_t)total);
}

static void run_batched(void *ctx, size_t iterations)
{
	struct bench *bench = ctx;
	int64_t total = 0;

	for (size_t i = 0; i < iterations; i++) {
		dp_command_queue_push(bench->queue, new_allocated(bench, i));
		if (dp_command_queue_size(bench->queue) == bench->batch) {
			dp_command_queue_run(bench->queue, bench->history, 0,
			                     NULL);
			total += recalculate(&bench->sheet);
		}
	}
	dp_bench_keep((uint64_t)total);
}

static void print_batch(const char *label, const char *name,
                        const struct dp_bench_spread *spread, double one,
                        dp_bench_csv *csv)
{
	double values[] = {spread->min, spread->min / one, spread->median,
	                   spread->max};

	printf("%-37s %7.2f %9.2fx  %7.2f %7.2f\n", name, values[0], values[1],
	       values[2], values[3]);
	fflush(stdout);
	dp_bench_csv_row(csv, label, values, DP_ARRAY_SIZE(values));
}

static int batch_table(struct bench *bench, dp_bench_csv *csv)
{
	static const size_t batches[] = {1, 8, 64, 512};
	struct dp_bench_spread spread;

	printf("\nEdits with a recalculation of %d cells after each change, "
	       "ns per edit\n",
	       CELLS);
	printf("%-37s %7s %10s  %7s %7s\n", "how", "ns", "vs 1 by 1", "median",
	       "max");
	int rc = dp_bench_measure(run_one_by_one, bench, BATCH_REPETITIONS,
	                          &spread);
	if (rc != DP_OK)
		return rc;
	double one = spread.min;
	print_batch("none", "history, recalculate after each", &spread, one,
	            csv);
	for (size_t b = 0; b < DP_ARRAY_SIZE(batches); b++) {
		bench->batch = batches[b];
		rc = dp_bench_measure(run_batched, bench, BATCH_REPETITIONS,
		                      &spread);
		if (rc != DP_OK)
			return rc;
		char name[64], label[24];
		snprintf(name, sizeof(name), "queue, batches of %zu",
		         batches[b]);
		snprintf(label, sizeof(label), "%zu", batches[b]);
		print_batch(label, name, &spread, one, csv);
	}
	return DP_OK;
}

/* The CSV files of both tables, written only when DP_BENCH_CSV is set. */
static int run_tables(struct bench *bench)
{
	dp_bench_csv *edit_csv = NULL, *batch_csv = NULL;
	int rc = dp_bench_csv_open(&edit_csv, "command_edit",
	                           "edit,ns,cycles,vs_direct,extra_cycles,"
	                           "ns_median,ns_max,goal_margin_cycles");
	if (rc == DP_OK)
		rc = dp_bench_csv_open(
			&batch_csv, "command_batch",
			"batch,ns,vs_one_by_one,ns_median,ns_max");
	if (rc == DP_OK)
		rc = edit_table(bench, edit_csv);
	if (rc == DP_OK) {
		bench->queue = dp_command_queue_create(NULL);
		rc = bench->queue == NULL ? DP_ENOMEM
		                          : batch_table(bench, batch_csv);
		dp_command_queue_destroy(bench->queue);
	}
	int closed = dp_bench_csv_close(edit_csv);
	int closed_batch = dp_bench_csv_close(batch_csv);
	if (rc == DP_OK)
		rc = closed != DP_OK ? closed : closed_batch;
	return rc;
}

int main(void)
{
	struct bench *bench = calloc(1, sizeof(*bench));
	if (bench == NULL)
		return EXIT_FAILURE;
	for (size_t i = 0; i < POOL; i++)
		bench->pool[i] = (struct cell_edit){.base.ops = &pooled_ops,
		                                    .sheet = &bench->sheet};

	printf("Command bench (%s, compiled by %s)\n\n", "make bench",
	       __VERSION__);
	int rc = run_tables(bench);
	dp_command_history_destroy(bench->history);
	free(bench);
	if (rc != DP_OK) {
		fprintf(stderr, "bench_command: %s\n", dp_strerror(rc));
		return EXIT_FAILURE;
	}
	return EXIT_SUCCESS;
}
