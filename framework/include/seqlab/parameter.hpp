// A trainable parameter: its PyTorch state_dict name, shape, value and gradient.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "seqlab/tensor.hpp"

namespace seqlab {

// Values are stored flat (row-major) so optimizers treat every parameter alike;
// `shape` gives the layout (PyTorch's), e.g. {4*H, I} for lstm.weight_ih_l0.
struct Parameter {
  std::string name;                // state_dict name, e.g. "lstm.weight_ih_l0", "fc.bias"
  std::vector<std::size_t> shape;  // logical shape
  Tensor1 value;                   // size = product of shape
  Tensor1 grad;                    // same size; written by Model::backward

  Parameter(std::string n, std::vector<std::size_t> s) : name(std::move(n)), shape(std::move(s)) {
    std::size_t size = 1;
    for (std::size_t d : shape) size *= d;
    value = Tensor1::from_shape({size});
    grad = Tensor1::from_shape({size});
    value.fill(0.0f);
    grad.fill(0.0f);
  }
  std::size_t size() const { return value.size(); }
};

}  // namespace seqlab
