/* net: TCP connections with bounded waits, for the protocol backends.
 * Worker process only (it blocks, within its timeouts). */
#ifndef SKUA_NET_H
#define SKUA_NET_H

enum net_status {
	NET_OK,
	NET_ERROR_RESOLVE,	/* the host name did not resolve */
	NET_ERROR_CONNECT,	/* refused, unreachable, ... */
	NET_ERROR_TIMEOUT,
	NET_ERROR_CANCELLED,	/* the interrupt descriptor fired */
	NET_ERROR_TLS,		/* handshake or protocol failure */
	NET_ERROR_CERTIFICATE,	/* chain, host name or dates not valid */
	NET_ERROR_PIN,		/* certificate differs from the pinned one */
	NET_ERROR_IO,		/* read or write failed, or the peer closed */
};

/* The timeouts the issue asks for, in milliseconds. */
#define NET_CONNECT_TIMEOUT	30000
#define NET_READ_TIMEOUT	60000

/*
 * Connect to host:port, trying each address in turn, each bounded by
 * timeout_ms; interrupt_fd (or -1) cancels the wait when readable. On NET_OK
 * *fd is a connected, blocking socket (CLOEXEC) the caller closes; otherwise
 * *error says why (caller frees).
 */
enum net_status	 net_connect(const char *host, int port, int timeout_ms,
		     int interrupt_fd, int *fd, char **error);
/* Wait until fd is readable (or writable), interrupt_fd fires or the time
 * runs out. */
enum net_status	 net_wait(int fd, int for_write, int timeout_ms,
		     int interrupt_fd);
/* Whether host is an IPv4 or IPv6 literal (no SNI, IP checks then). */
int		 net_is_ip_literal(const char *host);

#endif
