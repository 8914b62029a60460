/* pop3-session: the connection policy of imap-session, for POP3: TLS before
 * any secret, STLS required unless tls = none, no plaintext password unless
 * the account allows it, nothing read ahead of STLS trusted. libetpan does
 * the protocol, except where its code is wrong or missing: AUTH PLAIN and
 * APOP are sent here, and so is QUIT, whose answer libetpan throws away. */
#include "auto-config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <openssl/evp.h>

#include <libetpan/libetpan.h>

#include "config.h"
#include "imap-auth.h"
#include "intl.h"
#include "log.h"
#include "net.h"
#include "net-stream.h"
#include "net-tls.h"
#include "password.h"
#include "pop3-guard.h"
#include "pop3-session.h"
#include "xmalloc.h"

/*
 * libetpan 1.9.4 keeps the session state in a private enum
 * (DISCONNECTED, AUTHORIZATION, TRANSACTION); a login it did not do itself
 * must set it, or LIST, RETR and DELE answer BAD_STATE.
 */
#define POP3_SESSION_LIBETPAN_TRANSACTION	2

/* Progress callbacks from libetpan come every this many bytes. */
#define POP3_SESSION_PROGRESS_RATE	(64 * 1024)

struct pop3_session {
	mailpop3		*pop3;
	struct pop3_guard	 guard;
	MMAPString		*line;		/* our own commands' replies */
	char			*host;
	const char		*mechanism;	/* how we logged in, for the log */
	clist			*capa;		/* NULL: no CAPA */
	pop3_session_progress_cb progress;
	void			*progress_arg;
};

/* net-stream's filter, backed by the session's guard. */
static int
pop3_session_filter_server(void *arg, const void *buf, size_t len)
{
	return pop3_guard_server(arg, buf, len) != POP3_GUARD_OK;
}

static void
pop3_session_filter_client(void *arg, const void *buf, size_t len)
{
	pop3_guard_client(arg, buf, len);
}

static int
pop3_session_filter_eof(void *arg)
{
	return pop3_guard_eof(arg) != POP3_GUARD_OK;
}

static const char *
pop3_session_filter_reason(void *arg)
{
	return pop3_guard_reason(arg);
}

/* libetpan insists on an old-style callback before it calls the new. */
static void
pop3_session_progress_ignored(size_t done, size_t total)
{
	(void)done;
	(void)total;
}

static void
pop3_session_progress(size_t done, size_t total, void *arg)
{
	struct pop3_session	*s = arg;

	if (s->progress != NULL)
		s->progress(done, total, s->progress_arg);
}

void
pop3_session_apop_digest(const char *timestamp, const char *secret,
    char buf[33])
{
	EVP_MD_CTX	*ctx;
	unsigned char	 md[EVP_MAX_MD_SIZE];
	unsigned int	 len = 0, i;

	if ((ctx = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestInit_ex(ctx, EVP_md5(), NULL) != 1 ||
	    EVP_DigestUpdate(ctx, timestamp, strlen(timestamp)) != 1 ||
	    EVP_DigestUpdate(ctx, secret, strlen(secret)) != 1 ||
	    EVP_DigestFinal_ex(ctx, md, &len) != 1 || len != 16)
		fatal("%s: MD5 failed", __func__);
	EVP_MD_CTX_free(ctx);
	for (i = 0; i < 16; i++)
		snprintf(buf + 2 * i, 3, "%02x", md[i]);
	explicit_bzero(md, sizeof md);
}

int
pop3_session_cancelled(struct pop3_session *s)
{
	return s != NULL && s->pop3->pop3_stream != NULL &&
	    net_stream_cancelled(s->pop3->pop3_stream);
}

uint64_t
pop3_session_bytes_in(struct pop3_session *s)
{
	uint64_t	in = 0, out = 0;

	if (s != NULL && s->pop3->pop3_stream != NULL)
		net_stream_bytes(s->pop3->pop3_stream, &in, &out);
	return in;
}

/* The server's text, safe to show: printable ASCII, at most 200 bytes. */
static char *
pop3_session_server_text(const char *text)
{
	char	*out;
	size_t	 i, n;

	if (text == NULL)
		return xstrdup("");
	n = strlen(text);
	if (n > 200)
		n = 200;
	out = xmalloc(n + 1);
	for (i = 0; i < n; i++)
		out[i] = (unsigned char)text[i] < 0x20 ||
		    (unsigned char)text[i] >= 0x7f ? '?' : text[i];
	out[n] = '\0';
	return out;
}

/* A libetpan error as a sentence, and what it means for the connection. */
static enum pop3_session_status
pop3_session_failed(struct pop3_session *s, int code, const char *doing,
    char **error)
{
	const char	*why = s->pop3->pop3_stream != NULL ?
			    net_stream_error(s->pop3->pop3_stream) : NULL;
	char		*text;

	if (pop3_guard_refused(&s->guard) || code == MAILPOP3_ERROR_STREAM ||
	    code == MAILPOP3_ERROR_MEMORY) {
		if (pop3_guard_refused(&s->guard) && why == NULL)
			why = pop3_guard_reason(&s->guard);
		*error = xasprintf("%s: %s: %s", s->host, doing, why != NULL ?
		    why : _("the connection was lost"));
		return pop3_session_cancelled(s) ? POP3_SESSION_CANCELLED :
		    POP3_SESSION_ERROR;
	}
	if (s->pop3->pop3_response != NULL) {
		text = pop3_session_server_text(s->pop3->pop3_response);
		*error = xasprintf(_("%s: %s: the server said: %s"), s->host,
		    doing, text);
		free(text);
	} else
		*error = xasprintf(_("%s: %s failed (libetpan error %d)"),
		    s->host, doing, code);
	return POP3_SESSION_SERVER;
}

/*
 * Send one line of our own and read the one-line reply; 0 with *reply
 * borrowed until the next command, -1 when the connection failed. secret
 * lines are left out of libetpan's logger.
 */
static int
pop3_session_command(struct pop3_session *s, const char *line, int secret,
    const char **reply)
{
	mailstream	*stream = s->pop3->pop3_stream;
	char		*got;

	mailstream_set_privacy(stream, !secret);
	if (mailstream_write(stream, line, strlen(line)) == -1 ||
	    mailstream_write(stream, "\r\n", 2) == -1 ||
	    mailstream_flush(stream) == -1)
		return -1;
	mailstream_set_privacy(stream, 1);
	if ((got = mailstream_read_line_remove_eol(stream, s->line)) == NULL)
		return -1;
	*reply = got;
	return 0;
}

static int
pop3_session_ok(const char *reply)
{
	return strncmp(reply, "+OK", 3) == 0;
}

/* The part of a reply after +OK or -ERR, for messages. */
static char *
pop3_session_reply_text(const char *reply)
{
	if (strncmp(reply, "+OK", 3) == 0)
		reply += 3;
	else if (strncmp(reply, "-ERR", 4) == 0)
		reply += 4;
	while (*reply == ' ')
		reply++;
	return pop3_session_server_text(reply);
}

/* Whether CAPA listed name (and, if param is not NULL, that parameter). */
static int
pop3_session_has(struct pop3_session *s, const char *name, const char *param)
{
	struct mailpop3_capa	*capa;
	clistiter		*it, *p;

	if (s->capa == NULL)
		return 0;
	for (it = clist_begin(s->capa); it != NULL; it = clist_next(it)) {
		capa = clist_content(it);
		if (strcasecmp(capa->cap_name, name) != 0)
			continue;
		if (param == NULL)
			return 1;
		for (p = clist_begin(capa->cap_param); p != NULL;
		    p = clist_next(p)) {
			const char	*value = p->data;

			if (value != NULL && strcasecmp(value, param) == 0)
				return 1;
		}
	}
	return 0;
}

/* CAPA, forgetting what was learnt before (before TLS, an attacker's). A
 * server without CAPA (RFC 1939 only) is fine: nothing is known then. */
static enum pop3_session_status
pop3_session_capa(struct pop3_session *s, char **error)
{
	clist	*capa = NULL;
	int	 r;

	if (s->capa != NULL)
		mailpop3_capa_resp_free(s->capa);
	s->capa = NULL;
	r = mailpop3_capa(s->pop3, &capa);
	if (r == MAILPOP3_NO_ERROR) {
		s->capa = capa;
		return POP3_SESSION_OK;
	}
	if (r == MAILPOP3_ERROR_CAPA_NOT_SUPPORTED)
		return POP3_SESSION_OK;
	return pop3_session_failed(s, r, "CAPA", error);
}

/* TLS on fd with the account's trust settings. */
static enum pop3_session_status
pop3_session_tls(const struct pop3_session_config *config, int fd,
    struct net_tls **tls, struct net_tls_peer *peer, char **error)
{
	const struct config_account	*a = config->account;
	struct net_tls_config		 tc;

	memset(&tc, 0, sizeof tc);
	tc.host = a->host;
	tc.ca_file = a->tls_ca_file;
	tc.fingerprint = a->tls_fingerprint;
	tc.trusted = config->trusted;
	tc.timeout_ms = config->timeout_ms > 0 ? config->timeout_ms :
	    NET_CONNECT_TIMEOUT;
	tc.interrupt_fd = config->interrupt_fd;
	switch (net_tls_start(fd, &tc, tls, peer, error)) {
	case NET_OK:
		return POP3_SESSION_OK;
	case NET_ERROR_CERTIFICATE:
		/* Not trusted: nothing was sent; the caller asks the user. */
		net_tls_free(*tls);
		*tls = NULL;
		return POP3_SESSION_CERTIFICATE;
	case NET_ERROR_PIN:
		return POP3_SESSION_REFUSED;
	case NET_ERROR_CANCELLED:
		return POP3_SESSION_CANCELLED;
	default:
		return POP3_SESSION_ERROR;
	}
}

static enum pop3_session_status
pop3_session_stls(struct pop3_session *s,
    const struct pop3_session_config *config, struct net_tls_peer *peer,
    char **error)
{
	enum pop3_session_status	 status;
	struct net_tls			*tls = NULL;
	mailstream			*stream = s->pop3->pop3_stream;
	int				 r;

	/* Servers that know no CAPA may still know STLS: just ask. */
	if ((r = mailpop3_stls(s->pop3)) != MAILPOP3_NO_ERROR) {
		if (r == MAILPOP3_ERROR_STREAM)
			return pop3_session_failed(s, r, "STLS", error);
		*error = xasprintf(_("%s: the server does not offer STLS; "
		    "refusing to continue without encryption (tls = none "
		    "allows it)"), s->host);
		return POP3_SESSION_REFUSED;
	}
	/* Bytes that came with the +OK were sent before TLS: an injection
	 * attempt, never protocol. */
	if (stream->read_buffer_len != 0) {
		*error = xasprintf(_("%s: the server sent data ahead of the TLS "
		    "handshake; refusing the connection"), s->host);
		return POP3_SESSION_REFUSED;
	}
	status = pop3_session_tls(config, mailstream_low_get_fd(stream->low),
	    &tls, peer, error);
	if (status != POP3_SESSION_OK)
		return status;
	net_stream_start_tls(stream, tls);
	return pop3_session_capa(s, error);
}

/* AUTH PLAIN with the response on the command line (RFC 5034). 1 when the
 * server did not take the initial response: the caller falls back. */
static enum pop3_session_status
pop3_session_auth_plain(struct pop3_session *s, const char *user,
    const char *password, char **error)
{
	const char	*reply;
	char		*response, *line, *text;
	int		 r;

	if ((response = imap_auth_response(IMAP_AUTH_PLAIN, user, password,
	    NULL, 0)) == NULL) {
		*error = xasprintf(_("%s: the user name or password cannot be "
		    "sent with AUTH PLAIN (control characters?)"), s->host);
		return POP3_SESSION_REFUSED;
	}
	line = xasprintf("AUTH PLAIN %s", response);
	password_free(response);
	r = pop3_session_command(s, line, 1, &reply);
	password_free(line);
	if (r != 0)
		return pop3_session_failed(s, MAILPOP3_ERROR_STREAM,
		    "AUTH PLAIN", error);
	if (reply[0] == '+' && !pop3_session_ok(reply)) {
		/* A challenge: this server wants the response apart. Cancel
		 * (RFC 5034) and let the caller try USER/PASS. */
		if (pop3_session_command(s, "*", 0, &reply) != 0)
			return pop3_session_failed(s, MAILPOP3_ERROR_STREAM,
			    "AUTH PLAIN", error);
		return POP3_SESSION_SERVER;
	}
	if (!pop3_session_ok(reply)) {
		text = pop3_session_reply_text(reply);
		*error = xasprintf(_("%s: login (AUTH PLAIN): the server said: "
		    "%s"), s->host, text);
		free(text);
		return POP3_SESSION_AUTH;
	}
	s->pop3->pop3_state = POP3_SESSION_LIBETPAN_TRANSACTION;
	s->mechanism = "AUTH PLAIN";
	return POP3_SESSION_OK;
}

/* APOP: the password itself never crosses the connection. */
static enum pop3_session_status
pop3_session_apop(struct pop3_session *s, const char *user,
    const char *password, char **error)
{
	const char	*reply;
	char		 digest[33], *line, *text;
	int		 r;

	if (strpbrk(user, " \r\n") != NULL) {
		*error = xasprintf(_("%s: the user name cannot be sent with "
		    "APOP"), s->host);
		return POP3_SESSION_REFUSED;
	}
	pop3_session_apop_digest(s->pop3->pop3_timestamp, password, digest);
	line = xasprintf("APOP %s %s", user, digest);
	r = pop3_session_command(s, line, 1, &reply);
	password_free(line);
	explicit_bzero(digest, sizeof digest);
	if (r != 0)
		return pop3_session_failed(s, MAILPOP3_ERROR_STREAM, "APOP",
		    error);
	if (!pop3_session_ok(reply)) {
		text = pop3_session_reply_text(reply);
		*error = xasprintf(_("%s: login (APOP): the server said: %s"),
		    s->host, text);
		free(text);
		return POP3_SESSION_AUTH;
	}
	s->pop3->pop3_state = POP3_SESSION_LIBETPAN_TRANSACTION;
	s->mechanism = "APOP";
	return POP3_SESSION_OK;
}

static enum pop3_session_status
pop3_session_user_pass(struct pop3_session *s, const char *user,
    const char *password, char **error)
{
	enum pop3_session_status	status;
	int				r;

	/* libetpan puts them on a command line as they are. */
	if (strpbrk(user, "\r\n") != NULL || strpbrk(password, "\r\n") !=
	    NULL) {
		*error = xasprintf(_("%s: the user name or password cannot be "
		    "sent with USER/PASS (line breaks)"), s->host);
		return POP3_SESSION_REFUSED;
	}
	s->mechanism = "USER/PASS";
	if ((r = mailpop3_user(s->pop3, user)) != MAILPOP3_NO_ERROR) {
		status = pop3_session_failed(s, r, _("login (USER)"), error);
		return status == POP3_SESSION_SERVER ? POP3_SESSION_AUTH :
		    status;
	}
	if ((r = mailpop3_pass(s->pop3, password)) != MAILPOP3_NO_ERROR) {
		status = pop3_session_failed(s, r, _("login (PASS)"), error);
		return status == POP3_SESSION_SERVER ? POP3_SESSION_AUTH :
		    status;
	}
	return POP3_SESSION_OK;
}

static enum pop3_session_status
pop3_session_login(struct pop3_session *s,
    const struct pop3_session_config *config, int encrypted, char **error)
{
	const struct config_account	*a = config->account;
	enum pop3_session_status	 status;
	int				 apop;

	if (config->password == NULL) {
		*error = xasprintf(_("%s: no password (set password_command)"),
		    s->host);
		return POP3_SESSION_REFUSED;
	}
	/* Without TLS, APOP keeps the password off the wire where the
	 * greeting allows it; anything else sends it as it is. */
	apop = !encrypted && s->pop3->pop3_timestamp != NULL;
	if (!encrypted && !apop && !a->allow_plaintext_password) {
		*error = xasprintf(_("%s: refusing to send the password over an "
		    "unencrypted connection (allow_plaintext_password = yes "
		    "allows it)"), s->host);
		return POP3_SESSION_REFUSED;
	}
	if (apop)
		return pop3_session_apop(s, a->user, config->password, error);
	if (pop3_session_has(s, "SASL", "PLAIN")) {
		status = pop3_session_auth_plain(s, a->user, config->password,
		    error);
		if (status != POP3_SESSION_SERVER)
			return status;
	}
	return pop3_session_user_pass(s, a->user, config->password, error);
}

void
pop3_session_abort(struct pop3_session *s)
{
	if (s == NULL)
		return;
	/*
	 * mailpop3_free sends QUIT, which would make the server carry out
	 * the DELEs and then wait for its answer: shut the socket first, so
	 * that the QUIT fails at once and only the freeing is left.
	 */
	if (s->pop3->pop3_stream != NULL)
		mailstream_cancel(s->pop3->pop3_stream);
	mailpop3_quit(s->pop3);
	mailpop3_free(s->pop3);
	if (s->capa != NULL)
		mailpop3_capa_resp_free(s->capa);
	mmap_string_free(s->line);
	free(s->host);
	free(s);
}

enum pop3_session_status
pop3_session_quit(struct pop3_session *s, char **error)
{
	enum pop3_session_status	 status = POP3_SESSION_OK;
	const char			*reply;
	char				*text;

	if (pop3_session_command(s, "QUIT", 0, &reply) != 0)
		status = pop3_session_failed(s, MAILPOP3_ERROR_STREAM, "QUIT",
		    error);
	else if (!pop3_session_ok(reply)) {
		/* RFC 1939: -ERR to QUIT means some deletions failed. */
		text = pop3_session_reply_text(reply);
		*error = xasprintf(_("%s: QUIT: the server said: %s"), s->host,
		    text);
		free(text);
		status = POP3_SESSION_SERVER;
	}
	pop3_session_abort(s);
	return status;
}

enum pop3_session_status
pop3_session_open(const struct pop3_session_config *config,
    struct pop3_session **out, struct net_tls_peer *peer, char **error)
{
	const struct config_account	*a = config->account;
	struct net_stream_filter	 filter;
	struct pop3_session		*s;
	struct net_tls			*tls = NULL;
	enum pop3_session_status	 status;
	enum net_status			 ns;
	mailstream			*stream;
	int				 fd, r, timeout;

	*out = NULL;
	memset(peer, 0, sizeof *peer);
	timeout = config->timeout_ms > 0 ? config->timeout_ms :
	    NET_CONNECT_TIMEOUT;
	ns = net_connect(a->host, a->port, timeout, config->interrupt_fd, &fd,
	    error);
	if (ns != NET_OK)
		return ns == NET_ERROR_CANCELLED ? POP3_SESSION_CANCELLED :
		    POP3_SESSION_ERROR;
	if (a->tls == CONFIG_TLS_IMPLICIT) {
		status = pop3_session_tls(config, fd, &tls, peer, error);
		if (status != POP3_SESSION_OK) {
			close(fd);
			return status;
		}
	}

	s = xcalloc(1, sizeof *s);
	s->host = xstrdup(a->host);
	pop3_guard_init(&s->guard);
	if ((s->line = mmap_string_new("")) == NULL ||
	    (s->pop3 = mailpop3_new(POP3_SESSION_PROGRESS_RATE,
	    pop3_session_progress_ignored)) == NULL)
		fatal("out of memory");
	mailpop3_set_progress_callback(s->pop3, pop3_session_progress, s);
	/* The guard sees every byte both ways, before libetpan does. */
	stream = mailstream_new(net_stream_low_new(fd, tls, NET_GUARD_NONE,
	    config->timeout_ms > 0 ? config->timeout_ms : NET_READ_TIMEOUT,
	    config->interrupt_fd), 128 * 1024);
	if (stream == NULL)
		fatal("out of memory");
	memset(&filter, 0, sizeof filter);
	filter.server = pop3_session_filter_server;
	filter.client = pop3_session_filter_client;
	filter.eof = pop3_session_filter_eof;
	filter.reason = pop3_session_filter_reason;
	filter.arg = &s->guard;
	net_stream_set_filter(stream, &filter);
	if ((r = mailpop3_connect(s->pop3, stream)) != MAILPOP3_NO_ERROR) {
		if (s->pop3->pop3_stream == NULL)
			mailstream_close(stream);
		status = pop3_session_failed(s, r, _("greeting"), error);
		if (status == POP3_SESSION_SERVER)
			status = POP3_SESSION_ERROR;
		goto fail;
	}
	if ((status = pop3_session_capa(s, error)) != POP3_SESSION_OK)
		goto fail;
	if (a->tls == CONFIG_TLS_STARTTLS) {
		status = pop3_session_stls(s, config, peer, error);
		if (status != POP3_SESSION_OK)
			goto fail;
	}
	status = pop3_session_login(s, config, a->tls != CONFIG_TLS_NONE, error);
	if (status != POP3_SESSION_OK)
		goto fail;
	log_info("%s: logged in to %s as %s with %s", __func__, a->host,
	    a->user, s->mechanism);
	*out = s;
	return POP3_SESSION_OK;

fail:
	if (status == POP3_SESSION_ERROR && pop3_session_cancelled(s))
		status = POP3_SESSION_CANCELLED;
	pop3_session_abort(s);
	return status;
}

void
pop3_session_messages_free(struct pop3_session_message *m, size_t n)
{
	size_t	i;

	for (i = 0; m != NULL && i < n; i++)
		free(m[i].uidl);
	free(m);
}

static int
pop3_session_uidl_compare(const void *a, const void *b)
{
	const struct pop3_session_message	*x = *(const void * const *)a;
	const struct pop3_session_message	*y = *(const void * const *)b;

	return strcmp(x->uidl, y->uidl);
}

/* Two messages with one id would make skua delete the second as if it had
 * the first: refuse the whole listing. */
static int
pop3_session_duplicate(struct pop3_session_message *m, size_t n,
    unsigned int *first, unsigned int *second)
{
	struct pop3_session_message	**sorted;
	size_t				  i;
	int				  found = 0;

	sorted = xreallocarray(NULL, n + 1, sizeof *sorted);
	for (i = 0; i < n; i++)
		sorted[i] = &m[i];
	qsort(sorted, n, sizeof *sorted, pop3_session_uidl_compare);
	for (i = 1; i < n && !found; i++) {
		if (strcmp(sorted[i - 1]->uidl, sorted[i]->uidl) == 0) {
			*first = sorted[i - 1]->number;
			*second = sorted[i]->number;
			found = 1;
		}
	}
	free(sorted);
	return found;
}

enum pop3_session_status
pop3_session_list(struct pop3_session *s, struct pop3_session_message **out,
    size_t *nout, char **error)
{
	struct mailpop3_stat_response	*stat = NULL;
	struct mailpop3_msg_info	*info;
	struct pop3_session_message	*m;
	carray				*tab = NULL;
	unsigned int			 i, n, missing = 0, a, b;
	int				 r;

	*out = NULL;
	*nout = 0;
	/* STAT first: the guard holds LIST and UIDL to its count. */
	if ((r = mailpop3_stat(s->pop3, &stat)) != MAILPOP3_NO_ERROR)
		return pop3_session_failed(s, r, "STAT", error);
	mailpop3_stat_resp_free(stat);
	/* libetpan sends LIST then UIDL, and ignores a failed UIDL. */
	r = mailpop3_list(s->pop3, &tab);
	if (pop3_guard_refused(&s->guard) || r == MAILPOP3_ERROR_STREAM)
		return pop3_session_failed(s, MAILPOP3_ERROR_STREAM,
		    _("listing messages (LIST, UIDL)"), error);
	if (r != MAILPOP3_NO_ERROR)
		return pop3_session_failed(s, r, "LIST", error);
	n = tab != NULL ? carray_count(tab) : 0;
	m = xreallocarray(NULL, n + 1, sizeof *m);
	for (i = 0; i < n; i++) {
		info = carray_get(tab, i);
		m[i].number = i + 1;
		m[i].size = info != NULL ? info->msg_size : 0;
		m[i].uidl = info != NULL && info->msg_uidl != NULL ?
		    xstrdup(info->msg_uidl) : NULL;
		if (m[i].uidl == NULL)
			missing++;
	}
	if (missing > 0) {
		*error = missing == n ? xasprintf(_("%s: the server does not "
		    "support UIDL, which skua needs to know which messages it "
		    "already has; nothing was downloaded or deleted"),
		    s->host) : xasprintf(_("%s: the server gave no unique id "
		    "(UIDL) for %u of %u messages; nothing was downloaded or "
		    "deleted"), s->host, missing, n);
		for (i = 0; i < n; i++)
			free(m[i].uidl);
		free(m);
		return POP3_SESSION_REFUSED;
	}
	if (pop3_session_duplicate(m, n, &a, &b)) {
		*error = xasprintf(_("%s: the server gave messages %u and %u "
		    "the same unique id (UIDL); nothing was downloaded or "
		    "deleted"), s->host, a, b);
		pop3_session_messages_free(m, n);
		return POP3_SESSION_REFUSED;
	}
	*out = m;
	*nout = n;
	return POP3_SESSION_OK;
}

enum pop3_session_status
pop3_session_retr(struct pop3_session *s, unsigned int number, char **data,
    size_t *len, pop3_session_progress_cb progress, void *arg, char **error)
{
	enum pop3_session_status	 status = POP3_SESSION_OK;
	char				*doing;
	int				 r;

	*data = NULL;
	*len = 0;
	s->progress = progress;
	s->progress_arg = arg;
	r = mailpop3_retr(s->pop3, number, data, len);
	s->progress = NULL;
	if (r != MAILPOP3_NO_ERROR || pop3_guard_refused(&s->guard)) {
		if (*data != NULL)
			mailpop3_retr_free(*data);
		*data = NULL;
		doing = xasprintf(_("downloading message %u (RETR)"), number);
		status = pop3_session_failed(s, r != MAILPOP3_NO_ERROR ? r :
		    MAILPOP3_ERROR_STREAM, doing, error);
		free(doing);
	}
	return status;
}

void
pop3_session_retr_free(char *data)
{
	if (data != NULL)
		mailpop3_retr_free(data);
}

enum pop3_session_status
pop3_session_dele(struct pop3_session *s, unsigned int number, char **error)
{
	enum pop3_session_status	 status = POP3_SESSION_OK;
	char				*doing;
	int				 r;

	if ((r = mailpop3_dele(s->pop3, number)) != MAILPOP3_NO_ERROR) {
		doing = xasprintf(_("deleting message %u (DELE)"), number);
		status = pop3_session_failed(s, r, doing, error);
		free(doing);
	}
	return status;
}
