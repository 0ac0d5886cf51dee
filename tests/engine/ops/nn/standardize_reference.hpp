// The expected values of layer_norm / batch_norm tests, from the formulas in plain doubles:
// y = (x - μ)/√(σ² + ε) per group and the VJP r (g - mean g - y mean(g y)), for groups given as
// lists of element indices.
#pragma once
#include <cmath>
#include <vector>

namespace tc::test {

struct Standardized {
  std::vector<double> y, dx;
};

inline Standardized standardize_groups(const std::vector<double>& x, const std::vector<double>& g,
                                       const std::vector<std::vector<int>>& groups, double epsilon) {
  Standardized s{std::vector<double>(x.size()), std::vector<double>(x.size())};
  for (const std::vector<int>& group : groups) {
    const double n = static_cast<double>(group.size());
    double mean = 0, var = 0, mean_g = 0, mean_gy = 0;
    for (int i : group) mean += x[i] / n;
    for (int i : group) var += (x[i] - mean) * (x[i] - mean) / n;
    const double r = 1 / std::sqrt(var + epsilon);
    for (int i : group) s.y[i] = (x[i] - mean) * r;
    for (int i : group) {
      mean_g += g[i] / n;
      mean_gy += g[i] * s.y[i] / n;
    }
    for (int i : group) s.dx[i] = r * (g[i] - mean_g - s.y[i] * mean_gy);
  }
  return s;
}

}  // namespace tc::test
