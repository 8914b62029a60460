/* backend: choosing the backend for an account's protocol, and what every
 * backend does alike with parts. A POP3 account is composed: reading is the
 * local store's (maildir-backend), and its sync is the download into it. */
#include "auto-config.h"

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backend.h"
#include "config.h"
#include "imap-backend.h"
#include "intl.h"
#include "maildir-apply.h"
#include "maildir-backend.h"
#include "mime-sanitize.h"
#include "mime-structure.h"
#include "msg.h"
#include "pop3-backend.h"
#include "xmalloc.h"

/* sync downloads (pop3-backend), then looks at the store again, so that
 * mail delivered by `skua fetch` or another program shows up too. */
static const struct backend backend_pop3 = {
	.name = "pop3",
	.open = maildir_backend_open,
	.close = maildir_backend_close,
	.folder_list = maildir_backend_folder_list,
	.folder_open = maildir_backend_folder_open,
	.part_fetch = maildir_backend_part_fetch,
	.part_save = maildir_backend_part_save,
	.sync = pop3_backend_sync,
	.flags = maildir_apply_flags,
	.copy = maildir_apply_copy,
	.remove = maildir_apply_remove,
	.expunge = maildir_apply_expunge,
	.folder_change = maildir_apply_folder,
};

const struct backend *
backend_for(const struct config_account *a)
{
	switch (a->protocol) {
	case CONFIG_PROTOCOL_IMAP:
		return &backend_imap;
	case CONFIG_PROTOCOL_POP3:
		return &backend_pop3;
	}
	return NULL;
}

void
backend_emit_attachment(const struct mime_part *p, void *ctx)
{
	struct msg	*m = msg_new(MSG_EV_PART, 0);
	char		*type = xasprintf("%s/%s", p->type, p->subtype), *name;

	/* The name is the sender's: no controls or bidi tricks on screen. */
	name = p->name != NULL ? mime_sanitize(p->name, strlen(p->name), 0) :
	    NULL;
	msg_add_u32(m, BACKEND_PART_ATTACHMENT);
	msg_add_str(m, p->section);
	msg_add_str(m, name);
	msg_add_str(m, type);
	msg_add_u64(m, p->size);
	backend_emit(ctx, m);
	free(type);
	free(name);
}

enum backend_status
backend_write_new(const char *path, const char *data, size_t len,
    char **error)
{
	char	*tmp;
	size_t	 off = 0;
	ssize_t	 n;
	int	 fd, saved;

	tmp = xasprintf("%s.skua-XXXXXX", path);
	if ((fd = mkstemp(tmp)) == -1) {
		*error = xasprintf("%s: %s", path, strerror(errno));
		free(tmp);
		return BACKEND_ERROR;
	}
	errno = 0;
	while (off < len) {
		n = write(fd, data + off, len - off);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		off += (size_t)n;
	}
	if (off < len || fsync(fd) == -1) {
		saved = errno != 0 ? errno : EIO;
		close(fd);
	} else if (close(fd) == -1)
		saved = errno;
	else
		saved = 0;
	if (saved != 0) {
		unlink(tmp);
		free(tmp);
		*error = xasprintf("%s: %s", path, strerror(saved));
		return BACKEND_ERROR;
	}
	/* link() fails if the name exists: nothing is ever replaced. */
	if (link(tmp, path) == -1) {
		saved = errno;
		unlink(tmp);
		free(tmp);
		*error = saved == EEXIST ? xasprintf(_("%s exists; not "
		    "overwritten"), path) : xasprintf("%s: %s", path,
		    strerror(saved));
		return BACKEND_ERROR;
	}
	unlink(tmp);
	free(tmp);
	return BACKEND_OK;
}
