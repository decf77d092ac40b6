/* Option parsing shared by the scanning commands. */
#ifndef VIGIL_CMD_ARGS_H
#define VIGIL_CMD_ARGS_H

#include "cmd/scan.h"

struct scan_command {
	const char *name;
	const char *usage;
	const char *const *formats; /* NULL-terminated; the first is the default */
	bool takes_input;           /* accepts --input PATH */
	enum target_kind positional_kind;
	bool list_all_default;
	unsigned default_scanners; /* SCAN_* */
	bool takes_policy;         /* accepts --policy FILE */
};

/* Returns 0 to go on, -1 after printing --help (exit 0), or an exit code. */
int scan_parse_args(int argc, char **argv, const struct scan_command *c, struct scan_opts *o);

/* The whole scanning command: parse, read, match, report, exit status. */
int scan_command_main(int argc, char **argv, const struct scan_command *c);

#endif
