/*
 * The memory trace: memory_profiler's line-by-line table, with the lines
 * marked by hand. Python's tool samples the process's resident size after
 * each line; here the counting allocator already knows the exact bytes,
 * so a mark is a copy of its counters and never allocates, which keeps the
 * trace from disturbing what it measures.
 */
#include "profiling/profiling.h"

#include <inttypes.h>
#include <stdio.h>

int dp_memory_trace_init(struct dp_memory_trace *trace,
                         const struct dp_counting_allocator *counter,
                         struct dp_memory_line *lines, size_t capacity)
{
	if (trace == NULL || counter == NULL || lines == NULL || capacity == 0)
		return DP_EINVAL;
	*trace = (struct dp_memory_trace){
		.counter = counter,
		.lines = lines,
		.capacity = capacity,
		.baseline_bytes = counter->live_bytes,
	};
	return DP_OK;
}

int dp_memory_trace_mark(struct dp_memory_trace *trace, const char *label)
{
	if (trace == NULL || label == NULL)
		return DP_EINVAL;
	if (trace->count == trace->capacity)
		return DP_ERANGE;
	const struct dp_counting_allocator *counter = trace->counter;
	size_t before = trace->count > 0
	                        ? trace->lines[trace->count - 1].live_bytes
	                        : trace->baseline_bytes;
	trace->lines[trace->count++] = (struct dp_memory_line){
		.label = label,
		.live_bytes = counter->live_bytes,
		.increment = (int64_t)counter->live_bytes - (int64_t)before,
		.peak_bytes = counter->peak_bytes,
		.allocations = counter->allocations,
		.frees = counter->frees,
	};
	return DP_OK;
}

int dp_memory_trace_print(const struct dp_memory_trace *trace,
                          struct dp_stream *out)
{
	if (trace == NULL || out == NULL)
		return DP_EINVAL;
	int rc = dp_stream_write_string(out, "Line   live bytes    increment"
	                                     "   peak bytes allocs frees"
	                                     "  contents\n");
	for (size_t i = 0; rc == DP_OK && i < trace->count; i++) {
		const struct dp_memory_line *line = &trace->lines[i];
		char row[160];
		snprintf(row, sizeof(row),
		         "%4zu %12zu %+12" PRId64 " %12zu %6zu %5zu  %s\n",
		         i + 1, line->live_bytes, line->increment,
		         line->peak_bytes, line->allocations, line->frees,
		         line->label);
		rc = dp_stream_write_string(out, row);
	}
	return rc;
}
