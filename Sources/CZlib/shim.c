// A C target needs a source file; the module is only the system header in include/CZlib.h.
