/* imap-probe: a test driver for imap-session: connect and log in with the
 * given settings, optionally SELECT INBOX and fetch the first message, and
 * print one result line. Exit: 0 ok, 1 error, 3 certificate, 4 refused,
 * 5 login refused, 6 cancelled, 2 usage. */
#include "auto-config.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "imap-session.h"
#include "log.h"
#include "net-stream.h"

static void
usage(void)
{
	fprintf(stderr, "usage: imap-probe -h host -p port -t implicit|"
	    "starttls|none [-c ca] [-f pin] [-u user] [-w password] [-P] "
	    "[-T timeout_ms] [-F] [-k capability]\n");
	exit(2);
}

static int
fetch_first(struct imap_session *s)
{
	mailimap			*imap = imap_session_imap(s);
	struct mailimap_set		*set;
	struct mailimap_fetch_type	*type;
	struct mailimap_section		*section;
	clist				*result = NULL;
	char				*error;
	int				 r;

	if ((r = mailimap_select(imap, "INBOX")) != MAILIMAP_NO_ERROR) {
		error = imap_session_error(s, r, "SELECT");
		printf("ERROR: %s\n", error);
		free(error);
		return 1;
	}
	set = mailimap_set_new_single(1);
	type = mailimap_fetch_type_new_fetch_att_list_empty();
	section = mailimap_section_new(NULL);
	mailimap_fetch_type_new_fetch_att_list_add(type,
	    mailimap_fetch_att_new_body_peek_section(section));
	r = mailimap_fetch(imap, set, type, &result);
	mailimap_fetch_type_free(type);
	mailimap_set_free(set);
	/* After an error libetpan 1.9.4 may have freed result already. */
	if (r == MAILIMAP_NO_ERROR && result != NULL)
		mailimap_fetch_list_free(result);
	if (r != MAILIMAP_NO_ERROR) {
		error = imap_session_error(s, r, "FETCH");
		printf("ERROR: %s\n", error);
		free(error);
		return 1;
	}
	printf("FETCHED\n");
	return 0;
}

int
main(int argc, char **argv)
{
	struct config_account		 a;
	struct imap_session_config	 config;
	struct imap_session		*s;
	struct net_tls_peer		 peer;
	enum imap_session_status	 status;
	const char			*need = NULL;
	char				*error = NULL;
	int				 ch, fetch = 0, rc = 0;

	memset(&a, 0, sizeof a);
	memset(&config, 0, sizeof config);
	a.name = "probe";
	a.user = "skua";
	config.account = &a;
	config.interrupt_fd = -1;
	while ((ch = getopt(argc, argv, "h:p:t:c:f:u:w:PT:Fk:")) != -1) {
		switch (ch) {
		case 'h': a.host = optarg; break;
		case 'p': a.port = atoi(optarg); break;
		case 't':
			if (strcmp(optarg, "implicit") == 0)
				a.tls = CONFIG_TLS_IMPLICIT;
			else if (strcmp(optarg, "starttls") == 0)
				a.tls = CONFIG_TLS_STARTTLS;
			else if (strcmp(optarg, "none") == 0)
				a.tls = CONFIG_TLS_NONE;
			else
				usage();
			break;
		case 'c': a.tls_ca_file = optarg; break;
		case 'f': a.tls_fingerprint = optarg; break;
		case 'u': a.user = optarg; break;
		case 'w': config.password = optarg; break;
		case 'P': a.allow_plaintext_password = 1; break;
		case 'T': config.timeout_ms = atoi(optarg); break;
		case 'F': fetch = 1; break;
		case 'k': need = optarg; break;
		default: usage();
		}
	}
	if (a.host == NULL || a.port == 0)
		usage();
	signal(SIGPIPE, SIG_IGN);
	if (getenv("IMAP_PROBE_LOG") != NULL)
		log_open(getenv("IMAP_PROBE_LOG"), LOG_LEVEL_DEBUG, NULL);

	status = imap_session_open(&config, &s, &peer, &error);
	switch (status) {
	case IMAP_SESSION_OK:
		if (need != NULL && !imap_session_has(s, need)) {
			printf("ERROR: no capability %s\n", need);
			rc = 1;
		} else if (fetch)
			rc = fetch_first(s);
		else
			printf("OK\n");
		if (rc == 0)
			imap_session_close(s);
		else
			imap_session_abort(s);
		break;
	case IMAP_SESSION_CERTIFICATE:
		printf("CERTIFICATE: %s (%s)\n", peer.problem,
		    peer.fingerprint);
		rc = 3;
		break;
	case IMAP_SESSION_REFUSED:
		printf("REFUSED: %s\n", error);
		rc = 4;
		break;
	case IMAP_SESSION_AUTH:
		printf("AUTH: %s\n", error);
		rc = 5;
		break;
	case IMAP_SESSION_CANCELLED:
		printf("CANCELLED: %s\n", error);
		rc = 6;
		break;
	case IMAP_SESSION_ERROR:
		printf("ERROR: %s\n", error);
		rc = 1;
		break;
	}
	net_tls_peer_clear(&peer);
	free(error);
	log_close();
	return rc;
}
