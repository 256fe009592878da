#include "timeloop.h"

#include "textfile.h"
#include "yamlfile.h"
#include "util.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

/* Instance values above this are refused, so that the size arithmetic
 * below cannot overflow (the library has its own, larger limits). */
#define TL_MAX ((int64_t)1 << 30)

typedef struct tl {
    const char *path;
    yaml_document_t doc;
} tl;

/* A coefficient of the shape: its name and default. */
typedef struct coef {
    char name[32];
    int64_t value;
} coef;

/* What ecnn needs from a shape: which coefficient multiplies each of P,
 * Q, R, S in the Inputs projection ("" = none, i.e. 1), the name of the
 * output-channel dimension, and whether it is depthwise or grouped. */
typedef struct shape {
    char dims[16];  /* the dimension letters, e.g. "CMRSNPQ" */
    char coef_of[4][32]; /* for P, Q, R, S */
    coef coefs[16];
    int ncoefs;
    int depthwise, grouped;
    int mk_alias; /* the built-in shape: the instance may say M or K */
} shape;

enum { AX_P, AX_Q, AX_R, AX_S };

static int fail(const tl *t, const yaml_node_t *n, const char *fmt, ...) TOOL_PRINTF(3, 4);
static int fail(const tl *t, const yaml_node_t *n, const char *fmt, ...)
{
    char msg[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (n) tool_error("%s:%zu: %s", t->path, n->start_mark.line + 1, msg);
    else tool_error("%s: %s", t->path, msg);
    return -1;
}

static yaml_node_t *node(tl *t, int id) { return yaml_document_get_node(&t->doc, id); }

static const char *scalar(const yaml_node_t *n)
{
    return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

static const char *kind_name(const yaml_node_t *n)
{
    switch (n->type) {
    case YAML_MAPPING_NODE: return "a mapping";
    case YAML_SEQUENCE_NODE: return "a list";
    case YAML_SCALAR_NODE:
        return n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE ? "a plain value" : "a string";
    default: return "nothing";
    }
}

/* A mapping's keys: each names[] entry lists a key and its other spelling
 * (or NULL); value[i] receives its value node, key[i] its key node. */
#define MAX_KEYS 40
typedef struct keyset {
    const char *name[MAX_KEYS][2];
    yaml_node_t *value[MAX_KEYS];
    yaml_node_t *key[MAX_KEYS];
    int n;
} keyset;

static int keyset_add(keyset *k, const char *name, const char *alt)
{
    if (k->n == MAX_KEYS) return -1;
    k->name[k->n][0] = name;
    k->name[k->n][1] = alt;
    k->value[k->n] = k->key[k->n] = NULL;
    return k->n++;
}

static int keyset_find(const keyset *k, const char *name)
{
    for (int i = 0; i < k->n; i++)
        for (int a = 0; a < 2; a++)
            if (k->name[i][a] && strcmp(k->name[i][a], name) == 0) return i;
    return -1;
}

/* Reads the mapping n into k: every key must be known and appear once. */
static int read_keys(tl *t, yaml_node_t *n, const char *where, keyset *k)
{
    if (n->type != YAML_MAPPING_NODE)
        return fail(t, n, "%s: expected a mapping, got %s", where, kind_name(n));
    for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
        yaml_node_t *kn = node(t, p->key), *vn = node(t, p->value);
        const char *name = scalar(kn);
        if (!name) return fail(t, kn, "%s: a key must be a plain name, got %s", where, kind_name(kn));
        int i = keyset_find(k, name);
        if (i < 0) {
            char known[512] = "";
            for (int j = 0; j < k->n; j++) {
                size_t len = strlen(known);
                snprintf(known + len, sizeof known - len, "%s%s", j ? ", " : "", k->name[j][0]);
            }
            return fail(t, kn, "%s: unknown key '%s' (known: %s)", where, name, known);
        }
        if (k->value[i]) {
            const char *first = scalar(k->key[i]);
            if (strcmp(first, name) != 0)
                return fail(t, kn, "%s: '%s' and '%s' (line %zu) name the same thing: give one",
                            where, name, first, k->key[i]->start_mark.line + 1);
            return fail(t, kn, "%s: key '%s' given twice (first on line %zu)", where, name,
                        k->key[i]->start_mark.line + 1);
        }
        k->value[i] = vn;
        k->key[i] = kn;
    }
    return 0;
}

/* A whole number >= min from a plain scalar. */
static int read_int(tl *t, yaml_node_t *n, const char *what, int64_t min, int64_t *out)
{
    const char *s = scalar(n);
    if (!s || n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
        return fail(t, n, "%s: expected a whole number, got %s%s%s%s", what, kind_name(n),
                    s ? " '" : "", s ? s : "", s ? "'" : "");
    const char *p = s;
    if (*p == '+') p++;
    int64_t v = 0;
    if (!isdigit((unsigned char)*p)) goto bad;
    for (; isdigit((unsigned char)*p); p++) {
        v = v * 10 + (*p - '0');
        if (v > TL_MAX) return fail(t, n, "%s: %s is larger than %lld", what, s, (long long)TL_MAX);
    }
    if (*p) goto bad;
    if (v < min) return fail(t, n, "%s: %lld is below the minimum %lld", what, (long long)v, (long long)min);
    *out = v;
    return 0;
bad:
    return fail(t, n, "%s: expected a whole number, got '%s'", what, s);
}

static int is_dim(char c) { return c && strchr("NCMKGRSPQ", c) != NULL; }

/* The dimension named by a scalar node, or 0. */
static char dim_of(const yaml_node_t *n)
{
    const char *s = scalar(n);
    return s && strlen(s) == 1 && is_dim(s[0]) ? s[0] : 0;
}

static const coef *find_coef(const shape *sh, const char *name)
{
    for (int i = 0; i < sh->ncoefs; i++)
        if (strcmp(sh->coefs[i].name, name) == 0) return &sh->coefs[i];
    return NULL;
}

/* Timeloop's built-in CNN layer shape (problem-shapes/cnn-layer.yaml): the
 * Inputs projection is R*Wdilation + P*Wstride and S*Hdilation + Q*Hstride. */
static void standard_shape(shape *sh)
{
    memset(sh, 0, sizeof *sh);
    strcpy(sh->dims, "CMRSNPQ");
    strcpy(sh->coef_of[AX_P], "Wstride");
    strcpy(sh->coef_of[AX_R], "Wdilation");
    strcpy(sh->coef_of[AX_Q], "Hstride");
    strcpy(sh->coef_of[AX_S], "Hdilation");
    const char *names[4] = {"Wstride", "Hstride", "Wdilation", "Hdilation"};
    for (int i = 0; i < 4; i++) {
        strcpy(sh->coefs[i].name, names[i]);
        sh->coefs[i].value = 1;
    }
    sh->ncoefs = 4;
    sh->mk_alias = 1;
}

/* A data space's projection: for each entry, its terms (dimension and
 * coefficient name). */
typedef struct proj {
    int nentries;
    int nterms[8];
    char dim[8][2];
    char coef[8][2][32];
    yaml_node_t *node;
} proj;

static int read_projection(tl *t, yaml_node_t *n, const shape *sh, proj *pr)
{
    const char *where = "shape: data space projection";
    memset(pr, 0, sizeof *pr);
    pr->node = n;
    if (n->type != YAML_SEQUENCE_NODE)
        return fail(t, n, "%s: expected a list of entries, got %s", where, kind_name(n));
    for (yaml_node_item_t *e = n->data.sequence.items.start; e < n->data.sequence.items.top; e++) {
        yaml_node_t *en = node(t, *e);
        if (pr->nentries == 8) return fail(t, en, "%s: more than 8 entries", where);
        if (en->type != YAML_SEQUENCE_NODE)
            return fail(t, en, "%s: an entry must be a list of [dimension, coefficient] terms, got %s",
                        where, kind_name(en));
        int k = pr->nentries++;
        for (yaml_node_item_t *m = en->data.sequence.items.start; m < en->data.sequence.items.top; m++) {
            yaml_node_t *tn = node(t, *m);
            if (pr->nterms[k] == 2)
                return fail(t, tn, "%s: more than two terms in one entry: not a 2-D convolution", where);
            if (tn->type != YAML_SEQUENCE_NODE)
                return fail(t, tn, "%s: a term must be a list [dimension] or [dimension, coefficient], got %s",
                            where, kind_name(tn));
            int len = (int)(tn->data.sequence.items.top - tn->data.sequence.items.start);
            if (len < 1 || len > 2)
                return fail(t, tn, "%s: a term must have one or two names, got %d", where, len);
            int j = pr->nterms[k]++;
            for (int i = 0; i < len; i++) {
                yaml_node_t *x = node(t, tn->data.sequence.items.start[i]);
                const char *s = scalar(x);
                if (!s) return fail(t, x, "%s: expected a name, got %s", where, kind_name(x));
                if (dim_of(x) && strchr(sh->dims, s[0]) && !pr->dim[k][j]) {
                    pr->dim[k][j] = s[0];
                } else if (find_coef(sh, s) && !pr->coef[k][j][0]) {
                    str_copy(pr->coef[k][j], sizeof pr->coef[k][j], s);
                } else {
                    return fail(t, x, "%s: '%s' is neither a dimension nor a coefficient of the shape%s",
                                where, s, len == 2 ? " (or repeats one)" : "");
                }
            }
            if (!pr->dim[k][j]) return fail(t, tn, "%s: a term without a dimension", where);
        }
        if (pr->nterms[k] == 0) return fail(t, en, "%s: an empty entry", where);
    }
    return 0;
}

/* The set of single-term dimensions of a projection, as a sorted string;
 * -1 if an entry has two terms. */
static int plain_dims(const proj *pr, char *out)
{
    int n = 0;
    for (int k = 0; k < pr->nentries; k++) {
        if (pr->nterms[k] != 1 || pr->coef[k][0][0]) return -1;
        out[n++] = pr->dim[k][0];
    }
    out[n] = '\0';
    /* sort (tiny) */
    for (int i = 0; i < n; i++)
        for (int j = i + 1; j < n; j++)
            if (out[j] < out[i]) {
                char c = out[i];
                out[i] = out[j];
                out[j] = c;
            }
    return 0;
}

static int same_set(const char *sorted, const char *want)
{
    char w[16];
    str_copy(w, sizeof w, want);
    size_t n = strlen(w);
    for (size_t i = 0; i < n; i++)
        for (size_t j = i + 1; j < n; j++)
            if (w[j] < w[i]) {
                char c = w[i];
                w[i] = w[j];
                w[j] = c;
            }
    return strcmp(sorted, w) == 0;
}

static int read_shape(tl *t, yaml_node_t *n, shape *sh)
{
    if (n->type == YAML_SCALAR_NODE) {
        const char *s = scalar(n);
        if (str_ieq(s, "cnn-layer") || str_ieq(s, "cnn_layer")) {
            standard_shape(sh);
            return 0;
        }
        return fail(t, n, "shape: '%s' is not a shape ecnn knows (only Timeloop's built-in "
                          "cnn-layer, or a shape given in full)", s);
    }
    memset(sh, 0, sizeof *sh);
    keyset k = {0};
    int k_name = keyset_add(&k, "name", NULL), k_dims = keyset_add(&k, "dimensions", NULL),
        k_coefs = keyset_add(&k, "coefficients", NULL),
        k_ds = keyset_add(&k, "data_spaces", "data-spaces");
    if (read_keys(t, n, "problem.shape", &k) != 0) return -1;
    if (k.value[k_name] && !scalar(k.value[k_name]))
        return fail(t, k.value[k_name], "shape: 'name' must be a name, got %s", kind_name(k.value[k_name]));
    if (!k.value[k_dims]) return fail(t, n, "shape: missing key 'dimensions'");
    if (!k.value[k_ds]) return fail(t, n, "shape: missing key 'data_spaces' (or 'data-spaces')");

    yaml_node_t *dn = k.value[k_dims];
    if (dn->type != YAML_SEQUENCE_NODE)
        return fail(t, dn, "shape: 'dimensions' must be a list, got %s", kind_name(dn));
    size_t nd = 0;
    for (yaml_node_item_t *i = dn->data.sequence.items.start; i < dn->data.sequence.items.top; i++) {
        yaml_node_t *x = node(t, *i);
        char d = dim_of(x);
        if (!d)
            return fail(t, x, "shape: dimension '%s' is not one of N, C, M (or K), G, R, S, P, Q",
                        scalar(x) ? scalar(x) : "(not a name)");
        if (strchr(sh->dims, d)) return fail(t, x, "shape: dimension %c listed twice", d);
        if (nd + 1 >= sizeof sh->dims) return fail(t, x, "shape: too many dimensions");
        sh->dims[nd++] = d;
    }
    if (strchr(sh->dims, 'M') && strchr(sh->dims, 'K'))
        return fail(t, dn, "shape: both M and K are dimensions: not a 2-D convolution (Timeloop's "
                           "M is ecnn's K)");
    for (const char *need = "NCRSPQ"; *need; need++)
        if (!strchr(sh->dims, *need))
            return fail(t, dn, "shape: dimension %c is missing: not a 2-D convolution", *need);
    sh->grouped = strchr(sh->dims, 'G') != NULL;
    sh->depthwise = !strchr(sh->dims, 'M') && !strchr(sh->dims, 'K');
    if (sh->depthwise && sh->grouped)
        return fail(t, dn, "shape: a depthwise shape (no M) with a G dimension is not supported");

    if (k.value[k_coefs]) {
        yaml_node_t *cn = k.value[k_coefs];
        if (cn->type != YAML_SEQUENCE_NODE)
            return fail(t, cn, "shape: 'coefficients' must be a list, got %s", kind_name(cn));
        for (yaml_node_item_t *i = cn->data.sequence.items.start; i < cn->data.sequence.items.top; i++) {
            yaml_node_t *x = node(t, *i);
            keyset ck = {0};
            int c_name = keyset_add(&ck, "name", NULL), c_def = keyset_add(&ck, "default", NULL);
            if (read_keys(t, x, "shape: coefficient", &ck) != 0) return -1;
            const char *name = scalar(ck.value[c_name]);
            if (!name) return fail(t, x, "shape: a coefficient needs a 'name'");
            if (sh->ncoefs == 16) return fail(t, x, "shape: more than 16 coefficients");
            if (strlen(name) >= sizeof sh->coefs[0].name || (strlen(name) == 1 && is_dim(name[0])))
                return fail(t, ck.value[c_name], "shape: '%s' cannot name a coefficient", name);
            if (find_coef(sh, name)) return fail(t, x, "shape: coefficient '%s' listed twice", name);
            coef *c = &sh->coefs[sh->ncoefs++];
            str_copy(c->name, sizeof c->name, name);
            c->value = 1;
            if (ck.value[c_def]) {
                char what[64];
                snprintf(what, sizeof what, "shape: default of %s", name);
                if (read_int(t, ck.value[c_def], what, 1, &c->value) != 0) return -1;
            }
        }
    }

    yaml_node_t *sn = k.value[k_ds];
    if (sn->type != YAML_SEQUENCE_NODE)
        return fail(t, sn, "shape: 'data_spaces' must be a list, got %s", kind_name(sn));
    proj pr[3];
    int out = -1, nds = 0;
    for (yaml_node_item_t *i = sn->data.sequence.items.start; i < sn->data.sequence.items.top; i++) {
        yaml_node_t *x = node(t, *i);
        if (nds == 3) return fail(t, x, "shape: more than three data spaces: not a convolution");
        keyset dk = {0};
        int d_name = keyset_add(&dk, "name", NULL), d_proj = keyset_add(&dk, "projection", NULL),
            d_rw = keyset_add(&dk, "read_write", "read-write");
        if (read_keys(t, x, "shape: data space", &dk) != 0) return -1;
        if (!scalar(dk.value[d_name])) return fail(t, x, "shape: a data space needs a 'name'");
        if (!dk.value[d_proj])
            return fail(t, x, "shape: data space '%s' has no 'projection'", scalar(dk.value[d_name]));
        if (read_projection(t, dk.value[d_proj], sh, &pr[nds]) != 0) return -1;
        if (dk.value[d_rw]) {
            const char *rw = scalar(dk.value[d_rw]);
            int yes = rw && (str_ieq(rw, "true") || str_ieq(rw, "yes") || str_ieq(rw, "on"));
            int no = rw && (str_ieq(rw, "false") || str_ieq(rw, "no") || str_ieq(rw, "off"));
            if (!yes && !no)
                return fail(t, dk.value[d_rw], "shape: 'read_write' must be true or false");
            if (yes) {
                if (out >= 0) return fail(t, x, "shape: two read-write data spaces");
                out = nds;
            }
        }
        nds++;
    }
    if (nds != 3 || out < 0)
        return fail(t, sn, "shape: expected three data spaces (weights, inputs, and outputs "
                           "marked read_write)");
    const char *kdim = sh->depthwise ? "" : strchr(sh->dims, 'M') ? "M" : "K";
    const char *g = sh->grouped ? "G" : "";
    char want[16], have[16];
    int in = -1, wt = -1;
    for (int i = 0; i < 3; i++) {
        if (i == out) continue;
        if (plain_dims(&pr[i], have) == 0) wt = i;
        else in = i;
    }
    if (in < 0 || wt < 0)
        return fail(t, sn, "shape: expected one input data space with sums (R*dilation + "
                           "P*stride) and one weight data space without");
    /* Outputs: N, K (or C when depthwise), P, Q (and G). */
    if (plain_dims(&pr[out], have) != 0 ||
        !same_set(have, (snprintf(want, sizeof want, "N%sPQ%s", sh->depthwise ? "C" : kdim, g), want)))
        return fail(t, pr[out].node, "shape: the output projection must be the dimensions %s", want);
    snprintf(want, sizeof want, "C%sRS%s", kdim, g);
    plain_dims(&pr[wt], have);
    if (!same_set(have, want))
        return fail(t, pr[wt].node, "shape: the weight projection must be the dimensions %s", want);
    /* Inputs: N, C (and G) alone, and two sums, one of P with R, one of Q with S. */
    char alone[16];
    int na = 0, sums = 0;
    for (int e = 0; e < pr[in].nentries; e++) {
        if (pr[in].nterms[e] == 1 && !pr[in].coef[e][0][0]) {
            alone[na++] = pr[in].dim[e][0];
            continue;
        }
        char a = pr[in].dim[e][0], b = pr[in].nterms[e] == 2 ? pr[in].dim[e][1] : 0;
        int out_ax, ker_ax;
        if ((a == 'P' && b == 'R') || (a == 'R' && b == 'P')) {
            out_ax = AX_P;
            ker_ax = AX_R;
        } else if ((a == 'Q' && b == 'S') || (a == 'S' && b == 'Q')) {
            out_ax = AX_Q;
            ker_ax = AX_S;
        } else {
            return fail(t, pr[in].node, "shape: an input projection entry must be a sum of P and R "
                                        "or of Q and S");
        }
        int pi = pr[in].dim[e][0] == 'P' || pr[in].dim[e][0] == 'Q' ? 0 : 1;
        if (sh->coef_of[out_ax][0] || sh->coef_of[ker_ax][0] || (sums & (1 << out_ax)))
            return fail(t, pr[in].node, "shape: the input projection repeats a sum");
        sums |= 1 << out_ax;
        /* A term without a coefficient has coefficient 1: "" */
        str_copy(sh->coef_of[out_ax], sizeof sh->coef_of[0], pr[in].coef[e][pi]);
        str_copy(sh->coef_of[ker_ax], sizeof sh->coef_of[0], pr[in].coef[e][1 - pi]);
        if (!sh->coef_of[out_ax][0]) strcpy(sh->coef_of[out_ax], "-");
        if (!sh->coef_of[ker_ax][0]) strcpy(sh->coef_of[ker_ax], "-");
    }
    alone[na] = '\0';
    snprintf(want, sizeof want, "NC%s", g);
    char sorted[16];
    proj tmp = {0};
    tmp.nentries = na;
    for (int i = 0; i < na; i++) {
        tmp.nterms[i] = 1;
        tmp.dim[i][0] = alone[i];
    }
    plain_dims(&tmp, sorted);
    if (sums != 3 || !same_set(sorted, want))
        return fail(t, pr[in].node, "shape: the input projection must be %s and the sums "
                                    "R*dilation + P*stride, S*dilation + Q*stride",
                    sh->grouped ? "N, G, C" : "N, C");
    for (int a = 0; a < 4; a++)
        if (strcmp(sh->coef_of[a], "-") == 0) sh->coef_of[a][0] = '\0';
    return 0;
}

/* The letter (H or W) of a stride coefficient named "Hstride"/"Wstride". */
static char axis_letter(const char *stride_coef)
{
    if (strcmp(stride_coef, "Hstride") == 0) return 'H';
    if (strcmp(stride_coef, "Wstride") == 0) return 'W';
    return 0;
}

/* Our input extent and padding along one axis from Timeloop's output
 * extent, kernel, stride, dilation and (when given) extent and padding. */
static int axis_extent(tl *t, int64_t out, int64_t ker, int64_t stride, int64_t dil,
                       yaml_node_t *ext_node, int64_t ext, const char *ext_name, int64_t pad,
                       const char *pad_name, const char *out_name, yaml_node_t *where, int64_t *in)
{
    if (ext_node) {
        int64_t span = ext + 2 * pad - dil * (ker - 1) - 1;
        int64_t got = span < 0 ? 0 : span / stride + 1;
        if (got != out)
            return fail(t, ext_node,
                        "instance: %s = %lld with %s = %lld, kernel %lld, stride %lld and dilation "
                        "%lld gives %s = %lld, not the %lld given",
                        ext_name, (long long)ext, pad_name, (long long)pad, (long long)ker,
                        (long long)stride, (long long)dil, out_name, (long long)got, (long long)out);
        *in = ext;
        return 0;
    }
    int64_t v = (out - 1) * stride + (ker - 1) * dil + 1 - 2 * pad;
    if (v < 1)
        return fail(t, where, "instance: %s = %lld leaves no input (%s = %lld, kernel %lld): give "
                              "the input extent %s",
                    pad_name, (long long)pad, out_name, (long long)out, (long long)ker, ext_name);
    *in = v;
    return 0;
}

static int read_problem(tl *t, int64_t v[LP_COUNT])
{
    yaml_node_t *root = yaml_document_get_root_node(&t->doc);
    if (!root) {
        tool_error("%s:1: empty file: expected a Timeloop problem ('problem:' with a shape and "
                   "an instance)", t->path);
        return -1;
    }
    keyset top = {0};
    int k_problem = keyset_add(&top, "problem", NULL);
    if (read_keys(t, root, "top level", &top) != 0) return -1;
    if (!top.value[k_problem]) return fail(t, root, "missing key 'problem'");

    keyset pk = {0};
    int k_shape = keyset_add(&pk, "shape", NULL), k_inst = keyset_add(&pk, "instance", NULL),
        k_ver = keyset_add(&pk, "version", NULL);
    yaml_node_t *pn = top.value[k_problem];
    if (read_keys(t, pn, "problem", &pk) != 0) return -1;
    if (pk.value[k_ver]) {
        const char *ver = scalar(pk.value[k_ver]);
        if (!ver || (strcmp(ver, "0.3") != 0 && strcmp(ver, "0.4") != 0))
            return fail(t, pk.value[k_ver], "problem: version '%s' is not supported (0.3 or 0.4)",
                        ver ? ver : "(not a value)");
    }
    if (!pk.value[k_inst]) return fail(t, pn, "problem: missing key 'instance'");
    shape sh;
    if (pk.value[k_shape]) {
        if (read_shape(t, pk.value[k_shape], &sh) != 0) return -1;
    } else {
        standard_shape(&sh);
    }

    /* The instance's keys: the shape's dimensions, its coefficients, and
     * the input extents and paddings when the strides name their axes. */
    keyset ik = {0};
    int kd[128];
    char dimname[16][2];
    for (size_t i = 0; sh.dims[i]; i++) {
        dimname[i][0] = sh.dims[i];
        dimname[i][1] = '\0';
        kd[(unsigned char)sh.dims[i]] =
            keyset_add(&ik, dimname[i], sh.mk_alias && sh.dims[i] == 'M' ? "K" : NULL);
    }
    int kc[16];
    for (int i = 0; i < sh.ncoefs; i++) kc[i] = keyset_add(&ik, sh.coefs[i].name, NULL);
    char lp = axis_letter(sh.coef_of[AX_P]), lq = axis_letter(sh.coef_of[AX_Q]);
    int k_ext[2] = {-1, -1}, k_pad[2] = {-1, -1};
    static const char *const ext_names[2] = {"H", "W"}, *const pad_names[2] = {"Hpad", "Wpad"};
    char letters[2] = {lp, lq};
    if (lp && lq && lp != lq) {
        for (int a = 0; a < 2; a++) {
            int which = letters[a] == 'H' ? 0 : 1;
            k_ext[a] = keyset_add(&ik, ext_names[which], NULL);
            k_pad[a] = keyset_add(&ik, pad_names[which], NULL);
        }
    }
    int k_groups = sh.grouped ? -1 : keyset_add(&ik, "Groups", NULL);
    yaml_node_t *in = pk.value[k_inst];
    if (read_keys(t, in, "problem.instance", &ik) != 0) return -1;

    int64_t x[128] = {0};
    for (size_t i = 0; sh.dims[i]; i++) {
        char d = sh.dims[i];
        yaml_node_t *vn = ik.value[kd[(unsigned char)d]];
        char what[48];
        snprintf(what, sizeof what, "instance: %c", d);
        if (!vn) {
            if (d == 'N' || d == 'G') {
                x[(unsigned char)d] = 1;
                continue;
            }
            return fail(t, in, "instance: missing key '%c'", d);
        }
        if (read_int(t, vn, what, 1, &x[(unsigned char)d]) != 0) return -1;
    }
    if (k_groups >= 0 && ik.value[k_groups]) {
        int64_t gr;
        if (read_int(t, ik.value[k_groups], "instance: Groups", 1, &gr) != 0) return -1;
        if (gr != 1)
            return fail(t, ik.value[k_groups], "instance: Groups = %lld needs a shape with a G "
                                               "dimension (C and M then count one group)",
                        (long long)gr);
    }
    int64_t cval[16];
    for (int i = 0; i < sh.ncoefs; i++) {
        cval[i] = sh.coefs[i].value;
        if (ik.value[kc[i]]) {
            char what[64];
            snprintf(what, sizeof what, "instance: %s", sh.coefs[i].name);
            if (read_int(t, ik.value[kc[i]], what, 1, &cval[i]) != 0) return -1;
        }
    }
    int64_t factor[4];
    for (int a = 0; a < 4; a++) {
        factor[a] = 1;
        for (int i = 0; i < sh.ncoefs; i++)
            if (sh.coef_of[a][0] && strcmp(sh.coefs[i].name, sh.coef_of[a]) == 0) factor[a] = cval[i];
    }
    int64_t ext[2] = {0, 0}, pad[2] = {0, 0};
    for (int a = 0; a < 2; a++) {
        if (k_ext[a] < 0) continue;
        const char *en = ext_names[letters[a] == 'H' ? 0 : 1], *pn2 = pad_names[letters[a] == 'H' ? 0 : 1];
        char what[48];
        if (ik.value[k_ext[a]]) {
            snprintf(what, sizeof what, "instance: %s", en);
            if (read_int(t, ik.value[k_ext[a]], what, 1, &ext[a]) != 0) return -1;
        }
        if (ik.value[k_pad[a]]) {
            snprintf(what, sizeof what, "instance: %s", pn2);
            if (read_int(t, ik.value[k_pad[a]], what, 0, &pad[a]) != 0) return -1;
        }
    }

    lp_defaults(v);
    int64_t C = x['C'], G = sh.grouped ? x['G'] : 1;
    int64_t Kt = sh.depthwise ? 0 : x[strchr(sh.dims, 'M') ? 'M' : 'K'];
    v[EC_LAYER_N] = x['N'];
    if (sh.depthwise) {
        v[EC_LAYER_C] = v[EC_LAYER_K] = v[EC_LAYER_G] = C;
    } else {
        v[EC_LAYER_C] = G * C;
        v[EC_LAYER_K] = G * Kt;
        v[EC_LAYER_G] = G;
    }
    v[EC_LAYER_R] = x['R'];
    v[EC_LAYER_S] = x['S'];
    v[EC_LAYER_STRIDE_H] = factor[AX_P];
    v[EC_LAYER_STRIDE_W] = factor[AX_Q];
    v[EC_LAYER_DILATION_H] = factor[AX_R];
    v[EC_LAYER_DILATION_W] = factor[AX_S];
    v[EC_LAYER_PAD_TOP] = v[EC_LAYER_PAD_BOTTOM] = pad[0];
    v[EC_LAYER_PAD_LEFT] = v[EC_LAYER_PAD_RIGHT] = pad[1];
    const char *en[2] = {"the extent", "the extent"}, *pn3[2] = {"padding", "padding"};
    for (int a = 0; a < 2; a++) {
        if (k_ext[a] >= 0) {
            en[a] = ext_names[letters[a] == 'H' ? 0 : 1];
            pn3[a] = pad_names[letters[a] == 'H' ? 0 : 1];
        }
    }
    if (axis_extent(t, x['P'], x['R'], factor[AX_P], factor[AX_R], k_ext[0] >= 0 ? ik.value[k_ext[0]] : NULL,
                    ext[0], en[0], pad[0], pn3[0], "P", in, &v[EC_LAYER_H]) != 0)
        return -1;
    if (axis_extent(t, x['Q'], x['S'], factor[AX_Q], factor[AX_S], k_ext[1] >= 0 ? ik.value[k_ext[1]] : NULL,
                    ext[1], en[1], pad[1], pn3[1], "Q", in, &v[EC_LAYER_W]) != 0)
        return -1;
    return 0;
}

int timeloop_read(const char *path, int64_t v[LP_COUNT])
{
    textfile tf;
    if (tf_open(&tf, path) != 0) return -1;
    const unsigned char *text = (const unsigned char *)tf.data + tf.pos;
    size_t len = tf.len - tf.pos;
    int rc = timeloop_parse(path, text, len, v);
    tf_close(&tf);
    return rc;
}

int timeloop_parse(const char *path, const unsigned char *text, size_t len, int64_t v[LP_COUNT])
{
    tl t;
    memset(&t, 0, sizeof t);
    t.path = path;
    if (yf_parse(path, "a Timeloop problem", text, len, &t.doc) != 0) return -1;
    int rc = read_problem(&t, v);
    yaml_document_delete(&t.doc);
    return rc;
}
