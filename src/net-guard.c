/* net-guard: a small IMAP lexer over the server's raw bytes that tracks
 * line length, literal sizes and parenthesis depth, so hostile replies are
 * refused with a reason instead of crashing libetpan 1.9.4. */
#include "auto-config.h"

#include <stdio.h>
#include <string.h>

#include "intl.h"
#include "net-guard.h"

enum {
	GUARD_TEXT,		/* ordinary response text */
	GUARD_QUOTED,		/* inside "..." */
	GUARD_QUOTED_ESCAPE,	/* after \ inside "..." */
	GUARD_NUMBER,		/* after {, reading digits */
	GUARD_NUMBER_PLUS,	/* after {N+ */
	GUARD_CR,		/* after {N}, expecting CR */
	GUARD_LF,		/* after {N}CR, expecting LF */
	GUARD_LITERAL,		/* inside a literal's bytes */
	GUARD_REFUSED,
};

void
net_guard_init(struct net_guard *g, enum net_guard_kind kind)
{
	memset(g, 0, sizeof *g);
	g->kind = kind;
}

const char *
net_guard_reason(const struct net_guard *g)
{
	return g->reason;
}

static enum net_guard_status
net_guard_refuse(struct net_guard *g, const char *what, uint64_t value)
{
	snprintf(g->reason, sizeof g->reason, what, (unsigned long long)value);
	g->state = GUARD_REFUSED;
	return NET_GUARD_REFUSED;
}

/* End of a line that is not followed by a literal: a response may end. */
static void
net_guard_line_end(struct net_guard *g)
{
	g->line = 0;
	g->depth = 0;
	g->state = GUARD_TEXT;
}

enum net_guard_status
net_guard_scan(struct net_guard *g, const void *buf, size_t len)
{
	const unsigned char	*p = buf, *end = p + len;
	size_t			 n;
	unsigned char		 c;

	if (g->kind == NET_GUARD_NONE)
		return NET_GUARD_OK;
	if (g->state == GUARD_REFUSED)
		return NET_GUARD_REFUSED;
	while (p < end) {
		if (g->state == GUARD_LITERAL) {
			/* A literal's bytes are data: skip them unread. */
			n = (size_t)(end - p) < g->literal ?
			    (size_t)(end - p) : g->literal;
			p += n;
			g->literal -= n;
			if (g->literal == 0)
				g->state = GUARD_TEXT;
			continue;
		}
		c = *p++;
		if (++g->line > NET_GUARD_MAX_LINE)
			return net_guard_refuse(g, _("a response line longer "
			    "than %llu bytes"), NET_GUARD_MAX_LINE);
		switch (g->state) {
		case GUARD_QUOTED:
			if (c == '\\')
				g->state = GUARD_QUOTED_ESCAPE;
			else if (c == '"')
				g->state = GUARD_TEXT;
			else if (c == '\n')
				net_guard_line_end(g);
			continue;
		case GUARD_QUOTED_ESCAPE:
			g->state = GUARD_QUOTED;
			continue;
		case GUARD_NUMBER:
			if (c >= '0' && c <= '9') {
				g->number = g->number * 10 + (c - '0');
				if (g->number > NET_GUARD_MAX_LITERAL)
					return net_guard_refuse(g,
					    _("a literal of more than %llu "
					    "bytes"), NET_GUARD_MAX_LITERAL);
				continue;
			}
			if (c == '+') {
				g->state = GUARD_NUMBER_PLUS;
				continue;
			}
			/* FALLTHROUGH */
		case GUARD_NUMBER_PLUS:
			if (c == '}') {
				g->state = GUARD_CR;
				continue;
			}
			g->state = GUARD_TEXT;
			break;	/* not a literal: look at c as text */
		case GUARD_CR:
			if (c == '\r') {
				g->state = GUARD_LF;
				continue;
			}
			/* FALLTHROUGH */
		case GUARD_LF:
			if (c == '\n') {
				/* The line goes on after the literal. */
				g->line = 0;
				g->literal = g->number;
				g->state = g->literal > 0 ? GUARD_LITERAL :
				    GUARD_TEXT;
				continue;
			}
			g->state = GUARD_TEXT;
			break;	/* look at c as text */
		default:
			break;
		}
		switch (c) {
		case '"':
			g->state = GUARD_QUOTED;
			break;
		case '{':
			g->state = GUARD_NUMBER;
			g->number = 0;
			break;
		case '(':
			if (++g->depth > NET_GUARD_MAX_DEPTH)
				return net_guard_refuse(g, _("parentheses "
				    "nested deeper than %llu"),
				    NET_GUARD_MAX_DEPTH);
			break;
		case ')':
			if (g->depth > 0)
				g->depth--;
			break;
		case '\n':
			net_guard_line_end(g);
			break;
		}
	}
	return NET_GUARD_OK;
}

enum net_guard_status
net_guard_eof(struct net_guard *g)
{
	if (g->kind == NET_GUARD_NONE)
		return NET_GUARD_OK;
	if (g->state == GUARD_REFUSED)
		return NET_GUARD_REFUSED;
	if (g->state == GUARD_LITERAL)
		return net_guard_refuse(g, _("the connection closed with "
		    "%llu bytes of a literal still to come"), g->literal);
	return NET_GUARD_OK;
}
