/* test-imap-utf7: folder names in modified UTF-7: the RFC's examples,
 * surrogate pairs, round trips, and every kind of malformed name. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "imap-utf7.h"

static void
check_decode(const char *in, const char *want)
{
	char	*got = imap_utf7_decode(in);

	if (want == NULL) {
		if (got != NULL)
			fail_msg("\"%s\" decoded to \"%s\"",
			    in != NULL ? in : "NULL", got);
		return;
	}
	if (got == NULL)
		fail_msg("\"%s\" did not decode", in);
	assert_string_equal(got, want);
	free(got);
}

static void
check_encode(const char *in, const char *want)
{
	char	*got = imap_utf7_encode(in);

	if (want == NULL) {
		if (got != NULL)
			fail_msg("invalid UTF-8 encoded to \"%s\"", got);
		return;
	}
	if (got == NULL)
		fail_msg("\"%s\" did not encode", in);
	assert_string_equal(got, want);
	free(got);
}

/* Both directions at once: utf7 is the one spelling of utf8. */
static void
check_both(const char *utf7, const char *utf8)
{
	check_decode(utf7, utf8);
	check_encode(utf8, utf7);
}

static void
test_ascii(void **state)
{
	check_both("", "");
	check_both("INBOX", "INBOX");
	check_both("Sent Items/2024 (old)", "Sent Items/2024 (old)");
	check_both("~!\"#$%'*+,-./:;<=>?@[\\]^_`{|}",
	    "~!\"#$%'*+,-./:;<=>?@[\\]^_`{|}");
	check_both("a-b--c", "a-b--c");
}

static void
test_ampersand(void **state)
{
	check_both("&-", "&");
	check_both("&-&-", "&&");
	check_both("Tom &- Jerry", "Tom & Jerry");
	check_both("&-AOk-", "&AOk-");
}

static void
test_latin(void **state)
{
	check_both("R&AOk-unions", "Réunions");
	check_both("Caf&AOk-", "Café");
	check_both("&AOkA6QDp-", "ééé");
	check_both("&AOk--", "é-");
	check_both("&AOk-&-", "é&");
	check_both("&IKw- 100", "€ 100");
}

static void
test_japanese(void **state)
{
	/* RFC 3501's own example. */
	check_both("~peter/mail/&U,BTFw-/&ZeVnLIqe-",
	    "~peter/mail/台北/日本語");
	check_both("&ZeVnLIqe-", "日本語");
}

static void
test_emoji(void **state)
{
	check_both("&2DzfiQ-", "🎉");
	check_both("Party &2DzfiQ- time", "Party 🎉 time");
	check_both("&2D3eAADp-", "😀é");
	check_both("&2D3eANg834k-", "😀🎉");
}

static void
test_controls(void **state)
{
	/* Not printable ASCII: encoded, and decoded again. */
	check_both("a&AAE-b", "a\001b");
	check_both("&AH8-", "\177");
	check_both("&AAkACg-", "\t\n");
}

static void
test_decode_malformed(void **state)
{
	check_decode(NULL, NULL);
	/* Unterminated runs. */
	check_decode("&", NULL);
	check_decode("abc&", NULL);
	check_decode("&AOk", NULL);
	check_decode("R&AOkunions", NULL);
	/* Characters outside the modified base64 alphabet. */
	check_decode("&AO/-", NULL);
	check_decode("&A*k-", NULL);
	check_decode("&AOk=-", NULL);
	check_decode("& -", NULL);
	check_decode("&&-", NULL);
	/* Padding bits that are not zero, and whole unused groups. */
	check_decode("&AOl-", NULL);
	check_decode("&AOkA-", NULL);
	check_decode("&A-", NULL);
	check_decode("&AA-", NULL);
	check_decode("&IKx-", NULL);
	/* Printable ASCII (and NUL) hidden in base64. */
	check_decode("&AGE-", NULL);
	check_decode("&ACY-", NULL);
	check_decode("&ACA-", NULL);
	check_decode("&AH4-", NULL);
	check_decode("&AAA-", NULL);
	check_decode("&AOkAYQ-", NULL);
	/* Surrogates: lone high, lone low, high then not low, reversed,
	 * and a pair split across two runs. */
	check_decode("&2Dw-", NULL);
	check_decode("&34k-", NULL);
	check_decode("&2DwA6Q-", NULL);
	check_decode("&34nYPA-", NULL);
	check_decode("&2Dw-&34k-", NULL);
	check_decode("&2DzYPA-", NULL);
	/* Raw bytes that are not printable ASCII. */
	check_decode("R\303\251unions", NULL);
	check_decode("a\001b", NULL);
	check_decode("a\tb", NULL);
	check_decode("\177", NULL);
	check_decode("\377", NULL);
}

static void
test_encode_malformed(void **state)
{
	check_encode(NULL, NULL);
	check_encode("\377", NULL);
	check_encode("ok\303", NULL);		/* truncated */
	check_encode("ok\346\227", NULL);	/* truncated */
	check_encode("\300\257", NULL);		/* overlong "/" */
	check_encode("\340\200\257", NULL);	/* overlong "/" */
	check_encode("\355\240\200", NULL);	/* a surrogate */
	check_encode("\355\277\277", NULL);	/* a surrogate */
	check_encode("\364\220\200\200", NULL);	/* beyond U+10FFFF */
	check_encode("\370\210\200\200\200", NULL);
	check_encode("\200", NULL);		/* a lone continuation */
	check_encode("a\303(", NULL);
}

/* Put code point c in buf as UTF-8; returns the length. */
static size_t
put_utf8(char *buf, uint32_t c)
{
	if (c < 0x80) {
		buf[0] = (char)c;
		return 1;
	}
	if (c < 0x800) {
		buf[0] = (char)(0xc0 | (c >> 6));
		buf[1] = (char)(0x80 | (c & 0x3f));
		return 2;
	}
	if (c < 0x10000) {
		buf[0] = (char)(0xe0 | (c >> 12));
		buf[1] = (char)(0x80 | ((c >> 6) & 0x3f));
		buf[2] = (char)(0x80 | (c & 0x3f));
		return 3;
	}
	buf[0] = (char)(0xf0 | (c >> 18));
	buf[1] = (char)(0x80 | ((c >> 12) & 0x3f));
	buf[2] = (char)(0x80 | ((c >> 6) & 0x3f));
	buf[3] = (char)(0x80 | (c & 0x3f));
	return 4;
}

static void
round_trip(const char *utf8)
{
	char	*utf7, *back, *again;

	utf7 = imap_utf7_encode(utf8);
	assert_non_null(utf7);
	back = imap_utf7_decode(utf7);
	if (back == NULL)
		fail_msg("\"%s\" (from \"%s\") did not decode", utf7, utf8);
	assert_string_equal(back, utf8);
	/* The encoding is canonical: encoding again gives the same. */
	again = imap_utf7_encode(back);
	assert_string_equal(again, utf7);
	free(again);
	free(back);
	free(utf7);
}

static void
test_round_trip(void **state)
{
	char		 buf[32];
	uint32_t	 c;
	size_t		 n;

	round_trip("Réunions & Entwürfe/日本語 🎉🎉 ok&");
	round_trip("&&&é&é&");
	round_trip("\001\002\003 a\037b\177c\302\200");
	/* Every scalar value, alone and between ASCII and others. */
	for (c = 1; c <= 0x10ffff; c++) {
		if (c >= 0xd800 && c <= 0xdfff)
			continue;
		n = 0;
		buf[n++] = 'x';
		n += put_utf8(buf + n, c);
		n += put_utf8(buf + n, c);
		buf[n++] = '-';
		n += put_utf8(buf + n, c);
		n += put_utf8(buf + n, 0xe9);
		buf[n] = '\0';
		round_trip(buf);
	}
}

static void
test_decode_lenient_runs(void **state)
{
	char	*s;

	/* Two runs back to back are not canonical but are well formed. */
	check_decode("&AOk-&AOk-", "éé");
	s = imap_utf7_encode("éé");
	assert_string_equal(s, "&AOkA6Q-");
	free(s);
}

/* Random bytes and random strings of the interesting characters must
 * never crash, and whatever decodes must encode and decode again. */
static void
test_hostile(void **state)
{
	static const char	 pick[] = "&-AOk2DzfiQ34+,/= \001\303\251";
	char			 buf[64], *out, *back, *enc;
	unsigned int		 seed = 12345;
	int			 i, j, n;

	for (i = 0; i < 200000; i++) {
		n = rand_r(&seed) % (int)(sizeof buf - 1);
		for (j = 0; j < n; j++) {
			if (i % 2)
				buf[j] = pick[rand_r(&seed) %
				    (sizeof pick - 1)];
			else
				buf[j] = (char)(1 + rand_r(&seed) % 255);
		}
		buf[n] = '\0';
		if ((out = imap_utf7_decode(buf)) != NULL) {
			enc = imap_utf7_encode(out);
			assert_non_null(enc);
			back = imap_utf7_decode(enc);
			assert_non_null(back);
			assert_string_equal(back, out);
			free(back);
			free(enc);
			free(out);
		}
		free(imap_utf7_encode(buf));
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ascii),
		cmocka_unit_test(test_ampersand),
		cmocka_unit_test(test_latin),
		cmocka_unit_test(test_japanese),
		cmocka_unit_test(test_emoji),
		cmocka_unit_test(test_controls),
		cmocka_unit_test(test_decode_malformed),
		cmocka_unit_test(test_encode_malformed),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_decode_lenient_runs),
		cmocka_unit_test(test_hostile),
	};

	return cmocka_run_group_tests_name("imap-utf7", tests, NULL, NULL);
}
