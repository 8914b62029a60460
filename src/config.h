/* config: the configuration file (~/.config/skua/config), parsed and checked.
 * Loaded once in the UI process; accounts are plain data handed to workers. */
#ifndef SKUA_CONFIG_H
#define SKUA_CONFIG_H

#include <stddef.h>

enum config_status {
	CONFIG_OK,
	CONFIG_NOT_FOUND,	/* no file: the caller explains how to make one */
	CONFIG_IO_ERROR,	/* could not read it */
	CONFIG_INVALID,		/* one or more lines are wrong */
};

enum config_protocol {
	CONFIG_PROTOCOL_IMAP,
	CONFIG_PROTOCOL_POP3,
};

enum config_tls {
	CONFIG_TLS_IMPLICIT,
	CONFIG_TLS_STARTTLS,
	CONFIG_TLS_NONE,
};

/* The index's orders. */
enum config_sort {
	CONFIG_SORT_DATE,
	CONFIG_SORT_FROM,
	CONFIG_SORT_SUBJECT,
	CONFIG_SORT_SIZE,
	CONFIG_SORT_THREAD,
	CONFIG_SORT_COUNT,
};

/* One [account NAME] section. Read-only once loaded; owned by the config. */
struct config_account {
	char			*name;
	enum config_protocol	 protocol;
	char			*host;
	int			 port;		/* filled from protocol and tls */
	enum config_tls		 tls;
	char			*user;
	char			*password_command;
	char			*password;	/* discouraged; warned about */
	char			*oauth2_token_command;
	char			*tls_ca_file;
	char			*tls_fingerprint;	/* "sha256:" + 64 hex */
	int			 allow_plaintext_password;
	int			 download_confirm_mb;	/* ask above; 0: never */
	char			*maildir;	/* POP3's local store; NULL: the
						   data dir's ACCOUNT/mail */
	int			 pop3_delete;	/* DELE once stored: 1 or 0 */
	int			 pop3_delete_after_days; /* 0: not by age */
	int			 pop3_delete_when_deleted_locally;
	int			 delete_to_trash;	/* d moves to Trash;
							   0: marks */
	int			 idle;		/* IMAP IDLE on the open folder */
	/* Sending. */
	char			*from;		/* "Name <addr>"; default: user
						   if it has an '@' */
	char			*alternates;	/* more addresses, spaces */
	char			*smtp_host;
	int			 smtp_port;	/* filled from smtp_tls */
	enum config_tls		 smtp_tls;	/* default starttls */
	char			*smtp_user;	/* default: user */
	char			*smtp_password_command;	/* default:
						   password_command */
	char			*sendmail_command;	/* instead of SMTP */
	int			 save_sent;	/* a copy in Sent: 1 or 0 */
	char			*signature;	/* a file, or NULL */
	int			 line;		/* where the section starts */
};

/* One "KEY = ACTION" line of a [bind VIEW] section; the UI checks the
 * view, key and action names (it owns them) and reports file and line. */
struct config_binding {
	char	*view;
	char	*key;
	char	*action;
	int	 line;
};

struct config;

/*
 * Read and check the file at path. On CONFIG_OK *out is the caller's (free it
 * with config_free). Otherwise *errors (if not NULL) receives every problem
 * found, one "FILE:LINE: what is wrong" per line; the caller frees it.
 */
enum config_status	 config_load(const char *path, struct config **out,
			     char **errors);
/* The same for a string in memory; name is used in messages. */
enum config_status	 config_parse(const char *name, const char *text,
			     size_t len, struct config **out, char **errors);
void			 config_free(struct config *);

/* Warnings that do not stop skua (a password in a file others can read);
 * NULL when there are none. Borrowed until config_free. */
const char		*config_warnings(const struct config *);
const char		*config_file(const struct config *);

size_t			 config_account_count(const struct config *);
const struct config_account *config_account(const struct config *, size_t);
const struct config_account *config_account_find(const struct config *,
			     const char *name);
size_t			 config_binding_count(const struct config *);
const struct config_binding *config_binding(const struct config *, size_t);

/* Global options. */
int			 config_sidebar_width(const struct config *);
/* Seconds between checks of the open folder and the folder list (0: off). */
int			 config_check_interval(const struct config *);
/* The index's order (sort), and in *reverse whether it is upside down. */
enum config_sort	 config_sort(const struct config *, int *reverse);
/* Threads placed by their first message, not their latest (sort_threads). */
int			 config_sort_threads_first(const struct config *);
/* The command that turns HTML into text (NULL: the default, w3m; also
 * "mailcap" or "builtin"); borrowed until config_free. */
const char		*config_html_command(const struct config *);
/* Show the HTML of a multipart/alternative rather than its plain text. */
int			 config_prefer_html(const struct config *);
/* The colour theme's name (NULL: not set, the default one); borrowed
 * until config_free. */
const char		*config_theme(const struct config *);
/* The headers the pager shows, in order: names separated by spaces or
 * commas; never NULL, borrowed until config_free. */
#define CONFIG_PAGER_HEADERS_DEFAULT	"From To Cc Date Subject Keywords"
const char		*config_pager_headers(const struct config *);
/* The command that opens a URL from the pager's URL list, %s the URL
 * (NULL: none; the URL is shown to be copied); borrowed. */
const char		*config_url_command(const struct config *);
/* The editor for writing mail (a shell command, the file appended), or
 * NULL for $VISUAL, $EDITOR, vi. */
const char		*config_editor(const struct config *);

const char		*config_protocol_name(enum config_protocol);
const char		*config_tls_name(enum config_tls);

/* A commented example configuration (for --example-config). */
const char		*config_example(void);

/* Add "NAME:LINE: msg" to *errors (the caller frees it), the list of what
 * is wrong in a line-based file; past max errors, one line saying so. */
void			 config_errors_add(char **errors, int *nerrors,
			     int max, const char *name, int line,
			     const char *msg);
/* Levenshtein distance, used to suggest the nearest valid name. */
size_t			 config_distance(const char *, const char *);

#endif
