/* dockerfile: parser; see dockerfile.h. The structure follows BuildKit's
 * parser.Parse (lines → logical lines → nodes) and instructions.Parse
 * (nodes → typed instructions, stages, substitution) so that what Docker
 * accepts parses here the same way and what it rejects is an error here. */
#include "misconf/dockerfile.h"

#include <ctype.h>
#include <fnmatch.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Limits against hostile input: substitution can double a value per
 * instruction (ENV A=$A$A), and ${…} nests. */
#define MAX_EXPANDED (1u << 20)
#define MAX_NESTING 64
/* Glob trimming (${V#pat}) is quadratic in the value; longer values are
 * left as they are and marked unresolved. */
#define MAX_GLOB_VALUE 1024

/* ---------- small string vectors ---------------------------------------- */

struct strv {
	char **v;
	size_t n, cap;
};

static void strv_push(struct strv *s, char *p)
{
	xgrow((void **)&s->v, &s->cap, s->n + 1, sizeof *s->v);
	s->v[s->n++] = p;
}

static void strv_free(struct strv *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
	memset(s, 0, sizeof *s);
}

/* ---------- variables ---------------------------------------------------- */

struct var {
	char *name;
	char *value; /* NULL: declared (ARG without value) but unset */
};

struct env {
	struct var *v;
	size_t n, cap;
};

static struct var *env_find(const struct env *env, const char *name)
{
	for (size_t i = 0; i < env->n; i++)
		if (!strcmp(env->v[i].name, name))
			return &env->v[i];
	return NULL;
}

static void env_set(struct env *env, const char *name, const char *value)
{
	struct var *x = env_find(env, name);
	if (!x) {
		xgrow((void **)&env->v, &env->cap, env->n + 1, sizeof *env->v);
		x = &env->v[env->n++];
		x->name = xstrdup(name);
		x->value = NULL;
	}
	free(x->value);
	x->value = value ? xstrdup(value) : NULL;
}

static void env_copy(struct env *dst, const struct env *src)
{
	for (size_t i = 0; i < src->n; i++)
		env_set(dst, src->v[i].name, src->v[i].value);
}

static void env_free(struct env *env)
{
	for (size_t i = 0; i < env->n; i++) {
		free(env->v[i].name);
		free(env->v[i].value);
	}
	free(env->v);
	memset(env, 0, sizeof *env);
}

/* ---------- substitution (BuildKit's shell lexer, ProcessWord) ----------- */

struct lex {
	const char *s;
	size_t n, i;
	char esc;
	const struct env *env;
	bool unresolved;
	int depth;
	struct err *e;
};

static int lex_until(struct lex *lx, char stop, bool raw_escapes, struct buf *out);

static bool name_char(char c)
{
	return isalnum((unsigned char)c) || c == '_';
}

static void lex_name(struct lex *lx, struct buf *name)
{
	if (lx->i < lx->n && isdigit((unsigned char)lx->s[lx->i])) {
		while (lx->i < lx->n && isdigit((unsigned char)lx->s[lx->i]))
			buf_append(name, &lx->s[lx->i++], 1);
		return;
	}
	if (lx->i < lx->n && strchr("@*#?-$!", lx->s[lx->i]) && lx->s[lx->i]) {
		buf_append(name, &lx->s[lx->i++], 1);
		return;
	}
	while (lx->i < lx->n && name_char(lx->s[lx->i]))
		buf_append(name, &lx->s[lx->i++], 1);
}

static const char *lookup(struct lex *lx, const char *name, bool *set)
{
	const struct var *v = env_find(lx->env, name);
	*set = v && v->value;
	if (!*set)
		lx->unresolved = true;
	return *set ? v->value : "";
}

/* Removes the shortest/longest prefix or suffix of value matching the glob
 * pattern, as ${V#p} ${V##p} ${V%p} ${V%%p}. */
static char *glob_trim(struct lex *lx, const char *value, const char *pat, bool suffix, bool greedy)
{
	size_t n = strlen(value);
	if (n > MAX_GLOB_VALUE) {
		lx->unresolved = true;
		return xstrdup(value);
	}
	char *tmp = xmalloc(n + 1);
	for (size_t k = 0; k <= n; k++) {
		size_t len = greedy ? n - k : k;
		if (suffix) {
			if (!fnmatch(pat, value + n - len, 0)) {
				free(tmp);
				return xstrndup(value, n - len);
			}
		} else {
			memcpy(tmp, value, len);
			tmp[len] = 0;
			if (!fnmatch(pat, tmp, 0)) {
				free(tmp);
				return xstrdup(value + len);
			}
		}
	}
	free(tmp);
	return xstrdup(value);
}

/* ${V/pat/repl} and ${V//pat/repl}: leftmost-longest glob matches. */
static char *glob_replace(struct lex *lx, const char *value, const char *pat, const char *repl, bool all)
{
	size_t n = strlen(value);
	if (n > MAX_GLOB_VALUE || !*pat) {
		if (n > MAX_GLOB_VALUE)
			lx->unresolved = true;
		return xstrdup(value);
	}
	struct buf out = {0};
	char *tmp = xmalloc(n + 1);
	size_t i = 0;
	bool done = false;
	while (i < n) {
		size_t match = 0;
		if (!done) {
			for (size_t len = n - i; len > 0; len--) {
				memcpy(tmp, value + i, len);
				tmp[len] = 0;
				if (!fnmatch(pat, tmp, 0)) {
					match = len;
					break;
				}
			}
		}
		if (match) {
			buf_append(&out, repl, strlen(repl));
			i += match;
			done = !all;
		} else {
			buf_append(&out, value + i, 1);
			i++;
		}
	}
	free(tmp);
	return buf_steal(&out);
}

static int lex_dollar(struct lex *lx, struct buf *out)
{
	lx->i++; /* '$' */
	if (lx->i >= lx->n || lx->s[lx->i] != '{') {
		struct buf name = {0};
		lex_name(lx, &name);
		if (!name.len) {
			buf_append(out, "$", 1);
			return 0;
		}
		bool set;
		const char *v = lookup(lx, (char *)name.data, &set);
		buf_append(out, v, strlen(v));
		buf_free(&name);
		return 0;
	}
	lx->i++; /* '{' */
	if (lx->i >= lx->n) {
		err_set(lx->e, "syntax error: missing '}'");
		return -1;
	}
	char c = lx->s[lx->i];
	if (c == '{' || c == '}' || c == ':') {
		err_set(lx->e, "syntax error: bad substitution");
		return -1;
	}
	if (++lx->depth > MAX_NESTING) {
		err_set(lx->e, "substitutions nested more than %d deep", MAX_NESTING);
		return -1;
	}
	struct buf name = {0};
	lex_name(lx, &name);
	const char *nm = name.data ? (char *)name.data : "";
	int rc = 0;
	if (lx->i >= lx->n) {
		err_set(lx->e, "syntax error: missing '}'");
		rc = -1;
		goto out;
	}
	char ch = lx->s[lx->i++];
	bool set;
	if (ch == '}') {
		const char *v = lookup(lx, nm, &set);
		buf_append(out, v, strlen(v));
		goto out;
	}
	bool colon = false;
	if (ch == ':') {
		colon = true;
		if (lx->i >= lx->n) {
			err_set(lx->e, "syntax error: missing '}'");
			rc = -1;
			goto out;
		}
		ch = lx->s[lx->i++];
	}
	if (ch == '+' || ch == '-' || ch == '?' || ch == '#' || ch == '%') {
		bool raw = ch == '#' || ch == '%';
		if (colon && raw) {
			err_set(lx->e, "unsupported modifier (:%c) in substitution", ch);
			rc = -1;
			goto out;
		}
		struct buf word = {0};
		if (lex_until(lx, '}', raw, &word)) {
			buf_free(&word);
			rc = -1;
			goto out;
		}
		const char *w = word.data ? (char *)word.data : "";
		const struct var *var = env_find(lx->env, nm);
		set = var && var->value;
		const char *value = set ? var->value : "";
		bool empty_or_unset = !set || (colon && !*value);
		switch (ch) {
		case '-':
			if (empty_or_unset)
				buf_append(out, w, strlen(w));
			else
				buf_append(out, value, strlen(value));
			break;
		case '+':
			if (!empty_or_unset)
				buf_append(out, w, strlen(w));
			break;
		case '?':
			/* Docker fails the build when unset; a build arg may set it,
			 * which a linter cannot know. */
			if (!set)
				lx->unresolved = true;
			buf_append(out, value, strlen(value));
			break;
		default: {
			if (!set)
				lx->unresolved = true;
			bool greedy = *w == ch;
			char *r = glob_trim(lx, value, greedy ? w + 1 : w, ch == '%', greedy);
			buf_append(out, r, strlen(r));
			free(r);
		}
		}
		buf_free(&word);
		goto out;
	}
	if (ch == '/' && !colon) {
		bool all = lx->i < lx->n && lx->s[lx->i] == '/';
		if (all)
			lx->i++;
		struct buf pat = {0}, repl = {0};
		if (lex_until(lx, '/', true, &pat) || lex_until(lx, '}', false, &repl)) {
			buf_free(&pat);
			buf_free(&repl);
			rc = -1;
			goto out;
		}
		const char *v = lookup(lx, nm, &set);
		char *r = glob_replace(lx, v, pat.data ? (char *)pat.data : "", repl.data ? (char *)repl.data : "", all);
		buf_append(out, r, strlen(r));
		free(r);
		buf_free(&pat);
		buf_free(&repl);
		goto out;
	}
	err_set(lx->e, "unsupported modifier (%s%c) in substitution", colon ? ":" : "", ch);
	rc = -1;
out:
	buf_free(&name);
	lx->depth--;
	return rc;
}

/* Processes characters up to `stop` (consumed) or the end when stop is 0.
 * raw_escapes keeps escape characters (glob patterns). */
static int lex_until(struct lex *lx, char stop, bool raw_escapes, struct buf *out)
{
	while (lx->i < lx->n) {
		if (out->len > MAX_EXPANDED) {
			err_set(lx->e, "substitution result exceeds %u bytes", MAX_EXPANDED);
			return -1;
		}
		char c = lx->s[lx->i];
		if (stop && c == stop) {
			lx->i++;
			return 0;
		}
		if (c == lx->esc) {
			lx->i++;
			if (lx->i >= lx->n)
				break; /* an escape at the end is dropped */
			if (raw_escapes)
				buf_append(out, &c, 1);
			buf_append(out, &lx->s[lx->i++], 1);
			continue;
		}
		if (c == '\'') {
			const char *q = memchr(lx->s + lx->i + 1, '\'', lx->n - lx->i - 1);
			if (!q) {
				err_set(lx->e, "unexpected end of statement while looking for matching single-quote");
				return -1;
			}
			if (raw_escapes)
				buf_append(out, "'", 1);
			buf_append(out, lx->s + lx->i + 1, (size_t)(q - (lx->s + lx->i + 1)));
			if (raw_escapes)
				buf_append(out, "'", 1);
			lx->i = (size_t)(q - lx->s) + 1;
			continue;
		}
		if (c == '"') {
			lx->i++;
			if (raw_escapes)
				buf_append(out, "\"", 1);
			for (;;) {
				if (lx->i >= lx->n) {
					err_set(lx->e,
						"unexpected end of statement while looking for matching double-quote");
					return -1;
				}
				char d = lx->s[lx->i];
				if (d == '"') {
					lx->i++;
					break;
				}
				if (d == '$') {
					if (lex_dollar(lx, out))
						return -1;
					continue;
				}
				lx->i++;
				if (d == lx->esc && lx->i < lx->n &&
				    (lx->s[lx->i] == '"' || lx->s[lx->i] == '$' || lx->s[lx->i] == lx->esc))
					d = lx->s[lx->i++];
				buf_append(out, &d, 1);
			}
			if (raw_escapes)
				buf_append(out, "\"", 1);
			continue;
		}
		if (c == '$') {
			if (lex_dollar(lx, out))
				return -1;
			continue;
		}
		buf_append(out, &c, 1);
		lx->i++;
	}
	if (stop) {
		err_set(lx->e, "syntax error: missing '%c'", stop);
		return -1;
	}
	return 0;
}

/* ProcessWord: returns the substituted word or NULL with e set. */
static char *expand_word(const char *w, char esc, const struct env *env, bool *unresolved, struct err *e)
{
	struct lex lx = {.s = w, .n = strlen(w), .esc = esc, .env = env, .e = e};
	struct buf out = {0};
	if (lex_until(&lx, 0, false, &out)) {
		buf_free(&out);
		return NULL;
	}
	if (lx.unresolved && unresolved)
		*unresolved = true;
	return buf_steal(&out);
}

/* ---------- lines --------------------------------------------------------- */

struct line {
	const char *p;
	size_t n;
};

static bool ws(char c)
{
	return c == ' ' || c == '\t' || c == '\v' || c == '\f' || c == '\r';
}

static size_t skip_ws(const char *p, size_t n)
{
	size_t i = 0;
	while (i < n && ws(p[i]))
		i++;
	return i;
}

/* ---------- parser state -------------------------------------------------- */

struct parser {
	struct line *lines;
	size_t nlines, cur;
	char esc;
	struct dockerfile *df;
	struct env meta;           /* ARGs before the first FROM */
	struct env *stage_env;     /* one per stage */
	size_t nstage_env, cap_stage_env;
	struct strv pending_ignores;
	bool pending_any;          /* an ignore pragma is waiting for its instruction */
};

/* Errors carry "LINE:COL: "; the caller of dockerfile_parse adds the file. */
static void located(struct err *e, int line, int col, const char *msg)
{
	struct err tmp;
	err_set(&tmp, "%d:%d: %s", line, col, msg);
	*e = tmp;
}

/* ---------- word splitting helpers ---------------------------------------- */

/* BuildKit parseWords: whitespace-separated words; quotes and escapes kept
 * in the words (they are processed later by substitution). */
static void parse_words(const char *rest, char esc, struct strv *out)
{
	struct buf w = {0};
	bool in_word = false, blank_ok = false;
	char quote = 0;
	size_t n = strlen(rest);
	for (size_t i = 0; i < n; i++) {
		char c = rest[i];
		if (!in_word && !quote) {
			if (ws(c) || c == '\n')
				continue;
			in_word = true;
		}
		if (quote) {
			if (c == quote)
				quote = 0;
			else if (c == esc && quote != '\'') {
				if (i + 1 == n)
					continue;
				buf_append(&w, &c, 1);
				c = rest[++i];
			}
			buf_append(&w, &c, 1);
			continue;
		}
		if (ws(c) || c == '\n') {
			if (blank_ok || w.len)
				strv_push(out, buf_steal(&w));
			buf_free(&w);
			in_word = blank_ok = false;
			continue;
		}
		if (c == '\'' || c == '"') {
			quote = c;
			blank_ok = true;
		} else if (c == esc) {
			if (i + 1 == n)
				continue;
			buf_append(&w, &c, 1);
			c = rest[++i];
		}
		buf_append(&w, &c, 1);
	}
	if (in_word && (blank_ok || w.len))
		strv_push(out, buf_steal(&w));
	buf_free(&w);
}

/* parseStringsWhitespaceDelimited: split on whitespace, quotes ignored. */
static void split_ws(const char *rest, struct strv *out)
{
	const char *p = rest;
	while (*p) {
		while (*p && (ws(*p) || *p == '\n'))
			p++;
		if (!*p)
			break;
		const char *s = p;
		while (*p && !ws(*p) && *p != '\n')
			p++;
		strv_push(out, xstrndup(s, (size_t)(p - s)));
	}
}

/* extractBuilderFlags: leading --name[=value] words (quotes allowed in
 * values); returns the rest of the line. */
static const char *extract_flags(const char *line, struct strv *flags)
{
	size_t n = strlen(line), pos = 0;
	for (;;) {
		while (pos < n && ws(line[pos]))
			pos++;
		if (pos >= n)
			return line + n;
		if (!(line[pos] == '-' && pos + 1 < n && line[pos + 1] == '-'))
			return line + pos;
		struct buf w = {0};
		bool blank_ok = false;
		char quote = 0;
		size_t start = pos;
		for (; pos < n; pos++) {
			char c = line[pos];
			if (quote) {
				if (c == quote) {
					quote = 0;
					continue;
				}
			} else {
				if (ws(c))
					break;
				if (c == '\'' || c == '"') {
					quote = c;
					blank_ok = true;
					continue;
				}
			}
			if (c == '\\') {
				if (pos + 1 == n)
					continue;
				c = line[++pos];
			}
			buf_append(&w, &c, 1);
		}
		(void)start;
		if (w.len == 2 && !memcmp(w.data, "--", 2)) {
			buf_free(&w);
			/* "--" ends the flags: the rest is arguments. */
			while (pos < n && ws(line[pos]))
				pos++;
			return line + pos;
		}
		if (blank_ok || w.len)
			strv_push(flags, buf_steal(&w));
		buf_free(&w);
	}
}

/* Exec form: 0 and the strings in out; 1 when not a JSON array (shell form
 * then); -1 when it is an array with a non-string (an error in Docker). */
static int parse_json_array(const char *rest, struct strv *out)
{
	const char *p = rest;
	while (ws(*p) || *p == '\n')
		p++;
	if (*p != '[')
		return 1;
	json_error_t je;
	json_t *a = json_loads(p, 0, &je);
	if (!a || !json_is_array(a)) {
		json_decref(a);
		return 1;
	}
	size_t i;
	json_t *v;
	json_array_foreach(a, i, v)
	{
		if (!json_is_string(v)) {
			json_decref(a);
			return -1;
		}
	}
	json_array_foreach(a, i, v) strv_push(out, xstrndup(json_string_value(v), json_string_length(v)));
	json_decref(a);
	return 0;
}

/* ---------- instructions --------------------------------------------------- */

static const struct {
	const char *name;
	enum df_cmd cmd;
} keywords[] = {
	{"ADD", DF_ADD},
	{"ARG", DF_ARG},
	{"CMD", DF_CMD},
	{"COPY", DF_COPY},
	{"ENTRYPOINT", DF_ENTRYPOINT},
	{"ENV", DF_ENV},
	{"EXPOSE", DF_EXPOSE},
	{"FROM", DF_FROM},
	{"HEALTHCHECK", DF_HEALTHCHECK},
	{"LABEL", DF_LABEL},
	{"MAINTAINER", DF_MAINTAINER},
	{"ONBUILD", DF_ONBUILD},
	{"RUN", DF_RUN},
	{"SHELL", DF_SHELL},
	{"STOPSIGNAL", DF_STOPSIGNAL},
	{"USER", DF_USER},
	{"VOLUME", DF_VOLUME},
	{"WORKDIR", DF_WORKDIR},
};

const char *df_cmd_name(enum df_cmd c)
{
	for (size_t i = 0; i < ARRAY_LEN(keywords); i++)
		if (keywords[i].cmd == c)
			return keywords[i].name;
	return "?";
}

/* The flags each instruction accepts (BuildKit's, labs included);
 * a trailing '?' marks a boolean flag that needs no value. */
static const char *const *allowed_flags(enum df_cmd c)
{
	static const char *const from[] = {"platform", NULL};
	static const char *const run[] = {"mount", "network", "security", "device", NULL};
	static const char *const copy[] = {"from", "chown", "chmod", "link?", "parents?", "exclude", NULL};
	static const char *const add[] = {"chown", "chmod", "link?", "keep-git-dir?", "checksum", "exclude",
					  "unpack?", NULL};
	static const char *const health[] = {"interval", "timeout", "start-period", "start-interval", "retries",
					     NULL};
	static const char *const none[] = {NULL};
	switch (c) {
	case DF_FROM:
		return from;
	case DF_RUN:
		return run;
	case DF_COPY:
		return copy;
	case DF_ADD:
		return add;
	case DF_HEALTHCHECK:
		return health;
	default:
		return none;
	}
}

static int check_flags(struct df_instr *in, const struct strv *raw, char esc, const struct env *env, bool expand,
		       struct err *e)
{
	const char *const *ok = allowed_flags(in->cmd);
	in->flags = raw->n ? xcalloc(raw->n, sizeof *in->flags) : NULL;
	for (size_t i = 0; i < raw->n; i++) {
		const char *f = raw->v[i];
		if (strncmp(f, "--", 2)) {
			err_set(e, "invalid flag %s", f);
			return -1;
		}
		f += 2;
		const char *eq = strchr(f, '=');
		char *name = eq ? xstrndup(f, (size_t)(eq - f)) : xstrdup(f);
		struct df_flag *fl = &in->flags[in->nflags++];
		fl->name = name;
		fl->has_value = eq != NULL;
		fl->value = xstrdup(eq ? eq + 1 : "");
		bool known = false, boolean = false;
		for (size_t k = 0; ok[k]; k++) {
			size_t kl = strcspn(ok[k], "?");
			if (strlen(name) == kl && !strncmp(name, ok[k], kl)) {
				known = true;
				boolean = ok[k][kl] == '?';
			}
		}
		if (!known) {
			err_set(e, "unknown flag: %s", name);
			return -1;
		}
		if (!boolean && !fl->has_value) {
			err_set(e, "missing a value on flag: %s", name);
			return -1;
		}
		if (boolean && fl->has_value && strcasecmp(fl->value, "true") && strcasecmp(fl->value, "false")) {
			err_set(e, "expecting boolean value for flag %s, not: %s", name, fl->value);
			return -1;
		}
		if (strcmp(name, "mount") && strcmp(name, "exclude")) {
			for (size_t k = 0; k + 1 < in->nflags; k++)
				if (!strcmp(in->flags[k].name, name)) {
					err_set(e, "duplicate flag specified: %s", name);
					return -1;
				}
		}
		if (expand && fl->has_value) {
			char *v = expand_word(fl->value, esc, env, &in->unresolved, e);
			if (!v)
				return -1;
			free(fl->value);
			fl->value = v;
		}
	}
	return 0;
}

const struct df_flag *df_flag_get(const struct df_instr *in, const char *name)
{
	for (size_t i = 0; i < in->nflags; i++)
		if (!strcmp(in->flags[i].name, name))
			return &in->flags[i];
	return NULL;
}

static void set_args(struct df_instr *in, struct strv *words)
{
	in->args = words->v;
	in->nargs = words->n;
	memset(words, 0, sizeof *words);
}

static int expand_args(struct df_instr *in, char esc, const struct env *env, struct err *e)
{
	for (size_t i = 0; i < in->nargs; i++) {
		char *v = expand_word(in->args[i], esc, env, &in->unresolved, e);
		if (!v)
			return -1;
		free(in->args[i]);
		in->args[i] = v;
	}
	return 0;
}

static void push_kv(struct df_instr *in, const char *key, const char *raw, size_t *cap)
{
	xgrow((void **)&in->kvs, cap, in->nkvs + 1, sizeof *in->kvs);
	struct df_kv *kv = &in->kvs[in->nkvs++];
	kv->key = xstrdup(key);
	kv->raw_value = raw ? xstrdup(raw) : NULL;
	kv->value = NULL;
}

/* ENV and LABEL: "KEY value" (old form) or KEY=value pairs. */
static int parse_name_val(struct df_instr *in, const char *rest, char esc, struct err *e)
{
	struct strv words = {0};
	parse_words(rest, esc, &words);
	size_t cap = 0;
	int rc = 0;
	const char *what = in->cmd == DF_ENV ? "ENV" : "LABEL";
	if (!words.n) {
		err_set(e, "%s requires at least one argument", what);
		rc = -1;
	} else if (!strchr(words.v[0], '=')) {
		/* Old form: the key, then everything after the first blank. */
		const char *p = rest;
		size_t k = 0;
		while (p[k] && !ws(p[k]) && p[k] != '\n')
			k++;
		const char *v = p + k;
		while (*v && (ws(*v) || *v == '\n'))
			v++;
		if (!*v) {
			err_set(e, "%s must have two arguments", what);
			rc = -1;
		} else {
			char *key = xstrndup(p, k);
			push_kv(in, key, v, &cap);
			free(key);
		}
	} else {
		for (size_t i = 0; i < words.n; i++) {
			char *eq = strchr(words.v[i], '=');
			if (!eq) {
				err_set(e, "Syntax error - can't find = in \"%s\". Must be of the form: name=value",
					words.v[i]);
				rc = -1;
				break;
			}
			*eq = 0;
			push_kv(in, words.v[i], eq + 1, &cap);
		}
	}
	strv_free(&words);
	return rc;
}

static int parse_healthcheck(struct df_instr *in, const char *rest, struct err *e)
{
	const char *p = rest;
	size_t k = 0;
	while (p[k] && !ws(p[k]) && p[k] != '\n')
		k++;
	if (!k) {
		err_set(e, "HEALTHCHECK requires an argument");
		return -1;
	}
	char *type = xstrndup(p, k);
	for (char *t = type; *t; t++)
		*t = (char)toupper((unsigned char)*t);
	const char *after = p + k;
	while (*after && (ws(*after) || *after == '\n'))
		after++;
	struct strv words = {0};
	int rc = 0;
	if (!strcmp(type, "NONE")) {
		if (*after) {
			err_set(e, "HEALTHCHECK NONE takes no arguments");
			rc = -1;
		} else if (in->nflags) {
			err_set(e, "HEALTHCHECK NONE takes no flags");
			rc = -1;
		}
		strv_push(&words, type);
		type = NULL;
	} else if (!strcmp(type, "CMD")) {
		strv_push(&words, type);
		type = NULL;
		if (!*after) {
			err_set(e, "Missing command after HEALTHCHECK CMD");
			rc = -1;
		} else {
			int j = parse_json_array(after, &words);
			if (j < 0) {
				err_set(e, "when using JSON array syntax, arrays must be comprised of strings only");
				rc = -1;
			} else if (j == 0) {
				in->json = true;
				if (words.n == 1) {
					err_set(e, "Missing command after HEALTHCHECK CMD");
					rc = -1;
				}
			} else {
				strv_push(&words, xstrdup(after));
			}
		}
	} else {
		err_set(e, "Unknown type \"%s\" in HEALTHCHECK (try CMD)", type);
		rc = -1;
	}
	free(type);
	const struct df_flag *r = df_flag_get(in, "retries");
	if (!rc && r) {
		char *end;
		long v = strtol(r->value, &end, 10);
		if (!*r->value || *end || v < 0) {
			err_set(e, "--retries must be a number >= 0, got \"%s\"", r->value);
			rc = -1;
		}
	}
	set_args(in, &words);
	strv_free(&words);
	return rc;
}

static bool valid_stage_name(const char *s)
{
	if (!(*s >= 'a' && *s <= 'z'))
		return false;
	for (s++; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '-' || *s == '_' || *s == '.'))
			return false;
	return true;
}

/* Builds one instruction from its logical line (keyword + rest). expand:
 * substitute with env (not for ONBUILD triggers, which run in a later
 * build). Sets in->cmd; returns -1 with an unlocated message in e. */
static int build_instr(struct df_instr *in, const char *line, char esc, const struct env *env, bool expand,
		       bool is_trigger, struct err *e)
{
	const char *p = line;
	while (ws(*p))
		p++;
	size_t k = 0;
	while (p[k] && !ws(p[k]) && p[k] != '\n')
		k++;
	char *kw = xstrndup(p, k);
	bool found = false;
	for (size_t i = 0; i < ARRAY_LEN(keywords); i++)
		if (!strcasecmp(kw, keywords[i].name)) {
			in->cmd = keywords[i].cmd;
			found = true;
		}
	if (!found) {
		err_set(e, "unknown instruction: %s", kw);
		free(kw);
		return -1;
	}
	free(kw);
	if (is_trigger && (in->cmd == DF_ONBUILD || in->cmd == DF_FROM || in->cmd == DF_MAINTAINER)) {
		if (in->cmd == DF_ONBUILD)
			err_set(e, "Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed");
		else
			err_set(e, "%s isn't allowed as an ONBUILD trigger", df_cmd_name(in->cmd));
		return -1;
	}
	struct strv rawflags = {0};
	const char *rest0 = extract_flags(p + k, &rawflags);
	/* The rest, trimmed of surrounding blanks. */
	size_t rl = strlen(rest0);
	while (rl && (ws(rest0[rl - 1]) || rest0[rl - 1] == '\n'))
		rl--;
	char *rest = xstrndup(rest0, rl);
	int rc = check_flags(in, &rawflags, esc, env, expand && (in->cmd == DF_FROM || in->cmd == DF_ADD ||
								  in->cmd == DF_COPY || in->cmd == DF_RUN),
			     e);
	strv_free(&rawflags);
	if (rc)
		goto out;
	struct strv words = {0};
	const char *name = df_cmd_name(in->cmd);
	switch (in->cmd) {
	case DF_RUN:
	case DF_CMD:
	case DF_ENTRYPOINT:
	case DF_SHELL: {
		int j = *rest ? parse_json_array(rest, &words) : 1;
		if (j < 0) {
			err_set(e, "when using JSON array syntax, arrays must be comprised of strings only");
			rc = -1;
		} else if (j == 0) {
			in->json = true;
		} else if (*rest) {
			strv_push(&words, xstrdup(rest));
		}
		set_args(in, &words);
		if (rc)
			break;
		if (in->cmd == DF_SHELL && !in->json) {
			err_set(e, "SHELL requires the arguments to be in JSON form");
			rc = -1;
		} else if ((in->cmd == DF_SHELL || in->cmd == DF_RUN) && !in->nargs) {
			err_set(e, "%s requires at least one argument", name);
			rc = -1;
		}
		break;
	}
	case DF_ADD:
	case DF_COPY:
	case DF_VOLUME: {
		int j = parse_json_array(rest, &words);
		if (j < 0) {
			err_set(e, "when using JSON array syntax, arrays must be comprised of strings only");
			rc = -1;
			break;
		}
		if (j == 0)
			in->json = true;
		else
			split_ws(rest, &words);
		set_args(in, &words);
		if (expand && (rc = expand_args(in, esc, env, e)))
			break;
		if (in->cmd == DF_VOLUME) {
			if (!in->nargs) {
				err_set(e, "VOLUME requires at least one argument");
				rc = -1;
			}
			for (size_t i = 0; !rc && i < in->nargs; i++)
				if (!*in->args[i]) {
					err_set(e, "VOLUME specified can not be an empty string");
					rc = -1;
				}
		}
		/* ADD/COPY argument counts are checked after here-documents are
		 * known: `COPY <<EOF /dest` has its source in the heredoc. */
		break;
	}
	case DF_FROM:
	case DF_EXPOSE:
		split_ws(rest, &words);
		set_args(in, &words);
		if (in->cmd == DF_EXPOSE) {
			if (!in->nargs) {
				err_set(e, "EXPOSE requires at least one argument");
				rc = -1;
			} else if (expand) {
				rc = expand_args(in, esc, env, e);
			}
			break;
		}
		if (in->nargs != 1 && !(in->nargs == 3 && !strcasecmp(in->args[1], "AS"))) {
			err_set(e, "FROM requires either one or three arguments");
			rc = -1;
			break;
		}
		if (expand) {
			char *v = expand_word(in->args[0], esc, env, &in->unresolved, e);
			if (!v) {
				rc = -1;
				break;
			}
			free(in->args[0]);
			in->args[0] = v;
		}
		if (in->nargs == 3) {
			for (char *t = in->args[2]; *t; t++)
				*t = (char)tolower((unsigned char)*t);
			if (!valid_stage_name(in->args[2])) {
				err_set(e, "invalid name for build stage: \"%s\", name can't start with a number or "
					   "contain symbols",
					in->args[2]);
				rc = -1;
			}
		}
		break;
	case DF_ENV:
	case DF_LABEL:
		rc = parse_name_val(in, rest, esc, e);
		break;
	case DF_ARG: {
		parse_words(rest, esc, &words);
		size_t cap = 0;
		if (!words.n) {
			err_set(e, "ARG requires at least one argument");
			rc = -1;
		}
		for (size_t i = 0; !rc && i < words.n; i++) {
			char *eq = strchr(words.v[i], '=');
			if (eq)
				*eq = 0;
			if (!*words.v[i]) {
				err_set(e, "ARG names can not be blank");
				rc = -1;
				break;
			}
			push_kv(in, words.v[i], eq ? eq + 1 : NULL, &cap);
		}
		strv_free(&words);
		break;
	}
	case DF_HEALTHCHECK:
		rc = parse_healthcheck(in, rest, e);
		break;
	case DF_MAINTAINER:
	case DF_USER:
	case DF_WORKDIR:
	case DF_STOPSIGNAL:
		if (!*rest) {
			err_set(e, "%s requires exactly one argument", name);
			rc = -1;
			break;
		}
		strv_push(&words, xstrdup(rest));
		set_args(in, &words);
		if (expand && in->cmd != DF_MAINTAINER)
			rc = expand_args(in, esc, env, e);
		break;
	case DF_ONBUILD: {
		if (!*rest) {
			err_set(e, "ONBUILD requires at least one argument");
			rc = -1;
			break;
		}
		in->trigger = xcalloc(1, sizeof *in->trigger);
		in->trigger->stage = in->stage;
		rc = build_instr(in->trigger, rest, esc, env, false, true, e);
		if (!rc && (in->trigger->cmd == DF_ADD || in->trigger->cmd == DF_COPY) && in->trigger->nargs < 2) {
			err_set(e, "%s requires at least two arguments", df_cmd_name(in->trigger->cmd));
			rc = -1;
		}
		break;
	}
	}
	strv_free(&words);
out:
	free(rest);
	return rc;
}

/* Substitutes ENV/LABEL values and ARG defaults; ENV and LABEL see the
 * variables as they were before the instruction, ARG sees its earlier
 * names (as Docker does). Updates env. */
static int apply_kvs(struct df_instr *in, char esc, struct env *env, const struct env *meta, struct err *e)
{
	for (size_t i = 0; i < in->nkvs; i++) {
		struct df_kv *kv = &in->kvs[i];
		if (!kv->raw_value) {
			/* ARG NAME: inside a stage it takes the global ARG's value. */
			const struct var *g = meta && meta != env ? env_find(meta, kv->key) : NULL;
			if (in->cmd == DF_ARG && !(env_find(env, kv->key) && env_find(env, kv->key)->value))
				env_set(env, kv->key, g ? g->value : NULL);
			continue;
		}
		bool unres = false;
		kv->value = expand_word(kv->raw_value, esc, env, &unres, e);
		if (!kv->value)
			return -1;
		if (unres)
			in->unresolved = true;
		if (in->cmd == DF_ARG) {
			/* A global ARG with the same name overrides the default only
			 * as a build arg would; statically the default stands. */
			env_set(env, kv->key, kv->value);
		}
	}
	if (in->cmd == DF_ENV)
		for (size_t i = 0; i < in->nkvs; i++)
			env_set(env, in->kvs[i].key, in->kvs[i].value);
	return 0;
}

/* ---------- here-documents -------------------------------------------------- */

static bool can_heredoc(const struct df_instr *in)
{
	const struct df_instr *x = in->cmd == DF_ONBUILD && in->trigger ? in->trigger : in;
	return (x->cmd == DF_RUN || x->cmd == DF_COPY || x->cmd == DF_ADD) && !x->json;
}

/* The here-documents a logical line opens, in order (BuildKit's
 * heredocsFromLine: words, each matching ^[0-9]*<<-?[^<]*$). */
static void heredoc_words(const char *line, struct df_instr *target)
{
	struct strv words = {0};
	parse_words(line, '\\', &words);
	for (size_t i = 0; i < words.n; i++) {
		const char *w = words.v[i];
		while (isdigit((unsigned char)*w))
			w++;
		if (strncmp(w, "<<", 2))
			continue;
		w += 2;
		bool chomp = *w == '-';
		if (chomp)
			w++;
		if (strchr(w, '<'))
			continue;
		bool quoted = strchr(w, '\'') || strchr(w, '"');
		struct buf name = {0};
		for (const char *c = w; *c; c++) {
			if (*c == '\'' || *c == '"')
				continue;
			if (*c == '\\' && c[1])
				c++;
			buf_append(&name, c, 1);
		}
		if (!name.len) {
			buf_free(&name);
			continue;
		}
		xgrow((void **)&target->heredocs, &(size_t){target->nheredocs}, target->nheredocs + 1,
		      sizeof *target->heredocs);
		struct df_heredoc *h = &target->heredocs[target->nheredocs++];
		h->name = buf_steal(&name);
		h->content = NULL;
		h->chomp = chomp;
		h->expand = !quoted;
	}
	strv_free(&words);
}

static int read_heredocs(struct parser *P, struct df_instr *target, int start_line, int col, struct err *e)
{
	for (size_t k = 0; k < target->nheredocs; k++) {
		struct df_heredoc *h = &target->heredocs[k];
		struct buf body = {0};
		bool done = false;
		while (P->cur < P->nlines) {
			struct line l = P->lines[P->cur++];
			size_t a = 0;
			if (h->chomp)
				while (a < l.n && l.p[a] == '\t')
					a++;
			if (l.n - a == strlen(h->name) && !memcmp(l.p + a, h->name, l.n - a)) {
				done = true;
				break;
			}
			buf_append(&body, l.p + a, l.n - a);
			buf_append(&body, "\n", 1);
			if (body.len > MAX_EXPANDED * 64u) {
				buf_free(&body);
				located(e, start_line, col, "here-document too large");
				return -1;
			}
		}
		if (!done) {
			buf_free(&body);
			char msg[300];
			snprintf(msg, sizeof msg, "unterminated heredoc (delimiter %.200s)", h->name);
			located(e, start_line, col, msg);
			return -1;
		}
		h->content = buf_steal(&body);
	}
	return 0;
}

/* ---------- pragmas ---------------------------------------------------------- */

/* "# vigil ignore=A,B", "# hadolint ignore=DL3008", "… global ignore=…". */
static void parse_pragma(struct parser *P, const char *text, size_t n)
{
	char *c = xstrndup(text, n);
	char *p = c;
	while (ws(*p))
		p++;
	bool ours = !strncasecmp(p, "vigil", 5) || !strncasecmp(p, "hadolint", 8);
	if (!ours)
		goto out;
	p += tolower((unsigned char)*p) == 'v' ? 5 : 8;
	if (!ws(*p))
		goto out;
	while (ws(*p))
		p++;
	bool global = !strncasecmp(p, "global", 6) && ws(p[6]);
	if (global) {
		p += 6;
		while (ws(*p))
			p++;
	}
	if (strncasecmp(p, "ignore", 6))
		goto out;
	p += 6;
	while (ws(*p))
		p++;
	if (*p != '=')
		goto out;
	p++;
	struct strv *dst = global ? NULL : &P->pending_ignores;
	for (char *tok = strtok(p, ", \t"); tok; tok = strtok(NULL, ", \t")) {
		char *id = xstrdup(tok);
		for (char *t = id; *t; t++)
			*t = (char)toupper((unsigned char)*t);
		if (dst) {
			strv_push(dst, id);
		} else {
			struct dockerfile *df = P->df;
			size_t cap = df->nglobal_ignores;
			xgrow((void **)&df->global_ignores, &cap, df->nglobal_ignores + 1, sizeof(char *));
			df->global_ignores[df->nglobal_ignores++] = id;
		}
	}
	if (!global)
		P->pending_any = true;
out:
	free(c);
}

/* ---------- directives -------------------------------------------------------- */

/* ^#\s*([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$ */
static bool match_directive(const char *p, size_t n, char **key, char **value)
{
	size_t i = 0;
	if (i >= n || p[i] != '#')
		return false;
	i++;
	while (i < n && ws(p[i]))
		i++;
	size_t ks = i;
	if (i >= n || !isalpha((unsigned char)p[i]))
		return false;
	while (i < n && isalnum((unsigned char)p[i]))
		i++;
	size_t ke = i;
	while (i < n && ws(p[i]))
		i++;
	if (i >= n || p[i] != '=')
		return false;
	i++;
	while (i < n && ws(p[i]))
		i++;
	size_t ve = n;
	while (ve > i && ws(p[ve - 1]))
		ve--;
	if (ve == i)
		return false;
	*key = xstrndup(p + ks, ke - ks);
	for (char *t = *key; *t; t++)
		*t = (char)tolower((unsigned char)*t);
	*value = xstrndup(p + i, ve - i);
	return true;
}

/* ---------- the main loop ------------------------------------------------------ */

/* Continuation: the line ends with the escape character and blanks. Returns
 * true when it continues; *n is cut before the escape character. */
static bool continues(const char *p, size_t *n, char esc)
{
	size_t k = *n;
	while (k && (p[k - 1] == ' ' || p[k - 1] == '\t'))
		k--;
	if (k && p[k - 1] == esc) {
		*n = k - 1;
		return true;
	}
	return false;
}

static struct df_instr *new_instr(struct dockerfile *df)
{
	xgrow((void **)&df->instrs, &df->cap_instrs, df->ninstrs + 1, sizeof *df->instrs);
	struct df_instr *in = &df->instrs[df->ninstrs++];
	memset(in, 0, sizeof *in);
	return in;
}

static struct env *current_env(struct parser *P)
{
	return P->df->nstages ? &P->stage_env[P->df->nstages - 1] : &P->meta;
}

static int start_stage(struct parser *P, struct df_instr *in, struct err *e)
{
	struct dockerfile *df = P->df;
	if (!*in->args[0]) {
		char msg[256];
		snprintf(msg, sizeof msg, "base name (%.200s) should not be blank", in->text);
		located(e, in->start_line, in->col, msg);
		return -1;
	}
	xgrow((void **)&df->stages, &df->cap_stages, df->nstages + 1, sizeof *df->stages);
	struct df_stage *st = &df->stages[df->nstages];
	memset(st, 0, sizeof *st);
	st->from = df->ninstrs - 1;
	st->image = xstrdup(in->args[0]);
	st->name = in->nargs == 3 ? xstrdup(in->args[2]) : NULL;
	st->parent = -1;
	st->image_unresolved = in->unresolved;
	for (size_t i = 0; i < df->nstages; i++)
		if (df->stages[i].name && !strcasecmp(df->stages[i].name, st->image))
			st->parent = (int)i;
	xgrow((void **)&P->stage_env, &P->cap_stage_env, df->nstages + 1, sizeof *P->stage_env);
	struct env *env = &P->stage_env[df->nstages];
	memset(env, 0, sizeof *env);
	P->nstage_env = df->nstages + 1;
	/* A stage built on another starts with that stage's ENV. */
	if (st->parent >= 0)
		env_copy(env, &P->stage_env[st->parent]);
	df->nstages++;
	in->stage = (int)df->nstages - 1;
	return 0;
}

static void instr_free(struct df_instr *in)
{
	free(in->text);
	for (size_t i = 0; i < in->nflags; i++) {
		free(in->flags[i].name);
		free(in->flags[i].value);
	}
	free(in->flags);
	for (size_t i = 0; i < in->nargs; i++)
		free(in->args[i]);
	free(in->args);
	for (size_t i = 0; i < in->nkvs; i++) {
		free(in->kvs[i].key);
		free(in->kvs[i].value);
		free(in->kvs[i].raw_value);
	}
	free(in->kvs);
	for (size_t i = 0; i < in->nheredocs; i++) {
		free(in->heredocs[i].name);
		free(in->heredocs[i].content);
	}
	free(in->heredocs);
	if (in->trigger) {
		instr_free(in->trigger);
		free(in->trigger);
	}
	for (size_t i = 0; i < in->nignores; i++)
		free(in->ignores[i]);
	free(in->ignores);
}

void dockerfile_free(struct dockerfile *df)
{
	for (size_t i = 0; i < df->ninstrs; i++)
		instr_free(&df->instrs[i]);
	free(df->instrs);
	for (size_t i = 0; i < df->nstages; i++) {
		free(df->stages[i].image);
		free(df->stages[i].name);
	}
	free(df->stages);
	for (size_t i = 0; i < df->nglobal_ignores; i++)
		free(df->global_ignores[i]);
	free(df->global_ignores);
	free(df->syntax);
	memset(df, 0, sizeof *df);
}

/* One logical instruction starting at line `start_line`, already joined. */
static int handle_instruction(struct parser *P, char *logical, int start_line, int col, struct err *e)
{
	struct dockerfile *df = P->df;
	struct df_instr *in = new_instr(df);
	in->text = logical;
	in->start_line = start_line;
	in->col = col;
	in->stage = df->nstages ? (int)df->nstages - 1 : -1;
	in->ignores = P->pending_ignores.v;
	in->nignores = P->pending_ignores.n;
	memset(&P->pending_ignores, 0, sizeof P->pending_ignores);
	P->pending_any = false;

	struct err ie = {{0}};
	struct env *env = current_env(P);
	/* FROM substitutes with the global ARGs only. */
	bool is_from = false;
	{
		const char *p = logical;
		while (ws(*p))
			p++;
		is_from = !strncasecmp(p, "FROM", 4) && (ws(p[4]) || !p[4]);
	}
	if (build_instr(in, logical, P->esc, is_from ? &P->meta : env, true, false, &ie)) {
		in->end_line = (int)P->cur;
		located(e, start_line, col, ie.msg);
		return -1;
	}
	if (in->cmd != DF_FROM && in->cmd != DF_ARG && !df->nstages) {
		in->end_line = (int)P->cur;
		located(e, start_line, col, "no build stage in current context (an instruction before the first FROM)");
		return -1;
	}
	/* Here-documents follow the line that opens them. */
	struct df_instr *hd_target = in->cmd == DF_ONBUILD && in->trigger ? in->trigger : in;
	if (can_heredoc(in) && strstr(logical, "<<")) {
		heredoc_words(logical, hd_target);
		if (read_heredocs(P, hd_target, start_line, col, e)) {
			in->end_line = (int)P->cur;
			return -1;
		}
	}
	in->end_line = (int)P->cur;
	if ((in->cmd == DF_ADD || in->cmd == DF_COPY) && in->nargs < 2 && !(in->nargs == 1 && in->nheredocs)) {
		char msg[200];
		snprintf(msg, sizeof msg, "%s requires at least two arguments%s", df_cmd_name(in->cmd),
			 in->nargs == 1 ? ", but only one was provided. Destination could not be determined." : "");
		located(e, start_line, col, msg);
		return -1;
	}
	if (in->cmd == DF_RUN && in->json && !in->nargs) {
		located(e, start_line, col, "RUN requires at least one argument");
		return -1;
	}
	if (in->cmd == DF_FROM)
		return start_stage(P, in, e);
	if (in->nkvs && apply_kvs(in, P->esc, env, df->nstages ? &P->meta : NULL, &ie)) {
		located(e, start_line, col, ie.msg);
		return -1;
	}
	/* A global ARG is seen by FROM lines with its value. */
	return 0;
}

static void split_lines(const char *data, size_t len, struct line **out, size_t *nout)
{
	size_t cap = 0, n = 0;
	struct line *v = NULL;
	size_t i = 0;
	/* A UTF-8 byte-order mark at the start is not part of the text. */
	if (len >= 3 && !memcmp(data, "\xEF\xBB\xBF", 3))
		i = 3;
	while (i < len) {
		const char *nl = memchr(data + i, '\n', len - i);
		size_t end = nl ? (size_t)(nl - data) : len;
		size_t l = end - i;
		if (l && data[end - 1] == '\r')
			l--;
		xgrow((void **)&v, &cap, n + 1, sizeof *v);
		v[n].p = data + i;
		v[n].n = l;
		n++;
		i = nl ? end + 1 : len;
	}
	*out = v;
	*nout = n;
}

int dockerfile_parse(const char *data, size_t len, struct dockerfile *out, struct err *e)
{
	memset(out, 0, sizeof *out);
	struct parser P = {0};
	P.df = out;
	P.esc = '\\';
	out->escape = '\\';
	split_lines(data, len, &P.lines, &P.nlines);
	int rc = 0;
	bool directives = true, seen_escape = false, seen_syntax = false;

	while (P.cur < P.nlines) {
		struct line l = P.lines[P.cur++];
		int lineno = (int)P.cur;
		if (memchr(l.p, 0, l.n)) {
			located(e, lineno, (int)((const char *)memchr(l.p, 0, l.n) - l.p) + 1, "NUL byte in Dockerfile");
			rc = -1;
			break;
		}
		if (directives) {
			char *key, *value;
			if (match_directive(l.p, l.n, &key, &value)) {
				bool is_escape = !strcmp(key, "escape"), is_syntax = !strcmp(key, "syntax");
				if ((is_escape && seen_escape) || (is_syntax && seen_syntax)) {
					char msg[120];
					snprintf(msg, sizeof msg, "only one %s parser directive can be used", key);
					located(e, lineno, 1, msg);
					free(key);
					free(value);
					rc = -1;
					break;
				}
				if (is_escape) {
					seen_escape = true;
					if (strcmp(value, "\\") && strcmp(value, "`")) {
						char msg[300];
						snprintf(msg, sizeof msg,
							 "invalid escape token '%.200s' does not match ` or \\", value);
						located(e, lineno, 1, msg);
						free(key);
						free(value);
						rc = -1;
						break;
					}
					P.esc = out->escape = value[0];
				} else if (is_syntax) {
					seen_syntax = true;
					out->syntax = value;
					value = NULL;
				}
				free(key);
				free(value);
				continue;
			}
			directives = false;
		}
		size_t lead = skip_ws(l.p, l.n);
		if (lead < l.n && l.p[lead] == '#') {
			parse_pragma(&P, l.p + lead + 1, l.n - lead - 1);
			continue;
		}
		if (lead == l.n) {
			/* A blank line detaches ignore pragmas from what follows. */
			strv_free(&P.pending_ignores);
			P.pending_any = false;
			continue;
		}
		int start_line = lineno, col = (int)lead + 1;
		struct buf logical = {0};
		size_t n = l.n - lead;
		bool more = continues(l.p + lead, &n, P.esc);
		buf_append(&logical, l.p + lead, n);
		while (more && P.cur < P.nlines) {
			struct line c = P.lines[P.cur++];
			size_t cl = skip_ws(c.p, c.n);
			if (cl < c.n && c.p[cl] == '#')
				continue; /* comment lines inside a continuation are dropped */
			if (cl == c.n)
				continue; /* so are empty continuation lines */
			if (memchr(c.p, 0, c.n)) {
				located(e, (int)P.cur, 1, "NUL byte in Dockerfile");
				rc = -1;
				break;
			}
			size_t cn = c.n;
			more = continues(c.p, &cn, P.esc);
			buf_append(&logical, c.p, cn);
		}
		if (rc) {
			buf_free(&logical);
			break;
		}
		/* An instruction that is only its keyword's continuation, e.g. a
		 * lone "\": BuildKit skips it. */
		if (skip_ws((char *)logical.data, logical.len) == logical.len) {
			buf_free(&logical);
			continue;
		}
		if (handle_instruction(&P, buf_steal(&logical), start_line, col, e)) {
			rc = -1;
			break;
		}
	}
	if (!rc && !out->nstages) {
		located(e, out->ninstrs ? out->instrs[0].start_line : 1, 1,
			out->ninstrs ? "no FROM instruction: the file defines no build stage"
				     : "file with no instructions");
		rc = -1;
	}
	strv_free(&P.pending_ignores);
	env_free(&P.meta);
	for (size_t i = 0; i < P.nstage_env; i++)
		env_free(&P.stage_env[i]);
	free(P.stage_env);
	free(P.lines);
	if (rc)
		dockerfile_free(out);
	return rc;
}
