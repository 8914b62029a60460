/* log: the log file ($XDG_STATE_HOME/skua/skua.log) and the protocol trace.
 * Any process may log; nothing here ever writes to the terminal. */
#ifndef SKUA_LOG_H
#define SKUA_LOG_H

enum log_level {
	LOG_LEVEL_ERROR,
	LOG_LEVEL_WARN,
	LOG_LEVEL_INFO,
	LOG_LEVEL_DEBUG,
};

enum log_status {
	LOG_OK,
	LOG_ERROR_OPEN,
};

/* Open (append, mode 0600) the log at path; on failure *error says why
 * (caller frees) and logging stays off. A NULL path turns logging off. */
enum log_status	 log_open(const char *path, enum log_level, char **error);
void		 log_close(void);
enum log_level	 log_get_level(void);

void	log_error(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_warn(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_info(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_debug(const char *, ...) __attribute__((format(printf, 1, 2)));

/*
 * Protocol trace state: one per connection, zeroed before the first line.
 * It remembers that a SASL exchange is in progress so that the client's
 * continuation lines are redacted too.
 */
struct log_trace {
	int	in_sasl;
};

/* Log one protocol line (debug level only), with credentials redacted. */
void	 log_trace(struct log_trace *, const char *who, int from_client,
	     const char *line, size_t len);
/* The redacted form of a client line; the caller frees it. */
char	*log_redact(struct log_trace *, const char *line, size_t len);

#endif
