/* pop3-backend: the download half of a POP3 account: its sync operation
 * fetches the maildrop into the local store, then lets the store's own
 * backend (maildir-backend) send what changed. Worker process only. */
#ifndef SKUA_POP3_BACKEND_H
#define SKUA_POP3_BACKEND_H

#include <stdint.h>

#include "backend.h"

/*
 * struct backend's sync for POP3, on the state maildir_backend_open made:
 * download (with progress events, questions for a password or an unknown
 * certificate, and one MSG_EV_FETCHED with the counts), then unless flags
 * has BACKEND_SYNC_DOWNLOAD_ONLY, maildir_backend_sync for folder. A failed
 * download is the request's error, after the store was looked at.
 */
enum backend_status pop3_backend_sync(void *state, struct backend_ctx *,
		     const char *folder, uint32_t flags, char **error);

#endif
