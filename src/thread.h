/* thread: conversations from Message-ID, References and In-Reply-To (Jamie
 * Zawinski's algorithm), and the flat orders of the index. Plain data in and
 * out, no state kept: any process may call it. */
#ifndef SKUA_THREAD_H
#define SKUA_THREAD_H

#include <stddef.h>
#include <stdint.h>

/* No row, no parent. */
#define THREAD_NONE		UINT32_MAX

/*
 * One message as the headers gave it. Every string may be NULL, empty or
 * malformed; they are read, never kept, and need only live for the call.
 */
struct thread_message {
	const char	*message_id;
	const char	*in_reply_to;
	const char	*references;
	const char	*from;
	const char	*subject;
	int64_t		 date;		/* seconds since the epoch */
	uint64_t	 size;
};

/* thread_build's flags. */
#define THREAD_OLDEST_FIRST	0x1	/* threads oldest first (default:
					   newest first, as skua's index) */
#define THREAD_BY_FIRST_DATE	0x2	/* a thread's date is its first
					   message's (default: its latest,
					   so a new reply moves it up) */

/* thread_row's flags. */
#define THREAD_ROW_FIRST	0x1	/* the first of its siblings */
#define THREAD_ROW_LAST		0x2	/* the last of its siblings */
#define THREAD_ROW_MISSING	0x4	/* its parent is not in the folder,
					   only its siblings are */

/* One row of the index in thread order. */
struct thread_row {
	uint32_t	 message;	/* index into the input */
	uint32_t	 parent;	/* the parent's row, or THREAD_NONE */
	uint32_t	 depth;		/* 0: a thread's first message */
	uint32_t	 flags;		/* THREAD_ROW_* */
};

/*
 * Thread n messages into rows[n], which the caller provides: every message
 * is in exactly one row, whatever the headers say (duplicate Message-IDs,
 * loops, references to itself). Siblings are oldest first; children of a
 * message that is not in the folder are kept together at depth 1 with
 * THREAD_ROW_MISSING. Subjects are not used to join threads: only the
 * headers that say so. Linear in the size of the headers plus an
 * O(n log n) sort; no recursion.
 */
void	thread_build(const struct thread_message *, size_t n, int flags,
	    struct thread_row *rows);

/* The tree left of a subject, one byte a column. */
#define THREAD_TREE_SPACE	' '
#define THREAD_TREE_VERTICAL	'|'	/* a line down to a later sibling */
#define THREAD_TREE_TEE		'+'	/* a child with siblings after it */
#define THREAD_TREE_CORNER	'`'	/* the last child */
#define THREAD_TREE_TOP		','	/* the first child of a missing one */
#define THREAD_TREE_HORIZONTAL	'-'
#define THREAD_TREE_ARROW	'>'

/*
 * The tree prefix of row index as THREAD_TREE_* bytes into buf (NUL
 * terminated), e.g. "| `->" for a last child at depth 2 whose parent has a
 * later sibling; "" for a thread's first message. When it does not fit in
 * size - 1 bytes, the leftmost columns are dropped so the arrow stays.
 * Returns the bytes written. O(size), however deep the thread.
 */
size_t	thread_prefix(const struct thread_row *rows, size_t n, size_t index,
	    char *buf, size_t size);

/* The flat orders. Each starts where skua's index starts: the newest date,
 * the largest size, the beginning of the alphabet for text. */
enum thread_sort {
	THREAD_SORT_DATE,
	THREAD_SORT_FROM,
	THREAD_SORT_SUBJECT,
	THREAD_SORT_SIZE,
};

/*
 * The order of n messages into order[n] (indices into the input). From
 * and subject compare without case (ASCII), the subject without its "Re:",
 * "Fwd:" and similar prefixes; ties go newest first, then by index.
 * reverse turns the whole list round.
 */
void	thread_sort(const struct thread_message *, size_t n,
	    enum thread_sort, int reverse, uint32_t *order);

/* The subject without reply and forward prefixes ("Re: Fwd: x" and
 * "AW[2]: x" -> "x"), pointing into s; "" for NULL. */
const char *thread_subject(const char *s);

#endif
