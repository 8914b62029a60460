/* view-index-pattern: the index's limit (l), search (/ and n) and tags (t,
 * T and ^T), with their patterns typed on the bottom line, and the tag
 * prefix (;) that gives the next action the tagged messages. Patterns are
 * pattern.c's; the rows they pick, model-folder.c's. */
#include "auto-config.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "account.h"
#include "backend.h"
#include "config.h"
#include "core.h"
#include "keys.h"
#include "model-folder.h"
#include "msg.h"
#include "pattern.h"
#include "view.h"

/* A row as a pattern sees it. */
static int
index_pattern_match(const struct model_row *r, void *arg)
{
	struct pattern_message	m;

	memset(&m, 0, sizeof m);
	m.from = r->from;
	m.subject = r->subject;
	m.flags = r->flags;
	m.size = r->size;
	m.date = r->date;
	m.tagged = r->tagged;
	return pattern_match(arg, &m);
}

/* A folder to work on; if there is none, say so. */
static int
index_pattern_has_folder(struct ui *ui)
{
	if (ui->open.account != NULL && ui->open.model != NULL)
		return 1;
	ui_error(ui, _("No folder is open."));
	return 0;
}

/* text as a pattern, or NULL with the reason on the message line. */
static struct pattern *
index_pattern_parse(struct ui *ui, const char *text)
{
	struct pattern	*p;
	char		*error;

	if (pattern_parse(text, (int64_t)time(NULL), &p, &error) ==
	    PATTERN_OK)
		return p;
	ui_error(ui, _("Bad pattern: %s"), error);
	free(error);
	return NULL;
}

/* A row under the server's limit: its UID is in the answer. */
static int
index_pattern_uid_match(const struct model_row *r, void *arg)
{
	const struct view_open	*o = arg;
	size_t			 lo = 0, hi = o->nlimit_uids, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (o->limit_uids[mid] == r->uid)
			return 1;
		if (o->limit_uids[mid] < r->uid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

static int
index_pattern_uid_cmp(const void *a, const void *b)
{
	uint32_t	x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* Replies to the limit's UID SEARCH: the server's answer becomes the
 * limit, if the limit is still the one it was asked for. */
static void
index_pattern_search_reply(struct account *a, struct msg *m, void *arg)
{
	struct view_account	*va = arg;
	struct ui		*ui = va->ui;
	struct view_open	*o = &ui->open;
	uint32_t		 n, i, code;
	char			*text = NULL;
	size_t			 shown;

	if (ui_account_common(va, m))
		return;
	if (o->account != va || o->search_request != msg_id(m))
		return;
	switch (msg_type(m)) {
	case MSG_EV_SEARCH:
		if (msg_get_u32(m, &n) != MSG_OK || n > BACKEND_MAX_UIDS)
			return;
		free(o->limit_uids);
		o->limit_uids = xreallocarray(NULL, n > 0 ? n : 1,
		    sizeof *o->limit_uids);
		for (i = 0; i < n; i++) {
			if (msg_get_u32(m, &o->limit_uids[i]) != MSG_OK)
				break;
		}
		o->nlimit_uids = i;
		qsort(o->limit_uids, o->nlimit_uids, sizeof *o->limit_uids,
		    index_pattern_uid_cmp);
		o->limit_server = 1;
		shown = model_folder_limit(o->model, index_pattern_uid_match,
		    o);
		ui_message(ui, ngettext("%zu message matches %s (server).",
		    "%zu messages match %s (server).", shown), shown,
		    o->limit_text != NULL ? o->limit_text : "");
		ui->dirty |= VIEW_DIRTY_INDEX | VIEW_DIRTY_STATUS;
		break;
	case MSG_ERROR:
		if (msg_get_u32(m, &code) == MSG_OK &&
		    msg_get_str(m, &text) == MSG_OK && text != NULL)
			ui_message(ui, _("Server search: %s"), text);
		free(text);
		break;
	default:
		break;
	}
	if (msg_is_final(m))
		o->search_request = 0;
	(void)a;
}

/* Ask the server too, where it can search (IMAP, online). */
static int
index_pattern_ask_server(struct ui *ui, const char *text)
{
	struct view_open	*o = &ui->open;
	struct msg		*m;

	if (o->account->worker == NULL || o->account->offline ||
	    o->account->config->protocol != CONFIG_PROTOCOL_IMAP)
		return 0;
	m = msg_new(MSG_REQ_SEARCH, 0);
	msg_add_str(m, o->folder);
	msg_add_str(m, text);
	o->search_request = account_request(o->account->worker, m,
	    index_pattern_search_reply, o->account, 0);
	return 1;
}

/* The server's answer no longer holds (a new limit, another folder). */
static void
index_pattern_forget_server(struct view_open *o)
{
	free(o->limit_uids);
	o->limit_uids = NULL;
	o->nlimit_uids = 0;
	o->limit_server = 0;
	o->search_request = 0;
}

void
view_index_pattern_limit(struct ui *ui, const char *text)
{
	struct view_open	*o = &ui->open;
	struct pattern		*p;
	size_t			 n;

	if (!index_pattern_has_folder(ui) ||
	    (p = index_pattern_parse(ui, text)) == NULL)
		return;
	index_pattern_forget_server(o);
	if (!pattern_is_all(p) && pattern_needs_server(p)) {
		/* The body is on the server: only it can answer. */
		if (!index_pattern_ask_server(ui, text)) {
			pattern_free(p);
			ui_error(ui, _("%s needs the server, which cannot "
			    "search now."), text);
			return;
		}
		pattern_free(o->limit);
		free(o->limit_text);
		o->limit = p;
		o->limit_text = xstrdup(text);
		ui_message(ui, _("Searching the server for %s..."), text);
		ui->dirty |= VIEW_DIRTY_STATUS;
		return;
	}
	if (pattern_is_all(p)) {
		pattern_free(p);
		view_index_pattern_reset(ui);
		ui_message(ui, _("No limit: every message is shown."));
	} else if (model_folder_total(o->model) > 0 &&
	    model_folder_matches(o->model, index_pattern_match, p) == 0 &&
	    !index_pattern_ask_server(ui, text)) {
		/* As mutt: a limit to nothing would only hide the folder. */
		pattern_free(p);
		ui_error(ui, _("No messages match %s; the index is as it "
		    "was."), text);
		return;
	} else {
		n = model_folder_limit(o->model, index_pattern_match, p);
		pattern_free(o->limit);
		free(o->limit_text);
		o->limit = p;
		o->limit_text = xstrdup(text);
		ui_message(ui, ngettext("%zu message matches %s.",
		    "%zu messages match %s.", n), n, text);
		/* The mirror may not hold every message: the server's
		 * answer replaces this one when it comes. */
		index_pattern_ask_server(ui, text);
	}
	ui->dirty |= VIEW_DIRTY_INDEX | VIEW_DIRTY_STATUS;
}

/* Move to the next match of the last search; say where it went. */
static void
index_pattern_find(struct ui *ui, int backward)
{
	struct view_open	*o = &ui->open;
	struct pattern		*p;
	size_t			 found;
	int			 wrapped;

	if (!index_pattern_has_folder(ui))
		return;
	if (ui->search == NULL) {
		ui_message(ui, _("No search yet: / searches."));
		return;
	}
	if ((p = index_pattern_parse(ui, ui->search)) == NULL)
		return;
	if (!model_folder_search(o->model, model_folder_selected(o->model),
	    backward, index_pattern_match, p, &found, &wrapped))
		ui_error(ui, _("Not found: %s"), ui->search);
	else {
		model_folder_select(o->model, found);
		if (wrapped)
			ui_message(ui, "%s", backward ?
			    _("Search wrapped to bottom.") :
			    _("Search wrapped to top."));
		ui->dirty |= VIEW_DIRTY_INDEX;
	}
	pattern_free(p);
}

void
view_index_pattern_search(struct ui *ui, const char *text, int backward)
{
	if (*text == '\0')
		return;
	free(ui->search);
	ui->search = xstrdup(text);
	ui->search_backward = backward;
	index_pattern_find(ui, backward);
}

void
view_index_pattern_tag(struct ui *ui, const char *text, int on)
{
	struct pattern	*p;
	size_t		 n;

	if (!index_pattern_has_folder(ui) ||
	    (p = index_pattern_parse(ui, text)) == NULL)
		return;
	n = model_folder_tag_matching(ui->open.model, index_pattern_match, p,
	    on);
	pattern_free(p);
	if (on)
		ui_message(ui, ngettext("Tagged %zu message.",
		    "Tagged %zu messages.", n), n);
	else
		ui_message(ui, ngettext("Untagged %zu message.",
		    "Untagged %zu messages.", n), n);
	ui->dirty |= VIEW_DIRTY_INDEX | VIEW_DIRTY_STATUS;
}

static void
index_pattern_limit_entered(struct ui *ui, const char *line, void *arg)
{
	view_index_pattern_limit(ui, line);
	(void)arg;
}

static void
index_pattern_search_entered(struct ui *ui, const char *line, void *arg)
{
	view_index_pattern_search(ui, line, 0);
	(void)arg;
}

static void
index_pattern_tag_entered(struct ui *ui, const char *line, void *arg)
{
	if (*line != '\0')
		view_index_pattern_tag(ui, line, 1);
	(void)arg;
}

static void
index_pattern_untag_entered(struct ui *ui, const char *line, void *arg)
{
	if (*line != '\0')
		view_index_pattern_tag(ui, line, 0);
	(void)arg;
}

/* t: the tag on or off, then the next message (mutt's resolve). */
static void
index_pattern_tag_entry(struct ui *ui)
{
	struct view_open	*o = &ui->open;
	const struct model_row	*r;

	if ((r = model_folder_row(o->model,
	    model_folder_selected(o->model))) == NULL) {
		ui_message(ui, _("No message to tag."));
		return;
	}
	model_folder_tag(o->model, r->uid, !r->tagged);
	model_folder_move(o->model, 1);
	ui->dirty |= VIEW_DIRTY_INDEX | VIEW_DIRTY_STATUS;
}

int
view_index_pattern_key(struct ui *ui, int action)
{
	size_t	n;

	switch (action) {
	case KEYS_ACTION_LIMIT:
		prompt_line_start(ui, _("Limit to messages matching: "), NULL,
		    index_pattern_limit_entered, NULL);
		return 1;
	case KEYS_ACTION_SEARCH:
		prompt_line_start(ui, _("Search for: "), NULL,
		    index_pattern_search_entered, NULL);
		return 1;
	case KEYS_ACTION_SEARCH_NEXT:
		index_pattern_find(ui, ui->search_backward);
		return 1;
	case KEYS_ACTION_SEARCH_OPPOSITE:
		index_pattern_find(ui, !ui->search_backward);
		return 1;
	case KEYS_ACTION_TAG_ENTRY:
		index_pattern_tag_entry(ui);
		return 1;
	case KEYS_ACTION_TAG_PATTERN:
		prompt_line_start(ui, _("Tag messages matching: "), NULL,
		    index_pattern_tag_entered, NULL);
		return 1;
	case KEYS_ACTION_UNTAG_PATTERN:
		prompt_line_start(ui, _("Untag messages matching: "), NULL,
		    index_pattern_untag_entered, NULL);
		return 1;
	case KEYS_ACTION_TAG_PREFIX:
		if ((n = model_folder_tagged(ui->open.model)) == 0) {
			ui_message(ui, _("No tagged messages."));
			return 1;
		}
		ui->tag_prefix = 1;
		ui_message(ui, ngettext("tag-prefix: the next action is for "
		    "the %zu tagged message.", "tag-prefix: the next action "
		    "is for the %zu tagged messages.", n), n);
		return 1;
	}
	return 0;
}

/* ;t: every tagged message untagged (mutt's ;t toggles them all off). */
static void
index_tagged_untag(struct ui *ui, const uint32_t *uids, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		model_folder_tag(ui->open.model, uids[i], 0);
	ui_message(ui, ngettext("Untagged %zu message.",
	    "Untagged %zu messages.", n), n);
	ui->dirty |= VIEW_DIRTY_INDEX | VIEW_DIRTY_STATUS;
}

/*
 * The actions that have a form for the tagged messages: each gets their
 * uids as shown (mutt applies ; to the tagged messages the limit shows).
 * Flags, moves and deletes are view-index-change.c's.
 */
static const struct {
	enum keys_action	 action;
	void			(*apply)(struct ui *, const uint32_t *,
				    size_t);
} index_tagged_actions[] = {
	{ KEYS_ACTION_TAG_ENTRY, index_tagged_untag },
};

void
view_index_pattern_tagged(struct ui *ui, int action)
{
	uint32_t	*uids;
	size_t		 i, n;

	/* Esc, ^G, an unbound key or ; again: nothing happens. */
	if (action == KEYS_ACTION_NONE || action == KEYS_ACTION_CANCEL ||
	    action == KEYS_ACTION_TAG_PREFIX || action == KEYS_ACTION_COUNT)
		return;
	if (!index_pattern_has_folder(ui))
		return;
	for (i = 0; i < sizeof index_tagged_actions /
	    sizeof index_tagged_actions[0]; i++) {
		if ((int)index_tagged_actions[i].action != action)
			continue;
		uids = model_folder_tagged_uids(ui->open.model, &n);
		if (n == 0)
			ui_message(ui, _("No tagged message is shown."));
		else
			index_tagged_actions[i].apply(ui, uids, n);
		free(uids);
		return;
	}
	/* Flags, deletes, moves: the change module's. */
	uids = model_folder_tagged_uids(ui->open.model, &n);
	if (n > 0 && view_index_change_apply(ui, action, uids, n)) {
		free(uids);
		return;
	}
	free(uids);
	ui_error(ui, _(";%s: not available for tagged messages."),
	    keys_action_name(action));
}

void
view_index_pattern_reset(struct ui *ui)
{
	struct view_open	*o = &ui->open;

	if (o->model != NULL)
		model_folder_limit(o->model, NULL, NULL);
	index_pattern_forget_server(o);
	pattern_free(o->limit);
	free(o->limit_text);
	o->limit = NULL;
	o->limit_text = NULL;
	ui->tag_prefix = 0;
}

/* At the end: the model is gone already, and with it the limit's use. */
void
view_index_pattern_free(struct ui *ui)
{
	pattern_free(ui->open.limit);
	free(ui->open.limit_text);
	ui->open.limit = NULL;
	ui->open.limit_text = NULL;
	index_pattern_forget_server(&ui->open);
}
