/* search-probe: a test driver for imap-search: log in over implicit TLS,
 * SELECT a folder, fetch every message's index row as the mirror keeps it
 * (imap-convert), then for each pattern print the UIDs UID SEARCH returns
 * and the UIDs pattern_match picks from those rows:
 *
 *   pattern: ~f bob
 *   server: 3 7 12          (or "server: LOCAL", "server: REFUSED why")
 *   local: 3 7 12
 *
 * Exit: 0 ok, 1 error, 2 usage. */
#include "auto-config.h"

#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "imap-convert.h"
#include "imap-search.h"
#include "imap-session.h"
#include "log.h"
#include "pattern.h"
#include "store-mirror.h"
#include "xmalloc.h"

static void
usage(void)
{
	fprintf(stderr, "usage: search-probe -h host -p port -c ca -u user "
	    "-w password [-m folder] [-N now] pattern ...\n");
	exit(2);
}

/* Every message of the selected folder as index rows; -1 on error. */
static int
fetch_rows(struct imap_session *s, struct store_message **rows, size_t *n)
{
	struct mailimap_fetch_type	*type;
	struct mailimap_set		*set;
	clist				*result = NULL;
	clistiter			*i;
	char				*error;
	int				 r;

	*rows = NULL;
	*n = 0;
	set = mailimap_set_new_interval(1, 0);
	type = imap_convert_fetch_type(0);
	r = mailimap_uid_fetch(imap_session_imap(s), set, type, &result);
	mailimap_fetch_type_free(type);
	mailimap_set_free(set);
	if (r != MAILIMAP_NO_ERROR) {
		error = imap_session_error(s, r, "UID FETCH");
		printf("ERROR: %s\n", error);
		free(error);
		return -1;
	}
	*rows = xcalloc(clist_count(result) + 1, sizeof **rows);
	for (i = clist_begin(result); i != NULL; i = clist_next(i)) {
		if (imap_convert_message(clist_content(i), &(*rows)[*n]) == 0)
			(*n)++;
	}
	mailimap_fetch_list_free(result);
	return 0;
}

static int
compare_uid(const void *a, const void *b)
{
	const struct store_message	*x = a, *y = b;

	return x->uid < y->uid ? -1 : x->uid > y->uid;
}

/* One pattern: the server's answer, then the rows' own; -1 on an error
 * that leaves the session unusable. */
static int
probe(struct imap_session *s, const char *text, int64_t now,
    const struct store_message *rows, size_t nrows)
{
	struct pattern		*p;
	struct pattern_message	 m;
	uint32_t		*uids;
	size_t			 n, i;
	char			*error;
	int			 rc = 0;

	printf("pattern: %s\n", text);
	if (pattern_parse(text, now, &p, &error) != PATTERN_OK) {
		printf("server: INVALID %s\nlocal: INVALID\n", error);
		free(error);
		return 0;
	}
	switch (imap_search_run(s, p, &uids, &n, &error)) {
	case IMAP_SEARCH_OK:
		printf("server:");
		for (i = 0; i < n; i++)
			printf(" %" PRIu32, uids[i]);
		printf("\n");
		free(uids);
		break;
	case IMAP_SEARCH_LOCAL:
		printf("server: LOCAL\n");
		break;
	case IMAP_SEARCH_REFUSED:
		printf("server: REFUSED %s\n", error);
		free(error);
		break;
	case IMAP_SEARCH_ERROR:
		printf("server: ERROR %s\n", error);
		free(error);
		rc = -1;
		break;
	}
	printf("local:");
	for (i = 0; i < nrows; i++) {
		memset(&m, 0, sizeof m);
		m.from = rows[i].from;
		m.subject = rows[i].subject;
		m.to = rows[i].to;
		m.cc = rows[i].cc;
		m.flags = rows[i].flags;
		m.size = rows[i].size;
		/* As the index has it (summary.c): the Date header, else
		 * the arrival. */
		m.date = rows[i].date != 0 ? rows[i].date :
		    rows[i].internal_date;
		if (pattern_match(p, &m))
			printf(" %" PRIu32, rows[i].uid);
	}
	printf("\n");
	pattern_free(p);
	return rc;
}

int
main(int argc, char **argv)
{
	struct config_account		 a;
	struct imap_session_config	 config;
	struct imap_session		*s;
	struct net_tls_peer		 peer;
	struct store_message		*rows = NULL;
	const char			*folder = "INBOX";
	char				*error = NULL;
	int64_t				 now = (int64_t)time(NULL);
	size_t				 nrows = 0, i;
	int				 ch, r, rc = 0;

	memset(&a, 0, sizeof a);
	memset(&config, 0, sizeof config);
	memset(&peer, 0, sizeof peer);
	a.name = "probe";
	a.user = "skua";
	a.tls = CONFIG_TLS_IMPLICIT;
	config.account = &a;
	config.interrupt_fd = -1;
	while ((ch = getopt(argc, argv, "h:p:c:u:w:m:N:")) != -1) {
		switch (ch) {
		case 'h': a.host = optarg; break;
		case 'p': a.port = atoi(optarg); break;
		case 'c': a.tls_ca_file = optarg; break;
		case 'u': a.user = optarg; break;
		case 'w': config.password = optarg; break;
		case 'm': folder = optarg; break;
		case 'N': now = strtoll(optarg, NULL, 10); break;
		default: usage();
		}
	}
	if (a.host == NULL || a.port == 0 || optind == argc)
		usage();
	signal(SIGPIPE, SIG_IGN);
	if (getenv("SEARCH_PROBE_LOG") != NULL)
		log_open(getenv("SEARCH_PROBE_LOG"), LOG_LEVEL_DEBUG, NULL);

	if (imap_session_open(&config, &s, &peer, &error) != IMAP_SESSION_OK) {
		printf("ERROR: %s\n", error != NULL ? error : peer.problem !=
		    NULL ? peer.problem : "no session");
		free(error);
		net_tls_peer_clear(&peer);
		return 1;
	}
	/* Filled on success too (the certificate that was trusted). */
	net_tls_peer_clear(&peer);
	if ((r = imap_session_select(s, folder, NULL)) != MAILIMAP_NO_ERROR) {
		error = imap_session_error(s, r, "SELECT");
		printf("ERROR: %s\n", error);
		free(error);
		imap_session_abort(s);
		return 1;
	}
	if (fetch_rows(s, &rows, &nrows) != 0) {
		imap_session_abort(s);
		return 1;
	}
	qsort(rows, nrows, sizeof *rows, compare_uid);
	printf("rows: %zu\n", nrows);
	for (; optind < argc && rc == 0; optind++) {
		if (probe(s, argv[optind], now, rows, nrows) != 0)
			rc = 1;
	}
	for (i = 0; i < nrows; i++)
		store_message_clear(&rows[i]);
	free(rows);
	if (rc == 0)
		imap_session_close(s);
	else
		imap_session_abort(s);
	return rc;
}
