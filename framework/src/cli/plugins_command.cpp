// `seqlab plugins [NAME] [--markdown [FILE]]`: the plugins found, one plugin's parameters, or the reference as
// Markdown.
// Tested in tests/host/test_plugin_loader.cpp, tests/cli/test_cli_errors.cpp
#include <CLI/CLI.hpp>
#include <algorithm>
#include <fmt/format.h>
#include <fstream>
#include <iostream>
#include <memory>

#include "cli/subcommand.hpp"
#include "config/error_report.hpp"
#include "config/param_validation.hpp"
#include "config/plugin_docs.hpp"
#include "host/plugin_loader.hpp"
#include "util/run_error.hpp"
#include "util/suggest.hpp"

namespace seqlab {

namespace {

// One entry of the list: a plugin and its file, or a name that clashes and every file it clashes between.
struct ListedName {
  PluginKind kind;
  std::string name;
  std::string summary;
  std::vector<std::string> files;
};

// Every kind and name found, sorted; a clash is listed, marked, rather than failing the whole list.
std::vector<ListedName> listed_names(const PluginRegistry& registry) {
  std::vector<ListedName> listed;
  for (const auto& p : registry.plugins()) listed.push_back({p.kind(), p.name(), p.info->meta.summary, {p.file}});
  for (const auto& o : registry.overrides())
    for (auto& entry : listed)
      if (entry.kind == o.kind && entry.name == o.name)
        entry.files[0] += " (overrides the shipped " + join(o.shipped_files, " and ") + ")";
  for (const auto& clash : registry.clashes())
    listed.push_back(
        {clash.kind, clash.name, "CLASH: unusable until all but one of these is removed or renamed", clash.files});
  std::stable_sort(listed.begin(), listed.end(), [](const ListedName& a, const ListedName& b) {
    return std::make_pair(a.kind, a.name) < std::make_pair(b.kind, b.name);
  });
  return listed;
}

int list_or_describe(const CommonOptions& common, const std::string& name) {
  return report_errors([&] {
    PluginRegistry registry(common.plugin_dirs);
    if (name.empty()) {
      std::cout << fmt::format("{:<10} {:<10} {}\n", "KIND", "NAME", "SUMMARY / FILE");
      for (const ListedName& entry : listed_names(registry)) {
        std::cout << fmt::format("{:<10} {:<10} {}\n", kind_name(entry.kind), entry.name, entry.summary);
        for (const std::string& file : entry.files) std::cout << fmt::format("{:<21} {}\n", "", file);
      }
      return 0;
    }
    std::vector<std::string> all_names;
    for (const auto& p : registry.plugins()) all_names.push_back(p.name());
    const std::vector<const LoadedPlugin*> found = registry.find_every_kind(name);  // throws if the name clashes
    for (const LoadedPlugin* plugin : found) {
      const LoadedPlugin& p = *plugin;
      std::cout << kind_name(p.kind()) << " plugin '" << p.name() << "': " << p.info->meta.summary << "\n"
                << "file: " << p.file << "\n";
      if (p.info->meta.params.empty()) std::cout << "no parameters\n";
      for (const auto& spec : p.info->meta.params) {
        const std::string def = spec.default_value ? "default " + format_value(*spec.default_value) : "required";
        const std::string range = range_text(spec);
        std::cout << fmt::format("  {:<14} {:<26} {:<22} {}{}\n", spec.name, type_text(spec), def,
                                 range.empty() ? "" : "(" + range + ") ", spec.help);
      }
      if (p.kind() == PluginKind::model)
        std::cout << "  (every model section also takes input_size and output_size: inferred from the "
                     "dataset, and an error if given and different; and init_from: a run folder whose weights it "
                     "starts from)\n";
    }
    if (found.empty()) {
      const std::string guess = closest_name(name, all_names);
      std::cerr << "error: no plugin named '" << name << "' (known: " << join(all_names) << ")"
                << (guess.empty() ? "" : "; did you mean '" + guess + "'?") << "\n";
      return 2;
    }
    return 0;
  });
}

int write_markdown(const CommonOptions& common, const std::string& file) {
  return report_errors([&] {
    PluginRegistry registry(common.plugin_dirs);
    const std::string text = plugins_markdown(registry, "seqlab plugins --markdown");
    if (file.empty() || file == "-") {
      std::cout << text;
      return 0;
    }
    std::ofstream out(file, std::ios::binary);
    out << text;
    if (!out.flush()) throw RunError("cannot write " + file);
    return 0;
  });
}

}  // namespace

Subcommand add_plugins_command(CLI::App& app, const Invocation&) {
  struct Options {
    CommonOptions common;
    std::string name;
    std::string markdown_file;
  };
  auto options = std::make_shared<Options>();
  auto* command = app.add_subcommand("plugins", "list the plugins, or one plugin's parameters");
  command->add_option("name", options->name, "show this plugin's parameters")->type_name("NAME");
  add_plugin_dir_option(*command, options->common);
  auto* markdown =
      command
          ->add_option("--markdown", options->markdown_file,
                       "write the reference of every plugin (parameter tables from the schemas) as Markdown to FILE, "
                       "or stdout without FILE; e.g. seqlab plugins --plugin-dir my_plugins --markdown my_plugins.md")
          ->expected(0, 1)
          ->type_name("[FILE]");
  return {command, [options, markdown] {
            if (markdown->count() == 0) return list_or_describe(options->common, options->name);
            if (!options->name.empty()) {
              std::cerr << "error: --markdown documents every plugin; leave out NAME\n";
              return 2;
            }
            return write_markdown(options->common, options->markdown_file);
          }};
}

}  // namespace seqlab
