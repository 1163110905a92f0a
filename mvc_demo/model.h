/**
 * @file model.h
 * @brief The to-do list's model: items with stable ids, a subject that
 *        notifies observers of every change, and batches that turn many
 *        changes into one notification.
 *
 * The model knows nothing of views, controllers or presenters: it only
 * notifies whoever subscribed. Ownership: the model owns its items and
 * their titles (copies), allocated from the allocator given at creation;
 * pointers it returns stay valid until the next change. Thread-safety:
 * none; one thread uses a model.
 *
 * Invariant: ids ascend along the list, so finding an id is a binary
 * search; todo_model_insert() refuses an id that would break the order.
 *
 * Costs, for a list of n items: find O(log n); insert and remove O(log n)
 * plus moving the items after the position (a memmove: nothing at the
 * end, which is where add and load put items); set_done, set_title
 * (plus the title's length), count, active_count, at, and a notification
 * O(1) plus what the observers do.
 */
#ifndef TODO_MODEL_H
#define TODO_MODEL_H

#include "common/dp_common.h"
#include "observer/observer.h"

#include <stdbool.h>
#include <stddef.h>

/** @brief The longest title accepted, in bytes. */
#define TODO_TITLE_MAX 200

/** @brief The event code of "the list changed" (many changes at once, as
 *         a batch makes them): the data is the model. */
#define TODO_EVENT_CHANGED 1

/** @brief The event code of a single item's change: the data is a
 *         `const struct todo_change *`, valid during the call. */
#define TODO_EVENT_ITEM 2

/** @brief One item of the list. */
struct todo_item {
	unsigned id; /**< Stable while the item lives; never reused by add. */
	bool done;   /**< Whether it is completed. */
	char *title; /**< Owned by the model; valid until the next change. */
};

/** @brief What happened to the item of a #TODO_EVENT_ITEM. */
enum todo_change_kind {
	TODO_CHANGE_ADDED,   /**< It was inserted. */
	TODO_CHANGE_REMOVED, /**< It was removed. */
	TODO_CHANGE_UPDATED  /**< Its done state or its title changed. */
};

struct todo_model;

/** @brief A single item's change, the data of #TODO_EVENT_ITEM. */
struct todo_change {
	enum todo_change_kind kind; /**< What happened. */
	size_t index;               /**< Its position, or where it was. */
	/** The item as it is now, or as it was for a removal; its title is
	 * valid during the notification only. */
	struct todo_item item;
	const struct todo_model *model; /**< The model, after the change. */
};

/** @brief The list and its observers (opaque). */
typedef struct todo_model todo_model;

/**
 * @brief Check a title before it enters the model.
 * @param[in] title A NUL-terminated string.
 * @return #DP_OK; #DP_EINVAL when `title` is NULL, empty, not valid
 *         UTF-8 (a stray byte, a cut sequence, an overlong form, a
 *         surrogate), or holds a control character (C0, DEL, C1: U+0080
 *         to U+009F) or a bidirectional control (U+202A to U+202E, U+2066
 *         to U+2069); #DP_ERANGE when it is longer than #TODO_TITLE_MAX
 *         bytes.
 */
int todo_title_check(const char *title);

/**
 * @brief The length in bytes of the character at `text` when it is one a
 *        title may hold: valid UTF-8, neither a control nor a
 *        bidirectional control (see todo_title_check()).
 * @param[in] text A NUL-terminated string, or NULL.
 * @return 1 to 4; 0 at the end of the string, for NULL, or when the bytes
 *         there are not such a character.
 */
size_t todo_printable_char(const char *text);

/**
 * @brief Create an empty list.
 * @param[in] alloc The allocator for everything the model holds, or NULL
 *                  for malloc/free; it must outlive the model.
 * @return The model, freed with todo_model_destroy(); NULL when memory
 *         runs out.
 */
todo_model *todo_model_create(const struct dp_allocator *alloc);

/**
 * @brief Free a model and its items. Observers are unsubscribed, not
 *        called.
 * @param[in] model The model; NULL is a no-op.
 */
void todo_model_destroy(todo_model *model);

/**
 * @brief Insert an item at a position.
 * Cost: O(log n) to check the id, plus a memmove of the items after
 * `index` (none when appending).
 * @param[in,out] model The model.
 * @param[in]     index Where, from 0 to todo_model_count().
 * @param[in]     id    The item's id, or 0 for the next unused one; it
 *                      must be above the id before `index` and below the
 *                      one after it (ids ascend along the list).
 * @param[in]     title The title, copied; see todo_title_check().
 * @param[in]     done  Whether it is completed.
 * @param[out]    new_id Receives the id given; may be NULL.
 * @return #DP_OK and one notification (or none inside a batch);
 *         #DP_EINVAL when `model` is NULL or the title is invalid;
 *         #DP_ERANGE when `index` is past the end, the title too long,
 *         `id` is 0 and every id up to UINT_MAX has been given out, or
 *         the id does not belong at `index` (it would break the ascending
 *         order of ids);
 *         #DP_EEXIST when `id` is in use; #DP_ENOMEM when memory runs
 *         out. On error nothing changes and nobody is notified.
 */
int todo_model_insert(todo_model *model, size_t index, unsigned id,
                      const char *title, bool done, unsigned *new_id);

/**
 * @brief Remove the item at a position. Cost: a memmove of the items
 *        after it (none for the last item).
 * @param[in,out] model The model.
 * @param[in]     index The position.
 * @return #DP_OK; #DP_EINVAL when `model` is NULL; #DP_ERANGE when
 *         `index` is out of range.
 */
int todo_model_remove_at(todo_model *model, size_t index);

/**
 * @brief Remove many items in one pass (clear completed): O(n) for a list
 *        of n items, however many go, where removing them one at a time
 *        would move the rest of the list once per item.
 * @param[in,out] model   The model.
 * @param[in]     indices The positions to remove, strictly ascending.
 * @param[in]     count   How many.
 * @param[out]    taken   Room for `count` items: receives the removed
 *                        items, whose titles now belong to the caller, to
 *                        give back with todo_model_put() or free with
 *                        todo_model_free_items().
 * @return #DP_OK and one notification (or none inside a batch), the
 *         version grown by `count`; nothing for `count` 0; #DP_EINVAL
 *         when `model` is NULL, or `indices` or `taken` is NULL with
 *         `count` > 0; #DP_ERANGE when the positions do not ascend or
 *         one is out of range. On error nothing changes.
 */
int todo_model_take(todo_model *model, const size_t *indices, size_t count,
                    struct todo_item *taken);

/**
 * @brief Put items back in one pass (the undo of todo_model_take()):
 *        O(n + count).
 * @param[in,out] model   The model.
 * @param[in]     indices Where each item is to end up, strictly
 *                        ascending, each below todo_model_count() +
 *                        `count`.
 * @param[in]     items   The items, with their ids and titles; on
 *                        success the model owns the titles, which must
 *                        come from the model's allocator (as those of
 *                        todo_model_take() do).
 * @param[in]     count   How many.
 * @return #DP_OK and one notification (or none inside a batch);
 *         #DP_EINVAL when `model` is NULL, or `indices` or `items` is
 *         NULL with `count` > 0; #DP_ERANGE when a position is out of
 *         range, the positions do not ascend, a title is invalid, or the
 *         ids would not ascend along the list (an id in use, or out of
 *         place); #DP_ENOMEM. On error nothing changes and the titles
 *         stay the caller's.
 */
int todo_model_put(todo_model *model, const size_t *indices,
                   const struct todo_item *items, size_t count);

/**
 * @brief Free the titles of items taken by todo_model_take(), with the
 *        model's allocator; each title is set to NULL.
 * @param[in]     model The model they were taken from.
 * @param[in,out] items The items; NULL is a no-op.
 * @param[in]     count How many.
 */
void todo_model_free_items(const todo_model *model, struct todo_item *items,
                           size_t count);

/**
 * @brief Mark the item at a position completed or not.
 * @param[in,out] model The model.
 * @param[in]     index The position.
 * @param[in]     done  The new state; the same state notifies nobody.
 * @return #DP_OK; #DP_EINVAL when `model` is NULL; #DP_ERANGE when
 *         `index` is out of range.
 */
int todo_model_set_done(todo_model *model, size_t index, bool done);

/**
 * @brief Change the title of the item at a position.
 * @param[in,out] model The model.
 * @param[in]     index The position.
 * @param[in]     title The new title, copied; see todo_title_check().
 * @return #DP_OK; #DP_EINVAL when `model` is NULL or the title invalid;
 *         #DP_ERANGE when `index` is out of range or the title too long;
 *         #DP_ENOMEM when memory runs out, with the old title kept.
 */
int todo_model_set_title(todo_model *model, size_t index, const char *title);

/**
 * @brief The number of items.
 * @param[in] model The model; NULL counts 0.
 * @return The number of items.
 */
size_t todo_model_count(const todo_model *model);

/**
 * @brief The number of items not completed ("2 items left"); O(1): the
 *        model keeps the count up to date on every change.
 * @param[in] model The model; NULL counts 0.
 * @return The number of active items.
 */
size_t todo_model_active_count(const todo_model *model);

/**
 * @brief The item at a position.
 * @param[in] model The model.
 * @param[in] index The position.
 * @return The item, valid until the next change; NULL when out of range.
 */
const struct todo_item *todo_model_at(const todo_model *model, size_t index);

/**
 * @brief Find an item's position by its id: a binary search, at most
 *        floor(log2(n)) + 1 probes for n items (see todo_model_probes()).
 * @param[in]  model The model.
 * @param[in]  id    The id.
 * @param[out] index Receives the position.
 * @return #DP_OK; #DP_EINVAL when `model` or `index` is NULL; #DP_ENOENT
 *         when no item has that id.
 */
int todo_model_find(const todo_model *model, unsigned id, size_t *index);

/**
 * @brief Subscribe an observer. After a change, or at the end of a batch
 *        that changed something, it is called once: with #TODO_EVENT_ITEM
 *        and a `const struct todo_change *` when exactly one item changed
 *        (a batch of one change included), otherwise with
 *        #TODO_EVENT_CHANGED and the model as data.
 * @param[in,out] model    The model.
 * @param[in,out] observer An initialised node that outlives its
 *                         subscription.
 * @return As dp_subject_subscribe().
 */
int todo_model_subscribe(todo_model *model, struct dp_observer *observer);

/**
 * @brief Unsubscribe an observer.
 * @param[in,out] model    The model.
 * @param[in,out] observer The node.
 * @return As dp_subject_unsubscribe().
 */
int todo_model_unsubscribe(todo_model *model, struct dp_observer *observer);

/**
 * @brief Start a batch: changes until the matching todo_model_end_batch()
 *        notify once, at its end, and only if something changed: as that
 *        change when it was the only one, else as "the list changed".
 *        Batches nest.
 * @param[in,out] model The model; NULL is a no-op.
 */
void todo_model_begin_batch(todo_model *model);

/**
 * @brief End a batch; the outermost end notifies once if anything changed.
 * @param[in,out] model The model; NULL, or no batch open, is a no-op.
 */
void todo_model_end_batch(todo_model *model);

/**
 * @brief The number of notifications sent so far, for tests.
 * @param[in] model The model; NULL counts 0.
 * @return The number of notifications.
 */
unsigned long todo_model_notifications(const todo_model *model);

/**
 * @brief The model's version: a number that grows by one with every change
 *        of an item, inside a batch or not, and never goes back (an undo
 *        is a change too). Two equal versions mean the same list.
 * @param[in] model The model; NULL gives 0.
 * @return The version; 0 for a model never changed.
 */
unsigned long todo_model_version(const todo_model *model);

/**
 * @brief The number of items todo_model_find() has compared so far (its
 *        probes, counting those of the id checks of todo_model_insert()),
 *        for tests that pin its cost: a count, never a time.
 * @param[in] model The model; NULL counts 0.
 * @return The number of probes since the model was created.
 */
unsigned long todo_model_probes(const todo_model *model);

/**
 * @brief The number of items moved along the model's array so far, by
 *        inserts and removes before the end and by todo_model_take() and
 *        todo_model_put() (not the copies of the array's growth, which
 *        are O(1) amortised), for tests that pin the cost of bulk
 *        changes: a count, never a time.
 * @param[in] model The model; NULL counts 0.
 * @return The number of item moves since the model was created.
 */
unsigned long todo_model_moves(const todo_model *model);

/**
 * @brief The allocator the model was created with, for scratch memory of
 *        functions that work on its items (todo_select()'s sort).
 * @param[in] model The model; NULL gives NULL.
 * @return The allocator given to todo_model_create() (NULL means
 *         malloc/free), valid as long as the model.
 */
const struct dp_allocator *todo_model_allocator(const todo_model *model);

#endif /* TODO_MODEL_H */
