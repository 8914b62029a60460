/* compose: drafts are parsed here rather than with libetpan's mailimf,
 * which takes 8-bit names apart and cannot say what is wrong in words a
 * user can act on; and messages are built here so that what goes out is
 * exactly what skua chose: encoded words only where needed, folding, the
 * lightest transfer encoding that is safe. */
#include "auto-config.h"

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/rand.h>

#include "compose.h"
#include "utf8.h"
#include "xmalloc.h"

/* Header lines are folded before this many columns. */
#define COMPOSE_FOLD		78
/* An encoded word is at most 75 characters (RFC 2047 2). */
#define COMPOSE_WORD_MAX	75
/* Longest line SMTP carries (RFC 5321 4.5.3.1.6), without CRLF. */
#define COMPOSE_LINE_MAX	998
/* Attachments larger than this are refused (a mistake, not a mail). */
#define COMPOSE_ATTACH_MAX	(64 * 1024 * 1024)
/* A sniffed file is read this far. */
#define COMPOSE_SNIFF		4096

/* A growing byte buffer, always NUL-terminated. */
struct compose_buf {
	char	*s;
	size_t	 len;
	size_t	 size;
};

static void
compose_add(struct compose_buf *b, const void *p, size_t len)
{
	size_t	size;

	if (b->size - b->len <= len) {
		size = b->size == 0 ? 256 : b->size;
		while (size - b->len <= len) {
			if (size > SIZE_MAX / 2)
				fatal("%s: message too large", __func__);
			size *= 2;
		}
		b->s = xreallocarray(b->s, size, 1);
		b->size = size;
	}
	memcpy(b->s + b->len, p, len);
	b->len += len;
	b->s[b->len] = '\0';
}

static void
compose_adds(struct compose_buf *b, const char *s)
{
	compose_add(b, s, strlen(s));
}

static void
compose_addc(struct compose_buf *b, char c)
{
	compose_add(b, &c, 1);
}

static char *
compose_finish(struct compose_buf *b)
{
	return b->s != NULL ? b->s : xstrdup("");
}

static void
compose_list_clear(struct compose_list *l)
{
	size_t	i;

	for (i = 0; i < l->n; i++) {
		free(l->v[i].name);
		free(l->v[i].addr);
	}
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

static void
compose_list_add(struct compose_list *l, char *name, char *addr)
{
	l->v = xreallocarray(l->v, l->n + 1, sizeof *l->v);
	l->v[l->n].name = name;
	l->v[l->n].addr = addr;
	l->n++;
}

void
compose_free(struct compose *c)
{
	size_t	i;

	if (c == NULL)
		return;
	compose_list_clear(&c->from);
	compose_list_clear(&c->to);
	compose_list_clear(&c->cc);
	compose_list_clear(&c->bcc);
	compose_list_clear(&c->reply_to);
	free(c->subject);
	free(c->in_reply_to);
	free(c->references);
	for (i = 0; i < c->nattach; i++)
		free(c->attach[i]);
	free(c->attach);
	free(c->body);
	free(c);
}

/* An ASCII letter or digit, whatever the locale says of other bytes. */
static int
compose_is_alnum(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9');
}

/* RFC 5322 atext, ASCII only. */
static int
compose_is_atext(unsigned char c)
{
	return compose_is_alnum(c) || (c != '\0' &&
	    strchr("!#$%&'*+-/=?^_`{|}~", c) != NULL);
}

static int
compose_is_ascii(const char *s, size_t len)
{
	size_t	i;

	for (i = 0; i < len; i++)
		if ((unsigned char)s[i] >= 0x80)
			return 0;
	return 1;
}

/* A dot-atom: atext runs joined by single dots. */
static int
compose_is_dot_atom(const char *s, size_t len)
{
	size_t	i;

	if (len == 0 || s[0] == '.' || s[len - 1] == '.')
		return 0;
	for (i = 0; i < len; i++) {
		if (s[i] == '.') {
			if (s[i + 1] == '.')
				return 0;
		} else if (!compose_is_atext((unsigned char)s[i]))
			return 0;
	}
	return 1;
}

/* Why addr cannot go into an envelope, or NULL when it can. */
static const char *
compose_check_addr(const char *addr)
{
	const char	*at;
	size_t		 i, len = strlen(addr);

	if (!compose_is_ascii(addr, len))
		return "non-ASCII addresses (SMTPUTF8) are not supported";
	if (len > 254)
		return "the address is longer than 254 characters";
	if ((at = strrchr(addr, '@')) == NULL)
		return "there is no @ in it";
	if (at == addr)
		return "nothing before the @";
	if (at[1] == '\0')
		return "no domain after the @";
	if (addr[0] == '"') {
		/* A quoted local part: printable, escapes kept as typed. */
		if (at - addr < 2 || at[-1] != '"')
			return "the quoted local part is not closed";
		for (i = 1; addr + i < at - 1; i++)
			if ((unsigned char)addr[i] < 0x20 ||
			    addr[i] == 0x7f)
				return "control characters in the address";
	} else if (!compose_is_dot_atom(addr, at - addr))
		return "the part before the @ has characters that need "
		    "quoting";
	if (at[1] == '[') {
		if (addr[len - 1] != ']' || strpbrk(at + 2, "[\\ ") != NULL)
			return "the domain literal is malformed";
	} else if (!compose_is_dot_atom(at + 1, strlen(at + 1)) ||
	    strchr(at + 1, '.') == NULL)
		return "the domain is not a valid host name";
	return NULL;
}

/* White space collapsed to one space, trimmed; NULL when empty. */
static char *
compose_squeeze(const char *s, size_t len)
{
	struct compose_buf	b = { NULL, 0, 0 };
	size_t			i;
	int			space = 0;

	for (i = 0; i < len; i++) {
		if (s[i] == ' ' || s[i] == '\t') {
			space = 1;
			continue;
		}
		if (space && b.len > 0)
			compose_addc(&b, ' ');
		space = 0;
		compose_addc(&b, s[i]);
	}
	return b.s;
}

/*
 * An address list as people type it: "Name <a@b>", a@b, "Quoted, Name"
 * <a@b>, (comments) dropped, and empty groups "name:;". 0, or -1 with
 * *why (a static string) and *what (the item, caller frees).
 */
static int
compose_parse_list(const char *s, struct compose_list *l, const char **why,
    char **what)
{
	struct compose_buf	 phrase;
	const char		*start, *p = s, *lt;
	char			*addr, *name;
	int			 depth, quoted;

	while (*p != '\0') {
		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		if (*p == '\0')
			break;
		start = p;
		memset(&phrase, 0, sizeof phrase);
		addr = NULL;
		quoted = 0;
		lt = NULL;
		while (*p != '\0' && *p != ',') {
			if (*p == '"') {
				quoted = 1;
				for (p++; *p != '\0' && *p != '"'; p++) {
					if (*p == '\\' && p[1] != '\0')
						p++;
					compose_addc(&phrase, *p);
				}
				if (*p == '\0') {
					*why = "a quote is not closed";
					goto fail;
				}
				p++;
			} else if (*p == '(') {
				for (depth = 0; *p != '\0'; p++) {
					if (*p == '\\' && p[1] != '\0')
						p++;
					else if (*p == '(')
						depth++;
					else if (*p == ')' && --depth == 0)
						break;
				}
				if (*p == '\0') {
					*why = "a comment is not closed";
					goto fail;
				}
				p++;
				compose_addc(&phrase, ' ');
			} else if (*p == '<') {
				if (addr != NULL) {
					*why = "two <addresses> in one item "
					    "(a comma missing?)";
					goto fail;
				}
				lt = ++p;
				while (*p != '\0' && *p != '>')
					p++;
				if (*p == '\0') {
					*why = "a < is not closed with >";
					goto fail;
				}
				addr = xstrndup(lt, p - lt);
				p++;
			} else if (*p == ':' && addr == NULL) {
				/* A group: only the empty one is allowed. */
				for (p++; *p == ' ' || *p == '\t'; p++)
					;
				if (*p != ';') {
					*why = "only empty groups (\"name:;\") "
					    "are supported";
					goto fail;
				}
				p++;
				name = compose_squeeze(phrase.s != NULL ?
				    phrase.s : "", phrase.len);
				if (name == NULL) {
					*why = "a group needs a name";
					goto fail;
				}
				free(phrase.s);
				compose_list_add(l, name, NULL);
				goto next;
			} else if (*p == '>' || *p == ';') {
				*why = "a stray > or ;";
				goto fail;
			} else {
				if (addr != NULL && *p != ' ' && *p != '\t') {
					*why = "text after the <address>";
					goto fail;
				}
				compose_addc(&phrase, *p);
				p++;
			}
		}
		name = compose_squeeze(phrase.s != NULL ? phrase.s : "",
		    phrase.len);
		free(phrase.s);
		if (addr == NULL) {
			/* A bare address: no spaces, no quoted name. */
			if (name == NULL || quoted || strchr(name, ' ')) {
				free(name);
				*why = "not an address (write Name <address>)";
				*what = xstrndup(start, p - start);
				return -1;
			}
			addr = name;
			name = NULL;
		} else {
			char	*t = compose_squeeze(addr, strlen(addr));

			free(addr);
			addr = t != NULL ? t : xstrdup("");
		}
		if ((*why = compose_check_addr(addr)) != NULL) {
			*what = xstrdup(addr);
			free(addr);
			free(name);
			return -1;
		}
		compose_list_add(l, name, addr);
next:
		;
	}
	return 0;

fail:
	free(phrase.s);
	free(addr);
	*what = xstrndup(start, strcspn(start, ","));
	return -1;
}

/* A list of message ids "<a@b> <c@d>", normalised; -1 when it is not. */
static int
compose_parse_ids(const char *s, char **out)
{
	struct compose_buf	 b = { NULL, 0, 0 };
	const char		*p = s, *end;

	while (*p != '\0') {
		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		if (*p == '\0')
			break;
		if (*p != '<' || (end = strchr(p, '>')) == NULL ||
		    end - p < 3 || memchr(p + 1, '<', end - p - 1) != NULL ||
		    strcspn(p, " \t") < (size_t)(end - p) ||
		    !compose_is_ascii(p, end - p)) {
			free(b.s);
			return -1;
		}
		if (b.len > 0)
			compose_addc(&b, ' ');
		compose_add(&b, p, end - p + 1);
		p = end + 1;
	}
	*out = b.s;
	return 0;
}

/* A path as typed: "~/" is $HOME. */
static char *
compose_expand(const char *path)
{
	const char	*home = getenv("HOME");

	if (path[0] == '~' && path[1] == '/' && home != NULL)
		return xasprintf("%s%s", home, path + 1);
	return xstrdup(path);
}

/* One header of the draft (value unfolded) into c; -1 with *error. */
static int
compose_parse_field(struct compose *c, const char *name, const char *value,
    size_t line, char **error)
{
	struct compose_list	*l = NULL;
	const char		*why = NULL;
	char			*what = NULL, *path, **slot = NULL;
	size_t			 i;

	for (i = 0; value[i] != '\0'; i++) {
		if ((unsigned char)value[i] < 0x20 && value[i] != '\t') {
			*error = xasprintf("line %zu: %s: control characters "
			    "are not allowed", line, name);
			return -1;
		}
	}
	if (strcasecmp(name, "From") == 0)
		l = &c->from;
	else if (strcasecmp(name, "To") == 0)
		l = &c->to;
	else if (strcasecmp(name, "Cc") == 0)
		l = &c->cc;
	else if (strcasecmp(name, "Bcc") == 0)
		l = &c->bcc;
	else if (strcasecmp(name, "Reply-To") == 0)
		l = &c->reply_to;
	else if (strcasecmp(name, "Subject") == 0)
		slot = &c->subject;
	else if (strcasecmp(name, "In-Reply-To") == 0 ||
	    strcasecmp(name, "References") == 0) {
		slot = strcasecmp(name, "References") == 0 ? &c->references :
		    &c->in_reply_to;
		if (*slot != NULL) {
			*error = xasprintf("line %zu: %s given twice", line,
			    name);
			return -1;
		}
		if (compose_parse_ids(value, slot) != 0) {
			*error = xasprintf("line %zu: %s: not a list of "
			    "<message-id>s", line, name);
			return -1;
		}
		return 0;
	} else if (strcasecmp(name, "Attach") == 0) {
		if ((path = compose_squeeze(value, strlen(value))) == NULL)
			return 0;
		what = compose_expand(path);
		free(path);
		if (access(what, R_OK) != 0) {
			*error = xasprintf("line %zu: Attach: %s: %s", line,
			    what, strerror(errno));
			free(what);
			return -1;
		}
		c->attach = xreallocarray(c->attach, c->nattach + 1,
		    sizeof *c->attach);
		c->attach[c->nattach++] = what;
		return 0;
	} else {
		*error = xasprintf("line %zu: unknown header \"%s\" (known: "
		    "From, To, Cc, Bcc, Subject, Reply-To, In-Reply-To, "
		    "References, Attach)", line, name);
		return -1;
	}
	if (slot != NULL) {
		if (*slot != NULL) {
			*error = xasprintf("line %zu: %s given twice", line,
			    name);
			return -1;
		}
		*slot = compose_squeeze(value, strlen(value));
		return 0;
	}
	if (compose_parse_list(value, l, &why, &what) != 0) {
		*error = xasprintf("line %zu: %s: \"%s\": %s", line, name,
		    what != NULL ? what : "", why);
		free(what);
		return -1;
	}
	return 0;
}

int
compose_parse(const char *text, size_t len, struct compose **out,
    char **error)
{
	struct compose		*c;
	struct compose_buf	 value = { NULL, 0, 0 };
	const char		*p, *end, *eol, *colon;
	char			*name = NULL;
	size_t			 line = 0, name_line = 0, n;

	*out = NULL;
	*error = NULL;
	if (text == NULL) {
		text = "";
		len = 0;
	}
	if (len > 0 && memchr(text, '\0', len) != NULL) {
		*error = xstrdup("the draft contains NUL bytes");
		return -1;
	}
	if (len > 0 && !utf8_is_valid(text, len)) {
		*error = xstrdup("the draft is not valid UTF-8");
		return -1;
	}
	c = xcalloc(1, sizeof *c);
	p = text;
	end = text + len;
	while (p < end) {
		line++;
		if ((eol = memchr(p, '\n', end - p)) == NULL)
			eol = end;
		n = eol - p;
		if (n > 0 && p[n - 1] == '\r')
			n--;
		if (n > 0 && (p[0] == ' ' || p[0] == '\t')) {
			if (name == NULL) {
				*error = xasprintf("line %zu: a continuation "
				    "line with no header before it", line);
				goto fail;
			}
			compose_add(&value, p, n);
			p = eol < end ? eol + 1 : end;
			continue;
		}
		if (name != NULL) {
			if (compose_parse_field(c, name, value.s != NULL ?
			    value.s : "", name_line, error) != 0)
				goto fail;
			free(name);
			name = NULL;
			value.len = 0;
			if (value.s != NULL)
				value.s[0] = '\0';
		}
		if (n == 0) {
			p = eol < end ? eol + 1 : end;
			break;
		}
		colon = memchr(p, ':', n);
		if (colon == NULL || colon == p ||
		    strcspn(p, " \t:") < (size_t)(colon - p)) {
			*error = xasprintf("line %zu: not a header line (the "
			    "headers end at the first empty line)", line);
			goto fail;
		}
		name = xstrndup(p, colon - p);
		name_line = line;
		compose_add(&value, colon + 1, n - (colon + 1 - p));
		p = eol < end ? eol + 1 : end;
	}
	if (name != NULL && compose_parse_field(c, name, value.s != NULL ?
	    value.s : "", name_line, error) != 0)
		goto fail;
	free(name);
	free(value.s);
	if (c->from.n > 1 || (c->from.n == 1 && c->from.v[0].addr == NULL)) {
		*error = xstrdup("From: give exactly one address");
		compose_free(c);
		return -1;
	}
	c->body_len = end - p;
	c->body = xstrndup(p, c->body_len);
	*out = c;
	return 0;

fail:
	free(name);
	free(value.s);
	compose_free(c);
	return -1;
}

/* Collect each bare address once, in order. */
static void
compose_collect(const struct compose_list *l, char ***v, size_t *n)
{
	size_t	i, j;

	for (i = 0; i < l->n; i++) {
		if (l->v[i].addr == NULL)
			continue;
		for (j = 0; j < *n; j++)
			if (strcasecmp((*v)[j], l->v[i].addr) == 0)
				break;
		if (j < *n)
			continue;
		*v = xreallocarray(*v, *n + 1, sizeof **v);
		(*v)[(*n)++] = xstrdup(l->v[i].addr);
	}
}

void
compose_recipients(const struct compose *c, char ***addrs, size_t *n)
{
	*addrs = NULL;
	*n = 0;
	compose_collect(&c->to, addrs, n);
	compose_collect(&c->cc, addrs, n);
	compose_collect(&c->bcc, addrs, n);
}

void
compose_recipients_free(char **v, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

const char *
compose_sender(const struct compose *c)
{
	return c->from.n == 1 ? c->from.v[0].addr : NULL;
}

/* --- building: headers ---------------------------------------------- */

/* A header being written, folded at spaces before COMPOSE_FOLD. */
struct compose_header {
	struct compose_buf	*b;
	size_t			 col;
	int			 first;		/* no token yet */
};

static void
compose_header_start(struct compose_header *h, struct compose_buf *b,
    const char *name)
{
	h->b = b;
	compose_adds(b, name);
	compose_adds(b, ": ");
	h->col = strlen(name) + 2;
	h->first = 1;
}

/* A token, after a space (a fold if it does not fit) unless first. */
static void
compose_header_token(struct compose_header *h, const char *tok, size_t len)
{
	if (!h->first) {
		if (h->col + 1 + len >= COMPOSE_FOLD) {
			compose_adds(h->b, "\r\n ");
			h->col = 1;
		} else {
			compose_addc(h->b, ' ');
			h->col++;
		}
	}
	compose_add(h->b, tok, len);
	h->col += len;
	h->first = 0;
}

static void
compose_header_end(struct compose_header *h)
{
	compose_adds(h->b, "\r\n");
}

/* Characters an encoded word in a phrase may hold as they are (RFC 2047
 * 5(3)); the smallest set, safe in every header. */
static int
compose_q_plain(unsigned char c)
{
	return compose_is_alnum(c) || c == '!' || c == '*' || c == '+' ||
	    c == '-' || c == '/';
}

/* Encode len bytes of UTF-8 as "=?utf-8?q?...?=" words of at most
 * COMPOSE_WORD_MAX characters, never splitting a character. */
static void
compose_header_encoded(struct compose_header *h, const char *s, size_t len)
{
	struct compose_buf	 w = { NULL, 0, 0 };
	size_t			 i, used, k, need;
	char			 hex[4];

	i = 0;
	while (i < len) {
		w.len = 0;
		compose_adds(&w, "=?utf-8?q?");
		while (i < len) {
			if (utf8_decode((const unsigned char *)s + i,
			    len - i, &used) < 0)
				used = 1;
			need = 0;
			for (k = 0; k < used; k++)
				need += s[i + k] == ' ' ||
				    compose_q_plain(s[i + k]) ? 1 : 3;
			if (w.len + need + 2 > COMPOSE_WORD_MAX && w.len > 10)
				break;
			for (k = 0; k < used; k++) {
				unsigned char	c = s[i + k];

				if (c == ' ')
					compose_addc(&w, '_');
				else if (compose_q_plain(c))
					compose_addc(&w, c);
				else {
					snprintf(hex, sizeof hex, "=%02X", c);
					compose_adds(&w, hex);
				}
			}
			i += used;
		}
		compose_adds(&w, "?=");
		compose_header_token(h, w.s, w.len);
	}
	free(w.s);
}

/* Whether a word of unstructured text (or of a phrase) must be encoded. */
static int
compose_word_needs(const char *s, size_t len, int phrase)
{
	size_t	i;

	for (i = 0; i < len; i++) {
		if ((unsigned char)s[i] >= 0x80)
			return 1;
		if (phrase && !compose_is_atext((unsigned char)s[i]))
			return 1;
		if (s[i] == '=' && i + 1 < len && s[i + 1] == '?')
			return 1;
	}
	return 0;
}

/* Words of s: plain ones as they are, runs of ones that need it as
 * encoded words (the spaces between them inside, as "_"). */
static void
compose_header_words(struct compose_header *h, const char *s, int phrase)
{
	const char	*p = s, *w, *run = NULL, *run_end = NULL;
	size_t		 n;

	for (;;) {
		while (*p == ' ' || *p == '\t')
			p++;
		w = p;
		n = strcspn(p, " \t");
		p += n;
		if (n > 0 && compose_word_needs(w, n, phrase)) {
			if (run == NULL)
				run = w;
			run_end = w + n;
			continue;
		}
		if (run != NULL) {
			compose_header_encoded(h, run, run_end - run);
			run = NULL;
		}
		if (n == 0)
			break;
		compose_header_token(h, w, n);
	}
}

/* A display name: as atoms, a quoted string, or encoded words. */
static void
compose_header_phrase(struct compose_header *h, const char *name)
{
	struct compose_buf	 q = { NULL, 0, 0 };
	const char		*p;

	if (!compose_is_ascii(name, strlen(name)) || strstr(name, "=?")) {
		compose_header_words(h, name, 1);
		return;
	}
	for (p = name; *p != '\0'; p++)
		if (*p != ' ' && !compose_is_atext((unsigned char)*p))
			break;
	if (*p == '\0') {
		compose_header_words(h, name, 0);
		return;
	}
	compose_addc(&q, '"');
	for (p = name; *p != '\0'; p++) {
		if (*p == '"' || *p == '\\')
			compose_addc(&q, '\\');
		compose_addc(&q, *p);
	}
	compose_addc(&q, '"');
	compose_header_token(h, q.s, q.len);
	free(q.s);
}

/* Fold before a named address that would not fit, but fits a line of
 * its own: "Name <addr>" stays together where it can. */
static void
compose_header_keep(struct compose_header *h, const char *name, size_t rest)
{
	struct compose_buf	tmp = { NULL, 0, 0 };
	struct compose_header	t;

	t.b = &tmp;
	t.col = 0;
	t.first = 1;
	compose_header_phrase(&t, name);
	if (!h->first && memchr(tmp.s, '\n', tmp.len) == NULL &&
	    h->col + 1 + tmp.len + 1 + rest >= COMPOSE_FOLD &&
	    1 + tmp.len + 1 + rest < COMPOSE_FOLD) {
		compose_adds(h->b, "\r\n ");
		h->col = 1;
		h->first = 1;
	}
	free(tmp.s);
	compose_header_phrase(h, name);
}

static void
compose_header_list(struct compose_buf *b, const char *field,
    const struct compose_list *l)
{
	struct compose_header	 h;
	char			*tok;
	size_t			 i;

	if (l->n == 0)
		return;
	compose_header_start(&h, b, field);
	for (i = 0; i < l->n; i++) {
		const char	*sep = i + 1 < l->n ? "," : "";

		if (l->v[i].addr == NULL) {
			tok = xasprintf(":;%s", sep);
			compose_header_phrase(&h, l->v[i].name);
			/* The colon goes right after the name. */
			compose_adds(b, tok);
			h.col += strlen(tok);
			free(tok);
			continue;
		}
		if (l->v[i].name != NULL) {
			tok = xasprintf("<%s>%s", l->v[i].addr, sep);
			compose_header_keep(&h, l->v[i].name, strlen(tok));
		} else
			tok = xasprintf("%s%s", l->v[i].addr, sep);
		compose_header_token(&h, tok, strlen(tok));
		free(tok);
	}
	compose_header_end(&h);
}

static void
compose_header_text(struct compose_buf *b, const char *field,
    const char *value)
{
	struct compose_header	h;

	compose_header_start(&h, b, field);
	compose_header_words(&h, value, 0);
	compose_header_end(&h);
}

/* RFC 5322 date in local time, English names whatever the locale. */
static void
compose_header_date(struct compose_buf *b, time_t t)
{
	static const char	*days[] = { "Sun", "Mon", "Tue", "Wed", "Thu",
				    "Fri", "Sat" };
	static const char	*months[] = { "Jan", "Feb", "Mar", "Apr",
				    "May", "Jun", "Jul", "Aug", "Sep", "Oct",
				    "Nov", "Dec" };
	struct tm		 tm;
	long			 off;
	char			*s;

	if (localtime_r(&t, &tm) == NULL)
		fatal("%s: localtime failed", __func__);
	off = tm.tm_gmtoff / 60;
	s = xasprintf("Date: %s, %d %s %d %02d:%02d:%02d %c%02ld%02ld\r\n",
	    days[tm.tm_wday % 7], tm.tm_mday, months[tm.tm_mon % 12],
	    tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec,
	    off < 0 ? '-' : '+', labs(off) / 60, labs(off) % 60);
	compose_adds(b, s);
	free(s);
}

static void
compose_random_hex(char *out, size_t bytes)
{
	unsigned char	r[32];
	size_t		i;

	if (bytes > sizeof r || RAND_bytes(r, bytes) != 1)
		fatal("%s: RAND_bytes failed", __func__);
	for (i = 0; i < bytes; i++)
		snprintf(out + 2 * i, 3, "%02x", r[i]);
}

/* A header that may be long but has no spaces to fold at inside tokens:
 * message id lists. */
static void
compose_header_ids(struct compose_buf *b, const char *field, const char *ids)
{
	struct compose_header	h;

	compose_header_start(&h, b, field);
	compose_header_words(&h, ids, 0);
	compose_header_end(&h);
}

/* --- building: bodies ------------------------------------------------ */

/* What a text needs: 8-bit bytes, and its longest line. */
static void
compose_scan(const char *s, size_t len, int *eight, size_t *longest)
{
	size_t	i, col = 0;

	*eight = 0;
	*longest = 0;
	for (i = 0; i < len; i++) {
		if ((unsigned char)s[i] >= 0x80)
			*eight = 1;
		if (s[i] == '\n') {
			col = 0;
			continue;
		}
		if (s[i] != '\r' && ++col > *longest)
			*longest = col;
	}
}

/* Text with CRLF line ends, ending in one. */
static void
compose_crlf(struct compose_buf *b, const char *s, size_t len)
{
	size_t	i;

	for (i = 0; i < len; i++) {
		if (s[i] == '\r' && i + 1 < len && s[i + 1] == '\n')
			continue;
		if (s[i] == '\n')
			compose_adds(b, "\r\n");
		else
			compose_addc(b, s[i]);
	}
	if (len > 0 && s[len - 1] != '\n')
		compose_adds(b, "\r\n");
}

/* Quoted-printable (RFC 2045 6.7), lines of at most 76 characters. */
static void
compose_qp(struct compose_buf *b, const char *s, size_t len)
{
	size_t	i, col = 0, n;
	char	hex[4];
	int	enc;

	for (i = 0; i < len; i++) {
		unsigned char	c = s[i];
		int		last = i + 1 == len || s[i + 1] == '\n' ||
				    (s[i + 1] == '\r' && i + 2 < len &&
				    s[i + 2] == '\n');

		if (c == '\r' && i + 1 < len && s[i + 1] == '\n')
			continue;
		if (c == '\n') {
			compose_adds(b, "\r\n");
			col = 0;
			continue;
		}
		enc = c == '=' || c >= 0x7f || (c < 0x20 && c != '\t') ||
		    ((c == ' ' || c == '\t') && last);
		n = enc ? 3 : 1;
		if (col + n > 75) {
			compose_adds(b, "=\r\n");
			col = 0;
		}
		if (enc) {
			snprintf(hex, sizeof hex, "=%02X", c);
			compose_adds(b, hex);
		} else
			compose_addc(b, c);
		col += n;
	}
	if (len > 0 && s[len - 1] != '\n')
		compose_adds(b, "\r\n");
}

/* Base64 in lines of 76 characters. */
static void
compose_base64(struct compose_buf *b, const unsigned char *s, size_t len)
{
	unsigned char	out[80];
	size_t		i, n;

	for (i = 0; i < len; i += 57) {
		n = len - i < 57 ? len - i : 57;
		EVP_EncodeBlock(out, s + i, n);
		compose_adds(b, (char *)out);
		compose_adds(b, "\r\n");
	}
}

/* The text part's headers and body: 7bit when it can, else 8bit when
 * allowed and lines are short, else quoted-printable. */
static void
compose_text(struct compose_buf *b, const char *body, size_t len,
    int allow_8bit)
{
	const char	*cte;
	size_t		 longest;
	int		 eight;

	compose_scan(body, len, &eight, &longest);
	if (longest > COMPOSE_LINE_MAX)
		cte = "quoted-printable";
	else if (!eight)
		cte = "7bit";
	else
		cte = allow_8bit ? "8bit" : "quoted-printable";
	compose_adds(b, "Content-Type: text/plain; charset=utf-8\r\n");
	compose_adds(b, "Content-Transfer-Encoding: ");
	compose_adds(b, cte);
	compose_adds(b, "\r\n\r\n");
	if (strcmp(cte, "quoted-printable") == 0)
		compose_qp(b, body, len);
	else
		compose_crlf(b, body, len);
}

/* MIME types by file name extension. */
static const struct {
	const char	*ext;
	const char	*type;
} compose_types[] = {
	{ "7z", "application/x-7z-compressed" },
	{ "bz2", "application/x-bzip2" },
	{ "csv", "text/csv" },
	{ "doc", "application/msword" },
	{ "docx", "application/vnd.openxmlformats-officedocument."
	    "wordprocessingml.document" },
	{ "eml", "message/rfc822" },
	{ "gif", "image/gif" },
	{ "gz", "application/gzip" },
	{ "htm", "text/html" },
	{ "html", "text/html" },
	{ "ics", "text/calendar" },
	{ "jpeg", "image/jpeg" },
	{ "jpg", "image/jpeg" },
	{ "json", "application/json" },
	{ "md", "text/markdown" },
	{ "mp3", "audio/mpeg" },
	{ "mp4", "video/mp4" },
	{ "odp", "application/vnd.oasis.opendocument.presentation" },
	{ "ods", "application/vnd.oasis.opendocument.spreadsheet" },
	{ "odt", "application/vnd.oasis.opendocument.text" },
	{ "pdf", "application/pdf" },
	{ "png", "image/png" },
	{ "ppt", "application/vnd.ms-powerpoint" },
	{ "pptx", "application/vnd.openxmlformats-officedocument."
	    "presentationml.presentation" },
	{ "svg", "image/svg+xml" },
	{ "tar", "application/x-tar" },
	{ "txt", "text/plain" },
	{ "vcf", "text/vcard" },
	{ "webp", "image/webp" },
	{ "xls", "application/vnd.ms-excel" },
	{ "xlsx", "application/vnd.openxmlformats-officedocument."
	    "spreadsheetml.sheet" },
	{ "xml", "application/xml" },
	{ "xz", "application/x-xz" },
	{ "zip", "application/zip" },
};

/* The type of a file by its name, else by its first bytes: UTF-8 text
 * without NULs is text/plain. */
static const char *
compose_type(const char *name, const unsigned char *data, size_t len)
{
	const char	*dot = strrchr(name, '.');
	size_t		 i, n;

	if (dot != NULL && dot != name) {
		for (i = 0; i < sizeof compose_types / sizeof *compose_types;
		    i++)
			if (strcasecmp(dot + 1, compose_types[i].ext) == 0)
				return compose_types[i].type;
	}
	n = len < COMPOSE_SNIFF ? len : COMPOSE_SNIFF;
	/* A character cut at the sniffing limit is not a reason to doubt. */
	while (n > 0 && n < len && (data[n] & 0xc0) == 0x80)
		n--;
	if (memchr(data, '\0', n) == NULL &&
	    utf8_is_valid((const char *)data, n))
		return "text/plain";
	return "application/octet-stream";
}

/* Read a whole file; -1 with *error. */
static int
compose_read(const char *path, unsigned char **data, size_t *len,
    char **error)
{
	struct stat	 st;
	ssize_t		 n;
	size_t		 done = 0;
	int		 fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1 ||
	    fstat(fd, &st) == -1) {
		*error = xasprintf("%s: %s", path, strerror(errno));
		if (fd != -1)
			close(fd);
		return -1;
	}
	if (!S_ISREG(st.st_mode) || st.st_size > COMPOSE_ATTACH_MAX) {
		*error = xasprintf("%s: %s", path, !S_ISREG(st.st_mode) ?
		    "not a regular file" : "larger than 64 MiB");
		close(fd);
		return -1;
	}
	*data = xmalloc((size_t)st.st_size + 1);
	while (done < (size_t)st.st_size) {
		n = read(fd, *data + done, st.st_size - done);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		done += n;
	}
	close(fd);
	if (done != (size_t)st.st_size) {
		*error = xasprintf("%s: read failed", path);
		free(*data);
		return -1;
	}
	*len = done;
	return 0;
}

/* The file name parameter: quoted when ASCII, else RFC 2231, cut into
 * numbered pieces that fit a line. */
static void
compose_filename(struct compose_header *h, const char *name)
{
	struct compose_buf	 v = { NULL, 0, 0 };
	char			*tok, hex[4];
	const char		*p;
	size_t			 piece, start, end, k;

	if (compose_is_ascii(name, strlen(name))) {
		compose_adds(&v, "filename=\"");
		for (p = name; *p != '\0'; p++) {
			if (*p == '"' || *p == '\\')
				compose_addc(&v, '\\');
			compose_addc(&v, *p);
		}
		compose_addc(&v, '"');
		compose_header_token(h, v.s, v.len);
		free(v.s);
		return;
	}
	compose_adds(&v, "utf-8''");
	for (p = name; *p != '\0'; p++) {
		if (compose_is_alnum(*p) || strchr("!#$&+-.^_`|~", *p))
			compose_addc(&v, *p);
		else {
			snprintf(hex, sizeof hex, "%%%02X", (unsigned char)*p);
			compose_adds(&v, hex);
		}
	}
	if (v.len <= 60) {
		tok = xasprintf("filename*=%s", v.s);
		compose_header_token(h, tok, strlen(tok));
		free(tok);
		free(v.s);
		return;
	}
	for (piece = 0, start = 0; start < v.len; piece++, start = end) {
		end = start + 60 < v.len ? start + 60 : v.len;
		/* Never cut a %XX apart. */
		for (k = 1; k <= 2 && end < v.len; k++)
			if (v.s[end - k] == '%')
				end -= k;
		tok = xasprintf("filename*%zu*=%.*s%s", piece,
		    (int)(end - start), v.s + start, end < v.len ? ";" : "");
		compose_header_token(h, tok, strlen(tok));
		free(tok);
	}
	free(v.s);
}

/* The file name part of a path, printable. */
static char *
compose_basename(const char *path)
{
	const char	*slash = strrchr(path, '/');
	char		*name, *p;

	name = xstrdup(slash != NULL ? slash + 1 : path);
	for (p = name; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '_';
	return name;
}

/* One attachment as a part after "--boundary\r\n"; -1 with *error. */
static int
compose_attachment(struct compose_buf *b, const char *path, int allow_8bit,
    char **error)
{
	struct compose_header	 h;
	unsigned char		*data;
	const char		*type;
	char			*name, *tok;
	size_t			 len, longest;
	int			 eight, inline_message = 0;

	if (compose_read(path, &data, &len, error) != 0)
		return -1;
	name = compose_basename(path);
	type = compose_type(name, data, len);
	if (strcmp(type, "message/rfc822") == 0) {
		/* RFC 2046 5.2.1 forbids base64 here: send it as it is, or
		 * as plain bytes when it cannot be. */
		compose_scan((char *)data, len, &eight, &longest);
		if (longest <= COMPOSE_LINE_MAX && (!eight || allow_8bit) &&
		    memchr(data, '\0', len) == NULL)
			inline_message = 1;
		else
			type = "application/octet-stream";
	}
	compose_header_start(&h, b, "Content-Type");
	tok = xasprintf("%s%s", type, strncmp(type, "text/", 5) == 0 ?
	    "; charset=utf-8" : "");
	compose_header_token(&h, tok, strlen(tok));
	free(tok);
	compose_header_end(&h);
	compose_header_start(&h, b, "Content-Disposition");
	compose_header_token(&h, "attachment;", 11);
	compose_filename(&h, name);
	compose_header_end(&h);
	if (inline_message) {
		compose_adds(b, eight ? "Content-Transfer-Encoding: 8bit\r\n" :
		    "Content-Transfer-Encoding: 7bit\r\n");
		compose_adds(b, "\r\n");
		compose_crlf(b, (char *)data, len);
	} else {
		compose_adds(b, "Content-Transfer-Encoding: base64\r\n\r\n");
		compose_base64(b, data, len);
	}
	free(name);
	free(data);
	return 0;
}

int
compose_build(const struct compose *c, const struct compose_build_opts *opts,
    char **out, size_t *len, char **error)
{
	struct compose_buf	 b = { NULL, 0, 0 }, parts = { NULL, 0, 0 };
	const char		*domain, *at;
	char			 id[33], bnd[25], *boundary = NULL, *s;
	size_t			 i;

	*out = NULL;
	*len = 0;
	*error = NULL;
	if ((at = compose_sender(c)) == NULL) {
		*error = xstrdup("there is no From address");
		return -1;
	}
	domain = opts->domain;
	if (domain == NULL || *domain == '\0')
		domain = strrchr(at, '@') + 1;

	/* Attachments first: an unreadable file stops before anything. */
	if (c->nattach > 0) {
		do {
			free(boundary);
			compose_random_hex(bnd, 12);
			boundary = xasprintf("=_skua_%s", bnd);
		} while (c->body_len > 0 && memmem(c->body, c->body_len,
		    boundary, strlen(boundary)) != NULL);
		compose_adds(&parts, "--");
		compose_adds(&parts, boundary);
		compose_adds(&parts, "\r\n");
		compose_text(&parts, c->body, c->body_len, opts->allow_8bit);
		for (i = 0; i < c->nattach; i++) {
			compose_adds(&parts, "\r\n--");
			compose_adds(&parts, boundary);
			compose_adds(&parts, "\r\n");
			if (compose_attachment(&parts, c->attach[i],
			    opts->allow_8bit, error) != 0) {
				free(parts.s);
				free(boundary);
				return -1;
			}
		}
		compose_adds(&parts, "\r\n--");
		compose_adds(&parts, boundary);
		compose_adds(&parts, "--\r\n");
	}

	compose_header_date(&b, opts->date);
	compose_header_list(&b, "From", &c->from);
	compose_header_list(&b, "To", &c->to);
	compose_header_list(&b, "Cc", &c->cc);
	if (opts->keep_bcc)
		compose_header_list(&b, "Bcc", &c->bcc);
	compose_header_list(&b, "Reply-To", &c->reply_to);
	if (c->subject != NULL)
		compose_header_text(&b, "Subject", c->subject);
	compose_random_hex(id, 16);
	s = xasprintf("Message-ID: <%s@%s>\r\n", id, domain);
	compose_adds(&b, s);
	free(s);
	if (c->in_reply_to != NULL)
		compose_header_ids(&b, "In-Reply-To", c->in_reply_to);
	if (c->references != NULL)
		compose_header_ids(&b, "References", c->references);
	compose_adds(&b, "MIME-Version: 1.0\r\n");
	if (c->nattach == 0)
		compose_text(&b, c->body, c->body_len, opts->allow_8bit);
	else {
		s = xasprintf("Content-Type: multipart/mixed;\r\n"
		    " boundary=\"%s\"\r\n\r\n"
		    "This is a message in MIME format.\r\n\r\n", boundary);
		compose_adds(&b, s);
		free(s);
		compose_add(&b, parts.s, parts.len);
	}
	free(parts.s);
	free(boundary);
	*out = compose_finish(&b);
	*len = b.len;
	return 0;
}

/* --- replies and forwards -------------------------------------------- */

/* A mailbox as the user reads and edits it. */
static void
compose_draft_address(struct compose_buf *b, const struct compose_address *a)
{
	const char	*p;

	if (a->addr == NULL) {
		compose_adds(b, a->name);
		compose_adds(b, ":;");
		return;
	}
	if (a->name == NULL) {
		compose_adds(b, a->addr);
		return;
	}
	if (strpbrk(a->name, ",;:<>@\"()[]\\.") != NULL) {
		compose_addc(b, '"');
		for (p = a->name; *p != '\0'; p++) {
			if (*p == '"' || *p == '\\')
				compose_addc(b, '\\');
			compose_addc(b, *p);
		}
		compose_addc(b, '"');
	} else
		compose_adds(b, a->name);
	compose_adds(b, " <");
	compose_adds(b, a->addr);
	compose_addc(b, '>');
}

/* Parse a decoded header leniently: what does not parse is dropped. */
static void
compose_original_list(const char *s, struct compose_list *l)
{
	struct compose_list	 tmp = { NULL, 0 };
	const char		*why;
	char			*what = NULL, *item;
	const char		*p = s;
	size_t			 n, i;

	if (s == NULL)
		return;
	if (compose_parse_list(s, &tmp, &why, &what) == 0) {
		for (i = 0; i < tmp.n; i++)
			compose_list_add(l, tmp.v[i].name, tmp.v[i].addr);
		free(tmp.v);
		return;
	}
	/* One bad item: take the others one by one. */
	free(what);
	compose_list_clear(&tmp);
	while (*p != '\0') {
		n = strcspn(p, ",");
		item = xstrndup(p, n);
		what = NULL;
		if (compose_parse_list(item, &tmp, &why, &what) != 0) {
			free(what);
			compose_list_clear(&tmp);
		}
		free(item);
		p += n;
		if (*p == ',')
			p++;
	}
	for (i = 0; i < tmp.n; i++)
		compose_list_add(l, tmp.v[i].name, tmp.v[i].addr);
	free(tmp.v);
}

static int
compose_list_has(const struct compose_list *l, const char *addr)
{
	size_t	i;

	for (i = 0; i < l->n; i++)
		if (l->v[i].addr != NULL &&
		    strcasecmp(l->v[i].addr, addr) == 0)
			return 1;
	return 0;
}

/* Whether addr is one of the user's own. */
static int
compose_is_me(const struct compose_list *me, const char *addr)
{
	return addr != NULL && compose_list_has(me, addr);
}

/* Add the mailboxes of from to l, but the user's and those already in
 * skip or l. */
static void
compose_add_others(struct compose_list *l, const struct compose_list *from,
    const struct compose_list *me, const struct compose_list *skip)
{
	size_t	i;

	for (i = 0; i < from->n; i++) {
		const struct compose_address	*a = &from->v[i];

		if (a->addr == NULL || compose_is_me(me, a->addr) ||
		    compose_list_has(l, a->addr) ||
		    (skip != NULL && compose_list_has(skip, a->addr)))
			continue;
		compose_list_add(l, a->name != NULL ? xstrdup(a->name) : NULL,
		    xstrdup(a->addr));
	}
}

static void
compose_draft_list(struct compose_buf *b, const char *field,
    const struct compose_list *l)
{
	size_t	i;

	compose_adds(b, field);
	compose_addc(b, ':');
	for (i = 0; i < l->n; i++) {
		compose_adds(b, i == 0 ? " " : ", ");
		compose_draft_address(b, &l->v[i]);
	}
	compose_addc(b, '\n');
}

/* Whether subject already starts with prefix (case does not matter). */
static int
compose_has_prefix(const char *subject, const char *prefix)
{
	while (*subject == ' ')
		subject++;
	return strncasecmp(subject, prefix, strlen(prefix)) == 0;
}

/* The user's addresses: the identity's and the alternates. */
static void
compose_me(const struct compose_identity *id, struct compose_list *me)
{
	size_t	i;

	compose_original_list(id->from, me);
	for (i = 0; id->alternates != NULL && id->alternates[i] != NULL;
	    i++)
		compose_list_add(me, NULL, xstrdup(id->alternates[i]));
}

/* Lines of text, each with prefix before it ("> ", or ">" before one
 * already quoted, so quotes stack as ">>"). */
static void
compose_quote(struct compose_buf *b, const char *text)
{
	const char	*p = text;
	size_t		 n;

	while (p != NULL && *p != '\0') {
		n = strcspn(p, "\n");
		if (n > 0 && p[n - 1] == '\r')
			n--;
		compose_adds(b, n == 0 ? ">" : p[0] == '>' ? ">" : "> ");
		compose_add(b, p, n);
		compose_addc(b, '\n');
		p += strcspn(p, "\n");
		if (*p == '\n')
			p++;
	}
}

char *
compose_reply_draft(const struct compose_original *o,
    const struct compose_identity *id, int all)
{
	struct compose_buf	 b = { NULL, 0, 0 };
	struct compose_list	 me = { NULL, 0 }, from = { NULL, 0 };
	struct compose_list	 to = { NULL, 0 }, cc = { NULL, 0 };
	struct compose_list	 orig_to = { NULL, 0 };
	struct compose_list	 orig_cc = { NULL, 0 };
	struct compose_list	 tmp = { NULL, 0 };
	const char		*who;

	compose_me(id, &me);
	compose_original_list(o->from, &from);
	compose_original_list(o->to, &orig_to);
	compose_original_list(o->cc, &orig_cc);
	if (all && o->mail_followup_to != NULL &&
	    *o->mail_followup_to != '\0') {
		/* The author said where the discussion goes (RFC draft
		 * "Mail-Followup-To", as mutt honours it). */
		compose_original_list(o->mail_followup_to, &tmp);
		compose_add_others(&to, &tmp, &me, NULL);
	} else {
		if (o->reply_to != NULL && *o->reply_to != '\0')
			compose_original_list(o->reply_to, &tmp);
		else
			compose_original_list(o->from, &tmp);
		/* Answering one's own message goes to its recipients. */
		if (tmp.n == 1 && compose_is_me(&me, tmp.v[0].addr)) {
			compose_list_clear(&tmp);
			compose_original_list(o->to, &tmp);
		}
		compose_add_others(&to, &tmp, &me, NULL);
		if (all) {
			compose_add_others(&cc, &orig_to, &me, &to);
			compose_add_others(&cc, &orig_cc, &me, &to);
		}
	}
	compose_list_clear(&tmp);

	compose_adds(&b, "From: ");
	compose_adds(&b, id->from != NULL ? id->from : "");
	compose_addc(&b, '\n');
	compose_draft_list(&b, "To", &to);
	compose_draft_list(&b, "Cc", &cc);
	compose_adds(&b, "Bcc:\nSubject: ");
	if (o->subject != NULL && !compose_has_prefix(o->subject, "Re:"))
		compose_adds(&b, "Re: ");
	compose_adds(&b, o->subject != NULL ? o->subject : "Re: ");
	compose_addc(&b, '\n');
	if (o->message_id != NULL && *o->message_id != '\0') {
		compose_adds(&b, "In-Reply-To: ");
		compose_adds(&b, o->message_id);
		compose_adds(&b, "\nReferences: ");
		if (o->references != NULL && *o->references != '\0') {
			compose_adds(&b, o->references);
			compose_addc(&b, ' ');
		}
		compose_adds(&b, o->message_id);
		compose_addc(&b, '\n');
	}
	compose_addc(&b, '\n');
	who = from.n > 0 ? (from.v[0].name != NULL ? from.v[0].name :
	    from.v[0].addr) : NULL;
	if (who == NULL)
		who = o->from != NULL ? o->from : "someone";
	if (o->date != NULL && *o->date != '\0') {
		compose_adds(&b, "On ");
		compose_adds(&b, o->date);
		compose_adds(&b, ", ");
	}
	compose_adds(&b, who);
	compose_adds(&b, " wrote:\n");
	compose_quote(&b, o->body);
	compose_list_clear(&me);
	compose_list_clear(&from);
	compose_list_clear(&to);
	compose_list_clear(&cc);
	compose_list_clear(&orig_to);
	compose_list_clear(&orig_cc);
	return compose_finish(&b);
}

char *
compose_forward_draft(const struct compose_original *o,
    const struct compose_identity *id)
{
	struct compose_buf	 b = { NULL, 0, 0 };
	static const struct {
		const char	*name;
		size_t		 offset;
	} fields[] = {
		{ "From", offsetof(struct compose_original, from) },
		{ "Date", offsetof(struct compose_original, date) },
		{ "Subject", offsetof(struct compose_original, subject) },
		{ "To", offsetof(struct compose_original, to) },
		{ "Cc", offsetof(struct compose_original, cc) },
	};
	const char	*v;
	size_t		 i;

	compose_adds(&b, "From: ");
	compose_adds(&b, id->from != NULL ? id->from : "");
	compose_adds(&b, "\nTo:\nCc:\nBcc:\nSubject: ");
	if (o->subject == NULL || !compose_has_prefix(o->subject, "Fwd:"))
		compose_adds(&b, "Fwd: ");
	if (o->subject != NULL)
		compose_adds(&b, o->subject);
	compose_adds(&b, "\n\n\n-------- Forwarded message --------\n");
	for (i = 0; i < sizeof fields / sizeof *fields; i++) {
		v = *(const char * const *)((const char *)o +
		    fields[i].offset);
		if (v == NULL || *v == '\0')
			continue;
		compose_adds(&b, fields[i].name);
		compose_adds(&b, ": ");
		compose_adds(&b, v);
		compose_addc(&b, '\n');
	}
	compose_addc(&b, '\n');
	if (o->body != NULL) {
		compose_adds(&b, o->body);
		if (*o->body != '\0' && o->body[strlen(o->body) - 1] != '\n')
			compose_addc(&b, '\n');
	}
	return compose_finish(&b);
}
