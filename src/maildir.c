/* maildir: Maildir++ on disk. Every change is a rename or a link, so that
 * a crash, or another client working on the same directories, leaves each
 * message in one piece in one place; a file that vanishes under us was
 * moved by someone else, not an error. */
#include "auto-config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "maildir.h"
#include "paths.h"
#include "xmalloc.h"

/* Longest folder name: the directory name must fit NAME_MAX with its dot
 * and room for what other tools append. */
#define MAILDIR_NAME_MAX	200
/* How many names to try when a new unique name is taken. */
#define MAILDIR_UNIQUE_TRIES	100

struct maildir {
	char		*root;
	int		 fd;		/* the root directory */
	char		*host;		/* for unique names, made safe */
	unsigned	 counter;	/* unique names in this process */
};

/* The flag letters of ":2,", in the ASCII order the names use. */
static const struct {
	char		letter;
	uint32_t	flag;
} maildir_letters[] = {
	{ 'D', STORE_FLAG_DRAFT },
	{ 'F', STORE_FLAG_FLAGGED },
	{ 'P', STORE_FLAG_FORWARDED },
	{ 'R', STORE_FLAG_ANSWERED },
	{ 'S', STORE_FLAG_SEEN },
	{ 'T', STORE_FLAG_DELETED },
};
#define MAILDIR_NLETTERS (sizeof maildir_letters / sizeof maildir_letters[0])

static enum maildir_status
maildir_fail(char **error, enum maildir_status status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static enum maildir_status
maildir_fail(char **error, enum maildir_status status, const char *fmt, ...)
{
	va_list	ap;

	if (error != NULL) {
		va_start(ap, fmt);
		*error = xvasprintf(fmt, ap);
		va_end(ap);
	}
	return status;
}

/* fsync a directory, so a rename into it survives a crash. */
static void
maildir_sync_dir(int fd)
{
	if (fsync(fd) == -1 && errno != EINVAL && errno != EROFS)
		log_warn("%s: fsync: %s", __func__, strerror(errno));
}

/*
 * Rename without replacing: a rename() onto an existing name would lose
 * the message there. RENAME_NOREPLACE where the kernel and file system
 * have it, else link() and unlink() as qmail does.
 */
static int
maildir_rename(int from_fd, const char *from, int to_fd, const char *to)
{
#ifdef RENAME_NOREPLACE
	if (renameat2(from_fd, from, to_fd, to, RENAME_NOREPLACE) == 0)
		return 0;
	if (errno != EINVAL && errno != ENOSYS)
		return -1;
#endif
	if (linkat(from_fd, from, to_fd, to, 0) == -1) {
		if (errno != EPERM && errno != ENOTSUP && errno != EMLINK)
			return -1;
		/* No hard links here (some FUSE, vfat): check, then rename;
		 * the window is the best this file system allows. */
		if (faccessat(to_fd, to, F_OK, AT_EACCESS) == 0) {
			errno = EEXIST;
			return -1;
		}
		return renameat(from_fd, from, to_fd, to);
	}
	if (unlinkat(from_fd, from, 0) == -1 && errno != ENOENT)
		log_warn("%s: unlink %s: %s", __func__, from, strerror(errno));
	return 0;
}

enum maildir_status
maildir_open(const char *root, struct maildir **out, char **error)
{
	static const char *const subs[] = { "tmp", "new", "cur" };
	struct maildir	*md;
	char		 host[256], *p;
	size_t		 i;
	int		 fd;

	*out = NULL;
	if (root == NULL || *root == '\0')
		return maildir_fail(error, MAILDIR_INVALID,
		    "no directory for the store");
	if (paths_mkdir_p(root, 0700, error) != PATHS_OK)
		return MAILDIR_ERROR;
	if ((fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return maildir_fail(error, MAILDIR_ERROR, "%s: %s", root,
		    strerror(errno));
	for (i = 0; i < sizeof subs / sizeof subs[0]; i++) {
		if (mkdirat(fd, subs[i], 0700) == -1 && errno != EEXIST) {
			close(fd);
			return maildir_fail(error, MAILDIR_ERROR, "%s/%s: %s",
			    root, subs[i], strerror(errno));
		}
	}
	md = xcalloc(1, sizeof *md);
	md->root = xstrdup(root);
	md->fd = fd;
	if (gethostname(host, sizeof host) == -1 || *host == '\0')
		snprintf(host, sizeof host, "%s", "localhost");
	host[sizeof host - 1] = '\0';
	/* The Maildir convention: '/' and ':' would break the name. */
	md->host = xstrdup("");
	for (p = host; *p != '\0'; p++) {
		char *next;

		if (*p == '/')
			next = xasprintf("%s\\057", md->host);
		else if (*p == ':')
			next = xasprintf("%s\\072", md->host);
		else if ((unsigned char)*p <= ' ' || *p == 0x7f)
			continue;
		else
			next = xasprintf("%s%c", md->host, *p);
		free(md->host);
		md->host = next;
	}
	*out = md;
	return MAILDIR_OK;
}

void
maildir_close(struct maildir *md)
{
	if (md == NULL)
		return;
	close(md->fd);
	free(md->root);
	free(md->host);
	free(md);
}

const char *
maildir_root(const struct maildir *md)
{
	return md->root;
}

static int
maildir_is_inbox(const char *name)
{
	return strcasecmp(name, MAILDIR_INBOX) == 0;
}

int
maildir_name_is_valid(const char *name)
{
	const char	*p;
	size_t		 len;

	if (name == NULL || *name == '\0')
		return 0;
	if (maildir_is_inbox(name))
		return 1;
	len = strlen(name);
	if (len > MAILDIR_NAME_MAX || name[0] == MAILDIR_DELIMITER ||
	    name[len - 1] == MAILDIR_DELIMITER)
		return 0;
	for (p = name; *p != '\0'; p++) {
		if ((unsigned char)*p < 0x20 || *p == 0x7f || *p == '/')
			return 0;
		if (*p == MAILDIR_DELIMITER && p[1] == MAILDIR_DELIMITER)
			return 0;
	}
	/* notmuch keeps its database in .notmuch at the root. */
	if (strncmp(name, "notmuch", 7) == 0 &&
	    (name[7] == '\0' || name[7] == MAILDIR_DELIMITER))
		return 0;
	return 1;
}

/* The directory of folder name relative to the root. */
static char *
maildir_dir_name(const char *name)
{
	if (maildir_is_inbox(name))
		return xstrdup(".");
	return xasprintf(".%s", name);
}

char *
maildir_folder_path(const struct maildir *md, const char *name)
{
	if (!maildir_name_is_valid(name))
		return NULL;
	if (maildir_is_inbox(name))
		return xstrdup(md->root);
	return xasprintf("%s/.%s", md->root, name);
}

/* Open a folder's directory; -1 with errno (EINVAL: not a valid name). */
static int
maildir_folder_fd(struct maildir *md, const char *name)
{
	char	*dir;
	int	 fd;

	if (!maildir_name_is_valid(name)) {
		errno = EINVAL;
		return -1;
	}
	dir = maildir_dir_name(name);
	fd = openat(md->fd, dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	free(dir);
	return fd;
}

/* A folder's fd, or a status and message naming the folder. */
static enum maildir_status
maildir_folder_open(struct maildir *md, const char *name, int *fd,
    char **error)
{
	if ((*fd = maildir_folder_fd(md, name)) != -1)
		return MAILDIR_OK;
	if (errno == EINVAL)
		return maildir_fail(error, MAILDIR_INVALID,
		    "%s: not a folder name", name != NULL ? name : "");
	if (errno == ENOENT || errno == ENOTDIR)
		return maildir_fail(error, MAILDIR_NOT_FOUND,
		    "%s: no such folder", name);
	return maildir_fail(error, MAILDIR_ERROR, "%s: %s", name,
	    strerror(errno));
}

enum store_role
maildir_role(const char *name)
{
	static const struct {
		const char	*name;
		enum store_role	 role;
	} roles[] = {
		{ "INBOX", STORE_ROLE_INBOX },
		{ "Sent", STORE_ROLE_SENT },
		{ "Sent Messages", STORE_ROLE_SENT },
		{ "Sent Items", STORE_ROLE_SENT },
		{ "Sent Mail", STORE_ROLE_SENT },
		{ "Drafts", STORE_ROLE_DRAFTS },
		{ "Draft", STORE_ROLE_DRAFTS },
		{ "Trash", STORE_ROLE_TRASH },
		{ "Deleted Messages", STORE_ROLE_TRASH },
		{ "Deleted Items", STORE_ROLE_TRASH },
		{ "Bin", STORE_ROLE_TRASH },
		{ "Junk", STORE_ROLE_JUNK },
		{ "Spam", STORE_ROLE_JUNK },
		{ "Junk E-mail", STORE_ROLE_JUNK },
		{ "Archive", STORE_ROLE_ARCHIVE },
		{ "Archives", STORE_ROLE_ARCHIVE },
	};
	size_t	i;

	for (i = 0; name != NULL && i < sizeof roles / sizeof roles[0]; i++) {
		if (strcasecmp(name, roles[i].name) == 0)
			return roles[i].role;
	}
	return STORE_ROLE_NONE;
}

static int
maildir_folder_cmp(const void *a, const void *b)
{
	const struct maildir_folder	*fa = a, *fb = b;

	if (maildir_is_inbox(fa->name) != maildir_is_inbox(fb->name))
		return maildir_is_inbox(fa->name) ? -1 : 1;
	return strcmp(fa->name, fb->name);
}

static void
maildir_folder_add(struct maildir_folder **folders, size_t *n, size_t *size,
    const char *name, int noselect)
{
	struct maildir_folder	*f;

	if (*n == *size) {
		*size = *size == 0 ? 16 : *size * 2;
		*folders = xreallocarray(*folders, *size, sizeof **folders);
	}
	f = &(*folders)[(*n)++];
	f->name = xstrdup(name);
	/* Roles go by the top level only: Lists.Sent is not the Sent. */
	f->role = strchr(name, MAILDIR_DELIMITER) == NULL ?
	    maildir_role(name) : STORE_ROLE_NONE;
	f->noselect = noselect;
}

enum maildir_status
maildir_folders(struct maildir *md, struct maildir_folder **out, size_t *nout,
    char **error)
{
	struct maildir_folder	*folders = NULL, key;
	struct dirent		*d;
	struct stat		 st;
	DIR			*dir;
	char			*cur, *parent;
	size_t			 n = 0, size = 0, i, listed;
	int			 fd;

	*out = NULL;
	*nout = 0;
	if ((fd = dup(md->fd)) == -1 || (dir = fdopendir(fd)) == NULL) {
		if (fd != -1)
			close(fd);
		return maildir_fail(error, MAILDIR_ERROR, "%s: %s", md->root,
		    strerror(errno));
	}
	rewinddir(dir);
	maildir_folder_add(&folders, &n, &size, MAILDIR_INBOX, 0);
	while ((d = readdir(dir)) != NULL) {
		if (d->d_name[0] != '.' || !maildir_name_is_valid(d->d_name + 1)
		    || maildir_is_inbox(d->d_name + 1))
			continue;
		if (d->d_type != DT_DIR && d->d_type != DT_UNKNOWN &&
		    d->d_type != DT_LNK)
			continue;
		/* Only a Maildir is a folder (not .notmuch, .git, ...). */
		cur = xasprintf("%s/cur", d->d_name);
		if (fstatat(md->fd, cur, &st, 0) == 0 && S_ISDIR(st.st_mode))
			maildir_folder_add(&folders, &n, &size, d->d_name + 1,
			    0);
		free(cur);
	}
	closedir(dir);
	qsort(folders, n, sizeof *folders, maildir_folder_cmp);

	/* A level with no directory of its own (.Lists.dev without .Lists)
	 * is listed, so the tree has its parent. */
	listed = n;
	for (i = 0; i < listed; i++) {
		parent = xstrdup(folders[i].name);
		while ((cur = strrchr(parent, MAILDIR_DELIMITER)) != NULL) {
			*cur = '\0';
			key.name = parent;
			if (bsearch(&key, folders, listed, sizeof *folders,
			    maildir_folder_cmp) != NULL)
				break;
			/* Added parents are not in the searched part: check
			 * them by hand. */
			{
				size_t	j;
				int	found = 0;

				for (j = listed; j < n && !found; j++)
					found = strcmp(folders[j].name,
					    parent) == 0;
				if (found)
					break;
			}
			maildir_folder_add(&folders, &n, &size, parent, 1);
		}
		free(parent);
	}
	if (n != listed)
		qsort(folders, n, sizeof *folders, maildir_folder_cmp);
	*out = folders;
	*nout = n;
	return MAILDIR_OK;
}

void
maildir_folders_free(struct maildir_folder *folders, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		free(folders[i].name);
	free(folders);
}

uint32_t
maildir_name_flags(const char *name)
{
	const char	*info;
	uint32_t	 flags = 0;
	size_t		 i;

	if (name == NULL || (info = strchr(name, ':')) == NULL ||
	    strncmp(info, ":2,", 3) != 0)
		return 0;
	for (info += 3; *info != '\0'; info++) {
		for (i = 0; i < MAILDIR_NLETTERS; i++) {
			if (*info == maildir_letters[i].letter)
				flags |= maildir_letters[i].flag;
		}
	}
	return flags;
}

char *
maildir_name_key(const char *name)
{
	return xstrndup(name, strcspn(name, ":"));
}

static int
maildir_char_cmp(const void *a, const void *b)
{
	return *(const unsigned char *)a - *(const unsigned char *)b;
}

char *
maildir_name_with_flags(const char *name, uint32_t flags)
{
	const char	*info;
	char		 letters[128], *out;
	size_t		 n = 0, i, j;

	/* Keep what others put there: dovecot's keyword letters a-z. */
	info = strchr(name, ':');
	if (info != NULL && strncmp(info, ":2,", 3) == 0) {
		for (info += 3; *info != '\0' && n < sizeof letters - 16;
		    info++) {
			if (*info >= 'a' && *info <= 'z')
				letters[n++] = *info;
		}
	}
	for (i = 0; i < MAILDIR_NLETTERS; i++) {
		if (flags & maildir_letters[i].flag)
			letters[n++] = maildir_letters[i].letter;
	}
	qsort(letters, n, 1, maildir_char_cmp);
	for (i = j = 0; i < n; i++) {
		if (j == 0 || letters[j - 1] != letters[i])
			letters[j++] = letters[i];
	}
	letters[j] = '\0';
	out = xasprintf("%.*s:2,%s", (int)strcspn(name, ":"), name, letters);
	return out;
}

/* Split "new/NAME" or "cur/NAME"; 0, or -1 for anything else (a file
 * name from outside must not reach another directory). */
static int
maildir_file_split(const char *file, char *sub, const char **name)
{
	if (file == NULL || (strncmp(file, "new/", 4) != 0 &&
	    strncmp(file, "cur/", 4) != 0))
		return -1;
	*name = file + 4;
	if (**name == '\0' || **name == '.' || strchr(*name, '/') != NULL)
		return -1;
	memcpy(sub, file, 3);
	sub[3] = '\0';
	return 0;
}

char *
maildir_file_path(const struct maildir *md, const char *folder,
    const char *file)
{
	char	*dir, *path;

	if ((dir = maildir_folder_path(md, folder)) == NULL)
		return NULL;
	path = xasprintf("%s/%s", dir, file);
	free(dir);
	return path;
}

/* Entries: by key, cur/ before new/ so a duplicate keeps the cur/ one. */
static int
maildir_entry_cmp(const void *a, const void *b)
{
	const struct maildir_entry	*ea = a, *eb = b;
	int				 d;

	if ((d = strcmp(ea->key, eb->key)) != 0)
		return d;
	return strcmp(ea->file, eb->file);	/* "cur" < "new" */
}

struct maildir_list {
	struct maildir_entry	*entries;
	size_t			 n;
	size_t			 size;
};

/* Read one of new/ and cur/ into list. */
static enum maildir_status
maildir_scan_sub(struct maildir *md, const char *folder, int fd,
    const char *sub, int move_to, struct maildir_list *list, char **error)
{
	struct maildir_entry	*e;
	struct dirent		*d;
	struct stat		 st;
	DIR			*dir;
	char			*renamed;
	int			 subfd, dfd;

	if ((subfd = openat(fd, sub, O_RDONLY | O_DIRECTORY |
	    O_CLOEXEC)) == -1) {
		/* A folder missing new/ or cur/ is a broken Maildir, not a
		 * reason to refuse the rest. */
		if (errno == ENOENT)
			return MAILDIR_OK;
		return maildir_fail(error, MAILDIR_ERROR, "%s/%s: %s", folder,
		    sub, strerror(errno));
	}
	if ((dfd = dup(subfd)) == -1 || (dir = fdopendir(dfd)) == NULL) {
		if (dfd != -1)
			close(dfd);
		close(subfd);
		return maildir_fail(error, MAILDIR_ERROR, "%s/%s: %s", folder,
		    sub, strerror(errno));
	}
	while ((d = readdir(dir)) != NULL) {
		if (d->d_name[0] == '.' || d->d_name[0] == ':' ||
		    d->d_type == DT_DIR)
			continue;
		if (fstatat(subfd, d->d_name, &st, 0) == -1) {
			if (errno != ENOENT)
				log_warn("%s: %s/%s/%s: %s", __func__, folder,
				    sub, d->d_name, strerror(errno));
			continue;	/* gone: moved by someone else */
		}
		if (!S_ISREG(st.st_mode))
			continue;
		if (move_to != -1) {
			/* Moved (by us, or by another client before us):
			 * cur/ is read next and lists it there. */
			renamed = maildir_name_with_flags(d->d_name,
			    maildir_name_flags(d->d_name));
			if (maildir_rename(subfd, d->d_name, move_to,
			    renamed) == 0 || errno == ENOENT) {
				free(renamed);
				continue;
			}
			log_warn("%s: %s/new/%s: %s", __func__, folder,
			    d->d_name, strerror(errno));
			free(renamed);
		}
		if (list->n == list->size) {
			list->size = list->size == 0 ? 256 : list->size * 2;
			list->entries = xreallocarray(list->entries,
			    list->size, sizeof *list->entries);
		}
		e = &list->entries[list->n++];
		e->key = maildir_name_key(d->d_name);
		e->file = xasprintf("%s/%s", sub, d->d_name);
		e->flags = strcmp(sub, "cur") == 0 ?
		    maildir_name_flags(d->d_name) : 0;
		e->size = (uint64_t)st.st_size;
		e->mtime = (int64_t)st.st_mtime;
	}
	closedir(dir);
	close(subfd);
	return MAILDIR_OK;
}

enum maildir_status
maildir_scan(struct maildir *md, const char *folder, int move_new,
    struct maildir_entry **out, size_t *nout, char **error)
{
	struct maildir_list	list;
	enum maildir_status	status;
	size_t			i, j;
	int			fd, curfd = -1;

	*out = NULL;
	*nout = 0;
	if ((status = maildir_folder_open(md, folder, &fd, error)) !=
	    MAILDIR_OK)
		return status;
	memset(&list, 0, sizeof list);
	if (move_new) {
		if (mkdirat(fd, "cur", 0700) == -1 && errno != EEXIST)
			log_warn("%s: %s/cur: %s", __func__, folder,
			    strerror(errno));
		curfd = openat(fd, "cur", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	}
	/* new/ first: a file another client moves to cur/ meanwhile is then
	 * seen in cur/, not missed. */
	status = maildir_scan_sub(md, folder, fd, "new", curfd, &list, error);
	if (status == MAILDIR_OK)
		status = maildir_scan_sub(md, folder, fd, "cur", -1, &list,
		    error);
	if (curfd != -1)
		close(curfd);
	close(fd);
	if (status != MAILDIR_OK) {
		maildir_entries_free(list.entries, list.n);
		return status;
	}
	if (list.n > 1)
		qsort(list.entries, list.n, sizeof *list.entries,
		    maildir_entry_cmp);
	for (i = j = 0; i < list.n; i++) {
		if (j > 0 && strcmp(list.entries[j - 1].key,
		    list.entries[i].key) == 0) {
			log_info("%s: %s: %s is there twice; showing %s",
			    __func__, folder, list.entries[i].key,
			    list.entries[j - 1].file);
			free(list.entries[i].key);
			free(list.entries[i].file);
			continue;
		}
		list.entries[j++] = list.entries[i];
	}
	*out = list.entries;
	*nout = j;
	return MAILDIR_OK;
}

void
maildir_entries_free(struct maildir_entry *entries, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		free(entries[i].key);
		free(entries[i].file);
	}
	free(entries);
}

/* Count the messages in one of new/ and cur/ by name only. */
static void
maildir_count_sub(int fd, const char *sub, uint32_t *total, uint32_t *unseen)
{
	struct dirent	*d;
	DIR		*dir;
	int		 subfd;

	if ((subfd = openat(fd, sub, O_RDONLY | O_DIRECTORY |
	    O_CLOEXEC)) == -1)
		return;
	if ((dir = fdopendir(subfd)) == NULL) {
		close(subfd);
		return;
	}
	while ((d = readdir(dir)) != NULL) {
		if (d->d_name[0] == '.' || d->d_name[0] == ':' ||
		    d->d_type == DT_DIR)
			continue;
		(*total)++;
		if (strcmp(sub, "new") == 0 ||
		    !(maildir_name_flags(d->d_name) & STORE_FLAG_SEEN))
			(*unseen)++;
	}
	closedir(dir);
}

enum maildir_status
maildir_count(struct maildir *md, const char *folder, uint32_t *total,
    uint32_t *unseen, char **error)
{
	enum maildir_status	status;
	uint32_t		t = 0, u = 0;
	int			fd;

	if ((status = maildir_folder_open(md, folder, &fd, error)) !=
	    MAILDIR_OK)
		return status;
	maildir_count_sub(fd, "new", &t, &u);
	maildir_count_sub(fd, "cur", &t, &u);
	close(fd);
	if (total != NULL)
		*total = t;
	if (unseen != NULL)
		*unseen = u;
	return MAILDIR_OK;
}

enum maildir_status
maildir_flags_set(struct maildir *md, const char *folder, const char *file,
    uint32_t flags, char **newfile, char **error)
{
	enum maildir_status	 status;
	const char		*name;
	char			 sub[4], *renamed;
	int			 fd, subfd, curfd;

	if (newfile != NULL)
		*newfile = NULL;
	if (maildir_file_split(file, sub, &name) != 0)
		return maildir_fail(error, MAILDIR_INVALID,
		    "%s: not a message file", file != NULL ? file : "");
	if ((status = maildir_folder_open(md, folder, &fd, error)) !=
	    MAILDIR_OK)
		return status;
	renamed = maildir_name_with_flags(name, flags & MAILDIR_FLAGS);
	if (strcmp(sub, "cur") == 0 && strcmp(renamed, name) == 0) {
		close(fd);
		goto done;
	}
	subfd = openat(fd, sub, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	curfd = openat(fd, "cur", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	close(fd);
	if (subfd == -1 || curfd == -1 ||
	    maildir_rename(subfd, name, curfd, renamed) == -1) {
		int	saved = errno;

		if (subfd != -1)
			close(subfd);
		if (curfd != -1)
			close(curfd);
		free(renamed);
		if (saved == ENOENT)
			return maildir_fail(error, MAILDIR_NOT_FOUND,
			    "%s/%s: gone (moved by another program?)", folder,
			    file);
		return maildir_fail(error, MAILDIR_ERROR, "%s/%s: %s", folder,
		    file, strerror(saved));
	}
	close(subfd);
	close(curfd);
done:
	if (newfile != NULL)
		*newfile = xasprintf("cur/%s", renamed);
	free(renamed);
	return MAILDIR_OK;
}

/* Read a message file: whole within max, or (head) its first max bytes. */
static enum maildir_status
maildir_read_file(struct maildir *md, const char *folder, const char *file,
    size_t max, int head, char **out, size_t *outlen, char **error)
{
	enum maildir_status	 status;
	struct stat		 st;
	const char		*name;
	char			 sub[4], *buf;
	size_t			 len = 0, size, limit;
	ssize_t			 n;
	int			 fd, mfd;

	*out = NULL;
	*outlen = 0;
	if (maildir_file_split(file, sub, &name) != 0)
		return maildir_fail(error, MAILDIR_INVALID,
		    "%s: not a message file", file != NULL ? file : "");
	if ((status = maildir_folder_open(md, folder, &fd, error)) !=
	    MAILDIR_OK)
		return status;
	mfd = openat(fd, file, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	close(fd);
	if (mfd == -1) {
		if (errno == ENOENT)
			return maildir_fail(error, MAILDIR_NOT_FOUND,
			    "%s/%s: gone (moved by another program?)", folder,
			    file);
		return maildir_fail(error, MAILDIR_ERROR, "%s/%s: %s", folder,
		    file, strerror(errno));
	}
	if (fstat(mfd, &st) == -1 || !S_ISREG(st.st_mode)) {
		close(mfd);
		return maildir_fail(error, MAILDIR_ERROR,
		    "%s/%s: not a regular file", folder, file);
	}
	if ((uint64_t)st.st_size > max && !head) {
		close(mfd);
		return maildir_fail(error, MAILDIR_ERROR,
		    "%s/%s: larger than %zu MB", folder, file,
		    max / (1024 * 1024));
	}
	/* The size may change under us (it should not in a Maildir): read
	 * to the end, within max; one byte more tells growth from the end. */
	limit = head || max == SIZE_MAX ? max : max + 1;
	size = (uint64_t)st.st_size < limit ? (size_t)st.st_size + 1 : limit;
	buf = xmalloc(size + 1);
	for (;;) {
		if (len == size) {
			if (size >= limit)
				break;
			size = size < limit / 2 ? size * 2 : limit;
			buf = xreallocarray(buf, size + 1, 1);
		}
		if ((n = read(mfd, buf + len, size - len)) == -1) {
			if (errno == EINTR)
				continue;
			free(buf);
			close(mfd);
			return maildir_fail(error, MAILDIR_ERROR, "%s/%s: %s",
			    folder, file, strerror(errno));
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	if (!head && len > max) {
		free(buf);
		close(mfd);
		return maildir_fail(error, MAILDIR_ERROR,
		    "%s/%s: grew past %zu MB while being read", folder, file,
		    max / (1024 * 1024));
	}
	close(mfd);
	buf[len] = '\0';
	*out = buf;
	*outlen = len;
	return MAILDIR_OK;
}

enum maildir_status
maildir_read(struct maildir *md, const char *folder, const char *file,
    size_t max, char **out, size_t *outlen, char **error)
{
	return maildir_read_file(md, folder, file, max, 0, out, outlen, error);
}

enum maildir_status
maildir_read_head(struct maildir *md, const char *folder, const char *file,
    size_t max, char **out, size_t *outlen, char **error)
{
	return maildir_read_file(md, folder, file, max, 1, out, outlen, error);
}

/* A name no other delivery has: time, microseconds, pid, a counter and
 * the host, as the Maildir description asks. */
static char *
maildir_unique(struct maildir *md)
{
	struct timeval	tv;

	gettimeofday(&tv, NULL);
	return xasprintf("%lld.M%06ldP%ldQ%u.%s", (long long)tv.tv_sec,
	    (long)tv.tv_usec, (long)getpid(), ++md->counter, md->host);
}

/* Write len bytes to a new file in tmp/ of the folder at fd and fsync it;
 * the file's name in *name. */
static enum maildir_status
maildir_write_tmp(struct maildir *md, int fd, const char *folder,
    const char *data, size_t len, char **name, char **error)
{
	size_t	done = 0;
	ssize_t	n;
	int	tmpfd, mfd = -1, tries;

	*name = NULL;
	if (mkdirat(fd, "tmp", 0700) == -1 && errno != EEXIST)
		return maildir_fail(error, MAILDIR_ERROR, "%s/tmp: %s", folder,
		    strerror(errno));
	if ((tmpfd = openat(fd, "tmp", O_RDONLY | O_DIRECTORY |
	    O_CLOEXEC)) == -1)
		return maildir_fail(error, MAILDIR_ERROR, "%s/tmp: %s", folder,
		    strerror(errno));
	for (tries = 0; tries < MAILDIR_UNIQUE_TRIES; tries++) {
		*name = maildir_unique(md);
		mfd = openat(tmpfd, *name, O_WRONLY | O_CREAT | O_EXCL |
		    O_CLOEXEC, 0600);
		if (mfd != -1 || errno != EEXIST)
			break;
		free(*name);
		*name = NULL;
	}
	if (mfd == -1)
		goto fail;
	while (done < len) {
		if ((n = write(mfd, data + done, len - done)) == -1) {
			if (errno == EINTR)
				continue;
			goto fail;
		}
		done += (size_t)n;
	}
	if (fsync(mfd) == -1)
		goto fail;
	if (close(mfd) == -1) {
		mfd = -1;
		goto fail;
	}
	close(tmpfd);
	return MAILDIR_OK;

fail:
	{
		int	saved = errno;

		if (mfd != -1)
			close(mfd);
		if (*name != NULL)
			unlinkat(tmpfd, *name, 0);
		close(tmpfd);
		free(*name);
		*name = NULL;
		return maildir_fail(error, MAILDIR_ERROR, "%s/tmp: %s", folder,
		    strerror(saved));
	}
}

/* Move tmp/NAME of the folder at fd to sub/target and fsync sub/. */
static enum maildir_status
maildir_commit_tmp(int fd, const char *folder, const char *name,
    const char *sub, const char *target, char **error)
{
	int	tmpfd, subfd, saved;

	if (mkdirat(fd, sub, 0700) == -1 && errno != EEXIST)
		return maildir_fail(error, MAILDIR_ERROR, "%s/%s: %s", folder,
		    sub, strerror(errno));
	tmpfd = openat(fd, "tmp", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	subfd = openat(fd, sub, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (tmpfd == -1 || subfd == -1 ||
	    maildir_rename(tmpfd, name, subfd, target) == -1) {
		saved = errno;
		if (tmpfd != -1) {
			unlinkat(tmpfd, name, 0);
			close(tmpfd);
		}
		if (subfd != -1)
			close(subfd);
		return maildir_fail(error, MAILDIR_ERROR, "%s/%s/%s: %s",
		    folder, sub, target, strerror(saved));
	}
	maildir_sync_dir(subfd);
	close(tmpfd);
	close(subfd);
	return MAILDIR_OK;
}

enum maildir_status
maildir_deliver(struct maildir *md, const char *folder, const char *data,
    size_t len, uint32_t flags, char **file, char **error)
{
	enum maildir_status	 status;
	const char		*sub;
	char			*name = NULL, *target;
	int			 fd;

	if (file != NULL)
		*file = NULL;
	if ((status = maildir_folder_open(md, folder, &fd, error)) !=
	    MAILDIR_OK)
		return status;
	if ((status = maildir_write_tmp(md, fd, folder, data, len, &name,
	    error)) != MAILDIR_OK) {
		close(fd);
		return status;
	}
	/* Flags live only in cur/; a message without any is new. */
	flags &= MAILDIR_FLAGS;
	sub = flags != 0 ? "cur" : "new";
	target = flags != 0 ? maildir_name_with_flags(name, flags) :
	    xstrdup(name);
	status = maildir_commit_tmp(fd, folder, name, sub, target, error);
	close(fd);
	if (status == MAILDIR_OK && file != NULL)
		*file = xasprintf("%s/%s", sub, target);
	free(target);
	free(name);
	return status;
}

enum maildir_status
maildir_folder_create(struct maildir *md, const char *name, char **error)
{
	static const char *const subs[] = { "tmp", "new", "cur" };
	char	*dir;
	size_t	 i;
	int	 fd;

	if (!maildir_name_is_valid(name))
		return maildir_fail(error, MAILDIR_INVALID,
		    "%s: not a folder name", name != NULL ? name : "");
	if (maildir_is_inbox(name))
		return maildir_fail(error, MAILDIR_EXISTS, "%s exists", name);
	dir = maildir_dir_name(name);
	if (mkdirat(md->fd, dir, 0700) == -1) {
		int	saved = errno;
		struct stat st;
		char	*cur = xasprintf("%s/cur", dir);

		/* A bare directory (a parent level someone made) becomes
		 * a folder; an existing Maildir is MAILDIR_EXISTS. */
		if (saved != EEXIST || fstatat(md->fd, cur, &st, 0) == 0) {
			free(cur);
			free(dir);
			return maildir_fail(error, saved == EEXIST ?
			    MAILDIR_EXISTS : MAILDIR_ERROR, "%s: %s", name,
			    saved == EEXIST ? "exists" : strerror(saved));
		}
		free(cur);
	}
	if ((fd = openat(md->fd, dir, O_RDONLY | O_DIRECTORY |
	    O_CLOEXEC)) == -1) {
		free(dir);
		return maildir_fail(error, MAILDIR_ERROR, "%s: %s", name,
		    strerror(errno));
	}
	free(dir);
	for (i = 0; i < sizeof subs / sizeof subs[0]; i++) {
		if (mkdirat(fd, subs[i], 0700) == -1 && errno != EEXIST) {
			int	saved = errno;

			close(fd);
			return maildir_fail(error, MAILDIR_ERROR, "%s/%s: %s",
			    name, subs[i], strerror(saved));
		}
	}
	/* Maildir++: marks a folder for quota-aware deliverers. */
	close(openat(fd, "maildirfolder", O_WRONLY | O_CREAT | O_CLOEXEC,
	    0600));
	maildir_sync_dir(fd);
	close(fd);
	maildir_sync_dir(md->fd);
	return MAILDIR_OK;
}

/* The directory names of name and its sub-levels (".name", ".name.x"). */
static char **
maildir_family(struct maildir *md, const char *name, size_t *n)
{
	struct dirent	*d;
	DIR		*dir;
	char		**out = NULL;
	size_t		 len = strlen(name);
	int		 fd;

	*n = 0;
	if ((fd = dup(md->fd)) == -1 || (dir = fdopendir(fd)) == NULL) {
		if (fd != -1)
			close(fd);
		return NULL;
	}
	rewinddir(dir);
	while ((d = readdir(dir)) != NULL) {
		if (d->d_name[0] != '.' || strncmp(d->d_name + 1, name,
		    len) != 0 || (d->d_name[len + 1] != '\0' &&
		    d->d_name[len + 1] != MAILDIR_DELIMITER))
			continue;
		out = xreallocarray(out, *n + 1, sizeof *out);
		out[(*n)++] = xstrdup(d->d_name);
	}
	closedir(dir);
	return out;
}

static void
maildir_family_free(char **names, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

enum maildir_status
maildir_folder_rename(struct maildir *md, const char *from, const char *to,
    char **error)
{
	enum maildir_status	 status = MAILDIR_OK;
	struct stat		 st;
	char			**family, **targets;
	size_t			 n, i;

	if (!maildir_name_is_valid(from) || !maildir_name_is_valid(to) ||
	    maildir_is_inbox(from) || maildir_is_inbox(to))
		return maildir_fail(error, MAILDIR_INVALID,
		    "cannot rename %s to %s", from != NULL ? from : "",
		    to != NULL ? to : "");
	if (strncmp(to, from, strlen(from)) == 0 &&
	    to[strlen(from)] == MAILDIR_DELIMITER)
		return maildir_fail(error, MAILDIR_INVALID,
		    "cannot move %s inside itself", from);
	family = maildir_family(md, from, &n);
	if (n == 0) {
		maildir_family_free(family, n);
		return maildir_fail(error, MAILDIR_NOT_FOUND,
		    "%s: no such folder", from);
	}
	/* Check every target first, so a clash renames nothing. */
	targets = xcalloc(n, sizeof *targets);
	for (i = 0; i < n; i++) {
		targets[i] = xasprintf(".%s%s", to,
		    family[i] + 1 + strlen(from));
		if (strlen(targets[i]) > NAME_MAX ||
		    fstatat(md->fd, targets[i], &st, AT_SYMLINK_NOFOLLOW) ==
		    0) {
			status = maildir_fail(error, MAILDIR_EXISTS,
			    "%s exists", targets[i] + 1);
			goto out;
		}
	}
	for (i = 0; i < n; i++) {
		if (maildir_rename(md->fd, family[i], md->fd, targets[i]) ==
		    -1) {
			status = maildir_fail(error, MAILDIR_ERROR,
			    "%s to %s: %s", family[i] + 1, targets[i] + 1,
			    strerror(errno));
			break;
		}
	}
	maildir_sync_dir(md->fd);
out:
	for (i = 0; i < n; i++)
		free(targets[i]);
	free(targets);
	maildir_family_free(family, n);
	return status;
}

/* Remove a folder directory that was renamed out of sight: its files,
 * its sub-directories' files, then the directories (no deeper). */
static int
maildir_remove_dir(int parent, const char *dirname)
{
	struct dirent	*d, *sd;
	DIR		*dir, *sdir;
	int		 fd, sfd, failed = 0;

	if ((fd = openat(parent, dirname, O_RDONLY | O_DIRECTORY |
	    O_CLOEXEC | O_NOFOLLOW)) == -1)
		return -1;
	if ((dir = fdopendir(fd)) == NULL) {
		close(fd);
		return -1;
	}
	while ((d = readdir(dir)) != NULL) {
		if (strcmp(d->d_name, ".") == 0 || strcmp(d->d_name, "..") == 0)
			continue;
		if (unlinkat(fd, d->d_name, 0) == 0)
			continue;
		if (errno != EISDIR && errno != EPERM) {
			failed = 1;
			continue;
		}
		if ((sfd = openat(fd, d->d_name, O_RDONLY | O_DIRECTORY |
		    O_CLOEXEC | O_NOFOLLOW)) == -1 ||
		    (sdir = fdopendir(sfd)) == NULL) {
			if (sfd != -1)
				close(sfd);
			failed = 1;
			continue;
		}
		while ((sd = readdir(sdir)) != NULL) {
			if (strcmp(sd->d_name, ".") != 0 &&
			    strcmp(sd->d_name, "..") != 0 &&
			    unlinkat(sfd, sd->d_name, 0) == -1)
				failed = 1;
		}
		closedir(sdir);
		if (unlinkat(fd, d->d_name, AT_REMOVEDIR) == -1)
			failed = 1;
	}
	closedir(dir);
	if (unlinkat(parent, dirname, AT_REMOVEDIR) == -1)
		failed = 1;
	return failed ? -1 : 0;
}

enum maildir_status
maildir_folder_delete(struct maildir *md, const char *name, char **error)
{
	enum maildir_status	 status = MAILDIR_OK;
	char			**family, *gone;
	size_t			 n, i;

	if (!maildir_name_is_valid(name) || maildir_is_inbox(name))
		return maildir_fail(error, MAILDIR_INVALID,
		    "cannot delete %s", name != NULL ? name : "");
	family = maildir_family(md, name, &n);
	if (n == 0) {
		maildir_family_free(family, n);
		return maildir_fail(error, MAILDIR_NOT_FOUND,
		    "%s: no such folder", name);
	}
	for (i = 0; i < n; i++) {
		/* Out of sight first (a name no folder can have), so a
		 * crash halfway leaves no half folder in the list. */
		gone = xasprintf("..skua-deleted-%ld-%zu", (long)getpid(), i);
		if (renameat(md->fd, family[i], md->fd, gone) == -1) {
			status = maildir_fail(error, MAILDIR_ERROR, "%s: %s",
			    family[i] + 1, strerror(errno));
			free(gone);
			break;
		}
		if (maildir_remove_dir(md->fd, gone) == -1)
			log_warn("%s: %s: left %s/%s behind: %s", __func__,
			    family[i] + 1, md->root, gone, strerror(errno));
		free(gone);
	}
	maildir_sync_dir(md->fd);
	maildir_family_free(family, n);
	return status;
}

/* Open sub/ of a folder for a transfer; -1 with *error set. */
static int
maildir_sub_fd(struct maildir *md, const char *folder, const char *sub,
    enum maildir_status *status, char **error)
{
	int	fd, subfd;

	if ((*status = maildir_folder_open(md, folder, &fd, error)) !=
	    MAILDIR_OK)
		return -1;
	if (mkdirat(fd, sub, 0700) == -1 && errno != EEXIST) {
		*status = maildir_fail(error, MAILDIR_ERROR, "%s/%s: %s",
		    folder, sub, strerror(errno));
		close(fd);
		return -1;
	}
	subfd = openat(fd, sub, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (subfd == -1)
		*status = maildir_fail(error, MAILDIR_ERROR, "%s/%s: %s",
		    folder, sub, strerror(errno));
	close(fd);
	return subfd;
}

/* The file's name under a new key, with its flags. */
static char *
maildir_rekey(struct maildir *md, const char *name)
{
	char	*unique = maildir_unique(md), *out;

	if (strchr(name, ':') != NULL)
		out = xasprintf("%s%s", unique, strchr(name, ':'));
	else
		out = xstrdup(unique);
	free(unique);
	return out;
}

enum maildir_status
maildir_copy(struct maildir *md, const char *from, const char *file,
    const char *to, char **newfile, char **error)
{
	enum maildir_status	 status;
	const char		*name;
	char			 sub[4], *target = NULL, *buf = NULL;
	char			*tmp = NULL;
	size_t			 len;
	int			 srcfd = -1, dstfd = -1, tofd;

	if (newfile != NULL)
		*newfile = NULL;
	if (maildir_file_split(file, sub, &name) != 0)
		return maildir_fail(error, MAILDIR_INVALID,
		    "%s: not a message file", file != NULL ? file : "");
	if ((srcfd = maildir_sub_fd(md, from, sub, &status, error)) == -1 ||
	    (dstfd = maildir_sub_fd(md, to, sub, &status, error)) == -1)
		goto out;
	target = maildir_rekey(md, name);
	if (linkat(srcfd, name, dstfd, target, 0) == 0) {
		maildir_sync_dir(dstfd);
		status = MAILDIR_OK;
		goto out;
	}
	if (errno == ENOENT) {
		status = maildir_fail(error, MAILDIR_NOT_FOUND,
		    "%s/%s: gone (moved by another program?)", from, file);
		goto out;
	}
	/* No hard links across these directories: write a copy. */
	if ((status = maildir_read(md, from, file, SIZE_MAX / 2, &buf, &len,
	    error)) != MAILDIR_OK)
		goto out;
	if ((status = maildir_folder_open(md, to, &tofd, error)) != MAILDIR_OK)
		goto out;
	status = maildir_write_tmp(md, tofd, to, buf, len, &tmp, error);
	if (status == MAILDIR_OK)
		status = maildir_commit_tmp(tofd, to, tmp, sub, target, error);
	close(tofd);
out:
	if (status == MAILDIR_OK && target != NULL && newfile != NULL)
		*newfile = xasprintf("%s/%s", sub, target);
	if (srcfd != -1)
		close(srcfd);
	if (dstfd != -1)
		close(dstfd);
	free(target);
	free(tmp);
	free(buf);
	return status;
}

/* Unlink a message file (purge checks the folder first). */
static enum maildir_status
maildir_unlink(struct maildir *md, const char *folder, const char *file,
    char **error)
{
	enum maildir_status	 status;
	const char		*name;
	char			 sub[4];
	int			 subfd;

	if (maildir_file_split(file, sub, &name) != 0)
		return maildir_fail(error, MAILDIR_INVALID,
		    "%s: not a message file", file != NULL ? file : "");
	if ((subfd = maildir_sub_fd(md, folder, sub, &status, error)) == -1)
		return status;
	if (unlinkat(subfd, name, 0) == -1) {
		int	saved = errno;

		close(subfd);
		return maildir_fail(error, saved == ENOENT ? MAILDIR_NOT_FOUND :
		    MAILDIR_ERROR, "%s/%s: %s", folder, file, saved == ENOENT ?
		    "gone (moved by another program?)" : strerror(saved));
	}
	maildir_sync_dir(subfd);
	close(subfd);
	return MAILDIR_OK;
}

enum maildir_status
maildir_move(struct maildir *md, const char *from, const char *file,
    const char *to, char **newfile, char **error)
{
	enum maildir_status	 status;
	const char		*name;
	char			 sub[4], *target = NULL;
	int			 srcfd = -1, dstfd = -1, tries, moved = 0;
	int			 saved = 0;

	if (newfile != NULL)
		*newfile = NULL;
	if (maildir_file_split(file, sub, &name) != 0)
		return maildir_fail(error, MAILDIR_INVALID,
		    "%s: not a message file", file != NULL ? file : "");
	if (maildir_name_is_valid(from) && maildir_name_is_valid(to) &&
	    (strcmp(from, to) == 0 || (maildir_is_inbox(from) &&
	    maildir_is_inbox(to)))) {
		if (newfile != NULL)
			*newfile = xstrdup(file);
		return MAILDIR_OK;
	}
	if ((srcfd = maildir_sub_fd(md, from, sub, &status, error)) == -1 ||
	    (dstfd = maildir_sub_fd(md, to, sub, &status, error)) == -1)
		goto out;
	target = xstrdup(name);
	for (tries = 0; tries < MAILDIR_UNIQUE_TRIES; tries++) {
		if (maildir_rename(srcfd, name, dstfd, target) == 0) {
			moved = 1;
			break;
		}
		if ((saved = errno) != EEXIST)
			break;
		/* The target has this key (a copy made before): move under
		 * a new one. */
		free(target);
		target = maildir_rekey(md, name);
	}
	if (moved) {
		maildir_sync_dir(dstfd);
		maildir_sync_dir(srcfd);
		status = MAILDIR_OK;
		if (newfile != NULL)
			*newfile = xasprintf("%s/%s", sub, target);
	} else if (saved == EXDEV) {
		/* Another file system (a folder that is a symlink): copy,
		 * then remove the original. */
		status = maildir_copy(md, from, file, to, newfile, error);
		if (status == MAILDIR_OK &&
		    (status = maildir_unlink(md, from, file, error)) !=
		    MAILDIR_OK && newfile != NULL) {
			free(*newfile);
			*newfile = NULL;
		}
	} else
		status = maildir_fail(error, saved == ENOENT ?
		    MAILDIR_NOT_FOUND : MAILDIR_ERROR, "%s/%s to %s: %s", from,
		    file, to, saved == ENOENT ? "gone (moved by another "
		    "program?)" : strerror(saved));
out:
	if (srcfd != -1)
		close(srcfd);
	if (dstfd != -1)
		close(dstfd);
	free(target);
	return status;
}

char *
maildir_trash_name(struct maildir *md)
{
	struct maildir_folder	*folders;
	char			*name = NULL;
	size_t			 n, i;

	if (maildir_folders(md, &folders, &n, NULL) == MAILDIR_OK) {
		for (i = 0; i < n && name == NULL; i++) {
			if (folders[i].role == STORE_ROLE_TRASH &&
			    !folders[i].noselect)
				name = xstrdup(folders[i].name);
		}
		maildir_folders_free(folders, n);
	}
	return name != NULL ? name : xstrdup("Trash");
}

enum maildir_status
maildir_delete(struct maildir *md, const char *folder, const char *file,
    char **newfile, char **error)
{
	enum maildir_status	 status;
	char			*trash = maildir_trash_name(md);

	if (newfile != NULL)
		*newfile = NULL;
	if (strcmp(folder, trash) == 0) {
		/* Already in Trash: deleting for good is purge's. */
		free(trash);
		if (newfile != NULL)
			*newfile = xstrdup(file);
		return MAILDIR_OK;
	}
	status = maildir_folder_create(md, trash, NULL);
	if (status != MAILDIR_OK && status != MAILDIR_EXISTS) {
		status = maildir_fail(error, MAILDIR_ERROR,
		    "cannot make the folder %s", trash);
		free(trash);
		return status;
	}
	status = maildir_move(md, folder, file, trash, newfile, error);
	free(trash);
	return status;
}

enum maildir_status
maildir_purge(struct maildir *md, const char *folder, const char *file,
    char **error)
{
	enum maildir_status	 status;
	char			*trash = maildir_trash_name(md);

	/* Mail goes for good only from Trash, where delete put it. */
	if (folder == NULL || strcmp(folder, trash) != 0) {
		status = maildir_fail(error, MAILDIR_INVALID,
		    "messages are purged only from %s", trash);
		free(trash);
		return status;
	}
	free(trash);
	return maildir_unlink(md, folder, file, error);
}
