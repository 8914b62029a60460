/* prompt: the questions workers ask (a password, whether to trust a
 * certificate), one at a time on the bottom lines. A password is typed
 * without echo and wiped from memory once sent. */
#include "auto-config.h"

#include <curses.h>
#include <stdlib.h>
#include <string.h>

#include "account.h"
#include "backend.h"
#include "core.h"
#include "theme.h"
#include "view.h"

#define PROMPT_ESCAPE	27

void
prompt_add(struct ui *ui, struct view_account *va, uint32_t request,
    uint32_t id, uint32_t kind, const char *text)
{
	struct prompt_question	*q;

	ui->questions = xreallocarray(ui->questions, ui->nquestions + 1,
	    sizeof *ui->questions);
	q = &ui->questions[ui->nquestions++];
	q->account = va;
	q->request = request;
	q->id = id;
	q->kind = kind;
	q->text = xstrdup(text != NULL ? text : "");
	if (ui->nquestions == 1) {
		ui->answer_len = 0;
		curs_set(1);
	}
	ui->dirty |= VIEW_DIRTY_ALL;
}

int
prompt_active(const struct ui *ui)
{
	return ui->nquestions > 0;
}

static void
prompt_wipe(struct ui *ui)
{
	explicit_bzero(ui->answer, sizeof ui->answer);
	ui->answer_len = 0;
}

static void
prompt_remove(struct ui *ui, size_t i)
{
	free(ui->questions[i].text);
	memmove(ui->questions + i, ui->questions + i + 1,
	    (ui->nquestions - i - 1) * sizeof *ui->questions);
	ui->nquestions--;
	if (i == 0)
		prompt_wipe(ui);
	if (ui->nquestions == 0)
		curs_set(0);
	ui->dirty |= VIEW_DIRTY_ALL;
}

/* Send the answer to the first question and go on to the next. */
static void
prompt_answer(struct ui *ui, const char *answer)
{
	struct prompt_question	*q = &ui->questions[0];

	if (q->account->worker != NULL)
		account_answer(q->account->worker, q->id, answer);
	prompt_remove(ui, 0);
}

/* A request ended (its worker died, say) with a question still open:
 * nobody is waiting for the answer any more. */
void
prompt_forget(struct ui *ui, struct view_account *va, uint32_t request)
{
	size_t	i = 0;

	while (i < ui->nquestions) {
		if (ui->questions[i].account == va &&
		    ui->questions[i].request == request)
			prompt_remove(ui, i);
		else
			i++;
	}
}

const char *
prompt_choice(uint32_t kind, int key)
{
	static const char *const confirm[] = { "yes", "no" };
	static const char *const certificate[] = { "once", "always", "no" };
	const char *const	*answers;
	const char		*letters;
	size_t			 i, n;

	if (kind == BACKEND_QUESTION_CONFIRM) {
		/* TRANSLATORS: the keys that answer yes and no, in that
		   order, as in "(y/n)": two ASCII lower-case letters. */
		letters = _("yn");
		answers = confirm;
		n = 2;
	} else if (kind == BACKEND_QUESTION_CERTIFICATE) {
		/* TRANSLATORS: the keys that trust a certificate once,
		   always, or not, in that order, as in "Trust it (o)nce,
		   (a)lways or (n)o?": three ASCII lower-case letters. */
		letters = _("oan");
		answers = certificate;
		n = 3;
	} else
		return NULL;
	if (key >= 'A' && key <= 'Z')
		key += 'a' - 'A';
	/* Only the letters the question shows: an English letter may mean
	 * something else in the translation (German "a" for ablehnen must
	 * not trust a certificate always). */
	for (i = 0; i < n && letters[i] != '\0'; i++) {
		if (key == (unsigned char)letters[i])
			return answers[i];
	}
	return NULL;
}

void
prompt_key(struct ui *ui, int key)
{
	struct prompt_question	*q;
	const char		*choice;

	if (!prompt_active(ui) || key == KEY_RESIZE)
		return;
	q = &ui->questions[0];
	if (q->kind == BACKEND_QUESTION_CONFIRM ||
	    q->kind == BACKEND_QUESTION_CERTIFICATE) {
		if (key == PROMPT_ESCAPE || key == 'G' - 64)
			prompt_answer(ui, "no");
		else if ((choice = prompt_choice(q->kind, key)) != NULL)
			prompt_answer(ui, choice);
		return;
	}
	switch (key) {
	case '\r':
	case '\n':
	case KEY_ENTER:
		ui->answer[ui->answer_len] = '\0';
		prompt_answer(ui, ui->answer);
		return;
	case PROMPT_ESCAPE:
	case 'G' - 64:
		/* Nothing given: the worker says so and stays offline. */
		prompt_answer(ui, "");
		return;
	case KEY_BACKSPACE:
	case 127:
	case 'H' - 64:
		/* A whole character: skip back over UTF-8 continuations. */
		while (ui->answer_len > 0 &&
		    ((unsigned char)ui->answer[--ui->answer_len] & 0xc0) ==
		    0x80)
			;
		ui->answer[ui->answer_len] = '\0';
		break;
	case 'U' - 64:
		prompt_wipe(ui);
		break;
	default:
		if (key < 32 || key > 255 ||
		    ui->answer_len + 1 >= sizeof ui->answer)
			return;
		ui->answer[ui->answer_len++] = (char)key;
		ui->answer[ui->answer_len] = '\0';
		break;
	}
	ui->dirty |= VIEW_DIRTY_MESSAGE;
}

/* Cut text into screen lines: at its newlines, and wherever a line is
 * wider than the screen (a fingerprint must be seen whole). */
static char **
prompt_lines(const char *text, size_t *n)
{
	char		**lines = NULL;
	const char	 *p = text, *end;
	size_t		  len, fit;

	*n = 0;
	for (;;) {
		end = strchr(p, '\n');
		len = end != NULL ? (size_t)(end - p) : strlen(p);
		do {
			char	*piece = xstrndup(p, len);

			fit = len > 0 ? draw_fit(piece, COLS) : 0;
			piece[fit] = '\0';
			lines = xreallocarray(lines, *n + 1, sizeof *lines);
			lines[(*n)++] = piece;
			p += fit;
			len -= fit;
		} while (len > 0);
		if (end == NULL)
			break;
		p = end + 1;
	}
	return lines;
}

/* The question's last line goes on the bottom line, after the account's
 * name; lines before it go above, over the status bar and the views. */
void
prompt_draw(struct ui *ui)
{
	struct prompt_question	*q;
	char			*text, **lines;
	size_t			 n, i, first;
	int			 y, x;

	if (!prompt_active(ui))
		return;
	q = &ui->questions[0];
	text = xasprintf("%s: %s", q->account->config->name, q->text);
	lines = prompt_lines(text, &n);
	free(text);
	first = n > (size_t)LINES ? n - (size_t)LINES : 0;
	attron(theme_attr(THEME_PROMPT));
	for (i = first, y = LINES - (int)(n - first); i + 1 < n; i++, y++)
		draw_text_padded(y, 0, COLS, lines[i]);
	draw_blank(LINES - 1, 0, COLS);
	x = draw_text(LINES - 1, 0, COLS - 1, lines[n - 1]);
	attroff(theme_attr(THEME_PROMPT));
	if (q->kind != BACKEND_QUESTION_PASSWORD &&
	    q->kind != BACKEND_QUESTION_CERTIFICATE &&
	    q->kind != BACKEND_QUESTION_CONFIRM && x < COLS - 1)
		x += draw_text(LINES - 1, x + 1, COLS - x - 2, ui->answer) + 1;
	else if (x < COLS - 1)
		x++;
	move(LINES - 1, x < COLS ? x : COLS - 1);
	for (i = 0; i < n; i++)
		free(lines[i]);
	free(lines);
}

void
prompt_free(struct ui *ui)
{
	size_t	i;

	for (i = 0; i < ui->nquestions; i++)
		free(ui->questions[i].text);
	free(ui->questions);
	ui->questions = NULL;
	ui->nquestions = 0;
	prompt_wipe(ui);
}
