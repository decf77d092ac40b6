/* registry: a client for the OCI distribution API (Docker Registry HTTP API
 * v2) over libcurl — references, manifests (OCI manifest and index, Docker v2
 * schema 2 and manifest list), blobs streamed and verified while they stream,
 * uploads, tag lists — with anonymous, Basic and Bearer-token authentication,
 * credentials from flags, environment or ~/.docker/config.json.
 *
 * Everything a registry sends is untrusted: manifests are capped
 * (REGISTRY_MAX_MANIFEST), blobs are capped and must hash to the digest that
 * named them, plain HTTP is refused except to loopback registries with
 * `insecure`, Authorization is never sent to a host the registry redirects
 * to, and a request that keeps answering 401 ends with one error.
 *
 * Errors are one line: "registry HOST: WHAT: STATUS CODE message".
 * A client may be used from several threads at once (the token cache is
 * locked); each request is its own HTTP transfer. */
#ifndef VIGIL_REGISTRY_H
#define VIGIL_REGISTRY_H

#include "util/util.h"

#include <stdbool.h>
#include <stdint.h>

#define REGISTRY_OCI_MANIFEST "application/vnd.oci.image.manifest.v1+json"
#define REGISTRY_OCI_INDEX "application/vnd.oci.image.index.v1+json"
#define REGISTRY_DOCKER_MANIFEST "application/vnd.docker.distribution.manifest.v2+json"
#define REGISTRY_DOCKER_LIST "application/vnd.docker.distribution.manifest.list.v2+json"

enum {
	REGISTRY_MAX_MANIFEST = 4 << 20, /* manifests, indexes, tag lists */
	REGISTRY_NOT_FOUND = -2,         /* return value: 404 (e is set too) */
};

/* ---- references ----------------------------------------------------------- */

/* HOST[:PORT]/REPO[:TAG][@sha256:HEX], or a Docker Hub short name. */
struct registry_ref {
	char *host;       /* "docker.io", "127.0.0.1:5000", "[::1]:5000", "localhost" */
	char *repository; /* "library/alpine", "app" */
	char *tag;        /* "3.10"; "latest" when neither tag nor digest is given; NULL with a digest only */
	char *digest;     /* "sha256:<64 lowercase hex>" or NULL; when set it wins over the tag */
};

/* Parses s the way docker does: the first component is a host when it holds
 * '.' or ':' or is "localhost"; otherwise docker.io, with "library/" for a
 * one-component name; "index.docker.io" is docker.io. Returns 0, or -1 with e
 * set (bad syntax, uppercase repository, digest not sha256, too long). */
int registry_ref_parse(const char *s, struct registry_ref *out, struct err *e);
void registry_ref_free(struct registry_ref *r);
/* The name people use: "alpine", "user/app", "127.0.0.1:5000/app" (new string). */
char *registry_ref_familiar(const struct registry_ref *r);
/* "NAME:TAG" or "NAME@DIGEST" (familiar name, new string). */
char *registry_ref_string(const struct registry_ref *r);
/* The host requests go to: registry-1.docker.io for docker.io, else r->host. */
const char *registry_ref_endpoint(const struct registry_ref *r);
/* True for "localhost", 127.0.0.0/8 and ::1 (optionally with :PORT, IPv6 in brackets). */
bool registry_host_is_loopback(const char *host);
/* True for "sha256:" and 64 lowercase hex digits. */
bool registry_digest_valid(const char *d);

/* ---- authentication pieces (exposed for tests and fuzzing) ---------------- */

enum registry_auth_scheme { REGISTRY_AUTH_NONE, REGISTRY_AUTH_BASIC, REGISTRY_AUTH_BEARER };

struct registry_challenge {
	enum registry_auth_scheme scheme;
	char *realm, *service, *scope; /* NULL when absent */
};

/* Parses one WWW-Authenticate value ("Bearer realm=\"…\",service=…,scope=…",
 * quoted or token values, any case, several challenges: Bearer preferred).
 * Returns 0 (scheme NONE when nothing usable), -1 on a malformed header. */
int registry_parse_challenge(const char *header, struct registry_challenge *out);
void registry_challenge_free(struct registry_challenge *c);

/* Looks up host's credentials in the bytes of a docker config.json: "auths"
 * keyed by host or URL (https://index.docker.io/v1/ for docker.io), with a
 * base64 "auth" ("user:password") or "username"/"password". Returns 1 found
 * (*user, *password new strings), 0 not found, -1 malformed (e set). */
int registry_config_lookup(const char *json, size_t len, const char *host, char **user, char **password,
			   struct err *e);
/* The same from $DOCKER_CONFIG/config.json or ~/.docker/config.json (dir
 * overrides both when non-NULL). A missing file is 0. */
int registry_docker_credentials(const char *dir, const char *host, char **user, char **password, struct err *e);

/* ---- the client ----------------------------------------------------------- */

struct registry_opts {
	bool insecure;           /* allow plain HTTP, but only to loopback registries */
	const char *username;    /* explicit credentials for every registry (flags, env); */
	const char *password;    /*   NULL: looked up in the docker config */
	const char *docker_config; /* directory with config.json; NULL: $DOCKER_CONFIG, else ~/.docker */
	int timeout_s;           /* a transfer with no byte for this long fails; 0: $VIGIL_REGISTRY_TIMEOUT or 30 */
	int max_attempts;        /* tries on 5xx/429/connection errors, with backoff; 0: 4 */
	uint64_t max_blob_bytes; /* 0: 16 GiB */
};

struct registry;

/* Copies what it needs of o (NULL: defaults). */
struct registry *registry_new(const struct registry_opts *o);
void registry_free(struct registry *r);

struct registry_manifest {
	struct buf bytes;
	char *media_type;
	char digest[72]; /* sha256 of bytes, always computed */
};
void registry_manifest_free(struct registry_manifest *m);

/* GET the manifest ref names (by digest when it has one, else by tag).
 * accept: NULL-terminated media types, NULL for all four above. The bytes
 * must hash to ref->digest when fetched by digest, and to the registry's
 * Docker-Content-Digest when it sends one. Returns 0, REGISTRY_NOT_FOUND or -1. */
int registry_get_manifest(struct registry *r, const struct registry_ref *ref, const char *const *accept,
			  struct registry_manifest *out, struct err *e);

/* The image manifest for platform ("os/arch[/variant]", NULL: this host's,
 * see host_platform()). When ref names an index or manifest list, the
 * matching manifest is fetched from it by digest; *index (optional) receives
 * the index, or is left empty when ref named a manifest. */
int registry_get_image_manifest(struct registry *r, const struct registry_ref *ref, const char *platform,
				struct registry_manifest *manifest, struct registry_manifest *index, struct err *e);

/* From the bytes of an index / manifest list: the digest and media type of
 * the manifest for platform. Returns 0 or -1 (e lists the platforms there are). */
int registry_pick_platform(const struct buf *index, const char *platform, char digest[72], char **media_type,
			   struct err *e);

/* Streams blob `digest` of ref's repository to fn (return 0 to go on, -1 to
 * stop with e set). size: what the manifest states, or -1. Fails when the
 * content is longer/shorter than size, over max_blob_bytes, or does not hash
 * to digest — after fn has seen the bytes, so fn's consumer must wait for
 * the return value before trusting them. */
typedef int (*registry_blob_fn)(void *ctx, const void *data, size_t n, struct err *e);
int registry_get_blob(struct registry *r, const struct registry_ref *ref, const char *digest, int64_t size,
		      registry_blob_fn fn, void *ctx, struct err *e);
/* 1 exists, 0 not, -1 error. */
int registry_blob_exists(struct registry *r, const struct registry_ref *ref, const char *digest, struct err *e);
/* Monolithic upload (POST, then PUT with the bytes) unless the blob exists.
 * digest (optional) receives "sha256:…". */
int registry_put_blob(struct registry *r, const struct registry_ref *ref, const void *data, size_t len,
		      char digest[72], struct err *e);
/* PUT a manifest under reference (a tag, or a digest; NULL: ref's tag). */
int registry_put_manifest(struct registry *r, const struct registry_ref *ref, const char *reference,
			  const void *data, size_t len, const char *media_type, char digest[72], struct err *e);
/* The repository's tags (Link-paginated), a new array of new strings. */
int registry_list_tags(struct registry *r, const struct registry_ref *ref, char ***tags, size_t *ntags,
		       struct err *e);

#endif
