/* passwd: keeps the text of etc/passwd, etc/group and etc/shadow for the
 * misconfiguration checks (empty passwords, duplicate UIDs and GIDs), which
 * need the files of the final view, so the decision is made there
 * (src/misconf/image_checks.c); this analyzer only checks that the file is
 * text and keeps it. */
#include "analyzer/analyzer.h"

#include <string.h>

/* Real account files are a few kilobytes; 4 MiB holds a very large
 * directory of users while keeping a hostile file small. */
#define PASSWD_MAX (4u * 1024u * 1024u)

static bool passwd_match(const char *path)
{
	return !strcmp(path, "etc/passwd") || !strcmp(path, "etc/group") || !strcmp(path, "etc/shadow");
}

static int passwd_parse(const struct analyzer_input *in, struct analysis *out, struct err *e)
{
	if (in->truncated) {
		/* A prefix would hide later duplicate entries. */
		err_set(e, "file exceeds the %u-byte cap for account files", PASSWD_MAX);
		return -1;
	}
	if (in->size && memchr(in->data, 0, in->size)) {
		err_set(e, "NUL byte: not an account file");
		return -1;
	}
	out->text = in->size ? xstrndup((const char *)in->data, in->size) : xstrdup("");
	return 0;
}

const struct analyzer analyzer_passwd = {
	.name = "passwd",
	.match = passwd_match,
	.max_bytes = PASSWD_MAX,
	.parse = passwd_parse,
};
