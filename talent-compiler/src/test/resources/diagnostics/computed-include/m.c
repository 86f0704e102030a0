/* A computed include is resolved by the preprocessor only: the header's text stays outside the unit, and its
 * variables would not be saved. */
#define TABLES "tab.h"
#include TABLES
int main(void) { fill(); return (int)state; }
