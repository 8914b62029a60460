/* account: the UI side of the account layer. One worker process per
 * account (fork + socketpair); requests out, events in; dead or stalled
 * workers are restarted and their requests fail plainly. UI process only. */
#ifndef SKUA_ACCOUNT_H
#define SKUA_ACCOUNT_H

#include <stdint.h>

struct backend;
struct config_account;
struct msg;
struct account;

enum account_status {
	ACCOUNT_OK,
	ACCOUNT_ERROR,
};

/*
 * Called for every event of a request and for its final reply (then for the
 * last time). m is borrowed for the call. When a worker dies or stalls, the
 * request it was serving gets a synthetic MSG_ERROR saying so (code
 * MSG_CODE_WORKER or MSG_CODE_TIMEOUT); requests still waiting go to the
 * restarted worker, or fail the same way if it is not restarted (more than
 * five deaths in a minute). A callback may post, cancel or answer requests,
 * but must not call account_stop.
 */
typedef void (*account_reply_cb)(struct account *, struct msg *m, void *arg);

/* Start the worker for one account. backend is what the worker runs. The
 * account keeps pointers to both; they must outlive it. */
enum account_status	 account_start(const struct config_account *,
			     const struct backend *, struct account **out,
			     char **error);
/* Ask the worker to quit, wait a little, then kill it; frees everything.
 * Pending requests are not called back. */
void			 account_stop(struct account *);

const char		*account_name(const struct account *);
/* The socket to poll (POLLIN, and POLLOUT when account_wants_write). */
int			 account_fd(const struct account *);
int			 account_wants_write(const struct account *);

/*
 * Post a request (ownership of m passes; its id is assigned here and
 * returned). The worker gets requests one at a time, in order, so that its
 * socket only stirs during a request for a cancel or an answer.
 * deadline_ms bounds the time without any event from the worker for this
 * request once the worker has it (0: the default, 90 s), not counting time
 * spent waiting for an answer to a question; past it the worker is killed,
 * restarted, and the request fails.
 */
uint32_t		 account_request(struct account *, struct msg *m,
			     account_reply_cb, void *arg, int deadline_ms);
/* Ask the worker to cancel request id; it still gets its final reply
 * (at once, on the next dispatch, if the worker had not got it yet). */
void			 account_cancel(struct account *, uint32_t id);
/* Answer a MSG_EV_QUESTION. */
void			 account_answer(struct account *, uint32_t question,
			     const char *answer);

/* Call when account_fd is ready: reads events, calls back, writes output,
 * notices a dead worker (restarts it). Never blocks. */
void			 account_dispatch(struct account *);
/* Milliseconds until the nearest deadline (-1: none), for poll's timeout;
 * then account_check_deadlines kills and restarts a stalled worker. */
int			 account_next_timeout(const struct account *);
void			 account_check_deadlines(struct account *);
/* How many times the worker was restarted (for status and tests). */
unsigned		 account_restarts(const struct account *);

/* Unsolicited events (id 0: state, new mail) go here. */
void			 account_set_event_cb(struct account *,
			     account_reply_cb, void *arg);

#endif
