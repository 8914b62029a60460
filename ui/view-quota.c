/* view-quota: an account's quota and its biggest messages across folders,
 * with their biggest attachments, so a full mailbox can be emptied where
 * it counts: d deletes one for good (a move to the Trash would still fill
 * the quota), a moves it into the account's local Maildir first. Over the
 * index; q leaves. UI process. */
#include "auto-config.h"

#include <curses.h>
#include <stdlib.h>
#include <string.h>

#include "account.h"
#include "backend.h"
#include "config.h"
#include "core.h"
#include "keys.h"
#include "model-folder.h"
#include "msg.h"
#include "render.h"
#include "store-mirror.h"
#include "theme.h"
#include "view.h"

/* How many of the biggest messages the view lists. */
#define VIEW_QUOTA_ROWS	100

static void
quota_clear(struct view_quota *q)
{
	size_t	i;

	for (i = 0; i < q->nbig; i++) {
		free(q->big[i].folder);
		free(q->big[i].from);
		free(q->big[i].subject);
		free(q->big[i].attachment);
	}
	free(q->big);
	q->big = NULL;
	q->nbig = q->selected = q->top = 0;
}

void
view_quota_free(struct ui *ui)
{
	quota_clear(&ui->quota);
	ui->quota.active = 0;
}

/* MSG_EV_BIG: one more message for the list. */
static void
quota_big(struct view_quota *q, struct msg *m)
{
	struct view_big	b;

	memset(&b, 0, sizeof b);
	if (msg_get_str(m, &b.folder) != MSG_OK ||
	    msg_get_u32(m, &b.uid) != MSG_OK ||
	    msg_get_u32(m, &b.size) != MSG_OK ||
	    msg_get_str(m, &b.from) != MSG_OK ||
	    msg_get_str(m, &b.subject) != MSG_OK ||
	    msg_get_str(m, &b.attachment) != MSG_OK ||
	    msg_get_u64(m, &b.attachment_size) != MSG_OK || b.folder == NULL) {
		free(b.folder);
		free(b.from);
		free(b.subject);
		free(b.attachment);
		return;
	}
	q->big = xreallocarray(q->big, q->nbig + 1, sizeof *q->big);
	q->big[q->nbig++] = b;
}

static void
quota_reply(struct account *a, struct msg *m, void *arg)
{
	struct view_account	*va = arg;
	struct ui		*ui = va->ui;
	struct view_quota	*q = &ui->quota;
	char			*text = NULL;
	uint32_t		 code;

	if (ui_account_common(va, m)) {
		ui->dirty |= VIEW_DIRTY_INDEX;
		return;
	}
	if (q->account != va || q->request != msg_id(m))
		return;
	switch (msg_type(m)) {
	case MSG_EV_BIG:
		quota_big(q, m);
		break;
	case MSG_ERROR:
		if (msg_get_u32(m, &code) == MSG_OK &&
		    msg_get_str(m, &text) == MSG_OK)
			ui_error(ui, _("quota: %s"), text != NULL ? text : "?");
		free(text);
		/* FALLTHROUGH */
	default:
		if (msg_is_final(m))
			q->request = 0;
		break;
	}
	ui->dirty |= VIEW_DIRTY_INDEX | VIEW_DIRTY_STATUS;
	(void)a;
}

/* Ask the worker for the quota and the biggest messages (limit 0: the
 * quota alone). */
static uint32_t
quota_ask(struct view_account *va, uint32_t limit)
{
	struct msg	*m = msg_new(MSG_REQ_QUOTA, 0);

	msg_add_u32(m, limit);
	return account_request(va->worker, m, quota_reply, va, 0);
}

void
view_quota_open(struct ui *ui)
{
	struct view_quota	*q = &ui->quota;
	struct view_account	*va = ui->open.account;

	if (va == NULL && ui->sidebar_account < ui->naccounts)
		va = &ui->accounts[ui->sidebar_account];
	if (va == NULL || va->worker == NULL) {
		ui_error(ui, _("No account to show the quota of."));
		return;
	}
	quota_clear(q);
	q->account = va;
	q->active = 1;
	q->request = quota_ask(va, VIEW_QUOTA_ROWS);
	ui->dirty |= VIEW_DIRTY_ALL & ~VIEW_DIRTY_CLEAR;
}

char *
view_quota_status(struct ui *ui)
{
	struct view_quota	*q = &ui->quota;
	struct view_account	*va = q->account;
	char			 used[32], limit[32];

	if (va->quota_limit == 0)
		return xasprintf(_("%s: no quota known%s"), va->config->name,
		    q->request != 0 ? _(" (asking...)") : "");
	render_size(used, sizeof used, va->quota_used * 1024);
	render_size(limit, sizeof limit, va->quota_limit * 1024);
	return xasprintf(_("%s: quota %s of %s (%llu%%)  d:delete for good  "
	    "a:archive  q:back"), va->config->name, used, limit,
	    (unsigned long long)(va->quota_used * 100 / va->quota_limit));
}

void
view_quota_draw(struct ui *ui)
{
	struct view_quota	*q = &ui->quota;
	const struct view_big	*b;
	char			 size[32], asize[32], *line, *attach;
	size_t			 i, rows;
	int			 x, width, y, lines = ui_main_lines();

	x = ui_sidebar_width() + 1;
	width = COLS - x - 1;
	if (lines < 3 || width < 1)
		return;
	/* To the right edge: the index below may have used the last
	 * column. */
	for (y = 0; y < lines; y++)
		draw_blank(y, x - 1, COLS - x + 1);
	attron(theme_attr(THEME_ATTACH_TITLE));
	line = q->request != 0 && q->nbig == 0 ?
	    xstrdup(_("The biggest messages: looking...")) :
	    xasprintf(ngettext("The %zu biggest message (of those skua has "
	    "seen)", "The %zu biggest messages (of those skua has seen)",
	    q->nbig), q->nbig);
	draw_text(0, x, width, line);
	free(line);
	attroff(theme_attr(THEME_ATTACH_TITLE));
	if (q->nbig == 0)
		return;
	rows = (size_t)(lines - 2);
	if (q->selected >= q->nbig)
		q->selected = q->nbig - 1;
	if (q->selected < q->top)
		q->top = q->selected;
	if (q->selected >= q->top + rows)
		q->top = q->selected - rows + 1;
	for (i = q->top, y = 2; i < q->nbig && y < lines; i++, y++) {
		b = &q->big[i];
		render_size(size, sizeof size, b->size);
		if (b->attachment != NULL && b->attachment_size > 0) {
			render_size(asize, sizeof asize, b->attachment_size);
			attach = xasprintf("  [%s %s]", b->attachment, asize);
		} else
			attach = xstrdup("");
		line = xasprintf("%c %8s  %-12.12s  %-18.18s  %s%s",
		    b->gone ? 'D' : ' ', size, b->folder,
		    b->from != NULL ? b->from : "", b->subject != NULL ?
		    b->subject : "", attach);
		if (i == q->selected)
			attron(theme_attr(THEME_ATTACH_CURSOR));
		draw_text_padded(y, x - 1, width + 1, line);
		if (i == q->selected)
			attroff(theme_attr(THEME_ATTACH_CURSOR));
		free(line);
		free(attach);
	}
}

/* Replies to a delete from the quota view: the quota again once done. */
struct quota_delete {
	struct view_account	*va;
	char			*folder;
};

static void
quota_delete_reply(struct account *a, struct msg *m, void *arg)
{
	struct quota_delete	*d = arg;
	struct view_account	*va = d->va;
	struct view_open	*o = &va->ui->open;
	char			*text = NULL;
	uint32_t		 code;

	if (ui_account_common(va, m))
		return;
	/* The index may show the folder too: the message goes there. */
	if (msg_type(m) == MSG_EV_VANISHED || msg_type(m) == MSG_EV_FLAGS) {
		if (o->account == va && o->model != NULL && o->folder != NULL &&
		    strcmp(o->folder, d->folder) == 0)
			model_folder_event(o->model, m);
		return;
	}
	if (!msg_is_final(m))
		return;
	free(d->folder);
	free(d);
	if (msg_type(m) == MSG_ERROR) {
		if (msg_get_u32(m, &code) == MSG_OK &&
		    msg_get_str(m, &text) == MSG_OK)
			ui_error(va->ui, "%s", text != NULL ? text : "?");
		free(text);
	} else if (msg_type(m) == MSG_DONE && va->worker != NULL)
		quota_ask(va, 0);
	va->ui->dirty |= VIEW_DIRTY_INDEX | VIEW_DIRTY_STATUS;
	(void)a;
}

static struct quota_delete *
quota_delete_new(struct view_account *va, const char *folder)
{
	struct quota_delete	*d = xcalloc(1, sizeof *d);

	d->va = va;
	d->folder = xstrdup(folder);
	return d;
}

/* a: the message whole into the local Maildir, then off the server. */
static void
quota_archive_confirmed(struct ui *ui, const char *line, void *arg)
{
	struct view_quota	*q = &ui->quota;
	struct view_big		*b;
	struct msg		*m;
	size_t			 i = (size_t)(uintptr_t)arg;

	if (!q->active || i >= q->nbig || q->account->worker == NULL)
		return;
	if (strcmp(line, "yes") != 0 && strcmp(line, _("yes")) != 0) {
		ui_message(ui, _("Kept."));
		return;
	}
	b = &q->big[i];
	m = msg_new(MSG_REQ_ARCHIVE, 0);
	msg_add_str(m, b->folder);
	msg_add_u32(m, 1);
	msg_add_u32(m, b->uid);
	account_request(q->account->worker, m, quota_delete_reply,
	    quota_delete_new(q->account, b->folder), 0);
	ui_message(ui, _("Archiving..."));
	b->gone = 1;
	ui->dirty |= VIEW_DIRTY_INDEX;
}

static void
quota_delete_confirmed(struct ui *ui, const char *line, void *arg)
{
	struct view_quota	*q = &ui->quota;
	struct view_big		*b;
	struct msg		*m;
	size_t			 i = (size_t)(uintptr_t)arg;

	if (!q->active || i >= q->nbig || q->account->worker == NULL)
		return;
	if (strcmp(line, "yes") != 0 && strcmp(line, _("yes")) != 0) {
		ui_message(ui, _("Kept."));
		return;
	}
	b = &q->big[i];
	/* Marked, then purged by UID: nothing else in the folder goes. */
	m = msg_new(MSG_REQ_FLAGS, 0);
	msg_add_str(m, b->folder);
	msg_add_u32(m, STORE_FLAG_DELETED);
	msg_add_u32(m, 0);
	msg_add_u32(m, 1);
	msg_add_u32(m, b->uid);
	account_request(q->account->worker, m, quota_delete_reply,
	    quota_delete_new(q->account, b->folder), 0);
	m = msg_new(MSG_REQ_EXPUNGE, 0);
	msg_add_str(m, b->folder);
	msg_add_u32(m, 1);
	msg_add_u32(m, b->uid);
	account_request(q->account->worker, m, quota_delete_reply,
	    quota_delete_new(q->account, b->folder), 0);
	b->gone = 1;
	ui->dirty |= VIEW_DIRTY_INDEX;
}

int
view_quota_key(struct ui *ui, int action)
{
	struct view_quota	*q = &ui->quota;
	size_t			 page = ui_main_lines() > 3 ?
				    (size_t)ui_main_lines() - 3 : 1;
	char			 size[32], *label;

	switch (action) {
	case KEYS_ACTION_NEXT:
		if (q->selected + 1 < q->nbig)
			q->selected++;
		break;
	case KEYS_ACTION_PREVIOUS:
		if (q->selected > 0)
			q->selected--;
		break;
	case KEYS_ACTION_TOP:
		q->selected = 0;
		break;
	case KEYS_ACTION_BOTTOM:
		q->selected = q->nbig > 0 ? q->nbig - 1 : 0;
		break;
	case KEYS_ACTION_PAGE_DOWN:
		q->selected += page;
		if (q->selected >= q->nbig)
			q->selected = q->nbig > 0 ? q->nbig - 1 : 0;
		break;
	case KEYS_ACTION_PAGE_UP:
		q->selected = q->selected > page ? q->selected - page : 0;
		break;
	case KEYS_ACTION_DELETE_MESSAGE:
		if (q->nbig == 0 || q->big[q->selected].gone)
			break;
		render_size(size, sizeof size, q->big[q->selected].size);
		label = xasprintf(_("Delete this message for good (frees %s)? "
		    "Type yes: "), size);
		prompt_line_start(ui, label, NULL, quota_delete_confirmed,
		    (void *)(uintptr_t)q->selected);
		free(label);
		break;
	case KEYS_ACTION_ARCHIVE:
		if (q->nbig == 0 || q->big[q->selected].gone)
			break;
		render_size(size, sizeof size, q->big[q->selected].size);
		label = xasprintf(_("To the local Maildir, off the server "
		    "(frees %s)? Type yes: "), size);
		prompt_line_start(ui, label, NULL, quota_archive_confirmed,
		    (void *)(uintptr_t)q->selected);
		free(label);
		break;
	case KEYS_ACTION_EXIT:
		view_quota_free(ui);
		ui->dirty |= VIEW_DIRTY_ALL & ~VIEW_DIRTY_CLEAR;
		return 1;
	default:
		return 0;
	}
	ui->dirty |= VIEW_DIRTY_INDEX | VIEW_DIRTY_STATUS;
	return 1;
}
