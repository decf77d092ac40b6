/* trust: Docker Content Trust — Notary v1 / TUF metadata.
 *
 * A notary server publishes, per GUN (<registry>/<repository>), the TUF roles
 * root, timestamp, snapshot, targets and delegations such as targets/releases.
 * Each file is {"signed": {...}, "signatures": [{"keyid","method","sig"}]}; a
 * signature covers the canonical JSON of "signed" (cjson_encode). vigil
 * verifies the chain root (self-signed, threshold) -> timestamp -> snapshot ->
 * targets -> delegations: signatures and thresholds, key IDs, expiry, and the
 * length and sha256/sha512 of every file the parent role names. Only then are
 * the targets (tag -> manifest digest) believed.
 *
 * The root is trusted on first use, as the notary client does without a
 * pinned certificate: it must be self-consistent, nothing more (use
 * --root-key-id to pin it). */
#ifndef VIGIL_TRUST_H
#define VIGIL_TRUST_H

#include "util/util.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

/* Canonical JSON as notary signs it (github.com/docker/go canonical/json over
 * a value decoded into Go interface{}): object keys sorted bytewise, no
 * whitespace, strings escape only '"' and '\\', numbers are float64 written
 * as Go's encoding/json writes them and must be integral. Returns 0 or -1 (e set). */
int cjson_encode(const json_t *v, struct buf *out, struct err *e);

/* The raw files of one GUN. */
struct tuf_file {
	char *role; /* "root", "timestamp", "snapshot", "targets", "targets/releases", ... */
	struct buf data;
};
struct tuf_files {
	struct tuf_file *files;
	size_t n, cap;
};
void tuf_files_add(struct tuf_files *f, const char *role, const void *data, size_t n);
const struct tuf_file *tuf_files_get(const struct tuf_files *f, const char *role);
void tuf_files_free(struct tuf_files *f);

struct tuf_target {
	char *name;       /* the tag */
	char sha256[65];  /* hex */
	int64_t length;
	char *role;       /* "targets" or the delegation that signed it */
};

struct tuf_role_info {
	char *name; /* "targets/releases" */
	char **keyids;
	size_t nkeyids;
	int threshold;
};

struct tuf_result {
	struct tuf_target *targets;
	size_t ntargets;
	char **root_keyids, **targets_keyids;
	size_t nroot_keyids, ntargets_keyids;
	struct tuf_role_info *delegations; /* every delegation role declared, verified or not */
	size_t ndelegations;
	int root_version, targets_version;
};
void tuf_result_free(struct tuf_result *r);

/* Verify the files; now is the time expiry is judged at. root_key_id, when not
 * NULL, must be one of the root role's key IDs. */
int tuf_verify(const struct tuf_files *f, time_t now, const char *root_key_id, struct tuf_result *out,
	       struct err *e);

/* ---- talking to a notary server ---------------------------------------------- */

struct trust_opts {
	const char *server;      /* https://host:port (http:// only to loopback) */
	const char *ca_file;     /* PEM CA bundle for the server's certificate; NULL: system */
	const char *root_key_id; /* pin (optional) */
	int timeout_s;           /* 0: 30 */
};

/* GET /v2/<gun>/_trust/tuf/<role>.json for root, timestamp, snapshot, targets
 * and every delegation the snapshot lists. */
int notary_fetch(const char *gun, const struct trust_opts *o, struct tuf_files *out, struct err *e);

/* The GUN for an image reference: "<registry host>/<repository>". */
char *trust_gun(const char *image, char **tag, struct err *e);

/* Fetch and verify, then print `docker trust inspect` JSON for image to out.
 * Returns 0, or -1 (e set). */
int trust_inspect(const char *const *images, size_t n, const struct trust_opts *o, FILE *out, struct err *e);

/* The signed digest ("sha256:<hex>") of image's tag; -1 (e set) when the tag
 * is not signed or the metadata does not verify. */
int trust_signed_digest(const char *image, const struct trust_opts *o, char digest[72], struct err *e);

#endif
