/* store-queue: the offline queue of an IMAP account's changes, kept in its
 * mirror until the server has confirmed them. Worker process only. */
#ifndef SKUA_STORE_QUEUE_H
#define SKUA_STORE_QUEUE_H

#include <stddef.h>
#include <stdint.h>

#include "store-mirror.h"

/*
 * A change the user made: queued, applied to the mirror at once, then
 * replayed to the server oldest first; an entry is removed only once the
 * server has confirmed (or refused) it, so a crash replays it again (flags,
 * moves and expunges are idempotent; a COPY may be made twice). Every write
 * here is one transaction, committed with synchronous = FULL so that not
 * even a power cut undoes it.
 */
enum store_queue_op {
	STORE_QUEUE_FLAGS = 1,	/* add, then remove flags on uids */
	STORE_QUEUE_COPY,	/* copy uids to dest */
	STORE_QUEUE_MOVE,	/* move uids to dest */
	STORE_QUEUE_EXPUNGE,	/* expunge uids (\Deleted, UID EXPUNGE) */
};

/* More UIDs than this in one entry are refused (split the change). */
#define STORE_QUEUE_UIDS_MAX	(1U << 24)

struct store_queue_entry {
	int64_t			 id;		/* set by the queue; 0 for add */
	enum store_queue_op	 op;
	char			*folder;	/* where the uids are */
	char			*dest;		/* COPY and MOVE; else NULL */
	uint32_t		 add;		/* FLAGS: STORE_FLAG_* to set */
	uint32_t		 remove;	/* FLAGS: STORE_FLAG_* to clear */
	uint32_t		*uids;		/* ascending, no duplicates */
	size_t			 nuids;
	int64_t			 created;	/* seconds; 0 at add: now */
};

/*
 * Queue a change. This only records it: the caller changes the mirror's
 * rows (store_mirror_flags_set(), store_mirror_expunge()) once the server
 * has confirmed it or, offline, right after adding, so that a refusal
 * leaves the mirror as it was. A crash between the two is healed by the
 * replay. UIDs the mirror has no row for are queued all the same; they are
 * stored as a set (sorted, duplicates merged) and need not be sorted here.
 * STORE_NOT_FOUND: the mirror has no such folder. STORE_ERROR with
 * store_mirror_error(): an entry that makes no sense (no uids or a UID 0,
 * more than STORE_QUEUE_UIDS_MAX, a dest missing for COPY or MOVE or given
 * for the others, FLAGS with nothing to do or a flag both added and
 * removed, an unknown op or flag), or the database failed. *id (may be
 * NULL) gets the new entry's id.
 */
enum store_status store_queue_add(struct store_mirror *,
		     const struct store_queue_entry *, int64_t *id);
/* The oldest entry, or STORE_NOT_FOUND when the queue is empty; the caller
 * clears *out with store_queue_entry_clear(). An entry the database holds
 * garbage for is STORE_ERROR with out->id set, so the caller can remove
 * it. */
enum store_status store_queue_first(struct store_mirror *,
		     struct store_queue_entry *out);
/* Calls cb for each entry oldest first; cb's entry is borrowed until cb
 * returns; cb returns non-zero to stop. As in every *_each callback, cb may
 * read the mirror but not write it. */
typedef int	(*store_queue_cb)(const struct store_queue_entry *, void *);
enum store_status store_queue_each(struct store_mirror *, store_queue_cb,
		     void *);
/* The server confirmed the entry: forget it. STORE_NOT_FOUND: no such id
 * (it is never reused). */
enum store_status store_queue_remove(struct store_mirror *, int64_t id);
/* Take UIDs the server no longer has out of an entry (others are ignored);
 * the entry is removed when none is left. STORE_NOT_FOUND: no such id. */
enum store_status store_queue_drop_uids(struct store_mirror *, int64_t id,
		     const uint32_t *uids, size_t);
/* Entries of folder, or of all folders when folder is NULL; STORE_NOT_FOUND
 * for a folder the mirror does not have. */
enum store_status store_queue_count(struct store_mirror *,
		     const char *folder, size_t *n);
/*
 * Drop the entries of folder: after a UIDVALIDITY change
 * (store_mirror_folder_reset(), or a store_mirror_folder_put() that changes
 * it) their UIDs name other messages, and a deleted folder has none. The
 * caller logs a note when *dropped (may be NULL) is non-zero. Deleting a
 * folder from the mirror drops its entries too, silently, so call this
 * first. Entries that copy or move into folder are kept: the server refuses
 * them if it is gone, and the caller drops them then.
 */
enum store_status store_queue_drop_folder(struct store_mirror *,
		     const char *folder, size_t *dropped);
/* Free what first filled in (not the struct) and zero it; accepts NULL. */
void		 store_queue_entry_clear(struct store_queue_entry *);

/*
 * How UID lists are stored: as an IMAP sequence set ("1:5,7"), which the
 * replayer can also send. encode sorts and merges (the caller frees the
 * text); it refuses n of 0 and a UID 0. decode takes only what encode
 * writes (ascending ranges that neither touch nor overlap, a:b with a < b,
 * no zero, no leading zeros or spaces, at most STORE_QUEUE_UIDS_MAX UIDs);
 * *uids is the caller's. Both return STORE_OK or STORE_ERROR.
 */
enum store_status store_queue_uids_encode(const uint32_t *uids, size_t n,
		     char **text);
enum store_status store_queue_uids_decode(const char *text, uint32_t **uids,
		     size_t *n);

#endif
