/* shell: tokenizer for RUN commands; see shell.h. */
#include "misconf/shell.h"

#include "util/util.h"

#include <stdlib.h>
#include <string.h>

struct words {
	char **v;
	size_t n, cap;
};

static void words_push(struct words *w, char *s)
{
	xgrow((void **)&w->v, &w->cap, w->n + 1, sizeof *w->v);
	w->v[w->n++] = s;
}

static void words_free(struct words *w)
{
	for (size_t i = 0; i < w->n; i++)
		free(w->v[i]);
	free(w->v);
	memset(w, 0, sizeof *w);
}

/* Reserved words that may start a command without being its program: they
 * are dropped so that `if apt-get update; then …` sees apt-get. */
static bool is_leading_keyword(const char *w)
{
	static const char *const kw[] = {"if", "then", "else", "elif", "do", "while", "until", "!", "{", "}", "fi",
					 "done", "esac"};
	for (size_t i = 0; i < ARRAY_LEN(kw); i++)
		if (!strcmp(w, kw[i]))
			return true;
	return false;
}

static void end_command(struct sh_script *out, struct words *w, enum sh_op op)
{
	size_t skip = 0;
	while (skip < w->n && is_leading_keyword(w->v[skip]))
		skip++;
	if (skip == w->n) {
		/* Nothing but keywords: a pipe or && after them still belongs to
		 * the previous command's chain for our purposes. */
		if (out->n && op != SH_SEQ && op != SH_END)
			out->cmds[out->n - 1].op = op;
		words_free(w);
		return;
	}
	xgrow((void **)&out->cmds, &out->cap, out->n + 1, sizeof *out->cmds);
	struct sh_cmd *c = &out->cmds[out->n++];
	c->argc = w->n - skip;
	c->argv = xcalloc(c->argc + 1, sizeof *c->argv);
	for (size_t i = 0; i < c->argc; i++)
		c->argv[i] = w->v[skip + i];
	for (size_t i = 0; i < skip; i++)
		free(w->v[i]);
	free(w->v);
	memset(w, 0, sizeof *w);
	c->op = op;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

static bool is_operator(char c)
{
	return c == ';' || c == '&' || c == '|' || c == '(' || c == ')' || c == '<' || c == '>' || c == '\n';
}

/* Copies a $( … ) or $(( … )) substitution starting at s[*i] == '$' verbatim,
 * balancing parentheses outside quotes. */
static void copy_paren_subst(const char *s, size_t n, size_t *i, struct buf *b)
{
	size_t j = *i + 1; /* at '(' */
	int depth = 0;
	for (; j < n; j++) {
		char c = s[j];
		if (c == '\\' && j + 1 < n) {
			j++;
			continue;
		}
		if (c == '\'') {
			const char *q = memchr(s + j + 1, '\'', n - j - 1);
			j = q ? (size_t)(q - s) : n - 1;
			continue;
		}
		if (c == '"') {
			for (j++; j < n && s[j] != '"'; j++)
				if (s[j] == '\\')
					j++;
			continue;
		}
		if (c == '(')
			depth++;
		else if (c == ')' && --depth == 0)
			break;
	}
	size_t end = j < n ? j + 1 : n;
	buf_append(b, s + *i, end - *i);
	*i = end;
}

/* Copies ${ … } or `…` verbatim. */
static void copy_until(const char *s, size_t n, size_t *i, size_t start_skip, char close, struct buf *b)
{
	size_t j = *i + start_skip;
	for (; j < n && s[j] != close; j++)
		if (s[j] == '\\' && j + 1 < n)
			j++;
	size_t end = j < n ? j + 1 : n;
	buf_append(b, s + *i, end - *i);
	*i = end;
}

/* Reads one word at s[*i] (not blank, not an operator). Quotes are removed;
 * expansions are kept as written. Returns false when nothing was read. */
static bool read_word(const char *s, size_t n, size_t *i, struct buf *b, bool *quoted)
{
	size_t start = *i;
	while (*i < n) {
		char c = s[*i];
		if (is_blank(c) || is_operator(c))
			break;
		if (c == '\\') {
			if (*i + 1 < n) {
				if (s[*i + 1] != '\n')
					buf_append(b, s + *i + 1, 1);
				*i += 2;
			} else {
				(*i)++;
			}
			continue;
		}
		if (c == '\'') {
			*quoted = true;
			const char *q = memchr(s + *i + 1, '\'', n - *i - 1);
			size_t end = q ? (size_t)(q - s) : n;
			buf_append(b, s + *i + 1, end - *i - 1);
			*i = q ? end + 1 : n;
			continue;
		}
		if (c == '"') {
			*quoted = true;
			(*i)++;
			while (*i < n && s[*i] != '"') {
				char d = s[*i];
				if (d == '\\' && *i + 1 < n && strchr("$`\"\\\n", s[*i + 1])) {
					if (s[*i + 1] != '\n')
						buf_append(b, s + *i + 1, 1);
					*i += 2;
				} else if (d == '$' && *i + 1 < n && s[*i + 1] == '(') {
					copy_paren_subst(s, n, i, b);
				} else if (d == '$' && *i + 1 < n && s[*i + 1] == '{') {
					copy_until(s, n, i, 2, '}', b);
				} else if (d == '`') {
					copy_until(s, n, i, 1, '`', b);
				} else {
					buf_append(b, &d, 1);
					(*i)++;
				}
			}
			if (*i < n)
				(*i)++;
			continue;
		}
		if (c == '$' && *i + 1 < n && s[*i + 1] == '(') {
			copy_paren_subst(s, n, i, b);
			continue;
		}
		if (c == '$' && *i + 1 < n && s[*i + 1] == '{') {
			copy_until(s, n, i, 2, '}', b);
			continue;
		}
		if (c == '`') {
			copy_until(s, n, i, 1, '`', b);
			continue;
		}
		buf_append(b, &c, 1);
		(*i)++;
	}
	return *i > start;
}

struct heredoc_pending {
	char *delim;
	bool strip_tabs;
};

/* After a newline: skips the bodies of the here-documents opened on the
 * line just ended, each up to its delimiter line. */
static void skip_heredoc_bodies(const char *s, size_t n, size_t *i, struct heredoc_pending *hd, size_t nhd)
{
	for (size_t k = 0; k < nhd; k++) {
		while (*i < n) {
			const char *nl = memchr(s + *i, '\n', n - *i);
			size_t end = nl ? (size_t)(nl - s) : n;
			size_t a = *i;
			if (hd[k].strip_tabs)
				while (a < end && s[a] == '\t')
					a++;
			size_t len = end - a;
			if (len && s[end - 1] == '\r')
				len--;
			bool done = len == strlen(hd[k].delim) && !memcmp(s + a, hd[k].delim, len);
			*i = nl ? end + 1 : n;
			if (done)
				break;
		}
	}
}

void sh_parse(const char *s, size_t n, struct sh_script *out)
{
	memset(out, 0, sizeof *out);
	struct words w = {0};
	struct heredoc_pending hd[8];
	size_t nhd = 0;
	size_t i = 0;
	/* Where the last word ended and whether it was all digits: "2>&1". */
	size_t last_end = (size_t)-1;
	bool last_digits = false;
	while (i < n) {
		char c = s[i];
		if (is_blank(c)) {
			i++;
			continue;
		}
		if (c == '\\' && i + 1 < n && s[i + 1] == '\n') {
			i += 2;
			continue;
		}
		if (c == '#') {
			/* A comment only at the start of a word: we are at one. */
			const char *nl = memchr(s + i, '\n', n - i);
			i = nl ? (size_t)(nl - s) : n;
			continue;
		}
		if (c == '\n') {
			end_command(out, &w, SH_SEQ);
			i++;
			skip_heredoc_bodies(s, n, &i, hd, nhd);
			for (size_t k = 0; k < nhd; k++)
				free(hd[k].delim);
			nhd = 0;
			continue;
		}
		if (c == ';' || c == '(' || c == ')') {
			end_command(out, &w, SH_SEQ);
			i += (c == ';' && i + 1 < n && s[i + 1] == ';') ? 2 : 1;
			continue;
		}
		if (c == '&' && !(i + 1 < n && s[i + 1] == '>')) {
			bool two = i + 1 < n && s[i + 1] == '&';
			end_command(out, &w, two ? SH_AND : SH_BG);
			i += two ? 2 : 1;
			continue;
		}
		if (c == '|') {
			bool two = i + 1 < n && s[i + 1] == '|';
			end_command(out, &w, two ? SH_OR : SH_PIPE);
			i += (two || (i + 1 < n && s[i + 1] == '&')) ? 2 : 1;
			continue;
		}
		if ((c == '<' || c == '>') && i + 1 < n && s[i + 1] == '(') {
			/* Process substitution <(…) / >(…): one word, kept as written. */
			struct buf b = {0};
			copy_paren_subst(s, n, &i, &b);
			words_push(&w, buf_steal(&b));
			last_end = (size_t)-1;
			continue;
		}
		if (c == '<' || c == '>' || c == '&') {
			/* A redirection: drop a file-descriptor number glued to it and
			 * the word it names; a here-document's delimiter is kept to skip
			 * its body after the line ends. */
			if (last_end == i && last_digits && w.n) {
				free(w.v[--w.n]);
			}
			bool heredoc = false, strip = false, dup = false;
			if (c == '<' && i + 2 < n && s[i + 1] == '<' && s[i + 2] == '<') {
				i += 3; /* here-string: its word follows */
			} else if (c == '<' && i + 1 < n && s[i + 1] == '<') {
				heredoc = true;
				i += 2;
				if (i < n && s[i] == '-') {
					strip = true;
					i++;
				}
			} else {
				i++; /* < > & */
				if (i < n && (s[i] == '>' || s[i] == '|'))
					i++;
				if (i < n && s[i] == '&') {
					dup = true;
					i++;
				}
			}
			(void)dup;
			while (i < n && is_blank(s[i]))
				i++;
			struct buf b = {0};
			bool quoted = false;
			if (i < n && !is_operator(s[i]))
				read_word(s, n, &i, &b, &quoted);
			if (heredoc && b.len && nhd < ARRAY_LEN(hd)) {
				hd[nhd].delim = buf_steal(&b);
				hd[nhd].strip_tabs = strip;
				nhd++;
			}
			buf_free(&b);
			last_end = (size_t)-1;
			continue;
		}
		struct buf b = {0};
		bool quoted = false;
		size_t start = i;
		read_word(s, n, &i, &b, &quoted);
		last_digits = !quoted && b.len > 0 && strspn((char *)b.data, "0123456789") == b.len;
		last_end = i;
		if (i == start) { /* cannot happen: guard against a stuck loop */
			i++;
			buf_free(&b);
			continue;
		}
		if (b.len || quoted)
			words_push(&w, b.len ? buf_steal(&b) : xstrdup(""));
		buf_free(&b);
	}
	end_command(out, &w, SH_END);
	for (size_t k = 0; k < nhd; k++)
		free(hd[k].delim);
	if (out->n)
		out->cmds[out->n - 1].op = SH_END;
}

void sh_script_free(struct sh_script *s)
{
	for (size_t i = 0; i < s->n; i++) {
		for (size_t j = 0; j < s->cmds[i].argc; j++)
			free(s->cmds[i].argv[j]);
		free(s->cmds[i].argv);
	}
	free(s->cmds);
	memset(s, 0, sizeof *s);
}

const char *sh_basename(const char *w)
{
	const char *slash = strrchr(w, '/');
	return slash ? slash + 1 : w;
}

static bool is_assignment(const char *w)
{
	if (!(*w == '_' || (*w >= 'A' && *w <= 'Z') || (*w >= 'a' && *w <= 'z')))
		return false;
	size_t k = strspn(w, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_");
	return w[k] == '=';
}

/* Options of a wrapper that take the next word as their value. */
static bool takes_value(const char *prog, const char *opt)
{
	static const char *const sudo_v[] = {"-u", "-g", "-p", "-C", "-D", "-r", "-t", "-U", "-T", "-h", "-R"};
	static const char *const env_v[] = {"-u", "-C", "-S", "--unset", "--chdir", "--split-string"};
	static const char *const nice_v[] = {"-n", "--adjustment"};
	static const char *const timeout_v[] = {"-s", "-k", "--signal", "--kill-after"};
	static const char *const stdbuf_v[] = {"-i", "-o", "-e"};
	const char *const *t = NULL;
	size_t k = 0;
	if (!strcmp(prog, "sudo") || !strcmp(prog, "doas")) {
		t = sudo_v;
		k = ARRAY_LEN(sudo_v);
	} else if (!strcmp(prog, "env")) {
		t = env_v;
		k = ARRAY_LEN(env_v);
	} else if (!strcmp(prog, "nice")) {
		t = nice_v;
		k = ARRAY_LEN(nice_v);
	} else if (!strcmp(prog, "timeout")) {
		t = timeout_v;
		k = ARRAY_LEN(timeout_v);
	} else if (!strcmp(prog, "stdbuf")) {
		t = stdbuf_v;
		k = ARRAY_LEN(stdbuf_v);
	}
	for (size_t i = 0; i < k; i++)
		if (!strcmp(opt, t[i]))
			return true;
	return false;
}

size_t sh_program(const struct sh_cmd *c, bool *via_sudo)
{
	static const char *const wrappers[] = {"sudo", "doas",  "env",     "command", "exec",
					       "nice", "nohup", "timeout", "stdbuf",  "time"};
	if (via_sudo)
		*via_sudo = false;
	size_t i = 0;
	while (i < c->argc) {
		const char *w = c->argv[i];
		if (is_assignment(w)) {
			i++;
			continue;
		}
		const char *base = sh_basename(w);
		bool wrapper = false;
		for (size_t k = 0; k < ARRAY_LEN(wrappers); k++)
			if (!strcmp(base, wrappers[k]))
				wrapper = true;
		if (!wrapper)
			return i;
		if (via_sudo && (!strcmp(base, "sudo") || !strcmp(base, "doas")))
			*via_sudo = true;
		i++;
		bool is_timeout = !strcmp(base, "timeout");
		while (i < c->argc) {
			const char *o = c->argv[i];
			if (!strcmp(o, "--")) {
				i++;
				break;
			}
			if (o[0] == '-' && o[1]) {
				i += takes_value(base, o) ? 2 : 1;
				continue;
			}
			if (!strcmp(base, "env") && is_assignment(o)) {
				i++;
				continue;
			}
			break;
		}
		if (is_timeout && i < c->argc)
			i++; /* the duration */
	}
	return c->argc;
}
