/* test-paths: XDG directories with their fallbacks, mkdir -p, and the
 * ~ shortening used in messages. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "paths.h"

static void
assert_path(char *got, const char *want)
{
	assert_string_equal(got, want);
	free(got);
}

static void
test_xdg(void **state)
{
	setenv("HOME", "/home/jane", 1);
	setenv("XDG_CONFIG_HOME", "/cfg", 1);
	setenv("XDG_CACHE_HOME", "/cache", 1);
	setenv("XDG_DATA_HOME", "/data", 1);
	setenv("XDG_STATE_HOME", "/state", 1);
	assert_path(paths_config_file(), "/cfg/skua/config");
	assert_path(paths_cache_dir(), "/cache/skua");
	assert_path(paths_data_dir(), "/data/skua");
	assert_path(paths_state_dir(), "/state/skua");
	assert_path(paths_log_file(), "/state/skua/skua.log");
}

static void
test_fallbacks(void **state)
{
	setenv("HOME", "/home/jane", 1);
	unsetenv("XDG_CONFIG_HOME");
	unsetenv("XDG_CACHE_HOME");
	/* Relative XDG values are invalid and ignored. */
	setenv("XDG_DATA_HOME", "relative/data", 1);
	setenv("XDG_STATE_HOME", "", 1);
	assert_path(paths_config_file(), "/home/jane/.config/skua/config");
	assert_path(paths_cache_dir(), "/home/jane/.cache/skua");
	assert_path(paths_data_dir(), "/home/jane/.local/share/skua");
	assert_path(paths_state_dir(), "/home/jane/.local/state/skua");
}

static void
test_tilde(void **state)
{
	setenv("HOME", "/home/jane", 1);
	assert_path(paths_tilde("/home/jane/.config/skua/config"),
	    "~/.config/skua/config");
	assert_path(paths_tilde("/home/janet/x"), "/home/janet/x");
	assert_path(paths_tilde("/etc/x"), "/etc/x");
}

static void
test_mkdir_p(void **state)
{
	char		 dir[] = "/tmp/skua-test-paths-XXXXXX", path[128];
	char		*error = NULL;
	struct stat	 sb;
	FILE		*f;

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/a/b/c", dir);
	assert_int_equal(paths_mkdir_p(path, 0700, &error), PATHS_OK);
	assert_int_equal(stat(path, &sb), 0);
	assert_true(S_ISDIR(sb.st_mode));
	assert_int_equal(sb.st_mode & 0777, 0700);
	/* Again: already there is fine. */
	assert_int_equal(paths_mkdir_p(path, 0700, &error), PATHS_OK);

	/* A file in the way is an error naming it. */
	snprintf(path, sizeof path, "%s/file", dir);
	f = fopen(path, "w");
	fclose(f);
	snprintf(path, sizeof path, "%s/file/sub", dir);
	assert_int_equal(paths_mkdir_p(path, 0700, &error), PATHS_ERROR);
	assert_non_null(strstr(error, "/file"));
	free(error);

	snprintf(path, sizeof path, "rm -rf '%s'", dir);
	assert_int_equal(system(path), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_xdg),
		cmocka_unit_test(test_fallbacks),
		cmocka_unit_test(test_tilde),
		cmocka_unit_test(test_mkdir_p),
	};

	return cmocka_run_group_tests_name("paths", tests, NULL, NULL);
}
