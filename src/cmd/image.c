/* vigil image: scan a container image. */
#include "cmd/args.h"
#include "cmd/cmd.h"

static const char usage[] =
	"Usage: vigil image [OPTIONS] [HOST[:PORT]/]NAME[:TAG|@sha256:DIGEST]\n"
	"       vigil image [OPTIONS] --input PATH[:TAG|@sha256:DIGEST]\n"
	"\n"
	"Scan a container image: its OS and installed packages, each attributed to\n"
	"the layer that introduced it.\n"
	"\n"
	"Targets:\n"
	"  [HOST[:PORT]/]NAME[:TAG|@sha256:DIGEST]\n"
	"                        an image in the local Docker Engine (DOCKER_HOST, default\n"
	"                        unix:///var/run/docker.sock) when it has it, else pulled\n"
	"                        from its registry (docker.io for short names like\n"
	"                        alpine:3.10); layers are streamed, never stored\n"
	"  -i, --input PATH      a docker-archive ('docker save' output; plain, gzip or zstd\n"
	"                        tar) or an OCI image layout (directory or tar). PATH:TAG\n"
	"                        picks an image by tag/ref name, PATH@sha256:... by digest\n"
	"\n"
	"Options:\n"
	"      --platform OS/ARCH[/VARIANT]  image to pick from a multi-platform index\n"
	"                        (default: this host's)\n"
	"      --list-all-pkgs   list every package (json, table)\n"
	"      --scanners LIST   any of vuln, secret, misconfig (image config and\n"
	"                        filesystem checks), or none; default vuln,secret\n"
	"      --secret-config FILE  YAML to add, disable or allow secret rules\n"
	"      --db PATH         vulnerability database (default\n"
	"                        $XDG_CACHE_HOME/vigil/db/vigil.db; see 'vigil db')\n"
	"      --severity LIST   report only these: UNKNOWN,LOW,MEDIUM,HIGH,CRITICAL\n"
	"      --ignore-unfixed  leave out vulnerabilities without a fixed version\n"
	"      --ignorefile FILE ids to leave out, one per line, '#' comments,\n"
	"                        optional exp:YYYY-MM-DD (default .vigilignore,\n"
	"                        then .trivyignore)\n"
	"      --exit-code N     exit with N when vulnerabilities remain (default 0)\n"
	"      --policy FILE     YAML policy gate (vulnerability, secret and\n"
	"                        misconfiguration limits, image rules, signature);\n"
	"                        the result is in every report but SBOMs; exit 1 when\n"
	"                        it fails (see 'Policy gates' in vigil(1))\n"
	"      --image-src LIST  where to look for a named image, in order: docker,\n"
	"                        registry (default docker,registry; also VIGIL_IMAGE_SRC;\n"
	"                        Trivy's 'remote' = registry)\n"
	"      --insecure        allow plain HTTP to a registry on a loopback address\n"
	"                        (127.0.0.0/8, ::1, localhost) only\n"
	"      --username USER, --password PASS  registry credentials (also\n"
	"                        VIGIL_USERNAME, VIGIL_PASSWORD; default: the 'auths' of\n"
	"                        $DOCKER_CONFIG/config.json or ~/.docker/config.json)\n"
	"      --offline         never pull from a registry (nothing else uses the network)\n"
	"      --verify-key KEY  scan only when the image's cosign signature verifies with\n"
	"                        the public key KEY (read from the registry, which the\n"
	"                        image is then read from by the verified digest; exit 3\n"
	"                        otherwise; see 'vigil verify')\n"
	"  -f, --format FORMAT   table (default), json, sarif, junit, html, cyclonedx,\n"
	"                        spdx-json (junit: CI test results; html: one page)\n"
	"  -o, --output FILE     write the report to FILE (atomically) instead of stdout\n"
	"      --threads N       layers read in parallel (directory layouts; default: cores)\n"
	"  -q, --quiet           no warnings on stderr\n"
	"  -h, --help            this help\n"
	"\n"
	"Exit codes: 0 ok; N with --exit-code N and findings; 1 the --policy failed;\n"
	"            2 usage error (also a bad policy file); 3 bad or unreadable\n"
	"            image; 4 internal error.\n";

static const char *const formats[] = {"table", "json", "sarif", "junit", "html", "cyclonedx", "spdx-json", NULL};

static const struct scan_command image_cmd = {
	.name = "image",
	.usage = usage,
	.formats = formats,
	.takes_input = true,
	.positional_kind = TARGET_DAEMON,
	.default_scanners = SCAN_VULN | SCAN_SECRET,
	.takes_policy = true,
};

int cmd_image(int argc, char **argv)
{
	return scan_command_main(argc, argv, &image_cmd);
}
