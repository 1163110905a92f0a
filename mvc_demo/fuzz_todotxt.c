/*
 * libFuzzer target: the todotxt format's parser, on any bytes. A parse must
 * either succeed with valid records, which must survive a write and a
 * second parse unchanged, or fail with a reason and an empty list.
 */
#include "fuzz_format.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return todo_fuzz_format(&todo_format_todotxt, data, size);
}
