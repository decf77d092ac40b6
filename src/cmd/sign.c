/* vigil sign: sign an image in its registry, as cosign does. */
#include "cmd/cmd.h"
#include "sign/remote.h"
#include "util/util.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
	"Usage: vigil sign --key KEY [-a KEY=VALUE]... [--insecure] IMAGE\n"
	"\n"
	"Sign IMAGE (a registry reference) with a cosign-compatible key and push the\n"
	"signature as cosign does: the image's manifest digest is resolved, a simple-\n"
	"signing payload naming that digest and the repository is signed (ECDSA-SHA256),\n"
	"and the payload is added as a layer of the OCI manifest tagged sha256-<hex>.sig\n"
	"in the same repository, the signature in its dev.cosignproject.cosign/signature\n"
	"annotation. Signatures already there are kept; signing again adds one.\n"
	"\n"
	"KEY is a cosign private key (ENCRYPTED SIGSTORE/COSIGN PRIVATE KEY, passphrase\n"
	"from $COSIGN_PASSWORD, $VIGIL_KEY_PASSWORD or the terminal) or a plain PKCS#8 PEM key.\n"
	"\n"
	"Options:\n"
	"  -k, --key FILE            the private key (see 'vigil key generate')\n"
	"  -a, --annotation K=V      add K: V to the payload's \"optional\" (repeatable)\n"
	"      --insecure            allow plain HTTP to a loopback registry\n"
	"  -q, --quiet               print nothing on success\n"
	"  -h, --help                this help\n"
	"\n"
	"Exit codes: 0 signed; 2 usage error; 3 the key or the image could not be read,\n"
	"            or the signature could not be pushed.\n";

enum { OPT_INSECURE = 256 };

int cmd_sign(int argc, char **argv)
{
	static const struct option opts[] = {
		{"key", required_argument, NULL, 'k'},
		{"annotation", required_argument, NULL, 'a'},
		{"insecure", no_argument, NULL, OPT_INSECURE},
		{"quiet", no_argument, NULL, 'q'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *key = NULL;
	const char **ann = xcalloc((size_t)argc + 1, sizeof *ann);
	size_t nann = 0;
	bool insecure = false, quiet = false;
	int rc = EXIT_USAGE;
	optind = 0;
	opterr = 0;
	int ch;
	while ((ch = getopt_long(argc, argv, "k:a:qh", opts, NULL)) != -1) {
		switch (ch) {
		case 'k':
			key = optarg;
			break;
		case 'a':
			if (!strchr(optarg, '=') || optarg[0] == '=') {
				report_error("vigil sign: annotation '%s' is not KEY=VALUE", optarg);
				goto out;
			}
			ann[nann++] = optarg;
			break;
		case OPT_INSECURE:
			insecure = true;
			break;
		case 'q':
			quiet = true;
			break;
		case 'h':
			fputs(usage, stdout);
			rc = EXIT_OK;
			goto out;
		default:
			report_error("vigil sign: unknown or incomplete option '%s' (see --help)", argv[optind - 1]);
			goto out;
		}
	}
	if (!key || optind + 1 != argc) {
		report_error("vigil sign: give --key KEY and one IMAGE (see --help)");
		goto out;
	}
	struct registry_opts ro = {.insecure = insecure};
	struct err e = {{0}};
	if (sign_image(argv[optind], key, ann, nann, &ro, quiet ? NULL : stderr, &e)) {
		report_error("%s", e.msg);
		rc = EXIT_INPUT;
		goto out;
	}
	rc = EXIT_OK;
out:
	free(ann);
	return rc;
}
