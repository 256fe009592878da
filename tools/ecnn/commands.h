/* The subcommands. Each takes the arguments after its name and returns the
 * process exit status (util.h). */
#ifndef ECNN_TOOL_COMMANDS_H
#define ECNN_TOOL_COMMANDS_H

int cmd_layer(int argc, char **argv);
int cmd_net(int argc, char **argv);
int cmd_sweep(int argc, char **argv);
int cmd_zoo(int argc, char **argv);
/* cmd_hier.c: `ecnn layer` on a hierarchy (--arch, --ert, --mapping). */
int hier_wanted(int argc, char **argv);
int cmd_layer_hier(int argc, char **argv);

#endif
