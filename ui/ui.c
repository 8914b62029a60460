/* ui: curses setup and the UI process's one poll loop: the terminal, a
 * self-pipe for signals and one socket per account worker. Each turn drains
 * signals, worker events and keys, which only mark views dirty; then the
 * dirty parts are drawn and the screen updated once. */
#include "auto-config.h"

#include <curses.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "core.h"
#include "keys.h"
#include "latency.h"
#include "model-folder.h"
#include "theme.h"
#include "ui.h"
#include "view.h"

/* The smallest screen the views are drawn on. */
#define UI_MIN_COLS	30
#define UI_MIN_LINES	5

static int			 ui_signal_pipe[2] = { -1, -1 };
static pid_t			 ui_pid;
static const struct config	*ui_config;

static void
ui_signal(int sig)
{
	int		saved = errno;
	unsigned char	c = (unsigned char)sig;

	/*
	 * A worker forked from this process inherits the handler: there the
	 * signal does what it would have done, and never reaches our pipe.
	 */
	if (getpid() != ui_pid) {
		if (sig != SIGWINCH) {
			signal(sig, SIG_DFL);
			raise(sig);
		}
		errno = saved;
		return;
	}
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
	ui_pid = getpid();
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
	/* A server or worker that drops mid-write must not kill skua. */
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

/* The message line's text until the next key; replaces the last one,
 * unless that is an error and no key has come since. */
void
ui_message(struct ui *ui, const char *fmt, ...)
{
	va_list	ap;

	/* An error stays until a key: news arriving after it (a sync's
	 * progress) must not wipe it before the user has read it. */
	if (ui->message != NULL && ui->message_error)
		return;
	free(ui->message);
	va_start(ap, fmt);
	ui->message = xvasprintf(fmt, ap);
	va_end(ap);
	ui->message_error = 0;
	ui->dirty |= VIEW_DIRTY_MESSAGE;
}

/* The same for something that failed: the theme sets it apart. */
void
ui_error(struct ui *ui, const char *fmt, ...)
{
	va_list	ap;

	free(ui->message);
	va_start(ap, fmt);
	ui->message = xvasprintf(fmt, ap);
	va_end(ap);
	ui->message_error = 1;
	ui->dirty |= VIEW_DIRTY_MESSAGE;
}

/* The sidebar's columns, its border included. */
int
ui_sidebar_width(void)
{
	int	width = config_sidebar_width(ui_config);

	if (width > COLS / 2)
		width = COLS / 2;
	return width > 2 ? width : 2;
}

/* Lines for the views, above the status bar and the message line. */
int
ui_main_lines(void)
{
	return LINES > VIEW_BOTTOM_LINES ? LINES - VIEW_BOTTOM_LINES : 0;
}

/* The help screen: one line per binding, collected for scrolling. */
struct ui_help {
	char	**lines;
	size_t	  n;
};

static void
ui_help_line(enum keys_view view, int key, enum keys_action action,
    void *arg)
{
	struct ui_help	*help = arg;

	help->lines = xreallocarray(help->lines, help->n + 1,
	    sizeof *help->lines);
	help->lines[help->n++] = xasprintf("%-8s %-14s %-14s %s",
	    keys_view_name(view), keys_name(key), keys_action_name(action),
	    keys_action_help(action));
}

static size_t
ui_draw_help(struct ui *ui)
{
	struct ui_help	help;
	size_t		i;
	int		y, lines = ui_main_lines();

	memset(&help, 0, sizeof help);
	keys_each(ui_help_line, &help);
	if (lines > 2 && ui->help_top + (size_t)(lines - 2) > help.n)
		ui->help_top = help.n > (size_t)(lines - 2) ?
		    help.n - (size_t)(lines - 2) : 0;
	attron(theme_attr(THEME_HELP));
	for (y = 0; y < lines; y++)
		draw_blank(y, 0, COLS);
	attroff(theme_attr(THEME_HELP));
	attron(theme_attr(THEME_HELP_TITLE));
	draw_text(0, 0, COLS, _("Bindings in force (q or ? to leave, j and k "
	    "to scroll)"));
	attroff(theme_attr(THEME_HELP_TITLE));
	attron(theme_attr(THEME_HELP));
	for (i = ui->help_top, y = 2; i < help.n && y < lines; i++, y++)
		draw_text(y, 0, COLS, help.lines[i]);
	attroff(theme_attr(THEME_HELP));
	for (i = 0; i < help.n; i++)
		free(help.lines[i]);
	free(help.lines);
	return help.n;
}

static void
ui_draw_status(struct ui *ui)
{
	char	*status, *save, *both;
	int	 y = LINES - 2;

	if (ui->help)
		status = xstrdup(_("skua: help"));
	else if (ui->quota.active)
		status = view_quota_status(ui);
	else if (ui->pager.active)
		status = view_pager_status(ui);
	else if (ui->open.account != NULL) {
		status = view_index_status(ui);
		/* A save goes on when the pager is left. */
		if ((save = view_pager_save_status(ui)) != NULL) {
			both = xasprintf("%s  %s", status, save);
			free(status);
			free(save);
			status = both;
		}
	} else
		status = xasprintf(ngettext("skua %s | %zu account | "
		    "?:help q:quit", "skua %s | %zu accounts | ?:help q:quit",
		    ui->naccounts), PACKAGE_VERSION, ui->naccounts);
	attron(theme_attr(THEME_STATUS));
	draw_blank(y, 0, COLS);
	draw_text(y, 1, COLS - 1, status);
	attroff(theme_attr(THEME_STATUS));
	free(status);
}

static void
ui_draw(struct ui *ui)
{
	if (ui->dirty & VIEW_DIRTY_CLEAR)
		erase();
	if (COLS < UI_MIN_COLS || LINES < UI_MIN_LINES) {
		erase();
		draw_text(0, 0, COLS, _("The terminal is too small."));
		goto out;
	}
	if (ui->help)
		ui_draw_help(ui);
	else {
		if (ui->dirty & VIEW_DIRTY_SIDEBAR)
			view_sidebar_draw(ui);
		if ((ui->dirty & VIEW_DIRTY_INDEX) && ui->quota.active)
			view_quota_draw(ui);
		else if ((ui->dirty & VIEW_DIRTY_INDEX) && ui->pager.active)
			view_pager_draw(ui);
		else if (ui->dirty & VIEW_DIRTY_INDEX)
			view_index_draw(ui);
	}
	if (ui->dirty & VIEW_DIRTY_STATUS)
		ui_draw_status(ui);
	if (ui->dirty & VIEW_DIRTY_MESSAGE) {
		attron(theme_attr(ui->message_error ? THEME_ERROR :
		    THEME_MESSAGE));
		draw_blank(LINES - 1, 0, COLS);
		if (ui->message != NULL)
			draw_text(LINES - 1, 0, COLS, ui->message);
		attroff(theme_attr(ui->message_error ? THEME_ERROR :
		    THEME_MESSAGE));
	}
	view_pager_prompt_draw(ui);
	prompt_line_draw(ui);
	prompt_draw(ui);
out:
	wnoutrefresh(stdscr);
	doupdate();
	ui->dirty = 0;
}

static void
ui_help_key(struct ui *ui, enum keys_action action)
{
	long	page = ui_main_lines() > 3 ? ui_main_lines() - 3 : 1;

	switch (action) {
	case KEYS_ACTION_QUIT:
	case KEYS_ACTION_HELP:
	case KEYS_ACTION_FOCUS_SIDEBAR:
		ui->help = 0;
		break;
	case KEYS_ACTION_NEXT:
		ui->help_top++;
		break;
	case KEYS_ACTION_PREVIOUS:
		if (ui->help_top > 0)
			ui->help_top--;
		break;
	case KEYS_ACTION_PAGE_DOWN:
		ui->help_top += (size_t)page;
		break;
	case KEYS_ACTION_PAGE_UP:
		ui->help_top = ui->help_top > (size_t)page ?
		    ui->help_top - (size_t)page : 0;
		break;
	case KEYS_ACTION_TOP:
		ui->help_top = 0;
		break;
	case KEYS_ACTION_BOTTOM:
		ui->help_top = (size_t)-1 / 2;
		break;
	default:
		break;
	}
	ui->dirty |= VIEW_DIRTY_ALL;
}

/* The view whose bindings are in force. */
static enum keys_view
ui_view(const struct ui *ui)
{
	if (ui->quota.active)
		return KEYS_VIEW_QUOTA;
	if (ui->pager.active && ui->pager.url_list)
		return KEYS_VIEW_URL;
	if (ui->pager.active)
		return ui->pager.attach ? KEYS_VIEW_ATTACH : KEYS_VIEW_PAGER;
	return ui->focus == VIEW_FOCUS_INDEX ? KEYS_VIEW_INDEX :
	    KEYS_VIEW_SIDEBAR;
}

static void
ui_key(struct ui *ui, int key)
{
	enum keys_action	action;

	if (key == KEY_RESIZE) {
		ui->dirty |= VIEW_DIRTY_ALL;
		return;
	}
	if (prompt_active(ui)) {
		prompt_key(ui, key);
		return;
	}
	if (prompt_line_active(ui)) {
		prompt_line_key(ui, key);
		return;
	}
	if (view_pager_prompting(ui)) {
		view_pager_prompt_key(ui, key);
		return;
	}
	if (ui->message != NULL) {
		free(ui->message);
		ui->message = NULL;
		ui->message_error = 0;
		ui->dirty |= VIEW_DIRTY_MESSAGE;
	}
	action = keys_lookup(ui_view(ui), key);
	if (ui->tag_prefix) {
		/* The key after ; is for the tagged messages, whatever it is. */
		ui->tag_prefix = 0;
		view_index_pattern_tagged(ui, action);
		return;
	}
	if (!ui->help && action == KEYS_ACTION_NONE) {
		ui_message(ui, _("Key %s is not bound. Press ? for help."),
		    keys_name(key));
		return;
	}
	ui_action(ui, action);
}

void
ui_action(struct ui *ui, int action)
{
	enum keys_view	view = ui_view(ui);
	int		handled;

	if (ui->help) {
		ui_help_key(ui, action);
		return;
	}
	switch (action) {
	case KEYS_ACTION_QUIT:
		ui->quit = 1;
		break;
	case KEYS_ACTION_HELP:
		ui->help = 1;
		ui->help_top = 0;
		ui->dirty |= VIEW_DIRTY_ALL;
		break;
	case KEYS_ACTION_REDRAW:
		clearok(curscr, TRUE);
		ui->dirty |= VIEW_DIRTY_ALL;
		break;
	case KEYS_ACTION_FOCUS_TOGGLE:
	case KEYS_ACTION_FOCUS_SIDEBAR:
		if (ui->pager.active) {
			ui_message(ui, _("%s does nothing in the %s."),
			    keys_action_name(action), keys_view_name(view));
			break;
		}
		if (action == KEYS_ACTION_FOCUS_SIDEBAR) {
			ui->focus = VIEW_FOCUS_SIDEBAR;
			ui->dirty |= VIEW_DIRTY_SIDEBAR | VIEW_DIRTY_INDEX;
			break;
		}
		if (ui->focus == VIEW_FOCUS_INDEX)
			ui->focus = VIEW_FOCUS_SIDEBAR;
		else if (ui->open.account == NULL)
			ui_message(ui, _("No folder is open: choose one and "
			    "press Enter."));
		else
			ui->focus = VIEW_FOCUS_INDEX;
		ui->dirty |= VIEW_DIRTY_SIDEBAR | VIEW_DIRTY_INDEX;
		break;
	case KEYS_ACTION_CANCEL:
		if (view_pager_cancel(ui))
			break;
		if (ui->open.account != NULL && ui->open.running) {
			ui_account_cancel_open(ui);
			ui_message(ui, _("Stopped opening %s."),
			    ui->open.display);
		} else
			ui_message(ui, _("Nothing to stop."));
		break;
	case KEYS_ACTION_ENTER_COMMAND:
		prompt_command_start(ui);
		break;
	case KEYS_ACTION_FETCH_MAIL:
		ui_account_fetch(ui);
		break;
	case KEYS_ACTION_QUOTA:
		view_quota_open(ui);
		break;
	case KEYS_ACTION_CHANGE_FOLDER:
		if (ui->pager.active)
			view_pager_close(ui);
		view_index_change_open_start(ui);
		break;
	case KEYS_ACTION_NONE:
	case KEYS_ACTION_COUNT:
		break;
	default:
		if (ui->quota.active)
			handled = view_quota_key(ui, action);
		else if (ui->pager.active)
			handled = view_pager_key(ui, action);
		else if (view == KEYS_VIEW_INDEX)
			handled = view_index_key(ui, action);
		else
			handled = view_sidebar_key(ui, action);
		if (!handled)
			ui_message(ui, _("%s does nothing in the %s."),
			    keys_action_name(action), keys_view_name(view));
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
			/* The terminal may have scrolled what it kept: what
			 * curses believes is on it is wrong, repaint it all. */
			clearok(curscr, TRUE);
			ui->dirty |= VIEW_DIRTY_ALL;
		} else
			ui->quit = 1;
	}
}

static void
ui_free(struct ui *ui)
{
	prompt_free(ui);
	prompt_line_free(ui);
	view_pager_free(ui);
	view_quota_free(ui);
	model_folder_free(ui->open.model);
	free(ui->open.folder);
	free(ui->open.display);
	free(ui->sidebar_folder);
	free(ui->message);
	view_index_pattern_free(ui);
	free(ui->search);
	free(ui->start_folder);
}

/* skua -f ACCOUNT[/FOLDER]: the sidebar's cursor on the account, and the
 * folder (INBOX by default) to open once the account lists it, which
 * ui-account.c watches for. main.c checked that the account exists. */
static void
ui_start(struct ui *ui, const char *start)
{
	struct view_account	*va;
	const char		*slash;
	size_t			 i, len;

	if (start == NULL)
		return;
	slash = strchr(start, '/');
	len = slash != NULL ? (size_t)(slash - start) : strlen(start);
	for (i = 0; i < ui->naccounts; i++) {
		va = &ui->accounts[i];
		if (strlen(va->config->name) != len ||
		    strncmp(va->config->name, start, len) != 0)
			continue;
		ui->sidebar_account = i;
		if (va->worker == NULL) {
			ui_message(ui, "%s: %s", va->config->name,
			    va->problem != NULL ? va->problem :
			    _("not started"));
			return;
		}
		ui->start_account = va;
		ui->start_folder = xstrdup(slash != NULL && slash[1] != '\0' ?
		    slash + 1 : "INBOX");
		return;
	}
}

enum ui_status
ui_run(const struct config *config, const char *start, char **error)
{
	struct ui	 ui;
	struct pollfd	*pfd;
	size_t		 npfd;
	int		 key, timeout;

	memset(&ui, 0, sizeof ui);
	ui.config = ui_config = config;
	ui.dirty = VIEW_DIRTY_ALL;
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
	set_escdelay(25);
	curs_set(0);
	theme_start();
	log_info("ui started, %zu accounts", config_account_count(config));

	ui_account_start_all(&ui);
	ui_start(&ui, start);
	pfd = xcalloc(ui.naccounts + 2, sizeof *pfd);
	latency_start();
	while (!ui.quit) {
		if (ui.dirty)
			ui_draw(&ui);
		latency_drawn();
		pfd[0].fd = STDIN_FILENO;
		pfd[0].events = POLLIN;
		pfd[0].revents = 0;
		pfd[1].fd = ui_signal_pipe[0];
		pfd[1].events = POLLIN;
		pfd[1].revents = 0;
		timeout = ui_account_check_timeout(&ui);
		npfd = 2 + ui_account_poll_fill(&ui, pfd + 2, ui.naccounts,
		    &timeout);
		if (poll(pfd, npfd, timeout) == -1 && errno != EINTR)
			break;
		if (pfd[1].revents & POLLIN)
			ui_signal_read(&ui);
		if (pfd[0].revents & (POLLHUP | POLLERR))
			ui.quit = 1;
		/* Events and keys only mark views dirty: one draw per turn. */
		ui_account_poll_done(&ui, pfd + 2, npfd - 2);
		ui_account_check(&ui);
		while (!ui.quit && (key = getch()) != ERR) {
			latency_key(key);
			ui_key(&ui, key);
		}
	}
	free(pfd);
	latency_stop();
	ui_account_stop_all(&ui);
	endwin();
	ui_signals_stop();
	ui_free(&ui);
	log_info("ui stopped");
	return UI_OK;
}
