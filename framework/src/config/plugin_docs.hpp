// The plugin reference in Markdown, generated from the plugins' own schemas (`seqlab plugins --markdown`).
#pragma once

#include <string>

#include "host/plugin_loader.hpp"

namespace seqlab {

// Every plugin of `registry`, grouped by kind and sorted by name: its summary
// and a table of its parameters. No file paths, so the text depends only on
// the plugins' metadata and is the same on every machine.
// `generated_by` is the command that regenerates the page, named in its header.
// Throws PluginLoadError when two plugin files share a kind and name (which one would the page describe?).
std::string plugins_markdown(const PluginRegistry& registry, const std::string& generated_by);

}  // namespace seqlab
