/* log: a plain append-only log file with timestamps and pids, and a protocol
 * trace that never records passwords, SASL data or OAuth tokens. */
#include "auto-config.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "xmalloc.h"

static FILE		*log_file;
static enum log_level	 log_level = LOG_LEVEL_INFO;

enum log_status
log_open(const char *path, enum log_level level, char **error)
{
	int	 fd;

	log_close();
	log_level = level;
	if (path == NULL)
		return LOG_OK;
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	if (fd == -1 || (log_file = fdopen(fd, "a")) == NULL) {
		if (error != NULL)
			*error = xasprintf("%s: %s", path, strerror(errno));
		if (fd != -1)
			close(fd);
		return LOG_ERROR_OPEN;
	}
	setvbuf(log_file, NULL, _IOLBF, 0);
	return LOG_OK;
}

void
log_close(void)
{
	if (log_file != NULL)
		fclose(log_file);
	log_file = NULL;
}

enum log_level
log_get_level(void)
{
	return log_level;
}

static void
log_vwrite(enum log_level level, const char *fmt, va_list ap)
{
	static const char *names[] = { "error", "warn", "info", "debug" };
	struct timespec	 ts;
	struct tm	 tm;
	char		 stamp[32];

	if (log_file == NULL || level > log_level)
		return;
	clock_gettime(CLOCK_REALTIME, &ts);
	localtime_r(&ts.tv_sec, &tm);
	strftime(stamp, sizeof stamp, "%Y-%m-%d %H:%M:%S", &tm);
	fprintf(log_file, "%s.%03ld [%ld] %s: ", stamp, ts.tv_nsec / 1000000,
	    (long)getpid(), names[level]);
	vfprintf(log_file, fmt, ap);
	fputc('\n', log_file);
}

#define LOG_FUNCTION(name, level)			\
void							\
name(const char *fmt, ...)				\
{							\
	va_list	ap;					\
							\
	va_start(ap, fmt);				\
	log_vwrite(level, fmt, ap);			\
	va_end(ap);					\
}
LOG_FUNCTION(log_error, LOG_LEVEL_ERROR)
LOG_FUNCTION(log_warn, LOG_LEVEL_WARN)
LOG_FUNCTION(log_info, LOG_LEVEL_INFO)
LOG_FUNCTION(log_debug, LOG_LEVEL_DEBUG)

/* Length of the n-th space-separated word's start offset, or -1. */
static long
log_word_offset(const char *line, size_t len, int n)
{
	size_t	i = 0;

	for (; n > 0; n--) {
		while (i < len && line[i] != ' ')
			i++;
		while (i < len && line[i] == ' ')
			i++;
	}
	return i < len ? (long)i : -1;
}

static int
log_word_is(const char *line, size_t len, int n, const char *word)
{
	long	off;
	size_t	wlen = strlen(word);

	if ((off = log_word_offset(line, len, n)) == -1)
		return 0;
	if ((size_t)off + wlen > len || strncasecmp(line + off, word, wlen) != 0)
		return 0;
	return (size_t)off + wlen == len || line[off + wlen] == ' ';
}

/* Copy the line up to word n, then "***". */
static char *
log_redact_from(const char *line, size_t len, int n)
{
	long	off = log_word_offset(line, len, n);

	if (off == -1)
		return xstrndup(line, len);
	return xasprintf("%.*s***", (int)off, line);
}

char *
log_redact(struct log_trace *trace, const char *line, size_t len)
{
	while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
		len--;

	/* A line sent while a SASL exchange runs is credentials. */
	if (trace->in_sasl) {
		if (len == 1 && line[0] == '*')
			trace->in_sasl = 0;	/* the client aborted */
		return xstrdup("***");
	}

	/* First the verbs (our IMAP tags never look like them): POP3: PASS, APOP, AUTH; SMTP: AUTH. */
	if (log_word_is(line, len, 0, "PASS"))
		return log_redact_from(line, len, 1);
	if (log_word_is(line, len, 0, "APOP"))
		return log_redact_from(line, len, 2);
	/* An exchange runs until the server's final reply, with or without
	 * an initial response on the command line: every line the client
	 * sends meanwhile (a response, an OAuth error acknowledgement) is
	 * SASL data. */
	if (log_word_is(line, len, 0, "AUTH")) {
		if (log_word_offset(line, len, 1) != -1)
			trace->in_sasl = 1;
		return log_redact_from(line, len, 2);
	}
	/* IMAP: "tag LOGIN user pass", "tag AUTHENTICATE mech [initial]". */
	if (log_word_is(line, len, 1, "LOGIN"))
		return log_redact_from(line, len, 3);
	if (log_word_is(line, len, 1, "AUTHENTICATE")) {
		trace->in_sasl = 1;
		return log_redact_from(line, len, 3);
	}
	return xstrndup(line, len);
}

/* Server replies that end a SASL exchange: IMAP tagged, POP3 +OK/-ERR,
 * SMTP 2xx/5xx. Continuations ("+ ", "334 ") keep it going, and so does
 * IMAP untagged data (a server may send some before its "+"). */
static void
log_trace_server(struct log_trace *trace, const char *line, size_t len)
{
	if (!trace->in_sasl || len == 0)
		return;
	if (line[0] == '+' && (len == 1 || line[1] == ' ' ||
	    line[1] == '\r' || line[1] == '\n'))
		return;
	if (line[0] == '*' && len >= 2 && line[1] == ' ')
		return;
	if (len >= 3 && strncmp(line, "334", 3) == 0)
		return;
	trace->in_sasl = 0;
}

void
log_trace(struct log_trace *trace, const char *who, int from_client,
    const char *line, size_t len)
{
	char	*shown;
	size_t	 i;

	/* The SASL state must follow the exchange even while not logging. */
	if (log_file == NULL || log_level < LOG_LEVEL_DEBUG) {
		if (from_client)
			free(log_redact(trace, line, len));
		else
			log_trace_server(trace, line, len);
		return;
	}
	if (from_client)
		shown = log_redact(trace, line, len);
	else {
		log_trace_server(trace, line, len);
		while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			len--;
		shown = xstrndup(line, len);
	}
	/* The log is read in a terminal: no control bytes from a server. */
	for (i = 0; shown[i] != '\0'; i++) {
		if ((unsigned char)shown[i] < 0x20 || shown[i] == 0x7f)
			shown[i] = '?';
	}
	log_debug("%s %s %s", who, from_client ? ">" : "<", shown);
	free(shown);
}
