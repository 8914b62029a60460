/* fetch-probe: a test driver for imap-fetch and store-cache: log in, EXAMINE
 * (or SELECT) a folder, fetch one section of one UID into a part cache (or
 * its MIME header), optionally cancel after some chunks or mark it seen, and
 * print what happened. Exit: 0 ok, 1 error, 6 cancelled, 2 usage. */
#include "auto-config.h"

#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "imap-fetch.h"
#include "imap-session.h"
#include "log.h"
#include "store-cache.h"

/* What the progress callback needs to cancel after some chunks. */
struct probe {
	int	cancel_after;	/* chunks; 0: never */
	int	chunks;
	int	interrupt_write;
};

static const char *
status_name(enum imap_fetch_status fs)
{
	switch (fs) {
	case IMAP_FETCH_OK: return "ok";
	case IMAP_FETCH_NOT_FOUND: return "not found";
	case IMAP_FETCH_REFUSED: return "refused";
	case IMAP_FETCH_SINK: return "cache";
	case IMAP_FETCH_INVALID: return "invalid";
	case IMAP_FETCH_TOO_BIG: return "too big";
	case IMAP_FETCH_ERROR: return "connection";
	case IMAP_FETCH_CANCELLED: return "cancelled";
	}
	return "?";
}

static void
usage(void)
{
	fprintf(stderr, "usage: fetch-probe -h host -p port -t implicit|"
	    "starttls|none [-c ca] [-u user] [-w password] [-P] "
	    "[-T timeout_ms] [-m folder] [-U uid] [-s section] [-d cachedir] "
	    "[-z total] [-V uidvalidity] [-C chunks] [-W] [-S] [-H] [-F]\n");
	exit(2);
}

/* Print each chunk; after the asked number, fire our own interrupt fd as
 * the UI's cancel would. */
static void
progress(uint64_t done, uint64_t total, void *arg)
{
	struct probe	*p = arg;

	printf("PROGRESS %" PRIu64 " %" PRIu64 "\n", done, total);
	fflush(stdout);
	if (p->cancel_after != 0 && ++p->chunks == p->cancel_after) {
		if (write(p->interrupt_write, "x", 1) != 1)
			perror("write");
	}
}

/* Print the message's flags as the server has them now. */
static int
print_flags(struct imap_session *s, uint32_t uid)
{
	struct mailimap_msg_att_item	*item;
	struct mailimap_flag_fetch	*ff;
	struct mailimap_fetch_type	*type;
	struct mailimap_msg_att		*att;
	struct mailimap_set		*set;
	clistiter			*i, *j, *k;
	clist				*result = NULL;
	char				*error;
	int				 r;

	set = mailimap_set_new_single(uid);
	type = mailimap_fetch_type_new_fetch_att(
	    mailimap_fetch_att_new_flags());
	r = mailimap_uid_fetch(imap_session_imap(s), set, type, &result);
	mailimap_fetch_type_free(type);
	mailimap_set_free(set);
	if (r != MAILIMAP_NO_ERROR) {
		error = imap_session_error(s, r, "UID FETCH FLAGS");
		printf("ERROR: %s\n", error);
		free(error);
		return 1;
	}
	printf("FLAGS");
	for (i = clist_begin(result); i != NULL; i = clist_next(i)) {
		att = clist_content(i);
		for (j = clist_begin(att->att_list); j != NULL;
		    j = clist_next(j)) {
			item = clist_content(j);
			if (item->att_type != MAILIMAP_MSG_ATT_ITEM_DYNAMIC ||
			    item->att_data.att_dyn->att_list == NULL)
				continue;
			for (k = clist_begin(item->att_data.att_dyn->att_list);
			    k != NULL; k = clist_next(k)) {
				ff = clist_content(k);
				if (ff->fl_type == MAILIMAP_FLAG_FETCH_RECENT)
					printf(" \\Recent");
				else if (ff->fl_flag->fl_type ==
				    MAILIMAP_FLAG_SEEN)
					printf(" \\Seen");
				else if (ff->fl_flag->fl_type ==
				    MAILIMAP_FLAG_KEYWORD)
					printf(" %s",
					    ff->fl_flag->fl_data.fl_keyword);
				else
					printf(" flag%d", ff->fl_flag->fl_type);
			}
		}
	}
	printf("\n");
	mailimap_fetch_list_free(result);
	return 0;
}

int
main(int argc, char **argv)
{
	struct config_account		 a;
	struct imap_session_config	 config;
	struct imap_session		*s = NULL;
	struct store_cache		*cache = NULL;
	struct net_tls_peer		 peer;
	struct probe			 p;
	struct stat			 sb;
	enum imap_session_status	 ss;
	enum imap_fetch_status		 fs = IMAP_FETCH_OK;
	const char			*folder = "INBOX", *section = "1";
	const char			*cache_dir = NULL;
	char				*error = NULL, *path, *header;
	uint64_t			 total = 0, resumed;
	uint32_t			 uid = 1, uidvalidity = 0;
	size_t				 len;
	int				 ch, rc = 0, pipefd[2], select_rw = 0;
	int				 seen = 0, mime = 0, flags = 0, r;

	memset(&a, 0, sizeof a);
	memset(&config, 0, sizeof config);
	memset(&p, 0, sizeof p);
	a.name = "probe";
	a.user = "skua";
	config.account = &a;
	while ((ch = getopt(argc, argv, "h:p:t:c:u:w:PT:m:U:s:d:z:V:C:WSHF"))
	    != -1) {
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
		case 'u': a.user = optarg; break;
		case 'w': config.password = optarg; break;
		case 'P': a.allow_plaintext_password = 1; break;
		case 'T': config.timeout_ms = atoi(optarg); break;
		case 'm': folder = optarg; break;
		case 'U': uid = strtoul(optarg, NULL, 10); break;
		case 's': section = optarg; break;
		case 'd': cache_dir = optarg; break;
		case 'z': total = strtoull(optarg, NULL, 10); break;
		case 'V': uidvalidity = strtoul(optarg, NULL, 10); break;
		case 'C': p.cancel_after = atoi(optarg); break;
		case 'W': select_rw = 1; break;
		case 'S': seen = 1; break;
		case 'H': mime = 1; break;
		case 'F': flags = 1; break;
		default: usage();
		}
	}
	if (a.host == NULL || a.port == 0 || (!mime && cache_dir == NULL))
		usage();
	signal(SIGPIPE, SIG_IGN);
	if (getenv("FETCH_PROBE_LOG") != NULL)
		log_open(getenv("FETCH_PROBE_LOG"), LOG_LEVEL_DEBUG, NULL);
	if (pipe(pipefd) == -1) {
		perror("pipe");
		return 1;
	}
	config.interrupt_fd = pipefd[0];
	p.interrupt_write = pipefd[1];

	if (cache_dir != NULL &&
	    store_cache_open(cache_dir, &cache, &error) != STORE_CACHE_OK) {
		printf("ERROR: %s\n", error);
		rc = 1;
		goto out;
	}
	ss = imap_session_open(&config, &s, &peer, &error);
	net_tls_peer_clear(&peer);
	if (ss != IMAP_SESSION_OK) {
		printf("ERROR: %s\n", error);
		rc = 1;
		goto out;
	}
	r = select_rw ? mailimap_select(imap_session_imap(s), folder) :
	    mailimap_examine(imap_session_imap(s), folder);
	if (r != MAILIMAP_NO_ERROR) {
		error = imap_session_error(s, r, select_rw ? "SELECT" :
		    "EXAMINE");
		printf("ERROR: %s\n", error);
		rc = 1;
		goto out;
	}
	if (uidvalidity == 0)
		uidvalidity = imap_session_imap(s)->imap_selection_info->
		    sel_uidvalidity;

	if (mime) {
		fs = imap_fetch_mime_header(s, uid, section, &header, &len,
		    &error);
		if (fs == IMAP_FETCH_OK) {
			printf("HEADER %zu\n", len);
			fwrite(header, 1, len, stdout);
			free(header);
		}
	} else {
		fs = imap_fetch_to_cache(s, cache, folder, uidvalidity, uid,
		    section, total, progress, &p, &resumed, &error);
		printf("RESUME %" PRIu64 "\n", resumed);
		path = store_cache_path(cache, folder, uidvalidity, uid,
		    section);
		if (fs == IMAP_FETCH_OK) {
			if (path == NULL || stat(path, &sb) == -1) {
				printf("ERROR: no complete file\n");
				rc = 1;
			} else
				printf("OK %jd %s\n", (intmax_t)sb.st_size,
				    path);
		}
		free(path);
	}
	switch (fs) {
	case IMAP_FETCH_OK:
		break;
	case IMAP_FETCH_CANCELLED:
		printf("CANCELLED: %s\n", error);
		rc = 6;
		goto out;
	default:
		printf("ERROR: %s: %s\n", status_name(fs), error);
		rc = 1;
		goto out;
	}
	if (rc == 0 && seen) {
		free(error);
		error = NULL;
		if (imap_fetch_flag_seen(s, uid, &error) != IMAP_FETCH_OK) {
			printf("ERROR: %s\n", error);
			rc = 1;
		} else
			printf("SEEN\n");
	}
	if (rc == 0 && flags)
		rc = print_flags(s, uid);

out:
	if (s != NULL) {
		/* A dead or cancelled stream gets no LOGOUT. */
		if (rc == 0)
			imap_session_close(s);
		else
			imap_session_abort(s);
	}
	store_cache_close(cache);
	free(error);
	close(pipefd[0]);
	close(pipefd[1]);
	log_close();
	return rc;
}
