/* The JUnit and HTML writers on a hand-built scan report whose strings are
 * hostile, as image content and feeds can be: markup ("</failure><script>"),
 * quotes and ampersands, control characters, invalid UTF-8 and the XML
 * non-characters U+FFFE/U+FFFF. The output is parsed back with libxml2's
 * strict XML parser (both formats: the HTML page is well-formed XML too)
 * and, for HTML, its HTML parser; counts, class names and the exact text
 * that comes back are asserted, and that nothing active (script, event
 * handler, javascript: link, external resource) made it into the page. */
#include "report/report.h"
#include "report/xmlout.h"

#include "util/util.h"

#include "testutil.h"

#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <libxml/xpath.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HOSTILE_PKG "</failure><script>alert(1)</script>"
#define HOSTILE_VERSION "1.0\"'&<>"
#define HOSTILE_PATH "etc/\"><script>x</script>.pem"

struct fixture {
	struct image img;
	struct inventory inv;
	struct findings vulns;
	struct secret_findings secret_store;
	struct secret_hit secrets[2];
	struct misconf_findings misconf;
	struct scan_report r;
};

static struct vuln_finding *add_vuln(struct fixture *f, size_t pkg, const char *id, enum severity s,
				     const char *title, const char *url)
{
	struct vuln_finding *v = findings_add(&f->vulns);
	v->vuln_id = xstrdup(id);
	v->pkg = pkg;
	v->installed_version = xstrdup(f->inv.pkgs[pkg].pkg.version);
	v->severity = s;
	v->title = title ? xstrdup(title) : NULL;
	v->primary_url = url ? xstrdup(url) : NULL;
	v->status = xstrdup("fixed");
	v->fixed_version = xstrdup("2.0");
	return v;
}

static void add_secret(struct fixture *f, const char *path, const char *rule, int line)
{
	struct secret_findings *s = &f->secret_store;
	xgrow((void **)&s->v, &s->cap, s->len + 1, sizeof *s->v);
	struct secret_finding *x = &s->v[s->len++];
	memset(x, 0, sizeof *x);
	x->rule_id = xstrdup(rule);
	x->category = xstrdup("AWS");
	x->title = xstrdup("AWS Access Key ID");
	x->severity = xstrdup("CRITICAL");
	x->path = xstrdup(path);
	x->start_line = x->end_line = line;
	x->match = xstrdup("key = AKIA****************");
}

/* Two layers; two packages (one hostile), three findings, two secrets (one
 * removed by layer 1), one image misconfiguration, one notice. */
static int setup(void **state)
{
	struct fixture *f = xcalloc(1, sizeof *f);
	f->img.name = xstrdup("registry.example/app:<b>1</b>");
	f->img.type = xstrdup("container_image");
	f->img.id = xstrdup("sha256:05455a08881ea9cf0e752bc48e61bbd71a34c029bb13df01e40e3e70e0d007bd");
	for (int i = 0; i < 2; i++) {
		struct image_layer *l = image_add_layer(&f->img);
		l->diff_id = xasprintf("sha256:%064d", i);
		l->created_by = xstrdup(i ? "/bin/sh -c rm /etc/key.pem # <img src=x onerror=alert(1)>" : "ADD rootfs /");
	}
	f->inv.os.family = xstrdup("alpine");
	f->inv.os.name = xstrdup("3.10.2");
	f->inv.npkgs = 2;
	f->inv.pkgs = xcalloc(2, sizeof *f->inv.pkgs);
	f->inv.pkgs[0].pkg.name = xstrdup(HOSTILE_PKG);
	f->inv.pkgs[0].pkg.version = xstrdup(HOSTILE_VERSION);
	f->inv.pkgs[0].layer = 1;
	f->inv.pkgs[1].pkg.name = xstrdup("musl");
	f->inv.pkgs[1].pkg.version = xstrdup("1.1.22-r3");
	f->inv.notices = xcalloc(1, sizeof *f->inv.notices);
	f->inv.notices[f->inv.nnotices++] = xstrdup("notice with \x02 and <b>markup</b>");

	struct vuln_finding *v = add_vuln(f, 0, "CVE-2024-0001", SEV_CRITICAL, "bad\x01title\xff", "javascript:alert(1)");
	v->description = xstrdup("line one </failure><script>alert(2)</script> ]]> &amp;\nline two \x1b[31m");
	add_vuln(f, 0, "CVE-2024-0002", SEV_HIGH, "nonchar \xef\xbf\xbe here \xef\xbf\xbf",
		 "https://nvd.nist.gov/vuln/detail/CVE-2024-0002?a=1&b=\"2\"");
	add_vuln(f, 1, "CVE-2019-1547", SEV_MEDIUM, NULL, NULL);

	add_secret(f, HOSTILE_PATH, "aws-access-key-id", 3);
	add_secret(f, "app/.env", "aws-access-key-id", 1);
	f->secrets[0] = (struct secret_hit){.f = &f->secret_store.v[0], .layer = 0, .removed_in = 1, .deleted = true};
	f->secrets[1] = (struct secret_hit){.f = &f->secret_store.v[1], .layer = 1, .removed_in = -1};

	size_t nrules;
	const struct misconf_rule *rules = misconf_image_rules(&nrules);
	assert_true(nrules > 0);
	misconf_add(&f->misconf, &rules[0], NULL, 0, 0, -1, "user is \"%s\"", "<root>&\x03");

	f->r = (struct scan_report){
		.img = &f->img,
		.inv = &f->inv,
		.vulns = &f->vulns,
		.vulns_scanned = true,
		.secrets = f->secrets,
		.nsecrets = 2,
		.secrets_scanned = true,
		.misconf = &f->misconf,
		.misconf_scanned = true,
		.tool_version = "test",
	};
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	image_free(&f->img);
	inventory_free(&f->inv);
	findings_free(&f->vulns);
	secret_findings_free(&f->secret_store);
	misconf_findings_free(&f->misconf);
	free(f);
	return 0;
}

static char *write_doc(int (*writer)(FILE *, const struct scan_report *), const struct scan_report *r,
		       size_t *len)
{
	char *data = NULL;
	FILE *mem = open_memstream(&data, len);
	assert_non_null(mem);
	assert_int_equal(writer(mem, r), 0);
	assert_int_equal(fclose(mem), 0);
	assert_non_null(data);
	return data;
}

/* Bytes that must never reach a document: C0 controls other than TAB/LF/CR, invalid UTF-8, U+FFFE/U+FFFF. */
static void assert_only_xml_chars(const char *doc, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)doc[i];
		if (c < 0x20)
			assert_true(c == '\t' || c == '\n' || c == '\r');
		assert_true(c != 0xff && c != 0xfe);
	}
	assert_null(strstr(doc, "\xef\xbf\xbe"));
	assert_null(strstr(doc, "\xef\xbf\xbf"));
}

static xmlDocPtr parse_xml(const char *doc, size_t len)
{
	/* No recovery, no network, no entity expansion: any well-formedness error is a NULL document. */
	xmlDocPtr d = xmlReadMemory(doc, (int)len, "report.xml", NULL, XML_PARSE_NONET);
	assert_non_null(d);
	return d;
}

static int xpath_count(xmlDocPtr d, const char *expr)
{
	xmlXPathContextPtr ctx = xmlXPathNewContext(d);
	xmlXPathObjectPtr o = xmlXPathEvalExpression(BAD_CAST expr, ctx);
	assert_non_null(o);
	int n = o->type == XPATH_NODESET && o->nodesetval ? o->nodesetval->nodeNr : -1;
	if (o->type == XPATH_NUMBER)
		n = (int)o->floatval;
	xmlXPathFreeObject(o);
	xmlXPathFreeContext(ctx);
	return n;
}

/* The string value of the first node expr selects; the caller frees it. */
static char *xpath_string(xmlDocPtr d, const char *expr)
{
	xmlXPathContextPtr ctx = xmlXPathNewContext(d);
	xmlXPathObjectPtr o = xmlXPathEvalExpression(BAD_CAST expr, ctx);
	assert_non_null(o);
	xmlChar *s = xmlXPathCastToString(o);
	char *out = xstrdup((const char *)s);
	xmlFree(s);
	xmlXPathFreeObject(o);
	xmlXPathFreeContext(ctx);
	return out;
}

static void assert_xpath_string(xmlDocPtr d, const char *expr, const char *want)
{
	char *got = xpath_string(d, expr);
	assert_string_equal(got, want);
	free(got);
}

/* ---- xml_clean -------------------------------------------------------------------------------- */

static void test_xml_clean(void **state)
{
	(void)state;
	static const struct {
		const char *in, *out;
	} cases[] = {
		{"plain", "plain"},
		{"a\nb", "a\nb"},                         /* line feeds kept */
		{"a\x01" "b\x1f" "c\rd\x7f", "a\\x01b\\x1fc\\x0dd\x7f"}, /* C0 controls escaped (DEL is allowed) */
		{"tab\there", "tab\there"},
		{"bad \xff\xfe utf8 \xc3", "bad \\xff\\xfe utf8 \\xc3"},
		{"nonchar \xef\xbf\xbe \xef\xbf\xbf", "nonchar \\uFFFE \\uFFFF"},
		{"replacement \xef\xbf\xbd ok", "replacement \xef\xbf\xbd ok"}, /* U+FFFD is a character */
		{"\xef\xbf", "\\xef\\xbf"},
		{"<&>\"'", "<&>\"'"}, /* markup is the writer's job, not this one's */
		{"", ""},
	};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		char *got = xml_clean(cases[i].in);
		assert_string_equal(got, cases[i].out);
		free(got);
	}
	char *empty = xml_clean(NULL);
	assert_string_equal(empty, "");
	free(empty);
}

/* ---- JUnit ------------------------------------------------------------------------------------ */

static void test_junit_hostile(void **state)
{
	struct fixture *f = *state;
	size_t len;
	char *doc = write_doc(report_junit, &f->r, &len);
	assert_only_xml_chars(doc, len);
	assert_null(strstr(doc, "<script"));
	assert_null(strstr(doc, "</failure><"));
	xmlDocPtr d = parse_xml(doc, len);

	assert_int_equal(xpath_count(d, "/testsuites"), 1);
	assert_xpath_string(d, "/testsuites/@name", "vigil");
	assert_xpath_string(d, "/testsuites/@tests", "6");
	assert_xpath_string(d, "/testsuites/@failures", "6");
	assert_int_equal(xpath_count(d, "/testsuites/testsuite"), 3);
	assert_int_equal(xpath_count(d, "//script"), 0);
	/* Each suite's counts are its own testcases and failures. */
	const char *classes[] = {"os-pkgs", "secret", "config"};
	const int nfound[] = {3, 2, 1};
	for (size_t i = 0; i < ARRAY_LEN(classes); i++) {
		char *suite = xasprintf("/testsuites/testsuite[properties/property[@name='class']/@value='%s']",
					classes[i]);
		char *e = xasprintf("count(%s)", suite);
		assert_int_equal(xpath_count(d, e), 1);
		free(e);
		char want[16];
		snprintf(want, sizeof want, "%d", nfound[i]);
		e = xasprintf("%s/@tests", suite);
		assert_xpath_string(d, e, want);
		free(e);
		e = xasprintf("%s/@failures", suite);
		assert_xpath_string(d, e, want);
		free(e);
		e = xasprintf("%s/@errors", suite);
		assert_xpath_string(d, e, "0");
		free(e);
		e = xasprintf("count(%s/testcase[failure])", suite);
		assert_int_equal(xpath_count(d, e), nfound[i]);
		free(e);
		e = xasprintf("count(%s/testcase)", suite);
		assert_int_equal(xpath_count(d, e), nfound[i]);
		free(e);
		free(suite);
	}
	/* Hostile strings come back exactly: escaped, not interpreted. */
	char *cls = xpath_string(d, "(//testsuite[properties/property/@value='os-pkgs']/testcase)[1]/@classname");
	assert_string_equal(cls, HOSTILE_PKG "-" HOSTILE_VERSION);
	free(cls);
	assert_xpath_string(d, "(//testcase)[1]/@name", "[CRITICAL] CVE-2024-0001");
	assert_xpath_string(d, "(//testcase)[1]/failure/@message", "bad\\x01title\\xff");
	assert_xpath_string(d, "(//testcase)[1]/failure/@type", "description");
	char *body = xpath_string(d, "(//testcase)[1]/failure");
	assert_non_null(strstr(body, "line one </failure><script>alert(2)</script> ]]> &amp;\nline two \\x1b[31m"));
	assert_non_null(strstr(body, "Fixed version: 2.0"));
	assert_non_null(strstr(body, "URL: javascript:alert(1)")); /* text in JUnit, inert */
	assert_non_null(strstr(body, "layer 1 (sha256:"));
	free(body);
	assert_xpath_string(d, "(//testcase)[2]/failure/@message", "nonchar \\uFFFE here \\uFFFF");
	/* A finding without a title: the id is the message. */
	assert_xpath_string(d, "(//testcase)[3]/@classname", "musl-1.1.22-r3");
	assert_xpath_string(d, "(//testcase)[3]/failure/@message", "CVE-2019-1547");
	/* Secrets: classname is the path, the removal is said. */
	assert_xpath_string(d, "(//testsuite[properties/property/@value='secret']/testcase)[1]/@classname", HOSTILE_PATH);
	assert_xpath_string(d, "(//testsuite[properties/property/@value='secret']/testcase)[1]/@name",
			    "[CRITICAL] aws-access-key-id");
	body = xpath_string(d, "(//testsuite[properties/property/@value='secret']/testcase)[1]/failure");
	assert_non_null(strstr(body, "Deleted in layer 1"));
	assert_non_null(strstr(body, "still extractable from layer 0"));
	free(body);
	/* Misconfiguration: the message's control character escaped, its markup text. */
	body = xpath_string(d, "//testsuite[properties/property/@value='config']/testcase/failure");
	assert_non_null(strstr(body, "user is \"<root>&\\x03\""));
	free(body);
	/* The notice, once. */
	assert_int_equal(xpath_count(d, "count(//system-out[contains(., 'notice with \\x02 and <b>markup</b>')])"), 1);
	xmlFreeDoc(d);
	free(doc);
}

/* A scan that found nothing is still a document CI reads: one passing testcase per scanned class. */
static void test_junit_nothing_found(void **state)
{
	struct fixture *f = *state;
	struct findings none = {0};
	struct misconf_findings no_misconf = {0};
	struct scan_report r = f->r;
	r.vulns = &none;
	r.nsecrets = 0;
	r.misconf = &no_misconf;
	size_t len;
	char *doc = write_doc(report_junit, &r, &len);
	xmlDocPtr d = parse_xml(doc, len);
	assert_xpath_string(d, "/testsuites/@tests", "3");
	assert_xpath_string(d, "/testsuites/@failures", "0");
	assert_int_equal(xpath_count(d, "count(/testsuites/testsuite[@tests='1'][@failures='0'])"), 3);
	assert_int_equal(xpath_count(d, "count(//testcase)"), 3);
	assert_int_equal(xpath_count(d, "count(//failure)"), 0);
	xmlFreeDoc(d);
	free(doc);

	/* Only the secret scanner ran: one suite. No scanner: an empty, valid <testsuites>. */
	r.vulns_scanned = r.misconf_scanned = false;
	doc = write_doc(report_junit, &r, &len);
	d = parse_xml(doc, len);
	assert_int_equal(xpath_count(d, "count(/testsuites/testsuite)"), 1);
	assert_xpath_string(d, "/testsuites/testsuite/properties/property[@name='class']/@value", "secret");
	xmlFreeDoc(d);
	free(doc);
	r.secrets_scanned = false;
	doc = write_doc(report_junit, &r, &len);
	d = parse_xml(doc, len);
	assert_int_equal(xpath_count(d, "count(/testsuites/testsuite)"), 0);
	assert_xpath_string(d, "/testsuites/@tests", "0");
	xmlFreeDoc(d);
	free(doc);
}

/* ---- HTML ------------------------------------------------------------------------------------- */

/* Rows of the table that follows the h2 heading starting with title. */
static int section_rows(xmlDocPtr d, const char *title)
{
	char *e = xasprintf("count(//h2[starts-with(., '%s')]/following-sibling::*[1][self::table]/tbody/tr)", title);
	int n = xpath_count(d, e);
	free(e);
	return n;
}

static void assert_inert(xmlDocPtr d)
{
	assert_int_equal(xpath_count(d, "count(//script | //iframe | //object | //embed | //img | //link | //form)"), 0);
	assert_int_equal(xpath_count(d, "count(//@*[starts-with(name(), 'on')])"), 0);
	assert_int_equal(xpath_count(d, "count(//@src)"), 0);
	/* The one link: the https advisory; the javascript: one is text. */
	assert_int_equal(xpath_count(d, "count(//a)"), 1);
	assert_xpath_string(d, "//a/@href", "https://nvd.nist.gov/vuln/detail/CVE-2024-0002?a=1&b=\"2\"");
	assert_int_equal(xpath_count(d, "count(//@href[not(starts-with(., 'https://'))])"), 0);
	/* Exactly one style sheet, inline. */
	assert_int_equal(xpath_count(d, "count(//style)"), 1);
}

static void check_html_tree(xmlDocPtr d)
{
	assert_inert(d);
	assert_int_equal(section_rows(d, "Vulnerabilities"), 3);
	assert_int_equal(section_rows(d, "Secrets"), 2);
	assert_int_equal(section_rows(d, "Misconfigurations"), 1);
	assert_int_equal(section_rows(d, "Layers"), 2);
	assert_xpath_string(d, "//title", "vigil report: registry.example/app:<b>1</b>");
	/* Package, id (linked or not), severity, installed, fixed, title, layer. */
	const char *vrow = "//h2[starts-with(., 'Vulnerabilities')]/following-sibling::table[1]/tbody/tr";
	char *e = xasprintf("(%s)[1]/td[1]", vrow);
	assert_xpath_string(d, e, HOSTILE_PKG);
	free(e);
	e = xasprintf("(%s)[1]/td[2]", vrow);
	assert_xpath_string(d, e, "CVE-2024-0001");
	free(e);
	e = xasprintf("(%s)[1]/td[4]", vrow);
	assert_xpath_string(d, e, HOSTILE_VERSION);
	free(e);
	e = xasprintf("(%s)[1]/td[6]", vrow);
	assert_xpath_string(d, e, "bad\\x01title\\xff");
	free(e);
	e = xasprintf("(%s)[1]/td[7]", vrow);
	assert_xpath_string(d, e, "1");
	free(e);
	e = xasprintf("(%s)[2]/td[2]/a", vrow);
	assert_xpath_string(d, e, "CVE-2024-0002");
	free(e);
	/* Summary counts: one CRITICAL, one HIGH, one MEDIUM vulnerability; two CRITICAL secrets. */
	assert_xpath_string(d, "//table[@class='counts']/tbody/tr[th='Vulnerabilities']/td[1]", "1");
	assert_xpath_string(d, "//table[@class='counts']/tbody/tr[th='Vulnerabilities']/td[6]", "3");
	assert_xpath_string(d, "//table[@class='counts']/tbody/tr[th='Secrets']/td[1]", "2");
	assert_xpath_string(d, "//table[@class='counts']/tbody/tr[th='Misconfigurations']/td[6]", "1");
	/* Secrets: the hostile path as text, and the removed one is called extractable. */
	const char *srow = "//h2[starts-with(., 'Secrets')]/following-sibling::table[1]/tbody/tr";
	e = xasprintf("(%s)[1]/td[1]", srow);
	assert_xpath_string(d, e, HOSTILE_PATH);
	free(e);
	e = xasprintf("(%s)[1]/td[8]", srow);
	assert_xpath_string(d, e, "removed in layer 1 — still extractable");
	free(e);
	e = xasprintf("(%s)[2]/td[8]", srow);
	assert_xpath_string(d, e, "yes");
	free(e);
	assert_int_equal(xpath_count(d, "count(//li[. = 'notice with \\x02 and <b>markup</b>'])"), 1);
}

static void test_html_hostile(void **state)
{
	struct fixture *f = *state;
	size_t len;
	char *doc = write_doc(report_html, &f->r, &len);
	assert_only_xml_chars(doc, len);
	assert_true(!strncmp(doc, "<!DOCTYPE html>\n", 16));
	assert_null(strstr(doc, "<script"));
	assert_null(strstr(doc, "<b>"));
	assert_null(strstr(doc, "<img"));

	/* Well-formed XML (a strict parser accepts it)… */
	xmlDocPtr d = parse_xml(doc, len);
	check_html_tree(d);
	xmlFreeDoc(d);
	/* …and what a browser's kind of parser builds from it is the same page. */
	htmlDocPtr h = htmlReadMemory(doc, (int)len, "report.html", "UTF-8",
				      HTML_PARSE_NONET | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING);
	assert_non_null(h);
	check_html_tree(h);
	xmlFreeDoc(h);
	free(doc);
}

static void test_html_nothing_scanned(void **state)
{
	struct fixture *f = *state;
	struct scan_report r = f->r;
	r.vulns_scanned = r.secrets_scanned = r.misconf_scanned = false;
	size_t len;
	char *doc = write_doc(report_html, &r, &len);
	xmlDocPtr d = parse_xml(doc, len);
	assert_int_equal(xpath_count(d, "count(//table[@class='counts']/tbody/tr[td='not scanned'])"), 3);
	assert_int_equal(section_rows(d, "Vulnerabilities"), 0);
	assert_int_equal(xpath_count(d, "count(//p[. = 'Not scanned.'])"), 3);
	xmlFreeDoc(d);
	free(doc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_xml_clean),
		cmocka_unit_test_setup_teardown(test_junit_hostile, setup, teardown),
		cmocka_unit_test_setup_teardown(test_junit_nothing_found, setup, teardown),
		cmocka_unit_test_setup_teardown(test_html_hostile, setup, teardown),
		cmocka_unit_test_setup_teardown(test_html_nothing_scanned, setup, teardown),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	xmlCleanupParser();
	return rc;
}
