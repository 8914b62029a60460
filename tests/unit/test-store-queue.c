/* test-store-queue: the offline queue: order, removal, dropped messages and
 * folders, persistence, the schema step that made it, and damaged lists. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "store-mirror.h"
#include "store-mirror-db.h"
#include "store-queue.h"

/* Each test gets a fresh directory with an open mirror and two folders. */
struct fixture {
	char			 dir[64];
	char			 path[128];
	struct store_mirror	*m;
};

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

static int
setup(void **state)
{
	struct fixture	*fx = calloc(1, sizeof *fx);
	char		*error = NULL;

	if (fx == NULL)
		return -1;
	strcpy(fx->dir, "/tmp/skua-test-queue-XXXXXX");
	if (mkdtemp(fx->dir) == NULL)
		return -1;
	snprintf(fx->path, sizeof fx->path, "%s/mirror.db", fx->dir);
	if (store_mirror_open(fx->path, &fx->m, &error) != STORE_OK) {
		fprintf(stderr, "open: %s\n", error);
		free(error);
		return -1;
	}
	put_folder(fx->m, "INBOX", 7);
	put_folder(fx->m, "Archive", 9);
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture	*fx = *state;
	char		 file[256];

	store_mirror_close(fx->m);
	unlink(fx->path);
	snprintf(file, sizeof file, "%s-wal", fx->path);
	unlink(file);
	snprintf(file, sizeof file, "%s-shm", fx->path);
	unlink(file);
	rmdir(fx->dir);
	free(fx);
	return 0;
}

/* Look at the file with a connection of our own. */
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

static void
raw_exec(const char *path, const char *sql)
{
	sqlite3	*db;

	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE,
	    NULL), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
}

/* Queue one change; returns its id. */
static int64_t
add(struct store_mirror *m, enum store_queue_op op, const char *folder,
    const char *dest, uint32_t set, uint32_t clear, const uint32_t *uids,
    size_t n)
{
	struct store_queue_entry	 e = { 0 };
	int64_t				 id = -1;

	e.op = op;
	e.folder = (char *)folder;
	e.dest = (char *)dest;
	e.add = set;
	e.remove = clear;
	e.uids = (uint32_t *)uids;
	e.nuids = n;
	e.created = 1700000000;
	if (store_queue_add(m, &e, &id) != STORE_OK) {
		fprintf(stderr, "add: %s\n", store_mirror_error(m));
		fail();
	}
	assert_true(id > 0);
	return id;
}

static size_t
count(struct store_mirror *m, const char *folder)
{
	size_t	 n = 99;

	assert_int_equal(store_queue_count(m, folder, &n), STORE_OK);
	return n;
}

static void
assert_uids(const struct store_queue_entry *e, const uint32_t *want,
    size_t n)
{
	size_t	 i;

	assert_int_equal(e->nuids, n);
	for (i = 0; i < n; i++)
		assert_int_equal(e->uids[i], want[i]);
}

static void
assert_encodes(const uint32_t *uids, size_t n, const char *want)
{
	uint32_t	*back;
	size_t		 nback;
	char		*text;

	assert_int_equal(store_queue_uids_encode(uids, n, &text), STORE_OK);
	assert_string_equal(text, want);
	/* What encode writes, decode takes, and it says the same. */
	assert_int_equal(store_queue_uids_decode(text, &back, &nback),
	    STORE_OK);
	free(text);
	assert_int_equal(store_queue_uids_encode(back, nback, &text),
	    STORE_OK);
	assert_string_equal(text, want);
	free(text);
	free(back);
}

static void
test_uids_encode(void **state)
{
	const uint32_t	 mixed[] = { 7, 1, 2, 5, 3, 4, 5, 1 };
	const uint32_t	 one[] = { 42 };
	const uint32_t	 pair[] = { 2, 1 };
	const uint32_t	 ends[] = { 4294967295U, 1, 4294967294U };
	const uint32_t	 apart[] = { 9, 3, 5 };
	const uint32_t	 zero[] = { 3, 0 };
	char		*text = (char *)1;

	(void)state;
	assert_encodes(mixed, 8, "1:5,7");
	assert_encodes(one, 1, "42");
	assert_encodes(pair, 2, "1:2");
	assert_encodes(ends, 3, "1,4294967294:4294967295");
	assert_encodes(apart, 3, "3,5,9");
	assert_int_equal(store_queue_uids_encode(one, 0, &text), STORE_ERROR);
	assert_null(text);
	assert_int_equal(store_queue_uids_encode(zero, 2, &text),
	    STORE_ERROR);
	assert_null(text);
}

static void
test_uids_decode(void **state)
{
	static const char	*garbage[] = {
		"", "0", "01", "1:1", "5:1", "1,1", "1:3,3", "1:3,4", "3,1",
		"1,", ",1", "1 ", " 1", "a", "1a", "4294967296", "1:4294967296",
		"*", "1:*", "1::2", "1,,2", "-1", "+1", "99999999999",
		"1:16777217", "1:3:5", "1:0", "1\n",
	};
	const uint32_t		 want[] = { 1, 2, 3, 7, 4294967295U };
	uint32_t		*uids = (uint32_t *)1;
	size_t			 i, n = 1;

	(void)state;
	for (i = 0; i < sizeof garbage / sizeof garbage[0]; i++) {
		if (store_queue_uids_decode(garbage[i], &uids, &n) !=
		    STORE_ERROR) {
			fprintf(stderr, "took '%s'\n", garbage[i]);
			fail();
		}
		assert_null(uids);
		assert_int_equal(n, 0);
	}
	assert_int_equal(store_queue_uids_decode(NULL, &uids, &n),
	    STORE_ERROR);

	assert_int_equal(store_queue_uids_decode("1:3,7,4294967295", &uids,
	    &n), STORE_OK);
	assert_int_equal(n, 5);
	for (i = 0; i < n; i++)
		assert_int_equal(uids[i], want[i]);
	free(uids);
	/* The most there may be is taken. */
	assert_int_equal(store_queue_uids_decode("1:16777216", &uids, &n),
	    STORE_OK);
	assert_int_equal(n, STORE_QUEUE_UIDS_MAX);
	assert_int_equal(uids[n - 1], STORE_QUEUE_UIDS_MAX);
	free(uids);
}

/* Entries come back oldest first with all they were given. */
static void
test_add_first_each_order(void **state)
{
	struct fixture			*fx = *state;
	struct store_queue_entry	 e;
	const uint32_t			 a[] = { 5, 1, 2, 3 }, b[] = { 9 };
	const uint32_t			 want[] = { 1, 2, 3, 5 };
	int64_t				 ids[4];

	assert_int_equal(store_queue_first(fx->m, &e), STORE_NOT_FOUND);
	ids[0] = add(fx->m, STORE_QUEUE_FLAGS, "INBOX", NULL,
	    STORE_FLAG_SEEN | STORE_FLAG_FLAGGED, STORE_FLAG_DELETED, a, 4);
	ids[1] = add(fx->m, STORE_QUEUE_MOVE, "INBOX", "Archive", 0, 0, b, 1);
	ids[2] = add(fx->m, STORE_QUEUE_COPY, "Archive", "Elsewhere", 0, 0,
	    a, 4);
	ids[3] = add(fx->m, STORE_QUEUE_EXPUNGE, "INBOX", NULL, 0, 0, b, 1);
	assert_true(ids[0] < ids[1] && ids[1] < ids[2] && ids[2] < ids[3]);

	assert_int_equal(store_queue_first(fx->m, &e), STORE_OK);
	assert_int_equal(e.id, ids[0]);
	assert_int_equal(e.op, STORE_QUEUE_FLAGS);
	assert_string_equal(e.folder, "INBOX");
	assert_null(e.dest);
	assert_int_equal(e.add, STORE_FLAG_SEEN | STORE_FLAG_FLAGGED);
	assert_int_equal(e.remove, STORE_FLAG_DELETED);
	assert_int_equal(e.created, 1700000000);
	assert_uids(&e, want, 4);
	store_queue_entry_clear(&e);
	assert_null(e.folder);
	assert_null(e.uids);
	assert_int_equal(e.nuids, 0);
	store_queue_entry_clear(NULL);

	/* Removing the first makes the next one first. */
	assert_int_equal(store_queue_remove(fx->m, ids[0]), STORE_OK);
	assert_int_equal(store_queue_first(fx->m, &e), STORE_OK);
	assert_int_equal(e.id, ids[1]);
	assert_int_equal(e.op, STORE_QUEUE_MOVE);
	assert_string_equal(e.dest, "Archive");
	assert_uids(&e, b, 1);
	store_queue_entry_clear(&e);
}

struct collect {
	int64_t			ids[8];
	enum store_queue_op	ops[8];
	char			folders[8][16];
	size_t			n;
	size_t			stop_after;	/* 0: never */
};

static int
collect_cb(const struct store_queue_entry *e, void *arg)
{
	struct collect	*c = arg;

	assert_true(c->n < 8);
	c->ids[c->n] = e->id;
	c->ops[c->n] = e->op;
	snprintf(c->folders[c->n], sizeof c->folders[c->n], "%s", e->folder);
	c->n++;
	return c->stop_after != 0 && c->n == c->stop_after;
}

static void
test_each(void **state)
{
	struct fixture	*fx = *state;
	struct collect	 c;
	const uint32_t	 u[] = { 1 };
	int64_t		 ids[4];
	size_t		 i;

	memset(&c, 0, sizeof c);
	assert_int_equal(store_queue_each(fx->m, collect_cb, &c), STORE_OK);
	assert_int_equal(c.n, 0);

	ids[0] = add(fx->m, STORE_QUEUE_EXPUNGE, "INBOX", NULL, 0, 0, u, 1);
	ids[1] = add(fx->m, STORE_QUEUE_COPY, "Archive", "INBOX", 0, 0, u, 1);
	ids[2] = add(fx->m, STORE_QUEUE_FLAGS, "INBOX", NULL, 0,
	    STORE_FLAG_SEEN, u, 1);
	ids[3] = add(fx->m, STORE_QUEUE_MOVE, "Archive", "INBOX", 0, 0, u, 1);
	assert_int_equal(store_queue_each(fx->m, collect_cb, &c), STORE_OK);
	assert_int_equal(c.n, 4);
	for (i = 0; i < 4; i++)
		assert_int_equal(c.ids[i], ids[i]);
	assert_int_equal(c.ops[0], STORE_QUEUE_EXPUNGE);
	assert_int_equal(c.ops[1], STORE_QUEUE_COPY);
	assert_int_equal(c.ops[2], STORE_QUEUE_FLAGS);
	assert_int_equal(c.ops[3], STORE_QUEUE_MOVE);
	assert_string_equal(c.folders[1], "Archive");

	/* A callback stops the walk. */
	memset(&c, 0, sizeof c);
	c.stop_after = 2;
	assert_int_equal(store_queue_each(fx->m, collect_cb, &c), STORE_OK);
	assert_int_equal(c.n, 2);
}

/* Entries that make no sense are refused and nothing is queued. */
static void
test_add_refused(void **state)
{
	struct fixture			*fx = *state;
	struct store_queue_entry	 e, bad[12];
	uint32_t			 u[] = { 1, 2 }, z[] = { 1, 0 };
	int64_t				 id = 5;
	size_t				 i;

	memset(&e, 0, sizeof e);
	e.op = STORE_QUEUE_FLAGS;
	e.folder = (char *)"INBOX";
	e.add = STORE_FLAG_SEEN;
	e.uids = u;
	e.nuids = 2;
	for (i = 0; i < 12; i++)
		bad[i] = e;
	bad[0].nuids = 0;
	bad[1].uids = z;
	bad[2].op = 0;
	bad[3].op = STORE_QUEUE_EXPUNGE + 1;
	bad[4].add = 0;				/* nothing to do */
	bad[5].remove = STORE_FLAG_SEEN;	/* set and cleared */
	bad[6].add = 0x80;			/* no such flag */
	bad[7].dest = (char *)"Archive";		/* a flags change has none */
	bad[8].op = STORE_QUEUE_COPY;		/* dest missing */
	bad[8].add = 0;
	bad[9].op = STORE_QUEUE_MOVE;		/* flags on a move */
	bad[9].dest = (char *)"Archive";
	bad[10].folder = NULL;
	bad[11].nuids = STORE_QUEUE_UIDS_MAX + 1;
	for (i = 0; i < 12; i++) {
		if (store_queue_add(fx->m, &bad[i], &id) != STORE_ERROR) {
			fprintf(stderr, "took bad[%zu]\n", i);
			fail();
		}
		assert_int_equal(id, 0);
		assert_non_null(store_mirror_error(fx->m));
		assert_non_null(strstr(store_mirror_error(fx->m), fx->path));
	}
	e.folder = (char *)"Nowhere";
	assert_int_equal(store_queue_add(fx->m, &e, NULL), STORE_NOT_FOUND);
	assert_int_equal(count(fx->m, NULL), 0);

	/* The good one is taken, without an id pointer too. */
	e.folder = (char *)"INBOX";
	assert_int_equal(store_queue_add(fx->m, &e, NULL), STORE_OK);
	assert_int_equal(count(fx->m, NULL), 1);
}

static void
test_remove(void **state)
{
	struct fixture			*fx = *state;
	struct store_queue_entry	 e;
	const uint32_t			 u[] = { 3 };
	int64_t				 a, b, c;

	a = add(fx->m, STORE_QUEUE_EXPUNGE, "INBOX", NULL, 0, 0, u, 1);
	b = add(fx->m, STORE_QUEUE_EXPUNGE, "INBOX", NULL, 0, 0, u, 1);
	assert_int_equal(store_queue_remove(fx->m, b), STORE_OK);
	assert_int_equal(store_queue_remove(fx->m, b), STORE_NOT_FOUND);
	assert_int_equal(store_queue_remove(fx->m, 12345), STORE_NOT_FOUND);
	assert_int_equal(count(fx->m, NULL), 1);
	assert_int_equal(store_queue_remove(fx->m, a), STORE_OK);
	assert_int_equal(store_queue_first(fx->m, &e), STORE_NOT_FOUND);

	/* An id is never given again, even once the queue is empty. */
	c = add(fx->m, STORE_QUEUE_EXPUNGE, "INBOX", NULL, 0, 0, u, 1);
	assert_true(c > b);
}

static void
test_drop_uids(void **state)
{
	struct fixture			*fx = *state;
	struct store_queue_entry	 e;
	const uint32_t			 u[] = { 1, 2, 3, 4, 5, 9 };
	const uint32_t			 gone1[] = { 9, 2, 100 };
	const uint32_t			 gone2[] = { 4, 1, 5, 3 };
	const uint32_t			 left[] = { 1, 3, 4, 5 };
	int64_t				 id, other;

	id = add(fx->m, STORE_QUEUE_MOVE, "INBOX", "Archive", 0, 0, u, 6);
	other = add(fx->m, STORE_QUEUE_EXPUNGE, "INBOX", NULL, 0, 0, u, 6);
	assert_int_equal(store_queue_drop_uids(fx->m, id, gone1, 3), STORE_OK);
	assert_int_equal(store_queue_first(fx->m, &e), STORE_OK);
	assert_int_equal(e.id, id);
	assert_uids(&e, left, 4);
	store_queue_entry_clear(&e);
	assert_int_equal(raw_int(fx->path, "SELECT count(*) FROM queue"
	    " WHERE uids = '1,3:5'"), 1);

	/* Nothing to drop changes nothing. */
	assert_int_equal(store_queue_drop_uids(fx->m, id, NULL, 0), STORE_OK);
	assert_int_equal(count(fx->m, NULL), 2);

	/* Down to none: the entry goes, and only that one. */
	assert_int_equal(store_queue_drop_uids(fx->m, id, gone2, 4), STORE_OK);
	assert_int_equal(count(fx->m, NULL), 1);
	assert_int_equal(store_queue_first(fx->m, &e), STORE_OK);
	assert_int_equal(e.id, other);
	assert_uids(&e, u, 6);
	store_queue_entry_clear(&e);
	assert_int_equal(store_queue_drop_uids(fx->m, id, gone2, 4),
	    STORE_NOT_FOUND);
}

/* What is queued outlives the process: close, open, it is there. */
static void
test_persistence(void **state)
{
	struct fixture			*fx = *state;
	struct store_queue_entry	 e;
	const uint32_t			 u[] = { 7, 1, 2, 3, 4, 5 };
	const uint32_t			 want[] = { 1, 2, 3, 4, 5, 7 };
	char				*error = NULL;
	int64_t				 id;

	id = add(fx->m, STORE_QUEUE_COPY, "INBOX", "Archive", 0, 0, u, 6);
	store_mirror_close(fx->m);
	fx->m = NULL;
	/* Stored compactly, as a sequence set. */
	assert_int_equal(raw_int(fx->path, "SELECT count(*) FROM queue"
	    " WHERE uids = '1:5,7' AND op = 'copy'"), 1);
	assert_int_equal(store_mirror_open(fx->path, &fx->m, &error),
	    STORE_OK);
	assert_int_equal(store_queue_first(fx->m, &e), STORE_OK);
	assert_int_equal(e.id, id);
	assert_int_equal(e.op, STORE_QUEUE_COPY);
	assert_string_equal(e.folder, "INBOX");
	assert_string_equal(e.dest, "Archive");
	assert_uids(&e, want, 6);
	store_queue_entry_clear(&e);
}

/* A queue write is committed with synchronous = FULL, and the mirror's own
 * setting comes back after. */
static void
test_synchronous(void **state)
{
	struct fixture	*fx = *state;
	sqlite3_stmt	*stmt;
	const uint32_t	 u[] = { 1 };
	int64_t		 id;

	id = add(fx->m, STORE_QUEUE_EXPUNGE, "INBOX", NULL, 0, 0, u, 1);
	assert_int_equal(store_queue_remove(fx->m, id), STORE_OK);
	assert_int_equal(sqlite3_prepare_v2(store_mirror_db(fx->m),
	    "PRAGMA synchronous", -1, &stmt, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(stmt), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(stmt, 0), 1);	/* NORMAL */
	sqlite3_finalize(stmt);
}

/* The queue table of schema version 1 and 2, exactly as they made it. */
#define QUEUE_VERSION_2 \
	"CREATE TABLE queue (\n" \
	"  id INTEGER PRIMARY KEY,\n" \
	"  folder_id INTEGER REFERENCES folder (id) ON DELETE CASCADE,\n" \
	"  kind TEXT NOT NULL,\n" \
	"  payload BLOB,\n" \
	"  created INTEGER NOT NULL\n" \
	");\n" \
	"CREATE INDEX queue_folder ON queue (folder_id);\n"

/* A version 2 file migrates: folders and messages stay, the queue works,
 * and sizes are indexed. */
static void
test_migrate_from_2(void **state)
{
	struct fixture			*fx = *state;
	struct store_queue_entry	 e;
	struct store_message		 msg = { 0 }, out;
	const uint32_t			 u[] = { 1 };
	char				*error = NULL;

	msg.uid = 1;
	msg.subject = "kept";
	assert_int_equal(store_mirror_messages_put(fx->m, "INBOX", &msg, 1),
	    STORE_OK);
	store_mirror_close(fx->m);
	fx->m = NULL;
	raw_exec(fx->path, "DROP INDEX message_size; DROP TABLE queue;"
	    QUEUE_VERSION_2 "PRAGMA user_version = 2");
	assert_int_equal(raw_int(fx->path, "SELECT count(*) FROM"
	    " pragma_table_info('queue') WHERE name = 'payload'"), 1);

	assert_int_equal(store_mirror_open(fx->path, &fx->m, &error),
	    STORE_OK);
	assert_null(error);
	assert_int_equal(raw_int(fx->path, "PRAGMA user_version"), 3);
	assert_int_equal(raw_int(fx->path, "SELECT count(*) FROM"
	    " pragma_table_info('queue') WHERE name = 'payload'"), 0);
	assert_int_equal(raw_int(fx->path, "SELECT count(*) FROM sqlite_master"
	    " WHERE type = 'index' AND name = 'message_size'"), 1);
	assert_int_equal(store_mirror_message_get(fx->m, "INBOX", 1, &out),
	    STORE_OK);
	assert_string_equal(out.subject, "kept");
	store_message_clear(&out);
	assert_int_equal(count(fx->m, "Archive"), 0);
	add(fx->m, STORE_QUEUE_FLAGS, "INBOX", NULL, STORE_FLAG_SEEN, 0, u, 1);
	assert_int_equal(store_queue_first(fx->m, &e), STORE_OK);
	assert_int_equal(e.op, STORE_QUEUE_FLAGS);
	store_queue_entry_clear(&e);

	/* Opening again runs no step twice. */
	store_mirror_close(fx->m);
	assert_int_equal(store_mirror_open(fx->path, &fx->m, &error),
	    STORE_OK);
	assert_int_equal(count(fx->m, NULL), 1);
}

/* A damaged row is an error that names it, and it can be removed. */
static void
test_damaged_row(void **state)
{
	struct fixture			*fx = *state;
	struct store_queue_entry	 e;
	struct collect			 c;
	const uint32_t			 u[] = { 1, 2 };
	int64_t				 bad, good;

	bad = add(fx->m, STORE_QUEUE_FLAGS, "INBOX", NULL, STORE_FLAG_SEEN, 0,
	    u, 2);
	good = add(fx->m, STORE_QUEUE_EXPUNGE, "INBOX", NULL, 0, 0, u, 2);
	raw_exec(fx->path, "UPDATE queue SET uids = '2:1' WHERE op = 'flags'");
	assert_int_equal(store_queue_first(fx->m, &e), STORE_ERROR);
	assert_int_equal(e.id, bad);
	assert_null(e.uids);
	assert_non_null(strstr(store_mirror_error(fx->m), "damaged"));
	memset(&c, 0, sizeof c);
	assert_int_equal(store_queue_each(fx->m, collect_cb, &c), STORE_ERROR);
	assert_int_equal(c.n, 0);
	assert_int_equal(store_queue_drop_uids(fx->m, bad, u, 1), STORE_ERROR);

	assert_int_equal(store_queue_remove(fx->m, bad), STORE_OK);
	assert_int_equal(store_queue_first(fx->m, &e), STORE_OK);
	assert_int_equal(e.id, good);
	store_queue_entry_clear(&e);
}

static void
test_count(void **state)
{
	struct fixture	*fx = *state;
	const uint32_t	 u[] = { 1 };
	size_t		 n = 5;

	assert_int_equal(count(fx->m, NULL), 0);
	assert_int_equal(count(fx->m, "INBOX"), 0);
	add(fx->m, STORE_QUEUE_EXPUNGE, "INBOX", NULL, 0, 0, u, 1);
	add(fx->m, STORE_QUEUE_COPY, "INBOX", "Archive", 0, 0, u, 1);
	add(fx->m, STORE_QUEUE_EXPUNGE, "Archive", NULL, 0, 0, u, 1);
	assert_int_equal(count(fx->m, NULL), 3);
	assert_int_equal(count(fx->m, "INBOX"), 2);
	assert_int_equal(count(fx->m, "Archive"), 1);
	assert_int_equal(store_queue_count(fx->m, "Nowhere", &n),
	    STORE_NOT_FOUND);
	assert_int_equal(n, 0);
}

static void
test_drop_folder(void **state)
{
	struct fixture			*fx = *state;
	struct store_queue_entry	 e;
	const uint32_t			 u[] = { 1 };
	size_t				 dropped = 99;
	int64_t				 keep;

	add(fx->m, STORE_QUEUE_EXPUNGE, "INBOX", NULL, 0, 0, u, 1);
	keep = add(fx->m, STORE_QUEUE_MOVE, "Archive", "INBOX", 0, 0, u, 1);
	add(fx->m, STORE_QUEUE_FLAGS, "INBOX", NULL, 0, STORE_FLAG_SEEN, u, 1);

	/* A new UIDVALIDITY keeps the entries until the caller drops them;
	 * a move into the folder is not the folder's. */
	assert_int_equal(store_mirror_folder_reset(fx->m, "INBOX", 8),
	    STORE_OK);
	assert_int_equal(count(fx->m, "INBOX"), 2);
	assert_int_equal(store_queue_drop_folder(fx->m, "INBOX", &dropped),
	    STORE_OK);
	assert_int_equal(dropped, 2);
	assert_int_equal(count(fx->m, "INBOX"), 0);
	assert_int_equal(store_queue_first(fx->m, &e), STORE_OK);
	assert_int_equal(e.id, keep);
	store_queue_entry_clear(&e);
	assert_int_equal(store_queue_drop_folder(fx->m, "INBOX", NULL),
	    STORE_OK);
	assert_int_equal(store_queue_drop_folder(fx->m, "Nowhere", &dropped),
	    STORE_NOT_FOUND);
	assert_int_equal(dropped, 0);

	/* Deleting a folder takes its entries with it. */
	assert_int_equal(store_mirror_folder_delete(fx->m, "Archive"),
	    STORE_OK);
	assert_int_equal(count(fx->m, NULL), 0);
}

#define T(f)	cmocka_unit_test_setup_teardown(f, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_uids_encode),
		cmocka_unit_test(test_uids_decode),
		T(test_add_first_each_order),
		T(test_each),
		T(test_add_refused),
		T(test_remove),
		T(test_drop_uids),
		T(test_persistence),
		T(test_synchronous),
		T(test_migrate_from_2),
		T(test_damaged_row),
		T(test_count),
		T(test_drop_folder),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
