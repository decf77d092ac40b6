/* shell: a small POSIX-shell tokenizer for the commands of RUN instructions
 * and image history. It does not run or expand anything: it splits a script
 * into simple commands (at &&, ||, |, ;, &, newlines, parentheses), each a
 * list of words with quotes removed and $VAR / $(…) / `…` left as written,
 * and drops redirections, comments and here-document bodies. Rules then look
 * at program names and their arguments instead of grepping raw text, so that
 * `echo "apt-get update"` is not an apt-get call and `sudo\tapt-get` is.
 *
 * Any input is accepted: unterminated quotes end at the end of the text. */
#ifndef VIGIL_MISCONF_SHELL_H
#define VIGIL_MISCONF_SHELL_H

#include <stdbool.h>
#include <stddef.h>

enum sh_op {
	SH_END = 0, /* last command of the script */
	SH_SEQ,     /* ; newline ( ) */
	SH_AND,     /* && */
	SH_OR,      /* || */
	SH_PIPE,    /* | or |& */
	SH_BG,      /* & */
};

struct sh_cmd {
	char **argv;
	size_t argc;
	enum sh_op op; /* the operator after this command */
};

struct sh_script {
	struct sh_cmd *cmds;
	size_t n, cap;
};

void sh_parse(const char *s, size_t len, struct sh_script *out);
void sh_script_free(struct sh_script *s);

/* Index of the word naming the program a command really runs, skipping
 * leading VAR=value assignments and wrappers (sudo, env, command, exec,
 * nice, nohup, time, timeout, stdbuf) with their options; argc when none.
 * *via_sudo is set when sudo (or doas) was one of the wrappers. */
size_t sh_program(const struct sh_cmd *c, bool *via_sudo);
/* Basename of a program word ("/usr/bin/apt-get" -> "apt-get"). */
const char *sh_basename(const char *w);

#endif
