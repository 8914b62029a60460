/* imap-backend: ties the session, the mirror and the sync together for the
 * worker loop. Everything the mirror knows is sent before the network is
 * touched, so a folder opens at once, and still opens offline. */
#include "auto-config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "backend.h"
#include "config.h"
#include "imap-backend.h"
#include "imap-folders.h"
#include "imap-session.h"
#include "imap-sync.h"
#include "imap-utf7.h"
#include "log.h"
#include "msg.h"
#include "password.h"
#include "paths.h"
#include "store-mirror.h"
#include "summary.h"
#include "trust.h"
#include "xmalloc.h"

/* Rows per MSG_EV_ROWS event: big enough to be cheap, small enough that
 * the first screen arrives at once. */
#define IMAP_BACKEND_BATCH	500
/* Waits before reconnecting after a failure: 2 s doubling to 5 min. */
#define IMAP_BACKEND_BACKOFF_MIN	2
#define IMAP_BACKEND_BACKOFF_MAX	300

struct imap_backend {
	const struct config_account	*account;
	struct store_mirror		*mirror;
	struct imap_session		*session;
	char				*password;
	char				*trust_file;
	char				*offline;	/* why, when offline */
	time_t				 retry_at;
	int				 backoff;
	int				 refused;	/* policy: don't retry */
};

/* Rows read from the mirror, sent in batches. */
struct imap_backend_rows {
	struct backend_ctx	*ctx;
	struct store_message	*buf;
	size_t			 nbuf;
};

static void
imap_backend_state(struct backend_ctx *ctx, uint32_t state, const char *detail)
{
	struct msg	*m = msg_new(MSG_EV_STATE, 0);

	msg_add_u32(m, state);
	msg_add_str(m, detail);
	backend_emit(ctx, m);
}

/* A MSG_EV_ROWS message: u32 count, then the rows. */
static void
imap_backend_emit_rows(struct backend_ctx *ctx, const struct store_message *rows,
    size_t n)
{
	struct msg	*m;
	size_t		 i;

	if (n == 0)
		return;
	m = msg_new(MSG_EV_ROWS, 0);
	msg_add_u32(m, (uint32_t)n);
	for (i = 0; i < n; i++)
		summary_write(m, &rows[i]);
	backend_emit(ctx, m);
}

/* Cached rows, newest first, straight from the mirror. */
static int
imap_backend_cached_row(const struct store_message *row, void *arg)
{
	struct imap_backend_rows	*r = arg;

	r->buf = xreallocarray(r->buf, r->nbuf + 1, sizeof *r->buf);
	memset(&r->buf[r->nbuf], 0, sizeof r->buf[r->nbuf]);
	r->buf[r->nbuf].uid = row->uid;
	r->buf[r->nbuf].flags = row->flags;
	r->buf[r->nbuf].size = row->size;
	r->buf[r->nbuf].date = row->date;
	r->buf[r->nbuf].internal_date = row->internal_date;
	r->buf[r->nbuf].from = row->from ? xstrdup(row->from) : NULL;
	r->buf[r->nbuf].subject = row->subject ? xstrdup(row->subject) : NULL;
	r->buf[r->nbuf].message_id = row->message_id ?
	    xstrdup(row->message_id) : NULL;
	r->buf[r->nbuf].in_reply_to = row->in_reply_to ?
	    xstrdup(row->in_reply_to) : NULL;
	r->buf[r->nbuf].references = row->references ?
	    xstrdup(row->references) : NULL;
	r->buf[r->nbuf].bodystructure = row->bodystructure ?
	    xstrdup(row->bodystructure) : NULL;
	r->nbuf++;
	if (r->nbuf == IMAP_BACKEND_BATCH) {
		imap_backend_emit_rows(r->ctx, r->buf, r->nbuf);
		while (r->nbuf > 0)
			store_message_clear(&r->buf[--r->nbuf]);
	}
	return 0;
}

static void
imap_backend_emit_cached(struct imap_backend *b, struct backend_ctx *ctx,
    const char *folder)
{
	struct imap_backend_rows	r;

	memset(&r, 0, sizeof r);
	r.ctx = ctx;
	store_mirror_messages_each(b->mirror, folder, 0, 0,
	    imap_backend_cached_row, &r);
	imap_backend_emit_rows(ctx, r.buf, r.nbuf);
	while (r.nbuf > 0)
		store_message_clear(&r.buf[--r.nbuf]);
	free(r.buf);
}

static int
imap_backend_emit_folder(const struct store_folder *f, void *arg)
{
	struct backend_ctx	*ctx = arg;
	struct msg		*m = msg_new(MSG_EV_FOLDER, 0);
	char			*display = imap_utf7_decode(f->name);

	summary_folder_write(m, f, display);
	free(display);
	backend_emit(ctx, m);
	return 0;
}

static enum backend_status
imap_backend_open(struct backend_ctx *ctx, const struct config_account *a,
    void **state, char **error)
{
	struct imap_backend	*b;
	char			*cache, *dir, *path, *data, *why = NULL;

	cache = paths_cache_dir();
	dir = xasprintf("%s/%s", cache, a->name);
	free(cache);
	if (paths_mkdir_p(dir, 0700, error) != PATHS_OK) {
		free(dir);
		return BACKEND_ERROR;
	}
	b = xcalloc(1, sizeof *b);
	b->account = a;
	path = xasprintf("%s/mirror.db", dir);
	if (store_mirror_open(path, &b->mirror, &why) != STORE_OK) {
		/* The mirror is a cache: a broken one is rebuilt. */
		log_warn("%s: %s; starting a new mirror", __func__, why);
		free(why);
		why = NULL;
		unlink(path);
		if (store_mirror_open(path, &b->mirror, &why) != STORE_OK) {
			*error = why;
			free(path);
			free(dir);
			free(b);
			return BACKEND_ERROR;
		}
	}
	free(path);
	free(dir);
	data = paths_data_dir();
	paths_mkdir_p(data, 0700, NULL);
	b->trust_file = xasprintf("%s/certificates", data);
	free(data);
	b->backoff = IMAP_BACKEND_BACKOFF_MIN;
	*state = b;
	return BACKEND_OK;
}

static void
imap_backend_close(void *state)
{
	struct imap_backend	*b = state;

	if (b == NULL)
		return;
	imap_session_close(b->session);
	store_mirror_close(b->mirror);
	password_free(b->password);
	free(b->trust_file);
	free(b->offline);
	free(b);
}

static void
imap_backend_go_offline(struct imap_backend *b, struct backend_ctx *ctx,
    const char *why, int refused)
{
	free(b->offline);
	b->offline = xstrdup(why);
	b->refused = refused;
	b->retry_at = time(NULL) + b->backoff;
	if (b->backoff < IMAP_BACKEND_BACKOFF_MAX)
		b->backoff *= 2;
	log_info("%s: %s: offline: %s", __func__, b->account->name, why);
	imap_backend_state(ctx, BACKEND_STATE_OFFLINE, why);
}

/* The secret: password option, password_command, or the user. */
static int
imap_backend_password(struct imap_backend *b, struct backend_ctx *ctx,
    char **error)
{
	char	*question, *answer = NULL;

	if (b->password != NULL || b->account->oauth2_token_command != NULL)
		return 0;
	if (b->account->password != NULL) {
		b->password = xstrdup(b->account->password);
		return 0;
	}
	switch (password_run(b->account->password_command, 30000,
	    &b->password, error)) {
	case PASSWORD_OK:
		return 0;
	case PASSWORD_ERROR:
		return -1;
	case PASSWORD_NONE:
		break;
	}
	question = xasprintf("Password for %s@%s: ", b->account->user,
	    b->account->host);
	if (backend_ask(ctx, BACKEND_QUESTION_PASSWORD, question,
	    &answer) != 0 || answer == NULL || *answer == '\0') {
		free(question);
		password_free(answer);
		*error = xstrdup("no password given");
		return -1;
	}
	free(question);
	b->password = answer;
	return 0;
}

/* Ask whether to trust a certificate; 1 if the user says yes. */
static int
imap_backend_ask_trust(struct imap_backend *b, struct backend_ctx *ctx,
    const struct net_tls_peer *peer)
{
	char	*question, *answer = NULL, *error = NULL;
	int	 yes = 0;

	question = xasprintf("%s:%d: %s.\nSubject: %s\nIssuer: %s\n"
	    "Valid: %s to %s\nFingerprint: %s\nTrust it (o)nce, (a)lways or "
	    "(n)o?", b->account->host, b->account->port, peer->problem,
	    peer->subject, peer->issuer, peer->not_before, peer->not_after,
	    peer->fingerprint);
	if (backend_ask(ctx, BACKEND_QUESTION_CERTIFICATE, question,
	    &answer) == 0 && answer != NULL) {
		if (answer[0] == 'a' || answer[0] == 'A') {
			if (trust_add(b->trust_file, b->account->host,
			    b->account->port, peer->fingerprint, &error) != 0) {
				log_warn("%s: %s", __func__, error);
				free(error);
			}
			yes = 1;
		} else if (answer[0] == 'o' || answer[0] == 'O')
			yes = 1;
	}
	free(question);
	free(answer);
	return yes;
}

/* Connect if not connected; 0 when online. Offline is not an error: the
 * caller serves the mirror and says so. */
static int
imap_backend_connect(struct imap_backend *b, struct backend_ctx *ctx)
{
	struct imap_session_config	 config;
	struct net_tls_peer		 peer;
	enum imap_session_status	 status;
	char				**trusted, *once[2] = { NULL, NULL };
	char				*error = NULL;
	int				 attempt;

	if (b->session != NULL)
		return 0;
	if (b->offline != NULL && (b->refused || time(NULL) < b->retry_at))
		return -1;
	if (imap_backend_password(b, ctx, &error) != 0) {
		imap_backend_go_offline(b, ctx, error, 1);
		free(error);
		return -1;
	}
	trusted = trust_load(b->trust_file, b->account->host,
	    b->account->port);
	for (attempt = 0; attempt < 2; attempt++) {
		memset(&config, 0, sizeof config);
		config.account = b->account;
		config.password = b->password;
		config.trusted = (const char * const *)(once[0] != NULL ?
		    once : trusted);
		config.interrupt_fd = backend_interrupt_fd(ctx);
		status = imap_session_open(&config, &b->session, &peer, &error);
		if (status != IMAP_SESSION_CERTIFICATE || attempt == 1)
			break;
		if (!imap_backend_ask_trust(b, ctx, &peer)) {
			error = xasprintf("%s: %s (not trusted)",
			    b->account->host, peer.problem);
			net_tls_peer_clear(&peer);
			status = IMAP_SESSION_REFUSED;
			break;
		}
		once[0] = xstrdup(peer.fingerprint);
		net_tls_peer_clear(&peer);
	}
	net_tls_peer_clear(&peer);
	free(once[0]);
	trust_free(trusted);
	if (status == IMAP_SESSION_OK) {
		free(b->offline);
		b->offline = NULL;
		b->backoff = IMAP_BACKEND_BACKOFF_MIN;
		imap_backend_state(ctx, BACKEND_STATE_ONLINE, b->account->host);
		return 0;
	}
	if (status == IMAP_SESSION_AUTH) {
		/* A wrong password: forget it, so the next try asks again. */
		password_free(b->password);
		b->password = NULL;
	}
	imap_backend_go_offline(b, ctx, error != NULL ? error :
	    "cannot connect", status == IMAP_SESSION_REFUSED ||
	    status == IMAP_SESSION_AUTH);
	free(error);
	return -1;
}

/* After a failure mid-request the stream is out of step: drop it. */
static void
imap_backend_drop(struct imap_backend *b, struct backend_ctx *ctx,
    const char *why)
{
	imap_session_abort(b->session);
	b->session = NULL;
	imap_backend_go_offline(b, ctx, why, 0);
	/* A drop is worth an immediate retry on the next request. */
	b->retry_at = 0;
}

static enum backend_status
imap_backend_folder_list(void *state, struct backend_ctx *ctx, char **error)
{
	struct imap_backend	*b = state;
	char			*why = NULL;

	store_mirror_folder_each(b->mirror, imap_backend_emit_folder, ctx);
	if (imap_backend_connect(b, ctx) != 0)
		return BACKEND_OK;	/* the mirror's list, and offline */
	if (imap_folders_refresh(b->session, b->mirror, &why) != STORE_OK) {
		if (imap_session_cancelled(b->session)) {
			imap_backend_drop(b, ctx, "cancelled");
			free(why);
			return BACKEND_CANCELLED;
		}
		imap_backend_drop(b, ctx, why);
		*error = why;
		return BACKEND_ERROR;
	}
	store_mirror_folder_each(b->mirror, imap_backend_emit_folder, ctx);
	return BACKEND_OK;
}

/* imap_sync callbacks: turn stored changes into events. */
static void
imap_backend_sync_rows(void *arg, const struct store_message *rows, size_t n)
{
	imap_backend_emit_rows(arg, rows, n);
}

static void
imap_backend_sync_flags(void *arg, uint32_t uid, uint32_t flags)
{
	struct msg	*m = msg_new(MSG_EV_FLAGS, 0);

	msg_add_u32(m, 1);
	msg_add_u32(m, uid);
	msg_add_u32(m, flags);
	backend_emit(arg, m);
}

static void
imap_backend_sync_vanished(void *arg, const uint32_t *uids, size_t n)
{
	struct msg	*m = msg_new(MSG_EV_VANISHED, 0);
	size_t		 i;

	msg_add_u32(m, (uint32_t)n);
	for (i = 0; i < n; i++)
		msg_add_u32(m, uids[i]);
	backend_emit(arg, m);
}

static void
imap_backend_sync_reset(void *arg)
{
	/* Zero rows gone means "all of them": the UI drops the folder. */
	struct msg	*m = msg_new(MSG_EV_VANISHED, 0);

	msg_add_u32(m, 0);
	backend_emit(arg, m);
}

static int
imap_backend_sync_progress(void *arg, uint64_t done, uint64_t total)
{
	backend_progress(arg, done, total, "messages");
	return backend_cancelled(arg);
}

static enum backend_status
imap_backend_sync_one(struct imap_backend *b, struct backend_ctx *ctx,
    const char *folder, char **error)
{
	struct imap_sync_cb	cb;
	struct imap_sync_stats	stats;
	char			*why = NULL;

	memset(&cb, 0, sizeof cb);
	cb.reset = imap_backend_sync_reset;
	cb.rows = imap_backend_sync_rows;
	cb.flags = imap_backend_sync_flags;
	cb.vanished = imap_backend_sync_vanished;
	cb.progress = imap_backend_sync_progress;
	cb.arg = ctx;
	switch (imap_sync_folder(b->session, b->mirror, folder, &cb, &stats,
	    &why)) {
	case IMAP_SYNC_OK:
		log_info("%s: %s: %s: %s, %u new, %u changed, %u gone",
		    __func__, b->account->name, folder, stats.method,
		    stats.fetched, stats.changed, stats.vanished);
		return BACKEND_OK;
	case IMAP_SYNC_CANCELLED:
		free(why);
		imap_backend_drop(b, ctx, "cancelled");
		return BACKEND_CANCELLED;
	case IMAP_SYNC_ERROR:
		break;
	}
	imap_backend_drop(b, ctx, why);
	*error = why;
	return BACKEND_ERROR;
}

static enum backend_status
imap_backend_folder_open(void *state, struct backend_ctx *ctx,
    const char *folder, char **error)
{
	struct imap_backend	*b = state;

	imap_backend_emit_cached(b, ctx, folder);
	if (imap_backend_connect(b, ctx) != 0)
		return BACKEND_OK;
	return imap_backend_sync_one(b, ctx, folder, error);
}

struct imap_backend_names {
	char	**names;
	size_t	  n;
};

static int
imap_backend_collect(const struct store_folder *f, void *arg)
{
	struct imap_backend_names	*names = arg;

	if (f->noselect)
		return 0;
	names->names = xreallocarray(names->names, names->n + 1,
	    sizeof *names->names);
	names->names[names->n++] = xstrdup(f->name);
	return 0;
}

static enum backend_status
imap_backend_sync(void *state, struct backend_ctx *ctx, const char *folder,
    uint32_t flags, char **error)
{
	struct imap_backend		*b = state;
	struct imap_backend_names	 names;
	enum backend_status		 status;
	size_t				 i;

	/* A sync is for talking to the server: offline is its failure. */
	if (imap_backend_connect(b, ctx) != 0) {
		*error = xstrdup(b->offline != NULL ? b->offline : "offline");
		return BACKEND_ERROR;
	}
	if (folder != NULL && *folder != '\0')
		return imap_backend_sync_one(b, ctx, folder, error);
	if ((status = imap_backend_folder_list(b, ctx, error)) != BACKEND_OK)
		return status;
	if (b->session == NULL) {
		*error = xstrdup(b->offline != NULL ? b->offline : "offline");
		return BACKEND_ERROR;
	}
	memset(&names, 0, sizeof names);
	store_mirror_folder_each(b->mirror, imap_backend_collect, &names);
	status = BACKEND_OK;
	for (i = 0; i < names.n && status == BACKEND_OK; i++) {
		backend_progress(ctx, i, names.n, names.names[i]);
		if (b->session == NULL && imap_backend_connect(b, ctx) != 0) {
			*error = xstrdup(b->offline);
			status = BACKEND_ERROR;
			break;
		}
		status = imap_backend_sync_one(b, ctx, names.names[i], error);
	}
	for (i = 0; i < names.n; i++)
		free(names.names[i]);
	free(names.names);
	(void)flags;
	return status;
}

const struct backend backend_imap = {
	.name = "imap",
	.open = imap_backend_open,
	.close = imap_backend_close,
	.folder_list = imap_backend_folder_list,
	.folder_open = imap_backend_folder_open,
	.sync = imap_backend_sync,
};
