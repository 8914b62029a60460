/* net: getaddrinfo, then a non-blocking connect per address bounded by a
 * timeout and a cancel descriptor, so no network wait is unbounded. */
#include "auto-config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "intl.h"
#include "log.h"
#include "net.h"
#include "xmalloc.h"

int
net_is_ip_literal(const char *host)
{
	unsigned char	buf[sizeof(struct in6_addr)];

	return inet_pton(AF_INET, host, buf) == 1 ||
	    inet_pton(AF_INET6, host, buf) == 1;
}

static long long
net_now_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

enum net_status
net_wait(int fd, int for_write, int timeout_ms, int interrupt_fd)
{
	struct pollfd	pfd[2];
	long long	end = net_now_ms() + timeout_ms, left;
	int		n;

	for (;;) {
		left = end - net_now_ms();
		if (left <= 0)
			return NET_ERROR_TIMEOUT;
		pfd[0].fd = fd;
		pfd[0].events = for_write ? POLLOUT : POLLIN;
		pfd[0].revents = 0;
		pfd[1].fd = interrupt_fd;
		pfd[1].events = POLLIN;
		pfd[1].revents = 0;
		n = poll(pfd, interrupt_fd >= 0 ? 2 : 1, (int)left);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			return NET_ERROR_IO;
		}
		if (n == 0)
			return NET_ERROR_TIMEOUT;
		if (interrupt_fd >= 0 && pfd[1].revents != 0)
			return NET_ERROR_CANCELLED;
		if (pfd[0].revents != 0)
			return NET_OK;
	}
}

/* One address: a non-blocking connect, then wait for it to finish. */
static enum net_status
net_connect_one(const struct addrinfo *ai, int timeout_ms, int interrupt_fd,
    int *out, int *saved_errno)
{
	enum net_status	status;
	socklen_t	len = sizeof *saved_errno;
	int		fd, flags;

	fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC,
	    ai->ai_protocol);
	if (fd == -1) {
		*saved_errno = errno;
		return NET_ERROR_CONNECT;
	}
	flags = fcntl(fd, F_GETFL);
	fcntl(fd, F_SETFL, flags | O_NONBLOCK);
	if (connect(fd, ai->ai_addr, ai->ai_addrlen) == -1) {
		if (errno != EINPROGRESS) {
			*saved_errno = errno;
			close(fd);
			return NET_ERROR_CONNECT;
		}
		status = net_wait(fd, 1, timeout_ms, interrupt_fd);
		if (status != NET_OK) {
			*saved_errno = status == NET_ERROR_TIMEOUT ?
			    ETIMEDOUT : ECANCELED;
			close(fd);
			return status;
		}
		if (getsockopt(fd, SOL_SOCKET, SO_ERROR, saved_errno,
		    &len) == -1 || *saved_errno != 0) {
			close(fd);
			return NET_ERROR_CONNECT;
		}
	}
	fcntl(fd, F_SETFL, flags);
	*out = fd;
	return NET_OK;
}

enum net_status
net_connect(const char *host, int port, int timeout_ms, int interrupt_fd,
    int *fd, char **error)
{
	struct addrinfo		 hints, *res, *ai;
	enum net_status		 status = NET_ERROR_CONNECT;
	char			 service[16];
	int			 rc, saved_errno = 0;

	*fd = -1;
	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_ADDRCONFIG;
	snprintf(service, sizeof service, "%d", port);
	/* getaddrinfo has no timeout; the worker's watchdog bounds it. */
	if ((rc = getaddrinfo(host, service, &hints, &res)) != 0) {
		*error = xasprintf("%s: %s", host, gai_strerror(rc));
		return NET_ERROR_RESOLVE;
	}
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		status = net_connect_one(ai, timeout_ms, interrupt_fd, fd,
		    &saved_errno);
		if (status == NET_OK || status == NET_ERROR_CANCELLED)
			break;
	}
	freeaddrinfo(res);
	if (status == NET_OK) {
		log_debug("%s: connected to %s port %d", __func__, host, port);
		return NET_OK;
	}
	if (status == NET_ERROR_CANCELLED)
		*error = xasprintf(_("%s port %d: connection cancelled"), host,
		    port);
	else if (status == NET_ERROR_TIMEOUT)
		*error = xasprintf(_("%s port %d: no answer within %d s"), host,
		    port, timeout_ms / 1000);
	else
		*error = xasprintf("%s port %d: %s", host, port,
		    strerror(saved_errno));
	return status;
}
