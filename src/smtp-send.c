/* smtp-send: libetpan's mailsmtp does the protocol over skua's own stream
 * (net-stream, TLS by net-tls, STARTTLS by wrapping the same socket);
 * AUTH is sent here, since libetpan's own needs Cyrus SASL and our
 * policy wants to pick the mechanism, and so is MAIL FROM with
 * BODY=8BITMIME, which mailsmtp_mail cannot add. Replies are classified
 * by their code: 4xx is for later, 5xx is for good. */
#include "auto-config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>

#include <libetpan/libetpan.h>

#include "command.h"
#include "imap-auth.h"
#include "log.h"
#include "net.h"
#include "net-stream.h"
#include "net-tls.h"
#include "password.h"
#include "smtp-send.h"
#include "xmalloc.h"

/* A sendmail command gets this long by default. */
#define SMTP_SEND_COMMAND_TIMEOUT	(120 * 1000)
/* Server text kept in messages. */
#define SMTP_SEND_TEXT_MAX		200

/* sysexits.h values, named here so the mapping reads as sendmail's. */
#define SMTP_SEND_EX_USAGE	64
#define SMTP_SEND_EX_DATAERR	65
#define SMTP_SEND_EX_NOUSER	67
#define SMTP_SEND_EX_NOHOST	68
#define SMTP_SEND_EX_UNAVAILABLE 69
#define SMTP_SEND_EX_NOPERM	77
#define SMTP_SEND_EX_CONFIG	78

struct smtp_send {
	mailsmtp	*smtp;
	const char	*host;
	MMAPString	*line;		/* our own commands' replies */
	int		 code;		/* the last reply's code */
	char		*text;		/* and its text */
};

const char *
smtp_send_status_name(enum smtp_send_status status)
{
	switch (status) {
	case SMTP_SEND_OK:
		return "ok";
	case SMTP_SEND_TEMPORARY:
		return "temporary";
	case SMTP_SEND_PERMANENT:
		return "permanent";
	case SMTP_SEND_AUTH:
		return "auth";
	case SMTP_SEND_REFUSED:
		return "refused";
	case SMTP_SEND_CERTIFICATE:
		return "certificate";
	case SMTP_SEND_CANCELLED:
		return "cancelled";
	}
	return "unknown";
}

/* Server text, safe to show: printable ASCII, bounded, line breaks as
 * spaces. */
static char *
smtp_send_clean(const char *text)
{
	char	*out;
	size_t	 i, n;

	if (text == NULL)
		return xstrdup("");
	n = strlen(text);
	if (n > SMTP_SEND_TEXT_MAX)
		n = SMTP_SEND_TEXT_MAX;
	out = xmalloc(n + 1);
	for (i = 0; i < n; i++) {
		if (text[i] == '\r' || text[i] == '\n')
			out[i] = ' ';
		else
			out[i] = (unsigned char)text[i] < 0x20 ||
			    (unsigned char)text[i] >= 0x7f ? '?' : text[i];
	}
	while (n > 0 && out[n - 1] == ' ')
		n--;
	out[n] = '\0';
	return out;
}

static int
smtp_send_cancelled(struct smtp_send *s)
{
	return s->smtp->stream != NULL &&
	    net_stream_cancelled(s->smtp->stream);
}

/*
 * What a failed step means. code is libetpan's (or STREAM for our own
 * commands); the server's reply code, when there was one, decides: 4xx
 * TEMPORARY, 5xx permanent (as the caller says: AUTH for a login).
 */
static enum smtp_send_status
smtp_send_failed(struct smtp_send *s, int code, const char *doing,
    enum smtp_send_status on_5xx, char **error)
{
	const char	*why;
	char		*text;
	int		 reply;

	if (code == MAILSMTP_ERROR_STREAM || code == MAILSMTP_ERROR_MEMORY) {
		why = s->smtp->stream != NULL ?
		    net_stream_error(s->smtp->stream) : NULL;
		*error = xasprintf("%s: %s: %s", s->host, doing,
		    why != NULL ? why : "the connection was lost");
		return smtp_send_cancelled(s) ? SMTP_SEND_CANCELLED :
		    SMTP_SEND_TEMPORARY;
	}
	if (s->text != NULL) {
		reply = s->code;
		text = xstrdup(s->text);
	} else {
		reply = s->smtp->response_code;
		text = smtp_send_clean(s->smtp->response);
	}
	*error = xasprintf("%s: %s: the server said: %d %s", s->host,
	    doing, reply, text);
	free(text);
	if (reply >= 500 && reply < 600)
		return on_5xx;
	return SMTP_SEND_TEMPORARY;
}

/*
 * Send one line of our own and read the whole reply (continuation lines
 * "250-" joined): 0 with s->code and s->text set, -1 when the connection
 * failed. secret lines are kept out of libetpan's logger.
 */
static int
smtp_send_command_line(struct smtp_send *s, const char *line, int secret)
{
	mailstream	*stream = s->smtp->stream;
	struct {
		char	*s;
		size_t	 len;
	} all = { NULL, 0 };
	char		*got, *joined;
	size_t		 n;

	free(s->text);
	s->text = NULL;
	s->code = 0;
	mailstream_set_privacy(stream, !secret);
	if (mailstream_write(stream, line, strlen(line)) == -1 ||
	    mailstream_write(stream, "\r\n", 2) == -1 ||
	    mailstream_flush(stream) == -1) {
		mailstream_set_privacy(stream, 1);
		return -1;
	}
	mailstream_set_privacy(stream, 1);
	for (;;) {
		if ((got = mailstream_read_line_remove_eol(stream,
		    s->line)) == NULL) {
			free(all.s);
			return -1;
		}
		n = strlen(got);
		if (n < 3 || got[0] < '2' || got[0] > '5' ||
		    got[1] < '0' || got[1] > '9' || got[2] < '0' ||
		    got[2] > '9' || (n > 3 && got[3] != ' ' && got[3] != '-')) {
			free(all.s);
			s->code = 0;
			s->text = smtp_send_clean(got);
			return 0;
		}
		s->code = (got[0] - '0') * 100 + (got[1] - '0') * 10 +
		    (got[2] - '0');
		joined = xasprintf("%s%s%s", all.s != NULL ? all.s : "",
		    all.s != NULL ? " " : "", n > 4 ? got + 4 : "");
		free(all.s);
		all.s = joined;
		if (n == 3 || got[3] == ' ')
			break;
		if (strlen(all.s) > 4096)
			break;
	}
	s->text = smtp_send_clean(all.s);
	free(all.s);
	return 0;
}

/* Base64 of a string, for AUTH LOGIN; the caller clears it. */
static char *
smtp_send_base64(const char *in)
{
	size_t	 len = strlen(in);
	char	*out;

	out = xmalloc(4 * ((len + 2) / 3) + 1);
	EVP_EncodeBlock((unsigned char *)out, (const unsigned char *)in, len);
	return out;
}

/* Send a secret line, cleared after. */
static int
smtp_send_secret(struct smtp_send *s, char *line)
{
	int	r;

	r = smtp_send_command_line(s, line, 1);
	password_free(line);
	return r;
}

/* Login with the configured secret: XOAUTH2 with a token, else PLAIN with
 * the response on the command line (RFC 4954), else LOGIN when the server
 * offers only that. */
static enum smtp_send_status
smtp_send_auth(struct smtp_send *s, const struct smtp_send_config *config,
    char **error)
{
	const char		*mechanism;
	enum imap_auth_mechanism m;
	const char		*secret;
	char			*response;
	int			 r;

	if (config->oauth2_token != NULL) {
		m = IMAP_AUTH_XOAUTH2;
		mechanism = "XOAUTH2";
		secret = config->oauth2_token;
	} else if ((s->smtp->auth & MAILSMTP_AUTH_LOGIN) &&
	    !(s->smtp->auth & MAILSMTP_AUTH_PLAIN)) {
		mechanism = "LOGIN";
		m = IMAP_AUTH_PLAIN;
		secret = config->password != NULL ? config->password : "";
	} else {
		m = IMAP_AUTH_PLAIN;
		mechanism = "PLAIN";
		secret = config->password != NULL ? config->password : "";
	}

	if (strcmp(mechanism, "LOGIN") == 0) {
		if (strpbrk(config->user, "\r\n") != NULL ||
		    strpbrk(secret, "\r\n") != NULL) {
			*error = xasprintf("%s: the user name or password "
			    "cannot be sent with AUTH LOGIN", s->host);
			return SMTP_SEND_REFUSED;
		}
		if (smtp_send_command_line(s, "AUTH LOGIN", 0) != 0)
			goto lost;
		if (s->code == 334) {
			if (smtp_send_secret(s, smtp_send_base64(
			    config->user)) != 0)
				goto lost;
		}
		if (s->code == 334) {
			if (smtp_send_secret(s, smtp_send_base64(secret)) != 0)
				goto lost;
		}
	} else {
		if ((response = imap_auth_response(m, config->user, secret,
		    config->host, config->port)) == NULL) {
			*error = xasprintf("%s: the user name or secret "
			    "cannot be sent with AUTH %s", s->host,
			    mechanism);
			return SMTP_SEND_REFUSED;
		}
		r = smtp_send_secret(s, xasprintf("AUTH %s %s", mechanism,
		    response));
		password_free(response);
		if (r != 0)
			goto lost;
		/* XOAUTH2 reports an error as a challenge, answered with an
		 * empty line; then comes the real reply. */
		if (s->code == 334 && smtp_send_command_line(s, "", 0) != 0)
			goto lost;
	}
	if (s->code == 235) {
		log_info("%s: logged in to %s as %s with AUTH %s", __func__,
		    s->host, config->user, mechanism);
		return SMTP_SEND_OK;
	}
	/* 454 and the like: not now; anything else (even a reply that is
	 * not SMTP) refuses the login. */
	smtp_send_failed(s, 0, "login", SMTP_SEND_AUTH, error);
	return s->code >= 400 && s->code < 500 ? SMTP_SEND_TEMPORARY :
	    SMTP_SEND_AUTH;

lost:
	return smtp_send_failed(s, MAILSMTP_ERROR_STREAM, "login",
	    SMTP_SEND_AUTH, error);
}

/* TLS on fd with the configured trust. */
static enum smtp_send_status
smtp_send_tls(const struct smtp_send_config *config, int fd,
    struct net_tls **tls, struct net_tls_peer *peer, char **error)
{
	struct net_tls_config	tc;

	memset(&tc, 0, sizeof tc);
	tc.host = config->host;
	tc.ca_file = config->ca_file;
	tc.fingerprint = config->fingerprint;
	tc.trusted = config->trusted;
	tc.timeout_ms = config->timeout_ms > 0 ? config->timeout_ms :
	    NET_CONNECT_TIMEOUT;
	tc.interrupt_fd = config->interrupt_fd;
	switch (net_tls_start(fd, &tc, tls, peer, error)) {
	case NET_OK:
		return SMTP_SEND_OK;
	case NET_ERROR_CERTIFICATE:
		/* Nothing was sent; the caller asks the user. */
		net_tls_free(*tls);
		*tls = NULL;
		free(*error);
		*error = xasprintf("%s: the server's certificate is not "
		    "trusted: %s", config->host, peer->problem != NULL ?
		    peer->problem : "?");
		return SMTP_SEND_CERTIFICATE;
	case NET_ERROR_PIN:
		return SMTP_SEND_REFUSED;
	case NET_ERROR_CANCELLED:
		return SMTP_SEND_CANCELLED;
	default:
		return SMTP_SEND_TEMPORARY;
	}
}

/* EHLO (HELO for an old server that has nothing to offer anyway). */
static enum smtp_send_status
smtp_send_ehlo(struct smtp_send *s, char **error)
{
	int	r;

	r = mailesmtp_ehlo(s->smtp);
	if (r == MAILSMTP_ERROR_NOT_IMPLEMENTED)
		r = mailsmtp_helo(s->smtp);
	if (r != MAILSMTP_NO_ERROR)
		return smtp_send_failed(s, r, "EHLO", SMTP_SEND_PERMANENT,
		    error);
	return SMTP_SEND_OK;
}

static enum smtp_send_status
smtp_send_starttls(struct smtp_send *s, const struct smtp_send_config *config,
    struct net_tls_peer *peer, char **error)
{
	enum smtp_send_status	 status;
	struct net_tls		*tls = NULL;
	mailstream		*stream = s->smtp->stream;
	int			 r;

	if (!(s->smtp->esmtp & MAILSMTP_ESMTP_STARTTLS)) {
		*error = xasprintf("%s: the server does not offer STARTTLS; "
		    "refusing to continue without encryption (tls = none "
		    "allows it)", s->host);
		return SMTP_SEND_REFUSED;
	}
	if ((r = mailesmtp_starttls(s->smtp)) != MAILSMTP_NO_ERROR)
		return smtp_send_failed(s, r, "STARTTLS", SMTP_SEND_REFUSED,
		    error);
	/* Bytes that came with the 220 were sent before TLS: an injection
	 * attempt (CVE-2011-0411 style), never protocol. */
	if (stream->read_buffer_len != 0) {
		*error = xasprintf("%s: the server sent data ahead of the TLS "
		    "handshake; refusing the connection", s->host);
		return SMTP_SEND_REFUSED;
	}
	status = smtp_send_tls(config, mailstream_low_get_fd(stream->low),
	    &tls, peer, error);
	if (status != SMTP_SEND_OK)
		return status;
	net_stream_start_tls(stream, tls);
	/* What EHLO said before TLS may have been an attacker's. */
	s->smtp->esmtp = 0;
	s->smtp->auth = MAILSMTP_AUTH_NOT_CHECKED;
	return smtp_send_ehlo(s, error);
}

/* Whether an address can go on a command line of ours unchanged. */
static int
smtp_send_address_ok(const char *addr)
{
	const unsigned char	*p;

	if (*addr == '\0' || *addr == '-')
		return 0;
	for (p = (const unsigned char *)addr; *p != '\0'; p++)
		if (*p < 0x20 || *p == 0x7f || *p == '<' || *p == '>')
			return 0;
	return 1;
}

/* MAIL, RCPT for each, DATA. */
static enum smtp_send_status
smtp_send_transaction(struct smtp_send *s, const char *from,
    char * const *rcpts, size_t n, const char *msg, size_t len, char **error)
{
	char	*line, *what;
	size_t	 i;
	int	 r, eight = 0;

	for (i = 0; i < len && !eight; i++)
		eight = (unsigned char)msg[i] >= 0x80;
	if (eight) {
		if (!(s->smtp->esmtp & MAILSMTP_ESMTP_8BITMIME)) {
			*error = xasprintf("%s: the message has 8-bit text "
			    "but the server does not take it (no 8BITMIME)",
			    s->host);
			return SMTP_SEND_PERMANENT;
		}
		line = xasprintf("MAIL FROM:<%s> BODY=8BITMIME", from);
		r = smtp_send_command_line(s, line, 0);
		free(line);
		if (r != 0)
			return smtp_send_failed(s, MAILSMTP_ERROR_STREAM,
			    "MAIL FROM", SMTP_SEND_PERMANENT, error);
		if (s->code != 250)
			return smtp_send_failed(s, 0, "MAIL FROM",
			    SMTP_SEND_PERMANENT, error);
	} else if ((r = mailsmtp_mail(s->smtp, from)) != MAILSMTP_NO_ERROR)
		return smtp_send_failed(s, r, "MAIL FROM", SMTP_SEND_PERMANENT,
		    error);
	free(s->text);
	s->text = NULL;
	for (i = 0; i < n; i++) {
		if ((r = mailsmtp_rcpt(s->smtp, rcpts[i])) !=
		    MAILSMTP_NO_ERROR) {
			what = xasprintf("RCPT TO:<%s>", rcpts[i]);
			r = smtp_send_failed(s, r, what, SMTP_SEND_PERMANENT,
			    error);
			free(what);
			return r;
		}
	}
	if ((r = mailsmtp_data(s->smtp)) != MAILSMTP_NO_ERROR)
		return smtp_send_failed(s, r, "DATA", SMTP_SEND_PERMANENT,
		    error);
	/* libetpan ends the data with CRLF . CRLF even after a CRLF: give
	 * it the message without its last line end, or one more empty line
	 * would arrive than was built. */
	if (len >= 2 && msg[len - 2] == '\r' && msg[len - 1] == '\n')
		len -= 2;
	if ((r = mailsmtp_data_message(s->smtp, msg, len)) !=
	    MAILSMTP_NO_ERROR)
		return smtp_send_failed(s, r, "sending the message",
		    SMTP_SEND_PERMANENT, error);
	return SMTP_SEND_OK;
}

/* Drop the connection; QUIT first only when it is still in step. */
static void
smtp_send_close(struct smtp_send *s, int quit)
{
	if (s->smtp != NULL) {
		if (quit && s->smtp->stream != NULL)
			mailsmtp_quit(s->smtp);
		/* mailsmtp_free sends QUIT and waits: close first. */
		if (s->smtp->stream != NULL) {
			mailstream_close(s->smtp->stream);
			s->smtp->stream = NULL;
		}
		mailsmtp_free(s->smtp);
	}
	if (s->line != NULL)
		mmap_string_free(s->line);
	free(s->text);
}

enum smtp_send_status
smtp_send(const struct smtp_send_config *config, const char *from,
    char * const *rcpts, size_t n, const char *msg, size_t len,
    struct net_tls_peer *peer, char **error)
{
	struct smtp_send	 s;
	struct net_tls		*tls = NULL;
	enum smtp_send_status	 status;
	enum net_status		 ns;
	mailstream		*stream;
	size_t			 i;
	int			 fd, r, timeout;

	*error = NULL;
	memset(peer, 0, sizeof *peer);
	memset(&s, 0, sizeof s);
	s.host = config->host;
	if (n == 0) {
		*error = xstrdup("the message has no recipients");
		return SMTP_SEND_PERMANENT;
	}
	for (i = 0; i <= n; i++) {
		const char	*a = i < n ? rcpts[i] : from;

		if (!smtp_send_address_ok(a)) {
			*error = xasprintf("cannot send to or from \"%s\"",
			    a);
			return SMTP_SEND_REFUSED;
		}
	}
	timeout = config->timeout_ms > 0 ? config->timeout_ms :
	    NET_CONNECT_TIMEOUT;
	ns = net_connect(config->host, config->port, timeout,
	    config->interrupt_fd, &fd, error);
	if (ns != NET_OK)
		return ns == NET_ERROR_CANCELLED ? SMTP_SEND_CANCELLED :
		    SMTP_SEND_TEMPORARY;
	if (config->tls == SMTP_SEND_TLS_IMPLICIT) {
		status = smtp_send_tls(config, fd, &tls, peer, error);
		if (status != SMTP_SEND_OK) {
			close(fd);
			return status;
		}
	}
	stream = mailstream_new(net_stream_low_new(fd, tls, NET_GUARD_NONE,
	    config->timeout_ms > 0 ? config->timeout_ms : NET_READ_TIMEOUT,
	    config->interrupt_fd), 8192);
	if (stream == NULL || (s.smtp = mailsmtp_new(0, NULL)) == NULL ||
	    (s.line = mmap_string_new("")) == NULL)
		fatal("out of memory");
	if ((r = mailsmtp_connect(s.smtp, stream)) != MAILSMTP_NO_ERROR) {
		if (s.smtp->stream == NULL)
			mailstream_close(stream);
		status = smtp_send_failed(&s, r, "greeting",
		    SMTP_SEND_TEMPORARY, error);
		goto out;
	}
	if ((status = smtp_send_ehlo(&s, error)) != SMTP_SEND_OK)
		goto out;
	if (config->tls == SMTP_SEND_TLS_STARTTLS &&
	    (status = smtp_send_starttls(&s, config, peer, error)) !=
	    SMTP_SEND_OK)
		goto out;
	if (config->user != NULL && *config->user != '\0' &&
	    (status = smtp_send_auth(&s, config, error)) != SMTP_SEND_OK)
		goto out;
	status = smtp_send_transaction(&s, from, rcpts, n, msg, len, error);
	if (status == SMTP_SEND_OK)
		log_info("%s: %s took a message of %zu bytes for %zu "
		    "recipient(s)", __func__, config->host, len, n);

out:
	if (status == SMTP_SEND_TEMPORARY && smtp_send_cancelled(&s))
		status = SMTP_SEND_CANCELLED;
	/* After a refused RCPT the session is still in step: say goodbye. */
	smtp_send_close(&s, status == SMTP_SEND_OK ||
	    status == SMTP_SEND_PERMANENT || status == SMTP_SEND_AUTH);
	return status;
}

/* A shell word that stays one word: single quotes, ' as '\''. */
static void
smtp_send_quote(char **cmd, const char *word)
{
	size_t	 len = strlen(*cmd), i, j;
	char	*out;

	out = xmalloc(len + 4 * strlen(word) + 4);
	memcpy(out, *cmd, len);
	j = len;
	out[j++] = ' ';
	out[j++] = '\'';
	for (i = 0; word[i] != '\0'; i++) {
		if (word[i] == '\'') {
			memcpy(out + j, "'\\''", 4);
			j += 4;
		} else
			out[j++] = word[i];
	}
	out[j++] = '\'';
	out[j] = '\0';
	free(*cmd);
	*cmd = out;
}

enum smtp_send_status
smtp_send_command(const char *command, char * const *rcpts, size_t n,
    const char *msg, size_t len, int timeout_ms, char **error)
{
	struct command_result	 r;
	enum command_status	 cs;
	enum smtp_send_status	 status;
	char			*cmd, *input, *err;
	size_t			 i, j;

	*error = NULL;
	if (n == 0) {
		*error = xstrdup("the message has no recipients");
		return SMTP_SEND_PERMANENT;
	}
	cmd = xstrdup(command);
	for (i = 0; i < n; i++) {
		if (!smtp_send_address_ok(rcpts[i])) {
			*error = xasprintf("cannot send to \"%s\"",
			    rcpts[i]);
			free(cmd);
			return SMTP_SEND_REFUSED;
		}
		smtp_send_quote(&cmd, rcpts[i]);
	}
	/* sendmail reads lines ending in LF, as a local file has them. */
	input = xmalloc(len + 1);
	for (i = 0, j = 0; i < len; i++)
		if (!(msg[i] == '\r' && i + 1 < len && msg[i + 1] == '\n'))
			input[j++] = msg[i];
	memset(&r, 0, sizeof r);
	cs = command_run(cmd, input, j, 0, timeout_ms > 0 ? timeout_ms :
	    SMTP_SEND_COMMAND_TIMEOUT, &r, error);
	free(input);
	free(cmd);
	switch (cs) {
	case COMMAND_ERROR:
		return SMTP_SEND_TEMPORARY;
	case COMMAND_TIMEOUT:
		command_result_clear(&r);
		*error = xasprintf("%s: did not finish in time", command);
		return SMTP_SEND_TEMPORARY;
	default:
		break;
	}
	switch (r.exit_status) {
	case 0:
		command_result_clear(&r);
		return SMTP_SEND_OK;
	case SMTP_SEND_EX_DATAERR:
	case SMTP_SEND_EX_NOUSER:
	case SMTP_SEND_EX_NOHOST:
	case SMTP_SEND_EX_UNAVAILABLE:
	case SMTP_SEND_EX_NOPERM:
		status = SMTP_SEND_PERMANENT;
		break;
	case SMTP_SEND_EX_USAGE:
	case SMTP_SEND_EX_CONFIG:
	case 126:
	case 127:
		status = SMTP_SEND_REFUSED;
		break;
	default:
		/* EX_TEMPFAIL, EX_IOERR, a signal, anything unknown: the
		 * message is kept and tried again. */
		status = SMTP_SEND_TEMPORARY;
		break;
	}
	err = smtp_send_clean(r.err);
	*error = xasprintf("%s: exit status %d%s%s", command,
	    r.exit_status, *err != '\0' ? ": " : "", err);
	free(err);
	command_result_clear(&r);
	return status;
}
