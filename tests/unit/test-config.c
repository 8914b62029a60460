/* test-config: the configuration parser: good files, every kind of bad
 * line (with file, line and a suggestion), defaults and warnings. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"

/* Parse text; return the errors (or NULL) and the config through *out. */
static char *
parse(const char *text, struct config **out)
{
	char	*errors = NULL;

	config_parse("test.conf", text, strlen(text), out, &errors);
	return errors;
}

/* Expect text to be refused with a message containing want. */
static void
assert_refused(const char *text, const char *want)
{
	struct config	*c = (struct config *)1;
	char		*errors = parse(text, &c);

	assert_null(c);
	assert_non_null(errors);
	if (strstr(errors, want) == NULL) {
		fprintf(stderr, "wanted '%s' in:\n%s", want, errors);
		fail();
	}
	free(errors);
}

static const char good[] =
	"# a comment\n"
	"; another\n"
	"sidebar_width = 30\n"
	"\n"
	"[account work]\n"
	"protocol = imap\n"
	"host = imap.example.org\n"
	"user = jane\n"
	"password_command = \"pass show  # mail\"\n"
	"tls_fingerprint = SHA256:AB:cd:" "0123456789abcdef0123456789abcdef"
	    "0123456789abcdef0123456789ab\n"
	"[account home]\n"
	"protocol = POP3\n"
	"host = pop.example.net\n"
	"tls = starttls\n"
	"user = j\n"
	"allow_plaintext_password = yes\n"
	"[bind index]\n"
	"x = quit\n";

static void
test_good(void **state)
{
	struct config			*c;
	const struct config_account	*a;
	const struct config_binding	*b;
	char				*errors = parse(good, &c);

	assert_null(errors);
	assert_non_null(c);
	assert_int_equal(config_sidebar_width(c), 30);
	assert_int_equal(config_account_count(c), 2);

	a = config_account(c, 0);
	assert_string_equal(a->name, "work");
	assert_int_equal(a->protocol, CONFIG_PROTOCOL_IMAP);
	assert_int_equal(a->tls, CONFIG_TLS_IMPLICIT);
	assert_int_equal(a->port, 993);
	assert_string_equal(a->password_command, "pass show  # mail");
	assert_string_equal(a->tls_fingerprint, "sha256:abcd0123456789abcdef"
	    "0123456789abcdef0123456789abcdef0123456789ab");
	assert_int_equal(a->line, 5);
	assert_int_equal(a->allow_plaintext_password, 0);

	a = config_account_find(c, "home");
	assert_non_null(a);
	assert_int_equal(a->protocol, CONFIG_PROTOCOL_POP3);
	assert_int_equal(a->tls, CONFIG_TLS_STARTTLS);
	assert_int_equal(a->port, 110);
	assert_int_equal(a->allow_plaintext_password, 1);
	assert_null(config_account_find(c, "nope"));
	assert_null(config_account(c, 2));

	assert_int_equal(config_binding_count(c), 1);
	b = config_binding(c, 0);
	assert_string_equal(b->view, "index");
	assert_string_equal(b->key, "x");
	assert_string_equal(b->action, "quit");
	assert_int_equal(b->line, 18);
	assert_null(config_warnings(c));
	config_free(c);
}

static void
test_default_ports(void **state)
{
	struct config	*c;
	char		*errors;

	errors = parse("[account a]\nprotocol=imap\nhost=h\nuser=u\n"
	    "tls=starttls\n[account b]\nprotocol=pop3\nhost=h\nuser=u\n"
	    "[account c]\nprotocol=imap\nhost=h\nuser=u\ntls=none\nport=1430\n",
	    &c);
	assert_null(errors);
	assert_int_equal(config_account(c, 0)->port, 143);
	assert_int_equal(config_account(c, 1)->port, 995);
	assert_int_equal(config_account(c, 2)->port, 1430);
	assert_int_equal(config_account(c, 2)->tls, CONFIG_TLS_NONE);
	config_free(c);
}

/* The sending options: defaults from the account's own, and as set. */
static void
test_send_options(void **state)
{
	const struct config_account	*a;
	struct config			*c;
	char				*errors;

	errors = parse("[account a]\nprotocol=imap\nhost=h\n"
	    "user=jane@example.org\npassword_command=pass a\n"
	    "[account b]\nprotocol=pop3\nhost=h\nuser=jane\n"
	    "from = Jane <jane@example.net>\nalternates = j@x.org k@y.org\n"
	    "smtp_host = smtp.example.net\nsmtp_tls = implicit\n"
	    "smtp_user = jane@example.net\nsmtp_password_command = pass s\n"
	    "save_sent = no\nsignature = ~/.signature\n"
	    "[account c]\nprotocol=imap\nhost=h\nuser=u\nsmtp_tls=none\n"
	    "sendmail_command = /usr/sbin/sendmail -oi\n"
	    "[account d]\nprotocol=imap\nhost=h\nuser=u\nsmtp_port=2525\n",
	    &c);
	assert_null(errors);
	a = config_account(c, 0);
	assert_string_equal(a->from, "jane@example.org");
	assert_null(a->alternates);
	assert_null(a->smtp_host);
	assert_int_equal(a->smtp_tls, CONFIG_TLS_STARTTLS);
	assert_int_equal(a->smtp_port, 587);
	assert_string_equal(a->smtp_user, "jane@example.org");
	assert_string_equal(a->smtp_password_command, "pass a");
	assert_null(a->sendmail_command);
	assert_int_equal(a->save_sent, 1);
	assert_null(a->signature);
	a = config_account(c, 1);
	assert_string_equal(a->from, "Jane <jane@example.net>");
	assert_string_equal(a->alternates, "j@x.org k@y.org");
	assert_string_equal(a->smtp_host, "smtp.example.net");
	assert_int_equal(a->smtp_tls, CONFIG_TLS_IMPLICIT);
	assert_int_equal(a->smtp_port, 465);
	assert_string_equal(a->smtp_user, "jane@example.net");
	assert_string_equal(a->smtp_password_command, "pass s");
	assert_int_equal(a->save_sent, 0);
	assert_string_equal(a->signature, "~/.signature");
	a = config_account(c, 2);
	assert_null(a->from);		/* "u" is not an address */
	assert_int_equal(a->smtp_port, 25);
	assert_null(a->smtp_password_command);
	assert_string_equal(a->sendmail_command, "/usr/sbin/sendmail -oi");
	assert_int_equal(config_account(c, 3)->smtp_port, 2525);
	config_free(c);

	assert_refused("[account a]\nprotocol=imap\nhost=h\nuser=u\n"
	    "smtp_tls = ssl\n", "test.conf:5: smtp_tls: 'ssl' is not one of "
	    "implicit, starttls or none");
	assert_refused("[account a]\nprotocol=imap\nhost=h\nuser=u\n"
	    "save_sent = maybe\n", "test.conf:5: save_sent: 'maybe' is not "
	    "yes or no");
	assert_refused("[account a]\nprotocol=imap\nhost=h\nuser=u\n"
	    "smtp_port = 0\n", "test.conf:5: smtp_port: '0' is not a port "
	    "number from 1 to 65535");
	assert_refused("smtp_host = x\n", "test.conf:1: smtp_host");
	(void)state;
}

static void
test_empty(void **state)
{
	struct config	*c;
	int		 reverse = -1;

	assert_null(parse("", &c));
	assert_int_equal(config_account_count(c), 0);
	assert_int_equal(config_sidebar_width(c), 28);
	assert_int_equal(config_check_interval(c), 60);
	assert_int_equal(config_sort(c, &reverse), CONFIG_SORT_DATE);
	assert_int_equal(reverse, 0);
	assert_int_equal(config_sort_threads_first(c), 0);
	config_free(c);
	assert_null(parse("sort = thread\n", &c));
	assert_int_equal(config_sort(c, &reverse), CONFIG_SORT_THREAD);
	assert_int_equal(reverse, 0);
	config_free(c);
	assert_null(parse("sort = reverse-thread\n", &c));
	assert_int_equal(config_sort(c, &reverse), CONFIG_SORT_THREAD);
	assert_int_equal(reverse, 1);
	config_free(c);
	assert_null(parse("sort = Reverse-Subject\nsort_threads = first\n",
	    &c));
	assert_int_equal(config_sort(c, &reverse), CONFIG_SORT_SUBJECT);
	assert_int_equal(reverse, 1);
	assert_int_equal(config_sort_threads_first(c), 1);
	config_free(c);
	assert_null(parse("\n\n   \n# only comments\n", &c));
	config_free(c);
	config_free(NULL);
}

static void
test_html(void **state)
{
	struct config	*c;

	assert_null(parse("", &c));
	assert_null(config_html_command(c));
	assert_int_equal(config_prefer_html(c), 0);
	config_free(c);
	assert_null(parse("html_command = lynx -dump -stdin -width %c\n"
	    "prefer_html = yes\n", &c));
	assert_string_equal(config_html_command(c),
	    "lynx -dump -stdin -width %c");
	assert_int_equal(config_prefer_html(c), 1);
	config_free(c);
	assert_refused("html_command =\n", "html_command needs a value");
	assert_refused("prefer_html = maybe\n", "not yes or no");
}

/* theme: a name safe in a file name; unset is NULL (the default). */
static void
test_theme(void **state)
{
	struct config	*c;

	(void)state;
	assert_null(parse("", &c));
	assert_null(config_theme(c));
	config_free(c);
	assert_null(parse("theme = solarized-dark_2.1\n", &c));
	assert_string_equal(config_theme(c), "solarized-dark_2.1");
	config_free(c);
	assert_refused("theme = ../../etc/passwd\n", "is not a theme name");
	assert_refused("theme = .hidden\n", "is not a theme name");
	assert_refused("theme =\n", "is not a theme name");
	assert_refused("theme = a\ntheme = b\n", "test.conf:2:");
	assert_refused("thme = mono\n", "did you mean 'theme'");
}

static void
test_unknown_key_suggests(void **state)
{
	assert_refused("[account a]\nprotocol=imap\nhots = x\n",
	    "test.conf:3: unknown option 'hots'; did you mean 'host'?");
	assert_refused("[account a]\npasword_comand = x\n",
	    "did you mean 'password_command'?");
	assert_refused("zzzzqqqq = 1\n",
	    "test.conf:1: unknown option 'zzzzqqqq' (see skua-config(5))");
}

static void
test_wrong_section_for_key(void **state)
{
	assert_refused("host = x\n",
	    "test.conf:1: host belongs in an [account NAME] section");
	assert_refused("[account a]\nsidebar_width = 20\n",
	    "test.conf:2: sidebar_width is a global option");
}

static void
test_bad_values(void **state)
{
	const char	*head = "[account a]\nhost=h\nuser=u\n";
	char		 buf[512];

	snprintf(buf, sizeof buf, "%sprotocol=smtp\n", head);
	assert_refused(buf, "test.conf:4: protocol: 'smtp' is not one of "
	    "imap or pop3");
	snprintf(buf, sizeof buf, "%sprotocol=imap\nport=70000\n", head);
	assert_refused(buf, "test.conf:5: port: '70000' is not a port number "
	    "from 1 to 65535");
	snprintf(buf, sizeof buf, "%sprotocol=imap\nport=99x\n", head);
	assert_refused(buf, "'99x' is not a port number");
	snprintf(buf, sizeof buf, "%sprotocol=imap\nport=\n", head);
	assert_refused(buf, "'' is not a port number");
	snprintf(buf, sizeof buf, "%sprotocol=imap\ntls=ssl\n", head);
	assert_refused(buf, "tls: 'ssl' is not one of implicit, starttls or "
	    "none");
	snprintf(buf, sizeof buf, "%sprotocol=imap\n"
	    "allow_plaintext_password=maybe\n", head);
	assert_refused(buf, "allow_plaintext_password: 'maybe' is not yes or "
	    "no");
	snprintf(buf, sizeof buf, "%sprotocol=imap\ntls_fingerprint=md5:ab\n",
	    head);
	assert_refused(buf, "tls_fingerprint: expected sha256:");
	snprintf(buf, sizeof buf, "%sprotocol=imap\ntls_fingerprint=sha256:"
	    "%064d1\n", head, 0);
	assert_refused(buf, "tls_fingerprint: expected sha256:");
	snprintf(buf, sizeof buf, "%sprotocol=imap\nuser=again\n", head);
	assert_refused(buf, "test.conf:5: user is set twice in this section");
	snprintf(buf, sizeof buf, "%sprotocol=imap\npassword_command=\n", head);
	assert_refused(buf, "password_command needs a value");
	assert_refused("sidebar_width = 5\n", "test.conf:1: sidebar_width: "
	    "'5' is not a width in columns from 10 to 60");
	assert_refused("check_interval = -1\n", "check_interval: '-1' is "
	    "not a number of seconds from 0 to 86400");
	assert_refused("sort = threads\n", "test.conf:1: sort: 'threads' is "
	    "not one of date, from, subject, size, thread, reverse-date, ");
	assert_refused("sort = reverse-\n", "or reverse-thread");
	assert_refused("sort_threads = last\n", "sort_threads: 'last' is "
	    "not one of latest or first");
}

static void
test_missing_fields(void **state)
{
	assert_refused("\n[account a]\nprotocol=imap\nuser=u\n",
	    "test.conf:2: account a: host is missing");
	assert_refused("[account a]\nprotocol=imap\nhost=h\n",
	    "test.conf:1: account a: user is missing");
	assert_refused("[account a]\nhost=h\nuser=u\n[account b]\n",
	    "test.conf:1: account a: protocol is missing (imap or pop3)");
	assert_refused("[account a]\nprotocol=imap\nhost=h\nuser=u\n"
	    "password=x\npassword_command=y\n",
	    "account a: set password or password_command, not both");
}

static void
test_sections(void **state)
{
	const char	*a = "protocol=imap\nhost=h\nuser=u\n";
	char		 buf[256];

	assert_refused("[acount x]\n", "test.conf:1: unknown section "
	    "[acount]; did you mean [account x]?");
	assert_refused("[bnd index]\n", "did you mean [bind index]?");
	assert_refused("[colors]\n", "unknown section [colors]; expected "
	    "[account NAME] or [bind VIEW]");
	assert_refused("[account]\n", "[account NAME] needs a name");
	assert_refused("[account ../../etc]\n", "[account NAME] needs a name");
	assert_refused("[account a b]\n", "[account NAME] needs a name");
	assert_refused("[account a\n", "test.conf:1: a section line looks "
	    "like");
	assert_refused("[account a] x\n", "a section line looks like");
	assert_refused("[bind]\n", "[bind VIEW] needs one view name");
	snprintf(buf, sizeof buf, "[account a]\n%s[account a]\n%s", a, a);
	assert_refused(buf, "test.conf:5: account a is already defined on "
	    "line 1");
}

static void
test_syntax(void **state)
{
	assert_refused("just words\n", "test.conf:1: expected KEY = VALUE");
	assert_refused(" = value\n", "a key is missing before '='");
	assert_refused("[account a]\nhost = \"open\n", "test.conf:2: missing "
	    "closing quote");
	assert_refused("[account a]\nhost = \"a\" b\n", "text after the "
	    "closing quote");
}

static void
test_nul_byte(void **state)
{
	static const char text[] = "sidebar_width = 20\nx\0y = 1\n";
	struct config	*c;
	char		*errors = NULL;

	assert_int_equal(config_parse("bin", text, sizeof text - 1, &c,
	    &errors), CONFIG_INVALID);
	assert_non_null(strstr(errors, "bin:2: a NUL byte"));
	free(errors);
}

static void
test_many_errors_capped(void **state)
{
	struct config	*c;
	char		*text, *errors;
	size_t		 i, lines = 0;

	text = calloc(1, 10000);
	for (i = 0; i < 500; i++)
		strcat(text, "bogus\n");
	errors = parse(text, &c);
	assert_null(c);
	assert_non_null(strstr(errors, "too many errors, stopping"));
	for (i = 0; errors[i] != '\0'; i++)
		lines += errors[i] == '\n';
	assert_int_equal(lines, 20);
	free(errors);
	free(text);
}

static void
test_quotes(void **state)
{
	struct config	*c;
	char		*errors;

	errors = parse("[account a]\nprotocol=imap\nhost=h\nuser=\"  a "
	    "\\\"b\\\\ \"\n", &c);
	assert_null(errors);
	assert_string_equal(config_account(c, 0)->user, "  a \"b\\ ");
	config_free(c);
}

static void
test_no_errors_pointer(void **state)
{
	struct config	*c;

	assert_int_equal(config_parse("x", "bad\n", 4, &c, NULL),
	    CONFIG_INVALID);
	assert_null(c);
}

/* Write text to a fresh file with mode; return its path (caller frees). */
static char *
write_file(const char *text, mode_t mode)
{
	char	*path = strdup("/tmp/skua-test-config-XXXXXX");
	int	 fd = mkstemp(path);

	assert_true(fd != -1);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	assert_int_equal(fchmod(fd, mode), 0);
	close(fd);
	return path;
}

static void
test_load_and_password_warning(void **state)
{
	const char	*text = "[account a]\nprotocol=imap\nhost=h\nuser=u\n"
	    "password=hunter2\n";
	struct config	*c;
	char		*path, *errors = NULL;

	path = write_file(text, 0644);
	assert_int_equal(config_load(path, &c, &errors), CONFIG_OK);
	assert_non_null(config_warnings(c));
	assert_non_null(strstr(config_warnings(c), "chmod 600"));
	assert_string_equal(config_file(c), path);
	config_free(c);
	unlink(path);
	free(path);

	path = write_file(text, 0600);
	assert_int_equal(config_load(path, &c, &errors), CONFIG_OK);
	assert_null(config_warnings(c));
	config_free(c);
	unlink(path);
	free(path);

	/* Readable by others but without a password: no warning. */
	path = write_file("[account a]\nprotocol=imap\nhost=h\nuser=u\n", 0644);
	assert_int_equal(config_load(path, &c, &errors), CONFIG_OK);
	assert_null(config_warnings(c));
	config_free(c);
	unlink(path);
	free(path);
}

static void
test_load_errors(void **state)
{
	struct config	*c;
	char		*errors = NULL, *path;

	assert_int_equal(config_load("/nonexistent/skua/config", &c, &errors),
	    CONFIG_NOT_FOUND);
	assert_null(c);
	assert_non_null(strstr(errors, "No such file"));
	free(errors);
	errors = NULL;
	assert_int_equal(config_load("/tmp", &c, &errors), CONFIG_IO_ERROR);
	assert_non_null(strstr(errors, "not a regular file"));
	free(errors);
	errors = NULL;

	path = write_file("[account a]\nprotocol=imap\nhots=h\n", 0600);
	assert_int_equal(config_load(path, &c, &errors), CONFIG_INVALID);
	assert_non_null(strstr(errors, ":3: unknown option 'hots'"));
	assert_non_null(strstr(errors, path));
	free(errors);
	unlink(path);
	free(path);
}

static void
test_example_parses(void **state)
{
	struct config	*c;
	char		*errors;

	errors = parse(config_example(), &c);
	if (errors != NULL)
		fprintf(stderr, "%s", errors);
	assert_null(errors);
	assert_true(config_account_count(c) >= 2);
	config_free(c);
}

static void
test_distance(void **state)
{
	assert_int_equal(config_distance("", ""), 0);
	assert_int_equal(config_distance("host", "host"), 0);
	assert_int_equal(config_distance("hots", "host"), 2);
	assert_int_equal(config_distance("HOST", "host"), 0);
	assert_int_equal(config_distance("", "abc"), 3);
	assert_int_equal(config_distance("kitten", "sitting"), 3);
}

static void
test_names(void **state)
{
	assert_string_equal(config_protocol_name(CONFIG_PROTOCOL_POP3), "pop3");
	assert_string_equal(config_tls_name(CONFIG_TLS_STARTTLS), "starttls");
	assert_string_equal(config_tls_name(CONFIG_TLS_NONE), "none");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good),
		cmocka_unit_test(test_default_ports),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_html),
		cmocka_unit_test(test_theme),
		cmocka_unit_test(test_unknown_key_suggests),
		cmocka_unit_test(test_wrong_section_for_key),
		cmocka_unit_test(test_bad_values),
		cmocka_unit_test(test_missing_fields),
		cmocka_unit_test(test_sections),
		cmocka_unit_test(test_syntax),
		cmocka_unit_test(test_nul_byte),
		cmocka_unit_test(test_many_errors_capped),
		cmocka_unit_test(test_quotes),
		cmocka_unit_test(test_no_errors_pointer),
		cmocka_unit_test(test_load_and_password_warning),
		cmocka_unit_test(test_load_errors),
		cmocka_unit_test(test_example_parses),
		cmocka_unit_test(test_send_options),
		cmocka_unit_test(test_distance),
		cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests_name("config", tests, NULL, NULL);
}
