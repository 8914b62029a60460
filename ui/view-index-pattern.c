/* view-index-pattern: the index's limit (l), search (/ and n) and tags (t,
 * T and ^T), with their patterns typed on the bottom line, and the tag
 * prefix (;) that gives the next action the tagged messages. Patterns are
 * pattern.c's; the rows they pick, model-folder.c's. */
#include "auto-config.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core.h"
#include "keys.h"
#include "model-folder.h"
#include "pattern.h"
#include "view.h"

/* A row as a pattern sees it. */
static int
index_pattern_match(const struct model_row *r, void *arg)
{
	struct pattern_message	m;

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

void
view_index_pattern_limit(struct ui *ui, const char *text)
{
	struct view_open	*o = &ui->open;
	struct pattern		*p;
	size_t			 n;

	if (!index_pattern_has_folder(ui) ||
	    (p = index_pattern_parse(ui, text)) == NULL)
		return;
	if (pattern_is_all(p)) {
		pattern_free(p);
		view_index_pattern_reset(ui);
		ui_message(ui, _("No limit: every message is shown."));
	} else if (model_folder_total(o->model) > 0 &&
	    model_folder_matches(o->model, index_pattern_match, p) == 0) {
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
 * Flags, moves and deletes join this table when the index has them.
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
	ui_error(ui, _(";%s: not available for tagged messages."),
	    keys_action_name(action));
}

void
view_index_pattern_reset(struct ui *ui)
{
	struct view_open	*o = &ui->open;

	if (o->model != NULL)
		model_folder_limit(o->model, NULL, NULL);
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
}
