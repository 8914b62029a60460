/* imap-idle: IMAP IDLE between requests, so that what another device does
 * shows at once. Worker process only. */
#include "auto-config.h"

#include <errno.h>
#include <poll.h>
#include <string.h>

#include <libetpan/libetpan.h>

#include "imap-idle.h"
#include "imap-session.h"
#include "log.h"
#include "net-stream.h"
#include "xmalloc.h"

/* Whether fd has input now. */
static int
imap_idle_readable(int fd)
{
	struct pollfd	pfd;

	if (fd < 0)
		return 0;
	pfd.fd = fd;
	pfd.events = POLLIN;
	pfd.revents = 0;
	return poll(&pfd, 1, 0) > 0;
}

enum imap_idle_status
imap_idle_wait(struct imap_session *s, int fd, int timeout_ms, char **error)
{
	mailimap		*imap = imap_session_imap(s);
	enum imap_idle_status	 status;
	struct pollfd		 pfd[2];
	int			 r, n, old;

	if (!mailimap_has_idle(imap))
		return IMAP_IDLE_UNSUPPORTED;
	if (imap_idle_readable(fd))
		return IMAP_IDLE_INTERRUPTED;
	/* The UI may speak while IDLE starts: that must wait for the poll
	 * below, not break the command (the stream would take it for a
	 * cancel, and the connection would be lost). */
	old = net_stream_set_interrupt(imap->imap_stream, -1);
	r = mailimap_idle(imap);
	net_stream_set_interrupt(imap->imap_stream, old);
	if (r != MAILIMAP_NO_ERROR) {
		*error = imap_session_error(s, r, "IDLE");
		return IMAP_IDLE_ERROR;
	}
	/* Data already read past "+ idling" never wakes poll. */
	if (imap->imap_stream->read_buffer_len > 0)
		status = IMAP_IDLE_CHANGED;
	else {
		pfd[0].fd = mailimap_idle_get_fd(imap);
		pfd[0].events = POLLIN;
		pfd[1].fd = fd;
		pfd[1].events = POLLIN;
		do {
			pfd[0].revents = pfd[1].revents = 0;
			n = poll(pfd, fd >= 0 ? 2 : 1, timeout_ms);
		} while (n == -1 && errno == EINTR);
		if (n == -1) {
			*error = xasprintf("IDLE: poll: %s", strerror(errno));
			return IMAP_IDLE_ERROR;
		}
		if (n == 0)
			status = IMAP_IDLE_TIMEOUT;
		else if (pfd[0].revents != 0)
			status = IMAP_IDLE_CHANGED;
		else
			status = IMAP_IDLE_INTERRUPTED;
	}
	/* DONE must get its answer even though the UI's input is waiting. */
	old = net_stream_set_interrupt(imap->imap_stream, -1);
	r = mailimap_idle_done(imap);
	net_stream_set_interrupt(imap->imap_stream, old);
	if (r != MAILIMAP_NO_ERROR) {
		*error = imap_session_error(s, r, "IDLE DONE");
		return IMAP_IDLE_ERROR;
	}
	log_debug("%s: %s", __func__, status == IMAP_IDLE_CHANGED ? "changed" :
	    status == IMAP_IDLE_TIMEOUT ? "timeout" : "interrupted");
	return status;
}
