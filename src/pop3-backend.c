/* pop3-backend: one download per sync request: take the account's lock and
 * state, finish what an interrupted run left, connect (asking for the
 * password or about the certificate as IMAP does), download, delete per
 * policy. The password the user typed is kept for the worker's life. */
#include "auto-config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend.h"
#include "config.h"
#include "intl.h"
#include "log.h"
#include "maildir-backend.h"
#include "msg.h"
#include "password.h"
#include "paths.h"
#include "pop3-backend.h"
#include "pop3-deliver.h"
#include "pop3-fetch.h"
#include "pop3-policy.h"
#include "pop3-session.h"
#include "pop3-state.h"
#include "trust.h"
#include "xmalloc.h"

/* How long password_command may take. */
#define POP3_BACKEND_PASSWORD_TIMEOUT	30000

/* What the downloader keeps with the store's state between requests. */
struct pop3_backend {
	char	*password;
	int	 no_password;	/* the user gave none: do not ask again */
	char	*trust_file;
	char	*state_dir;	/* $XDG_DATA_HOME/skua/ACCOUNT */
};

static void
pop3_backend_free(void *arg)
{
	struct pop3_backend	*b = arg;

	if (b == NULL)
		return;
	password_free(b->password);
	free(b->trust_file);
	free(b->state_dir);
	free(b);
}

static struct pop3_backend *
pop3_backend_get(void *state, const struct config_account *a)
{
	struct pop3_backend	*b = maildir_backend_companion(state);
	char			*data;

	if (b != NULL)
		return b;
	b = xcalloc(1, sizeof *b);
	data = paths_data_dir();
	b->trust_file = xasprintf("%s/certificates", data);
	b->state_dir = xasprintf("%s/%s", data, a->name);
	free(data);
	maildir_backend_attach(state, b, pop3_backend_free);
	return b;
}

/* The password: option, password_command, or the user. 0, or -1. */
static int
pop3_backend_password(struct pop3_backend *b, const struct config_account *a,
    struct backend_ctx *ctx, char **error)
{
	char	*question, *answer = NULL, *why = NULL;

	if (b->password != NULL)
		return 0;
	if (a->password != NULL) {
		b->password = xstrdup(a->password);
		return 0;
	}
	switch (password_run(a->password_command,
	    POP3_BACKEND_PASSWORD_TIMEOUT, &b->password, &why)) {
	case PASSWORD_OK:
		return 0;
	case PASSWORD_ERROR:
		*error = xasprintf(_("password_command: %s"), why);
		free(why);
		return -1;
	case PASSWORD_NONE:
		break;
	}
	if (b->no_password) {
		*error = xstrdup(_("no password given"));
		return -1;
	}
	question = xasprintf(_("Password for %s@%s: "), a->user, a->host);
	if (backend_ask(ctx, BACKEND_QUESTION_PASSWORD, question,
	    &answer) != 0 || answer == NULL || *answer == '\0') {
		free(question);
		password_free(answer);
		b->no_password = 1;
		*error = xstrdup(_("no password given"));
		return -1;
	}
	free(question);
	b->password = answer;
	return 0;
}

/* Ask whether to trust a certificate; 1 if the user says yes. */
static int
pop3_backend_ask_trust(struct pop3_backend *b, const struct config_account *a,
    struct backend_ctx *ctx, const struct net_tls_peer *peer)
{
	char	*question, *answer = NULL, *error = NULL;
	int	 yes = 0;

	/* TRANSLATORS: the letters in parentheses must be those of the
	   translation of "oan" in ui/prompt.c. */
	question = xasprintf(_("%s:%d: %s.\nSubject: %s\nIssuer: %s\n"
	    "Valid: %s to %s\nFingerprint: %s\nTrust it (o)nce, (a)lways or "
	    "(n)o?"), a->host, a->port, peer->problem, peer->subject,
	    peer->issuer, peer->not_before, peer->not_after, peer->fingerprint);
	if (backend_ask(ctx, BACKEND_QUESTION_CERTIFICATE, question,
	    &answer) == 0 && answer != NULL) {
		if (answer[0] == 'a' || answer[0] == 'A') {
			if (trust_add(b->trust_file, a->host, a->port,
			    peer->fingerprint, &error) != 0) {
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

/* Connect and log in; NULL with *error on failure. */
static struct pop3_session *
pop3_backend_connect(struct pop3_backend *b, const struct config_account *a,
    struct backend_ctx *ctx, int *cancelled, char **error)
{
	struct pop3_session_config	 config;
	struct pop3_session		*s = NULL;
	struct net_tls_peer		 peer;
	enum pop3_session_status	 status;
	char				**trusted, *once[2] = { NULL, NULL };
	int				 attempt;

	*cancelled = 0;
	if (pop3_backend_password(b, a, ctx, error) != 0)
		return NULL;
	trusted = trust_load(b->trust_file, a->host, a->port);
	for (attempt = 0; attempt < 2; attempt++) {
		memset(&config, 0, sizeof config);
		config.account = a;
		config.password = b->password;
		config.trusted = (const char * const *)(once[0] != NULL ?
		    once : trusted);
		config.interrupt_fd = backend_interrupt_fd(ctx);
		status = pop3_session_open(&config, &s, &peer, error);
		if (status != POP3_SESSION_CERTIFICATE || attempt == 1)
			break;
		if (!pop3_backend_ask_trust(b, a, ctx, &peer)) {
			*error = xasprintf(_("%s: %s (not trusted)"), a->host,
			    peer.problem);
			net_tls_peer_clear(&peer);
			break;
		}
		once[0] = xstrdup(peer.fingerprint);
		net_tls_peer_clear(&peer);
	}
	net_tls_peer_clear(&peer);
	free(once[0]);
	trust_free(trusted);
	if (status == POP3_SESSION_AUTH) {
		/* A wrong password: forget it, so the next try asks again. */
		password_free(b->password);
		b->password = NULL;
	}
	*cancelled = status == POP3_SESSION_CANCELLED;
	if (status != POP3_SESSION_OK && *error == NULL)
		*error = xstrdup(_("cannot connect"));
	return status == POP3_SESSION_OK ? s : NULL;
}

/* The download itself, with the state and the store open around it. */
static enum backend_status
pop3_backend_download(struct pop3_backend *b, const struct config_account *a,
    struct backend_ctx *ctx, struct pop3_fetch_result *result, char **error)
{
	struct pop3_state	*st = NULL;
	struct pop3_deliver	*d = NULL;
	struct pop3_session	*s;
	struct pop3_policy	 policy;
	enum backend_status	 status = BACKEND_ERROR;
	enum pop3_fetch_status	 fs;
	char			*store;
	int			 cancelled;

	store = maildir_backend_store_path(a);
	if (pop3_state_open(b->state_dir, &st, error) != POP3_STATE_OK)
		goto out;
	if (pop3_deliver_open(store, &d, error) != POP3_DELIVER_OK)
		goto out;
	if (pop3_fetch_recover(st, d, result, error) != POP3_FETCH_OK)
		goto out;
	if ((s = pop3_backend_connect(b, a, ctx, &cancelled, error)) == NULL) {
		status = cancelled ? BACKEND_CANCELLED : BACKEND_ERROR;
		goto out;
	}
	pop3_policy_from_account(a, &policy);
	fs = pop3_fetch_run(s, st, d, &policy, ctx, result, error);
	status = fs == POP3_FETCH_OK ? BACKEND_OK : fs == POP3_FETCH_CANCELLED ?
	    BACKEND_CANCELLED : BACKEND_ERROR;
out:
	pop3_deliver_close(d);
	pop3_state_close(st);
	free(store);
	return status;
}

enum backend_status
pop3_backend_sync(void *state, struct backend_ctx *ctx, const char *folder,
    uint32_t flags, char **error)
{
	const struct config_account	*a = maildir_backend_account(state);
	struct pop3_backend		*b = pop3_backend_get(state, a);
	struct pop3_fetch_result	 result;
	enum backend_status		 status, looked;
	struct msg			*m;
	char				*why = NULL;

	memset(&result, 0, sizeof result);
	status = pop3_backend_download(b, a, ctx, &result, error);
	log_info("%s: %s: %llu messages (%llu bytes) downloaded, %llu "
	    "deleted on the server, %llu left there%s%s", __func__, a->name,
	    (unsigned long long)result.messages,
	    (unsigned long long)result.bytes,
	    (unsigned long long)result.deleted,
	    (unsigned long long)result.kept,
	    status == BACKEND_OK ? "" : ": ",
	    status == BACKEND_OK ? "" : (*error != NULL ? *error : "stopped"));
	m = msg_new(MSG_EV_FETCHED, 0);
	msg_add_u64(m, result.messages);
	msg_add_u64(m, result.bytes);
	msg_add_u64(m, result.deleted);
	msg_add_u64(m, result.kept);
	backend_emit(ctx, m);
	if (flags & BACKEND_SYNC_DOWNLOAD_ONLY)
		return status;
	/* Show what arrived, also when the download stopped half-way. */
	looked = maildir_backend_sync(state, ctx, folder, flags, &why);
	if (status == BACKEND_OK) {
		*error = why;
		return looked;
	}
	free(why);
	return status;
}
