// A shared library that is not a seqlab plugin: it exports no descriptor.
extern "C" __attribute__((visibility("default"))) int not_a_plugin() { return 42; }
