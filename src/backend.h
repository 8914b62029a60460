/* backend: the operations every account kind provides (IMAP, POP3, local
 * Maildir), and the context they use to talk back. Worker process only. */
#ifndef SKUA_BACKEND_H
#define SKUA_BACKEND_H

#include <stddef.h>
#include <stdint.h>

struct config_account;
struct msg;
struct render_opts;

enum backend_status {
	BACKEND_OK,
	BACKEND_ERROR,		/* *error says why, for a person */
	BACKEND_CANCELLED,	/* the request was cancelled */
	BACKEND_UNSUPPORTED,	/* this kind of account cannot do that */
	BACKEND_OFFLINE,	/* no connection; answered from local data */
};

/*
 * What a backend gets to talk back while it serves one request. It is made
 * by the worker loop (account-worker.c) for each request.
 */
struct backend_ctx;

/* Send an event for the current request; ownership of m passes. The type
 * and fields are the backend's; the id is set here. */
void	 backend_emit(struct backend_ctx *, struct msg *);
/* A progress event; also tells the watchdog the request is alive. */
void	 backend_progress(struct backend_ctx *, uint64_t done, uint64_t total,
	     const char *what);
/* Whether the UI cancelled the current request (reads pending input). */
int	 backend_cancelled(struct backend_ctx *);
/* A descriptor that becomes readable when the UI sends anything (a cancel,
 * an answer): network waits poll it too, so a cancel interrupts them. */
int	 backend_interrupt_fd(struct backend_ctx *);
/* Ask the user (certificate, password): sends MSG_EV_QUESTION, waits for
 * the answer. Returns 0 with *answer (caller frees), or -1 if cancelled. */
int	 backend_ask(struct backend_ctx *, uint32_t kind, const char *text,
	     char **answer);
/* The id of the request being served (0 for none). */
uint32_t backend_request_id(struct backend_ctx *);

/*
 * The operations. state is what open() made. Each returns a status and, on
 * BACKEND_ERROR, an error message the caller frees. Events for the request
 * go out through ctx; the worker loop sends the one final reply.
 */
struct backend {
	const char	*name;
	enum backend_status (*open)(struct backend_ctx *,
			    const struct config_account *, void **state,
			    char **error);
	void		(*close)(void *state);
	enum backend_status (*folder_list)(void *state, struct backend_ctx *,
			    char **error);
	enum backend_status (*folder_open)(void *state, struct backend_ctx *,
			    const char *folder, char **error);
	enum backend_status (*part_fetch)(void *state, struct backend_ctx *,
			    const char *folder, uint32_t uid,
			    const char *section, const struct render_opts *,
			    char **error);
	enum backend_status (*part_save)(void *state, struct backend_ctx *,
			    const char *folder, uint32_t uid,
			    const char *section, const char *path,
			    char **error);
	enum backend_status (*sync)(void *state, struct backend_ctx *,
			    const char *folder, uint32_t flags, char **error);
	/*
	 * Changes (MSG_REQ_FLAGS, _COPY, _DELETE, _EXPUNGE): made on the
	 * server and in the local data, with MSG_EV_FLAGS or
	 * MSG_EV_VANISHED for what changed. Offline, a backend that can
	 * keeps the change and makes it later (BACKEND_OK, with a
	 * MSG_EV_NOTE saying so).
	 */
	enum backend_status (*flags)(void *state, struct backend_ctx *,
			    const char *folder, const uint32_t *uids, size_t n,
			    uint32_t add, uint32_t remove, char **error);
	enum backend_status (*copy)(void *state, struct backend_ctx *,
			    const char *folder, const char *dest,
			    const uint32_t *uids, size_t n, int move,
			    char **error);
	enum backend_status (*remove)(void *state, struct backend_ctx *,
			    const char *folder, const uint32_t *uids, size_t n,
			    char **error);
	enum backend_status (*expunge)(void *state, struct backend_ctx *,
			    const char *folder, const uint32_t *uids, size_t n,
			    char **error);
	enum backend_status (*folder_change)(void *state, struct backend_ctx *,
			    uint32_t op, const char *name, const char *newname,
			    char **error);
	enum backend_status (*quota)(void *state, struct backend_ctx *,
			    uint32_t limit, char **error);
	enum backend_status (*search)(void *state, struct backend_ctx *,
			    const char *folder, const char *pattern,
			    char **error);
	enum backend_status (*append)(void *state, struct backend_ctx *,
			    const char *folder, uint32_t flags,
			    const char *data, size_t len, uint32_t *uid,
			    char **error);
	/* Copy messages into the account's local Maildir, durably, then
	 * delete them from the server for good (a full mailbox). */
	enum backend_status (*archive)(void *state, struct backend_ctx *,
			    const char *folder, const uint32_t *uids, size_t n,
			    char **error);
	/*
	 * Between requests: watch the open folder for changes made by
	 * others (IMAP IDLE) and send MSG_EV_CHANGED (id 0) for them.
	 * Returns 1 when it returns because fd (the UI's socket) is
	 * readable or after a change was sent, 0 when it has nothing to
	 * watch (the caller then just waits for the UI).
	 */
	int		(*idle)(void *state, struct backend_ctx *, int fd);
};

/* MSG_REQ_FOLDER_CHANGE ops. */
#define BACKEND_FOLDER_CREATE		1
#define BACKEND_FOLDER_RENAME		2
#define BACKEND_FOLDER_DELETE		3
#define BACKEND_FOLDER_SUBSCRIBE	4
#define BACKEND_FOLDER_UNSUBSCRIBE	5
/* The most UIDs one change request carries (the UI splits bigger ones). */
#define BACKEND_MAX_UIDS		100000

/* MSG_EV_QUESTION kinds, and the answers the UI sends back. */
#define BACKEND_QUESTION_PASSWORD	1	/* answer: the password */
#define BACKEND_QUESTION_CERTIFICATE	2	/* "once", "always" or "no" */
#define BACKEND_QUESTION_CONFIRM	3	/* "y"/"yes", anything else no */

/* MSG_EV_STATE values (u32 state, str detail). */
#define BACKEND_STATE_ONLINE		1
#define BACKEND_STATE_OFFLINE		2	/* detail says why */

/* MSG_EV_PART kinds (u32 kind first). */
#define BACKEND_PART_TEXT		1	/* str section, str type,
						   u32 notes, str text */
#define BACKEND_PART_ATTACHMENT		2	/* str section, str name,
						   str type, u64 size */
/* The message's own headers, sent before its text when the whole message
 * is shown (section ""): u32 count, then count pairs of str name, str
 * value, decoded and made safe for a terminal; a header the backend does
 * not have is left out. */
#define BACKEND_PART_HEADERS		3
/* Notes on a BACKEND_PART_TEXT: RENDER_NOTE_* bits (render.h). */

/* MSG_REQ_PART_FETCH render flags. */
#define BACKEND_RENDER_PREFER_HTML	0x1

/* MSG_REQ_SYNC flags. */
#define BACKEND_SYNC_BODIES		0x1	/* also cache text parts */
#define BACKEND_SYNC_DOWNLOAD_ONLY	0x2	/* POP3: download, then stop
						   (no look at the store) */

struct mime_part;

/* A mime_structure_attachments callback (arg: the backend_ctx): one
 * BACKEND_PART_ATTACHMENT event, the name made safe for a terminal. */
void	 backend_emit_attachment(const struct mime_part *, void *ctx);
/* Write len bytes of data to path, never over what is there: a private
 * file beside it, fsynced, then link()ed to the name. */
enum backend_status backend_write_new(const char *path, const char *data,
	     size_t len, char **error);

/* The backend for a configured protocol, or NULL if skua has none yet. */
const struct backend *backend_for(const struct config_account *);

#endif
