/* test-imap-search: patterns translated to IMAP search keys, checked as
 * the text imap_search_text writes from the key tree: every operator,
 * nesting of AND, OR and NOT, day and size bounds at their limits, quoting
 * and CHARSET for non-ASCII text, and what cannot be translated (~T, ~d
 * in hours, control characters): imap_search_run then answers
 * IMAP_SEARCH_LOCAL without a word to the server. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "imap-search.h"
#include "pattern.h"

/* 2025-06-15 12:00:00 UTC, a Sunday. */
#define NOW	1749988800LL

/* The search text for pattern text, or NULL; the caller frees it. */
static char *
search_text(const char *text)
{
	struct pattern	*p;
	char		*error, *s;

	if (pattern_parse(text, NOW, &p, &error) != PATTERN_OK) {
		print_error("'%s': %s\n", text, error);
		free(error);
		fail();
	}
	s = imap_search_text(p);
	pattern_free(p);
	return s;
}

/* text translates to want. */
static void
check(const char *text, const char *want)
{
	char	*got = search_text(text);

	if (got == NULL || strcmp(got, want) != 0) {
		print_error("'%s': got '%s', want '%s'\n", text,
		    got != NULL ? got : "(not translatable)", want);
		free(got);
		fail();
	}
	free(got);
}

/* text does not translate. */
static void
local(const char *text)
{
	char	*got = search_text(text);

	if (got != NULL) {
		print_error("'%s': got '%s', want none\n", text, got);
		free(got);
		fail();
	}
}

static void
test_texts(void **state)
{
	check("~f bob", "FROM bob");
	check("~f Bob", "FROM bob");
	check("~s report", "SUBJECT report");
	check("~t skua", "TO skua");
	check("~c carol", "CC carol");
	check("~C carol", "OR TO carol CC carol");
	check("~b needle", "BODY needle");
	check("~B needle", "TEXT needle");
	check("report", "OR SUBJECT report FROM report");
	check("quarterly report", "OR SUBJECT \"quarterly report\" "
	    "FROM \"quarterly report\"");
	/* An atom is letters, digits and dashes; anything else is quoted. */
	check("~f bob@example.net", "FROM \"bob@example.net\"");
	check("~s Q3-report", "SUBJECT q3-report");
	check("~s \"\"", "SUBJECT \"\"");
	check("~s 'a\"b\\'", "SUBJECT \"a\\\"b\\\\\"");
	(void)state;
}

static void
test_flags(void **state)
{
	check("~N", "UNSEEN");
	check("~U", "UNSEEN");
	check("~R", "SEEN");
	check("~F", "FLAGGED");
	check("~D", "DELETED");
	check("~Q", "ANSWERED");
	check("!~F", "NOT FLAGGED");
	check("!~N", "NOT UNSEEN");
	check("~A", "ALL");
	check("", "ALL");
	check("all", "ALL");
	(void)state;
}

static void
test_structure(void **state)
{
	check("~N ~F", "UNSEEN FLAGGED");
	check("~N ~F ~D", "UNSEEN FLAGGED DELETED");
	check("~N | ~F", "OR UNSEEN FLAGGED");
	check("~N | ~F | ~D", "OR OR UNSEEN FLAGGED DELETED");
	check("(~f a | ~f b) ~s c", "OR FROM a FROM b SUBJECT c");
	check("~f a ~s b | ~F", "OR (FROM a SUBJECT b) FLAGGED");
	check("~F | ~f a ~s b", "OR FLAGGED (FROM a SUBJECT b)");
	check("!(~f a ~s b)", "NOT (FROM a SUBJECT b)");
	check("!(~f a | ~f b)", "NOT OR FROM a FROM b");
	check("!!~F", "FLAGGED");
	check("!!!~F", "NOT FLAGGED");
	/* Terms side by side are one list, however grouped. */
	check("~N (~F (~D ~Q))", "UNSEEN FLAGGED DELETED ANSWERED");
	check("~N | (~F ~z >1K) !~b x",
	    "OR UNSEEN (FLAGGED LARGER 1024 NOT BODY x)");
	(void)state;
}

static void
test_dates(void **state)
{
	setenv("TZ", "Asia/Tokyo", 1);	/* must not matter */
	check("~d <3d", "SINCE 12-Jun-2025");
	check("~d >3d", "BEFORE 12-Jun-2025");
	check("~d <1w", "SINCE 8-Jun-2025");
	check("~d <1m", "SINCE 15-May-2025");
	check("~d <1y", "SINCE 15-Jun-2024");
	check("~d >1w ~d <2m", "BEFORE 8-Jun-2025 SINCE 15-Apr-2025");
	check("~d <0d", "SINCE 15-Jun-2025");
	/* Before 1970 a row has no date: the bound goes to 1-Jan-1970. */
	check("~d >100y", "BEFORE 1-Jan-1970");
	check("~d <100y", "ALL");
	check("~d <1000000000y", "ALL");
	check("!~d <3d", "NOT SINCE 12-Jun-2025");
	/* To the hour or minute: no IMAP key says it. */
	local("~d <2H");
	local("~d >30M");
	local("~N | ~d <2H");
	(void)state;
}

static void
test_sizes(void **state)
{
	check("~z >1K", "LARGER 1024");
	check("~z <1K", "SMALLER 1024");
	check("~z 1K-2K", "LARGER 1023 SMALLER 2049");
	check("~z 2K", "LARGER 2047 SMALLER 2049");
	check("~z 0", "SMALLER 1");
	check("~z 0-", "ALL");
	check("~z 1-", "LARGER 0");
	/* Past 32 bits: no size is that large, none is larger. */
	check("~z 5000M-", "LARGER 4294967295");
	check("~z -5000M", "ALL");
	check("~z -4095M", "SMALLER 4293918721");
	(void)state;
}

static void
test_charset(void **state)
{
	check("~s München", "CHARSET UTF-8 SUBJECT \"münchen\"");
	check("~N | ~f Jürgen", "CHARSET UTF-8 OR UNSEEN FROM \"jürgen\"");
	check("会議", "CHARSET UTF-8 OR SUBJECT \"会議\" FROM \"会議\"");
	check("!(~b café ~F)", "CHARSET UTF-8 NOT (BODY \"café\" FLAGGED)");
	check("~s cafe", "SUBJECT cafe");
	(void)state;
}

static void
test_local(void **state)
{
	local("~T");
	local("~N ~T");
	local("~N | ~T");
	local("!~T");
	/* A quoted string cannot carry CR or LF. */
	local("~s \"a\nb\"");
	local("~b \"a\rb\"");
	local("~s \"\x01\"");
	local("~s \"a\tb\"");
	(void)state;
}

/* imap_search_run gives up before it touches the session (none here). */
static void
test_run_local(void **state)
{
	struct pattern	*p;
	uint32_t	*uids = (uint32_t *)1;
	size_t		 n = 7;
	char		*error = (char *)1;

	assert_int_equal(pattern_parse("~N | ~T", NOW, &p, &error),
	    PATTERN_OK);
	assert_int_equal(imap_search_run(NULL, p, &uids, &n, &error),
	    IMAP_SEARCH_LOCAL);
	assert_null(uids);
	assert_int_equal(n, 0);
	assert_null(error);
	pattern_free(p);
	(void)state;
}

static void
test_hostile(void **state)
{
	char	*text, *got;
	size_t	 i, n = 4000;

	/* Deep negation: an even count is the term itself. */
	text = malloc(n + 3);
	memset(text, '!', n);
	memcpy(text + n, "~N", 3);
	check(text, "UNSEEN");
	/* Many alternatives: one OR each, left to right. */
	for (i = 0; i + 3 < 4000; i += 3)
		memcpy(text + i, "~N|", 3);
	memcpy(text + i, "~F", 3);
	got = search_text(text);
	assert_non_null(got);
	assert_true(strncmp(got, "OR OR OR ", 9) == 0);
	assert_non_null(strstr(got, "UNSEEN UNSEEN FLAGGED"));
	free(got);
	free(text);
	(void)state;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_texts),
		cmocka_unit_test(test_flags),
		cmocka_unit_test(test_structure),
		cmocka_unit_test(test_dates),
		cmocka_unit_test(test_sizes),
		cmocka_unit_test(test_charset),
		cmocka_unit_test(test_local),
		cmocka_unit_test(test_run_local),
		cmocka_unit_test(test_hostile),
	};

	return cmocka_run_group_tests_name("imap-search", tests, NULL, NULL);
}
