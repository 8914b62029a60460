/* ui: curses setup, the poll loop with a self-pipe for signals, and the
 * first screen: accounts in the sidebar, the selected one's settings. */
#include "auto-config.h"

#include <curses.h>
#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "core.h"
#include "keys.h"
#include "ui.h"

struct ui {
	const struct config	*config;
	size_t			 selected;
	int			 help;		/* showing the help screen */
	int			 help_top;
	int			 dirty;
	int			 quit;
	char			*message;	/* bottom line, until a key */
};

static int	ui_signal_pipe[2] = { -1, -1 };

static void
ui_signal(int sig)
{
	int		saved = errno;
	unsigned char	c = (unsigned char)sig;

	/* Nothing but the write is safe here; the loop does the work. */
	(void)!write(ui_signal_pipe[1], &c, 1);
	errno = saved;
}

static int
ui_signals_start(char **error)
{
	struct sigaction	sa;
	int			i;

	if (pipe(ui_signal_pipe) == -1) {
		*error = xasprintf("pipe: %s", strerror(errno));
		return -1;
	}
	for (i = 0; i < 2; i++) {
		fcntl(ui_signal_pipe[i], F_SETFL,
		    fcntl(ui_signal_pipe[i], F_GETFL) | O_NONBLOCK);
		fcntl(ui_signal_pipe[i], F_SETFD, FD_CLOEXEC);
	}
	memset(&sa, 0, sizeof sa);
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = ui_signal;
	sa.sa_flags = SA_RESTART;
	sigaction(SIGWINCH, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	/* A server that drops mid-write must not kill skua. */
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
	return 0;
}

static void
ui_signals_stop(void)
{
	signal(SIGWINCH, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	signal(SIGINT, SIG_DFL);
	close(ui_signal_pipe[0]);
	close(ui_signal_pipe[1]);
	ui_signal_pipe[0] = ui_signal_pipe[1] = -1;
}

/* Write text clipped to width columns (ASCII-safe for now: the account
 * names and hosts come from the user's own config). */
static void
ui_put(int y, int x, int width, const char *text)
{
	if (width <= 0 || y >= LINES)
		return;
	mvaddnstr(y, x, text, width);
}

static void
ui_draw_help_line(enum keys_view view, int key, enum keys_action action,
    void *arg)
{
	struct ui	*ui = arg;
	char		*line;
	int		*row = &ui->help_top;

	if (*row >= LINES - 1)
		return;
	line = xasprintf("%-8s %-12s %-11s %s", keys_view_name(view),
	    keys_name(key), keys_action_name(action),
	    keys_action_help(action));
	ui_put((*row)++, 0, COLS, line);
	free(line);
}

static void
ui_draw_help(struct ui *ui)
{
	attron(A_BOLD);
	ui_put(0, 0, COLS, _("Bindings in force (q or ? to leave)"));
	attroff(A_BOLD);
	ui->help_top = 2;
	keys_each(ui_draw_help_line, ui);
}

static void
ui_draw_account(const struct config_account *a, int x, int width)
{
	char	*line;
	int	 y = 0;

	attron(A_BOLD);
	ui_put(y++, x, width, a->name);
	attroff(A_BOLD);
	y++;
	line = xasprintf(_("protocol  %s"), config_protocol_name(a->protocol));
	ui_put(y++, x, width, line);
	free(line);
	line = xasprintf(_("server    %s:%d (tls %s)"), a->host, a->port,
	    config_tls_name(a->tls));
	ui_put(y++, x, width, line);
	free(line);
	line = xasprintf(_("user      %s"), a->user);
	ui_put(y++, x, width, line);
	free(line);
	y++;
	ui_put(y++, x, width, _("Not connected: this build of skua reads "
	    "the configuration only."));
}

static void
ui_draw(struct ui *ui)
{
	const struct config_account	*a;
	size_t				 i, n;
	int				 width, y;
	char				*status;

	erase();
	if (ui->help) {
		ui_draw_help(ui);
		goto status;
	}
	width = config_sidebar_width(ui->config);
	if (width > COLS / 2)
		width = COLS / 2;
	n = config_account_count(ui->config);
	for (i = 0, y = 0; i < n && y < LINES - 1; i++, y++) {
		a = config_account(ui->config, i);
		if (i == ui->selected)
			attron(A_REVERSE);
		mvhline(y, 0, ' ', width - 1);
		ui_put(y, 1, width - 2, a->name);
		if (i == ui->selected)
			attroff(A_REVERSE);
	}
	mvvline(0, width - 1, ACS_VLINE, LINES - 1);
	if ((a = config_account(ui->config, ui->selected)) != NULL)
		ui_draw_account(a, width + 1, COLS - width - 1);
	else
		ui_put(0, width + 1, COLS - width - 1,
		    _("No accounts: add an [account NAME] section."));

status:
	attron(A_REVERSE);
	mvhline(LINES - 1, 0, ' ', COLS);
	status = ui->message != NULL ? xstrdup(ui->message) :
	    xasprintf(_("skua %s | %zu accounts | ?:help q:quit"),
	    PACKAGE_VERSION, config_account_count(ui->config));
	ui_put(LINES - 1, 0, COLS, status);
	free(status);
	attroff(A_REVERSE);
	wnoutrefresh(stdscr);
	doupdate();
}

static void
ui_key(struct ui *ui, int key)
{
	size_t			n = config_account_count(ui->config);
	enum keys_action	action;

	free(ui->message);
	ui->message = NULL;
	ui->dirty = 1;
	action = keys_lookup(KEYS_VIEW_SIDEBAR, key);
	if (ui->help && (action == KEYS_ACTION_QUIT ||
	    action == KEYS_ACTION_HELP)) {
		ui->help = 0;
		return;
	}
	switch (action) {
	case KEYS_ACTION_QUIT:
		ui->quit = 1;
		break;
	case KEYS_ACTION_HELP:
		ui->help = 1;
		break;
	case KEYS_ACTION_NEXT:
		if (ui->selected + 1 < n)
			ui->selected++;
		break;
	case KEYS_ACTION_PREVIOUS:
		if (ui->selected > 0)
			ui->selected--;
		break;
	case KEYS_ACTION_TOP:
	case KEYS_ACTION_PAGE_UP:
		ui->selected = 0;
		break;
	case KEYS_ACTION_BOTTOM:
	case KEYS_ACTION_PAGE_DOWN:
		ui->selected = n > 0 ? n - 1 : 0;
		break;
	case KEYS_ACTION_REDRAW:
		clearok(curscr, TRUE);
		break;
	case KEYS_ACTION_NONE:
	case KEYS_ACTION_COUNT:
		if (key != KEY_RESIZE)
			ui->message = xasprintf(_("Key %s is not bound. "
			    "Press ? for help."), keys_name(key));
		break;
	}
}

static void
ui_signal_read(struct ui *ui)
{
	unsigned char	c;
	struct winsize	ws;

	while (read(ui_signal_pipe[0], &c, 1) == 1) {
		if (c == SIGWINCH) {
			if (ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) == 0)
				resizeterm(ws.ws_row, ws.ws_col);
			ui->dirty = 1;
		} else
			ui->quit = 1;
	}
}

enum ui_status
ui_run(const struct config *config, char **error)
{
	struct ui	ui;
	struct pollfd	pfd[2];
	int		key;

	memset(&ui, 0, sizeof ui);
	ui.config = config;
	ui.dirty = 1;
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		*error = xstrdup(_("standard input and output must be a "
		    "terminal"));
		return UI_ERROR;
	}
	if (newterm(NULL, stdout, stdin) == NULL) {
		*error = xasprintf(_("cannot use terminal type '%s'"),
		    getenv("TERM") ? getenv("TERM") : "");
		return UI_ERROR;
	}
	if (ui_signals_start(error) == -1) {
		endwin();
		return UI_ERROR;
	}
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	curs_set(0);
	log_info("ui started, %zu accounts", config_account_count(config));

	while (!ui.quit) {
		if (ui.dirty) {
			ui_draw(&ui);
			ui.dirty = 0;
		}
		pfd[0].fd = STDIN_FILENO;
		pfd[0].events = POLLIN;
		pfd[1].fd = ui_signal_pipe[0];
		pfd[1].events = POLLIN;
		if (poll(pfd, 2, -1) == -1 && errno != EINTR)
			break;
		if (pfd[1].revents & POLLIN)
			ui_signal_read(&ui);
		if (pfd[0].revents & (POLLHUP | POLLERR))
			ui.quit = 1;
		/* Drain every pending key before drawing once. */
		while (!ui.quit && (key = getch()) != ERR)
			ui_key(&ui, key);
	}
	endwin();
	ui_signals_stop();
	free(ui.message);
	log_info("ui stopped");
	return UI_OK;
}
