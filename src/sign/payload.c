/* The simple-signing payload and the checks made on each signature: the blob
 * digest, the signature over the exact payload bytes, the manifest digest the
 * payload names, and the repository it names. */
#include "sign/sign.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

char *sign_payload_build(const char *docker_ref, const char *digest, const char *const *annotations,
			 size_t nann, struct err *e)
{
	json_t *optional = json_null();
	if (nann) {
		optional = json_object();
		for (size_t i = 0; i < nann; i++) {
			const char *eq = strchr(annotations[i], '=');
			if (!eq || eq == annotations[i]) {
				err_set(e, "annotation '%s' is not KEY=VALUE", annotations[i]);
				json_decref(optional);
				return NULL;
			}
			char *k = xstrndup(annotations[i], (size_t)(eq - annotations[i]));
			json_t *v = json_string(eq + 1);
			if (!v) {
				err_set(e, "annotation '%s' is not valid UTF-8", annotations[i]);
				free(k);
				json_decref(optional);
				return NULL;
			}
			json_object_set_new(optional, k, v);
			free(k);
		}
	}
	json_t *p = json_pack("{s:{s:{s:s},s:{s:s},s:s},s:o}", "critical", "identity", "docker-reference", docker_ref,
			      "image", "docker-manifest-digest", digest, "type", SIGN_PAYLOAD_TYPE, "optional",
			      optional);
	/* Keys sorted: cosign marshals a Go struct whose fields are already in this
	 * order, and the annotations map, which Go sorts. */
	char *s = p ? json_dumps(p, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	json_decref(p);
	if (!s)
		err_set(e, "cannot build the signature payload (reference or digest not UTF-8?)");
	return s;
}

static const char *str_member(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

int sign_payload_parse(const void *p, size_t n, struct sign_payload *out, struct err *e)
{
	memset(out, 0, sizeof *out);
	json_error_t jerr;
	json_t *root = json_loadb(p, n, JSON_REJECT_DUPLICATES, &jerr);
	if (!json_is_object(root)) {
		err_set(e, "payload is not a JSON object%s%s", root ? "" : ": ", root ? "" : jerr.text);
		json_decref(root);
		return -1;
	}
	int rc = -1;
	json_t *crit = json_object_get(root, "critical");
	/* Like containers/image: "critical" holds exactly these three members, so
	 * nothing a verifier does not understand can hide in the signed part. */
	if (!json_is_object(crit) || json_object_size(crit) != 3) {
		err_set(e, "payload: \"critical\" must be an object with exactly identity, image and type");
		goto out;
	}
	const char *type = str_member(crit, "type");
	if (!type || strcmp(type, SIGN_PAYLOAD_TYPE) != 0) {
		err_set(e, "payload: critical.type is \"%s\", not \"%s\"", type ? type : "", SIGN_PAYLOAD_TYPE);
		goto out;
	}
	const char *digest = str_member(json_object_get(crit, "image"), "docker-manifest-digest");
	const char *ref = str_member(json_object_get(crit, "identity"), "docker-reference");
	if (!digest || !ref) {
		err_set(e, "payload: critical.image.docker-manifest-digest or critical.identity.docker-reference "
			   "missing");
		goto out;
	}
	json_t *opt = json_object_get(root, "optional");
	if (opt && !json_is_object(opt) && !json_is_null(opt)) {
		err_set(e, "payload: \"optional\" is neither an object nor null");
		goto out;
	}
	out->manifest_digest = xstrdup(digest);
	out->docker_reference = xstrdup(ref);
	rc = 0;
out:
	json_decref(root);
	return rc;
}

void sign_payload_free(struct sign_payload *p)
{
	free(p->docker_reference);
	free(p->manifest_digest);
	p->docker_reference = p->manifest_digest = NULL;
}

void sign_sig_free(struct sign_sig *s)
{
	free(s->payload);
	free(s->sig_b64);
	free(s->layer_digest);
	memset(s, 0, sizeof *s);
}

char *sign_ref_repository(const char *ref)
{
	size_t n = strcspn(ref, "@");
	const char *slash = memrchr(ref, '/', n);
	const char *colon = memrchr(slash ? slash : ref, ':', n - (size_t)((slash ? slash : ref) - ref));
	if (colon)
		n = (size_t)(colon - ref);
	return xstrndup(ref, n);
}

enum sign_verdict sign_check(EVP_PKEY *pub, const struct sign_sig *s, const char *manifest_digest,
			     const char *repository, struct err *why)
{
	if (s->layer_digest) {
		char d[72];
		sha256_digest_of(s->payload, s->payload_len, d);
		if (strcmp(d, s->layer_digest) != 0) {
			err_set(why, "the payload hashes to %s, its descriptor says %s", d, s->layer_digest);
			return SIGN_BAD_BLOB;
		}
	}
	struct buf sig = {0};
	if (!s->sig_b64 || sign_b64_decode(s->sig_b64, strlen(s->sig_b64), &sig) != 0) {
		buf_free(&sig);
		err_set(why, "the signature annotation is not base64");
		return SIGN_BAD_SIGNATURE;
	}
	int ok = sign_verify_bytes(pub, s->payload, s->payload_len, sig.data, sig.len);
	buf_free(&sig);
	if (!ok) {
		err_set(why, "the signature does not verify with the given public key");
		return SIGN_BAD_SIGNATURE;
	}
	struct sign_payload p;
	if (sign_payload_parse(s->payload, s->payload_len, &p, why))
		return SIGN_BAD_PAYLOAD;
	enum sign_verdict v = SIGN_OK;
	if (strcmp(p.manifest_digest, manifest_digest) != 0) {
		err_set(why, "the signed payload names %s, the image's manifest digest is %s", p.manifest_digest,
			manifest_digest);
		v = SIGN_DIGEST_MISMATCH;
	} else if (repository) {
		char *signed_repo = sign_ref_repository(p.docker_reference);
		if (strcmp(signed_repo, repository) != 0) {
			err_set(why, "the signature is for %s, the image is in %s", p.docker_reference, repository);
			v = SIGN_IDENTITY_MISMATCH;
		}
		free(signed_repo);
	}
	sign_payload_free(&p);
	return v;
}

static const char *verdict_name(enum sign_verdict v)
{
	switch (v) {
	case SIGN_OK:
		return "verified";
	case SIGN_BAD_BLOB:
		return "blob digest mismatch";
	case SIGN_BAD_SIGNATURE:
		return "signature mismatch";
	case SIGN_BAD_PAYLOAD:
		return "invalid payload";
	case SIGN_DIGEST_MISMATCH:
		return "digest mismatch";
	case SIGN_IDENTITY_MISMATCH:
		return "identity mismatch";
	}
	return "?";
}

/* When no signature verifies, the headline is the failure that got furthest:
 * a valid signature for another image says more than a foreign key. */
static int verdict_rank(enum sign_verdict v)
{
	static const int rank[] = {
		[SIGN_OK] = 0,
		[SIGN_BAD_BLOB] = 1,
		[SIGN_BAD_SIGNATURE] = 2,
		[SIGN_BAD_PAYLOAD] = 3,
		[SIGN_DIGEST_MISMATCH] = 4,
		[SIGN_IDENTITY_MISMATCH] = 5,
	};
	return rank[v];
}

int sign_check_all(EVP_PKEY *pub, const struct sign_sig *sigs, size_t n, const char *manifest_digest,
		   const char *repository, FILE *out, struct err *e)
{
	if (n == 0) {
		err_set(e, "no signatures: nothing signs manifest %s", manifest_digest);
		return SIGN_UNVERIFIED;
	}
	int verified = 0;
	enum sign_verdict best = SIGN_OK;
	size_t best_i = 0;
	struct err best_why = {{0}};
	for (size_t i = 0; i < n; i++) {
		struct err why = {{0}};
		enum sign_verdict v = sign_check(pub, &sigs[i], manifest_digest, repository, &why);
		if (v == SIGN_OK) {
			verified++;
			if (out) {
				fwrite(sigs[i].payload, 1, sigs[i].payload_len, out);
				fputc('\n', out);
			}
		} else if (best == SIGN_OK || verdict_rank(v) > verdict_rank(best)) {
			best = v;
			best_i = i;
			best_why = why;
		}
	}
	if (verified)
		return verified;
	if (n == 1)
		err_set(e, "%s: %s", verdict_name(best), best_why.msg);
	else
		err_set(e, "%s: none of the %zu signatures verifies; signature %zu: %s", verdict_name(best), n,
			best_i + 1, best_why.msg);
	return SIGN_UNVERIFIED;
}
