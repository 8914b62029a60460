/* test-net-guard: the byte-level bounds that keep hostile IMAP replies
 * away from libetpan: literal sizes, nesting, line length, EOF in a literal. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net-guard.h"

static enum net_guard_status
scan(struct net_guard *g, const char *s)
{
	return net_guard_scan(g, s, strlen(s));
}

/* Feed s one byte at a time, as a slow server would. */
static enum net_guard_status
scan_bytewise(struct net_guard *g, const char *s)
{
	enum net_guard_status	status = NET_GUARD_OK;

	for (; *s != '\0' && status == NET_GUARD_OK; s++)
		status = net_guard_scan(g, s, 1);
	return status;
}

static void
test_normal_traffic(void **state)
{
	struct net_guard	g;
	const char		*session =
	    "* OK [CAPABILITY IMAP4rev1 LITERAL+] ready\r\n"
	    "a1 OK logged in\r\n"
	    "* 1 FETCH (UID 5 FLAGS (\\Seen) BODY[HEADER.FIELDS (SUBJECT)] "
	    "{20}\r\nSubject: ((((((\r\n\r\n)\r\n"
	    "* 2 FETCH (ENVELOPE (\"Mon, 1 Jan 2024\" \"a \\\" ( quote\" NIL "
	    "NIL NIL NIL NIL NIL NIL NIL))\r\n"
	    "* OK text with { brace and {12x} and {5}\r\nhello\r\n"
	    "a2 OK done\r\n";

	net_guard_init(&g, NET_GUARD_IMAP);
	assert_int_equal(scan(&g, session), NET_GUARD_OK);
	assert_int_equal(g.depth, 0);
	assert_int_equal(net_guard_eof(&g), NET_GUARD_OK);
	net_guard_init(&g, NET_GUARD_IMAP);
	assert_int_equal(scan_bytewise(&g, session), NET_GUARD_OK);
	assert_int_equal(net_guard_eof(&g), NET_GUARD_OK);
}

static void
test_literal_bytes_are_not_parsed(void **state)
{
	struct net_guard	g;
	char			*buf;
	size_t			 n = 5000;

	/* A literal full of '(' must not count as nesting. */
	buf = malloc(n + 64);
	snprintf(buf, 64, "* 1 FETCH (BODY[] {%zu}\r\n", n);
	memset(buf + strlen(buf), '(', n);
	buf[strlen("* 1 FETCH (BODY[] {5000}\r\n") + n] = '\0';
	net_guard_init(&g, NET_GUARD_IMAP);
	assert_int_equal(scan(&g, buf), NET_GUARD_OK);
	assert_int_equal(scan(&g, ")\r\n"), NET_GUARD_OK);
	assert_int_equal(g.depth, 0);
	free(buf);
}

static void
test_huge_literal(void **state)
{
	struct net_guard	g;

	net_guard_init(&g, NET_GUARD_IMAP);
	assert_int_equal(scan(&g, "* 1 FETCH (BODY[] {4294967290}\r\n"),
	    NET_GUARD_REFUSED);
	assert_non_null(strstr(net_guard_reason(&g), "literal of more than"));
	/* Refused stays refused. */
	assert_int_equal(scan(&g, "a1 OK\r\n"), NET_GUARD_REFUSED);

	/* 2^64 + small would wrap a naive counter. */
	net_guard_init(&g, NET_GUARD_IMAP);
	assert_int_equal(scan_bytewise(&g, "* 1 FETCH (BODY[] "
	    "{18446744073709551617}\r\n"), NET_GUARD_REFUSED);

	/* Just under the limit is fine. */
	net_guard_init(&g, NET_GUARD_IMAP);
	assert_int_equal(scan(&g, "* 1 FETCH (BODY[] {1073741824}\r\n"),
	    NET_GUARD_OK);
}

static void
test_deep_nesting(void **state)
{
	struct net_guard	g;
	char			buf[20100];

	memcpy(buf, "* 1 FETCH (BODYSTRUCTURE ", 25);
	memset(buf + 25, '(', 20000);
	buf[20025] = '\0';
	net_guard_init(&g, NET_GUARD_IMAP);
	assert_int_equal(scan(&g, buf), NET_GUARD_REFUSED);
	assert_non_null(strstr(net_guard_reason(&g), "nested deeper"));

	/* Depth resets at the end of each response. */
	net_guard_init(&g, NET_GUARD_IMAP);
	for (int i = 0; i < 1000; i++)
		assert_int_equal(scan(&g, "* OK (((((((((( text\r\n"),
		    NET_GUARD_OK);
}

static void
test_eof_in_literal(void **state)
{
	struct net_guard	g;

	net_guard_init(&g, NET_GUARD_IMAP);
	assert_int_equal(scan(&g, "* 1 FETCH (BODY[] {100}\r\nonly twenty "
	    "bytes..."), NET_GUARD_OK);
	assert_int_equal(net_guard_eof(&g), NET_GUARD_REFUSED);
	assert_non_null(strstr(net_guard_reason(&g), "closed with 80 bytes"));
}

static void
test_long_line(void **state)
{
	struct net_guard	 g;
	size_t			 chunk = 1024 * 1024, i;
	char			*buf = malloc(chunk);

	memset(buf, 'x', chunk);
	net_guard_init(&g, NET_GUARD_IMAP);
	for (i = 0; i < 16; i++)
		assert_int_equal(net_guard_scan(&g, buf, chunk), NET_GUARD_OK);
	assert_int_equal(net_guard_scan(&g, buf, 1), NET_GUARD_REFUSED);
	assert_non_null(strstr(net_guard_reason(&g), "longer than"));
	free(buf);
}

static void
test_none_passes_everything(void **state)
{
	struct net_guard	g;

	net_guard_init(&g, NET_GUARD_NONE);
	assert_int_equal(scan(&g, "{4294967290}\r\n"), NET_GUARD_OK);
	assert_int_equal(net_guard_eof(&g), NET_GUARD_OK);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_normal_traffic),
		cmocka_unit_test(test_literal_bytes_are_not_parsed),
		cmocka_unit_test(test_huge_literal),
		cmocka_unit_test(test_deep_nesting),
		cmocka_unit_test(test_eof_in_literal),
		cmocka_unit_test(test_long_line),
		cmocka_unit_test(test_none_passes_everything),
	};

	return cmocka_run_group_tests_name("net-guard", tests, NULL, NULL);
}
