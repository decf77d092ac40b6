/* Report groups: Trivy splits a scan's packages into results by class — the
 * OS packages in one ("os-pkgs"), each language ecosystem in its own
 * ("lang-pkgs", Target "Node.js" / "Python"). Every writer groups packages
 * and vulnerability findings the same way through these helpers, so a
 * finding of an npm package is never printed under the OS. */
#include "report/report.h"

enum report_group report_pkg_group(const struct pkg *p)
{
	switch (p->type) {
	case PKG_NPM:
		return REPORT_GROUP_NODE;
	case PKG_PYPI:
		return REPORT_GROUP_PYTHON;
	default:
		return REPORT_GROUP_OS;
	}
}

const char *report_group_target(enum report_group g)
{
	/* Trivy's names for the results of its aggregating image analyzers
	 * (node-pkg, python-pkg): one result per ecosystem, not per file. */
	switch (g) {
	case REPORT_GROUP_NODE:
		return "Node.js";
	case REPORT_GROUP_PYTHON:
		return "Python";
	default:
		return NULL;
	}
}

const char *report_group_type(enum report_group g)
{
	switch (g) {
	case REPORT_GROUP_NODE:
		return "node-pkg";
	case REPORT_GROUP_PYTHON:
		return "python-pkg";
	default:
		return NULL;
	}
}

size_t report_group_count(const struct inventory *inv, enum report_group g)
{
	size_t n = 0;
	for (size_t i = 0; i < inv->npkgs; i++)
		n += report_pkg_group(&inv->pkgs[i].pkg) == g;
	return n;
}

enum report_group report_finding_group(const struct inventory *inv, const struct vuln_finding *v)
{
	return v->pkg < inv->npkgs ? report_pkg_group(&inv->pkgs[v->pkg].pkg) : REPORT_GROUP_OS;
}
