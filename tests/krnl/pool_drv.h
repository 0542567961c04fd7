/*
 * pool_drv.h - what the krnl tests ask of pool_drv.so. The test passes a
 * struct pool_drv_cmd as DriverEntry's DriverObject argument (the module
 * has no other entry point; nothing here is a real driver object).
 */
#ifndef POOL_DRV_H
#define POOL_DRV_H

enum pool_drv_op {
    POOL_DRV_ALLOC = 1,        /* count blocks of size bytes with tag */
    POOL_DRV_FREE,             /* free them with tag */
    POOL_DRV_FREE_WRONG_TAG,   /* free ptrs[0] with tag + 1: bug check */
    POOL_DRV_BUGCHECK,         /* KeBugCheckEx(code, 1, 2, 3, 4) */
    POOL_DRV_LOOKASIDE,        /* allocate count entries from lookaside */
    POOL_DRV_CRASH,            /* write through a bad pointer (0x10) */
};

struct pool_drv_cmd {
    int op;
    ULONG tag;
    ULONG code;
    int count;
    SIZE_T size;
    void *lookaside;
    void *ptrs[16];
};

#endif
