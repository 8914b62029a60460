/* run: the terminal goes to another program as if skua were a shell: curses
 * ends its mode, the program runs in skua's process group (so it may read
 * the terminal), and skua waits, then restores its screen. */
#include "auto-config.h"

#include <curses.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "core.h"
#include "run.h"

/* Signals whose handling changes while the command runs. */
static const int run_signals[] = { SIGINT, SIGQUIT, SIGTSTP };
#define RUN_NSIGNALS	(sizeof run_signals / sizeof run_signals[0])

/* In the child: what skua ignores or catches goes back to the defaults,
 * input comes from fd (-1: the terminal), then the shell. */
static void
run_child(const char *command, int fd)
{
	static const int	 reset[] = { SIGINT, SIGQUIT, SIGTSTP, SIGPIPE,
	    SIGTERM, SIGHUP, SIGWINCH, SIGCHLD, SIGTTIN, SIGTTOU };
	struct sigaction	 sa;
	sigset_t		 set;
	size_t			 i;

	memset(&sa, 0, sizeof sa);
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = SIG_DFL;
	for (i = 0; i < sizeof reset / sizeof reset[0]; i++)
		sigaction(reset[i], &sa, NULL);
	sigemptyset(&set);
	sigprocmask(SIG_SETMASK, &set, NULL);
	if (fd != -1 && fd != STDIN_FILENO && dup2(fd, STDIN_FILENO) == -1)
		_exit(127);
	execl("/bin/sh", "sh", "-c", command, (char *)NULL);
	_exit(127);
}

/* "Press any key": one key read raw from the terminal. */
static void
run_any_key(void)
{
	struct termios	saved, raw;
	unsigned char	c;
	int		tty = isatty(STDIN_FILENO);

	fputs(_("Press any key to continue..."), stdout);
	fflush(stdout);
	if (tty && tcgetattr(STDIN_FILENO, &saved) == 0) {
		raw = saved;
		raw.c_lflag &= ~(ICANON | ECHO);
		raw.c_cc[VMIN] = 1;
		raw.c_cc[VTIME] = 0;
		tcsetattr(STDIN_FILENO, TCSANOW, &raw);
		while (read(STDIN_FILENO, &c, 1) == -1 && errno == EINTR)
			;
		tcsetattr(STDIN_FILENO, TCSANOW, &saved);
	}
	fputs("\n", stdout);
	fflush(stdout);
}

/* Wait for pid. If ^Z stopped it, stop skua too, as a shell's job stops
 * whole; on fg, wake the command again. */
static int
run_wait(pid_t pid)
{
	int	status = 0;

	for (;;) {
		if (waitpid(pid, &status, WUNTRACED) == -1) {
			if (errno == EINTR)
				continue;
			return 127 << 8;
		}
		if (!WIFSTOPPED(status))
			return status;
		raise(SIGSTOP);
		kill(pid, SIGCONT);
	}
}

enum run_status
run_command(const char *command, const char *input, int flags,
    int *exit_status, char **error)
{
	struct sigaction	 sa, saved[RUN_NSIGNALS];
	pid_t			 pid;
	size_t			 i;
	int			 fd = -1, status, code;

	*exit_status = 0;
	if (input != NULL && (fd = open(input, O_RDONLY | O_NOFOLLOW |
	    O_CLOEXEC)) == -1) {
		*error = xasprintf("%s: %s", input, strerror(errno));
		return RUN_ERROR;
	}
	def_prog_mode();
	endwin();
	fflush(stdout);
	memset(&sa, 0, sizeof sa);
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = SIG_IGN;
	for (i = 0; i < RUN_NSIGNALS; i++)
		sigaction(run_signals[i], &sa, &saved[i]);

	if ((pid = fork()) == -1) {
		*error = xasprintf("fork: %s", strerror(errno));
		code = -1;
	} else {
		if (pid == 0)
			run_child(command, fd);
		status = run_wait(pid);
		if (WIFEXITED(status))
			code = WEXITSTATUS(status);
		else if (WIFSIGNALED(status))
			code = 128 + WTERMSIG(status);
		else
			code = 127;
		log_info("%s: %s: exit status %d", __func__, command, code);
	}
	if (fd != -1)
		close(fd);
	for (i = 0; i < RUN_NSIGNALS; i++)
		sigaction(run_signals[i], &saved[i], NULL);
	if (code != -1 && ((flags & RUN_WAIT_ALWAYS) ||
	    ((flags & RUN_WAIT_FAILED) && code != 0)))
		run_any_key();

	reset_prog_mode();
	clearok(curscr, TRUE);
	refresh();
	if (code == -1)
		return RUN_ERROR;
	*exit_status = code;
	return code == 0 ? RUN_OK : RUN_FAILED;
}
