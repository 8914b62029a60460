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
 * Convert to UTF-8 from charset (NULL: us-ascii). Bytes that do not convert
 * become U+FFFD; us-ascii and iso-8859-1 are read as windows-1252, their
 * common mislabelling, unless the text is valid UTF-8. An unknown charset is
 * read as UTF-8 and *unknown is set (if not NULL). The caller frees.
 */
char	*mime_decode_charset(const char *charset, const char *in, size_t len,
	     int *unknown);
/* A readable plain-text form of HTML: tags dropped, block tags as line
 * breaks, common entities decoded. The caller frees. */
char	*mime_decode_html(const char *html, size_t len);

#endif
