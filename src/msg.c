/* msg: typed messages between the UI and the account workers, their wire
 * format, and a buffered non-blocking channel over one end of a socketpair. */
#include "auto-config.h"

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "msg.h"
#include "xmalloc.h"

/*
 * A frame is: u32 length (of what follows), u32 type, u32 id, then fields.
 * Each field is a one-byte tag and its data; lengths are u32. All integers
 * are little-endian, whatever the host.
 */
#define MSG_HEADER	12		/* length, type, id */

enum {
	MSG_TAG_U32 = 1,
	MSG_TAG_U64,
	MSG_TAG_STR,
	MSG_TAG_NULL,			/* a NULL string: no data */
	MSG_TAG_BYTES,
};

struct msg {
	unsigned char	*buf;		/* the whole frame */
	size_t		 len;
	size_t		 size;
	size_t		 rpos;		/* the next field to read */
	struct msg	*next;		/* in a channel's output queue */
};

/* Read at least this much at a time; keep no more than this idle. */
#define MSG_CHANNEL_READ	(64u * 1024)
#define MSG_CHANNEL_KEEP	(1024u * 1024)
/* Frames written by one sendmsg at most. */
#define MSG_CHANNEL_IOV		64

struct msg_channel {
	int		 fd;

	unsigned char	*in;		/* bytes read, from in_off to in_len */
	size_t		 in_off;
	size_t		 in_len;
	size_t		 in_size;
	int		 in_eof;
	enum msg_status	 in_error;	/* sticky once reading failed */

	struct msg	*out_head;	/* frames to write, oldest first */
	struct msg	*out_tail;
	size_t		 out_off;	/* bytes of out_head already written */
	enum msg_status	 out_error;	/* sticky once writing failed */
};

static void
msg_put32(unsigned char *p, uint32_t v)
{
	p[0] = v & 0xff;
	p[1] = (v >> 8) & 0xff;
	p[2] = (v >> 16) & 0xff;
	p[3] = (v >> 24) & 0xff;
}

static uint32_t
msg_get32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

static void
msg_put64(unsigned char *p, uint64_t v)
{
	msg_put32(p, (uint32_t)v);
	msg_put32(p + 4, (uint32_t)(v >> 32));
}

static uint64_t
msg_get64(const unsigned char *p)
{
	return (uint64_t)msg_get32(p) | (uint64_t)msg_get32(p + 4) << 32;
}

struct msg *
msg_new(enum msg_type type, uint32_t id)
{
	struct msg	*m;

	m = xcalloc(1, sizeof *m);
	m->size = 64;
	m->buf = xmalloc(m->size);
	m->len = MSG_HEADER;
	m->rpos = MSG_HEADER;
	msg_put32(m->buf, MSG_HEADER - 4);
	msg_put32(m->buf + 4, (uint32_t)type);
	msg_put32(m->buf + 8, id);
	return m;
}

void
msg_free(struct msg *m)
{
	if (m == NULL)
		return;
	/* An answer may be a password: leave no copy in freed memory. */
	if (msg_type(m) == MSG_REQ_ANSWER)
		explicit_bzero(m->buf, m->len);
	free(m->buf);
	free(m);
}

/* Make room for a field of n bytes and return where it goes; a message
 * this big is a caller's bug, not something to send. */
static unsigned char *
msg_grow(struct msg *m, size_t n)
{
	unsigned char	*p;

	if (n > MSG_MAX_SIZE || m->len - 4 > MSG_MAX_SIZE - n)
		fatal("%s: message type %u too big (%zu + %zu bytes)", __func__,
		    (unsigned)msg_type(m), m->len, n);
	if (m->len + n > m->size) {
		while (m->len + n > m->size)
			m->size *= 2;
		m->buf = xreallocarray(m->buf, 1, m->size);
	}
	p = m->buf + m->len;
	m->len += n;
	msg_put32(m->buf, (uint32_t)(m->len - 4));
	return p;
}

void
msg_add_u32(struct msg *m, uint32_t v)
{
	unsigned char	*p = msg_grow(m, 5);

	p[0] = MSG_TAG_U32;
	msg_put32(p + 1, v);
}

void
msg_add_u64(struct msg *m, uint64_t v)
{
	unsigned char	*p = msg_grow(m, 9);

	p[0] = MSG_TAG_U64;
	msg_put64(p + 1, v);
}

/* A tagged run of bytes: a string or a blob. */
static void
msg_add_data(struct msg *m, int tag, const void *data, size_t len)
{
	unsigned char	*p;

	if (len > MSG_MAX_SIZE)
		fatal("%s: field of %zu bytes", __func__, len);
	p = msg_grow(m, 5 + len);
	p[0] = tag;
	msg_put32(p + 1, (uint32_t)len);
	if (len != 0)
		memcpy(p + 5, data, len);
}

void
msg_add_str(struct msg *m, const char *s)
{
	if (s == NULL) {
		*msg_grow(m, 1) = MSG_TAG_NULL;
		return;
	}
	msg_add_data(m, MSG_TAG_STR, s, strlen(s));
}

void
msg_add_strn(struct msg *m, const char *s, size_t len)
{
	if (s == NULL) {
		*msg_grow(m, 1) = MSG_TAG_NULL;
		return;
	}
	msg_add_data(m, MSG_TAG_STR, s, len);
}

void
msg_add_bytes(struct msg *m, const void *data, size_t len)
{
	msg_add_data(m, MSG_TAG_BYTES, data, len);
}

enum msg_type
msg_type(const struct msg *m)
{
	return (enum msg_type)msg_get32(m->buf + 4);
}

uint32_t
msg_id(const struct msg *m)
{
	return msg_get32(m->buf + 8);
}

void
msg_set_id(struct msg *m, uint32_t id)
{
	msg_put32(m->buf + 8, id);
}

int
msg_is_final(const struct msg *m)
{
	switch (msg_type(m)) {
	case MSG_DONE:
	case MSG_ERROR:
	case MSG_CANCELLED:
	case MSG_UNSUPPORTED:
		return 1;
	default:
		return 0;
	}
}

/* Check the next field's tag and that its fixed part (n bytes after the
 * tag) is there; return the data or NULL. */
static const unsigned char *
msg_field(struct msg *m, int tag, size_t n)
{
	if (m->rpos >= m->len || m->buf[m->rpos] != tag)
		return NULL;
	if (m->len - m->rpos - 1 < n)
		return NULL;
	return m->buf + m->rpos + 1;
}

enum msg_status
msg_get_u32(struct msg *m, uint32_t *v)
{
	const unsigned char	*p = msg_field(m, MSG_TAG_U32, 4);

	if (p == NULL)
		return MSG_ERROR_FORMAT;
	*v = msg_get32(p);
	m->rpos += 5;
	return MSG_OK;
}

enum msg_status
msg_get_u64(struct msg *m, uint64_t *v)
{
	const unsigned char	*p = msg_field(m, MSG_TAG_U64, 8);

	if (p == NULL)
		return MSG_ERROR_FORMAT;
	*v = msg_get64(p);
	m->rpos += 9;
	return MSG_OK;
}

/* A string or a blob: its data and length, checked against the frame. */
static enum msg_status
msg_get_data(struct msg *m, int tag, const unsigned char **data, size_t *len)
{
	const unsigned char	*p = msg_field(m, tag, 4);
	size_t			 n;

	if (p == NULL)
		return MSG_ERROR_FORMAT;
	n = msg_get32(p);
	if (m->len - m->rpos - 5 < n)
		return MSG_ERROR_FORMAT;
	*data = p + 4;
	*len = n;
	m->rpos += 5 + n;
	return MSG_OK;
}

enum msg_status
msg_get_strn(struct msg *m, char **s, size_t *len)
{
	const unsigned char	*data;
	size_t			 n;

	if (m->rpos < m->len && m->buf[m->rpos] == MSG_TAG_NULL) {
		m->rpos++;
		*s = NULL;
		if (len != NULL)
			*len = 0;
		return MSG_OK;
	}
	if (msg_get_data(m, MSG_TAG_STR, &data, &n) != MSG_OK)
		return MSG_ERROR_FORMAT;
	*s = xmalloc(n + 1);
	memcpy(*s, data, n);
	(*s)[n] = '\0';
	if (len != NULL)
		*len = n;
	return MSG_OK;
}

enum msg_status
msg_get_str(struct msg *m, char **s)
{
	return msg_get_strn(m, s, NULL);
}

enum msg_status
msg_get_bytes(struct msg *m, const void **data, size_t *len)
{
	const unsigned char	*p;

	if (msg_get_data(m, MSG_TAG_BYTES, &p, len) != MSG_OK)
		return MSG_ERROR_FORMAT;
	*data = p;
	return MSG_OK;
}

enum msg_status
msg_end(struct msg *m)
{
	return m->rpos == m->len ? MSG_OK : MSG_ERROR_FORMAT;
}

void
msg_rewind(struct msg *m)
{
	m->rpos = MSG_HEADER;
}

const void *
msg_frame(const struct msg *m, size_t *len)
{
	*len = m->len;
	return m->buf;
}

/* Whether the fields in p[0..len) are well formed: known tags, no field
 * running past the end. */
static int
msg_parse_fields(const unsigned char *p, size_t len)
{
	size_t	off = 0, need;

	while (off < len) {
		switch (p[off++]) {
		case MSG_TAG_U32:
			need = 4;
			break;
		case MSG_TAG_U64:
			need = 8;
			break;
		case MSG_TAG_NULL:
			need = 0;
			break;
		case MSG_TAG_STR:
		case MSG_TAG_BYTES:
			if (len - off < 4)
				return 0;
			need = 4 + (size_t)msg_get32(p + off);
			break;
		default:
			return 0;
		}
		if (len - off < need)
			return 0;
		off += need;
	}
	return 1;
}

enum msg_status
msg_parse(const void *buf, size_t len, struct msg **out, size_t *used)
{
	const unsigned char	*p = buf;
	struct msg		*m;
	size_t			 n;

	*out = NULL;
	*used = 0;
	if (len < 4)
		return MSG_AGAIN;
	n = msg_get32(p);
	if (n < MSG_HEADER - 4 || n > MSG_MAX_SIZE)
		return MSG_ERROR_FORMAT;
	if (len - 4 < n)
		return MSG_AGAIN;
	if (!msg_parse_fields(p + MSG_HEADER, n + 4 - MSG_HEADER))
		return MSG_ERROR_FORMAT;

	m = xcalloc(1, sizeof *m);
	m->len = m->size = n + 4;
	m->buf = xmalloc(m->size);
	memcpy(m->buf, p, m->len);
	m->rpos = MSG_HEADER;
	*out = m;
	*used = m->len;
	return MSG_OK;
}

struct msg_channel *
msg_channel_new(int fd)
{
	struct msg_channel	*ch;
	int			 flags;

	flags = fcntl(fd, F_GETFL);
	if (flags == -1 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) == -1)
		log_warn("%s: O_NONBLOCK: %s", __func__, strerror(errno));
	ch = xcalloc(1, sizeof *ch);
	ch->fd = fd;
	ch->in_error = MSG_OK;
	ch->out_error = MSG_OK;
	return ch;
}

/* Drop what is queued, after a write error or at the end. */
static void
msg_channel_discard(struct msg_channel *ch)
{
	struct msg	*m;

	while ((m = ch->out_head) != NULL) {
		ch->out_head = m->next;
		msg_free(m);
	}
	ch->out_tail = NULL;
	ch->out_off = 0;
}

void
msg_channel_free(struct msg_channel *ch)
{
	if (ch == NULL)
		return;
	msg_channel_discard(ch);
	free(ch->in);
	close(ch->fd);
	free(ch);
}

int
msg_channel_fd(const struct msg_channel *ch)
{
	return ch->fd;
}

int
msg_channel_pending(const struct msg_channel *ch)
{
	return ch->out_head != NULL;
}

enum msg_status
msg_channel_flush(struct msg_channel *ch)
{
	struct iovec	 iov[MSG_CHANNEL_IOV];
	struct msghdr	 mh;
	struct msg	*m;
	size_t		 off, n;
	ssize_t		 written;
	int		 niov;

	if (ch->out_error != MSG_OK)
		return ch->out_error;
	while (ch->out_head != NULL) {
		/* Gather several queued frames: one system call for many
		 * small events. */
		niov = 0;
		off = ch->out_off;
		for (m = ch->out_head; m != NULL && niov < MSG_CHANNEL_IOV;
		    m = m->next) {
			iov[niov].iov_base = m->buf + off;
			iov[niov].iov_len = m->len - off;
			niov++;
			off = 0;
		}
		memset(&mh, 0, sizeof mh);
		mh.msg_iov = iov;
		mh.msg_iovlen = niov;
		written = sendmsg(ch->fd, &mh, MSG_NOSIGNAL);
		if (written == -1) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return MSG_AGAIN;
			log_debug("%s: fd %d: %s", __func__, ch->fd,
			    strerror(errno));
			msg_channel_discard(ch);
			ch->out_error = MSG_ERROR_IO;
			return MSG_ERROR_IO;
		}
		n = (size_t)written;
		while (n > 0) {
			m = ch->out_head;
			if (n < m->len - ch->out_off) {
				ch->out_off += n;
				break;
			}
			n -= m->len - ch->out_off;
			ch->out_off = 0;
			ch->out_head = m->next;
			if (ch->out_head == NULL)
				ch->out_tail = NULL;
			msg_free(m);
		}
	}
	return MSG_OK;
}

enum msg_status
msg_channel_send(struct msg_channel *ch, struct msg *m)
{
	if (ch->out_error != MSG_OK) {
		msg_free(m);
		return ch->out_error;
	}
	m->next = NULL;
	if (ch->out_tail != NULL)
		ch->out_tail->next = m;
	else
		ch->out_head = m;
	ch->out_tail = m;
	if (msg_channel_flush(ch) == MSG_ERROR_IO)
		return MSG_ERROR_IO;
	return MSG_OK;
}

enum msg_status
msg_channel_drain(struct msg_channel *ch)
{
	struct pollfd	pfd;
	enum msg_status	status;

	for (;;) {
		status = msg_channel_flush(ch);
		if (status != MSG_AGAIN)
			return status;
		pfd.fd = ch->fd;
		pfd.events = POLLOUT;
		if (poll(&pfd, 1, -1) == -1 && errno != EINTR) {
			log_debug("%s: poll: %s", __func__, strerror(errno));
			return MSG_ERROR_IO;
		}
	}
}

/* Room to read into: at least MSG_CHANNEL_READ bytes, and the whole of the
 * frame being read, so a big message takes few reads and one buffer. */
static void
msg_channel_make_room(struct msg_channel *ch)
{
	size_t	have, want;

	have = ch->in_len - ch->in_off;
	if (ch->in_off != 0) {
		memmove(ch->in, ch->in + ch->in_off, have);
		ch->in_off = 0;
		ch->in_len = have;
	}
	want = MSG_CHANNEL_READ;
	if (have >= 4 && msg_get32(ch->in) <= MSG_MAX_SIZE &&
	    msg_get32(ch->in) + 4 - have > want)
		want = msg_get32(ch->in) + 4 - have;
	if (ch->in_size - ch->in_len < want) {
		ch->in_size = ch->in_len + want;
		ch->in = xreallocarray(ch->in, 1, ch->in_size);
	}
}

/* One read from the socket: MSG_OK if bytes (or the end) came. */
static enum msg_status
msg_channel_read(struct msg_channel *ch)
{
	ssize_t	n;

	msg_channel_make_room(ch);
	for (;;) {
		n = recv(ch->fd, ch->in + ch->in_len, ch->in_size - ch->in_len,
		    0);
		if (n > 0) {
			ch->in_len += (size_t)n;
			return MSG_OK;
		}
		if (n == 0) {
			ch->in_eof = 1;
			return MSG_OK;
		}
		if (errno == EINTR)
			continue;
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			return MSG_AGAIN;
		/* A peer that closed with our data unread: still a close. */
		if (errno == ECONNRESET) {
			ch->in_eof = 1;
			return MSG_OK;
		}
		log_debug("%s: fd %d: %s", __func__, ch->fd, strerror(errno));
		ch->in_error = MSG_ERROR_IO;
		return MSG_ERROR_IO;
	}
}

enum msg_status
msg_channel_receive(struct msg_channel *ch, struct msg **out)
{
	enum msg_status	status;
	size_t		used;

	*out = NULL;
	for (;;) {
		if (ch->in_len > ch->in_off) {
			status = msg_parse(ch->in + ch->in_off,
			    ch->in_len - ch->in_off, out, &used);
			if (status == MSG_OK) {
				ch->in_off += used;
				if (ch->in_off == ch->in_len) {
					ch->in_off = ch->in_len = 0;
					if (ch->in_size > MSG_CHANNEL_KEEP) {
						free(ch->in);
						ch->in = NULL;
						ch->in_size = 0;
					}
				}
				return MSG_OK;
			}
			if (status == MSG_ERROR_FORMAT) {
				log_debug("%s: fd %d: bad frame", __func__,
				    ch->fd);
				ch->in_error = MSG_ERROR_FORMAT;
			}
		}
		if (ch->in_error != MSG_OK)
			return ch->in_error;
		if (ch->in_eof) {
			if (ch->in_len > ch->in_off) {
				log_debug("%s: fd %d: closed inside a frame",
				    __func__, ch->fd);
				ch->in_error = MSG_ERROR_FORMAT;
				return MSG_ERROR_FORMAT;
			}
			return MSG_EOF;
		}
		status = msg_channel_read(ch);
		if (status != MSG_OK)
			return status;
	}
}

static int64_t
msg_now_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

enum msg_status
msg_channel_wait(struct msg_channel *ch, struct msg **out, int timeout_ms)
{
	struct pollfd	 pfd;
	enum msg_status	 status;
	int64_t		 end = 0, left;
	int		 n, writing;

	if (timeout_ms >= 0)
		end = msg_now_ms() + timeout_ms;
	for (;;) {
		status = msg_channel_receive(ch, out);
		if (status != MSG_AGAIN)
			return status;
		/* Our own output first: the peer may be waiting for it
		 * before it answers. */
		writing = msg_channel_flush(ch) == MSG_AGAIN;
		left = -1;
		if (timeout_ms >= 0) {
			left = end - msg_now_ms();
			if (left <= 0)
				return MSG_AGAIN;
		}
		pfd.fd = ch->fd;
		pfd.events = POLLIN | (writing ? POLLOUT : 0);
		n = poll(&pfd, 1, (int)left);
		if (n == -1 && errno != EINTR) {
			log_debug("%s: poll: %s", __func__, strerror(errno));
			return MSG_ERROR_IO;
		}
	}
}
