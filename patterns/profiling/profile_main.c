/*
 * The program `make profile` runs under the standard tools: gprof (built
 * with -pg), valgrind's callgrind (instructions per source line) and
 * massif (heap over time). It runs the course's two functions and nothing
 * else, so the profiles show only them.
 *
 *   profile_main slow REPEAT   slow_function(10000), REPEAT times
 *   profile_main memory        my_func, through the counting allocator
 *
 * The file is named *_main.c because it has its own main(): the Makefile
 * keeps such programs out of the library.
 */
#include "profiling/profiling.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The course's bound: the sum of i * i for i below 10 000. One call takes
 * microseconds, too little for a sampling profiler to see, so the course's
 * call is repeated rather than the bound raised: the function profiled is
 * exactly the course's. */
enum { BOUND = 10000 };

static int run_slow(long repeat)
{
	int64_t total = 0;

	for (long i = 0; i < repeat; i++)
		total += dp_profiling_slow_function(NULL, BOUND);
	printf("slow_function(%d) called %ld times, total %lld\n", BOUND,
	       repeat, (long long)total);
	return EXIT_SUCCESS;
}

static int run_memory(void)
{
	struct dp_counting_allocator counter;

	dp_counting_allocator_init(&counter, NULL);
	int rc = dp_profiling_my_func(&counter.base, NULL);
	if (rc != DP_OK) {
		fprintf(stderr, "my_func: %s\n", dp_strerror(rc));
		return EXIT_FAILURE;
	}
	printf("my_func: peak %zu bytes in %zu allocations, %zu live at the "
	       "end\n",
	       counter.peak_bytes, counter.allocations, counter.live_bytes);
	return EXIT_SUCCESS;
}

int main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "slow") == 0)
		return run_slow(strtol(argv[2], NULL, 10));
	if (argc == 2 && strcmp(argv[1], "memory") == 0)
		return run_memory();
	fprintf(stderr, "usage: %s slow REPEAT | memory\n", argv[0]);
	return EXIT_FAILURE;
}
