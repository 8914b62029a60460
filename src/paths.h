/* paths: where skua keeps its files, following the XDG base directories.
 * Any process may call these; results are allocated and the caller frees. */
#ifndef SKUA_PATHS_H
#define SKUA_PATHS_H

enum paths_status {
	PATHS_OK,
	PATHS_ERROR,
};

/* $XDG_CONFIG_HOME/skua/config (or ~/.config/skua/config). */
char	*paths_config_file(void);
/* $XDG_CACHE_HOME/skua, $XDG_DATA_HOME/skua, $XDG_STATE_HOME/skua. */
char	*paths_cache_dir(void);
char	*paths_data_dir(void);
char	*paths_state_dir(void);
/* The log file: paths_state_dir()/skua.log. */
char	*paths_log_file(void);
/* Create path and its parents with mode (for new ones); *error on failure. */
enum paths_status paths_mkdir_p(const char *path, int mode, char **error);
/* Replace a leading $HOME with "~" for messages; the caller frees. */
char	*paths_tilde(const char *path);

#endif
