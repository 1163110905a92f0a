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
	size_t next; /* Next pool entry; persists across rounds. */
	dp_command_history *history;
	dp_command_queue *queue;
	size_t batch; /* Edits per batch, table 2. */
	bool undoing; /* Direction of the undo/redo walk. */
};

/* The next pooled command, set up for edit number `i`. It is never in the
 * history: the history keeps the HISTORY previous ones of POOL. */
static struct dp_command *next_pooled(struct bench *bench, size_t i)
{
	struct cell_edit *edit = &bench->pool[bench->next];

	bench->next = (bench->next + 1) % POOL;
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

/*
 * The fastest of three measurements, each already the fastest of the
 * harness's rounds: the shared machines these figures come from are busy,
 * and a row measured while a neighbour ran would skew its ratio.
 */
static double best_ns_per_op(dp_bench_fn *fn, void *ctx)
{
	double best = dp_bench_ns_per_op(fn, ctx);

	for (int pass = 1; pass < 3; pass++) {
		double ns = dp_bench_ns_per_op(fn, ctx);
		if (ns < best)
			best = ns;
	}
	return best;
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

	for (size_t i = 0; i < iterations; i++)
		dp_command_execute(next_pooled(bench, i));
	dp_bench_keep((uint64_t)bench->sheet.cells[0]);
}

static void run_recorded(void *ctx, size_t iterations)
{
	struct bench *bench = ctx;

	for (size_t i = 0; i < iterations; i++)
		dp_command_history_execute(bench->history,
		                           next_pooled(bench, i));
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

static int edit_table(struct bench *bench)
{
	struct row {
		const char *name;
		dp_bench_fn *run;
	} rows[] = {
		{"direct call cell_set()", run_direct},
		{"command, execute through ops", run_execute},
		{"command, execute + record in history", run_recorded},
		{"command, malloc + execute + record", run_allocated},
		{"undo or redo through the history", run_undo_redo},
	};

	printf("One edit of a cell, ns per edit (history of %d)\n", HISTORY);
	printf("%-40s %9s %10s\n", "edit", "ns/edit", "vs direct");
	double direct = 0;
	for (size_t r = 0; r < DP_ARRAY_SIZE(rows); r++) {
		/* Each row starts from a history full of its own kind of
		 * command, so it measures the steady state. */
		dp_command_history_destroy(bench->history);
		bench->history = dp_command_history_create(HISTORY, NULL);
		if (bench->history == NULL)
			return DP_ENOMEM;
		for (size_t i = 0; i < HISTORY; i++)
			dp_command_history_execute(
				bench->history, r == 3 ? new_allocated(bench, i)
						       : next_pooled(bench, i));
		bench->undoing = true;

		double ns = best_ns_per_op(rows[r].run, bench);
		if (r == 0)
			direct = ns;
		printf("%-40s %9.2f %9.2fx\n", rows[r].name, ns, ns / direct);
		fflush(stdout);
	}
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

static int batch_table(struct bench *bench)
{
	static const size_t batches[] = {1, 8, 64, 512};

	bench->queue = dp_command_queue_create(NULL);
	if (bench->queue == NULL)
		return DP_ENOMEM;
	printf("\nEdits with a recalculation of %d cells after each change, "
	       "ns per edit\n",
	       CELLS);
	printf("%-40s %9s %10s\n", "how", "ns/edit", "vs 1 by 1");
	double one = best_ns_per_op(run_one_by_one, bench);
	printf("%-40s %9.2f %9.2fx\n", "history, recalculate after each", one,
	       1.0);
	for (size_t b = 0; b < DP_ARRAY_SIZE(batches); b++) {
		bench->batch = batches[b];
		char name[64];
		snprintf(name, sizeof(name), "queue, batches of %zu",
		         batches[b]);
		double ns = best_ns_per_op(run_batched, bench);
		printf("%-40s %9.2f %9.2fx\n", name, ns, ns / one);
		fflush(stdout);
	}
	dp_command_queue_destroy(bench->queue);
	return DP_OK;
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
	int rc = edit_table(bench);
	if (rc == DP_OK)
		rc = batch_table(bench);
	dp_command_history_destroy(bench->history);
	free(bench);
	if (rc != DP_OK) {
		fprintf(stderr, "bench_command: %s\n", dp_strerror(rc));
		return EXIT_FAILURE;
	}
	return EXIT_SUCCESS;
}
