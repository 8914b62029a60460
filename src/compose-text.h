/* compose-text: small edits to a draft's editor text (the header lines
 * above its first empty line), so the compose screen's keys and $EDITOR
 * change one text, which compose_parse then checks. Any process. */
#ifndef SKUA_COMPOSE_TEXT_H
#define SKUA_COMPOSE_TEXT_H

#include <stddef.h>

/* The value of the first header line called name (any case), its
 * continuation lines joined with a space; NULL if there is none. The
 * caller frees. */
char	*compose_text_get(const char *text, const char *name);

/*
 * A new text (caller frees) where the first header line called name (and
 * its continuation lines) says value instead, every other one called name
 * removed; added at the end of the header lines if there was none. A
 * NULL or empty value removes them all. Line breaks in value become
 * spaces: one edit is one line.
 */
char	*compose_text_set(const char *text, const char *name,
	    const char *value);

/* A new text with one more header line "name: value" at the end of the
 * header lines (Attach takes one line per file). */
char	*compose_text_add(const char *text, const char *name,
	    const char *value);

/* A new text without the nth (from 0) header line called name; a copy
 * when there are not that many. */
char	*compose_text_remove(const char *text, const char *name, size_t nth);

#endif
