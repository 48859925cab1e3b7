/* Placeholder entry point; the runtime work replaces it. */
#include <stdio.h>

int main(void)
{
    fputs("kvs-lookout: not built yet\n", stderr);
    return 1;
}
