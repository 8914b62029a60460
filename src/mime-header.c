/* mime-header: libetpan's mailmime_encoded_phrase_parse mangles what real
 * mail sends (a character split between two words, "utf-8*en", raw UTF-8
 * read as Latin-1), so encoded words are decoded here, in one pass that
 * stays linear whatever the input; libetpan still parses address lists. */
#include "auto-config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libetpan/libetpan.h>

#include "mime-decode.h"
#include "mime-header.h"
#include "xmalloc.h"

/* Longest charset label in an encoded word; longer is not a word. */
#define MIME_HEADER_MAX_CHARSET	(MIME_DECODE_CHARSET_SIZE - 1)
/* Comments nested deeper than this are not given to libetpan, whose
 * parser recurses on them until the stack runs out. */
#define MIME_HEADER_MAX_NESTING	16

/* A growing byte buffer. */
struct mime_header_buf {
	char	*s;
	size_t	 len;
	size_t	 size;
};

static void
mime_header_add(struct mime_header_buf *b, const void *p, size_t len)
{
	size_t	size;

	if (b->size - b->len <= len) {
		size = b->size == 0 ? 64 : b->size;
		while (size - b->len <= len) {
			if (size > SIZE_MAX / 2)
				fatal("%s: header too large", __func__);
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
mime_header_addc(struct mime_header_buf *b, char c)
{
	mime_header_add(b, &c, 1);
}

/* Add a string and free it. */
static void
mime_header_add_free(struct mime_header_buf *b, char *s)
{
	mime_header_add(b, s, strlen(s));
	free(s);
}

/* The buffer's string, never NULL; the caller frees it. */
static char *
mime_header_finish(struct mime_header_buf *b)
{
	if (b->s == NULL)
		return xstrdup("");
	return b->s;
}

static int
mime_header_is_space(char c)
{
	return c == ' ' || c == '\t';
}

char *
mime_header_unfold(const char *in, size_t len)
{
	struct mime_header_buf	b = { NULL, 0, 0 };
	size_t			i = 0, start;

	while (i < len) {
		if (in[i] == '\0') {
			i++;
			continue;
		}
		if (in[i] != '\r' && in[i] != '\n') {
			start = i;
			while (i < len && in[i] != '\r' && in[i] != '\n' &&
			    in[i] != '\0')
				i++;
			mime_header_add(&b, in + start, i - start);
			continue;
		}
		while (i < len && (in[i] == '\r' || in[i] == '\n' ||
		    in[i] == '\0'))
			i++;
		/* A break that is not a fold would end the field: keep the
		 * words apart rather than lose what follows. */
		if (i < len && !mime_header_is_space(in[i]))
			mime_header_addc(&b, ' ');
	}
	return mime_header_finish(&b);
}

/*
 * Where the next position at or after a query matches some test, kept
 * between queries: queries only move forward, so each byte is tested once
 * however many would-be encoded words start before the match.
 */
struct mime_header_next {
	size_t	from;	/* nothing matches in [from, at) */
	size_t	at;	/* the match, or the length */
	int	valid;
};

typedef int (*mime_header_test_cb)(const char *, size_t, size_t);

static size_t
mime_header_next(struct mime_header_next *n, const char *s, size_t len,
    size_t q, mime_header_test_cb test)
{
	size_t	i;

	if (n->valid && q >= n->from && q <= n->at)
		return n->at;
	for (i = q; i < len && !test(s, len, i); i++)
		;
	n->from = q;
	n->at = i;
	n->valid = 1;
	return i;
}

/* The "?=" that ends an encoded word. */
static int
mime_header_is_end(const char *s, size_t len, size_t i)
{
	return s[i] == '?' && i + 1 < len && s[i + 1] == '=';
}

static int
mime_header_base64(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

/* A byte that cannot be in a B word: it is not one then (and stays as
 * text, as "=?utf-8?B?###?=" must). */
static int
mime_header_is_bad_b(const char *s, size_t len, size_t i)
{
	(void)len;
	return s[i] != '=' && mime_header_base64(s[i]) == -1;
}

/* A byte that cannot be in a Q word: white space and controls. 8-bit
 * bytes can, as some mailers put them there. */
static int
mime_header_is_bad_q(const char *s, size_t len, size_t i)
{
	unsigned char	c = (unsigned char)s[i];

	(void)len;
	return c <= ' ' || c == 0x7f;
}

/* A character of a charset label in a word ("utf-8*en" included). */
static int
mime_header_is_charset(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' ||
	    c == ':' || c == '+' || c == '*';
}

/* One encoded word found by mime_header_word. */
struct mime_header_word {
	const char	*charset;
	size_t		 charsetlen;
	char		 encoding;	/* 'B' or 'Q' */
	const char	*text;
	size_t		 textlen;
	size_t		 end;		/* just past the "?=" */
};

/* The state of one decoding pass. */
struct mime_header_scan {
	const char		*s;
	size_t			 len;
	struct mime_header_next	 end;
	struct mime_header_next	 bad_b;
	struct mime_header_next	 bad_q;
};

/*
 * Whether an encoded word starts at i (at "=?"), and which. The charset
 * label ends at the first '?', so the text of a later word never starts
 * before the text of an earlier one: the searches only move forward.
 */
static int
mime_header_word(struct mime_header_scan *sc, size_t i,
    struct mime_header_word *w)
{
	const char	*s = sc->s;
	size_t		 len = sc->len, j, text, end;

	for (j = i + 2; j < len && j - (i + 2) < MIME_HEADER_MAX_CHARSET &&
	    mime_header_is_charset(s[j]); j++)
		;
	if (j == i + 2 || j + 2 >= len || s[j] != '?' || s[j + 2] != '?')
		return 0;
	switch (s[j + 1]) {
	case 'B':
	case 'b':
		w->encoding = 'B';
		break;
	case 'Q':
	case 'q':
		w->encoding = 'Q';
		break;
	default:
		return 0;
	}
	text = j + 3;
	if ((end = mime_header_next(&sc->end, s, len, text,
	    mime_header_is_end)) >= len)
		return 0;
	if (w->encoding == 'B' && mime_header_next(&sc->bad_b, s, len, text,
	    mime_header_is_bad_b) < end)
		return 0;
	if (w->encoding == 'Q' && mime_header_next(&sc->bad_q, s, len, text,
	    mime_header_is_bad_q) < end)
		return 0;
	w->charset = s + i + 2;
	w->charsetlen = j - (i + 2);
	w->text = s + text;
	w->textlen = end - text;
	w->end = end + 2;
	return 1;
}

static int
mime_header_hex(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* The bytes of a word onto b. B forgives padding: missing, extra, or in
 * the middle (two encodings pasted together); bits left over go. */
static void
mime_header_word_bytes(const struct mime_header_word *w,
    struct mime_header_buf *b)
{
	uint32_t	acc = 0;
	size_t		i;
	int		bits = 0, hi, lo;
	char		c;

	for (i = 0; i < w->textlen; i++) {
		c = w->text[i];
		if (w->encoding == 'B') {
			if (c == '=') {
				acc = 0;
				bits = 0;
				continue;
			}
			acc = (acc << 6) | (uint32_t)mime_header_base64(c);
			bits += 6;
			if (bits >= 8) {
				bits -= 8;
				mime_header_addc(b, (char)(acc >> bits));
				acc &= (1U << bits) - 1;
			}
			continue;
		}
		if (c == '_')
			c = ' ';
		else if (c == '=' && i + 2 < w->textlen &&
		    (hi = mime_header_hex(w->text[i + 1])) != -1 &&
		    (lo = mime_header_hex(w->text[i + 2])) != -1) {
			c = (char)(hi << 4 | lo);
			i += 2;
		}
		mime_header_addc(b, c);
	}
}

/* Adjacent words in one charset, waiting to be converted together. */
struct mime_header_run {
	enum mime_decode_label	kind;
	char			name[MIME_DECODE_CHARSET_SIZE];
	struct mime_header_buf	bytes;
	int			active;
};

/* Whether word w can join the run: the same charset, however spelled. */
static int
mime_header_same(const struct mime_header_run *r, const char *label)
{
	char			name[MIME_DECODE_CHARSET_SIZE];
	enum mime_decode_label	kind;

	kind = mime_decode_charset_name(label, name, sizeof name);
	if (kind != r->kind)
		return 0;
	return kind != MIME_DECODE_LABEL_ICONV ||
	    strcasecmp(name, r->name) == 0;
}

/* Convert the run onto out and empty it. */
static void
mime_header_flush(struct mime_header_run *r, struct mime_header_buf *out,
    int *unknown)
{
	const char	*bytes;
	char		*text = NULL;
	size_t		 len;
	int		 unknown_charset = 0;

	if (!r->active)
		return;
	bytes = r->bytes.s != NULL ? r->bytes.s : "";
	len = r->bytes.len;
	if (r->kind == MIME_DECODE_LABEL_ICONV) {
		text = mime_decode_charset(r->name, bytes, len,
		    &unknown_charset);
		if (unknown_charset) {
			free(text);
			text = NULL;
		}
	} else if (r->kind == MIME_DECODE_LABEL_BAD)
		unknown_charset = 1;
	/* Unknown or unlabelled: the bytes decide, as for raw headers. */
	if (text == NULL)
		text = mime_decode_guess(bytes, len);
	if (unknown_charset && unknown != NULL)
		*unknown = 1;
	mime_header_add_free(out, text);
	r->bytes.len = 0;
	r->active = 0;
}

/* Start a run for a word's charset. */
static void
mime_header_start(struct mime_header_run *r, const char *label)
{
	r->kind = mime_decode_charset_name(label, r->name, sizeof r->name);
	r->bytes.len = 0;
	r->active = 1;
}

static int
mime_header_all_space(const char *s, size_t len)
{
	size_t	i;

	for (i = 0; i < len; i++) {
		if (!mime_header_is_space(s[i]))
			return 0;
	}
	return 1;
}

/* Phrase text without the quotes of its quoted strings and their
 * backslashes. A quote that is never closed is only a character. */
static char *
mime_header_unquote(const char *s, size_t len, size_t *outlen)
{
	struct mime_header_buf	b = { NULL, 0, 0 };
	size_t			i = 0, j, k;
	int			may_close = 1;

	while (i < len) {
		if (s[i] != '"' || !may_close) {
			mime_header_addc(&b, s[i++]);
			continue;
		}
		for (j = i + 1; j < len && s[j] != '"'; j++) {
			if (s[j] == '\\' && j + 1 < len)
				j++;
		}
		if (j >= len) {
			/* Later quotes are characters too: what would close
			 * them was just scanned, and the pass stays linear. */
			may_close = 0;
			continue;
		}
		for (k = i + 1; k < j; k++) {
			if (s[k] == '\\' && k + 1 < j)
				k++;
			mime_header_addc(&b, s[k]);
		}
		i = j + 1;
	}
	*outlen = b.len;
	return mime_header_finish(&b);
}

/* Decode one unfolded line: words, and the text between them. */
static void
mime_header_words(const char *s, size_t len, struct mime_header_buf *out,
    int *unknown)
{
	struct mime_header_scan	 sc;
	struct mime_header_run	 run;
	struct mime_header_word	 w;
	char			 label[MIME_DECODE_CHARSET_SIZE];
	size_t			 i = 0, text = 0;

	memset(&sc, 0, sizeof sc);
	sc.s = s;
	sc.len = len;
	memset(&run, 0, sizeof run);
	while (i + 1 < len) {
		if (s[i] != '=' || s[i + 1] != '?' ||
		    !mime_header_word(&sc, i, &w)) {
			i++;
			continue;
		}
		/* RFC 2047 6.2: white space between two words goes; any
		 * other text ends the run and is kept. */
		if (i > text && !(run.active &&
		    mime_header_all_space(s + text, i - text))) {
			mime_header_flush(&run, out, unknown);
			mime_header_add_free(out, mime_decode_guess(s + text,
			    i - text));
		}
		memcpy(label, w.charset, w.charsetlen);
		label[w.charsetlen] = '\0';
		if (run.active && !mime_header_same(&run, label))
			mime_header_flush(&run, out, unknown);
		if (!run.active)
			mime_header_start(&run, label);
		mime_header_word_bytes(&w, &run.bytes);
		i = text = w.end;
	}
	mime_header_flush(&run, out, unknown);
	if (text < len)
		mime_header_add_free(out, mime_decode_guess(s + text,
		    len - text));
	free(run.bytes.s);
}

/* s without white space at either end (in place). */
static char *
mime_header_trim(char *s)
{
	char	*start = s, *end;

	while (mime_header_is_space(*start))
		start++;
	end = start + strlen(start);
	while (end > start && mime_header_is_space(end[-1]))
		end--;
	*end = '\0';
	memmove(s, start, end - start + 1);
	return s;
}

char *
mime_header_decode(const char *in, size_t len, int flags, int *unknown)
{
	struct mime_header_buf	 out = { NULL, 0, 0 };
	char			*line, *phrase;
	size_t			 n;

	if (unknown != NULL)
		*unknown = 0;
	if (in == NULL)
		return xstrdup("");
	line = mime_header_unfold(in, len);
	n = strlen(line);
	if (flags & MIME_HEADER_PHRASE) {
		phrase = mime_header_unquote(line, n, &n);
		free(line);
		line = phrase;
	}
	mime_header_words(line, n, &out, unknown);
	free(line);
	return mime_header_trim(mime_header_finish(&out));
}

/* Whether s is safe to give libetpan's address parser: comments nest at
 * most MIME_HEADER_MAX_NESTING deep. */
static int
mime_header_parseable(const char *s, size_t len)
{
	size_t	i;
	int	depth = 0, quoted = 0;

	for (i = 0; i < len; i++) {
		if (s[i] == '\\') {
			i++;
			continue;
		}
		if (s[i] == '"' && depth == 0)
			quoted = !quoted;
		else if (quoted)
			continue;
		else if (s[i] == '(' && ++depth > MIME_HEADER_MAX_NESTING)
			return 0;
		else if (s[i] == ')' && depth > 0)
			depth--;
	}
	return 1;
}

/* An address as libetpan parsed it, if it looks like one: local@domain
 * with nothing that a parse gone astray would leave ("john smith" comes
 * back as "johnsmith"). */
static int
mime_header_is_addr(const char *a)
{
	const char	*at;

	if (a == NULL || (at = strrchr(a, '@')) == NULL || at == a ||
	    at[1] == '\0')
		return 0;
	return strpbrk(a, " \t<>(),;") == NULL;
}

/* Add a name, quoted when it holds what separates addresses (so "Doe,
 * John" stays one name, and "a@b" in a name does not pass for one). */
static void
mime_header_add_name(struct mime_header_buf *b, const char *name)
{
	const char	*p;

	if (strpbrk(name, ",;:<>@\"") == NULL) {
		mime_header_add(b, name, strlen(name));
		return;
	}
	mime_header_addc(b, '"');
	for (p = name; *p != '\0'; p++) {
		if (*p == '"' || *p == '\\')
			mime_header_addc(b, '\\');
		mime_header_addc(b, *p);
	}
	mime_header_addc(b, '"');
}

static void
mime_header_add_mailbox(struct mime_header_buf *b,
    const struct mailimf_mailbox *mb, int *unknown)
{
	const char	*dn = mb->mb_display_name;
	char		*name = NULL;
	size_t		 i, quotes = 0;
	int		 u = 0;

	/* libetpan strips the quotes of "=?..?= rest" but the first: an
	 * unpaired quote at the start is its leftover. */
	if (dn != NULL && dn[0] == '"') {
		for (i = 0; dn[i] != '\0'; i++) {
			if (dn[i] == '\\' && dn[i + 1] != '\0')
				i++;
			else if (dn[i] == '"')
				quotes++;
		}
		if (quotes % 2 == 1)
			dn++;
	}
	if (dn != NULL)
		name = mime_header_decode(dn, strlen(dn), MIME_HEADER_PHRASE,
		    &u);
	if (u && unknown != NULL)
		*unknown = 1;
	if (name != NULL && *name != '\0') {
		mime_header_add_name(b, name);
		mime_header_add(b, " <", 2);
	}
	/* Internationalised addresses (RFC 6532) are raw UTF-8. */
	mime_header_add_free(b, mime_decode_guess(mb->mb_addr_spec,
	    strlen(mb->mb_addr_spec)));
	if (name != NULL && *name != '\0')
		mime_header_addc(b, '>');
	free(name);
}

/* Whether every mailbox in a list is sane. */
static int
mime_header_mailboxes_ok(const struct mailimf_mailbox_list *list)
{
	const struct mailimf_mailbox	*mb;
	clistiter			*it;

	if (list == NULL || list->mb_list == NULL)
		return 1;
	for (it = clist_begin(list->mb_list); it != NULL;
	    it = clist_next(it)) {
		mb = clist_content(it);
		if (mb == NULL || !mime_header_is_addr(mb->mb_addr_spec))
			return 0;
	}
	return 1;
}

static int
mime_header_list_ok(const struct mailimf_address_list *al)
{
	const struct mailimf_address	*a;
	clistiter			*it;

	if (al == NULL || al->ad_list == NULL)
		return 0;
	for (it = clist_begin(al->ad_list); it != NULL; it = clist_next(it)) {
		a = clist_content(it);
		if (a == NULL)
			return 0;
		if (a->ad_type == MAILIMF_ADDRESS_MAILBOX) {
			if (a->ad_data.ad_mailbox == NULL ||
			    !mime_header_is_addr(
			    a->ad_data.ad_mailbox->mb_addr_spec))
				return 0;
		} else if (a->ad_type == MAILIMF_ADDRESS_GROUP) {
			if (a->ad_data.ad_group == NULL ||
			    a->ad_data.ad_group->grp_display_name == NULL ||
			    !mime_header_mailboxes_ok(
			    a->ad_data.ad_group->grp_mb_list))
				return 0;
		} else
			return 0;
	}
	return 1;
}

static void
mime_header_add_group(struct mime_header_buf *b,
    const struct mailimf_group *g, int *unknown)
{
	const struct mailimf_mailbox	*mb;
	clistiter			*it;
	char				*name;
	int				 u = 0, n = 0;

	name = mime_header_decode(g->grp_display_name,
	    strlen(g->grp_display_name), MIME_HEADER_PHRASE, &u);
	if (u && unknown != NULL)
		*unknown = 1;
	mime_header_add_name(b, name);
	free(name);
	mime_header_addc(b, ':');
	if (g->grp_mb_list != NULL && g->grp_mb_list->mb_list != NULL) {
		for (it = clist_begin(g->grp_mb_list->mb_list); it != NULL;
		    it = clist_next(it)) {
			mb = clist_content(it);
			if (n++ > 0)
				mime_header_addc(b, ',');
			mime_header_addc(b, ' ');
			mime_header_add_mailbox(b, mb, unknown);
		}
	}
	mime_header_addc(b, ';');
}

char *
mime_header_addresses(const char *in, size_t len, int *unknown)
{
	struct mailimf_address_list	*al = NULL;
	struct mime_header_buf		 b = { NULL, 0, 0 };
	const struct mailimf_address	*a;
	clistiter			*it;
	char				*line, *out;
	size_t				 n, indx = 0;

	if (unknown != NULL)
		*unknown = 0;
	if (in == NULL)
		return xstrdup("");
	line = mime_header_unfold(in, len);
	n = strlen(line);
	if (n > MIME_HEADER_MAX_PARSE || !mime_header_parseable(line, n) ||
	    mailimf_address_list_parse(line, n, &indx, &al) !=
	    MAILIMF_NO_ERROR)
		goto plain;
	/* All of it, or the rest would be lost ("a@b (note)" stops at b). */
	while (indx < n && mime_header_is_space(line[indx]))
		indx++;
	if (indx != n || !mime_header_list_ok(al))
		goto plain;
	for (it = clist_begin(al->ad_list); it != NULL; it = clist_next(it)) {
		a = clist_content(it);
		if (b.len > 0)
			mime_header_add(&b, ", ", 2);
		if (a->ad_type == MAILIMF_ADDRESS_MAILBOX)
			mime_header_add_mailbox(&b, a->ad_data.ad_mailbox,
			    unknown);
		else
			mime_header_add_group(&b, a->ad_data.ad_group,
			    unknown);
	}
	mailimf_address_list_free(al);
	free(line);
	return mime_header_finish(&b);

plain:
	if (al != NULL)
		mailimf_address_list_free(al);
	free(b.s);
	out = mime_header_decode(line, n, 0, unknown);
	free(line);
	return out;
}
