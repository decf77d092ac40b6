/* Built-in secret rules and allow rules, and the checks some rules need
 * beyond a regex.
 *
 * Regexes are PCRE2 syntax kept within what Hyperscan also accepts (no
 * look-arounds or back-references), because the same text is compiled by
 * both: Hyperscan finds candidate lines in one pass over everything, PCRE2
 * confirms on the line and extracts the capture group named "secret". A
 * regex matches within one line. Token rules are bounded on both sides
 * (\b or an explicit "next character is not part of the token") so a random
 * string that merely contains a prefix such as "ghp_" in the middle of a
 * longer run is not reported, and every repeat is bounded so that one match
 * never needs more than a few KiB of the current line.
 *
 * Entropy thresholds (Shannon, bits per character of the secret) reject the
 * placeholder-shaped values the regex cannot, e.g. "AKIAXXXXXXXXXXXXXXXX"
 * (0.9) or "ghp_000000000000000000000000000000000000"; a random base62/base32
 * string of 16+ characters scores 3.6-5.
 *
 * ALLOW RULES — what is deliberately not reported, and why:
 *  - Well-known example credentials are ALLOWED (dropped, not downgraded),
 *    counted in secret_findings.matches_allowed: AWS's documentation pair
 *    AKIAIOSFODNN7EXAMPLE / wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY (and any
 *    value spelling "example"), the Azurite/Azure storage emulator account
 *    key Microsoft publishes, and the jwt.io sample token. They are printed
 *    in thousands of SDK docs and tests (botocore alone ships hundreds), they
 *    authenticate nothing, and reporting them — even as LOW — would make
 *    every image with an AWS SDK "have secrets" and train users to ignore the
 *    report. A real key containing "example" in its random part is about a
 *    1-in-10^9 event.
 *  - Test directories of third-party language packages (Python
 *    site-packages/dist-packages, node_modules, Go's own source tree) are
 *    ALLOWED for all rules: they hold the package authors' fixture keys
 *    (TLS test keys, fake tokens), not anything the image's owner put there.
 *    The patterns are anchored to those package trees, so an application's
 *    own tests/ directory (/app/tests/.env) is still scanned.
 *  - /usr/share/doc is ALLOWED: it holds package documentation (changelogs,
 *    copyright files, examples) installed by the package manager; example
 *    keys in docs are the single largest source of false alarms there, and
 *    people do not keep their credentials in another package's doc folder.
 *  - No other system directory is skipped (Trivy skips all of usr/lib,
 *    usr/share and usr/include; a credential copied into /usr/lib/myapp
 *    would then be invisible). The test over real Debian and Alpine trees
 *    shows the remaining rules stay quiet there without such blanket rules.
 * Users can disable any built-in allow rule with disable-allow-rules. */
#include "secret/internal.h"

#include <ctype.h>
#include <math.h>
#include <string.h>

/* Shared fragments of the key = value rules. KEY_START: the key is a whole
 * word of identifier characters (so "mypassword=" counts, the middle of a
 * longer word does not); ASSIGN: an optional closing quote of a quoted key
 * ("password": ...), then =, :=, : or =>; VALUE: a quoted or bare value
 * without whitespace or the characters that mark code, templates and
 * variable references (parentheses, braces, $, %, <>), so
 * password=$(cat /run/secrets/x) and password: "{{ .Values.pw }}" are not
 * values; VALUE_END: the value ends there. */
#define KEY_START "(?:^|[^A-Za-z0-9_.-])[A-Za-z0-9_.-]{0,40}?"
#define ASSIGN "[\"']?\\s{0,8}(?:=|:=|:|=>)\\s{0,8}(?P<quote>[\"'`]?)"
#define VALUE "[^\\s\"'`;,<>(){}\\[\\]$%\\\\|&*]"
/* ASSIGN for Hyperscan: no group, unbounded spaces. */
#define ASSIGN_HS "[\"']?\\s*(?:=|:=|:|=>)\\s*[\"'`]?"
#define VALUE_END "(?:[\"'`;,)]|\\s|$)"
/* The next character is not part of a base64url-ish token. */
#define TOKEN_END "(?:[^A-Za-z0-9_-]|$)"

const struct rule_spec secret_builtin_rules[] = {
	{
		.id = "private-key",
		.category = "AsymmetricPrivateKey",
		.title = "Asymmetric Private Key",
		.severity = "HIGH",
		/* RSA, DSA, EC, OPENSSH, ENCRYPTED, PKCS#8 (no word), PGP ... BLOCK. */
		.regex = "-----BEGIN[ A-Z0-9_-]{0,40}PRIVATE KEY(?: BLOCK)?-----",
		.keywords = {"-----BEGIN", "PRIVATE KEY"},
		.kind = KIND_PEM,
		.doc = "The BEGIN line is matched; the block is reported only when base64 body "
		       "follows (>= 64 characters of high entropy), on the following lines or on "
		       "the same line with \\n escapes (JSON, env), so prose and regexes that "
		       "mention the header are not findings.",
	},
	{
		.id = "private-key-file",
		.category = "AsymmetricPrivateKey",
		.title = "Private key file (by name)",
		.severity = "MEDIUM",
		.path = "(?:^|/)id_(?:rsa|dsa|ecdsa|ed25519)(?:_sk)?$",
		.keywords = {"id_rsa", "id_dsa", "id_ecdsa", "id_ed25519"},
		.kind = KIND_FILENAME,
		.doc = "An SSH client key file (not .pub) whose content did not show a PEM block "
		       "(e.g. PuTTY or an unusual encoding): reported by name.",
	},
	{
		.id = "aws-access-key-id",
		.category = "AWS",
		.title = "AWS Access Key ID",
		.severity = "CRITICAL",
		/* Key IDs are base32: [A-Z2-7]. */
		.regex = "\\b(?P<secret>(?:AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16})\\b",
		.keywords = {"AKIA", "ASIA", "ABIA", "ACCA"},
		.entropy = 3.0,
		.keep_prefix = 4,
	},
	{
		.id = "aws-secret-access-key",
		.category = "AWS",
		.title = "AWS Secret Access Key",
		.severity = "CRITICAL",
		.regex = "(?i)(?:aws[_-]?secret(?:[_-]?access)?[_-]?key|secret[_-]?access[_-]?key)"
			 "[\"']?\\s{0,8}(?:=|:=|:|=>)\\s{0,8}[\"']?(?P<secret>[A-Za-z0-9/+]{40})"
			 "(?:[^A-Za-z0-9/+=]|$)",
		.hs = "(?i)(?:aws[_-]?secret(?:[_-]?access)?[_-]?key|secret[_-]?access[_-]?key)[\"']?\\s*"
		       "(?:=|:=|:|=>)\\s*[\"']?[A-Za-z0-9/+]{40}",
		.keywords = {"aws_secret_access_key", "secretaccesskey", "aws_secret_key"},
		.entropy = 3.5,
	},
	{
		.id = "gcp-service-account",
		.category = "Google",
		.title = "Google (GCP) Service-account key",
		.severity = "CRITICAL",
		.regex = "\"type\"\\s{0,8}:\\s{0,8}\"service_account\"",
		.require = "\"private_key\"\\s{0,8}:\\s{0,8}\"-----BEGIN",
		.keywords = {"service_account", "private_key"},
		.keep_prefix = -1, /* the marker itself is not secret: nothing to redact */
		.doc = "A service-account key file: the type marker plus a private_key in the same "
		       "file (the key itself is also reported by private-key).",
	},
	{
		.id = "azure-storage-account-key",
		.category = "Azure",
		.title = "Azure Storage Account Key",
		.severity = "CRITICAL",
		/* 64 random bytes in base64: 86 characters and "==". */
		.regex = "(?i:AccountKey)\\s{0,4}=\\s{0,4}(?P<secret>[A-Za-z0-9+/]{86}==)",
		.hs = "(?i:AccountKey)\\s*=\\s*[A-Za-z0-9+/]{86}==",
		.keywords = {"AccountKey"},
		.entropy = 4.0,
	},
	{
		.id = "github-pat",
		.category = "GitHub",
		.title = "GitHub Personal Access Token",
		.severity = "CRITICAL",
		.regex = "\\b(?P<secret>ghp_[A-Za-z0-9]{36})\\b",
		.keywords = {"ghp_"},
		.entropy = 3.0,
		.keep_prefix = 4,
	},
	{
		.id = "github-oauth",
		.category = "GitHub",
		.title = "GitHub OAuth Access Token",
		.severity = "CRITICAL",
		.regex = "\\b(?P<secret>gho_[A-Za-z0-9]{36})\\b",
		.keywords = {"gho_"},
		.entropy = 3.0,
		.keep_prefix = 4,
	},
	{
		.id = "github-app-token",
		.category = "GitHub",
		.title = "GitHub App Token",
		.severity = "CRITICAL",
		.regex = "\\b(?P<secret>gh[us]_[A-Za-z0-9]{36})\\b",
		.keywords = {"ghu_", "ghs_"},
		.entropy = 3.0,
		.keep_prefix = 4,
	},
	{
		.id = "github-refresh-token",
		.category = "GitHub",
		.title = "GitHub Refresh Token",
		.severity = "CRITICAL",
		.regex = "\\b(?P<secret>ghr_[A-Za-z0-9]{36,76})\\b",
		.hs = "\\bghr_[A-Za-z0-9]{36}",
		.keywords = {"ghr_"},
		.entropy = 3.0,
		.keep_prefix = 4,
	},
	{
		.id = "github-fine-grained-pat",
		.category = "GitHub",
		.title = "GitHub Fine-grained Personal Access Token",
		.severity = "CRITICAL",
		.regex = "\\b(?P<secret>github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59})\\b",
		.keywords = {"github_pat_"},
		.entropy = 3.0,
		.keep_prefix = 11,
	},
	{
		.id = "gitlab-pat",
		.category = "GitLab",
		.title = "GitLab Personal Access Token",
		.severity = "CRITICAL",
		.regex = "\\b(?P<secret>glpat-[A-Za-z0-9_-]{20,64})" TOKEN_END,
		.hs = "\\bglpat-[A-Za-z0-9_-]{20}",
		.keywords = {"glpat-"},
		.entropy = 3.0,
		.keep_prefix = 6,
	},
	{
		.id = "slack-token",
		.category = "Slack",
		.title = "Slack token",
		.severity = "HIGH",
		/* xoxb-<team>-<bot>-<secret>, xoxp-..., at least two dash-separated parts. */
		.regex = "\\b(?P<secret>xox[baprs]-[0-9A-Za-z]{6,64}-[0-9A-Za-z-]{6,250})(?:[^0-9A-Za-z-]|$)",
		.hs = "\\bxox[baprs]-[0-9A-Za-z]{6,}-[0-9A-Za-z-]{6}",
		.keywords = {"xoxb-", "xoxa-", "xoxp-", "xoxr-", "xoxs-"},
		.entropy = 3.0,
		.keep_prefix = 5,
	},
	{
		.id = "slack-webhook",
		.category = "Slack",
		.title = "Slack Webhook",
		.severity = "MEDIUM",
		.regex = "https://hooks\\.slack\\.com/services/T[A-Z0-9]{6,12}/B[A-Z0-9]{6,12}/"
			 "(?P<secret>[A-Za-z0-9]{20,32})\\b",
		.hs = "https://hooks\\.slack\\.com/services/T[A-Z0-9]{6,12}/B[A-Z0-9]{6,12}/[A-Za-z0-9]{20}",
		.keywords = {"hooks.slack.com"},
		.entropy = 3.0,
	},
	{
		.id = "stripe-secret-key",
		.category = "Stripe",
		.title = "Stripe Secret Key",
		.severity = "CRITICAL",
		/* Live secret and restricted keys; test-mode keys move no money. */
		.regex = "\\b(?P<secret>[sr]k_live_[0-9A-Za-z]{24,99})\\b",
		.hs = "\\b[sr]k_live_[0-9A-Za-z]{24}",
		.keywords = {"sk_live_", "rk_live_"},
		.entropy = 3.0,
		.keep_prefix = 8,
	},
	{
		.id = "twilio-api-key",
		.category = "Twilio",
		.title = "Twilio API Key",
		.severity = "MEDIUM",
		.regex = "\\b(?P<secret>SK[0-9a-f]{32})\\b",
		.keywords = {"SK"},
		.entropy = 3.0,
		.keep_prefix = 2,
	},
	{
		.id = "twilio-account-sid",
		.category = "Twilio",
		.title = "Twilio Account SID",
		.severity = "LOW",
		/* An identifier rather than a secret, but it marks where the auth token is. */
		.regex = "\\b(?P<secret>AC[0-9a-f]{32})\\b",
		.keywords = {"AC"},
		.entropy = 3.0,
		.keep_prefix = 2,
	},
	{
		.id = "sendgrid-api-key",
		.category = "SendGrid",
		.title = "SendGrid API Key",
		.severity = "CRITICAL",
		.regex = "\\b(?P<secret>SG\\.[A-Za-z0-9_-]{22}\\.[A-Za-z0-9_-]{43})" TOKEN_END,
		.keywords = {"SG."},
		.entropy = 3.0,
		.keep_prefix = 3,
	},
	{
		.id = "npm-access-token",
		.category = "Npm",
		.title = "npm access token",
		.severity = "CRITICAL",
		.regex = "\\b(?P<secret>npm_[A-Za-z0-9]{36})\\b",
		.keywords = {"npm_"},
		.entropy = 3.0,
		.keep_prefix = 4,
	},
	{
		.id = "pypi-upload-token",
		.category = "PyPI",
		.title = "PyPI upload token",
		.severity = "HIGH",
		/* A macaroon whose base64 starts with the encoded location "pypi.org". */
		.regex = "\\b(?P<secret>pypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{50,1000})" TOKEN_END,
		.hs = "\\bpypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{50}",
		.keywords = {"pypi-AgEIcHlwaS5vcmc"},
		.keep_prefix = 5,
	},
	{
		.id = "docker-config-auth",
		.category = "Docker",
		.title = "Docker registry credentials",
		.severity = "HIGH",
		.regex = "\"auth\"\\s{0,8}:\\s{0,8}\"(?P<secret>[A-Za-z0-9+/]{8,1024}={0,2})\"",
		.require = "\"auths\"\\s{0,8}:",
		.hs = "\"auth\"\\s*:\\s*\"[A-Za-z0-9+/]{8}",
		.keywords = {"\"auths\"", "\"auth\""},
		.check = CHECK_DOCKER_AUTH,
		.doc = "Only in a file that has an \"auths\" object (~/.docker/config.json), and only "
		       "when the value decodes to printable user:password.",
	},
	{
		.id = "jwt",
		.category = "JWT",
		.title = "JSON Web Token",
		.severity = "MEDIUM",
		.regex = "\\b(?P<secret>eyJ[A-Za-z0-9_-]{10,1024}\\.eyJ[A-Za-z0-9_-]{10,4096}\\."
			 "[A-Za-z0-9_-]{10,1024})" TOKEN_END,
		.hs = "\\beyJ[A-Za-z0-9_-]{10,}\\.eyJ[A-Za-z0-9_-]{10,}\\.[A-Za-z0-9_-]{10}",
		.keywords = {"eyJ"},
		.check = CHECK_JWT,
		.keep_prefix = 3,
		.doc = "Signed tokens only (a signature of 10+ characters); the header must decode "
		       "to JSON naming an \"alg\".",
	},
	{
		.id = "db-url-password",
		.category = "Database",
		.title = "Password in a database URL",
		.severity = "HIGH",
		.regex = "(?i)\\b(?:postgres(?:ql)?|mysql|mariadb|mongodb(?:\\+srv)?|rediss?|amqps?)://"
			 "(?P<user>[^:@/\\s\"'<>]{0,128}):(?P<secret>[^@/\\s\"'<>]{1,256})@[A-Za-z0-9.\\[_-]",
		.hs = "(?i)\\b(?:postgres(?:ql)?|mysql|mariadb|mongodb(?:\\+srv)?|rediss?|amqps?)://"
		       "[^:@/\\s\"'<>]*:[^@/\\s\"'<>]+@[A-Za-z0-9.\\[_-]",
		.keywords = {"postgres://", "postgresql://", "mysql://", "mongodb://", "mongodb+srv://",
			     "redis://", "amqp://"},
		.check = CHECK_URL_PASSWORD,
		.low_priority = true,
	},
	{
		.id = "netrc-password",
		.category = "General",
		.title = ".netrc password",
		.severity = "HIGH",
		.path = "(?:^|/)[._]netrc$",
		.regex = "(?:^|\\s)password\\s{1,8}(?P<secret>\\S{1,256})",
		.hs = "(?:^|\\s)password\\s+\\S",
		.keywords = {"password"},
		.check = CHECK_PLACEHOLDER,
		.low_priority = true,
	},
	{
		.id = "git-credentials",
		.category = "General",
		.title = "Git credential store entry",
		.severity = "HIGH",
		.path = "(?:^|/)\\.git-credentials$",
		.regex = "https?://(?P<user>[^:@/\\s]{0,256}):(?P<secret>[^@/\\s]{1,256})@",
		.hs = "https?://[^:@/\\s]*:[^@/\\s]+@",
		.keywords = {"https://"},
		.check = CHECK_PLACEHOLDER,
		.low_priority = true,
	},
	{
		.id = "generic-password",
		.category = "General",
		.title = "Hard-coded password",
		.severity = "MEDIUM",
		.regex = "(?i)" KEY_START "(?:passw(?:or)?d|pwd)" ASSIGN "(?P<secret>" VALUE "{8,128})" VALUE_END,
		.hs = "(?i)(?:passw(?:or)?d|pwd)" ASSIGN_HS VALUE "{8}",
		.keywords = {"password", "passwd", "pwd"},
		.entropy = 3.0,
		.check = CHECK_GENERIC,
		.low_priority = true,
		.doc = "The key must end in password/passwd/pwd; the value must not look like a "
		       "placeholder, a variable or code reference, a path or a URL.",
	},
	{
		.id = "generic-secret",
		.category = "General",
		.title = "Hard-coded secret, token or API key",
		.severity = "MEDIUM",
		.regex = "(?i)" KEY_START
			 "(?:secret|token|api[._-]?key|access[._-]?key|auth[._-]?key|private[._-]?key)"
			 "(?:[._-]?key)?" ASSIGN "(?P<secret>" VALUE "{16,1024})" VALUE_END,
		.hs = "(?i)(?:secret|token|api[._-]?key|access[._-]?key|auth[._-]?key|private[._-]?key)"
		       "(?:[._-]?key)?" ASSIGN_HS VALUE "{16}",
		.keywords = {"secret", "token", "api_key", "apikey", "access_key"},
		.entropy = 3.0, /* random 32-hex keys score 3.5-3.9: 3.5 misses some */
		.check = CHECK_GENERIC,
		.low_priority = true,
	},
};
const size_t secret_builtin_nrules = ARRAY_LEN(secret_builtin_rules);

const struct allow_spec secret_builtin_allow[] = {
	{
		.id = "example-values",
		.description = "documented example credentials (AWS AKIAIOSFODNN7EXAMPLE and "
			       "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY, ...): any value spelling "
			       "\"example\"",
		.regex = "(?i)example",
	},
	{
		.id = "azure-storage-emulator-key",
		.description = "the account key of the Azure storage emulator (Azurite, "
			       "devstoreaccount1), published by Microsoft",
		.regex = "^Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/"
			 "K1SZFPTOtr/KBHBeksoGMGw==$",
	},
	{
		.id = "jwt-io-sample",
		.description = "the sample token shown on jwt.io and copied into countless docs",
		.regex = "\\.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c$",
	},
	{
		.id = "rfc-example-tokens",
		.description = "the example tokens of the OAuth RFCs (6749, 5849), quoted in every "
			       "OAuth library's documentation",
		.regex = "^(?:2YotnFZFEjr1zCsicMWpAA|tGzv3JOkF0XG5Qx2TlKWIA|SplxlOBeZQQYbYS6WxSbIA|"
			 "ad180jjd733klru7)$",
	},
	{
		.id = "public-client-secrets",
		.description = "OAuth client secrets of Google's installed applications (gcloud, bq, "
			       "application default credentials), public by design, and Jetty's "
			       "documented default keystore and key manager passwords",
		.regex = "^(?:ZmssLNjJy2998hD4CTg2ejr2|d-FL95Q19q7MQmFpd7hHD0Ty|wbER7576mc_1YOII0dGk7jEE|"
			 "OBF:1vny1zlo1x8e1vnw1vn61x8g1zlu1vn4|OBF:1u2u1wml1z7s1z7a1wnl1u2g)$",
	},
	{
		.id = "usr-share-doc",
		.description = "package documentation installed by the package manager",
		.path = "^usr/share/doc/",
	},
	{
		.id = "python-package-metadata",
		.description = "the long description (README) in installed Python packages' metadata",
		.path = "\\.(?:egg|dist)-info/(?:PKG-INFO|METADATA|DESCRIPTION\\.rst)$",
	},
	{
		.id = "generic-rules-in-packages",
		.description = "the generic key=value heuristics in third-party package and vendored "
			       "trees, whose docstrings and examples are full of sample tokens "
			       "(RFC 6749's access_token=2YotnFZFEjr1zCsicMWpAA...); specific token "
			       "rules still apply there",
		.path = "(?:^|/)(?:site-packages|dist-packages|node_modules|third_party|vendor|vendored)/",
		.rules = {"generic-password", "generic-secret"},
	},
	{
		.id = "package-tests",
		.description = "test fixtures of installed Python and npm packages, wherever the "
			       "package tree is",
		.path = "(?:^|/)(?:site-packages|dist-packages|node_modules)/(?:[^/]+/)*"
			"(?:tests?|__tests__|testdata)/",
	},
	{
		.id = "system-tests",
		.description = "test directories of software installed in system trees (usr/lib, "
			       "usr/share), e.g. vendored libraries' TLS test keys",
		.path = "^usr/(?:lib|lib64|libexec|share)/(?:[^/]+/)*(?:tests?|testdata|test_data|__tests__)/",
	},
	{
		.id = "go-toolchain-tests",
		.description = "test data and tests of the Go toolchain's own sources",
		.path = "^(?:usr/local/go|usr/lib/go-[0-9.]+)/src/(?:.*/)?(?:testdata/|[^/]*_test\\.go$)",
	},
};
const size_t secret_builtin_nallow = ARRAY_LEN(secret_builtin_allow);

double secret_entropy(const unsigned char *p, size_t n)
{
	if (!n)
		return 0;
	size_t count[256] = {0};
	for (size_t i = 0; i < n; i++)
		count[p[i]]++;
	double h = 0;
	for (size_t i = 0; i < 256; i++) {
		if (!count[i])
			continue;
		double q = (double)count[i] / (double)n;
		h -= q * log2(q);
	}
	return h;
}

/* Lower-cased copy of at most cap-1 bytes. */
static void lower_copy(char *dst, size_t cap, const unsigned char *v, size_t n)
{
	if (n >= cap)
		n = cap - 1;
	for (size_t i = 0; i < n; i++)
		dst[i] = (char)tolower(v[i]);
	dst[n] = 0;
}

bool secret_is_placeholder(const unsigned char *v, size_t n)
{
	if (!n)
		return true;
	/* One character repeated ("********", "xxxxxxxx", "00000000"). */
	size_t same = 1;
	while (same < n && v[same] == v[0])
		same++;
	if (same == n)
		return true;
	char low[300];
	lower_copy(low, sizeof low, v, n);
	/* Substrings that no generated credential contains but placeholders,
	 * templates and variable references do. */
	static const char *const contains[] = {
		"example", "changeme", "change_me", "change-me", "changethis", "placeholder",
		"password", "passwd", "secret", "xxxx", "****", "....", "----", "dummy", "sample",
		"your_", "your-", "yourpass", "yourtoken", "yourkey", "replace", "insert", "redacted",
		"todo", "fixme", "foobar", "notreal", "not_real", "fake", "test", "lorem", "<", ">",
		"${", "{{", "}}", "%(", "%s", "$(", "env(", "process.env", "os.environ", "getenv",
		"/dev/null",
	};
	for (size_t i = 0; i < ARRAY_LEN(contains); i++)
		if (strstr(low, contains[i]))
			return true;
	static const char *const exact[] = {
		"none", "null", "nil", "true", "false", "undefined", "default", "empty", "required",
		"optional", "string", "hidden", "pass", "mypass", "tiger", "foobared", "admin", "root",
		"guest", "user", "username", "qwerty", "letmein", "hunter2", "abc123", "123456",
		"12345678", "123456789", "1234567890", "abcdefgh", "abcd1234", "s3cr3t", "p4ssw0rd",
	};
	for (size_t i = 0; i < ARRAY_LEN(exact); i++)
		if (strcmp(low, exact[i]) == 0)
			return true;
	return false;
}

static bool is_ident_char(unsigned char c)
{
	return isalnum(c) || c == '_';
}

/* "settings.db_password", "os.Getenv", "self.token": a dotted code reference. */
static bool is_dotted_identifier(const unsigned char *v, size_t n)
{
	bool dot = false, start = true;
	for (size_t i = 0; i < n; i++) {
		if (v[i] == '.') {
			if (start)
				return false;
			dot = true;
			start = true;
			continue;
		}
		if (!is_ident_char(v[i]) || (start && isdigit(v[i])))
			return false;
		start = false;
	}
	return dot && !start;
}

/* snake_case, kebab-case or camelCase words without digits: a name, not a
 * credential ("access_token", "refreshToken", "client-secret-key"). */
static bool is_word_name(const unsigned char *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!isalpha(v[i]) && v[i] != '_' && v[i] != '-')
			return false;
	return true;
}

/* Words in a key that say its value is not a secret: public keys and
 * tokens, pagination, CSRF and idempotency tokens, and the names of form
 * fields, prompts and patterns. (Not "file", "name" or "path": those
 * precede real passwords, as in keyfile_password.) */
static bool harmless_key(const unsigned char *k, size_t n)
{
	char low[64];
	lower_copy(low, sizeof low, k, n);
	static const char *const words[] = {
		"public", "page", "next", "output", "input", "csrf", "xsrf", "continuation",
		"idempotency", "pagination", "cursor", "marker", "header", "field", "param", "policy",
		"prompt", "hint", "label", "regex", "pattern",
	};
	for (size_t i = 0; i < ARRAY_LEN(words); i++)
		if (strstr(low, words[i]))
			return true;
	return false;
}

/* After a bare value, only what ends a statement in the places people put
 * credentials (.env, YAML, INI, properties, shell, command lines): the end
 * of the line, a comment, a line continuation, a shell separator, another
 * KEY=value, or another --flag. Anything else ("password: Optional. The
 * password for...", "FPassword: UTF8String;", "x:=CONST+5,") is prose or code. */
static bool bare_value_ends_statement(const unsigned char *p, size_t n)
{
	if (n == 0)
		return true;
	if (!isspace(p[0]))
		return false;
	size_t i = 0;
	while (i < n && isspace(p[i]))
		i++;
	if (i == n)
		return true;
	const unsigned char *q = p + i;
	size_t m = n - i;
	if (q[0] == '#' || q[0] == '\\' || q[0] == ';' || (m >= 2 && (!memcmp(q, "//", 2) ||
		!memcmp(q, "&&", 2) || !memcmp(q, "||", 2))))
		return true;
	if (q[0] == '-' && m >= 2 && (isalpha(q[1]) || (q[1] == '-' && m >= 3 && isalpha(q[2]))))
		return true;
	size_t k = 0;
	while (k < m && (isalnum(q[k]) || q[k] == '_' || q[k] == '.' || q[k] == '-'))
		k++;
	return k > 0 && k < m && q[k] == '=' && (isalpha(q[0]) || q[0] == '_');
}

static bool is_email(const unsigned char *v, size_t n)
{
	const unsigned char *at = memchr(v, '@', n);
	return at && at > v && memchr(at, '.', n - (size_t)(at - v)) && !memchr(at + 1, '@', n - (size_t)(at - v) - 1);
}

/* More than half the characters in runs of 4+ lowercase letters: words
 * ("V1ServiceAccountTokenProjection", "123Abpassdord"). In random base62 or
 * base64 such a run starts at a given position with probability ~3%. */
static bool mostly_words(const unsigned char *v, size_t n)
{
	size_t in_runs = 0;
	for (size_t i = 0; i < n;) {
		size_t j = i;
		while (j < n && islower(v[j]))
			j++;
		if (j - i >= 4)
			in_runs += j - i;
		i = j > i ? j : i + 1;
	}
	return in_runs * 2 > n;
}

static bool check_generic(const struct check_in *in)
{
	const unsigned char *v = in->line + in->vs;
	size_t n = in->ve - in->vs;
	if (secret_is_placeholder(v, n))
		return false;
	if (v[0] == '/' || v[0] == '~' || (v[0] == '.' && n > 1 && v[1] == '/'))
		return false; /* a path */
	if (memmem(v, n, "://", 3))
		return false; /* a URL; db-url-password handles credentials in URLs */
	if (is_email(v, n))
		return false; /* anonymous FTP's "password" */
	/* The key, and a few bytes before it: "Next page token: ...". */
	size_t key_end = in->as >= 0 ? (size_t)in->as : in->vs;
	size_t key_start = in->ms > 12 ? in->ms - 12 : 0;
	if (harmless_key(in->line + key_start, key_end - key_start))
		return false;
	bool quoted = in->as >= 0 && in->ae > in->as;
	if (!quoted && !bare_value_ends_statement(in->line + in->ve, in->len - in->ve))
		return false;
	if (is_word_name(v, n) || is_dotted_identifier(v, n) || mostly_words(v, n))
		return false;
	/* The rules' entropy floor (3.0) suits hex, whose 16 symbols cap it at
	 * 4 bits and where a random 32-digit key scores 3.5-3.9. Longer values
	 * from a larger alphabet must look as random as random base62 does:
	 * hand-typed doc samples ("kkk9d7dh3k39sjv7": 3.2) do not. */
	bool hex = true;
	for (size_t i = 0; i < n && hex; i++)
		hex = isxdigit(v[i]);
	if (!hex && n >= 16 && secret_entropy(v, n) < 3.5)
		return false;
	/* A digit or a symbol other than the separators of names: random
	 * tokens almost always have one (a 16-character base62 token lacks
	 * digits 6% of the time; accepted), while identifiers, host names and
	 * prose ("DistributionList.NextMarker", "HEADER.PAYLOAD.SIGNATURE") do not. */
	for (size_t i = 0; i < n; i++)
		if (isdigit(v[i]) || !(isalpha(v[i]) || v[i] == '_' || v[i] == '.' || v[i] == '-'))
			return true;
	return false;
}

static int b64val(unsigned char c, bool url)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == (url ? '-' : '+'))
		return 62;
	if (c == (url ? '_' : '/'))
		return 63;
	return -1;
}

/* Decode base64 (standard or url alphabet, padding optional) into out
 * (cap bytes); returns the length, or -1 on a bad character or overflow. */
static long b64decode(const unsigned char *in, size_t n, bool url, unsigned char *out, size_t cap)
{
	while (n && in[n - 1] == '=')
		n--;
	uint32_t acc = 0;
	int bits = 0;
	size_t len = 0;
	for (size_t i = 0; i < n; i++) {
		int v = b64val(in[i], url);
		if (v < 0)
			return -1;
		acc = (acc << 6) | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (len >= cap)
				return -1;
			out[len++] = (unsigned char)(acc >> bits);
			acc &= (1u << bits) - 1;
		}
	}
	return (long)len;
}

static bool check_docker_auth(const unsigned char *v, size_t n)
{
	unsigned char dec[800];
	long len = b64decode(v, n, false, dec, sizeof dec);
	if (len < 3)
		return false;
	const unsigned char *colon = NULL;
	for (long i = 0; i < len; i++) {
		if (dec[i] < 0x20 || dec[i] > 0x7e)
			return false;
		if (dec[i] == ':' && !colon)
			colon = dec + i;
	}
	if (!colon || colon == dec || colon == dec + len - 1)
		return false;
	size_t plen = (size_t)(dec + len - colon - 1);
	return !secret_is_placeholder(colon + 1, plen);
}

static bool check_jwt(const unsigned char *v, size_t n)
{
	const unsigned char *dot = memchr(v, '.', n);
	if (!dot)
		return false;
	unsigned char dec[800];
	long len = b64decode(v, (size_t)(dot - v), true, dec, sizeof dec - 1);
	if (len < 2 || dec[0] != '{')
		return false;
	dec[len] = 0;
	return memmem(dec, (size_t)len, "\"alg\"", 5) != NULL;
}

static bool check_url_password(const struct check_in *in)
{
	const unsigned char *v = in->line + in->vs;
	size_t n = in->ve - in->vs;
	if (n < 3 || secret_is_placeholder(v, n))
		return false;
	/* "postgres://postgres:postgres@" is a default, not a leak. */
	size_t ulen = in->as >= 0 ? (size_t)(in->ae - in->as) : 0;
	return !(in->as >= 0 && ulen == n && memcmp(in->line + in->as, v, n) == 0);
}

bool secret_check(enum rule_check c, const struct check_in *in)
{
	const unsigned char *v = in->line + in->vs;
	size_t n = in->ve - in->vs;
	switch (c) {
	case CHECK_NONE:
		return true;
	case CHECK_GENERIC:
		return check_generic(in);
	case CHECK_URL_PASSWORD:
		return check_url_password(in);
	case CHECK_DOCKER_AUTH:
		return check_docker_auth(v, n);
	case CHECK_JWT:
		return check_jwt(v, n);
	case CHECK_PLACEHOLDER:
		return !secret_is_placeholder(v, n);
	}
	return true;
}
