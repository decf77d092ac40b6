#include "cmd/cmd.h"

#include "config.h"
#include "util/util.h"

#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
	"Usage: vigil [--version] [--help] COMMAND [ARGS]\n"
	"\n"
	"Container image security scanner.\n"
	"\n"
	"Commands:\n"
	"  image    scan a container image (archive, OCI layout, or local Docker daemon)\n"
	"  rootfs   scan an unpacked root filesystem\n"
	"  fs       scan a plain directory (a build context) for secrets\n"
	"  sbom     write a software bill of materials (CycloneDX or SPDX) for an image\n"
	"  bench    audit this Docker host against the CIS Docker Benchmark v1.6.0\n"
	"  config   lint Dockerfiles (misconfigurations, CIS Docker Benchmark section 4)\n"
	"  db       build and inspect the local vulnerability database\n"
	"  key      generate cosign-compatible signing keys\n"
	"  sign     sign an image in its registry (cosign-compatible)\n"
	"  verify   verify an image's cosign or Docker Content Trust signatures\n"
	"  trust    inspect Docker Content Trust (notary) data\n"
	"\n"
	"Run 'vigil COMMAND --help' for a command's options. See vigil(1).\n"
	"\n"
	"Exit codes: 0 ok; 1 findings (with --exit-code) or a failed --policy;\n"
	"            2 usage error; 3 bad or unreadable input; 4 internal error.\n";

struct command {
	const char *name;
	int (*run)(int argc, char **argv);
};

static const struct command commands[] = {
	{"image", cmd_image},
	{"rootfs", cmd_rootfs},
	{"fs", cmd_fs},
	{"sbom", cmd_sbom},
	{"bench", cmd_bench},
	{"config", cmd_config},
	{"db", cmd_db},
	{"key", cmd_key},
	{"sign", cmd_sign},
	{"verify", cmd_verify},
	{"trust", cmd_trust},
};

int cmd_main(int argc, char **argv)
{
	/* Archive member names are UTF-8 (pax) or raw bytes; libarchive converts
	 * them through the locale's charset, so use a UTF-8 one whatever the
	 * environment says (only LC_CTYPE: output formats stay locale-free). */
	if (!setlocale(LC_CTYPE, "C.UTF-8"))
		setlocale(LC_CTYPE, "");
	/* libarchive converts every zip entry's DOS time with mktime(), and
	 * glibc re-reads /etc/localtime on each call while TZ is unset (a stat
	 * per entry: 7% of importing OSV's all.zip). Naming the same default
	 * zone lets glibc read it once. */
	if (!getenv("TZ"))
		setenv("TZ", ":/etc/localtime", 0);
	/* Writes to a closed pipe (a reader that went away) are errors, not deaths. */
	signal(SIGPIPE, SIG_IGN);
	if (argc < 2) {
		fputs(usage, stderr);
		return EXIT_USAGE;
	}
	const char *name = argv[1];
	if (!strcmp(name, "--help") || !strcmp(name, "-h") || !strcmp(name, "help")) {
		fputs(usage, stdout);
		return EXIT_OK;
	}
	if (!strcmp(name, "--version") || !strcmp(name, "version")) {
		printf("vigil %s\n", VIGIL_VERSION);
		return EXIT_OK;
	}
	for (size_t i = 0; i < ARRAY_LEN(commands); i++)
		if (!strcmp(name, commands[i].name))
			return commands[i].run(argc - 1, argv + 1);
	report_error("unknown command '%s' (see 'vigil --help')", name);
	return EXIT_USAGE;
}
