/**
 * @file list.h
 * @brief A detached list of (done, title) records: what stores load and
 *        save, and what import and load hand to the model.
 *
 * Ownership: the list owns its records and their titles, allocated from
 * the allocator given to todo_list_init(). Thread-safety: none.
 */
#ifndef TODO_LIST_H
#define TODO_LIST_H

#include "common/dp_common.h"
#include "model.h"

#include <stdbool.h>
#include <stddef.h>

/** @brief One record: an item without its id. */
struct todo_record {
	bool done;   /**< Whether it is completed. */
	char *title; /**< Owned by the list. */
};

/**
 * @brief A growable array of records. Public so callers can keep one on
 *        the stack; read #items and #count, change it only through the
 *        functions below.
 */
struct todo_list {
	struct todo_record *items;        /**< The records, #count of them. */
	size_t count;                     /**< The number of records. */
	size_t capacity;                  /**< Room allocated. */
	const struct dp_allocator *alloc; /**< Where memory comes from. */
};

/**
 * @brief Set up an empty list.
 * @param[out] list  The list.
 * @param[in]  alloc The allocator, or NULL for malloc/free.
 */
void todo_list_init(struct todo_list *list, const struct dp_allocator *alloc);

/**
 * @brief Free every record; the list is empty and reusable afterwards.
 * @param[in,out] list The list; NULL is a no-op.
 */
void todo_list_deinit(struct todo_list *list);

/**
 * @brief Append a record, copying `len` bytes of `title`.
 * @param[in,out] list  The list.
 * @param[in]     done  Whether it is completed.
 * @param[in]     title The title's bytes (need not be NUL-terminated).
 * @param[in]     len   How many bytes.
 * @return #DP_OK; #DP_EINVAL or #DP_ERANGE when the title is not valid
 *         (todo_title_check()); #DP_ENOMEM when memory runs out. On error
 *         the list is unchanged.
 */
int todo_list_append(struct todo_list *list, bool done, const char *title,
                     size_t len);

/**
 * @brief Copy the model's items, in order, into an empty list.
 * @param[in,out] list  An empty list.
 * @param[in]     model The model.
 * @return #DP_OK, or #DP_ENOMEM with the list empty again.
 */
int todo_list_from_model(struct todo_list *list, const todo_model *model);

#endif /* TODO_LIST_H */
