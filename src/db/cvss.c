/* CVSS base scores from vectors. OSV records carry only vectors; the score
 * is needed to rate a finding when neither the distribution nor NVD does.
 * Formulas: FIRST's CVSS v3.1 specification §7 (v3.0 differs only in its
 * rounding) and the CVSS v2 guide §3.2.1. */
#include "db/internal.h"

#include <string.h>

struct metric {
	const char *name;
	const char *values; /* one letter per value */
	double weights[4];
	double changed[4]; /* v3 PR under S:C; zero when it does not differ */
};

static const struct metric v3_metrics[] = {
	{"AV", "NALP", {0.85, 0.62, 0.55, 0.2}, {0}},
	{"AC", "LH", {0.77, 0.44}, {0}},
	{"PR", "NLH", {0.85, 0.62, 0.27}, {0.85, 0.68, 0.5}},
	{"UI", "NR", {0.85, 0.62}, {0}},
	{"S", "UC", {0, 1}, {0}},
	{"C", "HLN", {0.56, 0.22, 0}, {0}},
	{"I", "HLN", {0.56, 0.22, 0}, {0}},
	{"A", "HLN", {0.56, 0.22, 0}, {0}},
};

static const struct metric v2_metrics[] = {
	{"AV", "LAN", {0.395, 0.646, 1.0}, {0}},
	{"AC", "HML", {0.35, 0.61, 0.71}, {0}},
	{"Au", "MSN", {0.45, 0.56, 0.704}, {0}},
	{"C", "NPC", {0, 0.275, 0.660}, {0}},
	{"I", "NPC", {0, 0.275, 0.660}, {0}},
	{"A", "NPC", {0, 0.275, 0.660}, {0}},
};

/* Splits "K:V/K:V…" and records the index of each base metric's value in
 * idx (-1 when missing). Unknown metrics (temporal, environmental) are
 * skipped; a base metric given twice or with a bad value fails. */
static int parse(const char *v, const struct metric *m, size_t nm, int *idx)
{
	for (size_t i = 0; i < nm; i++)
		idx[i] = -1;
	while (*v) {
		const char *slash = strchr(v, '/');
		size_t len = slash ? (size_t)(slash - v) : strlen(v);
		const char *colon = memchr(v, ':', len);
		if (!colon || colon == v || (size_t)(colon - v) + 2 != len)
			goto next_or_fail;
		for (size_t i = 0; i < nm; i++) {
			size_t kl = strlen(m[i].name);
			if (kl != (size_t)(colon - v) || memcmp(v, m[i].name, kl) != 0)
				continue;
			const char *p = strchr(m[i].values, colon[1]);
			if (!p || idx[i] >= 0)
				return -1;
			idx[i] = (int)(p - m[i].values);
		}
		goto next;
next_or_fail:
		if (len > 0)
			return -1;
next:
		if (!slash)
			break;
		v = slash + 1;
	}
	for (size_t i = 0; i < nm; i++)
		if (idx[i] < 0)
			return -1;
	return 0;
}

/* Rounding without libm (the build links no -lm); all inputs are >= 0. */
static long long round_pos(double x)
{
	return (long long)(x + 0.5);
}

static double pow15(double x)
{
	double r = 1;
	for (int i = 0; i < 15; i++)
		r *= x;
	return r;
}

/* v3.1 Roundup: the smallest number with one decimal >= x, computed on
 * integers so that floating-point noise (e.g. 4.000000001) does not round up. */
static double roundup31(double x)
{
	long long i = round_pos(x * 100000.0);
	if (i % 10000 == 0)
		return (double)i / 100000.0;
	return (double)(i / 10000 + 1) / 10.0;
}

double vdb_cvss3_score(const char *vector)
{
	bool v30;
	if (!strncmp(vector, "CVSS:3.1/", 9))
		v30 = false;
	else if (!strncmp(vector, "CVSS:3.0/", 9))
		v30 = true;
	else
		return -1;
	int idx[ARRAY_LEN(v3_metrics)];
	if (parse(vector + 9, v3_metrics, ARRAY_LEN(v3_metrics), idx) != 0)
		return -1;
	bool changed = idx[4] == 1;
	double av = v3_metrics[0].weights[idx[0]], ac = v3_metrics[1].weights[idx[1]];
	double pr = changed ? v3_metrics[2].changed[idx[2]] : v3_metrics[2].weights[idx[2]];
	double ui = v3_metrics[3].weights[idx[3]];
	double c = v3_metrics[5].weights[idx[5]], in = v3_metrics[6].weights[idx[6]],
	       a = v3_metrics[7].weights[idx[7]];
	double iss = 1 - (1 - c) * (1 - in) * (1 - a);
	double impact = changed ? 7.52 * (iss - 0.029) - 3.25 * pow15(iss - 0.02) : 6.42 * iss;
	double expl = 8.22 * av * ac * pr * ui;
	if (impact <= 0)
		return 0;
	double raw = changed ? 1.08 * (impact + expl) : impact + expl;
	if (raw > 10)
		raw = 10;
	if (v30) {
		/* v3.0: plain round up to one decimal (tolerating float noise). */
		long long t = (long long)(raw * 10.0 - 1e-9);
		return (double)(t + ((double)t < raw * 10.0 - 1e-9 ? 1 : 0)) / 10.0;
	}
	return roundup31(raw);
}

double vdb_cvss2_score(const char *vector)
{
	/* NVD and some feeds wrap v2 vectors in parentheses or prefix "CVSS:2.0/". */
	char buf[128];
	size_t n = strlen(vector);
	if (n >= sizeof buf)
		return -1;
	memcpy(buf, vector, n + 1);
	char *v = buf;
	if (!strncmp(v, "CVSS:2.0/", 9))
		v += 9;
	if (*v == '(' && n > 1 && buf[n - 1] == ')') {
		buf[n - 1] = 0;
		v++;
	}
	int idx[ARRAY_LEN(v2_metrics)];
	if (parse(v, v2_metrics, ARRAY_LEN(v2_metrics), idx) != 0)
		return -1;
	double w[ARRAY_LEN(v2_metrics)];
	for (size_t i = 0; i < ARRAY_LEN(v2_metrics); i++)
		w[i] = v2_metrics[i].weights[idx[i]];
	double impact = 10.41 * (1 - (1 - w[3]) * (1 - w[4]) * (1 - w[5]));
	double expl = 20 * w[0] * w[1] * w[2];
	double f = impact == 0 ? 0 : 1.176;
	double score = (0.6 * impact + 0.4 * expl - 1.5) * f;
	return score <= 0 ? 0 : (double)round_pos(score * 10.0) / 10.0;
}
