/* Unit tests of src/policy/gate*.c: the policy grammar (every key, units,
 * located errors for unknown keys, wrong types, duplicates, bad keys files)
 * and each rule evaluated on hand-built inputs on both sides of its
 * threshold. */
#include "policy/gate.h"
#include "sign/sign.h"
#include "testutil.h"

#include <jansson.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- parsing -------------------------------------------------------------------------------- */

static void parse_ok(const char *yaml, struct policy *p)
{
	struct err e = {{0}};
	int rc = policy_parse("p.yaml", yaml, strlen(yaml), NULL, p, &e);
	if (rc != 0)
		print_message("unexpected error: %s\n", e.msg);
	assert_int_equal(rc, 0);
}

/* The error must be exactly `want` (file:line:column: message). */
static void parse_err(const char *yaml, const char *want)
{
	struct policy p;
	struct err e = {{0}};
	assert_int_equal(policy_parse("p.yaml", yaml, strlen(yaml), NULL, &p, &e), -1);
	if (strcmp(e.msg, want) != 0)
		print_message("got:  %s\nwant: %s\n", e.msg, want);
	assert_string_equal(e.msg, want);
	assert_null(p.rules); /* freed on error */
}

static const struct policy_rule *rule(const struct policy *p, const char *name)
{
	for (size_t i = 0; i < p->nrules; i++)
		if (!strcmp(p->rules[i].name, name))
			return &p->rules[i];
	fail_msg("no rule %s", name);
	return NULL;
}

static void test_parse_every_key(void **state)
{
	(void)state;
	struct policy p;
	parse_ok("vulnerabilities:\n"
		 "  max: {critical: 0, HIGH: 5, medium: 10, low: 11, unknown: 12}\n"
		 "  ignore-unfixed: true\n"
		 "  deny: [CVE-2019-1547, CVE-2019-1549]\n"
		 "secrets:\n"
		 "  max: 0\n"
		 "misconfigurations:\n"
		 "  max: {high: 1}\n"
		 "  deny: [VGL-IMG-001, DL3007]\n"
		 "image:\n"
		 "  allowed-registries: [\"registry.example.com/*\", docker.io/library/*]\n"
		 "  deny-tags: latest\n"
		 "  max-size: 500MB\n"
		 "  max-layers: 20\n"
		 "  forbid-root-user: true\n"
		 "  required-labels: [org.opencontainers.image.source]\n"
		 "  max-age: 90d\n",
		 &p);
	assert_int_equal(p.nrules, 16);
	assert_true(p.vuln_ignore_unfixed);
	const struct policy_rule *r = rule(&p, "vulnerabilities.max.high");
	assert_int_equal(r->kind, POLICY_VULN_MAX);
	assert_int_equal(r->severity, SEV_HIGH);
	assert_int_equal(r->limit, 5);
	assert_int_equal(r->line, 2);
	assert_int_equal(rule(&p, "vulnerabilities.max.critical")->limit, 0);
	assert_int_equal(rule(&p, "vulnerabilities.max.unknown")->severity, SEV_UNKNOWN);
	r = rule(&p, "vulnerabilities.deny");
	assert_int_equal(r->nlist, 2);
	assert_string_equal(r->list[1], "CVE-2019-1549");
	assert_int_equal(r->line, 4);
	r = rule(&p, "secrets.max");
	assert_int_equal(r->severity, POLICY_ANY_SEVERITY);
	assert_int_equal(r->limit, 0);
	assert_int_equal(rule(&p, "misconfigurations.max.high")->limit, 1);
	assert_int_equal(rule(&p, "misconfigurations.deny")->nlist, 2);
	r = rule(&p, "image.allowed-registries");
	assert_int_equal(r->nlist, 2);
	assert_string_equal(r->list[0], "registry.example.com/*");
	r = rule(&p, "image.deny-tags"); /* a single string is a list of one */
	assert_int_equal(r->nlist, 1);
	assert_string_equal(r->list[0], "latest");
	assert_int_equal(rule(&p, "image.max-size")->limit, 500000000);
	assert_int_equal(rule(&p, "image.max-layers")->limit, 20);
	assert_int_equal(rule(&p, "image.forbid-root-user")->kind, POLICY_FORBID_ROOT);
	assert_string_equal(rule(&p, "image.required-labels")->list[0], "org.opencontainers.image.source");
	r = rule(&p, "image.max-age");
	assert_int_equal(r->limit, 90 * 86400);
	assert_int_equal(r->line, 17);
	assert_false(policy_wants_signature(&p));
	policy_free(&p);
}

static void test_parse_units(void **state)
{
	(void)state;
	static const struct {
		const char *text;
		uint64_t bytes;
	} sizes[] = {{"1024", 1024}, {"7B", 7}, {"3kB", 3000}, {"3KB", 3000}, {"2GB", 2000000000},
		     {"1TB", 1000000000000}, {"1KiB", 1024}, {"300 MiB", 300u << 20}, {"1GiB", 1u << 30},
		     {"2TiB", 2ull << 40}};
	for (size_t i = 0; i < sizeof sizes / sizeof *sizes; i++) {
		char yaml[100];
		snprintf(yaml, sizeof yaml, "image:\n  max-size: %s\n", sizes[i].text);
		struct policy p;
		parse_ok(yaml, &p);
		assert_int_equal(p.rules[0].limit, sizes[i].bytes);
		policy_free(&p);
	}
	static const struct {
		const char *text;
		uint64_t secs;
	} ages[] = {{"12h", 12 * 3600}, {"1d", 86400}, {"2w", 14 * 86400}, {"0d", 0}};
	for (size_t i = 0; i < sizeof ages / sizeof *ages; i++) {
		char yaml[100];
		snprintf(yaml, sizeof yaml, "image:\n  max-age: %s\n", ages[i].text);
		struct policy p;
		parse_ok(yaml, &p);
		assert_int_equal(p.rules[0].limit, ages[i].secs);
		policy_free(&p);
	}
	/* max as one number is the total; forbid-root-user: false is no rule. */
	struct policy p;
	parse_ok("vulnerabilities: {max: 3}\nimage: {forbid-root-user: false, max-layers: 0}\n", &p);
	assert_int_equal(p.nrules, 2);
	assert_string_equal(p.rules[0].name, "vulnerabilities.max");
	assert_int_equal(p.rules[0].severity, POLICY_ANY_SEVERITY);
	assert_int_equal(p.rules[0].limit, 3);
	assert_string_equal(p.rules[1].name, "image.max-layers");
	policy_free(&p);
}

static void test_parse_errors(void **state)
{
	(void)state;
	parse_err("vulnerabilitiez:\n  max: 0\n",
		  "p.yaml:1:1: unknown key 'vulnerabilitiez' (known: vulnerabilities, secrets, misconfigurations, "
		  "image, signature)");
	parse_err("vulnerabilities:\n  max: 0\n  maxx: 1\n",
		  "p.yaml:3:3: unknown key 'maxx' in vulnerabilities (known: max, ignore-unfixed, deny)");
	parse_err("image:\n  max-size: 1M\n",
		  "p.yaml:2:13: image.max-size must be a whole number of bytes with an optional unit: B, kB, MB, GB, "
		  "TB (powers of 1000), KiB, MiB, GiB, TiB (powers of 1024)");
	parse_err("image:\n  max-size: 99999999999999999999\n",
		  "p.yaml:2:13: image.max-size must be a whole number of bytes with an optional unit: B, kB, MB, GB, "
		  "TB (powers of 1000), KiB, MiB, GiB, TiB (powers of 1024)");
	parse_err("image:\n  max-age: 90\n", "p.yaml:2:12: image.max-age must be a whole number with a unit h, d or w (90d)");
	parse_err("image:\n  max-age: 3m\n", "p.yaml:2:12: image.max-age must be a whole number with a unit h, d or w (90d)");
	parse_err("image:\n  max-layers: -1\n", "p.yaml:2:15: image.max-layers must be a whole number (0 or more)");
	parse_err("image:\n  max-layers: [1]\n", "p.yaml:2:15: image.max-layers must be a whole number (0 or more)");
	parse_err("image:\n  forbid-root-user: yes\n", "p.yaml:2:21: image.forbid-root-user must be true or false");
	parse_err("image:\n  deny-tags: {a: b}\n", "p.yaml:2:14: image.deny-tags must be a list of strings");
	parse_err("image:\n  deny-tags: []\n", "p.yaml:2:14: image.deny-tags is an empty list");
	parse_err("image:\n  required-labels: [a, [b]]\n",
		  "p.yaml:2:24: image.required-labels must be a list of non-empty strings");
	parse_err("image: [max-layers]\n", "p.yaml:1:8: image must be a mapping");
	parse_err("- a\n", "p.yaml:1:1: the policy must be a mapping");
	parse_err("vulnerabilities:\n  max: {high: many}\n",
		  "p.yaml:2:15: vulnerabilities.max.high must be a whole number (0 or more)");
	parse_err("vulnerabilities:\n  max: {severe: 1}\n",
		  "p.yaml:2:9: unknown severity 'severe' in vulnerabilities.max (known: unknown, low, medium, high, "
		  "critical)");
	parse_err("vulnerabilities:\n  max: {}\n", "p.yaml:2:8: vulnerabilities.max is an empty mapping");
	parse_err("vulnerabilities:\n  max: [1]\n",
		  "p.yaml:2:8: vulnerabilities.max must be a number or a mapping of severity to number");
	parse_err("vulnerabilities:\n  ignore-unfixed: 1\n",
		  "p.yaml:2:19: vulnerabilities.ignore-unfixed must be true or false");
	parse_err("secrets:\n  max: 0\n  deny: [x]\n", "p.yaml:3:3: unknown key 'deny' in secrets (known: max)");
	parse_err("misconfigurations:\n  deny: [VGL-IMG-999]\n",
		  "p.yaml:2:9: misconfigurations.deny: unknown rule id 'VGL-IMG-999' (see doc/misconfig.md)");
	parse_err("image:\n  max-layers: 1\n  max-layers: 2\n", "p.yaml:3:3: 'max-layers' given twice in image");
	parse_err("image:\n  max-layers: 1\nimage:\n  max-layers: 2\n", "p.yaml:3:1: 'image' given twice in the policy");
	parse_err("secrets:\n  max: {high: 1, HIGH: 2}\n", "p.yaml:2:18: 'HIGH' given twice in secrets.max");
	parse_err("signature:\n  required: true\n",
		  "p.yaml:2:3: signature.required needs key: the cosign public key to verify with");
	parse_err("signature:\n  key: k.pub\n", "p.yaml:2:3: signature needs 'required: true' (and key)");
	parse_err("signature:\n  required: true\n  key: /nonexistent/k.pub\n",
		  "p.yaml:3:8: signature.key: /nonexistent/k.pub: No such file or directory");
	parse_err("signature:\n  required: true\n  trust: full\n",
		  "p.yaml:3:3: unknown key 'trust' in signature (known: required, key)");
	parse_err("", "p.yaml: the policy has no rules");
	parse_err("image:\n  forbid-root-user: false\n", "p.yaml: the policy has no rules");
	parse_err("image: {max-layers: 1\n", "p.yaml:2:1: did not find expected ',' or '}'");
	parse_err("image: {max-layers: 1}\n---\nimage: {max-layers: 2}\n", "p.yaml: more than one YAML document");
}

/* A real public key file: the key must load, and resolve against the folder. */
static void test_parse_signature(void **state)
{
	(void)state;
	char dir[] = "/tmp/vigil-policy-XXXXXX";
	assert_non_null(mkdtemp(dir));
	struct err e = {{0}};
	EVP_PKEY *k = sign_key_generate(&e);
	assert_non_null(k);
	struct buf pem = {0};
	assert_int_equal(sign_pubkey_to_pem(k, &pem, &e), 0);
	EVP_PKEY_free(k);
	char path[512], policy_path[512], notkey[512];
	snprintf(path, sizeof path, "%s/cosign.pub", dir);
	snprintf(notkey, sizeof notkey, "%s/not.pub", dir);
	snprintf(policy_path, sizeof policy_path, "%s/policy.yaml", dir);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fwrite(pem.data, 1, pem.len, f);
	fclose(f);
	buf_free(&pem);
	f = fopen(notkey, "w");
	fputs("not a key\n", f);
	fclose(f);
	f = fopen(policy_path, "w");
	fputs("signature:\n  required: true\n  key: cosign.pub\n", f);
	fclose(f);

	struct policy p;
	assert_int_equal(policy_load(policy_path, &p, &e), 0);
	assert_true(policy_wants_signature(&p));
	assert_string_equal(p.signature_key, path);
	assert_string_equal(p.rules[0].name, "signature.required");
	assert_int_equal(p.rules[0].line, 2);
	policy_free(&p);

	/* required: false checks nothing (and so is no rule). */
	const char *off = "signature: {required: false, key: cosign.pub}\nimage: {max-layers: 3}\n";
	assert_int_equal(policy_parse("p.yaml", off, strlen(off), dir, &p, &e), 0);
	assert_false(policy_wants_signature(&p));
	policy_free(&p);

	const char *bad = "signature:\n  required: true\n  key: not.pub\n";
	assert_int_equal(policy_parse("p.yaml", bad, strlen(bad), dir, &p, &e), -1);
	assert_non_null(strstr(e.msg, "p.yaml:3:8: signature.key: "));

	assert_int_equal(policy_load("/nonexistent/policy.yaml", &p, &e), -1);
	assert_string_equal(e.msg, "/nonexistent/policy.yaml: No such file or directory");
	unlink(path);
	unlink(notkey);
	unlink(policy_path);
	rmdir(dir);
}

/* ---- evaluation ----------------------------------------------------------------------------- */

struct world {
	struct image img;
	struct findings vulns;
	struct misconf_findings misconf;
	struct secret_finding sf[3];
	struct secret_hit hits[3];
	struct policy_input in;
	struct policy p;
	struct policy_outcome out;
};

static int world_setup(void **state)
{
	struct world *w = calloc(1, sizeof *w);
	w->img.config = json_pack("{s:s, s:{s:s, s:{s:s}}}", "created", "2024-01-01T00:00:00Z", "config", "User", "",
				  "Labels", "org.opencontainers.image.source", "https://example.com/src");
	w->img.nlayers = 3;
	w->in.img = &w->img;
	w->in.vulns = &w->vulns;
	w->in.misconf = &w->misconf;
	w->in.secrets = w->hits;
	w->in.secrets_scanned = true;
	w->in.now = 1704067200 + 10 * 86400; /* 2024-01-11T00:00:00Z */
	w->in.size_bytes = 5000000;
	*state = w;
	return 0;
}

static int world_teardown(void **state)
{
	struct world *w = *state;
	json_decref(w->img.config);
	findings_free(&w->vulns);
	misconf_findings_free(&w->misconf);
	policy_outcome_free(&w->out);
	policy_free(&w->p);
	free(w);
	return 0;
}

static void add_vuln(struct world *w, const char *id, enum severity s, const char *fixed)
{
	struct vuln_finding *v = findings_add(&w->vulns);
	v->vuln_id = strdup(id);
	v->severity = s;
	v->fixed_version = fixed ? strdup(fixed) : NULL;
}

/* Evaluates yaml against the world; expects one result and returns it. */
static const struct policy_result *eval1(struct world *w, const char *yaml)
{
	policy_outcome_free(&w->out);
	policy_free(&w->p);
	parse_ok(yaml, &w->p);
	policy_evaluate(&w->p, &w->in, &w->out);
	assert_int_equal(w->out.nresults, 1);
	assert_string_equal(w->out.file, "p.yaml");
	assert_int_equal(w->out.passed, w->out.results[0].passed);
	return &w->out.results[0];
}

static void expect(struct world *w, const char *yaml, bool passed, const char *message)
{
	const struct policy_result *r = eval1(w, yaml);
	if (strcmp(r->message, message) != 0 || r->passed != passed)
		print_message("%s\n  got:  %s %s\n  want: %s %s\n", yaml, r->passed ? "pass" : "FAIL", r->message,
			      passed ? "pass" : "FAIL", message);
	assert_string_equal(r->message, message);
	assert_int_equal(r->passed, passed);
}

static void test_eval_vulns(void **state)
{
	struct world *w = *state;
	add_vuln(w, "CVE-1", SEV_HIGH, "1.1");
	add_vuln(w, "CVE-2", SEV_HIGH, NULL);
	add_vuln(w, "CVE-3", SEV_HIGH, "");
	add_vuln(w, "CVE-4", SEV_CRITICAL, "2.0");
	expect(w, "vulnerabilities: {max: {high: 3}}", true, "3 HIGH vulnerabilities, at most 3 allowed");
	expect(w, "vulnerabilities: {max: {high: 2}}", false, "3 HIGH vulnerabilities, at most 2 allowed");
	expect(w, "vulnerabilities: {max: {critical: 1}}", true, "1 CRITICAL vulnerability, at most 1 allowed");
	expect(w, "vulnerabilities: {max: {critical: 0}}", false, "1 CRITICAL vulnerability, at most 0 allowed");
	expect(w, "vulnerabilities: {max: {low: 0}}", true, "0 LOW vulnerabilities, at most 0 allowed");
	expect(w, "vulnerabilities: {max: 4}", true, "4 vulnerabilities, at most 4 allowed");
	expect(w, "vulnerabilities: {max: 3}", false, "4 vulnerabilities, at most 3 allowed");
	/* ignore-unfixed: only the ones with a fixed version count. */
	expect(w, "vulnerabilities: {max: {high: 1}, ignore-unfixed: true}", true,
	       "1 fixable HIGH vulnerability, at most 1 allowed");
	expect(w, "vulnerabilities: {max: {high: 0}, ignore-unfixed: true}", false,
	       "1 fixable HIGH vulnerability, at most 0 allowed");
	expect(w, "vulnerabilities: {deny: [cve-4, CVE-9]}", false, "denied vulnerability present: CVE-4");
	expect(w, "vulnerabilities: {deny: [CVE-8, CVE-9]}", true, "none of the 2 denied vulnerabilities are present");
	expect(w, "vulnerabilities: {deny: [CVE-2], ignore-unfixed: true}", true,
	       "none of the 1 denied vulnerability is present");
	/* --severity hid MEDIUM: the count says so. */
	w->in.vuln_severities = (1u << SEV_HIGH) | (1u << SEV_CRITICAL);
	expect(w, "vulnerabilities: {max: {medium: 0}}", true,
	       "0 MEDIUM vulnerabilities, at most 0 allowed (--severity leaves MEDIUM out)");
	/* Not scanned (no database): a limit cannot pass. */
	w->in.vulns = NULL;
	expect(w, "vulnerabilities: {max: 100}", false, "vulnerabilities were not looked for (no database, or --scanners)");
}

static void test_eval_secrets_misconf(void **state)
{
	struct world *w = *state;
	expect(w, "secrets: {max: 0}", true, "0 secrets, at most 0 allowed");
	static const char *const sev[] = {"CRITICAL", "HIGH", "HIGH"};
	for (size_t i = 0; i < 3; i++) {
		w->sf[i] = (struct secret_finding){.rule_id = (char *)"aws-access-key-id", .severity = (char *)sev[i]};
		w->hits[i] = (struct secret_hit){.f = &w->sf[i], .layer = 0, .removed_in = -1};
	}
	w->in.nsecrets = 3;
	expect(w, "secrets: {max: 2}", false, "3 secrets, at most 2 allowed");
	expect(w, "secrets: {max: {high: 2}}", true, "2 HIGH secrets, at most 2 allowed");
	expect(w, "secrets: {max: {critical: 0}}", false, "1 CRITICAL secret, at most 0 allowed");
	w->in.secrets_scanned = false;
	expect(w, "secrets: {max: 5}", false, "secrets were not looked for (--scanners)");

	size_t n;
	const struct misconf_rule *rules = misconf_image_rules(&n);
	const struct misconf_rule *root = NULL;
	for (size_t i = 0; i < n; i++)
		if (!strcmp(rules[i].id, "VGL-IMG-001"))
			root = &rules[i];
	assert_non_null(root);
	expect(w, "misconfigurations: {max: {high: 0}}", true, "0 HIGH misconfigurations, at most 0 allowed");
	misconf_add(&w->misconf, root, NULL, 0, 0, -1, "the image config sets no user");
	expect(w, "misconfigurations: {max: {high: 0}}", false, "1 HIGH misconfiguration, at most 0 allowed");
	expect(w, "misconfigurations: {max: {high: 1}}", true, "1 HIGH misconfiguration, at most 1 allowed");
	expect(w, "misconfigurations: {deny: [DL3002]}", false, "denied misconfiguration present: VGL-IMG-001");
	expect(w, "misconfigurations: {deny: [vgl-img-001]}", false, "denied misconfiguration present: VGL-IMG-001");
	expect(w, "misconfigurations: {deny: [VGL-IMG-002]}", true, "none of the 1 denied misconfiguration is present");
	w->in.misconf = NULL;
	expect(w, "misconfigurations: {max: 9}", false,
	       "misconfigurations were not looked for (add misconfig to --scanners)");
}

static void set_user(struct world *w, const char *user)
{
	json_object_set_new(json_object_get(w->img.config, "config"), "User", json_string(user));
}

static void test_eval_image(void **state)
{
	struct world *w = *state;
	expect(w, "image: {max-size: 5MB}", true,
	       "image is 5.0 MB (5000000 bytes uncompressed), at most 5.0 MB (5000000 bytes) allowed");
	expect(w, "image: {max-size: 4999999}", false,
	       "image is 5.0 MB (5000000 bytes uncompressed), at most 5.0 MB (4999999 bytes) allowed");
	expect(w, "image: {max-layers: 3}", true, "3 layers, at most 3 allowed");
	expect(w, "image: {max-layers: 2}", false, "3 layers, at most 2 allowed");

	expect(w, "image: {forbid-root-user: true}", false, "user is root (the config sets no User)");
	set_user(w, "0");
	expect(w, "image: {forbid-root-user: true}", false, "user is root (User \"0\")");
	set_user(w, "root:wheel");
	expect(w, "image: {forbid-root-user: true}", false, "user is root (User \"root:wheel\")");
	set_user(w, "1000:0");
	expect(w, "image: {forbid-root-user: true}", true, "user is \"1000:0\"");
	set_user(w, "app");
	expect(w, "image: {forbid-root-user: true}", true, "user is \"app\"");

	expect(w, "image: {required-labels: [org.opencontainers.image.source]}", true, "all 1 required label is set");
	expect(w, "image: {required-labels: [org.opencontainers.image.source, a, b]}", false, "missing labels: a, b");

	/* created 2024-01-01, now 2024-01-11: 10 days. */
	expect(w, "image: {max-age: 10d}", true, "created 2024-01-01T00:00:00Z, 10 days ago; at most 10 days allowed");
	expect(w, "image: {max-age: 239h}", false, "created 2024-01-01T00:00:00Z, 10 days ago; at most 239 hours allowed");
	expect(w, "image: {max-age: 2w}", true, "created 2024-01-01T00:00:00Z, 10 days ago; at most 2 weeks allowed");
	/* an offset: 01:00+02:00 is 23:00Z the day before, so 10 days and 1 hour */
	json_object_set_new(w->img.config, "created", json_string("2024-01-01T01:00:00.5+02:00"));
	expect(w, "image: {max-age: 240h}", false,
	       "created 2024-01-01T01:00:00.5+02:00, 10 days ago; at most 10 days allowed");
	expect(w, "image: {max-age: 241h}", true,
	       "created 2024-01-01T01:00:00.5+02:00, 10 days ago; at most 241 hours allowed");
	json_object_set_new(w->img.config, "created", json_string("yesterday"));
	expect(w, "image: {max-age: 1w}", false, "the config's created time 'yesterday' is not RFC 3339");
	json_object_del(w->img.config, "created");
	expect(w, "image: {max-age: 1w}", false, "the config has no created time");

	/* A root filesystem has no config: every image rule fails. */
	w->in.is_rootfs = true;
	expect(w, "image: {max-layers: 100}", false, "cannot be checked: a root filesystem has no image config");
}

static void test_eval_names(void **state)
{
	struct world *w = *state;
	const char *allow = "image: {allowed-registries: [\"docker.io/library/*\", ghcr.io]}";
	w->in.reference = "alpine:3.10"; /* docker's normalisation: docker.io/library/alpine */
	expect(w, allow, true, "allowed: docker.io/library/alpine (docker.io/library/*)");
	w->in.reference = "ghcr.io/org/app@sha256:0123456789012345678901234567890123456789012345678901234567890123";
	expect(w, allow, true, "allowed: ghcr.io/org/app (ghcr.io)");
	w->in.reference = "docker.io/someone/alpine:3.10";
	expect(w, allow, false, "docker.io/someone/alpine is not from an allowed registry");
	w->in.reference = "ghcr.io.evil.example/org/app:1";
	expect(w, allow, false, "ghcr.io.evil.example/org/app is not from an allowed registry");
	w->in.reference = "Bad Name";
	const struct policy_result *r = eval1(w, allow);
	assert_false(r->passed);
	assert_non_null(strstr(r->message, "Bad Name is not an image reference ("));

	/* An archive: every RepoTag and RepoDigest must be allowed; none fails. */
	w->in.reference = NULL;
	expect(w, allow, false, "the image names no registry (an archive without RepoTags)");
	image_add_repo_tag(&w->img, "alpine:3.10");
	expect(w, allow, true, "allowed: docker.io/library/alpine (docker.io/library/*)");
	expect(w, "image: {deny-tags: [latest, edge]}", true, "no denied tag");
	image_add_repo_tag(&w->img, "quay.io/x/alpine:edge");
	expect(w, allow, false, "quay.io/x/alpine is not from an allowed registry");
	expect(w, "image: {deny-tags: [latest, edge]}", false, "tag 'edge' is denied (quay.io/x/alpine:edge)");

	/* A reference without tag is :latest; by digest only it has no tag. */
	w->in.reference = "alpine";
	expect(w, "image: {deny-tags: latest}", false, "tag 'latest' is denied (alpine)");
	w->in.reference = "alpine@sha256:0123456789012345678901234567890123456789012345678901234567890123";
	expect(w, "image: {deny-tags: latest}", true, "no denied tag");
	for (size_t i = 0; i < w->img.nrepo_tags; i++)
		free(w->img.repo_tags[i]);
	free(w->img.repo_tags);
	w->img.repo_tags = NULL;
	w->img.nrepo_tags = 0;
}

static void test_eval_signature_and_order(void **state)
{
	struct world *w = *state;
	struct policy *p = &w->p;
	/* A hand-built signature rule (parsing needs a key file: test_parse_signature). */
	p->file = strdup("p.yaml");
	p->signature_key = strdup("cosign.pub");
	p->rules = calloc(2, sizeof *p->rules);
	p->nrules = 2;
	p->rules[0] = (struct policy_rule){.kind = POLICY_MAX_LAYERS, .name = strdup("image.max-layers"), .line = 1,
					   .limit = 5};
	p->rules[1] = (struct policy_rule){.kind = POLICY_SIGNATURE, .name = strdup("signature.required"), .line = 3};
	w->in.signature = (struct policy_signature){.checked = true, .verified = 2};
	policy_evaluate(p, &w->in, &w->out);
	assert_int_equal(w->out.nresults, 2);
	assert_true(w->out.passed);
	assert_string_equal(w->out.results[0].rule, "image.max-layers");
	assert_string_equal(w->out.results[1].rule, "signature.required");
	assert_int_equal(w->out.results[1].line, 3);
	assert_string_equal(w->out.results[1].message, "2 cosign signatures verified with cosign.pub");
	policy_outcome_free(&w->out);

	w->in.signature = (struct policy_signature){.checked = true, .verified = 0, .reason = "signature mismatch"};
	policy_evaluate(p, &w->in, &w->out);
	assert_false(w->out.passed);
	assert_true(w->out.results[0].passed);
	assert_false(w->out.results[1].passed);
	assert_string_equal(w->out.results[1].message, "not verified: signature mismatch");
	policy_outcome_free(&w->out);

	w->in.signature = (struct policy_signature){.reason = "an archive has none"};
	policy_evaluate(p, &w->in, &w->out);
	assert_false(w->out.passed);
	assert_string_equal(w->out.results[1].message, "not checked: an archive has none");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_every_key),
		cmocka_unit_test(test_parse_units),
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_parse_signature),
		cmocka_unit_test_setup_teardown(test_eval_vulns, world_setup, world_teardown),
		cmocka_unit_test_setup_teardown(test_eval_secrets_misconf, world_setup, world_teardown),
		cmocka_unit_test_setup_teardown(test_eval_image, world_setup, world_teardown),
		cmocka_unit_test_setup_teardown(test_eval_names, world_setup, world_teardown),
		cmocka_unit_test_setup_teardown(test_eval_signature_and_order, world_setup, world_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
