// `tapecheck fuzz-input-to-tcg FILE [-o OUT.tcg]`: the graph a gradient_check fuzz input stands
// for (fuzz/gradient_check.hpp), printed as .tcg, so that a fuzzer's finding replays with
// `tapecheck replay` and enters a campaign's corpus. Exit 2 if FILE cannot be read or OUT
// written.
#include <fstream>
#include <iterator>
#include <vector>

#include "cli/commands.hpp"
#include "cli/common.hpp"
#include "fuzz/gradient_check.hpp"
#include "graph/tcg.hpp"
#include "reports/atomic_file.hpp"

namespace tc::cli {

void register_fuzz_input(CLI::App& app) {
  auto* cmd = app.add_subcommand("fuzz-input-to-tcg",
                                 "Print the graph a gradient_check fuzz input stands for, as .tcg "
                                 "(for tapecheck replay)");
  auto file = std::make_shared<std::string>();
  auto out = std::make_shared<std::string>();
  cmd->add_option("FILE", *file, "A gradient_check fuzz input (any bytes: a corpus file, a crash-… artifact)")
      ->required();
  cmd->add_option("-o,--output", *out, "Write the .tcg here instead of standard output");
  cmd->callback([=] {
    guarded([&] {
      std::ifstream in(*file, std::ios::binary);
      if (!in) throw InputError(*file + ": cannot read the file");
      const std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      const graph::Graph g = fuzz::graph_from_fuzz_input(reinterpret_cast<const std::uint8_t*>(bytes.data()),
                                                         bytes.size());
      std::string text = graph::print_tcg(g);
      if (!text.empty() && text.back() != '\n') text += '\n';
      if (out->empty())
        std::cout << text;
      else
        reports::write_file_atomically(*out, text);
      return kExitOk;
    });
  });
}

}  // namespace tc::cli
