#include "tarbuild.h"

#include <archive.h>
#include <archive_entry.h>
#include <stdlib.h>
#include <string.h>

unsigned char *tar_build(const struct tspec *e, size_t n, const char *compress, size_t *len)
{
	size_t cap = 1 << 20;
	for (size_t i = 0; i < n; i++)
		cap += e[i].zeros + (e[i].content ? strlen(e[i].content) : 0) + 4096;
	unsigned char *buf = malloc(cap);
	struct archive *a = archive_write_new();
	archive_write_set_format_pax_restricted(a);
	if (compress && !strcmp(compress, "gzip"))
		archive_write_add_filter_gzip(a);
	else if (compress && !strcmp(compress, "zstd"))
		archive_write_add_filter_zstd(a);
	archive_write_set_bytes_in_last_block(a, 1);
	size_t used = 0;
	archive_write_open_memory(a, buf, cap, &used);
	for (size_t i = 0; i < n; i++) {
		struct archive_entry *ent = archive_entry_new();
		archive_entry_set_pathname(ent, e[i].path);
		unsigned mode = e[i].mode;
		switch (e[i].type) {
		case 'd':
			archive_entry_set_filetype(ent, AE_IFDIR);
			mode = mode ? mode : 0755;
			break;
		case 'l':
			archive_entry_set_filetype(ent, AE_IFLNK);
			archive_entry_set_symlink(ent, e[i].content);
			mode = mode ? mode : 0777;
			break;
		case 'h':
			archive_entry_set_filetype(ent, AE_IFREG);
			archive_entry_set_hardlink(ent, e[i].content);
			break;
		case 'c':
			archive_entry_set_filetype(ent, AE_IFCHR);
			archive_entry_set_rdev(ent, 0x0103);
			break;
		default:
			archive_entry_set_filetype(ent, AE_IFREG);
			archive_entry_set_size(ent, e[i].zeros ? (la_int64_t)e[i].zeros
						       : (la_int64_t)strlen(e[i].content ? e[i].content : ""));
			break;
		}
		archive_entry_set_perm(ent, mode ? mode : 0644);
		archive_write_header(a, ent);
		if (e[i].type == 'f' || !e[i].type) {
			if (e[i].zeros) {
				char *z = calloc(1, e[i].zeros);
				archive_write_data(a, z, e[i].zeros);
				free(z);
			} else if (e[i].content) {
				archive_write_data(a, e[i].content, strlen(e[i].content));
			}
		}
		archive_entry_free(ent);
	}
	archive_write_close(a);
	archive_write_free(a);
	*len = used;
	return buf;
}
