/* imap-sync: the resynchronisation of one folder. Every step is stored in
 * the mirror before it is reported, and the sync state (UIDNEXT,
 * HIGHESTMODSEQ) is written last, so an interrupted sync only repeats work. */
#include "auto-config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "imap-convert.h"
#include "imap-session.h"
#include "imap-sync.h"
#include "intl.h"
#include "log.h"
#include "store-mirror.h"
#include "xmalloc.h"

/* Windows grow so the first screen comes fast and the rest in few trips. */
static const uint32_t imap_sync_windows[] = { 60, 500, 2000, 5000 };

struct imap_sync {
	struct imap_session		*session;
	mailimap			*imap;
	struct store_mirror		*mirror;
	const char			*folder;
	const struct imap_sync_cb	*cb;
	struct imap_sync_stats		*stats;
	int				 condstore;
	int				 qresync;
	char				**error;
};

static int
imap_sync_uid_cmp(const void *a, const void *b)
{
	uint32_t	x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

static int
imap_sync_cancelled(struct imap_sync *sy, uint64_t done, uint64_t total)
{
	return sy->cb->progress != NULL &&
	    sy->cb->progress(sy->cb->arg, done, total) != 0;
}

static enum imap_sync_status
imap_sync_fail(struct imap_sync *sy, int r, const char *doing)
{
	if (imap_session_cancelled(sy->session))
		return IMAP_SYNC_CANCELLED;
	*sy->error = imap_session_error(sy->session, r, doing);
	return IMAP_SYNC_ERROR;
}

/* Rows converted as libetpan parses them (mailimap_set_msg_att_handler),
 * so a window of thousands of messages never sits in memory as libetpan's
 * structures: each is converted and freed at once. */
struct imap_sync_batch {
	struct store_message	*rows;
	size_t			 n;
	size_t			 cap;
	uint32_t		 above;	/* keep only UIDs above this */
};

static void
imap_sync_on_message(struct mailimap_msg_att *att, void *arg)
{
	struct imap_sync_batch	*b = arg;
	struct store_message	*m;

	if (b->n == b->cap) {
		b->cap = b->cap == 0 ? 256 : b->cap * 2;
		b->rows = xreallocarray(b->rows, b->cap, sizeof *b->rows);
	}
	m = &b->rows[b->n];
	if (imap_convert_message(att, m) != 0)
		return;
	/* "UID FETCH n:*" also returns the last message below n, and an
	 * unsolicited FETCH (a flag change) has no envelope: not a row. */
	if (m->uid <= b->above || (m->size == 0 && m->internal_date == 0)) {
		store_message_clear(m);
		return;
	}
	b->n++;
}

/* libetpan 1.9.4 calls the message handler only while a progress callback
 * is set too (as with the body handler in LIBETPAN.md): this one is it. */
static void
imap_sync_on_progress(size_t current, size_t maximum, void *context)
{
	(void)current;
	(void)maximum;
	(void)context;
}

static void
imap_sync_batch_clear(struct imap_sync_batch *b)
{
	while (b->n > 0)
		store_message_clear(&b->rows[--b->n]);
}

/* One FETCH of full rows through the handler, then store and report them. */
static enum imap_sync_status
imap_sync_fetch_rows(struct imap_sync *sy, struct mailimap_set *set,
    int by_uid, uint32_t above, const char *doing)
{
	struct mailimap_fetch_type	*type;
	struct imap_sync_batch		 b;
	enum imap_sync_status		 status = IMAP_SYNC_OK;
	clist				*result = NULL;
	int				 r;

	memset(&b, 0, sizeof b);
	b.above = above;
	type = imap_convert_fetch_type(sy->condstore);
	mailimap_set_msg_att_handler(sy->imap, imap_sync_on_message, &b);
	mailimap_set_progress_callback(sy->imap, NULL, imap_sync_on_progress,
	    NULL);
	if (by_uid)
		r = mailimap_uid_fetch(sy->imap, set, type, &result);
	else
		r = mailimap_fetch(sy->imap, set, type, &result);
	mailimap_set_progress_callback(sy->imap, NULL, NULL, NULL);
	mailimap_set_msg_att_handler(sy->imap, NULL, NULL);
	mailimap_fetch_type_free(type);
	if (r != MAILIMAP_NO_ERROR) {
		/* libetpan 1.9.4 frees result itself after a NO. */
		imap_sync_batch_clear(&b);
		free(b.rows);
		return imap_sync_fail(sy, r, doing);
	}
	if (result != NULL)
		mailimap_fetch_list_free(result);
	if (b.n > 0) {
		if (store_mirror_messages_put(sy->mirror, sy->folder, b.rows,
		    b.n) != STORE_OK) {
			*sy->error = xasprintf(_("%s: storing messages in the "
			    "mirror failed"), sy->folder);
			status = IMAP_SYNC_ERROR;
		} else {
			sy->stats->fetched += b.n;
			if (sy->cb->rows != NULL)
				sy->cb->rows(sy->cb->arg, b.rows, b.n);
		}
	}
	imap_sync_batch_clear(&b);
	free(b.rows);
	return status;
}

/* A cold folder: sequence-number windows from the top down. */
static enum imap_sync_status
imap_sync_cold(struct imap_sync *sy, uint32_t exists)
{
	struct mailimap_set	*set;
	enum imap_sync_status	 status = IMAP_SYNC_OK;
	uint32_t		 hi = exists, lo, w;
	size_t			 step = 0;

	sy->stats->method = "cold";
	while (hi >= 1) {
		w = imap_sync_windows[step];
		if (step + 1 < sizeof imap_sync_windows /
		    sizeof imap_sync_windows[0])
			step++;
		lo = hi > w ? hi - w + 1 : 1;
		set = mailimap_set_new_interval(lo, hi);
		status = imap_sync_fetch_rows(sy, set, 0, 0, "FETCH");
		mailimap_set_free(set);
		if (status != IMAP_SYNC_OK)
			break;
		if (imap_sync_cancelled(sy, exists - lo + 1, exists)) {
			status = IMAP_SYNC_CANCELLED;
			break;
		}
		hi = lo - 1;
	}
	return status;
}

/* Messages above the highest UID the mirror has. */
static enum imap_sync_status
imap_sync_new(struct imap_sync *sy, uint32_t maxuid)
{
	struct mailimap_set	*set;
	enum imap_sync_status	 status;

	set = mailimap_set_new_interval(maxuid + 1, 0);
	status = imap_sync_fetch_rows(sy, set, 1, maxuid,
	    "UID FETCH (new messages)");
	mailimap_set_free(set);
	return status;
}

/* The mirror's flags by UID, read in one query for a full diff (instead
 * of one row read per message). */
struct imap_sync_flags {
	uint32_t	 uid;
	uint32_t	 flags;
	char		*keywords;
};

struct imap_sync_table {
	struct imap_sync_flags	*rows;
	size_t			 n;
};

static int
imap_sync_table_add(const struct store_message *row, void *arg)
{
	struct imap_sync_table	*t = arg;

	t->rows = xreallocarray(t->rows, t->n + 1, sizeof *t->rows);
	t->rows[t->n].uid = row->uid;
	t->rows[t->n].flags = row->flags;
	t->rows[t->n++].keywords = row->keywords != NULL ?
	    xstrdup(row->keywords) : NULL;
	return 0;
}

static int
imap_sync_flags_cmp(const void *a, const void *b)
{
	return imap_sync_uid_cmp(&((const struct imap_sync_flags *)a)->uid,
	    &((const struct imap_sync_flags *)b)->uid);
}

static void
imap_sync_table_free(struct imap_sync_table *t)
{
	while (t->n > 0)
		free(t->rows[--t->n].keywords);
	free(t->rows);
	t->rows = NULL;
}

/*
 * Apply flag changes from a FETCH (FLAGS [MODSEQ]) result, skipping UIDs
 * the mirror does not know (new ones are fetched whole elsewhere). With a
 * table (a full diff), unchanged rows are skipped and *seen collects every
 * UID that answered, ascending, for the expunge check.
 */
static enum imap_sync_status
imap_sync_apply_flags(struct imap_sync *sy, clist *result,
    const uint32_t *uids, size_t nuids, const struct imap_sync_table *table,
    uint32_t **seen, size_t *nseen)
{
	struct store_message	 m;
	struct imap_sync_flags	 key, *old;
	clistiter		*it;

	if (seen != NULL) {
		*seen = xcalloc(clist_count(result) + 1, sizeof **seen);
		*nseen = 0;
	}
	for (it = clist_begin(result); it != NULL; it = clist_next(it)) {
		if (imap_convert_message(clist_content(it), &m) != 0)
			continue;
		if (bsearch(&m.uid, uids, nuids, sizeof *uids,
		    imap_sync_uid_cmp) == NULL) {
			store_message_clear(&m);
			continue;
		}
		if (seen != NULL)
			(*seen)[(*nseen)++] = m.uid;
		key.uid = m.uid;
		if (table != NULL && (old = bsearch(&key, table->rows, table->n,
		    sizeof *table->rows, imap_sync_flags_cmp)) != NULL &&
		    old->flags == m.flags && ((old->keywords == NULL &&
		    m.keywords == NULL) || (old->keywords != NULL &&
		    m.keywords != NULL && strcmp(old->keywords,
		    m.keywords) == 0))) {
			store_message_clear(&m);
			continue;
		}
		if (store_mirror_flags_set(sy->mirror, sy->folder, m.uid,
		    m.flags, m.keywords, m.modseq) != STORE_OK) {
			store_message_clear(&m);
			*sy->error = xasprintf(_("%s: storing flags failed"),
			    sy->folder);
			return IMAP_SYNC_ERROR;
		}
		sy->stats->changed++;
		if (sy->cb->flags != NULL)
			sy->cb->flags(sy->cb->arg, m.uid, m.flags);
		store_message_clear(&m);
	}
	if (seen != NULL)
		qsort(*seen, *nseen, sizeof **seen, imap_sync_uid_cmp);
	return IMAP_SYNC_OK;
}

/* Remove from the mirror every UID in uids[] that is not in present[]
 * (both ascending). */
static enum imap_sync_status
imap_sync_expunge_missing(struct imap_sync *sy, const uint32_t *uids,
    size_t nuids, const uint32_t *present, size_t npresent)
{
	uint32_t	*gone;
	size_t		 i, j = 0, n = 0;

	gone = xcalloc(nuids + 1, sizeof *gone);
	for (i = 0; i < nuids; i++) {
		while (j < npresent && present[j] < uids[i])
			j++;
		if (j == npresent || present[j] != uids[i])
			gone[n++] = uids[i];
	}
	if (n > 0) {
		if (store_mirror_expunge(sy->mirror, sy->folder, gone, n) !=
		    STORE_OK) {
			free(gone);
			*sy->error = xasprintf(_("%s: removing expunged "
			    "messages failed"), sy->folder);
			return IMAP_SYNC_ERROR;
		}
		sy->stats->vanished += n;
		if (sy->cb->vanished != NULL)
			sy->cb->vanished(sy->cb->arg, gone, n);
	}
	free(gone);
	return IMAP_SYNC_OK;
}

/* A UID range of a VANISHED set, last == UINT32_MAX for "*". */
struct imap_sync_range {
	uint32_t	first;
	uint32_t	last;
};

static int
imap_sync_range_cmp(const void *a, const void *b)
{
	const struct imap_sync_range	*x = a, *y = b;

	return x->first < y->first ? -1 : x->first > y->first;
}

/* VANISHED (EARLIER) from QRESYNC: a set of UIDs. The ranges are sorted
 * and walked once beside the mirror's UIDs, so a hostile set of many or
 * overlapping ranges costs O(k log k + n), and each UID is reported once. */
static enum imap_sync_status
imap_sync_vanished(struct imap_sync *sy, struct mailimap_qresync_vanished *v,
    const uint32_t *uids, size_t nuids)
{
	struct mailimap_set_item	*item;
	struct imap_sync_range		*ranges;
	clistiter			*it;
	uint32_t			*gone;
	size_t				 n = 0, i, r = 0, nranges = 0;
	enum imap_sync_status		 status = IMAP_SYNC_OK;

	if (v == NULL || v->qr_known_uids == NULL || nuids == 0)
		return IMAP_SYNC_OK;
	ranges = xcalloc(clist_count(v->qr_known_uids->set_list) + 1,
	    sizeof *ranges);
	for (it = clist_begin(v->qr_known_uids->set_list); it != NULL;
	    it = clist_next(it)) {
		item = clist_content(it);
		ranges[nranges].first = item->set_first;
		ranges[nranges++].last = item->set_last == 0 ? UINT32_MAX :
		    item->set_last;
	}
	qsort(ranges, nranges, sizeof *ranges, imap_sync_range_cmp);
	gone = xcalloc(nuids, sizeof *gone);
	for (i = 0; i < nuids; i++) {
		/* Ranges that end before this UID can never match again. */
		while (r < nranges && ranges[r].last < uids[i])
			r++;
		if (r == nranges)
			break;
		/* Sorted by first: no later range starts lower. */
		if (uids[i] >= ranges[r].first)
			gone[n++] = uids[i];
	}
	free(ranges);
	if (n > 0) {
		if (store_mirror_expunge(sy->mirror, sy->folder, gone, n) !=
		    STORE_OK) {
			*sy->error = xasprintf(_("%s: removing vanished "
			    "messages failed"), sy->folder);
			status = IMAP_SYNC_ERROR;
		} else {
			sy->stats->vanished += n;
			if (sy->cb->vanished != NULL)
				sy->cb->vanished(sy->cb->arg, gone, n);
		}
	}
	free(gone);
	return status;
}

/* UID SEARCH ALL: the UIDs present, ascending. */
static enum imap_sync_status
imap_sync_server_uids(struct imap_sync *sy, uint32_t **out, size_t *n)
{
	struct mailimap_search_key	*key;
	clist				*result = NULL;
	clistiter			*it;
	int				 r;

	*out = NULL;
	*n = 0;
	key = mailimap_search_key_new_all();
	r = mailimap_uid_search(sy->imap, NULL, key, &result);
	mailimap_search_key_free(key);
	if (r != MAILIMAP_NO_ERROR) {
		/* As with FETCH, never free a result after an error. */
		return imap_sync_fail(sy, r, "UID SEARCH");
	}
	*out = xcalloc(clist_count(result) + 1, sizeof **out);
	for (it = clist_begin(result); it != NULL; it = clist_next(it))
		(*out)[(*n)++] = *(uint32_t *)clist_content(it);
	mailimap_search_result_free(result);
	qsort(*out, *n, sizeof **out, imap_sync_uid_cmp);
	return IMAP_SYNC_OK;
}

/* Changes to messages the mirror already has. */
static enum imap_sync_status
imap_sync_known(struct imap_sync *sy, const struct store_folder *old,
    const uint32_t *uids, size_t nuids, uint32_t exists)
{
	struct mailimap_fetch_type		*type;
	struct mailimap_set			*set;
	struct mailimap_qresync_vanished	*vanished = NULL;
	enum imap_sync_status			 status;
	clist					*result = NULL;
	uint32_t				*present;
	size_t					 npresent;
	uint32_t				 count = 0, unseen = 0;
	int					 r;

	if (nuids == 0)
		return IMAP_SYNC_OK;
	set = mailimap_set_new_interval(1, uids[nuids - 1]);
	if (sy->qresync && old->highestmodseq != 0) {
		sy->stats->method = "qresync";
		type = imap_convert_flags_fetch_type(1);
		r = mailimap_uid_fetch_qresync(sy->imap, set, type,
		    old->highestmodseq, &result, &vanished);
	} else if (sy->condstore && old->highestmodseq != 0) {
		sy->stats->method = "condstore";
		type = imap_convert_flags_fetch_type(1);
		r = mailimap_uid_fetch_changedsince(sy->imap, set, type,
		    old->highestmodseq, &result);
	} else {
		sy->stats->method = "diff";
		type = imap_convert_flags_fetch_type(sy->condstore);
		r = mailimap_uid_fetch(sy->imap, set, type, &result);
	}
	mailimap_set_free(set);
	mailimap_fetch_type_free(type);
	if (r != MAILIMAP_NO_ERROR) {
		/* libetpan 1.9.4 has freed result after a NO but left the
		 * pointer set: freeing it (or vanished) again would crash. */
		return imap_sync_fail(sy, r, "UID FETCH (flags)");
	}
	if (strcmp(sy->stats->method, "diff") == 0) {
		struct imap_sync_table	 table = { NULL, 0 };
		uint32_t		*got = NULL;
		size_t			 ngot = 0;

		store_mirror_messages_each(sy->mirror, sy->folder, 0, 0,
		    imap_sync_table_add, &table);
		qsort(table.rows, table.n, sizeof *table.rows,
		    imap_sync_flags_cmp);
		status = imap_sync_apply_flags(sy, result, uids, nuids, &table,
		    &got, &ngot);
		imap_sync_table_free(&table);
		/* Every known message answered: the silent ones are gone. */
		if (status == IMAP_SYNC_OK)
			status = imap_sync_expunge_missing(sy, uids, nuids,
			    got, ngot);
		free(got);
	} else
		status = imap_sync_apply_flags(sy, result, uids, nuids, NULL,
		    NULL, NULL);
	mailimap_fetch_list_free(result);
	if (status == IMAP_SYNC_OK && vanished != NULL)
		status = imap_sync_vanished(sy, vanished, uids, nuids);
	if (vanished != NULL)
		mailimap_qresync_vanished_free(vanished);
	if (status != IMAP_SYNC_OK ||
	    strcmp(sy->stats->method, "condstore") != 0)
		return status;

	/* CONDSTORE does not report expunges: compare counts, then UIDs. */
	store_mirror_count(sy->mirror, sy->folder, &count, &unseen);
	if (count == exists)
		return IMAP_SYNC_OK;
	if ((status = imap_sync_server_uids(sy, &present, &npresent)) !=
	    IMAP_SYNC_OK)
		return status;
	status = imap_sync_expunge_missing(sy, uids, nuids, present, npresent);
	free(present);
	return status;
}

enum imap_sync_status
imap_sync_folder(struct imap_session *session, struct store_mirror *mirror,
    const char *folder, const struct imap_sync_cb *cb,
    struct imap_sync_stats *stats, char **error)
{
	struct imap_sync		 sy;
	struct store_folder		 old, f;
	struct mailimap_selection_info	*sel;
	enum imap_sync_status		 status = IMAP_SYNC_OK;
	uint64_t			 hms = 0;
	uint32_t			*uids = NULL, total = 0, unseen = 0;
	size_t				 nuids = 0;
	int				 r, known;

	memset(&sy, 0, sizeof sy);
	memset(stats, 0, sizeof *stats);
	sy.session = session;
	sy.imap = imap_session_imap(session);
	sy.mirror = mirror;
	sy.folder = folder;
	sy.cb = cb;
	sy.stats = stats;
	sy.error = error;
	sy.condstore = imap_session_has(session, "CONDSTORE") ||
	    imap_session_has(session, "QRESYNC");
	sy.qresync = imap_session_enable_qresync(session);

	memset(&old, 0, sizeof old);
	known = store_mirror_folder_get(mirror, folder, &old) == STORE_OK;
	r = imap_session_select(session, folder, sy.condstore ? &hms : NULL);
	if (r != MAILIMAP_NO_ERROR) {
		status = imap_sync_fail(&sy, r, "SELECT");
		goto out;
	}
	sel = sy.imap->imap_selection_info;
	stats->exists = sel->sel_exists;
	if (!known) {
		memset(&f, 0, sizeof f);
		f.name = (char *)folder;
		store_mirror_folder_put(mirror, &f);
	}
	if (old.uidvalidity != 0 && old.uidvalidity != sel->sel_uidvalidity) {
		log_info("%s: %s: UIDVALIDITY %u -> %u, rebuilding", __func__,
		    folder, old.uidvalidity, sel->sel_uidvalidity);
		stats->reset = 1;
		old.uidnext = 0;
		old.highestmodseq = 0;
		if (cb->reset != NULL)
			cb->reset(cb->arg);
	}
	if (old.uidvalidity != sel->sel_uidvalidity &&
	    store_mirror_folder_reset(mirror, folder, sel->sel_uidvalidity) !=
	    STORE_OK) {
		*error = xasprintf(_("%s: resetting the mirror failed"),
		    folder);
		status = IMAP_SYNC_ERROR;
		goto out;
	}
	if (store_mirror_uids(mirror, folder, &uids, &nuids) != STORE_OK) {
		*error = xasprintf(_("%s: reading the mirror failed"), folder);
		status = IMAP_SYNC_ERROR;
		goto out;
	}

	if (nuids == 0) {
		if (sel->sel_exists > 0)
			status = imap_sync_cold(&sy, sel->sel_exists);
		else
			stats->method = "cold";
	} else if (old.highestmodseq != 0 && hms == old.highestmodseq &&
	    sel->sel_uidnext == old.uidnext && sel->sel_exists == nuids) {
		/* Nothing changed since last time: no more round trips. */
		stats->method = "unchanged";
	} else {
		if (sel->sel_uidnext == 0 || sel->sel_uidnext >
		    uids[nuids - 1] + 1)
			status = imap_sync_new(&sy, uids[nuids - 1]);
		if (status == IMAP_SYNC_OK)
			status = imap_sync_known(&sy, &old, uids, nuids,
			    sel->sel_exists);
	}
	if (status != IMAP_SYNC_OK)
		goto out;

	/* Only now is the mirror as new as the server said. */
	store_mirror_folder_sync_state(mirror, folder, sel->sel_uidnext, hms);
	store_mirror_count(mirror, folder, &total, &unseen);
	if (store_mirror_folder_get(mirror, folder, &f) == STORE_OK) {
		f.total = total;
		f.unseen = unseen;
		store_mirror_folder_put(mirror, &f);
		store_folder_clear(&f);
	}
	log_debug("%s: %s: %s, %u on the server, %u fetched, %u changed, "
	    "%u vanished", __func__, folder, stats->method, stats->exists,
	    stats->fetched, stats->changed, stats->vanished);
out:
	free(uids);
	store_folder_clear(&old);
	return status;
}
