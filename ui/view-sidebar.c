/* view-sidebar: the accounts and their folders down the left: INBOX first,
 * then Sent, Drafts, Archive, Junk and Trash, then the rest by name, each
 * hierarchy indented under its parent, with unread and total counts. */
#include "auto-config.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core.h"
#include "keys.h"
#include "model-folder.h"
#include "store-mirror.h"
#include "summary.h"
#include "theme.h"
#include "view.h"

/* Groups, in sidebar order; a folder's children follow it. */
#define SIDEBAR_GROUP_INBOX	0
#define SIDEBAR_GROUP_OTHER	6

/* One line of the sidebar. */
struct sidebar_entry {
	size_t	account;
	size_t	folder;
	int	kind;
};
#define SIDEBAR_ACCOUNT	0	/* the account's name: selectable */
#define SIDEBAR_INFO	1	/* why it has no folders: not selectable */
#define SIDEBAR_FOLDER	2

static struct sidebar_entry	*sidebar_entries;
static size_t			 sidebar_nentries;
static size_t			 sidebar_size;

static void
sidebar_folder_clear(struct view_folder *f)
{
	free(f->name);
	free(f->display);
	memset(f, 0, sizeof *f);
}

void
view_sidebar_free(struct view_account *va)
{
	size_t	i;

	for (i = 0; i < va->nfolders; i++)
		sidebar_folder_clear(&va->folders[i]);
	free(va->folders);
	va->folders = NULL;
	va->nfolders = 0;
	free(sidebar_entries);
	sidebar_entries = NULL;
	sidebar_nentries = sidebar_size = 0;
}

struct view_folder *
view_sidebar_find(struct view_account *va, const char *name)
{
	size_t	i;

	for (i = 0; name != NULL && i < va->nfolders; i++) {
		if (strcmp(va->folders[i].name, name) == 0)
			return &va->folders[i];
	}
	return NULL;
}

/* A folder from a MSG_EV_FOLDER: new, or news about one we have. */
void
view_sidebar_folder_update(struct view_account *va,
    const struct summary_folder *sf)
{
	struct view_folder	*f;

	if (sf->name == NULL || *sf->name == '\0')
		return;
	if ((f = view_sidebar_find(va, sf->name)) == NULL) {
		va->folders = xreallocarray(va->folders, va->nfolders + 1,
		    sizeof *va->folders);
		f = &va->folders[va->nfolders++];
		memset(f, 0, sizeof *f);
		f->name = xstrdup(sf->name);
	}
	free(f->display);
	f->display = xstrdup(sf->display != NULL ? sf->display : sf->name);
	/* Only a character the name holds can be a delimiter. */
	f->delimiter = sf->delimiter < 128 ? sf->delimiter : 0;
	f->role = sf->role;
	f->noselect = sf->noselect;
	f->total = sf->total;
	f->unseen = sf->unseen;
	f->list = va->list;
	va->sorted = 0;
	va->ui->dirty |= VIEW_DIRTY_SIDEBAR;
}

/* Drop the folders the given list did not send (deleted elsewhere). */
void
view_sidebar_folders_prune(struct view_account *va, unsigned list)
{
	size_t	i, j;

	for (i = j = 0; i < va->nfolders; i++) {
		if (va->folders[i].list == list)
			va->folders[j++] = va->folders[i];
		else
			sidebar_folder_clear(&va->folders[i]);
	}
	if (j != va->nfolders) {
		va->nfolders = j;
		va->sorted = 0;
		va->ui->dirty |= VIEW_DIRTY_SIDEBAR;
	}
}

static int
sidebar_is_inbox(const struct view_folder *f)
{
	return strcasecmp(f->name, "INBOX") == 0;
}

/* The folder's own group: INBOX, a special use in order, or none. */
static int
sidebar_own_group(const struct view_folder *f)
{
	if (sidebar_is_inbox(f))
		return SIDEBAR_GROUP_INBOX;
	switch (f->role) {
	case STORE_ROLE_INBOX:
		return SIDEBAR_GROUP_INBOX;
	case STORE_ROLE_SENT:
		return 1;
	case STORE_ROLE_DRAFTS:
		return 2;
	case STORE_ROLE_ARCHIVE:
		return 3;
	case STORE_ROLE_JUNK:
		return 4;
	case STORE_ROLE_TRASH:
		return 5;
	}
	return SIDEBAR_GROUP_OTHER;
}

/* The folder named by the first len bytes of name, if the account has it. */
static struct view_folder *
sidebar_find_prefix(struct view_account *va, const char *name, size_t len)
{
	size_t	i;

	for (i = 0; i < va->nfolders; i++) {
		if (strlen(va->folders[i].name) == len &&
		    strncmp(va->folders[i].name, name, len) == 0)
			return &va->folders[i];
	}
	return NULL;
}

/* Scratch data for sorting: a folder and its group. */
struct sidebar_sort {
	struct view_folder	*folder;
	int			 group;
};

static int
sidebar_lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

/* Compare paths with the delimiter before any other character, so a
 * folder's children come right after it; letters without case first. */
static int
sidebar_path_cmp(const char *a, const char *b, int delimiter)
{
	int	ca, cb;

	for (;; a++, b++) {
		ca = (unsigned char)*a;
		cb = (unsigned char)*b;
		ca = ca == 0 ? 0 : ca == delimiter ? 1 : sidebar_lower(ca) + 2;
		cb = cb == 0 ? 0 : cb == delimiter ? 1 : sidebar_lower(cb) + 2;
		if (ca != cb || ca == 0)
			return ca - cb;
	}
}

static int
sidebar_sort_cmp(const void *pa, const void *pb)
{
	const struct sidebar_sort	*a = pa, *b = pb;
	int				 d;

	if (a->group != b->group)
		return a->group - b->group;
	d = sidebar_path_cmp(a->folder->display, b->folder->display,
	    (int)a->folder->delimiter);
	if (d != 0)
		return d;
	return strcmp(a->folder->name, b->folder->name);
}

/* Indentation and label: under the nearest parent the account has. */
static void
sidebar_place(struct view_account *va, struct view_folder *f, int group,
    const int *groups)
{
	struct view_folder	*parent;
	const char		*p, *label;
	size_t			 len, components, k;
	int			 labelled = 0;

	f->depth = 0;
	f->label = f->display;
	if (f->delimiter == 0)
		return;
	/* Walk the name's prefixes from the longest. */
	len = strlen(f->name);
	while (len > 0) {
		while (len > 0 && (unsigned char)f->name[len - 1] !=
		    f->delimiter)
			len--;
		if (len == 0)
			break;
		len--;
		if ((parent = sidebar_find_prefix(va, f->name, len)) == NULL)
			continue;
		if (!labelled) {
			/* Count the parent's components, skip that many in
			 * the display name (its delimiters are the same). */
			for (p = f->name, components = 1; p < f->name + len;
			    p++) {
				if ((unsigned char)*p == f->delimiter)
					components++;
			}
			label = f->display;
			for (k = 0; k < components && label != NULL; k++) {
				label = strchr(label, (int)f->delimiter);
				if (label != NULL)
					label++;
			}
			if (label != NULL && *label != '\0')
				f->label = label;
			labelled = 1;
		}
		if (groups[parent - va->folders] == group)
			f->depth++;
	}
}

/* Sort an account's folders for the sidebar and indent them. */
static void
sidebar_sort(struct view_account *va)
{
	struct sidebar_sort	*s;
	struct view_folder	*sorted, *parent;
	int			*own, *groups;
	size_t			 i, len;

	if (va->sorted || va->nfolders == 0) {
		va->sorted = 1;
		return;
	}
	own = xcalloc(va->nfolders, sizeof *own);
	groups = xcalloc(va->nfolders, sizeof *groups);
	for (i = 0; i < va->nfolders; i++)
		own[i] = sidebar_own_group(&va->folders[i]);
	/* A folder without a role of its own goes with its nearest parent
	 * that has one (Sent/2025 under Sent, INBOX.lists under INBOX). */
	for (i = 0; i < va->nfolders; i++) {
		struct view_folder *f = &va->folders[i];

		groups[i] = own[i];
		len = strlen(f->name);
		while (groups[i] == SIDEBAR_GROUP_OTHER && f->delimiter != 0 &&
		    len > 0) {
			while (len > 0 && (unsigned char)f->name[len - 1] !=
			    f->delimiter)
				len--;
			if (len == 0)
				break;
			len--;
			parent = sidebar_find_prefix(va, f->name, len);
			if (parent != NULL &&
			    own[parent - va->folders] != SIDEBAR_GROUP_OTHER)
				groups[i] = own[parent - va->folders];
		}
	}
	for (i = 0; i < va->nfolders; i++)
		sidebar_place(va, &va->folders[i], groups[i], groups);
	s = xcalloc(va->nfolders, sizeof *s);
	for (i = 0; i < va->nfolders; i++) {
		s[i].folder = &va->folders[i];
		s[i].group = groups[i];
	}
	qsort(s, va->nfolders, sizeof *s, sidebar_sort_cmp);
	sorted = xcalloc(va->nfolders, sizeof *sorted);
	for (i = 0; i < va->nfolders; i++)
		sorted[i] = *s[i].folder;	/* label stays in display */
	free(va->folders);
	va->folders = sorted;
	free(s);
	free(groups);
	free(own);
	va->sorted = 1;
}

static void
sidebar_add(size_t account, size_t folder, int kind)
{
	if (sidebar_nentries == sidebar_size) {
		sidebar_size = sidebar_size == 0 ? 64 : sidebar_size * 2;
		sidebar_entries = xreallocarray(sidebar_entries, sidebar_size,
		    sizeof *sidebar_entries);
	}
	sidebar_entries[sidebar_nentries].account = account;
	sidebar_entries[sidebar_nentries].folder = folder;
	sidebar_entries[sidebar_nentries++].kind = kind;
}

/* The sidebar's lines, from the accounts as they are now. */
static void
sidebar_build(struct ui *ui)
{
	struct view_account	*va;
	size_t			 i, j;

	sidebar_nentries = 0;
	for (i = 0; i < ui->naccounts; i++) {
		va = &ui->accounts[i];
		sidebar_sort(va);
		sidebar_add(i, 0, SIDEBAR_ACCOUNT);
		if (va->worker == NULL && va->problem != NULL)
			sidebar_add(i, 0, SIDEBAR_INFO);
		for (j = 0; j < va->nfolders; j++)
			sidebar_add(i, j, SIDEBAR_FOLDER);
	}
}

/* The cursor's line (the account's if its folder went). */
static size_t
sidebar_cursor(struct ui *ui)
{
	const struct sidebar_entry	*e;
	size_t				 i, fallback = 0;

	for (i = 0; i < sidebar_nentries; i++) {
		e = &sidebar_entries[i];
		if (e->account != ui->sidebar_account)
			continue;
		if (e->kind == SIDEBAR_ACCOUNT) {
			fallback = i;
			if (ui->sidebar_folder == NULL)
				return i;
		}
		if (e->kind == SIDEBAR_FOLDER && ui->sidebar_folder != NULL &&
		    strcmp(ui->accounts[e->account].folders[e->folder].name,
		    ui->sidebar_folder) == 0)
			return i;
	}
	return fallback;
}

static void
sidebar_set_cursor(struct ui *ui, size_t index)
{
	const struct sidebar_entry	*e = &sidebar_entries[index];

	free(ui->sidebar_folder);
	ui->sidebar_folder = NULL;
	ui->sidebar_account = e->account;
	if (e->kind == SIDEBAR_FOLDER)
		ui->sidebar_folder = xstrdup(
		    ui->accounts[e->account].folders[e->folder].name);
	/* The index shows the account when no folder is open. */
	ui->dirty |= VIEW_DIRTY_SIDEBAR | VIEW_DIRTY_INDEX;
}

/* The counts to show: the model's for the open folder, else the list's;
 * the number unread. */
static size_t
sidebar_counts(struct ui *ui, struct view_account *va,
    const struct view_folder *f, char *buf, size_t len)
{
	size_t	total = f->total, unseen = f->unseen;

	if (ui->open.account == va && strcmp(ui->open.folder, f->name) == 0 &&
	    (ui->open.loaded || model_folder_total(ui->open.model) > 0)) {
		total = model_folder_total(ui->open.model);
		unseen = model_folder_unseen(ui->open.model);
	}
	if (unseen > 0)
		snprintf(buf, len, "%zu/%zu", unseen, total);
	else
		snprintf(buf, len, "%zu", total);
	return unseen;
}

/* "[###   ] 45%": eight cells of use, then the share; only the share
 * where that is all that fits in room columns beside the account's name
 * (which always shows). 0 when not even that fits. */
static int
sidebar_gauge(char *buf, size_t size, uint64_t used, uint64_t limit,
    int room)
{
	char		 bar[9];
	uint64_t	 pct = used * 100 / limit;
	size_t		 i, full = (size_t)(used * 8 / limit);

	if (pct > 999)
		pct = 999;
	for (i = 0; i < 8; i++)
		bar[i] = i < full ? '#' : ' ';
	bar[8] = '\0';
	snprintf(buf, size, "[%s] %llu%%", bar, (unsigned long long)pct);
	if (draw_columns(buf) <= room)
		return 1;
	snprintf(buf, size, "%llu%%", (unsigned long long)pct);
	return draw_columns(buf) <= room;
}

static void
sidebar_draw_entry(struct ui *ui, const struct sidebar_entry *e, int y,
    int width, int cursor)
{
	struct view_account		*va = &ui->accounts[e->account];
	const struct view_folder	*f;
	char				 counts[32];
	int				 x, right, open;
	size_t				 unseen = 0;
	attr_t				 attr = theme_attr(THEME_SIDEBAR);
	enum theme_element		 over = THEME_SIDEBAR_CURSOR;

	/* The cursor goes over the line's own look, after the rest. */
	if (ui->focus != VIEW_FOCUS_SIDEBAR)
		over = THEME_SIDEBAR_CURSOR_UNFOCUSED;
	switch (e->kind) {
	case SIDEBAR_ACCOUNT:
		attr = theme_over(attr, THEME_SIDEBAR_ACCOUNT);
		if (cursor)
			attr = theme_over(attr, over);
		attrset(attr);
		draw_blank(y, 0, width);
		right = 0;
		if (va->offline) {
			attrset(theme_over(attr, THEME_SIDEBAR_OFFLINE));
			right = draw_columns(_("offline"));
			draw_text(y, width - right - 1, right, _("offline"));
			attrset(attr);
		} else if (va->quota_limit > 0 &&
		    sidebar_gauge(counts, sizeof counts, va->quota_used,
		    va->quota_limit, width - 3 -
		    draw_columns(va->config->name))) {
			/* The quota gauge: a full mailbox bounces mail, so
			 * from 90% it takes the warning's colour. */
			if (va->quota_used * 100 >= va->quota_limit * 90)
				attrset(theme_over(attr, THEME_SIDEBAR_OFFLINE));
			right = draw_columns(counts);
			draw_text(y, width - right - 1, right, counts);
			attrset(attr);
		}
		draw_text(y, 1, width - 2 - (right ? right + 1 : 0),
		    va->config->name);
		attrset(A_NORMAL);
		break;
	case SIDEBAR_INFO:
		attrset(theme_over(attr, THEME_SIDEBAR_INFO));
		draw_blank(y, 0, width);
		draw_text(y, 2, width - 2, va->problem);
		attrset(A_NORMAL);
		break;
	case SIDEBAR_FOLDER:
		f = &va->folders[e->folder];
		open = ui->open.account == va &&
		    strcmp(ui->open.folder, f->name) == 0;
		if (!f->noselect)
			unseen = sidebar_counts(ui, va, f, counts,
			    sizeof counts);
		if (unseen > 0)
			attr = theme_over(attr, THEME_SIDEBAR_UNREAD);
		if (f->noselect)
			attr = theme_over(attr, THEME_SIDEBAR_NOSELECT);
		if (open)
			attr = theme_over(attr, THEME_SIDEBAR_OPEN);
		if (cursor)
			attr = theme_over(attr, over);
		attrset(attr);
		draw_blank(y, 0, width);
		right = 0;
		if (!f->noselect) {
			right = (int)strlen(counts);
			if (right < width - 4)
				draw_text(y, width - right - 1, right, counts);
			else
				right = 0;
		}
		x = 2 + 2 * f->depth;
		if (x > width / 2)
			x = width / 2;
		draw_text(y, x, width - x - 1 - (right ? right + 1 : 0),
		    f->label);
		attrset(A_NORMAL);
		break;
	}
}

void
view_sidebar_draw(struct ui *ui)
{
	size_t	cursor, i;
	int	width = ui_sidebar_width(), lines = ui_main_lines(), y;

	sidebar_build(ui);
	cursor = sidebar_cursor(ui);
	if (lines <= 0)
		return;
	if (cursor < ui->sidebar_top)
		ui->sidebar_top = cursor;
	if (cursor >= ui->sidebar_top + (size_t)lines)
		ui->sidebar_top = cursor - (size_t)lines + 1;
	if (ui->sidebar_top > 0 &&
	    sidebar_nentries < ui->sidebar_top + (size_t)lines)
		ui->sidebar_top = sidebar_nentries > (size_t)lines ?
		    sidebar_nentries - (size_t)lines : 0;
	for (y = 0; y < lines; y++) {
		i = ui->sidebar_top + (size_t)y;
		if (i < sidebar_nentries)
			sidebar_draw_entry(ui, &sidebar_entries[i], y,
			    width - 1, i == cursor);
		else {
			attrset(theme_attr(THEME_SIDEBAR));
			draw_blank(y, 0, width - 1);
			attrset(A_NORMAL);
		}
	}
	attrset(theme_over(theme_attr(THEME_SIDEBAR), THEME_SIDEBAR_BORDER));
	mvvline(0, width - 1, ACS_VLINE, lines);
	attrset(A_NORMAL);
}

/* The next selectable line from index in direction step, or index. */
static size_t
sidebar_step(size_t index, long step)
{
	size_t	i = index;

	for (;;) {
		if (step < 0 && i == 0)
			return index;
		if (step > 0 && i + 1 >= sidebar_nentries)
			return index;
		i = step < 0 ? i - 1 : i + 1;
		if (sidebar_entries[i].kind != SIDEBAR_INFO)
			return i;
	}
}

int
view_sidebar_key(struct ui *ui, int action)
{
	const struct sidebar_entry	*e;
	struct view_account		*va;
	size_t				 cursor, i;
	long				 page = ui_main_lines();

	sidebar_build(ui);
	if (sidebar_nentries == 0)
		return action == KEYS_ACTION_NEXT ||
		    action == KEYS_ACTION_PREVIOUS;
	cursor = sidebar_cursor(ui);
	switch (action) {
	case KEYS_ACTION_NEXT:
		sidebar_set_cursor(ui, sidebar_step(cursor, 1));
		return 1;
	case KEYS_ACTION_PREVIOUS:
		sidebar_set_cursor(ui, sidebar_step(cursor, -1));
		return 1;
	case KEYS_ACTION_TOP:
		sidebar_set_cursor(ui, 0);
		return 1;
	case KEYS_ACTION_BOTTOM:
		i = sidebar_nentries - 1;
		while (i > 0 && sidebar_entries[i].kind == SIDEBAR_INFO)
			i--;
		sidebar_set_cursor(ui, i);
		return 1;
	case KEYS_ACTION_PAGE_DOWN:
	case KEYS_ACTION_PAGE_UP:
		for (i = 0; i < (size_t)(page > 1 ? page - 1 : 1); i++)
			cursor = sidebar_step(cursor,
			    action == KEYS_ACTION_PAGE_DOWN ? 1 : -1);
		sidebar_set_cursor(ui, cursor);
		return 1;
	case KEYS_ACTION_OPEN:
		e = &sidebar_entries[cursor];
		va = &ui->accounts[e->account];
		if (e->kind != SIDEBAR_FOLDER) {
			if (va->worker == NULL)
				ui_message(ui, _("%s: %s"), va->config->name,
				    va->problem != NULL ? va->problem :
				    _("no folders"));
			else if (va->nfolders == 0)
				ui_message(ui, _("%s: no folders yet"),
				    va->config->name);
			else
				ui_message(ui, _("Choose one of %s's folders "
				    "to open."), va->config->name);
			return 1;
		}
		ui_account_open(ui, va, &va->folders[e->folder]);
		return 1;
	}
	return 0;
}
