/* --policy wiring for the scanning commands: the signature check the policy
 * asks for (the same verification as --verify-key, src/sign/remote.h), and
 * the evaluation input built from a finished scan. The rules themselves are
 * src/policy/gate.c. */
#include "cmd/scan.h"

#include "sign/remote.h"
#include "util/util.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

int scan_policy_verify(const struct scan_opts *o, struct scan_result *res, char digest[72])
{
	if (o->offline) {
		res->signature_reason = xstrdup("--offline rules out reading signatures from the registry");
		return 0;
	}
	struct registry_opts ro = {.insecure = o->insecure, .username = o->username, .password = o->password};
	struct err why = {{0}};
	int n = sign_verify_image(o->target, o->policy->signature_key, &ro, NULL, digest, &why);
	res->signature_checked = true;
	res->signature_verified = n > 0 ? n : 0;
	if (n <= 0)
		res->signature_reason = xstrdup(why.msg[0] ? why.msg : "no signature verified");
	return n > 0 ? n : 0;
}

/* Each layer once: an image may list the same layer twice. */
static uint64_t uncompressed_size(const struct scan_result *res)
{
	uint64_t n = 0;
	for (size_t i = 0; i < res->nlayers; i++) {
		bool dup = false;
		for (size_t k = 0; k < i && !dup; k++)
			dup = res->layers[k] == res->layers[i];
		if (!dup)
			n += res->layers[i]->tar_bytes;
	}
	return n;
}

void scan_policy_evaluate(const struct scan_opts *o, struct scan_result *res)
{
	const char *not_checked = o->kind == TARGET_ARCHIVE ? "cosign signatures live in a registry; an archive "
							      "(--input) has none to check"
				  : o->kind == TARGET_ROOTFS ? "a root filesystem has no signatures"
							     : "the image was not verified";
	struct policy_input in = {
		.img = &res->img,
		.is_rootfs = o->kind == TARGET_ROOTFS,
		.reference = o->kind == TARGET_DAEMON ? o->target : NULL,
		.size_bytes = uncompressed_size(res),
		.vulns = res->have_vulns ? &res->vulns : NULL,
		.vuln_severities = o->severities,
		.secrets = res->secrets,
		.nsecrets = res->nsecrets,
		.secrets_scanned = res->secret_rules != NULL,
		.misconf = res->have_misconf ? &res->misconf : NULL,
		.signature = {res->signature_checked, res->signature_verified,
			      res->signature_reason ? res->signature_reason : not_checked},
		.now = time(NULL),
	};
	policy_evaluate(o->policy, &in, &res->policy);
	res->have_policy = true;
	/* Reports may go to a file (-o) or be an SBOM: the log says why the gate closed. */
	for (size_t i = 0; i < res->policy.nresults; i++)
		if (!res->policy.results[i].passed)
			report_error("policy %s: %s: %s", o->policy->file, res->policy.results[i].rule,
				     res->policy.results[i].message);
}
