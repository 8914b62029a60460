/* config-example: the commented example configuration that
 * `skua --example-config` prints and skua-config(5) shows. */
#include "auto-config.h"

#include "config.h"

const char *
config_example(void)
{
	return
"# skua configuration: ~/.config/skua/config (see skua-config(5)).\n"
"# Lines are KEY = VALUE; # starts a comment; quote a value with \"...\"\n"
"# to keep leading spaces or a leading #.\n"
"\n"
"# Global options come before the first section.\n"
"sidebar_width = 28\n"
"# Check the open folder and the folder list every so many seconds.\n"
"check_interval = 60\n"
"# The index's order: date (newest first), from, subject, size or thread\n"
"# (as mutt's threads), each also as reverse-date and so on.\n"
"sort = date\n"
"# Threads by their latest message (a reply brings one up) or first.\n"
"sort_threads = latest\n"
"# HTML is shown as text by this command (HTML on its input, %c the\n"
"# width); \"mailcap\" uses the mailcap's copiousoutput entry for\n"
"# text/html, \"builtin\" skua's own plain rendering.\n"
"# html_command = w3m -dump -T text/html -I UTF-8 -O UTF-8 -cols %c\n"
"# In a message with both, show the HTML rather than the plain text.\n"
"prefer_html = no\n"
"\n"
"# An IMAP account: mail stays on the server.\n"
"[account work]\n"
"protocol = imap\n"
"host = imap.example.org\n"
"# tls = implicit (port 993, the default), starttls (port 143) or none\n"
"tls = implicit\n"
"user = jane@example.org\n"
"# The command's first line of output is the password.\n"
"password_command = pass show mail/work\n"
"# tls_ca_file = /etc/ssl/my-company-ca.pem\n"
"# tls_fingerprint = sha256:0123...\n"
"\n"
"# A POP3 account: mail is downloaded to a local Maildir.\n"
"[account home]\n"
"protocol = pop3\n"
"host = pop.example.net\n"
"tls = starttls\n"
"user = jane\n"
"password_command = secret-tool lookup mail home\n"
"\n"
"# Key bindings: [bind VIEW], then KEY = ACTION.\n"
"[bind global]\n"
"<F1> = help\n";
}
