/* Scanning an image config (Env, Cmd, Entrypoint, Labels, history) for secrets. */
#ifndef VIGIL_SECRET_IMAGE_CONFIG_H
#define VIGIL_SECRET_IMAGE_CONFIG_H

#include "secret/secret.h"

#include <jansson.h>

/* Findings are labelled "config: Env[3]", "history[2]: created_by", … */
void secret_scan_image_config(struct secret_scan *s, json_t *config, struct secret_findings *out);

/* Replaces every config string that held a secret with its redacted form
 * (the finding's match), so that reports which print the config never show
 * the secret. */
void secret_redact_image_config(json_t *config, const struct secret_findings *f);

#endif
