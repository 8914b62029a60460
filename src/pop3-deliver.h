/* pop3-deliver: delivery of downloaded messages into the account's Maildir
 * (the store: INBOX itself, Maildir++ subfolders .Name/ inside it), the
 * Maildir way: tmp/, fsync, link into new/, fsync new/. Also finds
 * delivered files again by base name. Worker process only. */
#ifndef SKUA_POP3_DELIVER_H
#define SKUA_POP3_DELIVER_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

enum pop3_deliver_status {
	POP3_DELIVER_OK,
	POP3_DELIVER_ERROR,	/* *error says why */
};

struct pop3_deliver;

/* Create the Maildir (tmp/ new/ cur/) if needed and open it. */
enum pop3_deliver_status pop3_deliver_open(const char *maildir,
		     struct pop3_deliver **out, char **error);
void		 pop3_deliver_close(struct pop3_deliver *);

/*
 * A Maildir base name, unique without any lock: seconds, microseconds,
 * process id and 64 random bits, then the host name with "/" and ":"
 * written as \057 and \072 (cr.yp.to/proto/maildir.html). Pure.
 */
void		 pop3_deliver_format_name(char *buf, size_t size, int64_t sec,
		     long usec, pid_t pid, uint64_t random, const char *host);
/* A new unique base name for this host and process; the caller frees. */
char		*pop3_deliver_name(void);

/*
 * Write data (a message with CRLF line ends, stored with LF ones) as
 * tmp/name, fsync it, and link it into new/name; tmp/name is gone after,
 * also on failure. *sha256 (65 bytes) gets the hex SHA-256 of what was
 * written, *written its size. new/ is not synced: see pop3_deliver_sync.
 */
enum pop3_deliver_status pop3_deliver_write(struct pop3_deliver *,
		     const char *name, const char *data, size_t len,
		     char *sha256, uint64_t *written, char **error);
/* fsync new/: the names linked there since survive a power loss. */
enum pop3_deliver_status pop3_deliver_sync(struct pop3_deliver *,
		     char **error);
/* Remove tmp/name if it is there (a download that did not finish). */
void		 pop3_deliver_discard(struct pop3_deliver *, const char *name);

/* Delivered files found by base name ("name" of "name:2,FLAGS"). */
struct pop3_deliver_file {
	char	*base;
	char	*path;		/* the file itself */
	int	 trashed;	/* in a Trash folder (by maildir_role's
				   names) or below, or flagged T */
};

/*
 * Every message file in the store: INBOX and each Maildir++ folder, new/
 * and cur/, sorted by base (strcmp) for pop3_deliver_find. Free with
 * pop3_deliver_files_free.
 */
enum pop3_deliver_status pop3_deliver_scan(struct pop3_deliver *,
		     struct pop3_deliver_file **out, size_t *n, char **error);
const struct pop3_deliver_file *pop3_deliver_find(
		     const struct pop3_deliver_file *, size_t n,
		     const char *base);
void		 pop3_deliver_files_free(struct pop3_deliver_file *, size_t);
/* The base name of a Maildir file name (before ":2,"); caller frees. */
char		*pop3_deliver_base(const char *filename);
/* fsync the directory holding path (after finding a file there). */
enum pop3_deliver_status pop3_deliver_sync_dir_of(const char *path,
		     char **error);
/* SHA-256 (hex) and size of a file. */
enum pop3_deliver_status pop3_deliver_hash_file(const char *path,
		     char *sha256, uint64_t *size, char **error);

#endif
