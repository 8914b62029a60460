/* utf8: strict UTF-8 decoding, shared by everything that must not trust
 * the bytes it is given. Any process; pure functions. */
#ifndef SKUA_UTF8_H
#define SKUA_UTF8_H

#include <stddef.h>

/* Decode one sequence of at most len (> 0) bytes at s: the code point, or
 * -1 for an invalid, overlong, surrogate or truncated one (then *used is 1,
 * so callers can step over the bad byte). */
long	utf8_decode(const unsigned char *s, size_t len, size_t *used);
/* Whether len bytes at s are all valid UTF-8. */
int	utf8_is_valid(const char *s, size_t len);

#endif
