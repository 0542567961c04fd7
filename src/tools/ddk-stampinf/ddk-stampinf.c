/*
 * ddk-stampinf - .inx -> .inf (like stampinf). The work is
 * store_stampinf_main in the executive, shared with the `ddk` program.
 */
#include "store/stamp.h"

int main(int argc, char **argv)
{
    return store_stampinf_main(argc, argv);
}
