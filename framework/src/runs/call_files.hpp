// `seqlab call`'s files: the .npy arrays it reads from --input and writes to --out.
#pragma once

#include <cstddef>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "runs/npy.hpp"
#include "runs/run_folder.hpp"
#include "seqlab/tensor.hpp"

namespace seqlab {

// The --input folder, or none (every array then takes its default). Arrays are float32 or float64 (converted).
// A wrong file is a ConfigError located at the file, saying what was expected and what was found.
class CallInputs {
 public:
  explicit CallInputs(std::string dir);  // "" = no folder; a name that is not a folder is refused

  bool has(const std::string& name) const;  // name without ".npy"
  // The array in <name>.npy, if the file is there; `shape` (when given) is the one it must have.
  std::optional<NpyArray> read(const std::string& name,
                               const std::optional<std::vector<std::size_t>>& shape = std::nullopt) const;
  // <name>.npy as (batch, steps, features); with `shape`, exactly that one.
  std::optional<Tensor3> read3(const std::string& name,
                               const std::optional<std::vector<std::size_t>>& shape = std::nullopt) const;
  // The names of the folder's .npy files (without ".npy"), sorted.
  std::vector<std::string> names() const;
  // Refuses any .npy file neither in `reads` nor in `writes`, listing what this plugin reads: a misnamed weight
  // file must not be silently ignored. What the call writes is let through (and not read), so that an --out
  // folder can be given back as --input.
  void refuse_unknown(const std::set<std::string>& reads, const std::set<std::string>& writes,
                      const std::string& reader) const;
  // <dir>/<name>.npy, for messages.
  std::string file(const std::string& name) const;

 private:
  std::string dir_;
};

// The --out folder (new or empty, as every seqlab output folder), and the list of what was written to it.
class CallOutputs {
 public:
  explicit CallOutputs(const std::string& dir);

  void write(const std::string& name, const float* data, const std::vector<std::size_t>& shape);
  void write(const std::string& name, const Tensor3& tensor);
  const std::string& path() const { return folder_.path(); }
  // "wrote 3 files to out/: output.npy (2, 1, 1), ..." for stdout.
  std::string summary() const;

 private:
  RunFolder folder_;
  std::vector<std::string> written_;  // "output.npy (2, 1, 1)"
};

// The 3-d shape as a vector, for messages and files.
std::vector<std::size_t> shape_of(const Tensor3& tensor);

}  // namespace seqlab
