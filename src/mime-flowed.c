/* mime-flowed: format=flowed text is sent as short lines that end in a
 * space where the sender's paragraph goes on; the reader undoes that so
 * paragraphs rewrap to any width instead of showing ragged 72-column
 * lines, and keeps quoting levels apart. */
#include "auto-config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mime-flowed.h"
#include "xmalloc.h"

/* A growing byte buffer. */
struct mime_flowed_buf {
	char	*s;
	size_t	 len;
	size_t	 size;
};

static void
mime_flowed_add(struct mime_flowed_buf *b, const char *p, size_t len)
{
	size_t	size;

	if (b->size - b->len <= len) {
		size = b->size == 0 ? 256 : b->size;
		while (size - b->len <= len) {
			if (size > SIZE_MAX / 2)
				fatal("%s: text too large", __func__);
			size *= 2;
		}
		b->s = xreallocarray(b->s, size, 1);
		b->size = size;
	}
	memcpy(b->s + b->len, p, len);
	b->len += len;
	b->s[b->len] = '\0';
}

static void
mime_flowed_addc(struct mime_flowed_buf *b, char c)
{
	mime_flowed_add(b, &c, 1);
}

/* End an open paragraph whose last line was flowed but had nothing to
 * join (RFC 3676 4.2: improperly flowed): its soft space is not text. */
static void
mime_flowed_close(struct mime_flowed_buf *b, int delsp, int newline)
{
	if (!delsp && b->len > 0 && b->s[b->len - 1] == ' ')
		b->s[--b->len] = '\0';
	if (newline)
		mime_flowed_addc(b, '\n');
}

char *
mime_flowed_decode(const char *in, size_t len, int delsp)
{
	struct mime_flowed_buf	 b = { NULL, 0, 0 };
	const char		*nl;
	size_t			 i = 0, end, next, q, cend, d, depth;
	size_t			 open_depth = 0;
	int			 open = 0, open_newline = 0, sig, flowed;

	mime_flowed_add(&b, "", 0);
	while (i < len) {
		nl = memchr(in + i, '\n', len - i);
		end = nl != NULL ? (size_t)(nl - in) : len;
		next = nl != NULL ? end + 1 : len;
		if (end > i && in[end - 1] == '\r')
			end--;

		/* Quote depth, then one space of stuffing (4.4, 4.5). */
		for (q = i, depth = 0; q < end && in[q] == '>'; q++)
			depth++;
		if (q < end && in[q] == ' ')
			q++;
		sig = end - q == 3 && memcmp(in + q, "-- ", 3) == 0;
		flowed = !sig && end > q && in[end - 1] == ' ';

		/* Different depths never join (4.5); nor does a signature
		 * separator join what comes before it. */
		if (open && (depth != open_depth || sig)) {
			mime_flowed_close(&b, delsp, 1);
			open = 0;
		}
		if (!open) {
			for (d = 0; d < depth; d++)
				mime_flowed_addc(&b, '>');
			if (depth > 0 && (flowed || end > q))
				mime_flowed_addc(&b, ' ');
		}
		cend = end;
		if (flowed && delsp)
			cend--;
		mime_flowed_add(&b, in + q, cend - q);
		if (flowed) {
			open = 1;
			open_depth = depth;
			open_newline = nl != NULL;
		} else {
			open = 0;
			if (nl != NULL)
				mime_flowed_addc(&b, '\n');
		}
		i = next;
	}
	if (open)
		mime_flowed_close(&b, delsp, open_newline);
	return b.s;
}
