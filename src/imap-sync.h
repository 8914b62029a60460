/* imap-sync: bring one folder's mirror up to date with the server, newest
 * messages first, and tell the caller each change as it is stored.
 * Worker process only. */
#ifndef SKUA_IMAP_SYNC_H
#define SKUA_IMAP_SYNC_H

#include <stddef.h>
#include <stdint.h>

#include "store-mirror.h"

struct imap_session;

/* What the caller hears, after each change is durable in the mirror. Any
 * member may be NULL. progress returns non-zero to stop (cancel). */
struct imap_sync_cb {
	void	 (*reset)(void *arg);	/* UIDVALIDITY changed: rows gone */
	void	 (*rows)(void *arg, const struct store_message *, size_t);
	void	 (*flags)(void *arg, uint32_t uid, uint32_t flags);
	void	 (*vanished)(void *arg, const uint32_t *uids, size_t);
	int	 (*progress)(void *arg, uint64_t done, uint64_t total);
	void	*arg;
};

struct imap_sync_stats {
	uint32_t	exists;		/* messages on the server */
	uint32_t	fetched;	/* new rows fetched */
	uint32_t	changed;	/* flag changes */
	uint32_t	vanished;
	int		reset;		/* UIDVALIDITY changed */
	const char	*method;	/* "cold", "qresync", "condstore",
					   "diff", "unchanged" */
};

enum imap_sync_status {
	IMAP_SYNC_OK,
	IMAP_SYNC_ERROR,	/* *error says why; the mirror stays sane */
	IMAP_SYNC_CANCELLED,
};

/*
 * SELECT folder and resynchronise its mirror: QRESYNC where offered, else
 * CONDSTORE CHANGEDSINCE, else a UID/FLAGS diff; new messages newest first
 * in growing windows. The folder stays selected afterwards.
 */
enum imap_sync_status imap_sync_folder(struct imap_session *,
		     struct store_mirror *, const char *folder,
		     const struct imap_sync_cb *, struct imap_sync_stats *,
		     char **error);

#endif
