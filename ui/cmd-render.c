/* cmd-render: skua render FILE... prints messages as the pager shows them.
 * The parsing runs in a child process per message, as in the account
 * workers, so that a message that crashes libetpan costs that message. */
#include "auto-config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"
#include "core.h"
#include "mime-sanitize.h"
#include "render.h"

/* Bounds on one message: what is read, and how long the child may take. */
#define CMD_RENDER_MAX_INPUT	(256UL * 1024 * 1024)
#define CMD_RENDER_TIMEOUT_MS	30000

static int
cmd_render_read(const char *name, char **out, size_t *outlen)
{
	size_t	 len = 0, cap = 65536;
	ssize_t	 n;
	char	*buf;
	int	 fd;

	if (strcmp(name, "-") == 0)
		fd = STDIN_FILENO;
	else if ((fd = open(name, O_RDONLY | O_CLOEXEC)) == -1) {
		fprintf(stderr, _("skua: render: %s: %s\n"), name,
		    strerror(errno));
		return -1;
	}
	buf = xmalloc(cap);
	for (;;) {
		if (len == cap) {
			if (cap >= CMD_RENDER_MAX_INPUT) {
				fprintf(stderr, _("skua: render: %s: larger "
				    "than %lu MB\n"), name,
				    CMD_RENDER_MAX_INPUT / (1024 * 1024));
				goto fail;
			}
			cap *= 2;
			buf = xreallocarray(buf, cap, 1);
		}
		if ((n = read(fd, buf + len, cap - len)) == -1) {
			if (errno == EINTR)
				continue;
			fprintf(stderr, _("skua: render: %s: %s\n"), name,
			    strerror(errno));
			goto fail;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	if (fd != STDIN_FILENO)
		close(fd);
	*out = buf;
	*outlen = len;
	return 0;

fail:
	if (fd != STDIN_FILENO)
		close(fd);
	free(buf);
	return -1;
}

static void
cmd_render_write_all(int fd, const char *s, size_t len)
{
	ssize_t	n;

	while (len > 0) {
		if ((n = write(fd, s, len)) == -1) {
			if (errno == EINTR)
				continue;
			return;
		}
		s += n;
		len -= (size_t)n;
	}
}

static long
cmd_render_ms_since(const struct timespec *start)
{
	struct timespec	now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - start->tv_sec) * 1000 +
	    (now.tv_nsec - start->tv_nsec) / 1000000;
}

/*
 * Render buf in a child; its text into *out. Returns 0, or -1 with *why
 * (static text) when the child crashed, failed or took too long.
 */
static int
cmd_render_child(const char *buf, size_t len, const struct render_opts *o,
    char **out, size_t *outlen, const char **why)
{
	struct timespec	 start;
	struct pollfd	 pfd;
	size_t		 got = 0, cap = 65536;
	ssize_t		 n;
	pid_t		 pid;
	char		*text;
	long		 left;
	int		 fds[2], st, timed_out = 0;

	if (pipe(fds) == -1) {
		*why = strerror(errno);
		return -1;
	}
	fflush(stdout);
	if ((pid = fork()) == -1) {
		*why = strerror(errno);
		close(fds[0]);
		close(fds[1]);
		return -1;
	}
	if (pid == 0) {
		close(fds[0]);
		text = render_message(buf, len, o);
		cmd_render_write_all(fds[1], text, strlen(text));
		_exit(0);
	}
	close(fds[1]);
	clock_gettime(CLOCK_MONOTONIC, &start);
	*out = xmalloc(cap);
	for (;;) {
		if ((left = CMD_RENDER_TIMEOUT_MS -
		    cmd_render_ms_since(&start)) <= 0) {
			timed_out = 1;
			kill(pid, SIGKILL);
			break;
		}
		pfd.fd = fds[0];
		pfd.events = POLLIN;
		if (poll(&pfd, 1, (int)left) == -1 && errno != EINTR)
			break;
		if (pfd.revents == 0)
			continue;
		if (got + 1 >= cap)
			*out = xreallocarray(*out, cap *= 2, 1);
		if ((n = read(fds[0], *out + got, cap - got - 1)) == -1) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	close(fds[0]);
	while (waitpid(pid, &st, 0) == -1 && errno == EINTR)
		;
	(*out)[got] = '\0';
	*outlen = got;
	if (timed_out)
		*why = _("it took too long");
	else if (WIFSIGNALED(st))
		*why = _("the parser crashed");
	else if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		*why = _("the parser failed");
	else
		return 0;
	free(*out);
	*out = NULL;
	return -1;
}

static int
cmd_render_one(const char *name, const struct render_opts *o, int header)
{
	const char	*why = NULL;
	char		*buf, *text, *raw;
	size_t		 len, tlen;

	if (cmd_render_read(name, &buf, &len) != 0)
		return -1;
	if (header)
		printf("==> %s <==\n", strcmp(name, "-") == 0 ?
		    _("standard input") : name);
	fflush(stdout);
	if (cmd_render_child(buf, len, o, &text, &tlen, &why) == 0) {
		cmd_render_write_all(STDOUT_FILENO, text, tlen);
		free(text);
		free(buf);
		return 0;
	}
	/* Show what can be shown safely without the parser. */
	fprintf(stderr, _("skua: render: %s: %s; shown as raw text\n"), name,
	    why);
	raw = mime_sanitize(buf, len, MIME_SANITIZE_KEEP_NEWLINES);
	cmd_render_write_all(STDOUT_FILENO, raw, strlen(raw));
	free(raw);
	free(buf);
	return -1;
}

int
cmd_render_main(const struct config *config, int argc, char **argv)
{
	struct render_opts	opts;
	int			i, status = 0;

	memset(&opts, 0, sizeof opts);
	opts.inline_depth = 3;
	opts.width = 80;
	if (config != NULL) {
		opts.prefer_html = config_prefer_html(config);
		opts.html_command = config_html_command(config);
		opts.headers = config_pager_headers(config);
	}
	/* argv[0] is "render". */
	if (argc < 2) {
		fprintf(stderr, _("skua: render: which file? (- for standard "
		    "input)\n"));
		return 2;
	}
	for (i = 1; i < argc; i++) {
		if (cmd_render_one(argv[i], &opts, argc > 2) != 0)
			status = 1;
		if (i + 1 < argc)
			printf("\n");
	}
	return status;
}
