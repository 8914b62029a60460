/* cmd: skua's subcommands run without the terminal interface (sync, and
 * later fetch, render). One file each; UI process. */
#ifndef SKUA_CMD_H
#define SKUA_CMD_H

struct config;

/* skua sync [--bodies] [ACCOUNT[/FOLDER]...]: exit status for main. */
int	cmd_sync_main(const struct config *, int argc, char **argv);
/* skua render FILE...: each message as the pager shows it. config may be
 * NULL (no configuration file: defaults). */
int	cmd_render_main(const struct config *, int argc, char **argv);

#endif
