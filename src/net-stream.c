/* net-stream: a mailstream_low_driver of our own, so libetpan's protocol
 * code runs over OpenSSL with verification, and every read is bounded in
 * time, cancellable, and checked by net-guard before libetpan sees it. */
#include "auto-config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "intl.h"
#include "log.h"
#include "net.h"
#include "net-guard.h"
#include "net-stream.h"
#include "net-tls.h"
#include "xmalloc.h"

struct net_stream {
	int		 fd;
	struct net_tls	*tls;
	int		 timeout_ms;
	int		 interrupt_fd;
	int		 cancelled;
	struct net_guard guard;
	struct net_stream_filter filter;	/* a protocol's own check */
	char		 error[256];
	uint64_t	 bytes_in;
	uint64_t	 bytes_out;
	struct log_trace trace;
	int		 trace_mid_line;	/* a read ended inside a line */
};

/* Longest piece of a server line the trace keeps (literals can be huge). */
#define NET_STREAM_TRACE_MAX	300

/* The protocol trace at debug level, line by line, credentials redacted
 * by log_trace. Server data is cut to the start of each line. */
static void
net_stream_trace(struct net_stream *ns, int from_client, const char *buf,
    size_t len)
{
	const char	*p = buf, *end = buf + len, *nl;
	size_t		 n;

	if (log_get_level() < LOG_LEVEL_DEBUG)
		return;
	while (p < end) {
		nl = memchr(p, '\n', end - p);
		n = (nl != NULL ? nl + 1 : end) - p;
		if (!from_client && ns->trace_mid_line) {
			/* The rest of a long line: skip it. */
		} else
			log_trace(&ns->trace, ns->tls != NULL ? "tls" : "tcp",
			    from_client, p, n > NET_STREAM_TRACE_MAX ?
			    NET_STREAM_TRACE_MAX : n);
		if (!from_client)
			ns->trace_mid_line = nl == NULL;
		p += n;
	}
}

static ssize_t	net_stream_read(mailstream_low *, void *, size_t);
static ssize_t	net_stream_write(mailstream_low *, const void *, size_t);
static int	net_stream_close(mailstream_low *);
static int	net_stream_get_fd(mailstream_low *);
static void	net_stream_free(mailstream_low *);
static void	net_stream_cancel(mailstream_low *);

static mailstream_low_driver net_stream_driver = {
	.mailstream_read = net_stream_read,
	.mailstream_write = net_stream_write,
	.mailstream_close = net_stream_close,
	.mailstream_get_fd = net_stream_get_fd,
	.mailstream_free = net_stream_free,
	.mailstream_cancel = net_stream_cancel,
};

static void
net_stream_fail(struct net_stream *ns, const char *what)
{
	snprintf(ns->error, sizeof ns->error, "%s", what);
	log_debug("net_stream: %s", what);
}

static ssize_t
net_stream_read(mailstream_low *low, void *buf, size_t len)
{
	struct net_stream	*ns = low->data;
	enum net_status		 status;
	ssize_t			 n;

	if (ns->fd == -1)
		return -1;
	for (;;) {
		if (ns->tls == NULL || !net_tls_pending(ns->tls)) {
			status = net_wait(ns->fd, 0, ns->timeout_ms,
			    ns->interrupt_fd);
			if (status == NET_ERROR_CANCELLED) {
				ns->cancelled = 1;
				net_stream_fail(ns, _("cancelled"));
				return -1;
			}
			if (status == NET_ERROR_TIMEOUT) {
				net_stream_fail(ns, _("the server did not "
				    "answer in time"));
				return -1;
			}
			if (status != NET_OK) {
				net_stream_fail(ns, _("waiting for the server "
				    "failed"));
				return -1;
			}
		}
		if (ns->tls != NULL)
			n = net_tls_read(ns->tls, buf, len);
		else
			n = read(ns->fd, buf, len);
		if (n == -1 && (errno == EAGAIN || errno == EINTR))
			continue;
		break;
	}
	if (n == -1) {
		net_stream_fail(ns, _("reading from the server failed"));
		return -1;
	}
	if (n == 0) {
		/* libetpan's POP3 reader takes EOF for an empty line. */
		if (ns->filter.eof != NULL && ns->filter.eof(ns->filter.arg)) {
			net_stream_fail(ns, ns->filter.reason(ns->filter.arg));
			return -1;
		}
		/* libetpan would spin on EOF inside a literal. */
		if (net_guard_eof(&ns->guard) != NET_GUARD_OK) {
			net_stream_fail(ns, net_guard_reason(&ns->guard));
			return -1;
		}
		net_stream_fail(ns, _("the server closed the connection"));
		return 0;
	}
	ns->bytes_in += (uint64_t)n;
	net_stream_trace(ns, 0, buf, (size_t)n);
	if (net_guard_scan(&ns->guard, buf, (size_t)n) != NET_GUARD_OK) {
		char	reason[200];

		snprintf(reason, sizeof reason, _("refused what the server "
		    "sent: %s"), net_guard_reason(&ns->guard));
		net_stream_fail(ns, reason);
		return -1;
	}
	if (ns->filter.server != NULL &&
	    ns->filter.server(ns->filter.arg, buf, (size_t)n) != 0) {
		char	reason[200];

		snprintf(reason, sizeof reason, _("refused what the server "
		    "sent: %s"), ns->filter.reason(ns->filter.arg));
		net_stream_fail(ns, reason);
		return -1;
	}
	return n;
}

static ssize_t
net_stream_write(mailstream_low *low, const void *buf, size_t len)
{
	struct net_stream	*ns = low->data;
	enum net_status		 status;
	ssize_t			 n;

	if (ns->fd == -1)
		return -1;
	status = net_wait(ns->fd, 1, ns->timeout_ms, ns->interrupt_fd);
	if (status != NET_OK) {
		ns->cancelled = status == NET_ERROR_CANCELLED;
		net_stream_fail(ns, ns->cancelled ? _("cancelled") :
		    _("the server did not take data in time"));
		return -1;
	}
	if (ns->tls != NULL)
		n = net_tls_write(ns->tls, buf, len);
	else
		n = send(ns->fd, buf, len, MSG_NOSIGNAL);
	if (n == -1)
		net_stream_fail(ns, _("writing to the server failed"));
	else {
		ns->bytes_out += (uint64_t)n;
		net_stream_trace(ns, 1, buf, (size_t)n);
		if (ns->filter.client != NULL)
			ns->filter.client(ns->filter.arg, buf, (size_t)n);
	}
	return n;
}

static int
net_stream_close(mailstream_low *low)
{
	struct net_stream	*ns = low->data;

	net_tls_free(ns->tls);
	ns->tls = NULL;
	if (ns->fd != -1)
		close(ns->fd);
	ns->fd = -1;
	return 0;
}

static int
net_stream_get_fd(mailstream_low *low)
{
	return ((struct net_stream *)low->data)->fd;
}

/* libetpan's contract: free the driver data and the low structure itself. */
static void
net_stream_free(mailstream_low *low)
{
	struct net_stream	*ns = low->data;

	if (ns != NULL) {
		net_tls_free(ns->tls);
		free(ns);
	}
	free(low);
}

/* Stop a blocked read at once; the stream is dead afterwards. */
static void
net_stream_cancel(mailstream_low *low)
{
	struct net_stream	*ns = low->data;

	ns->cancelled = 1;
	if (ns->fd != -1)
		shutdown(ns->fd, SHUT_RDWR);
}

mailstream_low *
net_stream_low_new(int fd, struct net_tls *tls, enum net_guard_kind guard,
    int timeout_ms, int interrupt_fd)
{
	struct net_stream	*ns;
	mailstream_low		*low;

	ns = xcalloc(1, sizeof *ns);
	ns->fd = fd;
	ns->tls = tls;
	ns->timeout_ms = timeout_ms;
	ns->interrupt_fd = interrupt_fd;
	net_guard_init(&ns->guard, guard);
	if ((low = mailstream_low_new(ns, &net_stream_driver)) == NULL)
		fatal("out of memory");
	return low;
}

void
net_stream_start_tls(mailstream *s, struct net_tls *tls)
{
	mailstream_low		*old = s->low, *low;
	struct net_stream	*ns = old->data;

	low = net_stream_low_new(ns->fd, tls, ns->guard.kind, ns->timeout_ms,
	    ns->interrupt_fd);
	((struct net_stream *)low->data)->bytes_in = ns->bytes_in;
	((struct net_stream *)low->data)->bytes_out = ns->bytes_out;
	((struct net_stream *)low->data)->filter = ns->filter;
	mailstream_set_low(s, low);
	/* The socket now belongs to the new low level. */
	ns->fd = -1;
	mailstream_low_free(old);
}

const char *
net_stream_error(mailstream *s)
{
	struct net_stream	*ns;

	if (s == NULL || s->low == NULL)
		return NULL;
	ns = s->low->data;
	return ns->error[0] != '\0' ? ns->error : NULL;
}

int
net_stream_cancelled(mailstream *s)
{
	return s != NULL && s->low != NULL &&
	    ((struct net_stream *)s->low->data)->cancelled;
}

void
net_stream_bytes(mailstream *s, uint64_t *in, uint64_t *out)
{
	struct net_stream	*ns;

	*in = *out = 0;
	if (s == NULL || s->low == NULL)
		return;
	ns = s->low->data;
	*in = ns->bytes_in;
	*out = ns->bytes_out;
}

void
net_stream_set_filter(mailstream *s, const struct net_stream_filter *filter)
{
	struct net_stream	*ns = s->low->data;

	memset(&ns->filter, 0, sizeof ns->filter);
	if (filter != NULL)
		ns->filter = *filter;
}

void
net_stream_set_timeout(mailstream *s, int timeout_ms)
{
	if (s != NULL && s->low != NULL)
		((struct net_stream *)s->low->data)->timeout_ms = timeout_ms;
}

int
net_stream_set_interrupt(mailstream *s, int fd)
{
	struct net_stream	*ns;
	int			 old;

	if (s == NULL || s->low == NULL)
		return -1;
	ns = s->low->data;
	old = ns->interrupt_fd;
	ns->interrupt_fd = fd;
	return old;
}
