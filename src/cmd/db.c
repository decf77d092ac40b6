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
	"    (Alpine, Debian and Ubuntu ecosystems are used)\n"
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

enum { OPT_DB = 256 };

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
};

/* Returns 0 to go on, -1 after --help, or an exit code. */
static int parse(int argc, char **argv, const char *name, const char *help, bool formats, struct db_args *a)
{
	memset(a, 0, sizeof *a);
	a->format = "table";
	optind = 1;
	opterr = 0;
	int ch;
	while ((ch = getopt_long(argc, argv, formats ? "f:qh" : "qh", db_opts, NULL)) != -1) {
		switch (ch) {
		case OPT_DB:
			a->db = optarg;
			break;
		case 'f':
			if (!formats)
				goto unknown;
			if (strcmp(optarg, "table") != 0 && strcmp(optarg, "json") != 0) {
				report_error("vigil db %s: unknown format '%s' (table, json)", name, optarg);
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
			return -1;
		default:
		unknown:
			if (optopt && optopt < 256)
				report_error("vigil db %s: unknown or incomplete option '-%c' (see --help)", name, optopt);
			else
				report_error("vigil db %s: unknown or incomplete option '%s' (see --help)", name,
					     argv[optind - 1]);
			return EXIT_USAGE;
		}
	}
	if (!a->db) {
		a->default_db = vdb_default_path();
		if (!a->default_db) {
			report_error("vigil db %s: no --db PATH and neither XDG_CACHE_HOME nor HOME is set", name);
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
		free(a.default_db);
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
		free(a.default_db);
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
	free(a.default_db);
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
		free(a.default_db);
		return EXIT_USAGE;
	}
	struct vdb_info in;
	struct err e = {{0}};
	if (vdb_info_read(a.db, &in, &e) != 0) {
		report_error("%s", e.msg);
		free(a.default_db);
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
	free(a.default_db);
	return rc;
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
	report_error("vigil db: unknown command '%s' (import, info; see 'vigil db --help')", sub);
	return EXIT_USAGE;
}
