/* imap-fetch: one body section of one message by UID, in partial chunks,
 * to a sink or the part cache, with progress, cancel and resume; and the
 * MIME header of a section; and marking a message seen. Worker only. */
#ifndef SKUA_IMAP_FETCH_H
#define SKUA_IMAP_FETCH_H

#include <stddef.h>
#include <stdint.h>

struct imap_session;
struct store_cache;

/* Bytes asked for per UID FETCH: big enough that round trips do not
 * dominate, small enough that libetpan's in-memory copy stays small and a
 * dropped connection loses little. */
#define IMAP_FETCH_CHUNK	(512u * 1024)
/* Most bytes of a MIME header imap_fetch_mime_header accepts. */
#define IMAP_FETCH_HEADER_MAX	(64u * 1024)

/*
 * Which statuses leave the session usable: OK, NOT_FOUND, REFUSED, SINK,
 * INVALID and TOO_BIG do. ERROR and CANCELLED mean the stream is dead or out
 * of step (a drop, a timeout, a parse error, a cancel): abort the session
 * (imap_session_abort) and connect again.
 */
enum imap_fetch_status {
	IMAP_FETCH_OK,
	IMAP_FETCH_NOT_FOUND,	/* no such UID (expunged), or UIDVALIDITY
				   changed */
	IMAP_FETCH_REFUSED,	/* the server answered NO or BAD */
	IMAP_FETCH_SINK,	/* the sink or the cache failed (disk full) */
	IMAP_FETCH_INVALID,	/* a bad section, UID 0, offset past 4 GiB */
	IMAP_FETCH_TOO_BIG,	/* a MIME header over IMAP_FETCH_HEADER_MAX */
	IMAP_FETCH_ERROR,	/* network or protocol: drop the session */
	IMAP_FETCH_CANCELLED,	/* the interrupt fd fired: drop the session */
};

/* Takes each chunk in order; buf is borrowed for the call. Returns 0, or
 * non-zero to stop the fetch (IMAP_FETCH_SINK) with *error set (the fetch
 * hands it on to its caller). */
typedef int	(*imap_fetch_sink_cb)(const char *buf, size_t len, void *arg,
		     char **error);
/* After each chunk: bytes of the section now at the sink (the start offset
 * included) and the total the caller passed (0: unknown). To cancel, make
 * the session's interrupt fd readable; the next read or write fails. */
typedef void	(*imap_fetch_progress_cb)(uint64_t done, uint64_t total,
		     void *arg);

/*
 * Fetch section ("" for the whole message, "1", "1.2", "2.TEXT", ...; see
 * store-cache.h) of message uid in the folder the caller has SELECTed or
 * EXAMINEd, from offset on, with UID FETCH uid BODY.PEEK[section]<o.n> in
 * chunks of IMAP_FETCH_CHUNK until one comes back short. BODY.PEEK: never
 * sets \Seen (imap_fetch_flag_seen does, when the caller wants it). total
 * (the BODYSTRUCTURE size, or 0) is only passed on to progress. Either
 * callback may be NULL. *fetched is offset plus the bytes given to sink:
 * the section's size on IMAP_FETCH_OK, where to resume otherwise. Only
 * whole chunks ever reach the sink: a chunk cut short by a drop is dropped.
 * On failure *error says why (caller frees).
 */
enum imap_fetch_status imap_fetch_section(struct imap_session *, uint32_t uid,
		     const char *section, uint64_t offset, uint64_t total,
		     imap_fetch_sink_cb sink, imap_fetch_progress_cb progress,
		     void *arg, uint64_t *fetched, char **error);

/*
 * imap_fetch_section into the part cache under (folder, uidvalidity, uid,
 * section): resumes a partial left by an earlier run, commits only when the
 * section is complete, and keeps the partial on a cancel or an error for the
 * next run (removes it if the message is gone). uidvalidity must be that of
 * the selected folder (checked when the session knows it). *resumed_from
 * (may be NULL) is the offset this run started at. A committed file is left
 * alone: the call returns IMAP_FETCH_OK at once.
 */
enum imap_fetch_status imap_fetch_to_cache(struct imap_session *,
		     struct store_cache *, const char *folder,
		     uint32_t uidvalidity, uint32_t uid, const char *section,
		     uint64_t total, imap_fetch_progress_cb, void *arg,
		     uint64_t *resumed_from, char **error);

/*
 * The MIME header of a section (for its charset and transfer encoding):
 * BODY.PEEK[section.MIME], or BODY.PEEK[HEADER] for the message itself
 * (section NULL or ""). *out is the caller's, NUL-terminated after *len
 * bytes; over IMAP_FETCH_HEADER_MAX bytes is IMAP_FETCH_TOO_BIG.
 */
enum imap_fetch_status imap_fetch_mime_header(struct imap_session *,
		     uint32_t uid, const char *section, char **out,
		     size_t *len, char **error);

/* UID STORE uid +FLAGS.SILENT (\Seen): the caller's choice to mark a
 * message read, apart from fetching it. Needs a SELECTed folder. */
enum imap_fetch_status imap_fetch_flag_seen(struct imap_session *,
		     uint32_t uid, char **error);

#endif
