/* run: hand the terminal to a shell command (a mailcap viewer, a command an
 * attachment is piped to) and take it back. UI process only: it blocks
 * until the command ends, which is what the person asked for. */
#ifndef SKUA_RUN_H
#define SKUA_RUN_H

enum run_status {
	RUN_OK,		/* it ran and exited with status 0 */
	RUN_FAILED,	/* it ran: *exit_status is not 0 (127: not found) */
	RUN_ERROR,	/* it could not be started: *error says why */
};

/* run_command flags: when to ask for a key before the screen comes back
 * (otherwise the command's last words vanish under it). */
#define RUN_WAIT_ALWAYS		0x1
#define RUN_WAIT_FAILED		0x2

/*
 * Run command with /bin/sh -c on the terminal, curses suspended, its
 * standard input from the file input (NULL: the terminal). skua ignores
 * ^C and ^\ meanwhile (they are the command's), and stops with it on ^Z.
 * The caller redraws everything after. *exit_status is 0-255, or 128 +
 * the signal that ended it; *error is the caller's.
 */
enum run_status	 run_command(const char *command, const char *input,
		     int flags, int *exit_status, char **error);

#endif
