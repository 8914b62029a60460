/* view-index: the open folder's messages, one line each as in mutt: flags,
 * date, sender and subject with the thread tree, in the order chosen (sort,
 * and o and O). With no folder open it shows the account under the
 * sidebar's cursor instead. */
#include "auto-config.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core.h"
#include "keys.h"
#include "model-folder.h"
#include "store-mirror.h"
#include "theme.h"
#include "thread.h"
#include "view.h"

/* "2025-11-22": the widest date the index shows. */
#define INDEX_DATE_WIDTH	10
#define INDEX_FLAGS_WIDTH	3
#define INDEX_YEAR		(365 * 86400)
/* The widest thread tree, in columns; deeper ones lose their left. */
#define INDEX_TREE_WIDTH	40

/* What o steps through, in turn. */
static const enum model_folder_sort index_sorts[] = {
	MODEL_FOLDER_SORT_DATE, MODEL_FOLDER_SORT_THREAD,
	MODEL_FOLDER_SORT_FROM, MODEL_FOLDER_SORT_SUBJECT,
	MODEL_FOLDER_SORT_SIZE,
};

/*
 * "14:05" today, "Nov 22" within a year, "2025-11-22" before that (and for
 * dates more than a day ahead, which are as good as unknown).
 */
void
view_index_format_date(char *buf, size_t len, int64_t date, int64_t now)
{
	struct tm	tm, today;
	time_t		t = (time_t)date, n = (time_t)now;

	if (date <= 0 || localtime_r(&t, &tm) == NULL ||
	    localtime_r(&n, &today) == NULL) {
		snprintf(buf, len, "%s", "");
		return;
	}
	if (tm.tm_year == today.tm_year && tm.tm_yday == today.tm_yday)
		strftime(buf, len, "%H:%M", &tm);
	else if (date <= now + 86400 && now - date < INDEX_YEAR)
		strftime(buf, len, "%b %d", &tm);
	else
		strftime(buf, len, "%Y-%m-%d", &tm);
}

/* The name part of "Name <addr>" (unquoted), else the address. */
void
view_index_sender(const char *from, char *buf, size_t len)
{
	const char	*start, *end, *lt;

	if (len == 0)
		return;
	buf[0] = '\0';
	if (from == NULL)
		return;
	lt = strchr(from, '<');
	start = from;
	end = lt != NULL ? lt : from + strlen(from);
	while (start < end && (*start == ' ' || *start == '"'))
		start++;
	while (end > start && (end[-1] == ' ' || end[-1] == '"'))
		end--;
	if (end == start && lt != NULL) {
		/* No name: the address between the angle brackets. */
		start = lt + 1;
		end = strchr(start, '>');
		if (end == NULL)
			end = start + strlen(start);
	}
	if ((size_t)(end - start) >= len)
		end = start + len - 1;
	memcpy(buf, start, (size_t)(end - start));
	buf[end - start] = '\0';
}

/* The status bar's text while a folder is open; the caller frees it. */
char *
view_index_status(struct ui *ui)
{
	struct view_open	*o = &ui->open;
	char			*progress, *offline, *line, *counts, *tagged;
	char			*limit, *quota;

	if (o->running && o->total > 0)
		progress = xasprintf("  %s: %llu/%llu", o->display,
		    (unsigned long long)o->done, (unsigned long long)o->total);
	else if (o->running)
		progress = xasprintf(_("  %s: opening..."), o->display);
	else
		progress = xstrdup("");
	if (o->account->offline)
		offline = xasprintf(_("  (offline: %s)"),
		    o->account->offline_detail != NULL ?
		    o->account->offline_detail : _("no connection"));
	else
		offline = xstrdup("");
	if (o->limit_text != NULL)
		counts = xasprintf(ngettext("%zu of %zu message",
		    "%zu of %zu messages", model_folder_total(o->model)),
		    model_folder_count(o->model), model_folder_total(o->model));
	else
		counts = xasprintf(ngettext("%zu message", "%zu messages",
		    model_folder_total(o->model)), model_folder_total(o->model));
	if (model_folder_tagged(o->model) > 0)
		tagged = xasprintf(_(", %zu tagged"),
		    model_folder_tagged(o->model));
	else
		tagged = xstrdup("");
	if (o->limit_text != NULL)
		limit = xasprintf(_("  limit: %s"), o->limit_text);
	else
		limit = xstrdup("");
	if (o->account->quota_limit > 0)
		quota = xasprintf(_("  quota %llu%%"), (unsigned long long)
		    (o->account->quota_used * 100 / o->account->quota_limit));
	else
		quota = xstrdup("");
	line = xasprintf(_("%s/%s  [%s, %zu unread%s]%s%s%s%s"),
	    o->account->config->name, o->display, counts,
	    model_folder_unseen(o->model), tagged, limit, quota, progress,
	    offline);
	free(quota);
	free(limit);
	free(tagged);
	free(counts);
	free(offline);
	free(progress);
	return line;
}

static void
index_flags(const struct model_row *r, char *buf)
{
	buf[0] = (r->flags & STORE_FLAG_DELETED) ? 'D' :
	    (r->flags & STORE_FLAG_SEEN) == 0 ? 'N' : ' ';
	/* As mutt: the tag hides the flag while it is on. */
	buf[1] = r->tagged ? '*' : (r->flags & STORE_FLAG_FLAGGED) ? '!' :
	    ' ';
	buf[2] = (r->flags & STORE_FLAG_ANSWERED) ? 'r' : ' ';
	buf[3] = '\0';
}

/*
 * The date column: wide enough for "2025-11-22" when the folder's oldest
 * message is that old (so scrolling never moves the columns), else for the
 * dates on screen ("Nov 22" in the locale's month names).
 */
static int
index_date_width(struct model_folder *model, size_t top, int lines,
    int64_t now)
{
	const struct model_row	*r;
	char			 date[32];
	size_t			 n = model_folder_count(model), i;
	int			 width = 5, w;

	r = model_folder_oldest(model);
	if (r == NULL || r->date > now + 86400 || now - r->date >= INDEX_YEAR)
		return INDEX_DATE_WIDTH;
	for (i = top; i < n && i < top + (size_t)lines; i++) {
		r = model_folder_row(model, i);
		view_index_format_date(date, sizeof date, r->date, now);
		if ((w = draw_columns(date)) > width)
			width = w;
	}
	return width < INDEX_DATE_WIDTH ? width : INDEX_DATE_WIDTH;
}

/* The thread tree as line drawing; the columns used. ACS, so it draws in
 * any locale the terminal has. */
static int
index_draw_tree(int y, int x, int width, const char *tree)
{
	chtype	ch;
	int	i;

	for (i = 0; tree[i] != '\0' && i < width && x + i < COLS; i++) {
		switch (tree[i]) {
		case THREAD_TREE_VERTICAL:
			ch = ACS_VLINE;
			break;
		case THREAD_TREE_TEE:
			ch = ACS_LTEE;
			break;
		case THREAD_TREE_CORNER:
			ch = ACS_LLCORNER;
			break;
		case THREAD_TREE_TOP:
			ch = ACS_ULCORNER;
			break;
		case THREAD_TREE_HORIZONTAL:
			ch = ACS_HLINE;
			break;
		case THREAD_TREE_ARROW:
			ch = '>';
			break;
		default:
			ch = ' ';
			break;
		}
		mvaddch(y, x + i, ch);
	}
	return i;
}

static void
index_draw_row(struct ui *ui, size_t index, const struct model_row *r,
    int y, int x, int width, int cursor, int date_width, int64_t now)
{
	char	flags[INDEX_FLAGS_WIDTH + 1], date[32], sender[256];
	char	tree[INDEX_TREE_WIDTH + 1];
	int	from_width, rest, subject_width, n;
	attr_t	attr = theme_attr(THEME_INDEX);

	/* Each state drawn over the last, the cursor over them all. */
	if ((r->flags & STORE_FLAG_SEEN) == 0)
		attr = theme_over(attr, THEME_INDEX_UNREAD);
	if (r->flags & STORE_FLAG_FLAGGED)
		attr = theme_over(attr, THEME_INDEX_FLAGGED);
	if (r->flags & STORE_FLAG_DELETED)
		attr = theme_over(attr, THEME_INDEX_DELETED);
	if (r->tagged)
		attr = theme_over(attr, THEME_INDEX_TAGGED);
	if (cursor)
		attr = theme_over(attr, ui->focus == VIEW_FOCUS_INDEX ?
		    THEME_INDEX_CURSOR : THEME_INDEX_CURSOR_UNFOCUSED);
	attrset(attr);
	draw_blank(y, x, width);
	index_flags(r, flags);
	view_index_format_date(date, sizeof date, r->date, now);
	view_index_sender(r->from, sender, sizeof sender);
	/* flags, date, sender and subject, one blank between each. */
	rest = width - 1 - INDEX_FLAGS_WIDTH - 1 - date_width - 1;
	from_width = rest / 3;
	if (from_width > 22)
		from_width = 22;
	if (rest < 10) {
		/* Too narrow for columns: the subject alone. */
		draw_text(y, x, width, r->subject);
		attrset(A_NORMAL);
		return;
	}
	x++;
	draw_text(y, x, INDEX_FLAGS_WIDTH, flags);
	x += INDEX_FLAGS_WIDTH + 1;
	draw_text(y, x, date_width, date);
	x += date_width + 1;
	draw_text(y, x, from_width, sender);
	x += from_width + 1;
	/* The tree takes at most half the subject's room. */
	subject_width = rest - from_width - 1;
	n = subject_width / 2 + 1;
	model_folder_tree(ui->open.model, index, tree,
	    (size_t)(n < (int)sizeof tree ? n : (int)sizeof tree));
	/* The cursor's bar stays whole. */
	if (!cursor)
		attrset(theme_over(attr, THEME_INDEX_TREE));
	n = index_draw_tree(y, x, subject_width, tree);
	attrset(attr);
	draw_text(y, x + n, subject_width - n, r->subject);
	attrset(A_NORMAL);
}

/* No folder open: the account under the sidebar's cursor. */
static void
index_draw_account(struct ui *ui, int x, int width, int lines)
{
	const struct view_account	*va;
	const struct config_account	*a;
	char				*line;
	int				 y = 0;

	if (ui->sidebar_account >= ui->naccounts) {
		draw_text(0, x, width,
		    _("No accounts: add an [account NAME] section."));
		return;
	}
	va = &ui->accounts[ui->sidebar_account];
	a = va->config;
	attrset(theme_over(theme_attr(THEME_INDEX), THEME_INDEX_TITLE));
	draw_text(y++, x, width, a->name);
	attrset(theme_attr(THEME_INDEX));
	y++;
	line = xasprintf(_("protocol  %s"), config_protocol_name(a->protocol));
	draw_text(y++, x, width, line);
	free(line);
	line = xasprintf(_("server    %s:%d (tls %s)"), a->host, a->port,
	    config_tls_name(a->tls));
	draw_text(y++, x, width, line);
	free(line);
	line = xasprintf(_("user      %s"), a->user);
	draw_text(y++, x, width, line);
	free(line);
	if (va->worker == NULL)
		line = xasprintf(_("state     %s"), va->problem != NULL ?
		    va->problem : _("not started"));
	else if (va->offline)
		line = xasprintf(_("state     offline: %s"),
		    va->offline_detail != NULL ? va->offline_detail : "");
	else
		line = xasprintf(_("state     %s"), va->list_request != 0 ?
		    _("connecting") : _("online"));
	draw_text(y++, x, width, line);
	free(line);
	if (va->worker != NULL) {
		y++;
		if (y < lines)
			draw_text(y, x, width, _("Choose a folder with j and "
			    "k, open it with Enter."));
	}
}

/* The model as the user wants it: the config's order the first time, and
 * rebuilt only as often as it can afford while rows stream in. */
static void
index_prepare(struct ui *ui)
{
	struct view_open	*o = &ui->open;
	int			 reverse, flags = 0;
	enum config_sort	 sort = CONFIG_SORT_DATE;

	if (!o->sorted) {
		if (ui->config != NULL) {
			sort = config_sort(ui->config, &reverse);
			if (reverse)
				flags |= MODEL_FOLDER_REVERSE;
			if (config_sort_threads_first(ui->config))
				flags |= MODEL_FOLDER_THREAD_FIRST_DATE;
		}
		switch (sort) {
		case CONFIG_SORT_FROM:
			model_folder_set_sort(o->model, MODEL_FOLDER_SORT_FROM,
			    flags);
			break;
		case CONFIG_SORT_SUBJECT:
			model_folder_set_sort(o->model,
			    MODEL_FOLDER_SORT_SUBJECT, flags);
			break;
		case CONFIG_SORT_SIZE:
			model_folder_set_sort(o->model, MODEL_FOLDER_SORT_SIZE,
			    flags);
			break;
		case CONFIG_SORT_THREAD:
			model_folder_set_sort(o->model,
			    MODEL_FOLDER_SORT_THREAD, flags);
			break;
		default:
			model_folder_set_sort(o->model, MODEL_FOLDER_SORT_DATE,
			    flags);
			break;
		}
		o->sorted = 1;
	}
	model_folder_defer(o->model, o->running);
	model_folder_refresh(o->model);
}

/* Say which order the index is in now. */
static void
index_sort_message(struct ui *ui)
{
	enum model_folder_sort	sort;
	int			flags, reverse;

	sort = model_folder_sort(ui->open.model, &flags);
	reverse = (flags & MODEL_FOLDER_REVERSE) != 0;
	switch (sort) {
	case MODEL_FOLDER_SORT_THREAD:
		ui_message(ui, "%s", reverse ?
		    _("Sorted by thread, oldest first.") :
		    _("Sorted by thread, newest first."));
		break;
	case MODEL_FOLDER_SORT_FROM:
		ui_message(ui, "%s", reverse ? _("Sorted by sender, Z to A.") :
		    _("Sorted by sender, A to Z."));
		break;
	case MODEL_FOLDER_SORT_SUBJECT:
		ui_message(ui, "%s", reverse ?
		    _("Sorted by subject, Z to A.") :
		    _("Sorted by subject, A to Z."));
		break;
	case MODEL_FOLDER_SORT_SIZE:
		ui_message(ui, "%s", reverse ?
		    _("Sorted by size, smallest first.") :
		    _("Sorted by size, largest first."));
		break;
	default:
		ui_message(ui, "%s", reverse ?
		    _("Sorted by date, oldest first.") :
		    _("Sorted by date, newest first."));
		break;
	}
}

/* :sort ORDER. */
void
view_index_set_sort(struct ui *ui, int sort, int flags)
{
	index_prepare(ui);
	model_folder_set_sort(ui->open.model, (enum model_folder_sort)sort,
	    flags);
	index_sort_message(ui);
	ui->dirty |= VIEW_DIRTY_INDEX | VIEW_DIRTY_STATUS;
}

/* o and O: the next order, or the same upside down. */
static void
index_sort(struct ui *ui, int reverse)
{
	struct view_open	*o = &ui->open;
	enum model_folder_sort	 sort;
	size_t			 i, n;
	int			 flags;

	index_prepare(ui);
	n = sizeof index_sorts / sizeof index_sorts[0];
	sort = model_folder_sort(o->model, &flags);
	if (reverse)
		flags ^= MODEL_FOLDER_REVERSE;
	else {
		for (i = 0; i < n && index_sorts[i] != sort; i++)
			;
		sort = index_sorts[(i + 1) % n];
	}
	model_folder_set_sort(o->model, sort, flags);
	index_sort_message(ui);
	ui->dirty |= VIEW_DIRTY_STATUS;
}

static void
index_draw(struct ui *ui)
{
	struct view_open	*o = &ui->open;
	const struct model_row	*r;
	size_t			 n, selected, i;
	int64_t			 now = (int64_t)time(NULL);
	int			 x = ui_sidebar_width(), width = COLS - x;
	int			 lines = ui_main_lines(), y, date_width;
	char			*text;

	for (y = 0; y < lines; y++)
		draw_blank(y, x, width);
	if (lines <= 0 || width <= 1)
		return;
	if (o->account == NULL) {
		index_draw_account(ui, x + 1, width - 1, lines);
		return;
	}
	index_prepare(ui);
	n = model_folder_count(o->model);
	if (n == 0) {
		if (o->limit_text != NULL && model_folder_total(o->model) > 0)
			text = xasprintf(_("No messages match %s (l and Enter "
			    "shows them all)."), o->limit_text);
		else if (o->running)
			text = xasprintf(_("Opening %s..."), o->display);
		else
			text = xasprintf(_("No messages in %s."), o->display);
		draw_text(0, x + 1, width - 1, text);
		free(text);
		return;
	}
	/* Keep the cursor on screen, and the screen full. */
	selected = model_folder_selected(o->model);
	if (selected < o->top)
		o->top = selected;
	if (selected >= o->top + (size_t)lines)
		o->top = selected - (size_t)lines + 1;
	if (o->top + (size_t)lines > n)
		o->top = n > (size_t)lines ? n - (size_t)lines : 0;
	date_width = index_date_width(o->model, o->top, lines, now);
	for (y = 0; y < lines; y++) {
		i = o->top + (size_t)y;
		if ((r = model_folder_row(o->model, i)) == NULL)
			break;
		index_draw_row(ui, i, r, y, x, width, i == selected,
		    date_width, now);
	}
}

/* The index in its theme; rows set their own look and put it back. */
void
view_index_draw(struct ui *ui)
{
	attrset(theme_attr(THEME_INDEX));
	index_draw(ui);
	attrset(A_NORMAL);
}

int
view_index_key(struct ui *ui, int action)
{
	struct view_open	*o = &ui->open;
	long			 page = ui_main_lines() > 1 ?
				    ui_main_lines() - 1 : 1;

	if (o->account == NULL)
		return 0;
	switch (action) {
	case KEYS_ACTION_NEXT:
		model_folder_move(o->model, 1);
		break;
	case KEYS_ACTION_PREVIOUS:
		model_folder_move(o->model, -1);
		break;
	case KEYS_ACTION_TOP:
		model_folder_select(o->model, 0);
		break;
	case KEYS_ACTION_BOTTOM:
		model_folder_select(o->model, (size_t)-1);
		break;
	case KEYS_ACTION_PAGE_DOWN:
		/* The page moves, the cursor keeps its line. */
		o->top += (size_t)page;
		model_folder_move(o->model, page);
		break;
	case KEYS_ACTION_PAGE_UP:
		o->top = o->top > (size_t)page ? o->top - (size_t)page : 0;
		model_folder_move(o->model, -page);
		break;
	case KEYS_ACTION_OPEN:
		if (model_folder_count(o->model) == 0) {
			ui_message(ui, _("No message to open."));
			return 1;
		}
		view_pager_open(ui, model_folder_selected_uid(o->model));
		return 1;
	case KEYS_ACTION_SORT:
		index_sort(ui, 0);
		break;
	case KEYS_ACTION_SORT_REVERSE:
		index_sort(ui, 1);
		break;
	default:
		if (view_index_change_key(ui, action))
			return 1;
		return view_index_pattern_key(ui, action);
	}
	ui->dirty |= VIEW_DIRTY_INDEX;
	return 1;
}
