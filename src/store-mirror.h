/* store-mirror: the local mirror of an IMAP account (SQLite, WAL): folders
 * with their sync state, message rows from envelopes, crash-safe writes.
 * Worker process only (the account's worker is the only writer). */
#ifndef SKUA_STORE_MIRROR_H
#define SKUA_STORE_MIRROR_H

#include <stddef.h>
#include <stdint.h>

enum store_status {
	STORE_OK,
	STORE_NOT_FOUND,	/* no such folder (or message) */
	STORE_ERROR,		/* *error, or store_mirror_error(), says why */
};

/* Special-use roles (RFC 6154), with names as the fallback. */
enum store_role {
	STORE_ROLE_NONE,
	STORE_ROLE_INBOX,
	STORE_ROLE_SENT,
	STORE_ROLE_DRAFTS,
	STORE_ROLE_TRASH,
	STORE_ROLE_JUNK,
	STORE_ROLE_ARCHIVE,
	STORE_ROLE_ALL,
	STORE_ROLE_FLAGGED,
};

/* Message flags as bits; keywords are kept as text. */
#define STORE_FLAG_SEEN		0x01
#define STORE_FLAG_ANSWERED	0x02
#define STORE_FLAG_FLAGGED	0x04
#define STORE_FLAG_DELETED	0x08
#define STORE_FLAG_DRAFT	0x10
#define STORE_FLAG_FORWARDED	0x20	/* $Forwarded */
#define STORE_FLAG_JUNK		0x40	/* $Junk */

struct store_folder {
	char		*name;		/* as the server names it (UTF-8) */
	char		 delimiter;	/* 0 when flat */
	enum store_role	 role;
	int		 subscribed;
	int		 noselect;
	uint32_t	 uidvalidity;	/* 0: never selected */
	uint32_t	 uidnext;
	uint64_t	 highestmodseq;	/* 0: no CONDSTORE */
	uint32_t	 total;		/* message count (STATUS or local) */
	uint32_t	 unseen;
};

struct store_message {
	uint32_t	 uid;
	uint32_t	 flags;		/* STORE_FLAG_* */
	char		*keywords;	/* space-separated, or NULL */
	uint64_t	 modseq;
	uint32_t	 size;		/* RFC822.SIZE */
	int64_t		 internal_date;	/* seconds since the epoch */
	int64_t		 date;		/* the Date header, or 0 */
	char		*subject;	/* decoded to UTF-8 */
	char		*from;		/* "Name <addr>" list, decoded */
	char		*to;
	char		*cc;
	char		*message_id;
	char		*in_reply_to;
	char		*references;
	char		*bodystructure;	/* serialised by mime-structure */
	int		 attachments;	/* has attachments; -1: not known */
};

struct store_mirror;

/*
 * Open (creating if needed, mode 0600) the mirror at path: WAL mode, schema
 * versioned with PRAGMA user_version and migrated forward. A file that is not
 * a mirror (not SQLite, corrupt, another program's database, or made by a
 * newer skua) is STORE_ERROR with *error naming it (the caller frees *error);
 * the caller may delete it (it is a cache) and open again.
 */
enum store_status store_mirror_open(const char *path, struct store_mirror **,
		     char **error);
/* Close; accepts NULL. */
void		 store_mirror_close(struct store_mirror *);
/*
 * Why the last call on this mirror returned STORE_ERROR ("path: SQLite's
 * message"), or NULL; borrowed until the next call on the mirror. Other
 * functions return STORE_ERROR this way so that their signatures stay small.
 * A failed write changes nothing: every write is one transaction.
 */
const char	*store_mirror_error(struct store_mirror *);

/*
 * Folders. put inserts or updates by name:
 * - delimiter, role, subscribed and noselect are always taken (LIST data);
 * - uidvalidity, uidnext and highestmodseq say how far the mirror's rows are
 *   synced: they are taken only when the struct's uidvalidity is non-zero,
 *   so pass them only once the rows are stored; a LIST or STATUS result
 *   passes uidvalidity 0 and the stored sync state is kept;
 * - total and unseen when uidvalidity is non-zero or either count is, so a
 *   bare LIST (all zero) keeps the stored counts (and so does a STATUS that
 *   says 0 and 0 without a uidvalidity);
 * - a non-zero uidvalidity that differs from a non-zero stored one drops the
 *   folder's messages as store_mirror_folder_reset() does, so rows of an old
 *   UIDVALIDITY are never kept under a new one.
 * get fills *out (the caller clears it with store_folder_clear()).
 */
enum store_status store_mirror_folder_put(struct store_mirror *,
		     const struct store_folder *);
enum store_status store_mirror_folder_get(struct store_mirror *,
		     const char *name, struct store_folder *out);
/* Calls cb for each folder in name order; cb's folder is borrowed until cb
 * returns; cb returns non-zero to stop. In every *_each callback, reading the
 * mirror is fine but writing to it is not: collect, then write after. */
typedef int	(*store_mirror_folder_cb)(const struct store_folder *, void *);
enum store_status store_mirror_folder_each(struct store_mirror *,
		     store_mirror_folder_cb, void *);
/* Remove a folder and all its messages. */
enum store_status store_mirror_folder_delete(struct store_mirror *,
		     const char *name);
/* UIDVALIDITY changed: drop the folder's messages, set the new value and
 * zero uidnext and highestmodseq (total and unseen describe the server's
 * mailbox and are kept). The folder's queued changes are kept: the caller
 * drops them with store_queue_drop_folder() (folder_delete drops them
 * with the folder; call that first to learn how many). */
enum store_status store_mirror_folder_reset(struct store_mirror *,
		     const char *name, uint32_t uidvalidity);
/* Update only the sync state (after a sync step has been stored). */
enum store_status store_mirror_folder_sync_state(struct store_mirror *,
		     const char *name, uint32_t uidnext,
		     uint64_t highestmodseq);

/*
 * Messages. The folder must exist (else STORE_NOT_FOUND) and a UID is never
 * 0. put inserts or replaces rows by (folder, uid), all in one transaction:
 * one bad row (uid 0) and none is stored. Replacing keeps the row's part
 * cache records.
 */
enum store_status store_mirror_messages_put(struct store_mirror *,
		     const char *folder, const struct store_message *, size_t);
/* Fills *out (the caller clears it with store_message_clear()). */
enum store_status store_mirror_message_get(struct store_mirror *,
		     const char *folder, uint32_t uid,
		     struct store_message *out);
/* Set flags and keywords (NULL: none); modseq 0 keeps the stored one. */
enum store_status store_mirror_flags_set(struct store_mirror *,
		     const char *folder, uint32_t uid, uint32_t flags,
		     const char *keywords, uint64_t modseq);
/* Add, then remove flags on the rows of uids, in one transaction; cb (or
 * NULL) hears each row's new flags, after the commit is certain only if
 * the call returns STORE_OK. Absent UIDs are skipped. */
typedef void	(*store_mirror_flags_cb)(uint32_t uid, uint32_t flags,
		     void *);
enum store_status store_mirror_flags_change(struct store_mirror *,
		     const char *folder, const uint32_t *uids, size_t n,
		     uint32_t add, uint32_t remove, store_mirror_flags_cb,
		     void *);
/* Remove the rows of uids in one transaction; absent UIDs are ignored. */
enum store_status store_mirror_expunge(struct store_mirror *,
		     const char *folder, const uint32_t *uids, size_t);
/* Every UID of the folder in ascending order; *uids is the caller's (NULL
 * when *n is 0). */
enum store_status store_mirror_uids(struct store_mirror *,
		     const char *folder, uint32_t **uids, size_t *n);
/* Rows newest first (by UID descending), at most limit (0: all), starting
 * below before_uid (0: from the top); cb's message is borrowed; cb returns
 * non-zero to stop. */
typedef int	(*store_mirror_message_cb)(const struct store_message *,
		     void *);
enum store_status store_mirror_messages_each(struct store_mirror *,
		     const char *folder, uint32_t before_uid, size_t limit,
		     store_mirror_message_cb, void *);
/* Rows in the mirror and those without \Seen; either pointer may be NULL. */
enum store_status store_mirror_count(struct store_mirror *,
		     const char *folder, uint32_t *total, uint32_t *unseen);

/*
 * The biggest messages of all folders by RFC822.SIZE, largest first (ties
 * by folder name, then UID), at most limit (0: all), for the quota view.
 * cb's folder name and message are borrowed until it returns; cb returns
 * non-zero to stop.
 */
typedef int	(*store_mirror_big_cb)(const char *folder,
		     const struct store_message *, void *);
enum store_status store_mirror_biggest(struct store_mirror *, size_t limit,
		     store_mirror_big_cb, void *);

/* Free what a get filled in (not the struct itself) and zero the struct;
 * accept NULL. */
void		 store_folder_clear(struct store_folder *);
void		 store_message_clear(struct store_message *);

#endif
