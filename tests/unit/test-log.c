/* test-log: the log file and the protocol trace's redaction of passwords,
 * SASL exchanges and tokens, and of control bytes from servers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"

static void
assert_redacts(struct log_trace *t, const char *line, const char *want)
{
	char	*got = log_redact(t, line, strlen(line));

	assert_string_equal(got, want);
	free(got);
}

static void
test_imap_login(void **state)
{
	struct log_trace	t = { 0 };

	assert_redacts(&t, "a1 LOGIN jane \"hunter2\"\r\n", "a1 LOGIN jane ***");
	assert_redacts(&t, "a1 login jane secret", "a1 login jane ***");
	assert_redacts(&t, "a2 SELECT INBOX\r\n", "a2 SELECT INBOX");
	assert_redacts(&t, "a3 LOGIN", "a3 LOGIN");
	assert_redacts(&t, "", "");
}

static void
test_imap_authenticate(void **state)
{
	struct log_trace	t = { 0 };

	/* SASL-IR: the initial response is on the command line, and the
	 * exchange runs on until the tagged reply. */
	assert_redacts(&t, "a1 AUTHENTICATE PLAIN AGphbmUAaHVudGVyMg==",
	    "a1 AUTHENTICATE PLAIN ***");
	assert_int_equal(t.in_sasl, 1);
	log_trace(&t, "imap", 0, "a1 OK done\r\n", 12);
	assert_int_equal(t.in_sasl, 0);
	/* An OAUTHBEARER error report and its acknowledgement. */
	assert_redacts(&t, "a5 AUTHENTICATE OAUTHBEARER bixhPWphbmUsAWF1dGg9",
	    "a5 AUTHENTICATE OAUTHBEARER ***");
	log_trace(&t, "imap", 0, "+ eyJzdGF0dXMiOiJpbnZhbGlkIn0=\r\n", 32);
	assert_int_equal(t.in_sasl, 1);
	assert_redacts(&t, "AQ==", "***");
	log_trace(&t, "imap", 0, "a5 NO failed\r\n", 14);
	assert_int_equal(t.in_sasl, 0);
	/* A bare "+" and untagged data do not end it; the response after
	 * them is still hidden. */
	assert_redacts(&t, "a6 AUTHENTICATE PLAIN", "a6 AUTHENTICATE PLAIN");
	log_trace(&t, "imap", 0, "* OK still here\r\n", 17);
	log_trace(&t, "imap", 0, "+\r\n", 3);
	assert_int_equal(t.in_sasl, 1);
	assert_redacts(&t, "AGphbmUAaHVudGVyMg==", "***");
	log_trace(&t, "imap", 0, "* CAPABILITY IMAP4rev1\r\n", 24);
	assert_int_equal(t.in_sasl, 1);
	log_trace(&t, "imap", 0, "a6 OK in\r\n", 10);
	assert_int_equal(t.in_sasl, 0);
	/* Without it, the next client lines are the secret. */
	assert_redacts(&t, "a2 AUTHENTICATE XOAUTH2", "a2 AUTHENTICATE XOAUTH2");
	assert_int_equal(t.in_sasl, 1);
	log_trace(&t, "imap", 0, "+ ", 2);
	assert_int_equal(t.in_sasl, 1);
	assert_redacts(&t, "dXNlcj1qYW5lAWF1dGg9QmVhcmVyIHRva2Vu", "***");
	log_trace(&t, "imap", 0, "a2 OK done\r\n", 12);
	assert_int_equal(t.in_sasl, 0);
	assert_redacts(&t, "a3 NOOP", "a3 NOOP");
	/* A client abort ends the exchange too. */
	assert_redacts(&t, "a4 AUTHENTICATE LOGIN", "a4 AUTHENTICATE LOGIN");
	assert_redacts(&t, "*", "***");
	assert_int_equal(t.in_sasl, 0);
}

static void
test_pop3_smtp(void **state)
{
	struct log_trace	t = { 0 };

	assert_redacts(&t, "USER jane", "USER jane");
	assert_redacts(&t, "PASS hunter2\r\n", "PASS ***");
	assert_redacts(&t, "APOP jane 0123456789abcdef", "APOP jane ***");
	assert_redacts(&t, "AUTH PLAIN AGphbmUAaHVudGVyMg==", "AUTH PLAIN ***");
	assert_int_equal(t.in_sasl, 1);
	log_trace(&t, "smtp", 0, "535 5.7.8 no", 12);
	assert_int_equal(t.in_sasl, 0);
	assert_redacts(&t, "AUTH LOGIN", "AUTH LOGIN");
	log_trace(&t, "smtp", 0, "334 VXNlcm5hbWU6", 16);
	assert_redacts(&t, "amFuZQ==", "***");
	log_trace(&t, "smtp", 0, "334 UGFzc3dvcmQ6", 16);
	assert_redacts(&t, "aHVudGVyMg==", "***");
	log_trace(&t, "smtp", 0, "235 2.7.0 ok", 12);
	assert_redacts(&t, "MAIL FROM:<jane@example.org>",
	    "MAIL FROM:<jane@example.org>");
}

static void
test_file(void **state)
{
	struct log_trace	 t = { 0 };
	char			 dir[] = "/tmp/skua-test-log-XXXXXX", path[64],
				 buf[4096];
	char			*error = NULL;
	struct stat		 sb;
	FILE			*f;
	size_t			 n;

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/skua.log", dir);

	assert_int_equal(log_open("/nonexistent/dir/skua.log", LOG_LEVEL_DEBUG,
	    &error), LOG_ERROR_OPEN);
	assert_non_null(strstr(error, "/nonexistent/dir/skua.log"));
	free(error);

	assert_int_equal(log_open(path, LOG_LEVEL_INFO, NULL), LOG_OK);
	log_debug("hidden at info level");
	log_trace(&t, "imap", 1, "a1 LOGIN jane hunter2", 21);
	log_info("visible %d", 42);
	log_close();

	assert_int_equal(log_open(path, LOG_LEVEL_DEBUG, NULL), LOG_OK);
	assert_int_equal(log_get_level(), LOG_LEVEL_DEBUG);
	log_trace(&t, "imap", 1, "a1 LOGIN jane hunter2\r\n", 23);
	log_trace(&t, "imap", 0, "* OK \x1b[31mred\x07", 15);
	log_close();

	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	f = fopen(path, "r");
	n = fread(buf, 1, sizeof buf - 1, f);
	buf[n] = '\0';
	fclose(f);
	assert_null(strstr(buf, "hidden"));
	assert_non_null(strstr(buf, "info: visible 42"));
	assert_null(strstr(buf, "hunter2"));
	assert_non_null(strstr(buf, "imap > a1 LOGIN jane ***"));
	assert_null(strchr(buf, '\x1b'));
	assert_non_null(strstr(buf, "imap < * OK ?[31mred?"));
	unlink(path);
	rmdir(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_imap_login),
		cmocka_unit_test(test_imap_authenticate),
		cmocka_unit_test(test_pop3_smtp),
		cmocka_unit_test(test_file),
	};

	return cmocka_run_group_tests_name("log", tests, NULL, NULL);
}
