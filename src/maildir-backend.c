/* maildir-backend: the local store as struct backend operations. A folder
 * opens from the cache at once, then a scan of its directories sends what
 * changed, as an IMAP folder opens from the mirror and then resyncs; a
 * file is parsed once, when first seen, newest first so the first screen
 * comes early. UIDs are the cache's, per folder, never reused. */
#include "auto-config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <libetpan/libetpan.h>

#include "backend.h"
#include "config.h"
#include "intl.h"
#include "log.h"
#include "maildir-backend.h"
#include "maildir-cache.h"
#include "maildir-notmuch.h"
#include "maildir.h"
#include "mime-decode.h"
#include "mime-header.h"
#include "mime-message.h"
#include "mime-sanitize.h"
#include "mime-structure.h"
#include "msg.h"
#include "paths.h"
#include "render.h"
#include "summary.h"
#include "xmalloc.h"

/* Rows per MSG_EV_ROWS event, as IMAP sends them. */
#define MAILDIR_BACKEND_BATCH		500
/* A file up to this size is parsed whole for its row; a larger one by
 * its first MAILDIR_BACKEND_HEAD bytes (the headers are what the row
 * needs; its structure then lacks the end). */
#define MAILDIR_BACKEND_MAX_SUMMARY	(64u * 1024 * 1024)
#define MAILDIR_BACKEND_HEAD		(1024u * 1024)
/* Largest message read to show or save a part of it. */
#define MAILDIR_BACKEND_MAX_FILE	((size_t)1024 * 1024 * 1024)
/* notmuch: rows per write session, rows given to one indexer process
 * (each reported in two lines of at most 7 bytes, within a pipe's 64
 * KiB), and the pause after notmuch failed. */
#define MAILDIR_BACKEND_INDEX_BATCH	200
#define MAILDIR_BACKEND_INDEXER_ROWS	4000
#define MAILDIR_BACKEND_INDEX_RETRY	300

/* A row notmuch does not have in its present form. */
struct maildir_backend_pending {
	char		*folder;
	uint32_t	 uid;
	uint32_t	 flags;
	char		*file;
	char		*indexed;
};

struct maildir_backend_pendings {
	struct maildir_backend_pending	*p;
	size_t				 n;
};

struct maildir_backend {
	const struct config_account	*account;
	struct maildir			*store;
	struct maildir_cache		*cache;
	char				**forget;	/* notmuch drops them */
	size_t				  nforget;
	pid_t				  indexer;	/* running, or 0 */
	int				  indexer_fd;	/* what it says */
	char				  indexer_buf[256];
	size_t				  indexer_have;
	long				  indexer_last;	/* last "P" */
	long				  indexer_recorded; /* last "D" */
	struct maildir_backend_pendings	  indexing;	/* what it does */
	time_t				  notmuch_retry;
	void				 *companion;
	void				(*companion_free)(void *);
};

static void	maildir_backend_index_done(struct maildir_backend *, int);
static void	maildir_backend_index_read(struct maildir_backend *);
static void	maildir_backend_pendings_clear(
		    struct maildir_backend_pendings *);

/* A file a scan found that needs parsing. */
struct maildir_backend_change {
	const struct maildir_entry	*entry;
	uint32_t			 uid;	/* 0: a new file */
};

char *
maildir_backend_store_path(const struct config_account *a)
{
	const char	*home = getenv("HOME");
	char		*data, *path;

	if (a->maildir != NULL && *a->maildir != '\0') {
		if (a->maildir[0] == '~' && (a->maildir[1] == '/' ||
		    a->maildir[1] == '\0') && home != NULL && *home != '\0')
			return xasprintf("%s%s", home, a->maildir + 1);
		return xstrdup(a->maildir);
	}
	data = paths_data_dir();
	path = xasprintf("%s/%s/mail", data, a->name);
	free(data);
	return path;
}

enum backend_status
maildir_backend_open(struct backend_ctx *ctx, const struct config_account *a,
    void **state, char **error)
{
	struct maildir_backend	*b;
	char			*root, *cache, *dir, *path, *why = NULL;

	root = maildir_backend_store_path(a);
	b = xcalloc(1, sizeof *b);
	b->account = a;
	b->indexer_fd = -1;
	if (maildir_open(root, &b->store, &why) != MAILDIR_OK) {
		*error = xasprintf(_("the local store %s: %s"), root, why);
		free(why);
		free(root);
		free(b);
		return BACKEND_ERROR;
	}
	free(root);
	cache = paths_cache_dir();
	dir = xasprintf("%s/%s", cache, a->name);
	free(cache);
	if (paths_mkdir_p(dir, 0700, error) != PATHS_OK) {
		free(dir);
		maildir_close(b->store);
		free(b);
		return BACKEND_ERROR;
	}
	path = xasprintf("%s/maildir.db", dir);
	free(dir);
	if (maildir_cache_open(path, &b->cache, &why) != MAILDIR_CACHE_OK) {
		*error = why;
		free(path);
		maildir_close(b->store);
		free(b);
		return BACKEND_ERROR;
	}
	free(path);
	log_debug("%s: %s: store %s", __func__, a->name,
	    maildir_root(b->store));
	*state = b;
	(void)ctx;
	return BACKEND_OK;
}

void
maildir_backend_close(void *state)
{
	struct maildir_backend	*b = state;
	size_t			 i;
	int			 status;

	if (b == NULL)
		return;
	if (b->companion_free != NULL)
		b->companion_free(b->companion);
	/* A running indexer finishes on its own; what it did by now is
	 * recorded, the rest the next worker finds notmuch has. */
	if (b->indexer > 0 && waitpid(b->indexer, &status, WNOHANG) ==
	    b->indexer)
		maildir_backend_index_done(b, status);
	if (b->indexer_fd != -1) {
		maildir_backend_index_read(b);
		close(b->indexer_fd);
	}
	maildir_backend_pendings_clear(&b->indexing);
	maildir_cache_close(b->cache);
	maildir_close(b->store);
	for (i = 0; i < b->nforget; i++)
		free(b->forget[i]);
	free(b->forget);
	free(b);
}

const struct config_account *
maildir_backend_account(void *state)
{
	return ((struct maildir_backend *)state)->account;
}

struct maildir *
maildir_backend_store(void *state)
{
	return ((struct maildir_backend *)state)->store;
}

void
maildir_backend_attach(void *state, void *companion, void (*free_cb)(void *))
{
	struct maildir_backend	*b = state;

	if (b->companion_free != NULL && b->companion != companion)
		b->companion_free(b->companion);
	b->companion = companion;
	b->companion_free = free_cb;
}

void *
maildir_backend_companion(void *state)
{
	return ((struct maildir_backend *)state)->companion;
}

/* --- events ---------------------------------------------------------- */

static void
maildir_backend_emit_rows(struct backend_ctx *ctx,
    const struct store_message *rows, size_t n)
{
	struct msg	*m;
	size_t		 i;

	if (n == 0)
		return;
	m = msg_new(MSG_EV_ROWS, 0);
	msg_add_u32(m, (uint32_t)n);
	for (i = 0; i < n; i++)
		summary_write(m, &rows[i]);
	backend_emit(ctx, m);
}

/* MSG_EV_FLAGS or MSG_EV_VANISHED for n uids (flags: NULL for gone). */
static void
maildir_backend_emit_uids(struct backend_ctx *ctx, const uint32_t *uids,
    const uint32_t *flags, size_t n)
{
	struct msg	*m;
	size_t		 i;

	if (n == 0)
		return;
	m = msg_new(flags != NULL ? MSG_EV_FLAGS : MSG_EV_VANISHED, 0);
	msg_add_u32(m, (uint32_t)n);
	for (i = 0; i < n; i++) {
		msg_add_u32(m, uids[i]);
		if (flags != NULL)
			msg_add_u32(m, flags[i]);
	}
	backend_emit(ctx, m);
}

/* Rows the cache has, newest first, in batches. */
struct maildir_backend_rows {
	struct backend_ctx	*ctx;
	struct store_message	*buf;
	size_t			 n;
};

static void
maildir_backend_rows_flush(struct maildir_backend_rows *r)
{
	maildir_backend_emit_rows(r->ctx, r->buf, r->n);
	while (r->n > 0)
		store_message_clear(&r->buf[--r->n]);
}

/* Move a row's summary into the batch (the row keeps the rest). */
static void
maildir_backend_rows_take(struct maildir_backend_rows *r,
    struct maildir_cache_row *row)
{
	if (r->buf == NULL)
		r->buf = xcalloc(MAILDIR_BACKEND_BATCH, sizeof *r->buf);
	r->buf[r->n++] = row->m;
	memset(&row->m, 0, sizeof row->m);
	if (r->n == MAILDIR_BACKEND_BATCH)
		maildir_backend_rows_flush(r);
}

static int
maildir_backend_cached_row(const struct maildir_cache_row *row, void *arg)
{
	struct maildir_backend_rows	*r = arg;
	struct maildir_cache_row	 copy;

	memset(&copy, 0, sizeof copy);
	copy.m = row->m;
	copy.m.subject = row->m.subject ? xstrdup(row->m.subject) : NULL;
	copy.m.from = row->m.from ? xstrdup(row->m.from) : NULL;
	copy.m.message_id = row->m.message_id ?
	    xstrdup(row->m.message_id) : NULL;
	copy.m.in_reply_to = row->m.in_reply_to ?
	    xstrdup(row->m.in_reply_to) : NULL;
	copy.m.references = row->m.references ?
	    xstrdup(row->m.references) : NULL;
	/* The index needs no structure: attachments is known. */
	copy.m.to = copy.m.cc = copy.m.bodystructure = copy.m.keywords = NULL;
	maildir_backend_rows_take(r, &copy);
	return 0;
}

/* --- reading a file into a row ---------------------------------------- */

enum maildir_backend_field {
	FIELD_TEXT,
	FIELD_ADDRESSES,
	FIELD_ID,
};

/* A header of the message as one line of safe UTF-8, or NULL. */
static char *
maildir_backend_header(const struct mime_message *m, const char *name,
    enum maildir_backend_field kind)
{
	char	*raw, *decoded, *shown, *start, *end;

	if ((raw = mime_message_header(m, NULL, name)) == NULL)
		return NULL;
	switch (kind) {
	case FIELD_ADDRESSES:
		decoded = mime_header_addresses(raw, strlen(raw), NULL);
		break;
	case FIELD_TEXT:
		decoded = mime_header_decode(raw, strlen(raw), 0, NULL);
		break;
	case FIELD_ID:
	default:
		decoded = xstrdup(raw);
		break;
	}
	free(raw);
	shown = mime_sanitize(decoded, strlen(decoded), 0);
	free(decoded);
	for (start = shown; *start == ' ' || *start == '\t'; start++)
		;
	end = start + strlen(start);
	while (end > start && (end[-1] == ' ' || end[-1] == '\t'))
		*--end = '\0';
	if (*start == '\0') {
		free(shown);
		return NULL;
	}
	memmove(shown, start, strlen(start) + 1);
	return shown;
}

/* The Date header as seconds since the epoch, or 0. */
static int64_t
maildir_backend_date(const struct mime_message *m)
{
	struct mailimf_date_time	*dt = NULL;
	struct tm			 tm;
	char				*v;
	size_t				 indx = 0;
	time_t				 t;
	long				 off;

	if ((v = mime_message_header(m, NULL, "Date")) == NULL)
		return 0;
	if (mailimf_date_time_parse(v, strlen(v), &indx, &dt) !=
	    MAILIMF_NO_ERROR || dt == NULL) {
		free(v);
		return 0;
	}
	free(v);
	memset(&tm, 0, sizeof tm);
	tm.tm_year = dt->dt_year - 1900;
	tm.tm_mon = dt->dt_month - 1;
	tm.tm_mday = dt->dt_day;
	tm.tm_hour = dt->dt_hour;
	tm.tm_min = dt->dt_min;
	tm.tm_sec = dt->dt_sec;
	/* dt_zone is +hhmm written as a number. */
	off = ((long)dt->dt_zone / 100) * 3600 + ((long)dt->dt_zone % 100) * 60;
	mailimf_date_time_free(dt);
	if (off < -86400 || off > 86400 || tm.tm_year < 0 ||
	    tm.tm_year > 8000 || tm.tm_mon < 0 || tm.tm_mon > 11 ||
	    tm.tm_mday < 1 || tm.tm_mday > 31 || tm.tm_hour > 24 ||
	    tm.tm_min > 60 || tm.tm_sec > 61 ||
	    (t = timegm(&tm)) == (time_t)-1)
		return 0;
	return (int64_t)t - off;
}

/*
 * A row for entry e of folder from its file: 0, or -1 when the file is gone
 * (moved since the scan). A file that cannot be read still gets a row,
 * marked not parsed, so the message is not invisible; the next scan tries
 * again.
 */
static int
maildir_backend_summarize(struct maildir_backend *b, const char *folder,
    const struct maildir_entry *e, uint32_t uid, struct maildir_cache_row *r)
{
	enum maildir_status	 status;
	struct mime_message	*m;
	const struct mime_part	*root;
	char			*buf = NULL, *why = NULL;
	size_t			 len = 0;

	memset(r, 0, sizeof *r);
	r->m.uid = uid;
	r->m.flags = e->flags;
	r->m.size = e->size > UINT32_MAX ? UINT32_MAX : (uint32_t)e->size;
	r->m.internal_date = e->mtime;
	r->key = xstrdup(e->key);
	r->file = xstrdup(e->file);
	r->size = e->size;
	r->mtime = e->mtime;
	if (e->size > MAILDIR_BACKEND_MAX_SUMMARY)
		status = maildir_read_head(b->store, folder, e->file,
		    MAILDIR_BACKEND_HEAD, &buf, &len, &why);
	else
		status = maildir_read(b->store, folder, e->file,
		    MAILDIR_BACKEND_MAX_SUMMARY, &buf, &len, &why);
	if (status == MAILDIR_NOT_FOUND) {
		free(why);
		maildir_cache_row_clear(r);
		return -1;
	}
	if (status != MAILDIR_OK) {
		log_warn("%s: %s", __func__, why);
		r->m.subject = xasprintf(_("(this message cannot be read: %s)"),
		    why);
		r->m.attachments = 0;
		free(why);
		return 0;
	}
	m = mime_message_parse(buf, len);
	root = mime_message_root(m);
	r->m.bodystructure = mime_structure_serialize(root);
	r->m.attachments = mime_structure_has_attachments(root);
	r->m.subject = maildir_backend_header(m, "Subject", FIELD_TEXT);
	r->m.from = maildir_backend_header(m, "From", FIELD_ADDRESSES);
	r->m.to = maildir_backend_header(m, "To", FIELD_ADDRESSES);
	r->m.cc = maildir_backend_header(m, "Cc", FIELD_ADDRESSES);
	r->m.message_id = maildir_backend_header(m, "Message-ID", FIELD_ID);
	r->m.in_reply_to = maildir_backend_header(m, "In-Reply-To", FIELD_ID);
	r->m.references = maildir_backend_header(m, "References", FIELD_ID);
	r->m.date = maildir_backend_date(m);
	r->parsed = 1;
	mime_message_free(m);
	free(buf);
	return 0;
}

/* --- scanning ---------------------------------------------------------- */

/* The absolute path of a file for notmuch. */
static char *
maildir_backend_path(struct maildir_backend *b, const char *folder,
    const char *file)
{
	return maildir_file_path(b->store, folder, file);
}

static void
maildir_backend_forget(struct maildir_backend *b, const char *folder,
    const char *file)
{
	char	*path;

	if (file == NULL || (path = maildir_backend_path(b, folder,
	    file)) == NULL)
		return;
	b->forget = xreallocarray(b->forget, b->nforget + 1,
	    sizeof *b->forget);
	b->forget[b->nforget++] = path;
}

/* New files: oldest first, so UIDs follow delivery. */
static int
maildir_backend_change_cmp(const void *pa, const void *pb)
{
	const struct maildir_backend_change	*a = pa, *b = pb;
	const struct maildir_entry		*ea = a->entry, *eb = b->entry;

	if (ea->mtime != eb->mtime)
		return ea->mtime < eb->mtime ? -1 : 1;
	return strcmp(ea->key, eb->key);
}

/* Parse the new and changed files and store and send their rows, newest
 * first, a batch at a time. */
static enum backend_status
maildir_backend_parse(struct maildir_backend *b, struct backend_ctx *ctx,
    const char *folder, struct maildir_backend_change *changes, size_t n,
    int emit, uint32_t *rows_sent, char **error)
{
	struct maildir_backend_rows	 rows;
	struct maildir_cache_row	 row;
	enum backend_status		 status = BACKEND_OK;
	uint32_t			 first = 0, fresh = 0, uid;
	size_t				 i, k, done = 0;
	int				 open_txn = 0;

	if (n == 0)
		return BACKEND_OK;
	for (i = 0; i < n; i++)
		fresh += changes[i].uid == 0;
	if (fresh > 0) {
		qsort(changes, n, sizeof *changes, maildir_backend_change_cmp);
		if (maildir_cache_uids(b->cache, folder, fresh, &first) !=
		    MAILDIR_CACHE_OK) {
			*error = xstrdup(maildir_cache_error(b->cache));
			return BACKEND_ERROR;
		}
		for (i = 0, k = 0; i < n; i++) {
			if (changes[i].uid == 0)
				changes[i].uid = first + (uint32_t)k++;
		}
	}
	memset(&rows, 0, sizeof rows);
	rows.ctx = ctx;
	/* Newest (the highest UIDs, the latest deliveries) first. */
	for (i = n; i-- > 0;) {
		if (!open_txn) {
			if (maildir_cache_begin(b->cache) != MAILDIR_CACHE_OK) {
				*error = xstrdup(maildir_cache_error(b->cache));
				status = BACKEND_ERROR;
				break;
			}
			open_txn = 1;
		}
		if (maildir_backend_summarize(b, folder, changes[i].entry,
		    changes[i].uid, &row) == 0) {
			if (maildir_cache_put(b->cache, folder, &row, &uid) !=
			    MAILDIR_CACHE_OK) {
				*error = xstrdup(maildir_cache_error(b->cache));
				maildir_cache_row_clear(&row);
				status = BACKEND_ERROR;
				break;
			}
			row.m.uid = uid;
			if (emit)
				maildir_backend_rows_take(&rows, &row);
			(*rows_sent)++;
			maildir_cache_row_clear(&row);
		}
		done++;
		if (done % MAILDIR_BACKEND_BATCH == 0 || i == 0) {
			open_txn = 0;
			if (maildir_cache_commit(b->cache) !=
			    MAILDIR_CACHE_OK) {
				*error = xstrdup(maildir_cache_error(b->cache));
				maildir_cache_rollback(b->cache);
				status = BACKEND_ERROR;
				break;
			}
			maildir_backend_rows_flush(&rows);
			backend_progress(ctx, done, n, "messages");
			if (backend_cancelled(ctx)) {
				status = BACKEND_CANCELLED;
				break;
			}
		}
	}
	if (open_txn)
		maildir_cache_rollback(b->cache);
	maildir_backend_rows_flush(&rows);
	free(rows.buf);
	return status;
}

/*
 * Bring the cache of folder in line with its directories and send what
 * changed (when emit): moved or re-flagged files as FLAGS, gone ones as
 * VANISHED, new and rewritten ones as ROWS. rows_sent counts the rows.
 */
static enum backend_status
maildir_backend_refresh(struct maildir_backend *b, struct backend_ctx *ctx,
    const char *folder, int move_new, int emit, uint32_t *rows_sent,
    char **error)
{
	struct maildir_entry		*entries = NULL;
	struct maildir_cache_row	*rows = NULL;
	struct maildir_backend_change	*changes = NULL;
	enum maildir_status		 ms;
	enum backend_status		 status = BACKEND_OK;
	uint32_t			*gone = NULL, *moved = NULL;
	uint32_t			*flags = NULL;
	size_t				 nentries, nrows, i = 0, j = 0;
	size_t				 nchanges = 0, ngone = 0, nmoved = 0;
	char				*why = NULL;
	int				 cmp;

	ms = maildir_scan(b->store, folder, move_new, &entries, &nentries,
	    &why);
	if (ms != MAILDIR_OK) {
		if (ms == MAILDIR_NOT_FOUND)
			maildir_cache_folder_delete(b->cache, folder);
		*error = why;
		return BACKEND_ERROR;
	}
	if (maildir_cache_files(b->cache, folder, &rows, &nrows) !=
	    MAILDIR_CACHE_OK) {
		*error = xstrdup(maildir_cache_error(b->cache));
		maildir_entries_free(entries, nentries);
		return BACKEND_ERROR;
	}
	changes = xreallocarray(NULL, nentries + 1, sizeof *changes);
	gone = xreallocarray(NULL, nrows + 1, sizeof *gone);
	moved = xreallocarray(NULL, nrows + 1, sizeof *moved);
	flags = xreallocarray(NULL, nrows + 1, sizeof *flags);

	/* Both lists are sorted by key: one walk pairs them. */
	if (maildir_cache_begin(b->cache) != MAILDIR_CACHE_OK)
		goto cache_error;
	while (i < nentries || j < nrows) {
		if (i == nentries)
			cmp = 1;
		else if (j == nrows)
			cmp = -1;
		else
			cmp = strcmp(entries[i].key, rows[j].key);
		if (cmp < 0) {
			changes[nchanges].entry = &entries[i++];
			changes[nchanges++].uid = 0;
			continue;
		}
		if (cmp > 0) {
			gone[ngone++] = rows[j].m.uid;
			maildir_backend_forget(b, folder, rows[j].indexed);
			j++;
			continue;
		}
		if (entries[i].size != rows[j].size ||
		    entries[i].mtime != rows[j].mtime || !rows[j].parsed) {
			/* Rewritten in place (or unreadable before): parse
			 * again under the same UID. */
			changes[nchanges].entry = &entries[i];
			changes[nchanges++].uid = rows[j].m.uid;
		} else if (strcmp(entries[i].file, rows[j].file) != 0 ||
		    entries[i].flags != rows[j].m.flags) {
			if (maildir_cache_file_set(b->cache, folder,
			    rows[j].m.uid, entries[i].file, entries[i].flags) !=
			    MAILDIR_CACHE_OK)
				goto cache_error;
			if (entries[i].flags != rows[j].m.flags) {
				moved[nmoved] = rows[j].m.uid;
				flags[nmoved++] = entries[i].flags;
			}
		}
		i++;
		j++;
	}
	if (maildir_cache_remove(b->cache, folder, gone, ngone) !=
	    MAILDIR_CACHE_OK || maildir_cache_commit(b->cache) !=
	    MAILDIR_CACHE_OK)
		goto cache_error;
	if (emit) {
		maildir_backend_emit_uids(ctx, gone, NULL, ngone);
		maildir_backend_emit_uids(ctx, moved, flags, nmoved);
	}
	if (rows_sent != NULL)
		*rows_sent += (uint32_t)nmoved;
	log_debug("%s: %s: %zu files, %zu to read, %zu gone, %zu re-flagged",
	    __func__, folder, nentries, nchanges, ngone, nmoved);
	{
		uint32_t	sent = 0;

		status = maildir_backend_parse(b, ctx, folder, changes,
		    nchanges, emit, &sent, error);
		if (rows_sent != NULL)
			*rows_sent += sent;
	}
	goto out;

cache_error:
	maildir_cache_rollback(b->cache);
	*error = xstrdup(maildir_cache_error(b->cache));
	status = BACKEND_ERROR;
out:
	free(changes);
	free(gone);
	free(moved);
	free(flags);
	maildir_cache_rows_free(rows, nrows);
	maildir_entries_free(entries, nentries);
	return status;
}

/* --- notmuch ------------------------------------------------------------ */

static int
maildir_backend_collect_pending(const char *folder,
    const struct maildir_cache_row *row, void *arg)
{
	struct maildir_backend_pendings	*list = arg;
	struct maildir_backend_pending	*p;

	list->p = xreallocarray(list->p, list->n + 1, sizeof *list->p);
	p = &list->p[list->n++];
	p->folder = xstrdup(folder);
	p->uid = row->m.uid;
	p->flags = row->m.flags;
	p->file = xstrdup(row->file);
	p->indexed = row->indexed != NULL ? xstrdup(row->indexed) : NULL;
	return 0;
}

static void
maildir_backend_pendings_clear(struct maildir_backend_pendings *list)
{
	size_t	i;

	for (i = 0; i < list->n; i++) {
		free(list->p[i].folder);
		free(list->p[i].file);
		free(list->p[i].indexed);
	}
	free(list->p);
	list->p = NULL;
	list->n = 0;
}

/* Bring one row to notmuch: 1 when notmuch has it now (or never will: not
 * mail), 0 when its file is gone (the next scan says where), -1 when
 * notmuch fails. */
static int
maildir_backend_index_one(struct maildir_backend *b,
    struct maildir_notmuch *nm, const struct maildir_backend_pending *p)
{
	enum maildir_notmuch_status	 status;
	char				*path, *old = NULL, *why = NULL;
	int				 rc = 1;

	if ((path = maildir_backend_path(b, p->folder, p->file)) == NULL)
		return 1;
	if (p->indexed != NULL)
		old = maildir_backend_path(b, p->folder, p->indexed);
	if (old != NULL)
		status = maildir_notmuch_rename(nm, old, path, &why);
	else if (maildir_notmuch_has(nm, path))
		status = maildir_notmuch_flags(nm, path, &why);
	else
		status = maildir_notmuch_add(nm, path, &why);
	if (status == MAILDIR_NOTMUCH_ERROR) {
		log_warn("%s: %s", __func__, why);
		free(why);
		/* Not mail, or not readable, is recorded all the same, or
		 * it would be tried again and again. */
		if (access(path, F_OK) == -1 && errno == ENOENT)
			rc = 0;
	}
	free(path);
	free(old);
	return rc;
}

/* A line to the worker: what the indexer is at. Within the pipe's buffer
 * (see MAILDIR_BACKEND_INDEXER_ROWS), so this never waits. */
static int
maildir_backend_index_say(int fd, char what, size_t i)
{
	char	line[32];
	int	len;

	len = snprintf(line, sizeof line, "%c %zu\n", what, i);
	return write(fd, line, (size_t)len) == len ? 0 : -1;
}

/*
 * Work through list in short notmuch write sessions (so another writer,
 * notmuch new or a download, waits a moment at most): the files that went
 * first, then the rows. To fd: "P i" before row i (list index), and once
 * a session is committed "D i" for each row notmuch now has. If notmuch
 * dies on a file (it exits on some internal errors), the worker knows
 * which from the last P. 0, or -1 when notmuch failed.
 */
static int
maildir_backend_index_list(struct maildir_backend *b,
    const struct maildir_backend_pendings *list, int fd)
{
	struct maildir_notmuch	*nm = NULL;
	char			*why = NULL;
	size_t			 i = 0, j, first;
	int			*done, rc = 0;

	done = xcalloc(list->n > 0 ? list->n : 1, sizeof *done);
	while (rc == 0 && (i < list->n || b->nforget > 0)) {
		if (maildir_notmuch_open(maildir_root(b->store), &nm, &why) !=
		    MAILDIR_NOTMUCH_OK) {
			log_warn("%s: %s", __func__, why);
			free(why);
			rc = -1;
			break;
		}
		for (j = 0; j < b->nforget; j++) {
			if (maildir_notmuch_remove(nm, b->forget[j], &why) ==
			    MAILDIR_NOTMUCH_ERROR) {
				log_warn("%s: %s", __func__, why);
				free(why);
				why = NULL;
			}
			free(b->forget[j]);
		}
		b->nforget = 0;
		for (first = i; i < list->n && i < first +
		    MAILDIR_BACKEND_INDEX_BATCH; i++) {
			if (maildir_backend_index_say(fd, 'P', i) != 0 ||
			    (done[i] = maildir_backend_index_one(b, nm,
			    &list->p[i])) < 0) {
				rc = -1;
				break;
			}
		}
		maildir_notmuch_close(nm);
		for (j = first; j < i; j++) {
			if (done[j] > 0 && maildir_backend_index_say(fd, 'D',
			    j) != 0)
				rc = -1;
		}
	}
	free(done);
	return rc;
}

/* Read what the indexer said so far (all of it once it ended): rows it
 * reports done are recorded as in notmuch, as they were when it started. */
static void
maildir_backend_index_read(struct maildir_backend *b)
{
	char		*line, *end;
	ssize_t		 n;
	unsigned long	 k;
	int		 open_txn = 0;

	for (;;) {
		n = read(b->indexer_fd, b->indexer_buf + b->indexer_have,
		    sizeof b->indexer_buf - 1 - b->indexer_have);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		b->indexer_have += (size_t)n;
		b->indexer_buf[b->indexer_have] = '\0';
		for (line = b->indexer_buf; (end = strchr(line, '\n')) !=
		    NULL; line = end + 1) {
			*end = '\0';
			k = strtoul(line + (line[0] != '\0'), NULL, 10);
			if (k >= b->indexing.n)
				continue;
			if (line[0] == 'P') {
				b->indexer_last = (long)k;
				continue;
			}
			if (line[0] != 'D')
				continue;
			b->indexer_recorded = (long)k;
			if (!open_txn)
				open_txn = maildir_cache_begin(b->cache) ==
				    MAILDIR_CACHE_OK;
			maildir_cache_indexed_set(b->cache,
			    b->indexing.p[k].folder, b->indexing.p[k].uid,
			    b->indexing.p[k].file, b->indexing.p[k].flags);
		}
		b->indexer_have = strlen(line);
		memmove(b->indexer_buf, line, b->indexer_have + 1);
	}
	if (open_txn && maildir_cache_commit(b->cache) != MAILDIR_CACHE_OK)
		maildir_cache_rollback(b->cache);
}

/* The indexer ended: record the rest of what it did. One it died on is
 * recorded too, so that it does not stop the others every time. */
static void
maildir_backend_index_done(struct maildir_backend *b, int status)
{
	struct maildir_backend_pending	*p;
	long				 last;

	maildir_backend_index_read(b);
	last = b->indexer_last;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		;
	else if (last >= 0 && last > b->indexer_recorded) {
		p = &b->indexing.p[last];
		log_warn("%s: %s: notmuch failed on %s/%s; it is left out of "
		    "the index", __func__, b->account->name, p->folder,
		    p->file);
		maildir_cache_indexed_set(b->cache, p->folder, p->uid, p->file,
		    p->flags);
	} else {
		log_warn("%s: %s: the notmuch indexer failed; trying again in "
		    "%d s", __func__, b->account->name,
		    MAILDIR_BACKEND_INDEX_RETRY);
		b->notmuch_retry = time(NULL) + MAILDIR_BACKEND_INDEX_RETRY;
	}
	log_debug("%s: %s: the indexer is done (%zu rows given)", __func__,
	    b->account->name, b->indexing.n);
	close(b->indexer_fd);
	b->indexer_fd = -1;
	b->indexer = 0;
	maildir_backend_pendings_clear(&b->indexing);
}

/*
 * Give notmuch what it lacks (files that went, rows it does not have
 * under their present names) in a process of its own, so that reading
 * never waits for indexing and a notmuch that crashes costs nothing else.
 * The indexer touches no SQLite (a connection does not survive fork): it
 * works on a list made here and reports through a pipe; the next request
 * records its work. One indexer at a time: notmuch has one writer.
 */
static void
maildir_backend_index(struct maildir_backend *b, struct backend_ctx *ctx)
{
	int	 status, fds[2];
	pid_t	 pid;

	if (b->indexer > 0) {
		maildir_backend_index_read(b);
		pid = waitpid(b->indexer, &status, WNOHANG);
		if (pid == 0)
			return;		/* still at it */
		if (pid == -1)
			status = 0;	/* reaped elsewhere: use what it said */
		maildir_backend_index_done(b, status);
	}
	if (time(NULL) < b->notmuch_retry)
		return;
	if (maildir_cache_pending(b->cache, MAILDIR_FLAGS,
	    MAILDIR_BACKEND_INDEXER_ROWS, maildir_backend_collect_pending,
	    &b->indexing) != MAILDIR_CACHE_OK)
		return;
	if (b->indexing.n == 0 && b->nforget == 0)
		return;
	if (pipe2(fds, O_CLOEXEC) == -1 || (pid = fork()) == -1) {
		log_warn("%s: %s", __func__, strerror(errno));
		maildir_backend_pendings_clear(&b->indexing);
		b->notmuch_retry = time(NULL) + MAILDIR_BACKEND_INDEX_RETRY;
		return;
	}
	if (pid == 0) {
		/* The UI must see the worker's end of file when the worker
		 * goes, not when this process does: drop the channel. */
		close(backend_interrupt_fd(ctx));
		close(fds[0]);
		status = maildir_backend_index_list(b, &b->indexing, fds[1]);
		_exit(status == 0 ? 0 : 1);
	}
	close(fds[1]);
	/* Read as it goes, never waiting: a worker that ends before its
	 * indexer has recorded what was done by then. */
	fcntl(fds[0], F_SETFL, fcntl(fds[0], F_GETFL) | O_NONBLOCK);
	b->indexer = pid;
	b->indexer_fd = fds[0];
	b->indexer_have = 0;
	b->indexer_last = b->indexer_recorded = -1;
	while (b->nforget > 0)
		free(b->forget[--b->nforget]);	/* the indexer has them */
}

/* --- folders ------------------------------------------------------------- */

enum backend_status
maildir_backend_folder_list(void *state, struct backend_ctx *ctx,
    char **error)
{
	struct maildir_backend	*b = state;
	struct maildir_folder	*folders;
	struct store_folder	 f;
	struct msg		*m;
	char			*why = NULL, *display, *where;
	size_t			 n, i;

	if (maildir_folders(b->store, &folders, &n, &why) != MAILDIR_OK) {
		*error = why;
		return BACKEND_ERROR;
	}
	/* The store is always there: what follows is the whole list, and
	 * folders the interface has from before and this one lacks go. */
	m = msg_new(MSG_EV_STATE, 0);
	msg_add_u32(m, BACKEND_STATE_ONLINE);
	where = paths_tilde(maildir_root(b->store));
	msg_add_str(m, where);
	free(where);
	backend_emit(ctx, m);
	for (i = 0; i < n; i++) {
		memset(&f, 0, sizeof f);
		f.name = folders[i].name;
		f.delimiter = MAILDIR_DELIMITER;
		f.role = folders[i].role;
		f.subscribed = 1;
		f.noselect = folders[i].noselect;
		if (!f.noselect && maildir_count(b->store, f.name, &f.total,
		    &f.unseen, &why) != MAILDIR_OK) {
			log_warn("%s: %s", __func__, why);
			free(why);
			why = NULL;
		}
		/* Directory names are the user's bytes: safe for a screen. */
		display = mime_sanitize(f.name, strlen(f.name), 0);
		m = msg_new(MSG_EV_FOLDER, 0);
		summary_folder_write(m, &f, display);
		backend_emit(ctx, m);
		free(display);
	}
	maildir_folders_free(folders, n);
	maildir_backend_index(b, ctx);
	return BACKEND_OK;
}

enum backend_status
maildir_backend_folder_open(void *state, struct backend_ctx *ctx,
    const char *folder, char **error)
{
	struct maildir_backend		*b = state;
	struct maildir_backend_rows	 rows;
	enum backend_status		 status;
	uint32_t			 total;
	char				*why = NULL;

	if (maildir_count(b->store, folder, &total, NULL, &why) !=
	    MAILDIR_OK) {
		*error = why;
		return BACKEND_ERROR;
	}
	/* What the cache knows at once, then what changed on disk. */
	memset(&rows, 0, sizeof rows);
	rows.ctx = ctx;
	maildir_cache_each(b->cache, folder, 0, 0, maildir_backend_cached_row,
	    &rows);
	maildir_backend_rows_flush(&rows);
	free(rows.buf);
	status = maildir_backend_refresh(b, ctx, folder, 1, 1, NULL, error);
	if (status == BACKEND_OK)
		maildir_backend_index(b, ctx);
	return status;
}

enum backend_status
maildir_backend_sync(void *state, struct backend_ctx *ctx, const char *folder,
    uint32_t flags, char **error)
{
	struct maildir_backend	*b = state;
	struct maildir_folder	*folders;
	enum backend_status	 status = BACKEND_OK;
	uint32_t		 sent = 0;
	char			*why = NULL;
	size_t			 n, i;

	(void)flags;	/* bodies are all local already */
	if (folder != NULL && *folder != '\0') {
		status = maildir_backend_refresh(b, ctx, folder, 0, 1, &sent,
		    error);
	} else {
		if (maildir_folders(b->store, &folders, &n, &why) !=
		    MAILDIR_OK) {
			*error = why;
			return BACKEND_ERROR;
		}
		for (i = 0; i < n && status == BACKEND_OK; i++) {
			if (folders[i].noselect)
				continue;
			backend_progress(ctx, i, n, folders[i].name);
			status = maildir_backend_refresh(b, ctx,
			    folders[i].name, 0, 1, &sent, error);
		}
		maildir_folders_free(folders, n);
		if (status == BACKEND_OK)
			status = maildir_backend_folder_list(b, ctx, error);
	}
	if (status == BACKEND_OK)
		maildir_backend_index(b, ctx);
	log_info("%s: %s: %s: %u new or changed rows", __func__,
	    b->account->name, folder != NULL && *folder != '\0' ? folder :
	    "all folders", sent);
	return status;
}

/* --- messages ----------------------------------------------------------- */

/* The message's row and bytes. A file that moved since the cache saw it
 * (another client set a flag) is found again by a scan. */
static enum backend_status
maildir_backend_message(struct maildir_backend *b, struct backend_ctx *ctx,
    const char *folder, uint32_t uid, struct maildir_cache_row *row,
    char **buf, size_t *len, char **error)
{
	enum maildir_status	 status;
	enum backend_status	 bs;
	char			*why = NULL;
	int			 tries;

	for (tries = 0; tries < 2; tries++) {
		if (maildir_cache_get(b->cache, folder, uid, row) !=
		    MAILDIR_CACHE_OK) {
			*error = xasprintf(_("%s: message %u is not there "
			    "(open the folder again)"), folder, uid);
			return BACKEND_ERROR;
		}
		status = maildir_read(b->store, folder, row->file,
		    MAILDIR_BACKEND_MAX_FILE, buf, len, &why);
		if (status == MAILDIR_OK)
			return BACKEND_OK;
		maildir_cache_row_clear(row);
		if (status != MAILDIR_NOT_FOUND || tries == 1) {
			*error = why;
			return BACKEND_ERROR;
		}
		free(why);
		why = NULL;
		bs = maildir_backend_refresh(b, ctx, folder, 0, 1, NULL, error);
		if (bs != BACKEND_OK)
			return bs;
	}
	return BACKEND_ERROR;
}

/* The message's own headers for the pager's header block, read from the
 * file (so any the pager is set to show can be there). */
static void
maildir_backend_emit_headers(struct backend_ctx *ctx,
    const struct mime_message *mm)
{
	static const struct {
		const char			*name;
		enum maildir_backend_field	 kind;
	} fields[] = {
		{ "From", FIELD_ADDRESSES },
		{ "Sender", FIELD_ADDRESSES },
		{ "Reply-To", FIELD_ADDRESSES },
		{ "To", FIELD_ADDRESSES },
		{ "Cc", FIELD_ADDRESSES },
		{ "Bcc", FIELD_ADDRESSES },
		{ "Subject", FIELD_TEXT },
		{ "Message-ID", FIELD_ID },
		{ "In-Reply-To", FIELD_ID },
		{ "References", FIELD_ID },
		{ "Organization", FIELD_TEXT },
		{ "User-Agent", FIELD_TEXT },
		{ "X-Mailer", FIELD_TEXT },
		{ "List-Id", FIELD_TEXT },
	};
	const size_t	 nfields = sizeof fields / sizeof fields[0];
	char		*values[sizeof fields / sizeof fields[0]];
	struct msg	*m;
	uint32_t	 n = 0;
	size_t		 i;

	for (i = 0; i < nfields; i++) {
		values[i] = maildir_backend_header(mm, fields[i].name,
		    fields[i].kind);
		n += values[i] != NULL;
	}
	m = msg_new(MSG_EV_PART, 0);
	msg_add_u32(m, BACKEND_PART_HEADERS);
	msg_add_u32(m, n);
	for (i = 0; i < nfields; i++) {
		if (values[i] == NULL)
			continue;
		msg_add_str(m, fields[i].name);
		msg_add_str(m, values[i]);
		free(values[i]);
	}
	backend_emit(ctx, m);
}

/* Set a message's flags in its file name, the cache and the interface. */
static void
maildir_backend_flags_set(struct maildir_backend *b, struct backend_ctx *ctx,
    const char *folder, struct maildir_cache_row *row, uint32_t flags)
{
	enum maildir_status	 status;
	char			*file = NULL, *why = NULL;

	status = maildir_flags_set(b->store, folder, row->file, flags, &file,
	    &why);
	if (status != MAILDIR_OK) {
		/* Moved by someone else meanwhile: the next scan finds it;
		 * the flag is not worth failing the request for. */
		log_warn("%s: %s", __func__, why);
		free(why);
		return;
	}
	if (maildir_cache_file_set(b->cache, folder, row->m.uid, file,
	    flags & MAILDIR_FLAGS) != MAILDIR_CACHE_OK)
		log_warn("%s: %s", __func__, maildir_cache_error(b->cache));
	free(file);
	flags &= MAILDIR_FLAGS;
	maildir_backend_emit_uids(ctx, &row->m.uid, &flags, 1);
}

enum backend_status
maildir_backend_part_fetch(void *state, struct backend_ctx *ctx,
    const char *folder, uint32_t uid, const char *section,
    const struct render_opts *ropts, char **error)
{
	struct maildir_backend		*b = state;
	struct maildir_cache_row	 row;
	struct mime_message		*mm;
	const struct mime_part		*root, *part;
	enum backend_status		 status;
	struct msg			*m;
	const char			*raw;
	char				*buf = NULL, *shown, *type;
	size_t				 len = 0, rawlen = 0;
	uint32_t			 notes = 0;

	status = maildir_backend_message(b, ctx, folder, uid, &row, &buf, &len,
	    error);
	if (status != BACKEND_OK)
		return status;
	mm = mime_message_parse(buf, len);
	root = mime_message_root(mm);
	notes |= render_message_notes(mm) | render_shape_notes(root);
	if (section == NULL || *section == '\0')
		maildir_backend_emit_headers(ctx, mm);
	mime_structure_attachments(root, backend_emit_attachment, ctx);
	if (section == NULL || *section == '\0')
		part = mime_structure_display(root, ropts->prefer_html);
	else
		part = mime_structure_find(root, section);
	m = msg_new(MSG_EV_PART, 0);
	msg_add_u32(m, BACKEND_PART_TEXT);
	if (part == NULL || mime_message_body(mm, part, &raw, &rawlen) != 0) {
		msg_add_str(m, "");
		msg_add_str(m, "");
		msg_add_u32(m, notes | RENDER_NOTE_NO_TEXT);
		msg_add_str(m, "");
	} else {
		shown = render_part(part, raw, rawlen, ropts, &notes);
		type = xasprintf("%s/%s", part->type, part->subtype);
		msg_add_str(m, part->section);
		msg_add_str(m, type);
		msg_add_u32(m, notes);
		msg_add_str(m, shown);
		free(type);
		free(shown);
	}
	backend_emit(ctx, m);
	mime_message_free(mm);
	free(buf);
	/* Shown: read, as any reader marks it. */
	if (!(row.m.flags & STORE_FLAG_SEEN)) {
		maildir_backend_flags_set(b, ctx, folder, &row,
		    row.m.flags | STORE_FLAG_SEEN);
		maildir_backend_index(b, ctx);
	}
	maildir_cache_row_clear(&row);
	return BACKEND_OK;
}

enum backend_status
maildir_backend_part_save(void *state, struct backend_ctx *ctx,
    const char *folder, uint32_t uid, const char *section, const char *path,
    char **error)
{
	struct maildir_backend		*b = state;
	struct maildir_cache_row	 row;
	struct mime_message		*mm;
	const struct mime_part		*part;
	enum backend_status		 status;
	const char			*raw;
	char				*buf = NULL, *decoded = NULL;
	size_t				 len = 0, rawlen = 0, dlen = 0;

	status = maildir_backend_message(b, ctx, folder, uid, &row, &buf, &len,
	    error);
	if (status != BACKEND_OK)
		return status;
	mm = mime_message_parse(buf, len);
	part = section != NULL ? mime_structure_find(
	    mime_message_root(mm), section) : NULL;
	if (part == NULL || part->nchildren > 0 ||
	    mime_message_body(mm, part, &raw, &rawlen) != 0) {
		*error = xasprintf(_("message %u has no part %s to save"), uid,
		    section != NULL ? section : "");
		status = BACKEND_ERROR;
		goto out;
	}
	backend_progress(ctx, 0, rawlen, "bytes");
	mime_decode_transfer(part->encoding, raw, rawlen, &decoded, &dlen);
	status = backend_write_new(path, decoded, dlen, error);
	if (status == BACKEND_OK) {
		backend_progress(ctx, rawlen, rawlen, "bytes");
		log_info("%s: saved %s/%u part %s (%zu bytes) to %s", __func__,
		    folder, uid, section, dlen, path);
	}
out:
	free(decoded);
	mime_message_free(mm);
	free(buf);
	maildir_cache_row_clear(&row);
	return status;
}
