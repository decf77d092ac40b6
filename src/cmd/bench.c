/* vigil bench: audit the local Docker host against the CIS Docker Benchmark
 * v1.6.0 (see src/bench/ and doc/bench.md). */
#include "bench/bench.h"
#include "cmd/cmd.h"
#include "util/util.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char usage[] = "Usage: vigil bench [OPTIONS]\n"
			    "\n"
			    "Audit this Docker host against the CIS Docker Benchmark v1.6.0, with the checks\n"
			    "of docker-bench-security: host configuration (1), daemon configuration (2),\n"
			    "daemon files (3), images (4), running containers (5), security operations (6)\n"
			    "and swarm (7). The daemon is reached on its Unix socket (DOCKER_HOST, default\n"
			    "unix:///var/run/docker.sock); its options are read from the running dockerd's\n"
			    "command line (/proc) and its daemon.json. Run as root for a complete audit:\n"
			    "checks that cannot read what they need report INFO, never PASS.\n"
			    "\n"
			    "Each check reports PASS, WARN, INFO (for a human to judge, not applicable, or\n"
			    "not evaluated) or NOTE (manual). The score adds 1 for each automated check that\n"
			    "passes and takes 1 for each that warns, as docker-bench-security does.\n"
			    "\n"
			    "Options:\n"
			    "  -c, --check LIST      run only these checks or sections, comma-separated:\n"
			    "                        \"2,5.4\", \"1.1\" (docker-bench-security's check_5_4 too)\n"
			    "  -e, --exclude LIST    skip these checks or sections (after --check)\n"
			    "  -f, --format FORMAT   text (default), json, sarif, junit\n"
			    "  -o, --output FILE     write the report to FILE (atomically) instead of stdout\n"
			    "      --remediation     print the remediation of each check that did not pass\n"
			    "      --exit-code N     exit with N when any check warns (default: 0)\n"
			    "  -H, --host unix://PATH  the daemon socket (overrides DOCKER_HOST)\n"
			    "      --config-file PATH  daemon.json to audit instead of the one the running\n"
			    "                        dockerd uses (its --config-file, else\n"
			    "                        /etc/docker/daemon.json)\n"
			    "  -u, --trusted-users LIST  users allowed to control the daemon (1.1.2 warns about\n"
			    "                        anyone else in the socket's group)\n"
			    "      --list            list the checks (id, level, automated, title) and exit\n"
			    "  -q, --quiet           no warnings on stderr\n"
			    "  -h, --help            this help\n"
			    "\n"
			    "Examples:\n"
			    "  vigil bench\n"
			    "  vigil bench -c 2,5 -e 5.10 --remediation\n"
			    "  vigil bench --format json -o bench.json --exit-code 1\n"
			    "\n"
			    "Exit codes: 0 ok (or warnings without --exit-code); N with --exit-code N when\n"
			    "a check warns; 2 usage error; 3 no daemon or bad DOCKER_HOST; 4 internal error\n"
			    "(cannot write the report).\n";

enum {
	OPT_REMEDIATION = 256,
	OPT_EXIT_CODE,
	OPT_CONFIG_FILE,
	OPT_LIST,
};

static const struct option long_opts[] = {
	{"check", required_argument, NULL, 'c'},
	{"exclude", required_argument, NULL, 'e'},
	{"format", required_argument, NULL, 'f'},
	{"output", required_argument, NULL, 'o'},
	{"remediation", no_argument, NULL, OPT_REMEDIATION},
	{"exit-code", required_argument, NULL, OPT_EXIT_CODE},
	{"host", required_argument, NULL, 'H'},
	{"config-file", required_argument, NULL, OPT_CONFIG_FILE},
	{"trusted-users", required_argument, NULL, 'u'},
	{"list", no_argument, NULL, OPT_LIST},
	{"quiet", no_argument, NULL, 'q'},
	{"help", no_argument, NULL, 'h'},
	{NULL, 0, NULL, 0},
};

struct bench_cli {
	struct bench_filter include, exclude;
	const char *format, *output;
	bool remediation, list;
	int exit_code;
	struct bench_options opt;
};

static void cli_free(struct bench_cli *c)
{
	bench_filter_free(&c->include);
	bench_filter_free(&c->exclude);
	for (size_t i = 0; i < c->opt.ntrusted; i++)
		free(c->opt.trusted_users[i]);
	free(c->opt.trusted_users);
}

static int add_filter(struct bench_filter *f, const char *list, const char *opt)
{
	char *bad = NULL;
	size_t before = f->n;
	if (bench_filter_parse(f, list, &bad) != 0) {
		report_error("vigil bench: %s: '%s' is not a check id or section (e.g. 2, 5.4, check_5_4)", opt, bad);
		free(bad);
		return EXIT_USAGE;
	}
	for (size_t i = before; i < f->n; i++)
		if (!bench_pattern_known(f->pats[i])) {
			report_error("vigil bench: %s: no check %s in the CIS Docker Benchmark v1.6.0 (see vigil bench "
				     "--list)",
				     opt, f->pats[i]);
			return EXIT_USAGE;
		}
	return 0;
}

static int parse(int argc, char **argv, struct bench_cli *c)
{
	memset(c, 0, sizeof *c);
	c->format = "text";
	optind = 1;
	opterr = 0;
	int ch, rc;
	while ((ch = getopt_long(argc, argv, "c:e:f:o:H:u:qh", long_opts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			if ((rc = add_filter(&c->include, optarg, "--check")))
				return rc;
			break;
		case 'e':
			if ((rc = add_filter(&c->exclude, optarg, "--exclude")))
				return rc;
			break;
		case 'f':
			if (strcmp(optarg, "text") && strcmp(optarg, "json") && strcmp(optarg, "sarif") &&
			    strcmp(optarg, "junit")) {
				report_error("vigil bench: unknown format '%s' (text, json, sarif, junit)", optarg);
				return EXIT_USAGE;
			}
			c->format = optarg;
			break;
		case 'o':
			c->output = optarg;
			break;
		case OPT_REMEDIATION:
			c->remediation = true;
			break;
		case OPT_EXIT_CODE: {
			char *end;
			long v = strtol(optarg, &end, 10);
			if (!*optarg || *end || v < 0 || v > 255) {
				report_error("vigil bench: --exit-code wants a number from 0 to 255");
				return EXIT_USAGE;
			}
			c->exit_code = (int)v;
			break;
		}
		case 'H':
			if (strncmp(optarg, "unix://", 7) || !optarg[7]) {
				report_error("vigil bench: --host wants unix://PATH, got '%s'", optarg);
				return EXIT_USAGE;
			}
			c->opt.host = optarg;
			break;
		case OPT_CONFIG_FILE:
			c->opt.config_file = optarg;
			break;
		case 'u':
			for (const char *p = optarg; *p;) {
				size_t n = strcspn(p, ",");
				if (n) {
					c->opt.trusted_users =
						xrealloc(c->opt.trusted_users, (c->opt.ntrusted + 1) * sizeof(char *));
					c->opt.trusted_users[c->opt.ntrusted++] = xstrndup(p, n);
				}
				p += n + (p[n] == ',');
			}
			break;
		case OPT_LIST:
			c->list = true;
			break;
		case 'q':
			util_quiet = true;
			break;
		case 'h':
			fputs(usage, stdout);
			return -1;
		default:
			report_error("vigil bench: unknown or incomplete option '%s' (see 'vigil bench --help')",
				     argv[optind - 1]);
			return EXIT_USAGE;
		}
	}
	if (optind < argc) {
		report_error("vigil bench: unexpected argument '%s' (see 'vigil bench --help')", argv[optind]);
		return EXIT_USAGE;
	}
	return 0;
}

static void list_checks(void)
{
	const struct bench_check *(*const sections[])(size_t *) = {
		bench_checks_host,    bench_checks_daemon, bench_checks_files, bench_checks_images,
		bench_checks_runtime, bench_checks_ops,    bench_checks_swarm};
	printf("%-7s %-5s %-9s %s\n", "ID", "LEVEL", "TYPE", "TITLE");
	for (size_t s = 0; s < ARRAY_LEN(sections); s++) {
		size_t n;
		const struct bench_check *c = sections[s](&n);
		for (size_t i = 0; i < n; i++)
			printf("%-7s %-5d %-9s %s\n", c[i].id, c[i].level, c[i].scored ? "Automated" : "Manual",
			       c[i].title);
	}
}

static int emit(const struct bench_cli *c, const struct buf *out)
{
	const char *data = out->data ? (const char *)out->data : "";
	if (c->output) {
		struct err e;
		if (write_file_atomic(c->output, data, out->len, &e) != 0) {
			report_error("%s", e.msg);
			return EXIT_INTERNAL;
		}
		return 0;
	}
	if (fwrite(data, 1, out->len, stdout) != out->len || fflush(stdout) != 0) {
		report_error("cannot write the report to stdout");
		return EXIT_INTERNAL;
	}
	return 0;
}

int cmd_bench(int argc, char **argv)
{
	struct bench_cli c;
	int rc = parse(argc, argv, &c);
	if (rc) {
		cli_free(&c);
		return rc < 0 ? EXIT_OK : rc;
	}
	if (c.list) {
		list_checks();
		cli_free(&c);
		return EXIT_OK;
	}
	struct bench_ctx ctx;
	struct err e = {{0}};
	rc = bench_ctx_open(&ctx, &c.opt, &e);
	if (rc) {
		report_error("%s", e.msg);
		bench_ctx_close(&ctx);
		cli_free(&c);
		return rc;
	}
	if (!ctx.dockerd_pid)
		report_warning("daemon options from the command line are unknown: %s", ctx.dockerd_why);
	struct bench_report rep;
	bench_run(&ctx, &c.include, &c.exclude, &rep);
	struct buf out = {0};
	bench_render(&rep, c.format, c.remediation, &out);
	rc = emit(&c, &out);
	if (!rc && c.exit_code)
		for (size_t i = 0; i < rep.n; i++)
			if (rep.entries[i].out.result == BENCH_WARN) {
				rc = c.exit_code;
				break;
			}
	buf_free(&out);
	bench_report_free(&rep);
	bench_ctx_close(&ctx);
	cli_free(&c);
	return rc;
}
