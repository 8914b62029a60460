/* smtp-send: hand one built message to a mail server over SMTP
 * (submission: TLS verified by net-tls, then AUTH, MAIL, RCPT, DATA), or
 * to a sendmail-compatible command. Worker process only: both block,
 * within their time limits. */
#ifndef SKUA_SMTP_SEND_H
#define SKUA_SMTP_SEND_H

#include <stddef.h>

#include "net-tls.h"

enum smtp_send_status {
	SMTP_SEND_OK,		/* the server (or command) took it */
	SMTP_SEND_TEMPORARY,	/* network down, timeout, a 4xx reply: keep
				   the message and retry later */
	SMTP_SEND_PERMANENT,	/* a 5xx to a recipient or to the data: the
				   message as it is will not go */
	SMTP_SEND_AUTH,		/* the server refused the login */
	SMTP_SEND_REFUSED,	/* skua's policy stopped it (no STARTTLS
				   offered, wrong pin, a bad address): not
				   without a change to the config */
	SMTP_SEND_CERTIFICATE,	/* untrusted certificate: peer says why */
	SMTP_SEND_CANCELLED,	/* the interrupt descriptor fired */
};

enum smtp_send_tls {
	SMTP_SEND_TLS_IMPLICIT,	/* TLS from the start (port 465) */
	SMTP_SEND_TLS_STARTTLS,	/* plain, then STARTTLS (port 587) */
	SMTP_SEND_TLS_NONE,	/* no TLS at all (a local relay) */
};

struct smtp_send_config {
	const char		*host;
	int			 port;
	enum smtp_send_tls	 tls;
	const char		*ca_file;	/* NULL: the system store */
	const char		*fingerprint;	/* "sha256:<hex>" or NULL */
	const char * const	*trusted;	/* user-trusted pins */
	const char		*user;		/* NULL: no AUTH */
	const char		*password;	/* AUTH PLAIN, else LOGIN */
	const char		*oauth2_token;	/* XOAUTH2 if set */
	int			 timeout_ms;	/* 0: the defaults */
	int			 interrupt_fd;	/* -1: none */
};

/*
 * Send len bytes of msg (CRLF line ends, as compose_build makes them)
 * from the envelope sender from to the n addresses in rcpts. 8-bit bytes
 * in msg are sent with BODY=8BITMIME, and refused (PERMANENT) by a server
 * without it. On SMTP_SEND_CERTIFICATE peer describes the certificate
 * (the caller clears it); send again with its fingerprint in trusted.
 * On anything but OK, *error says why, with the server's reply when there
 * was one (caller frees).
 */
enum smtp_send_status smtp_send(const struct smtp_send_config *,
		     const char *from, char * const *rcpts, size_t n,
		     const char *msg, size_t len, struct net_tls_peer *peer,
		     char **error);

/*
 * Run command (with /bin/sh -c, e.g. "sendmail -oi"; not -t, which
 * would lose Bcc), the envelope recipients appended as quoted arguments
 * and msg on its standard input with LF line ends, for at most
 * timeout_ms (0: two minutes). The exit status is read as sysexits: 0
 * OK; a bad address, host or data PERMANENT; EX_USAGE, EX_CONFIG or a
 * command not found REFUSED; EX_TEMPFAIL, a signal or anything else
 * TEMPORARY. *error as smtp_send's, with the start of standard error.
 */
enum smtp_send_status smtp_send_command(const char *command,
		     char * const *rcpts, size_t n, const char *msg,
		     size_t len, int timeout_ms, char **error);

/* The status as a word for the log ("temporary"). */
const char	*smtp_send_status_name(enum smtp_send_status);

#endif
