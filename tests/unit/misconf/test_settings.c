/* .vigil.yaml settings, rule lookup and the JSON, SARIF and table reports. */
#include "misconf/lint.h"
#include "testutil.h"

#include <stdlib.h>
#include <string.h>

static void load(const char *yaml, struct misconf_config *c)
{
	struct err e = {{0}};
	if (misconf_config_parse("t.yaml", yaml, strlen(yaml), c, &e))
		fail_msg("settings: %s", e.msg);
}

static void load_err(const char *yaml, const char *want)
{
	struct misconf_config c;
	struct err e = {{0}};
	assert_int_equal(misconf_config_parse("t.yaml", yaml, strlen(yaml), &c, &e), -1);
	assert_string_equal(e.msg, want);
	assert_int_equal(c.nignore + c.nseverity + c.ntrusted, 0);
}

static void lint(const char *text, const struct misconf_config *cfg, struct misconf_findings *f)
{
	struct dockerfile df;
	struct err e = {{0}};
	if (dockerfile_parse(text, strlen(text), &df, &e))
		fail_msg("%s", e.msg);
	struct lint_opts o = {"Dockerfile", NULL, NULL, cfg};
	memset(f, 0, sizeof *f);
	misconf_lint(&df, &o, f);
	misconf_config_apply(cfg, f);
	dockerfile_free(&df);
}

static const char df_text[] = "FROM alpine\n"
			      "RUN apk add curl\n"
			      "USER root\n";

static void test_rules_lookup(void **state)
{
	(void)state;
	assert_non_null(misconf_rule_find("vgl-df-001"));
	assert_non_null(misconf_rule_find("VGL-IMG-011"));
	assert_null(misconf_rule_find("VGL-DF-999"));
	const struct misconf_rule *r = misconf_rule_find("VGL-DF-024");
	assert_true(misconf_rule_maps(r, "DL3040"));
	assert_true(misconf_rule_maps(r, "avd-ds-0027"));
	assert_false(misconf_rule_maps(r, "DL304")); /* whole ids only */
	assert_int_equal(misconf_severity_parse("high"), MISCONF_HIGH);
	assert_int_equal(misconf_severity_parse("INFO"), 0);
	/* Ids are unique and numbered without gaps. */
	size_t n;
	const struct misconf_rule *t = misconf_dockerfile_rules(&n);
	for (size_t i = 0; i < n; i++) {
		char want[32];
		snprintf(want, sizeof want, "VGL-DF-%03zu", i + 1);
		assert_string_equal(t[i].id, want);
		assert_non_null(t[i].title);
		assert_non_null(t[i].rationale);
		assert_non_null(t[i].hint);
	}
	t = misconf_image_rules(&n);
	for (size_t i = 0; i < n; i++) {
		char want[32];
		snprintf(want, sizeof want, "VGL-IMG-%03zu", i + 1);
		assert_string_equal(t[i].id, want);
	}
}

static void test_settings_apply(void **state)
{
	(void)state;
	struct misconf_findings f;
	lint(df_text, NULL, &f);
	/* 001 latest, 002 root, 003 healthcheck, 023 no-cache, 031 unpinned */
	assert_int_equal(f.n, 5);
	misconf_findings_free(&f);

	struct misconf_config c;
	load("# comment\n"
	     "ignore:\n  - VGL-DF-003\n  - DL3018\n"
	     "severity:\n  DL3019: HIGH\n  VGL-DF-001: critical\n"
	     "trusted-registries: [registry.example.com]\n",
	     &c);
	assert_int_equal(c.nignore, 2);
	assert_int_equal(c.nseverity, 2);
	assert_int_equal(c.ntrusted, 1);
	lint(df_text, &c, &f);
	assert_int_equal(f.n, 4); /* 001, 036 (untrusted docker.io), 002, 023 */
	assert_string_equal(f.v[0].id, "VGL-DF-001");
	assert_int_equal(f.v[0].severity, MISCONF_CRITICAL);
	assert_string_equal(f.v[1].id, "VGL-DF-036");
	assert_string_equal(f.v[2].id, "VGL-DF-023");
	assert_int_equal(f.v[2].severity, MISCONF_HIGH); /* by its hadolint id */
	assert_string_equal(f.v[3].id, "VGL-DF-002");
	misconf_findings_free(&f);
	misconf_config_free(&c);

	load("", &c); /* empty file: no settings */
	assert_int_equal(c.nignore + c.nseverity + c.ntrusted, 0);
	misconf_config_free(&c);
	load("ignore: VGL-DF-001\nseverity:\ntrusted-registries:\n", &c);
	assert_int_equal(c.nignore, 1);
	misconf_config_free(&c);
}

static void test_settings_errors(void **state)
{
	(void)state;
	load_err("igore: [VGL-DF-001]\n",
		 "t.yaml:1:1: unknown key 'igore' (known: ignore, severity, trusted-registries)");
	load_err("ignore: [VGL-DF-001]\nseverity:\n  VGL-DF-001: SEVERE\n",
		 "t.yaml:3:15: severity: expected LOW, MEDIUM, HIGH or CRITICAL");
	load_err("ignore: [VGL-DF-404]\n", "t.yaml: unknown rule id 'VGL-DF-404'");
	load_err("ignore: [a, {b: c}]\n", "t.yaml:1:13: expected a string");
	load_err("ignore: [a\n", "t.yaml:2:1: did not find expected ',' or ']'");
	load_err("- a\n- b\n", "t.yaml:1:1: expected a mapping with ignore, severity, trusted-registries");
}

static void test_reports(void **state)
{
	(void)state;
	struct misconf_findings f;
	lint("FROM alpine:3.19\nRUN apk add \\\n  curl=8.5.0-r0\nUSER nobody\n", NULL, &f);
	/* 003 at 1, 023 at 2-3 */
	assert_int_equal(f.n, 2);
	struct misconf_target t = {"Dockerfile", "dockerfile", &f, 39};
	json_t *j = misconf_report_json("Dockerfile", &t, 1);
	assert_int_equal(json_integer_value(json_object_get(j, "SchemaVersion")), 2);
	json_t *r = json_array_get(json_object_get(j, "Results"), 0);
	assert_string_equal(json_string_value(json_object_get(r, "Class")), "config");
	assert_string_equal(json_string_value(json_object_get(r, "Type")), "dockerfile");
	json_t *sum = json_object_get(r, "MisconfSummary");
	assert_int_equal(json_integer_value(json_object_get(sum, "Successes")), 37);
	assert_int_equal(json_integer_value(json_object_get(sum, "Failures")), 2);
	json_t *m = json_array_get(json_object_get(r, "Misconfigurations"), 1);
	assert_string_equal(json_string_value(json_object_get(m, "ID")), "VGL-DF-023");
	assert_string_equal(json_string_value(json_object_get(m, "Severity")), "LOW");
	assert_string_equal(json_string_value(json_object_get(m, "Status")), "FAIL");
	json_t *cm = json_object_get(m, "CauseMetadata");
	assert_int_equal(json_integer_value(json_object_get(cm, "StartLine")), 2);
	assert_int_equal(json_integer_value(json_object_get(cm, "EndLine")), 3);
	json_t *refs = json_object_get(m, "References");
	assert_int_equal(json_array_size(refs), 3);
	assert_string_equal(json_string_value(json_array_get(refs, 0)), "DL3019");
	assert_null(json_object_get(m, "Layer"));
	json_decref(j);

	j = misconf_report_sarif(&t, 1);
	assert_string_equal(json_string_value(json_object_get(j, "version")), "2.1.0");
	json_t *run = json_array_get(json_object_get(j, "runs"), 0);
	json_t *rules = json_object_get(json_object_get(json_object_get(run, "tool"), "driver"), "rules");
	size_t ndf, nimg;
	misconf_dockerfile_rules(&ndf);
	misconf_image_rules(&nimg);
	assert_int_equal(json_array_size(rules), ndf + nimg);
	json_t *res = json_array_get(json_object_get(run, "results"), 1);
	size_t idx = (size_t)json_integer_value(json_object_get(res, "ruleIndex"));
	assert_string_equal(json_string_value(json_object_get(json_array_get(rules, idx), "id")), "VGL-DF-023");
	assert_string_equal(json_string_value(json_object_get(res, "ruleId")), "VGL-DF-023");
	assert_string_equal(json_string_value(json_object_get(res, "level")), "note");
	json_t *phys = json_object_get(json_array_get(json_object_get(res, "locations"), 0), "physicalLocation");
	assert_string_equal(json_string_value(json_object_get(json_object_get(phys, "artifactLocation"), "uri")),
			    "Dockerfile");
	json_t *region = json_object_get(phys, "region");
	assert_int_equal(json_integer_value(json_object_get(region, "startLine")), 2);
	assert_int_equal(json_integer_value(json_object_get(region, "endLine")), 3);
	json_decref(j);

	char *table = misconf_report_table(&t, 1);
	assert_non_null(strstr(table, "Dockerfile (dockerfile)\n=======================\n"));
	assert_non_null(strstr(table, "Tests: 39 (SUCCESSES: 37, FAILURES: 2)\n"));
	assert_non_null(strstr(table, "\n2-3       VGL-DF-023  LOW       apk add without --no-cache: "));
	free(table);
	misconf_findings_free(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rules_lookup),
		cmocka_unit_test(test_settings_apply),
		cmocka_unit_test(test_settings_errors),
		cmocka_unit_test(test_reports),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
