/* A message about code of a header names the header and the header's own line. */
#include <alloca.h>
#include "w.h"
int main(void) { return work(3); }
