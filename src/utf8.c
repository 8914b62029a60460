/* utf8: one strict decoder (RFC 3629: no overlongs, no surrogates, nothing
 * above U+10FFFF) instead of one per module. */
#include "auto-config.h"

#include "utf8.h"

long
utf8_decode(const unsigned char *s, size_t len, size_t *used)
{
	long	c;
	size_t	n, i;

	*used = 1;
	if (s[0] < 0x80)
		return s[0];
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		n = 2;
		c = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		n = 3;
		c = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		n = 4;
		c = s[0] & 0x07;
	} else
		return -1;
	if (len < n)
		return -1;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return -1;
		c = (c << 6) | (s[i] & 0x3f);
	}
	if ((n == 3 && c < 0x800) || (n == 4 && (c < 0x10000 ||
	    c > 0x10ffff)) || (c >= 0xd800 && c <= 0xdfff))
		return -1;
	*used = n;
	return c;
}

int
utf8_is_valid(const char *s, size_t len)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 used;

	while (len > 0) {
		if (utf8_decode(p, len, &used) == -1)
			return 0;
		p += used;
		len -= used;
	}
	return 1;
}
