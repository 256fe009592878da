/* The 18 mappings Timeloop's mapper found on eyeriss_like (generated from
 * ../shared/validation/multilevel/eyeriss_like/timeloop_mapper.csv: layer
 * shape, then Timeloop's mapping_compact). */
#ifndef EC_BENCH_EYERISS_MAPPINGS_H
#define EC_BENCH_EYERISS_MAPPINGS_H

typedef struct eyeriss_row {
    const char *name;
    long long R, S, P, Q, C, K, N, sh, sw;
    const char *compact;
} eyeriss_row;

static const eyeriss_row eyeriss_rows[] = {
    {"alexnet_conv1", 11, 11, 55, 55, 3, 96, 1, 4, 4,
     "L5[WIO] Q5 M2 C3 - L4[IO] M3 P55 Q11X - L3[] Q1 S11Y - L2[I] Q1 - L1[W] R11 - L0[O] M16"},
    {"alexnet_conv2", 5, 5, 27, 27, 96, 256, 1, 1, 1,
     "L5[WIO] Q3 M2 C48 - L4[IO] M16 P27 Q9X - L3[] Q1 C2Y S5Y - L2[I] Q1 - L1[W] R5 - L0[O] M8"},
    {"alexnet_conv3", 3, 3, 13, 13, 256, 384, 1, 1, 1,
     "L5[WIO] M8 C32 - L4[IO] M2 P13 Q13X - L3[] Q1 M2Y C2Y S3Y - L2[I] Q1 - L1[W] R3 C4 - L0[O] M12"},
    {"alexnet_conv4", 3, 3, 13, 13, 384, 384, 1, 1, 1,
     "L5[WIO] M4 C24 - L4[IO] M8 P13 Q13X - L3[] Q1 C4Y S3Y - L2[I] Q1 - L1[W] R3 C4 - L0[O] M12"},
    {"alexnet_conv5", 3, 3, 13, 13, 384, 256, 1, 1, 1,
     "L5[WIO] M4 C96 - L4[IO] M2 P13 Q13X - L3[] Q1 M4Y S3Y - L2[I] Q1 - L1[W] R3 C4 - L0[O] M8"},
    {"vgg16_conv1_1", 3, 3, 224, 224, 3, 64, 1, 1, 1,
     "L5[WIO] Q224 - L4[IO] P224 M4X - L3[] Q1 C3Y S3Y - L2[I] Q1 - L1[W] R3 - L0[O] M16"},
    {"vgg16_conv2_1", 3, 3, 112, 112, 64, 128, 1, 1, 1,
     "L5[WIO] Q8 M4 C8 - L4[IO] M2 P112 Q14X - L3[] Q1 C2Y S3Y - L2[I] Q1 - L1[W] R3 C4 - L0[O] M16"},
    {"vgg16_conv3_1", 3, 3, 56, 56, 128, 256, 1, 1, 1,
     "L5[WIO] Q8 M2 C32 - L4[IO] P56 M2X Q7X - L3[] Q1 M4Y S3Y - L2[I] Q1 - L1[W] R3 C4 - L0[O] M16"},
    {"vgg16_conv4_1", 3, 3, 28, 28, 256, 512, 1, 1, 1,
     "L5[WIO] Q7 M2 C32 - L4[IO] M16 P28 M2X Q4X - L3[] Q1 C2Y S3Y - L2[I] Q1 - L1[W] R3 C4 - L0[O] M8"},
    {"vgg16_conv5_1", 3, 3, 14, 14, 512, 512, 1, 1, 1,
     "L5[WIO] M8 C32 - L4[IO] M4 P14 Q14X - L3[] Q1 C4Y S3Y - L2[I] Q1 - L1[W] R3 C4 - L0[O] M16"},
    {"resnet50_conv1", 7, 7, 112, 112, 3, 64, 1, 2, 2,
     "L5[WIO] Q14 C3 - L4[IO] M4 P112 Q8X - L3[] Q1 S7Y - L2[I] Q1 - L1[W] R7 - L0[O] M16"},
    {"resnet50_l1_1x1a_first", 1, 1, 56, 56, 64, 64, 1, 1, 1,
     "L5[WIO] Q8 C2 - L4[IO] M4 P56 M2X Q7X - L3[] Q1 M2Y C4Y - L2[I] Q1 - L1[W] C8 - L0[O] M4"},
    {"resnet50_l1_3x3", 3, 3, 56, 56, 64, 64, 1, 1, 1,
     "L5[WIO] Q8 C8 - L4[IO] M2 P56 Q7X - L3[] Q1 M2Y C2Y S3Y - L2[I] Q1 - L1[W] R3 C4 - L0[O] M16"},
    {"resnet50_l2_3x3_s2", 3, 3, 28, 28, 128, 128, 1, 2, 2,
     "L5[WIO] Q2 C16 - L4[IO] M16 P28 Q14X - L3[] Q1 M2Y C2Y S3Y - L2[I] Q1 - L1[W] R3 C4 - L0[O] M4"},
    {"resnet50_l2_ds_s2", 1, 1, 28, 28, 256, 512, 1, 2, 2,
     "L5[WIO] Q14 C4 - L4[IO] M16 P28 M4X Q2X - L3[] Q1 C8Y - L2[I] Q1 - L1[W] C8 - L0[O] M8"},
    {"resnet50_l3_1x1b", 1, 1, 14, 14, 256, 1024, 1, 1, 1,
     "L5[WIO] Q2 M4 C4 - L4[IO] M32 P14 Q7X - L3[] Q1 C8Y - L2[I] Q1 - L1[W] C8 - L0[O] M8"},
    {"resnet50_l4_1x1a", 1, 1, 7, 7, 2048, 512, 1, 1, 1,
     "L5[WIO] M4 C128 - L4[IO] M4 P7 M2X Q7X - L3[] Q1 M2Y C4Y - L2[I] Q1 - L1[W] C4 - L0[O] M8"},
    {"resnet50_l4_3x3", 3, 3, 7, 7, 512, 512, 1, 1, 1,
     "L5[WIO] M4 C32 - L4[IO] M8 P7 Q7X - L3[] Q1 C4Y S3Y - L2[I] Q1 - L1[W] R3 C4 - L0[O] M16"},
};

#endif
