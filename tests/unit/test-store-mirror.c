/* test-store-mirror: the SQLite mirror: schema and files, folders, message
 * rows, windows, atomic writes, and files that are not (or no longer) ours. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "store-mirror.h"

/* Each test gets a fresh directory with an open mirror in it. */
struct fixture {
	char			 dir[64];
	char			 path[128];
	struct store_mirror	*m;
};

/* Remove a test directory and what is in it (one level of sub-directories
 * is all the tests make). */
static void
remove_tree(const char *path)
{
	DIR		*d;
	struct dirent	*e;
	struct stat	 sb;
	char		 child[512];

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
	strcpy(fx->dir, "/tmp/skua-test-mirror-XXXXXX");
	if (mkdtemp(fx->dir) == NULL)
		return -1;
	snprintf(fx->path, sizeof fx->path, "%s/mirror.db", fx->dir);
	if (store_mirror_open(fx->path, &fx->m, &error) != STORE_OK) {
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

	store_mirror_close(fx->m);
	remove_tree(fx->dir);
	free(fx);
	return 0;
}

/* Look at the file from outside, with a connection of our own. */
static sqlite3_int64
raw_int(const char *path, const char *sql)
{
	sqlite3		*db;
	sqlite3_stmt	*stmt;
	sqlite3_int64	 value;

	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE,
	    NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &stmt, NULL),
	    SQLITE_OK);
	assert_int_equal(sqlite3_step(stmt), SQLITE_ROW);
	value = sqlite3_column_int64(stmt, 0);
	sqlite3_finalize(stmt);
	sqlite3_close(db);
	return value;
}

/* The same for a text result; the caller frees it. */
static char *
raw_text(const char *path, const char *sql)
{
	sqlite3		*db;
	sqlite3_stmt	*stmt;
	char		*value;

	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE,
	    NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &stmt, NULL),
	    SQLITE_OK);
	assert_int_equal(sqlite3_step(stmt), SQLITE_ROW);
	value = strdup((const char *)sqlite3_column_text(stmt, 0));
	sqlite3_finalize(stmt);
	sqlite3_close(db);
	return value;
}

static void
raw_exec(const char *path, const char *sql)
{
	sqlite3	*db;

	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
}

/* Expect open to refuse path with a message naming it and containing
 * want. */
static void
assert_open_fails(const char *path, const char *want)
{
	struct store_mirror	*m = (struct store_mirror *)1;
	char			*error = NULL;

	assert_int_equal(store_mirror_open(path, &m, &error), STORE_ERROR);
	assert_null(m);
	assert_non_null(error);
	if (strstr(error, path) == NULL ||
	    (want != NULL && strstr(error, want) == NULL)) {
		fprintf(stderr, "wanted '%s' and '%s' in: %s\n", path,
		    want != NULL ? want : "", error);
		fail();
	}
	free(error);
	/* Without an error pointer: nothing leaks. */
	assert_int_equal(store_mirror_open(path, &m, NULL), STORE_ERROR);
}

static void
put_folder(struct store_mirror *m, const char *name, uint32_t uidvalidity)
{
	struct store_folder	 f = { 0 };

	f.name = (char *)name;
	f.delimiter = '/';
	f.uidvalidity = uidvalidity;
	f.uidnext = 1;
	assert_int_equal(store_mirror_folder_put(m, &f), STORE_OK);
}

/* Put messages with uids first..last (step 1) and simple fields. */
static void
put_range(struct store_mirror *m, const char *folder, uint32_t first,
    uint32_t last, uint32_t flags)
{
	struct store_message	*msgs;
	char			 (*subjects)[32];
	size_t			 n = last - first + 1, i;

	msgs = calloc(n, sizeof *msgs);
	subjects = calloc(n, sizeof *subjects);
	assert_non_null(msgs);
	assert_non_null(subjects);
	for (i = 0; i < n; i++) {
		snprintf(subjects[i], sizeof subjects[i], "message %zu",
		    first + i);
		msgs[i].uid = first + i;
		msgs[i].flags = flags;
		msgs[i].subject = subjects[i];
		msgs[i].internal_date = 1700000000 + first + i;
	}
	assert_int_equal(store_mirror_messages_put(m, folder, msgs, n),
	    STORE_OK);
	free(subjects);
	free(msgs);
}

static uint32_t
count_total(struct store_mirror *m, const char *folder)
{
	uint32_t	 total = 0;

	assert_int_equal(store_mirror_count(m, folder, &total, NULL),
	    STORE_OK);
	return total;
}

static void
test_open_reopen(void **state)
{
	struct fixture		*fx = *state;
	struct store_folder	 f;
	struct store_message	 msg;
	char			*mode, *error = NULL;

	put_folder(fx->m, "INBOX", 7);
	put_range(fx->m, "INBOX", 1, 3, 0);
	store_mirror_close(fx->m);
	fx->m = NULL;

	assert_int_equal(store_mirror_open(fx->path, &fx->m, &error),
	    STORE_OK);
	assert_null(error);
	assert_null(store_mirror_error(fx->m));
	assert_int_equal(store_mirror_folder_get(fx->m, "INBOX", &f),
	    STORE_OK);
	assert_int_equal(f.uidvalidity, 7);
	store_folder_clear(&f);
	assert_int_equal(store_mirror_message_get(fx->m, "INBOX", 2, &msg),
	    STORE_OK);
	assert_string_equal(msg.subject, "message 2");
	store_message_clear(&msg);

	/* The schema version, our mark and WAL are in the file. */
	assert_int_equal(raw_int(fx->path, "PRAGMA user_version"), 3);
	assert_int_equal(raw_int(fx->path, "PRAGMA application_id"),
	    0x736b7561);
	mode = raw_text(fx->path, "PRAGMA journal_mode");
	assert_string_equal(mode, "wal");
	free(mode);
	assert_int_equal(raw_int(fx->path, "SELECT count(*) FROM sqlite_master"
	    " WHERE type = 'table' AND name IN"
	    " ('folder', 'message', 'part', 'queue')"), 4);
	assert_int_equal(raw_int(fx->path, "SELECT count(*) FROM queue"), 0);
}

static void
assert_mode(const char *path, const char *suffix)
{
	struct stat	 sb;
	char		 file[256];

	snprintf(file, sizeof file, "%s%s", path, suffix);
	assert_int_equal(stat(file, &sb), 0);
	if ((sb.st_mode & 0777) != 0600) {
		fprintf(stderr, "%s: mode %o\n", file, sb.st_mode & 0777);
		fail();
	}
}

/* Version 2 added message.attachments: a version 1 file migrates, its rows
 * read as "not known" (-1), and new rows keep what they are given. */
static void
test_migrate_attachments(void **state)
{
	struct fixture		*fx = *state;
	struct store_message	 msg = { 0 }, out;
	char			*error = NULL;

	put_folder(fx->m, "INBOX", 7);
	put_range(fx->m, "INBOX", 1, 1, 0);
	store_mirror_close(fx->m);
	fx->m = NULL;
	/* Make it a version 1 file again. */
	raw_exec(fx->path, "DROP INDEX message_size;"
	    "ALTER TABLE message DROP COLUMN attachments;"
	    "PRAGMA user_version = 1");
	assert_int_equal(store_mirror_open(fx->path, &fx->m, &error),
	    STORE_OK);
	assert_int_equal(raw_int(fx->path, "PRAGMA user_version"), 3);
	assert_int_equal(store_mirror_message_get(fx->m, "INBOX", 1, &out),
	    STORE_OK);
	assert_int_equal(out.attachments, -1);
	assert_string_equal(out.subject, "message 1");
	store_message_clear(&out);

	msg.uid = 2;
	msg.attachments = 1;
	assert_int_equal(store_mirror_messages_put(fx->m, "INBOX", &msg, 1),
	    STORE_OK);
	msg.uid = 3;
	msg.attachments = 0;
	assert_int_equal(store_mirror_messages_put(fx->m, "INBOX", &msg, 1),
	    STORE_OK);
	msg.uid = 4;
	msg.attachments = -1;
	assert_int_equal(store_mirror_messages_put(fx->m, "INBOX", &msg, 1),
	    STORE_OK);
	assert_int_equal(store_mirror_message_get(fx->m, "INBOX", 2, &out),
	    STORE_OK);
	assert_int_equal(out.attachments, 1);
	store_message_clear(&out);
	assert_int_equal(store_mirror_message_get(fx->m, "INBOX", 3, &out),
	    STORE_OK);
	assert_int_equal(out.attachments, 0);
	store_message_clear(&out);
	assert_int_equal(store_mirror_message_get(fx->m, "INBOX", 4, &out),
	    STORE_OK);
	assert_int_equal(out.attachments, -1);
	store_message_clear(&out);
}

static void
test_file_mode(void **state)
{
	struct fixture		*fx = *state;
	struct store_mirror	*m;
	char			 path[256];
	mode_t			 old;

	/* Even with an open umask the files are private. */
	snprintf(path, sizeof path, "%s/private.db", fx->dir);
	old = umask(0);
	assert_int_equal(store_mirror_open(path, &m, NULL), STORE_OK);
	put_folder(m, "INBOX", 1);
	umask(old);
	assert_mode(path, "");
	assert_mode(path, "-wal");
	assert_mode(path, "-shm");
	store_mirror_close(m);

	/* A mirror someone made readable is made private again. */
	assert_int_equal(chmod(path, 0644), 0);
	assert_int_equal(store_mirror_open(path, &m, NULL), STORE_OK);
	assert_mode(path, "");
	store_mirror_close(m);
}

static void
assert_folder(const struct store_folder *f, const char *name, char delimiter,
    enum store_role role)
{
	assert_string_equal(f->name, name);
	assert_int_equal(f->delimiter, delimiter);
	assert_int_equal(f->role, role);
}

struct folders {
	char	 names[8][64];
	int	 n;
	int	 stop;
};

static int
collect_folder(const struct store_folder *f, void *arg)
{
	struct folders	*fs = arg;

	assert_true(fs->n < 8);
	snprintf(fs->names[fs->n++], sizeof fs->names[0], "%s", f->name);
	return fs->stop != 0 && fs->n == fs->stop;
}

static void
test_folders(void **state)
{
	struct fixture		*fx = *state;
	struct store_folder	 f = { 0 }, got;
	struct folders		 fs = { 0 };
	const char		*odd = "Archiv/2024 \"Grüße\" 'x' 日本";

	f.name = "INBOX";
	f.role = STORE_ROLE_INBOX;
	f.subscribed = 1;
	f.uidvalidity = 1234;
	f.uidnext = 50;
	f.highestmodseq = UINT64_MAX - 1;
	f.total = 40;
	f.unseen = 3;
	assert_int_equal(store_mirror_folder_put(fx->m, &f), STORE_OK);
	memset(&f, 0, sizeof f);
	f.name = (char *)odd;
	f.delimiter = '/';
	f.role = STORE_ROLE_ARCHIVE;
	f.noselect = 1;
	assert_int_equal(store_mirror_folder_put(fx->m, &f), STORE_OK);
	memset(&f, 0, sizeof f);
	f.name = "Junk";
	f.delimiter = '.';
	f.role = 99;		/* not a role: stored as none */
	assert_int_equal(store_mirror_folder_put(fx->m, &f), STORE_OK);

	assert_int_equal(store_mirror_folder_get(fx->m, "INBOX", &got),
	    STORE_OK);
	assert_folder(&got, "INBOX", '\0',
	    STORE_ROLE_INBOX);
	assert_int_equal(got.subscribed, 1);
	assert_int_equal(got.noselect, 0);
	assert_int_equal(got.uidvalidity, 1234);
	assert_int_equal(got.uidnext, 50);
	assert_true(got.highestmodseq == UINT64_MAX - 1);
	assert_int_equal(got.total, 40);
	assert_int_equal(got.unseen, 3);
	store_folder_clear(&got);
	assert_null(got.name);
	assert_int_equal(got.uidvalidity, 0);

	assert_int_equal(store_mirror_folder_get(fx->m, odd, &got), STORE_OK);
	assert_folder(&got, odd, '/', STORE_ROLE_ARCHIVE);
	assert_int_equal(got.noselect, 1);
	assert_int_equal(got.subscribed, 0);
	store_folder_clear(&got);
	assert_int_equal(store_mirror_folder_get(fx->m, "Junk", &got),
	    STORE_OK);
	assert_folder(&got, "Junk", '.', STORE_ROLE_NONE);
	store_folder_clear(&got);

	assert_int_equal(store_mirror_folder_get(fx->m, "inbox", &got),
	    STORE_NOT_FOUND);
	assert_null(got.name);
	assert_int_equal(store_mirror_folder_get(fx->m, "", &got),
	    STORE_NOT_FOUND);

	/* Name order (bytes), and cb can stop. */
	assert_int_equal(store_mirror_folder_each(fx->m, collect_folder, &fs),
	    STORE_OK);
	assert_int_equal(fs.n, 3);
	assert_string_equal(fs.names[0], odd);
	assert_string_equal(fs.names[1], "INBOX");
	assert_string_equal(fs.names[2], "Junk");
	memset(&fs, 0, sizeof fs);
	fs.stop = 2;
	assert_int_equal(store_mirror_folder_each(fx->m, collect_folder, &fs),
	    STORE_OK);
	assert_int_equal(fs.n, 2);

	/* A folder without a name is refused, not stored. */
	memset(&f, 0, sizeof f);
	assert_int_equal(store_mirror_folder_put(fx->m, &f), STORE_ERROR);
	assert_non_null(strstr(store_mirror_error(fx->m), fx->path));
	memset(&fs, 0, sizeof fs);
	assert_int_equal(store_mirror_folder_each(fx->m, collect_folder, &fs),
	    STORE_OK);
	assert_int_equal(fs.n, 3);
}

static void
test_folder_update_rules(void **state)
{
	struct fixture		*fx = *state;
	struct store_folder	 f = { 0 }, got;

	f.name = "INBOX";
	f.delimiter = '/';
	f.uidvalidity = 10;
	f.uidnext = 101;
	f.highestmodseq = 5000;
	f.total = 100;
	f.unseen = 4;
	assert_int_equal(store_mirror_folder_put(fx->m, &f), STORE_OK);
	put_range(fx->m, "INBOX", 1, 100, 0);

	/* A LIST result: name-level data changes, the rest is kept. */
	memset(&f, 0, sizeof f);
	f.name = "INBOX";
	f.delimiter = '.';
	f.role = STORE_ROLE_INBOX;
	f.subscribed = 1;
	f.uidnext = 999;	/* ignored without a uidvalidity */
	assert_int_equal(store_mirror_folder_put(fx->m, &f), STORE_OK);
	assert_int_equal(store_mirror_folder_get(fx->m, "INBOX", &got),
	    STORE_OK);
	assert_int_equal(got.delimiter, '.');
	assert_int_equal(got.role, STORE_ROLE_INBOX);
	assert_int_equal(got.subscribed, 1);
	assert_int_equal(got.uidvalidity, 10);
	assert_int_equal(got.uidnext, 101);
	assert_int_equal(got.highestmodseq, 5000);
	assert_int_equal(got.total, 100);
	assert_int_equal(got.unseen, 4);
	store_folder_clear(&got);
	assert_int_equal(count_total(fx->m, "INBOX"), 100);

	/* Counts alone (STATUS without UIDVALIDITY) are taken. */
	f.total = 120;
	f.unseen = 0;
	assert_int_equal(store_mirror_folder_put(fx->m, &f), STORE_OK);
	assert_int_equal(store_mirror_folder_get(fx->m, "INBOX", &got),
	    STORE_OK);
	assert_int_equal(got.total, 120);
	assert_int_equal(got.unseen, 0);
	assert_int_equal(got.uidnext, 101);
	store_folder_clear(&got);

	/* Same uidvalidity: sync state and counts (even zero) are taken,
	 * the messages stay. */
	f.uidvalidity = 10;
	f.uidnext = 130;
	f.highestmodseq = 6000;
	f.total = 0;
	f.unseen = 0;
	assert_int_equal(store_mirror_folder_put(fx->m, &f), STORE_OK);
	assert_int_equal(store_mirror_folder_get(fx->m, "INBOX", &got),
	    STORE_OK);
	assert_int_equal(got.uidnext, 130);
	assert_int_equal(got.highestmodseq, 6000);
	assert_int_equal(got.total, 0);
	store_folder_clear(&got);
	assert_int_equal(count_total(fx->m, "INBOX"), 100);

	/* A new uidvalidity drops the old rows. */
	f.uidvalidity = 11;
	f.uidnext = 5;
	f.highestmodseq = 0;
	assert_int_equal(store_mirror_folder_put(fx->m, &f), STORE_OK);
	assert_int_equal(store_mirror_folder_get(fx->m, "INBOX", &got),
	    STORE_OK);
	assert_int_equal(got.uidvalidity, 11);
	assert_int_equal(got.uidnext, 5);
	assert_int_equal(got.highestmodseq, 0);
	store_folder_clear(&got);
	assert_int_equal(count_total(fx->m, "INBOX"), 0);

	/* sync_state touches only uidnext and highestmodseq. */
	assert_int_equal(store_mirror_folder_sync_state(fx->m, "INBOX", 77,
	    UINT64_MAX), STORE_OK);
	assert_int_equal(store_mirror_folder_get(fx->m, "INBOX", &got),
	    STORE_OK);
	assert_int_equal(got.uidvalidity, 11);
	assert_int_equal(got.uidnext, 77);
	assert_true(got.highestmodseq == UINT64_MAX);
	assert_int_equal(got.delimiter, '.');
	store_folder_clear(&got);
	assert_int_equal(store_mirror_folder_sync_state(fx->m, "Nope", 1, 1),
	    STORE_NOT_FOUND);
}

static void
test_folder_reset(void **state)
{
	struct fixture		*fx = *state;
	struct store_folder	 f = { 0 }, got;

	f.name = "INBOX";
	f.uidvalidity = 1;
	f.uidnext = 11;
	f.highestmodseq = 99;
	f.total = 10;
	f.unseen = 2;
	assert_int_equal(store_mirror_folder_put(fx->m, &f), STORE_OK);
	put_folder(fx->m, "Other", 1);
	put_range(fx->m, "INBOX", 1, 10, 0);
	put_range(fx->m, "Other", 1, 5, 0);

	assert_int_equal(store_mirror_folder_reset(fx->m, "INBOX", 2),
	    STORE_OK);
	assert_int_equal(count_total(fx->m, "INBOX"), 0);
	assert_int_equal(count_total(fx->m, "Other"), 5);
	assert_int_equal(store_mirror_folder_get(fx->m, "INBOX", &got),
	    STORE_OK);
	assert_int_equal(got.uidvalidity, 2);
	assert_int_equal(got.uidnext, 0);
	assert_int_equal(got.highestmodseq, 0);
	assert_int_equal(got.total, 10);
	assert_int_equal(got.unseen, 2);
	store_folder_clear(&got);
	assert_int_equal(store_mirror_folder_reset(fx->m, "Nope", 2),
	    STORE_NOT_FOUND);
}

static void
test_folder_delete(void **state)
{
	struct fixture		*fx = *state;
	struct store_message	 msg;

	put_folder(fx->m, "INBOX", 1);
	put_folder(fx->m, "Other", 1);
	put_range(fx->m, "INBOX", 1, 20, 0);
	put_range(fx->m, "Other", 1, 5, 0);
	raw_exec(fx->path, "INSERT INTO part (folder_id, uid, section, size)"
	    " SELECT id, 3, '1.2', 100 FROM folder WHERE name = 'INBOX';"
	    "INSERT INTO queue (folder_id, op, uids, created)"
	    " SELECT id, 'flags', '1', 0 FROM folder WHERE name = 'INBOX';");

	assert_int_equal(store_mirror_folder_delete(fx->m, "INBOX"), STORE_OK);
	assert_int_equal(store_mirror_folder_delete(fx->m, "INBOX"),
	    STORE_NOT_FOUND);
	assert_int_equal(raw_int(fx->path, "SELECT count(*) FROM message"), 5);
	assert_int_equal(raw_int(fx->path, "SELECT count(*) FROM part"), 0);
	assert_int_equal(raw_int(fx->path, "SELECT count(*) FROM queue"), 0);
	assert_int_equal(store_mirror_message_get(fx->m, "INBOX", 1, &msg),
	    STORE_NOT_FOUND);

	/* The same name again starts empty. */
	put_folder(fx->m, "INBOX", 1);
	assert_int_equal(count_total(fx->m, "INBOX"), 0);
	assert_int_equal(store_mirror_message_get(fx->m, "INBOX", 1, &msg),
	    STORE_NOT_FOUND);
	assert_int_equal(count_total(fx->m, "Other"), 5);
}

static void
test_message_round_trip(void **state)
{
	struct fixture		*fx = *state;
	struct store_message	 in[2], out;
	char			*big;
	size_t			 i;

	big = malloc(100001);
	assert_non_null(big);
	for (i = 0; i < 100000; i++)
		big[i] = "(\"text\" \"plain\") "[i % 18];
	big[100000] = '\0';

	memset(in, 0, sizeof in);
	in[0].uid = UINT32_MAX;
	in[0].flags = 0x7f;
	in[0].keywords = "$Label1 $Important";
	in[0].modseq = (uint64_t)INT64_MAX + 5;		/* top bit set */
	in[0].size = UINT32_MAX;
	in[0].internal_date = 4102444800;
	in[0].date = -86400;
	in[0].subject = "Grüße — 日本語 ✉ 🐦 "
	    "'quoted' \"too\"; DROP TABLE message; --";
	in[0].from = "Zoë <zoe@example.org>";
	in[0].to = "a@example.org, Bob <b@example.org>";
	in[0].cc = "";		/* empty is not NULL */
	in[0].message_id = "<1@example.org>";
	in[0].in_reply_to = "<0@example.org>";
	in[0].references = "<a@x> <b@x> <0@example.org>";
	in[0].bodystructure = big;
	in[1].uid = 1;		/* everything else zero or NULL */

	put_folder(fx->m, "INBOX", 1);
	assert_int_equal(store_mirror_messages_put(fx->m, "INBOX", in, 2),
	    STORE_OK);

	assert_int_equal(store_mirror_message_get(fx->m, "INBOX", UINT32_MAX,
	    &out), STORE_OK);
	assert_int_equal(out.uid, UINT32_MAX);
	assert_int_equal(out.flags, 0x7f);
	assert_string_equal(out.keywords, in[0].keywords);
	assert_true(out.modseq == in[0].modseq);
	assert_int_equal(out.size, UINT32_MAX);
	assert_true(out.internal_date == 4102444800);
	assert_true(out.date == -86400);
	assert_string_equal(out.subject, in[0].subject);
	assert_string_equal(out.from, in[0].from);
	assert_string_equal(out.to, in[0].to);
	assert_string_equal(out.cc, "");
	assert_string_equal(out.message_id, in[0].message_id);
	assert_string_equal(out.in_reply_to, in[0].in_reply_to);
	assert_string_equal(out.references, in[0].references);
	assert_string_equal(out.bodystructure, big);
	store_message_clear(&out);
	assert_null(out.subject);
	assert_int_equal(out.uid, 0);

	assert_int_equal(store_mirror_message_get(fx->m, "INBOX", 1, &out),
	    STORE_OK);
	assert_int_equal(out.uid, 1);
	assert_int_equal(out.flags, 0);
	assert_int_equal(out.modseq, 0);
	assert_int_equal(out.size, 0);
	assert_int_equal(out.internal_date, 0);
	assert_int_equal(out.date, 0);
	assert_null(out.keywords);
	assert_null(out.subject);
	assert_null(out.from);
	assert_null(out.to);
	assert_null(out.cc);
	assert_null(out.message_id);
	assert_null(out.in_reply_to);
	assert_null(out.references);
	assert_null(out.bodystructure);
	store_message_clear(&out);

	assert_int_equal(store_mirror_message_get(fx->m, "INBOX", 2, &out),
	    STORE_NOT_FOUND);
	assert_null(out.subject);
	assert_int_equal(store_mirror_message_get(fx->m, "Nope", 1, &out),
	    STORE_NOT_FOUND);
	free(big);
}

static void
test_message_replace(void **state)
{
	struct fixture		*fx = *state;
	struct store_message	 msg = { 0 }, out;

	put_folder(fx->m, "INBOX", 1);
	msg.uid = 5;
	msg.subject = "first";
	msg.from = "a@example.org";
	msg.keywords = "$Old";
	assert_int_equal(store_mirror_messages_put(fx->m, "INBOX", &msg, 1),
	    STORE_OK);
	raw_exec(fx->path, "INSERT INTO part (folder_id, uid, section, size)"
	    " SELECT id, 5, '2', 10 FROM folder WHERE name = 'INBOX'");

	msg.subject = "second";
	msg.from = NULL;
	msg.keywords = NULL;
	msg.flags = STORE_FLAG_SEEN;
	assert_int_equal(store_mirror_messages_put(fx->m, "INBOX", &msg, 1),
	    STORE_OK);
	assert_int_equal(count_total(fx->m, "INBOX"), 1);
	assert_int_equal(store_mirror_message_get(fx->m, "INBOX", 5, &out),
	    STORE_OK);
	assert_string_equal(out.subject, "second");
	assert_null(out.from);
	assert_null(out.keywords);
	assert_int_equal(out.flags, STORE_FLAG_SEEN);
	store_message_clear(&out);
	/* Replacing a row keeps its part records. */
	assert_int_equal(raw_int(fx->path, "SELECT count(*) FROM part"), 1);
}

static void
test_flags_set(void **state)
{
	struct fixture		*fx = *state;
	struct store_message	 msg = { 0 }, out;

	put_folder(fx->m, "INBOX", 1);
	msg.uid = 9;
	msg.modseq = 100;
	msg.subject = "s";
	assert_int_equal(store_mirror_messages_put(fx->m, "INBOX", &msg, 1),
	    STORE_OK);

	assert_int_equal(store_mirror_flags_set(fx->m, "INBOX", 9,
	    STORE_FLAG_SEEN | STORE_FLAG_FLAGGED, "$Work", 120), STORE_OK);
	assert_int_equal(store_mirror_message_get(fx->m, "INBOX", 9, &out),
	    STORE_OK);
	assert_int_equal(out.flags, STORE_FLAG_SEEN | STORE_FLAG_FLAGGED);
	assert_string_equal(out.keywords, "$Work");
	assert_int_equal(out.modseq, 120);
	assert_string_equal(out.subject, "s");
	store_message_clear(&out);

	/* modseq 0 keeps the stored one; NULL keywords clears them. */
	assert_int_equal(store_mirror_flags_set(fx->m, "INBOX", 9,
	    STORE_FLAG_DELETED, NULL, 0), STORE_OK);
	assert_int_equal(store_mirror_message_get(fx->m, "INBOX", 9, &out),
	    STORE_OK);
	assert_int_equal(out.flags, STORE_FLAG_DELETED);
	assert_null(out.keywords);
	assert_int_equal(out.modseq, 120);
	store_message_clear(&out);

	assert_int_equal(store_mirror_flags_set(fx->m, "INBOX", 10, 0, NULL,
	    0), STORE_NOT_FOUND);
	assert_int_equal(store_mirror_flags_set(fx->m, "Nope", 9, 0, NULL,
	    0), STORE_NOT_FOUND);
}

static void
test_expunge_and_uids(void **state)
{
	struct fixture	*fx = *state;
	uint32_t	*uids, gone[] = { 2, 4, 6, 1000, 8, 2 };
	size_t		 n, i;

	put_folder(fx->m, "INBOX", 1);
	put_folder(fx->m, "Empty", 1);
	/* Out of order on purpose: uids come back ascending. */
	put_range(fx->m, "INBOX", 6, 10, 0);
	put_range(fx->m, "INBOX", 1, 5, 0);
	raw_exec(fx->path, "INSERT INTO part (folder_id, uid, section, size)"
	    " SELECT id, 4, '1', 10 FROM folder WHERE name = 'INBOX'");

	assert_int_equal(store_mirror_uids(fx->m, "INBOX", &uids, &n),
	    STORE_OK);
	assert_int_equal(n, 10);
	for (i = 0; i < n; i++)
		assert_int_equal(uids[i], i + 1);
	free(uids);

	assert_int_equal(store_mirror_expunge(fx->m, "INBOX", gone,
	    sizeof gone / sizeof gone[0]), STORE_OK);
	assert_int_equal(store_mirror_uids(fx->m, "INBOX", &uids, &n),
	    STORE_OK);
	assert_int_equal(n, 6);
	assert_int_equal(uids[0], 1);
	assert_int_equal(uids[1], 3);
	assert_int_equal(uids[2], 5);
	assert_int_equal(uids[3], 7);
	assert_int_equal(uids[4], 9);
	assert_int_equal(uids[5], 10);
	free(uids);
	assert_int_equal(raw_int(fx->path, "SELECT count(*) FROM part"), 0);

	assert_int_equal(store_mirror_expunge(fx->m, "INBOX", NULL, 0),
	    STORE_OK);
	assert_int_equal(store_mirror_expunge(fx->m, "Nope", gone, 1),
	    STORE_NOT_FOUND);

	assert_int_equal(store_mirror_uids(fx->m, "Empty", &uids, &n),
	    STORE_OK);
	assert_null(uids);
	assert_int_equal(n, 0);
	assert_int_equal(store_mirror_uids(fx->m, "Nope", &uids, &n),
	    STORE_NOT_FOUND);
	assert_null(uids);
}

struct window {
	struct store_mirror	*m;
	uint32_t		 uids[200];
	size_t			 n;
	size_t			 stop;		/* stop after this many */
	int			 nested;	/* read the mirror from cb */
};

static int
collect_message(const struct store_message *msg, void *arg)
{
	struct window		*w = arg;
	struct window		 inner = { 0 };
	struct store_message	 copy;
	char			 want[32];

	assert_true(w->n < 200);
	snprintf(want, sizeof want, "message %u", msg->uid);
	assert_string_equal(msg->subject, want);
	assert_null(msg->from);
	w->uids[w->n++] = msg->uid;
	if (w->nested) {
		/* Reading again from inside the callback works. */
		assert_int_equal(store_mirror_message_get(w->m, "INBOX",
		    msg->uid, &copy), STORE_OK);
		assert_string_equal(copy.subject, want);
		store_message_clear(&copy);
		assert_int_equal(store_mirror_messages_each(w->m, "INBOX",
		    msg->uid, 1, collect_message, &inner), STORE_OK);
		assert_true(inner.n <= 1);
		if (inner.n == 1)
			assert_true(inner.uids[0] < msg->uid);
	}
	return w->stop != 0 && w->n == w->stop;
}

static void
test_messages_each(void **state)
{
	struct fixture	*fx = *state;
	struct window	 w;
	uint32_t	 all[200], before = 0;
	size_t		 nall = 0, i;

	put_folder(fx->m, "INBOX", 1);
	put_folder(fx->m, "Empty", 1);
	put_range(fx->m, "INBOX", 1, 50, 0);
	put_range(fx->m, "INBOX", 101, 150, 0);

	/* Everything, newest first. */
	memset(&w, 0, sizeof w);
	assert_int_equal(store_mirror_messages_each(fx->m, "INBOX", 0, 0,
	    collect_message, &w), STORE_OK);
	assert_int_equal(w.n, 100);
	for (i = 1; i < w.n; i++)
		assert_true(w.uids[i] < w.uids[i - 1]);
	assert_int_equal(w.uids[0], 150);
	assert_int_equal(w.uids[99], 1);

	/* Windows of 30 walk down to the same list. */
	for (;;) {
		memset(&w, 0, sizeof w);
		assert_int_equal(store_mirror_messages_each(fx->m, "INBOX",
		    before, 30, collect_message, &w), STORE_OK);
		if (w.n == 0)
			break;
		assert_true(w.n <= 30);
		memcpy(all + nall, w.uids, w.n * sizeof w.uids[0]);
		nall += w.n;
		before = w.uids[w.n - 1];
	}
	assert_int_equal(nall, 100);
	assert_int_equal(all[0], 150);
	assert_int_equal(all[49], 101);
	assert_int_equal(all[50], 50);
	assert_int_equal(all[99], 1);

	/* before_uid in a gap, and at the bottom. */
	memset(&w, 0, sizeof w);
	assert_int_equal(store_mirror_messages_each(fx->m, "INBOX", 80, 3,
	    collect_message, &w), STORE_OK);
	assert_int_equal(w.n, 3);
	assert_int_equal(w.uids[0], 50);
	assert_int_equal(w.uids[2], 48);
	memset(&w, 0, sizeof w);
	assert_int_equal(store_mirror_messages_each(fx->m, "INBOX", 1, 0,
	    collect_message, &w), STORE_OK);
	assert_int_equal(w.n, 0);

	/* cb stops the walk; the status is still OK. */
	memset(&w, 0, sizeof w);
	w.stop = 5;
	assert_int_equal(store_mirror_messages_each(fx->m, "INBOX", 0, 0,
	    collect_message, &w), STORE_OK);
	assert_int_equal(w.n, 5);
	assert_int_equal(w.uids[4], 146);

	/* Reads from inside the callback. */
	memset(&w, 0, sizeof w);
	w.m = fx->m;
	w.nested = 1;
	assert_int_equal(store_mirror_messages_each(fx->m, "INBOX", 0, 10,
	    collect_message, &w), STORE_OK);
	assert_int_equal(w.n, 10);

	memset(&w, 0, sizeof w);
	assert_int_equal(store_mirror_messages_each(fx->m, "Empty", 0, 0,
	    collect_message, &w), STORE_OK);
	assert_int_equal(w.n, 0);
	assert_int_equal(store_mirror_messages_each(fx->m, "Nope", 0, 0,
	    collect_message, &w), STORE_NOT_FOUND);
}

static void
test_count(void **state)
{
	struct fixture	*fx = *state;
	uint32_t	 total = 99, unseen = 99;

	put_folder(fx->m, "INBOX", 1);
	put_folder(fx->m, "Empty", 1);
	put_range(fx->m, "INBOX", 1, 3, STORE_FLAG_SEEN);
	put_range(fx->m, "INBOX", 4, 5, STORE_FLAG_SEEN | STORE_FLAG_FLAGGED);
	put_range(fx->m, "INBOX", 6, 8, STORE_FLAG_FLAGGED |
	    STORE_FLAG_ANSWERED);
	put_range(fx->m, "INBOX", 9, 10, 0);
	assert_int_equal(store_mirror_count(fx->m, "INBOX", &total, &unseen),
	    STORE_OK);
	assert_int_equal(total, 10);
	assert_int_equal(unseen, 5);
	assert_int_equal(store_mirror_flags_set(fx->m, "INBOX", 10,
	    STORE_FLAG_SEEN, NULL, 0), STORE_OK);
	assert_int_equal(store_mirror_count(fx->m, "INBOX", NULL, &unseen),
	    STORE_OK);
	assert_int_equal(unseen, 4);
	assert_int_equal(store_mirror_count(fx->m, "Empty", &total, &unseen),
	    STORE_OK);
	assert_int_equal(total, 0);
	assert_int_equal(unseen, 0);
	assert_int_equal(store_mirror_count(fx->m, "Nope", &total, &unseen),
	    STORE_NOT_FOUND);
}

static void
test_put_atomic(void **state)
{
	struct fixture		*fx = *state;
	struct store_message	 msgs[3];
	const char		*error;

	put_folder(fx->m, "INBOX", 1);
	put_range(fx->m, "INBOX", 1, 2, 0);

	/* A bad row in the middle: none of the batch is stored. */
	memset(msgs, 0, sizeof msgs);
	msgs[0].uid = 10;
	msgs[1].uid = 0;
	msgs[2].uid = 11;
	assert_int_equal(store_mirror_messages_put(fx->m, "INBOX", msgs, 3),
	    STORE_ERROR);
	error = store_mirror_error(fx->m);
	assert_non_null(error);
	assert_non_null(strstr(error, fx->path));
	assert_non_null(strstr(error, "constraint"));
	assert_int_equal(count_total(fx->m, "INBOX"), 2);

	/* The connection is fine afterwards. */
	msgs[1].uid = 12;
	assert_int_equal(store_mirror_messages_put(fx->m, "INBOX", msgs, 3),
	    STORE_OK);
	assert_int_equal(count_total(fx->m, "INBOX"), 5);
	assert_int_equal(store_mirror_messages_put(fx->m, "Nope", msgs, 3),
	    STORE_NOT_FOUND);
	assert_int_equal(store_mirror_messages_put(fx->m, "INBOX", NULL, 0),
	    STORE_OK);
}

static void
test_put_10000(void **state)
{
	struct fixture		*fx = *state;
	struct store_message	*msgs;
	struct timespec		 t0, t1;
	char			 (*subjects)[64], (*ids)[64];
	const char		*structure = "((\"text\" \"plain\" (\"charset\""
	    " \"utf-8\") NIL NIL \"quoted-printable\" 2811 61)(\"application\""
	    " \"pdf\" (\"name\" \"report.pdf\") NIL NIL \"base64\" 183402)"
	    " \"mixed\")";
	const size_t		 n = 10000;
	uint32_t		 total, *uids;
	size_t			 i, nuids;
	double			 ms;

	msgs = calloc(n, sizeof *msgs);
	subjects = calloc(n, sizeof *subjects);
	ids = calloc(n, sizeof *ids);
	assert_non_null(msgs);
	assert_non_null(subjects);
	assert_non_null(ids);
	for (i = 0; i < n; i++) {
		snprintf(subjects[i], sizeof subjects[i],
		    "Re: the quarterly report, part %zu", i);
		snprintf(ids[i], sizeof ids[i], "<%zu.%zu@mail.example.org>",
		    i, i * 7919);
		msgs[i].uid = i + 1;
		msgs[i].flags = i % 3 == 0 ? 0 : STORE_FLAG_SEEN;
		msgs[i].modseq = 1000 + i;
		msgs[i].size = 4000 + i;
		msgs[i].internal_date = 1700000000 + i;
		msgs[i].date = 1700000000 + i;
		msgs[i].subject = subjects[i];
		msgs[i].from = "Jane Example <jane@example.org>";
		msgs[i].to = "team@example.org";
		msgs[i].message_id = ids[i];
		msgs[i].references = "<a@example.org> <b@example.org>";
		msgs[i].bodystructure = (char *)structure;
	}
	put_folder(fx->m, "INBOX", 1);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(store_mirror_messages_put(fx->m, "INBOX", msgs, n),
	    STORE_OK);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ms = (t1.tv_sec - t0.tv_sec) * 1e3 + (t1.tv_nsec - t0.tv_nsec) / 1e6;
	/* A figure for people, not a verdict: machines and sanitizers vary. */
	print_message("10000 rows in one messages_put: %.1f ms\n", ms);

	assert_int_equal(store_mirror_count(fx->m, "INBOX", &total, NULL),
	    STORE_OK);
	assert_int_equal(total, n);
	assert_int_equal(store_mirror_uids(fx->m, "INBOX", &uids, &nuids),
	    STORE_OK);
	assert_int_equal(nuids, n);
	assert_int_equal(uids[n - 1], n);
	free(uids);
	free(ids);
	free(subjects);
	free(msgs);
}

static void
put_sized(struct store_mirror *m, const char *folder, uint32_t uid,
    uint32_t size)
{
	struct store_message	 msg = { 0 };

	msg.uid = uid;
	msg.size = size;
	msg.subject = (char *)"sized";
	assert_int_equal(store_mirror_messages_put(m, folder, &msg, 1),
	    STORE_OK);
}

struct big {
	char		folders[16][16];
	uint32_t	uids[16];
	uint32_t	sizes[16];
	size_t		n;
	size_t		stop_after;	/* 0: never */
};

static int
big_cb(const char *folder, const struct store_message *msg, void *arg)
{
	struct big	*b = arg;

	assert_true(b->n < 16);
	assert_string_equal(msg->subject, "sized");
	snprintf(b->folders[b->n], sizeof b->folders[b->n], "%s", folder);
	b->uids[b->n] = msg->uid;
	b->sizes[b->n] = msg->size;
	b->n++;
	return b->stop_after != 0 && b->n == b->stop_after;
}

/* The biggest messages of all folders, largest first, ties by folder and
 * UID, at most limit. */
static void
test_biggest(void **state)
{
	struct fixture	*fx = *state;
	struct big	 b;

	memset(&b, 0, sizeof b);
	assert_int_equal(store_mirror_biggest(fx->m, 5, big_cb, &b), STORE_OK);
	assert_int_equal(b.n, 0);

	put_folder(fx->m, "INBOX", 1);
	put_folder(fx->m, "Archive", 1);
	put_folder(fx->m, "Sent", 1);
	put_sized(fx->m, "INBOX", 1, 100);
	put_sized(fx->m, "INBOX", 2, 5000000);
	put_sized(fx->m, "INBOX", 3, 700);
	put_sized(fx->m, "Archive", 10, 900000);
	put_sized(fx->m, "Archive", 11, 700);
	put_sized(fx->m, "Sent", 4, 20000000);
	put_sized(fx->m, "Sent", 5, 0);

	assert_int_equal(store_mirror_biggest(fx->m, 3, big_cb, &b), STORE_OK);
	assert_int_equal(b.n, 3);
	assert_string_equal(b.folders[0], "Sent");
	assert_int_equal(b.uids[0], 4);
	assert_int_equal(b.sizes[0], 20000000);
	assert_string_equal(b.folders[1], "INBOX");
	assert_int_equal(b.uids[1], 2);
	assert_string_equal(b.folders[2], "Archive");
	assert_int_equal(b.uids[2], 10);

	/* 0 is no limit; equal sizes come by folder name. */
	memset(&b, 0, sizeof b);
	assert_int_equal(store_mirror_biggest(fx->m, 0, big_cb, &b), STORE_OK);
	assert_int_equal(b.n, 7);
	assert_string_equal(b.folders[3], "Archive");
	assert_int_equal(b.uids[3], 11);
	assert_string_equal(b.folders[4], "INBOX");
	assert_int_equal(b.uids[4], 3);
	assert_int_equal(b.sizes[6], 0);

	/* The callback stops it. */
	memset(&b, 0, sizeof b);
	b.stop_after = 2;
	assert_int_equal(store_mirror_biggest(fx->m, 10, big_cb, &b),
	    STORE_OK);
	assert_int_equal(b.n, 2);
}

struct big_order {
	size_t		n;
	int64_t		first;
	int64_t		last;
};

static int
big_order_cb(const char *folder, const struct store_message *msg,
    void *arg)
{
	struct big_order	*o = arg;

	assert_non_null(folder);
	if (o->last >= 0 && msg->size > o->last) {
		fprintf(stderr, "%u after %lld\n", msg->size,
		    (long long)o->last);
		fail();
	}
	if (o->n++ == 0)
		o->first = msg->size;
	o->last = msg->size;
	return 0;
}

/* 100,000 rows in four folders, made in one transaction: how long the
 * quota view's query takes. */
static void
test_biggest_100000(void **state)
{
	struct fixture		*fx = *state;
	struct big_order	 o;
	struct timespec		 t0, t1;
	double			 ms;
	int			 i;

	put_folder(fx->m, "F0", 1);
	put_folder(fx->m, "F1", 1);
	put_folder(fx->m, "F2", 1);
	put_folder(fx->m, "F3", 1);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	raw_exec(fx->path, "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL"
	    " SELECT i + 1 FROM n WHERE i < 100000)"
	    " INSERT INTO message (folder_id, uid, flags, size, internal_date,"
	    "  date, subject, from_, to_, message_id, references_,"
	    "  bodystructure)"
	    " SELECT (SELECT id FROM folder WHERE name = 'F' || (i % 4)), i, 1,"
	    "  (i * 2654435761) % 50000000, 1700000000 + i, 1700000000 + i,"
	    "  'Re: the quarterly report, part ' || i,"
	    "  'Jane Example <jane@example.org>', 'team@example.org',"
	    "  '<' || i || '.' || (i * 7919) || '@mail.example.org>',"
	    "  '<a@example.org> <b@example.org>',"
	    "  '((\"text\" \"plain\" (\"charset\" \"utf-8\") NIL NIL"
	    "  \"quoted-printable\" 2811 61)(\"application\" \"pdf\""
	    "  (\"name\" \"report.pdf\") NIL NIL \"base64\" 183402)"
	    "  \"mixed\")'"
	    " FROM n");
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ms = (t1.tv_sec - t0.tv_sec) * 1e3 + (t1.tv_nsec - t0.tv_nsec) / 1e6;
	print_message("100000 rows in one transaction: %.1f ms\n", ms);
	assert_int_equal(raw_int(fx->path, "SELECT count(*) FROM message"),
	    100000);

	/* A figure for people, not a verdict: machines and sanitizers vary. */
	for (i = 0; i < 2; i++) {
		memset(&o, 0, sizeof o);
		o.last = -1;
		clock_gettime(CLOCK_MONOTONIC, &t0);
		assert_int_equal(store_mirror_biggest(fx->m, 50, big_order_cb,
		    &o), STORE_OK);
		clock_gettime(CLOCK_MONOTONIC, &t1);
		ms = (t1.tv_sec - t0.tv_sec) * 1e3 +
		    (t1.tv_nsec - t0.tv_nsec) / 1e6;
		print_message("biggest 50 of 100000 rows (%s): %.1f ms\n",
		    i == 0 ? "first call" : "again", ms);
		assert_int_equal(o.n, 50);
	}
	assert_int_equal(o.first, raw_int(fx->path,
	    "SELECT max(size) FROM message"));
	/* The 50th is bigger than all but 49 rows. */
	assert_int_equal(raw_int(fx->path, "SELECT count(*) FROM message"
	    " WHERE size > (SELECT size FROM message ORDER BY size DESC"
	    " LIMIT 1 OFFSET 49)"), 49);
}

/* Bytes that are no SQLite file, the same each run. */
static void
fill_garbage(unsigned char *buf, size_t len)
{
	uint32_t	 x = 0x12345678;
	size_t		 i;

	for (i = 0; i < len; i++) {
		x = x * 1103515245 + 12345;
		buf[i] = x >> 16;
	}
}

static void
test_garbage_file(void **state)
{
	struct fixture	*fx = *state;
	unsigned char	 garbage[8192], back[8192];
	char		 path[256];
	FILE		*f;

	snprintf(path, sizeof path, "%s/garbage.db", fx->dir);
	fill_garbage(garbage, sizeof garbage);
	assert_non_null(f = fopen(path, "w"));
	assert_int_equal(fwrite(garbage, 1, sizeof garbage, f),
	    sizeof garbage);
	fclose(f);
	assert_open_fails(path, NULL);

	/* The file is left as it was. */
	assert_non_null(f = fopen(path, "r"));
	assert_int_equal(fread(back, 1, sizeof back + 1, f), sizeof back);
	fclose(f);
	assert_memory_equal(garbage, back, sizeof back);
}

static void
test_corrupt_file(void **state)
{
	struct fixture	*fx = *state;
	unsigned char	 garbage[4096 - 100];
	int		 fd;

	put_folder(fx->m, "INBOX", 1);
	put_range(fx->m, "INBOX", 1, 100, 0);
	store_mirror_close(fx->m);
	fx->m = NULL;

	/* Keep the header, spoil the rest of the first page (the schema). */
	fill_garbage(garbage, sizeof garbage);
	assert_true((fd = open(fx->path, O_WRONLY)) != -1);
	assert_int_equal(pwrite(fd, garbage, sizeof garbage, 100),
	    sizeof garbage);
	close(fd);
	assert_open_fails(fx->path, NULL);
}

static void
test_foreign_database(void **state)
{
	struct fixture	*fx = *state;
	char		 path[256];

	snprintf(path, sizeof path, "%s/other.db", fx->dir);
	raw_exec(path, "CREATE TABLE notes (text TEXT)");
	assert_open_fails(path, "not a skua mirror");
	assert_int_equal(raw_int(path, "SELECT count(*) FROM sqlite_master"),
	    1);
}

static void
test_newer_schema(void **state)
{
	struct fixture	*fx = *state;

	store_mirror_close(fx->m);
	fx->m = NULL;
	raw_exec(fx->path, "PRAGMA user_version = 999");
	assert_open_fails(fx->path, "newer");
}

static void
test_missing_directory(void **state)
{
	struct fixture	*fx = *state;
	char		 path[256];

	snprintf(path, sizeof path, "%s/no/such/mirror.db", fx->dir);
	assert_open_fails(path, NULL);
}

/*
 * The child of test_read_only: plain checks, an exit code for each. Root
 * ignores file permissions, so as root the child first becomes nobody; 77
 * means it could not.
 */
static int
read_only_child(const char *dir, const char *path)
{
	struct store_mirror	*m;
	struct store_message	 msg = { 0 };
	struct store_folder	 f = { 0 };
	const char		*error;

	if (geteuid() == 0) {
		if (chown(dir, 65534, 65534) == -1 ||
		    chown(path, 65534, 65534) == -1)
			return 77;
		if (setgroups(0, NULL) == -1 || setgid(65534) == -1 ||
		    setuid(65534) == -1)
			return 77;
		if (geteuid() == 0)
			return 77;
	}
	if (chmod(path, 0400) == -1)
		return 10;
	if (store_mirror_open(path, &m, NULL) != STORE_OK)
		return 11;
	if (store_mirror_count(m, "INBOX", NULL, NULL) != STORE_OK)
		return 12;
	msg.uid = 99;
	if (store_mirror_messages_put(m, "INBOX", &msg, 1) != STORE_ERROR)
		return 13;
	error = store_mirror_error(m);
	if (error == NULL || strstr(error, path) == NULL ||
	    strstr(error, "readonly") == NULL)
		return 14;
	if (store_mirror_flags_set(m, "INBOX", 1, 0, NULL, 0) != STORE_ERROR)
		return 15;
	f.name = "New";
	if (store_mirror_folder_put(m, &f) != STORE_ERROR)
		return 16;
	if (store_mirror_expunge(m, "INBOX", &msg.uid, 1) != STORE_ERROR ||
	    store_mirror_folder_reset(m, "INBOX", 5) != STORE_ERROR ||
	    store_mirror_folder_delete(m, "INBOX") != STORE_ERROR)
		return 17;
	/* Reads still work after the failed writes. */
	if (store_mirror_message_get(m, "INBOX", 1, &msg) != STORE_OK)
		return 18;
	store_message_clear(&msg);
	store_mirror_close(m);
	return 0;
}

static void
test_read_only(void **state)
{
	struct fixture	*fx = *state;
	pid_t		 pid;
	int		 status;

	put_folder(fx->m, "INBOX", 1);
	put_range(fx->m, "INBOX", 1, 3, 0);
	store_mirror_close(fx->m);
	fx->m = NULL;

	if ((pid = fork()) == 0)
		_exit(read_only_child(fx->dir, fx->path));
	assert_true(pid != -1);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	if (WEXITSTATUS(status) == 77)
		skip();
	assert_int_equal(WEXITSTATUS(status), 0);
}

static off_t
file_size(const char *path, const char *suffix)
{
	struct stat	 sb;
	char		 file[256];

	snprintf(file, sizeof file, "%s%s", path, suffix);
	return stat(file, &sb) == 0 ? sb.st_size : 0;
}

/* A full disk, simulated with RLIMIT_FSIZE (which binds root too): the
 * write fails whole and the mirror goes on working. */
static void
test_disk_full(void **state)
{
	struct fixture		*fx = *state;
	struct store_message	*msgs;
	struct rlimit		 old, small;
	char			*subject;
	const char		*error;
	void			(*handler)(int);
	enum store_status	 status;
	off_t			 size;
	size_t			 i, n = 2000;

	put_folder(fx->m, "INBOX", 1);
	put_range(fx->m, "INBOX", 1, 10, 0);
	msgs = calloc(n, sizeof *msgs);
	subject = malloc(2048);
	assert_non_null(msgs);
	assert_non_null(subject);
	memset(subject, 'x', 2047);
	subject[2047] = '\0';
	for (i = 0; i < n; i++) {
		msgs[i].uid = 100 + i;
		msgs[i].subject = subject;
	}

	size = file_size(fx->path, "");
	if (file_size(fx->path, "-wal") > size)
		size = file_size(fx->path, "-wal");
	assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
	small = old;
	small.rlim_cur = size + 16384;
	if (old.rlim_max != RLIM_INFINITY && old.rlim_max < small.rlim_cur)
		small.rlim_cur = old.rlim_max;
	handler = signal(SIGXFSZ, SIG_IGN);
	/* Nothing may print while the limit holds. */
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &small), 0);
	status = store_mirror_messages_put(fx->m, "INBOX", msgs, n);
	setrlimit(RLIMIT_FSIZE, &old);
	signal(SIGXFSZ, handler);

	assert_int_equal(status, STORE_ERROR);
	error = store_mirror_error(fx->m);
	assert_non_null(error);
	assert_non_null(strstr(error, fx->path));
	assert_int_equal(count_total(fx->m, "INBOX"), 10);
	assert_int_equal(store_mirror_messages_put(fx->m, "INBOX", msgs, n),
	    STORE_OK);
	assert_int_equal(count_total(fx->m, "INBOX"), 10 + n);
	free(subject);
	free(msgs);
}

/* A writer killed at a random point leaves whole batches only. */
static void
test_killed_writer(void **state)
{
	struct fixture		*fx = *state;
	struct store_message	 msgs[500];
	struct timespec		 ts = { 0, 30 * 1000 * 1000 };
	struct store_mirror	*m;
	uint32_t		*uids, batch;
	char			*check, byte = 0;
	size_t			 n, i;
	pid_t			 pid;
	int			 fds[2], status;

	put_folder(fx->m, "INBOX", 1);
	store_mirror_close(fx->m);
	fx->m = NULL;

	assert_int_equal(pipe(fds), 0);
	if ((pid = fork()) == 0) {
		close(fds[0]);
		if (store_mirror_open(fx->path, &m, NULL) != STORE_OK)
			_exit(1);
		memset(msgs, 0, sizeof msgs);
		for (batch = 0;; batch++) {
			for (i = 0; i < 500; i++) {
				msgs[i].uid = batch * 500 + i + 1;
				msgs[i].subject = "a row of a batch";
			}
			if (store_mirror_messages_put(m, "INBOX", msgs, 500) !=
			    STORE_OK)
				_exit(2);
			if (batch == 0 && write(fds[1], &byte, 1) != 1)
				_exit(3);
		}
	}
	assert_true(pid != -1);
	close(fds[1]);
	/* After the first batch, let it run a little, then kill it. */
	status = read(fds[0], &byte, 1);
	nanosleep(&ts, NULL);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	close(fds[0]);
	assert_int_equal(status, 1);

	assert_int_equal(store_mirror_open(fx->path, &fx->m, NULL), STORE_OK);
	assert_int_equal(store_mirror_uids(fx->m, "INBOX", &uids, &n),
	    STORE_OK);
	print_message("killed writer left %zu rows\n", n);
	assert_true(n >= 500);
	assert_int_equal(n % 500, 0);
	for (i = 0; i < n; i++)
		assert_int_equal(uids[i], i + 1);
	free(uids);
	check = raw_text(fx->path, "PRAGMA integrity_check");
	assert_string_equal(check, "ok");
	free(check);
}

static void
test_clear(void **state)
{
	struct store_folder	 f;
	struct store_message	 msg;

	store_folder_clear(NULL);
	store_message_clear(NULL);
	memset(&f, 0, sizeof f);
	f.name = strdup("x");
	f.uidvalidity = 3;
	store_folder_clear(&f);
	assert_null(f.name);
	assert_int_equal(f.uidvalidity, 0);
	memset(&msg, 0, sizeof msg);
	msg.uid = 4;
	msg.subject = strdup("s");
	msg.bodystructure = strdup("b");
	store_message_clear(&msg);
	assert_null(msg.subject);
	assert_null(msg.bodystructure);
	assert_int_equal(msg.uid, 0);
	store_mirror_close(NULL);
}

#define T(f)	cmocka_unit_test_setup_teardown(f, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_open_reopen),
		T(test_migrate_attachments),
		T(test_file_mode),
		T(test_folders),
		T(test_folder_update_rules),
		T(test_folder_reset),
		T(test_folder_delete),
		T(test_message_round_trip),
		T(test_message_replace),
		T(test_flags_set),
		T(test_expunge_and_uids),
		T(test_messages_each),
		T(test_count),
		T(test_put_atomic),
		T(test_put_10000),
		T(test_biggest),
		T(test_biggest_100000),
		T(test_garbage_file),
		T(test_corrupt_file),
		T(test_foreign_database),
		T(test_newer_schema),
		T(test_missing_directory),
		T(test_read_only),
		T(test_disk_full),
		T(test_killed_writer),
		cmocka_unit_test(test_clear),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
