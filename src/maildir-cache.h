/* maildir-cache: what skua learnt from the files of a local store, kept in
 * SQLite ($XDG_CACHE_HOME/skua/ACCOUNT/maildir.db) so that a folder of 10k
 * messages opens without parsing 10k files: each file's summary and MIME
 * structure, and the UID the interface knows it by. Only a cache: the
 * Maildir is the mail, and deleting this file loses nothing. Worker
 * process only. */
#ifndef SKUA_MAILDIR_CACHE_H
#define SKUA_MAILDIR_CACHE_H

#include <stddef.h>
#include <stdint.h>

#include "store-mirror.h"	/* struct store_message */

enum maildir_cache_status {
	MAILDIR_CACHE_OK,
	MAILDIR_CACHE_NOT_FOUND,	/* no such folder or message */
	MAILDIR_CACHE_ERROR,		/* maildir_cache_error() says why */
};

/*
 * One message file. m holds the summary the index shows (m.uid: the UID,
 * per folder, given once and never reused while the cache lives; m.size:
 * the file's size, capped; m.internal_date: mtime). Strings are owned by
 * the row (maildir_cache_row_clear).
 */
struct maildir_cache_row {
	struct store_message	 m;
	char			*key;	/* the unique part of its name */
	char			*file;	/* "cur/KEY:2,S", in its folder */
	uint64_t		 size;
	int64_t			 mtime;
	char			*indexed; /* the file notmuch has, or NULL */
	uint32_t		 indexed_flags;	/* flags its tags say */
	int			 parsed; /* 0: a stand-in for a file that
					    could not be read; try again */
};

struct maildir_cache;

/*
 * Open (creating, mode 0600) the cache at path. A file that is not one, is
 * damaged, or was made by another version of this code is emptied and made
 * again: rebuilding is always safe. MAILDIR_CACHE_ERROR only when even
 * that fails; *error says why (the caller frees).
 */
enum maildir_cache_status maildir_cache_open(const char *path,
		     struct maildir_cache **, char **error);
void		 maildir_cache_close(struct maildir_cache *);
/* Why the last call failed; borrowed until the next call. */
const char	*maildir_cache_error(struct maildir_cache *);

/* Group writes into one transaction (scanning a folder: one commit per
 * batch, not per file). Nesting is not supported. */
enum maildir_cache_status maildir_cache_begin(struct maildir_cache *);
enum maildir_cache_status maildir_cache_commit(struct maildir_cache *);
void		 maildir_cache_rollback(struct maildir_cache *);

/* Forget a folder and its rows; rename one (and its sub-levels, names
 * below from + delimiter) keeping UIDs. */
enum maildir_cache_status maildir_cache_folder_delete(struct maildir_cache *,
		     const char *folder);
enum maildir_cache_status maildir_cache_folder_rename(struct maildir_cache *,
		     const char *from, const char *to, char delimiter);

/* Every row of a folder, sorted by key, without the summary strings (the
 * fields a scan compares: uid, flags, key, file, size, mtime, indexed,
 * parsed).
 * *rows is the caller's (maildir_cache_rows_free). */
enum maildir_cache_status maildir_cache_files(struct maildir_cache *,
		     const char *folder, struct maildir_cache_row **rows,
		     size_t *n);
void		 maildir_cache_rows_free(struct maildir_cache_row *, size_t);

/* Take count UIDs for new files: *first, *first + 1, ... */
enum maildir_cache_status maildir_cache_uids(struct maildir_cache *,
		     const char *folder, uint32_t count, uint32_t *first);
/* Store a whole row under its uid (replacing one with that uid). A row
 * whose key the folder already has under another UID (another process
 * got there first) is not stored; *uid (if not NULL) is the UID the key
 * has now. */
enum maildir_cache_status maildir_cache_put(struct maildir_cache *,
		     const char *folder, const struct maildir_cache_row *,
		     uint32_t *uid);
/* The file moved (flags changed, new/ to cur/). */
enum maildir_cache_status maildir_cache_file_set(struct maildir_cache *,
		     const char *folder, uint32_t uid, const char *file,
		     uint32_t flags);
/* What notmuch has for it now. */
enum maildir_cache_status maildir_cache_indexed_set(struct maildir_cache *,
		     const char *folder, uint32_t uid, const char *indexed,
		     uint32_t flags);
enum maildir_cache_status maildir_cache_remove(struct maildir_cache *,
		     const char *folder, const uint32_t *uids, size_t n);

/* A whole row; the caller clears it. */
enum maildir_cache_status maildir_cache_get(struct maildir_cache *,
		     const char *folder, uint32_t uid,
		     struct maildir_cache_row *);
/* Rows newest first (by UID descending), at most limit (0: all), below
 * before_uid (0: from the top). The row is borrowed; cb returns non-zero
 * to stop. Do not write to the cache from cb. */
typedef int	(*maildir_cache_cb)(const struct maildir_cache_row *, void *);
enum maildir_cache_status maildir_cache_each(struct maildir_cache *,
		     const char *folder, uint32_t before_uid, size_t limit,
		     maildir_cache_cb, void *);
/* Up to limit rows of any folder whose file or flags notmuch does not
 * have yet (flags compared under mask), with their folder's name. */
typedef int	(*maildir_cache_pending_cb)(const char *folder,
		     const struct maildir_cache_row *, void *);
enum maildir_cache_status maildir_cache_pending(struct maildir_cache *,
		     uint32_t mask, size_t limit, maildir_cache_pending_cb,
		     void *);

void		 maildir_cache_row_clear(struct maildir_cache_row *);

#endif
