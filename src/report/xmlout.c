/* The markup writer of the JUnit and HTML reports (see xmlout.h). libxml2
 * escapes; this file makes sure what it is given is text XML can hold. */
#include "report/xmlout.h"

#include "util/util.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* U+FFFE and U+FFFF: valid UTF-8 that XML 1.0's Char production excludes.
 * utf8_sanitize passes them, so they are escaped here. */
static void append_without_nonchars(struct buf *b, const char *s)
{
	for (const char *p = s; *p;) {
		const char *hit = strstr(p, "\xef\xbf");
		if (!hit) {
			buf_append(b, p, strlen(p));
			return;
		}
		unsigned char last = (unsigned char)hit[2];
		if (last == 0xbe || last == 0xbf) {
			buf_append(b, p, (size_t)(hit - p));
			buf_appendf(b, "\\u%s", last == 0xbe ? "FFFE" : "FFFF");
			p = hit + 3;
		} else {
			/* another character starting EF BF: keep its lead byte and go on */
			buf_append(b, p, (size_t)(hit - p) + 1);
			p = hit + 1;
		}
	}
}

char *xml_clean(const char *s)
{
	struct buf b = {0};
	if (!s)
		return buf_steal(&b);
	/* utf8_sanitize escapes every control character, line feeds too; a line
	 * feed is fine in XML, so sanitize line by line and keep them. */
	for (;;) {
		const char *nl = strchr(s, '\n');
		char *line = nl ? xstrndup(s, (size_t)(nl - s)) : xstrdup(s);
		char *clean = utf8_sanitize(line);
		append_without_nonchars(&b, clean);
		free(clean);
		free(line);
		if (!nl)
			break;
		buf_append(&b, "\n", 1);
		s = nl + 1;
	}
	return buf_steal(&b);
}

static void check(struct xml_out *x, int rc)
{
	if (rc < 0)
		x->failed = true;
}

int xml_out_open(struct xml_out *x, FILE *out)
{
	memset(x, 0, sizeof *x);
	xmlOutputBufferPtr ob = xmlOutputBufferCreateFile(out, NULL);
	if (!ob)
		return -1;
	x->w = xmlNewTextWriter(ob); /* owns ob from here on */
	if (!x->w) {
		xmlOutputBufferClose(ob);
		return -1;
	}
	check(x, xmlTextWriterSetIndent(x->w, 1));
	check(x, xmlTextWriterSetIndentString(x->w, BAD_CAST "  "));
	return 0;
}

int xml_out_close(struct xml_out *x, FILE *out)
{
	/* Ends whatever is still open and writes the final line feed. */
	check(x, xmlTextWriterEndDocument(x->w));
	check(x, xmlTextWriterFlush(x->w));
	xmlFreeTextWriter(x->w);
	x->w = NULL;
	return x->failed || ferror(out) ? -1 : 0;
}

void xml_declaration(struct xml_out *x)
{
	check(x, xmlTextWriterStartDocument(x->w, "1.0", "UTF-8", NULL));
}

void xml_raw(struct xml_out *x, const char *markup)
{
	check(x, xmlTextWriterWriteRaw(x->w, BAD_CAST markup));
}

void xml_start(struct xml_out *x, const char *element)
{
	check(x, xmlTextWriterStartElement(x->w, BAD_CAST element));
}

void xml_end(struct xml_out *x)
{
	check(x, xmlTextWriterFullEndElement(x->w));
}

void xml_end_empty(struct xml_out *x)
{
	check(x, xmlTextWriterEndElement(x->w));
}

void xml_attr(struct xml_out *x, const char *name, const char *value)
{
	char *clean = xml_clean(value);
	check(x, xmlTextWriterWriteAttribute(x->w, BAD_CAST name, BAD_CAST clean));
	free(clean);
}

void xml_attrf(struct xml_out *x, const char *name, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s = NULL;
	int n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0) {
		x->failed = true;
		return;
	}
	xml_attr(x, name, s);
	free(s);
}

void xml_text(struct xml_out *x, const char *s)
{
	if (!s || !*s)
		return;
	char *clean = xml_clean(s);
	check(x, xmlTextWriterWriteString(x->w, BAD_CAST clean));
	free(clean);
}

void xml_textf(struct xml_out *x, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s = NULL;
	int n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0) {
		x->failed = true;
		return;
	}
	xml_text(x, s);
	free(s);
}

void xml_element(struct xml_out *x, const char *element, const char *text)
{
	xml_start(x, element);
	xml_text(x, text);
	xml_end(x);
}
