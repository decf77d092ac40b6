/* vigil verify: check an image's cosign signatures (registry or dir: copy), or
 * its Docker Content Trust signature (notary). */
#include "cmd/cmd.h"
#include "registry/registry.h"
#include "sign/remote.h"
#include "sign/sign.h"
#include "trust/trust.h"
#include "util/util.h"

#include <getopt.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
	"Usage: vigil verify --key KEY.pub [--insecure] IMAGE\n"
	"       vigil verify --key KEY.pub --dir DIR [--identity REPOSITORY]   (or IMAGE = dir:DIR)\n"
	"       vigil verify --notary --trust-server URL [--tlscacert CA.pem] IMAGE:TAG\n"
	"\n"
	"Verify the cosign signatures of IMAGE in its registry: the tag sha256-<hex>.sig\n"
	"beside the image's manifest digest holds one layer per signature. Each signature\n"
	"layer is checked: its blob digest, the ECDSA signature over the payload with\n"
	"KEY.pub, the payload's docker-manifest-digest against the image's manifest\n"
	"digest, and its docker-reference against the image's repository. Each verified\n"
	"payload is printed on stdout, one JSON line each (as cosign does).\n"
	"\n"
	"--dir reads a dir: copy written by skopeo/containers-image (manifest.json and\n"
	"signature-N files); its manifest digest is the sha256 of manifest.json.\n"
	"\n"
	"--notary checks Docker Content Trust instead: the TUF metadata of IMAGE on the\n"
	"notary server is verified (see 'vigil trust --help') and the digest signed for\n"
	"TAG must be the digest the registry serves for IMAGE:TAG.\n"
	"\n"
	"Options:\n"
	"  -k, --key FILE           public key (PEM \"PUBLIC KEY\", as cosign writes it)\n"
	"      --dir DIR            verify a dir: copy instead of a registry image\n"
	"      --identity REPO      --dir: the repository the signatures must name\n"
	"      --insecure           allow plain HTTP to a loopback registry\n"
	"      --notary             verify Docker Content Trust (notary) instead of cosign\n"
	"      --trust-server URL   the notary server (default $DOCKER_CONTENT_TRUST_SERVER)\n"
	"      --tlscacert FILE     CA certificate(s) for the notary server's TLS\n"
	"      --root-key-id ID     notary: pin the root key (TUF key ID)\n"
	"  -q, --quiet              print nothing on success\n"
	"  -h, --help               this help\n"
	"\n"
	"Exit codes: 0 verified; 1 no signature verifies (the reason is printed: no\n"
	"            signatures, signature mismatch, digest mismatch, identity mismatch);\n"
	"            2 usage error; 3 the key, image or trust data could not be read.\n";

enum { OPT_DIR = 256, OPT_IDENTITY, OPT_INSECURE, OPT_NOTARY, OPT_SERVER, OPT_CA, OPT_ROOT };

static int verify_notary(const char *image, const struct trust_opts *to, bool insecure, bool quiet)
{
	struct err e = {{0}};
	char want[72];
	if (trust_signed_digest(image, to, want, &e)) {
		report_error("%s", e.msg);
		return EXIT_FINDINGS;
	}
	struct registry_ref ref;
	if (registry_ref_parse(image, &ref, &e)) {
		report_error("%s", e.msg);
		return EXIT_USAGE;
	}
	struct registry_opts ro = {.insecure = insecure};
	struct registry *r = registry_new(&ro);
	struct registry_manifest m = {0};
	int rc = registry_get_manifest(r, &ref, NULL, &m, &e);
	if (rc) {
		report_error("%s: %s", image, e.msg);
		rc = EXIT_INPUT;
	} else if (strcmp(m.digest, want) != 0) {
		report_error("%s: digest mismatch: the registry serves %s, notary signed %s", image, m.digest, want);
		rc = EXIT_FINDINGS;
	} else {
		if (!quiet)
			printf("%s: signed digest %s matches the registry\n", image, want);
		rc = EXIT_OK;
	}
	registry_manifest_free(&m);
	registry_free(r);
	registry_ref_free(&ref);
	return rc;
}

int cmd_verify(int argc, char **argv)
{
	static const struct option opts[] = {
		{"key", required_argument, NULL, 'k'},
		{"dir", required_argument, NULL, OPT_DIR},
		{"identity", required_argument, NULL, OPT_IDENTITY},
		{"insecure", no_argument, NULL, OPT_INSECURE},
		{"notary", no_argument, NULL, OPT_NOTARY},
		{"trust-server", required_argument, NULL, OPT_SERVER},
		{"tlscacert", required_argument, NULL, OPT_CA},
		{"root-key-id", required_argument, NULL, OPT_ROOT},
		{"quiet", no_argument, NULL, 'q'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *key = NULL, *dir = NULL, *identity = NULL;
	bool insecure = false, notary = false, quiet = false;
	struct trust_opts to = {.server = getenv("DOCKER_CONTENT_TRUST_SERVER")};
	optind = 0;
	opterr = 0;
	int ch;
	while ((ch = getopt_long(argc, argv, "k:qh", opts, NULL)) != -1) {
		switch (ch) {
		case 'k':
			key = optarg;
			break;
		case OPT_DIR:
			dir = optarg;
			break;
		case OPT_IDENTITY:
			identity = optarg;
			break;
		case OPT_INSECURE:
			insecure = true;
			break;
		case OPT_NOTARY:
			notary = true;
			break;
		case OPT_SERVER:
			to.server = optarg;
			break;
		case OPT_CA:
			to.ca_file = optarg;
			break;
		case OPT_ROOT:
			to.root_key_id = optarg;
			break;
		case 'q':
			quiet = true;
			util_quiet = true;
			break;
		case 'h':
			fputs(usage, stdout);
			return EXIT_OK;
		default:
			report_error("vigil verify: unknown or incomplete option '%s' (see --help)", argv[optind - 1]);
			return EXIT_USAGE;
		}
	}
	const char *image = optind < argc ? argv[optind] : NULL;
	if (optind + 1 < argc) {
		report_error("vigil verify: one IMAGE only ('%s' is extra)", argv[optind + 1]);
		return EXIT_USAGE;
	}
	if (image && !strncmp(image, "dir:", 4) && !dir) {
		dir = image + 4;
		image = NULL;
	}
	if (notary) {
		if (!image || dir || key) {
			report_error("vigil verify --notary: give IMAGE:TAG, without --key or --dir");
			return EXIT_USAGE;
		}
		if (!to.server) {
			report_error("vigil verify --notary: --trust-server URL (or $DOCKER_CONTENT_TRUST_SERVER) is "
				     "required");
			return EXIT_USAGE;
		}
		return verify_notary(image, &to, insecure, quiet);
	}
	if (!key) {
		report_error("vigil verify: --key KEY.pub is required (see --help)");
		return EXIT_USAGE;
	}
	if (!dir == !image) {
		report_error("vigil verify: give either IMAGE or --dir DIR");
		return EXIT_USAGE;
	}
	if (identity && !dir) {
		report_error("vigil verify: --identity is for --dir (a registry image's identity is its repository)");
		return EXIT_USAGE;
	}
	struct err e = {{0}};
	int rc;
	if (dir) {
		EVP_PKEY *pub = sign_pubkey_load(key, &e);
		if (!pub) {
			report_error("%s", e.msg);
			return EXIT_INPUT;
		}
		rc = sign_verify_dir(dir, pub, identity, quiet ? NULL : stdout, &e);
		EVP_PKEY_free(pub);
		if (rc == SIGN_UNVERIFIED)
			report_error("%s: %s", dir, e.msg);
	} else {
		struct registry_opts ro = {.insecure = insecure};
		rc = sign_verify_image(image, key, &ro, quiet ? NULL : stdout, NULL, &e);
		if (rc < 0)
			report_error("%s", e.msg);
	}
	if (rc == SIGN_UNVERIFIED)
		return EXIT_FINDINGS;
	if (rc < 0) {
		if (dir)
			report_error("%s", e.msg);
		return EXIT_INPUT;
	}
	if (!quiet)
		fprintf(stderr,
			"Verification for %s --\nThe following checks were performed on each of these signatures:\n"
			"  - The cosign claims were validated\n"
			"  - The signatures were verified against the specified public key\n",
			dir ? dir : image);
	return EXIT_OK;
}
