/* backend: choosing the backend for an account's protocol. A POP3 account
 * is composed: reading is the local store's (maildir-backend), and its
 * sync is the download into that store. */
#include "auto-config.h"

#include <stddef.h>

#include "backend.h"
#include "config.h"
#include "imap-backend.h"
#include "maildir-backend.h"
#include "pop3-backend.h"

/* sync downloads (pop3-backend), then looks at the store again, so that
 * mail delivered by `skua fetch` or another program shows up too. */
static const struct backend backend_pop3 = {
	.name = "pop3",
	.open = maildir_backend_open,
	.close = maildir_backend_close,
	.folder_list = maildir_backend_folder_list,
	.folder_open = maildir_backend_folder_open,
	.part_fetch = maildir_backend_part_fetch,
	.part_save = maildir_backend_part_save,
	.sync = pop3_backend_sync,
};

const struct backend *
backend_for(const struct config_account *a)
{
	switch (a->protocol) {
	case CONFIG_PROTOCOL_IMAP:
		return &backend_imap;
	case CONFIG_PROTOCOL_POP3:
		return &backend_pop3;
	}
	return NULL;
}
