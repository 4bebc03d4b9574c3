// docs/reference/: the key reference of the runner's own sections and of every plugin, made from their schemas
// (`seqlab reference DIR`). A test compares the committed pages with what the code makes today.
#pragma once

#include <map>
#include <string>

#include "host/plugin_loader.hpp"

namespace seqlab {

// File name -> Markdown text: README.md (the index), runner.md, plugins.md. The text depends only on the schemas
// and the plugins' metadata: no paths, no machine facts.
std::map<std::string, std::string> reference_pages(const PluginRegistry& registry);

}  // namespace seqlab
