/* pop3-state: unlike the IMAP mirror this database is not a cache: it is
 * what stops a message being downloaded twice and what allows DELE, so it
 * is private, versioned, and every commit is durable (synchronous = FULL)
 * before the caller acts on it. One process at a time: an flock. */
#include "auto-config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "intl.h"
#include "log.h"
#include "paths.h"
#include "pop3-state.h"
#include "xmalloc.h"

/* Marks the database as skua's POP3 state (PRAGMA application_id): "skp3". */
#define POP3_STATE_APPLICATION_ID	0x736b7033
#define POP3_STATE_BUSY_TIMEOUT		5000	/* ms, for SQLite's own lock */
/* How long to wait for the account's lock: a download killed a moment ago
 * may still be exiting. */
#define POP3_STATE_LOCK_WAIT		10000	/* ms */

/* Step i takes the schema from version i to i + 1; never edit a step. */
static const char *pop3_state_migrations[] = {
	/* 1: downloaded messages and the journal of downloads under way. */
	"CREATE TABLE message (\n"
	"  uidl TEXT PRIMARY KEY,\n"
	"  file TEXT NOT NULL,\n"
	"  delivered INTEGER NOT NULL,\n"
	"  size INTEGER NOT NULL,\n"
	"  sha256 TEXT NOT NULL\n"
	") WITHOUT ROWID;\n"
	"CREATE TABLE pending (\n"
	"  uidl TEXT PRIMARY KEY,\n"
	"  file TEXT NOT NULL,\n"
	"  started INTEGER NOT NULL\n"
	") WITHOUT ROWID;\n",
};
#define POP3_STATE_VERSION \
	((int)(sizeof pop3_state_migrations / sizeof pop3_state_migrations[0]))

struct pop3_state {
	sqlite3	*db;
	char	*path;
	int	 lock_fd;
};

static enum pop3_state_status
pop3_state_fail(struct pop3_state *st, const char *doing, char **error)
{
	*error = xasprintf("%s: %s: %s", st->path, doing,
	    sqlite3_errmsg(st->db));
	log_warn("%s: %s", __func__, *error);
	if (!sqlite3_get_autocommit(st->db))
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
	return POP3_STATE_ERROR;
}

static int
pop3_state_integer(sqlite3 *db, const char *sql, sqlite3_int64 *out)
{
	sqlite3_stmt	*stmt;
	int		 rc;

	if ((rc = sqlite3_prepare_v2(db, sql, -1, &stmt, NULL)) != SQLITE_OK)
		return rc;
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW) {
		*out = sqlite3_column_int64(stmt, 0);
		rc = SQLITE_OK;
	}
	sqlite3_finalize(stmt);
	return rc;
}

/* Take dir/pop3.lock, waiting a little for a process that is ending. */
static enum pop3_state_status
pop3_state_lock(const char *dir, int *out, char **error)
{
	struct timespec	 pause = { 0, 50 * 1000 * 1000 };
	char		*path;
	int		 fd, waited;

	path = xasprintf("%s/pop3.lock", dir);
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd == -1) {
		*error = xasprintf("%s: %s", path, strerror(errno));
		free(path);
		return POP3_STATE_ERROR;
	}
	for (waited = 0; flock(fd, LOCK_EX | LOCK_NB) == -1; waited += 50) {
		if ((errno != EWOULDBLOCK && errno != EINTR) ||
		    waited >= POP3_STATE_LOCK_WAIT) {
			*error = errno == EWOULDBLOCK ? xasprintf(_("%s: another "
			    "skua is downloading this account's mail"), path) :
			    xasprintf("%s: %s", path, strerror(errno));
			close(fd);
			free(path);
			return errno == EWOULDBLOCK ? POP3_STATE_BUSY :
			    POP3_STATE_ERROR;
		}
		nanosleep(&pause, NULL);
	}
	free(path);
	*out = fd;
	return POP3_STATE_OK;
}

/* Check the file is ours, then bring the schema up to date in one
 * transaction. */
static enum pop3_state_status
pop3_state_setup(struct pop3_state *st, char **error)
{
	sqlite3_int64	 application_id, version, objects;
	char		*sql;
	int		 i, rc;

	sqlite3_busy_timeout(st->db, POP3_STATE_BUSY_TIMEOUT);
	if (pop3_state_integer(st->db, "PRAGMA application_id",
	    &application_id) != SQLITE_OK ||
	    pop3_state_integer(st->db, "PRAGMA user_version", &version) !=
	    SQLITE_OK ||
	    pop3_state_integer(st->db, "SELECT count(*) FROM sqlite_master",
	    &objects) != SQLITE_OK)
		return pop3_state_fail(st, _("reading"), error);
	if (application_id != POP3_STATE_APPLICATION_ID &&
	    (application_id != 0 || version != 0 || objects != 0)) {
		*error = xasprintf(_("%s: not a skua POP3 state database"),
		    st->path);
		return POP3_STATE_ERROR;
	}
	if (version > POP3_STATE_VERSION) {
		*error = xasprintf(_("%s: made by a newer skua (schema version "
		    "%lld, this one knows %d)"), st->path, (long long)version,
		    POP3_STATE_VERSION);
		return POP3_STATE_ERROR;
	}
	/* WAL where the file system allows it; either way every commit
	 * reaches the disk before it returns. */
	if (sqlite3_exec(st->db, "PRAGMA journal_mode = WAL", NULL, NULL,
	    NULL) != SQLITE_OK ||
	    sqlite3_exec(st->db, "PRAGMA synchronous = FULL", NULL, NULL,
	    NULL) != SQLITE_OK)
		return pop3_state_fail(st, _("setting up"), error);
	if (version == POP3_STATE_VERSION)
		return POP3_STATE_OK;
	if (sqlite3_exec(st->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) !=
	    SQLITE_OK)
		return pop3_state_fail(st, _("updating the schema"), error);
	for (i = version; i < POP3_STATE_VERSION; i++) {
		if (sqlite3_exec(st->db, pop3_state_migrations[i], NULL, NULL,
		    NULL) != SQLITE_OK)
			return pop3_state_fail(st, _("updating the schema"),
			    error);
	}
	sql = xasprintf("PRAGMA user_version = %d; PRAGMA application_id = %d",
	    POP3_STATE_VERSION, POP3_STATE_APPLICATION_ID);
	rc = sqlite3_exec(st->db, sql, NULL, NULL, NULL);
	free(sql);
	if (rc != SQLITE_OK ||
	    sqlite3_exec(st->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		return pop3_state_fail(st, _("updating the schema"), error);
	return POP3_STATE_OK;
}

enum pop3_state_status
pop3_state_open(const char *dir, struct pop3_state **out, char **error)
{
	struct pop3_state	*st;
	enum pop3_state_status	 status;
	int			 fd;

	*out = NULL;
	if (paths_mkdir_p(dir, 0700, error) != PATHS_OK)
		return POP3_STATE_ERROR;
	if ((status = pop3_state_lock(dir, &fd, error)) != POP3_STATE_OK)
		return status;
	st = xcalloc(1, sizeof *st);
	st->lock_fd = fd;
	st->path = xasprintf("%s/pop3.db", dir);
	/* Private from the start: -wal and -shm take its permissions. */
	if ((fd = open(st->path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600)) == -1) {
		*error = xasprintf("%s: %s", st->path, strerror(errno));
		pop3_state_close(st);
		return POP3_STATE_ERROR;
	}
	close(fd);
	if (sqlite3_open_v2(st->path, &st->db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		*error = xasprintf("%s: %s", st->path, st->db != NULL ?
		    sqlite3_errmsg(st->db) : strerror(ENOMEM));
		pop3_state_close(st);
		return POP3_STATE_ERROR;
	}
	if (pop3_state_setup(st, error) != POP3_STATE_OK) {
		pop3_state_close(st);
		return POP3_STATE_ERROR;
	}
	log_debug("%s: %s", __func__, st->path);
	*out = st;
	return POP3_STATE_OK;
}

void
pop3_state_close(struct pop3_state *st)
{
	if (st == NULL)
		return;
	if (st->db != NULL && sqlite3_close(st->db) != SQLITE_OK)
		log_warn("%s: %s: %s", __func__, st->path,
		    sqlite3_errmsg(st->db));
	if (st->lock_fd != -1)
		close(st->lock_fd);	/* releases the lock */
	free(st->path);
	free(st);
}

/* Run sql once per record, in one transaction. */
static enum pop3_state_status
pop3_state_each_row(struct pop3_state *st, const char *sql,
    const struct pop3_state_record *r, size_t n, int with_message,
    const char *doing, char **error)
{
	sqlite3_stmt	*insert = NULL, *drop = NULL;
	size_t		 i;

	if (sqlite3_exec(st->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) !=
	    SQLITE_OK ||
	    sqlite3_prepare_v2(st->db, sql, -1, &insert, NULL) != SQLITE_OK ||
	    (with_message && sqlite3_prepare_v2(st->db,
	    "DELETE FROM pending WHERE uidl = ?1", -1, &drop, NULL) !=
	    SQLITE_OK))
		goto fail;
	for (i = 0; i < n; i++) {
		sqlite3_bind_text(insert, 1, r[i].uidl, -1, SQLITE_STATIC);
		sqlite3_bind_text(insert, 2, r[i].file, -1, SQLITE_STATIC);
		sqlite3_bind_int64(insert, 3, r[i].delivered);
		if (with_message) {
			sqlite3_bind_int64(insert, 4, (sqlite3_int64)r[i].size);
			sqlite3_bind_text(insert, 5, r[i].sha256, -1,
			    SQLITE_STATIC);
		}
		if (sqlite3_step(insert) != SQLITE_DONE)
			goto fail;
		sqlite3_reset(insert);
		if (drop != NULL) {
			sqlite3_bind_text(drop, 1, r[i].uidl, -1,
			    SQLITE_STATIC);
			if (sqlite3_step(drop) != SQLITE_DONE)
				goto fail;
			sqlite3_reset(drop);
		}
	}
	sqlite3_finalize(insert);
	sqlite3_finalize(drop);
	if (sqlite3_exec(st->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		return pop3_state_fail(st, doing, error);
	return POP3_STATE_OK;

fail:
	pop3_state_fail(st, doing, error);
	sqlite3_finalize(insert);
	sqlite3_finalize(drop);
	return POP3_STATE_ERROR;
}

enum pop3_state_status
pop3_state_pending_add(struct pop3_state *st,
    const struct pop3_state_record *r, size_t n, char **error)
{
	if (n == 0)
		return POP3_STATE_OK;
	return pop3_state_each_row(st, "INSERT OR REPLACE INTO pending "
	    "(uidl, file, started) VALUES (?1, ?2, ?3)", r, n, 0,
	    _("writing the download journal"), error);
}

enum pop3_state_status
pop3_state_record(struct pop3_state *st, const struct pop3_state_record *r,
    size_t n, char **error)
{
	if (n == 0)
		return POP3_STATE_OK;
	return pop3_state_each_row(st, "INSERT OR REPLACE INTO message "
	    "(uidl, file, delivered, size, sha256) VALUES (?1, ?2, ?3, ?4, ?5)",
	    r, n, 1, _("recording downloaded messages"), error);
}

enum pop3_state_status
pop3_state_pending_drop(struct pop3_state *st, const char *uidl,
    char **error)
{
	sqlite3_stmt	*stmt;
	int		 rc;

	if (sqlite3_prepare_v2(st->db, "DELETE FROM pending WHERE uidl = ?1",
	    -1, &stmt, NULL) != SQLITE_OK)
		return pop3_state_fail(st, _("writing the download journal"),
		    error);
	sqlite3_bind_text(stmt, 1, uidl, -1, SQLITE_STATIC);
	rc = sqlite3_step(stmt);
	sqlite3_finalize(stmt);
	if (rc != SQLITE_DONE)
		return pop3_state_fail(st, _("writing the download journal"),
		    error);
	return POP3_STATE_OK;
}

static char *
pop3_state_column(sqlite3_stmt *stmt, int i)
{
	const unsigned char	*s = sqlite3_column_text(stmt, i);

	return xstrdup(s != NULL ? (const char *)s : "");
}

/* Read rows of (uidl, file, time[, size, sha256]). */
static enum pop3_state_status
pop3_state_select(struct pop3_state *st, const char *sql, int with_message,
    struct pop3_state_record **out, size_t *nout, char **error)
{
	struct pop3_state_record	*r = NULL, *row;
	sqlite3_stmt			*stmt;
	const unsigned char		*hash;
	size_t				 n = 0, size = 0;
	int				 rc;

	*out = NULL;
	*nout = 0;
	if (sqlite3_prepare_v2(st->db, sql, -1, &stmt, NULL) != SQLITE_OK)
		return pop3_state_fail(st, _("reading"), error);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		if (n == size) {
			size = size * 2 + 64;
			r = xreallocarray(r, size, sizeof *r);
		}
		row = &r[n++];
		memset(row, 0, sizeof *row);
		row->uidl = pop3_state_column(stmt, 0);
		row->file = pop3_state_column(stmt, 1);
		row->delivered = sqlite3_column_int64(stmt, 2);
		if (with_message) {
			row->size = (uint64_t)sqlite3_column_int64(stmt, 3);
			hash = sqlite3_column_text(stmt, 4);
			if (hash != NULL)
				strncpy(row->sha256, (const char *)hash,
				    sizeof row->sha256 - 1);
		}
	}
	sqlite3_finalize(stmt);
	if (rc != SQLITE_DONE) {
		pop3_state_records_free(r, n);
		return pop3_state_fail(st, _("reading"), error);
	}
	*out = r;
	*nout = n;
	return POP3_STATE_OK;
}

enum pop3_state_status
pop3_state_pending(struct pop3_state *st, struct pop3_state_record **out,
    size_t *n, char **error)
{
	return pop3_state_select(st, "SELECT uidl, file, started FROM pending",
	    0, out, n, error);
}

enum pop3_state_status
pop3_state_records(struct pop3_state *st, struct pop3_state_record **out,
    size_t *n, char **error)
{
	/* BINARY collation compares like strcmp: pop3_state_find relies on
	 * it. */
	return pop3_state_select(st, "SELECT uidl, file, delivered, size, "
	    "sha256 FROM message ORDER BY uidl COLLATE BINARY", 1, out, n,
	    error);
}

const struct pop3_state_record *
pop3_state_find(const struct pop3_state_record *r, size_t n, const char *uidl)
{
	size_t	lo = 0, hi = n, mid;
	int	c;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if ((c = strcmp(uidl, r[mid].uidl)) == 0)
			return &r[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

enum pop3_state_status
pop3_state_forget(struct pop3_state *st, const char * const *uidls, size_t n,
    char **error)
{
	sqlite3_stmt	*stmt = NULL;
	size_t		 i;

	if (n == 0)
		return POP3_STATE_OK;
	if (sqlite3_exec(st->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) !=
	    SQLITE_OK || sqlite3_prepare_v2(st->db, "DELETE FROM message "
	    "WHERE uidl = ?1", -1, &stmt, NULL) != SQLITE_OK)
		goto fail;
	for (i = 0; i < n; i++) {
		sqlite3_bind_text(stmt, 1, uidls[i], -1, SQLITE_STATIC);
		if (sqlite3_step(stmt) != SQLITE_DONE)
			goto fail;
		sqlite3_reset(stmt);
	}
	sqlite3_finalize(stmt);
	if (sqlite3_exec(st->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		return pop3_state_fail(st, _("forgetting messages"), error);
	return POP3_STATE_OK;

fail:
	pop3_state_fail(st, _("forgetting messages"), error);
	sqlite3_finalize(stmt);
	return POP3_STATE_ERROR;
}

void
pop3_state_records_free(struct pop3_state_record *r, size_t n)
{
	size_t	i;

	for (i = 0; r != NULL && i < n; i++) {
		free(r[i].uidl);
		free(r[i].file);
	}
	free(r);
}
