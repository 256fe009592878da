/* Runtime version: what the library was built as, for programs that want to
 * compare it with the header they were compiled against. */
#include "ecnn.h"

unsigned ec_version_number(void) { return EC_VERSION_NUMBER; }

const char *ec_version_string(void) { return EC_VERSION_STRING; }
