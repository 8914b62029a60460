/* account-worker: the worker process's loop: one request at a time through
 * the backend, the backend_* calls it talks back with, cancel and questions. */
#include "auto-config.h"

#include <stdlib.h>
#include <string.h>

#include "account-worker.h"
#include "backend.h"
#include "config.h"
#include "intl.h"
#include "log.h"
#include "msg.h"
#include "render.h"
#include "send.h"
#include "store-mirror.h"
#include "xmalloc.h"

struct backend_ctx {
	struct msg_channel		*channel;
	const struct config_account	*account;
	const struct backend		*backend;
	void				*state;		/* what open() made */
	int				 opened;

	uint32_t			 id;		/* being served, or 0 */
	int				 cancelled;
	int				 quit;		/* QUIT came */
	int				 lost;		/* the UI is gone */

	uint32_t			 question;	/* asked, or 0 */
	uint32_t			 next_question;
	int				 answered;
	char				*answer;

	struct msg			**queue;	/* requests to serve */
	size_t				 nqueue;
	size_t				 queue_size;
};

static const char *
account_worker_name(const struct backend_ctx *ctx)
{
	if (ctx->account == NULL || ctx->account->name == NULL)
		return "?";
	return ctx->account->name;
}

/* Free a string that may hold a secret. */
static void
account_worker_free_secret(char *s)
{
	if (s != NULL) {
		explicit_bzero(s, strlen(s));
		free(s);
	}
}

/* Send to the UI and wait until it is written: the UI always reads, and a
 * backend producing faster than the UI takes must not grow without bound. */
static void
account_worker_send(struct backend_ctx *ctx, struct msg *m)
{
	if (ctx->lost) {
		msg_free(m);
		return;
	}
	if (msg_channel_send(ctx->channel, m) != MSG_OK ||
	    (msg_channel_pending(ctx->channel) &&
	    msg_channel_drain(ctx->channel) != MSG_OK)) {
		log_debug("%s: %s: the UI is gone", __func__,
		    account_worker_name(ctx));
		ctx->lost = 1;
		ctx->cancelled = 1;
	}
}

/* Take a request out of the queue, for a cancel that came before it ran. */
static int
account_worker_unqueue(struct backend_ctx *ctx, uint32_t id)
{
	size_t	i;

	for (i = 0; i < ctx->nqueue; i++) {
		if (msg_id(ctx->queue[i]) != id)
			continue;
		msg_free(ctx->queue[i]);
		memmove(&ctx->queue[i], &ctx->queue[i + 1],
		    (ctx->nqueue - i - 1) * sizeof *ctx->queue);
		ctx->nqueue--;
		return 1;
	}
	return 0;
}

/* One message from the UI: control messages act at once (they are what a
 * running request waits for); requests wait their turn. Takes m. */
static void
account_worker_incoming(struct backend_ctx *ctx, struct msg *m)
{
	uint32_t	 u;
	char		*s = NULL;

	switch (msg_type(m)) {
	case MSG_REQ_CANCEL:
		if (msg_get_u32(m, &u) != MSG_OK)
			break;
		if (ctx->id != 0 && u == ctx->id)
			ctx->cancelled = 1;
		else if (account_worker_unqueue(ctx, u))
			account_worker_send(ctx, msg_new(MSG_CANCELLED, u));
		break;
	case MSG_REQ_ANSWER:
		if (msg_get_u32(m, &u) != MSG_OK ||
		    msg_get_str(m, &s) != MSG_OK)
			break;
		if (ctx->question != 0 && u == ctx->question &&
		    !ctx->answered) {
			ctx->answer = s;
			ctx->answered = 1;
			s = NULL;
		} else
			log_debug("%s: %s: answer to question %u unused",
			    __func__, account_worker_name(ctx), u);
		account_worker_free_secret(s);
		break;
	case MSG_REQ_QUIT:
		ctx->quit = 1;
		ctx->cancelled = 1;
		break;
	default:
		if (ctx->nqueue == ctx->queue_size) {
			ctx->queue_size = ctx->queue_size * 2 + 8;
			ctx->queue = xreallocarray(ctx->queue, ctx->queue_size,
			    sizeof *ctx->queue);
		}
		ctx->queue[ctx->nqueue++] = m;
		return;
	}
	msg_free(m);
}

/* Read whatever the UI sent, without blocking. */
static void
account_worker_poll(struct backend_ctx *ctx)
{
	struct msg	*m;

	while (!ctx->lost) {
		switch (msg_channel_receive(ctx->channel, &m)) {
		case MSG_OK:
			account_worker_incoming(ctx, m);
			break;
		case MSG_AGAIN:
			return;
		default:
			ctx->lost = 1;
			ctx->cancelled = 1;
			return;
		}
	}
}

void
backend_emit(struct backend_ctx *ctx, struct msg *m)
{
	msg_set_id(m, ctx->id);
	account_worker_send(ctx, m);
}

void
backend_progress(struct backend_ctx *ctx, uint64_t done, uint64_t total,
    const char *what)
{
	struct msg	*m = msg_new(MSG_EV_PROGRESS, ctx->id);

	msg_add_u64(m, done);
	msg_add_u64(m, total);
	msg_add_str(m, what);
	backend_emit(ctx, m);
}

int
backend_cancelled(struct backend_ctx *ctx)
{
	account_worker_poll(ctx);
	return ctx->cancelled;
}

int
backend_interrupt_fd(struct backend_ctx *ctx)
{
	return msg_channel_fd(ctx->channel);
}

uint32_t
backend_request_id(struct backend_ctx *ctx)
{
	return ctx->id;
}

int
backend_ask(struct backend_ctx *ctx, uint32_t kind, const char *text,
    char **answer)
{
	struct msg	*m;

	*answer = NULL;
	if (backend_cancelled(ctx))
		return -1;
	if (++ctx->next_question == 0)
		ctx->next_question = 1;
	ctx->question = ctx->next_question;
	ctx->answered = 0;
	m = msg_new(MSG_EV_QUESTION, ctx->id);
	msg_add_u32(m, ctx->question);
	msg_add_u32(m, kind);
	msg_add_str(m, text);
	account_worker_send(ctx, m);

	while (!ctx->answered && !ctx->cancelled) {
		if (msg_channel_wait(ctx->channel, &m, -1) != MSG_OK) {
			ctx->lost = 1;
			ctx->cancelled = 1;
			break;
		}
		account_worker_incoming(ctx, m);
	}
	ctx->question = 0;
	if (!ctx->answered)
		return -1;
	ctx->answered = 0;
	*answer = ctx->answer;
	ctx->answer = NULL;
	return 0;
}

/* The one final reply for the request being served. */
static void
account_worker_final(struct backend_ctx *ctx, enum backend_status status,
    const char *error, const char *op)
{
	struct msg	*m;

	switch (status) {
	case BACKEND_OK:
	case BACKEND_OFFLINE:
		m = msg_new(MSG_DONE, ctx->id);
		break;
	case BACKEND_CANCELLED:
		m = msg_new(MSG_CANCELLED, ctx->id);
		break;
	case BACKEND_UNSUPPORTED:
		m = msg_new(MSG_UNSUPPORTED, ctx->id);
		msg_add_str(m, op);
		break;
	case BACKEND_ERROR:
	default:
		m = msg_new(MSG_ERROR, ctx->id);
		msg_add_u32(m, MSG_CODE_BACKEND);
		msg_add_str(m, error != NULL ? error :
		    _("the operation failed (no reason given)"));
		break;
	}
	account_worker_send(ctx, m);
}

/* A request that could not be read: the UI and worker disagree. */
static void
account_worker_malformed(struct backend_ctx *ctx, struct msg *m)
{
	struct msg	*reply = msg_new(MSG_ERROR, ctx->id);
	char		*s;

	log_warn("%s: %s: malformed request type %u", __func__,
	    account_worker_name(ctx), (unsigned)msg_type(m));
	s = xasprintf(_("the worker could not read request type %u"),
	    (unsigned)msg_type(m));
	msg_add_u32(reply, MSG_CODE_REQUEST);
	msg_add_str(reply, s);
	free(s);
	account_worker_send(ctx, reply);
}

/* A request's UID list: u32 n, then n UIDs, none of them 0. -1 when it
 * is malformed or longer than BACKEND_MAX_UIDS. */
static int
account_worker_uids(struct msg *m, uint32_t **uids, size_t *n)
{
	uint32_t	count, i;

	if (msg_get_u32(m, &count) != MSG_OK || count > BACKEND_MAX_UIDS)
		return -1;
	*uids = xreallocarray(NULL, count > 0 ? count : 1, sizeof **uids);
	for (i = 0; i < count; i++) {
		if (msg_get_u32(m, &(*uids)[i]) != MSG_OK || (*uids)[i] == 0)
			return -1;
	}
	*n = count;
	return 0;
}

/* A request's recipients: u32 n (1 to BACKEND_MAX_UIDS), then n strings.
 * -1 when malformed; what was read is in *rcpts either way. */
static int
account_worker_rcpts(struct msg *m, char ***rcpts, size_t *n)
{
	uint32_t	count, i;

	if (msg_get_u32(m, &count) != MSG_OK || count == 0 ||
	    count > BACKEND_MAX_UIDS)
		return -1;
	*rcpts = xcalloc(count, sizeof **rcpts);
	for (i = 0; i < count; i++) {
		if (msg_get_str(m, &(*rcpts)[i]) != MSG_OK ||
		    (*rcpts)[i] == NULL)
			return -1;
		*n = i + 1;
	}
	return 0;
}

/* The copy of a sent message in an IMAP Sent folder: the backend's
 * append, opening the backend first if no request has yet. */
static enum backend_status
account_worker_save_sent(void *arg, struct backend_ctx *ctx,
    const char *folder, const char *data, size_t len, char **error)
{
	const struct backend	*b = ctx->backend;
	enum backend_status	 status = BACKEND_OK;
	uint32_t		 uid;

	(void)arg;
	if (b->append == NULL)
		return BACKEND_UNSUPPORTED;
	if (!ctx->opened) {
		if (b->open != NULL)
			status = b->open(ctx, ctx->account, &ctx->state,
			    error);
		if (status != BACKEND_OK && status != BACKEND_OFFLINE)
			return status;
		ctx->opened = 1;
	}
	return b->append(ctx->state, ctx, folder, STORE_FLAG_SEEN, data, len,
	    &uid, error);
}

/* Sending and the outbox: the same for every account kind (send.c), so
 * served here and not by the backend. */
static void
account_worker_send_request(struct backend_ctx *ctx, struct msg *m)
{
	enum backend_status	 status = BACKEND_ERROR;
	const void		*data = NULL;
	char			*sent = NULL, *sender = NULL, *error = NULL;
	char			**rcpts = NULL;
	struct msg		*reply;
	size_t			 n = 0, len = 0, i;
	int			 ok, kept = 0;

	switch (msg_type(m)) {
	case MSG_REQ_SEND:
		ok = msg_get_str(m, &sent) == MSG_OK &&
		    msg_get_str(m, &sender) == MSG_OK &&
		    account_worker_rcpts(m, &rcpts, &n) == 0 &&
		    msg_get_bytes(m, &data, &len) == MSG_OK &&
		    msg_end(m) == MSG_OK;
		if (!ok) {
			account_worker_malformed(ctx, m);
			goto out;
		}
		status = send_submit(ctx, ctx->account, sender,
		    rcpts, n, sent != NULL ? sent : "", data, len,
		    account_worker_save_sent, NULL, &kept, &error);
		if (status == BACKEND_ERROR && kept) {
			/* The UI may let go of it: the outbox has it. */
			reply = msg_new(MSG_ERROR, ctx->id);
			msg_add_u32(reply, MSG_CODE_KEPT);
			msg_add_str(reply, error != NULL ? error : "");
			account_worker_send(ctx, reply);
			goto out;
		}
		break;
	case MSG_REQ_OUTBOX_FLUSH:
	case MSG_REQ_OUTBOX_LIST:
		if (msg_end(m) != MSG_OK) {
			account_worker_malformed(ctx, m);
			goto out;
		}
		status = msg_type(m) == MSG_REQ_OUTBOX_FLUSH ?
		    send_flush(ctx, ctx->account, account_worker_save_sent,
		    NULL, &error) : send_outbox_list(ctx, ctx->account,
		    &error);
		break;
	default:
		break;
	}
	account_worker_final(ctx, status, error, "send");
out:
	free(sent);
	free(sender);
	for (i = 0; i < n; i++)
		free(rcpts[i]);
	free(rcpts);
	free(error);
}

/* Serve one request: read its fields, open the backend if needed, call the
 * operation, send the final reply. */
static void
account_worker_serve(struct backend_ctx *ctx, struct msg *m)
{
	const struct backend	*b = ctx->backend;
	enum backend_status	 status = BACKEND_OK;
	enum msg_type		 type = msg_type(m);
	const char		*op = NULL;
	struct render_opts	 ropts;
	char			*folder = NULL, *section = NULL, *path = NULL;
	char			*error = NULL, *what, *html = NULL;
	char			*dest = NULL;
	uint32_t		 uid = 0, flags = 0, width = 0, add = 0;
	uint32_t		 remove = 0, *uids = NULL;
	const void		*data = NULL;
	size_t			 nuids = 0, len = 0;
	int			 ok, supported = 0;

	ctx->id = msg_id(m);
	ctx->cancelled = 0;
	log_debug("%s: %s: request %u type %u", __func__,
	    account_worker_name(ctx), ctx->id, (unsigned)type);

	switch (type) {
	case MSG_REQ_SEND:
	case MSG_REQ_OUTBOX_FLUSH:
	case MSG_REQ_OUTBOX_LIST:
		account_worker_send_request(ctx, m);
		goto out;
	case MSG_REQ_HELLO:
		ok = msg_get_str(m, &folder) == MSG_OK;
		op = "hello";
		supported = 1;
		break;
	case MSG_REQ_FOLDER_LIST:
		ok = 1;
		op = "folder_list";
		supported = b->folder_list != NULL;
		break;
	case MSG_REQ_FOLDER_OPEN:
		ok = msg_get_str(m, &folder) == MSG_OK;
		op = "folder_open";
		supported = b->folder_open != NULL;
		break;
	case MSG_REQ_PART_FETCH:
		ok = msg_get_str(m, &folder) == MSG_OK &&
		    msg_get_u32(m, &uid) == MSG_OK &&
		    msg_get_str(m, &section) == MSG_OK &&
		    msg_get_u32(m, &flags) == MSG_OK &&
		    msg_get_u32(m, &width) == MSG_OK &&
		    msg_get_str(m, &html) == MSG_OK;
		memset(&ropts, 0, sizeof ropts);
		ropts.prefer_html = (flags & BACKEND_RENDER_PREFER_HTML) != 0;
		ropts.width = width > 0 && width < 1000 ? (int)width : 80;
		ropts.html_command = html != NULL && *html != '\0' ? html :
		    NULL;
		op = "part_fetch";
		supported = b->part_fetch != NULL;
		break;
	case MSG_REQ_PART_SAVE:
		ok = msg_get_str(m, &folder) == MSG_OK &&
		    msg_get_u32(m, &uid) == MSG_OK &&
		    msg_get_str(m, &section) == MSG_OK &&
		    msg_get_str(m, &path) == MSG_OK && path != NULL;
		op = "part_save";
		supported = b->part_save != NULL;
		break;
	case MSG_REQ_SYNC:
		ok = msg_get_str(m, &folder) == MSG_OK &&
		    msg_get_u32(m, &flags) == MSG_OK;
		op = "sync";
		supported = b->sync != NULL;
		break;
	case MSG_REQ_FLAGS:
		ok = msg_get_str(m, &folder) == MSG_OK &&
		    msg_get_u32(m, &add) == MSG_OK &&
		    msg_get_u32(m, &remove) == MSG_OK &&
		    account_worker_uids(m, &uids, &nuids) == 0;
		op = "flags";
		supported = b->flags != NULL;
		break;
	case MSG_REQ_COPY:
		ok = msg_get_str(m, &folder) == MSG_OK &&
		    msg_get_str(m, &dest) == MSG_OK && dest != NULL &&
		    msg_get_u32(m, &flags) == MSG_OK &&
		    account_worker_uids(m, &uids, &nuids) == 0;
		op = flags ? "move" : "copy";
		supported = b->copy != NULL;
		break;
	case MSG_REQ_DELETE:
	case MSG_REQ_EXPUNGE:
	case MSG_REQ_ARCHIVE:
		ok = msg_get_str(m, &folder) == MSG_OK &&
		    account_worker_uids(m, &uids, &nuids) == 0;
		op = type == MSG_REQ_DELETE ? "delete" :
		    type == MSG_REQ_EXPUNGE ? "expunge" : "archive";
		supported = type == MSG_REQ_DELETE ? b->remove != NULL :
		    type == MSG_REQ_EXPUNGE ? b->expunge != NULL :
		    b->archive != NULL;
		break;
	case MSG_REQ_FOLDER_CHANGE:
		ok = msg_get_u32(m, &flags) == MSG_OK &&
		    msg_get_str(m, &folder) == MSG_OK &&
		    msg_get_str(m, &dest) == MSG_OK;
		op = "folder_change";
		supported = b->folder_change != NULL;
		break;
	case MSG_REQ_QUOTA:
		ok = msg_get_u32(m, &flags) == MSG_OK;
		op = "quota";
		supported = b->quota != NULL;
		break;
	case MSG_REQ_SEARCH:
		ok = msg_get_str(m, &folder) == MSG_OK &&
		    msg_get_str(m, &path) == MSG_OK && path != NULL;
		op = "search";
		supported = b->search != NULL;
		break;
	case MSG_REQ_APPEND:
		ok = msg_get_str(m, &folder) == MSG_OK &&
		    msg_get_u32(m, &flags) == MSG_OK &&
		    msg_get_bytes(m, &data, &len) == MSG_OK;
		op = "append";
		supported = b->append != NULL;
		break;
	default:
		what = xasprintf("request type %u", (unsigned)type);
		account_worker_final(ctx, BACKEND_UNSUPPORTED, NULL, what);
		free(what);
		goto out;
	}
	if (!ok || msg_end(m) != MSG_OK ||
	    (type != MSG_REQ_FOLDER_LIST && type != MSG_REQ_SYNC &&
	    type != MSG_REQ_QUOTA && folder == NULL)) {
		account_worker_malformed(ctx, m);
		goto out;
	}
	if (!supported) {
		account_worker_final(ctx, BACKEND_UNSUPPORTED, NULL, op);
		goto out;
	}
	if (type == MSG_REQ_HELLO) {
		account_worker_final(ctx, BACKEND_OK, NULL, op);
		goto out;
	}

	/* Opening may connect, ask for a password, or fail: it belongs to
	 * the first request that needs it, and is tried again after. */
	if (!ctx->opened) {
		if (b->open != NULL)
			status = b->open(ctx, ctx->account, &ctx->state,
			    &error);
		if (status == BACKEND_OK || status == BACKEND_OFFLINE)
			ctx->opened = 1;
	}
	if (ctx->opened) {
		switch (type) {
		case MSG_REQ_FOLDER_LIST:
			status = b->folder_list(ctx->state, ctx, &error);
			break;
		case MSG_REQ_FOLDER_OPEN:
			status = b->folder_open(ctx->state, ctx, folder,
			    &error);
			break;
		case MSG_REQ_PART_FETCH:
			status = b->part_fetch(ctx->state, ctx, folder, uid,
			    section, &ropts, &error);
			break;
		case MSG_REQ_PART_SAVE:
			status = b->part_save(ctx->state, ctx, folder, uid,
			    section, path, &error);
			break;
		case MSG_REQ_SYNC:
			status = b->sync(ctx->state, ctx,
			    folder != NULL ? folder : "", flags, &error);
			break;
		case MSG_REQ_FLAGS:
			status = b->flags(ctx->state, ctx, folder, uids, nuids,
			    add, remove, &error);
			break;
		case MSG_REQ_COPY:
			status = b->copy(ctx->state, ctx, folder, dest, uids,
			    nuids, flags != 0, &error);
			break;
		case MSG_REQ_DELETE:
			status = b->remove(ctx->state, ctx, folder, uids,
			    nuids, &error);
			break;
		case MSG_REQ_EXPUNGE:
			status = b->expunge(ctx->state, ctx, folder, uids,
			    nuids, &error);
			break;
		case MSG_REQ_ARCHIVE:
			status = b->archive(ctx->state, ctx, folder, uids,
			    nuids, &error);
			break;
		case MSG_REQ_FOLDER_CHANGE:
			status = b->folder_change(ctx->state, ctx, flags,
			    folder, dest, &error);
			break;
		case MSG_REQ_QUOTA:
			status = b->quota(ctx->state, ctx, flags, &error);
			break;
		case MSG_REQ_SEARCH:
			status = b->search(ctx->state, ctx, folder, path,
			    &error);
			break;
		case MSG_REQ_APPEND:
			uid = 0;
			status = b->append(ctx->state, ctx, folder, flags,
			    data, len, &uid, &error);
			if (status == BACKEND_OK) {
				/* DONE carries the new message's UID. */
				struct msg *done = msg_new(MSG_DONE, ctx->id);

				msg_add_u32(done, uid);
				account_worker_send(ctx, done);
				goto out;
			}
			break;
		default:
			break;
		}
	}
	account_worker_final(ctx, status, error, op);
out:
	free(folder);
	free(section);
	free(path);
	free(html);
	free(dest);
	free(uids);
	free(error);
	ctx->id = 0;
	ctx->cancelled = 0;
}

int
account_worker_main(int fd, const struct config_account *account,
    const struct backend *backend)
{
	struct backend_ctx	 ctx;
	struct msg		*m;
	enum msg_status		 r;
	size_t			 i;
	int			 waited;

	memset(&ctx, 0, sizeof ctx);
	ctx.channel = msg_channel_new(fd);
	ctx.account = account;
	ctx.backend = backend;
	log_debug("%s: %s: worker for %s started", __func__,
	    account_worker_name(&ctx), backend->name);

	while (!ctx.quit && !ctx.lost) {
		if (ctx.nqueue == 0) {
			/* Nothing to do: watch the server for changes made
			 * by others until the UI speaks. */
			waited = ctx.opened && backend->idle != NULL &&
			    backend->idle(ctx.state, &ctx,
			    msg_channel_fd(ctx.channel));
			r = msg_channel_wait(ctx.channel, &m, waited ? 0 : -1);
			if (r == MSG_AGAIN && waited)
				continue;
			if (r != MSG_OK) {
				ctx.lost = 1;
				break;
			}
			account_worker_incoming(&ctx, m);
			continue;
		}
		m = ctx.queue[0];
		memmove(&ctx.queue[0], &ctx.queue[1],
		    (ctx.nqueue - 1) * sizeof *ctx.queue);
		ctx.nqueue--;
		account_worker_serve(&ctx, m);
		msg_free(m);
	}

	log_debug("%s: %s: worker ends (%s)", __func__,
	    account_worker_name(&ctx), ctx.quit ? "quit" : "the UI is gone");
	if (ctx.opened && backend->close != NULL)
		backend->close(ctx.state);
	if (!ctx.lost)
		msg_channel_drain(ctx.channel);
	for (i = 0; i < ctx.nqueue; i++)
		msg_free(ctx.queue[i]);
	free(ctx.queue);
	account_worker_free_secret(ctx.answer);
	msg_channel_free(ctx.channel);
	return 0;
}
