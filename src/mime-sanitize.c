/* mime-sanitize: runs after all decoding (RFC 2047, charsets), where
 * escapes reappear, so that nothing from a message can talk to the
 * terminal or reorder what is shown. */
#include "auto-config.h"

#include <stdint.h>
#include <string.h>

#include "mime-sanitize.h"
#include "utf8.h"
#include "xmalloc.h"

/* Code points never shown: C0/C1 controls, DEL, bidi embeddings, overrides
 * and isolates, and the line/paragraph separators. */
static int
mime_sanitize_is_control(long c)
{
	return c < 0x20 || c == 0x7f || (c >= 0x80 && c <= 0x9f) ||
	    (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069) ||
	    c == 0x200e || c == 0x200f || c == 0x061c ||
	    c == 0x2028 || c == 0x2029;
}

char *
mime_sanitize(const char *s, size_t len, int flags)
{
	const unsigned char	*p = (const unsigned char *)s;
	char			*out, *o;
	size_t			 i = 0, used;
	long			 c;

	/* Each invalid byte becomes 3 bytes (U+FFFD) at most. */
	out = o = xmalloc(len * 3 + 1);
	while (i < len) {
		c = utf8_decode(p + i, len - i, &used);
		if (c == -1) {
			memcpy(o, "\xef\xbf\xbd", 3);
			o += 3;
		} else if (c == '\n' || c == '\t' || c == '\r') {
			if (flags & MIME_SANITIZE_KEEP_NEWLINES) {
				if (c != '\r')
					*o++ = (char)c;
			} else if (o == out || o[-1] != ' ')
				*o++ = ' ';
		} else if (!mime_sanitize_is_control(c)) {
			memcpy(o, p + i, used);
			o += used;
		}
		i += used;
	}
	*o = '\0';
	return out;
}
