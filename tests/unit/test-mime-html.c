/* test-mime-html: HTML through a command (cat, sed and w3m when installed
 * stand in), the mailcap and built-in fallbacks, and commands that are
 * missing, fail, hang, flood or never read their input. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "command.h"
#include "mime-decode.h"
#include "mime-html.h"
#include "utf8.h"
#include "xmalloc.h"

static char	*dir;
static char	*empty;		/* a mailcap with nothing in it */

static const char page[] =
    "<html><head><title>t</title><style>p{color:red}</style></head><body>\n"
    "<h1>Gr\xc3\xbc\xc3\x9f" "e</h1>\n"
    "<table><tr><td>left</td><td>right</td></tr></table>\n"
    "<p>One &amp; two</p>\n"
    "</body></html>\n";

static int
setup(void **state)
{
	char	*error = NULL;
	FILE	*f;

	(void)state;
	if ((dir = command_tmpdir_new(&error)) == NULL) {
		fprintf(stderr, "%s\n", error);
		return -1;
	}
	empty = xasprintf("%s/empty", dir);
	if ((f = fopen(empty, "w")) == NULL)
		return -1;
	fclose(f);
	/* mime_html_render reads the default path: make it ours. */
	setenv("MAILCAPS", empty, 1);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	command_tmpdir_remove(dir);
	free(dir);
	free(empty);
	return 0;
}

static char *
mailcap(const char *text)
{
	char	*path = xasprintf("%s/mailcap", dir);
	FILE	*f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	return path;
}

static void
opts_init(struct mime_html_opts *o, const char *command)
{
	memset(o, 0, sizeof *o);
	o->command = command;
	o->mailcaps = empty;
	o->width = 72;
}

static int
is_utf8(const char *s)
{
	size_t	len = strlen(s), i, used;

	for (i = 0; i < len; i += used) {
		if (utf8_decode((const unsigned char *)s + i, len - i,
		    &used) == -1)
			return 0;
	}
	return 1;
}

static long long
now_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
test_builtin(void **state)
{
	struct mime_html_opts	 o;
	struct mime_html_result	 r;
	char			*text, *want;

	(void)state;
	opts_init(&o, "builtin");
	text = mime_html_run(page, strlen(page), &o, &r);
	want = mime_decode_html(page, strlen(page));
	assert_string_equal(text, want);
	assert_int_equal(r.how, MIME_HTML_BUILTIN);
	assert_null(r.renderer);
	assert_null(r.problem);
	free(want);
	free(text);
	mime_html_result_clear(&r);
	mime_html_result_clear(NULL);
}

static void
test_command(void **state)
{
	struct mime_html_opts	 o;
	struct mime_html_result	 r;
	char			*text;

	(void)state;
	opts_init(&o, "cat");
	text = mime_html_run(page, strlen(page), &o, &r);
	assert_string_equal(text, page);
	assert_int_equal(r.how, MIME_HTML_COMMAND);
	assert_string_equal(r.renderer, "cat");
	assert_null(r.problem);
	assert_false(r.cut);
	free(text);
	mime_html_result_clear(&r);

	/* %c is the width, %% a percent sign; the program is named
	 * without its directory. */
	opts_init(&o, "/usr/bin/printf '%%d|' %c");
	text = mime_html_run(page, strlen(page), &o, &r);
	assert_string_equal(text, "72|");
	assert_string_equal(r.renderer, "printf");
	free(text);
	mime_html_result_clear(&r);

	/* Nothing to render is rendered as nothing. */
	opts_init(&o, "cat");
	text = mime_html_run("", 0, &o, &r);
	assert_string_equal(text, "");
	assert_int_equal(r.how, MIME_HTML_COMMAND);
	free(text);
	mime_html_result_clear(&r);

	/* The output is made UTF-8, whatever the command wrote. */
	opts_init(&o, "printf 'caf\\351\\0!'");
	text = mime_html_run(page, strlen(page), &o, &r);
	assert_true(is_utf8(text));
	assert_string_equal(text, "caf\xc3\xa9!");
	free(text);
	mime_html_result_clear(&r);
}

static void
test_w3m(void **state)
{
	struct mime_html_opts	 o;
	struct mime_html_result	 r;
	char			*text;
	enum mime_html_how	 how;

	(void)state;
	opts_init(&o, NULL);
	text = mime_html_run(page, strlen(page), &o, &r);
	if (system("command -v w3m >/dev/null 2>&1") != 0) {
		/* Not installed: said so, and the built-in works. */
		assert_int_equal(r.how, MIME_HTML_BUILTIN);
		assert_non_null(strstr(r.problem, "w3m is not installed"));
		free(text);
		mime_html_result_clear(&r);
		skip();
	}
	assert_int_equal(r.how, MIME_HTML_COMMAND);
	assert_string_equal(r.renderer, "w3m");
	assert_null(r.problem);
	assert_non_null(strstr(text, "Gr\xc3\xbc\xc3\x9f" "e"));
	assert_non_null(strstr(text, "One & two"));
	/* A table laid out on one line, not a word per line. */
	assert_non_null(strstr(text, "left"));
	assert_non_null(strstr(text, "right"));
	assert_true(strstr(text, "right") - strstr(text, "left") < 40);
	assert_null(strstr(text, "color:red"));
	assert_null(strchr(text, '<'));
	free(text);
	mime_html_result_clear(&r);

	text = mime_html_render(page, strlen(page), NULL, 80, &how);
	assert_int_equal(how, MIME_HTML_COMMAND);
	assert_non_null(strstr(text, "One & two"));
	free(text);
}

static void
test_missing(void **state)
{
	struct mime_html_opts	 o;
	struct mime_html_result	 r;
	char			*text, *want;
	enum mime_html_how	 how;

	(void)state;
	opts_init(&o, "skua-no-such-renderer -dump");
	text = mime_html_run(page, strlen(page), &o, &r);
	want = mime_decode_html(page, strlen(page));
	assert_string_equal(text, want);
	assert_int_equal(r.how, MIME_HTML_BUILTIN);
	assert_null(r.renderer);
	assert_string_equal(r.problem,
	    "skua-no-such-renderer is not installed");
	free(text);
	mime_html_result_clear(&r);

	text = mime_html_render(page, strlen(page),
	    "skua-no-such-renderer", 80, &how);
	assert_int_equal(how, MIME_HTML_BUILTIN);
	assert_string_equal(text, want);
	free(text);
	free(want);
}

static void
test_failed(void **state)
{
	struct mime_html_opts	 o;
	struct mime_html_result	 r;
	char			*text;

	(void)state;
	opts_init(&o, "cat >/dev/null; echo oops >&2; exit 3");
	text = mime_html_run(page, strlen(page), &o, &r);
	assert_int_equal(r.how, MIME_HTML_BUILTIN);
	assert_string_equal(r.problem, "cat failed (exit status 3)");
	free(text);
	mime_html_result_clear(&r);
}

static void
test_mailcap(void **state)
{
	struct mime_html_opts	 o;
	struct mime_html_result	 r;
	struct stat		 sb;
	char			*text, *path, *entries, *where, *file;
	FILE			*f;
	char			 line[4096];

	(void)state;
	/* The command is missing: the mailcap's copiousoutput entry, with
	 * the HTML on stdin; entries for viewing do not count. */
	path = mailcap("text/html; firefox %s\n"
	    "text/html; sed -e 's/<[^>]*>//g' -e 's/%{charset}/CS/'; "
	    "copiousoutput\n");
	opts_init(&o, "skua-no-such-renderer");
	o.mailcaps = path;
	text = mime_html_run("<b>bold</b> utf-8", 17, &o, &r);
	assert_string_equal(text, "bold CS");
	assert_int_equal(r.how, MIME_HTML_MAILCAP);
	assert_string_equal(r.renderer, "sed");
	assert_string_equal(r.problem,
	    "skua-no-such-renderer is not installed");
	free(text);
	mime_html_result_clear(&r);

	/* "mailcap" goes there first. */
	opts_init(&o, "mailcap");
	o.mailcaps = path;
	text = mime_html_run("<i>x</i>", 8, &o, &r);
	assert_string_equal(text, "x");
	assert_int_equal(r.how, MIME_HTML_MAILCAP);
	assert_null(r.problem);
	free(text);
	mime_html_result_clear(&r);
	/* So does a blank command, which would print nothing. */
	opts_init(&o, "  ");
	o.mailcaps = path;
	text = mime_html_run("<i>x</i>", 8, &o, &r);
	assert_string_equal(text, "x");
	assert_int_equal(r.how, MIME_HTML_MAILCAP);
	free(text);
	mime_html_result_clear(&r);
	free(path);

	/* An entry with %s gets a private file named by nametemplate,
	 * gone once it ran. */
	where = xasprintf("%s/where", dir);
	entries = xasprintf("text/html; cat %%s\\; echo %%s > %s; "
	    "copiousoutput; nametemplate=%%s.htm\n", where);
	path = mailcap(entries);
	opts_init(&o, "mailcap");
	o.mailcaps = path;
	text = mime_html_run(page, strlen(page), &o, &r);
	assert_string_equal(text, page);
	assert_int_equal(r.how, MIME_HTML_MAILCAP);
	f = fopen(where, "r");
	assert_non_null(f);
	assert_non_null(fgets(line, sizeof line, f));
	fclose(f);
	line[strcspn(line, "\n")] = '\0';
	assert_non_null(strstr(line, "/message.html.htm"));
	assert_int_equal(stat(line, &sb), -1);
	file = strrchr(line, '/');
	*file = '\0';
	assert_int_equal(stat(line, &sb), -1);
	free(text);
	mime_html_result_clear(&r);
	free(path);
	free(entries);
	free(where);

	/* A mailcap entry that fails too: the built-in, and the first
	 * reason. */
	path = mailcap("text/html; exit 1; copiousoutput\n");
	opts_init(&o, "skua-no-such-renderer");
	o.mailcaps = path;
	text = mime_html_run(page, strlen(page), &o, &r);
	assert_int_equal(r.how, MIME_HTML_BUILTIN);
	assert_string_equal(r.problem,
	    "skua-no-such-renderer is not installed");
	free(text);
	mime_html_result_clear(&r);
	free(path);
}

static void
test_output_cap(void **state)
{
	struct mime_html_opts	 o;
	struct mime_html_result	 r;
	char			*text;
	long long		 start = now_ms();

	(void)state;
	opts_init(&o, "yes 'a line of output'");
	o.max_output = 1024 * 1024;
	text = mime_html_run(page, strlen(page), &o, &r);
	assert_int_equal(r.how, MIME_HTML_COMMAND);
	assert_true(r.cut);
	assert_int_equal(strlen(text), 1024 * 1024);
	assert_true(now_ms() - start < 5000);
	free(text);
	mime_html_result_clear(&r);
}

static void
test_hang(void **state)
{
	struct mime_html_opts	 o;
	struct mime_html_result	 r;
	char			*text;
	long long		 start;

	(void)state;
	/* Reads everything, then never ends. */
	opts_init(&o, "cat >/dev/null; sleep 60");
	o.timeout_ms = 1000;
	start = now_ms();
	text = mime_html_run(page, strlen(page), &o, &r);
	assert_true(now_ms() - start < 4000);
	assert_int_equal(r.how, MIME_HTML_BUILTIN);
	assert_string_equal(r.problem, "cat took more than 1 s and was "
	    "stopped");
	free(text);
	mime_html_result_clear(&r);

	/* Ends, but leaves a child holding its output open. */
	opts_init(&o, "sleep 60 & echo started");
	o.timeout_ms = 1000;
	start = now_ms();
	text = mime_html_run(page, strlen(page), &o, &r);
	assert_true(now_ms() - start < 4000);
	assert_int_equal(r.how, MIME_HTML_BUILTIN);
	free(text);
	mime_html_result_clear(&r);
}

static void
test_big_input(void **state)
{
	struct mime_html_opts	 o;
	struct mime_html_result	 r;
	char			*big, *text;
	size_t			 n = 5 * 1024 * 1024, i;
	long long		 start = now_ms();

	(void)state;
	big = xmalloc(n + 1);
	for (i = 0; i < n; i++)
		big[i] = "<p>abcdefgh</p>\n"[i % 16];
	big[n] = '\0';
	/* Never reads: the writer must not wait for it. */
	opts_init(&o, "echo ignored");
	text = mime_html_run(big, n, &o, &r);
	assert_string_equal(text, "ignored\n");
	assert_int_equal(r.how, MIME_HTML_COMMAND);
	free(text);
	mime_html_result_clear(&r);

	/* Reads nothing for a while, then ends. */
	opts_init(&o, "sleep 0.3; echo late");
	text = mime_html_run(big, n, &o, &r);
	assert_string_equal(text, "late\n");
	free(text);
	mime_html_result_clear(&r);

	/* Writes while it reads: both sides must move at once. */
	opts_init(&o, "cat");
	text = mime_html_run(big, n, &o, &r);
	assert_int_equal(strlen(text), n);
	assert_memory_equal(text, big, n);
	assert_false(r.cut);
	free(text);
	mime_html_result_clear(&r);
	assert_true(now_ms() - start < 8000);
	free(big);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_builtin),
		cmocka_unit_test(test_command),
		cmocka_unit_test(test_w3m),
		cmocka_unit_test(test_missing),
		cmocka_unit_test(test_failed),
		cmocka_unit_test(test_mailcap),
		cmocka_unit_test(test_output_cap),
		cmocka_unit_test(test_hang),
		cmocka_unit_test(test_big_input),
	};

	return cmocka_run_group_tests_name("mime-html", tests, setup,
	    teardown);
}
