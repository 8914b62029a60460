/* change-probe: a test driver for imap-change: connect and log in with the
 * given settings, run one change named on the command line and print one
 * result line. Exit: 0 ok, 1 error, 3 refused, 4 unsafe, 5 unsupported,
 * 2 usage. */
#include "auto-config.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "imap-change.h"
#include "imap-session.h"
#include "log.h"
#include "net-stream.h"
#include "store-mirror.h"
#include "xmalloc.h"

static void
usage(void)
{
	fprintf(stderr, "usage: change-probe -h host -p port [-c ca] "
	    "[-u user] [-w password] [-m modseq] command ...\n"
	    "  flags FOLDER +SAFDTWJ-SAFDTWJ UIDS | copy|move FOLDER DEST UIDS"
	    "\n  expunge FOLDER UIDS | create|delete|subscribe|unsubscribe "
	    "NAME\n  rename NAME NEW | append FOLDER FILE [+FLAGS] | "
	    "quota FOLDER\n"
	    "UIDS: 3,5,7 or 1:9 or 1:99/2 (every other one)\n");
	exit(2);
}

/* One letter per STORE_FLAG_* bit. */
static uint32_t
flag_bit(char c)
{
	switch (c) {
	case 'S': return STORE_FLAG_SEEN;
	case 'A': return STORE_FLAG_ANSWERED;
	case 'F': return STORE_FLAG_FLAGGED;
	case 'D': return STORE_FLAG_DELETED;
	case 'T': return STORE_FLAG_DRAFT;
	case 'W': return STORE_FLAG_FORWARDED;
	case 'J': return STORE_FLAG_JUNK;
	}
	usage();
	return 0;
}

/* "+SF-D" into add and remove bits. */
static void
parse_flags(const char *s, uint32_t *add, uint32_t *remove)
{
	uint32_t	*to = NULL;

	*add = *remove = 0;
	for (; *s != '\0'; s++) {
		if (*s == '+')
			to = add;
		else if (*s == '-')
			to = remove;
		else if (to == NULL)
			usage();
		else
			*to |= flag_bit(*s);
	}
}

/* "3,5,7", "1:9" or "1:99/2", in any mix; the caller frees. */
static uint32_t *
parse_uids(const char *s, size_t *n)
{
	uint32_t	*u = NULL;
	unsigned long	 a, b, step, i;
	char		*end;

	*n = 0;
	while (*s != '\0') {
		a = b = strtoul(s, &end, 10);
		step = 1;
		if (*end == ':')
			b = strtoul(end + 1, &end, 10);
		if (*end == '/')
			step = strtoul(end + 1, &end, 10);
		if (a == 0 || b < a || step == 0 || (*end != ',' && *end != '\0'))
			usage();
		for (i = a; i <= b; i += step) {
			u = xreallocarray(u, *n + 1, sizeof *u);
			u[(*n)++] = i;
		}
		s = *end == ',' ? end + 1 : end;
	}
	return u;
}

static char *
read_file(const char *path, size_t *len)
{
	FILE	*f;
	char	*data = NULL;
	size_t	 got;
	char	 buf[8192];

	if ((f = fopen(path, "rb")) == NULL) {
		perror(path);
		exit(2);
	}
	*len = 0;
	while ((got = fread(buf, 1, sizeof buf, f)) > 0) {
		data = xreallocarray(data, *len + got, 1);
		memcpy(data + *len, buf, got);
		*len += got;
	}
	fclose(f);
	return data;
}

static enum imap_change_status
select_folder(struct imap_session *s, const char *folder, int condstore,
    char **error)
{
	uint64_t	modseq = 0;
	int		r;

	/* A CONDSTORE select only where offered: the reduced profile shows
	 * that UNCHANGEDSINCE is then left out. */
	condstore = condstore && imap_session_has(s, "CONDSTORE");
	r = imap_session_select(s, folder, condstore ? &modseq : NULL);
	if (r == MAILIMAP_NO_ERROR)
		return IMAP_CHANGE_OK;
	*error = imap_session_error(s, r, "SELECT");
	return IMAP_CHANGE_ERROR;
}

static enum imap_change_status
run(struct imap_session *s, int argc, char **argv, uint64_t unchangedsince,
    char **error)
{
	enum imap_change_status	 st;
	struct imap_change_quota q;
	enum imap_change_folder_op op;
	const char		*cmd = argv[0];
	uint32_t		*uids, *modified = NULL, add, remove, uid;
	size_t			 n, nmodified = 0, i, len;
	char			*data;

	if (strcmp(cmd, "flags") == 0 && argc == 4) {
		parse_flags(argv[2], &add, &remove);
		uids = parse_uids(argv[3], &n);
		if ((st = select_folder(s, argv[1], unchangedsince != 0,
		    error)) == IMAP_CHANGE_OK)
			st = imap_change_flags(s, uids, n, add, remove,
			    unchangedsince, &modified, &nmodified, error);
		if (st == IMAP_CHANGE_OK) {
			printf("OK");
			if (nmodified > 0)
				printf(" modified");
			for (i = 0; i < nmodified; i++)
				printf("%c%u", i == 0 ? ' ' : ',',
				    modified[i]);
			printf("\n");
		}
		free(modified);
		free(uids);
		return st;
	}
	if ((strcmp(cmd, "copy") == 0 || strcmp(cmd, "move") == 0) &&
	    argc == 4) {
		uids = parse_uids(argv[3], &n);
		if ((st = select_folder(s, argv[1], 0, error)) ==
		    IMAP_CHANGE_OK)
			st = imap_change_copy(s, uids, n, argv[2],
			    strcmp(cmd, "move") == 0, error);
		free(uids);
		goto out;
	}
	if (strcmp(cmd, "expunge") == 0 && argc == 3) {
		uids = parse_uids(argv[2], &n);
		if ((st = select_folder(s, argv[1], 0, error)) ==
		    IMAP_CHANGE_OK)
			st = imap_change_expunge(s, uids, n, error);
		free(uids);
		goto out;
	}
	if (strcmp(cmd, "rename") == 0 && argc == 3) {
		st = imap_change_folder(s, IMAP_CHANGE_RENAME, argv[1],
		    argv[2], error);
		goto out;
	}
	if (argc == 2) {
		op = IMAP_CHANGE_CREATE;
		if (strcmp(cmd, "create") == 0)
			op = IMAP_CHANGE_CREATE;
		else if (strcmp(cmd, "delete") == 0)
			op = IMAP_CHANGE_DELETE;
		else if (strcmp(cmd, "subscribe") == 0)
			op = IMAP_CHANGE_SUBSCRIBE;
		else if (strcmp(cmd, "unsubscribe") == 0)
			op = IMAP_CHANGE_UNSUBSCRIBE;
		else if (strcmp(cmd, "quota") == 0) {
			st = imap_change_quota(s, argv[1], &q, error);
			if (st == IMAP_CHANGE_OK) {
				printf("quota storage %llu/%llu messages "
				    "%llu/%llu root %s\n",
				    (unsigned long long)q.storage_used,
				    (unsigned long long)q.storage_limit,
				    (unsigned long long)q.messages_used,
				    (unsigned long long)q.messages_limit,
				    q.root);
				imap_change_quota_clear(&q);
			}
			return st;
		} else
			usage();
		st = imap_change_folder(s, op, argv[1], NULL, error);
		goto out;
	}
	if (strcmp(cmd, "append") == 0 && (argc == 3 || argc == 4)) {
		add = remove = 0;
		if (argc == 4)
			parse_flags(argv[3], &add, &remove);
		data = read_file(argv[2], &len);
		st = imap_change_append(s, argv[1], add, data, len, &uid,
		    error);
		free(data);
		if (st == IMAP_CHANGE_OK)
			printf("appenduid %u\n", uid);
		return st;
	}
	usage();
	return IMAP_CHANGE_ERROR;
out:
	if (st == IMAP_CHANGE_OK)
		printf("OK\n");
	return st;
}

int
main(int argc, char **argv)
{
	struct config_account		 a;
	struct imap_session_config	 config;
	struct imap_session		*s;
	struct net_tls_peer		 peer;
	enum imap_change_status		 st;
	uint64_t			 unchangedsince = 0;
	char				*error = NULL;
	int				 ch, rc = 0;

	memset(&a, 0, sizeof a);
	memset(&config, 0, sizeof config);
	a.name = "probe";
	a.user = "skua";
	a.tls = CONFIG_TLS_IMPLICIT;
	config.account = &a;
	config.interrupt_fd = -1;
	while ((ch = getopt(argc, argv, "+h:p:c:u:w:m:")) != -1) {
		switch (ch) {
		case 'h': a.host = optarg; break;
		case 'p': a.port = atoi(optarg); break;
		case 'c': a.tls_ca_file = optarg; break;
		case 'u': a.user = optarg; break;
		case 'w': config.password = optarg; break;
		case 'm': unchangedsince = strtoull(optarg, NULL, 10); break;
		default: usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (a.host == NULL || a.port == 0 || argc < 2)
		usage();
	signal(SIGPIPE, SIG_IGN);
	if (getenv("CHANGE_PROBE_LOG") != NULL)
		log_open(getenv("CHANGE_PROBE_LOG"), LOG_LEVEL_DEBUG, NULL);

	memset(&peer, 0, sizeof peer);
	if (imap_session_open(&config, &s, &peer, &error) != IMAP_SESSION_OK) {
		printf("ERROR: %s\n", error != NULL ? error : peer.problem);
		net_tls_peer_clear(&peer);
		free(error);
		return 1;
	}
	st = run(s, argc, argv, unchangedsince, &error);
	/* REFUSED and UNSAFE promise a stream still in step: one more
	 * command shows it. */
	if ((st == IMAP_CHANGE_REFUSED || st == IMAP_CHANGE_UNSAFE) &&
	    mailimap_noop(imap_session_imap(s)) != MAILIMAP_NO_ERROR) {
		printf("ERROR: the session is out of step after: %s\n",
		    error);
		free(error);
		error = NULL;
		imap_session_abort(s);
		log_close();
		return 1;
	}
	switch (st) {
	case IMAP_CHANGE_OK:
		break;
	case IMAP_CHANGE_REFUSED:
		printf("REFUSED: %s\n", error);
		rc = 3;
		break;
	case IMAP_CHANGE_UNSAFE:
		printf("UNSAFE: %s\n", error);
		rc = 4;
		break;
	case IMAP_CHANGE_UNSUPPORTED:
		printf("UNSUPPORTED\n");
		rc = 5;
		break;
	case IMAP_CHANGE_ERROR:
		printf("ERROR: %s\n", error);
		rc = 1;
		break;
	}
	/* After an error the stream is out of step: no LOGOUT on it. */
	if (st == IMAP_CHANGE_ERROR)
		imap_session_abort(s);
	else
		imap_session_close(s);
	net_tls_peer_clear(&peer);
	free(error);
	log_close();
	return rc;
}
