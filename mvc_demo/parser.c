/*
 * A hand-written parser: the verb is the first word, and each verb knows
 * its arguments. Titles are the rest of the line, so they may hold any
 * number of spaces; titles are not checked here, the model checks them,
 * so a title is refused the same way whatever path it arrives by.
 */
#include "parser.h"

#include "filters.h"
#include "store.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

struct verb_entry {
	const char *name;
	enum todo_verb verb;
	const char *usage; /* the arguments, for messages and help */
};

static const struct verb_entry VERBS[] = {
	{"add", TODO_ADD, "add TITLE"},
	{"toggle", TODO_TOGGLE, "toggle ID"},
	{"toggle-all", TODO_TOGGLE_ALL, "toggle-all"},
	{"edit", TODO_EDIT, "edit ID TITLE"},
	{"delete", TODO_DELETE, "delete ID"},
	{"clear-completed", TODO_CLEAR_COMPLETED, "clear-completed"},
	{"filter", TODO_FILTER, "filter all|active|completed"},
	{"sort", TODO_SORT, "sort id|title|status"},
	{"list", TODO_LIST, "list"},
	{"undo", TODO_UNDO, "undo"},
	{"redo", TODO_REDO, "redo"},
	{"save", TODO_SAVE, "save [--force] [FILE]"},
	{"load", TODO_LOAD, "load [FILE]"},
	{"import", TODO_IMPORT, "import native|csv|todotxt FILE"},
	{"export", TODO_EXPORT, "export native|csv|todotxt FILE"},
	{"help", TODO_HELP, "help"},
	{"quit", TODO_QUIT, "quit [--discard]"},
};

static char *skip_spaces(char *text)
{
	while (*text == ' ')
		text++;
	return text;
}

/* Cut the first word off `*rest`: NUL-terminate it, advance `*rest` to the
 * next word, and return it (empty at the end of the line). */
static char *next_word(char **rest)
{
	char *word = skip_spaces(*rest);
	char *end = strchr(word, ' ');

	if (end == NULL) {
		*rest = word + strlen(word);
	} else {
		*end = '\0';
		*rest = skip_spaces(end + 1);
	}
	return word;
}

static void trim_right(char *text)
{
	size_t len = strlen(text);

	while (len > 0 && text[len - 1] == ' ')
		text[--len] = '\0';
}

static int parse_id(const char *word, unsigned *id)
{
	unsigned long value = 0;

	if (*word == '\0')
		return DP_EINVAL;
	for (const char *p = word; *p; p++) {
		if (*p < '0' || *p > '9')
			return DP_EINVAL;
		value = value * 10 + (unsigned long)(*p - '0');
		if (value > UINT_MAX)
			return DP_EINVAL;
	}
	if (value == 0)
		return DP_EINVAL;
	*id = (unsigned)value;
	return DP_OK;
}

/* Take `flag` off the front of `*rest` when it is there as a whole word. */
static bool take_flag(char **rest, const char *flag)
{
	size_t len = strlen(flag);

	if (strncmp(*rest, flag, len) != 0 ||
	    ((*rest)[len] != '\0' && (*rest)[len] != ' '))
		return false;
	*rest = skip_spaces(*rest + len);
	return true;
}

static int usage(const struct verb_entry *entry, char *error, size_t size)
{
	snprintf(error, size, "usage: %s", entry->usage);
	return DP_EINVAL;
}

/* toggle ID, delete ID, edit ID TITLE. */
static int parse_item(const struct verb_entry *entry, char *rest,
                      struct todo_request *parsed, char *error, size_t size)
{
	const char *word = next_word(&rest);

	if (*word == '\0')
		return usage(entry, error, size);
	if (parse_id(word, &parsed->id) != DP_OK) {
		snprintf(error, size, "'%.40s' is not an item id", word);
		return DP_EINVAL;
	}
	if (entry->verb == TODO_EDIT ? *rest == '\0' : *rest != '\0')
		return usage(entry, error, size);
	parsed->text = entry->verb == TODO_EDIT ? rest : NULL;
	return DP_OK;
}

/* filter NAME, sort NAME: a name the filters or orders know. */
static int parse_choice(const struct verb_entry *entry, char *rest,
                        struct todo_request *parsed, char *error, size_t size)
{
	const char *word = next_word(&rest);
	bool filter = entry->verb == TODO_FILTER;

	if (*word == '\0' || *rest != '\0')
		return usage(entry, error, size);
	if (filter ? todo_filter_find(word) == NULL
	           : todo_order_find(word) == NULL) {
		snprintf(error, size, "unknown %s '%.40s' (%s)",
		         filter ? "filter" : "order", word,
		         strchr(entry->usage, ' ') + 1);
		return DP_EINVAL;
	}
	parsed->text = word;
	return DP_OK;
}

/* import FORMAT FILE, export FORMAT FILE. */
static int parse_format(const struct verb_entry *entry, char *rest,
                        struct todo_request *parsed, char *error, size_t size)
{
	parsed->format = next_word(&rest);
	if (*parsed->format == '\0' || *rest == '\0')
		return usage(entry, error, size);
	if (todo_format_find(parsed->format) == NULL) {
		snprintf(error, size,
		         "unknown format '%.40s' (native, csv, todotxt)",
		         parsed->format);
		return DP_EINVAL;
	}
	parsed->text = rest;
	return DP_OK;
}

/* What follows the verb: each verb knows its arguments. */
static int parse_arguments(const struct verb_entry *entry, char *rest,
                           struct todo_request *parsed, char *error,
                           size_t size)
{
	switch (entry->verb) {
	case TODO_ADD:
		if (*rest == '\0')
			return usage(entry, error, size);
		parsed->text = rest;
		return DP_OK;
	case TODO_TOGGLE:
	case TODO_DELETE:
	case TODO_EDIT:
		return parse_item(entry, rest, parsed, error, size);
	case TODO_FILTER:
	case TODO_SORT:
		return parse_choice(entry, rest, parsed, error, size);
	case TODO_SAVE:
		parsed->force = take_flag(&rest, "--force");
		parsed->text = *rest ? rest : NULL;
		return DP_OK;
	case TODO_LOAD:
		parsed->text = *rest ? rest : NULL;
		return DP_OK;
	case TODO_QUIT:
		parsed->force = take_flag(&rest, "--discard");
		return *rest == '\0' ? DP_OK : usage(entry, error, size);
	case TODO_IMPORT:
	case TODO_EXPORT:
		return parse_format(entry, rest, parsed, error, size);
	default:
		if (*rest == '\0')
			return DP_OK;
		snprintf(error, size, "'%s' takes no arguments", entry->name);
		return DP_EINVAL;
	}
}

static const struct verb_entry *find_verb(const char *name)
{
	for (size_t i = 0; i < DP_ARRAY_SIZE(VERBS); i++)
		if (strcmp(VERBS[i].name, name) == 0)
			return &VERBS[i];
	return NULL;
}

int todo_parse(char *line, struct todo_request *request, char *error,
               size_t size)
{
	if (line == NULL || request == NULL || error == NULL || size == 0)
		return DP_EINVAL;
	*request = (struct todo_request){.verb = TODO_NOTHING};
	trim_right(line);
	char *rest = line;
	const char *name = next_word(&rest);
	/* Nothing, or a comment: scripts explain themselves with those. */
	if (*name == '\0' || *name == '#')
		return DP_OK;
	const struct verb_entry *entry = find_verb(name);
	if (entry == NULL) {
		snprintf(error, size, "unknown command '%.40s' (try 'help')",
		         name);
		return DP_EINVAL;
	}
	struct todo_request parsed = {.verb = entry->verb};
	int rc = parse_arguments(entry, rest, &parsed, error, size);
	if (rc == DP_OK)
		*request = parsed;
	return rc;
}

const char *todo_help_text(void)
{
	return "commands:\n"
	       "  add TITLE                     add an item\n"
	       "  toggle ID                     mark it done, or not done\n"
	       "  toggle-all                    mark all done (or all not)\n"
	       "  edit ID TITLE                 change its title\n"
	       "  delete ID                     delete it\n"
	       "  clear-completed               delete every done item\n"
	       "  filter all|active|completed   choose what is shown\n"
	       "  sort id|title|status          choose the order\n"
	       "  list                          show the list again\n"
	       "  undo, redo                    undo or redo a change\n"
	       "  save [FILE], load [FILE]      keep or read the list\n"
	       "  save --force [FILE]           save over a file changed "
	       "on disk\n"
	       "  import FORMAT FILE            add the items of a file\n"
	       "  export FORMAT FILE            write the list to a file\n"
	       "  help, quit                    this text; leave\n"
	       "  quit --discard                leave without saving\n"
	       "formats: native, csv, todotxt\n";
}
