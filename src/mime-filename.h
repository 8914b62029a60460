/* mime-filename: a name from a message made safe to save under: no path,
 * no control or bidi characters, no leading dot, bounded length.
 * Any process; a pure function. */
#ifndef SKUA_MIME_FILENAME_H
#define SKUA_MIME_FILENAME_H

/* The safe form of name (NULL or empty gives "attachment"); caller frees. */
char	*mime_filename_safe(const char *name);

#endif
