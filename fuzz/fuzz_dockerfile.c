/* Fuzz the Dockerfile parser, every Dockerfile rule and the reports on
 * arbitrary bytes, and the shell tokenizer on the same bytes as a RUN
 * script. Parse errors must carry a located message; accepted files must
 * lint and render without crashing or leaking. */
#include "misconf/lint.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* The parser takes a length: give it a buffer of exactly that size so
	 * that ASan catches any read past the end. */
	char *copy = malloc(size ? size : 1);
	if (!copy)
		abort();
	if (size)
		memcpy(copy, data, size);
	struct dockerfile df;
	struct err e = {{0}};
	if (dockerfile_parse(copy, size, &df, &e) == 0) {
		char *trusted[] = {"docker.io"};
		struct misconf_config cfg = {.trusted_registries = trusted, .ntrusted = 1};
		struct lint_opts o = {"Dockerfile", NULL, NULL, &cfg};
		struct misconf_findings f = {0};
		misconf_lint(&df, &o, &f);
		struct misconf_target t = {"Dockerfile", "dockerfile", &f, 39};
		json_t *j = misconf_report_json("Dockerfile", &t, 1);
		char *s = json_dumps(j, 0);
		if (!s)
			abort(); /* every string was sanitized to UTF-8 */
		free(s);
		json_decref(j);
		j = misconf_report_sarif(&t, 1);
		json_decref(j);
		free(misconf_report_table(&t, 1));
		misconf_findings_free(&f);
		dockerfile_free(&df);
	} else if (!e.msg[0] || e.msg[0] < '0' || e.msg[0] > '9') {
		abort(); /* errors are "LINE:COL: message" */
	}
	/* The same bytes as one shell script (NUL-terminated). */
	char *script = malloc(size + 1);
	if (!script)
		abort();
	memcpy(script, data, size);
	script[size] = 0;
	struct script_facts sf;
	misconf_script_facts(script, &sf);
	free(script);
	free(copy);
	return 0;
}
