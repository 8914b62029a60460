/* test-pattern: the index's patterns: plain text in subject or sender,
 * ~ operators with their arguments, !, | and ( ), date and size ranges
 * (whole UTC days), To and Cc, body terms that only a server answers,
 * walking the tree, case folding (ASCII only), everything-patterns, and
 * errors for bad, empty, NULL and hostile input. */
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

/* Days are whole UTC days, whatever TZ says: ~d <Nd from 00:00 UTC of the
 * day N days back, ~d >Nd before it; the two split every known date. */
static void
test_date_days(void **state)
{
	struct pattern_message	m = message("a", "s", 0);
	const char		*zones[] = { "UTC", "America/Los_Angeles",
				    "Asia/Tokyo" };
	size_t			 i;

	for (i = 0; i < sizeof zones / sizeof zones[0]; i++) {
		setenv("TZ", zones[i], 1);
		tzset();
		/* NOW is 12:00 UTC on 15 June: 3 days back is 12 June. */
		m.date = NOW - 3 * DAY - 12 * 3600;	/* 12 June 00:00 */
		assert_true(matches("~d <3d", &m));
		assert_false(matches("~d >3d", &m));
		m.date--;				/* 11 June 23:59:59 */
		assert_false(matches("~d <3d", &m));
		assert_true(matches("~d >3d", &m));
		/* A week: 8 June 00:00. */
		m.date = NOW - 7 * DAY - 12 * 3600;
		assert_true(matches("~d <1w", &m));
		m.date--;
		assert_true(matches("~d >1w", &m));
		/* A month back on the calendar: 15 May 00:00. */
		m.date = NOW - 31 * DAY - 12 * 3600;
		assert_true(matches("~d <1m", &m));
		m.date--;
		assert_false(matches("~d <1m", &m));
		/* A year: 15 June 2024 00:00 (2024 is a leap year). */
		m.date = NOW - 365 * DAY - 12 * 3600;
		assert_true(matches("~d <1y", &m));
		m.date--;
		assert_true(matches("~d >1y", &m));
		/* Hours stay to the second. */
		m.date = NOW - 3600;
		assert_true(matches("~d <1H", &m));
		m.date--;
		assert_false(matches("~d <1H", &m));
		/* Very far back is fine, and no message is that old. */
		assert_true(matches("~d <1000000000y", &m));
		assert_false(matches("~d >1000000000y", &m));
	}
	(void)state;
}

/* A month back from the 31st rolls past a short month, as mktime does. */
static void
test_date_month_end(void **state)
{
	struct pattern			*p;
	const struct pattern_node	*n;
	char				*error;
	int64_t				 min, max;
	/* 2025-03-31 08:00 UTC: a month back is "31 February", 3 March. */
	int64_t				 now = 1743408000LL;

	assert_int_equal(pattern_parse("~d <1m", now, &p, &error),
	    PATTERN_OK);
	n = pattern_root(p);
	assert_int_equal(pattern_node_kind(n), PATTERN_KIND_DATE);
	pattern_node_range(n, &min, &max);
	assert_int_equal(min, 1740960000LL);	/* 2025-03-03 00:00 UTC */
	assert_true(max == INT64_MAX);
	pattern_free(p);
	assert_int_equal(pattern_parse("~d >2y", now, &p, &error),
	    PATTERN_OK);
	pattern_node_range(pattern_root(p), &min, &max);
	assert_int_equal(min, 1);
	assert_int_equal(max, 1680220800LL - 1);	/* 2023-03-31 */
	pattern_free(p);
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
test_to_cc(void **state)
{
	struct pattern_message	m = message("Alice <alice@example.org>", "s",
				    0);

	m.to = "Skua User <skua@example.test>, Bob <bob@example.net>";
	m.cc = "Carol <carol@example.com>";
	assert_true(matches("~t bob", &m));
	assert_true(matches("~t SKUA", &m));
	assert_false(matches("~t carol", &m));
	assert_true(matches("~c carol", &m));
	assert_false(matches("~c bob", &m));
	assert_true(matches("~C carol", &m));
	assert_true(matches("~C bob", &m));
	assert_false(matches("~C alice", &m));
	assert_true(matches("~t bob ~c carol", &m));
	assert_true(matches("!~t carol", &m));
	/* Plain text is still subject or sender only. */
	assert_false(matches("carol", &m));
	m.to = NULL;
	m.cc = NULL;
	assert_false(matches("~t bob", &m));
	assert_false(matches("~C bob", &m));
	assert_true(matches("!~C bob", &m));
	refused("~t", "~t needs a text");
	refused("~C  ", "~C needs a text");
	(void)state;
}

/* ~b and ~B match nothing on a row; pattern_needs_server finds them. */
static void
test_body(void **state)
{
	struct pattern_message	 m = message("body <b@example.org>", "body",
				    0);
	struct pattern		*p;
	char			*error;
	const char		*server[] = { "~b x", "~B x", "~N | !~b x",
				    "~s a (~f b | !(~B \"two words\"))" };
	const char		*local[] = { "~s b", "~A", "x",
				    "~t b ~c c ~C d", "~d <1d | ~z >1K ~T" };
	size_t			 i;

	m.to = m.cc = "body";
	assert_false(matches("~b body", &m));
	assert_false(matches("~B body", &m));
	assert_true(matches("!~b body", &m));
	assert_true(matches("~b body | ~s body", &m));
	for (i = 0; i < sizeof server / sizeof server[0]; i++) {
		assert_int_equal(pattern_parse(server[i], NOW, &p, &error),
		    PATTERN_OK);
		assert_true(pattern_needs_server(p));
		pattern_free(p);
	}
	for (i = 0; i < sizeof local / sizeof local[0]; i++) {
		assert_int_equal(pattern_parse(local[i], NOW, &p, &error),
		    PATTERN_OK);
		assert_false(pattern_needs_server(p));
		pattern_free(p);
	}
	refused("~b", "~b needs a text");
	refused("~B \"open", "quote is not closed");
	(void)state;
}

/* The tree as pattern_root and the accessors show it. */
static void
test_walk(void **state)
{
	struct pattern			*p;
	const struct pattern_node	*n, *l, *r;
	char				*error;
	int64_t				 min, max;

	assert_int_equal(pattern_parse("~f Bob !~N | ~z 1K-2K ~C \"A b\"",
	    NOW, &p, &error), PATTERN_OK);
	n = pattern_root(p);
	assert_int_equal(pattern_node_kind(n), PATTERN_KIND_OR);
	l = pattern_node_left(n);
	r = pattern_node_right(n);
	/* Terms side by side chain to the left: (~f bob) (!~N). */
	assert_int_equal(pattern_node_kind(l), PATTERN_KIND_AND);
	assert_int_equal(pattern_node_kind(pattern_node_left(l)),
	    PATTERN_KIND_FROM);
	assert_string_equal(pattern_node_text(pattern_node_left(l)), "bob");
	assert_int_equal(pattern_node_kind(pattern_node_right(l)),
	    PATTERN_KIND_NOT);
	n = pattern_node_left(pattern_node_right(l));
	assert_int_equal(pattern_node_kind(n), PATTERN_KIND_NO_FLAG);
	assert_int_equal(pattern_node_flag(n), STORE_FLAG_SEEN);
	assert_null(pattern_node_left(n));
	assert_null(pattern_node_text(n));
	assert_int_equal(pattern_node_kind(r), PATTERN_KIND_AND);
	n = pattern_node_left(r);
	assert_int_equal(pattern_node_kind(n), PATTERN_KIND_SIZE);
	pattern_node_range(n, &min, &max);
	assert_int_equal(min, 1024);
	assert_int_equal(max, 2048);
	n = pattern_node_right(r);
	assert_int_equal(pattern_node_kind(n), PATTERN_KIND_TO_CC);
	assert_string_equal(pattern_node_text(n), "a b");
	pattern_free(p);

	assert_int_equal(pattern_parse("~T ~R ~F ~D ~Q ~t x ~c y ~b z ~B w "
	    "~d <2H plain", NOW, &p, &error), PATTERN_OK);
	{
		static const enum pattern_kind	want[] = {
			PATTERN_KIND_TAGGED, PATTERN_KIND_FLAG,
			PATTERN_KIND_FLAG, PATTERN_KIND_FLAG,
			PATTERN_KIND_FLAG, PATTERN_KIND_TO, PATTERN_KIND_CC,
			PATTERN_KIND_BODY, PATTERN_KIND_MESSAGE,
			PATTERN_KIND_TIME, PATTERN_KIND_TEXT };
		size_t				i = sizeof want /
						    sizeof want[0];

		/* ((((a b) c) d) ...): the last term is the root's right. */
		n = pattern_root(p);
		while (i-- > 1) {
			assert_int_equal(pattern_node_kind(n),
			    PATTERN_KIND_AND);
			assert_int_equal(pattern_node_kind(
			    pattern_node_right(n)), want[i]);
			n = pattern_node_left(n);
		}
		assert_int_equal(pattern_node_kind(n), want[0]);
	}
	pattern_free(p);

	assert_int_equal(pattern_parse("hello world", NOW, &p, &error),
	    PATTERN_OK);
	assert_int_equal(pattern_node_kind(pattern_root(p)),
	    PATTERN_KIND_TEXT);
	assert_string_equal(pattern_node_text(pattern_root(p)),
	    "hello world");
	pattern_free(p);
	assert_int_equal(pattern_parse("", NOW, &p, &error), PATTERN_OK);
	assert_int_equal(pattern_node_kind(pattern_root(p)),
	    PATTERN_KIND_ALL);
	pattern_free(p);
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
		cmocka_unit_test(test_date_days),
		cmocka_unit_test(test_date_month_end),
		cmocka_unit_test(test_sizes),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_hostile),
		cmocka_unit_test(test_to_cc),
		cmocka_unit_test(test_body),
		cmocka_unit_test(test_walk),
		cmocka_unit_test(test_null_fields),
	};

	return cmocka_run_group_tests_name("pattern", tests, NULL, NULL);
}
