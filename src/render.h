/* render: a message as the pager shows it, as text: header lines, notes,
 * the body, inline parts and the attachment list, safe for a terminal.
 * render_part and render_message: worker side (they decode message bytes,
 * and render_message runs libetpan's parser); the rest: any process. */
#ifndef SKUA_RENDER_H
#define SKUA_RENDER_H

#include <stddef.h>
#include <stdint.h>

struct mime_part;

/* Notes on a rendered text; BACKEND_NOTE_* are these values. */
#define RENDER_NOTE_CHARSET_UNKNOWN	0x01	/* shown as UTF-8 */
#define RENDER_NOTE_FROM_HTML		0x02	/* built-in HTML to text */
#define RENDER_NOTE_NO_TEXT		0x04	/* the message has no text */
#define RENDER_NOTE_HTML_COMMAND	0x08	/* HTML through html_command */
#define RENDER_NOTE_CUT			0x10	/* parts or headers left out */
#define RENDER_NOTE_AS_TEXT		0x20	/* MIME unreadable: raw text */
#define RENDER_NOTE_SIGNED		0x40	/* multipart/signed, unchecked */
#define RENDER_NOTE_ENCRYPTED		0x80	/* multipart/encrypted */

struct render_opts {
	int		 prefer_html;	/* in multipart/alternative */
	const char	*html_command;	/* NULL: the default command */
	int		 width;		/* columns for HTML; 0: 80 */
	int		 inline_depth;	/* message/rfc822 levels shown inline */
	const char	*headers;	/* pager_headers; NULL: the default */
};

/*
 * The text of leaf part p from its raw bytes (still transfer-encoded):
 * transfer decoding, charset to UTF-8, format=flowed joined, HTML turned
 * into text, then made safe for a terminal (mime-sanitize). Adds
 * RENDER_NOTE_* bits to *notes. Never NULL; the caller frees.
 */
char	*render_part(const struct mime_part *p, const char *raw, size_t len,
	     const struct render_opts *, uint32_t *notes);

/*
 * A whole message (RFC 5322 bytes) as the pager shows it: the header lines
 * the headers option names (by default From, To, Cc, Date, Subject; RFC
 * 2047 decoded; absent ones left out), an empty line, notes,
 * the text, message/rfc822 parts inline, then one line per attachment.
 * Never NULL; the caller frees.
 */
char	*render_message(const char *buf, size_t len,
	     const struct render_opts *);

/*
 * A message/rfc822 part p shown inline, as the pager puts it after the
 * text: its attachment line (number as in the list), then, indented, the
 * headers of header (hlen bytes of its header block, or NULL) and its
 * text (already rendered). Worker side (it parses the header block). The
 * caller frees.
 */
char	*render_forwarded(size_t number, const struct mime_part *p,
	     const char *header, size_t hlen, const char *text,
	     const struct render_opts *);

struct mime_message;
/* The notes what mime_message_parse left out or refused calls for
 * (RENDER_NOTE_AS_TEXT, RENDER_NOTE_CUT). */
uint32_t render_message_notes(const struct mime_message *);

/* The notes the shape of a tree calls for: RENDER_NOTE_SIGNED for
 * multipart/signed, RENDER_NOTE_ENCRYPTED for multipart/encrypted and
 * S/MIME enveloped data, looked for down multiparts. */
uint32_t render_shape_notes(const struct mime_part *);

/* The note lines for notes, translated, in a fixed order: up to max of
 * them into lines (borrowed strings); returns how many. */
size_t	 render_notes(uint32_t notes, const char **lines, size_t max);

/* The next name of a pager_headers list (names separated by spaces or
 * commas) at *list: its start, its length in *len, and *list moved past
 * it; NULL at the end. What cannot be a header's name (RFC 5322:
 * printable ASCII but ':') is passed over, so a name is safe to print. */
const char *render_header_next(const char **list, size_t *len);

/* A size as mutt shows it: 512, 1.5K, 12K, 3.4M, 1.2G. */
void	 render_size(char *buf, size_t len, uint64_t n);

/* "[-- Attachment #N: name (type, size) --]" (no name: no ": name"),
 * made safe for a terminal; the caller frees. */
char	*render_attachment_line(size_t number, const char *name,
	     const char *type, uint64_t size);

#endif
