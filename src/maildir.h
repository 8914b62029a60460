/* maildir: the local store on disk, ordinary Maildir++ that mutt, notmuch
 * and mbsync read too: INBOX at the root, folders as .Name directories in
 * it (.Lists.dev under .Lists), flags in the file names. Worker process
 * only; nothing here parses a message. */
#ifndef SKUA_MAILDIR_H
#define SKUA_MAILDIR_H

#include <stddef.h>
#include <stdint.h>

#include "store-mirror.h"	/* enum store_role, STORE_FLAG_* */

enum maildir_status {
	MAILDIR_OK,
	MAILDIR_NOT_FOUND,	/* no such folder or message file */
	MAILDIR_EXISTS,		/* the folder (or file) is already there */
	MAILDIR_INVALID,	/* not a name a folder can have */
	MAILDIR_ERROR,		/* *error says why */
};

/* The folder at the root, and the character between levels. */
#define MAILDIR_INBOX		"INBOX"
#define MAILDIR_DELIMITER	'.'

/* The flags a file name can carry (":2,DFPRST"); others are dropped. */
#define MAILDIR_FLAGS	(STORE_FLAG_DRAFT | STORE_FLAG_FLAGGED | \
	STORE_FLAG_FORWARDED | STORE_FLAG_ANSWERED | STORE_FLAG_SEEN | \
	STORE_FLAG_DELETED)

struct maildir_folder {
	char		*name;		/* "INBOX", "Trash", "Lists.dev" */
	enum store_role	 role;		/* by name: Sent, Trash, ... */
	int		 noselect;	/* a parent level with no directory */
};

/* One message file. file is relative to the folder's directory and names
 * where it was seen ("new/KEY" or "cur/KEY:2,FS"); it moves when flags
 * change, so code that keeps it must be ready to look it up again. */
struct maildir_entry {
	char		*key;		/* the unique name, before ':' */
	char		*file;
	uint32_t	 flags;		/* STORE_FLAG_*; in new/: none */
	uint64_t	 size;
	int64_t		 mtime;		/* when delivered, near enough */
};

struct maildir;

/* Open the store at root, creating root as a Maildir (tmp, new, cur;
 * mode 0700) if it is not one. The caller frees *error. */
enum maildir_status maildir_open(const char *root, struct maildir **,
		     char **error);
/* Close; NULL is fine. */
void		 maildir_close(struct maildir *);
/* The root directory; borrowed for the life of the store. */
const char	*maildir_root(const struct maildir *);

/* Whether name can be a folder: INBOX, or levels of 1 to 200 bytes
 * joined by '.', without '/', control characters, a leading '.' or
 * empty levels, and not notmuch's own directory. */
int		 maildir_name_is_valid(const char *name);
/* A folder's directory (root, or root/.Name); NULL for an invalid name.
 * The caller frees it. */
char		*maildir_folder_path(const struct maildir *, const char *name);
/* The role a folder has by its name (top level only). */
enum store_role	 maildir_role(const char *name);

/*
 * Every folder: INBOX first, then the .Name directories that have a cur/
 * in name order, with a parent level that has no directory of its own
 * listed as noselect. Names that are not valid are skipped. *folders is
 * the caller's (maildir_folders_free).
 */
enum maildir_status maildir_folders(struct maildir *,
		     struct maildir_folder **folders, size_t *n, char **error);
void		 maildir_folders_free(struct maildir_folder *, size_t);

/*
 * The messages of a folder, new/ first then cur/. Files that vanish while
 * this runs (another client moved or deleted them), are not regular
 * files, or carry a name no Maildir writer makes (empty, dot files) are
 * left out; a key seen twice is listed once. With move_new, files in new/
 * are moved to cur/ (as mutt does once a folder was shown), keeping their
 * key. *entries is the caller's (maildir_entries_free).
 */
enum maildir_status maildir_scan(struct maildir *, const char *folder,
		     int move_new, struct maildir_entry **entries, size_t *n,
		     char **error);
void		 maildir_entries_free(struct maildir_entry *, size_t);
/* Messages and unseen ones (new/, and cur/ without S), from names only. */
enum maildir_status maildir_count(struct maildir *, const char *folder,
		     uint32_t *total, uint32_t *unseen, char **error);

/* Flags in names: the flags of a file name, its key (the caller frees
 * it), and the name with other flags: the key, ":2," and the letters
 * sorted, letters skua does not know (keywords) kept. */
uint32_t	 maildir_name_flags(const char *name);
char		*maildir_name_key(const char *name);
char		*maildir_name_with_flags(const char *name, uint32_t flags);

/*
 * Give the message file (as in an entry) these flags by renaming it into
 * cur/; *newfile (if not NULL) says where it is now (the caller frees).
 * MAILDIR_NOT_FOUND when the file is gone: scan again, it may have moved.
 */
enum maildir_status maildir_flags_set(struct maildir *, const char *folder,
		     const char *file, uint32_t flags, char **newfile,
		     char **error);

/* Read a message file whole, at most max bytes (else MAILDIR_ERROR); the
 * caller frees *buf. MAILDIR_NOT_FOUND when it is gone. */
enum maildir_status maildir_read(struct maildir *, const char *folder,
		     const char *file, size_t max, char **buf, size_t *len,
		     char **error);
/* At most the first max bytes of a message file, however large it is. */
enum maildir_status maildir_read_head(struct maildir *, const char *folder,
		     const char *file, size_t max, char **buf, size_t *len,
		     char **error);
/* The path of a message file; the caller frees it. */
char		*maildir_file_path(const struct maildir *, const char *folder,
		     const char *file);

/*
 * Deliver len bytes as a new message: written to tmp/, fsynced, moved
 * into new/ (cur/ when flags are given), the directory fsynced. *file
 * says where (the caller frees; may be NULL).
 */
enum maildir_status maildir_deliver(struct maildir *, const char *folder,
		     const char *data, size_t len, uint32_t flags, char **file,
		     char **error);

/* Folders. Create makes tmp, new, cur (MAILDIR_EXISTS if there). Rename
 * takes the folder's sub-levels with it. Delete removes the folder, its
 * messages and its sub-levels: a request the user has confirmed, never a
 * side effect. INBOX cannot be renamed or deleted. */
enum maildir_status maildir_folder_create(struct maildir *, const char *name,
		     char **error);
enum maildir_status maildir_folder_rename(struct maildir *, const char *from,
		     const char *to, char **error);
enum maildir_status maildir_folder_delete(struct maildir *, const char *name,
		     char **error);

/*
 * Messages between folders; *newfile says where the message is in the
 * target (the caller frees; may be NULL). Copy links the file, or writes
 * and fsyncs a copy where links are not possible, under a new key. Move
 * renames, keeping the key unless the target has it already. Delete
 * moves to Trash (made if missing); purge unlinks, and only from Trash.
 */
enum maildir_status maildir_copy(struct maildir *, const char *from,
		     const char *file, const char *to, char **newfile,
		     char **error);
enum maildir_status maildir_move(struct maildir *, const char *from,
		     const char *file, const char *to, char **newfile,
		     char **error);
enum maildir_status maildir_delete(struct maildir *, const char *folder,
		     const char *file, char **newfile, char **error);
enum maildir_status maildir_purge(struct maildir *, const char *folder,
		     const char *file, char **error);
/* The Trash folder: an existing folder with that role, else "Trash". */
char		*maildir_trash_name(struct maildir *);

#endif
