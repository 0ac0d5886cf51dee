// `tapecheck engines [--json]`: every engine --engine accepts by name (the reference, each
// mutant with its bug class and the issue it mirrors, libtorch when built), and how to load a
// plugin.
#include <iomanip>
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/commands.hpp"
#include "cli/common.hpp"
#include "eut/engines.hpp"

namespace tc::cli {

void register_engines(CLI::App& app) {
  auto* cmd = app.add_subcommand("engines", "List the engines --engine accepts: reference, mutant:<name>, libtorch "
                                            "(when built); plugin:<path.so> loads your own");
  auto* json = cmd->add_flag("--json", "One JSON array: name, kind, description per engine");
  cmd->callback([json] {
    guarded([&] {
      const std::vector<eut::EngineListing> all = eut::list_engines();
      if (*json) {
        nlohmann::json j = nlohmann::json::array();
        for (const eut::EngineListing& e : all)
          j.push_back({{"name", e.name}, {"kind", e.kind}, {"description", e.description}});
        std::cout << j.dump(2) << "\n";
        return kExitOk;
      }
      std::size_t width = 0;
      for (const eut::EngineListing& e : all) width = std::max(width, e.name.size());
      for (const eut::EngineListing& e : all)
        std::cout << std::left << std::setw(static_cast<int>(width + 2)) << e.name << e.description << "\n";
      std::cout << "\nplugin:<path.so>  your engine in a shared library (eut/plugin.hpp, examples/my_engine)\n";
      return kExitOk;
    });
  });
}

}  // namespace tc::cli
