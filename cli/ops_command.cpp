// `tapecheck ops [--json]`: prints the op table.
#include <iomanip>
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/commands.hpp"
#include "engine/ops/op_table.hpp"

namespace tc::cli {

nlohmann::json op_to_json(const OpDef& op) {
  nlohmann::json inputs = nlohmann::json::array();
  const int shown = op.arity < 0 ? 1 : op.arity;
  for (int i = 0; i < shown; ++i) {
    const InputDef& in = op.input(i);
    inputs.push_back({{"name", in.name},
                      {"gradient", grad_class_name(in.grad)},
                      {"domain", {{"lo", in.domain.lo}, {"hi", in.domain.hi},
                                  {"away_from", in.domain.away_from},
                                  {"margin", in.domain.margin}}}});
  }
  return {{"name", op.name},
          {"family", op.family},
          {"arity", op.arity < 0 ? nlohmann::json("variadic") : nlohmann::json(op.arity)},
          {"inputs", inputs},
          {"attrs", op.attrs},
          {"dtype_rule", op.dtype_rule},
          {"kinks", op.kinks},
          {"math", op.math},
          {"complex_step", op.complex_step_ok},
          {"tolerance_factor", op.tolerance_factor}};
}

void register_ops(CLI::App& app) {
  auto* cmd = app.add_subcommand("ops", "Print the op table (one row per op)");
  auto* json = cmd->add_flag("--json", "JSON: an array with one object per op");
  cmd->callback([json] {
    if (*json) {
      nlohmann::json all = nlohmann::json::array();
      for (const OpDef* op : op_table()) all.push_back(op_to_json(*op));
      std::cout << all.dump(2) << "\n";
      return;
    }
    std::cout << std::left << std::setw(20) << "op" << std::setw(9) << "family" << std::setw(7)
              << "arity" << std::setw(34) << "gradient per input" << "kinks\n";
    for (const OpDef* op : op_table()) {
      std::string grads;
      const int shown = op->arity < 0 ? 1 : op->arity;
      for (int i = 0; i < shown; ++i)
        grads += std::string(i ? ", " : "") + op->input(i).name + ":" +
                 grad_class_name(op->input(i).grad);
      std::cout << std::setw(20) << op->name << std::setw(9) << op->family << std::setw(7)
                << (op->arity < 0 ? std::string("n") : std::to_string(op->arity))
                << std::setw(34) << grads << (*op->kinks ? op->kinks : "-") << "\n";
    }
    std::cout << op_table().size() << " ops\n";
  });
}

}  // namespace tc::cli
