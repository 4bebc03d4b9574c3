// A plugin whose build facts claim another tensor alignment, as one built without the host's flags would.
#include <seqlab/plugin.hpp>

extern "C" __attribute__((visibility("default"))) const seqlab::PluginDescriptor seqlab_plugin_descriptor = {
    seqlab::kPluginMagic, seqlab::kApiVersion,
    seqlab::BuildFacts{seqlab::kVersion, SEQLAB_DETAIL_COMPILER, _GLIBCXX_USE_CXX11_ABI, 8, "sse2"}, nullptr};
