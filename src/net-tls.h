/* net-tls: TLS done by OpenSSL on a connected socket, with the checks
 * libetpan's GnuTLS build lacks: chain, host name, dates, SHA-256 pins.
 * Worker process only. Nothing is sent before the checks have passed. */
#ifndef SKUA_NET_TLS_H
#define SKUA_NET_TLS_H

#include <sys/types.h>

#include "net.h"

struct net_tls_config {
	const char		*host;		/* SNI and the name check */
	const char		*ca_file;	/* NULL: the system store */
	const char		*fingerprint;	/* pin: "sha256:<hex>" */
	const char * const	*trusted;	/* user-trusted pins, or NULL */
	int			 timeout_ms;
	int			 interrupt_fd;	/* -1: none */
};

/* The server's certificate, for the user's question and for messages.
 * Strings are the caller's (net_tls_peer_clear frees them). */
struct net_tls_peer {
	char	*fingerprint;	/* "sha256:<64 hex>" */
	char	*subject;
	char	*issuer;
	char	*not_before;
	char	*not_after;
	char	*problem;	/* why it is not trusted; NULL when it is */
};

struct net_tls;

/*
 * Handshake on fd (a connected socket the caller keeps owning) and check the
 * certificate. NET_OK: verified, or pinned, or trusted by the user.
 * NET_ERROR_CERTIFICATE: the session is up but not trusted: *out is set and
 * peer says why, so the caller can ask the user, then use or free it.
 * NET_ERROR_PIN: the certificate is not the pinned one; refused outright.
 * Anything else: *out is NULL and *error says why (caller frees).
 */
enum net_status	 net_tls_start(int fd, const struct net_tls_config *,
		     struct net_tls **out, struct net_tls_peer *peer,
		     char **error);
void		 net_tls_free(struct net_tls *);	/* does not close fd */
void		 net_tls_peer_clear(struct net_tls_peer *);

/* Bytes already decrypted and waiting (no need to poll the socket). */
int		 net_tls_pending(struct net_tls *);
/* Read or write like read(2)/write(2): > 0 bytes, 0 at a clean close,
 * -1 on error. The socket must be readable/writable or they may block
 * (bounded by the socket's timeouts). */
ssize_t		 net_tls_read(struct net_tls *, void *, size_t);
ssize_t		 net_tls_write(struct net_tls *, const void *, size_t);

/* SHA-256 fingerprint of a PEM certificate file, "sha256:<hex>" (for tests
 * and for `skua` to show a pin); NULL on error. Caller frees. */
char		*net_tls_file_fingerprint(const char *path);

#endif
