/* config-table: every configuration key skua knows, in one table, so that
 * parsing, suggestions and the man page stay in step. */
#include "auto-config.h"

#include <stddef.h>
#include <string.h>

#include "config.h"
#include "config-table.h"
#include "config-values.h"
#include "intl.h"

static const char * const config_table_protocols[] = { "imap", "pop3", NULL };
static const char * const config_table_tls[] = {
	"implicit", "starttls", "none", NULL
};
/* In enum config_sort's order, then the same reversed (config.c relies on
 * it). */
static const char * const config_table_sort[] = {
	"date", "from", "subject", "size", "thread",
	"reverse-date", "reverse-from", "reverse-subject", "reverse-size",
	"reverse-thread", NULL
};
static const char * const config_table_sort_threads[] = {
	"latest", "first", NULL
};

#define ACCOUNT(field) offsetof(struct config_account, field)
#define GLOBAL(field) offsetof(struct config_values, field)

const struct config_table_key config_table_keys[] = {
	{ CONFIG_TABLE_GLOBAL, "sidebar_width", CONFIG_TABLE_INT,
	  GLOBAL(sidebar_width), NULL, 10, 60, N_("a width in columns") },
	{ CONFIG_TABLE_GLOBAL, "check_interval", CONFIG_TABLE_INT,
	  GLOBAL(check_interval), NULL, 0, 86400, N_("a number of seconds") },
	{ CONFIG_TABLE_GLOBAL, "sort", CONFIG_TABLE_ENUM, GLOBAL(sort),
	  config_table_sort, 0, 0, NULL },
	{ CONFIG_TABLE_GLOBAL, "sort_threads", CONFIG_TABLE_ENUM,
	  GLOBAL(sort_threads), config_table_sort_threads, 0, 0, NULL },
	{ CONFIG_TABLE_GLOBAL, "html_command", CONFIG_TABLE_STRING,
	  GLOBAL(html_command), NULL, 0, 0,
	  N_("a shell command, mailcap or builtin") },
	{ CONFIG_TABLE_GLOBAL, "prefer_html", CONFIG_TABLE_BOOL,
	  GLOBAL(prefer_html), NULL, 0, 0, NULL },
	{ CONFIG_TABLE_GLOBAL, "theme", CONFIG_TABLE_NAME, GLOBAL(theme),
	  NULL, 0, 0, N_("a theme name") },
	{ CONFIG_TABLE_GLOBAL, "pager_headers", CONFIG_TABLE_STRING,
	  GLOBAL(pager_headers), NULL, 0, 0, N_("a list of header names") },
	{ CONFIG_TABLE_GLOBAL, "url_command", CONFIG_TABLE_STRING,
	  GLOBAL(url_command), NULL, 0, 0, N_("a shell command") },
	{ CONFIG_TABLE_GLOBAL, "editor", CONFIG_TABLE_STRING,
	  GLOBAL(editor), NULL, 0, 0, N_("a shell command") },

	{ CONFIG_TABLE_ACCOUNT, "protocol", CONFIG_TABLE_ENUM,
	  ACCOUNT(protocol), config_table_protocols, 0, 0, NULL },
	{ CONFIG_TABLE_ACCOUNT, "host", CONFIG_TABLE_STRING, ACCOUNT(host),
	  NULL, 0, 0, N_("a host name") },
	{ CONFIG_TABLE_ACCOUNT, "port", CONFIG_TABLE_INT, ACCOUNT(port),
	  NULL, 1, 65535, N_("a port number") },
	{ CONFIG_TABLE_ACCOUNT, "tls", CONFIG_TABLE_ENUM, ACCOUNT(tls),
	  config_table_tls, 0, 0, NULL },
	{ CONFIG_TABLE_ACCOUNT, "user", CONFIG_TABLE_STRING, ACCOUNT(user),
	  NULL, 0, 0, N_("a user name") },
	{ CONFIG_TABLE_ACCOUNT, "password_command", CONFIG_TABLE_STRING,
	  ACCOUNT(password_command), NULL, 0, 0, N_("a shell command") },
	{ CONFIG_TABLE_ACCOUNT, "password", CONFIG_TABLE_STRING,
	  ACCOUNT(password), NULL, 0, 0, N_("a password") },
	{ CONFIG_TABLE_ACCOUNT, "oauth2_token_command", CONFIG_TABLE_STRING,
	  ACCOUNT(oauth2_token_command), NULL, 0, 0, N_("a shell command") },
	{ CONFIG_TABLE_ACCOUNT, "tls_ca_file", CONFIG_TABLE_STRING,
	  ACCOUNT(tls_ca_file), NULL, 0, 0, N_("a file name") },
	{ CONFIG_TABLE_ACCOUNT, "tls_fingerprint", CONFIG_TABLE_FINGERPRINT,
	  ACCOUNT(tls_fingerprint), NULL, 0, 0, NULL },
	{ CONFIG_TABLE_ACCOUNT, "allow_plaintext_password", CONFIG_TABLE_BOOL,
	  ACCOUNT(allow_plaintext_password), NULL, 0, 0, NULL },
	{ CONFIG_TABLE_ACCOUNT, "download_confirm_mb", CONFIG_TABLE_INT,
	  ACCOUNT(download_confirm_mb), NULL, 0, 100000,
	  N_("a size in megabytes") },
	{ CONFIG_TABLE_ACCOUNT, "maildir", CONFIG_TABLE_STRING,
	  ACCOUNT(maildir), NULL, 0, 0, N_("a directory") },
	{ CONFIG_TABLE_ACCOUNT, "pop3_delete", CONFIG_TABLE_BOOL,
	  ACCOUNT(pop3_delete), NULL, 0, 0, NULL },
	{ CONFIG_TABLE_ACCOUNT, "pop3_delete_after_days", CONFIG_TABLE_INT,
	  ACCOUNT(pop3_delete_after_days), NULL, 1, 36500,
	  N_("a number of days") },
	{ CONFIG_TABLE_ACCOUNT, "pop3_delete_when_deleted_locally",
	  CONFIG_TABLE_BOOL, ACCOUNT(pop3_delete_when_deleted_locally), NULL,
	  0, 0, NULL },
	{ CONFIG_TABLE_ACCOUNT, "delete_to_trash", CONFIG_TABLE_BOOL,
	  ACCOUNT(delete_to_trash), NULL, 0, 0, NULL },
	{ CONFIG_TABLE_ACCOUNT, "idle", CONFIG_TABLE_BOOL, ACCOUNT(idle), NULL,
	  0, 0, NULL },
	{ CONFIG_TABLE_ACCOUNT, "from", CONFIG_TABLE_STRING, ACCOUNT(from),
	  NULL, 0, 0, N_("a name and address") },
	{ CONFIG_TABLE_ACCOUNT, "alternates", CONFIG_TABLE_STRING,
	  ACCOUNT(alternates), NULL, 0, 0, N_("a list of addresses") },
	{ CONFIG_TABLE_ACCOUNT, "smtp_host", CONFIG_TABLE_STRING,
	  ACCOUNT(smtp_host), NULL, 0, 0, N_("a host name") },
	{ CONFIG_TABLE_ACCOUNT, "smtp_port", CONFIG_TABLE_INT,
	  ACCOUNT(smtp_port), NULL, 1, 65535, N_("a port number") },
	{ CONFIG_TABLE_ACCOUNT, "smtp_tls", CONFIG_TABLE_ENUM,
	  ACCOUNT(smtp_tls), config_table_tls, 0, 0, NULL },
	{ CONFIG_TABLE_ACCOUNT, "smtp_user", CONFIG_TABLE_STRING,
	  ACCOUNT(smtp_user), NULL, 0, 0, N_("a user name") },
	{ CONFIG_TABLE_ACCOUNT, "smtp_password_command", CONFIG_TABLE_STRING,
	  ACCOUNT(smtp_password_command), NULL, 0, 0, N_("a shell command") },
	{ CONFIG_TABLE_ACCOUNT, "sendmail_command", CONFIG_TABLE_STRING,
	  ACCOUNT(sendmail_command), NULL, 0, 0, N_("a shell command") },
	{ CONFIG_TABLE_ACCOUNT, "save_sent", CONFIG_TABLE_BOOL,
	  ACCOUNT(save_sent), NULL, 0, 0, NULL },
	{ CONFIG_TABLE_ACCOUNT, "signature", CONFIG_TABLE_STRING,
	  ACCOUNT(signature), NULL, 0, 0, N_("a file name") },

	{ 0, NULL, 0, 0, NULL, 0, 0, NULL }
};

const struct config_table_key *
config_table_find(enum config_table_section section, const char *name)
{
	const struct config_table_key	*key;

	for (key = config_table_keys; key->name != NULL; key++) {
		if (key->section == section && strcmp(key->name, name) == 0)
			return key;
	}
	return NULL;
}

const struct config_table_key *
config_table_nearest(const char *name)
{
	const struct config_table_key	*key, *best = NULL;
	size_t				 d, best_d = (size_t)-1, limit;

	/* Allow about one typo in three letters, at least two. */
	limit = strlen(name) / 3;
	if (limit < 2)
		limit = 2;
	for (key = config_table_keys; key->name != NULL; key++) {
		d = config_distance(name, key->name);
		if (d < best_d) {
			best_d = d;
			best = key;
		}
	}
	return best_d <= limit ? best : NULL;
}
