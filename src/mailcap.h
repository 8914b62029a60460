/* mailcap: RFC 1524 mailcap files, which command views or renders a type,
 * and that command built for /bin/sh with hostile values quoted. Any
 * process; mailcap_find runs test= commands (each bounded in time). */
#ifndef SKUA_MAILCAP_H
#define SKUA_MAILCAP_H

#include <stddef.h>

struct mailcap;
struct mailcap_entry;

/* What the entry is wanted for. */
enum mailcap_use {
	MAILCAP_VIEW,		/* to open for a person: an entry without
				   copiousoutput first, else one with it */
	MAILCAP_TEXT,		/* to turn into text: copiousoutput only */
};

/* mailcap_entry_flags */
#define MAILCAP_COPIOUSOUTPUT	0x1	/* prints text worth paging */
#define MAILCAP_NEEDSTERMINAL	0x2	/* interactive on a terminal */

/* A Content-Type parameter for %{name}. */
struct mailcap_param {
	const char	*name;
	const char	*value;
};

/*
 * What the %-escapes of a command stand for. type (%t) and the parameter
 * values come from a message: hostile. file (%s) is a path skua chose
 * (command_tmpdir_new, mailcap_file_name), or NULL when there is none
 * yet.
 */
struct mailcap_subst {
	const char			*type;	/* "text/html"; after ';' ignored */
	const char			*file;
	const struct mailcap_param	*params;
	size_t				 nparams;
};

/*
 * The files in path, a colon-separated list read in order ("~/" is
 * $HOME); NULL means mailcap_path(). Missing files are skipped, and so are
 * lines that are not entries. Never NULL; free with mailcap_free.
 */
struct mailcap	*mailcap_load(const char *path);
/* An empty list, for mailcap_parse. */
struct mailcap	*mailcap_new(void);
/* Add the entries in text (one file's contents; name is for messages). */
void		 mailcap_parse(struct mailcap *, const char *name,
		     const char *text, size_t len);
void		 mailcap_free(struct mailcap *);
size_t		 mailcap_count(const struct mailcap *);
/* $MAILCAPS, else skua's own, the user's and the system's files:
 * $XDG_CONFIG_HOME/skua/mailcap:~/.mailcap:/etc/mailcap:
 * /usr/etc/mailcap:/usr/local/etc/mailcap. The caller frees. */
char		*mailcap_path(void);

/*
 * The first entry for s->type and use whose test= command, if any, exits
 * with status 0 (run with %-escapes expanded, stdin from /dev/null, for
 * 3 s at most; a test that needs %s is failed while s->file is NULL).
 * Types match case-insensitively; a subtype "*", or none ("text"),
 * matches every subtype.
 * Borrowed until mailcap_free; NULL when none fits.
 */
const struct mailcap_entry *mailcap_find(struct mailcap *, enum mailcap_use,
		     const struct mailcap_subst *s);
const char	*mailcap_entry_type(const struct mailcap_entry *);
const char	*mailcap_entry_view(const struct mailcap_entry *);
int		 mailcap_entry_flags(const struct mailcap_entry *);
/* "FILE:LINE" of the entry, for messages. */
const char	*mailcap_entry_where(const struct mailcap_entry *);

/*
 * The entry's view command for /bin/sh -c; the caller frees. *on_stdin is
 * set when the command has no %s: the file then goes on its standard
 * input. See mailcap_expand for the escapes.
 */
char		*mailcap_command(const struct mailcap_entry *,
		     const struct mailcap_subst *, int *on_stdin);
/*
 * Expand template's escapes: %s the file, %t the type, %{name} the
 * parameter (empty if absent), %% a percent sign; a backslash takes the
 * next character as it is (RFC 1524). A value where the shell reads it
 * unquoted is single-quoted, any ' in it as '\'', so the command gets it
 * literally; control characters become '_'. Inside the template's own
 * quotes (text there is often handed to another shell), right after a
 * '$', and once `...`, $(...), ${...} or << appear (their nesting is not
 * followed), a value keeps only letters, digits and "/._+,:=@-", the rest
 * becoming '_': write %s, %t and %{name} unquoted. *used_file (if not
 * NULL) says whether %s occurred. The caller frees.
 */
char		*mailcap_expand(const char *template,
		     const struct mailcap_subst *, int *used_file);
/*
 * A file name for an attachment handed to the entry's command: name made
 * safe (mime_filename_safe), every byte but letters, digits and "._+-"
 * turned into '_', fitted to the entry's nametemplate (NULL entry: none)
 * unless it already ends that way ("%s.html": "page" gives "page.html").
 * Never empty; the caller frees.
 */
char		*mailcap_file_name(const struct mailcap_entry *,
		     const char *name);

#endif
