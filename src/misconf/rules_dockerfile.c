/* rules_dockerfile: the Dockerfile rules (VGL-DF-NNN). Each rule looks at
 * the parsed instructions; rules about commands look at RUN scripts split
 * into simple commands by shell.c, never at raw text.
 *
 * Scope: rules about what ends up in the image (cache cleanup) look only at
 * the final stage and the stages it is built FROM — a builder stage's apt
 * lists never reach the final image. Rules about correctness or security of
 * the build itself look at every stage. */
#include "misconf/lint.h"
#include "misconf/shell.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

enum {
	R_LATEST,
	R_ROOT,
	R_NO_HEALTHCHECK,
	R_MULTI_HEALTHCHECK,
	R_MULTI_CMD,
	R_MULTI_ENTRYPOINT,
	R_ADD_LOCAL,
	R_ADD_URL,
	R_COPY_DEST_SLASH,
	R_COPY_FROM_SELF,
	R_DUP_STAGE,
	R_WORKDIR_RELATIVE,
	R_RUN_CD,
	R_PORT_RANGE,
	R_PORT_22,
	R_SUDO,
	R_SECRET_ENV,
	R_UPDATE_ALONE,
	R_APT_LISTS,
	R_APT_YES,
	R_APT_RECOMMENDS,
	R_UPGRADE,
	R_APK_NO_CACHE,
	R_RPM_CLEAN,
	R_RPM_YES,
	R_WGET_CURL,
	R_MAINTAINER,
	R_PIPEFAIL,
	R_REMOTE_EXEC,
	R_PIN_APT,
	R_PIN_APK,
	R_PIN_PIP,
	R_PIN_NPM,
	R_PIN_GEM,
	R_COPY_DOT,
	R_UNTRUSTED_REGISTRY,
	R_APT_NOT_APT_GET,
	R_PIP_CACHE,
	R_SHELL_FORM_CMD,
	R_COUNT
};

static const struct misconf_rule rules[R_COUNT] = {
	[R_LATEST] = {"VGL-DF-001", "Base image without a pinned tag", MISCONF_MEDIUM,
		      "An untagged or ':latest' base image changes under you: rebuilds are not reproducible and may "
		      "pull in a different distribution release.",
		      "Pin a version tag (alpine:3.19) or a digest (alpine@sha256:...).", "DL3006, DL3007",
		      "DKL-DI-0006", "AVD-DS-0001"},
	[R_ROOT] = {"VGL-DF-002", "Image runs as root", MISCONF_HIGH,
		    "A container whose last USER is root (or that never sets one) runs its process as root: a "
		    "compromise of the process is a compromise of root in the container.",
		    "Create an unprivileged user and switch to it with USER at the end of the final stage.", "DL3002",
		    "CIS-DI-0001", "AVD-DS-0002"},
	[R_NO_HEALTHCHECK] = {"VGL-DF-003", "No HEALTHCHECK", MISCONF_LOW,
			      "Without a HEALTHCHECK the engine cannot tell a hung service from a healthy one.",
			      "Add HEALTHCHECK CMD ... (or HEALTHCHECK NONE to state that none applies).", NULL,
			      "CIS-DI-0006", "AVD-DS-0026"},
	[R_MULTI_HEALTHCHECK] = {"VGL-DF-004", "More than one HEALTHCHECK in a stage", MISCONF_LOW,
				 "Only the last HEALTHCHECK of a stage takes effect; earlier ones are misleading.",
				 "Keep one HEALTHCHECK per stage.", "DL3012", NULL, "AVD-DS-0023"},
	[R_MULTI_CMD] = {"VGL-DF-005", "More than one CMD in a stage", MISCONF_MEDIUM,
			 "Only the last CMD of a stage takes effect; earlier ones are dead code that readers trust.",
			 "Keep one CMD per stage.", "DL4003", NULL, "AVD-DS-0016"},
	[R_MULTI_ENTRYPOINT] = {"VGL-DF-006", "More than one ENTRYPOINT in a stage", MISCONF_MEDIUM,
				"Only the last ENTRYPOINT of a stage takes effect.", "Keep one ENTRYPOINT per stage.",
				"DL4004", NULL, "AVD-DS-0007"},
	[R_ADD_LOCAL] = {"VGL-DF-007", "ADD used to copy local files", MISCONF_LOW,
			 "ADD has implicit behaviour (archive extraction, remote download); for plain files COPY says "
			 "what it does.",
			 "Use COPY; keep ADD only to extract a local tar archive.", "DL3020", "CIS-DI-0009",
			 "AVD-DS-0005"},
	[R_ADD_URL] = {"VGL-DF-008", "ADD downloads a remote URL", MISCONF_MEDIUM,
		       "ADD <url> fetches at build time without verifying what it got; the content can change or be "
		       "tampered with.",
		       "Use ADD --checksum=sha256:..., or download with curl and verify a checksum in the same RUN.",
		       "DL3020", "CIS-DI-0009", "AVD-DS-0005"},
	[R_COPY_DEST_SLASH] = {"VGL-DF-009", "Several sources copied to a destination without a trailing '/'",
			       MISCONF_HIGH,
			       "With more than one source the destination must be a directory ending in '/'; Docker "
			       "rejects the build otherwise.",
			       "End the destination with '/'.", "DL3021", NULL, "AVD-DS-0011"},
	[R_COPY_FROM_SELF] = {"VGL-DF-010", "COPY --from names its own stage", MISCONF_HIGH,
			      "A stage cannot copy from itself; the build fails or copies from an image of that name.",
			      "Name an earlier stage in --from.", "DL3023", NULL, "AVD-DS-0006"},
	[R_DUP_STAGE] = {"VGL-DF-011", "Duplicate stage name", MISCONF_HIGH,
			 "Two stages with the same AS name make --from and FROM references ambiguous.",
			 "Give every stage a unique name.", "DL3024", NULL, "AVD-DS-0012"},
	[R_WORKDIR_RELATIVE] = {"VGL-DF-012", "Relative WORKDIR", MISCONF_MEDIUM,
				"A relative WORKDIR depends on the previous one and on the base image's; it breaks "
				"silently when either changes.",
				"Use an absolute path.", "DL3000", NULL, "AVD-DS-0009"},
	[R_RUN_CD] = {"VGL-DF-013", "RUN uses cd to change directory", MISCONF_LOW,
		      "cd in RUN lasts one instruction and hides where later commands run.",
		      "Use WORKDIR to set the directory.", "DL3003", NULL, "AVD-DS-0013"},
	[R_PORT_RANGE] = {"VGL-DF-014", "EXPOSE port out of range", MISCONF_HIGH,
			  "Ports are numbers from 0 to 65535; anything else fails when the container starts.",
			  "Fix the port number.", "DL3011", NULL, "AVD-DS-0008"},
	[R_PORT_22] = {"VGL-DF-015", "SSH port 22 exposed", MISCONF_MEDIUM,
		       "An SSH daemon in a container is an extra remote entry point with its own credentials; use "
		       "docker exec instead.",
		       "Remove EXPOSE 22 and the SSH server.", NULL, NULL, "AVD-DS-0004"},
	[R_SUDO] = {"VGL-DF-016", "RUN uses sudo", MISCONF_HIGH,
		    "sudo in a build has unpredictable TTY and signal behaviour, and its presence in the image gives "
		    "an attacker a privilege-escalation path.",
		    "Run the commands as root with USER root, then switch back with USER.", "DL3004", "DKL-DI-0001",
		    "AVD-DS-0010"},
	[R_SECRET_ENV] = {"VGL-DF-017", "Secret in ENV or ARG", MISCONF_CRITICAL,
			  "ENV values are stored in the image config and ARG values in its history: anyone who can "
			  "pull the image can read them.",
			  "Use build secrets (RUN --mount=type=secret) or runtime configuration.", NULL, "CIS-DI-0010",
			  "AVD-DS-0031"},
	[R_UPDATE_ALONE] = {"VGL-DF-018", "Package index update without install in the same RUN", MISCONF_MEDIUM,
			    "A cached update layer makes later installs use a stale index: builds install old "
			    "(vulnerable) versions or fail.",
			    "Update and install in the same RUN: apt-get update && apt-get install -y ...", NULL,
			    "CIS-DI-0007", "AVD-DS-0017"},
	[R_APT_LISTS] = {"VGL-DF-019", "apt lists not removed after install", MISCONF_LOW,
			 "/var/lib/apt/lists adds tens of megabytes of stale index to the layer.",
			 "End the RUN with: rm -rf /var/lib/apt/lists/*", "DL3009", "DKL-DI-0005", NULL},
	[R_APT_YES] = {"VGL-DF-020", "apt-get install without -y", MISCONF_MEDIUM,
		       "Without -y apt-get waits for an answer that a build never gives, and aborts.",
		       "Add -y (or --yes).", "DL3014", NULL, "AVD-DS-0021"},
	[R_APT_RECOMMENDS] = {"VGL-DF-021", "apt-get install without --no-install-recommends", MISCONF_LOW,
			      "Recommended packages enlarge the image and its attack surface without being needed.",
			      "Add --no-install-recommends.", "DL3015", NULL, "AVD-DS-0029"},
	[R_UPGRADE] = {"VGL-DF-022", "Distribution upgrade in RUN", MISCONF_LOW,
		       "upgrade / dist-upgrade in a Dockerfile makes the image depend on the day it was built and "
		       "can pull in packages the base image maintainers did not test; rebuild on a newer base "
		       "instead.",
		       "Use a newer base image tag; upgrade single packages explicitly if needed.", "DL3005, DL3035",
		       "DKL-DI-0003", "AVD-DS-0024"},
	[R_APK_NO_CACHE] = {"VGL-DF-023", "apk add without --no-cache", MISCONF_LOW,
			    "apk keeps its index in /var/cache/apk, which ends up in the layer.",
			    "Use apk add --no-cache.", "DL3019", "DKL-DI-0004", "AVD-DS-0025"},
	[R_RPM_CLEAN] = {"VGL-DF-024", "yum/dnf/zypper install without cleaning the cache", MISCONF_LOW,
			 "The package manager's cache stays in the layer.",
			 "End the RUN with yum clean all / dnf clean all / microdnf clean all / zypper clean.",
			 "DL3032, DL3040, DL3036", NULL, "AVD-DS-0015, AVD-DS-0019, AVD-DS-0020, AVD-DS-0027"},
	[R_RPM_YES] = {"VGL-DF-025", "yum/dnf/zypper install without non-interactive flag", MISCONF_MEDIUM,
		       "Without -y (zypper: -n) the install waits for an answer and the build fails.",
		       "Add -y (zypper: --non-interactive).", "DL3030, DL3038, DL3034", NULL, NULL},
	[R_WGET_CURL] = {"VGL-DF-026", "Both wget and curl used", MISCONF_LOW,
			 "Two download tools do the same job; the image carries both.", "Pick one of them.", "DL4001",
			 NULL, "AVD-DS-0014"},
	[R_MAINTAINER] = {"VGL-DF-027", "MAINTAINER is deprecated", MISCONF_LOW,
			  "MAINTAINER has been deprecated since Docker 1.13.",
			  "Use LABEL org.opencontainers.image.authors=\"...\".", "DL4000", NULL, "AVD-DS-0022"},
	[R_PIPEFAIL] = {"VGL-DF-028", "Pipe in RUN without pipefail", MISCONF_MEDIUM,
			"A pipeline's status is its last command's: `curl ... | tar x` succeeds when the download "
			"fails, and the build carries on with a broken layer.",
			"Use SHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"] or start the RUN with set -o "
			"pipefail &&.",
			"DL4006", NULL, "AVD-DS-0032"},
	[R_REMOTE_EXEC] = {"VGL-DF-029", "Remote script piped into a shell", MISCONF_HIGH,
			   "curl ... | sh runs whatever the server (or anyone on the path) sends, unverified, as "
			   "root, at build time.",
			   "Download to a file, verify its checksum or signature, then run it.", NULL, NULL, NULL},
	[R_PIN_APT] = {"VGL-DF-030", "apt-get install without pinned versions", MISCONF_LOW,
		       "Unpinned packages make the image depend on the day it was built.",
		       "Pin versions: apt-get install -y pkg=1.2.3-1", "DL3008", NULL, NULL},
	[R_PIN_APK] = {"VGL-DF-031", "apk add without pinned versions", MISCONF_LOW,
		       "Unpinned packages make the image depend on the day it was built.",
		       "Pin versions: apk add --no-cache pkg=1.2.3-r0", "DL3018", NULL, NULL},
	[R_PIN_PIP] = {"VGL-DF-032", "pip install without pinned versions", MISCONF_LOW,
		       "Unpinned packages make the image depend on the day it was built, and on PyPI at that "
		       "moment.",
		       "Pin versions: pip install pkg==1.2.3 (or use a requirements file with hashes).", "DL3013",
		       NULL, NULL},
	[R_PIN_NPM] = {"VGL-DF-033", "npm install without pinned versions", MISCONF_LOW,
		       "Unpinned packages make the image depend on the day it was built.",
		       "Pin versions: npm install pkg@1.2.3 (or npm ci with a lockfile).", "DL3016", NULL, NULL},
	[R_PIN_GEM] = {"VGL-DF-034", "gem install without pinned versions", MISCONF_LOW,
		       "Unpinned gems make the image depend on the day it was built.",
		       "Pin versions: gem install pkg:1.2.3 (or -v 1.2.3).", "DL3028", NULL, NULL},
	[R_COPY_DOT] = {"VGL-DF-035", "Whole build context copied without a .dockerignore", MISCONF_MEDIUM,
			"COPY . copies everything next to the Dockerfile — .git, .env files, keys, local build "
			"output — into the image.",
			"Add a .dockerignore (or NAME.Dockerfile.dockerignore), or copy only what is needed.", NULL,
			NULL, NULL},
	[R_UNTRUSTED_REGISTRY] = {"VGL-DF-036", "Base image from a registry not in trusted-registries",
				  MISCONF_MEDIUM,
				  "Images from registries outside the allowed list bypass the organisation's supply "
				  "chain controls.",
				  "Use a base image from a trusted registry, or add the registry to trusted-registries.",
				  "DL3026", "CIS-DI-0002", NULL},
	[R_APT_NOT_APT_GET] = {"VGL-DF-037", "apt used instead of apt-get", MISCONF_LOW,
			       "apt's command line is meant for people and is not stable for scripts.",
			       "Use apt-get (or apt-cache).", "DL3027", NULL, NULL},
	[R_PIP_CACHE] = {"VGL-DF-038", "pip install without --no-cache-dir", MISCONF_LOW,
			 "pip keeps downloaded wheels in ~/.cache/pip, which ends up in the layer.",
			 "Add --no-cache-dir (or ENV PIP_NO_CACHE_DIR=1).", "DL3042", NULL, NULL},
	[R_SHELL_FORM_CMD] = {"VGL-DF-039", "CMD/ENTRYPOINT in shell form", MISCONF_LOW,
			      "In shell form the process runs under /bin/sh -c and does not receive SIGTERM: "
			      "containers stop only when killed.",
			      "Use the exec form: CMD [\"executable\", \"arg\"].", "DL3025", NULL, NULL},
};

const struct misconf_rule *misconf_dockerfile_rules(size_t *n)
{
	*n = R_COUNT;
	return rules;
}

bool misconf_id_matches(const struct misconf_rule *r, const char *id)
{
	return !strcasecmp(r->id, id) || misconf_rule_maps(r, id);
}

/* ---------- context ---------------------------------------------------------- */

struct ctx {
	const struct dockerfile *df;
	const struct lint_opts *o;
	struct misconf_findings *out;
	bool *in_chain; /* per stage: the final stage or one it is built FROM */
};

static bool ignored(const struct ctx *c, const struct df_instr *at, int rule)
{
	const struct misconf_rule *r = &rules[rule];
	for (size_t i = 0; i < at->nignores; i++)
		if (misconf_id_matches(r, at->ignores[i]))
			return true;
	for (size_t i = 0; i < c->df->nglobal_ignores; i++)
		if (misconf_id_matches(r, c->df->global_ignores[i]))
			return true;
	return false;
}

static void report(struct ctx *c, const struct df_instr *at, int rule, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void report(struct ctx *c, const struct df_instr *at, int rule, const char *fmt, ...)
{
	if (ignored(c, at, rule))
		return;
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	/* Messages quote the file: keep them printable UTF-8. */
	char *clean = utf8_sanitize(msg);
	misconf_add(c->out, &rules[rule], c->o->file, at->start_line, at->end_line, -1, "%s", clean);
	free(clean);
}

/* ---------- RUN scripts ---------------------------------------------------------- */

static bool is_shell(const char *prog)
{
	static const char *const sh[] = {"sh", "bash", "ash", "dash", "zsh", "ksh", "mksh", "busybox"};
	const char *b = sh_basename(prog);
	for (size_t i = 0; i < ARRAY_LEN(sh); i++)
		if (!strcmp(b, sh[i]))
			return true;
	return false;
}

/* The commands one RUN executes, as shell scripts. */
struct run {
	const struct df_instr *at;  /* where findings go (the RUN, or its ONBUILD) */
	const struct df_instr *run; /* the RUN */
	int stage;
	bool shell_form;            /* runs through the stage's SHELL */
	bool posix_shell;           /* that shell is sh-like */
	bool shell_pipefail;        /* SHELL [... "-o", "pipefail" ...] */
	struct sh_script *scripts;
	size_t nscripts;
};

static void add_script(struct run *r, const char *text)
{
	r->scripts = xrealloc(r->scripts, (r->nscripts + 1) * sizeof *r->scripts);
	sh_parse(text, strlen(text), &r->scripts[r->nscripts++]);
}

/* A here-document is a shell script unless its #! names another interpreter. */
static bool heredoc_is_shell(const char *content)
{
	if (strncmp(content, "#!", 2))
		return true;
	const char *nl = strchr(content, '\n');
	char *line = xstrndup(content + 2, nl ? (size_t)(nl - content - 2) : strlen(content + 2));
	struct sh_script s;
	sh_parse(line, strlen(line), &s);
	bool shell = false;
	if (s.n && s.cmds[0].argc) {
		const char *prog = s.cmds[0].argv[0];
		if (!strcmp(sh_basename(prog), "env") && s.cmds[0].argc > 1)
			prog = s.cmds[0].argv[1];
		shell = is_shell(prog);
	}
	sh_script_free(&s);
	free(line);
	return shell;
}

static void build_run(struct run *r)
{
	const struct df_instr *in = r->run;
	if (in->json) {
		/* Exec form: ["sh", "-c", "script"] runs a script; anything else
		 * is one command. */
		if (in->nargs >= 3 && is_shell(in->args[0])) {
			for (size_t i = 1; i + 1 < in->nargs; i++)
				if (!strcmp(in->args[i], "-c")) {
					add_script(r, in->args[i + 1]);
					return;
				}
		}
		r->scripts = xcalloc(1, sizeof *r->scripts);
		r->nscripts = 1;
		struct sh_script *s = &r->scripts[0];
		s->cmds = xcalloc(1, sizeof *s->cmds);
		s->n = s->cap = 1;
		s->cmds[0].argc = in->nargs;
		s->cmds[0].argv = xcalloc(in->nargs + 1, sizeof(char *));
		for (size_t i = 0; i < in->nargs; i++)
			s->cmds[0].argv[i] = xstrdup(in->args[i]);
		return;
	}
	if (!r->posix_shell)
		return; /* PowerShell or cmd.exe syntax: not ours to read */
	const char *cmd = in->nargs ? in->args[0] : "";
	if (!in->nheredocs) {
		add_script(r, cmd);
		return;
	}
	/* RUN <<EOF: the here-document is the script. RUN sh <<EOF (or bash):
	 * the same. RUN python3 <<EOF: only the command line is shell. */
	struct sh_script line;
	sh_parse(cmd, strlen(cmd), &line);
	bool only_heredoc = line.n == 0;
	bool feeds_shell = line.n == 1 && line.cmds[0].argc && is_shell(line.cmds[0].argv[0]) &&
			   line.cmds[0].argc == 1;
	sh_script_free(&line);
	if (!only_heredoc)
		add_script(r, cmd);
	if (only_heredoc || feeds_shell) {
		for (size_t i = 0; i < in->nheredocs; i++)
			if (heredoc_is_shell(in->heredocs[i].content))
				add_script(r, in->heredocs[i].content);
	}
}

static void run_free(struct run *r)
{
	for (size_t i = 0; i < r->nscripts; i++)
		sh_script_free(&r->scripts[i]);
	free(r->scripts);
}

/* Iterating the commands of a RUN. */
#define FOR_CMDS(r, si, ci, c)                                                                                 \
	for (size_t si = 0; si < (r)->nscripts; si++)                                                          \
		for (size_t ci = 0; ci < (r)->scripts[si].n; ci++)                                             \
			for (const struct sh_cmd *c = &(r)->scripts[si].cmds[ci]; c; c = NULL)

/* Program of c (basename), or "" when none; *args = index after it. */
static const char *prog_of(const struct sh_cmd *c, size_t *args, bool *sudo)
{
	size_t i = sh_program(c, sudo);
	if (i >= c->argc) {
		*args = c->argc;
		return "";
	}
	*args = i + 1;
	return sh_basename(c->argv[i]);
}

/* ---------- package managers ----------------------------------------------------- */

enum pm {
	PM_NONE,
	PM_APT_GET,
	PM_APT,
	PM_APK,
	PM_YUM,
	PM_DNF,
	PM_MICRODNF,
	PM_ZYPPER,
	PM_PIP,
	PM_NPM,
	PM_GEM,
};

struct pmcmd {
	enum pm pm;
	const struct sh_cmd *c;
	size_t first;        /* first argument after the program (and "-m pip") */
	size_t verb;         /* index of the verb, c->argc when none */
	const char *verbname;
};

/* Options (by package manager) that take the next word as their value. */
static bool opt_takes_value(enum pm pm, const char *o)
{
	static const char *const apt[] = {"-o", "-c", "-t", "-a", "--option", "--config-file", "--target-release",
					  "--default-release", "--host-architecture", NULL};
	static const char *const apk[] = {"-X", "--repository", "-p", "--root", "-t", "--virtual", "--arch",
					  "--cache-dir", "--keys-dir", "--repositories-file", NULL};
	static const char *const rpm[] = {"-c", "--config", "--installroot", "--releasever", "--enablerepo",
					  "--disablerepo", "-x", "--exclude", "--setopt", "--repo", "--repoid",
					  "--forcearch", "-d", "-e", "--downloaddir", "--destdir", "--nodocs?", NULL};
	static const char *const zyp[] = {"-c", "--config", "-R", "--root", "-t", "--type", "-r", "--repo",
					  "--from", "--reposd-dir", "--cache-dir", NULL};
	static const char *const pip[] = {"-r", "--requirement", "-c", "--constraint", "-e", "--editable", "-i",
					  "--index-url", "--extra-index-url", "-f", "--find-links", "-t", "--target",
					  "--prefix", "--root", "--trusted-host", "--platform", "--python-version",
					  "--implementation", "--abi", "--src", "--cache-dir", "--progress-bar",
					  "--upgrade-strategy", "--global-option", "--install-option", "--config-settings",
					  "-C", "--log", "--proxy", "--retries", "--timeout", "--exists-action", "--cert",
					  "--client-cert", "--only-binary", "--no-binary", "--report", NULL};
	static const char *const npm[] = {"--prefix", "--registry", "--cache", "--userconfig", "-w", "--workspace",
					  "--tag", NULL};
	static const char *const gem[] = {"-v", "--version", "-i", "--install-dir", "-n", "--bindir", "--source",
					  "-s", "-P", "--trust-policy", "--platform", "--build-root", NULL};
	const char *const *t = NULL;
	switch (pm) {
	case PM_APT_GET:
	case PM_APT:
		t = apt;
		break;
	case PM_APK:
		t = apk;
		break;
	case PM_YUM:
	case PM_DNF:
	case PM_MICRODNF:
		t = rpm;
		break;
	case PM_ZYPPER:
		t = zyp;
		break;
	case PM_PIP:
		t = pip;
		break;
	case PM_NPM:
		t = npm;
		break;
	case PM_GEM:
		t = gem;
		break;
	default:
		return false;
	}
	for (size_t i = 0; t[i]; i++)
		if (!strcmp(o, t[i]))
			return true;
	return false;
}

static bool is_pip(const char *p)
{
	if (!strncmp(p, "pip", 3)) {
		p += 3;
		return !*p || strspn(p, "0123456789.") == strlen(p);
	}
	return false;
}

static bool is_python(const char *p)
{
	if (!strncmp(p, "python", 6)) {
		p += 6;
		return strspn(p, "0123456789.") == strlen(p);
	}
	return false;
}

static bool pm_of(const struct sh_cmd *c, struct pmcmd *out)
{
	memset(out, 0, sizeof *out);
	size_t a;
	const char *p = prog_of(c, &a, NULL);
	out->c = c;
	if (!strcmp(p, "apt-get"))
		out->pm = PM_APT_GET;
	else if (!strcmp(p, "apt"))
		out->pm = PM_APT;
	else if (!strcmp(p, "apk"))
		out->pm = PM_APK;
	else if (!strcmp(p, "yum"))
		out->pm = PM_YUM;
	else if (!strcmp(p, "dnf"))
		out->pm = PM_DNF;
	else if (!strcmp(p, "microdnf"))
		out->pm = PM_MICRODNF;
	else if (!strcmp(p, "zypper"))
		out->pm = PM_ZYPPER;
	else if (is_pip(p))
		out->pm = PM_PIP;
	else if (!strcmp(p, "npm"))
		out->pm = PM_NPM;
	else if (!strcmp(p, "gem"))
		out->pm = PM_GEM;
	else if (is_python(p) && a + 1 < c->argc && !strcmp(c->argv[a], "-m") &&
		 (!strcmp(c->argv[a + 1], "pip") || !strcmp(c->argv[a + 1], "pip3"))) {
		out->pm = PM_PIP;
		a += 2;
	} else
		return false;
	out->first = a;
	out->verb = c->argc;
	out->verbname = "";
	for (size_t i = a; i < c->argc; i++) {
		const char *w = c->argv[i];
		if (w[0] == '-') {
			if (!strchr(w, '=') && opt_takes_value(out->pm, w))
				i++;
			continue;
		}
		out->verb = i;
		out->verbname = w;
		break;
	}
	return true;
}

static bool verb_is(const struct pmcmd *p, const char *const *verbs)
{
	for (size_t i = 0; verbs[i]; i++)
		if (!strcmp(p->verbname, verbs[i]))
			return true;
	return false;
}

static const char *const install_verbs[] = {"install", "in", "add", "reinstall", "groupinstall", "localinstall",
					    "source-install", "upgrade", "dist-upgrade", "full-upgrade", "update",
					    "up", "dup", NULL};

static bool is_install(const struct pmcmd *p)
{
	static const char *const v[] = {"install", "in", "add", "reinstall", "groupinstall", "localinstall", NULL};
	switch (p->pm) {
	case PM_APK:
		return !strcmp(p->verbname, "add");
	case PM_NPM:
		return !strcmp(p->verbname, "install") || !strcmp(p->verbname, "i") || !strcmp(p->verbname, "add");
	case PM_PIP:
	case PM_GEM:
	case PM_APT_GET:
	case PM_APT:
		return !strcmp(p->verbname, "install");
	default:
		return verb_is(p, v);
	}
}

/* Which family an index refresh or install belongs to (apt and apt-get
 * share one index; yum, dnf and microdnf another). */
static int family(enum pm pm)
{
	switch (pm) {
	case PM_APT_GET:
	case PM_APT:
		return 1;
	case PM_APK:
		return 2;
	case PM_YUM:
	case PM_DNF:
	case PM_MICRODNF:
		return 3;
	case PM_ZYPPER:
		return 4;
	default:
		return 0;
	}
}

static bool is_index_refresh(const struct pmcmd *p)
{
	switch (p->pm) {
	case PM_APT_GET:
	case PM_APT:
	case PM_APK:
		return !strcmp(p->verbname, "update");
	case PM_YUM:
	case PM_DNF:
	case PM_MICRODNF:
		return !strcmp(p->verbname, "makecache") || !strcmp(p->verbname, "check-update");
	case PM_ZYPPER:
		return !strcmp(p->verbname, "refresh") || !strcmp(p->verbname, "ref");
	default:
		return false;
	}
}

static bool is_upgrade(const struct pmcmd *p)
{
	static const char *const apt[] = {"upgrade", "dist-upgrade", "full-upgrade", NULL};
	static const char *const rpm[] = {"upgrade", "update", "distro-sync", "upgrade-minimal", "distrosync", NULL};
	static const char *const zyp[] = {"update", "up", "dist-upgrade", "dup", "patch", NULL};
	switch (p->pm) {
	case PM_APT_GET:
	case PM_APT:
		return verb_is(p, apt);
	case PM_APK:
		return !strcmp(p->verbname, "upgrade");
	case PM_YUM:
	case PM_DNF:
	case PM_MICRODNF:
		return verb_is(p, rpm);
	case PM_ZYPPER:
		return verb_is(p, zyp);
	default:
		return false;
	}
}

static bool has_arg(const struct sh_cmd *c, size_t from, const char *a)
{
	for (size_t i = from; i < c->argc; i++)
		if (!strcmp(c->argv[i], a))
			return true;
	return false;
}

/* A short-option cluster ("-qy") holding letter ch. */
static bool short_cluster_has(const char *w, char ch)
{
	return w[0] == '-' && w[1] && w[1] != '-' && strchr(w + 1, ch) && !strchr(w, '=');
}

/* The package arguments of an install (non-options after the verb). */
static size_t packages(const struct pmcmd *p, const char **out, size_t max)
{
	size_t n = 0;
	for (size_t i = p->verb + 1; i < p->c->argc && n < max; i++) {
		const char *w = p->c->argv[i];
		if (w[0] == '-' && w[1]) {
			if (!strchr(w, '=') && opt_takes_value(p->pm, w))
				i++;
			continue;
		}
		out[n++] = w;
	}
	return n;
}

/* ---------- rules over RUN ---------------------------------------------------- */

static bool rm_of(const struct run *r, const char *prefix)
{
	FOR_CMDS(r, si, ci, c)
	{
		size_t a;
		if (strcmp(prog_of(c, &a, NULL), "rm"))
			continue;
		for (size_t i = a; i < c->argc; i++)
			if (!strncmp(c->argv[i], prefix, strlen(prefix)))
				return true;
	}
	return false;
}

/* RUN --mount=type=cache,target=DIR with DIR at or above path. */
static bool cache_mount(const struct df_instr *run, const char *path)
{
	for (size_t i = 0; i < run->nflags; i++) {
		const struct df_flag *f = &run->flags[i];
		if (strcmp(f->name, "mount") || !strstr(f->value, "type=cache"))
			continue;
		char *v = xstrdup(f->value);
		bool hit = false;
		for (char *tok = strtok(v, ","); tok; tok = strtok(NULL, ",")) {
			const char *t = NULL;
			if (!strncmp(tok, "target=", 7))
				t = tok + 7;
			else if (!strncmp(tok, "dst=", 4))
				t = tok + 4;
			else if (!strncmp(tok, "destination=", 12))
				t = tok + 12;
			if (t) {
				size_t tl = strlen(t);
				while (tl > 1 && t[tl - 1] == '/')
					tl--;
				if (!strncmp(path, t, tl) && (path[tl] == 0 || path[tl] == '/'))
					hit = true;
			}
		}
		free(v);
		if (hit)
			return true;
	}
	return false;
}

static void join_list(char *dst, size_t cap, const char **v, size_t n)
{
	dst[0] = 0;
	size_t len = 0;
	for (size_t i = 0; i < n && len + 8 < cap; i++) {
		int k = snprintf(dst + len, cap - len, "%s%s", i ? ", " : "", v[i]);
		if (k < 0 || (size_t)k >= cap - len) {
			snprintf(dst + (cap > 5 ? cap - 5 : 0), cap > 5 ? 5 : cap, "...");
			return;
		}
		len += (size_t)k;
	}
}

static bool unpinned_apt(const char *w)
{
	size_t n = strlen(w);
	return !strchr(w, '=') && !strchr(w, '$') && w[0] != '/' && w[0] != '.' &&
	       !(n > 4 && !strcmp(w + n - 4, ".deb"));
}

static bool unpinned_apk(const char *w)
{
	size_t n = strlen(w);
	return !strpbrk(w, "=~<>$") && w[0] != '/' && w[0] != '.' && !(n > 4 && !strcmp(w + n - 4, ".apk"));
}

static bool unpinned_pip(const char *w)
{
	size_t n = strlen(w);
	if (strpbrk(w, "=<>~!@$/") || w[0] == '.')
		return false;
	static const char *const files[] = {".whl", ".tar.gz", ".zip", ".tar.bz2", ".tgz"};
	for (size_t i = 0; i < ARRAY_LEN(files); i++) {
		size_t k = strlen(files[i]);
		if (n > k && !strcmp(w + n - k, files[i]))
			return false;
	}
	return true;
}

static bool unpinned_npm(const char *w)
{
	size_t n = strlen(w);
	if (strchr(w, '$') || w[0] == '.' || w[0] == '/' || strstr(w, "://") || !strncmp(w, "git", 3) ||
	    (n > 4 && !strcmp(w + n - 4, ".tgz")) || strchr(w, ':'))
		return false;
	const char *p = w[0] == '@' ? w + 1 : w;
	if (w[0] == '@' && !strchr(p, '/'))
		return false; /* not a package name */
	return !strchr(p, '@');
}

static bool unpinned_gem(const char *w)
{
	size_t n = strlen(w);
	return !strchr(w, ':') && !strchr(w, '$') && !(n > 4 && !strcmp(w + n - 4, ".gem"));
}

static bool apt_yes(const struct sh_cmd *c, size_t from)
{
	for (size_t i = from; i < c->argc; i++) {
		const char *w = c->argv[i];
		if (!strcmp(w, "-y") || !strcmp(w, "--yes") || !strcmp(w, "--assume-yes") || !strcmp(w, "-q=2") ||
		    !strcmp(w, "--quiet=2") || !strcasecmp(w, "--assume-yes=true") || !strcmp(w, "--yes=true"))
			return true;
		if (short_cluster_has(w, 'y'))
			return true;
		/* -qq implies -y for apt-get. */
		if (w[0] == '-' && w[1] == 'q' && strchr(w + 2, 'q') && w[1] != '-')
			return true;
	}
	return false;
}

static bool apt_no_recommends(const struct sh_cmd *c, size_t from)
{
	for (size_t i = from; i < c->argc; i++) {
		const char *w = c->argv[i];
		if (!strcmp(w, "--no-install-recommends"))
			return true;
		const char *o = strcasestr(w, "APT::Install-Recommends=");
		if (o) {
			o += strlen("APT::Install-Recommends=");
			if (!strcasecmp(o, "false") || !strcmp(o, "0") || !strcasecmp(o, "no"))
				return true;
		}
	}
	return false;
}

static bool rpm_yes(const struct pmcmd *p)
{
	const struct sh_cmd *c = p->c;
	if (p->pm == PM_ZYPPER) {
		for (size_t i = p->first; i < c->argc; i++) {
			const char *w = c->argv[i];
			if (i < p->verb && (!strcmp(w, "-n") || !strcmp(w, "--non-interactive") ||
					    short_cluster_has(w, 'n')))
				return true;
			if (i > p->verb && (!strcmp(w, "-y") || !strcmp(w, "--no-confirm")))
				return true;
		}
		return false;
	}
	for (size_t i = p->first; i < c->argc; i++) {
		const char *w = c->argv[i];
		if (!strcmp(w, "-y") || !strcmp(w, "--assumeyes") || short_cluster_has(w, 'y'))
			return true;
	}
	return false;
}

/* Is there a "<mgr> clean" of the right kind in the RUN? */
static bool rpm_cleaned(const struct run *r, enum pm pm)
{
	FOR_CMDS(r, si, ci, c)
	{
		struct pmcmd q;
		if (!pm_of(c, &q))
			continue;
		if (pm == PM_ZYPPER) {
			if (q.pm == PM_ZYPPER && (!strcmp(q.verbname, "clean") || !strcmp(q.verbname, "cc")))
				return true;
		} else if (family(q.pm) == 3 && !strcmp(q.verbname, "clean") && has_arg(c, q.verb + 1, "all")) {
			return true;
		}
	}
	switch (pm) {
	case PM_YUM:
		return rm_of(r, "/var/cache/yum") || cache_mount(r->run, "/var/cache/yum");
	case PM_DNF:
	case PM_MICRODNF:
		return rm_of(r, "/var/cache/dnf") || rm_of(r, "/var/cache/yum") ||
		       cache_mount(r->run, "/var/cache/dnf") || cache_mount(r->run, "/var/cache/yum");
	case PM_ZYPPER:
		return rm_of(r, "/var/cache/zypp") || cache_mount(r->run, "/var/cache/zypp");
	default:
		return true;
	}
}

static bool is_downloader(const char *p)
{
	return !strcmp(p, "curl") || !strcmp(p, "wget") || !strcmp(p, "fetch");
}

static bool is_interpreter(const char *p)
{
	static const char *const v[] = {"perl", "ruby", "node", "php", "python", "python2", "python3"};
	if (is_shell(p))
		return true;
	for (size_t i = 0; i < ARRAY_LEN(v); i++)
		if (!strcmp(p, v[i]))
			return true;
	return is_python(p);
}

/* `sh -c "$(curl …)"`, `bash <(wget -O- …)`: a shell whose argument is a
 * substitution running a downloader. */
static bool subst_download(const char *w)
{
	const char *s = strstr(w, "$(");
	if (!s)
		s = strstr(w, "<(");
	if (!s)
		s = strchr(w, '`');
	if (!s)
		return false;
	return strstr(s, "curl ") || strstr(s, "wget ") || strstr(s, "curl\t") || strstr(s, "wget\t");
}

static bool script_sets_pipefail_before(const struct sh_script *s, size_t upto)
{
	for (size_t i = 0; i < upto && i < s->n; i++) {
		const struct sh_cmd *c = &s->cmds[i];
		size_t a;
		if (strcmp(prog_of(c, &a, NULL), "set"))
			continue;
		for (size_t k = a; k + 1 < c->argc; k++) {
			const char *w = c->argv[k];
			if ((w[0] == '-' && w[1] != '-' && strchr(w, 'o')) && !strcmp(c->argv[k + 1], "pipefail"))
				return true;
		}
	}
	return false;
}

static void check_run(struct ctx *cx, struct run *r, bool *seen_curl, bool *seen_wget, bool *wget_curl_done,
		      bool pip_env_nocache)
{
	const struct df_instr *at = r->at;
	bool chain = r->stage >= 0 && cx->in_chain[r->stage];
	bool did_cd = false, did_sudo = false, did_remote = false, did_pipefail = false, did_apt = false;
	bool apt_install = false;
	const char *unp_apt[64], *unp_apk[64], *unp_pip[64], *unp_npm[64], *unp_gem[64];
	size_t n_apt = 0, n_apk = 0, n_pip = 0, n_npm = 0, n_gem = 0;
	bool flagged_yes = false, flagged_rec = false, flagged_apk = false, flagged_rpm_yes = false,
	     flagged_upgrade = false, flagged_pipcache = false;
	/* Index refreshes not yet followed by an install, per family. */
	int pending_refresh[5] = {0};
	bool rpm_used[PM_GEM + 1] = {false};

	for (size_t si = 0; si < r->nscripts; si++) {
		const struct sh_script *s = &r->scripts[si];
		size_t pipe_start = 0;
		for (size_t ci = 0; ci < s->n; ci++) {
			const struct sh_cmd *c = &s->cmds[ci];
			bool sudo = false;
			size_t a;
			const char *p = prog_of(c, &a, &sudo);
			if (ci > 0 && s->cmds[ci - 1].op != SH_PIPE)
				pipe_start = ci;
			if ((sudo || !strcmp(p, "sudo")) && !did_sudo) {
				did_sudo = true;
				report(cx, at, R_SUDO, "%s runs a command with sudo", df_cmd_name(r->run->cmd));
			}
			if (!strcmp(p, "cd") && !did_cd) {
				did_cd = true;
				report(cx, at, R_RUN_CD, "RUN changes directory with cd%s%s", c->argc > a ? " " : "",
				       c->argc > a ? c->argv[a] : "");
			}
			if (!strcmp(p, "curl"))
				*seen_curl = true;
			if (!strcmp(p, "wget"))
				*seen_wget = true;
			/* Pipes: pipefail and remote execution. */
			if (c->op == SH_PIPE && r->shell_form && !r->shell_pipefail && !did_pipefail &&
			    !script_sets_pipefail_before(s, ci)) {
				did_pipefail = true;
				report(cx, at, R_PIPEFAIL, "RUN pipes '%s' into '%s' without set -o pipefail", p,
				       ci + 1 < s->n ? prog_of(&s->cmds[ci + 1], &a, NULL) : "");
			}
			if (!did_remote && ci > pipe_start && s->cmds[ci - 1].op == SH_PIPE && is_interpreter(p)) {
				for (size_t k = pipe_start; k < ci; k++) {
					size_t b;
					const char *q = prog_of(&s->cmds[k], &b, NULL);
					if (is_downloader(q)) {
						did_remote = true;
						report(cx, at, R_REMOTE_EXEC, "RUN pipes the output of %s into %s", q,
						       p);
						break;
					}
				}
			}
			if (!did_remote && is_shell(p)) {
				for (size_t k = a; k < c->argc; k++)
					if (subst_download(c->argv[k])) {
						did_remote = true;
						report(cx, at, R_REMOTE_EXEC,
						       "RUN runs a downloaded script with %s (%s)", p,
						       strstr(c->argv[k], "curl") ? "curl" : "wget");
						break;
					}
			}
			struct pmcmd pc;
			if (!pm_of(c, &pc))
				continue;
			int fam = family(pc.pm);
			if (fam && is_index_refresh(&pc))
				pending_refresh[fam] = 1;
			else if (fam && verb_is(&pc, install_verbs))
				pending_refresh[fam] = 0;
			if (pc.pm == PM_APT && !did_apt && *pc.verbname) {
				did_apt = true;
				report(cx, at, R_APT_NOT_APT_GET, "RUN uses 'apt %s'; use apt-get in scripts",
				       pc.verbname);
			}
			if (is_upgrade(&pc) && !flagged_upgrade) {
				flagged_upgrade = true;
				report(cx, at, R_UPGRADE, "RUN runs '%s %s'", p, pc.verbname);
			}
			if (!is_install(&pc))
				continue;
			const char *pk[64];
			size_t npk = packages(&pc, pk, ARRAY_LEN(pk));
			switch (pc.pm) {
			case PM_APT_GET:
			case PM_APT:
				apt_install = true;
				if (!apt_yes(c, pc.first) && !flagged_yes) {
					flagged_yes = true;
					report(cx, at, R_APT_YES, "'%s install' without -y", p);
				}
				if (!apt_no_recommends(c, pc.first) && !flagged_rec) {
					flagged_rec = true;
					report(cx, at, R_APT_RECOMMENDS, "'%s install' without --no-install-recommends",
					       p);
				}
				for (size_t k = 0; k < npk && n_apt < ARRAY_LEN(unp_apt); k++)
					if (unpinned_apt(pk[k]))
						unp_apt[n_apt++] = pk[k];
				break;
			case PM_APK:
				if (!has_arg(c, pc.first, "--no-cache") && chain && !flagged_apk &&
				    !rm_of(r, "/var/cache/apk") && !cache_mount(r->run, "/var/cache/apk")) {
					flagged_apk = true;
					report(cx, at, R_APK_NO_CACHE, "'apk add' without --no-cache");
				}
				for (size_t k = 0; k < npk && n_apk < ARRAY_LEN(unp_apk); k++) {
					/* --virtual NAME is consumed as an option value already. */
					if (unpinned_apk(pk[k]))
						unp_apk[n_apk++] = pk[k];
				}
				break;
			case PM_YUM:
			case PM_DNF:
			case PM_MICRODNF:
			case PM_ZYPPER:
				rpm_used[pc.pm] = true;
				if (pc.pm != PM_MICRODNF && !rpm_yes(&pc) && !flagged_rpm_yes) {
					flagged_rpm_yes = true;
					report(cx, at, R_RPM_YES, "'%s %s' without %s", p, pc.verbname,
					       pc.pm == PM_ZYPPER ? "--non-interactive" : "-y");
				}
				break;
			case PM_PIP:
				if (!has_arg(c, pc.first, "--no-cache-dir") && chain && !pip_env_nocache &&
				    !flagged_pipcache && !cache_mount(r->run, "/root/.cache/pip") && npk) {
					flagged_pipcache = true;
					report(cx, at, R_PIP_CACHE, "'%s install' without --no-cache-dir", p);
				}
				for (size_t k = 0; k < npk && n_pip < ARRAY_LEN(unp_pip); k++)
					if (unpinned_pip(pk[k]))
						unp_pip[n_pip++] = pk[k];
				break;
			case PM_NPM:
				for (size_t k = 0; k < npk && n_npm < ARRAY_LEN(unp_npm); k++)
					if (unpinned_npm(pk[k]))
						unp_npm[n_npm++] = pk[k];
				break;
			case PM_GEM: {
				bool versioned = false;
				for (size_t k = pc.first; k < c->argc; k++)
					if (!strcmp(c->argv[k], "-v") || !strcmp(c->argv[k], "--version") ||
					    !strncmp(c->argv[k], "--version=", 10))
						versioned = true;
				for (size_t k = 0; !versioned && k < npk && n_gem < ARRAY_LEN(unp_gem); k++)
					if (unpinned_gem(pk[k]))
						unp_gem[n_gem++] = pk[k];
				break;
			}
			default:
				break;
			}
		}
	}
	static const char *const fam_names[] = {"", "apt-get", "apk", "yum/dnf", "zypper"};
	for (int f = 1; f < 5; f++)
		if (pending_refresh[f]) {
			report(cx, at, R_UPDATE_ALONE, "%s index updated without an install in the same RUN",
			       fam_names[f]);
			break;
		}
	if (apt_install && chain && !rm_of(r, "/var/lib/apt/lists") && !cache_mount(r->run, "/var/lib/apt/lists"))
		report(cx, at, R_APT_LISTS, "apt-get install without rm -rf /var/lib/apt/lists/* in the same RUN");
	if (chain) {
		static const enum pm order[] = {PM_YUM, PM_DNF, PM_MICRODNF, PM_ZYPPER};
		static const char *const names[] = {"yum clean all", "dnf clean all", "microdnf clean all",
						    "zypper clean"};
		for (size_t k = 0; k < ARRAY_LEN(order); k++)
			if (rpm_used[order[k]] && !rpm_cleaned(r, order[k])) {
				report(cx, at, R_RPM_CLEAN, "install without '%s' in the same RUN", names[k]);
				break;
			}
	}
	char list[600];
	if (n_apt) {
		join_list(list, sizeof list, unp_apt, n_apt);
		report(cx, at, R_PIN_APT, "apt-get install of unpinned packages: %s", list);
	}
	if (n_apk) {
		join_list(list, sizeof list, unp_apk, n_apk);
		report(cx, at, R_PIN_APK, "apk add of unpinned packages: %s", list);
	}
	if (n_pip) {
		join_list(list, sizeof list, unp_pip, n_pip);
		report(cx, at, R_PIN_PIP, "pip install of unpinned packages: %s", list);
	}
	if (n_npm) {
		join_list(list, sizeof list, unp_npm, n_npm);
		report(cx, at, R_PIN_NPM, "npm install of unpinned packages: %s", list);
	}
	if (n_gem) {
		join_list(list, sizeof list, unp_gem, n_gem);
		report(cx, at, R_PIN_GEM, "gem install of unpinned gems: %s", list);
	}
	if (*seen_curl && *seen_wget && !*wget_curl_done) {
		*wget_curl_done = true;
		report(cx, at, R_WGET_CURL, "this stage uses both wget and curl");
	}
}

/* ---------- rules over instructions -------------------------------------------- */

static bool is_url(const char *s)
{
	return !strncasecmp(s, "http://", 7) || !strncasecmp(s, "https://", 8) || !strncmp(s, "git@", 4);
}

static bool is_tar_archive(const char *s)
{
	static const char *const ext[] = {".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tbz", ".tar.xz",
					  ".txz", ".tar.zst", ".tzst", ".tar.lz", ".tar.lzma"};
	size_t n = strlen(s);
	for (size_t i = 0; i < ARRAY_LEN(ext); i++) {
		size_t k = strlen(ext[i]);
		if (n > k && !strcasecmp(s + n - k, ext[i]))
			return true;
	}
	return false;
}

static bool is_heredoc_src(const struct df_instr *in, const char *s)
{
	if (!in->nheredocs)
		return false;
	while (isdigit((unsigned char)*s))
		s++;
	return !strncmp(s, "<<", 2);
}

static void check_add_copy(struct ctx *cx, const struct df_instr *at, const struct df_instr *in, int stage)
{
	size_t nsrc = in->nargs ? in->nargs - 1 : 0;
	if (in->cmd == DF_ADD) {
		bool local = false, url = false;
		const char *first_url = NULL, *first_local = NULL;
		for (size_t i = 0; i < nsrc; i++) {
			const char *s = in->args[i];
			if (is_url(s)) {
				url = true;
				if (!first_url)
					first_url = s;
			} else if (!is_tar_archive(s) || is_heredoc_src(in, s)) {
				local = true;
				if (!first_local)
					first_local = s;
			}
		}
		if (url && !df_flag_get(in, "checksum"))
			report(cx, at, R_ADD_URL, "ADD downloads %s without --checksum", first_url);
		if (local)
			report(cx, at, R_ADD_LOCAL, "ADD %s: use COPY for files that are not tar archives to extract",
			       first_local);
	}
	if (nsrc >= 2 && in->nargs) {
		const char *dst = in->args[in->nargs - 1];
		size_t dl = strlen(dst);
		if (!dl || (dst[dl - 1] != '/' && !(cx->df->escape == '`' && dst[dl - 1] == '\\')))
			report(cx, at, R_COPY_DEST_SLASH, "%s with %zu sources to '%s', which does not end in '/'",
			       df_cmd_name(in->cmd), nsrc, dst);
	}
	const struct df_flag *from = in->cmd == DF_COPY ? df_flag_get(in, "from") : NULL;
	if (from && stage >= 0) {
		const struct df_stage *st = &cx->df->stages[stage];
		char idx[24];
		snprintf(idx, sizeof idx, "%d", stage);
		if ((st->name && !strcasecmp(from->value, st->name)) || !strcmp(from->value, idx))
			report(cx, at, R_COPY_FROM_SELF, "COPY --from=%s names the stage it is in", from->value);
	}
	if (!from && cx->o->context_dir && at == in) {
		bool dot = false;
		for (size_t i = 0; i < nsrc; i++)
			if (!strcmp(in->args[i], ".") || !strcmp(in->args[i], "./") || !strcmp(in->args[i], "./."))
				dot = true;
		if (dot) {
			struct stat sb;
			char *p1 = xasprintf("%s/.dockerignore", cx->o->context_dir);
			char *p2 = cx->o->path ? xasprintf("%s.dockerignore", cx->o->path) : NULL;
			bool have = stat(p1, &sb) == 0 || (p2 && stat(p2, &sb) == 0);
			free(p1);
			free(p2);
			if (!have)
				report(cx, at, R_COPY_DOT, "%s copies the whole build context and there is no .dockerignore",
				       df_cmd_name(in->cmd));
		}
	}
}

/* ports: "80", "80/tcp", "8000-8010/udp". */
static void check_expose(struct ctx *cx, const struct df_instr *in)
{
	if (in->unresolved)
		return;
	for (size_t i = 0; i < in->nargs; i++) {
		char *a = xstrdup(in->args[i]);
		char *slash = strchr(a, '/');
		const char *proto = "tcp";
		if (slash) {
			*slash = 0;
			proto = slash + 1;
		}
		char *dash = strchr(a, '-');
		char *lo = a, *hi = dash ? dash + 1 : a;
		if (dash)
			*dash = 0;
		bool ok = *lo && *hi && strspn(lo, "0123456789") == strlen(lo) &&
			  strspn(hi, "0123456789") == strlen(hi) && strlen(lo) <= 5 && strlen(hi) <= 5;
		long l = ok ? strtol(lo, NULL, 10) : -1, h = ok ? strtol(hi, NULL, 10) : -1;
		if (!ok || l > 65535 || h > 65535 || h < l)
			report(cx, in, R_PORT_RANGE, "EXPOSE %s: not a port (0-65535)", in->args[i]);
		else if (l <= 22 && 22 <= h && !strcasecmp(proto, "tcp"))
			report(cx, in, R_PORT_22, "EXPOSE %s exposes the SSH port", in->args[i]);
		free(a);
	}
}

bool misconf_secret_name(const char *name)
{
	size_t n = strlen(name);
	char *u = xmalloc(n + 1);
	for (size_t i = 0; i <= n; i++)
		u[i] = (char)toupper((unsigned char)name[i]);
	bool hit = false;
	static const char *const not_suffix[] = {"_FILE", "_PATH", "_DIR", "_FILES", "_LOCATION", "_URL", "_ENDPOINT"};
	static const char *const contains[] = {"PASSWORD", "PASSWD", "SECRET", "TOKEN", "PASSPHRASE", "CREDENTIAL",
					       "API_KEY", "APIKEY", "PRIVATE_KEY", "ACCESS_KEY"};
	/* Public data with key-ish names in official images (ENV GPG_KEY …). */
	static const char *const public_key[] = {"GPG", "PGP", "PUBLIC", "KEYRING", "KEYSERVER"};
	static const char *const aws_config[] = {"AWS_REGION", "AWS_DEFAULT_REGION", "AWS_PROFILE",
						 "AWS_DEFAULT_PROFILE", "AWS_DEFAULT_OUTPUT", "AWS_PAGER",
						 "AWS_RETRY_MODE", "AWS_MAX_ATTEMPTS", "AWS_SDK_LOAD_CONFIG",
						 "AWS_CA_BUNDLE", "AWS_EC2_METADATA_DISABLED",
						 "AWS_STS_REGIONAL_ENDPOINTS", "AWS_USE_FIPS_ENDPOINT"};
	for (size_t i = 0; i < ARRAY_LEN(not_suffix); i++) {
		size_t k = strlen(not_suffix[i]);
		if (n > k && !strcmp(u + n - k, not_suffix[i]))
			goto out;
	}
	for (size_t i = 0; i < ARRAY_LEN(public_key); i++)
		if (strstr(u, public_key[i]))
			goto out;
	for (size_t i = 0; i < ARRAY_LEN(contains); i++)
		if (strstr(u, contains[i]))
			hit = true;
	if ((n > 4 && !strcmp(u + n - 4, "_KEY")) || !strcmp(u, "KEY") || (n > 5 && !strcmp(u + n - 5, "_PASS")))
		hit = true;
	if (!strncmp(u, "AWS_", 4)) {
		hit = true;
		for (size_t i = 0; i < ARRAY_LEN(aws_config); i++)
			if (!strcmp(u, aws_config[i]))
				hit = false;
	}
out:
	free(u);
	return hit;
}

static void check_secrets(struct ctx *cx, const struct df_instr *in)
{
	for (size_t i = 0; i < in->nkvs; i++) {
		const struct df_kv *kv = &in->kvs[i];
		if (!kv->raw_value || !*kv->raw_value || !misconf_secret_name(kv->key))
			continue;
		/* A value of "" or '' is empty too. */
		if (kv->value && !*kv->value && !strchr(kv->raw_value, '$'))
			continue;
		report(cx, in, R_SECRET_ENV, "%s %s sets a secret-looking variable%s", df_cmd_name(in->cmd), kv->key,
		       in->cmd == DF_ENV ? " stored in the image config"
					 : " whose value is recorded in the image history");
	}
}

/* Registry of an image reference, Docker's rule: the first component when
 * it has a '.' or ':' or is "localhost". */
static char *registry_of(const char *image)
{
	const char *slash = strchr(image, '/');
	if (slash) {
		size_t k = (size_t)(slash - image);
		if (memchr(image, '.', k) || memchr(image, ':', k) || (k == 9 && !strncmp(image, "localhost", 9)))
			return xstrndup(image, k);
	}
	return xstrdup("docker.io");
}

static void check_stages(struct ctx *cx)
{
	const struct dockerfile *df = cx->df;
	for (size_t s = 0; s < df->nstages; s++) {
		const struct df_stage *st = &df->stages[s];
		const struct df_instr *from = &df->instrs[st->from];
		for (size_t k = 0; k < s; k++)
			if (st->name && df->stages[k].name && !strcmp(st->name, df->stages[k].name)) {
				report(cx, from, R_DUP_STAGE, "stage name '%s' is already used on line %d", st->name,
				       df->instrs[df->stages[k].from].start_line);
				break;
			}
		if (st->parent >= 0 || !strcasecmp(st->image, "scratch") || st->image_unresolved)
			continue;
		const char *img = st->image;
		if (!strchr(img, '@')) {
			const char *slash = strrchr(img, '/');
			const char *colon = strrchr(slash ? slash : img, ':');
			if (!colon)
				report(cx, from, R_LATEST, "FROM %s has no tag: it means %s:latest", img, img);
			else if (!strcmp(colon + 1, "latest"))
				report(cx, from, R_LATEST, "FROM %s uses the 'latest' tag", img);
		}
		const struct misconf_config *cfg = cx->o->cfg;
		if (cfg && cfg->ntrusted) {
			char *reg = registry_of(img);
			bool ok = false;
			for (size_t i = 0; i < cfg->ntrusted; i++) {
				const char *t = cfg->trusted_registries[i];
				size_t tl = strlen(t);
				if (!strcasecmp(reg, t) || (!strncasecmp(img, t, tl) && img[tl] == '/'))
					ok = true;
			}
			if (!ok)
				report(cx, from, R_UNTRUSTED_REGISTRY, "FROM %s: registry %s is not trusted", img, reg);
			free(reg);
		}
	}
}

/* SHELL ["bash", "-o", "pipefail", "-c"] or ["bash", "-eo", "pipefail", …]. */
static bool shell_has_pipefail(const struct df_instr *sh)
{
	for (size_t i = 1; i + 1 < sh->nargs; i++) {
		const char *w = sh->args[i];
		if (w[0] == '-' && w[1] != '-' && strchr(w, 'o') && !strcmp(sh->args[i + 1], "pipefail"))
			return true;
	}
	return false;
}

static bool shell_is_posix(const struct df_instr *sh)
{
	return sh->nargs && is_shell(sh->args[0]);
}

void misconf_lint(const struct dockerfile *df, const struct lint_opts *o, struct misconf_findings *out)
{
	struct ctx cx = {df, o, out, xcalloc(df->nstages + 1, sizeof(bool))};
	if (df->nstages) {
		for (int s = (int)df->nstages - 1; s >= 0; s = df->stages[s].parent)
			cx.in_chain[s] = true;
	}
	check_stages(&cx);

	/* Per-stage state, in instruction order. */
	size_t ns = df->nstages;
	const struct df_instr **shell = xcalloc(ns + 1, sizeof *shell);
	const struct df_instr **user = xcalloc(ns + 1, sizeof *user);
	bool *health = xcalloc(ns + 1, sizeof(bool));
	bool *pip_nocache = xcalloc(ns + 1, sizeof(bool));
	bool *curl = xcalloc(ns + 1, sizeof(bool)), *wget = xcalloc(ns + 1, sizeof(bool));
	bool *wc_done = xcalloc(ns + 1, sizeof(bool));
	int *ncmd = xcalloc(ns + 1, sizeof(int)), *nentry = xcalloc(ns + 1, sizeof(int)),
	    *nhealth = xcalloc(ns + 1, sizeof(int));

	for (size_t i = 0; i < df->ninstrs; i++) {
		const struct df_instr *in = &df->instrs[i];
		int s = in->stage;
		if (in->cmd == DF_FROM && s >= 0 && df->stages[s].parent >= 0) {
			int p = df->stages[s].parent;
			shell[s] = shell[p];
			pip_nocache[s] = pip_nocache[p];
		}
		if (in->cmd == DF_ARG || in->cmd == DF_ENV)
			check_secrets(&cx, in);
		if (s < 0)
			continue;
		const struct df_instr *x = in->cmd == DF_ONBUILD && in->trigger ? in->trigger : in;
		switch (x->cmd) {
		case DF_MAINTAINER:
			report(&cx, in, R_MAINTAINER, "MAINTAINER %s", x->nargs ? x->args[0] : "");
			break;
		case DF_ENV:
			if (x == in)
				for (size_t k = 0; k < in->nkvs; k++)
					if (!strcmp(in->kvs[k].key, "PIP_NO_CACHE_DIR"))
						pip_nocache[s] = true;
			break;
		case DF_SHELL:
			if (x == in)
				shell[s] = in;
			break;
		case DF_USER:
			if (x == in)
				user[s] = in;
			break;
		case DF_WORKDIR:
			if (x->nargs && x->args[0][0] != '/' && !(x == in ? strchr(in->text, '$') : strchr(x->args[0], '$')) &&
			    !(isalpha((unsigned char)x->args[0][0]) && x->args[0][1] == ':'))
				report(&cx, in, R_WORKDIR_RELATIVE, "WORKDIR %s is relative", x->args[0]);
			break;
		case DF_EXPOSE:
			if (x == in)
				check_expose(&cx, in);
			break;
		case DF_CMD:
		case DF_ENTRYPOINT:
			if (x != in)
				break;
			if (x->cmd == DF_CMD && ++ncmd[s] > 1)
				report(&cx, in, R_MULTI_CMD, "CMD repeated in stage %d; only the last one applies", s);
			if (x->cmd == DF_ENTRYPOINT && ++nentry[s] > 1)
				report(&cx, in, R_MULTI_ENTRYPOINT,
				       "ENTRYPOINT repeated in stage %d; only the last one applies", s);
			if (!in->json && in->nargs)
				report(&cx, in, R_SHELL_FORM_CMD, "%s in shell form", df_cmd_name(in->cmd));
			break;
		case DF_HEALTHCHECK:
			if (x != in)
				break;
			health[s] = true;
			if (++nhealth[s] > 1)
				report(&cx, in, R_MULTI_HEALTHCHECK,
				       "HEALTHCHECK repeated in stage %d; only the last one applies", s);
			break;
		case DF_ADD:
		case DF_COPY:
			check_add_copy(&cx, in, x, s);
			break;
		case DF_RUN: {
			struct run r = {.at = in, .run = x, .stage = s, .shell_form = !x->json};
			r.posix_shell = !shell[s] || shell_is_posix(shell[s]);
			r.shell_pipefail = shell[s] && shell_has_pipefail(shell[s]);
			if (!r.posix_shell)
				r.shell_pipefail = true; /* not a POSIX shell: the rule does not apply */
			build_run(&r);
			check_run(&cx, &r, &curl[s], &wget[s], &wc_done[s], pip_nocache[s]);
			run_free(&r);
			break;
		}
		default:
			break;
		}
	}
	/* Final stage (and what it is built on): USER and HEALTHCHECK. */
	if (ns) {
		int last = (int)ns - 1;
		const struct df_instr *from = &df->instrs[df->stages[last].from];
		const struct df_instr *u = NULL;
		bool hc = false;
		for (int s = last; s >= 0; s = df->stages[s].parent) {
			if (!u)
				u = user[s];
			hc = hc || health[s];
		}
		if (!u) {
			report(&cx, from, R_ROOT, "no USER in the final stage: the container runs as root");
		} else if (!u->unresolved && u->nargs) {
			char *name = xstrdup(u->args[0]);
			name[strcspn(name, ":")] = 0;
			if (!strcmp(name, "root") || !strcmp(name, "0"))
				report(&cx, u, R_ROOT, "the last USER is %s", u->args[0]);
			free(name);
		}
		if (!hc)
			report(&cx, from, R_NO_HEALTHCHECK, "the final stage has no HEALTHCHECK");
	}
	free(shell);
	free(user);
	free(health);
	free(pip_nocache);
	free(curl);
	free(wget);
	free(wc_done);
	free(ncmd);
	free(nentry);
	free(nhealth);
	free(cx.in_chain);
	misconf_findings_sort(out);
}

void misconf_script_facts(const char *script, struct script_facts *f)
{
	static const char *const fam_names[] = {"", "apt-get", "apk", "yum/dnf", "zypper"};
	memset(f, 0, sizeof *f);
	struct sh_script s;
	sh_parse(script, strlen(script), &s);
	int pending[5] = {0};
	for (size_t i = 0; i < s.n; i++) {
		bool sudo = false;
		size_t a;
		const char *p = prog_of(&s.cmds[i], &a, &sudo);
		if (sudo || !strcmp(p, "sudo"))
			f->sudo = true;
		struct pmcmd pc;
		if (!pm_of(&s.cmds[i], &pc))
			continue;
		int fam = family(pc.pm);
		if (fam && is_index_refresh(&pc))
			pending[fam] = 1;
		else if (fam && verb_is(&pc, install_verbs))
			pending[fam] = 0;
	}
	for (int k = 1; k < 5; k++)
		if (pending[k] && !f->update_alone) {
			f->update_alone = true;
			f->update_tool = fam_names[k];
		}
	sh_script_free(&s);
}
