/* command: a filter command must never hang skua: a renderer that loops,
 * one that waits on a terminal it cannot have, one that writes gigabytes,
 * one that never reads what it is sent. Input and output move together
 * under poll(2), and a deadline ends the command's whole process group. */
#include "auto-config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "command.h"
#include "intl.h"
#include "log.h"
#include "xmalloc.h"

/* Kept of standard error: enough for a message, not for a flood. */
#define COMMAND_ERR_MAX		2048
/* Bytes written to the command's input per turn. */
#define COMMAND_CHUNK		65536
/* Levels below a private directory that command_tmpdir_remove clears. */
#define COMMAND_TMPDIR_DEPTH	8

static long long
command_now_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int
command_is_plain(const char *s)
{
	for (; *s != '\0'; s++) {
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		    (*s >= '0' && *s <= '9') || strchr("/._+,:=@-", *s) != NULL))
			return 0;
	}
	return 1;
}

/* fd as target in the child, whichever descriptors it started on. */
static void
command_child_fd(int fd, int target)
{
	if (fd == target)
		fcntl(fd, F_SETFD, 0);
	else
		dup2(fd, target);
}

/* In the child: a group of its own (so a deadline ends everything it
 * started), default signals, the pipes on 0, 1 and 2, then the shell. */
static void
command_child(const char *command, int in, int out, int err)
{
	static const int	 reset[] = { SIGPIPE, SIGINT, SIGQUIT, SIGTERM,
	    SIGHUP, SIGCHLD, SIGTSTP, SIGTTIN, SIGTTOU, SIGWINCH };
	struct sigaction	 sa;
	sigset_t		 set;
	size_t			 i;
	int			 null;

	setpgid(0, 0);
	memset(&sa, 0, sizeof sa);
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = SIG_DFL;
	for (i = 0; i < sizeof reset / sizeof reset[0]; i++)
		sigaction(reset[i], &sa, NULL);
	sigemptyset(&set);
	sigprocmask(SIG_SETMASK, &set, NULL);

	if ((null = open("/dev/null", O_RDWR | O_CLOEXEC)) == -1)
		_exit(127);
	if (in == -1)
		in = null;
	if (out == -1)
		out = null;
	/* Nothing may sit on 0-2 while the others are moved there. */
	if (in <= STDERR_FILENO)
		in = fcntl(in, F_DUPFD_CLOEXEC, STDERR_FILENO + 1);
	if (out <= STDERR_FILENO)
		out = fcntl(out, F_DUPFD_CLOEXEC, STDERR_FILENO + 1);
	if (err <= STDERR_FILENO)
		err = fcntl(err, F_DUPFD_CLOEXEC, STDERR_FILENO + 1);
	if (in == -1 || out == -1 || err == -1)
		_exit(127);
	command_child_fd(in, STDIN_FILENO);
	command_child_fd(out, STDOUT_FILENO);
	command_child_fd(err, STDERR_FILENO);
	execl("/bin/sh", "sh", "-c", command, (char *)NULL);
	_exit(127);
}

static void
command_close(int *fd)
{
	if (*fd != -1) {
		close(*fd);
		*fd = -1;
	}
}

void
command_result_clear(struct command_result *r)
{
	if (r == NULL)
		return;
	free(r->out);
	free(r->err);
	memset(r, 0, sizeof *r);
}

/* Wait for pid until end (monotonic ms); 0 and *status once it ended, -1
 * when the time ran out first. */
static int
command_wait(pid_t pid, long long end, int *status)
{
	pid_t	got;

	for (;;) {
		got = waitpid(pid, status, WNOHANG);
		if (got == pid)
			return 0;
		if (got == -1 && errno != EINTR) {
			*status = 127 << 8;
			return 0;
		}
		if (command_now_ms() >= end)
			return -1;
		poll(NULL, 0, 10);
	}
}

enum command_status
command_run(const char *command, const char *input, size_t len,
    size_t max_output, int timeout_ms, struct command_result *r,
    char **error)
{
	struct sigaction	 sa, old_pipe;
	struct pollfd		 pfd[3];
	enum command_status	 status = COMMAND_OK;
	size_t			 sent = 0, size = 0, errsize = 0, n;
	ssize_t			 got;
	long long		 end, left;
	pid_t			 pid;
	char			 scratch[4096];
	int			 in[2] = { -1, -1 }, out[2] = { -1, -1 };
	int			 err[2] = { -1, -1 }, wstatus = 0, i;
	int			 in_slot, out_slot, err_slot;

	memset(r, 0, sizeof *r);
	if ((input != NULL && pipe2(in, O_CLOEXEC) == -1) ||
	    pipe2(out, O_CLOEXEC) == -1 || pipe2(err, O_CLOEXEC) == -1) {
		*error = xasprintf("pipe: %s", strerror(errno));
		for (i = 0; i < 2; i++) {
			command_close(&in[i]);
			command_close(&out[i]);
			command_close(&err[i]);
		}
		return COMMAND_ERROR;
	}
	/* A command that exits unread must cost a write error, not the
	 * process: SIGPIPE is ignored while it runs. */
	memset(&sa, 0, sizeof sa);
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, &old_pipe);

	if ((pid = fork()) == -1) {
		*error = xasprintf("fork: %s", strerror(errno));
		for (i = 0; i < 2; i++) {
			command_close(&in[i]);
			command_close(&out[i]);
			command_close(&err[i]);
		}
		sigaction(SIGPIPE, &old_pipe, NULL);
		return COMMAND_ERROR;
	}
	if (pid == 0)
		command_child(command, in[0], max_output > 0 ? out[1] : -1,
		    err[1]);
	/* Both sides set the group: whichever runs first, kill(-pid) works. */
	setpgid(pid, pid);
	command_close(&in[0]);
	command_close(&out[1]);
	command_close(&err[1]);
	if (in[1] != -1) {
		fcntl(in[1], F_SETFL, fcntl(in[1], F_GETFL) | O_NONBLOCK);
		if (len == 0)
			command_close(&in[1]);
	}
	r->out = xmalloc(1);
	r->err = xmalloc(1);

	end = command_now_ms() + timeout_ms;
	for (;;) {
		n = 0;
		in_slot = out_slot = err_slot = -1;
		if (in[1] != -1) {
			pfd[n].fd = in[1];
			pfd[n].events = POLLOUT;
			in_slot = (int)n++;
		}
		if (out[0] != -1) {
			pfd[n].fd = out[0];
			pfd[n].events = POLLIN;
			out_slot = (int)n++;
		}
		if (err[0] != -1) {
			pfd[n].fd = err[0];
			pfd[n].events = POLLIN;
			err_slot = (int)n++;
		}
		if (n == 0)
			break;
		if ((left = end - command_now_ms()) <= 0) {
			status = COMMAND_TIMEOUT;
			break;
		}
		if (poll(pfd, n, left > 1000000 ? 1000000 : (int)left) == -1) {
			if (errno == EINTR)
				continue;
			*error = xasprintf("poll: %s", strerror(errno));
			status = COMMAND_ERROR;
			break;
		}
		if (in_slot != -1 && pfd[in_slot].revents != 0) {
			got = write(in[1], input + sent, len - sent >
			    COMMAND_CHUNK ? COMMAND_CHUNK : len - sent);
			if (got > 0)
				sent += (size_t)got;
			else if (got == -1 && errno != EAGAIN &&
			    errno != EINTR) {
				/* It stopped reading: its output counts. */
				command_close(&in[1]);
			}
			if (sent == len)
				command_close(&in[1]);
		}
		if (out_slot != -1 && pfd[out_slot].revents != 0) {
			if (size + sizeof scratch > max_output + 1)
				n = max_output + 1 - size;
			else
				n = sizeof scratch;
			r->out = xreallocarray(r->out, size + n + 1, 1);
			got = read(out[0], r->out + size, n);
			if (got > 0)
				size += (size_t)got;
			else if (got == 0 || (errno != EAGAIN &&
			    errno != EINTR))
				command_close(&out[0]);
			if (size > max_output) {
				size = max_output;
				status = COMMAND_TOO_BIG;
				break;
			}
		}
		if (err_slot != -1 && pfd[err_slot].revents != 0) {
			got = read(err[0], scratch, sizeof scratch);
			if (got > 0) {
				n = (size_t)got;
				if (n > COMMAND_ERR_MAX - errsize)
					n = COMMAND_ERR_MAX - errsize;
				r->err = xreallocarray(r->err, errsize + n + 1,
				    1);
				memcpy(r->err + errsize, scratch, n);
				errsize += n;
			} else if (got == 0 || (errno != EAGAIN &&
			    errno != EINTR))
				command_close(&err[0]);
		}
	}
	command_close(&in[1]);
	command_close(&out[0]);
	command_close(&err[0]);
	/* Its output is closed, but it may linger: the same deadline. */
	if (status == COMMAND_OK && command_wait(pid, end, &wstatus) == -1)
		status = COMMAND_TIMEOUT;
	if (status != COMMAND_OK) {
		kill(-pid, SIGKILL);
		kill(pid, SIGKILL);
		while (waitpid(pid, &wstatus, 0) == -1 && errno == EINTR)
			;
	}
	sigaction(SIGPIPE, &old_pipe, NULL);

	r->out[size] = '\0';
	r->len = size;
	r->err[errsize] = '\0';
	if (WIFEXITED(wstatus))
		r->exit_status = WEXITSTATUS(wstatus);
	else if (WIFSIGNALED(wstatus))
		r->exit_status = 128 + WTERMSIG(wstatus);
	else
		r->exit_status = 127;
	if (status == COMMAND_ERROR)
		command_result_clear(r);
	return status;
}

char *
command_tmpdir_new(char **error)
{
	const char	*base = getenv("TMPDIR");
	char		*dir;

	/* A relative or odd $TMPDIR could not be handed to a command as
	 * is; /tmp always can. */
	if (base == NULL || *base != '/' || !command_is_plain(base) ||
	    strlen(base) > 1024)
		base = "/tmp";
	dir = xasprintf("%s%sskua-XXXXXX", base,
	    base[strlen(base) - 1] == '/' ? "" : "/");
	if (mkdtemp(dir) == NULL) {
		*error = xasprintf(_("cannot make a private directory in "
		    "%s: %s"), base, strerror(errno));
		free(dir);
		return NULL;
	}
	return dir;
}

/* Empty the directory open as fd, depth levels deep at most; it is
 * closed. */
static void
command_tmpdir_empty(int fd, int depth)
{
	struct dirent	*de;
	DIR		*d;
	int		 sub;

	if ((d = fdopendir(fd)) == NULL) {
		close(fd);
		return;
	}
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		if (unlinkat(fd, de->d_name, 0) == 0)
			continue;
		/* A directory a viewer made: its contents first. */
		if (depth > 0 && (sub = openat(fd, de->d_name, O_RDONLY |
		    O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) != -1) {
			command_tmpdir_empty(sub, depth - 1);
			if (unlinkat(fd, de->d_name, AT_REMOVEDIR) == -1)
				log_warn("%s: %s: %s", __func__, de->d_name,
				    strerror(errno));
		}
	}
	closedir(d);
}

void
command_tmpdir_remove(const char *dir)
{
	int	fd;

	if (dir == NULL)
		return;
	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC)) != -1)
		command_tmpdir_empty(fd, COMMAND_TMPDIR_DEPTH);
	if (rmdir(dir) == -1 && errno != ENOENT)
		log_warn("%s: %s: %s", __func__, dir, strerror(errno));
}
