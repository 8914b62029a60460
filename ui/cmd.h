/* cmd: skua's subcommands run without the terminal interface (sync, and
 * later fetch, render). One file each; UI process. */
#ifndef SKUA_CMD_H
#define SKUA_CMD_H

struct account;
struct config;
struct msg;

/* skua sync [--bodies] [ACCOUNT[/FOLDER]...]: exit status for main. */
int	cmd_sync_main(const struct config *, int argc, char **argv);
/* skua fetch [ACCOUNT...]: download POP3 accounts; exit status for main. */
int	cmd_fetch_main(const struct config *, int argc, char **argv);
/* Answer a worker's MSG_EV_QUESTION (m, borrowed) on the terminal; name is
 * the account's, for messages. */
void	cmd_question(struct account *, const char *name, struct msg *m);
/* skua render FILE...: each message as the pager shows it. config may be
 * NULL (no configuration file: defaults). */
int	cmd_render_main(const struct config *, int argc, char **argv);

#endif
