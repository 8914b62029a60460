/* ui: the terminal and the UI process's one poll() loop (terminal, signal
 * pipe, later the account workers). Redraws once per turn, when dirty. */
#ifndef SKUA_UI_H
#define SKUA_UI_H

struct config;

enum ui_status {
	UI_OK,
	UI_ERROR,
};

/* Take the terminal, run until the user quits, give the terminal back.
 * start is skua -f's ACCOUNT[/FOLDER] to open (an account the config has),
 * or NULL. On UI_ERROR *error says why; the caller frees it. */
enum ui_status	ui_run(const struct config *, const char *start,
		    char **error);

#endif
