/* vigil sbom: a software bill of materials for an image. */
#include "cmd/args.h"
#include "cmd/cmd.h"

static const char usage[] =
	"Usage: vigil sbom [OPTIONS] [HOST[:PORT]/]NAME[:TAG|@sha256:DIGEST]\n"
	"       vigil sbom [OPTIONS] --input PATH[:TAG|@sha256:DIGEST]\n"
	"\n"
	"Write a software bill of materials for an image: CycloneDX 1.5 or SPDX 2.3\n"
	"JSON, packages identified by purl. Targets as for 'vigil image'.\n"
	"\n"
	"Options:\n"
	"  -f, --format FORMAT   cyclonedx (default) or spdx-json\n"
	"  -o, --output FILE     write to FILE (atomically) instead of stdout\n"
	"      --platform OS/ARCH[/VARIANT]  image to pick from a multi-platform index\n"
	"      --image-src LIST  docker,registry (default), in that order\n"
	"      --insecure        plain HTTP to a loopback registry\n"
	"      --username USER, --password PASS  registry credentials\n"
	"  -q, --quiet           no warnings on stderr\n"
	"  -h, --help            this help\n"
	"\n"
	"Exit codes: 0 ok; 2 usage error; 3 bad or unreadable image; 4 internal error.\n";

static const char *const formats[] = {"cyclonedx", "spdx-json", NULL};

static const struct scan_command sbom_cmd = {
	.name = "sbom",
	.usage = usage,
	.formats = formats,
	.takes_input = true,
	.positional_kind = TARGET_DAEMON,
	.list_all_default = true,
};

int cmd_sbom(int argc, char **argv)
{
	/* No scanners by default: an SBOM is the inventory alone. */
	return scan_command_main(argc, argv, &sbom_cmd);
}
