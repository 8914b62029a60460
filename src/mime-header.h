/* mime-header: header values as UTF-8 text: RFC 2047 encoded words and
 * the ways mailers break them, raw 8-bit, folding, and address lists.
 * Worker process only (it reads message bytes, with libetpan's parser). */
#ifndef SKUA_MIME_HEADER_H
#define SKUA_MIME_HEADER_H

#include <stddef.h>

/* Flags for mime_header_decode. */
#define MIME_HEADER_PHRASE	0x1	/* a display name: "quoted strings"
					   lose their quotes and escapes */

/* Address lists longer than this are shown decoded but not parsed. */
#define MIME_HEADER_MAX_PARSE	(64 * 1024)

/*
 * len bytes of a header value as one line (the caller frees it): a line
 * break followed by white space is removed (RFC 5322 2.2.3), any other
 * becomes one space, and those at the end go. NUL bytes are dropped.
 */
char	*mime_header_unfold(const char *in, size_t len);

/*
 * A header value (folded or not) decoded to UTF-8, trimmed, for reading;
 * the caller frees it. RFC 2047 encoded words are decoded wherever they
 * are, also inside words and quoted strings; white space between two of
 * them is dropped, between one and other text kept. Adjacent words in one
 * charset are joined before conversion, so a character split between them
 * comes out whole. Bytes outside encoded words are kept when they are
 * UTF-8 and read as windows-1252 when not. Nothing is dropped: an unknown
 * charset is read the same way and sets *unknown (if not NULL), a broken
 * word stays as it is. Linear in len. Valid UTF-8 without NULs, but not
 * sanitised for a terminal (mime-sanitize does that).
 */
char	*mime_header_decode(const char *in, size_t len, int flags,
	     int *unknown);

/*
 * An address header (From, To, Cc, ...) for reading: "Name <addr>, ..."
 * with names decoded, quoted when they contain what separates addresses;
 * groups as "Name: ...;". What libetpan cannot parse whole, and lists
 * longer than MIME_HEADER_MAX_PARSE, come back as mime_header_decode
 * gives them. *unknown as there. The caller frees the result.
 */
char	*mime_header_addresses(const char *in, size_t len, int *unknown);

#endif
