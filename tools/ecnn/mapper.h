/* The mapper in the tool (docs/mapper.md, "The command line"): Timeloop's
 * constraint files read into a dataflow's constraints, the mapping found
 * written as Timeloop mapping YAML, and `ecnn net --arch`. */
#ifndef ECNN_TOOL_MAPPER_H
#define ECNN_TOOL_MAPPER_H

#include "archyaml.h"
#include "args.h"
#include "outbuf.h"

#include <stddef.h>

#define MAPPER_MAX_CONS 16

typedef struct mapper_opts {
    int search; /* evaluate with EC_POLICY_OPTIMAL */
    int ncons;
    const char *cons[MAPPER_MAX_CONS];
    const char *emit_dir; /* --emit-mapping DIR, or NULL */
    int walk;             /* --walk: count with ec_count() */
} mapper_opts;

extern const char mapper_help[];

void mapper_opts_init(mapper_opts *o);
/* 1: the option was --constraints, --emit-mapping or --search and is taken;
 * 0: another option; -1: a bad value (message printed). */
int mapper_flag(argscan *s, mapper_opts *o);

/* cmd_hier.c: the hierarchy of --arch (a file or a preset) with the
 * energies of --ert (or the preset's); ert_used receives the ERT's path. */
int hier_load(const char *arch, const char *ert, arch_desc *a, ec_memory *m, char *ert_used,
              size_t size);

/* Reads a Timeloop constraints file (architecture_constraints or
 * mapspace_constraints): bypass into the memory's kept tensors, factors and
 * permutations into the dataflow's constraints. -1 with "file:line: reason". */
int cons_read(const char *path, const arch_desc *a, ec_memory *m, ec_dataflow *d);

/* Writes the dataflow's mapping as Timeloop mapping YAML. -1 on failure. */
int mapping_write(const char *path, const arch_desc *a, const ec_memory *m, const ec_dataflow *d);

/* Before ec_evaluate(): the constraint files, and the policy of a search. */
int mapper_prepare(const mapper_opts *o, const arch_desc *a, ec_memory *m, ec_dataflow *d);

/* ec_evaluate(), or with --walk ec_count() (of the mapping found, after a
 * search; the search's figures are then not in the result). */
ec_status mapper_evaluate(const mapper_opts *o, const ec_layer *ly, const ec_memory *m,
                          ec_dataflow *d, ec_result *res);

/* After it: the search's figures and mapping (table format), and
 * --emit-mapping DIR/<problem stem>.yaml. */
int mapper_finish(const mapper_opts *o, outbuf *ob, int format, const arch_desc *a,
                  const ec_memory *m, ec_dataflow *d, const ec_result *res, const char *problem);

int cmd_net_hier(int argc, char **argv);

#endif
