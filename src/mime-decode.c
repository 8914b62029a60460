/* mime-decode: libetpan decodes the transfer encodings; iconv converts
 * charsets, one bad byte at a time becoming U+FFFD, so a broken message
 * still shows everything that can be shown. Every charset label goes
 * through one alias table, as mail is often mislabelled. */
#include "auto-config.h"

#include <ctype.h>
#include <errno.h>
#include <iconv.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libetpan/libetpan.h>

#include "mime-decode.h"
#include "utf8.h"
#include "xmalloc.h"

#define MIME_DECODE_PAD		16

void
mime_decode_transfer(const char *encoding, const char *in, size_t len,
    char **out, size_t *outlen)
{
	char	*result = NULL, *padded;
	size_t	 indx = 0, rlen = 0;
	int	 mechanism = -1, r;

	if (encoding != NULL && strcasecmp(encoding, "base64") == 0)
		mechanism = MAILMIME_MECHANISM_BASE64;
	else if (encoding != NULL &&
	    strcasecmp(encoding, "quoted-printable") == 0)
		mechanism = MAILMIME_MECHANISM_QUOTED_PRINTABLE;
	if (mechanism != -1) {
		/* libetpan's quoted-printable decoder reads past the end of a
		 * body that ends in "=X": give it NULs to read there. */
		padded = xcalloc(1, len + MIME_DECODE_PAD);
		memcpy(padded, in, len);
		r = mailmime_part_parse(padded, len, &indx, mechanism, &result,
		    &rlen);
		free(padded);
		if (r != MAILIMF_NO_ERROR)
			result = NULL;
	}
	if (result != NULL) {
		*out = xmalloc(rlen + 1);
		memcpy(*out, result, rlen);
		(*out)[rlen] = '\0';
		*outlen = rlen;
		mailmime_decoded_part_free(result);
		return;
	}
	*out = xmalloc(len + 1);
	memcpy(*out, in, len);
	(*out)[len] = '\0';
	*outlen = len;
}

#define MIME_DECODE_REPLACEMENT	"\xef\xbf\xbd"	/* U+FFFD */

/*
 * Charset labels seen in mail, folded (lowercase, without '-', '_', '.'
 * and ':', so "ISO_8859-1" and "iso8859-1" are one entry), and the
 * iconv name to use; NULL means the label says nothing reliable and the
 * bytes are guessed. Mislabels go to the superset that mailers really
 * send (WHATWG's encoding standard makes the same choices).
 */
static const struct {
	const char	*folded;
	const char	*name;
} mime_decode_aliases[] = {
	/* No information, or ASCII/Latin-1 that is often UTF-8 or 1252. */
	{ "", NULL },
	{ "ansix341968", NULL },
	{ "ascii", NULL },
	{ "cp367", NULL },
	{ "cp819", NULL },
	{ "default", NULL },
	{ "ibm819", NULL },
	{ "iso646us", NULL },
	{ "iso88591", NULL },
	{ "iso885911987", NULL },
	{ "isoir100", NULL },
	{ "l1", NULL },
	{ "latin1", NULL },
	{ "unknown", NULL },
	{ "unknown8bit", NULL },
	{ "us", NULL },
	{ "usascii", NULL },
	{ "xunknown", NULL },
	{ "xuserdefined", NULL },
	/* Unicode. */
	{ "unicode11utf7", "UTF-7" },
	{ "utf7", "UTF-7" },
	{ "utf8", "UTF-8" },
	{ "xunicode20utf7", "UTF-7" },
	/* Western European. */
	{ "cp1252", "WINDOWS-1252" },
	{ "iso885915", "ISO-8859-15" },
	{ "l9", "ISO-8859-15" },
	{ "latin9", "ISO-8859-15" },
	{ "mac", "MACINTOSH" },
	{ "macintosh", "MACINTOSH" },
	{ "macroman", "MACINTOSH" },
	{ "win1252", "WINDOWS-1252" },
	{ "windows1252", "WINDOWS-1252" },
	{ "xcp1252", "WINDOWS-1252" },
	{ "xmacroman", "MACINTOSH" },
	/* Turkish; Hebrew and Arabic with logical order marked. */
	{ "iso88599", "WINDOWS-1254" },
	{ "iso88596i", "ISO-8859-6" },
	{ "iso88598i", "ISO-8859-8" },
	/* Cyrillic, Thai. */
	{ "iso885911", "CP874" },
	{ "koi8", "KOI8-R" },
	{ "koi8r", "KOI8-R" },
	{ "koi8u", "KOI8-U" },
	{ "tis620", "CP874" },
	{ "windows874", "CP874" },
	/* Korean: Windows' extension of EUC-KR is what is sent. */
	{ "cp949", "CP949" },
	{ "euckr", "CP949" },
	{ "ksc5601", "CP949" },
	{ "ksc56011987", "CP949" },
	{ "windows949", "CP949" },
	/* Chinese: GB18030 contains GB2312 and GBK. */
	{ "chinese", "GB18030" },
	{ "cp936", "GB18030" },
	{ "csgb2312", "GB18030" },
	{ "euccn", "GB18030" },
	{ "gb2312", "GB18030" },
	{ "gb231280", "GB18030" },
	{ "gbk", "GB18030" },
	{ "xeuccn", "GB18030" },
	{ "xgbk", "GB18030" },
	{ "big5", "BIG5-HKSCS" },
	{ "cnbig5", "BIG5-HKSCS" },
	{ "csbig5", "BIG5-HKSCS" },
	{ "xxbig5", "BIG5-HKSCS" },
	/* Japanese: Windows' Shift_JIS (0x5C is a backslash, not a yen). */
	{ "cp932", "CP932" },
	{ "csshiftjis", "CP932" },
	{ "mskanji", "CP932" },
	{ "shiftjis", "CP932" },
	{ "sjis", "CP932" },
	{ "windows31j", "CP932" },
	{ "xsjis", "CP932" },
	{ "csiso2022jp", "ISO-2022-JP-2" },
	{ "iso2022jp", "ISO-2022-JP-2" },
	{ "eucjp", "EUC-JP" },
	{ "xeucjp", "EUC-JP" },
};

/* A character found in charset names (and safe to give iconv_open). */
static int
mime_decode_is_name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' ||
	    c == ':' || c == '+';
}

enum mime_decode_label
mime_decode_charset_name(const char *label, char *name, size_t size)
{
	char		 folded[MIME_DECODE_CHARSET_SIZE];
	const char	*start, *end, *star;
	size_t		 len, i, n = 0;

	if (label == NULL)
		return MIME_DECODE_LABEL_GUESS;
	/* Trim white space and quotes: 'charset="UTF-8"' reaches here with
	 * them from some parsers. */
	start = label;
	end = label + strlen(label);
	for (;;) {
		while (start < end && (*start == ' ' || *start == '\t'))
			start++;
		while (end > start && (end[-1] == ' ' || end[-1] == '\t'))
			end--;
		if (end - start >= 2 && (*start == '"' || *start == '\'') &&
		    end[-1] == *start) {
			start++;
			end--;
			continue;
		}
		break;
	}
	/* RFC 2231 section 5: "=?utf-8*en?Q?...?=" carries a language. */
	if ((star = memchr(start, '*', end - start)) != NULL)
		end = star;
	len = end - start;
	if (len >= MIME_DECODE_CHARSET_SIZE)
		return MIME_DECODE_LABEL_BAD;
	for (i = 0; i < len; i++) {
		if (!mime_decode_is_name_char(start[i]))
			return MIME_DECODE_LABEL_BAD;
		if (start[i] == '-' || start[i] == '_' || start[i] == '.' ||
		    start[i] == ':')
			continue;
		folded[n++] = tolower((unsigned char)start[i]);
	}
	folded[n] = '\0';
	for (i = 0; i < sizeof mime_decode_aliases /
	    sizeof mime_decode_aliases[0]; i++) {
		if (strcmp(folded, mime_decode_aliases[i].folded) != 0)
			continue;
		if (mime_decode_aliases[i].name == NULL)
			return MIME_DECODE_LABEL_GUESS;
		if (strlen(mime_decode_aliases[i].name) >= size)
			return MIME_DECODE_LABEL_BAD;
		strcpy(name, mime_decode_aliases[i].name);
		return MIME_DECODE_LABEL_ICONV;
	}
	if (len == 0 || len >= size)
		return MIME_DECODE_LABEL_BAD;
	memcpy(name, start, len);
	name[len] = '\0';
	return MIME_DECODE_LABEL_ICONV;
}

/* Code point c as UTF-8 at o (room for 4); returns the byte count. */
static size_t
mime_decode_put(char *o, long c)
{
	if (c < 0x80) {
		o[0] = (char)c;
		return 1;
	}
	if (c < 0x800) {
		o[0] = (char)(0xc0 | c >> 6);
		o[1] = (char)(0x80 | (c & 0x3f));
		return 2;
	}
	if (c < 0x10000) {
		o[0] = (char)(0xe0 | c >> 12);
		o[1] = (char)(0x80 | (c >> 6 & 0x3f));
		o[2] = (char)(0x80 | (c & 0x3f));
		return 3;
	}
	o[0] = (char)(0xf0 | c >> 18);
	o[1] = (char)(0x80 | (c >> 12 & 0x3f));
	o[2] = (char)(0x80 | (c >> 6 & 0x3f));
	o[3] = (char)(0x80 | (c & 0x3f));
	return 4;
}

/* Valid UTF-8 without NULs from bytes read as UTF-8; a byte that starts
 * no valid sequence becomes U+FFFD, or its windows-1252 character when
 * guess is set. */
static char *
mime_decode_utf8(const char *in, size_t len, int guess)
{
	/* windows-1252 0x80-0x9f; 0 where the code page has a hole. */
	static const unsigned short	 c1[32] = {
		0x20ac, 0, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021,
		0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017d, 0,
		0, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014,
		0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0, 0x017e, 0x0178,
	};
	const unsigned char		*p = (const unsigned char *)in;
	char				*out, *o;
	size_t				 i = 0, used;
	long				 c;

	out = o = xreallocarray(NULL, len + 1, 3);
	while (i < len) {
		if (p[i] == '\0') {
			i++;
			continue;
		}
		if (p[i] < 0x80) {
			*o++ = (char)p[i++];
			continue;
		}
		if (utf8_decode(p + i, len - i, &used) != -1) {
			memcpy(o, p + i, used);
			o += used;
			i += used;
			continue;
		}
		c = p[i] >= 0xa0 ? p[i] : p[i] >= 0x80 ? c1[p[i] - 0x80] : 0;
		if (guess && c != 0)
			o += mime_decode_put(o, c);
		else {
			memcpy(o, MIME_DECODE_REPLACEMENT, 3);
			o += 3;
		}
		i++;
	}
	*o = '\0';
	return out;
}

char *
mime_decode_guess(const char *in, size_t len)
{
	return mime_decode_utf8(in, len, 1);
}

/* Make room for more bytes after used in a buffer of *cap. */
static char *
mime_decode_grow(char *out, size_t used, size_t more, size_t *cap)
{
	while (*cap - used < more) {
		if (*cap > SIZE_MAX / 2)
			fatal("%s: text too large", __func__);
		*cap *= 2;
	}
	return xreallocarray(out, *cap, 1);
}

/* len bytes in the iconv charset name as valid UTF-8 without NULs, or
 * NULL when iconv does not know the charset. */
static char *
mime_decode_iconv(const char *name, const char *in, size_t len)
{
	iconv_t	 cd;
	char	*out, *op, *ip = (char *)in, *clean;
	size_t	 cap, used, ileft = len, oleft, r;
	int	 flush = 0, error;

	if ((cd = iconv_open("UTF-8", name)) == (iconv_t)-1)
		return NULL;
	cap = len * 2 + 16;
	out = xmalloc(cap);
	used = 0;
	for (;;) {
		op = out + used;
		oleft = cap - used;
		/* At the end, return a stateful encoding (ISO-2022-JP) to
		 * its initial state, which may write bytes. */
		if (flush)
			r = iconv(cd, NULL, NULL, &op, &oleft);
		else
			r = iconv(cd, &ip, &ileft, &op, &oleft);
		used = op - out;
		error = r == (size_t)-1 ? errno : 0;
		if (error == E2BIG) {
			out = mime_decode_grow(out, used, cap + 1, &cap);
			continue;
		}
		if (!flush && (error == EILSEQ || error == EINVAL)) {
			/* One byte becomes U+FFFD and the rest goes on; a
			 * sequence cut short at the end (EINVAL) ends it.
			 * The shift state stays: what follows is still in
			 * the same mode. */
			out = mime_decode_grow(out, used, 3, &cap);
			memcpy(out + used, MIME_DECODE_REPLACEMENT, 3);
			used += 3;
			if (error == EILSEQ && ileft > 0) {
				ip++;
				ileft--;
				continue;
			}
		}
		if (flush)
			break;
		flush = 1;
	}
	iconv_close(cd);
	clean = mime_decode_utf8(out, used, 0);
	free(out);
	return clean;
}

char *
mime_decode_charset(const char *charset, const char *in, size_t len,
    int *unknown)
{
	char	 name[MIME_DECODE_CHARSET_SIZE], *out;

	if (unknown != NULL)
		*unknown = 0;
	switch (mime_decode_charset_name(charset, name, sizeof name)) {
	case MIME_DECODE_LABEL_GUESS:
		return mime_decode_guess(in, len);
	case MIME_DECODE_LABEL_ICONV:
		if (strcasecmp(name, "UTF-8") == 0)
			return mime_decode_utf8(in, len, 0);
		if ((out = mime_decode_iconv(name, in, len)) != NULL)
			return out;
		break;
	case MIME_DECODE_LABEL_BAD:
		break;
	}
	if (unknown != NULL)
		*unknown = 1;
	return mime_decode_utf8(in, len, 0);
}

/* Tags that end a line when shown as text. */
static int
mime_decode_is_block(const char *tag, size_t len)
{
	static const char *blocks[] = { "br", "p", "div", "tr", "li", "h1",
	    "h2", "h3", "h4", "h5", "h6", "table", "blockquote", "pre", "hr",
	    "ul", "ol", NULL };
	size_t	i;

	for (i = 0; blocks[i] != NULL; i++) {
		if (strlen(blocks[i]) == len &&
		    strncasecmp(tag, blocks[i], len) == 0)
			return 1;
	}
	return 0;
}

char *
mime_decode_html(const char *html, size_t len)
{
	static const struct {
		const char	*name;
		const char	*text;
	} entities[] = {
		{ "&amp;", "&" }, { "&lt;", "<" }, { "&gt;", ">" },
		{ "&quot;", "\"" }, { "&#39;", "'" }, { "&apos;", "'" },
		{ "&nbsp;", " " },
	};
	char		*out, *o;
	size_t		 i = 0, k, n;
	int		 skip = 0;	/* inside <style> or <script> */

	out = o = xmalloc(len + 1);
	while (i < len) {
		if (html[i] == '<') {
			size_t	start = i + 1, end;
			int	closing = start < len && html[start] == '/';

			if (closing)
				start++;
			for (end = start; end < len &&
			    isalnum((unsigned char)html[end]); end++)
				;
			if ((end - start == 5 && strncasecmp(html + start,
			    "style", 5) == 0) || (end - start == 6 &&
			    strncasecmp(html + start, "script", 6) == 0))
				skip = !closing;
			if (mime_decode_is_block(html + start, end - start) &&
			    o > out && o[-1] != '\n')
				*o++ = '\n';
			while (i < len && html[i] != '>')
				i++;
			i++;
			continue;
		}
		if (skip) {
			i++;
			continue;
		}
		if (html[i] == '&') {
			for (k = 0; k < sizeof entities / sizeof entities[0];
			    k++) {
				n = strlen(entities[k].name);
				if (i + n <= len && strncasecmp(html + i,
				    entities[k].name, n) == 0) {
					*o++ = entities[k].text[0];
					i += n;
					break;
				}
			}
			if (k < sizeof entities / sizeof entities[0])
				continue;
		}
		/* Source line breaks are layout, not text, in HTML. */
		if (html[i] == '\n' || html[i] == '\r') {
			if (o > out && o[-1] != ' ' && o[-1] != '\n')
				*o++ = ' ';
			i++;
			continue;
		}
		*o++ = html[i++];
	}
	*o = '\0';
	return out;
}
