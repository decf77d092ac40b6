/* vigil rootfs: scan an unpacked root filesystem (e.g. "vigil rootfs /"). */
#include "cmd/args.h"
#include "cmd/cmd.h"

static const char usage[] =
	"Usage: vigil rootfs [OPTIONS] DIR\n"
	"\n"
	"Scan an unpacked root filesystem, such as a container's exported rootfs or\n"
	"this host ('vigil rootfs /'). Symbolic links are never followed; /proc, /sys\n"
	"and other pseudo filesystems are skipped.\n"
	"\n"
	"Options:\n"
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
	"                        misconfiguration limits; its image and signature\n"
	"                        rules fail on a directory); the result is in every\n"
	"                        report but SBOMs; exit 1 when it fails (see 'Policy\n"
	"                        gates' in vigil(1))\n"
	"      --offline         accepted for Trivy users: scans never use the network\n"
	"  -f, --format FORMAT   table (default), json, sarif, junit, html, cyclonedx,\n"
	"                        spdx-json (junit: CI test results; html: one page)\n"
	"  -o, --output FILE     write the report to FILE (atomically) instead of stdout\n"
	"  -q, --quiet           no warnings on stderr\n"
	"  -h, --help            this help\n"
	"\n"
	"Exit codes: 0 ok; N with --exit-code N and findings; 1 the --policy failed;\n"
	"            2 usage error (also a bad policy file); 3 unreadable directory;\n"
	"            4 internal error.\n";

static const char *const formats[] = {"table", "json", "sarif", "junit", "html", "cyclonedx", "spdx-json", NULL};

static const struct scan_command rootfs_cmd = {
	.name = "rootfs",
	.usage = usage,
	.formats = formats,
	.takes_input = false,
	.positional_kind = TARGET_ROOTFS,
	.default_scanners = SCAN_VULN | SCAN_SECRET,
	.takes_policy = true,
};

static const char fs_usage[] =
	"Usage: vigil fs [OPTIONS] DIR\n"
	"\n"
	"Scan a plain directory, such as a build context before 'docker build', for\n"
	"secrets (and, when it holds an OS package database, vulnerabilities).\n"
	"Same walk and options as 'vigil rootfs'.\n"
	"\n"
	"Options:\n"
	"      --scanners LIST   any of secret, vuln, misconfig, or none; default secret,vuln\n"
	"      --secret-config FILE  YAML to add, disable or allow secret rules\n"
	"      --severity LIST   report only these: UNKNOWN,LOW,MEDIUM,HIGH,CRITICAL\n"
	"      --exit-code N     exit with N when findings remain (default 0)\n"
	"  -f, --format FORMAT   table (default), json, sarif, junit, html\n"
	"  -o, --output FILE     write the report to FILE (atomically) instead of stdout\n"
	"  -q, --quiet           no warnings on stderr\n"
	"  -h, --help            this help\n"
	"\n"
	"Exit codes: 0 ok; N with --exit-code N and findings; 2 usage error;\n"
	"            3 unreadable directory; 4 internal error.\n";

static const char *const fs_formats[] = {"table", "json", "sarif", "junit", "html", NULL};

static const struct scan_command fs_cmd = {
	.name = "fs",
	.usage = fs_usage,
	.formats = fs_formats,
	.takes_input = false,
	.positional_kind = TARGET_ROOTFS,
	.default_scanners = SCAN_VULN | SCAN_SECRET,
};

int cmd_rootfs(int argc, char **argv)
{
	return scan_command_main(argc, argv, &rootfs_cmd);
}

int cmd_fs(int argc, char **argv)
{
	return scan_command_main(argc, argv, &fs_cmd);
}
