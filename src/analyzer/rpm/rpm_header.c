/* rpm_header: a bounds-checked reader of rpm's header blob.
 *
 * Layout (all integers big-endian), as rpm stores it in its databases:
 *   u32 il, u32 dl                      index entry count, data store length
 *   il x { u32 tag, type, offset, count }
 *   dl bytes of data store
 * Normally entry 0 is a "region" tag (63 HEADERIMMUTABLE) whose data is a
 * 16-byte trailer at the end of the region; entries past the region
 * ("dribbles", added at install time) replace region entries with the same
 * tag. We apply the checks rpm's own hdrblobInit applies before it trusts a
 * blob (lib/header.c), so anything rpm would reject we reject too, and we
 * never read outside [blob, blob + len). */
#include "analyzer/rpm/rpmdb.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

enum {
	TYPE_NULL = 0,
	TYPE_CHAR = 1,
	TYPE_INT8 = 2,
	TYPE_INT16 = 3,
	TYPE_INT32 = 4,
	TYPE_INT64 = 5,
	TYPE_STRING = 6,
	TYPE_BIN = 7,
	TYPE_STRING_ARRAY = 8,
	TYPE_I18NSTRING = 9,
	TYPE_MAX = 9,
};

enum {
	TAG_HEADERIMAGE = 61,
	TAG_HEADERSIGNATURES = 62,
	TAG_HEADERIMMUTABLE = 63,
	TAG_I18NTABLE = 100, /* the smallest tag a non-region entry may carry */
	TAG_NAME = 1000,
	TAG_VERSION = 1001,
	TAG_RELEASE = 1002,
	TAG_EPOCH = 1003,
	TAG_VENDOR = 1011,
	TAG_LICENSE = 1014,
	TAG_ARCH = 1022,
	TAG_OLDFILENAMES = 1027,
	TAG_SOURCERPM = 1044,
	TAG_DIRINDEXES = 1116,
	TAG_BASENAMES = 1117,
	TAG_DIRNAMES = 1118,
	TAG_MODULARITYLABEL = 5096,
};

/* rpm's own limits (lib/header.c): more tags or data than this is not a header. */
#define HEADER_TAGS_MAX 0xffffu
#define HEADER_DATA_MAX 0x0fffffffu
#define HEADER_ARRAY_MAX 0x000fffffu
#define ENTRY_SIZE 16u
#define REGION_TRAILER 16u

struct entry {
	uint32_t tag, type, offset, count;
};

/* The tags we extract; slot i of header.want holds the index entry of wanted[i]. */
static const uint32_t wanted[] = {
	TAG_NAME,	TAG_VERSION,	TAG_RELEASE,	  TAG_EPOCH,	 TAG_VENDOR,
	TAG_LICENSE,	TAG_ARCH,	TAG_OLDFILENAMES, TAG_SOURCERPM, TAG_DIRINDEXES,
	TAG_BASENAMES,	TAG_DIRNAMES,	TAG_MODULARITYLABEL,
};

struct header {
	const unsigned char *index; /* il entries of 16 bytes */
	const unsigned char *ds;    /* data store */
	uint32_t il, dl;
	struct entry want[ARRAY_LEN(wanted)];
	bool have[ARRAY_LEN(wanted)];
};

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

static struct entry entry_at(const struct header *h, uint32_t i)
{
	const unsigned char *p = h->index + (size_t)i * ENTRY_SIZE;
	struct entry en = {be32(p), be32(p + 4), be32(p + 8), be32(p + 12)};
	return en;
}

static size_t type_size(uint32_t type)
{
	switch (type) {
	case TYPE_CHAR:
	case TYPE_INT8:
	case TYPE_BIN:
		return 1;
	case TYPE_INT16:
		return 2;
	case TYPE_INT32:
		return 4;
	case TYPE_INT64:
		return 8;
	default:
		return 0; /* strings: variable; NULL: no data */
	}
}

static bool is_string_type(uint32_t type)
{
	return type == TYPE_STRING || type == TYPE_STRING_ARRAY || type == TYPE_I18NSTRING;
}

/* Bytes taken by an entry's data starting at off, never looking past dl.
 * Strings must be NUL-terminated inside the store. Returns 0 when the data
 * does not fit (or has no size at all, like TYPE_NULL). */
static size_t data_length(const struct header *h, const struct entry *en)
{
	size_t avail = h->dl - en->offset;
	const unsigned char *p = h->ds + en->offset;
	if (is_string_type(en->type)) {
		if (en->type == TYPE_STRING && en->count != 1)
			return 0;
		size_t used = 0;
		for (uint32_t i = 0; i < en->count; i++) {
			const unsigned char *nul = memchr(p + used, 0, avail - used);
			if (!nul)
				return 0;
			used = (size_t)(nul - p) + 1;
		}
		return used;
	}
	size_t sz = type_size(en->type);
	/* count <= dl <= 2^28 and sz <= 8, so the product cannot overflow. */
	size_t n = sz * en->count;
	return n <= avail ? n : 0;
}

static const char *type_name(uint32_t type)
{
	static const char *const names[] = {"NULL",  "CHAR",   "INT8", "INT16",        "INT32",
					    "INT64", "STRING", "BIN",  "STRING_ARRAY", "I18NSTRING"};
	return type <= TYPE_MAX ? names[type] : "unknown";
}

/* Validate the region tag in entry 0, if there is one. Sets *rdl to the end
 * of the region's data (its trailer included), 0 when there is no region. */
static int check_region(const struct header *h, uint32_t *rdl, struct err *e)
{
	*rdl = 0;
	struct entry r = entry_at(h, 0);
	if (r.tag != TAG_HEADERIMMUTABLE && r.tag != TAG_HEADERIMAGE && r.tag != TAG_HEADERSIGNATURES)
		return 0; /* a legacy v3 header without a region; entries are checked alike */
	if (r.type != TYPE_BIN || r.count != REGION_TRAILER) {
		err_set(e, "rpm header: region tag %u has type %u count %u, expected BIN of 16 bytes",
			r.tag, r.type, r.count);
		return -1;
	}
	if (r.offset > h->dl || h->dl - r.offset < REGION_TRAILER) {
		err_set(e, "rpm header: region trailer at offset %u lies outside the %u-byte data store",
			r.offset, h->dl);
		return -1;
	}
	/* The trailer is an index entry whose offset is minus the region's index size. */
	const unsigned char *t = h->ds + r.offset;
	uint32_t ttag = be32(t), ttype = be32(t + 4), toff = be32(t + 8), tcount = be32(t + 12);
	uint32_t rindex = (uint32_t)0 - toff; /* -offset, as rpm reads it */
	/* Old packages carry HEADERIMAGE in the trailer of an immutable region. */
	bool tag_ok = ttag == r.tag || ttag == TAG_HEADERIMAGE;
	if (!tag_ok || ttype != TYPE_BIN || tcount != REGION_TRAILER) {
		err_set(e, "rpm header: bad region trailer (tag %u type %u count %u)", ttag, ttype,
			tcount);
		return -1;
	}
	if (rindex % ENTRY_SIZE != 0 || rindex / ENTRY_SIZE == 0 || rindex / ENTRY_SIZE > h->il) {
		err_set(e, "rpm header: region trailer claims %u index bytes, header has %u entries",
			rindex, h->il);
		return -1;
	}
	*rdl = r.offset + REGION_TRAILER;
	return 0;
}

/* rpm's hdrblobVerifyInfo: every entry after the region tag has a sane tag,
 * type, count and alignment, its data fits the store, entries' data come in
 * increasing offset order without overlapping, and none of it covers the
 * region trailer. Also remembers the last entry of each tag we want: a
 * dribble entry replaces the region's entry of the same tag, as in rpm. */
static int check_entries(struct header *h, uint32_t rdl, struct err *e)
{
	uint32_t first = rdl ? 1 : 0;
	size_t end = 0;
	for (uint32_t i = first; i < h->il; i++) {
		struct entry en = entry_at(h, i);
		if (en.offset < end) {
			err_set(e, "rpm header: entry %u (tag %u) data at %u overlaps the previous entry",
				i, en.tag, en.offset);
			return -1;
		}
		if (en.tag < TAG_I18NTABLE) {
			err_set(e, "rpm header: entry %u has reserved tag %u", i, en.tag);
			return -1;
		}
		if (en.type > TYPE_MAX || en.type == TYPE_NULL) {
			err_set(e, "rpm header: entry %u (tag %u) has invalid type %u", i, en.tag, en.type);
			return -1;
		}
		if (en.count == 0 || en.count > h->dl ||
		    (en.type != TYPE_BIN && en.count > HEADER_ARRAY_MAX)) {
			err_set(e, "rpm header: entry %u (tag %u) has implausible count %u", i, en.tag,
				en.count);
			return -1;
		}
		size_t align = type_size(en.type);
		if (align > 1 && en.offset % align != 0) {
			err_set(e, "rpm header: entry %u (tag %u, %s) offset %u is misaligned", i, en.tag,
				type_name(en.type), en.offset);
			return -1;
		}
		if (en.offset > h->dl) {
			err_set(e, "rpm header: entry %u (tag %u) offset %u is past the %u-byte data store",
				i, en.tag, en.offset, h->dl);
			return -1;
		}
		size_t n = data_length(h, &en);
		if (n == 0) {
			err_set(e,
				"rpm header: entry %u (tag %u, %s, count %u) at offset %u does not fit the "
				"data store%s",
				i, en.tag, type_name(en.type), en.count, en.offset,
				is_string_type(en.type) ? " (unterminated string)" : "");
			return -1;
		}
		end = (size_t)en.offset + n;
		if (rdl && end > rdl - REGION_TRAILER && en.offset < rdl) {
			err_set(e, "rpm header: entry %u (tag %u) overlaps the region trailer", i, en.tag);
			return -1;
		}
		for (size_t w = 0; w < ARRAY_LEN(wanted); w++)
			if (wanted[w] == en.tag) {
				h->want[w] = en;
				h->have[w] = true;
			}
	}
	return 0;
}

static const struct entry *find(const struct header *h, uint32_t tag)
{
	for (size_t w = 0; w < ARRAY_LEN(wanted); w++)
		if (wanted[w] == tag)
			return h->have[w] ? &h->want[w] : NULL;
	return NULL;
}

/* The (first) string of a string-typed tag, or NULL when absent. Data were
 * checked to hold count terminated strings, so the pointer is safe to use as
 * a C string. rpm itself lets string tags disagree on the exact string type. */
static int get_string(const struct header *h, uint32_t tag, const char **out, struct err *e)
{
	*out = NULL;
	const struct entry *en = find(h, tag);
	if (!en)
		return 0;
	if (!is_string_type(en->type)) {
		err_set(e, "rpm header: tag %u has type %s, expected a string", tag,
			type_name(en->type));
		return -1;
	}
	*out = (const char *)(h->ds + en->offset);
	return 0;
}

/* Pointers to each string of an array tag (count strings, already checked to
 * be terminated within the store). *n = 0 and *out = NULL when absent. */
static int get_string_array(const struct header *h, uint32_t tag, const char ***out, size_t *n,
			    struct err *e)
{
	*out = NULL;
	*n = 0;
	const struct entry *en = find(h, tag);
	if (!en)
		return 0;
	if (en->type != TYPE_STRING_ARRAY) {
		err_set(e, "rpm header: tag %u has type %s, expected STRING_ARRAY", tag,
			type_name(en->type));
		return -1;
	}
	const char **v = xcalloc(en->count, sizeof *v);
	const char *p = (const char *)(h->ds + en->offset);
	for (uint32_t i = 0; i < en->count; i++) {
		v[i] = p;
		p += strlen(p) + 1;
	}
	*out = v;
	*n = en->count;
	return 0;
}

static int get_int32_array(const struct header *h, uint32_t tag, const unsigned char **out,
			   size_t *n, struct err *e)
{
	*out = NULL;
	*n = 0;
	const struct entry *en = find(h, tag);
	if (!en)
		return 0;
	if (en->type != TYPE_INT32) {
		err_set(e, "rpm header: tag %u has type %s, expected INT32", tag, type_name(en->type));
		return -1;
	}
	*out = h->ds + en->offset;
	*n = en->count;
	return 0;
}

/* "glibc-2.34-2.cm2.src.rpm" -> name "glibc", version-release "2.34-2.cm2".
 * Left NULL when the name does not have that shape. */
static void split_source_rpm(const char *srpm, char **name, char **evr)
{
	*name = *evr = NULL;
	size_t n = strlen(srpm);
	if (n < 4 || strcmp(srpm + n - 4, ".rpm") != 0)
		return;
	n -= 4;
	/* Drop the architecture suffix: ".src" or ".nosrc". */
	const char *dot = NULL;
	for (size_t i = n; i-- > 0;)
		if (srpm[i] == '.') {
			dot = srpm + i;
			break;
		}
	if (!dot)
		return;
	n = (size_t)(dot - srpm);
	const char *rel = NULL, *ver = NULL;
	for (size_t i = n; i-- > 0;)
		if (srpm[i] == '-') {
			if (!rel) {
				rel = srpm + i;
			} else {
				ver = srpm + i;
				break;
			}
		}
	if (!rel || !ver || ver == srpm || rel == ver + 1 || rel + 1 == srpm + n)
		return;
	*name = xstrndup(srpm, (size_t)(ver - srpm));
	*evr = xstrndup(ver + 1, n - (size_t)(ver + 1 - srpm));
}

static void add_file(struct pkg *p, size_t *cap, const char *dir, const char *base)
{
	char *joined = xasprintf("%s%s", dir, base);
	char *norm = path_normalize(joined);
	free(joined);
	/* A path climbing above the root ("../x") or naming the root itself is
	 * not a file an image layer can hold; leave it out rather than guess. */
	if (!norm || !*norm) {
		free(norm);
		return;
	}
	void *v = p->files;
	xgrow(&v, cap, p->nfiles + 1, sizeof *p->files);
	p->files = v;
	p->files[p->nfiles++] = norm;
}

static int fill_files(const struct header *h, struct pkg *p, struct err *e)
{
	const char **base = NULL, **dirs = NULL;
	size_t nbase = 0, ndirs = 0, nidx = 0, cap = 0;
	const unsigned char *idx = NULL;
	int rc = -1;
	if (get_string_array(h, TAG_BASENAMES, &base, &nbase, e) ||
	    get_string_array(h, TAG_DIRNAMES, &dirs, &ndirs, e) ||
	    get_int32_array(h, TAG_DIRINDEXES, &idx, &nidx, e))
		goto out;
	if (base) {
		if (nidx != nbase || !dirs) {
			err_set(e, "rpm header: %zu BASENAMES but %zu DIRINDEXES and %zu DIRNAMES", nbase,
				nidx, ndirs);
			goto out;
		}
		for (size_t i = 0; i < nbase; i++) {
			uint32_t d = be32(idx + 4 * i);
			if (d >= ndirs) {
				err_set(e, "rpm header: file %zu has directory index %u of %zu", i, d,
					ndirs);
				goto out;
			}
			add_file(p, &cap, dirs[d], base[i]);
		}
	} else {
		/* Headers from before rpm 4 list whole paths instead. */
		free(dirs);
		dirs = NULL;
		if (get_string_array(h, TAG_OLDFILENAMES, &dirs, &ndirs, e))
			goto out;
		for (size_t i = 0; i < ndirs; i++)
			add_file(p, &cap, "", dirs[i]);
	}
	rc = 0;
out:
	free(base);
	free(dirs);
	return rc;
}

static int fill_pkg(const struct header *h, struct pkg *p, struct err *e)
{
	const char *name, *version, *release, *arch, *srpm, *license, *vendor, *modlabel;
	if (get_string(h, TAG_NAME, &name, e) || get_string(h, TAG_VERSION, &version, e) ||
	    get_string(h, TAG_RELEASE, &release, e) || get_string(h, TAG_ARCH, &arch, e) ||
	    get_string(h, TAG_SOURCERPM, &srpm, e) || get_string(h, TAG_LICENSE, &license, e) ||
	    get_string(h, TAG_VENDOR, &vendor, e) ||
	    get_string(h, TAG_MODULARITYLABEL, &modlabel, e))
		return -1;
	if (!name || !*name || !version || !*version || !release || !*release) {
		err_set(e, "rpm header: missing or empty %s", !name || !*name ? "NAME"
							   : !version || !*version ? "VERSION"
										    : "RELEASE");
		return -1;
	}
	const unsigned char *ep;
	size_t nep;
	if (get_int32_array(h, TAG_EPOCH, &ep, &nep, e))
		return -1;
	if (ep) {
		uint32_t v = be32(ep);
		if (v > INT32_MAX) {
			err_set(e, "rpm header: %s has epoch %u, out of range", name, v);
			return -1;
		}
		p->epoch = (int)v;
	}
	p->type = PKG_RPM;
	p->name = xstrdup(name);
	p->version = xasprintf("%s-%s", version, release);
	p->arch = arch ? xstrdup(arch) : NULL;
	p->license = license ? xstrdup(license) : NULL;
	p->vendor = vendor ? xstrdup(vendor) : NULL;
	p->modularity_label = modlabel ? xstrdup(modlabel) : NULL;
	/* rpm prints "(none)" for an absent tag; nothing to keep then. */
	if (srpm && *srpm) {
		p->sourcerpm = xstrdup(srpm);
		split_source_rpm(srpm, &p->src_name, &p->src_version);
	}
	return fill_files(h, p, e);
}

int rpm_header_parse(const unsigned char *blob, size_t len, struct pkg *out, struct err *e)
{
	memset(out, 0, sizeof *out);
	out->epoch = -1;
	if (!blob || len < 8) {
		err_set(e, "rpm header: %zu bytes, too short for the index counts", len);
		return -1;
	}
	struct header h;
	memset(&h, 0, sizeof h);
	h.il = be32(blob);
	h.dl = be32(blob + 4);
	if (h.il == 0 || h.il > HEADER_TAGS_MAX || h.dl > HEADER_DATA_MAX) {
		err_set(e, "rpm header: implausible counts: %u index entries, %u data bytes", h.il,
			h.dl);
		return -1;
	}
	/* With the limits above this cannot overflow even a 32-bit size_t. */
	size_t need = 8 + (size_t)h.il * ENTRY_SIZE + h.dl;
	if (need != len) {
		err_set(e, "rpm header: blob is %zu bytes but its counts (%u entries, %u data bytes) "
			   "say %zu",
			len, h.il, h.dl, need);
		return -1;
	}
	h.index = blob + 8;
	h.ds = h.index + (size_t)h.il * ENTRY_SIZE;
	uint32_t rdl;
	if (check_region(&h, &rdl, e) || check_entries(&h, rdl, e) || fill_pkg(&h, out, e)) {
		pkg_clear(out);
		return -1;
	}
	return 0;
}
