// The kernel library's version (seqlab::kernels, seqlab/kernels/*.hpp), kept apart from the plugin API's.
//
// The kernels are header-only: a plugin that includes them compiles them into itself, and nothing of theirs
// crosses the plugin boundary, so changing them never changes seqlab/version.hpp's kApiVersion (which the
// loader checks). kKernelsVersion tells code built on them what it was written against.
//
// Bump it, with a row in CHANGELOG.md's "Kernel library versions" saying what such code must change, when a
// header here is renamed or removed, or a function, class or constant a plugin may use changes its signature
// or meaning (the layout it reads or writes, the order of its sums, so the bits it promises). Not for a new
// header or function, nor for a faster kernel that gives the same results.
#pragma once

namespace seqlab::kernels {

inline constexpr unsigned kKernelsVersion = 1;

}  // namespace seqlab::kernels
