/* vigil config: lint Dockerfiles (src/misconf). */
#include "cmd/cmd.h"
#include "misconf/lint.h"
#include "util/util.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

static const char usage[] =
	"Usage: vigil config [OPTIONS] PATH...\n"
	"\n"
	"Lint Dockerfiles: parse them as Docker (BuildKit) does and check them against\n"
	"vigil's rules VGL-DF-001... (CIS Docker Benchmark section 4, hadolint, dockle\n"
	"and Trivy checks; see --list-rules).\n"
	"\n"
	"PATH is a Dockerfile, a directory holding a file named Dockerfile, or '-' for\n"
	"standard input. The directory of a Dockerfile is taken as its build context\n"
	"(for the .dockerignore check).\n"
	"\n"
	"Options:\n"
	"      --severity LIST   report only these: LOW,MEDIUM,HIGH,CRITICAL\n"
	"      --exit-code N     exit with N when findings remain (default 0)\n"
	"  -f, --format FORMAT   table (default), json, sarif\n"
	"  -o, --output FILE     write the report to FILE (atomically) instead of stdout\n"
	"      --config FILE     settings file (default: .vigil.yaml in the current\n"
	"                        directory when there is one):\n"
	"                          ignore: [VGL-DF-003, DL3008]\n"
	"                          severity: {VGL-DF-001: HIGH}\n"
	"                          trusted-registries: [docker.io, registry.example.com]\n"
	"      --ignore ID       leave out a rule (vigil id, or a hadolint/dockle/Trivy id\n"
	"                        it corresponds to); repeatable\n"
	"      --list-rules      print every rule and exit\n"
	"  -q, --quiet           no warnings on stderr\n"
	"  -h, --help            this help\n"
	"\n"
	"In a Dockerfile, '# vigil ignore=VGL-DF-003,VGL-DF-010' or\n"
	"'# hadolint ignore=DL3008' on the comment lines right before an instruction\n"
	"leaves those rules out for it; '# vigil global ignore=ID,...' anywhere, for\n"
	"the whole file.\n"
	"\n"
	"Exit codes: 0 ok; N with --exit-code N and findings; 2 usage error;\n"
	"            3 unreadable or invalid Dockerfile (FILE:LINE:COL: message) or\n"
	"              settings file; 4 internal error.\n";

/* Dockerfiles are small; 16 MiB bounds a hostile one. */
#define DOCKERFILE_MAX (16u << 20)

enum {
	OPT_SEVERITY = 256,
	OPT_EXIT_CODE,
	OPT_CONFIG,
	OPT_IGNORE,
	OPT_LIST_RULES,
};

static const struct option long_opts[] = {
	{"severity", required_argument, NULL, OPT_SEVERITY},
	{"exit-code", required_argument, NULL, OPT_EXIT_CODE},
	{"format", required_argument, NULL, 'f'},
	{"output", required_argument, NULL, 'o'},
	{"config", required_argument, NULL, OPT_CONFIG},
	{"ignore", required_argument, NULL, OPT_IGNORE},
	{"list-rules", no_argument, NULL, OPT_LIST_RULES},
	{"quiet", no_argument, NULL, 'q'},
	{"help", no_argument, NULL, 'h'},
	{NULL, 0, NULL, 0},
};

static void list_rules(void)
{
	const struct misconf_rule *sets[2];
	size_t n[2];
	sets[0] = misconf_dockerfile_rules(&n[0]);
	sets[1] = misconf_image_rules(&n[1]);
	printf("%-11s %-9s %s [CORRESPONDS TO]\n", "ID", "SEVERITY", "TITLE");
	for (size_t s = 0; s < 2; s++)
		for (size_t i = 0; i < n[s]; i++) {
			const struct misconf_rule *r = &sets[s][i];
			struct buf b = {0};
			const char *l[] = {r->hadolint, r->dockle, r->trivy};
			for (size_t k = 0; k < 3; k++)
				if (l[k])
					buf_appendf(&b, "%s%s", b.len ? ", " : "", l[k]);
			printf("%-11s %-9s %s [%s]\n", r->id, misconf_severity_name(r->severity), r->title,
			       b.len ? (char *)b.data : "-");
			buf_free(&b);
		}
}

/* "LOW,HIGH" -> mask of severities. */
static int parse_severities(const char *s, unsigned *mask)
{
	*mask = 0;
	char *c = xstrdup(s), *save = NULL;
	int rc = 0;
	for (char *t = strtok_r(c, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		enum misconf_severity v = misconf_severity_parse(t);
		if (!v) {
			rc = -1;
			break;
		}
		*mask |= 1u << v;
	}
	free(c);
	return *mask ? rc : -1;
}

struct input {
	char *display;  /* name in reports */
	char *path;     /* file on disk, NULL for stdin */
	char *context;  /* directory, NULL for stdin */
	struct misconf_findings findings;
};

static int read_input(const char *arg, struct input *in, struct buf *data, struct err *e)
{
	memset(in, 0, sizeof *in);
	if (!strcmp(arg, "-")) {
		in->display = xstrdup("-");
		char chunk[65536];
		size_t k;
		while ((k = fread(chunk, 1, sizeof chunk, stdin)) > 0) {
			buf_append(data, chunk, k);
			if (data->len > DOCKERFILE_MAX) {
				err_set(e, "-: standard input exceeds %u bytes", DOCKERFILE_MAX);
				return -1;
			}
		}
		if (ferror(stdin)) {
			err_set(e, "-: cannot read standard input: %s", strerror(errno));
			return -1;
		}
		return 0;
	}
	struct stat st;
	if (stat(arg, &st) != 0) {
		err_set(e, "%s: %s", arg, strerror(errno));
		return -1;
	}
	if (S_ISDIR(st.st_mode)) {
		size_t l = strlen(arg);
		in->path = xasprintf("%s%sDockerfile", arg, l && arg[l - 1] == '/' ? "" : "/");
		in->context = xstrdup(arg);
	} else {
		in->path = xstrdup(arg);
		const char *slash = strrchr(arg, '/');
		in->context = slash ? xstrndup(arg, slash == arg ? 1 : (size_t)(slash - arg)) : xstrdup(".");
	}
	in->display = xstrdup(in->path);
	return read_file_capped(in->path, DOCKERFILE_MAX, data, e);
}

static void input_free(struct input *in)
{
	free(in->display);
	free(in->path);
	free(in->context);
	misconf_findings_free(&in->findings);
}

int cmd_config(int argc, char **argv)
{
	const char *format = "table", *output = NULL, *config = NULL;
	unsigned sev_mask = 0;
	long exit_code = 0;
	char **ignores = NULL;
	size_t nignores = 0;
	int rc = EXIT_OK;
	optind = 1;
	opterr = 0;
	int ch;
	while ((ch = getopt_long(argc, argv, "f:o:qh", long_opts, NULL)) != -1) {
		switch (ch) {
		case 'f':
			if (strcmp(optarg, "table") && strcmp(optarg, "json") && strcmp(optarg, "sarif")) {
				report_error("vigil config: unknown format '%s' (table, json, sarif)", optarg);
				rc = EXIT_USAGE;
				goto out;
			}
			format = optarg;
			break;
		case 'o':
			output = optarg;
			break;
		case 'q':
			util_quiet = true;
			break;
		case 'h':
			fputs(usage, stdout);
			goto out;
		case OPT_SEVERITY:
			if (parse_severities(optarg, &sev_mask)) {
				report_error("vigil config: --severity wants a list of LOW,MEDIUM,HIGH,CRITICAL, got '%s'",
					     optarg);
				rc = EXIT_USAGE;
				goto out;
			}
			break;
		case OPT_EXIT_CODE: {
			char *end;
			errno = 0;
			exit_code = strtol(optarg, &end, 10);
			if (!*optarg || *end || errno || exit_code < 0 || exit_code > 255) {
				report_error("vigil config: --exit-code wants a number from 0 to 255, got '%s'", optarg);
				rc = EXIT_USAGE;
				goto out;
			}
			break;
		}
		case OPT_CONFIG:
			config = optarg;
			break;
		case OPT_IGNORE:
			ignores = xrealloc(ignores, (nignores + 1) * sizeof *ignores);
			ignores[nignores++] = optarg;
			break;
		case OPT_LIST_RULES:
			list_rules();
			goto out;
		default:
			report_error("vigil config: unknown or incomplete option '%s' (see 'vigil config --help')",
				     argv[optind - 1]);
			rc = EXIT_USAGE;
			goto out;
		}
	}
	if (optind >= argc) {
		report_error("vigil config: no Dockerfile given (see 'vigil config --help')");
		rc = EXIT_USAGE;
		goto out;
	}
	for (size_t i = 0; i < nignores; i++)
		if (!misconf_rule_find(ignores[i])) {
			bool mapped = false;
			size_t n;
			const struct misconf_rule *t = misconf_dockerfile_rules(&n);
			for (size_t k = 0; k < n && !mapped; k++)
				mapped = misconf_rule_maps(&t[k], ignores[i]);
			if (!mapped) {
				report_error("vigil config: --ignore: unknown rule id '%s' (see --list-rules)", ignores[i]);
				rc = EXIT_USAGE;
				goto out;
			}
		}

	struct misconf_config cfg = {0};
	struct err e = {{0}};
	struct stat st;
	if (!config && stat(".vigil.yaml", &st) == 0)
		config = ".vigil.yaml";
	if (config && misconf_config_load(config, &cfg, &e)) {
		report_error("%s", e.msg);
		rc = EXIT_INPUT;
		goto out;
	}
	for (size_t i = 0; i < nignores; i++) {
		cfg.ignore = xrealloc(cfg.ignore, (cfg.nignore + 1) * sizeof *cfg.ignore);
		cfg.ignore[cfg.nignore++] = xstrdup(ignores[i]);
	}

	size_t nin = (size_t)(argc - optind);
	struct input *inputs = xcalloc(nin, sizeof *inputs);
	struct misconf_target *targets = xcalloc(nin, sizeof *targets);
	size_t nrules;
	misconf_dockerfile_rules(&nrules);
	size_t total = 0, done = 0;
	for (size_t i = 0; i < nin; i++) {
		struct buf data = {0};
		struct input *in = &inputs[i];
		done++;
		if (read_input(argv[optind + (int)i], in, &data, &e)) {
			report_error("%s", e.msg);
			buf_free(&data);
			rc = EXIT_INPUT;
			break;
		}
		struct dockerfile df;
		if (dockerfile_parse((const char *)data.data, data.len, &df, &e)) {
			char *name = utf8_sanitize(in->display);
			report_error("%s:%s", name, e.msg);
			free(name);
			buf_free(&data);
			rc = EXIT_INPUT;
			break;
		}
		buf_free(&data);
		struct lint_opts lo = {in->display, in->path, in->context, &cfg};
		misconf_lint(&df, &lo, &in->findings);
		dockerfile_free(&df);
		misconf_config_apply(&cfg, &in->findings);
		for (size_t k = 0; k < in->findings.n;)
			if (sev_mask && !(sev_mask & (1u << in->findings.v[k].severity)))
				misconf_findings_remove(&in->findings, k);
			else
				k++;
		total += in->findings.n;
		targets[i] = (struct misconf_target){in->display, "dockerfile", &in->findings, nrules};
	}
	if (rc == EXIT_OK) {
		char *text = NULL;
		if (!strcmp(format, "table")) {
			text = misconf_report_table(targets, nin);
		} else {
			json_t *doc = !strcmp(format, "json")
					      ? misconf_report_json(nin == 1 ? inputs[0].display : ".", targets, nin)
					      : misconf_report_sarif(targets, nin);
			char *j = json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
			json_decref(doc);
			if (!j)
				die("out of memory");
			text = xasprintf("%s\n", j);
			free(j);
		}
		if (output) {
			if (write_file_atomic(output, text, strlen(text), &e)) {
				report_error("%s", e.msg);
				rc = EXIT_INTERNAL;
			}
		} else if (fputs(text, stdout) == EOF || fflush(stdout) != 0) {
			report_error("cannot write the report to standard output: %s", strerror(errno));
			rc = EXIT_INTERNAL;
		}
		free(text);
		if (rc == EXIT_OK && total && exit_code)
			rc = (int)exit_code;
	}
	for (size_t i = 0; i < done; i++)
		input_free(&inputs[i]);
	free(inputs);
	free(targets);
	misconf_config_free(&cfg);
out:
	free(ignores);
	return rc;
}
