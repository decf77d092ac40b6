/* The RUN-command tokenizer: commands, operators, quoting, redirections,
 * comments, here-document bodies, keywords, wrappers. */
#include "misconf/shell.h"
#include "util/util.h"
#include "testutil.h"

#include <stdlib.h>
#include <string.h>

/* Renders a script as "argv|argv…" with the operator after each command:
 * "echo a b &&|c ;" — compact enough to compare whole. */
static char *render(const char *s)
{
	struct sh_script sc;
	sh_parse(s, strlen(s), &sc);
	static const char *const ops[] = {"", ";", "&&", "||", "|", "&"};
	struct buf b = {0};
	for (size_t i = 0; i < sc.n; i++) {
		for (size_t k = 0; k < sc.cmds[i].argc; k++)
			buf_appendf(&b, "%s[%s]", k ? " " : "", sc.cmds[i].argv[k]);
		buf_appendf(&b, " %s\n", ops[sc.cmds[i].op]);
	}
	sh_script_free(&sc);
	return b.len ? buf_steal(&b) : xstrdup("");
}

static void check(const char *script, const char *want)
{
	char *got = render(script);
	if (strcmp(got, want)) {
		print_message("# script: %s\n# want:\n%s# got:\n%s", script, want, got);
		free(got);
		fail();
	}
	free(got);
}

static void test_operators(void **state)
{
	(void)state;
	check("a && b || c | d ; e & f", "[a] &&\n[b] ||\n[c] |\n[d] ;\n[e] &\n[f] \n");
	check("a\nb |& c", "[a] ;\n[b] |\n[c] \n");
	check("(cd /x && make) ; { echo; }", "[cd] [/x] &&\n[make] ;\n[echo] \n");
	check("", "");
	check("   \n ; ;; ", "");
}

static void test_quoting(void **state)
{
	(void)state;
	check("echo \"a b\" 'c d' e\\ f \"x\\\"y\" 'p\\q'", "[echo] [a b] [c d] [e f] [x\"y] [p\\q] \n");
	check("echo \"apt-get update && sudo x\"", "[echo] [apt-get update && sudo x] \n");
	check("echo $(curl -s x | sh) `id` ${A:-b c}", "[echo] [$(curl -s x | sh)] [`id`] [${A:-b c}] \n");
	check("bash -c \"$(wget -O- x)\"", "[bash] [-c] [$(wget -O- x)] \n");
	check("bash <(curl -s x) y", "[bash] [<(curl -s x)] [y] \n");
	check("echo \"unterminated", "[echo] [unterminated] \n");
	check("echo 'unterminated", "[echo] [unterminated] \n");
	check("echo $((1 + (2 * 3))) done", "[echo] [$((1 + (2 * 3)))] [done] \n");
	check("echo \"\" ''", "[echo] [] [] \n");
}

static void test_redirections_comments_heredocs(void **state)
{
	(void)state;
	check("cmd 2>&1 >/dev/null <in arg >> log &>all", "[cmd] [arg] \n");
	check("echo a # comment && rm -rf /\necho b", "[echo] [a] ;\n[echo] [b] \n");
	check("echo a#b", "[echo] [a#b] \n");
	check("cat <<EOF > /f\napt-get update\nEOF\necho done", "[cat] ;\n[echo] [done] \n");
	check("cat <<-'X'\n\tsudo y\n\tX\necho z", "[cat] ;\n[echo] [z] \n");
	check("cat <<<\"$x\" && y", "[cat] &&\n[y] \n");
}

static void test_keywords(void **state)
{
	(void)state;
	check("if apt-get update; then apt-get install -y x; fi",
	      "[apt-get] [update] ;\n[apt-get] [install] [-y] [x] \n");
	check("for p in a b; do pip install $p; done", "[for] [p] [in] [a] [b] ;\n[pip] [install] [$p] \n");
	check("! grep -q x f", "[grep] [-q] [x] [f] \n");
}

static void test_program(void **state)
{
	(void)state;
	struct sh_script s;
	const char *t = "DEBIAN_FRONTEND=noninteractive sudo -u root -E env A=1 -i /usr/bin/apt-get install x";
	sh_parse(t, strlen(t), &s);
	bool sudo;
	size_t i = sh_program(&s.cmds[0], &sudo);
	assert_true(sudo);
	assert_string_equal(s.cmds[0].argv[i], "/usr/bin/apt-get");
	assert_string_equal(sh_basename(s.cmds[0].argv[i]), "apt-get");
	sh_script_free(&s);
	t = "timeout -s KILL 10 nice -n 5 curl x; A=1 B=2; exec -- wget y";
	sh_parse(t, strlen(t), &s);
	assert_int_equal(s.n, 3);
	i = sh_program(&s.cmds[0], &sudo);
	assert_false(sudo);
	assert_string_equal(s.cmds[0].argv[i], "curl");
	assert_int_equal(sh_program(&s.cmds[1], NULL), s.cmds[1].argc); /* assignments only */
	assert_string_equal(s.cmds[2].argv[sh_program(&s.cmds[2], NULL)], "wget");
	sh_script_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_operators),
		cmocka_unit_test(test_quoting),
		cmocka_unit_test(test_redirections_comments_heredocs),
		cmocka_unit_test(test_keywords),
		cmocka_unit_test(test_program),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
