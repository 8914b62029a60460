/* pattern: mutt-style patterns for the index (limit, search, tag-pattern):
 * parsed once, then matched against each row. No curses: unit tested alone.
 * UI process.
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
 *   ~T            tagged
 *   ~f TEXT       TEXT in the sender (name or address)
 *   ~s TEXT       TEXT in the subject
 *   ~d <3d, >2w   dated within / before the last N units: y m w d H M
 *   ~z <50K, >1M, 10K-2M   size in bytes, K or M
 *   TEXT          TEXT in the subject or the sender
 *
 * TEXT is a word, or quoted with "" or ''; a backslash escapes the next
 * character. Text is a substring, not a regular expression, and compares
 * without case for ASCII letters only: "müller" does not find "MÜLLER",
 * while "muller" finds "MULLER".
 */
#ifndef SKUA_PATTERN_H
#define SKUA_PATTERN_H

#include <stddef.h>
#include <stdint.h>

struct pattern;

/* What a pattern looks at: one message of the index. Strings may be NULL
 * (they then match no text). */
struct pattern_message {
	const char	*from;
	const char	*subject;
	uint32_t	 flags;		/* STORE_FLAG_* */
	uint32_t	 size;
	int64_t		 date;		/* seconds since the epoch */
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

#endif
