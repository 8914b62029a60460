/* thread: Jamie Zawinski's threading over plain arrays. Nodes are the
 * messages (node i is message i), then one per id that is only referenced;
 * an open-addressing table finds a node by id. Links are proposed in one
 * pass and cycles cut in another, and every walk uses an explicit stack or
 * a marker, so hostile headers cost time in proportion to their size and
 * never the C stack. */
#include "auto-config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "thread.h"
#include "xmalloc.h"

/* An id found in a header, pointing into the caller's strings. */
struct thread_id {
	const char	*id;
	uint32_t	 len;
	uint32_t	 hash;
};

/* A table slot: the id's hash above its node + 1, so most probes that miss
 * never touch the id; 0 is empty. */
#define THREAD_SLOT(hash, node)	(((uint64_t)(hash) << 32) | ((node) + 1))
#define THREAD_SLOT_HASH(slot)	((uint32_t)((slot) >> 32))
#define THREAD_SLOT_NODE(slot)	((uint32_t)(slot) - 1)

/* Lookups are memory bound: ask for a slot this many lookups ahead. */
#define THREAD_AHEAD		8

struct thread_node {
	const char	*id;		/* NULL: none (a message without one) */
	uint32_t	 len;
	uint32_t	 parent;	/* THREAD_NONE: a root */
	uint32_t	 mark;		/* scratch for the passes */
	uint32_t	 link;		/* when the parent was set: 1, 2, ... */
	int		 strong;	/* the parent came from the message's
					   own headers, not another's chain */
};

struct thread_state {
	const struct thread_message	*messages;
	size_t				 n;
	struct thread_node		*nodes;	/* as many as ids can make */
	size_t				 nnodes;
	uint32_t			 links;	/* set so far */
	uint64_t			*slots;
	size_t				 mask;	/* slots - 1, a power of two */
};

/* A date and an index, sorted without looking back at the input. */
struct thread_key {
	int64_t		 date;
	uint32_t	 index;
};

/* Seeded per process, so ids crafted to collide in the table cannot be
 * computed ahead of time. */
static uint64_t	thread_seed;

static uint32_t
thread_hash(const char *s, size_t len)
{
	uint64_t	h = 14695981039346656037ull ^ thread_seed;

	while (len-- > 0) {
		h ^= (unsigned char)*s++;
		h *= 1099511628211ull;
	}
	return (uint32_t)(h ^ (h >> 32));
}

/* The next "<id>" at *s: the bytes between the brackets into *id, *len.
 * A '<' before the '>' starts again, so "<a <b@c>" gives b@c. */
static int
thread_next_id(const char **s, const char **id, size_t *len)
{
	const char	*p = *s, *lt, *gt;

	while (p != NULL && (lt = strchr(p, '<')) != NULL) {
		gt = lt + 1 + strcspn(lt + 1, "<>");
		if (*gt == '\0')
			break;
		p = gt;
		if (*gt == '<')
			continue;
		p++;
		if (gt - lt - 1 > 0 && (size_t)(gt - lt - 1) < UINT32_MAX) {
			*id = lt + 1;
			*len = (size_t)(gt - lt - 1);
			*s = p;
			return 1;
		}
	}
	*s = NULL;
	return 0;
}

/* A Message-ID: the first "<id>", else the whole trimmed text, since some
 * mailers leave the brackets out. */
static int
thread_message_id(const char *s, const char **id, size_t *len)
{
	const char	*end, *p = s;

	if (s == NULL)
		return 0;
	if (thread_next_id(&p, id, len))
		return 1;
	while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
		s++;
	end = s + strlen(s);
	while (end > s && (end[-1] == ' ' || end[-1] == '\t' ||
	    end[-1] == '\r' || end[-1] == '\n'))
		end--;
	if (end == s || (size_t)(end - s) >= UINT32_MAX)
		return 0;
	*id = s;
	*len = (size_t)(end - s);
	return 1;
}

static void
thread_id_add(struct thread_id **ids, size_t *n, size_t *size,
    const char *id, size_t len)
{
	if (*n == *size) {
		*size = *size == 0 ? 1024 : *size * 2;
		*ids = xreallocarray(*ids, *size, sizeof **ids);
	}
	(*ids)[*n].id = id;
	(*ids)[*n].len = (uint32_t)len;
	(*ids)[*n].hash = thread_hash(id, len);
	(*n)++;
}

static void
thread_prefetch(const struct thread_state *ts, const struct thread_id *id)
{
#if defined(__GNUC__)
	__builtin_prefetch(&ts->slots[id->hash & ts->mask]);
#endif
}

/*
 * The node of an id: *found says whether the table had it. A new id gets
 * node (THREAD_NONE: a new phantom, standing for a message the folder does
 * not hold). The table never fills: it was sized for every id there is.
 */
static uint32_t
thread_lookup(struct thread_state *ts, const struct thread_id *id,
    uint32_t node, int *found)
{
	struct thread_node	*nd;
	size_t			 i;

	for (i = id->hash & ts->mask; ts->slots[i] != 0;
	    i = (i + 1) & ts->mask) {
		if (THREAD_SLOT_HASH(ts->slots[i]) != id->hash)
			continue;
		nd = &ts->nodes[THREAD_SLOT_NODE(ts->slots[i])];
		if (nd->len == id->len &&
		    memcmp(nd->id, id->id, id->len) == 0) {
			*found = 1;
			return THREAD_SLOT_NODE(ts->slots[i]);
		}
	}
	*found = 0;
	if (node == THREAD_NONE) {
		node = (uint32_t)ts->nnodes++;
		nd = &ts->nodes[node];
		memset(nd, 0, sizeof *nd);
		nd->parent = THREAD_NONE;
	}
	ts->nodes[node].id = id->id;
	ts->nodes[node].len = id->len;
	ts->slots[i] = THREAD_SLOT(id->hash, node);
	return node;
}

/*
 * Steps one and two. Every id is read from the headers first, so the table
 * is sized once and lookups can be asked for ahead. A node per message; a
 * repeated Message-ID keeps the first message's node, and the later ones
 * thread by their own References. Then each References chain links its ids
 * parent to child where the child has no parent yet (the first chain to
 * say so wins), and the message hangs under the last id, whatever other
 * chains said (its own headers know best). Without References, the first
 * In-Reply-To id is the parent.
 */
static void
thread_link(struct thread_state *ts)
{
	const struct thread_message	*m;
	struct thread_id		*ids = NULL, *mids;
	struct thread_node		*nd;
	const char			*s, *id;
	uint32_t			*start, *refs, node, prev;
	size_t				 nids = 0, size = 0, i, k, len, slots;
	int				 found;

	start = xreallocarray(NULL, ts->n + 1, sizeof *start);
	mids = xcalloc(ts->n, sizeof *mids);
	for (i = 0; i < ts->n; i++) {
		m = &ts->messages[i];
		if (thread_message_id(m->message_id, &id, &len)) {
			mids[i].id = id;
			mids[i].len = (uint32_t)len;
			mids[i].hash = thread_hash(id, len);
		}
		start[i] = (uint32_t)nids;
		s = m->references;
		while (thread_next_id(&s, &id, &len))
			thread_id_add(&ids, &nids, &size, id, len);
		s = m->in_reply_to;
		if (nids == start[i] && thread_next_id(&s, &id, &len))
			thread_id_add(&ids, &nids, &size, id, len);
		if (nids >= THREAD_NONE / 2 - ts->n)
			fatal("%s: too many references", __func__);
	}
	start[ts->n] = (uint32_t)nids;

	for (slots = 1024; slots < 2 * (ts->n + nids); slots *= 2)
		;
	ts->slots = xcalloc(slots, sizeof *ts->slots);
	ts->mask = slots - 1;
	ts->nodes = xcalloc(ts->n + nids, sizeof *ts->nodes);
	ts->nnodes = ts->n;
	for (i = 0; i < ts->n; i++)
		ts->nodes[i].parent = THREAD_NONE;

	for (i = 0; i < ts->n; i++) {
		if (i + THREAD_AHEAD < ts->n &&
		    mids[i + THREAD_AHEAD].id != NULL)
			thread_prefetch(ts, &mids[i + THREAD_AHEAD]);
		if (mids[i].id != NULL)
			thread_lookup(ts, &mids[i], (uint32_t)i, &found);
	}
	refs = xreallocarray(NULL, nids > 0 ? nids : 1, sizeof *refs);
	for (k = 0; k < nids; k++) {
		if (k + THREAD_AHEAD < nids)
			thread_prefetch(ts, &ids[k + THREAD_AHEAD]);
		refs[k] = thread_lookup(ts, &ids[k], THREAD_NONE, &found);
	}

	for (i = 0; i < ts->n; i++) {
		prev = THREAD_NONE;
		for (k = start[i]; k < start[i + 1]; k++) {
			node = refs[k];
			nd = &ts->nodes[node];
			if (prev != THREAD_NONE && node != prev &&
			    nd->parent == THREAD_NONE) {
				nd->parent = prev;
				nd->link = ++ts->links;
			}
			prev = node;
		}
		if (prev != THREAD_NONE && prev != i) {
			ts->nodes[i].parent = prev;
			ts->nodes[i].link = ++ts->links;
			ts->nodes[i].strong = 1;
		}
	}
	free(refs);
	free(mids);
	free(ids);
	free(start);
}

/*
 * Whether cutting a's parent link is better than cutting b's. A link from
 * another message's chain goes first, the one made last: it closed the
 * loop, and JWZ would not have made it. Among a message's own links, the
 * oldest message's goes, so it becomes the root.
 */
static int
thread_cut_before(const struct thread_state *ts, uint32_t a, uint32_t b)
{
	const struct thread_node	*na = &ts->nodes[a];
	const struct thread_node	*nb = &ts->nodes[b];

	if (na->strong != nb->strong)
		return nb->strong;
	if (na->strong && ts->messages[a].date != ts->messages[b].date)
		return ts->messages[a].date < ts->messages[b].date;
	return na->link > nb->link;
}

/* Step three: every node has at most one parent, so each loop is a simple
 * cycle; one walk over the nodes finds each and cuts one link in it. */
static void
thread_break_cycles(struct thread_state *ts)
{
	struct thread_node	*nodes = ts->nodes;
	uint32_t		 v, u, c, cut, walk;

	for (v = 0; v < ts->nnodes; v++) {
		if (nodes[v].mark != 0)
			continue;
		walk = v + 1;
		for (u = v; u != THREAD_NONE && nodes[u].mark == 0;
		    u = nodes[u].parent)
			nodes[u].mark = walk;
		/* Back on this walk's own path: a cycle through u. */
		if (u == THREAD_NONE || nodes[u].mark != walk)
			continue;
		cut = u;
		for (c = nodes[u].parent; c != u; c = nodes[c].parent) {
			if (thread_cut_before(ts, c, cut))
				cut = c;
		}
		nodes[cut].parent = THREAD_NONE;
		nodes[cut].strong = 0;
		nodes[cut].link = 0;
	}
}

/*
 * Sort keys by date, ties in the order given: a stable radix sort, a byte
 * at a time from the lowest, skipping the bytes all dates share (most of
 * the high ones). Linear, where qsort was a fifth of the whole build.
 */
static void
thread_sort_keys(struct thread_key *keys, size_t n)
{
	struct thread_key	*tmp, *from = keys, *to, *swap;
	size_t			 count[256], i, sum, c;
	uint64_t		 u;
	unsigned		 shift;

	if (n < 2)
		return;
	tmp = xreallocarray(NULL, n, sizeof *tmp);
	to = tmp;
	for (shift = 0; shift < 64; shift += 8) {
		memset(count, 0, sizeof count);
		for (i = 0; i < n; i++) {
			/* The sign bit flipped: negative dates sort first. */
			u = (uint64_t)from[i].date ^ (1ull << 63);
			count[(u >> shift) & 0xff]++;
		}
		u = (uint64_t)from[0].date ^ (1ull << 63);
		if (count[(u >> shift) & 0xff] == n)
			continue;
		for (sum = 0, c = 0; c < 256; c++) {
			i = count[c];
			count[c] = sum;
			sum += i;
		}
		for (i = 0; i < n; i++) {
			u = (uint64_t)from[i].date ^ (1ull << 63);
			to[count[(u >> shift) & 0xff]++] = from[i];
		}
		swap = from;
		from = to;
		to = swap;
	}
	if (from != keys)
		memcpy(keys, from, n * sizeof *keys);
	free(tmp);
}

/* A stack frame of the walk that writes the rows. */
struct thread_frame {
	uint32_t	 node;
	uint32_t	 row;		/* THREAD_NONE: a missing message */
	uint32_t	 depth;
	uint32_t	 next;		/* into kids */
};

void
thread_build(const struct thread_message *messages, size_t n, int flags,
    struct thread_row *rows)
{
	struct thread_state	 ts;
	struct thread_node	*nodes;
	struct thread_key	*keys;
	struct thread_frame	*stack, *f;
	uint32_t		*up, *top, *count, *parent, *first, *kids;
	uint32_t		*eroot, *fill, v, p, t, c, r, nroots, sp, nrow;
	int64_t			*last, *earliest;
	size_t			 nn, i;

	if (n == 0)
		return;
	if (n >= THREAD_NONE / 4)
		fatal("%s: too many messages", __func__);
	if (thread_seed == 0)
		thread_seed = ((uint64_t)time(NULL) * 0x9e3779b97f4a7c15ull) ^
		    (uint64_t)(uintptr_t)&thread_seed;
	memset(&ts, 0, sizeof ts);
	ts.messages = messages;
	ts.n = n;
	thread_link(&ts);
	thread_break_cycles(&ts);
	nodes = ts.nodes;
	nn = ts.nnodes;

	/*
	 * Step four, the pruning: a message's parent is its nearest ancestor
	 * that is a message. Messages with none, under the same missing root,
	 * stay together under it when there are two or more; one alone
	 * becomes a root itself. up and top are found with a memo: each node
	 * is resolved once, through an explicit stack.
	 */
	up = xreallocarray(NULL, nn, sizeof *up);
	top = xreallocarray(NULL, nn, sizeof *top);
	count = xcalloc(nn + 1, sizeof *count);
	kids = xreallocarray(NULL, nn, sizeof *kids);	/* the stack, first */
	for (i = 0; i < nn; i++)
		nodes[i].mark = 0;
	for (i = 0; i < nn; i++) {
		sp = 0;
		for (v = (uint32_t)i; v != THREAD_NONE && !nodes[v].mark;
		    v = nodes[v].parent)
			kids[sp++] = v;
		while (sp > 0) {
			v = kids[--sp];
			p = nodes[v].parent;
			if (p == THREAD_NONE) {
				up[v] = THREAD_NONE;
				top[v] = v;
			} else {
				up[v] = p < n ? p : up[p];
				top[v] = top[p];
			}
			nodes[v].mark = 1;
		}
	}
	/* count[t]: the messages directly under missing root t; fill[t]:
	 * the one, when it is alone. */
	fill = xreallocarray(NULL, nn, sizeof *fill);
	for (v = 0; v < n; v++) {
		if (up[v] == THREAD_NONE && top[v] != v) {
			count[top[v]]++;
			fill[top[v]] = v;
		}
	}
	parent = xreallocarray(NULL, n, sizeof *parent);
	eroot = xreallocarray(NULL, n, sizeof *eroot);
	for (v = 0; v < n; v++) {
		t = top[v];
		if (up[v] != THREAD_NONE)
			parent[v] = up[v];
		else if (t != v && count[t] >= 2)
			parent[v] = t;
		else
			parent[v] = THREAD_NONE;
		if (t < n || count[t] >= 2)
			eroot[v] = t;
		else
			eroot[v] = fill[t];
	}

	/* Step five: children lists, each oldest first, filled in date
	 * order (a counting sort into one array). */
	keys = xreallocarray(NULL, n, sizeof *keys);
	for (v = 0; v < n; v++) {
		keys[v].date = messages[v].date;
		keys[v].index = v;
	}
	thread_sort_keys(keys, n);
	first = count;		/* count is spent: reuse it as offsets */
	memset(first, 0, (nn + 1) * sizeof *first);
	for (v = 0; v < n; v++) {
		if (parent[v] != THREAD_NONE)
			first[parent[v] + 1]++;
	}
	for (i = 0; i < nn; i++)
		first[i + 1] += first[i];
	memcpy(fill, first, nn * sizeof *fill);
	for (i = 0; i < n; i++) {
		v = keys[i].index;
		if (parent[v] != THREAD_NONE)
			kids[fill[parent[v]]++] = v;
	}

	/* Step six: each thread's date, then the threads in order. */
	last = xreallocarray(NULL, nn, sizeof *last);
	earliest = xreallocarray(NULL, nn, sizeof *earliest);
	for (i = 0; i < nn; i++) {
		last[i] = INT64_MIN;
		earliest[i] = INT64_MAX;
	}
	for (v = 0; v < n; v++) {
		r = eroot[v];
		if (messages[v].date > last[r])
			last[r] = messages[v].date;
		if (messages[v].date < earliest[r])
			earliest[r] = messages[v].date;
	}
	nroots = 0;
	for (i = 0; i < nn; i++) {
		v = (uint32_t)i;
		if (v < n ? parent[v] != THREAD_NONE :
		    first[v + 1] - first[v] < 2)
			continue;
		keys[nroots].index = v;
		if (flags & THREAD_BY_FIRST_DATE)
			keys[nroots].date = v < n ? messages[v].date :
			    earliest[v];
		else
			keys[nroots].date = last[v];
		nroots++;
	}
	thread_sort_keys(keys, nroots);

	/* Step seven: the rows, depth first, with an explicit stack. */
	stack = xreallocarray(NULL, n + 1, sizeof *stack);
	nrow = 0;
	for (i = 0; i < nroots; i++) {
		v = keys[(flags & THREAD_OLDEST_FIRST) ? i :
		    nroots - 1 - i].index;
		sp = 0;
		f = &stack[sp++];
		f->node = v;
		f->depth = 0;
		f->next = first[v];
		f->row = THREAD_NONE;
		if (v < n) {
			rows[nrow].message = v;
			rows[nrow].parent = THREAD_NONE;
			rows[nrow].depth = 0;
			rows[nrow].flags = 0;
			f->row = nrow++;
		}
		while (sp > 0) {
			f = &stack[sp - 1];
			if (f->next == first[f->node + 1]) {
				sp--;
				continue;
			}
			c = kids[f->next];
			rows[nrow].message = c;
			rows[nrow].parent = f->row;
			rows[nrow].depth = f->depth + 1;
			rows[nrow].flags =
			    (f->next == first[f->node] ? THREAD_ROW_FIRST : 0) |
			    (f->next + 1 == first[f->node + 1] ?
			    THREAD_ROW_LAST : 0) |
			    (f->row == THREAD_NONE ? THREAD_ROW_MISSING : 0);
			f->next++;
			if (sp > n)
				fatal("%s: a cycle survived", __func__);
			stack[sp].node = c;
			stack[sp].row = nrow++;
			stack[sp].depth = f->depth + 1;
			stack[sp].next = first[c];
			sp++;
		}
	}
	if (nrow != n)
		fatal("%s: %u rows for %zu messages", __func__, nrow, n);

	free(stack);
	free(last);
	free(earliest);
	free(keys);
	free(eroot);
	free(parent);
	free(fill);
	free(kids);
	free(count);
	free(top);
	free(up);
	free(ts.slots);
	free(ts.nodes);
}

size_t
thread_prefix(const struct thread_row *rows, size_t n, size_t index,
    char *buf, size_t size)
{
	const struct thread_row	*r;
	size_t			 len, skip, pos, depth;
	uint32_t		 a;
	char			 corner;

	if (size == 0)
		return 0;
	buf[0] = '\0';
	if (index >= n || rows[index].depth == 0)
		return 0;
	r = &rows[index];
	/* Two columns a level above this one, then "+->". Column pos of the
	 * whole prefix is buf[pos - skip]; those left of skip do not fit. */
	len = 2 * ((size_t)r->depth - 1) + 3;
	skip = len > size - 1 ? len - (size - 1) : 0;
	memset(buf, THREAD_TREE_SPACE, len - skip);
	buf[len - skip] = '\0';
	if ((r->flags & THREAD_ROW_MISSING) && (r->flags & THREAD_ROW_FIRST))
		corner = THREAD_TREE_TOP;
	else if (r->flags & THREAD_ROW_LAST)
		corner = THREAD_TREE_CORNER;
	else
		corner = THREAD_TREE_TEE;
	for (pos = len - 3; pos < len; pos++) {
		if (pos >= skip)
			buf[pos - skip] = pos == len - 3 ? corner :
			    pos == len - 2 ? THREAD_TREE_HORIZONTAL :
			    THREAD_TREE_ARROW;
	}
	/* Ancestors right to left: a line where one has a later sibling.
	 * Depth must fall at each step, so bad rows cannot loop. */
	depth = r->depth;
	for (a = r->parent; a < n && rows[a].depth > 0 &&
	    rows[a].depth < depth; a = rows[a].parent) {
		depth = rows[a].depth;
		pos = 2 * (depth - 1);
		if (pos < skip)
			break;
		if (!(rows[a].flags & THREAD_ROW_LAST))
			buf[pos - skip] = THREAD_TREE_VERTICAL;
	}
	return len - skip;
}

/* --- flat orders ---------------------------------------------------------- */

const char *
thread_subject(const char *s)
{
	static const char * const prefixes[] = {
		"re", "fwd", "fw", "aw", "sv", "wg", "tr", "antw", NULL
	};
	const char	*p, *q;
	size_t		 i, len;
	int		 again = 1;

	if (s == NULL)
		return "";
	p = s;
	while (again) {
		again = 0;
		while (*p == ' ' || *p == '\t')
			p++;
		for (i = 0; prefixes[i] != NULL; i++) {
			len = strlen(prefixes[i]);
			if (strncasecmp(p, prefixes[i], len) != 0)
				continue;
			q = p + len;
			/* A count, as in "Re[2]:" or "Re(2):". */
			if (*q == '[' || *q == '(') {
				q++;
				while (*q >= '0' && *q <= '9')
					q++;
				if (*q != ']' && *q != ')')
					continue;
				q++;
			}
			/* "Re :", as French mailers write it. */
			while (*q == ' ')
				q++;
			if (*q != ':')
				continue;
			p = q + 1;
			again = 1;
			break;
		}
	}
	return p;
}

/* The sender as it sorts: without leading quotes and brackets. */
static const char *
thread_from(const char *s)
{
	if (s == NULL)
		return "";
	while (*s == ' ' || *s == '"' || *s == '\'' || *s == '<')
		s++;
	return s;
}

struct thread_sort_item {
	const char	*text;
	int64_t		 date;
	uint64_t	 size;
	uint32_t	 index;
};

/* Ties: the newest first, then the later in the input. */
static int
thread_sort_tie(const struct thread_sort_item *a,
    const struct thread_sort_item *b)
{
	if (a->date != b->date)
		return a->date > b->date ? -1 : 1;
	if (a->index != b->index)
		return a->index > b->index ? -1 : 1;
	return 0;
}

static int
thread_sort_by_date(const void *va, const void *vb)
{
	return thread_sort_tie(va, vb);
}

static int
thread_sort_by_size(const void *va, const void *vb)
{
	const struct thread_sort_item	*a = va, *b = vb;

	if (a->size != b->size)
		return a->size > b->size ? -1 : 1;
	return thread_sort_tie(a, b);
}

static int
thread_sort_by_text(const void *va, const void *vb)
{
	const struct thread_sort_item	*a = va, *b = vb;
	int				 d;

	if ((d = strcasecmp(a->text, b->text)) != 0)
		return d;
	return thread_sort_tie(a, b);
}

void
thread_sort(const struct thread_message *messages, size_t n,
    enum thread_sort key, int reverse, uint32_t *order)
{
	struct thread_sort_item	*items;
	int			(*cmp)(const void *, const void *);
	size_t			 i;

	if (n == 0)
		return;
	if (n >= THREAD_NONE)
		fatal("%s: too many messages", __func__);
	items = xreallocarray(NULL, n, sizeof *items);
	for (i = 0; i < n; i++) {
		items[i].date = messages[i].date;
		items[i].size = messages[i].size;
		items[i].index = (uint32_t)i;
		items[i].text = key == THREAD_SORT_FROM ?
		    thread_from(messages[i].from) :
		    thread_subject(messages[i].subject);
	}
	switch (key) {
	case THREAD_SORT_FROM:
	case THREAD_SORT_SUBJECT:
		cmp = thread_sort_by_text;
		break;
	case THREAD_SORT_SIZE:
		cmp = thread_sort_by_size;
		break;
	case THREAD_SORT_DATE:
	default:
		cmp = thread_sort_by_date;
		break;
	}
	qsort(items, n, sizeof *items, cmp);
	for (i = 0; i < n; i++)
		order[reverse ? n - 1 - i : i] = items[i].index;
	free(items);
}
