/* dir: copies as containers/image (skopeo copy ... dir:DIR) writes them:
 * manifest.json and signature-1, signature-2, ... Sigstore signatures are
 * stored as "\0sigstore-json\n" followed by {"mimeType","payload","annotations"}. */
#include "sign/sign.h"

#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

enum { FILE_CAP = 4u << 20, MAX_SIGNATURES = 4096 };

static const char sigstore_prefix[] = "\0sigstore-json\n";
#define SIGSTORE_PREFIX_LEN (sizeof sigstore_prefix - 1)

int sign_envelope_parse(const void *p, size_t n, struct sign_sig *out, struct err *e)
{
	memset(out, 0, sizeof *out);
	if (n < SIGSTORE_PREFIX_LEN || memcmp(p, sigstore_prefix, SIGSTORE_PREFIX_LEN) != 0) {
		err_set(e, "not a sigstore signature (no \\0sigstore-json header; a GPG simple signing "
			   "signature?)");
		return -1;
	}
	json_error_t jerr;
	json_t *root = json_loadb((const char *)p + SIGSTORE_PREFIX_LEN, n - SIGSTORE_PREFIX_LEN,
				  JSON_REJECT_DUPLICATES, &jerr);
	if (!json_is_object(root)) {
		err_set(e, "sigstore signature: not a JSON object%s%s", root ? "" : ": ", root ? "" : jerr.text);
		json_decref(root);
		return -1;
	}
	int rc = -1;
	const char *mime = json_string_value(json_object_get(root, "mimeType"));
	json_t *payload = json_object_get(root, "payload");
	const char *sig = json_string_value(json_object_get(json_object_get(root, "annotations"), SIGN_ANNOTATION_SIG));
	struct buf pl = {0};
	if (!mime || strcmp(mime, SIGN_MEDIA_SIMPLESIGNING) != 0) {
		err_set(e, "sigstore signature: MIME type \"%s\" is not %s", mime ? mime : "", SIGN_MEDIA_SIMPLESIGNING);
		goto out;
	}
	if (!json_is_string(payload) ||
	    sign_b64_decode(json_string_value(payload), json_string_length(payload), &pl) != 0) {
		err_set(e, "sigstore signature: \"payload\" missing or not base64");
		goto out;
	}
	if (!sig) {
		err_set(e, "sigstore signature: no %s annotation", SIGN_ANNOTATION_SIG);
		goto out;
	}
	out->payload_len = pl.len;
	out->payload = (unsigned char *)buf_steal(&pl);
	out->sig_b64 = xstrdup(sig);
	rc = 0;
out:
	buf_free(&pl);
	json_decref(root);
	return rc;
}

/* base64url without padding (JOSE) -> bytes. */
static int b64url_decode(const char *s, struct buf *out)
{
	size_t n = strlen(s);
	if (n % 4 == 1)
		return -1;
	char *t = xmalloc(n + 4);
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '+' || s[i] == '/' || s[i] == '=') {
			free(t);
			return -1;
		}
		t[i] = s[i] == '-' ? '+' : s[i] == '_' ? '/' : s[i];
	}
	size_t m = n;
	while (m % 4)
		t[m++] = '=';
	int rc = sign_b64_decode(t, m, out);
	free(t);
	return rc;
}

/* Schema-1 signed manifests are digested without their JWS signatures: each
 * signature's protected header holds formatLength (bytes of the manifest kept)
 * and formatTail (the closing bytes, base64url) — see docker/libtrust. */
static int schema1_payload(const char *m, size_t n, json_t *sigs, struct buf *out, struct err *e)
{
	if (!json_is_array(sigs) || json_array_size(sigs) == 0) {
		err_set(e, "schema 1 manifest: \"signatures\" is not a non-empty array of JWS signatures");
		return -1;
	}
	size_t i;
	json_t *s;
	json_array_foreach(sigs, i, s) {
		const char *prot = json_string_value(json_object_get(s, "protected"));
		struct buf hdr = {0}, tail = {0};
		json_t *h = NULL;
		int bad = !prot || b64url_decode(prot, &hdr) != 0 ||
			  !(h = json_loadb((const char *)hdr.data, hdr.len, 0, NULL));
		json_t *fl = json_object_get(h, "formatLength");
		const char *ft = json_string_value(json_object_get(h, "formatTail"));
		bad = bad || !json_is_integer(fl) || !ft || b64url_decode(ft, &tail) != 0 ||
		      json_integer_value(fl) < 0 || (size_t)json_integer_value(fl) > n;
		if (!bad) {
			struct buf p = {0};
			buf_append(&p, m, (size_t)json_integer_value(fl));
			buf_append(&p, tail.data, tail.len);
			/* Every signature must describe the same payload. */
			if (i == 0)
				*out = p;
			else {
				bad = p.len != out->len || memcmp(p.data, out->data, p.len) != 0;
				buf_free(&p);
			}
		}
		json_decref(h);
		buf_free(&hdr);
		buf_free(&tail);
		if (bad) {
			buf_free(out);
			err_set(e, "schema 1 manifest: JWS signature %zu has no valid protected header "
				   "(formatLength, formatTail)",
				i + 1);
			return -1;
		}
	}
	return 0;
}

int sign_manifest_digest(const void *m, size_t n, char out[72], struct err *e)
{
	json_t *root = json_loadb(m, n, 0, NULL);
	json_t *sigs = json_object_get(root, "signatures");
	if (json_is_object(root) && json_integer_value(json_object_get(root, "schemaVersion")) == 1 && sigs) {
		struct buf p = {0};
		int rc = schema1_payload(m, n, sigs, &p, e);
		json_decref(root);
		if (rc)
			return -1;
		sha256_digest_of(p.data, p.len, out);
		buf_free(&p);
		return 0;
	}
	json_decref(root);
	sha256_digest_of(m, n, out);
	return 0;
}

int sign_verify_dir(const char *dir, EVP_PKEY *pub, const char *identity, FILE *out, struct err *e)
{
	char *path = xasprintf("%s/manifest.json", dir);
	struct buf m = {0};
	int rc = read_file_capped(path, FILE_CAP, &m, e);
	free(path);
	if (rc)
		return -1;
	char digest[72];
	rc = sign_manifest_digest(m.data, m.len, digest, e);
	buf_free(&m);
	if (rc) {
		/* Readable but undigestible: nothing can be verified against it. */
		err_prefix(e, "manifest digest error: %s/manifest.json", dir);
		return SIGN_UNVERIFIED;
	}
	struct sign_sig *sigs = NULL;
	size_t n = 0, cap = 0, skipped = 0;
	for (int i = 1; i <= MAX_SIGNATURES; i++) {
		path = xasprintf("%s/signature-%d", dir, i);
		struct stat st;
		if (stat(path, &st) != 0 && errno == ENOENT) {
			free(path);
			break;
		}
		struct buf b = {0};
		struct err why = {{0}};
		rc = read_file_capped(path, FILE_CAP, &b, e);
		if (rc) {
			free(path);
			goto done;
		}
		xgrow((void **)&sigs, &cap, n + 1, sizeof *sigs);
		if (sign_envelope_parse(b.data, b.len, &sigs[n], &why) == 0)
			n++;
		else {
			/* A GPG signature beside cosign ones is not an error, just not ours. */
			report_warning("%s: skipped: %s", path, why.msg);
			skipped++;
		}
		buf_free(&b);
		free(path);
	}
	char *repo = identity ? sign_ref_repository(identity) : NULL;
	rc = sign_check_all(pub, sigs, n, digest, repo, out, e);
	free(repo);
	if (rc == SIGN_UNVERIFIED && n == 0)
		err_set(e, "no signatures: %s has no sigstore signature-N file%s", dir,
			skipped ? " (others were skipped, see above)" : "");
done:
	for (size_t i = 0; i < n; i++)
		sign_sig_free(&sigs[i]);
	free(sigs);
	return rc;
}
