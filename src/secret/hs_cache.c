/* The compiled Hyperscan database, cached between runs.
 *
 * Compiling the rules takes ~30 ms, as long as the rest of a small image
 * scan. The serialized database is kept in $XDG_CACHE_HOME/vigil/hs/, one
 * file per key: a SHA-256 over everything the compilation depends on (the
 * Hyperscan version, the host platform it tunes for, and every pattern with
 * its flags and id), so a changed rule set or library never meets a stale
 * file. A file is "VIGILHS1" + the hex SHA-256 of the rest + the serialized
 * database; one whose digest does not match (torn, edited, corrupted) is
 * ignored and replaced. The cache is an optimisation only: every failure to
 * read or write it falls back to compiling, silently.
 *
 * The built-in rules' database is also compiled at build time on the build
 * host and embedded in the vigil executable (tools/hsdb_gen.c), so even a
 * first scan with an empty cache does not compile: it is used when its key
 * (same Hyperscan, same platform, same patterns) equals the one asked for. */
#include "secret/internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char magic[8] = {'V', 'I', 'G', 'I', 'L', 'H', 'S', '1'};
enum { HEX = 64, HS_CACHE_MAX = 256u << 20 };

char *secret_hs_cache_key(const char *const *pats, const unsigned *flags, const unsigned *ids, size_t n,
			  unsigned mode)
{
	hs_platform_info_t plat;
	if (hs_populate_platform(&plat) != HS_SUCCESS)
		return NULL;
	struct sha256 h;
	sha256_init(&h);
	const char *ver = hs_version();
	sha256_update(&h, ver, strlen(ver) + 1);
	sha256_update(&h, &plat, sizeof plat);
	sha256_update(&h, &mode, sizeof mode);
	for (size_t i = 0; i < n; i++) {
		sha256_update(&h, pats[i], strlen(pats[i]) + 1);
		sha256_update(&h, &flags[i], sizeof flags[i]);
		sha256_update(&h, &ids[i], sizeof ids[i]);
	}
	char d[72];
	sha256_final_digest(&h, d);
	return xstrdup(d + strlen("sha256:"));
}

static char *file_for(const char *key)
{
	char *rel = xasprintf("hs/%s.hsdb", key);
	char *p = cache_path(rel);
	free(rel);
	return p;
}

/* Defined only in the vigil executable (a file generated at build time by
 * tools/hsdb_gen.c); weak, so libvigil links without it (tests, fuzzers). */
extern const unsigned char vigil_hsdb_blob[] __attribute__((weak));
extern const size_t vigil_hsdb_len __attribute__((weak));
extern const char vigil_hsdb_key[] __attribute__((weak));

static hs_database_t *embedded(const char *key)
{
	hs_database_t *db = NULL;
	if (&vigil_hsdb_len == NULL || !vigil_hsdb_len || strcmp(key, vigil_hsdb_key) != 0)
		return NULL;
	if (hs_deserialize_database((const char *)vigil_hsdb_blob, vigil_hsdb_len, &db) != HS_SUCCESS)
		return NULL;
	return db;
}

hs_database_t *secret_hs_cache_load(const char *key)
{
	hs_database_t *emb = embedded(key);
	if (emb)
		return emb;
	char *path = file_for(key);
	if (!path)
		return NULL;
	struct buf b = {0};
	struct err e;
	hs_database_t *db = NULL;
	if (read_file_capped(path, HS_CACHE_MAX, &b, &e) != 0 || b.len <= sizeof magic + HEX ||
	    memcmp(b.data, magic, sizeof magic) != 0)
		goto out;
	const unsigned char *payload = b.data + sizeof magic + HEX;
	size_t len = b.len - sizeof magic - HEX;
	char d[72];
	sha256_digest_of(payload, len, d);
	if (memcmp(d + strlen("sha256:"), b.data + sizeof magic, HEX) != 0)
		goto out;
	if (hs_deserialize_database((const char *)payload, len, &db) != HS_SUCCESS)
		db = NULL;
out:
	buf_free(&b);
	free(path);
	return db;
}

void secret_hs_cache_store(const char *key, const hs_database_t *db)
{
	char *path = file_for(key);
	if (!path)
		return;
	char *bytes = NULL;
	size_t len = 0;
	struct err e;
	char *dir = xstrdup(path);
	*strrchr(dir, '/') = 0;
	if (mkdir_p(dir, &e) == 0 && hs_serialize_database(db, &bytes, &len) == HS_SUCCESS) {
		struct buf b = {0};
		char d[72];
		sha256_digest_of(bytes, len, d);
		buf_append(&b, magic, sizeof magic);
		buf_append(&b, d + strlen("sha256:"), HEX);
		buf_append(&b, bytes, len);
		(void)write_file_atomic(path, b.data, b.len, &e);
		buf_free(&b);
	}
	free(bytes); /* hs_serialize_database allocates with malloc (hs_set_misc_allocator unset) */
	free(dir);
	free(path);
}
