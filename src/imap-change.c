/* imap-change: the IMAP commands behind the user's changes, each taking
 * the safe path the server's capabilities allow. */
#include "auto-config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libetpan/libetpan.h>

#include "imap-change.h"
#include "imap-session.h"
#include "intl.h"
#include "log.h"
#include "store-mirror.h"
#include "xmalloc.h"

static int
imap_change_uid_cmp(const void *a, const void *b)
{
	uint32_t	x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

uint32_t *
imap_change_sorted(const uint32_t *uids, size_t *n)
{
	uint32_t	*s;
	size_t		 i, j = 0;

	s = xreallocarray(NULL, *n > 0 ? *n : 1, sizeof *s);
	memcpy(s, uids, *n * sizeof *uids);
	qsort(s, *n, sizeof *s, imap_change_uid_cmp);
	for (i = 0; i < *n; i++) {
		if (s[i] != 0 && (j == 0 || s[j - 1] != s[i]))
			s[j++] = s[i];
	}
	*n = j;
	return s;
}

struct mailimap_set *
imap_change_set(const uint32_t *sorted, size_t n, size_t *used)
{
	struct mailimap_set	*set;
	uint32_t		 first, last;
	size_t			 i = 0, runs;

	if ((set = mailimap_set_new_empty()) == NULL)
		fatal("%s: out of memory", __func__);
	for (runs = 0; i < n && runs < IMAP_CHANGE_RUNS; runs++) {
		first = last = sorted[i++];
		while (i < n && sorted[i] == last + 1)
			last = sorted[i++];
		if (mailimap_set_add_interval(set, first, last) !=
		    MAILIMAP_NO_ERROR)
			fatal("%s: out of memory", __func__);
	}
	*used = i;
	return set;
}

/*
 * A libetpan result as a status: a command's own error code means the
 * server answered NO and the stream is in step; anything else (the stream,
 * the parser, a cancel) leaves it out of step. libetpan returns a tagged
 * BAD as MAILIMAP_ERROR_PROTOCOL, the code of a tag out of step too: both
 * abort, since a BAD means skua sent what the server could not parse.
 */
static enum imap_change_status
imap_change_status_of(struct imap_session *s, int r, const char *doing,
    char **error)
{
	struct mailimap_response_info	*info;
	char				*why;

	if (r == MAILIMAP_NO_ERROR)
		return IMAP_CHANGE_OK;
	*error = imap_session_error(s, r, doing);
	if (imap_session_cancelled(s))
		return IMAP_CHANGE_ERROR;
	switch (r) {
	case MAILIMAP_ERROR_BAD_STATE:
	case MAILIMAP_ERROR_STREAM:
	case MAILIMAP_ERROR_PARSE:
	case MAILIMAP_ERROR_CONNECTION_REFUSED:
	case MAILIMAP_ERROR_MEMORY:
	case MAILIMAP_ERROR_FATAL:
	case MAILIMAP_ERROR_PROTOCOL:
	case MAILIMAP_ERROR_DONT_ACCEPT_CONNECTION:
	case MAILIMAP_ERROR_NEEDS_MORE_DATA:
	case MAILIMAP_ERROR_SSL:
		return IMAP_CHANGE_ERROR;
	}
	/* NO [OVERQUOTA] (RFC 9208) from APPEND, COPY or MOVE: libetpan
	 * keeps a code it does not know in rsp_atom, not in the text. */
	info = imap_session_imap(s)->imap_response_info;
	if (info != NULL && info->rsp_atom != NULL &&
	    strcasecmp(info->rsp_atom, "OVERQUOTA") == 0) {
		why = *error;
		*error = xasprintf(_("the mailbox is full (over quota): %s"),
		    why);
		free(why);
	}
	return IMAP_CHANGE_REFUSED;
}

/* STORE_FLAG_* bits as an IMAP flag list; NULL when there are none. */
static struct mailimap_flag_list *
imap_change_flag_list(uint32_t bits)
{
	struct mailimap_flag_list	*list;
	struct mailimap_flag		*f;
	static const struct {
		uint32_t	 bit;
		const char	*keyword;	/* NULL: a system flag */
	} map[] = {
		{ STORE_FLAG_SEEN, NULL },
		{ STORE_FLAG_ANSWERED, NULL },
		{ STORE_FLAG_FLAGGED, NULL },
		{ STORE_FLAG_DELETED, NULL },
		{ STORE_FLAG_DRAFT, NULL },
		{ STORE_FLAG_FORWARDED, "$Forwarded" },
		{ STORE_FLAG_JUNK, "$Junk" },
	};
	size_t				 i;

	if (bits == 0)
		return NULL;
	if ((list = mailimap_flag_list_new_empty()) == NULL)
		fatal("%s: out of memory", __func__);
	for (i = 0; i < sizeof map / sizeof map[0]; i++) {
		if ((bits & map[i].bit) == 0)
			continue;
		switch (map[i].bit) {
		case STORE_FLAG_SEEN:
			f = mailimap_flag_new_seen();
			break;
		case STORE_FLAG_ANSWERED:
			f = mailimap_flag_new_answered();
			break;
		case STORE_FLAG_FLAGGED:
			f = mailimap_flag_new_flagged();
			break;
		case STORE_FLAG_DELETED:
			f = mailimap_flag_new_deleted();
			break;
		case STORE_FLAG_DRAFT:
			f = mailimap_flag_new_draft();
			break;
		default:
			f = mailimap_flag_new_flag_keyword(
			    xstrdup(map[i].keyword));
			break;
		}
		if (f == NULL || mailimap_flag_list_add(list, f) != 0)
			fatal("%s: out of memory", __func__);
	}
	return list;
}

/* Whether the [MODIFIED set] of the last tagged reply lists uid. */
static int
imap_change_in_modified(mailimap *imap, uint32_t uid)
{
	struct mailimap_extension_data		*ext;
	struct mailimap_condstore_resptextcode	*code;
	struct mailimap_set_item		*item;
	clistiter				*it, *jt;
	uint32_t				 last;

	if (imap->imap_response_info == NULL ||
	    imap->imap_response_info->rsp_extension_list == NULL)
		return 0;
	for (it = clist_begin(imap->imap_response_info->rsp_extension_list);
	    it != NULL; it = clist_next(it)) {
		ext = clist_content(it);
		if (ext->ext_extension != &mailimap_extension_condstore ||
		    ext->ext_type != MAILIMAP_CONDSTORE_TYPE_RESP_TEXT_CODE)
			continue;
		code = ext->ext_data;
		if (code->cs_type != MAILIMAP_CONDSTORE_RESPTEXTCODE_MODIFIED ||
		    code->cs_data.cs_modified_set == NULL)
			continue;
		for (jt = clist_begin(code->cs_data.cs_modified_set->set_list);
		    jt != NULL; jt = clist_next(jt)) {
			item = clist_content(jt);
			last = item->set_last == 0 ? UINT32_MAX :
			    item->set_last;	/* 0 is "*" */
			if (uid >= item->set_first && uid <= last)
				return 1;
		}
	}
	return 0;
}

/* Add to *out those of sent (n UIDs) the last reply says were MODIFIED:
 * walking what was sent, not the server's ranges, which could be huge. */
static void
imap_change_modified(mailimap *imap, const uint32_t *sent, size_t n,
    uint32_t **out, size_t *nout)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		if (!imap_change_in_modified(imap, sent[i]))
			continue;
		*out = xreallocarray(*out, *nout + 1, sizeof **out);
		(*out)[(*nout)++] = sent[i];
	}
}

/*
 * Send line (a command with its CRLF) under the next tag and parse the
 * reply as libetpan's own commands do: MAILIMAP_ERROR_CUSTOM_COMMAND for a
 * NO. Not mailimap_custom_command: it adds a space before the CRLF.
 */
static int
imap_change_send(mailimap *imap, const char *line)
{
	struct mailimap_response	*response;
	int				 r, type;

	if ((r = mailimap_send_current_tag(imap)) != MAILIMAP_NO_ERROR)
		return r;
	if (mailstream_write(imap->imap_stream, line, strlen(line)) == -1 ||
	    mailstream_flush(imap->imap_stream) == -1 ||
	    mailimap_read_line(imap) == NULL)
		return MAILIMAP_ERROR_STREAM;
	if ((r = mailimap_parse_response(imap, &response)) != MAILIMAP_NO_ERROR)
		return r;
	type = response->rsp_resp_done->rsp_data.rsp_tagged->rsp_cond_state->
	    rsp_type;
	mailimap_response_free(response);
	return type == MAILIMAP_RESP_COND_STATE_OK ? MAILIMAP_NO_ERROR :
	    MAILIMAP_ERROR_CUSTOM_COMMAND;
}

/*
 * UID STORE ... (UNCHANGEDSINCE modseq) of the first runs of sorted, sent
 * as text: libetpan 1.9.4's mailimap_uid_store_unchangedsince leaves out
 * the space before the parenthesis and servers answer BAD. The tagged
 * reply is parsed as usual, [MODIFIED] included. *used as for the set.
 */
static int
imap_change_store_unchangedsince(mailimap *imap, const uint32_t *sorted,
    size_t n, size_t *used, uint32_t bits, int add, uint64_t modseq)
{
	static const char *const names[] = {	/* STORE_FLAG_* in bit order */
		"\\Seen", "\\Answered", "\\Flagged", "\\Deleted", "\\Draft",
		"$Forwarded", "$Junk",
	};
	char		 cmd[IMAP_CHANGE_RUNS * 22 + 256];
	const char	*sep = "";
	uint32_t	 first, last;
	size_t		 i = 0, k, runs, off;

	off = snprintf(cmd, sizeof cmd, "UID STORE ");
	for (runs = 0; i < n && runs < IMAP_CHANGE_RUNS; runs++) {
		first = last = sorted[i++];
		while (i < n && sorted[i] == last + 1)
			last = sorted[i++];
		if (first == last)
			off += snprintf(cmd + off, sizeof cmd - off, "%s%u",
			    sep, first);
		else
			off += snprintf(cmd + off, sizeof cmd - off, "%s%u:%u",
			    sep, first, last);
		sep = ",";
	}
	*used = i;
	off += snprintf(cmd + off, sizeof cmd - off,
	    " (UNCHANGEDSINCE %llu) %cFLAGS.SILENT (",
	    (unsigned long long)modseq, add ? '+' : '-');
	for (k = 0, sep = ""; k < sizeof names / sizeof names[0]; k++) {
		if ((bits & (1U << k)) == 0)
			continue;
		off += snprintf(cmd + off, sizeof cmd - off, "%s%s", sep,
		    names[k]);
		sep = " ";
	}
	snprintf(cmd + off, sizeof cmd - off, ")\r\n");
	return imap_change_send(imap, cmd);
}

/* One STORE of flags (+ or -) over every UID, in chunks. */
static enum imap_change_status
imap_change_store(struct imap_session *s, const uint32_t *sorted, size_t n,
    uint32_t bits, int add, uint64_t unchangedsince, uint32_t **modified,
    size_t *nmodified, char **error)
{
	mailimap			*imap = imap_session_imap(s);
	struct mailimap_set		*set;
	struct mailimap_store_att_flags	*att;
	enum imap_change_status		 status = IMAP_CHANGE_OK;
	size_t				 done, used;
	int				 r;

	for (done = 0; done < n && status == IMAP_CHANGE_OK; done += used) {
		if (unchangedsince != 0) {
			r = imap_change_store_unchangedsince(imap,
			    sorted + done, n - done, &used, bits, add,
			    unchangedsince);
			status = imap_change_status_of(s, r, "UID STORE",
			    error);
			if (status == IMAP_CHANGE_OK)
				imap_change_modified(imap, sorted + done, used,
				    modified, nmodified);
			continue;
		}
		set = imap_change_set(sorted + done, n - done, &used);
		att = add ? mailimap_store_att_flags_new_add_flags_silent(
		    imap_change_flag_list(bits)) :
		    mailimap_store_att_flags_new_remove_flags_silent(
		    imap_change_flag_list(bits));
		if (att == NULL)
			fatal("%s: out of memory", __func__);
		r = mailimap_uid_store(imap, set, att);
		mailimap_store_att_flags_free(att);
		mailimap_set_free(set);
		status = imap_change_status_of(s, r, "UID STORE", error);
	}
	return status;
}

enum imap_change_status
imap_change_flags(struct imap_session *s, const uint32_t *uids, size_t n,
    uint32_t add, uint32_t remove, uint64_t unchangedsince,
    uint32_t **modified, size_t *nmodified, char **error)
{
	enum imap_change_status	 status = IMAP_CHANGE_OK;
	uint32_t		*sorted;
	size_t			 i, j;

	*modified = NULL;
	*nmodified = 0;
	if (!imap_session_has(s, "CONDSTORE"))
		unchangedsince = 0;
	sorted = imap_change_sorted(uids, &n);
	if (add != 0)
		status = imap_change_store(s, sorted, n, add, 1,
		    unchangedsince, modified, nmodified, error);
	if (status == IMAP_CHANGE_OK && remove != 0) {
		/* The first STORE raised the modseqs it touched: the second
		 * goes without the condition, to what the first changed. */
		if (add != 0 && *nmodified > 0) {
			qsort(*modified, *nmodified, sizeof **modified,
			    imap_change_uid_cmp);
			for (i = j = 0; i < n; i++) {
				if (bsearch(&sorted[i], *modified, *nmodified,
				    sizeof **modified, imap_change_uid_cmp) ==
				    NULL)
					sorted[j++] = sorted[i];
			}
			n = j;
		}
		status = imap_change_store(s, sorted, n, remove, 0,
		    add != 0 ? 0 : unchangedsince, modified, nmodified, error);
	}
	free(sorted);
	return status;
}

/*
 * Whether every message marked \Deleted in the selected folder is one of
 * sorted (n UIDs): then a plain EXPUNGE removes nothing else. 1 yes, 0 no,
 * -1 on failure (*status, *error set).
 */
static int
imap_change_only_ours(struct imap_session *s, const uint32_t *sorted,
    size_t n, enum imap_change_status *status, char **error)
{
	struct mailimap_search_key	*key;
	clist				*result = NULL;
	clistiter			*it;
	uint32_t			 uid;
	int				 r, ours = 1;

	key = mailimap_search_key_new(MAILIMAP_SEARCH_KEY_DELETED, NULL, NULL,
	    NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
	    NULL, 0, NULL, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL);
	if (key == NULL)
		fatal("%s: out of memory", __func__);
	r = mailimap_uid_search(imap_session_imap(s), NULL, key, &result);
	mailimap_search_key_free(key);
	if ((*status = imap_change_status_of(s, r, "UID SEARCH DELETED",
	    error)) != IMAP_CHANGE_OK)
		return -1;
	if (result == NULL)
		return 1;
	for (it = clist_begin(result); it != NULL; it = clist_next(it)) {
		uid = *(uint32_t *)clist_content(it);
		if (bsearch(&uid, sorted, n, sizeof *sorted,
		    imap_change_uid_cmp) == NULL) {
			ours = 0;
			break;
		}
	}
	mailimap_search_result_free(result);
	return ours;
}

/* Remove sorted (marked \Deleted) for good: UID EXPUNGE, or EXPUNGE when
 * nothing else is marked. done says what was done before, for a person. */
static enum imap_change_status
imap_change_purge(struct imap_session *s, const uint32_t *sorted, size_t n,
    const char *done, char **error)
{
	mailimap		*imap = imap_session_imap(s);
	struct mailimap_set	*set;
	enum imap_change_status	 status = IMAP_CHANGE_OK;
	size_t			 sent, used;
	int			 r;

	if (imap_session_has(s, "UIDPLUS")) {
		for (sent = 0; sent < n && status == IMAP_CHANGE_OK;
		    sent += used) {
			set = imap_change_set(sorted + sent, n - sent, &used);
			r = mailimap_uid_expunge(imap, set);
			mailimap_set_free(set);
			status = imap_change_status_of(s, r, "UID EXPUNGE",
			    error);
		}
		return status;
	}
	switch (imap_change_only_ours(s, sorted, n, &status, error)) {
	case -1:
		return status;
	case 0:
		*error = xasprintf(_("%s: other messages in "
		    "this folder are marked deleted too, and without UIDPLUS "
		    "the server can only purge them all"), done);
		return IMAP_CHANGE_UNSAFE;
	default:
		r = mailimap_expunge(imap);
		return imap_change_status_of(s, r, "EXPUNGE", error);
	}
}

enum imap_change_status
imap_change_copy(struct imap_session *s, const uint32_t *uids, size_t n,
    const char *dest, int move, char **error)
{
	mailimap		*imap = imap_session_imap(s);
	struct mailimap_set	*set;
	enum imap_change_status	 status = IMAP_CHANGE_OK;
	uint32_t		*sorted, *modified = NULL;
	size_t			 done, used, nmodified = 0;
	char			*wire;
	int			 r, native = move && imap_session_has(s, "MOVE");

	sorted = imap_change_sorted(uids, &n);
	wire = imap_session_name_out(s, dest);
	for (done = 0; done < n && status == IMAP_CHANGE_OK; done += used) {
		set = imap_change_set(sorted + done, n - done, &used);
		r = native ? mailimap_uid_move(imap, set, wire) :
		    mailimap_uid_copy(imap, set, wire);
		mailimap_set_free(set);
		status = imap_change_status_of(s, r, native ? "UID MOVE" :
		    "UID COPY", error);
	}
	free(wire);
	if (status != IMAP_CHANGE_OK || !move || native || n == 0)
		goto out;
	/* The copies are made: the originals go as a purge would. */
	status = imap_change_flags(s, sorted, n, STORE_FLAG_DELETED, 0, 0,
	    &modified, &nmodified, error);
	free(modified);
	if (status == IMAP_CHANGE_OK)
		status = imap_change_purge(s, sorted, n, _("The messages were "
		    "copied and the originals marked deleted, but not purged"),
		    error);
out:
	free(sorted);
	return status;
}

enum imap_change_status
imap_change_expunge(struct imap_session *s, const uint32_t *uids, size_t n,
    char **error)
{
	enum imap_change_status	 status;
	uint32_t		*sorted;

	sorted = imap_change_sorted(uids, &n);
	status = n == 0 ? IMAP_CHANGE_OK : imap_change_purge(s, sorted, n,
	    _("Nothing was purged (the messages stay marked deleted)"),
	    error);
	free(sorted);
	return status;
}

/* Whether LSUB lists wire (a name as sent): 1 or 0; -1 on failure with
 * *status and *error set. */
static int
imap_change_subscribed(struct imap_session *s, const char *wire,
    enum imap_change_status *status, char **error)
{
	struct mailimap_mailbox_list	*mb;
	clist				*list = NULL;
	clistiter			*it;
	int				 r, found = 0;

	r = mailimap_lsub(imap_session_imap(s), "", wire, &list);
	if ((*status = imap_change_status_of(s, r, "LSUB", error)) !=
	    IMAP_CHANGE_OK)
		return -1;
	for (it = clist_begin(list); it != NULL; it = clist_next(it)) {
		mb = clist_content(it);
		/* The name is a pattern: a '*' in it matches others. */
		if (mb->mb_name != NULL && strcmp(mb->mb_name, wire) == 0)
			found = 1;
	}
	if (list != NULL)
		mailimap_list_result_free(list);
	return found;
}

/* UNSUBSCRIBE a name gone by RENAME or DELETE: a NO (it was not
 * subscribed; dovecot may have moved it already) is no failure. */
static enum imap_change_status
imap_change_unsubscribe_old(struct imap_session *s, const char *wire,
    char **error)
{
	enum imap_change_status	 status;
	char			*why = NULL;

	status = imap_change_status_of(s,
	    mailimap_unsubscribe(imap_session_imap(s), wire), "UNSUBSCRIBE",
	    &why);
	if (status == IMAP_CHANGE_ERROR) {
		*error = why;
		return status;
	}
	free(why);
	return IMAP_CHANGE_OK;
}

enum imap_change_status
imap_change_folder(struct imap_session *s, enum imap_change_folder_op op,
    const char *name, const char *newname, char **error)
{
	mailimap		*imap = imap_session_imap(s);
	enum imap_change_status	 status;
	char			*wire, *wire2 = NULL;
	int			 r, subscribed;

	wire = imap_session_name_out(s, name);
	switch (op) {
	case IMAP_CHANGE_CREATE:
		r = mailimap_create(imap, wire);
		status = imap_change_status_of(s, r, "CREATE", error);
		/* As every client shows subscribed folders: subscribe. */
		if (status == IMAP_CHANGE_OK)
			status = imap_change_status_of(s,
			    mailimap_subscribe(imap, wire), "SUBSCRIBE", error);
		break;
	case IMAP_CHANGE_RENAME:
		wire2 = imap_session_name_out(s, newname != NULL ? newname :
		    "");
		/* Subscriptions follow names, not folders: a subscribed
		 * folder stays subscribed under its new name. */
		if ((subscribed = imap_change_subscribed(s, wire, &status,
		    error)) == -1)
			break;
		r = mailimap_rename(imap, wire, wire2);
		status = imap_change_status_of(s, r, "RENAME", error);
		if (status == IMAP_CHANGE_OK && subscribed)
			status = imap_change_unsubscribe_old(s, wire, error);
		if (status == IMAP_CHANGE_OK && subscribed)
			status = imap_change_status_of(s,
			    mailimap_subscribe(imap, wire2), "SUBSCRIBE", error);
		break;
	case IMAP_CHANGE_DELETE:
		r = mailimap_delete(imap, wire);
		status = imap_change_status_of(s, r, "DELETE", error);
		if (status == IMAP_CHANGE_OK)
			status = imap_change_unsubscribe_old(s, wire, error);
		break;
	case IMAP_CHANGE_SUBSCRIBE:
		r = mailimap_subscribe(imap, wire);
		status = imap_change_status_of(s, r, "SUBSCRIBE", error);
		break;
	case IMAP_CHANGE_UNSUBSCRIBE:
	default:
		r = mailimap_unsubscribe(imap, wire);
		status = imap_change_status_of(s, r, "UNSUBSCRIBE", error);
		break;
	}
	free(wire);
	free(wire2);
	return status;
}

enum imap_change_status
imap_change_append(struct imap_session *s, const char *folder,
    uint32_t flags, const char *data, size_t len, uint32_t *uid,
    char **error)
{
	mailimap		*imap = imap_session_imap(s);
	struct mailimap_flag_list *list = imap_change_flag_list(flags);
	uint32_t		 uidvalidity = 0;
	char			*wire;
	int			 r;

	*uid = 0;
	if (list == NULL && (list = mailimap_flag_list_new_empty()) == NULL)
		fatal("%s: out of memory", __func__);
	wire = imap_session_name_out(s, folder);
	if (imap_session_has(s, "UIDPLUS"))
		r = mailimap_uidplus_append(imap, wire, list, NULL, data, len,
		    &uidvalidity, uid);
	else
		r = mailimap_append(imap, wire, list, NULL, data, len);
	mailimap_flag_list_free(list);
	free(wire);
	if (r != MAILIMAP_NO_ERROR)
		*uid = 0;
	return imap_change_status_of(s, r, "APPEND", error);
}

void
imap_change_quota_clear(struct imap_change_quota *q)
{
	free(q->root);
	memset(q, 0, sizeof *q);
}

enum imap_change_status
imap_change_quota(struct imap_session *s, const char *folder,
    struct imap_change_quota *q, char **error)
{
	mailimap				*imap = imap_session_imap(s);
	struct mailimap_quota_complete_data	*data = NULL;
	struct mailimap_quota_quota_data	*qd;
	struct mailimap_quota_quota_resource	*res;
	enum imap_change_status			 status;
	clistiter				*it;
	char					*wire;
	int					 r;

	memset(q, 0, sizeof *q);
	if (!imap_session_has(s, "QUOTA"))
		return IMAP_CHANGE_UNSUPPORTED;
	wire = imap_session_name_out(s, folder);
	r = mailimap_quota_getquotaroot(imap, wire, &data);
	free(wire);
	if ((status = imap_change_status_of(s, r, "GETQUOTAROOT", error)) !=
	    IMAP_CHANGE_OK)
		return status;
	if (data == NULL || data->quota_list == NULL ||
	    (it = clist_begin(data->quota_list)) == NULL) {
		if (data != NULL)
			mailimap_quota_complete_data_free(data);
		return IMAP_CHANGE_UNSUPPORTED;
	}
	qd = clist_content(it);
	q->root = xstrdup(qd->quotaroot != NULL ? qd->quotaroot : "");
	for (it = clist_begin(qd->quota_list); it != NULL;
	    it = clist_next(it)) {
		res = clist_content(it);
		if (strcasecmp(res->resource_name, "STORAGE") == 0) {
			q->storage_used = res->usage;
			q->storage_limit = res->limit;
		} else if (strcasecmp(res->resource_name, "MESSAGE") == 0) {
			q->messages_used = res->usage;
			q->messages_limit = res->limit;
		}
	}
	mailimap_quota_complete_data_free(data);
	return IMAP_CHANGE_OK;
}
