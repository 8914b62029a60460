/* imap-backend: ties the session, the mirror and the sync together for the
 * worker loop. Everything the mirror knows is sent before the network is
 * touched, so a folder opens at once, and still opens offline. */
#include "auto-config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "backend.h"
#include "config.h"
#include "imap-apply.h"
#include "imap-backend.h"
#include "imap-backend-private.h"
#include "imap-idle.h"
#include "imap-fetch.h"
#include "imap-folders.h"
#include "imap-session.h"
#include "imap-sync.h"
#include "imap-utf7.h"
#include "intl.h"
#include "log.h"
#include "net-stream.h"
#include "mime-decode.h"
#include "mime-sanitize.h"
#include "mime-structure.h"
#include "msg.h"
#include "password.h"
#include "paths.h"
#include "render.h"
#include "store-cache.h"
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

/* Largest display part decoded in memory for the pager. */
#define IMAP_BACKEND_MAX_TEXT	(32u * 1024 * 1024)


static enum backend_status imap_backend_cache_part(struct imap_backend *,
		    struct backend_ctx *, const char *, uint32_t, uint32_t,
		    const struct mime_part *, char **);

/* Where a request started counting the server's bytes. */
struct imap_backend_meter {
	struct imap_session	*session;
	uint64_t		 in;
};

static uint64_t
imap_backend_bytes_in(struct imap_backend *b)
{
	uint64_t	in = 0, out = 0;

	if (b->session != NULL)
		net_stream_bytes(imap_session_imap(b->session)->imap_stream,
		    &in, &out);
	return in;
}

static void
imap_backend_meter_start(struct imap_backend *b, struct imap_backend_meter *m)
{
	m->session = b->session;
	m->in = imap_backend_bytes_in(b);
}

/* Log what the server sent for one action, so it can be checked. */
static void
imap_backend_meter_log(struct imap_backend *b, struct imap_backend_meter *m,
    const char *what, const char *folder)
{
	uint64_t	in = imap_backend_bytes_in(b);

	if (b->session != m->session)
		m->in = 0;	/* reconnected: the new connection's count */
	log_debug("%s: %s %s: the server sent %llu bytes", b->account->name,
	    what, folder, (unsigned long long)(in - m->in));
}

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
	r->buf[r->nbuf].attachments = row->attachments;
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
	path = xasprintf("%s/parts", dir);
	if (store_cache_open(path, &b->cache, &why) != STORE_CACHE_OK) {
		*error = why;
		free(path);
		free(dir);
		store_mirror_close(b->mirror);
		free(b);
		return BACKEND_ERROR;
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
	store_cache_close(b->cache);
	free(b->selected);
	free(b->open);
	password_free(b->password);
	password_free(b->token);
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

/* The secret: password option, password_command, or the user. 0, or -1
 * when a command failed (try again later), -2 when the user gave none. */
static int
imap_backend_password(struct imap_backend *b, struct backend_ctx *ctx,
    char **error)
{
	char	*question, *answer = NULL, *why = NULL;

	if (b->account->oauth2_token_command != NULL) {
		/* Tokens expire: run the command for each connection. */
		password_free(b->token);
		b->token = NULL;
		if (password_run(b->account->oauth2_token_command, 30000,
		    &b->token, &why) != PASSWORD_OK) {
			*error = xasprintf(_("oauth2_token_command: %s"), why);
			free(why);
			return -1;
		}
		return 0;
	}
	if (b->password != NULL)
		return 0;
	if (b->account->password != NULL) {
		b->password = xstrdup(b->account->password);
		return 0;
	}
	switch (password_run(b->account->password_command, 30000,
	    &b->password, &why)) {
	case PASSWORD_OK:
		return 0;
	case PASSWORD_ERROR:
		*error = xasprintf(_("password_command: %s"), why);
		free(why);
		return -1;
	case PASSWORD_NONE:
		break;
	}
	question = xasprintf(_("Password for %s@%s: "), b->account->user,
	    b->account->host);
	if (backend_ask(ctx, BACKEND_QUESTION_PASSWORD, question,
	    &answer) != 0 || answer == NULL || *answer == '\0') {
		free(question);
		password_free(answer);
		*error = xstrdup(_("no password given"));
		return -2;
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

	/* TRANSLATORS: the letters in parentheses must be those of the
	   translation of "oan" in ui/prompt.c. */
	question = xasprintf(_("%s:%d: %s.\nSubject: %s\nIssuer: %s\n"
	    "Valid: %s to %s\nFingerprint: %s\nTrust it (o)nce, (a)lways or "
	    "(n)o?"), b->account->host, b->account->port, peer->problem,
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
int
imap_backend_connect(struct imap_backend *b, struct backend_ctx *ctx)
{
	struct imap_session_config	 config;
	struct net_tls_peer		 peer;
	enum imap_session_status	 status;
	char				**trusted, *once[2] = { NULL, NULL };
	char				*error = NULL;
	int				 attempt, asked;

	if (b->session != NULL)
		return 0;
	if (b->offline != NULL && (b->refused || time(NULL) < b->retry_at))
		return -1;
	/* A failed password_command (a locked keyring) may work later and
	 * is tried again with the backoff; a password the user would not
	 * give is not asked for again. */
	if ((asked = imap_backend_password(b, ctx, &error)) != 0) {
		imap_backend_go_offline(b, ctx, error, asked == -2);
		free(error);
		return -1;
	}
	trusted = trust_load(b->trust_file, b->account->host,
	    b->account->port);
	for (attempt = 0; attempt < 2; attempt++) {
		memset(&config, 0, sizeof config);
		config.account = b->account;
		config.password = b->password;
		config.oauth2_token = b->token;
		config.trusted = (const char * const *)(once[0] != NULL ?
		    once : trusted);
		config.interrupt_fd = backend_interrupt_fd(ctx);
		status = imap_session_open(&config, &b->session, &peer, &error);
		if (status != IMAP_SESSION_CERTIFICATE || attempt == 1)
			break;
		if (!imap_backend_ask_trust(b, ctx, &peer)) {
			error = xasprintf(_("%s: %s (not trusted)"),
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
		/* Changes kept while offline go first, before any sync could
		 * bring back the state they replace. */
		imap_apply_replay(b, ctx);
		return b->session != NULL ? 0 : -1;
	}
	if (status == IMAP_SESSION_AUTH) {
		/* A wrong password: forget it, so the next try asks again. */
		password_free(b->password);
		b->password = NULL;
	}
	imap_backend_go_offline(b, ctx, error != NULL ? error :
	    _("cannot connect"), status == IMAP_SESSION_REFUSED ||
	    status == IMAP_SESSION_AUTH);
	free(error);
	return -1;
}

/* After a failure mid-request the stream is out of step: drop it. */
void
imap_backend_drop(struct imap_backend *b, struct backend_ctx *ctx,
    const char *why)
{
	imap_session_abort(b->session);
	b->session = NULL;
	free(b->selected);
	b->selected = NULL;
	imap_backend_go_offline(b, ctx, why, 0);
	/* A drop is worth an immediate retry on the next request. */
	b->retry_at = 0;
}

enum backend_status
imap_backend_folder_list(void *state, struct backend_ctx *ctx, char **error)
{
	struct imap_backend	*b = state;
	char			*why = NULL;

	store_mirror_folder_each(b->mirror, imap_backend_emit_folder, ctx);
	if (imap_backend_connect(b, ctx) != 0)
		return BACKEND_OK;	/* the mirror's list, and offline */
	if (imap_folders_refresh(b->session, b->mirror, &why) != STORE_OK) {
		if (imap_session_cancelled(b->session)) {
			imap_backend_drop(b, ctx, _("cancelled"));
			free(why);
			return BACKEND_CANCELLED;
		}
		imap_backend_drop(b, ctx, why);
		*error = why;
		return BACKEND_ERROR;
	}
	store_mirror_folder_each(b->mirror, imap_backend_emit_folder, ctx);
	/* The quota with the counts: a full mailbox bounces mail. */
	if (imap_session_has(b->session, "QUOTA") &&
	    imap_apply_quota(b, ctx, 0, &why) != BACKEND_OK) {
		log_info("%s: quota: %s", __func__, why);
		free(why);
	}
	return BACKEND_OK;
}

/* imap_sync callbacks: turn stored changes into events. */
static void
imap_backend_sync_rows(void *arg, const struct store_message *rows, size_t n)
{
	imap_backend_emit_rows(arg, rows, n);
}

void
imap_backend_emit_flags(struct backend_ctx *ctx, uint32_t uid,
    uint32_t flags)
{
	struct msg	*m = msg_new(MSG_EV_FLAGS, 0);

	msg_add_u32(m, 1);
	msg_add_u32(m, uid);
	msg_add_u32(m, flags);
	backend_emit(ctx, m);
}

void
imap_backend_emit_vanished(struct backend_ctx *ctx, const uint32_t *uids,
    size_t n)
{
	struct msg	*m = msg_new(MSG_EV_VANISHED, 0);
	size_t		 i;

	msg_add_u32(m, (uint32_t)n);
	for (i = 0; i < n; i++)
		msg_add_u32(m, uids[i]);
	backend_emit(ctx, m);
}

static void
imap_backend_sync_flags(void *arg, uint32_t uid, uint32_t flags)
{
	imap_backend_emit_flags(arg, uid, flags);
}

static void
imap_backend_sync_vanished(void *arg, const uint32_t *uids, size_t n)
{
	imap_backend_emit_vanished(arg, uids, n);
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
		free(b->selected);
		b->selected = xstrdup(folder);
		/* A new UIDVALIDITY: the old parts can never be used again. */
		if (stats.reset && store_cache_drop_folder(b->cache, folder,
		    &why) != STORE_CACHE_OK) {
			log_warn("%s: %s", __func__, why);
			free(why);
			why = NULL;
		}
		log_info("%s: %s: %s: %s, %u new, %u changed, %u gone",
		    __func__, b->account->name, folder, stats.method,
		    stats.fetched, stats.changed, stats.vanished);
		return BACKEND_OK;
	case IMAP_SYNC_CANCELLED:
		free(why);
		imap_backend_drop(b, ctx, _("cancelled"));
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
	struct imap_backend_meter meter;
	enum backend_status	 status;
	int			 reused = b->session != NULL;

	/* The folder IDLE watches between requests. */
	free(b->open);
	b->open = xstrdup(folder);
	imap_backend_emit_cached(b, ctx, folder);
	if (imap_backend_connect(b, ctx) != 0)
		return BACKEND_OK;
	imap_backend_meter_start(b, &meter);
	status = imap_backend_sync_one(b, ctx, folder, error);
	/* A connection that sat idle may have been dropped by the server or
	 * the network: one fresh try before saying so. */
	if (status == BACKEND_ERROR && reused &&
	    imap_backend_connect(b, ctx) == 0) {
		log_info("%s: %s: reconnected after: %s", __func__,
		    b->account->name, *error);
		free(*error);
		*error = NULL;
		status = imap_backend_sync_one(b, ctx, folder, error);
	}
	imap_backend_meter_log(b, &meter, "open", folder);
	return status;
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

/* UIDs and structures of a folder's rows, for --bodies. */
struct imap_backend_texts {
	uint32_t	*uids;
	char		**structures;
	size_t		 n;
};

static int
imap_backend_collect_text(const struct store_message *row, void *arg)
{
	struct imap_backend_texts	*t = arg;

	if (row->bodystructure == NULL)
		return 0;
	t->uids = xreallocarray(t->uids, t->n + 1, sizeof *t->uids);
	t->structures = xreallocarray(t->structures, t->n + 1,
	    sizeof *t->structures);
	t->uids[t->n] = row->uid;
	t->structures[t->n++] = xstrdup(row->bodystructure);
	return 0;
}

/* Cache the display part of every message in folder (skua sync --bodies),
 * so it reads offline. The folder is selected by the sync before. */
static enum backend_status
imap_backend_cache_texts(struct imap_backend *b, struct backend_ctx *ctx,
    const char *folder, char **error)
{
	struct imap_backend_texts	 t;
	struct store_folder		 f;
	struct mime_part		*root;
	const struct mime_part		*part;
	enum backend_status		 status = BACKEND_OK;
	size_t				 i;

	if (store_mirror_folder_get(b->mirror, folder, &f) != STORE_OK)
		return BACKEND_OK;
	memset(&t, 0, sizeof t);
	store_mirror_messages_each(b->mirror, folder, 0, 0,
	    imap_backend_collect_text, &t);
	for (i = 0; i < t.n && status == BACKEND_OK; i++) {
		root = NULL;
		if (mime_structure_parse(t.structures[i], &root, NULL) !=
		    MIME_STRUCTURE_OK)
			continue;
		if ((part = mime_structure_display(root, 0)) != NULL)
			status = imap_backend_cache_part(b, ctx, folder,
			    f.uidvalidity, t.uids[i], part, error);
		mime_structure_free(root);
		if (status == BACKEND_OK && backend_cancelled(ctx))
			status = BACKEND_CANCELLED;
	}
	for (i = 0; i < t.n; i++)
		free(t.structures[i]);
	free(t.structures);
	free(t.uids);
	store_folder_clear(&f);
	return status;
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
		*error = xstrdup(b->offline != NULL ? b->offline :
		    _("offline"));
		return BACKEND_ERROR;
	}
	if (folder != NULL && *folder != '\0') {
		status = imap_backend_sync_one(b, ctx, folder, error);
		if (status == BACKEND_OK && (flags & BACKEND_SYNC_BODIES))
			status = imap_backend_cache_texts(b, ctx, folder, error);
		return status;
	}
	if ((status = imap_backend_folder_list(b, ctx, error)) != BACKEND_OK)
		return status;
	if (b->session == NULL) {
		*error = xstrdup(b->offline != NULL ? b->offline :
		    _("offline"));
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
		if (status == BACKEND_OK && (flags & BACKEND_SYNC_BODIES))
			status = imap_backend_cache_texts(b, ctx,
			    names.names[i], error);
	}
	for (i = 0; i < names.n; i++)
		free(names.names[i]);
	free(names.names);
	return status;
}


/*
 * The message's headers for the pager's header block: what the mirror has
 * from the envelope (decoded and sanitised when it was stored). The Date
 * is the index row's, which the UI formats itself. They come with the
 * message, not with every index row, so 100,000 rows stay small.
 */
static void
imap_backend_emit_headers(struct backend_ctx *ctx,
    const struct store_message *row)
{
	const struct {
		const char	*name;
		const char	*value;
	} fields[] = {
		{ "From", row->from },
		{ "To", row->to },
		{ "Cc", row->cc },
		{ "Subject", row->subject },
		/* IMAP keywords ($Label1, work...), as the Keywords header
		 * would show them. */
		{ "Keywords", row->keywords },
		{ "Message-ID", row->message_id },
		{ "In-Reply-To", row->in_reply_to },
		{ "References", row->references },
	};
	struct msg	*m = msg_new(MSG_EV_PART, 0);
	uint32_t	 n = 0;
	size_t		 i;

	for (i = 0; i < sizeof fields / sizeof fields[0]; i++) {
		if (fields[i].value != NULL && *fields[i].value != '\0')
			n++;
	}
	msg_add_u32(m, BACKEND_PART_HEADERS);
	msg_add_u32(m, n);
	for (i = 0; i < sizeof fields / sizeof fields[0]; i++) {
		if (fields[i].value == NULL || *fields[i].value == '\0')
			continue;
		msg_add_str(m, fields[i].name);
		msg_add_str(m, fields[i].value);
	}
	backend_emit(ctx, m);
}

static void
imap_backend_fetch_progress(uint64_t done, uint64_t total, void *arg)
{
	backend_progress(arg, done, total, "bytes");
}

/* The message's row and MIME tree from the mirror, and the folder's
 * UIDVALIDITY for the cache keys. */
static enum backend_status
imap_backend_message(struct imap_backend *b, const char *folder, uint32_t uid,
    struct store_message *row, struct mime_part **root, uint32_t *uidvalidity,
    char **error)
{
	struct store_folder	f;
	char			*why = NULL;

	if (store_mirror_folder_get(b->mirror, folder, &f) != STORE_OK) {
		*error = xasprintf(_("%s: no such folder"), folder);
		return BACKEND_ERROR;
	}
	*uidvalidity = f.uidvalidity;
	store_folder_clear(&f);
	if (store_mirror_message_get(b->mirror, folder, uid, row) != STORE_OK) {
		*error = xasprintf(_("%s: message %u is not in the mirror "
		    "(open the folder first)"), folder, uid);
		return BACKEND_ERROR;
	}
	if (row->bodystructure == NULL || mime_structure_parse(
	    row->bodystructure, root, &why) != MIME_STRUCTURE_OK) {
		*error = xasprintf(_("%s: message %u: its structure is "
		    "unknown%s%s"), folder, uid, why != NULL ? ": " : "",
		    why != NULL ? why : "");
		free(why);
		store_message_clear(row);
		return BACKEND_ERROR;
	}
	return BACKEND_OK;
}

/* Make sure folder is selected, with the UIDVALIDITY the mirror knows. */
enum backend_status
imap_backend_select(struct imap_backend *b, struct backend_ctx *ctx,
    const char *folder, uint32_t uidvalidity, char **error)
{
	mailimap	*imap = imap_session_imap(b->session);
	int		 r;

	if (b->selected != NULL && strcmp(b->selected, folder) == 0)
		return BACKEND_OK;
	if ((r = imap_session_select(b->session, folder, NULL)) !=
	    MAILIMAP_NO_ERROR) {
		char *why = imap_session_error(b->session, r, "SELECT");

		imap_backend_drop(b, ctx, why);
		*error = why;
		return BACKEND_ERROR;
	}
	if (uidvalidity != 0 &&
	    imap->imap_selection_info->sel_uidvalidity != uidvalidity) {
		*error = xasprintf(_("%s changed on the server; open it again"),
		    folder);
		return BACKEND_ERROR;
	}
	free(b->selected);
	b->selected = xstrdup(folder);
	return BACKEND_OK;
}

/* Get a part into the cache (from the server if need be). */
static enum backend_status
imap_backend_cache_part(struct imap_backend *b, struct backend_ctx *ctx,
    const char *folder, uint32_t uidvalidity, uint32_t uid,
    const struct mime_part *part, char **error)
{
	enum imap_fetch_status	 status;
	enum backend_status	 bs;
	char			*why = NULL;

	if (store_cache_has(b->cache, folder, uidvalidity, uid, part->section))
		return BACKEND_OK;
	if (imap_backend_connect(b, ctx) != 0) {
		*error = xasprintf(_("this part is not cached, and the server "
		    "is unreachable: %s"), b->offline != NULL ? b->offline :
		    _("offline"));
		return BACKEND_ERROR;
	}
	if ((bs = imap_backend_select(b, ctx, folder, uidvalidity, error)) !=
	    BACKEND_OK)
		return bs;
	status = imap_fetch_to_cache(b->session, b->cache, folder, uidvalidity,
	    uid, part->section, part->size, imap_backend_fetch_progress, ctx,
	    NULL, &why);
	switch (status) {
	case IMAP_FETCH_OK:
		return BACKEND_OK;
	case IMAP_FETCH_CANCELLED:
		free(why);
		imap_backend_drop(b, ctx, _("cancelled"));
		return BACKEND_CANCELLED;
	case IMAP_FETCH_ERROR:
		imap_backend_drop(b, ctx, why);
		*error = why;
		return BACKEND_ERROR;
	default:
		*error = why;
		return BACKEND_ERROR;
	}
}

/* Mark a message read on the server and in the mirror, once shown. */
static void
imap_backend_mark_seen(struct imap_backend *b, struct backend_ctx *ctx,
    const char *folder, const struct store_message *row)
{
	struct msg	*m;
	char		*why = NULL;

	if ((row->flags & STORE_FLAG_SEEN) || b->session == NULL ||
	    b->selected == NULL || strcmp(b->selected, folder) != 0)
		return;
	if (imap_fetch_flag_seen(b->session, row->uid, &why) !=
	    IMAP_FETCH_OK) {
		log_warn("%s: %s", __func__, why);
		free(why);
		return;
	}
	store_mirror_flags_set(b->mirror, folder, row->uid,
	    row->flags | STORE_FLAG_SEEN, row->keywords, 0);
	m = msg_new(MSG_EV_FLAGS, 0);
	msg_add_u32(m, 1);
	msg_add_u32(m, row->uid);
	msg_add_u32(m, row->flags | STORE_FLAG_SEEN);
	backend_emit(ctx, m);
}

/* Ask before downloading a display part bigger than download_confirm_mb
 * (a 50 MB "text" over a phone link is a choice, not a surprise). 1 to go
 * ahead: it is small, cached, or the user said yes. */
static int
imap_backend_confirm(struct imap_backend *b, struct backend_ctx *ctx,
    const char *folder, uint32_t uidvalidity, uint32_t uid,
    const struct mime_part *part)
{
	char	*question, *answer = NULL;
	int	 yes;

	if (b->account->download_confirm_mb <= 0 ||
	    part->size <= (uint64_t)b->account->download_confirm_mb * 1048576 ||
	    store_cache_has(b->cache, folder, uidvalidity, uid, part->section))
		return 1;
	/* TRANSLATORS: the letters in parentheses must be those of the
	   translation of "yn" in ui/prompt.c. */
	question = xasprintf(_("The text of this message is %.1f MB. Download "
	    "it? (y/n)"), part->size / 1048576.0);
	yes = backend_ask(ctx, BACKEND_QUESTION_CONFIRM, question,
	    &answer) == 0 && answer != NULL && (strcasecmp(answer, "y") == 0 ||
	    strcasecmp(answer, "yes") == 0);
	free(question);
	free(answer);
	return yes;
}

/* What imap_backend_forwarded walks the attachments with. */
struct imap_backend_fwd {
	struct imap_backend		*b;
	struct backend_ctx		*ctx;
	const char			*folder;
	uint32_t			 uidvalidity, uid;
	const struct render_opts	*ropts;
	char				*text;
	size_t				 number;
	int				 shown;
};

#define IMAP_BACKEND_MAX_FORWARDED	3	/* shown inline per message */

/* One attachment: a forwarded message (message/rfc822) gets its header
 * block and its text fetched (never its attachments) and appended. */
static void
imap_backend_forwarded_one(const struct mime_part *p, void *arg)
{
	struct imap_backend_fwd	*f = arg;
	struct imap_backend	*b = f->b;
	const struct mime_part	*inner;
	struct mime_part	 hdr;
	char			*raw = NULL, *head = NULL, *text, *block, *all;
	char			*error = NULL, *why = NULL;
	size_t			 len = 0, hlen = 0;
	uint32_t		 notes = 0;

	f->number++;
	if (strcmp(p->type, "message") != 0 || p->nchildren == 0 ||
	    f->shown >= IMAP_BACKEND_MAX_FORWARDED ||
	    (inner = mime_structure_display(p->children[0],
	    f->ropts->prefer_html)) == NULL ||
	    strcmp(inner->type, "text") != 0 ||
	    (b->account->download_confirm_mb > 0 && inner->size >
	    (uint64_t)b->account->download_confirm_mb * 1048576))
		return;
	memset(&hdr, 0, sizeof hdr);
	hdr.section = xasprintf("%s.HEADER", p->section);
	if (imap_backend_cache_part(b, f->ctx, f->folder, f->uidvalidity,
	    f->uid, &hdr, &error) == BACKEND_OK)
		store_cache_read(b->cache, f->folder, f->uidvalidity, f->uid,
		    hdr.section, 256 * 1024, &head, &hlen, &why);
	free(error);
	free(why);
	error = why = NULL;
	if (imap_backend_cache_part(b, f->ctx, f->folder, f->uidvalidity,
	    f->uid, inner, &error) != BACKEND_OK ||
	    store_cache_read(b->cache, f->folder, f->uidvalidity, f->uid,
	    inner->section, IMAP_BACKEND_MAX_TEXT, &raw, &len, &why) !=
	    STORE_CACHE_OK) {
		log_info("%s: forwarded part %s of %u not shown: %s", __func__,
		    inner->section, f->uid, error != NULL ? error :
		    why != NULL ? why : "?");
		goto out;
	}
	text = render_part(inner, raw, len, f->ropts, &notes);
	block = render_forwarded(f->number + 1, p, head, hlen, text,
	    f->ropts);
	all = xasprintf("%s%s", f->text, block);
	free(f->text);
	f->text = all;
	free(block);
	free(text);
	f->shown++;
out:
	free(hdr.section);
	free(head);
	free(raw);
	free(error);
	free(why);
}

/* text with the forwarded messages of root shown after it, as mutt does;
 * takes text, returns the caller's. */
static char *
imap_backend_forwarded(struct imap_backend *b, struct backend_ctx *ctx,
    const char *folder, uint32_t uidvalidity, uint32_t uid,
    const struct mime_part *root, const struct render_opts *ropts,
    char *text)
{
	struct imap_backend_fwd	f;

	memset(&f, 0, sizeof f);
	f.b = b;
	f.ctx = ctx;
	f.folder = folder;
	f.uidvalidity = uidvalidity;
	f.uid = uid;
	f.ropts = ropts;
	f.text = text;
	mime_structure_attachments(root, imap_backend_forwarded_one, &f);
	return f.text;
}

static enum backend_status
imap_backend_part_fetch(void *state, struct backend_ctx *ctx,
    const char *folder, uint32_t uid, const char *section,
    const struct render_opts *ropts, char **error)
{
	struct imap_backend	*b = state;
	struct imap_backend_meter meter;
	struct store_message	 row;
	struct mime_part	*root = NULL;
	const struct mime_part	*part;
	enum backend_status	 status;
	struct msg		*m;
	uint32_t		 uidvalidity, notes = 0;
	char			*raw = NULL, *shown, *type, *why = NULL;
	size_t			 len = 0;

	status = imap_backend_message(b, folder, uid, &row, &root, &uidvalidity,
	    error);
	if (status != BACKEND_OK)
		return status;
	if (section == NULL || *section == '\0')
		imap_backend_emit_headers(ctx, &row);
	mime_structure_attachments(root, backend_emit_attachment, ctx);
	if (section == NULL || *section == '\0')
		part = mime_structure_display(root, ropts->prefer_html);
	else
		part = mime_structure_find(root, section);
	if (part == NULL) {
		m = msg_new(MSG_EV_PART, 0);
		msg_add_u32(m, BACKEND_PART_TEXT);
		msg_add_str(m, "");
		msg_add_str(m, "");
		msg_add_u32(m, RENDER_NOTE_NO_TEXT |
		    render_shape_notes(root));
		msg_add_str(m, "");
		backend_emit(ctx, m);
		goto out;
	}
	if (!imap_backend_confirm(b, ctx, folder, uidvalidity, uid, part)) {
		*error = xasprintf(_("not downloaded: its text is %.1f MB "
		    "(download_confirm_mb = %d)"), part->size / 1048576.0,
		    b->account->download_confirm_mb);
		status = BACKEND_ERROR;
		goto out;
	}
	imap_backend_meter_start(b, &meter);
	status = imap_backend_cache_part(b, ctx, folder, uidvalidity, uid, part,
	    error);
	imap_backend_meter_log(b, &meter, "read message in", folder);
	if (status != BACKEND_OK)
		goto out;
	if (store_cache_read(b->cache, folder, uidvalidity, uid, part->section,
	    IMAP_BACKEND_MAX_TEXT, &raw, &len, &why) != STORE_CACHE_OK) {
		*error = why != NULL ? why :
		    xstrdup(_("reading the cache failed"));
		status = BACKEND_ERROR;
		goto out;
	}
	notes |= render_shape_notes(root);
	shown = render_part(part, raw, len, ropts, &notes);
	if (section == NULL || *section == '\0')
		shown = imap_backend_forwarded(b, ctx, folder, uidvalidity, uid,
		    root, ropts, shown);
	type = xasprintf("%s/%s", part->type, part->subtype);
	m = msg_new(MSG_EV_PART, 0);
	msg_add_u32(m, BACKEND_PART_TEXT);
	msg_add_str(m, part->section);
	msg_add_str(m, type);
	msg_add_u32(m, notes);
	msg_add_str(m, shown);
	backend_emit(ctx, m);
	free(type);
	free(shown);
	imap_backend_mark_seen(b, ctx, folder, &row);
out:
	free(raw);
	mime_structure_free(root);
	store_message_clear(&row);
	return status;
}

static enum backend_status
imap_backend_part_save(void *state, struct backend_ctx *ctx,
    const char *folder, uint32_t uid, const char *section, const char *path,
    char **error)
{
	struct imap_backend	*b = state;
	struct store_message	 row;
	struct mime_part	*root = NULL;
	const struct mime_part	*part;
	enum backend_status	 status;
	uint32_t		 uidvalidity;
	char			*raw = NULL, *decoded = NULL, *why = NULL;
	size_t			 len = 0, dlen = 0;

	status = imap_backend_message(b, folder, uid, &row, &root, &uidvalidity,
	    error);
	if (status != BACKEND_OK)
		return status;
	if ((part = mime_structure_find(root, section)) == NULL ||
	    part->nchildren > 0) {
		*error = xasprintf(_("message %u has no part %s to save"), uid,
		    section);
		status = BACKEND_ERROR;
		goto out;
	}
	status = imap_backend_cache_part(b, ctx, folder, uidvalidity, uid, part,
	    error);
	if (status != BACKEND_OK)
		goto out;
	if (store_cache_read(b->cache, folder, uidvalidity, uid, part->section,
	    SIZE_MAX / 2, &raw, &len, &why) != STORE_CACHE_OK) {
		*error = why != NULL ? why :
		    xstrdup(_("reading the cache failed"));
		status = BACKEND_ERROR;
		goto out;
	}
	mime_decode_transfer(part->encoding, raw, len, &decoded, &dlen);
	status = backend_write_new(path, decoded, dlen, error);
	if (status == BACKEND_OK)
		log_info("%s: saved %s/%u part %s (%zu bytes) to %s", __func__,
		    folder, uid, section, dlen, path);
out:
	free(raw);
	free(decoded);
	mime_structure_free(root);
	store_message_clear(&row);
	return status;
}

/* Servers end an IDLE after 30 minutes; start a new one before that. */
#define IMAP_BACKEND_IDLE_MS	(25 * 60 * 1000)

/*
 * Between requests: IDLE on the folder the UI shows, and tell the UI when
 * the server reports anything, so it syncs at once. Without IDLE (or
 * offline) there is nothing to wait on: the UI's check_interval polls.
 */
static int
imap_backend_idle(void *state, struct backend_ctx *ctx, int fd)
{
	struct imap_backend	*b = state;
	struct msg		*m;
	char			*why = NULL;

	if (b->session == NULL || b->open == NULL || !b->account->idle ||
	    !imap_session_has(b->session, "IDLE"))
		return 0;
	if (imap_backend_select(b, ctx, b->open, 0, &why) != BACKEND_OK) {
		log_info("%s: %s", __func__, why);
		free(why);
		return 0;
	}
	switch (imap_idle_wait(b->session, fd, IMAP_BACKEND_IDLE_MS, &why)) {
	case IMAP_IDLE_CHANGED:
		m = msg_new(MSG_EV_CHANGED, 0);
		msg_add_str(m, b->open);
		backend_emit(ctx, m);
		return 1;
	case IMAP_IDLE_INTERRUPTED:
	case IMAP_IDLE_TIMEOUT:
		return 1;
	case IMAP_IDLE_UNSUPPORTED:
		return 0;
	case IMAP_IDLE_ERROR:
		break;
	}
	log_info("%s: %s: %s", __func__, b->account->name, why);
	imap_backend_drop(b, ctx, why);
	free(why);
	return 0;
}

const struct backend backend_imap = {
	.name = "imap",
	.open = imap_backend_open,
	.close = imap_backend_close,
	.folder_list = imap_backend_folder_list,
	.folder_open = imap_backend_folder_open,
	.part_fetch = imap_backend_part_fetch,
	.part_save = imap_backend_part_save,
	.sync = imap_backend_sync,
	.flags = imap_apply_flags,
	.copy = imap_apply_copy,
	.remove = imap_apply_remove,
	.expunge = imap_apply_expunge,
	.folder_change = imap_apply_folder,
	.quota = imap_apply_quota,
	.search = imap_apply_search,
	.append = imap_apply_append,
	.archive = imap_apply_archive,
	.idle = imap_backend_idle,
};
