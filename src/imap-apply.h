/* imap-apply: the user's changes to an IMAP account (flags, copies, moves,
 * deletes, purges, folders, appends), quota and server search. Worker only.
 *
 * Every change is first kept in the mirror's offline queue (store-queue.h),
 * then made on the server, and taken off the queue once the server said
 * yes. Offline, the mirror takes the change at once and the queue keeps it
 * until the connection is back; imap_apply_replay then makes the queued
 * changes in order. A queued message that no longer exists is dropped from
 * its change with a note; nothing else is lost, and nothing is made twice
 * (flags are idempotent; a moved message is gone from where it was).
 */
#ifndef SKUA_IMAP_APPLY_H
#define SKUA_IMAP_APPLY_H

#include <stddef.h>
#include <stdint.h>

#include "backend.h"

struct imap_backend;

/* struct backend's change operations for IMAP (see backend.h). */
enum backend_status imap_apply_flags(void *state, struct backend_ctx *,
		    const char *folder, const uint32_t *uids, size_t n,
		    uint32_t add, uint32_t remove, char **error);
enum backend_status imap_apply_copy(void *state, struct backend_ctx *,
		    const char *folder, const char *dest, const uint32_t *uids,
		    size_t n, int move, char **error);
/* To the Trash folder (special-use, else by name) when delete_to_trash is
 * on and the folder is not the Trash itself; otherwise marked \Deleted,
 * for a purge (imap_apply_expunge) or an undelete. */
enum backend_status imap_apply_remove(void *state, struct backend_ctx *,
		    const char *folder, const uint32_t *uids, size_t n,
		    char **error);
enum backend_status imap_apply_expunge(void *state, struct backend_ctx *,
		    const char *folder, const uint32_t *uids, size_t n,
		    char **error);
/* Create, rename, delete, (un)subscribe: online only; then the folder
 * list again. */
enum backend_status imap_apply_folder(void *state, struct backend_ctx *,
		    uint32_t op, const char *name, const char *newname,
		    char **error);
/* MSG_EV_QUOTA for the INBOX's quota root (where QUOTA is offered), then
 * the limit biggest messages the mirror knows as MSG_EV_BIG. */
enum backend_status imap_apply_quota(void *state, struct backend_ctx *,
		    uint32_t limit, char **error);
/* UID SEARCH for a pattern (src/pattern.h) in folder: MSG_EV_SEARCH.
 * BACKEND_UNSUPPORTED when the pattern has what only the UI knows (tags);
 * offline, an error: the UI keeps its own result. */
enum backend_status imap_apply_search(void *state, struct backend_ctx *,
		    const char *folder, const char *pattern, char **error);
/* APPEND a message (Sent, Drafts): online only; *uid from APPENDUID. */
enum backend_status imap_apply_append(void *state, struct backend_ctx *,
		    const char *folder, uint32_t flags, const char *data,
		    size_t len, uint32_t *uid, char **error);

/* Each message whole into the account's local Maildir (the maildir
 * option, as POP3's store; the folder of the same name), durably, then
 * off the server (\Deleted and a purge of just those): for a full
 * mailbox. Online only. */
enum backend_status imap_apply_archive(void *state, struct backend_ctx *,
		    const char *folder, const uint32_t *uids, size_t n,
		    char **error);

/* Make the queued changes on the server, oldest first, right after a
 * connect; stops (leaving the rest queued) when the connection fails. */
void		 imap_apply_replay(struct imap_backend *, struct backend_ctx *);

#endif
