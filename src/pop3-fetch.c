/* pop3-fetch: the order of the durable steps is the whole design (see the
 * header); this file keeps to it and counts. Errors of the server for one
 * message skip it; errors of the connection or of the local store stop,
 * after making durable what was already written. */
#include "auto-config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend.h"
#include "intl.h"
#include "log.h"
#include "pop3-deliver.h"
#include "pop3-fetch.h"
#include "pop3-policy.h"
#include "pop3-session.h"
#include "pop3-state.h"
#include "xmalloc.h"

/* One download in progress, for progress events. */
struct pop3_fetch_meter {
	struct backend_ctx	*ctx;
	uint64_t		 done;		/* bytes of earlier messages */
	uint64_t		 total;
	size_t			 index, count;	/* message i of n */
	char			 what[64];
};

static void
pop3_fetch_progress(uint64_t done, uint64_t total, void *arg)
{
	struct pop3_fetch_meter	*m = arg;

	(void)total;
	if (m->ctx != NULL)
		backend_progress(m->ctx, m->done + done, m->total, m->what);
}

static void
pop3_fetch_meter_next(struct pop3_fetch_meter *m)
{
	m->index++;
	snprintf(m->what, sizeof m->what, _("message %zu of %zu"), m->index,
	    m->count);
	pop3_fetch_progress(0, 0, m);
}

enum pop3_fetch_status
pop3_fetch_recover(struct pop3_state *st, struct pop3_deliver *d,
    struct pop3_fetch_result *result, char **error)
{
	const struct pop3_deliver_file	*f;
	struct pop3_deliver_file	*files = NULL;
	struct pop3_state_record	*pending = NULL, *done;
	enum pop3_fetch_status		 status = POP3_FETCH_ERROR;
	size_t				 npending = 0, nfiles = 0, ndone = 0, i;
	char				*why = NULL;

	if (pop3_state_pending(st, &pending, &npending, error) !=
	    POP3_STATE_OK)
		return POP3_FETCH_ERROR;
	if (npending == 0)
		return POP3_FETCH_OK;
	if (pop3_deliver_scan(d, &files, &nfiles, error) != POP3_DELIVER_OK)
		goto out;
	done = xreallocarray(NULL, npending, sizeof *done);
	for (i = 0; i < npending; i++) {
		if ((f = pop3_deliver_find(files, nfiles,
		    pending[i].file)) == NULL) {
			/* Never reached new/: the server still has it. */
			log_info("%s: %s never arrived; it will be downloaded "
			    "again", __func__, pending[i].uidl);
			pop3_deliver_discard(d, pending[i].file);
			if (pop3_state_pending_drop(st, pending[i].uidl,
			    error) != POP3_STATE_OK) {
				free(done);
				goto out;
			}
			continue;
		}
		/* It arrived: make sure it stays, then record it. */
		log_info("%s: %s arrived as %s before an interruption; "
		    "recording it", __func__, pending[i].uidl, f->path);
		done[ndone] = pending[i];
		done[ndone].sha256[0] = '\0';
		if (pop3_deliver_sync_dir_of(f->path, error) !=
		    POP3_DELIVER_OK) {
			free(done);
			goto out;
		}
		if (pop3_deliver_hash_file(f->path, done[ndone].sha256,
		    &done[ndone].size, &why) != POP3_DELIVER_OK) {
			log_warn("%s: %s", __func__, why);
			free(why);
			why = NULL;
		}
		pop3_deliver_discard(d, pending[i].file);
		ndone++;
	}
	if (pop3_state_record(st, done, ndone, error) == POP3_STATE_OK) {
		result->recovered += ndone;
		status = POP3_FETCH_OK;
	}
	free(done);
out:
	pop3_deliver_files_free(files, nfiles);
	pop3_state_records_free(pending, npending);
	return status;
}

/* The messages the server lists that have no record yet. */
static size_t
pop3_fetch_todo(const struct pop3_session_message *m, size_t n,
    const struct pop3_state_record *records, size_t nrecords,
    size_t **out, uint64_t *bytes)
{
	size_t	i, ntodo = 0, *todo;

	todo = xreallocarray(NULL, n + 1, sizeof *todo);
	*bytes = 0;
	for (i = 0; i < n; i++) {
		if (pop3_state_find(records, nrecords, m[i].uidl) != NULL)
			continue;
		todo[ntodo++] = i;
		*bytes += m[i].size;
	}
	*out = todo;
	return ntodo;
}

/* Keep the first error, log the others. Takes why. */
static void
pop3_fetch_note(char **error, char *why)
{
	if (*error == NULL)
		*error = why;
	else {
		log_warn("pop3_fetch: %s", why);
		free(why);
	}
}

/* What one run knows beyond its arguments. */
struct pop3_fetch_run {
	struct pop3_session		*session;
	struct pop3_state		*state;
	struct pop3_deliver		*deliver;
	struct pop3_fetch_result	*result;
	struct pop3_fetch_meter		 meter;
	int				 dead;		/* the connection */
	int				 stopped;	/* the local store */
	int				 cancelled;
};

/*
 * Steps 1 to 4 of the header for the n messages m[todo[0]], ...
 * Whatever fails, what reached new/ is made durable and recorded before
 * this returns (or stays in the journal for recovery).
 */
static void
pop3_fetch_batch(struct pop3_fetch_run *r,
    const struct pop3_session_message *m, const size_t *todo, size_t n,
    char **error)
{
	struct pop3_state_record	*batch, *done;
	enum pop3_session_status	 ss;
	char				*data, *why = NULL;
	size_t				 i, len, ndone = 0;
	uint64_t			 written, bytes = 0;
	int				 stored;

	batch = xcalloc(n, sizeof *batch);
	done = xcalloc(n, sizeof *done);
	for (i = 0; i < n; i++) {
		batch[i].uidl = m[todo[i]].uidl;
		batch[i].file = pop3_deliver_name();
		batch[i].delivered = pop3_policy_now();
	}
	/* 1: the names, before any file. */
	if (pop3_state_pending_add(r->state, batch, n, &why) !=
	    POP3_STATE_OK) {
		pop3_fetch_note(error, why);
		r->stopped = 1;
		goto out;
	}
	for (i = 0; i < n; i++) {
		const struct pop3_session_message	*msg = &m[todo[i]];

		stored = 0;
		if (r->meter.ctx != NULL && backend_cancelled(r->meter.ctx)) {
			r->cancelled = 1;
		} else if (!r->dead && !r->stopped && !r->cancelled) {
			pop3_fetch_meter_next(&r->meter);
			/* 2: RETR, tmp/, fsync, link into new/. */
			ss = pop3_session_retr(r->session, msg->number, &data,
			    &len, pop3_fetch_progress, &r->meter, &why);
			if (ss == POP3_SESSION_SERVER) {
				pop3_fetch_note(error, xasprintf(_("message %u "
				    "(UIDL %s) was not downloaded: %s"),
				    msg->number, msg->uidl, why));
				free(why);
				why = NULL;
			} else if (ss != POP3_SESSION_OK) {
				pop3_fetch_note(error, why);
				why = NULL;
				r->dead = 1;
				r->cancelled = ss == POP3_SESSION_CANCELLED;
			} else {
				if (pop3_deliver_write(r->deliver,
				    batch[i].file, data, len, batch[i].sha256,
				    &written, &why) == POP3_DELIVER_OK) {
					stored = 1;
					batch[i].size = written;
					batch[i].delivered = pop3_policy_now();
					done[ndone++] = batch[i];
					bytes += len;
				} else {
					pop3_fetch_note(error, why);
					why = NULL;
					r->stopped = 1;
				}
				pop3_session_retr_free(data);
			}
			r->meter.done += msg->size;
		}
		/* No file: its journal row goes (recovery would drop it). */
		if (!stored && !r->stopped &&
		    pop3_state_pending_drop(r->state, batch[i].uidl, &why) !=
		    POP3_STATE_OK) {
			pop3_fetch_note(error, why);
			why = NULL;
			r->stopped = 1;
		}
	}
	if (ndone == 0)
		goto out;
	/* 3 and 4: new/ durable, then the records. Failing, the journal
	 * keeps the rows, and recovery records the files next time. */
	if (pop3_deliver_sync(r->deliver, &why) != POP3_DELIVER_OK ||
	    pop3_state_record(r->state, done, ndone, &why) != POP3_STATE_OK) {
		pop3_fetch_note(error, why);
		r->stopped = 1;
		goto out;
	}
	r->result->messages += ndone;
	r->result->bytes += bytes;
out:
	for (i = 0; i < n; i++)
		free(batch[i].file);
	free(batch);
	free(done);
}

/* Send DELE for each listed message with a record that the policy lets go;
 * their ids in *deleted (borrowed from m). */
static void
pop3_fetch_delete(struct pop3_fetch_run *r,
    const struct pop3_session_message *m, size_t n,
    const struct pop3_policy *policy, const char ***deleted, size_t *ndeleted,
    char **error)
{
	const struct pop3_state_record	*rec;
	const struct pop3_deliver_file	*f;
	struct pop3_state_record	*records = NULL;
	struct pop3_deliver_file	*files = NULL;
	enum pop3_policy_decision	 decision;
	enum pop3_session_status	 ss;
	size_t				 nrecords = 0, nfiles = 0, i;
	int64_t				 now = pop3_policy_now();
	char				*why = NULL;
	int				 present, look;

	*deleted = xreallocarray(NULL, n + 1, sizeof **deleted);
	*ndeleted = 0;
	if (pop3_state_records(r->state, &records, &nrecords, &why) !=
	    POP3_STATE_OK) {
		pop3_fetch_note(error, why);
		return;
	}
	/* Whether a file is still there is asked only when it matters. */
	look = !policy->delete_at_once && policy->delete_when_deleted_locally;
	if (look && pop3_deliver_scan(r->deliver, &files, &nfiles, &why) !=
	    POP3_DELIVER_OK) {
		pop3_fetch_note(error, why);
		pop3_state_records_free(records, nrecords);
		return;
	}
	for (i = 0; i < n && !r->dead; i++) {
		/* A slow server's DELEs must not look like a stall. */
		if (r->meter.ctx != NULL && i % 100 == 0)
			backend_progress(r->meter.ctx, i, n,
			    _("deleting on the server"));
		if ((rec = pop3_state_find(records, nrecords, m[i].uidl)) ==
		    NULL)
			continue;
		present = -1;
		if (look) {
			f = pop3_deliver_find(files, nfiles, rec->file);
			present = f != NULL && !f->trashed;
		}
		decision = pop3_policy_decide(policy, now, rec->delivered,
		    present);
		if (decision == POP3_POLICY_KEEP) {
			r->result->kept++;
			continue;
		}
		ss = pop3_session_dele(r->session, m[i].number, &why);
		if (ss == POP3_SESSION_OK) {
			log_debug("%s: DELE %u (%s): %s", __func__,
			    m[i].number, m[i].uidl,
			    decision == POP3_POLICY_DELETE ? "downloaded" :
			    decision == POP3_POLICY_DELETE_OLD ? "old enough" :
			    "deleted locally");
			(*deleted)[(*ndeleted)++] = m[i].uidl;
			continue;
		}
		pop3_fetch_note(error, why);
		why = NULL;
		if (ss != POP3_SESSION_SERVER)
			r->dead = 1;
	}
	pop3_deliver_files_free(files, nfiles);
	pop3_state_records_free(records, nrecords);
}

static int
pop3_fetch_compare(const void *a, const void *b)
{
	return strcmp(*(const char * const *)a, *(const char * const *)b);
}

/* After a QUIT the server accepted: forget what it no longer has. */
static void
pop3_fetch_forget(struct pop3_fetch_run *r,
    const struct pop3_session_message *m, size_t n, const char **deleted,
    size_t ndeleted, char **error)
{
	struct pop3_state_record	*records = NULL;
	const char			**gone, **listed;
	size_t				  nrecords = 0, ngone = 0, i;
	char				 *why = NULL;

	if (pop3_state_records(r->state, &records, &nrecords, &why) !=
	    POP3_STATE_OK) {
		pop3_fetch_note(error, why);
		return;
	}
	gone = xreallocarray(NULL, nrecords + ndeleted + 1, sizeof *gone);
	for (i = 0; i < ndeleted; i++)
		gone[ngone++] = deleted[i];
	listed = xreallocarray(NULL, n + 1, sizeof *listed);
	for (i = 0; i < n; i++)
		listed[i] = m[i].uidl;
	qsort(listed, n, sizeof *listed, pop3_fetch_compare);
	for (i = 0; i < nrecords; i++) {
		if (n == 0 || bsearch(&records[i].uidl, listed, n,
		    sizeof *listed, pop3_fetch_compare) == NULL)
			gone[ngone++] = records[i].uidl;
	}
	if (pop3_state_forget(r->state, gone, ngone, &why) != POP3_STATE_OK)
		pop3_fetch_note(error, why);
	free(listed);
	free(gone);
	pop3_state_records_free(records, nrecords);
}

enum pop3_fetch_status
pop3_fetch_run(struct pop3_session *session, struct pop3_state *st,
    struct pop3_deliver *d, const struct pop3_policy *policy,
    struct backend_ctx *ctx, struct pop3_fetch_result *result, char **error)
{
	struct pop3_session_message	*m = NULL;
	struct pop3_state_record	*records = NULL;
	struct pop3_fetch_run		 r;
	enum pop3_session_status	 ss;
	const char			**deleted = NULL;
	size_t				 n = 0, nrecords = 0, ntodo, i, k;
	size_t				*todo = NULL, ndeleted = 0;
	uint64_t			 batch_bytes;
	char				*why = NULL;

	*error = NULL;
	memset(&r, 0, sizeof r);
	r.session = session;
	r.state = st;
	r.deliver = d;
	r.result = result;
	r.meter.ctx = ctx;

	ss = pop3_session_list(session, &m, &n, error);
	if (ss != POP3_SESSION_OK) {
		/* Nothing was marked: a polite QUIT deletes nothing. */
		if (ss == POP3_SESSION_SERVER || ss == POP3_SESSION_REFUSED)
			pop3_session_quit(session, &why);
		else
			pop3_session_abort(session);
		free(why);
		return ss == POP3_SESSION_CANCELLED ? POP3_FETCH_CANCELLED :
		    POP3_FETCH_ERROR;
	}
	if (pop3_state_records(st, &records, &nrecords, error) !=
	    POP3_STATE_OK) {
		pop3_session_abort(session);
		pop3_session_messages_free(m, n);
		return POP3_FETCH_ERROR;
	}
	ntodo = pop3_fetch_todo(m, n, records, nrecords, &todo,
	    &r.meter.total);
	pop3_state_records_free(records, nrecords);
	r.meter.count = ntodo;
	log_info("%s: %zu messages on the server, %zu to download (%llu "
	    "bytes)", __func__, n, ntodo, (unsigned long long)r.meter.total);

	for (i = 0; i < ntodo && !r.dead && !r.stopped && !r.cancelled;
	    i += k) {
		batch_bytes = 0;
		for (k = 0; i + k < ntodo && k < POP3_FETCH_BATCH &&
		    (k == 0 || batch_bytes < POP3_FETCH_BATCH_BYTES); k++)
			batch_bytes += m[todo[i + k]].size;
		pop3_fetch_batch(&r, m, todo + i, k, error);
	}
	free(todo);

	/* DELE only over a connection in step, and not after the local store
	 * failed or the user stopped us: those want attention first. */
	if (!r.dead && !r.stopped && !r.cancelled)
		pop3_fetch_delete(&r, m, n, policy, &deleted, &ndeleted, error);
	if (r.dead)
		pop3_session_abort(session);
	else if (pop3_session_quit(session, &why) == POP3_SESSION_OK) {
		result->deleted += ndeleted;
		if (!r.stopped)
			pop3_fetch_forget(&r, m, n, deleted, ndeleted, error);
	} else {
		/* Nothing was deleted after all: they stay recorded. */
		pop3_fetch_note(error, why);
		why = NULL;
	}
	free(deleted);
	pop3_session_messages_free(m, n);
	if (r.cancelled) {
		free(*error);
		*error = NULL;
		return POP3_FETCH_CANCELLED;
	}
	return *error != NULL ? POP3_FETCH_ERROR : POP3_FETCH_OK;
}
