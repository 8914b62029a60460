/* render: one path from bytes to screen text for IMAP parts and whole
 * messages alike, so the pager and `skua render` cannot drift apart.
 * Sanitising comes last, after every decoding step that could bring
 * control characters back. */
#include "auto-config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <libetpan/libetpan.h>

#include "config.h"
#include "intl.h"
#include "mime-decode.h"
#include "mime-flowed.h"
#include "mime-header.h"
#include "mime-html.h"
#include "mime-message.h"
#include "mime-sanitize.h"
#include "mime-structure.h"
#include "render.h"
#include "xmalloc.h"

struct render_buf {
	char	*s;
	size_t	 len;
	size_t	 cap;
};

static void
render_add(struct render_buf *b, const char *s, size_t len)
{
	if (b->len + len + 1 > b->cap) {
		b->cap = b->cap == 0 ? 4096 : b->cap;
		while (b->len + len + 1 > b->cap)
			b->cap *= 2;
		b->s = xreallocarray(b->s, b->cap, 1);
	}
	memcpy(b->s + b->len, s, len);
	b->len += len;
	b->s[b->len] = '\0';
}

static void
render_line(struct render_buf *b, const char *s)
{
	render_add(b, s, strlen(s));
	render_add(b, "\n", 1);
}

static void
render_linef(struct render_buf *b, const char *fmt, ...)
{
	va_list	 ap;
	char	*s;

	va_start(ap, fmt);
	s = xvasprintf(fmt, ap);
	va_end(ap);
	render_line(b, s);
	free(s);
}

size_t
render_notes(uint32_t notes, const char **lines, size_t max)
{
	static const struct {
		uint32_t	 note;
		const char	*text;
	} table[] = {
		{ RENDER_NOTE_AS_TEXT, N_("[-- The MIME structure could not "
		    "be read; shown as plain text --]") },
		{ RENDER_NOTE_CUT, N_("[-- Part of this message was left "
		    "out: too large or nested too deep --]") },
		{ RENDER_NOTE_ENCRYPTED, N_("[-- This message is encrypted; "
		    "skua cannot decrypt it yet --]") },
		{ RENDER_NOTE_SIGNED, N_("[-- Signed; the signature was not "
		    "checked --]") },
		{ RENDER_NOTE_CHARSET_UNKNOWN, N_("[-- Unknown charset; "
		    "shown as UTF-8 --]") },
		{ RENDER_NOTE_HTML_COMMAND, N_("[-- HTML shown as text by "
		    "html_command --]") },
		{ RENDER_NOTE_FROM_HTML, N_("[-- HTML shown as text --]") },
		{ RENDER_NOTE_NO_TEXT, N_("[-- This message has no text "
		    "to show --]") },
	};
	size_t	i, n = 0;

	for (i = 0; i < sizeof table / sizeof table[0] && n < max; i++)
		if (notes & table[i].note)
			lines[n++] = _(table[i].text);
	return n;
}

void
render_size(char *buf, size_t len, uint64_t n)
{
	const double	k = 1024.0, m = k * 1024.0, g = m * 1024.0;

	if (n < 1024)
		snprintf(buf, len, "%llu", (unsigned long long)n);
	else if (n < 10 * 1024)
		snprintf(buf, len, "%.1fK", (double)n / k);
	else if (n < 1024 * 1024)
		snprintf(buf, len, "%.0fK", (double)n / k);
	else if (n < 10 * 1024 * 1024)
		snprintf(buf, len, "%.1fM", (double)n / m);
	else if (n < (uint64_t)1024 * 1024 * 1024)
		snprintf(buf, len, "%.0fM", (double)n / m);
	else
		snprintf(buf, len, "%.1fG", (double)n / g);
}

char *
render_attachment_line(size_t number, const char *name, const char *type,
    uint64_t size)
{
	char	s[32], *line, *shown;

	render_size(s, sizeof s, size);
	if (name != NULL && *name != '\0')
		line = xasprintf(_("[-- Attachment #%zu: %s (%s, %s) --]"),
		    number, name, type, s);
	else
		line = xasprintf(_("[-- Attachment #%zu (%s, %s) --]"), number,
		    type, s);
	/* Names and types come from the message. */
	shown = mime_sanitize(line, strlen(line), 0);
	free(line);
	return shown;
}

char *
render_part(const struct mime_part *p, const char *raw, size_t len,
    const struct render_opts *o, uint32_t *notes)
{
	char		*decoded = NULL, *text, *t, *shown;
	size_t		 dlen = 0;
	int		 unknown = 0;
	enum mime_html_how how;

	mime_decode_transfer(p->encoding, raw, len, &decoded, &dlen);
	text = mime_decode_charset(p->charset, decoded, dlen, &unknown);
	free(decoded);
	if (unknown)
		*notes |= RENDER_NOTE_CHARSET_UNKNOWN;
	if (strcmp(p->type, "text") == 0 && strcmp(p->subtype, "html") == 0) {
		t = mime_html_render(text, strlen(text), o->html_command,
		    o->width > 0 ? o->width : 80, &how);
		free(text);
		text = t;
		*notes |= how == MIME_HTML_BUILTIN ? RENDER_NOTE_FROM_HTML :
		    RENDER_NOTE_HTML_COMMAND;
	} else if (p->flags & MIME_PART_FLOWED) {
		t = mime_flowed_decode(text, strlen(text),
		    (p->flags & MIME_PART_DELSP) != 0);
		free(text);
		text = t;
	}
	shown = mime_sanitize(text, strlen(text), MIME_SANITIZE_KEEP_NEWLINES);
	free(text);
	return shown;
}

/* --- whole messages -------------------------------------------------- */

struct render_ctx {
	const struct mime_message	*msg;
	const struct render_opts	*opts;
	struct render_buf		*out;
	uint32_t			 notes;
	size_t				 number;	/* attachments so far */
	int				 listing;	/* last line: one */
	int				 depth;		/* inline messages */
};

/* A header's value for the screen, one line; NULL if absent. */
static char *
render_header_value(const struct mime_message *m, const struct mime_part *at,
    const char *name)
{
	char	*raw, *decoded, *shown;

	if ((raw = mime_message_header(m, at, name)) == NULL)
		return NULL;
	if (strcasecmp(name, "from") == 0 || strcasecmp(name, "to") == 0 ||
	    strcasecmp(name, "cc") == 0 || strcasecmp(name, "bcc") == 0 ||
	    strcasecmp(name, "reply-to") == 0 ||
	    strcasecmp(name, "sender") == 0)
		decoded = mime_header_addresses(raw, strlen(raw), NULL);
	else
		decoded = mime_header_decode(raw, strlen(raw), 0, NULL);
	free(raw);
	shown = mime_sanitize(decoded, strlen(decoded), 0);
	free(decoded);
	return shown;
}

/* The Date header as the pager writes dates (local time), or as sent. */
static char *
render_date(const char *v)
{
	struct mailimf_date_time	*dt = NULL;
	struct tm			 tm;
	time_t				 t;
	size_t				 indx = 0;
	char				 buf[64];
	long				 off;

	if (mailimf_date_time_parse(v, strlen(v), &indx, &dt) !=
	    MAILIMF_NO_ERROR || dt == NULL)
		return xstrdup(v);
	memset(&tm, 0, sizeof tm);
	tm.tm_year = dt->dt_year - 1900;
	tm.tm_mon = dt->dt_month - 1;
	tm.tm_mday = dt->dt_day;
	tm.tm_hour = dt->dt_hour;
	tm.tm_min = dt->dt_min;
	tm.tm_sec = dt->dt_sec;
	/* dt_zone is +hhmm as a number; anything past a day is garbage. */
	off = ((long)dt->dt_zone / 100) * 3600 + ((long)dt->dt_zone % 100) * 60;
	mailimf_date_time_free(dt);
	if (off < -86400 || off > 86400 || tm.tm_year < 0 ||
	    tm.tm_year > 8000 || tm.tm_hour > 24 || tm.tm_min > 60 ||
	    tm.tm_sec > 61)
		return xstrdup(v);
	if (tm.tm_mon < 0 || tm.tm_mon > 11 || tm.tm_mday < 1 ||
	    tm.tm_mday > 31 || (t = timegm(&tm)) == (time_t)-1)
		return xstrdup(v);
	t -= off;
	if (localtime_r(&t, &tm) == NULL ||
	    strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S %z", &tm) == 0)
		return xstrdup(v);
	return xstrdup(buf);
}

/* Whether s[0..len) can be a header's name (RFC 5322: printable ASCII
 * but ':'), so it is safe to print as a label. */
static int
render_header_is_name(const char *s, size_t len)
{
	size_t	i;

	for (i = 0; i < len; i++) {
		if (s[i] <= ' ' || s[i] > '~' || s[i] == ':')
			return 0;
	}
	return len > 0;
}

const char *
render_header_next(const char **list, size_t *len)
{
	const char	*start;

	if (*list == NULL)
		return NULL;
	for (;;) {
		start = *list + strspn(*list, " \t,");
		*len = strcspn(start, " \t,");
		*list = start + *len;
		if (*len == 0)
			return NULL;
		if (render_header_is_name(start, *len))
			return start;
	}
}

/* The headers the options name, in their order, as the pager shows them. */
static void
render_headers(struct render_ctx *c, const struct mime_part *at,
    const char *indent)
{
	const char	*list = c->opts->headers, *start;
	char		*name, *v, *d;
	size_t		 len;

	if (list == NULL)
		list = CONFIG_PAGER_HEADERS_DEFAULT;
	while ((start = render_header_next(&list, &len)) != NULL) {
		name = xstrndup(start, len);
		if ((v = render_header_value(c->msg, at, name)) == NULL) {
			free(name);
			continue;
		}
		if (strcasecmp(name, "Date") == 0) {
			d = render_date(v);
			free(v);
			v = d;
		}
		/* The labels stay English: they are the header names, as
		 * the configuration spells them. */
		render_linef(c->out, "%s%s: %s", indent, name, v);
		free(name);
		free(v);
	}
}

static void render_tree(struct render_ctx *, const struct mime_part *,
    const char *indent);

/* Each line of text, with indent in front. */
static void
render_indented(struct render_buf *b, const char *text, const char *indent)
{
	const char	*s = text, *nl;

	if (*indent == '\0') {
		render_add(b, text, strlen(text));
		if (b->len > 0 && b->s[b->len - 1] != '\n')
			render_add(b, "\n", 1);
		return;
	}
	while (*s != '\0') {
		nl = strchr(s, '\n');
		render_add(b, indent, strlen(indent));
		render_add(b, s, nl != NULL ? (size_t)(nl - s) : strlen(s));
		render_add(b, "\n", 1);
		if (nl == NULL)
			break;
		s = nl + 1;
	}
}

static void
render_text(struct render_ctx *c, const struct mime_part *p,
    const char *indent)
{
	const char	*raw;
	size_t		 len;
	char		*text;

	if (mime_message_body(c->msg, p, &raw, &len) != 0)
		return;
	text = render_part(p, raw, len, c->opts, &c->notes);
	render_indented(c->out, text, indent);
	free(text);
}

/* An attachment: a message shown inline (to inline_depth levels), the
 * rest as a line. */
static void
render_attachment(const struct mime_part *p, void *arg)
{
	struct render_ctx	*c = arg;
	char			*line, *type, *indent;

	c->number++;
	type = xasprintf("%s/%s", p->type, p->subtype);
	line = render_attachment_line(c->number + 1, p->name, type, p->size);
	free(type);
	/* A run of attachment lines is one block, as in the pager. */
	if (!c->listing)
		render_line(c->out, "");
	render_line(c->out, line);
	free(line);
	c->listing = 1;
	if (strcmp(p->type, "message") == 0 && p->nchildren > 0 &&
	    c->depth < c->opts->inline_depth) {
		c->listing = 0;
		c->depth++;
		indent = xasprintf("%*s", c->depth * 2, "");
		render_headers(c, p, indent);
		render_line(c->out, "");
		render_tree(c, p->children[0], indent);
		free(indent);
		c->depth--;
		c->listing = 0;
	}
}

static int
render_is(const struct mime_part *p, const char *type, const char *subtype)
{
	return strcmp(p->type, type) == 0 && strcmp(p->subtype, subtype) == 0;
}

static uint32_t
render_shape(const struct mime_part *p, int level)
{
	uint32_t	notes = 0;
	size_t		i;

	if (render_is(p, "multipart", "signed"))
		notes |= RENDER_NOTE_SIGNED;
	else if (render_is(p, "multipart", "encrypted") ||
	    render_is(p, "application", "pkcs7-mime") ||
	    render_is(p, "application", "x-pkcs7-mime"))
		notes |= RENDER_NOTE_ENCRYPTED;
	if (strcmp(p->type, "multipart") != 0 || level > 8)
		return notes;
	for (i = 0; i < p->nchildren; i++)
		notes |= render_shape(p->children[i], level + 1);
	return notes;
}

uint32_t
render_shape_notes(const struct mime_part *root)
{
	return render_shape(root, 0);
}

/* The text of a tree, then its attachments. */
static void
render_tree(struct render_ctx *c, const struct mime_part *root,
    const char *indent)
{
	const struct mime_part	*shown;
	struct render_buf	*saved = c->out, body = { NULL, 0, 0 };
	uint32_t		 outer = c->notes;
	const char		*lines[8];
	size_t			 n, i;

	/* Notes go above the text they are about: gather both first. */
	c->notes = 0;
	c->out = &body;
	c->notes |= render_shape_notes(root);
	if ((shown = mime_structure_display(root, c->opts->prefer_html)) !=
	    NULL)
		render_text(c, shown, indent);
	else
		c->notes |= RENDER_NOTE_NO_TEXT;
	c->out = saved;
	if (c->depth == 0)
		c->notes |= outer;
	n = render_notes(c->notes, lines, sizeof lines / sizeof lines[0]);
	for (i = 0; i < n; i++)
		render_linef(c->out, "%s%s", indent, lines[i]);
	if (body.s != NULL)
		render_add(c->out, body.s, body.len);
	free(body.s);
	c->notes = outer;
	c->listing = 0;
	mime_structure_attachments(root, render_attachment, c);
}

uint32_t
render_message_notes(const struct mime_message *m)
{
	unsigned	cuts = mime_message_cuts(m);
	uint32_t	notes = 0;

	if (cuts & (MIME_MESSAGE_REFUSED | MIME_MESSAGE_UNPARSED))
		notes |= RENDER_NOTE_AS_TEXT;
	if (cuts & (MIME_MESSAGE_CUT_HEADER | MIME_MESSAGE_CUT_PARTS))
		notes |= RENDER_NOTE_CUT;
	return notes;
}

char *
render_message(const char *buf, size_t len, const struct render_opts *o)
{
	struct mime_message	*m;
	struct render_buf	 out = { NULL, 0, 0 };
	struct render_ctx	 c;

	m = mime_message_parse(buf, len);
	memset(&c, 0, sizeof c);
	c.msg = m;
	c.opts = o;
	c.out = &out;
	c.notes = render_message_notes(m);
	render_headers(&c, NULL, "");
	render_line(&out, "");
	render_tree(&c, mime_message_root(m), "");
	mime_message_free(m);
	return out.s;
}

char *
render_forwarded(size_t number, const struct mime_part *p,
    const char *header, size_t hlen, const char *text,
    const struct render_opts *o)
{
	struct mime_message	*m;
	struct render_buf	 out = { NULL, 0, 0 };
	struct render_ctx	 c;
	char			*line, *type;

	type = xasprintf("%s/%s", p->type, p->subtype);
	line = render_attachment_line(number, p->name, type, p->size);
	free(type);
	render_line(&out, "");
	render_line(&out, line);
	free(line);
	memset(&c, 0, sizeof c);
	c.opts = o;
	c.out = &out;
	if (header != NULL) {
		/* The header block alone parses as a message without a body. */
		m = mime_message_parse(header, hlen);
		c.msg = m;
		render_headers(&c, NULL, "  ");
		mime_message_free(m);
		render_line(&out, "");
	}
	render_indented(&out, text, "  ");
	return out.s;
}
