/* store-mirror-db: the mirror's SQLite connection and helpers, for the store
 * modules that keep tables in the mirror (store-queue); not a public API. */
#ifndef SKUA_STORE_MIRROR_DB_H
#define SKUA_STORE_MIRROR_DB_H

#include <stdint.h>

#include <sqlite3.h>

#include "store-mirror.h"

/* The connection, borrowed for the mirror's life: statements prepared on it
 * are finalized before store_mirror_close() (which cannot close it else). */
sqlite3		*store_mirror_db(struct store_mirror *);
/* Set store_mirror_error() to "path: message" (NULL: SQLite's last
 * message) and log it; returns STORE_ERROR. */
enum store_status store_mirror_db_fail(struct store_mirror *,
		     const char *what, const char *message);
/* Transactions as the mirror runs them: BEGIN IMMEDIATE, COMMIT, and a
 * rollback that does nothing outside a transaction. */
enum store_status store_mirror_db_begin(struct store_mirror *,
		     const char *what);
enum store_status store_mirror_db_commit(struct store_mirror *,
		     const char *what);
void		 store_mirror_db_rollback(struct store_mirror *);
/* A folder's row id; STORE_NOT_FOUND when the mirror has no such folder. */
enum store_status store_mirror_db_folder_id(struct store_mirror *,
		     const char *what, const char *name, int64_t *id);

#endif
