/* ui-account: the interface's side of the account workers: start one per
 * account that has a backend, list its folders, open a folder into the
 * model, and turn every event into state for the views (never drawing). */
#include "auto-config.h"

#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "account.h"
#include "backend.h"
#include "core.h"
#include "model-folder.h"
#include "msg.h"
#include "summary.h"
#include "view.h"

/* MSG_EV_STATE: online, or offline and why. */
static void
ui_account_state(struct view_account *va, struct msg *m)
{
	struct ui	*ui = va->ui;
	uint32_t	 state;
	char		*detail = NULL;

	if (msg_get_u32(m, &state) != MSG_OK ||
	    msg_get_str(m, &detail) != MSG_OK)
		return;
	if (state == BACKEND_STATE_OFFLINE) {
		/* Say it once per reason, not on every retry. */
		if (!va->offline || va->offline_detail == NULL ||
		    detail == NULL || strcmp(va->offline_detail, detail) != 0)
			ui_message(ui, _("%s: offline: %s"), va->config->name,
			    detail != NULL ? detail : _("no connection"));
		va->offline = 1;
		free(va->offline_detail);
		va->offline_detail = detail;
		detail = NULL;
	} else if (state == BACKEND_STATE_ONLINE) {
		va->offline = 0;
		free(va->offline_detail);
		va->offline_detail = NULL;
		if (va->list_request != 0 && msg_id(m) == va->list_request)
			va->list_online = 1;
	}
	free(detail);
	ui->dirty |= VIEW_DIRTY_SIDEBAR | VIEW_DIRTY_INDEX | VIEW_DIRTY_STATUS;
}

static void
ui_account_question(struct view_account *va, struct msg *m)
{
	uint32_t	 id, kind;
	char		*text = NULL;

	if (msg_get_u32(m, &id) != MSG_OK || msg_get_u32(m, &kind) != MSG_OK ||
	    msg_get_str(m, &text) != MSG_OK)
		return;
	prompt_add(va->ui, va, msg_id(m), id, kind, text);
	free(text);
}

/* A final MSG_ERROR or MSG_UNSUPPORTED, for the message line. */
static void
ui_account_failed(struct view_account *va, struct msg *m, const char *what)
{
	uint32_t	 code;
	char		*text = NULL;

	if (msg_type(m) == MSG_ERROR) {
		if (msg_get_u32(m, &code) == MSG_OK)
			msg_get_str(m, &text);
		ui_error(va->ui, _("%s: %s: %s"), va->config->name, what,
		    text != NULL ? text : _("unknown error"));
	} else {
		msg_get_str(m, &text);
		ui_error(va->ui, _("%s: %s: not supported (%s)"),
		    va->config->name, what, text != NULL ? text : "");
	}
	free(text);
}

/* MSG_EV_NOTE: the worker has something to say (a change kept offline,
 * changes replayed, one dropped). */
static void
ui_account_note(struct view_account *va, struct msg *m)
{
	char	*text = NULL;

	if (msg_get_str(m, &text) == MSG_OK && text != NULL)
		ui_message(va->ui, "%s: %s", va->config->name, text);
	free(text);
}

/* The share of the quota in use at which skua warns: mail to a full
 * mailbox bounces. */
#define UI_ACCOUNT_QUOTA_WARN	90

/* MSG_EV_QUOTA: the account's storage quota, for the status line; a
 * warning once it passes UI_ACCOUNT_QUOTA_WARN percent. */
static void
ui_account_quota(struct view_account *va, struct msg *m)
{
	uint64_t	used, limit;

	if (msg_get_u64(m, &used) != MSG_OK || msg_get_u64(m, &limit) != MSG_OK)
		return;
	va->quota_used = used;
	va->quota_limit = limit;
	if (limit > 0 && used * 100 >= limit * UI_ACCOUNT_QUOTA_WARN) {
		if (!va->quota_warned)
			ui_error(va->ui, _("%s: the mailbox is %llu%% full; "
			    "new mail bounces when it is full (:quota lists "
			    "the biggest messages)."), va->config->name,
			    (unsigned long long)(used * 100 / limit));
		va->quota_warned = 1;
	} else
		va->quota_warned = 0;
	va->ui->dirty |= VIEW_DIRTY_STATUS | VIEW_DIRTY_SIDEBAR;
}

/* MSG_EV_CHANGED: someone else changed the open folder (IDLE): sync it
 * now rather than at the next check. */
static void
ui_account_changed(struct view_account *va, struct msg *m)
{
	struct view_open	*o = &va->ui->open;
	char			*folder = NULL;

	if (msg_get_str(m, &folder) == MSG_OK && folder != NULL &&
	    o->account == va && o->folder != NULL &&
	    strcmp(o->folder, folder) == 0)
		ui_account_check_open(va->ui);
	free(folder);
}

/* Events that may come with any request, or none: 1 if m was one. */
int
ui_account_common(struct view_account *va, struct msg *m)
{
	switch (msg_type(m)) {
	case MSG_EV_STATE:
		ui_account_state(va, m);
		return 1;
	case MSG_EV_QUESTION:
		ui_account_question(va, m);
		return 1;
	case MSG_EV_NOTE:
		ui_account_note(va, m);
		return 1;
	case MSG_EV_CHANGED:
		ui_account_changed(va, m);
		return 1;
	case MSG_EV_QUOTA:
		ui_account_quota(va, m);
		return 1;
	default:
		return 0;
	}
}

static void
ui_account_event(struct account *a, struct msg *m, void *arg)
{
	ui_account_common(arg, m);
}

/*
 * skua -f: open the folder asked for once va lists it, by its server name,
 * then its display name (INBOX in any case). A list that ends online
 * without it says it is not there; one that ends offline leaves it to the
 * next list.
 */
static void
ui_account_start_folder(struct view_account *va, int done)
{
	struct ui		*ui = va->ui;
	struct view_folder	*f;
	size_t			 i;

	if (ui->start_account != va || ui->start_folder == NULL)
		return;
	/* A folder opened by hand meanwhile wins. */
	if (ui->open.account != NULL)
		goto forget;
	if ((f = view_sidebar_find(va, ui->start_folder)) == NULL) {
		for (i = 0; i < va->nfolders && f == NULL; i++) {
			if (strcmp(va->folders[i].display,
			    ui->start_folder) == 0 ||
			    (strcasecmp(ui->start_folder, "INBOX") == 0 &&
			    strcasecmp(va->folders[i].name, "INBOX") == 0))
				f = &va->folders[i];
		}
	}
	if (f != NULL && !f->noselect) {
		free(ui->sidebar_folder);
		ui->sidebar_folder = xstrdup(f->name);
		ui->sidebar_account = (size_t)(va - ui->accounts);
		ui_account_open(ui, va, f);
	} else if (!done)
		return;
	else if (f != NULL)
		ui_error(ui, _("%s: %s holds folders, not messages."),
		    va->config->name, ui->start_folder);
	else if (va->offline) {
		ui_message(ui, _("%s: no folder %s yet (offline); it opens "
		    "when the server lists it."), va->config->name,
		    ui->start_folder);
		return;
	} else
		ui_error(ui, _("%s: no folder %s."), va->config->name,
		    ui->start_folder);
forget:
	free(ui->start_folder);
	ui->start_folder = NULL;
	ui->start_account = NULL;
}

/* Replies to MSG_REQ_FOLDER_LIST. */
static void
ui_account_list_reply(struct account *a, struct msg *m, void *arg)
{
	struct view_account	*va = arg;
	struct summary_folder	 f;

	if (ui_account_common(va, m))
		return;
	if (msg_is_final(m))
		prompt_forget(va->ui, va, msg_id(m));
	switch (msg_type(m)) {
	case MSG_EV_FOLDER:
		if (summary_folder_read(m, &f) != MSG_OK) {
			log_warn("%s: %s: a bad folder event", __func__,
			    va->config->name);
			return;
		}
		/* The folders sent once online are the server's list. */
		if (va->list_online == 1) {
			va->list_online = 2;
			va->list++;
		}
		view_sidebar_folder_update(va, &f);
		summary_folder_clear(&f);
		ui_account_start_folder(va, 0);
		break;
	case MSG_DONE:
		/* A server's full list: what it did not send is gone. */
		if (va->list_online == 2)
			view_sidebar_folders_prune(va, va->list);
		va->list_request = 0;
		ui_account_start_folder(va, 1);
		break;
	case MSG_ERROR:
	case MSG_UNSUPPORTED:
		ui_account_failed(va, m, _("folder list"));
		/* FALLTHROUGH */
	case MSG_CANCELLED:
		va->list_request = 0;
		break;
	default:
		break;
	}
	va->ui->dirty |= VIEW_DIRTY_SIDEBAR | VIEW_DIRTY_INDEX;
}

void
ui_account_start_all(struct ui *ui)
{
	struct view_account	*va;
	const struct backend	*backend;
	struct msg		*m;
	char			*error = NULL;
	size_t			 i;

	ui->naccounts = config_account_count(ui->config);
	ui->accounts = xcalloc(ui->naccounts > 0 ? ui->naccounts : 1,
	    sizeof *ui->accounts);
	for (i = 0; i < ui->naccounts; i++) {
		va = &ui->accounts[i];
		va->ui = ui;
		va->config = config_account(ui->config, i);
		va->sorted = 1;
		if ((backend = backend_for(va->config)) == NULL) {
			va->problem = xasprintf(_("(%s: not supported yet)"),
			    config_protocol_name(va->config->protocol));
			continue;
		}
		if (account_start(va->config, backend, &va->worker,
		    &error) != ACCOUNT_OK) {
			log_warn("%s: %s: %s", __func__, va->config->name,
			    error);
			va->problem = xasprintf(_("(not started: %s)"), error);
			ui_error(ui, "%s: %s", va->config->name, error);
			free(error);
			error = NULL;
			va->worker = NULL;
			continue;
		}
		account_set_event_cb(va->worker, ui_account_event, va);
		m = msg_new(MSG_REQ_FOLDER_LIST, 0);
		va->list = 1;
		va->list_online = 0;
		va->list_request = account_request(va->worker, m,
		    ui_account_list_reply, va, 0);
	}
	ui->dirty |= VIEW_DIRTY_ALL;
}

void
ui_account_stop_all(struct ui *ui)
{
	struct view_account	*va;
	size_t			 i;

	for (i = 0; i < ui->naccounts; i++) {
		va = &ui->accounts[i];
		if (va->worker != NULL)
			account_stop(va->worker);
		va->worker = NULL;
		view_sidebar_free(va);
		free(va->problem);
		free(va->offline_detail);
	}
	free(ui->accounts);
	ui->accounts = NULL;
	ui->naccounts = 0;
}

/* Fill pfd with the workers' sockets; lower *timeout to the nearest
 * deadline. Returns how many were added. */
size_t
ui_account_poll_fill(struct ui *ui, struct pollfd *pfd, size_t size,
    int *timeout)
{
	struct view_account	*va;
	size_t			 i, n = 0;
	int			 t;

	for (i = 0; i < ui->naccounts && n < size; i++) {
		va = &ui->accounts[i];
		if (va->worker == NULL)
			continue;
		pfd[n].fd = account_fd(va->worker);
		pfd[n].events = POLLIN;
		if (account_wants_write(va->worker))
			pfd[n].events |= POLLOUT;
		pfd[n].revents = 0;
		n++;
		t = account_next_timeout(va->worker);
		if (t >= 0 && (*timeout < 0 || t < *timeout))
			*timeout = t;
	}
	return n;
}

/* After poll: read what the ready workers sent, then watch deadlines. */
void
ui_account_poll_done(struct ui *ui, const struct pollfd *pfd, size_t n)
{
	struct view_account	*va;
	size_t			 i, j = 0;

	for (i = 0; i < ui->naccounts; i++) {
		va = &ui->accounts[i];
		if (va->worker == NULL)
			continue;
		if (j < n && pfd[j].revents != 0)
			account_dispatch(va->worker);
		j++;
		account_check_deadlines(va->worker);
	}
}

/* Replies to MSG_REQ_FOLDER_OPEN; those of an open since replaced only
 * count for their state and questions. */
static void
ui_account_open_reply(struct account *a, struct msg *m, void *arg)
{
	struct view_account	*va = arg;
	struct ui		*ui = va->ui;
	struct view_open	*o = &ui->open;
	uint64_t		 done, total;
	int			 current;

	if (ui_account_common(va, m))
		return;
	if (msg_is_final(m))
		prompt_forget(ui, va, msg_id(m));
	current = o->account == va && o->request == msg_id(m) && o->running;
	if (!current)
		return;
	switch (msg_type(m)) {
	case MSG_EV_ROWS:
	case MSG_EV_FLAGS:
	case MSG_EV_VANISHED:
		if (model_folder_event(o->model, m) == MODEL_FOLDER_INVALID)
			log_warn("%s: %s: a bad event for %s", __func__,
			    va->config->name, o->folder);
		ui->dirty |= VIEW_DIRTY_INDEX | VIEW_DIRTY_STATUS |
		    VIEW_DIRTY_SIDEBAR;
		break;
	case MSG_EV_PROGRESS:
		if (msg_get_u64(m, &done) == MSG_OK &&
		    msg_get_u64(m, &total) == MSG_OK) {
			o->done = done;
			o->total = total;
			ui->dirty |= VIEW_DIRTY_STATUS;
		}
		break;
	case MSG_DONE:
		o->running = 0;
		o->loaded = 1;
		ui->dirty |= VIEW_DIRTY_ALL & ~VIEW_DIRTY_CLEAR;
		break;
	case MSG_ERROR:
	case MSG_UNSUPPORTED:
		ui_account_failed(va, m, o->display);
		/* FALLTHROUGH */
	case MSG_CANCELLED:
		o->running = 0;
		o->loaded = 1;
		ui->dirty |= VIEW_DIRTY_ALL & ~VIEW_DIRTY_CLEAR;
		break;
	default:
		break;
	}
}

/* Stop the open that is running, if any; its replies are ignored. */
void
ui_account_cancel_open(struct ui *ui)
{
	struct view_open	*o = &ui->open;

	if (o->account == NULL || !o->running)
		return;
	if (o->account->worker != NULL)
		account_cancel(o->account->worker, o->request);
	o->running = 0;
	ui->dirty |= VIEW_DIRTY_STATUS | VIEW_DIRTY_INDEX;
}

/* Show folder f of va in the index: the rows come as events. Opening the
 * folder already shown again keeps its rows and refreshes them. */
void
ui_account_open(struct ui *ui, struct view_account *va,
    const struct view_folder *f)
{
	struct view_open	*o = &ui->open;
	struct msg		*m;
	int			 same;

	if (va->worker == NULL) {
		ui_message(ui, "%s: %s", va->config->name, va->problem != NULL ?
		    va->problem : _("not started"));
		return;
	}
	if (f->noselect) {
		ui_message(ui, _("%s holds folders, not messages."),
		    f->display);
		return;
	}
	same = o->account == va && strcmp(o->folder, f->name) == 0;
	ui_account_cancel_open(ui);
	if (!same) {
		/* A background sync of the old folder now speaks to no one. */
		o->check = 0;
		free(o->folder);
		free(o->display);
		if (o->model == NULL)
			o->model = model_folder_new();
		view_index_pattern_reset(ui);
		model_folder_clear(o->model);
		o->account = va;
		o->folder = xstrdup(f->name);
		o->display = xstrdup(f->display);
		o->top = 0;
		o->loaded = 0;
	}
	o->done = o->total = 0;
	m = msg_new(MSG_REQ_FOLDER_OPEN, 0);
	msg_add_str(m, f->name);
	o->request = account_request(va->worker, m, ui_account_open_reply, va,
	    0);
	o->running = 1;
	ui->focus = VIEW_FOCUS_INDEX;
	ui->dirty |= VIEW_DIRTY_ALL & ~VIEW_DIRTY_CLEAR;
}

static long long
ui_account_now_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Replies to the background sync of the open folder: changes go into the
 * model if that folder is still the one shown; nothing is cancelled when
 * the user moves on (a cancel would cost the connection). */
static void
ui_account_check_reply(struct account *a, struct msg *m, void *arg)
{
	struct view_account	*va = arg;
	struct ui		*ui = va->ui;
	struct view_open	*o = &ui->open;

	if (ui_account_common(va, m))
		return;
	if (msg_is_final(m))
		prompt_forget(ui, va, msg_id(m));
	if (o->check != msg_id(m))
		return;
	switch (msg_type(m)) {
	case MSG_EV_ROWS:
	case MSG_EV_FLAGS:
	case MSG_EV_VANISHED:
		if (o->account == va &&
		    model_folder_event(o->model, m) == MODEL_FOLDER_INVALID)
			log_warn("%s: %s: a bad event", __func__,
			    va->config->name);
		ui->dirty |= VIEW_DIRTY_INDEX | VIEW_DIRTY_STATUS |
		    VIEW_DIRTY_SIDEBAR;
		break;
	case MSG_DONE:
	case MSG_ERROR:
	case MSG_CANCELLED:
	case MSG_UNSUPPORTED:
		o->check = 0;
		break;
	default:
		break;
	}
	(void)a;
}

int
ui_account_check_timeout(struct ui *ui)
{
	int		interval = config_check_interval(ui->config);
	long long	left;

	if (interval <= 0)
		return -1;
	if (ui->next_check == 0)
		ui->next_check = ui_account_now_ms() + interval * 1000LL;
	left = ui->next_check - ui_account_now_ms();
	return left < 0 ? 0 : (int)(left > 3600000 ? 3600000 : left);
}

void
ui_account_check(struct ui *ui)
{
	struct view_account	*va;
	struct msg		*m;
	size_t			 i;
	int			 interval = config_check_interval(ui->config);

	if (interval <= 0 || ui_account_now_ms() < ui->next_check)
		return;
	ui->next_check = ui_account_now_ms() + interval * 1000LL;
	for (i = 0; i < ui->naccounts; i++) {
		va = &ui->accounts[i];
		if (va->worker == NULL || va->list_request != 0)
			continue;
		/* A list reconnects an offline account and refreshes counts. */
		m = msg_new(MSG_REQ_FOLDER_LIST, 0);
		va->list++;
		va->list_online = 0;
		va->list_request = account_request(va->worker, m,
		    ui_account_list_reply, va, 0);
	}
	ui_account_check_open(ui);
}

void
ui_account_check_open(struct ui *ui)
{
	struct view_open	*o = &ui->open;
	struct msg		*m;

	/* The open folder: a sync sends only what changed. */
	if (o->account != NULL && o->account->worker != NULL && !o->running &&
	    o->check == 0 && !o->account->offline) {
		m = msg_new(MSG_REQ_SYNC, 0);
		msg_add_str(m, o->folder);
		msg_add_u32(m, 0);
		o->check = account_request(o->account->worker, m,
		    ui_account_check_reply, o->account, 0);
	}
}

void
ui_account_list(struct view_account *va)
{
	struct msg	*m;

	if (va->worker == NULL || va->list_request != 0)
		return;
	m = msg_new(MSG_REQ_FOLDER_LIST, 0);
	va->list++;
	va->list_online = 0;
	va->list_request = account_request(va->worker, m,
	    ui_account_list_reply, va, 0);
}

/* Replies to fetch-mail's syncs: the open folder's changes as a check's,
 * then the folder list again for the counts, and a word on the line. */
static void
ui_account_fetch_reply(struct account *a, struct msg *m, void *arg)
{
	struct view_account	*va = arg;
	struct msg		*list;

	ui_account_check_reply(a, m, arg);
	if (!msg_is_final(m))
		return;
	if (msg_type(m) == MSG_ERROR || msg_type(m) == MSG_UNSUPPORTED)
		ui_account_failed(va, m, _("fetch-mail"));
	else if (msg_type(m) == MSG_DONE)
		ui_message(va->ui, _("%s: checked for new mail."),
		    va->config->name);
	if (va->worker != NULL && va->list_request == 0) {
		list = msg_new(MSG_REQ_FOLDER_LIST, 0);
		va->list++;
		va->list_online = 0;
		va->list_request = account_request(va->worker, list,
		    ui_account_list_reply, va, 0);
	}
}

void
ui_account_fetch(struct ui *ui)
{
	struct view_open	*o = &ui->open;
	struct view_account	*va;
	struct msg		*m;
	uint32_t		 id;
	size_t			 i, n = 0;
	int			 shown;

	for (i = 0; i < ui->naccounts; i++) {
		va = &ui->accounts[i];
		if (va->worker == NULL)
			continue;
		/* The open folder's changes go into the index as they come;
		 * one sync of it at a time, or events would be lost. */
		shown = o->account == va;
		if (shown && (o->running || o->check != 0))
			continue;
		m = msg_new(MSG_REQ_SYNC, 0);
		msg_add_str(m, shown ? o->folder : "INBOX");
		msg_add_u32(m, 0);
		id = account_request(va->worker, m, ui_account_fetch_reply, va,
		    0);
		if (shown)
			o->check = id;
		n++;
	}
	if (n > 0)
		ui_message(ui, _("Checking for new mail..."));
	else
		ui_message(ui, _("Already checking for new mail."));
}
