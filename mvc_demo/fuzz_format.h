/**
 * @file fuzz_format.h
 * @brief What every store parser's fuzz target checks, shared by
 *        fuzz_native.c, fuzz_csv.c and fuzz_todotxt.c.
 *
 * Ownership: everything allocated is freed before the check returns.
 * Thread-safety: none needed; libFuzzer calls one input at a time.
 */
#ifndef TODO_FUZZ_FORMAT_H
#define TODO_FUZZ_FORMAT_H

#include "adapter/adapter.h"
#include "store.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/**
 * @brief Parse `data`; on success, write the records and parse them back,
 *        and abort on any difference or broken promise.
 * @param[in] format The format under test.
 * @param[in] data   The bytes.
 * @param[in] size   How many.
 * @return 0, as libFuzzer expects.
 */
static inline int todo_fuzz_format(const struct todo_format *format,
                                   const uint8_t *data, size_t size)
{
	struct todo_list list, again;
	struct todo_status status = {NULL, 0};

	todo_list_init(&list, NULL);
	todo_list_init(&again, NULL);
	int rc = format->parse((const char *)data, size, &list, &status);
	if (rc != DP_OK) {
		if (list.count != 0 || status.reason == NULL)
			abort();
		return 0;
	}
	struct dp_stream *memory = dp_memory_stream_create(NULL);
	if (memory == NULL || format->write(&list, memory) != DP_OK)
		abort();
	size_t len = 0;
	const unsigned char *bytes = dp_memory_stream_data(memory, &len);
	if (format->parse((const char *)bytes, len, &again, &status) != DP_OK ||
	    again.count != list.count)
		abort();
	for (size_t i = 0; i < list.count; i++) {
		/* todo.txt cannot tell an active task whose text starts
		 * with "x " from a completed one: its format's own
		 * ambiguity, documented in the README. */
		bool ambiguous = format == &todo_format_todotxt &&
		                 strncmp(list.items[i].title, "x ", 2) == 0;
		if (strcmp(list.items[i].title, again.items[i].title) != 0 &&
		    !ambiguous)
			abort();
		if (list.items[i].done != again.items[i].done && !ambiguous)
			abort();
	}
	dp_stream_close(memory);
	todo_list_deinit(&again);
	todo_list_deinit(&list);
	return 0;
}

#endif /* TODO_FUZZ_FORMAT_H */
