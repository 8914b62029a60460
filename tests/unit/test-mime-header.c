/* test-mime-header: RFC 2047 words as mailers really send them (glued,
 * split, quoted, mislabelled, broken), raw 8-bit, folding, address lists,
 * and hostile input: always valid UTF-8, linear on a megabyte. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "mime-header.h"
#include "utf8.h"

/* Decode s (unstructured unless flags say) and check the result; the
 * result is always valid UTF-8. */
static void
check_flags(const char *s, int flags, const char *want, int want_unknown)
{
	char	*out;
	int	 unknown = -1;

	out = mime_header_decode(s, strlen(s), flags, &unknown);
	assert_non_null(out);
	assert_true(utf8_is_valid(out, strlen(out)));
	assert_string_equal(out, want);
	assert_int_equal(unknown, want_unknown);
	free(out);
}

static void
check(const char *s, const char *want)
{
	check_flags(s, 0, want, 0);
}

static void
check_addresses(const char *s, const char *want)
{
	char	*out = mime_header_addresses(s, strlen(s), NULL);

	assert_true(utf8_is_valid(out, strlen(out)));
	assert_string_equal(out, want);
	free(out);
}

static void
test_empty(void **state)
{
	char	*out;
	int	 unknown = -1;

	out = mime_header_decode(NULL, 0, 0, &unknown);
	assert_string_equal(out, "");
	assert_int_equal(unknown, 0);
	free(out);
	check("", "");
	check("   ", "");
	check("plain text", "plain text");
	check("  trimmed  ", "trimmed");
	out = mime_header_addresses(NULL, 0, NULL);
	assert_string_equal(out, "");
	free(out);
	/* No unknown pointer is fine. */
	out = mime_header_decode("=?x-no?q?a?=", 12, 0, NULL);
	assert_string_equal(out, "a");
	free(out);
}

static void
test_basic(void **state)
{
	check("=?UTF-8?Q?caf=C3=A9?=", "café");
	check("=?utf-8?q?caf=c3=a9?=", "café");
	check("=?UTF-8?B?Y2Fmw6k=?=", "café");
	check("=?utf-8?b?Y2Fmw6k=?=", "café");
	check("=?ISO-8859-1?Q?caf=E9?=", "café");
	/* '_' is a space in Q, not in B or outside words. */
	check("=?utf-8?q?a_b?=", "a b");
	check("=?utf-8?b?X18=?=", "__");
	check("snake_case =?utf-8?q?x?=", "snake_case x");
	/* A Q escape that is not one stays as it is. */
	check("=?utf-8?q?a=ZZb=?=", "a=ZZb=");
	check("=?utf-8?q?\?=", "");
	check("Re: =?utf-8?q?caf=C3=A9?= au lait", "Re: café au lait");
}

static void
test_adjacent(void **state)
{
	/* Not separated from each other, nor from text. */
	check("=?utf-8?q?a?==?utf-8?q?b?=", "ab");
	check("foo=?utf-8?q?=C3=A9?=bar", "fooébar");
	check("(=?utf-8?q?x?=)", "(x)");
	/* White space between two words goes, folding included. */
	check("=?utf-8?q?a?= =?utf-8?q?b?=", "ab");
	check("=?utf-8?q?a?=\r\n\t =?utf-8?q?b?=", "ab");
	check("=?utf-8?q?a?= =?iso-8859-1?q?b?=", "ab");
	/* Between a word and text it stays. */
	check("=?utf-8?q?a?= b =?utf-8?q?c?=", "a b c");
	check("x =?utf-8?q?a?=  y", "x a  y");
	/* A word's own spaces are text. */
	check("=?utf-8?q?a_?= =?utf-8?q?_b?=", "a  b");
}

static void
test_split_character(void **state)
{
	/* "€" (E2 82 AC) split between two words, B and Q. */
	check("=?utf-8?B?4oI=?= =?utf-8?B?rA==?=", "€");
	check("=?utf-8?q?=E2=82?= =?UTF-8?Q?=AC?=", "€");
	check("=?utf-8?q?=E2=82?==?utf8?b?rA==?=", "€");
	/* ISO-2022-JP split at a word: the shift state carries over. */
	check("=?iso-2022-jp?B?GyRCJDMkcw==?= =?iso-2022-jp?B?JEskQSRPGyhC?=",
	    "こんにちは");
	/* Different charsets are not joined: each half is converted alone,
	 * and the broken one shows as U+FFFD, one per byte. */
	check("=?utf-8?q?=E2=82?= =?iso-8859-1?q?=E9?=",
	    "\xef\xbf\xbd\xef\xbf\xbdé");
	/* Text between ends a run: nothing is joined across it. */
	check("=?utf-8?q?=E2=82?= x =?utf-8?q?=AC?=",
	    "\xef\xbf\xbd\xef\xbf\xbd x \xef\xbf\xbd");
}

static void
test_quoted(void **state)
{
	/* Unstructured text keeps its quotes; words in them are decoded. */
	check("\"=?utf-8?q?J=C3=B6rg?=\" <j@example.org>",
	    "\"Jörg\" <j@example.org>");
	/* A display name loses its quotes and escapes. */
	check_flags("\"=?utf-8?q?J=C3=B6rg?=\"", MIME_HEADER_PHRASE, "Jörg",
	    0);
	check_flags("\"=?utf-8?q?a?=\" \"=?utf-8?q?b?=\"", MIME_HEADER_PHRASE,
	    "ab", 0);
	check_flags("\"Doe, John\"", MIME_HEADER_PHRASE, "Doe, John", 0);
	check_flags("\"a\\\"b\" c", MIME_HEADER_PHRASE, "a\"b c", 0);
	/* A quote that never closes is a character. */
	check_flags("a\"b", MIME_HEADER_PHRASE, "a\"b", 0);
	check_flags("\"a\" b\" c", MIME_HEADER_PHRASE, "a b\" c", 0);
}

static void
test_base64_padding(void **state)
{
	check("=?utf-8?B?w6k?=", "é");		/* missing */
	check("=?utf-8?B?w6k===?=", "é");	/* extra */
	check("=?utf-8?B?w6k=w6k=?=", "éé");	/* two pasted together */
	check("=?utf-8?B?w6?=", "\xef\xbf\xbd");	/* cut: a lone lead */
	check("=?utf-8?B?=?=", "");
	/* Characters outside base64: not a word; it stays as it is. */
	check("=?utf-8?B?###?=", "=?utf-8?B?###?=");
	check("=?utf-8?B?w6k ?=", "=?utf-8?B?w6k ?=");
}

static void
test_broken_words(void **state)
{
	char	s[80];

	check("=?utf-8?q?unterminated", "=?utf-8?q?unterminated");
	check("=?utf-8?x?abc?=", "=?utf-8?x?abc?=");
	check("=??q?a?=", "=??q?a?=");
	check("=?utf-8?q", "=?utf-8?q");
	check("=?", "=?");
	check("a =? b ?= c", "a =? b ?= c");
	check("=?=?utf-8?q?a?=", "=?a");
	/* Q words hold no white space; a broken one does not swallow the
	 * words after it. */
	check("=?utf-8?q?a b?= =?utf-8?q?c?=", "=?utf-8?q?a b?= c");
	/* A hostile charset name is not a word at all. */
	check("=?../x//TRANSLIT?q?a?=", "=?../x//TRANSLIT?q?a?=");
	/* A charset label past 64 characters is not one. */
	memcpy(s, "=?", 2);
	memset(s + 2, 'a', 65);
	memcpy(s + 67, "?q?x?=", 7);
	check(s, s);
	/* 64 is one, unknown to iconv. */
	memcpy(s + 66, "?q?x?=", 7);
	check_flags(s, 0, "x", 1);
	/* NUL bytes decoded from a word are dropped, the rest kept. */
	check("=?utf-8?q?a=00b?=", "ab");
	/* Controls are decoded (mime-sanitize drops them later). */
	check("=?utf-8?q?a=0Ab?=", "a\nb");
}

static void
test_unknown_charset(void **state)
{
	/* Read as UTF-8 when it is, else as Latin-1; noted, never lost. */
	check_flags("=?x-no-such?q?caf=C3=A9?=", 0, "café", 1);
	check_flags("=?x-no-such?q?caf=E9?=", 0, "café", 1);
	check_flags("a =?x-no-such?q?=FF?= b", 0, "a ÿ b", 1);
	/* Labels that say nothing are guessed, and are not unknown. */
	check_flags("=?x-unknown?q?caf=E9?=", 0, "café", 0);
	check_flags("=?unknown-8bit?q?caf=C3=A9?=", 0, "café", 0);
	check_flags("=?us-ascii?q?caf=C3=A9?=", 0, "café", 0);
	/* Labelled UTF-8 but is not: U+FFFD, the rest survives. */
	check_flags("=?utf-8?q?caf=E9s?=", 0, "caf\xef\xbf\xbds", 0);
}

static void
test_language(void **state)
{
	/* RFC 2231 section 5: a language after the charset. */
	check("=?utf-8*en?q?caf=C3=A9?=", "café");
	check("=?US-ASCII*EN?Q?Keith_Moore?=", "Keith Moore");
	check("=?iso-8859-1*fr-CA?q?=E9t=E9?=", "été");
}

static void
test_charsets(void **state)
{
	check("=?ks_c_5601-1987?B?x9GxuQ==?=", "한국");
	check("=?euc-kr?q?=8Cc?=", "똠");		/* CP949 only */
	check("=?gb2312?B?1tDOxA==?=", "中文");
	check("=?gb2312?q?=81@?=", "丂");		/* GBK only */
	check("=?ISO-2022-JP?B?GyRCJDMkcyRLJEEkTxsoQg==?=", "こんにちは");
	check("=?shift_jis?q?=93=FA=96{?=", "日本");
	check("=?x-sjis?q?=87@?=", "①");		/* CP932 only */
	check("=?big5?q?=A4=A4=A4=E5?=", "中文");
	check("=?koi8-r?q?=F0=D2=C9=D7=C5=D4?=", "Привет");
	check("=?windows-1252?q?=80?=", "€");
	check("=?\"utf-8\"?q?x?=", "=?\"utf-8\"?q?x?=");	/* not a word */
	check("=?unicode-1-1-utf-7?q?Gr+APwA3w-e?=", "Grüße");
	check("=?x-mac-roman?q?=8E?=", "é");
}

static void
test_raw_8bit(void **state)
{
	check("caf\xc3\xa9", "café");		/* UTF-8 kept */
	check("caf\xe9", "café");		/* Latin-1 */
	check("\x93hi\x94", "\xe2\x80\x9chi\xe2\x80\x9d");	/* 1252 */
	check("r\xe9sum\xc3\xa9", "résumé");	/* both in one */
	check("\x81", "\xef\xbf\xbd");		/* a hole in 1252 */
	check("caf\xe9 =?utf-8?q?=C3=A9?=", "café é");
	/* Overlong and surrogate forms are not UTF-8. */
	check("\xc0\xaf", "À¯");
	check("\xed\xa0\x80", "í\xc2\xa0\xe2\x82\xac");
}

static void
test_unfold(void **state)
{
	char	*out;

	out = mime_header_unfold("a\r\n b\n\tc", 9);
	assert_string_equal(out, "a b\tc");
	free(out);
	/* A break without white space after it keeps the words apart. */
	out = mime_header_unfold("a\r\nb", 4);
	assert_string_equal(out, "a b");
	free(out);
	out = mime_header_unfold("a\r\n\r\n", 5);
	assert_string_equal(out, "a");
	free(out);
	out = mime_header_unfold("", 0);
	assert_string_equal(out, "");
	free(out);
	/* A NUL is not text, and does not cut what follows. */
	out = mime_header_unfold("a\0b\r\n\0 c", 8);
	assert_string_equal(out, "ab c");
	free(out);
	out = mime_header_decode("a\0=?utf-8?q?b?=", 16, 0, NULL);
	assert_string_equal(out, "ab");
	free(out);
	check("Subject\r\n text\r\n", "Subject text");
}

static void
test_addresses(void **state)
{
	int	 unknown = -1;
	char	*out;

	check_addresses("\"=?utf-8?q?J=C3=B6rg?=\" <j@example.org>",
	    "Jörg <j@example.org>");
	check_addresses("=?utf-8?q?a?==?utf-8?q?b?= <x@y.org>", "ab <x@y.org>");
	/* A quoted name that starts with a word and goes on after it. */
	check_addresses("\"=?utf-8?q?Ren=C3=A9e?= Dupont\" <r@example.fr>",
	    "Renée Dupont <r@example.fr>");
	check_addresses("=?utf-8?q?a?= =?utf-8?q?b?= <x@y.org>, c@d.org",
	    "ab <x@y.org>, c@d.org");
	check_addresses("\"Doe, John\" <j@x.org>, a@b.org",
	    "\"Doe, John\" <j@x.org>, a@b.org");
	/* Encoded separators are quoted once decoded. */
	check_addresses("=?utf-8?q?Doe=2C_John?= <j@x.org>",
	    "\"Doe, John\" <j@x.org>");
	check_addresses("\"paypal@paypal.com\" <evil@x.org>",
	    "\"paypal@paypal.com\" <evil@x.org>");
	check_addresses("\"a\\\"b\" <c@d.org>", "\"a\\\"b\" <c@d.org>");
	check_addresses("J\xf6rg <j@x.org>", "Jörg <j@x.org>");
	check_addresses("J\xc3\xb6rg <j@x.org>", "Jörg <j@x.org>");
	check_addresses("<a@b.org>", "a@b.org");
	check_addresses("A <a@b.org>,\r\n B <c@d.org>",
	    "A <a@b.org>, B <c@d.org>");
	check_addresses("Team: a@b.org, B <c@d.org>;, e@f.org",
	    "Team: a@b.org, B <c@d.org>;, e@f.org");
	check_addresses("undisclosed-recipients:;", "undisclosed-recipients:;");
	/* What does not parse whole is shown decoded as it is. */
	check_addresses("john smith", "john smith");
	check_addresses("a@b.org (Comment)", "a@b.org (Comment)");
	check_addresses("broken <<a@b.org>", "broken <<a@b.org>");
	check_addresses("a@b.org,", "a@b.org,");
	check_addresses("=?utf-8?q?J=C3=B6rg?= <j@x.org", "Jörg <j@x.org");
	/* Nested comments crash libetpan: never given to it. */
	check_addresses("((((((((((((((((((((x)))))))))))))))))))) a@b.org",
	    "((((((((((((((((((((x)))))))))))))))))))) a@b.org");
	/* An unknown charset in a name is noted. */
	out = mime_header_addresses("=?x-no?q?J=F6rg?= <j@x.org>",
	    strlen("=?x-no?q?J=F6rg?= <j@x.org>"), &unknown);
	assert_string_equal(out, "Jörg <j@x.org>");
	assert_int_equal(unknown, 1);
	free(out);
}

/* Hostile input made of pieces of encoded words: never invalid UTF-8,
 * never a crash. */
static void
test_hostile(void **state)
{
	static const char	*pieces[] = { "=?", "?=", "utf-8", "?q?", "?B?",
	    "=E2", "=82", "=AC", "\xe2", "\x82", "\xff", " ", "\"", "_", "w6k",
	    "==", "iso-2022-jp", "\x1b$B", "(", ")", "<", "@", ",", "\r\n",
	    "\\", "x-no", "*en", ":", ";" };
	char			 s[256];
	char			*out;
	size_t			 len, n = sizeof pieces / sizeof pieces[0], k;
	unsigned int		 seed = 1;
	int			 i, j;

	for (i = 0; i < 3000; i++) {
		len = 0;
		for (j = 0; j < 20; j++) {
			seed = seed * 1103515245 + 12345;
			k = (seed >> 16) % n;
			memcpy(s + len, pieces[k], strlen(pieces[k]));
			len += strlen(pieces[k]);
		}
		out = mime_header_decode(s, len, i % 2, NULL);
		assert_true(utf8_is_valid(out, strlen(out)));
		free(out);
		out = mime_header_addresses(s, len, NULL);
		assert_true(utf8_is_valid(out, strlen(out)));
		free(out);
	}
}

/* A megabyte of one pattern. */
static char *
repeat(const char *pattern, size_t *len)
{
	size_t	 n = 1024 * 1024, plen = strlen(pattern), i;
	char	*s = malloc(n + 1);

	assert_non_null(s);
	for (i = 0; i < n; i++)
		s[i] = pattern[i % plen];
	s[n] = '\0';
	*len = n;
	return s;
}

/* Each decodes in linear time: quadratic work on a megabyte would not
 * finish in any reasonable time, and the test would hang. */
static void
test_megabyte(void **state)
{
	static const char	*patterns[] = {
		"=?",
		"=?utf-8?q?",
		"=?utf-8?q?a",
		"=?utf-8?B?w6k=?=",
		"=?utf-8?q?a?= x ",
		"=?utf-8?q?a?= =?iso-8859-1?q?b?= ",
		"=?a?q?=?b?q?",
		"=?a?b?###",
		"\"",
		"\"=?utf-8?q?a?=",
		"(",
		"a@b.org, ",
		"\xe9\xc3",
		"\r\n ",
	};
	char			*s, *out;
	size_t			 len, i;

	for (i = 0; i < sizeof patterns / sizeof patterns[0]; i++) {
		s = repeat(patterns[i], &len);
		out = mime_header_decode(s, len, 0, NULL);
		assert_true(utf8_is_valid(out, strlen(out)));
		free(out);
		out = mime_header_decode(s, len, MIME_HEADER_PHRASE, NULL);
		assert_true(utf8_is_valid(out, strlen(out)));
		free(out);
		out = mime_header_addresses(s, len, NULL);
		assert_true(utf8_is_valid(out, strlen(out)));
		free(out);
		free(s);
	}
	/* One word per 16 bytes, all joined: 65,536 letters. */
	s = repeat("=?utf-8?B?w6k=?=", &len);
	out = mime_header_decode(s, len, 0, NULL);
	assert_int_equal(strlen(out), len / 16 * 2);
	free(out);
	free(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_basic),
		cmocka_unit_test(test_adjacent),
		cmocka_unit_test(test_split_character),
		cmocka_unit_test(test_quoted),
		cmocka_unit_test(test_base64_padding),
		cmocka_unit_test(test_broken_words),
		cmocka_unit_test(test_unknown_charset),
		cmocka_unit_test(test_language),
		cmocka_unit_test(test_charsets),
		cmocka_unit_test(test_raw_8bit),
		cmocka_unit_test(test_unfold),
		cmocka_unit_test(test_addresses),
		cmocka_unit_test(test_hostile),
		cmocka_unit_test(test_megabyte),
	};

	return cmocka_run_group_tests_name("mime-header", tests, NULL, NULL);
}
