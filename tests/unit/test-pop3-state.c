/* test-pop3-state: the POP3 state database: created private and
 * versioned, the journal, records that replace journal rows in one step,
 * lookups by UIDL, forgetting, and a file that is not ours. */
#include "auto-config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "pop3-state.h"

static char *
tempdir(void)
{
	char	tmpl[] = "/tmp/test-pop3-state.XXXXXX";
	char	*d = mkdtemp(tmpl);

	assert_non_null(d);
	return strdup(d);
}

static void
rmtree(const char *path)
{
	char	cmd[512];

	snprintf(cmd, sizeof cmd, "rm -rf '%s'", path);
	assert_int_equal(system(cmd), 0);
}

static struct pop3_state_record
record(const char *uidl, const char *file, int64_t when)
{
	struct pop3_state_record	r;

	memset(&r, 0, sizeof r);
	r.uidl = (char *)uidl;
	r.file = (char *)file;
	r.delivered = when;
	return r;
}

static void
test_journal_and_records(void **state)
{
	struct pop3_state		*st = NULL;
	struct pop3_state_record	 rows[3], *got = NULL;
	const struct pop3_state_record	*found;
	char				*dir = tempdir(), *path, *error = NULL;
	const char			*forget[] = { "b", "nothing" };
	struct stat			 sb;
	size_t				 n = 0;

	(void)state;
	assert_int_equal(pop3_state_open(dir, &st, &error), POP3_STATE_OK);
	assert_true(asprintf(&path, "%s/pop3.db", dir) > 0);
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 077, 0);
	free(path);

	rows[0] = record("c", "file-c", 30);
	rows[1] = record("a", "file-a", 10);
	rows[2] = record("b", "file-b", 20);
	assert_int_equal(pop3_state_pending_add(st, rows, 3, &error),
	    POP3_STATE_OK);
	assert_int_equal(pop3_state_pending(st, &got, &n, &error),
	    POP3_STATE_OK);
	assert_int_equal(n, 3);
	pop3_state_records_free(got, n);
	assert_int_equal(pop3_state_pending_drop(st, "c", &error),
	    POP3_STATE_OK);

	/* Recording two drops their journal rows with them. */
	rows[1].size = 100;
	strcpy(rows[1].sha256, "aa");
	rows[2].size = 200;
	strcpy(rows[2].sha256, "bb");
	assert_int_equal(pop3_state_record(st, rows + 1, 2, &error),
	    POP3_STATE_OK);
	assert_int_equal(pop3_state_pending(st, &got, &n, &error),
	    POP3_STATE_OK);
	assert_int_equal(n, 0);
	pop3_state_records_free(got, n);
	pop3_state_close(st);

	/* Reopened: still there, sorted by UIDL. */
	assert_int_equal(pop3_state_open(dir, &st, &error), POP3_STATE_OK);
	assert_int_equal(pop3_state_records(st, &got, &n, &error),
	    POP3_STATE_OK);
	assert_int_equal(n, 2);
	assert_string_equal(got[0].uidl, "a");
	assert_string_equal(got[1].uidl, "b");
	found = pop3_state_find(got, n, "b");
	assert_non_null(found);
	assert_string_equal(found->file, "file-b");
	assert_int_equal(found->delivered, 20);
	assert_int_equal(found->size, 200);
	assert_string_equal(found->sha256, "bb");
	assert_null(pop3_state_find(got, n, "c"));
	assert_null(pop3_state_find(got, 0, "a"));
	pop3_state_records_free(got, n);

	assert_int_equal(pop3_state_forget(st, forget, 2, &error),
	    POP3_STATE_OK);
	assert_int_equal(pop3_state_records(st, &got, &n, &error),
	    POP3_STATE_OK);
	assert_int_equal(n, 1);
	assert_string_equal(got[0].uidl, "a");
	pop3_state_records_free(got, n);
	pop3_state_close(st);
	pop3_state_close(NULL);
	rmtree(dir);
	free(dir);
}

static void
test_not_ours(void **state)
{
	struct pop3_state	*st = NULL;
	char			*dir = tempdir(), *cmd, *error = NULL;
	FILE			*f;

	(void)state;
	assert_true(asprintf(&cmd, "%s/pop3.db", dir) > 0);
	assert_non_null(f = fopen(cmd, "w"));
	fprintf(f, "%0512d", 7);
	fclose(f);
	free(cmd);
	assert_int_equal(pop3_state_open(dir, &st, &error), POP3_STATE_ERROR);
	assert_null(st);
	assert_non_null(error);
	free(error);
	rmtree(dir);
	free(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_journal_and_records),
		cmocka_unit_test(test_not_ours),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
