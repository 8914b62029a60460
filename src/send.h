/* send: the worker's side of sending, the same for every account kind:
 * queue the message in the outbox, hand it to the server, keep a copy in
 * Sent. Worker process only (it blocks on the server). */
#ifndef SKUA_SEND_H
#define SKUA_SEND_H

#include <stddef.h>

#include "backend.h"

struct config_account;

/*
 * Put a copy of a sent message in folder (the IMAP server's Sent): the
 * worker gives the backend's append. POP3 accounts are not asked: their
 * copy goes to the local Maildir's Sent.
 */
typedef enum backend_status (*send_save_cb)(void *arg,
		     struct backend_ctx *, const char *folder,
		     const char *data, size_t len, char **error);

/*
 * MSG_REQ_SEND: queue len bytes of data in the account's outbox for
 * sender ("": the address of the account's from) and the n rcpts, then
 * send it. Sent: out of the outbox, and with save_sent a copy in sent
 * (IMAP; "" for none) or the local Sent (POP3), a MSG_EV_NOTE if that
 * copy failed. Not sent: BACKEND_ERROR with *error saying why (caller
 * frees), and *kept 1 when the message is safe in the outbox with the
 * error recorded, 0 when it never got there (the caller still has it).
 */
enum backend_status send_submit(struct backend_ctx *,
		     const struct config_account *, const char *sender,
		     char * const *rcpts, size_t n, const char *sent,
		     const char *data, size_t len, send_save_cb, void *arg,
		     int *kept, char **error);

/* MSG_REQ_OUTBOX_FLUSH: send every queued message again, oldest first;
 * one the server refuses stays and the rest go on, any other failure
 * stops there (the next would fail the same way). */
enum backend_status send_flush(struct backend_ctx *,
		     const struct config_account *, send_save_cb, void *arg,
		     char **error);

/* MSG_REQ_OUTBOX_LIST: one MSG_EV_OUTBOX per queued message, oldest
 * first. */
enum backend_status send_outbox_list(struct backend_ctx *,
		     const struct config_account *, char **error);

#endif
