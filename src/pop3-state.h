/* pop3-state: a POP3 account's state database ($XDG_DATA_HOME/skua/ACCOUNT/
 * pop3.db): every message downloaded (UIDL, file, delivery time, hash) and
 * the journal of downloads under way; opening it takes the account's lock.
 * Worker process only (and `skua fetch`'s worker). */
#ifndef SKUA_POP3_STATE_H
#define SKUA_POP3_STATE_H

#include <stddef.h>
#include <stdint.h>

enum pop3_state_status {
	POP3_STATE_OK,
	POP3_STATE_ERROR,	/* *error says why */
	POP3_STATE_BUSY,	/* another process holds the account */
};

/*
 * A downloaded message (table message), or one being downloaded (table
 * pending: sha256 empty, size 0, delivered is when it started). file is the
 * Maildir base name it was delivered under, in new/ (a reader may move it
 * to cur/ and add ":2,flags"; it keeps the base name).
 */
struct pop3_state_record {
	char		*uidl;
	char		*file;
	int64_t		 delivered;
	uint64_t	 size;
	char		 sha256[65];	/* hex, or "" */
};

struct pop3_state;

/*
 * Open (creating) dir/pop3.db, after taking dir/pop3.lock (waiting a few
 * seconds for another skua to finish; POP3_STATE_BUSY if it does not). The
 * lock is held until pop3_state_close, and dies with the process.
 */
enum pop3_state_status	 pop3_state_open(const char *dir,
			     struct pop3_state **out, char **error);
void			 pop3_state_close(struct pop3_state *);

/*
 * Write a journal row for each message about to be downloaded (uidl, file,
 * delivered = start time), in one durable transaction, before any byte of
 * them reaches the disk.
 */
enum pop3_state_status	 pop3_state_pending_add(struct pop3_state *,
			     const struct pop3_state_record *, size_t n,
			     char **error);
/* The journal, in no particular order; free with pop3_state_records_free. */
enum pop3_state_status	 pop3_state_pending(struct pop3_state *,
			     struct pop3_state_record **out, size_t *n,
			     char **error);
/* Drop a journal row whose download never reached new/. */
enum pop3_state_status	 pop3_state_pending_drop(struct pop3_state *,
			     const char *uidl, char **error);
/*
 * Record messages now durable in the Maildir, and drop their journal rows,
 * in one durable transaction: after it, and only after it, DELE is safe.
 */
enum pop3_state_status	 pop3_state_record(struct pop3_state *,
			     const struct pop3_state_record *, size_t n,
			     char **error);
/* Every record, sorted by uidl (strcmp order) for pop3_state_find. */
enum pop3_state_status	 pop3_state_records(struct pop3_state *,
			     struct pop3_state_record **out, size_t *n,
			     char **error);
/* The record for uidl in a sorted array, or NULL. */
const struct pop3_state_record *pop3_state_find(
			     const struct pop3_state_record *, size_t n,
			     const char *uidl);
/* Forget records (messages no longer on the server). */
enum pop3_state_status	 pop3_state_forget(struct pop3_state *,
			     const char * const *uidls, size_t n,
			     char **error);
void			 pop3_state_records_free(struct pop3_state_record *,
			     size_t n);

#endif
