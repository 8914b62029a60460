/* prompt-line: a line typed on the bottom line for the interface itself (a
 * pattern to limit or search by, a command after :), with mutt's editing
 * keys: Backspace, ^U and ^W. Enter hands the line to a callback; Esc or
 * ^G gives up. Worker questions (prompt.c) go before it. UI process. */
#include "auto-config.h"

#include <curses.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"
#include "theme.h"
#include "view.h"

#define PROMPT_LINE_ESCAPE	27
#define PROMPT_LINE_SIZE	1024

struct prompt_line {
	char		*label;
	char		 text[PROMPT_LINE_SIZE];
	size_t		 len;
	prompt_line_cb	 cb;
	void		*arg;
};

/* Ask for a line after label, starting with text (NULL: empty); cb gets
 * it when Enter is pressed. Replaces a line being typed. */
void
prompt_line_start(struct ui *ui, const char *label, const char *text,
    prompt_line_cb cb, void *arg)
{
	struct prompt_line	*l;

	prompt_line_free(ui);
	l = xcalloc(1, sizeof *l);
	l->label = xstrdup(label);
	if (text != NULL) {
		l->len = strlen(text);
		if (l->len >= sizeof l->text)
			l->len = 0;
		memcpy(l->text, text, l->len);
	}
	l->cb = cb;
	l->arg = arg;
	ui->line = l;
	ui->dirty |= VIEW_DIRTY_MESSAGE;
}

int
prompt_line_active(const struct ui *ui)
{
	return ui->line != NULL;
}

void
prompt_line_free(struct ui *ui)
{
	if (ui->line == NULL)
		return;
	free(ui->line->label);
	free(ui->line);
	ui->line = NULL;
	if (!prompt_active(ui))
		curs_set(0);
	ui->dirty |= VIEW_DIRTY_MESSAGE;
}

/* Back over one UTF-8 character. */
static void
prompt_line_back(struct prompt_line *l)
{
	while (l->len > 0 &&
	    ((unsigned char)l->text[--l->len] & 0xc0) == 0x80)
		;
}

void
prompt_line_key(struct ui *ui, int key)
{
	struct prompt_line	*l = ui->line;
	prompt_line_cb		 cb;
	void			*arg;
	char			*text;

	if (l == NULL || key == KEY_RESIZE)
		return;
	switch (key) {
	case '\r':
	case '\n':
	case KEY_ENTER:
		/* The prompt goes first: the callback may start another. */
		text = xstrndup(l->text, l->len);
		cb = l->cb;
		arg = l->arg;
		prompt_line_free(ui);
		cb(ui, text, arg);
		free(text);
		return;
	case PROMPT_LINE_ESCAPE:
	case 'G' - 64:
		prompt_line_free(ui);
		return;
	case KEY_BACKSPACE:
	case 127:
	case 'H' - 64:
		prompt_line_back(l);
		break;
	case 'U' - 64:
		l->len = 0;
		break;
	case 'W' - 64:
		/* The word before the cursor, and the blanks after it. */
		while (l->len > 0 && l->text[l->len - 1] == ' ')
			l->len--;
		while (l->len > 0 && l->text[l->len - 1] != ' ')
			l->len--;
		break;
	default:
		/* Bytes: a UTF-8 character comes as several keys. */
		if (key < 32 || key > 255 || key == 127 ||
		    l->len + 1 >= sizeof l->text)
			return;
		l->text[l->len++] = (char)key;
		break;
	}
	ui->dirty |= VIEW_DIRTY_MESSAGE;
}

/* The label, then as much of the end of the text as fits, the cursor
 * after it. */
void
prompt_line_draw(struct ui *ui)
{
	struct prompt_line	*l = ui->line;
	char			*text;
	size_t			 start = 0;
	int			 x, room;

	if (l == NULL)
		return;
	text = xstrndup(l->text, l->len);
	draw_blank(LINES - 1, 0, COLS);
	attron(theme_attr(THEME_PROMPT));
	/* A label may take all but room to type a short answer (a yes). */
	x = draw_text(LINES - 1, 0, COLS > 32 ? COLS - 16 : COLS / 2,
	    l->label);
	attroff(theme_attr(THEME_PROMPT));
	room = COLS - 1 - x;
	while (room > 0 && draw_columns(text + start) > room) {
		start++;
		while (((unsigned char)text[start] & 0xc0) == 0x80)
			start++;
	}
	if (room > 0)
		x += draw_text(LINES - 1, x, room, text + start);
	free(text);
	move(LINES - 1, x < COLS ? x : COLS - 1);
	curs_set(1);
}
