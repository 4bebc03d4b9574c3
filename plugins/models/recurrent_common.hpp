// What the `rnn` and `lstm` model plugins share: sizes, parameters, layout helpers, the kernel choice.
//
// A stacked recurrent network followed by a Linear head, as PyTorch's
// nn.RNN / nn.LSTM (batch_first=True, h0 = c0 = 0) followed by nn.Linear. The
// two plugins differ only in their cell: what one step does with its gate
// pre-activations (forward_step) and how it turns dL/dh_t back into dL/da_t
// (backward_step). Everything else lives here, once:
//
//   per layer l, with x = the inputs (l = 0) or layer l-1's h sequence, G = gates * H:
//     a_t = x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh       (B, G), h_{-1} = 0
//     h_t = cell(a_t, ...)                                   (B, H)
//   head, on the top layer's h:
//     last:     y   = h_{T-1} W_fc^T + b_fc                  outputs (B, 1, O)
//     sequence: y_t = h_t W_fc^T + b_fc for every t          outputs (B, T, O)
//
//   backward (BPTT), per layer from the top, t from T-1 down to 0:
//     dh_t = dL/dh_t from above (head or layer l+1) + da_{t+1} W_hh
//     da_t = cell_backward(dh_t, ...)
//   then, over all steps at once:
//     dW_ih = sum_t da_t^T x_t      dW_hh = sum_{t>=1} da_t^T h_{t-1}
//     db_ih = db_hh = sum_t,b da_t  dx_t  = da_t W_ih   (layer l-1's dL/dh)
//
// Layout. Inputs and outputs cross the Model interface batch-major (B, T, F).
// Inside, every sequence is stored TIME-MAJOR (T, B, F): the rows of step t are
// the contiguous (B, F) block at offset t*B*F. So one GEMM covers one step, a
// GEMM over all steps sees a single (T*B, F) matrix, and "steps 1..T-1" or
// "steps 0..T-2" are single contiguous matrices too (used for dW_hh). Inputs are
// transposed into that layout once per forward, outputs and their gradients
// once per call.
//
// Parameters, in order, with PyTorch's state_dict names and layouts
// (prefix "rnn." or "lstm."):
//   for l in 0..L-1: weight_ih_l<l> (G, I or H), weight_hh_l<l> (G, H),
//                    bias_ih_l<l> (G), bias_hh_l<l> (G)
//   fc.weight (O, H), fc.bias (O)
// All initialised U(-1/sqrt(H), 1/sqrt(H)) in this order, each flat row-major,
// as PyTorch does for both modules (nn.Linear's bound is 1/sqrt(in_features) = 1/sqrt(H)).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstring>
#include <memory>
#include <seqlab/blas.hpp>
#include <seqlab/plugin.hpp>
#include <stdexcept>
#include <string>
#include <vector>
#include <xtensor/xmath.hpp>
#include <xtensor/xnoalias.hpp>

namespace seqlab::recurrent {

enum class Head { last, sequence };

// The parameters both plugins declare.
inline ParamSchema schema() {
  return {
      integer("hidden_size", 32, "hidden units per layer").between(1, 65536),
      integer("num_layers", 1, "stacked recurrent layers").between(1, 1024),
      choice("head", {"auto", "last", "sequence"}, "auto",
             "Linear on the last step only (last) or every step (sequence); "
             "auto: last when the dataset predicts one step, else sequence"),
      choice("kernel", {"fast", "reference"}, "fast",
             "fast: fused, batch-parallel kernels; reference: the plain step-by-step oracle they are tested against")};
}

struct Sizes {
  std::size_t input = 1, hidden = 1, output = 1, layers = 1;
  std::size_t gates = 1;  // weight blocks per layer: 1 (rnn) or 4 (lstm: i, f, g, o)
  Head head = Head::last;
  std::size_t gate_width() const { return gates * hidden; }  // G
  std::size_t layer_input(std::size_t layer) const { return layer == 0 ? input : hidden; }
};

// Index of each parameter in Model::parameters().
inline std::size_t weight_ih_index(std::size_t layer) { return 4 * layer; }
inline std::size_t weight_hh_index(std::size_t layer) { return 4 * layer + 1; }
inline std::size_t bias_ih_index(std::size_t layer) { return 4 * layer + 2; }
inline std::size_t bias_hh_index(std::size_t layer) { return 4 * layer + 3; }
inline std::size_t fc_weight_index(const Sizes& s) { return 4 * s.layers; }
inline std::size_t fc_bias_index(const Sizes& s) { return 4 * s.layers + 1; }

// A 1-d window onto n floats, for xtensor (and so xsimd) elementwise kernels.
// Assign to it through xt::noalias: plain `=` would evaluate into a temporary.
inline auto span(float* data, std::size_t n) {
  return xt::adapt(data, n, xt::no_ownership(), std::array<std::size_t, 1>{n});
}
inline auto span(const float* data, std::size_t n) { return span(const_cast<float*>(data), n); }

// (B, T, F) batch-major -> (T, B, F) time-major, and back.
inline void to_time_major(const float* src, std::size_t batch, std::size_t steps, std::size_t features, float* dst) {
  for (std::size_t b = 0; b < batch; ++b)
    for (std::size_t t = 0; t < steps; ++t)
      std::memcpy(dst + (t * batch + b) * features, src + (b * steps + t) * features, features * sizeof(float));
}
inline void to_batch_major(const float* src, std::size_t batch, std::size_t steps, std::size_t features, float* dst) {
  for (std::size_t b = 0; b < batch; ++b)
    for (std::size_t t = 0; t < steps; ++t)
      std::memcpy(dst + (b * steps + t) * features, src + (t * batch + b) * features, features * sizeof(float));
}

// Adds `bias` (cols) to every row of the (rows, cols) matrix m.
inline void add_rows(float* m, std::size_t rows, std::size_t cols, const float* bias) {
  for (std::size_t r = 0; r < rows; ++r) {
    float* row = m + r * cols;
    for (std::size_t c = 0; c < cols; ++c) row[c] += bias[c];
  }
}

// out[c] = sum over rows of m[r, c]. Accumulated in double (acc: cols doubles of
// scratch) because a bias gradient sums T*B rows, and a float sum over tens of
// thousands of rows loses the digits the PyTorch comparison checks.
inline void column_sums(const float* m, std::size_t rows, std::size_t cols, double* acc, float* out) {
  std::fill(acc, acc + cols, 0.0);
  for (std::size_t r = 0; r < rows; ++r) {
    const float* row = m + r * cols;
    for (std::size_t c = 0; c < cols; ++c) acc[c] += row[c];
  }
  for (std::size_t c = 0; c < cols; ++c) out[c] = static_cast<float>(acc[c]);
}

// The sizes of a model from its parameters and the data's shape; checks the head.
inline Sizes read_sizes(const PluginArgs& args, std::size_t gates) {
  Sizes s;
  s.input = args.shape.input_size;
  s.output = args.shape.output_size;
  s.hidden = static_cast<std::size_t>(args.params.integer("hidden_size"));
  s.layers = static_cast<std::size_t>(args.params.integer("num_layers"));
  s.gates = gates;
  if (s.input == 0 || s.output == 0) throw std::logic_error("recurrent model: input_size and output_size must be >= 1");
  const std::string& head = args.params.text("head");
  const std::size_t target_steps = args.shape.target_steps;
  if (head == "auto") {
    s.head = target_steps == 1 ? Head::last : Head::sequence;
  } else if (head == "last") {
    s.head = Head::last;
    if (target_steps != 1)
      throw ParamError("head", "head 'last' predicts one step, but the dataset has " + std::to_string(target_steps) +
                                   " target steps per sequence (use head: sequence or auto)");
  } else {
    s.head = Head::sequence;
    if (target_steps != args.shape.steps)
      throw ParamError("head", "head 'sequence' predicts every one of the " + std::to_string(args.shape.steps) +
                                   " steps, but the dataset has " + std::to_string(target_steps) +
                                   " target steps per sequence (use head: last or auto)");
  }
  return s;
}

// The parameters in state_dict order, initialised U(-1/sqrt(H), 1/sqrt(H)) as PyTorch does.
inline std::vector<Parameter> make_parameters(const Sizes& s, const std::string& prefix, Random& random) {
  std::vector<Parameter> parameters;
  for (std::size_t l = 0; l < s.layers; ++l) {
    const std::string suffix = "_l" + std::to_string(l);
    const std::size_t g = s.gate_width(), in = s.layer_input(l), h = s.hidden;
    parameters.emplace_back(prefix + ".weight_ih" + suffix, std::vector<std::size_t>{g, in});
    parameters.emplace_back(prefix + ".weight_hh" + suffix, std::vector<std::size_t>{g, h});
    parameters.emplace_back(prefix + ".bias_ih" + suffix, std::vector<std::size_t>{g});
    parameters.emplace_back(prefix + ".bias_hh" + suffix, std::vector<std::size_t>{g});
  }
  parameters.emplace_back("fc.weight", std::vector<std::size_t>{s.output, s.hidden});
  parameters.emplace_back("fc.bias", std::vector<std::size_t>{s.output});
  const double bound = 1.0 / std::sqrt(static_cast<double>(s.hidden));
  for (Parameter& p : parameters)
    for (float& v : p.value) v = static_cast<float>(random.uniform(-bound, bound));
  return parameters;
}

// The plugin classes hold one of the two implementations (reference or fast)
// of the same network over the same parameters, and forward to it.
class DelegatingModel : public Model {
 public:
  explicit DelegatingModel(std::unique_ptr<Model> impl) : impl_(std::move(impl)) {}
  std::vector<Parameter>& parameters() override { return impl_->parameters(); }
  std::size_t output_steps(std::size_t steps) const override { return impl_->output_steps(steps); }
  std::unique_ptr<ModelCache> make_cache(std::size_t batch, std::size_t steps) const override {
    return impl_->make_cache(batch, steps);
  }
  void forward(const Tensor3& inputs, ModelCache& cache, Tensor3& outputs) override {
    impl_->forward(inputs, cache, outputs);
  }
  void backward(const Tensor3& inputs, ModelCache& cache, const Tensor3& grad_outputs) override {
    impl_->backward(inputs, cache, grad_outputs);
  }

 private:
  std::unique_ptr<Model> impl_;
};

}  // namespace seqlab::recurrent
