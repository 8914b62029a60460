/* model-folder: the UI's rows of the open folder, fed by the worker's ROWS,
 * FLAGS and VANISHED events, in the index's order (newest first, threads,
 * sender, subject or size), with a selection that follows its message, a
 * limit to some rows, and tags. No curses here: it is unit tested alone.
 * UI process. */
#ifndef SKUA_MODEL_FOLDER_H
#define SKUA_MODEL_FOLDER_H

#include <stddef.h>
#include <stdint.h>

struct msg;
struct summary;

/*
 * One message as the index shows it. from and subject are interned (shared
 * by every row with the same text); the threading fields are the row's own.
 * All strings are borrowed from the model until the row changes or goes,
 * and any of them may be NULL.
 */
struct model_row {
	uint32_t	 uid;
	uint32_t	 flags;		/* STORE_FLAG_* */
	uint32_t	 size;
	uint32_t	 attachments : 1;
	uint32_t	 tagged : 1;
	uint32_t	 state : 2;	/* model-folder.c's bookkeeping */
	uint32_t	 limited : 1;	/* model-folder.c's: shown under the
					   limit */
	int64_t		 date;		/* seconds since the epoch */
	const char	*from;
	const char	*subject;
	char		*message_id;
	char		*in_reply_to;
	char		*references;
};

enum model_folder_status {
	MODEL_FOLDER_OK,
	MODEL_FOLDER_IGNORED,	/* not a ROWS, FLAGS or VANISHED event */
	MODEL_FOLDER_INVALID,	/* a malformed event; the model is unchanged
				   or holds the rows read before the fault */
};

/* The index's orders (src/thread.h has the details). */
enum model_folder_sort {
	MODEL_FOLDER_SORT_DATE,		/* newest first */
	MODEL_FOLDER_SORT_FROM,		/* by sender, A first */
	MODEL_FOLDER_SORT_SUBJECT,	/* by subject without "Re:", A first */
	MODEL_FOLDER_SORT_SIZE,		/* largest first */
	MODEL_FOLDER_SORT_THREAD,	/* threads, newest first */
	MODEL_FOLDER_SORT_COUNT,
};

/* model_folder_set_sort's flags. */
#define MODEL_FOLDER_REVERSE		0x1	/* the order upside down */
#define MODEL_FOLDER_THREAD_FIRST_DATE	0x2	/* a thread's place is its
						   first message's date, not
						   its latest's */

struct model_folder;

/* Whether a row is wanted (by a limit, a search, a tag pattern). */
typedef int (*model_folder_match_cb)(const struct model_row *, void *);

/* A new model sorts by date, newest first. */
struct model_folder	*model_folder_new(void);
void			 model_folder_free(struct model_folder *);
/* Drop every row (a reset, or another folder); the selection too, not the
 * order. */
void			 model_folder_clear(struct model_folder *);

/*
 * Apply one event: MSG_EV_ROWS (u32 n, n summaries: insert or replace by
 * uid), MSG_EV_FLAGS (u32 n, n × (u32 uid, u32 flags)) or MSG_EV_VANISHED
 * (u32 n, n × u32 uid; n == 0 means the folder was reset). m is read from
 * its first field; the caller keeps it.
 */
enum model_folder_status model_folder_event(struct model_folder *,
			     struct msg *m);

/* The same changes without a message. Rows are copied. */
void			 model_folder_upsert(struct model_folder *,
			     const struct summary *, size_t n);
/* 0 if uid is not in the model. */
int			 model_folder_set_flags(struct model_folder *,
			     uint32_t uid, uint32_t flags);
void			 model_folder_remove(struct model_folder *,
			     const uint32_t *uids, size_t n);

/*
 * The order of the rows; the selection stays on its message. Any order but
 * the date's is a view built from the rows when they are next read after a
 * change (so the reading calls below may take a while, once, after a
 * batch): a thread build over 100,000 rows costs tens of milliseconds.
 */
void			 model_folder_set_sort(struct model_folder *,
			     enum model_folder_sort, int flags);
enum model_folder_sort	 model_folder_sort(const struct model_folder *,
			     int *flags);
/*
 * While rows stream in (an open or a sync), on: new rows wait at the end of
 * the view, unsorted, until model_folder_refresh rebuilds it. Off (the
 * default): every read sees the order complete. Rows going or another
 * order rebuild the view at the next read either way.
 */
void			 model_folder_defer(struct model_folder *, int on);
/* Once before drawing: rebuild a deferred view when the time since the last
 * build is four times what it cost, so at most about a fifth of the time
 * goes to rebuilding while rows stream in. */
void			 model_folder_refresh(struct model_folder *);

/*
 * Show only the rows cb accepts; cb NULL shows them all again. cb is asked
 * about every row now, in one pass, and about each new row as it arrives
 * (a sync's rows respect the limit); a row keeps its place while its flags
 * change, as in mutt (a message read under a limit to unread ones stays
 * until the limit is set again). arg is borrowed until the limit is
 * replaced or cleared; clearing the model keeps the limit, as it keeps the
 * order. Any order but the date's costs a view build over the rows shown.
 * The selection stays on its message if it is shown, else moves to the
 * nearest row shown after it. Returns the number of rows shown.
 */
size_t			 model_folder_limit(struct model_folder *,
			     model_folder_match_cb cb, void *arg);
int			 model_folder_is_limited(const struct model_folder *);
/* How many rows, shown or not, cb accepts; nothing changes. */
size_t			 model_folder_matches(const struct model_folder *,
			     model_folder_match_cb cb, void *arg);

/*
 * Tags (mutt's t, T and ^T). A tag stays on its row until it is removed
 * or the row goes; tagging changes no row's place, even under a limit to
 * tagged rows. model_folder_tag: 0 if uid is not in the model.
 * model_folder_tag_matching tags (on) or untags the rows shown that cb
 * accepts, and returns how many changed.
 */
int			 model_folder_tag(struct model_folder *, uint32_t uid,
			     int on);
size_t			 model_folder_tag_matching(struct model_folder *,
			     model_folder_match_cb cb, void *arg, int on);
/* Tagged rows, shown or not. */
size_t			 model_folder_tagged(const struct model_folder *);
/* The uids of the tagged rows shown, in the order shown (what mutt's ;
 * applies to), *n of them; the caller frees the array (NULL when none). */
uint32_t		*model_folder_tagged_uids(const struct model_folder *,
			     size_t *n);

/*
 * The next row shown that cb accepts after index (before it if backward),
 * going round past the end; index itself is tried last. Its index goes in
 * *found and *wrapped says whether the search went round. 0 if no row
 * shown is accepted.
 */
int			 model_folder_search(const struct model_folder *,
			     size_t index, int backward,
			     model_folder_match_cb cb, void *arg,
			     size_t *found, int *wrapped);

/* Rows shown: all of them, or those in the limit. Every index below
 * counts rows shown. */
size_t			 model_folder_count(const struct model_folder *);
/* Every row, shown or not. */
size_t			 model_folder_total(const struct model_folder *);
/* Unread rows, shown or not. */
size_t			 model_folder_unseen(const struct model_folder *);
/* Row at index (0 is the first shown), or NULL past the end. Borrowed
 * until the next change. */
const struct model_row	*model_folder_row(const struct model_folder *,
			     size_t index);
const struct model_row	*model_folder_find(const struct model_folder *,
			     uint32_t uid);
/* The oldest row by date (whatever the order or the limit), or NULL when
 * empty. */
const struct model_row	*model_folder_oldest(const struct model_folder *);
/* The index of uid into *index; 0 if it is not there or not shown. */
int			 model_folder_index_of(const struct model_folder *,
			     uint32_t uid, size_t *index);
/*
 * The thread tree left of row index's subject, as src/thread.h's
 * THREAD_TREE_* bytes in at most size - 1 columns ("" when the order is
 * not by thread, for a thread's first message, or for a row still
 * waiting for the view); returns its length.
 */
size_t			 model_folder_tree(const struct model_folder *,
			     size_t index, char *buf, size_t size);

/*
 * The selection. Until something is selected it is the first row, whatever
 * arrives; once selected, it stays on that message while rows come and go
 * around it, and when the message goes, it moves to the row that took its
 * place.
 */
size_t			 model_folder_selected(const struct model_folder *);
/* 0 when the model is empty. */
uint32_t		 model_folder_selected_uid(const struct model_folder *);
void			 model_folder_select(struct model_folder *,
			     size_t index);
/* Move by delta rows, clamped to the ends. */
void			 model_folder_move(struct model_folder *, long delta);

#endif
