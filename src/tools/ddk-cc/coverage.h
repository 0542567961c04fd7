/* coverage.h - ddk-cc --coverage (coverage.c). */
#ifndef DDK_CC_COVERAGE_H
#define DDK_CC_COVERAGE_H
#include <stdbool.h>
int ddk_cc_coverage(bool json);
#endif
