/* smtp-probe: build a message from a draft file with compose and send it
 * with smtp-send, for test-smtp-send.sh. Writes the built bytes to OUT,
 * then prints "status=NAME" (and the error on standard error); exits 0
 * when the send was attempted, 2 when the draft or options are wrong.
 *
 *   smtp-probe [-h host] [-p port] [-t implicit|starttls|none] [-c ca]
 *       [-u user] [-w password] [-o token] [-s sendmail-command]
 *       DRAFT OUT
 */
#include "auto-config.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "compose.h"
#include "smtp-send.h"
#include "xmalloc.h"

static char *
probe_read(const char *path, size_t *len)
{
	FILE	*f;
	char	*buf = NULL;
	size_t	 size = 0, n;
	char	 chunk[8192];

	if ((f = fopen(path, "rb")) == NULL)
		return NULL;
	*len = 0;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
		if (*len + n + 1 > size) {
			size = (*len + n + 1) * 2;
			buf = xreallocarray(buf, size, 1);
		}
		memcpy(buf + *len, chunk, n);
		*len += n;
	}
	fclose(f);
	if (buf == NULL)
		buf = xstrdup("");
	return buf;
}

int
main(int argc, char **argv)
{
	struct smtp_send_config		 config;
	struct compose_build_opts	 opts;
	struct compose			*c;
	struct net_tls_peer		 peer;
	enum smtp_send_status		 status;
	const char			*sendmail = NULL;
	char				*text, *msg, *error = NULL, **rcpts;
	size_t				 len, mlen, n;
	FILE				*f;
	int				 ch;

	signal(SIGPIPE, SIG_IGN);
	memset(&config, 0, sizeof config);
	config.host = "127.0.0.1";
	config.port = 25;
	config.tls = SMTP_SEND_TLS_STARTTLS;
	config.interrupt_fd = -1;
	config.timeout_ms = 10000;
	while ((ch = getopt(argc, argv, "c:h:o:p:s:t:u:w:")) != -1) {
		switch (ch) {
		case 'c':
			config.ca_file = optarg;
			break;
		case 'h':
			config.host = optarg;
			break;
		case 'o':
			config.oauth2_token = optarg;
			break;
		case 'p':
			config.port = atoi(optarg);
			break;
		case 's':
			sendmail = optarg;
			break;
		case 't':
			if (strcmp(optarg, "implicit") == 0)
				config.tls = SMTP_SEND_TLS_IMPLICIT;
			else if (strcmp(optarg, "none") == 0)
				config.tls = SMTP_SEND_TLS_NONE;
			else
				config.tls = SMTP_SEND_TLS_STARTTLS;
			break;
		case 'u':
			config.user = optarg;
			break;
		case 'w':
			config.password = optarg;
			break;
		default:
			return 2;
		}
	}
	if (argc - optind != 2) {
		fprintf(stderr, "usage: smtp-probe [options] DRAFT OUT\n");
		return 2;
	}
	if ((text = probe_read(argv[optind], &len)) == NULL) {
		perror(argv[optind]);
		return 2;
	}
	if (compose_parse(text, len, &c, &error) != 0) {
		fprintf(stderr, "parse: %s\n", error);
		return 2;
	}
	memset(&opts, 0, sizeof opts);
	opts.date = time(NULL);
	if (compose_build(c, &opts, &msg, &mlen, &error) != 0) {
		fprintf(stderr, "build: %s\n", error);
		return 2;
	}
	if ((f = fopen(argv[optind + 1], "wb")) == NULL ||
	    fwrite(msg, 1, mlen, f) != mlen || fclose(f) != 0) {
		perror(argv[optind + 1]);
		return 2;
	}
	compose_recipients(c, &rcpts, &n);
	if (sendmail != NULL)
		status = smtp_send_command(sendmail, rcpts, n, msg, mlen, 10000,
		    &error);
	else {
		status = smtp_send(&config, compose_sender(c), rcpts, n, msg,
		    mlen, &peer, &error);
		net_tls_peer_clear(&peer);
	}
	printf("status=%s\n", smtp_send_status_name(status));
	if (error != NULL)
		fprintf(stderr, "error: %s\n", error);
	free(error);
	compose_recipients_free(rcpts, n);
	compose_free(c);
	free(msg);
	free(text);
	return 0;
}
