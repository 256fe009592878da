/* libFuzzer target for the command-line tool's readers (docs/fuzzing.md,
 * "The tool's readers"): memory files, network CSV files, Timeloop YAML
 * files and flag values. The first byte picks the reader, the rest is its
 * input, read through the same checks as a file (tf_adopt). Beyond the
 * sanitizers, each reader's success is checked against its contract: every
 * value in its documented range, -0 never stored, a flag value that parses
 * equal to what strtoll/strtod read from the same text. Built with
 * libFuzzer by tests/fuzz/run_readers.sh and replayed on the committed
 * seeds (corpus_readers/) by the 'fuzz-readers-corpus' meson test. */
#include "args.h"
#include "dataflow_flags.h"
#include "layer_flags.h"
#include "memory.h"
#include "netcsv.h"
#include "network.h"
#include "textfile.h"
#include "timeloop.h"
#include "util.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHECK(cond, what) \
    do { \
        if (!(cond)) { \
            fprintf(stderr, "fuzz_readers: %s:%d: %s\n", __FILE__, __LINE__, what); \
            abort(); \
        } \
    } while (0)

static char *copy(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    CHECK(s != NULL, "out of memory");
    memcpy(s, data, size);
    s[size] = '\0';
    return s;
}

static void check_layer(const int64_t v[LP_COUNT])
{
    for (int k = 0; k < LP_COUNT; k++)
        CHECK(v[k] >= (k >= EC_LAYER_PAD_TOP ? 0 : 1), "a layer parameter below its minimum");
}

static void memory_file(const uint8_t *data, size_t size)
{
    textfile tf;
    mem_desc d;
    mem_desc_init(&d);
    if (tf_adopt(&tf, "fuzz.mem", copy(data, size), size) != 0) return;
    if (memfile_parse(&tf, &d) != 0) return;
    CHECK(!d.capacity.set || d.capacity.value >= 0, "capacity < 0");
    for (int i = 0; i < 3; i++) CHECK(!d.part[i].set || d.part[i].value >= 0, "partition < 0");
    for (int i = 0; i < 5; i++)
        if (d.energy_set & (1u << i))
            CHECK(isfinite(d.energy[i]) && d.energy[i] >= 0 && !signbit(d.energy[i]),
                  "an energy not finite, negative or -0");
    CHECK(d.word_bytes >= 0, "word_bytes < 0");
    CHECK(d.choose_partition >= -1 && d.choose_partition <= 1, "choose_partition");
    /* And through the library, as the tool applies it. */
    ec_memory *m = ec_memory_create();
    mem_desc none;
    mem_desc_init(&none);
    if (m) mem_build(&d, &none, m);
    ec_memory_destroy(m);
}

static void network_csv(const uint8_t *data, size_t size)
{
    textfile tf;
    network net;
    net_init(&net);
    if (tf_adopt(&tf, "fuzz.csv", copy(data, size), size) == 0 && netcsv_parse(&tf, &net) == 0) {
        CHECK(net.n >= 1, "a network without layers accepted");
        ec_layer *layer = ec_layer_create();
        for (int i = 0; i < net.n; i++) {
            CHECK(net.layer[i].name[0] != '\0', "a layer without a name");
            check_layer(net.layer[i].v);
            char err[512];
            if (layer) lp_to_layer(net.layer[i].v, layer, err, sizeof err);
        }
        ec_layer_destroy(layer);
    }
    net_free(&net);
}

static void timeloop_yaml(const uint8_t *data, size_t size)
{
    textfile tf;
    if (tf_adopt(&tf, "fuzz.yaml", copy(data, size), size) != 0) return;
    int64_t v[LP_COUNT];
    if (timeloop_parse(tf.path, (const unsigned char *)tf.data + tf.pos, tf.len - tf.pos, v) == 0)
        check_layer(v);
    tf_close(&tf);
}

/* NUL-separated strings: each through the value parsers, then all of them
 * as a command line through the flag scanners. */
static void flag_values(const uint8_t *data, size_t size)
{
    char *text = copy(data, size);
    char *argv[65];
    int argc = 0;
    for (char *p = text; argc < 64 && p <= text + size; p += strlen(p) + 1) argv[argc++] = p;
    argv[argc] = NULL;
    for (int i = 0; i < argc; i++) {
        int64_t x;
        if (parse_int("--x", argv[i], INT64_MIN, &x) == 0) {
            errno = 0;
            char *end;
            long long y = strtoll(argv[i], &end, 10);
            CHECK(errno == 0 && *end == '\0' && y == x, "parse_int disagrees with strtoll");
        }
        double e;
        if (parse_energy("--e", argv[i], &e) == 0) {
            CHECK(isfinite(e) && e >= 0 && !signbit(e), "an energy not finite, negative or -0");
            CHECK(e == strtod(argv[i], NULL), "parse_energy disagrees with strtod");
        }
        size_arg sz;
        if (parse_size("--s", argv[i], &sz) == 0) CHECK(sz.value >= 0 && sz.set, "a size < 0");
    }
    argscan s;
    argscan_init(&s, argc, argv);
    layer_flags lf;
    memset(&lf, 0, sizeof lf);
    mem_desc md;
    mem_desc_init(&md);
    df_desc d;
    df_init(&d);
    const char *memfile = NULL;
    for (;;) {
        int k = argscan_next(&s);
        if (k == ARG_END || k == ARG_ERROR) break;
        if (k == ARG_POSITIONAL) continue;
        int r = layer_flag(&s, &lf);
        if (r == 0) r = mem_flag(&s, &md, &memfile);
        if (r == 0) r = df_flag(&s, &d, 1);
        if (r <= 0) break;
    }
    int64_t v[LP_COUNT];
    lp_defaults(v);
    layer_flags_apply(&lf, v);
    check_layer(v);
    free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static FILE *null;
    if (!null && !getenv("FUZZ_VERBOSE")) null = fopen("/dev/null", "w");
    tool_errors = null;
    if (size == 0) return 0;
    switch (data[0] % 4) {
    case 0: memory_file(data + 1, size - 1); break;
    case 1: network_csv(data + 1, size - 1); break;
    case 2: timeloop_yaml(data + 1, size - 1); break;
    default: flag_values(data + 1, size - 1); break;
    }
    return 0;
}
