/* vigil key: cosign-compatible key pairs. */
#include "cmd/cmd.h"
#include "sign/sign.h"
#include "util/util.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char usage[] =
	"Usage: vigil key generate [--output-key-prefix PREFIX] [--force]\n"
	"       vigil key public-key --key KEY\n"
	"\n"
	"generate    create an ECDSA P-256 key pair: PREFIX.key (default cosign.key), the\n"
	"            private key encrypted as cosign encrypts it (PEM \"ENCRYPTED SIGSTORE\n"
	"            PRIVATE KEY\": scrypt N=32768 r=8 p=1 + nacl/secretbox over the PKCS#8\n"
	"            key), mode 0600; and PREFIX.pub, the public key (PEM \"PUBLIC KEY\").\n"
	"            cosign reads these keys and vigil reads cosign's.\n"
	"public-key  print the public key of a private key (cosign, or PKCS#8 PEM).\n"
	"\n"
	"The passphrase is taken from $COSIGN_PASSWORD, else $VIGIL_KEY_PASSWORD, else asked\n"
	"on the terminal (twice for generate). An empty passphrase is allowed, as in cosign.\n"
	"\n"
	"Options:\n"
	"      --output-key-prefix PREFIX  file names PREFIX.key and PREFIX.pub (default cosign)\n"
	"  -f, --force                     overwrite existing files\n"
	"  -k, --key KEY                   the private key (public-key)\n"
	"  -h, --help                      this help\n"
	"\n"
	"Exit codes: 0 ok; 2 usage error; 3 a key could not be read or decrypted;\n"
	"            4 the files could not be written.\n";

enum { OPT_PREFIX = 256 };

/* Create path with mode (O_EXCL unless force) and write data. */
static int write_new(const char *path, const void *data, size_t n, mode_t mode, bool force, struct err *e)
{
	if (force && unlink(path) != 0 && errno != ENOENT) {
		err_set(e, "%s: %s", path, strerror(errno));
		return -1;
	}
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
	if (fd < 0) {
		err_set(e, "%s: %s%s", path, strerror(errno), errno == EEXIST ? " (use --force to overwrite)" : "");
		return -1;
	}
	const char *p = data;
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			err_set(e, "%s: %s", path, strerror(errno));
			close(fd);
			unlink(path);
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	if (fsync(fd) != 0 || close(fd) != 0) {
		err_set(e, "%s: %s", path, strerror(errno));
		unlink(path);
		return -1;
	}
	return 0;
}

static int generate(const char *prefix, bool force)
{
	struct err e = {{0}};
	char *priv_path = xasprintf("%s.key", prefix), *pub_path = xasprintf("%s.pub", prefix);
	struct secret pass = {0};
	struct buf priv = {0}, pub = {0};
	EVP_PKEY *k = NULL;
	int rc = EXIT_INTERNAL;
	if (!force && (access(priv_path, F_OK) == 0 || access(pub_path, F_OK) == 0)) {
		report_error("%s or %s exists (use --force to overwrite)", priv_path, pub_path);
		rc = EXIT_USAGE;
		goto out;
	}
	if (sign_passphrase("the new private key", true, &pass, &e)) {
		report_error("%s", e.msg);
		rc = EXIT_USAGE;
		goto out;
	}
	k = sign_key_generate(&e);
	if (!k || sign_privkey_to_pem(k, &pass, &priv, &e) || sign_pubkey_to_pem(k, &pub, &e) ||
	    write_new(priv_path, priv.data, priv.len, 0600, force, &e)) {
		report_error("%s", e.msg);
		goto out;
	}
	if (write_new(pub_path, pub.data, pub.len, 0644, force, &e)) {
		report_error("%s", e.msg);
		unlink(priv_path);
		goto out;
	}
	fprintf(stderr, "Private key written to %s\nPublic key written to %s\n", priv_path, pub_path);
	rc = EXIT_OK;
out:
	EVP_PKEY_free(k);
	secret_free(&pass);
	buf_free(&priv);
	buf_free(&pub);
	free(priv_path);
	free(pub_path);
	return rc;
}

static int public_key(const char *path)
{
	struct err e = {{0}};
	EVP_PKEY *k = sign_privkey_load(path, NULL, &e);
	if (!k) {
		report_error("%s", e.msg);
		return EXIT_INPUT;
	}
	struct buf pub = {0};
	int rc = sign_pubkey_to_pem(k, &pub, &e);
	EVP_PKEY_free(k);
	if (rc) {
		report_error("%s", e.msg);
		return EXIT_INTERNAL;
	}
	fwrite(pub.data, 1, pub.len, stdout);
	buf_free(&pub);
	return EXIT_OK;
}

int cmd_key(int argc, char **argv)
{
	static const struct option opts[] = {
		{"output-key-prefix", required_argument, NULL, OPT_PREFIX},
		{"force", no_argument, NULL, 'f'},
		{"key", required_argument, NULL, 'k'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *prefix = "cosign", *key = NULL;
	bool force = false;
	/* 0, not 1: glibc then re-reads the "+" (stop at the subcommand) flag. */
	optind = 0;
	opterr = 0;
	int ch;
	while ((ch = getopt_long(argc, argv, "+fk:h", opts, NULL)) != -1) {
		switch (ch) {
		case OPT_PREFIX:
			prefix = optarg;
			break;
		case 'f':
			force = true;
			break;
		case 'k':
			key = optarg;
			break;
		case 'h':
			fputs(usage, stdout);
			return EXIT_OK;
		default:
			report_error("vigil key: unknown or incomplete option '%s' (see --help)", argv[optind - 1]);
			return EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		report_error("vigil key: no command (generate, public-key; see --help)");
		return EXIT_USAGE;
	}
	const char *sub = argv[optind];
	/* Options may also follow the subcommand. */
	int sub_argc = argc - optind;
	char **sub_argv = argv + optind;
	optind = 0;
	while ((ch = getopt_long(sub_argc, sub_argv, "fk:h", opts, NULL)) != -1) {
		switch (ch) {
		case OPT_PREFIX:
			prefix = optarg;
			break;
		case 'f':
			force = true;
			break;
		case 'k':
			key = optarg;
			break;
		case 'h':
			fputs(usage, stdout);
			return EXIT_OK;
		default:
			report_error("vigil key %s: unknown or incomplete option '%s' (see --help)", sub,
				     sub_argv[optind - 1]);
			return EXIT_USAGE;
		}
	}
	if (optind < sub_argc) {
		report_error("vigil key %s: unexpected argument '%s'", sub, sub_argv[optind]);
		return EXIT_USAGE;
	}
	if (!strcmp(sub, "generate") || !strcmp(sub, "generate-key-pair")) {
		if (!*prefix) {
			report_error("vigil key generate: empty --output-key-prefix");
			return EXIT_USAGE;
		}
		return generate(prefix, force);
	}
	if (!strcmp(sub, "public-key")) {
		if (!key) {
			report_error("vigil key public-key: --key KEY is required");
			return EXIT_USAGE;
		}
		return public_key(key);
	}
	report_error("vigil key: unknown command '%s' (generate, public-key)", sub);
	return EXIT_USAGE;
}
