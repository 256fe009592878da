#include "memory.h"

#include "util.h"

#include <stdio.h>
#include <string.h>

const char *const mem_energy_keys[5] = {"dram_read", "dram_write", "buf_read", "buf_write", "mac"};

const char mem_help[] =
    "Memory (docs/model.md section 2; default: a shared Buffer of 64Ki words, DRAM 200,\n"
    "Buffer 6, MAC 1):\n"
    "  --memory FILE          a memory file (key = value lines, see docs/cli.md);\n"
    "                         the flags below override it key by key\n"
    "  --capacity SIZE, -M    shared Buffer capacity M, e.g. 65536, 64Ki, 1Mi\n"
    "                         (k = 1000, Ki = 1024, M, Mi, G, Gi; words unless the\n"
    "                         unit B says bytes, e.g. 128KiB, which needs --word-bytes)\n"
    "  --word-bytes N         bytes per word, to read sizes given in bytes\n"
    "  --partition I,W,O      a partitioned Buffer: sizes of the three partitions\n"
    "  --partition-i SIZE, --partition-w SIZE, --partition-o SIZE\n"
    "  --choose-partition     partition the capacity M the cheapest way\n"
    "  --preset eyeriss       all five energies from a preset\n"
    "  --dram-read E, --dram-write E, --buf-read E, --buf-write E, --mac E\n"
    "                         per-access energies (any unit; one MAC = 1 by default)\n"
    "  --dram E, --buf E      both DRAM (Buffer) energies at once\n";

void mem_desc_init(mem_desc *d)
{
    memset(d, 0, sizeof *d);
    d->choose_partition = -1;
}

int mem_flag(argscan *s, mem_desc *d, const char **file)
{
    const char *v;
    if (argscan_is(s, "memory")) {
        if (!(v = argscan_value(s))) return -1;
        *file = v;
        return 1;
    }
    if (argscan_is(s, "capacity") || argscan_is(s, "M")) {
        if (!(v = argscan_value(s))) return -1;
        return parse_size(s->opt, v, &d->capacity) == 0 ? 1 : -1;
    }
    if (argscan_is(s, "word-bytes")) {
        if (!(v = argscan_value(s))) return -1;
        return parse_int(s->opt, v, 1, &d->word_bytes) == 0 ? 1 : -1;
    }
    if (argscan_is(s, "partition")) {
        if (!(v = argscan_value(s))) return -1;
        char buf[256];
        if (strlen(v) >= sizeof buf) { /* a cut value would read as another size */
            tool_error("%s: '%.40s...' is longer than %zu characters", s->opt, v, sizeof buf - 1);
            return -1;
        }
        str_copy(buf, sizeof buf, v);
        char *part[3], *p = buf;
        for (int i = 0; i < 3; i++) {
            part[i] = p;
            char *comma = strchr(p, ',');
            if ((i < 2) != (comma != NULL)) {
                tool_error("%s: '%s' is not three sizes I,W,O (e.g. 16Ki,32Ki,16Ki)", s->opt, v);
                return -1;
            }
            if (comma) {
                *comma = '\0';
                p = comma + 1;
            }
        }
        for (int i = 0; i < 3; i++)
            if (parse_size(s->opt, part[i], &d->part[i]) != 0) return -1;
        return 1;
    }
    static const char *const part_flags[3] = {"partition-i", "partition-w", "partition-o"};
    for (int i = 0; i < 3; i++) {
        if (argscan_is(s, part_flags[i])) {
            if (!(v = argscan_value(s))) return -1;
            return parse_size(s->opt, v, &d->part[i]) == 0 ? 1 : -1;
        }
    }
    if (argscan_is(s, "choose-partition")) {
        if (argscan_flag(s) != 0) return -1;
        d->choose_partition = 1;
        return 1;
    }
    if (argscan_is(s, "preset")) {
        static const char *const presets[] = {"eyeriss", NULL};
        int i;
        if (!(v = argscan_value(s)) || parse_choice(s->opt, v, presets, &i) != 0) return -1;
        d->preset = 1;
        return 1;
    }
    static const char *const e_flags[5] = {"dram-read", "dram-write", "buf-read", "buf-write", "mac"};
    for (int i = 0; i < 5; i++) {
        if (argscan_is(s, e_flags[i])) {
            if (!(v = argscan_value(s)) || parse_energy(s->opt, v, &d->energy[i]) != 0) return -1;
            d->energy_set |= 1u << i;
            return 1;
        }
    }
    if (argscan_is(s, "dram") || argscan_is(s, "buf")) {
        int base = argscan_is(s, "dram") ? EC_ENERGY_DRAM_READ : EC_ENERGY_BUF_READ;
        double e;
        if (!(v = argscan_value(s)) || parse_energy(s->opt, v, &e) != 0) return -1;
        d->energy[base] = d->energy[base + 1] = e;
        d->energy_set |= 3u << base;
        return 1;
    }
    return 0;
}

static int set_mem(ec_memory *m, ec_memory_param key, int64_t value, const char *what)
{
    if (ec_memory_set(m, key, value) != EC_OK) {
        tool_error("%s: %s", what, ec_memory_message(m));
        return -1;
    }
    return 0;
}

int mem_build(const mem_desc *file, const mem_desc *flags, ec_memory *m)
{
    const mem_desc *src[2] = {file, flags};
    int64_t wb = flags->word_bytes ? flags->word_bytes : file ? file->word_bytes : 0;
    int any_part_flag = flags->part[0].set || flags->part[1].set || flags->part[2].set;
    for (int k = 0; k < 2; k++) {
        const mem_desc *d = src[k];
        if (!d) continue;
        if (k == 1 && d->preset) ec_memory_preset_energies(m, EC_PRESET_EYERISS);
        int64_t w;
        if (d->capacity.set) {
            if (size_words(&d->capacity, wb, &w) != 0 ||
                set_mem(m, EC_MEM_CAPACITY, w, d->capacity.what) != 0)
                return -1;
        }
        /* A partition given on the command line replaces the file's whole
         * partition; --choose-partition replaces a fixed partition. */
        int take_parts = k == 1 || !any_part_flag;
        for (int i = 0; i < 3 && take_parts; i++) {
            if (!d->part[i].set) continue;
            if (size_words(&d->part[i], wb, &w) != 0 ||
                set_mem(m, (ec_memory_param)(EC_MEM_PARTITION_I + i), w, d->part[i].what) != 0)
                return -1;
        }
        if (k == 1 && any_part_flag) {
            for (int i = 0; i < 3; i++)
                if (!d->part[i].set) set_mem(m, (ec_memory_param)(EC_MEM_PARTITION_I + i), 0, "");
            if (flags->choose_partition < 0) set_mem(m, EC_MEM_CHOOSE_PARTITION, 0, "");
        }
        if (d->choose_partition >= 0 &&
            set_mem(m, EC_MEM_CHOOSE_PARTITION, d->choose_partition, "choose_partition") != 0)
            return -1;
        for (int i = 0; i < 5; i++) {
            if (!(d->energy_set & (1u << i))) continue;
            if (ec_memory_set_energy(m, (ec_energy_param)i, d->energy[i]) != EC_OK) {
                tool_error("%s: %s", mem_energy_keys[i], ec_memory_message(m));
                return -1;
            }
        }
    }
    if (any_part_flag && flags->choose_partition == 1) {
        tool_error("--choose-partition and --partition exclude each other: choose the partition "
                   "or give it");
        return -1;
    }
    return 0;
}
