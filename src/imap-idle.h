/* imap-idle: wait on the selected folder with IMAP IDLE (RFC 2177) until
 * the server reports a change or the UI speaks. Worker process only. */
#ifndef SKUA_IMAP_IDLE_H
#define SKUA_IMAP_IDLE_H

struct imap_session;

enum imap_idle_status {
	IMAP_IDLE_CHANGED,	/* the server sent something: look again */
	IMAP_IDLE_INTERRUPTED,	/* fd became readable */
	IMAP_IDLE_TIMEOUT,	/* nothing within timeout_ms */
	IMAP_IDLE_UNSUPPORTED,	/* no IDLE capability */
	IMAP_IDLE_ERROR,	/* network or protocol: drop the session */
};

/*
 * IDLE on the folder the session has selected, until the server sends any
 * untagged data, fd (or -1) is readable, or timeout_ms passes; then DONE.
 * The session is usable afterwards unless the status is IMAP_IDLE_ERROR
 * (then *error says why; the caller frees it). Servers drop an IDLE after
 * 30 minutes: keep timeout_ms well under that and call again.
 */
enum imap_idle_status imap_idle_wait(struct imap_session *, int fd,
		     int timeout_ms, char **error);

#endif
