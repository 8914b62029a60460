/* msg: requests and events between the UI and the account workers, as plain
 * data: typed fields, length-prefixed frames on a socketpair, read whole. */
#ifndef SKUA_MSG_H
#define SKUA_MSG_H

#include <stddef.h>
#include <stdint.h>

/*
 * Every request (UI -> worker) carries an id chosen by the UI; the worker
 * answers with any number of events carrying the same id, then exactly one
 * final reply: MSG_DONE, MSG_ERROR, MSG_CANCELLED or MSG_UNSUPPORTED.
 * Unsolicited events (new mail, connection state) carry id 0.
 */
enum msg_type {
	MSG_NONE = 0,

	/* Requests. */
	MSG_REQ_HELLO = 1,	/* str account name; first message to a worker */
	MSG_REQ_FOLDER_LIST,	/* (none) */
	MSG_REQ_FOLDER_OPEN,	/* str folder */
	MSG_REQ_PART_FETCH,	/* str folder, u32 uid, str section,
				   u32 render flags, u32 width,
				   str html_command ("": default) */
	MSG_REQ_PART_SAVE,	/* str folder, u32 uid, str section, str path */
	MSG_REQ_SYNC,		/* str folder ("" = all), u32 flags */
	MSG_REQ_CANCEL,		/* u32 id of the request to cancel */
	MSG_REQ_ANSWER,		/* u32 question id, str answer */
	MSG_REQ_QUIT,		/* (none) */
	MSG_REQ_FLAGS,		/* str folder, u32 add, u32 remove,
				   u32 n, n × u32 uid */
	MSG_REQ_COPY,		/* str folder, str dest, u32 move (0/1),
				   u32 n, n × u32 uid */
	MSG_REQ_DELETE,		/* str folder, u32 n, n × u32 uid: to the
				   trash, or marked, as the account says */
	MSG_REQ_EXPUNGE,	/* str folder, u32 n, n × u32 uid (marked
				   deleted by the user): purge them */
	MSG_REQ_FOLDER_CHANGE,	/* u32 op (BACKEND_FOLDER_*), str name,
				   str new name (rename) */
	MSG_REQ_QUOTA,		/* (none): MSG_EV_QUOTA, then the biggest
				   messages as MSG_EV_BIG, u32 limit */
	MSG_REQ_SEARCH,		/* str folder, str pattern (src/pattern.h) */
	MSG_REQ_APPEND,		/* str folder, u32 flags, bytes message;
				   DONE carries u32 uid (0: unknown) */
	MSG_REQ_ARCHIVE,	/* str folder, u32 n, n × u32 uid: into
				   the local Maildir, then off the server */
	MSG_REQ_SEND,		/* str sent folder ("": none; POP3: the
				   local Sent), str sender ("": from's
				   address), u32 n, n × str recipient,
				   bytes message: queued in the outbox,
				   then sent (src/send.h) */
	MSG_REQ_OUTBOX_FLUSH,	/* (none): send the outbox again */
	MSG_REQ_OUTBOX_LIST,	/* (none): MSG_EV_OUTBOX for each */
	MSG_REQ_ADDRESSES,	/* str prefix, u32 limit: MSG_EV_ADDRESS
				   for each match, best first */
	MSG_REQ_DRAFT,		/* str folder, u32 uid, u32 kind
				   (DRAFT_*, src/draft.h): DONE carries
				   str editor text */

	/* Events. */
	MSG_EV_FOLDER = 64,	/* one folder's description */
	MSG_EV_ROWS,		/* a batch of message summaries */
	MSG_EV_FLAGS,		/* flags changed for some rows */
	MSG_EV_VANISHED,	/* rows gone */
	MSG_EV_PART,		/* (part of) a fetched part */
	MSG_EV_PROGRESS,	/* u64 done, u64 total, str what */
	MSG_EV_QUESTION,	/* u32 question id, u32 kind, str text, ... */
	MSG_EV_STATE,		/* u32 state (online/offline/...), str detail */
	MSG_EV_QUOTA,		/* u64 used, u64 limit (KiB), str root */
	MSG_EV_FETCHED,		/* POP3 sync: u64 messages, u64 bytes
				   downloaded, u64 deleted, u64 kept on the
				   server */
	MSG_EV_CHANGED,		/* str folder: changed on the server by
				   someone else (IDLE); id 0 */
	MSG_EV_NOTE,		/* str text: something the user should
				   know (a queued change, one dropped) */
	MSG_EV_SEARCH,		/* u32 n, n × u32 uid: what matched */
	MSG_EV_BIG,		/* str folder, u32 uid, u32 size, str from,
				   str subject, str largest attachment,
				   u64 its size */
	MSG_EV_OUTBOX,		/* str id, str subject, str recipients
				   (", "), u32 failed attempts, str the
				   last error ("": none) */
	MSG_EV_ADDRESS,		/* str "Name <addr>" (or a bare address) */

	/* Final replies. */
	MSG_DONE = 128,		/* (request specific, often none) */
	MSG_ERROR,		/* u32 code, str message for a person */
	MSG_CANCELLED,		/* (none) */
	MSG_UNSUPPORTED,	/* str what */
};

/* The u32 code of a MSG_ERROR: who failed; the message says why. */
enum msg_error_code {
	MSG_CODE_BACKEND = 1,	/* the backend failed (server, store, ...) */
	MSG_CODE_REQUEST,	/* the worker could not read the request */
	MSG_CODE_WORKER,	/* the worker died; made up by the UI side */
	MSG_CODE_TIMEOUT,	/* the worker stalled, was killed (UI side) */
	MSG_CODE_KEPT,		/* MSG_REQ_SEND: not sent, but safe in the
				   outbox, to be retried */
};

enum msg_status {
	MSG_OK,
	MSG_AGAIN,		/* no whole message yet (non-blocking read) */
	MSG_EOF,		/* the peer closed the socket */
	MSG_ERROR_IO,		/* read/write failed: errno says why */
	MSG_ERROR_FORMAT,	/* bad frame or field: drop the peer */
};

/* A refused frame: bigger than this is garbage, not a message. */
#define MSG_MAX_SIZE	(64u * 1024 * 1024)

struct msg;

/*
 * Build. msg_new returns a message the caller owns; msg_add_* append a typed
 * field. Strings are stored with their length, so msg_add_strn keeps NUL
 * bytes. A message growing past MSG_MAX_SIZE is a bug: fatal().
 */
struct msg	*msg_new(enum msg_type, uint32_t id);
void		 msg_free(struct msg *);
void		 msg_add_u32(struct msg *, uint32_t);
void		 msg_add_u64(struct msg *, uint64_t);
void		 msg_add_str(struct msg *, const char *);	/* NULL ok */
void		 msg_add_strn(struct msg *, const char *, size_t);
void		 msg_add_bytes(struct msg *, const void *, size_t);

enum msg_type	 msg_type(const struct msg *);
uint32_t	 msg_id(const struct msg *);
/* Set the id (the account layer numbers requests and events). */
void		 msg_set_id(struct msg *, uint32_t);
int		 msg_is_final(const struct msg *);

/*
 * Read fields in order. Each checks the field's type tag and bounds and
 * returns MSG_ERROR_FORMAT on a mismatch, without moving on. msg_get_str
 * returns a NUL-terminated copy the caller frees (NULL for a NULL string);
 * msg_get_strn also gives its length, for strings with NUL bytes in them.
 * msg_get_bytes returns a pointer borrowed until msg_free. msg_end checks
 * that nothing is left.
 */
enum msg_status	 msg_get_u32(struct msg *, uint32_t *);
enum msg_status	 msg_get_u64(struct msg *, uint64_t *);
enum msg_status	 msg_get_str(struct msg *, char **);
enum msg_status	 msg_get_strn(struct msg *, char **, size_t *);
enum msg_status	 msg_get_bytes(struct msg *, const void **, size_t *);
enum msg_status	 msg_end(struct msg *);
/* Start reading again from the first field. */
void		 msg_rewind(struct msg *);

/* Serialisation, for the socket and for tests. */
/* The frame for m; borrowed until m changes or is freed. */
const void	*msg_frame(const struct msg *, size_t *len);
/* Parse one frame at buf; on MSG_OK *out is the caller's, *used the bytes
 * taken. MSG_AGAIN when buf holds less than a whole frame; MSG_ERROR_FORMAT
 * for a length out of bounds, an unknown field tag or a truncated field. */
enum msg_status	 msg_parse(const void *buf, size_t len, struct msg **out,
		     size_t *used);

/*
 * A channel: one end of a socketpair, with an input buffer and an output
 * queue, usable non-blocking (the UI, with poll) or blocking (a worker).
 * The fd is made O_NONBLOCK; writes never raise SIGPIPE.
 */
struct msg_channel;

struct msg_channel *msg_channel_new(int fd);	/* takes the fd */
void		 msg_channel_free(struct msg_channel *);	/* closes it */
int		 msg_channel_fd(const struct msg_channel *);
/* Queue m (ownership passes to the channel) and try to write. MSG_OK once
 * queued, even if some is left to write; MSG_ERROR_IO if writing failed. */
enum msg_status	 msg_channel_send(struct msg_channel *, struct msg *);
/* Write what is queued without blocking; MSG_AGAIN if some is left. */
enum msg_status	 msg_channel_flush(struct msg_channel *);
/* Whether output is waiting (poll for POLLOUT then). */
int		 msg_channel_pending(const struct msg_channel *);
/* Block until everything queued is written. */
enum msg_status	 msg_channel_drain(struct msg_channel *);
/* Read what the socket has without blocking, then return the next whole
 * message (caller owns it) or MSG_AGAIN / MSG_EOF / an error. Messages
 * read before the peer closed come first; then MSG_EOF, or MSG_ERROR_FORMAT
 * if it closed in the middle of a frame. */
enum msg_status	 msg_channel_receive(struct msg_channel *, struct msg **);
/* The same, waiting up to timeout_ms (-1: forever) for a whole message;
 * queued output is written meanwhile. */
enum msg_status	 msg_channel_wait(struct msg_channel *, struct msg **,
		     int timeout_ms);

#endif
