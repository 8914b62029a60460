/* mime-structure: skua's MIME tree of a message, built from IMAP
 * BODYSTRUCTURE, kept as text in the mirror, and what the reader asks it.
 * mime_structure_from_imap: worker only (libetpan data). The rest: any
 * process; pure functions on plain data. */
#ifndef SKUA_MIME_STRUCTURE_H
#define SKUA_MIME_STRUCTURE_H

#include <stddef.h>
#include <stdint.h>

struct mailimap_body;

/* Bounds on a tree: deeper parts and parts past the count are dropped by
 * mime_structure_from_imap and refused by mime_structure_parse. */
#define MIME_STRUCTURE_MAX_DEPTH	32	/* levels; the root is one */
#define MIME_STRUCTURE_MAX_PARTS	1000

enum mime_structure_status {
	MIME_STRUCTURE_OK,
	MIME_STRUCTURE_INVALID,		/* not text that serialize wrote */
};

/*
 * One MIME part. A tree is owned by its root: every string and child
 * belongs to it and goes with mime_structure_free(root). Strings marked
 * "or NULL" are optional; the others are never NULL. Text from the
 * server is not sanitised for a terminal (mime-sanitize does that).
 */
struct mime_part {
	/*
	 * IMAP part specifier for BODY[...]: "1", "2.1", ...; "" for a root
	 * multipart; "1" for the body of a single-part message (BODY[1]
	 * works there too); "N.TEXT" for the multipart body of the
	 * message/rfc822 part N (its children are N.1, N.2, ...), while a
	 * single-part body of message/rfc822 N is "N.1". Computed from the
	 * shape of the tree, never stored.
	 */
	char			 *section;
	char			 *type;		/* lowercase: "text", ... */
	char			 *subtype;	/* lowercase: "plain", ... */
	char			 *charset;	/* lowercase, or NULL */
	/* The file name: the disposition's filename, else the type's name
	 * parameter; RFC 2231 (continuations, charsets) and RFC 2047 decoded
	 * to valid UTF-8 (U+FFFD for what cannot be converted), or NULL. */
	char			 *name;
	/* "inline" or "attachment" (RFC 2183: what is unknown), or NULL. */
	char			 *disposition;
	/* Content-Transfer-Encoding, lowercase: "7bit", "base64",
	 * "quoted-printable", ...; NULL for a multipart. */
	char			 *encoding;
	char			 *id;		/* Content-ID, or NULL */
	uint64_t		  size;		/* octets sent; multipart: 0 */
	uint32_t		  lines;	/* text and message/rfc822 */
	uint32_t		  flags;	/* MIME_PART_* */
	/* A multipart's parts, or the one body of a message/rfc822. */
	struct mime_part	**children;
	size_t			  nchildren;
};

/* mime_part flags: Content-Type parameters the reader needs. */
#define MIME_PART_FLOWED	0x1	/* format=flowed (RFC 3676) */
#define MIME_PART_DELSP		0x2	/* and delsp=yes */

/* skua's tree of a BODYSTRUCTURE; the caller frees it. Never NULL for a
 * non-NULL body (beyond the bounds above, parts are left out). */
struct mime_part	*mime_structure_from_imap(const struct mailimap_body *);

/*
 * The tree as text for the mirror (the caller frees it): the line "mime2",
 * then one line per part in depth-first order, eleven fields separated by
 * one space:
 *	DEPTH TYPE SUBTYPE CHARSET NAME DISPOSITION ENCODING ID SIZE LINES FLAGS
 * DEPTH is 0 for the root and one more than the parent for a child. A
 * NULL string is "-"; other strings are written with %XX (uppercase hex)
 * for bytes up to space, from DEL up, '%', and a leading '-'. Each line
 * ends with "\n". parse(serialize(t)) is equal to t, field for field.
 */
char			*mime_structure_serialize(const struct mime_part *);

/*
 * Read text that mime_structure_serialize wrote (or an older "mime1"
 * text, whose lines have no FLAGS). On MIME_STRUCTURE_OK
 * *out is the caller's (mime_structure_free). Otherwise *out is NULL and
 * *error (if error is not NULL) says what is wrong; the caller frees it.
 * Any input is safe: garbage, truncation, huge numbers, deep nesting.
 */
enum mime_structure_status mime_structure_parse(const char *,
			    struct mime_part **out, char **error);

/* Give every part of a tree built by hand its section (see above). */
void			 mime_structure_number_root(struct mime_part *);

struct mailimap_body_fld_param;
/* Parameter key of params as a name, RFC 2231 continuations and charsets
 * and RFC 2047 words decoded to valid UTF-8; NULL if there is none. Worker
 * only (libetpan data). */
char			*mime_structure_param_name(
			     const struct mailimap_body_fld_param *params,
			     const char *key);

/* The part of the tree whose section is section (borrowed), or NULL. */
const struct mime_part	*mime_structure_find(const struct mime_part *,
			     const char *section);

/* Free a tree; NULL is fine. */
void			 mime_structure_free(struct mime_part *);

/*
 * The part to show as the message's text, borrowed from the tree: in
 * multipart/alternative text/plain is preferred (text/html if prefer_html),
 * the first part of multipart/related and multipart/signed, the first
 * text in multipart/mixed (and unknown multiparts) that is not a
 * disposition "attachment", and the body of message/rfc822 only when that
 * is the whole message. NULL when there is no text to show.
 */
const struct mime_part	*mime_structure_display(const struct mime_part *,
			     int prefer_html);

typedef void (*mime_structure_cb)(const struct mime_part *, void *);

/*
 * Call cb (if not NULL) in order for each part the reader does not show
 * as text and that is not just another form of it: attachments, other
 * parts of a multipart/mixed, a message/rfc822 inside the message (once,
 * as a whole). Not listed: the text shown, the other alternatives of it
 * (text parts under multipart/alternative unless their disposition is
 * "attachment"), the resources of multipart/related (unless their
 * disposition is "attachment"), the signature of multipart/signed and
 * the version part of multipart/encrypted. Returns how many; the same
 * for either prefer_html. Parts are borrowed from the tree.
 */
size_t			 mime_structure_attachments(const struct mime_part *,
			     mime_structure_cb cb, void *arg);

/* Whether the message has an attachment worth a mark in the index: one
 * that mime_structure_attachments lists and that has a name, is a
 * disposition "attachment", or is not text to read (a calendar is data);
 * an unnamed inline text part, such as a mailing list footer, is not. */
int			 mime_structure_has_attachments(
			     const struct mime_part *);

#endif
