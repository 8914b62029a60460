/* test-maildir: the local store on disk: flags in file names, Maildir++
 * folder names and roles, scans that survive files vanishing and garbage
 * names, moving new/ to cur/, delivery, folder and message operations,
 * and a 10,000-file folder. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "maildir.h"

struct fixture {
	char		 dir[64];
	char		 root[128];
	struct maildir	*md;
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
	chmod(path, 0700);
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
	char		*error = NULL;

	if (fx == NULL)
		return -1;
	strcpy(fx->dir, "/tmp/skua-test-maildir-XXXXXX");
	if (mkdtemp(fx->dir) == NULL)
		return -1;
	/* A root that does not exist yet: open makes it a Maildir. */
	snprintf(fx->root, sizeof fx->root, "%s/acct/mail", fx->dir);
	if (maildir_open(fx->root, &fx->md, &error) != MAILDIR_OK) {
		fprintf(stderr, "open: %s\n", error);
		free(error);
		return -1;
	}
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture	*fx = *state;

	maildir_close(fx->md);
	remove_tree(fx->dir);
	free(fx);
	return 0;
}

/* Write a file below the root. */
static void
put(struct fixture *fx, const char *rel, const char *text)
{
	char	path[PATH_MAX];
	FILE	*f;

	snprintf(path, sizeof path, "%s/%s", fx->root, rel);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static int
exists(struct fixture *fx, const char *rel)
{
	char		path[PATH_MAX];
	struct stat	sb;

	snprintf(path, sizeof path, "%s/%s", fx->root, rel);
	return lstat(path, &sb) == 0;
}

static void
mkfolder(struct fixture *fx, const char *dir)
{
	char	path[PATH_MAX];

	snprintf(path, sizeof path, "%s/%s", fx->root, dir);
	mkdir(path, 0700);
	snprintf(path, sizeof path, "%s/%s/cur", fx->root, dir);
	mkdir(path, 0700);
	snprintf(path, sizeof path, "%s/%s/new", fx->root, dir);
	mkdir(path, 0700);
	snprintf(path, sizeof path, "%s/%s/tmp", fx->root, dir);
	mkdir(path, 0700);
}

/* --- flags in names ----------------------------------------------------- */

static void
test_name_flags(void **state)
{
	(void)state;
	assert_int_equal(maildir_name_flags("1.2.host"), 0);
	assert_int_equal(maildir_name_flags("1.2.host:2,"), 0);
	assert_int_equal(maildir_name_flags("1.2.host:2,S"), STORE_FLAG_SEEN);
	assert_int_equal(maildir_name_flags("1.2.host:2,DFPRST"),
	    STORE_FLAG_DRAFT | STORE_FLAG_FLAGGED | STORE_FLAG_FORWARDED |
	    STORE_FLAG_ANSWERED | STORE_FLAG_SEEN | STORE_FLAG_DELETED);
	/* Keyword letters and unknown info are no flags of ours. */
	assert_int_equal(maildir_name_flags("x:2,Sab"), STORE_FLAG_SEEN);
	assert_int_equal(maildir_name_flags("x:1,S"), 0);
	assert_int_equal(maildir_name_flags(NULL), 0);
}

static void
test_name_key(void **state)
{
	char	*k;

	(void)state;
	k = maildir_name_key("1.2.host,S=123:2,RS");
	assert_string_equal(k, "1.2.host,S=123");
	free(k);
	k = maildir_name_key("plain");
	assert_string_equal(k, "plain");
	free(k);
}

static void
test_name_with_flags(void **state)
{
	char	*n;

	(void)state;
	/* Sorted in ASCII order, whatever order the bits come in. */
	n = maildir_name_with_flags("k", STORE_FLAG_SEEN | STORE_FLAG_DRAFT |
	    STORE_FLAG_FLAGGED | STORE_FLAG_ANSWERED);
	assert_string_equal(n, "k:2,DFRS");
	free(n);
	/* Old flags go, keywords (dovecot's a-z) stay, sorted after. */
	n = maildir_name_with_flags("k:2,FSba", STORE_FLAG_ANSWERED);
	assert_string_equal(n, "k:2,Rab");
	free(n);
	n = maildir_name_with_flags("k:2,S", 0);
	assert_string_equal(n, "k:2,");
	free(n);
	/* Flags without a letter are not written. */
	n = maildir_name_with_flags("k", STORE_FLAG_JUNK);
	assert_string_equal(n, "k:2,");
	free(n);
	/* Experimental info is replaced, not kept. */
	n = maildir_name_with_flags("k:1,xyz", STORE_FLAG_SEEN);
	assert_string_equal(n, "k:2,S");
	free(n);
	/* Twice the same letter: once. */
	n = maildir_name_with_flags("k:2,aa", 0);
	assert_string_equal(n, "k:2,a");
	free(n);
}

/* --- names and folders ------------------------------------------------- */

static void
test_names(void **state)
{
	char	 long_name[300];

	(void)state;
	assert_true(maildir_name_is_valid("INBOX"));
	assert_true(maildir_name_is_valid("inbox"));
	assert_true(maildir_name_is_valid("Trash"));
	assert_true(maildir_name_is_valid("Lists.dev"));
	assert_true(maildir_name_is_valid("Réunions"));
	assert_true(maildir_name_is_valid("with space"));
	assert_false(maildir_name_is_valid(NULL));
	assert_false(maildir_name_is_valid(""));
	assert_false(maildir_name_is_valid(".hidden"));
	assert_false(maildir_name_is_valid("trailing."));
	assert_false(maildir_name_is_valid("a..b"));
	assert_false(maildir_name_is_valid("a/b"));
	assert_false(maildir_name_is_valid("../x"));
	assert_false(maildir_name_is_valid("tab\there"));
	assert_false(maildir_name_is_valid("esc\033[2J"));
	assert_false(maildir_name_is_valid("notmuch"));
	assert_false(maildir_name_is_valid("notmuch.x"));
	assert_true(maildir_name_is_valid("notmuchy"));
	memset(long_name, 'a', sizeof long_name - 1);
	long_name[sizeof long_name - 1] = '\0';
	assert_false(maildir_name_is_valid(long_name));
}

static void
test_roles(void **state)
{
	(void)state;
	assert_int_equal(maildir_role("INBOX"), STORE_ROLE_INBOX);
	assert_int_equal(maildir_role("Sent"), STORE_ROLE_SENT);
	assert_int_equal(maildir_role("sent items"), STORE_ROLE_SENT);
	assert_int_equal(maildir_role("Drafts"), STORE_ROLE_DRAFTS);
	assert_int_equal(maildir_role("Trash"), STORE_ROLE_TRASH);
	assert_int_equal(maildir_role("Deleted Messages"), STORE_ROLE_TRASH);
	assert_int_equal(maildir_role("Junk"), STORE_ROLE_JUNK);
	assert_int_equal(maildir_role("Spam"), STORE_ROLE_JUNK);
	assert_int_equal(maildir_role("Archive"), STORE_ROLE_ARCHIVE);
	assert_int_equal(maildir_role("Lists"), STORE_ROLE_NONE);
	assert_int_equal(maildir_role(NULL), STORE_ROLE_NONE);
}

static void
test_open_makes_maildir(void **state)
{
	struct fixture	*fx = *state;
	struct maildir	*md;
	char		*error = NULL, *path;

	assert_true(exists(fx, "tmp"));
	assert_true(exists(fx, "new"));
	assert_true(exists(fx, "cur"));
	assert_string_equal(maildir_root(fx->md), fx->root);
	/* Opening again is fine. */
	assert_int_equal(maildir_open(fx->root, &md, &error), MAILDIR_OK);
	maildir_close(md);
	assert_int_equal(maildir_open("", &md, &error), MAILDIR_INVALID);
	free(error);
	path = maildir_folder_path(fx->md, "INBOX");
	assert_string_equal(path, fx->root);
	free(path);
	path = maildir_folder_path(fx->md, "Lists.dev");
	assert_non_null(strstr(path, "/mail/.Lists.dev"));
	free(path);
	assert_null(maildir_folder_path(fx->md, "../etc"));
}

static void
test_folders(void **state)
{
	struct fixture		*fx = *state;
	struct maildir_folder	*f;
	size_t			 n;
	char			*error = NULL;

	mkfolder(fx, ".Trash");
	mkfolder(fx, ".Sent");
	mkfolder(fx, ".Lists.dev");	/* no .Lists: listed as a level */
	mkfolder(fx, ".Lists.dev.rust");
	mkfolder(fx, ".Zeta");
	mkfolder(fx, ".notmuch");	/* notmuch's own: not a folder */
	mkfolder(fx, ".bad..name");	/* not a valid name */
	/* A dot directory without cur/ is not a Maildir. */
	put(fx, "stray-file", "x");
	{
		char	path[PATH_MAX];

		snprintf(path, sizeof path, "%s/.git", fx->root);
		mkdir(path, 0700);
	}
	assert_int_equal(maildir_folders(fx->md, &f, &n, &error), MAILDIR_OK);
	assert_int_equal(n, 7);
	assert_string_equal(f[0].name, "INBOX");
	assert_int_equal(f[0].role, STORE_ROLE_INBOX);
	assert_string_equal(f[1].name, "Lists");
	assert_true(f[1].noselect);
	assert_string_equal(f[2].name, "Lists.dev");
	assert_false(f[2].noselect);
	assert_string_equal(f[3].name, "Lists.dev.rust");
	assert_string_equal(f[4].name, "Sent");
	assert_int_equal(f[4].role, STORE_ROLE_SENT);
	assert_string_equal(f[5].name, "Trash");
	assert_int_equal(f[5].role, STORE_ROLE_TRASH);
	assert_string_equal(f[6].name, "Zeta");
	assert_int_equal(f[6].role, STORE_ROLE_NONE);
	maildir_folders_free(f, n);
}

/* --- scanning ------------------------------------------------------------ */

static const struct maildir_entry *
find_entry(const struct maildir_entry *e, size_t n, const char *key)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		if (strcmp(e[i].key, key) == 0)
			return &e[i];
	}
	return NULL;
}

static void
test_scan(void **state)
{
	struct fixture			*fx = *state;
	struct maildir_entry		*e;
	const struct maildir_entry	*x;
	size_t				 n;
	char				*error = NULL, path[PATH_MAX];
	uint32_t			 total, unseen;

	put(fx, "new/100.a.host", "Subject: a\n\na\n");
	put(fx, "cur/200.b.host:2,S", "Subject: b\n\nbb\n");
	put(fx, "cur/300.c.host:2,FR", "Subject: c\n\nccc\n");
	put(fx, "cur/400.d.host", "Subject: d\n\n");	/* no info: fine */
	/* Garbage that is no message. */
	put(fx, "cur/.hidden", "x");
	put(fx, "cur/:2,S", "x");
	snprintf(path, sizeof path, "%s/cur/a-directory", fx->root);
	mkdir(path, 0700);
	snprintf(path, sizeof path, "%s/cur/fifo", fx->root);
	assert_int_equal(mkfifo(path, 0600), 0);
	/* The same key in new/ and cur/ (a crash between link and unlink):
	 * listed once, from cur/. */
	put(fx, "new/500.e.host", "Subject: e\n\n");
	put(fx, "cur/500.e.host:2,S", "Subject: e\n\n");

	assert_int_equal(maildir_scan(fx->md, "INBOX", 0, &e, &n, &error),
	    MAILDIR_OK);
	assert_int_equal(n, 5);
	x = find_entry(e, n, "100.a.host");
	assert_non_null(x);
	assert_string_equal(x->file, "new/100.a.host");
	assert_int_equal(x->flags, 0);
	assert_int_equal(x->size, 14);
	assert_true(x->mtime > 0);
	x = find_entry(e, n, "300.c.host");
	assert_string_equal(x->file, "cur/300.c.host:2,FR");
	assert_int_equal(x->flags, STORE_FLAG_FLAGGED | STORE_FLAG_ANSWERED);
	x = find_entry(e, n, "500.e.host");
	assert_string_equal(x->file, "cur/500.e.host:2,S");
	/* Sorted by key. */
	assert_string_equal(e[0].key, "100.a.host");
	assert_string_equal(e[4].key, "500.e.host");
	maildir_entries_free(e, n);

	/* Counting reads names only: new/ is unseen, and cur/ without S. */
	assert_int_equal(maildir_count(fx->md, "INBOX", &total, &unseen,
	    &error), MAILDIR_OK);
	assert_int_equal(total, 7);	/* + the fifo and the duplicate */
	assert_int_equal(unseen, 5);

	assert_int_equal(maildir_scan(fx->md, "Nope", 0, &e, &n, &error),
	    MAILDIR_NOT_FOUND);
	free(error);
	error = NULL;
	assert_int_equal(maildir_scan(fx->md, "../x", 0, &e, &n, &error),
	    MAILDIR_INVALID);
	free(error);
}

/* Files that vanish between readdir and stat (here: a symlink whose
 * target is gone, which is what the scan sees then) are left out. */
static void
test_scan_vanished(void **state)
{
	struct fixture		*fx = *state;
	struct maildir_entry	*e;
	size_t			 n;
	char			*error = NULL, path[PATH_MAX];

	put(fx, "cur/1.kept:2,S", "Subject: kept\n\n");
	snprintf(path, sizeof path, "%s/cur/2.gone:2,S", fx->root);
	assert_int_equal(symlink("/nonexistent/skua/message", path), 0);
	snprintf(path, sizeof path, "%s/new/3.gone-too", fx->root);
	assert_int_equal(symlink("/nonexistent/skua/message", path), 0);
	assert_int_equal(maildir_scan(fx->md, "INBOX", 1, &e, &n, &error),
	    MAILDIR_OK);
	assert_int_equal(n, 1);
	assert_string_equal(e[0].key, "1.kept");
	maildir_entries_free(e, n);
	/* The one that was in new/ was not moved (it was not there). */
	assert_true(exists(fx, "new/3.gone-too"));
	/* A symlink to a message is a message. */
	snprintf(path, sizeof path, "%s/cur/1.kept:2,S", fx->root);
	{
		char	link[PATH_MAX];

		snprintf(link, sizeof link, "%s/cur/4.linked:2,", fx->root);
		assert_int_equal(symlink(path, link), 0);
	}
	assert_int_equal(maildir_scan(fx->md, "INBOX", 0, &e, &n, &error),
	    MAILDIR_OK);
	assert_int_equal(n, 2);
	maildir_entries_free(e, n);
	/* A folder without new/ (broken, but it happens) still scans. */
	snprintf(path, sizeof path, "%s/new", fx->root);
	remove_tree(path);
	assert_int_equal(maildir_scan(fx->md, "INBOX", 1, &e, &n, &error),
	    MAILDIR_OK);
	assert_int_equal(n, 2);
	maildir_entries_free(e, n);
}

static void
test_scan_move_new(void **state)
{
	struct fixture		*fx = *state;
	struct maildir_entry	*e;
	size_t			 n;
	char			*error = NULL;

	put(fx, "new/10.x.host", "Subject: x\n\n");
	put(fx, "new/11.y.host", "Subject: y\n\n");
	assert_int_equal(maildir_scan(fx->md, "INBOX", 1, &e, &n, &error),
	    MAILDIR_OK);
	assert_int_equal(n, 2);
	assert_string_equal(e[0].file, "cur/10.x.host:2,");
	assert_string_equal(e[1].file, "cur/11.y.host:2,");
	assert_int_equal(e[0].flags, 0);
	maildir_entries_free(e, n);
	assert_false(exists(fx, "new/10.x.host"));
	assert_true(exists(fx, "cur/10.x.host:2,"));
	/* A name taken in cur/ is never overwritten: it stays in new/. */
	put(fx, "new/12.z.host", "one");
	put(fx, "cur/12.z.host:2,", "other");
	assert_int_equal(maildir_scan(fx->md, "INBOX", 1, &e, &n, &error),
	    MAILDIR_OK);
	assert_int_equal(n, 3);
	maildir_entries_free(e, n);
	assert_true(exists(fx, "new/12.z.host"));
}

/* --- flags by renaming ------------------------------------------------- */

static void
test_flags_set(void **state)
{
	struct fixture	*fx = *state;
	char		*file = NULL, *error = NULL;

	put(fx, "new/20.m.host", "Subject: m\n\n");
	assert_int_equal(maildir_flags_set(fx->md, "INBOX", "new/20.m.host",
	    STORE_FLAG_SEEN, &file, &error), MAILDIR_OK);
	assert_string_equal(file, "cur/20.m.host:2,S");
	assert_true(exists(fx, "cur/20.m.host:2,S"));
	assert_false(exists(fx, "new/20.m.host"));
	free(file);
	assert_int_equal(maildir_flags_set(fx->md, "INBOX", "cur/20.m.host:2,S",
	    STORE_FLAG_SEEN | STORE_FLAG_FLAGGED | STORE_FLAG_ANSWERED, &file,
	    &error), MAILDIR_OK);
	assert_string_equal(file, "cur/20.m.host:2,FRS");
	free(file);
	/* The same flags: nothing to do. */
	assert_int_equal(maildir_flags_set(fx->md, "INBOX",
	    "cur/20.m.host:2,FRS", STORE_FLAG_FLAGGED | STORE_FLAG_ANSWERED |
	    STORE_FLAG_SEEN, &file, &error), MAILDIR_OK);
	assert_string_equal(file, "cur/20.m.host:2,FRS");
	free(file);
	/* Keywords of another client survive. */
	put(fx, "cur/21.k.host:2,Sa", "Subject: k\n\n");
	assert_int_equal(maildir_flags_set(fx->md, "INBOX",
	    "cur/21.k.host:2,Sa", 0, &file, &error), MAILDIR_OK);
	assert_string_equal(file, "cur/21.k.host:2,a");
	free(file);
	/* Gone (another client renamed it): NOT_FOUND, to scan again. */
	assert_int_equal(maildir_flags_set(fx->md, "INBOX",
	    "cur/20.m.host:2,S", 0, &file, &error), MAILDIR_NOT_FOUND);
	assert_null(file);
	free(error);
	error = NULL;
	/* Names from outside cannot leave the folder. */
	assert_int_equal(maildir_flags_set(fx->md, "INBOX", "cur/../../x",
	    0, NULL, &error), MAILDIR_INVALID);
	free(error);
	error = NULL;
	assert_int_equal(maildir_flags_set(fx->md, "INBOX", "tmp/x", 0, NULL,
	    &error), MAILDIR_INVALID);
	free(error);
}

/* --- reading and delivering --------------------------------------------- */

static void
test_read(void **state)
{
	struct fixture	*fx = *state;
	char		*buf = NULL, *error = NULL;
	size_t		 len = 0;

	put(fx, "cur/30.r.host:2,S", "Subject: r\n\n0123456789\n");
	assert_int_equal(maildir_read(fx->md, "INBOX", "cur/30.r.host:2,S",
	    1024, &buf, &len, &error), MAILDIR_OK);
	assert_int_equal(len, 23);
	assert_memory_equal(buf, "Subject: r\n\n0123456789\n", 23);
	free(buf);
	/* Exactly max is fine; one byte less is too large. */
	assert_int_equal(maildir_read(fx->md, "INBOX", "cur/30.r.host:2,S", 23,
	    &buf, &len, &error), MAILDIR_OK);
	free(buf);
	assert_int_equal(maildir_read(fx->md, "INBOX", "cur/30.r.host:2,S", 22,
	    &buf, &len, &error), MAILDIR_ERROR);
	assert_null(buf);
	free(error);
	error = NULL;
	assert_int_equal(maildir_read_head(fx->md, "INBOX",
	    "cur/30.r.host:2,S", 7, &buf, &len, &error), MAILDIR_OK);
	assert_int_equal(len, 7);
	assert_string_equal(buf, "Subject");
	free(buf);
	assert_int_equal(maildir_read(fx->md, "INBOX", "cur/31.none", 1024,
	    &buf, &len, &error), MAILDIR_NOT_FOUND);
	free(error);
}

static void
test_deliver(void **state)
{
	struct fixture		*fx = *state;
	struct maildir_entry	*e;
	size_t			 n, len;
	char			*a = NULL, *b = NULL, *c = NULL, *error = NULL;
	char			*buf;

	assert_int_equal(maildir_deliver(fx->md, "INBOX", "Subject: 1\n\n", 12,
	    0, &a, &error), MAILDIR_OK);
	assert_int_equal(maildir_deliver(fx->md, "INBOX", "Subject: 2\n\n", 12,
	    0, &b, &error), MAILDIR_OK);
	assert_int_equal(maildir_deliver(fx->md, "INBOX", "Subject: 3\n\n", 12,
	    STORE_FLAG_SEEN, &c, &error), MAILDIR_OK);
	assert_string_not_equal(a, b);
	assert_true(strncmp(a, "new/", 4) == 0);
	assert_true(strncmp(c, "cur/", 4) == 0);
	assert_non_null(strstr(c, ":2,S"));
	/* Nothing left behind in tmp/. */
	{
		DIR		*d;
		struct dirent	*de;
		char		 path[PATH_MAX];
		int		 files = 0;

		snprintf(path, sizeof path, "%s/tmp", fx->root);
		d = opendir(path);
		while ((de = readdir(d)) != NULL)
			files += de->d_name[0] != '.';
		closedir(d);
		assert_int_equal(files, 0);
	}
	assert_int_equal(maildir_read(fx->md, "INBOX", b, 100, &buf, &len,
	    &error), MAILDIR_OK);
	assert_string_equal(buf, "Subject: 2\n\n");
	free(buf);
	assert_int_equal(maildir_scan(fx->md, "INBOX", 0, &e, &n, &error),
	    MAILDIR_OK);
	assert_int_equal(n, 3);
	maildir_entries_free(e, n);
	free(a);
	free(b);
	free(c);
	assert_int_equal(maildir_deliver(fx->md, "Nope", "x", 1, 0, NULL,
	    &error), MAILDIR_NOT_FOUND);
	free(error);
}

/* --- folders and messages between them ---------------------------------- */

static void
test_folder_ops(void **state)
{
	struct fixture		*fx = *state;
	struct maildir_folder	*f;
	size_t			 n;
	char			*error = NULL;

	assert_int_equal(maildir_folder_create(fx->md, "Lists", &error),
	    MAILDIR_OK);
	assert_true(exists(fx, ".Lists/cur"));
	assert_true(exists(fx, ".Lists/maildirfolder"));
	assert_int_equal(maildir_folder_create(fx->md, "Lists.dev", &error),
	    MAILDIR_OK);
	assert_int_equal(maildir_folder_create(fx->md, "Lists", &error),
	    MAILDIR_EXISTS);
	free(error);
	error = NULL;
	assert_int_equal(maildir_folder_create(fx->md, "a/b", &error),
	    MAILDIR_INVALID);
	free(error);
	error = NULL;
	assert_int_equal(maildir_folder_create(fx->md, "INBOX", &error),
	    MAILDIR_EXISTS);
	free(error);
	error = NULL;
	put(fx, ".Lists.dev/cur/1.x:2,S", "Subject: x\n\n");

	/* Rename takes the sub-levels along, and never onto a folder. */
	assert_int_equal(maildir_folder_rename(fx->md, "Lists", "Groups",
	    &error), MAILDIR_OK);
	assert_true(exists(fx, ".Groups/cur"));
	assert_true(exists(fx, ".Groups.dev/cur/1.x:2,S"));
	assert_false(exists(fx, ".Lists"));
	assert_false(exists(fx, ".Lists.dev"));
	assert_int_equal(maildir_folder_create(fx->md, "Other", &error),
	    MAILDIR_OK);
	assert_int_equal(maildir_folder_rename(fx->md, "Other", "Groups",
	    &error), MAILDIR_EXISTS);
	free(error);
	error = NULL;
	assert_int_equal(maildir_folder_rename(fx->md, "Groups",
	    "Groups.inside", &error), MAILDIR_INVALID);
	free(error);
	error = NULL;
	assert_int_equal(maildir_folder_rename(fx->md, "INBOX", "X", &error),
	    MAILDIR_INVALID);
	free(error);
	error = NULL;
	assert_int_equal(maildir_folder_rename(fx->md, "Missing", "X", &error),
	    MAILDIR_NOT_FOUND);
	free(error);
	error = NULL;

	/* Delete takes the sub-levels and their mail, nothing else. */
	assert_int_equal(maildir_folder_delete(fx->md, "Groups", &error),
	    MAILDIR_OK);
	assert_false(exists(fx, ".Groups"));
	assert_false(exists(fx, ".Groups.dev"));
	assert_true(exists(fx, ".Other/cur"));
	assert_int_equal(maildir_folder_delete(fx->md, "INBOX", &error),
	    MAILDIR_INVALID);
	free(error);
	error = NULL;
	assert_int_equal(maildir_folder_delete(fx->md, "Groups", &error),
	    MAILDIR_NOT_FOUND);
	free(error);
	error = NULL;
	assert_int_equal(maildir_folders(fx->md, &f, &n, &error), MAILDIR_OK);
	assert_int_equal(n, 2);
	assert_string_equal(f[1].name, "Other");
	maildir_folders_free(f, n);
}

static void
test_copy_move_delete(void **state)
{
	struct fixture		*fx = *state;
	struct maildir_entry	*e;
	size_t			 n, len;
	char			*file = NULL, *moved = NULL, *error = NULL;
	char			*trashed = NULL, *buf, *trash;

	assert_int_equal(maildir_folder_create(fx->md, "Archive", &error),
	    MAILDIR_OK);
	put(fx, "cur/40.c.host:2,S", "Subject: copy me\n\n");
	assert_int_equal(maildir_copy(fx->md, "INBOX", "cur/40.c.host:2,S",
	    "Archive", &file, &error), MAILDIR_OK);
	/* A copy has its own key, the same flags and bytes. */
	assert_true(strncmp(file, "cur/", 4) == 0);
	assert_null(strstr(file, "40.c.host"));
	assert_non_null(strstr(file, ":2,S"));
	assert_int_equal(maildir_read(fx->md, "Archive", file, 100, &buf, &len,
	    &error), MAILDIR_OK);
	assert_string_equal(buf, "Subject: copy me\n\n");
	free(buf);
	assert_true(exists(fx, "cur/40.c.host:2,S"));

	/* Move keeps the key; a key the target has gets a new one. */
	assert_int_equal(maildir_move(fx->md, "INBOX", "cur/40.c.host:2,S",
	    "Archive", &moved, &error), MAILDIR_OK);
	assert_string_equal(moved, "cur/40.c.host:2,S");
	assert_false(exists(fx, "cur/40.c.host:2,S"));
	assert_true(exists(fx, ".Archive/cur/40.c.host:2,S"));
	put(fx, "cur/40.c.host:2,S", "Subject: another\n\n");
	free(moved);
	assert_int_equal(maildir_move(fx->md, "INBOX", "cur/40.c.host:2,S",
	    "Archive", &moved, &error), MAILDIR_OK);
	assert_string_not_equal(moved, "cur/40.c.host:2,S");
	assert_true(exists(fx, ".Archive/cur/40.c.host:2,S"));
	assert_int_equal(maildir_scan(fx->md, "Archive", 0, &e, &n, &error),
	    MAILDIR_OK);
	assert_int_equal(n, 3);
	maildir_entries_free(e, n);
	assert_int_equal(maildir_move(fx->md, "INBOX", "cur/40.c.host:2,S",
	    "Archive", NULL, &error), MAILDIR_NOT_FOUND);
	free(error);
	error = NULL;

	/* Delete is a move to Trash (made if need be); purge only there. */
	assert_int_equal(maildir_delete(fx->md, "Archive", file, &trashed,
	    &error), MAILDIR_OK);
	assert_true(exists(fx, ".Trash/cur"));
	trash = maildir_trash_name(fx->md);
	assert_string_equal(trash, "Trash");
	free(trash);
	assert_int_equal(maildir_purge(fx->md, "Archive", moved, &error),
	    MAILDIR_INVALID);
	free(error);
	error = NULL;
	assert_int_equal(maildir_purge(fx->md, "Trash", trashed, &error),
	    MAILDIR_OK);
	assert_int_equal(maildir_scan(fx->md, "Trash", 0, &e, &n, &error),
	    MAILDIR_OK);
	assert_int_equal(n, 0);
	maildir_entries_free(e, n);
	free(file);
	free(moved);
	free(trashed);
}

/* A Trash under another name is the one delete uses. */
static void
test_trash_by_role(void **state)
{
	struct fixture	*fx = *state;
	char		*trash, *error = NULL;

	assert_int_equal(maildir_folder_create(fx->md, "Deleted Messages",
	    &error), MAILDIR_OK);
	trash = maildir_trash_name(fx->md);
	assert_string_equal(trash, "Deleted Messages");
	free(trash);
}

/* --- scale and permissions ---------------------------------------------- */

static void
test_huge_folder(void **state)
{
	struct fixture		*fx = *state;
	struct maildir_entry	*e;
	struct timespec		 t0, t1;
	size_t			 n, i;
	char			 name[64], *error = NULL;
	uint32_t		 total, unseen;
	double			 seconds;

	for (i = 0; i < 10000; i++) {
		snprintf(name, sizeof name, "%s/%zu.M%zuP1.host%s", i % 2 ?
		    "cur" : "new", 1700000000 + i, i, i % 2 ? ":2,S" : "");
		put(fx, name, "Subject: many\n\n");
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(maildir_scan(fx->md, "INBOX", 1, &e, &n, &error),
	    MAILDIR_OK);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	assert_int_equal(n, 10000);
	for (i = 0; i < n; i++)
		assert_true(strncmp(e[i].file, "cur/", 4) == 0);
	maildir_entries_free(e, n);
	seconds = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	/* Generous: a scan (with 5,000 renames) is well under a second. */
	assert_true(seconds < 5.0);
	assert_int_equal(maildir_count(fx->md, "INBOX", &total, &unseen,
	    &error), MAILDIR_OK);
	assert_int_equal(total, 10000);
	assert_int_equal(unseen, 5000);
}

static void
test_permissions(void **state)
{
	struct fixture	*fx = *state;
	char		*buf = NULL, *error = NULL, path[PATH_MAX];
	size_t		 len;

	if (geteuid() == 0)
		skip();		/* root reads everything */
	put(fx, "cur/50.p.host:2,S", "Subject: private\n\n");
	snprintf(path, sizeof path, "%s/cur/50.p.host:2,S", fx->root);
	chmod(path, 0);
	assert_int_equal(maildir_read(fx->md, "INBOX", "cur/50.p.host:2,S",
	    100, &buf, &len, &error), MAILDIR_ERROR);
	assert_non_null(strstr(error, "ermission"));
	free(error);
}

#define T(f)	cmocka_unit_test_setup_teardown(f, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_name_flags),
		cmocka_unit_test(test_name_key),
		cmocka_unit_test(test_name_with_flags),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_roles),
		T(test_open_makes_maildir),
		T(test_folders),
		T(test_scan),
		T(test_scan_vanished),
		T(test_scan_move_new),
		T(test_flags_set),
		T(test_read),
		T(test_deliver),
		T(test_folder_ops),
		T(test_copy_move_delete),
		T(test_trash_by_role),
		T(test_huge_folder),
		T(test_permissions),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
