/* summary: the compact description of a message the UI's index shows, and
 * of a folder for the sidebar, as fields of MSG_EV_ROWS / MSG_EV_FOLDER.
 * Workers write them; the UI reads them. */
#ifndef SKUA_SUMMARY_H
#define SKUA_SUMMARY_H

#include <stdint.h>

#include "msg.h"

struct store_folder;
struct store_message;

/* One index row: plain data; strings owned by the struct (summary_clear). */
struct summary {
	uint32_t	 uid;
	uint32_t	 flags;		/* STORE_FLAG_* */
	uint32_t	 size;
	int64_t		 date;		/* Date header, else internal date */
	char		*from;
	char		*subject;
	char		*message_id;
	char		*in_reply_to;
	char		*references;
	int		 attachments;	/* has attachments */
};

/* One folder for the sidebar. */
struct summary_folder {
	char		*name;		/* the server's name, for requests */
	char		*display;	/* decoded for people */
	uint32_t	 delimiter;
	uint32_t	 role;		/* STORE_ROLE_* */
	uint32_t	 subscribed;
	uint32_t	 noselect;
	uint32_t	 total;
	uint32_t	 unseen;
};

/* Append a row to an MSG_EV_ROWS message (after its u32 count). */
void		 summary_write(struct msg *, const struct store_message *);
enum msg_status	 summary_read(struct msg *, struct summary *);
void		 summary_clear(struct summary *);

void		 summary_folder_write(struct msg *, const struct store_folder *,
		     const char *display);
enum msg_status	 summary_folder_read(struct msg *, struct summary_folder *);
void		 summary_folder_clear(struct summary_folder *);

#endif
