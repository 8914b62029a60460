/* pop3-guard: POP3 has no framing but lines, so the guard follows the
 * conversation: it learns from each command the client sends which reply
 * comes next, and checks every reply line against it. Listings must number
 * messages 1, 2, ... up to STAT's count (libetpan writes out of bounds for
 * 0, loops for huge or negative numbers, and frees a NULL for a gap);
 * unique ids must be what RFC 1939 allows; lines and messages are bounded;
 * nothing may arrive unasked. */
#include "auto-config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "intl.h"
#include "pop3-guard.h"

/* What the next server bytes are. */
enum {
	EXPECT_GREETING,
	EXPECT_STATUS,	/* the reply's first line */
	EXPECT_BODY,	/* the lines of a multi-line reply, up to "." */
	EXPECT_NOTHING,	/* no command is waiting for a reply */
	EXPECT_CLOSE,	/* QUIT was answered */
};

enum {
	COMMAND_OTHER,
	COMMAND_AUTH,
	COMMAND_CAPA,
	COMMAND_LIST,
	COMMAND_QUIT,
	COMMAND_RETR,
	COMMAND_STAT,
	COMMAND_TOP,
	COMMAND_UIDL,
};

void
pop3_guard_init(struct pop3_guard *g)
{
	memset(g, 0, sizeof *g);
	g->expect = EXPECT_GREETING;
}

const char *
pop3_guard_reason(const struct pop3_guard *g)
{
	return g->reason;
}

int
pop3_guard_refused(const struct pop3_guard *g)
{
	return g->refused;
}

uint64_t
pop3_guard_count(const struct pop3_guard *g, int *known)
{
	*known = g->have_count;
	return g->have_count ? g->count : 0;
}

static enum pop3_guard_status
pop3_guard_refuse(struct pop3_guard *g, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(g->reason, sizeof g->reason, fmt, ap);
	va_end(ap);
	g->refused = 1;
	return POP3_GUARD_REFUSED;
}

static int
pop3_guard_command(const char *verb)
{
	static const struct {
		const char	*verb;
		int		 command;
	} verbs[] = {
		{ "AUTH", COMMAND_AUTH }, { "CAPA", COMMAND_CAPA },
		{ "LIST", COMMAND_LIST }, { "QUIT", COMMAND_QUIT },
		{ "RETR", COMMAND_RETR }, { "STAT", COMMAND_STAT },
		{ "TOP", COMMAND_TOP }, { "UIDL", COMMAND_UIDL },
	};
	size_t	i;

	for (i = 0; i < sizeof verbs / sizeof verbs[0]; i++) {
		if (strcmp(verb, verbs[i].verb) == 0)
			return verbs[i].command;
	}
	return COMMAND_OTHER;
}

/* A whole client line was sent: its reply is due. */
static void
pop3_guard_command_end(struct pop3_guard *g)
{
	g->verb[g->verb_len < sizeof g->verb ? g->verb_len : 0] = '\0';
	g->command = pop3_guard_command(g->verb);
	/* The greeting comes first, whatever the client says. */
	if (g->expect != EXPECT_GREETING)
		g->expect = EXPECT_STATUS;
	/* LIST n and UIDL n answer on one line. */
	if (g->client_argument && (g->command == COMMAND_LIST ||
	    g->command == COMMAND_UIDL))
		g->command = COMMAND_OTHER;
	/* A continuation line of AUTH may be a secret: keep none of it. */
	memset(g->verb, 0, sizeof g->verb);
	g->verb_len = 0;
	g->client_argument = 0;
	g->client_state = 0;
}

void
pop3_guard_client(struct pop3_guard *g, const void *buf, size_t len)
{
	const unsigned char	*p = buf, *end = p + len;
	unsigned char		 c;

	for (; p < end; p++) {
		c = *p;
		if (c == '\n') {
			pop3_guard_command_end(g);
			continue;
		}
		if (c == '\r')
			continue;
		switch (g->client_state) {
		case 0:		/* the verb */
			if (c == ' ')
				g->client_state = 1;
			else if (g->verb_len < sizeof g->verb - 1)
				g->verb[g->verb_len++] = c >= 'a' && c <= 'z' ?
				    c - 'a' + 'A' : c;
			else
				g->verb_len = sizeof g->verb;	/* unknown */
			break;
		case 1:		/* spaces after it */
			if (c != ' ') {
				g->client_argument = 1;
				g->client_state = 2;
			}
			break;
		default:
			break;
		}
	}
}

/* Read a decimal number without sign; *p moves past it. -1 if there are no
 * digits, -2 if it has more than ten. */
static int
pop3_guard_number(const char **p, uint64_t *out)
{
	const char	*s = *p;
	size_t		 n = 0;

	*out = 0;
	while (*s >= '0' && *s <= '9') {
		if (++n > 10)
			return -2;
		*out = *out * 10 + (uint64_t)(*s - '0');
		s++;
	}
	*p = s;
	return n == 0 ? -1 : 0;
}

static int
pop3_guard_is_space(char c)
{
	return c == ' ' || c == '\t';
}

/* The message number at the start of a listing line, checked against the
 * count: none of 0, negative, non-numeric or past STAT's count. */
static enum pop3_guard_status
pop3_guard_message_number(struct pop3_guard *g, const char **p,
    const char *what, uint64_t *n)
{
	uint64_t	limit;
	int		r;

	if (**p == '-')
		return pop3_guard_refuse(g, _("a negative message number in "
		    "the %s listing"), what);
	if ((r = pop3_guard_number(p, n)) == -1)
		return pop3_guard_refuse(g, _("a %s listing line that does not "
		    "start with a message number"), what);
	limit = g->have_count ? g->count : POP3_GUARD_MAX_MESSAGES;
	if (r == -2 || *n > limit) {
		if (g->have_count)
			return pop3_guard_refuse(g, _("message number %s%llu in "
			    "the %s listing, but STAT counted %llu"),
			    r == -2 ? ">" : "", (unsigned long long)*n, what,
			    (unsigned long long)g->count);
		return pop3_guard_refuse(g, _("message number %s%llu in the "
		    "%s listing"), r == -2 ? ">" : "", (unsigned long long)*n,
		    what);
	}
	if (*n == 0)
		return pop3_guard_refuse(g, _("message number 0 in the %s "
		    "listing (numbers start at 1)"), what);
	if (!pop3_guard_is_space(**p))
		return pop3_guard_refuse(g, _("a %s listing line that does not "
		    "start with a message number"), what);
	while (pop3_guard_is_space(**p))
		(*p)++;
	return POP3_GUARD_OK;
}

/* "n size": numbered 1, 2, ... with no gap (a gap leaves libetpan a NULL
 * it later frees). */
static enum pop3_guard_status
pop3_guard_list_line(struct pop3_guard *g, const char *line)
{
	const char	*p = line;
	uint64_t	 n, size;

	if (pop3_guard_message_number(g, &p, "LIST", &n) != POP3_GUARD_OK)
		return POP3_GUARD_REFUSED;
	if (n != g->last + 1)
		return pop3_guard_refuse(g, _("message number %llu in the LIST "
		    "listing where %llu was due"), (unsigned long long)n,
		    (unsigned long long)g->last + 1);
	if (pop3_guard_number(&p, &size) != 0 || size > UINT32_MAX ||
	    (*p != '\0' && !pop3_guard_is_space(*p)))
		return pop3_guard_refuse(g, _("a LIST line whose size is not "
		    "a number of bytes"));
	g->last = n;
	return POP3_GUARD_OK;
}

/* "n unique-id": numbers rising, ids of 1 to 70 printable characters. */
static enum pop3_guard_status
pop3_guard_uidl_line(struct pop3_guard *g, const char *line)
{
	const char	*p = line, *id;
	uint64_t	 n;

	if (pop3_guard_message_number(g, &p, "UIDL", &n) != POP3_GUARD_OK)
		return POP3_GUARD_REFUSED;
	if (n <= g->last)
		return pop3_guard_refuse(g, _("message number %llu in the UIDL "
		    "listing after %llu"), (unsigned long long)n,
		    (unsigned long long)g->last);
	for (id = p; *p > 0x20 && *p < 0x7f; p++)
		;
	if (p == id || p - id > POP3_GUARD_MAX_UIDL || *p != '\0')
		return pop3_guard_refuse(g, _("a unique id (UIDL) for message "
		    "%llu that is empty, longer than %d characters or not "
		    "printable ASCII"), (unsigned long long)n,
		    POP3_GUARD_MAX_UIDL);
	g->last = n;
	return POP3_GUARD_OK;
}

/* "+OK count size". */
static enum pop3_guard_status
pop3_guard_stat_line(struct pop3_guard *g, const char *text)
{
	const char	*p = text;
	uint64_t	 count, size;

	while (pop3_guard_is_space(*p))
		p++;
	if (pop3_guard_number(&p, &count) == -1 || !pop3_guard_is_space(*p))
		return pop3_guard_refuse(g, _("a STAT reply without a message "
		    "count and size"));
	if (count > POP3_GUARD_MAX_MESSAGES)
		return pop3_guard_refuse(g, _("a STAT count of more than %llu "
		    "messages"), (unsigned long long)POP3_GUARD_MAX_MESSAGES);
	while (pop3_guard_is_space(*p))
		p++;
	if (pop3_guard_number(&p, &size) == -1)
		return pop3_guard_refuse(g, _("a STAT reply without a message "
		    "count and size"));
	g->count = count;
	g->have_count = 1;
	return POP3_GUARD_OK;
}

static int
pop3_guard_multiline(int command)
{
	return command == COMMAND_CAPA || command == COMMAND_LIST ||
	    command == COMMAND_RETR || command == COMMAND_TOP ||
	    command == COMMAND_UIDL;
}

/* The first line of a reply. */
static enum pop3_guard_status
pop3_guard_status_line(struct pop3_guard *g, const char *line)
{
	if (strncmp(line, "+OK", 3) == 0) {
		if (g->command == COMMAND_STAT &&
		    pop3_guard_stat_line(g, line + 3) != POP3_GUARD_OK)
			return POP3_GUARD_REFUSED;
		g->body = 0;
		g->last = 0;
		if (pop3_guard_multiline(g->command))
			g->expect = EXPECT_BODY;
		else if (g->command == COMMAND_QUIT)
			g->expect = EXPECT_CLOSE;
		else
			g->expect = EXPECT_NOTHING;
		return POP3_GUARD_OK;
	}
	if (strncmp(line, "-ERR", 4) == 0 || (line[0] == '+' &&
	    (line[1] == ' ' || line[1] == '\0') &&
	    (g->command == COMMAND_AUTH || g->command == COMMAND_OTHER))) {
		/* A SASL challenge is answered by a line of the client's. */
		g->expect = EXPECT_NOTHING;
		return POP3_GUARD_OK;
	}
	return pop3_guard_refuse(g, _("a reply that is neither +OK nor -ERR"));
}

/* A whole server line is in: line_len bytes, of which kept are in line. */
static enum pop3_guard_status
pop3_guard_line_end(struct pop3_guard *g)
{
	char	*line = g->line;
	size_t	 len = g->kept;

	/* As libetpan reads it: without the LF, then without one CR. */
	if (len > 0 && line[len - 1] == '\n')
		len--;
	if (len > 0 && line[len - 1] == '\r')
		len--;
	line[len] = '\0';
	/* Only the start of a message line is kept, enough to see ".". */
	if (g->line_len != g->kept)
		line[0] = '\0';

	switch (g->expect) {
	case EXPECT_GREETING:
		if (strncmp(line, "+OK", 3) != 0 &&
		    strncmp(line, "-ERR", 4) != 0)
			return pop3_guard_refuse(g, _("a greeting that is "
			    "neither +OK nor -ERR"));
		g->expect = EXPECT_NOTHING;
		return POP3_GUARD_OK;
	case EXPECT_STATUS:
		return pop3_guard_status_line(g, line);
	case EXPECT_BODY:
		if (strcmp(line, ".") == 0) {
			g->expect = EXPECT_NOTHING;
			return POP3_GUARD_OK;
		}
		if (g->command == COMMAND_LIST)
			return pop3_guard_list_line(g, line);
		if (g->command == COMMAND_UIDL)
			return pop3_guard_uidl_line(g, line);
		return POP3_GUARD_OK;
	default:
		return POP3_GUARD_OK;
	}
}

enum pop3_guard_status
pop3_guard_server(struct pop3_guard *g, const void *buf, size_t len)
{
	const char	*p = buf, *end = p + len, *nl;
	uint64_t	 limit;
	size_t		 n, keep, room, cap;
	int		 message;

	if (g->refused)
		return POP3_GUARD_REFUSED;
	while (p < end) {
		if (g->expect == EXPECT_CLOSE)
			return POP3_GUARD_OK;	/* after QUIT: nothing matters */
		if (g->expect == EXPECT_NOTHING)
			return pop3_guard_refuse(g, _("data the client did not "
			    "ask for"));
		nl = memchr(p, '\n', (size_t)(end - p));
		n = nl != NULL ? (size_t)(nl + 1 - p) : (size_t)(end - p);
		message = g->expect == EXPECT_BODY &&
		    (g->command == COMMAND_RETR || g->command == COMMAND_TOP);
		limit = message ? POP3_GUARD_MAX_BODY_LINE : POP3_GUARD_MAX_LINE;
		if (g->line_len + n > limit)
			return pop3_guard_refuse(g, message ? _("a message line "
			    "longer than %llu bytes") : _("a reply line longer "
			    "than %llu bytes"), (unsigned long long)limit);
		if (g->expect == EXPECT_BODY) {
			g->body += n;
			if (message && g->body > POP3_GUARD_MAX_MESSAGE)
				return pop3_guard_refuse(g, _("a message larger "
				    "than %llu bytes"), (unsigned long long)
				    POP3_GUARD_MAX_MESSAGE);
			if (g->command == COMMAND_CAPA &&
			    g->body > POP3_GUARD_MAX_CAPA)
				return pop3_guard_refuse(g, _("a capability list "
				    "longer than %llu bytes"),
				    (unsigned long long)POP3_GUARD_MAX_CAPA);
		}
		/* Keep the whole line, but of a message line only its start. */
		cap = message ? 3 : POP3_GUARD_MAX_LINE;
		room = g->kept < cap ? cap - g->kept : 0;
		keep = n < room ? n : room;
		memcpy(g->line + g->kept, p, keep);
		g->kept += keep;
		g->line_len += n;
		p += n;
		if (nl == NULL)
			break;
		if (pop3_guard_line_end(g) != POP3_GUARD_OK)
			return POP3_GUARD_REFUSED;
		g->line_len = 0;
		g->kept = 0;
	}
	return POP3_GUARD_OK;
}

enum pop3_guard_status
pop3_guard_eof(struct pop3_guard *g)
{
	if (g->refused)
		return POP3_GUARD_REFUSED;
	if (g->expect == EXPECT_CLOSE)
		return POP3_GUARD_OK;
	return pop3_guard_refuse(g, _("the server closed the connection"));
}
