/* image_checks: checks of a built image; see image_checks.h. */
#include "misconf/image_checks.h"

#include "misconf/lint.h"
#include "util/strmap.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum {
	I_ROOT,
	I_NO_HEALTHCHECK,
	I_UPDATE_ALONE,
	I_ADD,
	I_SUDO,
	I_SECRET_ENV,
	I_SECRET_ARG,
	I_VOLUME,
	I_SETUID,
	I_WORLD_WRITABLE,
	I_EMPTY_PASSWORD,
	I_DUP_UID,
	I_DUP_GID,
	I_SHELL,
	I_PKG_MANAGER,
	I_DOWNLOADER,
	I_COMPILER,
	I_SUDO_BINARY,
	I_COUNT
};

static const struct misconf_rule rules[I_COUNT] = {
	[I_ROOT] = {"VGL-IMG-001", "Image runs as root", MISCONF_HIGH,
		    "The image config sets no user (or root, or UID 0): containers run their process as root "
		    "unless started with --user.",
		    "Set a non-root USER in the Dockerfile's final stage.", "DL3002", "CIS-DI-0001", "AVD-DS-0002"},
	[I_NO_HEALTHCHECK] = {"VGL-IMG-002", "No HEALTHCHECK in the image config", MISCONF_LOW,
			      "Without a HEALTHCHECK the engine cannot tell a hung service from a healthy one.",
			      "Add a HEALTHCHECK instruction.", NULL, "CIS-DI-0006", "AVD-DS-0026"},
	[I_UPDATE_ALONE] = {"VGL-IMG-003", "History: package index update without install", MISCONF_MEDIUM,
			    "A step that only refreshes the package index is cached on its own: later builds "
			    "install from a stale index.",
			    "Update and install in the same RUN.", NULL, "CIS-DI-0007", "AVD-DS-0017"},
	[I_ADD] = {"VGL-IMG-004", "History: ADD instead of COPY", MISCONF_LOW,
		   "ADD has implicit behaviour (archive extraction, remote download); COPY says what it does.",
		   "Use COPY for files; ADD only to extract local archives.", "DL3020", "CIS-DI-0009", "AVD-DS-0005"},
	[I_SUDO] = {"VGL-IMG-005", "History: sudo used in a build step", MISCONF_HIGH,
		    "sudo in a build has unpredictable TTY and signal behaviour, and its presence gives an "
		    "attacker a privilege-escalation path.",
		    "Run build steps as root with USER root instead.", "DL3004", "DKL-DI-0001", "AVD-DS-0010"},
	[I_SECRET_ENV] = {"VGL-IMG-006", "Secret in the image environment", MISCONF_CRITICAL,
			  "Config.Env is readable by anyone who can pull the image.",
			  "Pass secrets at run time or with build secrets; rebuild without them and rotate them.", NULL,
			  "CIS-DI-0010", "AVD-DS-0031"},
	[I_SECRET_ARG] = {"VGL-IMG-007", "Secret in a build argument recorded in the history", MISCONF_CRITICAL,
			  "Build arguments used by RUN steps are stored in the image history in clear.",
			  "Use RUN --mount=type=secret; rebuild and rotate the secret.", NULL, "CIS-DI-0010",
			  "AVD-DS-0031"},
	[I_VOLUME] = {"VGL-IMG-008", "Sensitive directory declared as VOLUME", MISCONF_HIGH,
		      "A VOLUME over /proc, /sys, /dev, the Docker socket and the like invites mounting the host's "
		      "into the container.",
		      "Remove the VOLUME; mount such paths only deliberately at run time.", NULL, "DKL-DI-0002",
		      NULL},
	[I_SETUID] = {"VGL-IMG-009", "setuid/setgid file", MISCONF_LOW,
		      "setuid and setgid programs run with their owner's rights and are the usual way from a "
		      "compromised process to root.",
		      "Remove the bits where not needed: RUN chmod a-s FILE (or remove the package).", NULL,
		      "CIS-DI-0008", NULL},
	[I_WORLD_WRITABLE] = {"VGL-IMG-010", "World-writable file in a system directory", MISCONF_MEDIUM,
			      "Anyone in the container can replace a world-writable binary, library or "
			      "configuration file that other (root) processes trust.",
			      "chmod o-w the file (or set the sticky bit on a shared directory).", NULL, NULL, NULL},
	[I_EMPTY_PASSWORD] = {"VGL-IMG-011", "Account with an empty password", MISCONF_CRITICAL,
			      "An account without password lets anyone log in or su to it.",
			      "Lock the account: passwd -l NAME (or set '*' / '!' in /etc/shadow).", NULL,
			      "DKL-LI-0001", NULL},
	[I_DUP_UID] = {"VGL-IMG-012", "Duplicate UID in /etc/passwd", MISCONF_MEDIUM,
		       "Two accounts with one UID are one account with two names: files, audit and permissions "
		       "cannot tell them apart.",
		       "Give every account its own UID.", NULL, "DKL-LI-0002", NULL},
	[I_DUP_GID] = {"VGL-IMG-013", "Duplicate GID in /etc/group", MISCONF_LOW,
		       "Two groups with one GID share every permission granted to either.",
		       "Give every group its own GID.", NULL, "DKL-LI-0003", NULL},
	[I_SHELL] = {"VGL-IMG-014", "Shell present in the image", MISCONF_LOW,
		     "A shell lets an attacker who gets code execution run arbitrary commands; distroless images "
		     "have none.",
		     "Use a distroless or scratch final stage if the application needs no shell.", NULL, NULL,
		     NULL},
	[I_PKG_MANAGER] = {"VGL-IMG-015", "Package manager present in the image", MISCONF_LOW,
			   "A package manager lets an attacker install tools in a running container.",
			   "Remove it from the final stage (multi-stage build).", NULL, NULL, NULL},
	[I_DOWNLOADER] = {"VGL-IMG-016", "Download tool present in the image", MISCONF_LOW,
			  "curl and wget let an attacker fetch payloads into a running container.",
			  "Remove them from the final stage once the build no longer needs them.", NULL, NULL, NULL},
	[I_COMPILER] = {"VGL-IMG-017", "Compiler present in the image", MISCONF_LOW,
			"A compiler lets an attacker build exploits inside the container; it is rarely needed at run "
			"time.",
			"Build in an earlier stage and copy only the result.", NULL, NULL, NULL},
	[I_SUDO_BINARY] = {"VGL-IMG-018", "sudo present in the image", MISCONF_LOW,
			   "sudo in a container is a privilege-escalation path and is rarely needed.",
			   "Remove sudo; use USER in the Dockerfile.", "DL3004", "DKL-DI-0001", NULL},
};

const struct misconf_rule *misconf_image_rules(size_t *n)
{
	*n = I_COUNT;
	return rules;
}

static void add(struct misconf_findings *out, int rule, int layer, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void add(struct misconf_findings *out, int rule, int layer, const char *fmt, ...)
{
	struct buf b = {0};
	va_list ap;
	va_start(ap, fmt);
	char small[1024];
	int n = vsnprintf(small, sizeof small, fmt, ap);
	va_end(ap);
	if (n < 0)
		small[0] = 0;
	/* Paths in images are arbitrary bytes: print valid UTF-8. */
	char *clean = utf8_sanitize(small);
	misconf_add(out, &rules[rule], NULL, 0, 0, layer, "%s", clean);
	free(clean);
	buf_free(&b);
}

/* ---------- history ----------------------------------------------------------- */

struct step {
	char instr[16];  /* "RUN", "ADD", …; "" when not recognised */
	char *args;      /* the rest */
	char **bargs;    /* build arguments K=V of a RUN */
	size_t nbargs;
	int layer;       /* layer it made, or -1 */
};

static void step_free(struct step *s)
{
	free(s->args);
	for (size_t i = 0; i < s->nbargs; i++)
		free(s->bargs[i]);
	free(s->bargs);
}

static const char *skip_blank(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

/* "|2 A=1 B=2 rest" -> build args and rest. */
static const char *take_build_args(const char *p, struct step *s)
{
	if (*p != '|' || !isdigit((unsigned char)p[1]))
		return p;
	char *end;
	long n = strtol(p + 1, &end, 10);
	p = skip_blank(end);
	for (long i = 0; i < n && i < 4096 && *p; i++) {
		size_t k = strcspn(p, " \t");
		s->bargs = xrealloc(s->bargs, (s->nbargs + 1) * sizeof *s->bargs);
		s->bargs[s->nbargs++] = xstrndup(p, k);
		p = skip_blank(p + k);
	}
	return p;
}

/* Parses one created_by line: classic builder ("/bin/sh -c #(nop)  CMD …",
 * "/bin/sh -c apk add …", "|1 A=b /bin/sh -c …") or BuildKit ("RUN /bin/sh
 * -c … # buildkit", "COPY . . # buildkit", "ENV A=b"). */
static void parse_step(const char *created_by, struct step *s)
{
	memset(s, 0, sizeof *s);
	char *c = xstrdup(created_by);
	size_t n = strlen(c);
	while (n && isspace((unsigned char)c[n - 1]))
		c[--n] = 0;
	if (n >= 10 && !strcmp(c + n - 10, "# buildkit")) {
		c[n - 10] = 0;
		n -= 10;
		while (n && isspace((unsigned char)c[n - 1]))
			c[--n] = 0;
	}
	const char *p = skip_blank(c);
	static const char nop[] = "/bin/sh -c #(nop)";
	static const char shc[] = "/bin/sh -c ";
	if (!strncmp(p, nop, sizeof nop - 1)) {
		p = skip_blank(p + sizeof nop - 1);
	} else {
		p = take_build_args(p, s);
		if (!strncmp(p, shc, sizeof shc - 1)) {
			snprintf(s->instr, sizeof s->instr, "RUN");
			s->args = xstrdup(skip_blank(p + sizeof shc - 1));
			free(c);
			return;
		}
	}
	size_t k = 0;
	while (p[k] && isalpha((unsigned char)p[k]) && k < sizeof s->instr - 1)
		k++;
	static const char *const known[] = {"RUN", "ADD", "COPY", "ENV", "ARG", "USER", "WORKDIR", "CMD",
					    "ENTRYPOINT", "EXPOSE", "LABEL", "HEALTHCHECK", "SHELL", "VOLUME",
					    "STOPSIGNAL", "ONBUILD", "MAINTAINER"};
	bool ok = false;
	for (size_t i = 0; i < ARRAY_LEN(known); i++)
		if (strlen(known[i]) == k && !strncmp(p, known[i], k))
			ok = true;
	if (ok && (!p[k] || isspace((unsigned char)p[k]))) {
		memcpy(s->instr, p, k);
		s->instr[k] = 0;
		const char *rest = skip_blank(p + k);
		if (!strcmp(s->instr, "RUN")) {
			rest = take_build_args(rest, s);
			if (!strncmp(rest, shc, sizeof shc - 1))
				rest = skip_blank(rest + sizeof shc - 1);
		}
		s->args = xstrdup(rest);
	} else {
		s->args = xstrdup(p);
	}
	free(c);
}

/* The steps of the history, each with the layer it made. */
static struct step *load_steps(const struct image *img, size_t *n)
{
	*n = 0;
	json_t *h = img->config ? json_object_get(img->config, "history") : NULL;
	if (!json_is_array(h))
		return NULL;
	size_t cnt = json_array_size(h);
	struct step *v = xcalloc(cnt ? cnt : 1, sizeof *v);
	int layer = 0;
	for (size_t i = 0; i < cnt; i++) {
		json_t *e = json_array_get(h, i);
		const char *cb = json_string_value(json_object_get(e, "created_by"));
		bool empty = json_is_true(json_object_get(e, "empty_layer"));
		parse_step(cb ? cb : "", &v[i]);
		v[i].layer = empty ? -1 : (layer < (int)img->nlayers || !img->nlayers ? layer : -1);
		if (!empty)
			layer++;
	}
	*n = cnt;
	return v;
}

static bool is_archive(const char *s)
{
	static const char *const ext[] = {".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tar.xz", ".txz",
					  ".tar.zst"};
	size_t n = strlen(s);
	for (size_t i = 0; i < ARRAY_LEN(ext); i++) {
		size_t k = strlen(ext[i]);
		if (n > k && !strcasecmp(s + n - k, ext[i]))
			return true;
	}
	return false;
}

/* The base image's own root filesystem: classic "ADD file:<hash> in / "
 * or BuildKit "ADD rootfs.tar.xz /" as the first layer. Not a finding:
 * it is how every base image is made. */
static bool base_rootfs_add(const struct step *s)
{
	char src[512] = "", a2[64] = "", a3[512] = "";
	int k = sscanf(s->args, "%511s %63s %511s", src, a2, a3);
	if (!strcmp(a2, "in") && k == 3)
		return !strncmp(src, "file:", 5) && !strcmp(a3, "/");
	return k == 2 && !strcmp(a2, "/") && (is_archive(src) || !strncmp(src, "file:", 5));
}

static void check_history(const struct image *img, struct misconf_findings *out)
{
	size_t n;
	struct step *st = load_steps(img, &n);
	struct strmap seen_args = {0};
	bool first_layer_seen = false;
	for (size_t i = 0; i < n; i++) {
		struct step *s = &st[i];
		bool first_layer = s->layer >= 0 && !first_layer_seen;
		if (s->layer >= 0)
			first_layer_seen = true;
		if (!strcmp(s->instr, "RUN")) {
			struct script_facts f;
			misconf_script_facts(s->args, &f);
			if (f.sudo)
				add(out, I_SUDO, s->layer, "history step %zu runs sudo", i);
			if (f.update_alone)
				add(out, I_UPDATE_ALONE, s->layer,
				    "history step %zu updates the %s index without installing", i, f.update_tool);
		} else if (!strcmp(s->instr, "ADD") && !(first_layer && base_rootfs_add(s))) {
			char src[256] = "";
			sscanf(s->args, "%255s", src);
			add(out, I_ADD, s->layer, "history step %zu: ADD %s", i, src);
		}
		/* Build arguments: "|N K=V" on RUN steps, and BuildKit's ARG steps. */
		struct step tmp = {0};
		char **bargs = s->bargs;
		size_t nb = s->nbargs;
		if (!strcmp(s->instr, "ARG")) {
			const char *p = s->args;
			while (*p) {
				p = skip_blank(p);
				size_t k = strcspn(p, " \t");
				if (k) {
					tmp.bargs = xrealloc(tmp.bargs, (tmp.nbargs + 1) * sizeof *tmp.bargs);
					tmp.bargs[tmp.nbargs++] = xstrndup(p, k);
				}
				p += k;
			}
			bargs = tmp.bargs;
			nb = tmp.nbargs;
		}
		for (size_t k = 0; k < nb; k++) {
			char *eq = strchr(bargs[k], '=');
			if (!eq || !eq[1])
				continue;
			char *name = xstrndup(bargs[k], (size_t)(eq - bargs[k]));
			if (misconf_secret_name(name) && !strmap_get(&seen_args, name)) {
				*strmap_put(&seen_args, name) = (void *)1;
				add(out, I_SECRET_ARG, s->layer, "build argument %s is recorded in history step %zu",
				    name, i);
			}
			free(name);
		}
		step_free(&tmp);
	}
	for (size_t i = 0; i < n; i++)
		step_free(&st[i]);
	free(st);
	strmap_free(&seen_args, NULL);
}

/* ---------- config ------------------------------------------------------------- */

static json_t *container_config(const struct image *img)
{
	json_t *c = json_object_get(img->config, "config");
	if (!json_is_object(c))
		c = json_object_get(img->config, "container_config");
	return json_is_object(c) ? c : NULL;
}

static bool sensitive_volume(const char *v)
{
	static const char *const under[] = {"/proc", "/sys", "/dev", "/boot", "/lib/modules", "/var/lib/docker",
					    "/var/lib/containerd"};
	static const char *const exact[] = {"/",
					    "/etc",
					    "/var/run",
					    "/run",
					    "/var/run/docker.sock",
					    "/run/docker.sock",
					    "/run/containerd/containerd.sock",
					    "/var/run/containerd/containerd.sock",
					    "/root",
					    "/root/.ssh",
					    "/usr",
					    "/bin",
					    "/sbin",
					    "/lib"};
	char *n = path_normalize(v);
	if (!n)
		return false;
	bool hit = false;
	for (size_t i = 0; i < ARRAY_LEN(under); i++)
		if (path_is_under(n, under[i] + 1))
			hit = true;
	for (size_t i = 0; i < ARRAY_LEN(exact); i++)
		if (!strcmp(n, exact[i] + 1))
			hit = true;
	free(n);
	return hit;
}

static void check_config(const struct image *img, struct misconf_findings *out)
{
	json_t *c = container_config(img);
	const char *user = c ? json_string_value(json_object_get(c, "User")) : NULL;
	if (!user || !*user) {
		add(out, I_ROOT, -1, "the image config sets no user: containers run as root");
	} else {
		size_t k = strcspn(user, ":");
		if ((k == 4 && !strncmp(user, "root", 4)) || (k == 1 && user[0] == '0'))
			add(out, I_ROOT, -1, "the image config sets User \"%s\"", user);
	}
	json_t *hc = c ? json_object_get(c, "Healthcheck") : NULL;
	json_t *test = json_object_get(hc, "Test");
	if (!json_is_array(test) || !json_array_size(test))
		add(out, I_NO_HEALTHCHECK, -1, "the image config has no Healthcheck");
	json_t *env = c ? json_object_get(c, "Env") : NULL;
	size_t i;
	json_t *e;
	json_array_foreach(env, i, e)
	{
		const char *kv = json_string_value(e);
		const char *eq = kv ? strchr(kv, '=') : NULL;
		if (!eq || !eq[1])
			continue;
		char *name = xstrndup(kv, (size_t)(eq - kv));
		if (misconf_secret_name(name))
			add(out, I_SECRET_ENV, -1, "Env sets %s", name);
		free(name);
	}
	json_t *vols = c ? json_object_get(c, "Volumes") : NULL;
	const char *key;
	json_t *val;
	/* Sorted for reproducible reports: jansson keeps insertion order. */
	if (json_is_object(vols)) {
		size_t nv = json_object_size(vols), k = 0;
		const char **names = xcalloc(nv ? nv : 1, sizeof *names);
		json_object_foreach(vols, key, val) names[k++] = key;
		for (size_t a = 1; a < k; a++)
			for (size_t b = a; b > 0 && strcmp(names[b - 1], names[b]) > 0; b--) {
				const char *t = names[b];
				names[b] = names[b - 1];
				names[b - 1] = t;
			}
		for (size_t a = 0; a < k; a++)
			if (sensitive_volume(names[a]))
				add(out, I_VOLUME, -1, "VOLUME %s", names[a]);
		free(names);
	}
}

/* ---------- files ---------------------------------------------------------------- */

struct fentry {
	const char *path;
	const struct file_event *ev;
};

static int cmp_fentry(const void *a, const void *b)
{
	return strcmp(((const struct fentry *)a)->path, ((const struct fentry *)b)->path);
}

static const char *const bin_dirs[] = {"bin", "sbin", "usr/bin", "usr/sbin", "usr/local/bin", "usr/local/sbin"};

struct surface {
	int rule;
	const char *const *names;
};

static const char *const shells[] = {"sh", "bash", "dash", "ash", "zsh", "ksh", "mksh", "csh", "tcsh", "busybox",
				     NULL};
static const char *const pkg_managers[] = {"apt", "apt-get", "dpkg", "apk", "yum", "dnf", "microdnf", "rpm",
					   "zypper", "pip", "pip3", "npm", "gem", NULL};
static const char *const downloaders[] = {"curl", "wget", NULL};
static const char *const compilers[] = {"gcc", "g++", "cc", "c++", "clang", "clang++", "tcc", "rustc", "go",
					"javac", NULL};
static const char *const sudoers[] = {"sudo", "doas", NULL};

static void check_surface(const struct view *v, struct misconf_findings *out)
{
	const struct surface kinds[] = {
		{I_SHELL, shells},          {I_PKG_MANAGER, pkg_managers}, {I_DOWNLOADER, downloaders},
		{I_COMPILER, compilers},    {I_SUDO_BINARY, sudoers},
	};
	for (size_t k = 0; k < ARRAY_LEN(kinds); k++) {
		struct buf list = {0};
		int layer = -1;
		size_t found = 0;
		for (size_t d = 0; d < ARRAY_LEN(bin_dirs); d++)
			for (size_t i = 0; kinds[k].names[i]; i++) {
				char *p = xasprintf("%s/%s", bin_dirs[d], kinds[k].names[i]);
				const struct file_event *ev = view_final(v, p);
				if (ev && ev->type != 'd') {
					buf_appendf(&list, "%s/%s", found ? ", " : "", p);
					found++;
					if (layer < 0 || (int)ev->layer < layer)
						layer = (int)ev->layer;
				}
				free(p);
			}
		if (found)
			add(out, kinds[k].rule, layer, "%s", (char *)list.data);
		buf_free(&list);
	}
}

static bool in_system_dir(const char *p)
{
	static const char *const dirs[] = {"etc", "usr", "bin", "sbin", "lib", "lib32", "lib64", "libx32"};
	for (size_t i = 0; i < ARRAY_LEN(dirs); i++)
		if (path_is_under(p, dirs[i]))
			return true;
	return false;
}

static void check_files(const struct view *v, struct misconf_findings *out)
{
	size_t n = 0, cap = 0;
	struct fentry *fe = NULL;
	const char *key;
	void *val;
	for (size_t it = 0; strmap_next(&v->paths, &it, &key, &val);) {
		const struct file_event *ev = view_final(v, key);
		if (!ev || ev->type == 'l')
			continue;
		bool suid = (ev->type == 'f' || ev->type == 'h') && (ev->mode & 06000);
		bool ww = (ev->mode & 0002) && !(ev->mode & 01000) && in_system_dir(key);
		if (!suid && !ww)
			continue;
		xgrow((void **)&fe, &cap, n + 1, sizeof *fe);
		fe[n++] = (struct fentry){key, ev};
	}
	if (n > 1)
		qsort(fe, n, sizeof *fe, cmp_fentry);
	for (size_t i = 0; i < n; i++) {
		const struct file_event *ev = fe[i].ev;
		if ((ev->type == 'f' || ev->type == 'h') && (ev->mode & 06000))
			add(out, I_SETUID, (int)ev->layer, "/%s is %s%s%s (mode %04o)", fe[i].path,
			    ev->mode & 04000 ? "setuid" : "", (ev->mode & 06000) == 06000 ? " and " : "",
			    ev->mode & 02000 ? "setgid" : "", (unsigned)(ev->mode & 07777));
		if ((ev->mode & 0002) && !(ev->mode & 01000) && in_system_dir(fe[i].path))
			add(out, I_WORLD_WRITABLE, (int)ev->layer, "/%s is world-writable (mode %04o)", fe[i].path,
			    (unsigned)(ev->mode & 07777));
	}
	free(fe);
}

/* ---------- accounts ----------------------------------------------------------------- */

/* The passwd analyzer's text of path in the final view, and its layer. */
static const char *account_text(const struct view *v, struct layer_result *const *layers, size_t nlayers,
				const char *path, int *layer)
{
	const struct file_event *ev = view_final(v, path);
	if (!ev || ev->layer >= nlayers || !layers[ev->layer])
		return NULL;
	const struct layer_result *r = layers[ev->layer];
	for (size_t i = 0; i < r->nanalyses; i++) {
		const struct layer_analysis *a = &r->analyses[i];
		if (a->analyzer == &analyzer_passwd && !a->error && a->result.text && !strcmp(a->path, path)) {
			*layer = (int)ev->layer;
			return a->result.text;
		}
	}
	return NULL;
}

/* Field k (0-based) of a colon-separated line, or NULL. */
static bool field(const char *line, size_t len, unsigned k, const char **start, size_t *flen)
{
	const char *p = line, *end = line + len;
	for (unsigned i = 0; i < k; i++) {
		const char *c = memchr(p, ':', (size_t)(end - p));
		if (!c)
			return false;
		p = c + 1;
	}
	const char *c = memchr(p, ':', (size_t)(end - p));
	*start = p;
	*flen = c ? (size_t)(c - p) : (size_t)(end - p);
	return true;
}

/* Calls fn for each non-comment line. */
#define FOR_LINES(text, line, len)                                                                             \
	for (const char *line = (text), *nl_ = NULL; line && *line; line = nl_ ? nl_ + 1 : NULL)                \
		for (size_t len = ((nl_ = strchr(line, '\n')) ? (size_t)(nl_ - line) : strlen(line)), once_ = 1;    \
		     once_; once_ = 0)

static void empty_passwords(const char *text, const char *file, int layer, struct misconf_findings *out)
{
	FOR_LINES(text, line, len)
	{
		if (!len || line[0] == '#' || line[0] == '+' || line[0] == '-')
			continue;
		const char *name, *pw;
		size_t nl, pl;
		if (!field(line, len, 0, &name, &nl) || !field(line, len, 1, &pw, &pl) || !nl)
			continue;
		if (pl == 0)
			add(out, I_EMPTY_PASSWORD, layer, "%s: account %.*s has an empty password", file, (int)nl, name);
	}
}

static void duplicate_ids(const char *text, const char *file, int rule, const char *what, int layer,
			  struct misconf_findings *out)
{
	struct strmap first = {0}; /* id -> strdup'd list of names */
	struct strmap reported = {0};
	FOR_LINES(text, line, len)
	{
		if (!len || line[0] == '#' || line[0] == '+' || line[0] == '-')
			continue;
		const char *name, *id;
		size_t nl, il;
		if (!field(line, len, 0, &name, &nl) || !field(line, len, 2, &id, &il) || !il || !nl)
			continue;
		char *idc = xstrndup(id, il);
		char **slot = (char **)strmap_put(&first, idc);
		if (!*slot) {
			*slot = xstrndup(name, nl);
		} else {
			char *more = xasprintf("%s, %.*s", *slot, (int)nl, name);
			free(*slot);
			*slot = more;
			*strmap_put(&reported, idc) = (void *)1;
		}
		free(idc);
	}
	/* Report in file order of ids: walk the text again. */
	FOR_LINES(text, line, len)
	{
		const char *id;
		size_t il;
		if (!len || line[0] == '#' || !field(line, len, 2, &id, &il) || !il)
			continue;
		char *idc = xstrndup(id, il);
		if (strmap_get(&reported, idc)) {
			add(out, rule, layer, "%s: %s %s is shared by %s", file, what, idc,
			    (char *)strmap_get(&first, idc));
			strmap_del(&reported, idc);
		}
		free(idc);
	}
	strmap_free(&first, free);
	strmap_free(&reported, NULL);
}

static void check_accounts(const struct view *v, struct layer_result *const *layers, size_t nlayers,
			   struct misconf_findings *out)
{
	int layer = -1;
	const char *t = account_text(v, layers, nlayers, "etc/shadow", &layer);
	if (t)
		empty_passwords(t, "/etc/shadow", layer, out);
	t = account_text(v, layers, nlayers, "etc/passwd", &layer);
	if (t) {
		empty_passwords(t, "/etc/passwd", layer, out);
		duplicate_ids(t, "/etc/passwd", I_DUP_UID, "UID", layer, out);
	}
	t = account_text(v, layers, nlayers, "etc/group", &layer);
	if (t)
		duplicate_ids(t, "/etc/group", I_DUP_GID, "GID", layer, out);
}

int misconf_check_image(const struct image *img, const struct view *v, struct layer_result *const *layers,
			size_t nlayers, struct misconf_findings *out)
{
	size_t before = out->n;
	if (img->config) {
		check_config(img, out);
		check_history(img, out);
	}
	if (v) {
		check_files(v, out);
		check_surface(v, out);
		check_accounts(v, layers, nlayers, out);
	}
	/* Sort only what this call added, by layer then id: findings have no
	 * file or line. */
	struct misconf_findings tail = {out->v + before, out->n - before, out->n - before};
	misconf_findings_sort(&tail);
	return img->config ? 0 : -1;
}

/* ---------- history as a Dockerfile ---------------------------------------------------- */

static void append_duration(struct buf *b, const char *flag, json_t *ns)
{
	if (!json_is_integer(ns) || json_integer_value(ns) <= 0)
		return;
	long long v = (long long)json_integer_value(ns);
	if (v % 1000000000LL == 0)
		buf_appendf(b, " --%s=%llds", flag, v / 1000000000LL);
	else
		buf_appendf(b, " --%s=%lldms", flag, v / 1000000LL);
}

static void append_healthcheck(struct buf *b, json_t *hc)
{
	json_t *test = json_object_get(hc, "Test");
	const char *kind = json_string_value(json_array_get(test, 0));
	if (!kind)
		return;
	if (!strcmp(kind, "NONE")) {
		buf_appendf(b, "HEALTHCHECK NONE\n");
		return;
	}
	buf_appendf(b, "HEALTHCHECK");
	append_duration(b, "interval", json_object_get(hc, "Interval"));
	append_duration(b, "timeout", json_object_get(hc, "Timeout"));
	append_duration(b, "start-period", json_object_get(hc, "StartPeriod"));
	json_t *r = json_object_get(hc, "Retries");
	if (json_is_integer(r) && json_integer_value(r) > 0)
		buf_appendf(b, " --retries=%lld", (long long)json_integer_value(r));
	if (!strcmp(kind, "CMD-SHELL")) {
		buf_appendf(b, " CMD %s\n", json_string_value(json_array_get(test, 1)) ? json_string_value(json_array_get(test, 1)) : "");
	} else {
		json_t *rest = json_array();
		for (size_t i = 1; i < json_array_size(test); i++)
			json_array_append(rest, json_array_get(test, i));
		char *j = json_dumps(rest, JSON_COMPACT);
		buf_appendf(b, " CMD %s\n", j ? j : "[]");
		free(j);
		json_decref(rest);
	}
}

char *misconf_history_dockerfile(const struct image *img)
{
	struct buf b = {0};
	size_t n;
	struct step *st = load_steps(img, &n);
	bool user = false, health = false;
	for (size_t i = 0; i < n; i++) {
		struct step *s = &st[i];
		if (!*s->instr) {
			if (*s->args)
				buf_appendf(&b, "# %s\n", s->args);
			continue;
		}
		if (s->nbargs) {
			buf_appendf(&b, "# build arguments:");
			for (size_t k = 0; k < s->nbargs; k++)
				buf_appendf(&b, " %s", s->bargs[k]);
			buf_appendf(&b, "\n");
		}
		user = user || !strcmp(s->instr, "USER");
		if (!strcmp(s->instr, "HEALTHCHECK")) {
			/* The history holds Go's %v of the struct; the config has it. */
			json_t *c = img->config ? container_config(img) : NULL;
			json_t *hc = c ? json_object_get(c, "Healthcheck") : NULL;
			if (hc) {
				append_healthcheck(&b, hc);
				health = true;
				continue;
			}
		}
		const char *args = s->args;
		char *fixed = NULL;
		if (!strcmp(s->instr, "ADD") || !strcmp(s->instr, "COPY")) {
			/* classic: "file:<hash> in /dest" */
			const char *in = strstr(args, " in ");
			if (in) {
				fixed = xasprintf("%.*s %s", (int)(in - args), args, in + 4);
				args = fixed;
			}
		}
		if (!strcmp(s->instr, "RUN") && strchr(args, '\n')) {
			/* A multi-line command becomes a here-document. */
			buf_appendf(&b, "RUN <<'VIGIL_EOF'\n%s\nVIGIL_EOF\n", args);
		} else {
			char *clean = utf8_sanitize(args);
			buf_appendf(&b, "%s%s%s\n", s->instr, *clean ? " " : "", clean);
			free(clean);
		}
		free(fixed);
	}
	json_t *c = img->config ? container_config(img) : NULL;
	const char *u = c ? json_string_value(json_object_get(c, "User")) : NULL;
	if (!user && u && *u)
		buf_appendf(&b, "USER %s\n", u);
	json_t *hc = c ? json_object_get(c, "Healthcheck") : NULL;
	if (!health && hc)
		append_healthcheck(&b, hc);
	for (size_t i = 0; i < n; i++)
		step_free(&st[i]);
	free(st);
	return buf_steal(&b);
}
