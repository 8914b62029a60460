/* paths: XDG base directories with the usual fallbacks under $HOME, and
 * mkdir -p for the directories skua owns (created private). */
#include "auto-config.h"

#include <errno.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "intl.h"
#include "paths.h"
#include "xmalloc.h"

static const char *
paths_home(void)
{
	const char	*home = getenv("HOME");
	struct passwd	*pw;

	if (home != NULL && *home == '/')
		return home;
	if ((pw = getpwuid(getuid())) != NULL && pw->pw_dir != NULL)
		return pw->pw_dir;
	return "/";
}

/* An XDG variable counts only when it is an absolute path (the spec says
 * relative ones are invalid and must be ignored). */
static char *
paths_xdg(const char *variable, const char *fallback)
{
	const char	*value = getenv(variable);

	if (value != NULL && *value == '/')
		return xasprintf("%s/skua", value);
	return xasprintf("%s/%s/skua", paths_home(), fallback);
}

char *
paths_config_file(void)
{
	char	*dir = paths_xdg("XDG_CONFIG_HOME", ".config");
	char	*file = xasprintf("%s/config", dir);

	free(dir);
	return file;
}

char *
paths_cache_dir(void)
{
	return paths_xdg("XDG_CACHE_HOME", ".cache");
}

char *
paths_data_dir(void)
{
	return paths_xdg("XDG_DATA_HOME", ".local/share");
}

char *
paths_state_dir(void)
{
	return paths_xdg("XDG_STATE_HOME", ".local/state");
}

char *
paths_log_file(void)
{
	char	*dir = paths_state_dir();
	char	*file = xasprintf("%s/skua.log", dir);

	free(dir);
	return file;
}

enum paths_status
paths_mkdir_p(const char *path, int mode, char **error)
{
	char		*copy, *p;
	struct stat	 sb;

	copy = xstrdup(path);
	for (p = copy + 1; ; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		char	saved = *p;
		*p = '\0';
		if (mkdir(copy, mode) == -1 && errno != EEXIST) {
			if (error != NULL)
				*error = xasprintf("%s: %s", copy, strerror(errno));
			free(copy);
			return PATHS_ERROR;
		}
		*p = saved;
		if (saved == '\0')
			break;
	}
	free(copy);
	if (stat(path, &sb) == -1 || !S_ISDIR(sb.st_mode)) {
		if (error != NULL)
			*error = xasprintf(_("%s: not a directory"), path);
		return PATHS_ERROR;
	}
	return PATHS_OK;
}

char *
paths_tilde(const char *path)
{
	const char	*home = paths_home();
	size_t		 len = strlen(home);

	if (len > 1 && strncmp(path, home, len) == 0 && path[len] == '/')
		return xasprintf("~%s", path + len);
	return xstrdup(path);
}
