/* view-pager: one message as mutt shows it, over the index: a header block
 * (pager_headers, from the worker's headers and the index row), the body
 * the worker decoded and sanitised, wrapped to the width with quotes and
 * the signature set apart, then the attachments.
 * Over the pager, the attachment list saves one to a file, in the
 * background, with progress on the status bar, or fetches it into a
 * private directory for its mailcap viewer or a command it is piped to.
 * Nothing here parses what a server sent: the worker's events carry
 * plain, safe text. UI process. */
#include "auto-config.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <wchar.h>
#include <wctype.h>

#include "account.h"
#include "backend.h"
#include "command.h"
#include "config.h"
#include "core.h"
#include "keys.h"
#include "mailcap.h"
#include "mime-filename.h"
#include "model-folder.h"
#include "msg.h"
#include "render.h"
#include "run.h"
#include "theme.h"
#include "view.h"

#define PAGER_ESCAPE	27
#define PAGER_TAB	8	/* columns between tab stops */
#define PAGER_MAX_HEADERS 64	/* in a BACKEND_PART_HEADERS event */

/* How a source line is drawn. */
enum pager_style {
	PAGER_HEADER,		/* "Label: value", the label in bold */
	PAGER_BODY,
	PAGER_QUOTE,		/* by its level */
	PAGER_SIGNATURE,
	PAGER_NOTE,		/* "[-- ... --]" */
	PAGER_ERROR,
	PAGER_ATTACHMENT,	/* the list after the text */
};

/* One line before wrapping. */
struct pager_source {
	char			*text;
	enum pager_style	 style;
	int			 level;		/* of a quote */
};

/* One screen line: a piece of a source line. */
struct pager_line {
	size_t	source;
	size_t	offset;
	size_t	length;
};

/* --- sizes and names ---------------------------------------------------- */

/* --- state --------------------------------------------------------------- */

static void
pager_forget_lines(struct view_pager *p)
{
	size_t	i;

	for (i = 0; i < p->nsources; i++)
		free(p->sources[i].text);
	free(p->sources);
	free(p->lines);
	p->sources = NULL;
	p->lines = NULL;
	p->nsources = p->nlines = 0;
	p->width = 0;
}

/* What was shown changed: build the lines again on the next layout. */
static void
pager_changed(struct ui *ui)
{
	pager_forget_lines(&ui->pager);
	ui->dirty |= VIEW_DIRTY_INDEX | VIEW_DIRTY_STATUS;
}

static void
pager_clear_headers(struct view_pager *p)
{
	size_t	i;

	for (i = 0; i < p->nheaders; i++) {
		free(p->headers[i].name);
		free(p->headers[i].value);
	}
	free(p->headers);
	p->headers = NULL;
	p->nheaders = 0;
}

static void
pager_clear_message(struct view_pager *p)
{
	size_t	i;

	for (i = 0; i < p->nattachments; i++) {
		free(p->attachments[i].section);
		free(p->attachments[i].name);
		free(p->attachments[i].type);
	}
	free(p->attachments);
	p->attachments = NULL;
	p->nattachments = 0;
	pager_clear_headers(p);
	view_url_clear(p);
	free(p->folder);
	free(p->from);
	free(p->subject);
	free(p->error);
	free(p->text);
	p->folder = p->from = p->subject = p->error = p->text = NULL;
	p->running = 0;
	p->request = 0;
	p->notes = 0;
	p->done = p->total = 0;
	p->top = p->selected = p->attach_top = 0;
	pager_forget_lines(p);
}

/* Forget the save; a private directory goes with what is in it. */
static void
pager_clear_save(struct view_pager *p)
{
	command_tmpdir_remove(p->save_dir);
	free(p->save_dir);
	free(p->save_command);
	free(p->save_what);
	free(p->save_name);
	free(p->save_path);
	p->save_name = p->save_path = NULL;
	p->save_dir = p->save_command = p->save_what = NULL;
	p->save_kind = VIEW_SAVE_FILE;
	p->save_stdin = p->save_wait = 0;
	p->save_account = NULL;
	p->save_request = 0;
	p->save_done = p->save_total = 0;
}

void
view_pager_free(struct ui *ui)
{
	pager_clear_message(&ui->pager);
	pager_clear_save(&ui->pager);
	explicit_bzero(ui->pager.path, sizeof ui->pager.path);
}

/* The text of a final MSG_ERROR or MSG_UNSUPPORTED; the caller frees it. */
static char *
pager_failure(struct msg *m)
{
	uint32_t	 code;
	char		*text = NULL;

	if (msg_type(m) == MSG_ERROR) {
		if (msg_get_u32(m, &code) == MSG_OK)
			msg_get_str(m, &text);
		if (text == NULL)
			text = xstrdup(_("unknown error"));
	} else {
		msg_get_str(m, &text);
		if (text == NULL)
			text = xstrdup("");
		free(text);
		text = xstrdup(_("not supported"));
	}
	return text;
}

/* --- the fetch ----------------------------------------------------------- */

/* BACKEND_PART_HEADERS: the message's headers, replacing any before. A
 * count past what a message has is a broken worker: nothing is kept. */
static void
pager_headers(struct view_pager *p, struct msg *m)
{
	struct view_header	*h;
	uint32_t		 n, i;

	if (msg_get_u32(m, &n) != MSG_OK || n > PAGER_MAX_HEADERS)
		return;
	pager_clear_headers(p);
	p->headers = xcalloc(n > 0 ? n : 1, sizeof *p->headers);
	for (i = 0; i < n; i++) {
		h = &p->headers[p->nheaders];
		if (msg_get_str(m, &h->name) != MSG_OK ||
		    msg_get_str(m, &h->value) != MSG_OK) {
			free(h->name);
			free(h->value);
			h->name = h->value = NULL;
			break;
		}
		if (h->name == NULL || h->value == NULL) {
			free(h->name);
			free(h->value);
			h->name = h->value = NULL;
			continue;
		}
		p->nheaders++;
	}
}

/* MSG_EV_PART: an attachment, the headers or the text to show. */
static void
pager_part(struct ui *ui, struct msg *m)
{
	struct view_pager	*p = &ui->pager;
	struct view_attachment	 a;
	uint32_t		 kind, notes;
	char			*section = NULL, *type = NULL, *text = NULL;

	if (msg_get_u32(m, &kind) != MSG_OK)
		return;
	memset(&a, 0, sizeof a);
	switch (kind) {
	case BACKEND_PART_ATTACHMENT:
		if (msg_get_str(m, &a.section) != MSG_OK ||
		    msg_get_str(m, &a.name) != MSG_OK ||
		    msg_get_str(m, &a.type) != MSG_OK ||
		    msg_get_u64(m, &a.size) != MSG_OK) {
			free(a.section);
			free(a.name);
			free(a.type);
			return;
		}
		if (a.section == NULL)
			a.section = xstrdup("");
		if (a.type == NULL)
			a.type = xstrdup("application/octet-stream");
		p->attachments = xreallocarray(p->attachments,
		    p->nattachments + 1, sizeof *p->attachments);
		p->attachments[p->nattachments++] = a;
		break;
	case BACKEND_PART_TEXT:
		if (msg_get_str(m, &section) != MSG_OK ||
		    msg_get_str(m, &type) != MSG_OK ||
		    msg_get_u32(m, &notes) != MSG_OK ||
		    msg_get_str(m, &text) != MSG_OK) {
			free(section);
			free(type);
			free(text);
			return;
		}
		free(p->text);
		p->text = text != NULL ? text : xstrdup("");
		p->notes = notes;
		free(section);
		free(type);
		break;
	case BACKEND_PART_HEADERS:
		pager_headers(p, m);
		break;
	default:
		return;
	}
	pager_changed(ui);
}

/* MSG_EV_FLAGS from a fetch: the worker marked the message read. */
static void
pager_flags(struct ui *ui, struct view_account *va, const char *folder,
    struct msg *m)
{
	struct view_open	*o = &ui->open;

	if (o->account != va || o->model == NULL || folder == NULL ||
	    strcmp(o->folder, folder) != 0)
		return;
	if (model_folder_event(o->model, m) == MODEL_FOLDER_INVALID)
		log_warn("%s: %s: a bad flags event", __func__,
		    va->config->name);
	ui->dirty |= VIEW_DIRTY_INDEX | VIEW_DIRTY_STATUS | VIEW_DIRTY_SIDEBAR;
}

/* A fetch's folder, kept with its callback: FLAGS may come after the pager
 * moved on to another message, or closed. */
struct pager_fetch {
	struct view_account	*account;
	char			*folder;
};

/* Replies to MSG_REQ_PART_FETCH. */
static void
pager_fetch_reply(struct account *a, struct msg *m, void *arg)
{
	struct pager_fetch	*f = arg;
	struct view_account	*va = f->account;
	struct ui		*ui = va->ui;
	struct view_pager	*p = &ui->pager;
	uint64_t		 done, total;
	int			 current, final = msg_is_final(m);

	if (ui_account_common(va, m))
		return;
	if (final)
		prompt_forget(ui, va, msg_id(m));
	if (msg_type(m) == MSG_EV_FLAGS)
		pager_flags(ui, va, f->folder, m);
	current = p->account == va && p->running && p->request == msg_id(m);
	if (current) {
		switch (msg_type(m)) {
		case MSG_EV_PART:
			pager_part(ui, m);
			break;
		case MSG_EV_PROGRESS:
			if (msg_get_u64(m, &done) == MSG_OK &&
			    msg_get_u64(m, &total) == MSG_OK) {
				p->done = done;
				p->total = total;
				pager_changed(ui);
			}
			break;
		case MSG_DONE:
			if (p->text == NULL) {
				p->text = xstrdup("");
				p->notes |= RENDER_NOTE_NO_TEXT;
			}
			break;
		case MSG_ERROR:
		case MSG_UNSUPPORTED:
			free(p->error);
			p->error = pager_failure(m);
			break;
		case MSG_CANCELLED:
			free(p->error);
			p->error = xstrdup(_("stopped (^G)"));
			break;
		default:
			break;
		}
		if (final) {
			p->running = 0;
			pager_changed(ui);
		}
	}
	if (final) {
		free(f->folder);
		free(f);
	}
}

static void
pager_format_date(char *buf, size_t len, int64_t date)
{
	struct tm	tm;
	time_t		t = (time_t)date;

	if (date <= 0 || localtime_r(&t, &tm) == NULL ||
	    strftime(buf, len, "%a, %d %b %Y %H:%M:%S %z", &tm) == 0)
		snprintf(buf, len, "%s", "");
}

/* The render fields of MSG_REQ_PART_FETCH: HTML is laid out for the
 * screen's width. */
static void
pager_render_fields(struct ui *ui, struct msg *m)
{
	const char	*html = config_html_command(ui->config);

	msg_add_u32(m, config_prefer_html(ui->config) ?
	    BACKEND_RENDER_PREFER_HTML : 0);
	msg_add_u32(m, COLS > 0 ? (uint32_t)COLS : 80);
	msg_add_str(m, html != NULL ? html : "");
}

/* Show message uid of the open folder, asking the worker for its text. */
void
view_pager_open(struct ui *ui, uint32_t uid)
{
	struct view_open	*o = &ui->open;
	struct view_pager	*p = &ui->pager;
	struct view_account	*va = o->account;
	const struct model_row	*r;
	struct pager_fetch	*f;
	struct msg		*m;
	size_t			 index;

	if (va == NULL || (r = model_folder_find(o->model, uid)) == NULL)
		return;
	pager_clear_message(p);
	p->active = 1;
	p->attach = 0;
	p->account = va;
	p->folder = xstrdup(o->folder);
	p->uid = uid;
	p->from = xstrdup(r->from != NULL ? r->from : "");
	p->subject = xstrdup(r->subject != NULL ? r->subject : "");
	p->date = r->date;
	if (model_folder_index_of(o->model, uid, &index))
		model_folder_select(o->model, index);
	if (va->worker == NULL) {
		p->error = xstrdup(va->problem != NULL ? va->problem :
		    _("the account is not started"));
	} else {
		f = xcalloc(1, sizeof *f);
		f->account = va;
		f->folder = xstrdup(o->folder);
		m = msg_new(MSG_REQ_PART_FETCH, 0);
		msg_add_str(m, o->folder);
		msg_add_u32(m, uid);
		msg_add_str(m, "");
		pager_render_fields(ui, m);
		p->request = account_request(va->worker, m, pager_fetch_reply,
		    f, 0);
		p->running = 1;
	}
	ui->dirty |= VIEW_DIRTY_ALL & ~VIEW_DIRTY_CLEAR;
}

/* Back to the index. A fetch still running finishes (and marks the
 * message read); its text is not kept. */
void
view_pager_close(struct ui *ui)
{
	struct view_pager	*p = &ui->pager;

	pager_clear_message(p);
	p->active = 0;
	p->attach = 0;
	p->prompting = 0;
	ui->dirty |= VIEW_DIRTY_ALL & ~VIEW_DIRTY_CLEAR;
}

/* --- lines ---------------------------------------------------------------- */

static void
pager_add(struct view_pager *p, char *text, enum pager_style style,
    int level)
{
	struct pager_source	*s;

	p->sources = xreallocarray(p->sources, p->nsources + 1,
	    sizeof *p->sources);
	s = &p->sources[p->nsources++];
	s->text = text;
	s->style = style;
	s->level = level;
}

/* One line of the body, its tabs expanded to the next stop. */
static char *
pager_expand(const char *line, size_t len)
{
	char	*out;
	size_t	 size = len + 1, used = 0, i;
	int	 cols, n;

	out = xmalloc(size);
	for (i = 0; i < len; i++) {
		if (line[i] == '\r')
			continue;
		if (line[i] != '\t') {
			out[used++] = line[i];
			continue;
		}
		out[used] = '\0';
		cols = draw_columns(out);
		n = PAGER_TAB - cols % PAGER_TAB;
		size += (size_t)n;
		out = xreallocarray(out, size, 1);
		memset(out + used, ' ', (size_t)n);
		used += (size_t)n;
	}
	out[used] = '\0';
	return out;
}

static int
pager_quote_level(const char *line)
{
	int	level = 0;

	if (*line != '>')
		return 0;
	for (; *line == '>' || *line == ' '; line++) {
		if (*line == '>')
			level++;
	}
	return level;
}

static void
pager_add_body(struct view_pager *p)
{
	const char	*line = p->text, *end;
	size_t		 len, first = p->nsources;
	int		 signature = 0, level;
	char		*text;

	while (*line != '\0') {
		end = strchr(line, '\n');
		len = end != NULL ? (size_t)(end - line) : strlen(line);
		text = pager_expand(line, len);
		if (strcmp(text, "-- ") == 0 || strcmp(text, "--") == 0)
			signature = 1;
		if (signature)
			pager_add(p, text, PAGER_SIGNATURE, 0);
		else if ((level = pager_quote_level(text)) > 0)
			pager_add(p, text, PAGER_QUOTE, level);
		else
			pager_add(p, text, PAGER_BODY, 0);
		if (end == NULL)
			break;
		line = end + 1;
	}
	/* Blank lines at the end show nothing. */
	while (p->nsources > first &&
	    *p->sources[p->nsources - 1].text == '\0')
		free(p->sources[--p->nsources].text);
}

/*
 * The header block: the headers pager_headers names, in its order, labelled
 * as it spells them (header names, not translated, as skua render does).
 * Values are the worker's; until they come, From and Subject are the index
 * row's, which are always shown, as is the Date (the row's, in local time).
 * Others show only when the message has them.
 */
static void
pager_add_headers(struct view_pager *p, const struct config *config)
{
	const char	*list = config_pager_headers(config), *start, *value;
	char		*label, date[64];
	size_t		 len, i, first = p->nsources;

	while ((start = render_header_next(&list, &len)) != NULL) {
		label = xstrndup(start, len);
		value = NULL;
		for (i = 0; i < p->nheaders && value == NULL; i++) {
			if (strcasecmp(p->headers[i].name, label) == 0)
				value = p->headers[i].value;
		}
		if (strcasecmp(label, "Date") == 0) {
			pager_format_date(date, sizeof date, p->date);
			value = date;
		} else if (value == NULL && strcasecmp(label, "From") == 0)
			value = p->from;
		else if (value == NULL && strcasecmp(label, "Subject") == 0)
			value = p->subject;
		if (value != NULL)
			pager_add(p, xasprintf("%s: %s", label, value),
			    PAGER_HEADER, 0);
		free(label);
	}
	if (p->nsources > first)
		pager_add(p, xstrdup(""), PAGER_BODY, 0);
}

/* The source lines from the state. */
static void
pager_build(struct view_pager *p, const struct config *config)
{
	const char	*notes[8];
	char		 done[32], total[32];
	size_t		 i, n;

	pager_add_headers(p, config);
	if (p->error != NULL)
		pager_add(p, xasprintf(_("Cannot show this message: %s"),
		    p->error), PAGER_ERROR, 0);
	else if (p->text == NULL && p->total > 0) {
		render_size(done, sizeof done, p->done);
		render_size(total, sizeof total, p->total);
		pager_add(p, xasprintf(_("Loading... %s/%s"), done, total),
		    PAGER_NOTE, 0);
	} else if (p->text == NULL)
		pager_add(p, xstrdup(_("Loading...")), PAGER_NOTE, 0);
	else {
		n = render_notes(p->notes, notes, sizeof notes /
		    sizeof notes[0]);
		for (i = 0; i < n; i++)
			pager_add(p, xstrdup(notes[i]), PAGER_NOTE, 0);
		pager_add_body(p);
	}
	if (p->nattachments > 0)
		pager_add(p, xstrdup(""), PAGER_BODY, 0);
	for (i = 0; i < p->nattachments; i++)
		/* Numbered as in mutt: the text is #1. */
		pager_add(p, render_attachment_line(i + 2,
		    p->attachments[i].name, p->attachments[i].type,
		    p->attachments[i].size), PAGER_ATTACHMENT, 0);
}

static void
pager_add_line(struct view_pager *p, size_t *size, size_t source,
    size_t offset, size_t length)
{
	if (p->nlines == *size) {
		*size = *size == 0 ? 256 : *size * 2;
		p->lines = xreallocarray(p->lines, *size, sizeof *p->lines);
	}
	p->lines[p->nlines].source = source;
	p->lines[p->nlines].offset = offset;
	p->lines[p->nlines++].length = length;
}

/* Cut the sources into lines of width columns, at a space where there is
 * one, keeping the line at the top where it was. */
static void
pager_wrap(struct view_pager *p, int width)
{
	const char	*text;
	size_t		 size = 0, i, off, len, fit, cut, keep_source = 0;
	size_t		 keep_offset = 0;
	int		 keep = 0;

	if (p->lines != NULL && p->top < p->nlines) {
		keep_source = p->lines[p->top].source;
		keep_offset = p->lines[p->top].offset;
		keep = 1;
	}
	free(p->lines);
	p->lines = NULL;
	p->nlines = 0;
	for (i = 0; i < p->nsources; i++) {
		text = p->sources[i].text;
		len = strlen(text);
		off = 0;
		do {
			fit = draw_fitn(text + off, len - off, width);
			cut = fit;
			if (off + fit < len) {
				/* The last space that fits, if any. */
				while (cut > 0 && text[off + cut - 1] != ' ')
					cut--;
				if (cut == 0)
					cut = fit;
			}
			pager_add_line(p, &size, i, off, cut);
			off += cut;
		} while (off < len);
	}
	p->width = width;
	if (!keep)
		return;
	for (i = 0; i < p->nlines; i++) {
		if (p->lines[i].source > keep_source ||
		    (p->lines[i].source == keep_source &&
		    p->lines[i].offset > keep_offset))
			break;
		p->top = i;
	}
}

/* Where the pager draws: columns x to x + *width. */
static int
pager_area(int *width)
{
	int	x = ui_sidebar_width() + 1;

	*width = COLS - x - 1;
	if (*width < 1)
		*width = 1;
	return x;
}

/* Build and wrap the lines if need be, and keep the top in range. */
static void
pager_layout(struct ui *ui)
{
	struct view_pager	*p = &ui->pager;
	size_t			 lines = (size_t)ui_main_lines();
	int			 width;

	pager_area(&width);
	if (p->sources == NULL)
		pager_build(p, ui->config);
	if (p->width != width)
		pager_wrap(p, width);
	if (p->top + lines > p->nlines)
		p->top = p->nlines > lines ? p->nlines - lines : 0;
}

/*
 * Attributes, one function per kind of line and all of them here, so that
 * a theme can take them over in one place.
 */

/* "From:" and the other labels of the header block. */
static attr_t
pager_attr_label(void)
{
	return theme_attr(THEME_PAGER_HEADER_NAME);
}

/* Quote levels cycle through the theme's four: "> > >" and ">>>>>" are
 * both level 3 and 5 looks as 1 does. */
static attr_t
pager_attr_quote(int level)
{
	return theme_attr(THEME_PAGER_QUOTE1 +
	    (level - 1) % THEME_PAGER_QUOTES);
}

static attr_t
pager_attr(const struct pager_source *s)
{
	switch (s->style) {
	case PAGER_HEADER:
		return theme_attr(THEME_PAGER_HEADER);
	case PAGER_QUOTE:
		return pager_attr_quote(s->level > 0 ? s->level : 1);
	case PAGER_SIGNATURE:
		return theme_attr(THEME_PAGER_SIGNATURE);
	case PAGER_NOTE:
		return theme_attr(THEME_PAGER_NOTE);
	case PAGER_ERROR:
		return theme_attr(THEME_ERROR);
	case PAGER_ATTACHMENT:
		return theme_attr(THEME_PAGER_ATTACHMENT);
	default:
		return theme_attr(THEME_PAGER);
	}
}

static void
pager_draw_line(const struct view_pager *p, const struct pager_line *l,
    int y, int x, int width)
{
	const struct pager_source	*s = &p->sources[l->source];
	char				*piece, *colon;
	attr_t				 attr = pager_attr(s);
	int				 cols = 0;

	piece = xstrndup(s->text + l->offset, l->length);
	if (s->style == PAGER_HEADER && l->offset == 0 &&
	    (colon = strchr(piece, ':')) != NULL) {
		colon[0] = '\0';
		attron(pager_attr_label());
		cols = draw_text(y, x, width, piece);
		cols += draw_text(y, x + cols, width - cols, ":");
		attroff(pager_attr_label());
		attron(attr);
		draw_text(y, x + cols, width - cols, colon + 1);
		attroff(attr);
	} else {
		attron(attr);
		draw_text(y, x, width, piece);
		attroff(attr);
	}
	free(piece);
}

/* --- the attachment list ---------------------------------------------- */

static void
attach_draw(struct ui *ui)
{
	struct view_pager	*p = &ui->pager;
	const struct view_attachment *a;
	char			 size[32], *line;
	size_t			 i, rows;
	int			 x, width, y, lines = ui_main_lines();

	x = pager_area(&width);
	if (lines < 3)
		return;
	attron(theme_attr(THEME_ATTACH_TITLE));
	line = xasprintf(_("Attachments of: %s"), p->subject);
	draw_text(0, x, width, line);
	free(line);
	attroff(theme_attr(THEME_ATTACH_TITLE));
	if (p->nattachments == 0) {
		draw_text(2, x, width, p->running ? _("Loading...") :
		    _("This message has no attachments."));
		return;
	}
	rows = (size_t)lines - 2;
	if (p->selected >= p->nattachments)
		p->selected = p->nattachments - 1;
	if (p->selected < p->attach_top)
		p->attach_top = p->selected;
	if (p->selected >= p->attach_top + rows)
		p->attach_top = p->selected - rows + 1;
	for (i = p->attach_top, y = 2; i < p->nattachments && y < lines;
	    i++, y++) {
		a = &p->attachments[i];
		render_size(size, sizeof size, a->size);
		line = xasprintf("%3zu  %s  [%s, %s]", i + 2,
		    a->name != NULL && *a->name != '\0' ? a->name :
		    _("(no name)"), a->type, size);
		if (i == p->selected)
			attron(theme_attr(THEME_ATTACH_CURSOR));
		draw_text_padded(y, x - 1, width + 1, line);
		if (i == p->selected)
			attroff(theme_attr(THEME_ATTACH_CURSOR));
		free(line);
	}
}

void
view_pager_draw(struct ui *ui)
{
	struct view_pager	*p = &ui->pager;
	size_t			 i;
	int			 x, width, y, lines = ui_main_lines();

	x = pager_area(&width);
	attron(theme_attr(THEME_PAGER));
	for (y = 0; y < lines; y++)
		draw_blank(y, x - 1, COLS - x + 1);
	attroff(theme_attr(THEME_PAGER));
	if (lines <= 0)
		return;
	if (p->url_list) {
		view_url_draw(ui);
		return;
	}
	if (p->attach) {
		attach_draw(ui);
		return;
	}
	pager_layout(ui);
	for (y = 0; y < lines; y++) {
		i = p->top + (size_t)y;
		if (i >= p->nlines)
			break;
		pager_draw_line(p, &p->lines[i], y, x, width);
	}
}

/* The status bar in the pager; the caller frees it. */
char *
view_pager_status(struct ui *ui)
{
	struct view_pager	*p = &ui->pager;
	struct view_open	*o = &ui->open;
	size_t			 index = 0, n, lines = (size_t)ui_main_lines();
	char			*save, *line, where[32];

	n = model_folder_count(o->model);
	if (!model_folder_index_of(o->model, p->uid, &index))
		index = 0;
	pager_layout(ui);
	if (p->nlines <= lines)
		snprintf(where, sizeof where, "%s", _("all"));
	else if (p->top == 0)
		snprintf(where, sizeof where, "%s", _("top"));
	else if (p->top + lines >= p->nlines)
		snprintf(where, sizeof where, "%s", _("end"));
	else
		snprintf(where, sizeof where, "%zu%%",
		    (p->top + lines) * 100 / p->nlines);
	save = view_pager_save_status(ui);
	line = xasprintf(_("%s/%s  [message %zu/%zu]  -- %s --%s%s"),
	    p->account->config->name, o->display != NULL ? o->display : "",
	    index + 1, n, where, save != NULL ? "  " : "",
	    save != NULL ? save : "");
	free(save);
	return line;
}

/* "name: 1.5M/4.1M" while a save runs, else NULL; the caller frees it. */
char *
view_pager_save_status(struct ui *ui)
{
	struct view_pager	*p = &ui->pager;
	char			 done[32], total[32];

	if (p->save_account == NULL)
		return NULL;
	if (p->save_total == 0)
		return xasprintf(p->save_kind == VIEW_SAVE_FILE ?
		    _("%s: saving...") : _("%s: fetching..."), p->save_name);
	render_size(done, sizeof done, p->save_done);
	render_size(total, sizeof total, p->save_total);
	return xasprintf("%s: %s/%s", p->save_name, done, total);
}

/* --- saving, opening, piping -------------------------------------------- */

/* The saved file goes to its command, the terminal with it; then the
 * directory goes (pager_clear_save). */
static void
pager_run_saved(struct ui *ui)
{
	struct view_pager	*p = &ui->pager;
	enum run_status		 status;
	char			*error = NULL;
	int			 code;

	status = run_command(p->save_command, p->save_stdin ? p->save_path :
	    NULL, p->save_wait, &code, &error);
	ui->dirty |= VIEW_DIRTY_ALL;
	switch (status) {
	case RUN_OK:
		if (p->save_kind == VIEW_SAVE_PIPE)
			ui_message(ui, _("Piped %s to the command."),
			    p->save_name);
		break;
	case RUN_FAILED:
		if (code == 127)
			ui_message(ui, _("%s: command not found (%s)."),
			    p->save_what, p->save_kind == VIEW_SAVE_OPEN ?
			    _("see its mailcap entry") : _("exit status 127"));
		else
			ui_message(ui, _("%s failed (exit status %d)."),
			    p->save_what, code);
		break;
	case RUN_ERROR:
		ui_message(ui, _("%s could not be started: %s"), p->save_what,
		    error);
		free(error);
		break;
	}
}

/* Replies to MSG_REQ_PART_SAVE. */
static void
pager_save_reply(struct account *a, struct msg *m, void *arg)
{
	struct view_account	*va = arg;
	struct ui		*ui = va->ui;
	struct view_pager	*p = &ui->pager;
	uint64_t		 done, total;
	char			*why;

	if (ui_account_common(va, m))
		return;
	if (msg_is_final(m))
		prompt_forget(ui, va, msg_id(m));
	if (p->save_account != va || p->save_request != msg_id(m))
		return;
	switch (msg_type(m)) {
	case MSG_EV_PROGRESS:
		if (msg_get_u64(m, &done) == MSG_OK &&
		    msg_get_u64(m, &total) == MSG_OK) {
			p->save_done = done;
			p->save_total = total;
		}
		break;
	case MSG_DONE:
		if (p->save_kind == VIEW_SAVE_FILE)
			ui_message(ui, _("Saved to %s"), p->save_path);
		else
			pager_run_saved(ui);
		break;
	case MSG_ERROR:
	case MSG_UNSUPPORTED:
		/* The worker's text names the path: that is the news. */
		why = pager_failure(m);
		if (p->save_kind == VIEW_SAVE_FILE)
			ui_message(ui, "%s", why);
		else
			ui_message(ui, _("Cannot fetch %s: %s"), p->save_name,
			    why);
		free(why);
		break;
	case MSG_CANCELLED:
		ui_message(ui, p->save_kind == VIEW_SAVE_FILE ?
		    _("Stopped saving %s.") : _("Stopped fetching %s."),
		    p->save_name);
		break;
	default:
		break;
	}
	if (msg_is_final(m))
		pager_clear_save(p);
	ui->dirty |= VIEW_DIRTY_STATUS;
}

/* Whether an attachment can be fetched now; if not, says why. */
static int
pager_can_fetch(struct ui *ui)
{
	struct view_pager	*p = &ui->pager;

	if (p->nattachments == 0 || p->selected >= p->nattachments) {
		ui_message(ui, _("This message has no attachments."));
		return 0;
	}
	if (p->save_account != NULL) {
		ui_message(ui, p->save_kind == VIEW_SAVE_FILE ?
		    _("Saving %s: wait, or stop it with ^G.") :
		    _("Fetching %s: wait, or stop it with ^G."), p->save_name);
		return 0;
	}
	if (p->account->worker == NULL) {
		ui_message(ui, _("%s: not started"), p->account->config->name);
		return 0;
	}
	return 1;
}

/* Ask the worker to write the selected attachment to path; the state
 * (kind, directory, command) is set by the caller after. */
static void
pager_fetch_to(struct ui *ui, char *path)
{
	struct view_pager		*p = &ui->pager;
	const struct view_attachment	*a = &p->attachments[p->selected];
	struct msg			*m;

	m = msg_new(MSG_REQ_PART_SAVE, 0);
	msg_add_str(m, p->folder);
	msg_add_u32(m, p->uid);
	msg_add_str(m, a->section);
	msg_add_str(m, path);
	pager_clear_save(p);
	p->save_account = p->account;
	p->save_name = mime_filename_safe(a->name);
	p->save_path = path;
	p->save_request = account_request(p->account->worker, m,
	    pager_save_reply, p->account, 0);
	ui->dirty |= VIEW_DIRTY_STATUS;
}

static void
pager_save_start(struct ui *ui)
{
	struct view_pager		*p = &ui->pager;
	const char			*home = getenv("HOME");
	char				*path;

	p->prompting = 0;
	p->path[p->path_len] = '\0';
	if (p->path_len == 0) {
		ui_message(ui, _("Not saved."));
		return;
	}
	if (!pager_can_fetch(ui))
		return;
	if (strncmp(p->path, "~/", 2) == 0 && home != NULL)
		path = xasprintf("%s/%s", home, p->path + 2);
	else
		path = xstrdup(p->path);
	pager_fetch_to(ui, path);
}

/*
 * Fetch the selected attachment into a new private directory, as name
 * (made of plain characters: see mailcap_file_name), for command to run
 * on; the directory is removed when the command ends or the fetch fails.
 * *path is set to the file's path (borrowed: the pager keeps it).
 */
static int
pager_fetch_for(struct ui *ui, enum view_save_kind kind, const char *name,
    const char **path)
{
	struct view_pager	*p = &ui->pager;
	char			*dir, *error = NULL;

	if ((dir = command_tmpdir_new(&error)) == NULL) {
		ui_message(ui, "%s", error);
		free(error);
		return -1;
	}
	pager_fetch_to(ui, xasprintf("%s/%s", dir, name));
	p->save_kind = kind;
	p->save_dir = dir;
	*path = p->save_path;
	return 0;
}

/* The program a command runs, for messages: "zathura" of "zathura
 * '/tmp/...'"; the caller frees. */
static char *
pager_program(const char *command)
{
	const char	*start = command + strspn(command, " \t(");
	size_t		 len = strcspn(start, " \t;|&<>()");

	return len > 0 ? xstrndup(start, len) : xstrdup(_("the command"));
}

/* view-mailcap: the selected attachment through its mailcap entry. */
static void
pager_open_start(struct ui *ui)
{
	struct view_pager		*p = &ui->pager;
	const struct view_attachment	*a;
	const struct mailcap_entry	*e;
	struct mailcap_subst		 s;
	struct mailcap			*mc;
	const char			*path;
	char				*name, *command;
	int				 on_stdin;

	if (!pager_can_fetch(ui))
		return;
	a = &p->attachments[p->selected];
	mc = mailcap_load(NULL);
	memset(&s, 0, sizeof s);
	s.type = a->type;
	if ((e = mailcap_find(mc, MAILCAP_VIEW, &s)) == NULL) {
		ui_message(ui, _("No mailcap entry for %s (see mailcap(5)); "
		    "s saves it, | pipes it to a command."), a->type);
		mailcap_free(mc);
		return;
	}
	name = mailcap_file_name(e, a->name);
	if (pager_fetch_for(ui, VIEW_SAVE_OPEN, name, &path) == 0) {
		s.file = path;
		command = mailcap_command(e, &s, &on_stdin);
		p->save_what = pager_program(command);
		/* Text it prints would scroll away: page it. */
		if (mailcap_entry_flags(e) & MAILCAP_COPIOUSOUTPUT) {
			p->save_command = xasprintf("(%s\n) | "
			    "${PAGER:-more}", command);
			free(command);
		} else
			p->save_command = command;
		p->save_stdin = on_stdin;
		/* A failure's words stay on screen until a key. */
		p->save_wait = RUN_WAIT_FAILED;
		log_info("%s: %s: %s: %s", __func__, a->type,
		    mailcap_entry_where(e), p->save_command);
	}
	free(name);
	mailcap_free(mc);
}

/* pipe-entry, once the command is typed: the attachment on its stdin. */
static void
pager_pipe_start(struct ui *ui)
{
	struct view_pager	*p = &ui->pager;
	const char		*path;
	char			*name;

	p->prompting = 0;
	p->path[p->path_len] = '\0';
	if (p->path_len == 0 || p->path[strspn(p->path, " \t")] == '\0') {
		ui_message(ui, _("Not piped."));
		return;
	}
	if (!pager_can_fetch(ui))
		return;
	name = mailcap_file_name(NULL, p->attachments[p->selected].name);
	if (pager_fetch_for(ui, VIEW_SAVE_PIPE, name, &path) == 0) {
		p->save_command = xstrdup(p->path);
		p->save_what = pager_program(p->path);
		p->save_stdin = 1;
		p->save_wait = RUN_WAIT_ALWAYS;
	}
	free(name);
}

/* Ask where to save the selected attachment. */
static void
pager_save_ask(struct ui *ui)
{
	struct view_pager	*p = &ui->pager;
	const char		*home = getenv("HOME");
	char			*name;
	int			 n;

	if (!pager_can_fetch(ui))
		return;
	name = mime_filename_safe(p->attachments[p->selected].name);
	n = snprintf(p->path, sizeof p->path, "%s/%s",
	    home != NULL && *home != '\0' ? home : ".", name);
	free(name);
	if (n < 0 || (size_t)n >= sizeof p->path)
		n = 0;
	p->path_len = (size_t)n;
	p->path[p->path_len] = '\0';
	p->prompting = 1;
	p->prompt_pipe = 0;
	ui->dirty |= VIEW_DIRTY_MESSAGE;
}

/* Ask for the command to pipe the selected attachment to. */
static void
pager_pipe_ask(struct ui *ui)
{
	struct view_pager	*p = &ui->pager;

	if (!pager_can_fetch(ui))
		return;
	p->path_len = 0;
	p->path[0] = '\0';
	p->prompting = 1;
	p->prompt_pipe = 1;
	ui->dirty |= VIEW_DIRTY_MESSAGE;
}

int
view_pager_prompting(const struct ui *ui)
{
	return ui->pager.prompting;
}

/* A key while asking for the path or the command: a line editor (Enter,
 * Backspace, ^U; Esc or ^G give up). */
void
view_pager_prompt_key(struct ui *ui, int key)
{
	struct view_pager	*p = &ui->pager;

	switch (key) {
	case '\r':
	case '\n':
	case KEY_ENTER:
		if (p->prompt_pipe)
			pager_pipe_start(ui);
		else
			pager_save_start(ui);
		break;
	case PAGER_ESCAPE:
	case 'G' - 64:
		p->prompting = 0;
		ui_message(ui, "%s", p->prompt_pipe ? _("Not piped.") :
		    _("Not saved."));
		break;
	case KEY_BACKSPACE:
	case 127:
	case 'H' - 64:
		while (p->path_len > 0 &&
		    ((unsigned char)p->path[--p->path_len] & 0xc0) == 0x80)
			;
		p->path[p->path_len] = '\0';
		break;
	case 'U' - 64:
		p->path_len = 0;
		p->path[0] = '\0';
		break;
	default:
		if (key < 32 || key > 255 || key == 127 ||
		    p->path_len + 1 >= sizeof p->path)
			return;
		p->path[p->path_len++] = (char)key;
		p->path[p->path_len] = '\0';
		break;
	}
	if (!p->prompting && !prompt_active(ui))
		curs_set(0);
	ui->dirty |= VIEW_DIRTY_MESSAGE | VIEW_DIRTY_STATUS;
}

/* The prompt on the bottom line; its end shows when it is long. */
void
view_pager_prompt_draw(struct ui *ui)
{
	struct view_pager	*p = &ui->pager;
	const char		*label, *shown = p->path;
	int			 x, room;

	if (!p->prompting || prompt_active(ui))
		return;
	label = p->prompt_pipe ? _("Pipe to: ") : _("Save to: ");
	draw_blank(LINES - 1, 0, COLS);
	attron(theme_attr(THEME_PROMPT));
	x = draw_text(LINES - 1, 0, COLS - 1, label);
	attroff(theme_attr(THEME_PROMPT));
	room = COLS - 1 - x;
	while (*shown != '\0' && draw_columns(shown) > room) {
		shown++;
		while (((unsigned char)*shown & 0xc0) == 0x80)
			shown++;
	}
	if (room > 0)
		x += draw_text(LINES - 1, x, room, shown);
	curs_set(1);
	move(LINES - 1, x < COLS ? x : COLS - 1);
}

/* ^G: stop a save, else a fetch. 0 if neither runs. */
int
view_pager_cancel(struct ui *ui)
{
	struct view_pager	*p = &ui->pager;

	if (p->save_account != NULL) {
		if (p->save_account->worker != NULL)
			account_cancel(p->save_account->worker,
			    p->save_request);
		ui_message(ui, p->save_kind == VIEW_SAVE_FILE ?
		    _("Stopping the save of %s...") :
		    _("Stopping the fetch of %s..."), p->save_name);
		return 1;
	}
	if (p->active && p->running) {
		if (p->account->worker != NULL)
			account_cancel(p->account->worker, p->request);
		return 1;
	}
	return 0;
}

/* --- keys ------------------------------------------------------------- */

/* Open the message delta rows away in the index. */
static void
pager_step(struct ui *ui, long delta)
{
	struct view_open	*o = &ui->open;
	const struct model_row	*r;
	size_t			 index, n = model_folder_count(o->model);

	if (!model_folder_index_of(o->model, ui->pager.uid, &index))
		index = model_folder_selected(o->model);
	if (delta > 0 && index + 1 >= n) {
		ui_message(ui, _("You are on the last message."));
		return;
	}
	if (delta < 0 && index == 0) {
		ui_message(ui, _("You are on the first message."));
		return;
	}
	r = model_folder_row(o->model, delta > 0 ? index + 1 : index - 1);
	if (r != NULL)
		view_pager_open(ui, r->uid);
}

static int
attach_key(struct ui *ui, int action)
{
	struct view_pager	*p = &ui->pager;
	size_t			 page = ui_main_lines() > 3 ?
				    (size_t)ui_main_lines() - 3 : 1;

	switch (action) {
	case KEYS_ACTION_NEXT:
		if (p->selected + 1 < p->nattachments)
			p->selected++;
		break;
	case KEYS_ACTION_PREVIOUS:
		if (p->selected > 0)
			p->selected--;
		break;
	case KEYS_ACTION_TOP:
		p->selected = 0;
		break;
	case KEYS_ACTION_BOTTOM:
		p->selected = p->nattachments > 0 ? p->nattachments - 1 : 0;
		break;
	case KEYS_ACTION_PAGE_DOWN:
		p->selected += page;
		if (p->selected >= p->nattachments)
			p->selected = p->nattachments > 0 ?
			    p->nattachments - 1 : 0;
		break;
	case KEYS_ACTION_PAGE_UP:
		p->selected = p->selected > page ? p->selected - page : 0;
		break;
	case KEYS_ACTION_SAVE_ENTRY:
		pager_save_ask(ui);
		break;
	case KEYS_ACTION_VIEW_MAILCAP:
		pager_open_start(ui);
		break;
	case KEYS_ACTION_PIPE_ENTRY:
		pager_pipe_ask(ui);
		break;
	case KEYS_ACTION_EXIT:
		p->attach = 0;
		break;
	default:
		return 0;
	}
	ui->dirty |= VIEW_DIRTY_INDEX | VIEW_DIRTY_STATUS;
	return 1;
}

int
view_pager_key(struct ui *ui, int action)
{
	struct view_pager	*p = &ui->pager;
	size_t			 lines = (size_t)ui_main_lines(), last;
	size_t			 page = lines > 1 ? lines - 1 : 1;

	if (p->url_list)
		return view_url_key(ui, action);
	if (p->attach)
		return attach_key(ui, action);
	pager_layout(ui);
	last = p->nlines > lines ? p->nlines - lines : 0;
	switch (action) {
	case KEYS_ACTION_NEXT:
	case KEYS_ACTION_PAGE_DOWN:
		if (p->top >= last) {
			ui_message(ui, _("The end of the message is shown."));
			return 1;
		}
		p->top += action == KEYS_ACTION_NEXT ? 1 : page;
		if (p->top > last)
			p->top = last;
		break;
	case KEYS_ACTION_PREVIOUS:
	case KEYS_ACTION_PAGE_UP:
		if (p->top == 0) {
			ui_message(ui, _("The top of the message is shown."));
			return 1;
		}
		page = action == KEYS_ACTION_PREVIOUS ? 1 : page;
		p->top = p->top > page ? p->top - page : 0;
		break;
	case KEYS_ACTION_TOP:
		p->top = 0;
		break;
	case KEYS_ACTION_BOTTOM:
		p->top = last;
		break;
	case KEYS_ACTION_NEXT_MESSAGE:
		pager_step(ui, 1);
		break;
	case KEYS_ACTION_PREVIOUS_MESSAGE:
		pager_step(ui, -1);
		break;
	case KEYS_ACTION_VIEW_ATTACHMENTS:
		p->attach = 1;
		break;
	case KEYS_ACTION_VIEW_URLS:
		view_url_open(ui);
		break;
	case KEYS_ACTION_EXIT:
		view_pager_close(ui);
		break;
	default:
		/* d, F, s...: for the message shown, when its folder is the
		 * one open. */
		if (ui->open.account == p->account && ui->open.folder != NULL &&
		    p->folder != NULL && strcmp(ui->open.folder, p->folder) ==
		    0)
			return view_index_change_apply(ui, action, &p->uid, 1);
		return 0;
	}
	ui->dirty |= VIEW_DIRTY_INDEX | VIEW_DIRTY_STATUS;
	return 1;
}
