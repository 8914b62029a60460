/* test-mime-flowed: RFC 3676 format=flowed: soft breaks joined (DelSp
 * yes and no), stuffing removed, quote depths kept apart, signature
 * separator left alone, and odd input. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "mime-flowed.h"
#include "utf8.h"

static void
check(const char *in, int delsp, const char *want)
{
	char	*out = mime_flowed_decode(in, strlen(in), delsp);

	assert_non_null(out);
	assert_true(utf8_is_valid(out, strlen(out)));
	assert_string_equal(out, want);
	free(out);
}

static void
test_empty(void **state)
{
	check("", 0, "");
	check("\n", 0, "\n");
	check("\r\n\r\n", 0, "\n\n");
}

static void
test_join(void **state)
{
	/* DelSp=no: the space before a soft break is text. */
	check("The quick \r\nbrown fox \r\njumps.\r\nNext line.\r\n", 0,
	    "The quick brown fox jumps.\nNext line.\n");
	/* DelSp=yes: it is not (text without spaces between words). */
	check("日本語の \r\n文章です。\r\n", 1, "日本語の文章です。\n");
	check("The quick  \nbrown\n", 1, "The quick brown\n");
	/* A fixed line ends the paragraph; an empty line is one too. */
	check("a \nb\n\nc \nd\n", 0, "a b\n\nc d\n");
	/* Without a final newline the text ends the same way. */
	check("a \nb", 0, "a b");
	/* A flowed last line has nothing to join: its soft space goes. */
	check("a \nb \n", 0, "a b\n");
	check("a \nb ", 0, "a b");
	/* Trailing spaces beyond the soft one are kept as text. */
	check("a  \nb\n", 0, "a  b\n");
}

static void
test_stuffing(void **state)
{
	check(" From here\n", 0, "From here\n");
	check("  indented\n", 0, " indented\n");
	check(" >not a quote\n", 0, ">not a quote\n");
	/* Stuffing then flowed. */
	check(" a \n b\n", 0, "a b\n");
}

static void
test_quotes(void **state)
{
	/* Same depth joins; the space after the marks is stuffing. */
	check("> a \n> b\n", 0, "> a b\n");
	check(">> deep \n>> er\n", 0, ">> deep er\n");
	check(">a \n>b\n", 0, "> a b\n");
	/* Different depths never join, in either direction. */
	check("> one \n>> two\n", 0, "> one\n>> two\n");
	check(">> two \n> one\n", 0, ">> two\n> one\n");
	check("> quoted \nnot quoted\n", 0, "> quoted\nnot quoted\n");
	check("text \n> quote\n", 0, "text\n> quote\n");
	/* An empty quoted line, and marks with only stuffing. */
	check(">\n> \n>>\n", 0, ">\n>\n>>\n");
	/* Paragraphs by depth, with DelSp=yes. */
	check("> a \n> b\n>\n> c\n", 1, "> ab\n>\n> c\n");
}

static void
test_signature(void **state)
{
	/* "-- " is a separator, not a soft break: never joined. */
	check("Bye \n-- \nMe\n", 0, "Bye\n-- \nMe\n");
	check("-- \nMe \nand more\n", 0, "-- \nMe and more\n");
	check("-- \n-- \n", 1, "-- \n-- \n");
	/* Quoted separators too. */
	check("> Bye \n> -- \n> Him\n", 0, "> Bye\n> -- \n> Him\n");
	/* "--" and "--  " are ordinary lines. */
	check("--\n", 0, "--\n");
	check("--  \nx\n", 0, "--  x\n");
}

static void
test_hostile(void **state)
{
	char	*s, *out;
	size_t	 n = 1024 * 1024, i;

	/* Only marks, only spaces, CR without LF. */
	check(">>>>>>>>", 0, ">>>>>>>>");
	check("     ", 0, "   ");
	check("a\rb \r\nc", 0, "a\rb c");
	/* UTF-8 stays whole: breaks are only at ASCII. */
	check("caf\xc3\xa9 \n\xc3\xa9t\xc3\xa9\n", 1, "café\xc3\xa9té\n");
	/* A megabyte of soft breaks, and of quote marks: completes. */
	s = malloc(n + 1);
	assert_non_null(s);
	for (i = 0; i < n; i++)
		s[i] = i % 2 ? '\n' : ' ';
	s[n] = '\0';
	out = mime_flowed_decode(s, n, 0);
	assert_non_null(out);
	free(out);
	memset(s, '>', n);
	out = mime_flowed_decode(s, n, 1);
	assert_int_equal(strlen(out), n);
	free(out);
	free(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_join),
		cmocka_unit_test(test_stuffing),
		cmocka_unit_test(test_quotes),
		cmocka_unit_test(test_signature),
		cmocka_unit_test(test_hostile),
	};

	return cmocka_run_group_tests_name("mime-flowed", tests, NULL, NULL);
}
