/* Signatures in a registry, stored as cosign stores them: an OCI image manifest
 * tagged sha256-<hex>.sig in the image's repository, one layer per signature
 * (the payload blob, media type SIGN_MEDIA_SIMPLESIGNING, the signature in the
 * dev.cosignproject.cosign/signature annotation), and a config that lists the
 * layers as diff IDs, as go-containerregistry's empty image + mutate.Append
 * writes it. All HTTP goes through src/registry. */
#include "sign/remote.h"

#include <jansson.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { MAX_PAYLOAD = 1 << 20 };

static const char *const manifest_types[] = {REGISTRY_OCI_MANIFEST, REGISTRY_DOCKER_MANIFEST, NULL};

/* The repository as cosign writes it in docker-reference (go-containerregistry's
 * Repository.Name(): Docker Hub is "index.docker.io"). */
static char *cosign_repository(const struct registry_ref *r)
{
	const char *host = strcmp(r->host, "docker.io") == 0 ? "index.docker.io" : r->host;
	return xasprintf("%s/%s", host, r->repository);
}

/* ref with the tag sha256-<hex>.sig and no digest. */
static void sig_ref(const struct registry_ref *ref, const char *digest, struct registry_ref *out)
{
	out->host = xstrdup(ref->host);
	out->repository = xstrdup(ref->repository);
	out->tag = xasprintf("sha256-%s.sig", digest + strlen("sha256:"));
	out->digest = NULL;
}

/* The digest of what ref names, as the registry serves it (an index stays an
 * index: cosign signs the digest the tag points to). */
static int resolve(struct registry *r, const struct registry_ref *ref, char digest[72], struct err *e)
{
	struct registry_manifest m = {0};
	int rc = registry_get_manifest(r, ref, NULL, &m, e);
	if (rc == 0)
		memcpy(digest, m.digest, 72);
	registry_manifest_free(&m);
	return rc == 0 ? 0 : -1;
}

static int collect(void *ctx, const void *data, size_t n, struct err *e)
{
	struct buf *b = ctx;
	if (b->len + n > MAX_PAYLOAD) {
		err_set(e, "signature payload larger than %d bytes", MAX_PAYLOAD);
		return -1;
	}
	buf_append(b, data, n);
	return 0;
}

/* The .sig manifest's layers (a new reference), or an empty array when there
 * is none. Returns 0, or -1 on errors other than "not found". */
static int existing_layers(struct registry *r, const struct registry_ref *sref, json_t **layers, struct err *e)
{
	struct registry_manifest m = {0};
	int rc = registry_get_manifest(r, sref, manifest_types, &m, e);
	*layers = NULL;
	if (rc == REGISTRY_NOT_FOUND) {
		*layers = json_array();
		return 0;
	}
	if (rc == 0) {
		json_t *root = json_loadb((const char *)m.bytes.data, m.bytes.len, 0, NULL);
		json_t *l = json_object_get(root, "layers");
		if (json_is_array(l))
			*layers = json_incref(l);
		else
			err_set(e, "%s: the signature manifest has no layers array", sref->tag);
		json_decref(root);
	}
	registry_manifest_free(&m);
	return *layers ? 0 : -1;
}

static int read_sigs(struct registry *r, const struct registry_ref *ref, const char *digest, struct sign_sig **out,
		     size_t *n, struct err *e)
{
	struct registry_ref sref;
	sig_ref(ref, digest, &sref);
	json_t *layers = NULL;
	int rc = existing_layers(r, &sref, &layers, e);
	*out = NULL;
	*n = 0;
	size_t cap = 0, i;
	json_t *l;
	if (rc == 0)
		json_array_foreach(layers, i, l) {
			const char *mt = json_string_value(json_object_get(l, "mediaType"));
			const char *ld = json_string_value(json_object_get(l, "digest"));
			json_t *size = json_object_get(l, "size");
			const char *sig =
				json_string_value(json_object_get(json_object_get(l, "annotations"), SIGN_ANNOTATION_SIG));
			/* Other layers (attestations pushed beside, foreign media types) are not signatures. */
			if (!mt || strcmp(mt, SIGN_MEDIA_SIMPLESIGNING) != 0)
				continue;
			if (!ld || !registry_digest_valid(ld) || !json_is_integer(size) || json_integer_value(size) < 0 ||
			    json_integer_value(size) > MAX_PAYLOAD) {
				err_set(e, "%s: layer %zu: bad digest or size", sref.tag, i + 1);
				rc = -1;
				break;
			}
			struct buf b = {0};
			if (registry_get_blob(r, &sref, ld, json_integer_value(size), collect, &b, e) != 0) {
				buf_free(&b);
				rc = -1;
				break;
			}
			xgrow((void **)out, &cap, *n + 1, sizeof **out);
			struct sign_sig *s = &(*out)[(*n)++];
			s->payload_len = b.len;
			s->payload = (unsigned char *)buf_steal(&b);
			s->sig_b64 = sig ? xstrdup(sig) : NULL;
			s->layer_digest = xstrdup(ld);
		}
	json_decref(layers);
	registry_ref_free(&sref);
	return rc;
}

static void free_sigs(struct sign_sig *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		sign_sig_free(&s[i]);
	free(s);
}

int sign_verify_image(const char *image, const char *pubkey_path, const struct registry_opts *ro, FILE *out,
		      char verified_digest[72], struct err *e)
{
	EVP_PKEY *pub = sign_pubkey_load(pubkey_path, e);
	if (!pub)
		return -1;
	struct registry_ref ref;
	if (registry_ref_parse(image, &ref, e)) {
		EVP_PKEY_free(pub);
		return -1;
	}
	struct registry *r = registry_new(ro);
	char digest[72];
	struct sign_sig *sigs = NULL;
	size_t n = 0;
	int rc = -1;
	if (ref.digest)
		/* A digest reference is what gets verified; nothing to resolve. */
		memcpy(digest, ref.digest, 72);
	else if (resolve(r, &ref, digest, e))
		goto out;
	if (read_sigs(r, &ref, digest, &sigs, &n, e))
		goto out;
	char *repo = cosign_repository(&ref);
	rc = sign_check_all(pub, sigs, n, digest, repo, out, e);
	free(repo);
	if (rc > 0 && verified_digest)
		memcpy(verified_digest, digest, 72);
out:
	if (rc < 0)
		err_prefix(e, "%s", image);
	free_sigs(sigs, n);
	registry_free(r);
	registry_ref_free(&ref);
	EVP_PKEY_free(pub);
	return rc;
}

/* go-containerregistry writes times as RFC 3339 in UTC, seconds precision. */
static void now_rfc3339(char out[32])
{
	time_t t = time(NULL);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* The config of the signature image: one history entry and one diff ID per
 * layer (signature layers are stored uncompressed, so diff ID = digest). */
static char *sig_config(json_t *layers)
{
	char created[32];
	now_rfc3339(created);
	json_t *history = json_array(), *diff_ids = json_array();
	size_t i;
	json_t *l;
	json_array_foreach(layers, i, l) {
		json_array_append_new(history, json_pack("{s:s}", "created", "0001-01-01T00:00:00Z"));
		json_array_append(diff_ids, json_object_get(l, "digest"));
	}
	json_t *c = json_pack("{s:s,s:s,s:o,s:s,s:{s:s,s:o},s:{}}", "architecture", "", "created", created, "history",
			      history, "os", "", "rootfs", "type", "layers", "diff_ids", diff_ids, "config");
	char *s = json_dumps(c, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(c);
	return s;
}

int sign_image(const char *image, const char *key_path, const char *const *annotations, size_t nann,
	       const struct registry_opts *ro, FILE *log, struct err *e)
{
	struct registry_ref ref;
	if (registry_ref_parse(image, &ref, e))
		return -1;
	struct registry *r = registry_new(ro);
	struct registry_ref sref = {0};
	EVP_PKEY *key = NULL;
	char *payload = NULL, *sig64 = NULL, *repo = cosign_repository(&ref);
	json_t *layers = NULL;
	struct buf sig = {0};
	int rc = -1;
	char digest[72];

	if (ref.digest)
		memcpy(digest, ref.digest, 72);
	else if (resolve(r, &ref, digest, e))
		goto out;
	/* The key before any upload, so a wrong passphrase changes nothing remotely. */
	key = sign_privkey_load(key_path, NULL, e);
	if (!key)
		goto out;
	payload = sign_payload_build(repo, digest, annotations, nann, e);
	if (!payload || sign_bytes(key, payload, strlen(payload), &sig, e))
		goto out;
	sig64 = sign_b64_encode(sig.data, sig.len);

	sig_ref(&ref, digest, &sref);
	if (existing_layers(r, &sref, &layers, e))
		goto out;
	char pdigest[72];
	sha256_digest_of(payload, strlen(payload), pdigest);
	size_t i;
	json_t *l;
	json_array_foreach(layers, i, l) {
		const char *ld = json_string_value(json_object_get(l, "digest"));
		const char *ls =
			json_string_value(json_object_get(json_object_get(l, "annotations"), SIGN_ANNOTATION_SIG));
		/* ECDSA signatures are randomised, so the same payload signed twice gives
		 * two layers, as with cosign; only an identical pair is a duplicate. */
		if (ld && ls && !strcmp(ld, pdigest) && !strcmp(ls, sig64)) {
			rc = 0;
			goto out;
		}
	}
	if (registry_put_blob(r, &sref, payload, strlen(payload), NULL, e))
		goto out;
	json_array_append_new(layers, json_pack("{s:s,s:I,s:s,s:{s:s}}", "mediaType", SIGN_MEDIA_SIMPLESIGNING,
						"size", (json_int_t)strlen(payload), "digest", pdigest,
						"annotations", SIGN_ANNOTATION_SIG, sig64));
	char *config = sig_config(layers);
	char cdigest[72];
	if (registry_put_blob(r, &sref, config, strlen(config), cdigest, e)) {
		free(config);
		goto out;
	}
	json_t *m = json_pack("{s:i,s:s,s:{s:s,s:I,s:s},s:O}", "schemaVersion", 2, "mediaType", REGISTRY_OCI_MANIFEST,
			      "config", "mediaType", "application/vnd.oci.image.config.v1+json", "size",
			      (json_int_t)strlen(config), "digest", cdigest, "layers", layers);
	free(config);
	char *mtext = json_dumps(m, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(m);
	rc = registry_put_manifest(r, &sref, sref.tag, mtext, strlen(mtext), REGISTRY_OCI_MANIFEST, NULL, e);
	free(mtext);
	if (rc == 0 && log)
		fprintf(log, "Pushing signature to: %s/%s:%s\n", ref.host, ref.repository, sref.tag);
out:
	if (rc)
		err_prefix(e, "%s", image);
	json_decref(layers);
	buf_free(&sig);
	free(sig64);
	free(payload);
	free(repo);
	EVP_PKEY_free(key);
	registry_ref_free(&sref);
	registry_free(r);
	registry_ref_free(&ref);
	return rc;
}
