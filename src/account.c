/* account: the UI side of the account layer: starts each account's worker,
 * posts requests and routes events back, restarts dead or stalled workers. */
#include "auto-config.h"

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "account-worker.h"
#include "account.h"
#include "backend.h"
#include "config.h"
#include "intl.h"
#include "log.h"
#include "msg.h"
#include "xmalloc.h"

#define ACCOUNT_DEADLINE	90000	/* ms, when the caller gives none */
#define ACCOUNT_STOP_WAIT	2000	/* ms for a worker to quit */
#define ACCOUNT_REAP_WAIT	200	/* ms for a closed worker to exit */
#define ACCOUNT_MAX_DEATHS	5	/* more within the window: no restart */
#define ACCOUNT_DEATH_WINDOW	60000	/* ms */

struct account_request {
	uint32_t		 id;
	account_reply_cb	 cb;
	void			*arg;
	int			 deadline_ms;
	int64_t			 deadline;	/* once sent */
	struct msg		*m;		/* until sent */
	int			 sent;
	uint32_t		 question;	/* asked and not answered */
	struct msg		*reply;		/* a made-up final reply */
	struct account_request	*next;
};

struct account {
	const struct config_account	*config;
	const struct backend		*backend;
	pid_t				 pid;		/* -1: no worker */
	struct msg_channel		*channel;	/* NULL: no worker */
	char				*down;		/* why there is none */
	int				 given_up;

	struct account_request		*requests;	/* oldest first */
	uint32_t			 next_id;

	unsigned			 restarts;
	int64_t				 deaths[ACCOUNT_MAX_DEATHS + 1];
	size_t				 ndeaths;

	account_reply_cb		 event_cb;
	void				*event_arg;

	struct account			*next;
};

/* Why a worker is given up on. */
enum account_loss {
	ACCOUNT_LOSS_EXIT,	/* it closed its end: it died */
	ACCOUNT_LOSS_GARBAGE,	/* it sent something that is not a message */
	ACCOUNT_LOSS_TIMEOUT,	/* no sign of life past a deadline */
};

/* Every account, so that a new worker can close the others' sockets. */
static struct account	*account_list;

static int64_t
account_now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

const char *
account_name(const struct account *a)
{
	return a->config->name;
}

/* The new worker process: quiet, off the terminal, default signals, and
 * holding no socket but its own. Returns the fd to serve. */
static int
account_child(int fd)
{
	static const int	 reset[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT,
	    SIGWINCH, SIGTSTP, SIGTTIN, SIGTTOU, SIGCHLD, SIGCONT, SIGALRM,
	    SIGUSR1, SIGUSR2, SIGABRT };
	struct sigaction	 sa;
	struct account		*a;
	sigset_t		 set;
	size_t			 i;
	int			 null;

	memset(&sa, 0, sizeof sa);
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = SIG_DFL;
	for (i = 0; i < sizeof reset / sizeof reset[0]; i++)
		sigaction(reset[i], &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
	sigemptyset(&set);
	sigprocmask(SIG_SETMASK, &set, NULL);

	/* A new session has no controlling terminal: no ^C, no SIGWINCH. */
	setsid();

	/* Another worker's socket held here would hide its end of file. */
	for (a = account_list; a != NULL; a = a->next) {
		if (a->channel != NULL)
			close(msg_channel_fd(a->channel));
	}

	if (fd <= STDERR_FILENO)
		fd = fcntl(fd, F_DUPFD_CLOEXEC, STDERR_FILENO + 1);
	if ((null = open("/dev/null", O_RDWR)) != -1) {
		dup2(null, STDIN_FILENO);
		/* The UI owns the screen; elsewhere (tests, sanitizers)
		 * output is worth keeping. */
		if (isatty(STDOUT_FILENO))
			dup2(null, STDOUT_FILENO);
		if (isatty(STDERR_FILENO))
			dup2(null, STDERR_FILENO);
		if (null > STDERR_FILENO)
			close(null);
	}
	return fd;
}

/* Fork a worker on a new socketpair; 0 or -1 with *error. */
static int
account_spawn(struct account *a, char **error)
{
	int	sv[2], fd;
	pid_t	pid;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == -1) {
		*error = xasprintf("socketpair: %s", strerror(errno));
		return -1;
	}
	pid = fork();
	if (pid == -1) {
		*error = xasprintf("fork: %s", strerror(errno));
		close(sv[0]);
		close(sv[1]);
		return -1;
	}
	if (pid == 0) {
		close(sv[0]);
		fd = account_child(sv[1]);
		_exit(account_worker_main(fd, a->config, a->backend));
	}
	close(sv[1]);
	a->pid = pid;
	a->channel = msg_channel_new(sv[0]);
	log_debug("%s: %s: worker %ld started", __func__, account_name(a),
	    (long)pid);
	return 0;
}

/* Wait up to wait_ms for the worker to exit, then kill it; describe how it
 * ended. Waiting is bounded: the UI must not hang on a worker. */
static void
account_reap(struct account *a, int wait_ms, char *how, size_t len)
{
	struct timespec	 step = { 0, 2 * 1000 * 1000 };
	int64_t		 end = account_now() + wait_ms;
	pid_t		 pid;
	int		 status, killed = 0;

	snprintf(how, len, "%s", _("its exit status is unknown"));
	if (a->pid <= 0)
		return;
	for (;;) {
		pid = waitpid(a->pid, &status, killed ? 0 : WNOHANG);
		if (pid == a->pid)
			break;
		if (pid == -1 && errno == EINTR)
			continue;
		if (pid == -1) {
			/* Someone else reaped it (a SIGCHLD handler). */
			log_debug("%s: waitpid: %s", __func__,
			    strerror(errno));
			a->pid = -1;
			return;
		}
		if (account_now() >= end) {
			kill(a->pid, SIGKILL);
			killed = 1;
			continue;
		}
		nanosleep(&step, NULL);
	}
	if (WIFSIGNALED(status))
		snprintf(how, len, _("killed by signal %d, %s"),
		    WTERMSIG(status), strsignal(WTERMSIG(status)));
	else if (WIFEXITED(status))
		snprintf(how, len, _("exit status %d"), WEXITSTATUS(status));
	log_debug("%s: %s: worker %ld: %s", __func__, account_name(a),
	    (long)a->pid, how);
	a->pid = -1;
}

enum account_status
account_start(const struct config_account *config,
    const struct backend *backend, struct account **out, char **error)
{
	struct account	*a;
	char		*why = NULL;

	*out = NULL;
	a = xcalloc(1, sizeof *a);
	a->config = config;
	a->backend = backend;
	a->pid = -1;
	if (account_spawn(a, &why) != 0) {
		if (error != NULL)
			*error = xasprintf(_("%s: cannot start the account's "
			    "worker: %s"), config->name, why);
		free(why);
		free(a);
		return ACCOUNT_ERROR;
	}
	a->next = account_list;
	account_list = a;
	*out = a;
	return ACCOUNT_OK;
}

static void
account_request_free(struct account_request *r)
{
	msg_free(r->m);
	msg_free(r->reply);
	free(r);
}

void
account_stop(struct account *a)
{
	struct account_request	*r;
	struct account		**ap;
	char			 how[128];

	if (a == NULL)
		return;
	if (a->channel != NULL) {
		msg_channel_send(a->channel, msg_new(MSG_REQ_QUIT, 0));
		/* Closing is a second way to say it. */
		msg_channel_free(a->channel);
		a->channel = NULL;
	}
	account_reap(a, ACCOUNT_STOP_WAIT, how, sizeof how);
	while ((r = a->requests) != NULL) {
		a->requests = r->next;
		account_request_free(r);
	}
	for (ap = &account_list; *ap != NULL; ap = &(*ap)->next) {
		if (*ap == a) {
			*ap = a->next;
			break;
		}
	}
	free(a->down);
	free(a);
}

int
account_fd(const struct account *a)
{
	return a->channel != NULL ? msg_channel_fd(a->channel) : -1;
}

int
account_wants_write(const struct account *a)
{
	return a->channel != NULL && msg_channel_pending(a->channel);
}

unsigned
account_restarts(const struct account *a)
{
	return a->restarts;
}

void
account_set_event_cb(struct account *a, account_reply_cb cb, void *arg)
{
	a->event_cb = cb;
	a->event_arg = arg;
}

static struct msg *
account_error(uint32_t id, enum msg_error_code code, const char *text)
{
	struct msg	*m = msg_new(MSG_ERROR, id);

	msg_add_u32(m, code);
	msg_add_str(m, text);
	return m;
}

/* The request being served: the worker gets one at a time. */
static struct account_request *
account_in_flight(const struct account *a)
{
	struct account_request	*r;

	for (r = a->requests; r != NULL; r = r->next) {
		if (r->sent)
			return r;
	}
	return NULL;
}

static void
account_unlink(struct account *a, struct account_request *r)
{
	struct account_request	**rp;

	for (rp = &a->requests; *rp != NULL; rp = &(*rp)->next) {
		if (*rp == r) {
			*rp = r->next;
			return;
		}
	}
}

/* Hand the final reply m to an unlinked request's callback, then free. */
static void
account_finish(struct account *a, struct account_request *r, struct msg *m)
{
	if (r->cb != NULL)
		r->cb(a, m, r->arg);
	if (m != r->reply)
		msg_free(m);
	account_request_free(r);
}

/*
 * Send the oldest waiting request if none is being served. Holding the rest
 * here means the worker's socket only becomes readable during a request
 * for a cancel, an answer or a quit, which is what backend_interrupt_fd's
 * users take it to mean.
 */
static void
account_pump(struct account *a)
{
	struct account_request	*r;
	struct msg		*m;

	if (a->channel == NULL || account_in_flight(a) != NULL)
		return;
	for (r = a->requests; r != NULL; r = r->next) {
		if (r->reply == NULL)
			break;
	}
	if (r == NULL)
		return;
	r->sent = 1;
	r->deadline = account_now() + r->deadline_ms;
	m = r->m;
	r->m = NULL;
	if (msg_channel_send(a->channel, m) != MSG_OK)
		log_debug("%s: %s: cannot send request %u", __func__,
		    account_name(a), r->id);
}

/* Call back the requests that have a made-up reply (those there now: a
 * callback posting again is served on the next turn). */
static void
account_deliver(struct account *a)
{
	struct account_request	*r;
	size_t			 n = 0;

	for (r = a->requests; r != NULL; r = r->next) {
		if (r->reply != NULL)
			n++;
	}
	while (n-- > 0) {
		for (r = a->requests; r != NULL; r = r->next) {
			if (r->reply != NULL)
				break;
		}
		if (r == NULL)
			break;
		account_unlink(a, r);
		account_finish(a, r, r->reply);
	}
}

/* Whether another death now means the worker keeps dying. */
static int
account_count_death(struct account *a, int64_t now)
{
	size_t	i, j;

	for (i = j = 0; i < a->ndeaths; i++) {
		if (now - a->deaths[i] < ACCOUNT_DEATH_WINDOW)
			a->deaths[j++] = a->deaths[i];
	}
	a->ndeaths = j;
	a->deaths[a->ndeaths++] = now;
	return a->ndeaths > ACCOUNT_MAX_DEATHS;
}

/*
 * The worker died, or stalled and is killed: reap it, start another unless
 * it keeps dying, and fail the request it was serving. Requests not sent
 * yet go to the new worker.
 */
static void
account_lost(struct account *a, enum account_loss loss)
{
	struct account_request	*r;
	const char		*name = account_name(a), *after;
	char			 how[128], span[32], *text, *why = NULL;
	int			 restarted = 0;

	if (loss != ACCOUNT_LOSS_EXIT && a->pid > 0)
		kill(a->pid, SIGKILL);
	msg_channel_free(a->channel);
	a->channel = NULL;
	account_reap(a, loss == ACCOUNT_LOSS_EXIT ? ACCOUNT_REAP_WAIT : 0, how,
	    sizeof how);
	log_warn("%s: %s: worker %s (%s)", __func__, name,
	    loss == ACCOUNT_LOSS_EXIT ? "stopped" :
	    loss == ACCOUNT_LOSS_GARBAGE ? "sent garbage and was killed" :
	    "stalled and was killed", how);

	if ((r = account_in_flight(a)) != NULL)
		account_unlink(a, r);
	free(a->down);
	a->down = NULL;
	if (account_count_death(a, account_now())) {
		a->given_up = 1;
		a->down = xasprintf(_("%s: the account's worker stopped %d "
		    "times within a minute and is not restarted"), name,
		    ACCOUNT_MAX_DEATHS + 1);
		log_warn("%s: %s: not restarting the worker", __func__, name);
	} else if (account_spawn(a, &why) == 0) {
		a->restarts++;
		restarted = 1;
	} else {
		a->down = xasprintf(_("%s: the account's worker cannot be "
		    "restarted: %s"), name, why);
		log_warn("%s: %s", __func__, a->down);
		free(why);
	}

	if (r != NULL) {
		if (restarted)
			after = _("it was restarted");
		else if (a->given_up)
			after = _("it stopped too often to be restarted");
		else
			after = _("it cannot be restarted");
		if (r->deadline_ms % 1000 == 0)
			snprintf(span, sizeof span, "%d s",
			    r->deadline_ms / 1000);
		else
			snprintf(span, sizeof span, "%d ms", r->deadline_ms);
		switch (loss) {
		case ACCOUNT_LOSS_TIMEOUT:
			text = xasprintf(_("%s: the request timed out (no "
			    "reply from the account's worker for %s); the "
			    "worker was killed, and %s"), name, span, after);
			break;
		case ACCOUNT_LOSS_GARBAGE:
			text = xasprintf(_("%s: the account's worker sent a "
			    "malformed message and was killed; %s"), name,
			    after);
			break;
		default:
			text = xasprintf(_("%s: the account's worker stopped "
			    "unexpectedly (%s); %s"), name, how, after);
			break;
		}
		account_finish(a, r, account_error(r->id,
		    loss == ACCOUNT_LOSS_TIMEOUT ? MSG_CODE_TIMEOUT :
		    MSG_CODE_WORKER, text));
		free(text);
	}

	if (a->channel == NULL) {
		for (r = a->requests; r != NULL; r = r->next) {
			if (r->reply == NULL)
				r->reply = account_error(r->id,
				    MSG_CODE_WORKER, a->down);
		}
		account_deliver(a);
	} else
		account_pump(a);
}

uint32_t
account_request(struct account *a, struct msg *m, account_reply_cb cb,
    void *arg, int deadline_ms)
{
	struct account_request	*r, **rp;
	enum msg_type		 type = msg_type(m);
	char			*why = NULL;

	r = xcalloc(1, sizeof *r);
	if (++a->next_id == 0)
		a->next_id = 1;
	r->id = a->next_id;
	r->cb = cb;
	r->arg = arg;
	r->deadline_ms = deadline_ms > 0 ? deadline_ms : ACCOUNT_DEADLINE;
	msg_set_id(m, r->id);
	r->m = m;
	for (rp = &a->requests; *rp != NULL; rp = &(*rp)->next)
		/* nothing */;
	*rp = r;

	/* A worker that could not be restarted may start now. */
	if (a->channel == NULL && !a->given_up) {
		if (account_spawn(a, &why) == 0)
			a->restarts++;
		else {
			free(a->down);
			a->down = xasprintf(_("%s: the account's worker cannot "
			    "be restarted: %s"), account_name(a), why);
			free(why);
		}
	}
	if (a->channel == NULL)
		r->reply = account_error(r->id, MSG_CODE_WORKER, a->down);
	else
		account_pump(a);
	log_debug("%s: %s: request %u type %u", __func__, account_name(a),
	    r->id, (unsigned)type);
	return r->id;
}

static struct account_request *
account_find(const struct account *a, uint32_t id)
{
	struct account_request	*r;

	for (r = a->requests; r != NULL; r = r->next) {
		if (r->id == id)
			return r;
	}
	return NULL;
}

void
account_cancel(struct account *a, uint32_t id)
{
	struct account_request	*r = account_find(a, id);
	struct msg		*m;

	if (r == NULL || r->reply != NULL || a->channel == NULL)
		return;
	if (!r->sent) {
		/* Never seen by the worker: answered here, next turn. */
		msg_free(r->m);
		r->m = NULL;
		r->reply = msg_new(MSG_CANCELLED, id);
		return;
	}
	m = msg_new(MSG_REQ_CANCEL, id);
	msg_add_u32(m, id);
	msg_channel_send(a->channel, m);
}

void
account_answer(struct account *a, uint32_t question, const char *answer)
{
	struct account_request	*r;
	struct msg		*m;
	uint32_t		 id = 0;

	for (r = a->requests; r != NULL; r = r->next) {
		if (r->sent && r->question == question) {
			/* The user took their time; the worker did not. */
			r->question = 0;
			r->deadline = account_now() + r->deadline_ms;
			id = r->id;
			break;
		}
	}
	/* A late answer would only interrupt whatever runs next. */
	if (a->channel == NULL || id == 0) {
		log_debug("%s: %s: question %u is not waiting", __func__,
		    account_name(a), question);
		return;
	}
	m = msg_new(MSG_REQ_ANSWER, id);
	msg_add_u32(m, question);
	msg_add_str(m, answer);
	msg_channel_send(a->channel, m);
}

/* One message from the worker to whom it concerns. */
static void
account_route(struct account *a, struct msg *m)
{
	struct account_request	*r;
	uint32_t		 id = msg_id(m), question;

	if (id == 0) {
		if (a->event_cb != NULL)
			a->event_cb(a, m, a->event_arg);
		return;
	}
	if ((r = account_find(a, id)) == NULL || !r->sent) {
		log_debug("%s: %s: type %u for request %u, which is gone",
		    __func__, account_name(a), (unsigned)msg_type(m), id);
		return;
	}
	if (msg_is_final(m)) {
		account_unlink(a, r);
		account_pump(a);
		if (r->cb != NULL)
			r->cb(a, m, r->arg);
		account_request_free(r);
		return;
	}
	r->deadline = account_now() + r->deadline_ms;
	if (msg_type(m) == MSG_EV_QUESTION) {
		/* No deadline while a person thinks. */
		if (msg_get_u32(m, &question) == MSG_OK)
			r->question = question;
		msg_rewind(m);
	}
	if (r->cb != NULL)
		r->cb(a, m, r->arg);
}

void
account_dispatch(struct account *a)
{
	struct msg	*m;
	enum msg_status	 status;

	if (a->channel != NULL && msg_channel_pending(a->channel))
		msg_channel_flush(a->channel);
	while (a->channel != NULL) {
		status = msg_channel_receive(a->channel, &m);
		if (status == MSG_AGAIN)
			break;
		if (status != MSG_OK) {
			log_debug("%s: %s: %s", __func__, account_name(a),
			    status == MSG_EOF ? "end of file" :
			    status == MSG_ERROR_FORMAT ? "bad frame" :
			    "read error");
			account_lost(a, status == MSG_ERROR_FORMAT ?
			    ACCOUNT_LOSS_GARBAGE : ACCOUNT_LOSS_EXIT);
			break;
		}
		account_route(a, m);
		msg_free(m);
	}
	account_deliver(a);
}

int
account_next_timeout(const struct account *a)
{
	struct account_request	*r;
	int64_t			 left;

	for (r = a->requests; r != NULL; r = r->next) {
		if (r->reply != NULL)
			return 0;
	}
	if ((r = account_in_flight(a)) == NULL || r->question != 0)
		return -1;
	left = r->deadline - account_now();
	if (left < 0)
		return 0;
	return left > INT_MAX ? INT_MAX : (int)left;
}

void
account_check_deadlines(struct account *a)
{
	struct account_request	*r;

	account_deliver(a);
	r = account_in_flight(a);
	if (r == NULL || r->question != 0 || a->channel == NULL ||
	    account_now() < r->deadline)
		return;
	log_warn("%s: %s: request %u had no reply for %d ms", __func__,
	    account_name(a), r->id, r->deadline_ms);
	account_lost(a, ACCOUNT_LOSS_TIMEOUT);
}
