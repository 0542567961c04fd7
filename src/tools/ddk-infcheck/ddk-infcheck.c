/*
 * ddk-infcheck - package isolation checks on INF files (like `infverif /w`).
 * The work is store_infcheck_main in the executive, so that the `ddk`
 * program can offer the same thing as `ddk infcheck`.
 */
#include "store/infcheck.h"

int main(int argc, char **argv)
{
    return store_infcheck_main(argc, argv);
}
