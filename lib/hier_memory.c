/* The hierarchy of a memory handle (docs/hierarchy.md, "The hierarchy"):
 * levels, their capacities, meshes, kept tensors and per-action energies. */
#include "hier_internal.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static const char *const hier_keys[4] = {"capacity", "mesh_x", "mesh_y", "keep"};
static const char *const tensor_letter[EC_NTENSORS] = {"I", "W", "O"};
static const char *const action_names[EC_HACT] = {"read", "fill", "update"};

ec_status ec_memory_set_levels(ec_memory *m, int levels)
{
    if (!m) return EC_E_NULL;
    if (levels < 0 || levels > EC_HIER_MAX_LEVELS) {
        ec_msg(m->msg, "memory: levels = %d is not in [0, %d]", levels, EC_HIER_MAX_LEVELS);
        return EC_E_RANGE;
    }
    ec_hier *h = &m->hier;
    memset(h, 0, sizeof *h);
    h->levels = levels;
    for (int l = 0; l <= levels; l++) {
        ec_hier_level *v = &h->level[l];
        if (l == 0) snprintf(v->name, sizeof v->name, "DRAM");
        else snprintf(v->name, sizeof v->name, "L%d", l);
        v->capacity = EC_CAPACITY_UNBOUNDED;
        v->keep = 7;
        for (int t = 0; t < EC_NTENSORS; t++) {
            if (l == 0) {
                v->energy[t][EC_ACTION_READ] = m->energy[EC_ENERGY_DRAM_READ];
                v->energy[t][EC_ACTION_UPDATE] = m->energy[EC_ENERGY_DRAM_WRITE];
            } else {
                v->energy[t][EC_ACTION_READ] = m->energy[EC_ENERGY_BUF_READ];
                v->energy[t][EC_ACTION_FILL] = m->energy[EC_ENERGY_BUF_WRITE];
                v->energy[t][EC_ACTION_UPDATE] = m->energy[EC_ENERGY_BUF_WRITE];
            }
        }
    }
    return EC_OK;
}

ec_status ec_memory_get_levels(const ec_memory *m, int *levels)
{
    if (!m || !levels) return EC_E_NULL;
    *levels = m->hier.levels;
    return EC_OK;
}

/* Levels 0..L take every key; L + 1 (the MACs) only the meshes. */
static ec_status level_slot(ec_memory *m, int level, ec_hier_param key, int64_t **slot)
{
    int L = m->hier.levels;
    if (L == 0 || level < 0 || level > L + 1) {
        ec_msg(m->msg, "memory: level %d is not in [0, %d]%s", level, L + 1,
               L == 0 ? " (call ec_memory_set_levels first)" : "");
        return EC_E_RANGE;
    }
    if ((int)key < 0 || (int)key > EC_HIER_KEEP) {
        ec_msg(m->msg, "memory: unknown level parameter key %d", (int)key);
        return EC_E_KEY;
    }
    if (level == L + 1) {
        if (key != EC_HIER_MESH_X && key != EC_HIER_MESH_Y) {
            ec_msg(m->msg, "memory: level %d (the MACs) has no %s", level, hier_keys[key]);
            return EC_E_RANGE;
        }
        *slot = &m->hier.mac_mesh[key - EC_HIER_MESH_X];
        return EC_OK;
    }
    ec_hier_level *v = &m->hier.level[level];
    switch (key) {
    case EC_HIER_CAPACITY: *slot = &v->capacity; break;
    case EC_HIER_MESH_X: *slot = &v->mesh[0]; break;
    case EC_HIER_MESH_Y: *slot = &v->mesh[1]; break;
    case EC_HIER_KEEP: *slot = &v->keep; break;
    }
    return EC_OK;
}

ec_status ec_memory_level_set(ec_memory *m, int level, ec_hier_param key, int64_t value)
{
    if (!m) return EC_E_NULL;
    int64_t *slot;
    ec_status st = level_slot(m, level, key, &slot);
    if (st) return st;
    const char *name = level <= m->hier.levels ? m->hier.level[level].name : "MACs";
    int bad = 0;
    switch (key) {
    case EC_HIER_CAPACITY:
        bad = value < EC_CAPACITY_UNBOUNDED || (level == 0 && value != EC_CAPACITY_UNBOUNDED);
        break;
    case EC_HIER_MESH_X:
    case EC_HIER_MESH_Y: bad = value < 0 || value > ((int64_t)1 << 32); break;
    case EC_HIER_KEEP: bad = value < 0 || value > 7 || (level == 0 && value != 7); break;
    }
    if (bad) {
        ec_msg(m->msg, "memory: level %d (%s): %s = %lld is out of range%s", level, name,
               hier_keys[key], (long long)value,
               level == 0 ? " (DRAM keeps every tensor and is unbounded)" : "");
        return EC_E_RANGE;
    }
    *slot = value;
    return EC_OK;
}

ec_status ec_memory_level_get(const ec_memory *m, int level, ec_hier_param key, int64_t *value)
{
    if (!m || !value) return EC_E_NULL;
    int64_t *slot;
    /* level_slot writes a message on error; the handle is logically const. */
    ec_status st = level_slot((ec_memory *)m, level, key, &slot);
    if (st) return st;
    *value = *slot;
    return EC_OK;
}

static ec_status level_index(ec_memory *m, int level)
{
    if (level < 0 || level > m->hier.levels || m->hier.levels == 0) {
        ec_msg(m->msg, "memory: level %d is not in [0, %d]", level, m->hier.levels);
        return EC_E_RANGE;
    }
    return EC_OK;
}

ec_status ec_memory_level_set_name(ec_memory *m, int level, const char *name)
{
    if (!m || !name) return EC_E_NULL;
    ec_status st = level_index(m, level);
    if (st) return st;
    snprintf(m->hier.level[level].name, EC_HNAME, "%s", name);
    return EC_OK;
}

const char *ec_memory_level_name(const ec_memory *m, int level)
{
    if (!m || level < 0 || level > m->hier.levels || m->hier.levels == 0) return "";
    return m->hier.level[level].name;
}

static ec_status energy_slot(ec_memory *m, int level, ec_tensor t, ec_action a)
{
    ec_status st = level_index(m, level);
    if (st) return st;
    if ((int)t < 0 || (int)t >= EC_NTENSORS || (int)a < 0 || (int)a >= EC_HACT) {
        ec_msg(m->msg, "memory: level %d: unknown tensor %d or action %d", level, (int)t, (int)a);
        return EC_E_KEY;
    }
    return EC_OK;
}

ec_status ec_memory_level_set_energy(ec_memory *m, int level, ec_tensor t, ec_action a,
                                     double energy)
{
    if (!m) return EC_E_NULL;
    ec_status st = energy_slot(m, level, t, a);
    if (st) return st;
    if (!isfinite(energy) || energy < 0) {
        ec_msg(m->msg, "memory: level %d (%s): %s energy of %s = %g is not a non-negative finite "
               "number", level, m->hier.level[level].name, action_names[a], tensor_letter[t],
               energy);
        return EC_E_ENERGY;
    }
    m->hier.level[level].energy[t][a] = energy;
    return EC_OK;
}

ec_status ec_memory_level_get_energy(const ec_memory *m, int level, ec_tensor t, ec_action a,
                                     double *energy)
{
    if (!m || !energy) return EC_E_NULL;
    ec_status st = energy_slot((ec_memory *)m, level, t, a);
    if (st) return st;
    *energy = m->hier.level[level].energy[t][a];
    return EC_OK;
}

/* Timeloop's cluster-size (instances sharing one access) and block-size
 * (words of one access): docs/hierarchy.md, "Clusters and blocks". Stored
 * as 0 or the value; read as at least 1. */
static ec_status size_set(ec_memory *m, int level, int64_t value, int block)
{
    if (!m) return EC_E_NULL;
    ec_status st = level_index(m, level);
    if (st) return st;
    if ((!block && level == 0) || value < 1 || value > ((int64_t)1 << 32)) {
        ec_msg(m->msg, "memory: level %d (%s): %s = %lld is out of range (1..2^32%s)", level,
               m->hier.level[level].name, block ? "block" : "cluster", (long long)value,
               block ? "" : ", on-chip levels only");
        return EC_E_RANGE;
    }
    ec_hier_level *v = &m->hier.level[level];
    *(block ? &v->block : &v->cluster) = value;
    return EC_OK;
}

static ec_status size_get(const ec_memory *m, int level, int64_t *value, int block)
{
    if (!m || !value) return EC_E_NULL;
    ec_status st = level_index((ec_memory *)m, level);
    if (st) return st;
    const ec_hier_level *v = &m->hier.level[level];
    int64_t x = block ? v->block : v->cluster;
    *value = x > 1 ? x : 1;
    return EC_OK;
}

ec_status ec_memory_level_set_cluster(ec_memory *m, int level, int64_t cluster)
{
    return size_set(m, level, cluster, 0);
}

ec_status ec_memory_level_get_cluster(const ec_memory *m, int level, int64_t *cluster)
{
    return size_get(m, level, cluster, 0);
}

ec_status ec_memory_level_set_block(ec_memory *m, int level, int64_t block)
{
    return size_set(m, level, block, 1);
}

ec_status ec_memory_level_get_block(const ec_memory *m, int level, int64_t *block)
{
    return size_get(m, level, block, 1);
}
