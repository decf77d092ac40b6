/* Secrets in an image's config: environment, command, labels and the build
 * history (RUN lines with inline tokens, build args). Each string is scanned
 * on its own under a label naming where it came from. */
#include "secret/image_config.h"

#include "util/util.h"

#include <stdlib.h>

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

void secret_scan_image_config(struct secret_scan *s, json_t *config, struct secret_findings *out)
{
	if (!json_is_object(config))
		return;
	json_t *c = json_object_get(config, "config");
	scan_array(s, json_object_get(c, "Env"), "config: Env", out);
	scan_array(s, json_object_get(c, "Cmd"), "config: Cmd", out);
	scan_array(s, json_object_get(c, "Entrypoint"), "config: Entrypoint", out);
	const char *key;
	json_t *v;
	json_object_foreach(json_object_get(c, "Labels"), key, v)
	{
		if (!json_is_string(v))
			continue;
		char *l = xasprintf("config: Labels[%s]", key);
		/* "key=value" so that rules keyed on the name (PASSWORD=…) apply */
		char *text = xasprintf("%s=%s", key, json_string_value(v));
		secret_scan_text(s, l, text, out);
		free(text);
		free(l);
	}
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
