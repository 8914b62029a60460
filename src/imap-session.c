/* imap-session: the connection policy lives here: TLS before any password,
 * STARTTLS required unless tls = none, no plaintext password unless the
 * account allows it, and nothing read ahead of STARTTLS is trusted. */
#include "auto-config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "config.h"
#include "imap-auth.h"
#include "imap-session.h"
#include "imap-utf7.h"
#include "intl.h"
#include "log.h"
#include "net.h"
#include "net-stream.h"
#include "net-tls.h"
#include "password.h"
#include "xmalloc.h"

struct imap_session {
	mailimap	*imap;
	char		*host;
	const char	*mechanism;	/* how we logged in, for the log */
	int		 qresync;	/* 0 unknown, 1 on, -1 unavailable */
	int		 utf8;		/* UTF8=ACCEPT enabled */
};

mailimap *
imap_session_imap(struct imap_session *s)
{
	return s->imap;
}

int
imap_session_has(struct imap_session *s, const char *capability)
{
	return mailimap_has_extension(s->imap, capability);
}

int
imap_session_cancelled(struct imap_session *s)
{
	return net_stream_cancelled(s->imap->imap_stream);
}

int
imap_session_utf8(struct imap_session *s)
{
	return s->utf8;
}

char *
imap_session_name_in(struct imap_session *s, const char *wire)
{
	char	*name;

	if (!s->utf8 || (name = imap_utf7_encode(wire)) == NULL)
		return xstrdup(wire);
	return name;
}

char *
imap_session_name_out(struct imap_session *s, const char *name)
{
	char	*wire;

	if (!s->utf8 || (wire = imap_utf7_decode(name)) == NULL)
		return xstrdup(name);
	return wire;
}

int
imap_session_select(struct imap_session *s, const char *folder,
    uint64_t *highestmodseq)
{
	char	*wire = imap_session_name_out(s, folder);
	int	 r;

	if (highestmodseq != NULL)
		r = mailimap_select_condstore(s->imap, wire, highestmodseq);
	else
		r = mailimap_select(s->imap, wire);
	free(wire);
	return r;
}

/* ENABLE one extension; whether the server's ENABLED reply names it. */
static int
imap_session_enable(struct imap_session *s, const char *extension)
{
	struct mailimap_capability_data	*want, *got = NULL;
	struct mailimap_capability	*cap;
	clistiter			*it;
	clist				*list;
	char				*name;
	int				 r, on = 0;

	if ((list = clist_new()) == NULL || (name = strdup(extension)) ==
	    NULL || (cap = mailimap_capability_new(MAILIMAP_CAPABILITY_NAME,
	    NULL, name)) == NULL || clist_append(list, cap) != 0 ||
	    (want = mailimap_capability_data_new(list)) == NULL)
		fatal("out of memory");
	r = mailimap_enable(s->imap, want, &got);
	mailimap_capability_data_free(want);
	for (it = got != NULL ? clist_begin(got->cap_list) : NULL;
	    r == MAILIMAP_NO_ERROR && it != NULL; it = clist_next(it)) {
		cap = clist_content(it);
		if (cap->cap_type == MAILIMAP_CAPABILITY_NAME &&
		    strcasecmp(cap->cap_data.cap_name, extension) == 0)
			on = 1;
	}
	if (got != NULL)
		mailimap_capability_data_free(got);
	return on;
}

int
imap_session_enable_qresync(struct imap_session *s)
{
	if (s->qresync != 0)
		return s->qresync == 1;
	s->qresync = -1;
	if (!mailimap_has_extension(s->imap, "QRESYNC") ||
	    !mailimap_has_extension(s->imap, "ENABLE"))
		return 0;
	if (imap_session_enable(s, "QRESYNC"))
		s->qresync = 1;
	return s->qresync == 1;
}

char *
imap_session_error(struct imap_session *s, int code, const char *doing)
{
	const char	*why = net_stream_error(s->imap->imap_stream);
	const char	*text = s->imap->imap_response;

	switch (code) {
	case MAILIMAP_ERROR_STREAM:
		return xasprintf("%s: %s: %s", s->host, doing, why != NULL ?
		    why : _("the connection was lost"));
	case MAILIMAP_ERROR_PARSE:
		return xasprintf("%s: %s: %s", s->host, doing, why != NULL ?
		    why : _("the server's reply could not be understood"));
	default:
		break;
	}
	if (text != NULL && *text != '\0')
		return xasprintf(_("%s: %s: the server said: %s"), s->host,
		    doing, text);
	return xasprintf(_("%s: %s failed (libetpan error %d)"), s->host,
	    doing, code);
}

void
imap_session_abort(struct imap_session *s)
{
	if (s == NULL)
		return;
	/* mailimap_free would send LOGOUT and wait: close the stream first. */
	if (s->imap->imap_stream != NULL) {
		mailstream_close(s->imap->imap_stream);
		s->imap->imap_stream = NULL;
	}
	mailimap_free(s->imap);
	free(s->host);
	free(s);
}

void
imap_session_close(struct imap_session *s)
{
	if (s == NULL)
		return;
	if (s->imap->imap_stream != NULL)
		mailimap_logout(s->imap);
	imap_session_abort(s);
}

/* Forget capabilities learnt before TLS (an attacker may have sent them) and
 * ask again. */
static int
imap_session_refresh_capabilities(struct imap_session *s)
{
	struct mailimap_capability_data	*cap = NULL;
	int				 r;

	if (s->imap->imap_connection_info != NULL &&
	    s->imap->imap_connection_info->imap_capability != NULL) {
		mailimap_capability_data_free(
		    s->imap->imap_connection_info->imap_capability);
		s->imap->imap_connection_info->imap_capability = NULL;
	}
	r = mailimap_capability(s->imap, &cap);
	if (cap != NULL)
		mailimap_capability_data_free(cap);
	return r;
}

static int
imap_session_has_capabilities(struct imap_session *s)
{
	return s->imap->imap_connection_info != NULL &&
	    s->imap->imap_connection_info->imap_capability != NULL;
}

/* TLS on fd with the account's trust settings. */
static enum imap_session_status
imap_session_tls(const struct imap_session_config *config, int fd,
    struct net_tls **tls, struct net_tls_peer *peer, char **error)
{
	const struct config_account	*a = config->account;
	struct net_tls_config		 tc;
	enum net_status			 status;

	memset(&tc, 0, sizeof tc);
	tc.host = a->host;
	tc.ca_file = a->tls_ca_file;
	tc.fingerprint = a->tls_fingerprint;
	tc.trusted = config->trusted;
	tc.timeout_ms = config->timeout_ms > 0 ? config->timeout_ms :
	    NET_CONNECT_TIMEOUT;
	tc.interrupt_fd = config->interrupt_fd;
	status = net_tls_start(fd, &tc, tls, peer, error);
	switch (status) {
	case NET_OK:
		return IMAP_SESSION_OK;
	case NET_ERROR_CERTIFICATE:
		/* Not trusted: nothing was sent; the caller asks the user. */
		net_tls_free(*tls);
		*tls = NULL;
		return IMAP_SESSION_CERTIFICATE;
	case NET_ERROR_PIN:
		return IMAP_SESSION_REFUSED;
	case NET_ERROR_CANCELLED:
		return IMAP_SESSION_CANCELLED;
	default:
		return IMAP_SESSION_ERROR;
	}
}

static enum imap_session_status
imap_session_starttls(struct imap_session *s,
    const struct imap_session_config *config, struct net_tls_peer *peer,
    char **error)
{
	enum imap_session_status	 status;
	struct net_tls			*tls = NULL;
	int				 r;

	if (!imap_session_has_capabilities(s) &&
	    (r = imap_session_refresh_capabilities(s)) != MAILIMAP_NO_ERROR) {
		*error = imap_session_error(s, r, "CAPABILITY");
		return IMAP_SESSION_ERROR;
	}
	if (!mailimap_has_extension(s->imap, "STARTTLS")) {
		*error = xasprintf(_("%s: the server does not offer STARTTLS; "
		    "refusing to continue without encryption (tls = none "
		    "allows it)"), s->host);
		return IMAP_SESSION_REFUSED;
	}
	if ((r = mailimap_starttls(s->imap)) != MAILIMAP_NO_ERROR) {
		*error = xasprintf(_("%s: STARTTLS was refused; refusing to "
		    "continue without encryption"), s->host);
		return IMAP_SESSION_REFUSED;
	}
	/* Bytes that arrived with the OK were sent before TLS: an injection
	 * attempt, never protocol. */
	if (s->imap->imap_stream->read_buffer_len != 0) {
		*error = xasprintf(_("%s: the server sent data ahead of the "
		    "TLS handshake; refusing the connection"), s->host);
		return IMAP_SESSION_REFUSED;
	}
	status = imap_session_tls(config,
	    mailstream_low_get_fd(s->imap->imap_stream->low), &tls, peer,
	    error);
	if (status != IMAP_SESSION_OK)
		return status;
	net_stream_start_tls(s->imap->imap_stream, tls);
	if ((r = imap_session_refresh_capabilities(s)) != MAILIMAP_NO_ERROR) {
		*error = imap_session_error(s, r, "CAPABILITY after STARTTLS");
		return IMAP_SESSION_ERROR;
	}
	return IMAP_SESSION_OK;
}

/* Which SASL mechanism carries the secret, or -1 with *error set. OAuth
 * prefers the standard OAUTHBEARER; a password prefers PLAIN, whose
 * encoding survives any byte in it, and falls back on LOGIN (0). */
static int
imap_session_mechanism(struct imap_session *s,
    const struct imap_session_config *config, int *mech, char **error)
{
	if (config->oauth2_token != NULL) {
		if (mailimap_has_authentication(s->imap, "OAUTHBEARER"))
			*mech = IMAP_AUTH_OAUTHBEARER;
		else if (mailimap_has_authentication(s->imap, "XOAUTH2"))
			*mech = IMAP_AUTH_XOAUTH2;
		else {
			*error = xasprintf(_("%s: the server offers neither "
			    "OAUTHBEARER nor XOAUTH2"), s->host);
			return -1;
		}
		return 1;
	}
	if (mailimap_has_authentication(s->imap, "PLAIN")) {
		*mech = IMAP_AUTH_PLAIN;
		return 1;
	}
	if (mailimap_has_extension(s->imap, "LOGINDISABLED")) {
		*error = xasprintf(_("%s: the server disabled LOGIN here"),
		    s->host);
		return -1;
	}
	return 0;
}

/* AUTHENTICATE with the account's secret; a refusal says what the server
 * reported. */
static enum imap_session_status
imap_session_authenticate(struct imap_session *s,
    const struct imap_session_config *config, enum imap_auth_mechanism mech,
    int sasl_ir, char **error)
{
	const struct config_account	*a = config->account;
	const char			*name = imap_auth_name(mech);
	char				*response, *detail = NULL, *why;
	char				*command;
	int				 r;

	response = imap_auth_response(mech, a->user, mech == IMAP_AUTH_PLAIN ?
	    config->password : config->oauth2_token, a->host,
	    (unsigned int)a->port);
	if (response == NULL) {
		*error = xasprintf(mech == IMAP_AUTH_PLAIN ?
		    _("%s: the user name or password cannot be sent with %s "
		    "(control characters?)") : _("%s: the user name or OAuth "
		    "token cannot be sent with %s (control characters?)"),
		    s->host, name);
		return IMAP_SESSION_REFUSED;
	}
	r = imap_auth_authenticate(s->imap, mech, response, sasl_ir, &detail);
	password_free(response);
	s->mechanism = name;
	if (r == MAILIMAP_NO_ERROR) {
		free(detail);
		return IMAP_SESSION_OK;
	}
	command = xasprintf(_("login (AUTHENTICATE %s)"), name);
	why = imap_session_error(s, r, command);
	free(command);
	if (detail != NULL) {
		*error = xasprintf(_("%s (it reported: %s)"), why, detail);
		free(why);
	} else
		*error = why;
	free(detail);
	return r == MAILIMAP_ERROR_LOGIN ? IMAP_SESSION_AUTH :
	    IMAP_SESSION_ERROR;
}

static enum imap_session_status
imap_session_login(struct imap_session *s,
    const struct imap_session_config *config, int encrypted, char **error)
{
	const struct config_account	*a = config->account;
	enum imap_session_status	 status;
	int				 mech, r, sasl_ir;

	/* A token is as good as a password to whoever reads it. */
	if (!encrypted && !a->allow_plaintext_password &&
	    (config->oauth2_token != NULL || config->password != NULL)) {
		*error = xasprintf(_("%s: refusing to send the password over "
		    "an unencrypted connection (allow_plaintext_password = yes "
		    "allows it)"), s->host);
		return IMAP_SESSION_REFUSED;
	}
	if (config->oauth2_token == NULL && config->password == NULL) {
		*error = xasprintf(_("%s: no password (set "
		    "password_command)"), s->host);
		return IMAP_SESSION_REFUSED;
	}
	/* The mechanisms are in the capabilities: a greeting without them
	 * means asking. */
	if (!imap_session_has_capabilities(s) &&
	    (r = imap_session_refresh_capabilities(s)) != MAILIMAP_NO_ERROR) {
		*error = imap_session_error(s, r, "CAPABILITY");
		return IMAP_SESSION_ERROR;
	}
	if ((r = imap_session_mechanism(s, config, &mech, error)) == -1)
		return IMAP_SESSION_REFUSED;
	sasl_ir = mailimap_has_extension(s->imap, "SASL-IR");
	/* What the server offers changes with the login: forget the old list
	 * so that the new one is asked for unless the OK carries it. */
	if (imap_session_has_capabilities(s)) {
		mailimap_capability_data_free(
		    s->imap->imap_connection_info->imap_capability);
		s->imap->imap_connection_info->imap_capability = NULL;
	}
	if (r == 1) {
		status = imap_session_authenticate(s, config, mech, sasl_ir,
		    error);
		if (status != IMAP_SESSION_OK)
			return status;
	} else {
		s->mechanism = "LOGIN";
		r = mailimap_login(s->imap, a->user, config->password);
		if (r == MAILIMAP_ERROR_LOGIN ||
		    r == MAILIMAP_ERROR_BAD_STATE) {
			*error = imap_session_error(s, r, _("login"));
			return IMAP_SESSION_AUTH;
		}
		if (r != MAILIMAP_NO_ERROR) {
			*error = imap_session_error(s, r, _("login"));
			return IMAP_SESSION_ERROR;
		}
	}
	if (!imap_session_has_capabilities(s) &&
	    (r = imap_session_refresh_capabilities(s)) != MAILIMAP_NO_ERROR) {
		*error = imap_session_error(s, r, "CAPABILITY");
		return IMAP_SESSION_ERROR;
	}
	return IMAP_SESSION_OK;
}

enum imap_session_status
imap_session_open(const struct imap_session_config *config,
    struct imap_session **out, struct net_tls_peer *peer, char **error)
{
	const struct config_account	*a = config->account;
	struct imap_session		*s;
	struct net_tls			*tls = NULL;
	enum imap_session_status	 status;
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
		return ns == NET_ERROR_CANCELLED ? IMAP_SESSION_CANCELLED :
		    IMAP_SESSION_ERROR;
	if (a->tls == CONFIG_TLS_IMPLICIT) {
		status = imap_session_tls(config, fd, &tls, peer, error);
		if (status != IMAP_SESSION_OK) {
			close(fd);
			return status;
		}
	}

	s = xcalloc(1, sizeof *s);
	s->host = xstrdup(a->host);
	if ((s->imap = mailimap_new(0, NULL)) == NULL)
		fatal("out of memory");
	stream = mailstream_new(net_stream_low_new(fd, tls, NET_GUARD_IMAP,
	    config->timeout_ms > 0 ? config->timeout_ms : NET_READ_TIMEOUT,
	    config->interrupt_fd), 128 * 1024);
	if (stream == NULL)
		fatal("out of memory");
	r = mailimap_connect(s->imap, stream);
	if (r != MAILIMAP_NO_ERROR_AUTHENTICATED &&
	    r != MAILIMAP_NO_ERROR_NON_AUTHENTICATED) {
		*error = imap_session_error(s, r, _("greeting"));
		status = net_stream_cancelled(stream) ?
		    IMAP_SESSION_CANCELLED : IMAP_SESSION_ERROR;
		goto fail;
	}
	if (a->tls == CONFIG_TLS_STARTTLS) {
		status = imap_session_starttls(s, config, peer, error);
		if (status != IMAP_SESSION_OK)
			goto fail;
	}
	if (r == MAILIMAP_NO_ERROR_NON_AUTHENTICATED) {
		status = imap_session_login(s, config,
		    a->tls != CONFIG_TLS_NONE, error);
		if (status != IMAP_SESSION_OK)
			goto fail;
	}
	/* RFC 6855: folder names (and headers) in UTF-8 rather than
	 * modified UTF-7, and messages with UTF-8 headers as they are. */
	if (mailimap_has_extension(s->imap, "UTF8=ACCEPT") &&
	    mailimap_has_extension(s->imap, "ENABLE"))
		s->utf8 = imap_session_enable(s, "UTF8=ACCEPT");
	log_info("%s: logged in to %s as %s%s%s%s", __func__, a->host, a->user,
	    s->mechanism != NULL ? " with " : "", s->mechanism != NULL ?
	    s->mechanism : "", s->utf8 ? ", UTF8=ACCEPT" : "");
	*out = s;
	return IMAP_SESSION_OK;

fail:
	if (status == IMAP_SESSION_ERROR &&
	    net_stream_cancelled(s->imap->imap_stream))
		status = IMAP_SESSION_CANCELLED;
	imap_session_abort(s);
	return status;
}
