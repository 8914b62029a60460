/* summary: one place that says which fields an index row and a sidebar
 * folder carry on the wire, in which order, both ways. */
#include "auto-config.h"

#include <stdlib.h>
#include <string.h>

#include "mime-structure.h"
#include "store-mirror.h"
#include "summary.h"

void
summary_write(struct msg *m, const struct store_message *s)
{
	struct mime_part	*root = NULL;
	int			 attachments = 0;

	if (s->attachments >= 0)
		attachments = s->attachments;
	else if (s->bodystructure != NULL &&
	    mime_structure_parse(s->bodystructure, &root, NULL) ==
	    MIME_STRUCTURE_OK) {
		attachments = mime_structure_has_attachments(root);
		mime_structure_free(root);
	}
	msg_add_u32(m, s->uid);
	msg_add_u32(m, s->flags);
	msg_add_u32(m, s->size);
	msg_add_u64(m, (uint64_t)(s->date != 0 ? s->date : s->internal_date));
	msg_add_str(m, s->from);
	msg_add_str(m, s->subject);
	msg_add_str(m, s->message_id);
	msg_add_str(m, s->in_reply_to);
	msg_add_str(m, s->references);
	msg_add_u32(m, (uint32_t)attachments);
}

enum msg_status
summary_read(struct msg *m, struct summary *s)
{
	enum msg_status	status;
	uint64_t	date;
	uint32_t	attachments;

	memset(s, 0, sizeof *s);
	if ((status = msg_get_u32(m, &s->uid)) != MSG_OK ||
	    (status = msg_get_u32(m, &s->flags)) != MSG_OK ||
	    (status = msg_get_u32(m, &s->size)) != MSG_OK ||
	    (status = msg_get_u64(m, &date)) != MSG_OK ||
	    (status = msg_get_str(m, &s->from)) != MSG_OK ||
	    (status = msg_get_str(m, &s->subject)) != MSG_OK ||
	    (status = msg_get_str(m, &s->message_id)) != MSG_OK ||
	    (status = msg_get_str(m, &s->in_reply_to)) != MSG_OK ||
	    (status = msg_get_str(m, &s->references)) != MSG_OK ||
	    (status = msg_get_u32(m, &attachments)) != MSG_OK) {
		summary_clear(s);
		return status;
	}
	s->date = (int64_t)date;
	s->attachments = attachments != 0;
	return MSG_OK;
}

void
summary_clear(struct summary *s)
{
	free(s->from);
	free(s->subject);
	free(s->message_id);
	free(s->in_reply_to);
	free(s->references);
	memset(s, 0, sizeof *s);
}

void
summary_folder_write(struct msg *m, const struct store_folder *f,
    const char *display)
{
	msg_add_str(m, f->name);
	msg_add_str(m, display != NULL ? display : f->name);
	msg_add_u32(m, (uint32_t)(unsigned char)f->delimiter);
	msg_add_u32(m, (uint32_t)f->role);
	msg_add_u32(m, (uint32_t)f->subscribed);
	msg_add_u32(m, (uint32_t)f->noselect);
	msg_add_u32(m, f->total);
	msg_add_u32(m, f->unseen);
}

enum msg_status
summary_folder_read(struct msg *m, struct summary_folder *f)
{
	enum msg_status	status;

	memset(f, 0, sizeof *f);
	if ((status = msg_get_str(m, &f->name)) != MSG_OK ||
	    (status = msg_get_str(m, &f->display)) != MSG_OK ||
	    (status = msg_get_u32(m, &f->delimiter)) != MSG_OK ||
	    (status = msg_get_u32(m, &f->role)) != MSG_OK ||
	    (status = msg_get_u32(m, &f->subscribed)) != MSG_OK ||
	    (status = msg_get_u32(m, &f->noselect)) != MSG_OK ||
	    (status = msg_get_u32(m, &f->total)) != MSG_OK ||
	    (status = msg_get_u32(m, &f->unseen)) != MSG_OK) {
		summary_folder_clear(f);
		return status;
	}
	return MSG_OK;
}

void
summary_folder_clear(struct summary_folder *f)
{
	free(f->name);
	free(f->display);
	memset(f, 0, sizeof *f);
}
