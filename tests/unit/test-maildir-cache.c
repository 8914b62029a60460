/* test-maildir-cache: the local store's cache: UIDs per folder that are
 * never handed out twice, rows stored and read whole, a key two processes
 * both add, moved files, notmuch's backlog, folders renamed and dropped,
 * and a damaged or foreign file made again. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "maildir-cache.h"

struct fixture {
	char			 dir[64];
	char			 path[128];
	struct maildir_cache	*c;
};

static int
setup(void **state)
{
	struct fixture	*fx = calloc(1, sizeof *fx);
	char		*error = NULL;

	if (fx == NULL)
		return -1;
	strcpy(fx->dir, "/tmp/skua-test-mdcache-XXXXXX");
	if (mkdtemp(fx->dir) == NULL)
		return -1;
	snprintf(fx->path, sizeof fx->path, "%s/maildir.db", fx->dir);
	if (maildir_cache_open(fx->path, &fx->c, &error) != MAILDIR_CACHE_OK) {
		fprintf(stderr, "open: %s\n", error);
		return -1;
	}
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture	*fx = *state;
	char		 f[192];

	maildir_cache_close(fx->c);
	unlink(fx->path);
	snprintf(f, sizeof f, "%s-wal", fx->path);
	unlink(f);
	snprintf(f, sizeof f, "%s-shm", fx->path);
	unlink(f);
	rmdir(fx->dir);
	free(fx);
	return 0;
}

/* A row with its strings pointing at constants (never freed here). */
static struct maildir_cache_row
row(uint32_t uid, const char *key, const char *file, const char *subject)
{
	struct maildir_cache_row	r;

	memset(&r, 0, sizeof r);
	r.m.uid = uid;
	r.m.flags = 0;
	r.m.subject = (char *)subject;
	r.m.from = (char *)"A <a@example.org>";
	r.m.bodystructure = (char *)"mime2\n0 text plain - - - 7bit - 3 1 0\n";
	r.m.attachments = 0;
	r.m.date = 1772445600;
	r.key = (char *)key;
	r.file = (char *)file;
	r.size = 123;
	r.mtime = 1700000000;
	return r;
}

static void
test_uids(void **state)
{
	struct fixture	*fx = *state;
	uint32_t	 first;

	assert_int_equal(maildir_cache_uids(fx->c, "INBOX", 3, &first),
	    MAILDIR_CACHE_OK);
	assert_int_equal(first, 1);
	assert_int_equal(maildir_cache_uids(fx->c, "INBOX", 2, &first),
	    MAILDIR_CACHE_OK);
	assert_int_equal(first, 4);
	/* Per folder. */
	assert_int_equal(maildir_cache_uids(fx->c, "Trash", 1, &first),
	    MAILDIR_CACHE_OK);
	assert_int_equal(first, 1);
}

static void
test_put_get_each(void **state)
{
	struct fixture			*fx = *state;
	struct maildir_cache_row	 r, got, *rows;
	uint32_t			 uid, first;
	size_t				 n;

	assert_int_equal(maildir_cache_uids(fx->c, "INBOX", 2, &first),
	    MAILDIR_CACHE_OK);
	r = row(1, "b-key", "cur/b-key:2,", "second");
	assert_int_equal(maildir_cache_put(fx->c, "INBOX", &r, &uid),
	    MAILDIR_CACHE_OK);
	assert_int_equal(uid, 1);
	r = row(2, "a-key", "new/a-key", "first");
	assert_int_equal(maildir_cache_put(fx->c, "INBOX", &r, &uid),
	    MAILDIR_CACHE_OK);
	assert_int_equal(uid, 2);
	/* Another process stored b-key first under another UID: that one
	 * stays, and put says which. */
	r = row(9, "b-key", "cur/b-key:2,", "dup");
	assert_int_equal(maildir_cache_put(fx->c, "INBOX", &r, &uid),
	    MAILDIR_CACHE_OK);
	assert_int_equal(uid, 1);

	assert_int_equal(maildir_cache_get(fx->c, "INBOX", 1, &got),
	    MAILDIR_CACHE_OK);
	assert_string_equal(got.m.subject, "second");
	assert_string_equal(got.file, "cur/b-key:2,");
	assert_int_equal(got.size, 123);
	assert_int_equal(got.m.internal_date, 1700000000);
	assert_int_equal(got.m.date, 1772445600);
	assert_true(got.parsed);
	assert_null(got.indexed);
	maildir_cache_row_clear(&got);
	assert_int_equal(maildir_cache_get(fx->c, "INBOX", 7, &got),
	    MAILDIR_CACHE_NOT_FOUND);
	assert_int_equal(maildir_cache_get(fx->c, "Nope", 1, &got),
	    MAILDIR_CACHE_NOT_FOUND);

	/* For a scan: sorted by key. */
	assert_int_equal(maildir_cache_files(fx->c, "INBOX", &rows, &n),
	    MAILDIR_CACHE_OK);
	assert_int_equal(n, 2);
	assert_string_equal(rows[0].key, "a-key");
	assert_string_equal(rows[1].key, "b-key");
	maildir_cache_rows_free(rows, n);
	assert_int_equal(maildir_cache_files(fx->c, "Nope", &rows, &n),
	    MAILDIR_CACHE_OK);
	assert_int_equal(n, 0);

	/* A file renamed (flags): found under its uid. */
	assert_int_equal(maildir_cache_file_set(fx->c, "INBOX", 2,
	    "cur/a-key:2,S", 1), MAILDIR_CACHE_OK);
	assert_int_equal(maildir_cache_get(fx->c, "INBOX", 2, &got),
	    MAILDIR_CACHE_OK);
	assert_string_equal(got.file, "cur/a-key:2,S");
	assert_int_equal(got.m.flags, 1);
	maildir_cache_row_clear(&got);
}

static int
count_row(const struct maildir_cache_row *r, void *arg)
{
	uint32_t	*last = arg;

	/* Newest first. */
	assert_true(*last == 0 || r->m.uid < *last);
	*last = r->m.uid;
	return 0;
}

static int
count_pending(const char *folder, const struct maildir_cache_row *r,
    void *arg)
{
	(*(int *)arg)++;
	(void)folder;
	(void)r;
	return 0;
}

static void
test_each_and_pending(void **state)
{
	struct fixture			*fx = *state;
	struct maildir_cache_row	 r;
	char				 key[32], file[48];
	uint32_t			 i, last = 0, first;
	int				 pending = 0;

	assert_int_equal(maildir_cache_uids(fx->c, "INBOX", 10, &first),
	    MAILDIR_CACHE_OK);
	assert_int_equal(maildir_cache_begin(fx->c), MAILDIR_CACHE_OK);
	for (i = 1; i <= 10; i++) {
		snprintf(key, sizeof key, "k%02u", i);
		snprintf(file, sizeof file, "cur/k%02u:2,", i);
		r = row(i, key, file, "s");
		assert_int_equal(maildir_cache_put(fx->c, "INBOX", &r, NULL),
		    MAILDIR_CACHE_OK);
	}
	assert_int_equal(maildir_cache_commit(fx->c), MAILDIR_CACHE_OK);
	assert_int_equal(maildir_cache_each(fx->c, "INBOX", 0, 0, count_row,
	    &last), MAILDIR_CACHE_OK);
	assert_int_equal(last, 1);
	last = 0;
	assert_int_equal(maildir_cache_each(fx->c, "INBOX", 6, 2, count_row,
	    &last), MAILDIR_CACHE_OK);
	assert_int_equal(last, 4);

	assert_int_equal(maildir_cache_pending(fx->c, 0x3f, 0, count_pending,
	    &pending), MAILDIR_CACHE_OK);
	assert_int_equal(pending, 10);
	for (i = 1; i <= 10; i++) {
		snprintf(file, sizeof file, "cur/k%02u:2,", i);
		assert_int_equal(maildir_cache_indexed_set(fx->c, "INBOX", i,
		    file, 0), MAILDIR_CACHE_OK);
	}
	pending = 0;
	assert_int_equal(maildir_cache_pending(fx->c, 0x3f, 0, count_pending,
	    &pending), MAILDIR_CACHE_OK);
	assert_int_equal(pending, 0);
	/* A rename (read) makes it pending again. */
	assert_int_equal(maildir_cache_file_set(fx->c, "INBOX", 3,
	    "cur/k03:2,S", 1), MAILDIR_CACHE_OK);
	assert_int_equal(maildir_cache_pending(fx->c, 0x3f, 0, count_pending,
	    &pending), MAILDIR_CACHE_OK);
	assert_int_equal(pending, 1);

	/* Gone rows go; absent ones are no error. */
	{
		uint32_t	gone[] = { 2, 3, 99 };

		assert_int_equal(maildir_cache_remove(fx->c, "INBOX", gone, 3),
		    MAILDIR_CACHE_OK);
	}
	last = 0;
	pending = 0;
	assert_int_equal(maildir_cache_pending(fx->c, 0x3f, 0, count_pending,
	    &pending), MAILDIR_CACHE_OK);
	assert_int_equal(pending, 0);
	/* UIDs are not given again after rows went. */
	assert_int_equal(maildir_cache_uids(fx->c, "INBOX", 1, &first),
	    MAILDIR_CACHE_OK);
	assert_int_equal(first, 11);
}

static void
test_folders(void **state)
{
	struct fixture			*fx = *state;
	struct maildir_cache_row	 r, got;
	uint32_t			 first;

	assert_int_equal(maildir_cache_uids(fx->c, "Lists", 1, &first),
	    MAILDIR_CACHE_OK);
	r = row(1, "x", "cur/x:2,", "in lists");
	assert_int_equal(maildir_cache_put(fx->c, "Lists", &r, NULL),
	    MAILDIR_CACHE_OK);
	r = row(1, "y", "cur/y:2,", "in lists.dev");
	assert_int_equal(maildir_cache_put(fx->c, "Lists.dev", &r, NULL),
	    MAILDIR_CACHE_OK);
	r = row(1, "z", "cur/z:2,", "in listsx");
	assert_int_equal(maildir_cache_put(fx->c, "Listsx", &r, NULL),
	    MAILDIR_CACHE_OK);
	assert_int_equal(maildir_cache_folder_rename(fx->c, "Lists", "Groups",
	    '.'), MAILDIR_CACHE_OK);
	assert_int_equal(maildir_cache_get(fx->c, "Groups.dev", 1, &got),
	    MAILDIR_CACHE_OK);
	assert_string_equal(got.m.subject, "in lists.dev");
	maildir_cache_row_clear(&got);
	/* Listsx is not a sub-level of Lists. */
	assert_int_equal(maildir_cache_get(fx->c, "Listsx", 1, &got),
	    MAILDIR_CACHE_OK);
	maildir_cache_row_clear(&got);
	assert_int_equal(maildir_cache_folder_delete(fx->c, "Groups"),
	    MAILDIR_CACHE_OK);
	assert_int_equal(maildir_cache_get(fx->c, "Groups", 1, &got),
	    MAILDIR_CACHE_NOT_FOUND);
	assert_int_equal(maildir_cache_get(fx->c, "Groups.dev", 1, &got),
	    MAILDIR_CACHE_NOT_FOUND);
	assert_int_equal(maildir_cache_get(fx->c, "Listsx", 1, &got),
	    MAILDIR_CACHE_OK);
	maildir_cache_row_clear(&got);
}

/* A file that is not this cache is made again; its rows are gone but
 * nothing fails. */
static void
test_remade(void **state)
{
	struct fixture		*fx = *state;
	struct maildir_cache	*c, *other;
	FILE			*f;
	char			*error = NULL;
	uint32_t		 first;

	maildir_cache_close(fx->c);
	fx->c = NULL;
	f = fopen(fx->path, "w");
	fputs("this is not SQLite at all, just some text in the way\n", f);
	fclose(f);
	assert_int_equal(maildir_cache_open(fx->path, &c, &error),
	    MAILDIR_CACHE_OK);
	assert_int_equal(maildir_cache_uids(c, "INBOX", 1, &first),
	    MAILDIR_CACHE_OK);
	assert_int_equal(first, 1);
	/* A second connection beside the first (skua sync beside the
	 * interface's worker). */
	assert_int_equal(maildir_cache_open(fx->path, &other, &error),
	    MAILDIR_CACHE_OK);
	assert_int_equal(maildir_cache_uids(other, "INBOX", 1, &first),
	    MAILDIR_CACHE_OK);
	assert_int_equal(first, 2);
	maildir_cache_close(other);
	fx->c = c;
}

#define T(f)	cmocka_unit_test_setup_teardown(f, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_uids),
		T(test_put_get_each),
		T(test_each_and_pending),
		T(test_folders),
		T(test_remade),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
