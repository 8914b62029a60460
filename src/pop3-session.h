/* pop3-session: one authenticated POP3 connection over libetpan's mailpop3:
 * connect, TLS (POP3S, or STLS verified by net-tls), login (AUTH PLAIN,
 * USER/PASS, or APOP where no TLS), and the commands a download needs,
 * every reply checked by pop3-guard first. Worker process only. */
#ifndef SKUA_POP3_SESSION_H
#define SKUA_POP3_SESSION_H

#include <stddef.h>
#include <stdint.h>

#include "net-tls.h"

struct config_account;

enum pop3_session_status {
	POP3_SESSION_OK,
	POP3_SESSION_ERROR,		/* network or protocol: the connection
					   is gone (abort it); retry later */
	POP3_SESSION_SERVER,		/* the server answered -ERR; the
					   connection is still usable */
	POP3_SESSION_REFUSED,		/* a policy stopped us (no STLS,
					   plaintext password, pin, no UIDL):
					   not without a config change */
	POP3_SESSION_CERTIFICATE,	/* untrusted: peer says why; ask */
	POP3_SESSION_AUTH,		/* the server refused the login */
	POP3_SESSION_CANCELLED,
};

struct pop3_session_config {
	const struct config_account	*account;
	const char			*password;
	const char * const		*trusted;	/* user-trusted pins */
	int				 interrupt_fd;	/* -1: none */
	int				 timeout_ms;	/* 0: the defaults */
};

/* One message of the maildrop, as LIST and UIDL gave it. */
struct pop3_session_message {
	unsigned int	 number;	/* 1, 2, ... for this session */
	uint32_t	 size;		/* LIST's size, in bytes */
	char		*uidl;		/* the unique id, printable ASCII */
};

struct pop3_session;

/*
 * Connect and log in. On POP3_SESSION_OK *out is the caller's (end it with
 * pop3_session_quit or pop3_session_abort). On POP3_SESSION_CERTIFICATE,
 * peer describes the certificate (the caller clears it); connect again with
 * its fingerprint in trusted. Otherwise *error says why (caller frees).
 */
enum pop3_session_status pop3_session_open(const struct pop3_session_config *,
		     struct pop3_session **out, struct net_tls_peer *peer,
		     char **error);

/*
 * STAT, LIST and UIDL: every message with its unique id. Refused when the
 * server has no UIDL or gives two messages the same id: without them skua
 * cannot know what it already has. *out (caller frees with
 * pop3_session_messages_free) is in message number order.
 */
enum pop3_session_status pop3_session_list(struct pop3_session *,
		     struct pop3_session_message **out, size_t *n,
		     char **error);
void		 pop3_session_messages_free(struct pop3_session_message *,
		     size_t);

/* Called while a message arrives: bytes so far and LIST's size. */
typedef void	(*pop3_session_progress_cb)(uint64_t done, uint64_t total,
		     void *arg);

/*
 * RETR: the message as the server holds it (CRLF line ends, dot-stuffing
 * undone), in *data (free with pop3_session_retr_free) of *len bytes.
 */
enum pop3_session_status pop3_session_retr(struct pop3_session *,
		     unsigned int number, char **data, size_t *len,
		     pop3_session_progress_cb, void *arg, char **error);
void		 pop3_session_retr_free(char *);
/* DELE: marked for deletion; the server deletes at a successful QUIT. */
enum pop3_session_status pop3_session_dele(struct pop3_session *,
		     unsigned int number, char **error);
/*
 * QUIT, then free. POP3_SESSION_OK only when the server said +OK: then,
 * and only then, the messages marked with DELE are gone from it.
 */
enum pop3_session_status pop3_session_quit(struct pop3_session *,
		     char **error);
/* Drop the connection without a word (no QUIT: no DELE takes effect). */
void		 pop3_session_abort(struct pop3_session *);

/* Whether the last failure came from a cancel (the interrupt fd). */
int		 pop3_session_cancelled(struct pop3_session *);
/* Bytes read from the server so far. */
uint64_t	 pop3_session_bytes_in(struct pop3_session *);

/* The APOP digest (RFC 1939): lower-case hex MD5 of timestamp and secret,
 * computed with OpenSSL (libetpan's is wrong on 64-bit machines). buf
 * holds 33 bytes. */
void		 pop3_session_apop_digest(const char *timestamp,
		     const char *secret, char buf[33]);

#endif
