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
 * @param[in,out] model The model.
 * @param[in]     index Where, from 0 to todo_model_count().
 * @param[in]     id    The item's id, or 0 for the next unused one.
 * @param[in]     title The title, copied; see todo_title_check().
 * @param[in]     done  Whether it is completed.
 * @param[out]    new_id Receives the id given; may be NULL.
 * @return #DP_OK and one notification (or none inside a batch);
 *         #DP_EINVAL when `model` is NULL or the title is invalid;
 *         #DP_ERANGE when `index` is past the end, the title too long,
 *         or `id` is 0 and every id up to UINT_MAX has been given out;
 *         #DP_EEXIST when `id` is in use; #DP_ENOMEM when memory runs
 *         out. On error nothing changes and nobody is notified.
 */
int todo_model_insert(todo_model *model, size_t index, unsigned id,
                      const char *title, bool done, unsigned *new_id);

/**
 * @brief Remove the item at a position.
 * @param[in,out] model The model.
 * @param[in]     index The position.
 * @return #DP_OK; #DP_EINVAL when `model` is NULL; #DP_ERANGE when
 *         `index` is out of range.
 */
int todo_model_remove_at(todo_model *model, size_t index);

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
 * @brief The number of items not completed ("2 items left").
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
 * @brief Find an item's position by its id.
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

#endif /* TODO_MODEL_H */
