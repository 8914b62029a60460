/* view-url: the URLs in the pager's message as a list over the pager, as
 * urlview does for mutt. Enter gives the chosen one to url_command, quoted
 * for the shell, with the terminal; without a command the URL is shown in
 * full so it can be copied (over SSH there is no browser to start).
 * UI process. */
#include "auto-config.h"

#include <curses.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"
#include "keys.h"
#include "mailcap.h"
#include "run.h"
#include "theme.h"
#include "url-extract.h"
#include "view.h"

void
view_url_clear(struct view_pager *p)
{
	url_extract_free(p->urls, p->nurls);
	p->urls = NULL;
	p->nurls = 0;
	p->url_selected = p->url_top = 0;
	p->url_list = 0;
}

/* view-urls: list what the text shown has; the list is made afresh each
 * time, from the text the worker sent (already safe for a terminal). */
void
view_url_open(struct ui *ui)
{
	struct view_pager	*p = &ui->pager;

	view_url_clear(p);
	if (p->text == NULL) {
		ui_message(ui, "%s", p->running ? _("The message is still "
		    "loading.") : _("This message has no text."));
		return;
	}
	p->urls = url_extract(p->text, URL_EXTRACT_MAX, &p->nurls);
	if (p->nurls == 0) {
		ui_message(ui, _("There are no URLs in this message."));
		return;
	}
	p->url_list = 1;
	ui->dirty |= VIEW_DIRTY_INDEX | VIEW_DIRTY_STATUS;
}

/* Lines at the bottom that show the selected URL whole, when its row cuts
 * it: none when it fits, and never more than half the list. */
static int
url_full_lines(const char *url, int width, int lines)
{
	int	cols = draw_columns(url), n;

	if (cols <= width - 5 || width <= 0)
		return 0;
	n = (cols + width - 1) / width + 1;	/* and a blank line above */
	return n <= (lines - 2) / 2 ? n : (lines - 2) / 2;
}

void
view_url_draw(struct ui *ui)
{
	struct view_pager	*p = &ui->pager;
	const char		*url;
	char			*line;
	size_t			 i, rows, off, len, fit;
	int			 x, width, y, full, lines = ui_main_lines();

	x = ui_sidebar_width() + 1;
	width = COLS - x - 1;
	if (lines < 3 || width < 1 || p->nurls == 0)
		return;
	if (p->url_selected >= p->nurls)
		p->url_selected = p->nurls - 1;
	/* It looks as the attachment list does. */
	attron(theme_attr(THEME_ATTACH_TITLE));
	line = xasprintf(ngettext("%zu URL in: %s", "%zu URLs in: %s",
	    p->nurls), p->nurls, p->subject);
	draw_text(0, x, width, line);
	free(line);
	attroff(theme_attr(THEME_ATTACH_TITLE));
	full = url_full_lines(p->urls[p->url_selected], width, lines);
	rows = (size_t)(lines - 2 - full);
	if (p->url_selected < p->url_top)
		p->url_top = p->url_selected;
	if (p->url_selected >= p->url_top + rows)
		p->url_top = p->url_selected - rows + 1;
	for (i = p->url_top, y = 2; i < p->nurls && y < lines - full;
	    i++, y++) {
		line = xasprintf("%3zu  %s", i + 1, p->urls[i]);
		if (i == p->url_selected)
			attron(theme_attr(THEME_ATTACH_CURSOR));
		draw_text_padded(y, x - 1, width + 1, line);
		if (i == p->url_selected)
			attroff(theme_attr(THEME_ATTACH_CURSOR));
		free(line);
	}
	if (full == 0)
		return;
	/* The URL is ASCII (url-extract keeps no other byte): a column is
	 * a byte, and it can be cut anywhere. */
	url = p->urls[p->url_selected];
	len = strlen(url);
	for (off = 0, y = lines - full + 1; off < len && y < lines; y++) {
		fit = draw_fitn(url + off, len - off, width);
		if (fit == 0)
			break;
		line = xstrndup(url + off, fit);
		attron(theme_attr(THEME_PAGER_URL));
		draw_text(y, x, width, line);
		attroff(theme_attr(THEME_PAGER_URL));
		free(line);
		off += fit;
	}
}

/* The shell command for url: url_command with %s the URL, quoted as a
 * mailcap entry quotes a file name; without %s, the URL goes last. */
static char *
url_command_for(const char *template, const char *url)
{
	struct mailcap_subst	 s;
	char			*command, *with;
	int			 used;

	memset(&s, 0, sizeof s);
	s.type = "";
	s.file = url;
	command = mailcap_expand(template, &s, &used);
	if (used)
		return command;
	free(command);
	with = xasprintf("%s %%s", template);
	command = mailcap_expand(with, &s, NULL);
	free(with);
	return command;
}

/* open-url: the selected URL to url_command, or on the message line. */
static void
url_open_selected(struct ui *ui)
{
	struct view_pager	*p = &ui->pager;
	const char		*template = config_url_command(ui->config);
	const char		*url = p->urls[p->url_selected];
	enum run_status		 status;
	char			*command, *error = NULL;
	int			 code;

	if (template == NULL || template[strspn(template, " \t")] == '\0') {
		ui_message(ui, _("%s (set url_command to open URLs; see "
		    "skua-config(5))"), url);
		return;
	}
	command = url_command_for(template, url);
	/* The URL may be a private link: the log gets the outcome only. */
	status = run_command(command, NULL, RUN_WAIT_FAILED, &code, &error);
	free(command);
	ui->dirty |= VIEW_DIRTY_ALL;
	switch (status) {
	case RUN_OK:
		log_debug("%s: url_command exited with 0", __func__);
		break;
	case RUN_FAILED:
		log_info("%s: url_command: exit status %d", __func__, code);
		ui_message(ui, code == 127 ? _("url_command: command not "
		    "found (exit status 127).") : _("url_command failed (exit "
		    "status %d)."), code);
		break;
	case RUN_ERROR:
		ui_message(ui, _("url_command could not be started: %s"),
		    error);
		free(error);
		break;
	}
}

int
view_url_key(struct ui *ui, int action)
{
	struct view_pager	*p = &ui->pager;
	size_t			 page = ui_main_lines() > 3 ?
				    (size_t)ui_main_lines() - 3 : 1;

	switch (action) {
	case KEYS_ACTION_NEXT:
		if (p->url_selected + 1 < p->nurls)
			p->url_selected++;
		break;
	case KEYS_ACTION_PREVIOUS:
		if (p->url_selected > 0)
			p->url_selected--;
		break;
	case KEYS_ACTION_TOP:
		p->url_selected = 0;
		break;
	case KEYS_ACTION_BOTTOM:
		p->url_selected = p->nurls > 0 ? p->nurls - 1 : 0;
		break;
	case KEYS_ACTION_PAGE_DOWN:
		p->url_selected += page;
		if (p->url_selected >= p->nurls)
			p->url_selected = p->nurls > 0 ? p->nurls - 1 : 0;
		break;
	case KEYS_ACTION_PAGE_UP:
		p->url_selected = p->url_selected > page ?
		    p->url_selected - page : 0;
		break;
	case KEYS_ACTION_OPEN_URL:
		if (p->nurls > 0)
			url_open_selected(ui);
		break;
	case KEYS_ACTION_EXIT:
		view_url_clear(p);
		break;
	default:
		return 0;
	}
	ui->dirty |= VIEW_DIRTY_INDEX | VIEW_DIRTY_STATUS;
	return 1;
}
