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

// Two or more plugins of one kind and name where none of them is the one to use (both in folders the user
// named, or both shipped): using that name is an error, other names still work.
struct PluginClash {
  PluginKind kind;
  std::string name;
  std::vector<std::string> files;  // in search-path order
  // "two loss plugins are named 'mse': A and B; remove or rename one"
  std::string message() const;
};

// A plugin in a folder the user named, used in place of the shipped plugin(s) of the same kind and name.
struct PluginOverride {
  PluginKind kind;
  std::string name;
  std::string file;
  std::vector<std::string> shipped_files;
};

// The plugins found in the given directories, in order, one per kind and name. A plugin in a folder the user
// named (--plugin-dir, SEQLAB_PLUGIN_PATH, plugin_dirs) overrides a shipped one of its kind and name; two of a
// kind and name otherwise are a clash, an error only where the name is used.
class PluginRegistry {
 public:
  // Directories searched: `dirs` in order, then each entry of SEQLAB_PLUGIN_PATH
  // (colon-separated), then the folder of plugins that came with the binary
  // (<exe>/../plugins in a build tree, <exe>/../lib/seqlab/plugins installed).
  // Missing directories given explicitly are an error.
  static std::vector<std::string> search_path(const std::vector<std::string>& dirs);

  explicit PluginRegistry(const std::vector<std::string>& dirs);

  // What each name resolves to: an overriding plugin in place of the shipped one, no clashing ones.
  const std::vector<LoadedPlugin>& plugins() const { return plugins_; }
  const std::vector<PluginClash>& clashes() const { return clashes_; }
  const std::vector<PluginOverride>& overrides() const { return overrides_; }
  // The folders searched, in order, each once (canonical): what a message about a missing plugin lists.
  const std::vector<std::string>& folders() const { return folders_; }
  // nullptr if absent. Throws PluginLoadError if the name clashes; warns (once per process) if it is overridden.
  const LoadedPlugin* find(PluginKind kind, const std::string& name) const;
  // As find, for every kind that has the name (`seqlab plugins NAME`, `seqlab check NAME`).
  std::vector<const LoadedPlugin*> find_every_kind(const std::string& name) const;
  // As find, but an absent name throws with the list of known names of that kind and the closest one.
  const LoadedPlugin& get(PluginKind kind, const std::string& name) const;
  // The names of that kind, clashing ones included: they are known, just not usable.
  std::vector<std::string> names(PluginKind kind) const;

 private:
  std::vector<std::string> folders_;
  std::vector<LoadedPlugin> plugins_;
  std::vector<PluginClash> clashes_;
  std::vector<PluginOverride> overrides_;
};

Handle<Dataset> create_dataset(const LoadedPlugin& plugin, const PluginArgs& args);
Handle<Model> create_model(const LoadedPlugin& plugin, const PluginArgs& args);
Handle<Loss> create_loss(const LoadedPlugin& plugin, const PluginArgs& args);
Handle<Optimizer> create_optimizer(const LoadedPlugin& plugin, const PluginArgs& args);
Handle<Scheduler> create_scheduler(const LoadedPlugin& plugin, const PluginArgs& args);

}  // namespace seqlab
