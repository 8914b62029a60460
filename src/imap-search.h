/* imap-search: a pattern (pattern.h) as an IMAP search key, run with UID
 * SEARCH on the selected folder, so that a limit or a search covers what
 * the index's rows cannot: message bodies. Worker process only.
 *
 * The translation:
 *   ~A ALL           ~f FROM      ~s SUBJECT     ~t TO        ~c CC
 *   ~C OR TO CC      ~b BODY      ~B TEXT        plain text OR SUBJECT FROM
 *   ~N ~U UNSEEN     ~R SEEN      ~F FLAGGED     ~D DELETED   ~Q ANSWERED
 *   ~z LARGER n, SMALLER n (RFC822.SIZE, as the rows' size)
 *   ~d <Nd SINCE day, ~d >Nd BEFORE day; days in whole UTC days (pattern.h)
 *   !  NOT           |  OR        terms side by side: ( ... )
 * Texts go as IMAP strings, folded to lower case (search is without
 * case anyway); libetpan adds CHARSET UTF-8 to the command only where a
 * text is not ASCII, and sends such a text as a LITERAL+ literal where the
 * server offers it, else quoted with 8-bit bytes (RFC 3501 wants a
 * literal; dovecot takes both).
 *
 * Dates: SINCE and BEFORE compare the internal date (the arrival time),
 * not the Date header (SENTSINCE, SENTBEFORE), because a server takes the
 * Date header's day as written, in the sender's zone, which the rows do
 * not keep; the internal date's day is taken in the server's zone, which
 * for dovecot is that of the process (UTC in the test rig). A row's date
 * is the Date header, so server and rows can disagree by a day for mail
 * that arrived late, or around midnight where the server's zone is not
 * UTC; in the rig, whose internal dates are the Date headers' instants,
 * they agree.
 *
 * What no search key says makes the pattern untranslatable
 * (IMAP_SEARCH_LOCAL): ~T (a UI state), ~d with H or M (to the second),
 * and texts with control characters (CR, LF: a quoted string cannot hold
 * them). The caller then matches the rows itself (pattern_match).
 * Case: servers fold more than ASCII (dovecot: i;unicode-casemap), so
 * "müller" finds "MÜLLER" on the server but not in pattern_match.
 */
#ifndef SKUA_IMAP_SEARCH_H
#define SKUA_IMAP_SEARCH_H

#include <stddef.h>
#include <stdint.h>

struct imap_session;
struct pattern;

enum imap_search_status {
	IMAP_SEARCH_OK,
	IMAP_SEARCH_LOCAL,	/* not translatable: match locally; nothing
				   was sent */
	IMAP_SEARCH_REFUSED,	/* the server answered NO (a charset it
				   lacks), or no folder is selected: the
				   session is still usable */
	IMAP_SEARCH_ERROR,	/* network, protocol or parse error, or a
				   cancel: abort the session. A BAD is one
				   too (dovecot's answer to a text that is
				   not UTF-8): libetpan reports it as it
				   reports a reply out of step */
};

/*
 * UID SEARCH for pattern in the folder the caller has SELECTed or
 * EXAMINEd. On IMAP_SEARCH_OK *uids (the caller frees it; NULL when *n is
 * 0) holds the *n matching UIDs, ascending and without repeats. On
 * REFUSED and ERROR *error says why (caller frees); on LOCAL it stays
 * NULL.
 */
enum imap_search_status imap_search_run(struct imap_session *,
		     const struct pattern *, uint32_t **uids, size_t *n,
		     char **error);
/*
 * The arguments UID SEARCH would be given for pattern, as IMAP text
 * ("CHARSET UTF-8 " first where a text is not ASCII, then the keys, a
 * non-ASCII text quoted), for logs and tests; NULL when the pattern is not
 * translatable. The caller frees it.
 */
char		*imap_search_text(const struct pattern *);

#endif
