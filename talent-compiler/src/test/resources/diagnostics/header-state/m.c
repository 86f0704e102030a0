/* State of a header that talent does not save is refused by name, at the header's line. */
#include "t.h"
int main(void) { return next_id(); }
