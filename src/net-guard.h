/* net-guard: bounds on what a server may send, checked on the raw bytes
 * before libetpan parses them (it crashes or spins past these). Worker only. */
#ifndef SKUA_NET_GUARD_H
#define SKUA_NET_GUARD_H

#include <stddef.h>
#include <stdint.h>

/* Limits: generous for real servers, far below what breaks libetpan. */
#define NET_GUARD_MAX_LINE	(16u * 1024 * 1024)	/* one response line */
#define NET_GUARD_MAX_LITERAL	(1024u * 1024 * 1024)	/* one literal */
#define NET_GUARD_MAX_DEPTH	128			/* nested ( ) */

enum net_guard_kind {
	NET_GUARD_NONE,		/* pass everything */
	NET_GUARD_IMAP,		/* lines, literals, parentheses */
};

enum net_guard_status {
	NET_GUARD_OK,
	NET_GUARD_REFUSED,	/* net_guard_reason says what */
};

/* The scanner's state; zero it (or net_guard_init) per connection. */
struct net_guard {
	enum net_guard_kind	kind;
	int			state;
	uint64_t		line;		/* bytes in this line */
	uint64_t		number;		/* a literal's size so far */
	uint64_t		literal;	/* literal bytes still to come */
	int			depth;
	char			reason[128];
};

void			 net_guard_init(struct net_guard *,
			     enum net_guard_kind);
/* Scan the next bytes from the server. Once refused, stays refused. */
enum net_guard_status	 net_guard_scan(struct net_guard *, const void *,
			     size_t);
/* The server closed: refused if it stopped inside a literal (libetpan
 * would loop forever waiting for the rest). */
enum net_guard_status	 net_guard_eof(struct net_guard *);
const char		*net_guard_reason(const struct net_guard *);

#endif
