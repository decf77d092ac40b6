/* policy: what the user asked to see or to fail on — severity selection,
 * --ignore-unfixed, ignore files (.vigilignore, .trivyignore) — applied to
 * findings before reporting, and the --exit-code decision. Later gates
 * (signatures, allowed registries, size, user) belong here too. */
#ifndef VIGIL_POLICY_FILTER_H
#define VIGIL_POLICY_FILTER_H

#include "match/finding.h"
#include "util/util.h"

#include <stdbool.h>
#include <time.h>

struct ignore_entry {
	char *id;
	time_t expires; /* 0 = never */
};

struct ignore_list {
	struct ignore_entry *v;
	size_t len;
};

struct vuln_filter {
	unsigned severities; /* bit (1 << enum severity) set = keep */
	bool ignore_unfixed;
	struct ignore_list ignores;
};

/* "UNKNOWN,LOW,MEDIUM,HIGH,CRITICAL" (any subset, case-insensitive) → mask.
 * Returns 0, or -1 with e naming the bad word. */
int severity_mask_parse(const char *list, unsigned *mask, struct err *e);
#define SEVERITY_ALL 0x1fu

/* Reads an ignore file: one id per line, '#' comments, optional
 * "exp:YYYY-MM-DD" after the id (the entry stops applying after that day).
 * Returns 0, 1 when the file does not exist, -1 on a bad line (e names it). */
int ignore_list_load(const char *path, struct ignore_list *out, struct err *e);
void ignore_list_free(struct ignore_list *l);

/* Removes the findings the filter excludes; `now` decides expiry. Returns how
 * many were removed. */
size_t findings_filter(struct findings *f, const struct vuln_filter *flt, time_t now);

#endif
