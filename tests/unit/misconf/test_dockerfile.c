/* The Dockerfile parser: structure of what it returns (forms, arguments,
 * here-documents, substitution, stages, lines) and located errors. */
#include "misconf/dockerfile.h"
#include "testutil.h"

#include <stdlib.h>
#include <string.h>

static void parse_ok(const char *text, struct dockerfile *df)
{
	struct err e = {{0}};
	if (dockerfile_parse(text, strlen(text), df, &e))
		fail_msg("unexpected parse error: %s", e.msg);
}

static void parse_err(const char *text, size_t len, const char *want)
{
	struct dockerfile df;
	struct err e = {{0}};
	if (dockerfile_parse(text, len, &df, &e) == 0) {
		dockerfile_free(&df);
		fail_msg("parsed, expected error %s", want);
	}
	assert_string_equal(e.msg, want);
	assert_int_equal(df.ninstrs, 0); /* nothing left behind */
}

static const char *kv(const struct df_instr *in, const char *key)
{
	for (size_t i = 0; i < in->nkvs; i++)
		if (!strcmp(in->kvs[i].key, key))
			return in->kvs[i].value ? in->kvs[i].value : "<unset>";
	return "<absent>";
}

static void test_json_and_shell_forms(void **state)
{
	(void)state;
	struct dockerfile df;
	parse_ok("FROM alpine:3.19\n"
		 "RUN [\"/bin/sh\", \"-c\", \\\n"
		 "     \"echo hi\"]\n"
		 "CMD [ \"echo\", \\\n"
		 "  # a comment inside the continuation\n"
		 "\n"
		 "  \"hello\" ]\n"
		 "ENTRYPOINT [\"broken\", \"json\"   \n"
		 "ENTRYPOINT [\"a\"] trailing\n"
		 "RUN echo   spaced  \n"
		 "SHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]\n",
		 &df);
	assert_int_equal(df.ninstrs, 7);
	const struct df_instr *run = &df.instrs[1];
	assert_int_equal(run->cmd, DF_RUN);
	assert_true(run->json);
	assert_int_equal(run->nargs, 3);
	assert_string_equal(run->args[2], "echo hi");
	assert_int_equal(run->start_line, 2);
	assert_int_equal(run->end_line, 3);
	const struct df_instr *cmd = &df.instrs[2];
	assert_true(cmd->json);
	assert_int_equal(cmd->nargs, 2);
	assert_string_equal(cmd->args[0], "echo");
	assert_string_equal(cmd->args[1], "hello");
	assert_int_equal(cmd->start_line, 4);
	assert_int_equal(cmd->end_line, 7);
	/* A JSON array that does not parse is the shell form, as in Docker. */
	assert_false(df.instrs[3].json);
	assert_string_equal(df.instrs[3].args[0], "[\"broken\", \"json\"");
	assert_false(df.instrs[4].json);
	assert_string_equal(df.instrs[4].args[0], "[\"a\"] trailing");
	assert_false(df.instrs[5].json);
	assert_string_equal(df.instrs[5].args[0], "echo   spaced");
	assert_true(df.instrs[6].json);
	assert_int_equal(df.instrs[6].nargs, 4);
	dockerfile_free(&df);
}

static void test_heredocs(void **state)
{
	(void)state;
	struct dockerfile df;
	parse_ok("# syntax=docker/dockerfile:1.4\n"
		 "FROM debian:12\n"
		 "RUN <<EOF\n"
		 "apt-get update\n"
		 "  indented\n"
		 "EOF\n"
		 "RUN <<-EOT bash\n"
		 "\tset -e\n"
		 "\t\tsudo true\n"
		 "\tEOT\n"
		 "COPY <<FILE1 <<\"FILE2\" /etc/\n"
		 "one $HOME\n"
		 "FILE1\n"
		 "two\n"
		 "FILE2\n"
		 "RUN 3<<'X' cat <&3 && echo '<<NOT' \"<<NOT2\"\n"
		 "x\n"
		 "X\n"
		 "RUN [\"echo\", \"<<NOHEREDOC\"]\n"
		 "RUN cat <<<here-string\n",
		 &df);
	assert_non_null(df.syntax);
	assert_string_equal(df.syntax, "docker/dockerfile:1.4");
	assert_int_equal(df.ninstrs, 7);
	const struct df_instr *r1 = &df.instrs[1];
	assert_int_equal(r1->nheredocs, 1);
	assert_string_equal(r1->heredocs[0].name, "EOF");
	assert_string_equal(r1->heredocs[0].content, "apt-get update\n  indented\n");
	assert_true(r1->heredocs[0].expand);
	assert_false(r1->heredocs[0].chomp);
	assert_int_equal(r1->start_line, 3);
	assert_int_equal(r1->end_line, 6);
	const struct df_instr *r2 = &df.instrs[2];
	assert_true(r2->heredocs[0].chomp);
	assert_string_equal(r2->heredocs[0].content, "set -e\nsudo true\n");
	assert_int_equal(r2->end_line, 10);
	const struct df_instr *c = &df.instrs[3];
	assert_int_equal(c->cmd, DF_COPY);
	assert_int_equal(c->nheredocs, 2);
	assert_string_equal(c->heredocs[0].content, "one $HOME\n");
	assert_true(c->heredocs[0].expand);
	assert_string_equal(c->heredocs[1].name, "FILE2");
	assert_false(c->heredocs[1].expand);
	assert_int_equal(c->nargs, 3);
	assert_string_equal(c->args[2], "/etc/");
	const struct df_instr *r3 = &df.instrs[4];
	assert_int_equal(r3->nheredocs, 1); /* quoted <<NOT are not here-documents */
	assert_string_equal(r3->heredocs[0].name, "X");
	assert_false(r3->heredocs[0].expand);
	assert_int_equal(df.instrs[5].nheredocs, 0); /* exec form */
	assert_int_equal(df.instrs[6].nheredocs, 0); /* <<< */
	assert_int_equal(df.instrs[6].end_line, 20);
	dockerfile_free(&df);
}

static void test_escape_directive(void **state)
{
	(void)state;
	struct dockerfile df;
	parse_ok("# escape=`\n"
		 "FROM mcr.microsoft.com/windows/servercore:ltsc2022\n"
		 "RUN dir c:\\ ; `\n"
		 "    echo done\n"
		 "WORKDIR C:\\app\n"
		 "ENV P=C:\\x `\n"
		 "    Q=`$literal\n",
		 &df);
	assert_int_equal(df.escape, '`');
	assert_int_equal(df.ninstrs, 4);
	assert_string_equal(df.instrs[1].args[0], "dir c:\\ ;     echo done");
	assert_int_equal(df.instrs[1].end_line, 4);
	assert_string_equal(df.instrs[2].args[0], "C:\\app");
	assert_string_equal(kv(&df.instrs[3], "P"), "C:\\x");
	assert_string_equal(kv(&df.instrs[3], "Q"), "$literal");
	dockerfile_free(&df);

	/* Directives end at the first line that is not one; later ones are
	 * comments. */
	parse_ok("# a comment\n# escape=`\nFROM x:1\nRUN a \\\n b\n", &df);
	assert_int_equal(df.escape, '\\');
	assert_string_equal(df.instrs[1].args[0], "a  b");
	dockerfile_free(&df);
}

static void test_substitution(void **state)
{
	(void)state;
	struct dockerfile df;
	parse_ok("ARG BASE=alpine\n"
		 "ARG TAG=3.19\n"
		 "ARG EMPTY=\n"
		 "ARG UNSET\n"
		 "FROM ${BASE}:${TAG} AS One\n"
		 "FROM $BASE:${UNSET:-latest} AS two\n"
		 "FROM ${EMPTY:-busybox}${EMPTY-x}${UNSET+y}${BASE:+:1} AS three\n"
		 "FROM one\n"
		 "ARG TAG\n"
		 "ENV A=1 B=$A\n"
		 "ENV C=$A D=${TAG} E='$A' F=\"$A\" G=\\$A H=${A}x${NOPE}\n"
		 "ENV FILE=archive.tar.gz\n"
		 "ENV STEM=${FILE%%.*} EXT=${FILE#*.} LAST=${FILE##*.} R=${FILE/tar/zip}\n"
		 "LABEL version=\"$TAG\" other=plain\n"
		 "WORKDIR /srv/$A\n"
		 "USER ${NOBODY:-nobody}\n"
		 "EXPOSE ${PORT:-8080}/tcp\n"
		 "COPY --chown=$A:$A a /dst/$TAG/\n",
		 &df);
	assert_int_equal(df.nstages, 4);
	assert_string_equal(df.stages[0].image, "alpine:3.19");
	assert_string_equal(df.stages[0].name, "one"); /* lower-cased */
	assert_string_equal(df.stages[1].image, "alpine:latest");
	assert_false(df.stages[1].image_unresolved); /* the default decides */
	assert_string_equal(df.stages[2].image, "busybox:1");
	assert_int_equal(df.stages[3].parent, 0);
	assert_int_equal(df.stages[0].parent, -1);
	const struct df_instr *env1 = &df.instrs[9];
	assert_string_equal(kv(env1, "A"), "1");
	assert_string_equal(kv(env1, "B"), ""); /* A as it was before the instruction */
	assert_true(env1->unresolved);
	const struct df_instr *env2 = &df.instrs[10];
	assert_string_equal(kv(env2, "C"), "1");
	assert_string_equal(kv(env2, "D"), "3.19"); /* ARG TAG takes the global value */
	assert_string_equal(kv(env2, "E"), "$A");
	assert_string_equal(kv(env2, "F"), "1");
	assert_string_equal(kv(env2, "G"), "$A");
	assert_string_equal(kv(env2, "H"), "1x");
	const struct df_instr *env4 = &df.instrs[12];
	assert_string_equal(kv(env4, "STEM"), "archive");
	assert_string_equal(kv(env4, "EXT"), "tar.gz");
	assert_string_equal(kv(env4, "LAST"), "gz");
	assert_string_equal(kv(env4, "R"), "archive.zip.gz");
	assert_string_equal(kv(&df.instrs[13], "version"), "3.19");
	assert_string_equal(df.instrs[14].args[0], "/srv/1");
	assert_string_equal(df.instrs[15].args[0], "nobody");
	assert_string_equal(df.instrs[16].args[0], "8080/tcp");
	const struct df_instr *cp = &df.instrs[17];
	assert_string_equal(df_flag_get(cp, "chown")->value, "1:1");
	assert_string_equal(cp->args[1], "/dst/3.19/");
	dockerfile_free(&df);
}

static void test_flags_and_onbuild(void **state)
{
	(void)state;
	struct dockerfile df;
	parse_ok("FROM --platform=linux/amd64 alpine:3.19 AS b\n"
		 "RUN --mount=type=cache,target=/var/cache/apk --mount=type=secret,id=tok \\\n"
		 "    --network=none apk add x\n"
		 "COPY --link --chmod=0755 --from=b /a /b\n"
		 "COPY --link=false x y\n"
		 "ONBUILD RUN echo hi\n"
		 "ONBUILD COPY <<EOF /x\n"
		 "body\n"
		 "EOF\n"
		 "HEALTHCHECK --interval=5s --retries=3 CMD [\"true\"]\n"
		 "HEALTHCHECK NONE\n"
		 "HEALTHCHECK cmd curl -f http://localhost/\n",
		 &df);
	assert_string_equal(df_flag_get(&df.instrs[0], "platform")->value, "linux/amd64");
	const struct df_instr *run = &df.instrs[1];
	assert_int_equal(run->nflags, 3);
	assert_string_equal(run->flags[1].value, "type=secret,id=tok");
	assert_string_equal(run->args[0], "apk add x");
	const struct df_instr *cp = &df.instrs[2];
	assert_true(df_flag_get(cp, "link") && !df_flag_get(cp, "link")->has_value);
	assert_string_equal(df_flag_get(cp, "from")->value, "b");
	assert_null(df_flag_get(cp, "chown"));
	const struct df_instr *ob = &df.instrs[4];
	assert_int_equal(ob->cmd, DF_ONBUILD);
	assert_non_null(ob->trigger);
	assert_int_equal(ob->trigger->cmd, DF_RUN);
	assert_string_equal(ob->trigger->args[0], "echo hi");
	assert_int_equal(df.instrs[5].trigger->nheredocs, 1);
	assert_string_equal(df.instrs[5].trigger->heredocs[0].content, "body\n");
	assert_int_equal(df.instrs[5].end_line, 9);
	const struct df_instr *h = &df.instrs[6];
	assert_true(h->json);
	assert_int_equal(h->nargs, 2);
	assert_string_equal(h->args[0], "CMD");
	assert_string_equal(h->args[1], "true");
	assert_string_equal(df.instrs[7].args[0], "NONE");
	assert_false(df.instrs[8].json);
	assert_string_equal(df.instrs[8].args[1], "curl -f http://localhost/");
	dockerfile_free(&df);
}

static void test_lines_bom_crlf_pragmas(void **state)
{
	(void)state;
	struct dockerfile df;
	parse_ok("\xEF\xBB\xBF# vigil global ignore=VGL-DF-003\r\n"
		 "FROM alpine:3.19\r\n"
		 "# vigil ignore=VGL-DF-013, vgl-df-016\r\n"
		 "# hadolint ignore=DL3003\r\n"
		 "RUN cd /x && \\\r\n"
		 "\r\n"
		 "    sudo true\r\n"
		 "# hadolint ignore=DL3004\r\n"
		 "\r\n"
		 "RUN echo\r\n"
		 "  \\\n"
		 "USER nobody",
		 &df);
	assert_int_equal(df.nglobal_ignores, 1);
	assert_string_equal(df.global_ignores[0], "VGL-DF-003");
	assert_int_equal(df.ninstrs, 4);
	const struct df_instr *r = &df.instrs[1];
	assert_int_equal(r->nignores, 3);
	assert_string_equal(r->ignores[0], "VGL-DF-013");
	assert_string_equal(r->ignores[1], "VGL-DF-016");
	assert_string_equal(r->ignores[2], "DL3003");
	assert_int_equal(r->start_line, 5);
	assert_int_equal(r->end_line, 7);
	assert_string_equal(r->args[0], "cd /x &&     sudo true");
	assert_int_equal(df.instrs[2].nignores, 0); /* a blank line detached the pragma */
	assert_int_equal(df.instrs[3].start_line, 11); /* a lone "\\" line starts it, as in BuildKit */
	assert_string_equal(df.instrs[3].args[0], "nobody");
	dockerfile_free(&df);
}

static void test_errors(void **state)
{
	(void)state;
	parse_err("FROM a:1\nRUN <<EOF\nx\n", 22, "2:1: unterminated heredoc (delimiter EOF)");
	parse_err("FROM a:1\nCOPY [\"a\", null]\n", 25,
		  "2:1: when using JSON array syntax, arrays must be comprised of strings only");
	parse_err("FROM a:1\n\tFOO bar\n", 18, "2:2: unknown instruction: FOO");
	parse_err("FROM a:1\nCOPY --chown a b\n", 26, "2:1: missing a value on flag: chown");
	parse_err("FROM a:1\nCOPY --from=x --from=y a b\n", 36, "2:1: duplicate flag specified: from");
	parse_err("FROM a:1\nCOPY --link=maybe a b\n", 31, "2:1: expecting boolean value for flag link, not: maybe");
	parse_err("FROM a:1\nWORKDIR\n", 17, "2:1: WORKDIR requires exactly one argument");
	parse_err("FROM a:1\nENV A=\"unterminated\n", 28,
		  "2:1: unexpected end of statement while looking for matching double-quote");
	parse_err("FROM a:1\nENV A=${B:#x}\n", 22, "2:1: unsupported modifier (:#) in substitution");
	parse_err("FROM a:1\nRUN a\0b\n", 16, "2:6: NUL byte in Dockerfile");
	parse_err("ARG X\nFROM ${X}\n", 16, "2:1: base name (FROM ${X}) should not be blank");
	parse_err("FROM a:1\nONBUILD ONBUILD RUN x\n", 30, "2:1: Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed");
	parse_err("FROM a:1\nHEALTHCHECK NONE x\n", 27, "2:1: HEALTHCHECK NONE takes no arguments");
	parse_err("FROM a:1\nHEALTHCHECK --retries=x CMD true\n", 42, "2:1: --retries must be a number >= 0, got \"x\"");
	parse_err("FROM a:1\nVOLUME [\"\"]\n", 21, "2:1: VOLUME specified can not be an empty string");
	parse_err("ARG A\n", 6, "1:1: no FROM instruction: the file defines no build stage");
	parse_err("", 0, "1:1: file with no instructions");
	/* Exponential growth is cut, not followed. */
	struct buf b = {0};
	buf_appendf(&b, "FROM a:1\nENV A=xxxxxxxxxxxxxxxx\n");
	for (int i = 0; i < 40; i++)
		buf_appendf(&b, "ENV A=$A$A\n");
	struct dockerfile df;
	struct err e = {{0}};
	assert_int_equal(dockerfile_parse((char *)b.data, b.len, &df, &e), -1);
	assert_non_null(strstr(e.msg, "substitution result exceeds"));
	buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json_and_shell_forms),
		cmocka_unit_test(test_heredocs),
		cmocka_unit_test(test_escape_directive),
		cmocka_unit_test(test_substitution),
		cmocka_unit_test(test_flags_and_onbuild),
		cmocka_unit_test(test_lines_bom_crlf_pragmas),
		cmocka_unit_test(test_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
