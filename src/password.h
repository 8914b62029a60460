/* password: get an account's secret from its password_command (or the
 * password option). Worker process only: it runs a command and waits. */
#ifndef SKUA_PASSWORD_H
#define SKUA_PASSWORD_H

enum password_status {
	PASSWORD_OK,
	PASSWORD_NONE,		/* nothing configured: ask the user */
	PASSWORD_ERROR,		/* the command failed; *error says how */
};

/*
 * Run command with /bin/sh -c, stdin from /dev/null, and take the first line
 * of its output (at most 4 KiB) as the secret. Bounded by timeout_ms; the
 * command's stderr goes to the log, never to the screen. *out is the
 * caller's; clear it with password_free.
 */
enum password_status password_run(const char *command, int timeout_ms,
		     char **out, char **error);
/* Overwrite, then free. */
void		 password_free(char *);

#endif
