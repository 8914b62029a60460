/* prompt-command: the command line after : (mutt's enter-command): a
 * command and its argument, as in ":sort subject" or ":limit ~N", or the
 * name of any action, run as its key would be. Errors go on the message
 * line. UI process. */
#include "auto-config.h"

#include <stdlib.h>
#include <string.h>

#include "backend.h"
#include "core.h"
#include "keys.h"
#include "model-folder.h"
#include "theme.h"
#include "view.h"

struct prompt_command {
	const char	*name;
	const char	*usage;		/* its argument, for errors */
	int		 needs_argument;
	void		(*run)(struct ui *, const char *argument);
};

/* :sort's orders, with mutt's names too; reverse- turns one around. */
static const struct {
	const char	*name;
	int		 sort;
} prompt_command_sorts[] = {
	{ "date", MODEL_FOLDER_SORT_DATE },
	{ "date-sent", MODEL_FOLDER_SORT_DATE },
	{ "thread", MODEL_FOLDER_SORT_THREAD },
	{ "threads", MODEL_FOLDER_SORT_THREAD },
	{ "from", MODEL_FOLDER_SORT_FROM },
	{ "sender", MODEL_FOLDER_SORT_FROM },
	{ "subject", MODEL_FOLDER_SORT_SUBJECT },
	{ "size", MODEL_FOLDER_SORT_SIZE },
};

/* Whether a folder is open; if not, say so. */
static int
prompt_command_has_folder(struct ui *ui, const char *command)
{
	if (ui->open.account != NULL && ui->open.model != NULL)
		return 1;
	ui_error(ui, _(":%s: no folder is open."), command);
	return 0;
}

static void
prompt_command_sort(struct ui *ui, const char *argument)
{
	const char	*name = argument;
	size_t		 i;
	int		 flags = 0, current;

	if (!prompt_command_has_folder(ui, "sort"))
		return;
	if (strncmp(name, "reverse-", 8) == 0) {
		name += 8;
		flags |= MODEL_FOLDER_REVERSE;
	}
	for (i = 0; i < sizeof prompt_command_sorts /
	    sizeof prompt_command_sorts[0]; i++) {
		if (strcmp(prompt_command_sorts[i].name, name) != 0)
			continue;
		/* How threads are placed stays as the config said. */
		model_folder_sort(ui->open.model, &current);
		flags |= current & MODEL_FOLDER_THREAD_FIRST_DATE;
		view_index_set_sort(ui, prompt_command_sorts[i].sort, flags);
		return;
	}
	ui_error(ui, _(":sort: unknown order '%s' (date, thread, from, "
	    "subject or size, each also as reverse-ORDER)"), argument);
}

static void
prompt_command_limit(struct ui *ui, const char *argument)
{
	view_index_pattern_limit(ui, argument);
}

static void
prompt_command_search(struct ui *ui, const char *argument)
{
	view_index_pattern_search(ui, argument, 0);
}

static void
prompt_command_tag(struct ui *ui, const char *argument)
{
	view_index_pattern_tag(ui, argument, 1);
}

static void
prompt_command_untag(struct ui *ui, const char *argument)
{
	view_index_pattern_tag(ui, argument, 0);
}

static void
prompt_command_quit(struct ui *ui, const char *argument)
{
	ui->quit = 1;
	(void)argument;
}

static void
prompt_command_help(struct ui *ui, const char *argument)
{
	ui_action(ui, KEYS_ACTION_HELP);
	(void)argument;
}

/* :theme NAME: another theme now, without a restart. */
static void
prompt_command_theme(struct ui *ui, const char *argument)
{
	char	*errors = NULL, *nl;

	if (theme_switch(argument, &errors) != THEME_OK) {
		/* The first line says it; the rest is in the log. */
		if (errors != NULL && (nl = strchr(errors, '\n')) != NULL)
			*nl = '\0';
		ui_error(ui, "%s", errors != NULL ? errors : argument);
		free(errors);
		return;
	}
	ui->dirty |= VIEW_DIRTY_ALL;
	ui_message(ui, _("Theme %s."), argument);
}

static void
prompt_command_mkdir(struct ui *ui, const char *argument)
{
	view_index_change_folder(ui, BACKEND_FOLDER_CREATE, argument, NULL);
}

/* :rename OLD NEW: the last word is the new name, the rest the old. */
static void
prompt_command_rename(struct ui *ui, const char *argument)
{
	const char	*space = strrchr(argument, ' ');
	char		*old;

	if (space == NULL) {
		ui_error(ui, _("Usage: :%s %s"), "rename", _("OLD NEW"));
		return;
	}
	old = xstrndup(argument, (size_t)(space - argument));
	view_index_change_folder(ui, BACKEND_FOLDER_RENAME, old, space + 1);
	free(old);
}

static void
prompt_command_rmdir_confirmed(struct ui *ui, const char *line, void *arg)
{
	char	*name = arg;

	if (strcmp(line, "yes") == 0 || strcmp(line, _("yes")) == 0)
		view_index_change_folder(ui, BACKEND_FOLDER_DELETE, name, NULL);
	else
		ui_message(ui, _("%s is kept."), name);
	free(name);
}

/* :rmdir NAME: the folder and every message in it go; ask first. */
static void
prompt_command_rmdir(struct ui *ui, const char *argument)
{
	char	*label;

	label = xasprintf(_("Delete the folder %s and every message in it? "
	    "Type yes: "), argument);
	prompt_line_start(ui, label, NULL, prompt_command_rmdir_confirmed,
	    xstrdup(argument));
	free(label);
}

static void
prompt_command_subscribe(struct ui *ui, const char *argument)
{
	view_index_change_folder(ui, BACKEND_FOLDER_SUBSCRIBE, argument, NULL);
}

static void
prompt_command_unsubscribe(struct ui *ui, const char *argument)
{
	view_index_change_folder(ui, BACKEND_FOLDER_UNSUBSCRIBE, argument,
	    NULL);
}

/* Commands first; an action of the same name without an argument would
 * only prompt for what the command was given. */
static const struct prompt_command prompt_commands[] = {
	{ "help", "", 0, prompt_command_help },
	{ "limit", N_("[PATTERN]"), 0, prompt_command_limit },
	{ "mkdir", N_("FOLDER"), 1, prompt_command_mkdir },
	{ "q", "", 0, prompt_command_quit },
	{ "quit", "", 0, prompt_command_quit },
	{ "rename", N_("OLD NEW"), 1, prompt_command_rename },
	{ "rmdir", N_("FOLDER"), 1, prompt_command_rmdir },
	{ "search", N_("PATTERN"), 1, prompt_command_search },
	{ "sort", N_("ORDER"), 1, prompt_command_sort },
	{ "subscribe", N_("FOLDER"), 1, prompt_command_subscribe },
	{ "tag-pattern", N_("PATTERN"), 1, prompt_command_tag },
	{ "theme", N_("NAME"), 1, prompt_command_theme },
	{ "unsubscribe", N_("FOLDER"), 1, prompt_command_unsubscribe },
	{ "untag-pattern", N_("PATTERN"), 1, prompt_command_untag },
};

/* The command or action nearest to an unknown name, or NULL. */
static const char *
prompt_command_nearest(const char *name)
{
	const char	*nearest = NULL;
	size_t		 i, d, best = 3;

	for (i = 0; i < sizeof prompt_commands / sizeof prompt_commands[0];
	    i++) {
		d = config_distance(name, prompt_commands[i].name);
		if (d < best) {
			best = d;
			nearest = prompt_commands[i].name;
		}
	}
	if (nearest == NULL)
		keys_action_find(name, &nearest);
	return nearest;
}

/* Run one command line: "COMMAND [ARGUMENT]", blanks around either. */
void
prompt_command_run(struct ui *ui, const char *line)
{
	const struct prompt_command	*c;
	enum keys_action		 action;
	const char			*nearest;
	char				*copy, *name, *argument, *end;
	size_t				 i;

	copy = xstrdup(line);
	name = copy + strspn(copy, " \t");
	end = name + strcspn(name, " \t");
	argument = end + strspn(end, " \t");
	*end = '\0';
	for (i = strlen(argument); i > 0 && (argument[i - 1] == ' ' ||
	    argument[i - 1] == '\t'); i--)
		argument[i - 1] = '\0';
	if (*name == '\0')
		goto out;
	for (i = 0; i < sizeof prompt_commands / sizeof prompt_commands[0];
	    i++) {
		c = &prompt_commands[i];
		if (strcmp(c->name, name) != 0)
			continue;
		if (c->needs_argument && *argument == '\0')
			ui_error(ui, _("Usage: :%s %s"), c->name,
			    _(c->usage));
		else if (*c->usage == '\0' && *argument != '\0')
			ui_error(ui, _(":%s takes no argument."), c->name);
		else
			c->run(ui, argument);
		goto out;
	}
	if ((action = keys_action_find(name, NULL)) != KEYS_ACTION_COUNT) {
		if (*argument != '\0')
			ui_error(ui, _(":%s takes no argument."), name);
		else
			ui_action(ui, action);
		goto out;
	}
	if ((nearest = prompt_command_nearest(name)) != NULL)
		ui_error(ui, _("Unknown command: %s (did you mean %s?)"),
		    name, nearest);
	else
		ui_error(ui, _("Unknown command: %s (:help lists the "
		    "actions)"), name);
out:
	free(copy);
}

static void
prompt_command_entered(struct ui *ui, const char *line, void *arg)
{
	prompt_command_run(ui, line);
	(void)arg;
}

void
prompt_command_start(struct ui *ui)
{
	prompt_line_start(ui, ":", NULL, prompt_command_entered, NULL);
}
