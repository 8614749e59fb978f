#ifndef TICKFORGE_CZLIB_H
#define TICKFORGE_CZLIB_H

// The system's zlib, for recordings written and read as gzip (`--record FILE.gz`, `replay FILE.gz`).
#include <zlib.h>

#endif
