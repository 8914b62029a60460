/* maildir-backend: the reading side of an account whose mail is in a local
 * Maildir (a POP3 account: its download delivers there): folders, index
 * rows from the cache and a scan, message text, attachments. Everything
 * is local, so it all works offline. Worker process only.
 *
 * The operations are public so that an account kind can be composed of
 * them and its own sync: backend.c's POP3 backend is these plus the
 * download. A sync step that delivered mail calls maildir_backend_sync()
 * after, so the rows it brought reach the interface. */
#ifndef SKUA_MAILDIR_BACKEND_H
#define SKUA_MAILDIR_BACKEND_H

#include <stdint.h>

#include "backend.h"

struct config_account;
struct maildir;

/* The account's store: its maildir option ("~/" is the home directory),
 * else $XDG_DATA_HOME/skua/ACCOUNT/mail. The caller frees it. */
char		*maildir_backend_store_path(const struct config_account *);

/* struct backend's operations (see backend.h). state is a
 * struct maildir_backend made by open. */
enum backend_status maildir_backend_open(struct backend_ctx *,
		     const struct config_account *, void **state,
		     char **error);
void		 maildir_backend_close(void *state);
enum backend_status maildir_backend_folder_list(void *state,
		     struct backend_ctx *, char **error);
enum backend_status maildir_backend_folder_open(void *state,
		     struct backend_ctx *, const char *folder, char **error);
enum backend_status maildir_backend_part_fetch(void *state,
		     struct backend_ctx *, const char *folder, uint32_t uid,
		     const char *section, const struct render_opts *,
		     char **error);
enum backend_status maildir_backend_part_save(void *state,
		     struct backend_ctx *, const char *folder, uint32_t uid,
		     const char *section, const char *path, char **error);
/*
 * Look at the store again: folder's new, changed and vanished messages
 * as events (ROWS, FLAGS, VANISHED), or with folder "" every folder's
 * (and then the folder list, for the counts). Files in new/ stay there:
 * only opening a folder moves them to cur/. Then notmuch is brought up
 * to date for a while. This is the whole sync of a store nobody
 * downloads into; a downloader's sync calls it after delivering.
 */
enum backend_status maildir_backend_sync(void *state, struct backend_ctx *,
		     const char *folder, uint32_t flags, char **error);

/* For an account kind built on these operations. The account and the
 * store are borrowed for the life of state. */
const struct config_account *maildir_backend_account(void *state);
struct maildir	*maildir_backend_store(void *state);
/* Keep a companion's own state (the POP3 downloader's) with this one;
 * close frees it with free_cb. Attaching again frees the old one. */
void		 maildir_backend_attach(void *state, void *companion,
		     void (*free_cb)(void *));
void		*maildir_backend_companion(void *state);

#endif
