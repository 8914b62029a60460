/* test-outbox: the queue of messages to send: add, list oldest first,
 * failures counted, remove, reopen, and files it did not write. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "outbox.h"

static char	*rcpts[] = { "bob@example.org", "carol@example.org" };

static int
setup(void **state)
{
	char	tmpl[] = "/tmp/test-outbox.XXXXXX";
	char	*dir;

	assert_non_null(mkdtemp(tmpl));
	dir = malloc(strlen(tmpl) + 8);
	sprintf(dir, "%s/outbox", tmpl);
	*state = dir;
	return 0;
}

static int
teardown(void **state)
{
	char	*dir = *state, cmd[256];

	dir[strlen(dir) - 7] = '\0';
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		return -1;
	free(dir);
	return 0;
}

static void
write_file(const char *dir, const char *name, const char *text)
{
	char	 path[512];
	FILE	*f;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	assert_non_null(f = fopen(path, "w"));
	fputs(text, f);
	fclose(f);
}

static int
exists(const char *dir, const char *name)
{
	char		path[512];
	struct stat	st;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	return stat(path, &st) == 0;
}

static void
test_add_list_remove(void **state)
{
	const char		*dir = *state;
	struct outbox		*ob;
	struct outbox_entry	*e;
	struct stat		 st;
	char			**ids, *id1, *id2, *error = NULL;
	size_t			 n;

	assert_int_equal(outbox_open(dir, &ob, &error), OUTBOX_OK);
	assert_int_equal(stat(dir, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
	assert_int_equal(outbox_list(ob, &ids, &n, &error), OUTBOX_OK);
	assert_int_equal(n, 0);
	outbox_list_free(ids, n);

	assert_int_equal(outbox_add(ob, "me@example.org", rcpts, 2, "Sent",
	    "Subject: one\r\n\r\nbody\0x\r\n", 24, &id1, &error), OUTBOX_OK);
	assert_int_equal(outbox_add(ob, "", rcpts, 1, NULL, "two", 3, &id2,
	    &error), OUTBOX_OK);
	assert_true(strcmp(id1, id2) < 0);

	assert_int_equal(outbox_list(ob, &ids, &n, &error), OUTBOX_OK);
	assert_int_equal(n, 2);
	assert_string_equal(ids[0], id1);
	assert_string_equal(ids[1], id2);
	outbox_list_free(ids, n);

	assert_int_equal(outbox_read(ob, id1, &e, &error), OUTBOX_OK);
	assert_string_equal(e->sender, "me@example.org");
	assert_int_equal(e->nrcpts, 2);
	assert_string_equal(e->rcpts[1], "carol@example.org");
	assert_string_equal(e->sent, "Sent");
	assert_int_equal(e->len, 24);
	assert_memory_equal(e->data, "Subject: one\r\n\r\nbody\0x\r\n", 24);
	assert_int_equal(e->attempts, 0);
	assert_null(e->error);
	outbox_entry_free(e);

	/* Failures are counted, the last error kept on one line. */
	assert_int_equal(outbox_failed(ob, id1, "451 try\nlater", &error),
	    OUTBOX_OK);
	assert_int_equal(outbox_failed(ob, id1, "connection refused", &error),
	    OUTBOX_OK);
	assert_int_equal(outbox_read(ob, id1, &e, &error), OUTBOX_OK);
	assert_int_equal(e->attempts, 2);
	assert_string_equal(e->error, "connection refused");
	outbox_entry_free(e);

	assert_int_equal(outbox_read(ob, id2, &e, &error), OUTBOX_OK);
	assert_string_equal(e->sender, "");
	assert_null(e->sent);
	outbox_entry_free(e);

	assert_int_equal(outbox_remove(ob, id1, &error), OUTBOX_OK);
	assert_int_equal(outbox_remove(ob, id1, &error), OUTBOX_NOT_FOUND);
	free(error);
	error = NULL;
	assert_int_equal(outbox_failed(ob, id1, "x", &error),
	    OUTBOX_NOT_FOUND);
	free(error);
	error = NULL;
	assert_int_equal(outbox_list(ob, &ids, &n, &error), OUTBOX_OK);
	assert_int_equal(n, 1);
	assert_string_equal(ids[0], id2);
	outbox_list_free(ids, n);
	outbox_close(ob);

	/* It all survives a reopen. */
	assert_int_equal(outbox_open(dir, &ob, &error), OUTBOX_OK);
	assert_int_equal(outbox_read(ob, id2, &e, &error), OUTBOX_OK);
	assert_memory_equal(e->data, "two", 3);
	outbox_entry_free(e);
	assert_int_equal(outbox_remove(ob, id2, &error), OUTBOX_OK);
	outbox_close(ob);
	outbox_close(NULL);
	free(id1);
	free(id2);
}

static void
test_refused_input(void **state)
{
	const char	*dir = *state;
	struct outbox	*ob;
	char		*bad[] = { "bob @example.org" }, *empty[] = { "" };
	char		*error = NULL, **ids;
	size_t		 n;

	assert_int_equal(outbox_open(dir, &ob, &error), OUTBOX_OK);
	assert_int_equal(outbox_add(ob, "me@example.org", rcpts, 0, NULL, "x",
	    1, NULL, &error), OUTBOX_INVALID);
	free(error);
	assert_int_equal(outbox_add(ob, "me@example.org", bad, 1, NULL, "x",
	    1, NULL, &error), OUTBOX_INVALID);
	free(error);
	assert_int_equal(outbox_add(ob, "me@example.org", empty, 1, NULL, "x",
	    1, NULL, &error), OUTBOX_INVALID);
	free(error);
	assert_int_equal(outbox_add(ob, "me\r\nrcpt evil@x", rcpts, 1, NULL,
	    "x", 1, NULL, &error), OUTBOX_INVALID);
	free(error);
	assert_int_equal(outbox_add(ob, "me@example.org", rcpts, 1,
	    "Sent\nrcpt evil@x", "x", 1, NULL, &error), OUTBOX_INVALID);
	free(error);
	error = NULL;
	assert_int_equal(outbox_list(ob, &ids, &n, &error), OUTBOX_OK);
	assert_int_equal(n, 0);
	outbox_list_free(ids, n);
	/* Ids are names in the directory: nothing outside it. */
	assert_int_equal(outbox_remove(ob, "../outbox", &error),
	    OUTBOX_NOT_FOUND);
	free(error);
	outbox_close(ob);
}

static void
test_half_written_and_garbage(void **state)
{
	const char		*dir = *state;
	struct outbox		*ob;
	struct outbox_entry	*e;
	char			**ids, *error = NULL;
	size_t			 n;

	assert_int_equal(outbox_open(dir, &ob, &error), OUTBOX_OK);
	outbox_close(ob);
	/* A crash in the middle of a write, and a status left alone. */
	write_file(dir, ".tmp.000000000001.000000.0000000001.00001.msg",
	    "skua-outbox 1\nsender a@b\n");
	write_file(dir, "000000000002.000000.0000000001.00001.status",
	    "attempts 1\nerror x\n");
	/* Files skua did not write. */
	write_file(dir, "000000000003.000000.0000000001.00001.msg",
	    "From: someone\n\nnot an outbox file\n");
	write_file(dir, "000000000004.000000.0000000001.00001.msg",
	    "skua-outbox 1\nsender a@b\n\nno recipients\n");
	write_file(dir, "000000000005.000000.0000000001.00001.msg",
	    "skua-outbox 1\nsender a@b\nrcpt c@d\nbcc e@f\n\nunknown line\n");
	write_file(dir, "000000000006.000000.0000000001.00001.msg",
	    "skua-outbox 1\nsender a@b\nrcpt c@d");
	write_file(dir, "notes.txt", "not a message\n");

	assert_int_equal(outbox_open(dir, &ob, &error), OUTBOX_OK);
	assert_false(exists(dir,
	    ".tmp.000000000001.000000.0000000001.00001.msg"));
	assert_false(exists(dir,
	    "000000000002.000000.0000000001.00001.status"));
	assert_int_equal(outbox_list(ob, &ids, &n, &error), OUTBOX_OK);
	assert_int_equal(n, 4);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(outbox_read(ob, ids[i], &e, &error),
		    OUTBOX_INVALID);
		assert_null(e);
		assert_non_null(strstr(error, "not a message skua queued"));
		free(error);
		error = NULL;
	}
	outbox_list_free(ids, n);
	assert_int_equal(outbox_read(ob, "000000000009.000000.0000000001.00001",
	    &e, &error), OUTBOX_NOT_FOUND);
	free(error);
	outbox_close(ob);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_add_list_remove, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_refused_input, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_half_written_and_garbage,
		    setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
