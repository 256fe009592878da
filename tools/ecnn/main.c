/* ecnn: the energy complexity of CNN layers and networks from the command
 * line (docs/cli.md). Dispatches to the subcommands. */
#include "commands.h"
#include "util.h"

#include <ecnn.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

static const char usage[] =
    "usage: ecnn COMMAND [OPTIONS]\n"
    "\n"
    "The energy of convolutional layers on a DRAM + Buffer machine (docs/model.md),\n"
    "its breakdown, the dataflow, and the distance to the lower bound.\n"
    "\n"
    "Commands:\n"
    "  layer      one layer given by flags or by a Timeloop problem file\n"
    "  net        every layer of a network: NAME (see 'ecnn zoo') or FILE\n"
    "             (network .csv, Timeloop .yaml, a directory or a list of them)\n"
    "  sweep      a layer or a network across Buffer sizes, per policy and the\n"
    "             bound; --svg FILE draws the plot\n"
    "  zoo        lists the built-in networks\n"
    "\n"
    "'ecnn COMMAND --help' describes a command's options. Every command takes\n"
    "--format table|csv|json. 'ecnn --version' prints the version.\n";

int main(int argc, char **argv)
{
    static const struct {
        const char *name;
        int (*run)(int, char **);
    } commands[] = {
        {"layer", cmd_layer}, {"net", cmd_net}, {"sweep", cmd_sweep}, {"zoo", cmd_zoo}};
    /* A file size limit then fails the write (EFBIG), which the writers
     * report and recover from, instead of killing the program mid-file. */
    signal(SIGXFSZ, SIG_IGN);
    if (argc < 2) {
        fputs(usage, stderr);
        return EXIT_USAGE;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
        if (argc > 2 && strcmp(cmd, "help") == 0) {
            char *args[] = {argv[2], (char *)"--help", NULL};
            for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
                if (strcmp(argv[2], commands[i].name) == 0) {
                    static char name[64];
                    snprintf(name, sizeof name, "ecnn %s", commands[i].name);
                    tool_name = name;
                    return commands[i].run(1, args + 1);
                }
            tool_error("unknown command '%s' (layer, net, sweep, zoo)", argv[2]);
            return EXIT_USAGE;
        }
        fputs(usage, stdout);
        return 0;
    }
    if (strcmp(cmd, "--version") == 0) {
        printf("ecnn %s (libecnn %s)\n", EC_VERSION_STRING, ec_version_string());
        return 0;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
        if (strcmp(cmd, commands[i].name) == 0) {
            static char name[64];
            snprintf(name, sizeof name, "ecnn %s", commands[i].name);
            tool_name = name;
            return commands[i].run(argc - 2, argv + 2);
        }
    }
    tool_error("unknown command '%s' (layer, net, sweep, zoo; see ecnn --help)", cmd);
    return EXIT_USAGE;
}
