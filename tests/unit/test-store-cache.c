/* test-store-cache: the part cache: commit-only completeness, resume after
 * an abort, safe names for hostile folders and sections, drops, a full disk. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "store-cache.h"

/* Each test gets a fresh directory with an open cache below it. */
struct fixture {
	char			 dir[64];
	char			 cache_dir[128];
	struct store_cache	*c;
};

/* Remove a test directory tree (the cache is a few levels deep). */
static void
remove_tree(const char *path)
{
	DIR		*d;
	struct dirent	*e;
	struct stat	 sb;
	char		 child[PATH_MAX];

	if (lstat(path, &sb) == -1)
		return;
	if (!S_ISDIR(sb.st_mode)) {
		unlink(path);
		return;
	}
	chmod(path, 0700);
	if ((d = opendir(path)) != NULL) {
		while ((e = readdir(d)) != NULL) {
			if (strcmp(e->d_name, ".") == 0 ||
			    strcmp(e->d_name, "..") == 0)
				continue;
			snprintf(child, sizeof child, "%s/%s", path, e->d_name);
			remove_tree(child);
		}
		closedir(d);
	}
	rmdir(path);
}

static int
setup(void **state)
{
	struct fixture	*fx = calloc(1, sizeof *fx);
	char		*error = NULL;

	if (fx == NULL)
		return -1;
	strcpy(fx->dir, "/tmp/skua-test-cache-XXXXXX");
	if (mkdtemp(fx->dir) == NULL)
		return -1;
	/* Parents that do not exist yet: open makes them. */
	snprintf(fx->cache_dir, sizeof fx->cache_dir, "%s/acct/parts",
	    fx->dir);
	if (store_cache_open(fx->cache_dir, &fx->c, &error) !=
	    STORE_CACHE_OK) {
		fprintf(stderr, "open: %s\n", error);
		free(error);
		return -1;
	}
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture	*fx = *state;

	store_cache_close(fx->c);
	remove_tree(fx->dir);
	free(fx);
	return 0;
}

static int
exists(const char *path)
{
	struct stat	sb;

	return lstat(path, &sb) == 0;
}

static off_t
file_size(const char *path)
{
	struct stat	sb;

	if (lstat(path, &sb) == -1)
		return -1;
	return sb.st_size;
}

/* The path of the partial that goes with a complete file's path. */
static char *
partial_of(const char *path)
{
	size_t	 len = strlen(path) + sizeof ".partial";
	char	*p = malloc(len);

	assert_non_null(p);
	snprintf(p, len, "%s.partial", path);
	return p;
}

/* Write a part in one go and commit it. */
static void
put(struct store_cache *c, const char *folder, uint32_t uidvalidity,
    uint32_t uid, const char *section, const char *data)
{
	struct store_cache_writer	*w;
	uint64_t			 resume;
	char				*error = NULL;

	assert_int_equal(store_cache_begin(c, folder, uidvalidity, uid,
	    section, &w, &resume, &error), STORE_CACHE_OK);
	assert_int_equal(resume, 0);
	assert_int_equal(store_cache_write(w, data, strlen(data), &error),
	    STORE_CACHE_OK);
	assert_int_equal(store_cache_commit(w, &error), STORE_CACHE_OK);
	assert_null(error);
}

static void
test_open(void **state)
{
	struct fixture		*fx = *state;
	struct store_cache	*c;
	struct stat		 sb;
	char			*error = NULL, file[200];

	assert_int_equal(stat(fx->cache_dir, &sb), 0);
	assert_true(S_ISDIR(sb.st_mode));
	assert_int_equal(sb.st_mode & 0777, 0700);
	assert_string_equal(store_cache_dir(fx->c), fx->cache_dir);

	/* Opening again is fine. */
	assert_int_equal(store_cache_open(fx->cache_dir, &c, &error),
	    STORE_CACHE_OK);
	store_cache_close(c);
	store_cache_close(NULL);

	/* A file in the way is an error with a message. */
	snprintf(file, sizeof file, "%s/file", fx->dir);
	fclose(fopen(file, "w"));
	assert_int_equal(store_cache_open(file, &c, &error),
	    STORE_CACHE_ERROR);
	assert_null(c);
	assert_non_null(error);
	free(error);
	error = NULL;
	assert_int_equal(store_cache_open("", &c, &error),
	    STORE_CACHE_INVALID);
	free(error);
}

static void
test_write_commit_read(void **state)
{
	struct fixture			*fx = *state;
	struct store_cache_writer	*w;
	uint64_t			 resume = 99;
	char				*error = NULL, *path, *partial, *data;
	size_t				 len;
	static const char		 part[] = "hello, \0world";

	path = store_cache_path(fx->c, "INBOX", 7, 42, "2");
	assert_non_null(path);
	partial = partial_of(path);
	assert_false(store_cache_has(fx->c, "INBOX", 7, 42, "2"));

	assert_int_equal(store_cache_begin(fx->c, "INBOX", 7, 42, "2", &w,
	    &resume, &error), STORE_CACHE_OK);
	assert_int_equal(resume, 0);
	assert_true(exists(partial));
	assert_int_equal(store_cache_write(w, part, 7, &error),
	    STORE_CACHE_OK);
	assert_int_equal(store_cache_write(w, part + 7, sizeof part - 1 - 7,
	    &error), STORE_CACHE_OK);
	assert_int_equal(store_cache_write(w, "", 0, &error), STORE_CACHE_OK);
	assert_int_equal(store_cache_written(w), sizeof part - 1);

	/* Nothing looks complete before the commit. */
	assert_false(exists(path));
	assert_false(store_cache_has(fx->c, "INBOX", 7, 42, "2"));
	assert_int_equal(store_cache_read(fx->c, "INBOX", 7, 42, "2", 1024,
	    &data, &len, &error), STORE_CACHE_NOT_FOUND);

	assert_int_equal(store_cache_commit(w, &error), STORE_CACHE_OK);
	assert_true(exists(path));
	assert_false(exists(partial));
	assert_true(store_cache_has(fx->c, "INBOX", 7, 42, "2"));
	/* Other keys are other files. */
	assert_false(store_cache_has(fx->c, "INBOX", 8, 42, "2"));
	assert_false(store_cache_has(fx->c, "INBOX", 7, 43, "2"));
	assert_false(store_cache_has(fx->c, "INBOX", 7, 42, "1"));
	assert_false(store_cache_has(fx->c, "Sent", 7, 42, "2"));

	assert_int_equal(store_cache_read(fx->c, "INBOX", 7, 42, "2", 1024,
	    &data, &len, &error), STORE_CACHE_OK);
	assert_int_equal(len, sizeof part - 1);
	assert_memory_equal(data, part, len);
	assert_int_equal(data[len], '\0');
	free(data);

	/* The limit is inclusive; one byte less is too big. */
	assert_int_equal(store_cache_read(fx->c, "INBOX", 7, 42, "2",
	    sizeof part - 1, &data, &len, &error), STORE_CACHE_OK);
	free(data);
	assert_int_equal(store_cache_read(fx->c, "INBOX", 7, 42, "2",
	    sizeof part - 2, &data, &len, &error), STORE_CACHE_TOO_BIG);
	assert_null(data);
	assert_non_null(error);
	free(error);

	/* An empty part is a part. */
	put(fx->c, "INBOX", 7, 42, "1.MIME", "");
	assert_true(store_cache_has(fx->c, "INBOX", 7, 42, "1.MIME"));
	error = NULL;
	assert_int_equal(store_cache_read(fx->c, "INBOX", 7, 42, "1.MIME", 0,
	    &data, &len, &error), STORE_CACHE_OK);
	assert_int_equal(len, 0);
	free(data);

	free(partial);
	free(path);
}

static void
test_resume(void **state)
{
	struct fixture			*fx = *state;
	struct store_cache_writer	*w;
	uint64_t			 resume;
	char				*error = NULL, *path, *partial, *data;
	char				 buf[1000];
	size_t				 len;

	memset(buf, 'a', sizeof buf);
	path = store_cache_path(fx->c, "INBOX", 1, 5, "");
	partial = partial_of(path);

	assert_int_equal(store_cache_begin(fx->c, "INBOX", 1, 5, "", &w,
	    &resume, &error), STORE_CACHE_OK);
	assert_int_equal(resume, 0);
	assert_int_equal(store_cache_write(w, buf, sizeof buf, &error),
	    STORE_CACHE_OK);
	/* The connection dropped: keep what came. */
	store_cache_abort(w, 1);
	assert_false(exists(path));
	assert_int_equal(file_size(partial), sizeof buf);
	assert_false(store_cache_has(fx->c, "INBOX", 1, 5, ""));

	/* The next run resumes where the partial ends. */
	assert_int_equal(store_cache_begin(fx->c, "INBOX", 1, 5, "", &w,
	    &resume, &error), STORE_CACHE_OK);
	assert_int_equal(resume, sizeof buf);
	assert_int_equal(store_cache_written(w), sizeof buf);
	memset(buf, 'b', sizeof buf);
	assert_int_equal(store_cache_write(w, buf, 500, &error),
	    STORE_CACHE_OK);
	assert_int_equal(store_cache_written(w), 1500);
	assert_int_equal(store_cache_commit(w, &error), STORE_CACHE_OK);

	assert_int_equal(store_cache_read(fx->c, "INBOX", 1, 5, "", 4096,
	    &data, &len, &error), STORE_CACHE_OK);
	assert_int_equal(len, 1500);
	assert_int_equal(data[0], 'a');
	assert_int_equal(data[999], 'a');
	assert_int_equal(data[1000], 'b');
	assert_int_equal(data[1499], 'b');
	free(data);
	assert_false(exists(partial));

	/* Fetching a committed part again starts from zero and replaces it
	 * only on commit. */
	assert_int_equal(store_cache_begin(fx->c, "INBOX", 1, 5, "", &w,
	    &resume, &error), STORE_CACHE_OK);
	assert_int_equal(resume, 0);
	assert_int_equal(store_cache_write(w, "new", 3, &error),
	    STORE_CACHE_OK);
	assert_int_equal(file_size(path), 1500);
	assert_int_equal(store_cache_commit(w, &error), STORE_CACHE_OK);
	assert_int_equal(file_size(path), 3);

	free(partial);
	free(path);
}

static void
test_abort(void **state)
{
	struct fixture			*fx = *state;
	struct store_cache_writer	*w;
	uint64_t			 resume;
	char				*error = NULL, *path, *partial;

	path = store_cache_path(fx->c, "INBOX", 1, 6, "1");
	partial = partial_of(path);
	assert_int_equal(store_cache_begin(fx->c, "INBOX", 1, 6, "1", &w,
	    &resume, &error), STORE_CACHE_OK);
	assert_int_equal(store_cache_write(w, "data", 4, &error),
	    STORE_CACHE_OK);
	store_cache_abort(w, 0);
	assert_false(exists(partial));
	assert_false(exists(path));

	/* A later begin starts from scratch. */
	assert_int_equal(store_cache_begin(fx->c, "INBOX", 1, 6, "1", &w,
	    &resume, &error), STORE_CACHE_OK);
	assert_int_equal(resume, 0);
	store_cache_abort(w, 0);
	store_cache_abort(NULL, 0);
	assert_false(exists(partial));
	free(partial);
	free(path);
}

static void
test_busy(void **state)
{
	struct fixture			*fx = *state;
	struct store_cache_writer	*w, *w2;
	uint64_t			 resume;
	char				*error = NULL;

	assert_int_equal(store_cache_begin(fx->c, "INBOX", 1, 9, "2", &w,
	    &resume, &error), STORE_CACHE_OK);
	assert_int_equal(store_cache_begin(fx->c, "INBOX", 1, 9, "2", &w2,
	    &resume, &error), STORE_CACHE_BUSY);
	assert_null(w2);
	assert_non_null(error);
	free(error);
	error = NULL;
	/* Another part of the same message is not busy. */
	assert_int_equal(store_cache_begin(fx->c, "INBOX", 1, 9, "3", &w2,
	    &resume, &error), STORE_CACHE_OK);
	store_cache_abort(w2, 0);
	store_cache_abort(w, 0);
	assert_int_equal(store_cache_begin(fx->c, "INBOX", 1, 9, "2", &w,
	    &resume, &error), STORE_CACHE_OK);
	store_cache_abort(w, 0);
}

/* Whether path lies inside dir once resolved ('..' and links followed). */
static int
is_inside(const char *path, const char *dir)
{
	char	 rdir[PATH_MAX], rpath[PATH_MAX], *copy, *slash;
	size_t	 len;
	int	 inside;

	if (realpath(dir, rdir) == NULL)
		return 0;
	copy = strdup(path);
	/* The file may not exist: resolve its directory. */
	if ((slash = strrchr(copy, '/')) != NULL)
		*slash = '\0';
	if (realpath(copy, rpath) == NULL) {
		free(copy);
		return 0;
	}
	free(copy);
	len = strlen(rdir);
	inside = strncmp(rpath, rdir, len) == 0 && rpath[len] == '/';
	return inside;
}

static void
test_folder_names(void **state)
{
	struct fixture			*fx = *state;
	struct store_cache_writer	*w;
	static const char		*names[] = {
		"INBOX", "a/b", "a/b/../../..", "..", ".", "../../etc",
		"/", "/etc/passwd", "Entwürfe/Ünïcødé 文件 🚀", "a\\b",
		"with space", "", "-", "INBOX.partial",
	};
	char				 long_name[5000];
	char				*paths[sizeof names / sizeof names[0]];
	char				*error = NULL, *p, *rel, *slash;
	uint64_t			 resume;
	size_t				 i, j, len = strlen(fx->cache_dir);

	for (i = 0; i < sizeof names / sizeof names[0]; i++) {
		p = paths[i] = store_cache_path(fx->c, names[i], 3, 1, "1");
		assert_non_null(p);
		/* dir/<64 hex>/3/1-1 */
		assert_memory_equal(p, fx->cache_dir, len);
		rel = p + len;
		assert_int_equal(rel[0], '/');
		assert_int_equal(strspn(rel + 1, "0123456789abcdef"), 64);
		assert_string_equal(rel + 65, "/3/1-1");
		slash = strchr(rel + 1, '/');
		assert_ptr_equal(slash, rel + 65);
		/* Write through it: the files land inside the cache. */
		assert_int_equal(store_cache_begin(fx->c, names[i], 3, 1, "1",
		    &w, &resume, &error), STORE_CACHE_OK);
		assert_int_equal(store_cache_write(w, names[i],
		    strlen(names[i]), &error), STORE_CACHE_OK);
		assert_int_equal(store_cache_commit(w, &error),
		    STORE_CACHE_OK);
		assert_true(is_inside(p, fx->cache_dir));
		assert_true(store_cache_has(fx->c, names[i], 3, 1, "1"));
	}
	/* Different names, different directories. */
	for (i = 0; i < sizeof names / sizeof names[0]; i++) {
		for (j = i + 1; j < sizeof names / sizeof names[0]; j++)
			assert_string_not_equal(paths[i], paths[j]);
	}
	for (i = 0; i < sizeof names / sizeof names[0]; i++)
		free(paths[i]);

	/* A very long name still makes a short path component. */
	memset(long_name, 'x', sizeof long_name - 1);
	long_name[sizeof long_name - 1] = '\0';
	put(fx->c, long_name, 1, 1, "", "long");
	assert_true(store_cache_has(fx->c, long_name, 1, 1, ""));

	/* No folder, UID 0: invalid. */
	assert_null(store_cache_path(fx->c, NULL, 1, 1, "1"));
	assert_null(store_cache_path(fx->c, "INBOX", 1, 0, "1"));
	assert_false(store_cache_has(fx->c, NULL, 1, 1, "1"));
	assert_int_equal(store_cache_begin(fx->c, "INBOX", 1, 0, "1", &w,
	    &resume, &error), STORE_CACHE_INVALID);
	assert_null(w);
	free(error);
}

static void
test_sections(void **state)
{
	struct fixture			*fx = *state;
	struct store_cache_writer	*w;
	static const char		*good[] = {
		"", "1", "1.2", "10.2.3", "1.MIME", "1.2.MIME", "HEADER",
		"TEXT", "2.HEADER", "2.TEXT", "4294967295",
	};
	static const char		*bad[] = {
		"1/2", "../1", "..", ".", "1.", ".1", "1..2", "0", "01",
		"1.0", "MIME", "TEXT.1", "1.MIME.2", "HEADER.FIELDS (FROM)",
		"1 2", "1\n", "X", "12345678901", "1.MIME.partial",
		"1.2.3.4.5.6.7.8.9.10.11.12.13.14.15.16.17.18.19.20.21.22.23."
		"24.25",
	};
	char				*error = NULL, *p, *q;
	uint64_t			 resume;
	size_t				 i;

	for (i = 0; i < sizeof good / sizeof good[0]; i++) {
		p = store_cache_path(fx->c, "INBOX", 1, 1, good[i]);
		assert_non_null(p);
		free(p);
	}
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_null(store_cache_path(fx->c, "INBOX", 1, 1, bad[i]));
		assert_false(store_cache_has(fx->c, "INBOX", 1, 1, bad[i]));
		assert_int_equal(store_cache_begin(fx->c, "INBOX", 1, 1,
		    bad[i], &w, &resume, &error), STORE_CACHE_INVALID);
		free(error);
		error = NULL;
	}

	/* Letters are compared without case; NULL is the whole message. */
	p = store_cache_path(fx->c, "INBOX", 1, 1, "1.mime");
	q = store_cache_path(fx->c, "INBOX", 1, 1, "1.MIME");
	assert_string_equal(p, q);
	assert_non_null(strstr(p, "/1-1.MIME"));
	free(p);
	free(q);
	p = store_cache_path(fx->c, "INBOX", 1, 1, NULL);
	q = store_cache_path(fx->c, "INBOX", 1, 1, "");
	assert_string_equal(p, q);
	assert_non_null(strstr(p, "/1-all"));
	free(p);
	free(q);
}

static void
test_drop_folder(void **state)
{
	struct fixture			*fx = *state;
	struct store_cache_writer	*w;
	uint64_t			 resume;
	char				*error = NULL, *path, *dir, *slash;

	put(fx->c, "INBOX", 1, 1, "1", "one");
	put(fx->c, "INBOX", 1, 2, "2", "two");
	put(fx->c, "INBOX", 2, 1, "1", "new validity");
	put(fx->c, "INBOX/sub", 1, 1, "1", "sub-folder");
	put(fx->c, "Sent", 1, 1, "1", "sent");
	assert_int_equal(store_cache_begin(fx->c, "INBOX", 1, 3, "1", &w,
	    &resume, &error), STORE_CACHE_OK);
	assert_int_equal(store_cache_write(w, "half", 4, &error),
	    STORE_CACHE_OK);
	store_cache_abort(w, 1);

	path = store_cache_path(fx->c, "INBOX", 1, 1, "1");
	dir = strdup(path);
	slash = strrchr(dir, '/');
	*slash = '\0';
	slash = strrchr(dir, '/');
	*slash = '\0';			/* dir/<hash of INBOX> */

	assert_int_equal(store_cache_drop_folder(fx->c, "INBOX", &error),
	    STORE_CACHE_OK);
	assert_false(exists(dir));
	assert_false(store_cache_has(fx->c, "INBOX", 1, 1, "1"));
	assert_false(store_cache_has(fx->c, "INBOX", 1, 2, "2"));
	assert_false(store_cache_has(fx->c, "INBOX", 2, 1, "1"));
	/* Other folders, a sub-folder included, stay. */
	assert_true(store_cache_has(fx->c, "INBOX/sub", 1, 1, "1"));
	assert_true(store_cache_has(fx->c, "Sent", 1, 1, "1"));
	/* Nothing there: still fine. */
	assert_int_equal(store_cache_drop_folder(fx->c, "INBOX", &error),
	    STORE_CACHE_OK);
	assert_int_equal(store_cache_drop_folder(fx->c, "Never", &error),
	    STORE_CACHE_OK);
	assert_int_equal(store_cache_drop_folder(fx->c, NULL, &error),
	    STORE_CACHE_INVALID);
	free(error);
	/* The cache works on after a drop. */
	put(fx->c, "INBOX", 3, 1, "1", "again");
	assert_true(store_cache_has(fx->c, "INBOX", 3, 1, "1"));
	free(dir);
	free(path);
}

static void
test_drop_message(void **state)
{
	struct fixture			*fx = *state;
	struct store_cache_writer	*w;
	uint64_t			 resume;
	char				*error = NULL, *path, *partial;

	put(fx->c, "INBOX", 1, 1, "1", "a");
	put(fx->c, "INBOX", 1, 1, "2", "b");
	put(fx->c, "INBOX", 1, 11, "1", "c");
	put(fx->c, "INBOX", 1, 111, "1", "d");
	assert_int_equal(store_cache_begin(fx->c, "INBOX", 1, 1, "3", &w,
	    &resume, &error), STORE_CACHE_OK);
	store_cache_abort(w, 1);
	path = store_cache_path(fx->c, "INBOX", 1, 1, "3");
	partial = partial_of(path);
	assert_true(exists(partial));

	assert_int_equal(store_cache_drop_message(fx->c, "INBOX", 1, 1,
	    &error), STORE_CACHE_OK);
	assert_false(store_cache_has(fx->c, "INBOX", 1, 1, "1"));
	assert_false(store_cache_has(fx->c, "INBOX", 1, 1, "2"));
	assert_false(exists(partial));
	/* UID 11 and 111 share the digits, not the UID. */
	assert_true(store_cache_has(fx->c, "INBOX", 1, 11, "1"));
	assert_true(store_cache_has(fx->c, "INBOX", 1, 111, "1"));
	assert_int_equal(store_cache_drop_message(fx->c, "Empty", 1, 1,
	    &error), STORE_CACHE_OK);
	free(partial);
	free(path);
}

/*
 * A full disk, simulated with RLIMIT_FSIZE: writes past the limit fail
 * (EFBIG) as they would with ENOSPC. In a child, so the limit cannot touch
 * the test's own log; the child's exit status is the verdict.
 */
static void
test_write_error(void **state)
{
	struct fixture	*fx = *state;
	pid_t		 pid;
	int		 status;

	pid = fork();
	assert_true(pid != -1);
	if (pid == 0) {
		struct store_cache_writer	*w;
		struct rlimit			 rl;
		uint64_t			 resume;
		char				*error = NULL, *path, *partial;
		char				 buf[8192];

		signal(SIGXFSZ, SIG_IGN);
		getrlimit(RLIMIT_FSIZE, &rl);
		rl.rlim_cur = 4096;
		if (setrlimit(RLIMIT_FSIZE, &rl) == -1)
			_exit(10);
		memset(buf, 'z', sizeof buf);
		if (store_cache_begin(fx->c, "INBOX", 1, 77, "2", &w, &resume,
		    &error) != STORE_CACHE_OK)
			_exit(11);
		if (store_cache_write(w, buf, 3000, &error) != STORE_CACHE_OK)
			_exit(12);
		/* Crosses the limit: a short write, then EFBIG. */
		if (store_cache_write(w, buf, sizeof buf, &error) !=
		    STORE_CACHE_ERROR || error == NULL ||
		    strstr(error, "too large") == NULL)
			_exit(13);
		free(error);
		error = NULL;
		/* Failed stays failed. */
		if (store_cache_write(w, buf, 1, &error) != STORE_CACHE_ERROR)
			_exit(14);
		free(error);
		error = NULL;
		if (store_cache_commit(w, &error) != STORE_CACHE_ERROR ||
		    error == NULL)
			_exit(15);
		free(error);
		path = store_cache_path(fx->c, "INBOX", 1, 77, "2");
		partial = partial_of(path);
		/* Nothing complete; the partial is a prefix to resume. */
		if (exists(path) || store_cache_has(fx->c, "INBOX", 1, 77,
		    "2"))
			_exit(16);
		if (file_size(partial) != 4096)
			_exit(17);
		free(path);
		free(partial);
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	/* Back in the parent, without the limit: resume and finish. */
	{
		struct store_cache_writer	*w;
		uint64_t			 resume;
		char				*error = NULL;

		assert_int_equal(store_cache_begin(fx->c, "INBOX", 1, 77, "2",
		    &w, &resume, &error), STORE_CACHE_OK);
		assert_int_equal(resume, 4096);
		assert_int_equal(store_cache_commit(w, &error),
		    STORE_CACHE_OK);
		assert_true(store_cache_has(fx->c, "INBOX", 1, 77, "2"));
	}
}

/* A file in the place of a directory the cache needs: an error, no crash,
 * and nothing written elsewhere. */
static void
test_blocked(void **state)
{
	struct fixture			*fx = *state;
	struct store_cache_writer	*w;
	uint64_t			 resume;
	char				*error = NULL, *path, *dir, *slash;
	FILE				*f;

	path = store_cache_path(fx->c, "Blocked", 1, 1, "1");
	dir = strdup(path);
	slash = strrchr(dir, '/');
	*slash = '\0';
	slash = strrchr(dir, '/');
	*slash = '\0';
	f = fopen(dir, "w");
	assert_non_null(f);
	fclose(f);
	assert_int_equal(store_cache_begin(fx->c, "Blocked", 1, 1, "1", &w,
	    &resume, &error), STORE_CACHE_ERROR);
	assert_null(w);
	assert_non_null(error);
	free(error);
	error = NULL;
	/* drop_folder removes the stray file too. */
	assert_int_equal(store_cache_drop_folder(fx->c, "Blocked", &error),
	    STORE_CACHE_OK);
	assert_false(exists(dir));
	free(dir);
	free(path);
}

#define T(f)	cmocka_unit_test_setup_teardown(f, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_open),
		T(test_write_commit_read),
		T(test_resume),
		T(test_abort),
		T(test_busy),
		T(test_folder_names),
		T(test_sections),
		T(test_drop_folder),
		T(test_drop_message),
		T(test_write_error),
		T(test_blocked),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
