/* view-index-change: what the index changes in the mailbox: read and
 * unread (N), flagged (F), delete and undelete (d, u), save and copy to a
 * folder (s, C) and purge ($), for the selected message or, after ;, the
 * tagged ones; and the folder commands (:mkdir, :rename, :rmdir,
 * :subscribe, :unsubscribe). A change shows at once; the worker's events
 * confirm it, and a failure puts the rows back as they were. UI process. */
#include "auto-config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "account.h"
#include "backend.h"
#include "config.h"
#include "core.h"
#include "keys.h"
#include "model-folder.h"
#include "msg.h"
#include "store-mirror.h"
#include "view.h"

/* One change in flight: what to put back if it fails. */
struct index_change {
	struct view_account	*va;
	char			*folder;
	char			*what;		/* for messages */
	uint32_t		*uids;
	uint32_t		*old;		/* their flags before */
	size_t			 n;
};

static void
index_change_free(struct index_change *c)
{
	free(c->folder);
	free(c->what);
	free(c->uids);
	free(c->old);
	free(c);
}

/* Whether the index shows the change's folder. */
static int
index_change_shown(struct ui *ui, const struct index_change *c)
{
	struct view_open	*o = &ui->open;

	return o->account == c->va && o->model != NULL && o->folder != NULL &&
	    strcmp(o->folder, c->folder) == 0;
}

static void
index_change_reply(struct account *a, struct msg *m, void *arg)
{
	struct index_change	*c = arg;
	struct ui		*ui = c->va->ui;
	char			*text = NULL;
	uint32_t		 code;
	size_t			 i;

	if (ui_account_common(c->va, m))
		return;
	switch (msg_type(m)) {
	case MSG_EV_FLAGS:
	case MSG_EV_VANISHED:
		if (index_change_shown(ui, c))
			model_folder_event(ui->open.model, m);
		ui->dirty |= VIEW_DIRTY_INDEX | VIEW_DIRTY_STATUS |
		    VIEW_DIRTY_SIDEBAR;
		return;
	case MSG_DONE:
		break;
	case MSG_ERROR:
	case MSG_UNSUPPORTED:
	case MSG_CANCELLED:
		/* Back as they were, then why. */
		if (index_change_shown(ui, c)) {
			for (i = 0; i < c->n; i++)
				model_folder_set_flags(ui->open.model,
				    c->uids[i], c->old[i]);
		}
		if (msg_type(m) == MSG_ERROR && msg_get_u32(m, &code) ==
		    MSG_OK && msg_get_str(m, &text) == MSG_OK)
			ui_error(ui, "%s: %s", c->what, text != NULL ? text :
			    "?");
		else
			ui_error(ui, _("%s: not done."), c->what);
		free(text);
		ui->dirty |= VIEW_DIRTY_INDEX | VIEW_DIRTY_STATUS;
		break;
	default:
		return;
	}
	if (msg_is_final(m))
		index_change_free(c);
	(void)a;
}

/* The change for uids of the open folder, their flags kept. */
static struct index_change *
index_change_new(struct ui *ui, const char *what, const uint32_t *uids,
    size_t n)
{
	struct view_open	*o = &ui->open;
	struct index_change	*c = xcalloc(1, sizeof *c);
	const struct model_row	*r;
	size_t			 i;

	c->va = o->account;
	c->folder = xstrdup(o->folder);
	c->what = xstrdup(what);
	c->uids = xreallocarray(NULL, n, sizeof *c->uids);
	c->old = xreallocarray(NULL, n, sizeof *c->old);
	for (i = 0; i < n; i++) {
		c->uids[i] = uids[i];
		r = model_folder_find(o->model, uids[i]);
		c->old[i] = r != NULL ? r->flags : 0;
	}
	c->n = n;
	return c;
}

static void
index_change_add_uids(struct msg *m, const uint32_t *uids, size_t n)
{
	size_t	i;

	msg_add_u32(m, (uint32_t)n);
	for (i = 0; i < n; i++)
		msg_add_u32(m, uids[i]);
}

/* Post m for change c (the folder was added already). */
static void
index_change_post(struct ui *ui, struct index_change *c, struct msg *m)
{
	if (c->va->worker == NULL) {
		ui_error(ui, "%s: %s", c->what, _("the account is not "
		    "running"));
		msg_free(m);
		index_change_free(c);
		return;
	}
	account_request(c->va->worker, m, index_change_reply, c, 0);
}

/* Show flags at once: each row gets add and loses remove. */
static void
index_change_show(struct ui *ui, const uint32_t *uids, size_t n,
    uint32_t add, uint32_t remove)
{
	const struct model_row	*r;
	size_t			 i;

	for (i = 0; i < n; i++) {
		if ((r = model_folder_find(ui->open.model, uids[i])) != NULL)
			model_folder_set_flags(ui->open.model, uids[i],
			    (r->flags | add) & ~remove);
	}
	ui->dirty |= VIEW_DIRTY_INDEX | VIEW_DIRTY_STATUS | VIEW_DIRTY_SIDEBAR;
}

static void
index_change_flags(struct ui *ui, const char *what, const uint32_t *uids,
    size_t n, uint32_t add, uint32_t remove)
{
	struct index_change	*c = index_change_new(ui, what, uids, n);
	struct msg		*m = msg_new(MSG_REQ_FLAGS, 0);

	msg_add_str(m, c->folder);
	msg_add_u32(m, add);
	msg_add_u32(m, remove);
	index_change_add_uids(m, uids, n);
	index_change_show(ui, uids, n, add, remove);
	index_change_post(ui, c, m);
}

/* Whether every one of uids has flag. */
static int
index_change_all_have(struct ui *ui, const uint32_t *uids, size_t n,
    uint32_t flag)
{
	const struct model_row	*r;
	size_t			 i;

	for (i = 0; i < n; i++) {
		if ((r = model_folder_find(ui->open.model, uids[i])) != NULL &&
		    (r->flags & flag) == 0)
			return 0;
	}
	return 1;
}

static void
index_change_toggle_new(struct ui *ui, const uint32_t *uids, size_t n)
{
	/* As mutt: all read makes them unread, otherwise read. */
	if (index_change_all_have(ui, uids, n, STORE_FLAG_SEEN))
		index_change_flags(ui, _("toggle-new"), uids, n, 0,
		    STORE_FLAG_SEEN);
	else
		index_change_flags(ui, _("toggle-new"), uids, n,
		    STORE_FLAG_SEEN, 0);
}

static void
index_change_flag(struct ui *ui, const uint32_t *uids, size_t n)
{
	if (index_change_all_have(ui, uids, n, STORE_FLAG_FLAGGED))
		index_change_flags(ui, _("flag-message"), uids, n, 0,
		    STORE_FLAG_FLAGGED);
	else
		index_change_flags(ui, _("flag-message"), uids, n,
		    STORE_FLAG_FLAGGED, 0);
}

static void
index_change_undelete(struct ui *ui, const uint32_t *uids, size_t n)
{
	index_change_flags(ui, _("undelete-message"), uids, n, 0,
	    STORE_FLAG_DELETED);
}

/* d: shown as deleted at once; the worker moves them to the Trash (they
 * go) or marks them (they stay, marked, until a purge). */
static void
index_change_delete(struct ui *ui, const uint32_t *uids, size_t n)
{
	struct index_change	*c = index_change_new(ui, _("delete-message"),
				    uids, n);
	struct msg		*m = msg_new(MSG_REQ_DELETE, 0);

	msg_add_str(m, c->folder);
	index_change_add_uids(m, uids, n);
	index_change_show(ui, uids, n, STORE_FLAG_DELETED, 0);
	index_change_post(ui, c, m);
}

/* The folder of the open account a typed name means: its display name or
 * its own, with mutt's leading = allowed; NULL if none. */
static const struct view_folder *
index_change_folder(struct view_account *va, const char *typed)
{
	size_t	i;

	if (*typed == '=')
		typed++;
	for (i = 0; i < va->nfolders; i++) {
		if (strcmp(va->folders[i].display, typed) == 0)
			return &va->folders[i];
	}
	for (i = 0; i < va->nfolders; i++) {
		if (strcmp(va->folders[i].name, typed) == 0 ||
		    (strcasecmp(typed, "INBOX") == 0 &&
		    strcasecmp(va->folders[i].name, "INBOX") == 0))
			return &va->folders[i];
	}
	return NULL;
}

/* What s and C were asked for, until the folder is typed. */
struct index_change_target {
	uint32_t	*uids;
	size_t		 n;
	int		 move;
};

static void
index_change_target_entered(struct ui *ui, const char *line, void *arg)
{
	struct index_change_target	*t = arg;
	const struct view_folder	*f;
	struct index_change		*c;
	struct msg			*m;

	if (*line == '\0' || ui->open.account == NULL ||
	    ui->open.model == NULL)
		goto out;
	if ((f = index_change_folder(ui->open.account, line)) == NULL) {
		ui_error(ui, _("No folder %s (:mkdir makes one)."), line);
		goto out;
	}
	if (f->noselect) {
		ui_error(ui, _("%s holds folders, not messages."), f->display);
		goto out;
	}
	c = index_change_new(ui, t->move ? _("save-message") :
	    _("copy-message"), t->uids, t->n);
	m = msg_new(MSG_REQ_COPY, 0);
	msg_add_str(m, c->folder);
	msg_add_str(m, f->name);
	msg_add_u32(m, t->move);
	index_change_add_uids(m, t->uids, t->n);
	if (t->move)
		index_change_show(ui, t->uids, t->n, STORE_FLAG_DELETED, 0);
	index_change_post(ui, c, m);
	if (!t->move)
		ui_message(ui, ngettext("Copying %zu message to %s...",
		    "Copying %zu messages to %s...", t->n), t->n, f->display);
out:
	free(t->uids);
	free(t);
}

static void
index_change_target(struct ui *ui, const uint32_t *uids, size_t n, int move)
{
	struct index_change_target	*t = xcalloc(1, sizeof *t);

	t->uids = xreallocarray(NULL, n, sizeof *uids);
	memcpy(t->uids, uids, n * sizeof *uids);
	t->n = n;
	t->move = move;
	prompt_line_start(ui, move ? ngettext("Move %zu message to folder: ",
	    "Move %zu messages to folder: ", n) :
	    ngettext("Copy %zu message to folder: ",
	    "Copy %zu messages to folder: ", n), NULL,
	    index_change_target_entered, t);
}

static void
index_change_save(struct ui *ui, const uint32_t *uids, size_t n)
{
	index_change_target(ui, uids, n, 1);
}

static void
index_change_copy(struct ui *ui, const uint32_t *uids, size_t n)
{
	index_change_target(ui, uids, n, 0);
}

/* Rows marked deleted, for a purge. */
struct index_change_marked {
	uint32_t	*uids;
	size_t		 n;
};

static int
index_change_collect(const struct model_row *r, void *arg)
{
	struct index_change_marked	*mk = arg;

	if ((r->flags & STORE_FLAG_DELETED) == 0)
		return 0;
	mk->uids = xreallocarray(mk->uids, mk->n + 1, sizeof *mk->uids);
	mk->uids[mk->n++] = r->uid;
	return 1;
}

/* $: purge what is marked deleted in the open folder, and only that. */
static void
index_change_purge(struct ui *ui)
{
	struct index_change_marked	 mk;
	struct index_change		*c;
	struct msg			*m;

	memset(&mk, 0, sizeof mk);
	model_folder_matches(ui->open.model, index_change_collect, &mk);
	if (mk.n == 0) {
		ui_message(ui, _("No messages are marked deleted."));
		return;
	}
	c = index_change_new(ui, _("purge"), mk.uids, mk.n);
	m = msg_new(MSG_REQ_EXPUNGE, 0);
	msg_add_str(m, c->folder);
	index_change_add_uids(m, mk.uids, mk.n);
	index_change_post(ui, c, m);
	ui_message(ui, ngettext("Purging %zu message...",
	    "Purging %zu messages...", mk.n), mk.n);
	free(mk.uids);
}

static const struct {
	enum keys_action	 action;
	void			(*apply)(struct ui *, const uint32_t *,
				    size_t);
	int			 next;	/* move on after, as mutt does */
} index_change_actions[] = {
	{ KEYS_ACTION_TOGGLE_NEW, index_change_toggle_new, 0 },
	{ KEYS_ACTION_FLAG_MESSAGE, index_change_flag, 0 },
	{ KEYS_ACTION_DELETE_MESSAGE, index_change_delete, 1 },
	{ KEYS_ACTION_UNDELETE_MESSAGE, index_change_undelete, 1 },
	{ KEYS_ACTION_SAVE_MESSAGE, index_change_save, 0 },
	{ KEYS_ACTION_COPY_MESSAGE, index_change_copy, 0 },
};

int
view_index_change_apply(struct ui *ui, int action, const uint32_t *uids,
    size_t n)
{
	size_t	i;

	for (i = 0; i < sizeof index_change_actions /
	    sizeof index_change_actions[0]; i++) {
		if ((int)index_change_actions[i].action != action)
			continue;
		if (n > BACKEND_MAX_UIDS) {
			ui_error(ui, _("%s: at most %d messages at once."),
			    keys_action_name(action), BACKEND_MAX_UIDS);
			return 1;
		}
		index_change_actions[i].apply(ui, uids, n);
		return 1;
	}
	return 0;
}

int
view_index_change_key(struct ui *ui, int action)
{
	struct view_open	*o = &ui->open;
	const struct model_row	*r;
	uint32_t		 uid;
	size_t			 i;

	if (action == KEYS_ACTION_PURGE) {
		if (o->account == NULL || o->model == NULL)
			ui_error(ui, _("No folder is open."));
		else
			index_change_purge(ui);
		return 1;
	}
	for (i = 0; i < sizeof index_change_actions /
	    sizeof index_change_actions[0]; i++) {
		if ((int)index_change_actions[i].action == action)
			break;
	}
	if (i == sizeof index_change_actions / sizeof index_change_actions[0])
		return 0;
	if (o->model == NULL || (r = model_folder_row(o->model,
	    model_folder_selected(o->model))) == NULL) {
		ui_message(ui, _("No message is selected."));
		return 1;
	}
	uid = r->uid;
	index_change_actions[i].apply(ui, &uid, 1);
	if (index_change_actions[i].next)
		model_folder_move(o->model, 1);
	ui->dirty |= VIEW_DIRTY_INDEX;
	return 1;
}

static struct view_account *index_change_account(struct ui *);

/* change-folder's answer: FOLDER of the open (or the sidebar's) account,
 * or ACCOUNT/FOLDER. */
static void
index_change_open_entered(struct ui *ui, const char *line, void *arg)
{
	struct view_account		*va = NULL;
	const struct view_folder	*f = NULL;
	const char			*slash = strchr(line, '/');
	size_t				 i;

	if (*line == '\0')
		return;
	if (slash != NULL) {
		for (i = 0; i < ui->naccounts; i++) {
			if (strlen(ui->accounts[i].config->name) ==
			    (size_t)(slash - line) && strncmp(line,
			    ui->accounts[i].config->name, (size_t)(slash -
			    line)) == 0)
				va = &ui->accounts[i];
		}
		if (va != NULL && (f = index_change_folder(va, slash + 1)) ==
		    NULL) {
			ui_error(ui, _("No folder %s in %s."), slash + 1,
			    va->config->name);
			return;
		}
	}
	if (f == NULL) {
		va = index_change_account(ui);
		if (va == NULL || (f = index_change_folder(va, line)) == NULL) {
			ui_error(ui, _("No folder %s (:mkdir makes one)."),
			    line);
			return;
		}
	}
	free(ui->sidebar_folder);
	ui->sidebar_folder = xstrdup(f->name);
	ui->sidebar_account = (size_t)(va - ui->accounts);
	ui_account_open(ui, va, f);
	(void)arg;
}

void
view_index_change_open_start(struct ui *ui)
{
	prompt_line_start(ui, _("Open folder: "), NULL,
	    index_change_open_entered, NULL);
}

/* Replies to a folder change: the new list comes as folder events. */
static void
index_change_folder_reply(struct account *a, struct msg *m, void *arg)
{
	struct view_account	*va = arg;
	char			*text = NULL;
	uint32_t		 code;

	if (ui_account_common(va, m))
		return;
	switch (msg_type(m)) {
	case MSG_DONE:
		ui_account_list(va);
		ui_message(va->ui, _("Done."));
		break;
	case MSG_ERROR:
		if (msg_get_u32(m, &code) == MSG_OK &&
		    msg_get_str(m, &text) == MSG_OK)
			ui_error(va->ui, "%s", text != NULL ? text : "?");
		break;
	case MSG_UNSUPPORTED:
		ui_error(va->ui, _("%s: this account has no folders to "
		    "change."), va->config->name);
		break;
	default:
		break;
	}
	free(text);
	(void)a;
}

/* The account folder commands apply to: the open folder's, else the one
 * under the sidebar's cursor. */
static struct view_account *
index_change_account(struct ui *ui)
{
	if (ui->open.account != NULL)
		return ui->open.account;
	if (ui->sidebar_account < ui->naccounts)
		return &ui->accounts[ui->sidebar_account];
	return NULL;
}

void
view_index_change_folder(struct ui *ui, uint32_t op, const char *name,
    const char *newname)
{
	struct view_account		*va = index_change_account(ui);
	const struct view_folder	*f = NULL;
	struct msg			*m;

	if (va == NULL || va->worker == NULL) {
		ui_error(ui, _("No account to change folders in."));
		return;
	}
	if (op != BACKEND_FOLDER_CREATE &&
	    (f = index_change_folder(va, name)) == NULL) {
		ui_error(ui, _("No folder %s in %s."), name, va->config->name);
		return;
	}
	m = msg_new(MSG_REQ_FOLDER_CHANGE, 0);
	msg_add_u32(m, op);
	/* A new name is UTF-8 as typed; the worker names it for the
	 * server. An existing folder goes by its own name. */
	msg_add_str(m, f != NULL ? f->name : name);
	msg_add_str(m, newname != NULL ? newname : "");
	account_request(va->worker, m, index_change_folder_reply, va, 0);
	ui_message(ui, _("Working on %s..."), name);
}
