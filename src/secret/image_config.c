/* Secrets in an image's config: environment, command, labels (of "config"
 * and the legacy "container_config") and the build
 * history (RUN lines with inline tokens, build args). Each string is scanned
 * on its own under a label naming where it came from. */
#include "secret/image_config.h"

#include "util/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void scan_array(struct secret_scan *s, json_t *arr, const char *label, struct secret_findings *out)
{
	size_t i;
	json_t *v;
	json_array_foreach(arr, i, v)
	{
		if (!json_is_string(v))
			continue;
		char *l = xasprintf("%s[%zu]", label, i);
		secret_scan_text(s, l, json_string_value(v), out);
		free(l);
	}
}

/* One of the config objects: "config", and the legacy "container_config"
 * Docker still writes (the builder's container, with the same Env). */
static void scan_section(struct secret_scan *s, json_t *config, const char *section, struct secret_findings *out)
{
	json_t *c = json_object_get(config, section);
	char *label = xasprintf("%s: Env", section);
	scan_array(s, json_object_get(c, "Env"), label, out);
	free(label);
	label = xasprintf("%s: Cmd", section);
	scan_array(s, json_object_get(c, "Cmd"), label, out);
	free(label);
	label = xasprintf("%s: Entrypoint", section);
	scan_array(s, json_object_get(c, "Entrypoint"), label, out);
	free(label);
	const char *key;
	json_t *v;
	json_object_foreach(json_object_get(c, "Labels"), key, v)
	{
		if (!json_is_string(v))
			continue;
		char *l = xasprintf("%s: Labels[%s]", section, key);
		/* "key=value" so that rules keyed on the name (PASSWORD=…) apply */
		char *text = xasprintf("%s=%s", key, json_string_value(v));
		secret_scan_text(s, l, text, out);
		free(text);
		free(l);
	}
}

void secret_scan_image_config(struct secret_scan *s, json_t *config, struct secret_findings *out)
{
	if (!json_is_object(config))
		return;
	scan_section(s, config, "config", out);
	scan_section(s, config, "container_config", out);
	size_t i;
	json_t *h;
	json_array_foreach(json_object_get(config, "history"), i, h)
	{
		json_t *cb = json_object_get(h, "created_by");
		if (!json_is_string(cb))
			continue;
		char *l = xasprintf("history[%zu]: created_by", i);
		secret_scan_text(s, l, json_string_value(cb), out);
		free(l);
	}
}

/* Replaces the string at a label's location ("config: Env[3]",
 * "history[2]: created_by", "config: Labels[key]") with its redacted form. */
static void redact_one(json_t *config, const struct secret_finding *f)
{
	const char *red = f->match ? f->match : "***";
	const char *label = f->path;
	const char *section = "config";
	if (!strncmp(label, "container_config: ", 18)) {
		section = "container_config";
		label += 10; /* now "config: …" */
	}
	json_t *c = json_object_get(config, section);
	size_t idx;
	char key[256];
	const char *array = NULL;
	if (sscanf(label, "config: Env[%zu]", &idx) == 1)
		array = "Env";
	else if (sscanf(label, "config: Cmd[%zu]", &idx) == 1)
		array = "Cmd";
	else if (sscanf(label, "config: Entrypoint[%zu]", &idx) == 1)
		array = "Entrypoint";
	if (array) {
		json_t *arr = json_object_get(c, array);
		if (json_is_string(json_array_get(arr, idx)))
			json_array_set_new(arr, idx, json_string(red));
		return;
	}
	if (sscanf(label, "history[%zu]: created_by", &idx) == 1) {
		json_t *h = json_array_get(json_object_get(config, "history"), idx);
		if (json_is_string(json_object_get(h, "created_by")))
			json_object_set_new(h, "created_by", json_string(red));
		return;
	}
	if (sscanf(label, "config: Labels[%255[^]]]", key) == 1) {
		json_t *labels = json_object_get(c, "Labels");
		/* the scanned text was "key=value": keep only the value part */
		size_t kl = strlen(key);
		const char *v = !strncmp(red, key, kl) && red[kl] == '=' ? red + kl + 1 : red;
		if (json_is_string(json_object_get(labels, key)))
			json_object_set_new(labels, key, json_string(v));
	}
}

void secret_redact_image_config(json_t *config, const struct secret_findings *f)
{
	for (size_t i = 0; i < f->len; i++)
		redact_one(config, &f->v[i]);
}
