/* store-cache: the on-disk cache of fetched message parts of one IMAP
 * account, keyed by (folder, UIDVALIDITY, UID, section). Worker only. */
#ifndef SKUA_STORE_CACHE_H
#define SKUA_STORE_CACHE_H

#include <stddef.h>
#include <stdint.h>

/*
 * Layout under the directory given to store_cache_open (the account's
 * $XDG_CACHE_HOME/skua/ACCOUNT/parts): one directory per folder named by the
 * hex SHA-256 of the folder's name (any UTF-8, '/' and ".." included, never
 * reaches the file system), one per UIDVALIDITY below it, and one file per
 * part, "UID-SECTION" ("UID-all" for the whole message):
 *
 *	parts/<sha256 of name>/<uidvalidity>/<uid>-<SECTION>
 *
 * A part is written to "<file>.partial" and only a commit renames it, so a
 * file without that suffix is always complete; a ".partial" is a prefix of
 * the part that a later fetch resumes. Everything here is a cache: deleting
 * any of it at any time loses nothing.
 *
 * Sections are IMAP section specifiers without brackets: "" (the whole
 * message), "1", "1.2", "1.MIME", "2.HEADER", "TEXT"; letters are compared
 * without case. Anything else (a '/', spaces, HEADER.FIELDS lists, over 64
 * bytes) is STORE_CACHE_INVALID.
 */

enum store_cache_status {
	STORE_CACHE_OK,
	STORE_CACHE_NOT_FOUND,	/* no complete file for this key */
	STORE_CACHE_INVALID,	/* a NULL folder, UID 0 or a bad section */
	STORE_CACHE_BUSY,	/* another writer holds this part */
	STORE_CACHE_TOO_BIG,	/* store_cache_read: over the caller's max */
	STORE_CACHE_ERROR,	/* the file system failed: *error says why */
};

struct store_cache;
struct store_cache_writer;

/*
 * Open the cache in dir, creating it and its parents (mode 0700) if needed.
 * On STORE_CACHE_OK *out is the caller's (store_cache_close); otherwise
 * *error says why (caller frees).
 */
enum store_cache_status store_cache_open(const char *dir,
		     struct store_cache **out, char **error);
/* Accepts NULL. Writers still open must be committed or aborted first. */
void		 store_cache_close(struct store_cache *);
/* The cache's directory; borrowed until store_cache_close. */
const char	*store_cache_dir(struct store_cache *);

/* The path of the complete file for a key (it may not exist), or NULL for an
 * invalid key; the caller frees. */
char		*store_cache_path(struct store_cache *, const char *folder,
		     uint32_t uidvalidity, uint32_t uid, const char *section);
/* Whether a complete (committed) file exists for the key. */
int		 store_cache_has(struct store_cache *, const char *folder,
		     uint32_t uidvalidity, uint32_t uid, const char *section);
/*
 * Read a complete part into memory if it is at most max bytes: *data is the
 * caller's, NUL-terminated after *len bytes (parts may hold NULs of their
 * own). STORE_CACHE_NOT_FOUND if nothing is committed for the key,
 * STORE_CACHE_TOO_BIG if it is larger than max (stream it from
 * store_cache_path instead).
 */
enum store_cache_status store_cache_read(struct store_cache *,
		     const char *folder, uint32_t uidvalidity, uint32_t uid,
		     const char *section, size_t max, char **data, size_t *len,
		     char **error);

/*
 * Start (or resume) writing a part: opens "<file>.partial" for appending,
 * creating the directories, and locks it so a second writer gets
 * STORE_CACHE_BUSY. *resume_offset is the partial's current size: the caller
 * fetches from there. On STORE_CACHE_OK *w is the caller's until it passes
 * it to store_cache_commit or store_cache_abort, which always free it.
 */
enum store_cache_status store_cache_begin(struct store_cache *,
		     const char *folder, uint32_t uidvalidity, uint32_t uid,
		     const char *section, struct store_cache_writer **w,
		     uint64_t *resume_offset, char **error);
/*
 * Append len bytes. Every write is checked: a short or failed write (disk
 * full, file too large, I/O error) is STORE_CACHE_ERROR, and the writer
 * stays failed, so a commit refuses. The partial remains a prefix of the
 * part either way.
 */
enum store_cache_status store_cache_write(struct store_cache_writer *,
		     const void *buf, size_t len, char **error);
/* Bytes in the partial so far (the resume offset plus what was written). */
uint64_t	 store_cache_written(struct store_cache_writer *);
/*
 * The part is complete: fsync the partial, rename it to the final name and
 * fsync the directory, so the complete file never exists half-written, even
 * after a crash. Frees w. A writer whose writes failed is refused and its
 * partial kept; if the fsync or rename fails the partial is removed.
 */
enum store_cache_status store_cache_commit(struct store_cache_writer *w,
		     char **error);
/* Give up: keep the partial for a later resume (a cancel, a dropped
 * connection) or remove it. Frees w; accepts NULL. */
void		 store_cache_abort(struct store_cache_writer *w,
		     int keep_partial);

/* UIDVALIDITY changed or the folder is gone: remove all the folder's files
 * (complete and partial). A folder with nothing cached is STORE_CACHE_OK. */
enum store_cache_status store_cache_drop_folder(struct store_cache *,
		     const char *folder, char **error);
/* A message was expunged: remove its parts (complete and partial). */
enum store_cache_status store_cache_drop_message(struct store_cache *,
		     const char *folder, uint32_t uidvalidity, uint32_t uid,
		     char **error);

#endif
