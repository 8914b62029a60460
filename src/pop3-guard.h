/* pop3-guard: a POP3 reader over the raw bytes, both ways, that refuses
 * replies libetpan 1.9.4 would crash or spin on, before it parses them.
 * Pure (no I/O); the session runs it inside the stream. Worker process. */
#ifndef SKUA_POP3_GUARD_H
#define SKUA_POP3_GUARD_H

#include <stddef.h>
#include <stdint.h>

/*
 * Limits. A status, listing or capability line is short (RFC 2449: 512
 * bytes); a line of a message may be long but not without end; a STAT
 * count far below 2^31, where libetpan's index arithmetic goes wrong.
 */
#define POP3_GUARD_MAX_LINE		4096
#define POP3_GUARD_MAX_BODY_LINE	(16u * 1024 * 1024)
#define POP3_GUARD_MAX_MESSAGE		(1024u * 1024 * 1024)
#define POP3_GUARD_MAX_MESSAGES		10000000u
#define POP3_GUARD_MAX_CAPA		(64u * 1024)
#define POP3_GUARD_MAX_UIDL		70		/* RFC 1939 */

enum pop3_guard_status {
	POP3_GUARD_OK,
	POP3_GUARD_REFUSED,	/* pop3_guard_reason says what */
};

/* What the scanner knows; zero it with pop3_guard_init per connection. */
struct pop3_guard {
	int		expect;		/* greeting, status, body, nothing */
	int		command;	/* what the awaited reply answers */
	int		client_command;	/* the command being written */
	int		client_argument; /* it has an argument */
	int		client_state;	/* where in its line the client is */
	char		verb[8];	/* its first word, so far */
	size_t		verb_len;
	uint64_t	count;		/* STAT's message count */
	int		have_count;
	uint64_t	last;		/* last message number listed */
	uint64_t	line_len;	/* bytes of this server line so far */
	uint64_t	body;		/* bytes of this multi-line reply */
	char		line[POP3_GUARD_MAX_LINE + 1];	/* kept part */
	size_t		kept;
	int		refused;
	char		reason[160];
};

void			 pop3_guard_init(struct pop3_guard *);
/* The client's bytes as they are sent: which reply comes next. */
void			 pop3_guard_client(struct pop3_guard *, const void *,
			     size_t);
/* The server's bytes as they arrive. Once refused, stays refused. */
enum pop3_guard_status	 pop3_guard_server(struct pop3_guard *, const void *,
			     size_t);
/* The server closed. Refused unless QUIT was answered: libetpan's line
 * reader takes EOF for an empty line and loops in a multi-line reply. */
enum pop3_guard_status	 pop3_guard_eof(struct pop3_guard *);
const char		*pop3_guard_reason(const struct pop3_guard *);
/* Whether the scanner refused something (the stream is then dead). */
int			 pop3_guard_refused(const struct pop3_guard *);
/* The message count of the last STAT reply, or 0 and *known = 0. */
uint64_t		 pop3_guard_count(const struct pop3_guard *, int *known);

#endif
