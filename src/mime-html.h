/* mime-html: HTML turned into text for the pager by a command (html_command,
 * by default w3m), else a mailcap copiousoutput entry for text/html, else
 * the built-in fallback. Worker process only: it handles message bytes. */
#ifndef SKUA_MIME_HTML_H
#define SKUA_MIME_HTML_H

#include <stddef.h>

/* html_command's default: HTML on stdin, %c the width in columns. */
#define MIME_HTML_DEFAULT_COMMAND \
	"w3m -dump -T text/html -I UTF-8 -O UTF-8 -cols %c"
#define MIME_HTML_TIMEOUT_MS	10000
#define MIME_HTML_MAX_OUTPUT	(8 * 1024 * 1024)

/* Which renderer made the text. */
enum mime_html_how {
	MIME_HTML_COMMAND,	/* html_command (or its default) */
	MIME_HTML_MAILCAP,	/* a copiousoutput mailcap entry */
	MIME_HTML_BUILTIN,	/* the built-in fallback (mime_decode_html) */
};

struct mime_html_opts {
	/*
	 * A shell command that reads HTML (as UTF-8) on its standard input
	 * and prints text, with %c the width and %% a percent sign. NULL:
	 * MIME_HTML_DEFAULT_COMMAND. "mailcap" (or a blank command): go
	 * straight to the mailcap; "builtin": no command at all.
	 */
	const char	*command;
	int		 width;		/* columns; 0: 80 */
	const char	*mailcaps;	/* search path; NULL: mailcap_path() */
	int		 timeout_ms;	/* 0: MIME_HTML_TIMEOUT_MS */
	size_t		 max_output;	/* 0: MIME_HTML_MAX_OUTPUT */
};

/* How it went, for a note in the pager; mime_html_result_clear frees. */
struct mime_html_result {
	enum mime_html_how	 how;
	/* The command's name ("w3m"), or NULL for the built-in. */
	char			*renderer;
	/* Why a command was passed over ("w3m is not installed"), or NULL. */
	char			*problem;
	int			 cut;	/* output stopped at max_output */
};

/*
 * The text of html (len bytes of UTF-8), rendered by the first of
 * opts->command, a mailcap copiousoutput entry for text/html (given the
 * HTML on stdin, or as a file in a private directory when it has %s;
 * %{charset} is utf-8) and mime_decode_html that works. A command that is
 * missing (exit status 127), fails, or runs past the time limit is passed
 * over; one that prints too much is cut. Valid UTF-8, never NULL; the
 * caller frees it. r (if not NULL) says how; clear it after.
 */
char	*mime_html_run(const char *html, size_t len,
	     const struct mime_html_opts *opts, struct mime_html_result *r);
void	 mime_html_result_clear(struct mime_html_result *);

/* mime_html_run with command (NULL: the default) and width, the default
 * mailcap path and limits; *how (if not NULL) says which renderer. */
char	*mime_html_render(const char *html, size_t len, const char *command,
	     int width, enum mime_html_how *how);

#endif
