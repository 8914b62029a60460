/* config-table: the list of valid configuration keys, their types, ranges
 * and defaults. Internal to config.c; one place to add a key. */
#ifndef SKUA_CONFIG_TABLE_H
#define SKUA_CONFIG_TABLE_H

#include <stddef.h>

enum config_table_section {
	CONFIG_TABLE_GLOBAL,
	CONFIG_TABLE_ACCOUNT,
};

enum config_table_type {
	CONFIG_TABLE_STRING,
	CONFIG_TABLE_INT,
	CONFIG_TABLE_BOOL,
	CONFIG_TABLE_ENUM,	/* stored as int: index into choices */
	CONFIG_TABLE_FINGERPRINT,
	CONFIG_TABLE_NAME,	/* a file-safe name: letters, digits, . - _ */
};

struct config_table_key {
	enum config_table_section	 section;
	const char			*name;
	enum config_table_type		 type;
	size_t				 offset;	/* into the section's struct */
	const char * const		*choices;	/* ENUM: NULL-terminated */
	int				 min, max;	/* INT */
	const char			*help;		/* for messages */
};

extern const struct config_table_key config_table_keys[];

const struct config_table_key *config_table_find(enum config_table_section,
	     const char *name);
/* Nearest key name within a small edit distance in any section, or NULL. */
const struct config_table_key *config_table_nearest(const char *name);

#endif
