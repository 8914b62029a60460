/* maildir-notmuch: the notmuch index of a local store: a database at the
 * store's root (root/.notmuch), files indexed as they arrive or move, and
 * tags that follow the Maildir flags (S: not unread, F: flagged, R:
 * replied, P: passed, D: draft) as `notmuch new` would set them. Worker
 * process only, better a process of its own (maildir-backend forks one):
 * libnotmuch ends the process on some internal errors. One writer at a
 * time: a session is opened, used for one batch and closed at once,
 * since a second writer waits for the first. */
#ifndef SKUA_MAILDIR_NOTMUCH_H
#define SKUA_MAILDIR_NOTMUCH_H

#include <stddef.h>

enum maildir_notmuch_status {
	MAILDIR_NOTMUCH_OK,
	MAILDIR_NOTMUCH_NOT_FOUND,	/* notmuch does not have that file */
	MAILDIR_NOTMUCH_ERROR,		/* *error says why */
};

struct maildir_notmuch;

/* Open root's database for writing, creating it if there is none. The
 * caller frees *error. */
enum maildir_notmuch_status maildir_notmuch_open(const char *root,
		     struct maildir_notmuch **, char **error);
/* Commit and close; NULL is fine. */
void		 maildir_notmuch_close(struct maildir_notmuch *);

/*
 * Paths are absolute, inside root, of files in new/ or cur/. add indexes a
 * file: a message notmuch did not have gets "inbox" and "unread" (the
 * tags `notmuch new` gives by default), then every message's tags follow
 * its files' flags. A file that is not mail is MAILDIR_NOTMUCH_ERROR.
 */
enum maildir_notmuch_status maildir_notmuch_add(struct maildir_notmuch *,
		     const char *path, char **error);
/* A file moved (its flags changed, new/ to cur/, another folder): the new
 * name is indexed, the old one forgotten, the tags follow the flags. */
enum maildir_notmuch_status maildir_notmuch_rename(struct maildir_notmuch *,
		     const char *from, const char *to, char **error);
/* A file is gone; the message goes with its last file. */
enum maildir_notmuch_status maildir_notmuch_remove(struct maildir_notmuch *,
		     const char *path, char **error);
/* Tags again from the flags of the message's files (a file of it was
 * renamed by flags, and notmuch already has the new name). */
enum maildir_notmuch_status maildir_notmuch_flags(struct maildir_notmuch *,
		     const char *path, char **error);
/* Whether notmuch has this file (cheap: no parsing). */
int		 maildir_notmuch_has(struct maildir_notmuch *,
		     const char *path);

/*
 * For whoever delivers into the store (the POP3 download): index n just
 * delivered files in one short session. Files notmuch has are only
 * re-tagged; a failure on one file does not stop the others (the local
 * backend indexes what is missing when it scans the folder). Returns the
 * first error.
 */
enum maildir_notmuch_status maildir_notmuch_index_files(const char *root,
		     const char *const *paths, size_t n, char **error);

#endif
