/* misconf-image-dump ARCHIVE [--history]: reads an image archive through the
 * real pipeline (scan_run) and prints the image checks as the JSON
 * `vigil image --scanners misconfig --format json` is to contain:
 *   {"Results": [{"Target", "Class": "config", "Type": "image-config",
 *                 "Misconfigurations": [{ID, Title, Severity, Message,
 *                                       Layer{Index, Digest, DiffID}, …}]}]}
 * or, with --history, the Dockerfile reconstructed from the history. A test
 * helper for tests/system/test_misconf.sh, not installed. */
#include "cmd/cmd.h"
#include "cmd/scan.h"
#include "misconf/image_checks.h"
#include "misconf/lint.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: misconf-image-dump ARCHIVE [--history]\n");
		return EXIT_USAGE;
	}
	struct scan_opts o = {0};
	o.kind = TARGET_ARCHIVE;
	o.target = argv[1];
	o.format = "json";
	o.threads = 2;
	struct scan_result res;
	int rc = scan_run(&o, &res);
	if (rc)
		return rc;
	if (argc > 2 && !strcmp(argv[2], "--history")) {
		char *d = misconf_history_dockerfile(&res.img);
		fputs(d, stdout);
		free(d);
		scan_result_free(&res);
		return 0;
	}
	struct misconf_findings f = {0};
	misconf_check_image(&res.img, &res.view, res.layers, res.nlayers, &f);
	json_t *list = json_array();
	for (size_t i = 0; i < f.n; i++)
		json_array_append_new(list, misconf_finding_json(&f.v[i], &res.img));
	json_t *r = json_pack("{s:s,s:s,s:s,s:o}", "Target", res.img.name ? res.img.name : argv[1], "Class",
			      "config", "Type", "image-config", "Misconfigurations", list);
	json_t *doc = json_pack("{s:[o]}", "Results", r);
	char *s = json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	puts(s);
	free(s);
	json_decref(doc);
	misconf_findings_free(&f);
	scan_result_free(&res);
	return 0;
}
