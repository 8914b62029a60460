/* cmd-question: a worker's question (password, certificate, confirmation)
 * asked on the terminal by the commands that run without the interface;
 * with no terminal, nobody is asked and the answer is empty. */
#include "auto-config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "account.h"
#include "backend.h"
#include "cmd.h"
#include "core.h"
#include "msg.h"
#include "view.h"

/* One line from the terminal, without echo for a secret; NULL when there
 * is no terminal. */
static char *
cmd_question_read(const char *question, int secret)
{
	struct termios	 old, quiet;
	char		 buf[1024];
	int		 restore = 0;

	if (!isatty(STDIN_FILENO))
		return NULL;
	fprintf(stderr, "%s ", question);
	fflush(stderr);
	if (secret && tcgetattr(STDIN_FILENO, &old) == 0) {
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		restore = tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet) == 0;
	}
	if (fgets(buf, sizeof buf, stdin) == NULL)
		buf[0] = '\0';
	if (restore) {
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
		fputc('\n', stderr);
	}
	buf[strcspn(buf, "\r\n")] = '\0';
	return xstrdup(buf);
}

void
cmd_question(struct account *worker, const char *name, struct msg *m)
{
	uint32_t	 qid, kind;
	const char	*choice;
	char		*text = NULL, *answer;

	if (msg_get_u32(m, &qid) != MSG_OK || msg_get_u32(m, &kind) != MSG_OK ||
	    msg_get_str(m, &text) != MSG_OK)
		return;
	answer = cmd_question_read(text, kind == BACKEND_QUESTION_PASSWORD);
	if (answer == NULL) {
		fprintf(stderr, _("%s: %s\n(not asked: no terminal)\n"), name,
		    text);
		answer = xstrdup("");
	} else if (kind == BACKEND_QUESTION_CONFIRM ||
	    kind == BACKEND_QUESTION_CERTIFICATE) {
		/* The worker takes "yes", "once" and so on, not the letter
		 * the question names in the user's language. */
		choice = prompt_choice(kind, (unsigned char)answer[0]);
		free(answer);
		answer = xstrdup(choice != NULL ? choice : "no");
	}
	account_answer(worker, qid, answer);
	explicit_bzero(answer, strlen(answer));
	free(answer);
	free(text);
}
