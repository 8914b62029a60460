/* url-extract: the URLs in a message's text (http, https, ftp, mailto), for
 * the pager's URL list. Plain text in, plain strings out; any process. */
#ifndef SKUA_URL_EXTRACT_H
#define SKUA_URL_EXTRACT_H

#include <stddef.h>

/* At most so many URLs are listed; a longer one than the length is left
 * out (no one opens it, and a screen could not show it). */
#define URL_EXTRACT_MAX		500
#define URL_EXTRACT_MAX_LENGTH	8192

/*
 * The distinct URLs of text, in the order they first appear, at most max
 * of them: a scheme (http://, https://, ftp://, mailto:, in any case) that
 * does not follow a letter or a digit, then the characters RFC 3986
 * allows, ASCII only. Punctuation that ends a sentence (".,;:!?'\"*") is
 * dropped from the end, and so is a ')' or ']' that closes nothing in the
 * URL. One pass over text, in linear time. Sets *n; returns an array of n
 * strings (NULL when none; also for NULL text) that the caller frees with
 * url_extract_free.
 */
char	**url_extract(const char *text, size_t max, size_t *n);
void	  url_extract_free(char **urls, size_t n);

#endif
