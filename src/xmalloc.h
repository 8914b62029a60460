/* xmalloc: allocation that never returns NULL, and fatal().
 * Any process may call these; out of memory ends the process with a message. */
#ifndef SKUA_XMALLOC_H
#define SKUA_XMALLOC_H

#include <stdarg.h>
#include <stddef.h>

void	*xmalloc(size_t);
void	*xcalloc(size_t, size_t);
void	*xreallocarray(void *, size_t, size_t);
char	*xstrdup(const char *);
char	*xstrndup(const char *, size_t);
/* Formatted allocation; the caller frees the result. */
char	*xasprintf(const char *, ...) __attribute__((format(printf, 1, 2)));
char	*xvasprintf(const char *, va_list) __attribute__((format(printf, 1, 0)));
/* Broken invariant or out of memory: log, print and exit(1). */
void	 fatal(const char *, ...)
	    __attribute__((format(printf, 1, 2), noreturn));

#endif
