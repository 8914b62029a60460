/* imap-change: the commands that change an IMAP mailbox: STORE (with
 * UNCHANGEDSINCE), COPY, MOVE (or its fallback), EXPUNGE by UID, folder
 * commands, APPEND and GETQUOTAROOT. Worker process only. */
#ifndef SKUA_IMAP_CHANGE_H
#define SKUA_IMAP_CHANGE_H

#include <stddef.h>
#include <stdint.h>

struct imap_session;
struct mailimap_set;

enum imap_change_status {
	IMAP_CHANGE_OK,
	IMAP_CHANGE_REFUSED,	/* the server said NO; the session is
				   still usable; *error says why */
	IMAP_CHANGE_UNSAFE,	/* done only as far as it was safe; *error
				   says what is left; the session is usable */
	IMAP_CHANGE_UNSUPPORTED,	/* the server lacks the extension */
	IMAP_CHANGE_ERROR,	/* network or protocol, or a BAD (libetpan
				   cannot tell it from a tag out of step):
				   abort the session */
};

enum imap_change_folder_op {
	IMAP_CHANGE_CREATE,
	IMAP_CHANGE_RENAME,
	IMAP_CHANGE_DELETE,
	IMAP_CHANGE_SUBSCRIBE,
	IMAP_CHANGE_UNSUBSCRIBE,
};

struct imap_change_quota {
	char		*root;		/* the quota root's name */
	uint64_t	 storage_used;	/* KiB */
	uint64_t	 storage_limit;	/* KiB; 0: none */
	uint64_t	 messages_used;
	uint64_t	 messages_limit;	/* 0: none */
};

/*
 * Flags on the selected folder: UID STORE +FLAGS.SILENT add, then
 * -FLAGS.SILENT remove (STORE_FLAG_* bits, store-mirror.h). With CONDSTORE
 * and unchangedsince non-zero, UNCHANGEDSINCE: the messages changed since
 * then are left alone and listed in *modified, from the server's [MODIFIED]
 * (the caller frees; NULL and 0 when none). UIDs go as ranges, in several
 * commands when there are more than IMAP_CHANGE_RUNS.
 */
enum imap_change_status imap_change_flags(struct imap_session *,
		     const uint32_t *uids, size_t n, uint32_t add,
		     uint32_t remove, uint64_t unchangedsince,
		     uint32_t **modified, size_t *nmodified, char **error);
/*
 * Copy, or move, uids of the selected folder to dest (a skua name). A move
 * is UID MOVE where offered; else COPY, \Deleted, and UID EXPUNGE of just
 * those with UIDPLUS. Without UIDPLUS a plain EXPUNGE would also remove
 * what others marked deleted: it is sent only when UID SEARCH DELETED
 * finds nothing but the uids moved; otherwise IMAP_CHANGE_UNSAFE (copied,
 * the originals marked deleted but still there; *error says so). A
 * refusal for quota says the mailbox is full.
 */
enum imap_change_status imap_change_copy(struct imap_session *,
		     const uint32_t *uids, size_t n, const char *dest,
		     int move, char **error);
/* Purge uids (marked \Deleted by the caller) from the selected folder, by
 * the same rule as a move's: IMAP_CHANGE_UNSAFE rather than purge others'. */
enum imap_change_status imap_change_expunge(struct imap_session *,
		     const uint32_t *uids, size_t n, char **error);
/* A folder command; names are skua's (modified UTF-7). A new folder is
 * subscribed to as well; a renamed one keeps its subscription under the
 * new name; a deleted one is unsubscribed. newname is for RENAME only. */
enum imap_change_status imap_change_folder(struct imap_session *,
		     enum imap_change_folder_op, const char *name,
		     const char *newname, char **error);
/* APPEND data to folder with flags; *uid from APPENDUID (0 without
 * UIDPLUS). An over-quota refusal says the mailbox is full. */
enum imap_change_status imap_change_append(struct imap_session *,
		     const char *folder, uint32_t flags, const char *data,
		     size_t len, uint32_t *uid, char **error);
/* GETQUOTAROOT folder: the STORAGE and MESSAGE resources of its first
 * root (the caller clears *q); IMAP_CHANGE_UNSUPPORTED without QUOTA, or
 * when no root applies to folder. */
enum imap_change_status imap_change_quota(struct imap_session *,
		     const char *folder, struct imap_change_quota *,
		     char **error);
void		 imap_change_quota_clear(struct imap_change_quota *);

/* UID ranges per command: "a:b," is at most 22 bytes, so a command stays
 * well under the 8 KB line every server takes. */
#define IMAP_CHANGE_RUNS	300
/* A set of up to IMAP_CHANGE_RUNS ranges from the start of sorted, an
 * ascending array of n UIDs; *used says how many it took. */
struct mailimap_set *imap_change_set(const uint32_t *sorted, size_t n,
		     size_t *used);
/* uids, sorted ascending without duplicates, in a copy the caller frees;
 * *n is updated. */
uint32_t	*imap_change_sorted(const uint32_t *uids, size_t *n);

#endif
