/* test-pop3-guard: the POP3 replies refused before libetpan sees them
 * (message number 0, negative, not a number, past STAT's count, gaps, bad
 * unique ids, long lines, unasked data, EOF mid-reply), and a normal
 * session fed whole and byte by byte. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pop3-guard.h"

static void
client(struct pop3_guard *g, const char *s)
{
	pop3_guard_client(g, s, strlen(s));
}

static enum pop3_guard_status
server(struct pop3_guard *g, const char *s)
{
	return pop3_guard_server(g, s, strlen(s));
}

/* Feed s one byte at a time, as a slow server would. */
static enum pop3_guard_status
server_bytewise(struct pop3_guard *g, const char *s)
{
	enum pop3_guard_status	status = POP3_GUARD_OK;

	for (; *s != '\0' && status == POP3_GUARD_OK; s++)
		status = pop3_guard_server(g, s, 1);
	return status;
}

/* A guard after the greeting, login and "STAT" with count messages. */
static void
logged_in(struct pop3_guard *g, int count)
{
	char	line[64];

	pop3_guard_init(g);
	assert_int_equal(server(g, "+OK ready <1.2@host>\r\n"), POP3_GUARD_OK);
	client(g, "USER u\r\n");
	assert_int_equal(server(g, "+OK\r\n"), POP3_GUARD_OK);
	client(g, "PASS secret\r\n");
	assert_int_equal(server(g, "+OK logged in\r\n"), POP3_GUARD_OK);
	client(g, "STAT\r\n");
	snprintf(line, sizeof line, "+OK %d %d\r\n", count, count * 100);
	assert_int_equal(server(g, line), POP3_GUARD_OK);
}

static void
session(int bytewise)
{
	enum pop3_guard_status	(*feed)(struct pop3_guard *, const char *) =
				    bytewise ? server_bytewise : server;
	struct pop3_guard	g;
	int			known;

	pop3_guard_init(&g);
	assert_int_equal(feed(&g, "+OK POP3 ready\r\n"), POP3_GUARD_OK);
	client(&g, "CAPA\r\n");
	assert_int_equal(feed(&g, "+OK\r\nUIDL\r\nSASL PLAIN\r\nSTLS\r\n.\r\n"),
	    POP3_GUARD_OK);
	client(&g, "AUTH PLAIN AGFsaWNlAHNlY3JldA==\r\n");
	assert_int_equal(feed(&g, "+OK logged in\r\n"), POP3_GUARD_OK);
	client(&g, "STAT\r\n");
	assert_int_equal(feed(&g, "+OK 3 600\r\n"), POP3_GUARD_OK);
	assert_int_equal(pop3_guard_count(&g, &known), 3);
	assert_true(known);
	client(&g, "LIST\r\n");
	assert_int_equal(feed(&g, "+OK 3 messages\r\n1 200\r\n2 200\r\n"
	    "3 200 extra\r\n.\r\n"), POP3_GUARD_OK);
	client(&g, "UIDL\r\n");
	assert_int_equal(feed(&g, "+OK\r\n1 aaa\r\n2 bbb\r\n3 !~\r\n.\r\n"),
	    POP3_GUARD_OK);
	client(&g, "RETR 1\r\n");
	/* A body line ".." and one starting with ". " are not the end. */
	assert_int_equal(feed(&g, "+OK 200 octets\r\nSubject: x\r\n\r\n"
	    "..\r\n. dot\r\nLIST 0 -5\r\n.\r\n"), POP3_GUARD_OK);
	client(&g, "DELE 1\r\n");
	assert_int_equal(feed(&g, "+OK marked\r\n"), POP3_GUARD_OK);
	client(&g, "RETR 9\r\n");
	assert_int_equal(feed(&g, "-ERR no such message\r\n"), POP3_GUARD_OK);
	client(&g, "LIST 2\r\n");
	assert_int_equal(feed(&g, "+OK 2 200\r\n"), POP3_GUARD_OK);
	client(&g, "QUIT\r\n");
	assert_int_equal(feed(&g, "+OK bye\r\n"), POP3_GUARD_OK);
	assert_int_equal(pop3_guard_eof(&g), POP3_GUARD_OK);
	assert_false(pop3_guard_refused(&g));
}

static void
test_normal_session(void **state)
{
	(void)state;
	session(0);
	session(1);
}

/* A listing line refused, with a word of the reason in it. */
static void
refused(const char *command, const char *reply, const char *why)
{
	struct pop3_guard	g;

	logged_in(&g, 2);
	client(&g, command);
	assert_int_equal(server(&g, reply), POP3_GUARD_REFUSED);
	assert_true(pop3_guard_refused(&g));
	if (strstr(pop3_guard_reason(&g), why) == NULL)
		fail_msg("reason '%s' lacks '%s'", pop3_guard_reason(&g), why);
	/* Refused stays refused, whatever comes next. */
	assert_int_equal(server(&g, "+OK\r\n"), POP3_GUARD_REFUSED);
	assert_int_equal(pop3_guard_eof(&g), POP3_GUARD_REFUSED);
	/* The same, byte by byte. */
	logged_in(&g, 2);
	client(&g, command);
	assert_int_equal(server_bytewise(&g, reply), POP3_GUARD_REFUSED);
}

static void
test_list_numbers(void **state)
{
	(void)state;
	refused("LIST\r\n", "+OK\r\n0 100\r\n.\r\n", "number 0");
	refused("LIST\r\n", "+OK\r\n-1 100\r\n.\r\n", "negative");
	refused("LIST\r\n", "+OK\r\nx 100\r\n.\r\n", "message number");
	refused("LIST\r\n", "+OK\r\n 1 100\r\n.\r\n", "message number");
	refused("LIST\r\n", "+OK\r\n1 100\r\n2 100\r\n3 100\r\n.\r\n",
	    "STAT counted 2");
	refused("LIST\r\n", "+OK\r\n1 100\r\n4294967296 1\r\n.\r\n",
	    "STAT counted 2");
	refused("LIST\r\n", "+OK\r\n99999999999999999999 1\r\n.\r\n",
	    "STAT counted 2");
	/* A gap leaves libetpan a NULL it frees later. */
	refused("LIST\r\n", "+OK\r\n2 100\r\n.\r\n", "where 1 was due");
	refused("LIST\r\n", "+OK\r\n1 100\r\n1 100\r\n.\r\n",
	    "where 2 was due");
	refused("LIST\r\n", "+OK\r\n1\r\n.\r\n", "message number");
	refused("LIST\r\n", "+OK\r\n1 big\r\n.\r\n", "size");
	refused("LIST\r\n", "+OK\r\n1 -5\r\n.\r\n", "size");
	refused("LIST\r\n", "+OK\r\n1 4294967296\r\n.\r\n", "size");
}

static void
test_uidl_numbers(void **state)
{
	(void)state;
	refused("UIDL\r\n", "+OK\r\n0 AAAA\r\n1 BBBB\r\n.\r\n", "number 0");
	refused("UIDL\r\n", "+OK\r\n1 AAAA\r\n-1 BBBB\r\n.\r\n", "negative");
	refused("UIDL\r\n", "+OK\r\nabc AAAA\r\n.\r\n", "message number");
	refused("UIDL\r\n", "+OK\r\n3 AAAA\r\n.\r\n", "STAT counted 2");
	refused("UIDL\r\n", "+OK\r\n2 AAAA\r\n1 BBBB\r\n.\r\n", "after 2");
	refused("UIDL\r\n", "+OK\r\n1 AAAA\r\n1 BBBB\r\n.\r\n", "after 1");
	refused("UIDL\r\n", "+OK\r\n1\r\n.\r\n", "message number");
	refused("UIDL\r\n", "+OK\r\n1 \r\n.\r\n", "unique id");
	refused("UIDL\r\n", "+OK\r\n1 a b\r\n.\r\n", "unique id");
	refused("UIDL\r\n", "+OK\r\n1 a\x01\r\n.\r\n", "unique id");
	refused("UIDL\r\n", "+OK\r\n1 caf\xc3\xa9\r\n.\r\n", "unique id");
	refused("UIDL\r\n", "+OK\r\n1 "
	    "0123456789012345678901234567890123456789012345678901234567890123"
	    "456789X\r\n.\r\n", "70 characters");
}

static void
test_uidl_may_skip(void **state)
{
	struct pop3_guard	g;

	(void)state;
	/* A gap in UIDL is harmless (the message just lacks its id). */
	logged_in(&g, 3);
	client(&g, "UIDL\r\n");
	assert_int_equal(server(&g, "+OK\r\n1 a\r\n3 c\r\n.\r\n"),
	    POP3_GUARD_OK);
	/* 70 characters are allowed. */
	client(&g, "UIDL\r\n");
	assert_int_equal(server(&g, "+OK\r\n1 "
	    "0123456789012345678901234567890123456789012345678901234567890123"
	    "456789\r\n.\r\n"), POP3_GUARD_OK);
}

static void
test_stat(void **state)
{
	struct pop3_guard	g;
	int			known;

	(void)state;
	pop3_guard_init(&g);
	assert_int_equal(server(&g, "+OK\r\n"), POP3_GUARD_OK);
	client(&g, "STAT\r\n");
	assert_int_equal(server(&g, "+OK -3 100\r\n"), POP3_GUARD_REFUSED);
	pop3_guard_init(&g);
	assert_int_equal(server(&g, "+OK\r\n"), POP3_GUARD_OK);
	client(&g, "STAT\r\n");
	assert_int_equal(server(&g, "+OK many\r\n"), POP3_GUARD_REFUSED);
	pop3_guard_init(&g);
	assert_int_equal(server(&g, "+OK\r\n"), POP3_GUARD_OK);
	client(&g, "STAT\r\n");
	assert_int_equal(server(&g, "+OK 2147483648 1\r\n"),
	    POP3_GUARD_REFUSED);
	/* Without STAT the listing is still bounded. */
	pop3_guard_init(&g);
	assert_int_equal(server(&g, "+OK\r\n"), POP3_GUARD_OK);
	assert_int_equal(pop3_guard_count(&g, &known), 0);
	assert_false(known);
	client(&g, "UIDL\r\n");
	assert_int_equal(server(&g, "+OK\r\n2147483648 a\r\n.\r\n"),
	    POP3_GUARD_REFUSED);
	/* -ERR to STAT is an answer, not an attack. */
	pop3_guard_init(&g);
	assert_int_equal(server(&g, "+OK\r\n"), POP3_GUARD_OK);
	client(&g, "STAT\r\n");
	assert_int_equal(server(&g, "-ERR not now\r\n"), POP3_GUARD_OK);
}

static void
test_long_lines(void **state)
{
	struct pop3_guard	g;
	char			*buf;
	size_t			 n = POP3_GUARD_MAX_BODY_LINE + 10;

	(void)state;
	buf = malloc(n + 1);
	assert_non_null(buf);
	memset(buf, 'x', n);
	buf[n] = '\0';
	/* A status line of 5000 bytes. */
	pop3_guard_init(&g);
	assert_int_equal(server(&g, "+OK "), POP3_GUARD_OK);
	buf[5000] = '\0';
	assert_int_equal(server(&g, buf), POP3_GUARD_REFUSED);
	assert_non_null(strstr(pop3_guard_reason(&g), "reply line"));
	/* A listing line, fed in pieces. */
	logged_in(&g, 2);
	client(&g, "LIST\r\n");
	assert_int_equal(server(&g, "+OK\r\n1 "), POP3_GUARD_OK);
	buf[4000] = '\0';
	assert_int_equal(server(&g, buf), POP3_GUARD_OK);
	assert_int_equal(server(&g, buf), POP3_GUARD_REFUSED);
	/* A message line may be long, up to a bound. */
	buf[5000] = 'x';
	buf[4000] = 'x';
	logged_in(&g, 2);
	client(&g, "RETR 1\r\n");
	assert_int_equal(server(&g, "+OK\r\n"), POP3_GUARD_OK);
	buf[1000000] = '\0';
	assert_int_equal(server(&g, buf), POP3_GUARD_OK);
	assert_int_equal(server(&g, "\r\n.\r\n"), POP3_GUARD_OK);
	buf[1000000] = 'x';
	client(&g, "RETR 2\r\n");
	assert_int_equal(server(&g, "+OK\r\n"), POP3_GUARD_OK);
	assert_int_equal(server(&g, buf), POP3_GUARD_REFUSED);
	assert_non_null(strstr(pop3_guard_reason(&g), "message line"));
	free(buf);
}

static void
test_huge_message(void **state)
{
	struct pop3_guard	g;
	char			*line;
	size_t			 n = 1024 * 1024, sent = 0;
	enum pop3_guard_status	 status = POP3_GUARD_OK;

	(void)state;
	line = malloc(n);
	assert_non_null(line);
	memset(line, 'y', n);
	line[n - 2] = '\r';
	line[n - 1] = '\n';
	logged_in(&g, 1);
	client(&g, "RETR 1\r\n");
	assert_int_equal(server(&g, "+OK\r\n"), POP3_GUARD_OK);
	while (status == POP3_GUARD_OK && sent <= POP3_GUARD_MAX_MESSAGE) {
		status = pop3_guard_server(&g, line, n);
		sent += n;
	}
	assert_int_equal(status, POP3_GUARD_REFUSED);
	assert_true(sent > POP3_GUARD_MAX_MESSAGE);
	assert_non_null(strstr(pop3_guard_reason(&g), "larger"));
	free(line);
}

static void
test_unasked(void **state)
{
	struct pop3_guard	g;

	(void)state;
	/* Lines after the reply, before the next command. */
	logged_in(&g, 1);
	assert_int_equal(server(&g, "+OK injected\r\n"), POP3_GUARD_REFUSED);
	assert_non_null(strstr(pop3_guard_reason(&g), "did not ask"));
	/* In the same read as the reply. */
	logged_in(&g, 1);
	client(&g, "NOOP\r\n");
	assert_int_equal(server(&g, "+OK\r\n+OK again\r\n"),
	    POP3_GUARD_REFUSED);
	/* Neither +OK nor -ERR. */
	logged_in(&g, 1);
	client(&g, "NOOP\r\n");
	assert_int_equal(server(&g, "* OK imap?\r\n"), POP3_GUARD_REFUSED);
	pop3_guard_init(&g);
	assert_int_equal(server(&g, "hello\r\n"), POP3_GUARD_REFUSED);
	assert_non_null(strstr(pop3_guard_reason(&g), "greeting"));
	/* A SASL challenge is fine after AUTH, not after RETR. */
	logged_in(&g, 1);
	client(&g, "AUTH PLAIN\r\n");
	assert_int_equal(server(&g, "+ \r\n"), POP3_GUARD_OK);
	client(&g, "AGFsaWNlAHNlY3JldA==\r\n");
	assert_int_equal(server(&g, "+OK\r\n"), POP3_GUARD_OK);
	client(&g, "RETR 1\r\n");
	assert_int_equal(server(&g, "+ \r\n"), POP3_GUARD_REFUSED);
}

static void
test_eof(void **state)
{
	struct pop3_guard	g;

	(void)state;
	/* libetpan's reader would take EOF for empty lines, forever. */
	logged_in(&g, 1);
	client(&g, "RETR 1\r\n");
	assert_int_equal(server(&g, "+OK\r\nSubject: x\r\n\r\npart"),
	    POP3_GUARD_OK);
	assert_int_equal(pop3_guard_eof(&g), POP3_GUARD_REFUSED);
	assert_non_null(strstr(pop3_guard_reason(&g), "closed"));
	/* Between commands it is refused too (a read wanted more). */
	logged_in(&g, 1);
	assert_int_equal(pop3_guard_eof(&g), POP3_GUARD_REFUSED);
	/* After QUIT it is the end. */
	logged_in(&g, 1);
	client(&g, "QUIT\r\n");
	assert_int_equal(server(&g, "+OK bye\r\n"), POP3_GUARD_OK);
	assert_int_equal(pop3_guard_eof(&g), POP3_GUARD_OK);
}

static void
test_commands_in_pieces(void **state)
{
	struct pop3_guard	g;

	(void)state;
	logged_in(&g, 2);
	/* A command written in pieces, lower case: still LIST. */
	client(&g, "li");
	client(&g, "st\r");
	client(&g, "\n");
	assert_int_equal(server(&g, "+OK\r\n1 1\r\n0 1\r\n.\r\n"),
	    POP3_GUARD_REFUSED);
	/* "LIST 1" answers on one line: a following line is unasked. */
	logged_in(&g, 2);
	client(&g, "LIST 1\r\n");
	assert_int_equal(server(&g, "+OK 1 100\r\n"), POP3_GUARD_OK);
	/* An unknown command answers on one line. */
	client(&g, "XSOMETHINGLONG arg\r\n");
	assert_int_equal(server(&g, "+OK\r\n"), POP3_GUARD_OK);
	assert_int_equal(server(&g, "1 100\r\n"), POP3_GUARD_REFUSED);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_normal_session),
		cmocka_unit_test(test_list_numbers),
		cmocka_unit_test(test_uidl_numbers),
		cmocka_unit_test(test_uidl_may_skip),
		cmocka_unit_test(test_stat),
		cmocka_unit_test(test_long_lines),
		cmocka_unit_test(test_huge_message),
		cmocka_unit_test(test_unasked),
		cmocka_unit_test(test_eof),
		cmocka_unit_test(test_commands_in_pieces),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
