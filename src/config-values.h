/* config-values: the global option values, shared by config.c and
 * config-table.c only (the rest of skua uses the accessors in config.h). */
#ifndef SKUA_CONFIG_VALUES_H
#define SKUA_CONFIG_VALUES_H

struct config_values {
	int	 sidebar_width;
	int	 check_interval;
};

#endif
