/* mime-sanitize: make decoded text safe for a terminal: valid UTF-8, no
 * control sequences (C0 except tab/newline, DEL, C1), no bidi overrides.
 * Any process; pure functions. */
#ifndef SKUA_MIME_SANITIZE_H
#define SKUA_MIME_SANITIZE_H

#include <stddef.h>

/* Flags for mime_sanitize. */
#define MIME_SANITIZE_KEEP_NEWLINES	0x1	/* bodies keep \n and \t */

/*
 * A sanitised copy of len bytes of s (the caller frees it). Invalid UTF-8
 * becomes U+FFFD; control characters and bidi controls are dropped (in one
 * line mode, \t, \r and \n become a space, so a header stays one line).
 */
char	*mime_sanitize(const char *s, size_t len, int flags);

#endif
