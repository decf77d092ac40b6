/* TUF verification as notary's client does it, for one GUN, without a local
 * cache: root -> timestamp -> snapshot -> targets -> delegations. Every file is
 * hostile until its signatures (threshold of distinct keys of the role that
 * the parent names) and its length and hashes (in the parent's "meta") check. */
#include "trust/trust.h"
#include "sign/sign.h"

#include <ctype.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum { MAX_DEPTH = 8, MAX_ROLES = 256 };

/* ---- the file set ------------------------------------------------------------ */

void tuf_files_add(struct tuf_files *f, const char *role, const void *data, size_t n)
{
	xgrow((void **)&f->files, &f->cap, f->n + 1, sizeof *f->files);
	struct tuf_file *t = &f->files[f->n++];
	t->role = xstrdup(role);
	memset(&t->data, 0, sizeof t->data);
	buf_append(&t->data, data, n);
}

const struct tuf_file *tuf_files_get(const struct tuf_files *f, const char *role)
{
	for (size_t i = 0; i < f->n; i++)
		if (!strcmp(f->files[i].role, role))
			return &f->files[i];
	return NULL;
}

void tuf_files_free(struct tuf_files *f)
{
	for (size_t i = 0; i < f->n; i++) {
		free(f->files[i].role);
		buf_free(&f->files[i].data);
	}
	free(f->files);
	memset(f, 0, sizeof *f);
}

static void free_strv(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

void tuf_result_free(struct tuf_result *r)
{
	for (size_t i = 0; i < r->ntargets; i++) {
		free(r->targets[i].name);
		free(r->targets[i].role);
	}
	free(r->targets);
	free_strv(r->root_keyids, r->nroot_keyids);
	free_strv(r->targets_keyids, r->ntargets_keyids);
	for (size_t i = 0; i < r->ndelegations; i++) {
		free(r->delegations[i].name);
		free_strv(r->delegations[i].keyids, r->delegations[i].nkeyids);
	}
	free(r->delegations);
	memset(r, 0, sizeof *r);
}

/* ---- keys ---------------------------------------------------------------------- */

struct key {
	char *id;
	char *type;
	EVP_PKEY *pk; /* NULL: a key type vigil does not know; its signatures never count */
	time_t not_after; /* x509 keys: the certificate's end; else 0 */
};

struct keyset {
	struct key *k;
	size_t n;
};

static void keyset_free(struct keyset *ks)
{
	for (size_t i = 0; i < ks->n; i++) {
		free(ks->k[i].id);
		free(ks->k[i].type);
		EVP_PKEY_free(ks->k[i].pk);
	}
	free(ks->k);
	memset(ks, 0, sizeof *ks);
}

static const struct key *keyset_find(const struct keyset *ks, const char *id)
{
	for (size_t i = 0; i < ks->n; i++)
		if (!strcmp(ks->k[i].id, id))
			return &ks->k[i];
	return NULL;
}

static void hex(const unsigned char *p, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[p[i] >> 4];
		out[2 * i + 1] = digits[p[i] & 15];
	}
	out[2 * n] = 0;
}

/* notary's key ID: sha256 of the canonical JSON of the public TUF key,
 * {"keytype":T,"keyval":{"private":null,"public":<base64>}}. */
static int key_id(const char *type, json_t *pub, char out[65], struct err *e)
{
	json_t *k = json_pack("{s:s,s:{s:n,s:O}}", "keytype", type, "keyval", "private", "public", pub);
	struct buf c = {0};
	int rc = k ? cjson_encode(k, &c, e) : -1;
	json_decref(k);
	if (rc == 0) {
		char d[72];
		sha256_digest_of(c.data, c.len, d);
		memcpy(out, d + 7, 65);
	}
	buf_free(&c);
	return rc;
}

static time_t asn1_to_time(const ASN1_TIME *t)
{
	struct tm tm;
	if (!t || ASN1_TIME_to_tm(t, &tm) != 1)
		return 0;
	return timegm(&tm);
}

static EVP_PKEY *parse_public(const char *type, const struct buf *raw, time_t *not_after)
{
	const unsigned char *p = raw->data;
	if (!strcmp(type, "ecdsa") || !strcmp(type, "rsa"))
		return d2i_PUBKEY(NULL, &p, (long)raw->len);
	if (!strcmp(type, "ed25519"))
		return raw->len == 32 ? EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, raw->data, 32) : NULL;
	if (!strcmp(type, "ecdsa-x509") || !strcmp(type, "rsa-x509")) {
		/* The "public" bytes are a PEM certificate. */
		BIO *bio = BIO_new_mem_buf(raw->data, (int)raw->len);
		X509 *x = bio ? PEM_read_bio_X509(bio, NULL, NULL, NULL) : NULL;
		BIO_free(bio);
		EVP_PKEY *k = x ? X509_get_pubkey(x) : NULL;
		if (x)
			*not_after = asn1_to_time(X509_get0_notAfter(x));
		X509_free(x);
		return k;
	}
	return NULL;
}

/* keys: {"<id>": {"keytype": T, "keyval": {"public": b64, "private": null}}}. */
static int load_keys(json_t *keys, struct keyset *ks, const char *where, struct err *e)
{
	if (!json_is_object(keys)) {
		err_set(e, "%s: \"keys\" is not an object", where);
		return -1;
	}
	const char *id;
	json_t *k;
	json_object_foreach(keys, id, k) {
		const char *type = json_string_value(json_object_get(k, "keytype"));
		json_t *pub = json_object_get(json_object_get(k, "keyval"), "public");
		struct buf raw = {0};
		if (!type || !json_is_string(pub) ||
		    sign_b64_decode(json_string_value(pub), json_string_length(pub), &raw) != 0) {
			buf_free(&raw);
			err_set(e, "%s: key %s: keytype or keyval.public missing or not base64", where, id);
			return -1;
		}
		char computed[65];
		if (key_id(type, pub, computed, e)) {
			buf_free(&raw);
			return -1;
		}
		if (strcmp(computed, id) != 0) {
			buf_free(&raw);
			err_set(e, "%s: key ID mismatch: key listed as %s hashes to %s", where, id, computed);
			return -1;
		}
		ks->k = xrealloc(ks->k, (ks->n + 1) * sizeof *ks->k);
		struct key *nk = &ks->k[ks->n++];
		nk->id = xstrdup(id);
		nk->type = xstrdup(type);
		nk->not_after = 0;
		nk->pk = parse_public(type, &raw, &nk->not_after);
		ERR_clear_error();
		buf_free(&raw);
	}
	return 0;
}

/* ---- signatures ------------------------------------------------------------------ */

/* notary's ECDSA signatures are r||s, each the curve's size; OpenSSL wants DER. */
static int ecdsa_raw_to_der(EVP_PKEY *k, const struct buf *raw, struct buf *der)
{
	int bits = EVP_PKEY_get_bits(k);
	size_t half = (size_t)(bits + 7) / 8;
	if (raw->len != 2 * half)
		return -1;
	ECDSA_SIG *s = ECDSA_SIG_new();
	BIGNUM *r = BN_bin2bn(raw->data, (int)half, NULL), *sv = BN_bin2bn(raw->data + half, (int)half, NULL);
	if (!s || !r || !sv || ECDSA_SIG_set0(s, r, sv) != 1) {
		ECDSA_SIG_free(s);
		BN_free(r);
		BN_free(sv);
		return -1;
	}
	unsigned char *d = NULL;
	int n = i2d_ECDSA_SIG(s, &d);
	ECDSA_SIG_free(s);
	if (n <= 0)
		return -1;
	buf_append(der, d, (size_t)n);
	OPENSSL_free(d);
	return 0;
}

static bool verify_sig(const struct key *k, const char *method, const struct buf *sig, const struct buf *msg)
{
	if (!k->pk)
		return false;
	bool ec = !strcmp(k->type, "ecdsa") || !strcmp(k->type, "ecdsa-x509");
	bool rsa = !strcmp(k->type, "rsa") || !strcmp(k->type, "rsa-x509");
	bool ed = !strcmp(k->type, "ed25519");
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	EVP_PKEY_CTX *pctx = NULL;
	bool ok = false;
	if (!ctx)
		return false;
	if (ec && !strcasecmp(method, "ecdsa")) {
		struct buf der = {0};
		ok = ecdsa_raw_to_der(k->pk, sig, &der) == 0 &&
		     EVP_DigestVerifyInit(ctx, NULL, EVP_sha256(), NULL, k->pk) == 1 &&
		     EVP_DigestVerify(ctx, der.data, der.len, msg->data, msg->len) == 1;
		buf_free(&der);
	} else if (ed && (!strcasecmp(method, "eddsa") || !strcasecmp(method, "ed25519"))) {
		/* notary names the method "eddsa" (its Ed25519 keys are raw 32-byte values). */
		ok = EVP_DigestVerifyInit(ctx, NULL, NULL, NULL, k->pk) == 1 &&
		     EVP_DigestVerify(ctx, sig->data, sig->len, msg->data, msg->len) == 1;
	} else if (rsa && (!strcasecmp(method, "rsapss") || !strcasecmp(method, "rsapkcs1v15"))) {
		bool pss = !strcasecmp(method, "rsapss");
		/* Go's rsa.VerifyPSS with PSSSaltLengthEqualsHash, as notary calls it. */
		ok = EVP_DigestVerifyInit(ctx, &pctx, EVP_sha256(), NULL, k->pk) == 1 &&
		     EVP_PKEY_CTX_set_rsa_padding(pctx, pss ? RSA_PKCS1_PSS_PADDING : RSA_PKCS1_PADDING) == 1 &&
		     (!pss || EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) == 1) &&
		     EVP_DigestVerify(ctx, sig->data, sig->len, msg->data, msg->len) == 1;
	}
	EVP_MD_CTX_free(ctx);
	ERR_clear_error();
	return ok;
}

/* A role specification: {"keyids": [...], "threshold": N}. */
static int check_sigs(json_t *doc, const struct keyset *ks, json_t *spec, const char *file, struct err *e)
{
	json_t *keyids = json_object_get(spec, "keyids");
	json_int_t threshold = json_integer_value(json_object_get(spec, "threshold"));
	if (!json_is_array(keyids) || threshold < 1) {
		err_set(e, "%s: the role has no key IDs or a threshold below 1", file);
		return -1;
	}
	struct buf msg = {0};
	if (cjson_encode(json_object_get(doc, "signed"), &msg, e)) {
		err_prefix(e, "%s", file);
		buf_free(&msg);
		return -1;
	}
	json_t *sigs = json_object_get(doc, "signatures");
	size_t nvalid = 0, i;
	const char **valid = xmalloc((json_array_size(sigs) + 1) * sizeof *valid);
	json_t *s;
	json_array_foreach(sigs, i, s) {
		const char *id = json_string_value(json_object_get(s, "keyid"));
		const char *method = json_string_value(json_object_get(s, "method"));
		json_t *sig64 = json_object_get(s, "sig");
		if (!id || !method || !json_is_string(sig64))
			continue;
		/* Only the role's own keys count, each once. */
		bool listed = false, seen = false;
		for (size_t j = 0; j < json_array_size(keyids); j++)
			listed |= json_is_string(json_array_get(keyids, j)) &&
				  !strcmp(json_string_value(json_array_get(keyids, j)), id);
		for (size_t j = 0; j < nvalid; j++)
			seen |= !strcmp(valid[j], id);
		const struct key *k = keyset_find(ks, id);
		if (!listed || seen || !k)
			continue;
		struct buf sig = {0};
		if (sign_b64_decode(json_string_value(sig64), json_string_length(sig64), &sig) == 0 &&
		    verify_sig(k, method, &sig, &msg))
			valid[nvalid++] = id;
		buf_free(&sig);
	}
	free(valid);
	buf_free(&msg);
	if ((json_int_t)nvalid < threshold) {
		err_set(e, "%s: signature verification failed: %zu valid signature%s from the role's keys, "
			   "threshold %lld",
			file, nvalid, nvalid == 1 ? "" : "s", (long long)threshold);
		return -1;
	}
	return 0;
}

/* ---- common fields ------------------------------------------------------------------- */

/* RFC 3339 ("2034-11-21T12:34:56.123456789Z", or with a ±hh:mm offset). */
static int parse_time(const char *s, time_t *out)
{
	struct tm tm = {0};
	const char *p = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm);
	if (!p)
		return -1;
	if (*p == '.') {
		p++;
		if (!isdigit((unsigned char)*p))
			return -1;
		while (isdigit((unsigned char)*p))
			p++;
	}
	long off = 0;
	if (*p == 'Z' || *p == 'z')
		p++;
	else if ((*p == '+' || *p == '-') && isdigit((unsigned char)p[1]) && isdigit((unsigned char)p[2]) &&
		 p[3] == ':' && isdigit((unsigned char)p[4]) && isdigit((unsigned char)p[5])) {
		off = ((p[1] - '0') * 10 + (p[2] - '0')) * 3600L + ((p[4] - '0') * 10 + (p[5] - '0')) * 60L;
		if (*p == '-')
			off = -off;
		p += 6;
	} else
		return -1;
	if (*p)
		return -1;
	*out = timegm(&tm) - off;
	return 0;
}

static int check_common(json_t *doc, const char *type, time_t now, const char *file, json_int_t *version,
			struct err *e)
{
	json_t *sig = json_object_get(doc, "signed");
	const char *t = json_string_value(json_object_get(sig, "_type"));
	const char *exp = json_string_value(json_object_get(sig, "expires"));
	json_t *v = json_object_get(sig, "version");
	if (!t || strcasecmp(t, type) != 0) {
		err_set(e, "%s: _type is \"%s\", not \"%s\"", file, t ? t : "", type);
		return -1;
	}
	time_t when;
	if (!exp || parse_time(exp, &when) != 0) {
		err_set(e, "%s: \"expires\" missing or not an RFC 3339 time", file);
		return -1;
	}
	if (when <= now) {
		err_set(e, "%s: expired at %s", file, exp);
		return -1;
	}
	if (!json_is_integer(v) || json_integer_value(v) < 0) {
		err_set(e, "%s: \"version\" missing or negative", file);
		return -1;
	}
	if (version)
		*version = json_integer_value(v);
	return 0;
}

/* meta[name] = {"length": N, "hashes": {"sha256": b64, "sha512": b64}}. */
static int check_meta(json_t *parent, const char *parent_file, const char *name, const struct buf *data,
		      struct err *e)
{
	json_t *m = json_object_get(json_object_get(json_object_get(parent, "signed"), "meta"), name);
	if (!json_is_object(m)) {
		err_set(e, "%s does not list %s", parent_file, name);
		return -1;
	}
	json_t *len = json_object_get(m, "length");
	if (!json_is_integer(len) || json_integer_value(len) != (json_int_t)data->len) {
		err_set(e, "%s.json: length mismatch: %zu bytes, %s says %lld", name, data->len, parent_file,
			(long long)json_integer_value(len));
		return -1;
	}
	static const struct {
		const char *name;
		size_t len;
	} algs[] = {{"sha256", 32}, {"sha512", 64}};
	json_t *hashes = json_object_get(m, "hashes");
	int checked = 0;
	for (size_t i = 0; i < ARRAY_LEN(algs); i++) {
		json_t *h = json_object_get(hashes, algs[i].name);
		if (!h)
			continue;
		struct buf want = {0};
		unsigned char got[64];
		unsigned int gl = 0;
		EVP_Digest(data->data, data->len, got, &gl, i == 0 ? EVP_sha256() : EVP_sha512(), NULL);
		bool ok = json_is_string(h) && sign_b64_decode(json_string_value(h), json_string_length(h), &want) == 0 &&
			  want.len == algs[i].len && gl == algs[i].len && memcmp(want.data, got, gl) == 0;
		buf_free(&want);
		if (!ok) {
			err_set(e, "%s.json: %s hash mismatch with %s", name, algs[i].name, parent_file);
			return -1;
		}
		checked++;
	}
	if (!checked) {
		err_set(e, "%s: no sha256 or sha512 hash for %s", parent_file, name);
		return -1;
	}
	return 0;
}

static json_t *load_doc(const struct tuf_files *f, const char *role, struct err *e)
{
	const struct tuf_file *t = tuf_files_get(f, role);
	if (!t) {
		err_set(e, "%s.json: missing", role);
		return NULL;
	}
	json_error_t jerr;
	json_t *d = json_loadb((const char *)t->data.data, t->data.len, JSON_REJECT_DUPLICATES, &jerr);
	if (!json_is_object(d) || !json_is_object(json_object_get(d, "signed")) ||
	    !json_is_array(json_object_get(d, "signatures"))) {
		err_set(e, "%s.json: not TUF metadata (%s)", role, d ? "no \"signed\" object or \"signatures\" array"
								      : jerr.text);
		json_decref(d);
		return NULL;
	}
	return d;
}

static char **strv_from(json_t *arr, size_t *n)
{
	*n = 0;
	char **v = xmalloc((json_array_size(arr) + 1) * sizeof *v);
	size_t i;
	json_t *s;
	json_array_foreach(arr, i, s)
		if (json_is_string(s))
			v[(*n)++] = xstrdup(json_string_value(s));
	return v;
}

/* ---- targets and delegations ---------------------------------------------------------- */

struct walk {
	const struct tuf_files *f;
	json_t *snapshot;
	time_t now;
	struct tuf_result *out;
	size_t roles_seen;
};

/* A target name is allowed when it starts with one of the role's paths (and
 * with one of every ancestor's: callers pass the chain). */
static bool path_allowed(const char *name, json_t *const *chain, size_t depth)
{
	for (size_t d = 0; d < depth; d++) {
		json_t *paths = chain[d];
		if (!paths)
			continue;
		bool any = false;
		size_t i;
		json_t *p;
		json_array_foreach(paths, i, p)
			any |= json_is_string(p) && !strncmp(name, json_string_value(p), json_string_length(p));
		if (!any)
			return false;
	}
	return true;
}

static void add_targets(struct walk *w, json_t *doc, const char *role, json_t *const *chain, size_t depth)
{
	const char *name;
	json_t *t;
	json_object_foreach(json_object_get(json_object_get(doc, "signed"), "targets"), name, t) {
		json_t *h = json_object_get(json_object_get(t, "hashes"), "sha256");
		struct buf d = {0};
		/* A tag without a sha256 names no image digest: nothing docker could pull. */
		if (!json_is_string(h) || sign_b64_decode(json_string_value(h), json_string_length(h), &d) != 0 ||
		    d.len != 32 || !path_allowed(name, chain, depth)) {
			buf_free(&d);
			continue;
		}
		w->out->targets = xrealloc(w->out->targets, (w->out->ntargets + 1) * sizeof *w->out->targets);
		struct tuf_target *nt = &w->out->targets[w->out->ntargets++];
		nt->name = xstrdup(name);
		hex(d.data, 32, nt->sha256);
		nt->length = json_integer_value(json_object_get(t, "length"));
		nt->role = xstrdup(role);
		buf_free(&d);
	}
}

static int walk_delegations(struct walk *w, json_t *doc, const char *role, json_t **chain, size_t depth,
			    struct err *e)
{
	json_t *deleg = json_object_get(json_object_get(doc, "signed"), "delegations");
	if (!deleg)
		return 0;
	struct keyset ks = {0};
	char *where = xasprintf("%s.json delegations", role);
	int rc = load_keys(json_object_get(deleg, "keys"), &ks, where, e);
	size_t i;
	json_t *r;
	if (rc == 0)
		json_array_foreach(json_object_get(deleg, "roles"), i, r) {
			const char *name = json_string_value(json_object_get(r, "name"));
			size_t plen = strlen(role);
			/* A delegated role lives below its parent: targets/releases under targets. */
			if (!name || strncmp(name, role, plen) != 0 || name[plen] != '/' || !name[plen + 1])
				continue;
			if (++w->roles_seen > MAX_ROLES) {
				err_set(e, "more than %d delegation roles", MAX_ROLES);
				rc = -1;
				break;
			}
			struct tuf_result *o = w->out;
			o->delegations = xrealloc(o->delegations, (o->ndelegations + 1) * sizeof *o->delegations);
			struct tuf_role_info *ri = &o->delegations[o->ndelegations++];
			ri->name = xstrdup(name);
			ri->keyids = strv_from(json_object_get(r, "keyids"), &ri->nkeyids);
			ri->threshold = (int)json_integer_value(json_object_get(r, "threshold"));
			const struct tuf_file *file = tuf_files_get(w->f, name);
			if (!file)
				continue; /* declared, nothing published yet */
			if (json_object_get(r, "path_hash_prefixes")) {
				report_warning("%s: path_hash_prefixes delegations are not supported; its targets are "
					       "ignored",
					       name);
				continue;
			}
			char *fname = xasprintf("%s.json", name);
			json_t *child = NULL;
			rc = check_meta(w->snapshot, "snapshot.json", name, &file->data, e);
			if (rc == 0 && !(child = load_doc(w->f, name, e)))
				rc = -1;
			if (rc == 0)
				rc = check_sigs(child, &ks, r, fname, e);
			if (rc == 0)
				rc = check_common(child, "Targets", w->now, fname, NULL, e);
			if (rc == 0 && depth + 1 < MAX_DEPTH) {
				chain[depth] = json_object_get(r, "paths");
				if (!json_is_array(chain[depth]))
					chain[depth] = json_array(); /* no paths: nothing allowed */
				else
					json_incref(chain[depth]);
				add_targets(w, child, name, chain, depth + 1);
				rc = walk_delegations(w, child, name, chain, depth + 1, e);
				json_decref(chain[depth]);
				chain[depth] = NULL;
			}
			json_decref(child);
			free(fname);
			if (rc)
				break;
		}
	free(where);
	keyset_free(&ks);
	return rc;
}

/* ---- the chain ---------------------------------------------------------------------------- */

int tuf_verify(const struct tuf_files *f, time_t now, const char *root_key_id, struct tuf_result *out,
	       struct err *e)
{
	memset(out, 0, sizeof *out);
	struct keyset ks = {0};
	json_t *root = NULL, *ts = NULL, *snap = NULL, *targets = NULL;
	int rc = -1;
	json_int_t version = 0;

	if (!(root = load_doc(f, "root", e)))
		goto out;
	json_t *rsigned = json_object_get(root, "signed"), *roles = json_object_get(rsigned, "roles");
	if (load_keys(json_object_get(rsigned, "keys"), &ks, "root.json", e))
		goto out;
	json_t *rootrole = json_object_get(roles, "root");
	if (check_sigs(root, &ks, rootrole, "root.json", e) ||
	    check_common(root, "Root", now, "root.json", &version, e))
		goto out;
	out->root_version = (int)version;
	out->root_keyids = strv_from(json_object_get(rootrole, "keyids"), &out->nroot_keyids);
	out->targets_keyids =
		strv_from(json_object_get(json_object_get(roles, "targets"), "keyids"), &out->ntargets_keyids);
	bool pinned = !root_key_id;
	for (size_t i = 0; i < out->nroot_keyids; i++) {
		pinned |= root_key_id && !strcmp(out->root_keyids[i], root_key_id);
		const struct key *k = keyset_find(&ks, out->root_keyids[i]);
		/* notary refuses root certificates that have expired. */
		if (k && k->not_after && k->not_after <= now) {
			err_set(e, "root.json: root certificate %s expired", k->id);
			goto out;
		}
	}
	if (!pinned) {
		err_set(e, "root.json: the root keys are not the pinned root key %s", root_key_id);
		goto out;
	}

	if (!(ts = load_doc(f, "timestamp", e)) || check_sigs(ts, &ks, json_object_get(roles, "timestamp"),
							      "timestamp.json", e) ||
	    check_common(ts, "Timestamp", now, "timestamp.json", NULL, e))
		goto out;
	const struct tuf_file *sf = tuf_files_get(f, "snapshot");
	if (!sf) {
		err_set(e, "snapshot.json: missing");
		goto out;
	}
	if (check_meta(ts, "timestamp.json", "snapshot", &sf->data, e))
		goto out;
	if (!(snap = load_doc(f, "snapshot", e)) ||
	    check_sigs(snap, &ks, json_object_get(roles, "snapshot"), "snapshot.json", e) ||
	    check_common(snap, "Snapshot", now, "snapshot.json", NULL, e))
		goto out;
	/* The snapshot lists root too; when it does, it must be this root. */
	if (json_object_get(json_object_get(json_object_get(snap, "signed"), "meta"), "root") &&
	    check_meta(snap, "snapshot.json", "root", &tuf_files_get(f, "root")->data, e))
		goto out;
	const struct tuf_file *tf = tuf_files_get(f, "targets");
	if (!tf) {
		err_set(e, "targets.json: missing");
		goto out;
	}
	if (check_meta(snap, "snapshot.json", "targets", &tf->data, e))
		goto out;
	if (!(targets = load_doc(f, "targets", e)) ||
	    check_sigs(targets, &ks, json_object_get(roles, "targets"), "targets.json", e) ||
	    check_common(targets, "Targets", now, "targets.json", &version, e))
		goto out;
	out->targets_version = (int)version;

	struct walk w = {f, snap, now, out, 0};
	json_t *chain[MAX_DEPTH] = {0};
	add_targets(&w, targets, "targets", chain, 0);
	if (walk_delegations(&w, targets, "targets", chain, 0, e))
		goto out;
	rc = 0;
out:
	if (rc)
		tuf_result_free(out);
	keyset_free(&ks);
	json_decref(root);
	json_decref(ts);
	json_decref(snap);
	json_decref(targets);
	return rc;
}
