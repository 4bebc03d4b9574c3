// Finds plugin libraries, checks their descriptors and creates components from them.
#pragma once

#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "seqlab/plugin.hpp"

namespace boost::dll {
class shared_library;
}

namespace seqlab {

// One loaded plugin library. Objects created from it hold a reference to the
// library (in their deleter), so it stays mapped while any of them is alive.
struct LoadedPlugin {
  std::string file;                  // absolute path of the .so
  const PluginInfo* info = nullptr;  // valid while `library` is loaded
  std::shared_ptr<boost::dll::shared_library> library;
  PluginKind kind() const { return info->kind; }
  const std::string& name() const { return info->meta.name; }
};

// A component whose deleter keeps its plugin library loaded.
template <class T>
using Handle = std::unique_ptr<T, std::function<void(T*)>>;

// Thrown when a library cannot be used as a plugin (not a shared library, no
// descriptor, another API version or build). The message names the file and
// says what to rebuild. The CLI maps it to exit code 2.
class PluginLoadError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Checks one plugin file, then loads it. Its descriptor (magic, API version, build facts) is read from the
// file and checked before the library is loaded, so a file that is no plugin for this seqlab is refused
// before any of its code, even a static constructor, runs. Throws PluginLoadError.
LoadedPlugin load_plugin_file(const std::string& path);

// All plugins found in the given directories, in order (later duplicates of a
// kind and name are an error naming both files).
class PluginRegistry {
 public:
  // Directories searched: `dirs` in order, then each entry of SEQLAB_PLUGIN_PATH
  // (colon-separated), then the folder of plugins that came with the binary
  // (<exe>/../plugins in a build tree, <exe>/../lib/seqlab/plugins installed).
  // Missing directories given explicitly are an error.
  static std::vector<std::string> search_path(const std::vector<std::string>& dirs);

  explicit PluginRegistry(const std::vector<std::string>& dirs);

  const std::vector<LoadedPlugin>& plugins() const { return plugins_; }
  // The folders searched, in order, each once (canonical): what a message about a missing plugin lists.
  const std::vector<std::string>& folders() const { return folders_; }
  // nullptr if absent.
  const LoadedPlugin* find(PluginKind kind, const std::string& name) const;
  // Throws with the list of known names of that kind and the closest one.
  const LoadedPlugin& get(PluginKind kind, const std::string& name) const;
  std::vector<std::string> names(PluginKind kind) const;

 private:
  std::vector<std::string> folders_;
  std::vector<LoadedPlugin> plugins_;
};

Handle<Dataset> create_dataset(const LoadedPlugin& plugin, const PluginArgs& args);
Handle<Model> create_model(const LoadedPlugin& plugin, const PluginArgs& args);
Handle<Loss> create_loss(const LoadedPlugin& plugin, const PluginArgs& args);
Handle<Optimizer> create_optimizer(const LoadedPlugin& plugin, const PluginArgs& args);
Handle<Scheduler> create_scheduler(const LoadedPlugin& plugin, const PluginArgs& args);

}  // namespace seqlab
