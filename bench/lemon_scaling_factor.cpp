// LEMON's cost scaling on the pruned 1M-obligation graph, by method, scaling factor and
// integer width: what pylmcf's `lmcf_cost_scaling` cannot be asked for (it always runs
// CostScaling::run() with its defaults, PARTIAL_AUGMENT and factor 16). A measurement for
// bench/README.md, not part of arrears. Build against the LEMON headers pylmcf ships:
//
//   g++ -O3 -std=c++20 -I"$(.venv/bin/python -c 'import pylmcf; print(pylmcf.include())')" \
//       -o /tmp/lemon_scaling_factor bench/lemon_scaling_factor.cpp
//
// Its input is the arcs on cycles as raw arrays in the current folder: t.bin and h.bin (int32
// debtor and creditor numbers) and c.bin (int64 amounts), e.g. from `bench.clearing_solvers`'
// `graph(uniform, 1_000_000, 100_000)` saved with `.tofile`. Then
//
//   /tmp/lemon_scaling_factor WIDTH METHOD FACTOR [WIDTH METHOD FACTOR ...]
//
// with WIDTH 4 or 8 (bytes of the amounts), METHOD 0 PUSH, 1 AUGMENT, 2 PARTIAL_AUGMENT.
// Prints the CPU seconds of building the graph and of the solve, and the optimal cost (the
// same for every line: minus the debt cleared).
#include <lemon/cost_scaling.h>
#include <lemon/static_graph.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <utility>
#include <vector>

using namespace lemon;

template <class T> std::vector<T> load(const char* path) {
  FILE* f = std::fopen(path, "rb");
  if (!f) { std::perror(path); std::exit(1); }
  std::fseek(f, 0, SEEK_END);
  long size = std::ftell(f);
  std::fseek(f, 0, SEEK_SET);
  std::vector<T> v(size / sizeof(T));
  if (std::fread(v.data(), sizeof(T), v.size(), f) != v.size()) { std::perror(path); std::exit(1); }
  std::fclose(f);
  return v;
}

static double cpu() { return static_cast<double>(std::clock()) / CLOCKS_PER_SEC; }

template <class V>
void run(int n, const std::vector<int32_t>& t, const std::vector<int32_t>& h,
         const std::vector<int64_t>& c, int method, int factor) {
  using Solver = CostScaling<StaticDigraph, V, int64_t>;
  std::vector<std::pair<int, int>> arcs(t.size());
  for (size_t j = 0; j < t.size(); j++) arcs[j] = {t[j], h[j]};  // sorted, as clear's are
  double c0 = cpu();
  StaticDigraph g;
  g.build(n, arcs.begin(), arcs.end());
  StaticDigraph::ArcMap<V> cap(g);
  StaticDigraph::ArcMap<int64_t> cost(g);
  for (size_t j = 0; j < t.size(); j++) {
    cap[g.arcFromId(j)] = static_cast<V>(c[j]);
    cost[g.arcFromId(j)] = -1;
  }
  Solver solver(g);
  solver.upperMap(cap).costMap(cost);
  double c1 = cpu();
  solver.run(static_cast<typename Solver::Method>(method), factor);
  double c2 = cpu();
  std::printf("int%zu method %d factor %d: build %.2f s, solve %.2f s CPU, cost %lld\n",
              8 * sizeof(V), method, factor, c1 - c0, c2 - c1,
              static_cast<long long>(solver.totalCost()));
  std::fflush(stdout);
}

int main(int argc, char** argv) {
  auto t = load<int32_t>("t.bin"), h = load<int32_t>("h.bin");
  auto c = load<int64_t>("c.bin");
  int n = 0;
  for (auto x : t) n = x + 1 > n ? x + 1 : n;
  for (auto x : h) n = x + 1 > n ? x + 1 : n;
  for (int i = 1; i + 2 < argc; i += 3) {
    int width = std::atoi(argv[i]), method = std::atoi(argv[i + 1]), factor = std::atoi(argv[i + 2]);
    if (width == 4) run<int32_t>(n, t, h, c, method, factor);
    else run<int64_t>(n, t, h, c, method, factor);
  }
}
