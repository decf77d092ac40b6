/* cmd: the commands. Each is thin: it parses its options and wires the stages
 * (source → image → walk → analyzers → inventory → report) together. */
#ifndef VIGIL_CMD_H
#define VIGIL_CMD_H

/* Exit codes (documented in the man page and README). */
enum {
	EXIT_OK = 0,
	EXIT_FINDINGS = 1, /* default for --exit-code when findings remain; a failed --policy */
	EXIT_USAGE = 2,    /* bad command line */
	EXIT_INPUT = 3,    /* the image or file could not be read or is invalid */
	EXIT_INTERNAL = 4, /* anything else (I/O, out of resources) */
};

int cmd_main(int argc, char **argv);
int cmd_image(int argc, char **argv);
int cmd_rootfs(int argc, char **argv);
int cmd_fs(int argc, char **argv);
int cmd_sbom(int argc, char **argv);
int cmd_bench(int argc, char **argv);
int cmd_config(int argc, char **argv);
int cmd_db(int argc, char **argv);
int cmd_key(int argc, char **argv);
int cmd_sign(int argc, char **argv);
int cmd_verify(int argc, char **argv);
int cmd_trust(int argc, char **argv);

#endif
