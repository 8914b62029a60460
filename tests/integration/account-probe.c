/* account-probe: a test driver for the account layer: start one account's
 * worker from a config file, post requests (list, open FOLDER, sync
 * FOLDER, send FILE RCPT..., ...), and print every event and the final reply, one per line.
 * Exit 0 when the final reply is DONE, 1 otherwise, 2 on usage. */
#include "auto-config.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "account.h"
#include "backend.h"
#include "config.h"
#include "log.h"
#include "msg.h"
#include "store-mirror.h"
#include "summary.h"

static int	 finished, result = 1, changed;
static const char *trust_answer = "no";
static const char *confirm_answer = "n";
static int	 every_row;	/* -r: a ROW line per row too */
static const char *sent_folder = "Sent";	/* -s: send's copy */

static long
elapsed_ms(void)
{
	static struct timespec	start;
	struct timespec		now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	if (start.tv_sec == 0)
		start = now;
	return (now.tv_sec - start.tv_sec) * 1000 +
	    (now.tv_nsec - start.tv_nsec) / 1000000;
}

static void
reply(struct account *a, struct msg *m, void *arg)
{
	struct summary		s;
	struct summary_folder	f;
	uint32_t		n, u, code, qid, kind, maxuid = 0;
	uint32_t		attachments = 0;
	const char		*answer;
	uint64_t		done, total;
	char			*text = NULL, *rows = NULL;
	size_t			rowslen = 0;
	FILE			*rowsf = NULL;

	printf("%ld ", elapsed_ms());
	switch (msg_type(m)) {
	case MSG_EV_ROWS:
		msg_get_u32(m, &n);
		printf("ROWS %u", n);
		if (every_row)
			rowsf = open_memstream(&rows, &rowslen);
		for (u = 0; u < n && summary_read(m, &s) == MSG_OK; u++) {
			if (rowsf != NULL)
				fprintf(rowsf, "\nROW uid %u flags %u "
				    "attachments %d from %s subject %s", s.uid,
				    s.flags, s.attachments, s.from != NULL ?
				    s.from : "", s.subject != NULL ?
				    s.subject : "");
			if (u == 0 || s.uid > maxuid)
				maxuid = s.uid;
			attachments += s.attachments != 0;
			if (u == 0)
				printf(" first-uid %u subject %s", s.uid,
				    s.subject != NULL ? s.subject : "");
			summary_clear(&s);
		}
		printf(" max-uid %u attachments %u", maxuid, attachments);
		if (rowsf != NULL) {
			fclose(rowsf);
			printf("%s", rows != NULL ? rows : "");
			free(rows);
		}
		break;
	case MSG_EV_FOLDER:
		if (summary_folder_read(m, &f) == MSG_OK) {
			printf("FOLDER %s display %s role %u total %u "
			    "unseen %u", f.name, f.display, f.role, f.total,
			    f.unseen);
			summary_folder_clear(&f);
		}
		break;
	case MSG_EV_FLAGS:
		msg_get_u32(m, &n);
		printf("FLAGS");
		for (qid = 0; qid < n && msg_get_u32(m, &u) == MSG_OK &&
		    msg_get_u32(m, &code) == MSG_OK; qid++)
			printf(" uid %u flags %u", u, code);
		break;
	case MSG_EV_VANISHED:
		msg_get_u32(m, &n);
		printf("VANISHED %u", n);
		for (qid = 0; qid < n && msg_get_u32(m, &u) == MSG_OK; qid++)
			printf(" %u", u);
		break;
	case MSG_EV_SEARCH:
		msg_get_u32(m, &n);
		printf("SEARCH %u", n);
		for (qid = 0; qid < n && msg_get_u32(m, &u) == MSG_OK; qid++)
			printf(" %u", u);
		break;
	case MSG_EV_NOTE:
		msg_get_str(m, &text);
		printf("NOTE %s", text != NULL ? text : "");
		break;
	case MSG_EV_CHANGED:
		msg_get_str(m, &text);
		printf("CHANGED %s", text != NULL ? text : "");
		changed = 1;
		break;
	case MSG_EV_QUOTA:
		msg_get_u64(m, &done);
		msg_get_u64(m, &total);
		printf("QUOTA %llu %llu", (unsigned long long)done,
		    (unsigned long long)total);
		break;
	case MSG_EV_BIG: {
		char	*folder = NULL, *from = NULL, *subject = NULL;

		msg_get_str(m, &folder);
		msg_get_u32(m, &u);
		msg_get_u32(m, &n);
		msg_get_str(m, &from);
		msg_get_str(m, &subject);
		msg_get_str(m, &text);
		msg_get_u64(m, &total);
		printf("BIG %s %u %u attachment %s %llu", folder, u, n,
		    text != NULL ? text : "-", (unsigned long long)total);
		free(folder);
		free(from);
		free(subject);
		break;
	}
	case MSG_EV_PART:
		msg_get_u32(m, &kind);
		if (kind == BACKEND_PART_TEXT) {
			char	*section = NULL, *type = NULL;

			msg_get_str(m, &section);
			msg_get_str(m, &type);
			msg_get_u32(m, &code);
			msg_get_str(m, &text);
			printf("TEXT section %s type %s notes %u bytes %zu\n",
			    section, type, code, text != NULL ? strlen(text) :
			    0);
			printf("%s", text != NULL ? text : "");
			free(section);
			free(type);
		} else if (kind == BACKEND_PART_HEADERS) {
			char	*name = NULL, *value = NULL;

			msg_get_u32(m, &n);
			printf("HEADERS %u", n);
			for (u = 0; u < n && msg_get_str(m, &name) == MSG_OK &&
			    msg_get_str(m, &value) == MSG_OK; u++) {
				printf("\nHEADER %s: %s", name, value);
				free(name);
				free(value);
				name = value = NULL;
			}
			free(name);
		} else {
			char	*section = NULL, *name = NULL, *type = NULL;

			msg_get_str(m, &section);
			msg_get_str(m, &name);
			msg_get_str(m, &type);
			msg_get_u64(m, &total);
			printf("ATTACHMENT section %s name %s type %s size %llu",
			    section, name != NULL ? name : "-", type,
			    (unsigned long long)total);
			free(section);
			free(name);
			free(type);
		}
		break;
	case MSG_EV_OUTBOX: {
		char	*id = NULL, *subject = NULL, *to = NULL;

		msg_get_str(m, &id);
		msg_get_str(m, &subject);
		msg_get_str(m, &to);
		msg_get_u32(m, &n);
		msg_get_str(m, &text);
		printf("OUTBOX %s subject %s to %s attempts %u error %s", id,
		    subject, to, n, text);
		free(id);
		free(subject);
		free(to);
		break;
	}
	case MSG_EV_PROGRESS:
		msg_get_u64(m, &done);
		msg_get_u64(m, &total);
		printf("PROGRESS %llu/%llu", (unsigned long long)done,
		    (unsigned long long)total);
		break;
	case MSG_EV_STATE:
		msg_get_u32(m, &u);
		msg_get_str(m, &text);
		printf("STATE %s %s", u == BACKEND_STATE_ONLINE ? "online" :
		    "offline", text != NULL ? text : "");
		break;
	case MSG_EV_QUESTION:
		msg_get_u32(m, &qid);
		msg_get_u32(m, &kind);
		answer = kind == BACKEND_QUESTION_CERTIFICATE ? trust_answer :
		    kind == BACKEND_QUESTION_CONFIRM ? confirm_answer : "";
		printf("QUESTION %u answered %s", kind, answer);
		account_answer(a, qid, answer);
		break;
	case MSG_DONE:
		printf("DONE");
		/* An APPEND's DONE carries the new UID. */
		if (msg_get_u32(m, &u) == MSG_OK)
			printf(" uid %u", u);
		finished = 1;
		result = 0;
		break;
	case MSG_ERROR:
		msg_get_u32(m, &code);
		msg_get_str(m, &text);
		printf("ERROR %s", text != NULL ? text : "");
		finished = 1;
		break;
	default:
		/* An event this probe does not print is not the end. */
		printf("%s %d", msg_is_final(m) ? "REPLY" : "EVENT",
		    (int)msg_type(m));
		if (msg_is_final(m))
			finished = 1;
		break;
	}
	printf("\n");
	fflush(stdout);
	free(text);
	(void)arg;
}

/* "+SF-D": the STORE_FLAG_* bits after sign (S seen, A answered, F
 * flagged, D deleted, R draft). */
static uint32_t
flag_bits(const char *spec, int sign)
{
	uint32_t	bits = 0;
	int		in = 0;

	for (; *spec != '\0'; spec++) {
		if (*spec == '+' || *spec == '-') {
			in = *spec == sign;
			continue;
		}
		if (!in)
			continue;
		bits |= *spec == 'S' ? STORE_FLAG_SEEN : *spec == 'A' ?
		    STORE_FLAG_ANSWERED : *spec == 'F' ? STORE_FLAG_FLAGGED :
		    *spec == 'D' ? STORE_FLAG_DELETED : *spec == 'R' ?
		    STORE_FLAG_DRAFT : 0;
	}
	return bits;
}

/* A whole file, for append; NULL if it cannot be read. */
static char *
read_file(const char *path, size_t *len)
{
	FILE	*f;
	char	*data = NULL;
	size_t	 size = 0;
	ssize_t	 n;

	if ((f = fopen(path, "rb")) == NULL)
		return NULL;
	n = getdelim(&data, &size, '\0', f);
	fclose(f);
	if (n < 0) {
		free(data);
		return NULL;
	}
	*len = (size_t)n;
	return data;
}

/* "3,5,7" or "1-100" as u32 n, then the uids. */
static void
add_uids(struct msg *m, const char *list)
{
	uint32_t	 uids[200000];
	unsigned long	 a, b;
	size_t		 n = 0, i;
	char		*end;

	while (*list != '\0' && n < sizeof uids / sizeof uids[0]) {
		a = strtoul(list, &end, 10);
		b = a;
		if (*end == '-')
			b = strtoul(end + 1, &end, 10);
		for (; a <= b && n < sizeof uids / sizeof uids[0]; a++)
			uids[n++] = (uint32_t)a;
		list = *end == ',' ? end + 1 : end;
		if (*end != ',')
			break;
	}
	msg_add_u32(m, (uint32_t)n);
	for (i = 0; i < n; i++)
		msg_add_u32(m, uids[i]);
}

/* Build the request for one command (argv[0..argc-1]); NULL if unknown. */
static struct msg *
request(int argc, char **argv)
{
	struct msg	*m = NULL;

	if (strcmp(argv[0], "list") == 0)
		m = msg_new(MSG_REQ_FOLDER_LIST, 0);
	else if (strcmp(argv[0], "open") == 0) {
		m = msg_new(MSG_REQ_FOLDER_OPEN, 0);
		msg_add_str(m, argc > 1 ? argv[1] : "INBOX");
	} else if (strcmp(argv[0], "fetch") == 0 && argc > 2) {
		m = msg_new(MSG_REQ_PART_FETCH, 0);
		msg_add_str(m, argv[1]);
		msg_add_u32(m, (uint32_t)strtoul(argv[2], NULL, 10));
		msg_add_str(m, argc > 3 ? argv[3] : "");
		msg_add_u32(m, 0);	/* render flags */
		msg_add_u32(m, 80);	/* width */
		msg_add_str(m, "");	/* the default html_command */
	} else if (strcmp(argv[0], "save") == 0 && argc > 4) {
		m = msg_new(MSG_REQ_PART_SAVE, 0);
		msg_add_str(m, argv[1]);
		msg_add_u32(m, (uint32_t)strtoul(argv[2], NULL, 10));
		msg_add_str(m, argv[3]);
		msg_add_str(m, argv[4]);
	} else if (strcmp(argv[0], "sync") == 0) {
		m = msg_new(MSG_REQ_SYNC, 0);
		msg_add_str(m, argc > 1 ? argv[1] : "");
		msg_add_u32(m, 0);
	} else if (strcmp(argv[0], "flags") == 0 && argc > 3) {
		m = msg_new(MSG_REQ_FLAGS, 0);
		msg_add_str(m, argv[1]);
		msg_add_u32(m, flag_bits(argv[2], '+'));
		msg_add_u32(m, flag_bits(argv[2], '-'));
		add_uids(m, argv[3]);
	} else if ((strcmp(argv[0], "move") == 0 ||
	    strcmp(argv[0], "copy") == 0) && argc > 3) {
		m = msg_new(MSG_REQ_COPY, 0);
		msg_add_str(m, argv[1]);
		msg_add_str(m, argv[2]);
		msg_add_u32(m, argv[0][0] == 'm');
		add_uids(m, argv[3]);
	} else if ((strcmp(argv[0], "delete") == 0 ||
	    strcmp(argv[0], "expunge") == 0 ||
	    strcmp(argv[0], "archive") == 0) && argc > 2) {
		m = msg_new(argv[0][0] == 'd' ? MSG_REQ_DELETE :
		    argv[0][0] == 'e' ? MSG_REQ_EXPUNGE : MSG_REQ_ARCHIVE, 0);
		msg_add_str(m, argv[1]);
		add_uids(m, argv[2]);
	} else if (strcmp(argv[0], "folder") == 0 && argc > 2) {
		m = msg_new(MSG_REQ_FOLDER_CHANGE, 0);
		msg_add_u32(m, strcmp(argv[1], "create") == 0 ?
		    BACKEND_FOLDER_CREATE : strcmp(argv[1], "rename") == 0 ?
		    BACKEND_FOLDER_RENAME : strcmp(argv[1], "delete") == 0 ?
		    BACKEND_FOLDER_DELETE : strcmp(argv[1], "subscribe") == 0 ?
		    BACKEND_FOLDER_SUBSCRIBE : BACKEND_FOLDER_UNSUBSCRIBE);
		msg_add_str(m, argv[2]);
		msg_add_str(m, argc > 3 ? argv[3] : "");
	} else if (strcmp(argv[0], "quota") == 0) {
		m = msg_new(MSG_REQ_QUOTA, 0);
		msg_add_u32(m, argc > 1 ? (uint32_t)atoi(argv[1]) : 0);
	} else if (strcmp(argv[0], "append") == 0 && argc > 3) {
		char	*data;
		size_t	 len;

		if ((data = read_file(argv[3], &len)) == NULL)
			return NULL;
		m = msg_new(MSG_REQ_APPEND, 0);
		msg_add_str(m, argv[1]);
		msg_add_u32(m, flag_bits(argv[2], '+'));
		msg_add_bytes(m, data, len);
		free(data);
	} else if (strcmp(argv[0], "send") == 0 && argc > 2) {
		/* FILE is the message as built; the sender is the
		 * account's from. */
		char	*data;
		size_t	 len;
		int	 i;

		if ((data = read_file(argv[1], &len)) == NULL)
			return NULL;
		m = msg_new(MSG_REQ_SEND, 0);
		msg_add_str(m, sent_folder);
		msg_add_str(m, "");
		msg_add_u32(m, (uint32_t)(argc - 2));
		for (i = 2; i < argc; i++)
			msg_add_str(m, argv[i]);
		msg_add_bytes(m, data, len);
		free(data);
	} else if (strcmp(argv[0], "outbox-flush") == 0)
		m = msg_new(MSG_REQ_OUTBOX_FLUSH, 0);
	else if (strcmp(argv[0], "outbox-list") == 0)
		m = msg_new(MSG_REQ_OUTBOX_LIST, 0);
	else if (strcmp(argv[0], "search") == 0 && argc > 2) {
		m = msg_new(MSG_REQ_SEARCH, 0);
		msg_add_str(m, argv[1]);
		msg_add_str(m, argv[2]);
	}
	return m;
}

int
main(int argc, char **argv)
{
	struct config			*config;
	const struct config_account	*a;
	struct account			*account;
	struct msg			*m;
	struct pollfd			 pfd;
	char				*errors = NULL;
	int				 ch, t;

	while ((ch = getopt(argc, argv, "+rs:t:y")) != -1) {
		if (ch == 'r')
			every_row = 1;
		else if (ch == 's')
			sent_folder = optarg;
		else if (ch == 't')
			trust_answer = optarg;
		else if (ch == 'y')
			confirm_answer = "y";
		else
			return 2;
	}
	argc -= optind;
	argv += optind;
	if (argc < 3) {
		fprintf(stderr, "usage: account-probe [-ry] [-s SENT] "
		    "[-t once|always|no] config account COMMAND "
		    "[+ COMMAND...]\n"
		    "commands: list | open FOLDER | sync [FOLDER] | fetch "
		    "FOLDER UID [SECTION] | save FOLDER UID SECTION PATH | "
		    "pause MS | wait-changed MS | flags FOLDER +SF-D UIDS | "
		    "move|copy FOLDER DEST UIDS | delete|expunge|archive FOLDER UIDS "
		    "| folder create|rename|delete|subscribe|unsubscribe NAME "
		    "[NEW] | quota [N] | search FOLDER PATTERN | append FOLDER "
		    "+FLAGS FILE | send FILE RCPT... | outbox-flush | "
		    "outbox-list\n");
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	if (getenv("ACCOUNT_PROBE_LOG") != NULL)
		log_open(getenv("ACCOUNT_PROBE_LOG"), LOG_LEVEL_DEBUG, NULL);
	if (config_load(argv[0], &config, &errors) != CONFIG_OK) {
		fprintf(stderr, "%s", errors);
		return 2;
	}
	if ((a = config_account_find(config, argv[1])) == NULL)
		return 2;
	if (account_start(a, backend_for(a), &account, &errors) !=
	    ACCOUNT_OK) {
		fprintf(stderr, "%s\n", errors);
		return 1;
	}
	elapsed_ms();
	account_set_event_cb(account, reply, NULL);
	/* Commands separated by "+" run one after another on one worker. */
	argc -= 2;
	argv += 2;
	while (argc > 0) {
		int	n = 0;

		while (n < argc && strcmp(argv[n], "+") != 0)
			n++;
		if (strcmp(argv[0], "pause") == 0 && n > 1) {
			usleep((useconds_t)atoi(argv[1]) * 1000);
			goto next;
		}
		if (strcmp(argv[0], "wait-changed") == 0 && n > 1) {
			/* Events between requests (IDLE's news) for up to
			 * MS milliseconds. */
			long	until = elapsed_ms() + atol(argv[1]);

			changed = 0;
			while (!changed && elapsed_ms() < until) {
				pfd.fd = account_fd(account);
				pfd.events = POLLIN;
				if (poll(&pfd, 1, 100) == -1 && errno != EINTR)
					break;
				account_dispatch(account);
			}
			if (!changed) {
				printf("%ld NO-CHANGE\n", elapsed_ms());
				result = 1;
				break;
			}
			goto next;
		}
		if ((m = request(n, argv)) == NULL) {
			fprintf(stderr, "account-probe: bad command %s\n",
			    argv[0]);
			return 2;
		}
		finished = 0;
		result = 1;
		account_request(account, m, reply, NULL, 0);
		while (!finished) {
			pfd.fd = account_fd(account);
			pfd.events = POLLIN | (account_wants_write(account) ?
			    POLLOUT : 0);
			t = account_next_timeout(account);
			if (poll(&pfd, 1, t) == -1 && errno != EINTR)
				break;
			account_dispatch(account);
			account_check_deadlines(account);
		}
		if (result != 0)
			break;
next:
		if (n < argc)
			n++;	/* the "+" */
		argc -= n;
		argv += n;
	}
	account_stop(account);
	config_free(config);
	log_close();
	return result;
}
