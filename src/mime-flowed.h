/* mime-flowed: text/plain; format=flowed (RFC 3676) as paragraphs, soft
 * line breaks joined, for the pager to wrap at the screen's width.
 * Any process; a pure function. */
#ifndef SKUA_MIME_FLOWED_H
#define SKUA_MIME_FLOWED_H

#include <stddef.h>

/*
 * Decode len bytes of format=flowed text (UTF-8, as mime_decode_charset
 * gives it) into one line per paragraph, "\n" between lines (CRLF in is
 * read as LF). Space-stuffing is removed; a quoted paragraph keeps its
 * depth as ">" marks then a space (">> text"); lines of different depths
 * and the signature separator "-- " are never joined. delsp (DelSp=yes)
 * removes the space before each soft break. Splits only at ASCII, so
 * valid UTF-8 stays valid. The caller frees the result.
 */
char	*mime_flowed_decode(const char *in, size_t len, int delsp);

#endif
