/* maildir-cache: SQLite rows of parsed message files. Being a cache, it
 * has no migrations: a file of another version is emptied and rebuilt
 * from the Maildir, which costs one slow open and loses nothing. */
#include "auto-config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "log.h"
#include "maildir-cache.h"
#include "xmalloc.h"

/* "skmd" in PRAGMA application_id; the version in user_version. */
#define CACHE_APPLICATION_ID	0x736b6d64
#define CACHE_VERSION		1
#define CACHE_BUSY_TIMEOUT	10000	/* ms: skua sync may be writing */
#define CACHE_UID_TOP		((sqlite3_int64)UINT32_MAX + 1)

static const char cache_schema[] =
	"CREATE TABLE folder (\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  name TEXT NOT NULL UNIQUE,\n"
	"  next_uid INTEGER NOT NULL DEFAULT 1\n"
	");\n"
	"CREATE TABLE message (\n"
	"  folder_id INTEGER NOT NULL\n"
	"    REFERENCES folder (id) ON DELETE CASCADE,\n"
	"  uid INTEGER NOT NULL CHECK (uid > 0),\n"
	"  key TEXT NOT NULL,\n"
	"  file TEXT NOT NULL,\n"
	"  size INTEGER NOT NULL DEFAULT 0,\n"
	"  mtime INTEGER NOT NULL DEFAULT 0,\n"
	"  flags INTEGER NOT NULL DEFAULT 0,\n"
	"  date INTEGER NOT NULL DEFAULT 0,\n"
	"  subject TEXT,\n"
	"  from_ TEXT,\n"
	"  to_ TEXT,\n"
	"  cc TEXT,\n"
	"  message_id TEXT,\n"
	"  in_reply_to TEXT,\n"
	"  references_ TEXT,\n"
	"  structure TEXT,\n"
	"  attachments INTEGER NOT NULL DEFAULT 0,\n"
	"  indexed TEXT,\n"
	"  indexed_flags INTEGER NOT NULL DEFAULT 0,\n"
	"  PRIMARY KEY (folder_id, uid),\n"
	"  UNIQUE (folder_id, key)\n"
	");\n";

enum cache_sql {
	SQL_BEGIN,
	SQL_COMMIT,
	SQL_ROLLBACK,
	SQL_FOLDER_ID,
	SQL_FOLDER_ADD,
	SQL_FOLDER_DELETE,
	SQL_FOLDER_RENAME,
	SQL_FILES,
	SQL_UIDS_GET,
	SQL_UIDS_SET,
	SQL_PUT_UPDATE,
	SQL_PUT_INSERT,
	SQL_KEY_UID,
	SQL_FILE_SET,
	SQL_INDEXED_SET,
	SQL_REMOVE,
	SQL_GET,
	SQL_EACH,
	SQL_PENDING,
	SQL_NSTATEMENTS
};

#define CACHE_ROW_COLUMNS \
	"uid, flags, key, file, size, mtime, indexed, indexed_flags, date, " \
	"subject, from_, to_, cc, message_id, in_reply_to, references_, " \
	"structure, attachments"

static const char *cache_sql[SQL_NSTATEMENTS] = {
	[SQL_BEGIN] = "BEGIN IMMEDIATE",
	[SQL_COMMIT] = "COMMIT",
	[SQL_ROLLBACK] = "ROLLBACK",
	[SQL_FOLDER_ID] = "SELECT id FROM folder WHERE name = ?1",
	[SQL_FOLDER_ADD] = "INSERT OR IGNORE INTO folder (name) VALUES (?1)",
	[SQL_FOLDER_DELETE] = "DELETE FROM folder WHERE name = ?1 OR"
	    " substr(name, 1, length(?1) + 1) = ?1 || ?2",
	/* ?1 from, ?2 to, ?3 the delimiter. */
	[SQL_FOLDER_RENAME] = "UPDATE folder SET name = ?2 ||"
	    " substr(name, length(?1) + 1)"
	    " WHERE name = ?1 OR substr(name, 1, length(?1) + 1) = ?1 || ?3",
	[SQL_FILES] = "SELECT uid, flags, key, file, size, mtime, indexed,"
	    " indexed_flags, structure IS NOT NULL"
	    " FROM message WHERE folder_id = ?1 ORDER BY key",
	[SQL_UIDS_GET] = "SELECT next_uid FROM folder WHERE id = ?1",
	[SQL_UIDS_SET] = "UPDATE folder SET next_uid = ?2 WHERE id = ?1",
	/* Replacing goes by uid; a new row gives way to one that has its
	 * key (another process stored it first). Two statements rather than
	 * one upsert with two conflict targets, which needs SQLite 3.35. */
	[SQL_PUT_UPDATE] = "UPDATE message SET"
	    "  flags = ?3, key = ?4, file = ?5, size = ?6, mtime = ?7,"
	    "  indexed = ?8, indexed_flags = ?9, date = ?10, subject = ?11,"
	    "  from_ = ?12, to_ = ?13, cc = ?14, message_id = ?15,"
	    "  in_reply_to = ?16, references_ = ?17, structure = ?18,"
	    "  attachments = ?19"
	    " WHERE folder_id = ?1 AND uid = ?2",
	[SQL_PUT_INSERT] = "INSERT INTO message (folder_id, "
	    CACHE_ROW_COLUMNS ")"
	    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13,"
	    "  ?14, ?15, ?16, ?17, ?18, ?19)"
	    " ON CONFLICT DO NOTHING",
	[SQL_KEY_UID] = "SELECT uid FROM message WHERE folder_id = ?1 AND"
	    " key = ?2",
	[SQL_FILE_SET] = "UPDATE message SET file = ?3, flags = ?4"
	    " WHERE folder_id = ?1 AND uid = ?2",
	[SQL_INDEXED_SET] = "UPDATE message SET indexed = ?3,"
	    " indexed_flags = ?4 WHERE folder_id = ?1 AND uid = ?2",
	[SQL_REMOVE] = "DELETE FROM message WHERE folder_id = ?1 AND uid = ?2",
	[SQL_GET] = "SELECT " CACHE_ROW_COLUMNS " FROM message"
	    " WHERE folder_id = ?1 AND uid = ?2",
	[SQL_EACH] = "SELECT " CACHE_ROW_COLUMNS " FROM message"
	    " WHERE folder_id = ?1 AND uid < ?2 ORDER BY uid DESC LIMIT ?3",
	[SQL_PENDING] = "SELECT f.name, m.uid, m.flags, m.key, m.file, m.size,"
	    " m.mtime, m.indexed, m.indexed_flags, m.message_id"
	    " FROM message m JOIN folder f ON m.folder_id = f.id"
	    " WHERE m.indexed IS NULL OR m.indexed <> m.file"
	    "  OR (m.flags & ?1) <> (m.indexed_flags & ?1)"
	    " LIMIT ?2",
};

struct maildir_cache {
	char		*path;
	sqlite3		*db;
	sqlite3_stmt	*stmts[SQL_NSTATEMENTS];
	char		*error;
};

static enum maildir_cache_status
cache_fail(struct maildir_cache *c, const char *what)
{
	free(c->error);
	c->error = xasprintf("%s: %s", c->path, sqlite3_errmsg(c->db));
	log_warn("%s: %s", what, c->error);
	return MAILDIR_CACHE_ERROR;
}

/* The kept statement for id, or a fresh one when it is running (a read
 * inside an each callback); cache_done() tells them apart. */
static sqlite3_stmt *
cache_stmt(struct maildir_cache *c, enum cache_sql id)
{
	sqlite3_stmt	*stmt;

	if (c->stmts[id] != NULL && !sqlite3_stmt_busy(c->stmts[id]))
		return c->stmts[id];
	if (sqlite3_prepare_v3(c->db, cache_sql[id], -1, c->stmts[id] == NULL ?
	    SQLITE_PREPARE_PERSISTENT : 0, &stmt, NULL) != SQLITE_OK) {
		cache_fail(c, __func__);
		return NULL;
	}
	if (c->stmts[id] == NULL)
		c->stmts[id] = stmt;
	return stmt;
}

static void
cache_done(struct maildir_cache *c, enum cache_sql id, sqlite3_stmt *stmt)
{
	if (stmt == NULL)
		return;
	if (stmt != c->stmts[id]) {
		sqlite3_finalize(stmt);
		return;
	}
	sqlite3_reset(stmt);
	sqlite3_clear_bindings(stmt);
}

static enum maildir_cache_status
cache_run(struct maildir_cache *c, enum cache_sql id)
{
	sqlite3_stmt			*stmt;
	enum maildir_cache_status	 status = MAILDIR_CACHE_OK;

	if ((stmt = cache_stmt(c, id)) == NULL)
		return MAILDIR_CACHE_ERROR;
	if (sqlite3_step(stmt) != SQLITE_DONE)
		status = cache_fail(c, cache_sql[id]);
	cache_done(c, id, stmt);
	return status;
}

static int
cache_integer(sqlite3 *db, const char *sql, sqlite3_int64 *value)
{
	sqlite3_stmt	*stmt;
	int		 rc;

	*value = 0;
	if ((rc = sqlite3_prepare_v2(db, sql, -1, &stmt, NULL)) != SQLITE_OK)
		return rc;
	if ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		*value = sqlite3_column_int64(stmt, 0);
		rc = SQLITE_OK;
	}
	sqlite3_finalize(stmt);
	return rc;
}

/* Check the file is this version's cache, or make it one. 0 on success. */
static int
cache_setup(struct maildir_cache *c)
{
	sqlite3_int64	 id, version, objects;
	char		*sql;
	int		 rc;

	sqlite3_busy_timeout(c->db, CACHE_BUSY_TIMEOUT);
	if (sqlite3_exec(c->db, "PRAGMA foreign_keys = ON", NULL, NULL,
	    NULL) != SQLITE_OK ||
	    cache_integer(c->db, "PRAGMA application_id", &id) != SQLITE_OK ||
	    cache_integer(c->db, "PRAGMA user_version", &version) !=
	    SQLITE_OK ||
	    cache_integer(c->db, "SELECT count(*) FROM sqlite_master",
	    &objects) != SQLITE_OK)
		return -1;
	if (id == CACHE_APPLICATION_ID && version == CACHE_VERSION)
		goto ready;
	if (objects != 0)
		return -1;	/* someone else's, or another version: remake */
	if (sqlite3_exec(c->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) !=
	    SQLITE_OK)
		return -1;
	/* Another process may have made it while this one waited. */
	if (cache_integer(c->db, "SELECT count(*) FROM sqlite_master",
	    &objects) != SQLITE_OK) {
		sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
		return -1;
	}
	if (objects == 0) {
		sql = xasprintf("%sPRAGMA user_version = %d;"
		    "PRAGMA application_id = %d;", cache_schema, CACHE_VERSION,
		    CACHE_APPLICATION_ID);
		rc = sqlite3_exec(c->db, sql, NULL, NULL, NULL);
		free(sql);
		if (rc != SQLITE_OK) {
			sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
			return -1;
		}
	}
	if (sqlite3_exec(c->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		return -1;
	if (cache_integer(c->db, "PRAGMA user_version", &version) !=
	    SQLITE_OK || version != CACHE_VERSION)
		return -1;
ready:
	/* WAL: readers do not wait for a scan; NORMAL: a crash can lose the
	 * last commits, which a rescan brings back. */
	sqlite3_exec(c->db, "PRAGMA journal_mode = WAL", NULL, NULL, NULL);
	sqlite3_exec(c->db, "PRAGMA synchronous = NORMAL", NULL, NULL, NULL);
	/* A check that fails on a damaged file, so it is remade now rather
	 * than failing later. */
	if (cache_integer(c->db, "SELECT count(*) FROM folder", &objects) !=
	    SQLITE_OK)
		return -1;
	return 0;
}

static enum maildir_cache_status
cache_try(const char *path, struct maildir_cache **out, char **error)
{
	struct maildir_cache	*c;
	int			 fd;

	/* Private from the start: its -wal and -shm take its mode. */
	if ((fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600)) != -1) {
		fchmod(fd, 0600);
		close(fd);
	}
	c = xcalloc(1, sizeof *c);
	c->path = xstrdup(path);
	if (sqlite3_open_v2(path, &c->db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK ||
	    cache_setup(c) != 0) {
		*error = xasprintf("%s: %s", path, c->db != NULL ?
		    sqlite3_errmsg(c->db) : "cannot open");
		maildir_cache_close(c);
		return MAILDIR_CACHE_ERROR;
	}
	*out = c;
	return MAILDIR_CACHE_OK;
}

enum maildir_cache_status
maildir_cache_open(const char *path, struct maildir_cache **out, char **error)
{
	static const char	*suffixes[] = {
	    "", "-wal", "-shm", "-journal"
	};
	char			*why = NULL, *file;
	size_t			 i;

	*out = NULL;
	if (cache_try(path, out, &why) == MAILDIR_CACHE_OK)
		return MAILDIR_CACHE_OK;
	log_warn("%s: %s; making it again", __func__, why);
	free(why);
	why = NULL;
	for (i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
		file = xasprintf("%s%s", path, suffixes[i]);
		unlink(file);
		free(file);
	}
	if (cache_try(path, out, &why) == MAILDIR_CACHE_OK)
		return MAILDIR_CACHE_OK;
	if (error != NULL)
		*error = why;
	else
		free(why);
	return MAILDIR_CACHE_ERROR;
}

void
maildir_cache_close(struct maildir_cache *c)
{
	size_t	i;

	if (c == NULL)
		return;
	for (i = 0; i < SQL_NSTATEMENTS; i++)
		sqlite3_finalize(c->stmts[i]);
	sqlite3_close(c->db);
	free(c->path);
	free(c->error);
	free(c);
}

const char *
maildir_cache_error(struct maildir_cache *c)
{
	return c->error;
}

enum maildir_cache_status
maildir_cache_begin(struct maildir_cache *c)
{
	return cache_run(c, SQL_BEGIN);
}

enum maildir_cache_status
maildir_cache_commit(struct maildir_cache *c)
{
	return cache_run(c, SQL_COMMIT);
}

void
maildir_cache_rollback(struct maildir_cache *c)
{
	if (!sqlite3_get_autocommit(c->db))
		cache_run(c, SQL_ROLLBACK);
}

/* A folder's row id; made when create is set. */
static enum maildir_cache_status
cache_folder(struct maildir_cache *c, const char *name, int create,
    sqlite3_int64 *id)
{
	sqlite3_stmt			*stmt;
	enum maildir_cache_status	 status;
	int				 rc;

	for (;;) {
		if ((stmt = cache_stmt(c, SQL_FOLDER_ID)) == NULL)
			return MAILDIR_CACHE_ERROR;
		sqlite3_bind_text(stmt, 1, name, -1, SQLITE_STATIC);
		rc = sqlite3_step(stmt);
		if (rc == SQLITE_ROW) {
			*id = sqlite3_column_int64(stmt, 0);
			status = MAILDIR_CACHE_OK;
		} else if (rc == SQLITE_DONE)
			status = MAILDIR_CACHE_NOT_FOUND;
		else
			status = cache_fail(c, __func__);
		cache_done(c, SQL_FOLDER_ID, stmt);
		if (status != MAILDIR_CACHE_NOT_FOUND || !create)
			return status;
		if ((stmt = cache_stmt(c, SQL_FOLDER_ADD)) == NULL)
			return MAILDIR_CACHE_ERROR;
		sqlite3_bind_text(stmt, 1, name, -1, SQLITE_STATIC);
		rc = sqlite3_step(stmt);
		cache_done(c, SQL_FOLDER_ADD, stmt);
		if (rc != SQLITE_DONE)
			return cache_fail(c, __func__);
		create = 0;
	}
}

enum maildir_cache_status
maildir_cache_folder_delete(struct maildir_cache *c, const char *folder)
{
	sqlite3_stmt	*stmt;
	int		 rc;

	if ((stmt = cache_stmt(c, SQL_FOLDER_DELETE)) == NULL)
		return MAILDIR_CACHE_ERROR;
	sqlite3_bind_text(stmt, 1, folder, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 2, ".", -1, SQLITE_STATIC);
	rc = sqlite3_step(stmt);
	cache_done(c, SQL_FOLDER_DELETE, stmt);
	return rc == SQLITE_DONE ? MAILDIR_CACHE_OK : cache_fail(c, __func__);
}

enum maildir_cache_status
maildir_cache_folder_rename(struct maildir_cache *c, const char *from,
    const char *to, char delimiter)
{
	sqlite3_stmt	*stmt;
	char		 d[2] = { delimiter, '\0' };
	int		 rc;

	if ((stmt = cache_stmt(c, SQL_FOLDER_RENAME)) == NULL)
		return MAILDIR_CACHE_ERROR;
	sqlite3_bind_text(stmt, 1, from, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 2, to, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 3, d, -1, SQLITE_STATIC);
	rc = sqlite3_step(stmt);
	cache_done(c, SQL_FOLDER_RENAME, stmt);
	return rc == SQLITE_DONE ? MAILDIR_CACHE_OK : cache_fail(c, __func__);
}

static char *
cache_text(sqlite3_stmt *stmt, int column)
{
	const unsigned char	*s = sqlite3_column_text(stmt, column);

	return s != NULL ? xstrdup((const char *)s) : NULL;
}

/* Columns 0-7 of CACHE_ROW_COLUMNS (and of SQL_FILES), from column base. */
static void
cache_read_files(sqlite3_stmt *stmt, int base, struct maildir_cache_row *r)
{
	sqlite3_int64	size;

	memset(r, 0, sizeof *r);
	r->m.attachments = -1;
	r->m.uid = (uint32_t)sqlite3_column_int64(stmt, base + 0);
	r->m.flags = (uint32_t)sqlite3_column_int64(stmt, base + 1);
	r->key = cache_text(stmt, base + 2);
	r->file = cache_text(stmt, base + 3);
	size = sqlite3_column_int64(stmt, base + 4);
	r->size = size > 0 ? (uint64_t)size : 0;
	r->m.size = r->size > UINT32_MAX ? UINT32_MAX : (uint32_t)r->size;
	r->mtime = sqlite3_column_int64(stmt, base + 5);
	r->m.internal_date = r->mtime;
	r->indexed = cache_text(stmt, base + 6);
	r->indexed_flags = (uint32_t)sqlite3_column_int64(stmt, base + 7);
	if (r->key == NULL)
		r->key = xstrdup("");
	if (r->file == NULL)
		r->file = xstrdup("");
}

/* A whole row: CACHE_ROW_COLUMNS. */
static void
cache_read_row(sqlite3_stmt *stmt, struct maildir_cache_row *r)
{
	cache_read_files(stmt, 0, r);
	r->m.date = sqlite3_column_int64(stmt, 8);
	r->m.subject = cache_text(stmt, 9);
	r->m.from = cache_text(stmt, 10);
	r->m.to = cache_text(stmt, 11);
	r->m.cc = cache_text(stmt, 12);
	r->m.message_id = cache_text(stmt, 13);
	r->m.in_reply_to = cache_text(stmt, 14);
	r->m.references = cache_text(stmt, 15);
	r->m.bodystructure = cache_text(stmt, 16);
	r->parsed = r->m.bodystructure != NULL;
	r->m.attachments = sqlite3_column_int(stmt, 17) != 0;
}

enum maildir_cache_status
maildir_cache_files(struct maildir_cache *c, const char *folder,
    struct maildir_cache_row **out, size_t *nout)
{
	enum maildir_cache_status	 status;
	struct maildir_cache_row	*rows = NULL;
	sqlite3_stmt			*stmt;
	sqlite3_int64			 id;
	size_t				 n = 0, size = 0;
	int				 rc;

	*out = NULL;
	*nout = 0;
	if ((status = cache_folder(c, folder, 0, &id)) != MAILDIR_CACHE_OK)
		return status == MAILDIR_CACHE_NOT_FOUND ? MAILDIR_CACHE_OK :
		    status;
	if ((stmt = cache_stmt(c, SQL_FILES)) == NULL)
		return MAILDIR_CACHE_ERROR;
	sqlite3_bind_int64(stmt, 1, id);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		if (n == size) {
			size = size == 0 ? 256 : size * 2;
			rows = xreallocarray(rows, size, sizeof *rows);
		}
		cache_read_files(stmt, 0, &rows[n]);
		rows[n++].parsed = sqlite3_column_int(stmt, 8);
	}
	cache_done(c, SQL_FILES, stmt);
	if (rc != SQLITE_DONE) {
		maildir_cache_rows_free(rows, n);
		return cache_fail(c, __func__);
	}
	*out = rows;
	*nout = n;
	return MAILDIR_CACHE_OK;
}

void
maildir_cache_rows_free(struct maildir_cache_row *rows, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		maildir_cache_row_clear(&rows[i]);
	free(rows);
}

enum maildir_cache_status
maildir_cache_uids(struct maildir_cache *c, const char *folder,
    uint32_t count, uint32_t *first)
{
	enum maildir_cache_status	 status;
	sqlite3_stmt			*stmt;
	sqlite3_int64			 id, next = 0;
	int				 rc, own;

	/* Inside the caller's transaction, or one of its own: two scans
	 * must never hand out the same UIDs. */
	own = sqlite3_get_autocommit(c->db);
	if (own && (status = maildir_cache_begin(c)) != MAILDIR_CACHE_OK)
		return status;
	if ((status = cache_folder(c, folder, 1, &id)) != MAILDIR_CACHE_OK)
		goto out;
	if ((stmt = cache_stmt(c, SQL_UIDS_GET)) == NULL) {
		status = MAILDIR_CACHE_ERROR;
		goto out;
	}
	sqlite3_bind_int64(stmt, 1, id);
	if ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
		next = sqlite3_column_int64(stmt, 0);
	cache_done(c, SQL_UIDS_GET, stmt);
	if (rc != SQLITE_ROW) {
		status = cache_fail(c, __func__);
		goto out;
	}
	if (next < 1)
		next = 1;
	if (next + count >= CACHE_UID_TOP) {
		/* Four billion messages through one folder: the cache is
		 * rebuilt, which numbers them again from 1. */
		free(c->error);
		c->error = xasprintf("%s: %s: out of UIDs; delete the cache",
		    c->path, folder);
		status = MAILDIR_CACHE_ERROR;
		goto out;
	}
	if ((stmt = cache_stmt(c, SQL_UIDS_SET)) == NULL) {
		status = MAILDIR_CACHE_ERROR;
		goto out;
	}
	sqlite3_bind_int64(stmt, 1, id);
	sqlite3_bind_int64(stmt, 2, next + count);
	rc = sqlite3_step(stmt);
	cache_done(c, SQL_UIDS_SET, stmt);
	if (rc != SQLITE_DONE) {
		status = cache_fail(c, __func__);
		goto out;
	}
	*first = (uint32_t)next;
out:
	if (own) {
		if (status == MAILDIR_CACHE_OK)
			status = maildir_cache_commit(c);
		if (status != MAILDIR_CACHE_OK)
			maildir_cache_rollback(c);
	}
	return status;
}

static void
cache_bind_text(sqlite3_stmt *stmt, int column, const char *s)
{
	if (s != NULL)
		sqlite3_bind_text(stmt, column, s, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(stmt, column);
}

/* Bind a row to SQL_PUT_UPDATE or SQL_PUT_INSERT and run it. */
static int
cache_put_run(struct maildir_cache *c, enum cache_sql sql, sqlite3_int64 id,
    const struct maildir_cache_row *r)
{
	sqlite3_stmt	*stmt;
	int		 rc;

	if ((stmt = cache_stmt(c, sql)) == NULL)
		return SQLITE_ERROR;
	sqlite3_bind_int64(stmt, 1, id);
	sqlite3_bind_int64(stmt, 2, r->m.uid);
	sqlite3_bind_int64(stmt, 3, r->m.flags);
	sqlite3_bind_text(stmt, 4, r->key, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 5, r->file, -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 6, (sqlite3_int64)(r->size > INT64_MAX ?
	    INT64_MAX : r->size));
	sqlite3_bind_int64(stmt, 7, r->mtime);
	cache_bind_text(stmt, 8, r->indexed);
	sqlite3_bind_int64(stmt, 9, r->indexed_flags);
	sqlite3_bind_int64(stmt, 10, r->m.date);
	cache_bind_text(stmt, 11, r->m.subject);
	cache_bind_text(stmt, 12, r->m.from);
	cache_bind_text(stmt, 13, r->m.to);
	cache_bind_text(stmt, 14, r->m.cc);
	cache_bind_text(stmt, 15, r->m.message_id);
	cache_bind_text(stmt, 16, r->m.in_reply_to);
	cache_bind_text(stmt, 17, r->m.references);
	cache_bind_text(stmt, 18, r->m.bodystructure);
	sqlite3_bind_int(stmt, 19, r->m.attachments > 0);
	rc = sqlite3_step(stmt);
	cache_done(c, sql, stmt);
	return rc;
}

enum maildir_cache_status
maildir_cache_put(struct maildir_cache *c, const char *folder,
    const struct maildir_cache_row *r, uint32_t *uid)
{
	enum maildir_cache_status	 status;
	sqlite3_stmt			*stmt;
	sqlite3_int64			 id;
	int				 rc;

	if (r->m.uid == 0 || r->key == NULL || r->file == NULL) {
		free(c->error);
		c->error = xasprintf("%s: a row without uid, key or file",
		    c->path);
		return MAILDIR_CACHE_ERROR;
	}
	if ((status = cache_folder(c, folder, 1, &id)) != MAILDIR_CACHE_OK)
		return status;
	if ((rc = cache_put_run(c, SQL_PUT_UPDATE, id, r)) == SQLITE_DONE &&
	    sqlite3_changes(c->db) == 0)
		rc = cache_put_run(c, SQL_PUT_INSERT, id, r);
	if (rc != SQLITE_DONE)
		return cache_fail(c, __func__);
	if (uid == NULL)
		return MAILDIR_CACHE_OK;
	if ((stmt = cache_stmt(c, SQL_KEY_UID)) == NULL)
		return MAILDIR_CACHE_ERROR;
	sqlite3_bind_int64(stmt, 1, id);
	sqlite3_bind_text(stmt, 2, r->key, -1, SQLITE_STATIC);
	rc = sqlite3_step(stmt);
	*uid = rc == SQLITE_ROW ? (uint32_t)sqlite3_column_int64(stmt, 0) :
	    r->m.uid;
	cache_done(c, SQL_KEY_UID, stmt);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? MAILDIR_CACHE_OK :
	    cache_fail(c, __func__);
}

/* Run an UPDATE/DELETE on (folder, uid) with up to two more values. */
static enum maildir_cache_status
cache_update(struct maildir_cache *c, enum cache_sql sql, const char *folder,
    uint32_t uid, const char *text, int has_text, uint32_t value)
{
	enum maildir_cache_status	 status;
	sqlite3_stmt			*stmt;
	sqlite3_int64			 id;
	int				 rc;

	if ((status = cache_folder(c, folder, 0, &id)) != MAILDIR_CACHE_OK)
		return status;
	if ((stmt = cache_stmt(c, sql)) == NULL)
		return MAILDIR_CACHE_ERROR;
	sqlite3_bind_int64(stmt, 1, id);
	sqlite3_bind_int64(stmt, 2, uid);
	if (has_text) {
		cache_bind_text(stmt, 3, text);
		sqlite3_bind_int64(stmt, 4, value);
	}
	rc = sqlite3_step(stmt);
	cache_done(c, sql, stmt);
	return rc == SQLITE_DONE ? MAILDIR_CACHE_OK : cache_fail(c, __func__);
}

enum maildir_cache_status
maildir_cache_file_set(struct maildir_cache *c, const char *folder,
    uint32_t uid, const char *file, uint32_t flags)
{
	return cache_update(c, SQL_FILE_SET, folder, uid, file, 1, flags);
}

enum maildir_cache_status
maildir_cache_indexed_set(struct maildir_cache *c, const char *folder,
    uint32_t uid, const char *indexed, uint32_t flags)
{
	return cache_update(c, SQL_INDEXED_SET, folder, uid, indexed, 1,
	    flags);
}

enum maildir_cache_status
maildir_cache_remove(struct maildir_cache *c, const char *folder,
    const uint32_t *uids, size_t n)
{
	enum maildir_cache_status	status = MAILDIR_CACHE_OK;
	size_t				i;
	int				own;

	own = sqlite3_get_autocommit(c->db);
	if (own && (status = maildir_cache_begin(c)) != MAILDIR_CACHE_OK)
		return status;
	for (i = 0; i < n && status == MAILDIR_CACHE_OK; i++)
		status = cache_update(c, SQL_REMOVE, folder, uids[i], NULL, 0,
		    0);
	if (status == MAILDIR_CACHE_NOT_FOUND)
		status = MAILDIR_CACHE_OK;
	if (own) {
		if (status == MAILDIR_CACHE_OK)
			status = maildir_cache_commit(c);
		if (status != MAILDIR_CACHE_OK)
			maildir_cache_rollback(c);
	}
	return status;
}

enum maildir_cache_status
maildir_cache_get(struct maildir_cache *c, const char *folder, uint32_t uid,
    struct maildir_cache_row *r)
{
	enum maildir_cache_status	 status;
	sqlite3_stmt			*stmt;
	sqlite3_int64			 id;
	int				 rc;

	memset(r, 0, sizeof *r);
	if ((status = cache_folder(c, folder, 0, &id)) != MAILDIR_CACHE_OK)
		return status;
	if ((stmt = cache_stmt(c, SQL_GET)) == NULL)
		return MAILDIR_CACHE_ERROR;
	sqlite3_bind_int64(stmt, 1, id);
	sqlite3_bind_int64(stmt, 2, uid);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW) {
		cache_read_row(stmt, r);
		status = MAILDIR_CACHE_OK;
	} else if (rc == SQLITE_DONE)
		status = MAILDIR_CACHE_NOT_FOUND;
	else
		status = cache_fail(c, __func__);
	cache_done(c, SQL_GET, stmt);
	return status;
}

enum maildir_cache_status
maildir_cache_each(struct maildir_cache *c, const char *folder,
    uint32_t before_uid, size_t limit, maildir_cache_cb cb, void *arg)
{
	enum maildir_cache_status	 status;
	struct maildir_cache_row	 r;
	sqlite3_stmt			*stmt;
	sqlite3_int64			 id;
	int				 rc;

	if ((status = cache_folder(c, folder, 0, &id)) != MAILDIR_CACHE_OK)
		return status == MAILDIR_CACHE_NOT_FOUND ? MAILDIR_CACHE_OK :
		    status;
	if ((stmt = cache_stmt(c, SQL_EACH)) == NULL)
		return MAILDIR_CACHE_ERROR;
	sqlite3_bind_int64(stmt, 1, id);
	sqlite3_bind_int64(stmt, 2, before_uid != 0 ? before_uid :
	    CACHE_UID_TOP);
	sqlite3_bind_int64(stmt, 3, limit > 0 ? (sqlite3_int64)limit : -1);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		cache_read_row(stmt, &r);
		rc = cb(&r, arg);
		maildir_cache_row_clear(&r);
		if (rc != 0) {
			rc = SQLITE_DONE;
			break;
		}
	}
	cache_done(c, SQL_EACH, stmt);
	return rc == SQLITE_DONE ? MAILDIR_CACHE_OK : cache_fail(c, __func__);
}

enum maildir_cache_status
maildir_cache_pending(struct maildir_cache *c, uint32_t mask, size_t limit,
    maildir_cache_pending_cb cb, void *arg)
{
	struct maildir_cache_row	 r;
	sqlite3_stmt			*stmt;
	char				*folder;
	int				 rc;

	if ((stmt = cache_stmt(c, SQL_PENDING)) == NULL)
		return MAILDIR_CACHE_ERROR;
	sqlite3_bind_int64(stmt, 1, mask);
	sqlite3_bind_int64(stmt, 2, limit > 0 ? (sqlite3_int64)limit : -1);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		folder = cache_text(stmt, 0);
		cache_read_files(stmt, 1, &r);
		r.m.message_id = cache_text(stmt, 9);
		rc = folder != NULL ? cb(folder, &r, arg) : 0;
		maildir_cache_row_clear(&r);
		free(folder);
		if (rc != 0) {
			rc = SQLITE_DONE;
			break;
		}
	}
	cache_done(c, SQL_PENDING, stmt);
	return rc == SQLITE_DONE ? MAILDIR_CACHE_OK : cache_fail(c, __func__);
}

void
maildir_cache_row_clear(struct maildir_cache_row *r)
{
	if (r == NULL)
		return;
	store_message_clear(&r->m);
	free(r->key);
	free(r->file);
	free(r->indexed);
	memset(r, 0, sizeof *r);
}
