/* send: sending through the outbox. The message is on disk before the
 * server hears of it, and leaves the outbox only once the server took it,
 * so a crash or a failure never loses what the user wrote. */
#include "auto-config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config.h"
#include "intl.h"
#include "log.h"
#include "maildir.h"
#include "maildir-backend.h"
#include "mime-header.h"
#include "mime-sanitize.h"
#include "msg.h"
#include "outbox.h"
#include "password.h"
#include "send.h"
#include "smtp-send.h"
#include "store-mirror.h"
#include "xmalloc.h"

#define SEND_PASSWORD_TIMEOUT	30000	/* ms for a password command */
/* ms for a sendmail command: within the account layer's 90 s without a
 * sign of life. */
#define SEND_COMMAND_TIMEOUT	60000

/* The bare address of a "Name <addr>" (or a bare one); the caller frees
 * it. NULL when there is none. */
static char *
send_address(const char *from)
{
	const char	*lt, *gt;

	if (from == NULL)
		return NULL;
	if ((lt = strrchr(from, '<')) != NULL &&
	    (gt = strchr(lt, '>')) != NULL && gt > lt + 1)
		return xstrndup(lt + 1, (size_t)(gt - lt - 1));
	from += strspn(from, " \t");
	if (*from == '\0' || strchr(from, '@') == NULL)
		return NULL;
	return xstrndup(from, strcspn(from, " \t"));
}

static enum outbox_status
send_outbox_open(const struct config_account *a, struct outbox **ob,
    char **error)
{
	enum outbox_status	 status;
	char			*dir = outbox_path(a->name), *why = NULL;

	status = outbox_open(dir, ob, &why);
	if (status != OUTBOX_OK) {
		*error = xasprintf(_("cannot open the outbox: %s"), why);
		free(why);
	}
	free(dir);
	return status;
}

/* The SMTP secret: smtp_password_command (password_command by default),
 * the password option, an OAuth token, else the user's answer. 0, or -1
 * with *error (a failed command, or no answer: *cancelled). */
static int
send_secret(struct backend_ctx *ctx, const struct config_account *a,
    char **password, char **token, int *cancelled, char **error)
{
	char	*why = NULL, *question;

	*password = *token = NULL;
	*cancelled = 0;
	if (a->smtp_password_command != NULL) {
		if (password_run(a->smtp_password_command,
		    SEND_PASSWORD_TIMEOUT, password, &why) == PASSWORD_OK)
			return 0;
		*error = xasprintf(_("smtp_password_command: %s"),
		    why != NULL ? why : _("no output"));
		free(why);
		return -1;
	}
	if (a->password != NULL) {
		*password = xstrdup(a->password);
		return 0;
	}
	if (a->oauth2_token_command != NULL) {
		if (password_run(a->oauth2_token_command,
		    SEND_PASSWORD_TIMEOUT, token, &why) == PASSWORD_OK)
			return 0;
		*error = xasprintf(_("oauth2_token_command: %s"),
		    why != NULL ? why : _("no output"));
		free(why);
		return -1;
	}
	question = xasprintf(_("Password for sending as %s at %s: "),
	    a->smtp_user, a->smtp_host);
	if (backend_ask(ctx, BACKEND_QUESTION_PASSWORD, question,
	    password) == -1) {
		free(question);
		*cancelled = 1;
		*error = xstrdup(_("no password given"));
		return -1;
	}
	free(question);
	return 0;
}

/* Hand one queued message to the server or the sendmail command. */
static enum smtp_send_status
send_deliver(struct backend_ctx *ctx, const struct config_account *a,
    const struct outbox_entry *e, char **error)
{
	struct smtp_send_config	 cfg;
	struct net_tls_peer	 peer;
	enum smtp_send_status	 status;
	char			*password = NULL, *token = NULL;
	int			 cancelled;

	backend_progress(ctx, 0, e->len, _("sending"));
	if (a->sendmail_command != NULL)
		return smtp_send_command(a->sendmail_command, e->rcpts,
		    e->nrcpts, e->data, e->len, SEND_COMMAND_TIMEOUT, error);

	if (send_secret(ctx, a, &password, &token, &cancelled, error) == -1)
		return cancelled ? SMTP_SEND_CANCELLED : SMTP_SEND_AUTH;
	memset(&cfg, 0, sizeof cfg);
	cfg.host = a->smtp_host;
	cfg.port = a->smtp_port;
	cfg.tls = a->smtp_tls == CONFIG_TLS_IMPLICIT ?
	    SMTP_SEND_TLS_IMPLICIT : a->smtp_tls == CONFIG_TLS_STARTTLS ?
	    SMTP_SEND_TLS_STARTTLS : SMTP_SEND_TLS_NONE;
	/* The pin is the mail server's; a CA file is for both. */
	cfg.ca_file = a->tls_ca_file;
	cfg.user = a->smtp_user;
	cfg.password = password;
	cfg.oauth2_token = token;
	cfg.interrupt_fd = backend_interrupt_fd(ctx);
	memset(&peer, 0, sizeof peer);
	status = smtp_send(&cfg, e->sender, e->rcpts, e->nrcpts, e->data,
	    e->len, &peer, error);
	net_tls_peer_clear(&peer);
	if (password != NULL)
		password_free(password);
	if (token != NULL)
		password_free(token);
	backend_progress(ctx, e->len, e->len, _("sending"));
	return status;
}

/* The copy of a sent message: POP3 in the local store's Sent (made if
 * missing), IMAP through the backend. */
static enum backend_status
send_save(struct backend_ctx *ctx, const struct config_account *a,
    const struct outbox_entry *e, send_save_cb save, void *arg,
    char **error)
{
	enum maildir_status	 status;
	struct maildir		*md;
	char			*root;

	if (!a->save_sent)
		return BACKEND_OK;
	if (a->protocol != CONFIG_PROTOCOL_POP3) {
		if (e->sent == NULL)
			return BACKEND_OK;
		return save(arg, ctx, e->sent, e->data, e->len, error);
	}
	root = maildir_backend_store_path(a);
	status = maildir_open(root, &md, error);
	free(root);
	if (status != MAILDIR_OK)
		return BACKEND_ERROR;
	status = maildir_folder_create(md, "Sent", error);
	if (status == MAILDIR_EXISTS) {
		free(*error);
		*error = NULL;
	}
	if (status == MAILDIR_OK || status == MAILDIR_EXISTS)
		status = maildir_deliver(md, "Sent", e->data, e->len,
		    STORE_FLAG_SEEN, NULL, error);
	maildir_close(md);
	return status == MAILDIR_OK ? BACKEND_OK : BACKEND_ERROR;
}

/* The outcome of one try, as the user reads it; the caller frees it. */
static char *
send_explain(enum smtp_send_status status, const char *why)
{
	switch (status) {
	case SMTP_SEND_TEMPORARY:
		return xasprintf(_("The message could not be sent now (%s); "
		    "it is kept in the outbox and will be retried."), why);
	case SMTP_SEND_AUTH:
		return xasprintf(_("The login to the mail server failed (%s); "
		    "the message is kept in the outbox and will be retried."),
		    why);
	case SMTP_SEND_PERMANENT:
		return xasprintf(_("The server refused the message (%s); it is "
		    "kept in the outbox, but will not go as it is."), why);
	default:
		return xasprintf(_("The message was not sent (%s); it is kept "
		    "in the outbox until the settings are fixed."), why);
	}
}

/* Try one queued message: on OK it leaves the outbox and its copy is
 * saved; otherwise the failure is recorded and *error explains it. */
static enum smtp_send_status
send_one(struct backend_ctx *ctx, const struct config_account *a,
    struct outbox *ob, const struct outbox_entry *e, send_save_cb save,
    void *arg, char **error)
{
	enum smtp_send_status	 status;
	enum backend_status	 saved;
	struct msg		*m;
	char			*why = NULL, *note;

	status = send_deliver(ctx, a, e, &why);
	log_info("%s: %s: %s to %zu recipient(s): %s", __func__, a->name,
	    e->id, e->nrcpts, smtp_send_status_name(status));
	if (status != SMTP_SEND_OK) {
		if (why == NULL)
			why = xstrdup(smtp_send_status_name(status));
		note = NULL;
		if (outbox_failed(ob, e->id, why, &note) != OUTBOX_OK) {
			log_warn("%s: %s", __func__, note);
			free(note);
		}
		*error = send_explain(status, why);
		free(why);
		return status;
	}
	free(why);
	why = NULL;
	/* Sent: a later try would send it twice, so it goes first. */
	if (outbox_remove(ob, e->id, &why) != OUTBOX_OK) {
		log_warn("%s: %s: sent, but still queued: %s", __func__,
		    a->name, why);
		free(why);
		why = NULL;
	}
	/* OFFLINE: the backend keeps the copy to make later. */
	saved = send_save(ctx, a, e, save, arg, &why);
	if (saved != BACKEND_OK && saved != BACKEND_OFFLINE) {
		note = xasprintf(_("The message was sent, but no copy was "
		    "saved in Sent: %s"), why != NULL ? why : "?");
		log_warn("%s: %s: %s", __func__, a->name, note);
		m = msg_new(MSG_EV_NOTE, 0);
		msg_add_str(m, note);
		backend_emit(ctx, m);
		free(note);
	}
	free(why);
	return SMTP_SEND_OK;
}

enum backend_status
send_submit(struct backend_ctx *ctx, const struct config_account *a,
    const char *sender, char * const *rcpts, size_t n, const char *sent,
    const char *data, size_t len, send_save_cb save, void *arg,
    int *kept, char **error)
{
	enum smtp_send_status	 status;
	struct outbox		*ob;
	struct outbox_entry	*e = NULL;
	char			*id = NULL, *own = NULL, *why = NULL;

	*kept = 0;

	if (a->sendmail_command == NULL && a->smtp_host == NULL) {
		*error = xasprintf(_("account %s cannot send: set smtp_host "
		    "or sendmail_command"), a->name);
		return BACKEND_ERROR;
	}
	if (sender == NULL || *sender == '\0')
		sender = own = send_address(a->from);
	if (sender == NULL) {
		*error = xasprintf(_("account %s has no from address to send "
		    "with"), a->name);
		return BACKEND_ERROR;
	}
	if (send_outbox_open(a, &ob, error) != OUTBOX_OK) {
		free(own);
		return BACKEND_ERROR;
	}
	if (outbox_add(ob, sender, rcpts, n, sent, data, len, &id, &why) !=
	    OUTBOX_OK || outbox_read(ob, id, &e, &why) != OUTBOX_OK) {
		*error = xasprintf(_("the message was not queued: %s"), why);
		free(why);
		free(id);
		free(own);
		outbox_close(ob);
		return BACKEND_ERROR;
	}
	status = send_one(ctx, a, ob, e, save, arg, error);
	*kept = status != SMTP_SEND_OK;
	outbox_entry_free(e);
	outbox_close(ob);
	free(id);
	free(own);
	if (status == SMTP_SEND_OK)
		return BACKEND_OK;
	return status == SMTP_SEND_CANCELLED ? BACKEND_CANCELLED :
	    BACKEND_ERROR;
}

enum backend_status
send_flush(struct backend_ctx *ctx, const struct config_account *a,
    send_save_cb save, void *arg, char **error)
{
	enum smtp_send_status	 status;
	enum backend_status	 result = BACKEND_OK;
	struct outbox		*ob;
	struct outbox_entry	*e;
	struct msg		*m;
	char			**ids, *why = NULL;
	size_t			 n, i, failed = 0;

	if (a->sendmail_command == NULL && a->smtp_host == NULL) {
		*error = xasprintf(_("account %s cannot send: set smtp_host "
		    "or sendmail_command"), a->name);
		return BACKEND_ERROR;
	}
	if (send_outbox_open(a, &ob, error) != OUTBOX_OK)
		return BACKEND_ERROR;
	if (outbox_list(ob, &ids, &n, &why) != OUTBOX_OK) {
		*error = xasprintf(_("cannot read the outbox: %s"), why);
		free(why);
		outbox_close(ob);
		return BACKEND_ERROR;
	}
	for (i = 0; i < n; i++) {
		if (backend_cancelled(ctx)) {
			result = BACKEND_CANCELLED;
			break;
		}
		if (outbox_read(ob, ids[i], &e, &why) != OUTBOX_OK) {
			/* Not ours to send; left for the user to look at. */
			log_warn("%s: %s: %s", __func__, a->name, why);
			free(why);
			why = NULL;
			continue;
		}
		status = send_one(ctx, a, ob, e, save, arg, &why);
		outbox_entry_free(e);
		if (status == SMTP_SEND_OK)
			continue;
		if (status == SMTP_SEND_CANCELLED) {
			free(why);
			result = BACKEND_CANCELLED;
			break;
		}
		failed++;
		if (status == SMTP_SEND_PERMANENT) {
			m = msg_new(MSG_EV_NOTE, 0);
			msg_add_str(m, why);
			backend_emit(ctx, m);
			free(why);
			why = NULL;
			continue;
		}
		/* The next would fail the same way. */
		*error = why;
		result = BACKEND_ERROR;
		break;
	}
	if (result == BACKEND_OK && failed > 0) {
		*error = xasprintf(ngettext("%zu message the server "
		    "refused is kept in the outbox", "%zu messages the server "
		    "refused are kept in the outbox", failed), failed);
		result = BACKEND_ERROR;
	}
	outbox_list_free(ids, n);
	outbox_close(ob);
	return result;
}

/* The Subject of a message, decoded and made safe to show; never NULL. */
static char *
send_subject(const char *data, size_t len)
{
	const char	*p = data, *end = data + len, *v, *q;
	char		*raw, *decoded, *safe;

	while (p < end && *p != '\r' && *p != '\n') {
		if ((size_t)(end - p) > 8 &&
		    strncasecmp(p, "Subject:", 8) == 0) {
			v = p + 8;
			/* The value runs on over folded lines. */
			for (q = v; q < end; q++) {
				if (*q == '\n' && (q + 1 == end ||
				    (q[1] != ' ' && q[1] != '\t')))
					break;
			}
			raw = mime_header_unfold(v, (size_t)(q - v));
			decoded = mime_header_decode(raw, strlen(raw), 0,
			    NULL);
			safe = mime_sanitize(decoded, strlen(decoded), 0);
			free(raw);
			free(decoded);
			return safe;
		}
		if ((q = memchr(p, '\n', (size_t)(end - p))) == NULL)
			break;
		p = q + 1;
	}
	return xstrdup("");
}

enum backend_status
send_outbox_list(struct backend_ctx *ctx, const struct config_account *a,
    char **error)
{
	struct outbox		*ob;
	struct outbox_entry	*e;
	struct msg		*m;
	char			**ids, *why = NULL, *subject, *to;
	size_t			 n, i, j, tolen;
	FILE			*f;

	if (send_outbox_open(a, &ob, error) != OUTBOX_OK)
		return BACKEND_ERROR;
	if (outbox_list(ob, &ids, &n, &why) != OUTBOX_OK) {
		*error = xasprintf(_("cannot read the outbox: %s"), why);
		free(why);
		outbox_close(ob);
		return BACKEND_ERROR;
	}
	for (i = 0; i < n; i++) {
		if (outbox_read(ob, ids[i], &e, &why) != OUTBOX_OK) {
			log_warn("%s: %s: %s", __func__, a->name, why);
			free(why);
			why = NULL;
			continue;
		}
		subject = send_subject(e->data, e->len);
		to = NULL;
		tolen = 0;
		if ((f = open_memstream(&to, &tolen)) == NULL)
			fatal("open_memstream");
		for (j = 0; j < e->nrcpts; j++)
			fprintf(f, "%s%s", j > 0 ? ", " : "", e->rcpts[j]);
		if (fclose(f) != 0)
			fatal("open_memstream");
		m = msg_new(MSG_EV_OUTBOX, 0);
		msg_add_str(m, e->id);
		msg_add_str(m, subject);
		msg_add_str(m, to);
		msg_add_u32(m, e->attempts);
		msg_add_str(m, e->error != NULL ? e->error : "");
		backend_emit(ctx, m);
		free(subject);
		free(to);
		outbox_entry_free(e);
	}
	outbox_list_free(ids, n);
	outbox_close(ob);
	return BACKEND_OK;
}
