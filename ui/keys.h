/* keys: key names, actions and the bindings in force per view, built from
 * the defaults and the config's [bind VIEW] sections. UI process only. */
#ifndef SKUA_KEYS_H
#define SKUA_KEYS_H

struct config;

enum keys_view {
	KEYS_VIEW_GLOBAL,
	KEYS_VIEW_SIDEBAR,
	KEYS_VIEW_INDEX,
	KEYS_VIEW_PAGER,
	KEYS_VIEW_ATTACH,
	KEYS_VIEW_COMPOSE,
	KEYS_VIEW_URL,
	KEYS_VIEW_QUOTA,
	KEYS_VIEW_COUNT,
};

enum keys_action {
	KEYS_ACTION_NONE,
	KEYS_ACTION_QUIT,
	KEYS_ACTION_HELP,
	KEYS_ACTION_NEXT,
	KEYS_ACTION_PREVIOUS,
	KEYS_ACTION_TOP,
	KEYS_ACTION_BOTTOM,
	KEYS_ACTION_PAGE_DOWN,
	KEYS_ACTION_PAGE_UP,
	KEYS_ACTION_REDRAW,
	KEYS_ACTION_OPEN,
	KEYS_ACTION_FOCUS_TOGGLE,
	KEYS_ACTION_FOCUS_SIDEBAR,
	KEYS_ACTION_CANCEL,
	KEYS_ACTION_EXIT,
	KEYS_ACTION_NEXT_MESSAGE,
	KEYS_ACTION_PREVIOUS_MESSAGE,
	KEYS_ACTION_VIEW_ATTACHMENTS,
	KEYS_ACTION_SAVE_ENTRY,
	KEYS_ACTION_VIEW_MAILCAP,
	KEYS_ACTION_PIPE_ENTRY,
	KEYS_ACTION_SORT,
	KEYS_ACTION_SORT_REVERSE,
	KEYS_ACTION_LIMIT,
	KEYS_ACTION_SEARCH,
	KEYS_ACTION_SEARCH_NEXT,
	KEYS_ACTION_SEARCH_OPPOSITE,
	KEYS_ACTION_TAG_ENTRY,
	KEYS_ACTION_TAG_PATTERN,
	KEYS_ACTION_UNTAG_PATTERN,
	KEYS_ACTION_TAG_PREFIX,
	KEYS_ACTION_ENTER_COMMAND,
	KEYS_ACTION_VIEW_URLS,
	KEYS_ACTION_OPEN_URL,
	KEYS_ACTION_FETCH_MAIL,
	KEYS_ACTION_TOGGLE_NEW,
	KEYS_ACTION_FLAG_MESSAGE,
	KEYS_ACTION_DELETE_MESSAGE,
	KEYS_ACTION_UNDELETE_MESSAGE,
	KEYS_ACTION_SAVE_MESSAGE,
	KEYS_ACTION_COPY_MESSAGE,
	KEYS_ACTION_PURGE,
	KEYS_ACTION_QUOTA,
	KEYS_ACTION_ARCHIVE,
	KEYS_ACTION_CHANGE_FOLDER,
	KEYS_ACTION_COUNT,
};

enum keys_status {
	KEYS_OK,
	KEYS_INVALID,
};

/* Reset to the defaults, then apply the config's bindings. On KEYS_INVALID
 * *errors lists each bad line as "FILE:LINE: ..."; the caller frees it. */
enum keys_status keys_load(const struct config *, char **errors);
void		 keys_free(void);
/* The action bound to key in view, falling back to the global bindings. */
enum keys_action keys_lookup(enum keys_view, int key);
/* Parse a key name (q, ^L, <Up>, <F1>, <Space>...); -1 if unknown. */
int		 keys_parse(const char *name);
/* The name of a key code, for the help screen; static storage. */
const char	*keys_name(int key);
const char	*keys_action_name(enum keys_action);
/* The action named name; KEYS_ACTION_COUNT if there is none, and then
 * *nearest (if not NULL) is the closest name, or NULL. */
enum keys_action keys_action_find(const char *name, const char **nearest);
const char	*keys_action_help(enum keys_action);
const char	*keys_view_name(enum keys_view);

/* Walk the bindings in force for the help screen. */
typedef void (*keys_each_cb)(enum keys_view, int key, enum keys_action,
	    void *);
void		 keys_each(keys_each_cb, void *);

#endif
