/* app.c - a client program built by ddk-cc without a model: Windows
 * widths, no driver stub. Exit status 0 when L"" is 16-bit. */
#include <stddef.h>
int main(void)
{
    return sizeof(L"ab") == 6 ? 0 : 1;
}
