/* imap-session: one authenticated IMAP connection over libetpan: connect,
 * TLS (implicit or STARTTLS, verified by net-tls), capabilities, login
 * (AUTHENTICATE PLAIN, OAUTHBEARER, XOAUTH2 or LOGIN), UTF8=ACCEPT.
 * Worker process only. */
#ifndef SKUA_IMAP_SESSION_H
#define SKUA_IMAP_SESSION_H

#include <stdint.h>

#include <libetpan/libetpan.h>

#include "net-tls.h"

struct config_account;

enum imap_session_status {
	IMAP_SESSION_OK,
	IMAP_SESSION_ERROR,		/* network or protocol; retry later */
	IMAP_SESSION_REFUSED,		/* a policy stopped us (no STARTTLS,
					   plaintext password, pin): do not
					   retry without a config change */
	IMAP_SESSION_CERTIFICATE,	/* untrusted: peer says why; ask */
	IMAP_SESSION_AUTH,		/* the server refused the login */
	IMAP_SESSION_CANCELLED,
};

struct imap_session_config {
	const struct config_account	*account;
	const char			*password;	/* or NULL */
	const char			*oauth2_token;	/* or NULL */
	const char * const		*trusted;	/* user-trusted pins */
	int				 interrupt_fd;	/* -1: none */
	int				 timeout_ms;	/* 0: defaults */
};

struct imap_session;

/*
 * Connect and log in. On IMAP_SESSION_OK *out is the caller's. On
 * IMAP_SESSION_CERTIFICATE, peer describes the certificate (the caller clears
 * it) so the UI can ask; connect again with its fingerprint in trusted.
 * Otherwise *error says why, for a person (caller frees).
 */
enum imap_session_status imap_session_open(const struct imap_session_config *,
		     struct imap_session **out, struct net_tls_peer *peer,
		     char **error);
/* Log out politely if the connection is alive, then free. */
void		 imap_session_close(struct imap_session *);
/* Drop the connection without a word (after an error or a cancel). */
void		 imap_session_abort(struct imap_session *);

mailimap	*imap_session_imap(struct imap_session *);
int		 imap_session_has(struct imap_session *, const char *capability);
/* Whether UTF8=ACCEPT is on (RFC 6855): folder names are UTF-8 on the
 * wire, not modified UTF-7. Enabled at login where offered. */
int		 imap_session_utf8(struct imap_session *);
/*
 * Folder names: skua keeps them (in the mirror, in requests) in modified
 * UTF-7, the form every server understands without UTF8=ACCEPT, so that
 * nothing changes with the mode; these convert at the wire. Every name
 * sent to the server goes through imap_session_name_out. Both return a
 * string the caller frees, never NULL: a name that does not convert
 * (not UTF-8 from a server in UTF-8 mode) stays as it is.
 */
char		*imap_session_name_in(struct imap_session *, const char *wire);
char		*imap_session_name_out(struct imap_session *, const char *name);
/* SELECT folder (a skua name), with CONDSTORE when highestmodseq is not
 * NULL; libetpan's error code. */
int		 imap_session_select(struct imap_session *, const char *folder,
		     uint64_t *highestmodseq);
/* ENABLE QRESYNC once per session where offered; whether it is on. */
int		 imap_session_enable_qresync(struct imap_session *);
/* Whether the last failure came from a cancel (the interrupt fd). */
int		 imap_session_cancelled(struct imap_session *);
/* A libetpan error code as a sentence (with the stream's reason). */
char		*imap_session_error(struct imap_session *, int code,
		     const char *doing);

#endif
