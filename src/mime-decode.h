/* mime-decode: a fetched part's bytes into text for the screen: transfer
 * decoding (base64, quoted-printable), any charset to UTF-8, and a plain
 * fallback for HTML. Worker process only (it handles message bytes). */
#ifndef SKUA_MIME_DECODE_H
#define SKUA_MIME_DECODE_H

#include <stddef.h>

/* Undo the Content-Transfer-Encoding (NULL or unknown: as is). *out is the
 * caller's, NUL-terminated, *outlen its length. */
void	 mime_decode_transfer(const char *encoding, const char *in, size_t len,
	     char **out, size_t *outlen);
/*
 * Convert to UTF-8 from charset (NULL: us-ascii), the label read as
 * mime_decode_charset_name reads it. Bytes that do not convert become
 * U+FFFD; labels that say nothing are guessed (mime_decode_guess). An
 * unknown charset is read as UTF-8 and *unknown is set (if not NULL). The
 * result is valid UTF-8 without NUL bytes; the caller frees it.
 */
char	*mime_decode_charset(const char *charset, const char *in, size_t len,
	     int *unknown);

/* Room mime_decode_charset_name needs for a name, with its NUL. */
#define MIME_DECODE_CHARSET_SIZE	65

/* How mime_decode_charset_name read a label. */
enum mime_decode_label {
	MIME_DECODE_LABEL_ICONV,	/* name is for iconv_open */
	/* Missing, or so often wrong that the bytes decide (us-ascii,
	 * iso-8859-1, x-unknown): see mime_decode_guess. */
	MIME_DECODE_LABEL_GUESS,
	MIME_DECODE_LABEL_BAD,		/* not a charset name at all */
};
/*
 * The iconv name of a charset label as mail has it: quotes and white space
 * trimmed, an RFC 2231 language ("utf-8*en") dropped, aliases and common
 * mislabels resolved to a superset ("ks_c_5601-1987" and "euc-kr" are
 * CP949, "gb2312" is GB18030, "shift_jis" is CP932). name (size bytes, at
 * least MIME_DECODE_CHARSET_SIZE) is set for MIME_DECODE_LABEL_ICONV only.
 * A label too long or with characters no charset has is BAD: it is never
 * given to iconv_open, which parses it ("x//TRANSLIT").
 */
enum mime_decode_label mime_decode_charset_name(const char *label,
	     char *name, size_t size);
/* Bytes with no trustworthy label as UTF-8: each valid UTF-8 sequence is
 * kept, any other byte is read as windows-1252 (Latin-1 in practice);
 * NUL bytes are dropped. Valid UTF-8; the caller frees. */
char	*mime_decode_guess(const char *in, size_t len);
/* A readable plain-text form of HTML: tags dropped, block tags as line
 * breaks, common entities decoded. The caller frees. */
char	*mime_decode_html(const char *html, size_t len);

#endif
