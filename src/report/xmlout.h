/* report/xmlout.h: the markup writer behind the JUnit and HTML reports — a
 * thin layer over libxml2's xmlTextWriter, which does all escaping of text
 * and attribute values. What this layer adds: every string passes through
 * xml_clean first (image content is hostile: invalid UTF-8 and characters
 * XML 1.0 forbids must not reach the document), and errors are remembered
 * instead of checked at every call, so writers stay readable. */
#ifndef VIGIL_REPORT_XMLOUT_H
#define VIGIL_REPORT_XMLOUT_H

#include <libxml/xmlwriter.h>
#include <stdbool.h>
#include <stdio.h>

struct xml_out {
	xmlTextWriterPtr w;
	bool failed; /* some libxml2 call failed: the document is incomplete */
};

/* Text that is valid UTF-8 and made only of characters XML 1.0 allows:
 * utf8_sanitize's "\xNN" escapes for invalid bytes and control characters,
 * except that line feeds are kept (descriptions have paragraphs); the
 * non-characters U+FFFE and U+FFFF become "\uFFFE", "\uFFFF". NULL gives "".
 * Always a new string. */
char *xml_clean(const char *s);

/* Writes to out (not closed). Returns 0, or -1 when libxml2 cannot start. */
int xml_out_open(struct xml_out *x, FILE *out);
/* Ends open elements, flushes and frees the writer. 0, or -1 when anything
 * failed along the way (the caller then reports an internal error). */
int xml_out_close(struct xml_out *x, FILE *out);

/* <?xml version="1.0" encoding="UTF-8"?> (XML documents; HTML has none). */
void xml_declaration(struct xml_out *x);
/* Raw markup the caller wrote itself (constant: a doctype, a style sheet). */
void xml_raw(struct xml_out *x, const char *markup);
void xml_start(struct xml_out *x, const char *element);
/* Closes the innermost element with an end tag even when it is empty
 * (<td></td>): HTML parsers do not honour "<td/>". */
void xml_end(struct xml_out *x);
/* Closes an element that is empty by nature as <e/> (HTML void elements, JUnit's <property/>). */
void xml_end_empty(struct xml_out *x);
/* An attribute of the element just started; value is cleaned, NULL = "". */
void xml_attr(struct xml_out *x, const char *name, const char *value);
void xml_attrf(struct xml_out *x, const char *name, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Text content; cleaned, NULL = nothing. */
void xml_text(struct xml_out *x, const char *s);
void xml_textf(struct xml_out *x, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* <element>text</element> */
void xml_element(struct xml_out *x, const char *element, const char *text);

#endif
