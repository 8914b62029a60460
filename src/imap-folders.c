/* imap-folders: the sidebar's folders in one round trip where the server
 * has LIST-STATUS (RFC 5819), else one LIST, one LSUB and a STATUS per
 * folder; special-use attributes name the roles, and common names stand in
 * on servers without SPECIAL-USE. */
#include "auto-config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libetpan/libetpan.h>

#include "imap-folders.h"
#include "imap-session.h"
#include "intl.h"
#include "log.h"
#include "store-mirror.h"
#include "xmalloc.h"

/*
 * libetpan's parser for one untagged response: exported by the library
 * (with this signature since 2016) but declared only in mailimap_parser.h,
 * which is not installed. Its whole-reply parser keeps only the last STATUS of a
 * reply, and LIST-STATUS sends one per folder, so those replies are read a
 * line at a time with this.
 */
int	mailimap_response_data_parse(mailstream *, MMAPString *,
	    struct mailimap_parser_context *, size_t *,
	    struct mailimap_response_data **, size_t, progress_function *);

/* Counts a LIST-STATUS reply gave for one folder. */
struct imap_folders_count {
	char		*name;
	uint32_t	 total;
	uint32_t	 unseen;
	int		 has_total;
	int		 has_unseen;
};

/* What one listing of the server gave. */
struct imap_folders_listing {
	clist				*list;	/* mailimap_mailbox_list */
	clist				*lsub;	/* or NULL with subscribed */
	struct imap_folders_count	*counts;
	size_t				 ncounts;
	int				 with_status;	/* STATUS came with LIST */
	int				 with_subscribed; /* \Subscribed, no LSUB */
};

static const struct {
	const char	*name;
	enum store_role	 role;
} imap_folders_names[] = {
	{ "Sent", STORE_ROLE_SENT }, { "Sent Items", STORE_ROLE_SENT },
	{ "Sent Messages", STORE_ROLE_SENT }, { "Sent Mail", STORE_ROLE_SENT },
	{ "Drafts", STORE_ROLE_DRAFTS }, { "Draft", STORE_ROLE_DRAFTS },
	{ "Trash", STORE_ROLE_TRASH }, { "Deleted Items", STORE_ROLE_TRASH },
	{ "Deleted Messages", STORE_ROLE_TRASH }, { "Bin", STORE_ROLE_TRASH },
	{ "Junk", STORE_ROLE_JUNK }, { "Spam", STORE_ROLE_JUNK },
	{ "Junk E-mail", STORE_ROLE_JUNK }, { "Archive", STORE_ROLE_ARCHIVE },
	{ "Archives", STORE_ROLE_ARCHIVE },
};

enum store_role
imap_folders_role_from_name(const char *name, char delimiter)
{
	const char	*leaf = name;
	size_t		 i;

	if (strcasecmp(name, "INBOX") == 0)
		return STORE_ROLE_INBOX;
	/* "INBOX.Sent" and "[Gmail]/Sent Mail" count by their last part. */
	if (delimiter != '\0' && strrchr(name, delimiter) != NULL)
		leaf = strrchr(name, delimiter) + 1;
	for (i = 0; i < sizeof imap_folders_names /
	    sizeof imap_folders_names[0]; i++) {
		if (strcasecmp(leaf, imap_folders_names[i].name) == 0)
			return imap_folders_names[i].role;
	}
	return STORE_ROLE_NONE;
}

static enum store_role
imap_folders_role_from_flag(const char *flag)
{
	static const struct {
		const char	*flag;
		enum store_role	 role;
	} flags[] = {
		{ "Sent", STORE_ROLE_SENT }, { "Drafts", STORE_ROLE_DRAFTS },
		{ "Trash", STORE_ROLE_TRASH }, { "Junk", STORE_ROLE_JUNK },
		{ "Archive", STORE_ROLE_ARCHIVE }, { "All", STORE_ROLE_ALL },
		{ "Flagged", STORE_ROLE_FLAGGED },
	};
	size_t	i;

	for (i = 0; i < sizeof flags / sizeof flags[0]; i++) {
		if (strcasecmp(flag, flags[i].flag) == 0)
			return flags[i].role;
	}
	return STORE_ROLE_NONE;
}

/* Read one LIST entry's attributes. */
static void
imap_folders_attributes(struct mailimap_mbx_list_flags *flags,
    struct store_folder *f)
{
	struct mailimap_mbx_list_oflag	*of;
	clistiter			*it;
	enum store_role			 role;

	if (flags == NULL)
		return;
	if (flags->mbf_type == MAILIMAP_MBX_LIST_FLAGS_SFLAG &&
	    flags->mbf_sflag == MAILIMAP_MBX_LIST_SFLAG_NOSELECT)
		f->noselect = 1;
	for (it = clist_begin(flags->mbf_oflags); it != NULL;
	    it = clist_next(it)) {
		of = clist_content(it);
		if (of->of_type != MAILIMAP_MBX_LIST_OFLAG_FLAG_EXT ||
		    of->of_flag_ext == NULL)
			continue;
		if (strcasecmp(of->of_flag_ext, "NonExistent") == 0)
			f->noselect = 1;
		else if (strcasecmp(of->of_flag_ext, "Subscribed") == 0)
			f->subscribed = 1;
		else if ((role = imap_folders_role_from_flag(of->of_flag_ext)) !=
		    STORE_ROLE_NONE)
			f->role = role;
	}
}

/* STATUS for the counts; a folder that refuses it keeps its old counts. */
static void
imap_folders_status(struct imap_session *s, struct store_folder *f)
{
	struct mailimap_status_att_list		*atts;
	struct mailimap_mailbox_data_status	*result = NULL;
	struct mailimap_status_info		*info;
	clistiter				*it;
	char					*wire;

	if ((atts = mailimap_status_att_list_new_empty()) == NULL)
		fatal("out of memory");
	mailimap_status_att_list_add(atts, MAILIMAP_STATUS_ATT_MESSAGES);
	mailimap_status_att_list_add(atts, MAILIMAP_STATUS_ATT_UNSEEN);
	wire = imap_session_name_out(s, f->name);
	if (mailimap_status(imap_session_imap(s), wire, atts, &result) ==
	    MAILIMAP_NO_ERROR && result != NULL) {
		for (it = clist_begin(result->st_info_list); it != NULL;
		    it = clist_next(it)) {
			info = clist_content(it);
			if (info->st_att == MAILIMAP_STATUS_ATT_MESSAGES)
				f->total = info->st_value;
			else if (info->st_att == MAILIMAP_STATUS_ATT_UNSEEN)
				f->unseen = info->st_value;
		}
	}
	if (result != NULL)
		mailimap_mailbox_data_status_free(result);
	mailimap_status_att_list_free(atts);
	free(wire);
}

/* Names the server listed, to drop the mirror's folders that are gone. */
struct imap_folders_seen {
	char		**names;
	size_t		  n;
	char		**gone;
	size_t		  ngone;
};

static int
imap_folders_find_gone(const struct store_folder *f, void *arg)
{
	struct imap_folders_seen	*seen = arg;
	size_t				 i;

	for (i = 0; i < seen->n; i++) {
		if (strcmp(seen->names[i], f->name) == 0)
			return 0;
	}
	seen->gone = xreallocarray(seen->gone, seen->ngone + 1,
	    sizeof *seen->gone);
	seen->gone[seen->ngone++] = xstrdup(f->name);
	return 0;
}

static int
imap_folders_is_subscribed(clist *lsub, const char *name)
{
	struct mailimap_mailbox_list	*mb;
	clistiter			*it;

	for (it = lsub != NULL ? clist_begin(lsub) : NULL; it != NULL;
	    it = clist_next(it)) {
		mb = clist_content(it);
		if (strcmp(mb->mb_name, name) == 0 ||
		    (strcasecmp(name, "INBOX") == 0 &&
		    strcasecmp(mb->mb_name, "INBOX") == 0))
			return 1;
	}
	return 0;
}

static void
imap_folders_listing_clear(struct imap_folders_listing *l)
{
	size_t	i;

	if (l->list != NULL)
		mailimap_list_result_free(l->list);
	if (l->lsub != NULL)
		mailimap_list_result_free(l->lsub);
	for (i = 0; i < l->ncounts; i++)
		free(l->counts[i].name);
	free(l->counts);
	memset(l, 0, sizeof *l);
}

/* A STATUS reply's mailbox as libetpan gives it: for Gmail's sake it keeps
 * the text as sent, quotes, escapes and literal count included. */
static char *
imap_folders_status_name(const char *raw)
{
	const char	*p;
	char		*name, *q;
	unsigned long	 n;
	char		*end;

	if (raw[0] == '{') {
		n = strtoul(raw + 1, &end, 10);
		if (end[0] == '}' && end[1] == '\r' && end[2] == '\n' &&
		    strlen(end + 3) >= n)
			return xstrndup(end + 3, n);
		return xstrdup(raw);
	}
	if (raw[0] != '"')
		return xstrdup(raw);
	name = q = xmalloc(strlen(raw));
	for (p = raw + 1; *p != '\0' && *p != '"'; p++) {
		if (*p == '\\' && p[1] != '\0')
			p++;
		*q++ = *p;
	}
	*q = '\0';
	if (*p != '"' || p[1] != '\0') {
		free(name);
		return xstrdup(raw);	/* not one quoted string */
	}
	return name;
}

/* Keep a LIST entry or STATUS counts from one untagged response. */
static void
imap_folders_take(struct imap_folders_listing *l,
    struct mailimap_response_data *data)
{
	struct mailimap_mailbox_data		*mb;
	struct mailimap_status_info		*info;
	struct imap_folders_count		*c;
	clistiter				*it;

	if (data->rsp_type != MAILIMAP_RESP_DATA_TYPE_MAILBOX_DATA)
		return;
	mb = data->rsp_data.rsp_mailbox_data;
	if (mb->mbd_type == MAILIMAP_MAILBOX_DATA_LIST &&
	    mb->mbd_data.mbd_list != NULL) {
		if (clist_append(l->list, mb->mbd_data.mbd_list) != 0)
			fatal("out of memory");
		mb->mbd_data.mbd_list = NULL;	/* the listing's now */
		return;
	}
	if (mb->mbd_type != MAILIMAP_MAILBOX_DATA_STATUS ||
	    mb->mbd_data.mbd_status == NULL)
		return;
	l->counts = xreallocarray(l->counts, l->ncounts + 1,
	    sizeof *l->counts);
	c = &l->counts[l->ncounts++];
	memset(c, 0, sizeof *c);
	c->name = imap_folders_status_name(
	    mb->mbd_data.mbd_status->st_mailbox);
	for (it = clist_begin(mb->mbd_data.mbd_status->st_info_list);
	    it != NULL; it = clist_next(it)) {
		info = clist_content(it);
		if (info->st_att == MAILIMAP_STATUS_ATT_MESSAGES) {
			c->total = info->st_value;
			c->has_total = 1;
		} else if (info->st_att == MAILIMAP_STATUS_ATT_UNSEEN) {
			c->unseen = info->st_value;
			c->has_unseen = 1;
		}
	}
}

/*
 * One LIST with RETURN options (RFC 5258, 5819, 6154) instead of LIST,
 * LSUB and a STATUS per folder. MAILIMAP_ERROR_LIST when the server
 * refused the command (the stream is still in step: list another way);
 * other errors are libetpan's.
 */
static int
imap_folders_list_status(struct imap_session *s,
    struct imap_folders_listing *l)
{
	mailimap			*imap = imap_session_imap(s);
	struct mailimap_parser_context	*ctx;
	struct mailimap_response_data	*data;
	struct mailimap_response	*rsp;
	char				*command;
	size_t				 indx;
	int				 r, state;

	l->with_subscribed = imap_session_has(s, "LIST-EXTENDED");
	command = xasprintf("LIST \"\" \"*\" RETURN (%s%sSTATUS (MESSAGES "
	    "UNSEEN))\r\n", l->with_subscribed ? "SUBSCRIBED " : "",
	    imap_session_has(s, "SPECIAL-USE") ? "SPECIAL-USE " : "");
	if ((r = mailimap_send_current_tag(imap)) != MAILIMAP_NO_ERROR ||
	    mailstream_write(imap->imap_stream, command, strlen(command)) ==
	    -1 || mailstream_flush(imap->imap_stream) == -1) {
		free(command);
		return r != MAILIMAP_NO_ERROR ? r : MAILIMAP_ERROR_STREAM;
	}
	free(command);
	if ((l->list = clist_new()) == NULL)
		fatal("out of memory");
	for (;;) {
		if (mailimap_read_line(imap) == NULL)
			return MAILIMAP_ERROR_STREAM;
		if (strncmp(imap->imap_stream_buffer->str, "* ", 2) != 0)
			break;
		if ((ctx = mailimap_parser_context_new(imap)) == NULL)
			fatal("out of memory");
		indx = 0;
		r = mailimap_response_data_parse(imap->imap_stream,
		    imap->imap_stream_buffer, ctx, &indx, &data,
		    imap->imap_progr_rate, imap->imap_progr_fun);
		mailimap_parser_context_free(ctx);
		if (r != MAILIMAP_NO_ERROR)
			return r;
		if (data != NULL) {
			imap_folders_take(l, data);
			mailimap_response_data_free(data);
		}
	}
	/* The tagged reply, through libetpan so that its text is kept. */
	if ((r = mailimap_parse_response(imap, &rsp)) != MAILIMAP_NO_ERROR)
		return r == MAILIMAP_ERROR_PROTOCOL ? MAILIMAP_ERROR_LIST : r;
	state = rsp->rsp_resp_done->rsp_data.rsp_tagged->rsp_cond_state->
	    rsp_type;
	mailimap_response_free(rsp);
	if (state != MAILIMAP_RESP_COND_STATE_OK)
		return MAILIMAP_ERROR_LIST;
	l->with_status = 1;
	return MAILIMAP_NO_ERROR;
}

/* The counts LIST-STATUS gave for name, or NULL. */
static const struct imap_folders_count *
imap_folders_count_find(const struct imap_folders_listing *l,
    const char *name)
{
	size_t	i;

	for (i = 0; i < l->ncounts; i++) {
		if (strcmp(l->counts[i].name, name) == 0 ||
		    (strcasecmp(name, "INBOX") == 0 &&
		    strcasecmp(l->counts[i].name, "INBOX") == 0))
			return &l->counts[i];
	}
	return NULL;
}

/* LIST-STATUS where offered, else (or if it is refused) LIST and LSUB. */
static int
imap_folders_list(struct imap_session *s, struct imap_folders_listing *l,
    char **error)
{
	mailimap	*imap = imap_session_imap(s);
	int		 r;

	if (imap_session_has(s, "LIST-STATUS")) {
		r = imap_folders_list_status(s, l);
		if (r == MAILIMAP_NO_ERROR)
			return 0;
		if (r != MAILIMAP_ERROR_LIST) {
			*error = imap_session_error(s, r, "LIST-STATUS");
			return -1;
		}
		log_info("%s: LIST-STATUS refused (%s); listing without it",
		    __func__, imap->imap_response != NULL ?
		    imap->imap_response : "");
		imap_folders_listing_clear(l);
	}
	if ((r = mailimap_list(imap, "", "*", &l->list)) != MAILIMAP_NO_ERROR) {
		*error = imap_session_error(s, r, "LIST");
		return -1;
	}
	if ((r = mailimap_lsub(imap, "", "*", &l->lsub)) != MAILIMAP_NO_ERROR) {
		*error = imap_session_error(s, r, "LSUB");
		return -1;
	}
	return 0;
}

enum store_status
imap_folders_refresh(struct imap_session *s, struct store_mirror *mirror,
    char **error)
{
	struct imap_folders_listing		 l;
	struct imap_folders_seen		 seen;
	struct mailimap_mailbox_list		*mb;
	const struct imap_folders_count		*count;
	struct store_folder			 f, old;
	clistiter				*it;
	enum store_status			 status = STORE_OK;
	char					*name = NULL;
	size_t					 i;

	memset(&seen, 0, sizeof seen);
	memset(&l, 0, sizeof l);
	if (imap_folders_list(s, &l, error) != 0) {
		status = STORE_ERROR;
		goto out;
	}
	for (it = clist_begin(l.list); it != NULL; it = clist_next(it)) {
		mb = clist_content(it);
		memset(&f, 0, sizeof f);
		free(name);
		f.name = name = imap_session_name_in(s, mb->mb_name);
		f.delimiter = mb->mb_delimiter;
		imap_folders_attributes(mb->mb_flag, &f);
		if (f.role == STORE_ROLE_NONE)
			f.role = imap_folders_role_from_name(f.name,
			    f.delimiter);
		if (!l.with_subscribed)
			f.subscribed = imap_folders_is_subscribed(l.lsub,
			    mb->mb_name);
		/* Keep the counts the mirror has if STATUS says nothing. */
		if (store_mirror_folder_get(mirror, f.name, &old) == STORE_OK) {
			f.total = old.total;
			f.unseen = old.unseen;
			store_folder_clear(&old);
		}
		if (l.with_status) {
			if ((count = imap_folders_count_find(&l,
			    mb->mb_name)) != NULL) {
				if (count->has_total)
					f.total = count->total;
				if (count->has_unseen)
					f.unseen = count->unseen;
			}
		} else if (!f.noselect)
			imap_folders_status(s, &f);
		if ((status = store_mirror_folder_put(mirror, &f)) != STORE_OK) {
			*error = xasprintf(_("storing folder %s failed"),
			    f.name);
			goto out;
		}
		seen.names = xreallocarray(seen.names, seen.n + 1,
		    sizeof *seen.names);
		seen.names[seen.n++] = xstrdup(f.name);
	}
	store_mirror_folder_each(mirror, imap_folders_find_gone, &seen);
	for (i = 0; i < seen.ngone; i++) {
		log_info("%s: folder %s is gone from the server", __func__,
		    seen.gone[i]);
		store_mirror_folder_delete(mirror, seen.gone[i]);
	}
out:
	for (i = 0; i < seen.n; i++)
		free(seen.names[i]);
	free(seen.names);
	for (i = 0; i < seen.ngone; i++)
		free(seen.gone[i]);
	free(seen.gone);
	imap_folders_listing_clear(&l);
	free(name);
	return status;
}
