/* test-mime-decode: transfer encodings, charsets (mislabelled, unknown,
 * broken) and the HTML fallback. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "mime-decode.h"

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
		cmocka_unit_test(test_html),
	};

	return cmocka_run_group_tests_name("mime-decode", tests, NULL, NULL);
}
