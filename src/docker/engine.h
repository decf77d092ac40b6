/* docker: a small client for the Docker Engine API over its Unix socket.
 * One request at a time: GET a path, get the parsed JSON back, or an error a
 * user can act on (no daemon, permission denied, the daemon's own message on
 * an HTTP error, a reply that is not JSON). The connection is kept open
 * between requests. Nothing here knows what the JSON means. */
#ifndef VIGIL_DOCKER_ENGINE_H
#define VIGIL_DOCKER_ENGINE_H

#include "util/util.h"

#include <jansson.h>

struct engine;

enum engine_status {
	ENGINE_OK = 0,
	ENGINE_NO_DAEMON, /* socket missing, refused, not permitted, or silent */
	ENGINE_HTTP,      /* the daemon answered with an HTTP error */
	ENGINE_BAD_REPLY, /* not JSON, truncated, or larger than the cap */
};

/* The daemon socket from DOCKER_HOST ("unix://PATH"), else the default
 * /var/run/docker.sock. NULL with e set when DOCKER_HOST names a transport
 * other than a Unix socket. */
char *engine_socket_from_env(struct err *e);

/* host is "unix://PATH" or a plain path. Never connects: the first request does. */
struct engine *engine_open(const char *host, struct err *e);
void engine_close(struct engine *en);
/* The socket path requests go to. */
const char *engine_socket(const struct engine *en);

/* GET path (starting with '/', query included, already escaped). Returns a new
 * reference, or NULL with *st (optional) and e set. *http_status (optional)
 * receives the HTTP status, or 0 when there was no answer. */
json_t *engine_get(struct engine *en, const char *path, enum engine_status *st, long *http_status, struct err *e);

/* Percent-encode s for one path segment or query value (new string). */
char *engine_escape(const char *s);
/* Percent-encode an image reference for /images/{name}/...: '/', ':' and '@'
 * stay as they are, as the docker CLI sends them ("registry:5000/app:1.0"). */
char *engine_escape_ref(const char *s);

#endif
