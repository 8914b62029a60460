/* test-utf8: the strict decoder every module shares. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "utf8.h"

static long
decode(const char *s, size_t len, size_t *used)
{
	return utf8_decode((const unsigned char *)s, len, used);
}

static void
test_decode(void **state)
{
	size_t	used;

	assert_int_equal(decode("A", 1, &used), 'A');
	assert_int_equal(used, 1);
	assert_int_equal(decode("\xc3\xa9", 2, &used), 0xe9);
	assert_int_equal(used, 2);
	assert_int_equal(decode("\xe6\x97\xa5", 3, &used), 0x65e5);
	assert_int_equal(decode("\xf0\x9f\x9a\x80", 4, &used), 0x1f680);
	assert_int_equal(used, 4);
	/* Overlong, surrogate, above U+10FFFF, truncated, stray bytes. */
	assert_int_equal(decode("\xc0\xaf", 2, &used), -1);
	assert_int_equal(used, 1);
	assert_int_equal(decode("\xe0\x80\xaf", 3, &used), -1);
	assert_int_equal(decode("\xed\xa0\x80", 3, &used), -1);
	assert_int_equal(decode("\xf4\x90\x80\x80", 4, &used), -1);
	assert_int_equal(decode("\xe6\x97", 2, &used), -1);
	assert_int_equal(decode("\x80", 1, &used), -1);
	assert_int_equal(decode("\xff", 1, &used), -1);
}

static void
test_is_valid(void **state)
{
	assert_true(utf8_is_valid("", 0));
	assert_true(utf8_is_valid("Grüße, 日本 🚀", strlen("Grüße, 日本 🚀")));
	assert_false(utf8_is_valid("ok\xff", 3));
	assert_false(utf8_is_valid("ok\xe6\x97", 4));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decode),
		cmocka_unit_test(test_is_valid),
	};

	return cmocka_run_group_tests_name("utf8", tests, NULL, NULL);
}
