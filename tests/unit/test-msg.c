/* test-msg: the wire format (every field type, hostile and partial frames)
 * and the channel over a socketpair (many, big, end of file, blocking). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "msg.h"

/* Parse a message's own frame into a new message. */
static struct msg *
reparse(const struct msg *m)
{
	const void	*frame;
	struct msg	*out;
	size_t		 len, used;

	frame = msg_frame(m, &len);
	assert_int_equal(msg_parse(frame, len, &out, &used), MSG_OK);
	assert_int_equal(used, len);
	assert_non_null(out);
	return out;
}

static unsigned char
pattern(size_t i)
{
	return (unsigned char)((i * 131 + (i >> 8)) & 0xff);
}

/* Read back what build_all added. */
static void
check_all(struct msg *m, size_t big)
{
	const unsigned char	*data;
	const void		*p;
	uint32_t		 u32;
	uint64_t		 u64;
	size_t			 len, i;
	char			*s;

	assert_int_equal(msg_type(m), MSG_EV_PART);
	assert_int_equal(msg_id(m), 4000000000u);
	assert_int_equal(msg_get_u32(m, &u32), MSG_OK);
	assert_int_equal(u32, 0);
	assert_int_equal(msg_get_u32(m, &u32), MSG_OK);
	assert_int_equal(u32, UINT32_MAX);
	assert_int_equal(msg_get_u64(m, &u64), MSG_OK);
	assert_true(u64 == 0);
	assert_int_equal(msg_get_u64(m, &u64), MSG_OK);
	assert_true(u64 == UINT64_MAX);
	assert_int_equal(msg_get_u64(m, &u64), MSG_OK);
	assert_true(u64 == 0x0102030405060708ull);

	assert_int_equal(msg_get_str(m, &s), MSG_OK);
	assert_string_equal(s, "");
	free(s);
	s = (char *)1;
	assert_int_equal(msg_get_str(m, &s), MSG_OK);
	assert_null(s);
	assert_int_equal(msg_get_str(m, &s), MSG_OK);
	assert_string_equal(s, "h\xc3\xa9llo, world");
	free(s);
	assert_int_equal(msg_get_strn(m, &s, &len), MSG_OK);
	assert_int_equal(len, 5);
	assert_memory_equal(s, "a\0b\0c", 6);
	free(s);
	/* Through msg_get_str, the same string stops at its first NUL. */
	assert_int_equal(msg_get_str(m, &s), MSG_OK);
	assert_string_equal(s, "x");
	free(s);
	len = 1;
	assert_int_equal(msg_get_strn(m, &s, &len), MSG_OK);
	assert_null(s);
	assert_int_equal(len, 0);

	assert_int_equal(msg_get_bytes(m, &p, &len), MSG_OK);
	assert_int_equal(len, 0);
	assert_int_equal(msg_get_bytes(m, &p, &len), MSG_OK);
	assert_int_equal(len, big);
	data = p;
	for (i = 0; i < big; i++) {
		if (data[i] != pattern(i))
			fail_msg("byte %zu differs", i);
	}
	assert_int_equal(msg_end(m), MSG_OK);
}

static struct msg *
build_all(size_t big)
{
	struct msg	*m = msg_new(MSG_EV_PART, 4000000000u);
	unsigned char	*data;
	size_t		 i;

	msg_add_u32(m, 0);
	msg_add_u32(m, UINT32_MAX);
	msg_add_u64(m, 0);
	msg_add_u64(m, UINT64_MAX);
	msg_add_u64(m, 0x0102030405060708ull);
	msg_add_str(m, "");
	msg_add_str(m, NULL);
	msg_add_str(m, "h\xc3\xa9llo, world");
	msg_add_strn(m, "a\0b\0c", 5);
	msg_add_strn(m, "x\0y", 3);
	msg_add_strn(m, NULL, 0);
	msg_add_bytes(m, NULL, 0);
	data = malloc(big);
	assert_non_null(data);
	for (i = 0; i < big; i++)
		data[i] = pattern(i);
	msg_add_bytes(m, data, big);
	free(data);
	return m;
}

static void
test_round_trip(void **state)
{
	struct msg	*m, *copy;
	size_t		 big = 1024 * 1024;

	m = build_all(big);
	copy = reparse(m);
	check_all(copy, big);
	/* Again from the start, and on the original too. */
	msg_rewind(copy);
	check_all(copy, big);
	check_all(m, big);
	msg_free(copy);
	msg_free(m);
	msg_free(NULL);
}

/* Little-endian on the wire, whatever the host: the frame is fixed. */
static void
test_byte_order(void **state)
{
	static const unsigned char want[] = {
		20, 0, 0, 0,		/* length of what follows */
		129, 0, 0, 0,		/* MSG_ERROR */
		0x04, 0x03, 0x02, 0x01,	/* id */
		1, 0x78, 0x56, 0x34, 0x12,	/* u32 */
		4,			/* NULL string */
		3, 1, 0, 0, 0, 'z',	/* "z" */
	};
	struct msg	*m = msg_new(MSG_ERROR, 0x01020304);
	const void	*frame;
	size_t		 len;

	msg_add_u32(m, 0x12345678);
	msg_add_str(m, NULL);
	msg_add_str(m, "z");
	frame = msg_frame(m, &len);
	assert_int_equal(len, sizeof want);
	assert_memory_equal(frame, want, sizeof want);
	msg_free(m);
}

static void
test_end_leftovers(void **state)
{
	struct msg	*m = msg_new(MSG_REQ_SYNC, 7), *copy;
	uint32_t	 u;
	char		*s;

	msg_add_str(m, "INBOX");
	msg_add_u32(m, 1);
	assert_int_equal(msg_end(m), MSG_ERROR_FORMAT);
	assert_int_equal(msg_get_str(m, &s), MSG_OK);
	free(s);
	assert_int_equal(msg_end(m), MSG_ERROR_FORMAT);
	assert_int_equal(msg_get_u32(m, &u), MSG_OK);
	assert_int_equal(msg_end(m), MSG_OK);
	/* Nothing past the end. */
	assert_int_equal(msg_get_u32(m, &u), MSG_ERROR_FORMAT);

	copy = reparse(m);
	assert_int_equal(msg_end(copy), MSG_ERROR_FORMAT);
	msg_free(copy);
	msg_free(m);

	/* An empty message ends at once. */
	m = msg_new(MSG_DONE, 1);
	assert_int_equal(msg_end(m), MSG_OK);
	msg_free(m);
}

static void
test_type_mismatch(void **state)
{
	struct msg	*m = msg_new(MSG_EV_PROGRESS, 3);
	const void	*p;
	uint64_t	 u64;
	uint32_t	 u32;
	size_t		 len;
	char		*s;

	msg_add_u32(m, 5);
	msg_add_str(m, "five");
	msg_add_str(m, NULL);
	msg_add_bytes(m, "b", 1);

	/* A wrong getter fails and does not move on. */
	assert_int_equal(msg_get_u64(m, &u64), MSG_ERROR_FORMAT);
	assert_int_equal(msg_get_str(m, &s), MSG_ERROR_FORMAT);
	assert_int_equal(msg_get_bytes(m, &p, &len), MSG_ERROR_FORMAT);
	assert_int_equal(msg_get_u32(m, &u32), MSG_OK);
	assert_int_equal(u32, 5);

	assert_int_equal(msg_get_u32(m, &u32), MSG_ERROR_FORMAT);
	assert_int_equal(msg_get_bytes(m, &p, &len), MSG_ERROR_FORMAT);
	assert_int_equal(msg_get_str(m, &s), MSG_OK);
	assert_string_equal(s, "five");
	free(s);

	/* A NULL string is a string, not bytes. */
	assert_int_equal(msg_get_bytes(m, &p, &len), MSG_ERROR_FORMAT);
	assert_int_equal(msg_get_u32(m, &u32), MSG_ERROR_FORMAT);
	assert_int_equal(msg_get_str(m, &s), MSG_OK);
	assert_null(s);

	/* Bytes are not a string. */
	assert_int_equal(msg_get_str(m, &s), MSG_ERROR_FORMAT);
	assert_int_equal(msg_get_bytes(m, &p, &len), MSG_OK);
	assert_int_equal(len, 1);
	assert_memory_equal(p, "b", 1);
	assert_int_equal(msg_end(m), MSG_OK);
	msg_free(m);
}

static void
test_final_and_id(void **state)
{
	static const enum msg_type finals[] = { MSG_DONE, MSG_ERROR,
	    MSG_CANCELLED, MSG_UNSUPPORTED };
	static const enum msg_type others[] = { MSG_NONE, MSG_REQ_HELLO,
	    MSG_REQ_QUIT, MSG_EV_FOLDER, MSG_EV_QUOTA, MSG_EV_PROGRESS };
	struct msg	*m, *copy;
	size_t		 i;

	for (i = 0; i < sizeof finals / sizeof finals[0]; i++) {
		m = msg_new(finals[i], 1);
		assert_true(msg_is_final(m));
		msg_free(m);
	}
	for (i = 0; i < sizeof others / sizeof others[0]; i++) {
		m = msg_new(others[i], 1);
		assert_false(msg_is_final(m));
		msg_free(m);
	}
	m = msg_new(MSG_EV_ROWS, 0);
	msg_add_u32(m, 9);
	msg_set_id(m, 77);
	assert_int_equal(msg_id(m), 77);
	copy = reparse(m);
	assert_int_equal(msg_id(copy), 77);
	assert_int_equal(msg_type(copy), MSG_EV_ROWS);
	msg_free(copy);
	msg_free(m);
}

/* A frame by hand: header for these field bytes, claimed length apart. */
static size_t
handmade(unsigned char *buf, uint32_t claimed, const void *fields,
    size_t len)
{
	buf[0] = claimed & 0xff;
	buf[1] = (claimed >> 8) & 0xff;
	buf[2] = (claimed >> 16) & 0xff;
	buf[3] = (claimed >> 24) & 0xff;
	memcpy(buf + 4, "\x40\0\0\0\x01\0\0\0", 8);
	memcpy(buf + 12, fields, len);
	return 12 + len;
}

/* Expect the fields (with an honest length) to be refused. */
static void
assert_refused_fields(const void *fields, size_t len)
{
	unsigned char	 buf[256];
	struct msg	*m = (struct msg *)1;
	size_t		 n, used = 1;

	n = handmade(buf, (uint32_t)(8 + len), fields, len);
	assert_int_equal(msg_parse(buf, n, &m, &used), MSG_ERROR_FORMAT);
	assert_null(m);
	assert_int_equal(used, 0);
}

/* Whatever a frame holds, reading it with any getter is safe. */
static void
read_anyhow(struct msg *m, unsigned seed)
{
	const void	*p;
	uint64_t	 u64;
	uint32_t	 u32;
	size_t		 len;
	char		*s;
	int		 i;

	for (i = 0; i < 64 && msg_end(m) != MSG_OK; i++) {
		switch ((seed + (unsigned)i) % 4) {
		case 0:
			msg_get_u32(m, &u32);
			break;
		case 1:
			msg_get_u64(m, &u64);
			break;
		case 2:
			if (msg_get_str(m, &s) == MSG_OK)
				free(s);
			break;
		case 3:
			msg_get_bytes(m, &p, &len);
			break;
		}
	}
}

static void
test_hostile_frames(void **state)
{
	unsigned char	 buf[4096];
	struct msg	*m;
	size_t		 used, n, i, k;
	uint32_t	 claimed;
	unsigned	 seed = 1;

	/* Lengths out of bounds, known from the first four bytes. */
	n = handmade(buf, MSG_MAX_SIZE + 1, "", 0);
	assert_int_equal(msg_parse(buf, 4, &m, &used), MSG_ERROR_FORMAT);
	assert_int_equal(msg_parse(buf, n, &m, &used), MSG_ERROR_FORMAT);
	n = handmade(buf, UINT32_MAX, "", 0);
	assert_int_equal(msg_parse(buf, n, &m, &used), MSG_ERROR_FORMAT);
	for (claimed = 0; claimed < 8; claimed++) {
		n = handmade(buf, claimed, "", 0);
		assert_int_equal(msg_parse(buf, n, &m, &used),
		    MSG_ERROR_FORMAT);
	}
	/* The largest length allowed is only incomplete. */
	n = handmade(buf, MSG_MAX_SIZE, "", 0);
	assert_int_equal(msg_parse(buf, n, &m, &used), MSG_AGAIN);
	/* Fewer than four bytes: nothing known yet. */
	assert_int_equal(msg_parse(buf, 0, &m, &used), MSG_AGAIN);
	assert_int_equal(msg_parse(buf, 3, &m, &used), MSG_AGAIN);

	/* Unknown tags. */
	assert_refused_fields("\0", 1);
	assert_refused_fields("\x06", 1);
	assert_refused_fields("\xff\0\0\0\0", 5);
	assert_refused_fields("\x01\0\0\0\0\x09", 6);
	/* Truncated fields. */
	assert_refused_fields("\x01\0\0", 3);
	assert_refused_fields("\x02\0\0\0\0\0\0\0", 8);
	assert_refused_fields("\x03\0\0", 3);
	assert_refused_fields("\x03\x05\0\0\0abc", 8);
	assert_refused_fields("\x03\xff\xff\xff\xff" "abc", 8);
	assert_refused_fields("\x05\x02\0\0\0x", 6);
	assert_refused_fields("\x05\xff\xff\xff\x7f", 5);
	/* Good fields are fine. */
	n = handmade(buf, 8 + 11, "\x01\1\0\0\0\x04\x05\0\0\0\0", 11);
	assert_int_equal(msg_parse(buf, n, &m, &used), MSG_OK);
	assert_int_equal(used, n);
	msg_free(m);

	/* Random fields behind an honest header, and good frames with bytes
	 * changed: refused or read safely, never a crash. */
	for (k = 0; k < 20000; k++) {
		unsigned char	fields[64];
		size_t		len;

		seed = seed * 1103515245 + 12345;
		len = (seed >> 16) % sizeof fields;
		for (i = 0; i < len; i++) {
			seed = seed * 1103515245 + 12345;
			fields[i] = (seed >> 16) % 8;
			if ((seed >> 8) % 3 == 0)
				fields[i] = (unsigned char)(seed >> 20);
		}
		n = handmade(buf, (uint32_t)(8 + len), fields, len);
		if (k % 2 == 1) {
			seed = seed * 1103515245 + 12345;
			buf[(seed >> 16) % n] ^= (unsigned char)(seed >> 8);
		}
		if (msg_parse(buf, n, &m, &used) == MSG_OK) {
			assert_true(used <= n);
			read_anyhow(m, seed);
			msg_free(m);
		}
	}
}

static void
test_partial_frames(void **state)
{
	struct msg	*ms[3], *m;
	unsigned char	*all;
	const void	*frame;
	size_t		 lens[3], total = 0, off = 0, i, used;
	int		 got = 0;
	uint32_t	 u;
	char		*s;

	ms[0] = msg_new(MSG_REQ_FOLDER_OPEN, 1);
	msg_add_str(ms[0], "INBOX");
	ms[1] = msg_new(MSG_DONE, 1);
	ms[2] = msg_new(MSG_EV_ROWS, 2);
	msg_add_u32(ms[2], 300);
	msg_add_bytes(ms[2], "0123456789", 10);
	for (i = 0; i < 3; i++) {
		msg_frame(ms[i], &lens[i]);
		total += lens[i];
	}
	all = malloc(total);
	assert_non_null(all);
	for (i = 0; i < 3; i++) {
		frame = msg_frame(ms[i], &lens[i]);
		memcpy(all + off, frame, lens[i]);
		off += lens[i];
	}

	/* Bytes arrive one at a time: nothing until a frame is whole. */
	off = 0;
	for (i = 0; i <= total; i++) {
		switch (msg_parse(all + off, i - off, &m, &used)) {
		case MSG_AGAIN:
			assert_true(i - off < lens[got]);
			break;
		case MSG_OK:
			assert_int_equal(i - off, lens[got]);
			assert_int_equal(used, lens[got]);
			assert_int_equal(msg_type(m), msg_type(ms[got]));
			if (got == 0) {
				assert_int_equal(msg_get_str(m, &s), MSG_OK);
				assert_string_equal(s, "INBOX");
				free(s);
			} else if (got == 2) {
				assert_int_equal(msg_get_u32(m, &u), MSG_OK);
				assert_int_equal(u, 300);
			}
			msg_free(m);
			off += used;
			got++;
			/* A whole frame may end exactly here; try again. */
			if (got < 3)
				assert_int_equal(msg_parse(all + off, i - off,
				    &m, &used), MSG_AGAIN);
			break;
		default:
			fail_msg("byte %zu: refused", i);
		}
	}
	assert_int_equal(got, 3);
	free(all);
	for (i = 0; i < 3; i++)
		msg_free(ms[i]);
}

static void
channel_pair(struct msg_channel **a, struct msg_channel **b)
{
	int	sv[2];

	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	*a = msg_channel_new(sv[0]);
	*b = msg_channel_new(sv[1]);
}

static int64_t
now_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Wait for either channel to be able to move (both ends in one process). */
static void
wait_either(struct msg_channel *a, struct msg_channel *b)
{
	struct pollfd	pfd[2];

	pfd[0].fd = msg_channel_fd(a);
	pfd[0].events = POLLIN | (msg_channel_pending(a) ? POLLOUT : 0);
	pfd[1].fd = msg_channel_fd(b);
	pfd[1].events = POLLIN | (msg_channel_pending(b) ? POLLOUT : 0);
	assert_true(poll(pfd, 2, 1000) > 0);
}

static struct msg *
numbered(uint32_t i)
{
	struct msg	*m = msg_new(MSG_EV_ROWS, i + 1);
	char		*blob;
	size_t		 len = (i * 7919) % 20000;

	blob = malloc(len + 1);
	assert_non_null(blob);
	memset(blob, 'a' + (int)(i % 26), len);
	msg_add_u32(m, i);
	msg_add_bytes(m, blob, len);
	free(blob);
	return m;
}

static void
check_numbered(struct msg *m, uint32_t i)
{
	const unsigned char	*p;
	const void		*data;
	uint32_t		 u;
	size_t			 len, k;

	assert_int_equal(msg_id(m), i + 1);
	assert_int_equal(msg_get_u32(m, &u), MSG_OK);
	assert_int_equal(u, i);
	assert_int_equal(msg_get_bytes(m, &data, &len), MSG_OK);
	assert_int_equal(len, (i * 7919) % 20000);
	p = data;
	for (k = 0; k < len; k++)
		assert_int_equal(p[k], 'a' + (int)(i % 26));
	assert_int_equal(msg_end(m), MSG_OK);
}

/* Take what b has now; returns how many came. */
static uint32_t
receive_available(struct msg_channel *b, uint32_t *next)
{
	struct msg	*m;
	enum msg_status	 status;
	uint32_t	 n = 0;

	while ((status = msg_channel_receive(b, &m)) == MSG_OK) {
		check_numbered(m, (*next)++);
		msg_free(m);
		n++;
	}
	assert_int_equal(status, MSG_AGAIN);
	assert_null(m);
	return n;
}

static void
test_channel_many(void **state)
{
	struct msg_channel	*a, *b;
	uint32_t		 i, next = 0;
	int64_t			 end = now_ms() + 10000;
	int			 backed_up = 0;

	channel_pair(&a, &b);
	for (i = 0; i < 1000; i++) {
		assert_int_equal(msg_channel_send(a, numbered(i)), MSG_OK);
		backed_up |= msg_channel_pending(a);
		/* Read now and then, as a busy UI would. */
		if (i % 50 == 49)
			receive_available(b, &next);
	}
	/* ~10 MB went through a socket buffer far smaller: a queue built. */
	assert_true(backed_up);
	while (next < 1000) {
		assert_true(now_ms() < end);
		if (msg_channel_flush(a) == MSG_AGAIN)
			wait_either(a, b);
		receive_available(b, &next);
	}
	assert_false(msg_channel_pending(a));
	assert_int_equal(next, 1000);
	msg_channel_free(a);
	msg_channel_free(b);
	msg_channel_free(NULL);
}

static void
test_channel_eof(void **state)
{
	struct msg_channel	*a, *b;
	struct msg		*m;
	uint32_t		 next = 0;
	int			 sv[2];

	/* Whole messages sent before the close come first. */
	channel_pair(&a, &b);
	assert_int_equal(msg_channel_send(a, numbered(0)), MSG_OK);
	assert_int_equal(msg_channel_send(a, numbered(1)), MSG_OK);
	assert_int_equal(msg_channel_send(a, numbered(2)), MSG_OK);
	assert_int_equal(msg_channel_drain(a), MSG_OK);
	msg_channel_free(a);
	assert_int_equal(msg_channel_wait(b, &m, 1000), MSG_OK);
	check_numbered(m, next++);
	msg_free(m);
	assert_int_equal(msg_channel_receive(b, &m), MSG_OK);
	check_numbered(m, next++);
	msg_free(m);
	assert_int_equal(msg_channel_receive(b, &m), MSG_OK);
	check_numbered(m, next++);
	msg_free(m);
	assert_int_equal(msg_channel_receive(b, &m), MSG_EOF);
	assert_null(m);
	assert_int_equal(msg_channel_receive(b, &m), MSG_EOF);
	assert_int_equal(msg_channel_wait(b, &m, 1000), MSG_EOF);
	/* Writing to a closed peer fails, without SIGPIPE. */
	assert_int_equal(msg_channel_send(b, numbered(3)), MSG_ERROR_IO);
	assert_int_equal(msg_channel_flush(b), MSG_ERROR_IO);
	msg_channel_free(b);

	/* A close in the middle of a frame is not a clean end. */
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	b = msg_channel_new(sv[1]);
	assert_int_equal(write(sv[0], "\x20\0\0\0\x80\0\0\0", 8), 8);
	assert_int_equal(msg_channel_receive(b, &m), MSG_AGAIN);
	close(sv[0]);
	assert_int_equal(msg_channel_wait(b, &m, 1000), MSG_ERROR_FORMAT);
	assert_null(m);
	msg_channel_free(b);

	/* Nothing at all: the wait times out. */
	channel_pair(&a, &b);
	{
		int64_t	start = now_ms();

		assert_int_equal(msg_channel_wait(b, &m, 60), MSG_AGAIN);
		assert_null(m);
		assert_true(now_ms() - start >= 50);
		assert_int_equal(msg_channel_wait(b, &m, 0), MSG_AGAIN);
	}
	msg_channel_free(a);
	msg_channel_free(b);
}

static void
test_channel_garbage(void **state)
{
	struct msg_channel	*b;
	struct msg		*m;
	int			 sv[2];

	/* A length no frame may have: refused, and that sticks. */
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	b = msg_channel_new(sv[1]);
	assert_int_equal(write(sv[0], "\xff\xff\xff\xff\x80\0\0\0", 8), 8);
	assert_int_equal(msg_channel_wait(b, &m, 1000), MSG_ERROR_FORMAT);
	assert_int_equal(msg_channel_receive(b, &m), MSG_ERROR_FORMAT);
	msg_channel_free(b);
	close(sv[0]);

	/* A good frame, then a bad tag: the first still arrives. */
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	b = msg_channel_new(sv[1]);
	assert_int_equal(write(sv[0], "\x08\0\0\0\x80\0\0\0\x01\0\0\0"
	    "\x0a\0\0\0\x40\0\0\0\x02\0\0\0\x09\x09", 26), 26);
	assert_int_equal(msg_channel_wait(b, &m, 1000), MSG_OK);
	assert_int_equal(msg_type(m), MSG_DONE);
	msg_free(m);
	assert_int_equal(msg_channel_wait(b, &m, 1000), MSG_ERROR_FORMAT);
	msg_channel_free(b);
	close(sv[0]);
}

static struct msg *
big_message(uint32_t id, size_t len, unsigned char salt)
{
	struct msg	*m = msg_new(MSG_EV_PART, id);
	unsigned char	*data = malloc(len);
	size_t		 i;

	assert_non_null(data);
	for (i = 0; i < len; i++)
		data[i] = pattern(i) ^ salt;
	msg_add_str(m, "attachment.bin");
	msg_add_bytes(m, data, len);
	free(data);
	return m;
}

static void
check_big(struct msg *m, size_t len, unsigned char salt)
{
	const unsigned char	*p;
	const void		*data;
	size_t			 n, i;
	char			*s;

	assert_int_equal(msg_get_str(m, &s), MSG_OK);
	assert_string_equal(s, "attachment.bin");
	free(s);
	assert_int_equal(msg_get_bytes(m, &data, &n), MSG_OK);
	assert_int_equal(n, len);
	p = data;
	for (i = 0; i < len; i++) {
		if (p[i] != (pattern(i) ^ salt))
			fail_msg("byte %zu differs", i);
	}
	assert_int_equal(msg_end(m), MSG_OK);
}

static void
test_channel_big(void **state)
{
	struct msg_channel	*a, *b;
	struct msg		*m, *got_a = NULL, *got_b = NULL;
	size_t			 len = 8u * 1024 * 1024;
	int64_t			 end = now_ms() + 20000;
	enum msg_status		 status;

	/* 8 MiB each way at once, with a small one behind each: neither end
	 * ever blocks, each flushes and receives in turn. */
	channel_pair(&a, &b);
	assert_int_equal(msg_channel_send(a, big_message(1, len, 0)), MSG_OK);
	assert_int_equal(msg_channel_send(a, msg_new(MSG_DONE, 1)), MSG_OK);
	assert_int_equal(msg_channel_send(b, big_message(2, len, 0x5a)),
	    MSG_OK);
	assert_int_equal(msg_channel_send(b, msg_new(MSG_DONE, 2)), MSG_OK);
	assert_true(msg_channel_pending(a));
	assert_true(msg_channel_pending(b));
	while (got_a == NULL || got_b == NULL || msg_channel_pending(a) ||
	    msg_channel_pending(b)) {
		assert_true(now_ms() < end);
		status = msg_channel_flush(a);
		assert_true(status == MSG_OK || status == MSG_AGAIN);
		status = msg_channel_flush(b);
		assert_true(status == MSG_OK || status == MSG_AGAIN);
		if (got_b == NULL) {
			status = msg_channel_receive(b, &got_b);
			assert_true(status == MSG_OK || status == MSG_AGAIN);
		}
		if (got_a == NULL) {
			status = msg_channel_receive(a, &got_a);
			assert_true(status == MSG_OK || status == MSG_AGAIN);
		}
		if (got_a == NULL || got_b == NULL)
			wait_either(a, b);
	}
	assert_int_equal(msg_id(got_b), 1);
	check_big(got_b, len, 0);
	assert_int_equal(msg_id(got_a), 2);
	check_big(got_a, len, 0x5a);
	msg_free(got_a);
	msg_free(got_b);
	assert_int_equal(msg_channel_wait(b, &m, 1000), MSG_OK);
	assert_int_equal(msg_type(m), MSG_DONE);
	msg_free(m);
	assert_int_equal(msg_channel_wait(a, &m, 1000), MSG_OK);
	assert_int_equal(msg_type(m), MSG_DONE);
	msg_free(m);
	msg_channel_free(a);
	msg_channel_free(b);
}

/* The blocking calls across processes, as a worker uses them: the parent
 * drains 8 MiB, the child waits for it and answers with its size. */
static void
test_channel_blocking(void **state)
{
	struct msg_channel	*ch;
	struct msg		*m;
	const void		*data;
	size_t			 len = 8u * 1024 * 1024, n;
	uint64_t		 u;
	pid_t			 pid;
	char			*s = NULL;
	int			 sv[2], status;

	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	pid = fork();
	assert_true(pid != -1);
	if (pid == 0) {
		close(sv[0]);
		ch = msg_channel_new(sv[1]);
		if (msg_channel_wait(ch, &m, 10000) != MSG_OK ||
		    msg_get_str(m, &s) != MSG_OK)
			_exit(1);
		free(s);
		if (msg_get_bytes(m, &data, &n) != MSG_OK)
			_exit(2);
		msg_free(m);
		m = msg_new(MSG_DONE, 9);
		msg_add_u64(m, n);
		msg_channel_send(ch, m);
		if (msg_channel_drain(ch) != MSG_OK)
			_exit(3);
		msg_channel_free(ch);
		_exit(0);
	}
	close(sv[1]);
	ch = msg_channel_new(sv[0]);
	assert_int_equal(msg_channel_send(ch, big_message(9, len, 1)), MSG_OK);
	assert_int_equal(msg_channel_drain(ch), MSG_OK);
	assert_false(msg_channel_pending(ch));
	assert_int_equal(msg_channel_wait(ch, &m, 10000), MSG_OK);
	assert_int_equal(msg_type(m), MSG_DONE);
	assert_int_equal(msg_get_u64(m, &u), MSG_OK);
	assert_true(u == len);
	msg_free(m);
	assert_int_equal(msg_channel_wait(ch, &m, 10000), MSG_EOF);
	msg_channel_free(ch);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_byte_order),
		cmocka_unit_test(test_end_leftovers),
		cmocka_unit_test(test_type_mismatch),
		cmocka_unit_test(test_final_and_id),
		cmocka_unit_test(test_hostile_frames),
		cmocka_unit_test(test_partial_frames),
		cmocka_unit_test(test_channel_many),
		cmocka_unit_test(test_channel_eof),
		cmocka_unit_test(test_channel_garbage),
		cmocka_unit_test(test_channel_big),
		cmocka_unit_test(test_channel_blocking),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
