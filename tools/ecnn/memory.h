/* The memory description: from a "key = value" memory file (docs/cli.md)
 * and from command-line flags, which override the file key by key. */
#ifndef ECNN_TOOL_MEMORY_H
#define ECNN_TOOL_MEMORY_H

#include "args.h"

#include <ecnn.h>

typedef struct mem_desc {
    size_arg capacity, part[3]; /* part: I, W, O */
    int64_t word_bytes;         /* 0 = not given */
    double energy[5];           /* indexed by ec_energy_param */
    unsigned energy_set;        /* bit per ec_energy_param */
    int choose_partition;       /* -1 not given, else 0 or 1 */
    int preset;                 /* 1: --preset eyeriss given */
} mem_desc;

/* Names shared by the file keys and the flags: dram_read / --dram-read ... */
extern const char *const mem_energy_keys[5];

void mem_desc_init(mem_desc *d);
/* Reads a memory file into d; "file:line: reason" and -1 on error. */
int memfile_read(const char *path, mem_desc *d);
/* As memfile_read() on a file already read (tf_open, tf_adopt); closes it. */
struct textfile;
int memfile_parse(struct textfile *tf, mem_desc *d);
/* Handles a memory flag: 1 handled, 0 not a memory flag, -1 error. The
 * file named by --memory is stored in *file. */
int mem_flag(argscan *s, mem_desc *d, const char **file);
/* Applies the defaults, then the file (may be NULL), then the flags. */
int mem_build(const mem_desc *file, const mem_desc *flags, ec_memory *m);
/* Help text of the memory flags. */
extern const char mem_help[];

#endif
