/* report/policy: the --policy outcome (policy/gate.h) in each report format
 * that carries it; layouts in doc/formats.md "--policy". Each writer calls
 * in with one line, so that the formats stay apart from the gate. */
#ifndef VIGIL_REPORT_POLICY_H
#define VIGIL_REPORT_POLICY_H

#include "policy/gate.h"
#include "report/xmlout.h"

#include <jansson.h>
#include <stdio.h>

/* JSON: the top-level "Policy" object {File, Passed, Results[{Rule, Passed, Message}]}. */
json_t *report_policy_json(const struct policy_outcome *p);
/* Table: "Policy FILE: PASSED|FAILED (…)" and a RULE / RESULT / MESSAGE table. */
void report_policy_table(FILE *out, const struct policy_outcome *p);
/* SARIF: a rule vigil-policy/RULE and one result (kind pass or fail) per policy rule. */
void report_policy_sarif(json_t *rules, json_t *results, const struct policy_outcome *p);
/* JUnit: adds the policy suite's testcases to the totals, then writes it. */
void report_policy_junit_totals(const struct policy_outcome *p, size_t *tests, size_t *failures);
void report_policy_junit(struct xml_out *x, const struct policy_outcome *p);
/* HTML: a "Policy" section with its table. */
void report_policy_html(struct xml_out *x, const struct policy_outcome *p);

#endif
