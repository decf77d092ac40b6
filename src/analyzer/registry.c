#include "analyzer/analyzer.h"

#include <stdlib.h>

const struct analyzer *const analyzers[] = {
	&analyzer_os_release,
	&analyzer_apk,
	&analyzer_dpkg_status,
	&analyzer_dpkg_list,
	&analyzer_rpm,
	&analyzer_passwd,
	&analyzer_npm,
	&analyzer_python,
	NULL,
};

size_t analyzers_matching(const char *path, const struct analyzer **out, size_t max)
{
	size_t n = 0;
	for (size_t i = 0; analyzers[i] && n < max; i++)
		if (analyzers[i]->match(path))
			out[n++] = analyzers[i];
	return n;
}

void analysis_clear(struct analysis *a)
{
	free(a->release_text);
	free(a->text);
	a->text = NULL;
	pkg_list_free(&a->pkgs);
	free(a->owner);
	for (size_t i = 0; i < a->nfiles; i++)
		free(a->files[i]);
	free(a->files);
	a->release_text = NULL;
	a->owner = NULL;
	a->files = NULL;
	a->nfiles = 0;
}
