/* main: skua's entry point: command line, configuration, logging, locale,
 * then the terminal interface. Exit 0 on success, 1 on error, 2 on usage. */
#include "auto-config.h"

#include <getopt.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "core.h"
#include "keys.h"
#include "theme.h"
#include "ui.h"

static void
main_usage(FILE *f)
{
	fprintf(f, _(
"Usage: skua [OPTION]...\n"
"       skua [OPTION]... sync [--bodies] [ACCOUNT[/FOLDER]...]\n"
"       skua [OPTION]... fetch [ACCOUNT...]\n"
"       skua [OPTION]... render FILE...\n"
"A terminal mail client for IMAP and POP3 accounts.\n"
"\n"
"  -F, --config FILE     read FILE instead of ~/.config/skua/config\n"
"      --check-config    check the configuration, print a summary, exit\n"
"      --example-config  print a commented example configuration\n"
"  -f ACCOUNT[/FOLDER]   start with that folder open (INBOX by default)\n"
"  -d, --debug           log the protocol trace too (passwords redacted)\n"
"  -h, --help            show this help and exit\n"
"  -V, --version         show the version and exit\n"
"\n"
"Commands:\n"
"  sync                  bring the accounts' local mirrors up to date and exit\n"
"  fetch                 download the POP3 accounts' mail and exit\n"
"  render FILE...        print messages (- for standard input) as the pager\n"
"                        shows them, with their attachment lists\n"
"\n"
"The log is ~/.local/state/skua/skua.log ($XDG_STATE_HOME/skua).\n"
"See skua(1) and skua-config(5).\n"));
}

/* skua -f ACCOUNT[/FOLDER]: 0 if the config has the account, else say
 * which accounts it has. The folder is known only once the account lists
 * its folders, so the interface checks that. */
static int
main_check_start(const struct config *config, const char *start)
{
	const char	*slash = strchr(start, '/');
	char		*name, *names = NULL, *joined;
	size_t		 i;
	int		 found;

	name = slash != NULL ? xstrndup(start, (size_t)(slash - start)) :
	    xstrdup(start);
	found = config_account_find(config, name) != NULL;
	if (!found) {
		for (i = 0; i < config_account_count(config); i++) {
			joined = xasprintf("%s%s%s", names != NULL ? names : "",
			    names != NULL ? ", " : "",
			    config_account(config, i)->name);
			free(names);
			names = joined;
		}
		if (names != NULL)
			fprintf(stderr, _("skua: no account '%s' in %s; its "
			    "accounts are: %s\n"), name, config_file(config),
			    names);
		else
			fprintf(stderr, _("skua: no account '%s' in %s: it "
			    "has none\n"), name, config_file(config));
	}
	free(names);
	free(name);
	return found ? 0 : -1;
}

/* No config file: say where it goes and how to start one. */
static void
main_no_config(const char *path)
{
	char	*shown = paths_tilde(path);

	fprintf(stderr, _(
"skua: no configuration file at %s\n"
"Create one from the commented example:\n"
"  mkdir -p %s && skua --example-config > %s\n"
"then edit its [account] sections; skua-config(5) describes every option.\n"),
	    shown, "~/.config/skua", shown);
	free(shown);
}

static int
main_open_log(int debug)
{
	char	*dir, *file, *error = NULL;

	dir = paths_state_dir();
	if (paths_mkdir_p(dir, 0700, &error) != PATHS_OK) {
		fprintf(stderr, _("skua: warning: no log: %s\n"), error);
		free(error);
		free(dir);
		return -1;
	}
	file = paths_log_file();
	if (log_open(file, debug ? LOG_LEVEL_DEBUG : LOG_LEVEL_INFO,
	    &error) != LOG_OK) {
		fprintf(stderr, _("skua: warning: no log: %s\n"), error);
		free(error);
	}
	free(file);
	free(dir);
	return 0;
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'F' },
		{ "check-config", no_argument, NULL, 'C' },
		{ "example-config", no_argument, NULL, 'E' },
		{ "debug", no_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	struct config	*config = NULL;
	enum config_status cstatus;
	const char	*localedir;
	char		*path = NULL, *errors = NULL, *error = NULL;
	char		*start = NULL;
	int		 ch, debug = 0, check = 0, given, status = 1;

	setlocale(LC_ALL, "");
	/* SKUA_LOCALEDIR reads the catalogues from elsewhere: the tests
	 * use one installed under a temporary directory. */
	localedir = getenv("SKUA_LOCALEDIR");
	bindtextdomain(PACKAGE, localedir != NULL && *localedir != '\0' ?
	    localedir : LOCALEDIR);
	textdomain(PACKAGE);

	while ((ch = getopt_long(argc, argv, "+F:f:dhV", longopts, NULL)) != -1) {
		switch (ch) {
		case 'F':
			free(path);
			path = xstrdup(optarg);
			break;
		case 'f':
			free(start);
			start = xstrdup(optarg);
			break;
		case 'C':
			check = 1;
			break;
		case 'E':
			fputs(config_example(), stdout);
			return 0;
		case 'd':
			debug = 1;
			break;
		case 'h':
			main_usage(stdout);
			return 0;
		case 'V':
			printf("skua %s\n", PACKAGE_VERSION);
			return 0;
		default:
			main_usage(stderr);
			return 2;
		}
	}
	if (optind != argc && strcmp(argv[optind], "sync") != 0 &&
	    strcmp(argv[optind], "fetch") != 0 &&
	    strcmp(argv[optind], "render") != 0) {
		fprintf(stderr, _("skua: unexpected argument '%s'\n"),
		    argv[optind]);
		main_usage(stderr);
		return 2;
	}
	if (start != NULL && optind != argc) {
		fprintf(stderr, _("skua: -f opens a folder in the interface, "
		    "not with %s\n"), argv[optind]);
		free(start);
		return 2;
	}

	if ((given = (path != NULL)) == 0)
		path = paths_config_file();
	switch ((cstatus = config_load(path, &config, &errors))) {
	case CONFIG_OK:
		break;
	case CONFIG_NOT_FOUND:
		/* Rendering a file needs no account: defaults will do. */
		if (!given && !check && optind != argc &&
		    strcmp(argv[optind], "render") == 0) {
			signal(SIGPIPE, SIG_IGN);
			status = cmd_render_main(NULL, argc - optind,
			    argv + optind);
			goto out;
		}
		if (!given) {
			main_no_config(path);
			goto out;
		}
		/* FALLTHROUGH */
	case CONFIG_IO_ERROR:
	case CONFIG_INVALID:
		fprintf(stderr, "%s", errors);
		if (cstatus == CONFIG_INVALID)
			fprintf(stderr, _("skua: %s has errors; nothing was "
			    "started\n"), path);
		goto out;
	}
	if (keys_load(config, &errors) != KEYS_OK) {
		fprintf(stderr, "%s", errors);
		fprintf(stderr, _("skua: %s has errors; nothing was "
		    "started\n"), path);
		goto out;
	}
	if (theme_load(config, &errors) != THEME_OK) {
		fprintf(stderr, "%s", errors);
		goto out;
	}
	if (config_warnings(config) != NULL)
		fprintf(stderr, _("skua: warning: %s\n"),
		    config_warnings(config));
	if (check) {
		printf(ngettext("%s: OK, %zu account\n",
		    "%s: OK, %zu accounts\n", config_account_count(config)),
		    path, config_account_count(config));
		status = 0;
		goto out;
	}

	main_open_log(debug);
	log_info("skua %s starting with %s", PACKAGE_VERSION, path);
	if (config_warnings(config) != NULL)
		log_warn("%s", config_warnings(config));
	if (optind != argc) {
		/* A command's workers must not die of a closed pipe either. */
		signal(SIGPIPE, SIG_IGN);
		if (strcmp(argv[optind], "render") == 0)
			status = cmd_render_main(config, argc - optind,
			    argv + optind);
		else if (strcmp(argv[optind], "fetch") == 0)
			status = cmd_fetch_main(config, argc - optind,
			    argv + optind);
		else
			status = cmd_sync_main(config, argc - optind,
			    argv + optind);
		goto out;
	}
	if (start != NULL && main_check_start(config, start) == -1)
		goto out;
	if (ui_run(config, start, &error) != UI_OK) {
		fprintf(stderr, "skua: %s\n", error);
		goto out;
	}
	status = 0;
out:
	free(start);
	free(error);
	free(errors);
	free(path);
	keys_free();
	config_free(config);
	log_close();
	return status;
}
