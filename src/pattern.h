/* pattern: mutt-style patterns for the index (limit, search, tag-pattern):
 * parsed once, then matched against each row, or walked to be translated
 * for a server (imap-search). No curses: unit tested alone.
 * UI process and worker processes alike.
 *
 * A pattern without ~, ! or | is plain text, found in the subject or the
 * sender. Otherwise it is terms, all of which must match, or alternatives
 * joined by |, each term negated by a leading ! and grouped with ( ):
 *
 *   ~A            every message
 *   ~N, ~U        unread (skua has no "new but seen" state: both are unread)
 *   ~R            read
 *   ~F            flagged
 *   ~D            marked deleted
 *   ~Q            replied to
 *   ~T            tagged (the UI's own state: no server knows it)
 *   ~f TEXT       TEXT in the sender (name or address)
 *   ~s TEXT       TEXT in the subject
 *   ~t TEXT       TEXT in To
 *   ~c TEXT       TEXT in Cc
 *   ~C TEXT       TEXT in To or Cc
 *   ~b TEXT       TEXT in the body          (a server's search only)
 *   ~B TEXT       TEXT anywhere in the message, headers and body
 *                                           (a server's search only)
 *   ~d <3d, >2w   dated within / before the last N units: y m w d H M
 *   ~z <50K, >1M, 10K-2M   size in bytes, K or M
 *   TEXT          TEXT in the subject or the sender
 *
 * TEXT is a word, or quoted with "" or ''; a backslash escapes the next
 * character. Text is a substring, not a regular expression, and compares
 * without case for ASCII letters only: "müller" does not find "MÜLLER",
 * while "muller" finds "MULLER". (An IMAP server folds more than ASCII.)
 *
 * Dates: y, m, w and d count whole days in UTC, as IMAP's SINCE and
 * BEFORE do. ~d <3d is a date on or after the UTC day three days before
 * now (00:00 UTC that day); ~d >3d is a date before that day: the two
 * never overlap. Months and years go back on the calendar (a month before
 * 31 May is 1 May: 31 April rolls over). H and M count to the second from
 * now; no server search can say that, so imap-search leaves such a
 * pattern to pattern_match. A message without a date matches neither.
 *
 * pattern_match has only the index row: ~b and ~B match nothing there
 * (so !~b x matches everything); pattern_needs_server says a pattern has
 * them.
 */
#ifndef SKUA_PATTERN_H
#define SKUA_PATTERN_H

#include <stddef.h>
#include <stdint.h>

struct pattern;
struct pattern_node;

/* What a pattern looks at: one message of the index. Strings may be NULL
 * (they then match no text); set every field (to and cc NULL when the
 * row has none). */
struct pattern_message {
	const char	*from;
	const char	*subject;
	const char	*to;		/* the To addresses, or NULL */
	const char	*cc;		/* the Cc addresses, or NULL */
	uint32_t	 flags;		/* STORE_FLAG_* */
	uint32_t	 size;
	int64_t		 date;		/* seconds since the epoch; 0 unknown */
	int		 tagged;
};

enum pattern_status {
	PATTERN_OK,
	PATTERN_INVALID,
};

/*
 * Parse text into *pattern. now (seconds since the epoch) anchors ~d's
 * relative dates, so a pattern keeps the dates it was parsed with. An
 * empty text, "all", "." and "~A" match every message (pattern_is_all).
 * On PATTERN_INVALID *pattern is NULL and *error says what is wrong and
 * where; the caller frees it. text may be NULL (treated as empty).
 */
enum pattern_status	 pattern_parse(const char *text, int64_t now,
			     struct pattern **pattern, char **error);
void			 pattern_free(struct pattern *);
/* Whether m matches. */
int			 pattern_match(const struct pattern *,
			     const struct pattern_message *m);
/* Whether it matches every message, whatever it is: a limit to it is no
 * limit at all. */
int			 pattern_is_all(const struct pattern *);
/* Whether it has ~b or ~B, which pattern_match cannot judge: only a
 * server's search answers it rightly. */
int			 pattern_needs_server(const struct pattern *);

/*
 * The parsed tree, read only, for a module that translates it to another
 * query language. Nodes are the pattern's, valid until pattern_free. The
 * kind says which accessor means something: text for the text kinds,
 * flag for FLAG and NO_FLAG, range for DATE, TIME and SIZE, left for NOT,
 * left and right for AND and OR; the others return NULL or 0.
 */
enum pattern_kind {
	PATTERN_KIND_ALL,
	PATTERN_KIND_TEXT,	/* text: in the subject or the sender */
	PATTERN_KIND_FROM,	/* text */
	PATTERN_KIND_SUBJECT,	/* text */
	PATTERN_KIND_TO,	/* text */
	PATTERN_KIND_CC,	/* text */
	PATTERN_KIND_TO_CC,	/* text: in To or Cc */
	PATTERN_KIND_BODY,	/* text: in the body */
	PATTERN_KIND_MESSAGE,	/* text: anywhere (headers and body) */
	PATTERN_KIND_FLAG,	/* flag (one STORE_FLAG_* bit) set */
	PATTERN_KIND_NO_FLAG,	/* flag clear */
	PATTERN_KIND_TAGGED,
	PATTERN_KIND_DATE,	/* min <= date <= max, whole UTC days: min is
				   1 (any known date) or 00:00:00 UTC of the
				   first day, max INT64_MAX or 23:59:59 UTC
				   of the last day (seconds since the epoch,
				   possibly before 1970) */
	PATTERN_KIND_TIME,	/* min <= date <= max, to the second */
	PATTERN_KIND_SIZE,	/* min <= size <= max; max may pass 2^32 */
	PATTERN_KIND_NOT,	/* left */
	PATTERN_KIND_AND,	/* left and right */
	PATTERN_KIND_OR,	/* left or right */
};

const struct pattern_node *pattern_root(const struct pattern *);
enum pattern_kind	 pattern_node_kind(const struct pattern_node *);
/* The text, folded to lower case for ASCII letters (as typed otherwise). */
const char		*pattern_node_text(const struct pattern_node *);
uint32_t		 pattern_node_flag(const struct pattern_node *);
void			 pattern_node_range(const struct pattern_node *,
			     int64_t *min, int64_t *max);
const struct pattern_node *pattern_node_left(const struct pattern_node *);
const struct pattern_node *pattern_node_right(const struct pattern_node *);

#endif
