/* cmd-sync: `skua sync` brings mirrors up to date through the same account
 * workers as the interface, prints what it did, and exits 0 only if every
 * account and folder it was asked for synced. */
#include "auto-config.h"

#include <errno.h>
#include <poll.h>
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
#include "view.h"

/* One request: an account and a folder ("" for all folders). */
struct cmd_sync_job {
	const struct config_account	*account;
	struct account			*worker;
	char				*folder;
	int				 done;
	int				 failed;
	uint32_t			 rows;
	uint32_t			 folders;
};


static void
cmd_sync_reply(struct account *a, struct msg *m, void *arg)
{
	struct cmd_sync_job	*job = arg;
	uint32_t		 u, code;
	char			*text = NULL;

	switch (msg_type(m)) {
	case MSG_EV_ROWS:
		if (msg_get_u32(m, &u) == MSG_OK)
			job->rows += u;
		break;
	case MSG_EV_FOLDER:
		job->folders++;
		break;
	case MSG_EV_STATE:
		if (msg_get_u32(m, &u) == MSG_OK && u == BACKEND_STATE_OFFLINE &&
		    msg_get_str(m, &text) == MSG_OK)
			fprintf(stderr, _("%s: offline: %s\n"),
			    job->account->name, text);
		break;
	case MSG_EV_QUESTION:
		cmd_question(job->worker, job->account->name, m);
		break;
	case MSG_DONE:
		job->done = 1;
		printf(ngettext("%s%s%s: synced, %u new or changed row\n",
		    "%s%s%s: synced, %u new or changed rows\n", job->rows),
		    job->account->name, *job->folder ? "/" : "", job->folder,
		    job->rows);
		break;
	case MSG_ERROR:
		job->done = job->failed = 1;
		if (msg_get_u32(m, &code) == MSG_OK)
			msg_get_str(m, &text);
		fprintf(stderr, _("%s%s%s: error: %s\n"), job->account->name,
		    *job->folder ? "/" : "", job->folder,
		    text != NULL ? text : _("unknown error"));
		break;
	case MSG_CANCELLED:
	case MSG_UNSUPPORTED:
		job->done = job->failed = 1;
		fprintf(stderr, _("%s: not done\n"), job->account->name);
		break;
	default:
		break;
	}
	free(text);
	(void)a;
}

int
cmd_sync_main(const struct config *config, int argc, char **argv)
{
	struct cmd_sync_job	*jobs = NULL;
	struct account		**workers = NULL;
	const struct config_account *a;
	struct pollfd		*pfd;
	struct msg		*m;
	size_t			 njobs = 0, nworkers, i, j;
	char			*error = NULL, *slash, *name;
	int			 bodies = 0, status = 0, pending, timeout, arg;

	for (arg = 1; arg < argc && argv[arg][0] == '-'; arg++) {
		if (strcmp(argv[arg], "--bodies") == 0)
			bodies = 1;
		else {
			fprintf(stderr, _("skua sync: unknown option %s\n"
			    "Usage: skua sync [--bodies] "
			    "[ACCOUNT[/FOLDER]...]\n"), argv[arg]);
			return 2;
		}
	}
	/* No arguments: every account. */
	nworkers = config_account_count(config);
	workers = xcalloc(nworkers + 1, sizeof *workers);
	for (i = 0; arg == argc && i < nworkers; i++) {
		jobs = xreallocarray(jobs, njobs + 1, sizeof *jobs);
		memset(&jobs[njobs], 0, sizeof jobs[njobs]);
		jobs[njobs].account = config_account(config, i);
		jobs[njobs++].folder = xstrdup("");
	}
	for (; arg < argc; arg++) {
		name = xstrdup(argv[arg]);
		if ((slash = strchr(name, '/')) != NULL)
			*slash++ = '\0';
		if ((a = config_account_find(config, name)) == NULL) {
			fprintf(stderr, _("skua sync: no account %s in %s\n"),
			    name, config_file(config));
			free(name);
			status = 2;
			goto out;
		}
		jobs = xreallocarray(jobs, njobs + 1, sizeof *jobs);
		memset(&jobs[njobs], 0, sizeof jobs[njobs]);
		jobs[njobs].account = a;
		jobs[njobs++].folder = xstrdup(slash != NULL ? slash : "");
		free(name);
	}

	/* One worker per account, shared by its jobs. */
	for (i = 0; i < njobs; i++) {
		const struct backend	*backend;
		size_t			 k = 0;

		while (config_account(config, k) != jobs[i].account)
			k++;
		if (workers[k] == NULL) {
			backend = backend_for(jobs[i].account);
			if (backend == NULL) {
				fprintf(stderr, _("%s: syncing %s accounts is "
				    "not supported yet\n"),
				    jobs[i].account->name,
				    config_protocol_name(
				    jobs[i].account->protocol));
				jobs[i].done = jobs[i].failed = 1;
				continue;
			}
			if (account_start(jobs[i].account, backend,
			    &workers[k], &error) != ACCOUNT_OK) {
				fprintf(stderr, "%s: %s\n",
				    jobs[i].account->name, error);
				free(error);
				error = NULL;
				jobs[i].done = jobs[i].failed = 1;
				continue;
			}
		}
		jobs[i].worker = workers[k];
		m = msg_new(MSG_REQ_SYNC, 0);
		msg_add_str(m, jobs[i].folder);
		msg_add_u32(m, bodies ? BACKEND_SYNC_BODIES : 0);
		account_request(workers[k], m, cmd_sync_reply, &jobs[i], 0);
	}

	pfd = xcalloc(nworkers + 1, sizeof *pfd);
	for (;;) {
		pending = 0;
		for (i = 0; i < njobs; i++)
			pending += !jobs[i].done;
		if (pending == 0)
			break;
		timeout = -1;
		for (i = j = 0; i < nworkers; i++) {
			int t;

			if (workers[i] == NULL)
				continue;
			pfd[j].fd = account_fd(workers[i]);
			pfd[j].events = POLLIN |
			    (account_wants_write(workers[i]) ? POLLOUT : 0);
			j++;
			t = account_next_timeout(workers[i]);
			if (t >= 0 && (timeout < 0 || t < timeout))
				timeout = t;
		}
		if (poll(pfd, j, timeout) == -1 && errno != EINTR)
			break;
		for (i = 0; i < nworkers; i++) {
			if (workers[i] == NULL)
				continue;
			account_dispatch(workers[i]);
			account_check_deadlines(workers[i]);
		}
	}
	free(pfd);
	for (i = 0; i < njobs; i++)
		status |= jobs[i].failed;
out:
	for (i = 0; i < nworkers; i++) {
		if (workers[i] != NULL)
			account_stop(workers[i]);
	}
	free(workers);
	for (i = 0; i < njobs; i++)
		free(jobs[i].folder);
	free(jobs);
	return status;
}
