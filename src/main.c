/* vigil: entry point. Dispatches to the commands in src/cmd/. */
#include "cmd/cmd.h"

int main(int argc, char **argv)
{
	return cmd_main(argc, argv);
}
