/* outbox: messages waiting to be sent, one durable file each, kept until a
 * server has taken them, with the last error and the number of tries. */
#ifndef SKUA_OUTBOX_H
#define SKUA_OUTBOX_H

#include <stddef.h>

/*
 * On disk, in the outbox directory (0700):
 *
 *   ID.msg      "skua-outbox 1", "sender ADDR", one "rcpt ADDR" per
 *               recipient, "sent FOLDER" (optional: where the copy
 *               goes), an empty line, then the message bytes
 *   ID.status   "attempts N" and "error TEXT": after a failed try
 *   .tmp.*      a file being written; never read, removed on open
 *
 * ID is the time it was queued (seconds, microseconds), the process id
 * and a counter, fixed width, so the names sort oldest first. Both files
 * are written beside their names, fsynced, renamed into place and the
 * directory fsynced, so a crash leaves a whole file or none. Worker
 * process only (tests too).
 */

enum outbox_status {
	OUTBOX_OK,
	OUTBOX_NOT_FOUND,	/* no such message (sent, removed) */
	OUTBOX_INVALID,		/* a file skua did not write: refused */
	OUTBOX_ERROR,		/* *error says why */
};

struct outbox;

/* One queued message; every string is the entry's. */
struct outbox_entry {
	char	 *id;
	char	 *sender;	/* the envelope sender, "" for none */
	char	**rcpts;
	size_t	  nrcpts;
	char	 *sent;		/* the folder for the copy, or NULL */
	char	 *data;		/* the message as built */
	size_t	  len;
	unsigned  attempts;	/* failed tries so far */
	char	 *error;	/* the last one's error, or NULL */
};

/* The outbox directory of an account: $XDG_DATA_HOME/skua/ACCOUNT/outbox.
 * The caller frees it. */
char		*outbox_path(const char *account);

/* Open the outbox at dir, creating it (and its parents) if missing, and
 * remove files left half written. The caller frees *error. */
enum outbox_status outbox_open(const char *dir, struct outbox **,
		     char **error);
void		 outbox_close(struct outbox *);	/* NULL is fine */

/*
 * Queue len bytes of a message for sender and the n addresses in rcpts
 * (at least one; no white space or control characters in any), with
 * the copy to go to sent (NULL or "": none). Durable on OUTBOX_OK; *id
 * (caller frees; may be NULL) names it.
 */
enum outbox_status outbox_add(struct outbox *, const char *sender,
		     char * const *rcpts, size_t n, const char *sent,
		     const char *data, size_t len, char **id, char **error);
/* The queued messages' ids, oldest first (outbox_list_free). */
enum outbox_status outbox_list(struct outbox *, char ***ids, size_t *n,
		     char **error);
void		 outbox_list_free(char **, size_t);
/* Read one whole (outbox_entry_free). OUTBOX_INVALID for a file that is
 * not one outbox_add wrote. */
enum outbox_status outbox_read(struct outbox *, const char *id,
		     struct outbox_entry **, char **error);
void		 outbox_entry_free(struct outbox_entry *);
/* Record a failed try: one more attempt, with its error text. */
enum outbox_status outbox_failed(struct outbox *, const char *id,
		     const char *text, char **error);
/* Remove a message (and its status): only once a server took it. */
enum outbox_status outbox_remove(struct outbox *, const char *id,
		     char **error);

#endif
