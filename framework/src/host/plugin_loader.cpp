// Plugin discovery, the checks that refuse a mis-built plugin (from its file, before loading it), and loading.
#include "host/plugin_loader.hpp"

#include <algorithm>
#include <boost/dll/runtime_symbol_info.hpp>
#include <boost/dll/shared_library.hpp>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <sys/stat.h>

#include "host/elf_descriptor.hpp"
#include "host/plugin_guard.hpp"
#include "util/short_list.hpp"
#include "util/suggest.hpp"

namespace fs = std::filesystem;

namespace seqlab {

namespace {

// A text of the descriptor, fit for a message: it was read from a file, which may hold anything.
template <std::size_t N>
std::string fact_text(const char (&chars)[N]) {
  return printable(std::string(chars, strnlen(chars, N)), N);
}

std::string describe_mismatch(const BuildFacts& plugin, const BuildFacts& host) {
  const std::string plugin_version = fact_text(plugin.seqlab_version), host_version = fact_text(host.seqlab_version);
  const std::string plugin_compiler = fact_text(plugin.compiler), host_compiler = fact_text(host.compiler);
  const std::string plugin_simd = fact_text(plugin.simd_arch), host_simd = fact_text(host.simd_arch);
  if (plugin_version != host_version)
    return "it was built against seqlab " + plugin_version + ", this is seqlab " + host_version;
  if (plugin_compiler != host_compiler)
    return "it was built with " + plugin_compiler + ", seqlab with " + host_compiler;
  if (plugin.cxx11_abi != host.cxx11_abi)
    return "it was built with _GLIBCXX_USE_CXX11_ABI=" + std::to_string(plugin.cxx11_abi) + ", seqlab with " +
           std::to_string(host.cxx11_abi);
  if (plugin.tensor_alignment != host.tensor_alignment || plugin_simd != host_simd)
    return "its tensors use " + std::to_string(plugin.tensor_alignment) + "-byte alignment (" + plugin_simd +
           "), seqlab's " + std::to_string(host.tensor_alignment) + "-byte (" + host_simd + ")";
  return "";
}

// The descriptor's bytes that the loader checks: everything before `info`, plain data in the file.
constexpr std::size_t kCheckedBytes = offsetof(PluginDescriptor, info);
static_assert(kCheckedBytes == offsetof(PluginDescriptor, build) + sizeof(BuildFacts),
              "no padding among the checked bytes: the loaded descriptor is compared with the file's byte for byte");

// Reads the descriptor from the library's file and checks magic, API version and build facts, all before the
// library is loaded: a file that is no plugin for this seqlab is refused without running any of its code (a
// shared library's constructors run inside dlopen, before any symbol could be looked at). Returns the
// checked bytes, which the loaded descriptor must then equal.
std::string checked_descriptor_bytes(const std::string& file) {
  std::optional<std::string> bytes;
  try {
    bytes = read_exported_object(file, kDescriptorSymbol, kCheckedBytes);
  } catch (const ElfError& e) {
    throw PluginLoadError(file + ": not a loadable shared library (" + e.what() +
                          "); remove it from the plugin folder or rebuild it");
  }
  if (!bytes)
    throw PluginLoadError(file + ": is a shared library but not a seqlab plugin (no `" + kDescriptorSymbol +
                          "` symbol); a plugin's .cpp must end with SEQLAB_PLUGIN(Class)");
  const std::string not_a_descriptor =
      file + ": its `" + kDescriptorSymbol + "` is not a seqlab plugin descriptor; rebuild it with seqlab_add_plugin()";
  std::uint32_t magic = 0, api_version = 0;
  if (bytes->size() < offsetof(PluginDescriptor, build)) throw PluginLoadError(not_a_descriptor);
  std::memcpy(&magic, bytes->data() + offsetof(PluginDescriptor, magic), sizeof magic);
  std::memcpy(&api_version, bytes->data() + offsetof(PluginDescriptor, api_version), sizeof api_version);
  if (magic != kPluginMagic) throw PluginLoadError(not_a_descriptor);
  if (api_version != kApiVersion)
    throw PluginLoadError(file + ": built for seqlab plugin API version " + std::to_string(api_version) +
                          ", but this seqlab (" + kVersion + ") needs API version " + std::to_string(kApiVersion) +
                          "; rebuild the plugin against this seqlab's SDK");
  if (bytes->size() < kCheckedBytes) throw PluginLoadError(not_a_descriptor);
  BuildFacts build;
  std::memcpy(&build, bytes->data() + offsetof(PluginDescriptor, build), sizeof build);
  const std::string mismatch = describe_mismatch(build, SEQLAB_BUILD_FACTS);
  if (!mismatch.empty())
    throw PluginLoadError(file + ": refused because " + mismatch +
                          "; rebuild the plugin with this seqlab's SDK (find_package(seqlab) + seqlab_add_plugin)");
  return *bytes;
}

template <class T>
Handle<T> bind_to_library(std::unique_ptr<T> object, const LoadedPlugin& plugin) {
  // The deleter owns a reference to the library: the object's code (its
  // destructor, its vtable) stays mapped until the object is gone.
  auto library = plugin.library;
  return Handle<T>(object.release(), [library](T* p) { delete p; });
}

template <class T, class Factory>
Handle<T> create(const LoadedPlugin& plugin, PluginKind kind, Factory factory, const PluginArgs& args) {
  if (plugin.kind() != kind || factory == nullptr)
    throw std::logic_error("plugin " + plugin.name() + " is a " + kind_name(plugin.kind()) + ", not a " +
                           kind_name(kind));
  PluginGuard guard(plugin.file, std::string("constructing its ") + kind_name(kind) + " '" + plugin.name() + "'");
  return bind_to_library<T>(factory(args), plugin);
}

// Like ssh with a key file: code that other users could replace is not run.
void refuse_if_writable_by_others(const std::string& path, const char* what) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return;  // reported by whoever opens it next
  if ((st.st_mode & (S_IWGRP | S_IWOTH)) == 0) return;
  char mode[8];
  std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
  throw PluginLoadError(std::string(what) + " " + path + " is writable by other users (mode " + mode +
                        "), so anyone could replace the code seqlab would run; refused. Fix: chmod go-w '" + path +
                        "'");
}

// The folders of the plugins that came with this binary, those that exist: build/plugins beside build/bin in
// a build tree, PREFIX/lib/seqlab/plugins beside PREFIX/bin when installed.
std::vector<fs::path> shipped_folders() {
  const fs::path root = boost::dll::program_location().parent_path().parent_path().string();
  std::vector<fs::path> folders;
  for (const fs::path dir : {root / "plugins", root / "lib" / "seqlab" / "plugins"})
    if (fs::is_directory(dir)) folders.push_back(dir);
  return folders;
}

// A plugin as the search found it: whether it came with the binary decides whether another may override it.
struct FoundPlugin {
  LoadedPlugin plugin;
  bool shipped;
};

// The found plugins grouped by kind and name, each group in the order its first plugin was found.
std::vector<std::vector<FoundPlugin>> group_by_name(std::vector<FoundPlugin> found) {
  std::vector<std::vector<FoundPlugin>> groups;
  std::map<std::pair<PluginKind, std::string>, std::size_t> group_of;
  for (auto& f : found) {
    const auto [at, is_new] = group_of.try_emplace({f.plugin.kind(), f.plugin.name()}, groups.size());
    if (is_new) groups.emplace_back();
    groups[at->second].push_back(std::move(f));
  }
  return groups;
}

// Said when the name is used, not when the registry is built: only then does the override change what runs,
// so a command that never uses the name stays quiet (`seqlab plugins` marks the override in its list). Once
// per process, however many registries and look-ups a command makes (eval checks the run's record, then
// resolves its config: two look-ups of each name).
void warn_of_override(const PluginOverride& override) {
  static std::mutex mutex;
  static std::set<std::string> warned;
  const std::lock_guard<std::mutex> lock(mutex);
  if (!warned.insert(override.file).second) return;
  std::cerr << "warning: the " << kind_name(override.kind) << " plugin '" << override.name << "' of " << override.file
            << " overrides the shipped " << join(override.shipped_files, " and ") << "\n";
}

}  // namespace

std::string PluginClash::message() const {
  const bool two = files.size() == 2;
  return (two ? std::string("two") : std::to_string(files.size())) + " " + kind_name(kind) + " plugins are named '" +
         name + "': " + (two ? files[0] + " and " + files[1] : short_list(files, ", ")) + "; remove or rename " +
         (two ? "one" : "all but one");
}

LoadedPlugin load_plugin_file(const std::string& path) {
  LoadedPlugin plugin;
  plugin.file = fs::absolute(path).lexically_normal().string();
  refuse_if_writable_by_others(plugin.file, "plugin file");
  const std::string checked = checked_descriptor_bytes(plugin.file);
  try {
    PluginGuard guard(plugin.file, "being loaded (its static initialisers)");
    plugin.library = std::make_shared<boost::dll::shared_library>(
        plugin.file, boost::dll::load_mode::rtld_now | boost::dll::load_mode::rtld_local);
  } catch (const std::exception& e) {
    throw PluginLoadError(plugin.file + ": not a loadable shared library (" + e.what() +
                          "); remove it from the plugin folder or rebuild it");
  }
  // What the dynamic loader resolves must be what the file said: not another library's symbol, not bytes
  // that relocations changed, not a file swapped since it was read.
  const bool same =
      plugin.library->has(kDescriptorSymbol) &&
      std::memcmp(&plugin.library->get<const PluginDescriptor>(kDescriptorSymbol), checked.data(), kCheckedBytes) == 0;
  if (!same)
    throw PluginLoadError(plugin.file + ": its loaded `" + kDescriptorSymbol +
                          "` differs from the one in its file (changed while being loaded?); rebuild it with "
                          "seqlab_add_plugin()");
  const auto& descriptor = plugin.library->get<const PluginDescriptor>(kDescriptorSymbol);
  if (descriptor.info == nullptr)
    throw PluginLoadError(plugin.file + ": its `" + kDescriptorSymbol +
                          "` has no info function; rebuild it with seqlab_add_plugin()");
  try {
    PluginGuard guard(plugin.file, "describing itself (its descriptor's info())");
    plugin.info = &descriptor.info();
  } catch (const std::exception& e) {
    throw PluginLoadError(plugin.file + ": the plugin's descriptor threw: " + e.what());
  } catch (...) {
    throw PluginLoadError(plugin.file + ": the plugin's descriptor threw an unknown exception");
  }
  return plugin;
}

std::vector<std::string> PluginRegistry::search_path(const std::vector<std::string>& dirs) {
  std::vector<std::string> path = dirs;
  if (const char* env = std::getenv("SEQLAB_PLUGIN_PATH")) {
    std::string entries = env;
    std::size_t start = 0;
    while (start <= entries.size()) {
      const std::size_t end = std::min(entries.find(':', start), entries.size());
      if (end > start) path.push_back(entries.substr(start, end - start));
      start = end + 1;
    }
  }
  for (const fs::path& shipped : shipped_folders()) path.push_back(shipped.string());
  return path;
}

PluginRegistry::PluginRegistry(const std::vector<std::string>& dirs) {
  // By canonical path: the shipped folder stays shipped when the user names it too (--plugin-dir build/plugins).
  std::set<fs::path> shipped;
  for (const fs::path& dir : shipped_folders()) shipped.insert(fs::canonical(dir));
  std::vector<FoundPlugin> found;
  std::set<fs::path> seen_dirs;
  for (const auto& dir : search_path(dirs)) {
    std::error_code ec;
    if (!fs::is_directory(dir, ec))
      throw PluginLoadError("plugin folder " + dir + " does not exist or is not a directory");
    const fs::path canonical = fs::canonical(dir);
    if (!seen_dirs.insert(canonical).second) continue;  // the same folder named twice
    folders_.push_back(canonical.string());
    refuse_if_writable_by_others(canonical.string(), "plugin folder");
    std::vector<fs::path> files;
    for (const auto& entry : fs::directory_iterator(canonical))
      if (entry.is_regular_file() && entry.path().extension() == ".so") files.push_back(entry.path());
    std::sort(files.begin(), files.end());  // a stable order, whatever the file system's
    for (const auto& file : files) found.push_back({load_plugin_file(file.string()), shipped.count(canonical) > 0});
  }
  // A clash is not refused here: a stray file must not break the commands that never use its name.
  for (auto& group : group_by_name(std::move(found))) {
    std::vector<std::string> user_files, shipped_files;
    for (const FoundPlugin& f : group) (f.shipped ? shipped_files : user_files).push_back(f.plugin.file);
    const PluginKind kind = group.front().plugin.kind();
    const std::string name = group.front().plugin.name();
    const auto& candidates = user_files.empty() ? shipped_files : user_files;
    if (candidates.size() > 1) {
      clashes_.push_back({kind, name, candidates});
      continue;
    }
    if (!user_files.empty() && !shipped_files.empty()) overrides_.push_back({kind, name, user_files[0], shipped_files});
    const auto chosen =
        std::find_if(group.begin(), group.end(), [&](const FoundPlugin& f) { return f.plugin.file == candidates[0]; });
    plugins_.push_back(std::move(chosen->plugin));
  }
}

const LoadedPlugin* PluginRegistry::find(PluginKind kind, const std::string& name) const {
  for (const auto& clash : clashes_)
    if (clash.kind == kind && clash.name == name) throw PluginLoadError(clash.message());
  for (const auto& override : overrides_)
    if (override.kind == kind && override.name == name) warn_of_override(override);
  for (const auto& p : plugins_)
    if (p.kind() == kind && p.name() == name) return &p;
  return nullptr;
}

std::vector<std::string> PluginRegistry::names(PluginKind kind) const {
  std::vector<std::string> out;
  for (const auto& p : plugins_)
    if (p.kind() == kind) out.push_back(p.name());
  for (const auto& clash : clashes_)
    if (clash.kind == kind) out.push_back(clash.name);
  return out;
}

std::vector<const LoadedPlugin*> PluginRegistry::find_every_kind(const std::string& name) const {
  for (const auto& clash : clashes_)
    if (clash.name == name) throw PluginLoadError(clash.message());
  std::vector<const LoadedPlugin*> found;
  for (const auto& p : plugins_)
    if (p.name() == name) found.push_back(find(p.kind(), name));
  return found;
}

const LoadedPlugin& PluginRegistry::get(PluginKind kind, const std::string& name) const {
  if (const LoadedPlugin* p = find(kind, name)) return *p;
  const auto known = names(kind);
  std::string message = "unknown " + std::string(kind_name(kind)) + " plugin '" + name +
                        "' (known: " + (known.empty() ? "none" : join(known)) + ")";
  const std::string guess = closest_name(name, known);
  if (!guess.empty()) message += "; did you mean '" + guess + "'?";
  throw PluginLoadError(message);
}

Handle<Dataset> create_dataset(const LoadedPlugin& plugin, const PluginArgs& args) {
  return create<Dataset>(plugin, PluginKind::dataset, plugin.info->make_dataset, args);
}
Handle<Model> create_model(const LoadedPlugin& plugin, const PluginArgs& args) {
  return create<Model>(plugin, PluginKind::model, plugin.info->make_model, args);
}
Handle<Loss> create_loss(const LoadedPlugin& plugin, const PluginArgs& args) {
  return create<Loss>(plugin, PluginKind::loss, plugin.info->make_loss, args);
}
Handle<Optimizer> create_optimizer(const LoadedPlugin& plugin, const PluginArgs& args) {
  return create<Optimizer>(plugin, PluginKind::optimizer, plugin.info->make_optimizer, args);
}

Handle<Scheduler> create_scheduler(const LoadedPlugin& plugin, const PluginArgs& args) {
  return create<Scheduler>(plugin, PluginKind::scheduler, plugin.info->make_scheduler, args);
}

}  // namespace seqlab
