// `seqlab reference DIR`: writes the key reference (docs/reference/ in the tree) from the schemas in the code.
#include <CLI/CLI.hpp>
#include <filesystem>
#include <iostream>
#include <memory>

#include "cli/reference_pages.hpp"
#include "cli/subcommand.hpp"
#include "config/error_report.hpp"
#include "host/plugin_loader.hpp"
#include "util/atomic_file.hpp"
#include "util/run_error.hpp"

namespace seqlab {

namespace {

int write_reference(const CommonOptions& common, const std::string& dir) {
  return report_errors([&] {
    PluginRegistry registry(common.plugin_dirs);
    const auto pages = reference_pages(registry);
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) throw RunError("cannot create the folder " + dir + ": " + ec.message());
    for (const auto& [name, text] : pages) write_file_atomically((std::filesystem::path(dir) / name).string(), text);
    std::cout << "wrote " << pages.size() << " reference pages to " << dir << "\n";
    return 0;
  });
}

}  // namespace

Subcommand add_reference_command(CLI::App& app, const Invocation&) {
  struct Options {
    CommonOptions common;
    std::string dir;
  };
  auto options = std::make_shared<Options>();
  auto* command = app.add_subcommand(
      "reference",
      "write the key reference (every runner section and every plugin found: type, default, range, help) as "
      "Markdown pages into DIR; in seqlab's tree: seqlab reference docs/reference");
  command->add_option("dir", options->dir, "the folder to write README.md, runner.md and plugins.md into")
      ->required()
      ->type_name("DIR");
  add_plugin_dir_option(*command, options->common);
  return {command, [options] { return write_reference(options->common, options->dir); }};
}

}  // namespace seqlab
