/* mime-decode: libetpan decodes the transfer encodings; iconv converts
 * charsets, one bad byte at a time becoming U+FFFD, so a broken message
 * still shows everything that can be shown. */
#include "auto-config.h"

#include <ctype.h>
#include <errno.h>
#include <iconv.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libetpan/libetpan.h>

#include "mime-decode.h"
#include "utf8.h"
#include "xmalloc.h"

void
mime_decode_transfer(const char *encoding, const char *in, size_t len,
    char **out, size_t *outlen)
{
	char	*result = NULL;
	size_t	 indx = 0, rlen = 0;
	int	 mechanism = -1;

	if (encoding != NULL && strcasecmp(encoding, "base64") == 0)
		mechanism = MAILMIME_MECHANISM_BASE64;
	else if (encoding != NULL &&
	    strcasecmp(encoding, "quoted-printable") == 0)
		mechanism = MAILMIME_MECHANISM_QUOTED_PRINTABLE;
	if (mechanism != -1 && mailmime_part_parse(in, len, &indx, mechanism,
	    &result, &rlen) == MAILIMF_NO_ERROR && result != NULL) {
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

char *
mime_decode_charset(const char *charset, const char *in, size_t len,
    int *unknown)
{
	iconv_t		 cd;
	const char	*from = charset;
	char		*out, *op, *ip = (char *)in;
	size_t		 cap, ileft = len, oleft;

	if (unknown != NULL)
		*unknown = 0;
	if (from == NULL || strcasecmp(from, "us-ascii") == 0 ||
	    strcasecmp(from, "iso-8859-1") == 0 ||
	    strcasecmp(from, "latin1") == 0) {
		if (utf8_is_valid(in, len))
			from = "UTF-8";
		else
			from = "WINDOWS-1252";
	}
	if ((cd = iconv_open("UTF-8", from)) == (iconv_t)-1) {
		if (unknown != NULL)
			*unknown = 1;
		cd = iconv_open("UTF-8", "UTF-8");
		if (cd == (iconv_t)-1)
			return xstrndup(in, len);
	}
	cap = len * 4 + 16;
	out = op = xmalloc(cap);
	oleft = cap - 1;
	while (ileft > 0) {
		if (iconv(cd, &ip, &ileft, &op, &oleft) != (size_t)-1)
			break;
		if (errno == E2BIG) {
			size_t used = op - out;

			cap *= 2;
			out = xreallocarray(out, cap, 1);
			op = out + used;
			oleft = cap - used - 1;
			continue;
		}
		/* EILSEQ or EINVAL: one byte becomes U+FFFD; go on. */
		if (oleft < 4) {
			size_t used = op - out;

			cap *= 2;
			out = xreallocarray(out, cap, 1);
			op = out + used;
			oleft = cap - used - 1;
		}
		memcpy(op, "\xef\xbf\xbd", 3);
		op += 3;
		oleft -= 3;
		ip++;
		ileft--;
		iconv(cd, NULL, NULL, NULL, NULL);
	}
	iconv_close(cd);
	*op = '\0';
	return out;
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
