/* imap-folders: the account's folder list from the server (LIST-STATUS, or
 * LIST with special-use, LSUB, STATUS), stored in the mirror under skua's
 * names (modified UTF-7). Worker process only. */
#ifndef SKUA_IMAP_FOLDERS_H
#define SKUA_IMAP_FOLDERS_H

#include "store-mirror.h"

struct imap_session;

/*
 * Refresh the mirror's folders from the server: add new ones, drop those
 * gone, update roles, subscriptions and counts. *error on failure (the
 * mirror keeps what it had).
 */
enum store_status imap_folders_refresh(struct imap_session *,
		     struct store_mirror *, char **error);
/* The role a name implies when the server says nothing (INBOX, Sent...). */
enum store_role	 imap_folders_role_from_name(const char *name, char delimiter);

#endif
