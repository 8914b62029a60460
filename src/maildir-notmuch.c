/* maildir-notmuch: libnotmuch as skua writes to it. notmuch's own
 * index_file applies no tags and reads no flags, so what `notmuch new`
 * does on top of it is done here: default tags for new messages, then
 * maildir_flags_to_tags, which reads every file of the message. */
#include "auto-config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <notmuch.h>

#include "log.h"
#include "maildir-notmuch.h"
#include "xmalloc.h"

/* The longest file name given to notmuch (see maildir_notmuch_name_fits);
 * Maildir names are well under 100 bytes. */
#define MAILDIR_NOTMUCH_MAX_NAME	200

struct maildir_notmuch {
	char			*root;
	notmuch_database_t	*db;
};

static enum maildir_notmuch_status
maildir_notmuch_fail(struct maildir_notmuch *nm, notmuch_status_t st,
    const char *what, const char *path, char **error)
{
	const char	*detail = nm != NULL && nm->db != NULL ?
			    notmuch_database_status_string(nm->db) : NULL;

	if (error != NULL)
		*error = xasprintf("notmuch: %s %s: %s%s%s", what, path,
		    notmuch_status_to_string(st), detail != NULL ? ": " : "",
		    detail != NULL ? detail : "");
	return MAILDIR_NOTMUCH_ERROR;
}

enum maildir_notmuch_status
maildir_notmuch_open(const char *root, struct maildir_notmuch **out,
    char **error)
{
	notmuch_database_t	*db = NULL;
	notmuch_status_t	 st;
	struct stat		 sb;
	char			*dir, *message = NULL;

	*out = NULL;
	/* config_path "": no ~/.notmuch-config needed or read; the store's
	 * database is the store's, whatever the user set up elsewhere. */
	dir = xasprintf("%s/.notmuch", root);
	if (stat(dir, &sb) == -1 && errno == ENOENT)
		st = notmuch_database_create_with_config(root, "", NULL, &db,
		    &message);
	else
		st = notmuch_database_open_with_config(root,
		    NOTMUCH_DATABASE_MODE_READ_WRITE, "", NULL, &db, &message);
	free(dir);
	if (st != NOTMUCH_STATUS_SUCCESS) {
		if (error != NULL)
			*error = xasprintf("notmuch: %s: %s%s%s", root,
			    notmuch_status_to_string(st), message != NULL ?
			    ": " : "", message != NULL ? message : "");
		free(message);
		if (db != NULL)
			notmuch_database_destroy(db);
		return MAILDIR_NOTMUCH_ERROR;
	}
	free(message);
	*out = xcalloc(1, sizeof **out);
	(*out)->root = xstrdup(root);
	(*out)->db = db;
	return MAILDIR_NOTMUCH_OK;
}

void
maildir_notmuch_close(struct maildir_notmuch *nm)
{
	notmuch_status_t	st;

	if (nm == NULL)
		return;
	if ((st = notmuch_database_close(nm->db)) != NOTMUCH_STATUS_SUCCESS)
		log_warn("%s: %s: %s", __func__, nm->root,
		    notmuch_status_to_string(st));
	notmuch_database_destroy(nm->db);
	free(nm->root);
	free(nm);
}

/* Tags from the flags of all the message's files. */
static enum maildir_notmuch_status
maildir_notmuch_sync_tags(struct maildir_notmuch *nm, notmuch_message_t *msg,
    const char *path, char **error)
{
	notmuch_status_t	st;

	if ((st = notmuch_message_maildir_flags_to_tags(msg)) !=
	    NOTMUCH_STATUS_SUCCESS)
		return maildir_notmuch_fail(nm, st, "tags for", path, error);
	return MAILDIR_NOTMUCH_OK;
}

/*
 * notmuch keeps a file's name in one Xapian term, and a term past 245
 * bytes is an internal error that ends the process: such names (no
 * Maildir writer makes them, but a directory can hold anything) are
 * refused here instead.
 */
static int
maildir_notmuch_name_fits(const char *path)
{
	const char	*name = strrchr(path, '/');

	return strlen(name != NULL ? name + 1 : path) <=
	    MAILDIR_NOTMUCH_MAX_NAME;
}

enum maildir_notmuch_status
maildir_notmuch_add(struct maildir_notmuch *nm, const char *path,
    char **error)
{
	notmuch_message_t		*msg = NULL;
	notmuch_status_t		 st;
	enum maildir_notmuch_status	 status;

	if (!maildir_notmuch_name_fits(path)) {
		if (error != NULL)
			*error = xasprintf("notmuch: %s: the file name is too "
			    "long to index", path);
		return MAILDIR_NOTMUCH_ERROR;
	}
	st = notmuch_database_index_file(nm->db, path, NULL, &msg);
	if (st != NOTMUCH_STATUS_SUCCESS &&
	    st != NOTMUCH_STATUS_DUPLICATE_MESSAGE_ID)
		return maildir_notmuch_fail(nm, st, "index", path, error);
	/* New mail is in the inbox and unread until its flags say it was
	 * read; a known message keeps its tags. */
	if (st == NOTMUCH_STATUS_SUCCESS) {
		notmuch_message_freeze(msg);
		notmuch_message_add_tag(msg, "inbox");
		notmuch_message_add_tag(msg, "unread");
		notmuch_message_thaw(msg);
	}
	status = maildir_notmuch_sync_tags(nm, msg, path, error);
	notmuch_message_destroy(msg);
	return status;
}

enum maildir_notmuch_status
maildir_notmuch_rename(struct maildir_notmuch *nm, const char *from,
    const char *to, char **error)
{
	notmuch_message_t		*msg = NULL;
	notmuch_status_t		 st;
	enum maildir_notmuch_status	 status;
	int				 known;

	if (from == NULL || strcmp(from, to) == 0)
		return from == NULL ? maildir_notmuch_add(nm, to, error) :
		    maildir_notmuch_flags(nm, to, error);
	known = maildir_notmuch_has(nm, from);
	if (!known || !maildir_notmuch_name_fits(to))
		return maildir_notmuch_add(nm, to, error);
	/* The new name first, so the message never has no file and never
	 * loses its tags. */
	st = notmuch_database_index_file(nm->db, to, NULL, &msg);
	if (st != NOTMUCH_STATUS_SUCCESS &&
	    st != NOTMUCH_STATUS_DUPLICATE_MESSAGE_ID)
		return maildir_notmuch_fail(nm, st, "index", to, error);
	notmuch_message_destroy(msg);
	msg = NULL;
	st = notmuch_database_remove_message(nm->db, from);
	if (st != NOTMUCH_STATUS_SUCCESS &&
	    st != NOTMUCH_STATUS_DUPLICATE_MESSAGE_ID)
		log_warn("%s: %s: %s", __func__, from,
		    notmuch_status_to_string(st));
	st = notmuch_database_find_message_by_filename(nm->db, to, &msg);
	if (st != NOTMUCH_STATUS_SUCCESS || msg == NULL)
		return maildir_notmuch_fail(nm, st, "find", to, error);
	status = maildir_notmuch_sync_tags(nm, msg, to, error);
	notmuch_message_destroy(msg);
	return status;
}

enum maildir_notmuch_status
maildir_notmuch_remove(struct maildir_notmuch *nm, const char *path,
    char **error)
{
	notmuch_status_t	st;

	if (!maildir_notmuch_has(nm, path))
		return MAILDIR_NOTMUCH_NOT_FOUND;
	st = notmuch_database_remove_message(nm->db, path);
	if (st != NOTMUCH_STATUS_SUCCESS &&
	    st != NOTMUCH_STATUS_DUPLICATE_MESSAGE_ID)
		return maildir_notmuch_fail(nm, st, "remove", path, error);
	return MAILDIR_NOTMUCH_OK;
}

enum maildir_notmuch_status
maildir_notmuch_flags(struct maildir_notmuch *nm, const char *path,
    char **error)
{
	notmuch_message_t		*msg = NULL;
	notmuch_status_t		 st;
	enum maildir_notmuch_status	 status;

	st = notmuch_database_find_message_by_filename(nm->db, path, &msg);
	if (st != NOTMUCH_STATUS_SUCCESS)
		return maildir_notmuch_fail(nm, st, "find", path, error);
	if (msg == NULL)
		return MAILDIR_NOTMUCH_NOT_FOUND;
	status = maildir_notmuch_sync_tags(nm, msg, path, error);
	notmuch_message_destroy(msg);
	return status;
}

int
maildir_notmuch_has(struct maildir_notmuch *nm, const char *path)
{
	notmuch_message_t	*msg = NULL;

	if (!maildir_notmuch_name_fits(path) ||
	    notmuch_database_find_message_by_filename(nm->db, path, &msg) !=
	    NOTMUCH_STATUS_SUCCESS || msg == NULL)
		return 0;
	notmuch_message_destroy(msg);
	return 1;
}

enum maildir_notmuch_status
maildir_notmuch_index_files(const char *root, const char *const *paths,
    size_t n, char **error)
{
	struct maildir_notmuch		*nm;
	enum maildir_notmuch_status	 status, first = MAILDIR_NOTMUCH_OK;
	char				*why = NULL;
	size_t				 i;

	if (n == 0)
		return MAILDIR_NOTMUCH_OK;
	if ((status = maildir_notmuch_open(root, &nm, error)) !=
	    MAILDIR_NOTMUCH_OK)
		return status;
	for (i = 0; i < n; i++) {
		if (maildir_notmuch_has(nm, paths[i]))
			status = maildir_notmuch_flags(nm, paths[i], &why);
		else
			status = maildir_notmuch_add(nm, paths[i], &why);
		if (status == MAILDIR_NOTMUCH_ERROR) {
			log_warn("%s: %s", __func__, why);
			if (first == MAILDIR_NOTMUCH_OK) {
				first = status;
				if (error != NULL)
					*error = why;
				else
					free(why);
			} else
				free(why);
			why = NULL;
		}
	}
	maildir_notmuch_close(nm);
	return first;
}
