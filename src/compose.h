/* compose: a message as the user writes it in $EDITOR (header lines, a
 * blank line, the body, all UTF-8), checked, and built into RFC 5322 bytes
 * ready for SMTP; and the editor text of a reply or a forward. Any
 * process; compose_build reads the attached files. */
#ifndef SKUA_COMPOSE_H
#define SKUA_COMPOSE_H

#include <stddef.h>
#include <time.h>

/* One mailbox of an address header. */
struct compose_address {
	char	*name;		/* display name, UTF-8, or NULL */
	char	*addr;		/* local@domain, ASCII; NULL for an
				   empty group ("undisclosed:;") */
};

struct compose_list {
	struct compose_address	*v;
	size_t			 n;
};

/* A parsed draft. Every string is UTF-8 and owned by the draft. */
struct compose {
	struct compose_list	  from;		/* one, to build */
	struct compose_list	  to;
	struct compose_list	  cc;
	struct compose_list	  bcc;		/* envelope only */
	struct compose_list	  reply_to;
	char			 *subject;	/* NULL: none */
	char			 *in_reply_to;	/* "<id>", or NULL */
	char			 *references;	/* "<id> <id>", or NULL */
	char			**attach;	/* paths, ~ expanded */
	size_t			  nattach;
	char			 *body;		/* LF line ends */
	size_t			  body_len;
};

/*
 * Parse len bytes of editor text (LF or CRLF line ends). Header names are
 * From, To, Cc, Bcc, Subject, Reply-To, In-Reply-To, References and
 * Attach (one path each; the file must be readable); a line starting with
 * white space continues the one before. On 0 *out is the caller's
 * (compose_free); on -1 *error names the line and what is wrong with it
 * (caller frees).
 */
int		 compose_parse(const char *text, size_t len,
		     struct compose **out, char **error);
void		 compose_free(struct compose *);

struct compose_build_opts {
	time_t		 date;		/* Date, shown in local time */
	const char	*domain;	/* Message-ID's right side; NULL: the
					   From address's domain */
	int		 allow_8bit;	/* the server has 8BITMIME */
	int		 keep_bcc;	/* a draft to resume: Bcc stays */
};

/*
 * The message as RFC 5322 bytes with CRLF line ends: Date, Message-ID and
 * MIME-Version added, Bcc left out (unless keep_bcc), non-ASCII header words as RFC 2047,
 * lines folded under 78 columns; the text as text/plain; charset=utf-8
 * (7bit, 8bit or quoted-printable as it needs); attachments as base64
 * parts of multipart/mixed. On 0 *out (caller frees) holds *len bytes;
 * on -1 *error says why (no From, an unreadable file; caller frees).
 */
int		 compose_build(const struct compose *,
		     const struct compose_build_opts *, char **out,
		     size_t *len, char **error);

/* The bare addresses of To, Cc and Bcc, each once, for the SMTP envelope:
 * *addrs (caller frees with compose_recipients_free) holds *n. */
void		 compose_recipients(const struct compose *, char ***addrs,
		     size_t *n);
void		 compose_recipients_free(char **, size_t);
/* The envelope sender: From's bare address (borrowed), or NULL. */
const char	*compose_sender(const struct compose *);

/* The message being answered or forwarded, as the pager shows it: header
 * values decoded to UTF-8 (addresses as "Name <addr>, ..."), any NULL. */
struct compose_original {
	const char	*from;
	const char	*to;
	const char	*cc;
	const char	*reply_to;
	const char	*mail_followup_to;
	const char	*message_id;
	const char	*references;
	const char	*subject;
	const char	*date;
	const char	*body;		/* the rendered text */
};

/* Who the user is: the From of the new draft ("Name <addr>") and the
 * other addresses that are the user's too (NULL-terminated, or NULL). */
struct compose_identity {
	const char		*from;
	const char * const	*alternates;
};

/*
 * Editor text of a reply to o: To from Reply-To, else From; with all,
 * also the original To and Cc but the user's own addresses, or the
 * Mail-Followup-To when there is one. Subject with one "Re: ",
 * In-Reply-To and References set, the text quoted with "> " under "On
 * DATE, NAME wrote:". The caller frees.
 */
char		*compose_reply_draft(const struct compose_original *o,
		     const struct compose_identity *, int all);
/* Editor text of an inline forward of o: "Fwd: " subject, no recipients,
 * the original's header lines then its text. The caller frees. */
char		*compose_forward_draft(const struct compose_original *o,
		     const struct compose_identity *);

#endif
