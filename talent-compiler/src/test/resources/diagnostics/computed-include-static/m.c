/* A static inside a function of a header talent cannot inline (a computed include) is refused by name. */
#define C "c.h"
#include C
int main(void) { return counter(); }
