/*
 * A small text editor's undo/redo, built from commands.
 *
 * Every edit is an object with execute and undo, so the editor gets a
 * bounded undo history, redo, multi-step edits that undo as one (macros)
 * and keystrokes queued and applied in batches, with one redraw per batch
 * instead of one per key: the batch-processing idea of the course.
 */
#include "command/command.h"

#include <stdio.h>
#include <string.h>

/* ---- the receiver: a fixed-size line of text ----------------------------- */

enum { TEXT_CAPACITY = 32, EDIT_MAX = 48 };

struct text {
	char chars[TEXT_CAPACITY]; /* Always NUL-terminated. */
	size_t length;
	unsigned redraws;
};

static int text_insert(struct text *text, size_t at, const char *chars,
                       size_t count)
{
	if (at > text->length || count >= TEXT_CAPACITY - text->length)
		return DP_ERANGE;
	memmove(text->chars + at + count, text->chars + at,
	        text->length - at + 1);
	memcpy(text->chars + at, chars, count);
	text->length += count;
	return DP_OK;
}

static int text_erase(struct text *text, size_t at, size_t count)
{
	if (at > text->length || count > text->length - at)
		return DP_ERANGE;
	memmove(text->chars + at, text->chars + at + count,
	        text->length - at - count + 1);
	text->length -= count;
	return DP_OK;
}

/* ---- two kinds of command -------------------------------------------------- */

/* Both kinds keep the same fields: where, how much, and the characters
 * inserted (insert) or removed, saved for undo (erase). */
struct edit {
	struct dp_command base; /* Base. Must be first. */
	const struct dp_allocator *alloc;
	struct text *text;
	size_t at;
	size_t count;
	char chars[EDIT_MAX];
};

static struct edit *to_edit(struct dp_command *command)
{
	return dp_container_of(command, struct edit, base);
}

static int insert_execute(struct dp_command *command)
{
	struct edit *edit = to_edit(command);
	return text_insert(edit->text, edit->at, edit->chars, edit->count);
}

static int insert_undo(struct dp_command *command)
{
	struct edit *edit = to_edit(command);
	return text_erase(edit->text, edit->at, edit->count);
}

static int erase_execute(struct dp_command *command)
{
	struct edit *edit = to_edit(command);
	struct text *text = edit->text;

	if (edit->at > text->length || edit->count > text->length - edit->at)
		return DP_ERANGE;
	memcpy(edit->chars, text->chars + edit->at, edit->count);
	return text_erase(text, edit->at, edit->count);
}

static int erase_undo(struct dp_command *command)
{
	struct edit *edit = to_edit(command);
	return text_insert(edit->text, edit->at, edit->chars, edit->count);
}

static void edit_destroy(struct dp_command *command)
{
	struct edit *edit = to_edit(command);
	dp_free(edit->alloc, edit);
}

static const struct dp_command_ops insert_ops = {
	.name = "insert",
	.execute = insert_execute,
	.undo = insert_undo,
	.destroy = edit_destroy,
};

static const struct dp_command_ops erase_ops = {
	.name = "erase",
	.execute = erase_execute,
	.undo = erase_undo,
	.destroy = edit_destroy,
};

static struct dp_command *new_edit(const struct dp_command_ops *ops,
                                   struct text *text, size_t at,
                                   const char *chars, size_t count,
                                   const struct dp_allocator *alloc)
{
	if (count > EDIT_MAX)
		return NULL;
	struct edit *edit = dp_alloc(alloc, sizeof(*edit));
	if (edit == NULL)
		return NULL;
	edit->base.ops = ops;
	edit->alloc = alloc;
	edit->text = text;
	edit->at = at;
	edit->count = count;
	if (chars != NULL)
		memcpy(edit->chars, chars, count);
	return &edit->base;
}

static struct dp_command *new_insert(struct text *text, size_t at,
                                     const char *chars,
                                     const struct dp_allocator *alloc)
{
	return new_edit(&insert_ops, text, at, chars, strlen(chars), alloc);
}

static struct dp_command *new_erase(struct text *text, size_t at, size_t count,
                                    const struct dp_allocator *alloc)
{
	return new_edit(&erase_ops, text, at, NULL, count, alloc);
}

/* ---- the editor ------------------------------------------------------------ */

struct editor {
	struct text text;
	dp_command_history *history;
	const struct dp_allocator *alloc;
};

static void show(const struct editor *editor, const char *what)
{
	printf("%-32s \"%s\"  [undo %zu, redo %zu]\n", what, editor->text.chars,
	       dp_command_history_undo_count(editor->history),
	       dp_command_history_redo_count(editor->history));
}

/* Run a new command through the history; if it fails, it is still ours. */
static int apply(struct editor *editor, struct dp_command *command,
                 const char *what)
{
	if (command == NULL)
		return DP_ENOMEM;
	int rc = dp_command_history_execute(editor->history, command);
	if (rc != DP_OK) {
		printf("%-32s %s, text unchanged \"%s\"\n", what,
		       dp_error_name(rc), editor->text.chars);
		dp_command_destroy(command);
		return rc;
	}
	show(editor, what);
	return DP_OK;
}

static void undo(struct editor *editor)
{
	const struct dp_command *next =
		dp_command_history_next_undo(editor->history);
	char what[32];
	snprintf(what, sizeof(what), "undo %s", dp_command_name(next));
	int rc = dp_command_history_undo(editor->history);
	if (rc != DP_OK)
		printf("%-32s %s (%s)\n", "undo", dp_error_name(rc),
		       dp_strerror(rc));
	else
		show(editor, what);
}

static void redo(struct editor *editor)
{
	const struct dp_command *next =
		dp_command_history_next_redo(editor->history);
	char what[32];
	snprintf(what, sizeof(what), "redo %s", dp_command_name(next));
	int rc = dp_command_history_redo(editor->history);
	if (rc != DP_OK)
		printf("%-32s %s (%s)\n", "redo", dp_error_name(rc),
		       dp_strerror(rc));
	else
		show(editor, what);
}

/* A macro of erase + insert: replace `count` characters at `at`. */
static struct dp_command *new_replace(struct editor *editor, size_t at,
                                      size_t count, const char *chars)
{
	struct dp_command *macro = dp_command_macro_create(editor->alloc);
	struct dp_command *erase =
		new_erase(&editor->text, at, count, editor->alloc);
	struct dp_command *insert =
		new_insert(&editor->text, at, chars, editor->alloc);
	if (macro == NULL || erase == NULL || insert == NULL)
		goto fail_destroy_all;
	if (dp_command_macro_append(macro, erase) != DP_OK)
		goto fail_destroy_all;
	erase = NULL; /* The macro owns it now. */
	if (dp_command_macro_append(macro, insert) != DP_OK)
		goto fail_destroy_all;
	return macro;

fail_destroy_all:
	dp_command_destroy(insert);
	dp_command_destroy(erase);
	dp_command_destroy(macro);
	return NULL;
}

static int type_keys(struct editor *editor, const char *keys)
{
	dp_command_queue *queue = dp_command_queue_create(editor->alloc);
	if (queue == NULL)
		return DP_ENOMEM;
	int rc = DP_OK;
	for (size_t i = 0; keys[i] != '\0' && rc == DP_OK; i++) {
		/* Each key lands after the keys queued before it, which is
		 * right because the queue runs them first in, first out. */
		char key[2] = {keys[i], '\0'};
		struct dp_command *insert =
			new_insert(&editor->text, editor->text.length + i, key,
		                   editor->alloc);
		rc = insert == NULL ? DP_ENOMEM
		                    : dp_command_queue_push(queue, insert);
		if (rc != DP_OK)
			dp_command_destroy(insert);
	}
	printf("typed %zu keys, queued\n", dp_command_queue_size(queue));

	/* Apply the keystrokes two at a time, redrawing once per batch. */
	while (rc == DP_OK && dp_command_queue_size(queue) > 0) {
		size_t ran;
		rc = dp_command_queue_run(queue, editor->history, 2, &ran);
		editor->text.redraws++;
		char what[32];
		snprintf(what, sizeof(what), "batch of %zu, redraw", ran);
		show(editor, what);
	}
	printf("%zu keys, %u redraws\n", strlen(keys), editor->text.redraws);
	dp_command_queue_destroy(queue);
	return rc;
}

static int run(struct editor *editor)
{
	struct text *text = &editor->text;
	const struct dp_allocator *alloc = editor->alloc;
	int rc;

	printf("history of %zu edits\n",
	       dp_command_history_capacity(editor->history));
	if ((rc = apply(editor, new_insert(text, 0, "Hello", alloc),
	                "insert \"Hello\"")) != DP_OK ||
	    (rc = apply(editor, new_insert(text, 5, " world", alloc),
	                "insert \" world\"")) != DP_OK ||
	    (rc = apply(editor, new_insert(text, 11, "!", alloc),
	                "insert \"!\"")) != DP_OK)
		return rc;
	undo(editor);
	undo(editor);
	redo(editor);

	printf("a new edit drops what could be redone:\n");
	if ((rc = apply(editor, new_insert(text, 5, ",", alloc),
	                "insert \",\"")) != DP_OK)
		return rc;
	redo(editor);

	printf("a macro undoes as one:\n");
	if ((rc = apply(editor, new_replace(editor, 7, 5, "there"),
	                "replace \"world\" by \"there\"")) != DP_OK)
		return rc;
	undo(editor);
	redo(editor);

	printf("a macro whose second step fails rolls back its first:\n");
	struct dp_command *too_long =
		new_replace(editor, 7, 5, "a text longer than the line allows");
	apply(editor, too_long, "replace, too long");

	printf("keystrokes, queued and applied in batches:\n");
	if ((rc = type_keys(editor, " :)")) != DP_OK)
		return rc;

	printf("the history keeps the last %zu edits; older ones are gone:\n",
	       dp_command_history_capacity(editor->history));
	for (int i = 0; i < 5; i++)
		undo(editor);
	return DP_OK;
}

int main(void)
{
	struct dp_counting_allocator memory;
	dp_counting_allocator_init(&memory, NULL);
	struct editor editor = {.alloc = &memory.base};
	editor.history = dp_command_history_create(4, editor.alloc);
	if (editor.history == NULL) {
		fprintf(stderr, "example: %s\n", dp_strerror(DP_ENOMEM));
		return 1;
	}

	int rc = run(&editor);
	dp_command_history_destroy(editor.history);
	if (rc != DP_OK) {
		fprintf(stderr, "example: %s\n", dp_strerror(rc));
		return 1;
	}
	printf("after destroy: %zu blocks live\n", memory.live_blocks);
	return 0;
}
