#!/usr/bin/env python3
"""A misbehaving OCI registry for vigil's system tests (python3 stdlib only).

It serves one real image (an OCI layout, tag "310") under several repository names, each of which
breaks the protocol in one way:

  good/          the image as it is
  flaky/         the manifest answers 503 (Retry-After: 0), then 429, then the image: retries must cope
  baddigest/     the layer blob comes with one byte flipped: its digest does not match
  longblob/      the layer blob comes with bytes beyond the size the manifest states
  hugemanifest/  a 5 MiB manifest with Content-Length
  hugechunked/   a 5 MiB manifest without Content-Length (connection close)
  authloop/      every request answers 401 with a Bearer challenge; the token endpoint hands out tokens
  stall/         the manifest's headers and 10 bytes, then nothing for a long time
  stallblob/     manifest and config fine, the layer stalls after 1000 bytes
  schema1/       a Docker schema 1 manifest (unsupported media type)
  redirect/      Basic auth (user / pw) required; blobs redirect to a second listener on 127.0.0.2 that
                 fails any request carrying Authorization (credentials must not follow a redirect)
  badredirect/   blobs redirect to plain HTTP on a non-loopback address (must be refused, not connected)
  anything else  404 NAME_UNKNOWN

Writes "PORT" to --port-file once both listeners are up; logs one line per request to --log.
Stops on SIGTERM.
"""
import argparse
import base64
import hashlib
import http.server
import json
import os
import signal
import sys
import threading
import time

P = argparse.ArgumentParser()
P.add_argument("--layout", required=True)
P.add_argument("--port-file", required=True)
P.add_argument("--log", required=True)
P.add_argument("--storage-host", default="127.0.0.2")
A = P.parse_args()

LOG_LOCK = threading.Lock()


def log(msg):
    with LOG_LOCK, open(A.log, "a", encoding="utf-8") as f:
        f.write(msg + "\n")


def blob(digest):
    with open(os.path.join(A.layout, "blobs", "sha256", digest.split(":", 1)[1]), "rb") as f:
        return f.read()


INDEX = json.load(open(os.path.join(A.layout, "index.json"), encoding="utf-8"))
DESC = next(d for d in INDEX["manifests"] if d.get("annotations", {}).get("org.opencontainers.image.ref.name") == "310")
MANIFEST = blob(DESC["digest"])
MANIFEST_DIGEST = DESC["digest"]
MJSON = json.loads(MANIFEST)
LAYER_DIGEST = MJSON["layers"][0]["digest"]
OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
STORAGE_PORT = [0]
COUNTS = {}
COUNT_LOCK = threading.Lock()


def count(key):
    with COUNT_LOCK:
        COUNTS[key] = COUNTS.get(key, 0) + 1
        return COUNTS[key]


class Registry(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):  # quiet: our own log instead
        pass

    def send(self, status, body=b"", ctype="application/json", headers=None, length=True):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Docker-Distribution-Api-Version", "registry/2.0")
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        if length:
            self.send_header("Content-Length", str(len(body)))
        else:
            self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)
        if not length:
            self.close_connection = True

    def error(self, status, code, message):
        body = json.dumps({"errors": [{"code": code, "message": message, "detail": None}]}).encode()
        self.send(status, body)

    def do_HEAD(self):
        self.do_GET()

    def do_GET(self):
        log(f"{self.command} {self.path} auth={self.headers.get('Authorization', '-')}")
        path = self.path.split("?", 1)[0]
        if path == "/v2/" or path == "/v2":
            return self.send(200, b"{}")
        if path == "/token":
            return self.send(200, json.dumps({"token": "t0k-%d" % count("token")}).encode())
        parts = path.split("/")
        # /v2/<repo>/manifests/<ref> or /v2/<repo>/blobs/<digest>
        if len(parts) != 5 or parts[1] != "v2":
            return self.error(404, "NAME_UNKNOWN", "repository name not known to registry")
        repo, kind, ref = parts[2], parts[3], parts[4]
        handler = getattr(self, "repo_" + repo, None)
        if handler is None:
            return self.error(404, "NAME_UNKNOWN", "repository name not known to registry")
        return handler(kind, ref)

    # ---- the image as it is ----
    def serve(self, kind, ref, layer=None):
        if kind == "manifests":
            if ref not in ("310", MANIFEST_DIGEST):
                return self.error(404, "MANIFEST_UNKNOWN", "manifest unknown")
            return self.send(200, MANIFEST, OCI_MANIFEST, {"Docker-Content-Digest": MANIFEST_DIGEST})
        if kind == "blobs":
            try:
                data = blob(ref)
            except (OSError, IndexError):
                return self.error(404, "BLOB_UNKNOWN", "blob unknown to registry")
            if layer is not None and ref == LAYER_DIGEST:
                data = layer(data)
            return self.send(200, data, "application/octet-stream", {"Docker-Content-Digest": ref})
        return self.error(404, "NAME_UNKNOWN", "unknown")

    def repo_good(self, kind, ref):
        return self.serve(kind, ref)

    def repo_flaky(self, kind, ref):
        if kind == "manifests":
            n = count("flaky")
            if n == 1:
                return self.error(503, "UNAVAILABLE", "try again")
            if n == 2:
                return self.send(429, b'{"errors":[{"code":"TOOMANYREQUESTS","message":"slow down"}]}',
                                 headers={"Retry-After": "0"})
        return self.serve(kind, ref)

    def repo_baddigest(self, kind, ref):
        return self.serve(kind, ref, lambda d: d[:100] + bytes([d[100] ^ 1]) + d[101:])

    def repo_longblob(self, kind, ref):
        return self.serve(kind, ref, lambda d: d + b"\0" * 4096)

    def repo_hugemanifest(self, kind, ref):
        if kind == "manifests":
            body = MANIFEST[:-1] + b" " * (5 << 20) + b"}"
            return self.send(200, body, OCI_MANIFEST)
        return self.serve(kind, ref)

    def repo_hugechunked(self, kind, ref):
        if kind == "manifests":
            self.send_response(200)
            self.send_header("Content-Type", OCI_MANIFEST)
            self.send_header("Connection", "close")
            self.end_headers()
            self.close_connection = True
            try:
                self.wfile.write(MANIFEST[:-1])
                for _ in range(80):
                    self.wfile.write(b" " * 65536)
                self.wfile.write(b"}")
            except OSError:
                pass
            return None
        return self.serve(kind, ref)

    def repo_authloop(self, kind, ref):
        host = self.headers.get("Host", "127.0.0.1")
        realm = f"http://{host}/token"
        return self.send(401, b'{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}',
                         headers={"WWW-Authenticate":
                                  f'Bearer realm="{realm}",service="fake",scope="repository:authloop:pull"'})

    def stall(self, prefix, total):
        self.send_response(200)
        self.send_header("Content-Type", OCI_MANIFEST)
        self.send_header("Content-Length", str(total))
        self.end_headers()
        try:
            self.wfile.write(prefix)
            self.wfile.flush()
        except OSError:
            return
        time.sleep(60)
        self.close_connection = True

    def repo_stall(self, kind, ref):
        if kind == "manifests":
            return self.stall(MANIFEST[:10], len(MANIFEST))
        return self.serve(kind, ref)

    def repo_stallblob(self, kind, ref):
        if kind == "blobs" and ref == LAYER_DIGEST:
            data = blob(ref)
            return self.stall(data[:1000], len(data))
        return self.serve(kind, ref)

    def repo_schema1(self, kind, ref):
        if kind == "manifests":
            body = json.dumps({"schemaVersion": 1, "name": "schema1", "tag": "310", "fsLayers": []}).encode()
            return self.send(200, body, "application/vnd.docker.distribution.manifest.v1+prettyjws")
        return self.serve(kind, ref)

    def repo_redirect(self, kind, ref):
        want = "Basic " + base64.b64encode(b"user:pw").decode()
        if self.headers.get("Authorization") != want:
            return self.send(401, b'{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}',
                             headers={"WWW-Authenticate": 'Basic realm="fake"'})
        if kind == "blobs":
            loc = f"http://{A.storage_host}:{STORAGE_PORT[0]}/storage/{ref}?sig=x"
            return self.send(307, b"", headers={"Location": loc})
        return self.serve(kind, ref)

    def repo_badredirect(self, kind, ref):
        if kind == "blobs":
            return self.send(302, b"", headers={"Location": f"http://10.255.255.1:1/storage/{ref}"})
        return self.serve(kind, ref)


class Storage(http.server.BaseHTTPRequestHandler):
    """Blob storage behind a redirect: it must never see the registry's Authorization."""
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def do_GET(self):
        auth = self.headers.get("Authorization")
        log(f"STORAGE {self.command} {self.path} auth={auth or '-'}")
        if auth:
            log("STORAGE SAW AUTHORIZATION")
            body = b'{"errors":[{"code":"DENIED","message":"Authorization forwarded to storage"}]}'
            self.send_response(400)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        digest = self.path.split("?", 1)[0].rsplit("/", 1)[-1]
        data = blob(digest)
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        # Clients hang up on purpose here (caps, timeouts): one log line, no traceback.
        log(f"connection from {client_address[0]} ended: {sys.exc_info()[1]!r}")


def main():
    srv = Server(("127.0.0.1", 0), Registry)
    sto = Server((A.storage_host, 0), Storage)
    STORAGE_PORT[0] = sto.server_address[1]
    signal.signal(signal.SIGTERM, lambda *a: sys.exit(0))
    threading.Thread(target=sto.serve_forever, daemon=True).start()
    tmp = A.port_file + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(str(srv.server_address[1]))
    os.rename(tmp, A.port_file)
    srv.serve_forever()


if __name__ == "__main__":
    main()
