/* test-pop3-deliver: Maildir names (unique, safe host part), delivery
 * through tmp/ into new/ with LF line ends and the content's SHA-256, and
 * finding delivered files again by base name (moved to cur/, to a folder,
 * to Trash, flagged T). */
#include "auto-config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pop3-deliver.h"

static char *
tempdir(void)
{
	char	tmpl[] = "/tmp/test-pop3-deliver.XXXXXX";
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

static int
count_files(const char *dir)
{
	struct dirent	*de;
	DIR		*dp = opendir(dir);
	int		 n = 0;

	assert_non_null(dp);
	while ((de = readdir(dp)) != NULL)
		n += de->d_name[0] != '.';
	closedir(dp);
	return n;
}

static char *
slurp(const char *path, size_t *len)
{
	FILE	*f = fopen(path, "rb");
	char	*buf;
	long	 n;

	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	*len = (size_t)n;
	return buf;
}

static void
test_format_name(void **state)
{
	char	buf[256];

	(void)state;
	pop3_deliver_format_name(buf, sizeof buf, 1700000000, 42, 1234,
	    0xdeadbeefULL, "mail.example.org");
	assert_string_equal(buf,
	    "1700000000.M000042P1234R00000000deadbeef.mail.example.org");
	/* "/" and ":" as the Maildir specification says, no control bytes. */
	pop3_deliver_format_name(buf, sizeof buf, 1, 999999, 1, 1,
	    "a/b:c\td\x7f");
	assert_string_equal(buf,
	    "1.M999999P1R0000000000000001.a\\057b\\072c_d_");
	/* Too small a buffer: cut, still terminated. */
	pop3_deliver_format_name(buf, 48, 1, 1, 1, 1,
	    "a-very-long-host-name.example.org");
	assert_true(strlen(buf) < 48);
	assert_null(strchr(buf, ':'));
}

static void
test_names_unique(void **state)
{
	char	*names[2000];
	size_t	 i, j;

	(void)state;
	for (i = 0; i < 2000; i++) {
		names[i] = pop3_deliver_name();
		assert_null(strchr(names[i], '/'));
		assert_null(strchr(names[i], ':'));
		assert_true(names[i][0] != '.');
	}
	for (i = 0; i < 2000; i++) {
		for (j = i + 1; j < 2000; j++)
			assert_string_not_equal(names[i], names[j]);
	}
	for (i = 0; i < 2000; i++)
		free(names[i]);
}

static void
test_write(void **state)
{
	struct pop3_deliver	*d = NULL;
	char			*dir = tempdir(), *store, *path, *text;
	char			 sha[65], other[65], *error = NULL;
	uint64_t		 written = 0, size = 0;
	size_t			 len;

	(void)state;
	store = NULL;
	assert_true(asprintf(&store, "%s/account/mail", dir) > 0);
	assert_int_equal(pop3_deliver_open(store, &d, &error),
	    POP3_DELIVER_OK);
	assert_int_equal(pop3_deliver_write(d, "one", "a\r\nb\r\n\r\nc\rd\r\n",
	    13, sha, &written, &error), POP3_DELIVER_OK);
	assert_int_equal(written, 9);
	assert_true(asprintf(&path, "%s/new/one", store) > 0);
	text = slurp(path, &len);
	assert_int_equal(len, 9);
	assert_memory_equal(text, "a\nb\n\nc\rd\n", 9);
	assert_int_equal(pop3_deliver_hash_file(path, other, &size, &error),
	    POP3_DELIVER_OK);
	assert_string_equal(sha, other);
	assert_int_equal(size, 9);
	assert_int_equal(strlen(sha), 64);
	free(text);
	free(path);
	assert_int_equal(pop3_deliver_sync(d, &error), POP3_DELIVER_OK);
	/* tmp/ is left empty. */
	assert_true(asprintf(&path, "%s/tmp", store) > 0);
	assert_int_equal(count_files(path), 0);
	free(path);
	/* A name already delivered is never replaced. */
	assert_int_equal(pop3_deliver_write(d, "one", "x\r\n", 3, sha,
	    &written, &error), POP3_DELIVER_ERROR);
	assert_non_null(strstr(error, "one"));
	free(error);
	error = NULL;
	assert_true(asprintf(&path, "%s/new/one", store) > 0);
	text = slurp(path, &len);
	assert_int_equal(len, 9);
	free(text);
	free(path);
	/* Only names skua makes: nothing outside tmp/ and new/. */
	assert_int_equal(pop3_deliver_write(d, "../escape", "x\r\n", 3, sha,
	    &written, &error), POP3_DELIVER_ERROR);
	free(error);
	error = NULL;
	assert_int_equal(pop3_deliver_write(d, ".hidden", "x\r\n", 3, sha,
	    &written, &error), POP3_DELIVER_ERROR);
	free(error);
	error = NULL;
	/* An empty message is a file too. */
	assert_int_equal(pop3_deliver_write(d, "empty", "", 0, sha, &written,
	    &error), POP3_DELIVER_OK);
	assert_int_equal(written, 0);
	assert_string_equal(sha,
	    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	/* A leftover in tmp/ is removed by name. */
	assert_true(asprintf(&path, "%s/tmp/left", store) > 0);
	fclose(fopen(path, "w"));
	pop3_deliver_discard(d, "left");
	assert_int_equal(access(path, F_OK), -1);
	pop3_deliver_discard(d, "never-there");
	free(path);
	pop3_deliver_discard(d, "../new/one");
	assert_true(asprintf(&path, "%s/new/one", store) > 0);
	assert_int_equal(access(path, F_OK), 0);
	free(path);
	pop3_deliver_close(d);
	free(store);
	rmtree(dir);
	free(dir);
}

static void
make_file(const char *store, const char *rel)
{
	char	*path, *slash;

	assert_true(asprintf(&path, "%s/%s", store, rel) > 0);
	/* The folder, then its new/ or cur/. */
	slash = strrchr(path, '/');
	*slash = '\0';
	*strrchr(path, '/') = '\0';
	mkdir(path, 0700);
	path[strlen(path)] = '/';
	mkdir(path, 0700);
	*slash = '/';
	fclose(fopen(path, "w"));
	free(path);
}

static void
test_scan(void **state)
{
	struct pop3_deliver		*d = NULL;
	struct pop3_deliver_file	*files = NULL;
	const struct pop3_deliver_file	*f;
	char				*dir = tempdir(), *error = NULL, *base;
	size_t				 n = 0;

	(void)state;
	assert_int_equal(pop3_deliver_open(dir, &d, &error), POP3_DELIVER_OK);
	make_file(dir, "new/inbox-new");
	make_file(dir, "cur/inbox-read:2,S");
	make_file(dir, "cur/inbox-trashed:2,ST");
	make_file(dir, ".Work/cur/moved:2,");
	make_file(dir, ".Trash/cur/binned:2,S");
	make_file(dir, ".Trash.Old/new/old-binned");
	make_file(dir, ".Deleted Messages/cur/deleted:2,");
	make_file(dir, ".Trash/cur/twice:2,");
	make_file(dir, ".Work/new/twice");
	make_file(dir, "tmp/half-written");
	make_file(dir, "cur/.hidden");
	assert_int_equal(pop3_deliver_scan(d, &files, &n, &error),
	    POP3_DELIVER_OK);
	assert_int_equal(n, 9);
	f = pop3_deliver_find(files, n, "inbox-new");
	assert_non_null(f);
	assert_false(f->trashed);
	assert_non_null(strstr(f->path, "/new/inbox-new"));
	f = pop3_deliver_find(files, n, "inbox-read");
	assert_non_null(f);
	assert_false(f->trashed);
	assert_true(pop3_deliver_find(files, n, "inbox-trashed")->trashed);
	assert_false(pop3_deliver_find(files, n, "moved")->trashed);
	assert_true(pop3_deliver_find(files, n, "binned")->trashed);
	assert_true(pop3_deliver_find(files, n, "old-binned")->trashed);
	assert_true(pop3_deliver_find(files, n, "deleted")->trashed);
	/* In Trash and in a folder: it is still kept. */
	assert_false(pop3_deliver_find(files, n, "twice")->trashed);
	assert_null(pop3_deliver_find(files, n, "half-written"));
	assert_null(pop3_deliver_find(files, n, "nothing"));
	assert_null(pop3_deliver_find(NULL, 0, "nothing"));
	pop3_deliver_files_free(files, n);
	base = pop3_deliver_base("a.b.c:2,FS");
	assert_string_equal(base, "a.b.c");
	free(base);
	base = pop3_deliver_base("plain");
	assert_string_equal(base, "plain");
	free(base);
	assert_int_equal(pop3_deliver_sync_dir_of(dir, &error),
	    POP3_DELIVER_OK);
	pop3_deliver_close(d);
	rmtree(dir);
	free(dir);
}

static void
test_open_fails(void **state)
{
	struct pop3_deliver	*d = NULL;
	char			*dir = tempdir(), *file, *error = NULL;

	(void)state;
	assert_true(asprintf(&file, "%s/file", dir) > 0);
	fclose(fopen(file, "w"));
	assert_int_equal(pop3_deliver_open(file, &d, &error),
	    POP3_DELIVER_ERROR);
	assert_non_null(error);
	assert_null(d);
	free(error);
	free(file);
	rmtree(dir);
	free(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_format_name),
		cmocka_unit_test(test_names_unique),
		cmocka_unit_test(test_write),
		cmocka_unit_test(test_scan),
		cmocka_unit_test(test_open_fails),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
