/* imap-auth: the SASL exchanges skua runs itself. libetpan offers XOAUTH2
 * (always with SASL-IR) and Cyrus SASL, which this build never lets pick
 * PLAIN; its tag, line and response calls are enough to drive the rest, and
 * the error reports OAuth servers send need an answer libetpan never gives. */
#include "auto-config.h"

#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "imap-auth.h"
#include "intl.h"
#include "log.h"
#include "xmalloc.h"

/* Server challenges answered before the exchange is given up as looping:
 * the request for the response, an error report, a cancel. */
#define IMAP_AUTH_MAX_CHALLENGES	3
/* Longest text kept from a server's error report. */
#define IMAP_AUTH_MAX_DETAIL		200

const char *
imap_auth_name(enum imap_auth_mechanism mech)
{
	switch (mech) {
	case IMAP_AUTH_PLAIN:
		return "PLAIN";
	case IMAP_AUTH_OAUTHBEARER:
		return "OAUTHBEARER";
	case IMAP_AUTH_XOAUTH2:
		return "XOAUTH2";
	}
	return "?";
}

/* What answers a challenge that follows the whole response: RFC 7628 wants
 * a lone 0x01 after an OAUTHBEARER error, Google an empty line after an
 * XOAUTH2 one; PLAIN has no second step, so it is cancelled. */
static const char *
imap_auth_acknowledgement(enum imap_auth_mechanism mech)
{
	switch (mech) {
	case IMAP_AUTH_OAUTHBEARER:
		return "AQ==";
	case IMAP_AUTH_XOAUTH2:
		return "";
	default:
		return "*";
	}
}

static char *
imap_auth_base64(const unsigned char *in, size_t len)
{
	char	*out;

	if (len > INT_MAX / 2)
		fatal("%s: %zu bytes", __func__, len);
	out = xmalloc(4 * ((len + 2) / 3) + 1);
	EVP_EncodeBlock((unsigned char *)out, in, (int)len);
	return out;
}

/* Base64 in, bytes out (NUL-terminated, *len without it); NULL when the
 * text is not base64. */
static char *
imap_auth_unbase64(const char *in, size_t *len)
{
	size_t	 n = strlen(in), i, pad = 0;
	char	*out;
	int	 r;

	if (n == 0 || n % 4 != 0 || n > INT_MAX / 2)
		return NULL;
	for (i = 0; i < n; i++) {
		if (in[i] == '=' && i >= n - 2)
			pad++;
		else if (pad != 0 || (!isalnum((unsigned char)in[i]) &&
		    in[i] != '+' && in[i] != '/'))
			return NULL;
	}
	out = xmalloc(n / 4 * 3 + 1);
	if ((r = EVP_DecodeBlock((unsigned char *)out,
	    (const unsigned char *)in, (int)n)) < 0 || (size_t)r < pad) {
		free(out);
		return NULL;
	}
	*len = (size_t)r - pad;
	out[*len] = '\0';
	return out;
}

static int
imap_auth_has_control(const char *s)
{
	for (; *s != '\0'; s++) {
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 1;
	}
	return 0;
}

/* RFC 5801 saslname: ',' and '=' would end or break the field. */
static char *
imap_auth_saslname(const char *user)
{
	char	*out = xmalloc(strlen(user) * 3 + 1), *p = out;

	for (; *user != '\0'; user++) {
		if (*user == ',') {
			memcpy(p, "=2C", 3);
			p += 3;
		} else if (*user == '=') {
			memcpy(p, "=3D", 3);
			p += 3;
		} else
			*p++ = *user;
	}
	*p = '\0';
	return out;
}

char *
imap_auth_response(enum imap_auth_mechanism mech, const char *user,
    const char *secret, const char *host, unsigned int port)
{
	char	*raw, *name, *out;
	size_t	 ulen, slen, len;

	if (user == NULL || secret == NULL || *user == '\0')
		return NULL;
	ulen = strlen(user);
	slen = strlen(secret);
	switch (mech) {
	case IMAP_AUTH_PLAIN:
		/* No authorisation identity: act as the user logged in. */
		len = 1 + ulen + 1 + slen;
		raw = xmalloc(len + 1);
		raw[0] = '\0';
		memcpy(raw + 1, user, ulen);
		raw[1 + ulen] = '\0';
		memcpy(raw + 2 + ulen, secret, slen + 1);
		break;
	case IMAP_AUTH_OAUTHBEARER:
		/* 0x01 separates the fields: none may hold a control byte. */
		if (host == NULL || imap_auth_has_control(user) ||
		    imap_auth_has_control(secret) ||
		    imap_auth_has_control(host) || *secret == '\0')
			return NULL;
		name = imap_auth_saslname(user);
		raw = xasprintf("n,a=%s,\001host=%s\001port=%u\001"
		    "auth=Bearer %s\001\001", name, host, port, secret);
		free(name);
		len = strlen(raw);
		break;
	case IMAP_AUTH_XOAUTH2:
		if (imap_auth_has_control(user) ||
		    imap_auth_has_control(secret) || *secret == '\0')
			return NULL;
		raw = xasprintf("user=%s\001auth=Bearer %s\001\001", user,
		    secret);
		len = strlen(raw);
		break;
	default:
		return NULL;
	}
	out = imap_auth_base64((const unsigned char *)raw, len);
	OPENSSL_cleanse(raw, len);
	free(raw);
	return out;
}

/* The value of "status" in a JSON object, if it is a plain string. */
static char *
imap_auth_json_status(const char *json)
{
	const char	*p = json, *end;

	while ((p = strstr(p, "\"status\"")) != NULL) {
		p += strlen("\"status\"");
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p != ':')
			continue;
		p++;
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p != '"')
			return NULL;
		for (end = ++p; *end != '"' && *end != '\0' && *end != '\\';
		    end++)
			;
		if (*end != '"' || end == p || end - p > 64)
			return NULL;
		return xstrndup(p, end - p);
	}
	return NULL;
}

char *
imap_auth_describe(const char *challenge)
{
	char	*decoded, *text, *status;
	size_t	 len, i;

	if (challenge == NULL || *challenge == '\0')
		return NULL;
	if ((decoded = imap_auth_unbase64(challenge, &len)) == NULL)
		decoded = xstrdup(challenge);
	for (i = 0; decoded[i] == ' ' || decoded[i] == '\t'; i++)
		;
	if (decoded[i] == '{' &&
	    (status = imap_auth_json_status(decoded)) != NULL) {
		free(decoded);
		decoded = status;
	}
	/* It ends up in an error line on a terminal. */
	text = xstrndup(decoded, IMAP_AUTH_MAX_DETAIL);
	free(decoded);
	for (i = 0; text[i] != '\0'; i++) {
		if ((unsigned char)text[i] < 0x20 ||
		    (unsigned char)text[i] >= 0x7f)
			text[i] = '?';
	}
	if (*text == '\0') {
		free(text);
		return NULL;
	}
	return text;
}

/* Write text and CRLF and flush; the text may be a secret, so libetpan's
 * own logger (unused by skua, but a process-wide switch) is told not to
 * show it. */
static int
imap_auth_send_line(mailimap *imap, const char *first, const char *secret)
{
	mailstream	*stream = imap->imap_stream;
	int		 failed = 0;

	mailstream_set_privacy(stream, 0);
	if (first != NULL && mailstream_write(stream, first, strlen(first)) ==
	    -1)
		failed = 1;
	if (!failed && secret != NULL &&
	    mailstream_write(stream, secret, strlen(secret)) == -1)
		failed = 1;
	if (!failed && (mailstream_write(stream, "\r\n", 2) == -1 ||
	    mailstream_flush(stream) == -1))
		failed = 1;
	mailstream_set_privacy(stream, 1);
	return failed ? MAILIMAP_ERROR_STREAM : MAILIMAP_NO_ERROR;
}

/* The text of a continuation line just read ("+ text\r\n"). */
static char *
imap_auth_challenge(mailimap *imap)
{
	const char	*line = imap->imap_stream_buffer->str + 1;
	size_t		 len;

	if (*line == ' ')
		line++;
	len = strcspn(line, "\r\n");
	return xstrndup(line, len);
}

int
imap_auth_authenticate(mailimap *imap, enum imap_auth_mechanism mech,
    const char *response, int sasl_ir, char **detail)
{
	struct mailimap_response	*rsp = NULL;
	char				*command, *challenge;
	const char			*answer;
	int				 r, sent = sasl_ir, cancelled = 0;
	int				 challenges, state;

	*detail = NULL;
	if (imap->imap_state != MAILIMAP_STATE_NON_AUTHENTICATED)
		return MAILIMAP_ERROR_BAD_STATE;
	if ((r = mailimap_send_current_tag(imap)) != MAILIMAP_NO_ERROR)
		return r;
	command = xasprintf("AUTHENTICATE %s%s", imap_auth_name(mech),
	    sasl_ir ? " " : "");
	r = imap_auth_send_line(imap, command, sasl_ir ? response : NULL);
	free(command);
	if (r != MAILIMAP_NO_ERROR)
		return r;

	/*
	 * Continuations are answered here; the first other line is left in
	 * the buffer for libetpan, which reads on to the tagged reply and
	 * keeps what it carries (capabilities). Untagged data before a "+"
	 * would make libetpan wait for a reply that never comes, until the
	 * timeout: no server does that.
	 */
	for (challenges = 0;; challenges++) {
		if (mailimap_read_line(imap) == NULL)
			return MAILIMAP_ERROR_STREAM;
		if (imap->imap_stream_buffer->str[0] != '+')
			break;
		if (challenges == IMAP_AUTH_MAX_CHALLENGES)
			return MAILIMAP_ERROR_PROTOCOL;
		if (!sent) {
			answer = response;	/* "+" asks for it */
			sent = 1;
		} else if (*detail == NULL && !cancelled) {
			challenge = imap_auth_challenge(imap);
			*detail = imap_auth_describe(challenge);
			if (*detail == NULL)
				*detail = xstrdup(_("no reason given"));
			free(challenge);
			answer = imap_auth_acknowledgement(mech);
			cancelled = *answer == '*';
		} else {
			answer = "*";
			cancelled = 1;
		}
		if ((r = imap_auth_send_line(imap, NULL, answer)) !=
		    MAILIMAP_NO_ERROR)
			return r;
	}
	r = mailimap_parse_response(imap, &rsp);
	if (r == MAILIMAP_ERROR_PROTOCOL && cancelled)
		return MAILIMAP_ERROR_LOGIN;	/* BAD: the cancel we sent */
	if (r != MAILIMAP_NO_ERROR)
		return r;
	state = rsp->rsp_resp_done->rsp_data.rsp_tagged->rsp_cond_state->
	    rsp_type;
	mailimap_response_free(rsp);
	if (state != MAILIMAP_RESP_COND_STATE_OK)
		return MAILIMAP_ERROR_LOGIN;
	imap->imap_state = MAILIMAP_STATE_AUTHENTICATED;
	log_debug("%s: logged in with AUTHENTICATE %s%s", __func__,
	    imap_auth_name(mech), sasl_ir ? " (SASL-IR)" : "");
	return MAILIMAP_NO_ERROR;
}
