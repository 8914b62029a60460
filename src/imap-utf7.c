/* imap-utf7: folder names cross the wire in modified UTF-7; the rest of
 * skua speaks UTF-8. Decoding is strict so a name has one spelling. */
#include "auto-config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "imap-utf7.h"
#include "utf8.h"
#include "xmalloc.h"

static const char imap_utf7_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,";

/* The 6-bit value of a modified base64 character, or -1. */
static int
imap_utf7_value(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == ',')
		return 63;
	return -1;
}

/* Append code point c (a scalar value, checked by the caller) as UTF-8. */
static char *
imap_utf7_put_utf8(char *o, uint32_t c)
{
	if (c < 0x80)
		*o++ = (char)c;
	else if (c < 0x800) {
		*o++ = (char)(0xc0 | (c >> 6));
		*o++ = (char)(0x80 | (c & 0x3f));
	} else if (c < 0x10000) {
		*o++ = (char)(0xe0 | (c >> 12));
		*o++ = (char)(0x80 | ((c >> 6) & 0x3f));
		*o++ = (char)(0x80 | (c & 0x3f));
	} else {
		*o++ = (char)(0xf0 | (c >> 18));
		*o++ = (char)(0x80 | ((c >> 12) & 0x3f));
		*o++ = (char)(0x80 | ((c >> 6) & 0x3f));
		*o++ = (char)(0x80 | (c & 0x3f));
	}
	return o;
}

/* Decode one '&'...'-' run starting after the '&'; *pp moves past the
 * '-'. Returns the new output end, or NULL if the run is malformed. */
static char *
imap_utf7_decode_run(const unsigned char **pp, char *o)
{
	const unsigned char	*p = *pp;
	uint32_t		 bits = 0, unit, high = 0, c;
	int			 nbits = 0, v;

	for (; *p != '-'; p++) {
		if (*p == '\0' || (v = imap_utf7_value(*p)) == -1)
			return NULL;
		bits = (bits << 6) | (uint32_t)v;
		nbits += 6;
		if (nbits < 16)
			continue;
		nbits -= 16;
		unit = (bits >> nbits) & 0xffff;
		bits &= (1u << nbits) - 1;
		if (high != 0) {
			if (unit < 0xdc00 || unit > 0xdfff)
				return NULL;
			c = 0x10000 + ((high - 0xd800) << 10) + (unit - 0xdc00);
			high = 0;
		} else if (unit >= 0xd800 && unit <= 0xdbff) {
			high = unit;
			continue;
		} else if (unit >= 0xdc00 && unit <= 0xdfff)
			return NULL;
		else if (unit == 0 || (unit >= 0x20 && unit <= 0x7e))
			return NULL;	/* ASCII must represent itself */
		else
			c = unit;
		o = imap_utf7_put_utf8(o, c);
	}
	/* A whole unused 6-bit group, or padding that is not zero. */
	if (high != 0 || nbits >= 6 || bits != 0)
		return NULL;
	*pp = p + 1;
	return o;
}

char *
imap_utf7_decode(const char *in)
{
	const unsigned char	*p = (const unsigned char *)in;
	char			*out, *o;

	if (in == NULL)
		return NULL;
	/* ASCII is copied; a base64 run gives at most 18 bytes per 16. */
	out = o = xreallocarray(NULL, strlen(in) + 1, 2);
	while (*p != '\0') {
		if (*p < 0x20 || *p > 0x7e)
			goto fail;
		if (*p != '&') {
			*o++ = (char)*p++;
			continue;
		}
		p++;
		if (*p == '-') {
			*o++ = '&';
			p++;
			continue;
		}
		if ((o = imap_utf7_decode_run(&p, o)) == NULL)
			goto fail;
	}
	*o = '\0';
	return out;

fail:
	free(out);
	return NULL;
}


/* The base64 state of an open run. */
struct imap_utf7_run {
	uint32_t	bits;
	int		nbits;
};

/* Add one UTF-16 unit to an open run. */
static char *
imap_utf7_put_unit(struct imap_utf7_run *r, char *o, uint32_t unit)
{
	r->bits = (r->bits << 16) | unit;
	r->nbits += 16;
	while (r->nbits >= 6) {
		r->nbits -= 6;
		*o++ = imap_utf7_alphabet[(r->bits >> r->nbits) & 0x3f];
	}
	r->bits &= (1u << r->nbits) - 1;
	return o;
}

/* Flush the last bits (zero padded) and shift back to ASCII. */
static char *
imap_utf7_close_run(struct imap_utf7_run *r, char *o)
{
	if (r->nbits > 0)
		*o++ = imap_utf7_alphabet[(r->bits << (6 - r->nbits)) & 0x3f];
	*o++ = '-';
	r->bits = 0;
	r->nbits = 0;
	return o;
}

char *
imap_utf7_encode(const char *utf8)
{
	const unsigned char	*s = (const unsigned char *)utf8;
	struct imap_utf7_run	 run = { 0, 0 };
	char			*out, *o;
	size_t			 used, left;
	long			 c;
	int			 in_run = 0;

	if (utf8 == NULL)
		return NULL;
	/* Worst case: a lone control character costs "&AAE-", 5 bytes. */
	out = o = xreallocarray(NULL, strlen(utf8) + 1, 5);
	left = strlen(utf8);
	while (*s != '\0') {
		if ((c = utf8_decode(s, left, &used)) == -1) {
			free(out);
			return NULL;
		}
		s += used;
		left -= used;
		if (c >= 0x20 && c <= 0x7e) {
			if (in_run) {
				o = imap_utf7_close_run(&run, o);
				in_run = 0;
			}
			*o++ = (char)c;
			if (c == '&')
				*o++ = '-';
			continue;
		}
		if (!in_run) {
			*o++ = '&';
			in_run = 1;
		}
		if (c >= 0x10000) {
			c -= 0x10000;
			o = imap_utf7_put_unit(&run, o, 0xd800 + (c >> 10));
			o = imap_utf7_put_unit(&run, o, 0xdc00 + (c & 0x3ff));
		} else
			o = imap_utf7_put_unit(&run, o, (uint32_t)c);
	}
	if (in_run)
		o = imap_utf7_close_run(&run, o);
	*o = '\0';
	return out;
}
