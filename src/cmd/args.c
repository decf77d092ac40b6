/* Command-line parsing shared by the scanning commands (image, rootfs,
 * sbom): they take the same options, differing in target and formats. */
#include "cmd/args.h"

#include "cmd/cmd.h"
#include "policy/filter.h"
#include "util/util.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum {
	OPT_INPUT = 'i',
	OPT_FORMAT = 'f',
	OPT_OUTPUT = 'o',
	OPT_QUIET = 'q',
	OPT_HELP = 'h',
	OPT_PLATFORM = 256,
	OPT_LIST_ALL,
	OPT_THREADS,
	OPT_DB,
	OPT_SEVERITY,
	OPT_IGNORE_UNFIXED,
	OPT_IGNOREFILE,
	OPT_EXIT_CODE,
	OPT_SCANNERS,
	OPT_OFFLINE,
	OPT_IMAGE_SRC,
	OPT_INSECURE,
	OPT_USERNAME,
	OPT_PASSWORD,
	OPT_SECRET_CONFIG,
	OPT_SHOW_HISTORY,
	OPT_VERIFY_KEY,
	OPT_POLICY,
};

static const struct option long_opts[] = {
	{"input", required_argument, NULL, OPT_INPUT},
	{"format", required_argument, NULL, OPT_FORMAT},
	{"output", required_argument, NULL, OPT_OUTPUT},
	{"quiet", no_argument, NULL, OPT_QUIET},
	{"help", no_argument, NULL, OPT_HELP},
	{"platform", required_argument, NULL, OPT_PLATFORM},
	{"list-all-pkgs", no_argument, NULL, OPT_LIST_ALL},
	{"threads", required_argument, NULL, OPT_THREADS},
	{"db", required_argument, NULL, OPT_DB},
	{"severity", required_argument, NULL, OPT_SEVERITY},
	{"ignore-unfixed", no_argument, NULL, OPT_IGNORE_UNFIXED},
	{"ignorefile", required_argument, NULL, OPT_IGNOREFILE},
	{"exit-code", required_argument, NULL, OPT_EXIT_CODE},
	{"scanners", required_argument, NULL, OPT_SCANNERS},
	{"offline", no_argument, NULL, OPT_OFFLINE},
	{"secret-config", required_argument, NULL, OPT_SECRET_CONFIG},
	{"show-history", no_argument, NULL, OPT_SHOW_HISTORY},
	{"image-src", required_argument, NULL, OPT_IMAGE_SRC},
	{"insecure", no_argument, NULL, OPT_INSECURE},
	{"username", required_argument, NULL, OPT_USERNAME},
	{"password", required_argument, NULL, OPT_PASSWORD},
	{"verify-key", required_argument, NULL, OPT_VERIFY_KEY},
	{"policy", required_argument, NULL, OPT_POLICY},
	{NULL, 0, NULL, 0},
};

static int default_threads(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n < 1 ? 1 : n > 16 ? 16 : (int)n;
}

static int parse_scanners(const char *list, unsigned *out)
{
	*out = 0;
	char *copy = xstrdup(list), *save = NULL;
	int rc = 0;
	for (char *w = strtok_r(copy, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
		if (!strcmp(w, "vuln"))
			*out |= SCAN_VULN;
		else if (!strcmp(w, "secret"))
			*out |= SCAN_SECRET;
		else if (!strcmp(w, "misconfig") || !strcmp(w, "config"))
			*out |= SCAN_MISCONFIG;
		else if (strcmp(w, "none") != 0)
			rc = -1;
	}
	free(copy);
	return rc;
}

/* A comma list of image sources, Trivy's names: docker, containerd, podman,
 * remote (= registry). */
static bool image_src_valid(const char *list)
{
	char *copy = xstrdup(list), *save = NULL;
	bool ok = true, any = false;
	for (char *w = strtok_r(copy, ",", &save); w && ok; w = strtok_r(NULL, ",", &save)) {
		any = true;
		ok = !strcmp(w, "docker") || !strcmp(w, "registry") || !strcmp(w, "remote") || !strcmp(w, "containerd") ||
		     !strcmp(w, "podman");
	}
	free(copy);
	return ok && any;
}

int scan_parse_args(int argc, char **argv, const struct scan_command *c, struct scan_opts *o)
{
	memset(o, 0, sizeof *o);
	o->format = c->formats[0];
	o->threads = default_threads();
	o->list_all_pkgs = c->list_all_default;
	o->scanners = c->default_scanners;
	const char *input = NULL;
	/* Like Trivy's TRIVY_*: the environment gives defaults, flags win. */
	o->image_src = getenv("VIGIL_IMAGE_SRC");
	if (o->image_src && !*o->image_src)
		o->image_src = NULL;
	o->username = getenv("VIGIL_USERNAME");
	o->password = getenv("VIGIL_PASSWORD");
	optind = 1;
	opterr = 0;
	int ch;
	while ((ch = getopt_long(argc, argv, c->takes_input ? "i:f:o:qh" : "f:o:qh", long_opts, NULL)) != -1) {
		switch (ch) {
		case OPT_INPUT:
			if (!c->takes_input)
				goto unknown;
			input = optarg;
			break;
		case OPT_FORMAT:
			if (!format_is_valid(optarg, c->formats)) {
				report_error("vigil %s: unknown format '%s'", c->name, optarg);
				return EXIT_USAGE;
			}
			o->format = optarg;
			break;
		case OPT_OUTPUT:
			o->output = optarg;
			break;
		case OPT_QUIET:
			util_quiet = true;
			break;
		case OPT_HELP:
			fputs(c->usage, stdout);
			return -1;
		case OPT_PLATFORM:
			if (!strchr(optarg, '/')) {
				report_error("vigil %s: --platform wants os/arch[/variant], got '%s'", c->name, optarg);
				return EXIT_USAGE;
			}
			o->platform = optarg;
			break;
		case OPT_LIST_ALL:
			o->list_all_pkgs = true;
			break;
		case OPT_DB:
			o->db_path = optarg;
			break;
		case OPT_SEVERITY: {
			struct err e = {{0}};
			if (severity_mask_parse(optarg, &o->severities, &e) != 0) {
				report_error("vigil %s: --severity: %s", c->name, e.msg);
				return EXIT_USAGE;
			}
			break;
		}
		case OPT_IGNORE_UNFIXED:
			o->ignore_unfixed = true;
			break;
		case OPT_IGNOREFILE:
			o->ignorefile = optarg;
			break;
		case OPT_EXIT_CODE: {
			char *end;
			long v = strtol(optarg, &end, 10);
			if (*end || v < 0 || v > 255) {
				report_error("vigil %s: --exit-code wants a number from 0 to 255", c->name);
				return EXIT_USAGE;
			}
			o->exit_code = (int)v;
			break;
		}
		case OPT_SCANNERS:
			if (parse_scanners(optarg, &o->scanners) != 0) {
				report_error("vigil %s: --scanners: unknown scanner in '%s' (known: vuln, secret, misconfig, none)", c->name,
					     optarg);
				return EXIT_USAGE;
			}
			break;
		case OPT_SECRET_CONFIG:
			o->secret_config = optarg;
			break;
		case OPT_SHOW_HISTORY:
			o->show_history = true;
			break;
		case OPT_OFFLINE:
			o->offline = true; /* no registry pulls; nothing else uses the network */
			break;
		case OPT_IMAGE_SRC:
			o->image_src = optarg;
			break;
		case OPT_INSECURE:
			o->insecure = true;
			break;
		case OPT_USERNAME:
			o->username = optarg;
			break;
		case OPT_PASSWORD:
			o->password = optarg;
			break;
		case OPT_VERIFY_KEY:
			o->verify_key = optarg;
			break;
		case OPT_POLICY:
			if (!c->takes_policy)
				goto unknown;
			o->policy_file = optarg;
			break;
		case OPT_THREADS:
			o->threads = parse_threads(optarg);
			if (o->threads < 0) {
				report_error("vigil %s: --threads wants a number from 1 to 256", c->name);
				return EXIT_USAGE;
			}
			break;
		default:
		unknown:
			report_error("vigil %s: unknown or incomplete option '%s' (see 'vigil %s --help')", c->name,
				     argv[optind - 1], c->name);
			return EXIT_USAGE;
		}
	}
	if (o->image_src && !image_src_valid(o->image_src)) {
		report_error("vigil %s: --image-src: '%s' is not a comma list of docker, registry (or remote), "
			     "containerd, podman",
			     c->name, o->image_src);
		return EXIT_USAGE;
	}
	int rest = argc - optind;
	if (input && rest == 0) {
		o->kind = TARGET_ARCHIVE;
		o->target = input;
	} else if (!input && rest == 1) {
		o->kind = c->positional_kind;
		o->target = argv[optind];
	} else {
		report_error("vigil %s: %s (see 'vigil %s --help')", c->name,
			     rest > 1 || (input && rest) ? "give exactly one target" : "no target given", c->name);
		return EXIT_USAGE;
	}
	return 0;
}

int scan_command_main(int argc, char **argv, const struct scan_command *c)
{
	struct scan_opts o;
	int rc = scan_parse_args(argc, argv, c, &o);
	if (rc)
		return rc < 0 ? EXIT_OK : rc;
	/* A policy that does not load is a usage error, before any scanning. */
	struct policy policy;
	if (o.policy_file) {
		struct err e = {{0}};
		if (policy_load(o.policy_file, &policy, &e) != 0) {
			report_error("--policy %s", e.msg);
			return EXIT_USAGE;
		}
		o.policy = &policy;
	}
	struct scan_result res;
	rc = scan_run(&o, &res);
	if (rc == 0)
		rc = scan_match(&o, &res);
	if (rc == 0 && o.policy)
		scan_policy_evaluate(&o, &res);
	if (rc == 0)
		rc = scan_write_report(&o, &res);
	if (rc == 0)
		rc = scan_exit_status(&o, &res);
	scan_result_free(&res);
	if (o.policy)
		policy_free(&policy);
	return rc;
}
