/* test-compose-text: the compose screen's header edits on a draft's text:
 * replaced in place, added before the empty line, removed, body kept. */
#include "auto-config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "compose-text.h"

#define DRAFT	"From: Me <me@example.org>\n" \
		"To: a@example.org,\n" \
		"  b@example.org\n" \
		"Subject: hello\n" \
		"\n" \
		"To: not a header\n"

static void
test_get(void **state)
{
	char	*v;

	(void)state;
	v = compose_text_get(DRAFT, "to");
	assert_string_equal(v, "a@example.org, b@example.org");
	free(v);
	v = compose_text_get(DRAFT, "Subject");
	assert_string_equal(v, "hello");
	free(v);
	/* Below the empty line is the body, not a header. */
	assert_null(compose_text_get("Subject: x\n\nCc: y\n", "Cc"));
	assert_null(compose_text_get(DRAFT, "Bcc"));
}

static void
test_set_replaces_folded(void **state)
{
	char	*t;

	(void)state;
	t = compose_text_set(DRAFT, "To", "c@example.org");
	assert_string_equal(t, "From: Me <me@example.org>\n"
	    "To: c@example.org\n"
	    "Subject: hello\n"
	    "\n"
	    "To: not a header\n");
	free(t);
}

static void
test_set_adds_and_removes(void **state)
{
	char	*t, *u;

	(void)state;
	t = compose_text_set(DRAFT, "Cc", "d@example.org");
	assert_string_equal(t, "From: Me <me@example.org>\n"
	    "To: a@example.org,\n"
	    "  b@example.org\n"
	    "Subject: hello\n"
	    "Cc: d@example.org\n"
	    "\n"
	    "To: not a header\n");
	u = compose_text_set(t, "cc", "");
	assert_string_equal(u, DRAFT);
	free(t);
	free(u);
	/* One edit is one line: a typed line break cannot add a header. */
	t = compose_text_set("Subject: a\n\nbody", "Subject", "x\nBcc: y");
	assert_string_equal(t, "Subject: x Bcc: y\n\nbody");
	free(t);
}

static void
test_no_empty_line(void **state)
{
	char	*t;

	(void)state;
	t = compose_text_set("To: a@example.org", "Subject", "s");
	assert_string_equal(t, "To: a@example.org\nSubject: s\n\n");
	free(t);
	t = compose_text_add("", "To", "a@example.org");
	assert_string_equal(t, "To: a@example.org\n\n");
	free(t);
}

static void
test_attach_lines(void **state)
{
	char	*t, *u;

	(void)state;
	t = compose_text_add("Subject: s\r\n\r\nbody\r\n", "Attach", "/tmp/a");
	u = compose_text_add(t, "Attach", "/tmp/b");
	free(t);
	assert_string_equal(u, "Subject: s\r\nAttach: /tmp/a\nAttach: "
	    "/tmp/b\n\r\nbody\r\n");
	t = compose_text_remove(u, "attach", 0);
	assert_string_equal(t, "Subject: s\r\nAttach: /tmp/b\n\r\nbody\r\n");
	free(u);
	u = compose_text_remove(t, "Attach", 5);
	assert_string_equal(u, t);
	free(t);
	free(u);
	/* A header whose name only starts the same is another one. */
	t = compose_text_set("Attachment: x\n\n", "Attach", NULL);
	assert_string_equal(t, "Attachment: x\n\n");
	free(t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_get),
		cmocka_unit_test(test_set_replaces_folded),
		cmocka_unit_test(test_set_adds_and_removes),
		cmocka_unit_test(test_no_empty_line),
		cmocka_unit_test(test_attach_lines),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
