/* Walking an unpacked root filesystem as one layer. Links are recorded and
 * never followed (every open is relative to a directory fd, O_NOFOLLOW), and
 * pseudo filesystems (/proc, /sys, /dev…) are not entered, so scanning the
 * host's "/" reads only real files. */
#include "walk/record.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

enum { MAX_DEPTH = 512 };

struct fd_reader {
	int fd;
	const char *path;
};

static ssize_t read_fd(void *p, void *buf, size_t n, struct err *e)
{
	struct fd_reader *r = p;
	for (;;) {
		ssize_t k = read(r->fd, buf, n);
		if (k >= 0)
			return k;
		if (errno != EINTR) {
			err_set(e, "%s: %s", r->path, strerror(errno));
			return -1;
		}
	}
}

static bool is_pseudo_fs(int fd)
{
	struct statfs sf;
	if (fstatfs(fd, &sf) != 0)
		return false;
	switch ((unsigned long)sf.f_type) {
	case PROC_SUPER_MAGIC:
	case SYSFS_MAGIC:
	case DEVPTS_SUPER_MAGIC:
	case CGROUP_SUPER_MAGIC:
	case CGROUP2_SUPER_MAGIC:
	case DEBUGFS_MAGIC:
	case TRACEFS_MAGIC:
	case SECURITYFS_MAGIC:
	case BPF_FS_MAGIC:
		return true;
	default:
		return false;
	}
}

static char type_of(mode_t m)
{
	if (S_ISREG(m))
		return ENTRY_FILE;
	if (S_ISDIR(m))
		return ENTRY_DIR;
	if (S_ISLNK(m))
		return ENTRY_SYMLINK;
	if (S_ISCHR(m))
		return ENTRY_CHAR;
	if (S_ISBLK(m))
		return ENTRY_BLOCK;
	if (S_ISFIFO(m))
		return ENTRY_FIFO;
	return ENTRY_SOCKET;
}

static int walk(int dfd, const char *rel, int depth, dev_t root_dev, const struct walk_limits *lim,
		struct secret_scan *ss, struct layer_result *out, struct err *e)
{
	if (depth > MAX_DEPTH) {
		layer_result_warn(out, "%s: nested deeper than %d levels; not entered", rel, MAX_DEPTH);
		return 0;
	}
	if (is_pseudo_fs(dfd))
		return 0;
	DIR *d = fdopendir(dfd);
	if (!d) {
		layer_result_warn(out, "%s: %s", *rel ? rel : "/", strerror(errno));
		close(dfd);
		return 0;
	}
	int rc = 0;
	struct dirent *de;
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (out->nentries >= lim->max_entries) {
			err_set(e, "more than %llu entries", (unsigned long long)lim->max_entries);
			rc = -1;
			break;
		}
		char *path = *rel ? xasprintf("%s/%s", rel, de->d_name) : xstrdup(de->d_name);
		struct stat st;
		if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
			layer_result_warn(out, "%s: %s", path, strerror(errno));
			free(path);
			continue;
		}
		char type = type_of(st.st_mode);
		char linkbuf[4097];
		const char *link = NULL;
		if (type == ENTRY_SYMLINK) {
			ssize_t n = readlinkat(dirfd(d), de->d_name, linkbuf, sizeof linkbuf - 1);
			if (n >= 0) {
				linkbuf[n] = 0;
				link = linkbuf;
			}
		}
		struct fd_reader fr = {.fd = -1, .path = path};
		if (type == ENTRY_FILE)
			fr.fd = openat(dirfd(d), de->d_name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY);
		struct record_in in = {
			.raw_path = path,
			.link = link,
			.size = st.st_size,
			.mode = st.st_mode & 07777,
			.type = type,
			.read = fr.fd >= 0 ? read_fd : NULL,
			.read_ctx = &fr,
			.secrets = ss,
		};
		if (type == ENTRY_FILE && fr.fd < 0)
			layer_result_warn(out, "%s: %s", path, strerror(errno));
		int r = record_entry(out, &in, e);
		if (fr.fd >= 0)
			close(fr.fd);
		if (r != 0) {
			layer_result_warn(out, "%s", e->msg); /* an unreadable file is not fatal here */
		}
		if (type == ENTRY_DIR) {
			int sub = openat(dirfd(d), de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (sub < 0) {
				layer_result_warn(out, "%s: %s", path, strerror(errno));
			} else if (walk(sub, path, depth + 1, root_dev, lim, ss, out, e) != 0) {
				free(path);
				rc = -1;
				break;
			}
		}
		free(path);
	}
	closedir(d);
	return rc;
}

int layer_walk_dir(const char *root, const struct walk_limits *lim, struct layer_result *out,
		   struct err *e)
{
	if (!lim)
		lim = &walk_default_limits;
	int fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		err_set(e, "%s: %s", root, strerror(errno));
		return -1;
	}
	struct stat st;
	if (fstat(fd, &st) != 0) {
		err_set(e, "%s: %s", root, strerror(errno));
		close(fd);
		return -1;
	}
	struct secret_scan *ss = lim->secrets ? secret_scan_new(lim->secrets) : NULL;
	int rc = walk(fd, "", 0, st.st_dev, lim, ss, out, e);
	secret_scan_free(ss);
	if (rc != 0) {
		err_prefix(e, "%s", root);
		return -1;
	}
	return 0;
}
