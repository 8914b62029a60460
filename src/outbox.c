/* outbox: the account's queue of messages to send, as files. Nothing is
 * ever rewritten in place: a new version is written beside and renamed. */
#include "auto-config.h"

#include <sys/stat.h>
#include <sys/time.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "intl.h"
#include "log.h"
#include "outbox.h"
#include "paths.h"
#include "xmalloc.h"

#define OUTBOX_MAGIC	"skua-outbox 1"
#define OUTBOX_TMP	".tmp."
/* A file bigger than this is not one skua wrote (msg.h's frame limit). */
#define OUTBOX_MAX_SIZE	(80u * 1024 * 1024)
#define OUTBOX_MAX_ADDR	998

struct outbox {
	char		*dir;
	int		 fd;
	unsigned	 counter;
};

static enum outbox_status
outbox_fail(char **error, enum outbox_status status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static enum outbox_status
outbox_fail(char **error, enum outbox_status status, const char *fmt, ...)
{
	va_list	ap;

	if (error != NULL) {
		va_start(ap, fmt);
		*error = xvasprintf(fmt, ap);
		va_end(ap);
	}
	return status;
}

char *
outbox_path(const char *account)
{
	char	*data = paths_data_dir(), *path;

	path = xasprintf("%s/%s/outbox", data, account);
	free(data);
	return path;
}

/* An id is ours only if made of digits and dots: no path tricks. */
static int
outbox_id_is_valid(const char *id)
{
	size_t	len = strlen(id);

	return len > 0 && len < 64 && id[0] != '.' &&
	    strspn(id, "0123456789.") == len;
}

/* An address as the envelope carries it: no white space, no controls. */
static int
outbox_addr_is_valid(const char *addr, int empty_ok)
{
	const unsigned char	*p;
	size_t			 len = strlen(addr);

	if ((len == 0 && !empty_ok) || len > OUTBOX_MAX_ADDR)
		return 0;
	for (p = (const unsigned char *)addr; *p != '\0'; p++) {
		if (*p <= ' ' || *p == 0x7f)
			return 0;
	}
	return 1;
}

static void
outbox_sync_dir(struct outbox *ob)
{
	if (fsync(ob->fd) == -1 && errno != EINVAL && errno != EROFS)
		log_warn("%s: %s: fsync: %s", __func__, ob->dir,
		    strerror(errno));
}

/* Write two pieces as name: beside it first, fsynced, then renamed over
 * it and the directory fsynced, so readers see all of it or none. */
static enum outbox_status
outbox_write(struct outbox *ob, const char *name, const char *head,
    size_t headlen, const char *body, size_t bodylen, char **error)
{
	const char	*part[2] = { head, body };
	size_t		 size[2] = { headlen, bodylen }, done;
	ssize_t		 n;
	char		*tmp;
	int		 fd, i, saved;

	tmp = xasprintf(OUTBOX_TMP "%s", name);
	unlinkat(ob->fd, tmp, 0);
	fd = openat(ob->fd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
	    0600);
	if (fd == -1)
		goto fail;
	for (i = 0; i < 2; i++) {
		for (done = 0; done < size[i]; done += (size_t)n) {
			n = write(fd, part[i] + done, size[i] - done);
			if (n == -1 && errno == EINTR) {
				n = 0;
				continue;
			}
			if (n == -1)
				goto fail;
		}
	}
	if (fsync(fd) == -1)
		goto fail;
	if (close(fd) == -1) {
		fd = -1;
		goto fail;
	}
	fd = -1;
	if (renameat(ob->fd, tmp, ob->fd, name) == -1)
		goto fail;
	outbox_sync_dir(ob);
	free(tmp);
	return OUTBOX_OK;

fail:
	saved = errno;
	if (fd != -1)
		close(fd);
	unlinkat(ob->fd, tmp, 0);
	free(tmp);
	return outbox_fail(error, OUTBOX_ERROR, "%s/%s: %s", ob->dir, name,
	    strerror(saved));
}

/* Whether the directory has the file. */
static int
outbox_has(struct outbox *ob, const char *name)
{
	struct stat	st;

	return fstatat(ob->fd, name, &st, 0) == 0;
}

/* Remove what an interrupted write or remove left behind: temporary
 * files, and status files whose message is gone. */
static void
outbox_clean(struct outbox *ob)
{
	DIR		*d;
	struct dirent	*e;
	char		*msgname;
	size_t		 len;
	int		 fd;

	if ((fd = openat(ob->fd, ".", O_RDONLY | O_DIRECTORY |
	    O_CLOEXEC)) == -1 || (d = fdopendir(fd)) == NULL) {
		if (fd != -1)
			close(fd);
		return;
	}
	while ((e = readdir(d)) != NULL) {
		len = strlen(e->d_name);
		if (strncmp(e->d_name, OUTBOX_TMP, strlen(OUTBOX_TMP)) == 0) {
			log_info("%s: %s: removing %s, half written",
			    __func__, ob->dir, e->d_name);
			unlinkat(ob->fd, e->d_name, 0);
		} else if (len > 7 &&
		    strcmp(e->d_name + len - 7, ".status") == 0) {
			msgname = xasprintf("%.*s.msg", (int)(len - 7),
			    e->d_name);
			if (!outbox_has(ob, msgname))
				unlinkat(ob->fd, e->d_name, 0);
			free(msgname);
		}
	}
	closedir(d);
}

enum outbox_status
outbox_open(const char *dir, struct outbox **out, char **error)
{
	struct outbox	*ob;
	char		*why = NULL;
	int		 fd;

	*out = NULL;
	if (paths_mkdir_p(dir, 0700, &why) != PATHS_OK)
		return outbox_fail(error, OUTBOX_ERROR, "%s", why != NULL ?
		    why : dir);
	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return outbox_fail(error, OUTBOX_ERROR, "%s: %s", dir,
		    strerror(errno));
	ob = xcalloc(1, sizeof *ob);
	ob->dir = xstrdup(dir);
	ob->fd = fd;
	outbox_clean(ob);
	*out = ob;
	return OUTBOX_OK;
}

void
outbox_close(struct outbox *ob)
{
	if (ob == NULL)
		return;
	close(ob->fd);
	free(ob->dir);
	free(ob);
}

enum outbox_status
outbox_add(struct outbox *ob, const char *sender, char * const *rcpts,
    size_t n, const char *sent, const char *data, size_t len, char **id,
    char **error)
{
	enum outbox_status	 status;
	struct timeval		 tv;
	FILE			*f;
	char			*head = NULL, *name, *newid;
	size_t			 headlen = 0, i;

	if (id != NULL)
		*id = NULL;
	if (sender == NULL)
		sender = "";
	if (!outbox_addr_is_valid(sender, 1))
		return outbox_fail(error, OUTBOX_INVALID,
		    _("not a sender address: %s"), sender);
	if (n == 0)
		return outbox_fail(error, OUTBOX_INVALID,
		    _("the message has no recipients"));
	for (i = 0; i < n; i++) {
		if (!outbox_addr_is_valid(rcpts[i], 0))
			return outbox_fail(error, OUTBOX_INVALID,
			    _("not a recipient address: %s"), rcpts[i]);
	}
	if (sent != NULL && (strchr(sent, '\n') != NULL ||
	    strchr(sent, '\r') != NULL))
		return outbox_fail(error, OUTBOX_INVALID,
		    _("not a folder name: %s"), sent);

	if ((f = open_memstream(&head, &headlen)) == NULL)
		fatal("open_memstream");
	fprintf(f, OUTBOX_MAGIC "\nsender %s\n", sender);
	for (i = 0; i < n; i++)
		fprintf(f, "rcpt %s\n", rcpts[i]);
	if (sent != NULL && *sent != '\0')
		fprintf(f, "sent %s\n", sent);
	fprintf(f, "\n");
	if (fclose(f) != 0)
		fatal("open_memstream");

	gettimeofday(&tv, NULL);
	newid = xasprintf("%012lld.%06ld.%010ld.%05u", (long long)tv.tv_sec,
	    (long)tv.tv_usec, (long)getpid(), ++ob->counter % 100000);
	name = xasprintf("%s.msg", newid);
	status = outbox_write(ob, name, head, headlen, data, len, error);
	free(name);
	free(head);
	if (status == OUTBOX_OK && id != NULL)
		*id = newid;
	else
		free(newid);
	return status;
}

static int
outbox_compare(const void *a, const void *b)
{
	return strcmp(*(char * const *)a, *(char * const *)b);
}

enum outbox_status
outbox_list(struct outbox *ob, char ***ids, size_t *n, char **error)
{
	DIR		*d;
	struct dirent	*e;
	char		**v = NULL;
	size_t		 count = 0, len;
	int		 fd;

	*ids = NULL;
	*n = 0;
	if ((fd = openat(ob->fd, ".", O_RDONLY | O_DIRECTORY |
	    O_CLOEXEC)) == -1 || (d = fdopendir(fd)) == NULL) {
		if (fd != -1)
			close(fd);
		return outbox_fail(error, OUTBOX_ERROR, "%s: %s", ob->dir,
		    strerror(errno));
	}
	while ((e = readdir(d)) != NULL) {
		len = strlen(e->d_name);
		if (len <= 4 || strcmp(e->d_name + len - 4, ".msg") != 0)
			continue;
		e->d_name[len - 4] = '\0';
		if (!outbox_id_is_valid(e->d_name))
			continue;
		v = xreallocarray(v, count + 1, sizeof *v);
		v[count++] = xstrdup(e->d_name);
	}
	closedir(d);
	if (count > 0)
		qsort(v, count, sizeof *v, outbox_compare);
	*ids = v;
	*n = count;
	return OUTBOX_OK;
}

void
outbox_list_free(char **ids, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		free(ids[i]);
	free(ids);
}

/* Read a whole file of the directory; OUTBOX_NOT_FOUND if it is not
 * there. The caller frees *buf, which has a NUL after its *len bytes. */
static enum outbox_status
outbox_slurp(struct outbox *ob, const char *name, char **buf, size_t *len,
    char **error)
{
	struct stat	 st;
	size_t		 done = 0;
	ssize_t		 n;
	char		*b;
	int		 fd, saved;

	*buf = NULL;
	*len = 0;
	if ((fd = openat(ob->fd, name, O_RDONLY | O_CLOEXEC)) == -1) {
		if (errno == ENOENT)
			return OUTBOX_NOT_FOUND;
		return outbox_fail(error, OUTBOX_ERROR, "%s/%s: %s", ob->dir,
		    name, strerror(errno));
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode) ||
	    (uintmax_t)st.st_size > OUTBOX_MAX_SIZE) {
		close(fd);
		return outbox_fail(error, OUTBOX_INVALID,
		    _("%s/%s: not a file skua wrote"), ob->dir, name);
	}
	b = xmalloc((size_t)st.st_size + 1);
	while (done < (size_t)st.st_size) {
		n = read(fd, b + done, (size_t)st.st_size - done);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0) {
			saved = n == 0 ? EIO : errno;
			close(fd);
			free(b);
			return outbox_fail(error, OUTBOX_ERROR, "%s/%s: %s",
			    ob->dir, name, strerror(saved));
		}
		done += (size_t)n;
	}
	close(fd);
	b[done] = '\0';
	*buf = b;
	*len = done;
	return OUTBOX_OK;
}

/* The envelope lines of a message file, up to the empty line; -1 when
 * anything in it is not what outbox_add writes. */
static int
outbox_parse(struct outbox_entry *e, const char *buf, size_t len)
{
	const char	*p = buf, *end = buf + len, *nl;
	char		*line;
	size_t		 linelen;
	int		 first = 1, bad = 0;

	for (;;) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			return -1;
		linelen = (size_t)(nl - p);
		line = xstrndup(p, linelen);
		p = nl + 1;
		if (strlen(line) != linelen)
			bad = 1;	/* a NUL: not text we wrote */
		if (first) {
			bad = bad || strcmp(line, OUTBOX_MAGIC) != 0;
			first = 0;
		} else if (*line == '\0') {
			free(line);
			break;
		} else if (strncmp(line, "sender ", 7) == 0 &&
		    e->sender == NULL && outbox_addr_is_valid(line + 7, 1))
			e->sender = xstrdup(line + 7);
		else if (strncmp(line, "rcpt ", 5) == 0 &&
		    outbox_addr_is_valid(line + 5, 0) &&
		    e->nrcpts < 100000) {
			e->rcpts = xreallocarray(e->rcpts, e->nrcpts + 1,
			    sizeof *e->rcpts);
			e->rcpts[e->nrcpts++] = xstrdup(line + 5);
		} else if (strncmp(line, "sent ", 5) == 0 && e->sent == NULL &&
		    line[5] != '\0')
			e->sent = xstrdup(line + 5);
		else
			bad = 1;
		free(line);
		if (bad)
			return -1;
	}
	if (e->sender == NULL || e->nrcpts == 0)
		return -1;
	e->len = (size_t)(end - p);
	e->data = xmalloc(e->len + 1);
	memcpy(e->data, p, e->len);
	e->data[e->len] = '\0';
	return 0;
}

/* The status file's attempts and error, if there is one; a damaged one
 * only loses the count. */
static void
outbox_read_status(struct outbox *ob, const char *id, unsigned *attempts,
    char **text)
{
	char		*name, *buf = NULL, *line, *next;
	size_t		 len;
	unsigned long	 u;

	*attempts = 0;
	*text = NULL;
	name = xasprintf("%s.status", id);
	if (outbox_slurp(ob, name, &buf, &len, NULL) != OUTBOX_OK) {
		free(name);
		return;
	}
	free(name);
	for (line = buf; line != NULL && *line != '\0'; line = next) {
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		if (strncmp(line, "attempts ", 9) == 0) {
			u = strtoul(line + 9, NULL, 10);
			*attempts = u > 1000000 ? 1000000 : (unsigned)u;
		} else if (strncmp(line, "error ", 6) == 0 && *text == NULL)
			*text = xstrdup(line + 6);
	}
	free(buf);
}

enum outbox_status
outbox_read(struct outbox *ob, const char *id, struct outbox_entry **out,
    char **error)
{
	enum outbox_status	 status;
	struct outbox_entry	*e;
	char			*name, *buf;
	size_t			 len;

	*out = NULL;
	if (!outbox_id_is_valid(id))
		return outbox_fail(error, OUTBOX_NOT_FOUND,
		    _("no message %s in the outbox"), id);
	name = xasprintf("%s.msg", id);
	status = outbox_slurp(ob, name, &buf, &len, error);
	if (status == OUTBOX_NOT_FOUND)
		outbox_fail(error, status, _("no message %s in the outbox"),
		    id);
	if (status != OUTBOX_OK) {
		free(name);
		return status;
	}
	e = xcalloc(1, sizeof *e);
	e->id = xstrdup(id);
	if (outbox_parse(e, buf, len) == -1) {
		free(buf);
		outbox_entry_free(e);
		status = outbox_fail(error, OUTBOX_INVALID,
		    _("%s/%s: not a message skua queued"), ob->dir, name);
		free(name);
		return status;
	}
	free(buf);
	free(name);
	outbox_read_status(ob, id, &e->attempts, &e->error);
	*out = e;
	return OUTBOX_OK;
}

void
outbox_entry_free(struct outbox_entry *e)
{
	size_t	i;

	if (e == NULL)
		return;
	free(e->id);
	free(e->sender);
	for (i = 0; i < e->nrcpts; i++)
		free(e->rcpts[i]);
	free(e->rcpts);
	free(e->sent);
	free(e->data);
	free(e->error);
	free(e);
}

enum outbox_status
outbox_failed(struct outbox *ob, const char *id, const char *text,
    char **error)
{
	enum outbox_status	 status;
	unsigned		 attempts;
	char			*old, *name, *body, *p;

	name = xasprintf("%s.msg", id);
	if (!outbox_id_is_valid(id) || !outbox_has(ob, name)) {
		free(name);
		return outbox_fail(error, OUTBOX_NOT_FOUND,
		    _("no message %s in the outbox"), id);
	}
	free(name);
	outbox_read_status(ob, id, &attempts, &old);
	free(old);
	body = xasprintf("attempts %u\nerror %s\n", attempts + 1,
	    text != NULL ? text : "");
	/* One line: the error is the rest of it. */
	for (p = strchr(body, '\n') + 1; p[1] != '\0'; p++) {
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	}
	name = xasprintf("%s.status", id);
	status = outbox_write(ob, name, body, strlen(body), "", 0, error);
	free(name);
	free(body);
	return status;
}

enum outbox_status
outbox_remove(struct outbox *ob, const char *id, char **error)
{
	char	*name;
	int	 saved;

	if (!outbox_id_is_valid(id))
		return outbox_fail(error, OUTBOX_NOT_FOUND,
		    _("no message %s in the outbox"), id);
	/* The message first: once it is gone it is no longer queued, and a
	 * status left alone is cleaned at the next open. */
	name = xasprintf("%s.msg", id);
	if (unlinkat(ob->fd, name, 0) == -1) {
		saved = errno;
		free(name);
		if (saved == ENOENT)
			return outbox_fail(error, OUTBOX_NOT_FOUND,
			    _("no message %s in the outbox"), id);
		return outbox_fail(error, OUTBOX_ERROR, "%s/%s.msg: %s",
		    ob->dir, id, strerror(saved));
	}
	free(name);
	name = xasprintf("%s.status", id);
	unlinkat(ob->fd, name, 0);
	free(name);
	outbox_sync_dir(ob);
	return OUTBOX_OK;
}
