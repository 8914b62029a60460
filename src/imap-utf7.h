/* imap-utf7: IMAP folder names in modified UTF-7 (RFC 3501 5.1.3), to and
 * from UTF-8. Any process; pure functions. */
#ifndef SKUA_IMAP_UTF7_H
#define SKUA_IMAP_UTF7_H

/*
 * A mailbox name as the server sent it, in UTF-8 (the caller frees it).
 * NULL when the name is not strict modified UTF-7: bytes outside printable
 * ASCII, an '&' run that is not closed by '-', a character outside the
 * modified base64 alphabet, leftover bits that are not zero or that make
 * a whole 6-bit group, printable ASCII or U+0000 hidden in base64, or a
 * UTF-16 surrogate that is not part of a pair inside one run. NULL in,
 * NULL out.
 */
char	*imap_utf7_decode(const char *);

/*
 * A UTF-8 name in modified UTF-7 to send to the server (the caller frees
 * it); each run of non-printable or non-ASCII characters is one '&'...'-'
 * run. NULL when the input is not valid UTF-8 (overlong forms,
 * surrogates, beyond U+10FFFF, truncated sequences) or is NULL.
 */
char	*imap_utf7_encode(const char *utf8);

#endif
