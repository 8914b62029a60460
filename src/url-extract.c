/* url-extract: find URLs in rendered message text in one pass. A message
 * can be megabytes of hostile text, so every step is linear: each byte is
 * looked at a bounded number of times, and duplicates are found with a
 * hash set rather than by comparing with every URL so far. */
#include "auto-config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "url-extract.h"
#include "xmalloc.h"

/* The URLs so far, and a hash set of indexes into them (0: empty slot,
 * else index + 1), kept at most half full. */
struct url_extract_list {
	char	**urls;
	size_t	  n;
	size_t	 *slots;
	size_t	  nslots;
};

static const char *const url_extract_schemes[] = {
	"https://", "http://", "ftp://", "mailto:"
};

static int
url_extract_is_alnum(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9');
}

/* RFC 3986's unreserved and reserved characters, and '%'. */
static int
url_extract_is_url(unsigned char c)
{
	return url_extract_is_alnum(c) || (c != '\0' &&
	    strchr("-._~:/?#[]@!$&'()*+,;=%", c) != NULL);
}

/* The length of the scheme text starts with, or 0. */
static size_t
url_extract_scheme(const char *text)
{
	const char	*s;
	size_t		 i, j;

	/* Most bytes start no scheme: a quick look first. */
	if (text[0] == '\0' || strchr("hHfFmM", text[0]) == NULL)
		return 0;
	for (i = 0; i < sizeof url_extract_schemes /
	    sizeof url_extract_schemes[0]; i++) {
		s = url_extract_schemes[i];
		for (j = 0; s[j] != '\0'; j++) {
			/* Lower case by bit: s holds letters, ':' and '/'. */
			if (text[j] == '\0' || (s[j] >= 'a' && s[j] <= 'z' ?
			    (text[j] | 0x20) : text[j]) != s[j])
				break;
		}
		if (s[j] == '\0')
			return j;
	}
	return 0;
}

/* How much of text[0..len) is the URL once what ends a sentence around it
 * is dropped: trailing punctuation, and brackets that close nothing (the
 * URL in "(see http://x/a_(b))" keeps one ')'). */
static size_t
url_extract_trim(const char *text, size_t len)
{
	size_t	i;
	long	open_round = 0, open_square = 0;	/* opened - closed */

	for (i = 0; i < len; i++) {
		if (text[i] == '(')
			open_round++;
		else if (text[i] == ')')
			open_round--;
		else if (text[i] == '[')
			open_square++;
		else if (text[i] == ']')
			open_square--;
	}
	while (len > 0) {
		if (strchr(".,;:!?'\"*", text[len - 1]) != NULL)
			len--;
		else if (text[len - 1] == ')' && open_round < 0) {
			open_round++;
			len--;
		} else if (text[len - 1] == ']' && open_square < 0) {
			open_square++;
			len--;
		} else
			break;
	}
	return len;
}

/* FNV-1a. */
static uint64_t
url_extract_hash(const char *s, size_t len)
{
	uint64_t	h = 14695981039346656037ULL;
	size_t		i;

	for (i = 0; i < len; i++) {
		h ^= (unsigned char)s[i];
		h *= 1099511628211ULL;
	}
	return h;
}

/* The slot of the URL s[0..len): where it is, or the empty slot where it
 * would go. */
static size_t
url_extract_slot(const struct url_extract_list *l, const char *s, size_t len)
{
	size_t		 mask = l->nslots - 1, i;
	const char	*u;

	i = (size_t)url_extract_hash(s, len) & mask;
	while (l->slots[i] != 0) {
		u = l->urls[l->slots[i] - 1];
		if (strncmp(u, s, len) == 0 && u[len] == '\0')
			break;
		i = (i + 1) & mask;
	}
	return i;
}

static void
url_extract_grow(struct url_extract_list *l)
{
	size_t	i, slot;

	free(l->slots);
	l->nslots = l->nslots == 0 ? 64 : l->nslots * 2;
	l->slots = xcalloc(l->nslots, sizeof *l->slots);
	for (i = 0; i < l->n; i++) {
		slot = url_extract_slot(l, l->urls[i], strlen(l->urls[i]));
		l->slots[slot] = i + 1;
	}
}

/* Add s[0..len) unless it is there already. */
static void
url_extract_add(struct url_extract_list *l, const char *s, size_t len)
{
	size_t	slot;

	if ((l->n + 1) * 2 > l->nslots)
		url_extract_grow(l);
	slot = url_extract_slot(l, s, len);
	if (l->slots[slot] != 0)
		return;
	l->urls = xreallocarray(l->urls, l->n + 1, sizeof *l->urls);
	l->urls[l->n] = xstrndup(s, len);
	l->slots[slot] = ++l->n;
}

char **
url_extract(const char *text, size_t max, size_t *n)
{
	struct url_extract_list	 l;
	const unsigned char	*u = (const unsigned char *)text;
	size_t			 i = 0, end, scheme, len;

	memset(&l, 0, sizeof l);
	*n = 0;
	if (text == NULL)
		return NULL;
	while (u[i] != '\0' && l.n < max) {
		/* A scheme starts a word: "xhttp://" is not a URL. */
		if ((i > 0 && url_extract_is_alnum(u[i - 1])) ||
		    (scheme = url_extract_scheme(text + i)) == 0) {
			i++;
			continue;
		}
		for (end = i + scheme; url_extract_is_url(u[end]); end++)
			;
		len = url_extract_trim(text + i, end - i);
		/* Something after the scheme: a host, or an address. */
		if (len > scheme && len <= URL_EXTRACT_MAX_LENGTH &&
		    (url_extract_is_alnum(u[i + scheme]) ||
		    (u[i + scheme] == '[' && text[i + scheme - 1] == '/')))
			url_extract_add(&l, text + i, len);
		/* What was trimmed cannot start a scheme: go on after it. */
		i = end;
	}
	free(l.slots);
	*n = l.n;
	return l.urls;
}

void
url_extract_free(char **urls, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		free(urls[i]);
	free(urls);
}
