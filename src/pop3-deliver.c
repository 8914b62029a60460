/* pop3-deliver: a message is in the store only once it is complete on disk
 * under new/: written under tmp/, fsynced, then linked (an atomic name) into
 * new/. A crash leaves at most a file in tmp/, which the download journal
 * names so it can be removed. Files are stored with LF line ends, as local
 * Maildir readers (notmuch, mutt) expect. */
#include "auto-config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/rand.h>

#include "intl.h"
#include "log.h"
#include "maildir.h"
#include "paths.h"
#include "pop3-deliver.h"
#include "xmalloc.h"

#define POP3_DELIVER_CHUNK	(64 * 1024)

struct pop3_deliver {
	char	*dir;		/* the store, which is INBOX */
	int	 new_fd;	/* new/, for fsync */
};

/* fsync a directory by path. */
static int
pop3_deliver_fsync_dir(const char *path)
{
	int	fd, r;

	if ((fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return -1;
	r = fsync(fd);
	close(fd);
	return r;
}

/* mkdir one directory; 1 if it was created, 0 if there, -1 on error. */
static int
pop3_deliver_mkdir(const char *path, char **error)
{
	if (mkdir(path, 0700) == 0)
		return 1;
	if (errno == EEXIST)
		return 0;
	*error = xasprintf("%s: %s", path, strerror(errno));
	return -1;
}

enum pop3_deliver_status
pop3_deliver_open(const char *maildir, struct pop3_deliver **out,
    char **error)
{
	static const char	*subdirs[] = { "tmp", "new", "cur" };
	struct pop3_deliver	*d;
	char			*path, *parent, *slash;
	size_t			 i;
	int			 r, created = 0;

	*out = NULL;
	/* A file size limit (ulimit -f) must be an error to report, not a
	 * signal that kills the worker between write and rename. */
	signal(SIGXFSZ, SIG_IGN);
	parent = xstrdup(maildir);
	if ((slash = strrchr(parent, '/')) != NULL && slash != parent)
		*slash = '\0';
	if (paths_mkdir_p(parent, 0700, error) != PATHS_OK ||
	    (r = pop3_deliver_mkdir(maildir, error)) == -1) {
		free(parent);
		return POP3_DELIVER_ERROR;
	}
	created |= r;
	for (i = 0; i < sizeof subdirs / sizeof subdirs[0]; i++) {
		path = xasprintf("%s/%s", maildir, subdirs[i]);
		r = pop3_deliver_mkdir(path, error);
		free(path);
		if (r == -1) {
			free(parent);
			return POP3_DELIVER_ERROR;
		}
		created |= r;
	}
	/* New directories are durable before anything is delivered in them. */
	if (created && (pop3_deliver_fsync_dir(maildir) == -1 ||
	    pop3_deliver_fsync_dir(parent) == -1)) {
		*error = xasprintf("%s: fsync: %s", maildir, strerror(errno));
		free(parent);
		return POP3_DELIVER_ERROR;
	}
	free(parent);
	d = xcalloc(1, sizeof *d);
	d->dir = xstrdup(maildir);
	path = xasprintf("%s/new", maildir);
	d->new_fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (d->new_fd == -1) {
		*error = xasprintf("%s: %s", path, strerror(errno));
		free(path);
		pop3_deliver_close(d);
		return POP3_DELIVER_ERROR;
	}
	free(path);
	*out = d;
	return POP3_DELIVER_OK;
}

void
pop3_deliver_close(struct pop3_deliver *d)
{
	if (d == NULL)
		return;
	if (d->new_fd >= 0)
		close(d->new_fd);
	free(d->dir);
	free(d);
}

void
pop3_deliver_format_name(char *buf, size_t size, int64_t sec, long usec,
    pid_t pid, uint64_t random, const char *host)
{
	size_t	len;
	int	n;

	n = snprintf(buf, size, "%lld.M%06ldP%ldR%016llx.", (long long)sec,
	    usec, (long)pid, (unsigned long long)random);
	if (n < 0 || (size_t)n >= size)
		return;
	len = (size_t)n;
	/* "/" would make a path, ":" starts the info, and a dot-file or
	 * control bytes are trouble for readers. */
	for (; *host != '\0' && len + 5 < size; host++) {
		if (*host == '/')
			len += (size_t)snprintf(buf + len, size - len, "\\057");
		else if (*host == ':')
			len += (size_t)snprintf(buf + len, size - len, "\\072");
		else if ((unsigned char)*host <= 0x20 ||
		    (unsigned char)*host >= 0x7f)
			buf[len++] = '_';
		else
			buf[len++] = *host;
	}
	buf[len] = '\0';
}

char *
pop3_deliver_name(void)
{
	struct timeval	 tv;
	uint64_t	 random = 0;
	char		 host[256], buf[512];

	gettimeofday(&tv, NULL);
	if (RAND_bytes((unsigned char *)&random, sizeof random) != 1)
		fatal("%s: no random bytes", __func__);
	if (gethostname(host, sizeof host) == -1 || host[0] == '\0')
		snprintf(host, sizeof host, "localhost");
	host[sizeof host - 1] = '\0';
	pop3_deliver_format_name(buf, sizeof buf, tv.tv_sec, (long)tv.tv_usec,
	    getpid(), random, host);
	return xstrdup(buf);
}

/* A name skua made: no path in it, no dot file. The journal is ours, but
 * a damaged file must not make skua remove anything outside tmp/. */
static int
pop3_deliver_name_is_valid(const char *name)
{
	return name[0] != '\0' && name[0] != '.' && strchr(name, '/') == NULL;
}

/* Write all of buf; -1 with errno on failure. */
static int
pop3_deliver_write_all(int fd, const char *buf, size_t len)
{
	ssize_t	n;

	while (len > 0) {
		if ((n = write(fd, buf, len)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

static void
pop3_deliver_hex(const unsigned char *md, unsigned int len, char *out)
{
	unsigned int	i;

	for (i = 0; i < len; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
	out[2 * len] = '\0';
}

/* Write the message with CR LF turned into LF, hashing what is written. */
static int
pop3_deliver_copy(int fd, const char *data, size_t len, EVP_MD_CTX *md,
    uint64_t *written)
{
	char	*buf = xmalloc(POP3_DELIVER_CHUNK);
	size_t	 i, n = 0;
	int	 r = 0;

	*written = 0;
	for (i = 0; i < len && r == 0; i++) {
		if (data[i] == '\r' && i + 1 < len && data[i + 1] == '\n')
			continue;
		buf[n++] = data[i];
		if (n == POP3_DELIVER_CHUNK || i + 1 == len) {
			EVP_DigestUpdate(md, buf, n);
			r = pop3_deliver_write_all(fd, buf, n);
			*written += n;
			n = 0;
		}
	}
	free(buf);
	return r;
}

enum pop3_deliver_status
pop3_deliver_write(struct pop3_deliver *d, const char *name, const char *data,
    size_t len, char *sha256, uint64_t *written, char **error)
{
	EVP_MD_CTX	*md;
	unsigned char	 digest[EVP_MAX_MD_SIZE];
	unsigned int	 dlen = 0;
	char		*tmp, *new;
	const char	*doing;
	int		 fd, saved;

	if (!pop3_deliver_name_is_valid(name)) {
		*error = xasprintf(_("%s: not a Maildir file name"), name);
		return POP3_DELIVER_ERROR;
	}
	tmp = xasprintf("%s/tmp/%s", d->dir, name);
	new = xasprintf("%s/new/%s", d->dir, name);
	if ((md = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestInit_ex(md, EVP_sha256(), NULL) != 1)
		fatal("%s: SHA-256 failed", __func__);
	doing = _("creating");
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600)) ==
	    -1)
		goto fail;
	doing = _("writing");
	if (pop3_deliver_copy(fd, data, len, md, written) == -1)
		goto fail_close;
	doing = "fsync";
	if (fsync(fd) == -1)
		goto fail_close;
	doing = _("closing");
	if (close(fd) == -1) {
		fd = -1;
		goto fail_close;
	}
	fd = -1;
	/* link, not rename: it never replaces a file already there. Where
	 * the file system has no hard links, rename must do. */
	doing = _("delivering");
	if (link(tmp, new) == -1) {
		if (errno == EEXIST || (errno != EPERM && errno != ENOTSUP &&
		    errno != ENOSYS && errno != EXDEV) || rename(tmp, new) == -1)
			goto fail;
	} else if (unlink(tmp) == -1)
		log_warn("%s: %s: %s", __func__, tmp, strerror(errno));
	if (EVP_DigestFinal_ex(md, digest, &dlen) != 1)
		fatal("%s: SHA-256 failed", __func__);
	pop3_deliver_hex(digest, dlen, sha256);
	EVP_MD_CTX_free(md);
	free(tmp);
	free(new);
	return POP3_DELIVER_OK;

fail_close:
	saved = errno;
	if (fd != -1)
		close(fd);
	errno = saved;
fail:
	saved = errno;
	*error = xasprintf("%s: %s: %s", tmp, doing, strerror(saved));
	unlink(tmp);
	EVP_MD_CTX_free(md);
	free(tmp);
	free(new);
	return POP3_DELIVER_ERROR;
}

enum pop3_deliver_status
pop3_deliver_sync(struct pop3_deliver *d, char **error)
{
	if (fsync(d->new_fd) == -1) {
		*error = xasprintf("%s/new: fsync: %s", d->dir, strerror(errno));
		return POP3_DELIVER_ERROR;
	}
	return POP3_DELIVER_OK;
}

void
pop3_deliver_discard(struct pop3_deliver *d, const char *name)
{
	char	*tmp;

	if (!pop3_deliver_name_is_valid(name)) {
		log_warn("%s: not a name skua makes: %s", __func__, name);
		return;
	}
	tmp = xasprintf("%s/tmp/%s", d->dir, name);

	if (unlink(tmp) == -1 && errno != ENOENT)
		log_warn("%s: %s: %s", __func__, tmp, strerror(errno));
	free(tmp);
}

char *
pop3_deliver_base(const char *filename)
{
	return xstrndup(filename, strcspn(filename, ":"));
}

/* Whether a cur/ name carries the T (trashed) flag: "base:2,FLAGS". */
static int
pop3_deliver_flag_trashed(const char *filename)
{
	const char	*info = strchr(filename, ':');

	return info != NULL && strncmp(info, ":2,", 3) == 0 &&
	    strchr(info + 3, 'T') != NULL;
}

struct pop3_deliver_list {
	struct pop3_deliver_file	*files;
	size_t				 n, size;
};

/* Add the files of one folder's new/ or cur/. */
static int
pop3_deliver_scan_dir(struct pop3_deliver_list *l, const char *dir,
    int trashed, char **error)
{
	struct pop3_deliver_file	*f;
	struct dirent			*de;
	DIR				*dp;

	if ((dp = opendir(dir)) == NULL) {
		if (errno == ENOENT || errno == ENOTDIR)
			return 0;
		*error = xasprintf("%s: %s", dir, strerror(errno));
		return -1;
	}
	while ((de = readdir(dp)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		if (l->n == l->size) {
			l->size = l->size * 2 + 256;
			l->files = xreallocarray(l->files, l->size,
			    sizeof *l->files);
		}
		f = &l->files[l->n++];
		f->base = pop3_deliver_base(de->d_name);
		f->path = xasprintf("%s/%s", dir, de->d_name);
		f->trashed = trashed || pop3_deliver_flag_trashed(de->d_name);
	}
	closedir(dp);
	return 0;
}

/* One folder: its new/ and cur/. */
static int
pop3_deliver_scan_folder(struct pop3_deliver_list *l, const char *folder,
    int trashed, char **error)
{
	char	*path;
	int	 r;

	path = xasprintf("%s/new", folder);
	r = pop3_deliver_scan_dir(l, path, trashed, error);
	free(path);
	if (r == 0) {
		path = xasprintf("%s/cur", folder);
		r = pop3_deliver_scan_dir(l, path, trashed, error);
		free(path);
	}
	return r;
}

static int
pop3_deliver_file_compare(const void *a, const void *b)
{
	const struct pop3_deliver_file	*x = a, *y = b;

	return strcmp(x->base, y->base);
}

enum pop3_deliver_status
pop3_deliver_scan(struct pop3_deliver *d, struct pop3_deliver_file **out,
    size_t *nout, char **error)
{
	struct pop3_deliver_list	 l;
	struct dirent			*de;
	DIR				*dp;
	char				*path, *top;
	int				 r = 0, trashed;

	memset(&l, 0, sizeof l);
	*out = NULL;
	*nout = 0;
	if (pop3_deliver_scan_folder(&l, d->dir, 0, error) != 0)
		goto fail;
	if ((dp = opendir(d->dir)) == NULL) {
		*error = xasprintf("%s: %s", d->dir, strerror(errno));
		goto fail;
	}
	/* Maildir++ folders: ".Name", ".Parent.Child". */
	while (r == 0 && (de = readdir(dp)) != NULL) {
		if (de->d_name[0] != '.' || strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		/* Trash by the store's own naming, and its sub-levels. */
		top = xstrndup(de->d_name + 1, strcspn(de->d_name + 1, "."));
		trashed = maildir_role(top) == STORE_ROLE_TRASH;
		free(top);
		path = xasprintf("%s/%s", d->dir, de->d_name);
		r = pop3_deliver_scan_folder(&l, path, trashed, error);
		free(path);
	}
	closedir(dp);
	if (r != 0)
		goto fail;
	if (l.n > 0)
		qsort(l.files, l.n, sizeof *l.files, pop3_deliver_file_compare);
	*out = l.files;
	*nout = l.n;
	return POP3_DELIVER_OK;

fail:
	pop3_deliver_files_free(l.files, l.n);
	return POP3_DELIVER_ERROR;
}

const struct pop3_deliver_file *
pop3_deliver_find(const struct pop3_deliver_file *files, size_t n,
    const char *base)
{
	struct pop3_deliver_file	 key;
	const struct pop3_deliver_file	*f, *best;

	if (n == 0)
		return NULL;
	key.base = (char *)base;
	f = bsearch(&key, files, n, sizeof *files, pop3_deliver_file_compare);
	if (f == NULL)
		return NULL;
	/* The same base twice (a copy in Trash): prefer one not trashed. */
	while (f > files && strcmp(f[-1].base, base) == 0)
		f--;
	for (best = f; f < files + n && strcmp(f->base, base) == 0; f++) {
		if (!f->trashed)
			return f;
	}
	return best;
}

void
pop3_deliver_files_free(struct pop3_deliver_file *files, size_t n)
{
	size_t	i;

	for (i = 0; files != NULL && i < n; i++) {
		free(files[i].base);
		free(files[i].path);
	}
	free(files);
}

enum pop3_deliver_status
pop3_deliver_sync_dir_of(const char *path, char **error)
{
	char	*dir = xstrdup(path), *slash;

	if ((slash = strrchr(dir, '/')) != NULL)
		*slash = '\0';
	if (pop3_deliver_fsync_dir(dir) == -1) {
		*error = xasprintf("%s: fsync: %s", dir, strerror(errno));
		free(dir);
		return POP3_DELIVER_ERROR;
	}
	free(dir);
	return POP3_DELIVER_OK;
}

enum pop3_deliver_status
pop3_deliver_hash_file(const char *path, char *sha256, uint64_t *size,
    char **error)
{
	EVP_MD_CTX	*md;
	unsigned char	 digest[EVP_MAX_MD_SIZE];
	unsigned int	 dlen = 0;
	char		*buf;
	ssize_t		 n;
	int		 fd;

	*size = 0;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		*error = xasprintf("%s: %s", path, strerror(errno));
		return POP3_DELIVER_ERROR;
	}
	if ((md = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestInit_ex(md, EVP_sha256(), NULL) != 1)
		fatal("%s: SHA-256 failed", __func__);
	buf = xmalloc(POP3_DELIVER_CHUNK);
	while ((n = read(fd, buf, POP3_DELIVER_CHUNK)) != 0) {
		if (n == -1) {
			if (errno == EINTR)
				continue;
			*error = xasprintf("%s: %s", path, strerror(errno));
			free(buf);
			close(fd);
			EVP_MD_CTX_free(md);
			return POP3_DELIVER_ERROR;
		}
		EVP_DigestUpdate(md, buf, (size_t)n);
		*size += (uint64_t)n;
	}
	free(buf);
	close(fd);
	if (EVP_DigestFinal_ex(md, digest, &dlen) != 1)
		fatal("%s: SHA-256 failed", __func__);
	EVP_MD_CTX_free(md);
	pop3_deliver_hex(digest, dlen, sha256);
	return POP3_DELIVER_OK;
}
