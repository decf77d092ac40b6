/* The outcome of --policy in each report format (doc/formats.md "Policy"):
 * the JSON top-level Policy object, the table's closing section, and SARIF
 * results of the vigil-policy rules. Kept apart from the writers so that each
 * only calls in. */
#include "report/policy.h"

#include "report/textable.h"
#include "util/util.h"

#include <stdlib.h>
#include <string.h>

static json_t *jstr(const char *s)
{
	char *c = utf8_sanitize(s ? s : "");
	json_t *j = json_string(c);
	free(c);
	return j;
}

json_t *report_policy_json(const struct policy_outcome *p)
{
	json_t *o = json_object(), *results = json_array();
	json_object_set_new(o, "File", jstr(p->file));
	json_object_set_new(o, "Passed", json_boolean(p->passed));
	for (size_t i = 0; i < p->nresults; i++) {
		json_t *r = json_object();
		json_object_set_new(r, "Rule", jstr(p->results[i].rule));
		json_object_set_new(r, "Passed", json_boolean(p->results[i].passed));
		json_object_set_new(r, "Message", jstr(p->results[i].message));
		json_array_append_new(results, r);
	}
	json_object_set_new(o, "Results", results);
	return o;
}

void report_policy_table(FILE *out, const struct policy_outcome *p)
{
	size_t failed = 0;
	for (size_t i = 0; i < p->nresults; i++)
		failed += !p->results[i].passed;
	char *file = utf8_sanitize(p->file);
	if (p->passed)
		fprintf(out, "\nPolicy %s: PASSED (%zu rule%s)\n", file, p->nresults, p->nresults == 1 ? "" : "s");
	else
		fprintf(out, "\nPolicy %s: FAILED (%zu of %zu rule%s)\n", file, failed, p->nresults,
			p->nresults == 1 ? "" : "s");
	free(file);
	static const char *const head[] = {"RULE", "RESULT", "MESSAGE"};
	struct textable t;
	textable_init(&t, ARRAY_LEN(head), head);
	t.max_width = 90;
	for (size_t i = 0; i < p->nresults; i++) {
		const char *cells[] = {p->results[i].rule, p->results[i].passed ? "pass" : "FAIL", p->results[i].message};
		textable_add(&t, cells);
	}
	textable_print(&t, out);
	textable_free(&t);
}

/* One SARIF rule per policy rule ("vigil-policy/image.max-size") and one
 * result each: kind "fail" with level "error", or kind "pass" with level
 * "none" (SARIF 2.1.0 §3.27.9), located at the rule's line in the policy
 * file so that code scanning points at the line that decided. */
void report_policy_sarif(json_t *rules, json_t *results, const struct policy_outcome *p)
{
	for (size_t i = 0; i < p->nresults; i++) {
		const struct policy_result *pr = &p->results[i];
		char *id = xasprintf("vigil-policy/%s", pr->rule);
		json_t *rule = json_object(), *sd = json_object(), *props = json_object(), *tags = json_array();
		json_object_set_new(rule, "id", jstr(id));
		char *desc = xasprintf("Policy rule %s of %s", pr->rule, p->file);
		json_object_set_new(sd, "text", jstr(desc));
		free(desc);
		json_object_set_new(rule, "shortDescription", sd);
		json_array_append_new(tags, jstr("policy"));
		json_object_set_new(props, "tags", tags);
		json_object_set_new(rule, "properties", props);
		json_array_append_new(rules, rule);

		json_t *res = json_object(), *msg = json_object();
		json_object_set_new(res, "ruleId", jstr(id));
		json_object_set_new(res, "ruleIndex", json_integer((json_int_t)json_array_size(rules) - 1));
		json_object_set_new(res, "kind", jstr(pr->passed ? "pass" : "fail"));
		json_object_set_new(res, "level", jstr(pr->passed ? "none" : "error"));
		json_object_set_new(msg, "text", jstr(pr->message));
		json_object_set_new(res, "message", msg);
		json_t *loc = json_object(), *phys = json_object(), *art = json_object(), *region = json_object();
		json_object_set_new(art, "uri", jstr(p->file));
		json_object_set_new(phys, "artifactLocation", art);
		json_object_set_new(region, "startLine", json_integer((json_int_t)pr->line));
		json_object_set_new(phys, "region", region);
		json_object_set_new(loc, "physicalLocation", phys);
		json_t *locs = json_array();
		json_array_append_new(locs, loc);
		json_object_set_new(res, "locations", locs);
		json_array_append_new(results, res);
		free(id);
	}
}

void report_policy_junit_totals(const struct policy_outcome *p, size_t *tests, size_t *failures)
{
	*tests += p->nresults;
	for (size_t i = 0; i < p->nresults; i++)
		*failures += !p->results[i].passed;
}

/* <testsuite name="vigil-policy">: one testcase per rule (classname = the
 * policy file, name = the rule), a <failure> for each failed one. */
void report_policy_junit(struct xml_out *x, const struct policy_outcome *p)
{
	size_t tests = 0, failures = 0;
	report_policy_junit_totals(p, &tests, &failures);
	xml_start(x, "testsuite");
	xml_attr(x, "name", "vigil-policy");
	xml_attrf(x, "tests", "%zu", tests);
	xml_attrf(x, "failures", "%zu", failures);
	xml_attr(x, "errors", "0");
	xml_attr(x, "skipped", "0");
	xml_attr(x, "time", "0");
	xml_start(x, "properties");
	xml_start(x, "property");
	xml_attr(x, "name", "class");
	xml_attr(x, "value", "policy");
	xml_end_empty(x);
	xml_start(x, "property");
	xml_attr(x, "name", "target");
	xml_attr(x, "value", p->file);
	xml_end_empty(x);
	xml_end(x);
	for (size_t i = 0; i < p->nresults; i++) {
		const struct policy_result *pr = &p->results[i];
		xml_start(x, "testcase");
		xml_attr(x, "classname", p->file);
		xml_attr(x, "name", pr->rule);
		xml_attr(x, "time", "0");
		if (pr->passed) {
			xml_element(x, "system-out", pr->message);
		} else {
			xml_start(x, "failure");
			xml_attr(x, "message", pr->message);
			xml_attr(x, "type", "policy");
			xml_text(x, pr->message);
			xml_end(x);
		}
		xml_end(x);
	}
	xml_end(x);
}

void report_policy_html(struct xml_out *x, const struct policy_outcome *p)
{
	size_t tests = 0, failures = 0;
	report_policy_junit_totals(p, &tests, &failures);
	xml_start(x, "h2");
	if (p->passed)
		xml_textf(x, "Policy %s: passed (%zu rule%s)", p->file, tests, tests == 1 ? "" : "s");
	else
		xml_textf(x, "Policy %s: FAILED (%zu of %zu rule%s)", p->file, failures, tests, tests == 1 ? "" : "s");
	xml_end(x);
	xml_start(x, "table");
	xml_start(x, "thead");
	xml_start(x, "tr");
	static const char *const head[] = {"Rule", "Result", "Message"};
	for (size_t i = 0; i < ARRAY_LEN(head); i++)
		xml_element(x, "th", head[i]);
	xml_end(x);
	xml_end(x);
	xml_start(x, "tbody");
	for (size_t i = 0; i < p->nresults; i++) {
		const struct policy_result *pr = &p->results[i];
		xml_start(x, "tr");
		xml_element(x, "td", pr->rule);
		xml_start(x, "td");
		if (!pr->passed)
			xml_attr(x, "class", "sev-HIGH"); /* the page's red */
		xml_text(x, pr->passed ? "pass" : "FAIL");
		xml_end(x);
		xml_element(x, "td", pr->message);
		xml_end(x);
	}
	xml_end(x);
	xml_end(x);
}
