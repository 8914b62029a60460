/* pop3-fetch: downloading a POP3 maildrop into the account's Maildir, so
 * that a crash at any instant neither loses nor duplicates a message, then
 * deleting from the server what the policy says. Worker process only.
 *
 * The rules:
 *  - DELE only for a message whose record is committed in pop3.db, and a
 *    record is committed only once its file is durable in new/ (the file
 *    fsynced, then new/ fsynced).
 *  - RETR only for a UIDL without a record, and only after a journal row
 *    (UIDL -> the Maildir name it will get) is committed: every file skua
 *    writes is named in the journal or in a record before it exists.
 *
 * A batch (up to POP3_FETCH_BATCH messages or POP3_FETCH_BATCH_BYTES):
 *  1. one transaction adds the batch's journal rows; commit (fsync)
 *  2. per message: RETR, write tmp/NAME, fsync it, link it as new/NAME,
 *     unlink tmp/NAME
 *  3. fsync new/ once for the batch
 *  4. one transaction records the batch (UIDL, NAME, delivery time, size,
 *     SHA-256) and drops its journal rows; commit (fsync)
 * Then, for every listed message with a record, the policy decides on DELE;
 * then QUIT. Only a +OK to QUIT makes the server delete (RFC 1939): the
 * records of what it deleted, and of what it no longer lists, are then
 * forgotten (as fetchmail forgets ids), so a server that reuses ids later
 * does not hide new mail.
 *
 * Recovery, before each download (pop3_fetch_recover): for every journal
 * row, its NAME is looked for in the whole store (new/ and cur/ of every
 * folder, Trash too: a reader may have moved it, keeping the base name).
 * Found: that download finished; its directory is fsynced and the message
 * recorded (hash from the file). Not found: it did not; tmp/NAME is removed
 * and the row dropped, and as nothing without a record was ever DELEted,
 * the message is still on the server and comes again. A crash
 *  - before 1 commits: nothing was written; the batch comes again;
 *  - in 2 before the link: at most tmp/NAME, removed; comes again;
 *  - after the link, before 4: new/NAME is found and recorded: never
 *    downloaded a second time;
 *  - after 4, before QUIT: recorded; the DELEs of a session without QUIT
 *    are void, so they are sent again next time.
 * A power loss can also undo a link not yet fsynced (3): then the file is
 * gone with it, and the message comes again: once.
 */
#ifndef SKUA_POP3_FETCH_H
#define SKUA_POP3_FETCH_H

#include <stdint.h>

struct backend_ctx;
struct pop3_deliver;
struct pop3_policy;
struct pop3_session;
struct pop3_state;

/* Messages per batch, and bytes: fewer fsyncs of new/ and of the database
 * against more work already on disk when something fails. */
#define POP3_FETCH_BATCH	64
#define POP3_FETCH_BATCH_BYTES	(16u * 1024 * 1024)

enum pop3_fetch_status {
	POP3_FETCH_OK,
	POP3_FETCH_ERROR,	/* *error says why */
	POP3_FETCH_CANCELLED,
};

struct pop3_fetch_result {
	uint64_t	messages;	/* downloaded and stored this time */
	uint64_t	bytes;		/* their size as the server sent them */
	uint64_t	deleted;	/* deleted from the server (QUIT +OK) */
	uint64_t	kept;		/* stored, and left on the server */
	uint64_t	recovered;	/* finished from an interrupted run */
};

/* Finish or undo what an interrupted download left in the journal. */
enum pop3_fetch_status pop3_fetch_recover(struct pop3_state *,
		     struct pop3_deliver *, struct pop3_fetch_result *,
		     char **error);

/*
 * Download over session (which this ends: QUIT, or dropped after an error),
 * delete per policy, fill result. ctx (may be NULL) gets progress events
 * (bytes done and to do) and is asked about cancels between messages.
 * A message the server refuses (-ERR to RETR) is skipped, the others are
 * downloaded, and the result is an error naming it.
 */
enum pop3_fetch_status pop3_fetch_run(struct pop3_session *,
		     struct pop3_state *, struct pop3_deliver *,
		     const struct pop3_policy *, struct backend_ctx *,
		     struct pop3_fetch_result *, char **error);

#endif
