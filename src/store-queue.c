/* store-queue: the offline queue in the mirror's database: changes applied
 * locally at once, kept until the server confirms them. */
#include "auto-config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>

#include "log.h"
#include "store-mirror-db.h"
#include "store-queue.h"
#include "xmalloc.h"

/* Every flag a queued FLAGS change may name. */
#define QUEUE_FLAGS_ALL	(STORE_FLAG_SEEN | STORE_FLAG_ANSWERED | \
	STORE_FLAG_FLAGGED | STORE_FLAG_DELETED | STORE_FLAG_DRAFT | \
	STORE_FLAG_FORWARDED | STORE_FLAG_JUNK)
/* The longest item of a sequence set: "4294967295:4294967295,". */
#define QUEUE_ITEM_MAX	22
/* PRAGMA synchronous = FULL. */
#define QUEUE_SYNC_FULL	2

#define QUEUE_COLUMNS \
	"queue.id, queue.op, folder.name, queue.dest, queue.add_flags, " \
	"queue.remove_flags, queue.uids, queue.created " \
	"FROM queue JOIN folder ON folder.id = queue.folder_id"

/* Ops are stored by name, as the mirror stores roles. */
static const char *queue_ops[] = {
	[STORE_QUEUE_FLAGS] = "flags",
	[STORE_QUEUE_COPY] = "copy",
	[STORE_QUEUE_MOVE] = "move",
	[STORE_QUEUE_EXPUNGE] = "expunge",
};
#define QUEUE_NOPS	(sizeof queue_ops / sizeof queue_ops[0])

static int
queue_uid_compare(const void *a, const void *b)
{
	uint32_t	 x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

enum store_status
store_queue_uids_encode(const uint32_t *uids, size_t n, char **text)
{
	uint32_t	*sorted;
	char		*s;
	size_t		 i, j, len = 0, size;

	*text = NULL;
	if (n == 0 || n > STORE_QUEUE_UIDS_MAX)
		return STORE_ERROR;
	sorted = xreallocarray(NULL, n, sizeof *sorted);
	memcpy(sorted, uids, n * sizeof *sorted);
	qsort(sorted, n, sizeof *sorted, queue_uid_compare);
	if (sorted[0] == 0) {
		free(sorted);
		return STORE_ERROR;
	}
	size = n * QUEUE_ITEM_MAX;	/* n <= STORE_QUEUE_UIDS_MAX: no overflow */
	s = xmalloc(size);
	for (i = 0; i < n; i = j) {
		/* A run of consecutive UIDs (duplicates merged) is a range. */
		for (j = i + 1; j < n && sorted[j] - sorted[j - 1] <= 1; j++)
			;
		if (sorted[j - 1] != sorted[i])
			len += snprintf(s + len, size - len, "%s%u:%u",
			    i == 0 ? "" : ",", sorted[i], sorted[j - 1]);
		else
			len += snprintf(s + len, size - len, "%s%u",
			    i == 0 ? "" : ",", sorted[i]);
	}
	free(sorted);
	*text = s;
	return STORE_OK;
}

/* One UID of a stored set: 1 to UINT32_MAX, no sign, no leading zero. */
static const char *
queue_uid_parse(const char *s, uint32_t *uid)
{
	uint64_t	 value = 0;
	int		 digits = 0;

	if (*s < '1' || *s > '9')
		return NULL;
	while (*s >= '0' && *s <= '9') {
		if (++digits > 10)
			return NULL;
		value = value * 10 + (uint64_t)(*s++ - '0');
	}
	if (value > UINT32_MAX)
		return NULL;
	*uid = value;
	return s;
}

enum store_status
store_queue_uids_decode(const char *text, uint32_t **uids, size_t *n)
{
	const char	*s = text;
	uint32_t	*list = NULL, first, last;
	uint64_t	 count = 0, size = 0, total = 0, next = 1;

	*uids = NULL;
	*n = 0;
	if (text == NULL)
		return STORE_ERROR;
	for (;;) {
		if ((s = queue_uid_parse(s, &first)) == NULL)
			goto fail;
		last = first;
		if (*s == ':' && ((s = queue_uid_parse(s + 1, &last)) == NULL ||
		    last <= first))
			goto fail;
		/* Ascending and apart: what encode writes, nothing else. */
		if (first < next)
			goto fail;
		total += (uint64_t)last - first + 1;
		if (total > STORE_QUEUE_UIDS_MAX)
			goto fail;
		if (total > size) {
			size = total * 2 < STORE_QUEUE_UIDS_MAX ? total * 2 :
			    STORE_QUEUE_UIDS_MAX;
			list = xreallocarray(list, size, sizeof *list);
		}
		for (;;) {
			list[count++] = first;
			if (first == last)
				break;
			first++;
		}
		next = (uint64_t)last + 2;
		if (*s == '\0')
			break;
		if (*s++ != ',')
			goto fail;
	}
	*uids = list;
	*n = count;
	return STORE_OK;

fail:
	free(list);
	return STORE_ERROR;
}

/* Queue writes commit with synchronous = FULL: the rest of the mirror is a
 * cache, but a queued change lost to a power cut is the user's work. */
static enum store_status
queue_begin(struct store_mirror *m, const char *what, int *sync)
{
	sqlite3		*db = store_mirror_db(m);
	sqlite3_stmt	*stmt;
	char		*sql;
	int		 rc;

	*sync = -1;
	if (sqlite3_prepare_v2(db, "PRAGMA synchronous", -1, &stmt, NULL) !=
	    SQLITE_OK)
		return store_mirror_db_fail(m, what, NULL);
	if (sqlite3_step(stmt) == SQLITE_ROW)
		*sync = sqlite3_column_int(stmt, 0);
	sqlite3_finalize(stmt);
	if (*sync < QUEUE_SYNC_FULL) {
		sql = xasprintf("PRAGMA synchronous = %d", QUEUE_SYNC_FULL);
		rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
		free(sql);
		if (rc != SQLITE_OK)
			return store_mirror_db_fail(m, what, NULL);
	}
	return store_mirror_db_begin(m, what);
}

/* Commit when all went well, else roll back; then restore synchronous. */
static enum store_status
queue_end(struct store_mirror *m, const char *what, enum store_status status,
    int sync)
{
	char	*sql;

	if (status == STORE_OK)
		status = store_mirror_db_commit(m, what);
	if (status != STORE_OK)
		store_mirror_db_rollback(m);
	if (sync >= 0 && sync < QUEUE_SYNC_FULL) {
		sql = xasprintf("PRAGMA synchronous = %d", sync);
		if (sqlite3_exec(store_mirror_db(m), sql, NULL, NULL, NULL) !=
		    SQLITE_OK)
			log_warn("%s: %s", what,
			    sqlite3_errmsg(store_mirror_db(m)));
		free(sql);
	}
	return status;
}

static sqlite3_stmt *
queue_prepare(struct store_mirror *m, const char *what, const char *sql)
{
	sqlite3_stmt	*stmt;

	if (sqlite3_prepare_v2(store_mirror_db(m), sql, -1, &stmt, NULL) !=
	    SQLITE_OK) {
		store_mirror_db_fail(m, what, NULL);
		return NULL;
	}
	return stmt;
}

/* Why an entry cannot be queued, or NULL. */
static const char *
queue_check(const struct store_queue_entry *e)
{
	size_t	 i;

	if ((size_t)e->op >= QUEUE_NOPS || queue_ops[e->op] == NULL)
		return "queue: unknown change";
	if (e->folder == NULL)
		return "queue: no folder";
	if (e->nuids == 0 || e->uids == NULL)
		return "queue: no messages";
	if (e->nuids > STORE_QUEUE_UIDS_MAX)
		return "queue: too many messages in one change";
	for (i = 0; i < e->nuids; i++) {
		if (e->uids[i] == 0)
			return "queue: UID 0";
	}
	if ((e->op == STORE_QUEUE_COPY || e->op == STORE_QUEUE_MOVE) !=
	    (e->dest != NULL))
		return "queue: a destination is for copy and move only";
	if (e->op == STORE_QUEUE_FLAGS) {
		if ((e->add | e->remove) == 0)
			return "queue: no flags to change";
		if (((e->add | e->remove) & ~QUEUE_FLAGS_ALL) != 0)
			return "queue: unknown flag";
		if ((e->add & e->remove) != 0)
			return "queue: a flag both set and cleared";
	} else if (e->add != 0 || e->remove != 0)
		return "queue: flags are for a flags change only";
	return NULL;
}

enum store_status
store_queue_add(struct store_mirror *m, const struct store_queue_entry *e,
    int64_t *id)
{
	sqlite3_stmt		*stmt = NULL;
	enum store_status	 status;
	const char		*why;
	char			*uids = NULL;
	int64_t			 folder_id;
	int			 sync;

	if (id != NULL)
		*id = 0;
	if ((why = queue_check(e)) != NULL)
		return store_mirror_db_fail(m, __func__, why);
	if (store_queue_uids_encode(e->uids, e->nuids, &uids) != STORE_OK)
		return store_mirror_db_fail(m, __func__, "queue: bad UIDs");

	if ((status = queue_begin(m, __func__, &sync)) != STORE_OK)
		goto out;
	if ((status = store_mirror_db_folder_id(m, __func__, e->folder,
	    &folder_id)) != STORE_OK)
		goto out;
	if ((stmt = queue_prepare(m, __func__, "INSERT INTO queue"
	    " (folder_id, op, dest, add_flags, remove_flags, uids, created)"
	    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)")) == NULL) {
		status = STORE_ERROR;
		goto out;
	}
	sqlite3_bind_int64(stmt, 1, folder_id);
	sqlite3_bind_text(stmt, 2, queue_ops[e->op], -1, SQLITE_STATIC);
	if (e->dest != NULL)
		sqlite3_bind_text(stmt, 3, e->dest, -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 4, e->add);
	sqlite3_bind_int64(stmt, 5, e->remove);
	sqlite3_bind_text(stmt, 6, uids, -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 7, e->created != 0 ? e->created :
	    (int64_t)time(NULL));
	if (sqlite3_step(stmt) != SQLITE_DONE) {
		status = store_mirror_db_fail(m, __func__, NULL);
		goto out;
	}
	if (id != NULL)
		*id = sqlite3_last_insert_rowid(store_mirror_db(m));

out:
	sqlite3_finalize(stmt);
	free(uids);
	status = queue_end(m, __func__, status, sync);
	if (status != STORE_OK && id != NULL)
		*id = 0;
	return status;
}

/* Fill e from a row of QUEUE_COLUMNS (the caller owns what it gets). */
static enum store_status
queue_row(struct store_mirror *m, const char *what, sqlite3_stmt *stmt,
    struct store_queue_entry *e)
{
	const char	*op, *uids;
	char		*message;
	size_t		 i;

	memset(e, 0, sizeof *e);
	e->id = sqlite3_column_int64(stmt, 0);
	op = (const char *)sqlite3_column_text(stmt, 1);
	for (i = 1; op != NULL && i < QUEUE_NOPS; i++) {
		if (strcmp(queue_ops[i], op) == 0)
			e->op = i;
	}
	e->folder = xstrdup((const char *)sqlite3_column_text(stmt, 2));
	if (sqlite3_column_type(stmt, 3) != SQLITE_NULL)
		e->dest = xstrdup((const char *)sqlite3_column_text(stmt, 3));
	e->add = sqlite3_column_int64(stmt, 4);
	e->remove = sqlite3_column_int64(stmt, 5);
	uids = (const char *)sqlite3_column_text(stmt, 6);
	e->created = sqlite3_column_int64(stmt, 7);
	if (store_queue_uids_decode(uids, &e->uids, &e->nuids) != STORE_OK ||
	    queue_check(e) != NULL) {
		message = xasprintf("queue: entry %lld is damaged",
		    (long long)e->id);
		store_mirror_db_fail(m, what, message);
		free(message);
		return STORE_ERROR;
	}
	return STORE_OK;
}

enum store_status
store_queue_first(struct store_mirror *m, struct store_queue_entry *out)
{
	sqlite3_stmt		*stmt;
	enum store_status	 status;
	int64_t			 id;
	int			 rc;

	memset(out, 0, sizeof *out);
	if ((stmt = queue_prepare(m, __func__, "SELECT " QUEUE_COLUMNS
	    " ORDER BY queue.id LIMIT 1")) == NULL)
		return STORE_ERROR;
	if ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		if ((status = queue_row(m, __func__, stmt, out)) != STORE_OK) {
			id = out->id;
			store_queue_entry_clear(out);
			out->id = id;
		}
	} else if (rc == SQLITE_DONE)
		status = STORE_NOT_FOUND;
	else
		status = store_mirror_db_fail(m, __func__, NULL);
	sqlite3_finalize(stmt);
	return status;
}

enum store_status
store_queue_each(struct store_mirror *m, store_queue_cb cb, void *arg)
{
	sqlite3_stmt			*stmt;
	struct store_queue_entry	 e;
	enum store_status		 status = STORE_OK;
	int				 rc, stop;

	if ((stmt = queue_prepare(m, __func__, "SELECT " QUEUE_COLUMNS
	    " ORDER BY queue.id")) == NULL)
		return STORE_ERROR;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		if ((status = queue_row(m, __func__, stmt, &e)) != STORE_OK) {
			store_queue_entry_clear(&e);
			break;
		}
		stop = cb(&e, arg);
		store_queue_entry_clear(&e);
		if (stop != 0)
			break;
	}
	if (status == STORE_OK && rc != SQLITE_ROW && rc != SQLITE_DONE)
		status = store_mirror_db_fail(m, __func__, NULL);
	sqlite3_finalize(stmt);
	return status;
}

/* Run one statement on an entry's id (and a text as ?2) in the caller's
 * transaction; STORE_NOT_FOUND when it changed no row. */
static enum store_status
queue_by_id(struct store_mirror *m, const char *what, const char *sql,
    int64_t id, const char *text)
{
	sqlite3_stmt		*stmt;
	enum store_status	 status = STORE_OK;

	if ((stmt = queue_prepare(m, what, sql)) == NULL)
		return STORE_ERROR;
	sqlite3_bind_int64(stmt, 1, id);
	if (text != NULL)
		sqlite3_bind_text(stmt, 2, text, -1, SQLITE_STATIC);
	if (sqlite3_step(stmt) != SQLITE_DONE)
		status = store_mirror_db_fail(m, what, NULL);
	else if (sqlite3_changes(store_mirror_db(m)) == 0)
		status = STORE_NOT_FOUND;
	sqlite3_finalize(stmt);
	return status;
}

enum store_status
store_queue_remove(struct store_mirror *m, int64_t id)
{
	enum store_status	 status;
	int			 sync;

	if ((status = queue_begin(m, __func__, &sync)) == STORE_OK)
		status = queue_by_id(m, __func__,
		    "DELETE FROM queue WHERE id = ?1", id, NULL);
	return queue_end(m, __func__, status, sync);
}

enum store_status
store_queue_drop_uids(struct store_mirror *m, int64_t id,
    const uint32_t *uids, size_t n)
{
	sqlite3_stmt		*stmt = NULL;
	enum store_status	 status;
	uint32_t		*have = NULL, *gone = NULL;
	size_t			 nhave, i, left = 0;
	char			*text = NULL, *message;
	int			 rc, sync;

	if ((status = queue_begin(m, __func__, &sync)) != STORE_OK)
		goto out;
	if ((stmt = queue_prepare(m, __func__,
	    "SELECT uids FROM queue WHERE id = ?1")) == NULL) {
		status = STORE_ERROR;
		goto out;
	}
	sqlite3_bind_int64(stmt, 1, id);
	if ((rc = sqlite3_step(stmt)) != SQLITE_ROW) {
		status = rc == SQLITE_DONE ? STORE_NOT_FOUND :
		    store_mirror_db_fail(m, __func__, NULL);
		goto out;
	}
	if (store_queue_uids_decode((const char *)sqlite3_column_text(stmt,
	    0), &have, &nhave) != STORE_OK) {
		message = xasprintf("queue: entry %lld is damaged",
		    (long long)id);
		status = store_mirror_db_fail(m, __func__, message);
		free(message);
		goto out;
	}
	sqlite3_finalize(stmt);
	stmt = NULL;

	if (n != 0) {
		gone = xreallocarray(NULL, n, sizeof *gone);
		memcpy(gone, uids, n * sizeof *gone);
		qsort(gone, n, sizeof *gone, queue_uid_compare);
	}
	for (i = 0; i < nhave; i++) {
		if (n == 0 || bsearch(&have[i], gone, n, sizeof *gone,
		    queue_uid_compare) == NULL)
			have[left++] = have[i];
	}
	if (left == nhave)
		goto out;
	if (left == 0)
		status = queue_by_id(m, __func__,
		    "DELETE FROM queue WHERE id = ?1", id, NULL);
	else {
		if (store_queue_uids_encode(have, left, &text) != STORE_OK)
			fatal("%s: cannot encode what was decoded", __func__);
		status = queue_by_id(m, __func__,
		    "UPDATE queue SET uids = ?2 WHERE id = ?1", id, text);
	}

out:
	sqlite3_finalize(stmt);
	free(text);
	free(gone);
	free(have);
	return queue_end(m, __func__, status, sync);
}

enum store_status
store_queue_count(struct store_mirror *m, const char *folder, size_t *n)
{
	sqlite3_stmt		*stmt;
	enum store_status	 status = STORE_OK;
	int64_t			 folder_id = 0;

	*n = 0;
	if (folder != NULL && (status = store_mirror_db_folder_id(m, __func__,
	    folder, &folder_id)) != STORE_OK)
		return status;
	if ((stmt = queue_prepare(m, __func__, folder != NULL ?
	    "SELECT count(*) FROM queue WHERE folder_id = ?1" :
	    "SELECT count(*) FROM queue")) == NULL)
		return STORE_ERROR;
	if (folder != NULL)
		sqlite3_bind_int64(stmt, 1, folder_id);
	if (sqlite3_step(stmt) == SQLITE_ROW)
		*n = sqlite3_column_int64(stmt, 0);
	else
		status = store_mirror_db_fail(m, __func__, NULL);
	sqlite3_finalize(stmt);
	return status;
}

enum store_status
store_queue_drop_folder(struct store_mirror *m, const char *folder,
    size_t *dropped)
{
	sqlite3_stmt		*stmt = NULL;
	enum store_status	 status;
	int64_t			 folder_id;
	int			 sync;

	if (dropped != NULL)
		*dropped = 0;
	if ((status = queue_begin(m, __func__, &sync)) != STORE_OK)
		goto out;
	if ((status = store_mirror_db_folder_id(m, __func__, folder,
	    &folder_id)) != STORE_OK)
		goto out;
	if ((stmt = queue_prepare(m, __func__,
	    "DELETE FROM queue WHERE folder_id = ?1")) == NULL) {
		status = STORE_ERROR;
		goto out;
	}
	sqlite3_bind_int64(stmt, 1, folder_id);
	if (sqlite3_step(stmt) != SQLITE_DONE) {
		status = store_mirror_db_fail(m, __func__, NULL);
		goto out;
	}
	if (dropped != NULL)
		*dropped = sqlite3_changes(store_mirror_db(m));

out:
	sqlite3_finalize(stmt);
	status = queue_end(m, __func__, status, sync);
	if (status != STORE_OK && dropped != NULL)
		*dropped = 0;
	return status;
}

void
store_queue_entry_clear(struct store_queue_entry *e)
{
	if (e == NULL)
		return;
	free(e->folder);
	free(e->dest);
	free(e->uids);
	memset(e, 0, sizeof *e);
}
