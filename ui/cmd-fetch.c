/* cmd-fetch: `skua fetch` downloads POP3 accounts through the same account
 * workers as the interface (one each, side by side), prints one line per
 * account, and exits 0 only if every account it was asked for downloaded
 * without an error. For cron and scripts: nothing is shown in the store. */
#include "auto-config.h"

#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "account.h"
#include "backend.h"
#include "cmd.h"
#include "core.h"
#include "msg.h"

/* One account's download. */
struct cmd_fetch_job {
	const struct config_account	*account;
	struct account			*worker;
	int				 done;
	int				 failed;
	int				 counted;	/* MSG_EV_FETCHED came */
	uint64_t			 messages;
	uint64_t			 bytes;
	uint64_t			 deleted;
	uint64_t			 kept;
};

/* Whether progress goes to the terminal, and when it last did. */
static int		cmd_fetch_show_progress;
static long long	cmd_fetch_progress_at;

static long long
cmd_fetch_now_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Rub out a progress line before a line that stays. */
static void
cmd_fetch_clear_progress(void)
{
	if (cmd_fetch_show_progress && cmd_fetch_progress_at != 0) {
		fputs("\r\033[K", stderr);
		fflush(stderr);
		cmd_fetch_progress_at = 0;
	}
}

static void
cmd_fetch_progress(struct cmd_fetch_job *job, struct msg *m)
{
	uint64_t	 done, total;
	char		*what = NULL;
	long long	 now = cmd_fetch_now_ms();

	if (!cmd_fetch_show_progress || now - cmd_fetch_progress_at < 200)
		return;
	if (msg_get_u64(m, &done) != MSG_OK ||
	    msg_get_u64(m, &total) != MSG_OK ||
	    msg_get_str(m, &what) != MSG_OK)
		return;
	fprintf(stderr, "\r\033[K%s: %s, %llu%%", job->account->name,
	    what != NULL ? what : "", (unsigned long long)(total > 0 ?
	    (done > total ? 100 : done * 100 / total) : 0));
	fflush(stderr);
	cmd_fetch_progress_at = now;
	free(what);
}

/* The account's line: what was done, also when it ended in an error. */
static void
cmd_fetch_summary(const struct cmd_fetch_job *job)
{
	printf(ngettext("%s: %llu message (%llu bytes) downloaded, %llu "
	    "deleted on the server, %llu left there\n",
	    "%s: %llu messages (%llu bytes) downloaded, %llu deleted on the "
	    "server, %llu left there\n", (unsigned long)job->messages),
	    job->account->name, (unsigned long long)job->messages,
	    (unsigned long long)job->bytes, (unsigned long long)job->deleted,
	    (unsigned long long)job->kept);
	fflush(stdout);
}

static void
cmd_fetch_reply(struct account *a, struct msg *m, void *arg)
{
	struct cmd_fetch_job	*job = arg;
	uint32_t		 code;
	char			*text = NULL;

	switch (msg_type(m)) {
	case MSG_EV_PROGRESS:
		cmd_fetch_progress(job, m);
		break;
	case MSG_EV_FETCHED:
		if (msg_get_u64(m, &job->messages) == MSG_OK &&
		    msg_get_u64(m, &job->bytes) == MSG_OK &&
		    msg_get_u64(m, &job->deleted) == MSG_OK &&
		    msg_get_u64(m, &job->kept) == MSG_OK)
			job->counted = 1;
		break;
	case MSG_EV_QUESTION:
		cmd_fetch_clear_progress();
		cmd_question(job->worker, job->account->name, m);
		break;
	case MSG_DONE:
		cmd_fetch_clear_progress();
		job->done = 1;
		cmd_fetch_summary(job);
		break;
	case MSG_ERROR:
		cmd_fetch_clear_progress();
		job->done = job->failed = 1;
		if (job->counted)
			cmd_fetch_summary(job);
		if (msg_get_u32(m, &code) == MSG_OK)
			msg_get_str(m, &text);
		fprintf(stderr, _("%s: error: %s\n"), job->account->name,
		    text != NULL ? text : _("unknown error"));
		break;
	case MSG_CANCELLED:
	case MSG_UNSUPPORTED:
		cmd_fetch_clear_progress();
		job->done = job->failed = 1;
		fprintf(stderr, _("%s: not done\n"), job->account->name);
		break;
	default:
		break;
	}
	free(text);
	(void)a;
}

/* The jobs: the named accounts, or every POP3 account. -1 on a bad name
 * (said), else the count. */
static int
cmd_fetch_jobs(const struct config *config, int argc, char **argv, int arg,
    struct cmd_fetch_job **out)
{
	const struct config_account	*a;
	struct cmd_fetch_job		*jobs = NULL;
	size_t				 i, n = 0;

	for (i = 0; arg == argc && i < config_account_count(config); i++) {
		a = config_account(config, i);
		if (a->protocol != CONFIG_PROTOCOL_POP3)
			continue;
		jobs = xreallocarray(jobs, n + 1, sizeof *jobs);
		memset(&jobs[n], 0, sizeof jobs[n]);
		jobs[n++].account = a;
	}
	for (; arg < argc; arg++) {
		if ((a = config_account_find(config, argv[arg])) == NULL) {
			fprintf(stderr, _("skua fetch: no account %s in %s\n"),
			    argv[arg], config_file(config));
			free(jobs);
			return -1;
		}
		if (a->protocol != CONFIG_PROTOCOL_POP3) {
			fprintf(stderr, _("skua fetch: %s is an IMAP account; "
			    "its mail stays on the server (skua sync updates "
			    "its mirror)\n"), a->name);
			free(jobs);
			return -1;
		}
		jobs = xreallocarray(jobs, n + 1, sizeof *jobs);
		memset(&jobs[n], 0, sizeof jobs[n]);
		jobs[n++].account = a;
	}
	*out = jobs;
	return (int)n;
}

int
cmd_fetch_main(const struct config *config, int argc, char **argv)
{
	struct cmd_fetch_job	*jobs = NULL;
	struct pollfd		*pfd;
	struct msg		*m;
	char			*error = NULL;
	int			 njobs, i, j, arg = 1, pending, timeout, t;
	int			 status = 0;

	if (arg < argc && strcmp(argv[arg], "--") == 0)
		arg++;
	else if (arg < argc && argv[arg][0] == '-') {
		fprintf(stderr, _("skua fetch: unknown option %s\n"
		    "Usage: skua fetch [ACCOUNT...]\n"), argv[arg]);
		return 2;
	}
	if ((njobs = cmd_fetch_jobs(config, argc, argv, arg, &jobs)) == -1)
		return 1;
	if (njobs == 0) {
		fprintf(stderr, _("skua fetch: no POP3 account in %s\n"),
		    config_file(config));
		return 1;
	}
	cmd_fetch_show_progress = isatty(STDERR_FILENO);

	for (i = 0; i < njobs; i++) {
		if (account_start(jobs[i].account, backend_for(jobs[i].account),
		    &jobs[i].worker, &error) != ACCOUNT_OK) {
			fprintf(stderr, "%s: %s\n", jobs[i].account->name,
			    error);
			free(error);
			error = NULL;
			jobs[i].done = jobs[i].failed = 1;
			continue;
		}
		m = msg_new(MSG_REQ_SYNC, 0);
		msg_add_str(m, "");
		msg_add_u32(m, BACKEND_SYNC_DOWNLOAD_ONLY);
		account_request(jobs[i].worker, m, cmd_fetch_reply, &jobs[i], 0);
	}

	pfd = xcalloc((size_t)njobs, sizeof *pfd);
	for (;;) {
		pending = 0;
		for (i = 0; i < njobs; i++)
			pending += !jobs[i].done;
		if (pending == 0)
			break;
		timeout = -1;
		for (i = j = 0; i < njobs; i++) {
			if (jobs[i].worker == NULL)
				continue;
			pfd[j].fd = account_fd(jobs[i].worker);
			pfd[j].events = POLLIN |
			    (account_wants_write(jobs[i].worker) ? POLLOUT : 0);
			j++;
			t = account_next_timeout(jobs[i].worker);
			if (t >= 0 && (timeout < 0 || t < timeout))
				timeout = t;
		}
		if (poll(pfd, (nfds_t)j, timeout) == -1 && errno != EINTR)
			break;
		for (i = 0; i < njobs; i++) {
			if (jobs[i].worker == NULL)
				continue;
			account_dispatch(jobs[i].worker);
			account_check_deadlines(jobs[i].worker);
		}
	}
	free(pfd);
	cmd_fetch_clear_progress();
	for (i = 0; i < njobs; i++) {
		status |= jobs[i].failed || !jobs[i].done;
		if (jobs[i].worker != NULL)
			account_stop(jobs[i].worker);
	}
	free(jobs);
	return status;
}
