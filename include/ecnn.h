/**
 * @file ecnn.h
 * @brief libecnn: the energy complexity of convolutional layers.
 *
 * libecnn implements the energy complexity model of J. Šíma, P. Vidnerová and
 * V. Mrázek ("Energy Complexity Model for Convolutional Neural Networks",
 * ICANN 2023, LNCS pp. 186-198, doi 10.1007/978-3-031-44204-9_16; extended in
 * Neural Computation 36(8), 2024): one convolutional layer on a two-level
 * memory (DRAM and a Buffer of M words), its energy counted from the words
 * moved between the levels, the Buffer accesses and the MACs.
 *
 * The model is specified, with its derivations, in docs/model.md of the
 * source distribution; "section N" in this header means section N of that
 * page. Each group below says in a sentence what it computes, then names
 * the page that specifies it.
 *
 * Usage pattern:
 *   - create the three input handles (::ec_layer, ::ec_memory,
 *     ::ec_dataflow) and an ::ec_result;
 *   - configure them with the enum-keyed setters (new keys can be added in
 *     later releases without breaking the ABI);
 *   - call ec_evaluate() (closed form) or ec_count() (exact loop-nest walk);
 *   - read the result with the getters.
 *
 * Every fallible function returns an ::ec_status. ec_status_string() names a
 * status; each handle keeps a message naming the offending parameter and
 * value of its last failed call (ec_layer_message(), ec_result_message(), ...).
 *
 * Thread safety: the library has no global mutable state. Distinct handles
 * may be used from distinct threads at the same time; a handle used only
 * through `const` pointers (for example a layer passed to ec_evaluate() from
 * several threads) may be shared.
 */
#ifndef ECNN_H
#define ECNN_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** @defgroup version Version
 * The version of the header being compiled against, and the stability of
 * the ABI it promises (docs/abi.md).
 * @{ */
/** Major version: incremented on an incompatible ABI change. */
#define EC_VERSION_MAJOR 0
/** Minor version: incremented when functions or enum values are added. */
#define EC_VERSION_MINOR 2
/** Patch version: incremented for fixes that change no interface. */
#define EC_VERSION_PATCH 0
/** The version as one number: MAJOR * 10000 + MINOR * 100 + PATCH. */
#define EC_VERSION_NUMBER \
    (EC_VERSION_MAJOR * 10000 + EC_VERSION_MINOR * 100 + EC_VERSION_PATCH)

/** @cond INTERNAL */
#define EC_STR_(x) #x
#define EC_STR(x) EC_STR_(x)
/** @endcond */
/** The version as a string, "MAJOR.MINOR.PATCH". */
#define EC_VERSION_STRING \
    EC_STR(EC_VERSION_MAJOR) "." EC_STR(EC_VERSION_MINOR) "." EC_STR(EC_VERSION_PATCH)
/** @} */

/** @cond INTERNAL */
#if defined(_WIN32) && defined(ECNN_BUILDING_DLL)
#define EC_API __declspec(dllexport)
#elif defined(__GNUC__) && __GNUC__ >= 4
#define EC_API __attribute__((visibility("default")))
#else
#define EC_API
#endif
/** @endcond */

/** @defgroup status Status codes and messages
 * How every fallible call reports its outcome: a status code, its name, and
 * a message naming the offending parameter and value (docs/guarantees.md).
 * @{ */

/**
 * The outcome of a call. Values are stable: new codes are only ever appended.
 */
typedef enum ec_status {
    EC_OK = 0,             /**< Success. */
    EC_E_NULL = 1,         /**< A required pointer argument was NULL. */
    EC_E_KEY = 2,          /**< Unknown parameter key or enum value. */
    EC_E_RANGE = 3,        /**< A parameter is out of its range (e.g. an extent < 1). */
    EC_E_GROUPS = 4,       /**< C or K is not divisible by the group count G. */
    EC_E_EMPTY_OUTPUT = 5, /**< The layer's output is smaller than one pixel (P < 1 or Q < 1). */
    EC_E_ORDER = 6,        /**< A loop order is not a permutation of the eight dimensions. */
    EC_E_TILE = 7,         /**< A tile is larger than its dimension's extent. */
    EC_E_CAPACITY = 8,     /**< The tiles do not fit the Buffer (or no tiling does). */
    EC_E_ENERGY = 9,       /**< An energy is negative or not finite. */
    EC_E_OVERFLOW = 10,    /**< A count would overflow 64 bits. */
    EC_E_NOMEM = 11,       /**< Memory allocation failed. */
    EC_E_NOT_EVALUATED = 12, /**< A result was read before a successful evaluation. */
    EC_E_READONLY = 13,    /**< A derived, read-only parameter was set. */
    EC_E_LIMIT = 14,       /**< The work needed exceeds a documented limit. */
    EC_E_UNAVAILABLE = 15  /**< The result has no such figure (e.g. an asymptotic
                                formula for a custom order, or a bound whose
                                computation was refused). */
} ec_status;

/**
 * A short, static, human-readable name of a status ("ok", "capacity exceeded", ...).
 * Never NULL; an unknown value yields "unknown status".
 */
EC_API const char *ec_status_string(ec_status status);

/** @} */

/** @defgroup versionfn Runtime version
 * The version of the library actually loaded, to compare with the header's
 * (docs/abi.md).
 * @{ */
/** The library's version as EC_VERSION_NUMBER was when it was built. */
EC_API unsigned ec_version_number(void);
/** The library's version string, "MAJOR.MINOR.PATCH". */
EC_API const char *ec_version_string(void);
/** @} */

/** @defgroup alloc Custom allocation
 * Handles whose memory comes from the caller's allocator instead of malloc,
 * and what a failed allocation leaves behind (docs/guarantees.md).
 * @{ */

/**
 * A memory allocator for handles created with the *_create_with() functions.
 * The library calls @p alloc and @p free only from the calls made on those
 * handles (creation, evaluation into a result, destruction), passing
 * @p opaque back unchanged; the functions must be safe to call from every
 * thread that uses such a handle. @p alloc returns NULL on failure, which
 * the library reports as ::EC_E_NOMEM (or a NULL handle), never as a crash.
 */
typedef struct ec_allocator {
    void *(*alloc)(void *opaque, size_t size); /**< Like malloc(size). */
    void (*free)(void *opaque, void *ptr);     /**< Like free(ptr); ptr may be NULL. */
    void *opaque;                              /**< Passed to both, unchanged. */
} ec_allocator;

/** @} */

/** @defgroup layer Layer shape
 * A 2-D convolution (batch, channels, groups, image, kernel, strides,
 * dilations, padding) and the sizes and MAC counts derived from it
 * (docs/model.md section 1).
 * @{ */

/** An opaque layer shape: a 2-D convolution (section 1). */
typedef struct ec_layer ec_layer;

/**
 * Layer parameters. Keys up to ::EC_LAYER_PAD_RIGHT are settable; the rest
 * are derived and read-only.
 */
typedef enum ec_layer_param {
    EC_LAYER_N = 0,          /**< Batch, >= 1. Default 1. */
    EC_LAYER_C = 1,          /**< Input channels (total), >= 1, divisible by G. Default 1. */
    EC_LAYER_K = 2,          /**< Output channels (total), >= 1, divisible by G. Default 1. */
    EC_LAYER_G = 3,          /**< Groups, >= 1 (1 dense, C depthwise). Default 1. */
    EC_LAYER_H = 4,          /**< Input height, >= 1. Default 1. */
    EC_LAYER_W = 5,          /**< Input width, >= 1. Default 1. */
    EC_LAYER_R = 6,          /**< Kernel height, >= 1. Default 1. */
    EC_LAYER_S = 7,          /**< Kernel width, >= 1. Default 1. */
    EC_LAYER_STRIDE_H = 8,   /**< Vertical stride sh, >= 1. Default 1. */
    EC_LAYER_STRIDE_W = 9,   /**< Horizontal stride sw, >= 1. Default 1. */
    EC_LAYER_DILATION_H = 10, /**< Vertical dilation dh, >= 1. Default 1. */
    EC_LAYER_DILATION_W = 11, /**< Horizontal dilation dw, >= 1. Default 1. */
    EC_LAYER_PAD_TOP = 12,   /**< Zero padding pt, >= 0. Default 0. */
    EC_LAYER_PAD_BOTTOM = 13, /**< Zero padding pb, >= 0. Default 0. */
    EC_LAYER_PAD_LEFT = 14,  /**< Zero padding pl, >= 0. Default 0. */
    EC_LAYER_PAD_RIGHT = 15, /**< Zero padding pr, >= 0. Default 0. */
    /* Derived (read-only). */
    EC_LAYER_P = 32,         /**< Output height P (derived). */
    EC_LAYER_Q = 33,         /**< Output width Q (derived). */
    EC_LAYER_MACS = 34,      /**< MACs = N*G*Kg*Cg*P*Q*R*S, padding taps included (derived). */
    EC_LAYER_SIZE_I = 35,    /**< |I| = N*C*H*W (derived). */
    EC_LAYER_SIZE_W = 36,    /**< |W| = K*Cg*R*S (derived). */
    EC_LAYER_SIZE_O = 37     /**< |O| = N*K*P*Q (derived). */
} ec_layer_param;

/**
 * Create a layer with every parameter at its default (a 1x1x1x1 layer).
 * @return the handle, or NULL if memory allocation failed.
 */
EC_API ec_layer *ec_layer_create(void);

/**
 * As ec_layer_create(), with memory from @p allocator (copied into the
 * handle; NULL means malloc and free).
 */
EC_API ec_layer *ec_layer_create_with(const ec_allocator *allocator);

/** Destroy a layer. NULL is accepted and ignored. */
EC_API void ec_layer_destroy(ec_layer *layer);

/**
 * Set one settable parameter.
 * @return ::EC_OK; ::EC_E_NULL; ::EC_E_KEY for an unknown key;
 *         ::EC_E_READONLY for a derived key; ::EC_E_RANGE for a value below
 *         the parameter's minimum. The layer is unchanged on error.
 * Cross-parameter constraints (divisibility by G, P >= 1, overflow) are
 * checked by ec_layer_check() and by every evaluation.
 */
EC_API ec_status ec_layer_set(ec_layer *layer, ec_layer_param key, int64_t value);

/**
 * Read one parameter, settable or derived.
 * @return ::EC_OK; ::EC_E_NULL; ::EC_E_KEY; for a derived key, the status
 *         ec_layer_check() would return if the layer is not valid.
 */
EC_API ec_status ec_layer_get(const ec_layer *layer, ec_layer_param key, int64_t *value);

/**
 * Check the whole layer: every cross-parameter constraint of section 1 and
 * that every count of the model fits 64 bits. On failure the layer's message
 * (ec_layer_message()) names the parameter and value.
 */
EC_API ec_status ec_layer_check(ec_layer *layer);

/** The message of the last failed call on this layer, or "" if none. Never NULL. */
EC_API const char *ec_layer_message(const ec_layer *layer);

/** @} */

/** @defgroup memory Memory hierarchy
 * The machine: an unbounded DRAM, a Buffer of M words (shared or
 * partitioned among inputs, weights and outputs) and the energy of one
 * access of each kind (docs/model.md section 2).
 * @{ */

/** An opaque memory description: DRAM, a Buffer of M words, per-access energies. */
typedef struct ec_memory ec_memory;

/** Integer memory parameters (words). */
typedef enum ec_memory_param {
    EC_MEM_CAPACITY = 0,    /**< Shared Buffer capacity M in words, >= 0. Default 65536. */
    EC_MEM_PARTITION_I = 1, /**< Input partition M_I, >= 0. Default 0. */
    EC_MEM_PARTITION_W = 2, /**< Weight partition M_W, >= 0. Default 0. */
    EC_MEM_PARTITION_O = 3, /**< Output partition M_O, >= 0. Default 0. */
    /** 1: partition a Buffer of ::EC_MEM_CAPACITY words, choosing the
     *  partition that minimises the energy (reported by the result's
     *  ::EC_RESULT_PARTITION_I etc.); 0 (default): use the partitions as
     *  set. With 1 the partition keys are ignored. */
    EC_MEM_CHOOSE_PARTITION = 4
} ec_memory_param;

/** Per-access energies, per word (section 2). */
typedef enum ec_energy_param {
    EC_ENERGY_DRAM_READ = 0,  /**< One word read from DRAM. Default 200. */
    EC_ENERGY_DRAM_WRITE = 1, /**< One word written to DRAM. Default 200. */
    EC_ENERGY_BUF_READ = 2,   /**< One word read from the Buffer. Default 6. */
    EC_ENERGY_BUF_WRITE = 3,  /**< One word written to the Buffer. Default 6. */
    EC_ENERGY_MAC = 4         /**< One multiply-accumulate. Default 1. */
} ec_energy_param;

/** Energy presets. */
typedef enum ec_memory_preset {
    /** DRAM 200, Buffer 6, MAC 1: the relative costs reported for Eyeriss
     *  (Chen, Emer, Sze, ISCA 2016), in units of one MAC. */
    EC_PRESET_EYERISS = 0
} ec_memory_preset;

/**
 * Create a memory: shared Buffer of 65536 words, energies of ::EC_PRESET_EYERISS.
 * @return the handle, or NULL if memory allocation failed.
 */
EC_API ec_memory *ec_memory_create(void);

/** As ec_memory_create(), with memory from @p allocator (NULL: malloc). */
EC_API ec_memory *ec_memory_create_with(const ec_allocator *allocator);

/** Destroy a memory. NULL is accepted and ignored. */
EC_API void ec_memory_destroy(ec_memory *memory);

/**
 * Set a capacity. The Buffer is partitioned when any partition is non-zero:
 * then each tensor's tiles must fit its own partition and ::EC_MEM_CAPACITY
 * is ignored; with all three partitions 0 the Buffer is shared.
 * @return ::EC_OK; ::EC_E_NULL; ::EC_E_KEY; ::EC_E_RANGE for a negative value.
 */
EC_API ec_status ec_memory_set(ec_memory *memory, ec_memory_param key, int64_t value);

/** Read a capacity. @return ::EC_OK, ::EC_E_NULL or ::EC_E_KEY. */
EC_API ec_status ec_memory_get(const ec_memory *memory, ec_memory_param key, int64_t *value);

/**
 * Set a per-access energy.
 * @return ::EC_OK; ::EC_E_NULL; ::EC_E_KEY; ::EC_E_ENERGY for a negative,
 *         infinite or NaN value (the memory is unchanged).
 */
EC_API ec_status ec_memory_set_energy(ec_memory *memory, ec_energy_param key, double value);

/** Read a per-access energy. @return ::EC_OK, ::EC_E_NULL or ::EC_E_KEY. */
EC_API ec_status ec_memory_get_energy(const ec_memory *memory, ec_energy_param key, double *value);

/** Set all five energies from a preset. @return ::EC_OK, ::EC_E_NULL or ::EC_E_KEY. */
EC_API ec_status ec_memory_preset_energies(ec_memory *memory, ec_memory_preset preset);

/** The message of the last failed call on this memory, or "". Never NULL. */
EC_API const char *ec_memory_message(const ec_memory *memory);

/** @} */

/** @defgroup dataflow Dataflow
 * How the layer is scheduled: a loop order (a named policy, a custom
 * permutation or the optimal one), a tile per dimension (given, or chosen
 * automatically) and the input reuse and footprint options
 * (docs/model.md sections 3 and 6; the optimal order: docs/search.md).
 * @{ */

/** An opaque dataflow: loop order, tiles, input options. */
typedef struct ec_dataflow ec_dataflow;

/** The eight dimensions of the iteration space; K and C range over one group. */
typedef enum ec_dim {
    EC_DIM_N = 0, /**< Batch. */
    EC_DIM_G = 1, /**< Group. */
    EC_DIM_K = 2, /**< Output channel within a group (extent Kg). */
    EC_DIM_C = 3, /**< Input channel within a group (extent Cg). */
    EC_DIM_P = 4, /**< Output row. */
    EC_DIM_Q = 5, /**< Output column. */
    EC_DIM_R = 6, /**< Kernel row. */
    EC_DIM_S = 7  /**< Kernel column. */
} ec_dim;

/** Number of dimensions of the iteration space. */
#define EC_NDIMS 8

/** Named loop orders (section 6). */
typedef enum ec_policy {
    EC_POLICY_OS = 0,     /**< Output-stationary: N G K P Q C R S. */
    EC_POLICY_WS = 1,     /**< Weight-stationary: G K C R S N P Q. */
    EC_POLICY_IS = 2,     /**< Input-stationary: N G C P Q R S K. */
    EC_POLICY_CUSTOM = 3, /**< The order given by ec_dataflow_set_order(). */
    /** The minimum-energy dataflow over all 8! loop orders and all balanced
     *  tilings that fit (explicit tiles are kept); the result reports the
     *  order and tiles chosen. */
    EC_POLICY_OPTIMAL = 4
} ec_policy;

/** Input reuse between consecutive outer iterations (section 3). */
typedef enum ec_reuse {
    EC_REUSE_SLIDE = 0,   /**< Keep the sliding-window halo (default). */
    EC_REUSE_REFETCH = 1  /**< Read every new input tile whole. */
} ec_reuse;

/** Input tile footprint (section 3). */
typedef enum ec_footprint {
    EC_FOOTPRINT_EXACT = 0, /**< The set of rows and columns read (default). */
    EC_FOOTPRINT_BBOX = 1   /**< Their bounding interval. */
} ec_footprint;

/** Integer dataflow parameters. */
typedef enum ec_dataflow_param {
    EC_DF_POLICY = 0,    /**< An ::ec_policy. Default ::EC_POLICY_OS. */
    EC_DF_REUSE = 1,     /**< An ::ec_reuse. Default ::EC_REUSE_SLIDE. */
    EC_DF_FOOTPRINT = 2, /**< An ::ec_footprint. Default ::EC_FOOTPRINT_EXACT. */
    EC_DF_TILE_N = 8,    /**< Tile of N; 0 = automatic (default). */
    EC_DF_TILE_G = 9,    /**< Tile of G; 0 = automatic. */
    EC_DF_TILE_K = 10,   /**< Tile of K (within a group); 0 = automatic. */
    EC_DF_TILE_C = 11,   /**< Tile of C (within a group); 0 = automatic. */
    EC_DF_TILE_P = 12,   /**< Tile of P; 0 = automatic. */
    EC_DF_TILE_Q = 13,   /**< Tile of Q; 0 = automatic. */
    EC_DF_TILE_R = 14,   /**< Tile of R; 0 = automatic. */
    EC_DF_TILE_S = 15    /**< Tile of S; 0 = automatic. */
} ec_dataflow_param;

/**
 * Create a dataflow: output-stationary, all tiles automatic, slide, exact.
 * @return the handle, or NULL if memory allocation failed.
 */
EC_API ec_dataflow *ec_dataflow_create(void);

/** As ec_dataflow_create(), with memory from @p allocator (NULL: malloc). */
EC_API ec_dataflow *ec_dataflow_create_with(const ec_allocator *allocator);

/** Destroy a dataflow. NULL is accepted and ignored. */
EC_API void ec_dataflow_destroy(ec_dataflow *dataflow);

/**
 * Set an integer parameter. Tiles must be >= 0 (0 = automatic); a tile
 * larger than its extent is refused by the evaluation, which knows the layer.
 * Setting ::EC_DF_POLICY to ::EC_POLICY_CUSTOM uses the order last given
 * to ec_dataflow_set_order() (output-stationary's if none was).
 * @return ::EC_OK; ::EC_E_NULL; ::EC_E_KEY for an unknown key or enum value;
 *         ::EC_E_RANGE for a negative tile.
 */
EC_API ec_status ec_dataflow_set(ec_dataflow *dataflow, ec_dataflow_param key, int64_t value);

/** Read an integer parameter. @return ::EC_OK, ::EC_E_NULL or ::EC_E_KEY. */
EC_API ec_status ec_dataflow_get(const ec_dataflow *dataflow, ec_dataflow_param key, int64_t *value);

/**
 * Set a custom loop order, outermost first, and the policy to ::EC_POLICY_CUSTOM.
 * @return ::EC_OK; ::EC_E_NULL; ::EC_E_ORDER if @p order is not a
 *         permutation of the eight ::ec_dim values.
 */
EC_API ec_status ec_dataflow_set_order(ec_dataflow *dataflow, const ec_dim order[EC_NDIMS]);

/**
 * Set a custom loop order from a string of the eight letters "NGKCPQRS" in
 * any order, outermost first (case-insensitive), e.g. "NGKPQCRS".
 * @return as ec_dataflow_set_order(); ::EC_E_ORDER for a malformed string.
 */
EC_API ec_status ec_dataflow_set_order_string(ec_dataflow *dataflow, const char *order);

/**
 * The loop order the dataflow uses: the named policy's, or the custom one
 * (for ::EC_POLICY_OPTIMAL, output-stationary's: the order actually chosen
 * is known from ec_result_order() after an evaluation).
 * @return ::EC_OK or ::EC_E_NULL.
 */
EC_API ec_status ec_dataflow_get_order(const ec_dataflow *dataflow, ec_dim order[EC_NDIMS]);

/** The message of the last failed call on this dataflow, or "". Never NULL. */
EC_API const char *ec_dataflow_message(const ec_dataflow *dataflow);

/** @} */

/** @defgroup result Results
 * What one evaluation found: DRAM and Buffer accesses per tensor, the
 * energy and its parts, the dataflow actually used (automatic tiles
 * resolved) and the lower bound (docs/model.md sections 3, 4 and 7).
 * @{ */

/** An opaque evaluation result. */
typedef struct ec_result ec_result;

/** The three tensors. */
typedef enum ec_tensor {
    EC_TENSOR_I = 0, /**< Input activations. */
    EC_TENSOR_W = 1, /**< Weights. */
    EC_TENSOR_O = 2  /**< Outputs (partial sums). */
} ec_tensor;

/** The two memory levels. */
typedef enum ec_level {
    EC_LEVEL_DRAM = 0,  /**< Off-chip DRAM. */
    EC_LEVEL_BUFFER = 1 /**< The on-chip Buffer. */
} ec_level;

/** Access direction. */
typedef enum ec_access {
    EC_ACCESS_READ = 0, /**< Reads from the level. */
    EC_ACCESS_WRITE = 1 /**< Writes to the level (Buffer fills and updates). */
} ec_access;

/** Energy parts of a result. TOTAL = DRAM + BUFFER + MAC = I + W + O + MAC. */
typedef enum ec_energy_part {
    EC_PART_TOTAL = 0,    /**< Everything. */
    EC_PART_DRAM = 1,     /**< DRAM reads and writes. */
    EC_PART_BUFFER = 2,   /**< Buffer reads and writes. */
    EC_PART_MAC = 3,      /**< The MACs. */
    EC_PART_TENSOR_I = 4, /**< All accesses of inputs, both levels. */
    EC_PART_TENSOR_W = 5, /**< All accesses of weights, both levels. */
    EC_PART_TENSOR_O = 6  /**< All accesses of outputs, both levels. */
} ec_energy_part;

/** Scalar integer fields of a result. */
typedef enum ec_result_field {
    EC_RESULT_MACS = 0,        /**< MACs, padding taps included. */
    EC_RESULT_DRAM_TOTAL = 1,  /**< All DRAM reads and writes. */
    EC_RESULT_POLICY = 2,      /**< The ::ec_policy evaluated. */
    EC_RESULT_PARTITION_I = 3, /**< Input partition used (0 for a shared Buffer). */
    EC_RESULT_PARTITION_W = 4, /**< Weight partition used (0 for a shared Buffer). */
    EC_RESULT_PARTITION_O = 5  /**< Output partition used (0 for a shared Buffer). */
} ec_result_field;

/** Create an empty result. @return the handle, or NULL on allocation failure. */
EC_API ec_result *ec_result_create(void);

/**
 * As ec_result_create(), with memory from @p allocator (NULL: malloc). The
 * evaluations into this result take their temporary memory from it too.
 */
EC_API ec_result *ec_result_create_with(const ec_allocator *allocator);

/** Destroy a result. NULL is accepted and ignored. */
EC_API void ec_result_destroy(ec_result *result);

/**
 * One access count: @p tensor at @p level in direction @p access.
 * DRAM writes of I and W are always 0.
 * @return ::EC_OK; ::EC_E_NULL; ::EC_E_KEY; ::EC_E_NOT_EVALUATED if the
 *         last evaluation into this result failed or none was made.
 */
EC_API ec_status ec_result_count(const ec_result *result, ec_tensor tensor, ec_level level,
                                 ec_access access, int64_t *value);

/** A scalar field. Errors as ec_result_count(). */
EC_API ec_status ec_result_get(const ec_result *result, ec_result_field field, int64_t *value);

/** An energy part, in the memory's energy unit. Errors as ec_result_count(). */
EC_API ec_status ec_result_energy(const ec_result *result, ec_energy_part part, double *value);

/** The loop order used, outermost first. Errors as ec_result_count(). */
EC_API ec_status ec_result_order(const ec_result *result, ec_dim order[EC_NDIMS]);

/**
 * The tile used for @p dim, and whether it was chosen automatically
 * (@p automatic may be NULL). Errors as ec_result_count().
 */
EC_API ec_status ec_result_tile(const ec_result *result, ec_dim dim, int64_t *tile,
                                int *automatic);

/** The message of the last failed evaluation into this result, or "". Never NULL. */
EC_API const char *ec_result_message(const ec_result *result);

/** @} */

/** @defgroup bound Lower bound and asymptotic formulas
 * The fewest DRAM transfers and the least energy any schedule of the layer
 * on the memory can have (docs/model.md section 7, proved in
 * docs/bound.md), and each named policy's transfers in the continuous
 * relaxation (docs/model.md section 8, derived in docs/asymptotic.md).
 * @{ */

/** Integer figures of section 7's lower bound. */
typedef enum ec_bound_field {
    EC_BOUND_I_USED = 0,     /**< |I_used|: inputs read by at least one MAC. */
    EC_BOUND_W_USED = 1,     /**< |W_used|: weights met by at least one real input. */
    EC_BOUND_MACS_REAL = 2,  /**< MACs whose input is not padding. */
    EC_BOUND_RHO = 3,        /**< rho = rho_h * rho_w. */
    EC_BOUND_COMPULSORY = 4, /**< T_c = |I_used| + |W_used| + |O|. */
    EC_BOUND_COMMUNICATION = 5, /**< T_io = ceil(MACs_real / sqrt(rho M)) - M, or 0 if negative. */
    EC_BOUND_TRANSFERS = 6,  /**< max(T_c, T_io, T_seg): no schedule moves fewer DRAM words
                                  (on a hierarchy max(T_c, T_io): docs/bound.md section 12). */
    /** T_seg, the segment bound with constant 2 (docs/bound.md section 8b): no
     * schedule makes fewer DRAM reads plus |O|. At least 2M (s - 1) + 1 when
     * s = ceil(MACs_real / (sqrt(rho) M^(3/2))) >= 2, about 2 MACs_real / sqrt(rho M),
     * more for strided windows; 0 when the layer fits one segment. Always >= T_io. */
    EC_BOUND_SEGMENT = 7
} ec_bound_field;

/**
 * Compute only section 7's lower bound of a layer on a memory, for every
 * schedule (no dataflow). Afterwards the bound getters of @p result answer
 * and the count getters return ::EC_E_NOT_EVALUATED.
 * @return ::EC_OK; ::EC_E_NULL; the layer's status; ::EC_E_CAPACITY for a
 *         Buffer of 0 words (no schedule exists); ::EC_E_LIMIT for an axis
 *         of more than 2^24 kernel taps.
 */
EC_API ec_status ec_lower_bound(const ec_layer *layer, const ec_memory *memory, ec_result *result);

/**
 * A figure of the lower bound, after ec_lower_bound() or a successful
 * ec_evaluate() / ec_count() (computed on request from the layer and memory
 * of that evaluation, so it costs the evaluation nothing).
 * @return ::EC_OK; ::EC_E_NULL; ::EC_E_KEY; ::EC_E_NOT_EVALUATED; the
 *         bound's own status (::EC_E_LIMIT) if it alone could not be computed.
 */
EC_API ec_status ec_result_bound(const ec_result *result, ec_bound_field field, int64_t *value);

/**
 * The energy lower bound of section 7: the per-MAC costs of the model's
 * accounting (every MAC, padding taps included, with its Buffer accesses)
 * plus the cheapest way to move ::EC_BOUND_TRANSFERS words. It bounds every
 * dataflow, and every schedule that performs all MACs as the model counts
 * them (docs/bound.md, "The energy bound"). Errors as ec_result_bound();
 * ::EC_E_OVERFLOW if it exceeds the largest double.
 */
EC_API ec_status ec_result_bound_energy(const ec_result *result, double *energy);

/**
 * The optimality gap of an evaluated dataflow: its DRAM transfers over
 * ::EC_BOUND_TRANSFERS (>= 1, exactly) and its energy over the energy bound
 * (>= 1 up to floating-point rounding: the two energies are sums taken in
 * different orders). Either pointer may be NULL. @return as
 * ec_result_bound(), and ::EC_E_NOT_EVALUATED after ec_lower_bound() alone.
 */
EC_API ec_status ec_result_gap(const ec_result *result, double *dram_ratio, double *energy_ratio);

/**
 * Section 8's asymptotic formula of a named policy (OS, WS or IS): the
 * continuous relaxation of the closed form with optimised, clamped tiles.
 * Gives its DRAM reads and writes and the energy they imply with the fixed
 * per-MAC costs; any pointer may be NULL.
 * @return ::EC_OK; ::EC_E_NULL; ::EC_E_KEY for another policy; the layer's
 *         status; ::EC_E_CAPACITY for a Buffer of 0 words; ::EC_E_LIMIT where
 *         ec_lower_bound() gives it (the formulas use the bound's |I_used|).
 */
EC_API ec_status ec_asymptotic(const ec_layer *layer, const ec_memory *memory, ec_policy policy,
                               double *dram_reads, double *dram_writes, double *energy);

/**
 * The asymptotic figures of the policy evaluated into @p result, beside its
 * exact counts. @return as ec_result_bound(); ::EC_E_UNAVAILABLE for a
 * custom or optimal order.
 */
EC_API ec_status ec_result_asymptotic(const ec_result *result, double *dram_reads,
                                      double *dram_writes, double *energy);

/** @} */

/** @defgroup eval Evaluation
 * The counts and energy of a layer on a memory under a dataflow, by the
 * closed form or by walking the loop nest; both give the same numbers
 * (docs/model.md sections 4 and 5).
 * @{ */

/**
 * Evaluate a layer on a memory under a dataflow with section 4's closed
 * form. Automatic tiles are chosen as section 6 says. The three inputs are
 * only read. On failure @p result is marked not evaluated and its message
 * names the offending parameter and value.
 * @return ::EC_OK; ::EC_E_NULL; the status of a layer that does not pass
 *         ec_layer_check(); ::EC_E_TILE; ::EC_E_CAPACITY (the message says by
 *         how many words); ::EC_E_OVERFLOW (a count over 64 bits, or an
 *         energy over the largest double); ::EC_E_NOMEM; ::EC_E_LIMIT when
 *         the work would be unreasonable: automatic tiling of an extent with
 *         more than 2^20 balanced tiles (extents beyond about 2^40) or of
 *         more than 2^20 spatial tilings, or more than 2^23 border footprints
 *         to count for the candidates (2^22 for explicit tiles: huge kernels
 *         cut into small tiles). Give those tiles explicitly, or larger.
 */
EC_API ec_status ec_evaluate(const ec_layer *layer, const ec_memory *memory,
                             const ec_dataflow *dataflow, ec_result *result);

/**
 * The same as ec_evaluate(), computed by walking the outer loop nest and
 * applying the transfer rule of section 3 event by event (section 5). An
 * independent check of ec_evaluate(); its cost grows with the number of
 * outer iterations. Automatic tiles are chosen as ec_evaluate() does.
 * @return as ec_evaluate(); ::EC_E_LIMIT when the walk would take more than
 *         2^32 outer iterations, when an axis has more than 2^32 (output,
 *         tap) pairs to enumerate, or when one of its scratch tables would
 *         exceed 2^28 bytes (the message says which).
 */
EC_API ec_status ec_count(const ec_layer *layer, const ec_memory *memory,
                          const ec_dataflow *dataflow, ec_result *result);

/** @} */

/** @defgroup hierarchy Memory hierarchies and mappings (docs/hierarchy.md)
 *
 * A memory may describe DRAM plus L >= 1 on-chip levels instead of the
 * two-level model's single Buffer: ec_memory_set_levels(). Levels are
 * numbered outermost first: level 0 is DRAM, levels 1..L are on chip, L the
 * innermost (next to the MACs). Each level has a name, a capacity in words
 * per instance, a mesh of instances (Timeloop's meshX and meshY), the set
 * of tensors it keeps (the others bypass it) and per-tensor energies of its
 * three actions. A level that keeps nothing still holds loops (Timeloop's
 * DummyBuffer).
 *
 * The dataflow then carries a mapping, as Timeloop's mapping does: per
 * level, temporal factors with a loop order, and spatial factors along X and
 * Y for the fanout from that level to the instances of the next inner level
 * (to the MACs below level L). The factors of every dimension multiply to
 * its extent. ec_evaluate() counts, per level and tensor, reads, fills and
 * updates with Timeloop v3's meanings, summed over the level's instances;
 * ec_count() walks the mapping's loop nest and agrees with it on every
 * count. A memory with 0 levels (the default) is the two-level model,
 * unchanged; its results also answer the per-level getters below (level 0
 * DRAM, level 1 the Buffer).
 *
 * On a hierarchy, ec_evaluate() and ec_count() return, besides their usual
 * statuses: ::EC_E_TILE when the factors of a dimension do not multiply to
 * its extent; ::EC_E_CAPACITY when a level's spatial factors exceed its
 * fanout or the tiles of its kept tensors exceed its capacity (the message
 * names the level and the words needed); ::EC_E_RANGE for a factor above 1
 * at a level the memory does not have, or a mesh that is not a multiple of
 * the outer level's; ::EC_E_LIMIT when more than 1024 sibling tiles must be
 * compared on one axis (ec_count(): more than 2^27 steps times instances at
 * a level). The dataflow's policy (except ::EC_POLICY_OPTIMAL, which makes
 * ec_evaluate() search the mapping: docs/mapper.md), order and tiles are
 * not used on a hierarchy (its mapping is); the result reports policy ::EC_POLICY_CUSTOM,
 * level 0's order and level 1's tile. ec_lower_bound() and ec_asymptotic()
 * still describe the two-level Buffer of ::EC_MEM_CAPACITY.
 * After an evaluation on a hierarchy, ec_result_bound() gives section 7's
 * bound across DRAM's boundary (the on-chip levels' capacities over all
 * their instances as the Buffer), ec_result_gap() its DRAM ratio;
 * ec_result_bound_energy() and the energy ratio of ec_result_gap() return
 * ::EC_E_UNAVAILABLE (that bound prices the two-level model's accesses);
 * ec_result_level_bound() gives the bound at every boundary.
 * Hierarchies count bounding boxes of input rows (Timeloop's footprint);
 * the dataflow's ::EC_DF_FOOTPRINT applies to the two-level model only, its
 * ::EC_DF_REUSE to both.
 * @{ */

/** The largest number of on-chip levels of a hierarchy. */
#define EC_HIER_MAX_LEVELS 8

/** A capacity that never overflows (::EC_HIER_CAPACITY). */
#define EC_CAPACITY_UNBOUNDED (-1)

/** Integer parameters of one level of a hierarchy. */
typedef enum ec_hier_param {
    /** Words per instance, >= 0, or ::EC_CAPACITY_UNBOUNDED (the default;
     *  DRAM's is always unbounded). The tiles of the kept tensors must fit. */
    EC_HIER_CAPACITY = 0,
    /** Instances along X, >= 1 (Timeloop's meshX); a multiple of the outer
     *  level's. 0 (default): the outer level's (no fanout along X). */
    EC_HIER_MESH_X = 1,
    /** Instances along Y, as ::EC_HIER_MESH_X. */
    EC_HIER_MESH_Y = 2,
    /** The tensors kept, a bit mask of (1 << ::ec_tensor); default 7 (all).
     *  DRAM keeps all three. */
    EC_HIER_KEEP = 3
} ec_hier_param;

/** The actions of a level, with Timeloop v3's meanings (docs/hierarchy.md). */
typedef enum ec_action {
    EC_ACTION_READ = 0,  /**< Words read out of the level: sent to an inner level
                              or the MACs (for outputs, partial sums sent back
                              down), or sent up to the parent (none here). */
    EC_ACTION_FILL = 1,  /**< Words written into the level from its parent. */
    EC_ACTION_UPDATE = 2 /**< Partial sums written into the level from below. */
} ec_action;

/** Kinds of loops of a mapping level. */
typedef enum ec_loop_kind {
    EC_LOOP_TEMPORAL = 0,  /**< Temporal loops of the level, in the level's order. */
    EC_LOOP_SPATIAL_X = 1, /**< Spatial fanout along X to the next inner level. */
    EC_LOOP_SPATIAL_Y = 2  /**< Spatial fanout along Y to the next inner level. */
} ec_loop_kind;

/**
 * Make @p memory a hierarchy of @p levels on-chip levels (1 to
 * ::EC_HIER_MAX_LEVELS), or the two-level model (0). Every level is reset
 * to its defaults: named "L1".."Ln" ("DRAM" for level 0), unbounded, no
 * fanout, keeping all tensors, with the memory's current energies (level 0:
 * read ::EC_ENERGY_DRAM_READ, update ::EC_ENERGY_DRAM_WRITE; on-chip levels:
 * read ::EC_ENERGY_BUF_READ, fill and update ::EC_ENERGY_BUF_WRITE). The
 * MACs cost ::EC_ENERGY_MAC each.
 * @return ::EC_OK; ::EC_E_NULL; ::EC_E_RANGE for a count out of range.
 */
EC_API ec_status ec_memory_set_levels(ec_memory *memory, int levels);

/** The number of on-chip levels (0: the two-level model). @return ::EC_OK or ::EC_E_NULL. */
EC_API ec_status ec_memory_get_levels(const ec_memory *memory, int *levels);

/**
 * Set an integer parameter of level @p level (0 = DRAM .. L). Level L + 1
 * stands for the MACs and takes only ::EC_HIER_MESH_X and ::EC_HIER_MESH_Y.
 * @return ::EC_OK; ::EC_E_NULL; ::EC_E_RANGE for a level or value out of
 *         range (DRAM's capacity, DRAM's keep other than 7, a mesh < 0);
 *         ::EC_E_KEY for an unknown key. The message names level and value.
 */
EC_API ec_status ec_memory_level_set(ec_memory *memory, int level, ec_hier_param key,
                                     int64_t value);

/** Read an integer parameter of a level. @return ::EC_OK, ::EC_E_NULL, ::EC_E_RANGE or ::EC_E_KEY. */
EC_API ec_status ec_memory_level_get(const ec_memory *memory, int level, ec_hier_param key,
                                     int64_t *value);

/**
 * Name level @p level (at most 31 bytes are kept; used in messages and by
 * the tools). @return ::EC_OK; ::EC_E_NULL; ::EC_E_RANGE for the level.
 */
EC_API ec_status ec_memory_level_set_name(ec_memory *memory, int level, const char *name);

/** The name of a level, or "" for a level out of range or a NULL memory. Never NULL. */
EC_API const char *ec_memory_level_name(const ec_memory *memory, int level);

/**
 * Set the energy of one action on one tensor at a level, per word.
 * @return ::EC_OK; ::EC_E_NULL; ::EC_E_RANGE for the level; ::EC_E_KEY for
 *         the tensor or action; ::EC_E_ENERGY for a negative, infinite or
 *         NaN value.
 */
EC_API ec_status ec_memory_level_set_energy(ec_memory *memory, int level, ec_tensor tensor,
                                            ec_action action, double energy);

/** Read an energy of a level. @return as ec_memory_level_set_energy(). */
EC_API ec_status ec_memory_level_get_energy(const ec_memory *memory, int level, ec_tensor tensor,
                                            ec_action action, double *energy);

/**
 * Set one factor of the dataflow's mapping: the loop of kind @p kind over
 * dimension @p dim at level @p level (0 = DRAM .. ::EC_HIER_MAX_LEVELS).
 * @p factor >= 1, or 0 for "not given": a temporal factor of level 0 not
 * given takes what the others leave of the extent; any other factor not
 * given is 1. Used when the memory is a hierarchy; ignored otherwise.
 * @return ::EC_OK; ::EC_E_NULL; ::EC_E_RANGE for the level or a negative
 *         factor; ::EC_E_KEY for the kind or dimension.
 */
EC_API ec_status ec_dataflow_set_factor(ec_dataflow *dataflow, int level, ec_loop_kind kind,
                                        ec_dim dim, int64_t factor);

/** Read one factor as set (0: not given). @return as ec_dataflow_set_factor(). */
EC_API ec_status ec_dataflow_get_factor(const ec_dataflow *dataflow, int level, ec_loop_kind kind,
                                        ec_dim dim, int64_t *factor);

/**
 * Set the order of level @p level's temporal loops, outermost first
 * (default N G K C P Q R S). Only the order of factors > 1 matters.
 * @return ::EC_OK; ::EC_E_NULL; ::EC_E_RANGE for the level; ::EC_E_ORDER
 *         if @p order is not a permutation of the eight dimensions.
 */
EC_API ec_status ec_dataflow_set_level_order(ec_dataflow *dataflow, int level,
                                             const ec_dim order[EC_NDIMS]);

/** As ec_dataflow_set_level_order(), from a string such as "NGKCPQRS". */
EC_API ec_status ec_dataflow_set_level_order_string(ec_dataflow *dataflow, int level,
                                                    const char *order);

/** The order of a level's temporal loops. @return ::EC_OK, ::EC_E_NULL or ::EC_E_RANGE. */
EC_API ec_status ec_dataflow_get_level_order(const ec_dataflow *dataflow, int level,
                                             ec_dim order[EC_NDIMS]);

/** Forget every factor and level order of the mapping. @return ::EC_OK or ::EC_E_NULL. */
EC_API ec_status ec_dataflow_clear_mapping(ec_dataflow *dataflow);

/**
 * The number of on-chip levels of the evaluated memory (1 for the
 * two-level model). Errors as ec_result_count().
 */
EC_API ec_status ec_result_levels(const ec_result *result, int *levels);

/**
 * One count of the evaluation: @p action on @p tensor at level @p level
 * (0 = DRAM .. L), summed over the level's instances. For the two-level
 * model: level 0 reads are DRAM reads, updates the outputs' DRAM writes;
 * level 1 reads are Buffer reads, fills the words from DRAM, updates the
 * MACs' partial-sum writes. A level that bypasses the tensor counts 0.
 * @return ::EC_OK; ::EC_E_NULL; ::EC_E_RANGE for the level; ::EC_E_KEY;
 *         ::EC_E_NOT_EVALUATED.
 */
EC_API ec_status ec_result_level_count(const ec_result *result, int level, ec_tensor tensor,
                                       ec_action action, int64_t *value);

/** The energy of all accesses to level @p level (all instances). Errors as ec_result_level_count(). */
EC_API ec_status ec_result_level_energy(const ec_result *result, int level, double *energy);

/**
 * The number of instances of level @p level that the mapping uses (the
 * product of the spatial factors above it; level L + 1: the MACs used).
 * Errors as ec_result_level_count().
 */
EC_API ec_status ec_result_level_instances(const ec_result *result, int level, int64_t *instances);

/**
 * The lower bound at the boundary above level @p level (1..L): section 7's
 * two-level bound with level @p level and everything inside it as the
 * Buffer (the sum of their capacities over all their instances; unbounded
 * if any is), and the words the evaluation moved across that boundary (the
 * reads of the nearest outer level keeping each tensor, plus the output
 * updates it receives). Either pointer may be NULL.
 * @return errors as ec_result_level_count(); ::EC_E_UNAVAILABLE for the
 *         two-level model (use ec_result_bound()) or when the bound could
 *         not be computed (the message says why).
 */
EC_API ec_status ec_result_level_bound(const ec_result *result, int level, int64_t *bound,
                                       int64_t *traffic);

/** @} */

/** @defgroup gemm Matrix products
 * A batched matrix product (a GEMM, or one of attention's two products) as
 * a layer of the model: the 1x1 convolution it is (docs/model.md section
 * 10, derived in docs/gemm.md).
 * @{ */

/**
 * Make @p layer a batched matrix product: @p groups independent products,
 * each of @p batch matrices A (m x k) times one matrix B (k x n) of its own.
 * B plays the weights: it is the operand shared by the @p batch products of
 * a group (a fully connected layer: @p groups 1, @p batch the batch size,
 * B its weights). When every product has its own B, as the two products of
 * attention (Q times K^T, softmax times V), each is a group: @p groups is
 * batch * heads and @p batch is 1, so that |W| counts every B once and no
 * reuse of B across products is assumed.
 *
 * The layer becomes the 1x1 convolution N = @p batch, G = @p groups,
 * C = @p groups * @p k, K = @p groups * @p n, H = @p m, W = R = S = 1, unit
 * strides and dilations, no padding. Then MACs = batch*groups*m*k*n,
 * |I| = batch*groups*m*k, |W| = groups*k*n, |O| = batch*groups*m*n.
 * Every other parameter is overwritten.
 * @return ::EC_OK; ::EC_E_NULL; ::EC_E_RANGE for a value below 1;
 *         ::EC_E_OVERFLOW when @p groups * @p k or @p groups * @p n does
 *         not fit 64 bits. The layer is unchanged on error; the sizes of
 *         the model are checked by ec_layer_check() as for any layer.
 */
EC_API ec_status ec_layer_set_gemm(ec_layer *layer, int64_t batch, int64_t groups, int64_t m,
                                   int64_t k, int64_t n);

/**
 * Read a layer as a matrix product, if it is one: any valid 1x1
 * convolution with unit strides and no padding, read as ec_layer_set_gemm()
 * writes it, with m = H * W (so a 1x1 convolution on an H x W image is the
 * product of its H*W pixels by its weights).
 * @return ::EC_OK; ::EC_E_NULL if any pointer is NULL; the status of
 *         ec_layer_check() for an invalid layer; ::EC_E_UNAVAILABLE for a
 *         layer that is not a product (a kernel larger than 1x1, a stride
 *         or padding). Nothing is written on error.
 */
EC_API ec_status ec_layer_get_gemm(const ec_layer *layer, int64_t *batch, int64_t *groups,
                                   int64_t *m, int64_t *k, int64_t *n);

/** @} */

/** @defgroup mapper The mapper: searching a hierarchy's mappings (docs/mapper.md)
 *
 * On a hierarchy (ec_memory_set_levels()), ::EC_POLICY_OPTIMAL makes
 * ec_evaluate() search the mapping space instead of evaluating the mapping
 * set on the dataflow: per level, the temporal factors of every dimension
 * and their order, and the spatial factors along X and Y within the level's
 * fanout, the factors of each dimension multiplying to its extent (perfect
 * factorisation, as Timeloop's). It minimises the energy; ties go to fewer
 * DRAM accesses, then to the smaller mapping in the order of docs/mapper.md.
 * The search is exhaustive when the space is small enough (docs/mapper.md
 * says when) and reports it; otherwise it is a local search whose answer is
 * never worse than its baselines (the mapping set on the dataflow, when it
 * is valid, and the mapping with every free factor at DRAM), and the result
 * carries an energy lower bound. ec_count() never searches: it walks the
 * mapping set on the dataflow (get the one found with ec_result_mapping()).
 * Constraints, as Timeloop's constraint files give them, restrict the space:
 * fixed factors (ec_dataflow_constrain_factor()) and loops fixed innermost
 * (ec_dataflow_constrain_order()); bypass is the memory's
 * ::EC_HIER_KEEP and is not searched.
 * @{ */

/** A factor constraint: the factor is searched (the default). */
#define EC_FACTOR_FREE 0
/** A factor constraint: the factor is what the other levels leave of the
 *  extent (Timeloop's factor 0); the other free factors of the dimension are 1. */
#define EC_FACTOR_REST (-1)

/**
 * Constrain the factor of the loop of kind @p kind over @p dim at level
 * @p level for the search: @p factor >= 1 fixes it, ::EC_FACTOR_REST gives
 * it the rest of the extent, ::EC_FACTOR_FREE (0) leaves it to the search.
 * @return ::EC_OK; ::EC_E_NULL; ::EC_E_RANGE for the level or a factor
 *         < -1; ::EC_E_KEY for the kind or dimension. The message names
 *         them (ec_dataflow_message()).
 */
EC_API ec_status ec_dataflow_constrain_factor(ec_dataflow *dataflow, int level, ec_loop_kind kind,
                                              ec_dim dim, int64_t factor);

/** Read a factor constraint. @return as ec_dataflow_constrain_factor(). */
EC_API ec_status ec_dataflow_get_constraint(const ec_dataflow *dataflow, int level,
                                            ec_loop_kind kind, ec_dim dim, int64_t *factor);

/**
 * Fix the innermost temporal loops of level @p level for the search: @p
 * inner lists dimensions (letters of "NGKCPQRS"), INNERMOST FIRST, as
 * Timeloop's permutation constraints do; they take the innermost positions
 * in that order and the search orders the others outside them. "" removes
 * the constraint.
 * @return ::EC_OK; ::EC_E_NULL; ::EC_E_RANGE for the level; ::EC_E_ORDER
 *         for an unknown or repeated letter.
 */
EC_API ec_status ec_dataflow_constrain_order(ec_dataflow *dataflow, int level, const char *inner);

/** Remove every constraint. @return ::EC_OK or ::EC_E_NULL. */
EC_API ec_status ec_dataflow_clear_constraints(ec_dataflow *dataflow);

/**
 * Copy the mapping a search chose (factors and orders of every level) into
 * @p dataflow, replacing its mapping (constraints and other settings are
 * kept), so that ec_evaluate() with a non-search policy or ec_count()
 * evaluates it again.
 * @return ::EC_OK; ::EC_E_NULL; ::EC_E_NOT_EVALUATED; ::EC_E_UNAVAILABLE
 *         when the result is not that of a search.
 */
EC_API ec_status ec_result_mapping(const ec_result *result, ec_dataflow *dataflow);

/**
 * How a search went: @p exact is 1 when it enumerated the whole space it
 * covers (the answer is optimal there), 0 for the local search;
 * @p evaluated the mappings it evaluated; @p energy_bound a lower bound on
 * the energy of every mapping of the layer on the hierarchy
 * (docs/mapper.md, "The bound"). Any pointer may be NULL.
 * @return ::EC_OK; ::EC_E_NULL; ::EC_E_NOT_EVALUATED; ::EC_E_UNAVAILABLE
 *         when the result is not that of a search.
 */
EC_API ec_status ec_result_search(const ec_result *result, int *exact, int64_t *evaluated,
                                  double *energy_bound);

/** @} */

/** @defgroup hier_cluster Clusters and blocks of a hierarchy level (docs/hierarchy.md, "Clusters and blocks")
 *
 * Timeloop's `cluster-size`: the instances of a storage level grouped in
 * clusters of @p cluster that share their accesses (one wide word). Timeloop
 * v3 (src/model/buffer.cpp, BufferLevel::FinalizeBufferEnergy()) charges a
 * level's per-instance accesses once per *utilized cluster*,
 * min(U, I / cluster) with U the instances the mapping uses and I all the
 * level's instances, and not once per utilized instance. ec_evaluate() and
 * ec_count() follow it: the energy of each tensor at the level is its counts
 * (summed over the U instances) times the per-word energies times
 * min(U, I / cluster) / U. A cluster of 1 (the default) changes nothing;
 * the counts never change.
 * @{ */

/**
 * Set the cluster size of level @p level (1..L): >= 1, and at evaluation a
 * divisor of the level's instances (else ec_evaluate() returns
 * ::EC_E_RANGE naming the level, the cluster and the instances).
 * ec_memory_set_levels() resets every level's to 1.
 * @return ::EC_OK; ::EC_E_NULL; ::EC_E_RANGE for the level (DRAM has no
 *         cluster) or a value < 1 or > 2^32.
 */
EC_API ec_status ec_memory_level_set_cluster(ec_memory *memory, int level, int64_t cluster);

/** Read the cluster size of a level. @return as ec_memory_level_set_cluster(), ::EC_E_NULL for a NULL pointer. */
EC_API ec_status ec_memory_level_get_cluster(const ec_memory *memory, int level, int64_t *cluster);

/**
 * Set the block size of level @p level (0..L): the words of one access
 * (Timeloop's `block-size`), >= 1, default 1. The per-word energies stay
 * per word, but as Timeloop v3 does (src/model/buffer.cpp,
 * BufferLevel::ComputeVectorAccesses()) each tensor's reads, fills and
 * updates of one instance are priced as whole accesses: the energy of a
 * count c over U utilized instances is ceil(c / (U x block)) x block x U x
 * the per-word energy (times the cluster share above). A block of 1 changes
 * nothing; counts never change. ec_memory_set_levels() resets it to 1.
 * @return ::EC_OK; ::EC_E_NULL; ::EC_E_RANGE for the level or a value < 1
 *         or > 2^32.
 */
EC_API ec_status ec_memory_level_set_block(ec_memory *memory, int level, int64_t block);

/** Read the block size of a level. @return as ec_memory_level_set_block(), ::EC_E_NULL for a NULL pointer. */
EC_API ec_status ec_memory_level_get_block(const ec_memory *memory, int level, int64_t *block);

/** @} */

#ifdef __cplusplus
}
#endif

#endif /* ECNN_H */
