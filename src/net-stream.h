/* net-stream: the low-level stream libetpan reads and writes through: plain
 * or OpenSSL TLS, with timeouts, a cancel descriptor and net-guard's bounds.
 * Worker process only. */
#ifndef SKUA_NET_STREAM_H
#define SKUA_NET_STREAM_H

#include <stdint.h>

#include <libetpan/libetpan.h>

#include "net-guard.h"

struct net_tls;

/*
 * A protocol's own reader of the raw bytes, run beside net-guard (POP3's
 * pop3-guard): server() sees what arrives before libetpan does and refuses
 * with non-zero; client() sees what was sent; eof() says whether a close
 * by the server is refused too (then the read fails rather than returning
 * 0); reason() says why. All but client() are needed.
 */
struct net_stream_filter {
	int		 (*server)(void *arg, const void *, size_t);
	void		 (*client)(void *arg, const void *, size_t);
	int		 (*eof)(void *arg);
	const char	*(*reason)(void *arg);
	void		*arg;
};

/*
 * A libetpan low-level stream over fd (and tls, if not NULL). Both are owned
 * by the stream: mailstream_close() closes them. Reads wait at most
 * timeout_ms and stop when interrupt_fd (or -1) becomes readable.
 */
mailstream_low	*net_stream_low_new(int fd, struct net_tls *,
		     enum net_guard_kind, int timeout_ms, int interrupt_fd);
/* Replace a plain stream's low level with TLS on the same socket (after
 * STARTTLS). The old low level is freed without closing the socket. */
void		 net_stream_start_tls(mailstream *, struct net_tls *);
/* Why the last read or write failed (timeout, cancel, guard), or NULL. */
const char	*net_stream_error(mailstream *);
/* Whether the last failure was a cancel. */
int		 net_stream_cancelled(mailstream *);
void		 net_stream_set_timeout(mailstream *, int timeout_ms);
/* Set the descriptor whose input stops a read or write (-1: none);
 * returns the one before. Ending IMAP IDLE because the UI spoke must not
 * be stopped by that same input. */
int		 net_stream_set_interrupt(mailstream *, int fd);
/* Run filter (copied; arg must outlive the stream) on this stream's bytes,
 * also after STARTTLS; NULL removes it. */
void		 net_stream_set_filter(mailstream *,
		     const struct net_stream_filter *);
/* Bytes read from and written to the server so far on this connection. */
void		 net_stream_bytes(mailstream *, uint64_t *in, uint64_t *out);

#endif
