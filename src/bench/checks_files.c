/* Section 3, ownership and permissions of the daemon's files. Permissions are
 * compared as bits: a mode passes when it grants nothing beyond the allowed
 * mask (0600 is within 0644; 0077 is not, although 77 < 644 as numbers, which
 * is how docker-bench-security compares them). */
#include "bench/bench.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *type_name(mode_t type)
{
	switch (type) {
	case S_IFREG:
		return "a regular file";
	case S_IFDIR:
		return "a directory";
	case S_IFSOCK:
		return "a socket";
	}
	return "of the expected type";
}

/* stat path; on failure or wrong type, set INFO and return false. */
static bool stat_as(struct bench_outcome *out, const char *path, mode_t type, const char *what, struct stat *st)
{
	if (!path) {
		bench_out_set(out, BENCH_INFO);
		bench_out_detail(out, "%s not found", what);
		return false;
	}
	int err = bench_stat(path, st);
	if (err == ENOENT || err == ENOTDIR) {
		bench_out_set(out, BENCH_INFO);
		bench_out_detail(out, "%s not found: %s", what, path);
		return false;
	}
	if (err) {
		bench_out_set(out, BENCH_INFO);
		bench_out_detail(out, "could not stat %s: %s", path, strerror(err));
		return false;
	}
	if ((st->st_mode & S_IFMT) != type) {
		bench_out_set(out, BENCH_INFO);
		bench_out_detail(out, "%s is not %s", path, type_name(type));
		return false;
	}
	return true;
}

static void owner_check(struct bench_outcome *out, const char *path, mode_t type, const char *what, gid_t want_gid)
{
	struct stat st;
	if (!stat_as(out, path, type, what, &st))
		return;
	char *want = bench_group_name(want_gid), *have = bench_group_name(st.st_gid);
	if (st.st_uid == 0 && st.st_gid == want_gid) {
		bench_out_set(out, BENCH_PASS);
		bench_out_detail(out, "%s is owned by root:%s", path, have);
	} else {
		bench_out_item(out, BENCH_WARN, "file", path, path,
			       "Wrong ownership for %s: uid %u, group %s (want root:%s)", path, (unsigned)st.st_uid,
			       have, want);
	}
	free(want);
	free(have);
}

static void mode_check(struct bench_outcome *out, const char *path, mode_t type, const char *what, unsigned allowed)
{
	struct stat st;
	if (!stat_as(out, path, type, what, &st))
		return;
	unsigned mode = st.st_mode & 07777;
	if (bench_mode_within(mode, allowed)) {
		bench_out_set(out, BENCH_PASS);
		bench_out_detail(out, "%s has mode %04o (allowed %04o)", path, mode, allowed);
	} else {
		bench_out_item(out, BENCH_WARN, "file", path, path,
			       "Wrong permissions for %s: %04o grants %04o beyond %04o", path, mode,
			       bench_mode_excess(mode, allowed), allowed);
	}
}

static void unit_owner(struct bench_outcome *out, const char *unit)
{
	char *p = bench_unit_file(unit);
	owner_check(out, p, S_IFREG, "File", 0);
	free(p);
}

static void unit_mode(struct bench_outcome *out, const char *unit)
{
	char *p = bench_unit_file(unit);
	mode_check(out, p, S_IFREG, "File", 0644);
	free(p);
}

static void c_3_1(struct bench_ctx *ctx, struct bench_outcome *out)
{
	(void)ctx;
	unit_owner(out, "docker.service");
}

static void c_3_2(struct bench_ctx *ctx, struct bench_outcome *out)
{
	(void)ctx;
	unit_mode(out, "docker.service");
}

static void c_3_3(struct bench_ctx *ctx, struct bench_outcome *out)
{
	(void)ctx;
	unit_owner(out, "docker.socket");
}

static void c_3_4(struct bench_ctx *ctx, struct bench_outcome *out)
{
	(void)ctx;
	unit_mode(out, "docker.socket");
}

static void c_3_5(struct bench_ctx *ctx, struct bench_outcome *out)
{
	(void)ctx;
	owner_check(out, "/etc/docker", S_IFDIR, "Directory", 0);
}

static void c_3_6(struct bench_ctx *ctx, struct bench_outcome *out)
{
	(void)ctx;
	mode_check(out, "/etc/docker", S_IFDIR, "Directory", 0755);
}

/* Walk a directory tree without following links (depth-limited), calling fn
 * for each regular file; takes ownership of dfd. */
static void walk_files(int dfd, const char *path, int depth, struct bench_outcome *out,
		       void (*fn)(struct bench_outcome *, const char *, const struct stat *, unsigned), unsigned arg)
{
	DIR *d = fdopendir(dfd);
	if (!d) {
		close(dfd);
		return;
	}
	struct dirent *de;
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		char *p = xasprintf("%s/%s", path, de->d_name);
		struct stat st;
		if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
			bench_out_item(out, BENCH_INFO, "file", p, p, "could not stat %s: %s", p, strerror(errno));
		} else if (S_ISREG(st.st_mode)) {
			fn(out, p, &st, arg);
		} else if (S_ISDIR(st.st_mode) && depth < 8) {
			int sub = openat(dirfd(d), de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (sub >= 0)
				walk_files(sub, p, depth + 1, out, fn, arg);
			else
				bench_out_item(out, BENCH_INFO, "file", p, p, "could not open %s: %s", p,
					       strerror(errno));
		}
		free(p);
	}
	closedir(d);
}

static void cert_owner(struct bench_outcome *out, const char *p, const struct stat *st, unsigned arg)
{
	(void)arg;
	if (st->st_uid != 0 || st->st_gid != 0)
		bench_out_item(out, BENCH_WARN, "file", p, p, "Wrong ownership for %s: %u:%u (want root:root)", p,
			       (unsigned)st->st_uid, (unsigned)st->st_gid);
}

static void cert_mode(struct bench_outcome *out, const char *p, const struct stat *st, unsigned allowed)
{
	unsigned mode = st->st_mode & 07777;
	if (!bench_mode_within(mode, allowed))
		bench_out_item(out, BENCH_WARN, "file", p, p, "Wrong permissions for %s: %04o grants %04o beyond %04o",
			       p, mode, bench_mode_excess(mode, allowed), allowed);
}

static void certs_d(struct bench_outcome *out,
		    void (*fn)(struct bench_outcome *, const char *, const struct stat *, unsigned), unsigned arg)
{
	const char *dir = "/etc/docker/certs.d";
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		bench_out_set(out, BENCH_INFO);
		bench_out_detail(out, errno == ENOENT ? "Directory not found: %s" : "could not open %s", dir);
		return;
	}
	bench_out_set(out, BENCH_PASS);
	walk_files(fd, dir, 0, out, fn, arg);
}

static void c_3_7(struct bench_ctx *ctx, struct bench_outcome *out)
{
	(void)ctx;
	certs_d(out, cert_owner, 0);
}

static void c_3_8(struct bench_ctx *ctx, struct bench_outcome *out)
{
	(void)ctx;
	certs_d(out, cert_mode, 0444);
}

/* The TLS file dockerd uses for key ("tlscacert", ...): its option, or, when
 * TLS is on without one, dockerd's default under root's ~/.docker. NULL when
 * TLS is off or options are unknown (*unknown). */
static char *tls_file(struct bench_ctx *ctx, const char *key, const char *deflt, bool *unknown)
{
	enum dopt_state st;
	const char *p = dopts_string(&ctx->dopts, key, &st);
	*unknown = st == DOPT_UNKNOWN;
	if (p && *p)
		return xstrdup(p);
	if (*unknown)
		return NULL;
	int tls = dopts_bool(&ctx->dopts, "tls", false, NULL),
	    verify = dopts_bool(&ctx->dopts, "tlsverify", false, NULL);
	if (tls == 1 || verify == 1)
		return xasprintf("/root/.docker/%s", deflt);
	return NULL;
}

static void tls_check(struct bench_ctx *ctx, struct bench_outcome *out, const char *key, const char *deflt,
		      const char *missing, bool owner, unsigned allowed)
{
	bool unknown;
	char *p = tls_file(ctx, key, deflt, &unknown);
	if (!p) {
		bench_out_set(out, BENCH_INFO);
		bench_out_detail(out, "%s", unknown ? "could not evaluate: dockerd's options are unknown" : missing);
		return;
	}
	if (owner)
		owner_check(out, p, S_IFREG, "File", 0);
	else
		mode_check(out, p, S_IFREG, "File", allowed);
	free(p);
}

static void c_3_9(struct bench_ctx *ctx, struct bench_outcome *out)
{
	tls_check(ctx, out, "tlscacert", "ca.pem", "No TLS CA certificate found", true, 0);
}

static void c_3_10(struct bench_ctx *ctx, struct bench_outcome *out)
{
	tls_check(ctx, out, "tlscacert", "ca.pem", "No TLS CA certificate found", false, 0444);
}

static void c_3_11(struct bench_ctx *ctx, struct bench_outcome *out)
{
	tls_check(ctx, out, "tlscert", "cert.pem", "No TLS Server certificate found", true, 0);
}

static void c_3_12(struct bench_ctx *ctx, struct bench_outcome *out)
{
	tls_check(ctx, out, "tlscert", "cert.pem", "No TLS Server certificate found", false, 0444);
}

static void c_3_13(struct bench_ctx *ctx, struct bench_outcome *out)
{
	tls_check(ctx, out, "tlskey", "key.pem", "No TLS Key found", true, 0);
}

static void c_3_14(struct bench_ctx *ctx, struct bench_outcome *out)
{
	tls_check(ctx, out, "tlskey", "key.pem", "No TLS Key found", false, 0400);
}

static void c_3_15(struct bench_ctx *ctx, struct bench_outcome *out)
{
	/* The group dockerd gives its socket: --group, "docker" by default. */
	const char *gname = dopts_string(&ctx->dopts, "group", NULL);
	if (!gname || !*gname)
		gname = "docker";
	struct group gr, *res = NULL;
	char buf[16384];
	if (getgrnam_r(gname, &gr, buf, sizeof buf, &res) != 0 || !res) {
		bench_out_set(out, BENCH_INFO);
		bench_out_detail(out, "group %s does not exist on this host", gname);
		return;
	}
	owner_check(out, ctx->sock, S_IFSOCK, "Socket", res->gr_gid);
}

static void c_3_16(struct bench_ctx *ctx, struct bench_outcome *out)
{
	mode_check(out, ctx->sock, S_IFSOCK, "Socket", 0660);
}

static void c_3_17(struct bench_ctx *ctx, struct bench_outcome *out)
{
	owner_check(out, ctx->config_path, S_IFREG, "File", 0);
}

static void c_3_18(struct bench_ctx *ctx, struct bench_outcome *out)
{
	mode_check(out, ctx->config_path, S_IFREG, "File", 0644);
}

static void c_3_19(struct bench_ctx *ctx, struct bench_outcome *out)
{
	(void)ctx;
	owner_check(out, "/etc/default/docker", S_IFREG, "File", 0);
}

static void c_3_20(struct bench_ctx *ctx, struct bench_outcome *out)
{
	(void)ctx;
	mode_check(out, "/etc/sysconfig/docker", S_IFREG, "File", 0644);
}

static void c_3_21(struct bench_ctx *ctx, struct bench_outcome *out)
{
	(void)ctx;
	owner_check(out, "/etc/sysconfig/docker", S_IFREG, "File", 0);
}

static void c_3_22(struct bench_ctx *ctx, struct bench_outcome *out)
{
	(void)ctx;
	mode_check(out, "/etc/default/docker", S_IFREG, "File", 0644);
}

static void c_3_23(struct bench_ctx *ctx, struct bench_outcome *out)
{
	char *p = bench_containerd_socket(ctx);
	owner_check(out, p, S_IFSOCK, "Socket", 0);
	free(p);
}

static void c_3_24(struct bench_ctx *ctx, struct bench_outcome *out)
{
	char *p = bench_containerd_socket(ctx);
	mode_check(out, p, S_IFSOCK, "Socket", 0660);
	free(p);
}

static const struct bench_check checks[] = {
	{"3.1", "Ensure that the docker.service file ownership is set to root:root", 1, true,
	 "chown root:root the file systemctl show -p FragmentPath docker.service names.", c_3_1},
	{"3.2", "Ensure that docker.service file permissions are appropriately set", 1, true,
	 "chmod 644 the file systemctl show -p FragmentPath docker.service names.", c_3_2},
	{"3.3", "Ensure that docker.socket file ownership is set to root:root", 1, true,
	 "chown root:root the file systemctl show -p FragmentPath docker.socket names.", c_3_3},
	{"3.4", "Ensure that docker.socket file permissions are set to 644 or more restrictive", 1, true,
	 "chmod 644 the file systemctl show -p FragmentPath docker.socket names.", c_3_4},
	{"3.5", "Ensure that the /etc/docker directory ownership is set to root:root", 1, true,
	 "chown root:root /etc/docker", c_3_5},
	{"3.6", "Ensure that /etc/docker directory permissions are set to 755 or more restrictively", 1, true,
	 "chmod 755 /etc/docker", c_3_6},
	{"3.7", "Ensure that registry certificate file ownership is set to root:root", 1, true,
	 "chown root:root /etc/docker/certs.d/<registry-name>/*", c_3_7},
	{"3.8", "Ensure that registry certificate file permissions are set to 444 or more restrictively", 1, true,
	 "chmod 444 /etc/docker/certs.d/<registry-name>/*", c_3_8},
	{"3.9", "Ensure that TLS CA certificate file ownership is set to root:root", 1, true,
	 "chown root:root <path of --tlscacert>", c_3_9},
	{"3.10", "Ensure that TLS CA certificate file permissions are set to 444 or more restrictively", 1, true,
	 "chmod 444 <path of --tlscacert>", c_3_10},
	{"3.11", "Ensure that Docker server certificate file ownership is set to root:root", 1, true,
	 "chown root:root <path of --tlscert>", c_3_11},
	{"3.12", "Ensure that the Docker server certificate file permissions are set to 444 or more restrictively", 1,
	 true, "chmod 444 <path of --tlscert>", c_3_12},
	{"3.13", "Ensure that the Docker server certificate key file ownership is set to root:root", 1, true,
	 "chown root:root <path of --tlskey>", c_3_13},
	{"3.14", "Ensure that the Docker server certificate key file permissions are set to 400", 1, true,
	 "chmod 400 <path of --tlskey>", c_3_14},
	{"3.15", "Ensure that the Docker socket file ownership is set to root:docker", 1, true,
	 "chown root:docker <the daemon socket, e.g. /var/run/docker.sock>", c_3_15},
	{"3.16", "Ensure that the Docker socket file permissions are set to 660 or more restrictively", 1, true,
	 "chmod 660 <the daemon socket, e.g. /var/run/docker.sock>", c_3_16},
	{"3.17", "Ensure that the daemon.json file ownership is set to root:root", 1, true,
	 "chown root:root <daemon.json in use, /etc/docker/daemon.json by default>", c_3_17},
	{"3.18", "Ensure that daemon.json file permissions are set to 644 or more restrictive", 1, true,
	 "chmod 644 <daemon.json in use, /etc/docker/daemon.json by default>", c_3_18},
	{"3.19", "Ensure that the /etc/default/docker file ownership is set to root:root", 1, true,
	 "chown root:root /etc/default/docker", c_3_19},
	{"3.20", "Ensure that the /etc/sysconfig/docker file permissions are set to 644 or more restrictively", 1, true,
	 "chmod 644 /etc/sysconfig/docker", c_3_20},
	{"3.21", "Ensure that the /etc/sysconfig/docker file ownership is set to root:root", 1, true,
	 "chown root:root /etc/sysconfig/docker", c_3_21},
	{"3.22", "Ensure that the /etc/default/docker file permissions are set to 644 or more restrictively", 1, true,
	 "chmod 644 /etc/default/docker", c_3_22},
	{"3.23", "Ensure that the Containerd socket file ownership is set to root:root", 1, true,
	 "chown root:root <containerd socket, /run/containerd/containerd.sock by default>", c_3_23},
	{"3.24", "Ensure that the Containerd socket file permissions are set to 660 or more restrictively", 1, true,
	 "chmod 660 <containerd socket, /run/containerd/containerd.sock by default>", c_3_24},
};

const struct bench_check *bench_checks_files(size_t *n)
{
	*n = ARRAY_LEN(checks);
	return checks;
}
