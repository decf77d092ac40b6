/* Recording what a layer contains, shared by the tar and directory walkers:
 * path hygiene, whiteouts, and dispatching file bytes to analyzers. */
#include "walk/record.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const struct walk_limits walk_default_limits = {
	.max_tar_bytes = 64ULL << 30, /* 64 GiB uncompressed per layer */
	.max_entries = 10000000,
};

enum { MAX_WARNINGS = 200 };

void layer_result_warn(struct layer_result *r, const char *fmt, ...)
{
	if (r->nwarnings >= MAX_WARNINGS) {
		r->nwarnings_dropped++;
		return;
	}
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	void *v = r->warnings;
	xgrow(&v, &r->cap_warnings, r->nwarnings + 1, sizeof *r->warnings);
	r->warnings = v;
	r->warnings[r->nwarnings++] = utf8_sanitize(msg);
}

static void push_str(char ***v, size_t *n, size_t *cap, char *s)
{
	void *p = *v;
	xgrow(&p, cap, *n + 1, sizeof **v);
	*v = p;
	(*v)[(*n)++] = s;
}

void layer_result_free(struct layer_result *r)
{
	for (size_t i = 0; i < r->nentries; i++) {
		free(r->entries[i].path);
		free(r->entries[i].link);
	}
	free(r->entries);
	for (size_t i = 0; i < r->nwhiteouts; i++)
		free(r->whiteouts[i]);
	free(r->whiteouts);
	for (size_t i = 0; i < r->nopaque; i++)
		free(r->opaque[i]);
	free(r->opaque);
	for (size_t i = 0; i < r->nanalyses; i++) {
		free(r->analyses[i].path);
		free(r->analyses[i].error);
		analysis_clear(&r->analyses[i].result);
	}
	free(r->analyses);
	for (size_t i = 0; i < r->nwarnings; i++)
		free(r->warnings[i]);
	free(r->warnings);
	secret_findings_free(&r->secrets);
	memset(r, 0, sizeof *r);
}

/* Splits "dir/.wh.name" forms. Returns 1 for a whiteout, 2 for an opaque
 * marker, 0 otherwise; *target gets the deleted path or the opaque dir. */
static int classify_whiteout(const char *path, char **target)
{
	const char *base = path_base(path);
	if (strncmp(base, ".wh.", 4) != 0)
		return 0;
	size_t dirlen = (size_t)(base - path);
	if (dirlen)
		dirlen--; /* drop the '/' */
	if (strcmp(base, ".wh..wh..opq") == 0) {
		*target = xstrndup(path, dirlen);
		return 2;
	}
	if (base[4] == 0 || strcmp(base + 4, ".") == 0 || strcmp(base + 4, "..") == 0)
		return -1; /* ".wh." alone or ".wh.." would name the directory itself */
	*target = dirlen ? xasprintf("%.*s/%s", (int)dirlen, path, base + 4) : xstrdup(base + 4);
	return 1;
}

int record_entry(struct layer_result *r, const struct record_in *in, struct err *e)
{
	char *path = path_normalize(in->raw_path);
	if (!path) {
		layer_result_warn(r, "entry '%s' climbs above the layer root; ignored", in->raw_path);
		return 0;
	}
	if (!*path) {
		free(path); /* the root itself ("./") */
		return 0;
	}
	char *target = NULL;
	int wh = classify_whiteout(path, &target);
	if (wh < 0) {
		layer_result_warn(r, "malformed whiteout '%s'; ignored", in->raw_path);
		free(path);
		return 0;
	}
	if (wh == 1) {
		push_str(&r->whiteouts, &r->nwhiteouts, &r->cap_whiteouts, target);
		free(path);
		return 0;
	}
	if (wh == 2) {
		push_str(&r->opaque, &r->nopaque, &r->cap_opaque, target);
		free(path);
		return 0;
	}

	void *v = r->entries;
	xgrow(&v, &r->cap_entries, r->nentries + 1, sizeof *r->entries);
	r->entries = v;
	struct layer_entry *ent = &r->entries[r->nentries++];
	ent->path = path;
	ent->type = in->type;
	ent->mode = in->mode & 07777;
	ent->size = in->size;
	ent->link = NULL;
	if (in->link) {
		if (in->type == ENTRY_HARDLINK) {
			ent->link = path_normalize(in->link);
			if (!ent->link) {
				layer_result_warn(r, "hard link '%s' points above the layer root; ignored", path);
				ent->type = ENTRY_FILE;
			}
		} else {
			ent->link = xstrndup(in->link, strnlen(in->link, 4096));
		}
	}
	if (in->type != ENTRY_FILE || !in->read)
		return 0;

	const struct analyzer *want[8];
	size_t nwant = analyzers_matching(path, want, ARRAY_LEN(want));
	struct secret_scan *ss = in->secrets;
	if (!nwant && !ss)
		return 0;
	size_t cap = 0;
	for (size_t i = 0; i < nwant; i++)
		if (want[i]->max_bytes > cap)
			cap = want[i]->max_bytes;
	size_t want_bytes = in->size < 0 ? cap : (size_t)in->size < cap ? (size_t)in->size : cap;
	/* Analyzers get at most cap bytes (plus one read to learn whether the
	 * file was larger); the secret scanner streams the file as it goes, so
	 * the bytes are read once for both. */
	size_t limit = nwant ? want_bytes + 1 : 0;
	bool scan_secret = ss && secret_file_begin(ss, path, in->size) == 0;
	struct buf content = {0};
	unsigned char chunk[65536];
	bool truncated = false;
	for (;;) {
		bool need_an = content.len < limit;
		bool need_secret = scan_secret && secret_file_wants_more(ss);
		if (!need_an && !need_secret)
			break;
		size_t room = need_secret ? sizeof chunk : limit - content.len;
		ssize_t n = in->read(in->read_ctx, chunk, room < sizeof chunk ? room : sizeof chunk, e);
		if (n < 0) {
			buf_free(&content);
			if (ss)
				secret_file_end(ss, &r->secrets);
			return -1;
		}
		if (n == 0)
			break;
		if (need_secret)
			secret_file_feed(ss, chunk, (size_t)n);
		if (need_an)
			buf_append(&content, chunk, (size_t)n < limit - content.len ? (size_t)n : limit - content.len);
	}
	if (ss)
		secret_file_end(ss, &r->secrets);
	if (!nwant) {
		buf_free(&content);
		return 0;
	}
	if (!content.data)
		buf_append(&content, "", 0);
	if (content.len > want_bytes) {
		truncated = content.len > cap;
		content.len = want_bytes;
	}
	for (size_t i = 0; i < nwant; i++) {
		v = r->analyses;
		xgrow(&v, &r->cap_analyses, r->nanalyses + 1, sizeof *r->analyses);
		r->analyses = v;
		struct layer_analysis *la = &r->analyses[r->nanalyses++];
		memset(la, 0, sizeof *la);
		la->path = xstrdup(path);
		la->analyzer = want[i];
		size_t sz = content.len < want[i]->max_bytes ? content.len : want[i]->max_bytes;
		struct analyzer_input ai = {
			.path = path,
			.data = content.data,
			.size = sz,
			.truncated = truncated || content.len > want[i]->max_bytes,
		};
		struct err pe = {{0}};
		if (want[i]->parse(&ai, &la->result, &pe) != 0) {
			analysis_clear(&la->result);
			la->error = xstrdup(pe.msg[0] ? pe.msg : "unparseable");
		}
	}
	buf_free(&content);
	return 0;
}
