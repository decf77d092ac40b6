/* Rendering a benchmark report: text in docker-bench-security's layout
 * ("[WARN] 5.5 - title" with indented details and a score), JSON (schema in
 * doc/bench.md), SARIF 2.1.0 and JUnit XML. */
#include "bench/bench.h"

#include <stdlib.h>
#include <string.h>

/* The section a check belongs to: its first id component. */
static void section_of(const char *id, char *out, size_t n)
{
	size_t l = strcspn(id, ".");
	snprintf(out, n, "%.*s", (int)(l < n ? l : n - 1), id);
}

/* The subsection (1.1, 1.2) for section 1's three-part ids, else "". */
static void subsection_of(const char *id, char *out, size_t n)
{
	const char *a = strchr(id, '.');
	const char *b = a ? strchr(a + 1, '.') : NULL;
	if (b)
		snprintf(out, n, "%.*s", (int)(b - id), id);
	else
		out[0] = '\0';
}

static const char *kind_suffix(const struct bench_check *c)
{
	return c->scored ? "(Automated)" : "(Manual)";
}

/* ---- text ------------------------------------------------------------------------------- */

static void render_text(const struct bench_report *rep, bool remediation, struct buf *out)
{
	json_t *d = json_object_get(rep->meta, "daemon");
	buf_appendf(out, "# %s\n", "--------------------------------------------------------------------------------");
	buf_appendf(out, "# vigil %s bench: %s\n", json_string_value(json_object_get(rep->meta, "version")),
		    json_string_value(json_object_get(rep->meta, "benchmark")));
	buf_appendf(out, "# daemon: unix://%s, Docker %s", bench_jstr(d, "socket"), bench_jstr(d, "server_version"));
	if (json_integer_value(json_object_get(d, "pid")))
		buf_appendf(out, ", dockerd pid %lld", (long long)json_integer_value(json_object_get(d, "pid")));
	buf_appendf(out, "\n# daemon.json: %s (%s)\n", bench_jstr(d, "config_file"),
		    bench_jstr(d, "config_file_state"));
	if (!json_integer_value(json_object_get(d, "pid")))
		buf_appendf(out, "# dockerd: %s\n", bench_jstr(d, "pid_source"));
	buf_appendf(out, "# %s\n", "--------------------------------------------------------------------------------");

	char sec[16] = "", sub[16] = "";
	for (size_t i = 0; i < rep->n; i++) {
		const struct bench_check *c = rep->entries[i].check;
		const struct bench_outcome *o = &rep->entries[i].out;
		char s[16], ss[16];
		section_of(c->id, s, sizeof s);
		subsection_of(c->id, ss, sizeof ss);
		if (strcmp(s, sec)) {
			const char *t = bench_section_title(s);
			buf_appendf(out, "\n[INFO] %s - %s\n", s, t ? t : "");
			snprintf(sec, sizeof sec, "%s", s);
			sub[0] = '\0';
		}
		if (ss[0] && strcmp(ss, sub)) {
			const char *t = bench_section_title(ss);
			buf_appendf(out, "[INFO] %s - %s\n", ss, t ? t : "");
			snprintf(sub, sizeof sub, "%s", ss);
		}
		const char *tag = bench_result_name(o->result);
		buf_appendf(out, "[%s] %s - %s %s\n", tag, c->id, c->title, kind_suffix(c));
		for (size_t k = 0; k < o->ndetails; k++)
			buf_appendf(out, "[%s]      * %s\n", tag, o->details[k]);
		for (size_t k = 0; k < o->nitems; k++) {
			const struct bench_item *it = &o->items[k];
			bool container = !strcmp(it->kind, "container");
			buf_appendf(out, "[%s]      * %s", bench_result_name(it->result), it->detail);
			if (container)
				buf_appendf(out, " [%.12s]", it->id);
			buf_appendf(out, "\n");
		}
		if (remediation && o->result != BENCH_PASS && c->remediation)
			buf_appendf(out, "       Remediation: %s\n", c->remediation);
	}
	buf_appendf(out, "\nSection C - Score\n\n[INFO] Checks: %d\n[INFO] Score: %d\n", rep->checks, rep->score);
}

/* ---- JSON ------------------------------------------------------------------------------- */

static json_t *item_json(const struct bench_item *it)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:s}", "result", bench_result_name(it->result), "kind", it->kind, "id",
			 it->id, "name", it->name, "detail", it->detail);
}

static json_t *report_json(const struct bench_report *rep, bool remediation)
{
	json_t *root = json_deep_copy(rep->meta);
	json_t *sections = json_array(), *results = json_array();
	int counts[4] = {0};
	char last[16] = "";
	for (size_t i = 0; i < rep->n; i++) {
		const struct bench_check *c = rep->entries[i].check;
		const struct bench_outcome *o = &rep->entries[i].out;
		char s[16];
		section_of(c->id, s, sizeof s);
		if (strcmp(s, last)) {
			const char *t = bench_section_title(s);
			json_array_append_new(sections, json_pack("{s:s, s:s}", "id", s, "title", t ? t : ""));
			snprintf(last, sizeof last, "%s", s);
		}
		json_t *details = json_array(), *items = json_array();
		for (size_t k = 0; k < o->ndetails; k++)
			json_array_append_new(details, json_string(o->details[k]));
		for (size_t k = 0; k < o->nitems; k++)
			json_array_append_new(items, item_json(&o->items[k]));
		json_t *r = json_pack("{s:s, s:s, s:s, s:s, s:i, s:b, s:o, s:o}", "id", c->id, "section", s, "title",
				      c->title, "result", bench_result_name(o->result), "level", c->level, "scored",
				      c->scored, "details", details, "items", items);
		json_object_set_new(r, "remediation", json_string(c->remediation ? c->remediation : ""));
		(void)remediation; /* always present in JSON: consumers choose */
		json_array_append_new(results, r);
		counts[o->result]++;
	}
	json_object_set_new(root, "sections", sections);
	json_object_set_new(root, "results", results);
	json_object_set_new(root, "checks", json_integer(rep->checks));
	json_object_set_new(root, "score", json_integer(rep->score));
	json_object_set_new(root, "summary",
			    json_pack("{s:i, s:i, s:i, s:i}", "PASS", counts[BENCH_PASS], "WARN", counts[BENCH_WARN],
				      "INFO", counts[BENCH_INFO], "NOTE", counts[BENCH_NOTE]));
	return root;
}

/* ---- SARIF ------------------------------------------------------------------------------ */

static char *message_text(const struct bench_check *c, const struct bench_outcome *o)
{
	struct buf b = {0};
	buf_appendf(&b, "[%s] %s - %s", bench_result_name(o->result), c->id, c->title);
	for (size_t k = 0; k < o->ndetails; k++)
		buf_appendf(&b, "\n* %s", o->details[k]);
	for (size_t k = 0; k < o->nitems; k++)
		buf_appendf(&b, "\n* %s", o->items[k].detail);
	return buf_steal(&b);
}

static json_t *report_sarif(const struct bench_report *rep)
{
	json_t *rules = json_array(), *results = json_array();
	for (size_t i = 0; i < rep->n; i++) {
		const struct bench_check *c = rep->entries[i].check;
		const struct bench_outcome *o = &rep->entries[i].out;
		char s[16];
		section_of(c->id, s, sizeof s);
		json_array_append_new(rules, json_pack("{s:s, s:s, s:{s:s}, s:{s:s}, s:{s:s, s:i, s:b}}", "id", c->id,
						       "name", c->title, "shortDescription", "text", c->title, "help",
						       "text", c->remediation ? c->remediation : "", "properties",
						       "section", s, "level", c->level, "scored", c->scored));
		/* SARIF: only "fail" carries a level; the rest are "none". */
		const char *kind = o->result == BENCH_PASS ? "pass" : o->result == BENCH_WARN ? "fail" : "review";
		char *text = message_text(c, o);
		json_t *r =
			json_pack("{s:s, s:I, s:s, s:s, s:{s:s}}", "ruleId", c->id, "ruleIndex", (json_int_t)i, "kind",
				  kind, "level", o->result == BENCH_WARN ? "warning" : "none", "message", "text", text);
		free(text);
		json_t *locs = json_array();
		for (size_t k = 0; k < o->nitems; k++)
			json_array_append_new(locs, json_pack("{s:[{s:s, s:s, s:s}]}", "logicalLocations", "name",
							      o->items[k].name, "fullyQualifiedName", o->items[k].id,
							      "kind", o->items[k].kind));
		if (json_array_size(locs))
			json_object_set_new(r, "locations", locs);
		else
			json_decref(locs);
		json_array_append_new(results, r);
	}
	json_t *driver = json_pack("{s:s, s:s, s:s, s:o}", "name", "vigil", "version",
				   json_string_value(json_object_get(rep->meta, "version")), "informationUri",
				   "https://www.cisecurity.org/benchmark/docker", "rules", rules);
	json_t *run = json_pack("{s:{s:o}, s:o, s:{s:O}}", "tool", "driver", driver, "results", results, "properties",
				"daemon", json_object_get(rep->meta, "daemon"));
	return json_pack("{s:s, s:s, s:[o]}", "$schema", "https://json.schemastore.org/sarif-2.1.0.json", "version",
			 "2.1.0", "runs", run);
}

/* ---- JUnit ------------------------------------------------------------------------------ */

/* XML 1.0 text: escape markup, and drop the control characters it forbids. */
static void xml_escape(struct buf *out, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '&':
			buf_appendf(out, "&amp;");
			break;
		case '<':
			buf_appendf(out, "&lt;");
			break;
		case '>':
			buf_appendf(out, "&gt;");
			break;
		case '"':
			buf_appendf(out, "&quot;");
			break;
		case '\'':
			buf_appendf(out, "&apos;");
			break;
		default:
			if (*p < 0x20 && *p != '\n' && *p != '\t' && *p != '\r')
				buf_append(out, "?", 1);
			else
				buf_append(out, p, 1);
		}
	}
}

static void render_junit(const struct bench_report *rep, struct buf *out)
{
	int fails = 0, skips = 0;
	for (size_t i = 0; i < rep->n; i++) {
		fails += rep->entries[i].out.result == BENCH_WARN;
		skips += rep->entries[i].out.result == BENCH_INFO || rep->entries[i].out.result == BENCH_NOTE;
	}
	buf_appendf(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
	buf_appendf(out,
		    "<testsuites name=\"vigil bench (CIS Docker Benchmark v1.6.0)\" tests=\"%zu\" failures=\"%d\" "
		    "skipped=\"%d\">\n",
		    rep->n, fails, skips);
	for (size_t i = 0; i < rep->n;) {
		char s[16];
		section_of(rep->entries[i].check->id, s, sizeof s);
		size_t end = i;
		int f = 0, sk = 0;
		for (; end < rep->n; end++) {
			char t[16];
			section_of(rep->entries[end].check->id, t, sizeof t);
			if (strcmp(s, t))
				break;
			f += rep->entries[end].out.result == BENCH_WARN;
			sk += rep->entries[end].out.result == BENCH_INFO || rep->entries[end].out.result == BENCH_NOTE;
		}
		const char *title = bench_section_title(s);
		buf_appendf(out, "  <testsuite name=\"%s - ", s);
		xml_escape(out, title ? title : "");
		buf_appendf(out, "\" tests=\"%zu\" failures=\"%d\" skipped=\"%d\">\n", end - i, f, sk);
		for (; i < end; i++) {
			const struct bench_check *c = rep->entries[i].check;
			const struct bench_outcome *o = &rep->entries[i].out;
			buf_appendf(out, "    <testcase classname=\"cis-docker.%s\" name=\"%s - ", s, c->id);
			xml_escape(out, c->title);
			buf_appendf(out, "\">\n");
			char *text = message_text(c, o);
			if (o->result == BENCH_WARN) {
				buf_appendf(out, "      <failure type=\"WARN\" message=\"");
				xml_escape(out, c->title);
				buf_appendf(out, "\">");
				xml_escape(out, text);
				buf_appendf(out, "</failure>\n");
			} else if (o->result != BENCH_PASS) {
				buf_appendf(out, "      <skipped message=\"%s\"/>\n", bench_result_name(o->result));
			}
			buf_appendf(out, "      <system-out>");
			xml_escape(out, text);
			buf_appendf(out, "</system-out>\n    </testcase>\n");
			free(text);
		}
		buf_appendf(out, "  </testsuite>\n");
	}
	buf_appendf(out, "</testsuites>\n");
}

void bench_render(const struct bench_report *rep, const char *format, bool remediation, struct buf *out)
{
	if (!strcmp(format, "json") || !strcmp(format, "sarif")) {
		json_t *j = !strcmp(format, "json") ? report_json(rep, remediation) : report_sarif(rep);
		char *s = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		if (s) {
			buf_appendf(out, "%s\n", s);
			free(s);
		}
		json_decref(j);
	} else if (!strcmp(format, "junit")) {
		render_junit(rep, out);
	} else {
		render_text(rep, remediation, out);
	}
}
