// What the `rnn`, `lstm` and `gru` model plugins share: sizes, parameters, layout helpers, dropout, the kernel choice.
//
// A stacked recurrent network followed by a Linear head, as PyTorch's
// nn.RNN / nn.LSTM / nn.GRU (batch_first=True, h0 = c0 = 0) followed by
// nn.Linear. The plugins differ only in their cell: what one step does with its
// gate pre-activations (forward_step) and how it turns dL/dh_t back into dL/da_t
// (backward_step). Everything else lives here, once (the GRU keeps the
// recurrent part of a_t apart, see gru.cpp):
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
// Dropout (parameter `dropout` = p, as nn.RNN/nn.LSTM/nn.GRU's): in training mode
// (Model::set_training with a Random), layer l+1 reads x = h^l * m^l instead of
// h^l, for l = 0..L-2, where m^l is 1/(1-p) with probability 1-p and 0 otherwise;
// backward multiplies layer l's dL/dh from above by the same m^l. The top layer's
// output (the head's input) is never dropped, so with one layer dropout does
// nothing (PyTorch warns then; seqlab accepts it silently). Evaluation mode
// (nullptr, the initial one) drops nothing. The masks of a forward pass are drawn
// serially before any shard runs, in this order, whatever the threads:
//   for b in 0..B-1 (batch rows), for l in 0..L-2, for t in 0..T-1, for k in 0..H-1:
//     keep = random.uniform() >= p          m^l[b, t, k] = keep ? float(1 / (1 - p)) : 0
// (fill_dropout_masks below; tools/make_torch_fixtures.py reproduces it). Row by
// row, so that a sequence's draws sit at a fixed place in the stream: the
// data-parallel runner starts each process at its first row's draws
// (Model::draws_per_sequence), and the masks do not depend on the process count.
//
// Parameters, in order, with PyTorch's state_dict names and layouts
// (prefix "rnn.", "lstm.", "gru." or a cell's own):
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

// The parameters every recurrent plugin declares.
inline ParamSchema schema() {
  return {
      integer("hidden_size", 32, "hidden units per layer").between(1, 65536),
      integer("num_layers", 1, "stacked recurrent layers").between(1, 1024),
      choice("head", {"auto", "last", "sequence"}, "auto",
             "Linear on the last step only (last) or every step (sequence); "
             "auto: last when the dataset predicts one step, else sequence"),
      choice("kernel", {"fast", "reference"}, "fast",
             "fast: fused, batch-parallel kernels; reference: the plain step-by-step oracle they are tested against"),
      real("dropout", 0.0,
           "while training, the probability of zeroing each output of every layer but the last (the rest are "
           "scaled by 1/(1-p)), as PyTorch's; below 1; with one layer nothing is dropped")
          .between(0, 1)};
}

struct Sizes {
  std::size_t input = 1, hidden = 1, output = 1, layers = 1;
  std::size_t gates = 1;  // weight blocks per layer: 1 (rnn), 4 (lstm: i, f, g, o) or 3 (gru: r, z, n)
  Head head = Head::last;
  double dropout = 0;  // p, in [0, 1)
  // Whether a training forward draws masks: with one layer there is nothing to drop.
  bool drops() const { return dropout > 0 && layers > 1; }
  // What a training forward draws per sequence of `steps` (fill_dropout_masks).
  std::size_t draws_per_sequence(std::size_t steps) const { return drops() ? (layers - 1) * steps * hidden : 0; }
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
  s.dropout = args.params.real("dropout");
  if (s.dropout >= 1)
    throw ParamError("dropout", "dropout must be below 1: at 1 every output of a layer would be zero");
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

// Every boundary's dropout mask for `rows` batch rows, drawn in the order the
// header states (rows, then boundaries, steps, units), each stored time-major
// (T, rows, H) like the activations it multiplies: masks[l][(t * rows + r) * H + k].
inline void fill_dropout_masks(Random& random, double p, std::size_t rows, std::size_t steps, std::size_t hidden,
                               const std::vector<float*>& masks) {
  const float scale = static_cast<float>(1.0 / (1.0 - p));
  for (std::size_t r = 0; r < rows; ++r)
    for (float* mask : masks)
      for (std::size_t t = 0; t < steps; ++t) {
        float* m = mask + (t * rows + r) * hidden;
        for (std::size_t k = 0; k < hidden; ++k) m[k] = random.uniform() >= p ? scale : 0.0f;
      }
}

// out[k] = a[k] * b[k], or a[k] *= b[k] when out is a.
inline void multiply(const float* a, const float* b, std::size_t n, float* out) {
  xt::noalias(span(out, n)) = span(a, n) * span(b, n);
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
  bool train_step(const Tensor3& inputs, ModelCache& cache, Tensor3& outputs, const OutputGradient& gradient) override {
    return impl_->train_step(inputs, cache, outputs, gradient);
  }
  void set_training(Random* random) override { impl_->set_training(random); }
  std::size_t draws_per_sequence(std::size_t steps) const override { return impl_->draws_per_sequence(steps); }

 private:
  std::unique_ptr<Model> impl_;
};

}  // namespace seqlab::recurrent
