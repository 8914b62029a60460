/* test-pattern: the index's patterns: plain text in subject or sender,
 * ~ operators with their arguments, !, | and ( ), date and size ranges,
 * case folding (ASCII only), everything-patterns, and errors for bad,
 * empty, NULL and hostile input. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pattern.h"
#include "store-mirror.h"

/* 2025-06-15 12:00:00 UTC, a Sunday. */
#define NOW	1749988800LL
#define DAY	86400LL

static struct pattern_message
message(const char *from, const char *subject, uint32_t flags)
{
	struct pattern_message	m;

	memset(&m, 0, sizeof m);
	m.from = from;
	m.subject = subject;
	m.flags = flags;
	m.date = NOW - DAY;
	m.size = 2000;
	return m;
}

/* Whether text parses and matches m. */
static int
matches(const char *text, const struct pattern_message *m)
{
	struct pattern	*p;
	char		*error;
	int		 r;

	if (pattern_parse(text, NOW, &p, &error) != PATTERN_OK) {
		print_error("'%s': %s\n", text, error);
		free(error);
		fail();
	}
	assert_null(error);
	r = pattern_match(p, m);
	pattern_free(p);
	return r;
}

/* text is refused, with a message containing what. */
static void
refused(const char *text, const char *what)
{
	struct pattern	*p = (struct pattern *)1;
	char		*error = NULL;

	assert_int_equal(pattern_parse(text, NOW, &p, &error),
	    PATTERN_INVALID);
	assert_null(p);
	assert_non_null(error);
	if (strstr(error, what) == NULL) {
		print_error("'%s': '%s' lacks '%s'\n", text, error, what);
		fail();
	}
	free(error);
}

static int
is_all(const char *text)
{
	struct pattern	*p;
	char		*error;
	int		 r;

	assert_int_equal(pattern_parse(text, NOW, &p, &error), PATTERN_OK);
	r = pattern_is_all(p);
	pattern_free(p);
	return r;
}

static void
test_plain_text(void **state)
{
	struct pattern_message	m = message("Alice Example <alice@example.org>",
				    "Quarterly report for Q3", STORE_FLAG_SEEN);

	assert_true(matches("report", &m));
	assert_true(matches("REPORT", &m));
	assert_true(matches("quarterly REPORT", &m));
	assert_true(matches("  report  ", &m));
	assert_true(matches("alice", &m));
	assert_true(matches("example.org", &m));
	assert_false(matches("report quarterly", &m));
	assert_false(matches("bob", &m));
	/* Parentheses and other punctuation are text when alone. */
	m.subject = "Lunch (Friday)?";
	assert_true(matches("(friday)?", &m));
	assert_false(matches("(monday)", &m));
	(void)state;
}

static void
test_case_folding(void **state)
{
	struct pattern_message	m = message("Jürgen Müller <j@beispiel.de>",
				    "GRÜSSE AUS MÜNCHEN", 0);

	/* ASCII letters fold; others must be typed as they are. */
	assert_true(matches("grÜsse", &m));
	assert_true(matches("MÜNCHEN", &m));
	assert_false(matches("münchen", &m));
	assert_true(matches("~f jürgen", &m));
	assert_true(matches("~f JÜRGEN", &m) == 0);
	(void)state;
}

static void
test_everything(void **state)
{
	struct pattern_message	 m = message(NULL, NULL, 0);
	struct pattern		*p;
	char			*error;

	assert_true(is_all(""));
	assert_true(is_all("   "));
	assert_true(is_all("all"));
	assert_true(is_all("."));
	assert_true(is_all("~A"));
	assert_true(is_all(" ~A "));
	assert_false(is_all("~A ~N"));
	assert_false(is_all("!~A"));
	assert_false(is_all("alle"));
	assert_true(matches("", &m));
	assert_true(matches("~A", &m));
	assert_false(matches("!~A", &m));
	assert_int_equal(pattern_parse(NULL, NOW, &p, &error), PATTERN_OK);
	assert_true(pattern_is_all(p));
	pattern_free(p);
	pattern_free(NULL);
	(void)state;
}

static void
test_operators(void **state)
{
	struct pattern_message	m = message("Bob Builder <bob@example.net>",
				    "Re: Server migration plan", 0);

	assert_true(matches("~s migration", &m));
	assert_false(matches("~s bob", &m));
	assert_true(matches("~f bob", &m));
	assert_false(matches("~f migration", &m));
	assert_true(matches("~s \"migration plan\"", &m));
	assert_true(matches("~s 'server migration'", &m));
	assert_false(matches("~s \"plan migration\"", &m));
	assert_true(matches("~s migration ~f bob", &m));
	assert_false(matches("~s migration ~f alice", &m));
	assert_true(matches("~s migration | ~f alice", &m));
	assert_true(matches("~f alice | ~s migration", &m));
	assert_false(matches("!~s migration", &m));
	assert_true(matches("! ~s lunch", &m));
	assert_true(matches("!(~f alice | ~f carol)", &m));
	assert_false(matches("!(~f alice | ~f bob)", &m));
	assert_true(matches("(~f alice | ~f bob) ~s plan", &m));
	/* Bare words among operators are text terms of their own. */
	assert_true(matches("plan ~f bob", &m));
	assert_true(matches("plan server ~f bob", &m));
	assert_false(matches("lunch ~f bob", &m));
	/* A backslash escapes; "wow!" has a literal ! inside a word. */
	m.subject = "wow! a ~tilde and a \"quote\"";
	assert_true(matches("~s wow!", &m));
	assert_true(matches("~s \\~tilde", &m));
	assert_true(matches("~s \"\\\"quote\\\"\"", &m));
	assert_true(matches("~s 'a \\~'", &m) == 0);
	(void)state;
}

static void
test_flags(void **state)
{
	struct pattern_message	unread = message("a", "s", 0);
	struct pattern_message	read = message("a", "s", STORE_FLAG_SEEN);
	struct pattern_message	all = message("a", "s", STORE_FLAG_FLAGGED |
				    STORE_FLAG_DELETED | STORE_FLAG_ANSWERED);

	assert_true(matches("~N", &unread));
	assert_true(matches("~U", &unread));
	assert_false(matches("~R", &unread));
	assert_false(matches("~N", &read));
	assert_true(matches("~R", &read));
	assert_true(matches("!~N", &read));
	assert_false(matches("~F", &read));
	assert_true(matches("~F", &all));
	assert_true(matches("~D", &all));
	assert_true(matches("~Q", &all));
	assert_false(matches("~D", &read));
	assert_false(matches("~T", &read));
	read.tagged = 1;
	assert_true(matches("~T", &read));
	assert_true(matches("~T ~R", &read));
	assert_false(matches("~T ~N", &read));
	/* Operators side by side need no blank. */
	assert_true(matches("~F~D", &all));
	(void)state;
}

static void
test_dates(void **state)
{
	struct pattern_message	m = message("a", "s", 0);

	setenv("TZ", "UTC", 1);
	tzset();
	m.date = NOW - 3 * DAY;
	assert_true(matches("~d <7d", &m));
	assert_true(matches("~d<4d", &m));
	assert_false(matches("~d <2d", &m));
	assert_true(matches("~d >2d", &m));
	assert_false(matches("~d >3d", &m));
	assert_true(matches("~d <1w", &m));
	assert_true(matches("~d <1m", &m));
	assert_true(matches("~d <1y", &m));
	assert_true(matches("~d >71H", &m));
	assert_false(matches("~d >73H", &m));
	assert_true(matches("~d <4321M", &m));
	m.date = NOW - 40 * DAY;
	assert_false(matches("~d <1m", &m));
	assert_true(matches("~d >1m", &m));
	assert_true(matches("~d >1w ~d <2m", &m));
	/* An unknown date is neither old nor new. */
	m.date = 0;
	assert_false(matches("~d >1d", &m));
	assert_false(matches("~d <100y", &m));
	assert_true(matches("!~d >1d", &m));
	refused("~d", "~d needs");
	refused("~d 7d", "~d needs");
	refused("~d <7", "~d needs");
	refused("~d <d", "~d needs");
	refused("~d <7x", "~d needs");
	refused("~d <7dd", "~d needs");
	refused("~d <99999999999d", "~d needs");
	(void)state;
}

static void
test_sizes(void **state)
{
	struct pattern_message	m = message("a", "s", 0);

	m.size = 2048;
	assert_true(matches("~z <3K", &m));
	assert_false(matches("~z <2K", &m));
	assert_true(matches("~z >2047", &m));
	assert_false(matches("~z >2K", &m));
	assert_true(matches("~z 2K", &m));
	assert_true(matches("~z 1K-3K", &m));
	assert_true(matches("~z 1k-", &m));
	assert_true(matches("~z -2k", &m));
	assert_false(matches("~z -2047", &m));
	assert_false(matches("~z 1M-", &m));
	m.size = 3 * 1024 * 1024;
	assert_true(matches("~z >2M", &m));
	refused("~z", "~z needs");
	refused("~z -", "~z needs");
	refused("~z <0", "~z needs");
	refused("~z 3K-1K", "~z needs");
	refused("~z 1G", "~z needs");
	refused("~z <", "~z needs");
	(void)state;
}

static void
test_errors(void **state)
{
	refused("~", "operator letter");
	refused("~x", "~x: unknown operator");
	refused("~s", "~s needs a text");
	refused("~f   ", "~f needs a text");
	refused("~s \"open", "quote is not closed");
	refused("~s 'open", "quote is not closed");
	refused("(~N", "( is not closed");
	refused("~N)", ") closes nothing");
	refused("~N |", "term is missing");
	refused("| ~N", "term is missing");
	refused("~N ()", "term is missing");
	refused("!", "needs something to negate");
	refused("~N !", "needs something to negate");
	/* Where: the rest of the text. */
	refused("~N ~q foo", "at: ~q foo");
	(void)state;
}

static void
test_hostile(void **state)
{
	struct pattern_message	m = message("a", "s", 0);
	struct pattern		*p;
	char			*error, *text;
	size_t			 i, n = 4000;

	/* Deep nesting within the limit parses and matches. */
	text = malloc(2 * n + 3);
	for (i = 0; i < n / 2; i++)
		text[i] = '(';
	text[i++] = 's';
	for (; i < n + 1; i++)
		text[i] = ')';
	text[i] = '\0';
	/* "(((s)))" has no ~, ! or |: plain text, found nowhere. */
	assert_false(matches(text, &m));
	for (i = 0; i < n; i++)
		text[i] = '!';
	text[n] = '~';
	text[n + 1] = 'N';
	text[n + 2] = '\0';
	assert_int_equal(pattern_parse(text, NOW, &p, &error), PATTERN_OK);
	assert_true(pattern_match(p, &m));	/* an even count */
	pattern_free(p);
	/* Longer than the limit: refused, not parsed. */
	free(text);
	text = malloc(10001);
	memset(text, '!', 10000);
	text[10000] = '\0';
	refused(text, "longer than");
	/* Many alternatives. */
	for (i = 0; i + 3 < 4000; i += 3)
		memcpy(text + i, "~N|", 3);
	memcpy(text + i, "~F", 3);
	assert_true(matches(text, &m));
	/* Control characters and invalid UTF-8 are only text. */
	assert_false(matches("\x01\xff\xfe", &m));
	assert_false(matches("~s \xff", &m));
	refused("~\xc3\xa9", "operator letter");
	free(text);
	(void)state;
}

static void
test_null_fields(void **state)
{
	struct pattern_message	m = message(NULL, NULL, 0);

	assert_false(matches("x", &m));
	assert_false(matches("~s x", &m));
	assert_false(matches("~f x", &m));
	assert_true(matches("~s \"\"", &m) == 0);
	m.subject = "";
	assert_true(matches("~s \"\"", &m));
	(void)state;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain_text),
		cmocka_unit_test(test_case_folding),
		cmocka_unit_test(test_everything),
		cmocka_unit_test(test_operators),
		cmocka_unit_test(test_flags),
		cmocka_unit_test(test_dates),
		cmocka_unit_test(test_sizes),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_hostile),
		cmocka_unit_test(test_null_fields),
	};

	return cmocka_run_group_tests_name("pattern", tests, NULL, NULL);
}
