/* mime-message: a whole message from its bytes (a file, a Maildir entry),
 * parsed with libetpan into skua's MIME tree, with where each body lies.
 * Worker process only: it runs libetpan's parser over untrusted bytes. */
#ifndef SKUA_MIME_MESSAGE_H
#define SKUA_MIME_MESSAGE_H

#include <stddef.h>

struct mime_part;

/* Bounds: a header block past MIME_MESSAGE_MAX_HEADER bytes is read that
 * far; the tree's bounds are mime-structure's. */
#define MIME_MESSAGE_MAX_HEADER		(256 * 1024)
#define MIME_MESSAGE_MAX_FIELD		(64 * 1024)	/* one header value */

/* What mime_message_cuts reports: each says that some of the message is
 * not in the tree, or was read as plain text. */
#define MIME_MESSAGE_CUT_HEADER		0x01	/* header block too long */
#define MIME_MESSAGE_CUT_PARTS		0x02	/* too many or too deep parts */
#define MIME_MESSAGE_REFUSED		0x04	/* input known to crash the
						   parser: shown as text */
#define MIME_MESSAGE_UNPARSED		0x08	/* the parser gave up */

struct mime_message;

/* Parse len bytes of buf, which must outlive the result. Never NULL: what
 * cannot be parsed as MIME becomes one text/plain part (see the cuts). */
struct mime_message	*mime_message_parse(const char *buf, size_t len);
void			 mime_message_free(struct mime_message *);

/* The tree (owned by the message); sections are numbered as IMAP does. */
const struct mime_part	*mime_message_root(const struct mime_message *);
/* MIME_MESSAGE_* bits. */
unsigned		 mime_message_cuts(const struct mime_message *);

/* The body of a leaf part, still transfer-encoded, borrowed from buf:
 * 0, or -1 for a part with none (a multipart). */
int			 mime_message_body(const struct mime_message *,
			     const struct mime_part *, const char **data,
			     size_t *len);
/*
 * Header name of the message itself (msg NULL or the root) or of the
 * message inside a message/rfc822 part msg: the first such field,
 * unfolded, not yet decoded (RFC 2047 is the caller's), cut at
 * MIME_MESSAGE_MAX_FIELD bytes. NULL when absent; the caller frees.
 */
char			*mime_message_header(const struct mime_message *,
			     const struct mime_part *msg, const char *name);

#endif
