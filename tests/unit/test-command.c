/* test-command: filter commands bounded in time and output, exit statuses,
 * and the private directories files are handed to commands in. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "command.h"
#include "xmalloc.h"

static long long
now_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
test_run(void **state)
{
	struct command_result	 r;
	char			*error = NULL;

	(void)state;
	assert_int_equal(command_run("tr a-z A-Z", "hello", 5, 100, 5000, &r,
	    &error), COMMAND_OK);
	assert_string_equal(r.out, "HELLO");
	assert_int_equal(r.len, 5);
	assert_int_equal(r.exit_status, 0);
	command_result_clear(&r);

	/* No input: /dev/null, not the terminal. */
	assert_int_equal(command_run("cat; echo end", NULL, 0, 100, 5000, &r,
	    &error), COMMAND_OK);
	assert_string_equal(r.out, "end\n");
	command_result_clear(&r);

	/* Standard error is kept apart; exit statuses come through. */
	assert_int_equal(command_run("echo out; echo err >&2; exit 7", NULL,
	    0, 100, 5000, &r, &error), COMMAND_OK);
	assert_string_equal(r.out, "out\n");
	assert_string_equal(r.err, "err\n");
	assert_int_equal(r.exit_status, 7);
	command_result_clear(&r);

	assert_int_equal(command_run("skua-no-such-command", NULL, 0, 100,
	    5000, &r, &error), COMMAND_OK);
	assert_int_equal(r.exit_status, 127);
	command_result_clear(&r);

	assert_int_equal(command_run("kill -9 $$", NULL, 0, 100, 5000, &r,
	    &error), COMMAND_OK);
	assert_int_equal(r.exit_status, 128 + SIGKILL);
	command_result_clear(&r);

	/* No room for output: it is thrown away. */
	assert_int_equal(command_run("echo hidden", NULL, 0, 0, 5000, &r,
	    &error), COMMAND_OK);
	assert_string_equal(r.out, "");
	assert_int_equal(r.exit_status, 0);
	command_result_clear(&r);
	command_result_clear(NULL);
}

static void
test_limits(void **state)
{
	struct command_result	 r;
	char			*error = NULL, *dir, *pidfile, *cmd, buf[32];
	long long		 start;
	FILE			*f;
	pid_t			 pid;
	int			 alive, i;

	(void)state;
	assert_int_equal(command_run("yes", NULL, 0, 10000, 5000, &r, &error),
	    COMMAND_TOO_BIG);
	assert_int_equal(r.len, 10000);
	assert_int_equal(strlen(r.out), 10000);
	command_result_clear(&r);

	/* The deadline ends the whole group, a background child too. */
	assert_non_null(dir = command_tmpdir_new(&error));
	pidfile = xasprintf("%s/pid", dir);
	cmd = xasprintf("sleep 60 & echo $! > %s; wait", pidfile);
	start = now_ms();
	assert_int_equal(command_run(cmd, NULL, 0, 100, 500, &r, &error),
	    COMMAND_TIMEOUT);
	assert_true(now_ms() - start < 3000);
	command_result_clear(&r);
	free(cmd);
	f = fopen(pidfile, "r");
	assert_non_null(f);
	assert_non_null(fgets(buf, sizeof buf, f));
	fclose(f);
	pid = (pid_t)atoi(buf);
	assert_true(pid > 1);
	/* Killed: gone, or a zombie until its new parent reaps it. */
	for (i = 0, alive = 1; i < 100 && alive; i++) {
		char	*stat = xasprintf("/proc/%d/stat", (int)pid);
		char	 line[256] = "";

		f = fopen(stat, "r");
		free(stat);
		if (f == NULL) {
			alive = 0;
			break;
		}
		if (fgets(line, sizeof line, f) != NULL &&
		    strstr(line, ") Z ") != NULL)
			alive = 0;
		fclose(f);
		if (alive)
			usleep(20000);
	}
	assert_false(alive);
	command_tmpdir_remove(dir);
	free(pidfile);
	free(dir);
}

static void
test_tmpdir(void **state)
{
	struct stat	 sb;
	char		*dir, *error = NULL, *path, *old;
	int		 fd;

	(void)state;
	old = getenv("TMPDIR") != NULL ? xstrdup(getenv("TMPDIR")) : NULL;
	unsetenv("TMPDIR");
	assert_non_null(dir = command_tmpdir_new(&error));
	assert_true(strncmp(dir, "/tmp/skua-", 10) == 0);
	assert_true(command_is_plain(dir));
	assert_int_equal(stat(dir, &sb), 0);
	assert_true(S_ISDIR(sb.st_mode));
	assert_int_equal(sb.st_mode & 0777, 0700);

	/* What a viewer leaves behind goes too; a link is not followed. */
	path = xasprintf("%s/file", dir);
	fd = open(path, O_WRONLY | O_CREAT, 0600);
	assert_true(fd != -1);
	close(fd);
	free(path);
	path = xasprintf("%s/sub", dir);
	assert_int_equal(mkdir(path, 0700), 0);
	free(path);
	path = xasprintf("%s/sub/deeper", dir);
	assert_int_equal(mkdir(path, 0700), 0);
	free(path);
	path = xasprintf("%s/outside", dir);
	assert_int_equal(symlink("/tmp", path), 0);
	free(path);
	command_tmpdir_remove(dir);
	assert_int_equal(stat(dir, &sb), -1);
	assert_int_equal(errno, ENOENT);
	assert_int_equal(stat("/tmp", &sb), 0);
	free(dir);
	command_tmpdir_remove(NULL);

	/* A $TMPDIR a shell would read differently is passed over. */
	setenv("TMPDIR", "/tmp/a dir; rm", 1);
	assert_non_null(dir = command_tmpdir_new(&error));
	assert_true(strncmp(dir, "/tmp/skua-", 10) == 0);
	command_tmpdir_remove(dir);
	free(dir);
	setenv("TMPDIR", "relative", 1);
	assert_non_null(dir = command_tmpdir_new(&error));
	assert_true(strncmp(dir, "/tmp/skua-", 10) == 0);
	command_tmpdir_remove(dir);
	free(dir);
	setenv("TMPDIR", "/nonexistent-skua-dir", 1);
	assert_null(command_tmpdir_new(&error));
	assert_non_null(strstr(error, "/nonexistent-skua-dir"));
	free(error);
	if (old != NULL)
		setenv("TMPDIR", old, 1);
	else
		unsetenv("TMPDIR");
	free(old);

	assert_true(command_is_plain("/tmp/skua-AbC123/a_b.c+d,e:f=g@h-i"));
	assert_false(command_is_plain("a b"));
	assert_false(command_is_plain("a'b"));
	assert_false(command_is_plain("\xc3\xa9"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_run),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_tmpdir),
	};

	return cmocka_run_group_tests_name("command", tests, NULL, NULL);
}
