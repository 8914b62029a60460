/* test-account: real worker processes running a fake backend: events and
 * one final reply per request, cancel, questions, crashes, stalls, restarts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <sys/types.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <errno.h>
#include <poll.h>
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
#include "msg.h"

/* The fake backend, run by the workers. folder_open's folder names what
 * it does. */

static int	fake_state;

static enum backend_status
fake_open(struct backend_ctx *ctx, const struct config_account *a,
    void **state, char **error)
{
	*state = &fake_state;
	return BACKEND_OK;
}

static void
fake_close(void *state)
{
}

static void
fake_rows(struct backend_ctx *ctx, int n, size_t padding)
{
	struct msg	*m;
	char		*pad;
	int		 i;

	pad = calloc(1, padding + 1);
	memset(pad, 'r', padding);
	for (i = 0; i < n; i++) {
		m = msg_new(MSG_EV_ROWS, 0);
		msg_add_u32(m, (uint32_t)i);
		msg_add_str(m, pad);
		backend_emit(ctx, m);
	}
	free(pad);
}

static void
fake_sleep(int ms)
{
	struct timespec	ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

static enum backend_status
fake_folder_list(void *state, struct backend_ctx *ctx, char **error)
{
	fake_rows(ctx, 3, 0);
	return BACKEND_OK;
}

static enum backend_status
fake_folder_open(void *state, struct backend_ctx *ctx, const char *folder,
    char **error)
{
	struct rlimit	 none = { 0, 0 };
	struct msg	*m;
	const void	*frame;
	char		*answer;
	size_t		 len;
	int		 i;

	if (strcmp(folder, "rows") == 0) {
		fake_rows(ctx, 3, 0);
		return BACKEND_OK;
	}
	if (strcmp(folder, "flood") == 0) {
		/* Far more than a socket buffer holds. */
		fake_rows(ctx, 2000, 1024);
		return BACKEND_OK;
	}
	if (strcmp(folder, "error") == 0) {
		*error = strdup("no such folder: error");
		return BACKEND_ERROR;
	}
	if (strcmp(folder, "offline") == 0)
		return BACKEND_OFFLINE;
	if (strcmp(folder, "unsupported") == 0)
		return BACKEND_UNSUPPORTED;
	if (strcmp(folder, "cancel") == 0) {
		for (i = 0; i < 2000; i++) {
			backend_progress(ctx, (uint64_t)i, 0, "waiting");
			if (backend_cancelled(ctx))
				return BACKEND_CANCELLED;
			fake_sleep(5);
		}
		*error = strdup("never cancelled");
		return BACKEND_ERROR;
	}
	if (strcmp(folder, "slow") == 0) {
		/* Slower than the deadline, but alive all along. */
		for (i = 0; i < 8; i++) {
			backend_progress(ctx, (uint64_t)i, 8, "slow");
			fake_sleep(100);
		}
		return BACKEND_OK;
	}
	if (strcmp(folder, "ask") == 0) {
		if (backend_ask(ctx, BACKEND_QUESTION_PASSWORD, "Password?",
		    &answer) != 0)
			return BACKEND_CANCELLED;
		m = msg_new(MSG_EV_STATE, 0);
		msg_add_u32(m, BACKEND_STATE_ONLINE);
		msg_add_str(m, answer);
		backend_emit(ctx, m);
		free(answer);
		return BACKEND_OK;
	}
	if (strcmp(folder, "unsolicited") == 0) {
		/* An event for nobody in particular, as a worker may send. */
		m = msg_new(MSG_EV_STATE, 0);
		msg_add_u32(m, BACKEND_STATE_OFFLINE);
		msg_add_str(m, "unplugged");
		frame = msg_frame(m, &len);
		if (write(backend_interrupt_fd(ctx), frame, len) !=
		    (ssize_t)len)
			return BACKEND_ERROR;
		msg_free(m);
		return BACKEND_OK;
	}
	if (strcmp(folder, "garbage") == 0) {
		/* A worker gone mad: not a frame. */
		if (write(backend_interrupt_fd(ctx), "\xff\xff\xff\xff", 4)
		    != 4)
			return BACKEND_ERROR;
		fake_sleep(10000);
		return BACKEND_OK;
	}
	if (strcmp(folder, "crash") == 0) {
		setrlimit(RLIMIT_CORE, &none);
		abort();
	}
	if (strcmp(folder, "exit") == 0)
		_exit(3);
	if (strcmp(folder, "hang") == 0) {
		for (;;)
			pause();
	}
	*error = strdup("the fake backend has no such folder");
	return BACKEND_ERROR;
}

static enum backend_status
fake_sync(void *state, struct backend_ctx *ctx, const char *folder,
    uint32_t flags, char **error)
{
	struct msg	*m = msg_new(MSG_EV_ROWS, 0);

	msg_add_u32(m, flags);
	msg_add_str(m, folder);
	backend_emit(ctx, m);
	return BACKEND_OK;
}

static const struct backend fake_backend = {
	.name = "fake",
	.open = fake_open,
	.close = fake_close,
	.folder_list = fake_folder_list,
	.folder_open = fake_folder_open,
	.part_fetch = NULL,
	.part_save = NULL,
	.sync = fake_sync,
};

static char			 fake_name[] = "test";
static struct config_account	 fake_account = { .name = fake_name };

/* What the UI side saw of one request. */
struct reply {
	uint32_t	 id;
	int		 rows;
	int		 progress;
	int		 questions;
	int		 finals;
	enum msg_type	 final;
	uint32_t	 code;
	char		*text;		/* error message, unsupported what */
	char		*state;		/* the last MSG_EV_STATE detail */
	int		 order;		/* when the final reply came */
	int		 cancel_on_progress;
	const char	*answer;	/* to a question; NULL: cancel */
	int		 hold;		/* leave the question unanswered */
	uint32_t	 question;
};

static int	sequence;

static int64_t
now_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
record(struct account *a, struct msg *m, void *arg)
{
	struct reply	*r = arg;
	uint32_t	 u, kind;
	char		*s = NULL;

	/* Nothing may follow the final reply. */
	assert_int_equal(r->finals, 0);
	assert_int_equal(msg_id(m), r->id);
	switch (msg_type(m)) {
	case MSG_EV_ROWS:
		r->rows++;
		break;
	case MSG_EV_PROGRESS:
		if (r->progress++ == 0 && r->cancel_on_progress)
			account_cancel(a, r->id);
		break;
	case MSG_EV_QUESTION:
		r->questions++;
		assert_int_equal(msg_get_u32(m, &u), MSG_OK);
		assert_int_equal(msg_get_u32(m, &kind), MSG_OK);
		assert_int_equal(kind, BACKEND_QUESTION_PASSWORD);
		assert_int_equal(msg_get_str(m, &s), MSG_OK);
		assert_string_equal(s, "Password?");
		assert_int_equal(msg_end(m), MSG_OK);
		free(s);
		r->question = u;
		if (r->hold)
			break;
		if (r->answer != NULL)
			account_answer(a, u, r->answer);
		else
			account_cancel(a, r->id);
		break;
	case MSG_EV_STATE:
		assert_int_equal(msg_get_u32(m, &u), MSG_OK);
		free(r->state);
		assert_int_equal(msg_get_str(m, &r->state), MSG_OK);
		break;
	case MSG_ERROR:
		assert_int_equal(msg_get_u32(m, &r->code), MSG_OK);
		/* FALLTHROUGH */
	case MSG_UNSUPPORTED:
		assert_int_equal(msg_get_str(m, &r->text), MSG_OK);
		assert_non_null(r->text);
		/* FALLTHROUGH */
	case MSG_DONE:
	case MSG_CANCELLED:
		assert_int_equal(msg_end(m), MSG_OK);
		r->finals++;
		r->final = msg_type(m);
		r->order = ++sequence;
		break;
	default:
		fail_msg("unexpected message type %u", (unsigned)msg_type(m));
	}
}

static void
reply_clear(struct reply *r)
{
	free(r->text);
	free(r->state);
	memset(r, 0, sizeof *r);
}

/* Run the UI's loop until every reply is final (1) or limit_ms passed. */
static int
drive(struct account *a, struct reply **rs, size_t n, int limit_ms)
{
	struct pollfd	pfd;
	int64_t		end = now_ms() + limit_ms, left;
	size_t		i;
	int		timeout;

	for (;;) {
		for (i = 0; i < n && rs[i]->finals != 0; i++)
			/* nothing */;
		if (i == n)
			return 1;
		left = end - now_ms();
		if (left <= 0)
			return 0;
		timeout = account_next_timeout(a);
		if (timeout < 0 || timeout > left)
			timeout = (int)left;
		pfd.fd = account_fd(a);
		pfd.events = POLLIN | (account_wants_write(a) ? POLLOUT : 0);
		if (poll(&pfd, 1, timeout) == -1)
			assert_int_equal(errno, EINTR);
		account_dispatch(a);
		account_check_deadlines(a);
	}
}

/* Keep the loop turning a little: nothing more may arrive. */
static void
settle(struct account *a)
{
	struct reply	 never, *rs[] = { &never };

	memset(&never, 0, sizeof never);
	assert_int_equal(drive(a, rs, 1, 50), 0);
}

/* Post one request and run until its final reply. */
static void
run(struct account *a, struct msg *m, struct reply *r, int deadline_ms)
{
	struct reply	*rs[] = { r };

	r->id = account_request(a, m, record, r, deadline_ms);
	assert_true(r->id != 0);
	assert_int_equal(drive(a, rs, 1, 5000), 1);
	assert_int_equal(r->finals, 1);
}

static struct msg *
folder_open(const char *folder)
{
	struct msg	*m = msg_new(MSG_REQ_FOLDER_OPEN, 0);

	msg_add_str(m, folder);
	return m;
}

static struct account *
start(void)
{
	struct account	*a = NULL;
	char		*error = NULL;

	assert_int_equal(account_start(&fake_account, &fake_backend, &a,
	    &error), ACCOUNT_OK);
	assert_null(error);
	assert_non_null(a);
	assert_string_equal(account_name(a), "test");
	assert_true(account_fd(a) >= 0);
	return a;
}

/* Stop, and check that no worker (or zombie) is left behind. */
static void
stop(struct account *a)
{
	int	status;

	account_stop(a);
	assert_int_equal(waitpid(-1, &status, WNOHANG), -1);
	assert_int_equal(errno, ECHILD);
}

/* A request that works, on whichever worker is there now. */
static void
assert_works(struct account *a)
{
	struct reply	r;

	memset(&r, 0, sizeof r);
	run(a, msg_new(MSG_REQ_FOLDER_LIST, 0), &r, 0);
	assert_int_equal(r.final, MSG_DONE);
	assert_int_equal(r.rows, 3);
	reply_clear(&r);
}

static void
assert_contains(const char *text, const char *want)
{
	if (text == NULL || strstr(text, want) == NULL)
		fail_msg("wanted '%s' in '%s'", want, text ? text : "(null)");
}

static void
test_events_then_done(void **state)
{
	struct account	*a = start();
	struct reply	 r;
	struct msg	*m;

	memset(&r, 0, sizeof r);
	run(a, folder_open("rows"), &r, 0);
	assert_int_equal(r.final, MSG_DONE);
	assert_int_equal(r.rows, 3);
	reply_clear(&r);

	assert_works(a);

	run(a, folder_open("offline"), &r, 0);
	assert_int_equal(r.final, MSG_DONE);
	reply_clear(&r);

	m = msg_new(MSG_REQ_SYNC, 0);
	msg_add_str(m, "Archive");
	msg_add_u32(m, BACKEND_SYNC_BODIES);
	run(a, m, &r, 0);
	assert_int_equal(r.final, MSG_DONE);
	assert_int_equal(r.rows, 1);
	reply_clear(&r);

	/* A worker with a lot to say and a UI that reads between turns. */
	run(a, folder_open("flood"), &r, 0);
	assert_int_equal(r.final, MSG_DONE);
	assert_int_equal(r.rows, 2000);
	reply_clear(&r);

	settle(a);
	assert_int_equal(account_restarts(a), 0);
	stop(a);
}

static void
test_error(void **state)
{
	struct account	*a = start();
	struct reply	 r;

	memset(&r, 0, sizeof r);
	run(a, folder_open("error"), &r, 0);
	assert_int_equal(r.final, MSG_ERROR);
	assert_int_equal(r.code, MSG_CODE_BACKEND);
	assert_string_equal(r.text, "no such folder: error");
	reply_clear(&r);
	assert_works(a);
	settle(a);
	stop(a);
}

static void
test_cancel(void **state)
{
	struct account	*a = start();
	struct reply	 r;

	memset(&r, 0, sizeof r);
	r.cancel_on_progress = 1;
	run(a, folder_open("cancel"), &r, 0);
	assert_int_equal(r.final, MSG_CANCELLED);
	assert_true(r.progress >= 1);
	reply_clear(&r);
	/* Cancelling what is finished does nothing. */
	account_cancel(a, 12345);
	assert_works(a);
	settle(a);
	assert_int_equal(account_restarts(a), 0);
	stop(a);
}

static void
test_crash_restarts(void **state)
{
	struct account	*a = start();
	struct reply	 r;

	memset(&r, 0, sizeof r);
	run(a, folder_open("crash"), &r, 0);
	assert_int_equal(r.final, MSG_ERROR);
	assert_int_equal(r.code, MSG_CODE_WORKER);
	assert_contains(r.text, "test: the account's worker stopped "
	    "unexpectedly (killed by signal 6");
	assert_contains(r.text, "it was restarted");
	reply_clear(&r);
	assert_int_equal(account_restarts(a), 1);
	assert_works(a);

	run(a, folder_open("exit"), &r, 0);
	assert_int_equal(r.final, MSG_ERROR);
	assert_contains(r.text, "(exit status 3)");
	reply_clear(&r);
	assert_int_equal(account_restarts(a), 2);
	assert_works(a);

	/* What was waiting behind the crash goes to the new worker. */
	{
		struct reply	q[2], *qs[] = { &q[0], &q[1] };

		memset(q, 0, sizeof q);
		q[0].id = account_request(a, folder_open("crash"), record,
		    &q[0], 0);
		q[1].id = account_request(a, folder_open("rows"), record,
		    &q[1], 0);
		assert_int_equal(drive(a, qs, 2, 5000), 1);
		assert_int_equal(q[0].final, MSG_ERROR);
		assert_int_equal(q[1].final, MSG_DONE);
		assert_int_equal(q[1].rows, 3);
		reply_clear(&q[0]);
		reply_clear(&q[1]);
	}
	assert_int_equal(account_restarts(a), 3);
	settle(a);
	stop(a);
}

static void
test_timeout_restarts(void **state)
{
	struct account	*a = start();
	struct reply	 r;
	int64_t		 began = now_ms();

	memset(&r, 0, sizeof r);
	run(a, folder_open("hang"), &r, 300);
	assert_true(now_ms() - began >= 300);
	assert_int_equal(r.final, MSG_ERROR);
	assert_int_equal(r.code, MSG_CODE_TIMEOUT);
	assert_contains(r.text, "test: the request timed out (no reply from "
	    "the account's worker for 300 ms)");
	assert_contains(r.text, "restarted");
	reply_clear(&r);
	assert_int_equal(account_restarts(a), 1);
	assert_works(a);

	/* Events keep a slow request alive past its deadline. */
	run(a, folder_open("slow"), &r, 300);
	assert_int_equal(r.final, MSG_DONE);
	assert_int_equal(r.progress, 8);
	reply_clear(&r);
	assert_int_equal(account_restarts(a), 1);
	settle(a);
	stop(a);
}

static void
test_question(void **state)
{
	struct account	*a = start();
	struct reply	 r, *rs[] = { &r };

	memset(&r, 0, sizeof r);
	r.answer = "hunter2";
	run(a, folder_open("ask"), &r, 0);
	assert_int_equal(r.final, MSG_DONE);
	assert_int_equal(r.questions, 1);
	assert_string_equal(r.state, "hunter2");
	reply_clear(&r);

	/* The user says no: a cancel ends the question. */
	run(a, folder_open("ask"), &r, 0);
	assert_int_equal(r.final, MSG_CANCELLED);
	assert_int_equal(r.questions, 1);
	assert_null(r.state);
	reply_clear(&r);

	/* A slow person is not a stalled worker. */
	r.hold = 1;
	r.id = account_request(a, folder_open("ask"), record, &r, 100);
	assert_int_equal(drive(a, rs, 1, 400), 0);
	assert_int_equal(r.questions, 1);
	assert_int_equal(account_next_timeout(a), -1);
	account_answer(a, r.question, "");
	assert_int_equal(drive(a, rs, 1, 5000), 1);
	assert_int_equal(r.final, MSG_DONE);
	assert_string_equal(r.state, "");
	reply_clear(&r);
	assert_int_equal(account_restarts(a), 0);
	settle(a);
	stop(a);
}

static void
test_unsupported(void **state)
{
	struct account	*a = start();
	struct reply	 r;
	struct msg	*m;

	memset(&r, 0, sizeof r);
	m = msg_new(MSG_REQ_PART_FETCH, 0);
	msg_add_str(m, "INBOX");
	msg_add_u32(m, 7);
	msg_add_str(m, "1.2");
	msg_add_u32(m, 0);
	msg_add_u32(m, 80);
	msg_add_str(m, "");
	run(a, m, &r, 0);
	assert_int_equal(r.final, MSG_UNSUPPORTED);
	assert_string_equal(r.text, "part_fetch");
	reply_clear(&r);

	m = msg_new(MSG_REQ_PART_SAVE, 0);
	msg_add_str(m, "INBOX");
	msg_add_u32(m, 7);
	msg_add_str(m, "2");
	msg_add_str(m, "/dev/null");
	run(a, m, &r, 0);
	assert_int_equal(r.final, MSG_UNSUPPORTED);
	assert_string_equal(r.text, "part_save");
	reply_clear(&r);

	run(a, folder_open("unsupported"), &r, 0);
	assert_int_equal(r.final, MSG_UNSUPPORTED);
	assert_string_equal(r.text, "folder_open");
	reply_clear(&r);

	/* A request the worker cannot read is an error, not a crash. */
	run(a, msg_new(MSG_REQ_FOLDER_OPEN, 0), &r, 0);
	assert_int_equal(r.final, MSG_ERROR);
	assert_int_equal(r.code, MSG_CODE_REQUEST);
	reply_clear(&r);
	settle(a);
	assert_int_equal(account_restarts(a), 0);
	stop(a);
}

static void
test_order_and_queued_cancel(void **state)
{
	static const char *folders[] = { "rows", "error", "cancel", "rows",
	    "unsupported" };
	struct account	*a = start();
	struct reply	 r[5], *rs[5];
	size_t		 i;

	memset(r, 0, sizeof r);
	for (i = 0; i < 5; i++) {
		rs[i] = &r[i];
		r[i].id = account_request(a, folder_open(folders[i]), record,
		    &r[i], 0);
	}
	/* Request 3 loops until cancelled; request 4 never runs. */
	r[2].cancel_on_progress = 1;
	account_cancel(a, r[3].id);
	assert_int_equal(drive(a, rs, 5, 5000), 1);
	assert_int_equal(r[0].final, MSG_DONE);
	assert_int_equal(r[1].final, MSG_ERROR);
	assert_int_equal(r[2].final, MSG_CANCELLED);
	assert_int_equal(r[3].final, MSG_CANCELLED);
	assert_int_equal(r[3].rows, 0);
	assert_int_equal(r[4].final, MSG_UNSUPPORTED);
	assert_true(r[0].order < r[1].order);
	assert_true(r[1].order < r[2].order);
	assert_true(r[2].order < r[4].order);
	for (i = 0; i < 5; i++) {
		assert_int_equal(r[i].finals, 1);
		reply_clear(&r[i]);
	}
	settle(a);
	stop(a);
}

static void
test_restart_limit(void **state)
{
	struct account	*a = start();
	struct reply	 r;
	int		 i;

	memset(&r, 0, sizeof r);
	for (i = 0; i < 5; i++) {
		run(a, folder_open("crash"), &r, 0);
		assert_int_equal(r.final, MSG_ERROR);
		assert_contains(r.text, "it was restarted");
		reply_clear(&r);
	}
	assert_int_equal(account_restarts(a), 5);
	/* The sixth death within a minute: no more workers. */
	run(a, folder_open("crash"), &r, 0);
	assert_int_equal(r.final, MSG_ERROR);
	assert_int_equal(r.code, MSG_CODE_WORKER);
	assert_contains(r.text, "stopped unexpectedly");
	assert_contains(r.text, "too often to be restarted");
	reply_clear(&r);
	assert_int_equal(account_restarts(a), 5);
	assert_int_equal(account_fd(a), -1);
	assert_false(account_wants_write(a));

	/* Later requests fail at once, plainly. */
	run(a, msg_new(MSG_REQ_FOLDER_LIST, 0), &r, 0);
	assert_int_equal(r.final, MSG_ERROR);
	assert_int_equal(r.code, MSG_CODE_WORKER);
	assert_contains(r.text, "test: the account's worker stopped 6 times "
	    "within a minute and is not restarted");
	reply_clear(&r);
	stop(a);
}

static void
test_garbage_restarts(void **state)
{
	struct account	*a = start();
	struct reply	 r;

	memset(&r, 0, sizeof r);
	run(a, folder_open("garbage"), &r, 0);
	assert_int_equal(r.final, MSG_ERROR);
	assert_int_equal(r.code, MSG_CODE_WORKER);
	assert_contains(r.text, "test: the account's worker sent a malformed "
	    "message and was killed; it was restarted");
	reply_clear(&r);
	assert_int_equal(account_restarts(a), 1);
	assert_works(a);
	settle(a);
	stop(a);
}

static void
unsolicited(struct account *a, struct msg *m, void *arg)
{
	char		**detail = arg;
	uint32_t	  state;

	assert_int_equal(msg_id(m), 0);
	assert_int_equal(msg_type(m), MSG_EV_STATE);
	assert_int_equal(msg_get_u32(m, &state), MSG_OK);
	assert_int_equal(state, BACKEND_STATE_OFFLINE);
	assert_int_equal(msg_get_str(m, detail), MSG_OK);
}

static void
test_unsolicited_event(void **state)
{
	struct account	*a = start();
	struct reply	 r;
	char		*detail = NULL;

	account_set_event_cb(a, unsolicited, &detail);
	memset(&r, 0, sizeof r);
	run(a, folder_open("unsolicited"), &r, 0);
	assert_int_equal(r.final, MSG_DONE);
	assert_string_equal(detail, "unplugged");
	free(detail);
	reply_clear(&r);
	stop(a);
}

static void
test_stop_busy_worker(void **state)
{
	struct account	*a;
	struct reply	 r;
	int64_t		 began;

	/* A worker that checks for cancel notices the stop at once. */
	a = start();
	memset(&r, 0, sizeof r);
	r.id = account_request(a, folder_open("cancel"), record, &r, 0);
	while (r.progress == 0) {
		struct reply	*rs[] = { &r };

		assert_int_equal(drive(a, rs, 1, 20), 0);
	}
	began = now_ms();
	stop(a);
	assert_true(now_ms() - began < 1500);
	assert_int_equal(r.finals, 0);
	reply_clear(&r);

	/* One that hangs is killed after a short wait. */
	a = start();
	r.id = account_request(a, folder_open("hang"), record, &r, 0);
	settle(a);
	began = now_ms();
	stop(a);
	assert_true(now_ms() - began < 4000);
	reply_clear(&r);

	/* An idle one, and NULL. */
	stop(start());
	account_stop(NULL);
}

/* The worker loop alone, spoken to directly: requests that arrive during
 * another are queued and served in order; a cancel reaches the right one. */
static void
test_worker_protocol(void **state)
{
	struct msg_channel	*ch;
	struct msg		*m;
	uint32_t		 u, seen[8];
	size_t			 n = 0;
	pid_t			 pid;
	int			 sv[2], status, cancelled = 0;

	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	pid = fork();
	assert_true(pid != -1);
	if (pid == 0) {
		close(sv[0]);
		_exit(account_worker_main(sv[1], &fake_account,
		    &fake_backend));
	}
	close(sv[1]);
	ch = msg_channel_new(sv[0]);

	m = msg_new(MSG_REQ_HELLO, 1);
	msg_add_str(m, "test");
	msg_channel_send(ch, m);
	m = folder_open("cancel");
	msg_set_id(m, 2);
	msg_channel_send(ch, m);
	m = folder_open("rows");
	msg_set_id(m, 3);
	msg_channel_send(ch, m);
	m = folder_open("rows");
	msg_set_id(m, 4);
	msg_channel_send(ch, m);
	msg_channel_send(ch, msg_new(50, 5));
	/* Cancel 4 before it runs. */
	m = msg_new(MSG_REQ_CANCEL, 4);
	msg_add_u32(m, 4);
	msg_channel_send(ch, m);

	while (n < 5) {
		assert_int_equal(msg_channel_wait(ch, &m, 5000), MSG_OK);
		if (msg_type(m) == MSG_EV_PROGRESS && !cancelled) {
			/* 2 is running and 3, 4, 5 are waiting. */
			assert_int_equal(msg_id(m), 2);
			msg_free(m);
			m = msg_new(MSG_REQ_CANCEL, 2);
			msg_add_u32(m, 2);
			msg_channel_send(ch, m);
			cancelled = 1;
			continue;
		}
		if (msg_is_final(m)) {
			seen[n++] = msg_id(m);
			if (msg_id(m) == 2 || msg_id(m) == 4)
				assert_int_equal(msg_type(m), MSG_CANCELLED);
			else if (msg_id(m) == 5) {
				assert_int_equal(msg_type(m),
				    MSG_UNSUPPORTED);
			} else
				assert_int_equal(msg_type(m), MSG_DONE);
		}
		msg_free(m);
	}
	/* 4 was cancelled while queued, whenever the worker read that. */
	for (u = 0; u < 5 && seen[u] != 4; u++)
		/* nothing */;
	assert_true(u < 5);
	memmove(&seen[u], &seen[u + 1], (4 - u) * sizeof seen[0]);
	assert_int_equal(seen[0], 1);
	assert_int_equal(seen[1], 2);
	assert_int_equal(seen[2], 3);
	assert_int_equal(seen[3], 5);

	msg_channel_send(ch, msg_new(MSG_REQ_QUIT, 0));
	assert_int_equal(msg_channel_wait(ch, &m, 5000), MSG_EOF);
	msg_channel_free(ch);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_events_then_done),
		cmocka_unit_test(test_error),
		cmocka_unit_test(test_cancel),
		cmocka_unit_test(test_crash_restarts),
		cmocka_unit_test(test_timeout_restarts),
		cmocka_unit_test(test_question),
		cmocka_unit_test(test_unsupported),
		cmocka_unit_test(test_order_and_queued_cancel),
		cmocka_unit_test(test_restart_limit),
		cmocka_unit_test(test_garbage_restarts),
		cmocka_unit_test(test_unsolicited_event),
		cmocka_unit_test(test_stop_busy_worker),
		cmocka_unit_test(test_worker_protocol),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
