// A plugin built for a future plugin API: the loader must refuse it before calling into it.
#include <seqlab/plugin.hpp>

extern "C" __attribute__((visibility("default"))) const seqlab::PluginDescriptor seqlab_plugin_descriptor = {
    seqlab::kPluginMagic, seqlab::kApiVersion + 1, SEQLAB_BUILD_FACTS, nullptr};
