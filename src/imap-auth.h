/* imap-auth: IMAP AUTHENTICATE done by skua itself (PLAIN, OAUTHBEARER,
 * XOAUTH2), since libetpan's Cyrus SASL path never picks PLAIN. Worker
 * process only; the response builders are pure and may run anywhere. */
#ifndef SKUA_IMAP_AUTH_H
#define SKUA_IMAP_AUTH_H

#include <libetpan/libetpan.h>

enum imap_auth_mechanism {
	IMAP_AUTH_PLAIN,	/* RFC 4616, password */
	IMAP_AUTH_OAUTHBEARER,	/* RFC 7628, OAuth 2 token */
	IMAP_AUTH_XOAUTH2,	/* Google's older token mechanism */
};

/* The name as IMAP spells it ("PLAIN"). */
const char	*imap_auth_name(enum imap_auth_mechanism);

/*
 * The client's first (and only) response, base64-encoded: for PLAIN the
 * secret is the password, for the OAuth mechanisms the token; host and port
 * go into OAUTHBEARER's message. NULL when a field cannot be framed (a
 * token with control bytes, an empty user). The caller clears it with
 * password_free: it holds the secret.
 */
char		*imap_auth_response(enum imap_auth_mechanism, const char *user,
		     const char *secret, const char *host, unsigned int port);

/*
 * Run AUTHENTICATE on a session in the non-authenticated state, with the
 * response on the command line when sasl_ir (RFC 4959), else after the
 * server's "+". A challenge after the response is the server's error
 * report: it is acknowledged as the mechanism requires and, decoded,
 * returned in *detail (the caller frees; NULL if none). Returns
 * MAILIMAP_NO_ERROR when logged in, MAILIMAP_ERROR_LOGIN when refused,
 * or libetpan's stream, parse or protocol error (drop the connection).
 */
int		 imap_auth_authenticate(mailimap *, enum imap_auth_mechanism,
		     const char *response, int sasl_ir, char **detail);

/*
 * What a server's error report says, for a person: the "status" of an
 * RFC 7628 JSON error, or the text itself when it is not JSON; printable
 * ASCII only and bounded. The caller frees; NULL in, NULL out.
 */
char		*imap_auth_describe(const char *challenge);

#endif
