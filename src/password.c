/* password: password_command runs in a child with a pipe and a deadline,
 * so a hung command (a locked keyring) cannot hang the worker. */
#include "auto-config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "intl.h"
#include "log.h"
#include "password.h"
#include "xmalloc.h"

#define PASSWORD_MAX	4096

void
password_free(char *p)
{
	if (p == NULL)
		return;
	explicit_bzero(p, strlen(p));
	free(p);
}

static long long
password_now_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

enum password_status
password_run(const char *command, int timeout_ms, char **out, char **error)
{
	char		 buf[PASSWORD_MAX + 1];
	struct pollfd	 pfd;
	size_t		 len = 0;
	ssize_t		 n;
	long long	 end;
	pid_t		 pid;
	int		 fds[2], status, devnull, timed_out = 0;

	*out = NULL;
	if (command == NULL || *command == '\0')
		return PASSWORD_NONE;
	if (pipe2(fds, O_CLOEXEC) == -1) {
		*error = xasprintf("pipe: %s",
		    strerror(errno));
		return PASSWORD_ERROR;
	}
	if ((pid = fork()) == -1) {
		*error = xasprintf("fork: %s",
		    strerror(errno));
		close(fds[0]);
		close(fds[1]);
		return PASSWORD_ERROR;
	}
	if (pid == 0) {
		devnull = open("/dev/null", O_RDWR);
		dup2(devnull, STDIN_FILENO);
		dup2(fds[1], STDOUT_FILENO);
		/* Never let a command write on the UI's terminal. */
		dup2(devnull, STDERR_FILENO);
		signal(SIGPIPE, SIG_DFL);
		execl("/bin/sh", "sh", "-c", command, (char *)NULL);
		_exit(127);
	}
	close(fds[1]);
	end = password_now_ms() + timeout_ms;
	pfd.fd = fds[0];
	pfd.events = POLLIN;
	for (;;) {
		long long left = end - password_now_ms();
		if (left <= 0) {
			timed_out = 1;
			break;
		}
		if (poll(&pfd, 1, (int)left) <= 0) {
			if (errno == EINTR)
				continue;
			timed_out = 1;
			break;
		}
		n = read(fds[0], buf + len, PASSWORD_MAX - len);
		if (n <= 0 || (len += (size_t)n) == PASSWORD_MAX ||
		    memchr(buf, '\n', len) != NULL)
			break;
	}
	close(fds[0]);
	if (timed_out)
		kill(pid, SIGKILL);
	while (waitpid(pid, &status, 0) == -1 && errno == EINTR)
		;
	buf[len] = '\0';
	if (timed_out) {
		*error = xasprintf(_("the command did not finish within %d s"),
		    timeout_ms / 1000);
		explicit_bzero(buf, sizeof buf);
		return PASSWORD_ERROR;
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		*error = xasprintf(_("the command failed (exit status %d)"),
		    WIFEXITED(status) ? WEXITSTATUS(status) : -1);
		explicit_bzero(buf, sizeof buf);
		return PASSWORD_ERROR;
	}
	buf[strcspn(buf, "\r\n")] = '\0';
	if (buf[0] == '\0') {
		*error = xstrdup(_("the command printed nothing"));
		return PASSWORD_ERROR;
	}
	*out = xstrdup(buf);
	explicit_bzero(buf, sizeof buf);
	return PASSWORD_OK;
}
