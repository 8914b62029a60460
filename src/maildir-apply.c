/* maildir-apply: the user's changes made on the files of a local store,
 * then the folder looked at again, so that the cache, notmuch and the UI
 * follow from what is on disk rather than from what was meant. */
#include "auto-config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "backend.h"
#include "config.h"
#include "intl.h"
#include "log.h"
#include "maildir-apply.h"
#include "maildir-backend.h"
#include "maildir-cache.h"
#include "maildir.h"
#include "msg.h"
#include "paths.h"
#include "xmalloc.h"

/* Messages between progress events (and looks for a cancel). */
#define MAILDIR_APPLY_BATCH	500

/* One change to some messages of a folder. */
struct maildir_apply {
	void			*state;
	struct backend_ctx	*ctx;
	struct maildir		*store;
	struct maildir_cache	*cache;
	const char		*folder;
	const char		*dest;		/* copy, move: where to */
	int			 move;
	int			 purge;		/* remove from dest (Trash) */
	uint32_t		 add;		/* flags */
	uint32_t		 remove;
	size_t			 gone;		/* another program took them */
	size_t			 kept;		/* purge: not marked deleted */
};

/* One message's change: MAILDIR_NOT_FOUND when its file is not where the
 * row says. */
typedef enum maildir_status (*maildir_apply_cb)(struct maildir_apply *,
    const struct maildir_cache_row *, char **);

static void
maildir_apply_note(struct backend_ctx *ctx, const char *text)
{
	struct msg	*m = msg_new(MSG_EV_NOTE, 0);

	log_info("maildir_apply: %s", text);
	msg_add_str(m, text);
	backend_emit(ctx, m);
}

/*
 * A connection of our own to the cache the backend keeps, which does not
 * lend its handle: to read which file a UID is, and to seed the rows of
 * copies. It is never in a transaction while the backend writes.
 */
static enum backend_status
maildir_apply_cache_open(void *state, struct maildir_cache **cache,
    char **error)
{
	const struct config_account	*account;
	char				*dir, *path;

	account = maildir_backend_account(state);
	dir = paths_cache_dir();
	path = xasprintf("%s/%s/maildir.db", dir, account->name);
	free(dir);
	if (maildir_cache_open(path, cache, error) != MAILDIR_CACHE_OK) {
		free(path);
		return BACKEND_ERROR;
	}
	free(path);
	return BACKEND_OK;
}

/* A folder's status as an error for a person; NULL for MAILDIR_OK. */
static char *
maildir_apply_why(enum maildir_status status, const char *name, char *why)
{
	char	*text;

	switch (status) {
	case MAILDIR_OK:
		text = NULL;
		break;
	case MAILDIR_NOT_FOUND:
		text = xasprintf(_("%s: no such folder"), name);
		break;
	case MAILDIR_EXISTS:
		text = xasprintf(_("%s exists already"), name);
		break;
	case MAILDIR_INVALID:
		text = xasprintf(_("%s is not a name a folder can have"),
		    name);
		break;
	case MAILDIR_ERROR:
	default:
		text = why != NULL ? xstrdup(why) : xasprintf(_("%s: failed"),
		    name);
		break;
	}
	free(why);
	return text;
}

/* Whether a folder is there to change; 0, or -1 with *error. */
static int
maildir_apply_exists(struct maildir *store, const char *name, char **error)
{
	enum maildir_status	 status;
	uint32_t		 total;
	char			*why = NULL;

	if (name == NULL || !maildir_name_is_valid(name))
		status = MAILDIR_INVALID;
	else
		status = maildir_count(store, name, &total, NULL, &why);
	if (status == MAILDIR_OK)
		return 0;
	*error = maildir_apply_why(status, name != NULL ? name : "", why);
	return -1;
}

static enum backend_status
maildir_apply_begin(struct maildir_apply *a, void *state,
    struct backend_ctx *ctx, const char *folder, char **error)
{
	memset(a, 0, sizeof *a);
	a->state = state;
	a->ctx = ctx;
	a->store = maildir_backend_store(state);
	a->folder = folder;
	if (maildir_apply_exists(a->store, folder, error) != 0)
		return BACKEND_ERROR;
	return maildir_apply_cache_open(state, &a->cache, error);
}

/* The Trash, made if it is missing; NULL with *error. */
static char *
maildir_apply_trash(struct maildir *store, char **error)
{
	enum maildir_status	 status;
	char			*trash, *why = NULL;

	trash = maildir_trash_name(store);
	status = maildir_folder_create(store, trash, &why);
	if (status == MAILDIR_OK || status == MAILDIR_EXISTS) {
		free(why);
		return trash;
	}
	*error = maildir_apply_why(status, trash, why);
	free(trash);
	return NULL;
}

static int
maildir_apply_uid_cmp(const void *pa, const void *pb)
{
	uint32_t	a = *(const uint32_t *)pa, b = *(const uint32_t *)pb;

	return a < b ? -1 : a > b;
}

/*
 * cb for each message, once each. A file that is not where the cache says
 * (another program set a flag) is looked for again after one look at the
 * folder; a message that is gone is counted and left out. Seeds are
 * written in one transaction per pass, ended before the backend writes.
 */
static enum backend_status
maildir_apply_each(struct maildir_apply *a, const uint32_t *uids, size_t n,
    maildir_apply_cb cb, char **error)
{
	struct maildir_cache_row	 row;
	enum maildir_cache_status	 cs;
	enum maildir_status		 ms;
	enum backend_status		 status = BACKEND_OK;
	uint32_t			*list, *again;
	size_t				 nlist = 0, nagain = 0, i;
	char				*why;
	int				 pass;

	/* The UI may send a message twice (a thread and its member). */
	list = xreallocarray(NULL, n > 0 ? n : 1, sizeof *list);
	again = xreallocarray(NULL, n > 0 ? n : 1, sizeof *again);
	memcpy(list, uids, n * sizeof *uids);
	qsort(list, n, sizeof *list, maildir_apply_uid_cmp);
	for (i = 0; i < n; i++) {
		if (nlist == 0 || list[nlist - 1] != list[i])
			list[nlist++] = list[i];
	}
	for (pass = 0; pass < 2 && status == BACKEND_OK; pass++) {
		if (pass == 1) {
			if (nagain == 0)
				break;
			/* Where did they go? (The UI hears of it too.) */
			status = maildir_backend_sync(a->state, a->ctx,
			    a->folder, 0, error);
			if (status != BACKEND_OK)
				break;
			memcpy(list, again, nagain * sizeof *again);
			nlist = nagain;
		}
		if (maildir_cache_begin(a->cache) != MAILDIR_CACHE_OK) {
			*error = xstrdup(maildir_cache_error(a->cache));
			status = BACKEND_ERROR;
			break;
		}
		for (i = 0; i < nlist; i++) {
			if (i > 0 && i % MAILDIR_APPLY_BATCH == 0) {
				backend_progress(a->ctx, i, nlist,
				    "messages");
				if (backend_cancelled(a->ctx)) {
					status = BACKEND_CANCELLED;
					break;
				}
			}
			cs = maildir_cache_get(a->cache, a->folder, list[i],
			    &row);
			if (cs == MAILDIR_CACHE_NOT_FOUND) {
				a->gone++;
				continue;
			}
			if (cs != MAILDIR_CACHE_OK) {
				*error = xstrdup(maildir_cache_error(a->cache));
				status = BACKEND_ERROR;
				break;
			}
			why = NULL;
			ms = cb(a, &row, &why);
			maildir_cache_row_clear(&row);
			if (ms == MAILDIR_OK)
				continue;
			if (ms == MAILDIR_NOT_FOUND) {
				log_info("%s: %s", __func__,
				    why != NULL ? why : "gone");
				free(why);
				if (pass == 0)
					again[nagain++] = list[i];
				else
					a->gone++;
				continue;
			}
			*error = why;
			status = BACKEND_ERROR;
			break;
		}
		if (maildir_cache_commit(a->cache) != MAILDIR_CACHE_OK) {
			log_warn("%s: %s", __func__,
			    maildir_cache_error(a->cache));
			maildir_cache_rollback(a->cache);
		}
	}
	free(list);
	free(again);
	return status;
}

/*
 * Say what was left out, then look at the folder: the cache takes the new
 * names, notmuch is brought up to date, and the UI gets MSG_EV_FLAGS and
 * MSG_EV_VANISHED for what changed (after a failure too: what was done
 * before it is done).
 */
static enum backend_status
maildir_apply_end(struct maildir_apply *a, enum backend_status status,
    char **error)
{
	enum backend_status	 synced;
	char			*note, *why = NULL;

	maildir_cache_close(a->cache);
	a->cache = NULL;
	if (a->gone > 0) {
		note = xasprintf(ngettext("%s: %zu message was moved or "
		    "deleted by another program meanwhile and is left out.",
		    "%s: %zu messages were moved or deleted by another "
		    "program meanwhile and are left out.", a->gone), a->folder,
		    a->gone);
		maildir_apply_note(a->ctx, note);
		free(note);
	}
	if (a->kept > 0)
		log_info("maildir_apply_end: %s: %zu not marked deleted, kept",
		    a->folder, a->kept);
	synced = maildir_backend_sync(a->state, a->ctx, a->folder, 0, &why);
	if (status == BACKEND_OK && synced != BACKEND_OK) {
		*error = why;
		return synced;
	}
	free(why);
	return status;
}

/* --- flags ------------------------------------------------------------- */

static enum maildir_status
maildir_apply_flags_one(struct maildir_apply *a,
    const struct maildir_cache_row *row, char **why)
{
	uint32_t	flags;

	/* The name has the flags as they are; the row may lag behind. */
	flags = (maildir_name_flags(row->file) | a->add) & ~a->remove;
	return maildir_flags_set(a->store, a->folder, row->file, flags, NULL,
	    why);
}

enum backend_status
maildir_apply_flags(void *state, struct backend_ctx *ctx, const char *folder,
    const uint32_t *uids, size_t n, uint32_t add, uint32_t remove,
    char **error)
{
	struct maildir_apply	a;
	enum backend_status	status;

	if (n == 0 || (add == 0 && remove == 0))
		return BACKEND_OK;
	if (((add | remove) & MAILDIR_FLAGS) == 0) {
		*error = xstrdup(_("a Maildir file name cannot carry that "
		    "flag"));
		return BACKEND_ERROR;
	}
	if ((status = maildir_apply_begin(&a, state, ctx, folder, error)) !=
	    BACKEND_OK)
		return status;
	a.remove = remove & MAILDIR_FLAGS;
	a.add = add & MAILDIR_FLAGS & ~a.remove;
	status = maildir_apply_each(&a, uids, n, maildir_apply_flags_one,
	    error);
	return maildir_apply_end(&a, status, error);
}

/* --- copies, moves, deletes, purges ------------------------------------- */

/* The copy's row in dest from the original's, so that dest opens without
 * parsing it again and notmuch indexes it with the next batch. Only a
 * cache: if this fails, dest's next scan makes the row. */
static void
maildir_apply_seed(struct maildir_apply *a,
    const struct maildir_cache_row *row, const char *newfile)
{
	struct maildir_cache_row	 copy;
	const char			*name;
	char				*key;
	uint32_t			 uid;

	if ((name = strchr(newfile, '/')) == NULL ||
	    maildir_cache_uids(a->cache, a->dest, 1, &uid) !=
	    MAILDIR_CACHE_OK) {
		log_warn("%s: %s: %s", __func__, a->dest,
		    maildir_cache_error(a->cache));
		return;
	}
	key = maildir_name_key(name + 1);
	copy = *row;
	copy.m.uid = uid;
	copy.m.flags = maildir_name_flags(newfile);
	copy.key = key;
	copy.file = (char *)newfile;
	copy.indexed = NULL;
	copy.indexed_flags = 0;
	if (maildir_cache_put(a->cache, a->dest, &copy, NULL) !=
	    MAILDIR_CACHE_OK)
		log_warn("%s: %s: %s", __func__, a->dest,
		    maildir_cache_error(a->cache));
	free(key);
}

static enum maildir_status
maildir_apply_transfer_one(struct maildir_apply *a,
    const struct maildir_cache_row *row, char **why)
{
	enum maildir_status	 status;
	char			*newfile = NULL, *reason = NULL;

	if (a->purge && !(maildir_name_flags(row->file) &
	    STORE_FLAG_DELETED)) {
		a->kept++;
		return MAILDIR_OK;
	}
	if (a->move)
		status = maildir_move(a->store, a->folder, row->file, a->dest,
		    &newfile, why);
	else
		status = maildir_copy(a->store, a->folder, row->file, a->dest,
		    &newfile, why);
	if (status != MAILDIR_OK)
		return status;
	if (!a->purge) {
		maildir_apply_seed(a, row, newfile);
		free(newfile);
		return MAILDIR_OK;
	}
	status = maildir_purge(a->store, a->dest, newfile, &reason);
	free(newfile);
	if (status == MAILDIR_OK || status == MAILDIR_NOT_FOUND) {
		/* Gone from the Trash too: what was asked. */
		free(reason);
		return MAILDIR_OK;
	}
	*why = xasprintf(_("message %u is in %s but could not be removed: "
	    "%s"), row->m.uid, a->dest, reason != NULL ? reason : "?");
	free(reason);
	return MAILDIR_ERROR;
}

/* Move or copy (and with purge remove) uids from folder to dest, which
 * must be there. */
static enum backend_status
maildir_apply_transfer(void *state, struct backend_ctx *ctx,
    const char *folder, const char *dest, const uint32_t *uids, size_t n,
    int move, int purge, char **error)
{
	struct maildir_apply	a;
	enum backend_status	status;

	if ((status = maildir_apply_begin(&a, state, ctx, folder, error)) !=
	    BACKEND_OK)
		return status;
	a.dest = dest;
	a.move = move;
	a.purge = purge;
	status = maildir_apply_each(&a, uids, n, maildir_apply_transfer_one,
	    error);
	return maildir_apply_end(&a, status, error);
}

enum backend_status
maildir_apply_copy(void *state, struct backend_ctx *ctx, const char *folder,
    const char *dest, const uint32_t *uids, size_t n, int move, char **error)
{
	if (n == 0)
		return BACKEND_OK;
	if (maildir_apply_exists(maildir_backend_store(state), dest, error) !=
	    0)
		return BACKEND_ERROR;
	if (strcmp(folder, dest) == 0 || (strcasecmp(folder,
	    MAILDIR_INBOX) == 0 && strcasecmp(dest, MAILDIR_INBOX) == 0)) {
		*error = xasprintf(_("%s: the messages are there already"),
		    dest);
		return BACKEND_ERROR;
	}
	return maildir_apply_transfer(state, ctx, folder, dest, uids, n, move,
	    0, error);
}

enum backend_status
maildir_apply_remove(void *state, struct backend_ctx *ctx, const char *folder,
    const uint32_t *uids, size_t n, char **error)
{
	const struct config_account	*account;
	enum backend_status		 status;
	char				*trash;

	if (n == 0)
		return BACKEND_OK;
	/* Before the Trash is made for it. */
	if (maildir_apply_exists(maildir_backend_store(state), folder,
	    error) != 0)
		return BACKEND_ERROR;
	account = maildir_backend_account(state);
	trash = maildir_trash_name(maildir_backend_store(state));
	if (!account->delete_to_trash || strcmp(folder, trash) == 0) {
		free(trash);
		return maildir_apply_flags(state, ctx, folder, uids, n,
		    STORE_FLAG_DELETED, 0, error);
	}
	free(trash);
	if ((trash = maildir_apply_trash(maildir_backend_store(state),
	    error)) == NULL)
		return BACKEND_ERROR;
	status = maildir_apply_transfer(state, ctx, folder, trash, uids, n, 1,
	    0, error);
	free(trash);
	return status;
}

/* maildir_purge removes only from the Trash: a message elsewhere is moved
 * there first, so that a crash between the two leaves it in the Trash. */
enum backend_status
maildir_apply_expunge(void *state, struct backend_ctx *ctx,
    const char *folder, const uint32_t *uids, size_t n, char **error)
{
	enum backend_status	 status;
	char			*trash;

	if (n == 0)
		return BACKEND_OK;
	if (maildir_apply_exists(maildir_backend_store(state), folder,
	    error) != 0 || (trash = maildir_apply_trash(
	    maildir_backend_store(state), error)) == NULL)
		return BACKEND_ERROR;
	status = maildir_apply_transfer(state, ctx, folder, trash, uids, n, 1,
	    1, error);
	free(trash);
	return status;
}

/* --- folders ------------------------------------------------------------- */

/* name and the levels below it, as they are now. *names is the caller's
 * (maildir_folders_free). */
static void
maildir_apply_family(struct maildir *store, const char *name,
    struct maildir_folder **names, size_t *n)
{
	struct maildir_folder	*folders;
	size_t			 nfolders, i, len = strlen(name);
	char			*why = NULL;

	*names = NULL;
	*n = 0;
	if (maildir_folders(store, &folders, &nfolders, &why) != MAILDIR_OK) {
		log_warn("%s: %s", __func__, why);
		free(why);
		return;
	}
	*names = xreallocarray(NULL, nfolders + 1, sizeof **names);
	for (i = 0; i < nfolders; i++) {
		if (strcmp(folders[i].name, name) == 0 ||
		    (strncmp(folders[i].name, name, len) == 0 &&
		    folders[i].name[len] == MAILDIR_DELIMITER)) {
			(*names)[(*n)++] = folders[i];
			folders[i].name = NULL;
		}
	}
	maildir_folders_free(folders, nfolders);
}

/*
 * The cache follows a rename (the UIDs stay). Every row's file is known to
 * notmuch by its old path only: mark them not indexed, so that the next
 * batch gives notmuch the new paths (it keeps the messages' tags).
 */
static void
maildir_apply_renamed(void *state, const char *from, const char *to)
{
	struct maildir_cache		*cache;
	struct maildir_cache_row	*rows;
	struct maildir_folder		*family;
	size_t				 nfamily, nrows, i, j;
	char				*why = NULL;

	if (maildir_apply_cache_open(state, &cache, &why) != BACKEND_OK) {
		log_warn("%s: %s", __func__, why);
		free(why);
		return;
	}
	if (maildir_cache_begin(cache) != MAILDIR_CACHE_OK ||
	    maildir_cache_folder_rename(cache, from, to, MAILDIR_DELIMITER) !=
	    MAILDIR_CACHE_OK)
		goto fail;
	maildir_apply_family(maildir_backend_store(state), to, &family,
	    &nfamily);
	for (i = 0; i < nfamily; i++) {
		if (maildir_cache_files(cache, family[i].name, &rows,
		    &nrows) != MAILDIR_CACHE_OK)
			continue;
		for (j = 0; j < nrows; j++)
			maildir_cache_indexed_set(cache, family[i].name,
			    rows[j].m.uid, NULL, 0);
		maildir_cache_rows_free(rows, nrows);
	}
	maildir_folders_free(family, nfamily);
	if (maildir_cache_commit(cache) != MAILDIR_CACHE_OK)
		goto fail;
	maildir_cache_close(cache);
	return;
fail:
	/* The next scans make the rows again, under new UIDs. */
	log_warn("%s: %s", __func__, maildir_cache_error(cache));
	maildir_cache_rollback(cache);
	maildir_cache_close(cache);
}

/* The cache forgets deleted folders. */
static void
maildir_apply_deleted(void *state, const struct maildir_folder *family,
    size_t n)
{
	struct maildir_cache	*cache;
	size_t			 i;
	char			*why = NULL;

	if (maildir_apply_cache_open(state, &cache, &why) != BACKEND_OK) {
		log_warn("%s: %s", __func__, why);
		free(why);
		return;
	}
	for (i = 0; i < n; i++) {
		if (maildir_cache_folder_delete(cache, family[i].name) !=
		    MAILDIR_CACHE_OK)
			log_warn("%s: %s", __func__,
			    maildir_cache_error(cache));
	}
	maildir_cache_close(cache);
}

enum backend_status
maildir_apply_folder(void *state, struct backend_ctx *ctx, uint32_t op,
    const char *name, const char *newname, char **error)
{
	struct maildir		*store = maildir_backend_store(state);
	struct maildir_folder	*family = NULL;
	enum maildir_status	 status;
	size_t			 nfamily = 0;
	char			*why = NULL;

	if (name == NULL || *name == '\0') {
		*error = xstrdup(_("no folder name"));
		return BACKEND_ERROR;
	}
	switch (op) {
	case BACKEND_FOLDER_CREATE:
		status = maildir_folder_create(store, name, &why);
		break;
	case BACKEND_FOLDER_RENAME:
		if (newname == NULL || *newname == '\0') {
			*error = xstrdup(_("rename: no new name"));
			return BACKEND_ERROR;
		}
		if (strcasecmp(name, MAILDIR_INBOX) == 0 ||
		    strcasecmp(newname, MAILDIR_INBOX) == 0) {
			*error = xstrdup(_("the INBOX cannot be renamed"));
			return BACKEND_ERROR;
		}
		status = maildir_folder_rename(store, name, newname, &why);
		if (status == MAILDIR_EXISTS || status == MAILDIR_INVALID) {
			*error = maildir_apply_why(status, newname, why);
			return BACKEND_ERROR;
		}
		if (status == MAILDIR_OK)
			maildir_apply_renamed(state, name, newname);
		break;
	case BACKEND_FOLDER_DELETE:
		if (strcasecmp(name, MAILDIR_INBOX) == 0) {
			*error = xstrdup(_("the INBOX cannot be deleted"));
			return BACKEND_ERROR;
		}
		maildir_apply_family(store, name, &family, &nfamily);
		status = maildir_folder_delete(store, name, &why);
		if (status == MAILDIR_OK)
			maildir_apply_deleted(state, family, nfamily);
		maildir_folders_free(family, nfamily);
		break;
	case BACKEND_FOLDER_SUBSCRIBE:
	case BACKEND_FOLDER_UNSUBSCRIBE:
		/* Every folder of a Maildir is listed: there is no list of
		 * subscriptions to keep. */
		return BACKEND_UNSUPPORTED;
	default:
		*error = xasprintf(_("unknown folder change %u"), op);
		return BACKEND_ERROR;
	}
	if (status != MAILDIR_OK) {
		*error = maildir_apply_why(status, name, why);
		return BACKEND_ERROR;
	}
	free(why);
	log_info("%s: %s: folder %s%s%s (op %u)", __func__,
	    maildir_backend_account(state)->name, name,
	    newname != NULL && *newname != '\0' ? " to " : "",
	    newname != NULL ? newname : "", op);
	return maildir_backend_folder_list(state, ctx, error);
}
