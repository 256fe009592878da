/* The convolutional layers of ResNet-50 (He et al., CVPR 2016; torchvision's
 * v1.5 layout, stride in the 3x3 convolution), batch 1, as the benchmarks'
 * workload. Each distinct shape once, with how often it occurs. */
#ifndef EC_BENCH_RESNET50_H
#define EC_BENCH_RESNET50_H

typedef struct bench_layer {
    const char *name;
    long C, K, H, R, stride, pad, count;
} bench_layer;

static const bench_layer resnet50[] = {
    {"conv1", 3, 64, 224, 7, 2, 3, 1},
    {"l1_1x1a_first", 64, 64, 56, 1, 1, 0, 1},
    {"l1_3x3", 64, 64, 56, 3, 1, 1, 3},
    {"l1_1x1b", 64, 256, 56, 1, 1, 0, 3},
    {"l1_ds", 64, 256, 56, 1, 1, 0, 1},
    {"l1_1x1a", 256, 64, 56, 1, 1, 0, 2},
    {"l2_1x1a_first", 256, 128, 56, 1, 1, 0, 1},
    {"l2_3x3_s2", 128, 128, 56, 3, 2, 1, 1},
    {"l2_ds_s2", 256, 512, 56, 1, 2, 0, 1},
    {"l2_1x1b", 128, 512, 28, 1, 1, 0, 4},
    {"l2_1x1a", 512, 128, 28, 1, 1, 0, 3},
    {"l2_3x3", 128, 128, 28, 3, 1, 1, 3},
    {"l3_1x1a_first", 512, 256, 28, 1, 1, 0, 1},
    {"l3_3x3_s2", 256, 256, 28, 3, 2, 1, 1},
    {"l3_ds_s2", 512, 1024, 28, 1, 2, 0, 1},
    {"l3_1x1b", 256, 1024, 14, 1, 1, 0, 6},
    {"l3_1x1a", 1024, 256, 14, 1, 1, 0, 5},
    {"l3_3x3", 256, 256, 14, 3, 1, 1, 5},
    {"l4_1x1a_first", 1024, 512, 14, 1, 1, 0, 1},
    {"l4_3x3_s2", 512, 512, 14, 3, 2, 1, 1},
    {"l4_ds_s2", 1024, 2048, 14, 1, 2, 0, 1},
    {"l4_1x1b", 512, 2048, 7, 1, 1, 0, 3},
    {"l4_1x1a", 2048, 512, 7, 1, 1, 0, 2},
    {"l4_3x3", 512, 512, 7, 3, 1, 1, 2},
};

#define RESNET50_SHAPES ((int)(sizeof resnet50 / sizeof resnet50[0]))

#endif
