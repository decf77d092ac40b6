/* The audit context: the Engine connection, the daemon's /info and /version,
 * the dockerd process serving our socket and its options, and lazily fetched
 * containers, images and audit rules. Every source that cannot be read keeps
 * the reason, so that the checks depending on it can say why they are INFO. */
#include "bench/bench.h"

#include "cmd/cmd.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

/* Host files we read are small; anything bigger is not what we think it is. */
enum { SMALL_FILE_CAP = 4 * 1024 * 1024 };

/* ---- JSON helpers ----------------------------------------------------------------------- */

json_t *bench_jpath(json_t *root, const char *dotted)
{
	json_t *cur = root;
	for (const char *p = dotted; cur && *p;) {
		size_t n = strcspn(p, ".");
		char key[128];
		if (n >= sizeof key || !json_is_object(cur))
			return NULL;
		memcpy(key, p, n);
		key[n] = '\0';
		cur = json_object_get(cur, key);
		p += n;
		if (*p == '.')
			p++;
	}
	return cur;
}

const char *bench_jstr(json_t *root, const char *dotted)
{
	const char *s = json_string_value(bench_jpath(root, dotted));
	return s ? s : "";
}

long long bench_jint(json_t *root, const char *dotted)
{
	json_t *v = bench_jpath(root, dotted);
	if (json_is_integer(v))
		return json_integer_value(v);
	if (json_is_real(v))
		return (long long)json_real_value(v);
	return 0;
}

bool bench_jtrue(json_t *root, const char *dotted)
{
	return json_is_true(bench_jpath(root, dotted));
}

json_t *bench_get(struct bench_ctx *ctx, const char *path, char **err)
{
	struct err e = {{0}};
	json_t *j = engine_get(ctx->en, path, NULL, NULL, &e);
	if (!j && err)
		*err = xstrdup(e.msg);
	return j;
}

const char *bench_swarm_state(struct bench_ctx *ctx)
{
	const char *s = bench_jstr(ctx->info, "Swarm.LocalNodeState");
	return *s ? s : "inactive";
}

const char *bench_security_option(struct bench_ctx *ctx, const char *name)
{
	size_t i, n = strlen(name);
	json_t *v;
	json_array_foreach(bench_jpath(ctx->info, "SecurityOptions"), i, v) {
		const char *s = json_string_value(v);
		/* "name=seccomp,profile=default": match the name field exactly. */
		if (s && !strncmp(s, "name=", 5) && !strncmp(s + 5, name, n) && (s[5 + n] == ',' || !s[5 + n]))
			return s;
	}
	return NULL;
}

/* ---- host helpers ----------------------------------------------------------------------- */

int bench_stat(const char *path, struct stat *st)
{
	return stat(path, st) == 0 ? 0 : errno;
}

char *bench_unit_file(const char *unit)
{
	/* systemd's unit search path, most specific first. */
	static const char *const dirs[] = {"/etc/systemd/system", "/run/systemd/system",
					   "/usr/local/lib/systemd/system", "/usr/lib/systemd/system",
					   "/lib/systemd/system"};
	for (size_t i = 0; i < ARRAY_LEN(dirs); i++) {
		char *p = xasprintf("%s/%s", dirs[i], unit);
		struct stat st;
		if (lstat(p, &st) == 0)
			return p;
		free(p);
	}
	return NULL;
}

char *bench_find_binary(const char *name)
{
	static const char *const dirs[] = {"/usr/bin", "/usr/sbin",      "/bin",
					   "/sbin",    "/usr/local/bin", "/usr/local/sbin"};
	for (size_t i = 0; i < ARRAY_LEN(dirs); i++) {
		char *p = xasprintf("%s/%s", dirs[i], name);
		struct stat st;
		if (stat(p, &st) == 0 && S_ISREG(st.st_mode) && access(p, X_OK) == 0)
			return p;
		free(p);
	}
	return NULL;
}

char *bench_group_name(gid_t gid)
{
	struct group gr, *res = NULL;
	char buf[16384];
	if (getgrgid_r(gid, &gr, buf, sizeof buf, &res) == 0 && res)
		return xstrdup(res->gr_name);
	return xasprintf("%u", (unsigned)gid);
}

char *bench_containerd_socket(struct bench_ctx *ctx)
{
	/* dockerd: --containerd if given; else a system containerd at its
	 * standard socket; else the one it starts itself under --exec-root. */
	const char *addr = dopts_string(&ctx->dopts, "containerd", NULL);
	if (addr && *addr)
		return xstrdup(!strncmp(addr, "unix://", 7) ? addr + 7 : addr);
	struct stat st;
	if (stat("/run/containerd/containerd.sock", &st) == 0 && S_ISSOCK(st.st_mode))
		return xstrdup("/run/containerd/containerd.sock");
	const char *exec_root = dopts_string(&ctx->dopts, "exec-root", NULL);
	return xasprintf("%s/containerd/containerd.sock", exec_root && *exec_root ? exec_root : "/var/run/docker");
}

/* ---- finding dockerd -------------------------------------------------------------------- */

/* Does path not exist? (Checked apart from reading, so that "absent" never
 * depends on errno surviving an error report.) */
static bool absent(const char *path)
{
	struct stat st;
	return stat(path, &st) != 0 && (errno == ENOENT || errno == ENOTDIR);
}

static char *read_small(const char *path, size_t *len, int *err)
{
	struct buf b = {0};
	struct err e;
	errno = 0;
	if (read_file_capped(path, SMALL_FILE_CAP, &b, &e) != 0) {
		*err = errno ? errno : EIO;
		buf_free(&b);
		return NULL;
	}
	*err = 0;
	*len = b.len;
	return buf_steal(&b);
}

/* Canonical form of a socket path for comparison (symlinked /var/run). */
static char *canon(const char *p)
{
	char *r = realpath(p, NULL);
	return r ? r : xstrdup(p);
}

/* Socket inodes of the Unix sockets bound to path, as the net namespace of
 * pid sees them (a daemon in another network namespace lists its sockets
 * only there). */
static size_t socket_inodes(pid_t pid, const char *path, unsigned long *ino, size_t max)
{
	char *file = xasprintf("/proc/%d/net/unix", (int)pid);
	size_t len = 0, n = 0;
	int err;
	char *text = read_small(file, &len, &err);
	free(file);
	if (!text)
		return 0;
	char *save = NULL;
	for (char *line = strtok_r(text, "\n", &save); line && n < max; line = strtok_r(NULL, "\n", &save)) {
		/* Num RefCount Protocol Flags Type St Inode Path */
		unsigned long inode;
		int off = 0;
		if (sscanf(line, "%*s %*s %*s %*s %*s %*s %lu %n", &inode, &off) != 1 || !off || !line[off])
			continue;
		char *c = canon(line + off);
		if (!strcmp(c, path))
			ino[n++] = inode;
		free(c);
	}
	free(text);
	return n;
}

/* 1: pid holds one of the socket inodes; 0: it does not; -1: cannot tell. */
static int holds_socket(pid_t pid, const unsigned long *ino, size_t n)
{
	char *dir = xasprintf("/proc/%d/fd", (int)pid);
	DIR *d = opendir(dir);
	if (!d) {
		free(dir);
		return -1;
	}
	int found = 0;
	struct dirent *de;
	while (!found && (de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		char *fd = xasprintf("%s/%s", dir, de->d_name);
		char link[128];
		ssize_t l = readlink(fd, link, sizeof link - 1);
		free(fd);
		if (l <= 0)
			continue;
		link[l] = '\0';
		unsigned long v;
		if (sscanf(link, "socket:[%lu]", &v) == 1)
			for (size_t i = 0; i < n; i++)
				if (ino[i] == v)
					found = 1;
	}
	closedir(d);
	free(dir);
	return found;
}

static json_t *read_cmdline(pid_t pid)
{
	char *file = xasprintf("/proc/%d/cmdline", (int)pid);
	size_t len = 0;
	int err;
	char *text = read_small(file, &len, &err);
	free(file);
	if (!text)
		return NULL;
	json_t *j = dopts_parse_cmdline(text, len);
	free(text);
	return j;
}

/* Does this command line name our socket among its -H hosts? 1 yes, 0 it names
 * others only, -1 it names none (default socket) or fd:// (systemd). */
static int cmdline_names_socket(json_t *cmdline, const char *sock)
{
	json_t *hosts = json_object_get(cmdline, "hosts");
	if (!json_array_size(hosts)) {
		char *def = canon("/var/run/docker.sock");
		int r = !strcmp(def, sock) ? 1 : -1;
		free(def);
		return r;
	}
	int r = 0;
	size_t i;
	json_t *h;
	json_array_foreach(hosts, i, h) {
		const char *s = json_string_value(h);
		if (!s)
			continue;
		if (!strncmp(s, "fd://", 5))
			r = r == 1 ? 1 : -1;
		if (!strncmp(s, "unix://", 7)) {
			char *c = canon(s + 7);
			if (!strcmp(c, sock))
				r = 1;
			free(c);
		}
	}
	return r;
}

static pid_t find_dockerd(const char *sock_path, char **why)
{
	DIR *d = opendir("/proc");
	if (!d) {
		*why = xasprintf("cannot read /proc: %s", strerror(errno));
		return 0;
	}
	pid_t cand[256];
	size_t nc = 0;
	struct dirent *de;
	while ((de = readdir(d)) && nc < ARRAY_LEN(cand)) {
		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		char *file = xasprintf("/proc/%s/comm", de->d_name);
		char comm[64] = "";
		FILE *f = fopen(file, "r");
		free(file);
		if (!f)
			continue;
		if (fgets(comm, sizeof comm, f))
			comm[strcspn(comm, "\n")] = '\0';
		fclose(f);
		if (!strcmp(comm, "dockerd"))
			cand[nc++] = (pid_t)atoi(de->d_name);
	}
	closedir(d);
	if (!nc) {
		*why = xstrdup("no dockerd process is visible in /proc (is the daemon in another PID namespace?)");
		return 0;
	}
	char *sock = canon(sock_path);
	pid_t found = 0;
	/* Exact: the process holding the listening socket bound to our path. */
	bool unverifiable = false;
	for (size_t i = 0; i < nc && !found; i++) {
		unsigned long ino[16];
		size_t n = socket_inodes(cand[i], sock, ino, ARRAY_LEN(ino));
		int h = n ? holds_socket(cand[i], ino, n) : -1;
		if (h == 1) {
			found = cand[i];
			*why = xasprintf("dockerd pid %d holds the socket %s", (int)found, sock);
		} else if (h < 0) {
			unverifiable = true;
		}
	}
	/* Without access to other processes' descriptors: its -H flags. */
	if (!found && unverifiable) {
		size_t named = 0, unnamed = 0;
		pid_t by_name = 0, by_default = 0;
		for (size_t i = 0; i < nc; i++) {
			json_t *cl = read_cmdline(cand[i]);
			int r = cl ? cmdline_names_socket(cl, sock) : -1;
			json_decref(cl);
			if (r == 1) {
				named++;
				by_name = cand[i];
			} else if (r == -1) {
				unnamed++;
				by_default = cand[i];
			}
		}
		if (named == 1) {
			found = by_name;
			*why = xasprintf("dockerd pid %d is told -H unix://%s", (int)found, sock);
		} else if (!named && unnamed == 1 && nc == 1) {
			found = by_default;
			*why = xasprintf("dockerd pid %d is the only dockerd", (int)found);
		}
	}
	if (!found)
		*why = xasprintf("none of the %zu dockerd processes could be identified as the one serving %s", nc,
				 sock);
	free(sock);
	return found;
}

/* ---- daemon.json ------------------------------------------------------------------------ */

static void load_config(struct bench_ctx *ctx)
{
	const char *from_cmdline =
		ctx->dopts.cmdline ? json_string_value(json_object_get(ctx->dopts.cmdline, "config-file")) : NULL;
	const char *path = ctx->opt->config_file ? ctx->opt->config_file
			   : from_cmdline        ? from_cmdline
						 : "/etc/docker/daemon.json";
	ctx->config_path = xstrdup(path);
	struct buf b = {0};
	struct err e;
	if (absent(path)) {
		ctx->config_note = xstrdup("absent");
		return;
	}
	if (read_file_capped(path, SMALL_FILE_CAP, &b, &e) != 0) {
		ctx->dopts.config_unknown = true;
		ctx->config_note = xasprintf("could not read %s", e.msg);
		buf_free(&b);
		return;
	}
	ctx->config_present = true;
	ctx->dopts.config = dopts_parse_config((const char *)b.data, b.len, &e);
	if (!ctx->dopts.config) {
		ctx->dopts.config_unknown = true;
		ctx->config_note = xasprintf("could not parse %s: %s", path, e.msg);
	}
	buf_free(&b);
}

/* ---- open / close ----------------------------------------------------------------------- */

int bench_ctx_open(struct bench_ctx *ctx, const struct bench_options *opt, struct err *e)
{
	memset(ctx, 0, sizeof *ctx);
	ctx->opt = opt;
	if (opt->host) {
		ctx->sock = xstrdup(!strncmp(opt->host, "unix://", 7) ? opt->host + 7 : opt->host);
	} else {
		ctx->sock = engine_socket_from_env(e);
		if (!ctx->sock)
			return EXIT_INPUT;
	}
	ctx->en = engine_open(ctx->sock, e);
	if (!ctx->en)
		return EXIT_INPUT;
	ctx->info = engine_get(ctx->en, "/info", NULL, NULL, e);
	if (!json_is_object(ctx->info)) {
		if (ctx->info)
			err_set(e, "docker daemon: GET /info: not a JSON object");
		return EXIT_INPUT;
	}
	struct err ve;
	ctx->version = engine_get(ctx->en, "/version", NULL, NULL, &ve);

	ctx->dockerd_pid = find_dockerd(ctx->sock, &ctx->dockerd_why);
	if (ctx->dockerd_pid) {
		ctx->dopts.cmdline = read_cmdline(ctx->dockerd_pid);
		if (!ctx->dopts.cmdline) {
			free(ctx->dockerd_why);
			ctx->dockerd_why = xasprintf("cannot read /proc/%d/cmdline", (int)ctx->dockerd_pid);
		}
		char *exe = xasprintf("/proc/%d/exe", (int)ctx->dockerd_pid);
		ctx->dockerd_exe = realpath(exe, NULL);
		free(exe);
		/* Keep argv for the report. */
		char *file = xasprintf("/proc/%d/cmdline", (int)ctx->dockerd_pid);
		size_t len = 0;
		int err;
		char *text = read_small(file, &len, &err);
		free(file);
		if (text) {
			ctx->cmdline_argv = json_array();
			for (size_t i = 0; i < len;) {
				size_t n = strnlen(text + i, len - i);
				char *arg = xstrndup(text + i, n);
				char *clean = utf8_sanitize(arg);
				json_array_append_new(ctx->cmdline_argv, json_string(clean));
				free(clean);
				free(arg);
				i += n + 1;
			}
			free(text);
		}
	}
	load_config(ctx);
	return 0;
}

void bench_ctx_close(struct bench_ctx *ctx)
{
	for (size_t i = 0; i < ctx->nctrs; i++) {
		free(ctx->ctrs[i].id);
		free(ctx->ctrs[i].name);
		json_decref(ctx->ctrs[i].j);
	}
	free(ctx->ctrs);
	free(ctx->ctrs_err);
	for (size_t i = 0; i < ctx->nimgs; i++) {
		free(ctx->imgs[i].id);
		free(ctx->imgs[i].label);
		json_decref(ctx->imgs[i].j);
		json_decref(ctx->imgs[i].history);
		free(ctx->imgs[i].history_err);
	}
	free(ctx->imgs);
	free(ctx->imgs_err);
	buf_free(&ctx->audit);
	free(ctx->audit_src);
	free(ctx->audit_err);
	json_decref(ctx->dopts.cmdline);
	json_decref(ctx->dopts.config);
	json_decref(ctx->cmdline_argv);
	free(ctx->config_path);
	free(ctx->config_note);
	free(ctx->dockerd_why);
	free(ctx->dockerd_exe);
	json_decref(ctx->info);
	json_decref(ctx->version);
	engine_close(ctx->en);
	free(ctx->sock);
	memset(ctx, 0, sizeof *ctx);
}

/* ---- containers and images -------------------------------------------------------------- */

size_t bench_containers(struct bench_ctx *ctx, struct bench_container **out, const char **err)
{
	if (!ctx->ctrs_loaded) {
		ctx->ctrs_loaded = true;
		json_t *list = bench_get(ctx, "/containers/json", &ctx->ctrs_err);
		if (list && !json_is_array(list))
			ctx->ctrs_err = xstrdup("docker daemon: GET /containers/json: not a JSON array");
		size_t i;
		json_t *c;
		json_array_foreach(json_is_array(list) ? list : NULL, i, c) {
			const char *id = json_string_value(json_object_get(c, "Id"));
			if (!id || !*id)
				continue;
			char *esc = engine_escape(id);
			char *path = xasprintf("/containers/%s/json", esc);
			struct err e = {{0}};
			long http = 0;
			json_t *j = engine_get(ctx->en, path, NULL, &http, &e);
			free(path);
			free(esc);
			if (!j && http == 404)
				continue; /* removed since the listing */
			const char *name = json_string_value(json_array_get(json_object_get(c, "Names"), 0));
			ctx->ctrs = xrealloc(ctx->ctrs, (ctx->nctrs + 1) * sizeof *ctx->ctrs);
			struct bench_container *bc = &ctx->ctrs[ctx->nctrs++];
			bc->id = utf8_sanitize(id);
			bc->name = utf8_sanitize(name ? (name[0] == '/' ? name + 1 : name) : id);
			bc->j = json_is_object(j) ? j : NULL;
			if (!bc->j) {
				json_decref(j);
				/* Keep the container: checks report it as not evaluated. */
				bc->j = json_pack("{s:s}", "vigil_error", e.msg[0] ? e.msg : "not a JSON object");
			}
		}
		json_decref(list);
	}
	*out = ctx->ctrs;
	*err = ctx->ctrs_err;
	return ctx->nctrs;
}

static char *image_label(json_t *summary, const char *id)
{
	struct buf b = {0};
	size_t i;
	json_t *t;
	json_array_foreach(json_object_get(summary, "RepoTags"), i, t) {
		const char *s = json_string_value(t);
		if (!s || !strcmp(s, "<none>:<none>"))
			continue;
		buf_appendf(&b, "%s%s", b.len ? ", " : "", s);
	}
	if (!b.len) {
		const char *hex = !strncmp(id, "sha256:", 7) ? id + 7 : id;
		buf_appendf(&b, "%.12s", hex);
	}
	char *raw = buf_steal(&b);
	char *clean = utf8_sanitize(raw);
	free(raw);
	return clean;
}

size_t bench_images(struct bench_ctx *ctx, struct bench_image **out, const char **err)
{
	if (!ctx->imgs_loaded) {
		ctx->imgs_loaded = true;
		json_t *list = bench_get(ctx, "/images/json", &ctx->imgs_err);
		if (list && !json_is_array(list))
			ctx->imgs_err = xstrdup("docker daemon: GET /images/json: not a JSON array");
		size_t i;
		json_t *im;
		json_array_foreach(json_is_array(list) ? list : NULL, i, im) {
			const char *id = json_string_value(json_object_get(im, "Id"));
			if (!id || !*id)
				continue;
			char *esc = engine_escape(id);
			char *path = xasprintf("/images/%s/json", esc);
			struct err e = {{0}};
			long http = 0;
			json_t *j = engine_get(ctx->en, path, NULL, &http, &e);
			free(path);
			free(esc);
			if (!j && http == 404)
				continue;
			ctx->imgs = xrealloc(ctx->imgs, (ctx->nimgs + 1) * sizeof *ctx->imgs);
			struct bench_image *bi = &ctx->imgs[ctx->nimgs++];
			memset(bi, 0, sizeof *bi);
			bi->id = utf8_sanitize(id);
			bi->label = image_label(im, id);
			bi->j = json_is_object(j) ? j : NULL;
			if (!bi->j) {
				json_decref(j);
				bi->j = json_pack("{s:s}", "vigil_error", e.msg[0] ? e.msg : "not a JSON object");
			}
		}
		json_decref(list);
	}
	*out = ctx->imgs;
	*err = ctx->imgs_err;
	return ctx->nimgs;
}

json_t *bench_image_history(struct bench_ctx *ctx, struct bench_image *img, const char **err)
{
	if (!img->history_tried) {
		img->history_tried = true;
		char *esc = engine_escape(img->id);
		char *path = xasprintf("/images/%s/history", esc);
		img->history = bench_get(ctx, path, &img->history_err);
		if (img->history && !json_is_array(img->history)) {
			json_decref(img->history);
			img->history = NULL;
			img->history_err = xasprintf("docker daemon: GET %s: not a JSON array", path);
		}
		free(path);
		free(esc);
	}
	*err = img->history_err;
	return img->history;
}

/* ---- audit rules ------------------------------------------------------------------------ */

/* Run argv (no shell), capture stdout (capped). Returns the exit status, or
 * -1 when it could not run. */
static int run_capture(char *const argv[], struct buf *out)
{
	int pfd[2];
	if (pipe2(pfd, O_CLOEXEC) != 0)
		return -1;
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, pfd[1], STDOUT_FILENO);
	posix_spawn_file_actions_addopen(&fa, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
	pid_t pid;
	int rc = posix_spawn(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(pfd[1]);
	if (rc != 0) {
		close(pfd[0]);
		return -1;
	}
	char tmp[65536];
	for (;;) {
		ssize_t n = read(pfd[0], tmp, sizeof tmp);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (out->len + (size_t)n <= SMALL_FILE_CAP)
			buf_append(out, tmp, (size_t)n);
	}
	close(pfd[0]);
	int status;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The *.rules files of /etc/audit/rules.d (what augenrules loads) and /etc/audit/audit.rules. */
static void read_rules_files(struct bench_ctx *ctx, struct buf *src, struct buf *errs, size_t *nread, size_t *nexist)
{
	char **files = NULL;
	size_t nf = 0;
	DIR *d = opendir("/etc/audit/rules.d");
	if (d) {
		struct dirent *de;
		while ((de = readdir(d))) {
			size_t l = strlen(de->d_name);
			if (l > 6 && !strcmp(de->d_name + l - 6, ".rules")) {
				files = xrealloc(files, (nf + 1) * sizeof *files);
				files[nf++] = xasprintf("/etc/audit/rules.d/%s", de->d_name);
			}
		}
		closedir(d);
		qsort(files, nf, sizeof *files, cmp_str);
	} else if (errno != ENOENT) {
		buf_appendf(errs, "%s/etc/audit/rules.d: %s", errs->len ? "; " : "", strerror(errno));
		(*nexist)++;
	}
	files = xrealloc(files, (nf + 1) * sizeof *files);
	files[nf++] = xstrdup("/etc/audit/audit.rules");
	for (size_t i = 0; i < nf; i++) {
		struct err e;
		size_t before = ctx->audit.len;
		if (absent(files[i])) {
			free(files[i]);
			continue;
		}
		if (read_file_capped(files[i], SMALL_FILE_CAP, &ctx->audit, &e) == 0) {
			(*nexist)++;
			(*nread)++;
			buf_appendf(src, "%s%s", src->len ? ", " : "", files[i]);
			if (ctx->audit.len > before)
				buf_append(&ctx->audit, "\n", 1);
		} else {
			(*nexist)++;
			buf_appendf(errs, "%s%s", errs->len ? "; " : "", e.msg);
		}
		free(files[i]);
	}
	free(files);
}

const struct buf *bench_audit_rules(struct bench_ctx *ctx, const char **src, const char **err, bool *none)
{
	if (!ctx->audit_loaded) {
		ctx->audit_loaded = true;
		struct buf s = {0}, errs = {0};
		char *auditctl = bench_find_binary("auditctl");
		bool loaded = false;
		if (auditctl) {
			/* The rules in the kernel are the truth; the files are only what
			 * the next restart of auditd would load. */
			char *argv[] = {auditctl, (char *)"-l", NULL};
			struct buf out = {0};
			int rc = run_capture(argv, &out);
			if (rc == 0) {
				buf_append(&ctx->audit, out.data ? out.data : (unsigned char *)"", out.len);
				buf_appendf(&s, "%s -l", auditctl);
				loaded = true;
			} else {
				buf_appendf(&errs, "%s -l failed (%s)", auditctl,
					    rc < 0 ? "could not run" : "needs root?");
			}
			buf_free(&out);
			free(auditctl);
		}
		if (!loaded) {
			size_t nread = 0, nexist = 0;
			read_rules_files(ctx, &s, &errs, &nread, &nexist);
			if (!nread && !nexist && !errs.len)
				ctx->audit_none = true;
			else if (!nread)
				ctx->audit_err = xstrdup(errs.len ? (char *)errs.data : "no rules file could be read");
		}
		ctx->audit_src = buf_steal(&s);
		buf_free(&errs);
		if (!ctx->audit.data)
			buf_append(&ctx->audit, "", 0);
	}
	*src = ctx->audit_src;
	*err = ctx->audit_err;
	*none = ctx->audit_none;
	return &ctx->audit;
}
