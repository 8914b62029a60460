/* test-maildir-notmuch: the store's notmuch index: a database made at the
 * root without any notmuch configuration, new mail tagged inbox and
 * unread, tags that follow the flags in file names when files are
 * renamed, files removed, and what is not mail. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <notmuch.h>

#include "maildir-notmuch.h"

struct fixture {
	char	root[64];
	char	path[PATH_MAX];
};

static void
remove_tree(const char *path)
{
	DIR		*d;
	struct dirent	*e;
	struct stat	 sb;
	char		 child[PATH_MAX];

	if (lstat(path, &sb) == -1)
		return;
	if (!S_ISDIR(sb.st_mode)) {
		unlink(path);
		return;
	}
	if ((d = opendir(path)) != NULL) {
		while ((e = readdir(d)) != NULL) {
			if (strcmp(e->d_name, ".") == 0 ||
			    strcmp(e->d_name, "..") == 0)
				continue;
			snprintf(child, sizeof child, "%s/%s", path, e->d_name);
			remove_tree(child);
		}
		closedir(d);
	}
	rmdir(path);
}

static int
setup(void **state)
{
	struct fixture	*fx = calloc(1, sizeof *fx);
	char		 dir[PATH_MAX];

	if (fx == NULL)
		return -1;
	strcpy(fx->root, "/tmp/skua-test-notmuch-XXXXXX");
	if (mkdtemp(fx->root) == NULL)
		return -1;
	snprintf(dir, sizeof dir, "%s/new", fx->root);
	mkdir(dir, 0700);
	snprintf(dir, sizeof dir, "%s/cur", fx->root);
	mkdir(dir, 0700);
	/* Whatever the user has for notmuch is not read. */
	setenv("NOTMUCH_CONFIG", "/nonexistent/notmuch-config", 1);
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture	*fx = *state;

	remove_tree(fx->root);
	free(fx);
	return 0;
}

/* Write a message at root/rel; its path in fx->path. */
static const char *
put(struct fixture *fx, const char *rel, const char *id)
{
	FILE	*f;

	snprintf(fx->path, sizeof fx->path, "%s/%s", fx->root, rel);
	f = fopen(fx->path, "w");
	assert_non_null(f);
	fprintf(f, "From: A <a@example.org>\nTo: b@example.org\n"
	    "Subject: test %s\nMessage-ID: <%s@example.org>\n"
	    "Date: Mon, 02 Mar 2026 10:00:00 +0000\n\nbody of %s\n", id, id,
	    id);
	fclose(f);
	return fx->path;
}

static char *
path_of(struct fixture *fx, const char *rel)
{
	size_t	 len = strlen(fx->root) + strlen(rel) + 2;
	char	*p = malloc(len);

	assert_non_null(p);
	snprintf(p, len, "%s/%s", fx->root, rel);
	return p;
}

/* The tags of message id as "a b c" (sorted by notmuch), or NULL when
 * notmuch does not have it; read with notmuch itself. */
static char *
tags_of(struct fixture *fx, const char *id)
{
	notmuch_database_t	*db = NULL;
	notmuch_message_t	*msg = NULL;
	notmuch_tags_t		*tags;
	char			 mid[128], out[256] = "";

	assert_int_equal(notmuch_database_open_with_config(fx->root,
	    NOTMUCH_DATABASE_MODE_READ_ONLY, "", NULL, &db, NULL),
	    NOTMUCH_STATUS_SUCCESS);
	snprintf(mid, sizeof mid, "%s@example.org", id);
	assert_int_equal(notmuch_database_find_message(db, mid, &msg),
	    NOTMUCH_STATUS_SUCCESS);
	if (msg == NULL) {
		notmuch_database_destroy(db);
		return NULL;
	}
	for (tags = notmuch_message_get_tags(msg);
	    notmuch_tags_valid(tags); notmuch_tags_move_to_next(tags)) {
		if (*out != '\0')
			strcat(out, " ");
		strcat(out, notmuch_tags_get(tags));
	}
	notmuch_message_destroy(msg);
	notmuch_database_destroy(db);
	return strdup(out);
}

static void
assert_tags(struct fixture *fx, const char *id, const char *want)
{
	char	*got = tags_of(fx, id);

	if (want == NULL) {
		assert_null(got);
		return;
	}
	assert_non_null(got);
	assert_string_equal(got, want);
	free(got);
}

static void
test_add_new_mail(void **state)
{
	struct fixture		*fx = *state;
	struct maildir_notmuch	*nm;
	char			*error = NULL, dir[PATH_MAX];
	struct stat		 sb;

	assert_int_equal(maildir_notmuch_open(fx->root, &nm, &error),
	    MAILDIR_NOTMUCH_OK);
	snprintf(dir, sizeof dir, "%s/.notmuch", fx->root);
	assert_int_equal(stat(dir, &sb), 0);
	put(fx, "new/1.a", "a");
	assert_false(maildir_notmuch_has(nm, fx->path));
	assert_int_equal(maildir_notmuch_add(nm, fx->path, &error),
	    MAILDIR_NOTMUCH_OK);
	assert_true(maildir_notmuch_has(nm, fx->path));
	/* Read and flagged before skua saw it. */
	put(fx, "cur/2.b:2,FS", "b");
	assert_int_equal(maildir_notmuch_add(nm, fx->path, &error),
	    MAILDIR_NOTMUCH_OK);
	maildir_notmuch_close(nm);
	assert_tags(fx, "a", "inbox unread");
	assert_tags(fx, "b", "flagged inbox");
}

static void
test_rename_follows_flags(void **state)
{
	struct fixture		*fx = *state;
	struct maildir_notmuch	*nm;
	char			*error = NULL, *from, *to;

	assert_int_equal(maildir_notmuch_open(fx->root, &nm, &error),
	    MAILDIR_NOTMUCH_OK);
	put(fx, "new/3.c", "c");
	assert_int_equal(maildir_notmuch_add(nm, fx->path, &error),
	    MAILDIR_NOTMUCH_OK);
	maildir_notmuch_close(nm);
	assert_tags(fx, "c", "inbox unread");

	/* Read: new/ to cur/ with S; seen is "not unread". */
	from = path_of(fx, "new/3.c");
	to = path_of(fx, "cur/3.c:2,S");
	assert_int_equal(rename(from, to), 0);
	assert_int_equal(maildir_notmuch_open(fx->root, &nm, &error),
	    MAILDIR_NOTMUCH_OK);
	assert_int_equal(maildir_notmuch_rename(nm, from, to, &error),
	    MAILDIR_NOTMUCH_OK);
	assert_false(maildir_notmuch_has(nm, from));
	assert_true(maildir_notmuch_has(nm, to));
	maildir_notmuch_close(nm);
	assert_tags(fx, "c", "inbox");
	free(from);

	/* Replied and flagged; then unread again. */
	from = to;
	to = path_of(fx, "cur/3.c:2,FRS");
	assert_int_equal(rename(from, to), 0);
	assert_int_equal(maildir_notmuch_open(fx->root, &nm, &error),
	    MAILDIR_NOTMUCH_OK);
	assert_int_equal(maildir_notmuch_rename(nm, from, to, &error),
	    MAILDIR_NOTMUCH_OK);
	maildir_notmuch_close(nm);
	assert_tags(fx, "c", "flagged inbox replied");
	free(from);
	from = to;
	to = path_of(fx, "cur/3.c:2,");
	assert_int_equal(rename(from, to), 0);
	assert_int_equal(maildir_notmuch_open(fx->root, &nm, &error),
	    MAILDIR_NOTMUCH_OK);
	assert_int_equal(maildir_notmuch_rename(nm, from, to, &error),
	    MAILDIR_NOTMUCH_OK);
	maildir_notmuch_close(nm);
	assert_tags(fx, "c", "inbox unread");
	free(from);

	/* Gone: the message goes with its last file. */
	unlink(to);
	assert_int_equal(maildir_notmuch_open(fx->root, &nm, &error),
	    MAILDIR_NOTMUCH_OK);
	assert_int_equal(maildir_notmuch_remove(nm, to, &error),
	    MAILDIR_NOTMUCH_OK);
	assert_int_equal(maildir_notmuch_remove(nm, to, &error),
	    MAILDIR_NOTMUCH_NOT_FOUND);
	maildir_notmuch_close(nm);
	assert_tags(fx, "c", NULL);
	free(to);
}

/* A file notmuch never saw, renamed: it is simply indexed. */
static void
test_rename_unknown(void **state)
{
	struct fixture		*fx = *state;
	struct maildir_notmuch	*nm;
	char			*error = NULL, *from;

	from = path_of(fx, "new/4.d");
	put(fx, "cur/4.d:2,S", "d");
	assert_int_equal(maildir_notmuch_open(fx->root, &nm, &error),
	    MAILDIR_NOTMUCH_OK);
	assert_int_equal(maildir_notmuch_rename(nm, from, fx->path, &error),
	    MAILDIR_NOTMUCH_OK);
	maildir_notmuch_close(nm);
	assert_tags(fx, "d", "inbox");
	free(from);
}

/* What a downloader calls: a batch, one bad file not stopping the rest. */
static void
test_index_files(void **state)
{
	struct fixture	*fx = *state;
	const char	*paths[3];
	char		*a, *b, *c, *error = NULL;
	FILE		*f;

	put(fx, "new/5.e", "e");
	a = strdup(fx->path);
	c = path_of(fx, "new/6.missing");
	put(fx, "new/7.f", "f");
	b = strdup(fx->path);
	paths[0] = a;
	paths[1] = c;
	paths[2] = b;
	assert_int_equal(maildir_notmuch_index_files(fx->root, paths, 3,
	    &error), MAILDIR_NOTMUCH_ERROR);
	assert_non_null(error);
	free(error);
	error = NULL;
	assert_tags(fx, "e", "inbox unread");
	assert_tags(fx, "f", "inbox unread");
	/* Again: nothing changes, nothing fails. */
	assert_int_equal(maildir_notmuch_index_files(fx->root, paths + 2, 1,
	    &error), MAILDIR_NOTMUCH_OK);
	assert_tags(fx, "f", "inbox unread");
	assert_int_equal(maildir_notmuch_index_files(fx->root, NULL, 0,
	    &error), MAILDIR_NOTMUCH_OK);
	/* Not mail at all. */
	f = fopen(c, "w");
	fputs("\x01\x02\x03 binary garbage\n", f);
	fclose(f);
	paths[0] = c;
	maildir_notmuch_index_files(fx->root, paths, 1, &error);
	free(error);
	free(a);
	free(b);
	free(c);
}

/* A name too long for a Xapian term would end the process inside
 * notmuch: it is refused before. */
static void
test_long_name(void **state)
{
	struct fixture		*fx = *state;
	struct maildir_notmuch	*nm;
	char			 rel[300], *error = NULL;

	/* 250 bytes: a name the file system takes, notmuch would not. */
	memset(rel, 'x', sizeof rel);
	memcpy(rel, "cur/", 4);
	rel[4 + 250] = '\0';
	put(fx, rel, "long");
	assert_int_equal(maildir_notmuch_open(fx->root, &nm, &error),
	    MAILDIR_NOTMUCH_OK);
	assert_false(maildir_notmuch_has(nm, fx->path));
	assert_int_equal(maildir_notmuch_add(nm, fx->path, &error),
	    MAILDIR_NOTMUCH_ERROR);
	assert_non_null(strstr(error, "too long"));
	free(error);
	maildir_notmuch_close(nm);
	assert_tags(fx, "long", NULL);
}

static void
test_open_fails_plainly(void **state)
{
	struct maildir_notmuch	*nm = NULL;
	char			*error = NULL;

	(void)state;
	assert_int_equal(maildir_notmuch_open("/nonexistent/skua/store", &nm,
	    &error), MAILDIR_NOTMUCH_ERROR);
	assert_null(nm);
	assert_non_null(error);
	free(error);
	maildir_notmuch_close(NULL);
}

#define T(f)	cmocka_unit_test_setup_teardown(f, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_add_new_mail),
		T(test_rename_follows_flags),
		T(test_rename_unknown),
		T(test_index_files),
		T(test_long_name),
		T(test_open_fails_plainly),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
