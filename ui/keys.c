/* keys: mutt-style default bindings, key-name parsing, and the [bind VIEW]
 * sections of the config checked against the actions skua has. */
#include "auto-config.h"

#include <ctype.h>
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core.h"
#include "keys.h"

#define KEYS_MAX	512	/* key codes we keep a table for */

static enum keys_action keys_table[KEYS_VIEW_COUNT][KEYS_MAX];

static const char *keys_views[KEYS_VIEW_COUNT] = {
	"global", "sidebar", "index", "pager", "attach", "compose", "url",
	"quota"
};

static const struct {
	const char	*name;
	const char	*help;
} keys_actions[KEYS_ACTION_COUNT] = {
	{ "none", N_("do nothing (unbinds a key)") },
	{ "quit", N_("quit skua") },
	{ "help", N_("show the bindings in force") },
	{ "next", N_("move to the next entry") },
	{ "previous", N_("move to the previous entry") },
	{ "top", N_("move to the first entry") },
	{ "bottom", N_("move to the last entry") },
	{ "page-down", N_("move down a page") },
	{ "page-up", N_("move up a page") },
	{ "redraw", N_("redraw the screen") },
	{ "open", N_("open the selected folder or message") },
	{ "focus-toggle", N_("switch between the sidebar and the index") },
	{ "focus-sidebar", N_("go back to the sidebar") },
	{ "cancel", N_("stop opening a folder or saving an attachment") },
	{ "exit", N_("leave the pager or the attachment list") },
	{ "next-message", N_("show the next message") },
	{ "previous-message", N_("show the previous message") },
	{ "view-attachments", N_("list the message's attachments") },
	{ "save-entry", N_("save the selected attachment") },
	{ "view-mailcap", N_("open the selected attachment with its mailcap "
	    "entry") },
	{ "pipe-entry", N_("give the selected attachment to a shell "
	    "command") },
	{ "sort", N_("sort the index by the next order: date, thread, "
	    "sender, subject, size") },
	{ "sort-reverse", N_("turn the index's order upside down") },
	/* By name: other actions may be added above at the same time. */
	[KEYS_ACTION_LIMIT] = { "limit", N_("show only the messages matching "
	    "a pattern (empty or all: every message)") },
	[KEYS_ACTION_SEARCH] = { "search", N_("move to the next message "
	    "matching a pattern") },
	[KEYS_ACTION_SEARCH_NEXT] = { "search-next", N_("search again, "
	    "forward") },
	[KEYS_ACTION_SEARCH_OPPOSITE] = { "search-opposite", N_("search "
	    "again, backward") },
	[KEYS_ACTION_TAG_ENTRY] = { "tag-entry", N_("tag or untag the "
	    "message and move to the next") },
	[KEYS_ACTION_TAG_PATTERN] = { "tag-pattern", N_("tag the messages "
	    "matching a pattern") },
	[KEYS_ACTION_UNTAG_PATTERN] = { "untag-pattern", N_("untag the "
	    "messages matching a pattern") },
	[KEYS_ACTION_TAG_PREFIX] = { "tag-prefix", N_("apply the next action "
	    "to the tagged messages") },
	[KEYS_ACTION_ENTER_COMMAND] = { "enter-command", N_("type a command: "
	    "sort, limit, search, quit, help or an action's name") },
	[KEYS_ACTION_VIEW_URLS] = { "view-urls", N_("list the URLs in the "
	    "message's text") },
	[KEYS_ACTION_OPEN_URL] = { "open-url", N_("open the selected URL "
	    "with url_command, or show it in full") },
	[KEYS_ACTION_FETCH_MAIL] = { "fetch-mail", N_("check for new mail "
	    "now (a POP3 account downloads it)") },
	[KEYS_ACTION_TOGGLE_NEW] = { "toggle-new", N_("mark the message "
	    "read or unread") },
	[KEYS_ACTION_FLAG_MESSAGE] = { "flag-message", N_("flag or unflag "
	    "the message") },
	[KEYS_ACTION_DELETE_MESSAGE] = { "delete-message", N_("delete the "
	    "message (to the Trash, or marked for a purge)") },
	[KEYS_ACTION_UNDELETE_MESSAGE] = { "undelete-message", N_("take the "
	    "deleted mark off the message") },
	[KEYS_ACTION_SAVE_MESSAGE] = { "save-message", N_("move the message "
	    "to another folder") },
	[KEYS_ACTION_COPY_MESSAGE] = { "copy-message", N_("copy the message "
	    "to another folder") },
	[KEYS_ACTION_PURGE] = { "sync-mailbox", N_("purge the messages "
	    "marked deleted from the folder") },
	[KEYS_ACTION_QUOTA] = { "quota", N_("show the quota and the biggest "
	    "messages") },
	[KEYS_ACTION_ARCHIVE] = { "archive-message", N_("move the message "
	    "into the account's local Maildir, off the server") },
	[KEYS_ACTION_CHANGE_FOLDER] = { "change-folder", N_("open a folder "
	    "typed by name (ACCOUNT/FOLDER for another account)") },
};

static const struct {
	const char	*name;
	int		 key;
} keys_named[] = {
	{ "<Up>", KEY_UP }, { "<Down>", KEY_DOWN },
	{ "<Left>", KEY_LEFT }, { "<Right>", KEY_RIGHT },
	{ "<PageUp>", KEY_PPAGE }, { "<PageDown>", KEY_NPAGE },
	{ "<Home>", KEY_HOME }, { "<End>", KEY_END },
	{ "<Enter>", '\n' }, { "<Return>", '\r' }, { "<Tab>", '\t' },
	{ "<Space>", ' ' }, { "<Esc>", 27 }, { "<Backspace>", KEY_BACKSPACE },
	{ "<Delete>", KEY_DC }, { "<Insert>", KEY_IC },
	{ "<KeypadEnter>", KEY_ENTER },
};

/* mutt's defaults, as far as skua has the actions. */
static const struct {
	enum keys_view		 view;
	int			 key;
	enum keys_action	 action;
} keys_defaults[] = {
	{ KEYS_VIEW_GLOBAL, 'q', KEYS_ACTION_QUIT },
	{ KEYS_VIEW_GLOBAL, '?', KEYS_ACTION_HELP },
	{ KEYS_VIEW_GLOBAL, 'j', KEYS_ACTION_NEXT },
	{ KEYS_VIEW_GLOBAL, KEY_DOWN, KEYS_ACTION_NEXT },
	{ KEYS_VIEW_GLOBAL, 'k', KEYS_ACTION_PREVIOUS },
	{ KEYS_VIEW_GLOBAL, KEY_UP, KEYS_ACTION_PREVIOUS },
	{ KEYS_VIEW_GLOBAL, '=', KEYS_ACTION_TOP },
	{ KEYS_VIEW_GLOBAL, KEY_HOME, KEYS_ACTION_TOP },
	{ KEYS_VIEW_GLOBAL, '*', KEYS_ACTION_BOTTOM },
	{ KEYS_VIEW_GLOBAL, KEY_END, KEYS_ACTION_BOTTOM },
	{ KEYS_VIEW_GLOBAL, KEY_NPAGE, KEYS_ACTION_PAGE_DOWN },
	{ KEYS_VIEW_GLOBAL, KEY_PPAGE, KEYS_ACTION_PAGE_UP },
	{ KEYS_VIEW_GLOBAL, 'L' - 64, KEYS_ACTION_REDRAW },
	{ KEYS_VIEW_GLOBAL, '\t', KEYS_ACTION_FOCUS_TOGGLE },
	{ KEYS_VIEW_GLOBAL, 'h', KEYS_ACTION_FOCUS_TOGGLE },
	{ KEYS_VIEW_GLOBAL, 'G' - 64, KEYS_ACTION_CANCEL },
	{ KEYS_VIEW_GLOBAL, 'G', KEYS_ACTION_FETCH_MAIL },
	{ KEYS_VIEW_GLOBAL, 'c', KEYS_ACTION_CHANGE_FOLDER },
	{ KEYS_VIEW_SIDEBAR, '\r', KEYS_ACTION_OPEN },
	{ KEYS_VIEW_SIDEBAR, '\n', KEYS_ACTION_OPEN },
	{ KEYS_VIEW_SIDEBAR, KEY_ENTER, KEYS_ACTION_OPEN },
	{ KEYS_VIEW_SIDEBAR, 'l', KEYS_ACTION_OPEN },
	{ KEYS_VIEW_SIDEBAR, KEY_RIGHT, KEYS_ACTION_OPEN },
	{ KEYS_VIEW_INDEX, 'q', KEYS_ACTION_FOCUS_SIDEBAR },
	{ KEYS_VIEW_INDEX, KEY_LEFT, KEYS_ACTION_FOCUS_SIDEBAR },
	{ KEYS_VIEW_INDEX, '\r', KEYS_ACTION_OPEN },
	{ KEYS_VIEW_INDEX, '\n', KEYS_ACTION_OPEN },
	{ KEYS_VIEW_INDEX, KEY_ENTER, KEYS_ACTION_OPEN },
	{ KEYS_VIEW_INDEX, 'o', KEYS_ACTION_SORT },
	{ KEYS_VIEW_INDEX, 'O', KEYS_ACTION_SORT_REVERSE },
	{ KEYS_VIEW_INDEX, 'l', KEYS_ACTION_LIMIT },
	{ KEYS_VIEW_INDEX, '/', KEYS_ACTION_SEARCH },
	{ KEYS_VIEW_INDEX, 'n', KEYS_ACTION_SEARCH_NEXT },
	{ KEYS_VIEW_INDEX, 't', KEYS_ACTION_TAG_ENTRY },
	{ KEYS_VIEW_INDEX, 'T', KEYS_ACTION_TAG_PATTERN },
	{ KEYS_VIEW_INDEX, 'T' - 64, KEYS_ACTION_UNTAG_PATTERN },
	{ KEYS_VIEW_INDEX, ';', KEYS_ACTION_TAG_PREFIX },
	{ KEYS_VIEW_INDEX, 'N', KEYS_ACTION_TOGGLE_NEW },
	{ KEYS_VIEW_INDEX, 'F', KEYS_ACTION_FLAG_MESSAGE },
	{ KEYS_VIEW_INDEX, 'd', KEYS_ACTION_DELETE_MESSAGE },
	{ KEYS_VIEW_INDEX, 'u', KEYS_ACTION_UNDELETE_MESSAGE },
	{ KEYS_VIEW_INDEX, 's', KEYS_ACTION_SAVE_MESSAGE },
	{ KEYS_VIEW_INDEX, 'C', KEYS_ACTION_COPY_MESSAGE },
	{ KEYS_VIEW_INDEX, '$', KEYS_ACTION_PURGE },
	{ KEYS_VIEW_PAGER, 'd', KEYS_ACTION_DELETE_MESSAGE },
	{ KEYS_VIEW_PAGER, 'u', KEYS_ACTION_UNDELETE_MESSAGE },
	{ KEYS_VIEW_PAGER, 'F', KEYS_ACTION_FLAG_MESSAGE },
	{ KEYS_VIEW_PAGER, 's', KEYS_ACTION_SAVE_MESSAGE },
	{ KEYS_VIEW_PAGER, 'C', KEYS_ACTION_COPY_MESSAGE },
	{ KEYS_VIEW_GLOBAL, ':', KEYS_ACTION_ENTER_COMMAND },
	{ KEYS_VIEW_PAGER, ' ', KEYS_ACTION_PAGE_DOWN },
	{ KEYS_VIEW_PAGER, '-', KEYS_ACTION_PAGE_UP },
	{ KEYS_VIEW_PAGER, 'g', KEYS_ACTION_TOP },
	{ KEYS_VIEW_PAGER, 'G', KEYS_ACTION_BOTTOM },
	{ KEYS_VIEW_PAGER, 'J', KEYS_ACTION_NEXT_MESSAGE },
	{ KEYS_VIEW_PAGER, 'N', KEYS_ACTION_NEXT_MESSAGE },
	{ KEYS_VIEW_PAGER, 'K', KEYS_ACTION_PREVIOUS_MESSAGE },
	{ KEYS_VIEW_PAGER, 'P', KEYS_ACTION_PREVIOUS_MESSAGE },
	{ KEYS_VIEW_PAGER, 'v', KEYS_ACTION_VIEW_ATTACHMENTS },
	{ KEYS_VIEW_PAGER, 'q', KEYS_ACTION_EXIT },
	{ KEYS_VIEW_PAGER, KEY_LEFT, KEYS_ACTION_EXIT },
	{ KEYS_VIEW_PAGER, 27, KEYS_ACTION_EXIT },
	{ KEYS_VIEW_ATTACH, 's', KEYS_ACTION_SAVE_ENTRY },
	{ KEYS_VIEW_ATTACH, '\r', KEYS_ACTION_VIEW_MAILCAP },
	{ KEYS_VIEW_ATTACH, '\n', KEYS_ACTION_VIEW_MAILCAP },
	{ KEYS_VIEW_ATTACH, KEY_ENTER, KEYS_ACTION_VIEW_MAILCAP },
	{ KEYS_VIEW_ATTACH, 'm', KEYS_ACTION_VIEW_MAILCAP },
	{ KEYS_VIEW_ATTACH, '|', KEYS_ACTION_PIPE_ENTRY },
	{ KEYS_VIEW_ATTACH, 'q', KEYS_ACTION_EXIT },
	{ KEYS_VIEW_ATTACH, KEY_LEFT, KEYS_ACTION_EXIT },
	{ KEYS_VIEW_PAGER, 'U', KEYS_ACTION_VIEW_URLS },
	{ KEYS_VIEW_URL, '\r', KEYS_ACTION_OPEN_URL },
	{ KEYS_VIEW_URL, '\n', KEYS_ACTION_OPEN_URL },
	{ KEYS_VIEW_URL, KEY_ENTER, KEYS_ACTION_OPEN_URL },
	{ KEYS_VIEW_URL, 'q', KEYS_ACTION_EXIT },
	{ KEYS_VIEW_URL, KEY_LEFT, KEYS_ACTION_EXIT },
	{ KEYS_VIEW_URL, 27, KEYS_ACTION_EXIT },
	{ KEYS_VIEW_ATTACH, 27, KEYS_ACTION_EXIT },
	{ KEYS_VIEW_QUOTA, 'q', KEYS_ACTION_EXIT },
	{ KEYS_VIEW_QUOTA, KEY_LEFT, KEYS_ACTION_EXIT },
	{ KEYS_VIEW_QUOTA, 27, KEYS_ACTION_EXIT },
	{ KEYS_VIEW_QUOTA, 'd', KEYS_ACTION_DELETE_MESSAGE },
	{ KEYS_VIEW_QUOTA, 'a', KEYS_ACTION_ARCHIVE },
};

int
keys_parse(const char *name)
{
	size_t	i, len = strlen(name);
	int	n;

	if (len == 1 && isgraph((unsigned char)name[0]))
		return (unsigned char)name[0];
	if (len == 2 && name[0] == '^' && isalpha((unsigned char)name[1]))
		return toupper((unsigned char)name[1]) - 64;
	for (i = 0; i < sizeof keys_named / sizeof keys_named[0]; i++) {
		if (strcasecmp(name, keys_named[i].name) == 0)
			return keys_named[i].key;
	}
	if ((name[0] == '<') && (name[1] == 'F' || name[1] == 'f') &&
	    sscanf(name + 2, "%d>", &n) == 1 && n >= 1 && n <= 12 &&
	    name[len - 1] == '>')
		return KEY_F(n);
	return -1;
}

const char *
keys_name(int key)
{
	static char	buf[16];
	size_t		i;

	for (i = 0; i < sizeof keys_named / sizeof keys_named[0]; i++) {
		if (keys_named[i].key == key)
			return keys_named[i].name;
	}
	if (key >= KEY_F(1) && key <= KEY_F(12))
		snprintf(buf, sizeof buf, "<F%d>", key - KEY_F(0));
	else if (key > 0 && key < 32)
		snprintf(buf, sizeof buf, "^%c", key + 64);
	else
		snprintf(buf, sizeof buf, "%c", key);
	return buf;
}

const char *
keys_action_name(enum keys_action action)
{
	return keys_actions[action].name;
}

const char *
keys_action_help(enum keys_action action)
{
	return _(keys_actions[action].help);
}

const char *
keys_view_name(enum keys_view view)
{
	return keys_views[view];
}

static int
keys_find_view(const char *name)
{
	int	i;

	for (i = 0; i < KEYS_VIEW_COUNT; i++) {
		if (strcmp(keys_views[i], name) == 0)
			return i;
	}
	return -1;
}

static int
keys_find_action(const char *name, const char **nearest)
{
	size_t	d, best = (size_t)-1;
	int	i;

	*nearest = NULL;
	for (i = 0; i < KEYS_ACTION_COUNT; i++) {
		if (strcmp(keys_actions[i].name, name) == 0)
			return i;
		d = config_distance(name, keys_actions[i].name);
		if (d < best && d <= 2) {
			best = d;
			*nearest = keys_actions[i].name;
		}
	}
	return -1;
}

enum keys_action
keys_action_find(const char *name, const char **nearest)
{
	const char	*unused;
	int		 action;

	action = keys_find_action(name, nearest != NULL ? nearest : &unused);
	return action == -1 ? KEYS_ACTION_COUNT : (enum keys_action)action;
}

static void
keys_add_error(char **errors, const char *file, int line, const char *msg)
{
	char	*joined;

	joined = xasprintf("%s%s:%d: %s\n", *errors ? *errors : "", file, line,
	    msg);
	free(*errors);
	*errors = joined;
}

enum keys_status
keys_load(const struct config *config, char **errors)
{
	const struct config_binding	*b;
	const char			*nearest;
	char				*msg;
	size_t				 i;
	int				 view, key, action;

	memset(keys_table, 0, sizeof keys_table);
	for (i = 0; i < sizeof keys_defaults / sizeof keys_defaults[0]; i++)
		keys_table[keys_defaults[i].view][keys_defaults[i].key] =
		    keys_defaults[i].action;
	*errors = NULL;
	for (i = 0; config != NULL && i < config_binding_count(config); i++) {
		b = config_binding(config, i);
		msg = NULL;
		if ((view = keys_find_view(b->view)) == -1)
			msg = xasprintf(_("[bind %s]: unknown view; views are "
			    "global, sidebar, index, pager, attach, url "
			    "and compose"), b->view);
		else if ((key = keys_parse(b->key)) == -1 || key >= KEYS_MAX)
			msg = xasprintf(_("unknown key '%s' (a character, ^X, "
			    "<Up>, <F1>, <Enter>, ...)"), b->key);
		else if ((action = keys_find_action(b->action, &nearest)) == -1)
			msg = nearest != NULL ?
			    xasprintf(_("unknown action '%s'; did you mean "
			    "'%s'?"), b->action, nearest) :
			    xasprintf(_("unknown action '%s' (press ? in skua "
			    "for the list)"), b->action);
		else
			keys_table[view][key] = action;
		if (msg != NULL) {
			keys_add_error(errors, config_file(config), b->line,
			    msg);
			free(msg);
		}
	}
	return *errors == NULL ? KEYS_OK : KEYS_INVALID;
}

void
keys_free(void)
{
	memset(keys_table, 0, sizeof keys_table);
}

enum keys_action
keys_lookup(enum keys_view view, int key)
{
	if (key < 0 || key >= KEYS_MAX)
		return KEYS_ACTION_NONE;
	if (keys_table[view][key] != KEYS_ACTION_NONE)
		return keys_table[view][key];
	return keys_table[KEYS_VIEW_GLOBAL][key];
}

void
keys_each(keys_each_cb cb, void *arg)
{
	int	view, key;

	for (view = 0; view < KEYS_VIEW_COUNT; view++) {
		for (key = 0; key < KEYS_MAX; key++) {
			if (keys_table[view][key] != KEYS_ACTION_NONE)
				cb(view, key, keys_table[view][key], arg);
		}
	}
}
