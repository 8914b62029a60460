/* test-mailcap: mailcap files as the test writes them (continuations,
 * escapes, wildcards, test=, copiousoutput), and commands built from
 * hostile values, run through /bin/sh to see what a command really gets. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "command.h"
#include "mailcap.h"
#include "xmalloc.h"

static char	*dir;

static int
setup(void **state)
{
	char	*error = NULL;

	(void)state;
	if ((dir = command_tmpdir_new(&error)) == NULL) {
		fprintf(stderr, "%s\n", error);
		return -1;
	}
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	command_tmpdir_remove(dir);
	free(dir);
	return 0;
}

/* Write text to name in the test's directory; the caller frees the path. */
static char *
fixture(const char *name, const char *text, size_t len)
{
	char	*path = xasprintf("%s/%s", dir, name);
	FILE	*f = fopen(path, "w");

	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, len, f), len);
	fclose(f);
	return path;
}

static struct mailcap *
load(const char *text)
{
	char		*path = fixture("mailcap", text, strlen(text));
	struct mailcap	*mc = mailcap_load(path);

	free(path);
	return mc;
}

static const char *
find_view(struct mailcap *mc, enum mailcap_use use, const char *type)
{
	struct mailcap_subst		 s;
	const struct mailcap_entry	*e;

	memset(&s, 0, sizeof s);
	s.type = type;
	e = mailcap_find(mc, use, &s);
	return e != NULL ? mailcap_entry_view(e) : NULL;
}

/* What sh -c command prints. */
static char *
run(const char *command)
{
	struct command_result	 r;
	char			*error = NULL, *out;

	assert_int_equal(command_run(command, NULL, 0, 65536, 5000, &r,
	    &error), COMMAND_OK);
	assert_int_equal(r.exit_status, 0);
	out = xstrdup(r.out);
	command_result_clear(&r);
	return out;
}

/* text with each '@' as the test's directory; the caller frees. */
static char *
in_dir(const char *text)
{
	const char	*at;
	char		*out = xstrdup(""), *next;

	while ((at = strchr(text, '@')) != NULL) {
		next = xasprintf("%s%.*s%s", out, (int)(at - text), text, dir);
		free(out);
		out = next;
		text = at + 1;
	}
	next = xasprintf("%s%s", out, text);
	free(out);
	return next;
}

static int
exists(const char *name)
{
	char	*path = xasprintf("%s/%s", dir, name);
	int	 yes = access(path, F_OK) == 0;

	free(path);
	return yes;
}

static void
test_parse(void **state)
{
	struct mailcap	*mc;

	(void)state;
	mc = load(
	    "# a comment; with: semicolons\n"
	    "\n"
	    "   # an indented comment\n"
	    "Text/HTML; lynx -dump %s; \\\n"
	    "   copiousoutput\n"
	    "application/pdf; \\\n"
	    "  zathura %s\r\n"
	    "garbage without a semicolon\n"
	    "; no type\n"
	    "/x; no major type\n"
	    "image/; no subtype\n"
	    "bad type/x; spaces in a type\n"
	    "text/plain;\n"
	    "text/plain;    \n"
	    "audio/*; play %s; needsterminal; description=\"Audio; sound\"\n"
	    "video/mp4; mpv %s; test=true \\\n");
	/* The last line's continuation runs into the end of the file. */
	assert_int_equal(mailcap_count(mc), 4);
	assert_string_equal(find_view(mc, MAILCAP_TEXT, "text/html"),
	    "lynx -dump %s");
	assert_string_equal(find_view(mc, MAILCAP_VIEW, "application/pdf"),
	    "zathura %s");
	assert_string_equal(find_view(mc, MAILCAP_VIEW, "audio/ogg"),
	    "play %s");
	assert_string_equal(find_view(mc, MAILCAP_VIEW, "video/mp4"),
	    "mpv %s");
	assert_null(find_view(mc, MAILCAP_VIEW, "text/plain"));
	mailcap_free(mc);
	mailcap_free(NULL);
}

static void
test_flags_and_where(void **state)
{
	struct mailcap			*mc;
	struct mailcap_subst		 s;
	const struct mailcap_entry	*e;

	(void)state;
	mc = load("text/x-a; a %s; NeedsTerminal ; COPIOUSOUTPUT\n"
	    "text/x-b; b\n");
	memset(&s, 0, sizeof s);
	s.type = "text/x-a; charset=utf-8";
	assert_non_null(e = mailcap_find(mc, MAILCAP_VIEW, &s));
	assert_int_equal(mailcap_entry_flags(e), MAILCAP_NEEDSTERMINAL |
	    MAILCAP_COPIOUSOUTPUT);
	assert_string_equal(mailcap_entry_type(e), "text/x-a");
	assert_non_null(strstr(mailcap_entry_where(e), "mailcap:1"));
	s.type = "TEXT/X-B";
	assert_non_null(e = mailcap_find(mc, MAILCAP_VIEW, &s));
	assert_int_equal(mailcap_entry_flags(e), 0);
	assert_non_null(strstr(mailcap_entry_where(e), "mailcap:2"));
	mailcap_free(mc);
}

static void
test_escapes(void **state)
{
	struct mailcap			*mc;
	struct mailcap_subst		 s;
	const struct mailcap_entry	*e;
	char				*command, *out;
	int				 on_stdin;

	(void)state;
	/* \; does not end the field, and the command gets a plain ';'. */
	mc = load("text/plain; printf '%%s|' 'a\\;b' \\%s 100%%; "
	    "nametemplate=x\\;%s.txt\n");
	memset(&s, 0, sizeof s);
	s.type = "text/plain";
	assert_non_null(e = mailcap_find(mc, MAILCAP_VIEW, &s));
	assert_string_equal(mailcap_entry_view(e),
	    "printf '%%s|' 'a\\;b' \\%s 100%%");
	command = mailcap_command(e, &s, &on_stdin);
	assert_string_equal(command, "printf '%s|' 'a;b' %s 100%");
	/* \%s is text, not the file: the file goes on stdin. */
	assert_true(on_stdin);
	out = run(command);
	assert_string_equal(out, "a;b|%s|100%|");
	free(out);
	free(command);
	/* nametemplate's own escapes, and the ';' made plain. */
	command = mailcap_file_name(e, "notes");
	assert_string_equal(command, "x_notes.txt");
	free(command);
	mailcap_free(mc);
}

static void
test_wildcards(void **state)
{
	struct mailcap	*mc;

	(void)state;
	mc = load("image/png; png-viewer %s\n"
	    "image/*; any-image %s\n"
	    "text; any-text %s\n"
	    "application/x-*; not-a-wildcard %s\n");
	assert_string_equal(find_view(mc, MAILCAP_VIEW, "image/png"),
	    "png-viewer %s");
	assert_string_equal(find_view(mc, MAILCAP_VIEW, "IMAGE/PNG"),
	    "png-viewer %s");
	assert_string_equal(find_view(mc, MAILCAP_VIEW, "image/jpeg"),
	    "any-image %s");
	assert_string_equal(find_view(mc, MAILCAP_VIEW, "text/x-diff"),
	    "any-text %s");
	assert_string_equal(find_view(mc, MAILCAP_VIEW, "text"),
	    "any-text %s");
	assert_null(find_view(mc, MAILCAP_VIEW, "application/x-tar"));
	assert_null(find_view(mc, MAILCAP_VIEW, "audio/mpeg"));
	assert_null(find_view(mc, MAILCAP_VIEW, "imagex/png"));
	assert_null(find_view(mc, MAILCAP_VIEW, ""));
	assert_null(find_view(mc, MAILCAP_VIEW, NULL));
	mailcap_free(mc);
}

static void
test_test_field(void **state)
{
	struct mailcap	*mc;
	char		*text;
	time_t		 start;

	(void)state;
	text = xasprintf(
	    "text/html; first %%s; test=false\n"
	    "text/html; second %%s; test=exit 3\n"
	    "text/html; third %%s; test=sleep 20\n"
	    "text/html; fourth %%s; test=test %%t = text/html && "
	    "touch %s/tested\n"
	    "text/html; fifth %%s\n"
	    "image/png; needs-file %%s; test=test -f %%s\n"
	    "image/png; no-test %%s\n", dir);
	mc = load(text);
	free(text);
	/* A test that hangs is given up within its bound. */
	start = time(NULL);
	assert_string_equal(find_view(mc, MAILCAP_VIEW, "text/html"),
	    "fourth %s");
	assert_true(time(NULL) - start < 10);
	assert_true(exists("tested"));
	/* A test that needs %s fails while there is no file. */
	assert_string_equal(find_view(mc, MAILCAP_VIEW, "image/png"),
	    "no-test %s");
	mailcap_free(mc);
}

static void
test_copiousoutput(void **state)
{
	struct mailcap	*mc;

	(void)state;
	mc = load("text/html; w3m -dump %s; copiousoutput\n"
	    "text/html; firefox %s\n"
	    "application/pdf; pdftotext %s -; copiousoutput\n");
	/* To view: an entry without copiousoutput first, even if later. */
	assert_string_equal(find_view(mc, MAILCAP_VIEW, "text/html"),
	    "firefox %s");
	assert_string_equal(find_view(mc, MAILCAP_TEXT, "text/html"),
	    "w3m -dump %s");
	/* Only copiousoutput there: the view takes it. */
	assert_string_equal(find_view(mc, MAILCAP_VIEW, "application/pdf"),
	    "pdftotext %s -");
	mailcap_free(mc);
	mc = load("text/html; firefox %s\n");
	assert_null(find_view(mc, MAILCAP_TEXT, "text/html"));
	mailcap_free(mc);
}

/* A value as the shell gets it in a safe spot: exactly itself. */
static void
test_hostile_values(void **state)
{
	static const char	*values[] = {
		"a'; rm -rf ~; '",
		"$(touch @/pwned1)",
		"`touch @/pwned2`",
		"; touch @/pwned3 #",
		"\"$(touch @/pwned4)\"",
		"'\\''$(touch @/pwned5)'",
		"${IFS}x",
		"*",
		"",
	};
	struct mailcap_param	 params[2];
	struct mailcap_subst	 s;
	char			*value, *command, *out, *want;
	size_t			 i;

	(void)state;
	for (i = 0; i < sizeof values / sizeof values[0]; i++) {
		value = in_dir(values[i]);
		params[0].name = "charset";
		params[0].value = value;
		params[1].name = "name";
		params[1].value = "x";
		memset(&s, 0, sizeof s);
		s.type = value;
		s.file = "/tmp/skua-x/file.pdf";
		s.params = params;
		s.nparams = 2;
		/* %t stops at ';': type values are checked below. */
		command = mailcap_expand("printf '%%s|' %{charset} %s "
		    "%{NAME} %{missing}", &s, NULL);
		out = run(command);
		want = xasprintf("%s|/tmp/skua-x/file.pdf|x||", value);
		assert_string_equal(out, want);
		free(want);
		free(out);
		free(command);
		free(value);
	}
	assert_false(exists("pwned1"));
	assert_false(exists("pwned2"));
	assert_false(exists("pwned3"));
	assert_false(exists("pwned4"));
	assert_false(exists("pwned5"));
}

/* Where the template quotes or nests, values lose what could escape. */
static void
test_hostile_contexts(void **state)
{
	static const char	*templates[] = {
		"printf '%%s|' \"%{x}\"",
		"printf '%%s|' '%{x}'",
		"printf '%%s|' `printf '%%s' %{x}`",
		"printf '%%s|' $(printf '%%s' %{x})",
		"printf '%%s|' \"$(printf '%%s' %{x})\"",
		"printf '%%s|' ${HOME:+%{x}}",
		"printf '%%s|' $%{x}",
		"printf '%%s|' \\\\%{x}",
		"cat <<EOF\n%{x}\nEOF",
		"sh -c 'printf \"%%s|\" %{x}'",
		"printf '%%s|' x # %{x}",
	};
	struct mailcap_param	 param;
	struct mailcap_subst	 s;
	char			*value, *command, *out;
	size_t			 i;

	(void)state;
	value = xasprintf("a'\"$(touch %s/bad)`touch %s/bad`\ntouch %s/bad;"
	    "\\", dir, dir, dir);
	param.name = "x";
	param.value = value;
	memset(&s, 0, sizeof s);
	s.type = "text/plain";
	s.params = &param;
	s.nparams = 1;
	for (i = 0; i < sizeof templates / sizeof templates[0]; i++) {
		command = mailcap_expand(templates[i], &s, NULL);
		out = run(command);
		assert_null(strchr(out, '$'));
		assert_null(strchr(out, '`'));
		assert_null(strchr(out, '\''));
		assert_false(exists("bad"));
		free(out);
		free(command);
	}
	free(value);
}

static void
test_type_and_controls(void **state)
{
	struct mailcap_subst	 s;
	struct mailcap_param	 param = { "x", "line\none\ttab\x7f" };
	char			*command, *out;

	(void)state;
	memset(&s, 0, sizeof s);
	s.type = " Text/HTML ; charset=\"a'b\"";
	s.params = &param;
	s.nparams = 1;
	command = mailcap_expand("printf '%%s|' %t %{x}", &s, NULL);
	out = run(command);
	assert_string_equal(out, "text/html|line_one_tab_|");
	free(out);
	free(command);
	s.type = "x/a'b;c";
	command = mailcap_expand("printf '%%s|' %t", &s, NULL);
	out = run(command);
	assert_string_equal(out, "x/a'b|");
	free(out);
	free(command);
}

static void
test_percent(void **state)
{
	struct mailcap_subst	 s;
	char			*out;
	int			 used;

	(void)state;
	memset(&s, 0, sizeof s);
	s.type = "text/plain";
	out = mailcap_expand("a %% b %n %F %{} %{open %", &s, &used);
	assert_string_equal(out, "a % b %n %F %{} %{open %");
	assert_false(used);
	free(out);
	/* No file yet: %s is empty, and said to be used. */
	out = mailcap_expand("view %s", &s, &used);
	assert_string_equal(out, "view ''");
	assert_true(used);
	free(out);
	out = mailcap_expand("trailing \\", &s, NULL);
	assert_string_equal(out, "trailing \\");
	free(out);
}

static void
test_stdin(void **state)
{
	struct mailcap			*mc;
	struct mailcap_subst		 s;
	const struct mailcap_entry	*e;
	char				*command;
	int				 on_stdin;

	(void)state;
	mc = load("text/plain; cat; copiousoutput\n"
	    "text/html; w3m -T text/html %s\n");
	memset(&s, 0, sizeof s);
	s.file = "/tmp/skua-a/b.txt";
	s.type = "text/plain";
	e = mailcap_find(mc, MAILCAP_TEXT, &s);
	command = mailcap_command(e, &s, &on_stdin);
	assert_string_equal(command, "cat");
	assert_true(on_stdin);
	free(command);
	s.type = "text/html";
	e = mailcap_find(mc, MAILCAP_VIEW, &s);
	command = mailcap_command(e, &s, &on_stdin);
	assert_string_equal(command, "w3m -T text/html '/tmp/skua-a/b.txt'");
	assert_false(on_stdin);
	free(command);
	mailcap_free(mc);
}

static int
is_plain_name(const char *s)
{
	for (; *s != '\0'; s++) {
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		    (*s >= '0' && *s <= '9') || strchr("._+-", *s) != NULL))
			return 0;
	}
	return 1;
}

static void
check_name(const struct mailcap_entry *e, const char *in, const char *want)
{
	char	*got = mailcap_file_name(e, in);

	assert_true(is_plain_name(got));
	if (want != NULL)
		assert_string_equal(got, want);
	free(got);
}

static void
test_file_name(void **state)
{
	struct mailcap			*mc;
	struct mailcap_subst		 s;
	const struct mailcap_entry	*html, *any;
	char				 long_name[600], *got;

	(void)state;
	mc = load("text/html; w3m %s; nametemplate=%s.html\n"
	    "text/*; less %s; nametemplate=../../%s\n");
	memset(&s, 0, sizeof s);
	s.type = "text/html";
	html = mailcap_find(mc, MAILCAP_VIEW, &s);
	s.type = "text/plain";
	any = mailcap_find(mc, MAILCAP_VIEW, &s);
	assert_non_null(html);
	assert_non_null(any);

	check_name(NULL, "report.pdf", "report.pdf");
	check_name(NULL, NULL, "attachment");
	check_name(NULL, "../../x;rm -rf ~.pdf", "x_rm_-rf__.pdf");
	check_name(NULL, "$(touch x)\x01\n.sh", NULL);
	check_name(NULL, "Rechnung März.pdf", "Rechnung_M_rz.pdf");
	check_name(NULL, "..", "attachment");
	check_name(NULL, "-rf", "-rf");
	check_name(html, "page", "page.html");
	check_name(html, "page.HTML", "page.HTML");
	check_name(html, NULL, "attachment.html");
	/* A template cannot put the file elsewhere. */
	check_name(any, "a.txt", ".._.._a.txt");

	memset(long_name, 'a', sizeof long_name);
	memcpy(long_name + sizeof long_name - 5, ".pdf", 5);
	got = mailcap_file_name(html, long_name);
	assert_true(strlen(got) <= 200);
	assert_true(strlen(got) > 100);
	assert_true(is_plain_name(got));
	free(got);
	mailcap_free(mc);
}

static void
test_search_path(void **state)
{
	struct mailcap	*mc;
	char		*path, *a, *b, *list, *home, *old_home;

	(void)state;
	a = fixture("one", "text/plain; from-one %s\n", 24);
	b = fixture("two", "text/plain; from-two %s\nimage/png; png %s\n",
	    42);
	/* In order, missing files skipped; the first entry wins. */
	list = xasprintf("%s/missing::%s:%s", dir, a, b);
	mc = mailcap_load(list);
	assert_int_equal(mailcap_count(mc), 3);
	assert_string_equal(find_view(mc, MAILCAP_VIEW, "text/plain"),
	    "from-one %s");
	assert_string_equal(find_view(mc, MAILCAP_VIEW, "image/png"),
	    "png %s");
	mailcap_free(mc);
	free(list);

	/* ~/ is $HOME. */
	old_home = getenv("HOME") != NULL ? xstrdup(getenv("HOME")) : NULL;
	setenv("HOME", dir, 1);
	mc = mailcap_load("~/two");
	assert_int_equal(mailcap_count(mc), 2);
	mailcap_free(mc);

	setenv("MAILCAPS", "/a:/b", 1);
	path = mailcap_path();
	assert_string_equal(path, "/a:/b");
	free(path);
	unsetenv("MAILCAPS");
	path = mailcap_path();
	home = xasprintf(":~/.mailcap:/etc/mailcap:");
	assert_non_null(strstr(path, home));
	assert_non_null(strstr(path, "skua/mailcap:"));
	free(home);
	free(path);
	if (old_home != NULL)
		setenv("HOME", old_home, 1);
	free(old_home);
	free(a);
	free(b);
}

static void
test_garbage(void **state)
{
	struct mailcap	*mc;
	char		*big, *path;
	size_t		 i, n = 20000;

	(void)state;
	/* A logical line past the bound is skipped whole, continuations
	 * and all; the next line still counts. */
	big = xmalloc(n + 200);
	memcpy(big, "text/plain; ", 12);
	memset(big + 12, 'x', n);
	memcpy(big + 12 + n, "\\\nmore; x\n", 10);
	memcpy(big + 22 + n, "image/gif; gif %s\n", 19);
	mc = mailcap_new();
	mailcap_parse(mc, "big", big, strlen(big));
	assert_int_equal(mailcap_count(mc), 1);
	assert_string_equal(find_view(mc, MAILCAP_VIEW, "image/gif"),
	    "gif %s");
	mailcap_free(mc);

	/* NUL bytes and high bytes. */
	mc = mailcap_new();
	mailcap_parse(mc, "nul", "text/plain; a\0b\nimage/x; \xff\xfe\n", 28);
	assert_int_equal(mailcap_count(mc), 1);
	mailcap_free(mc);

	/* Bytes of every value, lines of semicolons and backslashes. */
	for (i = 0; i < n; i++)
		big[i] = (char)((i * 7919) % 256);
	mc = mailcap_new();
	mailcap_parse(mc, "noise", big, n);
	mailcap_parse(mc, "empty", "", 0);
	mailcap_parse(mc, "semi", ";;;;;;\n\\\\\\\n\\", 12);
	mailcap_free(mc);

	/* A file over the size bound is not read. */
	free(big);
	big = xmalloc(2 * 1024 * 1024);
	for (i = 0; i + 20 < 2 * 1024 * 1024; i += 20)
		memcpy(big + i, "text/a; big %s    \n", 20);
	path = fixture("huge", big, i);
	mc = mailcap_load(path);
	assert_int_equal(mailcap_count(mc), 0);
	mailcap_free(mc);
	free(path);
	free(big);
	/* A directory is not a file. */
	mc = mailcap_load(dir);
	assert_int_equal(mailcap_count(mc), 0);
	mailcap_free(mc);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_flags_and_where),
		cmocka_unit_test(test_escapes),
		cmocka_unit_test(test_wildcards),
		cmocka_unit_test(test_test_field),
		cmocka_unit_test(test_copiousoutput),
		cmocka_unit_test(test_hostile_values),
		cmocka_unit_test(test_hostile_contexts),
		cmocka_unit_test(test_type_and_controls),
		cmocka_unit_test(test_percent),
		cmocka_unit_test(test_stdin),
		cmocka_unit_test(test_file_name),
		cmocka_unit_test(test_search_path),
		cmocka_unit_test(test_garbage),
	};

	return cmocka_run_group_tests_name("mailcap", tests, setup, teardown);
}
