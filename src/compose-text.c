/* compose-text: header edits on a draft's editor text. The text is the
 * truth; these only rewrite its header lines and leave the body alone. */
#include "auto-config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "compose-text.h"
#include "log.h"
#include "xmalloc.h"

/* One header field: its first line to the end of its last continuation
 * line, the line break included. */
struct compose_text_field {
	const char	*start;
	const char	*end;
};

/* The end of the line at p, after its line break. */
static const char *
compose_text_eol(const char *p)
{
	const char	*nl = strchr(p, '\n');

	return nl != NULL ? nl + 1 : p + strlen(p);
}

/* Where the header lines end: at the first empty line, or the text's
 * end when there is none. */
static const char *
compose_text_headers_end(const char *text)
{
	const char	*p = text;

	while (*p != '\0') {
		if (*p == '\n' || (p[0] == '\r' && p[1] == '\n'))
			return p;
		p = compose_text_eol(p);
	}
	return p;
}

/* The next field at *p before end, or 0 when there is none. */
static int
compose_text_next(const char **p, const char *end,
    struct compose_text_field *f)
{
	const char	*q = *p;

	if (q >= end)
		return 0;
	f->start = q;
	q = compose_text_eol(q);
	while (q < end && (*q == ' ' || *q == '\t'))
		q = compose_text_eol(q);
	f->end = q;
	*p = q;
	return 1;
}

/* Whether the field is called name. */
static int
compose_text_is(const struct compose_text_field *f, const char *name)
{
	size_t		 len = strlen(name);
	const char	*p = f->start + len;

	if ((size_t)(f->end - f->start) <= len ||
	    strncasecmp(f->start, name, len) != 0)
		return 0;
	while (p < f->end && (*p == ' ' || *p == '\t'))
		p++;
	return p < f->end && *p == ':';
}

char *
compose_text_get(const char *text, const char *name)
{
	struct compose_text_field f;
	const char	*p = text, *end = compose_text_headers_end(text), *v;
	char		*out, *w;

	while (compose_text_next(&p, end, &f)) {
		if (!compose_text_is(&f, name))
			continue;
		v = (const char *)memchr(f.start, ':',
		    (size_t)(f.end - f.start)) + 1;
		out = w = xmalloc((size_t)(f.end - v) + 1);
		for (; v < f.end; v++) {
			if (*v == '\r')
				continue;
			if (*v == '\n') {
				/* A fold and the white space after it: one
				 * space, as the compose screen shows it. */
				while (v + 1 < f.end && (v[1] == ' ' ||
				    v[1] == '\t'))
					v++;
				if (v + 1 < f.end)
					*w++ = ' ';
				continue;
			}
			*w++ = *v;
		}
		*w = '\0';
		/* Trim both ends, as compose_parse does. */
		w = out + strspn(out, " \t");
		memmove(out, w, strlen(w) + 1);
		w = out + strlen(out);
		while (w > out && (w[-1] == ' ' || w[-1] == '\t'))
			*--w = '\0';
		return out;
	}
	return NULL;
}

/* Write "name: value" as one line, line breaks in value made spaces. */
static void
compose_text_line(FILE *f, const char *name, const char *value)
{
	const char	*v;

	fprintf(f, "%s: ", name);
	for (v = value; *v != '\0'; v++)
		fputc(*v == '\r' || *v == '\n' ? ' ' : *v, f);
	fputc('\n', f);
}

static FILE *
compose_text_open(char **out, size_t *len)
{
	FILE	*f;

	*out = NULL;
	*len = 0;
	if ((f = open_memstream(out, len)) == NULL)
		fatal("open_memstream");
	return f;
}

static char *
compose_text_close(FILE *f, char **out)
{
	if (fclose(f) != 0)
		fatal("open_memstream");
	return *out;
}

/* The header lines must end in a line break before anything follows. */
static void
compose_text_tail(FILE *f, const char *end)
{
	if (*end == '\0')
		fputc('\n', f);
	fputs(end, f);
}

char *
compose_text_set(const char *text, const char *name, const char *value)
{
	struct compose_text_field fl;
	const char	*p = text, *end = compose_text_headers_end(text);
	char		*out;
	size_t		 len;
	int		 done = 0;
	FILE		*f = compose_text_open(&out, &len);

	if (value != NULL && *value == '\0')
		value = NULL;
	while (compose_text_next(&p, end, &fl)) {
		if (!compose_text_is(&fl, name)) {
			fwrite(fl.start, 1, (size_t)(fl.end - fl.start), f);
			/* A last header line without its break. */
			if (fl.end == end && end > text && end[-1] != '\n')
				fputc('\n', f);
			continue;
		}
		if (value != NULL && !done)
			compose_text_line(f, name, value);
		done = 1;
	}
	if (value != NULL && !done)
		compose_text_line(f, name, value);
	compose_text_tail(f, end);
	return compose_text_close(f, &out);
}

char *
compose_text_add(const char *text, const char *name, const char *value)
{
	const char	*end = compose_text_headers_end(text);
	char		*out;
	size_t		 len;
	FILE		*f = compose_text_open(&out, &len);

	fwrite(text, 1, (size_t)(end - text), f);
	if (end > text && end[-1] != '\n')
		fputc('\n', f);
	compose_text_line(f, name, value);
	compose_text_tail(f, end);
	return compose_text_close(f, &out);
}

char *
compose_text_remove(const char *text, const char *name, size_t nth)
{
	struct compose_text_field fl;
	const char	*p = text, *end = compose_text_headers_end(text);
	char		*out;
	size_t		 len, seen = 0;
	FILE		*f = compose_text_open(&out, &len);

	while (compose_text_next(&p, end, &fl)) {
		if (compose_text_is(&fl, name) && seen++ == nth)
			continue;
		fwrite(fl.start, 1, (size_t)(fl.end - fl.start), f);
		if (fl.end == end && end > text && end[-1] != '\n')
			fputc('\n', f);
	}
	compose_text_tail(f, end);
	return compose_text_close(f, &out);
}
