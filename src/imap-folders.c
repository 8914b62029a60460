/* imap-folders: one LIST, one LSUB and a STATUS per folder give the
 * sidebar everything; special-use attributes name the roles, and common
 * names stand in on servers without SPECIAL-USE. */
#include "auto-config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "imap-folders.h"
#include "imap-session.h"
#include "log.h"
#include "store-mirror.h"
#include "xmalloc.h"

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

	if ((atts = mailimap_status_att_list_new_empty()) == NULL)
		fatal("out of memory");
	mailimap_status_att_list_add(atts, MAILIMAP_STATUS_ATT_MESSAGES);
	mailimap_status_att_list_add(atts, MAILIMAP_STATUS_ATT_UNSEEN);
	if (mailimap_status(imap_session_imap(s), f->name, atts, &result) ==
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

enum store_status
imap_folders_refresh(struct imap_session *s, struct store_mirror *mirror,
    char **error)
{
	mailimap			*imap = imap_session_imap(s);
	struct imap_folders_seen	 seen;
	struct mailimap_mailbox_list	*mb;
	struct store_folder		 f, old;
	clist				*list = NULL, *lsub = NULL;
	clistiter			*it;
	enum store_status		 status = STORE_OK;
	size_t				 i;
	int				 r;

	memset(&seen, 0, sizeof seen);
	if ((r = mailimap_list(imap, "", "*", &list)) != MAILIMAP_NO_ERROR) {
		*error = imap_session_error(s, r, "LIST");
		return STORE_ERROR;
	}
	if ((r = mailimap_lsub(imap, "", "*", &lsub)) != MAILIMAP_NO_ERROR) {
		*error = imap_session_error(s, r, "LSUB");
		status = STORE_ERROR;
		goto out;
	}
	for (it = clist_begin(list); it != NULL; it = clist_next(it)) {
		mb = clist_content(it);
		memset(&f, 0, sizeof f);
		f.name = mb->mb_name;
		f.delimiter = mb->mb_delimiter;
		imap_folders_attributes(mb->mb_flag, &f);
		if (f.role == STORE_ROLE_NONE)
			f.role = imap_folders_role_from_name(f.name,
			    f.delimiter);
		f.subscribed = imap_folders_is_subscribed(lsub, f.name);
		/* Keep the counts the mirror has if STATUS says nothing. */
		if (store_mirror_folder_get(mirror, f.name, &old) == STORE_OK) {
			f.total = old.total;
			f.unseen = old.unseen;
			store_folder_clear(&old);
		}
		if (!f.noselect)
			imap_folders_status(s, &f);
		if ((status = store_mirror_folder_put(mirror, &f)) != STORE_OK) {
			*error = xasprintf("storing folder %s failed", f.name);
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
	if (list != NULL)
		mailimap_list_result_free(list);
	if (lsub != NULL)
		mailimap_list_result_free(lsub);
	return status;
}
