/* model-folder: the open folder's rows in the UI process. Rows live in
 * slots that never move; an order array of slot numbers keeps them newest
 * first, and a hash table finds a slot by uid. A batch of new rows is
 * sorted and merged in one pass, so 100,000 rows in windows of a few hundred
 * cost little more than copying them. Other orders (threads, sender, ...)
 * are a view built from the order array by src/thread.c when next read;
 * so is a limit, a view over the rows it shows, in any order. */
#include "auto-config.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "model-folder.h"
#include "msg.h"
#include "store-mirror.h"
#include "summary.h"
#include "thread.h"
#include "xmalloc.h"

/* struct model_row's state. */
#define MODEL_ROW_PLACED	0	/* in the order array */
#define MODEL_ROW_PENDING	1	/* new: merged after the batch */
#define MODEL_ROW_MOVING	2	/* new date: out, then back in */
#define MODEL_ROW_FREE		3	/* gone, or an empty slot */

/* Slots never holding a row; the hash table stores slot + 1. */
#define MODEL_EMPTY		0

/* The view's state, for any order but the date's. */
#define MODEL_VIEW_FRESH	0
#define MODEL_VIEW_STALE	1	/* usable: new rows at its end */
#define MODEL_VIEW_INVALID	2	/* rows gone, or another order */

/* While deferring, a rebuild waits until this many times its own cost has
 * passed since the last one: about a fifth of the time at most. */
#define MODEL_VIEW_PATIENCE	4

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

	enum model_folder_sort	 sort;
	int			 sort_flags;	/* MODEL_FOLDER_REVERSE, ... */
	int			 defer;

	model_folder_match_cb	 limit;		/* NULL: every row shown */
	void			*limit_arg;
	size_t			 ntagged;

	/* Any order but the date's, or a limit: slots as shown, and back. */
	uint32_t		*view;
	size_t			 nview;
	size_t			 view_size;
	uint32_t		*position;	/* slot -> index in view */
	size_t			 position_size;
	struct thread_row	*threads;	/* by thread: the first nthreads
						   rows of view */
	size_t			 nthreads;
	size_t			 threads_size;
	int			 view_state;	/* MODEL_VIEW_* */
	int64_t			 built_at;	/* monotonic ns */
	int64_t			 build_cost;
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

/* Where slot is in the order array; 0 if it is not placed there. */
static int
model_order_index(const struct model_folder *mf, uint32_t slot,
    size_t *index)
{
	const struct model_row	*r = &mf->slots[slot];
	size_t			 i;

	i = model_order_search(mf, r->date, r->uid);
	if (i >= mf->norder || mf->order[i] != slot)
		return 0;
	*index = i;
	return 1;
}

/* The selection's index in the order array before a change, or
 * (size_t)-1 for none. */
static size_t
model_selected_before(const struct model_folder *mf)
{
	uint32_t	slot;
	size_t		index;

	if (!mf->has_selection || !model_uid_find(mf, mf->selected, &slot) ||
	    !model_order_index(mf, slot, &index))
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

/* --- the view ------------------------------------------------------------- */

/* Whether rows are shown in the order array's order, either way up: all
 * of them, by date. */
static int
model_is_direct(const struct model_folder *mf)
{
	return mf->sort == MODEL_FOLDER_SORT_DATE && mf->limit == NULL;
}

/* Whether a row going moves the selection to the next in the order array:
 * the date order the right way up. */
static int
model_is_plain(const struct model_folder *mf)
{
	return model_is_direct(mf) && !(mf->sort_flags & MODEL_FOLDER_REVERSE);
}

static int64_t
model_now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void
model_view_reserve(struct model_folder *mf, size_t n)
{
	if (n > mf->view_size) {
		while (n > mf->view_size)
			mf->view_size = mf->view_size == 0 ? 256 :
			    mf->view_size * 2;
		mf->view = xreallocarray(mf->view, mf->view_size,
		    sizeof *mf->view);
	}
	if (mf->slots_size > mf->position_size) {
		mf->position_size = mf->slots_size;
		mf->position = xreallocarray(mf->position, mf->position_size,
		    sizeof *mf->position);
	}
}

/* Build the view from the order array: its rows oldest first (those the
 * limit shows) are the input, so ties in thread.c's orders follow date and
 * uid. */
static void
model_view_build(struct model_folder *mf)
{
	struct thread_message	*in;
	const struct model_row	*r;
	uint32_t		*slots;
	size_t			 n = 0, i;
	int64_t			 start = model_now();
	int			 flags = 0;

	slots = xreallocarray(NULL, mf->norder > 0 ? mf->norder : 1,
	    sizeof *slots);
	for (i = mf->norder; i-- > 0;) {
		if (mf->limit == NULL || mf->slots[mf->order[i]].limited)
			slots[n++] = mf->order[i];
	}
	model_view_reserve(mf, n);
	in = xreallocarray(NULL, n > 0 ? n : 1, sizeof *in);
	for (i = 0; i < n; i++) {
		r = &mf->slots[slots[i]];
		in[i].message_id = r->message_id;
		in[i].in_reply_to = r->in_reply_to;
		in[i].references = r->references;
		in[i].from = r->from;
		in[i].subject = r->subject;
		in[i].date = r->date;
		in[i].size = r->size;
	}
	mf->nthreads = 0;
	if (mf->sort == MODEL_FOLDER_SORT_THREAD) {
		if (n > mf->threads_size) {
			mf->threads_size = n;
			mf->threads = xreallocarray(mf->threads,
			    mf->threads_size, sizeof *mf->threads);
		}
		if (mf->sort_flags & MODEL_FOLDER_REVERSE)
			flags |= THREAD_OLDEST_FIRST;
		if (mf->sort_flags & MODEL_FOLDER_THREAD_FIRST_DATE)
			flags |= THREAD_BY_FIRST_DATE;
		thread_build(in, n, flags, mf->threads);
		for (i = 0; i < n; i++)
			mf->view[i] = mf->threads[i].message;
		mf->nthreads = n;
	} else if (mf->sort == MODEL_FOLDER_SORT_DATE) {
		/* A limit by date: the input is in order already. */
		for (i = 0; i < n; i++)
			mf->view[i] = (uint32_t)((mf->sort_flags &
			    MODEL_FOLDER_REVERSE) ? i : n - 1 - i);
	} else
		thread_sort(in, n, mf->sort == MODEL_FOLDER_SORT_FROM ?
		    THREAD_SORT_FROM : mf->sort == MODEL_FOLDER_SORT_SUBJECT ?
		    THREAD_SORT_SUBJECT : THREAD_SORT_SIZE,
		    (mf->sort_flags & MODEL_FOLDER_REVERSE) != 0, mf->view);
	free(in);
	/* Input indices to slots. */
	for (i = 0; i < n; i++) {
		mf->view[i] = slots[mf->view[i]];
		mf->position[mf->view[i]] = (uint32_t)i;
	}
	free(slots);
	mf->nview = n;
	mf->view_state = MODEL_VIEW_FRESH;
	mf->built_at = model_now();
	mf->build_cost = mf->built_at - start;
}

/*
 * The view, brought up to date if it must be: always when rows went or the
 * order changed, when rows came only if not deferring. Never on time, so
 * two reads in a row see the same order. The view is a cache of the rows:
 * reading calls, const to their callers, build it when they need it, hence
 * the cast.
 */
static void
model_view(const struct model_folder *cmf)
{
	struct model_folder	*mf = (struct model_folder *)cmf;

	if (model_is_direct(mf) || mf->view_state == MODEL_VIEW_FRESH)
		return;
	if (mf->view_state == MODEL_VIEW_STALE && mf->defer)
		return;
	model_view_build(mf);
}

/* A new row, at the view's end until it is built again. */
static void
model_view_append(struct model_folder *mf, uint32_t slot)
{
	if (model_is_direct(mf) || mf->view_state == MODEL_VIEW_INVALID)
		return;
	if (mf->limit != NULL && !mf->slots[slot].limited)
		return;
	model_view_reserve(mf, mf->nview + 1);
	mf->position[slot] = (uint32_t)mf->nview;
	mf->view[mf->nview++] = slot;
}

/* Rows shown, without bringing the view up to date. */
static size_t
model_shown(const struct model_folder *mf)
{
	return model_is_direct(mf) ? mf->norder : mf->nview;
}

/* The slot shown at index (< model_shown), the view up to date. */
static uint32_t
model_slot_at(const struct model_folder *mf, size_t index)
{
	if (!model_is_direct(mf))
		return mf->view[index];
	if (mf->sort_flags & MODEL_FOLDER_REVERSE)
		return mf->order[mf->norder - 1 - index];
	return mf->order[index];
}

/*
 * The selected row, shown at index shown, is going: select the first row
 * after it that stays, else the last before it. Called while the rows
 * going are marked and the order is as it was.
 */
static void
model_select_survivor(struct model_folder *mf, size_t shown)
{
	uint32_t	slot;
	size_t		i;

	for (i = shown + 1; i < model_shown(mf); i++) {
		slot = model_slot_at(mf, i);
		if (mf->slots[slot].state != MODEL_ROW_FREE) {
			mf->selected = mf->slots[slot].uid;
			return;
		}
	}
	for (i = shown < model_shown(mf) ? shown : model_shown(mf); i-- > 0;) {
		slot = model_slot_at(mf, i);
		if (mf->slots[slot].state != MODEL_ROW_FREE) {
			mf->selected = mf->slots[slot].uid;
			return;
		}
	}
	mf->selected = 0;
	mf->has_selection = 0;
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
			r->limited = mf->limit == NULL ||
			    mf->limit(r, mf->limit_arg);
			model_uid_insert(mf, slot);
			keys[nkeys++].slot = slot;
			model_view_append(mf, slot);
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
	/* New rows, new dates, new subjects or references: all move rows. */
	if (mf->view_state == MODEL_VIEW_FRESH)
		mf->view_state = MODEL_VIEW_STALE;
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
	size_t		 i, ngone = 0, selected, shown = (size_t)-1;

	if (n == 0)
		return;
	selected = model_selected_before(mf);
	/* Where the selection is shown, for the row that takes its place. */
	if (!model_is_plain(mf) && mf->has_selection &&
	    !model_folder_index_of(mf, mf->selected, &shown))
		shown = (size_t)-1;
	gone = xreallocarray(NULL, n, sizeof *gone);
	for (i = 0; i < n; i++) {
		if (!model_uid_find(mf, uids[i], &slot) ||
		    mf->slots[slot].state == MODEL_ROW_FREE)
			continue;
		if (model_row_unseen(&mf->slots[slot]))
			mf->unseen--;
		if (mf->slots[slot].tagged)
			mf->ntagged--;
		/* Marked only: the compaction still reads its key. */
		mf->slots[slot].state = MODEL_ROW_FREE;
		gone[ngone++] = slot;
	}
	if (shown != (size_t)-1 && model_uid_find(mf, mf->selected, &slot) &&
	    mf->slots[slot].state == MODEL_ROW_FREE)
		model_select_survivor(mf, shown);
	if (ngone > 0)
		model_order_compact(mf, model_is_plain(mf) ? selected :
		    (size_t)-1);
	for (i = 0; i < ngone; i++) {
		model_uid_delete(mf, mf->slots[gone[i]].uid);
		model_slot_free(mf, gone[i]);
	}
	free(gone);
	if (ngone > 0 && !model_is_direct(mf))
		mf->view_state = MODEL_VIEW_INVALID;
}

void
model_folder_clear(struct model_folder *mf)
{
	enum model_folder_sort	sort;
	model_folder_match_cb	limit;
	void			*limit_arg;
	size_t			i;
	int			flags, defer;

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
	free(mf->view);
	free(mf->position);
	free(mf->threads);
	/* The order and the limit are the user's, not the folder's. */
	sort = mf->sort;
	flags = mf->sort_flags;
	defer = mf->defer;
	limit = mf->limit;
	limit_arg = mf->limit_arg;
	memset(mf, 0, sizeof *mf);
	mf->sort = sort;
	mf->sort_flags = flags;
	mf->defer = defer;
	mf->limit = limit;
	mf->limit_arg = limit_arg;
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
	model_view(mf);
	return model_shown(mf);
}

size_t
model_folder_total(const struct model_folder *mf)
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
	if (index >= model_folder_count(mf))
		return NULL;
	return &mf->slots[model_slot_at(mf, index)];
}

const struct model_row *
model_folder_find(const struct model_folder *mf, uint32_t uid)
{
	uint32_t	slot;

	if (!model_uid_find(mf, uid, &slot))
		return NULL;
	return &mf->slots[slot];
}

const struct model_row *
model_folder_oldest(const struct model_folder *mf)
{
	if (mf->norder == 0)
		return NULL;
	return &mf->slots[mf->order[mf->norder - 1]];
}

int
model_folder_index_of(const struct model_folder *mf, uint32_t uid,
    size_t *index)
{
	uint32_t	slot;
	size_t		i;

	if (!model_uid_find(mf, uid, &slot))
		return 0;
	if (!model_is_direct(mf)) {
		model_view(mf);
		/* A row the limit hides may be newer than the positions. */
		if (slot >= mf->position_size)
			return 0;
		i = mf->position[slot];
		if (i >= mf->nview || mf->view[i] != slot)
			return 0;
	} else {
		if (!model_order_index(mf, slot, &i))
			return 0;
		if (mf->sort_flags & MODEL_FOLDER_REVERSE)
			i = mf->norder - 1 - i;
	}
	*index = i;
	return 1;
}

size_t
model_folder_tree(const struct model_folder *mf, size_t index, char *buf,
    size_t size)
{
	if (size > 0)
		buf[0] = '\0';
	if (mf->sort != MODEL_FOLDER_SORT_THREAD ||
	    index >= model_folder_count(mf))
		return 0;
	if (index >= mf->nthreads)
		return 0;
	return thread_prefix(mf->threads, mf->nthreads, index, buf, size);
}

void
model_folder_set_sort(struct model_folder *mf, enum model_folder_sort sort,
    int flags)
{
	if ((unsigned)sort >= MODEL_FOLDER_SORT_COUNT)
		sort = MODEL_FOLDER_SORT_DATE;
	if (sort == mf->sort && flags == mf->sort_flags)
		return;
	mf->sort = sort;
	mf->sort_flags = flags;
	mf->view_state = MODEL_VIEW_INVALID;
	mf->nthreads = 0;
}

enum model_folder_sort
model_folder_sort(const struct model_folder *mf, int *flags)
{
	if (flags != NULL)
		*flags = mf->sort_flags;
	return mf->sort;
}

void
model_folder_defer(struct model_folder *mf, int on)
{
	mf->defer = on;
}

void
model_folder_refresh(struct model_folder *mf)
{
	if (model_is_direct(mf) || mf->view_state == MODEL_VIEW_FRESH)
		return;
	if (mf->view_state == MODEL_VIEW_STALE && mf->defer &&
	    model_now() - mf->built_at < MODEL_VIEW_PATIENCE * mf->build_cost)
		return;
	model_view_build(mf);
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
	size_t	n = model_folder_count(mf);

	if (n == 0)
		return;
	if (index >= n)
		index = n - 1;
	mf->selected = mf->slots[model_slot_at(mf, index)].uid;
	mf->has_selection = 1;
}

void
model_folder_move(struct model_folder *mf, long delta)
{
	size_t	index = model_folder_selected(mf);
	size_t	n = model_folder_count(mf);

	if (delta < 0 && (size_t)-delta > index)
		index = 0;
	else if (delta < 0)
		index -= (size_t)-delta;
	else if ((size_t)delta >= n - index)
		index = n > 0 ? n - 1 : 0;
	else
		index += (size_t)delta;
	model_folder_select(mf, index);
}

/* --- limit, tags and search ------------------------------------------------ */

size_t
model_folder_limit(struct model_folder *mf, model_folder_match_cb cb,
    void *arg)
{
	struct model_row	*r;
	uint32_t		 slot;
	size_t			 n, i, index, shown = 0;
	int			 had;

	/* The selection's place in what is shown now, before the bits
	 * that decide the next view change. */
	n = model_folder_count(mf);
	had = mf->has_selection &&
	    model_folder_index_of(mf, mf->selected, &index);
	for (i = 0; i < mf->norder; i++) {
		r = &mf->slots[mf->order[i]];
		r->limited = cb == NULL || cb(r, arg);
		if (r->limited)
			shown++;
	}
	if (had && model_uid_find(mf, mf->selected, &slot) &&
	    !mf->slots[slot].limited) {
		/* The nearest row shown after it, else before it, in the
		 * old view, which model_slot_at still reads. */
		mf->has_selection = 0;
		for (i = index + 1; i < n && !mf->has_selection; i++) {
			r = &mf->slots[model_slot_at(mf, i)];
			if (r->limited) {
				mf->selected = r->uid;
				mf->has_selection = 1;
			}
		}
		for (i = index; i-- > 0 && !mf->has_selection;) {
			r = &mf->slots[model_slot_at(mf, i)];
			if (r->limited) {
				mf->selected = r->uid;
				mf->has_selection = 1;
			}
		}
	}
	mf->limit = cb;
	mf->limit_arg = cb != NULL ? arg : NULL;
	mf->view_state = MODEL_VIEW_INVALID;
	mf->nthreads = 0;
	return shown;
}

int
model_folder_is_limited(const struct model_folder *mf)
{
	return mf->limit != NULL;
}

size_t
model_folder_matches(const struct model_folder *mf, model_folder_match_cb cb,
    void *arg)
{
	size_t	i, n = 0;

	for (i = 0; i < mf->norder; i++) {
		if (cb(&mf->slots[mf->order[i]], arg))
			n++;
	}
	return n;
}

int
model_folder_tag(struct model_folder *mf, uint32_t uid, int on)
{
	struct model_row	*r;
	uint32_t		 slot;

	if (!model_uid_find(mf, uid, &slot))
		return 0;
	r = &mf->slots[slot];
	if (r->tagged && !on)
		mf->ntagged--;
	else if (!r->tagged && on)
		mf->ntagged++;
	r->tagged = on != 0;
	return 1;
}

size_t
model_folder_tag_matching(struct model_folder *mf, model_folder_match_cb cb,
    void *arg, int on)
{
	struct model_row	*r;
	size_t			 i, n = model_folder_count(mf), changed = 0;

	for (i = 0; i < n; i++) {
		r = &mf->slots[model_slot_at(mf, i)];
		if ((r->tagged != 0) == (on != 0) || !cb(r, arg))
			continue;
		r->tagged = on != 0;
		if (on)
			mf->ntagged++;
		else
			mf->ntagged--;
		changed++;
	}
	return changed;
}

size_t
model_folder_tagged(const struct model_folder *mf)
{
	return mf->ntagged;
}

uint32_t *
model_folder_tagged_uids(const struct model_folder *mf, size_t *n)
{
	const struct model_row	*r;
	uint32_t		*uids = NULL;
	size_t			 i, count = model_folder_count(mf);

	*n = 0;
	if (mf->ntagged == 0)
		return NULL;
	for (i = 0; i < count; i++) {
		r = &mf->slots[model_slot_at(mf, i)];
		if (!r->tagged)
			continue;
		if (uids == NULL)
			uids = xreallocarray(NULL, mf->ntagged, sizeof *uids);
		uids[(*n)++] = r->uid;
	}
	return uids;
}

int
model_folder_search(const struct model_folder *mf, size_t index,
    int backward, model_folder_match_cb cb, void *arg, size_t *found,
    int *wrapped)
{
	size_t	n = model_folder_count(mf), step, i;

	*wrapped = 0;
	if (n == 0)
		return 0;
	if (index >= n)
		index = n - 1;
	for (step = 1; step <= n; step++) {
		if (backward)
			i = (index + n - step % n) % n;
		else
			i = (index + step) % n;
		if (!cb(&mf->slots[model_slot_at(mf, i)], arg))
			continue;
		*found = i;
		*wrapped = backward ? i >= index : i <= index;
		return 1;
	}
	return 0;
}
