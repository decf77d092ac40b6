/* vigil db: build and inspect the local vulnerability database. */
#include "cmd/cmd.h"
#include "db/vdb.h"
#include "util/util.h"

#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char usage[] =
	"Usage: vigil db COMMAND [OPTIONS]\n"
	"\n"
	"Manage the local vulnerability database that scans match packages against.\n"
	"\n"
	"Commands:\n"
	"  import   import vulnerability feeds into the database\n"
	"  update   download feeds (conditional requests) and import them\n"
	"  info     show the schema version, build time and imported sources\n"
	"\n"
	"Default database: $XDG_CACHE_HOME/vigil/db/vigil.db (~/.cache/vigil/db/vigil.db).\n"
	"Run 'vigil db COMMAND --help' for a command's options.\n";

static const char import_usage[] =
	"Usage: vigil db import [--db PATH] FEED...\n"
	"\n"
	"Import vulnerability feeds. The kind of each feed is recognised from its content:\n"
	"  - Alpine secdb JSON (secdb.alpinelinux.org/vX.Y/main.json, community.json)\n"
	"  - Debian security tracker JSON (security-tracker.debian.org/tracker/data/json)\n"
	"  - OSV records: one JSON file, a directory of them, or an ecosystem all.zip\n"
	"    (Alpine, Debian, Ubuntu, AlmaLinux, Rocky Linux, npm and PyPI ecosystems are used)\n"
	"  - NVD CVE API 2.0 JSON: API pages or yearly feed files (CVSS, CWE, references)\n"
	"A FEED may be a directory (its *.json, *.json.gz, *.zip files are read) and JSON\n"
	"may be gzip, xz, bzip2 or zstd compressed.\n"
	"\n"
	"The import is atomic: the database is replaced only when every feed was read\n"
	"without error; otherwise it is left unchanged. Importing a feed again replaces\n"
	"what it imported before.\n"
	"\n"
	"Options:\n"
	"      --db PATH   the database file (created when missing)\n"
	"  -q, --quiet     print nothing on success\n"
	"  -h, --help      this help\n"
	"\n"
	"Exit codes: 0 ok; 2 usage error; 3 a feed or the database could not be read;\n"
	"            4 internal error.\n";

static const char info_usage[] =
	"Usage: vigil db info [--db PATH] [--format table|json]\n"
	"\n"
	"Show the database's schema version, build time, and each source with its\n"
	"record count and import time.\n"
	"\n"
	"Options:\n"
	"      --db PATH        the database file\n"
	"  -f, --format FORMAT  table (default) or json\n"
	"  -h, --help           this help\n";

static const char update_usage[] =
	"Usage: vigil db update [--db PATH] [--alpine vX.Y,...] [--debian] [--osv ECOSYSTEM,...]\n"
	"                       [--url URL]... [OPTIONS]\n"
	"\n"
	"Download vulnerability feeds and import them, atomically like 'vigil db import'.\n"
	"Downloads are cached next to the database (DIR/feeds) and requested again with\n"
	"If-None-Match / If-Modified-Since, so unchanged feeds are not fetched twice.\n"
	"\n"
	"Feeds:\n"
	"      --alpine LIST     Alpine secdb releases, e.g. v3.19,v3.20 (main and community)\n"
	"      --debian          the Debian security tracker JSON\n"
	"      --osv LIST        OSV ecosystem dumps (all.zip), e.g. Alpine,Debian,Ubuntu,npm,PyPI,\n"
	"                        'AlmaLinux,Rocky Linux' (a space is sent as %20)\n"
	"      --url URL         any feed URL (http, https, file); repeatable\n"
	"\n"
	"Options:\n"
	"      --db PATH         the database file (created when missing)\n"
	"      --alpine-url BASE default https://secdb.alpinelinux.org\n"
	"      --debian-url URL  default https://security-tracker.debian.org/tracker/data/json\n"
	"      --osv-url BASE    default https://osv-vulnerabilities.storage.googleapis.com\n"
	"      --cache DIR       where downloads are kept (default: beside the database)\n"
	"  -q, --quiet           print nothing on success\n"
	"  -h, --help            this help\n"
	"\n"
	"Exit codes: 0 ok; 2 usage error; 3 a download or a feed failed (the database is\n"
	"            unchanged); 4 internal error.\n";

enum {
	OPT_DB = 256,
	OPT_ALPINE,
	OPT_DEBIAN,
	OPT_OSV,
	OPT_URL,
	OPT_ALPINE_URL,
	OPT_DEBIAN_URL,
	OPT_OSV_URL,
	OPT_CACHE,
};

static const struct option db_opts[] = {
	{"db", required_argument, NULL, OPT_DB},
	{"format", required_argument, NULL, 'f'},
	{"quiet", no_argument, NULL, 'q'},
	{"help", no_argument, NULL, 'h'},
	{NULL, 0, NULL, 0},
};

struct db_args {
	const char *db;
	const char *format;
	bool quiet;
	char *default_db;
	/* update */
	char **urls;
	size_t nurls;
	const char *alpine, *osv, *cache;
	bool debian;
	const char *alpine_url, *debian_url, *osv_url;
};

static const struct option update_opts[] = {
	{"db", required_argument, NULL, OPT_DB},
	{"alpine", required_argument, NULL, OPT_ALPINE},
	{"debian", no_argument, NULL, OPT_DEBIAN},
	{"osv", required_argument, NULL, OPT_OSV},
	{"url", required_argument, NULL, OPT_URL},
	{"alpine-url", required_argument, NULL, OPT_ALPINE_URL},
	{"debian-url", required_argument, NULL, OPT_DEBIAN_URL},
	{"osv-url", required_argument, NULL, OPT_OSV_URL},
	{"cache", required_argument, NULL, OPT_CACHE},
	{"quiet", no_argument, NULL, 'q'},
	{"help", no_argument, NULL, 'h'},
	{NULL, 0, NULL, 0},
};

static void add_url(struct db_args *a, char *url)
{
	a->urls = xrealloc(a->urls, (a->nurls + 1) * sizeof *a->urls);
	a->urls[a->nurls++] = url;
}

static void free_args(struct db_args *a)
{
	for (size_t i = 0; i < a->nurls; i++)
		free(a->urls[i]);
	free(a->urls);
	free(a->default_db);
}

/* Returns 0 to go on, -1 after --help, or an exit code. */
static int parse(int argc, char **argv, const char *name, const char *help, bool formats, struct db_args *a)
{
	memset(a, 0, sizeof *a);
	a->format = "table";
	optind = 1;
	opterr = 0;
	int ch;
	bool update = !strcmp(name, "update");
	while ((ch = getopt_long(argc, argv, formats ? "f:qh" : "qh", update ? update_opts : db_opts, NULL)) != -1) {
		switch (ch) {
		case OPT_ALPINE:
			a->alpine = optarg;
			break;
		case OPT_DEBIAN:
			a->debian = true;
			break;
		case OPT_OSV:
			a->osv = optarg;
			break;
		case OPT_URL:
			add_url(a, xstrdup(optarg));
			break;
		case OPT_ALPINE_URL:
			a->alpine_url = optarg;
			break;
		case OPT_DEBIAN_URL:
			a->debian_url = optarg;
			break;
		case OPT_OSV_URL:
			a->osv_url = optarg;
			break;
		case OPT_CACHE:
			a->cache = optarg;
			break;
		case OPT_DB:
			a->db = optarg;
			break;
		case 'f':
			if (!formats)
				goto unknown;
			if (strcmp(optarg, "table") != 0 && strcmp(optarg, "json") != 0) {
				report_error("vigil db %s: unknown format '%s' (table, json)", name, optarg);
				free_args(a);
				return EXIT_USAGE;
			}
			a->format = optarg;
			break;
		case 'q':
			a->quiet = true;
			util_quiet = true;
			break;
		case 'h':
			fputs(help, stdout);
			free_args(a);
			return -1;
		default:
		unknown:
			if (optopt && optopt < 256)
				report_error("vigil db %s: unknown or incomplete option '-%c' (see --help)", name, optopt);
			else
				report_error("vigil db %s: unknown or incomplete option '%s' (see --help)", name,
					     argv[optind - 1]);
			free_args(a);
			return EXIT_USAGE;
		}
	}
	if (!a->db) {
		a->default_db = vdb_default_path();
		if (!a->default_db) {
			report_error("vigil db %s: no --db PATH and neither XDG_CACHE_HOME nor HOME is set", name);
			free_args(a);
			return EXIT_USAGE;
		}
		a->db = a->default_db;
	}
	return 0;
}

static int db_import(int argc, char **argv)
{
	struct db_args a;
	int rc = parse(argc, argv, "import", import_usage, false, &a);
	if (rc)
		return rc < 0 ? EXIT_OK : rc;
	if (optind >= argc) {
		report_error("vigil db import: no FEED given (see --help)");
		free_args(&a);
		return EXIT_USAGE;
	}
	struct vdb_import_summary sum;
	struct err e = {{0}};
	struct stat st;
	bool existed = stat(a.db, &st) == 0;
	if (vdb_import_files(a.db, (const char *const *)argv + optind, (size_t)(argc - optind), &sum, &e) != 0) {
		report_error("%s", e.msg);
		if (existed)
			report_error("%s was not changed", a.db);
		else
			report_error("no database was written to %s", a.db);
		free_args(&a);
		return EXIT_INPUT;
	}
	if (!a.quiet) {
		if (sum.nsources == 0)
			printf("%s: the feeds held no advisories for Alpine, Debian or Ubuntu, nor NVD records\n",
			       a.db);
		for (size_t i = 0; i < sum.nsources; i++)
			printf("%s: %lld records (%s)\n", sum.sources[i].name, (long long)sum.sources[i].records,
			       sum.sources[i].kind);
	}
	vdb_import_summary_free(&sum);
	free_args(&a);
	return EXIT_OK;
}

static int print_json(const char *path, const struct vdb_info *in)
{
	json_t *o = json_object();
	json_object_set_new(o, "path", json_string(path));
	json_object_set_new(o, "schema_version", json_integer(in->schema_version));
	json_object_set_new(o, "built_at", in->built_at ? json_string(in->built_at) : json_null());
	json_object_set_new(o, "vigil_version", in->vigil_version ? json_string(in->vigil_version) : json_null());
	json_t *srcs = json_array();
	for (size_t i = 0; i < in->nsources; i++) {
		const struct vdb_source_info *s = &in->sources[i];
		json_t *j = json_object();
		json_object_set_new(j, "name", json_string(s->name));
		json_object_set_new(j, "kind", json_string(s->kind));
		json_object_set_new(j, "origin", s->origin ? json_string(s->origin) : json_null());
		json_object_set_new(j, "imported_at", json_string(s->imported_at));
		json_object_set_new(j, "records", json_integer(s->records));
		json_array_append_new(srcs, j);
	}
	json_object_set_new(o, "sources", srcs);
	/* Paths and feed names may hold any bytes: json_dumps refuses invalid
	 * UTF-8, so an empty result means "not representable" and is reported. */
	char *text = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(o);
	if (!text) {
		report_error("cannot format the database information as JSON");
		return EXIT_INTERNAL;
	}
	puts(text);
	free(text);
	return EXIT_OK;
}

static int db_info(int argc, char **argv)
{
	struct db_args a;
	int rc = parse(argc, argv, "info", info_usage, true, &a);
	if (rc)
		return rc < 0 ? EXIT_OK : rc;
	if (optind < argc) {
		report_error("vigil db info: unexpected argument '%s'", argv[optind]);
		free_args(&a);
		return EXIT_USAGE;
	}
	struct vdb_info in;
	struct err e = {{0}};
	if (vdb_info_read(a.db, &in, &e) != 0) {
		report_error("%s", e.msg);
		free_args(&a);
		return EXIT_INPUT;
	}
	if (!strcmp(a.format, "json")) {
		rc = print_json(a.db, &in);
	} else {
		char *p = utf8_sanitize(a.db);
		printf("Database:       %s\n", p);
		free(p);
		printf("Schema version: %d\n", in.schema_version);
		printf("Built at:       %s\n", in.built_at ? in.built_at : "-");
		printf("Sources:        %zu\n", in.nsources);
		if (in.nsources) {
			printf("\n  %-32s %-15s %10s  %s\n", "NAME", "KIND", "RECORDS", "IMPORTED AT");
			for (size_t i = 0; i < in.nsources; i++) {
				char *n = utf8_sanitize(in.sources[i].name);
				printf("  %-32s %-15s %10lld  %s\n", n, in.sources[i].kind,
				       (long long)in.sources[i].records, in.sources[i].imported_at);
				free(n);
			}
		}
		rc = fflush(stdout) == 0 ? EXIT_OK : EXIT_INTERNAL;
	}
	vdb_info_free(&in);
	free_args(&a);
	return rc;
}

/* w with each space written %20, as a URL path needs it. */
static char *url_spaces(const char *w)
{
	struct buf b = {0};
	for (const char *p = w; *p; p++)
		if (*p == ' ')
			buf_append(&b, "%20", 3);
		else
			buf_append(&b, p, 1);
	buf_append(&b, "", 1);
	return buf_steal(&b);
}

/* Appends base + "/" + each comma-separated item + suffixes to the URLs. */
static int add_list(struct db_args *a, const char *base, const char *list, const char *const *suffixes,
		    size_t nsuffixes, const char *what)
{
	size_t blen = strlen(base);
	while (blen > 0 && base[blen - 1] == '/')
		blen--;
	char *copy = xstrdup(list), *save = NULL;
	int n = 0;
	for (char *w = strtok_r(copy, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
		/* The item becomes a URL path segment: no separators or escapes;
		 * inner spaces only (OSV's "Rocky Linux"), sent as %20. */
		size_t wl = strlen(w);
		if (strpbrk(w, "/?#%\\\t\n") || !strcmp(w, "..") || !strcmp(w, ".") || w[0] == ' ' ||
		    w[wl - 1] == ' ') {
			report_error("vigil db update: bad %s '%s'", what, w);
			free(copy);
			return -1;
		}
		char *segment = url_spaces(w);
		for (size_t i = 0; i < nsuffixes; i++)
			add_url(a, xasprintf("%.*s/%s%s", (int)blen, base, segment, suffixes[i]));
		free(segment);
		n++;
	}
	free(copy);
	if (n == 0) {
		report_error("vigil db update: empty %s list", what);
		return -1;
	}
	return 0;
}

static int db_update(int argc, char **argv)
{
	struct db_args a;
	int rc = parse(argc, argv, "update", update_usage, false, &a);
	if (rc)
		return rc < 0 ? EXIT_OK : rc;
	if (optind < argc) {
		report_error("vigil db update: unexpected argument '%s' (feeds are chosen with options; see --help)",
			     argv[optind]);
		free_args(&a);
		return EXIT_USAGE;
	}
	static const char *const alpine_files[] = {"/main.json", "/community.json"};
	static const char *const osv_files[] = {"/all.zip"};
	if ((a.alpine && add_list(&a, a.alpine_url ? a.alpine_url : "https://secdb.alpinelinux.org", a.alpine,
				  alpine_files, 2, "Alpine release") != 0) ||
	    (a.osv && add_list(&a, a.osv_url ? a.osv_url : "https://osv-vulnerabilities.storage.googleapis.com",
			       a.osv, osv_files, 1, "OSV ecosystem") != 0)) {
		free_args(&a);
		return EXIT_USAGE;
	}
	if (a.debian)
		add_url(&a, xstrdup(a.debian_url ? a.debian_url
						 : "https://security-tracker.debian.org/tracker/data/json"));
	if (a.nurls == 0) {
		report_error("vigil db update: choose feeds with --alpine, --debian, --osv or --url (see --help)");
		free_args(&a);
		return EXIT_USAGE;
	}
	struct vdb_update_opts o = {
		.db_path = a.db,
		.cache_dir = a.cache,
		.urls = (const char *const *)a.urls,
		.nurls = a.nurls,
		.max_bytes = (uint64_t)8 << 30,
	};
	struct vdb_update_result res;
	struct err e = {{0}};
	if (vdb_update(&o, &res, &e) != 0) {
		report_error("%s", e.msg);
		report_error("the database at %s was not changed", a.db);
		free_args(&a);
		return EXIT_INPUT;
	}
	if (!a.quiet) {
		printf("%s: %zu of %zu feeds changed since the last update\n", a.db, res.downloaded, a.nurls);
		for (size_t i = 0; i < res.summary.nsources; i++)
			printf("%s: %lld records (%s)\n", res.summary.sources[i].name,
			       (long long)res.summary.sources[i].records, res.summary.sources[i].kind);
	}
	vdb_import_summary_free(&res.summary);
	free_args(&a);
	return EXIT_OK;
}

int cmd_db(int argc, char **argv)
{
	if (argc < 2) {
		fputs(usage, stderr);
		return EXIT_USAGE;
	}
	const char *sub = argv[1];
	if (!strcmp(sub, "--help") || !strcmp(sub, "-h") || !strcmp(sub, "help")) {
		fputs(usage, stdout);
		return EXIT_OK;
	}
	if (!strcmp(sub, "import"))
		return db_import(argc - 1, argv + 1);
	if (!strcmp(sub, "info"))
		return db_info(argc - 1, argv + 1);
	if (!strcmp(sub, "update"))
		return db_update(argc - 1, argv + 1);
	report_error("vigil db: unknown command '%s' (import, update, info; see 'vigil db --help')", sub);
	return EXIT_USAGE;
}
