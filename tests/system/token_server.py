#!/usr/bin/env python3
"""A minimal Docker registry token server (the "auth: token:" flow) for vigil's system tests.

GET /token?service=S&scope=repository:NAME:ACTIONS[&scope=…] with HTTP Basic credentials answers
{"token": JWT} granting the requested actions, where JWT is RS256-signed (with `openssl dgst`, so no
Python crypto module is needed) and carries the signing certificate in its x5c header; the registry
trusts that certificate through its rootcertbundle. No or wrong credentials answer 401.

Writes "PORT" to --port-file when listening; one log line per request to --log; stops on SIGTERM.
"""
import argparse
import base64
import http.server
import json
import os
import signal
import subprocess
import sys
import time
import urllib.parse

P = argparse.ArgumentParser()
P.add_argument("--key", required=True)
P.add_argument("--cert", required=True)
P.add_argument("--issuer", required=True)
P.add_argument("--user", required=True, help="USER:PASSWORD")
P.add_argument("--port-file", required=True)
P.add_argument("--log", required=True)
A = P.parse_args()

with open(A.cert, encoding="ascii") as f:
    pem = f.read()
CERT_DER_B64 = "".join(l for l in pem.splitlines() if l and not l.startswith("-----"))


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def sign(payload):
    """RS256 over header.payload with the token key."""
    header = {"typ": "JWT", "alg": "RS256", "x5c": [CERT_DER_B64]}
    signing_input = b64url(json.dumps(header).encode()) + "." + b64url(json.dumps(payload).encode())
    sig = subprocess.run(["openssl", "dgst", "-sha256", "-sign", A.key], input=signing_input.encode(),
                         capture_output=True, check=True).stdout
    return signing_input + "." + b64url(sig)


def log(msg):
    with open(A.log, "a", encoding="utf-8") as f:
        f.write(msg + "\n")


class Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, fmt, *args):
        pass

    def reply(self, status, obj):
        body = json.dumps(obj).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        url = urllib.parse.urlsplit(self.path)
        q = urllib.parse.parse_qs(url.query)
        auth = self.headers.get("Authorization", "")
        user = None
        if auth.startswith("Basic "):
            try:
                user = base64.b64decode(auth[6:]).decode()
            except ValueError:
                user = None
        log(f"GET {url.path} service={q.get('service')} scope={q.get('scope')} user={'yes' if user else 'no'}")
        if url.path != "/token":
            return self.reply(404, {"errors": [{"code": "NOT_FOUND", "message": "no such endpoint"}]})
        if user != A.user:
            return self.reply(401, {"errors": [{"code": "UNAUTHORIZED", "message": "bad or missing credentials"}]})
        access = []
        for s in q.get("scope", []):
            parts = s.split(":")
            if len(parts) >= 3 and parts[0] == "repository":
                access.append({"type": "repository", "name": ":".join(parts[1:-1]),
                               "actions": parts[-1].split(",")})
        now = int(time.time())
        claims = {"iss": A.issuer, "sub": A.user.split(":")[0], "aud": q.get("service", [""])[0],
                  "exp": now + 600, "nbf": now - 60, "iat": now, "jti": os.urandom(8).hex(), "access": access}
        return self.reply(200, {"token": sign(claims), "expires_in": 600})


def main():
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    srv.daemon_threads = True
    signal.signal(signal.SIGTERM, lambda *a: sys.exit(0))
    tmp = A.port_file + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(str(srv.server_address[1]))
    os.rename(tmp, A.port_file)
    srv.serve_forever()


if __name__ == "__main__":
    main()
