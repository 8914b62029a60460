/* store-cache: parts fetched from IMAP, on disk, one file each; partial
 * downloads resume, and only a commit makes a file look complete. */
#include "auto-config.h"

#include <sys/file.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "intl.h"
#include "log.h"
#include "paths.h"
#include "store-cache.h"
#include "xmalloc.h"

/* Longest section accepted ("1.2.3.MIME" is 10): far above real nesting. */
#define STORE_CACHE_SECTION_MAX	64
/* The suffix of a part still being written. */
#define STORE_CACHE_PARTIAL	".partial"
/* How deep drop_folder descends: <uidvalidity>/<file>, and one spare. */
#define STORE_CACHE_DEPTH	3

struct store_cache {
	char	*dir;
};

struct store_cache_writer {
	int		 fd;
	char		*dir;		/* of both names; fsynced on commit */
	char		*partial;
	char		*final;
	uint64_t	 size;
	int		 failed;
};

/* The keywords a section may end with; MIME only after a part number. */
static const char *store_cache_keywords[] = { "MIME", "HEADER", "TEXT" };
#define STORE_CACHE_NKEYWORDS \
	(sizeof store_cache_keywords / sizeof store_cache_keywords[0])

/* Check a section specifier and write its file-name form (upper case, "all"
 * for the whole message) to out; -1 if it is not one we cache. */
static int
store_cache_section_name(const char *section, char *out, size_t size)
{
	const char	*p, *end;
	size_t		 len, i, k;
	int		 numbers = 0, keyword;

	if (section == NULL || *section == '\0') {
		snprintf(out, size, "all");
		return 0;
	}
	len = strlen(section);
	if (len > STORE_CACHE_SECTION_MAX || len >= size)
		return -1;
	for (p = section; ; p = end + 1) {
		if ((end = strchr(p, '.')) == NULL)
			end = p + strlen(p);
		len = end - p;
		if (len == 0)
			return -1;
		if (isdigit((unsigned char)*p)) {
			if (*p == '0' || len > 10)
				return -1;
			for (i = 0; i < len; i++) {
				if (!isdigit((unsigned char)p[i]))
					return -1;
			}
			numbers++;
		} else {
			keyword = -1;
			for (k = 0; k < STORE_CACHE_NKEYWORDS; k++) {
				if (strlen(store_cache_keywords[k]) == len &&
				    strncasecmp(p, store_cache_keywords[k],
				    len) == 0)
					keyword = (int)k;
			}
			/* A keyword ends the section; MIME needs a part. */
			if (keyword == -1 || *end != '\0' ||
			    (keyword == 0 && numbers == 0))
				return -1;
		}
		if (*end == '\0')
			break;
	}
	for (i = 0; section[i] != '\0'; i++)
		out[i] = toupper((unsigned char)section[i]);
	out[i] = '\0';
	return 0;
}

/* The folder's directory name: hex SHA-256 of its name, so no name (with
 * '/', "..", NUL-free UTF-8 of any length) can reach the file system. */
static void
store_cache_folder_name(const char *folder, char out[65])
{
	unsigned char	md[EVP_MAX_MD_SIZE];
	unsigned int	mdlen = 0, i;

	if (EVP_Digest(folder, strlen(folder), md, &mdlen, EVP_sha256(),
	    NULL) != 1 || mdlen != 32)
		fatal("%s: SHA-256 failed", __func__);
	for (i = 0; i < mdlen; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
}

/* The directory of (folder, uidvalidity) and the file name of (uid,
 * section) in it; -1 for an invalid key. */
static int
store_cache_key(struct store_cache *c, const char *folder,
    uint32_t uidvalidity, uint32_t uid, const char *section, char **dir,
    char **file)
{
	char	name[STORE_CACHE_SECTION_MAX + 1], hash[65];

	if (c == NULL || folder == NULL || uid == 0 ||
	    store_cache_section_name(section, name, sizeof name) != 0)
		return -1;
	store_cache_folder_name(folder, hash);
	*dir = xasprintf("%s/%s/%" PRIu32, c->dir, hash, uidvalidity);
	*file = xasprintf("%" PRIu32 "-%s", uid, name);
	return 0;
}

enum store_cache_status
store_cache_open(const char *dir, struct store_cache **out, char **error)
{
	struct store_cache	*c;

	*out = NULL;
	if (dir == NULL || *dir == '\0') {
		*error = xstrdup(_("no cache directory"));
		return STORE_CACHE_INVALID;
	}
	if (paths_mkdir_p(dir, 0700, error) != PATHS_OK)
		return STORE_CACHE_ERROR;
	c = xcalloc(1, sizeof *c);
	c->dir = xstrdup(dir);
	*out = c;
	return STORE_CACHE_OK;
}

void
store_cache_close(struct store_cache *c)
{
	if (c == NULL)
		return;
	free(c->dir);
	free(c);
}

const char *
store_cache_dir(struct store_cache *c)
{
	return c->dir;
}

char *
store_cache_path(struct store_cache *c, const char *folder,
    uint32_t uidvalidity, uint32_t uid, const char *section)
{
	char	*dir, *file, *path;

	if (store_cache_key(c, folder, uidvalidity, uid, section, &dir,
	    &file) != 0)
		return NULL;
	path = xasprintf("%s/%s", dir, file);
	free(dir);
	free(file);
	return path;
}

int
store_cache_has(struct store_cache *c, const char *folder,
    uint32_t uidvalidity, uint32_t uid, const char *section)
{
	struct stat	 sb;
	char		*path;
	int		 found;

	path = store_cache_path(c, folder, uidvalidity, uid, section);
	if (path == NULL)
		return 0;
	found = lstat(path, &sb) == 0 && S_ISREG(sb.st_mode);
	free(path);
	return found;
}

enum store_cache_status
store_cache_read(struct store_cache *c, const char *folder,
    uint32_t uidvalidity, uint32_t uid, const char *section, size_t max,
    char **data, size_t *len, char **error)
{
	enum store_cache_status	 status = STORE_CACHE_ERROR;
	struct stat		 sb;
	char			*path, *buf = NULL;
	size_t			 have = 0;
	ssize_t			 n;
	int			 fd = -1;

	*data = NULL;
	*len = 0;
	path = store_cache_path(c, folder, uidvalidity, uid, section);
	if (path == NULL) {
		*error = xstrdup(_("not a part the cache can hold"));
		return STORE_CACHE_INVALID;
	}
	if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) == -1) {
		if (errno == ENOENT) {
			status = STORE_CACHE_NOT_FOUND;
			goto out;
		}
		*error = xasprintf("%s: %s", path, strerror(errno));
		goto out;
	}
	if (fstat(fd, &sb) == -1 || !S_ISREG(sb.st_mode)) {
		*error = xasprintf(_("%s: not a regular file"), path);
		goto out;
	}
	if ((uint64_t)sb.st_size > max) {
		*error = xasprintf(_("%s: %jd bytes, more than %zu"), path,
		    (intmax_t)sb.st_size, max);
		status = STORE_CACHE_TOO_BIG;
		goto out;
	}
	/* A committed file never changes (a new one replaces it by rename),
	 * but read no more than max whatever happens. */
	buf = xmalloc((size_t)sb.st_size + 1);
	while (have < (size_t)sb.st_size) {
		n = read(fd, buf + have, (size_t)sb.st_size - have);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			*error = xasprintf("%s: %s", path, strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		have += n;
	}
	buf[have] = '\0';
	*data = buf;
	*len = have;
	buf = NULL;
	status = STORE_CACHE_OK;
out:
	if (fd != -1)
		close(fd);
	free(buf);
	free(path);
	return status;
}

/* Open and lock the partial; -1 and errno on failure (EWOULDBLOCK: another
 * writer has it). The lock is on the inode, so check that the name still
 * leads to it: a writer that aborted or committed meanwhile replaced it. */
static int
store_cache_open_partial(const char *path, uint64_t *size)
{
	struct stat	 sb, now;
	int		 fd, tries, saved;

	for (tries = 0; tries < 5; tries++) {
		fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_NOFOLLOW |
		    O_CLOEXEC, 0600);
		if (fd == -1)
			return -1;
		if (flock(fd, LOCK_EX | LOCK_NB) == -1)
			goto fail;
		if (fstat(fd, &sb) == -1)
			goto fail;
		if (!S_ISREG(sb.st_mode)) {
			errno = EINVAL;
			goto fail;
		}
		if (lstat(path, &now) == 0 && now.st_dev == sb.st_dev &&
		    now.st_ino == sb.st_ino) {
			*size = sb.st_size;
			return fd;
		}
		close(fd);
	}
	errno = EWOULDBLOCK;
	return -1;
fail:
	saved = errno;
	close(fd);
	errno = saved;
	return -1;
}

enum store_cache_status
store_cache_begin(struct store_cache *c, const char *folder,
    uint32_t uidvalidity, uint32_t uid, const char *section,
    struct store_cache_writer **out, uint64_t *resume_offset, char **error)
{
	struct store_cache_writer	*w;
	char				*dir, *file;
	uint64_t			 size = 0;
	int				 fd;

	*out = NULL;
	*resume_offset = 0;
	if (store_cache_key(c, folder, uidvalidity, uid, section, &dir,
	    &file) != 0) {
		*error = xstrdup(_("not a part the cache can hold"));
		return STORE_CACHE_INVALID;
	}
	w = xcalloc(1, sizeof *w);
	w->fd = -1;
	w->dir = dir;
	w->final = xasprintf("%s/%s", dir, file);
	w->partial = xasprintf("%s%s", w->final, STORE_CACHE_PARTIAL);
	free(file);
	if (paths_mkdir_p(dir, 0700, error) != PATHS_OK) {
		store_cache_abort(w, 1);
		return STORE_CACHE_ERROR;
	}
	if ((fd = store_cache_open_partial(w->partial, &size)) == -1) {
		if (errno == EWOULDBLOCK) {
			*error = xasprintf(_("%s: another download of this "
			    "part is under way"), w->partial);
			store_cache_abort(w, 1);
			return STORE_CACHE_BUSY;
		}
		*error = xasprintf("%s: %s", w->partial, strerror(errno));
		store_cache_abort(w, 1);
		return STORE_CACHE_ERROR;
	}
	w->fd = fd;
	w->size = size;
	*resume_offset = size;
	*out = w;
	log_debug("%s: %s from %" PRIu64, __func__, w->partial, size);
	return STORE_CACHE_OK;
}

enum store_cache_status
store_cache_write(struct store_cache_writer *w, const void *buf, size_t len,
    char **error)
{
	const char	*p = buf;
	ssize_t		 n;

	if (w->failed) {
		*error = xasprintf(_("%s: an earlier write failed"),
		    w->partial);
		return STORE_CACHE_ERROR;
	}
	while (len > 0) {
		n = write(w->fd, p, len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0) {
			/* Whatever reached the file is still a prefix. */
			w->failed = 1;
			*error = xasprintf("%s: %s", w->partial, n == 0 ?
			    _("nothing written") : strerror(errno));
			log_warn("%s: %s", __func__, *error);
			return STORE_CACHE_ERROR;
		}
		p += n;
		len -= n;
		w->size += n;
	}
	return STORE_CACHE_OK;
}

uint64_t
store_cache_written(struct store_cache_writer *w)
{
	return w->size;
}

/* Make the directory's entries (a rename) durable. */
static int
store_cache_sync_dir(const char *dir)
{
	int	fd, r, saved;

	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return -1;
	r = fsync(fd);
	saved = errno;
	close(fd);
	errno = saved;
	return r;
}

enum store_cache_status
store_cache_commit(struct store_cache_writer *w, char **error)
{
	if (w->failed) {
		*error = xasprintf(_("%s: not complete (a write failed)"),
		    w->partial);
		store_cache_abort(w, 1);
		return STORE_CACHE_ERROR;
	}
	/* The data first, then the name: a crash never leaves a complete
	 * name on incomplete data. The lock is held until the rename. */
	if (fsync(w->fd) == -1) {
		*error = xasprintf("%s: %s", w->partial, strerror(errno));
		store_cache_abort(w, 0);
		return STORE_CACHE_ERROR;
	}
	if (rename(w->partial, w->final) == -1) {
		*error = xasprintf("%s: %s", w->final, strerror(errno));
		store_cache_abort(w, 0);
		return STORE_CACHE_ERROR;
	}
	if (store_cache_sync_dir(w->dir) == -1) {
		/* The file is complete; only its name may not survive a
		 * crash, which a cache can afford. */
		log_warn("%s: %s: %s", __func__, w->dir, strerror(errno));
	}
	log_debug("%s: %s, %" PRIu64 " bytes", __func__, w->final, w->size);
	close(w->fd);
	w->fd = -1;
	store_cache_abort(w, 1);
	return STORE_CACHE_OK;
}

void
store_cache_abort(struct store_cache_writer *w, int keep_partial)
{
	if (w == NULL)
		return;
	if (w->fd != -1) {
		/* Unlink while still holding the lock (see open_partial). */
		if (!keep_partial)
			unlink(w->partial);
		close(w->fd);
	}
	free(w->dir);
	free(w->partial);
	free(w->final);
	free(w);
}

/* Remove name in the directory dirfd and everything under it, at most
 * depth levels down and without following symbolic links. */
static int
store_cache_remove(int parent, const char *name, int depth)
{
	struct dirent	*e;
	DIR		*d;
	int		 fd, r = 0, saved;

	if (unlinkat(parent, name, 0) == 0 || errno == ENOENT)
		return 0;
	if (errno != EISDIR && errno != EPERM)
		return -1;
	if (depth == 0) {
		errno = ENOTEMPTY;
		return -1;
	}
	fd = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC);
	if (fd == -1)
		return -1;
	if ((d = fdopendir(fd)) == NULL) {
		saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	while (r == 0 && (e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		r = store_cache_remove(dirfd(d), e->d_name, depth - 1);
	}
	saved = errno;
	closedir(d);
	if (r != 0) {
		errno = saved;
		return -1;
	}
	if (unlinkat(parent, name, AT_REMOVEDIR) == -1 && errno != ENOENT)
		return -1;
	return 0;
}

enum store_cache_status
store_cache_drop_folder(struct store_cache *c, const char *folder,
    char **error)
{
	char	hash[65], *path;

	if (c == NULL || folder == NULL) {
		*error = xstrdup(_("no folder"));
		return STORE_CACHE_INVALID;
	}
	store_cache_folder_name(folder, hash);
	path = xasprintf("%s/%s", c->dir, hash);
	if (store_cache_remove(AT_FDCWD, path, STORE_CACHE_DEPTH) == -1) {
		*error = xasprintf("%s: %s", path, strerror(errno));
		free(path);
		return STORE_CACHE_ERROR;
	}
	log_debug("%s: dropped %s (%s)", __func__, path, folder);
	free(path);
	return STORE_CACHE_OK;
}

enum store_cache_status
store_cache_drop_message(struct store_cache *c, const char *folder,
    uint32_t uidvalidity, uint32_t uid, char **error)
{
	enum store_cache_status	 status = STORE_CACHE_ERROR;
	struct dirent		*e;
	DIR			*d = NULL;
	char			*dir = NULL, *file = NULL, prefix[16];
	size_t			 plen;

	if (store_cache_key(c, folder, uidvalidity, uid, NULL, &dir,
	    &file) != 0) {
		*error = xstrdup(_("no folder or no UID"));
		return STORE_CACHE_INVALID;
	}
	plen = (size_t)snprintf(prefix, sizeof prefix, "%" PRIu32 "-", uid);
	if ((d = opendir(dir)) == NULL) {
		if (errno == ENOENT) {
			status = STORE_CACHE_OK;
			goto out;
		}
		*error = xasprintf("%s: %s", dir, strerror(errno));
		goto out;
	}
	while ((e = readdir(d)) != NULL) {
		if (strncmp(e->d_name, prefix, plen) != 0)
			continue;
		if (unlinkat(dirfd(d), e->d_name, 0) == -1 &&
		    errno != ENOENT) {
			*error = xasprintf("%s/%s: %s", dir, e->d_name,
			    strerror(errno));
			goto out;
		}
	}
	status = STORE_CACHE_OK;
out:
	if (d != NULL)
		closedir(d);
	free(dir);
	free(file);
	return status;
}
