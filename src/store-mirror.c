/* store-mirror: the SQLite mirror of an IMAP account (folders, sync state,
 * message rows), with a versioned schema and every write one transaction. */
#include "auto-config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "intl.h"
#include "log.h"
#include "store-mirror.h"
#include "store-mirror-db.h"
#include "xmalloc.h"

/* Marks a database as a skua mirror (PRAGMA application_id): "skua". */
#define MIRROR_APPLICATION_ID	0x736b7561
/* How long a statement waits for a lock held by another connection. */
#define MIRROR_BUSY_TIMEOUT	5000
/* UIDs are 32-bit, so this is above every UID ("from the top"). */
#define MIRROR_UID_TOP		((sqlite3_int64)UINT32_MAX + 1)

/*
 * Schema migrations: step i takes the schema from version i to i + 1, so a
 * new version appends a step and never edits an old one. Parts and queued
 * changes go with their message or folder (ON DELETE CASCADE); the part cache
 * sweeps files that no row names. message keeps its rowid because its rows
 * (references, BODYSTRUCTURE) are too big for a WITHOUT ROWID table; its
 * primary key index serves lookups, windows and the cascades.
 */
static const char *mirror_migrations[] = {
	/* 1: folders, messages, part cache records, the offline queue. */
	"CREATE TABLE folder (\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  name TEXT NOT NULL UNIQUE,\n"
	"  delimiter TEXT,\n"
	"  role TEXT,\n"
	"  subscribed INTEGER NOT NULL DEFAULT 0,\n"
	"  noselect INTEGER NOT NULL DEFAULT 0,\n"
	"  uidvalidity INTEGER NOT NULL DEFAULT 0,\n"
	"  uidnext INTEGER NOT NULL DEFAULT 0,\n"
	"  highestmodseq INTEGER NOT NULL DEFAULT 0,\n"
	"  total INTEGER NOT NULL DEFAULT 0,\n"
	"  unseen INTEGER NOT NULL DEFAULT 0\n"
	");\n"
	"CREATE TABLE message (\n"
	"  folder_id INTEGER NOT NULL\n"
	"    REFERENCES folder (id) ON DELETE CASCADE,\n"
	"  uid INTEGER NOT NULL CHECK (uid > 0),\n"
	"  flags INTEGER NOT NULL DEFAULT 0,\n"
	"  keywords TEXT,\n"
	"  modseq INTEGER NOT NULL DEFAULT 0,\n"
	"  size INTEGER NOT NULL DEFAULT 0,\n"
	"  internal_date INTEGER NOT NULL DEFAULT 0,\n"
	"  date INTEGER NOT NULL DEFAULT 0,\n"
	"  subject TEXT,\n"
	"  from_ TEXT,\n"
	"  to_ TEXT,\n"
	"  cc TEXT,\n"
	"  message_id TEXT,\n"
	"  in_reply_to TEXT,\n"
	"  references_ TEXT,\n"
	"  bodystructure TEXT,\n"
	"  PRIMARY KEY (folder_id, uid)\n"
	");\n"
	"CREATE TABLE part (\n"
	"  folder_id INTEGER NOT NULL,\n"
	"  uid INTEGER NOT NULL,\n"
	"  section TEXT NOT NULL,\n"
	"  size INTEGER NOT NULL DEFAULT 0,\n"
	"  path TEXT,\n"
	"  PRIMARY KEY (folder_id, uid, section),\n"
	"  FOREIGN KEY (folder_id, uid)\n"
	"    REFERENCES message (folder_id, uid) ON DELETE CASCADE\n"
	") WITHOUT ROWID;\n"
	"CREATE TABLE queue (\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  folder_id INTEGER REFERENCES folder (id) ON DELETE CASCADE,\n"
	"  kind TEXT NOT NULL,\n"
	"  payload BLOB,\n"
	"  created INTEGER NOT NULL\n"
	");\n"
	"CREATE INDEX queue_folder ON queue (folder_id);\n",
	/* 2: whether a message has attachments, known when it is fetched, so
	 * listing a folder need not parse every BODYSTRUCTURE again. NULL for
	 * rows from version 1: unknown. */
	"ALTER TABLE message ADD COLUMN attachments INTEGER;\n",
	/* 3: the offline queue as store-queue keeps it. Version 1's table was
	 * a placeholder that no version wrote to, so it is replaced, not
	 * altered. AUTOINCREMENT: an id is never reused, so a replayer that
	 * removes a stale id cannot hit a newer entry, and ids give the order.
	 * The destination is a name: it need not be mirrored. */
	"DROP INDEX queue_folder;\n"
	"DROP TABLE queue;\n"
	"CREATE TABLE queue (\n"
	"  id INTEGER PRIMARY KEY AUTOINCREMENT,\n"
	"  folder_id INTEGER NOT NULL\n"
	"    REFERENCES folder (id) ON DELETE CASCADE,\n"
	"  op TEXT NOT NULL\n"
	"    CHECK (op IN ('flags', 'copy', 'move', 'expunge')),\n"
	"  dest TEXT,\n"
	"  add_flags INTEGER NOT NULL DEFAULT 0,\n"
	"  remove_flags INTEGER NOT NULL DEFAULT 0,\n"
	"  uids TEXT NOT NULL,\n"
	"  created INTEGER NOT NULL\n"
	");\n"
	"CREATE INDEX queue_folder ON queue (folder_id);\n"
	/* The quota view's biggest messages, without reading every row. */
	"CREATE INDEX message_size ON message (size);\n",
};
#define MIRROR_VERSION \
	((int)(sizeof mirror_migrations / sizeof mirror_migrations[0]))

/* The statements this file runs, prepared once and kept. */
enum mirror_sql {
	SQL_BEGIN,
	SQL_COMMIT,
	SQL_ROLLBACK,
	SQL_FOLDER_ID,
	SQL_FOLDER_GET,
	SQL_FOLDER_EACH,
	SQL_FOLDER_PUT,
	SQL_FOLDER_DELETE,
	SQL_FOLDER_RESET,
	SQL_FOLDER_SYNC_STATE,
	SQL_FOLDER_CLEAR,
	SQL_MESSAGE_PUT,
	SQL_MESSAGE_GET,
	SQL_MESSAGES_EACH,
	SQL_FLAGS_SET,
	SQL_FLAGS_CHANGE,
	SQL_EXPUNGE,
	SQL_UIDS,
	SQL_MESSAGE_COUNT,
	SQL_BIGGEST,
	SQL_NSTATEMENTS
};

/* A macro's value as an SQL literal (STORE_FLAG_SEEN is 0x01, which SQLite
 * reads as hexadecimal). */
#define MIRROR_STRING(x)	MIRROR_STRING1(x)
#define MIRROR_STRING1(x)	#x

#define MIRROR_FOLDER_COLUMNS \
	"name, delimiter, role, subscribed, noselect, uidvalidity, uidnext, " \
	"highestmodseq, total, unseen"
#define MIRROR_MESSAGE_COLUMNS \
	"uid, flags, keywords, modseq, size, internal_date, date, subject, " \
	"from_, to_, cc, message_id, in_reply_to, references_, bodystructure, " \
	"attachments"

static const char *mirror_sql[SQL_NSTATEMENTS] = {
	[SQL_BEGIN] = "BEGIN IMMEDIATE",
	[SQL_COMMIT] = "COMMIT",
	[SQL_ROLLBACK] = "ROLLBACK",
	[SQL_FOLDER_ID] = "SELECT id, uidvalidity FROM folder WHERE name = ?1",
	[SQL_FOLDER_GET] = "SELECT " MIRROR_FOLDER_COLUMNS
	    " FROM folder WHERE name = ?1",
	[SQL_FOLDER_EACH] = "SELECT " MIRROR_FOLDER_COLUMNS
	    " FROM folder ORDER BY name",
	/* ?11: the struct has sync state; ?12: it has counts. */
	[SQL_FOLDER_PUT] = "INSERT INTO folder (" MIRROR_FOLDER_COLUMNS ")"
	    " VALUES (?1, ?2, ?3, ?4, ?5, ?6,"
	    "  CASE WHEN ?11 THEN ?7 ELSE 0 END,"
	    "  CASE WHEN ?11 THEN ?8 ELSE 0 END, ?9, ?10)"
	    " ON CONFLICT (name) DO UPDATE SET"
	    "  delimiter = excluded.delimiter,"
	    "  role = excluded.role,"
	    "  subscribed = excluded.subscribed,"
	    "  noselect = excluded.noselect,"
	    "  uidvalidity = CASE WHEN ?11 THEN ?6 ELSE uidvalidity END,"
	    "  uidnext = CASE WHEN ?11 THEN ?7 ELSE uidnext END,"
	    "  highestmodseq = CASE WHEN ?11 THEN ?8 ELSE highestmodseq END,"
	    "  total = CASE WHEN ?12 THEN ?9 ELSE total END,"
	    "  unseen = CASE WHEN ?12 THEN ?10 ELSE unseen END",
	[SQL_FOLDER_DELETE] = "DELETE FROM folder WHERE name = ?1",
	[SQL_FOLDER_RESET] = "UPDATE folder"
	    " SET uidvalidity = ?2, uidnext = 0, highestmodseq = 0"
	    " WHERE id = ?1",
	[SQL_FOLDER_SYNC_STATE] = "UPDATE folder"
	    " SET uidnext = ?2, highestmodseq = ?3 WHERE name = ?1",
	[SQL_FOLDER_CLEAR] = "DELETE FROM message WHERE folder_id = ?1",
	/* An upsert, not INSERT OR REPLACE: a replace would delete the row
	 * and, through the foreign key, its part records. */
	[SQL_MESSAGE_PUT] = "INSERT INTO message (folder_id, "
	    MIRROR_MESSAGE_COLUMNS ")"
	    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13,"
	    "  ?14, ?15, ?16, ?17)"
	    " ON CONFLICT (folder_id, uid) DO UPDATE SET"
	    "  flags = excluded.flags,"
	    "  keywords = excluded.keywords,"
	    "  modseq = excluded.modseq,"
	    "  size = excluded.size,"
	    "  internal_date = excluded.internal_date,"
	    "  date = excluded.date,"
	    "  subject = excluded.subject,"
	    "  from_ = excluded.from_,"
	    "  to_ = excluded.to_,"
	    "  cc = excluded.cc,"
	    "  message_id = excluded.message_id,"
	    "  in_reply_to = excluded.in_reply_to,"
	    "  references_ = excluded.references_,"
	    "  bodystructure = excluded.bodystructure,"
	    "  attachments = excluded.attachments",
	[SQL_MESSAGE_GET] = "SELECT " MIRROR_MESSAGE_COLUMNS
	    " FROM message WHERE folder_id = ?1 AND uid = ?2",
	[SQL_MESSAGES_EACH] = "SELECT " MIRROR_MESSAGE_COLUMNS
	    " FROM message WHERE folder_id = ?1 AND uid < ?2"
	    " ORDER BY uid DESC LIMIT ?3",
	[SQL_FLAGS_SET] = "UPDATE message SET flags = ?3, keywords = ?4,"
	    " modseq = CASE WHEN ?5 = 0 THEN modseq ELSE ?5 END"
	    " WHERE folder_id = ?1 AND uid = ?2",
	[SQL_FLAGS_CHANGE] = "UPDATE message SET flags = (flags | ?3) & ~?4"
	    " WHERE folder_id = ?1 AND uid = ?2 RETURNING flags",
	[SQL_EXPUNGE] = "DELETE FROM message WHERE folder_id = ?1 AND uid = ?2",
	[SQL_UIDS] = "SELECT uid FROM message WHERE folder_id = ?1"
	    " ORDER BY uid",
	[SQL_MESSAGE_COUNT] = "SELECT count(*), coalesce(sum((flags & "
	    MIRROR_STRING(STORE_FLAG_SEEN) ") = 0), 0)"
	    " FROM message WHERE folder_id = ?1",
	/* Ties in a stable order, so that a view does not shuffle. */
	[SQL_BIGGEST] = "SELECT " MIRROR_MESSAGE_COLUMNS ", folder.name"
	    " FROM message JOIN folder ON folder.id = message.folder_id"
	    " ORDER BY size DESC, folder.name, uid LIMIT ?1",
};

/* Roles are stored by name so that reordering the enum cannot change them. */
static const char *mirror_roles[] = {
	[STORE_ROLE_NONE] = NULL,
	[STORE_ROLE_INBOX] = "inbox",
	[STORE_ROLE_SENT] = "sent",
	[STORE_ROLE_DRAFTS] = "drafts",
	[STORE_ROLE_TRASH] = "trash",
	[STORE_ROLE_JUNK] = "junk",
	[STORE_ROLE_ARCHIVE] = "archive",
	[STORE_ROLE_ALL] = "all",
	[STORE_ROLE_FLAGGED] = "flagged",
};
#define MIRROR_NROLES	(sizeof mirror_roles / sizeof mirror_roles[0])

struct store_mirror {
	char		*path;
	sqlite3		*db;
	sqlite3_stmt	*stmts[SQL_NSTATEMENTS];
	char		*error;		/* for store_mirror_error() */
};

/* Keep SQLite's message, with the path, for store_mirror_error(). Call it
 * before anything else touches the connection (a rollback would replace the
 * message). */
static enum store_status
mirror_fail(struct store_mirror *m, const char *what)
{
	free(m->error);
	m->error = xasprintf("%s: %s", m->path, sqlite3_errmsg(m->db));
	log_warn("%s: %s", what, m->error);
	return STORE_ERROR;
}

/*
 * The prepared statement for id. A statement already running (a callback of
 * an *_each function reading the mirror again) is not reused: a fresh one is
 * prepared, and mirror_done() finalizes it.
 */
static sqlite3_stmt *
mirror_stmt(struct store_mirror *m, enum mirror_sql id, const char *what)
{
	sqlite3_stmt	*stmt;

	if (m->stmts[id] != NULL && !sqlite3_stmt_busy(m->stmts[id]))
		return m->stmts[id];
	if (sqlite3_prepare_v3(m->db, mirror_sql[id], -1,
	    m->stmts[id] == NULL ? SQLITE_PREPARE_PERSISTENT : 0, &stmt,
	    NULL) != SQLITE_OK) {
		mirror_fail(m, what);
		return NULL;
	}
	if (m->stmts[id] == NULL)
		m->stmts[id] = stmt;
	return stmt;
}

/* Finish with a statement: reset the kept ones (so that no read transaction
 * stays open and no binding points at the caller's memory). */
static void
mirror_done(struct store_mirror *m, enum mirror_sql id, sqlite3_stmt *stmt)
{
	if (stmt == NULL)
		return;
	if (stmt != m->stmts[id]) {
		sqlite3_finalize(stmt);
		return;
	}
	sqlite3_reset(stmt);
	sqlite3_clear_bindings(stmt);
}

/* Run a statement that returns no rows (transaction control). */
static enum store_status
mirror_run(struct store_mirror *m, enum mirror_sql id, const char *what)
{
	sqlite3_stmt		*stmt;
	enum store_status	 status = STORE_OK;

	if ((stmt = mirror_stmt(m, id, what)) == NULL)
		return STORE_ERROR;
	if (sqlite3_step(stmt) != SQLITE_DONE)
		status = mirror_fail(m, what);
	mirror_done(m, id, stmt);
	return status;
}

/* IMMEDIATE takes the write lock at once, so a write never fails half-way
 * for want of it. */
static enum store_status
mirror_begin(struct store_mirror *m, const char *what)
{
	return mirror_run(m, SQL_BEGIN, what);
}

static enum store_status
mirror_commit(struct store_mirror *m, const char *what)
{
	return mirror_run(m, SQL_COMMIT, what);
}

/* Some errors (disk full, I/O) have already rolled the transaction back. */
static void
mirror_rollback(struct store_mirror *m)
{
	if (sqlite3_get_autocommit(m->db))
		return;
	if (mirror_run(m, SQL_ROLLBACK, __func__) != STORE_OK)
		log_warn("%s: %s", __func__, m->error);
}

/* Find a folder's row id (and its uidvalidity when asked). */
static enum store_status
mirror_folder_id(struct store_mirror *m, const char *what, const char *name,
    sqlite3_int64 *id, uint32_t *uidvalidity)
{
	sqlite3_stmt		*stmt;
	enum store_status	 status;
	int			 rc;

	if ((stmt = mirror_stmt(m, SQL_FOLDER_ID, what)) == NULL)
		return STORE_ERROR;
	sqlite3_bind_text(stmt, 1, name, -1, SQLITE_STATIC);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW) {
		*id = sqlite3_column_int64(stmt, 0);
		if (uidvalidity != NULL)
			*uidvalidity = sqlite3_column_int64(stmt, 1);
		status = STORE_OK;
	} else if (rc == SQLITE_DONE)
		status = STORE_NOT_FOUND;
	else
		status = mirror_fail(m, what);
	mirror_done(m, SQL_FOLDER_ID, stmt);
	return status;
}

/* Drop a folder's messages (inside the caller's transaction). */
static enum store_status
mirror_folder_clear(struct store_mirror *m, const char *what,
    sqlite3_int64 id)
{
	sqlite3_stmt		*stmt;
	enum store_status	 status = STORE_OK;

	if ((stmt = mirror_stmt(m, SQL_FOLDER_CLEAR, what)) == NULL)
		return STORE_ERROR;
	sqlite3_bind_int64(stmt, 1, id);
	if (sqlite3_step(stmt) != SQLITE_DONE)
		status = mirror_fail(m, what);
	mirror_done(m, SQL_FOLDER_CLEAR, stmt);
	return status;
}

/* Run one SQL text that yields a single integer (a PRAGMA at open). */
static int
mirror_integer(sqlite3 *db, const char *sql, sqlite3_int64 *value)
{
	sqlite3_stmt	*stmt;
	int		 rc;

	if ((rc = sqlite3_prepare_v2(db, sql, -1, &stmt, NULL)) != SQLITE_OK)
		return rc;
	if ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		*value = sqlite3_column_int64(stmt, 0);
		rc = SQLITE_OK;
	}
	sqlite3_finalize(stmt);
	return rc;
}

/* The message for a file whose schema is ahead of this code. */
static char *
mirror_newer(struct store_mirror *m, sqlite3_int64 version)
{
	return xasprintf(_("%s: made by a newer skua (schema version %lld; "
	    "this one knows %d)"), m->path, (long long)version,
	    MIRROR_VERSION);
}

/* Bring the schema up to MIRROR_VERSION in one transaction, so a crash
 * leaves the old schema whole. */
static enum store_status
mirror_migrate(struct store_mirror *m, char **error)
{
	sqlite3_int64	 version;
	char		*sql;
	int		 rc, i;

	if (sqlite3_exec(m->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) !=
	    SQLITE_OK)
		goto fail;
	/* Another connection may have migrated while this one waited. */
	if (mirror_integer(m->db, "PRAGMA user_version", &version) !=
	    SQLITE_OK)
		goto fail;
	if (version >= MIRROR_VERSION) {
		sqlite3_exec(m->db, "ROLLBACK", NULL, NULL, NULL);
		if (version == MIRROR_VERSION)
			return STORE_OK;
		*error = mirror_newer(m, version);
		return STORE_ERROR;
	}
	for (i = version; i < MIRROR_VERSION; i++) {
		log_debug("%s: %s: schema version %d", __func__, m->path,
		    i + 1);
		if (sqlite3_exec(m->db, mirror_migrations[i], NULL, NULL,
		    NULL) != SQLITE_OK)
			goto fail;
	}
	sql = xasprintf("PRAGMA user_version = %d; PRAGMA application_id = %d",
	    MIRROR_VERSION, MIRROR_APPLICATION_ID);
	rc = sqlite3_exec(m->db, sql, NULL, NULL, NULL);
	free(sql);
	if (rc != SQLITE_OK ||
	    sqlite3_exec(m->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		goto fail;
	return STORE_OK;

fail:
	*error = xasprintf(_("%s: cannot update the schema to version %d: %s"),
	    m->path, MIRROR_VERSION, sqlite3_errmsg(m->db));
	if (!sqlite3_get_autocommit(m->db))
		sqlite3_exec(m->db, "ROLLBACK", NULL, NULL, NULL);
	return STORE_ERROR;
}

/* Make a new file private before SQLite opens it: its -wal and -shm files
 * take the database's permissions. */
static enum store_status
mirror_create(const char *path, char **error)
{
	int	 fd;

	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd == -1) {
		if (errno == EEXIST)
			return STORE_OK;
		*error = xasprintf("%s: %s", path, strerror(errno));
		return STORE_ERROR;
	}
	fchmod(fd, 0600);	/* whatever the umask took away */
	close(fd);
	return STORE_OK;
}

/* A mirror left readable by others (an older version, a copy) is made
 * private; mail headers are not for other users. */
static void
mirror_private(const char *path)
{
	static const char	*suffixes[] = { "", "-wal", "-shm" };
	struct stat		 sb;
	char			*file;
	size_t			 i;

	for (i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
		file = xasprintf("%s%s", path, suffixes[i]);
		if (stat(file, &sb) == 0 && sb.st_uid == geteuid() &&
		    (sb.st_mode & 077) != 0 && chmod(file, 0600) == -1)
			log_warn("%s: %s: %s", __func__, file, strerror(errno));
		free(file);
	}
}

/* Check that the file is a mirror this version can use, then set the
 * connection up and migrate. */
static enum store_status
mirror_setup(struct store_mirror *m, char **error)
{
	sqlite3_int64	 application_id, version, objects;
	sqlite3_stmt	*stmt;
	const char	*mode;

	sqlite3_busy_timeout(m->db, MIRROR_BUSY_TIMEOUT);
	if (sqlite3_exec(m->db, "PRAGMA foreign_keys = ON", NULL, NULL,
	    NULL) != SQLITE_OK ||
	    mirror_integer(m->db, "PRAGMA application_id",
	    &application_id) != SQLITE_OK ||
	    mirror_integer(m->db, "PRAGMA user_version", &version) !=
	    SQLITE_OK ||
	    mirror_integer(m->db, "SELECT count(*) FROM sqlite_master",
	    &objects) != SQLITE_OK) {
		*error = xasprintf("%s: %s", m->path, sqlite3_errmsg(m->db));
		return STORE_ERROR;
	}
	if (version < 0 || (application_id != MIRROR_APPLICATION_ID &&
	    (application_id != 0 || version != 0 || objects != 0))) {
		*error = xasprintf(_("%s: not a skua mirror database"),
		    m->path);
		return STORE_ERROR;
	}
	if (version > MIRROR_VERSION) {
		*error = mirror_newer(m, version);
		return STORE_ERROR;
	}

	/* Not WAL (a file system without shared memory): the rollback
	 * journal is slower but just as safe, so carry on. */
	if (sqlite3_prepare_v2(m->db, "PRAGMA journal_mode = WAL", -1, &stmt,
	    NULL) != SQLITE_OK) {
		*error = xasprintf("%s: %s", m->path, sqlite3_errmsg(m->db));
		return STORE_ERROR;
	}
	if (sqlite3_step(stmt) == SQLITE_ROW) {
		mode = (const char *)sqlite3_column_text(stmt, 0);
		if (mode == NULL || strcmp(mode, "wal") != 0)
			log_warn("%s: %s: journal mode %s, not wal", __func__,
			    m->path, mode != NULL ? mode : "unknown");
	} else
		log_warn("%s: %s: %s", __func__, m->path,
		    sqlite3_errmsg(m->db));
	sqlite3_finalize(stmt);
	if (sqlite3_exec(m->db, "PRAGMA synchronous = NORMAL", NULL, NULL,
	    NULL) != SQLITE_OK) {
		*error = xasprintf("%s: %s", m->path, sqlite3_errmsg(m->db));
		return STORE_ERROR;
	}

	if (version < MIRROR_VERSION)
		return mirror_migrate(m, error);
	return STORE_OK;
}

enum store_status
store_mirror_open(const char *path, struct store_mirror **out, char **error)
{
	struct store_mirror	*m;
	char			*message = NULL;
	int			 flags;

	*out = NULL;
	if (mirror_create(path, &message) != STORE_OK)
		goto fail;

	m = xcalloc(1, sizeof *m);
	m->path = xstrdup(path);
	flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
	    SQLITE_OPEN_NOMUTEX;
	if (sqlite3_open_v2(path, &m->db, flags, NULL) != SQLITE_OK) {
		message = xasprintf("%s: %s", path, m->db != NULL ?
		    sqlite3_errmsg(m->db) : strerror(ENOMEM));
		store_mirror_close(m);
		goto fail;
	}
	if (mirror_setup(m, &message) != STORE_OK) {
		store_mirror_close(m);
		goto fail;
	}
	mirror_private(path);
	log_debug("%s: %s", __func__, path);
	*out = m;
	return STORE_OK;

fail:
	log_warn("%s: %s", __func__, message);
	if (error != NULL)
		*error = message;
	else
		free(message);
	return STORE_ERROR;
}

void
store_mirror_close(struct store_mirror *m)
{
	size_t	 i;

	if (m == NULL)
		return;
	for (i = 0; i < SQL_NSTATEMENTS; i++)
		sqlite3_finalize(m->stmts[i]);
	if (m->db != NULL) {
		/* Cheap; keeps the query planner's statistics useful. */
		sqlite3_exec(m->db, "PRAGMA optimize", NULL, NULL, NULL);
		if (sqlite3_close(m->db) != SQLITE_OK)
			log_warn("%s: %s: %s", __func__, m->path,
			    sqlite3_errmsg(m->db));
	}
	free(m->error);
	free(m->path);
	free(m);
}

const char *
store_mirror_error(struct store_mirror *m)
{
	return m->error;
}

static const char *
mirror_role_name(enum store_role role)
{
	if ((size_t)role >= MIRROR_NROLES)
		return NULL;
	return mirror_roles[role];
}

static enum store_role
mirror_role(const char *name)
{
	size_t	 i;

	if (name == NULL)
		return STORE_ROLE_NONE;
	for (i = 0; i < MIRROR_NROLES; i++) {
		if (mirror_roles[i] != NULL &&
		    strcmp(mirror_roles[i], name) == 0)
			return i;
	}
	return STORE_ROLE_NONE;
}

/* Fill f from a row of MIRROR_FOLDER_COLUMNS; the strings are borrowed from
 * the statement. */
static void
mirror_folder_row(sqlite3_stmt *stmt, struct store_folder *f)
{
	const char	*delimiter;

	f->name = (char *)sqlite3_column_text(stmt, 0);
	delimiter = (const char *)sqlite3_column_text(stmt, 1);
	f->delimiter = delimiter != NULL ? delimiter[0] : '\0';
	f->role = mirror_role((const char *)sqlite3_column_text(stmt, 2));
	f->subscribed = sqlite3_column_int(stmt, 3);
	f->noselect = sqlite3_column_int(stmt, 4);
	f->uidvalidity = sqlite3_column_int64(stmt, 5);
	f->uidnext = sqlite3_column_int64(stmt, 6);
	f->highestmodseq = sqlite3_column_int64(stmt, 7);
	f->total = sqlite3_column_int64(stmt, 8);
	f->unseen = sqlite3_column_int64(stmt, 9);
}

enum store_status
store_mirror_folder_put(struct store_mirror *m, const struct store_folder *f)
{
	sqlite3_stmt		*stmt = NULL;
	enum store_status	 status;
	sqlite3_int64		 id;
	uint32_t		 uidvalidity;
	char			 delimiter[2] = { f->delimiter, '\0' };
	int			 sync, counts;

	sync = f->uidvalidity != 0;
	counts = sync || f->total != 0 || f->unseen != 0;
	if ((status = mirror_begin(m, __func__)) != STORE_OK)
		return status;
	status = mirror_folder_id(m, __func__, f->name, &id, &uidvalidity);
	if (status == STORE_ERROR)
		goto out;
	if (status == STORE_OK && sync && uidvalidity != 0 &&
	    uidvalidity != f->uidvalidity) {
		log_info("%s: %s: UIDVALIDITY %u -> %u, mirror dropped",
		    __func__, f->name, uidvalidity, f->uidvalidity);
		if ((status = mirror_folder_clear(m, __func__, id)) !=
		    STORE_OK)
			goto out;
	}

	if ((stmt = mirror_stmt(m, SQL_FOLDER_PUT, __func__)) == NULL) {
		status = STORE_ERROR;
		goto out;
	}
	sqlite3_bind_text(stmt, 1, f->name, -1, SQLITE_STATIC);
	if (f->delimiter != '\0')
		sqlite3_bind_text(stmt, 2, delimiter, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(stmt, 2);
	sqlite3_bind_text(stmt, 3, mirror_role_name(f->role), -1,
	    SQLITE_STATIC);
	sqlite3_bind_int(stmt, 4, f->subscribed != 0);
	sqlite3_bind_int(stmt, 5, f->noselect != 0);
	sqlite3_bind_int64(stmt, 6, f->uidvalidity);
	sqlite3_bind_int64(stmt, 7, f->uidnext);
	sqlite3_bind_int64(stmt, 8, (sqlite3_int64)f->highestmodseq);
	sqlite3_bind_int64(stmt, 9, f->total);
	sqlite3_bind_int64(stmt, 10, f->unseen);
	sqlite3_bind_int(stmt, 11, sync);
	sqlite3_bind_int(stmt, 12, counts);
	if (sqlite3_step(stmt) != SQLITE_DONE) {
		status = mirror_fail(m, __func__);
		goto out;
	}
	status = mirror_commit(m, __func__);

out:
	mirror_done(m, SQL_FOLDER_PUT, stmt);
	if (status != STORE_OK)
		mirror_rollback(m);
	return status;
}

enum store_status
store_mirror_folder_get(struct store_mirror *m, const char *name,
    struct store_folder *out)
{
	sqlite3_stmt		*stmt;
	enum store_status	 status;
	int			 rc;

	memset(out, 0, sizeof *out);
	if ((stmt = mirror_stmt(m, SQL_FOLDER_GET, __func__)) == NULL)
		return STORE_ERROR;
	sqlite3_bind_text(stmt, 1, name, -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		mirror_folder_row(stmt, out);
		out->name = xstrdup(out->name);
		status = STORE_OK;
	} else if (rc == SQLITE_DONE)
		status = STORE_NOT_FOUND;
	else
		status = mirror_fail(m, __func__);
	mirror_done(m, SQL_FOLDER_GET, stmt);
	return status;
}

enum store_status
store_mirror_folder_each(struct store_mirror *m, store_mirror_folder_cb cb,
    void *arg)
{
	sqlite3_stmt		*stmt;
	struct store_folder	 f;
	enum store_status	 status = STORE_OK;
	int			 rc;

	if ((stmt = mirror_stmt(m, SQL_FOLDER_EACH, __func__)) == NULL)
		return STORE_ERROR;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		memset(&f, 0, sizeof f);
		mirror_folder_row(stmt, &f);
		if (cb(&f, arg) != 0)
			break;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		status = mirror_fail(m, __func__);
	mirror_done(m, SQL_FOLDER_EACH, stmt);
	return status;
}

enum store_status
store_mirror_folder_delete(struct store_mirror *m, const char *name)
{
	sqlite3_stmt		*stmt;
	enum store_status	 status = STORE_OK;

	/* One statement is one transaction; the cascade is part of it. */
	if ((stmt = mirror_stmt(m, SQL_FOLDER_DELETE, __func__)) == NULL)
		return STORE_ERROR;
	sqlite3_bind_text(stmt, 1, name, -1, SQLITE_STATIC);
	if (sqlite3_step(stmt) != SQLITE_DONE)
		status = mirror_fail(m, __func__);
	else if (sqlite3_changes(m->db) == 0)
		status = STORE_NOT_FOUND;
	mirror_done(m, SQL_FOLDER_DELETE, stmt);
	return status;
}

enum store_status
store_mirror_folder_reset(struct store_mirror *m, const char *name,
    uint32_t uidvalidity)
{
	sqlite3_stmt		*stmt = NULL;
	enum store_status	 status;
	sqlite3_int64		 id;

	if ((status = mirror_begin(m, __func__)) != STORE_OK)
		return status;
	if ((status = mirror_folder_id(m, __func__, name, &id, NULL)) !=
	    STORE_OK)
		goto out;
	if ((status = mirror_folder_clear(m, __func__, id)) != STORE_OK)
		goto out;
	if ((stmt = mirror_stmt(m, SQL_FOLDER_RESET, __func__)) == NULL) {
		status = STORE_ERROR;
		goto out;
	}
	sqlite3_bind_int64(stmt, 1, id);
	sqlite3_bind_int64(stmt, 2, uidvalidity);
	if (sqlite3_step(stmt) != SQLITE_DONE) {
		status = mirror_fail(m, __func__);
		goto out;
	}
	status = mirror_commit(m, __func__);

out:
	mirror_done(m, SQL_FOLDER_RESET, stmt);
	if (status != STORE_OK)
		mirror_rollback(m);
	return status;
}

enum store_status
store_mirror_folder_sync_state(struct store_mirror *m, const char *name,
    uint32_t uidnext, uint64_t highestmodseq)
{
	sqlite3_stmt		*stmt;
	enum store_status	 status = STORE_OK;

	if ((stmt = mirror_stmt(m, SQL_FOLDER_SYNC_STATE, __func__)) == NULL)
		return STORE_ERROR;
	sqlite3_bind_text(stmt, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 2, uidnext);
	sqlite3_bind_int64(stmt, 3, (sqlite3_int64)highestmodseq);
	if (sqlite3_step(stmt) != SQLITE_DONE)
		status = mirror_fail(m, __func__);
	else if (sqlite3_changes(m->db) == 0)
		status = STORE_NOT_FOUND;
	mirror_done(m, SQL_FOLDER_SYNC_STATE, stmt);
	return status;
}

/* Bind a text that may be NULL (NULL stays NULL in the row). */
static void
mirror_bind_text(sqlite3_stmt *stmt, int i, const char *s)
{
	if (s != NULL)
		sqlite3_bind_text(stmt, i, s, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(stmt, i);
}

/* Fill msg from a row of MIRROR_MESSAGE_COLUMNS; the strings are borrowed
 * from the statement. */
static void
mirror_message_row(sqlite3_stmt *stmt, struct store_message *msg)
{
	msg->uid = sqlite3_column_int64(stmt, 0);
	msg->flags = sqlite3_column_int64(stmt, 1);
	msg->keywords = (char *)sqlite3_column_text(stmt, 2);
	msg->modseq = (uint64_t)sqlite3_column_int64(stmt, 3);
	msg->size = sqlite3_column_int64(stmt, 4);
	msg->internal_date = sqlite3_column_int64(stmt, 5);
	msg->date = sqlite3_column_int64(stmt, 6);
	msg->subject = (char *)sqlite3_column_text(stmt, 7);
	msg->from = (char *)sqlite3_column_text(stmt, 8);
	msg->to = (char *)sqlite3_column_text(stmt, 9);
	msg->cc = (char *)sqlite3_column_text(stmt, 10);
	msg->message_id = (char *)sqlite3_column_text(stmt, 11);
	msg->in_reply_to = (char *)sqlite3_column_text(stmt, 12);
	msg->references = (char *)sqlite3_column_text(stmt, 13);
	msg->bodystructure = (char *)sqlite3_column_text(stmt, 14);
	msg->attachments = sqlite3_column_type(stmt, 15) == SQLITE_NULL ? -1 :
	    sqlite3_column_int(stmt, 15);
}

static char *
mirror_strdup(const char *s)
{
	return s != NULL ? xstrdup(s) : NULL;
}

enum store_status
store_mirror_messages_put(struct store_mirror *m, const char *folder,
    const struct store_message *msgs, size_t n)
{
	sqlite3_stmt			*stmt = NULL;
	const struct store_message	*msg;
	enum store_status		 status;
	sqlite3_int64			 id;
	size_t				 i;

	if ((status = mirror_begin(m, __func__)) != STORE_OK)
		return status;
	if ((status = mirror_folder_id(m, __func__, folder, &id, NULL)) !=
	    STORE_OK)
		goto out;
	if (n != 0 && (stmt = mirror_stmt(m, SQL_MESSAGE_PUT, __func__)) ==
	    NULL) {
		status = STORE_ERROR;
		goto out;
	}
	for (i = 0; i < n; i++) {
		msg = &msgs[i];
		sqlite3_bind_int64(stmt, 1, id);
		sqlite3_bind_int64(stmt, 2, msg->uid);
		sqlite3_bind_int64(stmt, 3, msg->flags);
		mirror_bind_text(stmt, 4, msg->keywords);
		sqlite3_bind_int64(stmt, 5, (sqlite3_int64)msg->modseq);
		sqlite3_bind_int64(stmt, 6, msg->size);
		sqlite3_bind_int64(stmt, 7, msg->internal_date);
		sqlite3_bind_int64(stmt, 8, msg->date);
		mirror_bind_text(stmt, 9, msg->subject);
		mirror_bind_text(stmt, 10, msg->from);
		mirror_bind_text(stmt, 11, msg->to);
		mirror_bind_text(stmt, 12, msg->cc);
		mirror_bind_text(stmt, 13, msg->message_id);
		mirror_bind_text(stmt, 14, msg->in_reply_to);
		mirror_bind_text(stmt, 15, msg->references);
		mirror_bind_text(stmt, 16, msg->bodystructure);
		if (msg->attachments < 0)
			sqlite3_bind_null(stmt, 17);
		else
			sqlite3_bind_int(stmt, 17, msg->attachments != 0);
		if (sqlite3_step(stmt) != SQLITE_DONE) {
			status = mirror_fail(m, __func__);
			goto out;
		}
		sqlite3_reset(stmt);
	}
	status = mirror_commit(m, __func__);

out:
	mirror_done(m, SQL_MESSAGE_PUT, stmt);
	if (status != STORE_OK)
		mirror_rollback(m);
	return status;
}

enum store_status
store_mirror_message_get(struct store_mirror *m, const char *folder,
    uint32_t uid, struct store_message *out)
{
	sqlite3_stmt		*stmt;
	enum store_status	 status;
	sqlite3_int64		 id;
	int			 rc;

	memset(out, 0, sizeof *out);
	if ((status = mirror_folder_id(m, __func__, folder, &id, NULL)) !=
	    STORE_OK)
		return status;
	if ((stmt = mirror_stmt(m, SQL_MESSAGE_GET, __func__)) == NULL)
		return STORE_ERROR;
	sqlite3_bind_int64(stmt, 1, id);
	sqlite3_bind_int64(stmt, 2, uid);
	if ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		mirror_message_row(stmt, out);
		out->keywords = mirror_strdup(out->keywords);
		out->subject = mirror_strdup(out->subject);
		out->from = mirror_strdup(out->from);
		out->to = mirror_strdup(out->to);
		out->cc = mirror_strdup(out->cc);
		out->message_id = mirror_strdup(out->message_id);
		out->in_reply_to = mirror_strdup(out->in_reply_to);
		out->references = mirror_strdup(out->references);
		out->bodystructure = mirror_strdup(out->bodystructure);
		status = STORE_OK;
	} else if (rc == SQLITE_DONE)
		status = STORE_NOT_FOUND;
	else
		status = mirror_fail(m, __func__);
	mirror_done(m, SQL_MESSAGE_GET, stmt);
	return status;
}

enum store_status
store_mirror_flags_set(struct store_mirror *m, const char *folder,
    uint32_t uid, uint32_t flags, const char *keywords, uint64_t modseq)
{
	sqlite3_stmt		*stmt;
	enum store_status	 status;
	sqlite3_int64		 id;

	if ((status = mirror_folder_id(m, __func__, folder, &id, NULL)) !=
	    STORE_OK)
		return status;
	if ((stmt = mirror_stmt(m, SQL_FLAGS_SET, __func__)) == NULL)
		return STORE_ERROR;
	sqlite3_bind_int64(stmt, 1, id);
	sqlite3_bind_int64(stmt, 2, uid);
	sqlite3_bind_int64(stmt, 3, flags);
	mirror_bind_text(stmt, 4, keywords);
	sqlite3_bind_int64(stmt, 5, (sqlite3_int64)modseq);
	if (sqlite3_step(stmt) != SQLITE_DONE)
		status = mirror_fail(m, __func__);
	else if (sqlite3_changes(m->db) == 0)
		status = STORE_NOT_FOUND;
	mirror_done(m, SQL_FLAGS_SET, stmt);
	return status;
}

enum store_status
store_mirror_flags_change(struct store_mirror *m, const char *folder,
    const uint32_t *uids, size_t n, uint32_t add, uint32_t remove,
    store_mirror_flags_cb cb, void *arg)
{
	sqlite3_stmt		*stmt = NULL;
	enum store_status	 status;
	sqlite3_int64		 id;
	size_t			 i;
	int			 rc;

	if ((status = mirror_begin(m, __func__)) != STORE_OK)
		return status;
	if ((status = mirror_folder_id(m, __func__, folder, &id, NULL)) !=
	    STORE_OK)
		goto out;
	if (n != 0 && (stmt = mirror_stmt(m, SQL_FLAGS_CHANGE, __func__)) ==
	    NULL) {
		status = STORE_ERROR;
		goto out;
	}
	for (i = 0; i < n; i++) {
		sqlite3_bind_int64(stmt, 1, id);
		sqlite3_bind_int64(stmt, 2, uids[i]);
		sqlite3_bind_int64(stmt, 3, add);
		sqlite3_bind_int64(stmt, 4, remove);
		rc = sqlite3_step(stmt);
		if (rc == SQLITE_ROW) {
			if (cb != NULL)
				cb(uids[i], (uint32_t)sqlite3_column_int64(stmt,
				    0), arg);
			rc = sqlite3_step(stmt);
		}
		if (rc != SQLITE_DONE) {
			status = mirror_fail(m, __func__);
			goto out;
		}
		sqlite3_reset(stmt);
	}
	status = mirror_commit(m, __func__);

out:
	mirror_done(m, SQL_FLAGS_CHANGE, stmt);
	if (status != STORE_OK)
		mirror_rollback(m);
	return status;
}

enum store_status
store_mirror_expunge(struct store_mirror *m, const char *folder,
    const uint32_t *uids, size_t n)
{
	sqlite3_stmt		*stmt = NULL;
	enum store_status	 status;
	sqlite3_int64		 id;
	size_t			 i;

	if ((status = mirror_begin(m, __func__)) != STORE_OK)
		return status;
	if ((status = mirror_folder_id(m, __func__, folder, &id, NULL)) !=
	    STORE_OK)
		goto out;
	if (n != 0 && (stmt = mirror_stmt(m, SQL_EXPUNGE, __func__)) == NULL) {
		status = STORE_ERROR;
		goto out;
	}
	for (i = 0; i < n; i++) {
		sqlite3_bind_int64(stmt, 1, id);
		sqlite3_bind_int64(stmt, 2, uids[i]);
		if (sqlite3_step(stmt) != SQLITE_DONE) {
			status = mirror_fail(m, __func__);
			goto out;
		}
		sqlite3_reset(stmt);
	}
	status = mirror_commit(m, __func__);

out:
	mirror_done(m, SQL_EXPUNGE, stmt);
	if (status != STORE_OK)
		mirror_rollback(m);
	return status;
}

enum store_status
store_mirror_uids(struct store_mirror *m, const char *folder, uint32_t **uids,
    size_t *n)
{
	sqlite3_stmt		*stmt;
	enum store_status	 status = STORE_OK;
	sqlite3_int64		 id;
	uint32_t		*list = NULL;
	size_t			 count = 0, size = 0;
	int			 rc;

	*uids = NULL;
	*n = 0;
	if ((status = mirror_folder_id(m, __func__, folder, &id, NULL)) !=
	    STORE_OK)
		return status;
	if ((stmt = mirror_stmt(m, SQL_UIDS, __func__)) == NULL)
		return STORE_ERROR;
	sqlite3_bind_int64(stmt, 1, id);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		if (count == size) {
			size = size == 0 ? 256 : size * 2;
			list = xreallocarray(list, size, sizeof *list);
		}
		list[count++] = sqlite3_column_int64(stmt, 0);
	}
	if (rc != SQLITE_DONE) {
		status = mirror_fail(m, __func__);
		free(list);
	} else {
		*uids = list;
		*n = count;
	}
	mirror_done(m, SQL_UIDS, stmt);
	return status;
}

enum store_status
store_mirror_messages_each(struct store_mirror *m, const char *folder,
    uint32_t before_uid, size_t limit, store_mirror_message_cb cb, void *arg)
{
	sqlite3_stmt		*stmt;
	struct store_message	 msg;
	enum store_status	 status = STORE_OK;
	sqlite3_int64		 id;
	int			 rc;

	if ((status = mirror_folder_id(m, __func__, folder, &id, NULL)) !=
	    STORE_OK)
		return status;
	if ((stmt = mirror_stmt(m, SQL_MESSAGES_EACH, __func__)) == NULL)
		return STORE_ERROR;
	sqlite3_bind_int64(stmt, 1, id);
	sqlite3_bind_int64(stmt, 2, before_uid != 0 ? before_uid :
	    MIRROR_UID_TOP);
	/* A negative LIMIT is no limit in SQLite. */
	if (limit == 0 || (uint64_t)limit > INT64_MAX)
		sqlite3_bind_int64(stmt, 3, -1);
	else
		sqlite3_bind_int64(stmt, 3, (sqlite3_int64)limit);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		memset(&msg, 0, sizeof msg);
		mirror_message_row(stmt, &msg);
		if (cb(&msg, arg) != 0)
			break;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		status = mirror_fail(m, __func__);
	mirror_done(m, SQL_MESSAGES_EACH, stmt);
	return status;
}

enum store_status
store_mirror_count(struct store_mirror *m, const char *folder,
    uint32_t *total, uint32_t *unseen)
{
	sqlite3_stmt		*stmt;
	enum store_status	 status = STORE_OK;
	sqlite3_int64		 id;

	if ((status = mirror_folder_id(m, __func__, folder, &id, NULL)) !=
	    STORE_OK)
		return status;
	if ((stmt = mirror_stmt(m, SQL_MESSAGE_COUNT, __func__)) == NULL)
		return STORE_ERROR;
	sqlite3_bind_int64(stmt, 1, id);
	if (sqlite3_step(stmt) == SQLITE_ROW) {
		if (total != NULL)
			*total = sqlite3_column_int64(stmt, 0);
		if (unseen != NULL)
			*unseen = sqlite3_column_int64(stmt, 1);
	} else
		status = mirror_fail(m, __func__);
	mirror_done(m, SQL_MESSAGE_COUNT, stmt);
	return status;
}

enum store_status
store_mirror_biggest(struct store_mirror *m, size_t limit,
    store_mirror_big_cb cb, void *arg)
{
	sqlite3_stmt		*stmt;
	struct store_message	 msg;
	enum store_status	 status = STORE_OK;
	int			 rc;

	if ((stmt = mirror_stmt(m, SQL_BIGGEST, __func__)) == NULL)
		return STORE_ERROR;
	if (limit == 0 || (uint64_t)limit > INT64_MAX)
		sqlite3_bind_int64(stmt, 1, -1);
	else
		sqlite3_bind_int64(stmt, 1, (sqlite3_int64)limit);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		memset(&msg, 0, sizeof msg);
		mirror_message_row(stmt, &msg);
		if (cb((const char *)sqlite3_column_text(stmt, 16), &msg,
		    arg) != 0)
			break;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		status = mirror_fail(m, __func__);
	mirror_done(m, SQL_BIGGEST, stmt);
	return status;
}

sqlite3 *
store_mirror_db(struct store_mirror *m)
{
	return m->db;
}

enum store_status
store_mirror_db_fail(struct store_mirror *m, const char *what,
    const char *message)
{
	if (message == NULL)
		return mirror_fail(m, what);
	free(m->error);
	m->error = xasprintf("%s: %s", m->path, message);
	log_warn("%s: %s", what, m->error);
	return STORE_ERROR;
}

enum store_status
store_mirror_db_begin(struct store_mirror *m, const char *what)
{
	return mirror_begin(m, what);
}

enum store_status
store_mirror_db_commit(struct store_mirror *m, const char *what)
{
	return mirror_commit(m, what);
}

void
store_mirror_db_rollback(struct store_mirror *m)
{
	mirror_rollback(m);
}

enum store_status
store_mirror_db_folder_id(struct store_mirror *m, const char *what,
    const char *name, int64_t *id)
{
	sqlite3_int64		 value;
	enum store_status	 status;

	if ((status = mirror_folder_id(m, what, name, &value, NULL)) ==
	    STORE_OK)
		*id = value;
	return status;
}

void
store_folder_clear(struct store_folder *f)
{
	if (f == NULL)
		return;
	free(f->name);
	memset(f, 0, sizeof *f);
}

void
store_message_clear(struct store_message *msg)
{
	if (msg == NULL)
		return;
	free(msg->keywords);
	free(msg->subject);
	free(msg->from);
	free(msg->to);
	free(msg->cc);
	free(msg->message_id);
	free(msg->in_reply_to);
	free(msg->references);
	free(msg->bodystructure);
	memset(msg, 0, sizeof *msg);
}
