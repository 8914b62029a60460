/* test-theme: the theme file parser (good files, every kind of bad line
 * with its file and line, NULL and hostile input), the shipped themes, and
 * the colour fallback from 256 to 16, 8 and none. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "theme-file.h"

static struct theme_style	styles[THEME_COUNT];

/* Parse text over the defaults; the errors (or NULL). */
static char *
parse(const char *text, enum theme_file_status *status)
{
	char	*errors = (char *)1;

	theme_file_defaults(styles);
	*status = theme_file_parse("t.theme", text, strlen(text), styles,
	    &errors);
	return errors;
}

/* Expect text to be refused with a message containing want. */
static void
assert_refused(const char *text, const char *want)
{
	enum theme_file_status	 status;
	char			*errors = parse(text, &status);

	assert_int_equal(status, THEME_FILE_INVALID);
	assert_non_null(errors);
	if (strstr(errors, want) == NULL) {
		fprintf(stderr, "wanted '%s' in:\n%s", want, errors);
		fail();
	}
	free(errors);
}

static void
test_good(void **state)
{
	enum theme_file_status	 status;
	char			*errors;

	(void)state;
	errors = parse(
	    "# a comment\n"
	    "\n"
	    "status = 231 24 bold\n"
	    "  index.unread\t=\tbrightcyan   default bold underline # new\n"
	    "pager.quote1 = cyan\n"
	    "pager.url = colour81 default underline\n"
	    "INDEX.Cursor = Default DEFAULT Reverse Standout Dim\n"
	    "sidebar.border = color240\n"
	    "error = red\r\n", &status);
	assert_null(errors);
	assert_int_equal(status, THEME_FILE_OK);
	assert_int_equal(styles[THEME_STATUS].fg, 231);
	assert_int_equal(styles[THEME_STATUS].bg, 24);
	assert_int_equal(styles[THEME_STATUS].attrs, THEME_ATTR_BOLD);
	assert_int_equal(styles[THEME_INDEX_UNREAD].fg, 14);
	assert_int_equal(styles[THEME_INDEX_UNREAD].bg, THEME_COLOR_DEFAULT);
	assert_int_equal(styles[THEME_INDEX_UNREAD].attrs,
	    THEME_ATTR_BOLD | THEME_ATTR_UNDERLINE);
	/* A line replaces the element's defaults, attributes and all. */
	assert_int_equal(styles[THEME_PAGER_QUOTE1].fg, 6);
	assert_int_equal(styles[THEME_PAGER_QUOTE1].attrs, 0);
	assert_int_equal(styles[THEME_PAGER_URL].fg, 81);
	assert_int_equal(styles[THEME_INDEX_CURSOR].fg, THEME_COLOR_DEFAULT);
	assert_int_equal(styles[THEME_INDEX_CURSOR].attrs, THEME_ATTR_REVERSE |
	    THEME_ATTR_STANDOUT | THEME_ATTR_DIM);
	assert_int_equal(styles[THEME_SIDEBAR_BORDER].fg, 240);
	assert_int_equal(styles[THEME_ERROR].fg, 1);
	/* What the file leaves out keeps the monochrome look. */
	assert_int_equal(styles[THEME_SIDEBAR_CURSOR].attrs,
	    THEME_ATTR_REVERSE);
	assert_int_equal(styles[THEME_PAGER_SIGNATURE].attrs, THEME_ATTR_DIM);
	assert_int_equal(styles[THEME_PAGER_SIGNATURE].fg,
	    THEME_COLOR_DEFAULT);
}

static void
test_empty(void **state)
{
	enum theme_file_status	 status;
	struct theme_style	 mono[THEME_COUNT];
	char			*errors;

	(void)state;
	theme_file_defaults(mono);
	errors = parse("", &status);
	assert_null(errors);
	assert_int_equal(status, THEME_FILE_OK);
	assert_memory_equal(styles, mono, sizeof mono);
	errors = parse("\n\n   \n# only comments\n", &status);
	assert_null(errors);
	assert_int_equal(status, THEME_FILE_OK);
	/* NULL text of no length, and no error string wanted. */
	assert_int_equal(theme_file_parse("t", NULL, 0, styles, NULL),
	    THEME_FILE_OK);
	assert_int_equal(theme_file_parse("t", "x\n", 2, styles, NULL),
	    THEME_FILE_INVALID);
}

static void
test_bad(void **state)
{
	(void)state;
	assert_refused("status = red\nbogus line\n",
	    "t.theme:2: expected ELEMENT = FG [BG] [ATTR...]");
	assert_refused("\n\nindex.unred = red\n",
	    "t.theme:3: unknown element 'index.unred'; did you mean "
	    "'index.unread'?");
	assert_refused("frobnicate = red\n",
	    "t.theme:1: unknown element 'frobnicate' (see");
	assert_refused(" = red\n", "t.theme:1: unknown element ''");
	assert_refused("status = purple\n",
	    "t.theme:1: status: 'purple' is not a colour");
	assert_refused("status = 256\n", "'256' is not a colour");
	assert_refused("status = -1\n", "'-1' is not a colour");
	assert_refused("status = color\n", "'color' is not a colour");
	assert_refused("status = 0x10\n", "'0x10' is not a colour");
	assert_refused("status = 00000000000000000001\n", "is not a colour");
	assert_refused("status = bold\n", "'bold' is not a colour");
	assert_refused("status = red blink\n",
	    "'blink' is not a colour or an attribute");
	assert_refused("status = red blue green\n",
	    "'green' is not an attribute");
	assert_refused("status =\n", "t.theme:1: status needs a colour");
	assert_refused("status = # nothing\n", "status needs a colour");
	assert_refused("status = red\nstatus = blue\n",
	    "t.theme:2: status is set twice (first on line 1)");
}

/* Every bad line is reported, each with its own number. */
static void
test_many_errors(void **state)
{
	enum theme_file_status	 status;
	char			*errors, *text;
	size_t			 i, len = 0;

	(void)state;
	errors = parse("a = red\nstatus = red\nb = red\n", &status);
	assert_int_equal(status, THEME_FILE_INVALID);
	assert_non_null(strstr(errors, "t.theme:1: "));
	assert_null(strstr(errors, "t.theme:2: "));
	assert_non_null(strstr(errors, "t.theme:3: "));
	free(errors);
	/* A file of nothing but errors stops being reported. */
	text = calloc(1000, 4);
	assert_non_null(text);
	for (i = 0; i < 1000; i++)
		len += (size_t)sprintf(text + len, "x\n");
	errors = parse(text, &status);
	assert_int_equal(status, THEME_FILE_INVALID);
	assert_non_null(strstr(errors, "too many errors"));
	assert_true(strlen(errors) < 4096);
	free(errors);
	free(text);
}

static void
test_hostile(void **state)
{
	enum theme_file_status	 status;
	char			 text[] = "status = red\0 blue\n";
	char			*errors, *big;

	(void)state;
	theme_file_defaults(styles);
	errors = NULL;
	status = theme_file_parse("t.theme", text, sizeof text - 1, styles,
	    &errors);
	assert_int_equal(status, THEME_FILE_INVALID);
	assert_non_null(strstr(errors, "t.theme:1: a NUL byte"));
	free(errors);
	/* A long line and bytes that are not text are errors, not more. */
	big = malloc(100001);
	assert_non_null(big);
	memset(big, 'a', 100000);
	big[100000] = '\0';
	errors = parse(big, &status);
	assert_int_equal(status, THEME_FILE_INVALID);
	free(errors);
	memcpy(big, "status = \xff\xfe", 11);
	errors = parse(big, &status);
	assert_int_equal(status, THEME_FILE_INVALID);
	free(errors);
	free(big);
	errors = parse("status = red = blue\n", &status);
	assert_int_equal(status, THEME_FILE_INVALID);
	free(errors);
	/* No final newline is fine. */
	errors = parse("status = red", &status);
	assert_null(errors);
	assert_int_equal(styles[THEME_STATUS].fg, 1);
}

static void
test_names(void **state)
{
	int	i;

	(void)state;
	for (i = 0; i < THEME_COUNT; i++) {
		assert_non_null(theme_file_element_name(i));
		assert_int_equal(theme_file_element_find(
		    theme_file_element_name(i)), i);
	}
	assert_null(theme_file_element_name(THEME_COUNT));
	assert_null(theme_file_element_name(-1));
	assert_int_equal(theme_file_element_find(NULL), -1);
	assert_int_equal(theme_file_element_find(""), -1);
	assert_int_equal(theme_file_element_find("index.cursor"),
	    THEME_INDEX_CURSOR);
}

/* The shipped themes parse, set every element, and keep to their kind. */
static void
test_shipped(void **state)
{
	static const char * const names[] = { "default", "light", "16",
	    "mono" };
	const char		*dir = getenv("top_srcdir");
	enum theme_file_status	 status;
	struct theme_style	 mono[THEME_COUNT];
	char			 path[4096], *errors;
	size_t			 i;
	int			 e, wide, colored, set;

	(void)state;
	if (dir == NULL)
		dir = "..";
	theme_file_defaults(mono);
	for (i = 0; i < sizeof names / sizeof names[0]; i++) {
		snprintf(path, sizeof path, "%s/themes/%s.theme", dir,
		    names[i]);
		/* Sentinels: an element the file misses keeps them. */
		for (e = 0; e < THEME_COUNT; e++) {
			styles[e].fg = 99;
			styles[e].bg = 99;
			styles[e].attrs = 0x80;
		}
		status = theme_file_load(path, styles, &errors);
		if (status != THEME_FILE_OK) {
			fprintf(stderr, "%s", errors != NULL ? errors : path);
			fail();
		}
		wide = colored = 0;
		for (e = 0; e < THEME_COUNT; e++) {
			set = styles[e].attrs != 0x80;
			if (!set)
				fprintf(stderr, "%s: %s missing\n", path,
				    theme_file_element_name(e));
			assert_true(set);
			if (styles[e].fg >= 16 || styles[e].bg >= 16)
				wide = 1;
			if (styles[e].fg != THEME_COLOR_DEFAULT ||
			    styles[e].bg != THEME_COLOR_DEFAULT)
				colored = 1;
		}
		if (strcmp(names[i], "16") == 0)
			assert_false(wide);
		if (strcmp(names[i], "mono") == 0) {
			assert_false(colored);
			/* It is the built-in look, written out. */
			assert_memory_equal(styles, mono, sizeof mono);
		} else
			assert_true(colored);
		if (strcmp(names[i], "default") == 0 ||
		    strcmp(names[i], "light") == 0)
			assert_true(wide);
	}
	/* A missing file and one that is not a file say so. */
	errors = NULL;
	assert_int_equal(theme_file_load("/nonexistent/x.theme", styles,
	    &errors), THEME_FILE_NOT_FOUND);
	assert_non_null(strstr(errors, "/nonexistent/x.theme"));
	free(errors);
	assert_int_equal(theme_file_load("/", styles, &errors),
	    THEME_FILE_IO_ERROR);
	free(errors);
}

static void
test_reduce(void **state)
{
	int	c;

	(void)state;
	/* 256 colours: as written. */
	for (c = 0; c < 256; c++)
		assert_int_equal(theme_file_color_reduce(c, 256), c);
	assert_int_equal(theme_file_color_reduce(200, 32767), 200);
	/* None, or too few: nothing. */
	for (c = -1; c < 256; c++) {
		assert_int_equal(theme_file_color_reduce(c, 0),
		    THEME_COLOR_DEFAULT);
		assert_int_equal(theme_file_color_reduce(c, 2),
		    THEME_COLOR_DEFAULT);
	}
	assert_int_equal(theme_file_color_reduce(THEME_COLOR_DEFAULT, 256),
	    THEME_COLOR_DEFAULT);
	assert_int_equal(theme_file_color_reduce(THEME_COLOR_DEFAULT, 8),
	    THEME_COLOR_DEFAULT);
	assert_int_equal(theme_file_color_reduce(256, 256),
	    THEME_COLOR_DEFAULT);
	/* 16: the basic ones stay, the rest go to the nearest of them. */
	for (c = 0; c < 16; c++)
		assert_int_equal(theme_file_color_reduce(c, 16), c);
	for (c = 16; c < 256; c++) {
		assert_true(theme_file_color_reduce(c, 16) >= 0);
		assert_true(theme_file_color_reduce(c, 16) < 16);
		assert_true(theme_file_color_reduce(c, 8) >= 0);
		assert_true(theme_file_color_reduce(c, 8) < 8);
		assert_true(theme_file_color_reduce(c, 88) < 16);
	}
	assert_int_equal(theme_file_color_reduce(196, 16), 9);	/* red */
	assert_int_equal(theme_file_color_reduce(46, 16), 10);	/* green */
	assert_int_equal(theme_file_color_reduce(21, 16), 12);	/* blue */
	assert_int_equal(theme_file_color_reduce(19, 16), 4);	/* dark blue */
	assert_int_equal(theme_file_color_reduce(203, 16), 9);	/* salmon */
	assert_int_equal(theme_file_color_reduce(214, 16), 11);	/* orange */
	assert_int_equal(theme_file_color_reduce(114, 16), 10);	/* pale green */
	assert_int_equal(theme_file_color_reduce(226, 16), 11);	/* yellow */
	assert_int_equal(theme_file_color_reduce(51, 16), 14);	/* cyan */
	assert_int_equal(theme_file_color_reduce(201, 16), 13);	/* magenta */
	assert_int_equal(theme_file_color_reduce(16, 16), 0);	/* black */
	assert_int_equal(theme_file_color_reduce(231, 16), 15);	/* white */
	assert_int_equal(theme_file_color_reduce(232, 16), 0);	/* greys */
	assert_int_equal(theme_file_color_reduce(244, 16), 8);
	assert_int_equal(theme_file_color_reduce(254, 16), 7);
	assert_int_equal(theme_file_color_reduce(160, 16), 1);	/* dark red */
	assert_int_equal(theme_file_color_reduce(28, 16), 2);	/* green */
	/* 8: bright ones become their plain selves, grey is not black. */
	assert_int_equal(theme_file_color_reduce(9, 8), 1);
	assert_int_equal(theme_file_color_reduce(12, 8), 4);
	assert_int_equal(theme_file_color_reduce(15, 8), 7);
	assert_int_equal(theme_file_color_reduce(196, 8), 1);
	assert_int_equal(theme_file_color_reduce(244, 8), 7);
	assert_int_equal(theme_file_color_reduce(3, 8), 3);
}

static void
test_fit(void **state)
{
	struct theme_style	in, out;

	(void)state;
	/* Colours that survive keep the element's own attributes. */
	in.fg = 196;
	in.bg = THEME_COLOR_DEFAULT;
	in.attrs = 0;
	out = theme_file_fit(THEME_INDEX_UNREAD, &in, 256);
	assert_int_equal(out.fg, 196);
	assert_int_equal(out.attrs, 0);
	out = theme_file_fit(THEME_INDEX_UNREAD, &in, 16);
	assert_int_equal(out.fg, 9);
	assert_int_equal(out.bg, THEME_COLOR_DEFAULT);
	assert_int_equal(out.attrs, 0);
	/* None: the monochrome look's attributes join the element's. */
	out = theme_file_fit(THEME_INDEX_UNREAD, &in, 0);
	assert_int_equal(out.fg, THEME_COLOR_DEFAULT);
	assert_int_equal(out.bg, THEME_COLOR_DEFAULT);
	assert_int_equal(out.attrs, THEME_ATTR_BOLD);
	in.fg = 231;
	in.bg = 24;
	in.attrs = THEME_ATTR_BOLD;
	out = theme_file_fit(THEME_STATUS, &in, 0);
	assert_int_equal(out.attrs, THEME_ATTR_BOLD | THEME_ATTR_REVERSE);
	/* An element without colours is as it was. */
	in.fg = in.bg = THEME_COLOR_DEFAULT;
	in.attrs = THEME_ATTR_UNDERLINE;
	out = theme_file_fit(THEME_STATUS, &in, 0);
	assert_int_equal(out.attrs, THEME_ATTR_UNDERLINE);
	/* Text and background that fall on one colour lose both. */
	in.fg = 253;
	in.bg = 254;
	in.attrs = 0;
	out = theme_file_fit(THEME_STATUS, &in, 16);
	assert_int_equal(out.fg, THEME_COLOR_DEFAULT);
	assert_int_equal(out.bg, THEME_COLOR_DEFAULT);
	assert_int_equal(out.attrs, THEME_ATTR_REVERSE);
	out = theme_file_fit(THEME_STATUS, &in, 256);
	assert_int_equal(out.fg, 253);
	assert_int_equal(out.bg, 254);
	/* Written the same on purpose, they stay. */
	in.fg = in.bg = 4;
	out = theme_file_fit(THEME_STATUS, &in, 8);
	assert_int_equal(out.fg, 4);
	assert_int_equal(out.bg, 4);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_bad),
		cmocka_unit_test(test_many_errors),
		cmocka_unit_test(test_hostile),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_shipped),
		cmocka_unit_test(test_reduce),
		cmocka_unit_test(test_fit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
