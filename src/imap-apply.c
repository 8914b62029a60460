/* imap-apply: the user's changes made on the IMAP server, through the
 * offline queue, so that a change made without a connection is kept. */
#include "auto-config.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libetpan/libetpan.h>

#include "backend.h"
#include "config.h"
#include "imap-apply.h"
#include "imap-backend-private.h"
#include "imap-change.h"
#include "imap-fetch.h"
#include "imap-search.h"
#include "imap-session.h"
#include "imap-utf7.h"
#include "intl.h"
#include "log.h"
#include "maildir-backend.h"
#include "maildir.h"
#include "mime-sanitize.h"
#include "mime-structure.h"
#include "msg.h"
#include "pattern.h"
#include "store-mirror.h"
#include "store-queue.h"
#include "xmalloc.h"

/* The flags a change may set or clear. */
#define IMAP_APPLY_FLAGS	(STORE_FLAG_SEEN | STORE_FLAG_ANSWERED | \
	STORE_FLAG_FLAGGED | STORE_FLAG_DELETED | STORE_FLAG_DRAFT | \
	STORE_FLAG_FORWARDED | STORE_FLAG_JUNK)

/* What running one queued change on the server came to. */
enum imap_apply_result {
	IMAP_APPLY_DONE,	/* made; off the queue */
	IMAP_APPLY_PARTLY,	/* made as far as was safe; *error says
				   what is left; off the queue */
	IMAP_APPLY_REFUSED,	/* the server or skua said no; off the
				   queue; *error says why */
	IMAP_APPLY_LATER,	/* no connection: still queued */
};

static void
imap_apply_note(struct backend_ctx *ctx, const char *text)
{
	struct msg	*m = msg_new(MSG_EV_NOTE, 0);

	log_info("imap_apply: %s", text);
	msg_add_str(m, text);
	backend_emit(ctx, m);
}

/* Whether uid is in sorted (n ascending UIDs). */
static int
imap_apply_has(const uint32_t *sorted, size_t n, uint32_t uid)
{
	size_t	lo = 0, hi = n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (sorted[mid] == uid)
			return 1;
		if (sorted[mid] < uid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

/* Which of uids still exist in the selected folder: UID SEARCH UID. 0, or
 * -1 when the connection failed (*error says why). */
static int
imap_apply_existing(struct imap_backend *b, const uint32_t *uids, size_t n,
    uint32_t **out, size_t *nout, char **error)
{
	struct mailimap_set		*set;
	struct mailimap_search_key	*key;
	clist				*result;
	clistiter			*it;
	uint32_t			*sorted, uid;
	size_t				 start, used;
	int				 r;

	*out = xreallocarray(NULL, n > 0 ? n : 1, sizeof **out);
	*nout = 0;
	sorted = imap_change_sorted(uids, &n);
	/* Ranges, a few hundred per command: a server refuses long lines. */
	for (start = 0; start < n; start += used) {
		set = imap_change_set(sorted + start, n - start, &used);
		key = mailimap_search_key_new_uid(set);
		result = NULL;
		r = mailimap_uid_search(imap_session_imap(b->session), NULL,
		    key, &result);
		mailimap_search_key_free(key);
		if (r != MAILIMAP_NO_ERROR) {
			*error = imap_session_error(b->session, r,
			    "UID SEARCH");
			free(sorted);
			return -1;
		}
		for (it = clist_begin(result); it != NULL;
		    it = clist_next(it)) {
			uid = *(uint32_t *)clist_content(it);
			if (*nout < n && imap_apply_has(sorted + start, used,
			    uid))
				(*out)[(*nout)++] = uid;
		}
		mailimap_search_result_free(result);
	}
	free(sorted);
	return 0;
}

/* A server that refused a queued change keeps its own state: make the next
 * sync of the folder compare every message's flags again. */
static void
imap_apply_forget_sync(struct imap_backend *b, const char *folder)
{
	struct store_folder	f;

	if (store_mirror_folder_get(b->mirror, folder, &f) != STORE_OK)
		return;
	store_mirror_folder_sync_state(b->mirror, folder, f.uidnext, 0);
	store_folder_clear(&f);
}

/* What a replay has changed so far: (folder, uid) pairs. A replayed flag
 * change is made only on messages nobody changed since the user saw them
 * (UNCHANGEDSINCE), but the replay's own earlier changes do not count. */
struct imap_apply_replayed {
	char		**folders;
	uint32_t	 *uids;
	size_t		  n;
};

static void
imap_apply_replayed_add(struct imap_apply_replayed *r, const char *folder,
    const uint32_t *uids, size_t n)
{
	size_t	i;

	r->folders = xreallocarray(r->folders, r->n + n, sizeof *r->folders);
	r->uids = xreallocarray(r->uids, r->n + n, sizeof *r->uids);
	for (i = 0; i < n; i++) {
		r->folders[r->n] = xstrdup(folder);
		r->uids[r->n++] = uids[i];
	}
}

static int
imap_apply_replayed_has(const struct imap_apply_replayed *r,
    const char *folder, uint32_t uid)
{
	size_t	i;

	for (i = 0; i < r->n; i++) {
		if (r->uids[i] == uid && strcmp(r->folders[i], folder) == 0)
			return 1;
	}
	return 0;
}

static void
imap_apply_replayed_free(struct imap_apply_replayed *r)
{
	size_t	i;

	for (i = 0; i < r->n; i++)
		free(r->folders[i]);
	free(r->folders);
	free(r->uids);
}

/*
 * A flag change: now, as the user asked; replayed, on the messages nobody
 * else changed since (UNCHANGEDSINCE the mirror's last sync, where
 * CONDSTORE is offered), and again without the condition on those only
 * this replay changed.
 */
static enum imap_change_status
imap_apply_store(struct imap_backend *b, struct backend_ctx *ctx,
    const struct store_queue_entry *e, uint64_t modseq,
    const struct imap_apply_replayed *replayed, char **error)
{
	enum imap_change_status	 cs;
	uint32_t		*modified = NULL, *mine, *none = NULL;
	size_t			 nmodified = 0, nmine = 0, nnone = 0, i;
	char			*note;

	if (replayed == NULL || !imap_session_has(b->session, "CONDSTORE"))
		modseq = 0;
	cs = imap_change_flags(b->session, e->uids, e->nuids, e->add,
	    e->remove, modseq, &modified, &nmodified, error);
	if (cs != IMAP_CHANGE_OK || nmodified == 0) {
		free(modified);
		return cs;
	}
	mine = xreallocarray(NULL, nmodified, sizeof *mine);
	for (i = 0; i < nmodified; i++) {
		if (imap_apply_replayed_has(replayed, e->folder, modified[i]))
			mine[nmine++] = modified[i];
	}
	if (nmine > 0)
		cs = imap_change_flags(b->session, mine, nmine, e->add,
		    e->remove, 0, &none, &nnone, error);
	free(none);
	if (nmodified > nmine) {
		/* Another device changed them since: theirs stands, and
		 * the next sync shows it. */
		note = xasprintf(_("%s: %zu messages were changed elsewhere "
		    "meanwhile and keep that change"), e->folder,
		    nmodified - nmine);
		imap_apply_note(ctx, note);
		free(note);
	}
	free(mine);
	free(modified);
	return cs;
}

/*
 * Run one queued change on the server; replayed is NULL for a change made
 * now. Messages that are gone are taken out of the entry (and e is
 * changed to match). LATER means the session is gone and the entry stays
 * queued.
 */
static enum imap_apply_result
imap_apply_run(struct imap_backend *b, struct backend_ctx *ctx,
    struct store_queue_entry *e, struct imap_apply_replayed *replayed,
    char **error)
{
	struct store_folder	 f;
	enum imap_change_status	 cs;
	uint32_t		*live = NULL;
	size_t			 nlive = 0;
	uint64_t		 modseq;
	char			*why = NULL, *note;

	if (store_mirror_folder_get(b->mirror, e->folder, &f) != STORE_OK) {
		*error = xasprintf(_("%s no longer exists"), e->folder);
		return IMAP_APPLY_REFUSED;
	}
	modseq = f.highestmodseq;
	if (imap_backend_select(b, ctx, e->folder, f.uidvalidity, &why) !=
	    BACKEND_OK) {
		store_folder_clear(&f);
		if (b->session == NULL) {
			free(why);
			return IMAP_APPLY_LATER;
		}
		*error = why;
		return IMAP_APPLY_REFUSED;
	}
	store_folder_clear(&f);
	/* A change made now is for messages just seen: the server ignores
	 * any gone meanwhile. One made offline is checked, to say so. */
	if (replayed == NULL)
		goto apply;
	if (imap_apply_existing(b, e->uids, e->nuids, &live, &nlive, &why) !=
	    0) {
		imap_backend_drop(b, ctx, why);
		free(why);
		free(live);
		return IMAP_APPLY_LATER;
	}
	if (nlive < e->nuids) {
		note = xasprintf(_("%s: %zu of the messages changed while "
		    "offline no longer exist there; that change is dropped "
		    "for them"), e->folder, e->nuids - nlive);
		imap_apply_note(ctx, note);
		free(note);
		store_queue_drop_uids(b->mirror, e->id, live, nlive);
		memcpy(e->uids, live, nlive * sizeof *live);
		e->nuids = nlive;
	}
	free(live);
	if (e->nuids == 0)
		return IMAP_APPLY_DONE;

apply:
	switch (e->op) {
	case STORE_QUEUE_FLAGS:
		cs = imap_apply_store(b, ctx, e, modseq, replayed, &why);
		if (cs == IMAP_CHANGE_OK && replayed != NULL)
			imap_apply_replayed_add(replayed, e->folder, e->uids,
			    e->nuids);
		break;
	case STORE_QUEUE_COPY:
	case STORE_QUEUE_MOVE:
		cs = imap_change_copy(b->session, e->uids, e->nuids, e->dest,
		    e->op == STORE_QUEUE_MOVE, &why);
		break;
	case STORE_QUEUE_EXPUNGE:
		cs = imap_change_expunge(b->session, e->uids, e->nuids, &why);
		break;
	default:
		*error = xasprintf(_("an unknown queued change (%d)"),
		    (int)e->op);
		return IMAP_APPLY_REFUSED;
	}
	switch (cs) {
	case IMAP_CHANGE_OK:
		return IMAP_APPLY_DONE;
	case IMAP_CHANGE_UNSAFE:
		*error = why;
		return IMAP_APPLY_PARTLY;
	case IMAP_CHANGE_REFUSED:
	case IMAP_CHANGE_UNSUPPORTED:
		*error = why;
		return IMAP_APPLY_REFUSED;
	case IMAP_CHANGE_ERROR:
		break;
	}
	imap_backend_drop(b, ctx, why);
	free(why);
	return IMAP_APPLY_LATER;
}

/* Rows' new flags as the mirror stored them: uid, flags pairs. */
struct imap_apply_changed {
	uint32_t	*uids;
	size_t		 n;
};

static void
imap_apply_changed(uint32_t uid, uint32_t flags, void *arg)
{
	struct imap_apply_changed	*c = arg;

	c->uids[2 * c->n] = uid;
	c->uids[2 * c->n + 1] = flags;
	c->n++;
}

/* The mirror takes a change made (or to be made) on the server, and the UI
 * hears of it. */
static void
imap_apply_local(struct imap_backend *b, struct backend_ctx *ctx,
    const struct store_queue_entry *e)
{
	struct imap_apply_changed	 changed;
	struct msg			*m;
	size_t				 i;

	switch (e->op) {
	case STORE_QUEUE_FLAGS:
		memset(&changed, 0, sizeof changed);
		changed.uids = xreallocarray(NULL, e->nuids > 0 ? e->nuids : 1,
		    2 * sizeof *changed.uids);
		if (store_mirror_flags_change(b->mirror, e->folder, e->uids,
		    e->nuids, e->add, e->remove, imap_apply_changed,
		    &changed) == STORE_OK) {
			m = msg_new(MSG_EV_FLAGS, 0);
			msg_add_u32(m, (uint32_t)changed.n);
			for (i = 0; i < changed.n; i++) {
				msg_add_u32(m, changed.uids[2 * i]);
				msg_add_u32(m, changed.uids[2 * i + 1]);
			}
			backend_emit(ctx, m);
		} else
			log_warn("%s: %s", __func__,
			    store_mirror_error(b->mirror));
		free(changed.uids);
		break;
	case STORE_QUEUE_MOVE:
	case STORE_QUEUE_EXPUNGE:
		store_mirror_expunge(b->mirror, e->folder, e->uids, e->nuids);
		imap_backend_emit_vanished(ctx, e->uids, e->nuids);
		break;
	case STORE_QUEUE_COPY:
		/* The copies come with the destination's next sync. */
		break;
	}
}

/* The rows as the mirror has them: what the UI shows after a refusal. */
static void
imap_apply_restore(struct imap_backend *b, struct backend_ctx *ctx,
    const char *folder, const uint32_t *uids, size_t n)
{
	struct store_message	row;
	size_t			i;

	for (i = 0; i < n; i++) {
		if (store_mirror_message_get(b->mirror, folder, uids[i],
		    &row) == STORE_OK)
			imap_backend_emit_flags(ctx, row.uid, row.flags);
		store_message_clear(&row);
	}
}

/*
 * One change the user made now: queue it, make it on the server, and tell
 * the UI the result. Offline (or if the connection fails on the way) the
 * mirror takes it and it stays queued.
 */
static enum backend_status
imap_apply_change(struct imap_backend *b, struct backend_ctx *ctx,
    struct store_queue_entry *e, char **error)
{
	char			*why = NULL;
	int64_t			 id;
	int			 online;

	/* Connecting replays what is queued: this change comes after. */
	online = imap_backend_connect(b, ctx) == 0;
	e->created = time(NULL);
	if (store_queue_add(b->mirror, e, &id) != STORE_OK) {
		*error = xasprintf(_("could not keep the change: %s"),
		    store_mirror_error(b->mirror));
		imap_apply_restore(b, ctx, e->folder, e->uids, e->nuids);
		return BACKEND_ERROR;
	}
	e->id = id;
	if (online && b->session != NULL) {
		switch (imap_apply_run(b, ctx, e, NULL, &why)) {
		case IMAP_APPLY_DONE:
			store_queue_remove(b->mirror, e->id);
			imap_apply_local(b, ctx, e);
			return BACKEND_OK;
		case IMAP_APPLY_PARTLY:
			/* A move without UIDPLUS: copied, and the originals
			 * marked deleted but not purged. */
			store_queue_remove(b->mirror, e->id);
			if (e->op == STORE_QUEUE_MOVE) {
				e->op = STORE_QUEUE_FLAGS;
				e->add = STORE_FLAG_DELETED;
				e->remove = 0;
			}
			imap_apply_local(b, ctx, e);
			imap_apply_note(ctx, why);
			free(why);
			return BACKEND_OK;
		case IMAP_APPLY_REFUSED:
			store_queue_remove(b->mirror, e->id);
			imap_apply_restore(b, ctx, e->folder, e->uids,
			    e->nuids);
			*error = why;
			return BACKEND_ERROR;
		case IMAP_APPLY_LATER:
			break;
		}
	}
	imap_apply_local(b, ctx, e);
	why = xasprintf(_("Offline: the change is kept and will be made when "
	    "the server is back (%s)."), b->offline != NULL ? b->offline :
	    _("offline"));
	imap_apply_note(ctx, why);
	free(why);
	return BACKEND_OK;
}

/* The uids, a borrowed array, as an entry. */
static void
imap_apply_entry(struct store_queue_entry *e, enum store_queue_op op,
    const char *folder, const uint32_t *uids, size_t n)
{
	memset(e, 0, sizeof *e);
	e->op = op;
	e->folder = (char *)folder;
	e->uids = xreallocarray(NULL, n > 0 ? n : 1, sizeof *e->uids);
	memcpy(e->uids, uids, n * sizeof *uids);
	e->nuids = n;
}

enum backend_status
imap_apply_flags(void *state, struct backend_ctx *ctx, const char *folder,
    const uint32_t *uids, size_t n, uint32_t add, uint32_t remove,
    char **error)
{
	struct store_queue_entry	e;
	enum backend_status		status;

	add &= IMAP_APPLY_FLAGS;
	remove &= IMAP_APPLY_FLAGS;
	if (n == 0 || (add == 0 && remove == 0))
		return BACKEND_OK;
	imap_apply_entry(&e, STORE_QUEUE_FLAGS, folder, uids, n);
	e.add = add & ~remove;
	e.remove = remove;
	status = imap_apply_change(state, ctx, &e, error);
	free(e.uids);
	return status;
}

enum backend_status
imap_apply_copy(void *state, struct backend_ctx *ctx, const char *folder,
    const char *dest, const uint32_t *uids, size_t n, int move, char **error)
{
	struct store_queue_entry	e;
	enum backend_status		status;

	if (n == 0)
		return BACKEND_OK;
	if (strcmp(folder, dest) == 0) {
		*error = xasprintf(_("%s: the messages are there already"),
		    dest);
		return BACKEND_ERROR;
	}
	imap_apply_entry(&e, move ? STORE_QUEUE_MOVE : STORE_QUEUE_COPY,
	    folder, uids, n);
	e.dest = (char *)dest;
	status = imap_apply_change(state, ctx, &e, error);
	free(e.uids);
	return status;
}

/* The Trash folder's name, or NULL (the caller frees it). */
struct imap_apply_trash {
	char	*name;
	int	 by_role;
};

static int
imap_apply_find_trash(const struct store_folder *f, void *arg)
{
	struct imap_apply_trash	*t = arg;

	if (f->noselect || f->role != STORE_ROLE_TRASH)
		return 0;
	/* The special-use folder wins over one only named so. */
	free(t->name);
	t->name = xstrdup(f->name);
	return 0;
}

enum backend_status
imap_apply_remove(void *state, struct backend_ctx *ctx, const char *folder,
    const uint32_t *uids, size_t n, char **error)
{
	struct imap_backend	*b = state;
	struct imap_apply_trash	 t;
	enum backend_status	 status;

	memset(&t, 0, sizeof t);
	if (b->account->delete_to_trash)
		store_mirror_folder_each(b->mirror, imap_apply_find_trash, &t);
	if (t.name != NULL && strcmp(t.name, folder) != 0) {
		status = imap_apply_copy(state, ctx, folder, t.name, uids, n, 1,
		    error);
		free(t.name);
		return status;
	}
	free(t.name);
	return imap_apply_flags(state, ctx, folder, uids, n,
	    STORE_FLAG_DELETED, 0, error);
}

enum backend_status
imap_apply_expunge(void *state, struct backend_ctx *ctx, const char *folder,
    const uint32_t *uids, size_t n, char **error)
{
	struct store_queue_entry	e;
	enum backend_status		status;

	if (n == 0)
		return BACKEND_OK;
	imap_apply_entry(&e, STORE_QUEUE_EXPUNGE, folder, uids, n);
	status = imap_apply_change(state, ctx, &e, error);
	free(e.uids);
	return status;
}

void
imap_apply_replay(struct imap_backend *b, struct backend_ctx *ctx)
{
	struct store_queue_entry	 e;
	struct imap_apply_replayed	 replayed;
	enum imap_apply_result		 r;
	char				*why, *note;
	size_t				 done = 0;

	if (b->replaying)
		return;
	b->replaying = 1;
	memset(&replayed, 0, sizeof replayed);
	while (b->session != NULL &&
	    store_queue_first(b->mirror, &e) == STORE_OK) {
		why = NULL;
		r = imap_apply_run(b, ctx, &e, &replayed, &why);
		if (r == IMAP_APPLY_LATER) {
			store_queue_entry_clear(&e);
			break;
		}
		store_queue_remove(b->mirror, e.id);
		if (r == IMAP_APPLY_REFUSED || r == IMAP_APPLY_PARTLY) {
			note = xasprintf(_("A change made offline in %s was "
			    "not made: %s"), e.folder, why != NULL ? why :
			    "?");
			imap_apply_note(ctx, note);
			free(note);
			/* The mirror took it; the server did not. */
			imap_apply_forget_sync(b, e.folder);
		} else
			done++;
		free(why);
		store_queue_entry_clear(&e);
	}
	if (done > 0) {
		note = xasprintf(ngettext("%zu change made offline is now "
		    "on the server.", "%zu changes made offline are now on "
		    "the server.", done), done);
		imap_apply_note(ctx, note);
		free(note);
	}
	imap_apply_replayed_free(&replayed);
	b->replaying = 0;
}

enum backend_status
imap_apply_folder(void *state, struct backend_ctx *ctx, uint32_t op,
    const char *name, const char *newname, char **error)
{
	struct imap_backend		*b = state;
	enum imap_change_folder_op	 cop;
	enum imap_change_status		 status;
	char				*why = NULL, *utf7 = NULL;
	size_t				 dropped = 0;

	switch (op) {
	case BACKEND_FOLDER_CREATE:
		cop = IMAP_CHANGE_CREATE;
		break;
	case BACKEND_FOLDER_RENAME:
		cop = IMAP_CHANGE_RENAME;
		if (newname == NULL || *newname == '\0') {
			*error = xstrdup(_("rename: no new name"));
			return BACKEND_ERROR;
		}
		break;
	case BACKEND_FOLDER_DELETE:
		cop = IMAP_CHANGE_DELETE;
		break;
	case BACKEND_FOLDER_SUBSCRIBE:
		cop = IMAP_CHANGE_SUBSCRIBE;
		break;
	case BACKEND_FOLDER_UNSUBSCRIBE:
		cop = IMAP_CHANGE_UNSUBSCRIBE;
		break;
	default:
		*error = xasprintf(_("unknown folder change %u"), op);
		return BACKEND_ERROR;
	}
	if (imap_backend_connect(b, ctx) != 0) {
		*error = xasprintf(_("folders change on the server only, and "
		    "it is unreachable: %s"), b->offline != NULL ? b->offline :
		    _("offline"));
		return BACKEND_ERROR;
	}
	/* A folder being deleted or renamed must not stay selected; libetpan
	 * has no UNSELECT, and CLOSE would purge: select the INBOX. */
	if ((cop == IMAP_CHANGE_DELETE || cop == IMAP_CHANGE_RENAME) &&
	    b->selected != NULL && strcmp(b->selected, name) == 0 &&
	    imap_backend_select(b, ctx, "INBOX", 0, error) != BACKEND_OK)
		return BACKEND_ERROR;
	/* New names come as the user typed them (UTF-8); existing ones are
	 * skua's, modified UTF-7. */
	if (cop == IMAP_CHANGE_CREATE)
		name = utf7 = imap_utf7_encode(name);
	else if (cop == IMAP_CHANGE_RENAME)
		newname = utf7 = imap_utf7_encode(newname);
	if ((cop == IMAP_CHANGE_CREATE || cop == IMAP_CHANGE_RENAME) &&
	    utf7 == NULL) {
		*error = xstrdup(_("the new folder name is not valid UTF-8"));
		return BACKEND_ERROR;
	}
	status = imap_change_folder(b->session, cop, name, newname, &why);
	free(utf7);
	switch (status) {
	case IMAP_CHANGE_OK:
		break;
	case IMAP_CHANGE_ERROR:
		imap_backend_drop(b, ctx, why);
		*error = why;
		return BACKEND_ERROR;
	default:
		*error = why;
		return BACKEND_ERROR;
	}
	if (cop == IMAP_CHANGE_DELETE || cop == IMAP_CHANGE_RENAME) {
		store_queue_drop_folder(b->mirror, name, &dropped);
		if (dropped > 0) {
			why = xasprintf(_("%zu queued changes to %s were "
			    "dropped with it"), dropped, name);
			imap_apply_note(ctx, why);
			free(why);
		}
	}
	return imap_backend_folder_list(b, ctx, error);
}

/* The biggest attachment of a message, from its structure. */
struct imap_apply_big {
	char		*name;
	uint64_t	 size;
};

static void
imap_apply_big_part(const struct mime_part *p, void *arg)
{
	struct imap_apply_big	*big = arg;

	if (p->size <= big->size)
		return;
	big->size = p->size;
	free(big->name);
	/* The sender's name: nothing that would drive the terminal. */
	big->name = p->name != NULL ? mime_sanitize(p->name, strlen(p->name),
	    0) : xasprintf("%s/%s", p->type, p->subtype);
}

static int
imap_apply_emit_big(const char *folder, const struct store_message *row,
    void *arg)
{
	struct backend_ctx	*ctx = arg;
	struct imap_apply_big	 big;
	struct mime_part	*root = NULL;
	struct msg		*m;

	memset(&big, 0, sizeof big);
	if (row->bodystructure != NULL && mime_structure_parse(
	    row->bodystructure, &root, NULL) == MIME_STRUCTURE_OK) {
		mime_structure_attachments(root, imap_apply_big_part, &big);
		mime_structure_free(root);
	}
	m = msg_new(MSG_EV_BIG, 0);
	msg_add_str(m, folder);
	msg_add_u32(m, row->uid);
	msg_add_u32(m, row->size);
	msg_add_str(m, row->from);
	msg_add_str(m, row->subject);
	msg_add_str(m, big.name);
	msg_add_u64(m, big.size);
	backend_emit(ctx, m);
	free(big.name);
	return 0;
}

enum backend_status
imap_apply_quota(void *state, struct backend_ctx *ctx, uint32_t limit,
    char **error)
{
	struct imap_backend	*b = state;
	struct imap_change_quota q;
	struct msg		*m;
	char			*why = NULL;

	if (imap_backend_connect(b, ctx) == 0) {
		memset(&q, 0, sizeof q);
		switch (imap_change_quota(b->session, "INBOX", &q, &why)) {
		case IMAP_CHANGE_OK:
			m = msg_new(MSG_EV_QUOTA, 0);
			msg_add_u64(m, q.storage_used);
			msg_add_u64(m, q.storage_limit);
			msg_add_str(m, q.root);
			backend_emit(ctx, m);
			imap_change_quota_clear(&q);
			break;
		case IMAP_CHANGE_UNSUPPORTED:
			break;
		case IMAP_CHANGE_ERROR:
			imap_backend_drop(b, ctx, why);
			*error = why;
			return BACKEND_ERROR;
		default:
			log_info("%s: %s", __func__, why);
			free(why);
			break;
		}
	}
	if (limit > 0 && store_mirror_biggest(b->mirror, limit,
	    imap_apply_emit_big, ctx) != STORE_OK) {
		*error = xstrdup(store_mirror_error(b->mirror));
		return BACKEND_ERROR;
	}
	return BACKEND_OK;
}

enum backend_status
imap_apply_search(void *state, struct backend_ctx *ctx, const char *folder,
    const char *text, char **error)
{
	struct imap_backend	*b = state;
	struct pattern		*p = NULL;
	enum backend_status	 status;
	struct msg		*m;
	uint32_t		*uids = NULL;
	size_t			 n = 0, i;
	char			*why = NULL;

	if (pattern_parse(text, time(NULL), &p, &why) != PATTERN_OK) {
		*error = why;
		return BACKEND_ERROR;
	}
	if (imap_backend_connect(b, ctx) != 0) {
		pattern_free(p);
		*error = xasprintf(_("the server is unreachable (%s); searched "
		    "only what is here"), b->offline != NULL ? b->offline :
		    _("offline"));
		return BACKEND_ERROR;
	}
	if ((status = imap_backend_select(b, ctx, folder, 0, error)) !=
	    BACKEND_OK) {
		pattern_free(p);
		return status;
	}
	switch (imap_search_run(b->session, p, &uids, &n, &why)) {
	case IMAP_SEARCH_OK:
		m = msg_new(MSG_EV_SEARCH, 0);
		msg_add_u32(m, (uint32_t)n);
		for (i = 0; i < n; i++)
			msg_add_u32(m, uids[i]);
		backend_emit(ctx, m);
		status = BACKEND_OK;
		break;
	case IMAP_SEARCH_LOCAL:
		status = BACKEND_UNSUPPORTED;
		break;
	case IMAP_SEARCH_REFUSED:
		*error = why;
		why = NULL;
		status = BACKEND_ERROR;
		break;
	case IMAP_SEARCH_ERROR:
	default:
		imap_backend_drop(b, ctx, why);
		*error = why;
		why = NULL;
		status = BACKEND_ERROR;
		break;
	}
	free(why);
	free(uids);
	pattern_free(p);
	return status;
}

enum backend_status
imap_apply_append(void *state, struct backend_ctx *ctx, const char *folder,
    uint32_t flags, const char *data, size_t len, uint32_t *uid,
    char **error)
{
	struct imap_backend	*b = state;
	char			*why = NULL;

	if (imap_backend_connect(b, ctx) != 0) {
		*error = xasprintf(_("cannot save to %s: the server is "
		    "unreachable (%s)"), folder, b->offline != NULL ?
		    b->offline : _("offline"));
		return BACKEND_ERROR;
	}
	switch (imap_change_append(b->session, folder, flags, data, len, uid,
	    &why)) {
	case IMAP_CHANGE_OK:
		return BACKEND_OK;
	case IMAP_CHANGE_ERROR:
		imap_backend_drop(b, ctx, why);
		break;
	default:
		break;
	}
	*error = why;
	return BACKEND_ERROR;
}

/* A whole message fetched into memory, for the archive. */
struct imap_apply_buf {
	char	*data;
	size_t	 len;
};

static int
imap_apply_buf_add(const char *buf, size_t len, void *arg, char **error)
{
	struct imap_apply_buf	*b = arg;

	b->data = xreallocarray(b->data, b->len + len + 1, 1);
	memcpy(b->data + b->len, buf, len);
	b->len += len;
	(void)error;
	return 0;
}

/* The archive's folder for an IMAP folder: the same levels, joined by the
 * Maildir++ dot; INBOX where the name cannot be a Maildir folder. */
static char *
imap_apply_archive_folder(const char *folder, char delimiter)
{
	char	*name = xstrdup(folder), *p;

	if (delimiter != 0 && delimiter != '.') {
		for (p = name; *p != '\0'; p++) {
			if (*p == '.')
				break;
			if (*p == delimiter)
				*p = '.';
		}
		if (*p != '\0') {
			free(name);
			return xstrdup("INBOX");
		}
	}
	if (!maildir_name_is_valid(name)) {
		free(name);
		return xstrdup("INBOX");
	}
	return name;
}

enum backend_status
imap_apply_archive(void *state, struct backend_ctx *ctx, const char *folder,
    const uint32_t *uids, size_t n, char **error)
{
	struct imap_backend	*b = state;
	struct store_folder	 f;
	struct store_message	 row;
	struct imap_apply_buf	 buf;
	struct maildir		*md = NULL;
	enum imap_fetch_status	 fs;
	enum backend_status	 status;
	uint32_t		*done = NULL;
	uint64_t		 fetched;
	size_t			 ndone = 0, i;
	char			*root, *target = NULL, *why = NULL, *note;

	if (imap_backend_connect(b, ctx) != 0) {
		*error = xasprintf(_("archiving needs the server, which is "
		    "unreachable: %s"), b->offline != NULL ? b->offline :
		    _("offline"));
		return BACKEND_ERROR;
	}
	if (store_mirror_folder_get(b->mirror, folder, &f) != STORE_OK) {
		*error = xasprintf(_("%s: no such folder"), folder);
		return BACKEND_ERROR;
	}
	target = imap_apply_archive_folder(folder, f.delimiter);
	status = imap_backend_select(b, ctx, folder, f.uidvalidity, error);
	store_folder_clear(&f);
	if (status != BACKEND_OK)
		goto out;
	root = maildir_backend_store_path(b->account);
	if (maildir_open(root, &md, error) != MAILDIR_OK ||
	    (strcmp(target, "INBOX") != 0 && maildir_folder_create(md, target,
	    &why) == MAILDIR_ERROR)) {
		if (*error == NULL)
			*error = why;
		else
			free(why);
		why = NULL;
		free(root);
		status = BACKEND_ERROR;
		goto out;
	}
	free(why);
	why = NULL;
	done = xreallocarray(NULL, n > 0 ? n : 1, sizeof *done);
	/* Each message is on disk for good before any leaves the server. */
	for (i = 0; i < n && status == BACKEND_OK; i++) {
		memset(&buf, 0, sizeof buf);
		fs = imap_fetch_section(b->session, uids[i], "", 0, 0,
		    imap_apply_buf_add, NULL, &buf, &fetched, &why);
		if (fs == IMAP_FETCH_NOT_FOUND) {
			free(why);
			why = NULL;
			free(buf.data);
			continue;
		}
		if (fs != IMAP_FETCH_OK) {
			if (fs == IMAP_FETCH_ERROR || fs == IMAP_FETCH_CANCELLED)
				imap_backend_drop(b, ctx, why);
			*error = why;
			why = NULL;
			free(buf.data);
			status = fs == IMAP_FETCH_CANCELLED ?
			    BACKEND_CANCELLED : BACKEND_ERROR;
			break;
		}
		memset(&row, 0, sizeof row);
		store_mirror_message_get(b->mirror, folder, uids[i], &row);
		if (maildir_deliver(md, target, buf.data, buf.len,
		    (row.flags | STORE_FLAG_SEEN) & ~STORE_FLAG_DELETED, NULL,
		    error) != MAILDIR_OK)
			status = BACKEND_ERROR;
		else
			done[ndone++] = uids[i];
		store_message_clear(&row);
		free(buf.data);
		backend_progress(ctx, i + 1, n, "messages");
	}
	if (ndone > 0) {
		/* Off the server: marked, then purged by UID. */
		struct store_queue_entry	e;
		enum backend_status		s2;
		char				*err2 = NULL;

		imap_apply_entry(&e, STORE_QUEUE_FLAGS, folder, done, ndone);
		e.add = STORE_FLAG_DELETED;
		s2 = imap_apply_change(b, ctx, &e, &err2);
		if (s2 == BACKEND_OK) {
			e.op = STORE_QUEUE_EXPUNGE;
			e.add = 0;
			e.id = 0;
			s2 = imap_apply_change(b, ctx, &e, &err2);
		}
		free(e.uids);
		if (s2 != BACKEND_OK && status == BACKEND_OK) {
			*error = err2;
			err2 = NULL;
			status = BACKEND_ERROR;
		}
		free(err2);
		note = xasprintf(ngettext("%zu message archived to %s.",
		    "%zu messages archived to %s.", ndone), ndone, root);
		imap_apply_note(ctx, note);
		free(note);
	}
	free(root);
out:
	maildir_close(md);
	free(done);
	free(target);
	return status;
}
