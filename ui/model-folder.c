/* model-folder: the open folder's rows in the UI process. Rows live in
 * slots that never move; an order array of slot numbers keeps them newest
 * first, and a hash table finds a slot by uid. A batch of new rows is
 * sorted and merged in one pass, so 100,000 rows in windows of a few hundred
 * cost little more than copying them. */
#include "auto-config.h"

#include <stdlib.h>
#include <string.h>

#include "model-folder.h"
#include "msg.h"
#include "store-mirror.h"
#include "summary.h"
#include "xmalloc.h"

/* struct model_row's state. */
#define MODEL_ROW_PLACED	0	/* in the order array */
#define MODEL_ROW_PENDING	1	/* new: merged after the batch */
#define MODEL_ROW_MOVING	2	/* new date: out, then back in */
#define MODEL_ROW_FREE		3	/* gone, or an empty slot */

/* Slots never holding a row; the hash table stores slot + 1. */
#define MODEL_EMPTY		0

struct model_folder {
	struct model_row	*slots;
	size_t			 nslots;
	size_t			 slots_size;
	uint32_t		*free;		/* slots to reuse */
	size_t			 nfree;
	size_t			 free_size;

	uint32_t		*order;		/* slots, newest first */
	size_t			 norder;
	size_t			 order_size;

	uint32_t		*uids;		/* hash: uid -> slot + 1 */
	size_t			 uids_size;	/* a power of two, or 0 */
	size_t			 nuids;

	char			**strings;	/* interned from and subject */
	size_t			 strings_size;
	size_t			 nstrings;

	size_t			 unseen;
	uint32_t		 selected;	/* uid, when has_selection */
	int			 has_selection;
};

/* A row's sort key, for sorting a batch without looking at slots. */
struct model_key {
	int64_t		 date;
	uint32_t	 uid;
	uint32_t	 slot;
};

struct model_folder *
model_folder_new(void)
{
	return xcalloc(1, sizeof(struct model_folder));
}

/* Whether a sorts before b: newer first; the higher uid first on a tie,
 * so the order never depends on when rows arrived. */
static int
model_before(int64_t adate, uint32_t auid, int64_t bdate, uint32_t buid)
{
	if (adate != bdate)
		return adate > bdate;
	return auid > buid;
}

static int
model_key_cmp(const void *a, const void *b)
{
	const struct model_key	*ka = a, *kb = b;

	if (ka->date == kb->date && ka->uid == kb->uid)
		return 0;
	return model_before(ka->date, ka->uid, kb->date, kb->uid) ? -1 : 1;
}

/* --- interned strings ---------------------------------------------------- */

static uint32_t
model_string_hash(const char *s)
{
	uint32_t	h = 2166136261u;

	while (*s != '\0') {
		h ^= (unsigned char)*s++;
		h *= 16777619u;
	}
	return h;
}

static void
model_strings_grow(struct model_folder *mf)
{
	char	**old = mf->strings;
	size_t	  oldsize = mf->strings_size, i, j;

	mf->strings_size = oldsize == 0 ? 256 : oldsize * 2;
	mf->strings = xcalloc(mf->strings_size, sizeof *mf->strings);
	for (i = 0; i < oldsize; i++) {
		if (old[i] == NULL)
			continue;
		j = model_string_hash(old[i]) & (mf->strings_size - 1);
		while (mf->strings[j] != NULL)
			j = (j + 1) & (mf->strings_size - 1);
		mf->strings[j] = old[i];
	}
	free(old);
}

/* The one copy of s the model keeps (NULL stays NULL). */
static const char *
model_intern(struct model_folder *mf, const char *s)
{
	size_t	i;

	if (s == NULL)
		return NULL;
	if (mf->nstrings * 2 >= mf->strings_size)
		model_strings_grow(mf);
	i = model_string_hash(s) & (mf->strings_size - 1);
	while (mf->strings[i] != NULL) {
		if (strcmp(mf->strings[i], s) == 0)
			return mf->strings[i];
		i = (i + 1) & (mf->strings_size - 1);
	}
	mf->strings[i] = xstrdup(s);
	mf->nstrings++;
	return mf->strings[i];
}

/* --- uid -> slot ---------------------------------------------------------- */

static size_t
model_uid_hash(const struct model_folder *mf, uint32_t uid)
{
	return (size_t)(uid * 2654435761u) & (mf->uids_size - 1);
}

static void
model_uids_grow(struct model_folder *mf)
{
	uint32_t	*old = mf->uids;
	size_t		 oldsize = mf->uids_size, i, j;

	mf->uids_size = oldsize == 0 ? 1024 : oldsize * 2;
	mf->uids = xcalloc(mf->uids_size, sizeof *mf->uids);
	for (i = 0; i < oldsize; i++) {
		if (old[i] == MODEL_EMPTY)
			continue;
		j = model_uid_hash(mf, mf->slots[old[i] - 1].uid);
		while (mf->uids[j] != MODEL_EMPTY)
			j = (j + 1) & (mf->uids_size - 1);
		mf->uids[j] = old[i];
	}
	free(old);
}

/* The table position holding uid, or (size_t)-1. */
static size_t
model_uid_position(const struct model_folder *mf, uint32_t uid)
{
	size_t	i;

	if (mf->uids_size == 0)
		return (size_t)-1;
	i = model_uid_hash(mf, uid);
	while (mf->uids[i] != MODEL_EMPTY) {
		if (mf->slots[mf->uids[i] - 1].uid == uid)
			return i;
		i = (i + 1) & (mf->uids_size - 1);
	}
	return (size_t)-1;
}

static int
model_uid_find(const struct model_folder *mf, uint32_t uid, uint32_t *slot)
{
	size_t	i = model_uid_position(mf, uid);

	if (i == (size_t)-1)
		return 0;
	*slot = mf->uids[i] - 1;
	return 1;
}

static void
model_uid_insert(struct model_folder *mf, uint32_t slot)
{
	size_t	i;

	if ((mf->nuids + 1) * 2 > mf->uids_size)
		model_uids_grow(mf);
	i = model_uid_hash(mf, mf->slots[slot].uid);
	while (mf->uids[i] != MODEL_EMPTY)
		i = (i + 1) & (mf->uids_size - 1);
	mf->uids[i] = slot + 1;
	mf->nuids++;
}

/* Linear probing deletes by shifting later entries back, so lookups never
 * need tombstones. */
static void
model_uid_delete(struct model_folder *mf, uint32_t uid)
{
	size_t	i, j, k, mask = mf->uids_size - 1;

	if ((i = model_uid_position(mf, uid)) == (size_t)-1)
		return;
	mf->uids[i] = MODEL_EMPTY;
	mf->nuids--;
	for (j = (i + 1) & mask; mf->uids[j] != MODEL_EMPTY;
	    j = (j + 1) & mask) {
		k = model_uid_hash(mf, mf->slots[mf->uids[j] - 1].uid);
		/* Leave it if its home lies cyclically in (i, j]. */
		if (i <= j ? (i < k && k <= j) : (i < k || k <= j))
			continue;
		mf->uids[i] = mf->uids[j];
		mf->uids[j] = MODEL_EMPTY;
		i = j;
	}
}

/* --- rows --------------------------------------------------------------- */

static void
model_row_release(struct model_row *r)
{
	free(r->message_id);
	free(r->in_reply_to);
	free(r->references);
	r->message_id = r->in_reply_to = r->references = NULL;
}

static int
model_row_unseen(const struct model_row *r)
{
	return (r->flags & STORE_FLAG_SEEN) == 0;
}

/* Copy s into r (r already released or new). */
static void
model_row_fill(struct model_folder *mf, struct model_row *r,
    const struct summary *s)
{
	r->uid = s->uid;
	r->flags = s->flags;
	r->size = s->size;
	r->attachments = s->attachments != 0;
	r->date = s->date;
	r->from = model_intern(mf, s->from);
	r->subject = model_intern(mf, s->subject);
	r->message_id = s->message_id != NULL ? xstrdup(s->message_id) : NULL;
	r->in_reply_to = s->in_reply_to != NULL ? xstrdup(s->in_reply_to) :
	    NULL;
	r->references = s->references != NULL ? xstrdup(s->references) : NULL;
}

static uint32_t
model_slot_new(struct model_folder *mf)
{
	if (mf->nfree > 0)
		return mf->free[--mf->nfree];
	if (mf->nslots == mf->slots_size) {
		mf->slots_size = mf->slots_size == 0 ? 256 : mf->slots_size * 2;
		if (mf->slots_size > UINT32_MAX - 1)
			fatal("%s: too many rows", __func__);
		mf->slots = xreallocarray(mf->slots, mf->slots_size,
		    sizeof *mf->slots);
	}
	memset(&mf->slots[mf->nslots], 0, sizeof mf->slots[mf->nslots]);
	return (uint32_t)mf->nslots++;
}

static void
model_slot_free(struct model_folder *mf, uint32_t slot)
{
	struct model_row	*r = &mf->slots[slot];

	model_row_release(r);
	memset(r, 0, sizeof *r);
	r->state = MODEL_ROW_FREE;
	if (mf->nfree == mf->free_size) {
		mf->free_size = mf->free_size == 0 ? 64 : mf->free_size * 2;
		mf->free = xreallocarray(mf->free, mf->free_size,
		    sizeof *mf->free);
	}
	mf->free[mf->nfree++] = slot;
}

/* Where a row with this key is, or would go, in the order array. */
static size_t
model_order_search(const struct model_folder *mf, int64_t date, uint32_t uid)
{
	const struct model_row	*r;
	size_t			 lo = 0, hi = mf->norder, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		r = &mf->slots[mf->order[mid]];
		if (model_before(r->date, r->uid, date, uid))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}


/*
 * Drop the order entries whose rows are not placed any more (gone, or
 * moving because their date changed). selected is the selection's index
 * from before the change, or (size_t)-1: when that row went, the row that
 * follows it takes the selection.
 */
static void
model_order_compact(struct model_folder *mf, size_t selected)
{
	size_t	i, j, next = 0;
	int	gone = 0;

	for (i = j = 0; i < mf->norder; i++) {
		if (i == selected) {
			next = j;
			gone = mf->slots[mf->order[i]].state == MODEL_ROW_FREE;
		}
		if (mf->slots[mf->order[i]].state == MODEL_ROW_PLACED)
			mf->order[j++] = mf->order[i];
	}
	mf->norder = j;
	if (!gone)
		return;
	if (mf->norder == 0) {
		mf->has_selection = 0;
		mf->selected = 0;
		return;
	}
	if (next >= mf->norder)
		next = mf->norder - 1;
	mf->selected = mf->slots[mf->order[next]].uid;
}

/* The selection's index before a change, or (size_t)-1 for none. */
static size_t
model_selected_before(const struct model_folder *mf)
{
	size_t	index;

	if (!mf->has_selection ||
	    !model_folder_index_of(mf, mf->selected, &index))
		return (size_t)-1;
	return index;
}

/* Merge the sorted keys into the order array. */
static void
model_order_merge(struct model_folder *mf, const struct model_key *keys,
    size_t n)
{
	const struct model_row	*r;
	uint32_t		*tail = NULL;
	size_t			 start, ntail, i, j, k;

	if (n == 0)
		return;
	if (mf->norder + n > mf->order_size) {
		while (mf->norder + n > mf->order_size)
			mf->order_size = mf->order_size == 0 ? 256 :
			    mf->order_size * 2;
		mf->order = xreallocarray(mf->order, mf->order_size,
		    sizeof *mf->order);
	}
	/* Rows before the newest new one stay where they are: a window of
	 * older rows is a plain append. */
	start = model_order_search(mf, keys[0].date, keys[0].uid);
	ntail = mf->norder - start;
	if (ntail > 0) {
		tail = xreallocarray(NULL, ntail, sizeof *tail);
		memcpy(tail, mf->order + start, ntail * sizeof *tail);
	}
	i = j = 0;
	k = start;
	while (i < ntail && j < n) {
		r = &mf->slots[tail[i]];
		if (model_before(r->date, r->uid, keys[j].date, keys[j].uid))
			mf->order[k++] = tail[i++];
		else
			mf->order[k++] = keys[j++].slot;
	}
	while (i < ntail)
		mf->order[k++] = tail[i++];
	while (j < n)
		mf->order[k++] = keys[j++].slot;
	mf->norder = k;
	free(tail);
}

void
model_folder_upsert(struct model_folder *mf, const struct summary *rows,
    size_t n)
{
	struct model_row	*r;
	struct model_key	*keys;
	uint32_t		 slot;
	size_t			 i, nkeys = 0, moving = 0, selected;

	if (n == 0)
		return;
	selected = model_selected_before(mf);
	keys = xreallocarray(NULL, n, sizeof *keys);
	for (i = 0; i < n; i++) {
		if (rows[i].uid == 0)
			continue;	/* no such message in IMAP */
		if (model_uid_find(mf, rows[i].uid, &slot)) {
			r = &mf->slots[slot];
			if (model_row_unseen(r))
				mf->unseen--;
			if (r->date != rows[i].date &&
			    r->state == MODEL_ROW_PLACED) {
				r->state = MODEL_ROW_MOVING;
				keys[nkeys++].slot = slot;
				moving++;
			}
			model_row_release(r);
			model_row_fill(mf, r, &rows[i]);
		} else {
			slot = model_slot_new(mf);
			r = &mf->slots[slot];
			model_row_fill(mf, r, &rows[i]);
			r->state = MODEL_ROW_PENDING;
			model_uid_insert(mf, slot);
			keys[nkeys++].slot = slot;
		}
		if (model_row_unseen(r))
			mf->unseen++;
	}
	if (moving > 0)
		model_order_compact(mf, selected);
	/* Keys are read now: a uid twice in one batch counts as its last. */
	for (i = 0; i < nkeys; i++) {
		r = &mf->slots[keys[i].slot];
		keys[i].date = r->date;
		keys[i].uid = r->uid;
		r->state = MODEL_ROW_PLACED;
	}
	if (nkeys > 1)
		qsort(keys, nkeys, sizeof *keys, model_key_cmp);
	model_order_merge(mf, keys, nkeys);
	free(keys);
}

int
model_folder_set_flags(struct model_folder *mf, uint32_t uid, uint32_t flags)
{
	struct model_row	*r;
	uint32_t		 slot;

	if (!model_uid_find(mf, uid, &slot))
		return 0;
	r = &mf->slots[slot];
	if (model_row_unseen(r))
		mf->unseen--;
	r->flags = flags;
	if (model_row_unseen(r))
		mf->unseen++;
	return 1;
}

void
model_folder_remove(struct model_folder *mf, const uint32_t *uids, size_t n)
{
	uint32_t	*gone, slot;
	size_t		 i, ngone = 0, selected;

	if (n == 0)
		return;
	selected = model_selected_before(mf);
	gone = xreallocarray(NULL, n, sizeof *gone);
	for (i = 0; i < n; i++) {
		if (!model_uid_find(mf, uids[i], &slot) ||
		    mf->slots[slot].state == MODEL_ROW_FREE)
			continue;
		if (model_row_unseen(&mf->slots[slot]))
			mf->unseen--;
		/* Marked only: the compaction still reads its key. */
		mf->slots[slot].state = MODEL_ROW_FREE;
		gone[ngone++] = slot;
	}
	if (ngone > 0)
		model_order_compact(mf, selected);
	for (i = 0; i < ngone; i++) {
		model_uid_delete(mf, mf->slots[gone[i]].uid);
		model_slot_free(mf, gone[i]);
	}
	free(gone);
}

void
model_folder_clear(struct model_folder *mf)
{
	size_t	i;

	if (mf == NULL)
		return;
	for (i = 0; i < mf->nslots; i++)
		model_row_release(&mf->slots[i]);
	for (i = 0; i < mf->strings_size; i++)
		free(mf->strings[i]);
	free(mf->slots);
	free(mf->free);
	free(mf->order);
	free(mf->uids);
	free(mf->strings);
	memset(mf, 0, sizeof *mf);
}

void
model_folder_free(struct model_folder *mf)
{
	if (mf == NULL)
		return;
	model_folder_clear(mf);
	free(mf);
}

/* MSG_EV_ROWS: u32 n, then n summaries, applied in batches. */
static enum model_folder_status
model_folder_rows(struct model_folder *mf, struct msg *m)
{
	struct summary	*rows;
	uint32_t	 n, i;
	size_t		 nrows = 0, size;
	enum model_folder_status status = MODEL_FOLDER_OK;

	if (msg_get_u32(m, &n) != MSG_OK)
		return MODEL_FOLDER_INVALID;
	/* n comes from the wire: grow as rows really arrive. */
	size = n < 1024 ? n : 1024;
	rows = xreallocarray(NULL, size > 0 ? size : 1, sizeof *rows);
	for (i = 0; i < n; i++) {
		if (nrows == size) {
			size *= 2;
			rows = xreallocarray(rows, size, sizeof *rows);
		}
		if (summary_read(m, &rows[nrows]) != MSG_OK) {
			status = MODEL_FOLDER_INVALID;
			break;
		}
		nrows++;
	}
	model_folder_upsert(mf, rows, nrows);
	while (nrows > 0)
		summary_clear(&rows[--nrows]);
	free(rows);
	return status;
}

/* MSG_EV_FLAGS: u32 n, then n × (u32 uid, u32 flags). */
static enum model_folder_status
model_folder_flags(struct model_folder *mf, struct msg *m)
{
	uint32_t	n, i, uid, flags;

	if (msg_get_u32(m, &n) != MSG_OK)
		return MODEL_FOLDER_INVALID;
	for (i = 0; i < n; i++) {
		if (msg_get_u32(m, &uid) != MSG_OK ||
		    msg_get_u32(m, &flags) != MSG_OK)
			return MODEL_FOLDER_INVALID;
		model_folder_set_flags(mf, uid, flags);
	}
	return MODEL_FOLDER_OK;
}

/* MSG_EV_VANISHED: u32 n, then n uids; none at all is a reset. */
static enum model_folder_status
model_folder_vanished(struct model_folder *mf, struct msg *m)
{
	uint32_t	*uids, n, i;
	size_t		 nuids = 0, size;
	enum model_folder_status status = MODEL_FOLDER_OK;

	if (msg_get_u32(m, &n) != MSG_OK)
		return MODEL_FOLDER_INVALID;
	if (n == 0) {
		model_folder_clear(mf);
		return MODEL_FOLDER_OK;
	}
	size = n < 4096 ? n : 4096;
	uids = xreallocarray(NULL, size, sizeof *uids);
	for (i = 0; i < n; i++) {
		if (nuids == size) {
			size *= 2;
			uids = xreallocarray(uids, size, sizeof *uids);
		}
		if (msg_get_u32(m, &uids[nuids]) != MSG_OK) {
			status = MODEL_FOLDER_INVALID;
			break;
		}
		nuids++;
	}
	model_folder_remove(mf, uids, nuids);
	free(uids);
	return status;
}

enum model_folder_status
model_folder_event(struct model_folder *mf, struct msg *m)
{
	enum model_folder_status	status;

	msg_rewind(m);
	switch (msg_type(m)) {
	case MSG_EV_ROWS:
		status = model_folder_rows(mf, m);
		break;
	case MSG_EV_FLAGS:
		status = model_folder_flags(mf, m);
		break;
	case MSG_EV_VANISHED:
		status = model_folder_vanished(mf, m);
		break;
	default:
		return MODEL_FOLDER_IGNORED;
	}
	if (status == MODEL_FOLDER_OK && msg_end(m) != MSG_OK)
		status = MODEL_FOLDER_INVALID;
	return status;
}

size_t
model_folder_count(const struct model_folder *mf)
{
	return mf->norder;
}

size_t
model_folder_unseen(const struct model_folder *mf)
{
	return mf->unseen;
}

const struct model_row *
model_folder_row(const struct model_folder *mf, size_t index)
{
	if (index >= mf->norder)
		return NULL;
	return &mf->slots[mf->order[index]];
}

const struct model_row *
model_folder_find(const struct model_folder *mf, uint32_t uid)
{
	uint32_t	slot;

	if (!model_uid_find(mf, uid, &slot))
		return NULL;
	return &mf->slots[slot];
}

int
model_folder_index_of(const struct model_folder *mf, uint32_t uid,
    size_t *index)
{
	const struct model_row	*r;
	uint32_t		 slot;
	size_t			 i;

	if (!model_uid_find(mf, uid, &slot))
		return 0;
	r = &mf->slots[slot];
	i = model_order_search(mf, r->date, r->uid);
	if (i >= mf->norder || mf->order[i] != slot)
		return 0;
	*index = i;
	return 1;
}

size_t
model_folder_selected(const struct model_folder *mf)
{
	size_t	index;

	if (!mf->has_selection ||
	    !model_folder_index_of(mf, mf->selected, &index))
		return 0;
	return index;
}

uint32_t
model_folder_selected_uid(const struct model_folder *mf)
{
	const struct model_row	*r;

	r = model_folder_row(mf, model_folder_selected(mf));
	return r != NULL ? r->uid : 0;
}

void
model_folder_select(struct model_folder *mf, size_t index)
{
	if (mf->norder == 0)
		return;
	if (index >= mf->norder)
		index = mf->norder - 1;
	mf->selected = mf->slots[mf->order[index]].uid;
	mf->has_selection = 1;
}

void
model_folder_move(struct model_folder *mf, long delta)
{
	size_t	index = model_folder_selected(mf);

	if (delta < 0 && (size_t)-delta > index)
		index = 0;
	else if (delta < 0)
		index -= (size_t)-delta;
	else if ((size_t)delta >= mf->norder - index)
		index = mf->norder > 0 ? mf->norder - 1 : 0;
	else
		index += (size_t)delta;
	model_folder_select(mf, index);
}
