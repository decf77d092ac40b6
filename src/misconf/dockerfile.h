/* dockerfile: a Dockerfile parser following BuildKit's frontend (parser and
 * instructions packages): parser directives (`# escape=`, `# syntax=`),
 * line continuations with the escape character, comment lines (also inside
 * continuations), here-documents on RUN/COPY/ADD (`<<EOF`, `<<-EOF`,
 * quoted delimiters, several per line), exec (JSON) and shell forms — a JSON
 * array that does not parse falls back to shell form, one that holds
 * non-strings is an error —, builder flags (`--from`, `--mount`, …), ARG
 * before FROM, and variable substitution ($VAR, ${VAR}, ${VAR:-w}, ${VAR-w},
 * ${VAR:+w}, ${VAR+w}, ${VAR:?w}, ${VAR#p}, ${VAR%p}) in the instructions
 * Docker substitutes in (FROM, ENV, ARG, LABEL, ADD, COPY, WORKDIR, USER,
 * EXPOSE, VOLUME, STOPSIGNAL and the flags of FROM/ADD/COPY/RUN).
 *
 * The input is untrusted: anything Docker would reject — an unknown
 * instruction, an unterminated here-document, a JSON array of non-strings, a
 * bad flag — is an error "LINE:COL: message" (the caller prefixes the file
 * name); nothing is guessed and nothing crashes.
 *
 * Build arguments are not known statically: an ARG without a value (and
 * without --build-arg) is unset, and ${VAR:?msg} does not fail. */
#ifndef VIGIL_MISCONF_DOCKERFILE_H
#define VIGIL_MISCONF_DOCKERFILE_H

#include "util/util.h"

#include <stdbool.h>
#include <stddef.h>

enum df_cmd {
	DF_ADD,
	DF_ARG,
	DF_CMD,
	DF_COPY,
	DF_ENTRYPOINT,
	DF_ENV,
	DF_EXPOSE,
	DF_FROM,
	DF_HEALTHCHECK,
	DF_LABEL,
	DF_MAINTAINER,
	DF_ONBUILD,
	DF_RUN,
	DF_SHELL,
	DF_STOPSIGNAL,
	DF_USER,
	DF_VOLUME,
	DF_WORKDIR,
};

struct df_flag {
	char *name;  /* without "--" */
	char *value; /* substituted where Docker substitutes; "" when absent */
	bool has_value;
};

struct df_kv {
	char *key;
	char *value;     /* substituted, quotes removed; NULL for ARG without value */
	char *raw_value; /* as written (NULL likewise) */
};

struct df_heredoc {
	char *name;    /* delimiter, unquoted */
	char *content; /* the lines between, each ending in "\n" */
	bool chomp;    /* <<- : leading tabs removed */
	bool expand;   /* delimiter unquoted: the shell expands the body */
};

struct df_instr {
	enum df_cmd cmd;
	int start_line, end_line; /* 1-based, end includes here-document lines */
	int col;                  /* column of the keyword */
	char *text;               /* the logical line (continuations joined) */
	bool json;                /* exec form */
	struct df_flag *flags;
	size_t nflags;
	/* Arguments. Exec form: the array's strings. Shell form of RUN, CMD,
	 * ENTRYPOINT: one string, the command as written. HEALTHCHECK:
	 * "NONE", or "CMD" followed by the command (exec or shell form).
	 * FROM/ADD/COPY/EXPOSE/VOLUME: words, substituted. USER, WORKDIR,
	 * STOPSIGNAL, MAINTAINER: one string (substituted but MAINTAINER). */
	char **args;
	size_t nargs;
	bool unresolved;          /* an argument referenced an unset variable */
	struct df_kv *kvs;        /* ENV, LABEL, ARG */
	size_t nkvs;
	struct df_heredoc *heredocs;
	size_t nheredocs;
	struct df_instr *trigger; /* ONBUILD: the instruction it registers */
	int stage;                /* index into stages, -1 before the first FROM */
	char **ignores;           /* rule ids from ignore pragmas before it */
	size_t nignores;
};

struct df_stage {
	size_t from;    /* index of its FROM instruction */
	char *image;    /* base image as substituted ("scratch", "alpine:3.19", a stage name) */
	char *name;     /* AS alias (lower-cased) or NULL */
	int parent;     /* index of the earlier stage it is built FROM, or -1 */
	bool image_unresolved; /* the image name used an unset variable */
};

struct dockerfile {
	char escape; /* '\\' or '`' */
	char *syntax; /* # syntax= directive or NULL */
	struct df_instr *instrs;
	size_t ninstrs, cap_instrs;
	struct df_stage *stages;
	size_t nstages, cap_stages;
	char **global_ignores; /* from `# vigil global ignore=` pragmas */
	size_t nglobal_ignores;
};

/* Parses data (not NUL-terminated). On error returns -1 with e set to
 * "LINE:COL: message"; out is then empty. */
int dockerfile_parse(const char *data, size_t len, struct dockerfile *out, struct err *e);
void dockerfile_free(struct dockerfile *df);

const char *df_cmd_name(enum df_cmd c);
/* The flag's value, or NULL when the instruction does not carry it. */
const struct df_flag *df_flag_get(const struct df_instr *in, const char *name);

#endif
