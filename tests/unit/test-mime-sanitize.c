/* test-mime-sanitize: what reaches the screen: escapes, C1 controls, bidi
 * overrides and broken UTF-8 from hostile headers and bodies. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "mime-sanitize.h"

static void
check(const char *in, size_t len, int flags, const char *want)
{
	char	*got = mime_sanitize(in, len, flags);

	assert_string_equal(got, want);
	free(got);
}

#define CHECK(in, flags, want)	check(in, sizeof(in) - 1, flags, want)

static void
test_plain(void **state)
{
	CHECK("", 0, "");
	CHECK("Hello, world", 0, "Hello, world");
	CHECK("Grüße 日本語 🎉", 0, "Grüße 日本語 🎉");
}

static void
test_escapes(void **state)
{
	/* A title-setting sequence and a colour change lose their ESC and
	 * the BEL; what is left is harmless text. */
	CHECK("a\x1b]0;pwned\x07z", 0, "a]0;pwnedz");
	CHECK("\x1b[2J\x1b[31mred", 0, "[2J[31mred");
	/* C1 CSI (U+009B) in UTF-8, and a raw 0x9b byte. */
	CHECK("x\xc2\x9b" "2Jy", 0, "x2Jy");
	CHECK("x\x9b" "2Jy", 0, "x\xef\xbf\xbd" "2Jy");
	CHECK("del\x7f" "ete", 0, "delete");

}

static void
test_bidi(void **state)
{
	/* RIGHT-TO-LEFT OVERRIDE would show "exe.pdf" for "fdp.exe". */
	CHECK("invoice\xe2\x80\xae" "fdp.exe", 0, "invoicefdp.exe");
	CHECK("a\xe2\x81\xa6" "b\xe2\x81\xa9" "c", 0, "abc");
	CHECK("a\xe2\x80\x8f" "b", 0, "ab");
}

static void
test_newlines(void **state)
{
	CHECK("Subject\r\n\tfolded  on\nlines", 0, "Subject folded  on lines");
	CHECK("line 1\r\nline 2\n\tindented", MIME_SANITIZE_KEEP_NEWLINES,
	    "line 1\nline 2\n\tindented");
}

static void
test_invalid_utf8(void **state)
{
	CHECK("\xff\xfe", 0, "\xef\xbf\xbd\xef\xbf\xbd");
	/* Overlong "/" and a UTF-16 surrogate. */
	CHECK("\xc0\xaf", 0, "\xef\xbf\xbd\xef\xbf\xbd");
	CHECK("\xed\xa0\x80", 0, "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
	/* Truncated at the end. */
	CHECK("ok\xe6\x97", 0, "ok\xef\xbf\xbd\xef\xbf\xbd");
	/* An embedded NUL is a control: dropped. */
	check("a\0b", 3, 0, "ab");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain),
		cmocka_unit_test(test_escapes),
		cmocka_unit_test(test_bidi),
		cmocka_unit_test(test_newlines),
		cmocka_unit_test(test_invalid_utf8),
	};

	return cmocka_run_group_tests_name("mime-sanitize", tests, NULL, NULL);
}
