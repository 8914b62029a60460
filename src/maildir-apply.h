/* maildir-apply: the user's changes to an account whose mail is a local
 * Maildir (a POP3 account): flags, copies, moves, deletes, purges and
 * folders, made on the files at once (there is nothing to be offline
 * from). Worker process only.
 *
 * The files are changed first; then a look at the folder (the same as
 * maildir_backend_sync) brings the cache and notmuch in line and sends
 * MSG_EV_FLAGS and MSG_EV_VANISHED for what changed. A message whose
 * file another program moved is looked for again once; one that is gone
 * is left out with a MSG_EV_NOTE, and the others still change.
 *
 * A purge moves each message marked deleted to the Trash and removes it
 * there (maildir_purge removes only from Trash), so a crash halfway
 * leaves the message in the Trash, never lost by accident.
 */
#ifndef SKUA_MAILDIR_APPLY_H
#define SKUA_MAILDIR_APPLY_H

#include <stddef.h>
#include <stdint.h>

#include "backend.h"

/* struct backend's change operations (see backend.h); state is the
 * maildir_backend's. Flags are those a file name can carry
 * (MAILDIR_FLAGS); asking only for others is an error. */
enum backend_status maildir_apply_flags(void *state, struct backend_ctx *,
		    const char *folder, const uint32_t *uids, size_t n,
		    uint32_t add, uint32_t remove, char **error);
/* The copies' rows are cached in dest at once (no parse when it opens)
 * and notmuch learns of them; the UI gets them when it opens dest. */
enum backend_status maildir_apply_copy(void *state, struct backend_ctx *,
		    const char *folder, const char *dest, const uint32_t *uids,
		    size_t n, int move, char **error);
/* To the Trash when the account's delete_to_trash is on and folder is
 * not the Trash; otherwise marked deleted (T), for a purge or an
 * undelete. */
enum backend_status maildir_apply_remove(void *state, struct backend_ctx *,
		    const char *folder, const uint32_t *uids, size_t n,
		    char **error);
/* Remove for good those of uids that are marked deleted; the others
 * stay. */
enum backend_status maildir_apply_expunge(void *state, struct backend_ctx *,
		    const char *folder, const uint32_t *uids, size_t n,
		    char **error);
/* Create, rename, delete (never the INBOX), then the folder list again.
 * Every folder of a Maildir is listed: (un)subscribing is
 * BACKEND_UNSUPPORTED. */
enum backend_status maildir_apply_folder(void *state, struct backend_ctx *,
		    uint32_t op, const char *name, const char *newname,
		    char **error);

#endif
