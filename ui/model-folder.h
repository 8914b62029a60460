/* model-folder: the UI's rows of the open folder, fed by the worker's ROWS,
 * FLAGS and VANISHED events, kept newest first, with a selection that
 * follows its message. No curses here: it is unit tested alone. UI process. */
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
	uint32_t	 state : 2;	/* model-folder.c's bookkeeping */
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

struct model_folder;

struct model_folder	*model_folder_new(void);
void			 model_folder_free(struct model_folder *);
/* Drop every row (a reset, or another folder); the selection too. */
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

size_t			 model_folder_count(const struct model_folder *);
size_t			 model_folder_unseen(const struct model_folder *);
/* Row at index (0 is the newest), or NULL past the end. Borrowed until
 * the next change. */
const struct model_row	*model_folder_row(const struct model_folder *,
			     size_t index);
const struct model_row	*model_folder_find(const struct model_folder *,
			     uint32_t uid);
/* The index of uid into *index; 0 if it is not there. */
int			 model_folder_index_of(const struct model_folder *,
			     uint32_t uid, size_t *index);

/*
 * The selection. Until something is selected it is the first (newest) row,
 * whatever arrives; once selected, it stays on that message while rows come
 * and go around it, and when the message goes, it moves to the row that took
 * its place.
 */
size_t			 model_folder_selected(const struct model_folder *);
/* 0 when the model is empty. */
uint32_t		 model_folder_selected_uid(const struct model_folder *);
void			 model_folder_select(struct model_folder *,
			     size_t index);
/* Move by delta rows, clamped to the ends. */
void			 model_folder_move(struct model_folder *, long delta);

#endif
