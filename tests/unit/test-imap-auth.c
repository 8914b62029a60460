/* test-imap-auth: the SASL responses skua builds itself (PLAIN, OAUTHBEARER,
 * XOAUTH2) and the reading of a server's error report, hostile ones
 * included. The exchanges themselves run against servers in
 * tests/integration/test-imap-auth.sh and test-imap-oauth.sh. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "imap-auth.h"

static void
assert_response(enum imap_auth_mechanism mech, const char *user,
    const char *secret, const char *want)
{
	char	*got = imap_auth_response(mech, user, secret,
	    "imap.example.org", 993);

	if (want == NULL) {
		assert_null(got);
		return;
	}
	assert_non_null(got);
	assert_string_equal(got, want);
	free(got);
}

static void
test_names(void **state)
{
	assert_string_equal(imap_auth_name(IMAP_AUTH_PLAIN), "PLAIN");
	assert_string_equal(imap_auth_name(IMAP_AUTH_OAUTHBEARER),
	    "OAUTHBEARER");
	assert_string_equal(imap_auth_name(IMAP_AUTH_XOAUTH2), "XOAUTH2");
}

static void
test_plain(void **state)
{
	/* "\0jane\0hunter2" */
	assert_response(IMAP_AUTH_PLAIN, "jane", "hunter2",
	    "AGphbmUAaHVudGVyMg==");
	/* Any byte but NUL is fine in a PLAIN password. */
	assert_response(IMAP_AUTH_PLAIN, "j", "\x01\n",
	    "AGoAAQo=");
	assert_response(IMAP_AUTH_PLAIN, "", "hunter2", NULL);
	assert_response(IMAP_AUTH_PLAIN, NULL, "hunter2", NULL);
	assert_response(IMAP_AUTH_PLAIN, "jane", NULL, NULL);
}

static void
test_oauthbearer(void **state)
{
	/* "n,a=jane=2Cx=3Dy,^Ahost=imap.example.org^Aport=993^A
	 * auth=Bearer tok-123^A^A": ',' and '=' escaped in the name. */
	assert_response(IMAP_AUTH_OAUTHBEARER, "jane,x=y", "tok-123",
	    "bixhPWphbmU9MkN4PTNEeSwBaG9zdD1pbWFwLmV4YW1wbGUub3JnAXBvcnQ9OTkz"
	    "AWF1dGg9QmVhcmVyIHRvay0xMjMBAQ==");
	/* 0x01 and line ends would break the framing or the command. */
	assert_response(IMAP_AUTH_OAUTHBEARER, "jane", "tok\001auth=x", NULL);
	assert_response(IMAP_AUTH_OAUTHBEARER, "jane", "tok\r\n", NULL);
	assert_response(IMAP_AUTH_OAUTHBEARER, "ja\001ne", "tok", NULL);
	assert_response(IMAP_AUTH_OAUTHBEARER, "jane", "", NULL);
	assert_null(imap_auth_response(IMAP_AUTH_OAUTHBEARER, "jane", "tok",
	    NULL, 993));
}

static void
test_xoauth2(void **state)
{
	/* "user=jane^Aauth=Bearer tok-123^A^A" */
	assert_response(IMAP_AUTH_XOAUTH2, "jane", "tok-123",
	    "dXNlcj1qYW5lAWF1dGg9QmVhcmVyIHRvay0xMjMBAQ==");
	assert_response(IMAP_AUTH_XOAUTH2, "jane", "tok\001", NULL);
	assert_response(IMAP_AUTH_XOAUTH2, "jane", "", NULL);
}

static void
assert_describes(const char *challenge, const char *want)
{
	char	*got = imap_auth_describe(challenge);

	if (want == NULL) {
		assert_null(got);
		return;
	}
	assert_non_null(got);
	assert_string_equal(got, want);
	free(got);
}

static void
test_describe(void **state)
{
	/* RFC 7628's JSON error, base64: its status. */
	assert_describes("eyJzdGF0dXMiOiJpbnZhbGlkX3Rva2VuIiwic2NvcGUiOiJt"
	    "YWlsIn0=", "invalid_token");
	/* JSON without a status is shown as it is. */
	assert_describes("eyJzY2hlbWVzIjoiYmVhcmVyIn0=",
	    "{\"schemes\":\"bearer\"}");
	/* Not base64: the text itself. */
	assert_describes("Token expired", "Token expired");
	/* A terminal escape hidden in base64 is defused. */
	assert_describes("YmFkG1szMW10b2tlbg==", "bad?[31mtoken");
	/* Odd statuses: too long, not a string, escaped. */
	assert_describes("{\"status\": 401}", "{\"status\": 401}");
	assert_describes("{\"status\":\"a\\\"b\"}", "{\"status\":\"a\\\"b\"}");
	assert_describes("{\"status\" : \"expired\"}", "expired");
	assert_describes("", NULL);
	assert_describes(NULL, NULL);
}

static void
test_describe_long(void **state)
{
	char	 buf[1024];
	char	*got;

	memset(buf, 'x', sizeof buf - 1);
	buf[sizeof buf - 1] = '\0';
	got = imap_auth_describe(buf);
	assert_non_null(got);
	assert_true(strlen(got) <= 200);
	free(got);
	/* Only '=' padding at the very end is base64. */
	assert_describes("ab=c", "ab=c");
	assert_describes("====", "====");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_plain),
		cmocka_unit_test(test_oauthbearer),
		cmocka_unit_test(test_xoauth2),
		cmocka_unit_test(test_describe),
		cmocka_unit_test(test_describe_long),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
