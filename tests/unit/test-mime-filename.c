/* test-mime-filename: hostile attachment names made safe to save. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "mime-filename.h"

static void
check(const char *in, const char *want)
{
	char	*got = mime_filename_safe(in);

	assert_string_equal(got, want);
	free(got);
}

static void
test_names(void **state)
{
	check("report.pdf", "report.pdf");
	check("Résumé 2024.pdf", "Résumé 2024.pdf");
	check(NULL, "attachment");
	check("", "attachment");
	/* Paths of either kind lose everything but the last part. */
	check("../../.bashrc", "bashrc");
	check("/etc/passwd", "passwd");
	check("C:\\Windows\\evil.exe", "evil.exe");
	check("dir/", "attachment");
	check("..", "attachment");
	check(". . .", "attachment");
	/* Controls, escapes and bidi overrides go. */
	check("a\x1b[31mb", "a[31mb");
	check("new\nline\t.txt", "new line .txt");
	check("invoice\xe2\x80\xae" "fdp.exe", "invoicefdp.exe");
	check("x\xc2\x9by", "xy");
	/* Trailing dots and spaces (Windows drops them silently). */
	check("name.txt. . ", "name.txt");
}

static void
test_length(void **state)
{
	char	 in[1000], *got;
	size_t	 i;

	for (i = 0; i + 2 < sizeof in; i += 2)
		memcpy(in + i, "\xc3\xa9", 2);	/* é, two bytes each */
	in[i] = '\0';
	got = mime_filename_safe(in);
	assert_true(strlen(got) <= 255);
	/* Cut between characters: an even number of bytes. */
	assert_int_equal(strlen(got) % 2, 0);
	free(got);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_length),
	};

	return cmocka_run_group_tests_name("mime-filename", tests, NULL, NULL);
}
