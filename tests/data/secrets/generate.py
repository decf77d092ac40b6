#!/usr/bin/env python3
"""Generates the secret-scanner fixtures in this folder (run it from anywhere;
the output is committed, so the tests never depend on running it).

Every secret is FAKE: random characters from a seeded generator, shaped like
the real thing (prefixes, lengths, alphabets, PEM armour) so the rules fire,
but none was ever issued by anyone.

Writes:
  positive/*          files with secrets
  negative/*          near misses: must give no finding
  expected.tsv        fixture, engine path, rule id, start line, end line, raw secret
                      (one row per expected finding; the secret column is what
                      must never appear in any finding's text)
  negatives.tsv       fixture, engine path, expected matches_allowed
"""
import base64
import json
import os
import random

HERE = os.path.dirname(os.path.abspath(__file__))
rng = random.Random(20240611)

B62 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
B64 = B62 + "+/"
B64URL = B62 + "-_"
HEXL = "0123456789abcdef"
B32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"


def rand(alphabet, n):
    return "".join(rng.choice(alphabet) for _ in range(n))


def b64lines(nchars, first=""):
    body = first + rand(B64, nchars - len(first))
    return [body[i:i + 64] for i in range(0, len(body), 64)]


class Fixture:
    def __init__(self, name, path, kind="positive"):
        self.name, self.path, self.kind = name, path, kind
        self.lines = []
        self.expect = []  # (rule, start, end, secret)
        self.newline = "\n"
        self.trailing_newline = True

    def add(self, text, rule=None, secret=None, end_offset=0):
        """Add one line (or several, joined by \\n) and expect rule on its first line."""
        start = len(self.lines) + 1
        self.lines.extend(text.split("\n"))
        if rule:
            self.expect.append((rule, start, start + end_offset, secret or ""))
        return start

    def pem(self, label, nchars, first="", headers=(), indent=""):
        start = len(self.lines) + 1
        self.lines.append(f"{indent}-----BEGIN {label}-----")
        for h in headers:
            self.lines.append(indent + h)
        body = b64lines(nchars, first)
        self.lines.extend(indent + b for b in body)
        self.lines.append(f"{indent}-----END {label}-----")
        self.expect.append(("private-key", start, len(self.lines), body[len(body) // 2]))

    def write(self):
        d = os.path.join(HERE, self.kind)
        os.makedirs(d, exist_ok=True)
        data = self.newline.join(self.lines) + (self.newline if self.trailing_newline else "")
        with open(os.path.join(d, self.name), "w", newline="") as f:
            f.write(data)


fx = []

# --- private keys -------------------------------------------------------------
f = Fixture("private_keys.pem", "home/app/keys/all.pem")
f.add("# keys of the staging cluster")
f.pem("RSA PRIVATE KEY", 1588, first="MIIEpAIBAAKCAQEA")
f.add("")
f.pem("OPENSSH PRIVATE KEY", 400, first="b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ")
f.pem("EC PRIVATE KEY", 160, first="MHcCAQEEI")
f.pem("PRIVATE KEY", 1624, first="MIIEvgIBADANBgkqhkiG9w0BAQEFAASC")
f.pem("ENCRYPTED PRIVATE KEY", 1700, first="MIIFHDBOBgkqhkiG9w0BBQ0wQTApBgkqhkiG9w0BBQww")
f.pem("RSA PRIVATE KEY", 1700,
      headers=("Proc-Type: 4,ENCRYPTED", "DEK-Info: AES-128-CBC,3F17F5316E2BAC89", ""))
f.pem("PGP PRIVATE KEY BLOCK", 1200, first="lQOYBF", headers=("Version: GnuPG v2", ""))
fx.append(f)

# A key embedded in source code as a string literal, and in an env value
# with \n escapes on one line.
f = Fixture("embedded_key.py", "srv/app/settings.py")
f.add("import os")
f.add('SIGNING_KEY = """')
f.pem("RSA PRIVATE KEY", 900, first="MIICXAIBAAKBgQ")
f.add('"""')
body = rand(B64, 900)
one = "-----BEGIN PRIVATE KEY-----\\n" + "\\n".join(body[i:i + 64] for i in range(0, 900, 64)) + \
      "\\n-----END PRIVATE KEY-----\\n"
f.add(f'TLS_KEY = "{one}"', "private-key", body[64:128])
fx.append(f)

f = Fixture("id_rsa", "root/.ssh/id_rsa")
f.pem("OPENSSH PRIVATE KEY", 2600, first="b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAABlwAAAAdzc2gtcn")
fx.append(f)

# PuTTY format under an OpenSSH name: no PEM block, reported by name.
f = Fixture("id_ed25519", "home/dev/.ssh/id_ed25519")
ppk = rand(B64, 64)
f.add("PuTTY-User-Key-File-3: ssh-ed25519")
f.add("Encryption: none")
f.add("Comment: dev@laptop")
f.add("Public-Lines: 2")
f.add(rand(B64, 64))
f.add(rand(B64, 20))
f.add("Private-Lines: 1")
f.add(ppk)
f.add("Private-MAC: " + rand(HEXL, 64))
f.expect.append(("private-key-file", 0, 0, ppk))
fx.append(f)

# --- AWS ----------------------------------------------------------------------
akia, asia = "AKIA" + rand(B32, 16), "ASIA" + rand(B32, 16)
sk1, sk2, sk3 = rand(B64, 40), rand(B64, 40), rand(B64, 40)
f = Fixture("aws.env", "app/.env")
f.add("# deploy credentials")
f.add(f"AWS_ACCESS_KEY_ID={akia}", "aws-access-key-id", akia)
f.add(f"AWS_SECRET_ACCESS_KEY={sk1}", "aws-secret-access-key", sk1)
f.add("AWS_DEFAULT_REGION=eu-west-1")
fx.append(f)

f = Fixture("aws_credentials", "root/.aws/credentials")
f.add("[default]")
f.add(f"aws_access_key_id = {asia}", "aws-access-key-id", asia)
f.add(f"aws_secret_access_key = {sk2}", "aws-secret-access-key", sk2)
f.add("aws_session_token = " + rand(B64, 300), "generic-secret")
f.expect[-1] = ("generic-secret", f.expect[-1][1], f.expect[-1][2], f.lines[-1].split(" = ")[1])
fx.append(f)

# Two secrets on one line: each finding's excerpt must hide both.
akia2 = "AKIA" + rand(B32, 16)
f = Fixture("aws_oneline.json", "opt/tool/creds.json")
line = f'{{"AccessKeyId": "{akia2}", "SecretAccessKey": "{sk3}", "Expiration": "2030-01-01T00:00:00Z"}}'
f.add(line, "aws-access-key-id", akia2)
f.expect.append(("aws-secret-access-key", 1, 1, sk3))
fx.append(f)

# --- GCP ----------------------------------------------------------------------
gbody = rand(B64, 1600)
pk = "-----BEGIN PRIVATE KEY-----\n" + "\n".join(gbody[i:i + 64] for i in range(0, 1600, 64)) + \
     "\n-----END PRIVATE KEY-----\n"
sa = {"type": "service_account", "project_id": "acme-prod-1234",
      "private_key_id": rand(HEXL, 40), "private_key": pk,
      "client_email": "deployer@acme-prod-1234.iam.gserviceaccount.com",
      "client_id": "1" + rand("0123456789", 20)}
f = Fixture("gcp_sa.json", "app/secrets/sa.json")
text = json.dumps(sa, indent=2)
f.lines = text.split("\n")
f.expect.append(("gcp-service-account", 2, 2, gbody[128:192]))
f.expect.append(("private-key", 5, 5, gbody[64:128]))
fx.append(f)

# --- Azure --------------------------------------------------------------------
ak = rand(B64, 86) + "=="
f = Fixture("azure.conf", "etc/app/azure.conf")
f.add("[storage]")
f.add(f"connection = DefaultEndpointsProtocol=https;AccountName=acmeprod;AccountKey={ak};"
      "EndpointSuffix=core.windows.net", "azure-storage-account-key", ak)
fx.append(f)

# --- GitHub, GitLab -----------------------------------------------------------
toks = {p: p + rand(B62, 36) for p in ("ghp_", "gho_", "ghu_", "ghs_")}
ghr = "ghr_" + rand(B62, 76)
pat = "github_pat_" + rand(B62, 22) + "_" + rand(B62, 59)
glpat = "glpat-" + rand(B62 + "-_", 20)
f = Fixture("github.sh", "usr/local/bin/release.sh")
f.add("#!/bin/sh")
f.add(f"export GITHUB_TOKEN={toks['ghp_']}", "github-pat", toks["ghp_"])
f.add(f"curl -H 'Authorization: token {toks['gho_']}' https://api.github.com/user", "github-oauth",
      toks["gho_"])
f.add(f"APP_TOKENS=\"{toks['ghu_']} {toks['ghs_']}\"", "github-app-token", toks["ghu_"])
f.expect.append(("github-app-token", 4, 4, toks["ghs_"]))
f.add(f"refresh={ghr}", "github-refresh-token", ghr)
f.add(f"git clone https://x-access-token:{pat}@github.com/acme/app.git", "github-fine-grained-pat", pat)
f.add(f"GITLAB_TOKEN: {glpat}", "gitlab-pat", glpat)
fx.append(f)

# --- Slack, Stripe, Twilio, SendGrid, npm, PyPI -------------------------------
xoxb = "xoxb-" + rand("0123456789", 12) + "-" + rand("0123456789", 13) + "-" + rand(B62, 24)
hook = rand(B62, 24)
hook_url = f"https://hooks.slack.com/services/T{rand(B32, 8)}/B{rand(B32, 10)}/{hook}"
f = Fixture("slack.yaml", "srv/bot/config.yaml")
f.add("slack:")
f.add(f"  bot: {xoxb}", "slack-token", xoxb)
f.add(f"  webhook: {hook_url}", "slack-webhook", hook)
fx.append(f)

sk_live = "sk_live_" + rand(B62, 24)
rk_live = "rk_live_" + rand(B62, 99)
f = Fixture("stripe.py", "srv/shop/payments.py")
f.add("import stripe")
f.add(f'stripe.api_key = "{sk_live}"', "stripe-secret-key", sk_live)
f.add(f"RESTRICTED = '{rk_live}'", "stripe-secret-key", rk_live)
fx.append(f)

tw_sk, tw_ac = "SK" + rand(HEXL, 32), "AC" + rand(HEXL, 32)
f = Fixture("twilio.js", "srv/sms/index.js")
f.add(f"const client = twilio('{tw_sk}', process.env.TWILIO_SECRET, {{ accountSid: '{tw_ac}' }});",
      "twilio-api-key", tw_sk)
f.expect.append(("twilio-account-sid", 1, 1, tw_ac))
fx.append(f)

sg = "SG." + rand(B64URL, 22) + "." + rand(B64URL, 43)
f = Fixture("sendgrid.env", "srv/mail/.env")
f.add(f"SENDGRID_API_KEY={sg}", "sendgrid-api-key", sg)
fx.append(f)

npm = "npm_" + rand(B62, 36)
f = Fixture("npmrc", "home/node/.npmrc")
f.add("registry=https://registry.npmjs.org/")
f.add(f"//registry.npmjs.org/:_authToken={npm}", "npm-access-token", npm)
fx.append(f)

pypi = "pypi-AgEIcHlwaS5vcmc" + rand(B64URL, 160)
f = Fixture("pypirc", "root/.pypirc")
f.add("[pypi]")
f.add("username = __token__")
f.add(f"password = {pypi}", "pypi-upload-token", pypi)
fx.append(f)

# --- Docker, JWT ----------------------------------------------------------------
dpass = rand(B62, 18)
dauth = base64.b64encode(f"deploy:{dpass}".encode()).decode()
f = Fixture("docker_config.json", "root/.docker/config.json")
f.lines = json.dumps({"auths": {"registry.acme.io": {"auth": dauth}}}, indent="\t").split("\n")
f.expect.append(("docker-config-auth", 4, 4, dauth))
fx.append(f)


def b64u(obj):
    return base64.urlsafe_b64encode(json.dumps(obj, separators=(",", ":")).encode()).decode().rstrip("=")


jwt = b64u({"alg": "HS256", "typ": "JWT"}) + "." + \
      b64u({"sub": "svc-billing", "iat": 1717171717, "scope": "admin"}) + "." + rand(B64URL, 43)
f = Fixture("jwt.http", "srv/api/request.http")
f.add("GET /v1/invoices HTTP/1.1")
f.add(f"Authorization: Bearer {jwt}", "jwt", jwt)
fx.append(f)

# --- generic assignments ----------------------------------------------------------
gp1, gp2, gs1, gs2, gs3 = (rand(B62 + "#!@^", 14), rand(B62, 12), rand(HEXL, 32), rand(B62, 24),
                           rand(B62, 40))
f = Fixture("application.properties", "opt/app/config/application.properties")
f.add("spring.datasource.url=jdbc:postgresql://db:5432/app")
f.add("spring.datasource.username=app")
f.add(f"spring.datasource.password={gp1}", "generic-password", gp1)
f.add(f"api.key={gs1}", "generic-secret", gs1)
fx.append(f)

f = Fixture("settings.yaml", "srv/app/settings.yaml")
f.add("database:")
f.add(f'  password: "{gp2}"', "generic-password", gp2)
f.add(f"  client_secret: {gs2}  # rotated 2024-05", "generic-secret", gs2)
f.add(f"api_key: '{gs3}'", "generic-secret", gs3)
fx.append(f)

gs4 = rand(HEXL, 40)
f = Fixture("Dockerfile", "app/Dockerfile")
f.add("FROM debian:12")
f.add(f"ENV APP_ENV=prod API_TOKEN={gs4} LOG_LEVEL=info", "generic-secret", gs4)
fx.append(f)

# --- URLs, netrc, git credentials ------------------------------------------------
u1, u2, u3, u4 = rand(B62, 16), rand(B62, 12), rand(B62, 20), rand(B62, 24)
f = Fixture("db_urls.txt", "srv/app/urls.txt")
f.add(f"DATABASE_URL=postgres://app:{u1}@db.internal:5432/app", "db-url-password", u1)
f.add(f"mysql://report:{u2}@10.0.0.7/reports", "db-url-password", u2)
f.add(f"MONGO_URI='mongodb+srv://svc:{u3}@cluster0.abcd.mongodb.net/prod?retryWrites=true'",
      "db-url-password", u3)
f.add(f"CACHE=redis://:{u4}@cache:6379/0", "db-url-password", u4)
fx.append(f)

n1 = rand(B62, 14)
f = Fixture("netrc", "root/.netrc")
f.add("machine ci.internal.corp")
f.add("  login builder")
f.add(f"  password {n1}", "netrc-password", n1)
fx.append(f)

g1 = rand(B62, 20)
ghp2 = "ghp_" + rand(B62, 36)
f = Fixture("git-credentials", "home/dev/.git-credentials")
f.add(f"https://dev:{g1}@git.internal.corp", "git-credentials", g1)
f.add(f"https://dev:{ghp2}@github.com", "github-pat", ghp2)  # the specific rule wins
fx.append(f)

# --- stream mechanics -------------------------------------------------------------
# A 200 KiB minified line: tokens early, across the 64 KiB piece boundaries
# and far into it (long-line mode), then a second line.
t1, t2, t3 = "ghp_" + rand(B62, 36), "glpat-" + rand(B62, 20), "npm_" + rand(B62, 36)
filler = lambda n: "".join(rng.choice("abcdefghij(){};,.= ") for _ in range(n))
line = filler(1000) + f'var a="{t1}";' + filler(65536 - 1000 - 48 - 20) + f'var b="{t2}";' + \
       filler(70000) + f'var c="{t3}";' + filler(60000)
f = Fixture("bundle.min.js", "srv/www/bundle.min.js")
f.add(line, "github-pat", t1)
f.expect.append(("gitlab-pat", 1, 1, t2))
f.expect.append(("npm-access-token", 1, 1, t3))
t4 = "ghp_" + rand(B62, 36)
f.add(f"// {t4}", "github-pat", t4)
fx.append(f)

c1, c2 = rand(B62, 15), "AKIA" + rand(B32, 16)
f = Fixture("windows.env", "app/windows.env")
f.newline = "\r\n"
f.add("REM crlf")
f.add(f"DB_PASSWORD={c1}", "generic-password", c1)
f.add(f"KEY_ID={c2}", "aws-access-key-id", c2)
fx.append(f)

e1 = "ghs_" + rand(B62, 36)
f = Fixture("no_newline.txt", "app/last.txt")
f.add("first line")
f.add(f"token {e1}", "github-app-token", e1)
f.trailing_newline = False
fx.append(f)

# Not a package tree: an application's own tests are scanned.
a1 = "AKIA" + rand(B32, 16)
f = Fixture("app_tests.env", "srv/app/tests/.env")
f.add(f"AWS_ACCESS_KEY_ID={a1}", "aws-access-key-id", a1)
fx.append(f)

# --- negatives ------------------------------------------------------------------------
neg = []


def negative(name, path, lines, allowed=0):
    f = Fixture(name, path, "negative")
    f.lines = lines
    f.allowed = allowed
    neg.append(f)


negative("keys_prose.md", "srv/app/README.md", [
    "Put your key in a file that starts with -----BEGIN RSA PRIVATE KEY----- and keep it safe.",
    "The regex is `-----BEGIN (RSA|EC) PRIVATE KEY-----`.",
    "-----BEGIN RSA PRIVATE KEY-----",
    "MIIEpAIBAAKCAQEA...",
    "...",
    "-----END RSA PRIVATE KEY-----",
    "-----BEGIN RSA PRIVATE KEY-----",
    "XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX",
    "XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX",
    "-----END RSA PRIVATE KEY-----",
    "-----BEGIN PUBLIC KEY-----",
    *b64lines(392, "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA"),
    "-----END PUBLIC KEY-----",
    "-----BEGIN CERTIFICATE-----",
    *b64lines(1200, "MIIDdzCCAl+gAwIBAgIE"),
    "-----END CERTIFICATE-----",
])

negative("aws_near.txt", "srv/app/notes.txt", [
    "AWS docs use AKIAIOSFODNN7EXAMPLE and wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY:",
    "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    "short AKIA" + rand(B32, 15) + " long AKIA" + rand(B32, 17) + " lower AKIA" + rand(B32, 15).lower() + "x",
    "placeholder AKIAXXXXXXXXXXXXXXXX and AKIA0000000000000000",
    "aws_secret_access_key = ${AWS_SECRET_ACCESS_KEY}",
    "aws_secret_access_key = xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
], allowed=2)

negative("tokens_near.txt", "srv/app/tokens.txt", [
    "ghp_" + rand(B62, 35) + " is one short",
    "ghp_" + rand(B62, 37) + " is one long",
    "xghp_" + rand(B62, 36) + " is inside a word",
    "ghp_000000000000000000000000000000000000 zeros",
    "github_pat_" + rand(B62, 21) + "_" + rand(B62, 59),
    "glpat-" + rand(B62, 12),
    "SLACK_TOKEN=xoxb-your-token-here",
    "STRIPE=sk_test_" + rand(B62, 24) + " and pk_live_" + rand(B62, 24),
    "twilio SK" + rand(HEXL, 32).upper() + " and id " + rand(HEXL, 8) + "SK" + rand(HEXL, 32),
    "SG." + rand(B64URL, 20) + "." + rand(B64URL, 43),
    "npm_" + rand(B62, 35),
    "pypi-" + rand(B64URL, 80),
    "https://hooks.slack.com/services/TXXXXXXXX/BXXXXXXXX/XXXXXXXXXXXXXXXXXXXXXXXX",
    "jwt eyJhbGciOiJub25lIn0.eyJzdWIiOiIxMjM0NTY3ODkwIn0.",
    "sample eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwia"
    "WF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",
    "not json eyJ" + rand(B64URL, 30) + ".eyJ" + rand(B64URL, 30) + "." + rand(B64URL, 30),
    "AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==",
], allowed=2)

negative("generic_near.py", "srv/app/config.py", [
    'password = os.environ["DB_PASSWORD"]',
    "password = get_password()",
    "secret_key = settings.SECRET_KEY",
    "token = request.headers.token_value",
    'api_key = "your-api-key-here"',
    'password = "changeme123"',
    "password: ${DB_PASSWORD}",
    'password: "<password>"',
    "PASSWORD=xxxxxxxx",
    "PASSWORD=********",
    "password_file=/run/secrets/db_password",
    "PasswordAuthentication no",
    "    password: Optional. The password for the default admin user.",
    "    FPassword: UTF8String;",
    "    CURLOPT_USERPWD:=CURLOPTTYPE_OBJECTPOINT+5,",
    '"page_token": "CgwIARIIYWJjZGVmZ2gQAQ"',
    "Culture=neutral, PublicKeyToken=b77a5c561934e089",
    'id_token = "HEADER.PAYLOAD.SIGNATURE"',
    "'service_account_token': 'V1ServiceAccountTokenProjection'",
    "  Pwd := 'nobody@nowhere.com';",
    "secret = 'sql-component.googleapis.com'",
    "    Next page token: " + rand(B62, 25),
    "let pwd = a:dict.istemp ? a:dict.tmpdir : ''",
    "password=abc",
    'client_secret = "ZmssLNjJy2998hD4CTg2ejr2"',
], allowed=1)

negative("urls_near.txt", "srv/app/urls.txt", [
    "postgres://user:password@localhost/db",
    "postgresql://postgres:postgres@db/app",
    "mysql://scott:tiger@localhost/foo",
    "redis://:${REDIS_PASSWORD}@redis:6379",
    "postgres://db.internal:5432/app",
    "mongodb://admin:<password>@mongo:27017",
])

negative("docker_near.json", "root/.docker/config.json", [
    "{",
    '  "auths": {',
    '    "a.io": {"auth": "dGVzdA=="},',
    '    "b.io": {"auth": "' + base64.b64encode(b"user:changeme").decode() + '"}',
    "  }",
    "}",
])

negative("docker_noauths.json", "srv/app/api.json", [
    '{"auth": "' + base64.b64encode(("svc:" + rand(B62, 16)).encode()).decode() + '"}',
])

negative("netrc_near", "root/.netrc", [
    "machine example.org login anonymous password changeme",
])

negative("gcp_no_key.json", "srv/app/sa-public.json", [
    "{",
    '  "type": "service_account",',
    '  "client_email": "x@y.iam.gserviceaccount.com"',
    "}",
])

negative("id_rsa.pub", "root/.ssh/id_rsa.pub", ["ssh-rsa " + rand(B64, 372) + " root@host"])

for f in fx + neg:
    f.write()

with open(os.path.join(HERE, "expected.tsv"), "w") as out:
    out.write("# fixture\tpath\trule\tstart\tend\tsecret (generated by generate.py)\n")
    for f in fx:
        for rule, s, e, secret in f.expect:
            out.write(f"{f.name}\t{f.path}\t{rule}\t{s}\t{e}\t{secret}\n")
with open(os.path.join(HERE, "negatives.tsv"), "w") as out:
    out.write("# fixture\tpath\tmatches_allowed (generated by generate.py)\n")
    for f in neg:
        out.write(f"{f.name}\t{f.path}\t{f.allowed}\n")
