// Reading `seqlab call`'s input arrays with the checks a hand-written loader would skip, and writing its outputs.
// Tested in tests/cli/test_call_command.cpp
#include "runs/call_files.hpp"

#include <algorithm>
#include <filesystem>
#include <fmt/format.h>

#include "config/config_error.hpp"
#include "runs/npy_file.hpp"
#include "util/suggest.hpp"

namespace fs = std::filesystem;

namespace seqlab {

namespace {

[[noreturn]] void refuse(const std::string& where, const std::string& message) {
  throw ConfigError(SourceLocation{where}, "", message);
}

}  // namespace

CallInputs::CallInputs(std::string dir) : dir_(std::move(dir)) {
  if (dir_.empty()) return;
  SourceLocation where;
  where.override = "--input " + dir_;
  if (!fs::is_directory(dir_))
    throw ConfigError(where, "", "not a folder; give the folder that holds the plugin's input .npy files");
}

std::string CallInputs::file(const std::string& name) const { return (fs::path(dir_) / (name + ".npy")).string(); }

bool CallInputs::has(const std::string& name) const {
  std::error_code ec;
  return !dir_.empty() && fs::exists(fs::symlink_status(file(name), ec));
}

std::optional<NpyArray> CallInputs::read(const std::string& name,
                                         const std::optional<std::vector<std::size_t>>& shape) const {
  if (!has(name)) return std::nullopt;
  const std::string path = file(name);
  try {
    NpyFile npy(path);  // the header first: a file of another shape is refused before its data is read
    if (shape && npy.shape() != *shape)
      refuse(path, fmt::format("expected shape {}, found {}", shape_text(*shape), shape_text(npy.shape())));
    return NpyArray{npy.shape(), npy.read_data()};
  } catch (const UnreadableFile& e) {  // not a C-order float array: the problem names what was found
    refuse(path, e.problem() + "; expected a C-order float32 (or float64) array, as np.save writes one");
  }
}

std::optional<Tensor3> CallInputs::read3(const std::string& name,
                                         const std::optional<std::vector<std::size_t>>& shape) const {
  if (!has(name)) return std::nullopt;
  std::optional<NpyArray> array = read(name, shape);
  if (array->shape.size() != 3)
    refuse(file(name),
           fmt::format("expected 3 dimensions (batch, steps, features), found shape {}", shape_text(array->shape)));
  Tensor3 tensor = Tensor3::from_shape({array->shape[0], array->shape[1], array->shape[2]});
  std::copy(array->data.begin(), array->data.end(), tensor.begin());
  return tensor;
}

std::vector<std::string> CallInputs::names() const {
  std::vector<std::string> found;
  if (dir_.empty()) return found;
  for (const auto& entry : fs::directory_iterator(dir_))
    if (entry.path().extension() == ".npy") found.push_back(entry.path().stem().string());
  std::sort(found.begin(), found.end());
  return found;
}

void CallInputs::refuse_unknown(const std::set<std::string>& reads, const std::set<std::string>& writes,
                                const std::string& reader) const {
  std::vector<std::string> expected;
  for (const auto& name : reads) expected.push_back(name + ".npy");
  for (const auto& name : names())
    if (!reads.count(name) && !writes.count(name)) {
      const std::string guess = closest_name(name + ".npy", expected);
      refuse(file(name), fmt::format("{} reads no such file{} (it reads: {})", reader,
                                     guess.empty() ? "" : "; did you mean " + guess + "?", join(expected)));
    }
}

CallOutputs::CallOutputs(const std::string& dir) : folder_(RunFolder::create_under(dir, dir)) {}

void CallOutputs::write(const std::string& name, const float* data, const std::vector<std::size_t>& shape) {
  folder_.write_text(name + ".npy", encode_npy(data, shape));
  written_.push_back(name + ".npy " + shape_text(shape));
}

void CallOutputs::write(const std::string& name, const Tensor3& tensor) {
  write(name, tensor.data(), shape_of(tensor));
}

std::string CallOutputs::summary() const {
  std::string text = fmt::format("wrote {} file(s) to {}/:\n", written_.size(), folder_.path());
  for (const auto& line : written_) text += "  " + line + "\n";
  return text;
}

std::vector<std::size_t> shape_of(const Tensor3& tensor) {
  return {tensor.shape()[0], tensor.shape()[1], tensor.shape()[2]};
}

}  // namespace seqlab
