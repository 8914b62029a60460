/* command: shell commands skua runs on its own behalf (an HTML renderer, a
 * mailcap test), fed bytes and read back, bounded in output and time; and
 * the private directories files are handed to commands in. Any process;
 * command_run blocks until the command ends or is killed. */
#ifndef SKUA_COMMAND_H
#define SKUA_COMMAND_H

#include <stddef.h>

enum command_status {
	COMMAND_OK,		/* it ran and ended: see exit_status */
	COMMAND_TIMEOUT,	/* killed, with its process group, at the limit */
	COMMAND_TOO_BIG,	/* killed after max_output bytes (those are kept) */
	COMMAND_ERROR,		/* it could not be started: *error says why */
};

struct command_result {
	char	*out;		/* standard output, NUL-terminated */
	size_t	 len;
	char	*err;		/* the start of standard error, for the log */
	int	 exit_status;	/* 0-255 (127: not found), or 128 + signal */
};

/*
 * Run command with /bin/sh -c in a process group of its own, len bytes of
 * input on its standard input (NULL: /dev/null) and its output collected,
 * at most max_output bytes (0: thrown away). Input is written as the
 * command reads and output read as it comes, so a command that ignores
 * its input cannot block either side. After timeout_ms the whole group is
 * killed. The command never gets the terminal: standard error goes to a
 * pipe too. On any status but COMMAND_ERROR, r holds what was read; free
 * it with command_result_clear. On COMMAND_ERROR *error is the caller's.
 */
enum command_status command_run(const char *command, const char *input,
	     size_t len, size_t max_output, int timeout_ms,
	     struct command_result *r, char **error);
void	 command_result_clear(struct command_result *);

/*
 * A new private directory (mode 0700) under $TMPDIR, else /tmp, for files
 * handed to commands. Its path holds only letters, digits and "/._+,:=@-"
 * (a $TMPDIR with other characters is passed over for /tmp), so it reads
 * the same in any shell quoting. The caller frees the path and removes the
 * directory with command_tmpdir_remove; NULL with *error on failure.
 */
char	*command_tmpdir_new(char **error);
/* Remove dir and what is in it (what skua and the command put there),
 * never following a symbolic link. NULL is ignored. */
void	 command_tmpdir_remove(const char *dir);
/* Whether every byte of s is a letter, a digit or one of "/._+,:=@-":
 * text that no shell quoting changes. */
int	 command_is_plain(const char *s);

#endif
