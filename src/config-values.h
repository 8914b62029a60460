/* config-values: the global option values, shared by config.c and
 * config-table.c only (the rest of skua uses the accessors in config.h). */
#ifndef SKUA_CONFIG_VALUES_H
#define SKUA_CONFIG_VALUES_H

struct config_values {
	int	 sidebar_width;
	int	 check_interval;
	int	 sort;		/* index into config-table.c's choices */
	int	 sort_threads;
	char	*html_command;	/* NULL: the default */
	int	 prefer_html;
	char	*theme;		/* NULL: default */
	char	*pager_headers;	/* NULL: the default */
	char	*url_command;	/* NULL: none, show the URL */
	char	*editor;	/* NULL: $VISUAL, $EDITOR, vi */
};

#endif
