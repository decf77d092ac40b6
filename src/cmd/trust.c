/* vigil trust: read Docker Content Trust (notary v1) data. */
#include "cmd/cmd.h"
#include "trust/trust.h"
#include "util/util.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
	"Usage: vigil trust inspect [--trust-server URL] [--tlscacert CA.pem] IMAGE[:TAG]...\n"
	"\n"
	"Fetch the TUF metadata of each IMAGE from a notary server (GUN = registry host\n"
	"/ repository: GET /v2/<gun>/_trust/tuf/{root,timestamp,snapshot,targets,\n"
	"targets/...}.json), verify it, and print what `docker trust inspect` prints: a\n"
	"JSON array of {Name, SignedTags[{SignedTag, Digest, Signers}], Signers,\n"
	"AdministrativeKeys}. With :TAG only that tag is listed.\n"
	"\n"
	"Verified: root is signed by a threshold of its own root keys (trust on first\n"
	"use, as the notary client without pinning; --root-key-id pins it); timestamp,\n"
	"snapshot and targets by their role keys from root; delegations such as\n"
	"targets/releases by the keys targets.json delegates to, within their paths;\n"
	"every file's length and sha256/sha512 as its parent lists them; key IDs;\n"
	"expiry. Signatures: ECDSA (r||s), Ed25519, RSA-PSS and RSA PKCS#1 v1.5, over\n"
	"the canonical JSON of \"signed\".\n"
	"\n"
	"Options:\n"
	"      --trust-server URL   notary server (default $DOCKER_CONTENT_TRUST_SERVER);\n"
	"                           https, or http to a loopback address only\n"
	"      --tlscacert FILE     CA certificate(s) for the server's TLS certificate\n"
	"      --root-key-id ID     the root key ID that root.json must list\n"
	"  -h, --help               this help\n"
	"\n"
	"Exit codes: 0 ok; 2 usage error; 3 the trust data is missing, unreachable or\n"
	"            does not verify (the first failing check is printed).\n";

enum { OPT_SERVER = 256, OPT_CA, OPT_ROOT };

int cmd_trust(int argc, char **argv)
{
	static const struct option opts[] = {
		{"trust-server", required_argument, NULL, OPT_SERVER},
		{"tlscacert", required_argument, NULL, OPT_CA},
		{"root-key-id", required_argument, NULL, OPT_ROOT},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct trust_opts to = {.server = getenv("DOCKER_CONTENT_TRUST_SERVER")};
	optind = 0;
	opterr = 0;
	int ch;
	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (ch) {
		case OPT_SERVER:
			to.server = optarg;
			break;
		case OPT_CA:
			to.ca_file = optarg;
			break;
		case OPT_ROOT:
			to.root_key_id = optarg;
			break;
		case 'h':
			fputs(usage, stdout);
			return EXIT_OK;
		default:
			report_error("vigil trust: unknown or incomplete option '%s' (see --help)", argv[optind - 1]);
			return EXIT_USAGE;
		}
	}
	if (optind >= argc || strcmp(argv[optind], "inspect") != 0) {
		report_error("vigil trust: the command is 'inspect' (see --help)");
		return EXIT_USAGE;
	}
	if (optind + 1 >= argc) {
		report_error("vigil trust inspect: no IMAGE given");
		return EXIT_USAGE;
	}
	if (!to.server) {
		report_error("vigil trust inspect: --trust-server URL (or $DOCKER_CONTENT_TRUST_SERVER) is required");
		return EXIT_USAGE;
	}
	struct err e = {{0}};
	if (trust_inspect((const char *const *)argv + optind + 1, (size_t)(argc - optind - 1), &to, stdout, &e)) {
		report_error("%s", e.msg);
		return EXIT_INPUT;
	}
	return EXIT_OK;
}
