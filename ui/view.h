/* view: the UI process's state (accounts, their folders, the open folder,
 * focus, the message line) and the calls between the loop in ui.c, the
 * views that draw it and the code that feeds it from the workers. Views
 * only draw from this state; everything else marks them dirty. */
#ifndef SKUA_VIEW_H
#define SKUA_VIEW_H

#include <stddef.h>
#include <stdint.h>

struct account;
struct config;
struct config_account;
struct model_folder;
struct msg;
struct pattern;
struct prompt_line;
struct pollfd;
struct summary_folder;

/* What to draw on the next loop turn. */
#define VIEW_DIRTY_SIDEBAR	0x01
#define VIEW_DIRTY_INDEX	0x02
#define VIEW_DIRTY_STATUS	0x04
#define VIEW_DIRTY_MESSAGE	0x08
#define VIEW_DIRTY_CLEAR	0x10	/* erase first: resize, overlays */
#define VIEW_DIRTY_ALL		0x1f

/* The bottom two lines: the status bar, then messages and prompts. */
#define VIEW_BOTTOM_LINES	2

enum view_focus {
	VIEW_FOCUS_SIDEBAR,
	VIEW_FOCUS_INDEX,
};

/* One folder of an account, as the worker described it. */
struct view_folder {
	char		*name;		/* the server's name, for requests */
	char		*display;	/* decoded, for people */
	uint32_t	 delimiter;	/* hierarchy separator, or 0 */
	uint32_t	 role;		/* STORE_ROLE_* */
	uint32_t	 noselect;	/* a level of the hierarchy only */
	uint32_t	 total;
	uint32_t	 unseen;
	int		 depth;		/* indentation in the sidebar */
	const char	*label;		/* the end of display shown there */
	unsigned	 list;		/* the folder list that last sent it */
};

/* One configured account and its worker. */
struct view_account {
	struct ui			*ui;
	const struct config_account	*config;
	struct account			*worker;	/* NULL: none */
	char				*problem;	/* why there is none */
	struct view_folder		*folders;	/* in sidebar order */
	size_t				 nfolders;
	int				 sorted;	/* 0: sort before use */

	int				 offline;
	char				*offline_detail;

	uint32_t			 list_request;	/* 0: none running */
	unsigned			 list;		/* numbers the lists */
	/* 1: it came online during the list; 2: and folders followed. */
	int				 list_online;
	uint64_t			 quota_used;	/* KiB */
	uint64_t			 quota_limit;	/* KiB; 0: none */
	int				 quota_warned;	/* said it is full */
};

/* The folder shown in the index. */
struct view_open {
	struct view_account	*account;	/* NULL: nothing open */
	char			*folder;	/* its name, for requests */
	char			*display;
	struct model_folder	*model;
	uint32_t		 request;	/* the open, while running */
	uint32_t		 check;		/* a background sync, or 0 */
	int			 running;
	int			 loaded;	/* the open finished once */
	uint64_t		 done;		/* progress of the open */
	uint64_t		 total;
	size_t			 top;		/* first row on screen */
	int			 sorted;	/* the config's sort applied */
	struct pattern		*limit;		/* NULL: every row shown */
	char			*limit_text;	/* as typed, for the status */
	/* The server's answer to the limit (IMAP UID SEARCH): while set,
	 * the rows shown are these UIDs (ascending). */
	uint32_t		*limit_uids;
	size_t			 nlimit_uids;
	int			 limit_server;	/* limit_uids is in force */
	uint32_t		 search_request; /* the running search, or 0 */
};

/* An attachment of the message in the pager, as the worker listed it. */
struct view_attachment {
	char		*section;
	char		*name;		/* may be NULL */
	char		*type;
	uint64_t	 size;
};

/* A header of the message in the pager, as the worker sent it. */
struct view_header {
	char		*name;
	char		*value;
};

struct pager_source;
struct pager_line;

/* What an attachment is fetched to a file for. */
enum view_save_kind {
	VIEW_SAVE_FILE,		/* to keep, where the person said */
	VIEW_SAVE_OPEN,		/* for its mailcap viewer */
	VIEW_SAVE_PIPE,		/* for a command that reads it */
};

/*
 * The message in the pager (over the index), the attachment list over the
 * pager, and a save running in the background. The text is the worker's,
 * already decoded and sanitised; the pager only wraps and colours it.
 */
struct view_pager {
	int			 active;	/* shown instead of the index */
	int			 attach;	/* the attachment list is shown */
	int			 url_list;	/* the URL list is shown */

	struct view_account	*account;
	char			*folder;
	uint32_t		 uid;
	char			*from;		/* copied from the index row */
	char			*subject;
	int64_t			 date;

	uint32_t		 request;	/* the fetch */
	int			 running;
	uint64_t		 done;		/* its progress */
	uint64_t		 total;
	char			*error;		/* why it failed, or NULL */
	char			*text;		/* NULL until it comes */
	uint32_t		 notes;		/* BACKEND_NOTE_* */
	struct view_attachment	*attachments;
	size_t			 nattachments;
	struct view_header	*headers;	/* NULL until they come */
	size_t			 nheaders;

	/* Lines as built from the above, and cut to the width. */
	struct pager_source	*sources;
	size_t			 nsources;
	struct pager_line	*lines;
	size_t			 nlines;
	int			 width;		/* of lines; 0: build again */
	size_t			 top;		/* first line on screen */

	size_t			 selected;	/* in the attachment list */
	size_t			 attach_top;

	char			**urls;		/* in the URL list */
	size_t			 nurls;
	size_t			 url_selected;
	size_t			 url_top;

	struct view_account	*save_account;	/* a save, while running */
	uint32_t		 save_request;
	char			*save_name;
	char			*save_path;
	uint64_t		 save_done;
	uint64_t		 save_total;
	/* OPEN and PIPE: the file is in save_dir, a private directory
	 * removed with it, and save_command runs once it is there. */
	enum view_save_kind	 save_kind;
	char			*save_dir;
	char			*save_command;
	char			*save_what;	/* the program, for messages */
	int			 save_stdin;	/* the file on its stdin */
	int			 save_wait;	/* RUN_WAIT_* */

	int			 prompting;	/* asking where to save */
	int			 prompt_pipe;	/* ... or what to pipe to */
	char			 path[4096];
	size_t			 path_len;
};

/* One message of the quota view: among the account's biggest. */
struct view_big {
	char		*folder;
	uint32_t	 uid;
	uint32_t	 size;
	char		*from;
	char		*subject;
	char		*attachment;	/* the largest one's name, or NULL */
	uint64_t	 attachment_size;
	int		 gone;		/* deleted from here */
};

/* The quota view (view-quota.c): usage and the biggest messages. */
struct view_quota {
	int			 active;
	struct view_account	*account;
	uint32_t		 request;	/* while it loads */
	struct view_big		*big;
	size_t			 nbig;
	size_t			 selected;
	size_t			 top;
};

/* A question from a worker waiting for the user (prompt.c). */
struct prompt_question {
	struct view_account	*account;
	uint32_t		 request;	/* that asked it, or 0 */
	uint32_t		 id;
	uint32_t		 kind;		/* BACKEND_QUESTION_* */
	char			*text;
};

struct ui {
	const struct config	*config;
	struct view_account	*accounts;
	size_t			 naccounts;

	enum view_focus		 focus;
	/* The sidebar's cursor: an account, and a folder name or NULL for
	 * the account's own line. Kept by name so it survives new lists. */
	size_t			 sidebar_account;
	char			*sidebar_folder;
	size_t			 sidebar_top;

	struct view_open	 open;
	struct view_pager	 pager;
	struct view_quota	 quota;

	int			 dirty;		/* VIEW_DIRTY_* */
	int			 quit;
	char			*message;	/* bottom line, until a key */
	int			 message_error;	/* it says something failed */
	int			 help;		/* showing the help screen */
	size_t			 help_top;

	long long		 next_check;	/* monotonic ms; 0: not set */

	struct prompt_question	*questions;	/* the first is asked */
	size_t			 nquestions;
	char			 answer[1024];	/* typed so far */
	size_t			 answer_len;

	struct prompt_line	*line;		/* a line being typed, or NULL */
	int			 tag_prefix;	/* ; pressed: the next action is
						   for the tagged messages */
	char			*search;	/* the last search, for n */
	int			 search_backward;
	/* skua -f: the folder to open once its account lists it. */
	struct view_account	*start_account;
	char			*start_folder;
};

/* ui.c */
void	ui_message(struct ui *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
void	ui_error(struct ui *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
/* Do what action does in the view that has the focus, as its key would. */
void	ui_action(struct ui *, int action);
int	ui_sidebar_width(void);
int	ui_main_lines(void);

/* draw.c: text on the screen by columns, never bytes. */
int	draw_text(int y, int x, int width, const char *text);
int	draw_text_padded(int y, int x, int width, const char *text);
void	draw_blank(int y, int x, int width);
int	draw_columns(const char *text);
size_t	draw_fit(const char *text, int width);
size_t	draw_fitn(const char *text, size_t len, int width);

/* ui-account.c: workers, requests and their events. */
void	ui_account_start_all(struct ui *);
void	ui_account_stop_all(struct ui *);
size_t	ui_account_poll_fill(struct ui *, struct pollfd *, size_t, int *);
void	ui_account_poll_done(struct ui *, const struct pollfd *, size_t);
void	ui_account_open(struct ui *, struct view_account *,
	    const struct view_folder *);
void	ui_account_cancel_open(struct ui *);
/* The periodic check (check_interval): milliseconds until it is due (-1:
 * never), and the check itself: offline accounts retry, folder counts
 * refresh, the open folder syncs, so other devices' changes show. */
int	ui_account_check_timeout(struct ui *);
void	ui_account_check(struct ui *);
/* fetch-mail: check every account now (a POP3 account downloads). */
void	ui_account_fetch(struct ui *);
int	ui_account_common(struct view_account *, struct msg *);
/* Sync the open folder now (another device changed it). */
void	ui_account_check_open(struct ui *);
/* Ask va for its folder list again, unless a list is running. */
void	ui_account_list(struct view_account *);
/* view-index-change.c: flags, deletes, moves, purges and folder changes.
 * view_index_change_key: the selected message (1 if action was one);
 * _apply: the given messages (the tag prefix); _folder: a
 * BACKEND_FOLDER_* op on the open (or the sidebar's) account. */
int	view_index_change_key(struct ui *, int action);
int	view_index_change_apply(struct ui *, int action, const uint32_t *uids,
	    size_t n);
void	view_index_change_folder(struct ui *, uint32_t op, const char *name,
	    const char *newname);
/* change-folder (c): ask for a folder by name, then open it. */
void	view_index_change_open_start(struct ui *);

/* view-sidebar.c */
void	view_sidebar_folder_update(struct view_account *,
	    const struct summary_folder *);
void	view_sidebar_folders_prune(struct view_account *, unsigned list);
struct view_folder *view_sidebar_find(struct view_account *, const char *);
void	view_sidebar_draw(struct ui *);
int	view_sidebar_key(struct ui *, int action);
void	view_sidebar_free(struct view_account *);

/* view-index.c */
void	view_index_draw(struct ui *);
int	view_index_key(struct ui *, int action);
void	view_index_format_date(char *, size_t, int64_t, int64_t now);
/* :sort ORDER: model_folder_set_sort's sort and flags, and say so. */
void	view_index_set_sort(struct ui *, int sort, int flags);
void	view_index_sender(const char *from, char *, size_t);
char	*view_index_status(struct ui *);

/* view-pager.c: the pager, the attachment list, saving, opening (mailcap)
 * and piping. */
void	view_pager_open(struct ui *, uint32_t uid);
void	view_pager_close(struct ui *);
void	view_pager_draw(struct ui *);
int	view_pager_key(struct ui *, int action);
char	*view_pager_status(struct ui *);
char	*view_pager_save_status(struct ui *);
int	view_pager_cancel(struct ui *);
int	view_pager_prompting(const struct ui *);
void	view_pager_prompt_key(struct ui *, int key);
void	view_pager_prompt_draw(struct ui *);
void	view_pager_free(struct ui *);

/* view-quota.c: the quota view over the index. */
void	view_quota_open(struct ui *);
void	view_quota_draw(struct ui *);
int	view_quota_key(struct ui *, int action);
char	*view_quota_status(struct ui *);
void	view_quota_free(struct ui *);
/* view-url.c: the URL list over the pager, from the text shown. */
void	view_url_open(struct ui *);
void	view_url_draw(struct ui *);
int	view_url_key(struct ui *, int action);
void	view_url_clear(struct view_pager *);

/* view-index-pattern.c: the index's limit, search and tags, and what
 * the tag prefix (;) applies to them. */
int	view_index_pattern_key(struct ui *, int action);
void	view_index_pattern_tagged(struct ui *, int action);
void	view_index_pattern_limit(struct ui *, const char *text);
void	view_index_pattern_search(struct ui *, const char *text,
	    int backward);
void	view_index_pattern_tag(struct ui *, const char *text, int on);
/* Another folder: its limit goes, as in mutt. */
void	view_index_pattern_reset(struct ui *);
void	view_index_pattern_free(struct ui *);

/* prompt-line.c: a line typed for the interface (a pattern, a command). */
typedef void (*prompt_line_cb)(struct ui *, const char *line, void *arg);
void	prompt_line_start(struct ui *, const char *label, const char *text,
	    prompt_line_cb, void *arg);
int	prompt_line_active(const struct ui *);
void	prompt_line_key(struct ui *, int key);
void	prompt_line_draw(struct ui *);
void	prompt_line_free(struct ui *);

/* prompt-command.c: the command line after : (enter-command). */
void	prompt_command_start(struct ui *);
void	prompt_command_run(struct ui *, const char *line);

/* prompt.c */
void	prompt_add(struct ui *, struct view_account *, uint32_t request,
	    uint32_t id, uint32_t kind, const char *text);
void	prompt_forget(struct ui *, struct view_account *, uint32_t request);
int	prompt_active(const struct ui *);
void	prompt_key(struct ui *, int key);
void	prompt_draw(struct ui *);
void	prompt_free(struct ui *);
/* The answer ("yes", "no", "once", "always") that key gives a CONFIRM or
 * CERTIFICATE question, by the letters the (translated) question shows;
 * NULL for any other key. Also for the commands, which have no screen. */
const char *prompt_choice(uint32_t kind, int key);

#endif
