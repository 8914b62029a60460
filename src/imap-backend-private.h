/* imap-backend-private: what the IMAP backend's files share (imap-backend.c
 * reads, imap-apply.c changes); not for anyone else. Worker process only. */
#ifndef SKUA_IMAP_BACKEND_PRIVATE_H
#define SKUA_IMAP_BACKEND_PRIVATE_H

#include <stdint.h>
#include <time.h>

#include "backend.h"

struct config_account;
struct imap_session;
struct store_cache;
struct store_mirror;

struct imap_backend {
	const struct config_account	*account;
	struct store_mirror		*mirror;
	struct store_cache		*cache;
	char				*selected;	/* folder, or NULL */
	char				*open;		/* the UI's folder */
	struct imap_session		*session;
	char				*password;
	char				*token;		/* OAuth 2 */
	char				*trust_file;
	char				*offline;	/* why, when offline */
	time_t				 retry_at;
	int				 backoff;
	int				 refused;	/* policy: don't retry */
	int				 replaying;	/* in imap_apply_replay */
};

/* Connect if not connected (and replay the offline queue); 0 when online.
 * Offline is not an error: the caller serves local data and says so. */
int	imap_backend_connect(struct imap_backend *, struct backend_ctx *);
/* After a failure mid-request the stream is out of step: drop it. */
void	imap_backend_drop(struct imap_backend *, struct backend_ctx *,
	    const char *why);
/* Make sure folder is selected, with the UIDVALIDITY the mirror knows
 * (0: any). */
enum backend_status imap_backend_select(struct imap_backend *,
	    struct backend_ctx *, const char *folder, uint32_t uidvalidity,
	    char **error);
/* The backend's folder_list: the mirror's folders, then the server's. */
enum backend_status imap_backend_folder_list(void *state,
	    struct backend_ctx *, char **error);
/* A MSG_EV_FLAGS of one row, a MSG_EV_VANISHED of some. */
void	imap_backend_emit_flags(struct backend_ctx *, uint32_t uid,
	    uint32_t flags);
void	imap_backend_emit_vanished(struct backend_ctx *, const uint32_t *,
	    size_t);

#endif
