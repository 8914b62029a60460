/* mime-html: a real HTML renderer lays out tables and lists far better than
 * tag stripping, but it is an outside program that may be missing, slow or
 * broken; each way it can fail falls through to the next renderer, down
 * to the built-in one, which always works. */
#include "auto-config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "command.h"
#include "intl.h"
#include "log.h"
#include "mailcap.h"
#include "mime-decode.h"
#include "mime-html.h"
#include "xmalloc.h"

/* Columns a renderer may be asked for. */
#define MIME_HTML_WIDTH_MIN	20
#define MIME_HTML_WIDTH_MAX	1000

void
mime_html_result_clear(struct mime_html_result *r)
{
	if (r == NULL)
		return;
	free(r->renderer);
	free(r->problem);
	memset(r, 0, sizeof *r);
}

/* html_command with %c as the width and %% as '%'; the caller frees. */
static char *
mime_html_command(const char *template, int width)
{
	char	*out, *o, num[16];
	size_t	 size, n;

	snprintf(num, sizeof num, "%d", width);
	size = strlen(template) * (strlen(num) + 1) + 1;
	out = o = xmalloc(size);
	for (; *template != '\0'; template++) {
		if (template[0] == '%' && template[1] == 'c') {
			n = strlen(num);
			memcpy(o, num, n);
			o += n;
			template++;
		} else if (template[0] == '%' && template[1] == '%') {
			*o++ = '%';
			template++;
		} else
			*o++ = *template;
	}
	*o = '\0';
	return out;
}

/* The program a command runs, for the note: "w3m" of "/usr/bin/w3m -dump". */
static char *
mime_html_program(const char *command)
{
	const char	*start, *end, *slash;

	start = command + strspn(command, " \t");
	end = start + strcspn(start, " \t;|&<>");
	for (slash = start; slash < end; slash++) {
		if (*slash == '/')
			start = slash + 1;
	}
	if (end == start)
		return xstrdup("html_command");
	return xstrndup(start, (size_t)(end - start));
}

/* Write len bytes to a new file at path (mode 0600); 0 or -1. */
static int
mime_html_write_file(const char *path, const char *data, size_t len)
{
	ssize_t	n;
	size_t	done = 0;
	int	fd;

	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
	    O_CLOEXEC, 0600)) == -1)
		return -1;
	while (done < len) {
		if ((n = write(fd, data + done, len - done)) == -1) {
			if (errno == EINTR)
				continue;
			close(fd);
			return -1;
		}
		done += (size_t)n;
	}
	return close(fd);
}

/*
 * Run one renderer. 0 with *text when it worked; -1 with *problem (the
 * caller frees) when it is passed over. name is the program, for
 * messages.
 */
static int
mime_html_try(const char *command, const char *name, const char *input,
    size_t len, int timeout_ms, size_t max_output, char **text, int *cut,
    char **problem)
{
	struct command_result	 r;
	enum command_status	 status;
	char			*error = NULL;

	status = command_run(command, input, len, max_output, timeout_ms, &r,
	    &error);
	switch (status) {
	case COMMAND_ERROR:
		*problem = xasprintf(_("%s could not be run: %s"), name, error);
		free(error);
		return -1;
	case COMMAND_TIMEOUT:
		*problem = xasprintf(_("%s took more than %d s and was "
		    "stopped"), name, timeout_ms / 1000);
		command_result_clear(&r);
		return -1;
	case COMMAND_TOO_BIG:
		*cut = 1;
		break;
	case COMMAND_OK:
		if (r.exit_status == 127) {
			*problem = xasprintf(_("%s is not installed"), name);
			command_result_clear(&r);
			return -1;
		}
		if (r.exit_status != 0) {
			log_info("%s: %s: exit status %d: %.200s", __func__,
			    name, r.exit_status, r.err);
			*problem = xasprintf(_("%s failed (exit status %d)"),
			    name, r.exit_status);
			command_result_clear(&r);
			return -1;
		}
		break;
	}
	/* The renderer's output is bytes: make sure of UTF-8. */
	*text = mime_decode_guess(r.out, r.len);
	command_result_clear(&r);
	return 0;
}

/* The mailcap's copiousoutput entry for text/html, if there is one that
 * works. */
static int
mime_html_mailcap(const char *html, size_t len,
    const struct mime_html_opts *o, int timeout_ms, size_t max_output,
    char **text, struct mime_html_result *r, char **problem)
{
	static const struct mailcap_param params[] = {
		{ "charset", "utf-8" },
	};
	struct mailcap_subst		 s;
	struct mailcap			*mc;
	const struct mailcap_entry	*e;
	char				*dir = NULL, *file = NULL, *name = NULL;
	char				*command = NULL, *error = NULL;
	int				 on_stdin, rc = -1;

	memset(&s, 0, sizeof s);
	s.type = "text/html";
	s.params = params;
	s.nparams = sizeof params / sizeof params[0];
	mc = mailcap_load(o->mailcaps);
	if ((e = mailcap_find(mc, MAILCAP_TEXT, &s)) == NULL)
		goto out;
	name = mime_html_program(mailcap_entry_view(e));
	/* Built once without the file to learn whether it wants one. */
	command = mailcap_command(e, &s, &on_stdin);
	if (!on_stdin) {
		free(command);
		command = NULL;
		if ((dir = command_tmpdir_new(&error)) == NULL) {
			*problem = error;
			goto out;
		}
		file = mailcap_file_name(e, "message.html");
		s.file = xasprintf("%s/%s", dir, file);
		if (mime_html_write_file(s.file, html, len) == -1) {
			*problem = xasprintf("%s: %s", s.file,
			    strerror(errno));
			goto out;
		}
		command = mailcap_command(e, &s, &on_stdin);
	}
	log_debug("%s: %s: %s", __func__, mailcap_entry_where(e), command);
	if (mime_html_try(command, name, on_stdin ? html : NULL, len,
	    timeout_ms, max_output, text, &r->cut, problem) == 0) {
		r->how = MIME_HTML_MAILCAP;
		r->renderer = name;
		name = NULL;
		rc = 0;
	}
out:
	free((char *)s.file);
	command_tmpdir_remove(dir);
	free(dir);
	free(file);
	free(name);
	free(command);
	mailcap_free(mc);
	return rc;
}

char *
mime_html_run(const char *html, size_t len, const struct mime_html_opts *o,
    struct mime_html_result *result)
{
	struct mime_html_result	 local;
	struct mime_html_result	*r = result != NULL ? result : &local;
	const char		*template;
	char			*text = NULL, *command, *problem = NULL;
	int			 width, timeout_ms;
	size_t			 max_output;

	memset(r, 0, sizeof *r);
	template = o->command != NULL ? o->command : MIME_HTML_DEFAULT_COMMAND;
	width = o->width > 0 ? o->width : 80;
	if (width < MIME_HTML_WIDTH_MIN)
		width = MIME_HTML_WIDTH_MIN;
	if (width > MIME_HTML_WIDTH_MAX)
		width = MIME_HTML_WIDTH_MAX;
	timeout_ms = o->timeout_ms > 0 ? o->timeout_ms : MIME_HTML_TIMEOUT_MS;
	max_output = o->max_output > 0 ? o->max_output : MIME_HTML_MAX_OUTPUT;

	/* A blank command would "render" everything as nothing. */
	if (strcmp(template, "builtin") != 0 &&
	    strcmp(template, "mailcap") != 0 &&
	    template[strspn(template, " \t")] != '\0') {
		command = mime_html_command(template, width);
		r->renderer = mime_html_program(command);
		if (mime_html_try(command, r->renderer, html, len, timeout_ms,
		    max_output, &text, &r->cut, &problem) == 0) {
			r->how = MIME_HTML_COMMAND;
			free(command);
			goto out;
		}
		log_info("%s: %s", __func__, problem);
		free(r->renderer);
		r->renderer = NULL;
		free(command);
	}
	if (strcmp(template, "builtin") != 0) {
		char	*why = NULL;

		if (mime_html_mailcap(html, len, o, timeout_ms, max_output,
		    &text, r, &why) == 0)
			goto out;
		if (why != NULL) {
			log_info("%s: mailcap: %s", __func__, why);
			/* The first reason is the one worth showing. */
			if (problem == NULL)
				problem = why;
			else
				free(why);
		}
	}
	r->how = MIME_HTML_BUILTIN;
	text = mime_decode_html(html, len);
out:
	r->problem = problem;
	if (result == NULL)
		mime_html_result_clear(&local);
	return text;
}

char *
mime_html_render(const char *html, size_t len, const char *command,
    int width, enum mime_html_how *how)
{
	struct mime_html_opts	 o;
	struct mime_html_result	 r;
	char			*text;

	memset(&o, 0, sizeof o);
	o.command = command;
	o.width = width;
	text = mime_html_run(html, len, &o, &r);
	if (how != NULL)
		*how = r.how;
	mime_html_result_clear(&r);
	return text;
}
