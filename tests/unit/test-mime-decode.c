/* test-mime-decode: transfer encodings, charsets (aliases, mislabelled,
 * unknown, broken) and the HTML fallback. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "mime-decode.h"
#include "utf8.h"

static void
test_transfer(void **state)
{
	char	*out;
	size_t	 len;

	mime_decode_transfer("base64", "aGVsbG8gd29ybGQ=", 16, &out, &len);
	assert_int_equal(len, 11);
	assert_string_equal(out, "hello world");
	free(out);
	mime_decode_transfer("Quoted-Printable", "caf=C3=A9 =\r\nau lait", 21,
	    &out, &len);
	assert_string_equal(out, "café au lait");
	free(out);
	mime_decode_transfer(NULL, "as is", 5, &out, &len);
	assert_string_equal(out, "as is");
	free(out);
	mime_decode_transfer("x-uuencode", "as is", 5, &out, &len);
	assert_string_equal(out, "as is");
	free(out);
	/* Broken base64 does not crash. */
	mime_decode_transfer("base64", "!!!!====", 8, &out, &len);
	free(out);
}

static void
test_charsets(void **state)
{
	char	*out;
	int	 unknown;

	out = mime_decode_charset("iso-8859-1", "caf\xe9", 4, &unknown);
	assert_string_equal(out, "café");
	assert_int_equal(unknown, 0);
	free(out);
	/* Labelled Latin-1 but really Windows-1252 (curly quotes). */
	out = mime_decode_charset("iso-8859-1", "\x93hi\x94", 4, NULL);
	assert_string_equal(out, "\xe2\x80\x9chi\xe2\x80\x9d");
	free(out);
	/* Labelled ASCII but really UTF-8. */
	out = mime_decode_charset("us-ascii", "Gr\xc3\xbc\xc3\x9f" "e", 7,
	    NULL);
	assert_string_equal(out, "Grüße");
	free(out);
	out = mime_decode_charset("ISO-2022-JP",
	    "\x1b$B$3$s$K$A$O\x1b(B", 16, NULL);
	assert_string_equal(out, "こんにちは");
	free(out);
	/* Unknown: shown as UTF-8, with a note to the caller. */
	out = mime_decode_charset("x-no-such-charset", "plain", 5, &unknown);
	assert_string_equal(out, "plain");
	assert_int_equal(unknown, 1);
	free(out);
	/* Invalid bytes in UTF-8 become U+FFFD and the rest survives. */
	out = mime_decode_charset("utf-8", "a\xff" "b", 3, NULL);
	assert_string_equal(out, "a\xef\xbf\xbd" "b");
	free(out);
}

/* Convert and check the text and the unknown note; the result is always
 * valid UTF-8. */
static void
check_charset(const char *charset, const char *in, size_t len,
    const char *want, int want_unknown)
{
	char	*out;
	int	 unknown = -1;

	out = mime_decode_charset(charset, in, len, &unknown);
	assert_true(utf8_is_valid(out, strlen(out)));
	assert_string_equal(out, want);
	assert_int_equal(unknown, want_unknown);
	free(out);
}

#define CHECK(cs, in, want)	check_charset(cs, in, sizeof in - 1, want, 0)

static void
test_aliases(void **state)
{
	/* UTF-8 however it is written. */
	CHECK("utf8", "caf\xc3\xa9", "café");
	CHECK("\"UTF-8\"", "caf\xc3\xa9", "café");
	CHECK(" 'utf-8' ", "caf\xc3\xa9", "café");
	CHECK("utf-8*en", "caf\xc3\xa9", "café");
	/* Latin-1 spellings, all read as windows-1252 unless UTF-8. */
	CHECK("latin1", "caf\xe9", "café");
	CHECK("iso8859-1", "caf\xe9", "café");
	CHECK("ISO_8859-1", "\x80", "€");
	CHECK("iso_8859-15", "\xa4", "€");
	CHECK("latin9", "\xa4", "€");
	CHECK("windows-1252", "\x80\x93x\x94", "€\xe2\x80\x9cx\xe2\x80\x9d");
	CHECK("cp1252", "\x80", "€");
	/* ASCII by its RFC 1345 name, guessed like us-ascii. */
	CHECK("ansi_x3.4-1968", "caf\xc3\xa9", "café");
	CHECK("ANSI_X3.4-1968", "caf\xe9", "café");
	/* Labels that say nothing: guessed, not unknown. */
	CHECK("x-unknown", "caf\xe9", "café");
	CHECK("", "caf\xc3\xa9", "café");
	CHECK(NULL, "caf\xe9", "café");
	/* Korean: ks_c_5601-1987 and euc-kr are CP949 (U+B620 is only
	 * there). */
	CHECK("ks_c_5601-1987", "\xc7\xd1\xb1\xb9", "한국");
	CHECK("ks_c_5601-1987", "\x8c\x63", "똠");
	CHECK("euc-kr", "\xc7\xd1\xb1\xb9\xbe\xee", "한국어");
	CHECK("EUC-KR", "\x8c\x63", "똠");
	/* Chinese: gb2312 is read as GB18030 (U+4E02 is GBK only). */
	CHECK("gb2312", "\xd6\xd0\xce\xc4", "中文");
	CHECK("gb2312", "\x81\x40", "丂");
	CHECK("big5", "\xa4\xa4\xa4\xe5", "中文");
	/* UTF-7. */
	CHECK("unicode-1-1-utf-7", "Gr+APwA3w-e", "Grüße");
	/* Mac Roman. */
	CHECK("x-mac-roman", "caf\x8e", "café");
	CHECK("macintosh", "caf\x8e", "café");
	/* Shift_JIS as Windows sends it: 0x5C is a backslash, and NEC's
	 * circled digits are there. */
	CHECK("shift_jis", "\x93\xfa\x96\x7b", "日本");
	CHECK("sjis", "C:\\\x83\x65\x83\x58\x83\x67", "C:\\テスト");
	CHECK("x-sjis", "\x87\x40", "①");
	/* ISO-2022-JP is stateful: a bad byte inside the JIS part does not
	 * leave it, and a missing return to ASCII loses nothing. */
	CHECK("iso-2022-jp", "\x1b$B$3$s$K$A$O\x1b(B", "こんにちは");
	CHECK("ISO-2022-JP", "a\x1b$B$3\xff$s\x1b(Bz",
	    "aこ\xef\xbf\xbdんz");
	CHECK("iso-2022-jp", "\x1b$B$3$s", "こん");
	CHECK("koi8-r", "\xf0\xd2\xc9\xd7\xc5\xd4", "Привет");
	/* Not names: never given to iconv. */
	check_charset("../../x//TRANSLIT", "caf\xc3\xa9", 5, "café", 1);
	check_charset("utf-8//TRANSLIT", "caf\xe9", 4, "caf\xef\xbf\xbd", 1);
	/* NUL bytes are dropped, not a cut. */
	CHECK("utf-8", "a\0b", "ab");
	CHECK("utf-16be", "\0a\0\0\0b", "ab");
	CHECK(NULL, "a\0b", "ab");
}

static void
test_charset_name(void **state)
{
	char	name[MIME_DECODE_CHARSET_SIZE], tiny[4];
	char	long_name[80];

	assert_int_equal(mime_decode_charset_name("UTF8", name, sizeof name),
	    MIME_DECODE_LABEL_ICONV);
	assert_string_equal(name, "UTF-8");
	assert_int_equal(mime_decode_charset_name("ks_c_5601-1987", name,
	    sizeof name), MIME_DECODE_LABEL_ICONV);
	assert_string_equal(name, "CP949");
	assert_int_equal(mime_decode_charset_name("gb2312", name,
	    sizeof name), MIME_DECODE_LABEL_ICONV);
	assert_string_equal(name, "GB18030");
	assert_int_equal(mime_decode_charset_name("\"Shift_JIS\"", name,
	    sizeof name), MIME_DECODE_LABEL_ICONV);
	assert_string_equal(name, "CP932");
	/* Names not in the table go to iconv as they are. */
	assert_int_equal(mime_decode_charset_name("iso-8859-2*pl", name,
	    sizeof name), MIME_DECODE_LABEL_ICONV);
	assert_string_equal(name, "iso-8859-2");
	assert_int_equal(mime_decode_charset_name(NULL, name, sizeof name),
	    MIME_DECODE_LABEL_GUESS);
	assert_int_equal(mime_decode_charset_name("\"\"", name, sizeof name),
	    MIME_DECODE_LABEL_GUESS);
	assert_int_equal(mime_decode_charset_name("US-ASCII", name,
	    sizeof name), MIME_DECODE_LABEL_GUESS);
	assert_int_equal(mime_decode_charset_name("iso-8859-1", name,
	    sizeof name), MIME_DECODE_LABEL_GUESS);
	assert_int_equal(mime_decode_charset_name("a/b", name, sizeof name),
	    MIME_DECODE_LABEL_BAD);
	assert_int_equal(mime_decode_charset_name("utf 8", name, sizeof name),
	    MIME_DECODE_LABEL_BAD);
	memset(long_name, 'a', sizeof long_name - 1);
	long_name[sizeof long_name - 1] = '\0';
	assert_int_equal(mime_decode_charset_name(long_name, name,
	    sizeof name), MIME_DECODE_LABEL_BAD);
	/* A buffer too small is not overrun. */
	assert_int_equal(mime_decode_charset_name("gb2312", tiny,
	    sizeof tiny), MIME_DECODE_LABEL_BAD);
	assert_int_equal(mime_decode_charset_name("koi8", tiny, sizeof tiny),
	    MIME_DECODE_LABEL_BAD);
}

static void
test_guess(void **state)
{
	char	*out;

	/* UTF-8 sequences kept, other bytes windows-1252, holes U+FFFD. */
	out = mime_decode_guess("r\xe9sum\xc3\xa9 \x80\x81", 11);
	assert_string_equal(out, "résumé €\xef\xbf\xbd");
	free(out);
	out = mime_decode_guess("", 0);
	assert_string_equal(out, "");
	free(out);
}

static void
test_html(void **state)
{
	const char	*html = "<html><head><style>p { color: red }</style>"
	    "</head><body><p>Hello &amp; welcome,</p>\n<div>second"
	    "<br>line &lt;3</div><script>alert(1)</script></body></html>";
	char		*out = mime_decode_html(html, strlen(html));

	assert_string_equal(out, "Hello & welcome,\nsecond\nline <3\n");
	free(out);
	out = mime_decode_html("<unclosed", 9);
	assert_string_equal(out, "");
	free(out);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_transfer),
		cmocka_unit_test(test_charsets),
		cmocka_unit_test(test_aliases),
		cmocka_unit_test(test_charset_name),
		cmocka_unit_test(test_guess),
		cmocka_unit_test(test_html),
	};

	return cmocka_run_group_tests_name("mime-decode", tests, NULL, NULL);
}
