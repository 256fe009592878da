/* The memory handle (docs/model.md section 2): Buffer capacity or partition, and
 * the five per-access energies. */
#include "internal.h"

#include <math.h>

static const char *const mem_names[5] = {"capacity", "partition_I", "partition_W", "partition_O",
                                         "choose_partition"};
static const char *const energy_names[EC_NENERGIES] = {"dram_read", "dram_write", "buf_read",
                                                       "buf_write", "mac"};
static const char *const tensor_names[EC_NTENSORS] = {"I", "W", "O"};

ec_memory *ec_memory_create(void) { return ec_memory_create_with(NULL); }

ec_memory *ec_memory_create_with(const ec_allocator *allocator)
{
    ec_memory *m = ec_handle_create(allocator, sizeof *m);
    if (!m) return NULL;
    m->capacity = 65536;
    ec_memory_preset_energies(m, EC_PRESET_EYERISS);
    return m;
}

void ec_memory_destroy(ec_memory *memory) { ec_handle_destroy(memory); }

const char *ec_memory_message(const ec_memory *memory) { return memory ? memory->msg : ""; }

static int64_t *mem_slot(ec_memory *m, ec_memory_param key)
{
    switch (key) {
    case EC_MEM_CAPACITY: return &m->capacity;
    case EC_MEM_PARTITION_I: return &m->partition[EC_TENSOR_I];
    case EC_MEM_PARTITION_W: return &m->partition[EC_TENSOR_W];
    case EC_MEM_PARTITION_O: return &m->partition[EC_TENSOR_O];
    case EC_MEM_CHOOSE_PARTITION: return &m->choose_partition;
    }
    return NULL;
}

ec_status ec_memory_set(ec_memory *memory, ec_memory_param key, int64_t value)
{
    if (!memory) return EC_E_NULL;
    int64_t *slot = mem_slot(memory, key);
    if (!slot) {
        ec_msg(memory->msg, "memory: unknown parameter key %d", (int)key);
        return EC_E_KEY;
    }
    if (value < 0) {
        ec_msg(memory->msg, "memory: %s = %lld is negative", mem_names[key], (long long)value);
        return EC_E_RANGE;
    }
    if (key == EC_MEM_CHOOSE_PARTITION && value > 1) {
        ec_msg(memory->msg, "memory: choose_partition = %lld is not 0 or 1", (long long)value);
        return EC_E_RANGE;
    }
    *slot = value;
    return EC_OK;
}

ec_status ec_memory_get(const ec_memory *memory, ec_memory_param key, int64_t *value)
{
    if (!memory || !value) return EC_E_NULL;
    int64_t *slot = mem_slot((ec_memory *)memory, key);
    if (!slot) return EC_E_KEY;
    *value = *slot;
    return EC_OK;
}

ec_status ec_memory_set_energy(ec_memory *memory, ec_energy_param key, double value)
{
    if (!memory) return EC_E_NULL;
    if ((int)key < 0 || (int)key >= EC_NENERGIES) {
        ec_msg(memory->msg, "memory: unknown energy key %d", (int)key);
        return EC_E_KEY;
    }
    if (!isfinite(value) || value < 0) {
        ec_msg(memory->msg, "memory: energy %s = %g is not a non-negative finite number",
               energy_names[key], value);
        return EC_E_ENERGY;
    }
    memory->energy[key] = value;
    return EC_OK;
}

ec_status ec_memory_get_energy(const ec_memory *memory, ec_energy_param key, double *value)
{
    if (!memory || !value) return EC_E_NULL;
    if ((int)key < 0 || (int)key >= EC_NENERGIES) return EC_E_KEY;
    *value = memory->energy[key];
    return EC_OK;
}

ec_status ec_memory_preset_energies(ec_memory *memory, ec_memory_preset preset)
{
    if (!memory) return EC_E_NULL;
    if (preset != EC_PRESET_EYERISS) {
        ec_msg(memory->msg, "memory: unknown preset %d", (int)preset);
        return EC_E_KEY;
    }
    memory->energy[EC_ENERGY_DRAM_READ] = 200;
    memory->energy[EC_ENERGY_DRAM_WRITE] = 200;
    memory->energy[EC_ENERGY_BUF_READ] = 6;
    memory->energy[EC_ENERGY_BUF_WRITE] = 6;
    memory->energy[EC_ENERGY_MAC] = 1;
    return EC_OK;
}

/* A partition chosen by the library fits exactly the tilings that fit the
 * shared Buffer of the same total (docs/bound.md, "Partitions"), so it is
 * searched as a shared Buffer. */
int ec_memory_partitioned(const ec_memory *m)
{
    if (m->choose_partition) return 0;
    return m->partition[0] != 0 || m->partition[1] != 0 || m->partition[2] != 0;
}

ec_status ec_memory_fits(const ec_memory *m, const int64_t cap[EC_NTENSORS], char *msg)
{
    if (ec_memory_partitioned(m)) {
        for (int t = 0; t < EC_NTENSORS; t++) {
            if (cap[t] > m->partition[t]) {
                if (msg) ec_msg(msg, "capacity: the %s tile needs %lld words, partition_%s = %lld "
                       "(%lld words over)", tensor_names[t], (long long)cap[t], tensor_names[t],
                       (long long)m->partition[t], (long long)(cap[t] - m->partition[t]));
                return EC_E_CAPACITY;
            }
        }
        return EC_OK;
    }
    /* Each cap is at most a tensor size, which fits; their sum may not. */
    int64_t need = cap[0];
    for (int t = 1; t < EC_NTENSORS; t++) {
        if (cap[t] > INT64_MAX - need) {
            if (msg) ec_msg(msg, "capacity: the tiles need more than 2^63 words, capacity = %lld",
                   (long long)m->capacity);
            return EC_E_CAPACITY;
        }
        need += cap[t];
    }
    if (need > m->capacity) {
        if (msg) ec_msg(msg, "capacity: the tiles need %lld words (I %lld + W %lld + O %lld), capacity = "
               "%lld (%lld words over)", (long long)need, (long long)cap[0], (long long)cap[1],
               (long long)cap[2], (long long)m->capacity, (long long)(need - m->capacity));
        return EC_E_CAPACITY;
    }
    return EC_OK;
}
